"""Reads of volunteer groups, camps, distributions and service points: pages, API, map, reports.

Lists join what a row shows (``select_related``) and prefetch the rest, so
the number of queries does not grow with the rows. Dashboard figures are
computed by the database (grouped counts and sums), each total from its own
query: a package, a household or a group is counted once.

The map's "nearest open point" reads a latitude band of the indexed
``(kind, status, latitude)`` columns around the visitor, measures the few
candidates exactly and widens the band only when it holds too few.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.urls import NoReverseMatch, reverse

from hamafza.core.models import Province
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.core.preferences import language_base
from hamafza.core.search import search_filter
from hamafza.directory.models import ActivityField, Organization, Role
from hamafza.directory.policies import organization_ids_with_role
from hamafza.fieldops.models import (
    ActivityStatus,
    BorderCrossing,
    Camp,
    Campaign,
    CampStatus,
    Distribution,
    GroupActivity,
    PackageKind,
    PointStatus,
    Route,
    Service,
    ServicePoint,
    ServicePointKind,
    VolunteerGroup,
)
from hamafza.fieldops.routes import EARTH_RADIUS_METRES, distance_metres, pole_point

# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFilters:
    q: str = ""
    sponsor_id: int | None = None
    province: str = ""  # ISO 3166-2 code of the group's organization
    field: str = ""  # ActivityField code
    activity_status: str = ""


@dataclass(frozen=True)
class CampFilters:
    group_id: int | None = None
    sponsor_id: int | None = None
    status: str = ""
    province: str = ""
    field: str = ""
    year: int | None = None  # Gregorian year of the first day
    since: datetime.date | None = None  # first day on or after


@dataclass(frozen=True)
class DistributionFilters:
    campaign_id: int | None = None
    group_id: int | None = None
    province: str = ""
    package_kind: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


@dataclass(frozen=True)
class ServicePointFilters:
    """Several kinds, services, languages or statuses mean any of them."""

    q: str = ""
    kinds: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    route: str = ""
    border_crossing: str = ""
    operator_id: int | None = None
    country: str = ""  # ISO 3166-1 code


def _many(params, name: str, allowed) -> tuple[str, ...]:
    """Values of a repeated or comma-separated parameter that are in ``allowed``."""
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        value = params.get(name, "")
        raw = value if isinstance(value, list | tuple) else [value]
    values = []
    for item in raw:
        for part in str(item or "").split(","):
            part = part.strip()[:20]
            if part and (allowed is None or part in allowed) and part not in values:
                values.append(part)
    return tuple(values[:20])


def _choice(value, allowed) -> str:
    value = str(value or "").strip()
    return value if value in allowed else ""


def _year(value) -> int | None:
    number = id_param(value)
    return number if number is not None and 1900 <= number <= 2200 else None


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


def group_filters_from_query(params) -> GroupFilters:
    """Filters from a query string; unknown or malformed values are ignored, never an error."""
    return GroupFilters(
        q=str(params.get("q", ""))[:200],
        sponsor_id=id_param(params.get("sponsor")),
        province=str(params.get("province", ""))[:10],
        field=str(params.get("field", ""))[:50],
        activity_status=_choice(params.get("activity"), ActivityStatus.values),
    )


def camp_filters_from_query(params) -> CampFilters:
    return CampFilters(
        group_id=id_param(params.get("group")),
        sponsor_id=id_param(params.get("sponsor")),
        status=_choice(params.get("status"), CampStatus.values),
        province=str(params.get("province", ""))[:10],
        field=str(params.get("field", ""))[:50],
        year=_year(params.get("year")),
        since=_date(params.get("since")),
    )


def distribution_filters_from_query(params) -> DistributionFilters:
    return DistributionFilters(
        campaign_id=id_param(params.get("campaign")),
        group_id=id_param(params.get("group")),
        province=str(params.get("province", ""))[:10],
        package_kind=_choice(params.get("package_kind"), PackageKind.values),
        since=_date(params.get("since")),
        until=_date(params.get("until")),
    )


def service_point_filters_from_query(params) -> ServicePointFilters:
    return ServicePointFilters(
        q=str(params.get("q", ""))[:200],
        kinds=_many(params, "kind", ServicePointKind.values),
        services=_many(params, "service", Service.values),
        languages=_many(params, "language", None),
        statuses=_many(params, "status", PointStatus.values),
        route=_choice(params.get("route"), Route.values),
        border_crossing=_choice(params.get("border_crossing"), BorderCrossing.values),
        operator_id=id_param(params.get("operator")),
        country=str(params.get("country", ""))[:2].upper(),
    )


# --- volunteer groups ------------------------------------------------------------------------


def group_list(*, filters: GroupFilters | None = None) -> QuerySet[VolunteerGroup]:
    """Registered groups by registration number, with organization, sponsor and province."""
    filters = filters or GroupFilters()
    queryset = VolunteerGroup.objects.select_related(
        "organization", "organization__province", "sponsor"
    )
    if filters.sponsor_id:
        queryset = queryset.filter(sponsor_id=filters.sponsor_id)
    if filters.province:
        queryset = queryset.filter(organization__province__code=filters.province.upper())
    if filters.field:
        queryset = queryset.filter(
            organization_id__in=Organization.fields.through.objects.filter(
                activityfield__code=filters.field
            ).values("organization_id")
        )
    if filters.activity_status:
        queryset = queryset.filter(activity_status=filters.activity_status)
    if filters.q:
        queryset = queryset.filter(
            Q(organization_id__in=search_filter(Organization.objects.all(), filters.q).values("pk"))
            | Q(registration_number=filters.q.strip())
        )
    return queryset.order_by("registration_number")


def group_get(*, pk: int) -> VolunteerGroup:
    return (
        VolunteerGroup.objects.select_related(
            "organization",
            "organization__province",
            "organization__city",
            "organization__country",
            "sponsor",
        )
        .prefetch_related("organization__fields")
        .get(pk=pk)
    )


def group_activities(*, group: VolunteerGroup, limit: int = 50) -> list[GroupActivity]:
    return list(group.activities.select_related("field").order_by("-on", "-id")[:limit])


def groups_of_user(user) -> QuerySet[VolunteerGroup]:
    """The groups whose camps and distributions the user may log (coordinators: all)."""
    queryset = VolunteerGroup.objects.select_related("organization", "sponsor")
    if is_coordinator(user):
        return queryset
    return queryset.filter(organization_id__in=organization_ids_with_role(user, Role.EDITOR))


# --- camps -----------------------------------------------------------------------------------


def camps_visible(user) -> QuerySet[Camp]:
    """Approved camps for everyone; the others for the group's and sponsor's staff and
    coordinators."""
    queryset = Camp.objects.all()
    if is_coordinator(user):
        return queryset
    organizations = organization_ids_with_role(user, Role.VIEWER)
    if not organizations:
        return queryset.filter(status=CampStatus.APPROVED)
    return queryset.filter(
        Q(status=CampStatus.APPROVED)
        | Q(group__organization_id__in=organizations)
        | Q(group__sponsor_id__in=organizations)
    )


def camp_list(*, filters: CampFilters | None = None, user=None) -> QuerySet[Camp]:
    """The camps ``user`` may see, newest first, with group, field, province and city."""
    filters = filters or CampFilters()
    queryset = camps_visible(user).select_related(
        "group__organization", "group__sponsor", "field", "province", "city"
    )
    if filters.group_id:
        queryset = queryset.filter(group_id=filters.group_id)
    if filters.sponsor_id:
        queryset = queryset.filter(group__sponsor_id=filters.sponsor_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.province:
        queryset = queryset.filter(province__code=filters.province.upper())
    if filters.field:
        queryset = queryset.filter(field__code=filters.field)
    if filters.year:
        queryset = queryset.filter(
            starts_on__gte=datetime.date(filters.year, 1, 1),
            starts_on__lt=datetime.date(filters.year + 1, 1, 1),
        )
    if filters.since:
        queryset = queryset.filter(starts_on__gte=filters.since)
    return queryset.order_by("-starts_on", "-id")


def camp_get(*, pk: int, user=None) -> Camp:
    """A camp ``user`` may see (``Camp.DoesNotExist`` otherwise), with its services and
    photos."""
    return (
        camps_visible(user)
        .select_related(
            "group__organization", "group__sponsor", "field", "province", "city", "decided_by"
        )
        .prefetch_related("services", "photos")
        .get(pk=pk)
    )


# --- campaigns and distributions -------------------------------------------------------------


def campaign_list(*, q: str = "") -> QuerySet[Campaign]:
    """Campaigns, latest first, with their organizer and their packages and households
    summed by the database."""
    queryset = (
        Campaign.objects.select_related("organizer")
        .annotate(
            packages=Coalesce(Sum("distributions__quantity"), 0),
            households=Coalesce(Sum("distributions__households"), 0),
            distribution_count=Count("distributions"),
        )
        .order_by("-starts_on", "id")
    )
    if q:
        queryset = search_filter(queryset, q)
    return queryset


def campaign_get(*, pk: int) -> Campaign:
    return Campaign.objects.select_related("organizer").get(pk=pk)


def distribution_list(*, filters: DistributionFilters | None = None) -> QuerySet[Distribution]:
    """Distributions, latest first, with campaign, group, province and city."""
    filters = filters or DistributionFilters()
    queryset = Distribution.objects.select_related(
        "campaign", "group__organization", "province", "city"
    )
    if filters.campaign_id:
        queryset = queryset.filter(campaign_id=filters.campaign_id)
    if filters.group_id:
        queryset = queryset.filter(group_id=filters.group_id)
    if filters.province:
        queryset = queryset.filter(province__code=filters.province.upper())
    if filters.package_kind:
        queryset = queryset.filter(package_kind=filters.package_kind)
    if filters.since:
        queryset = queryset.filter(distributed_on__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(distributed_on__lte=filters.until)
    return queryset.order_by("-distributed_on", "-id")


# --- service points --------------------------------------------------------------------------


def _offering(queryset: QuerySet[ServicePoint], services) -> QuerySet[ServicePoint]:
    """Points offering any of ``services``.

    ``services`` is a JSON list of codes; its text holds each code between
    double quotes (``["food", "water"]``) on SQLite and PostgreSQL alike, so
    ``"food"`` matches the element and never a longer code. Codes not in the
    list match nothing.
    """
    wanted = [service for service in services if service in Service.values]
    if not wanted:
        return queryset.none() if services else queryset
    condition = Q()
    for service in wanted:
        condition |= Q(services_text__contains=f'"{service}"')
    return queryset.annotate(services_text=Cast("services", TextField())).filter(condition)


def _speaking(queryset: QuerySet[ServicePoint], languages) -> QuerySet[ServicePoint]:
    """Points where any of ``languages`` (codes) is spoken: one EXISTS, no duplicate rows."""
    codes = [code for code in languages if code]
    if not codes:
        return queryset
    spoken = ServicePoint.languages.through.objects.filter(
        servicepoint_id=OuterRef("pk"), language__code__in=codes
    )
    return queryset.filter(Exists(spoken))


def _points_filtered(
    queryset: QuerySet[ServicePoint], filters: ServicePointFilters
) -> QuerySet[ServicePoint]:
    if filters.kinds:
        queryset = queryset.filter(kind__in=list(filters.kinds))
    if filters.statuses:
        queryset = queryset.filter(status__in=list(filters.statuses))
    if filters.route:
        queryset = queryset.filter(route=filters.route)
    if filters.border_crossing:
        queryset = queryset.filter(border_crossing=filters.border_crossing)
    if filters.operator_id:
        queryset = queryset.filter(operator_id=filters.operator_id)
    if filters.country:
        queryset = queryset.filter(country__code=filters.country.upper())
    if filters.services:
        queryset = _offering(queryset, filters.services)
    if filters.languages:
        queryset = _speaking(queryset, filters.languages)
    if filters.q:
        queryset = search_filter(queryset, filters.q)
    return queryset


def service_point_list(*, filters: ServicePointFilters | None = None) -> QuerySet[ServicePoint]:
    """Service points by route and pole, with operator, country and province; languages
    prefetched (two queries)."""
    queryset = (
        ServicePoint.objects.select_related("operator", "country", "province")
        .prefetch_related("languages")
        .order_by("route", "pole", "id")
    )
    return _points_filtered(queryset, filters or ServicePointFilters())


def service_point_get(*, pk: int) -> ServicePoint:
    return (
        ServicePoint.objects.select_related("operator", "country", "province", "status_changed_by")
        .prefetch_related("languages")
        .get(pk=pk)
    )


def service_points_of_user(user) -> QuerySet[ServicePoint]:
    """The points whose status the user may set (coordinators: all)."""
    queryset = ServicePoint.objects.select_related("operator").order_by("route", "pole", "id")
    if is_coordinator(user):
        return queryset
    return queryset.filter(operator_id__in=organization_ids_with_role(user, Role.EDITOR))


def _url_maker(name: str):
    """``pk -> url`` for a URL pattern with one ``pk``, reversed once (None when the URL is not
    mounted)."""
    marker = 987654321
    try:
        sample = reverse(name, kwargs={"pk": marker})
    except NoReverseMatch:
        return lambda pk: None
    head, tail = sample.rsplit(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def _names_of(names: dict, name: str, language: str) -> str:
    return (names or {}).get(language) or name


def _coordinates(longitude, latitude) -> list[float]:
    return [round(float(longitude), 6), round(float(latitude), 6)]


def service_points_geojson(
    *,
    kinds=(),
    services=(),
    languages=(),
    statuses=(),
    route: str = "",
    operator_id: int | None = None,
) -> dict:
    """The points as a GeoJSON FeatureCollection, names in the visitor's language.

    Two queries whatever the number of points: the points with their
    operator's name, and the language codes of the same points. The database
    picks each name's translation and turns the coordinates into floats, so
    the whole route (tens of thousands of points) is read without decoding a
    JSON object or building a Decimal per row.
    """
    filters = ServicePointFilters(
        kinds=tuple(kinds),
        services=tuple(services),
        languages=tuple(languages),
        statuses=tuple(statuses),
        route=route,
        operator_id=operator_id,
    )
    language = language_base()
    queryset = _points_filtered(ServicePoint.objects.all(), filters).order_by("route", "pole", "id")
    rows = list(
        queryset.annotate(
            local_name=KeyTextTransform(language, "names"),
            operator_local_name=KeyTextTransform(language, "operator__names"),
            services_json=Cast("services", TextField()),
            latitude_float=Cast("latitude", FloatField()),
            longitude_float=Cast("longitude", FloatField()),
        ).values_list(
            "pk",
            "name",
            "local_name",
            "kind",
            "status",
            "services_json",
            "route",
            "pole",
            "border_crossing",
            "operator__name",
            "operator_local_name",
            "hours",
            "capacity",
            "latitude_float",
            "longitude_float",
        )
    )
    spoken: dict[int, list[str]] = {}
    if rows:
        through = ServicePoint.languages.through.objects.filter(
            servicepoint_id__in=queryset.values("pk")
        ).order_by("servicepoint_id", "language__code")
        for point_id, code in through.values_list("servicepoint_id", "language__code"):
            spoken.setdefault(point_id, []).append(code)
    url = _url_maker("fieldops:point")
    features = []
    for (
        pk,
        name,
        local_name,
        kind,
        status,
        offered,
        point_route,
        pole,
        border_crossing,
        operator_name,
        operator_local_name,
        hours,
        capacity,
        latitude,
        longitude,
    ) in rows:
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(longitude, 6), round(latitude, 6)],
                },
                "properties": {
                    "id": pk,
                    "name": local_name or name,
                    "kind": kind,
                    "status": status,
                    "services": json.loads(offered) if offered else [],
                    "languages": spoken.get(pk, []),
                    "route": point_route,
                    "pole": pole,
                    "border_crossing": border_crossing,
                    "operator": operator_local_name or operator_name,
                    "hours": hours,
                    "capacity": capacity,
                    "url": url(pk),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def camps_geojson(*, since: datetime.date | None = None, province_id: int | None = None) -> dict:
    """Approved camps that have a point, as a GeoJSON FeatureCollection (one query)."""
    queryset = Camp.objects.filter(status=CampStatus.APPROVED, latitude__isnull=False).filter(
        longitude__isnull=False
    )
    if since:
        queryset = queryset.filter(starts_on__gte=since)
    if province_id:
        queryset = queryset.filter(province_id=province_id)
    rows = queryset.order_by("-starts_on", "-id").values_list(
        "pk",
        "group__organization__name",
        "group__organization__names",
        "field__name",
        "field__names",
        "province__name",
        "province__names",
        "starts_on",
        "ends_on",
        "volunteers",
        "beneficiaries",
        "latitude",
        "longitude",
    )
    language = language_base()
    url = _url_maker("fieldops:camp")
    features = []
    for (
        pk,
        group_name,
        group_names,
        field_name,
        field_names,
        province_name,
        province_names,
        starts_on,
        ends_on,
        volunteers,
        beneficiaries,
        latitude,
        longitude,
    ) in rows:
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "geometry": {"type": "Point", "coordinates": _coordinates(longitude, latitude)},
                "properties": {
                    "id": pk,
                    "group": _names_of(group_names, group_name, language),
                    "field": _names_of(field_names, field_name, language),
                    "province": _names_of(province_names, province_name, language),
                    "starts_on": starts_on.isoformat(),
                    "ends_on": ends_on.isoformat(),
                    "days": (ends_on - starts_on).days + 1,
                    "volunteers": volunteers,
                    "beneficiaries": beneficiaries,
                    "url": url(pk),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- nearest service ------------------------------------------------------------------------


@dataclass(frozen=True)
class NearPoint:
    """A service point and how far it is; ``poles`` counts the poles between it and the pole
    asked from, when both are on the same route."""

    point: ServicePoint
    metres: float
    poles: int | None = None


# The first band's half-height: a few dozen points of one kind on a crowded route.
NEAREST_FIRST_RADIUS_METRES = 500
NEAREST_WIDEN = 4
NEAREST_LIMIT_MAX = 50
HALF_EARTH_METRES = math.pi * EARTH_RADIUS_METRES
_SIX_PLACES = Decimal("0.000001")


def _floor(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(_SIX_PLACES, rounding=ROUND_FLOOR)


def _ceiling(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(_SIX_PLACES, rounding=ROUND_CEILING)


def _box(latitude: float, longitude: float, metres: float) -> Q | None:
    """The rows within ``metres`` of the point lie in this box (None: the whole earth).

    Latitude ± the angular radius; the longitude half-width is
    asin(sin(r) / cos(latitude)), and every longitude when the circle holds a
    pole. A box across the antimeridian is two ranges.
    """
    if metres >= HALF_EARTH_METRES:
        return None
    radius = metres / EARTH_RADIUS_METRES
    phi = math.radians(latitude)
    south, north = phi - radius, phi + radius
    condition = Q(
        latitude__gte=_floor(max(math.degrees(south), -90.0)),
        latitude__lte=_ceiling(min(math.degrees(north), 90.0)),
    )
    if south <= -math.pi / 2 or north >= math.pi / 2:
        return condition
    ratio = math.sin(radius) / math.cos(phi)
    if ratio >= 1:
        return condition
    span = math.degrees(math.asin(ratio))
    west, east = longitude - span, longitude + span
    if west < -180:
        longitudes = Q(longitude__gte=_floor(west + 360)) | Q(longitude__lte=_ceiling(east))
    elif east > 180:
        longitudes = Q(longitude__gte=_floor(west)) | Q(longitude__lte=_ceiling(east - 360))
    else:
        longitudes = Q(longitude__gte=_floor(west), longitude__lte=_ceiling(east))
    return condition & longitudes


def nearest_service_points(
    *,
    latitude: float,
    longitude: float,
    kind: str = "",
    service: str = "",
    language: str = "",
    statuses=(PointStatus.OPEN,),
    limit: int = 5,
) -> list[NearPoint]:
    """The ``limit`` points nearest a position, nearest first (open ones unless ``statuses``
    says otherwise).

    Each round reads the ids and coordinates of the points in a box around
    the position (the ``kind, status, latitude`` index serves it), measures
    them exactly and keeps those within the box's radius: nothing outside
    can be nearer. With fewer than ``limit`` the radius grows fourfold (or
    to the distance of the ``limit``-th point the box held), until the box
    is the whole earth. Two more queries read the points found and their
    languages.
    """
    latitude, longitude = float(latitude), float(longitude)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return []  # not a place on earth (NaN included)
    limit = max(1, min(int(limit), NEAREST_LIMIT_MAX))
    base = ServicePoint.objects.all()
    if kind:
        base = base.filter(kind=kind)
    statuses = [status for status in statuses or () if status]
    if statuses:
        base = base.filter(status__in=statuses)
    if service:
        base = _offering(base, [service])
    if language:
        base = _speaking(base, [language])
    base = base.order_by()
    metres = float(NEAREST_FIRST_RADIUS_METRES)
    while True:
        box = _box(latitude, longitude, metres)
        candidates = base.filter(box) if box is not None else base
        measured = sorted(
            (distance_metres(latitude, longitude, float(lat), float(lon)), pk)
            for pk, lat, lon in candidates.values_list("pk", "latitude", "longitude")
        )
        inside = [row for row in measured if row[0] <= metres]
        if len(inside) >= limit or box is None:
            chosen = (inside if box is not None else measured)[:limit]
            break
        # Enough in the box's corners: a circle through the farthest of them holds them all,
        # so the next round is the last.
        metres = measured[limit - 1][0] if len(measured) >= limit else metres * NEAREST_WIDEN
    if not chosen:
        return []
    points = (
        ServicePoint.objects.select_related("operator", "country", "province")
        .prefetch_related("languages")
        .in_bulk([pk for _distance, pk in chosen])
    )
    return [
        NearPoint(point=points[pk], metres=round(distance, 1))
        for distance, pk in chosen
        if pk in points
    ]


def nearest_from_pole(
    *,
    route: str,
    pole: int,
    kind: str = "",
    service: str = "",
    language: str = "",
    statuses=(PointStatus.OPEN,),
    limit: int = 5,
) -> list[NearPoint]:
    """The points nearest a pole of a route; those on the same route also say how many poles
    away they are. ``ValueError`` for a pole the route does not have."""
    latitude, longitude = pole_point(route, int(pole))
    found = nearest_service_points(
        latitude=latitude,
        longitude=longitude,
        kind=kind,
        service=service,
        language=language,
        statuses=statuses,
        limit=limit,
    )
    return [
        replace(near, poles=abs(near.point.pole - int(pole)))
        if near.point.route == route and near.point.pole is not None
        else near
        for near in found
    ]


# --- dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCount:
    """Groups of one field or province: registered, and by activity status."""

    id: int | None
    name: str
    registered: int
    active: int
    seasonal: int
    dormant: int


@dataclass(frozen=True)
class GroupFigures:
    by_field: list[GroupCount]
    by_province: list[GroupCount]


def _status_counts(path: str) -> dict:
    """Count(distinct) of groups, all and by activity status, through ``path`` to the group."""
    status = f"{path}__activity_status" if path != "pk" else "activity_status"
    return {
        "registered": Count(path, distinct=True),
        "active": Count(path, filter=Q(**{status: ActivityStatus.ACTIVE}), distinct=True),
        "seasonal": Count(path, filter=Q(**{status: ActivityStatus.SEASONAL}), distinct=True),
        "dormant": Count(path, filter=Q(**{status: ActivityStatus.DORMANT}), distinct=True),
    }


def groups_by_field_and_province() -> GroupFigures:
    """Registered groups, and how many are active, seasonal and dormant, by field and by
    province (four queries: two counts, and the fields' and provinces' names).

    A group works in several fields and counts once in each, so the field rows
    add up to more than the number of groups; take totals from
    ``fieldops_totals``. Each group is in one province (its organization's),
    or in the row without an id when it has none. Fields without groups are
    left out.
    """
    language = language_base()
    through = Organization.fields.through.objects.filter(
        organization__volunteer_group__isnull=False
    )
    per_field = {
        row["activityfield_id"]: row
        for row in through.values("activityfield_id")
        .annotate(**_status_counts("organization__volunteer_group"))
        .order_by()
    }
    fields = ActivityField.objects.in_bulk(list(per_field)) if per_field else {}
    by_field = sorted(
        (
            GroupCount(
                id=field_id,
                name=fields[field_id].display_name(language),
                registered=row["registered"],
                active=row["active"],
                seasonal=row["seasonal"],
                dormant=row["dormant"],
            )
            for field_id, row in per_field.items()
            if field_id in fields
        ),
        key=lambda count: (-count.registered, count.name),
    )
    per_province = list(
        VolunteerGroup.objects.values("organization__province_id")
        .annotate(**_status_counts("pk"))
        .order_by()
    )
    province_ids = [row["organization__province_id"] for row in per_province]
    provinces = Province.objects.in_bulk([pk for pk in province_ids if pk])
    by_province = sorted(
        (
            GroupCount(
                id=row["organization__province_id"],
                name=(
                    provinces[row["organization__province_id"]].display_name(language)
                    if row["organization__province_id"] in provinces
                    else ""
                ),
                registered=row["registered"],
                active=row["active"],
                seasonal=row["seasonal"],
                dormant=row["dormant"],
            )
            for row in per_province
        ),
        key=lambda count: (count.id is None, -count.registered, count.name),
    )
    return GroupFigures(by_field=by_field, by_province=by_province)


@dataclass(frozen=True)
class CampMonth:
    province_id: int
    province: str
    month: datetime.date  # the first day of the (Gregorian) month
    camps: int
    volunteers: int
    beneficiaries: int


def camps_by_province_and_month(*, year: int | None = None) -> list[CampMonth]:
    """Approved camps by province and month of their first day (Gregorian), with the
    volunteers and beneficiaries they counted; ``year`` narrows to one Gregorian year.
    Two queries."""
    queryset = Camp.objects.filter(status=CampStatus.APPROVED)
    if year:
        queryset = queryset.filter(
            starts_on__gte=datetime.date(year, 1, 1), starts_on__lt=datetime.date(year + 1, 1, 1)
        )
    rows = list(
        queryset.annotate(month=TruncMonth("starts_on"))
        .values("province_id", "month")
        .annotate(
            camps=Count("pk"),
            volunteers=Coalesce(Sum("volunteers"), 0),
            beneficiaries=Coalesce(Sum("beneficiaries"), 0),
        )
        .order_by("month", "province_id")
    )
    provinces = Province.objects.in_bulk({row["province_id"] for row in rows}) if rows else {}
    language = language_base()
    return [
        CampMonth(
            province_id=row["province_id"],
            province=provinces[row["province_id"]].display_name(language),
            month=row["month"],
            camps=row["camps"],
            volunteers=row["volunteers"],
            beneficiaries=row["beneficiaries"],
        )
        for row in rows
    ]


def packages_by_campaign() -> QuerySet[Campaign]:
    """Campaigns annotated with ``packages`` and ``households`` (sums over their
    distributions: each distribution is one campaign and one place, so nothing is counted
    twice), ``distribution_count`` and ``group_count`` (distinct groups). One query."""
    return (
        Campaign.objects.select_related("organizer")
        .annotate(
            packages=Coalesce(Sum("distributions__quantity"), 0),
            households=Coalesce(Sum("distributions__households"), 0),
            distribution_count=Count("distributions"),
            group_count=Count("distributions__group", distinct=True),
        )
        .order_by("-starts_on", "id")
    )


@dataclass(frozen=True)
class RouteSegment:
    first_pole: int
    last_pole: int
    points: int
    open: int
    full: int
    closed: int


def service_points_by_route_segment(*, route: str, segment_poles: int = 100) -> list[RouteSegment]:
    """The route cut into stretches of ``segment_poles`` poles (the last one shorter): how many
    points each has, by status, empty stretches included. One query."""
    from hamafza.fieldops.routes import route_line

    line = route_line(route)
    if line is None:
        return []
    size = max(1, int(segment_poles))
    rows = (
        ServicePoint.objects.filter(route=route, pole__isnull=False)
        .annotate(segment=Cast((F("pole") - Value(1)) / Value(size), output_field=IntegerField()))
        .values("segment")
        .annotate(
            points=Count("pk"),
            open=Count("pk", filter=Q(status=PointStatus.OPEN)),
            full=Count("pk", filter=Q(status=PointStatus.FULL)),
            closed=Count("pk", filter=Q(status=PointStatus.CLOSED)),
        )
        .order_by()
    )
    counts = {row["segment"]: row for row in rows}
    segments = []
    for index in range(math.ceil(line.poles / size)):
        row = counts.get(index, {})
        segments.append(
            RouteSegment(
                first_pole=index * size + 1,
                last_pole=min((index + 1) * size, line.poles),
                points=row.get("points", 0),
                open=row.get("open", 0),
                full=row.get("full", 0),
                closed=row.get("closed", 0),
            )
        )
    return segments


@dataclass(frozen=True)
class Totals:
    groups: int  # registered
    active: int  # active all year
    seasonal: int
    dormant: int
    members: int  # the groups' members, each group once
    camps: int  # approved
    volunteers: int  # volunteers the approved camps counted (one volunteer per camp served)
    beneficiaries: int  # of approved camps
    distributions: int
    packages: int
    households: int
    service_points: int


def fieldops_totals() -> Totals:
    """The headline figures, each from its own query (four), never from summing the rows of
    a breakdown: a group with several fields, a distribution or a camp counts once."""
    groups = VolunteerGroup.objects.aggregate(
        **_status_counts("pk"), members=Coalesce(Sum("size"), 0)
    )
    camps = Camp.objects.filter(status=CampStatus.APPROVED).aggregate(
        camps=Count("pk"),
        volunteers=Coalesce(Sum("volunteers"), 0),
        beneficiaries=Coalesce(Sum("beneficiaries"), 0),
    )
    distributions = Distribution.objects.aggregate(
        distributions=Count("pk"),
        packages=Coalesce(Sum("quantity"), 0),
        households=Coalesce(Sum("households"), 0),
    )
    return Totals(
        groups=groups["registered"],
        active=groups["active"],
        seasonal=groups["seasonal"],
        dormant=groups["dormant"],
        members=groups["members"],
        camps=camps["camps"],
        volunteers=camps["volunteers"],
        beneficiaries=camps["beneficiaries"],
        distributions=distributions["distributions"],
        packages=distributions["packages"],
        households=distributions["households"],
        service_points=ServicePoint.objects.count(),
    )


# --- the quarterly guide ----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldWorkOfSpan:
    camps: int  # approved camps that began in the span
    camp_groups: int  # distinct groups that ran them
    volunteers: int
    beneficiaries: int
    camps_by_province: list[tuple[Province, int]]  # the ``limit`` provinces with most camps
    camps_by_field: list[tuple[ActivityField, int]]  # the ``limit`` fields with most camps
    distributions: int
    packages: int
    households: int
    packages_by_kind: list[tuple[str, int]]  # (package kind, packages), the most first
    packages_by_campaign: list[tuple[Campaign, int, int]]  # (campaign, packages, households)


def field_work_of_span(
    *, starts_on: datetime.date, ends_on: datetime.date, limit: int = 10
) -> FieldWorkOfSpan:
    """Volunteer camps (approved, by their first day) and aid distributions from one date to
    another, both included, for the quarterly guide: counted and summed by the database, the
    breakdowns cut at ``limit``. Nine queries, whatever the number."""
    camps = Camp.objects.filter(
        status=CampStatus.APPROVED, starts_on__gte=starts_on, starts_on__lte=ends_on
    ).order_by()
    camp_totals = camps.aggregate(
        camps=Count("pk"),
        groups=Count("group_id", distinct=True),
        volunteers=Coalesce(Sum("volunteers"), 0),
        beneficiaries=Coalesce(Sum("beneficiaries"), 0),
    )
    province_rows = list(
        camps.values("province_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "province_id")[:limit]
    )
    provinces = Province.objects.in_bulk([row["province_id"] for row in province_rows])
    field_rows = list(
        camps.values("field_id").annotate(count=Count("pk")).order_by("-count", "field_id")[:limit]
    )
    fields = ActivityField.objects.in_bulk([row["field_id"] for row in field_rows])
    distributions = Distribution.objects.filter(
        distributed_on__gte=starts_on, distributed_on__lte=ends_on
    ).order_by()
    distribution_totals = distributions.aggregate(
        distributions=Count("pk"),
        packages=Coalesce(Sum("quantity"), 0),
        households=Coalesce(Sum("households"), 0),
    )
    packages_by_kind = sorted(
        (
            (row["package_kind"], row["packages"])
            for row in distributions.values("package_kind").annotate(packages=Sum("quantity"))
        ),
        key=lambda pair: (-pair[1], pair[0]),
    )
    campaign_rows = list(
        distributions.values("campaign_id")
        .annotate(packages=Sum("quantity"), households=Sum("households"))
        .order_by("-packages", "campaign_id")[:limit]
    )
    campaigns = Campaign.objects.select_related("organizer").in_bulk(
        [row["campaign_id"] for row in campaign_rows]
    )
    return FieldWorkOfSpan(
        camps=camp_totals["camps"],
        camp_groups=camp_totals["groups"],
        volunteers=camp_totals["volunteers"],
        beneficiaries=camp_totals["beneficiaries"],
        camps_by_province=[(provinces[row["province_id"]], row["count"]) for row in province_rows],
        camps_by_field=[(fields[row["field_id"]], row["count"]) for row in field_rows],
        distributions=distribution_totals["distributions"],
        packages=distribution_totals["packages"],
        households=distribution_totals["households"],
        packages_by_kind=packages_by_kind,
        packages_by_campaign=[
            (campaigns[row["campaign_id"]], row["packages"], row["households"])
            for row in campaign_rows
        ],
    )


# --- figures for reports


@dataclass(frozen=True)
class FieldWorkFigures:
    """Camps and distributions of a span; groups come from ``fieldops_totals``."""

    camps: int  # approved camps whose first day is in the span
    volunteers: int
    beneficiaries: int
    distributions: int  # distributions made in the span
    packages: int
    households: int
    packages_by_province: list[tuple[int, int]]  # (province id, packages), the most first


def field_work_figures(*, start=None, end=None) -> FieldWorkFigures:
    """Approved camps and aid distributions from ``start`` (a date, included) to ``end``
    (excluded), summed by the database: three queries, whatever their number. Without
    either date the totals equal ``fieldops_totals``'s."""
    from hamafza.core.periods import span_q

    camps = Camp.objects.filter(
        span_q("starts_on", start, end), status=CampStatus.APPROVED
    ).aggregate(
        camps=Count("pk"),
        volunteers=Coalesce(Sum("volunteers"), 0),
        beneficiaries=Coalesce(Sum("beneficiaries"), 0),
    )
    distributions = Distribution.objects.filter(span_q("distributed_on", start, end)).order_by()
    totals = distributions.aggregate(
        distributions=Count("pk"),
        packages=Coalesce(Sum("quantity"), 0),
        households=Coalesce(Sum("households"), 0),
    )
    by_province = sorted(
        distributions.values_list("province_id").annotate(n=Sum("quantity")),
        key=lambda row: (-row[1], row[0]),
    )
    return FieldWorkFigures(**camps, **totals, packages_by_province=list(by_province))


def field_work_per_span(*, spans) -> list[tuple[int, int]]:
    """(approved camps begun, packages distributed) in each span: two queries."""
    from hamafza.core.periods import per_span

    camps = per_span(
        Camp.objects.filter(status=CampStatus.APPROVED), field="starts_on", spans=spans
    )
    packages = per_span(
        Distribution.objects.all(), field="distributed_on", spans=spans, total="quantity"
    )
    return list(zip(camps, packages, strict=True))
