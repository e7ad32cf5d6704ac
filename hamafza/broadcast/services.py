"""Every change to channels, keys and broadcasts goes through here.

Staff actions take the acting user (``actor``) and check the policy. The
ingest's callbacks (nginx-rtmp, the packager) are trusted code: they are
authenticated by the callback endpoint and act as ``SYSTEM``.

Concurrency: the ingest calls back for one stream from several places at
once (``live`` and ``internal`` both report publish and publish_done;
record_done races publish_done). Each callback locks the broadcast row
(``select_for_update``) before it moves its status, and every transition is
safe to repeat.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamafza.core.rawsql import Columns
from hamafza.directory.models import Organization
from hamafza.directory.services import organization_activity_record

from . import ingest
from .models import (
    ArchiveItem,
    ArchiveStatus,
    Broadcast,
    BroadcastStatus,
    Channel,
    IngestEvent,
    IngestOutcome,
    Recording,
    StreamKey,
    broadcast_id_from_ingest_name,
    channel_id_from_stream_name,
)
from .policies import broadcast_policy, channel_policy, stream_key_policy

log = logging.getLogger(__name__)

KEY_PREFIX = "hz_"
KEY_SHOWN_CHARACTERS = 8

# Why the ingest refused or ended a stream: a code kept on the event, a sentence shown to staff.
REASONS = {
    "malformed": gettext_lazy("The stream name is not of the form c<channel>?key=<key>."),
    "unknown_channel": gettext_lazy("There is no such channel."),
    "channel_inactive": gettext_lazy("The channel is switched off."),
    "unknown_key": gettext_lazy("The stream key is wrong."),
    "other_channel": gettext_lazy("The stream key belongs to another channel."),
    "revoked_key": gettext_lazy("The stream key has been revoked."),
    "expired_key": gettext_lazy("The stream key has expired."),
    "broadcast_over": gettext_lazy("The key's broadcast has ended or was cancelled."),
    "already_live": gettext_lazy("Another encoder is already live on this channel."),
    "unknown_broadcast": gettext_lazy("There is no such broadcast."),
    "not_live": gettext_lazy("The broadcast is not live."),
    "no_audio": gettext_lazy("The stream has no audio; every broadcast needs sound."),
    "unsupported_video": gettext_lazy(
        "The video codec is not supported; send H.264 (AVC) video, or audio alone."
    ),
    "unsupported_audio": gettext_lazy("The audio codec is not supported; send AAC or MP3 audio."),
    "unreadable": gettext_lazy("The stream could not be read."),
    "ended": gettext_lazy("The encoder stopped."),
    "missed_end": gettext_lazy("The ingest no longer has the stream; the broadcast was ended."),
}
SUPPORTED_VIDEO = {"h264"}
SUPPORTED_AUDIO = {"aac", "mp3"}


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))


# --- channels -----------------------------------------------------------------------------

CHANNEL_FIELDS = frozenset({"slug", "name", "names", "description", "visibility", "language"})
CHANNEL_CHANGE_FIELDS = CHANNEL_FIELDS | {"is_active"}


def _apply(instance, values: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for field, value in values.items():
        setattr(instance, field, value)
    return list(values)


def channel_create(*, actor, organization: Organization, **values: Any) -> Channel:
    channel_policy.check(actor, "add", organization)
    channel = Channel(organization=organization)
    _apply(channel, values, CHANNEL_FIELDS)
    with transaction.atomic():
        channel.full_clean()
        channel.save()
    return channel


def channel_update(*, actor, channel: Channel, **values: Any) -> Channel:
    channel_policy.check(actor, "change", channel)
    with transaction.atomic():
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        changed = _apply(locked, values, CHANNEL_CHANGE_FIELDS)
        locked.full_clean()
        locked.save(update_fields=changed or None)
    return locked


def channel_delete(*, actor, channel: Channel) -> None:
    channel_policy.check(actor, "delete", channel)
    if channel.broadcasts.filter(status=BroadcastStatus.LIVE).exists():
        raise ValidationError(_("The channel is live; stop the broadcast first."))
    channel.delete()


# --- stream keys --------------------------------------------------------------------------


def key_hash(secret: str) -> str:
    """Keys are long random strings, so a plain SHA-256 is safe to keep and fast to look up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _key_check(channel: Channel, broadcast: Broadcast | None, expires_at: datetime | None):
    if broadcast is not None and broadcast.channel_id != channel.pk:
        raise ValidationError({"broadcast": _("The broadcast belongs to another channel.")})
    if broadcast is not None and broadcast.status not in (
        BroadcastStatus.SCHEDULED,
        BroadcastStatus.LIVE,
    ):
        raise ValidationError({"broadcast": _("The broadcast has ended or was cancelled.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})


def stream_key_create(
    *,
    actor,
    channel: Channel,
    label: str = "",
    broadcast: Broadcast | None = None,
    expires_at: datetime | None = None,
) -> tuple[StreamKey, str]:
    """A new key for the channel: the row, and the secret (shown once, never stored)."""
    stream_key_policy.check(actor, "add", channel)
    _key_check(channel, broadcast, expires_at)
    secret = KEY_PREFIX + secrets.token_urlsafe(24)
    key = StreamKey(
        channel=channel,
        label=label,
        prefix=secret[: len(KEY_PREFIX) + KEY_SHOWN_CHARACTERS],
        key_hash=key_hash(secret),
        broadcast=broadcast,
        expires_at=expires_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    with transaction.atomic():
        key.full_clean()
        key.save()
    return key, secret


def stream_key_revoke(*, actor, key: StreamKey) -> StreamKey:
    """Revoke a key. A broadcast live with it goes on until the encoder stops."""
    stream_key_policy.check(actor, "change", key)
    StreamKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    key.refresh_from_db(fields=["revoked_at"])
    return key


def stream_key_rotate(*, actor, key: StreamKey) -> tuple[StreamKey, str]:
    """Revoke a key and make its replacement (same label, broadcast and expiry) in one step."""
    stream_key_policy.check(actor, "change", key)
    with transaction.atomic():
        stream_key_revoke(actor=actor, key=key)
        broadcast = key.broadcast
        expires_at = key.expires_at if key.expires_at and key.expires_at > timezone.now() else None
        if broadcast is not None and broadcast.status not in (
            BroadcastStatus.SCHEDULED,
            BroadcastStatus.LIVE,
        ):
            broadcast = None
        return stream_key_create(
            actor=actor,
            channel=key.channel,
            label=key.label,
            broadcast=broadcast,
            expires_at=expires_at,
        )


def publish_address(channel: Channel) -> tuple[str, str]:
    """What an encoder is given: the server URL and the stream name (without the key)."""
    return settings.HAMAFZA_INGEST_PUBLIC_URL, channel.stream_name


# --- broadcasts ---------------------------------------------------------------------------

BROADCAST_FIELDS = frozenset(
    {"title", "titles", "speaker", "occasion", "description", "language", "scheduled_start"}
)


def broadcast_schedule(*, actor, channel: Channel, **values: Any) -> Broadcast:
    """Announce a broadcast on the channel."""
    broadcast_policy.check(actor, "add", channel)
    broadcast = Broadcast(
        channel=channel,
        status=BroadcastStatus.SCHEDULED,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _apply(broadcast, values, BROADCAST_FIELDS)
    if broadcast.scheduled_start is None:
        raise ValidationError({"scheduled_start": _("A scheduled broadcast needs a start time.")})
    with transaction.atomic():
        broadcast.full_clean()
        broadcast.save()
    return broadcast


def broadcast_update(*, actor, broadcast: Broadcast, **values: Any) -> Broadcast:
    broadcast_policy.check(actor, "change", broadcast)
    with transaction.atomic():
        locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        changed = _apply(locked, values, BROADCAST_FIELDS)
        if "scheduled_start" in changed and locked.status != BroadcastStatus.SCHEDULED:
            raise ValidationError(
                {"scheduled_start": _("Only a broadcast that has not started can be moved.")}
            )
        locked.full_clean()
        locked.save(update_fields=[*changed, "search_key"] if changed else None)
    return locked


def broadcast_cancel(*, actor, broadcast: Broadcast) -> Broadcast:
    broadcast_policy.check(actor, "change", broadcast)
    with transaction.atomic():
        locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if locked.status != BroadcastStatus.SCHEDULED:
            raise ValidationError(_("Only a broadcast that has not started can be cancelled."))
        locked.status = BroadcastStatus.CANCELLED
        locked.save(update_fields=["status"])
    return locked


def broadcast_delete(*, actor, broadcast: Broadcast) -> None:
    broadcast_policy.check(actor, "delete", broadcast)
    if broadcast.status == BroadcastStatus.LIVE:
        raise ValidationError(_("The broadcast is live; stop it first."))
    broadcast.delete()


# --- the ingest's callbacks ---------------------------------------------------------------


@dataclass(frozen=True)
class PublishDecision:
    accepted: bool
    reason: str = ""
    broadcast: Broadcast | None = None

    @property
    def message(self) -> str:
        return reason_text(self.reason)


def _event(
    *,
    outcome: str,
    reason: str = "",
    channel: Channel | None = None,
    channel_id: int | None = None,
    broadcast: Broadcast | None = None,
    key_prefix: str = "",
    address: str | None = None,
    detail: str = "",
) -> None:
    IngestEvent.objects.create(
        channel_id=channel.pk if channel is not None else channel_id,
        broadcast=broadcast,
        outcome=outcome,
        reason=reason,
        key_prefix=key_prefix[:12],
        address=address or None,
        detail=detail[:300],
    )
    if outcome == IngestOutcome.REFUSED:
        log.warning(
            "ingest refused: %s (channel %s, broadcast %s, key %s…, from %s) %s",
            reason,
            getattr(channel, "pk", channel_id),
            getattr(broadcast, "pk", None),
            key_prefix,
            address,
            detail,
        )


def _refuse(reason: str, **event: Any) -> PublishDecision:
    _event(outcome=IngestOutcome.REFUSED, reason=reason, **event)
    return PublishDecision(False, reason)


def _first(queryset):
    """The first row of ``queryset`` as it is ordered, or None.

    Unlike ``first()``, an unordered queryset (a unique lookup) gets no
    ORDER BY: the model's default ordering is dropped unless asked for.
    """
    if not queryset.query.order_by:
        queryset = queryset.order_by()
    rows = list(queryset[:1])
    return rows[0] if rows else None


def _reconnect_grace() -> timedelta:
    return timedelta(seconds=settings.HAMAFZA_RECONNECT_GRACE_SECONDS)


def _publishing_now(name: str) -> bool:
    """Whether nginx-rtmp has a publisher on ``internal/<name>`` now (True if it cannot tell)."""
    try:
        streams = ingest.stat_streams()
    except ingest.IngestUnavailable:
        return True
    return any(s.name == name and s.publishing for s in streams)


# What a publish reads of the key, its channel and organization (one statement,
# ``_publish_key``), and of the candidate broadcasts: only what it decides with.
PUBLISH_KEY = Columns(
    StreamKey, ("id", "channel_id", "broadcast_id", "revoked_at", "expires_at"), "k"
)
PUBLISH_CHANNEL = Columns(
    Channel, ("id", "organization_id", "name", "names", "language_id", "is_active"), "c"
)
PUBLISH_ORGANIZATION = Columns(Organization, ("id", "is_active", "last_active_on"), "o")
PUBLISH_CANDIDATE_FIELDS = (
    "channel_id",
    "status",
    "scheduled_start",
    "started_at",
    "ended_at",
    "live_key_id",
    "refusal",
)
# How many candidate broadcasts one publish reads: every live and scheduled one
# of the channel (a handful at most) and the most recently ended.
CANDIDATE_LIMIT = 16


def _publish_key(secret: str) -> StreamKey | None:
    """The key whose secret is ``secret``, with its channel and organization, read in one
    statement written out: built with ``select_related``/``only``, the query cost 0.5 ms of
    Python on every publish, five times the statement itself (bench/bench_broadcast.py)."""
    connection = connections[StreamKey.objects.db]
    key, channel, organization = PUBLISH_KEY, PUBLISH_CHANNEL, PUBLISH_ORGANIZATION
    sql = (
        f"SELECT {key.select(connection)}, {channel.select(connection)},"
        f" {organization.select(connection)} FROM {key.table(connection)}"
        f" JOIN {channel.table(connection)}"
        f" ON {channel.column(connection, 'id')} = {key.column(connection, 'channel')}"
        f" JOIN {organization.table(connection)}"
        f" ON {organization.column(connection, 'id')}"
        f" = {channel.column(connection, 'organization')}"
        f" WHERE {key.column(connection, 'key_hash')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_hash(secret)])
        row = cursor.fetchone()
    if row is None:
        return None
    ends = (len(key), len(key) + len(channel))
    stream_key = key.instance(connection, row[: ends[0]])
    stream_key.channel = channel.instance(connection, row[ends[0] : ends[1]])
    stream_key.channel.organization = organization.instance(connection, row[ends[1] :])
    return stream_key


def _publish_candidates_sql(connection) -> str:
    """The candidates query of ``_publish_candidates``, for one database backend.

    The rows are found by four index lookups joined with UNION ALL (the key's own by
    primary key; the live and the recently ended ones through (channel, status,
    ended_at); the scheduled ones through (status, scheduled_start)), then read and
    locked by primary key. A single
    WHERE with ORs would walk every broadcast the channel ever had: a channel that
    broadcasts daily has a thousand after three years.
    """
    quote = connection.ops.quote_name
    table = quote(Broadcast._meta.db_table)
    columns = ", ".join(
        quote(Broadcast._meta.get_field(name).column) for name in ("id", *PUBLISH_CANDIDATE_FIELDS)
    )
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    found = (
        f"SELECT id FROM {table} WHERE id = %(own)s"
        f" UNION ALL SELECT id FROM {table} WHERE channel_id = %(channel)s AND status = %(live)s"
        f" UNION ALL SELECT id FROM {table} WHERE channel_id = %(channel)s"
        f" AND status = %(scheduled)s AND scheduled_start >= %(window_from)s"
        f" AND scheduled_start <= %(window_to)s"
        f" UNION ALL SELECT id FROM {table} WHERE channel_id = %(channel)s"
        f" AND status = %(ended)s AND ended_at > %(ended_after)s"
    )
    return (
        f"SELECT {columns}, CASE WHEN id = %(own)s THEN 0 WHEN status = %(live)s THEN 1"
        f" WHEN status = %(scheduled)s AND scheduled_start >= %(window_from)s"
        f" AND scheduled_start <= %(window_to)s THEN 2 ELSE 3 END AS rank"
        f" FROM {table} WHERE channel_id = %(channel)s AND id IN ({found})"
        f" ORDER BY rank, ended_at DESC NULLS LAST, id LIMIT {CANDIDATE_LIMIT}{lock}"
    )


def _publish_candidates(
    *, channel: Channel, key: StreamKey, now: datetime, grace: timedelta
) -> list[Broadcast]:
    """Every broadcast a publish may feed, read (and locked) in one statement, ranked: the
    key's own (0), the live ones (1), the scheduled ones within the match window (2), then
    those that ended within the reconnect grace (3), newest first.

    Written as SQL rather than with ``Case``/``When`` over ``Q`` objects: building that
    queryset cost about 3 ms of Python on every publish, ten times the statement itself,
    and the callback's budget is 10 ms (bench/bench_broadcast.py).
    """
    connection = connections[Broadcast.objects.db]
    window = timedelta(minutes=settings.HAMAFZA_SCHEDULE_MATCH_MINUTES)
    moment = connection.ops.adapt_datetimefield_value
    params = {
        "own": key.broadcast_id,
        "live": BroadcastStatus.LIVE.value,
        "scheduled": BroadcastStatus.SCHEDULED.value,
        "ended": BroadcastStatus.ENDED.value,
        "window_from": moment(now - window),
        "window_to": moment(now + window),
        "ended_after": moment(now - grace),
        "channel": channel.pk,
    }
    return list(Broadcast.objects.raw(_publish_candidates_sql(connection), params))


def _broadcast_for(channel: Channel, key: StreamKey, now: datetime) -> Broadcast | str:
    """The broadcast a publish with ``key`` feeds, or the reason it cannot.

    Every candidate is read (and locked) in one query, ranked: the key's own
    broadcast, the live ones, the scheduled ones within the match window,
    then those that ended within the reconnect grace, newest first (a
    flapping encoder may leave many: the limit keeps the newest). Chosen in
    that order: the key's own; a live one whose encoder is gone (a
    reconnect); the scheduled one nearest now; the one that ended last;
    else a new one.
    """
    grace = _reconnect_grace()
    candidates = _publish_candidates(channel=channel, key=key, now=now, grace=grace)
    live = [b for b in candidates if b.status == BroadcastStatus.LIVE]
    for broadcast in live:
        if _publishing_now(broadcast.ingest_name):
            return "already_live"
    if key.broadcast_id is not None:
        target = next((b for b in candidates if b.pk == key.broadcast_id), None)
        if target is None:
            return "broadcast_over"
        if target.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.LIVE):
            return target
        resumable = (
            target.status == BroadcastStatus.ENDED
            and target.ended_at is not None
            and target.ended_at + grace > now
        )
        return target if resumable else "broadcast_over"
    if live:
        return live[0]  # its encoder is gone: a reconnect
    scheduled = [b for b in candidates if b.rank == 2]
    if scheduled:
        return min(scheduled, key=lambda b: abs((b.scheduled_start - now).total_seconds()))
    recent = [b for b in candidates if b.rank == 3]
    if recent:
        return recent[0]
    return Broadcast(
        channel=channel,
        title=channel.name,
        titles=dict(channel.names),
        language_id=channel.language_id,
        status=BroadcastStatus.SCHEDULED,
    )


def publish_authorize(*, stream: str, key: str, address: str | None = None) -> PublishDecision:
    """An encoder asks to publish ``stream`` (``c<channel>``) with ``key``.

    Accepted: the broadcast it feeds is live, and the ingest renames the
    stream to the broadcast's internal name. Refused: nothing changes but
    the ingest log.
    """
    now = timezone.now()
    channel_id = channel_id_from_stream_name(stream)
    prefix = key[: len(KEY_PREFIX) + KEY_SHOWN_CHARACTERS]
    if channel_id is None or not key:
        return _refuse("malformed", key_prefix=prefix, address=address, detail=stream[:60])
    # The usual case costs one query: the key, with its channel and organization.
    stream_key = _publish_key(key)
    if stream_key is not None and stream_key.channel_id == channel_id:
        channel = stream_key.channel
    else:
        channel = _first(Channel.objects.select_related("organization").filter(pk=channel_id))
    if channel is None:
        return _refuse("unknown_channel", key_prefix=prefix, address=address, detail=stream[:60])
    context = {"channel": channel, "key_prefix": prefix, "address": address}
    if stream_key is None:
        return _refuse("unknown_key", **context)
    if stream_key.channel_id != channel.pk:
        return _refuse("other_channel", **context)
    if stream_key.revoked_at is not None:
        return _refuse("revoked_key", **context)
    if stream_key.expires_at is not None and stream_key.expires_at <= now:
        return _refuse("expired_key", **context)
    if not channel.is_active:
        return _refuse("channel_inactive", **context)
    with transaction.atomic():
        found = _broadcast_for(channel, stream_key, now)
        if isinstance(found, str):
            return _refuse(found, **context)
        broadcast = found
        broadcast.status = BroadcastStatus.LIVE
        broadcast.started_at = broadcast.started_at or now
        broadcast.ended_at = None
        broadcast.live_key = stream_key
        broadcast.refusal = ""
        live_fields = ["status", "started_at", "ended_at", "live_key", "refusal"]
        broadcast.save(update_fields=live_fields if broadcast.pk else None)
        StreamKey.objects.filter(pk=stream_key.pk).update(last_used_at=now)
        _event(outcome=IngestOutcome.ACCEPTED, broadcast=broadcast, **context)
    today = timezone.localdate(now)
    if channel.organization.last_active_on != today or not channel.organization.is_active:
        organization_activity_record(organization=channel.organization, on=today)
    return PublishDecision(True, broadcast=broadcast)


def publish_internal_check(*, name: str) -> bool:
    """The ingest pushes ``internal/<name>``: only the name of a live broadcast is let in."""
    broadcast_id = broadcast_id_from_ingest_name(name)
    return (
        broadcast_id is not None
        and Broadcast.objects.filter(pk=broadcast_id, status=BroadcastStatus.LIVE).exists()
    )


def publish_probe(
    *, name: str, video_codec: str, audio_codec: str, detail: str = ""
) -> PublishDecision:
    """The packager read the stream's codecs. Unsupported ones end the publish."""
    broadcast_id = broadcast_id_from_ingest_name(name)
    broadcast = (
        Broadcast.objects.filter(pk=broadcast_id).select_related("channel").first()
        if broadcast_id is not None
        else None
    )
    if broadcast is None:
        return _refuse("unknown_broadcast", detail=name[:60])
    if broadcast.status != BroadcastStatus.LIVE:
        return _refuse("not_live", channel=broadcast.channel, broadcast=broadcast)
    video_codec, audio_codec = video_codec.lower().strip(), audio_codec.lower().strip()
    reason = ""
    if not audio_codec and not video_codec:
        reason = "unreadable"
    elif not audio_codec:
        reason = "no_audio"
    elif audio_codec not in SUPPORTED_AUDIO:
        reason = "unsupported_audio"
    elif video_codec and video_codec not in SUPPORTED_VIDEO:
        reason = "unsupported_video"
    if reason:
        codecs = f"video: {video_codec or '-'}, audio: {audio_codec or '-'}"
        return _publish_refuse(broadcast, reason, detail=f"{codecs} {detail}".strip())
    Broadcast.objects.filter(pk=broadcast.pk).update(has_video=bool(video_codec))
    return PublishDecision(True, broadcast=broadcast)


def _publish_refuse(broadcast: Broadcast, reason: str, *, detail: str = "") -> PublishDecision:
    """Undo an accepted publish: the broadcast goes back to what it was, the encoder is dropped."""
    with transaction.atomic():
        locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        locked.refusal = reason_text(reason)
        locked.status = (
            BroadcastStatus.SCHEDULED
            if locked.scheduled_start is not None
            else BroadcastStatus.CANCELLED
        )
        locked.started_at = None
        locked.ended_at = None
        locked.save(update_fields=["refusal", "status", "started_at", "ended_at"])
        _event(
            outcome=IngestOutcome.REFUSED,
            reason=reason,
            channel=broadcast.channel,
            broadcast=locked,
            detail=detail,
        )
        name = locked.ingest_name
        transaction.on_commit(lambda: ingest.publisher_drop(name))
    return PublishDecision(False, reason, locked)


# What ending a broadcast reads of it (the ingest's publish_done calls it on every stop).
END_BROADCAST = Columns(Broadcast, ("id", "channel_id", "status"), "b")


def publish_done(*, app: str, stream: str, key: str = "") -> Broadcast | None:
    """The ingest says a stream stopped. Either application may say it; the first one ends it."""
    broadcast_id = broadcast_id_from_ingest_name(stream)
    if broadcast_id is not None:
        return broadcast_end(broadcast_id=broadcast_id, reason="ended")
    if not key:
        return None
    # ``live`` reports its own stream name (c<id>): the key finds the live broadcast.
    connection = connections[Broadcast.objects.db]
    keys = PUBLISH_KEY
    found = (
        f"{END_BROADCAST.column(connection, 'live_key')} = (SELECT {keys.column(connection, 'id')}"
        f" FROM {keys.table(connection)} WHERE {keys.column(connection, 'key_hash')} = %s)"
        f" AND {END_BROADCAST.column(connection, 'status')} = %s"
    )
    return _broadcast_end_where(found, [key_hash(key), BroadcastStatus.LIVE.value], reason="ended")


def broadcast_end(*, broadcast_id: int, reason: str = "ended") -> Broadcast | None:
    """Mark a live broadcast ended (safe to repeat) and archive it once its recording is in."""
    connection = connections[Broadcast.objects.db]
    found = f"{END_BROADCAST.column(connection, 'id')} = %s"
    return _broadcast_end_where(found, [broadcast_id], reason=reason)


def _broadcast_end_where(where: str, params: list, *, reason: str) -> Broadcast | None:
    """End the first broadcast meeting ``where`` (SQL over ``END_BROADCAST``'s alias), if live.

    Read by a written statement, as the publish's key is (``_publish_key``): built by the
    ORM, with its join to the key, the query cost 0.9 ms of Python, fifteen times the
    statement itself.
    """
    now = timezone.now()
    connection = connections[Broadcast.objects.db]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"SELECT {END_BROADCAST.select(connection)} FROM {END_BROADCAST.table(connection)}"
        f" WHERE {where} ORDER BY {END_BROADCAST.column(connection, 'id')} LIMIT 1{lock}"
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        broadcast = END_BROADCAST.instance(connection, row)
        if broadcast.status != BroadcastStatus.LIVE:
            return broadcast
        broadcast.status = BroadcastStatus.ENDED
        broadcast.ended_at = now
        broadcast.viewers_current = 0
        broadcast.save(update_fields=["status", "ended_at", "viewers_current"])
        _event(
            outcome=IngestOutcome.ENDED,
            reason=reason,
            channel_id=broadcast.channel_id,
            broadcast=broadcast,
        )
        _archive_maybe(broadcast)
    return broadcast


def recording_done(*, stream: str, path: str) -> Recording | None:
    """nginx closed a recording file. Registered once; archived when the broadcast has ended.

    A recording of a refused publish (the broadcast is not live or ended) is
    deleted: a refusal leaves nothing behind.
    """
    broadcast_id = broadcast_id_from_ingest_name(stream)
    file = _recording_path(path)
    if broadcast_id is None or file is None:
        return None
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().filter(pk=broadcast_id).first()
        if broadcast is None or broadcast.status not in (
            BroadcastStatus.LIVE,
            BroadcastStatus.ENDED,
        ):
            file.unlink(missing_ok=True)
            return None
        recording, _created = Recording.objects.get_or_create(
            path=str(file), defaults={"broadcast": broadcast}
        )
        if broadcast.status == BroadcastStatus.ENDED:
            _archive_maybe(broadcast)
    return recording


def _recording_path(path: str) -> Path | None:
    """The file, if it lies inside the recordings directory (callbacks are not trusted blindly)."""
    root = Path(settings.HAMAFZA_RECORDINGS_DIR).resolve()
    try:
        file = Path(path).resolve()
    except (OSError, ValueError):
        return None
    if root not in file.parents:
        return None
    return file


def _archive_maybe(broadcast: Broadcast) -> None:
    """Inside the caller's transaction: an ended broadcast with recordings gets an archive item,
    and the task that builds it runs after commit (after the reconnect grace)."""
    if not broadcast.recordings.exists():
        return
    item, created = ArchiveItem.objects.get_or_create(broadcast=broadcast)
    if not created and item.status != ArchiveStatus.PENDING:
        return
    broadcast_id = broadcast.pk
    transaction.on_commit(lambda: archive_enqueue(broadcast_id=broadcast_id))


def archive_enqueue(*, broadcast_id: int, delay: timedelta | None = None) -> None:
    """Queue the archive task (after the reconnect grace, where the backend can wait)."""
    from .tasks import archive_build_task

    delay = _reconnect_grace() if delay is None else delay
    task = archive_build_task
    if delay.total_seconds() > 0 and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(broadcast_id)


# --- viewers ------------------------------------------------------------------------------


def viewer_id_clean(value: Any) -> str:
    """A player's viewer id: 8 to 32 hexadecimal digits (a UUID's hyphens are dropped)."""
    import re

    text = value.strip().replace("-", "").lower() if isinstance(value, str) else ""
    if not re.fullmatch(r"[0-9a-f]{8,32}", text):
        raise ValidationError(
            _("The viewer id must be 8 to 32 hexadecimal digits."), code="invalid_viewer"
        )
    return text


@dataclass(frozen=True)
class ViewerCounts:
    current: int
    total: int


def viewer_heartbeat(*, broadcast: Broadcast, viewer: str) -> ViewerCounts:
    """A player says ``viewer`` is watching ``broadcast``; the broadcast's counts follow.

    Three statements, no lock held between them:

    1. upsert the viewer's presence (``first_seen`` kept, ``last_seen`` now);
    2. one aggregate: viewers seen within ``presence_window()``, and all viewers;
    3. one UPDATE, only while the broadcast is live: ``viewers_current`` is the
       count, ``viewers_peak`` and ``viewers_total`` become GREATEST(stored,
       counted) in the database, so two heartbeats racing never lower them and
       no update is lost.

    Raises ValidationError (code ``invalid_viewer``) for a malformed id and
    (code ``not_live``) when the broadcast is not live.
    """
    from django.db.models import Count, F, PositiveIntegerField, Q, Value
    from django.db.models.functions import Greatest

    from .models import ViewerPresence, presence_window

    viewer = viewer_id_clean(viewer)
    not_live = ValidationError(_("The broadcast is not live."), code="not_live")
    if broadcast.status != BroadcastStatus.LIVE:
        raise not_live
    now = timezone.now()
    ViewerPresence.objects.bulk_create(
        [ViewerPresence(broadcast=broadcast, viewer=viewer, first_seen=now, last_seen=now)],
        update_conflicts=True,
        unique_fields=["broadcast", "viewer"],
        update_fields=["last_seen"],
    )
    counts = ViewerPresence.objects.filter(broadcast=broadcast).aggregate(
        current=Count("pk", filter=Q(last_seen__gte=now - presence_window())),
        total=Count("pk"),
    )
    current, total = counts["current"], counts["total"]
    number = PositiveIntegerField()
    updated = Broadcast.objects.filter(pk=broadcast.pk, status=BroadcastStatus.LIVE).update(
        viewers_current=current,
        viewers_peak=Greatest(F("viewers_peak"), Value(current), output_field=number),
        viewers_total=Greatest(F("viewers_total"), Value(total), output_field=number),
    )
    if not updated:
        raise not_live
    return ViewerCounts(current=current, total=total)


# --- the archive's retries and the reconciler ---------------------------------------------


def archive_retry_delay(*, attempts: int) -> timedelta:
    """How long a failed archive build waits before attempt ``attempts + 1``: doubled each time."""
    return timedelta(seconds=settings.HAMAFZA_ARCHIVE_RETRY_SECONDS * 2 ** max(0, attempts - 1))


@dataclass
class ReconcileReport:
    """What one ``broadcasts_reconcile`` run found and mended."""

    ingest_answered: bool = True
    ended: int = 0
    recordings_registered: int = 0
    recordings_deleted: int = 0
    archives_opened: int = 0
    archives_requeued: int = 0
    archives_restarted: int = 0
    archives_failed: int = 0
    presences_pruned: int = 0

    @property
    def changed(self) -> int:
        return (
            self.ended
            + self.recordings_registered
            + self.recordings_deleted
            + self.archives_opened
            + self.archives_requeued
            + self.archives_restarted
            + self.archives_failed
        )


def broadcasts_reconcile() -> ReconcileReport:
    """Mend what missed callbacks and dead workers leave behind. Safe to run at any time.

    1. A live broadcast the ingest no longer publishes (``internal/b<id>``),
       whose latest publish is older than ``HAMAFZA_RECONCILE_LIVE_GRACE_SECONDS``,
       is ended (``on_publish_done`` can be missed). Skipped when nginx does
       not answer: then nothing can be known about live streams.
    2. Recording files on disk of ended broadcasts (past the reconnect grace)
       that no ``on_record_done`` registered are registered, so they are
       archived; an ended broadcast with recordings and no archive item gets
       one; registered recordings an archived broadcast left behind (its
       worker died before deleting them) are deleted.
    3. An archive item pending well past its retry is queued again; one
       processing past ``HAMAFZA_ARCHIVE_PROCESSING_STALE_SECONDS`` (its worker
       died) goes back to pending and is queued, or fails when it has no
       attempts left.
    """
    report = ReconcileReport()
    _reconcile_live(report)
    _reconcile_recordings(report)
    _reconcile_archive(report)
    _presences_prune(report)
    log.log(
        logging.INFO if report.changed or not report.ingest_answered else logging.DEBUG,
        "reconcile: ingest %s; %d ended, %d recordings registered, %d recordings deleted, "
        "%d archive items opened, %d queued again, %d restarted, %d failed",
        "answered" if report.ingest_answered else "did not answer",
        report.ended,
        report.recordings_registered,
        report.recordings_deleted,
        report.archives_opened,
        report.archives_requeued,
        report.archives_restarted,
        report.archives_failed,
    )
    return report


PRESENCE_KEPT = timedelta(hours=1)


def _presences_prune(report: ReconcileReport) -> None:
    """Viewer presence rows of broadcasts over for an hour: their counts are on the broadcast."""
    from .models import ViewerPresence

    over = Broadcast.objects.exclude(status=BroadcastStatus.LIVE).filter(
        ended_at__lt=timezone.now() - PRESENCE_KEPT
    )
    report.presences_pruned, _ = ViewerPresence.objects.filter(broadcast__in=over).delete()


def _reconcile_live(report: ReconcileReport) -> None:
    from django.db.models import Max, Q

    try:
        streams = ingest.stat_streams()
    except ingest.IngestUnavailable as error:
        report.ingest_answered = False
        log.warning("reconcile: the ingest did not answer (%s); live broadcasts left alone", error)
        return
    publishing = {s.name for s in streams if s.app == ingest.INTERNAL_APP and s.publishing}
    cutoff = timezone.now() - timedelta(seconds=settings.HAMAFZA_RECONCILE_LIVE_GRACE_SECONDS)
    live = Broadcast.objects.filter(status=BroadcastStatus.LIVE).annotate(
        last_accepted=Max(
            "ingest_events__at", filter=Q(ingest_events__outcome=IngestOutcome.ACCEPTED)
        )
    )
    for broadcast in live.only("pk", "started_at", "created_at"):
        if broadcast.ingest_name in publishing:
            continue
        # The latest accepted publish, not the first start: a reconnect is young.
        since = max(
            (at for at in (broadcast.last_accepted, broadcast.started_at) if at is not None),
            default=broadcast.created_at,
        )
        if since > cutoff:
            continue
        ended = broadcast_end(broadcast_id=broadcast.pk, reason="missed_end")
        if ended is not None and ended.status == BroadcastStatus.ENDED:
            report.ended += 1
            log.warning("reconcile: %s was live without a stream; ended", broadcast.ingest_name)


def _reconcile_recordings(report: ReconcileReport) -> None:
    from collections import defaultdict

    from django.db.models import Exists, OuterRef, Q

    from .archive import archive_sources_discard

    cutoff = timezone.now() - _reconnect_grace()
    over = Q(ended_at__lte=cutoff) | Q(ended_at__isnull=True)
    root = Path(settings.HAMAFZA_RECORDINGS_DIR)
    on_disk: dict[int, list[Path]] = defaultdict(list)
    if root.is_dir():
        for file in root.glob("b*-*.flv"):
            name, _dash, stamp = file.stem.rpartition("-")
            broadcast_id = broadcast_id_from_ingest_name(name)
            if broadcast_id is not None and stamp.isdigit():
                on_disk[broadcast_id].append(file.resolve())
    if on_disk:
        paths = [str(file) for files in on_disk.values() for file in files]
        registered = set(Recording.objects.filter(path__in=paths).values_list("path", flat=True))
        ended = Broadcast.objects.filter(over, pk__in=on_disk, status=BroadcastStatus.ENDED)
        for broadcast_id in ended.values_list("pk", flat=True):
            for file in sorted(on_disk[broadcast_id]):
                if str(file) in registered:
                    continue
                if recording_done(stream=f"b{broadcast_id}", path=str(file)) is not None:
                    report.recordings_registered += 1
                    log.warning("reconcile: registered the missed recording %s", file.name)
        archived = Broadcast.objects.filter(pk__in=on_disk, status=BroadcastStatus.ARCHIVED)
        for broadcast_id in archived.values_list("pk", flat=True):
            if any(str(file) in registered for file in on_disk[broadcast_id]):
                report.recordings_deleted += archive_sources_discard(broadcast_id=broadcast_id)
    unarchived = Broadcast.objects.filter(
        over,
        Exists(Recording.objects.filter(broadcast=OuterRef("pk"))),
        status=BroadcastStatus.ENDED,
        archive__isnull=True,
    )
    for broadcast_id in unarchived.values_list("pk", flat=True):
        with transaction.atomic():
            broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
            if broadcast.status == BroadcastStatus.ENDED:
                _archive_maybe(broadcast)
                report.archives_opened += 1


def _reconcile_archive(report: ReconcileReport) -> None:
    now = timezone.now()
    waiting = timedelta(seconds=settings.HAMAFZA_ARCHIVE_PENDING_STALE_SECONDS)
    pending = ArchiveItem.objects.filter(
        status=ArchiveStatus.PENDING,
        broadcast__status=BroadcastStatus.ENDED,
        updated_at__lte=now - waiting,
    )
    for item in pending.only("pk", "broadcast_id", "attempts", "updated_at"):
        due = _reconnect_grace() + waiting
        if item.attempts:
            due += archive_retry_delay(attempts=item.attempts)
        if item.updated_at > now - due:
            continue
        # Compare-and-set on updated_at: two reconcilers never queue it twice.
        claimed = ArchiveItem.objects.filter(
            pk=item.pk, status=ArchiveStatus.PENDING, updated_at=item.updated_at
        ).update(updated_at=now)
        if claimed:
            archive_enqueue(broadcast_id=item.broadcast_id, delay=timedelta(0))
            report.archives_requeued += 1
    _reconcile_stale_processing(report, now)


def _reconcile_stale_processing(report: ReconcileReport, now: datetime) -> None:
    stale_before = now - timedelta(seconds=settings.HAMAFZA_ARCHIVE_PROCESSING_STALE_SECONDS)
    stale = Q(processing_started_at__lte=stale_before) | Q(processing_started_at__isnull=True)
    ids = ArchiveItem.objects.filter(stale, status=ArchiveStatus.PROCESSING).values_list(
        "broadcast_id", flat=True
    )
    for broadcast_id in ids:
        with transaction.atomic():
            Broadcast.objects.select_for_update().filter(pk=broadcast_id).first()
            item = (
                ArchiveItem.objects.select_for_update()
                .filter(stale, broadcast_id=broadcast_id, status=ArchiveStatus.PROCESSING)
                .first()
            )
            if item is None:
                continue
            item.processing_started_at = None
            if item.attempts >= settings.HAMAFZA_ARCHIVE_MAX_ATTEMPTS:
                item.status = ArchiveStatus.FAILED
                item.error = _(
                    "The worker building the archive stopped during its last attempt (%(count)d)."
                ) % {"count": item.attempts}
                report.archives_failed += 1
            else:
                item.status = ArchiveStatus.PENDING
                item.error = _("The worker building the archive stopped; it is tried again.")
                transaction.on_commit(
                    lambda broadcast_id=broadcast_id: archive_enqueue(
                        broadcast_id=broadcast_id, delay=timedelta(0)
                    )
                )
                report.archives_restarted += 1
            item.save(update_fields=["status", "error", "processing_started_at", "updated_at"])
        log.warning("reconcile: archive b%s was stuck in processing: %s", broadcast_id, item.error)


ARCHIVE_PLAY_WINDOW = 6 * 3600  # one viewer's plays of one item within this count once


def archive_play_record(*, broadcast: Broadcast, viewer: str) -> bool:
    """An archive item started playing for ``viewer``. Counted once per viewer per six hours.

    Raises ValidationError for a malformed viewer id, or (code ``not_ready``)
    when the broadcast has no ready archive item. Returns whether it counted.
    """
    from django.core.cache import cache
    from django.db.models import F

    viewer = viewer_id_clean(viewer)
    item = ArchiveItem.objects.filter(broadcast=broadcast, status=ArchiveStatus.READY).first()
    if item is None:
        raise ValidationError(_("The recording is not in the archive yet."), code="not_ready")
    if not cache.add(f"broadcast:play:{item.pk}:{viewer}", 1, timeout=ARCHIVE_PLAY_WINDOW):
        return False
    ArchiveItem.objects.filter(pk=item.pk).update(plays=F("plays") + 1)
    return True
