"""Stream keys and the ingest's decisions, without the ingest running."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hamafza.broadcast import services
from hamafza.broadcast.models import (
    ArchiveItem,
    Broadcast,
    BroadcastStatus,
    IngestEvent,
    IngestOutcome,
    Recording,
    StreamKey,
)
from hamafza.broadcast.tests.factories import BroadcastFactory, ChannelFactory
from hamafza.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(channel):
    return services.stream_key_create(actor=SYSTEM, channel=channel, label="OBS")


def test_a_key_is_kept_only_as_its_hash(channel):
    stream_key, secret = services.stream_key_create(actor=SYSTEM, channel=channel)
    stored = StreamKey.objects.get(pk=stream_key.pk)
    assert secret.startswith("hz_") and len(secret) > 30
    assert secret not in {stored.key_hash, stored.prefix, stored.label}
    assert stored.key_hash == services.key_hash(secret)
    assert secret.startswith(stored.prefix)


def test_publish_with_a_good_key_opens_a_live_broadcast(channel, key):
    stream_key, secret = key
    decision = services.publish_authorize(stream=channel.stream_name, key=secret, address="::1")
    assert decision.accepted
    broadcast = Broadcast.objects.get(pk=decision.broadcast.pk)
    assert broadcast.status == BroadcastStatus.LIVE
    assert broadcast.live_key == stream_key
    assert broadcast.title == channel.name
    assert broadcast.started_at is not None
    event = IngestEvent.objects.get()
    assert (event.outcome, event.broadcast_id) == (IngestOutcome.ACCEPTED, broadcast.pk)
    stream_key.refresh_from_db()
    assert stream_key.last_used_at is not None
    channel.organization.refresh_from_db()
    assert channel.organization.last_active_on == timezone.localdate()


@pytest.mark.parametrize(
    "stream, secret, reason",
    [
        ("c", "hz_x", "malformed"),
        ("main", "hz_x", "malformed"),
        ("c999999", "hz_x", "unknown_channel"),
        (None, "hz_wrong", "unknown_key"),
        (None, "", "malformed"),
    ],
)
def test_bad_publishes_are_refused_and_change_nothing(channel, key, stream, secret, reason):
    decision = services.publish_authorize(stream=stream or channel.stream_name, key=secret)
    assert not decision.accepted
    assert decision.reason == reason
    assert decision.message  # a sentence for staff
    assert not Broadcast.objects.exists()
    assert IngestEvent.objects.get().outcome == IngestOutcome.REFUSED


def test_a_key_of_another_channel_is_refused(channel, key):
    other = ChannelFactory()
    _other_key, other_secret = services.stream_key_create(actor=SYSTEM, channel=other)
    decision = services.publish_authorize(stream=channel.stream_name, key=other_secret)
    assert (decision.accepted, decision.reason) == (False, "other_channel")
    assert not Broadcast.objects.exists()


def test_revoked_and_expired_keys_are_refused(channel, key):
    stream_key, secret = key
    services.stream_key_revoke(actor=SYSTEM, key=stream_key)
    assert services.publish_authorize(stream=channel.stream_name, key=secret).reason == (
        "revoked_key"
    )
    expiring, expiring_secret = services.stream_key_create(
        actor=SYSTEM, channel=channel, expires_at=timezone.now() + timedelta(minutes=5)
    )
    StreamKey.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(1))
    decision = services.publish_authorize(stream=channel.stream_name, key=expiring_secret)
    assert decision.reason == "expired_key"
    assert not Broadcast.objects.exists()


def test_rotating_a_key_revokes_the_old_one(channel, key):
    stream_key, secret = key
    new_key, new_secret = services.stream_key_rotate(actor=SYSTEM, key=stream_key)
    stream_key.refresh_from_db()
    assert stream_key.revoked_at is not None
    assert new_key.label == "OBS" and new_secret != secret
    assert services.publish_authorize(stream=channel.stream_name, key=secret).reason == (
        "revoked_key"
    )
    assert services.publish_authorize(stream=channel.stream_name, key=new_secret).accepted


def test_a_switched_off_channel_refuses(channel, key):
    _stream_key, secret = key
    services.channel_update(actor=SYSTEM, channel=channel, is_active=False)
    decision = services.publish_authorize(stream=channel.stream_name, key=secret)
    assert decision.reason == "channel_inactive"


def test_a_publish_feeds_the_scheduled_broadcast_nearest_now(channel, key):
    _stream_key, secret = key
    now = timezone.now()
    BroadcastFactory(channel=channel, scheduled_start=now + timedelta(minutes=90))
    near = BroadcastFactory(channel=channel, scheduled_start=now + timedelta(minutes=10))
    BroadcastFactory(channel=channel, scheduled_start=now + timedelta(days=2))
    decision = services.publish_authorize(stream=channel.stream_name, key=secret)
    assert decision.broadcast.pk == near.pk
    assert Broadcast.objects.filter(status=BroadcastStatus.LIVE).count() == 1


def test_a_key_limited_to_a_broadcast_feeds_only_it(channel):
    scheduled = BroadcastFactory(channel=channel, scheduled_start=timezone.now() + timedelta(1))
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel, broadcast=scheduled)
    decision = services.publish_authorize(stream=channel.stream_name, key=secret)
    assert decision.broadcast.pk == scheduled.pk
    services.publish_done(app="internal", stream=scheduled.ingest_name)
    Broadcast.objects.filter(pk=scheduled.pk).update(ended_at=timezone.now() - timedelta(hours=1))
    again = services.publish_authorize(stream=channel.stream_name, key=secret)
    assert (again.accepted, again.reason) == (False, "broadcast_over")


def test_a_key_cannot_be_limited_to_another_channels_broadcast(channel):
    elsewhere = BroadcastFactory()
    with pytest.raises(ValidationError):
        services.stream_key_create(actor=SYSTEM, channel=channel, broadcast=elsewhere)
    assert not StreamKey.objects.exists()


def test_a_second_encoder_is_refused_while_the_first_is_live(channel, key, settings):
    # The ingest cannot be asked (nothing listens): the live broadcast counts as publishing.
    settings.HAMAFZA_INGEST_HTTP_PORT = 9  # discard: refused at once
    _stream_key, secret = key
    first = services.publish_authorize(stream=channel.stream_name, key=secret)
    second = services.publish_authorize(stream=channel.stream_name, key=secret)
    assert first.accepted
    assert (second.accepted, second.reason) == (False, "already_live")


def test_a_reconnect_within_the_grace_continues_the_broadcast(channel, key, settings):
    settings.HAMAFZA_RECONNECT_GRACE_SECONDS = 60
    _stream_key, secret = key
    first = services.publish_authorize(stream=channel.stream_name, key=secret).broadcast
    services.publish_done(app="live", stream=channel.stream_name, key=secret)
    assert Broadcast.objects.get(pk=first.pk).status == BroadcastStatus.ENDED
    again = services.publish_authorize(stream=channel.stream_name, key=secret).broadcast
    assert again.pk == first.pk
    assert Broadcast.objects.get(pk=first.pk).status == BroadcastStatus.LIVE


def test_a_publish_leaves_what_is_outside_the_window_and_the_grace_alone(channel, key, settings):
    # Given a broadcast scheduled beyond the match window, one that ended before the reconnect
    # grace, and one of another channel scheduled for now
    settings.HAMAFZA_SCHEDULE_MATCH_MINUTES = 60
    settings.HAMAFZA_RECONNECT_GRACE_SECONDS = 60
    _stream_key, secret = key
    now = timezone.now()
    later = BroadcastFactory(channel=channel, scheduled_start=now + timedelta(minutes=61))
    old = BroadcastFactory(
        channel=channel,
        status=BroadcastStatus.ENDED,
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(minutes=2),
    )
    elsewhere = BroadcastFactory(scheduled_start=now)

    # When the channel's encoder publishes
    decision = services.publish_authorize(stream=channel.stream_name, key=secret)

    # Then a new broadcast goes live, and the others are as they were
    assert decision.accepted
    assert decision.broadcast.pk not in {later.pk, old.pk, elsewhere.pk}
    assert Broadcast.objects.get(pk=later.pk).status == BroadcastStatus.SCHEDULED
    assert Broadcast.objects.get(pk=old.pk).status == BroadcastStatus.ENDED
    assert Broadcast.objects.get(pk=elsewhere.pk).status == BroadcastStatus.SCHEDULED


def test_a_key_limited_to_a_broadcast_prefers_it_to_one_scheduled_nearer(channel):
    # Given a key limited to tomorrow's broadcast, and another broadcast scheduled for now
    now = timezone.now()
    tomorrow = BroadcastFactory(channel=channel, scheduled_start=now + timedelta(days=1))
    BroadcastFactory(channel=channel, scheduled_start=now)
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel, broadcast=tomorrow)

    # When it publishes, then tomorrow's broadcast is the one that goes live
    decision = services.publish_authorize(stream=channel.stream_name, key=secret)
    assert decision.broadcast.pk == tomorrow.pk


def test_publish_done_from_either_application_ends_once(channel, key):
    _stream_key, secret = key
    broadcast = services.publish_authorize(stream=channel.stream_name, key=secret).broadcast
    services.publish_done(app="live", stream=channel.stream_name, key=secret)
    services.publish_done(app="internal", stream=broadcast.ingest_name)
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.ENDED
    assert IngestEvent.objects.filter(outcome=IngestOutcome.ENDED).count() == 1
    # no recording yet: nothing to archive
    assert not ArchiveItem.objects.exists()


def test_unknown_names_in_callbacks_are_ignored(channel):
    assert services.publish_done(app="internal", stream="b999999") is None
    assert services.publish_done(app="live", stream="c1", key="hz_nope") is None
    assert services.recording_done(stream="junk", path="/etc/passwd") is None
    assert not services.publish_internal_check(name="b999999")
    assert not services.publish_internal_check(name="../b1")
    assert services.publish_probe(name="bx", video_codec="h264", audio_codec="aac").reason == (
        "unknown_broadcast"
    )


def test_a_recording_outside_the_recordings_directory_is_ignored(channel, key, media_dirs):
    _stream_key, secret = key
    broadcast = services.publish_authorize(stream=channel.stream_name, key=secret).broadcast
    outside = media_dirs / "elsewhere.flv"
    outside.write_bytes(b"FLV")
    assert services.recording_done(stream=broadcast.ingest_name, path=str(outside)) is None
    assert services.recording_done(stream=broadcast.ingest_name, path="/etc/passwd") is None
    assert not Recording.objects.exists()
    assert outside.exists()


@pytest.mark.parametrize(
    "video, audio, reason",
    [
        ("hevc", "aac", "unsupported_video"),
        ("h264", "", "no_audio"),
        ("h264", "opus", "unsupported_audio"),
        ("", "", "unreadable"),
    ],
)
def test_unsupported_codecs_are_refused_with_a_reason(channel, key, video, audio, reason):
    _stream_key, secret = key
    broadcast = services.publish_authorize(stream=channel.stream_name, key=secret).broadcast
    decision = services.publish_probe(
        name=broadcast.ingest_name, video_codec=video, audio_codec=audio
    )
    assert (decision.accepted, decision.reason) == (False, reason)
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.CANCELLED  # it was opened for this publish
    assert broadcast.refusal == services.reason_text(reason)
    refused = IngestEvent.objects.get(outcome=IngestOutcome.REFUSED)
    assert refused.reason == reason and refused.broadcast_id == broadcast.pk


def test_a_refused_scheduled_broadcast_goes_back_to_scheduled(channel, key, media_dirs):
    _stream_key, secret = key
    scheduled = BroadcastFactory(channel=channel, scheduled_start=timezone.now())
    services.publish_authorize(stream=channel.stream_name, key=secret)
    services.publish_probe(name=scheduled.ingest_name, video_codec="vp6f", audio_codec="mp3")
    scheduled.refresh_from_db()
    assert scheduled.status == BroadcastStatus.SCHEDULED
    assert scheduled.started_at is None
    # and the few seconds nginx recorded are deleted, not archived
    recording = media_dirs / "recordings" / f"{scheduled.ingest_name}-1.flv"
    recording.write_bytes(b"FLV")
    assert services.recording_done(stream=scheduled.ingest_name, path=str(recording)) is None
    assert not recording.exists()
    assert not Recording.objects.exists()


def test_audio_only_streams_are_accepted(channel, key):
    _stream_key, secret = key
    broadcast = services.publish_authorize(stream=channel.stream_name, key=secret).broadcast
    assert services.publish_probe(
        name=broadcast.ingest_name, video_codec="", audio_codec="aac"
    ).accepted
    broadcast.refresh_from_db()
    assert broadcast.has_video is False


def test_staff_of_another_organization_cannot_manage_keys(channel, actors):
    for who in ("anonymous", "viewer", "other_editor"):
        with pytest.raises(PermissionDenied):
            services.stream_key_create(actor=actors[who], channel=channel)
    stream_key, _secret = services.stream_key_create(actor=actors["editor"], channel=channel)
    for who in ("anonymous", "viewer", "other_editor"):
        with pytest.raises(PermissionDenied):
            services.stream_key_revoke(actor=actors[who], key=stream_key)
        with pytest.raises(PermissionDenied):
            services.stream_key_rotate(actor=actors[who], key=stream_key)
    stream_key.refresh_from_db()
    assert stream_key.revoked_at is None
    assert StreamKey.objects.count() == 1


def test_staff_of_another_organization_cannot_schedule_or_change(channel, actors):
    start = timezone.now() + timedelta(days=1)
    for who in ("anonymous", "viewer", "other_editor"):
        with pytest.raises(PermissionDenied):
            services.broadcast_schedule(
                actor=actors[who], channel=channel, title="x", scheduled_start=start
            )
        with pytest.raises(PermissionDenied):
            services.channel_create(
                actor=actors[who], organization=channel.organization, slug="x", name="x"
            )
    broadcast = services.broadcast_schedule(
        actor=actors["editor"], channel=channel, title="دعای کمیل", scheduled_start=start
    )
    for who in ("anonymous", "viewer", "other_editor"):
        with pytest.raises(PermissionDenied):
            services.broadcast_update(actor=actors[who], broadcast=broadcast, title="y")
        with pytest.raises(PermissionDenied):
            services.broadcast_cancel(actor=actors[who], broadcast=broadcast)
    assert Broadcast.objects.get().title == "دعای کمیل"
    coordinator_cancel = services.broadcast_cancel(actor=actors["coordinator"], broadcast=broadcast)
    assert coordinator_cancel.status == BroadcastStatus.CANCELLED


def test_scheduling_needs_a_start_and_a_title(channel):
    with pytest.raises(ValidationError):
        services.broadcast_schedule(actor=SYSTEM, channel=channel, title="x")
    with pytest.raises(ValidationError):
        services.broadcast_schedule(
            actor=SYSTEM, channel=channel, title="", scheduled_start=timezone.now()
        )
    with pytest.raises(ValidationError):
        services.broadcast_schedule(
            actor=SYSTEM, channel=channel, title="x", scheduled_start=timezone.now(), bogus=1
        )
    assert not Broadcast.objects.exists()
