"""Admin for lunar Hijri month starts; registers itself when ``hamafza/core/admin.py`` imports it.

Every save goes through ``hijri_month_start_correct`` so that only
coordinators correct months, each month keeps 29 or 30 days, and every
process reloads its month tables after the change.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from hamafza.core.admin_base import CoordinatorAdminMixin
from hamafza.core.models import HijriMonthStart
from hamafza.core.services import hijri_month_start_check, hijri_month_start_correct


class HijriMonthStartForm(forms.ModelForm):
    class Meta:
        model = HijriMonthStart
        fields = ["region", "year", "month", "starts_on", "note"]

    def clean(self):
        """Show a month-length error beside the field rather than failing on save."""
        cleaned = super().clean()
        instance = self.instance
        region = cleaned.get("region", instance.region)
        year = cleaned.get("year", instance.year)
        month = cleaned.get("month", instance.month)
        starts_on = cleaned.get("starts_on")
        if region and year and month and starts_on:
            try:
                hijri_month_start_check(region=region, year=year, month=month, starts_on=starts_on)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(HijriMonthStart)
class HijriMonthStartAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    form = HijriMonthStartForm
    list_display = ("region", "year", "month", "starts_on", "corrected", "note")
    list_filter = ("region", "corrected", "year")
    ordering = ("region", "year", "month")
    search_fields = ("note",)
    date_hierarchy = "starts_on"
    list_per_page = 48

    def get_readonly_fields(self, request, obj=None):
        # A row names one month of one region for good; only its start changes.
        if obj is not None:
            return ("region", "year", "month", "corrected")
        return ("corrected",)

    def has_delete_permission(self, request, obj=None) -> bool:
        # A deleted month would silently fall back to Umm al-Qura; correct it instead.
        return False

    def save_model(self, request, obj, form, change) -> None:
        row = hijri_month_start_correct(
            actor=request.user,
            region=obj.region,
            year=obj.year,
            month=obj.month,
            starts_on=obj.starts_on,
            note=obj.note,
        )
        obj.pk, obj.corrected = row.pk, row.corrected
