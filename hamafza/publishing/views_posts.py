"""News pages, under /news/: the network's news, an organization's and a country's, a post
with its versions in other languages, the editors' forms, their drafts and scheduled posts,
the exports and the RSS/Atom feeds (``feeds_posts``).

Each view parses, asks the policy or a selector, calls a service, and renders. Everyone reads
public posts; a draft or a scheduled post is "not found" to anyone but its organization's staff
and coordinators. Writes ask for a signed-in user (others are sent to sign in) and the right
``PostPolicy`` gives (a refused visitor gets the 403 page; the services refuse the same).
Filters typed wrong are left out and named; ids, country codes and page numbers that name
nothing are a 404 or the nearest page, never an error.

A post's body is shown with ``|safe``: it is cleaned on every write by the services
(``sanitize.html_clean``) and never written another way, and the tests check the stored body
of hostile submissions; it is not cleaned again on every view.
"""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hamafza.core.exports import Column, export_response
from hamafza.core.forms import form_errors_from
from hamafza.core.models import Country
from hamafza.core.paging import capped_page, query_without_page
from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.core.preferences import language_base
from hamafza.directory.models import Organization, Role
from hamafza.directory.policies import organization_ids_with_role
from hamafza.publishing import selectors_posts as selectors
from hamafza.publishing.feeds_posts import feed_links
from hamafza.publishing.forms_posts import PostDeleteForm, PostFilterForm, PostForm
from hamafza.publishing.models import Post, PostKind
from hamafza.publishing.sanitize import html_text, text_excerpt
from hamafza.publishing.services_posts import post_create as post_create_service
from hamafza.publishing.services_posts import post_delete as post_delete_service
from hamafza.publishing.services_posts import post_policy
from hamafza.publishing.services_posts import post_update as post_update_service

PAGE_SIZE = 20
EXCERPT_LENGTH = 240
LANGUAGE_NAMES = dict(settings.LANGUAGES)


# --- helpers -----------------------------------------------------------------------------------


def _organization_or_404(value) -> Organization:
    organization_id = id_param(value)
    if organization_id is None:
        raise Http404(_("No such organization."))
    try:
        return Organization.objects.select_related("country").get(pk=organization_id)
    except Organization.DoesNotExist as error:
        raise Http404(_("No such organization.")) from error


def _country_or_404(code) -> Country:
    code = str(code or "").upper()
    if len(code) != 2 or not code.isalpha():
        raise Http404(_("No such country."))
    try:
        return Country.objects.get(code=code)
    except Country.DoesNotExist as error:
        raise Http404(_("No such country.")) from error


def _post_or_404(request, pk) -> Post:
    post_id = id_param(pk)
    if post_id is None:
        raise Http404(_("No such post."))
    try:
        return selectors.post_get(pk=post_id, user=request.user)
    except ObjectDoesNotExist as error:
        raise Http404(_("No such post.")) from error


def _edits_any(user) -> bool:
    return is_coordinator(user) or bool(organization_ids_with_role(user, Role.EDITOR))


def _direction(language: str) -> str:
    try:
        return "rtl" if get_language_info(language)["bidi"] else "ltr"
    except KeyError:
        return "auto"


def _excerpt(post: Post) -> str:
    """The summary, or the start of the body's text when there is none."""
    return post.summary or text_excerpt(html_text(post.body), EXCERPT_LENGTH)


def _rows(posts, now) -> list[Post]:
    """Posts with what the list shows beside them, read from memory."""
    kinds = dict(PostKind.choices)
    for post in posts:
        post.kind_label = kinds.get(post.kind, post.kind)
        post.language_name = LANGUAGE_NAMES.get(post.language, post.language)
        post.direction = _direction(post.language)
        post.status = selectors.post_status(post, now=now)
        post.excerpt = _excerpt(post)
    return posts


def _export_query(request, **fixed) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for name, value in fixed.items():
        params[name] = value
    return params.urlencode()


def _list_page(
    request,
    *,
    heading: str,
    fixed: tuple[str, ...] = (),
    scope: dict | None = None,
    organization: Organization | None = None,
    country: Country | None = None,
    add_url: str = "",
):
    """The news list of the network, of an organization or of a country (``scope`` holds the
    filters the page itself sets)."""
    scope = scope or {}
    form = PostFilterForm(request.GET or None, fixed=fixed)
    filters = dataclasses.replace(form.filters(), **scope)
    now = timezone.now()
    page = capped_page(
        selectors.posts_published(filters=filters, now=now, one_version_in=language_base()),
        request.GET.get("page"),
        PAGE_SIZE,
    )
    chosen_organization = None
    if organization is None and filters.organization_id:
        chosen_organization = (
            Organization.objects.only("id", "name", "names")
            .filter(pk=filters.organization_id)
            .first()
        )
    context = {
        "heading": heading,
        "form": form,
        "page": page,
        "posts": _rows(page.rows, now),
        "query_without_page": query_without_page(request),
        "export_query": _export_query(
            request,
            **({"organization": str(organization.pk)} if organization else {}),
            **({"country": country.code} if country else {}),
        ),
        "feeds": feed_links(
            organization_id=organization.pk if organization else None,
            country=country.code if country else "",
            language=filters.language,
        ),
        "organization": organization,
        "chosen_organization": chosen_organization,
        "country": country,
        "add_url": add_url,
        "can_see_drafts": request.user.is_authenticated and _edits_any(request.user),
    }
    return render(request, "publishing/post_list.html", context)


# --- lists -------------------------------------------------------------------------------------


@require_GET
def post_list(request):
    """The network's news: every public post, filtered by kind, language, country,
    organization and words."""
    add_url = reverse("publishing:post-create") if is_coordinator(request.user) else ""
    return _list_page(request, heading=_("News and announcements"), add_url=add_url)


@require_GET
def organization_posts(request, organization_id):
    organization = _organization_or_404(organization_id)
    add_url = ""
    if post_policy.allows(request.user, "add", organization):
        add_url = f"{reverse('publishing:post-create')}?organization={organization.pk}"
    return _list_page(
        request,
        heading=_("News of %(organization)s") % {"organization": organization.display_name()},
        fixed=("country", "organization"),
        scope={"organization_id": organization.pk},
        organization=organization,
        add_url=add_url,
    )


@require_GET
def country_posts(request, code):
    country = _country_or_404(code)
    return _list_page(
        request,
        heading=_("News from %(country)s") % {"country": country.display_name()},
        fixed=("country",),
        scope={"country": country.code},
        country=country,
    )


@login_required
@require_GET
def drafts(request):
    """The drafts and scheduled posts of the organizations the visitor edits (coordinators:
    all, the network's included)."""
    if not _edits_any(request.user):
        raise PermissionDenied
    now = timezone.now()
    page = capped_page(
        selectors.posts_unpublished(request.user, now=now), request.GET.get("page"), PAGE_SIZE
    )
    context = {
        "page": page,
        "posts": _rows(page.rows, now),
        "query_without_page": query_without_page(request),
    }
    return render(request, "publishing/post_drafts.html", context)


# --- one post ----------------------------------------------------------------------------------


@require_GET
def post_detail(request, pk):
    post = _post_or_404(request, pk)
    now = timezone.now()
    _rows([post], now)
    versions = _rows(selectors.post_versions(post, request.user, now=now), now)
    user = request.user
    can_change = post_policy.allows(user, "change", post)
    taken = {post.language, *(version.language for version in versions)}
    translate_url = ""
    if can_change and any(code not in taken for code in LANGUAGE_NAMES):
        original_id = post.translation_of_id or post.pk
        translate_url = f"{reverse('publishing:post-create')}?translation_of={original_id}"
        if post.organization_id:
            translate_url += f"&organization={post.organization_id}"
    context = {
        "post": post,
        "versions": versions,
        "can_change": can_change,
        "can_delete": post_policy.allows(user, "delete", post),
        "translate_url": translate_url,
        "feeds": feed_links(organization_id=post.organization_id),
    }
    return render(request, "publishing/post_detail.html", context)


def _form_page(request, form, *, post=None, organization=None):
    context = {
        "form": form,
        "post": post,
        "organization": organization,
        "cancel_url": (
            reverse("publishing:post-detail", args=[post.pk])
            if post is not None
            else (
                reverse("publishing:organization-posts", args=[organization.pk])
                if organization is not None
                else reverse("publishing:post-list")
            )
        ),
    }
    return render(request, "publishing/post_form.html", context)


def _translation_initial(request, organization, initial: dict) -> None:
    """``?translation_of=`` fills in the original, its kind and a language it lacks."""
    asked = id_param(request.GET.get("translation_of"))
    if asked is None:
        return
    original = (
        selectors.post_originals(organization_id=organization.pk if organization else None)
        .filter(pk=asked)
        .first()
    )
    if original is None:
        return
    taken = {original.language, *original.translations.values_list("language", flat=True)}
    initial["translation_of"] = original.pk
    initial["kind"] = original.kind
    initial["language"] = next((code for code in LANGUAGE_NAMES if code not in taken), "")


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request):
    """A new post of ``?organization=<id>``, or of the network without it (coordinators)."""
    organization = None
    if request.GET.get("organization", "") != "":
        organization = _organization_or_404(request.GET["organization"])
    post_policy.check(request.user, "add", organization)
    initial = {"language": get_language(), "kind": PostKind.NEWS}
    _translation_initial(request, organization, initial)
    posted = request.method == "POST"
    form = PostForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        organization_id=organization.pk if organization else None,
        initial=initial,
    )
    form.calendars_follow(request)
    if posted and form.is_valid():
        try:
            post = post_create_service(
                actor=request.user, organization=organization, **form.service_values()
            )
        except ValidationError as error:
            form_errors_from(form, error, PostForm.ALIASES)
        else:
            messages.success(request, _("The post was saved."))
            return redirect("publishing:post-detail", pk=post.pk)
    return _form_page(request, form, organization=organization)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, pk):
    post = _post_or_404(request, pk)
    post_policy.check(request.user, "change", post)
    posted = request.method == "POST"
    form = PostForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        organization_id=post.organization_id,
        post=post,
    )
    form.calendars_follow(request)
    if posted and form.is_valid():
        try:
            post_update_service(actor=request.user, post=post, **form.service_values())
        except ValidationError as error:
            form_errors_from(form, error, PostForm.ALIASES)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("publishing:post-detail", pk=post.pk)
    return _form_page(request, form, post=post, organization=post.organization)


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request, pk):
    """A confirmation page, then the deletion (with the post's versions in other languages)."""
    post = _post_or_404(request, pk)
    post_policy.check(request.user, "delete", post)
    if request.method == "POST" and PostDeleteForm(request.POST).is_valid():
        organization_id = post.organization_id
        post_delete_service(actor=request.user, post=post)
        messages.success(request, _("The post was deleted."))
        if organization_id:
            return redirect("publishing:organization-posts", organization_id=organization_id)
        return redirect("publishing:post-list")
    context = {
        "post": post,
        "translations": post.translations.count() if post.translation_of_id is None else 0,
    }
    return render(request, "publishing/post_confirm_delete.html", context)


# --- export ------------------------------------------------------------------------------------


def _columns(request) -> list[Column]:
    base = request.build_absolute_uri(reverse("publishing:post-list"))
    kinds = dict(PostKind.choices)
    network = _("The Hamafza network")
    return [
        Column(_("Number"), lambda p: p.pk),
        Column(_("Title"), lambda p: p.title),
        Column(_("Kind"), lambda p: kinds.get(p.kind, p.kind)),
        Column(_("Language"), lambda p: LANGUAGE_NAMES.get(p.language, p.language)),
        Column(
            _("Organization"),
            lambda p: p.organization.display_name() if p.organization else network,
        ),
        Column(
            _("Country"),
            lambda p: p.organization.country.display_name() if p.organization else "",
        ),
        Column(_("Published at"), lambda p: p.publish_at),
        Column(_("Summary"), _excerpt),
        Column(_("Address"), lambda p: f"{base}{p.pk}/"),
    ]


@require_GET
def post_export(request, format):
    """The public posts as CSV or XLSX, with the list's filters: every row, not one page."""
    filters = selectors.post_filters_from_query(request.GET)
    rows = selectors.posts_published(filters=filters, one_version_in=language_base())
    return export_response(rows, _columns(request), fmt=format, name="news")
