"""Training courses: scheduling, enrolment and its statuses, the waiting list, attendance,
closing with certificates, who may do what, and two acceptances racing for the last seat."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from hamafza.accounts.models import Notification
from hamafza.core.permissions import SYSTEM
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import (
    MembershipFactory,
    PersonFactory,
    UserFactory,
)
from hamafza.events import services_courses as services
from hamafza.events.models import (
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventKind,
    Recurrence,
)
from hamafza.events.services import event_cancel
from hamafza.events.services_courses import SessionInput
from hamafza.events.tests.factories import course_make, enrolment_make

pytestmark = pytest.mark.django_db

ALLOWED = {"organizer_editor", "organizer_owner", "coordinator"}
ACTORS = [
    "anonymous",
    "organizer_viewer",
    "organizer_editor",
    "organizer_owner",
    "stranger_owner",
    "coordinator",
]


def now():
    return timezone.now().replace(microsecond=0)


def hours(n: float) -> datetime.timedelta:
    return datetime.timedelta(hours=n)


def days(n: float) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def status_of(enrolment) -> str:
    return Enrolment.objects.get(pk=enrolment.pk).status


def seats_taken(course) -> int:
    return Course.objects.get(pk=course.pk).seats_taken


def applied_in_order(enrolments, start=None) -> None:
    """Give ``enrolments`` application times one minute apart, in the order given."""
    start = start or now() - hours(5)
    for index, enrolment in enumerate(enrolments):
        Enrolment.objects.filter(pk=enrolment.pk).update(applied_at=start + index * hours(1 / 60))


def person_with_account(**values):
    user = UserFactory(**values)
    return PersonFactory(user=user), user


@pytest.fixture
def course(organizer):
    """An upcoming course of the organizer with two seats and three sessions."""
    return course_make(organizer=organizer, capacity=2)


@pytest.fixture
def past_course(organizer):
    """A course of three daily sessions that ended yesterday; two needed for a certificate."""
    starts_at = now() - days(4)
    return course_make(
        organizer=organizer, starts_at=starts_at, sessions=3, capacity=5, attendance_required=2
    )


# --- scheduling ------------------------------------------------------------------------------


def test_course_create_makes_the_event_the_course_and_its_sessions(organizer):
    # Given three sessions typed out of order
    starts_at = now() + days(10)
    sessions = [
        SessionInput(starts_at + days(2), starts_at + days(2) + hours(2), "سوم"),
        SessionInput(starts_at, starts_at + hours(2), "اول"),
        {"starts_at": starts_at + days(1), "ends_at": starts_at + days(1) + hours(2)},
    ]
    # When the course is scheduled
    course = services.course_create(
        actor=SYSTEM,
        organizer=organizer,
        name="رسم هجرت",
        venue="قم",
        starts_at=starts_at,
        ends_at=starts_at + days(2) + hours(2),
        capacity=30,
        audience="media_liaisons",
        attendance_required=2,
        sessions=sessions,
    )
    # Then its event is a course that does not repeat, with one occurrence
    event = Event.objects.get(pk=course.event_id)
    assert event.kind == EventKind.COURSE
    assert event.recurrence == Recurrence.NONE
    assert event.occurrences.count() == 1
    # And the sessions are numbered in order of time
    rows = list(course.sessions.order_by("number").values_list("number", "topic"))
    assert rows == [(1, "اول"), (2, ""), (3, "سوم")]
    assert (course.capacity, course.seats_taken, course.attendance_required) == (30, 0, 2)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recurrence": Recurrence.WEEKLY}, "recurrence"),
        ({"kind": EventKind.CONFERENCE}, "kind"),
        ({"capacity": 0}, "capacity"),
        ({"attendance_required": 4}, "attendance_required"),
        ({"ends_at": "before"}, "ends_at"),
        ({"session_outside": True}, "sessions"),
        ({"session_backwards": True}, "sessions"),
        ({"enrolment_closes_on": "after"}, "enrolment_closes_on"),
    ],
)
def test_course_create_refuses_bad_input_and_saves_nothing(organizer, change, field):
    # Given a course with one thing wrong
    starts_at = now() + days(10)
    values = {
        "organizer": organizer,
        "name": "رسم خدمت",
        "venue": "تهران",
        "starts_at": starts_at,
        "ends_at": starts_at + days(2),
        "capacity": 10,
        "audience": "general",
        "attendance_required": 1,
        "sessions": [SessionInput(starts_at, starts_at + hours(2))],
    }
    if change.get("ends_at") == "before":
        values["ends_at"] = starts_at - hours(1)
        values["sessions"] = []
    elif change.get("session_outside"):
        values["sessions"] = [SessionInput(starts_at + days(5), starts_at + days(5) + hours(1))]
    elif change.get("session_backwards"):
        values["sessions"] = [SessionInput(starts_at + hours(2), starts_at)]
    elif change.get("enrolment_closes_on") == "after":
        values["enrolment_closes_on"] = (starts_at + days(30)).date()
    else:
        values.update(change)
    # When it is scheduled
    with pytest.raises(ValidationError) as refused:
        services.course_create(actor=SYSTEM, **values)
    # Then the message names the field, and nothing was saved
    assert field in refused.value.message_dict
    assert not Event.objects.exists()
    assert not Course.objects.exists()
    assert not CourseSession.objects.exists()


def test_course_create_reports_the_course_and_event_errors_together(organizer):
    # Given a course with too few seats and no place
    starts_at = now() + days(3)
    # When it is scheduled
    with pytest.raises(ValidationError) as refused:
        services.course_create(
            actor=SYSTEM,
            organizer=organizer,
            name="دوره",
            starts_at=starts_at,
            ends_at=starts_at + hours(2),
            capacity=0,
            audience="general",
        )
    # Then both are told at once
    assert {"capacity", "venue"} <= set(refused.value.message_dict)


def test_course_session_add_numbers_after_the_last(course):
    # Given a course with three daily sessions
    first, last = course.sessions.order_by("number")[0], course.sessions.order_by("-number")[0]
    # When a session is added inside the course's dates (an evening session on day one)
    session = services.course_session_add(
        actor=SYSTEM,
        course=course,
        starts_at=first.starts_at + hours(3),
        ends_at=first.starts_at + hours(4),
        topic="جمع‌بندی",
    )
    # Then it is number four
    assert session.number == 4
    # And a session outside the course's dates is refused
    with pytest.raises(ValidationError):
        services.course_session_add(
            actor=SYSTEM,
            course=course,
            starts_at=last.starts_at + days(3),
            ends_at=last.starts_at + days(3) + hours(1),
        )
    assert course.sessions.count() == 4


def test_capacity_cannot_fall_below_the_seats_taken(course):
    # Given a course with two seats, both taken
    enrolment_make(course=course, status="accepted")
    enrolment_make(course=course, status="accepted")
    # When its seats are cut to one
    with pytest.raises(ValidationError) as refused:
        services.course_update(actor=SYSTEM, course=course, capacity=1)
    # Then it is refused with a message on the seats, and nothing changes
    assert "capacity" in refused.value.message_dict
    assert Course.objects.get(pk=course.pk).capacity == 2


def test_more_seats_go_to_the_waiting_list_first(course):
    # Given a full course with two people waiting
    enrolment_make(course=course, status="accepted")
    enrolment_make(course=course, status="accepted")
    first = enrolment_make(course=course, status="waitlisted")
    second = enrolment_make(course=course, status="waitlisted")
    applied_in_order([first, second])
    # When one seat is added
    updated = services.course_update(actor=SYSTEM, course=course, capacity=3)
    # Then the first on the list has it
    assert updated.seats_taken == 3
    assert status_of(first) == EnrolmentStatus.ACCEPTED
    assert status_of(second) == EnrolmentStatus.WAITLISTED


def test_course_update_changes_the_event_too(course):
    # When the course's name and audience change
    services.course_update(actor=SYSTEM, course=course, name="رسم خدمت ۲", audience="imams")
    # Then both are saved
    course.refresh_from_db()
    assert course.audience == "imams"
    assert Event.objects.get(pk=course.event_id).name == "رسم خدمت ۲"


# --- applying --------------------------------------------------------------------------------


def test_an_organization_editor_enrols_a_member(course, stranger):
    # Given an editor of a hey'at and one of its members
    editor, member = UserFactory(), PersonFactory(name="علی مرادی")
    MembershipFactory(person=PersonFactory(user=editor), organization=stranger, role=Role.EDITOR)
    MembershipFactory(person=member, organization=stranger)
    # When the editor enrols the member
    enrolment = services.enrolment_apply(
        actor=editor, course=course, person=member, organization=stranger, note="مسئول رسانه"
    )
    # Then the member has applied, sent by the hey'at
    assert enrolment.status == EnrolmentStatus.APPLIED
    assert enrolment.organization == stranger
    assert enrolment.note == "مسئول رسانه"


def test_only_members_are_sent_by_an_organization(course, stranger):
    # Given an editor of a hey'at and someone who is not its member
    editor = UserFactory()
    MembershipFactory(person=PersonFactory(user=editor), organization=stranger, role=Role.EDITOR)
    outsider = PersonFactory()
    # When the editor tries to enrol them
    with pytest.raises(ValidationError) as refused:
        services.enrolment_apply(
            actor=editor, course=course, person=outsider, organization=stranger
        )
    # Then it is refused on the person, and nothing is saved
    assert "person" in refused.value.message_dict
    assert not Enrolment.objects.exists()


def test_a_viewer_cannot_send_the_organization_s_members(course, stranger):
    # Given a viewer of a hey'at and one of its members
    viewer, member = UserFactory(), PersonFactory()
    MembershipFactory(person=PersonFactory(user=viewer), organization=stranger, role=Role.VIEWER)
    MembershipFactory(person=member, organization=stranger)
    # When the viewer tries to enrol the member
    # Then it is refused
    with pytest.raises(PermissionDenied):
        services.enrolment_apply(actor=viewer, course=course, person=member, organization=stranger)
    assert not Enrolment.objects.exists()


def test_a_person_applies_for_themself_only(course):
    # Given a signed-in person and someone else
    person, user = person_with_account()
    other = PersonFactory()
    # When they apply for themself
    enrolment = services.enrolment_apply(actor=user, course=course, person=person)
    # Then they have applied, sent by no organization
    assert (enrolment.status, enrolment.organization) == (EnrolmentStatus.APPLIED, None)
    # And applying for someone else on their own is refused
    with pytest.raises(PermissionDenied):
        services.enrolment_apply(actor=user, course=course, person=other)
    # And so is applying without signing in
    with pytest.raises(PermissionDenied):
        services.enrolment_apply(actor=None, course=course, person=other)
    assert Enrolment.objects.count() == 1


def test_applying_twice_is_refused(course, english):
    # Given a person who has applied
    person, user = person_with_account()
    services.enrolment_apply(actor=user, course=course, person=person)
    # When they apply again
    with pytest.raises(ValidationError) as refused:
        services.enrolment_apply(actor=user, course=course, person=person)
    # Then it is refused with a message on the person
    assert "already applied" in refused.value.message_dict["person"][0]
    assert Enrolment.objects.count() == 1


def test_applying_after_enrolment_closes_is_refused(organizer):
    # Given a course whose enrolment closed yesterday, in its own time zone
    course = course_make(organizer=organizer)
    Course.objects.filter(pk=course.pk).update(enrolment_closes_on=timezone.localdate() - days(1))
    course.refresh_from_db()
    person, user = person_with_account()
    # When someone applies
    with pytest.raises(ValidationError) as refused:
        services.enrolment_apply(actor=user, course=course, person=person)
    # Then it is refused: enrolment has closed
    assert refused.value.code == "closed"
    assert not Enrolment.objects.exists()


def test_without_a_closing_date_enrolment_closes_when_the_course_begins(past_course):
    # Given a course that has already begun, with no closing date
    person, user = person_with_account()
    # When someone applies
    # Then it is refused
    with pytest.raises(ValidationError):
        services.enrolment_apply(actor=user, course=past_course, person=person)


def test_a_cancelled_course_takes_no_one(course, english):
    # Given a cancelled course
    event_cancel(actor=SYSTEM, event=course.event)
    course = Course.objects.select_related("event").get(pk=course.pk)
    person, user = person_with_account()
    # When someone applies
    with pytest.raises(ValidationError) as refused:
        services.enrolment_apply(actor=user, course=course, person=person)
    # Then it is refused: the course was cancelled
    assert "cancelled" in refused.value.messages[0]


# --- deciding: the status machine ------------------------------------------------------------


def test_accepting_gives_seats_until_full_then_waitlists(course):
    # Given a course with two seats and three applicants
    first, second, third = (enrolment_make(course=course) for _ in range(3))
    # When all three are accepted
    results = [services.enrolment_accept(actor=SYSTEM, enrolment=e) for e in (first, second, third)]
    # Then two have seats and the third is on the waiting list (not an error)
    assert [r.status for r in results] == ["accepted", "accepted", "waitlisted"]
    assert seats_taken(course) == 2
    assert all(r.decided_at is not None for r in results)


def test_accepting_tells_the_person(course):
    # Given an applicant who signs in
    person, user = person_with_account(language="en")
    enrolment = enrolment_make(course=course, person=person)
    # When accepted
    services.enrolment_accept(actor=SYSTEM, enrolment=enrolment)
    # Then they are told once, in their language, with a link to the course
    notification = Notification.objects.get(user=user)
    assert "You have a seat" in notification.title
    assert notification.url.endswith(f"/events/{course.event_id}/course/")


@pytest.mark.parametrize("status", ["accepted", "attended", "withdrawn"])
def test_accepting_is_refused_from_final_or_seated_statuses(course, status):
    # Given an enrolment already accepted, attended or withdrawn
    enrolment = enrolment_make(course=course, status=status)
    taken = seats_taken(course)
    # When it is accepted
    with pytest.raises(ValidationError):
        services.enrolment_accept(actor=SYSTEM, enrolment=enrolment)
    # Then nothing changes
    assert status_of(enrolment) == status
    assert seats_taken(course) == taken


def test_a_declined_enrolment_may_be_accepted_again(course):
    # Given a declined applicant
    enrolment = enrolment_make(course=course)
    services.enrolment_decline(actor=SYSTEM, enrolment=enrolment, note="ظرفیت تکمیل")
    assert status_of(enrolment) == EnrolmentStatus.DECLINED
    assert Enrolment.objects.get(pk=enrolment.pk).note == "ظرفیت تکمیل"
    # When the organizer changes their mind
    services.enrolment_accept(actor=SYSTEM, enrolment=enrolment)
    # Then the person has a seat
    assert status_of(enrolment) == EnrolmentStatus.ACCEPTED
    assert seats_taken(course) == 1


@pytest.mark.parametrize("leave", ["decline", "withdraw"])
def test_a_freed_seat_goes_to_the_first_on_the_waiting_list(course, leave):
    # Given a full course and three people waiting, who applied in this order: later, first,
    # second (their ids say otherwise)
    seated = [services.enrolment_accept(actor=SYSTEM, enrolment=enrolment_make(course=course))]
    seated.append(services.enrolment_accept(actor=SYSTEM, enrolment=enrolment_make(course=course)))
    later, first, second = (enrolment_make(course=course) for _ in range(3))
    person, user = person_with_account()
    Enrolment.objects.filter(pk=first.pk).update(person=person)
    for waiting in (later, first, second):
        assert services.enrolment_accept(actor=SYSTEM, enrolment=waiting).status == "waitlisted"
    applied_in_order([first, second, later])
    # When a seated person leaves
    action = services.enrolment_decline if leave == "decline" else services.enrolment_withdraw
    left = action(actor=SYSTEM, enrolment=seated[0])
    # Then the first who applied among those waiting has the seat, and the others still wait
    assert left.status == ("declined" if leave == "decline" else "withdrawn")
    assert status_of(first) == EnrolmentStatus.ACCEPTED
    assert status_of(second) == EnrolmentStatus.WAITLISTED
    assert status_of(later) == EnrolmentStatus.WAITLISTED
    assert seats_taken(course) == 2
    # And the promoted person is told, once
    assert Notification.objects.filter(user=user).count() == 1
    # When another seated person leaves, the second has the seat
    action(actor=SYSTEM, enrolment=seated[1])
    assert status_of(second) == EnrolmentStatus.ACCEPTED
    assert status_of(later) == EnrolmentStatus.WAITLISTED


def test_leaving_before_a_seat_frees_none(course):
    # Given a full course with one person waiting and one who only applied
    enrolment_make(course=course, status="accepted")
    enrolment_make(course=course, status="accepted")
    waiting = enrolment_make(course=course, status="waitlisted")
    applied = enrolment_make(course=course)
    # When the applicant withdraws
    services.enrolment_withdraw(actor=SYSTEM, enrolment=applied)
    # Then no seat is freed, and the waiting person still waits
    assert seats_taken(course) == 2
    assert status_of(waiting) == EnrolmentStatus.WAITLISTED


@pytest.mark.parametrize("status", ["withdrawn", "declined", "attended"])
@pytest.mark.parametrize("leave", ["decline", "withdraw"])
def test_leaving_is_refused_from_final_statuses(course, status, leave):
    # Given an enrolment already withdrawn, declined or attended
    enrolment = enrolment_make(course=course, status=status)
    taken = seats_taken(course)
    action = services.enrolment_decline if leave == "decline" else services.enrolment_withdraw
    # When it is declined or withdrawn
    with pytest.raises(ValidationError):
        action(actor=SYSTEM, enrolment=enrolment)
    # Then nothing changes
    assert status_of(enrolment) == status
    assert seats_taken(course) == taken


def test_who_may_withdraw(course, stranger, actors):
    # Given an enrolment sent by the stranger organization, whose owner may withdraw it
    member, user = person_with_account()
    MembershipFactory(person=member, organization=stranger)
    enrolment = enrolment_make(
        course=course, status="accepted", person=member, organization=stranger
    )
    # When the organizer's viewer tries
    with pytest.raises(PermissionDenied):
        services.enrolment_withdraw(actor=actors["organizer_viewer"], enrolment=enrolment)
    # And someone with no tie tries
    with pytest.raises(PermissionDenied):
        services.enrolment_withdraw(actor=UserFactory(), enrolment=enrolment)
    assert status_of(enrolment) == EnrolmentStatus.ACCEPTED
    # Then the person themself may
    services.enrolment_withdraw(actor=user, enrolment=enrolment)
    assert status_of(enrolment) == EnrolmentStatus.WITHDRAWN
    assert seats_taken(course) == 0
    # And the sending organization's owner may (for another of its people)
    other = enrolment_make(course=course, organization=stranger)
    services.enrolment_withdraw(actor=actors["stranger_owner"], enrolment=other)
    assert status_of(other) == EnrolmentStatus.WITHDRAWN


# --- attendance and closing ------------------------------------------------------------------


def test_attendance_records_the_present_set(past_course):
    # Given a held session and three accepted people
    session = past_course.sessions.get(number=1)
    a, b, c = (enrolment_make(course=past_course, status="accepted") for _ in range(3))
    # When two were present
    assert services.attendance_record(actor=SYSTEM, session=session, present=[a, b.pk]) == 2
    assert set(session.attendees.values_list("pk", flat=True)) == {a.pk, b.pk}
    # And the record is corrected: b was absent, c was there
    assert services.attendance_record(actor=SYSTEM, session=session, present=[a, c]) == 2
    # Then the session holds the new set
    assert set(session.attendees.values_list("pk", flat=True)) == {a.pk, c.pk}


@pytest.mark.parametrize("status", ["applied", "waitlisted", "declined", "withdrawn"])
def test_only_accepted_people_attend(past_course, status):
    # Given a session with one accepted person recorded, and someone not accepted
    session = past_course.sessions.get(number=1)
    seated = enrolment_make(course=past_course, status="accepted")
    services.attendance_record(actor=SYSTEM, session=session, present=[seated])
    other = enrolment_make(course=past_course, status=status)
    # When the other is marked present with someone new
    newcomer = enrolment_make(course=past_course, status="accepted")
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(actor=SYSTEM, session=session, present=[newcomer, other])
    # Then it is refused, and the record is as it was
    assert "present" in refused.value.message_dict
    assert list(session.attendees.values_list("pk", flat=True)) == [seated.pk]


def test_people_of_another_course_do_not_attend(past_course, organizer):
    # Given an accepted person of another course
    elsewhere = enrolment_make(course=course_make(organizer=organizer), status="accepted")
    session = past_course.sessions.get(number=1)
    # When marked present here
    # Then it is refused
    with pytest.raises(ValidationError):
        services.attendance_record(actor=SYSTEM, session=session, present=[elsewhere])
    assert not session.attendees.exists()


def test_attendance_waits_for_the_session(course):
    # Given a session still to come and an accepted person
    enrolment = enrolment_make(course=course, status="accepted")
    session = course.sessions.get(number=1)
    # When attendance is recorded
    # Then it is refused
    with pytest.raises(ValidationError):
        services.attendance_record(actor=SYSTEM, session=session, present=[enrolment])


def test_closing_issues_certificates_to_those_who_attended_enough(past_course):
    # Given three accepted people who attended 3, 2 and 1 of the 3 sessions (2 needed), and
    # one still waiting
    full, enough, short = (enrolment_make(course=past_course, status="accepted") for _ in range(3))
    applied_in_order([full, enough, short])
    waiting = enrolment_make(course=past_course, status="waitlisted")
    sessions = list(past_course.sessions.order_by("number"))
    services.attendance_record(actor=SYSTEM, session=sessions[0], present=[full, enough, short])
    services.attendance_record(actor=SYSTEM, session=sessions[1], present=[full, enough])
    services.attendance_record(actor=SYSTEM, session=sessions[2], present=[full])
    # When the course is closed
    issued = services.course_close(actor=SYSTEM, course=past_course)
    # Then the two who attended enough attended, with numbered certificates in order of
    # application
    assert issued == 2
    rows = {
        row.pk: row
        for row in Enrolment.objects.filter(pk__in=[full.pk, enough.pk, short.pk, waiting.pk])
    }
    assert rows[full.pk].status == rows[enough.pk].status == EnrolmentStatus.ATTENDED
    assert rows[full.pk].certificate_number == f"HMZ-{past_course.pk}-0001"
    assert rows[enough.pk].certificate_number == f"HMZ-{past_course.pk}-0002"
    assert rows[full.pk].certificate_issued_at is not None
    # And the others keep their status, without a certificate
    assert (rows[short.pk].status, rows[short.pk].certificate_number) == ("accepted", "")
    assert rows[waiting.pk].status == EnrolmentStatus.WAITLISTED
    # And attended people still hold their seats
    assert seats_taken(past_course) == 3
    # When attendance is corrected and the course is closed again
    services.attendance_record(actor=SYSTEM, session=sessions[2], present=[full, short])
    # Then only the newly eligible person is certified, with the next number
    assert services.course_close(actor=SYSTEM, course=past_course) == 1
    assert Enrolment.objects.get(pk=short.pk).certificate_number == (f"HMZ-{past_course.pk}-0003")


def test_a_course_is_closed_only_after_it_ends(course):
    # Given a course still to come
    enrolment_make(course=course, status="accepted")
    # When it is closed
    with pytest.raises(ValidationError):
        services.course_close(actor=SYSTEM, course=course)
    # Then nothing changed
    assert not Enrolment.objects.exclude(certificate_number="").exists()


# --- who may write ---------------------------------------------------------------------------


WRITES = [
    "course_create",
    "course_update",
    "course_session_add",
    "enrolment_apply",
    "enrolment_accept",
    "enrolment_decline",
    "attendance_record",
    "course_close",
]


@pytest.fixture
def scene(organizer, actors):
    """What every write works on: an upcoming course with an applicant, and a course that
    ended with an accepted person who attended."""
    upcoming = course_make(organizer=organizer, capacity=3)
    applicant = enrolment_make(course=upcoming)
    member = PersonFactory()
    MembershipFactory(person=member, organization=organizer)
    ended = course_make(organizer=organizer, starts_at=now() - days(4), sessions=1)
    attendee = enrolment_make(course=ended, status="accepted")
    services.attendance_record(actor=SYSTEM, session=ended.sessions.get(), present=[attendee])
    return {
        "upcoming": upcoming,
        "applicant": applicant,
        "member": member,
        "ended": ended,
        "attendee": attendee,
    }


def _snapshot(scene) -> tuple:
    return (
        Event.objects.count(),
        list(Course.objects.order_by("pk").values_list("capacity", "seats_taken")),
        CourseSession.objects.count(),
        list(Enrolment.objects.order_by("pk").values_list("status", "certificate_number")),
        Enrolment.sessions_attended.through.objects.count(),
    )


def _run(write: str, actor, scene, organizer):
    upcoming, ended = scene["upcoming"], scene["ended"]
    if write == "course_create":
        starts_at = now() + days(5)
        return services.course_create(
            actor=actor,
            organizer=organizer,
            name="دورهٔ آزمایشی",
            venue="مشهد",
            starts_at=starts_at,
            ends_at=starts_at + hours(2),
            capacity=5,
            audience="general",
        )
    if write == "course_update":
        return services.course_update(actor=actor, course=upcoming, capacity=9)
    if write == "course_session_add":
        first = upcoming.sessions.get(number=1)
        return services.course_session_add(
            actor=actor,
            course=upcoming,
            starts_at=first.starts_at + hours(3),
            ends_at=first.starts_at + hours(4),
        )
    if write == "enrolment_apply":
        return services.enrolment_apply(
            actor=actor, course=upcoming, person=scene["member"], organization=organizer
        )
    if write == "enrolment_accept":
        return services.enrolment_accept(actor=actor, enrolment=scene["applicant"])
    if write == "enrolment_decline":
        return services.enrolment_decline(actor=actor, enrolment=scene["applicant"])
    if write == "attendance_record":
        return services.attendance_record(actor=actor, session=ended.sessions.get(), present=[])
    if write == "course_close":
        return services.course_close(actor=actor, course=ended)
    raise AssertionError(write)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("write", WRITES)
def test_permissions_of_every_write(scene, actors, organizer, write, who):
    # Given someone who might try, and the state before
    actor = actors[who]
    before = _snapshot(scene)
    if who in ALLOWED:
        # When the organizer's editors and owners, or a coordinator, write
        # Then it takes effect
        _run(write, actor, scene, organizer)
        assert _snapshot(scene) != before
    else:
        # When anyone else tries (anonymous, the organizer's viewer, another organization's
        # owner)
        # Then it is refused and nothing changes
        with pytest.raises(PermissionDenied):
            _run(write, actor, scene, organizer)
        assert _snapshot(scene) == before


# --- two acceptances racing for the last seat ------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"
)
def test_two_accepts_for_the_last_seat(transactional_db, organizer, monkeypatch):
    # Given a course with one seat left and two applicants
    course = course_make(organizer=organizer, capacity=2)
    enrolment_make(course=course, status="accepted")
    first, second = enrolment_make(course=course), enrolment_make(course=course)
    # And each acceptance lingers once it holds the course's row, so that the other runs
    # into it
    real_now = services._now

    def slow_now():
        threading.Event().wait(0.3)
        return real_now()

    monkeypatch.setattr(services, "_now", slow_now)
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def accept(enrolment):
        try:
            barrier.wait(timeout=10)
            fresh = Enrolment.objects.select_related("course__event").get(pk=enrolment.pk)
            results[enrolment.pk] = services.enrolment_accept(actor=SYSTEM, enrolment=fresh).status
        except Exception as error:  # reported below, with the thread's own traceback lost
            errors.append(error)
        finally:
            connection.close()

    # When both are accepted at the same moment
    threads = [threading.Thread(target=accept, args=(e,)) for e in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Then exactly one has the seat and the other waits, and the count is right
    assert not errors, errors
    assert sorted(results.values()) == ["accepted", "waitlisted"]
    assert seats_taken(course) == 2
    assert Enrolment.objects.filter(course=course, status="accepted").count() == 2
