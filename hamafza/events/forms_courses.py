"""Forms of the course pages: they parse and present; the rules live in ``services_courses``.

Dates are typed in any calendar and any digits, times of day in any digits;
``CourseForm`` and the sessions' formset turn the local dates and times, in
the course's own time zone, into aware datetimes for ``course_create``.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hamafza.core.forms import IdModelChoiceField, LocalizedIntegerField, MultiCalendarDateField
from hamafza.core.models import City, Language
from hamafza.core.params import id_param
from hamafza.core.selectors import places_index
from hamafza.directory.forms import CalendarAwareMixin
from hamafza.directory.models import Organization, Person
from hamafza.events.forms import (
    TIME_ZONES,
    LocalizedTimeField,
    OrganizationPicker,
)
from hamafza.events.models import Audience, Course, CourseSession, Enrolment, Event
from hamafza.events.services_courses import SessionInput

PICK_HELP = _("Type part of its name and choose it from the list; its number fills in.")
# Rows for sessions on a new course's form (more on request, up to the limit).
SESSION_ROWS = 4
SESSION_ROWS_MAX = 60


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (both parts of a date)."""
    for field in form.fields.values():
        parts = getattr(field.widget, "widgets", None)
        for widget in parts or [field.widget]:
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select flex-grow-0 w-auto" if parts else "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


def _aware(day: datetime.date, time: datetime.time, zone: str) -> datetime.datetime:
    local = datetime.datetime.combine(day, time).replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(datetime.UTC)


def _named_choices(rows) -> list:
    ordered = sorted(rows, key=lambda row: row.display_name())
    return [("", "---------"), *((row.pk, row.display_name()) for row in ordered)]


# --- the list's filter -----------------------------------------------------------------------


class CourseFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=_label(Course, "audience"),
        choices=[("", _("Any audience")), *Audience.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def audience_value(self) -> str:
        """The audience asked for; anything else is no filter."""
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data["audience"]


# --- a new course ----------------------------------------------------------------------------


class CourseForm(CalendarAwareMixin, forms.Form):
    """A course's event (name, organizer, place, when, language) and its seats and rules.

    ``organizers``: the organizations the user may run courses for (None: any, picked by
    name — a coordinator).
    """

    name = forms.CharField(label=_label(Event, "name"), max_length=300)
    organizer = IdModelChoiceField(
        label=_label(Event, "organizer"), queryset=Organization.objects.only("id", "name", "names")
    )
    venue = forms.CharField(label=_label(Event, "venue"), max_length=300, required=False)
    city = IdModelChoiceField(
        label=_label(Event, "city"), queryset=City.objects.all(), required=False
    )
    online = forms.BooleanField(label=_label(Event, "online"), required=False)
    starts_on = MultiCalendarDateField(label=_("Start date"))
    starts_time = LocalizedTimeField(label=_("Start time"))
    ends_on = MultiCalendarDateField(
        label=_("End date"), required=False, help_text=_("Leave empty for the same day.")
    )
    ends_time = LocalizedTimeField(label=_("End time"))
    time_zone = forms.ChoiceField(
        label=_label(Event, "time_zone"),
        choices=[(zone, zone) for zone in TIME_ZONES],
        help_text=_("Where the course is held: the dates and times on this form are read in it."),
        widget=forms.Select(attrs={"dir": "ltr"}),
    )
    language = IdModelChoiceField(
        label=_label(Event, "language"), queryset=Language.objects.all(), required=False
    )
    audience = forms.ChoiceField(label=_label(Course, "audience"), choices=Audience.choices)
    capacity = LocalizedIntegerField(
        label=_label(Course, "capacity"),
        min_value=1,
        max_value=100000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    enrolment_closes_on = MultiCalendarDateField(
        label=_label(Course, "enrolment_closes_on"),
        required=False,
        help_text=_("Leave empty to take applications until the course begins."),
    )
    attendance_required = LocalizedIntegerField(
        label=_label(Course, "attendance_required"),
        min_value=1,
        max_value=1000,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )

    # The service's names for fields the form splits or renames.
    ALIASES = {"starts_at": "starts_on", "ends_at": "ends_on", "names": "name"}
    SERVICE_FIELDS = (
        "name",
        "organizer",
        "venue",
        "city",
        "online",
        "time_zone",
        "language",
        "audience",
        "capacity",
        "enrolment_closes_on",
        "attendance_required",
    )

    def __init__(self, *args, organizers=None, time_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizers is None:
            self.fields["organizer"].widget = OrganizationPicker()
            self.fields["organizer"].help_text = PICK_HELP
        else:
            self.fields["organizer"].widget.choices = [
                (organization.pk, organization.display_name()) for organization in organizers
            ]
        index = places_index()
        self.fields["city"].widget.choices = _named_choices(index.cities.values())
        self.fields["language"].widget.choices = _named_choices(index.languages.values())
        self.fields["time_zone"].initial = time_zone if time_zone in TIME_ZONES else TIME_ZONES[0]
        _style(self)

    def clean(self):
        data = super().clean()
        starts_on, zone = data.get("starts_on"), data.get("time_zone")
        starts_time, ends_time = data.get("starts_time"), data.get("ends_time")
        if starts_on is None or zone not in TIME_ZONES or starts_time is None or ends_time is None:
            return data
        data["starts_at"] = _aware(starts_on, starts_time, zone)
        data["ends_at"] = _aware(data.get("ends_on") or starts_on, ends_time, zone)
        return data

    def zone(self) -> str:
        return self.cleaned_data["time_zone"]

    def service_values(self) -> dict:
        """The keyword arguments of ``course_create`` (its sessions apart)."""
        data = self.cleaned_data
        values = {name: data[name] for name in self.SERVICE_FIELDS}
        values["starts_at"], values["ends_at"] = data["starts_at"], data["ends_at"]
        if values["city"] is not None:
            values["country"] = values["city"].country
        return values


class SessionForm(CalendarAwareMixin, forms.Form):
    """One session: its day, from when to when, and its topic. An empty row is skipped.

    The fields are optional for the formset to see an untouched row as empty (a required
    date field always counts as changed); ``clean`` asks for them once anything is typed.
    """

    day = MultiCalendarDateField(label=_("Day"), required=False)
    starts_time = LocalizedTimeField(label=_("From"), required=False)
    ends_time = LocalizedTimeField(label=_("To"), required=False)
    topic = forms.CharField(label=_label(CourseSession, "topic"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("day", "starts_time", "ends_time", "topic")):
            return {}
        for name in ("day", "starts_time", "ends_time"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, forms.Field.default_error_messages["required"])
        return data

    def session(self, zone: str) -> SessionInput:
        data = self.cleaned_data
        return SessionInput(
            starts_at=_aware(data["day"], data["starts_time"], zone),
            ends_at=_aware(data["day"], data["ends_time"], zone),
            topic=(data.get("topic") or "").strip(),
        )


class BaseSessionFormSet(forms.BaseFormSet):
    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.request is not None:
            form.calendars_follow(self.request)
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise ValidationError(_("Give at least one session."))

    def sessions(self, zone: str) -> list[SessionInput]:
        """The filled-in rows, in order (empty rows are left out)."""
        return [form.session(zone) for form in self.forms if form.cleaned_data]


SessionFormSet = forms.formset_factory(
    SessionForm,
    formset=BaseSessionFormSet,
    extra=SESSION_ROWS,
    max_num=SESSION_ROWS_MAX,
    absolute_max=SESSION_ROWS_MAX,
    validate_max=True,
)


# --- enrolment -------------------------------------------------------------------------------


class EnrolForm(forms.Form):
    """An organization's editor sends one of its members.

    Any organization and person may be posted; the lists offer the user's organizations and
    their members, and the service decides (rights, membership, duplicates).
    """

    organization = IdModelChoiceField(
        label=_label(Enrolment, "organization"),
        queryset=Organization.objects.only("id", "name", "names"),
    )
    person = IdModelChoiceField(label=_label(Enrolment, "person"), queryset=Person.objects.all())
    note = forms.CharField(label=_label(Enrolment, "note"), max_length=500, required=False)

    def __init__(self, *args, organizations=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].widget.choices = [
            (organization.pk, organization.display_name()) for organization in organizations
        ]
        self.fields["person"].widget.choices = [
            ("", "---------"),
            *((person.pk, person.display_name()) for person in people),
        ]
        _style(self)


class ApplyForm(forms.Form):
    """A signed-in person applies for themself."""

    note = forms.CharField(label=_label(Enrolment, "note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class Decision:
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    CHOICES = ((ACCEPT, _("Accept")), (DECLINE, _("Decline")), (WITHDRAW, _("Withdraw")))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.CHOICES)
    note = forms.CharField(max_length=500, required=False)


# --- attendance ------------------------------------------------------------------------------


class EnrolmentIdsField(forms.Field):
    """Enrolment numbers from checkboxes; the service decides whether each may attend."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {"invalid": _("Choose people from the course's list.")}

    def to_python(self, value) -> list[int]:
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            value = [value]
        ids = []
        for item in value:
            number = id_param(item)
            if number is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(number)
        return ids


class AttendanceForm(forms.Form):
    present = EnrolmentIdsField(label=_("Present"), required=False)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(rows)
        self.fields["present"].widget.choices = [
            (enrolment.pk, enrolment.person.display_name()) for enrolment, _present in rows
        ]
        if not self.is_bound:
            self.initial["present"] = [enrolment.pk for enrolment, present in rows if present]
        _style(self)
