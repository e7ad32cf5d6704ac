"""Follow-up pages. Each view parses input, calls a selector or service, renders.

Who may see an item, change it or report on it is the policy's to say
(``followups.policies``): an item the visitor may not see is "not found";
a write they may not make is refused (403).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from hamafza.core.exports import Column, export_response
from hamafza.core.forms import form_errors_from
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.directory.models import Organization
from hamafza.directory.policies import roles_of
from hamafza.followups import selectors, services
from hamafza.followups.forms import FollowUpEditForm, FollowUpFilterForm, FollowUpReportForm
from hamafza.followups.models import FollowUp
from hamafza.followups.policies import followup_policy

PAGE_SIZE = 50
FILTER_FIELDS = ("q", "status", "organization")
LISTS = ("mine", "overdue")

# Where a source is shown, by the source's model label. Follow-ups know no app that
# assigns them; a source without an entry here is named but not linked.
SOURCE_URLS: dict[str, Callable[[object], str]] = {
    "agreements.agreement": lambda source: reverse("agreements:detail", args=[source.pk]),
    "agreements.meeting": lambda source: reverse(
        "agreements:committee-detail", args=[source.committee_id]
    ),
}


def source_url(followup: FollowUp) -> str:
    """The page of the item's source, or "" when there is none (or the source is gone)."""
    source = followup.source
    if source is None:
        return ""
    url_of = SOURCE_URLS.get(source._meta.label_lower)
    return url_of(source) if url_of is not None else ""


# --- helpers ------------------------------------------------------------------------------


def _followup_or_404(request, pk) -> FollowUp:
    """The item, if it exists and the visitor may see it."""
    followup_id = id_param(pk)
    try:
        if followup_id is None:
            raise FollowUp.DoesNotExist
        followup = selectors.followup_get(pk=followup_id)
    except FollowUp.DoesNotExist as exc:
        raise Http404(_("No such follow-up.")) from exc
    if not followup_policy.can_view(request.user, followup):
        raise Http404(_("No such follow-up."))
    return followup


def _query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _filter_form(request, *, list_name: str) -> FollowUpFilterForm:
    """The filters of ``list_name``. Untouched, "my follow-ups" shows what is still open."""
    bound = any(name in request.GET for name in FILTER_FIELDS)
    overdue = list_name == "overdue"
    if overdue and is_coordinator(request.user):
        organizations = None  # any organization of the network, typed
    else:
        organizations = [
            (organization.pk, organization.display_name())
            for organization in Organization.objects.filter(
                pk__in=list(roles_of(request.user))
            ).only("id", "name", "names")
        ]
    return FollowUpFilterForm(
        request.GET if bound else None,
        organizations=organizations,
        with_status=not overdue,
        initial={"status": "open"},
    )


def _rows(request, *, list_name: str, form: FollowUpFilterForm):
    values = form.values()
    if list_name == "overdue":
        values["status"] = "overdue"
    filters = selectors.FollowUpFilters(
        q=values.get("q", ""),
        status=values.get("status", ""),
        organization=values.get("organization"),
    )
    return selectors.followup_list(user=request.user, filters=filters, mine=list_name == "mine")


def _list_page(request, *, list_name: str, template: str):
    form = _filter_form(request, list_name=list_name)
    rows = _rows(request, list_name=list_name, form=form)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    export_query = _query_without(request, "page", "list")
    context = {
        "form": form,
        "page": page,
        "list_name": list_name,
        "query_without_page": _query_without(request, "page"),
        "export_query": f"list={list_name}" + (f"&{export_query}" if export_query else ""),
        "is_coordinator": is_coordinator(request.user),
        "today": timezone.localdate(),
    }
    return render(request, template, context)


# --- lists --------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    """The items of the organizations where the visitor holds a role, by due date."""
    return _list_page(request, list_name="mine", template="followups/mine.html")


@login_required
@require_GET
def overdue(request):
    """Overdue items: across the network for coordinators, one's own for everyone else."""
    return _list_page(request, list_name="overdue", template="followups/overdue.html")


EXPORT_COLUMNS = [
    Column(gettext_lazy("Number"), lambda f: f.number),
    Column(gettext_lazy("Text"), lambda f: f.text),
    Column(gettext_lazy("Kind of source"), lambda f: f.source_type.name),
    Column(gettext_lazy("Responsible organization"), lambda f: f.owner_organization),
    Column(gettext_lazy("Responsible person"), lambda f: f.owner_person or ""),
    Column(gettext_lazy("Due date"), lambda f: f.due_on),
    Column(gettext_lazy("Status"), lambda f: f.get_status_display()),
    Column(gettext_lazy("Overdue"), lambda f: _("Yes") if f.overdue else _("No")),
    Column(gettext_lazy("Progress (%)"), lambda f: f.progress),
    Column(gettext_lazy("Closed on"), lambda f: f.closed_on),
]


@login_required
@require_GET
def followup_export(request, fmt: str):
    """The list on screen (``list=mine`` or ``overdue``, with its filters) as CSV or XLSX."""
    list_name = request.GET.get("list", "mine")
    if list_name not in LISTS:
        list_name = "mine"
    form = _filter_form(request, list_name=list_name)
    rows = _rows(request, list_name=list_name, form=form)
    return export_response(rows, EXPORT_COLUMNS, fmt=fmt, name=f"followups-{list_name}")


# --- one item -----------------------------------------------------------------------------


def _detail_page(
    request,
    followup: FollowUp,
    *,
    report_form: FollowUpReportForm | None = None,
):
    user = request.user
    manager = followup_policy.allows(user, "change", followup)
    may_report = followup_policy.allows(user, "report", followup)
    if may_report and report_form is None:
        report_form = FollowUpReportForm(followup=followup, manager=manager)
    notes = list(followup.notes.all())
    for note in notes:
        note.evidence_name = PurePosixPath(note.evidence.name).name if note.evidence else ""
    context = {
        "followup": followup,
        "source": followup.source,
        "source_url": source_url(followup),
        "notes": notes,
        "can_change": manager,
        "report_form": report_form if may_report else None,
        "today": timezone.localdate(),
    }
    return render(request, "followups/detail.html", context)


@login_required
@require_GET
def detail(request, pk: int):
    """The item, its source, and its notes, evidence and status changes as a timeline."""
    return _detail_page(request, _followup_or_404(request, pk))


@login_required
@require_GET
def evidence(request, pk: int, note_pk: int):
    """A note's evidence file, streamed to those who may read the item (never public)."""
    followup = _followup_or_404(request, pk)
    note = followup.notes.filter(pk=id_param(note_pk) or 0).exclude(evidence="").first()
    if note is None:
        raise Http404(_("No such evidence."))
    try:
        handle = note.evidence.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("No such evidence.")) from exc
    return FileResponse(handle, filename=os.path.basename(note.evidence.name))


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    """Report progress: a note, evidence, a new status or percentage."""
    followup = _followup_or_404(request, pk)
    followup_policy.check(request.user, "report", followup)
    if request.method == "GET":
        return _detail_page(request, followup)
    manager = followup_policy.allows(request.user, "change", followup)
    form = FollowUpReportForm(request.POST, request.FILES, followup=followup, manager=manager)
    if form.is_valid():
        try:
            services.followup_report(actor=request.user, followup=followup, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Your report was recorded."))
            return redirect("followups:detail", pk=followup.pk)
    return _detail_page(request, followup, report_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    """Change what is asked, of whom and by when (the source's managers)."""
    followup = _followup_or_404(request, pk)
    followup_policy.check(request.user, "change", followup)
    form = FollowUpEditForm(request.POST or None, followup=followup)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_update(actor=request.user, followup=followup, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("followups:detail", pk=followup.pk)
    context = {"form": form, "followup": followup}
    return render(request, "followups/edit.html", context)
