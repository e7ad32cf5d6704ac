"""Every change to training courses, their sessions and enrolments goes through here.

An enrolment moves through these statuses::

    applied ──accept──▶ accepted ──close (enough sessions)──▶ attended
       │  ╲               │  ▲
       │   accept (full)  │  │ a seat frees up (first on the list by application time)
       │     ╲            ▼  │
       │      ▶ waitlisted ──┘
       └──decline / withdraw (from applied, waitlisted or accepted)──▶ declined / withdrawn

An organizer may also accept a declined enrolment again. Accepting when the
course is full puts the person on the waiting list; it is not an error.

Seats: ``Course.seats_taken`` counts the accepted and attended enrolments. It
changes only while the course's row is locked (``select_for_update``), with
``F()`` updates, so two acceptances racing for the last seat cannot both win.
Lock order: the event's row (``events.services``), then the course's row,
then its enrolments.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from hamafza.core.permissions import is_coordinator
from hamafza.directory.models import Membership, Organization, Person
from hamafza.events.models import (
    SEATED_STATUSES,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventKind,
    EventStatus,
    Recurrence,
)
from hamafza.events.policies import course_policy, enrolment_policy

COURSE_FIELDS = frozenset({"capacity", "audience", "enrolment_closes_on", "attendance_required"})
# The most sessions one course may have.
SESSIONS_MAX = 200
# Certificates read "HMZ-<course>-<number in the course>".
CERTIFICATE_PREFIX = "HMZ"

# Who may be moved where, by which action.
ACCEPTABLE = (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.DECLINED)
LEAVABLE = (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.ACCEPTED)


@dataclass(frozen=True)
class SessionInput:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    topic: str = ""


def _session_input(value) -> SessionInput:
    if isinstance(value, SessionInput):
        return value
    if isinstance(value, Mapping):
        return SessionInput(
            starts_at=value["starts_at"], ends_at=value["ends_at"], topic=value.get("topic", "")
        )
    return SessionInput(
        starts_at=value.starts_at, ends_at=value.ends_at, topic=getattr(value, "topic", "")
    )


def _session_order(session: SessionInput) -> tuple:
    return (session.starts_at is None, session.starts_at or datetime.datetime.min)


def _now() -> datetime.datetime:
    return timezone.now()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.HAMAFZA_DEFAULT_TIME_ZONE)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _merge(errors: dict[str, list[str]], error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                _add(errors, field, message)
    else:
        for message in error.messages:
            _add(errors, "__all__", message)


# --- courses and sessions --------------------------------------------------------------------


def _course_errors(values: dict, *, session_count: int | None, ends_on=None) -> dict:
    """What is wrong with a course's own fields (field → messages)."""
    errors: dict[str, list[str]] = {}
    course = Course(**{key: values[key] for key in COURSE_FIELDS if key in values})
    try:
        course.full_clean(exclude=["event"], validate_constraints=False)
    except ValidationError as error:
        _merge(errors, error)
    required = values.get("attendance_required")
    if session_count and isinstance(required, int) and required > session_count:
        _add(
            errors,
            "attendance_required",
            _(
                "The course has %(count)s sessions: a certificate cannot ask for more "
                "sessions than that."
            )
            % {"count": session_count},
        )
    closes_on = values.get("enrolment_closes_on")
    if closes_on and ends_on and closes_on > ends_on:
        _add(
            errors,
            "enrolment_closes_on",
            _("Enrolment cannot close after the course has ended."),
        )
    return errors


def _session_errors(
    sessions: list[SessionInput], *, starts_at, ends_at, first_number: int = 1
) -> dict:
    """Each session ends after it starts and falls within the course's dates."""
    errors: dict[str, list[str]] = {}
    if len(sessions) + first_number - 1 > SESSIONS_MAX:
        _add(
            errors,
            "sessions",
            _("A course has at most %(count)s sessions.") % {"count": SESSIONS_MAX},
        )
    for number, session in enumerate(sessions, start=first_number):
        if not session.starts_at or not session.ends_at:
            _add(
                errors,
                "sessions",
                _("Session %(number)s: give its start and end.") % {"number": number},
            )
            continue
        if session.ends_at <= session.starts_at:
            _add(
                errors,
                "sessions",
                _("Session %(number)s ends before it starts.") % {"number": number},
            )
        elif starts_at and ends_at and (session.starts_at < starts_at or session.ends_at > ends_at):
            _add(
                errors,
                "sessions",
                _(
                    "Session %(number)s falls outside the course's dates: change the course's "
                    "start or end first."
                )
                % {"number": number},
            )
        if len(session.topic or "") > 300:
            _add(
                errors,
                "sessions",
                _("Session %(number)s: the topic is too long.") % {"number": number},
            )
    return errors


def _local_date(value: datetime.datetime | None, zone_name: str) -> datetime.date | None:
    if value is None:
        return None
    return timezone.localtime(value, _zone(zone_name)).date()


def course_create(
    *,
    actor,
    capacity,
    audience,
    enrolment_closes_on=None,
    attendance_required=1,
    sessions=(),
    **event_values,
) -> Course:
    """Schedule a training course: its event (kind "course", not repeating), the course and its
    sessions, numbered from 1 in order of time. All or nothing."""
    from hamafza.events.services import event_create

    organizer = event_values.get("organizer")
    course_policy.check(actor, "add", organizer)
    errors: dict[str, list[str]] = {}
    if event_values.setdefault("kind", EventKind.COURSE) != EventKind.COURSE:
        _add(errors, "kind", _("A course is an event of the kind “training course”."))
    if event_values.setdefault("recurrence", Recurrence.NONE) != Recurrence.NONE:
        _add(errors, "recurrence", _("A course does not repeat: give its sessions instead."))
    sessions = sorted((_session_input(s) for s in sessions), key=_session_order)
    values = {
        "capacity": capacity,
        "audience": audience,
        "enrolment_closes_on": enrolment_closes_on,
        "attendance_required": attendance_required,
    }
    starts_at, ends_at = event_values.get("starts_at"), event_values.get("ends_at")
    zone_name = event_values.get("time_zone") or Event._meta.get_field("time_zone").default
    for field, messages in _course_errors(
        values,
        session_count=len(sessions),
        ends_on=_local_date(ends_at, zone_name),
    ).items():
        errors.setdefault(field, []).extend(messages)
    for field, messages in _session_errors(sessions, starts_at=starts_at, ends_at=ends_at).items():
        errors.setdefault(field, []).extend(messages)
    with transaction.atomic():
        try:
            event = event_create(actor=actor, **event_values)
        except ValidationError as error:
            _merge(errors, error)
            _raise(errors)
            raise
        _raise(errors)
        course = Course(event=event, **values)
        course.full_clean()
        course.save()
        CourseSession.objects.bulk_create(
            [
                CourseSession(
                    course=course,
                    number=number,
                    starts_at=session.starts_at,
                    ends_at=session.ends_at,
                    topic=session.topic or "",
                )
                for number, session in enumerate(sessions, start=1)
            ]
        )
    return course


def course_update(*, actor, course: Course, **values) -> Course:
    """Change a course's seats, audience, closing date or attendance rule, and its event's
    fields (through ``event_update``). Fewer seats than people already accepted is refused;
    more seats go first to the waiting list."""
    from hamafza.events.services import event_update

    course_policy.check(actor, "change", course)
    course_values = {key: values.pop(key) for key in list(values) if key in COURSE_FIELDS}
    errors: dict[str, list[str]] = {}
    if values.get("kind", EventKind.COURSE) != EventKind.COURSE:
        _add(errors, "kind", _("A course is an event of the kind “training course”."))
    _raise(errors)
    promoted: list[Enrolment] = []
    with transaction.atomic():
        event = course.event
        if values:
            event = event_update(actor=actor, event=course.event, **values)
        locked = Course.objects.select_for_update().get(pk=course.pk)
        merged = {key: getattr(locked, key) for key in COURSE_FIELDS} | course_values
        session_count = locked.sessions.count()
        errors = _course_errors(
            merged,
            session_count=session_count,
            ends_on=_local_date(event.ends_at, event.time_zone),
        )
        if isinstance(merged["capacity"], int) and merged["capacity"] < locked.seats_taken:
            _add(
                errors,
                "capacity",
                _(
                    "%(count)s people already hold seats: the course cannot have fewer seats "
                    "than that. Decline or withdraw enrolments first."
                )
                % {"count": locked.seats_taken},
            )
        if values and session_count:
            bounds = locked.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
            if bounds["first"] < event.starts_at or bounds["last"] > event.ends_at:
                _add(
                    errors,
                    "starts_at",
                    _("The course's dates must include all of its sessions."),
                )
        _raise(errors)
        for field, value in course_values.items():
            setattr(locked, field, value)
        locked.full_clean(exclude=["event"])
        if course_values:
            locked.save(update_fields=list(course_values))
        locked.event = event
        promoted = _promote_waitlisted(locked)
    _notify_seated(promoted)
    locked.refresh_from_db(fields=["seats_taken"])
    return locked


def course_session_add(*, actor, course: Course, starts_at, ends_at, topic="") -> CourseSession:
    """Add a session after the course's last one (its number follows theirs)."""
    course_policy.check(actor, "change", course)
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        last = locked.sessions.aggregate(last=Max("number"))["last"] or 0
        event = course.event
        errors = _session_errors(
            [SessionInput(starts_at, ends_at, topic)],
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            first_number=last + 1,
        )
        _raise(errors)
        session = CourseSession(
            course=locked, number=last + 1, starts_at=starts_at, ends_at=ends_at, topic=topic or ""
        )
        session.full_clean()
        session.save()
    return session


# --- enrolment ---------------------------------------------------------------------------------


def enrolment_closed_reason(course: Course, *, now: datetime.datetime | None = None) -> str:
    """Why no one may apply for ``course`` now (a translated sentence), or "" when open.

    Enrolment closes at the end of ``enrolment_closes_on`` in the course's time zone or,
    without a closing date, when the course begins; a cancelled course takes no one."""
    now = now or _now()
    event = course.event
    if event.status == EventStatus.CANCELLED:
        return _("This course has been cancelled.")
    closes_on = course.enrolment_closes_on
    if closes_on is not None:
        closed = _local_date(now, event.time_zone) > closes_on
    else:
        closed = now >= event.starts_at
    return _("Enrolment for this course has closed.") if closed else ""


def enrolment_apply(
    *, actor, course: Course, person: Person, organization: Organization | None = None, note=""
) -> Enrolment:
    """Enrol ``person`` in ``course``: sent by ``organization`` (whose editors enrol its
    members), or on their own (a signed-in person applying for themself; coordinators and
    trusted code may enrol anyone this way). The enrolment starts as "applied"."""
    if organization is not None:
        enrolment_policy.check(actor, "add", organization)
    else:
        enrolment_policy.check(actor, "add", None)
        own = getattr(actor, "person", None) if getattr(actor, "pk", None) else None
        if not is_coordinator(actor) and (own is None or own.pk != person.pk):
            raise PermissionDenied(_("You may apply only for yourself."))
    closed = enrolment_closed_reason(course)
    if closed:
        raise ValidationError(closed, code="closed")
    if (
        organization is not None
        and not Membership.objects.filter(person=person, organization=organization).exists()
    ):
        raise ValidationError(
            {
                "person": _("%(person)s is not a member of %(organization)s.")
                % {"person": person.display_name(), "organization": organization.display_name()}
            },
            code="not_member",
        )
    existing = Enrolment.objects.filter(course=course, person=person).first()
    if existing is not None:
        raise ValidationError(
            {
                "person": _("%(person)s has already applied for this course (%(status)s).")
                % {"person": person.display_name(), "status": existing.get_status_display()}
            },
            code="duplicate",
        )
    enrolment = Enrolment(
        course=course, person=person, organization=organization, note=(note or "").strip()
    )
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:  # the same person applied at the same moment
        raise ValidationError(
            {
                "person": _("%(person)s has already applied for this course.")
                % {"person": person.display_name()}
            },
            code="duplicate",
        ) from error
    return enrolment


def _enrolment_locked(enrolment: Enrolment) -> tuple[Course, Enrolment]:
    """The course's row, then the enrolment's, locked (call inside a transaction)."""
    course = Course.objects.select_for_update().get(pk=enrolment.course_id)
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    course.event = enrolment.course.event
    locked.course = course
    return course, locked


def _seat_take(course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(seats_taken=F("seats_taken") + 1)
    course.seats_taken += 1


def _seat_free(course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(seats_taken=F("seats_taken") - 1)
    course.seats_taken -= 1


def _promote_waitlisted(course: Course) -> list[Enrolment]:
    """Give free seats to the waiting list, first applied first (the course row is locked)."""
    if course.event.status == EventStatus.CANCELLED:
        return []
    free = course.capacity - course.seats_taken
    if free <= 0:
        return []
    waiting = list(
        Enrolment.objects.select_for_update()
        .filter(course=course, status=EnrolmentStatus.WAITLISTED)
        .order_by("applied_at", "id")[:free]
    )
    now = _now()
    for enrolment in waiting:
        enrolment.status = EnrolmentStatus.ACCEPTED
        enrolment.decided_at = now
        enrolment.course = course
    if waiting:
        Enrolment.objects.bulk_update(waiting, ["status", "decided_at"])
        Course.objects.filter(pk=course.pk).update(seats_taken=F("seats_taken") + len(waiting))
        course.seats_taken += len(waiting)
    return waiting


def _notify_seated(enrolments: Iterable[Enrolment]) -> int:
    """Tell each person who got a seat (once per enrolment), if they sign in."""
    from hamafza.accounts.services import notification_send

    enrolments = list(enrolments)
    if not enrolments:
        return 0
    people = {
        person.pk: person
        for person in Person.objects.filter(
            pk__in=[e.person_id for e in enrolments], user__isnull=False, user__is_active=True
        ).select_related("user")
    }
    sent = 0
    for enrolment in enrolments:
        person = people.get(enrolment.person_id)
        if person is None:
            continue
        user = person.user
        event = enrolment.course.event
        with override(user.language or settings.LANGUAGE_CODE):
            title = _("You have a seat in the course “%(course)s”.") % {
                "course": event.display_name()
            }
        sent += notification_send(
            user=user,
            key=f"events-enrolment-seated:{enrolment.pk}",
            title=title[:300],
            url=reverse("events:course", args=[event.pk]),
        )
    return sent


def enrolment_accept(*, actor, enrolment: Enrolment) -> Enrolment:
    """Give the person a seat, or a place on the waiting list when the course is full."""
    enrolment_policy.check(actor, "change", enrolment)
    with transaction.atomic():
        course, locked = _enrolment_locked(enrolment)
        if course.event.status == EventStatus.CANCELLED:
            raise ValidationError(_("This course has been cancelled."), code="cancelled")
        if locked.status not in ACCEPTABLE:
            raise ValidationError(
                _("This enrolment is %(status)s: it cannot be accepted.")
                % {"status": locked.get_status_display()},
                code="status",
            )
        seated = course.seats_taken < course.capacity
        locked.status = EnrolmentStatus.ACCEPTED if seated else EnrolmentStatus.WAITLISTED
        locked.decided_at = _now()
        locked.save(update_fields=["status", "decided_at"])
        if seated:
            _seat_take(course)
    if seated:
        _notify_seated([locked])
    return locked


def _leave(enrolment: Enrolment, *, status: str, note: str | None = None) -> Enrolment:
    promoted: list[Enrolment] = []
    with transaction.atomic():
        course, locked = _enrolment_locked(enrolment)
        if locked.status not in LEAVABLE:
            raise ValidationError(
                _("This enrolment is %(status)s: it cannot be changed now.")
                % {"status": locked.get_status_display()},
                code="status",
            )
        was_seated = locked.status in SEATED_STATUSES
        locked.status = status
        locked.decided_at = _now()
        fields = ["status", "decided_at"]
        if note:
            locked.note = note.strip()[:500]
            fields.append("note")
        locked.save(update_fields=fields)
        if was_seated:
            _seat_free(course)
            promoted = _promote_waitlisted(course)
    _notify_seated(promoted)
    return locked


def enrolment_decline(*, actor, enrolment: Enrolment, note="") -> Enrolment:
    """The organizer turns an application down (or takes a seat back); a freed seat goes to
    the first on the waiting list."""
    enrolment_policy.check(actor, "change", enrolment)
    return _leave(enrolment, status=EnrolmentStatus.DECLINED, note=note)


def enrolment_withdraw(*, actor, enrolment: Enrolment) -> Enrolment:
    """The person (or the organization that sent them, or the organizer) withdraws; a freed
    seat goes to the first on the waiting list."""
    enrolment_policy.check(actor, "withdraw", enrolment)
    return _leave(enrolment, status=EnrolmentStatus.WITHDRAWN)


# --- attendance and certificates -------------------------------------------------------------


def attendance_record(*, actor, session: CourseSession, present) -> int:
    """Record who was at ``session``: ``present`` (enrolments or their ids) replaces what was
    recorded. Only accepted people of the course attend. Returns how many were present."""
    course = session.course
    course_policy.check(actor, "change", course)
    ids = set()
    for item in present or ():
        number = getattr(item, "pk", item)
        if not isinstance(number, int) or isinstance(number, bool):
            raise ValidationError(
                {"present": _("Choose people from the course's list.")}, code="invalid"
            )
        ids.add(number)
    if session.starts_at > _now():
        raise ValidationError(
            _("Attendance is recorded once the session has begun."), code="not_started"
        )
    through = Enrolment.sessions_attended.through
    with transaction.atomic():
        Course.objects.select_for_update().filter(pk=course.pk).first()
        valid = set(
            Enrolment.objects.filter(
                course=course, pk__in=ids, status__in=SEATED_STATUSES
            ).values_list("pk", flat=True)
        )
        if valid != ids:
            raise ValidationError(
                {
                    "present": _(
                        "Only people accepted in this course can be marked present "
                        "(%(count)s chosen are not)."
                    )
                    % {"count": len(ids - valid)}
                },
                code="not_accepted",
            )
        through.objects.filter(coursesession_id=session.pk).exclude(enrolment_id__in=ids).delete()
        through.objects.bulk_create(
            [through(coursesession_id=session.pk, enrolment_id=pk) for pk in sorted(ids)],
            ignore_conflicts=True,
        )
    return len(ids)


def course_close(*, actor, course: Course) -> int:
    """After the course ends: accepted people who attended enough sessions become "attended"
    and get a certificate number. Returns how many certificates were issued now."""
    course_policy.check(actor, "change", course)
    event = course.event
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("This course has been cancelled."), code="cancelled")
    now = _now()
    if event.ends_at > now:
        raise ValidationError(_("A course is closed once it has ended."), code="not_ended")
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        # Enrolments change status only under the course's lock, held here.
        eligible = list(
            Enrolment.objects.filter(course=locked, status=EnrolmentStatus.ACCEPTED)
            .annotate(sessions=Count("sessions_attended"))
            .filter(sessions__gte=locked.attendance_required)
            .order_by("applied_at", "id")
        )
        issued = Enrolment.objects.filter(course=locked).filter(~Q(certificate_number="")).count()
        for sequence, enrolment in enumerate(eligible, start=issued + 1):
            enrolment.status = EnrolmentStatus.ATTENDED
            enrolment.certificate_number = f"{CERTIFICATE_PREFIX}-{locked.pk}-{sequence:04d}"
            enrolment.certificate_issued_at = now
        Enrolment.objects.bulk_update(
            eligible, ["status", "certificate_number", "certificate_issued_at"]
        )
    return len(eligible)
