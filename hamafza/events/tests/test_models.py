"""The events' models: an occasion's day rules, and the messages of their constraints."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, UniqueConstraint
from django.utils import timezone, translation
from django.utils.functional import Promise

from hamafza.directory.tests.factories import OrganizationFactory, PersonFactory
from hamafza.events.models import (
    Course,
    CourseSession,
    Enrolment,
    Event,
    EventKind,
    Occasion,
    OccasionKind,
)
from hamafza.events.tests.factories import (
    CourseFactory,
    CourseSessionFactory,
    EnrolmentFactory,
    EventSeriesFactory,
    event_make,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LAST_DAY_MESSAGE = (
    "Day 30 does not exist in a 29-day month. To keep the date every year, choose “the last "
    "day of the month”."
)


def occasion(**values) -> Occasion:
    values.setdefault("slug", "test-occasion")
    values.setdefault("name", "مناسبت آزمایشی")
    values.setdefault("kind", OccasionKind.MOURNING)
    values.setdefault("month", 2)
    return Occasion(**values)


def errors_of(instance) -> dict[str, list[str]]:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


# --- Occasion.clean ---------------------------------------------------------------------------


def test_a_fixed_day_30_is_refused_in_favour_of_the_last_day():
    # When an occasion is set on day 30 of a month
    errors = errors_of(occasion(day=30))
    # Then it is refused, pointing to "the last day of the month"
    assert errors == {"day": [LAST_DAY_MESSAGE]}


def test_a_day_and_the_last_day_together_are_refused():
    errors = errors_of(occasion(day=28, last_day=True))
    assert errors == {"day": ["Give a day of the month or “the last day”, not both."]}


def test_neither_a_day_nor_the_last_day_is_refused():
    errors = errors_of(occasion(day=None, last_day=False))
    assert errors == {"day": ["Give a day of the month or “the last day”."]}


@pytest.mark.parametrize(
    "values",
    [
        {"day": 29},
        {"day": 1, "eve": True},
        {"day": None, "last_day": True},
        {"day": 1, "length_days": 10},
    ],
)
def test_valid_occasions_pass(values):
    occasion(**values).full_clean()


def test_days_and_months_out_of_range_are_refused():
    errors = errors_of(occasion(day=31, month=13, length_days=0))
    assert set(errors) >= {"day", "month", "length_days"}


def test_the_shipped_occasions_are_all_valid():
    # Given the occasions shipped with Hamafza (loaded for every test)
    shipped = list(Occasion.objects.all())
    assert len(shipped) > 40
    # Then each passes its own rules, and no shipped occasion uses a fixed day 30
    for row in shipped:
        row.full_clean()
        assert row.day != 30
    assert Occasion.objects.get(slug="martyrdom-imam-reza").last_day


# --- constraints and their messages -----------------------------------------------------------


def test_an_event_that_ends_before_it_starts_is_refused_with_its_message():
    starts_at = timezone.now()
    event = Event(
        name="مراسم",
        kind=EventKind.GATHERING,
        organizer=OrganizationFactory(),
        venue="حسینیه",
        starts_at=starts_at,
        ends_at=starts_at - datetime.timedelta(hours=1),
    )
    assert errors_of(event) == {NON_FIELD_ERRORS: ["The event cannot end before it starts."]}


def test_an_edition_number_is_used_once_in_its_series():
    series = EventSeriesFactory()
    event_make(kind=EventKind.CONFERENCE, organizer=series.organizer, series=series, edition=8)
    starts_at = timezone.now()
    twin = Event(
        name="همایش",
        kind=EventKind.CONFERENCE,
        organizer=series.organizer,
        venue="تالار",
        series=series,
        edition=8,
        starts_at=starts_at,
        ends_at=starts_at,
    )
    assert errors_of(twin) == {
        NON_FIELD_ERRORS: ["This series already has an edition with this number."]
    }


def test_a_session_ends_after_it_starts_and_has_its_own_number():
    session = CourseSessionFactory(number=1)
    again = CourseSession(
        course=session.course,
        number=1,
        starts_at=session.starts_at,
        ends_at=session.starts_at,
    )
    assert set(errors_of(again)[NON_FIELD_ERRORS]) == {
        "This course already has a session with this number.",
        "A session ends after it starts.",
    }


def test_a_course_cannot_seat_more_than_its_capacity():
    course = CourseFactory(capacity=2)
    course.seats_taken = 3
    assert errors_of(course) == {NON_FIELD_ERRORS: ["There are more accepted people than seats."]}
    assert Course(capacity=2, seats_taken=5).seats_left == 0


def test_a_person_enrols_once_in_a_course():
    enrolment = EnrolmentFactory()
    again = Enrolment(course=enrolment.course, person=enrolment.person)
    assert errors_of(again) == {
        NON_FIELD_ERRORS: ["This person is already enrolled in this course."]
    }
    assert Enrolment(course=enrolment.course, person=PersonFactory()).full_clean() is None


@pytest.mark.parametrize("model", [Event, Course, CourseSession, Enrolment])
def test_constraint_messages_that_people_see_are_marked_for_translation(model):
    # Every constraint a person can break by typing has its own translatable message
    for constraint in model._meta.constraints:
        if not isinstance(constraint, CheckConstraint | UniqueConstraint):
            continue  # pragma: no cover
        if constraint.name == "events_enrolment_unique_certificate":
            continue  # certificate numbers are issued by the service, never typed
        assert isinstance(constraint.violation_error_message, Promise), constraint.name


def test_the_occasion_constraint_never_shows_its_untranslated_default():
    # The database's check (a day or the last day) is backed by clean(), whose message wins
    errors = errors_of(occasion(day=5, last_day=True))
    assert all("Constraint" not in text for texts in errors.values() for text in texts)
