"""Reads of the quarterly guides, shared by the pages and the API."""

from django.db.models import QuerySet

from hamafza.core.permissions import is_coordinator

from .models import Guide, GuideStatus


def guides_visible(user) -> QuerySet[Guide]:
    """Published guides for everyone; every guide for the editorial committee (coordinators).
    The newest quarter first."""
    queryset = Guide.objects.all()
    if not is_coordinator(user):
        queryset = queryset.filter(status=GuideStatus.PUBLISHED)
    return queryset.order_by("-starts_on", "calendar", "language", "-id")


def guide_get(*, pk: int, user) -> Guide:
    """The guide, if ``user`` may read it (``Guide.DoesNotExist`` otherwise)."""
    return guides_visible(user).select_related("approved_by").get(pk=pk)
