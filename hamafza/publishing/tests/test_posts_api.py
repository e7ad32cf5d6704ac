"""The posts API: reading (public posts for all, drafts for staff), every write asks the policy,
bad input is a 400 naming the field (never a 500), the stored body is clean, and the list's
query count does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from hamafza.publishing.models import Post, PostKind
from hamafza.publishing.tests.factories import PostFactory, hours_from_now, png_upload

LIST = "/api/posts/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None and user.is_authenticated:
        client.force_authenticate(user)
    return client


def detail(post) -> str:
    return f"{LIST}{post.pk}/"


def _body(**overrides) -> dict:
    body = {
        "language": "fa",
        "kind": "announcement",
        "title": "پخش زندهٔ مراسم اربعین",
        "summary": "از کربلا",
        "body": "<p>پخش <strong>زنده</strong></p>",
        "publish_at": None,
    }
    body.update(overrides)
    return body


def _state():
    return list(Post.objects.order_by("pk").values_list("pk", "title", "body", "publish_at"))


@pytest.fixture
def posts(db, post_org, post_stranger_org):
    return {
        "public": PostFactory(organization=post_org, title="گشایش درگاه پخش"),
        "iraq": PostFactory(
            organization=post_stranger_org,
            language="ar",
            kind=PostKind.ANNOUNCEMENT,
            title="المؤتمر الثامن",
        ),
        "network": PostFactory(organization=None, title="راهنمای فصلی"),
        "draft": PostFactory(organization=post_org, publish_at=None, title="پیش‌نویس"),
        "scheduled": PostFactory(
            organization=post_org, publish_at=hours_from_now(24), title="زمان‌بندی‌شده"
        ),
    }


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("anonymous", {"public", "iraq", "network"}),
        ("stranger", {"public", "iraq", "network"}),
        ("viewer", {"public", "iraq", "network", "draft", "scheduled"}),
        ("coordinator", {"public", "iraq", "network", "draft", "scheduled"}),
    ],
)
def test_who_lists_what(posts, post_actors, who, seen):
    response = api(post_actors[who]).get(LIST)

    assert response.status_code == 200
    titles = {row["title"] for row in response.json()["results"]}
    assert titles == {posts[name].title for name in seen}


def test_a_post_with_its_versions(posts, post_org):
    original = posts["public"]
    arabic = PostFactory(organization=post_org, language="ar", translation_of=original)

    data = api().get(detail(original)).json()

    assert data["body"] == original.body
    assert data["status"] == "published"
    assert data["organization"] == post_org.pk and data["country"] == "IR"
    assert data["page_url"] == f"http://testserver/news/{original.pk}/"
    assert [(v["id"], v["language"]) for v in data["versions"]] == [(arabic.pk, "ar")]


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 404), ("stranger", 404), ("viewer", 200)]
)
def test_drafts_are_not_found_by_the_public(posts, post_actors, who, status):
    assert api(post_actors[who]).get(detail(posts["draft"])).status_code == status


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"organization": "__stranger__"}, {"iraq"}),
        ({"country": "iq"}, {"iraq"}),
        ({"language": "ar"}, {"iraq"}),
        ({"kind": "announcement"}, {"iraq"}),
        ({"q": "درگاه"}, {"public"}),
        ({"status": "published"}, {"public", "iraq", "network"}),
        ({"status": "draft"}, {"draft"}),
        ({"status": "scheduled"}, {"scheduled"}),
    ],
)
def test_filters(posts, post_actors, post_stranger_org, query, expected):
    if query.get("organization") == "__stranger__":
        query = {"organization": post_stranger_org.pk}

    response = api(post_actors["coordinator"]).get(LIST, query)

    assert {row["title"] for row in response.json()["results"]} == {
        posts[name].title for name in expected
    }


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"organization": "abc"}, "organization"),
        ({"organization": "99999999999999999999999"}, "organization"),
        ({"country": "IRN"}, "country"),
        ({"language": "xx"}, "language"),
        ({"kind": "gossip"}, "kind"),
        ({"status": "secret"}, "status"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_filters_are_400s(posts, query, field):
    response = api().get(LIST, query)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("path", ["abc/", "0/", "99999999999999999999999/", "123456/"])
def test_bad_ids_are_404s(posts, post_actors, path):
    assert api(post_actors["coordinator"]).get(f"{LIST}{path}").status_code == 404


def test_huge_page_numbers(posts):
    assert api().get(LIST, {"page": "99999999999"}).status_code == 404


# --- writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 403),
        ("viewer", 403),
        ("stranger", 403),
        ("editor", 201),
        ("coordinator", 201),
    ],
)
def test_create_for_an_organization(posts, post_actors, post_org, who, status):
    before = _state()

    response = api(post_actors[who]).post(LIST, _body(organization=post_org.pk), format="json")

    assert response.status_code == status
    if status == 201:
        assert response.json()["organization"] == post_org.pk
        assert Post.objects.count() == len(before) + 1
    else:
        assert _state() == before


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 403), ("editor", 403), ("coordinator", 201)]
)
def test_network_posts_are_the_coordinators(posts, post_actors, who, status):
    before = _state()

    response = api(post_actors[who]).post(LIST, _body(), format="json")

    assert response.status_code == status
    assert (_state() == before) == (status != 201)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 403),
        ("viewer", 403),
        ("stranger", 403),
        ("editor", 200),
        ("coordinator", 200),
    ],
)
def test_update_and_delete(posts, post_actors, who, status):
    post = posts["public"]
    before = _state()
    client = api(post_actors[who])

    response = client.patch(detail(post), {"title": "عنوان تازه"}, format="json")
    assert response.status_code == status
    deleted = client.delete(detail(post))
    assert deleted.status_code == (204 if status == 200 else 403)
    if status != 200:
        assert _state() == before
    else:
        assert not Post.objects.filter(pk=post.pk).exists()


def test_a_strangers_write_to_a_draft_is_not_found(posts, post_actors):
    response = api(post_actors["stranger"]).patch(
        detail(posts["draft"]), {"title": "x"}, format="json"
    )

    assert response.status_code == 404


def test_a_network_post_is_changed_only_by_coordinators(posts, post_actors):
    post = posts["network"]

    assert (
        api(post_actors["editor"]).patch(detail(post), {"title": "x"}, format="json").status_code
        == 403
    )
    response = api(post_actors["coordinator"]).put(
        detail(post), _body(title="راهنمای فصلی تازه"), format="json"
    )
    assert response.status_code == 200 and response.json()["title"] == "راهنمای فصلی تازه"


def test_the_stored_body_of_an_xss_post_is_clean(post_actors, post_org):
    body = (
        '<p onclick="alert(1)">متن</p><script>alert(1)</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">پیوند</a><svg onload=alert(1)></svg>'
    )

    response = api(post_actors["editor"]).post(
        LIST, _body(organization=post_org.pk, body=body), format="json"
    )

    stored = Post.objects.get(pk=response.json()["id"]).body
    assert stored == response.json()["body"]
    for forbidden in ("<script", "onclick", "onerror", "onload", "javascript", "<img", "<svg"):
        assert forbidden not in stored


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "gossip"}, "kind"),
        ({"language": "xx"}, "language"),
        ({"publish_at": "not a date"}, "publish_at"),
        ({"publish_at": "3000-01-01T00:00:00Z"}, "publish_at"),
        ({"organization": "abc"}, "organization"),
        ({"organization": 99999999999}, "organization"),
        ({"translation_of": 99999999999}, "translation_of"),
        ({"summary": "ب" * 1001}, "summary"),
        ({"announced_at": "2025-01-01T00:00:00Z"}, "non_field_errors"),
        ({"author": 1}, "non_field_errors"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(post_actors, post_org, body, field):
    values = {"organization": post_org.pk, **body}

    response = api(post_actors["coordinator"]).post(LIST, _body(**values), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Post.objects.exists()


@pytest.mark.usefixtures("english")
def test_a_service_refusal_is_a_400_on_its_field(posts, post_actors, post_org):
    response = api(post_actors["editor"]).post(
        LIST,
        _body(organization=post_org.pk, language="fa", translation_of=posts["public"].pk),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "another language" in response.json()["language"][0]


@pytest.mark.usefixtures("english")
def test_the_organization_of_a_post_is_not_changed(posts, post_actors, post_stranger_org):
    response = api(post_actors["coordinator"]).patch(
        detail(posts["public"]), {"organization": post_stranger_org.pk}, format="json"
    )

    assert response.status_code == 400
    assert "organization" in response.json()["non_field_errors"][0]


def test_a_picture_sent_as_multipart(post_actors, post_org, post_media):
    response = api(post_actors["editor"]).post(
        LIST,
        {
            "organization": post_org.pk,
            "language": "fa",
            "title": "پوستر",
            "image": png_upload(),
            "image_alt": "پوستر مراسم",
            "publish_at": timezone.now().isoformat(),
        },
        format="multipart",
    )

    assert response.status_code == 201
    assert response.json()["image"].startswith("http://testserver/media/posts/")
    assert response.json()["status"] == "published"


# --- query counts ------------------------------------------------------------------------------


def test_list_query_count_does_not_grow(post_actors, post_org, post_stranger_org):
    client = api(post_actors["viewer"])

    def grow(count):
        for index in range(count):
            PostFactory(organization=(post_org, post_stranger_org, None)[index % 3])
            PostFactory(organization=post_org, publish_at=None)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    grow(5)
    queries()
    small = queries()
    grow(25)

    assert queries() == small
