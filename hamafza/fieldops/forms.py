"""Forms for field operations pages: they parse and present; the rules live in the services.

Filters are read from the query string and never refuse a page: a value
typed wrong is left out (the selectors' ``*_filters_from_query`` read the
same parameters). Dates are typed in any calendar and any digits; numbers in
any digits. A form never decides whether a change is allowed or valid beyond
the shape of its input: the services do, and the views show their messages
on these forms' fields.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamafza.core.calendars import Calendar, date_from_parts, date_parts, month_name
from hamafza.core.forms import IdModelChoiceField, LocalizedIntegerField, MultiCalendarDateField
from hamafza.core.models import City, Country, Province
from hamafza.core.params import id_param
from hamafza.core.selectors import places_index
from hamafza.directory.forms import (
    CalendarAwareMixin,
    LocalizedDecimalField,
    NamesFormMixin,
    OrganizationInput,
)
from hamafza.directory.models import ActivityField, Organization
from hamafza.fieldops import routes
from hamafza.fieldops.models import (
    ActivityStatus,
    BorderCrossing,
    Camp,
    CampStatus,
    Distribution,
    GroupActivity,
    PackageKind,
    PointStatus,
    Route,
    Service,
    ServicePoint,
    ServicePointKind,
    ServiceUnit,
)
from hamafza.fieldops.selectors import (
    CampFilters,
    GroupFilters,
    ServicePointFilters,
    group_filters_from_query,
    service_point_filters_from_query,
)
from hamafza.fieldops.services import ServiceInput

PICK_HELP = _("Type part of its name and choose it from the list; its number fills in.")
NEAREST_LIMIT = 5


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (a date's two parts included)."""
    for field in form.fields.values():
        parts = getattr(field.widget, "widgets", None)
        for widget in parts or [field.widget]:
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select flex-grow-0 w-auto" if parts else "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class OrganizationPicker(OrganizationInput):
    """The directory's organization picker under any field name (it sends the typed text as
    ``q``)."""

    template_name = "fieldops/widgets/organization_input.html"


def _all(label) -> list[tuple[str, str]]:
    return [("", label)]


def language_choices() -> list[tuple[str, str]]:
    """Languages by code (from the in-memory places index)."""
    languages = places_index().languages.values()
    return sorted(
        ((language.code, language.display_name()) for language in languages),
        key=lambda row: row[1],
    )


def province_code_choices() -> list:
    """Provinces by ISO code, grouped by country (from the in-memory places index)."""
    index = places_index()
    groups: dict[str, list] = {}
    for province in sorted(
        index.provinces.values(), key=lambda p: (index.countries[p.country_id].code, p.name)
    ):
        country = index.countries[province.country_id]
        groups.setdefault(country.display_name(), []).append(
            (province.code, province.display_name())
        )
    return list(groups.items())


def province_id_choices() -> list:
    """Provinces by id, grouped by country (for forms that store the province)."""
    index = places_index()
    groups: dict[str, list] = {}
    for province in sorted(
        index.provinces.values(), key=lambda p: (index.countries[p.country_id].code, p.name)
    ):
        country = index.countries[province.country_id]
        groups.setdefault(country.display_name(), []).append((province.pk, province.display_name()))
    return list(groups.items())


def city_choices() -> list:
    index = places_index()
    return sorted(
        ((city.pk, city.display_name()) for city in index.cities.values()), key=lambda row: row[1]
    )


def country_choices() -> list:
    index = places_index()
    return sorted(
        ((country.pk, country.display_name()) for country in index.countries.values()),
        key=lambda row: row[1],
    )


def field_code_choices() -> list:
    return [(field.code, field.display_name()) for field in ActivityField.objects.order_by("code")]


# --- the public map ----------------------------------------------------------------------------


class MapFilterForm(forms.Form):
    """The map's filters: one kind, service, language and status (the GeoJSON endpoint reads
    the same parameters, repeated or not)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    language = forms.ChoiceField(label=_("Language spoken"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    route = forms.ChoiceField(label=_("Route"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _all(_("All kinds")) + list(ServicePointKind.choices)
        self.fields["service"].choices = _all(_("All services")) + list(Service.choices)
        self.fields["language"].choices = _all(_("Any language")) + language_choices()
        self.fields["status"].choices = _all(_("Any status")) + list(PointStatus.choices)
        self.fields["route"].choices = _all(_("Anywhere")) + list(Route.choices)
        _style(self)

    def filters(self) -> ServicePointFilters:
        """What the query string asks for; values not understood are left out."""
        if not self.is_bound:
            return ServicePointFilters()
        self.is_valid()
        return service_point_filters_from_query(self.data)


class NearestForm(forms.Form):
    """What the nearest open service is asked from: a position (``lat``, ``lon``) or a pole, with
    the kind, service or language wanted."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    language = forms.ChoiceField(label=_("Language spoken"), required=False)
    route = forms.ChoiceField(
        label=_("Route"), choices=Route.choices, initial=Route.NAJAF_KARBALA, required=False
    )
    pole = LocalizedIntegerField(label=_("Pole number"), min_value=1, required=False)
    lat = LocalizedDecimalField(
        min_value=-90, max_value=90, max_digits=12, decimal_places=8, required=False
    )
    lon = LocalizedDecimalField(
        min_value=-180, max_value=180, max_digits=12, decimal_places=8, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _all(_("Any kind")) + list(ServicePointKind.choices)
        self.fields["service"].choices = _all(_("Any service")) + list(Service.choices)
        self.fields["language"].choices = _all(_("Any language")) + language_choices()
        self.fields["lat"].widget = forms.HiddenInput()
        self.fields["lon"].widget = forms.HiddenInput()
        self.fields["pole"].widget.attrs.update({"size": 6, "autocomplete": "off"})
        _style(self)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        route = data.get("route") or Route.NAJAF_KARBALA
        data["route"] = route
        pole = data.get("pole")
        has_position = data.get("lat") is not None and data.get("lon") is not None
        if pole is not None:
            if not routes.pole_valid(route, pole):
                self.add_error("pole", routes.pole_error(route, pole))
        elif not has_position:
            raise ValidationError(_("Give a pole number or share your location."))
        return data

    def origin(self) -> dict:
        """Where to measure from: ``{"route", "pole"}`` or ``{"latitude", "longitude"}``."""
        data = self.cleaned_data
        if data.get("pole") is not None:
            return {"route": data["route"], "pole": data["pole"]}
        return {"latitude": float(data["lat"]), "longitude": float(data["lon"])}

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "service": data.get("service") or "",
            "language": data.get("language") or "",
            "limit": NEAREST_LIMIT,
        }


# --- service points ----------------------------------------------------------------------------


class PointFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    route = forms.ChoiceField(label=_("Route"), required=False)
    border_crossing = forms.ChoiceField(label=_("Border crossing"), required=False)
    operator = forms.CharField(
        label=_("Operating organization"),
        max_length=20,
        required=False,
        widget=OrganizationPicker(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _all(_("All kinds")) + list(ServicePointKind.choices)
        self.fields["status"].choices = _all(_("Any status")) + list(PointStatus.choices)
        self.fields["route"].choices = _all(_("Any route")) + list(Route.choices)
        self.fields["border_crossing"].choices = _all(_("Any crossing")) + list(
            BorderCrossing.choices
        )
        self.fields["operator"].widget.attrs["placeholder"] = _("Type a name")
        _style(self)

    def clean_operator(self):
        return id_param(self.cleaned_data["operator"])

    def filters(self) -> ServicePointFilters:
        if not self.is_bound:
            return ServicePointFilters()
        self.is_valid()
        return service_point_filters_from_query(self.data)


class ServicePointForm(CalendarAwareMixin, NamesFormMixin, forms.Form):
    """A service point (``services.POINT_FIELDS``). A pole on a route stands for the point: when
    no latitude and longitude are given, the pole's are used."""

    kind = forms.ChoiceField(label=_label(ServicePoint, "kind"), choices=ServicePointKind.choices)
    name = forms.CharField(label=_label(ServicePoint, "name"), max_length=300)
    operator = IdModelChoiceField(
        label=_label(ServicePoint, "operator"),
        queryset=Organization.objects.only("id", "name", "names"),
    )
    country = IdModelChoiceField(label=_label(ServicePoint, "country"), queryset=Country.objects)
    province = IdModelChoiceField(
        label=_label(ServicePoint, "province"), queryset=Province.objects, required=False
    )
    route = forms.ChoiceField(
        label=_label(ServicePoint, "route"),
        choices=[("", _("Not on a route")), *Route.choices],
        required=False,
    )
    pole = LocalizedIntegerField(
        label=_label(ServicePoint, "pole"),
        min_value=1,
        max_value=32767,
        required=False,
        help_text=_("On the walk, the number of the nearest pole; it places the point."),
    )
    latitude = LocalizedDecimalField(
        label=_label(ServicePoint, "latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
    )
    longitude = LocalizedDecimalField(
        label=_label(ServicePoint, "longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        help_text=_("Or click the map to place the point."),
    )
    border_crossing = forms.ChoiceField(
        label=_label(ServicePoint, "border_crossing"),
        choices=[("", _("None")), *BorderCrossing.choices],
        required=False,
    )
    services = forms.MultipleChoiceField(
        label=_label(ServicePoint, "services"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = LocalizedIntegerField(
        label=_label(ServicePoint, "capacity"), min_value=0, max_value=10**6, required=False
    )
    opens_on = MultiCalendarDateField(label=_label(ServicePoint, "opens_on"), required=False)
    closes_on = MultiCalendarDateField(label=_label(ServicePoint, "closes_on"), required=False)
    hours = forms.CharField(
        label=_label(ServicePoint, "hours"),
        max_length=100,
        required=False,
        help_text=ServicePoint._meta.get_field("hours").help_text,
    )
    languages = forms.MultipleChoiceField(
        label=_label(ServicePoint, "languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.CharField(
        label=_label(ServicePoint, "phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
    )
    status = forms.ChoiceField(
        label=_label(ServicePoint, "status"), choices=PointStatus.choices, initial="open"
    )

    FIELDSETS = (
        (_("The point"), ("kind", "name", "names", "operator", "status")),
        (
            _("Where"),
            ("country", "province", "route", "pole", "latitude", "longitude", "border_crossing"),
        ),
        (
            _("What it offers"),
            ("services", "languages", "capacity", "opens_on", "closes_on", "hours", "phone"),
        ),
    )

    def __init__(self, *args, point: ServicePoint | None = None, operators=None, **kwargs):
        self.point = point
        if point is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(point)
        super().__init__(*args, **kwargs)
        self._add_name_fields(point.names if point is not None else {})
        self.fields["country"].widget.choices = [("", "---------"), *country_choices()]
        self.fields["province"].widget.choices = [("", "---------"), *province_id_choices()]
        self.fields["languages"].choices = language_choices()
        if point is not None:
            del self.fields["operator"]
        elif operators is None:
            self.fields["operator"].widget = OrganizationPicker()
            self.fields["operator"].help_text = PICK_HELP
        else:
            self.fields["operator"].widget = forms.Select(
                choices=[(o.pk, o.display_name()) for o in operators]
            )
        _style(self)

    @staticmethod
    def _initial_from(point: ServicePoint) -> dict:
        return {
            "kind": point.kind,
            "name": point.name,
            "country": point.country_id,
            "province": point.province_id,
            "route": point.route,
            "pole": point.pole,
            "latitude": point.latitude,
            "longitude": point.longitude,
            "border_crossing": point.border_crossing,
            "services": list(point.services or []),
            "capacity": point.capacity,
            "opens_on": point.opens_on,
            "closes_on": point.closes_on,
            "hours": point.hours,
            "languages": [language.code for language in point.languages.all()],
            "phone": point.phone,
            "status": point.status,
        }

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            shown = []
            for name in names:
                if name == "names":
                    shown.extend(self[f"name_{code}"] for code, _l in settings.LANGUAGES)
                elif name in self.fields:
                    shown.append(self[name])
            yield legend, shown

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        route, pole = data.get("route") or "", data.get("pole")
        if (latitude is None) != (longitude is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        elif latitude is None and "latitude" not in self.errors:
            if pole is not None and route and routes.pole_valid(route, pole):
                latitude, longitude = routes.pole_point(route, pole)
                data["latitude"] = Decimal(f"{latitude:.6f}")
                data["longitude"] = Decimal(f"{longitude:.6f}")
            elif pole is None or not route:
                self.add_error(
                    "latitude", _("Give the point's latitude and longitude, or its pole number.")
                )
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in (
                "kind",
                "name",
                "country",
                "province",
                "latitude",
                "longitude",
                "pole",
                "capacity",
                "opens_on",
                "closes_on",
                "status",
            )
        }
        values.update(
            name=data["name"].strip(),
            names=self.names_value(),
            route=data.get("route") or "",
            border_crossing=data.get("border_crossing") or "",
            services=list(data.get("services") or []),
            hours=(data.get("hours") or "").strip(),
            phone=(data.get("phone") or "").strip(),
            languages=list(places_languages(data.get("languages") or [])),
        )
        return values


def places_languages(codes) -> list:
    by_code = {language.code: language for language in places_index().languages.values()}
    return [by_code[code] for code in codes if code in by_code]


class PointStatusForm(forms.Form):
    status = forms.ChoiceField(choices=PointStatus.choices)


# --- volunteer groups --------------------------------------------------------------------------


class GroupFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    sponsor = forms.CharField(
        label=_("Sponsoring body"), max_length=20, required=False, widget=OrganizationPicker()
    )
    field = forms.ChoiceField(label=_("Field"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    activity = forms.ChoiceField(label=_("Activity"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _all(_("All fields")) + field_code_choices()
        self.fields["province"].choices = _all(_("All provinces")) + province_code_choices()
        self.fields["activity"].choices = _all(_("Any activity")) + list(ActivityStatus.choices)
        self.fields["sponsor"].widget.attrs["placeholder"] = _("Type a name")
        _style(self)

    def clean_sponsor(self):
        return id_param(self.cleaned_data["sponsor"])

    def filters(self) -> GroupFilters:
        if not self.is_bound:
            return GroupFilters()
        self.is_valid()
        return group_filters_from_query(self.data)


class GroupActivityForm(CalendarAwareMixin, forms.Form):
    """A day of the group's work that is neither a camp nor a distribution."""

    on = MultiCalendarDateField(label=_label(GroupActivity, "on"))
    field = IdModelChoiceField(
        label=_label(GroupActivity, "field"), queryset=ActivityField.objects, required=False
    )
    description = forms.CharField(
        label=_label(GroupActivity, "description"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="activity", **kwargs)
        self.fields["field"].widget.choices = [
            ("", "---------"),
            *((f.pk, f.display_name()) for f in ActivityField.objects.order_by("code")),
        ]
        _style(self)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"on": data["on"], "field": data.get("field"), "description": data["description"]}


# --- camps -------------------------------------------------------------------------------------


class CampFilterForm(CalendarAwareMixin, forms.Form):
    """Camps by province, month (in the visitor's calendar), status and group."""

    province = forms.ChoiceField(label=_("Province"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = LocalizedIntegerField(label=_("Year"), min_value=1, max_value=3000, required=False)
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, required=False, empty_value=None)
    group = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, calendar: str | None = None, region: str = "IR", **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar = calendar if calendar in Calendar.values else Calendar.GREGORIAN
        self.region = region
        language = get_language()
        self.fields["province"].choices = _all(_("All provinces")) + province_code_choices()
        self.fields["status"].choices = _all(_("Any status")) + list(CampStatus.choices)
        self.fields["month"].choices = _all(_("Any month")) + [
            (number, month_name(number, calendar=self.calendar, language=language))
            for number in range(1, 13)
        ]
        self.fields["year"].widget.attrs.update({"size": 5, "placeholder": _("year")})
        _style(self)

    def clean_group(self):
        return id_param(self.cleaned_data["group"])

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """[first day, day after) of the year or month asked, in the visitor's calendar."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        year, month = data.get("year"), data.get("month")
        if month and not year:
            year = date_parts(timezone.localdate(), calendar=self.calendar, region=self.region)[0]
        if not year:
            return None, None
        try:
            if month:
                start = date_from_parts(year, month, 1, calendar=self.calendar, region=self.region)
                following = (year + 1, 1) if month == 12 else (year, month + 1)
                end = date_from_parts(*following, 1, calendar=self.calendar, region=self.region)
            else:
                start = date_from_parts(year, 1, 1, calendar=self.calendar, region=self.region)
                end = date_from_parts(year + 1, 1, 1, calendar=self.calendar, region=self.region)
        except (ValidationError, ValueError, OverflowError):
            self.add_error("year", _("This year is out of range."))
            return None, None
        return start, end

    def filters(self) -> CampFilters:
        if not self.is_bound:
            return CampFilters()
        valid = self.is_valid()
        data = self.cleaned_data
        since, _until = self.period() if valid else (None, None)
        return CampFilters(
            group_id=data.get("group"),
            status=data.get("status") or "",
            province=data.get("province") or "",
            since=since,
        )


class CampDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("Needed when the camp is rejected: say why."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs.setdefault("class", "form-control")

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"approve": data["decision"] == "approve", "note": data.get("note") or ""}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Any number of photos; each is checked by the service."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "image/png,image/jpeg")

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


PHOTOS_MAX = 10


class CampForm(CalendarAwareMixin, forms.Form):
    """A camp (``services.CAMP_FIELDS``) and its photos; its services are a formset."""

    field = IdModelChoiceField(label=_label(Camp, "field"), queryset=ActivityField.objects)
    starts_on = MultiCalendarDateField(label=_label(Camp, "starts_on"))
    ends_on = MultiCalendarDateField(label=_label(Camp, "ends_on"))
    province = IdModelChoiceField(label=_label(Camp, "province"), queryset=Province.objects)
    city = IdModelChoiceField(label=_label(Camp, "city"), queryset=City.objects, required=False)
    village = forms.CharField(label=_label(Camp, "village"), max_length=200, required=False)
    neighbourhood = forms.CharField(
        label=_label(Camp, "neighbourhood"), max_length=200, required=False
    )
    latitude = LocalizedDecimalField(
        label=_label(Camp, "latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
    )
    longitude = LocalizedDecimalField(
        label=_label(Camp, "longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
    )
    volunteers = LocalizedIntegerField(
        label=_label(Camp, "volunteers"), min_value=1, max_value=100000
    )
    beneficiaries = LocalizedIntegerField(
        label=_label(Camp, "beneficiaries"), min_value=0, max_value=10_000_000, required=False
    )
    report = forms.CharField(
        label=_label(Camp, "report"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = MultiplePhotoField(label=_("Photos"), help_text=_("PNG or JPEG pictures."))

    SERVICE_FIELDS = (
        "field",
        "starts_on",
        "ends_on",
        "province",
        "city",
        "village",
        "neighbourhood",
        "latitude",
        "longitude",
        "volunteers",
        "beneficiaries",
        "report",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].widget.choices = [
            ("", "---------"),
            *((f.pk, f.display_name()) for f in ActivityField.objects.order_by("code")),
        ]
        self.fields["province"].widget.choices = [("", "---------"), *province_id_choices()]
        self.fields["city"].widget.choices = [("", "---------"), *city_choices()]
        _style(self)

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > PHOTOS_MAX:
            raise ValidationError(
                _("At most %(count)s photos at a time."), params={"count": PHOTOS_MAX}
            )
        return photos

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.SERVICE_FIELDS}
        for name in ("village", "neighbourhood", "report"):
            values[name] = (values[name] or "").strip()
        values["beneficiaries"] = values["beneficiaries"] or 0
        return values


class CampServiceForm(forms.Form):
    name = forms.CharField(label=_("Service"), max_length=200, required=False)
    quantity = LocalizedDecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=2, required=False
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=ServiceUnit.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def has_changed(self) -> bool:
        # The unit's select always posts a value; a row is filled when a name or quantity is.
        data = self.data
        return bool(
            (data.get(self.add_prefix("name")) or "").strip()
            or (data.get(self.add_prefix("quantity")) or "").strip()
        )

    def clean(self):
        data = super().clean()
        if not self.has_changed():
            return {}
        if not (data.get("name") or "").strip():
            self.add_error("name", _("Name the service."))
        if data.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Give the quantity."))
        if not data.get("unit"):
            self.add_error("unit", _("Choose the unit."))
        return data

    def service_input(self) -> ServiceInput:
        data = self.cleaned_data
        return ServiceInput(name=data["name"].strip(), quantity=data["quantity"], unit=data["unit"])


class BaseCampServiceFormSet(forms.BaseFormSet):
    def service_inputs(self) -> list[ServiceInput]:
        return [form.service_input() for form in self.forms if form.cleaned_data]


CampServiceFormSet = forms.formset_factory(
    CampServiceForm,
    formset=BaseCampServiceFormSet,
    extra=4,
    max_num=40,
    absolute_max=50,
    validate_max=True,
)


# --- distributions -----------------------------------------------------------------------------


class DistributionForm(CalendarAwareMixin, forms.Form):
    """One delivery (``services.DISTRIBUTION_FIELDS``) by a group the visitor may record for."""

    group = forms.TypedChoiceField(label=_label(Distribution, "group"), coerce=int)
    package_kind = forms.ChoiceField(
        label=_label(Distribution, "package_kind"), choices=PackageKind.choices
    )
    quantity = LocalizedIntegerField(
        label=_label(Distribution, "quantity"), min_value=1, max_value=10_000_000
    )
    households = LocalizedIntegerField(
        label=_label(Distribution, "households"), min_value=0, max_value=10_000_000
    )
    distributed_on = MultiCalendarDateField(label=_label(Distribution, "distributed_on"))
    province = IdModelChoiceField(label=_label(Distribution, "province"), queryset=Province.objects)
    city = IdModelChoiceField(
        label=_label(Distribution, "city"), queryset=City.objects, required=False
    )
    place = forms.CharField(label=_label(Distribution, "place"), max_length=200, required=False)
    latitude = LocalizedDecimalField(
        label=_label(Distribution, "latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
    )
    longitude = LocalizedDecimalField(
        label=_label(Distribution, "longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
    )

    SERVICE_FIELDS = (
        "package_kind",
        "quantity",
        "households",
        "distributed_on",
        "province",
        "city",
        "place",
        "latitude",
        "longitude",
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {group.pk: group for group in groups}
        self.fields["group"].choices = [
            ("", "---------"),
            *((pk, group.organization.display_name()) for pk, group in self.groups.items()),
        ]
        self.fields["province"].widget.choices = [("", "---------"), *province_id_choices()]
        self.fields["city"].widget.choices = [("", "---------"), *city_choices()]
        _style(self)

    def clean_group(self):
        group = self.groups.get(self.cleaned_data["group"])
        if group is None:
            raise ValidationError(_("Choose one of the groups in the list."))
        return group

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.SERVICE_FIELDS}
        values["place"] = (values["place"] or "").strip()
        return values
