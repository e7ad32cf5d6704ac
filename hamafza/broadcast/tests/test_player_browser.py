"""A real stream in a real browser: ffmpeg publishes to nginx-rtmp, Chromium plays it with hls.js.

The whole path a viewer takes: an encoder publishes with a stream key, the
ingest asks Django and goes live, the packager writes HLS, the player page
points hls.js at nginx, the video plays, the audio-only mode plays, and the
player's heartbeats are counted.
"""

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from hamafza.broadcast import services
from hamafza.broadcast.models import Broadcast, BroadcastStatus, ViewerPresence
from hamafza.broadcast.tests.conftest import ffmpeg_publish
from hamafza.core.permissions import SYSTEM

# Playwright's sync API runs an event loop in this thread; the test's own
# database reads happen between browser calls, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A player that starts by itself, as it does after a visitor's click.
    "--autoplay-policy=no-user-gesture-required",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results" / "screenshots"
H264_AAC = 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"'
AAC = 'audio/mp4; codecs="mp4a.40.2"'
HLS = "application/vnd.apple.mpegurl"
# What a browser without MediaSource looks like to hls.js (it then leaves playing to the browser).
NO_MEDIA_SOURCE = "delete window.MediaSource; delete window.ManagedMediaSource;"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def wait_until(condition, *, timeout: float, what: str, step: float = 0.2):
    """Poll ``condition`` until it returns something true; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(
        f"timed out after {timeout:g}s waiting for {what() if callable(what) else what}"
    )


def playlist_ready(url: str, segments: int = 2) -> bool:
    """The playlist answers over HTTP and lists at least ``segments`` segments."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            text = response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return False
    return text.count("#EXTINF") >= segments


def media_time(page) -> float:
    return page.evaluate("() => document.querySelector('[data-hz-media]').currentTime")


def assert_time_advances(page, *, seconds: float, timeout_ms: int = 30_000) -> None:
    """The media element is playing and its clock moves on by ``seconds``."""
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-hz-media]');"
        " return !v.paused && v.readyState >= 3 && v.currentTime > 0; }",
        timeout=timeout_ms,
    )
    start = media_time(page)
    page.wait_for_function(
        f"() => document.querySelector('[data-hz-media]').currentTime > {start + seconds}",
        timeout=timeout_ms,
    )


def test_a_published_stream_plays_as_video_then_audio_and_is_counted(
    browser, ingest_stack, live_server, channel, settings
):
    settings.HAMAFZA_HEARTBEAT_SECONDS = 2
    # Given a stream key, and an encoder publishing with it
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel, label="ffmpeg")
    publisher = ffmpeg_publish(ingest_stack.publish_url(channel, secret), seconds=180)
    context = None
    try:
        broadcast = wait_until(
            lambda: Broadcast.objects.filter(channel=channel, status=BroadcastStatus.LIVE).first(),
            timeout=30,
            what=lambda: f"the broadcast to go live\n{ingest_stack.error_log()[-3000:]}",
        )
        live_base = f"{ingest_stack.http_base}/live/{broadcast.ingest_name}"
        wait_until(
            lambda: (
                playlist_ready(f"{live_base}/source/index.m3u8")
                and playlist_ready(f"{live_base}/audio/index.m3u8")
                and playlist_ready(f"{live_base}/video.m3u8", segments=0)
            ),
            timeout=45,
            what=lambda: f"the live playlists\n{ingest_stack.error_log()[-6000:]}",
        )
        # When a viewer opens the player page
        context = browser.new_context(locale="fa", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{live_server.url}/broadcast/{broadcast.pk}/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        video_supported = page.evaluate(
            f"() => !!window.MediaSource && MediaSource.isTypeSupported('{H264_AAC}')"
        )
        assert page.evaluate(f"() => MediaSource.isTypeSupported('{AAC}')")
        player = page.locator("[data-hz-player]")
        player.wait_for()
        assert player.get_attribute("data-engine") == "hls.js"
        if video_supported:
            # Then hls.js plays the video
            assert player.get_attribute("data-mode") == "video"
            assert_time_advances(page, seconds=2.5)
            assert (
                page.evaluate("() => document.querySelector('[data-hz-media]').videoWidth") == 320
            )
            assert page.evaluate("() => window.hamafzaPlayers[0].hls.url").endswith("/video.m3u8")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "player-video-fa.png"), full_page=True)
        # And when they switch to sound only, the audio playlist plays
        page.click(f"label[for=hz-mode-audio-{broadcast.pk}]")
        page.wait_for_function(
            "() => window.hamafzaPlayers[0].hls.url.endsWith('/audio/index.m3u8')", timeout=10_000
        )
        assert player.get_attribute("data-mode") == "audio"
        assert_time_advances(page, seconds=2.5)
        page.screenshot(path=str(SCREENSHOTS / "player-audio-fa.png"), full_page=True)
        # And the player's heartbeats counted one viewer, the same one in both modes
        page.wait_for_function(
            "() => Number(document.querySelector('[data-hz-player]').dataset.heartbeats) >= 2",
            timeout=15_000,
        )
        broadcast.refresh_from_db()
        assert ViewerPresence.objects.filter(broadcast=broadcast).count() == 1
        assert broadcast.viewers_current == 1
        assert broadcast.viewers_peak == 1 and broadcast.viewers_total == 1
        assert page.locator("[data-hz-viewers]").inner_text() == "۱"
        context.close()
        # And a browser without MediaSource (Safari on the iPhone) gets its own HLS player
        context = browser.new_context(locale="en")
        context.add_init_script(NO_MEDIA_SOURCE)
        page = context.new_page()
        page.goto(f"{live_server.url}/broadcast/{broadcast.pk}/")
        player = page.locator("[data-hz-player]")
        player.wait_for()
        if page.evaluate(f"() => document.createElement('video').canPlayType('{HLS}') !== ''"):
            assert player.get_attribute("data-engine") == "native"
            assert page.evaluate("() => document.querySelector('[data-hz-media]').src").endswith(
                f"/live/{broadcast.ingest_name}/index.m3u8"
            )
            assert_time_advances(page, seconds=2.5)
        else:
            assert player.get_attribute("data-engine") == "none"
        assert video_supported, (
            "Chromium's MediaSource does not take H.264 + AAC: only the audio-only mode was tested"
        )
    finally:
        if context is not None:
            context.close()
        # The publisher stops last: its end starts the archive task (not tested here).
        publisher.terminate()
        try:
            publisher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            publisher.kill()
        _wait_for_the_end(channel)


def _wait_for_the_end(channel) -> None:
    """Let the ingest's publish_done (and the archive task it starts) finish before teardown."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not Broadcast.objects.filter(channel=channel, status=BroadcastStatus.LIVE).exists():
            break
        time.sleep(0.2)
    archive_dir = Path(django_settings.HAMAFZA_ARCHIVE_DIR)
    while time.monotonic() < deadline and not any(archive_dir.rglob("*.mp4")):
        if not Broadcast.objects.filter(channel=channel, archive__status="processing").exists():
            break
        time.sleep(0.2)
