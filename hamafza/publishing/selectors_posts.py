"""Reads of news and announcements, used alike by pages, feeds, the API and reports.

A post is public once ``publish_at`` has passed: every read compares it with the time of the
request, so a scheduled post appears by itself. Drafts (no ``publish_at``) and scheduled posts
are read by their organization's staff and by coordinators (the network's own only by
coordinators), as ``PostPolicy`` says. Lists join the organization and its country in the same
query, so a page costs the same whatever the number of posts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from hamafza.core.params import id_param
from hamafza.core.permissions import is_coordinator
from hamafza.core.search import search_filter
from hamafza.directory.models import Role
from hamafza.directory.policies import organization_ids_with_role
from hamafza.publishing.models import Post, PostKind

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


@dataclass(frozen=True)
class PostFilters:
    """What a list of posts is narrowed to; empty values leave it wide."""

    q: str = ""
    kind: str = ""
    language: str = ""
    country: str = ""  # ISO 3166-1 code of the organization's country
    organization_id: int | None = None


def _choice(value, allowed) -> str:
    text = str(value or "").strip()[:20]
    return text if text in allowed else ""


def post_filters_from_query(params) -> PostFilters:
    """Filters from a query string: a value that is not understood is left out, never an
    error (the pages say which ones were left out)."""
    country = str(params.get("country", "") or "").strip().upper()
    return PostFilters(
        q=str(params.get("q", "") or "")[:200].strip(),
        kind=_choice(params.get("kind"), PostKind.values),
        language=_choice(params.get("language"), LANGUAGE_CODES),
        country=country if len(country) == 2 and country.isalpha() else "",
        organization_id=id_param(params.get("organization")),
    )


def _with_relations(queryset: QuerySet[Post]) -> QuerySet[Post]:
    return queryset.select_related("organization", "organization__country")


def _filtered(queryset: QuerySet[Post], filters: PostFilters) -> QuerySet[Post]:
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.language:
        queryset = queryset.filter(language=filters.language)
    if filters.organization_id:
        queryset = queryset.filter(organization_id=filters.organization_id)
    if filters.country:
        queryset = queryset.filter(organization__country__code=filters.country)
    if filters.q:
        queryset = search_filter(queryset, filters.q)
    return queryset


def _published_q(now) -> Q:
    return Q(publish_at__isnull=False, publish_at__lte=now)


def posts_published(
    *, filters: PostFilters | None = None, now=None, one_version_in: str = ""
) -> QuerySet[Post]:
    """Public posts, newest first: the network's and every organization's, narrowed by
    ``filters`` (an organization's, a country's, a language's, words searched).

    With ``one_version_in`` (a language) and no language chosen in ``filters``, a post written
    in several languages is listed once: in that language when it has a published version in
    it, else as first written. Feeds and the API list every version.
    """
    filters = filters or PostFilters()
    now = now or timezone.now()
    queryset = Post.objects.filter(_published_q(now))
    if one_version_in and not filters.language:
        translated = Post.objects.filter(
            _published_q(now), translation_of=OuterRef("pk"), language=one_version_in
        )
        queryset = queryset.filter(
            Q(translation_of__isnull=True, language=one_version_in)
            | Q(translation_of__isnull=True) & ~Exists(translated)
            | Q(translation_of__isnull=False, language=one_version_in)
        )
    queryset = _with_relations(queryset).order_by("-publish_at", "-id")
    return _filtered(queryset, filters)


def posts_visible(user, *, filters: PostFilters | None = None, now=None) -> QuerySet[Post]:
    """Public posts and the drafts and scheduled posts ``user`` may read (the API's list),
    drafts first: coordinators read all; an organization's staff (viewers and up) its own."""
    now = now or timezone.now()
    queryset = Post.objects.all()
    if not is_coordinator(user):
        visible = _published_q(now)
        staff_of = organization_ids_with_role(user, Role.VIEWER)
        if staff_of:
            visible |= Q(organization_id__in=staff_of)
        queryset = queryset.filter(visible)
    queryset = _with_relations(queryset).order_by(F("publish_at").desc(nulls_first=True), "-id")
    return _filtered(queryset, filters or PostFilters())


def posts_unpublished(user, *, filters: PostFilters | None = None, now=None) -> QuerySet[Post]:
    """Drafts and scheduled posts of the organizations ``user`` edits; a coordinator's list has
    every organization's and the network's. Scheduled first by their time, then drafts."""
    now = now or timezone.now()
    queryset = Post.objects.filter(Q(publish_at__isnull=True) | Q(publish_at__gt=now))
    if not is_coordinator(user):
        queryset = queryset.filter(
            organization_id__in=organization_ids_with_role(user, Role.EDITOR)
        )
    queryset = _with_relations(queryset).order_by(
        F("publish_at").asc(nulls_last=True), "-updated_at", "-id"
    )
    return _filtered(queryset, filters or PostFilters())


def post_get(*, pk: int, user, now=None) -> Post:
    """The post, if ``user`` may read it (``Post.DoesNotExist`` otherwise: a draft is "not
    found" to the public, as if it did not exist)."""
    return posts_visible(user, now=now).select_related("author", "translation_of").get(pk=pk)


def post_versions(post: Post, user, *, now=None) -> list[Post]:
    """The other versions of ``post`` that ``user`` may read: its original and the original's
    translations (or its own translations), ordered by language as the site lists them."""
    original_id = post.translation_of_id or post.pk
    versions = (
        posts_visible(user, now=now)
        .filter(Q(pk=original_id) | Q(translation_of_id=original_id))
        .exclude(pk=post.pk)
    )
    order = {code: index for index, (code, _name) in enumerate(settings.LANGUAGES)}
    return sorted(versions, key=lambda row: (order.get(row.language, len(order)), row.pk))


def post_originals(*, organization_id: int | None, exclude_pk: int | None = None):
    """The posts a new version may translate: the organization's (or the network's) originals,
    newest first."""
    queryset = Post.objects.filter(organization_id=organization_id, translation_of__isnull=True)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.order_by("-created_at", "-id")


def post_status(post: Post, *, now=None) -> str:
    """ "draft", "scheduled" or "published"."""
    if post.publish_at is None:
        return "draft"
    return "published" if post.publish_at <= (now or timezone.now()) else "scheduled"
