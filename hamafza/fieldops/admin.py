"""Admin for coordinators.

Groups, camps, distributions and service points are read here and changed in
the pages, whose services hold the rules. A few actions call those services:
recompute groups' activity status, approve camps, set points' status.
Campaigns are edited here too; a save goes through ``campaign_create`` or
``campaign_update``. Activity rows are derived data and only read.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hamafza.core.admin_base import CoordinatorAdminMixin, ReadOnlyAdminMixin
from hamafza.fieldops import services
from hamafza.fieldops.models import (
    Camp,
    Campaign,
    CampPhoto,
    CampService,
    CampStatus,
    Distribution,
    GroupActivity,
    PointStatus,
    ServicePoint,
    VolunteerGroup,
)


def _each(modeladmin, request, rows, write, done_message) -> None:
    """Call ``write(row)`` for each row; report refusals row by row and the count done."""
    done = 0
    for row in rows:
        try:
            write(row)
        except (PermissionDenied, ValidationError) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            modeladmin.message_user(request, f"{row}: {reason}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


# --- groups ----------------------------------------------------------------------------------


@admin.action(description=_("Recompute the activity status of the selected groups"))
def groups_refresh(modeladmin, request, queryset):
    changed = services.groups_activity_refresh(groups=list(queryset.values_list("pk", flat=True)))
    modeladmin.message_user(
        request,
        ngettext("%(count)d group changed status.", "%(count)d groups changed status.", changed)
        % {"count": changed},
        messages.SUCCESS,
    )


class ActivityInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = GroupActivity
    extra = 0
    fields = ("on", "source", "field", "description")
    readonly_fields = fields
    ordering = ("-on",)


@admin.register(VolunteerGroup)
class VolunteerGroupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "registration_number",
        "organization",
        "sponsor",
        "size",
        "activity_status",
        "active_quarters",
        "last_active_on",
    )
    list_filter = ("activity_status",)
    search_fields = ("registration_number", "organization__name", "organization__search_key")
    list_select_related = ("organization", "sponsor")
    actions = [groups_refresh]
    inlines = [ActivityInline]


@admin.register(GroupActivity)
class GroupActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("group", "on", "source", "field")
    list_filter = ("source",)
    search_fields = ("group__registration_number", "group__organization__name")
    list_select_related = ("group__organization", "field")
    date_hierarchy = "on"


# --- camps -----------------------------------------------------------------------------------


@admin.action(description=_("Approve the selected camps"))
def camps_approve(modeladmin, request, queryset):
    _each(
        modeladmin,
        request,
        queryset.filter(status=CampStatus.SUBMITTED).select_related("group"),
        lambda camp: services.camp_decide(actor=request.user, camp=camp, approve=True),
        lambda count: (
            ngettext("%(count)d camp approved.", "%(count)d camps approved.", count)
            % {"count": count}
        ),
    )


class CampServiceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CampService
    extra = 0
    fields = ("name", "quantity", "unit")
    readonly_fields = fields


class CampPhotoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CampPhoto
    extra = 0
    fields = ("image", "caption")
    readonly_fields = fields


@admin.register(Camp)
class CampAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "group",
        "field",
        "starts_on",
        "ends_on",
        "province",
        "volunteers",
        "beneficiaries",
        "status",
    )
    list_filter = ("status", "province", "field")
    search_fields = ("group__registration_number", "group__organization__name", "village")
    list_select_related = ("group__organization", "field", "province")
    date_hierarchy = "starts_on"
    actions = [camps_approve]
    inlines = [CampServiceInline, CampPhotoInline]


# --- campaigns and distributions -------------------------------------------------------------


@admin.register(Campaign)
class CampaignAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organizer", "starts_on", "ends_on")
    search_fields = ("name", "search_key")
    list_select_related = ("organizer",)
    autocomplete_fields = ("organizer",)
    fields = ("name", "names", "organizer", "starts_on", "ends_on", "description")
    date_hierarchy = "starts_on"

    def get_readonly_fields(self, request, obj=None):
        # The organizer is chosen once: its staff record the campaign's distributions.
        return ("organizer",) if obj else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        # Distributions point to their campaign.
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            values = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.CAMPAIGN_FIELDS
            }
            saved = services.campaign_update(
                actor=request.user, campaign=Campaign.objects.get(pk=obj.pk), **values
            )
        else:
            values = {
                name: value
                for name, value in form.cleaned_data.items()
                if name in services.CAMPAIGN_FIELDS
            }
            saved = services.campaign_create(
                actor=request.user, organizer=form.cleaned_data["organizer"], **values
            )
        obj.pk = saved.pk


@admin.register(Distribution)
class DistributionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "campaign",
        "group",
        "package_kind",
        "quantity",
        "households",
        "province",
        "place",
        "distributed_on",
    )
    list_filter = ("package_kind", "province", "campaign")
    search_fields = ("campaign__name", "group__organization__name", "place")
    list_select_related = ("campaign", "group__organization", "province")
    date_hierarchy = "distributed_on"


# --- service points --------------------------------------------------------------------------


def _status_action(status: str, description):
    def action(modeladmin, request, queryset):
        _each(
            modeladmin,
            request,
            queryset.exclude(status=status),
            lambda point: services.service_point_status_set(
                actor=request.user, point=point, status=status
            ),
            lambda count: (
                ngettext("%(count)d point updated.", "%(count)d points updated.", count)
                % {"count": count}
            ),
        )

    action.__name__ = f"points_{status}"
    return admin.action(description=description)(action)


@admin.register(ServicePoint)
class ServicePointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "operator",
        "country",
        "route",
        "pole",
        "border_crossing",
        "status",
        "status_changed_at",
    )
    list_filter = ("status", "kind", "country", "route", "border_crossing")
    search_fields = ("name", "search_key")
    list_select_related = ("operator", "country")
    actions = [
        _status_action(PointStatus.OPEN, _("Mark the selected points open")),
        _status_action(PointStatus.FULL, _("Mark the selected points full")),
        _status_action(PointStatus.CLOSED, _("Mark the selected points closed")),
    ]
