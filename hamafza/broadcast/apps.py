from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BroadcastConfig(AppConfig):
    name = "hamafza.broadcast"
    verbose_name = _("Broadcasting")
    default_auto_field = "django.db.models.BigAutoField"
