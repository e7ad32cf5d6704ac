"""Helpers shared by the benchmarks under ``bench/``. Not a benchmark: running it does nothing.

Everything a benchmark starts (gunicorn, nginx, a PostgreSQL cluster) is
started through a context manager here and stopped in its ``finally``, so an
interrupted run leaves no process behind. Every wait is a bounded loop that
fails with the process's log instead of hanging.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
RESULTS_DIR = ROOT / "bench" / "results"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "54339"))
PG_DIR = BENCH_VAR / "pg"


class BenchError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def stopwatch(label: str, into: dict[str, float] | None = None) -> Iterator[None]:
    """Log how long the block took; also store it in ``into[label]`` (seconds)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        if into is not None:
            into[label] = elapsed
        log(f"{label}: {elapsed:.1f} s")


# Processes -------------------------------------------------------------------------------


def run(
    cmd: Sequence[str | os.PathLike],
    *,
    timeout: float,
    env: dict[str, str] | None = None,
    check: bool = True,
    capture: bool = True,
    cwd: Path = ROOT,
) -> subprocess.CompletedProcess:
    """Run a command with a timeout; on failure raise with the tail of its output."""
    args = [str(part) for part in cmd]
    try:
        result = subprocess.run(
            args,
            cwd=cwd,
            env=env,
            timeout=timeout,
            text=True,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.STDOUT if capture else None,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"timed out after {timeout:.0f} s: {' '.join(args)}") from exc
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout or "").splitlines()[-30:])
        raise BenchError(f"exit {result.returncode}: {' '.join(args)}\n{tail}")
    return result


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
        return True
    return False


def wait_port(
    host: str,
    port: int,
    *,
    timeout: float = 30.0,
    proc: subprocess.Popen | None = None,
    logfile: Path | None = None,
) -> None:
    """Wait until something accepts connections on host:port, at most ``timeout`` seconds.

    Fails at once if ``proc`` exits first; the error carries the tail of ``logfile``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise BenchError(
                f"process exited with {proc.returncode} before listening on "
                f"{host}:{port}{_tail(logfile)}"
            )
        if port_open(host, port):
            return
        time.sleep(0.05)
    raise BenchError(f"nothing listening on {host}:{port} after {timeout:.0f} s{_tail(logfile)}")


def _tail(path: Path | None, lines: int = 30) -> str:
    if path is None or not path.exists():
        return ""
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return "\n--- " + str(path) + "\n" + "\n".join(text)


def stop_process(proc: subprocess.Popen, *, timeout: float = 15.0) -> None:
    """Stop a process started with ``start_new_session=True`` and everything in its group."""
    if proc.poll() is not None:
        return
    pgid = proc.pid  # its own session and process group: we started it that way
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=timeout)


def http_get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 60) -> bytes:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if response.status != 200:
            raise BenchError(f"GET {url}: HTTP {response.status}")
        return response.read()


# Django ----------------------------------------------------------------------------------


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment for manage.py and gunicorn against a bench database, DEBUG off."""
    env = dict(os.environ)
    for name in ("DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        env.pop(name, None)
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    (BENCH_VAR / "static").mkdir(exist_ok=True)  # STATIC_ROOT exists: whitenoise stays quiet
    env.update(
        DJANGO_SETTINGS_MODULE="hamafza.settings.base",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        HAMAFZA_VAR_DIR=str(BENCH_VAR),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def manage(args: Sequence[str], *, database_url: str, timeout: float) -> str:
    return run([PYTHON, "manage.py", *args], env=django_env(database_url), timeout=timeout).stdout


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def sqlite_org_count(path: Path) -> int:
    """Organizations in a bench SQLite file; 0 if it is missing or not migrated."""
    if not path.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return db.execute("SELECT count(*) FROM directory_organization").fetchone()[0]
    except sqlite3.Error:
        return 0


def sqlite_remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def prepare_database(
    database_url: str,
    *,
    orgs: int,
    count: Callable[[], int],
    reset: Callable[[], None],
    timings: dict,
) -> int:
    """Migrate and load the demo data plus ``orgs`` synthetic organizations, unless present.

    ``count()`` returns the organizations already there (0 if none); ``reset()``
    empties the database when it holds fewer than wanted, so a half-finished
    load is never reused. Returns the number of organizations.
    """
    have = count()
    if have >= orgs:
        log(f"reusing the database: {have} organizations")
        with stopwatch("migrate (check)", timings):
            manage(["migrate", "--noinput"], database_url=database_url, timeout=600)
        return count()
    if have:
        log(f"the database holds {have} organizations, fewer than {orgs}: rebuilding it")
    reset()
    with stopwatch("migrate", timings):
        manage(["migrate", "--noinput"], database_url=database_url, timeout=600)
    with stopwatch(f"demo_load --orgs {orgs}", timings):
        manage(
            ["demo_load", "--orgs", str(orgs), "--quiet-logins"],
            database_url=database_url,
            timeout=3600,
        )
    return count()


@contextlib.contextmanager
def gunicorn(
    database_url: str, *, workers: int = 2, port: int | None = None, extra_env=None
) -> Iterator[str]:
    """Serve the project with gunicorn (sync workers); yield its base URL."""
    port = port or free_port()
    workdir = Path(tempfile.mkdtemp(prefix="gunicorn-", dir=tmp_root()))
    logfile = workdir / "gunicorn.log"
    env = django_env(database_url, **(extra_env or {}))
    cmd = [
        VENV_BIN / "gunicorn",
        "hamafza.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--backlog",
        "2048",
        "--worker-tmp-dir",
        str(workdir),
        "--log-level",
        "warning",
        "--error-logfile",
        str(logfile),
        "--pid",
        str(workdir / "gunicorn.pid"),
    ]
    proc = None
    try:
        with open(logfile, "ab") as out:
            proc = subprocess.Popen(
                [str(c) for c in cmd],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_port("127.0.0.1", port, timeout=60, proc=proc, logfile=logfile)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc is not None:
            stop_process(proc)
        if proc is not None and proc.returncode not in (0, -signal.SIGTERM):
            log(f"gunicorn exited with {proc.returncode}{_tail(logfile)}")
        shutil.rmtree(workdir, ignore_errors=True)


NGINX_CONF = """\
daemon off;
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp/client_body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    types {{
        text/html html;
        application/json json;
    }}
    default_type application/octet-stream;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri =404; }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(root: Path, *, port: int | None = None) -> Iterator[str]:
    """Serve the files under ``root`` with nginx (2 workers); yield its base URL.

    The configuration, pid file, logs and temp paths live in a fresh
    directory; nginx runs in the foreground (``daemon off``) as our child.
    """
    if not shutil.which("nginx"):
        raise BenchError("nginx not found: apt-get install -y nginx")
    port = port or free_port()
    workdir = Path(tempfile.mkdtemp(prefix="nginx-", dir=tmp_root()))
    (workdir / "tmp").mkdir()
    _world_readable(workdir)
    _world_readable(root)
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=workdir, port=port, root=root))
    logfile = workdir / "error.log"
    cmd = ["nginx", "-p", str(workdir), "-c", str(conf), "-e", str(logfile)]
    proc = None
    try:
        run([*cmd, "-t", "-q"], timeout=30)
        with open(workdir / "stdout.log", "ab") as out:
            proc = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_port("127.0.0.1", port, timeout=30, proc=proc, logfile=logfile)
        yield f"http://127.0.0.1:{port}"
    finally:
        # SIGQUIT: graceful shutdown of master and workers.
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGQUIT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                stop_process(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def tmp_root() -> Path:
    path = BENCH_VAR / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _world_readable(path: Path) -> None:
    """nginx workers run as an unprivileged user when the master is root: let them read."""
    for directory in [path, *path.parents]:
        if directory == ROOT or ROOT not in directory.parents:
            break
        directory.chmod(directory.stat().st_mode | 0o005)
    for item in path.rglob("*"):
        item.chmod(item.stat().st_mode | (0o005 if item.is_dir() else 0o004))


# PostgreSQL ------------------------------------------------------------------------------


def _as_postgres(cmd: Sequence[str | os.PathLike]) -> list[str]:
    args = [str(c) for c in cmd]
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _pg_dir() -> Path:
    """The cluster's real directory: var/bench/pg, or a /tmp directory it links to."""
    if PG_DIR.is_symlink() or PG_DIR.is_dir():
        return PG_DIR.resolve()
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    target = PG_DIR
    if os.geteuid() == 0:
        reachable = (
            subprocess.run(
                ["runuser", "-u", "postgres", "--", "test", "-x", str(BENCH_VAR)], check=False
            ).returncode
            == 0
        )
        if not reachable or len(str(PG_DIR / "run" / f".s.PGSQL.{PG_PORT}")) > 100:
            target = Path(tempfile.mkdtemp(prefix="hamafza-pgbench-"))
            PG_DIR.symlink_to(target)
    target.mkdir(parents=True, exist_ok=True)
    return target


@contextlib.contextmanager
def postgres_cluster(database: str) -> Iterator[str]:
    """Start (and initdb once) the bench cluster in var/bench/pg; yield a DATABASE_URL.

    The data directory is kept for the next run; the server is stopped on exit.
    """
    if not (PGBIN / "initdb").exists():
        raise BenchError(f"PostgreSQL not found in {PGBIN}")
    directory = _pg_dir()
    data = directory / "data"
    logfile = directory / "server.log"
    if not (data / "PG_VERSION").exists():
        (directory / "run").mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            run(["chown", "-R", "postgres:postgres", directory], timeout=30)
        directory.chmod(0o700)
        run(
            _as_postgres(
                [
                    PGBIN / "initdb",
                    "-D",
                    data,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            timeout=120,
            cwd=Path("/"),
        )
        extra = textwrap.dedent(f"""
            # bench/_common.py: a throwaway benchmark cluster
            listen_addresses = '127.0.0.1'
            port = {PG_PORT}
            unix_socket_directories = '{directory / "run"}'
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            shared_buffers = 256MB
            max_connections = 50
            """)
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(extra)
    if port_open("127.0.0.1", PG_PORT) and not (data / "postmaster.pid").exists():
        raise BenchError(f"port {PG_PORT} is taken by another server: set BENCH_PG_PORT")
    started = False
    try:
        status = run(
            _as_postgres([PGBIN / "pg_ctl", "-D", data, "status"]),
            timeout=30,
            check=False,
            cwd=Path("/"),
        )
        if status.returncode != 0:
            run(
                _as_postgres(
                    [PGBIN / "pg_ctl", "-D", data, "-l", logfile, "-w", "-t", "60", "start"]
                ),
                timeout=90,
                cwd=Path("/"),
            )
            started = True
        deadline = time.monotonic() + 60
        while (
            run(
                [PGBIN / "pg_isready", "-q", "-h", directory / "run", "-p", str(PG_PORT)],
                timeout=10,
                check=False,
            ).returncode
            != 0
        ):
            if time.monotonic() > deadline:
                raise BenchError(f"PostgreSQL not ready after 60 s{_tail(logfile)}")
            time.sleep(0.1)
        exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'").strip()
        if not exists:
            psql(f'CREATE DATABASE "{database}"')
        yield f"postgres://postgres@127.0.0.1:{PG_PORT}/{database}"
    finally:
        if started:
            run(
                _as_postgres([PGBIN / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]),
                timeout=90,
                check=False,
                cwd=Path("/"),
            )


def psql(sql: str, database: str = "postgres") -> str:
    return run(
        [
            PGBIN / "psql",
            "-X",
            "-q",
            "-tA",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-d",
            database,
            "-c",
            sql,
        ],
        timeout=600,
    ).stdout


def pg_org_count(database: str) -> int:
    result = run(
        [
            PGBIN / "psql",
            "-X",
            "-q",
            "-tA",
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-d",
            database,
            "-c",
            "SELECT count(*) FROM directory_organization",
        ],
        timeout=60,
        check=False,
    )
    try:
        return int(result.stdout.strip()) if result.returncode == 0 else 0
    except ValueError:
        return 0


def pg_reset(database: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{database}"')
    psql(f'CREATE DATABASE "{database}"')


# wrk -------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    url: str
    requests_per_s: float
    latency_ms: dict[str, float]  # "50", "75", "90", "99"
    requests: int
    non_2xx: int
    socket_errors: int
    raw: str

    @property
    def ok(self) -> bool:
        return self.non_2xx == 0 and self.socket_errors == 0 and self.requests > 0


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip())
    if not match:
        raise BenchError(f"cannot read a wrk duration: {value!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def wrk_parse(url: str, output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rps or not total:
        raise BenchError(f"cannot read wrk's output:\n{output}")
    latency = {
        pct: _ms(value)
        for pct, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.MULTILINE)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        url=url,
        requests_per_s=float(rps.group(1)),
        latency_ms=latency,
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        raw=output,
    )


def wrk(
    url: str,
    *,
    duration: float = 10,
    threads: int = 2,
    connections: int = 16,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> WrkResult:
    """``wrk -t2 -c16 -d10s --latency URL``; requests/s and latency percentiles.

    ``timeout`` (wrk's default is 2 s) is raised so that a slow page shows in
    the latency percentiles instead of as socket errors.
    """
    if not shutil.which("wrk"):
        raise BenchError("wrk not found: apt-get install -y wrk")
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency"]
    cmd.append(f"--timeout={timeout:g}s")
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(url)
    return wrk_parse(url, run(cmd, timeout=duration + timeout + 60).stdout)


# Results ---------------------------------------------------------------------------------


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


def machine_summary() -> str:
    """CPUs, Python, load average and a speed yardstick, to compare runs across machines."""
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    loops = []
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        loops.append((time.perf_counter() - start) * 10)  # scaled to ten million iterations
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {sys.version.split()[0]}; a 10M-iteration "
        f"Python loop takes {min(loops):.1f}–{max(loops):.1f} s; load average {load}"
    )


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of every CPU since boot, from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def cpu_busy(seconds: float = 1.0) -> float:
    """The share (0–1) of all CPUs busy over the next ``seconds``."""
    busy0, total0 = _cpu_times()
    time.sleep(seconds)
    busy1, total1 = _cpu_times()
    return (busy1 - busy0) / max(total1 - total0, 1)


def wait_for_quiet(*, threshold: float = 0.15, quiet_for: int = 3, timeout: float = 120) -> float:
    """Wait until the machine is idle (other work would distort the numbers), at most ``timeout``.

    Returns the busy share of the last second sampled; logs a warning and
    returns when the machine stays busy, so a shared machine still gets a run.
    """
    deadline = time.monotonic() + timeout
    quiet = 0
    busy = cpu_busy()
    while time.monotonic() < deadline:
        quiet = quiet + 1 if busy <= threshold else 0
        if quiet >= quiet_for:
            return busy
        busy = cpu_busy()
    log(f"warning: the machine is still {busy:.0%} busy with other work; measuring anyway")
    return busy


def write_results(name: str, text: str) -> Path:
    """Print ``text`` and write it to bench/results/<name>.md."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.md"
    path.write_text(text.rstrip() + "\n")
    print(text, flush=True)
    log(f"written to {path.relative_to(ROOT)}")
    return path


def write_json(name: str, data) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2))
    return path


if __name__ == "__main__":
    # `make bench` runs every bench/*.py: this module is helpers only.
    pass


# Process trees and CPU time (bench_broadcast.py) -----------------------------------------
# Appended: nothing above depends on these.

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcInfo:
    """One line of /proc/<pid>/stat, the fields a bench needs."""

    pid: int
    ppid: int
    comm: str
    started: int  # clock ticks after boot: tells a reused pid apart
    cpu_ticks: int  # utime + stime


def proc_info(pid: int) -> ProcInfo | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid …": comm may hold spaces and parentheses.
    head, _, rest = raw.rpartition(")")
    fields = rest.split()
    try:
        return ProcInfo(
            pid=pid,
            ppid=int(fields[1]),
            comm=head.partition("(")[2],
            started=int(fields[19]),
            cpu_ticks=int(fields[11]) + int(fields[12]),
        )
    except (IndexError, ValueError):
        return None


def proc_table() -> dict[int, ProcInfo]:
    """Every process now, by pid."""
    table = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            info = proc_info(int(entry.name))
            if info is not None:
                table[info.pid] = info
    return table


def proc_descendants(root: int, table: dict[int, ProcInfo] | None = None) -> list[int]:
    """``root`` and every process below it (children, their children …)."""
    table = proc_table() if table is None else table
    children: dict[int, list[int]] = {}
    for info in table.values():
        children.setdefault(info.ppid, []).append(info.pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table or pid == root:
            found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def proc_cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot (see ``cpu_busy``)."""
    return _cpu_times()


class CpuMeter:
    """CPU seconds used by named groups of processes over a window, from /proc/<pid>/stat.

    ``classify(table)`` maps a group name to the pids that belong to it now.
    Call ``sample()`` often (every second or so) while processes come and go:
    a process born inside the window counts from zero, one that dies counts
    up to its last sample. ``stop()`` returns seconds per group, and
    ``"machine"``: the busy seconds of all CPUs (whatever ran on them).
    """

    def __init__(self, classify: Callable[[dict[int, ProcInfo]], dict[str, Sequence[int]]]):
        self.classify = classify
        self.first: dict[tuple[int, int], int] = {}
        self.last: dict[tuple[int, int], int] = {}
        self.group: dict[tuple[int, int], str] = {}
        self.machine_start = (0, 0)
        self.started_at = 0.0

    def start(self) -> None:
        self.first.clear()
        self.last.clear()
        self.group.clear()
        self._sample(initial=True)
        self.machine_start = machine_cpu_ticks()
        self.started_at = time.monotonic()

    def sample(self) -> None:
        self._sample(initial=False)

    def _sample(self, *, initial: bool) -> None:
        table = proc_table()
        for name, pids in self.classify(table).items():
            for pid in pids:
                info = table.get(pid)
                if info is None:
                    continue
                key = (pid, info.started)
                if key not in self.first:
                    self.first[key] = info.cpu_ticks if initial else 0
                self.last[key] = info.cpu_ticks
                self.group[key] = name

    def stop(self) -> dict[str, float]:
        self._sample(initial=False)
        busy0, total0 = self.machine_start
        busy1, total1 = machine_cpu_ticks()
        seconds: dict[str, float] = {}
        for key, name in self.group.items():
            used = max(self.last[key] - self.first[key], 0) / CLOCK_TICKS
            seconds[name] = seconds.get(name, 0.0) + used
        seconds["machine"] = (busy1 - busy0) / CLOCK_TICKS
        seconds["machine capacity"] = (total1 - total0) / CLOCK_TICKS
        seconds["wall"] = time.monotonic() - self.started_at
        return seconds


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0–100) with linear interpolation; nan when there are no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
