"""News and announcements, who follows whom, messenger delivery, and the quarterly guide.

- A ``Post`` belongs to an organization, or to the network when it has none. It is written in
  one language; its versions in other languages point to it (``translation_of``). Its body is
  rich text cleaned on every write (``publishing.sanitize``); it is public from
  ``publish_at`` on, and a draft while that is empty.
- A ``Follow`` says a user wants to hear of an organization's posts and upcoming broadcasts.
  They are told in the site and by e-mail (``accounts.Notification``) and, when they linked a
  messenger account and the operator turned that messenger on, through it
  (``MessengerDelivery``, one row per notification and account, retried until sent).
- A ``Guide`` is the quarterly guide of one quarter (Solar Hijri or Gregorian) in one
  language: the editorial committee (coordinators) writes an introduction, renders a proof,
  approves it, and publishes it; the published PDF is kept.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamafza.core.models import SearchableMixin
from hamafza.core.uploads import private_storage


class PostKind(models.TextChoices):
    NEWS = "news", _("News")
    ANNOUNCEMENT = "announcement", _("Announcement")


def post_image_upload_to(instance, filename: str) -> str:
    return f"posts/{instance.organization_id or 'network'}/{filename}"


class Post(SearchableMixin):
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("organization"),
        help_text=_("Leave empty for a post of the whole network."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=PostKind.choices, default=PostKind.NEWS
    )
    language = models.CharField(_("language"), max_length=7, choices=settings.LANGUAGES)
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(_("text"), max_length=100_000, blank=True)
    image = models.ImageField(_("image"), upload_to=post_image_upload_to, blank=True)
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep it a draft. A time in the future schedules it."),
    )
    announced_at = models.DateTimeField(_("followers told at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_fields = ("title", "summary")

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["publish_at", "id"], name="post_published"),
            models.Index(fields=["organization", "publish_at"], name="post_org_published"),
            models.Index(
                fields=["publish_at"],
                name="post_to_announce",
                condition=Q(announced_at__isnull=True, publish_at__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="post_one_translation_per_language",
                violation_error_message=_("This post already has a version in that language."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        related_name="followers",
        verbose_name=_("organization"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                name="follow_once",
                violation_error_message=_("You already follow this organization."),
            ),
        ]
        indexes = [models.Index(fields=["user", "organization"], name="follow_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.organization_id}"


class Messenger(models.TextChoices):
    BALE = "bale", _("Bale")
    EITAA = "eitaa", _("Eitaa")
    RUBIKA = "rubika", _("Rubika")
    TELEGRAM = "telegram", _("Telegram")


class MessengerAccount(models.Model):
    """Where a user is reached on a messenger: the chat id the bot writes to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="messenger_accounts",
        verbose_name=_("user"),
    )
    messenger = models.CharField(_("messenger"), max_length=10, choices=Messenger.choices)
    chat_id = models.CharField(_("chat id"), max_length=100)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["messenger", "id"]
        verbose_name = _("messenger account")
        verbose_name_plural = _("messenger accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "messenger"],
                name="messenger_account_once",
                violation_error_message=_("You already linked an account on this messenger."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_messenger_display()}: {self.chat_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MessengerDelivery(models.Model):
    """One notification sent (or to be sent) to one messenger account."""

    notification = models.ForeignKey(
        "accounts.Notification",
        on_delete=models.CASCADE,
        related_name="messenger_deliveries",
        verbose_name=_("notification"),
    )
    account = models.ForeignKey(
        MessengerAccount,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("messenger account"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("messenger delivery")
        verbose_name_plural = _("messenger deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "account"], name="messenger_delivery_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="messenger_delivery_due",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.account_id}: {self.status}"


class GuideCalendar(models.TextChoices):
    SOLAR = "solar", _("Solar Hijri")
    GREGORIAN = "gregorian", _("Gregorian")


class GuideStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


def guide_upload_to(instance, filename: str) -> str:
    return f"guides/{instance.calendar}-{instance.year}-q{instance.quarter}/{filename}"


class Guide(models.Model):
    calendar = models.CharField(
        _("calendar"), max_length=10, choices=GuideCalendar.choices, default=GuideCalendar.SOLAR
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1300), MaxValueValidator(2200)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    language = models.CharField(_("language"), max_length=7, choices=settings.LANGUAGES)
    starts_on = models.DateField(_("first day"), editable=False)
    ends_on = models.DateField(_("last day"), editable=False)
    introduction = models.TextField(_("introduction"), max_length=20_000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=GuideStatus.choices, default=GuideStatus.DRAFT
    )
    # Private: proofs are read by the committee only; the download view serves the
    # published one to everyone.
    pdf = models.FileField(_("PDF"), upload_to=guide_upload_to, storage=private_storage, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    render_error = models.TextField(_("rendering error"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-starts_on", "language"]
        verbose_name = _("quarterly guide")
        verbose_name_plural = _("quarterly guides")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "year", "quarter", "language"],
                name="guide_once_per_quarter_and_language",
                violation_error_message=_(
                    "There is already a guide for this quarter in this language."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter} ({self.language})"
