"""Pages for the work around agreements: review rounds, prospects, committees and their
meetings, representative appointments (decrees).

Each view parses input, calls a selector (reads) or a service (writes), renders.
Nothing here is public: every page asks the visitor to sign in, and the
policies decide the rest (a refusal is a 403 page). Lists show only what the
selectors give the visitor.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hamafza.core.exports import Column, export_response
from hamafza.core.forms import form_errors_from
from hamafza.core.paging import query_without_page
from hamafza.core.params import id_param
from hamafza.core.text import digits_to_ascii
from hamafza.directory.models import Organization, Person
from hamafza.directory.policies import roles_of
from hamafza.followups.selectors import followups_of_many

from . import selectors, services
from .forms_work import (
    AppointmentFiltersForm,
    AppointmentForm,
    CommitteeForm,
    DecisionFormSet,
    MeetingForm,
    MemberForm,
    ProspectForm,
    ProspectMoveForm,
    ReviewAddForm,
    ReviewDecideForm,
    ReviewRoundForm,
    RevokeForm,
    StatusFilterForm,
)
from .models import (
    PROSPECT_TRANSITIONS,
    Agreement,
    AgreementReview,
    AgreementState,
    Appointment,
    AppointmentStatus,
    Committee,
    CommitteeStatus,
    Prospect,
    ProspectStatus,
    ReviewDecision,
    ReviewRound,
)
from .policies import (
    agreement_part_policy,
    appointment_policy,
    meeting_policy,
    prospect_policy,
    review_policy,
)

PAGE_SIZE = 50
# Decision rows offered on a new meeting's form (more on request, up to the form's limit).
DECISION_ROWS = 3
# People offered in a picker's list (more can be typed by number or name).
PEOPLE_OFFERED = 200
REVIEWABLE_STATES = (AgreementState.ACTIVE, AgreementState.EXPIRED)


# --- helpers -------------------------------------------------------------------------------------


def _id_or_404(value) -> int:
    number = id_param(value)
    if number is None:
        raise Http404
    return number


def _messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _page(request, queryset: QuerySet) -> Page:
    """One page of a list: a count and the page's rows, whatever the list's length."""
    number = digits_to_ascii(str(request.GET.get("page") or "1")).strip()[:12]
    return Paginator(queryset, PAGE_SIZE).get_page(number)


def _offices(user, policy) -> list[Organization] | None:
    """The offices in which ``user`` may add under ``policy``; None means any (coordinators).

    Refuses (403) someone who may add in none.
    """
    if policy.can_add(user, None):
        return None
    ids = [organization for organization in roles_of(user) if policy.can_add(user, organization)]
    if not ids:
        raise PermissionDenied
    return list(Organization.objects.filter(pk__in=ids).order_by("name", "id"))


def _may_add(user, policy) -> bool:
    return policy.can_add(user, None) or any(
        policy.can_add(user, organization) for organization in roles_of(user)
    )


def _reviewable(user) -> QuerySet[Agreement]:
    """The agreements ``user`` may put in a review round (the service checks the state too)."""
    return (
        selectors.agreements_visible(user)
        .filter(state__in=REVIEWABLE_STATES)
        .only("id", "code", "title", "titles")
        .order_by("code")
    )


def _people_of(organization_ids) -> list[Person]:
    """People on the staff of these organizations, offered in the person pickers."""
    return list(
        Person.objects.filter(memberships__organization_id__in=list(organization_ids))
        .distinct()
        .order_by("name", "id")[:PEOPLE_OFFERED]
    )


# --- review rounds -------------------------------------------------------------------------------


def _round_or_404(pk) -> ReviewRound:
    round_ = ReviewRound.objects.filter(pk=_id_or_404(pk)).first()
    if round_ is None:
        raise Http404(_("No such review round."))
    return round_


def _review_or_404(pk, item_pk) -> AgreementReview:
    review = (
        AgreementReview.objects.select_related("round__owner", "agreement__kind", "new_kind")
        .filter(pk=_id_or_404(item_pk), round_id=_id_or_404(pk))
        .first()
    )
    if review is None:
        raise Http404(_("No such agreement in the review round."))
    return review


@login_required
@require_GET
def review_list(request):
    page = _page(request, selectors.review_rounds(user=request.user))
    context = {
        "page": page,
        "query_without_page": query_without_page(request),
        "can_add": _may_add(request.user, review_policy),
        "tab": "reviews",
    }
    return render(request, "agreements/work_review_list.html", context)


ROUND_COLUMNS = [
    Column(gettext_lazy("Title"), lambda r: r.title),
    Column(gettext_lazy("Responsible office"), lambda r: r.owner.display_name()),
    Column(gettext_lazy("Opened on"), lambda r: r.opened_on),
    Column(gettext_lazy("Due date"), lambda r: r.due_on),
    Column(gettext_lazy("Closed on"), lambda r: r.closed_on),
    Column(gettext_lazy("Agreements"), lambda r: r.total),
    Column(gettext_lazy("Decided"), lambda r: r.decided),
    Column(gettext_lazy("Applied"), lambda r: r.applied),
]


@login_required
@require_GET
def review_list_export(request, fmt: str):
    """The review rounds the user may see, as CSV or XLSX."""
    return export_response(
        selectors.review_rounds(user=request.user), ROUND_COLUMNS, fmt=fmt, name="review-rounds"
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request):
    offices = _offices(request.user, review_policy)
    form = ReviewRoundForm(
        request.POST or None, offices=offices, agreements=_reviewable(request.user)
    )
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.review_round_create(actor=request.user, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error, {"agreement": "codes"})
        else:
            messages.success(request, _("The review round was opened."))
            return redirect("agreements:review-detail", pk=round_.pk)
    return render(request, "agreements/work_review_form.html", {"form": form, "tab": "reviews"})


def _review_page(request, pk, *, add_form: ReviewAddForm | None = None, status: int = 200):
    try:
        round_ = selectors.review_round_detail(pk=_id_or_404(pk))
    except ReviewRound.DoesNotExist as exc:
        raise Http404(_("No such review round.")) from exc
    review_policy.check(request.user, "view", round_)
    reviews = list(round_.reviews.all())
    can_change = review_policy.can_change(request.user, round_)
    if can_change and add_form is None and round_.is_open:
        add_form = ReviewAddForm(agreements=_reviewable(request.user))
    context = {
        "round": round_,
        "reviews": reviews,
        "decided": sum(1 for r in reviews if r.decision != ReviewDecision.PENDING),
        "applied": sum(1 for r in reviews if r.applied_at is not None),
        "can_change": can_change,
        "can_act": can_change and round_.is_open,
        "add_form": add_form,
        "tab": "reviews",
    }
    return render(request, "agreements/work_review_detail.html", context, status=status)


@login_required
@require_GET
def review_detail(request, pk: int):
    return _review_page(request, pk)


REVIEW_COLUMNS = [
    Column(gettext_lazy("Code"), lambda r: r.agreement.code),
    Column(gettext_lazy("Agreement"), lambda r: r.agreement.display_title()),
    Column(gettext_lazy("Kind"), lambda r: r.agreement.kind.display_name()),
    Column(gettext_lazy("State"), lambda r: r.agreement.get_state_display()),
    Column(gettext_lazy("Decision"), lambda r: r.get_decision_display()),
    Column(gettext_lazy("Reasoning"), lambda r: r.reasoning),
    Column(gettext_lazy("New kind"), lambda r: r.new_kind.display_name() if r.new_kind else ""),
    Column(gettext_lazy("New expiry date"), lambda r: r.new_expires_on),
    Column(gettext_lazy("Applied at"), lambda r: r.applied_at),
    Column(gettext_lazy("Resulting agreement"), lambda r: r.result.code if r.result else ""),
]


@login_required
@require_GET
def review_export(request, pk: int, fmt: str):
    """The agreements of one round with their decisions, as CSV or XLSX."""
    try:
        round_ = selectors.review_round_detail(pk=_id_or_404(pk))
    except ReviewRound.DoesNotExist as exc:
        raise Http404(_("No such review round.")) from exc
    review_policy.check(request.user, "view", round_)
    return export_response(
        list(round_.reviews.all()), REVIEW_COLUMNS, fmt=fmt, name=f"review-{round_.pk}"
    )


@login_required
@require_POST
def review_add(request, pk: int):
    round_ = _round_or_404(pk)
    review_policy.check(request.user, "change", round_)
    form = ReviewAddForm(request.POST, agreements=_reviewable(request.user))
    if form.is_valid():
        try:
            review = services.review_add(
                actor=request.user, round=round_, agreement=form.cleaned_data["agreement"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The agreement was added to the round."))
            return redirect(
                reverse("agreements:review-detail", args=[round_.pk]) + f"#review-{review.pk}"
            )
    return _review_page(request, round_.pk, add_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def review_decide(request, pk: int, item_pk: int):
    review = _review_or_404(pk, item_pk)
    review_policy.check(request.user, "change", review.round)
    form = ReviewDecideForm(request.POST or None, kinds=selectors.agreement_kinds(), review=review)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_decide(actor=request.user, review=review, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(
                reverse("agreements:review-detail", args=[review.round_id]) + f"#review-{review.pk}"
            )
    context = {"review": review, "round": review.round, "form": form, "tab": "reviews"}
    return render(request, "agreements/work_review_decide.html", context)


@login_required
@require_POST
def review_apply(request, pk: int, item_pk: int):
    review = _review_or_404(pk, item_pk)
    review_policy.check(request.user, "change", review.round)
    try:
        services.review_apply(actor=request.user, review=review)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("The decision was applied."))
    return redirect(
        reverse("agreements:review-detail", args=[review.round_id]) + f"#review-{review.pk}"
    )


@login_required
@require_POST
def review_close(request, pk: int):
    round_ = _round_or_404(pk)
    review_policy.check(request.user, "change", round_)
    try:
        services.review_round_close(actor=request.user, round=round_)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("The review round was closed."))
    return redirect("agreements:review-detail", pk=round_.pk)


# --- prospects -----------------------------------------------------------------------------------


def _prospects(request) -> tuple[StatusFilterForm, QuerySet[Prospect]]:
    filters = StatusFilterForm(request.GET or None, choices=ProspectStatus.choices)
    rows = selectors.prospect_list(user=request.user, status=filters.value("status"))
    return filters, rows


@login_required
@require_GET
def prospect_list(request):
    filters, rows = _prospects(request)
    context = {
        "filters": filters,
        "page": _page(request, rows),
        "query_without_page": query_without_page(request),
        "can_add": _may_add(request.user, prospect_policy),
        "tab": "prospects",
    }
    return render(request, "agreements/work_prospect_list.html", context)


PROSPECT_COLUMNS = [
    Column(gettext_lazy("Body"), lambda p: p.organization.display_name()),
    Column(gettext_lazy("Responsible office"), lambda p: p.owner.display_name()),
    Column(gettext_lazy("Status"), lambda p: p.get_status_display()),
    Column(gettext_lazy("Expected benefit"), lambda p: p.expected_benefit),
    Column(gettext_lazy("Assessment"), lambda p: p.assessment),
    Column(gettext_lazy("Agreement signed"), lambda p: p.agreement.code if p.agreement else ""),
    Column(gettext_lazy("Updated"), lambda p: p.updated_at),
]


@login_required
@require_GET
def prospect_export(request, fmt: str):
    _filters, rows = _prospects(request)
    return export_response(rows, PROSPECT_COLUMNS, fmt=fmt, name="prospects")


@login_required
@require_http_methods(["GET", "POST"])
def prospect_create(request):
    offices = _offices(request.user, prospect_policy)
    form = ProspectForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            prospect = services.prospect_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The prospective partner was registered."))
            return redirect("agreements:prospect-detail", pk=prospect.pk)
    return render(request, "agreements/work_prospect_form.html", {"form": form, "tab": "prospects"})


@login_required
@require_http_methods(["GET", "POST"])
def prospect_detail(request, pk: int):
    prospect = (
        Prospect.objects.select_related("organization", "owner", "agreement")
        .filter(pk=_id_or_404(pk))
        .first()
    )
    if prospect is None:
        raise Http404(_("No such prospective partner."))
    prospect_policy.check(request.user, "view", prospect)
    can_change = prospect_policy.can_change(request.user, prospect)
    if request.method == "POST":
        prospect_policy.check(request.user, "change", prospect)
    form = None
    if can_change:
        form = ProspectMoveForm(
            request.POST or None,
            prospect=prospect,
            next_statuses=PROSPECT_TRANSITIONS.get(prospect.status, ()),
            agreements=selectors.agreements_visible(request.user),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.prospect_move(
                    actor=request.user, prospect=prospect, **form.service_values()
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("agreements:prospect-detail", pk=prospect.pk)
    next_statuses = [
        ProspectStatus(status).label for status in PROSPECT_TRANSITIONS.get(prospect.status, ())
    ]
    context = {
        "prospect": prospect,
        "form": form,
        "next_statuses": next_statuses,
        "tab": "prospects",
    }
    return render(request, "agreements/work_prospect_detail.html", context)


# --- committees and meetings ---------------------------------------------------------------------


def _committees(request) -> tuple[StatusFilterForm, QuerySet[Committee]]:
    filters = StatusFilterForm(request.GET or None, choices=CommitteeStatus.choices)
    rows = selectors.committee_list(user=request.user, status=filters.value("status"))
    return filters, rows


@login_required
@require_GET
def committee_list(request):
    filters, rows = _committees(request)
    context = {
        "filters": filters,
        "page": _page(request, rows),
        "query_without_page": query_without_page(request),
        "tab": "committees",
    }
    return render(request, "agreements/work_committee_list.html", context)


COMMITTEE_COLUMNS = [
    Column(gettext_lazy("Committee"), lambda c: c.display_name()),
    Column(gettext_lazy("Agreement"), lambda c: c.agreement.code),
    Column(gettext_lazy("Agreement title"), lambda c: c.agreement.display_title()),
    Column(gettext_lazy("Status"), lambda c: c.get_status_display()),
    Column(gettext_lazy("Secretary"), lambda c: c.secretary.display_name() if c.secretary else ""),
    Column(gettext_lazy("Established on"), lambda c: c.established_on),
    Column(gettext_lazy("Members"), lambda c: c.members_count),
    Column(gettext_lazy("Meetings"), lambda c: c.meetings_count),
]


@login_required
@require_GET
def committee_export(request, fmt: str):
    _filters, rows = _committees(request)
    return export_response(rows, COMMITTEE_COLUMNS, fmt=fmt, name="committees")


def _committee_or_404(pk) -> Committee:
    committee = (
        Committee.objects.select_related("agreement", "secretary").filter(pk=_id_or_404(pk)).first()
    )
    if committee is None:
        raise Http404(_("No such committee."))
    return committee


def _party_ids(agreement: Agreement) -> list[int]:
    """The agreement's parties and its keeping office: where its committee's members come from."""
    return [agreement.owner_id, *agreement.parties.values_list("organization_id", flat=True)]


@login_required
@require_http_methods(["GET", "POST"])
def committee_create(request, pk: int):
    agreement = Agreement.objects.select_related("kind").filter(pk=_id_or_404(pk)).first()
    if agreement is None:
        raise Http404(_("No such agreement."))
    agreement_part_policy.check(request.user, "add", agreement)
    form = CommitteeForm(request.POST or None, people=_people_of(_party_ids(agreement)))
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(
                actor=request.user, agreement=agreement, **form.service_values()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The committee was formed."))
            return redirect("agreements:committee-detail", pk=committee.pk)
    context = {"form": form, "agreement": agreement, "committee": None, "tab": "committees"}
    return render(request, "agreements/work_committee_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request, pk: int):
    committee = _committee_or_404(pk)
    agreement_part_policy.check(request.user, "change", committee)
    form = CommitteeForm(
        request.POST or None,
        committee=committee,
        people=_people_of(_party_ids(committee.agreement)),
    )
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_update(
                actor=request.user, committee=committee, **form.service_values()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("agreements:committee-detail", pk=committee.pk)
    context = {
        "form": form,
        "agreement": committee.agreement,
        "committee": committee,
        "tab": "committees",
    }
    return render(request, "agreements/work_committee_form.html", context)


def _member_form(committee: Committee, data=None) -> MemberForm:
    party_ids = _party_ids(committee.agreement)
    return MemberForm(
        data,
        organizations=Organization.objects.filter(pk__in=party_ids).order_by("name", "id"),
        people=_people_of(party_ids),
    )


def _committee_page(request, pk, *, member_form: MemberForm | None = None):
    try:
        committee = selectors.committee_detail(pk=_id_or_404(pk))
    except Committee.DoesNotExist as exc:
        raise Http404(_("No such committee.")) from exc
    agreement_part_policy.check(request.user, "view", committee)
    can_change = agreement_part_policy.can_change(request.user, committee)
    if can_change and member_form is None:
        member_form = _member_form(committee)
    meetings = list(committee.meetings.all())
    decisions = followups_of_many(meetings)
    for meeting in meetings:
        meeting.decisions = decisions.get(meeting.pk, [])
    context = {
        "committee": committee,
        "members": list(committee.members.all()),
        "meetings": meetings,
        "can_change": can_change,
        "can_record": meeting_policy.can_add(request.user, committee),
        "member_form": member_form if can_change else None,
        "tab": "committees",
    }
    return render(request, "agreements/work_committee_detail.html", context)


@login_required
@require_GET
def committee_detail(request, pk: int):
    return _committee_page(request, pk)


@login_required
@require_POST
def member_add(request, pk: int):
    committee = _committee_or_404(pk)
    agreement_part_policy.check(request.user, "change", committee)
    form = _member_form(committee, request.POST)
    if form.is_valid():
        try:
            services.committee_member_add(
                actor=request.user, committee=committee, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The member was added."))
            url = reverse("agreements:committee-detail", args=[committee.pk])
            return redirect(url + "#members")
    return _committee_page(request, committee.pk, member_form=form)


def _decision_rows(request) -> int:
    wanted = id_param(request.GET.get("decisions")) or DECISION_ROWS
    return min(wanted, DecisionFormSet.max_num)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk: int):
    committee = _committee_or_404(pk)
    meeting_policy.check(request.user, "add", committee)
    members = Person.objects.filter(committee_seats__committee=committee).order_by("name", "id")
    people = _people_of(_party_ids(committee.agreement))
    form = MeetingForm(request.POST or None, members=members)
    form.calendars_follow(request)
    decisions = DecisionFormSet(
        request.POST or None,
        prefix="decisions",
        people=people,
        request=request,
        rows=_decision_rows(request),
    )
    if request.method == "POST" and form.is_valid() and decisions.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_record(
                actor=request.user,
                committee=committee,
                held_on=data["held_on"],
                place=data["place"],
                agenda=data["agenda"],
                minutes=data["minutes"],
                attendees=data["attendees"],
                decisions=[
                    services.DecisionInput(
                        text=row["text"],
                        owner_organization=row["owner_organization"],
                        owner_person=row["owner_person"],
                        due_on=row["due_on"],
                    )
                    for row in decisions.cleaned_data
                    if row
                ],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The meeting was recorded."))
            return redirect(
                reverse("agreements:committee-detail", args=[committee.pk])
                + f"#meeting-{meeting.pk}"
            )
    context = {
        "form": form,
        "decisions": decisions,
        "committee": committee,
        "more_rows": min(decisions.total_form_count() + DECISION_ROWS, DecisionFormSet.max_num),
        "tab": "committees",
    }
    return render(request, "agreements/work_meeting_form.html", context)


# --- representative appointments -----------------------------------------------------------------


def _appointments(request) -> tuple[AppointmentFiltersForm, QuerySet[Appointment], dict]:
    filters = AppointmentFiltersForm(request.GET or None)
    values = filters.values()
    rows = selectors.appointment_list(user=request.user, **values)
    return filters, rows, values


def _status_label(appointment: Appointment, today) -> str:
    return AppointmentStatus(appointment.status_on(today)).label


@login_required
@require_GET
def appointment_list(request):
    filters, rows, _values = _appointments(request)
    page = _page(request, rows)
    today = timezone.localdate()
    for appointment in page.object_list:
        appointment.status_now = appointment.status_on(today)
        appointment.status_label = _status_label(appointment, today)
    context = {
        "filters": filters,
        "page": page,
        "query_without_page": query_without_page(request),
        "can_add": _may_add(request.user, appointment_policy),
        "tab": "appointments",
    }
    return render(request, "agreements/work_appointment_list.html", context)


def _appointment_columns(today) -> list[Column]:
    return [
        Column(gettext_lazy("Person"), lambda a: a.person.display_name()),
        Column(gettext_lazy("Issuing authority"), lambda a: a.issuer.display_name()),
        Column(gettext_lazy("Host body"), lambda a: a.host.display_name()),
        Column(gettext_lazy("Role"), lambda a: a.role),
        Column(gettext_lazy("Decree number"), lambda a: a.decree_number),
        Column(gettext_lazy("Decree date"), lambda a: a.decree_date),
        Column(gettext_lazy("Valid from"), lambda a: a.valid_from),
        Column(gettext_lazy("Valid to"), lambda a: a.valid_to),
        Column(gettext_lazy("Status"), lambda a: _status_label(a, today)),
        Column(gettext_lazy("Revoked on"), lambda a: a.revoked_on),
        Column(gettext_lazy("Reason for revocation"), lambda a: a.revocation_reason),
    ]


@login_required
@require_GET
def appointment_export(request, fmt: str):
    _filters, rows, _values = _appointments(request)
    columns = _appointment_columns(timezone.localdate())
    return export_response(rows, columns, fmt=fmt, name="appointments")


def _appointment_or_404(pk) -> Appointment:
    appointment = (
        Appointment.objects.select_related("person", "issuer", "host")
        .filter(pk=_id_or_404(pk))
        .first()
    )
    if appointment is None:
        raise Http404(_("No such decree."))
    return appointment


def _issuer_people(offices: list[Organization] | None) -> list[Person]:
    return _people_of(office.pk for office in offices) if offices else []


@login_required
@require_http_methods(["GET", "POST"])
def appointment_create(request):
    offices = _offices(request.user, appointment_policy)
    form = AppointmentForm(request.POST or None, offices=offices)
    form.fields["person"].people_offer(_issuer_people(offices))
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.appointment_create(actor=request.user, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The decree was registered."))
            return redirect("agreements:appointment-detail", pk=appointment.pk)
    context = {"form": form, "appointment": None, "tab": "appointments"}
    return render(request, "agreements/work_appointment_form.html", context)


HISTORY_FIELDS = (
    "role",
    "decree_number",
    "decree_date",
    "valid_from",
    "valid_to",
    "revoked_on",
    "revocation_reason",
)
HISTORY_RELATIONS = ("person_id", "issuer_id", "host_id")
# simple-history's own labels have no Persian or Arabic translation.
HISTORY_KINDS = {
    "+": gettext_lazy("Recorded"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}


def _history(appointment: Appointment) -> list[dict]:
    """The decree's recorded versions, newest first, each with what it changed."""
    records = list(appointment.history.select_related("history_user").order_by("-history_date"))
    rows = []
    for index, record in enumerate(records):
        before = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if before is not None:
            for name in HISTORY_FIELDS:
                old, new = getattr(before, name), getattr(record, name)
                if old != new:
                    label = Appointment._meta.get_field(name).verbose_name
                    changes.append({"field": label, "old": old, "new": new})
            for name in HISTORY_RELATIONS:
                if getattr(before, name) != getattr(record, name):
                    label = Appointment._meta.get_field(name.removesuffix("_id")).verbose_name
                    changes.append({"field": label, "old": None, "new": None})
        kind = HISTORY_KINDS.get(record.history_type, record.history_type)
        rows.append({"record": record, "kind": kind, "changes": changes})
    return rows


@login_required
@require_GET
def appointment_detail(request, pk: int):
    appointment = _appointment_or_404(pk)
    appointment_policy.check(request.user, "view", appointment)
    today = timezone.localdate()
    context = {
        "appointment": appointment,
        "status": appointment.status_on(today),
        "status_label": _status_label(appointment, today),
        "history": _history(appointment),
        "can_change": appointment_policy.can_change(request.user, appointment),
        "tab": "appointments",
    }
    return render(request, "agreements/work_appointment_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_edit(request, pk: int):
    appointment = _appointment_or_404(pk)
    appointment_policy.check(request.user, "change", appointment)
    form = AppointmentForm(request.POST or None, appointment=appointment)
    form.fields["person"].people_offer(_people_of([appointment.issuer_id]))
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_update(
                actor=request.user, appointment=appointment, **form.service_values()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("agreements:appointment-detail", pk=appointment.pk)
    context = {"form": form, "appointment": appointment, "tab": "appointments"}
    return render(request, "agreements/work_appointment_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_revoke(request, pk: int):
    appointment = _appointment_or_404(pk)
    appointment_policy.check(request.user, "change", appointment)
    form = RevokeForm(request.POST or None, initial={"revoked_on": timezone.localdate()})
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_revoke(
                actor=request.user,
                appointment=appointment,
                on=form.cleaned_data["revoked_on"],
                reason=form.cleaned_data["revocation_reason"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The decree was revoked."))
            return redirect("agreements:appointment-detail", pk=appointment.pk)
    context = {"form": form, "appointment": appointment, "tab": "appointments"}
    return render(request, "agreements/work_appointment_revoke.html", context)
