"""Follow-ups are read here, with their history; they change in the pages (services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.core.admin_base import ReadOnlyAdminMixin
from hamafza.followups.models import FollowUp, FollowUpNote


class NoteInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FollowUpNote
    extra = 0


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("number", "text", "owner_organization", "due_on", "status")
    list_filter = ("status", "source_type")
    search_fields = ("text", "search_key")
    list_select_related = ("owner_organization",)
    inlines = [NoteInline]
