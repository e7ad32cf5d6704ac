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

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
