"""Forms parse and present; the rules live in the models and ``followups.services``."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamafza.core.forms import IdModelChoiceField, LocalizedIntegerField, MultiCalendarDateField
from hamafza.core.params import id_param
from hamafza.directory.forms import CalendarAwareMixin, OrganizationInput
from hamafza.directory.models import Organization, Person
from hamafza.followups.models import FollowUp, FollowUpStatus
from hamafza.followups.services import followup_status_moves

# "open" in a filter means open or in progress (see selectors.followup_list).
FILTER_STATUS_CHOICES = [
    ("", _("All statuses")),
    ("open", _("Open or in progress")),
    ("overdue", _("Overdue")),
    (FollowUpStatus.IN_PROGRESS, FollowUpStatus.IN_PROGRESS.label),
    (FollowUpStatus.DONE, FollowUpStatus.DONE.label),
    (FollowUpStatus.WAIVED, FollowUpStatus.WAIVED.label),
]


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget (the calendar field's two parts included)."""
    for field in form.fields.values():
        for widget in getattr(field.widget, "widgets", [field.widget]):
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class FollowUpFilterForm(forms.Form):
    """The list's filters. A value that does not parse is dropped, never an error page.

    ``organizations`` (id, name) make the organization a list to choose from;
    without them (coordinators, who may filter by any organization) it is
    typed, with suggestions by name.
    """

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("status"), choices=FILTER_STATUS_CHOICES, required=False)
    organization = forms.CharField(label=_("responsible organization"), required=False)

    def __init__(self, *args, organizations=None, with_status: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_status:
            del self.fields["status"]
        if organizations is None:
            self.fields["organization"].widget = OrganizationInput()
        else:
            self.fields["organization"].widget = forms.Select(
                choices=[("", _("All my organizations")), *organizations]
            )
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["dir"] = "auto"
        _style(self)

    def clean_organization(self) -> int | None:
        return id_param(self.cleaned_data.get("organization"))

    def values(self) -> dict:
        """The filters that parsed (an unbound or partly invalid form gives what it can)."""
        if not self.is_bound:
            return {"status": self.initial.get("status", "")} if "status" in self.fields else {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "organization": data.get("organization"),
        }


class FollowUpReportForm(forms.Form):
    text = forms.CharField(
        label=_("note"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    status = forms.ChoiceField(label=_("new status"), required=False)
    progress = LocalizedIntegerField(
        label=_("progress (%)"),
        min_value=0,
        max_value=100,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    evidence = forms.FileField(
        label=_("evidence"),
        required=False,
        help_text=_("A PDF document or a PNG or JPEG picture."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, followup: FollowUp, manager: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.followup = followup
        labels = dict(FollowUpStatus.choices)
        moves = followup_status_moves(followup=followup, manager=manager)
        if moves:
            self.fields["status"].choices = [
                ("", _("Keep it as it is")),
                *((status, labels[status]) for status in moves),
            ]
        else:
            del self.fields["status"]
        _style(self)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data.get("text") or "",
            "status": data.get("status") or None,
            "progress": data.get("progress"),
            "evidence": data.get("evidence") or None,
        }


class FollowUpEditForm(CalendarAwareMixin, forms.Form):
    """What is asked, of whom, by when. The person is chosen among the responsible
    organization's members (and whoever is responsible now)."""

    text = forms.CharField(
        label=_("text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"})
    )
    owner_organization = IdModelChoiceField(
        label=_("responsible organization"),
        queryset=Organization.objects.only("id", "name", "names"),
        widget=OrganizationInput(),
        help_text=_("Type part of its name and choose it from the list; its number fills in."),
    )
    owner_person = IdModelChoiceField(
        label=_("responsible person"), queryset=Person.objects.none(), required=False
    )
    due_on = MultiCalendarDateField(label=_("due date"), required=False)

    def __init__(self, *args, followup: FollowUp, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "text": followup.text,
                "owner_organization": followup.owner_organization_id,
                "owner_person": followup.owner_person_id,
                "due_on": followup.due_on,
            },
        )
        super().__init__(*args, **kwargs)
        self.followup = followup
        people = Q(memberships__organization_id=followup.owner_organization_id)
        if followup.owner_person_id:
            people |= Q(pk=followup.owner_person_id)
        self.fields["owner_person"].queryset = (
            Person.objects.filter(people).distinct().order_by("name", "id")
        )
        _style(self)

    def service_values(self) -> dict:
        return {
            "text": self.cleaned_data["text"].strip(),
            "owner_organization": self.cleaned_data["owner_organization"],
            "owner_person": self.cleaned_data["owner_person"],
            "due_on": self.cleaned_data["due_on"],
        }
