"""Factories for events. Events are written through ``event_create`` so that their
occurrences exist, as they do in the product."""

import datetime

import factory
from django.utils import timezone

from hamafza.core.permissions import SYSTEM
from hamafza.directory.tests.factories import OrganizationFactory, PersonFactory
from hamafza.events.models import Course, CourseSession, Enrolment, EventKind, EventSeries


def event_make(**values):
    """An event through the service (occurrences written), with defaults for what is not given."""
    from hamafza.events.services import event_create

    starts_at = values.pop("starts_at", None) or (
        timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    )
    values.setdefault("ends_at", starts_at + datetime.timedelta(hours=2))
    values.setdefault("name", "مراسم عزاداری")
    values.setdefault("kind", EventKind.GATHERING)
    values.setdefault("venue", "حسینیه")
    if "organizer" not in values:
        values["organizer"] = OrganizationFactory()
    return event_create(actor=SYSTEM, starts_at=starts_at, **values)


class EventSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSeries

    organizer = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"همایش دوره‌ای {n}")


class CourseFactory(factory.django.DjangoModelFactory):
    """A course on an event of kind "course" (made through ``event_make``)."""

    class Meta:
        model = Course

    event = factory.LazyFunction(lambda: event_make(kind=EventKind.COURSE, name="دورهٔ رسم خدمت"))
    capacity = 10


class CourseSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSession

    course = factory.SubFactory(CourseFactory)
    number = factory.Sequence(lambda n: n + 1)
    starts_at = factory.LazyAttribute(lambda o: o.course.event.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    course = factory.SubFactory(CourseFactory)
    person = factory.SubFactory(PersonFactory)


def course_make(*, sessions: int = 3, starts_at=None, **values):
    """A course through ``course_create`` (event, course and ``sessions`` daily sessions of two
    hours), starting in ten days unless ``starts_at`` says otherwise."""
    from hamafza.events.services_courses import SessionInput, course_create

    starts_at = starts_at or (
        timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=10)
    )
    days = max(sessions, 1)
    values.setdefault("ends_at", starts_at + datetime.timedelta(days=days - 1, hours=2))
    values.setdefault("name", "دورهٔ رسم خدمت")
    values.setdefault("venue", "حسینیه")
    values.setdefault("capacity", 10)
    values.setdefault("audience", "council_leaders")
    if "organizer" not in values:
        values["organizer"] = OrganizationFactory()
    values.setdefault(
        "sessions",
        [
            SessionInput(
                starts_at=starts_at + datetime.timedelta(days=day),
                ends_at=starts_at + datetime.timedelta(days=day, hours=2),
                topic=f"جلسهٔ {day + 1}",
            )
            for day in range(sessions)
        ],
    )
    return course_create(actor=SYSTEM, starts_at=starts_at, **values)


def enrolment_make(*, course, status: str = "applied", **values):
    """An enrolment in ``status``, keeping the course's count of seats taken true (accepted
    and attended enrolments hold a seat)."""
    from django.db.models import F

    from hamafza.events.models import SEATED_STATUSES

    enrolment = EnrolmentFactory(course=course, status=status, **values)
    if status in SEATED_STATUSES:
        Course.objects.filter(pk=course.pk).update(seats_taken=F("seats_taken") + 1)
        course.refresh_from_db(fields=["seats_taken"])
    return enrolment
