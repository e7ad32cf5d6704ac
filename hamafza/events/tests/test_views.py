"""Event pages: what is coming up, the month calendar, the occasions, one event with its outcomes,
the forms that schedule, change and cancel events and record their outcomes, a series and an
organization's events — in Persian and English, for everyone who might use them."""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from hamafza.core.calendars import date_parts, solar_to_gregorian
from hamafza.core.models import City, Country, Language
from hamafza.core.permissions import SYSTEM
from hamafza.core.selectors import places_index_forget
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.events import services
from hamafza.events.models import Event, EventKind, EventStatus, Occasion, Recurrence
from hamafza.events.tests.factories import EventSeriesFactory, event_make
from hamafza.followups.models import FollowUp, FollowUpStatus
from hamafza.followups.selectors import followups_of

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
LANGUAGES = [("fa", "rtl"), ("en", "ltr")]
WRITERS = ("organizer_editor", "coordinator")
HUGE = "99999999999999999999"


def soon(days: int = 3, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate(timezone=TEHRAN) + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TEHRAN)


def as_actor(client, actors, who):
    if actors[who] is not None:
        client.force_login(actors[who])
    return client


def message(text: str, language: str = "fa", **params) -> str:
    """A service's message as the page shows it: translated and HTML-escaped."""
    with translation.override(language):
        translated = translation.gettext(text)
        return escape(translated % params if params else translated)


def queries(client, url, params=None) -> int:
    """Queries of one request with cold caches (a warm cache would hide growth)."""
    cache.clear()
    places_index_forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE="fa")
        assert response.status_code == 200
    return len(captured)


@pytest.fixture
def conference(organizer, stranger):
    """The 2nd edition of a periodic conference of the organizer, with the stranger as a partner;
    the 1st edition left one recommendation open and closed another."""
    series = EventSeriesFactory(organizer=organizer, name="همایش دوره‌ای روابط عمومی")
    first = event_make(
        organizer=organizer,
        name="همایش اول",
        kind=EventKind.CONFERENCE,
        series=series,
        edition=1,
        starts_at=soon(-400, 9),
    )
    _open_item, done_item = services.event_outcomes_record(
        actor=SYSTEM,
        event=first,
        outcomes=[
            services.OutcomeInput(text="تدوین شیوه‌نامهٔ مشترک", owner_organization=organizer),
            services.OutcomeInput(text="برگزاری دورهٔ آموزشی", owner_organization=stranger),
        ],
    )
    FollowUp.objects.filter(pk=done_item.pk).update(status=FollowUpStatus.DONE)
    return event_make(
        organizer=organizer,
        name="همایش دوم روابط عمومی",
        names={"en": "The 2nd PR conference"},
        kind=EventKind.CONFERENCE,
        series=series,
        edition=2,
        partners=[stranger],
        countries=[Country.objects.get(code="IQ")],
        country=Country.objects.get(code="IR"),
        city=City.objects.filter(country__code="IR").first(),
        language=Language.objects.get(code="fa"),
        occasion=Occasion.objects.get(slug="arbaeen"),
        starts_at=soon(5, 9),
        ends_at=soon(5, 13),
        time_zone="Asia/Tehran",
    )


@pytest.fixture
def pages(conference):
    return {
        "upcoming": reverse("events:upcoming"),
        "calendar": reverse("events:calendar"),
        "occasions": reverse("events:occasions"),
        "occasion": reverse("events:occasion", args=["arbaeen"]),
        "detail": reverse("events:detail", args=[conference.pk]),
        "series": reverse("events:series", args=[conference.series_id]),
        "organization": reverse("events:organization", args=[conference.organizer_id]),
    }


# --- every page, in both directions ---------------------------------------------------------


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
def test_every_page_speaks_the_language_in_its_direction(client, pages, language, direction):
    services.occasion_dates_refresh()
    for name, url in pages.items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, name
        assert f'lang="{language}" dir="{direction}"'.encode() in response.content, name


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
def test_the_forms_speak_the_language_in_their_direction(
    client, actors, conference, language, direction
):
    as_actor(client, actors, "organizer_editor")
    for url in (
        reverse("events:create"),
        reverse("events:edit", args=[conference.pk]),
        reverse("events:cancel", args=[conference.pk]),
        reverse("events:outcomes", args=[conference.pk]),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'lang="{language}" dir="{direction}"'.encode() in response.content, url


def test_the_upcoming_page_lists_events_and_the_coming_occasions(client, conference):
    # Given the occasion dates of the coming year
    services.occasion_dates_refresh()
    # When an English visitor opens the events home
    response = client.get(reverse("events:upcoming"), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    # Then the conference is listed with its organizer, and the next occasions with their dates
    assert "The 2nd PR conference" in content
    assert f'data-event="{conference.pk}"' in content
    assert "Test hey&#x27;at" in content or "Test hey'at" in content
    occasions = re.findall(r'data-occasion="([^"]+)"', content)
    assert occasions
    assert 'data-calendar="solar"' in content and 'data-calendar="gregorian"' in content
    # and in Persian the dates are in Persian digits
    persian = client.get(reverse("events:upcoming"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "همایش دوم روابط عمومی" in persian
    assert re.search("[۰-۹]", persian)


def test_the_upcoming_page_filters_by_country_language_kind_organization_and_text(
    client, conference, stranger
):
    other = event_make(
        organizer=stranger,
        name="مجلس عزاداری کاظمین",
        kind=EventKind.CEREMONY,
        country=Country.objects.get(code="IQ"),
        language=Language.objects.get(code="ar"),
        starts_at=soon(2),
    )
    url = reverse("events:upcoming")

    def listed(**params) -> set[int]:
        content = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return {
            int(pk)
            for pk in re.findall(
                r'<li class="list-group-item hz-occurrence" data-event="(\d+)"', content
            )
        }

    assert listed() == {conference.pk, other.pk}
    assert listed(country="IQ") == {other.pk}
    assert listed(language="fa") == {conference.pk}
    assert listed(kind="conference") == {conference.pk}
    assert listed(organization=str(stranger.pk)) == {other.pk}
    assert listed(q="کاظمین") == {other.pk}
    # "in my language" is the page's language
    assert listed(mine="on") == set()  # no event is in English
    persian = client.get(url, {"mine": "on"}, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert f'data-event="{conference.pk}"' in persian and f'data-event="{other.pk}"' not in persian


def test_near_me_lists_the_events_around_the_point(client, organizer):
    # Given an event in Karbala and one in Mashhad
    karbala = event_make(
        organizer=organizer,
        name="موکب کربلا",
        latitude=Decimal("32.616"),
        longitude=Decimal("44.025"),
    )
    mashhad = event_make(
        organizer=organizer,
        name="مجلس مشهد",
        latitude=Decimal("36.288"),
        longitude=Decimal("59.616"),
    )
    url = reverse("events:upcoming")
    # When the visitor shares a location near Karbala (in Persian digits, as a phone may send it)
    content = client.get(
        url, {"lat": "۳۲٫۶", "lon": "44.03", "radius": "50"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    # Then only the event in Karbala is listed
    assert f'data-event="{karbala.pk}"' in content
    assert f'data-event="{mashhad.pk}"' not in content
    assert 'id="near-me-clear"' in content


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "abc", "lon": "9999", "radius": "x"},
        {"organization": HUGE, "country": "ZZ", "kind": "party", "language": "xx"},
        {"organization": "-1", "q": "x" * 500, "mine": "maybe"},
        {"region": "XX", "page": "abc"},
    ],
)
def test_bad_filters_are_ignored_never_an_error(client, conference, params):
    response = client.get(reverse("events:upcoming"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    response = client.get(reverse("events:calendar"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


# --- the calendar -----------------------------------------------------------------------------


def test_the_calendar_shows_the_month_of_the_visitors_calendar_with_its_events(client, conference):
    # When a Persian visitor opens the calendar
    response = client.get(reverse("events:calendar"), HTTP_ACCEPT_LANGUAGE="fa")
    content = response.content.decode()
    # Then it is this Solar Hijri month, Saturday first, with the conference on its day
    today = timezone.localdate(timezone=TEHRAN)
    year, month, _day = date_parts(today, calendar="solar")
    assert f'data-calendar="solar" data-year="{year}" data-month="{month}"' in content
    headers = re.findall(r'<th scope="col">([^<]+)</th>', content)
    assert headers[:7] == ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"]
    assert 'aria-current="date"' in content
    # and the month of the conference has it on its day, in the table and in the phones' list
    day = timezone.localtime(conference.starts_at, TEHRAN).date()
    year, month, _day = date_parts(day, calendar="solar")
    content = client.get(
        reverse("events:calendar"), {"year": year, "month": month}, HTTP_ACCEPT_LANGUAGE="fa"
    ).content.decode()
    table, phones = content.split('id="month-list"', 1)
    cell = table.split(f'data-date="{day.isoformat()}"', 1)[1].split("</td>", 1)[0]
    assert f'data-event="{conference.pk}"' in cell
    assert "۰۹:۰۰" in cell  # its time in Persian digits
    item = phones.split(f'data-date="{day.isoformat()}"', 1)[1].split("</li>\n  ", 1)[0]
    assert f'data-event="{conference.pk}"' in item


def test_the_calendar_in_english_starts_on_monday_and_switches_calendars(client, conference):
    url = reverse("events:calendar")
    content = client.get(
        url, {"calendar": "lunar", "year": "1447", "month": "6"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-calendar="lunar" data-year="1447" data-month="6"' in content
    assert "Jumada al-thani 1447" in content
    headers = re.findall(r'<th scope="col">([^<]+)</th>', content)
    assert headers[0] == "Monday" and headers[6] == "Sunday"
    # the switch keeps the same days in the other calendars, the arrows move a month
    assert 'data-calendar="solar" href="?calendar=solar&amp;year=1404&amp;month=9"' in content
    assert 'id="month-next" href="?calendar=lunar&amp;year=1447&amp;month=7"' in content
    assert 'id="month-previous" href="?calendar=lunar&amp;year=1447&amp;month=5"' in content


def test_the_calendar_keeps_its_filters_in_its_links(client, conference, organizer):
    content = client.get(
        reverse("events:calendar"),
        {"calendar": "solar", "year": "1404", "month": "9", "organization": organizer.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert f"organization={organizer.pk}" in content.split('id="month-next"', 1)[1][:200]
    assert 'id="organization-chosen"' in content


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc", "month": "۱۳"},
        {"year": "0", "month": "0"},
        {"year": HUGE, "month": "1"},
        {"calendar": "lunar", "year": "1200", "month": "3"},
        {"calendar": "lunar", "year": "9000", "month": "3"},
        {"calendar": "julian", "year": "2025", "month": "12"},
    ],
)
def test_a_month_the_calendars_do_not_hold_shows_the_current_month(client, params):
    response = client.get(reverse("events:calendar"), params, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 200
    assert 'id="month-today"' in response.content.decode()
    assert 'btn-outline-secondary active" id="month-today"' in response.content.decode()


# --- occasions ----------------------------------------------------------------------------------


def test_the_occasions_page_gives_this_year_and_next_in_three_calendars(client):
    services.occasion_dates_refresh()
    content = client.get(
        reverse("events:occasions"), {"region": "IQ"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Arbaeen" in content
    assert "20 Safar" in content
    row = content.split('data-occasion="arbaeen"', 1)[1].split("</tr>", 1)[0]
    assert row.count('data-calendar="lunar"') == 2  # this year and next
    assert "20 Safar" in row.split('data-calendar="lunar"', 1)[1]
    assert 'aria-current="true" href="?region=IQ"' in content


def test_an_occasion_shows_its_dates_by_region_and_its_events(client, conference):
    services.occasion_dates_refresh()
    content = client.get(
        reverse("events:occasion", args=["arbaeen"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Iran" in content and "Iraq" in content and "Umm al-Qura" in content
    assert len(re.findall(r"<tr data-year=", content)) >= 3
    assert reverse("events:detail", args=[conference.pk]) in content


def test_an_unknown_occasion_is_a_404(client):
    assert client.get(reverse("events:occasion", args=["no-such-day"])).status_code == 404


# --- one event ------------------------------------------------------------------------------------


def test_the_event_page_tells_everything_about_it(client, actors, conference, stranger):
    # When anyone opens the conference in English
    content = client.get(
        reverse("events:detail", args=[conference.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    # Then its kind, organizer, partner, countries, occasion and series edition are shown
    assert "The 2nd PR conference" in content and "Conference" in content
    assert reverse("directory:detail", args=[stranger.pk]) in content
    assert "Iraq" in content.split('id="event-countries"', 1)[1][:300]
    assert "Arbaeen" in content
    assert reverse("events:series", args=[conference.series_id]) in content
    # its start in the viewer's zone, in three calendars
    when = content.split('id="event-when"', 1)[1]
    assert when.count('data-calendar="lunar"') >= 1
    assert "at 09:00" in when
    # and the recommendation still open from the 1st edition (not the one done)
    earlier = content.split('id="earlier-outcomes"', 1)[1]
    assert "تدوین شیوه‌نامهٔ مشترک" in earlier
    assert "برگزاری دورهٔ آموزشی" not in earlier
    # but no buttons to change it
    assert 'id="event-actions"' not in content


def test_the_event_page_shows_the_events_own_zone_beside_the_viewers(client, organizer):
    event = event_make(
        organizer=organizer,
        starts_at=datetime.datetime(2026, 8, 5, 19, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Baghdad")),
        time_zone="Asia/Baghdad",
    )
    content = client.get(
        reverse("events:detail", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-zone="Asia/Tehran"' in content and 'data-zone="Asia/Baghdad"' in content
    assert "at 19:30" in content.split('data-zone="Asia/Tehran"', 1)[1]
    assert "at 19:00" in content.split('data-zone="Asia/Baghdad"', 1)[1]


def test_a_weekly_event_lists_its_next_times(client, organizer):
    event = event_make(organizer=organizer, recurrence=Recurrence.WEEKLY, starts_at=soon(1, 20))
    content = client.get(
        reverse("events:detail", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Every week" in content
    assert content.split('id="event-occurrences"', 1)[1].count("<li") == 10


@pytest.mark.parametrize("who", WRITERS)
def test_the_organizers_editors_and_coordinators_see_the_buttons(client, actors, conference, who):
    as_actor(client, actors, who)
    content = client.get(reverse("events:detail", args=[conference.pk])).content.decode()
    assert reverse("events:edit", args=[conference.pk]) in content
    assert reverse("events:cancel", args=[conference.pk]) in content
    assert reverse("events:outcomes", args=[conference.pk]) in content


def test_a_gathering_has_no_outcomes_button(client, actors, organizer):
    gathering = event_make(organizer=organizer)
    as_actor(client, actors, "organizer_editor")
    content = client.get(reverse("events:detail", args=[gathering.pk])).content.decode()
    assert reverse("events:edit", args=[gathering.pk]) in content
    assert reverse("events:outcomes", args=[gathering.pk]) not in content


def _url(name: str, pk: str) -> str:
    """The page's address typed by hand, with any number in it."""
    if name == "detail":
        return f"/events/{pk}/"
    if name in ("series", "organization"):
        return f"/events/{name}/{pk}/"
    return f"/events/{pk}/{name}/"


@pytest.mark.parametrize("name", ["detail", "edit", "cancel", "outcomes", "series", "organization"])
def test_an_id_that_names_nothing_is_a_404(client, actors, name):
    as_actor(client, actors, "coordinator")
    for pk in ("0", "987654", HUGE):
        response = client.get(_url(name, pk))
        assert response.status_code == 404, (name, pk)


# --- scheduling -----------------------------------------------------------------------------------


def event_data(organizer, **values) -> dict:
    """What the scheduling form posts: the 14 Azar 1404 conference, 10:00–13:00 in Tehran."""
    data = {
        "name": "همایش دبیران",
        "name_fa": "",
        "name_ar": "",
        "name_en": "Conference of secretaries",
        "kind": EventKind.CONFERENCE,
        "organizer": organizer.pk,
        "description": "",
        "speakers": "",
        "language": "",
        "occasion": "",
        "series": "",
        "edition": "",
        "online_url": "",
        "venue": "سالن همایش‌ها",
        "country": "",
        "province": "",
        "city": "",
        "latitude": "",
        "longitude": "",
        "starts_on": "۱۴۰۴/۰۹/۱۴",
        "starts_on_calendar": "solar",
        "starts_time": "۱۰:۰۰",
        "ends_on": "",
        "ends_on_calendar": "solar",
        "ends_time": "13:00",
        "time_zone": "Asia/Tehran",
        "recurrence": Recurrence.NONE,
        "repeat_until": "",
        "repeat_until_calendar": "solar",
        "lunar_region": "",
    }
    data.update(values)
    return data


@pytest.mark.parametrize("who", WRITERS)
def test_the_organizers_editor_and_a_coordinator_schedule_an_event(client, actors, organizer, who):
    # Given someone who may schedule the organizer's events, and a partner organization
    partner = OrganizationFactory()
    as_actor(client, actors, who)
    # When they fill in the form with a Solar Hijri date and Persian digits
    response = client.post(
        reverse("events:create"),
        event_data(organizer, partners=[str(partner.pk)], countries=[]),
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    # Then the event is scheduled for 14 Azar 1404, 10:00–13:00 in Tehran, and its page opens
    event = Event.objects.get(name="همایش دبیران")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    start = timezone.localtime(event.starts_at, TEHRAN)
    assert start.date() == solar_to_gregorian(1404, 9, 14) == datetime.date(2025, 12, 5)
    assert (start.hour, start.minute) == (10, 0)
    assert timezone.localtime(event.ends_at, TEHRAN).hour == 13
    assert event.names == {"en": "Conference of secretaries"}
    assert list(event.partners.all()) == [partner]
    assert event.occurrences.count() == 1
    assert event.created_by == actors[who]


def test_an_event_in_another_zone_is_read_in_that_zone(client, actors, organizer):
    as_actor(client, actors, "organizer_editor")
    client.post(
        reverse("events:create"),
        event_data(
            organizer,
            starts_on="2026/08/05",
            starts_on_calendar="gregorian",
            starts_time="19:00",
            ends_time="21:00",
            time_zone="Asia/Baghdad",
            country=str(Country.objects.get(code="IQ").pk),
        ),
    )
    event = Event.objects.get(name="همایش دبیران")
    assert event.starts_at == datetime.datetime(2026, 8, 5, 16, 0, tzinfo=datetime.UTC)
    assert event.time_zone == "Asia/Baghdad"
    assert event.lunar_region == "IQ"  # followed the country


def test_ending_before_starting_shows_the_translated_error_and_saves_nothing(
    client, actors, organizer
):
    as_actor(client, actors, "organizer_editor")
    response = client.post(
        reverse("events:create"),
        event_data(organizer, ends_on="1404/09/13"),
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 200
    content = response.content.decode()
    error = message("The event cannot end before it starts.")
    assert error in content.split('id="field-ends_on"', 1)[1].split('id="field-', 1)[0]
    assert not Event.objects.filter(name="همایش دبیران").exists()


def test_the_services_refusals_appear_beside_their_fields(client, actors, organizer):
    as_actor(client, actors, "organizer_editor")
    # A place is needed; a Hijri day 30 cannot repeat every year
    response = client.post(
        reverse("events:create"),
        event_data(
            organizer,
            venue="",
            recurrence=Recurrence.YEARLY_HIJRI,
            starts_on="1447/09/30",
            starts_on_calendar="lunar",
            lunar_region="IR",
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    content = response.content.decode()
    assert response.status_code == 200
    place = content.split('id="field-venue"', 1)[1].split('id="field-', 1)[0]
    assert message("Give a venue or a city, or mark the event as online.", "en") in place
    assert not Event.objects.filter(name="همایش دبیران").exists()


def test_a_missing_time_asks_for_it(client, actors, organizer):
    as_actor(client, actors, "organizer_editor")
    response = client.post(
        reverse("events:create"), event_data(organizer, starts_time=""), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Give the time it starts" in response.content.decode()
    assert not Event.objects.exists()


def test_an_all_day_event_needs_no_time(client, actors, organizer):
    as_actor(client, actors, "organizer_editor")
    client.post(
        reverse("events:create"),
        event_data(organizer, all_day="on", starts_time="", ends_time="", ends_on="1404/09/16"),
    )
    event = Event.objects.get(name="همایش دبیران")
    assert event.all_day
    assert timezone.localtime(event.starts_at, TEHRAN).date() == datetime.date(2025, 12, 5)
    assert timezone.localtime(event.ends_at, TEHRAN).date() == datetime.date(2025, 12, 7)


def test_the_organizer_may_be_chosen_in_the_address(client, actors, organizer):
    as_actor(client, actors, "organizer_editor")
    content = client.get(reverse("events:create"), {"organizer": organizer.pk}).content.decode()
    assert f'<option value="{organizer.pk}" selected>' in content


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in_before_writing(
    client, conference, organizer, method
):
    for url in (
        reverse("events:create"),
        reverse("events:edit", args=[conference.pk]),
        reverse("events:cancel", args=[conference.pk]),
        reverse("events:outcomes", args=[conference.pk]),
    ):
        response = getattr(client, method)(url, event_data(organizer) if method == "post" else {})
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    conference.refresh_from_db()
    assert conference.status == EventStatus.SCHEDULED
    assert Event.objects.count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organizations_owner_is_refused_and_nothing_changes(
    client, actors, conference, organizer, method
):
    as_actor(client, actors, "stranger_owner")
    send = getattr(client, method)
    # create, for the organizer
    create_url = reverse("events:create") + f"?organizer={organizer.pk}"
    response = send(create_url, event_data(organizer) if method == "post" else {})
    assert response.status_code == 403
    # edit, cancel, record outcomes
    forms = {
        "edit": event_data(organizer, name="دستکاری"),
        "cancel": {},
        "outcomes": outcome_data([("توصیهٔ ناروا", organizer)]),
    }
    for name, data in forms.items():
        url = reverse(f"events:{name}", args=[conference.pk])
        response = send(url, data if method == "post" else {})
        assert response.status_code == 403, name
    conference.refresh_from_db()
    assert conference.name == "همایش دوم روابط عمومی"
    assert conference.status == EventStatus.SCHEDULED
    assert not followups_of(conference).exists()
    assert not Event.objects.filter(name__in=["همایش دبیران", "دستکاری"]).exists()


def test_a_viewer_of_the_organizer_may_not_schedule(client, actors, organizer):
    as_actor(client, actors, "organizer_viewer")
    assert client.get(reverse("events:create")).status_code == 403
    response = client.post(reverse("events:create"), event_data(organizer))
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_a_stranger_cannot_post_an_event_for_the_organizer_without_the_address_naming_it(
    client, actors, organizer
):
    as_actor(client, actors, "stranger_owner")
    response = client.post(reverse("events:create"), event_data(organizer))
    assert response.status_code == 403
    assert not Event.objects.exists()


# --- changing and cancelling ----------------------------------------------------------------------


@pytest.mark.parametrize("who", WRITERS)
def test_the_organizers_editor_and_a_coordinator_change_an_event(client, actors, organizer, who):
    event = event_make(organizer=organizer, name="جلسه", starts_at=soon(4, 18))
    as_actor(client, actors, who)
    response = client.get(reverse("events:edit", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'value="جلسه"' in response.content.decode()
    local = timezone.localtime(event.starts_at, TEHRAN)
    response = client.post(
        reverse("events:edit", args=[event.pk]),
        event_data(
            organizer,
            name="جلسهٔ تازه",
            kind=EventKind.MEETING,
            starts_on=local.date().strftime("%Y/%m/%d"),
            starts_on_calendar="gregorian",
            starts_time="19:00",
            ends_time="21:00",
            lunar_region="IR",
        ),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.name == "جلسهٔ تازه" and event.kind == EventKind.MEETING
    assert timezone.localtime(event.starts_at, TEHRAN).hour == 19
    assert timezone.localtime(event.occurrences.get().starts_at, TEHRAN).hour == 19


def test_a_change_refused_by_the_service_saves_nothing(client, actors, organizer):
    event = event_make(organizer=organizer, name="جلسه", starts_at=soon(4, 18))
    as_actor(client, actors, "organizer_editor")
    response = client.post(
        reverse("events:edit", args=[event.pk]),
        event_data(organizer, name="جلسهٔ تازه", ends_on="1404/09/13", lunar_region="IR"),
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 200
    assert message("The event cannot end before it starts.") in response.content.decode()
    event.refresh_from_db()
    assert event.name == "جلسه"


@pytest.mark.parametrize("who", WRITERS)
def test_cancelling_asks_first_then_cancels(client, actors, organizer, who):
    event = event_make(organizer=organizer, recurrence=Recurrence.WEEKLY, starts_at=soon(2))
    as_actor(client, actors, who)
    url = reverse("events:cancel", args=[event.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and 'id="cancel-form"' in response.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.SCHEDULED
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert not event.occurrences.filter(cancelled=False).exists()
    assert 'id="event-cancelled"' in response.content.decode()
    # a second time says it is already cancelled
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert message("This event has already been cancelled.", "en") in response.content.decode()


# --- outcomes -------------------------------------------------------------------------------------


def outcome_data(rows, extra: int = 2) -> dict:
    """What the outcomes form posts: ``rows`` of (text, organization or id), then empty rows."""
    total = len(rows) + extra
    data = {
        "outcomes-TOTAL_FORMS": str(total),
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "50",
    }
    for index in range(total):
        text, organization = rows[index] if index < len(rows) else ("", "")
        data.update(
            {
                f"outcomes-{index}-text": text,
                f"outcomes-{index}-owner_organization": getattr(organization, "pk", organization),
                f"outcomes-{index}-owner_person": "",
                f"outcomes-{index}-due_on": "1405/03/31" if text else "",
                f"outcomes-{index}-due_on_calendar": "solar",
            }
        )
    return data


@pytest.mark.parametrize("who", WRITERS)
def test_recording_outcomes_creates_numbered_follow_ups(client, actors, conference, stranger, who):
    # Given a conference with one recommendation already recorded
    services.event_outcomes_record(
        actor=SYSTEM,
        event=conference,
        outcomes=[services.OutcomeInput(text="نخست", owner_organization=conference.organizer)],
    )
    as_actor(client, actors, who)
    url = reverse("events:outcomes", args=[conference.pk])
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fa").status_code == 200
    # When two more are recorded, each with its responsible organization and a Solar due date
    response = client.post(
        url,
        outcome_data([("تشکیل دبیرخانهٔ دائمی", conference.organizer), ("تبادل تجربه", stranger)]),
    )
    # Then they are follow-ups 2 and 3 of the conference, due on 31 Khordad 1405
    assert response.status_code == 302
    items = list(followups_of(conference))
    assert [(item.number, item.text) for item in items] == [
        (1, "نخست"),
        (2, "تشکیل دبیرخانهٔ دائمی"),
        (3, "تبادل تجربه"),
    ]
    assert items[2].owner_organization == stranger
    assert items[2].due_on == solar_to_gregorian(1405, 3, 31)
    # and the conference's page lists them
    content = client.get(reverse("events:detail", args=[conference.pk])).content.decode()
    recorded = content.split('id="outcomes"', 1)[1].split('id="earlier-outcomes"', 1)[0]
    assert re.findall(r'data-number="(\d+)"', recorded) == ["1", "2", "3"]


def test_a_bad_row_saves_no_outcome_and_is_shown_on_its_row(client, actors, conference):
    as_actor(client, actors, "organizer_editor")
    response = client.post(
        reverse("events:outcomes", args=[conference.pk]),
        outcome_data([("تشکیل دبیرخانه", conference.organizer), ("بدون مسئول", HUGE)]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    content = response.content.decode()
    bad_row = content.split('id="outcome-row-1"', 1)[1].split("</fieldset>", 1)[0]
    good_row = content.split('id="outcome-row-0"', 1)[1].split("</fieldset>", 1)[0]
    assert "invalid-feedback" in bad_row and "invalid-feedback" not in good_row
    assert not followups_of(conference).exists()


def test_recording_nothing_asks_for_an_outcome(client, actors, conference):
    as_actor(client, actors, "organizer_editor")
    response = client.post(
        reverse("events:outcomes", args=[conference.pk]),
        outcome_data([]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Give at least one outcome." in response.content.decode()


def test_a_gathering_records_no_outcomes(client, actors, organizer):
    gathering = event_make(organizer=organizer)
    as_actor(client, actors, "organizer_editor")
    response = client.get(reverse("events:outcomes", args=[gathering.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[gathering.pk])


# --- a series, an organization ------------------------------------------------------------------


def test_the_series_lists_its_editions_with_their_open_recommendations(client, conference):
    content = client.get(
        reverse("events:series", args=[conference.series_id]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert re.findall(r'data-edition="(\d+)"', content) == ["1", "2"]
    first = content.split('data-edition="1"', 1)[1].split("</section>", 1)[0]
    assert "تدوین شیوه‌نامهٔ مشترک" in first and "برگزاری دورهٔ آموزشی" not in first
    assert "1 recommendation of its editions is still open." in content


def test_an_organizations_events_are_paged_with_a_button_for_its_editors(client, actors, organizer):
    for index in range(27):
        event_make(organizer=organizer, name=f"جلسهٔ {index}", starts_at=soon(index + 1))
    url = reverse("events:organization", args=[organizer.pk])
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(re.findall(r'data-event="\d+"', content)) == 25
    assert "27 events" in content and 'id="event-create"' not in content
    assert (
        len(re.findall(r'data-event="\d+"', client.get(url, {"page": "2"}).content.decode())) == 2
    )
    as_actor(client, actors, "organizer_editor")
    content = client.get(url).content.decode()
    assert f"{reverse('events:create')}?organizer={organizer.pk}" in content


# --- queries --------------------------------------------------------------------------------------


def _events(organizer, count: int, first: int = 0) -> None:
    language = Language.objects.get(code="fa")
    iran = Country.objects.get(code="IR")
    for index in range(first, first + count):
        event_make(
            organizer=organizer if index % 2 else OrganizationFactory(),
            name=f"جلسه {index}",
            language=language,
            country=iran,
            starts_at=soon(1 + index % 20, 18),
        )


@pytest.mark.parametrize("name", ["upcoming", "calendar"])
def test_the_lists_read_as_many_queries_for_20_events_as_for_2(client, organizer, name):
    services.occasion_dates_refresh()
    url = reverse(f"events:{name}")
    _events(organizer, 2)
    few = queries(client, url)
    _events(organizer, 18, first=2)
    many = queries(client, url)
    assert few == many
    filtered = {
        "country": "IR",
        "language": "fa",
        "kind": "gathering",
        "organization": organizer.pk,
    }
    assert queries(client, url, filtered) <= many + 1


def test_a_signed_in_editor_reads_the_calendar_in_as_few_queries(client, actors, organizer):
    as_actor(client, actors, "organizer_editor")
    url = reverse("events:calendar")
    _events(organizer, 2)
    few = queries(client, url)
    _events(organizer, 18, first=2)
    assert queries(client, url) == few


@pytest.mark.django_db
def test_a_days_list_shows_that_day_only(client, organizer):
    # Given an event on a day next month and another two days later
    day = timezone.localdate() + datetime.timedelta(days=35)
    zone = timezone.get_current_timezone()
    at = datetime.datetime.combine(day, datetime.time(18)).replace(tzinfo=zone)
    event_make(organizer=organizer, name="مجلس روز", starts_at=at)
    event_make(
        organizer=organizer, name="مجلس دو روز بعد", starts_at=at + datetime.timedelta(days=2)
    )
    # When the calendar's "more" link for that day is followed
    response = client.get(reverse("events:upcoming"), {"day": day.isoformat()})
    # Then the day's event is listed and the later one is not
    assert response.status_code == 200
    assert "مجلس روز" in response.content.decode()
    assert "مجلس دو روز بعد" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["tomorrow", "2025-13-40", "0001-01-01", "9" * 40])
def test_a_bad_day_is_ignored(client, value):
    assert client.get(reverse("events:upcoming"), {"day": value}).status_code == 200
