"""The whole path with real components: ffmpeg publishes to nginx-rtmp, which asks Django,
the packager writes HLS, nginx records, and the recording becomes an archive item."""

import json
import subprocess
import time
import urllib.request

import m3u8
import pytest

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
from hamafza.broadcast.tests.conftest import ffmpeg_publish
from hamafza.core.permissions import SYSTEM

pytestmark = [pytest.mark.ingest, pytest.mark.django_db(transaction=True)]


def wait_for(condition, *, timeout: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def playlist(url: str) -> m3u8.M3U8 | None:
    try:
        return m3u8.loads(fetch(url).decode(), uri=url)
    except OSError:
        return None


def ffprobe(path) -> dict:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(result.stdout)


def stop(publisher: subprocess.Popen) -> None:
    publisher.terminate()
    try:
        publisher.wait(timeout=10)
    except subprocess.TimeoutExpired:
        publisher.kill()
        publisher.wait()


def test_a_valid_key_goes_live_is_packaged_recorded_and_archived(ingest_stack, channel):
    # Given a channel and its stream key
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel)
    # When an encoder publishes a test pattern with sound (1-s keyframes)
    publisher = ffmpeg_publish(ingest_stack.publish_url(channel, secret), seconds=30)
    try:
        # Then the channel goes live
        broadcast = wait_for(
            lambda: Broadcast.objects.filter(channel=channel, status="live").first(),
            timeout=15,
            what="the broadcast to go live",
        )
        base = f"{ingest_stack.http_base}/live/{broadcast.ingest_name}"
        # and the packager's media playlists fill with short segments dated by the wall clock
        source = wait_for(
            lambda: (p := playlist(f"{base}/source/index.m3u8")) and len(p.segments) >= 3 and p,
            timeout=25,
            what="three video segments",
        )
        assert source.target_duration <= 2
        assert all(segment.duration <= 1.5 for segment in source.segments)
        assert all(segment.program_date_time is not None for segment in source.segments)
        assert not source.is_endlist
        # the video master (what hls.js plays) lists the source rendition, copied as it came
        video = m3u8.loads(fetch(f"{base}/video.m3u8").decode())
        assert video.is_variant
        assert [p.uri for p in video.playlists] == ["source/index.m3u8"]
        assert video.playlists[0].stream_info.resolution == (320, 180)
        assert video.playlists[0].stream_info.codecs.startswith("avc1.")
        # the full master also offers the audio-only rendition, which has its own playlist
        every = m3u8.loads(fetch(f"{base}/index.m3u8").decode())
        audio_variants = [p for p in every.playlists if p.stream_info.codecs == "mp4a.40.2"]
        assert [p.uri for p in audio_variants] == ["audio/index.m3u8"]
        audio = wait_for(
            lambda: (p := playlist(f"{base}/audio/index.m3u8")) and len(p.segments) >= 2 and p,
            timeout=10,
            what="audio segments",
        )
        segment = fetch(audio.segments[0].absolute_uri)
        assert len(segment) > 1000
        probe_file = ingest_stack.root / "segment.ts"
        probe_file.write_bytes(segment)
        streams = ffprobe(probe_file)["streams"]
        assert [s["codec_type"] for s in streams] == ["audio"]
        assert streams[0]["codec_name"] == "aac"
        assert int(streams[0].get("bit_rate", 64000)) <= 80000
        # the HLS is served with the headers a player on another site needs
        with urllib.request.urlopen(f"{base}/source/index.m3u8", timeout=5) as response:
            assert response.headers["Content-Type"] == "application/vnd.apple.mpegurl"
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert response.headers["Cache-Control"] == "no-cache"
        time.sleep(2)
    finally:
        # When the encoder stops
        stop(publisher)
    # Then the broadcast ends, its recording is archived, and the item plays
    item = wait_for(
        lambda: ArchiveItem.objects.filter(broadcast=broadcast, status=ArchiveStatus.READY).first(),
        timeout=60,
        what="the archive item to be ready",
    )
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.ARCHIVED
    assert broadcast.ended_at is not None
    assert Recording.objects.filter(broadcast=broadcast).exists()
    archive_dir = ingest_stack.root / "archive"
    mp4 = archive_dir / item.video_path
    info = ffprobe(mp4)
    assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}
    assert float(info["format"]["duration"]) > 3
    assert item.duration_seconds and item.duration_seconds > 3
    assert (archive_dir / item.audio_path).stat().st_size > 0
    # and the archive is served by nginx, not Python, with byte ranges for seeking
    request = urllib.request.Request(
        f"{ingest_stack.http_base}/archive/{item.video_path}", headers={"Range": "bytes=0-99"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 206
        assert len(response.read()) == 100


def test_a_wrong_key_is_refused_and_leaves_nothing(ingest_stack, channel):
    # Given a channel with a key, and an encoder that has the wrong one
    services.stream_key_create(actor=SYSTEM, channel=channel)
    publisher = ffmpeg_publish(ingest_stack.publish_url(channel, "hz_not-the-key"), seconds=5)
    # When it publishes, nginx refuses it
    try:
        publisher.wait(timeout=15)
    finally:
        if publisher.poll() is None:
            stop(publisher)
    assert publisher.returncode != 0
    # Then the refusal is logged with its reason, and nothing was published or kept
    event = wait_for(
        lambda: IngestEvent.objects.filter(outcome=IngestOutcome.REFUSED).first(),
        timeout=5,
        what="the refusal",
    )
    assert event.reason == "unknown_key" and event.channel_id == channel.pk
    assert not Broadcast.objects.exists()
    assert list((ingest_stack.root / "live").iterdir()) == []
    assert list((ingest_stack.root / "recordings").iterdir()) == []


def test_a_key_of_another_channel_is_refused(ingest_stack, channel, other_organization):
    from hamafza.broadcast.tests.factories import ChannelFactory

    other = ChannelFactory(organization=other_organization)
    _key, other_secret = services.stream_key_create(actor=SYSTEM, channel=other)
    publisher = ffmpeg_publish(ingest_stack.publish_url(channel, other_secret), seconds=5)
    try:
        publisher.wait(timeout=15)
    finally:
        if publisher.poll() is None:
            stop(publisher)
    assert publisher.returncode != 0
    assert IngestEvent.objects.get().reason == "other_channel"
    assert not Broadcast.objects.exists()


def test_an_unsupported_codec_is_refused_with_its_reason(ingest_stack, channel):
    # Given an encoder sending video that is not H.264 (Sorenson/FLV1)
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel)
    publisher = ffmpeg_publish(ingest_stack.publish_url(channel, secret), seconds=20, video="flv")
    try:
        # Then the packager's probe refuses it and the ingest drops the encoder
        event = wait_for(
            lambda: IngestEvent.objects.filter(outcome=IngestOutcome.REFUSED).first(),
            timeout=20,
            what="the refusal",
        )
        publisher.wait(timeout=15)
    finally:
        if publisher.poll() is None:
            stop(publisher)
    assert event.reason == "unsupported_video"
    assert "flv1" in event.detail
    broadcast = Broadcast.objects.get()
    assert broadcast.status == BroadcastStatus.CANCELLED
    assert "H.264" in broadcast.refusal
    # and what nginx recorded in those seconds is deleted, not archived
    wait_for(
        lambda: not list((ingest_stack.root / "recordings").iterdir()),
        timeout=10,
        what="the recording to be removed",
    )
    assert not ArchiveItem.objects.exists()
    assert not (ingest_stack.root / "live" / broadcast.ingest_name / "source").exists()


@pytest.fixture
def transcode_144(settings):
    settings.HAMAFZA_TRANSCODE_HEIGHTS = [144, 720]  # 720 is above the source: skipped


def test_transcoded_renditions_when_the_setting_asks(transcode_144, ingest_stack, channel):
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel)
    publisher = ffmpeg_publish(ingest_stack.publish_url(channel, secret), seconds=25)
    try:
        broadcast = wait_for(
            lambda: Broadcast.objects.filter(channel=channel, status="live").first(),
            timeout=15,
            what="the broadcast to go live",
        )
        base = f"{ingest_stack.http_base}/live/{broadcast.ingest_name}"
        transcoded = wait_for(
            lambda: (p := playlist(f"{base}/144p/index.m3u8")) and len(p.segments) >= 2 and p,
            timeout=25,
            what="transcoded segments",
        )
        video = m3u8.loads(fetch(f"{base}/video.m3u8").decode())
        assert [p.uri for p in video.playlists] == ["source/index.m3u8", "144p/index.m3u8"]
        assert video.playlists[1].stream_info.resolution == (256, 144)
        probe_file = ingest_stack.root / "transcoded.ts"
        probe_file.write_bytes(fetch(transcoded.segments[0].absolute_uri))
        streams = ffprobe(probe_file)["streams"]
        assert {(s["codec_type"], s.get("height")) for s in streams} >= {("video", 144)}
        assert not (ingest_stack.root / "live" / broadcast.ingest_name / "720p").exists()
    finally:
        stop(publisher)


def packager_pids(stack, broadcast) -> list[int]:
    result = subprocess.run(
        ["pgrep", "-f", f"{stack.root}/ingest/packager.json --name {broadcast.ingest_name}$"],
        capture_output=True,
        text=True,
    )
    return [int(pid) for pid in result.stdout.split()]


def test_a_killed_packager_is_restarted_and_the_playlist_goes_on(ingest_stack, channel):
    # Given a live broadcast being packaged
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel)
    publisher = ffmpeg_publish(ingest_stack.publish_url(channel, secret), seconds=40)
    try:
        broadcast = wait_for(
            lambda: Broadcast.objects.filter(channel=channel, status="live").first(),
            timeout=15,
            what="the broadcast to go live",
        )
        url = f"{ingest_stack.http_base}/live/{broadcast.ingest_name}/source/index.m3u8"
        before = wait_for(
            lambda: (p := playlist(url)) and len(p.segments) >= 3 and p,
            timeout=25,
            what="three segments",
        )
        last_before = before.media_sequence + len(before.segments) - 1
        (pid,) = packager_pids(ingest_stack, broadcast)
        # When the packager is killed outright
        subprocess.run(["kill", "-9", str(pid)], check=True)
        # Then nginx starts another, which continues the same playlist after a discontinuity
        wait_for(
            lambda: (pids := packager_pids(ingest_stack, broadcast)) and pids != [pid],
            timeout=15,
            what="a new packager",
        )
        after = wait_for(
            lambda: (
                (p := playlist(url))
                and p.media_sequence + len(p.segments) - 1 >= last_before + 3
                and p
            ),
            timeout=30,
            what="new segments after the restart",
        )
        assert any(segment.discontinuity for segment in after.segments)
        numbers = [int(s.uri.split(".")[0]) for s in after.segments]
        assert numbers == sorted(numbers) and numbers[-1] > last_before
        # and only one ffmpeg packages the stream (the old one died with its packager)
        writers = subprocess.run(
            ["pgrep", "-f", f"internal/{broadcast.ingest_name} .*{ingest_stack.root}/live"],
            capture_output=True,
            text=True,
        ).stdout.split()
        assert len(writers) == 1
    finally:
        stop(publisher)
    # and the recording, made by nginx, was never interrupted
    item = wait_for(
        lambda: ArchiveItem.objects.filter(broadcast=broadcast, status=ArchiveStatus.READY).first(),
        timeout=60,
        what="the archive item",
    )
    assert item.duration_seconds > 8
