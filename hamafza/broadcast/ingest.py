"""nginx-rtmp, behind one small module: its configuration, its stat page, its control.

The configuration is generated from settings (``manage.py ingest_config``).
Its shape answers the module's known pitfalls:

- Encoders publish to ``live/<key>``. ``on_publish`` asks Django; Django
  answers with a redirect to the broadcast's internal name (``b42``), which
  renames the stream. A redirect does not rename HLS output, so ``live``
  writes none: it pushes the renamed stream into ``internal``, where the
  packager and the recorder see only ``b42``, never a key.
- ``on_publish_done`` can be missed (nginx restarts, the callback times out):
  ``broadcasts_reconcile`` compares live broadcasts with the stat page.
- ``hls_cleanup`` deletes recursively under ``hls_path``: nginx's own HLS is
  not used; ffmpeg writes under ``HAMAFZA_LIVE_DIR``, recordings and the
  archive each have their own tree.
- ``record`` overwrites a file of the same name: ``record_unique on``.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

INTERNAL_APP = "internal"
PUBLIC_APP = "live"
HTTP_TIMEOUT = 5


def ingest_secret() -> str:
    """The shared secret nginx-rtmp's callbacks carry: the setting, else derived from SECRET_KEY."""
    if settings.HAMAFZA_INGEST_SECRET:
        return settings.HAMAFZA_INGEST_SECRET
    return hmac.new(settings.SECRET_KEY.encode(), b"hamafza-ingest", hashlib.sha256).hexdigest()


def secret_matches(candidate: str) -> bool:
    return hmac.compare_digest(candidate.encode(), ingest_secret().encode())


def http_base() -> str:
    return f"http://{settings.HAMAFZA_INGEST_HTTP_HOST}:{settings.HAMAFZA_INGEST_HTTP_PORT}"


def callback_url(name: str) -> str:
    base = settings.HAMAFZA_INGEST_CALLBACK_URL.rstrip("/")
    query = urllib.parse.urlencode({"secret": ingest_secret()})
    return f"{base}/ingest/rtmp/{name}/?{query}"


@dataclass(frozen=True)
class IngestPaths:
    root: Path
    conf: Path
    packager_conf: Path
    pid: Path
    error_log: Path
    temp: Path


def ingest_paths() -> IngestPaths:
    root = Path(settings.HAMAFZA_INGEST_DIR)
    return IngestPaths(
        root=root,
        conf=root / "nginx.conf",
        packager_conf=root / "packager.json",
        pid=root / "nginx.pid",
        error_log=root / "error.log",
        temp=root / "tmp",
    )


def packager_config() -> dict:
    return {
        "input_base": f"rtmp://127.0.0.1:{settings.HAMAFZA_INGEST_RTMP_PORT}/{INTERNAL_APP}",
        "live_dir": str(Path(settings.HAMAFZA_LIVE_DIR).resolve()),
        "probe_url": callback_url("probe"),
        "ffmpeg": settings.HAMAFZA_FFMPEG,
        "ffprobe": settings.HAMAFZA_FFPROBE,
        "segment_seconds": settings.HAMAFZA_HLS_SEGMENT_SECONDS,
        "playlist_segments": settings.HAMAFZA_HLS_PLAYLIST_SEGMENTS,
        "audio_bitrate": settings.HAMAFZA_AUDIO_BITRATE,
        "transcode_heights": settings.HAMAFZA_TRANSCODE_HEIGHTS,
        "log_file": str(ingest_paths().root.resolve() / "packager.log"),
    }


RTMP_MODULE_PATHS = (
    "/usr/lib/nginx/modules/ngx_rtmp_module.so",
    "/usr/share/nginx/modules/ngx_rtmp_module.so",
)


def rtmp_module_line() -> str:
    """``load_module`` for the RTMP module, unless nginx was built with it."""
    for candidate in RTMP_MODULE_PATHS:
        if Path(candidate).exists():
            return f"load_module {candidate};"
    return "# the RTMP module is built into this nginx"


def nginx_config(*, foreground: bool = True) -> str:
    """nginx.conf for the ingest: RTMP on one port, HLS/archive/stat over HTTP on another."""
    paths = ingest_paths()
    live = Path(settings.HAMAFZA_LIVE_DIR).resolve()
    archive = Path(settings.HAMAFZA_ARCHIVE_DIR).resolve()
    recordings = Path(settings.HAMAFZA_RECORDINGS_DIR).resolve()
    packager = Path(__file__).with_name("packager.py").resolve()
    # -I: isolated, so the script's own directory (with selectors.py) cannot shadow the stdlib.
    packager_run = f"{sys.executable} -I {packager} --config {paths.packager_conf.resolve()}"
    rtmp = f"{settings.HAMAFZA_INGEST_RTMP_HOST}:{settings.HAMAFZA_INGEST_RTMP_PORT}"
    http = f"{settings.HAMAFZA_INGEST_HTTP_HOST}:{settings.HAMAFZA_INGEST_HTTP_PORT}"
    # nginx's workers drop to "nobody" when started as root, and could not
    # write the recordings: keep them as the user who owns the files.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    return f"""# Written by `manage.py ingest_config` from settings; edits are overwritten.
{rtmp_module_line()}
{user}
daemon {"off" if foreground else "on"};
worker_processes 1;
pid {paths.pid.resolve()};
error_log {paths.error_log.resolve()} info;
events {{ worker_connections 4096; }}

rtmp {{
    server {{
        listen {rtmp};
        chunk_size 4096;
        notify_method post;
        ping 30s;
        ping_timeout 15s;
        drop_idle_publisher 15s;

        # Encoders publish here, to c<channel>?key=<key>.
        application {PUBLIC_APP} {{
            live on;
            deny play all;
            notify_update_timeout 30s;
            on_publish {callback_url("publish")};
            on_publish_done {callback_url("publish-done")};
            # The stream was renamed to b<id> by on_publish's redirect.
            push rtmp://127.0.0.1:{settings.HAMAFZA_INGEST_RTMP_PORT}/{INTERNAL_APP};
        }}

        # Loopback only: the renamed stream, its packager and its recording.
        application {INTERNAL_APP} {{
            live on;
            allow publish 127.0.0.1;
            deny publish all;
            allow play 127.0.0.1;
            deny play all;
            on_publish {callback_url("publish")};
            on_publish_done {callback_url("publish-done")};
            record all;
            record_path {recordings};
            record_unique on;
            record_lock on;
            on_record_done {callback_url("record-done")};
            exec_kill_signal term;
            respawn on;
            respawn_timeout 2s;
            exec_push {packager_run} --name $name;
        }}
    }}
}}

http {{
    access_log off;
    client_body_temp_path {paths.temp.resolve()}/body;
    proxy_temp_path {paths.temp.resolve()}/proxy;
    fastcgi_temp_path {paths.temp.resolve()}/fastcgi;
    uwsgi_temp_path {paths.temp.resolve()}/uwsgi;
    scgi_temp_path {paths.temp.resolve()}/scgi;
    sendfile on;
    tcp_nopush on;
    types {{
        application/vnd.apple.mpegurl m3u8;
        video/mp2t ts;
        video/mp4 mp4;
        audio/mp4 m4a;
        image/jpeg jpg;
        image/png png;
    }}
    default_type application/octet-stream;

    server {{
        listen {http};

        # Live HLS, written by the packagers. Players on other sites may fetch it.
        location /live/ {{
            alias {live}/;
            add_header Access-Control-Allow-Origin * always;
            location ~ \\.m3u8$ {{
                add_header Cache-Control "no-cache" always;
                add_header Access-Control-Allow-Origin * always;
            }}
            location ~ \\.ts$ {{
                add_header Cache-Control "max-age=60" always;
                add_header Access-Control-Allow-Origin * always;
            }}
        }}

        # The archive: MP4, audio, thumbnails and waveforms. Byte ranges for seeking.
        location /archive/ {{
            alias {archive}/;
            add_header Access-Control-Allow-Origin * always;
            add_header Cache-Control "max-age=86400" always;
        }}

        # nginx-rtmp's state, read by the reconciler; its control, used to drop a publisher.
        location /stat {{
            allow 127.0.0.1;
            deny all;
            rtmp_stat all;
        }}
        location /control {{
            allow 127.0.0.1;
            deny all;
            rtmp_control all;
        }}
    }}
}}
"""


def config_write() -> IngestPaths:
    """Write nginx.conf and packager.json (mode 600: they hold the callback secret)."""
    paths = ingest_paths()
    for directory in (
        paths.root,
        paths.temp,
        Path(settings.HAMAFZA_LIVE_DIR),
        Path(settings.HAMAFZA_RECORDINGS_DIR),
        Path(settings.HAMAFZA_ARCHIVE_DIR),
    ):
        directory.mkdir(parents=True, exist_ok=True)
    for path, text in (
        (paths.conf, nginx_config()),
        (paths.packager_conf, json.dumps(packager_config(), indent=2)),
    ):
        temporary = path.with_name(path.name + ".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    return paths


def nginx_command(paths: IngestPaths) -> list[str]:
    return [
        settings.HAMAFZA_NGINX,
        "-c",
        str(paths.conf.resolve()),
        "-p",
        str(paths.root.resolve()),
    ]


@dataclass(frozen=True)
class StatStream:
    app: str
    name: str
    publishing: bool


class IngestUnavailable(Exception):
    """nginx-rtmp's HTTP side did not answer."""


def stat_streams() -> list[StatStream]:
    """The streams nginx-rtmp has now, from its stat page."""
    try:
        with urllib.request.urlopen(f"{http_base()}/stat", timeout=HTTP_TIMEOUT) as response:
            root = ET.fromstring(response.read())
    except (urllib.error.URLError, OSError, ET.ParseError) as error:
        raise IngestUnavailable(str(error)) from error
    streams = []
    for application in root.iter("application"):
        app = application.findtext("name", "")
        for stream in application.iter("stream"):
            streams.append(
                StatStream(
                    app=app,
                    name=stream.findtext("name", ""),
                    publishing=stream.find("publishing") is not None,
                )
            )
    return streams


def publisher_drop(name: str, app: str = PUBLIC_APP) -> bool:
    """Disconnect whoever publishes ``app/name``. False when nginx did not answer."""
    query = urllib.parse.urlencode({"app": app, "name": name})
    try:
        with urllib.request.urlopen(
            f"{http_base()}/control/drop/publisher?{query}", timeout=HTTP_TIMEOUT
        ):
            return True
    except (urllib.error.URLError, OSError):
        return False
