"""Latency of the calendar and upcoming pages at 50,000 events, next to nginx and Django's 404.

    .venv/bin/python bench/bench_events.py            # 50,000 events with their occurrences
    .venv/bin/python bench/bench_events.py --quick    # 2,000 events, short runs (CI smoke)
    .venv/bin/python bench/bench_events.py --events 100000 --requests 100

Prepares var/bench/events.sqlite3 once (migrate, demo_load with synthetic organizations, then
the synthetic events and their occurrences in bulk, in one transaction), counts each page's
queries and the time they spend in SQL in-process with Django's test client, starts gunicorn
(2 sync workers) and nginx (2 workers), and for each page: fetches it once in Persian and saves
the bytes for nginx, times one-at-a-time requests on a kept-alive connection to both
(p50/p95/p99), then runs ``wrk -t2 -c8`` against both for throughput. Django's 404 page is
timed the same way as a reference. Prints a markdown table and writes it to
bench/results/events.md (with ``--explain``, the query plans of each page's slowest queries
too). The target (p95 < 100 ms for the calendar and upcoming pages) is reported, never
asserted: the exit status is non-zero only when a page answered an error (a page missing is an
error) or wrk saw errors.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from _common import (
    BENCH_VAR,
    PYTHON,
    ROOT,
    BenchError,
    django_env,
    gunicorn,
    log,
    machine_summary,
    manage,
    markdown_table,
    nginx,
    percentile,
    run,
    sqlite_remove,
    sqlite_url,
    stopwatch,
    tmp_root,
    wait_for_quiet,
    write_results,
    wrk,
)

DEFAULT_EVENTS = 50_000
QUICK_EVENTS = 2_000
DEMO_ORGS = 5_000  # synthetic organizations besides the demo's: the organizers
TARGET_P95_MS = 100
HEADERS = {"Accept-Language": "fa"}
QUIET = 0.15
SEED = 1447
# Seconds of one-at-a-time requests a page gets at most (a slow page stops early, after at
# least MIN_SAMPLES requests).
SERIAL_BUDGET_S = 60
MIN_SAMPLES = 10
# wrk keeps this many connections on 2 workers: a page is run under wrk only when the
# requests queued behind one another (connections / workers of them) fit in the run.
WRK_CONNECTIONS = 8
WORKERS = 2
# (label, path, whether the target applies, the status expected). "{...}" are filled in from
# the built data: the busiest month in each calendar, the organizer with the most events.
PAGES = [
    ("calendar, Solar Hijri, this month", "/events/calendar/?calendar=solar", True, 200),
    ("calendar, lunar Hijri, this month", "/events/calendar/?calendar=lunar", True, 200),
    ("calendar, Gregorian, this month", "/events/calendar/?calendar=gregorian", True, 200),
    (
        "calendar, Solar Hijri, busy month",
        "/events/calendar/?calendar=solar&year={solar_year}&month={solar_month}",
        True,
        200,
    ),
    (
        "calendar, lunar Hijri, busy month",
        "/events/calendar/?calendar=lunar&year={lunar_year}&month={lunar_month}",
        True,
        200,
    ),
    (
        "calendar, Gregorian, busy month",
        "/events/calendar/?calendar=gregorian&year={gregorian_year}&month={gregorian_month}",
        True,
        200,
    ),
    (
        "calendar, Iraq, in Arabic",
        "/events/calendar/?calendar=lunar&country=IQ&language=ar",
        True,
        200,
    ),
    ("calendar, one organizer", "/events/calendar/?organization={organizer}", True, 200),
    ("upcoming", "/events/", True, 200),
    ("upcoming, Iraq", "/events/?country=IQ", True, 200),
    ("upcoming, ceremonies in Urdu", "/events/?language=ur&kind=ceremony", True, 200),
    ("upcoming, near Qom (50 km)", "/events/?lat=34.64&lon=50.876&radius=50", True, 200),
    (
        "upcoming, near Karbala (25 km), in Arabic",
        "/events/?lat=32.616&lon=44.025&radius=25&language=ar",
        True,
        200,
    ),
    ("reference: network iCal feed", "/events/feeds/network.ics", False, 200),
    ("reference: Django's 404 page", "/events/999999999/", False, 404),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, help=f"default {DEFAULT_EVENTS:,}")
    parser.add_argument("--quick", action="store_true", help="2,000 events, short runs (CI)")
    parser.add_argument("--requests", type=int, help="one-at-a-time requests per page (200)")
    parser.add_argument("--duration", type=float, help="seconds per wrk run (default 5, quick 2)")
    parser.add_argument(
        "--explain", action="store_true", help="add the plans of each page's slowest queries"
    )
    parser.add_argument("--inner", choices=["build", "queries"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return _inner(args)
    events = args.events or (QUICK_EVENTS if args.quick else DEFAULT_EVENTS)
    requests = args.requests or (40 if args.quick else 200)
    duration = args.duration or (2.0 if args.quick else 5.0)

    machine = machine_summary()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    name = "events.sqlite3" if events == DEFAULT_EVENTS else f"events-{events}.sqlite3"
    db = BENCH_VAR / name
    url = sqlite_url(db)
    with stopwatch("prepare the database", timings):
        counts = prepare(db, url, events=events, timings=timings)
    log(f"{db.relative_to(ROOT)}: {counts['events']:,} events, {counts['occurrences']:,} rows")

    with stopwatch("count queries", timings):
        extra = ["--explain"] if args.explain else []
        inner = _inner_call(url, "queries", *extra, timeout=1800)
    pages = [
        (label, path.format(**inner["fill"]), target, status)
        for label, path, target, status in PAGES
    ]

    static_root = Path(tempfile.mkdtemp(prefix="static-", dir=tmp_root()))
    rows, failures, busy = [], [], {}
    try:
        with (
            stopwatch("measure", timings),
            nginx(static_root) as static_base,
            gunicorn(url, workers=WORKERS) as base,
        ):
            for index, (label, path, target, expected) in enumerate(pages):
                shown = f"`{urllib.parse.unquote(path)}`"
                status, body = _fetch(base, path, HEADERS)
                measured = inner["pages"].get(path, {})
                queries = measured.get("queries", "—")
                in_sql = measured.get("sql_ms")
                in_sql = "—" if in_sql is None else f"{in_sql:.1f}"
                in_process = measured.get("total_ms")
                in_sql += "" if in_process is None else f" / {in_process:.0f}"
                if status != expected:
                    failures.append(f"{path}: HTTP {status}")
                    rows.append([label, shown, "—", queries, in_sql, f"HTTP {status}"])
                    rows[-1] += ["—"] * 3 + [_target(target), "not measured"]
                    continue
                filename = f"page-{index}.html"
                (static_root / filename).write_bytes(body)
                (static_root / filename).chmod(0o644)
                if _fetch(static_base, "/" + filename, HEADERS)[1] != body:
                    raise BenchError(f"nginx does not serve {filename} as saved")
                busy[path] = wait_for_quiet(timeout=10 if args.quick else 120)
                django_ms = _serial(base, path, HEADERS, requests, expected)
                static_ms = _serial(static_base, "/" + filename, HEADERS, requests, 200)
                django_rps = static_rps = "—"
                queued_ms = percentile(django_ms, 50) * WRK_CONNECTIONS / WORKERS
                if expected == 200 and queued_ms <= duration * 1000:
                    log(f"wrk {path}")
                    wrk(base + path, duration=1.0, connections=WRK_CONNECTIONS, headers=HEADERS)
                    django = wrk(
                        base + path,
                        duration=duration,
                        connections=WRK_CONNECTIONS,
                        headers=HEADERS,
                    )
                    static = wrk(
                        static_base + "/" + filename,
                        duration=duration,
                        connections=WRK_CONNECTIONS,
                    )
                    for result in (django, static):
                        if result.non_2xx or result.socket_errors:
                            failures.append(
                                f"{result.url}: {result.non_2xx} non-2xx, "
                                f"{result.socket_errors} socket errors"
                            )
                    django_rps = f"{django.requests_per_s:,.1f}"
                    static_rps = f"{static.requests_per_s:,.0f}"
                p95 = percentile(django_ms, 95)
                sampled = _percentiles(django_ms)
                if len(django_ms) < requests:
                    sampled += f" (n={len(django_ms)})"
                rows.append(
                    [
                        label,
                        shown,
                        f"{len(body):,}",
                        queries,
                        in_sql,
                        sampled,
                        _percentiles(static_ms),
                        django_rps,
                        static_rps,
                        _target(target),
                        ("yes" if p95 < TARGET_P95_MS else "**no**") if target else "—",
                    ]
                )
                if busy[path] > QUIET:
                    rows[-1][5] += " †"
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    timings["total"] = time.perf_counter() - started

    headers_row = [
        "page",
        "URL",
        "bytes",
        "queries",
        "SQL / in-process ms",
        "Django p50 / p95 / p99 ms",
        "nginx p50 / p95 / p99 ms",
        "Django req/s",
        "nginx req/s",
        "target p95",
        "met?",
    ]
    lines = [
        f"# Event pages — {counts['events']:,} events, {counts['occurrences']:,} occurrences "
        f"(SQLite)",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; {machine}; anonymous visitor; Accept-Language: "
        "fa; gunicorn 2 sync workers, DEBUG off; nginx 2 workers, same bytes from files. "
        f"p50/p95/p99: up to {requests} one-at-a-time requests on a kept-alive connection "
        f"(at most {SERIAL_BUDGET_S} s a page; n when fewer). req/s: wrk -t2 "
        f"-c{WRK_CONNECTIONS} "
        f"-d{duration:g}s after a 1 s warm-up (not run on a page whose p50 times "
        f"{WRK_CONNECTIONS // WORKERS} queued requests exceeds the run). queries, SQL (the "
        "statements' execute, not the fetching of their rows) and in-process (the whole "
        "request): measured in-process with Django's test client, after a warm-up request.",
        "",
        f"The set: {counts['spread']}. Busy month: the Gregorian month with the most "
        f"occurrences in the coming year ({inner['fill']['busy_label']}: "
        f"{inner['fill']['busy_count']:,} occurrences), and the Solar and lunar months holding "
        "its middle.",
        "",
        markdown_table(headers_row, rows),
        "",
        "Time: " + ", ".join(f"{label} {seconds:.0f} s" for label, seconds in timings.items()),
    ]
    if any(value > QUIET for value in busy.values()):
        lines += [
            "",
            "† other work kept the CPUs busy before this run "
            f"({max(busy.values()):.0%} at worst): its number is high.",
        ]
    if failures:
        lines += ["", "**Errors:**", *[f"- {failure}" for failure in failures]]
    if args.explain:
        lines += ["", "## The slowest queries of each page, with their plans", ""]
        for path, measured in inner["pages"].items():
            lines += [f"### `{urllib.parse.unquote(path)}`", ""]
            for item in measured.get("slowest", []):
                lines += [
                    f"{item['ms']:.1f} ms, {item['rows']} rows:",
                    "",
                    "```sql",
                    item["sql"],
                    "```",
                    "",
                    "```",
                    item["plan"],
                    "```",
                    "",
                ]
    write_results("events-quick" if args.quick else "events", "\n".join(lines))
    return 1 if failures else 0


def _target(applies: bool) -> str:
    return f"< {TARGET_P95_MS} ms" if applies else "—"


def _percentiles(values: list[float]) -> str:
    if not values:
        return "—"
    return " / ".join(f"{percentile(values, pct):.1f}" for pct in (50, 95, 99))


# The database -------------------------------------------------------------------------------


def _counts(db: Path) -> dict:
    """Events and occurrences in a bench file whose load finished; zeros otherwise."""
    empty = {"events": 0, "occurrences": 0, "spread": ""}
    if not db.exists():
        return empty
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            events = conn.execute("SELECT count(*) FROM events_event").fetchone()[0]
            occurrences = conn.execute("SELECT count(*) FROM events_occurrence").fetchone()[0]
            spread = dict(
                conn.execute("SELECT recurrence, count(*) FROM events_event GROUP BY recurrence")
            )
            countries = conn.execute("SELECT count(DISTINCT country_id) FROM events_event")
            languages = conn.execute("SELECT count(DISTINCT language_id) FROM events_event")
            organizers = conn.execute("SELECT count(DISTINCT organizer_id) FROM events_event")
            described = (
                f"{spread.get('none', 0):,} one-off, {spread.get('weekly', 0):,} weekly, "
                f"{spread.get('yearly_hijri', 0):,} yearly on a Hijri date; "
                f"{organizers.fetchone()[0]:,} organizers in {countries.fetchone()[0]} "
                f"countries, {languages.fetchone()[0]} languages"
            )
    except sqlite3.Error:
        return empty
    return {"events": events, "occurrences": occurrences, "spread": described}


def prepare(db: Path, url: str, *, events: int, timings: dict) -> dict:
    """Reuse the bench database if it holds the synthetic set; else build it from scratch."""
    have = _counts(db)
    if have["events"] >= events:
        log(f"reusing the database: {have['events']:,} events")
        with stopwatch("migrate (check)", timings):
            manage(["migrate", "--noinput"], database_url=url, timeout=600)
        return have
    if have["events"]:
        log("the database holds less than wanted: rebuilding it")
    sqlite_remove(db)
    with stopwatch("migrate", timings):
        manage(["migrate", "--noinput"], database_url=url, timeout=600)
    with stopwatch(f"demo_load --orgs {DEMO_ORGS}", timings):
        manage(
            ["demo_load", "--orgs", str(DEMO_ORGS), "--quiet-logins"],
            database_url=url,
            timeout=3600,
        )
    with stopwatch(f"{events:,} events with their occurrences", timings):
        _inner_call(url, "build", "--events", str(events))
    return _counts(db)


def _inner_call(url: str, what: str, *extra: str, timeout: float = 3600) -> dict:
    """Run this file inside Django (``--inner``) against the bench database; its JSON answer."""
    result = run(
        [PYTHON, Path(__file__).resolve(), "--inner", what, *extra],
        env=django_env(url),
        timeout=timeout,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise BenchError(f"no answer from --inner {what}:\n{result.stdout[-2000:]}")
    return json.loads(lines[-1])


# Requests -----------------------------------------------------------------------------------


def _connection(base: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)


def _fetch(base: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = _connection(base)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _serial(
    base: str, path: str, headers: dict[str, str], count: int, expected: int
) -> list[float]:
    """Milliseconds of ``count`` one-at-a-time requests on one kept-alive connection (fewer
    when they take more than the budget, but at least ``MIN_SAMPLES``)."""
    conn = _connection(base)
    times: list[float] = []
    deadline = time.monotonic() + SERIAL_BUDGET_S
    try:
        for number in range(count + 3):
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - start) * 1000
            if response.status != expected:
                raise BenchError(f"GET {path}: HTTP {response.status}")
            if number >= 3:  # the first ones warm the worker
                times.append(elapsed)
            if len(times) >= MIN_SAMPLES and time.monotonic() > deadline:
                break
    finally:
        conn.close()
    return times


# Inside Django ------------------------------------------------------------------------------


def _inner(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.inner == "build":
        answer = build(events=args.events)
    else:
        answer = queries_count(explain=args.explain)
    print(json.dumps(answer, ensure_ascii=False), flush=True)
    return 0


# Where the synthetic organizers' countries hold their events: time zone and languages (each
# language repeated by its weight).
PLACES = {
    "IR": ("Asia/Tehran", ["fa"] * 8 + ["ar", "ur", "en"]),
    "IQ": ("Asia/Baghdad", ["ar"] * 9 + ["fa", "en"]),
    "PK": ("Asia/Karachi", ["ur"] * 4 + ["en"]),
    "IN": ("Asia/Kolkata", ["ur", "ur", "hi", "en"]),
    "AF": ("Asia/Kabul", ["prs", "prs", "ps", "fa"]),
    "LB": ("Asia/Beirut", ["ar"]),
    "BH": ("Asia/Bahrain", ["ar"]),
    "AZ": ("Asia/Baku", ["az", "az", "ru"]),
    "TR": ("Europe/Istanbul", ["tr", "tr", "az"]),
    "GB": ("Europe/London", ["en", "en", "ur", "ar"]),
    "DE": ("Europe/Berlin", ["de", "en", "tr", "ar"]),
    "NG": ("Africa/Lagos", ["en", "ha"]),
}
# One-off kinds by weight; the names they get, in Persian and in Arabic.
ONE_OFF_KINDS = (
    ["gathering"] * 35 + ["ceremony"] * 15 + ["conference"] * 15 + ["meeting"] * 12
    + ["expert_session"] * 6 + ["press"] * 4 + ["course"] * 5 + ["congress"] * 2 + ["other"] * 6
)  # fmt: skip
TITLES = {
    "gathering": (["مجلس عزاداری", "جلسه قرائت قرآن", "دعای توسل", "جلسه تفسیر", "دعای کمیل"],
                  ["مجلس عزاء", "جلسة قراءة القرآن", "دعاء التوسل", "درس التفسير", "دعاء كميل"]),
    "ceremony": (["مراسم"], ["مراسم"]),
    "conference": (["همایش", "نشست هم‌اندیشی"], ["المؤتمر", "الملتقى"]),
    "meeting": (["جلسه هماهنگی", "دیدار"], ["اجتماع تنسيقي", "لقاء"]),
    "expert_session": (["نشست کارشناسی"], ["جلسة خبراء"]),
    "press": (["نشست خبری"], ["مؤتمر صحفي"]),
    "course": (["دوره آموزشی"], ["دورة تدريبية"]),
    "congress": (["کنگره"], ["المؤتمر العام"]),
    "other": (["برنامه فرهنگی", "نمایشگاه"], ["برنامج ثقافي", "معرض"]),
}  # fmt: skip
# Occasions the yearly ceremonies keep, by weight: the mourning of Muharram and Safar and the
# nights of Ramadan are most of them.
YEARLY_OCCASIONS = (
    ["muharram-first-ten"] * 6 + ["tasua"] * 6 + ["ashura"] * 12 + ["arbaeen"] * 8
    + ["fatimiyya-first"] * 4 + ["fatimiyya-second"] * 3 + ["qadr-19"] * 3 + ["qadr-21"] * 4
    + ["qadr-23"] * 4 + ["martyrdom-imam-ali"] * 2 + ["eid-al-ghadir"] * 3
    + ["birth-imam-mahdi"] * 3 + ["eve-mid-shaban"] * 2 + ["demise-prophet-imam-hasan"] * 2
    + ["martyrdom-imam-reza"] * 2 + ["birth-prophet-imam-sadiq"] * 2 + ["mabath"] * 2
)  # fmt: skip


def build(*, events: int, seed: int = SEED) -> dict:
    """Add ``events`` synthetic events and their occurrences in bulk.

    About 72% happen once (over 18 months back and ahead; a fifth of the ceremonies on an
    occasion's date; 2% cancelled), 12% repeat weekly (evening gatherings, half of them for
    a season of 3–12 weeks, half open-ended), 16% repeat every Hijri year on an occasion
    (Muharram, Safar and Ramadan first). Organizers are drawn from the directory (the demo's
    and the synthetic organizations, a few hundred of them much busier than the rest); the
    country, time zone, language and place follow the organizer's country, with a point near
    one of its cities. Occurrences are written by ``events.services.event_slots``, the rule the
    services use, with the organizer, country and language copied as the services copy them.
    One transaction: a half-finished build is never kept.
    """
    import datetime
    import random
    from zoneinfo import ZoneInfo

    from django.db import connection, transaction
    from django.utils import timezone

    from hamafza.core.calendars import gregorian_to_lunar
    from hamafza.core.models import City, Language
    from hamafza.directory.models import Organization
    from hamafza.events.models import (
        Event,
        EventStatus,
        Occasion,
        Occurrence,
        Recurrence,
    )
    from hamafza.events.services import (
        event_slots,
        lunar_region_for,
        occasion_dates_refresh,
        occasion_day_in,
    )

    rng = random.Random(seed)
    today = timezone.localdate()
    organizers = list(
        Organization.objects.filter(country__code__in=PLACES).values_list(
            "pk", "name", "country_id", "country__code"
        )
    )
    busy = rng.sample(organizers, min(300, len(organizers)))
    cities: dict[int, list] = {}
    for city in City.objects.filter(latitude__isnull=False):
        cities.setdefault(city.country_id, []).append(city)
    languages = {language.code: language.pk for language in Language.objects.all()}
    occasions = {occasion.slug: occasion for occasion in Occasion.objects.all()}
    hijri_now = gregorian_to_lunar(today, "IR").year
    kinds = ["none"] * 72 + ["weekly"] * 12 + ["yearly_hijri"] * 16

    def local(day: datetime.date, hour: int, minute: int, zone: str) -> datetime.datetime:
        return datetime.datetime.combine(
            day, datetime.time(hour, minute), tzinfo=ZoneInfo(zone)
        ).astimezone(datetime.UTC)

    def event(number: int) -> Event:
        pk, org_name, country_id, code = rng.choice(busy if rng.random() < 0.3 else organizers)
        zone, spoken = PLACES[code]
        language = rng.choice(spoken)
        arabic = language == "ar"
        region = lunar_region_for(code)
        recurrence = rng.choice(kinds)
        city = rng.choice(cities[country_id]) if country_id in cities else None
        occasion = None
        repeat_until = None
        if recurrence == Recurrence.WEEKLY:
            kind = "gathering" if rng.random() < 0.9 else "other"
            day = today - datetime.timedelta(days=rng.randint(0, 365))
            starts = local(day, rng.randint(18, 21), rng.choice((0, 30)), zone)
            length = datetime.timedelta(minutes=rng.choice((60, 90, 120)))
            if rng.random() < 0.5:
                repeat_until = day + datetime.timedelta(weeks=rng.randint(3, 12))
        elif recurrence == Recurrence.YEARLY_HIJRI:
            kind = "ceremony"
            occasion = occasions[rng.choice(YEARLY_OCCASIONS)]
            year = hijri_now - rng.randint(0, 2)
            day = occasion_day_in(occasion, year=year, region=region)
            hour = rng.randint(19, 21) if occasion.eve else rng.randint(8, 19)
            starts = local(day, hour, 0, zone)
            length = datetime.timedelta(hours=rng.choice((2, 3, 4)))
        else:
            kind = rng.choice(ONE_OFF_KINDS)
            if kind == "ceremony" and rng.random() < 0.2:
                occasion = occasions[rng.choice(YEARLY_OCCASIONS)]
                year = hijri_now + rng.randint(-1, 1)
                day = occasion_day_in(occasion, year=year, region=region)
            else:
                day = today + datetime.timedelta(days=rng.randint(-540, 540))
            starts = local(day, rng.randint(8, 21), rng.choice((0, 30)), zone)
            if kind in ("conference", "congress") and rng.random() < 0.3:
                length = datetime.timedelta(days=rng.randint(1, 2), hours=rng.randint(2, 6))
            else:
                length = datetime.timedelta(minutes=rng.choice((60, 90, 120, 180, 240)))
        title = rng.choice(TITLES[kind][1 if arabic else 0])
        if occasion is not None:
            title = f"{title} {occasion.names.get('ar' if arabic else 'fa', occasion.name)}"
        name = f"{title} — {org_name}"[:300]
        row = Event(
            kind=kind,
            status=EventStatus.CANCELLED if rng.random() < 0.02 else EventStatus.SCHEDULED,
            organizer_id=pk,
            name=name,
            names={"en": f"{kind.replace('_', ' ').capitalize()} {number}"},
            language_id=languages.get(language),
            occasion=occasion,
            online=city is None or rng.random() < 0.1,
            venue="" if city is None else f"{'قاعة' if arabic else 'سالن'} {rng.randint(1, 40)}",
            country_id=country_id,
            province_id=city.province_id if city else None,
            city=city,
            latitude=None,
            longitude=None,
            starts_at=starts,
            ends_at=starts + length,
            time_zone=zone,
            recurrence=recurrence,
            repeat_until=repeat_until,
            lunar_region=region,
        )
        if city is not None and city.latitude is not None:
            row.latitude = round(float(city.latitude) + rng.uniform(-0.08, 0.08), 6)
            row.longitude = round(float(city.longitude) + rng.uniform(-0.08, 0.08), 6)
        lunar = gregorian_to_lunar(starts.astimezone(ZoneInfo(zone)).date(), region)
        row.hijri_month, row.hijri_day = lunar.month, lunar.day
        if recurrence == Recurrence.YEARLY_HIJRI and lunar.day == 30:
            row.recurrence = Recurrence.NONE  # a fixed day 30 is refused by the services
        row.search_key = row.search_key_build()
        return row

    made = occurrences = 0
    batch = 5000
    with transaction.atomic():
        while made < events:
            rows = Event.objects.bulk_create(
                [event(made + n) for n in range(min(batch, events - made))]
            )
            slots = []
            for row in rows:
                copied = {
                    "organizer_id": row.organizer_id,
                    "country_id": row.country_id,
                    "language_id": row.language_id,
                    "cancelled": row.status == EventStatus.CANCELLED,
                }
                slots += [
                    Occurrence(
                        event_id=row.pk,
                        key=slot.key,
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                        **copied,
                    )
                    for slot in event_slots(row, today=today)
                ]
            for slot in slots:
                slot.derived_set()
            Occurrence.objects.bulk_create(slots, batch_size=10000)
            made += len(rows)
            occurrences += len(slots)
        occasion_dates_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what a periodic PRAGMA optimize would do
    return {"events": made, "occurrences": occurrences}


def _busy_month() -> dict:
    """The Gregorian month with the most occurrences in the coming year, and the Solar and
    lunar months that hold its middle day."""
    import datetime

    from django.db.models import Count
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from hamafza.core.calendars import date_parts
    from hamafza.events.models import Occurrence

    now = timezone.now()
    year = now + datetime.timedelta(days=365)
    row = (
        Occurrence.objects.filter(starts_at__gte=now, starts_at__lt=year)
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    middle = (row["month"] + datetime.timedelta(days=14)).date()
    solar = date_parts(middle, calendar="solar")
    lunar = date_parts(middle, calendar="lunar", region="IR")
    return {
        "gregorian_year": middle.year,
        "gregorian_month": middle.month,
        "solar_year": solar[0],
        "solar_month": solar[1],
        "lunar_year": lunar[0],
        "lunar_month": lunar[1],
        "busy_label": middle.strftime("%Y-%m"),
        "busy_count": row["n"],
    }


class _SqlTimer:
    """A ``connection.execute_wrapper`` that keeps how long each statement's ``execute`` took,
    on a finer clock than Django's captured times (rounded to the millisecond). Fetching the
    rows afterwards is not in it."""

    def __init__(self):
        self.ms: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms.append((time.perf_counter() - started) * 1000)


def queries_count(*, explain: bool = False) -> dict:
    """Each page's queries, their time in SQL and (with ``explain``) the plans of the slowest
    ones, measured in-process with Django's test client as an anonymous visitor."""
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hamafza.events.models import Event

    fill = _busy_month()
    fill["organizer"] = (
        Event.objects.values("organizer_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["organizer_id"]
    )
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="fa")
    pages = {}
    for _label, path, _target, expected in PAGES:
        path = path.format(**fill)
        client.get(path)  # warm per-process caches, as a running worker has them
        timed = _SqlTimer()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as context, connection.execute_wrapper(timed):
            response = client.get(path)
        total_ms = (time.perf_counter() - started) * 1000
        if response.status_code != expected:
            pages[path] = {"queries": "—"}
            continue
        captured = [
            {"sql": query["sql"], "ms": ms}
            for query, ms in zip(context.captured_queries, timed.ms, strict=True)
        ]
        pages[path] = {
            "queries": str(len(captured)),
            "sql_ms": sum(timed.ms),
            "total_ms": total_ms,
        }
        if explain:
            slowest = sorted(captured, key=lambda item: -item["ms"])[:2]
            for item in slowest:
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN QUERY PLAN {item['sql']}")
                    item["plan"] = "\n".join(str(row[-1]) for row in cursor.fetchall())
                    cursor.execute(item["sql"])
                    item["rows"] = len(cursor.fetchall())
            pages[path]["slowest"] = slowest
    return {"fill": fill, "pages": pages}


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"error: {error}")
        sys.exit(2)
