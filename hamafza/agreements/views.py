"""Agreement pages: the list and its export, one agreement with its timeline, the forms that
change it, the health dashboard and provincial coverage.

Each view parses input, calls a selector or service, and renders. Nothing
here is public: every page asks for a signed-in reader (anonymous visitors
are sent to sign in), an agreement the reader may not see is a 404, and a
change they may not make is the 403 page (the services refuse it; the views
ask the same policies first, so that a refused visitor sees no form).
Services' messages are shown on the forms' fields.
"""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hamafza.core.exports import Column, export_response
from hamafza.core.forms import form_errors_from
from hamafza.core.paging import ListPage, capped_page, query_without_page
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.directory.models import Organization, Role
from hamafza.directory.policies import organization_ids_with_role, roles_of
from hamafza.followups.policies import followup_policy
from hamafza.followups.selectors import followups_of
from hamafza.followups.services import followup_create

from . import selectors, services
from .forms import (
    AgreementFilterForm,
    AgreementForm,
    AmendForm,
    DocumentForm,
    DowngradeForm,
    ObligationForm,
    PartyAddForm,
    PartyFormSet,
    RenewForm,
    StateForm,
    people_of,
)
from .models import (
    SUCCESSOR_STATES,
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementState,
    Scope,
)
from .policies import agreement_part_policy, agreement_policy

S = AgreementState
PAGE_SIZE = 25
# Lists count their rows up to here; past it the pager says "more".
COUNT_CAP = 1000


# --- paging ---------------------------------------------------------------------------------


def _page(queryset, number, size: int, *, prefetch=None) -> ListPage:
    return capped_page(queryset, number, size, prefetch=prefetch, cap=COUNT_CAP)


# --- helpers --------------------------------------------------------------------------------


def _reader_check(request) -> None:
    """Agreements are for coordinators and the staff of organizations (a role somewhere)."""
    agreement_policy.check(request.user, "view")


def _agreement_or_404(request, pk) -> Agreement:
    """An agreement the user may see, with what its forms need; otherwise a 404."""
    agreement_id = id_param(pk)
    agreement = (
        selectors.agreements_visible(request.user)
        .select_related("kind", "owner", "parent", "province")
        .filter(pk=agreement_id)
        .first()
        if agreement_id
        else None
    )
    if agreement is None:
        raise Http404(_("No such agreement."))
    return agreement


def _detail_or_404(request, pk) -> Agreement:
    agreement_id = id_param(pk)
    try:
        if agreement_id is None:
            raise Agreement.DoesNotExist
        return selectors.agreement_detail(user=request.user, pk=agreement_id)
    except Agreement.DoesNotExist as exc:
        raise Http404(_("No such agreement.")) from exc


def _offices(user) -> list[Organization] | None:
    """The offices under which ``user`` may register agreements; None for "any" (coordinators)."""
    if is_coordinator(user):
        return None
    ids = [
        organization_id
        for organization_id in organization_ids_with_role(user, Role.EDITOR)
        if agreement_policy.allows(user, "add", organization_id)
    ]
    return list(Organization.objects.filter(pk__in=ids).order_by("name", "id"))


def _may_add(user) -> bool:
    offices = _offices(user)
    return offices is None or bool(offices)


def _after(agreement_pk: int, anchor: str = ""):
    url = reverse("agreements:detail", args=[agreement_pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- the list and its export ----------------------------------------------------------------


def _filter_form(request) -> AgreementFilterForm:
    return AgreementFilterForm(request.GET or None, kinds=selectors.agreement_kinds())


@login_required
def agreement_list(request):
    _reader_check(request)
    form = _filter_form(request)
    filters = form.filters()
    queryset = selectors.agreement_list(user=request.user, filters=filters)
    page = _page(
        queryset, request.GET.get("page"), PAGE_SIZE, prefetch=selectors.agreement_rows_prefetch
    )
    partial = bool(request.headers.get("HX-Request"))
    query = query_without_page(request)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "query_without_page": query,
        "export_query": query,
        "can_add": _may_add(request.user),
        "tab": "list",
    }
    template = "agreements/_results.html" if partial else "agreements/list.html"
    return render(request, template, context)


def _export_columns() -> list[Column]:
    """The columns of the export, their labels fixed in the request's language (the rows are
    written after the view returns, while the response streams)."""
    language = get_language()
    separator = pgettext("list separator", ", ")
    states = {value: str(label) for value, label in S.choices}
    scopes = {value: str(label) for value, label in Scope.choices}
    yes, no = _("yes"), _("no")
    today = timezone.localdate()

    def parties(agreement) -> str:
        return separator.join(
            party.organization.display_name(language) for party in agreement.parties.all()
        )

    return [
        Column(_("Code"), lambda a: a.code),
        Column(_("Title"), lambda a: a.display_title(language)),
        Column(_("Kind"), lambda a: a.kind.display_name(language)),
        Column(_("Scope"), lambda a: scopes.get(a.scope, a.scope)),
        Column(_("Province"), lambda a: a.province.display_name(language) if a.province else ""),
        Column(_("Falls under"), lambda a: a.parent.code if a.parent else ""),
        Column(_("Parties"), parties),
        Column(_("Responsible office"), lambda a: a.owner.display_name(language)),
        Column(_("State"), lambda a: states.get(a.state, a.state)),
        Column(_("Renewal due"), lambda a: yes if a.is_renewal_due(today) else no),
        Column(_("Signed on"), lambda a: a.signed_on),
        Column(_("Effective from"), lambda a: a.effective_on),
        Column(_("Expires on"), lambda a: a.expires_on),
        Column(_("Priority"), lambda a: a.priority_live),
    ]


@login_required
def agreement_export(request, fmt: str):
    """The list as CSV or XLSX: the same filters, every row (not one page)."""
    _reader_check(request)
    filters = _filter_form(request).filters()
    rows = selectors.agreement_rows_prefetch(
        selectors.agreement_list(user=request.user, filters=filters)
    )
    return export_response(rows, _export_columns(), fmt=fmt, name="agreements")


# --- one agreement --------------------------------------------------------------------------


def _organizations_of(agreement: Agreement) -> list[Organization]:
    """The owner and the parties (from the prefetched rows), each once."""
    seen = {agreement.owner_id: agreement.owner}
    for party in agreement.parties.all():
        seen.setdefault(party.organization_id, party.organization)
    return list(seen.values())


def _obligation_form(agreement: Agreement, data=None) -> ObligationForm:
    organizations = _organizations_of(agreement)
    return ObligationForm(
        data,
        organizations=organizations,
        people=people_of(o.pk for o in organizations),
    )


def _moves(agreement: Agreement) -> list[dict]:
    """The legal moves from its state, each with the page that makes it."""
    pages = {
        S.RENEWED: ("agreements:renew", _("Renew")),
        S.AMENDED: ("agreements:amend", _("Amend")),
        S.DOWNGRADED: ("agreements:downgrade", _("Downgrade")),
    }
    moves = []
    for state in agreement.allowed_transitions():
        if state in pages:
            name, label = pages[state]
            url = reverse(name, args=[agreement.pk])
        else:
            label = S(state).label
            url = reverse("agreements:state", args=[agreement.pk]) + f"?to_state={state}"
        moves.append({"state": state, "label": label, "url": url})
    return moves


def _detail_page(request, agreement: Agreement, **forms):
    user = request.user
    can_change = agreement_policy.allows(user, "change", agreement)
    context = {
        "agreement": agreement,
        "priority_parts": selectors.priority_explain(agreement),
        "obligations": list(followups_of(agreement)),
        "can_change": can_change,
        "today": timezone.localdate(),
        "tab": "list",
    }
    if can_change:
        party_form = forms.get("party_form") or PartyAddForm()
        document_form = forms.get("document_form") or DocumentForm()
        obligation_form = forms.get("obligation_form") or _obligation_form(agreement)
        for form in (party_form, obligation_form):
            form.calendars_follow(request)
        context.update(
            moves=_moves(agreement),
            party_form=party_form,
            document_form=document_form,
            obligation_form=obligation_form,
            can_add_committee=agreement_part_policy.allows(user, "add", agreement),
        )
    return render(request, "agreements/detail.html", context)


@login_required
def agreement_detail(request, pk: int):
    return _detail_page(request, _detail_or_404(request, pk))


# --- registering and editing ----------------------------------------------------------------


def _parent_initial(request) -> dict:
    """``?parent=<id>``: a provincial agreement under that (visible) national one."""
    parent_id = id_param(request.GET.get("parent"))
    if parent_id is None:
        return {}
    parent = selectors.agreements_visible(request.user).filter(pk=parent_id).first()
    if parent is None:
        return {}
    return {
        "parent": parent.code,
        "scope": Scope.PROVINCIAL,
        "kind": parent.kind_id,
        "owner": parent.owner_id,
    }


def _agreement_form(request, agreement: Agreement | None = None, **kwargs) -> AgreementForm:
    offices = _offices(request.user)
    if offices is not None and agreement is not None and agreement.owner not in offices:
        offices = [agreement.owner, *offices]
    people_from = set(roles_of(request.user))
    if agreement is not None:
        people_from.add(agreement.owner_id)
    form = AgreementForm(
        request.POST or None,
        agreement=agreement,
        parents=selectors.agreements_visible(request.user),
        owners=offices,
        people=people_of(people_from),
        **kwargs,
    )
    form.calendars_follow(request)
    return form


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    if not _may_add(request.user):
        raise PermissionDenied
    form = _agreement_form(request, initial=_parent_initial(request))
    parties = PartyFormSet(request.POST or None, prefix="parties")
    parties.calendars_follow(request)
    party_errors: list[str] = []
    if request.method == "POST" and all([form.is_valid(), parties.is_valid()]):
        try:
            agreement = services.agreement_create(
                actor=request.user,
                parties=parties.parties(),
                subjects=form.cleaned_data["subjects"],
                state=form.cleaned_data["state"],
                **form.service_values(),
            )
        except ValidationError as error:
            party_errors = _agreement_errors(form, error)
        else:
            messages.success(request, _("The agreement was registered."))
            return _after(agreement.pk)
    context = {
        "form": form,
        "parties": parties,
        "party_errors": party_errors,
        "agreement": None,
        "tab": "list",
    }
    return render(request, "agreements/form.html", context)


PARTY_ERROR_KEYS = {"parties", "organization", "role", "signatory"}


def _agreement_errors(form: AgreementForm, error: ValidationError) -> list[str]:
    """Put the service's messages on the form; return those about the parties."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return []
    party_errors = []
    for field, errors in error.error_dict.items():
        if field in form.fields and field not in PARTY_ERROR_KEYS:
            form.add_error(field, errors)
        elif field in PARTY_ERROR_KEYS:
            party_errors.extend(message for e in errors for message in e.messages)
        else:
            form.add_error(None, errors)
    return party_errors


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int):
    agreement = _agreement_or_404(request, pk)
    agreement_policy.check(request.user, "change", agreement)
    form = _agreement_form(request, agreement)
    party_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                actor=request.user,
                agreement=agreement,
                subjects=form.cleaned_data["subjects"],
                **form.service_values(),
            )
        except ValidationError as error:
            party_errors = _agreement_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return _after(agreement.pk)
    context = {"form": form, "party_errors": party_errors, "agreement": agreement, "tab": "list"}
    return render(request, "agreements/form.html", context)


# --- moving its state -----------------------------------------------------------------------


def _move_page(request, agreement: Agreement, form, *, move: str):
    context = {"agreement": agreement, "form": form, "move": move, "tab": "list"}
    return render(request, "agreements/move_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_state(request, pk: int):
    agreement = _agreement_or_404(request, pk)
    agreement_policy.check(request.user, "change", agreement)
    offered = [s for s in agreement.allowed_transitions() if s not in SUCCESSOR_STATES]
    chosen = request.GET.get("to_state")
    form = StateForm(
        request.POST or None,
        offered=offered,
        initial={"to_state": chosen if chosen in offered else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_transition(
                actor=request.user,
                agreement=agreement,
                to_state=form.cleaned_data["to_state"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_from(form, error, {"state": "to_state"})
        else:
            messages.success(request, _("The state of the agreement was changed."))
            return _after(agreement.pk, "timeline")
    return _move_page(request, agreement, form, move="state")


def _successor_made(request, successor: Agreement, message: str):
    messages.success(request, message)
    return _after(successor.pk)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_renew(request, pk: int):
    agreement = _agreement_or_404(request, pk)
    agreement_policy.check(request.user, "change", agreement)
    form = RenewForm(request.POST or None)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.agreement_renew(
                actor=request.user, agreement=agreement, **form.service_values()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _successor_made(request, successor, _("The agreement was renewed."))
    return _move_page(request, agreement, form, move="renew")


@login_required
@require_http_methods(["GET", "POST"])
def agreement_amend(request, pk: int):
    agreement = _agreement_or_404(request, pk)
    agreement_policy.check(request.user, "change", agreement)
    form = AmendForm(request.POST or None, agreement=agreement)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            successor = services.agreement_amend(
                actor=request.user, agreement=agreement, reason=values.pop("reason"), **values
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _successor_made(request, successor, _("The agreement was amended."))
    return _move_page(request, agreement, form, move="amend")


@login_required
@require_http_methods(["GET", "POST"])
def agreement_downgrade(request, pk: int):
    agreement = _agreement_or_404(request, pk)
    agreement_policy.check(request.user, "change", agreement)
    lighter = [k for k in selectors.agreement_kinds() if k.weight < agreement.kind.weight]
    form = DowngradeForm(request.POST or None, kinds=lighter)
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.agreement_downgrade(
                actor=request.user,
                agreement=agreement,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                code=form.cleaned_data["code"].strip(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _successor_made(request, successor, _("The agreement was downgraded."))
    return _move_page(request, agreement, form, move="downgrade")


# --- parties, documents, obligations --------------------------------------------------------


@login_required
@require_POST
def party_add(request, pk: int):
    agreement = _detail_or_404(request, pk)
    agreement_part_policy.check(request.user, "add", agreement)
    form = PartyAddForm(request.POST)
    form.calendars_follow(request)
    if form.is_valid():
        try:
            services.agreement_party_add(
                actor=request.user, agreement=agreement, party=form.party()
            )
        except ValidationError as error:
            form_errors_from(form, error, {"parties": "organization"})
        else:
            messages.success(request, _("The party was added."))
            return _after(agreement.pk, "parties")
    return _detail_page(request, agreement, party_form=form)


@login_required
@require_POST
def party_remove(request, pk: int, party_pk: int):
    agreement = _agreement_or_404(request, pk)
    party_id = id_param(party_pk)
    party = (
        AgreementParty.objects.select_related("agreement")
        .filter(pk=party_id, agreement=agreement)
        .first()
        if party_id
        else None
    )
    if party is None:
        raise Http404(_("No such party."))
    try:
        services.agreement_party_remove(actor=request.user, party=party)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The party was removed."))
    return _after(agreement.pk, "parties")


def _document_or_404(agreement: Agreement, document_pk) -> AgreementDocument:
    document_id = id_param(document_pk)
    document = (
        AgreementDocument.objects.select_related("agreement")
        .filter(pk=document_id, agreement=agreement)
        .first()
        if document_id
        else None
    )
    if document is None:
        raise Http404(_("No such document."))
    return document


@login_required
@require_POST
def document_add(request, pk: int):
    agreement = _detail_or_404(request, pk)
    agreement_part_policy.check(request.user, "add", agreement)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.agreement_document_add(
                actor=request.user,
                agreement=agreement,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The document was attached."))
            return _after(agreement.pk, "documents")
    return _detail_page(request, agreement, document_form=form)


@login_required
def document_download(request, pk: int, document_pk: int):
    """A document of an agreement the user may see (never served to anyone else)."""
    agreement = _agreement_or_404(request, pk)
    document = _document_or_404(agreement, document_pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("No such document.")) from exc
    return FileResponse(
        handle, content_type="application/pdf", filename=os.path.basename(document.file.name)
    )


@login_required
@require_POST
def document_delete(request, pk: int, document_pk: int):
    agreement = _agreement_or_404(request, pk)
    document = _document_or_404(agreement, document_pk)
    services.agreement_document_delete(actor=request.user, document=document)
    messages.success(request, _("The document was deleted."))
    return _after(agreement.pk, "documents")


@login_required
@require_POST
def obligation_add(request, pk: int):
    agreement = _detail_or_404(request, pk)
    followup_policy.check(request.user, "add", agreement)
    form = _obligation_form(agreement, request.POST)
    form.calendars_follow(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            followup_create(
                actor=request.user,
                source=agreement,
                text=data["text"],
                owner_organization=data["owner_organization"],
                owner_person=data["owner_person"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The obligation was added."))
            return _after(agreement.pk, "obligations")
    return _detail_page(request, agreement, obligation_form=form)


# --- the health dashboard and provincial coverage ---------------------------------------------


@login_required
def health(request):
    _reader_check(request)
    data = selectors.agreement_health(user=request.user)
    language = get_language()
    context = {
        "health": data,
        "counts": data.counts,
        "by_state": [
            {"state": row["state"], "label": S(row["state"]).label, "number": row["number"]}
            for row in data.by_state
            if row["state"] in S.values
        ],
        "by_kind": [
            {
                "code": row["kind__code"],
                "label": (row["kind__names"] or {}).get(language) or row["kind__name"],
                "number": row["number"],
            }
            for row in data.by_kind
        ],
        "today": timezone.localdate(),
        "tab": "health",
    }
    return render(request, "agreements/health.html", context)


@login_required
def coverage(request):
    _reader_check(request)
    data = selectors.provincial_coverage(user=request.user)
    rows = [
        {
            "agreement": agreement,
            "cells": list(zip(data.provinces, counts, strict=True)),
            "total": total,
        }
        for agreement, counts, total in data.rows
    ]
    context = {"coverage": data, "rows": rows, "tab": "coverage"}
    return render(request, "agreements/coverage.html", context)
