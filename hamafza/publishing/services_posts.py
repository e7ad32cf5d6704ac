"""Every change to news and announcements goes through here: pages, API, admin and the demo.

- The policy (``PostPolicy``) is asked first: an organization's editors write its posts, the
  coordinators the network's (a post without an organization) and everyone's.
- The body is cleaned on every write (``sanitize.html_clean``), so what is stored is what may
  be shown; ``full_clean`` then checks the row, and a refusal names the field it is about in
  the visitor's language. A refused write leaves nothing behind, files included.
- A version in another language points to its original (``translation_of``): one level deep,
  in the same organization, one version per language.
- A post is public from ``publish_at`` on (the selectors compare it with the time of the
  request), so a scheduled post needs nothing when its time comes. A write that leaves a post
  public now and not yet announced asks, once the transaction commits, for the task that tells
  its organization's followers (``tasks.announcements_send``); the task claims each post once,
  so asking twice is harmless.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.core.uploads import validate_image
from hamafza.core.writes import recorded_actor, unknown_fields_refuse
from hamafza.publishing.models import Post, PostKind
from hamafza.publishing.policies import PostPolicy
from hamafza.publishing.sanitize import html_clean

post_policy = PostPolicy()

POST_FIELDS = frozenset(
    {
        "kind",
        "language",
        "title",
        "summary",
        "body",
        "image",
        "image_alt",
        "publish_at",
        "translation_of",
    }
)
# Plain-text fields: surrounding spaces typed by accident are not kept.
_STRIPPED = ("title", "summary", "image_alt")


def _image_checked(image) -> None:
    try:
        validate_image(image)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None


def _post_errors(post: Post) -> dict[str, str]:
    """The rules ``full_clean`` cannot see: translations, lengths of texts, a description for
    the image."""
    errors: dict[str, str] = {}
    original = post.translation_of
    if original is not None:
        if post.pk is not None and original.pk == post.pk:
            errors["translation_of"] = _("A post cannot be a translation of itself.")
        elif original.translation_of_id is not None:
            errors["translation_of"] = _("Choose the original post, not one of its translations.")
        elif original.organization_id != post.organization_id:
            errors["translation_of"] = _("The original must be a post of the same organization.")
        elif original.language == post.language:
            errors["language"] = _("A translation must be in another language than the original.")
        elif (
            Post.objects.filter(translation_of=original, language=post.language)
            .exclude(pk=post.pk)
            .exists()
        ):
            errors["language"] = _("This post already has a version in that language.")
        elif post.pk is not None and post.translations.exists():
            errors["translation_of"] = _(
                "This post has translations of its own, so it cannot become a translation."
            )
    elif post.pk is not None and post.translations.filter(language=post.language).exists():
        errors["language"] = _("One of this post's translations is already in that language.")
    for name in ("summary", "body"):
        # A text column's length is not checked by full_clean (nor by every database).
        try:
            MaxLengthValidator(Post._meta.get_field(name).max_length)(getattr(post, name))
        except ValidationError as error:
            errors[name] = error.messages[0]
    if post.image and not post.image_alt:
        errors["image_alt"] = _("Describe the image for readers who cannot see it.")
    return errors


def _validate(post: Post) -> None:
    """Every refusal at once, each on its field."""
    errors: dict[str, list] = {name: [message] for name, message in _post_errors(post).items()}
    try:
        post.full_clean(exclude=["author"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(
                message for message in messages if message not in errors.get(name, [])
            )
    if errors:
        raise ValidationError(errors)


def _announce_if_due(post: Post) -> None:
    """Tell the followers once the write is committed, if the post is public and untold."""
    due = post.publish_at is not None and post.publish_at <= timezone.now()
    if due and post.announced_at is None:
        from hamafza.publishing.tasks import announcements_send

        transaction.on_commit(lambda: announcements_send.enqueue())


def _files_delete_on_commit(names: list[str]) -> None:
    names = [name for name in names if name]
    if not names:
        return
    storage = Post._meta.get_field("image").storage

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def _save(post: Post, *, new_image: bool) -> None:
    """Save; should the database refuse, remove the image file the save had written."""
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError as error:
        if new_image and post.image.name:
            post.image.storage.delete(post.image.name)
        # Two requests adding the same language's version at once: the second is told why.
        # Any other refusal is not a visitor's doing, and is raised as it is.
        taken = (
            post.translation_of_id is not None
            and Post.objects.filter(
                translation_of_id=post.translation_of_id, language=post.language
            )
            .exclude(pk=post.pk)
            .exists()
        )
        if not taken:
            raise
        raise ValidationError(
            {"language": _("This post already has a version in that language.")}
        ) from error
    except Exception:
        if new_image and post.image.name:
            post.image.storage.delete(post.image.name)
        raise


def post_create(
    *,
    actor,
    organization,
    language: str,
    kind: str = PostKind.NEWS,
    title: str,
    summary: str = "",
    body: str = "",
    image=None,
    image_alt: str = "",
    publish_at=None,
    translation_of: Post | None = None,
) -> Post:
    """A post of ``organization`` (``None``: of the network). ``publish_at`` empty keeps it a
    draft; in the future schedules it."""
    post_policy.check(actor, "add", organization)
    post = Post(
        organization=organization,
        language=language,
        kind=kind,
        title=(title or "").strip(),
        summary=(summary or "").strip(),
        body=html_clean(body),
        image_alt=(image_alt or "").strip(),
        publish_at=publish_at,
        translation_of=translation_of,
        author=recorded_actor(actor),
    )
    if image:
        _image_checked(image)
        post.image = image
    _validate(post)
    _save(post, new_image=bool(image))
    _announce_if_due(post)
    return post


def post_update(*, actor, post: Post, **fields) -> Post:
    """Change some of a post's fields (``POST_FIELDS``). ``image=None`` (or ``False``) removes
    the image; its file goes once the change is committed, as does a replaced one's."""
    unknown_fields_refuse(fields, POST_FIELDS)
    post_policy.check(actor, "change", post)
    image = fields.pop("image", ...)
    new_image = image not in (..., None, False, "")
    if new_image:
        _image_checked(image)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        old_image = locked.image.name
        for name, value in fields.items():
            if name == "body":
                value = html_clean(value)
            elif name in _STRIPPED:
                value = (value or "").strip()
            setattr(locked, name, value)
        if image is not ...:
            locked.image = image if new_image else ""
        _validate(locked)
        _save(locked, new_image=new_image)
        if image is not ... and old_image and old_image != locked.image.name:
            _files_delete_on_commit([old_image])
        _announce_if_due(locked)
    return locked


def post_delete(*, actor, post: Post) -> None:
    """Delete a post with its versions in other languages, and then their images."""
    post_policy.check(actor, "delete", post)
    with transaction.atomic():
        images = [post.image.name, *post.translations.values_list("image", flat=True)]
        post.delete()
        _files_delete_on_commit(images)
