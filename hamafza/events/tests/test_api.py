"""The events API: reading and writing through it, who may write, bad input, and costs."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from hamafza.core.calendars import gregorian_to_lunar, lunar_month_length, lunar_to_gregorian
from hamafza.core.models import Country, Language
from hamafza.core.permissions import SYSTEM
from hamafza.directory.policies import roles_forget
from hamafza.directory.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)
from hamafza.events import services
from hamafza.events.models import (
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventKind,
    EventSeries,
    Occasion,
    OccasionDate,
    Occurrence,
    Recurrence,
)
from hamafza.events.services_courses import attendance_record
from hamafza.events.tests.factories import (
    EventSeriesFactory,
    course_make,
    enrolment_make,
    event_make,
)
from hamafza.followups.models import FollowUp

pytestmark = pytest.mark.django_db

TEHRAN = datetime.timezone(datetime.timedelta(hours=3, minutes=30))


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def at(days: int, hour: int = 18) -> datetime.datetime:
    """A time ``days`` from today at ``hour`` in Tehran."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TEHRAN)


def iso(value: datetime.datetime) -> str:
    return value.isoformat()


def translated(message: str, language: str) -> str:
    with translation.override(language):
        return gettext(message)


def db_state():
    """Every row a write endpoint could touch, to prove a refused write changed nothing."""
    through = Enrolment.sessions_attended.through
    return (
        list(Occasion.objects.order_by("pk").values_list("pk", "slug", "description")),
        OccasionDate.objects.count(),
        list(Event.objects.order_by("pk").values_list("pk", "name", "status", "ends_at")),
        list(Occurrence.objects.order_by("pk").values_list("pk", "sequence", "cancelled")),
        list(EventSeries.objects.order_by("pk").values_list("pk", "name")),
        list(FollowUp.objects.order_by("pk").values_list("pk", "text")),
        list(Course.objects.order_by("pk").values_list("pk", "capacity", "seats_taken")),
        list(CourseSession.objects.order_by("pk").values_list("pk", "number")),
        list(Enrolment.objects.order_by("pk").values_list("pk", "status", "certificate_number")),
        list(through.objects.order_by("pk").values_list("enrolment_id", "coursesession_id")),
    )


def _member_of(organization, **values):
    person = PersonFactory(**values)
    MembershipFactory(person=person, organization=organization)
    return person


@pytest.fixture
def world(organizer, stranger, actors):
    """An organizer's conference, series, a coming course with an application and an accepted
    person, and a course that has ended with an accepted person who attended its first
    session."""
    conference = event_make(
        organizer=organizer,
        name="همایش روابط عمومی",
        kind=EventKind.CONFERENCE,
        starts_at=at(20),
    )
    coming = course_make(organizer=organizer, name="دورهٔ رسم خدمت", capacity=5)
    applied = enrolment_make(course=coming, person=_member_of(organizer))
    accepted = enrolment_make(course=coming, person=_member_of(organizer), status="accepted")
    ended = course_make(
        organizer=organizer,
        name="دورهٔ رسم هجرت",
        starts_at=timezone.now().replace(microsecond=0) - datetime.timedelta(days=10),
    )
    attendee = enrolment_make(course=ended, person=_member_of(organizer), status="accepted")
    attendance_record(actor=SYSTEM, session=ended.sessions.get(number=1), present=[attendee.pk])
    return SimpleNamespace(
        organizer=organizer,
        stranger=stranger,
        conference=conference,
        series=EventSeriesFactory(organizer=organizer),
        coming=coming,
        applied=applied,
        accepted=accepted,
        ended=ended,
        attendee=attendee,
        newcomer=_member_of(organizer),
    )


def _event_body(w, **values) -> dict:
    body = {
        "name": "جلسهٔ هماهنگی",
        "kind": "meeting",
        "organizer": w.organizer.pk,
        "venue": "دفتر مرکزی",
        "starts_at": iso(at(12)),
        "ends_at": iso(at(12, 20)),
    }
    return {**body, **values}


def _course_body(w, **values) -> dict:
    body = {key: value for key, value in _event_body(w).items() if key != "kind"}
    body.update(capacity=30, audience="media_liaisons")
    return {**body, **values}


WRITES = {
    "occasion-create": lambda w: (
        "post",
        "/api/occasions/",
        {"slug": "test-day", "name": "روز آزمایشی", "kind": "other", "month": 3, "day": 5},
        201,
    ),
    "occasion-update": lambda w: (
        "patch",
        "/api/occasions/ashura/",
        {"description": "روز دهم محرم"},
        200,
    ),
    "event-create": lambda w: ("post", "/api/events/", _event_body(w), 201),
    "event-update": lambda w: (
        "patch",
        f"/api/events/{w.conference.pk}/",
        {"name": "همایش تازه"},
        200,
    ),
    "event-cancel": lambda w: ("post", f"/api/events/{w.conference.pk}/cancel/", {}, 200),
    "event-outcomes": lambda w: (
        "post",
        f"/api/events/{w.conference.pk}/outcomes/",
        {"outcomes": [{"text": "تهیهٔ شیوه‌نامه", "owner_organization": w.stranger.pk}]},
        201,
    ),
    "event-delete": lambda w: ("delete", f"/api/events/{w.conference.pk}/", None, 204),
    "series-create": lambda w: (
        "post",
        "/api/event-series/",
        {"organizer": w.organizer.pk, "name": "همایش دوره‌ای روابط عمومی"},
        201,
    ),
    "course-create": lambda w: (
        "post",
        "/api/courses/",
        _course_body(
            w,
            name="دورهٔ رسانه",
            sessions=[{"starts_at": iso(at(12)), "ends_at": iso(at(12, 20))}],
        ),
        201,
    ),
    "course-update": lambda w: (
        "patch",
        f"/api/courses/{w.coming.event_id}/",
        {"capacity": 40},
        200,
    ),
    "course-session": lambda w: (
        "post",
        f"/api/courses/{w.coming.event_id}/sessions/",
        {
            "starts_at": iso(w.coming.event.ends_at - datetime.timedelta(hours=1)),
            "ends_at": iso(w.coming.event.ends_at),
        },
        201,
    ),
    "course-enrol": lambda w: (
        "post",
        f"/api/courses/{w.coming.event_id}/enrol/",
        {"person": w.newcomer.pk, "organization": w.organizer.pk},
        201,
    ),
    "course-attendance": lambda w: (
        "post",
        f"/api/courses/{w.ended.event_id}/attendance/",
        {"session": 2, "present": [w.attendee.pk]},
        200,
    ),
    "course-close": lambda w: ("post", f"/api/courses/{w.ended.event_id}/close/", {}, 200),
    "enrolment-accept": lambda w: ("post", f"/api/enrolments/{w.applied.pk}/accept/", {}, 200),
    "enrolment-decline": lambda w: (
        "post",
        f"/api/enrolments/{w.applied.pk}/decline/",
        {"note": "ظرفیت تکمیل است"},
        200,
    ),
    "enrolment-withdraw": lambda w: (
        "post",
        f"/api/enrolments/{w.accepted.pk}/withdraw/",
        {},
        200,
    ),
}
WRITERS = {"organizer_editor", "organizer_owner", "coordinator"}
ALLOWED = {
    "occasion-create": {"coordinator"},
    "occasion-update": {"coordinator"},
    "event-delete": {"organizer_owner", "coordinator"},
}
ACTORS = ["anonymous", "organizer_viewer", "organizer_editor", "stranger_owner", "coordinator"]


def _call(client, method, path, body):
    return getattr(client, method)(path, body, format="json")


@pytest.mark.parametrize("actor", [*ACTORS, "organizer_owner"])
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_every_write_asks_the_policy(world, actors, endpoint, actor):
    # given the organizer's events and courses, and someone who writes
    method, path, body, success = WRITES[endpoint](world)
    before = db_state()
    # when they call the endpoint
    response = _call(api(actors[actor]), method, path, body)
    # then the organizer's editors and coordinators succeed (owners alone delete, coordinators
    # alone keep the occasions) and something changed; everyone else is refused and nothing
    # changed
    if actor in ALLOWED.get(endpoint, WRITERS):
        assert response.status_code == success, response.content
        assert db_state() != before
    else:
        expected = (401, 403) if actor == "anonymous" else (403,)
        assert response.status_code in expected, response.content
        assert db_state() == before


def test_a_person_withdraws_and_the_organization_that_sent_them_too(world, stranger):
    # given a person who applied for themself, and one sent by another organization
    user = UserFactory()
    own = enrolment_make(course=world.coming, person=PersonFactory(user=user))
    sender = OrganizationFactory()
    sender_editor = UserFactory()
    MembershipFactory(person=PersonFactory(user=sender_editor), organization=sender, role="editor")
    sent = enrolment_make(course=world.coming, person=_member_of(sender), organization=sender)
    # when each withdraws, then it is done
    response = api(user).post(f"/api/enrolments/{own.pk}/withdraw/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    response = api(sender_editor).post(f"/api/enrolments/{sent.pk}/withdraw/")
    assert response.status_code == 200, response.content
    # but neither may accept
    assert api(user).post(f"/api/enrolments/{world.applied.pk}/accept/").status_code == 403


# --- events -------------------------------------------------------------------------------


def test_an_event_is_created_read_changed_and_cancelled(world, actors):
    # given an editor of the organizer
    client = api(actors["organizer_editor"])
    iraq = Country.objects.get(code="IQ")
    # when they schedule a weekly gathering in Iraq with a partner
    response = client.post(
        "/api/events/",
        _event_body(
            world,
            name="جلسهٔ هفتگی",
            names={"en": "Weekly gathering"},
            kind="gathering",
            country="IQ",
            countries=["IR", "IQ"],
            partners=[world.stranger.pk],
            language="fa",
            recurrence="weekly",
            repeat_until=(timezone.localdate() + datetime.timedelta(days=40)).isoformat(),
            latitude="32.616",
            longitude="44.024",
        ),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then it is saved with its occurrences, in Iraq's lunar calendar, and read back
    assert response.status_code == 201, response.content
    data = response.json()
    event = Event.objects.get(pk=data["id"])
    assert event.country == iraq
    assert event.lunar_region == "IQ"
    assert event.occurrences.count() >= 5
    assert data["display_name"] == "Weekly gathering"
    assert data["recurrence_label"] == "Every week"
    assert data["partners"] == [world.stranger.pk]
    assert sorted(data["countries"]) == ["IQ", "IR"]
    assert data["language"] == "fa"
    assert data["feed"].endswith(f"/events/{event.pk}.ics")
    assert data["page"].endswith(f"/events/{event.pk}/")
    # when it is read, changed and cancelled
    assert client.get(f"/api/events/{event.pk}/").json()["name"] == "جلسهٔ هفتگی"
    response = client.patch(f"/api/events/{event.pk}/", {"venue": "حسینیه"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["venue"] == "حسینیه"
    response = client.post(f"/api/events/{event.pk}/cancel/")
    # then it is cancelled with every occurrence
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert not event.occurrences.filter(cancelled=False).exists()
    # and cancelling again is a 400 that says so
    again = client.post(f"/api/events/{event.pk}/cancel/", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This event has already been cancelled."]}


def test_an_event_is_moved_with_put(world, actors):
    # given a conference
    client = api(actors["organizer_editor"])
    # when all its fields are sent again with a new start
    response = client.put(
        f"/api/events/{world.conference.pk}/",
        _event_body(world, kind="conference", starts_at=iso(at(30)), ends_at=iso(at(30, 21))),
        format="json",
    )
    # then it and its occurrence moved
    assert response.status_code == 200, response.content
    occurrence = world.conference.occurrences.get()
    assert occurrence.starts_at == at(30)
    assert occurrence.sequence == 1


def test_the_occurrences_of_an_event_in_a_window(world):
    # given a weekly gathering for eight weeks
    event = event_make(
        organizer=world.organizer,
        recurrence=Recurrence.WEEKLY,
        starts_at=at(1),
        repeat_until=timezone.localdate() + datetime.timedelta(days=60),
    )
    start = timezone.localdate() + datetime.timedelta(days=1)
    end = start + datetime.timedelta(days=20)
    # when its occurrences in three weeks are asked for
    response = api().get(
        f"/api/events/{event.pk}/occurrences/",
        {"from": start.isoformat(), "to": end.isoformat()},
    )
    # then three come, a week apart, each with its key and revision
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [row["key"] for row in rows] == [
        (start + datetime.timedelta(days=7 * week)).isoformat() for week in range(3)
    ]
    assert {row["sequence"] for row in rows} == {0}
    assert {row["event"] for row in rows} == {event.pk}


def test_outcomes_are_recorded_all_or_nothing_and_read_by_anyone(world, actors):
    # given a conference and an editor of its organizer
    client = api(actors["organizer_editor"])
    path = f"/api/events/{world.conference.pk}/outcomes/"
    # when seven recommendations are recorded
    body = {
        "outcomes": [
            {
                "text": f"توصیهٔ شمارهٔ {number}",
                "owner_organization": world.stranger.pk,
                "due_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            }
            for number in range(1, 8)
        ]
    }
    response = client.post(path, body, format="json")
    # then they are numbered 1 to 7, each a follow-up, and anyone reads them
    assert response.status_code == 201, response.content
    assert [row["number"] for row in response.json()] == list(range(1, 8))
    public = api().get(path).json()
    assert [row["text"] for row in public] == [f"توصیهٔ شمارهٔ {n}" for n in range(1, 8)]
    assert public[0]["owner_organization"] == world.stranger.pk
    assert public[0]["status"] == "open"
    # when a list with one bad outcome is sent, then none of it is kept
    before = db_state()
    bad = {"outcomes": [{"text": "خوب", "owner_organization": world.stranger.pk}, {"text": ""}]}
    response = client.post(path, bad, format="json")
    assert response.status_code == 400
    assert "outcomes" in response.json()
    assert db_state() == before
    # and a gathering records no outcomes
    gathering = event_make(organizer=world.organizer)
    before = db_state()
    response = client.post(
        f"/api/events/{gathering.pk}/outcomes/",
        {"outcomes": [{"text": "تصمیم", "owner_organization": world.stranger.pk}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Only conferences" in response.json()["non_field_errors"][0]
    assert db_state() == before


def test_events_are_listed_with_their_filters(world):
    # given events of different kinds, places, languages and times
    iraq = Country.objects.get(code="IQ")
    arabic = Language.objects.get(code="ar")
    in_iraq = event_make(
        organizer=world.stranger,
        name="مراسم اربعین",
        country=iraq,
        language=arabic,
        kind=EventKind.CEREMONY,
        starts_at=at(40),
    )
    later = event_make(organizer=world.organizer, name="کنگره", starts_at=at(100))
    client = api()

    def ids(**params) -> set[int]:
        response = client.get("/api/events/", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    every = set(Event.objects.values_list("pk", flat=True))
    # then each filter narrows the list
    assert ids() == every
    assert ids(kind="ceremony") == {in_iraq.pk}
    assert ids(organizer=world.stranger.pk) == {in_iraq.pk}
    assert ids(country="iq") == {in_iraq.pk}
    assert ids(language="ar") == {in_iraq.pk}
    assert ids(q="اربعين") == {in_iraq.pk}  # any spelling
    window = {
        "from": at(35).isoformat(),
        "to": (timezone.localdate() + datetime.timedelta(days=45)).isoformat(),
    }
    assert ids(**window) == {in_iraq.pk}
    assert later.pk in ids(**{"from": at(90).isoformat()})
    assert ids(status="cancelled") == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"organizer": "abc"}, "organizer"),
        ({"organizer": "99999999999999999999999"}, "organizer"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2025-12-05T18:00:00"}, "from"),
        ({"to": "0001-01-01"}, "to"),
        ({"status": "gone"}, "status"),
    ],
)
def test_bad_filters_are_a_400_naming_them(params, field):
    response = api().get("/api/events/", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/99999999999999999999999/",
        "/api/events/0/",
        "/api/events/abc/",
        "/api/event-series/99999999999999999999999/",
        "/api/courses/99999999999999999999999/",
        "/api/occasions/no-such-day/",
        "/api/events/99999999/occurrences/",
    ],
)
def test_what_names_nothing_is_not_found(path):
    assert api().get(path).status_code == 404


# --- bad input ----------------------------------------------------------------------------


def _creates_nothing(client, body, language: str):
    before = db_state()
    response = client.post("/api/events/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400, response.content
    assert db_state() == before
    return response.json()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_event_that_ends_before_it_starts_is_refused(world, actors, language):
    client = api(actors["organizer_editor"])
    body = _event_body(world, starts_at=iso(at(5, 20)), ends_at=iso(at(5, 18)))
    errors = _creates_nothing(client, body, language)
    expected = translated("The event cannot end before it starts.", language)
    assert expected in errors["ends_at"]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_overlapping_weekly_rule_is_refused(world, actors, language):
    # given a weekly gathering at a venue on one evening
    event_make(
        organizer=world.organizer,
        name="دعای کمیل",
        venue="حسینیه",
        recurrence=Recurrence.WEEKLY,
        starts_at=at(2, 19),
        ends_at=at(2, 21),
    )
    # when another weekly one at the same venue overlaps it
    body = _event_body(
        world,
        venue="حسینیه",
        kind="gathering",
        recurrence="weekly",
        starts_at=iso(at(9, 20)),
        ends_at=iso(at(9, 22)),
    )
    errors = _creates_nothing(api(actors["organizer_editor"]), body, language)
    # then it is refused, naming the other
    with translation.override(language):
        expected = gettext(
            "This weekly rule overlaps the weekly “%(event)s” of the same organizer at the "
            "same venue."
        ) % {"event": "دعای کمیل"}
    assert errors["recurrence"] == [expected]


def _a_day_30() -> datetime.date:
    """The 30th of a coming lunar month (Iran's calendar)."""
    today = timezone.localdate()
    current = gregorian_to_lunar(today, "IR")
    year, month = current.year, current.month
    for _step in range(24):
        if lunar_month_length(year, month, "IR") == 30:
            day = lunar_to_gregorian(year, month, 30, "IR")
            if day > today:
                return day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("no 30-day month ahead")


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_yearly_rule_on_a_hijri_day_30_is_refused(world, actors, language):
    # given the 30th day of a lunar month
    day = _a_day_30()
    starts = datetime.datetime.combine(day, datetime.time(12), tzinfo=TEHRAN)
    body = _event_body(
        world,
        recurrence="yearly_hijri",
        starts_at=iso(starts),
        ends_at=iso(starts + datetime.timedelta(hours=2)),
    )
    # when an event is to repeat every year on it, then it is refused: not every year has it
    errors = _creates_nothing(api(actors["organizer_editor"]), body, language)
    expected = translated(
        "Day 30 does not exist in a 29-day month. To keep the date every year, "
        "choose “the last day of the month”.",
        language,
    )
    assert errors["recurrence"] == [expected]


def test_unknown_fields_are_refused_in_the_requests_language(world, actors):
    client = api(actors["organizer_editor"])
    body = _event_body(world, colour="red", hijri_month=3)
    errors = _creates_nothing(client, body, "fa")
    assert errors == {"non_field_errors": ["فیلدهای ناشناخته: colour, hijri_month"]}
    errors = _creates_nothing(client, body, "en")
    assert errors == {"non_field_errors": ["Unknown fields: colour, hijri_month"]}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"starts_at": "2025-12-05T18:00:00"}, "starts_at"),  # no zone
        ({"starts_at": "1404-09-14T18:00:00+03:30"}, "starts_at"),  # a Solar Hijri year
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"kind": "party"}, "kind"),
        ({"organizer": 99999999}, "organizer"),
        ({"country": "XX"}, "country"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"city": "قم"}, "city"),
        ({"online": False, "venue": ""}, "venue"),
        ({"online_url": "https://example.org/live"}, "online_url"),
        ({"edition": 3}, "edition"),
        ({"names": {"en": 5}}, "names"),
        ({"latitude": "95"}, "latitude"),
    ],
)
def test_bad_event_input_is_a_400_on_its_field_and_saves_nothing(world, actors, values, field):
    body = _event_body(world, **values)
    errors = _creates_nothing(api(actors["organizer_editor"]), body, "en")
    assert field in errors, errors


def test_a_change_that_breaks_a_rule_changes_nothing(world, actors):
    before = db_state()
    response = api(actors["organizer_editor"]).patch(
        f"/api/events/{world.conference.pk}/",
        {"ends_at": iso(world.conference.starts_at - datetime.timedelta(hours=1))},
        format="json",
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()
    assert db_state() == before


# --- the occurrences list -----------------------------------------------------------------


def test_the_occurrences_list_is_a_window_of_the_calendar(world):
    # given a weekly gathering, a cancelled event and an event in Iraq
    weekly = event_make(
        organizer=world.organizer,
        recurrence=Recurrence.WEEKLY,
        starts_at=at(1),
        venue="مسجد",
    )
    cancelled = event_make(organizer=world.organizer, starts_at=at(3), venue="تالار")
    services.event_cancel(actor=SYSTEM, event=cancelled)
    iraq = event_make(
        organizer=world.stranger, starts_at=at(4), country=Country.objects.get(code="IQ")
    )
    window = {"from": timezone.localdate().isoformat(), "to": at(15).isoformat()}

    def rows(**params):
        response = api().get("/api/occurrences/", {**window, **params})
        assert response.status_code == 200, response.content
        return response.json()["results"]

    # then the window holds the occurrences that overlap it, earliest first
    listed = rows()
    assert [row["starts_at"] for row in listed] == sorted(row["starts_at"] for row in listed)
    assert [row["key"] for row in listed if row["event"] == weekly.pk] == [
        (timezone.localdate() + datetime.timedelta(days=d)).isoformat() for d in (1, 8)
    ]
    assert {row["event"] for row in rows(country="IQ")} == {iraq.pk}
    assert rows(country="IQ")[0]["country"] == "IQ"
    assert cancelled.pk in {row["event"] for row in listed}
    assert cancelled.pk not in {row["event"] for row in rows(cancelled="false")}
    assert world.conference.pk not in {row["event"] for row in listed}  # in twenty days


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-01-10", "to": "2026-01-01"},
        {"from": "2026-01-01", "to": "2028-01-01"},
        {"from": "not a date"},
        {"cancelled": "perhaps"},
    ],
)
def test_a_bad_window_is_a_400(params):
    assert api().get("/api/occurrences/", params).status_code == 400


# --- occasions ----------------------------------------------------------------------------


def test_occasions_are_read_with_their_dates_in_a_region():
    # given the occasions' dates in every region
    services.occasion_dates_refresh()
    # when the occasions are read with Iraq's dates, in English
    response = api().get("/api/occasions/", {"region": "IQ"}, HTTP_ACCEPT_LANGUAGE="en")
    # then each comes with its dates in Iraq
    assert response.status_code == 200
    ashura = next(row for row in response.json() if row["slug"] == "ashura")
    assert ashura["display_name"] == "Ashura"
    assert ashura["kind_label"] == "Mourning"
    expected = OccasionDate.objects.filter(occasion__slug="ashura", region="IQ")
    assert [row["starts_on"] for row in ashura["dates"]] == [
        row.starts_on.isoformat() for row in expected.order_by("hijri_year")
    ]
    assert {row["region"] for row in ashura["dates"]} == {"IQ"}
    # and one occasion is read by its short code
    one = api().get("/api/occasions/ashura/", {"region": "IR"}).json()
    assert one["month"] == 1
    assert one["day"] == 10
    assert {row["region"] for row in one["dates"]} == {"IR"}
    # and an unknown region is a 400
    assert api().get("/api/occasions/", {"region": "XX"}).status_code == 400


def test_a_coordinator_adds_an_occasion_with_its_dates(actors):
    # when a coordinator adds an occasion on the last day of Safar
    response = api(actors["coordinator"]).post(
        "/api/occasions/",
        {
            "slug": "end-of-safar",
            "name": "پایان صفر",
            "names": {"en": "End of Safar"},
            "kind": "mourning",
            "month": 2,
            "last_day": True,
        },
        format="json",
    )
    # then it is saved with its dates in every region
    assert response.status_code == 201, response.content
    occasion = Occasion.objects.get(slug="end-of-safar")
    assert occasion.dates.filter(region="IR").exists()
    assert response.json()["dates"]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_occasion_on_day_30_is_refused(actors, language):
    before = db_state()
    response = api(actors["coordinator"]).post(
        "/api/occasions/",
        {"slug": "day-30", "name": "روز سی‌ام", "kind": "other", "month": 2, "day": 30},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    expected = translated(
        "Day 30 does not exist in a 29-day month. To keep the date every year, "
        "choose “the last day of the month”.",
        language,
    )
    assert response.json()["day"] == [expected]
    assert db_state() == before


# --- series -------------------------------------------------------------------------------


def test_a_series_shows_which_recommendations_of_its_editions_are_open(world, actors):
    # given a series started through the API
    client = api(actors["organizer_editor"])
    response = client.post(
        "/api/event-series/",
        {"organizer": world.organizer.pk, "name": "همایش دوره‌ای روابط عمومی آستان‌ها"},
        format="json",
    )
    assert response.status_code == 201, response.content
    series = EventSeries.objects.get(pk=response.json()["id"])
    # and its 7th edition with two recommendations, one of them done
    seventh = event_make(
        organizer=world.organizer,
        kind=EventKind.CONFERENCE,
        series=series,
        edition=7,
        starts_at=timezone.now() - datetime.timedelta(days=300),
    )
    done, still_open = services.event_outcomes_record(
        actor=SYSTEM,
        event=seventh,
        outcomes=[
            services.OutcomeInput(text="انجام‌شده", owner_organization=world.stranger),
            services.OutcomeInput(text="باز", owner_organization=world.stranger),
        ],
    )
    FollowUp.objects.filter(pk=done.pk).update(status="done")
    eighth = event_make(
        organizer=world.organizer, kind=EventKind.CONFERENCE, series=series, edition=8
    )
    # when the series is read, then its editions come in order
    detail = api().get(f"/api/event-series/{series.pk}/").json()
    assert [row["edition"] for row in detail["editions"]] == [7, 8]
    # and its open recommendations are those still open, by edition
    groups = api().get(f"/api/event-series/{series.pk}/open-outcomes/").json()
    assert [group["edition"]["id"] for group in groups] == [seventh.pk]
    assert [item["id"] for item in groups[0]["outcomes"]] == [still_open.pk]
    before_eighth = api().get(f"/api/event-series/{series.pk}/open-outcomes/", {"before": 7}).json()
    assert before_eighth == []
    assert eighth.pk


# --- courses ------------------------------------------------------------------------------


def test_a_course_is_created_and_filled_with_a_waiting_list(world, actors):
    # given an editor of the organizer
    client = api(actors["organizer_editor"])
    # when they create a course of one seat with two sessions
    response = client.post(
        "/api/courses/",
        _course_body(
            world,
            name="دورهٔ روابط عمومی",
            capacity=1,
            audience="public_relations",
            sessions=[
                {"starts_at": iso(at(12, 18)), "ends_at": iso(at(12, 19)), "topic": "آشنایی"},
                {"starts_at": iso(at(12, 19)), "ends_at": iso(at(12, 20))},
            ],
        ),
        format="json",
    )
    # then it exists with its numbered sessions
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["capacity"] == 1
    assert [s["number"] for s in data["sessions"]] == [1, 2]
    assert data["sessions"][0]["topic"] == "آشنایی"
    event_id = data["event"]
    assert Event.objects.get(pk=event_id).kind == EventKind.COURSE
    # when two members are enrolled and both accepted
    first, second = _member_of(world.organizer), _member_of(world.organizer)
    ids = []
    for person in (first, second):
        response = client.post(
            f"/api/courses/{event_id}/enrol/",
            {"person": person.pk, "organization": world.organizer.pk},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "applied"
        ids.append(response.json()["id"])
    statuses = [client.post(f"/api/enrolments/{pk}/accept/").json()["status"] for pk in ids]
    # then the first takes the seat and the second waits (not an error)
    assert statuses == ["accepted", "waitlisted"]
    # and when the first withdraws, the second gets the seat
    assert client.post(f"/api/enrolments/{ids[0]}/withdraw/").json()["status"] == "withdrawn"
    assert Enrolment.objects.get(pk=ids[1]).status == EnrolmentStatus.ACCEPTED
    # and the course's list shows both, for its organizer
    rows = client.get(f"/api/courses/{event_id}/enrolments/").json()["results"]
    assert [row["status"] for row in rows] == ["withdrawn", "accepted"]
    assert api().get(f"/api/courses/{event_id}/enrolments/").status_code in (401, 403)
    # and the same person cannot apply twice
    again = client.post(
        f"/api/courses/{event_id}/enrol/",
        {"person": second.pk, "organization": world.organizer.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert again.status_code == 400
    assert "already applied" in again.json()["person"][0]


def test_a_person_applies_for_themself_and_sees_only_their_own(world):
    # given a signed-in person
    user = UserFactory()
    person = PersonFactory(user=user)
    # when they apply for the course
    response = api(user).post(
        f"/api/courses/{world.coming.event_id}/enrol/", {"person": person.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    # then their list and the course's list show their enrolment alone
    mine = api(user).get("/api/enrolments/").json()["results"]
    assert [row["person"] for row in mine] == [person.pk]
    listed = api(user).get(f"/api/courses/{world.coming.event_id}/enrolments/").json()
    assert [row["person"] for row in listed["results"]] == [person.pk]
    # and they may not enrol someone else
    other = PersonFactory()
    response = api(user).post(
        f"/api/courses/{world.coming.event_id}/enrol/", {"person": other.pk}, format="json"
    )
    assert response.status_code == 403
    # and they may not read another's enrolment
    assert api(user).get(f"/api/enrolments/{world.applied.pk}/").status_code == 403


def test_attendance_close_and_certificate(world, actors):
    # given a course that has ended, with an accepted person present at its first session
    client = api(actors["organizer_editor"])
    event_id = world.ended.event_id
    # when someone not accepted is marked present, then it is refused
    response = client.post(
        f"/api/courses/{event_id}/attendance/",
        {"session": 1, "present": [world.applied.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "present" in response.json()
    # and a session the course lacks is a 400 on the session
    response = client.post(
        f"/api/courses/{event_id}/attendance/", {"session": 9, "present": []}, format="json"
    )
    assert response.status_code == 400
    assert "session" in response.json()
    # when the course is closed
    response = client.post(f"/api/courses/{event_id}/close/")
    # then the person who attended gets a certificate
    assert response.status_code == 200, response.content
    assert response.json() == {"issued": 1}
    enrolment = client.get(f"/api/enrolments/{world.attendee.pk}/").json()
    assert enrolment["status"] == "attended"
    assert enrolment["certificate_number"]
    assert enrolment["certificate"].endswith(
        f"/api/enrolments/{world.attendee.pk}/certificate.pdf/"
    )
    pdf = client.get(f"/api/enrolments/{world.attendee.pk}/certificate.pdf/", {"language": "en"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # and a stranger may not read it
    stranger = api(actors["stranger_owner"])
    response = stranger.get(f"/api/enrolments/{world.attendee.pk}/certificate.pdf/")
    assert response.status_code == 403


def test_courses_are_listed_by_audience(world):
    response = api().get("/api/courses/", {"audience": "council_leaders"})
    assert response.status_code == 200
    assert [row["event"] for row in response.json()["results"]] == [world.coming.event_id]
    assert api().get("/api/courses/", {"audience": "students"}).status_code == 400
    one = api().get(f"/api/courses/{world.coming.event_id}/").json()
    assert one["seats_left"] == 4
    assert [s["number"] for s in one["sessions"]] == [1, 2, 3]


# --- costs --------------------------------------------------------------------------------


def _grow(w, series, start: int, count: int) -> None:
    iraq = Country.objects.get(code="IQ")
    for number in range(start, start + count):
        event = event_make(
            organizer=w.organizer,
            name=f"همایش {number}",
            kind=EventKind.CONFERENCE,
            venue=f"تالار {number}",
            country=iraq,
            partners=[w.stranger],
            countries=[iraq],
            series=series,
            edition=number + 1,
            starts_at=at(1 + number % 10),
            recurrence=Recurrence.WEEKLY if number % 2 else Recurrence.NONE,
            repeat_until=timezone.localdate() + datetime.timedelta(days=30) if number % 2 else None,
        )
        services.event_outcomes_record(
            actor=SYSTEM,
            event=event,
            outcomes=[services.OutcomeInput(text="توصیه", owner_organization=w.stranger)],
        )
        course = course_make(organizer=w.organizer, name=f"دوره {number}", venue=f"کلاس {number}")
        enrolment_make(course=course, person=_member_of(w.organizer), organization=w.organizer)
        enrolment_make(course=w.coming, person=_member_of(w.organizer), organization=w.organizer)


LISTS = [
    ("/api/events/", {}),
    ("/api/events/", {"country": "IQ", "q": "همایش", "from": "2000-01-01"}),
    ("/api/occurrences/", {}),
    ("/api/occasions/", {"region": "IQ"}),
    ("/api/event-series/", {}),
    ("/api/courses/", {}),
    ("/api/enrolments/", {}),
    ("COURSE/enrolments/", {}),
    ("SERIES/open-outcomes/", {}),
    ("SERIES/", {}),
]


def _queries(user, path: str, params: dict) -> int:
    roles_forget(user)
    with CaptureQueriesContext(connection) as captured:
        response = api(user).get(path, params)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


@pytest.mark.parametrize(("path", "params"), LISTS)
def test_lists_cost_the_same_whatever_their_length(world, actors, path, params):
    # given a few events, courses and enrolments, then many more
    user = actors["organizer_editor"]
    services.occasion_dates_refresh()
    series = EventSeriesFactory(organizer=world.organizer)
    _grow(world, series, 0, 2)
    path = path.replace("COURSE", f"/api/courses/{world.coming.event_id}").replace(
        "SERIES", f"/api/event-series/{series.pk}"
    )
    _queries(user, path, params)  # content types and the like, cached once
    small = _queries(user, path, params)
    _grow(world, series, 2, 10)
    # then listing them costs the same number of queries
    assert _queries(user, path, params) == small


# --- the schema ---------------------------------------------------------------------------


def test_the_schema_builds_without_warnings(tmp_path):
    # when the OpenAPI schema is built and validated, then no warning, and every endpoint
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/occasions/",
        "/api/occasions/{slug}/",
        "/api/events/",
        "/api/events/{id}/cancel/",
        "/api/events/{id}/occurrences/",
        "/api/events/{id}/outcomes/",
        "/api/occurrences/",
        "/api/event-series/{id}/open-outcomes/",
        "/api/courses/{event}/",
        "/api/courses/{event}/enrol/",
        "/api/courses/{event}/attendance/",
        "/api/courses/{event}/close/",
        "/api/enrolments/{id}/accept/",
        "/api/enrolments/{id}/decline/",
        "/api/enrolments/{id}/withdraw/",
        "/api/enrolments/{id}/certificate.pdf/",
    ):
        assert f"{path}:" in schema, path
