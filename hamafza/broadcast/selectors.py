"""Reads of broadcasting, shared by pages, the API and reports.

Every list here costs a fixed number of queries, whatever the number of
rows: rows come with their channel, organization, country and language in
one query; the filter choices are cached.

Who sees what: a members-only channel's broadcasts appear only to those who
may watch them (``policies.may_watch``); ``watchable`` is its query form.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from hamafza.core.paging import ListPage, capped_page
from hamafza.core.permissions import is_coordinator
from hamafza.core.search import search_filter, search_terms
from hamafza.core.selectors import places_index
from hamafza.directory.models import Organization, OrganizationKind, Role
from hamafza.directory.policies import organization_ids_with_role

from .models import (
    ArchiveStatus,
    Broadcast,
    BroadcastStatus,
    Channel,
    IngestEvent,
    StreamKey,
    ViewerPresence,
    Visibility,
    presence_window,
)

COUNT_CAP = 1000
FACETS_TIMEOUT = 300
INGEST_LOG_SIZE = 20
CHANNEL_LIST_SIZE = 20
KEY_LIST_SIZE = 50
# A scheduled broadcast stays "upcoming" this long after its start time, while its encoder connects.
UPCOMING_GRACE = datetime.timedelta(hours=1)
ENDED = (BroadcastStatus.ENDED, BroadcastStatus.ARCHIVED)
ARCHIVE_SHOWN = (ArchiveStatus.PENDING, ArchiveStatus.PROCESSING, ArchiveStatus.READY)


@dataclass(frozen=True)
class BroadcastFilters:
    """What a visitor narrows the broadcast lists by. Codes, not ids, so URLs read well."""

    q: str = ""
    country: str = ""
    language: str = ""
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def filters_from_query(params) -> BroadcastFilters:
    """Filters from a query string. Unknown or malformed values are ignored, never an error."""
    kind = params.get("kind", "")
    country = params.get("country", "").strip().upper()
    language = params.get("language", "").strip().lower()
    return BroadcastFilters(
        q=params.get("q", "").replace("\x00", "")[:200],
        country=country if len(country) == 2 and country.isascii() and country.isalpha() else "",
        language=language[:7] if language.replace("-", "").isalnum() else "",
        kind=kind if kind in OrganizationKind.values else "",
    )


def watchable(user) -> Q:
    """Broadcasts ``user`` may watch: public channels, and members-only ones of their organizations.

    The query form of ``policies.may_watch``; the user's roles are read once per request.
    """
    if is_coordinator(user):
        return Q()
    allowed = Q(channel__visibility=Visibility.PUBLIC)
    organizations = organization_ids_with_role(user, Role.VIEWER)
    if organizations:
        allowed |= Q(channel__organization_id__in=organizations)
    return allowed


def _rows() -> QuerySet[Broadcast]:
    return Broadcast.objects.select_related(
        "channel__organization__country", "channel__language", "language"
    )


def _filtered(queryset: QuerySet[Broadcast], filters: BroadcastFilters) -> QuerySet[Broadcast]:
    if filters.country:
        queryset = queryset.filter(channel__organization__country__code=filters.country)
    if filters.kind:
        queryset = queryset.filter(channel__organization__kind=filters.kind)
    if filters.language:
        # A broadcast without a language of its own speaks its channel's.
        queryset = queryset.filter(
            Q(language__code=filters.language)
            | Q(language__isnull=True, channel__language__code=filters.language)
        )
    if filters.q:
        queryset = broadcasts_searched(queryset, filters.q)
    if filters.date_from:
        queryset = queryset.filter(started_at__gte=day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(
            started_at__lt=day_start(filters.date_to + datetime.timedelta(days=1))
        )
    return queryset


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight starting ``day`` in the viewer's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def broadcasts_searched(queryset: QuerySet[Broadcast], q: str) -> QuerySet[Broadcast]:
    """Every word of ``q`` is in the broadcast (title, speaker, occasion) or its organization.

    So "رفیعی محبان" finds the talk by Rafiei at the Mohebban hey'at. Both
    sides are matched through their own search indexes (``search_filter``
    normalizes Persian and Arabic spellings).
    """
    for term in search_terms(q):
        own = search_filter(Broadcast.objects.all(), term).values("pk")
        organizations = search_filter(Organization.objects.all(), term).values("pk")
        queryset = queryset.filter(Q(pk__in=own) | Q(channel__organization_id__in=organizations))
    return queryset


def _page(queryset: QuerySet, number, size: int) -> ListPage:
    return capped_page(queryset, number, size, cap=COUNT_CAP)


def watching_now() -> Subquery:
    """How many viewers sent a heartbeat within the presence window, per broadcast row.

    Fresher than ``viewers_current`` (which a heartbeat writes, so it stays
    up when everyone has left), and served by the (broadcast, last_seen) index.
    """
    since = timezone.now() - presence_window()
    seen = (
        ViewerPresence.objects.filter(broadcast=OuterRef("pk"), last_seen__gte=since)
        .order_by()
        .values("broadcast")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(seen, output_field=IntegerField()), Value(0))


def live_list(*, filters: BroadcastFilters, user) -> QuerySet[Broadcast]:
    """Broadcasts live now across the network that ``user`` may watch, the most watched first."""
    return (
        _filtered(_rows().filter(status=BroadcastStatus.LIVE), filters)
        .filter(watchable(user))
        .annotate(watching=watching_now())
        .order_by("-watching", "-started_at", "-id")
    )


def live_page(*, filters: BroadcastFilters, user, number=1, size: int = 24) -> ListPage:
    return _page(live_list(filters=filters, user=user), number, size)


def upcoming_list(*, filters: BroadcastFilters, user) -> QuerySet[Broadcast]:
    """Scheduled broadcasts across the network that ``user`` may watch, the soonest first."""
    return (
        _filtered(_rows().filter(status=BroadcastStatus.SCHEDULED), filters)
        .filter(watchable(user), scheduled_start__gte=timezone.now() - UPCOMING_GRACE)
        .order_by("scheduled_start", "id")
    )


def upcoming_page(*, filters: BroadcastFilters, user, number=1, size: int = 24) -> ListPage:
    return _page(upcoming_list(filters=filters, user=user), number, size)


def archive_list(*, filters: BroadcastFilters, user) -> QuerySet[Broadcast]:
    """Ended broadcasts with a recording in the archive (ready or being prepared) that ``user``
    may watch, newest first."""
    return (
        _filtered(
            _rows()
            .select_related("archive")
            .filter(status__in=ENDED, archive__status__in=ARCHIVE_SHOWN),
            filters,
        )
        .filter(watchable(user))
        .order_by("-started_at", "-id")
    )


def archive_page(*, filters: BroadcastFilters, user, number=1, size: int = 20) -> ListPage:
    return _page(archive_list(filters=filters, user=user), number, size)


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass
class Facets:
    """Choices for the broadcast lists' filters: only values some channel uses."""

    country: list[Option] = field(default_factory=list)
    language: list[Option] = field(default_factory=list)
    kind: list[Option] = field(default_factory=list)


def broadcast_facets() -> Facets:
    """The filter choices, in the active language: two queries, cached for five minutes."""
    language = (get_language() or "fa").split("-")[0]
    key = f"broadcast:facets:{language}"
    facets = cache.get(key)
    if facets is None:
        facets = _facets_compute(language)
        cache.set(key, facets, FACETS_TIMEOUT)
    return facets


def _facets_compute(language: str) -> Facets:
    used = set(
        Channel.objects.values_list(
            "organization__kind", "organization__country_id", "language_id"
        ).distinct()
    )
    language_ids = {row[2] for row in used if row[2]}
    language_ids |= set(
        Broadcast.objects.filter(language__isnull=False)
        .order_by()
        .values_list("language_id", flat=True)
        .distinct()
    )
    places = places_index()
    kinds = {row[0] for row in used}

    def sort(options: list[Option]) -> list[Option]:
        return sorted(options, key=lambda option: option.label)

    countries = {places.countries[row[1]] for row in used if row[1] in places.countries}
    languages = [places.languages[pk] for pk in language_ids if pk in places.languages]
    return Facets(
        country=sort([Option(c.code, c.display_name(language)) for c in countries]),
        language=sort([Option(lang.code, lang.display_name(language)) for lang in languages]),
        kind=[
            Option(value, str(label)) for value, label in OrganizationKind.choices if value in kinds
        ],
    )


# --- one channel --------------------------------------------------------------------------


def channel_get(*, pk: int) -> Channel:
    return Channel.objects.select_related("organization__country", "language").get(pk=pk)


def channel_list(*, organization: Organization) -> QuerySet[Channel]:
    return Channel.objects.filter(organization=organization).order_by("name", "id")


@dataclass(frozen=True)
class ChannelBroadcasts:
    live: list[Broadcast]
    upcoming: list[Broadcast]
    archived: list[Broadcast]


def channel_broadcasts(*, channel: Channel, limit: int = CHANNEL_LIST_SIZE) -> ChannelBroadcasts:
    """A channel's live, scheduled and ended broadcasts: three queries."""
    base = Broadcast.objects.filter(channel=channel).select_related("language")
    live = list(base.filter(status=BroadcastStatus.LIVE).order_by("-started_at", "-id"))
    upcoming = list(
        base.filter(status=BroadcastStatus.SCHEDULED).order_by("scheduled_start", "id")[:limit]
    )
    archived = list(
        base.filter(status__in=ENDED)
        .select_related("archive")
        .order_by("-started_at", "-id")[:limit]
    )
    return ChannelBroadcasts(live=live, upcoming=upcoming, archived=archived)


def channel_now(*, channel: Channel) -> tuple[Broadcast | None, Broadcast | None]:
    """What a channel shows now: its live broadcast, else the next scheduled one."""
    rows = list(
        Broadcast.objects.filter(channel=channel)
        .filter(
            Q(status=BroadcastStatus.LIVE)
            | Q(
                status=BroadcastStatus.SCHEDULED,
                scheduled_start__gte=timezone.now() - UPCOMING_GRACE,
            )
        )
        .order_by("scheduled_start", "id")[:CHANNEL_LIST_SIZE]
    )
    live = next((b for b in rows if b.status == BroadcastStatus.LIVE), None)
    upcoming = next((b for b in rows if b.status == BroadcastStatus.SCHEDULED), None)
    return live, upcoming


def stream_key_list(*, channel: Channel, limit: int = KEY_LIST_SIZE) -> list[StreamKey]:
    return list(
        StreamKey.objects.filter(channel=channel)
        .select_related("broadcast")
        .order_by("-created_at", "-id")[:limit]
    )


def ingest_log(*, channel: Channel, limit: int = INGEST_LOG_SIZE) -> list[IngestEvent]:
    """The channel's latest ingest events, newest first: what staff read when a publish fails."""
    return list(
        IngestEvent.objects.filter(channel=channel)
        .select_related("broadcast")
        .order_by("-at", "-id")[:limit]
    )


def schedulable_broadcasts(*, channel: Channel) -> QuerySet[Broadcast]:
    """The broadcasts a new stream key may be limited to."""
    return Broadcast.objects.filter(
        channel=channel, status__in=[BroadcastStatus.SCHEDULED, BroadcastStatus.LIVE]
    ).order_by("scheduled_start", "id")


# --- one broadcast ------------------------------------------------------------------------


def broadcast_get(*, pk: int) -> Broadcast:
    return Broadcast.objects.select_related(
        "channel__organization__country", "channel__language", "language", "archive"
    ).get(pk=pk)


def archive_of(broadcast: Broadcast):
    """The broadcast's archive item, or None (no query if it was selected with the row)."""
    try:
        return broadcast.archive
    except Broadcast.archive.RelatedObjectDoesNotExist:
        return None


def public_broadcasts_starting(
    *, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Broadcast]:
    """Scheduled broadcasts of active public channels starting in [start, end), soonest first,
    with their channel and organization: what anyone may be told is coming."""
    return (
        Broadcast.objects.filter(
            status=BroadcastStatus.SCHEDULED,
            scheduled_start__gte=start,
            scheduled_start__lt=end,
            channel__visibility=Visibility.PUBLIC,
            channel__is_active=True,
        )
        .select_related("channel__organization")
        .order_by("scheduled_start", "id")
    )


# --- the quarterly guide ----------------------------------------------------------------------


@dataclass(frozen=True)
class BroadcastsHeld:
    count: int
    seconds: float  # on air, of the broadcasts that have ended
    viewers: int  # the broadcasts' viewers in all, added up
    by_day: dict[datetime.date, int]  # broadcasts started each day (in ``zone``)
    top_channels: list[tuple[Channel, int, float]]  # (channel, broadcasts, seconds)


def broadcasts_held(*, start, end, zone, limit: int = 5) -> BroadcastsHeld:
    """Broadcasts of public channels that went on air in [start, end) (two aware datetimes),
    for the quarterly guide, which is public: members-only channels are left out. Counted and
    summed by the database; ``by_day`` has at most one row per day of the span,
    ``top_channels`` at most ``limit``. Four queries, whatever the number."""
    from django.db.models import DurationField, ExpressionWrapper, F, Sum
    from django.db.models.functions import TruncDate

    held = Broadcast.objects.filter(
        started_at__gte=start, started_at__lt=end, channel__visibility=Visibility.PUBLIC
    ).order_by()
    on_air = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    totals = held.aggregate(count=Count("pk"), on_air=Sum(on_air), viewers=Sum("viewers_total"))
    by_day = {
        row["day"]: row["count"]
        for row in held.annotate(day=TruncDate("started_at", tzinfo=zone))
        .values("day")
        .annotate(count=Count("pk"))
    }
    channel_rows = list(
        held.values("channel_id")
        .annotate(count=Count("pk"), on_air=Sum(on_air))
        .order_by("-count", "channel_id")[:limit]
    )
    channels = Channel.objects.select_related("organization").in_bulk(
        [row["channel_id"] for row in channel_rows]
    )
    return BroadcastsHeld(
        count=totals["count"],
        seconds=totals["on_air"].total_seconds() if totals["on_air"] else 0.0,
        viewers=totals["viewers"] or 0,
        by_day=by_day,
        top_channels=[
            (
                channels[row["channel_id"]],
                row["count"],
                row["on_air"].total_seconds() if row["on_air"] else 0.0,
            )
            for row in channel_rows
        ],
    )


def archive_most_played(*, start, end, limit: int = 5) -> list:
    """The most played archive items of public channels among the broadcasts that went on air
    in [start, end): the guide's highlights. One query."""
    from .models import ArchiveItem

    return list(
        ArchiveItem.objects.filter(
            status=ArchiveStatus.READY,
            broadcast__started_at__gte=start,
            broadcast__started_at__lt=end,
            broadcast__channel__visibility=Visibility.PUBLIC,
            broadcast__channel__is_active=True,
        )
        .select_related("broadcast__channel__organization")
        .order_by("-plays", "-broadcast__started_at", "-id")[:limit]
    )


# --- figures for reports


@dataclass(frozen=True)
class BroadcastFigures:
    """Broadcasting's figures for a span; see ``broadcast_figures``."""

    channels: int  # active channels opened before the span's end
    broadcasts: int  # broadcasts that went on air in the span
    organizations: int  # organizations that broadcast in the span
    heyats: int  # of those, hey'ats
    viewers: int  # the broadcasts' viewers added up (a person watching two counts twice)
    viewers_peak: int  # the most that watched one broadcast at once
    archive_items: int  # recordings ready in the archive, of those broadcasts
    archive_plays: int  # their plays, counted since each was archived
    by_country: list[tuple[int, int]]  # (country id of the organization, broadcasts)


def _figure_broadcasts(*, public_only: bool, organization_id: int | None) -> QuerySet[Broadcast]:
    queryset = Broadcast.objects.order_by()
    if public_only:
        queryset = queryset.filter(channel__visibility=Visibility.PUBLIC)
    if organization_id is not None:
        queryset = queryset.filter(channel__organization_id=organization_id)
    return queryset


def broadcast_figures(
    *, start=None, end=None, public_only: bool = True, organization_id: int | None = None
) -> BroadcastFigures:
    """Channels, broadcasts, viewers and archive plays: four queries, whatever their number.

    A broadcast belongs to the span in which it went on air (``started_at``
    in [start, end), two dates); one never on air is not counted. Viewers are
    each broadcast's distinct viewers (``viewers_total``) added up, so one
    person watching five broadcasts counts five times, as "views" do. Plays
    are counted per archive item and not dated: an item's plays all belong to
    the span its broadcast was on air. ``public_only`` leaves out members-only
    channels (what the public dashboard shows).
    """
    from django.db.models import Max, Sum

    from hamafza.core.periods import span_q

    channels = Channel.objects.filter(is_active=True).filter(
        span_q("created_at", None, end, at=True)
    )
    if public_only:
        channels = channels.filter(visibility=Visibility.PUBLIC)
    if organization_id is not None:
        channels = channels.filter(organization_id=organization_id)
    held = _figure_broadcasts(public_only=public_only, organization_id=organization_id).filter(
        span_q("started_at", start, end, at=True), started_at__isnull=False
    )
    totals = held.aggregate(
        broadcasts=Count("pk"),
        organizations=Count("channel__organization", distinct=True),
        heyats=Count(
            "channel__organization",
            distinct=True,
            filter=Q(channel__organization__kind=OrganizationKind.HEYAT),
        ),
        viewers=Coalesce(Sum("viewers_total"), 0),
        viewers_peak=Coalesce(Max("viewers_peak"), 0),
    )
    archive = held.filter(archive__status=ArchiveStatus.READY).aggregate(
        archive_items=Count("pk"), archive_plays=Coalesce(Sum("archive__plays"), 0)
    )
    by_country = sorted(
        held.values_list("channel__organization__country_id").annotate(n=Count("pk")),
        key=lambda row: (-row[1], row[0]),
    )
    return BroadcastFigures(
        channels=channels.count(), **totals, **archive, by_country=list(by_country)
    )


def broadcasts_per_span(
    *, spans, public_only: bool = True, organization_id: int | None = None
) -> list[tuple[int, int]]:
    """(broadcasts on air, their viewers added up) in each span: two queries."""
    from hamafza.core.periods import per_span

    held = _figure_broadcasts(public_only=public_only, organization_id=organization_id)
    counts = per_span(held, field="started_at", spans=spans, at=True)
    viewers = per_span(held, field="started_at", spans=spans, at=True, total="viewers_total")
    return list(zip(counts, viewers, strict=True))


def watching_now_count(*, organization_id: int | None = None, public_only: bool = True) -> int:
    """Viewers who sent a heartbeat within the presence window, across live broadcasts."""
    seen = ViewerPresence.objects.filter(
        broadcast__status=BroadcastStatus.LIVE,
        last_seen__gte=timezone.now() - presence_window(),
    )
    if public_only:
        seen = seen.filter(broadcast__channel__visibility=Visibility.PUBLIC)
    if organization_id is not None:
        seen = seen.filter(broadcast__channel__organization_id=organization_id)
    return seen.count()


def organization_broadcast_rows(
    *, organization_id: int, start=None, end=None, limit: int = 100
) -> list[Broadcast]:
    """An organization's broadcasts that went on air in the span, newest first, with their
    channel and archive item (its plays): one query, at most ``limit`` rows."""
    from hamafza.core.periods import span_q

    return list(
        Broadcast.objects.filter(
            span_q("started_at", start, end, at=True),
            channel__organization_id=organization_id,
            started_at__isnull=False,
        )
        .select_related("channel", "archive")
        .order_by("-started_at", "-id")[:limit]
    )
