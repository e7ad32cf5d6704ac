"""Building a broadcast's archive item from its recordings (run by ``archive_build_task``).

An archive item moves like this; only ``archive_build`` and the reconciler move it::

    pending ──claim──▶ processing ──ffmpeg done──▶ ready (the broadcast: archived)
       ▲                   │
       ├── ffmpeg failed, attempts left (queued again after a back-off)
       │                   ├── ffmpeg failed, no attempts left ──▶ failed (with the reason)
       │                   └── recording files missing ─────────▶ failed (with the reason)
       └── the worker died (processing too long; ``broadcasts_reconcile``)

Concurrency. The claim locks the broadcast row, then its archive item (the
order every service uses), and moves the item to ``processing`` with a new
``processing_started_at`` and one more attempt; that pair is the worker's
token. The ffmpeg work runs outside any transaction. The result is written
only if the token is still the item's: a second run, started while the
first works, finds ``processing`` and returns; a run the reconciler gave up
on finds its token gone and leaves the item to its successor. Each file is
written under a temporary name and renamed into place (``media``), so two
runs never see each other's half-written files.

Nothing is lost if the worker dies: the recordings are deleted only after
the item is ready and committed.

``HAMAFZA_FFMPEG_TIMEOUT`` bounds a whole build (every ffmpeg run gets what
is left of it), so an item processing longer than
``HAMAFZA_ARCHIVE_PROCESSING_STALE_SECONDS`` has no live worker.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import media, services
from .media import MediaError
from .models import ArchiveItem, ArchiveStatus, Broadcast, BroadcastStatus, Recording

log = logging.getLogger(__name__)

VIDEO_NAME = "video.mp4"
AUDIO_NAME = "audio.m4a"
THUMBNAIL_NAME = "thumbnail.jpg"
WAVEFORM_NAME = "waveform.png"
READY_FIELDS = (
    "status",
    "error",
    "video_path",
    "audio_path",
    "thumbnail_path",
    "waveform_path",
    "duration_seconds",
    "size_bytes",
    "processing_started_at",
    "ready_at",
)


class _Unbuildable(Exception):
    """A reason no retry can mend (the recordings are gone)."""


@dataclass(frozen=True)
class _Claim:
    broadcast_id: int
    item_id: int
    attempt: int
    started_at: datetime
    recordings: tuple[Path, ...]


@dataclass(frozen=True)
class _Built:
    video_path: str
    audio_path: str
    thumbnail_path: str
    waveform_path: str
    duration_seconds: float | None
    size_bytes: int


def archive_directory(broadcast_id: int) -> Path:
    """Where a broadcast's archive files live: ``<HAMAFZA_ARCHIVE_DIR>/b<id>/``."""
    return Path(settings.HAMAFZA_ARCHIVE_DIR) / f"b{broadcast_id}"


def _relative(broadcast_id: int, name: str) -> str:
    return f"b{broadcast_id}/{name}"


def _recording_order(path: Path) -> tuple[int, str]:
    """nginx names recordings ``b<id>-<unix time>.flv``: in the order they were started."""
    stamp = path.stem.rpartition("-")[2]
    return (int(stamp) if stamp.isdigit() else 2**63, path.name)


def recordings_of(broadcast_id: int) -> tuple[Path, ...]:
    """The broadcast's registered recording files, oldest first."""
    paths = Recording.objects.filter(broadcast_id=broadcast_id).values_list("path", flat=True)
    return tuple(sorted((Path(p) for p in paths), key=_recording_order))


def _stale(item: ArchiveItem, now: datetime) -> bool:
    stale = settings.HAMAFZA_ARCHIVE_PROCESSING_STALE_SECONDS
    started = item.processing_started_at
    return started is None or (now - started).total_seconds() > stale


def _owns(item: ArchiveItem | None, claim: _Claim) -> bool:
    return (
        item is not None
        and item.status == ArchiveStatus.PROCESSING
        and item.attempts == claim.attempt
        and item.processing_started_at == claim.started_at
    )


def archive_build(*, broadcast_id: int) -> str:
    """Build the archive item of an ended broadcast. Safe to run again and concurrently.

    Returns what happened: ``ready``, ``retry`` (failed, queued again), ``failed``,
    ``busy`` (another run holds it), ``not_ended`` (live again: its next end
    queues it), ``superseded``, ``changed`` (a recording arrived meanwhile;
    queued again), ``no_broadcast`` or ``no_item``.
    """
    claim = _claim(broadcast_id)
    if isinstance(claim, str):
        log.info("archive b%s: %s, nothing to do", broadcast_id, claim)
        return claim
    deadline = time.monotonic() + settings.HAMAFZA_FFMPEG_TIMEOUT
    try:
        built = _build(claim, deadline)
    except _Unbuildable as error:
        return _fail(claim, str(error), retry=False)
    except (MediaError, OSError) as error:
        return _fail(claim, str(error), retry=True)
    except Exception as error:
        # A bug: recorded on the item and retried like the rest, and raised for the task's log.
        _fail(claim, f"{type(error).__name__}: {error}", retry=True)
        raise
    return _finish(claim, built)


def _claim(broadcast_id: int) -> _Claim | str:
    """Move the item to processing (locked), or say why not."""
    now = timezone.now()
    max_attempts = settings.HAMAFZA_ARCHIVE_MAX_ATTEMPTS
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().filter(pk=broadcast_id).first()
        if broadcast is None:
            return "no_broadcast"
        item = ArchiveItem.objects.select_for_update().filter(broadcast=broadcast).first()
        if item is None:
            return "no_item"
        if item.status == ArchiveStatus.READY:
            return "ready"
        if broadcast.status != BroadcastStatus.ENDED:
            return "not_ended"
        if item.status == ArchiveStatus.PROCESSING and not _stale(item, now):
            return "busy"
        if item.attempts >= max_attempts:
            if item.status != ArchiveStatus.FAILED:
                item.status = ArchiveStatus.FAILED
                item.processing_started_at = None
                item.error = item.error or _(
                    "The archive could not be built in %(count)d attempts."
                ) % {"count": item.attempts}
                item.save(update_fields=["status", "processing_started_at", "error", "updated_at"])
            return "failed"
        item.status = ArchiveStatus.PROCESSING
        item.processing_started_at = now
        item.attempts += 1
        item.save(update_fields=["status", "processing_started_at", "attempts", "updated_at"])
        return _Claim(
            broadcast_id=broadcast.pk,
            item_id=item.pk,
            attempt=item.attempts,
            started_at=now,
            recordings=recordings_of(broadcast.pk),
        )


def _build(claim: _Claim, deadline: float) -> _Built:
    """The ffmpeg work, outside any transaction. Raises MediaError or _Unbuildable."""

    def left() -> float:
        return deadline - time.monotonic()

    if not claim.recordings:
        raise _Unbuildable(_("The broadcast has no recordings."))
    missing = [path.name for path in claim.recordings if not path.is_file()]
    if missing:
        raise _Unbuildable(
            _("Recording files are missing: %(names)s") % {"names": ", ".join(missing)}
        )
    infos = {path: media.probe(path, timeout=left()) for path in claim.recordings}
    usable = [path for path, info in infos.items() if info.has_audio or info.has_video]
    if not any(infos[path].has_audio for path in usable):
        raise MediaError(_("The recordings have no sound."))
    has_video = any(infos[path].has_video for path in usable)

    directory = archive_directory(claim.broadcast_id)
    directory.mkdir(parents=True, exist_ok=True)
    sound = media.audio_extract(usable, directory / AUDIO_NAME, timeout=left())
    # The item's main file: the MP4 when there is a picture, else the sound alone.
    main = (
        media.concat_to_mp4(usable, directory / VIDEO_NAME, timeout=left()) if has_video else sound
    )
    info = media.probe(main, timeout=left())
    thumbnail = ""
    if has_video:
        media.thumbnail(main, directory / THUMBNAIL_NAME, duration=info.duration, timeout=left())
        thumbnail = _relative(claim.broadcast_id, THUMBNAIL_NAME)
    media.waveform(sound, directory / WAVEFORM_NAME, timeout=left())
    return _Built(
        video_path=_relative(claim.broadcast_id, VIDEO_NAME) if has_video else "",
        audio_path=_relative(claim.broadcast_id, AUDIO_NAME),
        thumbnail_path=thumbnail,
        waveform_path=_relative(claim.broadcast_id, WAVEFORM_NAME),
        duration_seconds=info.duration,
        size_bytes=main.stat().st_size,
    )


def _finish(claim: _Claim, built: _Built) -> str:
    """Mark the item ready and the broadcast archived, then delete what the archive replaces."""
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().filter(pk=claim.broadcast_id).first()
        item = ArchiveItem.objects.select_for_update().filter(pk=claim.item_id).first()
        if broadcast is None or not _owns(item, claim):
            return "superseded"
        if (
            broadcast.status != BroadcastStatus.ENDED
            or recordings_of(broadcast.pk) != claim.recordings
        ):
            # Live again, or a late recording came in: this build is not the whole broadcast.
            # The attempt did not fail, so it is given back.
            ended = broadcast.status == BroadcastStatus.ENDED
            item.status = ArchiveStatus.PENDING
            item.attempts = max(0, item.attempts - 1)
            item.processing_started_at = None
            item.save(update_fields=["status", "attempts", "processing_started_at", "updated_at"])
            broadcast_id = broadcast.pk
            transaction.on_commit(lambda: _outputs_remove(broadcast_id))
            if ended:
                transaction.on_commit(lambda: services.archive_enqueue(broadcast_id=broadcast_id))
            log.info("archive b%s: the broadcast changed while it was built", broadcast_id)
            return "changed" if ended else "not_ended"
        item.status = ArchiveStatus.READY
        item.error = ""
        item.video_path = built.video_path
        item.audio_path = built.audio_path
        item.thumbnail_path = built.thumbnail_path
        item.waveform_path = built.waveform_path
        item.duration_seconds = built.duration_seconds
        item.size_bytes = built.size_bytes
        item.processing_started_at = None
        item.ready_at = timezone.now()
        item.save(update_fields=[*READY_FIELDS, "updated_at"])
        broadcast.status = BroadcastStatus.ARCHIVED
        broadcast.save(update_fields=["status"])
        broadcast_id = broadcast.pk
        transaction.on_commit(lambda: archive_sources_discard(broadcast_id=broadcast_id))
    log.info(
        "archive b%s: ready (%.1f s, %d bytes, attempt %d)",
        claim.broadcast_id,
        built.duration_seconds or 0,
        built.size_bytes,
        claim.attempt,
    )
    return "ready"


def _fail(claim: _Claim, reason: str, *, retry: bool) -> str:
    """Record why the build failed; queue it again while attempts are left."""
    max_attempts = settings.HAMAFZA_ARCHIVE_MAX_ATTEMPTS
    with transaction.atomic():
        item = ArchiveItem.objects.select_for_update().filter(pk=claim.item_id).first()
        if not _owns(item, claim):
            log.warning("archive b%s: failed, but superseded: %s", claim.broadcast_id, reason)
            return "superseded"
        item.error = reason
        item.processing_started_at = None
        broadcast_id = claim.broadcast_id
        if retry and item.attempts < max_attempts:
            item.status = ArchiveStatus.PENDING
            delay = services.archive_retry_delay(attempts=item.attempts)
            transaction.on_commit(
                lambda: services.archive_enqueue(broadcast_id=broadcast_id, delay=delay)
            )
            outcome = "retry"
        else:
            item.status = ArchiveStatus.FAILED
            transaction.on_commit(lambda: _outputs_remove(broadcast_id))
            outcome = "failed"
        item.save(update_fields=["status", "error", "processing_started_at", "updated_at"])
    log.warning(
        "archive b%s: attempt %d of %d failed (%s): %s",
        claim.broadcast_id,
        claim.attempt,
        max_attempts,
        "will retry" if outcome == "retry" else "gave up",
        reason,
    )
    return outcome


def _outputs_remove(broadcast_id: int) -> None:
    """Remove a build's files: nothing half-made is left beside a failed item."""
    directory = archive_directory(broadcast_id)
    if not directory.exists():
        return
    try:
        shutil.rmtree(directory)
    except OSError as error:
        log.warning("archive b%s: could not remove %s: %s", broadcast_id, directory, error)


def archive_sources_discard(*, broadcast_id: int) -> int:
    """After the item is ready: delete the recording files and the live HLS directory.

    Only files inside ``HAMAFZA_RECORDINGS_DIR`` are touched. Returns how many
    recording files were deleted. Safe to repeat.
    """
    root = Path(settings.HAMAFZA_RECORDINGS_DIR).resolve()
    deleted = 0
    for path in recordings_of(broadcast_id):
        file = path.resolve()
        if root not in file.parents or not file.exists():
            continue
        try:
            file.unlink()
            deleted += 1
        except OSError as error:
            log.warning("archive b%s: could not delete %s: %s", broadcast_id, file, error)
    live = Path(settings.HAMAFZA_LIVE_DIR) / f"b{broadcast_id}"
    if live.exists():
        try:
            shutil.rmtree(live)
        except OSError as error:
            log.warning("archive b%s: could not remove %s: %s", broadcast_id, live, error)
    return deleted
