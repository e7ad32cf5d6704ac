"""Throughput of the directory page and API under gunicorn, next to nginx serving the same bytes.

    .venv/bin/python bench/bench_directory.py            # 100,000 organizations, 10 s a run
    .venv/bin/python bench/bench_directory.py --quick    # 2,000 organizations, 3 s a run (CI)

Prepares var/bench/directory.sqlite3 once (migrate + demo_load --orgs N),
starts gunicorn (sync workers: 2, then 4) and nginx (2 workers), fetches each
URL once from Django in Persian and saves the bytes as static files for nginx,
then runs ``wrk -t2 -c16 --latency`` against every Django URL and its nginx
twin after a warm-up. Prints a markdown table and writes it to
bench/results/directory.md. Targets are reported, never asserted: the exit
status is non-zero only when a run saw errors (non-2xx answers, socket errors).
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from _common import (
    BENCH_VAR,
    ROOT,
    BenchError,
    gunicorn,
    http_get,
    log,
    machine_summary,
    markdown_table,
    nginx,
    prepare_database,
    sqlite_org_count,
    sqlite_remove,
    sqlite_url,
    stopwatch,
    tmp_root,
    wait_for_quiet,
    write_results,
    wrk,
)

DEFAULT_ORGS = 100_000
QUICK_ORGS = 2_000
QUERY = "امام حسین"  # Persian; matches about a tenth of the synthetic organizations
HEADERS = {"Accept-Language": "fa"}
# (label, Django path, the file nginx serves, target requests/s or None)
PAGES = [
    ("directory page", "/directory/", "directory.html", 300),
    ("directory search", "/directory/?q=" + urllib.parse.quote(QUERY), "directory-q.html", None),
    ("API list", "/api/organizations/", "api-organizations.json", None),
]
# The API throttles anonymous clients (600/minute by default); wrk is one client
# sending thousands a second. A per-second window keeps the throttle's work (it
# still runs on every request) close to a real client's without refusing wrk.
API_RATE = "1000000000/s"
QUIET = 0.15  # CPU share busy with other work under which a machine counts as quiet


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--orgs", type=int, help=f"synthetic organizations (default {DEFAULT_ORGS})"
    )
    parser.add_argument("--quick", action="store_true", help="2,000 orgs, 3 s runs (CI smoke)")
    parser.add_argument("--duration", type=float, help="seconds per wrk run (default 10, quick 3)")
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts (default 2,4)")
    args = parser.parse_args()
    orgs = args.orgs or (QUICK_ORGS if args.quick else DEFAULT_ORGS)
    duration = args.duration or (3.0 if args.quick else 10.0)
    warmup = 1.0 if args.quick else 3.0
    worker_counts = [int(n) for n in args.workers.split(",") if n.strip()]

    machine = machine_summary()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    name = "directory.sqlite3" if orgs == DEFAULT_ORGS else f"directory-{orgs}.sqlite3"
    db = BENCH_VAR / name
    url = sqlite_url(db)
    with stopwatch("prepare the database", timings):
        total_orgs = prepare_database(
            url,
            orgs=orgs,
            count=lambda: sqlite_org_count(db),
            reset=lambda: sqlite_remove(db),
            timings=timings,
        )
    log(f"{db.relative_to(ROOT)}: {total_orgs} organizations")

    static_root = Path(tempfile.mkdtemp(prefix="static-", dir=tmp_root()))
    extra_env = {"HAMAFZA_API_ANON_RATE": API_RATE}
    rows = []
    failures = []
    sizes: dict[str, int] = {}
    serial: dict[tuple[str, int], float] = {}
    busy: dict[tuple[str, int], float] = {}
    try:
        with stopwatch("measure", timings), nginx(static_root) as static_base:
            nginx_results = {}
            for workers in worker_counts:
                with gunicorn(url, workers=workers, extra_env=extra_env) as base:
                    for label, path, filename, _target in PAGES:
                        body = http_get(base + path, headers=HEADERS)
                        if workers == worker_counts[0]:
                            (static_root / filename).write_bytes(body)
                            (static_root / filename).chmod(0o644)
                            sizes[label] = len(body)
                        busy[label, workers] = wait_for_quiet()
                        serial[label, workers] = _serial_ms(base + path)
                        wrk(base + path, duration=warmup, headers=HEADERS)
                        log(f"wrk {workers} workers {path}")
                        django = wrk(base + path, duration=duration, headers=HEADERS)
                        if label not in nginx_results:
                            static_url = f"{static_base}/{filename}"
                            if http_get(static_url) != body:
                                raise BenchError(f"nginx does not serve {filename} as saved")
                            wrk(static_url, duration=warmup, headers=HEADERS)
                            log(f"wrk nginx /{filename}")
                            nginx_results[label] = wrk(
                                static_url, duration=duration, headers=HEADERS
                            )
                        static = nginx_results[label]
                        for result in (django, static):
                            if not result.ok:
                                failures.append(result)
                        rows.append(_row(label, path, workers, django, static, sizes, serial))
                        if busy[label, workers] > QUIET:
                            rows[-1][4] += " †"
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    timings["total"] = time.perf_counter() - started

    headers = [
        "URL",
        "bytes",
        "workers",
        "serial ms",
        "Django req/s",
        "Django p50/p99 ms",
        "nginx req/s",
        "nginx p50/p99 ms",
        "nginx/Django",
        "target",
        "met?",
    ]
    lines = [
        f"# Directory throughput — {total_orgs:,} organizations (SQLite)",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; {machine}; "
        f"wrk -t2 -c16 -d{duration:g}s --latency --timeout 10s, Accept-Language: fa, after a "
        f"{warmup:g} s warm-up; gunicorn sync workers, DEBUG off; nginx 2 workers, "
        "same bytes from files. `serial ms`: median of 20 one-at-a-time requests.",
        "",
        markdown_table(headers, rows),
        "",
        "Time: " + ", ".join(f"{label} {seconds:.0f} s" for label, seconds in timings.items()),
    ]
    if any(value > QUIET for value in busy.values()):
        lines += [
            "",
            "† other work kept the CPUs busy before this run "
            f"({max(busy.values()):.0%} at worst): its number is low.",
        ]
    if failures:
        lines += ["", "**Errors:**"]
        lines += [
            f"- {r.url}: {r.non_2xx} non-2xx, {r.socket_errors} socket errors" for r in failures
        ]
    write_results("directory-quick" if args.quick else "directory", "\n".join(lines))
    return 1 if failures else 0


def _serial_ms(url: str, count: int = 20) -> float:
    times = []
    for _ in range(count + 2):
        start = time.perf_counter()
        http_get(url, headers=HEADERS)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[2:])


def _row(label, path, workers, django, static, sizes, serial):
    target = next(t for lbl, _p, _f, t in PAGES if lbl == label)
    met = "—" if target is None else ("yes" if django.requests_per_s >= target else "**no**")
    return [
        f"{label} `{urllib.parse.unquote(path)}`",
        f"{sizes[label]:,}",
        workers,
        f"{serial[label, workers]:.1f}",
        f"{django.requests_per_s:,.0f}",
        f"{django.latency_ms['50']:.1f} / {django.latency_ms['99']:.1f}",
        f"{static.requests_per_s:,.0f}",
        f"{static.latency_ms['50']:.2f} / {static.latency_ms['99']:.2f}",
        f"{static.requests_per_s / max(django.requests_per_s, 0.001):,.0f}×",
        f"≥ {target} req/s" if target else "—",
        met,
    ]


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"error: {error}")
        sys.exit(2)
