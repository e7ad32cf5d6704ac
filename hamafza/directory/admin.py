"""Admin for coordinators. Saves go through the services, so the same rules apply."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.core.admin_base import CoordinatorAdminMixin
from hamafza.directory import services
from hamafza.directory.models import (
    ActivityField,
    Membership,
    Organization,
    OrganizationRelation,
    Person,
)


class MembershipInline(CoordinatorAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person",)


class RelationInline(CoordinatorAdminMixin, admin.TabularInline):
    model = OrganizationRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ("target",)


@admin.register(Organization)
class OrganizationAdmin(CoordinatorAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "country", "province", "is_active", "last_active_on")
    list_filter = ("kind", "is_active", "country")
    search_fields = ("name", "short_name", "search_key")
    list_select_related = ("country", "province")
    autocomplete_fields = ("country", "province", "city", "parent")
    filter_horizontal = ("languages", "fields")
    readonly_fields = ("search_key", "created_at", "updated_at")
    inlines = [MembershipInline, RelationInline]

    def save_model(self, request, obj, form, change):
        values = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.ORGANIZATION_FIELDS
        }
        if change:
            saved = services.organization_update(
                actor=request.user, organization=Organization.objects.get(pk=obj.pk), **values
            )
        else:
            saved = services.organization_create(actor=request.user, **values)
        obj.pk = saved.pk


@admin.register(OrganizationRelation)
class RelationAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    list_display = ("source", "kind", "target", "starts_on", "ends_on")
    list_filter = ("kind",)
    autocomplete_fields = ("source", "target")
    list_select_related = ("source", "target")


@admin.register(Person)
class PersonAdmin(CoordinatorAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "honorific", "email", "user")
    search_fields = ("name", "search_key", "email")
    autocomplete_fields = ("user",)
    readonly_fields = ("search_key",)
    inlines = [MembershipInline]


@admin.register(ActivityField)
class ActivityFieldAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "names")
