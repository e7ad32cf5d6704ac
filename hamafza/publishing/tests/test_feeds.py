"""RSS and Atom feeds, parsed back with feedparser: valid, with the public posts only, Persian
titles, absolute links, languages, and no script in any description."""

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.publishing.models import Post, PostKind
from hamafza.publishing.services_posts import post_create
from hamafza.publishing.tests.factories import PostFactory, hours_from_now

FEEDS = ("rss", "atom")


def _parse(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


def _language(entry) -> str | None:
    """An entry's language: RSS's ``dc:language``, Atom's ``xml:lang`` (on its texts)."""
    return entry.get("language") or entry.title_detail.get("language")


@pytest.fixture
def news(db, post_org, post_stranger_org, post_actors):
    """Public posts in Persian, Arabic and English, one written with an attack, a network
    post, a draft and a scheduled post."""
    hostile = post_create(
        actor=post_actors["editor"],
        organization=post_org,
        language="fa",
        kind=PostKind.ANNOUNCEMENT,
        title="پخش زندهٔ مراسم اربعین",
        summary="خلاصه",
        body='<p onclick="alert(1)">پخش زنده</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">پیوند</a><img src=x onerror=alert(1)>',
        publish_at=hours_from_now(-2),
    )
    return {
        "hostile": hostile,
        "persian": PostFactory(organization=post_org, title="گشایش درگاه پخش برای هیئت‌ها"),
        "english": PostFactory(
            organization=post_org, language="en", title="Broadcast portal opens"
        ),
        "iraq": PostFactory(
            organization=post_stranger_org, language="ar", title="المؤتمر الثامن للعلاقات العامة"
        ),
        "network": PostFactory(organization=None, title="راهنمای فصلی شبکه"),
        "draft": PostFactory(organization=post_org, publish_at=None, title="پیش‌نویس محرمانه"),
        "scheduled": PostFactory(
            organization=post_org, publish_at=hours_from_now(5), title="خبر آینده"
        ),
    }


@pytest.mark.parametrize("kind", FEEDS)
def test_the_networks_feed(client, news, kind):
    response, parsed = _parse(client, reverse(f"publishing:feed-{kind}"))

    expected = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    assert response["Content-Type"].startswith(expected)
    titles = {entry.title for entry in parsed.entries}
    assert titles == {
        news[name].title for name in ("hostile", "persian", "english", "iraq", "network")
    }
    assert "پیش‌نویس محرمانه" not in titles and "خبر آینده" not in titles
    for entry in parsed.entries:
        assert entry.link.startswith("http://testserver/news/")
        assert entry.id == entry.link
        description = entry.summary
        for forbidden in ("<script", "onclick", "onerror", "javascript", "<img"):
            assert forbidden not in description
        assert entry.published_parsed is not None
    assert parsed.feed.link.startswith("http://testserver/news/")


@pytest.mark.parametrize("kind", FEEDS)
def test_items_carry_their_language_and_author(client, news, post_org, kind):
    _response, parsed = _parse(client, reverse(f"publishing:feed-{kind}"))

    by_title = {entry.title: entry for entry in parsed.entries}
    english = by_title["Broadcast portal opens"]
    assert _language(english) == "en"
    assert _language(by_title[news["iraq"].title]) == "ar"
    persian = by_title[news["persian"].title]
    assert _language(persian) == "fa"
    assert persian.author == post_org.display_name("fa")
    assert english.author == "Test Hey'at Online"
    assert by_title[news["network"].title].author


@pytest.mark.parametrize("kind", FEEDS)
def test_the_cleaned_body_is_the_description(client, news, kind):
    _response, parsed = _parse(client, reverse(f"publishing:feed-{kind}"))

    entry = next(e for e in parsed.entries if e.title == news["hostile"].title)
    assert "<p>پخش زنده</p>" in entry.summary
    assert "پیوند" in entry.summary


@pytest.mark.parametrize("kind", FEEDS)
def test_a_language_of_the_feed(client, news, kind):
    _response, parsed = _parse(client, reverse(f"publishing:feed-{kind}"), language="ar")

    assert [entry.title for entry in parsed.entries] == [news["iraq"].title]
    assert parsed.feed.get("language") == "ar"


@pytest.mark.parametrize("kind", FEEDS)
def test_an_organizations_feed(client, news, post_org, kind):
    url = reverse(f"publishing:organization-feed-{kind}", args=[post_org.pk])

    _response, parsed = _parse(client, url)

    titles = {entry.title for entry in parsed.entries}
    assert titles == {news[name].title for name in ("hostile", "persian", "english")}
    assert post_org.display_name("fa") in parsed.feed.title


@pytest.mark.parametrize("kind", FEEDS)
def test_a_countrys_feed(client, news, kind):
    _response, parsed = _parse(client, reverse(f"publishing:country-feed-{kind}", args=["iq"]))

    assert [entry.title for entry in parsed.entries] == [news["iraq"].title]


def test_a_scheduled_post_enters_the_feed_at_its_time(client, news):
    url = reverse("publishing:feed-rss")
    Post.objects.filter(pk=news["scheduled"].pk).update(publish_at=timezone.now())

    _response, parsed = _parse(client, url)

    assert "خبر آینده" in {entry.title for entry in parsed.entries}


@pytest.mark.parametrize(
    "url",
    [
        "/news/organization/0/feed/rss/",
        "/news/organization/99999999999999999999999/feed/atom/",
        "/news/organization/123456/feed/rss/",
        "/news/country/ZZ/feed/rss/",
        "/news/country/IRAN/feed/atom/",
    ],
)
def test_feeds_of_nothing_are_not_found(client, news, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("language", ["xx", "", "fa' or 1=1", "\x00"])
def test_a_bad_language_is_ignored(client, news, language):
    _response, parsed = _parse(client, reverse("publishing:feed-atom"), language=language)

    assert len(parsed.entries) == 5


def test_a_picture_is_an_enclosure(client, post_org, post_media):
    from hamafza.core.permissions import SYSTEM
    from hamafza.publishing.tests.factories import png_upload

    post_create(
        actor=SYSTEM,
        organization=post_org,
        language="fa",
        title="پوستر مراسم",
        image=png_upload(),
        image_alt="پوستر",
        publish_at=hours_from_now(-1),
    )

    _response, parsed = _parse(client, reverse("publishing:feed-rss"))

    enclosure = parsed.entries[0].enclosures[0]
    assert enclosure.href.startswith("http://testserver/media/posts/")
    assert enclosure.type == "image/png"


@pytest.mark.parametrize("kind", FEEDS)
def test_feed_query_counts_do_not_grow(client, post_org, post_stranger_org, kind):
    urls = [
        reverse(f"publishing:feed-{kind}"),
        reverse(f"publishing:organization-feed-{kind}", args=[post_org.pk]),
        reverse(f"publishing:country-feed-{kind}", args=["IR"]),
    ]

    def grow(count):
        for index in range(count):
            PostFactory(organization=(post_org, post_stranger_org, None)[index % 3])

    def queries():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    grow(5)
    queries()
    small = queries()
    grow(25)

    assert queries() == small
