"""The write path of posts: who may write, what is cleaned and checked, what is refused (and
then left behind: nothing), and when followers are to be told."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hamafza.core.permissions import SYSTEM
from hamafza.publishing.models import Post, PostKind
from hamafza.publishing.services_posts import post_create, post_delete, post_update
from hamafza.publishing.tests.factories import PostFactory, hours_from_now, png_upload

XSS_BODY = (
    '<p onclick="alert(1)">خبر</p><script>alert(document.cookie)</script>'
    '<img src=x onerror=alert(1)><a href="javascript:alert(1)">پیوند</a>'
    '<svg onload=alert(1)></svg><p style="color:red">رنگی</p>'
    '<a href="&#106;avascript:alert(1)">دوم</a><iframe src="https://evil.example"></iframe>'
)


def _values(**overrides) -> dict:
    values = {
        "language": "fa",
        "kind": PostKind.ANNOUNCEMENT,
        "title": "  پخش زندهٔ مراسم اربعین از کربلا  ",
        "summary": "هیئت آنلاین مراسم را زنده پخش می‌کند.",
        "body": "<p>پخش زنده از <strong>کربلا</strong>.</p>",
        "publish_at": None,
    }
    values.update(overrides)
    return values


@pytest.fixture
def announced(monkeypatch):
    """Counts the requests to tell followers (the task itself is another module's)."""
    from hamafza.publishing import tasks

    calls = []

    class Task:
        def enqueue(self, *args, **kwargs):
            calls.append(1)

    monkeypatch.setattr(tasks, "announcements_send", Task())
    return calls


# --- who may write -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("viewer", False),
        ("stranger", False),
        ("editor", True),
        ("coordinator", True),
    ],
)
def test_create_for_an_organization(post_actors, post_org, who, allowed):
    actor = post_actors[who]

    if not allowed:
        with pytest.raises(PermissionDenied):
            post_create(actor=actor, organization=post_org, **_values())
        assert not Post.objects.exists()
        return
    post = post_create(actor=actor, organization=post_org, **_values())
    assert post.organization == post_org
    assert post.author == actor
    assert post.title == "پخش زندهٔ مراسم اربعین از کربلا"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("anonymous", False), ("editor", False), ("stranger", False), ("coordinator", True)],
)
def test_network_posts_are_the_coordinators(post_actors, who, allowed):
    actor = post_actors[who]

    if not allowed:
        with pytest.raises(PermissionDenied):
            post_create(actor=actor, organization=None, **_values())
        assert not Post.objects.exists()
        return
    post = post_create(actor=actor, organization=None, **_values())
    assert post.organization is None


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("viewer", False),
        ("stranger", False),
        ("editor", True),
        ("coordinator", True),
    ],
)
def test_update_and_delete(post_actors, post_org, who, allowed):
    post = PostFactory(organization=post_org, title="عنوان پیشین")
    actor = post_actors[who]

    if not allowed:
        with pytest.raises(PermissionDenied):
            post_update(actor=actor, post=post, title="عنوان تازه")
        with pytest.raises(PermissionDenied):
            post_delete(actor=actor, post=post)
        post.refresh_from_db()
        assert post.title == "عنوان پیشین"
        return
    assert post_update(actor=actor, post=post, title="عنوان تازه").title == "عنوان تازه"
    post_delete(actor=actor, post=post)
    assert not Post.objects.filter(pk=post.pk).exists()


def test_a_network_post_is_changed_only_by_coordinators(post_actors):
    post = PostFactory(organization=None)

    with pytest.raises(PermissionDenied):
        post_update(actor=post_actors["editor"], post=post, title="x")
    with pytest.raises(PermissionDenied):
        post_delete(actor=post_actors["editor"], post=post)
    post_update(actor=post_actors["coordinator"], post=post, title="خبر شبکه")
    post_delete(actor=post_actors["coordinator"], post=post)
    assert not Post.objects.exists()


# --- the body is cleaned -----------------------------------------------------------------------


def test_the_stored_body_of_a_hostile_post_is_clean(post_actors, post_org):
    post = post_create(actor=post_actors["editor"], organization=post_org, **_values(body=XSS_BODY))

    stored = Post.objects.get(pk=post.pk).body
    for forbidden in ("<script", "onclick", "onerror", "onload", "javascript", "<img", "<svg"):
        assert forbidden not in stored
    assert "style=" not in stored and "<iframe" not in stored
    assert "<p>خبر</p>" in stored and "پیوند" in stored and "<p>رنگی</p>" in stored


def test_the_body_is_cleaned_on_update_too(post_actors, post_org):
    post = PostFactory(organization=post_org)

    post_update(actor=post_actors["editor"], post=post, body=XSS_BODY)

    post.refresh_from_db()
    assert "<script" not in post.body and "javascript" not in post.body


# --- translations ------------------------------------------------------------------------------


def test_a_translation_in_another_language(post_actors, post_org):
    original = PostFactory(organization=post_org, language="fa")

    translation = post_create(
        actor=post_actors["editor"],
        organization=post_org,
        **_values(language="ar", title="البث المباشر لمراسم الأربعين", translation_of=original),
    )

    assert list(original.translations.all()) == [translation]


@pytest.mark.usefixtures("english")
def test_translation_refusals(post_actors, post_org, post_stranger_org):
    editor = post_actors["editor"]
    original = PostFactory(organization=post_org, language="fa")
    PostFactory(organization=post_org, language="ar", translation_of=original)
    other = PostFactory(organization=post_stranger_org, language="ar")
    cases = [
        (original, "fa", "language", "another language than the original"),
        (original, "ar", "language", "already has a version in that language"),
        (
            original.translations.get(),
            "en",
            "translation_of",
            "not one of its translations",
        ),
    ]
    for target, language, field, message in cases:
        with pytest.raises(ValidationError) as caught:
            post_create(
                actor=editor,
                organization=post_org,
                **_values(language=language, translation_of=target),
            )
        assert message in " ".join(caught.value.message_dict[field])
    with pytest.raises(ValidationError) as caught:
        post_create(
            actor=post_actors["coordinator"],
            organization=post_org,
            **_values(language="en", translation_of=other),
        )
    assert "same organization" in caught.value.message_dict["translation_of"][0]
    assert Post.objects.count() == 3


@pytest.mark.usefixtures("english")
def test_an_original_cannot_become_a_translation_nor_take_its_translations_language(
    post_actors, post_org
):
    original = PostFactory(organization=post_org, language="fa")
    PostFactory(organization=post_org, language="ar", translation_of=original)
    another = PostFactory(organization=post_org, language="en")

    with pytest.raises(ValidationError) as caught:
        post_update(actor=post_actors["editor"], post=original, language="ar")
    assert "translations is already in that language" in caught.value.message_dict["language"][0]
    with pytest.raises(ValidationError) as caught:
        post_update(actor=post_actors["editor"], post=original, translation_of=another)
    assert "translations of its own" in caught.value.message_dict["translation_of"][0]
    with pytest.raises(ValidationError) as caught:
        post_update(actor=post_actors["editor"], post=another, translation_of=another)
    assert "itself" in caught.value.message_dict["translation_of"][0]


def test_deleting_an_original_deletes_its_translations(post_actors, post_org):
    original = PostFactory(organization=post_org, language="fa")
    PostFactory(organization=post_org, language="en", translation_of=original)

    post_delete(actor=post_actors["editor"], post=original)

    assert not Post.objects.exists()


# --- field errors ------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_field_errors_are_named_and_nothing_is_saved(post_actors, post_org):
    with pytest.raises(ValidationError) as caught:
        post_create(
            actor=post_actors["editor"],
            organization=post_org,
            **_values(title="   ", kind="gossip", language="xx", summary="ب" * 1001),
        )

    errors = caught.value.message_dict
    assert set(errors) >= {"title", "kind", "language", "summary"}
    assert errors["title"] == ["This field cannot be blank."]
    assert not Post.objects.exists()


def test_messages_are_in_the_visitors_language(post_actors, post_org):
    # Persian is the site's default language.
    with pytest.raises(ValidationError) as caught:
        post_create(actor=post_actors["editor"], organization=post_org, **_values(title=""))

    assert "This field" not in caught.value.message_dict["title"][0]


@pytest.mark.usefixtures("english")
def test_unknown_fields_are_refused(post_actors, post_org):
    post = PostFactory(organization=post_org)

    with pytest.raises(ValidationError) as caught:
        post_update(actor=post_actors["editor"], post=post, organization=None, announced_at=None)

    assert "Unknown fields: announced_at, organization" in caught.value.messages[0]


# --- images ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_an_image_needs_a_description_and_must_be_a_picture(post_actors, post_org, post_media):
    editor = post_actors["editor"]

    with pytest.raises(ValidationError) as caught:
        post_create(actor=editor, organization=post_org, image=png_upload(), **_values())
    assert "Describe the image" in caught.value.message_dict["image_alt"][0]
    fake = SimpleUploadedFile("poster.png", b"<script>alert(1)</script>", "image/png")
    with pytest.raises(ValidationError) as caught:
        post_create(actor=editor, organization=post_org, image=fake, image_alt="پوستر", **_values())
    assert "PNG or JPEG" in caught.value.message_dict["image"][0]
    assert not Post.objects.exists()
    assert not any(Path(post_media).rglob("*.png")) if Path(post_media).exists() else True


def test_an_image_replaced_or_removed_leaves_no_file_behind(
    post_actors, post_org, post_media, django_capture_on_commit_callbacks
):
    editor = post_actors["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            actor=editor,
            organization=post_org,
            image=png_upload("first.png"),
            image_alt="پوستر مراسم",
            **_values(),
        )
    first = Path(post.image.path)
    assert first.exists()

    with django_capture_on_commit_callbacks(execute=True):
        post = post_update(actor=editor, post=post, image=png_upload("second.png"))
    second = Path(post.image.path)
    assert second.exists() and not first.exists()

    with django_capture_on_commit_callbacks(execute=True):
        post = post_update(actor=editor, post=post, image=None, image_alt="")
    assert not post.image and not second.exists()


# --- publication and announcement --------------------------------------------------------------


def test_a_post_public_now_asks_once_committed_to_tell_followers(
    post_actors, post_org, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post_create(
            actor=post_actors["editor"],
            organization=post_org,
            **_values(publish_at=timezone.now()),
        )

    assert len(callbacks) == 1
    assert announced == [1]


def test_drafts_scheduled_and_announced_posts_do_not_ask(
    post_actors, post_org, announced, django_capture_on_commit_callbacks
):
    editor = post_actors["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        draft = post_create(actor=editor, organization=post_org, **_values())
        post_create(actor=editor, organization=post_org, **_values(publish_at=hours_from_now(48)))
        told = PostFactory(organization=post_org, announced_at=timezone.now())
        post_update(actor=editor, post=told, title="اصلاح عنوان")
    assert announced == []

    # When the draft is published, then the followers are to be told.
    with django_capture_on_commit_callbacks(execute=True):
        post_update(actor=editor, post=draft, publish_at=timezone.now())
    assert announced == [1]


def test_a_refused_write_asks_nothing(
    post_actors, post_org, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        post_create(
            actor=post_actors["editor"],
            organization=post_org,
            **_values(title="", publish_at=timezone.now()),
        )

    assert announced == []


def test_trusted_code_writes_as_system(post_org):
    post = post_create(
        actor=SYSTEM,
        organization=post_org,
        **_values(publish_at=timezone.now() - datetime.timedelta(days=1)),
    )

    assert post.author is None


@pytest.mark.usefixtures("english")
def test_two_versions_in_one_language_saved_at_once_give_a_field_error(
    post_actors, post_org, monkeypatch
):
    # Given a post, and another request that adds its Arabic version just after this one's
    # checks have passed (the race the unique constraint settles)
    original = PostFactory(organization=post_org, language="fa")
    checked = Post.full_clean

    def checked_then_raced(post, *args, **kwargs):
        checked(post, *args, **kwargs)
        if post.pk is None and post.translation_of_id == original.pk:
            PostFactory(organization=post_org, language="ar", translation_of=original)

    monkeypatch.setattr(Post, "full_clean", checked_then_raced)
    # When this request saves its own Arabic version
    with pytest.raises(ValidationError) as caught:
        post_create(
            actor=post_actors["editor"],
            organization=post_org,
            **_values(language="ar", translation_of=original),
        )
    # Then it is told why, on the language field, and only the other version is kept
    assert "already has a version in that language" in " ".join(
        caught.value.message_dict["language"]
    )
    assert original.translations.count() == 1
