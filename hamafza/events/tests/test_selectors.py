"""The events' reads: occurrences by date (overlap, filters, one query), upcoming near a point,
occasion dates by date, and the open recommendations of a conference series."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hamafza.core.models import City, Country, Language
from hamafza.core.permissions import SYSTEM
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.events import selectors, services
from hamafza.events.models import EventKind, Occasion, Recurrence
from hamafza.events.selectors import Near, OccurrenceFilters
from hamafza.events.services import OutcomeInput
from hamafza.events.tests.factories import EventSeriesFactory, event_make
from hamafza.followups.models import FollowUpStatus
from hamafza.followups.services import followup_report

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# A window of one day, 10 days from now, in Tehran.
WINDOW_DAY = timezone.localdate() + 10 * DAY
START = datetime.datetime.combine(WINDOW_DAY, datetime.time(0), tzinfo=TEHRAN)
END = START + DAY


def event_at(starts_at, ends_at=None, **values):
    values.setdefault("name", f"رویداد {starts_at:%H%M}")
    return event_make(starts_at=starts_at, ends_at=ends_at or starts_at + 2 * HOUR, **values)


def names(occurrences) -> list[str]:
    return [occurrence.event.name for occurrence in occurrences]


# --- occurrences_between ----------------------------------------------------------------------


def test_occurrences_that_overlap_the_window_are_read_earliest_first():
    # Given events before, across, inside, after and at the edges of a day
    event_at(START - 3 * HOUR, START - HOUR, name="before")
    event_at(START - 2 * HOUR, START, name="ends at the start")
    event_at(START - HOUR, START + HOUR, name="across the start")
    event_at(START + 10 * HOUR, name="inside")
    event_at(END - HOUR, END + HOUR, name="across the end")
    event_at(END, name="starts at the end")
    event_at(START - DAY, END + DAY, name="around")
    # When the day's occurrences are read
    found = selectors.occurrences_between(START, END)
    # Then those that share any moment with [start, end) are there, earliest first
    assert names(found) == ["around", "across the start", "inside", "across the end"]


def test_filters_narrow_the_occurrences():
    # Given events of two organizers, in two countries and languages, of two kinds
    heyat, shrine = OrganizationFactory(), OrganizationFactory()
    qom, karbala = City.objects.get(name="Qom"), City.objects.get(name="Karbala")
    persian, arabic = Language.objects.get(code="fa"), Language.objects.get(code="ar")
    at = START + 10 * HOUR
    event_at(at, name="qom", organizer=heyat, country=qom.country, city=qom, language=persian)
    event_at(
        at,
        name="karbala",
        organizer=shrine,
        country=karbala.country,
        city=karbala,
        language=arabic,
        kind=EventKind.CONFERENCE,
        time_zone="Asia/Baghdad",
    )
    cancelled = event_at(at + HOUR, name="cancelled", organizer=heyat)
    services.event_cancel(actor=SYSTEM, event=cancelled)

    def found(**filters):
        return sorted(
            names(selectors.occurrences_between(START, END, filters=OccurrenceFilters(**filters)))
        )

    # Then each filter keeps what it names
    assert found() == ["cancelled", "karbala", "qom"]
    assert found(organizer_id=heyat.pk) == ["cancelled", "qom"]
    assert found(country_code="iq") == ["karbala"]
    assert found(language_code="fa") == ["qom"]
    assert found(kind=EventKind.CONFERENCE) == ["karbala"]
    assert found(include_cancelled=False) == ["karbala", "qom"]
    assert found(q="karbala") == ["karbala"]
    assert found(organizer_id=heyat.pk, include_cancelled=False) == ["qom"]


@pytest.mark.parametrize("count", [2, 20])
def test_occurrences_are_read_in_one_query(count, django_assert_num_queries):
    # Given some events in Iran in the window, some weekly
    iran = Country.objects.get(code="IR")
    for number in range(count):
        event_at(
            START + number * 10 * datetime.timedelta(minutes=1),
            name=f"e{number}",
            country=iran,
            recurrence=Recurrence.WEEKLY if number % 2 else Recurrence.NONE,
        )
    # When a calendar reads them and shows what a cell shows of each
    with django_assert_num_queries(1):
        rows = [
            (
                occurrence.key,
                occurrence.starts_at,
                occurrence.sequence,
                occurrence.cancelled,
                occurrence.event.name,
                occurrence.event.names,
                occurrence.event.kind,
                occurrence.event.venue,
                occurrence.event.status,
                occurrence.event.time_zone,
                occurrence.event.organizer_id,
            )
            for occurrence in selectors.occurrences_between(
                START, END, filters=OccurrenceFilters(country_code="IR", kind="gathering")
            )
        ]
    # Then all of them came in that one query
    assert len(rows) == count


# --- occurrences_upcoming ---------------------------------------------------------------------


def test_upcoming_occurrences_near_a_point():
    # Given gatherings in Qom and in Karbala, one cancelled, one online without a place
    now = timezone.now()
    soon = now + 2 * DAY
    qom = {"latitude": Decimal("34.640000"), "longitude": Decimal("50.876389")}
    karbala = {"latitude": Decimal("32.616000"), "longitude": Decimal("44.024900")}
    event_at(soon, name="qom", **qom)
    event_at(soon + HOUR, name="qom later", **qom)
    event_at(soon, name="karbala", time_zone="Asia/Baghdad", **karbala)
    cancelled = event_at(soon, name="qom cancelled", **qom)
    services.event_cancel(actor=SYSTEM, event=cancelled)
    event_at(soon, name="online", online=True, venue="")
    event_at(now - DAY, name="past", **qom)
    # When a visitor in Qom asks for what is coming within 100 km
    found = selectors.occurrences_upcoming(now=now, near=Near(34.64, 50.88, km=100))
    # Then only Qom's coming, not cancelled, occurrences are listed, earliest first
    assert names(found) == ["qom", "qom later"]
    # and without a point, every coming occurrence anywhere
    assert sorted(names(selectors.occurrences_upcoming(now=now))) == [
        "karbala",
        "online",
        "qom",
        "qom later",
    ]
    # and near Karbala, only Karbala's
    assert names(selectors.occurrences_upcoming(now=now, near=Near(32.6, 44.0, km=50))) == [
        "karbala"
    ]
    # and the list stops at its limit
    assert len(selectors.occurrences_upcoming(now=now, limit=1)) == 1


def test_the_near_box_spans_the_distance_asked():
    south, north, west, east = Near(34.64, 50.88, km=111).box()
    assert north - south == pytest.approx(2.0)
    assert east - west > north - south  # a degree of longitude is shorter away from the equator


# --- occasion_dates_between -------------------------------------------------------------------


@pytest.fixture
def dates():
    return services.occasion_dates_refresh(years=range(1445, 1448))


def test_occasion_dates_that_overlap_the_days(dates, django_assert_num_queries):
    # Given Muharram 1446 (from 7 July 2024 in the computed table)
    # When the days 12 to 16 July 2024 are read in Iran
    with django_assert_num_queries(1):
        rows = [
            (row.occasion.slug, row.starts_on)
            for row in selectors.occasion_dates_between(
                datetime.date(2024, 7, 12), datetime.date(2024, 7, 16), region="IR"
            )
        ]
    # Then the first ten days of Muharram (begun before the 12th), Tasua and Ashura are there
    assert [slug for slug, _starts_on in rows] == ["muharram-first-ten", "tasua", "ashura"]
    assert rows[0][1] == datetime.date(2024, 7, 7)


def test_hidden_occasions_are_left_out(dates):
    Occasion.objects.filter(slug="tasua").update(is_active=False)
    rows = selectors.occasion_dates_between(
        datetime.date(2024, 7, 12), datetime.date(2024, 7, 16), region="IR"
    )
    assert [row.occasion.slug for row in rows] == ["muharram-first-ten", "ashura"]


def test_each_region_reads_its_own_dates(dates):
    rows = selectors.occasion_dates_between(
        datetime.date(2024, 7, 16), datetime.date(2024, 7, 16), region="IQ"
    )
    assert {row.region for row in rows} == {"IQ"}


# --- series_open_outcomes ---------------------------------------------------------------------


def series_with_editions(editions: int, outcomes: int):
    """A conference series whose editions each recorded ``outcomes`` recommendations, the
    first of each edition done."""
    organizer = OrganizationFactory()
    series = EventSeriesFactory(organizer=organizer)
    owner = OrganizationFactory()
    made = []
    for number in range(1, editions + 1):
        edition = event_make(
            name=f"همایش دوره {number}",
            kind=EventKind.CONFERENCE,
            organizer=organizer,
            series=series,
            edition=number,
            starts_at=timezone.now() - (editions - number + 1) * 365 * DAY,
        )
        items = services.event_outcomes_record(
            actor=SYSTEM,
            event=edition,
            outcomes=[OutcomeInput(f"پیشنهاد {n}", owner) for n in range(1, outcomes + 1)],
        )
        followup_report(actor=SYSTEM, followup=items[0], status=FollowUpStatus.DONE)
        made.append(edition)
    return series, made


def test_open_recommendations_of_earlier_editions():
    # Given a series of three editions with three recommendations each, the first of each done
    series, (first, second, third) = series_with_editions(3, 3)
    # When the 3rd edition asks what is still open from earlier ones
    grouped = selectors.series_open_outcomes(series, before_edition=3)
    # Then the 1st and 2nd editions' open recommendations are listed, numbered, in order
    assert [(edition, [item.number for item in items]) for edition, items in grouped] == [
        (first, [2, 3]),
        (second, [2, 3]),
    ]
    assert all(
        item.status in (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS)
        for _e, items in grouped
        for item in items
    )
    # and without a limit, the 3rd edition's too
    assert [edition for edition, _items in selectors.series_open_outcomes(series)] == [
        first,
        second,
        third,
    ]


def test_an_edition_with_nothing_open_is_left_out():
    series, (first, _second) = series_with_editions(2, 1)
    assert selectors.series_open_outcomes(series) == []
    assert first.edition == 1


def queries_of(function) -> int:
    function()  # warm the content-type cache
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_open_recommendations_are_read_in_constant_queries():
    # Given a small series and a large one
    small, _editions = series_with_editions(2, 2)
    large, _editions = series_with_editions(6, 5)

    # Then both are read in the same few queries
    def read_small():
        return [len(items) for _edition, items in selectors.series_open_outcomes(small)]

    def read_large():
        return [len(items) for _edition, items in selectors.series_open_outcomes(large)]

    assert queries_of(read_small) == queries_of(read_large) <= 3
