"""Pages of the quarterly guide, under /news/guides/.

Everyone reads the published guides and downloads their PDF; the editorial committee
(coordinators) also sees drafts and approved guides, makes a guide for a quarter, writes its
introduction, asks for a proof, approves and publishes it. A guide the visitor may not read
is "not found"; a write the visitor may not make is refused (anonymous visitors are sent to
sign in). Rendering runs in the background: the page asks for it and says so.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hamafza.core.forms import form_errors_from
from hamafza.core.paging import capped_page
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.core.preferences import language_base

from . import selectors_guides, services_guides
from .forms_guides import GuideCreateForm, GuideIntroductionForm
from .guide import quarter_of, quarter_previous, quarter_title
from .models import Guide, GuideCalendar, GuideStatus
from .services_guides import guide_policy

PAGE_SIZE = 20


def _guide_or_404(request, pk) -> Guide:
    guide_id = id_param(pk)
    if guide_id is None:
        raise Http404(_("No such guide."))
    try:
        return selectors_guides.guide_get(pk=guide_id, user=request.user)
    except Guide.DoesNotExist as error:
        raise Http404(_("No such guide.")) from error


def _titled(guides):
    for guide in guides:
        guide.title = quarter_title(
            calendar=guide.calendar,
            year=guide.year,
            quarter=guide.quarter,
            language=language_base(),
        )
    return guides


@require_GET
def guide_list(request):
    """Published guides, newest quarter first, with their PDF; the committee's drafts too."""
    page = capped_page(
        selectors_guides.guides_visible(request.user), request.GET.get("page"), PAGE_SIZE
    )
    context = {
        "page": page,
        "rows": _titled(page.rows),
        "can_add": guide_policy.allows(request.user, "add"),
        "committee": is_coordinator(request.user),
    }
    return render(request, "publishing/guide_list.html", context)


def _create_initial() -> dict:
    """The quarter before this one, in the Solar Hijri calendar, in the visitor's language."""
    year, quarter = quarter_of(timezone.localdate(), calendar=GuideCalendar.SOLAR)
    year, quarter = quarter_previous(year=year, quarter=quarter)
    return {
        "calendar": GuideCalendar.SOLAR,
        "year": year,
        "quarter": quarter,
        "language": language_base(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def guide_create(request):
    guide_policy.check(request.user, "add")
    if request.method == "POST":
        form = GuideCreateForm(request.POST)
        if form.is_valid():
            try:
                guide = services_guides.guide_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(
                    request, _("The guide was made. Write its introduction, then render a proof.")
                )
                return redirect("publishing:guide-detail", pk=guide.pk)
        status = 400
    else:
        form = GuideCreateForm(initial=_create_initial())
        status = 200
    return render(request, "publishing/guide_form.html", {"form": form}, status=status)


def _detail(request, guide: Guide, *, form=None, status: int = 200):
    committee = guide_policy.allows(request.user, "change", guide)
    if form is None and committee and guide.status != GuideStatus.PUBLISHED:
        form = GuideIntroductionForm(initial={"introduction": guide.introduction})
    context = {
        "guide": _titled([guide])[0],
        "form": form,
        "committee": committee,
        "frozen": guide.status == GuideStatus.PUBLISHED,
        "can_approve": committee
        and guide.status == GuideStatus.DRAFT
        and guide.rendered_at is not None
        and bool(guide.pdf),
        "can_publish": committee and guide.status == GuideStatus.APPROVED,
        "can_delete": guide_policy.allows(request.user, "delete", guide)
        and guide.status == GuideStatus.DRAFT,
        "proof_current": guide.rendered_at is not None and bool(guide.pdf),
    }
    return render(request, "publishing/guide_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def guide_detail(request, pk):
    """The guide's status and PDF; for the committee, the introduction and the next step."""
    if request.method == "GET":
        return _detail(request, _guide_or_404(request, pk))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    guide = _guide_to_write(request, pk)
    guide_policy.check(request.user, "change", guide)
    form = GuideIntroductionForm(request.POST)
    if form.is_valid():
        try:
            updated = services_guides.guide_update(
                actor=request.user, guide=guide, introduction=form.cleaned_data["introduction"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            if updated.status != guide.status:
                messages.warning(
                    request,
                    _("The introduction was saved. The guide is a draft again: approve it anew."),
                )
            else:
                messages.success(request, _("The introduction was saved."))
            return redirect("publishing:guide-detail", pk=guide.pk)
    return _detail(request, guide, form=form, status=400)


def _guide_to_write(request, pk) -> Guide:
    """The guide a button acts on: one the visitor may not even read is refused, like one
    they may not change; an id that names nothing is "not found"."""
    try:
        return _guide_or_404(request, pk)
    except Http404:
        if Guide.objects.filter(pk=id_param(pk) or 0).exists():
            raise PermissionDenied from None
        raise


def _step(request, pk, do, done: str):
    """A button of the detail page: do the step, say what happened, go back to the page."""
    guide = _guide_to_write(request, pk)
    try:
        do(actor=request.user, guide=guide)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("publishing:guide-detail", pk=guide.pk)


@login_required
@require_POST
def guide_render(request, pk):
    return _step(
        request,
        pk,
        services_guides.guide_render_enqueue,
        _("A proof is being rendered. Reload this page in a moment to read it."),
    )


@login_required
@require_POST
def guide_approve(request, pk):
    return _step(request, pk, services_guides.guide_approve, _("The guide was approved."))


@login_required
@require_POST
def guide_publish(request, pk):
    return _step(
        request,
        pk,
        services_guides.guide_publish_enqueue,
        _("The final PDF is being rendered; the guide is published as soon as it is ready."),
    )


@login_required
@require_POST
def guide_delete(request, pk):
    guide = _guide_to_write(request, pk)
    try:
        services_guides.guide_delete(actor=request.user, guide=guide)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("publishing:guide-detail", pk=guide.pk)
    messages.success(request, _("The draft guide was deleted."))
    return redirect("publishing:guide-list")


@require_GET
def guide_download(request, pk):
    """The PDF: the published guide for anyone, the latest proof for the committee."""
    guide = _guide_or_404(request, pk)
    if not guide.pdf:
        raise Http404(_("This guide has no PDF yet."))
    try:
        handle = guide.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("This guide has no PDF yet.")) from error
    name = f"hamafza-guide-{guide.calendar}-{guide.year}-q{guide.quarter}-{guide.language}"
    if guide.status != GuideStatus.PUBLISHED:
        name += "-proof"
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=f"{name}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    if guide.status != GuideStatus.PUBLISHED:
        response["Cache-Control"] = "private, no-store"
    return response
