"""Course pages: the list of courses open for enrolment, one course, the form that schedules a
course with its sessions, enrolment (an organization's editors send their members; a signed-in
person applies for themself), the organizer's decisions, attendance, closing, and certificates.

Each view parses input, calls a selector or a service, and renders. Everyone reads the list and
the course's public details; writes ask for a signed-in user (anonymous visitors are sent to
sign in) and the right the policies give (a refused visitor gets the 403 page; the services
refuse the same). Anything typed in a URL that does not name a row is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hamafza.core.calendars import date_all_calendars
from hamafza.core.exports import Column, export_response
from hamafza.core.forms import form_errors_from
from hamafza.core.paging import capped_page, query_without_page
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.directory.models import Organization, Role
from hamafza.directory.policies import organization_ids_with_role

from . import selectors_courses, services_courses
from .certificates import CERTIFICATE_LANGUAGES, certificate_language, certificate_pdf
from .forms_courses import (
    SESSION_ROWS,
    SESSION_ROWS_MAX,
    ApplyForm,
    AttendanceForm,
    CourseFilterForm,
    CourseForm,
    DecideForm,
    Decision,
    EnrolForm,
    SessionFormSet,
)
from .models import Course, CourseSession, Enrolment, EnrolmentStatus, EventStatus
from .policies import course_policy, enrolment_policy

PAGE_SIZE = 25
# The signed-in user's enrolments shown above the list.
MINE_SHOWN = 20


# --- helpers ---------------------------------------------------------------------------------


def _course_or_404(pk) -> Course:
    event_id = id_param(pk)
    try:
        if event_id is None:
            raise Course.DoesNotExist
        return selectors_courses.course_get(event_id=event_id)
    except Course.DoesNotExist as exc:
        raise Http404(_("No such course.")) from exc


def _enrolment_or_404(pk) -> Enrolment:
    enrolment_id = id_param(pk)
    try:
        if enrolment_id is None:
            raise Enrolment.DoesNotExist
        return selectors_courses.enrolment_get(pk=enrolment_id)
    except Enrolment.DoesNotExist as exc:
        raise Http404(_("No such enrolment.")) from exc


def _session_or_404(pk, number) -> CourseSession:
    event_id, number = id_param(pk), id_param(number)
    try:
        if event_id is None or number is None or number > 32767:
            raise CourseSession.DoesNotExist
        return selectors_courses.course_session_get(event_id=event_id, number=number)
    except CourseSession.DoesNotExist as exc:
        raise Http404(_("No such session.")) from exc


def _organizers(user) -> list[Organization] | None:
    """The organizations ``user`` may run courses for; None for "any" (coordinators)."""
    if is_coordinator(user):
        return None
    ids = [
        organization_id
        for organization_id in organization_ids_with_role(user, Role.EDITOR)
        if course_policy.allows(user, "add", organization_id)
    ]
    return list(Organization.objects.only("id", "name", "names").filter(pk__in=ids))


def _own_person(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "person", None)


def _course_url(course: Course, anchor: str = "") -> str:
    url = reverse("events:course", args=[course.event_id])
    return f"{url}#{anchor}" if anchor else url


def _back(request, default: str):
    """Back to the page that posted (``next``, on this site), else ``default``."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- the list --------------------------------------------------------------------------------


@require_GET
def course_list(request):
    """Courses still to come with seats left (``?audience=`` filters), and the visitor's own
    enrolments and those of the organizations they edit."""
    filters = CourseFilterForm(request.GET or None)
    page = capped_page(
        selectors_courses.course_list(audience=filters.audience_value()),
        request.GET.get("page"),
        PAGE_SIZE,
    )
    user = request.user
    mine = []
    if user.is_authenticated:
        mine = list(selectors_courses.enrolments_mine(user)[:MINE_SHOWN])
    organizers = _organizers(user) if user.is_authenticated else []
    context = {
        "filters": filters,
        "page": page,
        "query_without_page": query_without_page(request),
        "mine": mine,
        "can_add": organizers is None or bool(organizers),
        "tab": "courses",
    }
    return render(request, "events/course_list.html", context)


# --- one course ------------------------------------------------------------------------------


def _course_page(request, course: Course, *, enrol_form=None, apply_form=None, status=200):
    user = request.user
    event = course.event
    language = get_language()
    zone = timezone.get_current_timezone()
    starts_on = timezone.localtime(event.starts_at, zone).date()
    ends_on = timezone.localtime(event.ends_at, zone).date()
    can_manage = course_policy.allows(user, "change", course)
    closed_reason = services_courses.enrolment_closed_reason(course)
    groups, attendance = [], {}
    if can_manage:
        groups = selectors_courses.course_enrolments_by_status(course)
        attendance = selectors_courses.sessions_attendance_counts(course)
    sessions = list(course.sessions.all())
    for session in sessions:
        session.present = attendance.get(session.pk, 0)
        session.started = session.starts_at <= timezone.now()
    organizations = []
    if user.is_authenticated:
        organizations = list(selectors_courses.organizations_editable(user))
    if organizations and enrol_form is None and not closed_reason:
        enrol_form = EnrolForm(
            organizations=organizations,
            people=selectors_courses.members_of(o.pk for o in organizations),
        )
    person = _own_person(user)
    own = selectors_courses.enrolment_of(course=course, person=person)
    if person is not None and own is None and apply_form is None and not closed_reason:
        apply_form = ApplyForm()
    context = {
        "course": course,
        "event": event,
        "sessions": sessions,
        "calendars_start": date_all_calendars(
            starts_on, language=language, region=request.lunar_region
        ),
        "calendars_end": date_all_calendars(
            ends_on, language=language, region=request.lunar_region
        ),
        "multi_day": starts_on != ends_on,
        "is_cancelled": event.status == EventStatus.CANCELLED,
        "is_over": event.ends_at <= timezone.now(),
        "closed_reason": closed_reason,
        "can_manage": can_manage,
        "groups": groups,
        "enrol_form": enrol_form,
        "apply_form": apply_form,
        "own": own,
        "own_can_withdraw": own is not None and own.status in services_courses.LEAVABLE,
        "statuses": EnrolmentStatus,
        "decisions": Decision,
        "tab": "courses",
    }
    return render(request, "events/course.html", context, status=status)


@require_GET
def course_detail(request, pk: int):
    return _course_page(request, _course_or_404(pk))


@login_required
@require_GET
def enrolment_export(request, pk: int, fmt: str):
    """A course's enrolments as CSV or XLSX, for those who run it (the page shows them the same
    list): every enrolment in order of application, with its status."""
    course = _course_or_404(pk)
    course_policy.check(request.user, "change", course)
    language = get_language()
    zone = timezone.get_current_timezone()
    statuses = {value: str(label) for value, label in EnrolmentStatus.choices}
    on_their_own = _("on their own")

    def local(value):
        return timezone.localtime(value, zone).replace(tzinfo=None) if value else None

    columns = [
        Column(_("Person"), lambda e: e.person.display_name(language)),
        Column(
            _("Sent by"),
            lambda e: e.organization.display_name(language) if e.organization else on_their_own,
        ),
        Column(_("Status"), lambda e: statuses.get(e.status, e.status)),
        Column(_("Applied on"), lambda e: local(e.applied_at)),
        Column(_("Decided on"), lambda e: local(e.decided_at)),
        Column(_("Sessions attended"), lambda e: e.attended_count),
        Column(_("Certificate number"), lambda e: e.certificate_number),
        Column(_("Note"), lambda e: e.note),
    ]
    rows = selectors_courses.course_enrolments(course)
    return export_response(rows, columns, fmt=fmt, name=f"enrolments-{course.event_id}")


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    """Schedule a course with its sessions (``?organizer=<id>`` chooses the organizer;
    ``?sessions=<n>`` asks for more rows)."""
    user = request.user
    organizers = _organizers(user)
    if organizers is not None and not organizers:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    asked = id_param(source.get("organizer"))
    if asked is not None and not course_policy.allows(user, "add", asked):
        raise PermissionDenied
    rows = min(max(id_param(request.GET.get("sessions")) or SESSION_ROWS, 1), SESSION_ROWS_MAX)
    data = request.POST if request.method == "POST" else None
    form = CourseForm(
        data,
        organizers=organizers,
        time_zone=timezone.get_current_timezone_name(),
        initial={"organizer": asked} if asked else None,
    )
    form.calendars_follow(request)
    sessions = SessionFormSet(data, prefix="sessions", request=request)
    if request.method == "GET":
        sessions.extra = rows
    session_errors: list[str] = []
    if request.method == "POST":
        form_valid, sessions_valid = form.is_valid(), sessions.is_valid()
        if form_valid and sessions_valid:
            try:
                course = services_courses.course_create(
                    actor=user,
                    sessions=sessions.sessions(form.zone()),
                    **form.service_values(),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "sessions" in error.error_dict:
                    session_errors = ValidationError(error.error_dict.pop("sessions")).messages
                form_errors_from(form, error, CourseForm.ALIASES)
            else:
                messages.success(request, _("The course was scheduled."))
                return redirect(_course_url(course))
    context = {
        "form": form,
        "sessions": sessions,
        "session_errors": session_errors,
        "more_rows": min(sessions.total_form_count() + SESSION_ROWS, SESSION_ROWS_MAX),
        "tab": "courses",
    }
    return render(request, "events/course_form.html", context)


# --- enrolment -------------------------------------------------------------------------------


@login_required
@require_POST
def course_enrol(request, pk: int):
    """An organization's editor sends a member (``organization`` and ``person`` posted), or
    the signed-in person applies for themself (neither posted)."""
    course = _course_or_404(pk)
    user = request.user
    if "organization" in request.POST or "person" in request.POST:
        organizations = list(selectors_courses.organizations_editable(user))
        form = EnrolForm(
            request.POST,
            organizations=organizations,
            people=selectors_courses.members_of(o.pk for o in organizations),
        )
        if form.is_valid():
            try:
                enrolment = services_courses.enrolment_apply(
                    actor=user,
                    course=course,
                    person=form.cleaned_data["person"],
                    organization=form.cleaned_data["organization"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(
                    request,
                    _("%(person)s has been enrolled and awaits the organizer's decision.")
                    % {"person": enrolment.person.display_name()},
                )
                return redirect(_course_url(course, "enrolments"))
        return _course_page(request, course, enrol_form=form)
    person = _own_person(user)
    form = ApplyForm(request.POST)
    if person is None:
        form.add_error(None, _("Your account is not linked to a person in the directory."))
    elif form.is_valid():
        try:
            services_courses.enrolment_apply(
                actor=user, course=course, person=person, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Your application was received."))
            return redirect(_course_url(course, "mine"))
    return _course_page(request, course, apply_form=form)


@login_required
@require_POST
def enrolment_decide(request, pk: int):
    """Accept, decline (the organizer) or withdraw (the person, their organization or the
    organizer) an enrolment."""
    enrolment = _enrolment_or_404(pk)
    course = enrolment.course
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the enrolment."))
        return _back(request, _course_url(course, "enrolments"))
    decision = form.cleaned_data["decision"]
    person = enrolment.person.display_name()
    try:
        if decision == Decision.ACCEPT:
            enrolment = services_courses.enrolment_accept(actor=request.user, enrolment=enrolment)
        elif decision == Decision.DECLINE:
            enrolment = services_courses.enrolment_decline(
                actor=request.user, enrolment=enrolment, note=form.cleaned_data["note"]
            )
        else:
            enrolment = services_courses.enrolment_withdraw(actor=request.user, enrolment=enrolment)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            text = _("The course is full: %(person)s is on the waiting list.")
        elif enrolment.status == EnrolmentStatus.ACCEPTED:
            text = _("%(person)s has a seat.")
        elif enrolment.status == EnrolmentStatus.DECLINED:
            text = _("The enrolment of %(person)s was declined.")
        else:
            text = _("The enrolment of %(person)s was withdrawn.")
        messages.success(request, text % {"person": person})
    return _back(request, _course_url(course, "enrolments"))


# --- attendance, closing, certificates -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def course_attendance(request, pk: int, number: int):
    """Who was at one session: a checkbox for each accepted person (the organizer)."""
    session = _session_or_404(pk, number)
    course = session.course
    course_policy.check(request.user, "change", course)
    rows = selectors_courses.session_attendance(session)
    form = AttendanceForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            count = services_courses.attendance_record(
                actor=request.user, session=session, present=form.cleaned_data["present"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("Attendance was recorded: %(count)s present.") % {"count": count},
            )
            return redirect(_course_url(course, "sessions"))
    context = {
        "course": course,
        "event": course.event,
        "session": session,
        "form": form,
        "rows": rows,
        "tab": "courses",
    }
    return render(request, "events/course_attendance.html", context)


@login_required
@require_POST
def course_close(request, pk: int):
    """Close a course that has ended: certificates for those who attended enough sessions."""
    course = _course_or_404(pk)
    try:
        count = services_courses.course_close(actor=request.user, course=course)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(
            request, _("The course was closed: %(count)s certificates issued.") % {"count": count}
        )
    return redirect(_course_url(course, "enrolments"))


@login_required
@require_GET
def certificate(request, pk: int):
    """The certificate as a PDF, for the person, the organization that sent them, the organizer
    and coordinators (``?language=fa|ar|en``, else the page's language)."""
    enrolment = _enrolment_or_404(pk)
    enrolment_policy.check(request.user, "view", enrolment)
    asked = (request.GET.get("language") or "").strip().lower()
    language = asked if asked in CERTIFICATE_LANGUAGES else certificate_language(get_language())
    try:
        data = certificate_pdf(enrolment=enrolment, language=language)
    except ValidationError as error:
        raise Http404(error.messages[0]) from error
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"certificate-{enrolment.certificate_number}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
