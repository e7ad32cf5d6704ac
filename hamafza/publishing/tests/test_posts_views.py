"""The news pages: who reads what, who writes, what bad input does (never a 500), the exports,
and lists whose query count does not grow with the posts."""

import datetime
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.core.calendars import gregorian_to_solar
from hamafza.core.models import Country
from hamafza.publishing.models import Post, PostKind
from hamafza.publishing.tests.factories import PostFactory, hours_from_now, png_upload

LIST = reverse("publishing:post-list")
CREATE = reverse("publishing:post-create")
DRAFTS = reverse("publishing:drafts")


def _client(client, user):
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return client


def _form(**overrides) -> dict:
    data = {
        "title": "پخش زندهٔ مراسم اربعین",
        "kind": PostKind.ANNOUNCEMENT,
        "language": "fa",
        "summary": "پخش زنده از کربلا.",
        "body": "<p>متن <strong>خبر</strong></p>",
        "image_alt": "",
        "publish_on": "",
        "publish_on_calendar": "solar",
        "publish_time": "",
        "translation_of": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def posts(db, post_org, post_stranger_org):
    """A public post of each organization, a network post, a draft and a scheduled post."""
    return {
        "public": PostFactory(organization=post_org, title="گشایش درگاه پخش برای هیئت‌ها"),
        "iraq": PostFactory(
            organization=post_stranger_org,
            language="ar",
            kind=PostKind.ANNOUNCEMENT,
            title="المؤتمر الثامن للعلاقات العامة",
        ),
        "network": PostFactory(organization=None, title="راهنمای فصلی شبکه"),
        "draft": PostFactory(organization=post_org, publish_at=None, title="پیش‌نویس محرمانه"),
        "scheduled": PostFactory(
            organization=post_org, publish_at=hours_from_now(48), title="خبر زمان‌بندی‌شده"
        ),
    }


# --- reading -----------------------------------------------------------------------------------


def test_the_network_list_shows_public_posts_only(client, posts):
    response = client.get(LIST)

    assert response.status_code == 200
    text = response.content.decode()
    for name in ("public", "iraq", "network"):
        assert posts[name].title in text
    assert "پیش‌نویس محرمانه" not in text
    assert "خبر زمان‌بندی‌شده" not in text


def test_the_list_links_its_feeds_in_the_head_and_on_the_page(client, posts):
    response = client.get(LIST, {"language": "fa"})

    text = response.content.decode()
    head = text.split("</head>")[0]
    rss = reverse("publishing:feed-rss") + "?language=fa"
    atom = reverse("publishing:feed-atom") + "?language=fa"
    assert f'<link rel="alternate" type="application/rss+xml" title="RSS" href="{rss}">' in head
    assert f'type="application/atom+xml" title="Atom" href="{atom}"' in head
    body = text.split("</head>")[1]
    assert f'href="{rss}"' in body and f'href="{atom}"' in body


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"kind": "announcement"}, ["iraq"], ["public", "network"]),
        ({"language": "ar"}, ["iraq"], ["public", "network"]),
        ({"country": "iq"}, ["iraq"], ["public", "network"]),
        ({"q": "درگاه"}, ["public"], ["iraq", "network"]),
        ({"q": "دَرگاه"}, ["public"], ["iraq", "network"]),
    ],
)
def test_filters(client, posts, query, shown, hidden):
    text = client.get(LIST, query).content.decode()

    for name in shown:
        assert posts[name].title in text
    for name in hidden:
        assert posts[name].title not in text


def test_the_organization_filter(client, posts, post_stranger_org):
    text = client.get(LIST, {"organization": str(post_stranger_org.pk)}).content.decode()

    assert posts["iraq"].title in text and posts["public"].title not in text
    assert 'id="organization-chosen"' in text


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "gossip"},
        {"language": "xx"},
        {"country": "Z"},
        {"country": "زز"},
        {"organization": "abc"},
        {"organization": "99999999999999999999999"},
        {"page": "99999999999"},
        {"page": "-3"},
        {"page": "abc"},
        {"page": "۲"},
        {"q": "x" * 500},
        {"q": "\x00"},
    ],
)
def test_bad_filters_never_fail(client, posts, query):
    response = client.get(LIST, query)

    assert response.status_code == 200


def test_unknown_filters_are_named(client, posts):
    text = client.get(LIST, {"kind": "gossip"}).content.decode()

    assert 'id="filter-errors"' in text
    assert posts["public"].title in text


def test_an_organizations_page(client, posts, post_org):
    response = client.get(reverse("publishing:organization-posts", args=[post_org.pk]))

    text = response.content.decode()
    assert posts["public"].title in text
    assert posts["iraq"].title not in text and posts["network"].title not in text
    feed = reverse("publishing:organization-feed-rss", args=[post_org.pk])
    assert f'href="{feed}"' in text
    assert f'id="follow-{post_org.pk}"' in text


def test_a_countrys_page(client, posts):
    response = client.get(reverse("publishing:country-posts", args=["iq"]))

    text = response.content.decode()
    assert posts["iraq"].title in text and posts["public"].title not in text
    assert reverse("publishing:country-feed-atom", args=["IQ"]) in text


@pytest.mark.parametrize(
    "url",
    [
        "/news/organization/0/",
        "/news/organization/99999999999999999999999/",
        "/news/organization/123456/",
        "/news/country/ZZ/",
        "/news/country/IRN/",
        "/news/country/۱۲/",
        "/news/0/",
        "/news/99999999999999999999999/",
        "/news/123456/",
        "/news/123456/edit/",
        "/news/export/pdf/",
    ],
)
def test_what_names_nothing_is_not_found(client, posts, post_actors, url):
    client.force_login(post_actors["coordinator"])

    assert client.get(url).status_code == 404


def test_a_post_page_with_its_versions(client, posts, post_org):
    original = posts["public"]
    arabic = PostFactory(
        organization=post_org, language="ar", translation_of=original, title="فتح بوابة البث"
    )
    PostFactory(
        organization=post_org,
        language="en",
        translation_of=original,
        publish_at=None,
        title="Draft English version",
    )

    response = client.get(reverse("publishing:post-detail", args=[original.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "<strong>واژه‌های پررنگ</strong>" in text
    arabic_url = reverse("publishing:post-detail", args=[arabic.pk])
    assert f'<a href="{arabic_url}" hreflang="ar" lang="ar">' in text
    assert f'<link rel="alternate" hreflang="ar" href="{arabic_url}">' in text
    assert "Draft English version" not in text and 'hreflang="en"' not in text
    # The translation links back to its original.
    back = client.get(arabic_url).content.decode()
    assert f'href="{reverse("publishing:post-detail", args=[original.pk])}" hreflang="fa"' in back
    assert 'lang="ar" dir="rtl" id="post"' in back


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("stranger", 404), ("viewer", 200), ("editor", 200), ("coordinator", 200)],
)
def test_drafts_and_scheduled_posts_are_for_staff(client, posts, post_actors, who, status):
    client = _client(client, post_actors[who])

    for name in ("draft", "scheduled"):
        response = client.get(reverse("publishing:post-detail", args=[posts[name].pk]))
        assert response.status_code == status


def test_a_scheduled_post_becomes_public_at_its_time(client, posts):
    scheduled = posts["scheduled"]
    Post.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now())

    assert client.get(reverse("publishing:post-detail", args=[scheduled.pk])).status_code == 200
    assert scheduled.title in client.get(LIST).content.decode()


# --- writing -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, posts, post_org):
    post = posts["public"]
    for url in (
        f"{CREATE}?organization={post_org.pk}",
        reverse("publishing:post-edit", args=[post.pk]),
        reverse("publishing:post-delete", args=[post.pk]),
        DRAFTS,
    ):
        response = client.post(url, _form())
        assert response.status_code == 302 and "login" in response["Location"]
    assert Post.objects.count() == 5


@pytest.mark.parametrize(
    ("who", "status"),
    [("viewer", 403), ("stranger", 403), ("editor", 302), ("coordinator", 302)],
)
def test_who_writes_an_organizations_post(client, post_actors, post_org, who, status):
    client = _client(client, post_actors[who])
    url = f"{CREATE}?organization={post_org.pk}"

    assert client.get(url).status_code == (200 if status == 302 else 403)
    response = client.post(url, _form())

    assert response.status_code == status
    assert Post.objects.filter(organization=post_org).count() == (1 if status == 302 else 0)


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("coordinator", 302)])
def test_only_coordinators_write_network_posts(client, post_actors, who, status):
    client = _client(client, post_actors[who])

    response = client.post(CREATE, _form())

    assert response.status_code == status
    assert Post.objects.filter(organization=None).count() == (1 if status == 302 else 0)


@pytest.mark.parametrize(
    ("who", "status"),
    [("viewer", 403), ("stranger", 404), ("editor", 302), ("coordinator", 302)],
)
def test_who_edits_and_deletes(client, posts, post_actors, who, status):
    client = _client(client, post_actors[who])
    # A draft: the stranger does not even see it.
    draft = posts["draft"]

    response = client.post(
        reverse("publishing:post-edit", args=[draft.pk]), _form(title="عنوان ویرایش‌شده")
    )
    assert response.status_code == status
    draft.refresh_from_db()
    assert (draft.title == "عنوان ویرایش‌شده") == (status == 302)

    public = posts["public"]
    confirm = client.get(reverse("publishing:post-delete", args=[public.pk]))
    assert confirm.status_code == (200 if status == 302 else 403)
    response = client.post(reverse("publishing:post-delete", args=[public.pk]))
    assert response.status_code == (302 if status == 302 else 403)
    assert Post.objects.filter(pk=public.pk).exists() == (status != 302)


def test_a_network_post_is_edited_only_by_coordinators(client, posts, post_actors):
    url = reverse("publishing:post-edit", args=[posts["network"].pk])

    assert _client(client, post_actors["editor"]).post(url, _form()).status_code == 403
    client.logout()
    assert _client(client, post_actors["coordinator"]).post(url, _form()).status_code == 302


def test_the_stored_body_of_a_post_submitted_with_xss_is_clean(client, post_actors, post_org):
    client = _client(client, post_actors["editor"])
    body = (
        '<p onmouseover="alert(1)">سلام</p><script>fetch("/x?c="+document.cookie)</script>'
        '<img src=x onerror=alert(1)><a href="javascript:alert(1)">پیوند</a>'
        '<svg/onload=alert(1)><iframe src="javascript:alert(1)"></iframe>'
    )

    response = client.post(f"{CREATE}?organization={post_org.pk}", _form(body=body))

    assert response.status_code == 302
    stored = Post.objects.get().body
    for forbidden in ("<script", "onmouseover", "onerror", "onload", "javascript", "<iframe"):
        assert forbidden not in stored
    page = client.get(response["Location"]).content.decode()
    assert "document.cookie" not in page and "onerror" not in page


def test_plain_paragraphs_become_html(client, post_actors, post_org):
    client = _client(client, post_actors["editor"])

    client.post(f"{CREATE}?organization={post_org.pk}", _form(body="بند اول\n\nبند دوم & ادامه"))

    assert Post.objects.get().body == "<p>بند اول</p>\n\n<p>بند دوم &amp; ادامه</p>"


def test_a_publication_date_in_the_solar_calendar(client, post_actors, post_org):
    client = _client(client, post_actors["editor"])
    day = timezone.localdate() + datetime.timedelta(days=3)
    year, month, date = gregorian_to_solar(day)

    client.post(
        f"{CREATE}?organization={post_org.pk}",
        _form(publish_on=f"{year}/{month:02d}/{date:02d}", publish_time="۰۸:۳۰"),
    )

    local = timezone.localtime(Post.objects.get().publish_at, zoneinfo.ZoneInfo("Asia/Tehran"))
    assert local.date() == day
    assert (local.hour, local.minute) == (8, 30)


def test_publish_now(client, post_actors, post_org):
    client = _client(client, post_actors["editor"])
    before = timezone.now()

    client.post(f"{CREATE}?organization={post_org.pk}", _form(publish_now="1"))

    assert Post.objects.get().publish_at >= before


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "gossip"}, "kind"),
        ({"language": "xx"}, "language"),
        ({"publish_on": "1404/13/40"}, "publish_on"),
        ({"publish_on": "not a date"}, "publish_on"),
        ({"publish_on": "", "publish_time": "08:00"}, "publish_on"),
        ({"publish_time": "25:99", "publish_on": "1404/01/01"}, "publish_time"),
        ({"translation_of": "99999999999999999999999"}, "translation_of"),
        ({"translation_of": "abc"}, "translation_of"),
    ],
)
def test_bad_input_is_a_form_error(client, post_actors, post_org, data, field):
    client = _client(client, post_actors["editor"])

    response = client.post(f"{CREATE}?organization={post_org.pk}", _form(**data))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Post.objects.exists()


def test_a_service_refusal_lands_on_its_field(client, post_actors, post_org, post_media):
    client = _client(client, post_actors["editor"])
    original = PostFactory(organization=post_org, language="fa")

    response = client.post(
        f"{CREATE}?organization={post_org.pk}",
        _form(language="fa", translation_of=str(original.pk), image=png_upload()),
    )

    errors = response.context["form"].errors
    assert set(errors) == {"language", "image_alt"}
    assert Post.objects.count() == 1


def test_another_organizations_post_cannot_be_translated(
    client, post_actors, post_org, post_stranger_org
):
    client = _client(client, post_actors["editor"])
    foreign = PostFactory(organization=post_stranger_org, language="ar")

    response = client.post(
        f"{CREATE}?organization={post_org.pk}",
        _form(language="fa", translation_of=str(foreign.pk)),
    )

    assert "translation_of" in response.context["form"].errors
    assert Post.objects.count() == 1


def test_a_translation_is_offered_with_a_missing_language(client, posts, post_actors, post_org):
    client = _client(client, post_actors["editor"])
    original = posts["public"]

    detail = client.get(reverse("publishing:post-detail", args=[original.pk])).content.decode()
    url = f"{CREATE}?translation_of={original.pk}&amp;organization={post_org.pk}"
    assert url in detail
    form = client.get(url.replace("&amp;", "&")).context["form"]

    assert form.initial["translation_of"] == original.pk
    assert form.initial["language"] == "ar"


def test_an_image_with_its_description(client, post_actors, post_org, post_media):
    client = _client(client, post_actors["editor"])

    client.post(
        f"{CREATE}?organization={post_org.pk}",
        _form(image=png_upload(), image_alt="پوستر مراسم", publish_now="1"),
    )

    post = Post.objects.get()
    page = client.get(reverse("publishing:post-detail", args=[post.pk])).content.decode()
    assert f'<img src="{post.image.url}" alt="پوستر مراسم"' in page


def test_editing_keeps_the_publication_time(client, post_actors, posts):
    client = _client(client, post_actors["editor"])
    post = posts["scheduled"]
    form = client.get(reverse("publishing:post-edit", args=[post.pk])).context["form"]
    year, month, day = gregorian_to_solar(form.initial["publish_on"])
    data = _form(title="عنوان تازه")
    data["publish_on"] = f"{year}/{month}/{day}"
    data["publish_time"] = form.initial["publish_time"].strftime("%H:%M")

    client.post(reverse("publishing:post-edit", args=[post.pk]), data)

    saved = Post.objects.get(pk=post.pk)
    assert saved.title == "عنوان تازه"
    assert abs(saved.publish_at - post.publish_at) < datetime.timedelta(minutes=1)


# --- drafts ------------------------------------------------------------------------------------


def test_drafts_page(client, posts, post_actors):
    assert _client(client, post_actors["viewer"]).get(DRAFTS).status_code == 403
    client.logout()

    text = _client(client, post_actors["editor"]).get(DRAFTS).content.decode()
    assert "پیش‌نویس محرمانه" in text and "خبر زمان‌بندی‌شده" in text
    assert posts["public"].title not in text
    client.logout()

    network_draft = PostFactory(organization=None, publish_at=None, title="پیش‌نویس شبکه")
    text = _client(client, post_actors["coordinator"]).get(DRAFTS).content.decode()
    assert network_draft.title in text and "پیش‌نویس محرمانه" in text


def test_another_organizations_editor_does_not_see_the_drafts(client, posts, post_actors):
    from hamafza.directory.models import Role
    from hamafza.directory.tests.factories import OrganizationFactory, user_with_role

    other_editor = user_with_role(OrganizationFactory(), Role.EDITOR, username="other_editor")

    text = _client(client, other_editor).get(DRAFTS).content.decode()

    assert "پیش‌نویس محرمانه" not in text and 'id="no-rows"' in text


# --- exports -----------------------------------------------------------------------------------


def test_csv_export_with_the_filters(client, posts):
    response = client.get(
        reverse("publishing:post-export", args=["csv"]), {"country": "IR", "kind": "gossip"}
    )

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert posts["public"].title in text
    assert posts["iraq"].title not in text and "پیش‌نویس" not in text
    assert f"/news/{posts['public'].pk}/" in text


def test_xlsx_export(client, posts):
    from openpyxl import load_workbook

    response = client.get(reverse("publishing:post-export", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {posts["public"].title, posts["iraq"].title, posts["network"].title}


# --- query counts ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _more_posts(count, organizations):
    for index in range(count):
        PostFactory(
            organization=organizations[index % len(organizations)],
            kind=PostKind.ANNOUNCEMENT if index % 2 else PostKind.NEWS,
            language=("fa", "ar", "en")[index % 3],
        )
        PostFactory(organization=organizations[0], publish_at=None)


def test_list_query_counts_do_not_grow(client, post_actors, post_org, post_stranger_org):
    client = _client(client, post_actors["coordinator"])
    iraq = Country.objects.get(code="IQ")
    urls = [
        LIST,
        f"{LIST}?q=خبر",
        reverse("publishing:organization-posts", args=[post_org.pk]),
        reverse("publishing:country-posts", args=[iraq.code]),
        DRAFTS,
    ]
    organizations = [post_org, post_stranger_org, None]
    _more_posts(5, organizations)
    for url in urls:  # the places and the session are read once per process
        client.get(url)
    small = [_queries(client, url) for url in urls]

    _more_posts(25, organizations)
    large = [_queries(client, url) for url in urls]

    assert large == small


@pytest.mark.parametrize(("language", "direction"), [("fa", "rtl"), ("ar", "rtl"), ("en", "ltr")])
def test_pages_in_every_language(client, posts, post_actors, post_org, language, direction):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client = _client(client, post_actors["editor"])
    post = posts["public"]
    urls = [
        LIST,
        reverse("publishing:organization-posts", args=[post_org.pk]),
        reverse("publishing:country-posts", args=["IR"]),
        reverse("publishing:post-detail", args=[post.pk]),
        reverse("publishing:post-edit", args=[post.pk]),
        reverse("publishing:post-delete", args=[post.pk]),
        f"{CREATE}?organization={post_org.pk}",
        DRAFTS,
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}" dir="{direction}">' in response.content.decode()


def test_a_post_without_a_summary_shows_the_start_of_its_text(client, post_org):
    PostFactory(
        organization=post_org,
        summary="",
        body="<h2>پخش زنده</h2><p>از <strong>کربلا</strong> &amp; نجف</p><script>x()</script>",
    )

    text = client.get(LIST).content.decode()

    assert "پخش زنده از کربلا &amp; نجف" in text.replace("\n", " ")


# --- one version of a post in the visitor's language ---------------------------------------------


@pytest.fixture
def versions(db, post_org):
    """A post written in Persian with a published English version, a Persian post without
    versions, and an Arabic version not published yet."""
    original = PostFactory(organization=post_org, title="پخش زندهٔ دعای کمیل")
    english = PostFactory(
        organization=post_org, language="en", translation_of=original, title="Kumayl prayer live"
    )
    PostFactory(
        organization=post_org,
        language="ar",
        translation_of=original,
        publish_at=hours_from_now(5),
        title="بث مباشر لدعاء كميل",
    )
    alone = PostFactory(organization=post_org, title="اردوی جهادی تابستان")
    return {"original": original, "english": english, "alone": alone}


def _listed(client, language: str, query: str = "") -> list[int]:
    response = client.get(f"{LIST}{query}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [post.pk for post in response.context["page"].rows]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fa", ("original", "alone")),
        ("en", ("english", "alone")),
        # no published Arabic version yet: the post is listed as first written
        ("ar", ("original", "alone")),
    ],
)
def test_the_list_shows_each_post_once_in_the_visitors_language(
    client, versions, language, expected
):
    # When a visitor reads the news in their language
    listed = _listed(client, language)
    # Then each post appears once, in that language when it has a version in it
    assert sorted(listed) == sorted(versions[name].pk for name in expected)


def test_a_chosen_language_lists_exactly_the_posts_written_in_it(client, versions):
    # When a Persian reader asks for the English news
    listed = _listed(client, "fa", "?language=en")
    # Then the English version is listed, and nothing else
    assert listed == [versions["english"].pk]


def test_plain_text_with_a_less_than_sign_is_kept_whole(client, post_actors, post_org):
    # Given an editor who types plain text with "<" in it (no tag)
    client.force_login(post_actors["editor"])
    text = "ظرفیت<۵۰ نفر و x<y\nخط سوم"

    # When they save the post
    response = client.post(
        f"{CREATE}?organization={post_org.pk}", _form(body=text, title="متن ساده")
    )

    # Then it is kept as typed, in paragraphs, nothing after "<" lost
    assert response.status_code == 302
    body = Post.objects.get(title="متن ساده").body
    assert "ظرفیت&lt;۵۰ نفر و x&lt;y<br>خط سوم" in body
