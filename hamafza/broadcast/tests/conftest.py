"""Fixtures for broadcasting: factories, and a real ingest (nginx-rtmp, the packager)."""

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from hamafza.broadcast import ingest
from hamafza.broadcast.tests.factories import ChannelFactory
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role

HAVE_INGEST = bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) and bool(
    shutil.which("ffmpeg")
)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="هیئت محبان امام رضا (ع)")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="مسجد جامع")


@pytest.fixture
def channel(organization):
    return ChannelFactory(organization=organization, name="شبکه اصلی", slug="main")


@pytest.fixture
def actors(db, organization, other_organization):
    """Everyone who might try to write to ``organization``'s channels."""
    return {
        "anonymous": None,
        "viewer": user_with_role(organization, Role.VIEWER, username="viewer"),
        "editor": user_with_role(organization, Role.EDITOR, username="editor"),
        "owner": user_with_role(organization, Role.OWNER, username="owner"),
        "other_editor": user_with_role(other_organization, Role.OWNER, username="other"),
        "coordinator": UserFactory(username="coordinator", is_coordinator=True),
    }


@pytest.fixture
def media_dirs(settings, tmp_path):
    """Live, recordings and archive trees of this test's own."""
    settings.HAMAFZA_LIVE_DIR = tmp_path / "live"
    settings.HAMAFZA_RECORDINGS_DIR = tmp_path / "recordings"
    settings.HAMAFZA_ARCHIVE_DIR = tmp_path / "archive"
    settings.HAMAFZA_INGEST_DIR = tmp_path / "ingest"
    for path in ("live", "recordings", "archive", "ingest"):
        (tmp_path / path).mkdir()
    return tmp_path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@dataclass
class IngestStack:
    rtmp_port: int
    http_port: int
    root: Path
    process: subprocess.Popen

    @property
    def http_base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def publish_url(self, channel, key: str) -> str:
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/{channel.stream_name}?key={key}"

    def error_log(self) -> str:
        path = self.root / "ingest" / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def ingest_stack(settings, media_dirs, live_server):
    """nginx-rtmp on free loopback ports, calling back the live test server, with the packager."""
    if not HAVE_INGEST:
        pytest.skip("nginx and ffmpeg are not installed (scripts/bootstrap.sh installs them)")
    rtmp_port, http_port = free_port(), free_port()
    settings.HAMAFZA_INGEST_RTMP_PORT = rtmp_port
    settings.HAMAFZA_INGEST_HTTP_PORT = http_port
    settings.HAMAFZA_INGEST_CALLBACK_URL = live_server.url
    settings.HAMAFZA_DELIVERY_DOMESTIC_URL = f"http://127.0.0.1:{http_port}"
    settings.HAMAFZA_DELIVERY_INTERNATIONAL_URL = f"http://127.0.0.1:{http_port}"
    settings.HAMAFZA_NGINX = NGINX
    paths = ingest.config_write()
    process = subprocess.Popen(
        ingest.nginx_command(paths), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(rtmp_port)
        wait_for_port(http_port)
    except TimeoutError:
        process.kill()
        raise
    stack = IngestStack(rtmp_port, http_port, media_dirs, process)
    yield stack
    subprocess.run([*ingest.nginx_command(paths), "-s", "quit"], capture_output=True, timeout=10)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def ffmpeg_publish(
    url: str,
    *,
    seconds: float,
    video: str = "libx264",
    audio: str = "aac",
    keyframe_seconds: float = 1,
) -> subprocess.Popen:
    """Publish a test pattern with a tone to ``url`` in real time (a stand-in for OBS)."""
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re"]
    command += ["-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=25:duration={seconds}"]
    command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    if video == "libx264":
        command += ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency"]
        command += ["-g", str(int(25 * keyframe_seconds)), "-pix_fmt", "yuv420p"]
    elif video == "none":
        command += ["-vn"]
    else:
        command += ["-c:v", video]
    command += ["-c:a", audio, "-b:a", "96k"] if audio != "none" else ["-an"]
    command += ["-f", "flv", url]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
