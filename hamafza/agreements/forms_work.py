"""Forms for review rounds, prospects, committees and meetings, and decrees.

They parse and present; the rules live in ``models.clean()`` and ``services``.
Dates are typed in any calendar and any digits (``MultiCalendarDateField``);
organizations are picked by typing their name, people by number or name.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamafza.core.forms import (
    IdModelChoiceField,
    IdModelMultipleChoiceField,
    MultiCalendarDateField,
)
from hamafza.core.params import id_param
from hamafza.core.text import digits_localize, digits_to_ascii
from hamafza.directory.forms import CalendarAwareMixin, NamesFormMixin, OrganizationInput
from hamafza.directory.models import Organization, Person
from hamafza.directory.selectors import person_list

from .models import (
    Agreement,
    AgreementKind,
    AgreementReview,
    AppointmentStatus,
    CommitteeStatus,
    ProspectStatus,
    ReviewDecision,
)

ORGANIZATION_HELP = _("Type part of its name and choose it from the list; its number fills in.")
PERSON_HELP = _("Type the person's number, or their name if no one else has it.")
# Codes typed in a box may be separated by spaces, commas (Latin or Arabic) or new lines.
CODE_SEPARATORS = re.compile(r"[\s,،;؛]+")
BENEFITS = range(1, 6)


def _style(form: forms.BaseForm) -> None:
    """Labels begin with a capital; Bootstrap classes on every widget (both parts of a date)."""
    for field in form.fields.values():
        if field.label:
            field.label = capfirst(field.label)
        for widget in getattr(field.widget, "widgets", [field.widget]):
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


# --- pickers -------------------------------------------------------------------------------------


class OrganizationPicker(OrganizationInput):
    """The directory's organization picker, asking for suggestions by the text typed.

    The directory's suggestions answer ``q``; this sends the input's text as
    ``q`` whatever the field is called.
    """

    template_name = "agreements/work_organization_input.html"


class PersonInput(forms.TextInput):
    """A person's number, with the likely people offered in a ``<datalist>``."""

    template_name = "agreements/work_person_input.html"

    def __init__(self, attrs=None, people=()):
        super().__init__({"dir": "auto", "autocomplete": "off", **(attrs or {})})
        self.people = list(people)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["people"] = [(person.pk, person.display_name()) for person in self.people]
        return context


class PersonChoiceField(IdModelChoiceField):
    """A person by number, or by a name that only one person has."""

    default_error_messages = {
        "ambiguous": _(
            "Several people match “%(name)s”: choose one from the list or type their number."
        ),
        "unknown": _("No one is called “%(name)s”."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Person.objects.all())
        kwargs.setdefault("widget", PersonInput())
        kwargs.setdefault("help_text", PERSON_HELP)
        super().__init__(**kwargs)

    def people_offer(self, people) -> None:
        self.widget.people = list(people)

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and id_param(value) is None:
            name = value.strip()[:200]
            matches = list(person_list(q=name)[:2])
            if len(matches) == 1:
                return matches[0]
            code = "ambiguous" if matches else "unknown"
            raise ValidationError(self.error_messages[code], code=code, params={"name": name})
        if isinstance(value, str) and id_param(value) is not None:
            value = str(id_param(value))
        return super().to_python(value)


def _offices_field(field: forms.ModelChoiceField, offices: list[Organization] | None) -> None:
    """Coordinators (``offices`` None) pick any office; others choose among their own.

    The field accepts any organization: the service decides who may act for
    which office, so that a refusal is a refusal, not a form error.
    """
    field.queryset = Organization.objects.only("id", "name", "names")
    if offices is None:
        field.widget = OrganizationPicker()
        field.help_text = ORGANIZATION_HELP
    else:
        field.widget = forms.Select(
            choices=[(office.pk, office.display_name()) for office in offices]
        )
    field.widget.is_required = field.required
    if offices and len(offices) == 1 and field.initial is None:
        field.initial = offices[0].pk


def _agreement_by_code(candidates: QuerySet[Agreement], text: str) -> Agreement | None:
    code = digits_to_ascii(text or "").strip()
    if not code:
        return None
    return candidates.filter(code__iexact=code).first()


def _benefit_choices() -> list[tuple[int, str]]:
    language = get_language()
    return [(n, digits_localize(str(n), language)) for n in BENEFITS]


# --- review rounds -------------------------------------------------------------------------------


class ReviewRoundForm(CalendarAwareMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    description = forms.CharField(
        label=_("description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_on = MultiCalendarDateField(label=_("due date"), required=False)
    owner = IdModelChoiceField(label=_("responsible office"), queryset=Organization.objects.none())
    agreements = IdModelMultipleChoiceField(
        label=_("agreements to review"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Active and expired agreements you may see."),
    )
    codes = forms.CharField(
        label=_("or their codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_("Separated by spaces, commas or new lines, e.g. MOU-1404-017."),
    )

    def __init__(self, *args, offices=None, agreements: QuerySet[Agreement], **kwargs):
        super().__init__(*args, **kwargs)
        _offices_field(self.fields["owner"], offices)
        self.fields["agreements"].queryset = agreements
        self.candidates = agreements
        _style(self)

    def clean_codes(self) -> list[Agreement]:
        codes = [
            code
            for code in CODE_SEPARATORS.split(digits_to_ascii(self.cleaned_data["codes"]))
            if code
        ]
        if not codes:
            return []
        wanted = {*codes, *(code.upper() for code in codes)}
        found = {
            agreement.code.upper(): agreement
            for agreement in self.candidates.filter(code__in=wanted)
        }
        missing = [code for code in codes if code.upper() not in found]
        if missing:
            raise ValidationError(
                _("No active or expired agreement you may see has the code %(codes)s."),
                params={"codes": ", ".join(missing)},
            )
        return [found[code.upper()] for code in codes]

    def service_values(self) -> dict:
        data = self.cleaned_data
        chosen: dict[int, Agreement] = {}
        for agreement in [*data["agreements"], *data["codes"]]:
            chosen.setdefault(agreement.pk, agreement)
        return {
            "owner": data["owner"],
            "title": data["title"],
            "description": data["description"],
            "due_on": data["due_on"],
            "agreements": list(chosen.values()),
        }


class ReviewAddForm(forms.Form):
    agreement = forms.CharField(
        label=_("code of the agreement"),
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def __init__(self, *args, agreements: QuerySet[Agreement], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = agreements
        _style(self)

    def clean_agreement(self) -> Agreement:
        agreement = _agreement_by_code(self.candidates, self.cleaned_data["agreement"])
        if agreement is None:
            raise ValidationError(_("No agreement you may see has this code."))
        return agreement


class ReviewDecideForm(CalendarAwareMixin, forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=ReviewDecision.choices)
    reasoning = forms.CharField(
        label=_("reasoning"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    new_kind = forms.TypedChoiceField(
        label=_("new kind"),
        required=False,
        help_text=_("For a downgrade: the lighter kind it becomes."),
    )
    new_expires_on = MultiCalendarDateField(
        label=_("new expiry date"),
        required=False,
        help_text=_("For a renewal; left empty, the new term is as long as the old one."),
    )

    def __init__(self, *args, kinds: list[AgreementKind], review: AgreementReview, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "decision": review.decision,
                "reasoning": review.reasoning,
                "new_kind": review.new_kind_id or "",
                "new_expires_on": review.new_expires_on,
            },
        )
        super().__init__(*args, **kwargs)
        self.kinds = {kind.pk: kind for kind in kinds}
        field = self.fields["new_kind"]
        field.choices = [("", "—"), *((kind.pk, kind.display_name()) for kind in kinds)]
        field.coerce = lambda value: self.kinds[int(value)]
        field.empty_value = None
        _style(self)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "decision": data["decision"],
            "reasoning": data["reasoning"],
            "new_kind": data["new_kind"],
            "new_expires_on": data["new_expires_on"],
        }


# --- prospects -----------------------------------------------------------------------------------


class StatusFilterForm(forms.Form):
    """A list's status filter; a status that is not one of ``choices`` is ignored."""

    status = forms.ChoiceField(label=_("status"), required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *choices]
        _style(self)

    def value(self, name: str, default=""):
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default


class ProspectForm(forms.Form):
    organization = IdModelChoiceField(
        label=_("body"),
        queryset=Organization.objects.only("id", "name", "names"),
        widget=OrganizationPicker(),
        help_text=ORGANIZATION_HELP,
    )
    owner = IdModelChoiceField(label=_("responsible office"), queryset=Organization.objects.none())
    assessment = forms.CharField(
        label=_("assessment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why an MoU with this body is worth having, and what it would cover."),
    )
    expected_benefit = forms.TypedChoiceField(
        label=_("expected benefit"),
        coerce=int,
        initial=3,
        help_text=_("1 (little) to 5 (great)."),
    )

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        _offices_field(self.fields["owner"], offices)
        self.fields["expected_benefit"].choices = _benefit_choices()
        _style(self)


class ProspectMoveForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ProspectStatus.choices)
    assessment = forms.CharField(
        label=_("assessment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    expected_benefit = forms.TypedChoiceField(label=_("expected benefit"), coerce=int)
    agreement = forms.CharField(
        label=_("agreement signed"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("When it is signed: the code of the agreement."),
    )

    def __init__(self, *args, prospect, next_statuses, agreements: QuerySet[Agreement], **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "status": prospect.status,
                "assessment": prospect.assessment,
                "expected_benefit": prospect.expected_benefit,
                "agreement": prospect.agreement.code if prospect.agreement_id else "",
            },
        )
        super().__init__(*args, **kwargs)
        self.candidates = agreements
        self.fields["expected_benefit"].choices = _benefit_choices()
        # Every status is understood (the service explains a move that is not
        # allowed); the list offers the current one and the next ones.
        offered = {prospect.status, *next_statuses}
        self.fields["status"].widget.choices = [
            (value, label) for value, label in ProspectStatus.choices if value in offered
        ]
        _style(self)

    def clean_agreement(self) -> Agreement | None:
        text = self.cleaned_data["agreement"]
        if not text.strip():
            return None
        agreement = _agreement_by_code(self.candidates, text)
        if agreement is None:
            raise ValidationError(_("No agreement you may see has this code."))
        return agreement

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "assessment": data["assessment"],
            "expected_benefit": data["expected_benefit"],
            "agreement": data["agreement"],
        }


# --- committees and meetings ---------------------------------------------------------------------


class CommitteeForm(CalendarAwareMixin, NamesFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=300)
    secretary = PersonChoiceField(label=_("secretary"), required=False)
    status = forms.ChoiceField(label=_("status"), choices=CommitteeStatus.choices)
    established_on = MultiCalendarDateField(label=_("established on"), required=False)

    def __init__(self, *args, committee=None, people=(), **kwargs):
        if committee is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": committee.name,
                    "secretary": committee.secretary_id,
                    "status": committee.status,
                    "established_on": committee.established_on,
                },
            )
        super().__init__(*args, **kwargs)
        self._add_name_fields(committee.names if committee is not None else {})
        self.fields["secretary"].people_offer(people)
        _style(self)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "names": self.names_value(),
            "secretary": data["secretary"],
            "status": data["status"],
            "established_on": data["established_on"],
        }


class MemberForm(forms.Form):
    person = PersonChoiceField(label=_("person"))
    organization = IdModelChoiceField(label=_("on behalf of"), queryset=Organization.objects.none())
    role = forms.CharField(label=_("role"), max_length=100, required=False)

    def __init__(self, *args, organizations: QuerySet[Organization], people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["person"].people_offer(people)
        _style(self)


class MeetingForm(CalendarAwareMixin, forms.Form):
    held_on = MultiCalendarDateField(label=_("date"))
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("agenda"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(
        label=_("minutes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attendees = IdModelMultipleChoiceField(
        label=_("attendance"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members who came."),
    )

    def __init__(self, *args, members: QuerySet[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        _style(self)


class DecisionForm(CalendarAwareMixin, forms.Form):
    """One decision of a meeting; it becomes a follow-up item."""

    text = forms.CharField(
        label=_("decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_organization = IdModelChoiceField(
        label=_("responsible organization"),
        queryset=Organization.objects.only("id", "name", "names"),
        widget=OrganizationPicker(),
        help_text=ORGANIZATION_HELP,
    )
    owner_person = PersonChoiceField(label=_("responsible person"), required=False)
    due_on = MultiCalendarDateField(label=_("due date"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_person"].people_offer(people)
        _style(self)


class BaseDecisionFormSet(forms.BaseFormSet):
    def __init__(self, *args, people=(), request=None, rows: int | None = None, **kwargs):
        self.people = list(people)
        self.request = request
        if rows is not None:
            self.extra = max(0, min(rows, self.max_num))
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"people": self.people}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.request is not None:
            form.calendars_follow(self.request)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        if self.request is not None:
            form.calendars_follow(self.request)
        return form


DECISIONS_MAX = 20
DecisionFormSet = forms.formset_factory(
    DecisionForm,
    formset=BaseDecisionFormSet,
    extra=0,
    max_num=DECISIONS_MAX,
    absolute_max=DECISIONS_MAX,
    validate_max=True,
)


# --- representative appointments -----------------------------------------------------------------

APPOINTMENT_STATUS_CHOICES = [
    ("active", AppointmentStatus.ACTIVE.label),
    ("expiring", _("Expiring soon")),
    ("expired", AppointmentStatus.EXPIRED.label),
    ("revoked", AppointmentStatus.REVOKED.label),
    ("pending", AppointmentStatus.PENDING.label),
]


class AppointmentFiltersForm(forms.Form):
    """The decree list's filters; a value that does not parse is ignored."""

    q = forms.CharField(label=_("search"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    host = forms.CharField(
        label=_("host body"), required=False, widget=OrganizationPicker(), help_text=""
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *APPOINTMENT_STATUS_CHOICES]
        _style(self)

    def clean_host(self) -> int | None:
        return id_param(self.cleaned_data["host"])

    def values(self) -> dict:
        if not self.is_bound:
            return {"status": "", "q": "", "host": None}
        self.is_valid()
        data = self.cleaned_data
        return {
            "status": data.get("status") or "",
            "q": (data.get("q") or "").replace("\x00", "").strip(),
            "host": data.get("host"),
        }


class AppointmentForm(CalendarAwareMixin, forms.Form):
    person = PersonChoiceField(label=_("person"))
    issuer = IdModelChoiceField(label=_("issuing authority"), queryset=Organization.objects.none())
    host = IdModelChoiceField(
        label=_("host body"),
        queryset=Organization.objects.only("id", "name", "names"),
        widget=OrganizationPicker(),
        help_text=ORGANIZATION_HELP,
    )
    role = forms.CharField(label=_("role"), max_length=200)
    decree_number = forms.CharField(
        label=_("decree number"), max_length=60, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    decree_date = MultiCalendarDateField(label=_("decree date"))
    valid_from = MultiCalendarDateField(label=_("valid from"))
    valid_to = MultiCalendarDateField(label=_("valid to"), required=False)

    def __init__(self, *args, offices=None, appointment=None, **kwargs):
        if appointment is not None:
            kwargs.setdefault(
                "initial",
                {
                    "person": appointment.person_id,
                    "host": appointment.host_id,
                    "role": appointment.role,
                    "decree_number": appointment.decree_number,
                    "decree_date": appointment.decree_date,
                    "valid_from": appointment.valid_from,
                    "valid_to": appointment.valid_to,
                },
            )
        super().__init__(*args, **kwargs)
        if appointment is not None:
            del self.fields["issuer"]  # a decree stays with the authority that issued it
        else:
            _offices_field(self.fields["issuer"], offices)
        self.fields["decree_number"].widget.attrs["dir"] = "ltr"
        _style(self)

    def clean_decree_number(self) -> str:
        return digits_to_ascii(self.cleaned_data["decree_number"]).strip()

    def service_values(self) -> dict:
        names = ["person", "issuer", "host", "role", "decree_number"]
        names += ["decree_date", "valid_from", "valid_to"]
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


class RevokeForm(CalendarAwareMixin, forms.Form):
    revoked_on = MultiCalendarDateField(label=_("revoked on"))
    revocation_reason = forms.CharField(
        label=_("reason for revocation"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
