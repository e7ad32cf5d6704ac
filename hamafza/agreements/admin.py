"""Admin for coordinators: kinds of agreement are edited here; everything else is read here
(with its history) and changed in the pages, whose services hold the rules."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementTransition,
    Appointment,
    Committee,
    Prospect,
    ReviewRound,
)
from hamafza.core.admin_base import CoordinatorAdminMixin, ReadOnlyAdminMixin


@admin.register(AgreementKind)
class AgreementKindAdmin(CoordinatorAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "weight")
    ordering = ("-weight", "code")


class PartyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgreementParty
    extra = 0


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgreementTransition
    fk_name = "agreement"
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "title", "kind", "scope", "province", "state", "expires_on")
    list_filter = ("state", "kind", "scope")
    search_fields = ("code", "title", "search_key")
    list_select_related = ("kind", "province")
    inlines = [PartyInline, TransitionInline]


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "agreement", "status", "established_on")
    list_filter = ("status",)
    list_select_related = ("agreement",)


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("decree_number", "person", "issuer", "host", "valid_from", "valid_to")
    search_fields = ("decree_number", "role")
    list_select_related = ("person", "issuer", "host")


@admin.register(Prospect)
class ProspectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "owner", "status", "expected_benefit")
    list_filter = ("status",)
    list_select_related = ("organization", "owner")


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "owner", "opened_on", "due_on", "closed_on")
