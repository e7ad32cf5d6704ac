"""The reconciler mends what missed callbacks and dead workers leave: with real nginx-rtmp
(``ingest_stack``) or with none, and real ffmpeg for the archive it queues."""

import io
import shutil
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from hamafza.broadcast import services
from hamafza.broadcast.models import (
    ArchiveItem,
    ArchiveStatus,
    Broadcast,
    BroadcastStatus,
    IngestEvent,
    IngestOutcome,
    Recording,
)
from hamafza.broadcast.tests.conftest import ffmpeg_publish, free_port
from hamafza.broadcast.tests.factories import BroadcastFactory
from hamafza.broadcast.tests.test_archive import record, recording_path
from hamafza.core.permissions import SYSTEM

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is not installed"),
]


@pytest.fixture
def no_ingest(settings, media_dirs):
    """nginx is not running: its HTTP port answers nothing."""
    settings.HAMAFZA_INGEST_HTTP_PORT = free_port()


def broadcast_in(channel, status, *, started_ago=timedelta(minutes=1), ended_ago=None):
    now = timezone.now()
    return BroadcastFactory(
        channel=channel,
        status=status,
        started_at=now - started_ago,
        ended_at=now - ended_ago if ended_ago is not None else None,
    )


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


# --- live broadcasts the ingest forgot ------------------------------------------------------


@pytest.mark.ingest
def test_a_live_broadcast_the_ingest_does_not_have_is_ended(ingest_stack, channel):
    # Given nginx running with no publisher, a broadcast marked live since a minute ago
    # (its on_publish_done was missed), and one that went live a moment ago
    forgotten = broadcast_in(channel, BroadcastStatus.LIVE, started_ago=timedelta(minutes=1))
    young = broadcast_in(channel, BroadcastStatus.LIVE, started_ago=timedelta(seconds=2))
    # When the reconciler runs
    report = services.broadcasts_reconcile()
    # Then the forgotten one is ended, saying why, and the young one is left to connect
    assert report.ingest_answered
    assert report.ended == 1
    forgotten.refresh_from_db()
    assert forgotten.status == BroadcastStatus.ENDED
    assert forgotten.ended_at is not None
    event = IngestEvent.objects.get(broadcast=forgotten, outcome=IngestOutcome.ENDED)
    assert event.reason == "missed_end"
    young.refresh_from_db()
    assert young.status == BroadcastStatus.LIVE


@pytest.mark.ingest
def test_a_broadcast_the_ingest_is_publishing_stays_live(ingest_stack, channel):
    # Given an encoder publishing through nginx for a while
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel)
    publisher = ffmpeg_publish(ingest_stack.publish_url(channel, secret), seconds=20)
    try:
        broadcast = wait_for(
            lambda: Broadcast.objects.filter(channel=channel, status="live").first(),
            timeout=15,
            what="the broadcast to go live",
        )
        wait_for(
            lambda: any(
                s.app == "internal" and s.name == broadcast.ingest_name and s.publishing
                for s in services.ingest.stat_streams()
            ),
            timeout=10,
            what="nginx to publish the stream internally",
        )
        long_ago = timezone.now() - timedelta(minutes=5)
        Broadcast.objects.filter(pk=broadcast.pk).update(started_at=long_ago)
        IngestEvent.objects.filter(broadcast=broadcast).update(at=long_ago)
        # When the reconciler runs
        report = services.broadcasts_reconcile()
        # Then the broadcast is live still
        assert (report.ingest_answered, report.ended) == (True, 0)
        broadcast.refresh_from_db()
        assert broadcast.status == BroadcastStatus.LIVE
    finally:
        publisher.terminate()
        publisher.wait(timeout=10)


@pytest.mark.ingest
def test_a_reconnect_is_young_even_when_the_broadcast_is_old(ingest_stack, channel):
    # Given a broadcast live for an hour whose encoder was accepted again a moment ago
    broadcast = broadcast_in(channel, BroadcastStatus.LIVE, started_ago=timedelta(hours=1))
    IngestEvent.objects.create(channel=channel, broadcast=broadcast, outcome=IngestOutcome.ACCEPTED)
    # When the reconciler runs before nginx lists the renamed stream
    report = services.broadcasts_reconcile()
    # Then the broadcast is given time to appear
    assert report.ended == 0
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.LIVE


# --- recordings and archive items -----------------------------------------------------------


def test_an_unregistered_recording_of_an_ended_broadcast_is_registered_and_archived(
    no_ingest, channel, media_dirs
):
    # Given an ended broadcast whose on_record_done never arrived: its file is on disk only
    broadcast = broadcast_in(
        channel,
        BroadcastStatus.ENDED,
        started_ago=timedelta(minutes=5),
        ended_ago=timedelta(minutes=2),
    )
    flv = record(recording_path(broadcast), seconds=3)
    # and a recording of a broadcast still live, which is not touched
    live = broadcast_in(channel, BroadcastStatus.LIVE)
    growing = record(recording_path(live), seconds=1, video=False)
    # When the reconciler runs
    report = services.broadcasts_reconcile()
    # Then the recording is registered and the broadcast archived from it
    assert report.recordings_registered == 1
    assert Recording.objects.filter(broadcast=broadcast, path=str(flv.resolve())).exists()
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert item.status == ArchiveStatus.READY
    assert item.duration_seconds == pytest.approx(3, abs=1)
    assert (media_dirs / "archive" / item.video_path).exists()
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.ARCHIVED
    assert not flv.exists()
    assert growing.exists()
    assert not Recording.objects.filter(broadcast=live).exists()
    # and a second run finds nothing to do
    again = services.broadcasts_reconcile()
    assert again.changed == 0


def test_a_recording_within_the_reconnect_grace_is_left_for_now(
    no_ingest, channel, media_dirs, settings
):
    # Given a broadcast that ended a moment ago, within the reconnect grace
    settings.HAMAFZA_RECONNECT_GRACE_SECONDS = 30
    broadcast = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(seconds=5))
    flv = record(recording_path(broadcast), seconds=1, video=False)
    # When the reconciler runs
    report = services.broadcasts_reconcile()
    # Then its recording waits: the encoder may come back, and the callback may still come
    assert report.recordings_registered == 0
    assert not Recording.objects.filter(broadcast=broadcast).exists()
    assert flv.exists()


def test_an_ended_broadcast_with_recordings_but_no_archive_item_gets_one(
    no_ingest, channel, media_dirs
):
    # Given an ended broadcast with a registered recording and no archive item
    broadcast = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(minutes=2))
    flv = record(recording_path(broadcast), seconds=2)
    Recording.objects.create(broadcast=broadcast, path=str(flv.resolve()))
    # When the reconciler runs
    report = services.broadcasts_reconcile()
    # Then the item is opened and built
    assert report.archives_opened == 1
    assert ArchiveItem.objects.get(broadcast=broadcast).status == ArchiveStatus.READY


def test_a_stale_processing_item_is_built_again(no_ingest, channel, media_dirs, settings):
    # Given an item whose worker died while processing it, long ago
    settings.HAMAFZA_ARCHIVE_PROCESSING_STALE_SECONDS = 600
    broadcast = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(hours=1))
    flv = record(recording_path(broadcast), seconds=2)
    Recording.objects.create(broadcast=broadcast, path=str(flv.resolve()))
    ArchiveItem.objects.create(
        broadcast=broadcast,
        status=ArchiveStatus.PROCESSING,
        attempts=1,
        processing_started_at=timezone.now() - timedelta(minutes=30),
    )
    # and one a live worker is busy with
    busy = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(hours=1))
    ArchiveItem.objects.create(
        broadcast=busy,
        status=ArchiveStatus.PROCESSING,
        attempts=1,
        processing_started_at=timezone.now() - timedelta(minutes=1),
    )
    # When the reconciler runs
    report = services.broadcasts_reconcile()
    # Then the stale item is taken up again and built, on its second attempt
    assert report.archives_restarted == 1
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert (item.status, item.attempts) == (ArchiveStatus.READY, 2)
    # and the busy one is left to its worker
    assert ArchiveItem.objects.get(broadcast=busy).status == ArchiveStatus.PROCESSING


def test_a_stale_item_without_attempts_left_fails_with_a_reason(
    no_ingest, channel, media_dirs, settings
):
    # Given an item whose worker died during its last attempt
    settings.HAMAFZA_ARCHIVE_MAX_ATTEMPTS = 2
    settings.HAMAFZA_ARCHIVE_PROCESSING_STALE_SECONDS = 600
    broadcast = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(hours=1))
    ArchiveItem.objects.create(
        broadcast=broadcast,
        status=ArchiveStatus.PROCESSING,
        attempts=2,
        processing_started_at=timezone.now() - timedelta(hours=1),
    )
    # When the reconciler runs (writing its reasons in English)
    with translation.override("en"):
        report = services.broadcasts_reconcile()
    # Then it has failed, saying the worker stopped
    assert report.archives_failed == 1
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert item.status == ArchiveStatus.FAILED
    assert "stopped" in item.error


def test_a_pending_item_the_queue_lost_is_queued_again(no_ingest, channel, media_dirs, settings):
    # Given a pending item untouched for an hour (its task was lost), and one just queued
    settings.HAMAFZA_ARCHIVE_PENDING_STALE_SECONDS = 300
    lost = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(hours=1))
    flv = record(recording_path(lost), seconds=2, video=False)
    Recording.objects.create(broadcast=lost, path=str(flv.resolve()))
    ArchiveItem.objects.create(broadcast=lost)
    ArchiveItem.objects.filter(broadcast=lost).update(
        updated_at=timezone.now() - timedelta(hours=1)
    )
    fresh = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(hours=1))
    ArchiveItem.objects.create(broadcast=fresh)
    # When the reconciler runs
    report = services.broadcasts_reconcile()
    # Then the lost one is queued (and built); the fresh one waits for its own task
    assert report.archives_requeued == 1
    assert ArchiveItem.objects.get(broadcast=lost).status == ArchiveStatus.READY
    assert ArchiveItem.objects.get(broadcast=fresh).status == ArchiveStatus.PENDING


def test_recordings_an_archived_broadcast_left_behind_are_deleted(no_ingest, channel, media_dirs):
    # Given an archived broadcast whose worker died before deleting its recording
    broadcast = broadcast_in(channel, BroadcastStatus.ARCHIVED, ended_ago=timedelta(hours=1))
    flv = record(recording_path(broadcast), seconds=1, video=False)
    Recording.objects.create(broadcast=broadcast, path=str(flv.resolve()))
    ArchiveItem.objects.create(broadcast=broadcast, status=ArchiveStatus.READY)
    # When the reconciler runs
    report = services.broadcasts_reconcile()
    # Then the recording is deleted (the archive holds it)
    assert report.recordings_deleted == 1
    assert not flv.exists()


# --- without nginx ---------------------------------------------------------------------------


def test_without_nginx_it_still_mends_recordings_and_archive_items(
    no_ingest, channel, media_dirs, settings
):
    # Given no nginx, a broadcast marked live long ago, a missed recording and a stale item
    settings.HAMAFZA_ARCHIVE_PROCESSING_STALE_SECONDS = 600
    live = broadcast_in(channel, BroadcastStatus.LIVE, started_ago=timedelta(hours=1))
    missed = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(minutes=10))
    missed_file = record(recording_path(missed), seconds=2, video=False)
    stale = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(hours=2))
    stale_file = record(recording_path(stale), seconds=2, video=False)
    Recording.objects.create(broadcast=stale, path=str(stale_file.resolve()))
    ArchiveItem.objects.create(
        broadcast=stale,
        status=ArchiveStatus.PROCESSING,
        attempts=1,
        processing_started_at=timezone.now() - timedelta(hours=1),
    )
    # When the reconciler runs
    report = services.broadcasts_reconcile()
    # Then it says nginx did not answer and leaves the live broadcast alone
    assert report.ingest_answered is False
    assert report.ended == 0
    live.refresh_from_db()
    assert live.status == BroadcastStatus.LIVE
    # and still registers and archives the missed recording and rebuilds the stale item
    assert (report.recordings_registered, report.archives_restarted) == (1, 1)
    assert ArchiveItem.objects.get(broadcast=missed).status == ArchiveStatus.READY
    assert ArchiveItem.objects.get(broadcast=stale).status == ArchiveStatus.READY
    assert not missed_file.exists() and not stale_file.exists()


def test_the_command_reports_what_it_did(no_ingest, channel, media_dirs):
    # Given a missed recording, and no nginx
    broadcast = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(minutes=10))
    record(recording_path(broadcast), seconds=1, video=False)
    # When `manage.py broadcast_reconcile` runs once (in English)
    out = io.StringIO()
    with translation.override("en"):
        call_command("broadcast_reconcile", stdout=out)
    # Then it prints what it found and mended
    text = out.getvalue()
    assert "did not answer" in text
    assert "registered 1 recordings" in text
    assert ArchiveItem.objects.get(broadcast=broadcast).status == ArchiveStatus.READY


def test_viewer_presence_of_long_ended_broadcasts_is_pruned(channel, no_ingest):
    from hamafza.broadcast.models import ViewerPresence

    # Given viewers of a broadcast over for two hours, of one just ended, and of a live one
    old = broadcast_in(channel, BroadcastStatus.ARCHIVED, ended_ago=timedelta(hours=2))
    recent = broadcast_in(channel, BroadcastStatus.ENDED, ended_ago=timedelta(minutes=5))
    live = broadcast_in(channel, BroadcastStatus.LIVE)
    for broadcast in (old, recent, live):
        ViewerPresence.objects.create(broadcast=broadcast, viewer="a" * 32)
    # When the reconciler runs
    report = services.broadcasts_reconcile()
    # Then only the old broadcast's rows go; its counts stay on the broadcast
    assert report.presences_pruned == 1
    assert set(ViewerPresence.objects.values_list("broadcast_id", flat=True)) == {
        recent.pk,
        live.pk,
    }
