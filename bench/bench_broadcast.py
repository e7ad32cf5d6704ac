"""Live broadcasting on this machine: glass-to-glass latency, concurrent channels, ingest callbacks.

    .venv/bin/python bench/bench_broadcast.py                   # all three parts (about 15 min)
    .venv/bin/python bench/bench_broadcast.py --quick           # a smoke run (about 3 min)
    .venv/bin/python bench/bench_broadcast.py --only latency    # or: channels, callbacks (a,b)
    .venv/bin/python bench/bench_broadcast.py --only channels --channels 40,50,55 --duration 90

Builds a stack of its own under var/bench/broadcast/: a fresh SQLite database
(migrate; one organization, channels and stream keys made through the
services as SYSTEM), gunicorn (2 sync workers) answering the ingest's
callbacks, and the ingest nginx (``manage.py ingest_config --run``, pointed
at free ports and its own directories through HAMAFZA_INGEST_* variables),
which starts the real packager for every stream. Then:

1. latency: ffmpeg publishes a test pattern in real time with the wall-clock
   time of every frame burnt into the picture as a barcode. Chromium
   (Playwright) plays the HLS with hls.js from a page nginx serves next to
   it, and every 250 ms samples ``Date.now() - hls.playingDate`` (based on
   EXT-X-PROGRAM-DATE-TIME) and ``Date.now()`` minus the barcode of the frame
   on screen (glass to glass).
2. channels: N encoders publish one pre-encoded clip (``-re -stream_loop -1
   -c copy``); for a minute both HLS renditions of every channel are checked
   for gaps while the CPU time of nginx, the packagers and the publishers is
   counted from /proc.
3. callbacks: on_publish / on_publish_done latency against gunicorn, one
   connection per call, as nginx-rtmp makes them.

Prints markdown tables and writes them to bench/results/broadcast.md
(broadcast-quick.md for --quick). Targets are reported, never asserted: the
exit status is non-zero only on errors (the stack did not start, a callback
answered an unexpected status, the player never played).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import resource
import secrets
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from _common import (
    BENCH_VAR,
    PYTHON,
    ROOT,
    BenchError,
    CpuMeter,
    ProcInfo,
    django_env,
    free_port,
    gunicorn,
    log,
    machine_summary,
    manage,
    markdown_table,
    percentile,
    proc_cmdline,
    proc_descendants,
    proc_info,
    proc_table,
    run,
    sqlite_remove,
    sqlite_url,
    stopwatch,
    wait_for_quiet,
    wait_port,
    write_json,
    write_results,
)

WORK = BENCH_VAR / "broadcast"
DB_PATH = WORK / "bench.sqlite3"
LOGS = WORK / "logs"
CLIP = WORK / "clip-360p25-gop2s.flv"
HLS_JS = ROOT / "node_modules" / "hls.js" / "dist" / "hls.min.js"
PLAYER_JS = ROOT / "hamafza" / "static" / "js" / "player.js"
CHROMIUM = "/usr/bin/chromium"
FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

FPS = 25
SEGMENT_SECONDS = 1.0  # HAMAFZA_HLS_SEGMENT_SECONDS, the product's default
LATENCY_KEYFRAMES = (2, 1)  # seconds between keyframes at the encoder
LATENCY_TARGETS = {2: 6.0, 1: 4.0}  # p50 glass to glass, seconds
LATENCY_REFERENCE = "PeerTube small-latency ~11 s; Owncast default ~12 s (quoted)"
SWEEP = (10, 25, 40, 50, 60)
QUICK_SWEEP = (3,)
CHANNELS_TARGET = 50
CALLBACK_TARGET_MS = 10.0
CLIP_GOP_SECONDS = 2
CLIP_SECONDS = 20  # a whole number of GOPs: the loop keeps the keyframe cadence
# hls.js settings when static/js/player.js is not there (or does not play): what the
# brief asks for, lowLatencyMode and a live sync point about two segments from the edge.
STANDIN_HLS_CONFIG = {"lowLatencyMode": True, "liveSyncDurationCount": 2}
# Players measured beside the product's on the same page, at the same time: hls.js's
# defaults, and settings that would bring the live sync point closer (candidates).
OTHER_PLAYERS = {
    "defaults": ("hls.js defaults", {}),
    "sync15": ("candidate: sync 1.5 × target, catch-up 1.2×", {
        "liveSyncDurationCount": 1.5, "maxLiveSyncPlaybackRate": 1.2}),
}  # fmt: skip
HLS_CONFIG_KEYS = (
    "lowLatencyMode",
    "liveSyncDurationCount",
    "liveSyncDuration",
    "liveMaxLatencyDurationCount",
    "liveMaxLatencyDuration",
    "maxLiveSyncPlaybackRate",
    "liveDurationInfinity",
    "backBufferLength",
    "maxBufferLength",
)
# The barcode: 32 bits of "milliseconds since base", 20-pixel columns across the
# top 24 rows of a 640×360 picture; the lower 12 rows repeat the bits inverted,
# so a frame that does not decode cleanly is recognised and skipped.
BAR_BITS = 32
BAR_COLUMN = 20
BAR_ROWS = 24
PICTURE = (640, 360)

SETUP = """
import json, sys
import django
django.setup()
from hamafza.broadcast import services
from hamafza.core.models import Country
from hamafza.core.permissions import SYSTEM
from hamafza.directory.models import OrganizationKind
from hamafza.directory.services import organization_create

count = int(sys.argv[1])
organization = organization_create(
    actor=SYSTEM,
    kind=OrganizationKind.HEYAT,
    name="هیئت سنجش پخش زنده",
    country=Country.objects.get(code="IR"),
)
channels = []
for number in range(count):
    channel = services.channel_create(
        actor=SYSTEM, organization=organization, slug=f"bench-{number}", name=f"سنجش {number}"
    )
    _key, secret = services.stream_key_create(actor=SYSTEM, channel=channel, label="bench")
    channels.append({"id": channel.pk, "stream": channel.stream_name, "key": secret})
print(json.dumps(channels))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: short, 3 channels")
    parser.add_argument(
        "--only", default="latency,channels,callbacks", help="parts to run (comma-separated)"
    )
    parser.add_argument("--channels", help="channel counts to sweep (default 10,25,50,60; quick 3)")
    parser.add_argument("--duration", type=float, help="seconds checked per channel count (60)")
    parser.add_argument("--latency-seconds", type=float, help="seconds sampled per player (30)")
    parser.add_argument("--calls", type=int, help="rounds of callbacks (1000; quick 100)")
    parser.add_argument(
        "--keep-going", action="store_true", help="sweep on after a channel count shows gaps"
    )
    args = parser.parse_args()
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = parts - {"latency", "channels", "callbacks"}
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    sweep = (
        tuple(int(n) for n in args.channels.split(",") if n.strip())
        if args.channels
        else (QUICK_SWEEP if args.quick else SWEEP)
    )
    duration = args.duration or (15.0 if args.quick else 60.0)
    latency_seconds = args.latency_seconds or (12.0 if args.quick else 30.0)
    calls = args.calls or (100 if args.quick else 1000)

    for tool in (FFMPEG, NGINX):
        if not shutil.which(tool) and not Path(tool).exists():
            raise BenchError(f"{tool} not found: apt-get install -y ffmpeg nginx libnginx-mod-rtmp")

    signal.signal(signal.SIGTERM, _terminated)
    machine = machine_summary()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)

    pools = {"latency": len(LATENCY_KEYFRAMES) * 2, "callbacks": 6, "channels": max(sweep)}
    with stopwatch("prepare the database", timings):
        channels = database_prepare(sum(pools.values()), timings)
    pool = {}
    offset = 0
    for name, size in pools.items():
        pool[name] = channels[offset : offset + size]
        offset += size

    sections: list[str] = []
    data: dict = {"machine": machine, "quick": args.quick, "notes": NOTES}
    errors: list[str] = []
    url = sqlite_url(DB_PATH)
    if "callbacks" in parts:
        with stopwatch("callbacks", timings):
            table, rows, problems = callbacks_part(url, pool["callbacks"], calls)
        sections.append(table)
        data["callbacks"] = rows
        errors += problems
    if parts & {"latency", "channels"}:
        if not CLIP.exists() and "channels" in parts:
            with stopwatch("encode the clip", timings):
                clip_encode()
        with stack_running(url) as stack:
            if "latency" in parts:
                with stopwatch("latency", timings):
                    table, rows, problems = latency_part(stack, pool["latency"], latency_seconds)
                sections.append(table)
                data["latency"] = rows
                errors += problems
            if "channels" in parts:
                with stopwatch("channels", timings):
                    table, rows = channels_part(
                        stack, pool["channels"], sweep, duration, keep_going=args.keep_going
                    )
                sections.append(table)
                data["channels"] = rows
    timings["total"] = time.perf_counter() - started

    name = "broadcast-quick" if args.quick else "broadcast"
    lines = [
        "# Live broadcasting — latency, concurrent channels, ingest callbacks",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; {machine}; ffmpeg {_ffmpeg_version()}, "
        f"{_nginx_version()}, hls.js {_hlsjs_version()}, {_chromium_version()}.",
        "",
        *sections,
        "Time: " + ", ".join(f"{label} {seconds:.0f} s" for label, seconds in timings.items()),
    ]
    if NOTES:
        lines += ["", "**Notes:**", *[f"- {n}" for n in NOTES]]
    if errors:
        lines += ["", "**Errors:**", *[f"- {e}" for e in errors]]
    write_results(name, "\n".join(lines))
    write_json(name, data)
    return 1 if errors else 0


def _terminated(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


# The stack -------------------------------------------------------------------------------


def database_prepare(count: int, timings: dict) -> list[dict]:
    """A fresh database: migrate, then an organization with ``count`` channels and keys."""
    sqlite_remove(DB_PATH)
    url = sqlite_url(DB_PATH)
    with stopwatch("migrate", timings):
        manage(["migrate", "--noinput"], database_url=url, timeout=600)
    with stopwatch(f"{count} channels with a key each", timings):
        output = run([PYTHON, "-c", SETUP, str(count)], env=django_env(url), timeout=300).stdout
    return json.loads(output.strip().splitlines()[-1])


@dataclass
class Stack:
    web: str  # gunicorn's base URL: the callbacks' target
    rtmp_port: int
    http_port: int
    nginx: subprocess.Popen
    gunicorn_pid: int | None

    @property
    def http_base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def live(self) -> Path:
        return WORK / "live"

    def publish_url(self, channel: dict) -> str:
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/{channel['stream']}?key={channel['key']}"

    def error_log(self) -> Path:
        return WORK / "ingest" / "error.log"


def stack_env(*, web_port: int, rtmp_port: int, http_port: int, secret: str) -> dict[str, str]:
    """HAMAFZA_* variables that point gunicorn and the ingest at the bench's ports and dirs."""
    return {
        "HAMAFZA_INGEST_DIR": str(WORK / "ingest"),
        "HAMAFZA_LIVE_DIR": str(WORK / "live"),
        "HAMAFZA_RECORDINGS_DIR": str(WORK / "recordings"),
        "HAMAFZA_ARCHIVE_DIR": str(WORK / "archive"),
        "HAMAFZA_INGEST_RTMP_PORT": str(rtmp_port),
        "HAMAFZA_INGEST_HTTP_PORT": str(http_port),
        "HAMAFZA_INGEST_PUBLIC_URL": f"rtmp://127.0.0.1:{rtmp_port}/live",
        "HAMAFZA_INGEST_CALLBACK_URL": f"http://127.0.0.1:{web_port}",
        "HAMAFZA_INGEST_SECRET": secret,
        "HAMAFZA_DELIVERY_DOMESTIC_URL": f"http://127.0.0.1:{http_port}",
        "HAMAFZA_DELIVERY_INTERNATIONAL_URL": f"http://127.0.0.1:{http_port}",
        "HAMAFZA_NGINX": NGINX,
        "HAMAFZA_FFMPEG": FFMPEG,
        "HAMAFZA_FFPROBE": shutil.which("ffprobe") or "ffprobe",
    }


def _ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


@contextlib.contextmanager
def stack_running(database_url: str) -> Iterator[Stack]:
    """gunicorn (2 sync workers) and the ingest nginx, both stopped on the way out."""
    for name in ("live", "recordings", "archive", "ingest"):
        shutil.rmtree(WORK / name, ignore_errors=True)
        (WORK / name).mkdir(parents=True)
    web_port, rtmp_port, http_port = _ports(3)
    extra = stack_env(
        web_port=web_port, rtmp_port=rtmp_port, http_port=http_port, secret=secrets.token_hex(16)
    )
    with gunicorn(database_url, workers=2, port=web_port, extra_env=extra) as web:
        gunicorn_pid = _child_matching("gunicorn", f"127.0.0.1:{web_port}")
        with ingest_nginx(django_env(database_url, **extra), rtmp_port, http_port) as proc:
            log(f"stack: gunicorn {web}, rtmp://127.0.0.1:{rtmp_port}, http :{http_port}")
            yield Stack(web, rtmp_port, http_port, proc, gunicorn_pid)


def _child_matching(*words: str) -> int | None:
    table = proc_table()
    for pid, info in table.items():
        if info.ppid == os.getpid() and all(w in proc_cmdline(pid) for w in words):
            return pid
    return None


NOTES: list[str] = []  # anything the reader of the results must know about this run


def packager_check(env: dict[str, str]) -> None:
    """Write the configuration and run its ``exec_push`` command with ``--help``, as nginx
    would start it: a packager that cannot even import fails here, not silently in nginx."""
    run([PYTHON, "manage.py", "ingest_config"], env=env, timeout=120)
    conf = (WORK / "ingest" / "nginx.conf").read_text(encoding="utf-8")
    line = next((x for x in conf.splitlines() if x.strip().startswith("exec_push ")), None)
    if line is None:
        raise BenchError("the ingest configuration has no exec_push line")
    command = shlex.split(line.strip().removeprefix("exec_push ").rstrip(";"))
    command = [part for part in command if part not in ("--name", "$name")]
    result = subprocess.run(
        [*command, "--help"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
        raise BenchError(f"the packager does not start as nginx starts it: {tail}")


@contextlib.contextmanager
def ingest_nginx(env: dict[str, str], rtmp_port: int, http_port: int) -> Iterator[subprocess.Popen]:
    """``manage.py ingest_config --run``: writes the configuration, then execs nginx."""
    logfile = LOGS / "ingest-nginx.log"
    packager_check(env)
    proc = None
    try:
        with open(logfile, "ab") as out:
            proc = subprocess.Popen(
                [str(PYTHON), "manage.py", "ingest_config", "--run"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        for port in (rtmp_port, http_port):
            wait_port("127.0.0.1", port, timeout=60, proc=proc, logfile=logfile)
        yield proc
    finally:
        if proc is not None:
            ingest_stop(proc)


def ingest_stop(proc: subprocess.Popen) -> None:
    """Stop nginx, then whatever it started (packagers, their ffmpeg) that outlived it."""
    below = {
        (pid, info.started)
        for pid in proc_descendants(proc.pid)
        if pid != proc.pid and (info := proc_info(pid)) is not None
    }
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGQUIT)  # graceful
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    # Orphans: the tree seen before the stop, and any process working on this bench's
    # directories (a packager's ffmpeg whose packager died first).
    leftovers = []
    for pid, info in proc_table().items():
        ours = (pid, info.started) in below or (
            pid != os.getpid() and str(WORK / "ingest") in proc_cmdline(pid)
        )
        if ours:
            leftovers.append(pid)
    _kill_pids(leftovers)


def _kill_pids(pids: list[int]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = []
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
                alive.append(pid)
        deadline = time.monotonic() + 5
        while alive and time.monotonic() < deadline:
            alive = [pid for pid in alive if proc_info(pid) is not None]
            time.sleep(0.1)
        if not alive:
            return
        pids = alive


class Publishers:
    """ffmpeg encoders started by the bench; every one is stopped on the way out."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []
        self.logs: dict[int, Path] = {}

    def __enter__(self) -> Publishers:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, cmd: list[str], name: str) -> subprocess.Popen:
        logfile = LOGS / f"publisher-{name}.log"
        with open(logfile, "ab") as out:
            proc = subprocess.Popen(
                cmd, stdout=subprocess.DEVNULL, stderr=out, start_new_session=True
            )
        self.procs.append(proc)
        self.logs[proc.pid] = logfile
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs.clear()

    def tail(self, proc: subprocess.Popen, lines: int = 5) -> str:
        path = self.logs.get(proc.pid)
        if path is None or not path.exists():
            return ""
        return " | ".join(path.read_text(errors="replace").splitlines()[-lines:])


def live_broadcast_id(channel_id: int) -> int | None:
    """The channel's live broadcast, read from the bench database (read-only)."""
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{DB_PATH}?mode=ro", uri=True, timeout=5)
        ) as db:
            row = db.execute(
                "SELECT id FROM broadcast_broadcast WHERE channel_id = ? AND status = 'live' "
                "ORDER BY id DESC LIMIT 1",
                (channel_id,),
            ).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def stat_publishing(stack: Stack) -> int:
    """Streams nginx-rtmp has a publisher for now (both applications), from /stat."""
    try:
        with urllib.request.urlopen(f"{stack.http_base}/stat", timeout=5) as response:
            root = ET.fromstring(response.read())
    except (OSError, ET.ParseError):
        return -1
    return sum(1 for s in root.iter("stream") if s.find("publishing") is not None)


def packager_pids(stack: Stack, table: dict[int, ProcInfo] | None = None) -> list[int]:
    table = proc_table() if table is None else table
    return [
        pid
        for pid in proc_descendants(stack.nginx.pid, table)
        if pid in table and table[pid].comm != "nginx"
    ]


def ingest_settle(stack: Stack, timeout: float = 45) -> bool:
    """Wait until nginx has no stream and no packager is left (after the encoders stopped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stat_publishing(stack) == 0 and not packager_pids(stack):
            return True
        time.sleep(0.5)
    log(f"warning: the ingest did not settle in {timeout:.0f} s")
    return False


def wait_for(condition: Callable, *, timeout: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise BenchError(f"timed out after {timeout:g} s waiting for {what}")


# HLS playlists ---------------------------------------------------------------------------


@dataclass
class Segment:
    seq: int
    uri: str
    duration: float
    pdt: float | None  # EXT-X-PROGRAM-DATE-TIME, seconds since the epoch
    discontinuity: bool


@dataclass
class MediaPlaylist:
    media_sequence: int
    segments: list[Segment]
    ended: bool
    mtime: float


def _pdt(value: str) -> float | None:
    for parse in (
        datetime.fromisoformat,
        lambda v: datetime.strptime(v, "%Y-%m-%dT%H:%M:%S.%f%z"),
    ):
        with contextlib.suppress(ValueError):
            return parse(value).timestamp()
    return None


def playlist_read(path: Path) -> MediaPlaylist | None:
    try:
        mtime = path.stat().st_mtime
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    sequence, segments, ended = 0, [], False
    duration, pdt, discontinuity = None, None, False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":", 1)[1])
        elif line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].split(",", 1)[0])
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pdt = _pdt(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-DISCONTINUITY") and not line.startswith(
            "#EXT-X-DISCONTINUITY-SEQUENCE"
        ):
            discontinuity = True
        elif line.startswith("#EXT-X-ENDLIST"):
            ended = True
        elif line and not line.startswith("#") and duration is not None:
            seq = sequence + len(segments)
            segments.append(Segment(seq, line, duration, pdt, discontinuity))
            duration, pdt, discontinuity = None, None, False
    return MediaPlaylist(sequence, segments, ended, mtime)


@dataclass
class RenditionCheck:
    """Follows one media playlist over time and counts what would be a gap for a viewer.

    - the media sequence numbers seen form one unbroken run (no segment skipped,
      no restart), and each segment's file is named after its number;
    - every listed segment's file is there and not empty when the playlist lists it;
    - EXTINF is within ``tolerance`` of ``expected`` seconds;
    - PDT goes forward by no more than 1.5 × ``expected`` from one segment to the next;
    - the playlist is never older than 2 × ``expected`` + 1 s (the newest segment is
      not late);
    - no EXT-X-DISCONTINUITY, no EXT-X-ENDLIST while the encoder is on.
    """

    directory: Path
    expected: float
    tolerance: float
    seen: dict[int, Segment] = field(default_factory=dict)
    problems: Counter = field(default_factory=Counter)
    max_age: float = 0.0
    edges: list[tuple[float, float]] = field(default_factory=list)  # (mtime, PDT of media end)
    polls: int = 0

    @property
    def stale_after(self) -> float:
        return 2 * self.expected + 1.0

    def poll(self, now: float) -> None:
        self.polls += 1
        playlist = playlist_read(self.directory / "index.m3u8")
        if playlist is None or not playlist.segments:
            self.problems["no playlist"] += 1
            return
        age = now - playlist.mtime
        self.max_age = max(self.max_age, age)
        if age > self.stale_after:
            self.problems["late playlist"] += 1
        if playlist.ended:
            self.problems["ended"] += 1
        previous = None
        for segment in playlist.segments:
            known = self.seen.get(segment.seq)
            if known is None:
                self.seen[segment.seq] = segment
                self._check_new(segment, previous)
            elif known.uri != segment.uri or abs(known.duration - segment.duration) > 1e-6:
                self.problems["rewritten (restart)"] += 1
            try:
                size = (self.directory / segment.uri).stat().st_size
            except OSError:
                size = -1
            if size < 0:
                self.problems["file missing"] += 1
            elif size == 0:
                self.problems["file empty"] += 1
            previous = segment
        last = playlist.segments[-1]
        if last.pdt is not None:
            self.edges.append((playlist.mtime, last.pdt + last.duration))

    def _check_new(self, segment: Segment, previous: Segment | None) -> None:
        if segment.discontinuity:
            self.problems["discontinuity"] += 1
        if Path(segment.uri).stem.isdigit() and int(Path(segment.uri).stem) != segment.seq:
            self.problems["numbering"] += 1
        if abs(segment.duration - self.expected) > self.tolerance:
            self.problems["duration"] += 1
        if previous is not None and previous.pdt is not None and segment.pdt is not None:
            step = segment.pdt - previous.pdt
            if step <= 0 or step > 1.5 * self.expected:
                self.problems["PDT jump"] += 1

    def finish(self) -> dict:
        seqs = sorted(self.seen)
        if seqs:
            holes = (seqs[-1] - seqs[0] + 1) - len(seqs)
            if holes:
                self.problems["sequence hole"] += holes
        rate = None
        if len(self.edges) >= 2:
            (m0, e0), (m1, e1) = self.edges[0], self.edges[-1]
            if m1 - m0 > 1:
                rate = (e1 - e0) / (m1 - m0)
        lags = [mtime - edge for mtime, edge in self.edges]
        return {
            "segments": len(seqs),
            "problems": dict(self.problems),
            "max_age": self.max_age,
            "realtime": rate,
            "edge_lag": (min(lags), max(lags)) if lags else None,
        }


# 1. Glass-to-glass latency ---------------------------------------------------------------


def barcode_filter(base_seconds: str) -> str:
    """Burn the wall-clock time at which each frame is made into its top rows.

    ``setpts=RTCTIME`` gives every frame the wall clock (milliseconds, timebase
    1/1000) when the filter sees it: with ``-re`` that is when the encoder
    "captures" it. geq draws the bits; the timestamps are then made regular again.
    """
    value = f"floor((T-{base_seconds})*1000+0.5)"
    bit = f"mod(floor({value}/pow(2\\,floor(X/{BAR_COLUMN})))\\,2)"
    lum = f"if(lt(Y\\,{BAR_ROWS // 2})\\,255*{bit}\\,255-255*{bit})"
    width = PICTURE[0]
    return (
        "[0:v]settb=1/1000,setpts=RTCTIME/1000,split[a][b];"
        f"[b]crop={width}:{BAR_ROWS}:0:0,geq=lum='{lum}':cb=128:cr=128[s];"
        f"[a][s]overlay=0:0,setpts=N/({FPS}*TB)[v]"
    )


def pattern_publisher(url: str, keyframe_seconds: int, base_ms: int) -> list[str]:
    """A live encoder: test pattern + tone in real time, libx264 ultrafast/zerolatency."""
    gop = str(FPS * keyframe_seconds)
    width, height = PICTURE
    return [
        FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={FPS}",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-filter_complex", barcode_filter(f"{base_ms / 1000:.3f}"),
        "-map", "[v]", "-map", "1:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
        "-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-pix_fmt", "yuv420p",
        "-b:v", "1000k", "-c:a", "aac", "-b:a", "128k", "-ar", "48000",
        "-f", "flv", url,
    ]  # fmt: skip


def barcode_decode(gray: bytes, base_ms: int) -> int | None:
    """The wall-clock time (ms) in a 640×24 grey strip, or None if it does not read cleanly."""
    width = PICTURE[0]
    if len(gray) < width * BAR_ROWS:
        return None
    value = 0
    for bit in range(BAR_BITS):
        x = bit * BAR_COLUMN + BAR_COLUMN // 2
        top = gray[(BAR_ROWS // 4) * width + x] > 128
        bottom = gray[(3 * BAR_ROWS // 4) * width + x] > 128
        if top == bottom:
            return None
        if top:
            value |= 1 << bit
    return base_ms + value


def segment_stamp(path: Path, base_ms: int) -> int | None:
    """The barcode of a segment's first frame (segments begin on a keyframe)."""
    cmd = [
        FFMPEG, "-v", "error", "-i", str(path), "-frames:v", "1",
        "-vf", f"crop={PICTURE[0]}:{BAR_ROWS}:0:0", "-f", "rawvideo", "-pix_fmt", "gray", "-",
    ]  # fmt: skip
    result = subprocess.run(
        cmd,
        capture_output=True,
        timeout=30,
        check=False,
    )
    return barcode_decode(result.stdout, base_ms) if result.returncode == 0 else None


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hamafza latency bench</title>
<style>video {{ width: 640px; height: 360px; background: #000; }}</style></head>
<body>
<script type="application/json" id="bench-config">{config}</script>
<h1>product player</h1>
{product}
{others}
<script src="hls.min.js"></script>
<script>{script}</script>
{player_js}
<script>window.__benchStart();</script>
</body></html>
"""

# The player DOM that templates/broadcast/_player.html renders, for player.js.
PRODUCT_DOM = """<div class="hz-player" data-hz-player data-mode="video">
  <video class="hz-media" controls muted autoplay playsinline preload="none" data-hz-media
         id="product"></video>
  <p class="hz-meta" role="status" data-hz-status></p>
  <p class="hz-meta">Watching now: <span data-hz-viewers>0</span></p>
  <script type="application/json">{player}</script>
</div>"""

STANDIN_DOM = '<video id="product" muted autoplay playsinline></video>'

PAGE_SCRIPT = r"""
(() => {
  const B = JSON.parse(document.getElementById('bench-config').textContent);
  const OriginalHls = window.Hls;
  const created = [];
  // Every Hls the product's player.js makes is recorded: the bench reads its playingDate.
  class TrackedHls extends OriginalHls {
    constructor(config) { super(config); created.push(this); }
  }
  window.Hls = TrackedHls;
  const bench = window.__bench = {players: {}, errors: [], created: 0};
  window.addEventListener('error', (e) => bench.errors.push(String(e.message)));

  function decode(ctx) {
    const d = ctx.getImageData(0, 0, 640, B.rows).data;
    let value = 0;
    for (let bit = 0; bit < B.bits; bit++) {
      const x = bit * B.column + B.column / 2;
      const top = d[((B.rows / 4) * 640 + x) * 4] > 128;
      const bottom = d[((3 * B.rows / 4) * 640 + x) * 4] > 128;
      if (top === bottom) return null;
      if (top) value += 2 ** bit;
    }
    return B.baseMs + value;
  }

  function track(name, video, getHls) {
    const p = bench.players[name] = {
      samples: [], playingAt: null, waiting: 0, hlsErrors: [], config: null,
    };
    video.addEventListener('playing', () => {
      if (p.playingAt === null) p.playingAt = Date.now();
    });
    video.addEventListener('waiting', () => { if (p.playingAt !== null) p.waiting += 1; });
    const canvas = document.createElement('canvas');
    canvas.width = 640; canvas.height = B.rows;
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    let hooked = null;
    setInterval(() => {
      const hls = getHls();
      if (hls && hooked !== hls) {
        hooked = hls;
        p.config = Object.fromEntries(B.configKeys.map((k) => [k, hls.config[k] ?? null]));
        hls.on(OriginalHls.Events.ERROR, (_e, data) => {
          p.hlsErrors.push(data.details + (data.fatal ? ' (fatal)' : ''));
        });
      }
      if (!hls || p.playingAt === null || video.paused) return;
      const now = Date.now();
      const date = hls.playingDate;
      let stamp = null;
      if (video.videoWidth) {
        ctx.drawImage(video, 0, 0, video.videoWidth, video.videoHeight * B.rows / 360,
                      0, 0, 640, B.rows);
        stamp = decode(ctx);
      }
      const b = video.buffered;
      p.samples.push({
        t: now,
        pdt: date ? now - date.getTime() : null,
        g2g: stamp === null ? null : now - stamp,
        hlsLatency: hls.latency,
        targetLatency: hls.targetLatency,
        buffer: b.length ? b.end(b.length - 1) - video.currentTime : 0,
        rate: video.playbackRate,
      });
    }, 250);
  }

  window.__benchStart = () => {
    const product = document.getElementById('product');
    if (B.useProduct) {
      track('product', product, () => created[0]);
      // player.js may wait for the viewer to press play (preload="none").
      setTimeout(() => {
        if (!created.length) { product.muted = true; product.play().catch(() => {}); }
      }, 1500);
    } else {
      const hls = new OriginalHls(B.standin);
      hls.loadSource(B.src);
      hls.attachMedia(product);
      track('product', product, () => hls);
      product.play().catch(() => {});
    }
    for (const other of B.others) {
      const video = document.getElementById(other.name);
      const hls = new OriginalHls(other.config);
      hls.loadSource(B.src);
      hls.attachMedia(video);
      track(other.name, video, () => hls);
      video.play().catch(() => {});
    }
    setInterval(() => { bench.created = created.length; }, 250);
  };
})();
"""


def page_write(directory: Path, *, broadcast_id: int, base_ms: int, use_product: bool) -> str:
    """The player page, hls.js (and player.js) in one directory nginx serves under /live/."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HLS_JS, directory / "hls.min.js")
    src = f"/live/b{broadcast_id}/video.m3u8"
    player = {
        "video": src,
        "audio": f"/live/b{broadcast_id}/audio/index.m3u8",
        "native": f"/live/b{broadcast_id}/index.m3u8",
        "hasVideo": True,
        "heartbeatUrl": "/live/bench-player/heartbeat",
        "heartbeatSeconds": 3600,
        "messages": {"unsupported": "unsupported", "waiting": "waiting", "ended": "ended",
                     "forbidden": "forbidden"},
    }  # fmt: skip
    config = {
        "src": src,
        "baseMs": base_ms,
        "useProduct": use_product,
        "standin": STANDIN_HLS_CONFIG,
        "configKeys": HLS_CONFIG_KEYS,
        "bits": BAR_BITS,
        "column": BAR_COLUMN,
        "rows": BAR_ROWS,
        "others": [{"name": k, "config": c} for k, (_label, c) in OTHER_PLAYERS.items()],
    }
    if use_product:
        shutil.copyfile(PLAYER_JS, directory / "player.js")
    page = PAGE.format(
        config=json.dumps(config),
        product=PRODUCT_DOM.format(player=json.dumps(player)) if use_product else STANDIN_DOM,
        script=PAGE_SCRIPT,
        player_js='<script src="player.js"></script>' if use_product else "",
        others="\n".join(
            f'<h1>{label}</h1>\n<video id="{name}" muted autoplay playsinline></video>'
            for name, (label, _config) in OTHER_PLAYERS.items()
        ),
    )
    (directory / "index.html").write_text(page, encoding="utf-8")
    return f"/live/{directory.name}/index.html"


@contextlib.contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        try:
            yield browser
        finally:
            browser.close()


def _as_html(route) -> None:
    """nginx's ingest config types no .html (pages come from Django): serve its bytes as HTML."""
    response = route.fetch()
    headers = {**response.headers, "content-type": "text/html; charset=utf-8"}
    route.fulfill(response=response, headers=headers)


def player_measure(
    browser, stack: Stack, *, broadcast_id: int, base_ms: int, seconds: float
) -> dict:
    """Open the page, wait for both players to play, sample for ``seconds``."""
    use_product = PLAYER_JS.exists()
    attempts = [True, False] if use_product else [False]
    note = "" if use_product else "static/js/player.js is not there: bench stand-in settings"
    for product in attempts:
        path = page_write(
            stack.live / "bench-player",
            broadcast_id=broadcast_id,
            base_ms=base_ms,
            use_product=product,
        )
        page = browser.new_page()
        try:
            page.route("**/bench-player/*.html", _as_html)
            page.goto(stack.http_base + path)
            deadline = time.monotonic() + 25
            state = {}
            while time.monotonic() < deadline:
                state = page.evaluate(
                    "() => Object.fromEntries(Object.entries(window.__bench.players)"
                    ".map(([k, p]) => [k, p.playingAt]))"
                )
                if state and all(state.values()):
                    break
                time.sleep(0.25)
            if not state.get("product") and product:
                errors = page.evaluate("() => window.__bench.errors")
                note = f"player.js did not play ({'; '.join(errors) or 'no error'}): stand-in"
                log(f"warning: {note}")
                continue
            if not all(state.values()):
                bench = page.evaluate("() => window.__bench")
                raise BenchError(f"the players did not start: {json.dumps(bench)[:800]}")
            time.sleep(seconds)
            bench = page.evaluate("() => window.__bench")
        finally:
            page.close()
        bench["product_label"] = "player.js" if product else "stand-in"
        bench["note"] = note
        return bench
    raise BenchError("unreachable")


def _stats(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "max": max(values) if values else float("nan"),
    }


def latency_run(stack: Stack, browser, channel: dict, keyframe_seconds: int, seconds: float):
    """One encoder, one packager, two players (the product's settings and hls.js defaults)."""
    base_ms = (int(time.time()) - 60) * 1000
    timeline: dict[str, float] = {}
    with Publishers() as publishers:
        t0 = time.time()
        publisher = publishers.start(
            pattern_publisher(stack.publish_url(channel), keyframe_seconds, base_ms),
            f"latency-{keyframe_seconds}s",
        )

        def alive():
            if publisher.poll() is not None:
                raise BenchError(f"the encoder exited: {publishers.tail(publisher)}")
            return True

        broadcast_id = wait_for(
            lambda: alive() and live_broadcast_id(channel["id"]), timeout=30, what="on_publish"
        )
        timeline["broadcast live (on_publish answered)"] = time.time() - t0
        out = stack.live / f"b{broadcast_id}"
        wait_for(lambda: alive() and out.is_dir(), timeout=30, what="the packager (probe)")
        timeline["packager's probe done (directory made)"] = time.time() - t0
        source = out / "source" / "index.m3u8"

        def listed(count):
            playlist = playlist_read(source)
            return playlist if playlist and len(playlist.segments) >= count else None

        wait_for(lambda: alive() and listed(1), timeout=30, what="the first segment")
        timeline["first segment listed"] = time.time() - t0
        playlist = wait_for(lambda: alive() and listed(4), timeout=40, what="four segments")
        # PDT of a segment against the capture time burnt into its first frame.
        offsets = []
        for segment in playlist.segments[1:4]:
            stamp = segment_stamp(source.parent / segment.uri, base_ms)
            if stamp is not None and segment.pdt is not None:
                offsets.append(segment.pdt - stamp / 1000)
        durations = [s.duration for s in playlist.segments]
        timeline["player opened"] = time.time() - t0
        bench = player_measure(
            browser, stack, broadcast_id=broadcast_id, base_ms=base_ms, seconds=seconds
        )
        first_play = min(p["playingAt"] for p in bench["players"].values()) / 1000
        timeline["first player playing"] = first_play - t0
    ingest_settle(stack)
    players = {}
    for name, p in bench["players"].items():
        samples = [s for s in p["samples"] if s["t"] >= p["playingAt"]]
        pdt = [s["pdt"] / 1000 for s in samples if s["pdt"] is not None]
        g2g = [s["g2g"] / 1000 for s in samples if s["g2g"] is not None]
        paired = [
            (s["g2g"] - s["pdt"]) / 1000
            for s in samples
            if s["g2g"] is not None and s["pdt"] is not None
        ]
        players[name] = {
            "pdt": _stats(pdt),
            "g2g": _stats(g2g),
            "offset_in_player": percentile(paired, 50),
            "samples": len(samples),
            "unreadable": sum(1 for s in samples if s["g2g"] is None),
            "stalls": p["waiting"],
            "hls_errors": Counter(p["hlsErrors"]).most_common(5),
            "config": p["config"],
            "hls_latency_p50": percentile(
                [s["hlsLatency"] for s in samples if s["hlsLatency"] is not None], 50
            ),
            "target_latency": percentile(
                [s["targetLatency"] for s in samples if s["targetLatency"] is not None], 50
            ),
            "buffer_p50": percentile([s["buffer"] for s in samples], 50),
        }
    return {
        "keyframe_seconds": keyframe_seconds,
        "broadcast": broadcast_id,
        "segment_durations": durations,
        "offset_server": percentile(offsets, 50) if offsets else float("nan"),
        "offsets_server": offsets,
        "timeline": timeline,
        "players": players,
        "product_label": bench["product_label"],
        "note": bench["note"],
    }


def latency_part(stack: Stack, channels: list[dict], seconds: float):
    results = []
    problems: list[str] = []
    with chromium() as browser:
        for index, keyframe in enumerate(LATENCY_KEYFRAMES):
            wait_for_quiet(timeout=60)
            log(f"latency: {keyframe}-s keyframes, sampling {seconds:g} s")
            try:
                results.append(latency_run(stack, browser, channels[index], keyframe, seconds))
            except BenchError as error:
                problems.append(f"latency with {keyframe}-s keyframes: {error}")
                log(f"error: {error}")
                ingest_settle(stack)
    return latency_table(results, seconds), results, problems


def _s(value: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.2f}"


def _triple(stats: dict) -> str:
    return f"{_s(stats['p50'])} / {_s(stats['p90'])} / {_s(stats['max'])}"


def latency_table(results: list[dict], seconds: float) -> str:
    rows = []
    for r in results:
        kf = r["keyframe_seconds"]
        segment = statistics_mean(r["segment_durations"])
        for name in ("product", *OTHER_PLAYERS):
            p = r["players"].get(name)
            if p is None:
                continue
            product = name == "product"
            label = f"product ({r['product_label']})" if product else OTHER_PLAYERS[name][0]
            config = p["config"] or {}
            sync = config.get("liveSyncDurationCount")
            sync_text = (
                f"{config.get('liveSyncDuration')} s"
                if config.get("liveSyncDuration")
                else (f"{sync} × target" if sync is not None else "?")
            )
            target = LATENCY_TARGETS[kf]
            met = p["g2g"]["p50"] <= target
            rows.append(
                [
                    f"{kf} s",
                    f"{segment:.2f} s",
                    label,
                    f"lowLatency {config.get('lowLatencyMode')}, sync {sync_text}, "
                    f"catch-up {config.get('maxLiveSyncPlaybackRate')}×",
                    _triple(p["pdt"]),
                    _s(r["offset_server"]) + " / " + _s(p["offset_in_player"]),
                    _triple(p["g2g"]),
                    f"{p['stalls']}",
                    f"≤ {target:g} s",
                    ("yes" if met else "**no**") if product else ("(yes)" if met else "(no)"),
                    LATENCY_REFERENCE if product else "—",
                ]
            )
    headers = [
        "keyframes",
        "segment",
        "player",
        "hls.js settings",
        "PDT-based p50 / p90 / max s",
        "encoder→PDT offset s (server / player)",
        "glass-to-glass p50 / p90 / max s",
        "stalls",
        "target p50",
        "met?",
        "reference (not measured)",
    ]
    lines = [
        "## 1. Glass-to-glass latency",
        "",
        f"One encoder (ffmpeg `-re`, testsrc2 640×360 {FPS} fps, libx264 ultrafast zerolatency, "
        "`-g` = fps × keyframe seconds, AAC 128k) → nginx-rtmp → packager → HLS on disk → nginx "
        "→ hls.js in Chromium (Playwright, headless). Two players on one page, same origin as "
        f"the HLS, sampled every 250 ms for {seconds:g} s after playback starts. The "
        "product's player (static/js/player.js, unchanged, on the DOM its template renders) "
        "plays beside hls.js with its defaults and with candidate settings, at the same time "
        "on the same stream; a candidate's *met?* is in brackets: it is not the product.",
        "",
        "- **PDT-based**: `Date.now() - hls.playingDate`; playingDate comes from "
        "EXT-X-PROGRAM-DATE-TIME, which the packager's ffmpeg stamps from its own clock "
        "when it starts writing, so it leaves out whatever happened before (encoder, RTMP, "
        "the packager's probe).",
        "- **encoder→PDT offset**: how much later than the frame's capture its PDT is. "
        "*server*: the PDT of segments 2–4 minus the capture time burnt into their first "
        "frame (read back with ffmpeg); *player*: the median of (glass-to-glass − PDT-based) "
        "over the samples.",
        "- **glass-to-glass**: `Date.now()` minus the capture time burnt into the frame on "
        "screen, as a 32-bit barcode drawn by the encoder (`setpts=RTCTIME` + `geq`), read "
        "from the video through a canvas. This is the corrected figure: PDT-based + offset.",
        "",
        markdown_table(headers, rows),
        "",
    ]
    for r in results:
        timeline = ", ".join(f"{k} {v:.2f} s" for k, v in r["timeline"].items())
        lines.append(f"- {r['keyframe_seconds']}-s keyframes, startup after the encoder "
                     f"started: {timeline}.")  # fmt: skip
        for name, p in r["players"].items():
            extra = (
                f"{name}: hls.latency p50 {_s(p['hls_latency_p50'])} s, targetLatency "
                f"{_s(p['target_latency'])} s, buffer ahead p50 {_s(p['buffer_p50'])} s, "
                f"{p['samples']} samples ({p['unreadable']} barcodes unreadable)"
            )
            if p["hls_errors"]:
                extra += ", hls.js errors: " + ", ".join(f"{e} ×{n}" for e, n in p["hls_errors"])
            lines.append(f"  - {extra}; settings {json.dumps(p['config'])}")
        if r["note"]:
            lines.append(f"  - note: {r['note']}")
    lines.append("")
    return "\n".join(lines)


def statistics_mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


# 2. Concurrent channels ------------------------------------------------------------------


def clip_encode() -> None:
    """One 360p/25 fps H.264 + AAC 128k clip with a 2-s GOP, encoded once and kept."""
    width, height = PICTURE
    gop = str(FPS * CLIP_GOP_SECONDS)
    temporary = CLIP.with_name(CLIP.stem + ".tmp.flv")
    cmd = [
        FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={FPS}",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", str(CLIP_SECONDS),
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main",
        "-b:v", "800k", "-maxrate", "800k", "-bufsize", "1600k",
        "-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2",
        "-f", "flv", str(temporary),
    ]  # fmt: skip
    run(cmd, timeout=300)
    os.replace(temporary, CLIP)


def clip_publisher(url: str) -> list[str]:
    return [
        FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error",
        "-re", "-stream_loop", "-1", "-i", str(CLIP), "-c", "copy", "-f", "flv", url,
    ]  # fmt: skip


def channels_level(stack: Stack, channels: list[dict], duration: float) -> dict:
    """N encoders at once; both renditions of every channel followed for ``duration`` s."""
    n = len(channels)
    busy_before = wait_for_quiet(timeout=90)
    result: dict = {"n": n, "busy_before": busy_before}
    with Publishers() as publishers:
        procs = {}
        t0 = time.monotonic()
        for channel in channels:
            procs[channel["id"]] = publishers.start(
                clip_publisher(stack.publish_url(channel)), f"clip-{channel['id']}"
            )
            time.sleep(0.1)
        checks: dict[int, dict[str, RenditionCheck]] = {}
        deadline = t0 + 60 + n
        while time.monotonic() < deadline and len(checks) < n:
            for channel in channels:
                if channel["id"] in checks:
                    continue
                broadcast_id = live_broadcast_id(channel["id"])
                if broadcast_id is None:
                    continue
                out = stack.live / f"b{broadcast_id}"
                listed = [playlist_read(out / r / "index.m3u8") for r in ("source", "audio")]
                if all(p is not None and len(p.segments) >= 2 for p in listed):
                    checks[channel["id"]] = {
                        "source": RenditionCheck(out / "source", CLIP_GOP_SECONDS, 0.1),
                        "audio": RenditionCheck(out / "audio", SEGMENT_SECONDS, 0.1),
                    }
            time.sleep(0.5)
        result["startup"] = time.monotonic() - t0
        result["live"] = len(checks)
        log(f"channels: {len(checks)}/{n} live after {result['startup']:.0f} s")

        publisher_pids = [p.pid for p in procs.values()]

        def classify(table: dict[int, ProcInfo]) -> dict[str, list[int]]:
            nginx_tree = proc_descendants(stack.nginx.pid, table)
            nginx = [pid for pid in nginx_tree if pid in table and table[pid].comm == "nginx"]
            packagers = [pid for pid in nginx_tree if pid in table and pid not in nginx]
            django = proc_descendants(stack.gunicorn_pid, table) if stack.gunicorn_pid else []
            groups = {
                "nginx": nginx,
                "packagers": packagers,
                "publishers": publisher_pids,
                "django": django,
                "bench": [os.getpid()],
            }
            ours = {pid for pids in groups.values() for pid in pids}
            for pid, info in table.items():  # everything else: other people's work, the kernel
                if pid not in ours:
                    groups.setdefault(f"other:{info.comm}", []).append(pid)
            return groups

        meter = CpuMeter(classify)
        meter.start()
        end = time.monotonic() + duration
        exited = set()
        while time.monotonic() < end:
            tick = time.monotonic()
            now = time.time()
            for renditions in checks.values():
                for check in renditions.values():
                    check.poll(now)
            for channel_id, proc in procs.items():
                if proc.poll() is not None:
                    exited.add(channel_id)
            meter.sample()
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
        cpu = meter.stop()
        processes = Counter(
            table.comm for pid in packager_pids(stack) if (table := proc_info(pid)) is not None
        )
    result["cpu"] = cpu
    result["packager_processes"] = dict(processes)
    channels_result = {}
    for channel in channels:
        renditions = checks.get(channel["id"])
        if renditions is None:
            channels_result[channel["id"]] = {"live": False}
            continue
        channels_result[channel["id"]] = {
            "live": True,
            "exited": channel["id"] in exited,
            **{name: check.finish() for name, check in renditions.items()},
        }
    result["channels"] = channels_result
    settled = ingest_settle(stack)
    result["settled"] = settled
    for item in (WORK / "recordings").glob("*"):
        item.unlink(missing_ok=True)
    return result


def packager_cost(loops: int, repeats: int) -> list[dict]:
    """CPU per second of media of the packager's own ffmpeg command (built by
    packager.ffmpeg_command from the stack's packager.json), run on the clip as fast as it
    goes, whole and in parts: where a channel's packager CPU goes, and what would change it."""
    sys.path.insert(0, str(ROOT))
    from hamafza.broadcast import packager

    config_path = WORK / "ingest" / "packager.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["transcode_heights"] = []
    streams = {"video": {"codec_name": "h264"}, "audio": {"codec_name": "aac"}, "bit_rate": 0}
    out = WORK / "cost"
    command = packager.ffmpeg_command(config, str(CLIP), out, streams)
    command = list(command)
    command[command.index("-i") : command.index("-i")] = ["-stream_loop", str(loops)]
    first_map = command.index("-map")
    audio_only = max(
        i for i in range(len(command) - 2) if command[i : i + 3] == ["-map", "0:a:0", "-vn"]
    )
    # The audio-only rendition: "-c:a", "aac", "-aac_coder", <coder>, "-b:a", <rate>, "-ac", "2"
    encode = command.index("aac", audio_only)
    coder = command.index("-aac_coder", encode) + 1
    default_coder = [*command[:coder], "twoloop", *command[coder + 1 :]]
    copied = [*command[: encode - 1], "-c:a", "copy", *command[encode + 7 :]]
    alone = command[:first_map] + command[audio_only:]
    variants = [
        ("the packager's ffmpeg as it runs (source copy + audio-only AAC encode, fast coder)",
         command),
        ("source rendition alone (video and audio copied)", command[:audio_only]),
        ("audio-only rendition alone (AAC encode, fast coder)", alone),
        ("both, with ffmpeg's default AAC coder (twoloop) on the audio-only rendition",
         default_coder),
        ("both, audio-only rendition copying the source's AAC (no encode)", copied),
    ]  # fmt: skip
    media = CLIP_SECONDS * (loops + 1)
    rows = []
    for label, cmd in variants:
        best = None
        for _ in range(repeats):  # the fastest of a few runs: other work only adds time
            shutil.rmtree(out, ignore_errors=True)
            for rendition in ("source", "audio"):
                (out / rendition).mkdir(parents=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            run(cmd, timeout=600)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if best is None or cpu < best[0]:
                best = (cpu, wall)
        cpu, wall = best
        rows.append({"label": label, "cpu": cpu, "wall": wall, "media": media,
                     "percent": 100 * cpu / media, "command": " ".join(cmd)})  # fmt: skip
    shutil.rmtree(out, ignore_errors=True)
    return rows


def _others(cpu: dict) -> float:
    return sum(v for k, v in cpu.items() if k.startswith("other:"))


def _others_top(cpu: dict, count: int = 4) -> str:
    top = sorted(((v, k[6:]) for k, v in cpu.items() if k.startswith("other:")), reverse=True)
    return ", ".join(f"{name} {seconds:.1f} s" for seconds, name in top[:count] if seconds >= 0.1)


def level_summary(level: dict) -> dict:
    problems: Counter = Counter()
    not_live = 0
    exited = 0
    max_age = 0.0
    realtime = []
    lags = []
    segments = Counter()
    for value in level["channels"].values():
        if not value["live"]:
            not_live += 1
            continue
        exited += value["exited"]
        for rendition in ("source", "audio"):
            r = value[rendition]
            for name, count in r["problems"].items():
                problems[f"{rendition}: {name}"] += count
            max_age = max(max_age, r["max_age"])
            segments[rendition] += r["segments"]
            if r["realtime"] is not None:
                realtime.append(r["realtime"])
            if r["edge_lag"]:
                lags += list(r["edge_lag"])
    gaps = not_live + exited + sum(problems.values())
    return {
        "gaps": gaps,
        "problems": problems,
        "not_live": not_live,
        "exited": exited,
        "max_age": max_age,
        "realtime_min": min(realtime) if realtime else float("nan"),
        "edge_lag": (min(lags), max(lags)) if lags else (float("nan"), float("nan")),
        "segments": segments,
    }


def channels_part(
    stack: Stack, pool: list[dict], sweep: tuple[int, ...], duration: float, *, keep_going: bool
):
    levels = []
    for n in sweep:
        log(f"channels: {n} encoders, {duration:g} s")
        level = channels_level(stack, pool[:n], duration)
        level["summary"] = level_summary(level)
        levels.append(level)
        if level["summary"]["gaps"] and not keep_going:
            log(f"channels: {n} showed gaps; stopping the sweep (--keep-going to go on)")
            break
    log("channels: the packager's ffmpeg on the clip, whole and in parts")
    costs = packager_cost(loops=2 if duration < 30 else 5, repeats=1 if duration < 30 else 3)
    return channels_table(levels, duration, costs), {"levels": levels, "packager_cost": costs}


def channels_table(levels: list[dict], duration: float, costs: list[dict]) -> str:
    rows = []
    for level in levels:
        n = level["n"]
        s = level["summary"]
        cpu = level["cpu"]
        wall = cpu["wall"]

        def per_channel(group: str, cpu=cpu, wall=wall, n=n) -> str:
            return f"{100 * cpu.get(group, 0.0) / wall / n:.1f}"

        machine = 100 * cpu["machine"] / cpu["machine capacity"]
        others = _others(cpu)
        disturbed = level["busy_before"] > 0.15 or others > 0.1 * cpu["machine capacity"]
        groups = sum(cpu.get(g, 0.0) for g in ("nginx", "packagers", "publishers"))
        rows.append(
            [
                n,
                f"{level['live']}/{n}",
                "none" if not s["gaps"] else f"**{s['gaps']}**",
                f"{s['max_age']:.1f}",
                _s(s["realtime_min"]),
                per_channel("nginx"),
                per_channel("packagers"),
                per_channel("publishers"),
                f"{100 * groups / wall:.0f}",
                f"{machine:.0f}%" + (" †" if disturbed else ""),
                f"≥ {CHANNELS_TARGET}",
            ]
        )
    clean = [level["n"] for level in levels if not level["summary"]["gaps"]]
    best = max(clean) if clean else 0
    headers = [
        "channels",
        "live",
        "gaps",
        "oldest playlist s",
        "real-time min",
        "nginx %/ch",
        "packagers %/ch",
        "publishers %/ch",
        "all three % of a core",
        "machine busy (2 cores)",
        "target",
    ]
    lines = [
        "## 2. Concurrent channels",
        "",
        f"N encoders each publish one pre-encoded clip ({PICTURE[0]}×{PICTURE[1]} {FPS} fps "
        f"H.264 800k, AAC 128k, {CLIP_GOP_SECONDS}-s GOP, {CLIP_SECONDS} s) with `ffmpeg -re "
        "-stream_loop -1 -c copy` (0.1 s apart). Once every channel has both playlists, both "
        f"renditions of every channel (source: video copied, {CLIP_GOP_SECONDS}-s segments; "
        f"audio-only: AAC 64k, {SEGMENT_SECONDS:g}-s segments) are read every second for "
        f"{duration:g} s. A gap is any of: a channel that never went live or whose encoder "
        "exited, a media sequence number skipped or repeated with other contents, a listed "
        "segment file missing or empty, EXTINF more than 0.1 s off the expected duration, "
        "PDT going back or forward by more than 1.5 segments, a playlist older than 2 "
        "segments + 1 s, EXT-X-DISCONTINUITY or EXT-X-ENDLIST.",
        "",
        "CPU: utime + stime from /proc/<pid>/stat over the window, per process tree: "
        "nginx (master + worker), packagers (every process nginx started: the packager's "
        "python and its ffmpeg), publishers (the encoders; they stand for OBS on other "
        "machines), as % of one core per channel. *Machine busy* is /proc/stat over the same "
        "window: all of the above plus gunicorn, the bench's own checks and the kernel. "
        "*Real-time min* is the slowest channel's media seconds written per wall second "
        "(from the PDT and the playlist's mtime); below 1 the channels fall behind.",
        "",
        markdown_table(headers, rows),
        "",
        f"**Largest N with no gaps: {best}** (target ≥ {CHANNELS_TARGET} on this 2-core "
        f"machine: {'met' if best >= CHANNELS_TARGET else '**not met**'}).",
        "",
    ]
    for level in levels:
        s = level["summary"]
        cpu = level["cpu"]
        detail = ", ".join(
            f"{g} {cpu.get(g, 0.0):.1f} s"
            for g in ("nginx", "packagers", "publishers", "django", "bench", "machine")
        )
        lines.append(
            f"- {level['n']} channels: live after {level['startup']:.0f} s; CPU seconds in "
            f"{cpu['wall']:.0f} s: {detail}; segments checked: source "
            f"{s['segments']['source']}, audio {s['segments']['audio']}; other processes "
            f"{_others(cpu):.1f} s ({_others_top(cpu)})"
            + (
                "; gaps: " + ", ".join(f"{k} ×{v}" for k, v in s["problems"].most_common())
                if s["problems"]
                else ""
            )
            + (f"; {s['not_live']} never live" if s["not_live"] else "")
            + (f"; {s['exited']} encoders exited" if s["exited"] else "")
            + ("" if level["settled"] else "; the ingest did not settle afterwards")
            + f"; newest segment listed {_s(-s['edge_lag'][1])}–{_s(-s['edge_lag'][0])} s "
            "before its PDT end (the PDT runs ahead by the packager's probe buffer)."
        )
    if any(
        level["busy_before"] > 0.15
        or _others(level["cpu"]) > 0.1 * level["cpu"]["machine capacity"]
        for level in levels
    ):
        lines.append(
            "- † other work (not started by the bench) kept the CPUs busy before or during this "
            "level: its numbers are pessimistic."
        )
    media = costs[0]["media"] if costs else 0
    lines += [
        "",
        f"Where a channel's packager CPU goes: the packager's own ffmpeg command "
        "(`packager.ffmpeg_command` with the stack's packager.json) run on the clip looped to "
        f"{media:g} s of media as fast as it goes, whole and in parts (CPU from "
        "getrusage, the lowest of 3 runs; *% of a core per live channel* = CPU seconds per "
        "media second).",
        "",
        markdown_table(
            ["command", "CPU s", "wall s", "% of a core per live channel"],
            [
                [c["label"], f"{c['cpu']:.2f}", f"{c['wall']:.2f}", f"{c['percent']:.2f}"]
                for c in costs
            ],
        ),
        "",
    ]
    return "\n".join(lines)


# 3. Callback latency ---------------------------------------------------------------------


def notify_body(call: str, app: str, name: str, key: str | None, client: int) -> bytes:
    """The form nginx-rtmp posts (notify module: session fields, then the call's own)."""
    fields = [
        ("app", app),
        ("flashver", "FMLE/3.0 (compatible; FMSc/1.0)"),
        ("swfurl", ""),
        ("tcurl", f"rtmp://127.0.0.1:1935/{app}"),
        ("pageurl", ""),
        ("addr", "127.0.0.1"),
        ("clientid", str(client)),
        ("call", call),
        ("name", name),
    ]
    if call == "publish":
        fields.append(("type", "live"))
    if key is not None:
        fields.append(("key", key))
    return urllib.parse.urlencode(fields).encode()


def http_call(
    port: int, method: str, path: str, body: bytes | None = None
) -> tuple[int, float, str | None]:
    """One request on a fresh connection (nginx-rtmp keeps none): status, ms, Location."""
    headers = {"Connection": "close"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        status, location = response.status, response.getheader("Location")
    finally:
        connection.close()
    return status, (time.perf_counter() - start) * 1000, location


@dataclass
class CallSeries:
    label: str
    expected: int
    times: list[float] = field(default_factory=list)
    unexpected: Counter = field(default_factory=Counter)

    def add(self, status: int, ms: float) -> None:
        self.times.append(ms)
        if status != self.expected:
            self.unexpected[status] += 1


def callback_round(
    port: int, secret: str, channel: dict, client: int, series: dict[str, CallSeries]
) -> None:
    """What one encoder's start and stop cost Django: publish (live), publish (internal),
    publish_done (live); then a wrong key, and the two references."""
    query = "?" + urllib.parse.urlencode({"secret": secret})
    stream, key = channel["stream"], channel["key"]
    status, ms, location = http_call(
        port, "POST", "/ingest/rtmp/publish/" + query,
        notify_body("publish", "live", stream, key, client),
    )  # fmt: skip
    series["publish"].add(status, ms)
    name = location or ""
    if name:
        status, ms, _ = http_call(
            port, "POST", "/ingest/rtmp/publish/" + query,
            notify_body("publish", "internal", name, None, client + 1),
        )  # fmt: skip
        series["internal"].add(status, ms)
    status, ms, _ = http_call(
        port, "POST", "/ingest/rtmp/publish-done/" + query,
        notify_body("publish_done", "live", stream, key, client),
    )  # fmt: skip
    series["done"].add(status, ms)
    wrong = "hz_" + secrets.token_urlsafe(24)
    status, ms, _ = http_call(
        port, "POST", "/ingest/rtmp/publish/" + query,
        notify_body("publish", "live", stream, wrong, client + 2),
    )  # fmt: skip
    series["wrong"].add(status, ms)
    status, ms, _ = http_call(
        port, "POST", "/ingest/rtmp/publish/?secret=wrong",
        notify_body("publish", "live", stream, key, client + 3),
    )  # fmt: skip
    series["forbidden"].add(status, ms)
    status, ms, _ = http_call(port, "GET", "/ingest/rtmp/no-such-callback/")
    series["404"].add(status, ms)


def _new_series() -> dict[str, CallSeries]:
    return {
        "publish": CallSeries("on_publish, valid key → 302 b<id>", 302),
        "internal": CallSeries("on_publish, `internal` app (b<id>) → 200", 200),
        "done": CallSeries("on_publish_done (`live`, c<id> + key) → 200", 200),
        "wrong": CallSeries("on_publish, wrong key → 403", 403),
        "forbidden": CallSeries("reference: wrong callback secret → 403 (no database)", 403),
        "404": CallSeries("reference: Django 404 (GET, unknown URL)", 404),
    }


def callbacks_part(database_url: str, channels: list[dict], calls: int):
    """Serial rounds on one channel, first with a reconnect grace of 0 (every publish makes a
    new broadcast), then the default grace (every publish resumes the broadcast just ended);
    then 4 encoders at once."""
    secret = secrets.token_hex(16)
    ports = _ports(3)
    results = []
    problems = []
    variants = [
        ("new broadcast every publish (HAMAFZA_RECONNECT_GRACE_SECONDS=0)", {
            "HAMAFZA_RECONNECT_GRACE_SECONDS": "0"}),
        ("reconnect: resumes the broadcast just ended (default grace, 30 s)", {}),
    ]  # fmt: skip
    for label, extra in variants:
        env = {
            **stack_env(web_port=ports[0], rtmp_port=ports[1], http_port=ports[2], secret=secret),
            **extra,
        }
        with gunicorn(database_url, workers=2, port=ports[0], extra_env=env):
            wait_for_quiet(timeout=60)
            # warm up: both workers import, connect, fill their caches
            warm = _new_series()
            for i in range(10):
                callback_round(ports[0], secret, channels[0], 1000 + 10 * i, warm)
            serial = _new_series()
            log(f"callbacks: {calls} serial rounds, {label}")
            for i in range(calls):
                callback_round(ports[0], secret, channels[0], 10 * i, serial)
            concurrent = _new_series()
            rounds = max(calls // 4, 10)
            log(f"callbacks: 4 encoders at once, {rounds} rounds each")
            threads = [
                threading.Thread(
                    target=_concurrent_rounds,
                    args=(ports[0], secret, channel, rounds, concurrent, 100_000 * (t + 1)),
                )
                for t, channel in enumerate(channels[1:5])
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        results.append({"label": label, "serial": serial, "concurrent": concurrent})
        for mode, series in (("serial", serial), ("4 at once", concurrent)):
            for s in series.values():
                if s.unexpected:
                    problems.append(
                        f"callbacks ({label}, {mode}): {s.label}: unexpected "
                        + ", ".join(f"HTTP {k} ×{v}" for k, v in s.unexpected.items())
                    )
    return callbacks_table(results, calls), _callbacks_json(results), problems


_LOCK = threading.Lock()


def _concurrent_rounds(port, secret, channel, rounds, series, client) -> None:
    local = _new_series()
    for i in range(rounds):
        callback_round(port, secret, channel, client + 10 * i, local)
    with _LOCK:
        for key, s in local.items():
            series[key].times += s.times
            series[key].unexpected.update(s.unexpected)


def _callbacks_json(results) -> list[dict]:
    out = []
    for r in results:
        for mode in ("serial", "concurrent"):
            for key, s in r[mode].items():
                out.append(
                    {
                        "variant": r["label"],
                        "mode": mode,
                        "call": key,
                        "n": len(s.times),
                        "p50": percentile(s.times, 50),
                        "p95": percentile(s.times, 95),
                        "p99": percentile(s.times, 99),
                        "max": max(s.times) if s.times else None,
                        "unexpected": dict(s.unexpected),
                    }
                )
    return out


def callbacks_table(results, calls: int) -> str:
    headers = ["grace", "clients", "call", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "target",
               "met?"]  # fmt: skip
    rows = []
    measured = {"publish", "done", "wrong"}
    for index, r in enumerate(results):
        grace = "0 s (new broadcast)" if index == 0 else "30 s (resume)"
        for mode, clients in (("serial", "1"), ("concurrent", "4")):
            for key, s in r[mode].items():
                if index == 1 and key not in {"publish", "internal", "done"}:
                    continue  # the same code as with grace 0
                target = key in measured
                p99 = percentile(s.times, 99)
                rows.append(
                    [
                        grace,
                        clients,
                        s.label,
                        len(s.times),
                        f"{percentile(s.times, 50):.1f}",
                        f"{percentile(s.times, 95):.1f}",
                        f"{p99:.1f}",
                        f"{max(s.times):.1f}" if s.times else "—",
                        f"p99 < {CALLBACK_TARGET_MS:g} ms" if target else "—",
                        ("yes" if p99 < CALLBACK_TARGET_MS else "**no**") if target else "—",
                    ]
                )
    return "\n".join(
        [
            "## 3. Ingest callbacks",
            "",
            "gunicorn, 2 sync workers, DEBUG off, SQLite (WAL); a client in this process "
            "(http.client) opens a new connection for every call (`Connection: close`) and "
            "posts the form nginx-rtmp's notify module sends (app, flashver, swfurl, tcurl, "
            "pageurl, addr, clientid, call, name, type, key). One round = what an encoder's "
            "start and stop cost: on_publish in `live` with the channel's key (authorizes, "
            "marks the broadcast live, 302 to b<id>), on_publish in `internal` for b<id>, "
            "on_publish_done in `live` with c<id> + key (finds the live broadcast by key and "
            "ends it); then an on_publish with a random wrong key, and the references. "
            "Publish and publish-done alternate, so every publish is a real authorization: "
            "with grace 0 it creates a new broadcast each time, with the default grace it "
            "resumes the one just ended (the reconnect path). "
            f"{calls} rounds one after the other after 10 warm-up rounds; then 4 threads "
            "each doing the same on its own channel at once ('clients 4').",
            "",
            markdown_table(headers, rows),
            "",
        ]
    )


# Versions --------------------------------------------------------------------------------


def _first_line(cmd: list[str]) -> str:
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "?"
    text = (result.stdout or result.stderr).strip().splitlines()
    return text[0] if text else "?"


def _ffmpeg_version() -> str:
    return _first_line([FFMPEG, "-version"]).split(" Copyright")[0].removeprefix("ffmpeg version ")


def _nginx_version() -> str:
    return _first_line([NGINX, "-v"]).removeprefix("nginx version: ")


def _hlsjs_version() -> str:
    try:
        return json.loads((HLS_JS.parent.parent / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def _chromium_version() -> str:
    return _first_line([CHROMIUM, "--version"])


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"error: {error}")
        sys.exit(2)
    except KeyboardInterrupt:
        log("interrupted: everything the bench started has been stopped")
        sys.exit(130)
