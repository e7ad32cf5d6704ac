from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldopsConfig(AppConfig):
    name = "hamafza.fieldops"
    verbose_name = _("Field operations")
    default_auto_field = "django.db.models.BigAutoField"
