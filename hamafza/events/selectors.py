"""Reads of occasions, events and occurrences, shared by pages, feeds, the API and reports.

Calendars and lists read ``Occurrence`` rows by date through one index and
join the event's few display columns; the number of queries a page makes
does not grow with the number of events.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.db import connections
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from hamafza.core.search import search_filter
from hamafza.events.models import (
    Event,
    EventSeries,
    EventStatus,
    Occasion,
    OccasionDate,
    Occurrence,
)

# What a calendar cell or a list row shows of an event.
OCCURRENCE_EVENT_FIELDS = (
    "event__id",
    "event__name",
    "event__names",
    "event__kind",
    "event__status",
    "event__venue",
    "event__online",
    "event__all_day",
    "event__time_zone",
    "event__organizer_id",
    "event__city_id",
    "event__country_id",
    "event__language_id",
    "event__occasion_id",
    "event__broadcast_id",
)


@dataclass(frozen=True)
class OccurrenceFilters:
    organizer_id: int | None = None
    country_code: str = ""
    language_code: str = ""
    kind: str = ""
    q: str = ""
    include_cancelled: bool = True


def _filtered(queryset: QuerySet[Occurrence], filters: OccurrenceFilters) -> QuerySet[Occurrence]:
    if filters.organizer_id:
        queryset = queryset.filter(organizer_id=filters.organizer_id)
    if filters.country_code:
        queryset = queryset.filter(country__code=filters.country_code.upper())
    if filters.language_code:
        queryset = queryset.filter(language__code=filters.language_code)
    if filters.kind:
        queryset = queryset.filter(event__kind=filters.kind)
    if not filters.include_cancelled:
        queryset = queryset.filter(cancelled=False)
    if filters.q:
        queryset = queryset.filter(event_id__in=search_filter(Event.objects.all(), filters.q))
    return queryset


# An occurrence of at most a day (most of them) is found by its start alone; the few that
# last longer are read through their own index on the end (``multi_day``).
SHORT_SPAN = datetime.timedelta(days=1)
# At most this many events longer than a day are placed on one calendar month.
LONG_LIMIT = 500
OCCURRENCE_FIELDS = (
    "key",
    "starts_at",
    "ends_at",
    "sequence",
    "cancelled",
    "organizer_id",
    "country_id",
    "language_id",
    "multi_day",
    *OCCURRENCE_EVENT_FIELDS,
)


def _overlapping_q(start: datetime.datetime, end: datetime.datetime) -> Q:
    """Occurrences overlapping [start, end): a bounded range of the start index for the short
    ones, the end index for the long ones."""
    short = Q(
        multi_day=False, starts_at__gte=start - SHORT_SPAN, starts_at__lt=end, ends_at__gt=start
    )
    long = Q(multi_day=True, ends_at__gt=start, starts_at__lt=end)
    return short | long


def _with_event(queryset: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    return queryset.select_related("event").only(*OCCURRENCE_FIELDS)


def occurrences_between(
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    filters: OccurrenceFilters | None = None,
) -> QuerySet[Occurrence]:
    """Occurrences that overlap [start, end), earliest first, with their event's display
    columns (one query)."""
    queryset = _with_event(Occurrence.objects.filter(_overlapping_q(start, end))).order_by(
        "starts_at", "id"
    )
    return _filtered(queryset, filters or OccurrenceFilters())


@dataclass
class DayOccurrences:
    """A calendar day's first occurrences, and whether more start that day."""

    shown: list[Occurrence]
    more: bool


# Stand-ins for a day's bounds while the per-day query is compiled once (see below).
_BEGIN_MARK = datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC)
_END_MARK = datetime.datetime(1901, 1, 2, tzinfo=datetime.UTC)


def _first_ids_per_day(spans, *, per_day: int, filters: OccurrenceFilters) -> list[tuple]:
    """[(day index, occurrence id)]: for each span the first ``per_day`` occurrences of a day or
    less starting in it. One statement: the ORM compiles the filtered, ordered, limited read
    once, and each span's copy (a short range of the start index) is joined by UNION ALL."""
    ids = (
        _filtered(
            Occurrence.objects.filter(
                multi_day=False, starts_at__gte=_BEGIN_MARK, starts_at__lt=_END_MARK
            ),
            filters,
        )
        .order_by("starts_at", "id")
        .values_list("id", flat=True)[:per_day]
    )
    connection = connections[ids.db]
    sql, params = ids.query.get_compiler(using=ids.db).as_sql()
    adapt = connection.ops.adapt_datetimefield_value
    begin_mark, end_mark = adapt(_BEGIN_MARK), adapt(_END_MARK)
    parts, values = [], []
    for index, (_date, begins, ends) in enumerate(spans):
        parts.append(f"SELECT {index} AS day_index, day_{index}.id FROM ({sql}) day_{index}")
        bounds = {begin_mark: adapt(begins), end_mark: adapt(ends)}
        values += [
            bounds.get(value, value) if isinstance(value, str | datetime.datetime) else value
            for value in params
        ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), values)
        return cursor.fetchall()


def occurrences_by_day(
    days: list[tuple[datetime.date, datetime.datetime, datetime.datetime]],
    *,
    per_day: int,
    filters: OccurrenceFilters | None = None,
) -> tuple[dict[datetime.date, DayOccurrences], list[Occurrence]]:
    """For a calendar: for each (day, its first instant, the next day's) the first
    ``per_day`` occurrences of a day or less starting then, and whether more do; and the
    occurrences longer than a day that overlap the whole range. Three queries, whatever the
    number of events or days: the ids (one short index range per day), their rows, the long
    ones."""
    filters = filters or OccurrenceFilters()
    if not days:
        return {}, []
    ranked = _first_ids_per_day(days, per_day=per_day + 1, filters=filters)
    picked: dict[int, list[int]] = {}
    for index, pk in ranked:
        picked.setdefault(index, []).append(pk)
    wanted = [pk for pks in picked.values() for pk in pks[:per_day]]
    rows = {row.pk: row for row in _with_event(Occurrence.objects.filter(pk__in=wanted))}
    found: dict[datetime.date, DayOccurrences] = {}
    for index, pks in picked.items():
        shown = sorted(
            (rows[pk] for pk in pks[:per_day] if pk in rows),
            key=lambda row: (row.starts_at, row.pk),
        )
        found[days[index][0]] = DayOccurrences(shown=shown, more=len(pks) > per_day)
    return found, _long_overlapping(days[0][1], days[-1][2], filters=filters)


def _long_overlapping(start, end, *, filters: OccurrenceFilters, limit: int | None = None):
    """Occurrences longer than a day overlapping [start, end), read by their end (a partial
    index), soonest-ending first, then ordered by start."""
    queryset = _filtered(
        _with_event(
            Occurrence.objects.filter(multi_day=True, ends_at__gt=start, starts_at__lt=end)
        ),
        filters,
    ).order_by("ends_at", "id")
    rows = list(queryset[:limit] if limit else queryset[:LONG_LIMIT])
    return sorted(rows, key=lambda row: (row.starts_at, row.pk))


def occasion_dates_between(
    start: datetime.date, end: datetime.date, *, region: str
) -> QuerySet[OccasionDate]:
    """Occasion dates of ``region`` that overlap the days [start, end] (one query)."""
    return (
        OccasionDate.objects.filter(
            region=region, starts_on__lte=end, ends_on__gte=start, occasion__is_active=True
        )
        .select_related("occasion")
        .order_by("starts_on", "occasion__month", "occasion__day", "occasion_id")
    )


def occasions_upcoming(
    *, region: str, today: datetime.date | None = None, limit: int = 8
) -> QuerySet[OccasionDate]:
    today = today or timezone.localdate()
    return (
        OccasionDate.objects.filter(region=region, ends_on__gte=today, occasion__is_active=True)
        .select_related("occasion")
        .order_by("starts_on", "occasion_id")[:limit]
    )


# About 111 km to a degree of latitude.
KM_PER_DEGREE = 111.0


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    km: float = 100.0

    def box(self) -> tuple[float, float, float, float]:
        lat_span = self.km / KM_PER_DEGREE
        cosine = max(math.cos(math.radians(self.latitude)), 0.01)
        lon_span = self.km / (KM_PER_DEGREE * cosine)
        return (
            self.latitude - lat_span,
            self.latitude + lat_span,
            self.longitude - lon_span,
            self.longitude + lon_span,
        )


def occurrences_upcoming(
    *,
    now: datetime.datetime | None = None,
    filters: OccurrenceFilters | None = None,
    near: Near | None = None,
    days: int = 60,
    limit: int = 30,
) -> list[Occurrence]:
    """The next occurrences (not cancelled) from ``now``, optionally near a point."""
    now = now or timezone.now()
    filters = filters or OccurrenceFilters()
    end = now + datetime.timedelta(days=days)
    near_q = Q()
    if near is not None:
        south, north, west, east = near.box()
        near_q = Q(
            event__latitude__gte=south,
            event__latitude__lte=north,
            event__longitude__gte=west,
            event__longitude__lte=east,
        )
    # Two reads, each walking one index in order and stopping at ``limit``: the short
    # occurrences by start, the long ones by end; merged here.
    short = Occurrence.objects.filter(
        multi_day=False, starts_at__gte=now - SHORT_SPAN, starts_at__lt=end, ends_at__gt=now
    )
    short = _filtered(_with_event(short), filters).filter(near_q, cancelled=False)
    long = Occurrence.objects.filter(multi_day=True, ends_at__gt=now, starts_at__lt=end)
    long = _filtered(_with_event(long), filters).filter(near_q, cancelled=False)
    found = [
        *short.order_by("starts_at", "id")[:limit],
        *long.order_by("ends_at", "id")[:limit],
    ]
    return sorted(found, key=lambda row: (row.starts_at, row.pk))[:limit]


def event_detail_queryset() -> QuerySet[Event]:
    return Event.objects.select_related(
        "organizer",
        "language",
        "occasion",
        "series",
        "country",
        "province",
        "city",
        "broadcast",
        "broadcast__channel",
        "course",
    ).prefetch_related("partners", "countries")


def event_get(*, pk: int) -> Event:
    return event_detail_queryset().get(pk=pk)


def event_list(*, filters: OccurrenceFilters | None = None, status: str = "") -> QuerySet[Event]:
    """Events (not occurrences), newest first: the organizer's and the API's lists."""
    filters = filters or OccurrenceFilters()
    queryset = Event.objects.select_related("organizer", "language", "country").order_by(
        "-starts_at", "-id"
    )
    if filters.organizer_id:
        queryset = queryset.filter(organizer_id=filters.organizer_id)
    if filters.country_code:
        queryset = queryset.filter(country__code=filters.country_code.upper())
    if filters.language_code:
        queryset = queryset.filter(language__code=filters.language_code)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if status:
        queryset = queryset.filter(status=status)
    if filters.q:
        queryset = search_filter(queryset, filters.q)
    return queryset


def event_occurrences(event: Event, *, limit: int = 20) -> list[Occurrence]:
    """The event's next occurrences (or its last ones when none is ahead)."""
    now = timezone.now()
    ahead = list(event.occurrences.filter(ends_at__gte=now).order_by("starts_at")[:limit])
    if ahead:
        return ahead
    return list(event.occurrences.order_by("-starts_at")[:limit])[::-1]


def series_get(*, pk: int) -> EventSeries:
    return EventSeries.objects.select_related("organizer").get(pk=pk)


def series_editions(series: EventSeries) -> QuerySet[Event]:
    return series.editions.select_related("organizer", "city", "country").order_by("edition")


def series_open_outcomes(series: EventSeries, *, before_edition: int | None = None):
    """Recommendations of the series' editions (before ``before_edition``) still open,
    grouped by edition: [(edition event, [follow-ups])]. Two queries."""
    from hamafza.followups.models import OPEN_STATUSES
    from hamafza.followups.selectors import followups_of_many

    editions = series_editions(series)
    if before_edition is not None:
        editions = editions.filter(edition__lt=before_edition)
    editions = list(editions)
    items = followups_of_many(editions)
    grouped = []
    for edition in editions:
        open_items = [item for item in items.get(edition.pk, []) if item.status in OPEN_STATUSES]
        if open_items:
            grouped.append((edition, open_items))
    return grouped


def occasion_list(*, q: str = "", active_only: bool = True) -> QuerySet[Occasion]:
    queryset = Occasion.objects.all()
    if active_only:
        queryset = queryset.filter(is_active=True)
    if q:
        queryset = search_filter(queryset, q)
    return queryset.order_by("month", "day", "id")


def occasion_dates_of(occasion: Occasion, *, region: str) -> QuerySet[OccasionDate]:
    return occasion.dates.filter(region=region).order_by("hijri_year")


def events_of_occasion(occasion: Occasion) -> QuerySet[Event]:
    return event_list().filter(occasion=occasion)


def events_of_organization(organization_id: int) -> QuerySet[Event]:
    return event_list(filters=OccurrenceFilters(organizer_id=organization_id))


def events_with_courses() -> QuerySet[Event]:
    return (
        event_detail_queryset()
        .filter(course__isnull=False)
        .exclude(status=EventStatus.CANCELLED)
        .prefetch_related(Prefetch("course__sessions"))
        .order_by("-starts_at")
    )


# --- the quarterly guide ----------------------------------------------------------------------


@dataclass(frozen=True)
class EventsHeld:
    occurrences: int  # times events were held (a weekly gathering counts each week)
    events: int  # distinct events held
    by_kind: list[tuple[str, int]]  # (kind, times held), the most first
    notable: list[Event]  # conferences, congresses, expert sessions and courses held


def events_held(*, start, end, kinds, limit: int = 10) -> EventsHeld:
    """Events held in [start, end) (two aware datetimes), from their occurrences, for the
    quarterly guide: counted by the database; ``notable`` lists at most ``limit`` events of
    ``kinds``, the earliest first. Three queries, whatever the number."""
    from django.db.models import Count, Exists, Min, OuterRef

    held = Occurrence.objects.filter(
        starts_at__gte=start, starts_at__lt=end, cancelled=False
    ).order_by()
    totals = held.aggregate(occurrences=Count("pk"), events=Count("event_id", distinct=True))
    by_kind = sorted(
        (
            (row["event__kind"], row["count"])
            for row in held.values("event__kind").annotate(count=Count("pk"))
        ),
        key=lambda pair: (-pair[1], pair[0]),
    )
    in_span = held.filter(event_id=OuterRef("pk"))
    notable = list(
        Event.objects.filter(Exists(in_span), kind__in=list(kinds), status=EventStatus.SCHEDULED)
        .select_related("organizer", "country", "city")
        .annotate(
            held_at=Min(
                "occurrences__starts_at",
                filter=Q(
                    occurrences__starts_at__gte=start,
                    occurrences__starts_at__lt=end,
                    occurrences__cancelled=False,
                ),
            )
        )
        .order_by("held_at", "id")[:limit]
    )
    return EventsHeld(
        occurrences=totals["occurrences"],
        events=totals["events"],
        by_kind=by_kind,
        notable=notable,
    )


# --- figures for reports


@dataclass(frozen=True)
class EventFigures:
    """The events' figures for a span; see ``event_figures``."""

    events: int  # events (not cancelled) that began in the span
    outcome_events: int  # of those, conferences, congresses, meetings and expert sessions
    by_kind: list[tuple[str, int]]  # (kind, events), the most first
    by_country: list[tuple[int, int]]  # (country id, events), the most first; online ones apart
    recommendations: dict[str, int]  # their numbered outcomes by status (followups)


def _events_begun(*, start, end, organization_id: int | None) -> QuerySet[Event]:
    from hamafza.core.periods import span_q

    queryset = (
        Event.objects.exclude(status=EventStatus.CANCELLED)
        .filter(span_q("starts_at", start, end, at=True))
        .order_by()
    )
    if organization_id is not None:
        queryset = queryset.filter(organizer_id=organization_id)
    return queryset


def event_figures(*, start=None, end=None, organization_id: int | None = None) -> EventFigures:
    """Events counted by the database, with the status of the recommendations and decisions
    they produced (follow-ups): four queries, whatever their number.

    An event counts once, in the span of its first day (``starts_at``): a weekly
    gathering is one event, not one per week (the quarterly guide counts
    occurrences instead). ``organization_id`` narrows to one organizer.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from hamafza.events.models import OUTCOME_KINDS
    from hamafza.followups.selectors import followup_status_figures

    begun = _events_begun(start=start, end=end, organization_id=organization_id)
    totals = begun.aggregate(
        events=Count("pk"), outcome_events=Count("pk", filter=Q(kind__in=list(OUTCOME_KINDS)))
    )
    by_kind = sorted(
        begun.values_list("kind").annotate(n=Count("pk")), key=lambda row: (-row[1], row[0])
    )
    by_country = sorted(
        begun.filter(country__isnull=False).values_list("country_id").annotate(n=Count("pk")),
        key=lambda row: (-row[1], row[0]),
    )
    recommendations = followup_status_figures(
        source_type=ContentType.objects.get_for_model(Event),
        source_ids=begun.filter(kind__in=list(OUTCOME_KINDS)).values("pk"),
    )
    return EventFigures(
        **totals,
        by_kind=list(by_kind),
        by_country=list(by_country),
        recommendations=recommendations,
    )


def events_per_span(*, spans, organization_id: int | None = None) -> list[int]:
    """How many events (not cancelled) began in each span (``core.periods``): one query."""
    from hamafza.core.periods import per_span

    begun = _events_begun(start=None, end=None, organization_id=organization_id)
    return per_span(begun, field="starts_at", spans=spans, at=True)
