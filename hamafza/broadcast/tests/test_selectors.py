"""Reads of broadcasting: what each list holds, for whom, and what it costs."""

import datetime
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hamafza.broadcast import selectors
from hamafza.broadcast.models import (
    ArchiveItem,
    ArchiveStatus,
    BroadcastStatus,
    IngestEvent,
    IngestOutcome,
    ViewerPresence,
    Visibility,
)
from hamafza.broadcast.selectors import BroadcastFilters
from hamafza.broadcast.tests.factories import BroadcastFactory, ChannelFactory
from hamafza.core.models import Country, Language
from hamafza.core.paging import page_number
from hamafza.core.selectors import places_index_forget
from hamafza.directory.models import OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def live(channel, **values):
    values.setdefault("started_at", timezone.now())
    return BroadcastFactory(channel=channel, status=BroadcastStatus.LIVE, **values)


def archived(channel, status=ArchiveStatus.READY, **values):
    values.setdefault("started_at", timezone.now() - timedelta(days=1))
    broadcast = BroadcastFactory(channel=channel, status=BroadcastStatus.ARCHIVED, **values)
    ArchiveItem.objects.create(broadcast=broadcast, status=status, video_path="v.mp4")
    return broadcast


class TestFiltersFromQuery:
    def test_good_values_are_kept_in_canonical_form(self):
        filters = selectors.filters_from_query(
            {"country": "iq", "language": "AR", "kind": "shrine", "q": " دعا "}
        )
        assert filters == BroadcastFilters(q=" دعا ", country="IQ", language="ar", kind="shrine")

    @pytest.mark.parametrize(
        "params",
        [
            {"country": "IRN"},
            {"country": "۱۲"},
            {"language": "a;b"},
            {"kind": "church"},
            {"country": "", "language": "", "kind": ""},
        ],
    )
    def test_junk_is_dropped(self, params):
        assert selectors.filters_from_query(params) == BroadcastFilters()

    def test_nul_characters_and_long_queries_are_trimmed(self):
        filters = selectors.filters_from_query({"q": "\x00" + "ا" * 500})
        assert filters.q == "ا" * 200

    @pytest.mark.parametrize(
        "value, number", [("3", 3), ("۳", 3), ("٣", 3), ("0", 1), ("-2", 1), ("x", 1), (None, 1)]
    )
    def test_page_numbers(self, value, number):
        assert page_number(value) == number


class TestLive:
    def test_the_most_watched_first_counting_only_fresh_heartbeats(self, channel):
        now = timezone.now()
        quiet = live(channel, title="quiet")
        busy = live(ChannelFactory(), title="busy")
        for n in range(2):
            ViewerPresence.objects.create(broadcast=busy, viewer=f"{n:032x}", last_seen=now)
        ViewerPresence.objects.create(
            broadcast=quiet, viewer="a" * 32, last_seen=now - timedelta(minutes=10)
        )
        page = selectors.live_page(filters=BroadcastFilters(), user=ANONYMOUS)
        assert [(b.title, b.watching) for b in page.rows] == [("busy", 2), ("quiet", 0)]

    def test_only_live_broadcasts(self, channel):
        live(channel, title="live")
        for status in (
            BroadcastStatus.SCHEDULED,
            BroadcastStatus.ENDED,
            BroadcastStatus.CANCELLED,
            BroadcastStatus.ARCHIVED,
        ):
            BroadcastFactory(channel=channel, status=status)
        page = selectors.live_page(filters=BroadcastFilters(), user=ANONYMOUS)
        assert [b.title for b in page.rows] == ["live"]

    def test_members_only_for_members(self, actors, organization):
        private = ChannelFactory(organization=organization, visibility=Visibility.MEMBERS)
        live(private, title="private")
        live(ChannelFactory(), title="public")

        def titles(user):
            page = selectors.live_page(filters=BroadcastFilters(), user=user)
            return {b.title for b in page.rows}

        assert titles(ANONYMOUS) == {"public"}
        assert titles(actors["other_editor"]) == {"public"}
        assert titles(actors["viewer"]) == {"public", "private"}
        assert titles(actors["coordinator"]) == {"public", "private"}


class TestUpcoming:
    def test_scheduled_soonest_first_within_the_grace(self, channel):
        now = timezone.now()
        BroadcastFactory(channel=channel, title="late", scheduled_start=now - timedelta(minutes=30))
        BroadcastFactory(channel=channel, title="stale", scheduled_start=now - timedelta(hours=3))
        BroadcastFactory(channel=channel, title="later", scheduled_start=now + timedelta(days=1))
        BroadcastFactory(
            channel=channel,
            title="cancelled",
            status=BroadcastStatus.CANCELLED,
            scheduled_start=now + timedelta(hours=1),
        )
        page = selectors.upcoming_page(filters=BroadcastFilters(), user=ANONYMOUS)
        assert [b.title for b in page.rows] == ["late", "later"]

    def test_filters(self):
        iraq = Country.objects.get(code="IQ")
        mosque = OrganizationFactory(kind=OrganizationKind.MOSQUE, country=iraq)
        BroadcastFactory(channel=ChannelFactory(organization=mosque), title="mosque")
        BroadcastFactory(title="heyat")

        def titles(**filters):
            page = selectors.upcoming_page(filters=BroadcastFilters(**filters), user=ANONYMOUS)
            return [b.title for b in page.rows]

        assert titles(kind="mosque") == ["mosque"]
        assert titles(country="IQ") == ["mosque"]
        assert titles(country="IR") == ["heyat"]


class TestArchive:
    def test_ready_and_coming_but_not_failed_or_unrecorded(self, channel):
        archived(channel, title="ready")
        archived(channel, ArchiveStatus.PENDING, title="pending")
        archived(channel, ArchiveStatus.FAILED, title="failed")
        BroadcastFactory(channel=channel, status=BroadcastStatus.ENDED, title="no recording")
        page = selectors.archive_page(filters=BroadcastFilters(), user=ANONYMOUS)
        assert {b.title for b in page.rows} == {"ready", "pending"}
        assert selectors.archive_of(page.rows[0]) is not None

    def test_search_reaches_title_speaker_occasion_and_organization(self, organization):
        channel = ChannelFactory(organization=organization)
        archived(channel, title="زیارت عاشورا", speaker="فرهمند", occasion="محرم")
        archived(ChannelFactory(), title="دعای کمیل", speaker="میرداماد", occasion="شب جمعه")

        def titles(q):
            page = selectors.archive_page(filters=BroadcastFilters(q=q), user=ANONYMOUS)
            return [b.title for b in page.rows]

        assert titles("عاشورا") == ["زیارت عاشورا"]
        assert titles("كميل") == ["دعای کمیل"]  # Arabic kaf and yeh
        assert titles("فرهمند") == ["زیارت عاشورا"]
        assert titles("جمعه") == ["دعای کمیل"]
        assert titles("امام رضا") == ["زیارت عاشورا"]  # the organization's name
        assert titles("محبان عاشورا") == ["زیارت عاشورا"]
        assert titles("ع") == ["زیارت عاشورا"]  # a short word: "(ع)" in the organization's name
        assert titles("نیست") == []

    def test_language_of_the_broadcast_or_else_its_channel(self):
        arabic = Language.objects.get(code="ar")
        persian = Language.objects.get(code="fa")
        archived(ChannelFactory(language=arabic), title="channel")
        archived(ChannelFactory(language=persian), title="own", language=arabic)
        archived(ChannelFactory(language=arabic), title="other", language=persian)
        page = selectors.archive_page(filters=BroadcastFilters(language="ar"), user=ANONYMOUS)
        assert {b.title for b in page.rows} == {"channel", "own"}

    def test_dates_are_days_in_the_viewers_time_zone(self, channel):
        # 00:30 on 2 March in Tehran is 21:00 on 1 March in UTC
        start = datetime.datetime(2025, 3, 1, 21, 0, tzinfo=datetime.UTC)
        archived(channel, title="second", started_at=start)
        archived(channel, title="first", started_at=start - timedelta(hours=1))
        day = datetime.date(2025, 3, 2)

        def titles(**filters):
            page = selectors.archive_page(filters=BroadcastFilters(**filters), user=ANONYMOUS)
            return [b.title for b in page.rows]

        with timezone.override("Asia/Tehran"):
            assert titles(date_from=day, date_to=day) == ["second"]
            assert titles(date_to=day - timedelta(days=1)) == ["first"]
        with timezone.override("UTC"):
            assert titles(date_from=day) == []

    def test_newest_first_and_paged(self, channel):
        for n in range(5):
            archived(channel, title=str(n), started_at=timezone.now() - timedelta(days=n + 1))
        first = selectors.archive_page(filters=BroadcastFilters(), user=ANONYMOUS, size=2)
        assert [b.title for b in first.rows] == ["0", "1"]
        assert (first.count, first.num_pages, first.has_next) == (5, 3, True)
        last = selectors.archive_page(filters=BroadcastFilters(), user=ANONYMOUS, number=99, size=2)
        assert last.number == 3 and [b.title for b in last.rows] == ["4"]
        assert not last.has_next and last.has_previous


class TestFacets:
    def test_only_values_in_use(self):
        iraq = Country.objects.get(code="IQ")
        urdu = Language.objects.get(code="ur")
        shrine = OrganizationFactory(kind=OrganizationKind.SHRINE, country=iraq)
        BroadcastFactory(channel=ChannelFactory(organization=shrine), language=urdu)
        facets = selectors.broadcast_facets()
        assert [o.value for o in facets.country] == ["IQ"]
        assert [o.value for o in facets.language] == ["ur"]
        assert [o.value for o in facets.kind] == ["shrine"]

    def test_cached(self, channel):
        selectors.broadcast_facets()
        with CaptureQueriesContext(connection) as captured:
            selectors.broadcast_facets()
        assert len(captured) == 0


class TestChannel:
    def test_live_upcoming_and_archived(self, channel):
        now = timezone.now()
        on_air = live(channel)
        later = BroadcastFactory(channel=channel, scheduled_start=now + timedelta(days=2))
        sooner = BroadcastFactory(channel=channel, scheduled_start=now + timedelta(hours=1))
        old = archived(channel, started_at=now - timedelta(days=3))
        recent = archived(channel, started_at=now - timedelta(days=1))
        lists = selectors.channel_broadcasts(channel=channel)
        assert lists.live == [on_air]
        assert lists.upcoming == [sooner, later]
        assert lists.archived == [recent, old]

    def test_now_is_the_live_broadcast_or_the_next(self, channel):
        assert selectors.channel_now(channel=channel) == (None, None)
        coming = BroadcastFactory(channel=channel)
        assert selectors.channel_now(channel=channel) == (None, coming)
        on_air = live(channel)
        assert selectors.channel_now(channel=channel) == (on_air, coming)

    def test_the_ingest_log_is_the_latest_twenty_of_the_channel(self, channel):
        for n in range(25):
            IngestEvent.objects.create(
                channel=channel,
                outcome=IngestOutcome.REFUSED,
                reason="unknown_key",
                at=timezone.now() - timedelta(minutes=n),
                detail=str(n),
            )
        IngestEvent.objects.create(channel=ChannelFactory(), outcome=IngestOutcome.ACCEPTED)
        log = selectors.ingest_log(channel=channel)
        assert [e.detail for e in log] == [str(n) for n in range(20)]

    def test_keys_may_be_limited_only_to_coming_or_live_broadcasts(self, channel):
        coming = BroadcastFactory(channel=channel)
        on_air = live(channel)
        archived(channel)
        BroadcastFactory(channel=ChannelFactory())
        assert set(selectors.schedulable_broadcasts(channel=channel)) == {coming, on_air}


def _cost(function, *, user, **kwargs) -> int:
    """Queries of one call, for a user whose roles are not read yet (as in a fresh request)."""
    user = type(user).objects.get(pk=user.pk)
    places_index_forget()
    with CaptureQueriesContext(connection) as captured:
        page = function(user=user, **kwargs)
        # what the templates read of each row
        seen = [(r.channel.organization.country, r.language, r.channel.language) for r in page.rows]
        assert len(seen) == len(page.rows)
    return len(captured)


@pytest.mark.parametrize(
    "function", [selectors.live_page, selectors.upcoming_page, selectors.archive_page]
)
def test_lists_cost_the_same_at_any_size(actors, function):
    filters = BroadcastFilters(q="رفیعی", country="IR")
    if function is not selectors.archive_page:
        filters = BroadcastFilters(country="IR", language="fa")
    persian = Language.objects.get(code="fa")

    def grow(n):
        for _ in range(n):
            channel = ChannelFactory(language=persian)
            live(channel)
            BroadcastFactory(channel=channel)
            archived(channel, speaker="رفیعی")

    grow(2)
    small = _cost(function, filters=filters, user=actors["viewer"])
    grow(10)
    assert _cost(function, filters=filters, user=actors["viewer"]) == small
