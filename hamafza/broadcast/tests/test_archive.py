"""The archive: real FLV recordings (made by ffmpeg, as nginx-rtmp makes them) become a
faststart MP4, an audio file, a thumbnail and a waveform. ffmpeg is never mocked."""

import json
import shutil
import struct
import subprocess
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone, translation

from hamafza.broadcast import archive, media
from hamafza.broadcast.models import (
    ArchiveItem,
    ArchiveStatus,
    BroadcastStatus,
    Recording,
)
from hamafza.broadcast.tests.factories import BroadcastFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is not installed"),
]

RECORDING_START = 1_760_000_000  # a unix time, as in nginx's b<id>-<unix time>.flv


# --- helpers -------------------------------------------------------------------------------


def record(path: Path, *, seconds: float, video: bool = True, colour: str = "") -> Path:
    """Write an FLV like nginx-rtmp's recordings: H.264 + AAC, or AAC alone."""
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    if video:
        pattern = f"color=c={colour}:" if colour else "testsrc2="
        command += ["-f", "lavfi", "-i", f"{pattern}size=320x180:rate=25:duration={seconds}"]
    command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    if video:
        command += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p"]
    command += ["-c:a", "aac", "-b:a", "96k", "-f", "flv", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return path


def ffprobe(path: Path) -> dict:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(result.stdout)


def decodes_cleanly(path: Path) -> bool:
    """Every frame decodes without an error (what a player would do)."""
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode == 0 and not result.stderr.strip()


def top_level_atoms(path: Path) -> list[str]:
    """The MP4's top-level boxes, in file order."""
    names = []
    with path.open("rb") as handle:
        size_total = path.stat().st_size
        offset = 0
        while offset < size_total:
            handle.seek(offset)
            header = handle.read(8)
            if len(header) < 8:
                break
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0]
            elif size == 0:
                size = size_total - offset
            names.append(kind.decode("latin-1"))
            offset += size
    return names


def pixel(path: Path, at: float) -> tuple[int, int, int]:
    """The average colour of the frame at ``at`` seconds."""
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-ss", str(at), "-i", str(path),
         "-frames:v", "1", "-vf", "scale=1:1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        timeout=30,
        check=True,
    )  # fmt: skip
    return tuple(result.stdout[:3])


def ended_broadcast(channel, status=BroadcastStatus.ENDED):
    """An ended broadcast with a pending archive item (as broadcast_end leaves it)."""
    now = timezone.now()
    broadcast = BroadcastFactory(
        channel=channel,
        status=status,
        started_at=now - timedelta(minutes=10),
        ended_at=now - timedelta(minutes=1),
    )
    ArchiveItem.objects.create(broadcast=broadcast)
    return broadcast


def register(broadcast, *paths: Path) -> None:
    """The recordings nginx reported (on_record_done), in the order given."""
    for path in paths:
        Recording.objects.create(broadcast=broadcast, path=str(path.resolve()))


def recording_path(broadcast, offset: int = 0) -> Path:
    """Where nginx records the broadcast: b<id>-<unix time>.flv."""
    from django.conf import settings

    name = f"b{broadcast.pk}-{RECORDING_START + offset}.flv"
    return Path(settings.HAMAFZA_RECORDINGS_DIR) / name


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """Run archive_build as the worker does: what it queues on commit runs too (retries)."""

    def run(broadcast_id: int) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            return archive.archive_build(broadcast_id=broadcast_id)

    return run


# --- a whole build --------------------------------------------------------------------------


def test_a_broadcast_with_video_becomes_a_playable_faststart_mp4(channel, media_dirs, build):
    # Given an ended broadcast whose encoder sent 4 s of picture and sound, and its live HLS
    broadcast = ended_broadcast(channel)
    flv = record(recording_path(broadcast), seconds=4)
    register(broadcast, flv)
    live = media_dirs / "live" / f"b{broadcast.pk}"
    live.mkdir()
    (live / "index.m3u8").write_text("#EXTM3U\n")

    # When the archive is built
    outcome = build(broadcast.pk)

    # Then the item is ready, with its files under b<id>/ in the archive
    assert outcome == "ready"
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert item.status == ArchiveStatus.READY
    assert item.attempts == 1
    assert item.error == ""
    assert item.ready_at is not None
    assert item.video_path == f"b{broadcast.pk}/video.mp4"
    assert item.audio_path == f"b{broadcast.pk}/audio.m4a"
    assert item.thumbnail_path == f"b{broadcast.pk}/thumbnail.jpg"
    assert item.waveform_path == f"b{broadcast.pk}/waveform.png"
    root = media_dirs / "archive"
    mp4 = root / item.video_path
    # the MP4 holds the copied H.264 and AAC sound, plays through, and lasts 4 s
    info = ffprobe(mp4)
    codecs = {s["codec_type"]: s["codec_name"] for s in info["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    assert float(info["format"]["duration"]) == pytest.approx(4, abs=1)
    assert item.duration_seconds == pytest.approx(4, abs=1)
    assert item.size_bytes == mp4.stat().st_size
    assert decodes_cleanly(mp4)
    # it is faststart: the index (moov) comes before the media (mdat)
    atoms = top_level_atoms(mp4)
    assert atoms.index("moov") < atoms.index("mdat")
    # the audio file is sound alone, about 96 kb/s, faststart too
    audio = ffprobe(root / item.audio_path)
    assert [(s["codec_type"], s["codec_name"]) for s in audio["streams"]] == [("audio", "aac")]
    assert int(audio["streams"][0]["bit_rate"]) <= 110_000
    assert float(audio["format"]["duration"]) == pytest.approx(4, abs=1)
    m4a_atoms = top_level_atoms(root / item.audio_path)
    assert m4a_atoms.index("moov") < m4a_atoms.index("mdat")
    # the thumbnail is a JPEG picture and the waveform a PNG
    thumbnail = ffprobe(root / item.thumbnail_path)["streams"][0]
    assert (thumbnail["codec_name"], thumbnail["width"]) == ("mjpeg", 320)
    assert ffprobe(root / item.waveform_path)["streams"][0]["codec_name"] == "png"
    # no temporary file is left beside them
    assert sorted(p.name for p in (root / f"b{broadcast.pk}").iterdir()) == [
        "audio.m4a",
        "thumbnail.jpg",
        "video.mp4",
        "waveform.png",
    ]
    # the broadcast is archived; the recording and the live HLS are gone, the row stays
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.ARCHIVED
    assert not flv.exists()
    assert not live.exists()
    assert Recording.objects.filter(broadcast=broadcast).count() == 1


def test_an_audio_only_broadcast_keeps_its_sound_and_a_waveform(channel, media_dirs, build):
    # Given an ended broadcast from an audio-only encoder (a radio-style majlis)
    broadcast = ended_broadcast(channel)
    register(broadcast, record(recording_path(broadcast), seconds=3, video=False))
    # When the archive is built
    assert build(broadcast.pk) == "ready"
    # Then it has sound and a waveform (its poster), and no video or thumbnail
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert (item.video_path, item.thumbnail_path) == ("", "")
    root = media_dirs / "archive"
    audio = ffprobe(root / item.audio_path)
    assert [s["codec_type"] for s in audio["streams"]] == ["audio"]
    assert item.duration_seconds == pytest.approx(3, abs=1)
    assert item.size_bytes == (root / item.audio_path).stat().st_size
    assert ffprobe(root / item.waveform_path)["streams"][0]["codec_name"] == "png"
    assert not (root / f"b{broadcast.pk}" / "video.mp4").exists()


def test_the_recordings_of_a_reconnect_are_joined_in_order(channel, media_dirs, build):
    # Given an encoder that sent 3 s of a test pattern, dropped, and sent 4 s of red
    broadcast = ended_broadcast(channel)
    first = record(recording_path(broadcast, 0), seconds=3)
    second = record(recording_path(broadcast, 20), seconds=4, colour="red")
    # registered in the other order (record_done callbacks race)
    register(broadcast, second, first)
    # When the archive is built
    assert build(broadcast.pk) == "ready"
    # Then the MP4 lasts as long as both, the pattern first and the red after it
    item = ArchiveItem.objects.get(broadcast=broadcast)
    mp4 = media_dirs / "archive" / item.video_path
    assert float(ffprobe(mp4)["format"]["duration"]) == pytest.approx(7, abs=1)
    assert item.duration_seconds == pytest.approx(7, abs=1)
    assert decodes_cleanly(mp4)
    red, green, blue = pixel(mp4, 5.5)
    assert red > 200 and green < 60 and blue < 60
    assert pixel(mp4, 1.0) != (red, green, blue)
    assert not first.exists() and not second.exists()


# --- failures -------------------------------------------------------------------------------


def test_an_unreadable_recording_fails_with_its_reason_after_every_attempt(
    channel, media_dirs, build, settings
):
    # Given an ended broadcast whose recording is not media at all
    settings.HAMAFZA_ARCHIVE_MAX_ATTEMPTS = 3
    broadcast = ended_broadcast(channel)
    garbage = recording_path(broadcast)
    garbage.write_bytes(b"this is not an flv file " * 400)
    register(broadcast, garbage)
    # When the archive is built (each failure queues a retry, which runs)
    build(broadcast.pk)
    # Then after its three attempts the item has failed, saying why
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert item.status == ArchiveStatus.FAILED
    assert item.attempts == 3
    assert garbage.name in item.error
    assert "Invalid data" in item.error
    assert item.processing_started_at is None
    # and nothing half-made is left; the broadcast stays ended, its recording kept for staff
    assert not (media_dirs / "archive" / f"b{broadcast.pk}").exists()
    assert (item.video_path, item.audio_path, item.waveform_path) == ("", "", "")
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.ENDED
    assert garbage.exists()
    # and building it again does nothing more
    assert build(broadcast.pk) == "failed"
    assert ArchiveItem.objects.get(broadcast=broadcast).attempts == 3


def test_a_failed_attempt_with_attempts_left_waits_as_pending(channel, media_dirs, settings):
    # Given an unreadable recording, and a worker whose retry has not come yet
    settings.HAMAFZA_ARCHIVE_MAX_ATTEMPTS = 3
    broadcast = ended_broadcast(channel)
    garbage = recording_path(broadcast)
    garbage.write_bytes(b"\x00" * 5000)
    register(broadcast, garbage)
    # When one attempt runs (its retry is queued on commit, which this test never reaches)
    outcome = archive.archive_build(broadcast_id=broadcast.pk)
    # Then it is pending again with its reason and one attempt spent
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert outcome == "retry"
    assert (item.status, item.attempts) == (ArchiveStatus.PENDING, 1)
    assert garbage.name in item.error


def test_missing_recording_files_fail_at_once_with_a_clear_reason(channel, media_dirs, build):
    # Given an ended broadcast whose recording file was deleted from disk
    broadcast = ended_broadcast(channel)
    kept = record(recording_path(broadcast, 0), seconds=2)
    gone = recording_path(broadcast, 30)
    register(broadcast, kept, gone)
    # When the archive is built (the worker writing its reasons in English)
    with translation.override("en"):
        outcome = build(broadcast.pk)
    # Then it fails at once (retrying cannot bring a file back), naming the file
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert outcome == "failed"
    assert (item.status, item.attempts) == (ArchiveStatus.FAILED, 1)
    assert "missing" in item.error
    assert gone.name in item.error
    assert kept.exists()


def test_ffmpeg_that_runs_too_long_is_stopped_and_leaves_no_file(media_dirs):
    # Given a recording, and almost no time to convert it
    flv = record(media_dirs / "recordings" / "b999-1.flv", seconds=3)
    output = media_dirs / "archive" / "b999" / "video.mp4"
    # When the conversion has 10 ms
    with translation.override("en"), pytest.raises(media.MediaError) as error:
        media.concat_to_mp4([flv], output, timeout=0.01)
    # Then it is stopped with a reason, and neither the file nor a temporary one exists
    assert "seconds" in str(error.value)
    assert not output.exists()
    assert list(output.parent.iterdir()) == []


def test_media_errors_carry_ffmpegs_last_words(media_dirs):
    # Given a file that is not media
    junk = media_dirs / "recordings" / "junk.flv"
    junk.write_bytes(b"junk" * 100)
    # When it is read, converted or pictured
    for action in (
        lambda: media.probe(junk),
        lambda: media.audio_extract(junk, media_dirs / "archive" / "a.m4a"),
        lambda: media.waveform(junk, media_dirs / "archive" / "w.png"),
    ):
        with pytest.raises(media.MediaError) as error:
            action()
        # Then the error says what ffmpeg said
        assert "Invalid data" in str(error.value)
    assert list((media_dirs / "archive").iterdir()) == []


# --- idempotence and concurrency ---------------------------------------------------------------


def test_building_twice_does_not_redo_the_work(channel, media_dirs, build):
    # Given an archive built once
    broadcast = ended_broadcast(channel)
    register(broadcast, record(recording_path(broadcast), seconds=2))
    assert build(broadcast.pk) == "ready"
    item = ArchiveItem.objects.get(broadcast=broadcast)
    files = sorted((media_dirs / "archive" / f"b{broadcast.pk}").iterdir())
    stamps = [path.stat().st_mtime_ns for path in files]
    # When it is built again (the task ran twice)
    outcome = build(broadcast.pk)
    # Then nothing is redone
    assert outcome == "ready"
    again = ArchiveItem.objects.get(broadcast=broadcast)
    assert (again.attempts, again.ready_at) == (1, item.ready_at)
    assert [path.stat().st_mtime_ns for path in files] == stamps


def test_a_run_while_another_holds_the_item_leaves_it_alone(channel, media_dirs, build):
    # Given an item another worker has just started on
    broadcast = ended_broadcast(channel)
    flv = record(recording_path(broadcast), seconds=2)
    register(broadcast, flv)
    started = timezone.now()
    ArchiveItem.objects.filter(broadcast=broadcast).update(
        status=ArchiveStatus.PROCESSING, attempts=1, processing_started_at=started
    )
    # When a second run comes
    outcome = build(broadcast.pk)
    # Then it leaves the item to the first
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert outcome == "busy"
    assert (item.status, item.attempts, item.processing_started_at) == (
        ArchiveStatus.PROCESSING,
        1,
        started,
    )
    assert not (media_dirs / "archive" / f"b{broadcast.pk}").exists()
    assert flv.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_build_it_once(channel, media_dirs):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is one connection: nothing runs at once")
    # Given an ended broadcast, and two workers handed the same task
    broadcast = ended_broadcast(channel)
    register(broadcast, record(recording_path(broadcast), seconds=3))
    outcomes = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=10)
            outcomes.append(archive.archive_build(broadcast_id=broadcast.pk))
        finally:
            connection.close()

    # When both run at the same moment
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # Then one builds it and the other finds it taken (or already done)
    assert sorted(outcomes) in (["busy", "ready"], ["ready", "ready"])
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert (item.status, item.attempts) == (ArchiveStatus.READY, 1)


# --- reconnects -------------------------------------------------------------------------------


def test_a_broadcast_live_again_is_left_alone(channel, media_dirs, build):
    # Given a broadcast whose encoder came back within the grace: it is live again
    broadcast = ended_broadcast(channel, status=BroadcastStatus.LIVE)
    flv = record(recording_path(broadcast), seconds=2)
    register(broadcast, flv)
    # When the archive task (queued at the first end) runs
    outcome = build(broadcast.pk)
    # Then it does nothing: the item waits for the broadcast's real end
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert outcome == "not_ended"
    assert (item.status, item.attempts, item.error) == (ArchiveStatus.PENDING, 0, "")
    assert flv.exists()
    assert not (media_dirs / "archive" / f"b{broadcast.pk}").exists()
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.LIVE


def test_a_broadcast_that_goes_live_during_the_build_is_not_archived(
    channel, media_dirs, django_capture_on_commit_callbacks
):
    # Given a build that has claimed its item and converted the recording
    broadcast = ended_broadcast(channel)
    flv = record(recording_path(broadcast), seconds=2)
    register(broadcast, flv)
    claim = archive._claim(broadcast.pk)
    built = archive._build(claim, deadline=float("inf"))
    # When the encoder reconnects before the build is written
    broadcast.status = BroadcastStatus.LIVE
    broadcast.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = archive._finish(claim, built)
    # Then the item waits again, its attempt given back, and the recording is kept
    item = ArchiveItem.objects.get(broadcast=broadcast)
    assert outcome == "not_ended"
    assert (item.status, item.attempts) == (ArchiveStatus.PENDING, 0)
    assert flv.exists()
    assert not (media_dirs / "archive" / f"b{broadcast.pk}").exists()
