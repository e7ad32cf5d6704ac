"""Following organizations and telling followers: the one write path for follows, messenger
accounts, announcements and messenger deliveries.

A follower hears of an organization's new posts and of its public broadcasts about to start:
in the site and by e-mail (``accounts.services.notification_send``, once per event and user),
and on every messenger account they linked whose messenger the operator turned on (one
``MessengerDelivery`` each, sent after commit by ``tasks.messenger_deliveries_send``).

Concurrency: a post is announced once because the announcement first claims it with a
conditional UPDATE (``announced_at IS NULL``) in the same transaction as the notifications;
two runners at once see one claim succeed. A notification is unique per user and event, and a
delivery is created only for a notification made now, so a broadcast told twice at once still
reaches each follower once. A delivery is claimed before its send with a conditional UPDATE
that stamps ``sent_at`` as a lease (a pending row whose ``sent_at`` is recent is being sent);
the lease runs out after the messenger timeout, so a sender that died is retried later.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hamafza.accounts.models import Notification
from hamafza.core.calendars import date_format
from hamafza.core.permissions import is_coordinator
from hamafza.core.preferences import calendar_default, lunar_region_default
from hamafza.core.text import digits_localize, digits_to_ascii

from . import selectors_follows as selectors
from .messengers import MessengerError, client_for, messengers_on
from .models import (
    DeliveryStatus,
    Follow,
    Messenger,
    MessengerAccount,
    MessengerDelivery,
    Post,
    PostKind,
)
from .policies import FollowPolicy, MessengerAccountPolicy
from .sanitize import html_text

logger = logging.getLogger(__name__)

follow_policy = FollowPolicy()
messenger_account_policy = MessengerAccountPolicy()

# What a chat id may hold: Telegram's and Bale's are numbers (negative for groups), Eitaa's a
# number or @name, Rubika's a string of letters and digits.
CHAT_ID = re.compile(r"^@?-?[A-Za-z0-9_]{1,99}$")
SUMMARY_WORDS = 60
DELIVERIES_PER_RUN = 200
# Followers read, and their deliveries written, this many at a time.
CHUNK = 500


# --- follows ---------------------------------------------------------------------------------


def follow_create(*, actor, organization) -> Follow:
    """``actor`` follows ``organization``. Following it again is refused with a message."""
    follow_policy.check(actor, "add", organization)
    refused = ValidationError(
        {"organization": _("You already follow this organization.")}, code="duplicate"
    )
    if Follow.objects.filter(user=actor, organization=organization).exists():
        raise refused
    try:
        with transaction.atomic():
            return Follow.objects.create(user=actor, organization=organization)
    except IntegrityError:
        # Two requests at once: the other one made it.
        raise refused from None


def follow_delete(*, actor, follow: Follow) -> None:
    follow_policy.check(actor, "delete", follow)
    follow.delete()


# --- messenger accounts ----------------------------------------------------------------------


def messenger_account_add(*, actor, messenger: str, chat_id: str) -> MessengerAccount:
    """Link ``actor``'s account on ``messenger`` (turned on by the operator) by its chat id."""
    messenger_account_policy.check(actor, "add")
    chat_id = digits_to_ascii(str(chat_id or "")).strip()
    errors: dict[str, str] = {}
    if messenger not in Messenger.values:
        errors["messenger"] = _("Choose a messenger from the list.")
    elif messenger not in messengers_on():
        errors["messenger"] = _("This messenger is not in use on this site.")
    if not chat_id:
        errors["chat_id"] = _("Enter your chat id.")
    elif not CHAT_ID.match(chat_id):
        errors["chat_id"] = _(
            "A chat id is a number, or letters, digits and underscores (up to 100)."
        )
    if errors:
        raise ValidationError(errors)
    refused = ValidationError(
        {"messenger": _("You already linked an account on this messenger.")}, code="duplicate"
    )
    if MessengerAccount.objects.filter(user=actor, messenger=messenger).exists():
        raise refused
    try:
        with transaction.atomic():
            return MessengerAccount.objects.create(user=actor, messenger=messenger, chat_id=chat_id)
    except IntegrityError:
        raise refused from None


def messenger_account_remove(*, actor, account: MessengerAccount) -> None:
    """Unlink the account; its deliveries not yet sent go with it."""
    messenger_account_policy.check(actor, "delete", account)
    account.delete()


# --- telling followers -----------------------------------------------------------------------


def _deliveries_enqueue() -> None:
    from .tasks import messenger_deliveries_send

    messenger_deliveries_send.enqueue(limit=DELIVERIES_PER_RUN)


def followers_tell(
    *,
    organization,
    key: str,
    title_for: Callable[[object], str],
    body_for: Callable[[object], str],
    url: str,
) -> int:
    """Tell every active follower of ``organization`` of the event ``key``, once each.

    ``title_for(user)`` and ``body_for(user)`` are called with the follower's language active
    (``user.language``, else the site's), so they translate and pick the right version. Each
    follower gets a notification (in the site and by e-mail), and one messenger delivery per
    linked account on a messenger that is on; deliveries are sent by a task after commit.
    Followers already told of ``key`` are skipped. Returns how many were told now.
    """
    from django.contrib.auth import get_user_model

    from hamafza.accounts.services import notification_send

    on = messengers_on()
    told_already = Notification.objects.filter(user_id=OuterRef("pk"), key=key[:200])
    followers = (
        get_user_model()
        .objects.filter(follows__organization=organization, is_active=True)
        .filter(~Exists(told_already))
        .prefetch_related(
            Prefetch(
                "messenger_accounts",
                queryset=MessengerAccount.objects.filter(messenger__in=on),
                to_attr="accounts_on",
            )
        )
        .order_by("pk")
    )
    told = 0
    reached: dict[int, list[MessengerAccount]] = {}
    with transaction.atomic():
        for user in followers.iterator(chunk_size=CHUNK):
            with translation.override(user.language or settings.LANGUAGE_CODE):
                title, body = str(title_for(user)), str(body_for(user))
            if notification_send(user=user, key=key, title=title, body=body, url=url):
                told += 1
                if user.accounts_on:
                    reached[user.pk] = user.accounts_on
        user_ids = list(reached)
        for start in range(0, len(user_ids), CHUNK):
            notifications = Notification.objects.filter(
                user_id__in=user_ids[start : start + CHUNK], key=key[:200]
            ).values_list("pk", "user_id")
            MessengerDelivery.objects.bulk_create(
                [
                    MessengerDelivery(notification_id=pk, account=account)
                    for pk, user_id in notifications
                    for account in reached[user_id]
                ],
                ignore_conflicts=True,
            )
        if reached:
            transaction.on_commit(_deliveries_enqueue)
    return told


def _plain(text: str, words: int = SUMMARY_WORDS) -> str:
    """A post's body as plain text (entities decoded, blocks apart), cut to ``words``."""
    return Truncator(html_text(text or "")).words(words)


def post_announce(*, post: Post, now: datetime.datetime | None = None) -> int:
    """Tell the followers of the post's organization that it is out, once; returns how many.

    Only a post already public is announced. Network posts (no organization) are told to
    nobody: people follow organizations, not the network; they are marked announced all the
    same. A translation is not announced on its own: followers hear of the original, in the
    version of their language when one is public.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Post.objects.filter(
            pk=post.pk, announced_at__isnull=True, publish_at__isnull=False, publish_at__lte=now
        ).update(announced_at=now)
        if not claimed:
            return 0
        post.announced_at = now
        if post.organization_id is None or post.translation_of_id is not None:
            return 0
        versions = {post.language: post}
        for version in Post.objects.filter(translation_of=post, publish_at__lte=now):
            versions[version.language] = version

        def version_for(user) -> Post:
            return versions.get(translation.get_language(), post)

        organization = post.organization

        def title_for(user) -> str:
            values = {
                "organization": organization.display_name(translation.get_language()),
                "title": version_for(user).title,
            }
            if post.kind == PostKind.ANNOUNCEMENT:
                return _("Announcement from %(organization)s: %(title)s") % values
            return _("News from %(organization)s: %(title)s") % values

        def body_for(user) -> str:
            version = version_for(user)
            return version.summary or _plain(version.body)

        return followers_tell(
            organization=organization,
            key=f"{selectors.POST_KEY}{post.pk}",
            title_for=title_for,
            body_for=body_for,
            url=reverse("publishing:post-detail", args=[post.pk]),
        )


def _when(user, at: datetime.datetime) -> str:
    """``at`` for ``user``: their zone, calendar and the active language's digits."""
    import zoneinfo

    language = translation.get_language()
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone or settings.HAMAFZA_DEFAULT_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.HAMAFZA_DEFAULT_TIME_ZONE)
    local = timezone.localtime(at, zone)
    with timezone.override(zone):
        day = date_format(
            local,
            calendar=user.calendar or calendar_default(language),
            language=language,
            region=user.lunar_region or lunar_region_default(language),
            with_weekday=True,
        )
    return _("%(date)s at %(time)s") % {
        "date": day,
        "time": digits_localize(local.strftime("%H:%M"), language),
    }


def broadcast_announce(*, broadcast, now: datetime.datetime | None = None) -> int:
    """Tell the followers of the channel's organization that a public broadcast is coming.

    Members-only channels, inactive channels and broadcasts no longer scheduled are told to
    nobody. Each follower is told once (``broadcast-upcoming:<id>``); one who follows later,
    before the start, is told on the next run. Returns how many were told now.
    """
    from hamafza.broadcast.models import BroadcastStatus, Visibility

    now = now or timezone.now()
    channel = broadcast.channel
    if (
        channel.visibility != Visibility.PUBLIC
        or not channel.is_active
        or broadcast.status != BroadcastStatus.SCHEDULED
        or broadcast.scheduled_start is None
        or broadcast.scheduled_start < now
    ):
        return 0
    organization = channel.organization

    def title_for(user) -> str:
        language = translation.get_language()
        return _("%(organization)s will broadcast “%(title)s”") % {
            "organization": organization.display_name(language),
            "title": broadcast.display_title(language),
        }

    def body_for(user) -> str:
        starts = _("It starts on %(when)s.") % {"when": _when(user, broadcast.scheduled_start)}
        if broadcast.speaker:
            return f"{broadcast.speaker}\n{starts}"
        return starts

    return followers_tell(
        organization=organization,
        key=f"{selectors.BROADCAST_KEY}{broadcast.pk}",
        title_for=title_for,
        body_for=body_for,
        url=reverse("broadcast:player", args=[broadcast.pk]),
    )


def announcements_due_send(*, now: datetime.datetime | None = None) -> int:
    """Announce every post now public and every public broadcast about to start. Each is
    claimed or checked on its own, so this may run any time, in several processes at once.
    Returns how many followers were told."""
    now = now or timezone.now()
    told = 0
    for post in selectors.posts_due(now=now).iterator(chunk_size=200):
        told += post_announce(post=post, now=now)
    for broadcast in selectors.broadcasts_due(now=now).iterator(chunk_size=200):
        told += broadcast_announce(broadcast=broadcast, now=now)
    return told


# --- messenger deliveries --------------------------------------------------------------------


def _lease_seconds() -> float:
    return float(settings.HAMAFZA_MESSENGER_TIMEOUT) + 60


def _message(notification) -> tuple[str, str]:
    text = "\n\n".join(part for part in (notification.title, notification.body) if part)
    url = notification.url
    if url and url.startswith("/"):
        url = f"{settings.HAMAFZA_SITE_URL.rstrip('/')}{url}"
    return text, url


def deliveries_send(*, limit: int = DELIVERIES_PER_RUN) -> int:
    """Send up to ``limit`` pending deliveries through their messengers; returns how many went.

    A success marks the delivery sent. A failure counts an attempt and keeps the error; after
    ``HAMAFZA_MESSENGER_ATTEMPTS`` attempts the delivery is failed for good. Deliveries on a
    messenger that is off stay pending until it is turned on again.
    """
    on = messengers_on()
    clients = {messenger: client_for(messenger) for messenger in on}
    attempts_max = max(1, int(settings.HAMAFZA_MESSENGER_ATTEMPTS))
    sent = 0
    for delivery in selectors.deliveries_due(
        messengers=on, limit=limit, lease_seconds=_lease_seconds()
    ):
        started = timezone.now()
        lease_free = Q(sent_at__isnull=True) | Q(
            sent_at__lt=started - datetime.timedelta(seconds=_lease_seconds())
        )
        claimed = (
            MessengerDelivery.objects.filter(lease_free, pk=delivery.pk)
            .filter(status=DeliveryStatus.PENDING)
            .update(sent_at=started, attempts=F("attempts") + 1)
        )
        if not claimed:
            continue
        attempts = delivery.attempts + 1
        text, url = _message(delivery.notification)
        client = clients[delivery.account.messenger]
        try:
            client.send(chat_id=delivery.account.chat_id, text=text, url=url)
        except MessengerError as error:
            failed = attempts >= attempts_max
            MessengerDelivery.objects.filter(pk=delivery.pk).update(
                sent_at=None,
                error=error.reason[:2000],
                status=DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING,
            )
            logger.warning(
                "messenger delivery %s (%s) failed, attempt %s%s: %s",
                delivery.pk,
                delivery.account.messenger,
                attempts,
                " (giving up)" if failed else "",
                error.reason,
            )
            continue
        MessengerDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
        )
        sent += 1
    return sent


def deliveries_retry(*, actor, deliveries) -> int:
    """Send failed deliveries again from the first attempt (say, after the operator fixed a
    messenger's token); their last error stays until the next try. Coordinators only."""
    if not is_coordinator(actor):
        raise PermissionDenied(_("You do not have permission to do this."))
    ids = [delivery.pk for delivery in deliveries]
    retried = MessengerDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, sent_at=None
    )
    if retried:
        transaction.on_commit(_deliveries_enqueue)
    return retried
