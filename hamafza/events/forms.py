"""Forms of the event pages: they parse and present; the rules live in models and services.

Dates are typed in any calendar and any digits (``MultiCalendarDateField``),
times of day in any digits; ``EventForm`` turns the local date and time in
the event's own time zone into aware datetimes (UTC) for
``services.event_create`` / ``event_update``, which decide whether the event
holds (end before start, overlapping weekly rules, a Hijri day 30 …) and
whose messages the views put back on these forms' fields.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamafza.core.forms import (
    IdModelChoiceField,
    IdModelMultipleChoiceField,
    LocalizedIntegerField,
    MultiCalendarDateField,
    PlainSelect,
)
from hamafza.core.models import City, Country, Language, LunarRegion, Province
from hamafza.core.params import id_param
from hamafza.core.preferences import language_base
from hamafza.core.selectors import places_index
from hamafza.core.text import digits_localize, digits_to_ascii
from hamafza.directory.forms import (
    CalendarAwareMixin,
    LocalizedDecimalField,
    NamesFormMixin,
    OrganizationInput,
)
from hamafza.directory.models import Organization, Person
from hamafza.events.models import Event, EventKind, EventSeries, Occasion, Recurrence
from hamafza.events.selectors import Near, OccurrenceFilters
from hamafza.events.services import OutcomeInput
from hamafza.followups.models import FollowUp

PICK_HELP = _("Type part of its name and choose it from the list; its number fills in.")

# The time zones where the network's events are held.
TIME_ZONES = (
    "Asia/Tehran",
    "Asia/Baghdad",
    "Asia/Riyadh",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kabul",
    "Asia/Dhaka",
    "Europe/Istanbul",
    "Asia/Baku",
    "Europe/Moscow",
    "Asia/Dushanbe",
    "Africa/Lagos",
    "Asia/Bangkok",
    "America/Argentina/Buenos_Aires",
    "Europe/London",
    "UTC",
)
# How far "near me" looks, in kilometres.
RADII = (10, 25, 50, 100, 250, 500)
RADIUS_DEFAULT = 50
# An all-day event runs from the start of its first day to the end of its last.
DAY_START = datetime.time(0, 0)
DAY_END = datetime.time(23, 59)


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
                css = "form-select flex-grow-0 w-auto" if parts else "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class LocalizedTimeField(forms.TimeField):
    """A time of day typed in any digits (Persian, Arabic-Indic or ASCII)."""

    widget = forms.TimeInput(attrs={"type": "time", "dir": "ltr"}, format="%H:%M")

    def to_python(self, value):
        if isinstance(value, str):
            value = digits_to_ascii(value).replace("٫", ":").strip()
        return super().to_python(value)


class LocalizedFloatField(forms.FloatField):
    """A decimal number typed in any digits, with a point or the Arabic decimal separator."""

    def to_python(self, value):
        if isinstance(value, str):
            value = digits_to_ascii(value).replace("٫", ".").strip()
        return super().to_python(value)


class OrganizationPicker(OrganizationInput):
    """The directory's organization picker under any field name (it sends the text as ``q``)."""

    template_name = "events/widgets/organization_input.html"


class OrganizationsPicker(forms.Widget):
    """Several organizations, one picker each: those chosen, then a few empty ones.

    Every input posts under the field's name; empty ones are left out.
    """

    template_name = "events/widgets/organizations_input.html"
    allow_multiple_selected = True

    def __init__(self, attrs=None, *, spare: int = 3):
        super().__init__({"dir": "auto", "class": "form-control", **(attrs or {})})
        self.spare = spare

    def format_value(self, value) -> list[str]:
        if value in (None, ""):
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(getattr(item, "pk", item)) for item in value if item not in (None, "")]

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter is not None else data.get(name, [])
        if isinstance(values, str):
            values = [values]
        return [value for value in values if str(value).strip()]

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base = widget["attrs"].get("id") or f"id_{name}"
        values = [*widget["value"], *([""] * self.spare)]
        widget["inputs"] = [
            {"id": base if index == 0 else f"{base}_{index}", "value": value}
            for index, value in enumerate(values)
        ]
        widget["suggest_url"] = reverse("directory:suggest")
        return context


# --- filters of the upcoming list and the calendar -----------------------------------------------


def _country_choices() -> list[tuple[str, str]]:
    countries = places_index().countries.values()
    rows = sorted((country.display_name(), country.code) for country in countries)
    return [("", _("All countries")), *((code, name) for name, code in rows)]


def _language_choices() -> list[tuple[str, str]]:
    languages = places_index().languages.values()
    rows = sorted((language.display_name(), language.code) for language in languages)
    return [("", _("All languages")), *((code, name) for name, code in rows)]


class OccurrenceFilterForm(forms.Form):
    """The filters of the upcoming list and the calendar, read from the query string.

    A value typed wrong is left out of the filters (and shown as an error),
    never an error page. ``near=False`` leaves out "near me"; ``search=False`` the text.
    """

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=PlainSelect)
    language = forms.ChoiceField(label=_("Language"), required=False, widget=PlainSelect)
    mine = forms.BooleanField(label=_("In my language"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *EventKind.choices],
        required=False,
        widget=PlainSelect,
    )
    organization = forms.CharField(
        label=_("Organization"), max_length=20, required=False, widget=OrganizationPicker()
    )
    lat = LocalizedFloatField(
        label=_("Latitude"), min_value=-90, max_value=90, required=False, widget=forms.HiddenInput
    )
    lon = LocalizedFloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )
    radius = forms.TypedChoiceField(
        label=_("Within"),
        coerce=int,
        choices=[(km, str(km)) for km in RADII],
        initial=RADIUS_DEFAULT,
        required=False,
    )

    def __init__(self, *args, near: bool = True, search: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices()
        self.fields["language"].choices = _language_choices()
        self.fields["organization"].widget.attrs["placeholder"] = _("Type a name")
        language = get_language()
        self.fields["radius"].choices = [
            (km, _("%(km)s km") % {"km": digits_localize(str(km), language)}) for km in RADII
        ]
        if not near:
            for name in ("lat", "lon", "radius"):
                del self.fields[name]
        if not search:
            del self.fields["q"]
        _style(self)

    def _valid(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def organization_id(self) -> int | None:
        return id_param(self._valid().get("organization"))

    def filters(self) -> OccurrenceFilters:
        """The valid filters; "in my language" is the language of the page."""
        data = self._valid()
        language = data.get("language") or ""
        if data.get("mine"):
            language = language_base()
        return OccurrenceFilters(
            organizer_id=self.organization_id(),
            country_code=data.get("country") or "",
            language_code=language,
            kind=data.get("kind") or "",
            q=(data.get("q") or "").strip(),
        )

    def near(self) -> Near | None:
        data = self._valid()
        latitude, longitude = data.get("lat"), data.get("lon")
        if latitude is None or longitude is None:
            return None
        return Near(latitude, longitude, float(data.get("radius") or RADIUS_DEFAULT))


# --- the event itself ----------------------------------------------------------------------------


def _province_choices() -> list:
    """Provinces grouped by country, for a ``<select>`` (from the places in memory)."""
    index = places_index()
    groups: dict[str, list] = {}
    for province in sorted(index.provinces.values(), key=lambda p: (p.country_id, p.name)):
        country = index.countries.get(province.country_id)
        label = country.display_name() if country else ""
        groups.setdefault(label, []).append((province.pk, province.display_name()))
    return [("", "---------"), *groups.items()]


def _named_choices(rows) -> list:
    ordered = sorted(rows, key=lambda row: row.display_name())
    return [("", "---------"), *((row.pk, row.display_name()) for row in ordered)]


def _aware(day: datetime.date, time: datetime.time, zone: str) -> datetime.datetime:
    local = datetime.datetime.combine(day, time).replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(datetime.UTC)


class EventForm(CalendarAwareMixin, NamesFormMixin, forms.Form):
    """An event's details (``services.EVENT_FIELDS``), its partners and countries.

    ``organizers``: the organizations the user may schedule for (None: any, picked by
    name — a coordinator). ``series``: the series offered.
    """

    name = forms.CharField(label=_label(Event, "name"), max_length=300)
    kind = forms.ChoiceField(label=_label(Event, "kind"), choices=EventKind.choices)
    organizer = IdModelChoiceField(
        label=_label(Event, "organizer"), queryset=Organization.objects.only("id", "name", "names")
    )
    partners = IdModelMultipleChoiceField(
        label=_label(Event, "partners"),
        queryset=Organization.objects.only("id", "name", "names"),
        required=False,
        widget=OrganizationsPicker(),
        help_text=PICK_HELP,
    )
    countries = IdModelMultipleChoiceField(
        label=_label(Event, "countries"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_help(Event, "countries"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    description = forms.CharField(
        label=_label(Event, "description"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    speakers = forms.CharField(label=_label(Event, "speakers"), max_length=500, required=False)
    language = IdModelChoiceField(
        label=_label(Event, "language"), queryset=Language.objects.all(), required=False
    )
    occasion = IdModelChoiceField(
        label=_label(Event, "occasion"), queryset=Occasion.objects.all(), required=False
    )
    series = IdModelChoiceField(
        label=_label(Event, "series"), queryset=EventSeries.objects.all(), required=False
    )
    edition = LocalizedIntegerField(
        label=_label(Event, "edition"),
        min_value=1,
        max_value=32767,
        required=False,
        help_text=_("The number of this edition in its series, e.g. 8 for the 8th conference."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    online = forms.BooleanField(label=_label(Event, "online"), required=False)
    online_url = forms.URLField(
        label=_label(Event, "online_url"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    venue = forms.CharField(label=_label(Event, "venue"), max_length=300, required=False)
    country = IdModelChoiceField(
        label=_label(Event, "country"), queryset=Country.objects.all(), required=False
    )
    province = IdModelChoiceField(
        label=_label(Event, "province"), queryset=Province.objects.all(), required=False
    )
    city = IdModelChoiceField(
        label=_label(Event, "city"), queryset=City.objects.all(), required=False
    )
    latitude = LocalizedDecimalField(
        label=_label(Event, "latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
    )
    longitude = LocalizedDecimalField(
        label=_label(Event, "longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
    )
    starts_on = MultiCalendarDateField(label=_("Start date"))
    starts_time = LocalizedTimeField(label=_("Start time"), required=False)
    ends_on = MultiCalendarDateField(
        label=_("End date"), required=False, help_text=_("Leave empty for the same day.")
    )
    ends_time = LocalizedTimeField(label=_("End time"), required=False)
    all_day = forms.BooleanField(label=_label(Event, "all_day"), required=False)
    time_zone = forms.ChoiceField(
        label=_label(Event, "time_zone"),
        choices=[(zone, zone) for zone in TIME_ZONES],
        help_text=_("Where the event is held: the dates and times above are read in it."),
        widget=forms.Select(attrs={"dir": "ltr"}),
    )
    recurrence = forms.ChoiceField(
        label=_label(Event, "recurrence"), choices=Recurrence.choices, initial=Recurrence.NONE
    )
    repeat_until = MultiCalendarDateField(label=_label(Event, "repeat_until"), required=False)
    lunar_region = forms.ChoiceField(
        label=_label(Event, "lunar_region"),
        choices=[("", _("Follow the country of the event")), *LunarRegion.choices],
        required=False,
        help_text=_help(Event, "lunar_region"),
    )

    # The service's names for fields the form splits or renames.
    ALIASES = {"starts_at": "starts_on", "ends_at": "ends_on", "names": "name"}
    SERVICE_FIELDS = (
        "name",
        "kind",
        "organizer",
        "description",
        "speakers",
        "language",
        "occasion",
        "series",
        "edition",
        "online",
        "online_url",
        "venue",
        "country",
        "province",
        "city",
        "latitude",
        "longitude",
        "all_day",
        "time_zone",
        "recurrence",
        "repeat_until",
    )

    # How the page groups the fields; the names in other languages follow ``name``.
    FIELDSETS = (
        (_("The event"), ("name", "*names", "kind", "organizer", "partners", "countries")),
        (_("Content"), ("language", "occasion", "speakers", "description")),
        (_("Series"), ("series", "edition")),
        (
            _("When"),
            (
                "starts_on",
                "starts_time",
                "ends_on",
                "ends_time",
                "all_day",
                "time_zone",
                "recurrence",
                "repeat_until",
                "lunar_region",
            ),
        ),
        (
            _("Where"),
            (
                "online",
                "online_url",
                "venue",
                "country",
                "province",
                "city",
                "latitude",
                "longitude",
            ),
        ),
    )

    def __init__(
        self,
        *args,
        event: Event | None = None,
        organizers=None,
        series=None,
        time_zone: str | None = None,
        **kwargs,
    ):
        self.event = event
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(event)
        super().__init__(*args, **kwargs)
        self._add_name_fields(event.names if event is not None else {})
        self.order_fields(
            ["name", *(f"name_{code}" for code, _label in settings.LANGUAGES), "kind", "organizer"]
        )
        if organizers is None:
            self.fields["organizer"].widget = OrganizationPicker()
            self.fields["organizer"].help_text = PICK_HELP
        else:
            self.fields["organizer"].widget.choices = [
                (organization.pk, organization.display_name()) for organization in organizers
            ]
        index = places_index()
        self.fields["countries"].widget.choices = _named_choices(index.countries.values())[1:]
        self.fields["country"].widget.choices = _named_choices(index.countries.values())
        self.fields["province"].widget.choices = _province_choices()
        self.fields["city"].widget.choices = _named_choices(index.cities.values())
        self.fields["language"].widget.choices = _named_choices(index.languages.values())
        self.fields["occasion"].widget.choices = [
            ("", "---------"),
            *((o.pk, o.display_name()) for o in Occasion.objects.filter(is_active=True)),
        ]
        offered = list(series) if series is not None else list(EventSeries.objects.all())
        if event is not None and event.series_id and event.series not in offered:
            offered.insert(0, event.series)
        self.fields["series"].widget.choices = [
            ("", "---------"),
            *((row.pk, row.display_name()) for row in offered),
        ]
        if event is None:
            zone = time_zone if time_zone in TIME_ZONES else TIME_ZONES[0]
            self.fields["time_zone"].initial = zone
        elif event.time_zone not in TIME_ZONES:
            # An event scheduled elsewhere (the API) keeps its zone on the list.
            self.fields["time_zone"].choices = [
                (event.time_zone, event.time_zone),
                *self.fields["time_zone"].choices,
            ]
        _style(self)

    def fieldsets(self) -> list[tuple[str, list]]:
        """[(legend, [bound fields])] in the order the page shows them."""
        groups = []
        for legend, names in self.FIELDSETS:
            fields = []
            for name in names:
                if name == "*names":
                    fields.extend(self[f"name_{code}"] for code, _label in settings.LANGUAGES)
                elif name in self.fields:
                    fields.append(self[name])
            groups.append((legend, fields))
        return groups

    @staticmethod
    def _initial_from(event: Event) -> dict:
        zone = ZoneInfo(event.time_zone)
        starts = timezone.localtime(event.starts_at, zone)
        ends = timezone.localtime(event.ends_at, zone)
        initial = {
            name: getattr(event, name)
            for name in (
                "name",
                "kind",
                "description",
                "speakers",
                "edition",
                "online",
                "online_url",
                "venue",
                "latitude",
                "longitude",
                "all_day",
                "time_zone",
                "recurrence",
                "repeat_until",
                "lunar_region",
            )
        }
        initial.update(
            organizer=event.organizer_id,
            language=event.language_id,
            occasion=event.occasion_id,
            series=event.series_id,
            country=event.country_id,
            province=event.province_id,
            city=event.city_id,
            partners=[partner.pk for partner in event.partners.all()],
            countries=[country.pk for country in event.countries.all()],
            starts_on=starts.date(),
            starts_time=starts.time().replace(second=0, microsecond=0),
            ends_on=ends.date(),
            ends_time=ends.time().replace(second=0, microsecond=0),
        )
        return initial

    def clean(self):
        data = super().clean()
        starts_on = data.get("starts_on")
        if starts_on is None or not data.get("time_zone"):
            return data
        ends_on = data.get("ends_on") or starts_on
        if data.get("all_day"):
            starts_time, ends_time = DAY_START, DAY_END
        else:
            starts_time, ends_time = data.get("starts_time"), data.get("ends_time")
            if starts_time is None and "starts_time" not in self.errors:
                self.add_error("starts_time", _("Give the time it starts, or mark it all day."))
            if ends_time is None and "ends_time" not in self.errors:
                self.add_error("ends_time", _("Give the time it ends, or mark it all day."))
            if starts_time is None or ends_time is None:
                return data
        zone = data["time_zone"]
        data["starts_at"] = _aware(starts_on, starts_time, zone)
        data["ends_at"] = _aware(ends_on, ends_time, zone)
        return data

    def service_values(self) -> dict:
        """The keyword arguments of ``event_create`` / ``event_update``."""
        data = self.cleaned_data
        values = {name: data[name] for name in self.SERVICE_FIELDS}
        values.update(
            names=self.names_value(),
            partners=list(data["partners"]),
            countries=list(data["countries"]),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )
        if data.get("lunar_region"):
            values["lunar_region"] = data["lunar_region"]
        return values


# --- outcomes (recommendations and decisions) ----------------------------------------------------


class OutcomeForm(CalendarAwareMixin, forms.Form):
    """One recommendation or decision: what, by whom, by when."""

    text = forms.CharField(
        label=_label(FollowUp, "text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_organization = IdModelChoiceField(
        label=_label(FollowUp, "owner_organization"),
        queryset=Organization.objects.only("id", "name", "names"),
        widget=OrganizationPicker(),
    )
    owner_person = IdModelChoiceField(
        label=_label(FollowUp, "owner_person"), queryset=Person.objects.all(), required=False
    )
    due_on = MultiCalendarDateField(label=_label(FollowUp, "due_on"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any person may be posted; the few offered are the organizations' people.
        self.fields["owner_person"].widget.choices = [
            ("", "---------"),
            *((person.pk, person.display_name()) for person in people),
        ]
        self.fields["owner_organization"].widget.attrs["placeholder"] = _("Type a name")
        _style(self)

    def outcome(self) -> OutcomeInput:
        data = self.cleaned_data
        return OutcomeInput(
            text=data["text"].strip(),
            owner_organization=data["owner_organization"],
            owner_person=data.get("owner_person"),
            due_on=data.get("due_on"),
        )


class BaseOutcomeFormSet(forms.BaseFormSet):
    def calendars_follow(self, request) -> None:
        for form in self.forms:
            form.calendars_follow(request)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise ValidationError(_("Give at least one outcome."))

    def outcomes(self) -> list[OutcomeInput]:
        """The filled-in rows, in order (empty rows are left out)."""
        return [form.outcome() for form in self.forms if form.cleaned_data]


OutcomeFormSet = forms.formset_factory(
    OutcomeForm,
    formset=BaseOutcomeFormSet,
    extra=5,
    max_num=50,
    absolute_max=60,
    validate_max=True,
)
