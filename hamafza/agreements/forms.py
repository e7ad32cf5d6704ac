"""Forms for agreement pages: they parse and present; the rules live in models and services.

Dates are typed in any calendar and any digits (``MultiCalendarDateField``);
organizations are picked by name (the directory's HTMX picker). A form never
decides whether a change is allowed or valid beyond the shape of its input:
the services do, and the views show their messages on these forms' fields.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hamafza.agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementState,
    PartyRole,
    Scope,
)
from hamafza.agreements.selectors import ORDERS, AgreementFilters
from hamafza.agreements.services import PartyInput
from hamafza.core.forms import (
    IdModelChoiceField,
    IdModelMultipleChoiceField,
    LocalizedIntegerField,
    MultiCalendarDateField,
)
from hamafza.core.models import Province
from hamafza.core.params import id_param
from hamafza.core.text import digits_to_ascii
from hamafza.directory.forms import CalendarAwareMixin, OrganizationInput
from hamafza.directory.models import ActivityField, Organization, Person
from hamafza.followups.models import FollowUp

PICK_HELP = _("Type part of its name and choose it from the list; its number fills in.")
EXPIRY_WINDOW_MAX = 3650  # days


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def _help(model, name: str):
    return model._meta.get_field(name).help_text


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (the calendar field's two parts included)."""
    for field in form.fields.values():
        parts = getattr(field.widget, "widgets", None)
        for widget in parts or [field.widget]:
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                # A date's calendar, beside its text box, takes only the room it needs.
                css = "form-select flex-grow-0 w-auto" if parts else "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class OrganizationPicker(OrganizationInput):
    """The directory's organization picker, usable under any field name.

    The directory's suggestions read the typed text from ``q``; the widget
    sends it so, whatever the field is called (``owner``, ``parties-0-organization`` …).
    """

    template_name = "agreements/widgets/organization_input.html"


def organization_field(label, *, required: bool = True) -> IdModelChoiceField:
    return IdModelChoiceField(
        label=label,
        queryset=Organization.objects.only("id", "name", "names"),
        widget=OrganizationPicker(),
        help_text=PICK_HELP,
        required=required,
    )


class ChosenObjectField(forms.TypedChoiceField):
    """One of a few objects already in memory, posted by id (no query to validate)."""

    def __init__(self, *, objects=(), **kwargs):
        self.objects = {obj.pk: obj for obj in objects}
        super().__init__(
            coerce=self._object,
            choices=[
                ("", "---------"),
                *((pk, obj.display_name()) for pk, obj in self.objects.items()),
            ],
            **kwargs,
        )

    def _object(self, value):
        return self.objects[id_param(value)]

    def valid_value(self, value) -> bool:
        return id_param(value) in self.objects


def province_choices() -> list:
    """Provinces grouped by country, for a ``<select>`` (one query)."""
    groups: dict[str, list] = {}
    for province in Province.objects.select_related("country").order_by("country__code", "name"):
        groups.setdefault(province.country.display_name(), []).append(
            (province.pk, province.display_name())
        )
    return list(groups.items())


def people_of(organization_ids):
    """People who are members of these organizations, for choosing a responsible person."""
    return (
        Person.objects.filter(memberships__organization_id__in=list(organization_ids))
        .distinct()
        .order_by("name", "id")
    )


def _names_initial(titles: dict) -> dict:
    return {f"title_{code}": text for code, text in (titles or {}).items()}


def _title_fields(form: forms.Form) -> None:
    for code, label in settings.LANGUAGES:
        form.fields[f"title_{code}"] = forms.CharField(
            label=_("Title in %(language)s") % {"language": label},
            max_length=300,
            required=False,
        )


def _titles_value(data: dict) -> dict:
    return {
        code: data[f"title_{code}"].strip()
        for code, _label in settings.LANGUAGES
        if (data.get(f"title_{code}") or "").strip()
    }


# --- the list's filters ------------------------------------------------------------------------

STATE_FILTERS = [("renewal_due", _("Renewal due")), *AgreementState.choices]
ORDER_CHOICES = [
    ("priority", _("Priority, highest first")),
    ("expiry", _("Expiry, soonest first")),
    ("signed", _("Signing date, latest first")),
    ("code", _("Code")),
]


class AgreementFilterForm(forms.Form):
    """The list's filters, read from the query string; a value typed wrong is left out."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *STATE_FILTERS], required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=[("", _("National and provincial")), *Scope.choices],
        required=False,
    )
    province = forms.TypedChoiceField(label=_("Province"), coerce=int, required=False)
    party = forms.CharField(
        label=_("Party"), max_length=20, required=False, widget=OrganizationPicker()
    )
    parent = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)
    expires_within = LocalizedIntegerField(
        label=_("Expires within (days)"),
        min_value=0,
        max_value=EXPIRY_WINDOW_MAX,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    order = forms.ChoiceField(label=_("Order"), choices=ORDER_CHOICES, required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", _("All kinds")),
            *((kind.code, kind.display_name()) for kind in kinds),
        ]
        self.fields["province"].choices = [("", _("All provinces")), *province_choices()]
        self.fields["party"].help_text = ""
        self.fields["party"].widget.attrs["placeholder"] = _("Type a name")
        _style(self)

    def clean_party(self):
        return id_param(self.cleaned_data["party"])

    def clean_parent(self):
        return id_param(self.cleaned_data["parent"])

    def filters(self) -> AgreementFilters:
        """The valid filters; fields typed wrong are ignored (and shown as errors)."""
        if not self.is_bound:
            return AgreementFilters()
        self.is_valid()
        data = self.cleaned_data
        order = data.get("order") or "priority"
        return AgreementFilters(
            q=(data.get("q") or "").strip(),
            state=data.get("state") or "",
            kind=data.get("kind") or "",
            scope=data.get("scope") or "",
            province=data.get("province") or None,
            party=data.get("party"),
            parent=data.get("parent"),
            expires_within=data.get("expires_within"),
            order=order if order in ORDERS else "priority",
        )


# --- the agreement itself --------------------------------------------------------------------


class ParentField(forms.ModelChoiceField):
    """The national agreement a provincial one falls under, typed by its code."""

    default_error_messages = {"invalid_choice": _("There is no agreement with this code.")}

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Agreement.objects.none(),
            to_field_name="code",
            widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = digits_to_ascii(value).strip()
        return super().to_python(value)


class AgreementForm(CalendarAwareMixin, forms.Form):
    """An agreement's details (``services.AGREEMENT_FIELDS``) and subject areas.

    On a new agreement, also its parties (``PartyFormSet``) and whether it is
    registered as a draft or as already signed. ``owners`` limits the
    responsible office to a few organizations (an editor's own offices);
    without it, any organization is picked by name.
    """

    kind = IdModelChoiceField(label=_label(Agreement, "kind"), queryset=AgreementKind.objects.all())
    code = forms.CharField(
        label=_label(Agreement, "code"),
        max_length=40,
        help_text=_help(Agreement, "code"),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    title = forms.CharField(label=_label(Agreement, "title"), max_length=300)
    summary = forms.CharField(
        label=_label(Agreement, "summary"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    scope = forms.ChoiceField(label=_label(Agreement, "scope"), choices=Scope.choices)
    province = IdModelChoiceField(
        label=_label(Agreement, "province"),
        queryset=Province.objects.all(),
        required=False,
        help_text=_("Only for a provincial agreement."),
    )
    parent = ParentField(
        label=_label(Agreement, "parent"),
        required=False,
        help_text=_("For a provincial agreement: the code of the national MoU it falls under."),
    )
    owner = IdModelChoiceField(
        label=_label(Agreement, "owner"),
        queryset=Organization.objects.only("id", "name", "names"),
        help_text=_help(Agreement, "owner"),
    )
    owner_person = IdModelChoiceField(
        label=_label(Agreement, "owner_person"), queryset=Person.objects.all(), required=False
    )
    signed_on = MultiCalendarDateField(label=_label(Agreement, "signed_on"), required=False)
    effective_on = MultiCalendarDateField(label=_label(Agreement, "effective_on"), required=False)
    expires_on = MultiCalendarDateField(label=_label(Agreement, "expires_on"), required=False)
    notice_days = LocalizedIntegerField(
        label=_label(Agreement, "notice_days"),
        min_value=0,
        max_value=3650,
        initial=90,
        help_text=_help(Agreement, "notice_days"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    strategic_weight = forms.TypedChoiceField(
        label=_label(Agreement, "strategic_weight"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        initial=3,
        help_text=_help(Agreement, "strategic_weight"),
    )
    subjects = IdModelMultipleChoiceField(
        label=_label(Agreement, "subjects"),
        queryset=ActivityField.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    state = forms.ChoiceField(
        label=_("Register it as"),
        choices=[
            (AgreementState.DRAFT, _("A draft, still being prepared")),
            (AgreementState.ACTIVE, _("Active: it has already been signed")),
        ],
        initial=AgreementState.DRAFT,
    )

    # Fields whose errors from the service belong to this form (the rest are the parties').
    SERVICE_FIELDS = (
        "kind",
        "code",
        "title",
        "summary",
        "scope",
        "province",
        "parent",
        "owner",
        "owner_person",
        "signed_on",
        "effective_on",
        "expires_on",
        "notice_days",
        "strategic_weight",
    )

    def __init__(
        self,
        *args,
        agreement: Agreement | None = None,
        parents=None,
        owners=None,
        people=None,
        **kwargs,
    ):
        self.agreement = agreement
        if agreement is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(agreement)
        super().__init__(*args, **kwargs)
        _title_fields(self)
        self.order_fields(
            ["kind", "code", "title", *(f"title_{c}" for c, _l in settings.LANGUAGES)]
        )
        if agreement is not None:
            del self.fields["state"]
        self.fields["parent"].queryset = parents if parents is not None else Agreement.objects.all()
        self.fields["province"].queryset = Province.objects.select_related("country")
        self.fields["province"].choices = [("", "---------"), *province_choices()]
        if owners is None:
            self.fields["owner"].widget = OrganizationPicker()
            self.fields["owner"].help_text = PICK_HELP
        else:
            self.fields["owner"].widget = forms.Select()
            self.fields["owner"].widget.choices = [(o.pk, o.display_name()) for o in owners]
        # Any person may be posted; the few offered are the offices' people.
        self.fields["owner_person"].widget.choices = [
            ("", "---------"),
            *((p.pk, p.display_name()) for p in (people or ())),
        ]
        _style(self)

    @staticmethod
    def _initial_from(agreement: Agreement) -> dict:
        initial = {
            "kind": agreement.kind_id,
            "code": agreement.code,
            "title": agreement.title,
            "summary": agreement.summary,
            "scope": agreement.scope,
            "province": agreement.province_id,
            "parent": agreement.parent.code if agreement.parent_id else None,
            "owner": agreement.owner_id,
            "owner_person": agreement.owner_person_id,
            "signed_on": agreement.signed_on,
            "effective_on": agreement.effective_on,
            "expires_on": agreement.expires_on,
            "notice_days": agreement.notice_days,
            "strategic_weight": agreement.strategic_weight,
            "subjects": [subject.pk for subject in agreement.subjects.all()],
        }
        initial.update(_names_initial(agreement.titles))
        return initial

    def service_values(self) -> dict:
        """The keyword arguments of ``agreement_create`` / ``agreement_update`` (subjects apart)."""
        data = self.cleaned_data
        values = {name: data[name] for name in self.SERVICE_FIELDS}
        values["titles"] = _titles_value(data)
        return values


class PartyForm(CalendarAwareMixin, forms.Form):
    """One party: the organization, its role, who signed for it and when."""

    organization = organization_field(_label(AgreementParty, "organization"))
    role = forms.ChoiceField(
        label=_label(AgreementParty, "role"), choices=PartyRole.choices, initial=PartyRole.PARTY
    )
    signatory = forms.CharField(
        label=_label(AgreementParty, "signatory"), max_length=200, required=False
    )
    signed_on = MultiCalendarDateField(label=_label(AgreementParty, "signed_on"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def party(self) -> PartyInput:
        data = self.cleaned_data
        return PartyInput(
            organization=data["organization"],
            role=data["role"],
            signatory=(data.get("signatory") or "").strip(),
            signed_on=data.get("signed_on"),
        )


class BasePartyFormSet(forms.BaseFormSet):
    def calendars_follow(self, request) -> None:
        for form in self.forms:
            form.calendars_follow(request)

    def parties(self) -> list[PartyInput]:
        """The filled-in rows, in order (empty extra rows are left out)."""
        return [form.party() for form in self.forms if form.cleaned_data]


PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=4, max_num=40, absolute_max=60, validate_max=True
)


# --- moves of its state --------------------------------------------------------------------------


class ReasonField(forms.CharField):
    def __init__(self, *, required: bool = False, **kwargs):
        kwargs.setdefault("label", _("Reason"))
        super().__init__(
            max_length=2000, required=required, widget=forms.Textarea(attrs={"rows": 3}), **kwargs
        )


class StateForm(forms.Form):
    """Move to another state. Every state may be posted; the service says which are legal."""

    to_state = forms.ChoiceField(label=_("New state"), choices=AgreementState.choices)
    reason = ReasonField(help_text=_("Required when the agreement is terminated or cancelled."))

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].widget.choices = [
            (state, AgreementState(state).label) for state in offered
        ]
        _style(self)


class RenewForm(CalendarAwareMixin, forms.Form):
    expires_on = MultiCalendarDateField(
        label=_("New expiry date"),
        required=False,
        help_text=_("Leave empty for a term as long as the current one."),
    )
    code = forms.CharField(
        label=_("Code of the renewed agreement"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to number it after the current code."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    signed_on = MultiCalendarDateField(
        label=_("Signed on"), required=False, help_text=_("Leave empty for today.")
    )
    reason = ReasonField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "expires_on": data["expires_on"],
            "code": data["code"].strip(),
            "signed_on": data["signed_on"],
            "reason": data["reason"],
        }


class AmendForm(CalendarAwareMixin, forms.Form):
    """The amended agreement: what changes. Left-empty dates keep their defaults."""

    reason = ReasonField(required=True, label=_("What the amendment changes"))
    code = forms.CharField(
        label=_("Code of the amended agreement"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to number it after the current code."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    title = forms.CharField(label=_label(Agreement, "title"), max_length=300)
    summary = forms.CharField(
        label=_label(Agreement, "summary"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    signed_on = MultiCalendarDateField(
        label=_label(Agreement, "signed_on"), required=False, help_text=_("Leave empty for today.")
    )
    effective_on = MultiCalendarDateField(
        label=_label(Agreement, "effective_on"),
        required=False,
        help_text=_("Leave empty for today."),
    )
    expires_on = MultiCalendarDateField(
        label=_label(Agreement, "expires_on"),
        required=False,
        help_text=_("Leave empty to keep the current expiry date."),
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": agreement.title,
                "summary": agreement.summary,
                "expires_on": agreement.expires_on,
                **_names_initial(agreement.titles),
            },
        )
        super().__init__(*args, **kwargs)
        _title_fields(self)
        _style(self)

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            "reason": data["reason"],
            "title": data["title"],
            "titles": _titles_value(data),
            "summary": data["summary"],
        }
        for name in ("code", "signed_on", "effective_on", "expires_on"):
            if data.get(name):
                values[name] = data[name].strip() if name == "code" else data[name]
        return values


class DowngradeForm(forms.Form):
    kind = IdModelChoiceField(
        label=_("Lighter kind"),
        queryset=AgreementKind.objects.all(),
        help_text=_("The kind it becomes: one that binds less."),
    )
    code = forms.CharField(
        label=_("Code of the new agreement"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to number it after the current code."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    reason = ReasonField()

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].widget.choices = [
                ("", "---------"),
                *((kind.pk, kind.display_name()) for kind in kinds),
            ]
        _style(self)


# --- what hangs from an agreement ----------------------------------------------------------------


class DocumentForm(forms.Form):
    title = forms.CharField(label=_label(AgreementDocument, "title"), max_length=200)
    file = forms.FileField(
        label=_label(AgreementDocument, "file"),
        help_text=_help(AgreementDocument, "file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "document")
        super().__init__(*args, **kwargs)
        _style(self)


class ObligationForm(CalendarAwareMixin, forms.Form):
    """An obligation of the agreement: a follow-up assigned to one of its parties."""

    text = forms.CharField(
        label=_label(FollowUp, "text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_organization = ChosenObjectField(label=_label(FollowUp, "owner_organization"))
    owner_person = IdModelChoiceField(
        label=_label(FollowUp, "owner_person"), queryset=Person.objects.none(), required=False
    )
    due_on = MultiCalendarDateField(label=_label(FollowUp, "due_on"), required=False)

    def __init__(self, *args, organizations=(), people=None, **kwargs):
        """``organizations``: the agreement's owner and parties; ``people``: their members."""
        kwargs.setdefault("prefix", "obligation")
        super().__init__(*args, **kwargs)
        self.fields["owner_organization"] = ChosenObjectField(
            label=_label(FollowUp, "owner_organization"), objects=organizations
        )
        self.order_fields(["text", "owner_organization", "owner_person", "due_on"])
        if people is not None:
            self.fields["owner_person"].queryset = people
        _style(self)


class PartyAddForm(PartyForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "party")
        super().__init__(*args, **kwargs)
