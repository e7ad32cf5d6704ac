"""Reads of following: who follows what, messenger accounts, and what is due to be told.

Lists cost a fixed number of queries whatever their length (organizations come with their
row; counts are one grouped query).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from hamafza.accounts.models import Notification
from hamafza.broadcast.models import Broadcast
from hamafza.broadcast.selectors import public_broadcasts_starting

from .models import DeliveryStatus, Follow, MessengerAccount, MessengerDelivery, Post

POST_KEY = "post:"
BROADCAST_KEY = "broadcast-upcoming:"


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


# --- follows ---------------------------------------------------------------------------------


def follows_of(*, user) -> QuerySet[Follow]:
    """The user's follows, newest first, each with its organization and country."""
    if not _signed_in(user):
        return Follow.objects.none()
    return Follow.objects.filter(user=user).select_related("organization__country")


def follow_of(*, user, organization_id: int) -> Follow | None:
    """The user's follow of the organization, if any."""
    if not _signed_in(user):
        return None
    return Follow.objects.filter(user=user, organization_id=organization_id).first()


def is_following(*, user, organization_id: int) -> bool:
    if not _signed_in(user):
        return False
    return Follow.objects.filter(user=user, organization_id=organization_id).exists()


def follow_state(*, user, organization_id: int) -> tuple[int, bool]:
    """(how many follow the organization, whether ``user`` is one of them), in one query."""
    mine = Q(user=user) if _signed_in(user) else Q(pk__in=[])
    totals = Follow.objects.filter(organization_id=organization_id).aggregate(
        count=Count("id"), mine=Count("id", filter=mine)
    )
    return totals["count"], bool(totals["mine"])


def follower_counts(*, organization_ids) -> dict[int, int]:
    """Followers per organization, for the given ids (missing ones have none)."""
    rows = (
        Follow.objects.filter(organization_id__in=list(organization_ids))
        .values("organization_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["organization_id"]: row["n"] for row in rows}


def follower_count(*, organization_id: int) -> int:
    return Follow.objects.filter(organization_id=organization_id).count()


# --- messenger accounts ----------------------------------------------------------------------


def messenger_accounts_of(*, user) -> QuerySet[MessengerAccount]:
    if not _signed_in(user):
        return MessengerAccount.objects.none()
    return MessengerAccount.objects.filter(user=user).order_by("messenger", "id")


# --- what is due -----------------------------------------------------------------------------


def posts_due(*, now: datetime.datetime | None = None) -> QuerySet[Post]:
    """Posts public by ``now`` whose followers have not been told, oldest first."""
    now = now or timezone.now()
    return (
        Post.objects.filter(
            publish_at__isnull=False, publish_at__lte=now, announced_at__isnull=True
        )
        .select_related("organization")
        .order_by("publish_at", "id")
    )


def _key_of(prefix: str, outer: OuterRef) -> Concat:
    return Concat(Value(prefix), Cast(outer, output_field=CharField()), output_field=CharField())


def broadcasts_due(*, now: datetime.datetime | None = None) -> QuerySet[Broadcast]:
    """Public broadcasts starting within ``HAMAFZA_BROADCAST_NOTICE_HOURS`` that some follower
    of their organization has not been told of (so someone who follows after the notice still
    hears of it before the start). Broadcasts have no "announced" mark of their own: each
    follower's notification (``broadcast-upcoming:<id>``, unique per user) is the mark, and
    the check is an index lookup per follower."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(hours=settings.HAMAFZA_BROADCAST_NOTICE_HOURS)
    told = Notification.objects.filter(
        user_id=OuterRef("user_id"), key=_key_of(BROADCAST_KEY, OuterRef(OuterRef("pk")))
    )
    untold = Follow.objects.filter(
        organization_id=OuterRef("channel__organization_id"), user__is_active=True
    ).filter(~Exists(told))
    return public_broadcasts_starting(start=now, end=horizon).filter(Exists(untold))


def deliveries_due(
    *, messengers: list[str], limit: int, now: datetime.datetime | None = None, lease_seconds: float
) -> list[MessengerDelivery]:
    """Pending deliveries on the given (turned on) messengers, oldest first, skipping those
    another sender started within the lease."""
    now = now or timezone.now()
    if not messengers:
        return []
    free = Q(sent_at__isnull=True) | Q(sent_at__lt=now - datetime.timedelta(seconds=lease_seconds))
    return list(
        MessengerDelivery.objects.filter(
            free, status=DeliveryStatus.PENDING, account__messenger__in=messengers
        )
        .select_related("notification", "account")
        .order_by("created_at", "id")[:limit]
    )
