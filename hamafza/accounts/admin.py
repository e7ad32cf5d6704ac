from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from hamafza.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Hamafza"), {"fields": ("is_coordinator", "calendar", "lunar_region", "time_zone")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_coordinator", "is_staff")
    list_filter = ("is_coordinator", "is_staff", "is_superuser", "is_active")
