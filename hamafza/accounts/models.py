from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from hamafza.core.calendars import Calendar
from hamafza.core.models import LunarRegion


class User(AbstractUser):
    """A person who signs in. Their roles in organizations live in directory memberships."""

    is_coordinator = models.BooleanField(
        _("network coordinator"),
        default=False,
        help_text=_("Coordinators of a central office oversee and may edit the whole network."),
    )
    calendar = models.CharField(
        _("calendar"),
        max_length=10,
        choices=Calendar.choices,
        blank=True,
        help_text=_("Leave empty to follow the language."),
    )
    lunar_region = models.CharField(
        _("lunar Hijri region"),
        max_length=2,
        choices=LunarRegion.choices,
        blank=True,
        help_text=_("The region whose observed month starts are used for lunar Hijri dates."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    language = models.CharField(
        _("language"),
        max_length=7,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of notifications and e-mail. Leave empty for the site's."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Notification(models.Model):
    """A message to one user, shown in the site and sent by e-mail.

    ``key`` names the event it is about (e.g. ``agreement-renewal:12:2027-03-01``):
    a user gets each event once, however often the reminders run.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    key = models.CharField(_("event"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), max_length=4000, blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
