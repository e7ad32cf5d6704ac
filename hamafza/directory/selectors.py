"""Reads of the directory, shared by pages, the API and reports.

Every list here costs a fixed number of queries, whatever the number of rows.
"""

import time
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from hamafza.core.models import Country, Language, Province
from hamafza.core.params import id_param
from hamafza.core.preferences import language_base
from hamafza.core.search import index_order, prefix_q, search_filter
from hamafza.core.selectors import places_index
from hamafza.core.text import normalize
from hamafza.core.versions import version_get
from hamafza.directory.models import (
    ROLE_RANK,
    ActivityField,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationRelation,
    Person,
)
from hamafza.directory.services import FACETS_CACHE_VERSION_KEY

FACETS_TIMEOUT = 300


@dataclass(frozen=True)
class DirectoryFilters:
    """What a visitor can narrow the directory by. Codes, not ids, so URLs read well."""

    q: str = ""
    kind: str = ""
    country: str = ""
    province: str = ""
    language: str = ""
    field: str = ""
    active: bool | None = None
    parent: int | None = None


ACTIVE_VALUES = {"1": True, "true": True, "0": False, "false": False}


def filters_from_query(params) -> DirectoryFilters:
    """Filters from a query string. Unknown or malformed values are ignored, never an error."""
    kind = params.get("kind", "")
    parent = params.get("parent", "")
    return DirectoryFilters(
        q=params.get("q", "")[:200],
        kind=kind if kind in OrganizationKind.values else "",
        country=params.get("country", "")[:2],
        province=params.get("province", "")[:10],
        language=params.get("language", "")[:7],
        field=params.get("field", "")[:50],
        active=ACTIVE_VALUES.get(params.get("active", "").lower()),
        parent=id_param(parent),
    )


def organization_list(*, filters: DirectoryFilters | None = None) -> QuerySet[Organization]:
    filters = filters or DirectoryFilters()
    queryset = Organization.objects.select_related("country", "province", "city").prefetch_related(
        "languages"
    )
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.country:
        queryset = queryset.filter(country__code=filters.country.upper())
    if filters.province:
        queryset = queryset.filter(province__code=filters.province.upper())
    if filters.language:
        queryset = queryset.filter(languages__code=filters.language)
    if filters.field:
        queryset = queryset.filter(fields__code=filters.field)
    if filters.active is not None:
        queryset = queryset.filter(is_active=filters.active)
    if filters.parent is not None:
        queryset = queryset.filter(parent_id=filters.parent)
    if filters.q:
        # Names that begin with the query come first, then the other matches, each in the
        # order of the normalized name (organization_page reads it from the index).
        starts = Case(
            When(_name_begins(filters.q, using=queryset.db), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return search_filter(queryset, filters.q).order_by(starts, "name_key", "id")
    return queryset.order_by("name", "id")


def _name_begins(q: str, *, using: str) -> Q:
    return prefix_q("name_key", normalize(q), using=using)


def organization_export_rows(*, filters: DirectoryFilters | None = None) -> QuerySet[Organization]:
    """The directory's rows as its export writes them: the list's filters and order, with the
    parent and the fields of activity (read per chunk of rows, not per row)."""
    return organization_list(filters=filters).select_related("parent").prefetch_related("fields")


COUNT_CAP = 1000
ROW_FIELDS = (
    "id", "name", "names", "kind", "is_active", "last_active_on", "country_id", "province_id",
    "city_id",
)  # fmt: skip


@dataclass(frozen=True)
class DirectoryRow:
    """What a directory list shows of an organization, without a model instance."""

    pk: int
    name: str
    names: dict
    kind: str
    is_active: bool
    last_active_on: object
    country: Country
    province: Province | None
    city: object
    languages: list[Language]

    def display_name(self, language: str | None = None) -> str:
        language = language_base(language)
        return self.names.get(language) or self.name


def directory_rows(values: list[dict]) -> list[DirectoryRow]:
    """Rows from ``values(*ROW_FIELDS)``: their languages in one query, places from memory."""
    places = places_index()
    ids = [row["id"] for row in values]
    languages: dict[int, list[Language]] = {}
    links = Organization.languages.through.objects.filter(organization_id__in=ids)
    for organization_id, language_id in links.values_list("organization_id", "language_id"):
        languages.setdefault(organization_id, []).append(places.languages[language_id])
    rows = []
    for row in values:
        pk = row["id"]
        rows.append(
            DirectoryRow(
                pk=pk,
                name=row["name"],
                names=row["names"] or {},
                kind=row["kind"],
                is_active=row["is_active"],
                last_active_on=row["last_active_on"],
                country=places.countries[row["country_id"]],
                province=places.provinces.get(row["province_id"]),
                city=places.cities.get(row["city_id"]),
                languages=sorted(languages.get(pk, []), key=lambda language: language.code),
            )
        )
    return rows


@dataclass(frozen=True)
class DirectoryPage:
    """One page of the directory: its rows and enough to draw the pager.

    ``count`` is exact up to ``COUNT_CAP``; past it, ``count_capped`` is set
    and the page shows "more than 1,000". Counting every match of a broad
    search costs as much as reading them all, and nobody pages that far.
    """

    rows: list[DirectoryRow]
    number: int
    size: int
    count: int
    count_capped: bool
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        if self.count_capped:
            return None
        return max(1, -(-self.count // self.size))


def _filters_empty(filters: DirectoryFilters) -> bool:
    return filters == DirectoryFilters()


def organization_page(
    *, filters: DirectoryFilters, number: int | str | None = 1, size: int = 24
) -> DirectoryPage:
    """A page of the directory in three queries at most, fast at any size.

    The count (capped; unfiltered, from the cached facets), the page's rows
    from the organization table alone in the (name, id) index's order, and
    their languages. Countries, provinces and cities come from memory.
    """
    queryset = organization_list(filters=filters).select_related(None).prefetch_related(None)
    if _filters_empty(filters):
        count, capped = organization_total(), False
    else:
        count = queryset.order_by()[: COUNT_CAP + 1].count()
        capped = count > COUNT_CAP
        count = min(count, COUNT_CAP)
    try:
        number = max(1, int(number or 1))
    except (TypeError, ValueError):
        number = 1
    # Past the cap there is one more page at most: the 1,001st match.
    last = max(1, -(-count // size)) + (1 if capped else 0)
    number = min(number, last)
    offset = (number - 1) * size
    values = _search_first(filters, stop=offset + size + 1) if capped and filters.q else None
    if values is None:
        values = list(queryset.values(*ROW_FIELDS)[offset : offset + size + 1])
    else:
        values = values[offset:]
    has_next = len(values) > size
    return DirectoryPage(
        rows=directory_rows(values[:size]),
        number=number,
        size=size,
        count=count,
        count_capped=capped,
        has_next=has_next,
    )


def _search_first(filters: DirectoryFilters, *, stop: int) -> list[dict] | None:
    """The first ``stop`` rows of a broad search (more than ``COUNT_CAP`` matches) in
    ``organization_list``'s order, read without sorting every match; None where the
    database cannot.

    A broad word ("هیئت") matches a quarter of the directory, and sorting its matches
    means reading them all from the table (about 25 ms at 100,000 organizations on
    PostgreSQL). The name_key index holds the search key too on PostgreSQL
    (``directory_org_name_key_search``), so the first matches in its order are found by
    reading the index alone, within a few thousand entries for a broad search:

    1. the names that begin with the query: a range of the index;
    2. the other matches, in index order;
    3. their rows, by primary key.

    The first two are asked with sorting switched off (``index_order``): PostgreSQL
    misjudges how many rows several words match (it multiplies their shares) and would
    sort thousands of rows. The count has shown there are more than ``COUNT_CAP``, so
    the walk is short unless they all lie at the end of the index (a walk of the whole
    index reads 100,000 entries in about 45 ms).

    A search with fewer matches is sorted whole (organization_list's order keeps the
    database from walking the index for it): few matches sort quickly, and a walk
    might read the whole index to find them. SQLite's search index is a table apart
    (FTS5), so there the matches are sorted too.
    """
    listed = organization_list(filters=replace(filters, q=""))
    if not connections[listed.db].features.supports_covering_indexes:
        return None
    listed = listed.select_related(None).prefetch_related(None).order_by("name_key", "id")
    matches = search_filter(listed, filters.q)
    begins = _name_begins(filters.q, using=listed.db)
    with transaction.atomic(using=listed.db), index_order(using=listed.db):
        ids = list(matches.filter(begins).values_list("id", flat=True)[:stop])
        if len(ids) < stop:
            ids += matches.exclude(begins).values_list("id", flat=True)[: stop - len(ids)]
    rows = {row["id"]: row for row in listed.filter(pk__in=ids).values(*ROW_FIELDS)}
    return [rows[pk] for pk in ids if pk in rows]  # one deleted meanwhile is left out


def organization_suggestions(*, q: str, limit: int = 10) -> list[DirectoryRow]:
    """A few organizations matching ``q``, for choosing one by name."""
    if not q.strip():
        return []
    queryset = organization_list(filters=DirectoryFilters(q=q[:200]))
    return directory_rows(list(queryset.values(*ROW_FIELDS)[:limit]))


def organization_total() -> int:
    """How many organizations there are, from the cached per-kind counts."""
    return sum(option.count or 0 for option in directory_facets()["kind"])


def organization_detail_queryset() -> QuerySet[Organization]:
    public_members = Membership.objects.filter(is_public=True).select_related("person")
    return Organization.objects.select_related(
        "country", "province", "city", "parent"
    ).prefetch_related(
        "languages",
        "fields",
        Prefetch("memberships", queryset=public_members, to_attr="public_memberships"),
        Prefetch(
            "relations_out",
            queryset=OrganizationRelation.objects.select_related("target__country"),
        ),
        Prefetch(
            "relations_in",
            queryset=OrganizationRelation.objects.select_related("source__country"),
        ),
        Prefetch(
            "children",
            queryset=Organization.objects.select_related("country").order_by("name"),
        ),
    )


def organization_get(*, pk: int) -> Organization:
    return organization_detail_queryset().get(pk=pk)


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=organization).select_related("person__user")


def person_list(*, q: str = "") -> QuerySet[Person]:
    queryset = Person.objects.all()
    if q:
        queryset = search_filter(queryset, q)
    return queryset.order_by("name", "id")


def facets_forget_local() -> None:
    """Drop this process's copies of the facets (tests)."""
    _facets_local.clear()


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int | None = None


class Facets(dict):
    """The filter options by filter name; ``key`` names this exact set (for memos)."""

    key: str = ""


_facets_local: dict[str, tuple[float, Facets]] = {}


def directory_facets(*, country: str = "") -> Facets:
    """The choices for the directory's filters, limited to values in use.

    Counting over every organization is the costly part of a directory page,
    so the result is cached per language until an organization changes
    (``facets_invalidate``) or five minutes pass: in the shared cache, so that
    one process computes it for all, and in this process, so that a request
    does not even unpickle it.
    """
    language = language_base()
    key = f"directory:facets:{version_get(FACETS_CACHE_VERSION_KEY)}:{language}:{country.upper()}"
    now = time.monotonic()
    local = _facets_local.get(key)
    if local is not None and now - local[0] < FACETS_TIMEOUT:
        return local[1]
    facets = cache.get(key)
    if facets is None:
        facets = _facets_compute(language=language, country=country)
        cache.set(key, facets, FACETS_TIMEOUT)
    facets.key = key
    if len(_facets_local) > 200:
        _facets_local.clear()
    _facets_local[key] = (now, facets)
    return facets


def _facets_compute(*, language: str, country: str) -> Facets:
    kind_counts = dict(Organization.objects.values_list("kind").annotate(n=Count("id")).order_by())
    countries = Country.objects.annotate(n=Count("organizations")).filter(n__gt=0)
    provinces = Province.objects.annotate(n=Count("organizations")).filter(n__gt=0)
    if country:
        provinces = provinces.filter(country__code=country.upper())
    languages = Language.objects.annotate(n=Count("organizations")).filter(n__gt=0)
    fields = ActivityField.objects.annotate(n=Count("organizations")).filter(n__gt=0)

    def options(rows, value) -> list[Option]:
        items = [Option(getattr(row, value), row.display_name(language), row.n) for row in rows]
        return sorted(items, key=lambda option: option.label)

    facets = Facets(
        kind=[
            Option(value, str(label), kind_counts[value])
            for value, label in OrganizationKind.choices
            if value in kind_counts
        ],
        country=options(countries, "code"),
        province=options(provinces, "code"),
        language=options(languages, "code"),
        field=options(fields, "code"),
    )
    return facets


def network_counts() -> dict[str, int]:
    """Headline figures of the directory, computed from data."""
    row = Organization.objects.aggregate(
        organizations=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
        countries=Count("country", distinct=True),
    )
    return row


def organization_staff_users(*, organization_id: int, minimum: str) -> list:
    """The active users holding at least the role ``minimum`` in the organization."""
    from django.contrib.auth import get_user_model

    ranks = [role for role, rank in ROLE_RANK.items() if rank >= ROLE_RANK[minimum]]
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            person__memberships__organization_id=organization_id,
            person__memberships__role__in=ranks,
        )
        .distinct()
        .order_by("pk")
    )


# --- the quarterly guide ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationsRegistered:
    total: int
    by_kind: list[tuple[str, int]]  # (kind, count), the most first
    by_country: list[tuple[Country, int]]  # the ``limit`` countries with most
    latest: list[Organization]  # the ``limit`` latest, with country and province
    network_total: int  # every organization registered before ``end``


def organizations_registered(*, start, end, limit: int = 10) -> OrganizationsRegistered:
    """Organizations registered in [start, end) (two aware datetimes), for the quarterly
    guide: counted by the database, the longest lists cut at ``limit``. Five queries,
    whatever the number of organizations."""
    queryset = Organization.objects.filter(created_at__gte=start, created_at__lt=end)
    by_kind = sorted(
        (
            (row["kind"], row["count"])
            for row in queryset.order_by().values("kind").annotate(count=Count("id"))
        ),
        key=lambda pair: (-pair[1], pair[0]),
    )
    country_rows = list(
        queryset.order_by()
        .values("country_id")
        .annotate(count=Count("id"))
        .order_by("-count", "country_id")[:limit]
    )
    countries = Country.objects.in_bulk([row["country_id"] for row in country_rows])
    latest = list(
        queryset.select_related("country", "province")
        .only("id", "name", "names", "kind", "created_at", "country", "province")
        .order_by("-created_at", "-id")[:limit]
    )
    return OrganizationsRegistered(
        total=sum(count for _kind, count in by_kind),
        by_kind=by_kind,
        by_country=[(countries[row["country_id"]], row["count"]) for row in country_rows],
        latest=latest,
        network_total=Organization.objects.filter(created_at__lt=end).count(),
    )


# --- figures for reports


@dataclass(frozen=True)
class OrganizationFigures:
    """The directory's figures for a span; see ``organization_figures``."""

    total: int  # registered before the span's end (all, without an end)
    active: int  # of those, marked active now
    heyats: int  # of those, hey'ats
    countries: int  # countries they are in
    new: int  # registered within the span
    by_kind: list[tuple[str, int]]  # (kind, count), the most first
    by_country: list[tuple[int, int]]  # (country id, count), the most first
    by_province: list[tuple[int, int]]  # (province id, count), the most first


def organization_figures(*, start=None, end=None) -> OrganizationFigures:
    """Organizations counted by the database: four queries, whatever their number.

    A count of organizations is a stock: it counts those registered before
    ``end`` (a date, excluded), and ``new`` those registered from ``start``
    (included) to ``end``. Kind, place and the active mark are as they are
    now: the directory keeps no history of them.
    """
    from hamafza.core.periods import span_q

    registered = Organization.objects.filter(span_q("created_at", None, end, at=True)).order_by()
    totals = registered.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
        heyats=Count("id", filter=Q(kind=OrganizationKind.HEYAT)),
        countries=Count("country", distinct=True),
        new=Count("id", filter=span_q("created_at", start, end, at=True)),
    )

    def grouped(field: str) -> list[tuple]:
        rows = registered.filter(**{f"{field}__isnull": False}).values_list(field)
        return sorted(rows.annotate(n=Count("id")), key=lambda row: (-row[1], row[0]))

    return OrganizationFigures(
        **totals,
        by_kind=grouped("kind"),
        by_country=grouped("country_id"),
        by_province=grouped("province_id"),
    )


def organizations_new_per_span(*, spans) -> list[int]:
    """How many organizations were registered in each span (``core.periods``): one query."""
    from hamafza.core.periods import per_span

    return per_span(Organization.objects.all(), field="created_at", spans=spans, at=True)
