from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "hamafza.followups"
    verbose_name = _("Follow-ups")
    default_auto_field = "django.db.models.BigAutoField"
