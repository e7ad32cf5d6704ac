"""Admin for coordinators.

Occasions (the network's shared calendar) are edited here; a save goes
through ``services.occasion_save``, so that the same rules apply as
elsewhere and the occasion's dates are recomputed at once. Occasion dates
and occurrences are derived data and only read. Events, series, courses and
enrolments are read here and changed in the pages, whose services hold the
rules; an event may be cancelled from its list, through ``event_cancel``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hamafza.core.admin_base import CoordinatorAdminMixin, ReadOnlyAdminMixin
from hamafza.events import services
from hamafza.events.models import (
    Course,
    CourseSession,
    Enrolment,
    Event,
    EventSeries,
    EventStatus,
    Occasion,
    OccasionDate,
    Occurrence,
)


class OccasionDateInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OccasionDate
    extra = 0
    fields = ("region", "hijri_year", "starts_on", "ends_on", "sequence")
    readonly_fields = fields
    ordering = ("hijri_year", "region")


@admin.register(Occasion)
class OccasionAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "month", "day", "last_day", "eve", "is_active")
    list_filter = ("kind", "month", "is_active")
    search_fields = ("name", "slug", "search_key")
    ordering = ("month", "day", "id")
    fields = (
        "slug",
        "name",
        "names",
        "kind",
        "month",
        "day",
        "last_day",
        "eve",
        "length_days",
        "description",
        "is_active",
    )
    inlines = [OccasionDateInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Events point to their occasion and calendars subscribe to its dates: switch it off
        # ("shown") instead.
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            values = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.OCCASION_FIELDS
            }
            saved = services.occasion_save(
                actor=request.user, occasion=Occasion.objects.get(pk=obj.pk), **values
            )
        else:
            values = {
                name: value
                for name, value in form.cleaned_data.items()
                if name in services.OCCASION_FIELDS
            }
            saved = services.occasion_save(actor=request.user, **values)
        obj.pk = saved.pk


@admin.register(OccasionDate)
class OccasionDateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occasion", "region", "hijri_year", "starts_on", "ends_on", "sequence")
    list_filter = ("region", "hijri_year")
    search_fields = ("occasion__name", "occasion__slug")
    list_select_related = ("occasion",)
    date_hierarchy = "starts_on"


class OccurrenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = ("key", "starts_at", "ends_at", "sequence", "cancelled")
    readonly_fields = fields
    ordering = ("starts_at",)


@admin.action(description=_("Cancel the selected events"))
def events_cancel(modeladmin, request, queryset):
    cancelled = 0
    for event in queryset.exclude(status=EventStatus.CANCELLED):
        try:
            services.event_cancel(actor=request.user, event=event)
        except (PermissionDenied, ValidationError) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            modeladmin.message_user(request, f"{event}: {reason}", messages.ERROR)
        else:
            cancelled += 1
    if cancelled:
        modeladmin.message_user(
            request,
            ngettext("%(count)d event cancelled.", "%(count)d events cancelled.", cancelled)
            % {"count": cancelled},
            messages.SUCCESS,
        )


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "organizer", "starts_at", "recurrence", "status")
    list_filter = ("status", "kind", "recurrence", "lunar_region")
    search_fields = ("name", "search_key")
    list_select_related = ("organizer",)
    date_hierarchy = "starts_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [events_cancel]
    inlines = [OccurrenceInline]


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("event", "key", "starts_at", "ends_at", "sequence", "cancelled")
    list_filter = ("cancelled",)
    search_fields = ("event__name", "key")
    list_select_related = ("event",)
    date_hierarchy = "starts_at"


class EditionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Event
    fk_name = "series"
    extra = 0
    fields = ("edition", "name", "starts_at", "status")
    readonly_fields = fields
    ordering = ("edition",)


@admin.register(EventSeries)
class EventSeriesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organizer", "created_at")
    search_fields = ("name", "search_key")
    list_select_related = ("organizer",)
    inlines = [EditionInline]


class SessionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CourseSession
    extra = 0
    fields = ("number", "topic", "starts_at", "ends_at")
    readonly_fields = fields


@admin.register(Course)
class CourseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("event", "audience", "capacity", "seats_taken", "enrolment_closes_on")
    list_filter = ("audience",)
    search_fields = ("event__name",)
    list_select_related = ("event",)
    inlines = [SessionInline]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("person", "course", "organization", "status", "applied_at")
    list_filter = ("status",)
    search_fields = ("person__name", "certificate_number")
    list_select_related = ("person", "organization", "course__event")
