"""Course pages, for everyone who might use them, in Persian and English."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hamafza.core.calendars import date_numeric
from hamafza.core.permissions import SYSTEM
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)
from hamafza.events import services_courses as services
from hamafza.events.models import Course, CourseSession, Enrolment, EnrolmentStatus, Event
from hamafza.events.tests.factories import course_make, enrolment_make, event_make

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "organizer_viewer",
    "organizer_editor",
    "organizer_owner",
    "stranger_owner",
    "coordinator",
]
WRITERS = {"organizer_editor", "organizer_owner", "coordinator"}


def now():
    return timezone.now().replace(microsecond=0)


def days(n: float) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def as_actor(client, actors, who):
    if actors[who] is not None:
        client.force_login(actors[who])
    return client


def assert_refused(response, who):
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, response.status_code


def message_in(language: str, message: str, **params) -> str:
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


def course_url(course, name="events:course", **kwargs):
    return reverse(name, kwargs={"pk": course.event_id, **kwargs})


def status_of(enrolment) -> str:
    return Enrolment.objects.get(pk=enrolment.pk).status


@pytest.fixture
def course(organizer):
    return course_make(organizer=organizer, capacity=2, name="رسم خدمت")


@pytest.fixture
def member(organizer):
    """A member of the organizer, whom its editors may enrol."""
    person = PersonFactory(name="زهرا احمدی")
    MembershipFactory(person=person, organization=organizer)
    return person


@pytest.fixture
def ended(organizer):
    """A course of two sessions that ended; one accepted person attended both."""
    course = course_make(
        organizer=organizer, starts_at=now() - days(4), sessions=2, name="رسم هجرت"
    )
    attendee = enrolment_make(course=course, status="accepted", person=PersonFactory(name="حسن"))
    for session in course.sessions.all():
        services.attendance_record(actor=SYSTEM, session=session, present=[attendee])
    return course


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "direction"), [("fa", "rtl"), ("en", "ltr")])
def test_the_list_shows_courses_with_seats_left(client, course, organizer, language, direction):
    # Given an open course, a full one, and one for another audience
    full = course_make(organizer=organizer, capacity=1, name="دورهٔ پر")
    enrolment_make(course=full, status="accepted")
    imams = course_make(organizer=organizer, name="دورهٔ امامان", audience="imams")
    # When anyone opens the list
    response = client.get(reverse("events:courses"), HTTP_ACCEPT_LANGUAGE=language)
    # Then the courses with seats left are listed, in the page's direction
    page = response.content.decode()
    assert response.status_code == 200
    assert f'dir="{direction}"' in page
    assert "رسم خدمت" in page and "دورهٔ امامان" in page
    assert "دورهٔ پر" not in page
    seats = "۲" if language == "fa" else "2"
    assert seats in page
    # And the audience filters them
    response = client.get(reverse("events:courses"), {"audience": "imams"})
    assert reverse("events:course", args=[imams.event_id]) in response.content.decode()
    assert reverse("events:course", args=[course.event_id]) not in response.content.decode()
    # And a filter nobody offers is ignored
    response = client.get(reverse("events:courses"), {"audience": "x" * 50, "page": "۹۹۹"})
    assert response.status_code == 200
    assert "رسم خدمت" in response.content.decode()


def test_the_list_leaves_out_courses_no_one_can_apply_for(client, organizer):
    # Given a course that has begun, one that has begun but takes people until next week,
    # and a cancelled one
    course_make(organizer=organizer, starts_at=now() - days(1), name="آغازشده")
    late = course_make(organizer=organizer, starts_at=now() - days(1), name="ثبت‌نام باز")
    Course.objects.filter(pk=late.pk).update(enrolment_closes_on=timezone.localdate() + days(1))
    cancelled = course_make(organizer=organizer, name="لغوشده")
    Event.objects.filter(pk=cancelled.event_id).update(status="cancelled")
    # When the list is read
    page = client.get(reverse("events:courses")).content.decode()
    # Then only the one still taking applications is there
    assert "ثبت‌نام باز" in page
    assert "آغازشده" not in page and "لغوشده" not in page


@pytest.mark.parametrize(("language", "direction"), [("fa", "rtl"), ("en", "ltr")])
def test_the_course_page_for_a_visitor(client, course, language, direction):
    # When an anonymous visitor opens a course
    response = client.get(course_url(course), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    # Then they read its sessions, seats and audience, and are asked to sign in to apply
    assert response.status_code == 200
    assert f'dir="{direction}"' in page
    assert page.count('id="session-') == 3
    assert course.get_audience_display() in page or "council" in page.lower()
    assert 'id="course-seats"' in page
    assert "/accounts/login/" in page
    # And no one's enrolment is shown to them
    assert 'id="enrolments"' not in page


def test_the_course_page_reads_dates_in_every_calendar(client, course):
    # When the page is read in Persian
    page = client.get(course_url(course), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    # Then the start is given in the Solar Hijri, lunar Hijri and Gregorian calendars
    assert page.count('data-calendar="solar"') >= 1
    assert 'data-calendar="lunar"' in page
    assert 'data-calendar="gregorian"' in page


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "12abc"])
def test_bad_course_addresses_are_404(client, pk):
    response = client.get(f"/events/{pk}/course/")
    assert response.status_code == 404


def test_an_event_without_a_course_has_no_course_page(client, organizer):
    event = event_make(organizer=organizer)
    assert client.get(reverse("events:course", args=[event.pk])).status_code == 404


def test_the_organizer_sees_enrolments_by_status(client, actors, course):
    # Given an applicant, an accepted person and one on the waiting list
    enrolment_make(course=course, person=PersonFactory(name="متقاضی"))
    enrolment_make(course=course, status="accepted", person=PersonFactory(name="پذیرفته"))
    enrolment_make(course=course, status="waitlisted", person=PersonFactory(name="منتظر"))
    # When the organizer's editor opens the course
    as_actor(client, actors, "organizer_editor")
    page = client.get(course_url(course), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Then each status has its table, with accept and decline buttons
    for status in ("applied", "accepted", "waitlisted"):
        assert f'data-status="{status}"' in page
    assert "متقاضی" in page and "پذیرفته" in page and "منتظر" in page
    assert 'value="accept"' in page and 'value="decline"' in page
    # And the organizer's viewer does not see them
    client.force_login(actors["organizer_viewer"])
    assert 'id="enrolments"' not in client.get(course_url(course)).content.decode()


def test_the_course_page_costs_the_same_with_2_or_20_enrolments(
    client, actors, organizer, django_assert_num_queries
):
    # Given two courses, one with 2 enrolments and one with 20, some sent by organizations
    small, large = course_make(organizer=organizer), course_make(organizer=organizer)
    sender = OrganizationFactory()
    for course, count in ((small, 2), (large, 20)):
        for index in range(count):
            enrolment_make(
                course=course,
                status=["applied", "accepted", "waitlisted"][index % 3],
                organization=sender if index % 2 else None,
            )
    as_actor(client, actors, "organizer_editor")
    client.get(course_url(small))  # warm the caches of places and sessions
    # When the organizer opens each
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(course_url(small)).status_code == 200
    # Then both take the same number of queries
    with django_assert_num_queries(len(small_queries)):
        assert client.get(course_url(large)).status_code == 200


# --- scheduling ------------------------------------------------------------------------------


def course_post(organizer, *, day=None, session_day=None, **overrides):
    """A new course as typed: dates in the Solar Hijri calendar with Persian digits."""
    day = day or (timezone.localdate() + days(20))
    session_day = session_day or day
    data = {
        "name": "دورهٔ رسم خدمت تابستان",
        "organizer": str(organizer.pk),
        "venue": "حسینیه",
        "starts_on": date_numeric(day, calendar="solar", language="fa"),
        "starts_on_calendar": "solar",
        "starts_time": "۰۹:۰۰",
        "ends_on": date_numeric(day + days(1), calendar="solar", language="fa"),
        "ends_on_calendar": "solar",
        "ends_time": "۱۷:۰۰",
        "time_zone": "Asia/Tehran",
        "language": "",
        "audience": "council_leaders",
        "capacity": "۳۰",
        "enrolment_closes_on": "",
        "enrolment_closes_on_calendar": "solar",
        "attendance_required": "۲",
        "sessions-TOTAL_FORMS": "3",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "60",
    }
    for index, (when, start, end) in enumerate(
        [(session_day, "09:00", "12:00"), (day + days(1), "09:00", "12:00")]
    ):
        data.update(
            {
                f"sessions-{index}-day": date_numeric(when, calendar="solar", language="fa"),
                f"sessions-{index}-day_calendar": "solar",
                f"sessions-{index}-starts_time": start,
                f"sessions-{index}-ends_time": end,
                f"sessions-{index}-topic": f"جلسهٔ {index + 1}",
            }
        )
    data.update(overrides)
    return data


def test_an_editor_schedules_a_course_typed_in_the_solar_calendar(client, actors, organizer):
    # Given the organizer's editor on the form, in Persian
    as_actor(client, actors, "organizer_editor")
    form = client.get(
        reverse("events:course-create"), {"organizer": organizer.pk}, HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert form.status_code == 200
    assert 'dir="rtl"' in form.content.decode()
    # When they post a course with two sessions (a third row left empty)
    day = timezone.localdate() + days(20)
    response = client.post(reverse("events:course-create"), course_post(organizer, day=day))
    # Then the course exists with its sessions, read in Tehran's time zone
    course = Course.objects.select_related("event").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:course", args=[course.event_id])
    assert (course.capacity, course.attendance_required) == (30, 2)
    sessions = list(course.sessions.order_by("number"))
    assert len(sessions) == 2
    tehran = datetime.timezone(datetime.timedelta(hours=3, minutes=30))
    assert sessions[0].starts_at == datetime.datetime.combine(
        day, datetime.time(9), tehran
    ).astimezone(datetime.UTC)
    assert course.event.kind == "course"


def test_a_session_outside_the_course_is_shown_and_nothing_saved(client, actors, organizer):
    # Given a session typed a week after the course
    as_actor(client, actors, "organizer_editor")
    day = timezone.localdate() + days(20)
    data = course_post(organizer, day=day, session_day=day + days(7))
    # When posted, in English
    response = client.post(reverse("events:course-create"), data, HTTP_ACCEPT_LANGUAGE="en")
    # Then the form comes back with the message, and nothing is saved
    assert response.status_code == 200
    assert "falls outside the course" in response.content.decode()
    assert not Event.objects.exists()


def test_bad_numbers_on_the_form_are_form_errors(client, actors, organizer):
    as_actor(client, actors, "organizer_editor")
    # Given numbers no one could mean: no seats, a word for a count, an id past any database's
    data = course_post(organizer, capacity="۰", attendance_required="many")
    data["organizer"] = "9" * 30
    # When posted
    response = client.post(reverse("events:course-create"), data, HTTP_ACCEPT_LANGUAGE="en")
    # Then the form comes back with errors on those fields, and nothing is saved
    assert response.status_code == 200
    form = response.context["form"]
    assert {"capacity", "attendance_required", "organizer"} <= set(form.errors)
    assert not Course.objects.exists()


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_schedule_a_course(client, actors, organizer, who):
    # Given someone who might try to schedule for the organizer
    as_actor(client, actors, who)
    # When they open the form and post it
    page = client.get(reverse("events:course-create"), {"organizer": organizer.pk})
    response = client.post(reverse("events:course-create"), course_post(organizer))
    # Then writers schedule it; anyone else is refused and nothing is saved
    if who in WRITERS:
        assert page.status_code == 200
        assert response.status_code == 302
        assert Course.objects.count() == 1
    else:
        assert_refused(page, who)
        assert_refused(response, who)
        assert not Event.objects.exists()


# --- enrolment -------------------------------------------------------------------------------


def test_an_editor_enrols_a_member_from_the_course_page(client, actors, course, member):
    # Given the organizer's editor on the course page, who is offered its members
    as_actor(client, actors, "organizer_editor")
    page = client.get(course_url(course)).content.decode()
    assert 'id="enrol-form"' in page and "زهرا احمدی" in page
    # When they enrol the member
    organizer = course.event.organizer
    response = client.post(
        course_url(course, "events:course-enrol"),
        {"organization": organizer.pk, "person": member.pk, "note": ""},
    )
    # Then the member has applied, sent by the organizer
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.organization) == (member, organizer)
    # And enrolling them again shows the message on the form, with nothing more saved
    response = client.post(
        course_url(course, "events:course-enrol"),
        {"organization": organizer.pk, "person": member.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "already applied" in response.content.decode()
    assert Enrolment.objects.count() == 1


def test_a_non_member_is_refused_on_the_form(client, actors, course):
    as_actor(client, actors, "organizer_editor")
    outsider = PersonFactory()
    response = client.post(
        course_url(course, "events:course-enrol"),
        {"organization": course.event.organizer_id, "person": outsider.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "is not a member of" in response.content.decode()
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(("language", "direction"), [("fa", "rtl"), ("en", "ltr")])
def test_a_person_applies_and_withdraws(client, course, language, direction):
    # Given a signed-in person on the course page
    user = UserFactory()
    person = PersonFactory(user=user, name="مریم کریمی")
    client.force_login(user)
    page = client.get(course_url(course), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'id="apply-form"' in page and f'dir="{direction}"' in page
    # When they apply for themself
    response = client.post(course_url(course, "events:course-enrol"), {"note": "علاقه‌مندم"})
    # Then their application is received
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(person=person)
    assert (enrolment.status, enrolment.organization) == ("applied", None)
    page = client.get(course_url(course), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'data-status="applied"' in page and 'value="withdraw"' in page
    # When they withdraw
    response = client.post(
        reverse("events:enrolment-decide", args=[enrolment.pk]),
        {"decision": "withdraw", "next": course_url(course)},
    )
    # Then they are back on the course page, withdrawn
    assert response.status_code == 302 and response["Location"] == course_url(course)
    assert status_of(enrolment) == EnrolmentStatus.WITHDRAWN


def test_applying_without_a_person_record_is_explained(client, course):
    client.force_login(UserFactory())
    response = client.post(course_url(course, "events:course-enrol"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "not linked to a person" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_the_list_shows_my_enrolments_and_my_organizations(client, actors, course, stranger):
    # Given a person enrolled on their own, and a member the stranger's owner sent
    user = UserFactory()
    mine = enrolment_make(course=course, person=PersonFactory(user=user, name="خودم"))
    sent = enrolment_make(course=course, organization=stranger, person=PersonFactory(name="اعزامی"))
    # When each opens the list
    client.force_login(user)
    page = client.get(reverse("events:courses")).content.decode()
    # Then each sees their own
    assert f'id="mine-{mine.pk}"' in page and f'id="mine-{sent.pk}"' not in page
    client.force_login(actors["stranger_owner"])
    page = client.get(reverse("events:courses")).content.decode()
    assert f'id="mine-{sent.pk}"' in page and f'id="mine-{mine.pk}"' not in page


# --- deciding --------------------------------------------------------------------------------


def test_accepting_past_capacity_puts_on_the_waiting_list(client, actors, course):
    # Given a full course and one more applicant
    enrolment_make(course=course, status="accepted")
    enrolment_make(course=course, status="accepted")
    applicant = enrolment_make(course=course, person=PersonFactory(name="نفر سوم"))
    # When the organizer accepts them
    as_actor(client, actors, "organizer_editor")
    response = client.post(
        reverse("events:enrolment-decide", args=[applicant.pk]),
        {"decision": "accept"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    # Then they are on the waiting list, and told so (not an error)
    assert status_of(applicant) == EnrolmentStatus.WAITLISTED
    assert "is on the waiting list" in response.content.decode()


def test_a_refused_decision_is_explained(client, actors, course):
    attended = enrolment_make(course=course, status="attended")
    as_actor(client, actors, "organizer_editor")
    response = client.post(
        reverse("events:enrolment-decide", args=[attended.pk]),
        {"decision": "accept"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "cannot be accepted" in response.content.decode()
    assert status_of(attended) == EnrolmentStatus.ATTENDED


def test_bad_decisions_and_addresses(client, actors, course):
    applicant = enrolment_make(course=course)
    as_actor(client, actors, "organizer_editor")
    url = reverse("events:enrolment-decide", args=[applicant.pk])
    assert client.post(url, {"decision": "promote"}).status_code == 302
    assert client.post(url, {"decision": "accept", "next": "https://evil.example/"})[
        "Location"
    ].startswith("/events/")
    assert client.get(url).status_code == 405
    assert client.post("/events/enrolments/99999999999999999999/decide/").status_code == 404


# --- every write, for everyone ---------------------------------------------------------------


@pytest.fixture
def scene(course, ended, member):
    return {
        "course": course,
        "applicant": enrolment_make(course=course),
        "seated": enrolment_make(course=course, status="accepted"),
        "member": member,
        "ended": ended,
        "attendee": Enrolment.objects.get(course=ended),
    }


def snapshot() -> tuple:
    return (
        Event.objects.count(),
        list(Course.objects.order_by("pk").values_list("capacity", "seats_taken")),
        CourseSession.objects.count(),
        list(Enrolment.objects.order_by("pk").values_list("status", "certificate_number")),
        Enrolment.sessions_attended.through.objects.count(),
    )


def write_request(client, name, scene):
    course, ended = scene["course"], scene["ended"]
    if name == "enrol":
        return client.post(
            course_url(course, "events:course-enrol"),
            {"organization": course.event.organizer_id, "person": scene["member"].pk},
        )
    if name in ("accept", "decline"):
        return client.post(
            reverse("events:enrolment-decide", args=[scene["applicant"].pk]), {"decision": name}
        )
    if name == "withdraw":
        return client.post(
            reverse("events:enrolment-decide", args=[scene["seated"].pk]),
            {"decision": "withdraw"},
        )
    if name == "attendance":
        return client.post(
            reverse("events:course-attendance", kwargs={"pk": ended.event_id, "number": 1}),
            {"present": []},
        )
    if name == "close":
        return client.post(course_url(ended, "events:course-close"))
    raise AssertionError(name)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("write", ["enrol", "accept", "decline", "withdraw", "attendance", "close"])
def test_every_write_for_everyone(client, actors, scene, write, who):
    # Given someone who might try, and the state before
    as_actor(client, actors, who)
    before = snapshot()
    # When they post
    response = write_request(client, write, scene)
    # Then the organizer's editors and owners and coordinators change it; anyone else (the
    # organizer's viewer, another organization's owner) gets 403 and nothing changes, and an
    # anonymous visitor is sent to sign in
    if who in WRITERS:
        assert response.status_code == 302, response.status_code
        assert snapshot() != before
    else:
        assert_refused(response, who)
        assert snapshot() == before


# --- attendance, closing, certificates -------------------------------------------------------


def test_the_organizer_records_attendance(client, actors, ended):
    # Given an ended course with two accepted people, one recorded at session 1
    attendee = Enrolment.objects.get(course=ended)
    other = enrolment_make(course=ended, status="accepted", person=PersonFactory(name="غایب"))
    url = reverse("events:course-attendance", kwargs={"pk": ended.event_id, "number": 1})
    as_actor(client, actors, "organizer_editor")
    # When they open the session's attendance, in Persian
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    # Then each accepted person has a checkbox, ticked if present
    assert page.count('type="checkbox"') == 2 and "checked" in page
    # When they mark the other present instead
    response = client.post(url, {"present": [str(other.pk)]})
    # Then the session holds that
    assert response.status_code == 302
    session = ended.sessions.get(number=1)
    assert list(session.attendees.values_list("pk", flat=True)) == [other.pk]
    assert attendee.sessions_attended.count() == 1


def test_attendance_of_someone_not_accepted_is_refused(client, actors, ended):
    waiting = enrolment_make(course=ended, status="waitlisted")
    url = reverse("events:course-attendance", kwargs={"pk": ended.event_id, "number": 1})
    as_actor(client, actors, "organizer_editor")
    before = snapshot()
    response = client.post(url, {"present": [str(waiting.pk)]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Only people accepted in this course" in response.content.decode()
    assert snapshot() == before
    response = client.post(url, {"present": ["x"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert snapshot() == before


def test_a_session_that_does_not_exist_is_404(client, actors, ended):
    as_actor(client, actors, "organizer_editor")
    for number in (9, 99999):
        url = reverse("events:course-attendance", kwargs={"pk": ended.event_id, "number": number})
        assert client.get(url).status_code == 404


def test_closing_early_is_explained(client, actors, course):
    as_actor(client, actors, "organizer_editor")
    response = client.post(
        course_url(course, "events:course-close"), HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "once it has ended" in response.content.decode()


@pytest.fixture
def certified(ended, stranger):
    """The ended course's attendee, sent by the stranger organization, certified."""
    enrolment = Enrolment.objects.get(course=ended)
    user = UserFactory(username="attendee")
    Enrolment.objects.filter(pk=enrolment.pk).update(organization=stranger)
    enrolment.person.user = user
    enrolment.person.save()
    services.course_close(actor=SYSTEM, course=ended)
    return Enrolment.objects.get(pk=enrolment.pk)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("organizer_viewer", False),
        ("organizer_editor", True),
        ("stranger_owner", True),
        ("coordinator", True),
        ("person", True),
        ("someone", False),
    ],
)
def test_who_may_download_a_certificate(client, actors, certified, who, allowed):
    # Given someone: the organizer's staff, the sending organization's owner, the person, …
    if who == "person":
        client.force_login(certified.person.user)
    elif who == "someone":
        client.force_login(UserFactory())
    else:
        as_actor(client, actors, who)
    # When they ask for the certificate
    response = client.get(reverse("events:certificate", args=[certified.pk]))
    # Then those it concerns get the PDF; others are refused
    if allowed:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert certified.certificate_number in response["Content-Disposition"]
    elif who == "anonymous":
        assert_refused(response, who)
    else:
        assert response.status_code == 403


def test_the_certificate_s_language(client, certified):
    client.force_login(certified.person.user)
    url = reverse("events:certificate", args=[certified.pk])
    asked = client.get(url, {"language": "ar"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "-ar.pdf" in asked["Content-Disposition"]
    page = client.get(url, {"language": "klingon"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "-en.pdf" in page["Content-Disposition"]
    persian = client.get(url, HTTP_ACCEPT_LANGUAGE="fa")
    assert "-fa.pdf" in persian["Content-Disposition"]


def test_no_certificate_yet_is_404(client, actors, course):
    applicant = enrolment_make(course=course, status="accepted")
    as_actor(client, actors, "organizer_editor")
    assert client.get(reverse("events:certificate", args=[applicant.pk])).status_code == 404


def test_the_organizer_closes_from_the_page_and_links_certificates(client, actors, ended):
    as_actor(client, actors, "organizer_editor")
    page = client.get(course_url(ended)).content.decode()
    assert 'id="close-form"' in page
    response = client.post(course_url(ended, "events:course-close"), follow=True)
    attendee = Enrolment.objects.get(course=ended)
    assert attendee.status == EnrolmentStatus.ATTENDED
    assert reverse("events:certificate", args=[attendee.pk]) in response.content.decode()


def test_role_viewer_of_sender_reads_certificate(client, certified, stranger):
    # Given a viewer on the staff of the organization that sent the person
    viewer = UserFactory()
    MembershipFactory(person=PersonFactory(user=viewer), organization=stranger, role=Role.VIEWER)
    client.force_login(viewer)
    # Then they may read the certificate
    assert client.get(reverse("events:certificate", args=[certified.pk])).status_code == 200
