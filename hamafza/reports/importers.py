"""What the network imports in bulk: organizations, people, volunteer groups, service points.

Each importer is the app's own form (subclassed where one exists, so the rules are stated
once) plus the app's service and policy; ``hamafza.core.imports`` reads the file and runs the
rows. Who may use each one:

- organizations: coordinators, and owners of an organization for rows placed under it (the
  directory's rule for registering an organization, asked row by row);
- people: editors of an organization, for people of organizations they edit; a role above
  viewer or a position needs the organization's owner (the membership rule);
- volunteer groups: editors of the sponsoring body named on the row;
- service points: editors of the operating organization named on the row.

Coordinators may import every kind. Organizations are referred to by their number or their
exact name (in any spelling of ی/ك and with or without ZWNJ), so a file may name an
organization registered by an earlier row of the same file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamafza.core.forms import LocalizedIntegerField, MultiCalendarDateField
from hamafza.core.imports import ImportColumn, ImportContext, Importer
from hamafza.core.models import City, Country, Province
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.core.selectors import places_index
from hamafza.core.text import normalize
from hamafza.directory.forms import NamesFormMixin, OrganizationForm
from hamafza.directory.models import (
    ActivityField,
    Organization,
    OrganizationKind,
    Person,
    Role,
)
from hamafza.directory.policies import (
    membership_policy,
    organization_ids_with_role,
    organization_policy,
    person_policy,
)
from hamafza.directory.services import membership_add, organization_create, person_create
from hamafza.fieldops.forms import ServicePointForm, language_choices
from hamafza.fieldops.models import (
    BorderCrossing,
    PointStatus,
    Route,
    Service,
    ServicePoint,
    ServicePointKind,
    VolunteerGroup,
)
from hamafza.fieldops.policies import group_policy, service_point_policy
from hamafza.fieldops.services import group_register, service_point_create


def _title(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def _name_in(language_name) -> str:
    return _("Name in %(language)s") % {"language": language_name}


_name_in_lazy = lazy(_name_in, str)


def _name_columns() -> tuple[ImportColumn, ...]:
    return tuple(
        ImportColumn(f"name_{code}", _name_in_lazy(label)) for code, label in settings.LANGUAGES
    )


def _editor_somewhere(actor) -> bool:
    return is_coordinator(actor) or bool(organization_ids_with_role(actor, Role.EDITOR))


# --- references: places, languages, fields, organizations ---------------------------------------


def _country_choices():
    countries = places_index().countries.values()
    return [
        *((country.code, country) for country in countries),
        *((country.code, country.code3) for country in countries),
    ]


def _province_choices():
    return [(province.code, province) for province in places_index().provinces.values()]


def _language_choices():
    return [(language.code, language) for language in places_index().languages.values()]


def _field_choices():
    return [(field.code, field) for field in ActivityField.objects.all()]


@dataclass(frozen=True)
class _CityIndex:
    places: object
    by_name: dict[tuple[int, str], list[City]]


_city_index_kept: list[_CityIndex] = []


def _city_index() -> _CityIndex:
    """Cities by (country, any of their names), built once per copy of the places index."""
    places = places_index()
    if _city_index_kept and _city_index_kept[0].places is places:
        return _city_index_kept[0]
    by_name: dict[tuple[int, str], list[City]] = {}
    for city in places.cities.values():
        for name in {normalize(text) for text in city.all_names()}:
            by_name.setdefault((city.country_id, name), []).append(city)
    _city_index_kept[:] = [_CityIndex(places=places, by_name=by_name)]
    return _city_index_kept[0]


def city_find(text: str, *, country: Country | None, province: Province | None) -> City:
    """The city called ``text`` in ``country`` (and ``province``, when given)."""
    found = _city_index().by_name.get((country.pk, normalize(text)), [])
    if province is not None and len(found) > 1:
        found = [city for city in found if city.province_id in (None, province.pk)]
    if not found:
        raise ValidationError(
            _("No city of %(country)s is called “%(name)s”.")
            % {"country": country.display_name(), "name": text}
        )
    if len(found) > 1:
        raise ValidationError(
            _("Several cities of %(country)s are called “%(name)s”; give the province too.")
            % {"country": country.display_name(), "name": text}
        )
    return found[0]


class PlaceCodeField(forms.CharField):
    """A country, province or language by its code, from the places held in memory (the
    column's ``choices`` have turned names into codes already)."""

    def __init__(self, *, kind: str, message, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)
        self.kind = kind
        self.error_messages["invalid_choice"] = message

    def find(self, code: str):
        rows = getattr(places_index(), self.kind).values()
        code = code.strip().upper()
        found = next((row for row in rows if row.code.upper() == code), None)
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found

    def clean(self, value):
        text = super().clean(value)
        return self.find(text) if text else None


class PlaceCodesField(forms.MultipleChoiceField):
    """Several languages by their codes, in one cell."""

    def __init__(self, *, kind: str, **kwargs):
        super().__init__(required=False, **kwargs)
        self.kind = kind

    def valid_value(self, value) -> bool:
        return True

    def clean(self, value) -> list:
        codes = super().clean(value)
        rows = {row.code.upper(): row for row in getattr(places_index(), self.kind).values()}
        missing = [code for code in codes if code.strip().upper() not in rows]
        if missing:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": missing[0]},
            )
        return [rows[code.strip().upper()] for code in codes]


class CodesField(forms.ModelMultipleChoiceField):
    """Rows by their codes, several in one cell."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="code", required=False, **kwargs)


class OrganizationRefField(forms.CharField):
    """An organization named by its number or its exact name (any of its names)."""

    default_error_messages = {
        "missing": gettext_lazy("No organization has this number or name."),
        "ambiguous": gettext_lazy(
            "Several organizations have this name; give the organization's number instead."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    # The run's lookups, shared by its rows (``bind``): an organization found once is found
    # again without a query. A name not found is asked again, as an earlier row may add it.
    found: dict | None = None

    def clean(self, value) -> Organization | None:
        text = super().clean(value)
        if not text:
            return None
        kept = self.found.get(("organization", text)) if self.found is not None else None
        if kept is not None:
            return kept
        organization = self._find(text)
        if self.found is not None:
            self.found[("organization", text)] = organization
        return organization

    def _find(self, text: str) -> Organization:
        number = id_param(text)
        if number is not None:
            found = list(Organization.objects.filter(pk=number))
        else:
            exact = Q(name_key=normalize(text))
            for code, _label in settings.LANGUAGES:
                exact |= Q(**{f"names__{code}": text})
            found = list(Organization.objects.filter(exact).order_by("pk")[:2])
        if not found:
            raise ValidationError(self.error_messages["missing"], code="missing")
        if len(found) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        return found[0]


def bind(form: forms.BaseForm, context: ImportContext) -> forms.BaseForm:
    """Let the form's organization fields share the run's lookups."""
    for form_field in form.fields.values():
        if isinstance(form_field, OrganizationRefField):
            form_field.found = context.cache
    return form


def _country_field(model) -> PlaceCodeField:
    return PlaceCodeField(
        kind="countries",
        label=_title(model, "country"),
        message=gettext_lazy("No country has this code; use its two-letter ISO code, like IR."),
    )


def _province_field(model) -> PlaceCodeField:
    return PlaceCodeField(
        kind="provinces",
        label=_title(model, "province"),
        required=False,
        message=gettext_lazy("No province has this code or name."),
    )


class PlaceFieldsMixin:
    """``country``, ``province`` by code (or name, through the column's choices) and ``city``
    by name within them."""

    def _place_fields(self) -> None:
        self.fields["country"] = _country_field(Organization)
        self.fields["province"] = _province_field(Organization)

    def clean_city(self):
        text = (self.cleaned_data.get("city") or "").strip()
        country = self.cleaned_data.get("country")
        if not text or country is None:
            return None
        return city_find(text, country=country, province=self.cleaned_data.get("province"))


def _fill_name(data: dict) -> dict:
    """The row's own name, or failing it its first name in a site language."""
    if not (data.get("name") or "").strip():
        for code, _label in settings.LANGUAGES:
            if (data.get(f"name_{code}") or "").strip():
                data["name"] = data[f"name_{code}"]
                break
    return data


# --- organizations ------------------------------------------------------------------------------


class OrganizationImportForm(PlaceFieldsMixin, OrganizationForm):
    """The directory's organization form, with places, languages, fields and the parent given
    by code or name instead of by number."""

    city = forms.CharField(required=False, max_length=200)
    parent = OrganizationRefField(required=False)
    languages = PlaceCodesField(kind="languages")
    fields = CodesField(ActivityField.objects.all())

    class Meta(OrganizationForm.Meta):
        fields = [
            "kind", "name", "short_name", "country", "province", "city", "address", "latitude",
            "longitude", "languages", "fields", "website", "email", "phone", "parent", "logo",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["logo"]
        self._place_fields()
        self.fields["city"].label = _title(Organization, "city")
        self.fields["parent"].label = _title(Organization, "parent")

    def _post_clean(self):
        """No model validation here: ``organization_create`` validates the whole row when it is
        saved, in the dry run too, and asking the database the same questions twice would
        double the time an import of thousands of rows takes."""


class OrganizationImporter(Importer):
    kind = "organizations"
    title = gettext_lazy("Organizations")
    who = gettext_lazy(
        "Network coordinators; the owners of an organization, for organizations placed under it."
    )
    row_form = OrganizationImportForm
    duplicate_column = "name"
    columns = (
        ImportColumn(
            "name",
            _title(Organization, "name"),
            help=gettext_lazy(
                "As the organization writes it; left empty, its first name in a site language."
            ),
            example="هیئت محبان امام رضا (ع)",
        ),
        *_name_columns(),
        ImportColumn(
            "kind",
            _title(Organization, "kind"),
            required=True,
            choices=OrganizationKind.choices,
            example=OrganizationKind.HEYAT.value,
        ),
        ImportColumn("short_name", _title(Organization, "short_name")),
        ImportColumn(
            "country",
            _title(Organization, "country"),
            required=True,
            help=gettext_lazy("The two-letter ISO code, such as IR or IQ, or the country's name."),
            choices=_country_choices,
            example="IR",
        ),
        ImportColumn(
            "province",
            _title(Organization, "province"),
            help=gettext_lazy("The ISO 3166-2 code, such as IR-25, or the province's name."),
            choices=_province_choices,
            example="IR-25",
        ),
        ImportColumn(
            "city",
            _title(Organization, "city"),
            help=gettext_lazy("The city's name."),
            example="قم",
        ),
        ImportColumn("address", _title(Organization, "address")),
        ImportColumn("latitude", _title(Organization, "latitude"), example="34.6416"),
        ImportColumn("longitude", _title(Organization, "longitude"), example="50.8746"),
        ImportColumn(
            "languages",
            _title(Organization, "languages"),
            help=gettext_lazy("Language codes or names, separated by commas, such as fa, ar."),
            many=True,
            choices=_language_choices,
            example="fa, ar",
        ),
        ImportColumn(
            "fields",
            _title(Organization, "fields"),
            help=gettext_lazy("Codes or names of fields of activity, separated by commas."),
            many=True,
            choices=_field_choices,
            example="mourning-ceremonies, quran",
        ),
        ImportColumn("website", _title(Organization, "website"), example="https://example.org"),
        ImportColumn("email", _title(Organization, "email")),
        ImportColumn("phone", _title(Organization, "phone")),
        ImportColumn(
            "parent",
            _title(Organization, "parent"),
            help=gettext_lazy(
                "Its number or exact name; it may be an organization of an earlier row."
            ),
        ),
    )

    def may_use(self, actor) -> bool:
        return is_coordinator(actor) or bool(organization_ids_with_role(actor, Role.OWNER))

    def form_for(self, data, *, context: ImportContext):
        return bind(self.row_form(data=_fill_name(data)), context)

    def row_cleaned(self, form) -> dict:
        values = form.service_values()
        values.pop("logo", None)
        return {
            "values": values,
            "languages": list(form.cleaned_data["languages"]),
            "fields": list(form.cleaned_data["fields"]),
        }

    def row_key(self, cleaned) -> tuple:
        values = cleaned["values"]
        return (
            normalize(values["name"]),
            values["kind"],
            values["country"].pk,
            getattr(values["province"], "pk", None),
            getattr(values["city"], "pk", None),
        )

    def row_check_permission(self, actor, cleaned) -> None:
        parent = cleaned["values"].get("parent")
        if organization_policy.allows(actor, "add", parent):
            return
        if parent is None:
            message = _(
                "Only network coordinators register organizations without a parent; name an "
                "organization you own as the parent."
            )
        else:
            message = _("You may register organizations only under an organization you own.")
        raise ValidationError({"parent": message})

    def row_save(self, actor, cleaned) -> Organization:
        return organization_create(
            actor=actor,
            languages=cleaned["languages"],
            fields=cleaned["fields"],
            **cleaned["values"],
        )


# --- people -------------------------------------------------------------------------------------


class PersonImportForm(NamesFormMixin, forms.ModelForm):
    """A person, and optionally their membership of an organization with a role and position."""

    organization = OrganizationRefField(required=False, label=gettext_lazy("organization"))
    role = forms.ChoiceField(choices=Role.choices, required=False, label=gettext_lazy("role"))
    position = forms.CharField(max_length=200, required=False, label=gettext_lazy("position"))

    class Meta:
        model = Person
        fields = ["name", "honorific", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_name_fields({})

    def service_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["name"] = values["name"].strip()
        values["names"] = self.names_value()
        return values


class PersonImporter(Importer):
    kind = "people"
    title = gettext_lazy("People")
    who = gettext_lazy(
        "Editors of an organization, for its people; giving a role above viewer or a position "
        "needs the organization's owners. Network coordinators."
    )
    row_form = PersonImportForm
    duplicate_column = "name"
    columns = (
        ImportColumn("name", _title(Person, "name"), example="سید محمد حسینی"),
        *_name_columns(),
        ImportColumn("honorific", _title(Person, "honorific"), example="حجت‌الاسلام"),
        ImportColumn("email", _title(Person, "email")),
        ImportColumn("phone", _title(Person, "phone")),
        ImportColumn(
            "organization",
            gettext_lazy("organization"),
            help=gettext_lazy(
                "The number or exact name of the organization the person belongs to."
            ),
        ),
        ImportColumn(
            "role",
            gettext_lazy("role"),
            help=gettext_lazy("In that organization; viewer when left empty."),
            choices=Role.choices,
            example=Role.VIEWER.value,
        ),
        ImportColumn("position", gettext_lazy("position")),
    )

    def may_use(self, actor) -> bool:
        return _editor_somewhere(actor)

    def form_for(self, data, *, context: ImportContext):
        return bind(self.row_form(data=_fill_name(data)), context)

    def row_cleaned(self, form) -> dict:
        return {
            "values": form.service_values(),
            "organization": form.cleaned_data["organization"],
            "role": form.cleaned_data["role"] or Role.VIEWER,
            "position": (form.cleaned_data["position"] or "").strip(),
        }

    def row_key(self, cleaned) -> tuple:
        values = cleaned["values"]
        organization = cleaned["organization"]
        return (
            normalize(values["name"]),
            values["email"].lower(),
            organization.pk if organization else None,
        )

    @staticmethod
    def _plain_member(cleaned) -> bool:
        return cleaned["role"] == Role.VIEWER and not cleaned["position"]

    def row_check_permission(self, actor, cleaned) -> None:
        organization = cleaned["organization"]
        if organization is None and not self._plain_member(cleaned):
            raise ValidationError(
                {"organization": _("A role or a position needs the organization it is in.")}
            )
        if organization is not None and not self._plain_member(cleaned):
            if not membership_policy.allows(actor, "add", organization):
                raise ValidationError(
                    {"role": _("Only the organization's owners may give a role or a position.")}
                )
        elif not person_policy.allows(actor, "add", organization):
            raise ValidationError(
                {"organization": _("You may add people only to an organization you edit.")}
            )

    def row_save(self, actor, cleaned) -> Person:
        organization = cleaned["organization"]
        if organization is None or self._plain_member(cleaned):
            return person_create(actor=actor, organization=organization, **cleaned["values"])
        person = person_create(actor=actor, **cleaned["values"])
        membership_add(
            actor=actor,
            organization=organization,
            person=person,
            role=cleaned["role"],
            position=cleaned["position"],
        )
        return person


# --- volunteer groups ---------------------------------------------------------------------------


class GroupImportForm(forms.Form):
    """A volunteer group's registration: the fields of ``services.group_register``."""

    organization = OrganizationRefField(label=_title(VolunteerGroup, "organization"))
    sponsor = OrganizationRefField(label=_title(VolunteerGroup, "sponsor"))
    registration_number = forms.CharField(
        label=_title(VolunteerGroup, "registration_number"),
        max_length=VolunteerGroup._meta.get_field("registration_number").max_length,
    )
    registered_on = MultiCalendarDateField(
        label=_title(VolunteerGroup, "registered_on"), required=False
    )
    size = LocalizedIntegerField(
        label=_title(VolunteerGroup, "size"), min_value=0, max_value=100000, required=False
    )


class GroupImporter(Importer):
    kind = "groups"
    title = gettext_lazy("Volunteer groups")
    who = gettext_lazy(
        "Editors of the sponsoring body named on each row; network coordinators. The group must "
        "be in the directory already, as an organization of kind “volunteer group”."
    )
    row_form = GroupImportForm
    duplicate_column = "registration_number"
    columns = (
        ImportColumn(
            "organization",
            _title(VolunteerGroup, "organization"),
            required=True,
            help=gettext_lazy(
                "The number or exact name of the group's organization in the directory."
            ),
            example="گروه جهادی شهید همت",
        ),
        ImportColumn(
            "sponsor",
            _title(VolunteerGroup, "sponsor"),
            required=True,
            help=gettext_lazy("The number or exact name of the sponsoring body."),
        ),
        ImportColumn(
            "registration_number",
            _title(VolunteerGroup, "registration_number"),
            required=True,
            example="QOM-0101",
        ),
        ImportColumn(
            "registered_on",
            _title(VolunteerGroup, "registered_on"),
            help=gettext_lazy("Year/month/day in your calendar, or a Gregorian date."),
            date=True,
            example="1403/02/15",
        ),
        ImportColumn("size", _title(VolunteerGroup, "size"), example="25"),
    )

    def may_use(self, actor) -> bool:
        return _editor_somewhere(actor)

    def form_for(self, data, *, context: ImportContext):
        return bind(self.row_form(data=data), context)

    def row_key(self, cleaned) -> tuple:
        return (normalize(cleaned["registration_number"]),)

    def row_check_permission(self, actor, cleaned) -> None:
        if not group_policy.allows(actor, "add", cleaned["sponsor"]):
            raise ValidationError(
                {"sponsor": _("You may register groups only for a sponsoring body you edit.")}
            )

    def row_save(self, actor, cleaned) -> VolunteerGroup:
        values = {
            "registration_number": cleaned["registration_number"].strip(),
            "registered_on": cleaned["registered_on"],
        }
        if cleaned["size"] is not None:
            values["size"] = cleaned["size"]
        return group_register(
            actor=actor, organization=cleaned["organization"], sponsor=cleaned["sponsor"], **values
        )


# --- service points -----------------------------------------------------------------------------


class ServicePointImportForm(ServicePointForm):
    """The service point form, with the operator, country and province given by code or name.

    Its ``clean`` places a point given by its pole; the service checks that a point and its
    pole are within 1.5 km and that the point is inside its country."""

    operator = OrganizationRefField(label=_title(ServicePoint, "operator"))
    country = _country_field(ServicePoint)
    province = _province_field(ServicePoint)

    def __init__(self, *args, languages: list, **kwargs):
        # The page's form also builds every country's and province's option for its selects,
        # which an import, row after row, does not show: only what validation needs is set up.
        forms.Form.__init__(self, *args, **kwargs)
        self.point = None
        self._add_name_fields({})
        self.fields["languages"].choices = languages


class ServicePointImporter(Importer):
    kind = "points"
    title = gettext_lazy("Service points")
    who = gettext_lazy(
        "Editors of the operating organization named on each row; network coordinators."
    )
    row_form = ServicePointImportForm
    duplicate_column = "name"
    columns = (
        ImportColumn("name", _title(ServicePoint, "name"), required=True, example="موکب الزهراء"),
        *_name_columns(),
        ImportColumn(
            "kind",
            _title(ServicePoint, "kind"),
            required=True,
            choices=ServicePointKind.choices,
            example=ServicePointKind.MAWKIB.value,
        ),
        ImportColumn(
            "operator",
            _title(ServicePoint, "operator"),
            required=True,
            help=gettext_lazy("The number or exact name of the organization that runs it."),
        ),
        ImportColumn(
            "country",
            _title(ServicePoint, "country"),
            required=True,
            help=gettext_lazy("The two-letter ISO code, such as IR or IQ, or the country's name."),
            choices=_country_choices,
            example="IQ",
        ),
        ImportColumn(
            "province",
            _title(ServicePoint, "province"),
            help=gettext_lazy("The ISO 3166-2 code, such as IR-25, or the province's name."),
            choices=_province_choices,
        ),
        ImportColumn(
            "route",
            _title(ServicePoint, "route"),
            choices=Route.choices,
            example=Route.NAJAF_KARBALA.value,
        ),
        ImportColumn(
            "pole",
            _title(ServicePoint, "pole"),
            help=gettext_lazy(
                "On a route, the nearest pole: it places the point when latitude and longitude "
                "are left empty, and must be within 1.5 km of them when they are given."
            ),
            example="500",
        ),
        ImportColumn("latitude", _title(ServicePoint, "latitude")),
        ImportColumn("longitude", _title(ServicePoint, "longitude")),
        ImportColumn(
            "border_crossing",
            _title(ServicePoint, "border_crossing"),
            choices=BorderCrossing.choices,
        ),
        ImportColumn(
            "services",
            _title(ServicePoint, "services"),
            help=gettext_lazy("Separated by commas."),
            many=True,
            choices=Service.choices,
            example="food, water, rest",
        ),
        ImportColumn("capacity", _title(ServicePoint, "capacity"), example="200"),
        ImportColumn(
            "opens_on",
            _title(ServicePoint, "opens_on"),
            help=gettext_lazy("Year/month/day in your calendar, or a Gregorian date."),
            date=True,
        ),
        ImportColumn(
            "closes_on",
            _title(ServicePoint, "closes_on"),
            help=gettext_lazy("Year/month/day in your calendar, or a Gregorian date."),
            date=True,
        ),
        ImportColumn("hours", _title(ServicePoint, "hours"), example="24"),
        ImportColumn(
            "languages",
            _title(ServicePoint, "languages"),
            help=gettext_lazy("Language codes or names, separated by commas, such as fa, ar."),
            many=True,
            choices=_language_choices,
            example="fa, ar",
        ),
        ImportColumn("phone", _title(ServicePoint, "phone")),
        ImportColumn(
            "status",
            _title(ServicePoint, "status"),
            help=gettext_lazy("Open when left empty."),
            choices=PointStatus.choices,
        ),
    )

    def may_use(self, actor) -> bool:
        return _editor_somewhere(actor)

    def form_for(self, data, *, context: ImportContext):
        data = _fill_name(data)
        data["status"] = data.get("status") or PointStatus.OPEN
        languages = context.remembered("point-languages", language_choices)
        return bind(self.row_form(data=data, languages=languages), context)

    def row_cleaned(self, form) -> dict:
        return {"operator": form.cleaned_data["operator"], **form.service_values()}

    def row_key(self, cleaned) -> tuple:
        return (cleaned["operator"].pk, normalize(cleaned["name"]))

    def row_check_permission(self, actor, cleaned) -> None:
        if not service_point_policy.allows(actor, "add", cleaned["operator"]):
            raise ValidationError(
                {
                    "operator": _(
                        "You may register service points only for an organization you edit."
                    )
                }
            )

    def row_save(self, actor, cleaned) -> ServicePoint:
        values = dict(cleaned)
        operator = values.pop("operator")
        return service_point_create(actor=actor, operator=operator, **values)


IMPORTERS: dict[str, Importer] = {
    importer.kind: importer
    for importer in (
        OrganizationImporter(),
        PersonImporter(),
        GroupImporter(),
        ServicePointImporter(),
    )
}


def importer_get(kind: str) -> Importer | None:
    return IMPORTERS.get(kind)


def importers_for(actor) -> list[Importer]:
    """The importers ``actor`` may use, in the order the page lists them."""
    return [importer for importer in IMPORTERS.values() if importer.may_use(actor)]
