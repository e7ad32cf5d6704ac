"""Reads of training courses and enrolments, shared by pages, the API and reports.

Every list here costs a fixed number of queries, however many rows it holds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from hamafza.directory.models import Organization, Person, Role
from hamafza.directory.policies import organization_ids_with_role
from hamafza.events.models import (
    Audience,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    EventStatus,
)

# The order statuses are shown in on a course's page.
STATUS_ORDER = (
    EnrolmentStatus.APPLIED,
    EnrolmentStatus.ACCEPTED,
    EnrolmentStatus.WAITLISTED,
    EnrolmentStatus.ATTENDED,
    EnrolmentStatus.DECLINED,
    EnrolmentStatus.WITHDRAWN,
)
COURSE_EVENT_RELATIONS = (
    "event",
    "event__organizer",
    "event__language",
    "event__city",
    "event__country",
    "event__province",
)


def course_list(
    *,
    audience: str = "",
    organizer_id: int | None = None,
    open_only: bool = True,
    now: datetime.datetime | None = None,
) -> QuerySet[Course]:
    """Courses not cancelled that one may still apply for — not yet begun, or with a closing
    date still ahead — soonest first (one query). ``open_only`` keeps those with seats left;
    ``audience`` (a value of ``Audience``) is ignored when unknown."""
    now = now or timezone.now()
    queryset = (
        Course.objects.filter(event__ends_at__gte=now)
        .filter(Q(event__starts_at__gte=now) | Q(enrolment_closes_on__gte=timezone.localdate(now)))
        .exclude(event__status=EventStatus.CANCELLED)
        .select_related(*COURSE_EVENT_RELATIONS)
        .annotate(session_count=Count("sessions"))
        .order_by("event__starts_at", "id")
    )
    if audience in Audience.values:
        queryset = queryset.filter(audience=audience)
    if organizer_id:
        queryset = queryset.filter(event__organizer_id=organizer_id)
    if open_only:
        queryset = queryset.filter(seats_taken__lt=F("capacity"))
    return queryset


def course_get(*, event_id: int) -> Course:
    """A course by its event's id, with the event's places and the sessions (two queries).
    Raises ``Course.DoesNotExist``."""
    return (
        Course.objects.select_related(*COURSE_EVENT_RELATIONS)
        .prefetch_related(Prefetch("sessions", queryset=CourseSession.objects.order_by("number")))
        .get(event_id=event_id)
    )


def course_session_get(*, event_id: int, number: int) -> CourseSession:
    """Raises ``CourseSession.DoesNotExist``."""
    return CourseSession.objects.select_related(
        "course", "course__event", "course__event__organizer"
    ).get(course__event_id=event_id, number=number)


def course_enrolments(course: Course, *, status: str = "") -> QuerySet[Enrolment]:
    """A course's enrolments with the person, the sending organization and how many sessions
    each attended (one query), in order of application."""
    queryset = (
        Enrolment.objects.filter(course=course)
        .select_related("person", "organization")
        .annotate(attended_count=Count("sessions_attended"))
        .order_by("applied_at", "id")
    )
    if status in EnrolmentStatus.values:
        queryset = queryset.filter(status=status)
    return queryset


@dataclass(frozen=True)
class StatusGroup:
    status: str
    label: str
    enrolments: list[Enrolment]


def course_enrolments_by_status(course: Course) -> list[StatusGroup]:
    """The course's enrolments grouped by status, in ``STATUS_ORDER`` (one query); statuses
    without enrolments are left out."""
    grouped: dict[str, list[Enrolment]] = {status: [] for status in STATUS_ORDER}
    for enrolment in course_enrolments(course):
        grouped[enrolment.status].append(enrolment)
    return [
        StatusGroup(status, EnrolmentStatus(status).label, rows)
        for status, rows in grouped.items()
        if rows
    ]


def course_status_counts(course: Course) -> dict[str, int]:
    """{status: count} for every status (one query)."""
    counts = dict(
        Enrolment.objects.filter(course=course)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in STATUS_ORDER}


def session_attendance(session: CourseSession) -> list[tuple[Enrolment, bool]]:
    """The people who may attend ``session`` (accepted or attended) and whether each was
    recorded present (two queries)."""
    present = set(
        Enrolment.sessions_attended.through.objects.filter(coursesession_id=session.pk).values_list(
            "enrolment_id", flat=True
        )
    )
    rows = (
        Enrolment.objects.filter(
            course_id=session.course_id,
            status__in=(EnrolmentStatus.ACCEPTED, EnrolmentStatus.ATTENDED),
        )
        .select_related("person", "organization")
        .order_by("person__name", "id")
    )
    return [(enrolment, enrolment.pk in present) for enrolment in rows]


def sessions_attendance_counts(course: Course) -> dict[int, int]:
    """{session id: people recorded present} for a course (one query)."""
    return dict(
        CourseSession.objects.filter(course=course)
        .annotate(n=Count("attendees"))
        .values_list("pk", "n")
    )


def enrolment_get(*, pk: int) -> Enrolment:
    """An enrolment with what its certificate and its policy read. Raises
    ``Enrolment.DoesNotExist``."""
    return Enrolment.objects.select_related(
        "person",
        "organization",
        "course",
        "course__event",
        "course__event__organizer",
    ).get(pk=pk)


def enrolment_of(*, course: Course, person: Person | None) -> Enrolment | None:
    if person is None:
        return None
    return Enrolment.objects.filter(course=course, person=person).first()


def enrolments_mine(user) -> QuerySet[Enrolment]:
    """A signed-in user's own enrolments and those of the organizations they edit, newest
    course first (one query)."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return Enrolment.objects.none()
    editable = organization_ids_with_role(user, Role.EDITOR)
    return (
        Enrolment.objects.filter(Q(person__user_id=user.pk) | Q(organization_id__in=editable))
        .select_related(
            "person", "organization", "course", "course__event", "course__event__organizer"
        )
        .order_by("-course__event__starts_at", "person__name", "id")
    )


def organizations_editable(user) -> QuerySet[Organization]:
    """The organizations ``user`` may send people from (they are an editor or owner)."""
    ids = organization_ids_with_role(user, Role.EDITOR)
    return Organization.objects.filter(pk__in=ids).order_by("name", "id")


def members_of(organization_ids) -> QuerySet[Person]:
    """People who are members of these organizations (for the enrol form), by name."""
    return (
        Person.objects.filter(memberships__organization_id__in=list(organization_ids))
        .distinct()
        .order_by("name", "id")
    )
