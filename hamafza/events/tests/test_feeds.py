"""The iCalendar feeds, parsed back: one VEVENT per occurrence, stable UIDs, SEQUENCE raised
when a sighting correction or a cancellation changes an item, and a fixed cost."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from hamafza.core.calendars import gregorian_to_lunar, lunar_month_length, lunar_to_gregorian
from hamafza.core.models import City, Country
from hamafza.core.permissions import SYSTEM
from hamafza.core.services import hijri_month_start_correct
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory
from hamafza.events import services
from hamafza.events.models import EventKind, OccasionDate, Occurrence, Recurrence
from hamafza.events.tests.factories import event_make

pytestmark = pytest.mark.django_db

TEHRAN = datetime.timezone(datetime.timedelta(hours=3, minutes=30))


def feed(client, name: str, *args, **params) -> Calendar:
    response = client.get(reverse(f"events:{name}", args=args), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def vevents(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def by_uid(calendar: Calendar) -> dict:
    return {str(item["uid"]): item for item in vevents(calendar)}


def uid_of(event, key: str) -> str:
    return f"event-{event.pk}-{key}@testserver"


def soon(days: int = 3, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TEHRAN)


# --- what a VEVENT holds ---------------------------------------------------------------------


def test_the_network_feed_has_one_vevent_per_occurrence(client):
    # given a one-off event and a weekly gathering that meets four times
    once = event_make(name="همایش", kind=EventKind.CONFERENCE, starts_at=soon(5))
    weekly = event_make(
        name="جلسهٔ هفتگی",
        recurrence=Recurrence.WEEKLY,
        starts_at=soon(2),
        repeat_until=timezone.localdate() + datetime.timedelta(days=2 + 21),
    )
    # when the network's feed is read
    calendar = feed(client, "feed-network")
    items = by_uid(calendar)
    # then there is one VEVENT per occurrence, a week apart for the weekly one
    weekly_keys = list(weekly.occurrences.order_by("starts_at").values_list("key", flat=True))
    assert len(weekly_keys) == 4
    assert set(items) == {uid_of(once, "once")} | {uid_of(weekly, key) for key in weekly_keys}
    starts = [items[uid_of(weekly, key)]["dtstart"].dt for key in weekly_keys]
    assert {b - a for a, b in itertools.pairwise(starts)} == {datetime.timedelta(days=7)}
    # and the calendar says who made it and how often to look again
    assert "Hamafza" in str(calendar["prodid"])
    assert str(calendar["x-wr-calname"])
    assert str(calendar["x-wr-timezone"]) == "Asia/Tehran"
    assert calendar["refresh-interval"].dt == datetime.timedelta(hours=6)


def test_a_vevent_carries_times_in_utc_place_and_status(client):
    # given an event with a venue in a city, a point on the map and a description
    karbala = City.objects.get(country__code="IQ", name="Karbala")
    event = event_make(
        name="اجتماع هیئت‌های خارج از کشور",
        names={"en": "Gathering of hey'ats abroad"},
        kind=EventKind.GATHERING,
        starts_at=soon(4),
        ends_at=soon(4) + datetime.timedelta(hours=3),
        venue="حسینیه",
        country=Country.objects.get(code="IQ"),
        city=karbala,
        latitude=Decimal("32.616"),
        longitude=Decimal("44.024"),
        description="برنامهٔ سخنرانی و عزاداری",
        speakers="حجت‌الاسلام فلانی",
    )
    # when the feed is read in English
    item = by_uid(feed(client, "feed-event", event.pk, language="en"))[uid_of(event, "once")]
    # then its times are in UTC, and it says what, where and in which state
    assert item["dtstart"].dt == event.starts_at
    assert item["dtstart"].dt.utcoffset() == datetime.timedelta(0)
    assert item["dtend"].dt == event.ends_at
    assert item["dtstamp"].dt.utcoffset() == datetime.timedelta(0)
    assert str(item["summary"]) == "Gathering of hey'ats abroad"
    assert "حسینیه" in str(item["location"])
    assert "Karbala" in str(item["location"])
    assert "Iraq" in str(item["location"])
    assert (item["geo"].latitude, item["geo"].longitude) == (32.616, 44.024)
    assert "برنامهٔ سخنرانی و عزاداری" in str(item["description"])
    assert "حجت‌الاسلام فلانی" in str(item["description"])
    assert str(item["status"]) == "CONFIRMED"
    assert [str(c) for c in item["categories"].cats] == ["Gathering"]
    assert int(item["sequence"]) == 0
    assert str(item["url"]) == f"http://testserver/events/{event.pk}/"


def test_an_all_day_event_is_given_in_dates_with_an_exclusive_end(client):
    # given a congress held on three whole days, in Tehran's time
    first = timezone.localdate() + datetime.timedelta(days=10)
    starts = datetime.datetime.combine(first, datetime.time(0), tzinfo=TEHRAN)
    event = event_make(
        name="کنگره",
        kind=EventKind.CONGRESS,
        all_day=True,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(days=2, hours=23, minutes=59),
    )
    # when its feed is read
    item = vevents(feed(client, "feed-event", event.pk))[0]
    # then it runs from the first day to the day after the last (DTEND is exclusive)
    assert item["dtstart"].dt == first
    assert item["dtend"].dt == first + datetime.timedelta(days=3)


def test_the_summary_follows_the_requested_language(client):
    # given an event named in Persian with an English translation
    event = event_make(name="مراسم عزاداری", names={"en": "Mourning ceremony"})
    # when the feed is asked for in Persian, in English, or in a language the site lacks
    persian = vevents(feed(client, "feed-event", event.pk, language="fa"))[0]
    english = vevents(feed(client, "feed-event", event.pk, language="en"))[0]
    unknown = vevents(feed(client, "feed-event", event.pk, language="xx"))[0]
    # then the summary and the labels are in that language (else the active one, Persian)
    assert str(persian["summary"]) == "مراسم عزاداری"
    assert str(english["summary"]) == "Mourning ceremony"
    assert str(unknown["summary"]) == "مراسم عزاداری"
    assert [str(c) for c in english["categories"].cats] == ["Gathering"]


# --- who is in which feed --------------------------------------------------------------------


def test_the_organization_feed_has_its_events_and_those_it_joins(client, organizer, stranger):
    # given an event the organizer holds, one it takes part in, and one of another body
    own = event_make(organizer=organizer)
    joined = event_make(organizer=stranger, partners=[organizer])
    other = event_make(organizer=stranger)
    # when the organizer's feed is read
    uids = set(by_uid(feed(client, "feed-organization", organizer.pk)))
    # then it holds the first two only
    assert uids == {uid_of(own, "once"), uid_of(joined, "once")}
    assert uid_of(other, "once") not in uids


def test_the_country_feed_has_the_events_held_there(client):
    # given events in Iraq and in Iran
    iraq = event_make(country=Country.objects.get(code="IQ"), venue="موکب")
    iran = event_make(country=Country.objects.get(code="IR"), venue="حسینیه")
    # when Iraq's feed is read (in any letter case)
    uids = set(by_uid(feed(client, "feed-country", "iq")))
    # then only the event in Iraq is there
    assert uids == {uid_of(iraq, "once")}
    assert uid_of(iran, "once") not in uids


def test_the_network_feed_starts_three_months_back(client):
    # given an event four months ago and one a month ago
    old = event_make(starts_at=timezone.now() - datetime.timedelta(days=120))
    recent = event_make(starts_at=timezone.now() - datetime.timedelta(days=30))
    # when the network feed is read, then only the recent one is there
    uids = set(by_uid(feed(client, "feed-network")))
    assert uid_of(recent, "once") in uids
    assert uid_of(old, "once") not in uids
    # but the old event's own feed still has it
    assert uid_of(old, "once") in by_uid(feed(client, "feed-event", old.pk))


def test_the_occasions_feed_has_all_day_dates_of_the_region(client):
    # given the occasion dates of every region
    services.occasion_dates_refresh()
    today = timezone.localdate()
    # when Iraq's occasions are read in Arabic
    calendar = feed(client, "feed-occasions", "IQ", language="ar")
    items = by_uid(calendar)
    # then each occasion date of Iraq from three months back is an all-day item
    expected = OccasionDate.objects.filter(
        region="IQ",
        ends_on__gte=today - datetime.timedelta(days=90),
        occasion__is_active=True,
    ).select_related("occasion")
    assert len(items) == expected.count() > 0
    for row in expected:
        item = items[f"occasion-{row.occasion.slug}-IQ-{row.hijri_year}@testserver"]
        assert item["dtstart"].dt == row.starts_on
        assert item["dtend"].dt == row.ends_on + datetime.timedelta(days=1)
        assert int(item["sequence"]) == row.sequence
        assert str(item["summary"]) == row.occasion.display_name("ar")


@pytest.mark.parametrize(
    "path",
    [
        "/events/feeds/country/XX.ics",
        "/events/feeds/country/IRAN.ics",
        "/events/feeds/occasions/ZZ.ics",
        "/events/feeds/occasions/I.ics",
        "/events/999999999.ics",
        "/events/99999999999999999999999.ics",
        "/events/feeds/organization/999999999.ics",
    ],
)
def test_unknown_countries_regions_and_events_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_a_long_feed_keeps_the_coming_items_first(client, monkeypatch):
    # given a weekly gathering that meets many times, and an event last month
    from hamafza.events import feeds

    weekly = event_make(recurrence=Recurrence.WEEKLY, starts_at=soon(1))
    past = event_make(starts_at=timezone.now() - datetime.timedelta(days=30))
    coming = list(weekly.occurrences.order_by("starts_at").values_list("key", flat=True))
    # when the feed may hold only three items, then they are the next three
    monkeypatch.setattr(feeds, "FEED_MAX_ITEMS", 3)
    assert list(by_uid(feed(client, "feed-network"))) == [uid_of(weekly, k) for k in coming[:3]]
    # and when it may hold every coming item and one more, the latest past one comes first
    monkeypatch.setattr(feeds, "FEED_MAX_ITEMS", len(coming) + 1)
    uids = list(by_uid(feed(client, "feed-network")))
    assert uids == [uid_of(past, "once")] + [uid_of(weekly, k) for k in coming]


def test_only_a_feed_whose_language_is_in_its_address_is_kept_by_shared_caches(client):
    event_make()
    named = client.get(reverse("events:feed-network"), {"language": "en"})
    followed = client.get(reverse("events:feed-network"))
    assert "public" in named["Cache-Control"]
    assert "private" in followed["Cache-Control"]


def test_a_feed_is_read_only(client):
    assert client.post(reverse("events:feed-network")).status_code == 405


# --- stable identities and revisions ---------------------------------------------------------


def test_uids_are_unique_and_stable_between_two_fetches(client):
    # given a weekly gathering and a one-off event
    event_make(recurrence=Recurrence.WEEKLY, starts_at=soon(1))
    event_make(starts_at=soon(2))
    # when the feed is fetched twice
    first = [str(item["uid"]) for item in vevents(feed(client, "feed-network"))]
    second = [str(item["uid"]) for item in vevents(feed(client, "feed-network"))]
    # then no UID repeats and both fetches name the same items
    assert len(first) == len(set(first)) == Occurrence.objects.count()
    assert first == second


def test_an_unchanged_feed_is_not_sent_again(client):
    # given a feed already fetched
    event_make()
    response = client.get(reverse("events:feed-network"))
    etag = response["ETag"]
    # when it is fetched again with its ETag, then "not modified"
    again = client.get(reverse("events:feed-network"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    # and once an event changes, the whole feed comes again
    services.event_cancel(actor=SYSTEM, event=event_make(name="جلسه"))
    changed = client.get(reverse("events:feed-network"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200


def test_a_cancelled_event_is_sent_cancelled_with_a_raised_sequence(client):
    # given a weekly gathering already in subscribers' calendars
    event = event_make(recurrence=Recurrence.WEEKLY, starts_at=soon(1))
    before = by_uid(feed(client, "feed-network"))
    # when it is cancelled
    services.event_cancel(actor=SYSTEM, event=event)
    after = by_uid(feed(client, "feed-network"))
    # then every occurrence keeps its UID, is CANCELLED, and its SEQUENCE rose by one
    assert set(after) == set(before)
    for uid, item in after.items():
        assert str(item["status"]) == "CANCELLED"
        assert int(item["sequence"]) == int(before[uid]["sequence"]) + 1
        assert str(before[uid]["status"]) == "CONFIRMED"


def _month_movable_later(region: str) -> tuple[int, int]:
    """A coming lunar month whose start may move one day later (the month before has 29 days,
    it has 30) and whose 10th day is at least a week ahead."""
    today = timezone.localdate()
    current = gregorian_to_lunar(today, region)
    year, month = current.year, current.month
    for _step in range(24):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        previous = (year, month - 1) if month > 1 else (year - 1, 12)
        if (
            lunar_month_length(*previous, region) == 29
            and lunar_month_length(year, month, region) == 30
            and lunar_to_gregorian(year, month, 10, region) > today + datetime.timedelta(days=7)
        ):
            return year, month
    raise AssertionError("no movable month in the next two years")


def _month_corrected(year: int, month: int, django_capture_on_commit_callbacks) -> None:
    """A coordinator declares that ``month`` began a day later in Iran; the events listener's
    task runs at once (the tests' task backend is immediate)."""
    coordinator = UserFactory(is_coordinator=True)
    with django_capture_on_commit_callbacks(execute=True):
        hijri_month_start_correct(
            actor=coordinator,
            region="IR",
            year=year,
            month=month,
            starts_on=lunar_to_gregorian(year, month, 1, "IR") + datetime.timedelta(days=1),
        )


def _moved_a_day_later(before: dict, after: dict, uid: str) -> None:
    assert uid in after
    assert int(after[uid]["sequence"]) == int(before[uid]["sequence"]) + 1
    assert after[uid]["dtstart"].dt - before[uid]["dtstart"].dt == datetime.timedelta(days=1)
    # and nothing else appeared or vanished
    assert set(after) == set(before)


def test_a_sighting_correction_moves_an_occasion_date_with_the_same_uid(
    client, django_capture_on_commit_callbacks
):
    # given an occasion on the 10th of a coming lunar month, and its dates in every region
    year, month = _month_movable_later("IR")
    day = lunar_to_gregorian(year, month, 10, "IR")
    services.occasion_save(
        actor=SYSTEM, slug="test-yearly", name="مناسبت آزمایشی", kind="other", month=month, day=10
    )
    services.occasion_dates_refresh(years=range(year - 1, year + 2))
    uid = f"occasion-test-yearly-IR-{year}@testserver"
    before = by_uid(feed(client, "feed-occasions", "IR"))
    iraq_before = by_uid(feed(client, "feed-occasions", "IQ"))
    assert before[uid]["dtstart"].dt == day
    # when the month is declared to have begun a day later in Iran
    _month_corrected(year, month, django_capture_on_commit_callbacks)
    # then the item keeps its UID, its SEQUENCE rose by one, and it begins a day later
    after = by_uid(feed(client, "feed-occasions", "IR"))
    _moved_a_day_later(before, after, uid)
    # and Iraq's occasions did not move
    iraq_after = by_uid(feed(client, "feed-occasions", "IQ"))
    assert {u: int(i["sequence"]) for u, i in iraq_after.items()} == {
        u: int(i["sequence"]) for u, i in iraq_before.items()
    }


def test_a_sighting_correction_moves_a_yearly_event_with_the_same_uid(
    client, django_capture_on_commit_callbacks
):
    # given a yearly event kept on the 10th of a coming lunar month in Iran
    year, month = _month_movable_later("IR")
    day = lunar_to_gregorian(year, month, 10, "IR")
    event = event_make(
        name="یادبود سالانه",
        recurrence=Recurrence.YEARLY_HIJRI,
        lunar_region="IR",
        starts_at=datetime.datetime.combine(day, datetime.time(18), tzinfo=TEHRAN),
    )
    uid = uid_of(event, f"h{year}")
    before = by_uid(feed(client, "feed-event", event.pk))
    assert before[uid]["dtstart"].dt.date() == day
    # when the month is declared to have begun a day later in Iran
    _month_corrected(year, month, django_capture_on_commit_callbacks)
    # then this year's occurrence keeps its UID, its SEQUENCE rose by one, and it is still
    # on the 10th, a day later; the other years' occurrences did not move
    after = by_uid(feed(client, "feed-event", event.pk))
    _moved_a_day_later(before, after, uid)
    for other in set(after) - {uid}:
        assert after[other]["dtstart"].dt == before[other]["dtstart"].dt
        assert int(after[other]["sequence"]) == int(before[other]["sequence"])


# --- cost ------------------------------------------------------------------------------------


def _grow(organizer, start: int, count: int) -> None:
    baghdad = City.objects.get(country__code="IQ", name="Baghdad")
    iraq = Country.objects.get(code="IQ")
    partner = OrganizationFactory()
    for number in range(start, start + count):
        event = event_make(
            organizer=organizer,
            name=f"مراسم {number}",
            country=iraq,
            city=baghdad,
            venue=f"حسینیه {number}",
            latitude=Decimal("33.3"),
            longitude=Decimal("44.4"),
            starts_at=soon(1 + number),
            recurrence=Recurrence.WEEKLY if number % 2 else Recurrence.NONE,
            repeat_until=timezone.localdate() + datetime.timedelta(days=40) if number % 2 else None,
        )
        event.partners.add(partner)


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["network", "organization", "country", "event", "occasions"])
def test_feeds_cost_the_same_whatever_their_length(
    client, organizer, name, django_assert_num_queries
):
    # given two events of an organizer (one weekly), and the occasion dates
    services.occasion_dates_refresh()
    _grow(organizer, 0, 2)
    first = organizer.events.order_by("pk").last()
    path = {
        "network": reverse("events:feed-network"),
        "organization": reverse("events:feed-organization", args=[organizer.pk]),
        "country": reverse("events:feed-country", args=["IQ"]),
        "event": reverse("events:feed-event", args=[first.pk]),
        "occasions": reverse("events:feed-occasions", args=["IR"]),
    }[name]
    small = _queries(client, path)
    # when there are twenty
    _grow(organizer, 2, 18)
    # then reading the feed costs the same number of queries
    with django_assert_num_queries(small):
        client.get(path)
