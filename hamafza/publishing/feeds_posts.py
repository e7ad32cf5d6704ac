"""RSS 2.0 and Atom feeds of the news: the network's, an organization's and a country's.

Each feed lists the latest public posts (scheduled ones appear when their time comes, drafts
never), optionally in one language (``?language=fa``; a value that is not one of the site's
languages is ignored). An item carries the title, the absolute link of the post's page (also
its unique id), the cleaned body as HTML (stored clean, see ``sanitize``), the publication
and last change times, the organization's name as author in the post's language, the kind as
category, the image as enclosure and the post's language (``dc:language`` in RSS,
``xml:lang`` on the Atom entry).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from hamafza.core.models import Country
from hamafza.core.params import id_param
from hamafza.directory.models import Organization
from hamafza.publishing.models import PostKind
from hamafza.publishing.selectors_posts import PostFilters, post_filters_from_query, posts_published

FEED_SIZE = 50
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"


class PostsRssFeed(Rss201rev2Feed):
    """RSS 2.0 with each item's language as ``dc:language``."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("language"):
            handler.addQuickElement("dc:language", item["language"], {"xmlns:dc": DC_NAMESPACE})


class PostsAtomFeed(Atom1Feed):
    """Atom with each entry's language as ``xml:lang``."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes


@dataclass
class FeedScope:
    """What a feed covers, as one request asked for it."""

    title: str
    link: str
    description: str
    filters: PostFilters
    language: str
    base: str  # scheme and host, for the images' addresses
    kinds: dict = field(default_factory=dict)
    feed_url: str = ""


def _language_of(request) -> str:
    return post_filters_from_query(request.GET).language


def _base(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


class PostsFeed(Feed):
    """The network's news: every public post."""

    feed_type = PostsRssFeed

    def _scope(self, request, **kwargs) -> FeedScope:
        language = _language_of(request)
        return FeedScope(
            title=_("Hamafza news"),
            link=reverse("publishing:post-list"),
            description=_("News and announcements of the network and its organizations."),
            filters=PostFilters(language=language),
            language=language,
            base=_base(request),
        )

    def get_object(self, request, **kwargs):
        scope = self._scope(request, **kwargs)
        scope.feed_url = request.path
        if scope.language:
            query = f"?language={scope.language}"
            scope.link += query
            scope.feed_url += query
        scope.kinds = dict(PostKind.choices)
        return scope

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        if obj.language:
            feed.feed["language"] = obj.language
        return feed

    def title(self, obj):
        return obj.title

    def link(self, obj):
        return obj.link

    def description(self, obj):
        return obj.description

    def feed_url(self, obj):
        return obj.feed_url

    subtitle = description

    def items(self, obj):
        posts = list(posts_published(filters=obj.filters)[:FEED_SIZE])
        for post in posts:
            post.feed_base = obj.base
            post.feed_kind = str(obj.kinds.get(post.kind, post.kind))
        return posts

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return reverse("publishing:post-detail", args=[item.pk])

    def item_description(self, item):
        if item.body:
            return item.body
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        if item.organization is None:
            with override(item.language):
                return _("The Hamafza network")
        return item.organization.display_name(item.language)

    def item_categories(self, item):
        return [item.feed_kind]

    def item_enclosures(self, item):
        if not item.image:
            return []
        mime_type = mimetypes.guess_type(item.image.name)[0] or "image/jpeg"
        return [Enclosure(item.feed_base + item.image.url, "0", mime_type)]

    def item_extra_kwargs(self, item):
        return {"language": item.language}


class PostsAtom(PostsFeed):
    feed_type = PostsAtomFeed


class OrganizationPostsFeed(PostsFeed):
    """An organization's news."""

    def _scope(self, request, organization_id=None, **kwargs) -> FeedScope:
        organization_id = id_param(organization_id)
        if organization_id is None:
            raise ObjectDoesNotExist
        organization = Organization.objects.only("id", "name", "names").get(pk=organization_id)
        language = _language_of(request)
        name = organization.display_name()
        return FeedScope(
            title=_("News of %(organization)s") % {"organization": name},
            link=reverse("publishing:organization-posts", args=[organization.pk]),
            description=_("News and announcements of %(organization)s.") % {"organization": name},
            filters=PostFilters(language=language, organization_id=organization.pk),
            language=language,
            base=_base(request),
        )


class OrganizationPostsAtom(OrganizationPostsFeed):
    feed_type = PostsAtomFeed


class CountryPostsFeed(PostsFeed):
    """The news of the organizations of one country."""

    def _scope(self, request, code="", **kwargs) -> FeedScope:
        code = str(code or "").upper()
        if len(code) != 2:
            raise ObjectDoesNotExist
        country = Country.objects.get(code=code)
        language = _language_of(request)
        name = country.display_name()
        return FeedScope(
            title=_("News from %(country)s") % {"country": name},
            link=reverse("publishing:country-posts", args=[country.code]),
            description=_("News and announcements of the organizations in %(country)s.")
            % {"country": name},
            filters=PostFilters(language=language, country=country.code),
            language=language,
            base=_base(request),
        )


class CountryPostsAtom(CountryPostsFeed):
    feed_type = PostsAtomFeed


def feed_links(*, organization_id: int | None = None, country: str = "", language: str = ""):
    """[(format, label, url)] of a list's feeds, for ``<link rel="alternate">`` and the page."""
    if organization_id is not None:
        names = ("publishing:organization-feed-rss", "publishing:organization-feed-atom")
        args = [organization_id]
    elif country:
        names = ("publishing:country-feed-rss", "publishing:country-feed-atom")
        args = [country]
    else:
        names = ("publishing:feed-rss", "publishing:feed-atom")
        args = []
    query = f"?language={language}" if language in dict(settings.LANGUAGES) else ""
    return [
        ("application/rss+xml", "RSS", reverse(names[0], args=args) + query),
        ("application/atom+xml", "Atom", reverse(names[1], args=args) + query),
    ]
