"""Admin for coordinators.

Posts are read here and written in the news pages, whose services clean the body and hold the
rules; the admin's actions call the same services: withdraw selected posts (back to drafts),
and delete them (with their versions in other languages and their pictures).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hamafza.core.admin_base import ReadOnlyAdminMixin
from hamafza.core.permissions import is_coordinator
from hamafza.publishing import services_follows, services_guides, services_posts
from hamafza.publishing.models import (
    DeliveryStatus,
    Follow,
    Guide,
    GuideStatus,
    MessengerAccount,
    MessengerDelivery,
    Post,
)


def _each(modeladmin, request, rows, write) -> int:
    """Call ``write(row)`` for each row; report refusals row by row. Returns how many were done."""
    done = 0
    for row in rows:
        try:
            write(row)
        except (PermissionDenied, ValidationError) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            modeladmin.message_user(request, f"{row}: {reason}", messages.ERROR)
        else:
            done += 1
    return done


@admin.action(description=_("Withdraw the selected posts (make them drafts)"))
def posts_withdraw(modeladmin, request, queryset):
    done = _each(
        modeladmin,
        request,
        queryset,
        lambda post: services_posts.post_update(actor=request.user, post=post, publish_at=None),
    )
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d post was withdrawn.", "%(count)d posts were withdrawn.", done)
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(Post)
class PostAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "organization",
        "kind",
        "language",
        "publish_at",
        "announced_at",
        "page_link",
    )
    list_filter = ("kind", "language", ("organization", admin.EmptyFieldListFilter))
    search_fields = ("title", "search_key", "organization__name")
    list_select_related = ("organization",)
    date_hierarchy = "publish_at"
    actions = [posts_withdraw]
    readonly_fields = (
        "organization",
        "kind",
        "language",
        "translation_of",
        "title",
        "summary",
        "body",
        "image",
        "image_alt",
        "publish_at",
        "announced_at",
        "author",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields

    @admin.display(description=_("page"))
    def page_link(self, post):
        return format_html(
            '<a href="{}">{}</a>', reverse("publishing:post-detail", args=[post.pk]), _("open")
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def delete_model(self, request, obj) -> None:
        services_posts.post_delete(actor=request.user, post=obj)

    def delete_queryset(self, request, queryset) -> None:
        # A translation may already be gone with its original.
        for post in list(queryset):
            if Post.objects.filter(pk=post.pk).exists():
                services_posts.post_delete(actor=request.user, post=post)


# --- the quarterly guide ---------------------------------------------------------------------


@admin.register(Guide)
class GuideAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Guides are read here; the committee writes, approves and publishes them on their pages,
    whose services hold the rules. A draft may be deleted here, through the same service."""

    list_display = (
        "__str__",
        "calendar",
        "starts_on",
        "ends_on",
        "status",
        "rendered_at",
        "published_at",
        "guide_page_link",
    )
    list_filter = ("status", "calendar", "language")
    date_hierarchy = "starts_on"
    readonly_fields = (
        "calendar",
        "year",
        "quarter",
        "language",
        "starts_on",
        "ends_on",
        "introduction",
        "status",
        "pdf",
        "rendered_at",
        "render_error",
        "approved_by",
        "approved_at",
        "published_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields

    @admin.display(description=_("page"))
    def guide_page_link(self, guide):
        return format_html(
            '<a href="{}">{}</a>', reverse("publishing:guide-detail", args=[guide.pk]), _("open")
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None:
            return is_coordinator(request.user)
        return obj.status == GuideStatus.DRAFT and services_guides.guide_policy.allows(
            request.user, "delete", obj
        )

    def delete_model(self, request, obj) -> None:
        services_guides.guide_delete(actor=request.user, guide=obj)

    def delete_queryset(self, request, queryset) -> None:
        _each(
            self,
            request,
            queryset,
            lambda guide: services_guides.guide_delete(actor=request.user, guide=guide),
        )


# --- following and messenger deliveries ------------------------------------------------------


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who follows which organization. Follows are their users' own: read here only."""

    list_display = ("user", "organization", "created_at")
    search_fields = ("user__username", "organization__name", "organization__search_key")
    list_select_related = ("user", "organization")
    date_hierarchy = "created_at"
    fields = readonly_fields = ("user", "organization", "created_at")


@admin.register(MessengerAccount)
class MessengerAccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Where users are told on messengers; linked and removed by the users themselves."""

    list_display = ("user", "messenger", "chat_id", "created_at")
    list_filter = ("messenger",)
    search_fields = ("user__username", "chat_id")
    list_select_related = ("user",)
    fields = readonly_fields = ("user", "messenger", "chat_id", "created_at")


@admin.action(description=_("Send the selected failed deliveries again"))
def deliveries_retry(modeladmin, request, queryset):
    try:
        retried = services_follows.deliveries_retry(actor=request.user, deliveries=queryset)
    except PermissionDenied as error:
        modeladmin.message_user(request, str(error), messages.ERROR)
        return
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d delivery will be sent again.",
            "%(count)d deliveries will be sent again.",
            retried,
        )
        % {"count": retried},
        messages.SUCCESS,
    )


@admin.register(MessengerDelivery)
class MessengerDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each notification sent (or waiting, or failed) on a messenger, with its last error:
    where an operator sees that a token or a chat id is wrong."""

    list_display = ("notification", "account", "status", "attempts", "error_short", "sent_at")
    list_filter = ("status", "account__messenger")
    search_fields = ("account__user__username", "account__chat_id", "error")
    list_select_related = ("notification", "account__user")
    date_hierarchy = "created_at"
    actions = [deliveries_retry]
    fields = readonly_fields = (
        "notification",
        "account",
        "status",
        "attempts",
        "error",
        "sent_at",
        "created_at",
    )

    @admin.display(description=_("last error"))
    def error_short(self, delivery) -> str:
        if delivery.status == DeliveryStatus.SENT:
            return ""
        return delivery.error[:80]
