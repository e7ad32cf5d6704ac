"""The network dashboard and the quarterly guide at the demo's scale × 100.

    .venv/bin/python bench/bench_reports.py            # the demo × 100
    .venv/bin/python bench/bench_reports.py --quick    # the demo × 3, short runs (CI smoke)
    .venv/bin/python bench/bench_reports.py --scale 20 --requests 100

Prepares var/bench/reports.sqlite3 once (``reports-xN.sqlite3`` for other
scales): migrate, demo_load, then N − 1 copies of every row the dashboard and
the guide read (organizations with their languages and fields, channels,
broadcasts and archive items, agreements with parties and state changes,
events with occurrences, follow-ups, volunteer groups, camps, campaigns and
distributions), in bulk and in one transaction, by this file run inside
Django (``--inner build``). Copies keep the demo's dates, so that a quarter
holds N times the demo's quarter; the copies' organizations are spread over
the last ten years of registrations.

Then it counts the dashboard's queries in-process (cold and warm), starts
gunicorn (2 sync workers, DEBUG off, the file cache of the settings) and
nginx (2 workers), and for each page: fetches it once in Persian and saves the
bytes for nginx, warms the workers, and times one-at-a-time requests on a
kept-alive connection to both (p50/p95). The same pages are timed again with
Django's cache turned off (``DummyCache``): every request computes every
figure, which is what the cache saves. Last, it renders the quarterly guide of
the current and the previous Solar Hijri quarter in Persian with
``hamafza.publishing.guide.guide_pdf`` and times it ("not available" when
that function does not exist). Prints a markdown table and writes it to
bench/results/reports.md. Targets (dashboard p95 < 200 ms warm; the guide
< 30 s) are reported, never asserted: the exit status is non-zero only when a
page answered an error.
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
)

DEFAULT_SCALE = 100
QUICK_SCALE = 3
TARGET_P95_MS = 200
TARGET_GUIDE_S = 30
HEADERS = {"Accept-Language": "fa"}
QUIET = 0.15
REGISTRATION_YEARS = 10  # the copies' organizations are registered over this many years
# (label, path); "{year}" is this Solar Hijri year
PAGES = [
    ("dashboard, all time", "/reports/"),
    ("dashboard, this Solar year", "/reports/?year={year}"),
    ("dashboard, all time, in Arabic", "/reports/?lang=ar"),
]
DUMMY_CACHE = {"DJANGO_CACHE_BACKEND": "django.core.cache.backends.dummy.DummyCache"}
LOCMEM_CACHE = {"DJANGO_CACHE_BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, help=f"times the demo (default {DEFAULT_SCALE})")
    parser.add_argument("--quick", action="store_true", help="the demo × 3, short runs (CI)")
    parser.add_argument("--requests", type=int, help="one-at-a-time requests per page (200)")
    parser.add_argument("--inner", choices=["build", "queries", "guide"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return _inner(args)
    scale = args.scale or (QUICK_SCALE if args.quick else DEFAULT_SCALE)
    requests = args.requests or (40 if args.quick else 200)

    machine = machine_summary()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    db = BENCH_VAR / ("reports.sqlite3" if scale == DEFAULT_SCALE else f"reports-x{scale}.sqlite3")
    url = sqlite_url(db)
    with stopwatch("prepare the database", timings):
        counts = prepare(db, url, scale=scale, timings=timings)
    log(f"{db.relative_to(ROOT)}: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))

    with stopwatch("count queries", timings):
        inner = _inner_call(url, "queries", timeout=1800, env=LOCMEM_CACHE)
    pages = [(label, path.format(year=inner["year"])) for label, path in PAGES]

    static_root = Path(tempfile.mkdtemp(prefix="static-", dir=tmp_root()))
    # A cache of this run's own, empty: the first request computes every figure.
    cache_dir = Path(tempfile.mkdtemp(prefix="cache-", dir=tmp_root()))
    file_cache = {"DJANGO_CACHE_LOCATION": str(cache_dir)}
    rows, failures, busy = [], [], {}
    try:
        with stopwatch("measure", timings), nginx(static_root) as static_base:
            with gunicorn(url, workers=2, extra_env=file_cache) as base:
                for index, (label, path) in enumerate(pages):
                    headers = _headers(path)
                    cold_ms, (status, body) = _timed_fetch(base, path, headers)
                    if status != 200:
                        failures.append(f"{path}: HTTP {status}")
                        rows.append([label, f"`{path}`", f"HTTP {status}"] + ["—"] * 7)
                        continue
                    filename = f"page-{index}.html"
                    (static_root / filename).write_bytes(body)
                    (static_root / filename).chmod(0o644)
                    if _fetch(static_base, "/" + filename, HEADERS)[1] != body:
                        raise BenchError(f"nginx does not serve {filename} as saved")
                    busy[path] = wait_for_quiet(timeout=10 if args.quick else 120)
                    _serial(base, path, headers, 10)  # warm both workers' caches and code
                    warm = _serial(base, path, headers, requests)
                    static = _serial(static_base, "/" + filename, HEADERS, requests)
                    p95 = percentile(warm, 95)
                    rows.append(
                        [
                            label,
                            f"`{path}`",
                            f"{len(body):,}",
                            f"{inner['queries'][path]['cold']} / {inner['queries'][path]['warm']}",
                            f"{cold_ms:.0f}",
                            f"{percentile(warm, 50):.1f} / {p95:.1f}"
                            + (" †" if busy[path] > QUIET else ""),
                            f"{percentile(static, 50):.2f} / {percentile(static, 95):.2f}",
                            "",
                            f"< {TARGET_P95_MS} ms",
                            "yes" if p95 < TARGET_P95_MS else "**no**",
                        ]
                    )
            # The same pages with the cache off: what every request would cost without it.
            with gunicorn(url, workers=2, extra_env=DUMMY_CACHE) as base:
                for row, (_label, path) in zip(rows, pages, strict=True):
                    if row[2].startswith("HTTP"):
                        continue
                    headers = _headers(path)
                    wait_for_quiet(timeout=10 if args.quick else 60)
                    _serial(base, path, headers, 2)
                    uncached = _serial(base, path, headers, max(10, requests // 10))
                    row[7] = f"{percentile(uncached, 50):.0f} / {percentile(uncached, 95):.0f}"
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(cache_dir, ignore_errors=True)

    with stopwatch("render the quarterly guide", timings):
        guide = _inner_call(url, "guide", timeout=1800)
    timings["total"] = time.perf_counter() - started

    headers_row = [
        "page",
        "URL",
        "bytes",
        "queries cold / warm",
        "first request ms",
        "Django p50 / p95 ms (cached)",
        "nginx p50 / p95 ms",
        "Django p50 / p95 ms (no cache)",
        "target p95",
        "met?",
    ]
    guide_rows = []
    for entry in guide["guides"]:
        if entry.get("seconds") is None:
            guide_rows.append(
                [entry["quarter"], "not available", "—", "—", f"< {TARGET_GUIDE_S} s", "—"]
            )
            continue
        guide_rows.append(
            [
                entry["quarter"],
                f"{entry['seconds']:.1f}",
                f"{entry['data_seconds']:.1f}",
                f"{entry['pages']} pages, {entry['bytes']:,} bytes",
                f"< {TARGET_GUIDE_S} s",
                "yes" if entry["seconds"] < TARGET_GUIDE_S else "**no**",
            ]
        )
    lines = [
        f"# Reports — the demo × {scale} (SQLite)",
        "",
        ", ".join(f"{n:,} {what}" for what, n in counts.items()) + ".",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; {machine}; anonymous, Accept-Language: fa "
        "(ar for the Arabic row); gunicorn 2 sync workers, DEBUG off, the settings' file cache; "
        f"nginx 2 workers, same bytes from files. p50/p95: {requests} one-at-a-time requests on "
        "a kept-alive connection after 10 warm-up requests. First request: the cache empty, "
        f"every figure computed. No cache: Django's DummyCache, {max(10, requests // 10)} "
        "requests. Queries: counted in-process (Django test client), cold then warm.",
        "",
        markdown_table(headers_row, rows),
        "",
        "The quarterly guide (`guide_pdf`, Persian, in-process; data: `guide_data` alone):",
        "",
        markdown_table(
            ["quarter", "seconds", "of which data s", "PDF", "target", "met?"], guide_rows
        ),
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
    write_results("reports-quick" if args.quick else "reports", "\n".join(lines))
    return 1 if failures else 0


def _headers(path: str) -> dict[str, str]:
    """Persian, or the language the path names (``?lang=ar``: sent as Accept-Language)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    return {"Accept-Language": query["lang"][0]} if "lang" in query else HEADERS


# The database -------------------------------------------------------------------------------


def _marker(scale: int) -> str:
    return f"%/r{scale - 1}"


def _counts(db: Path, scale: int) -> dict[str, int]:
    """Rows of a finished build (its last copy present); empty otherwise."""
    if not db.exists():
        return {}
    tables = {
        "organizations": "directory_organization",
        "volunteer groups": "fieldops_volunteergroup",
        "camps": "fieldops_camp",
        "distributions": "fieldops_distribution",
        "channels": "broadcast_channel",
        "broadcasts": "broadcast_broadcast",
        "agreements": "agreements_agreement",
        "events": "events_event",
        "occurrences": "events_occurrence",
        "follow-ups": "followups_followup",
    }
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            if scale > 1:
                done = conn.execute(
                    "SELECT count(*) FROM fieldops_volunteergroup WHERE registration_number LIKE ?",
                    (_marker(scale),),
                ).fetchone()[0]
                if not done:
                    return {}
            return {
                what: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for what, table in tables.items()
            }
    except sqlite3.Error:
        return {}


def prepare(db: Path, url: str, *, scale: int, timings: dict) -> dict[str, int]:
    """Reuse the bench database if its build finished; else build it from scratch."""
    have = _counts(db, scale)
    if have:
        log("reusing the database")
        with stopwatch("migrate (check)", timings):
            manage(["migrate", "--noinput"], database_url=url, timeout=600)
        return have
    sqlite_remove(db)
    with stopwatch("migrate", timings):
        manage(["migrate", "--noinput"], database_url=url, timeout=600)
    with stopwatch("demo_load", timings):
        manage(["demo_load", "--quiet-logins"], database_url=url, timeout=3600)
    if scale > 1:
        with stopwatch(f"{scale - 1} copies of the demo", timings):
            _inner_call(url, "build", "--scale", str(scale))
    return _counts(db, scale)


def _inner_call(
    url: str, what: str, *extra: str, timeout: float = 3600, env: dict | None = None
) -> dict:
    """Run this file inside Django (``--inner``) against the bench database; its JSON answer."""
    result = run(
        [PYTHON, Path(__file__).resolve(), "--inner", what, *extra],
        env=django_env(url, **(env or {})),
        timeout=timeout,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise BenchError(f"no answer from --inner {what}:\n{result.stdout[-2000:]}")
    return json.loads(lines[-1])


# Requests -----------------------------------------------------------------------------------


def _connection(base: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)


def _fetch(base: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = _connection(base)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _timed_fetch(base: str, path: str, headers: dict[str, str]):
    start = time.perf_counter()
    answer = _fetch(base, path, headers)
    return (time.perf_counter() - start) * 1000, answer


def _serial(base: str, path: str, headers: dict[str, str], count: int) -> list[float]:
    """Milliseconds of ``count`` one-at-a-time requests on one kept-alive connection."""
    conn = _connection(base)
    times = []
    try:
        for _number in range(count):
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - start) * 1000
            if response.status != 200:
                raise BenchError(f"GET {path}: HTTP {response.status}")
            times.append(elapsed)
    finally:
        conn.close()
    return times


# Inside Django ------------------------------------------------------------------------------


def _inner(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.inner == "build":
        answer = build(scale=args.scale)
    elif args.inner == "queries":
        answer = queries_count()
    else:
        answer = guides_render()
    print(json.dumps(answer, ensure_ascii=False), flush=True)
    return 0


class _Copier:
    """Copies of the demo's rows, each copy's foreign keys pointing into the same copy.

    ``maps[model label][copy][old id]`` is the new id; a foreign key to a
    model that is not copied (places, kinds, people, users) keeps its value.
    """

    def __init__(self, copies: int):
        self.copies = copies
        self.maps: dict[str, list[dict[int, int]]] = {}

    def copy(self, model, rows: list[dict], *, fk=None, unique=(), clear=(), fix=None):
        """Bulk-create ``copies`` copies of ``rows`` (``values()`` dicts); return the maps."""
        fk = fk or {}
        label = model._meta.label
        self.maps[label] = []
        for number in range(1, self.copies + 1):
            objects, olds = [], []
            for source in rows:
                row = dict(source)
                olds.append(row.pop("id"))
                for attname, target in fk.items():
                    value = row.get(attname)
                    if value is not None:
                        row[attname] = self.maps[target][number - 1].get(value, value)
                for name in unique:
                    row[name] = f"{row[name]}/r{number}"
                for name in clear:
                    row[name] = None
                if fix is not None:
                    fix(row, number)
                objects.append(model(**row))
            made = model.objects.bulk_create(objects, batch_size=2000)
            self.maps[label].append({old: new.pk for old, new in zip(olds, made, strict=True)})
        return self.maps[label]

    def relink(self, model, rows: list[dict], fields: dict[str, str]) -> None:
        """Point the copies' self references (parent, replaces …) into their own copy."""
        label = model._meta.label
        updates = []
        for number, mapping in enumerate(self.maps[label], start=1):
            for source in rows:
                values = {
                    attname: self.maps[target][number - 1].get(source[attname])
                    for attname, target in fields.items()
                    if source[attname] is not None
                }
                if values:
                    updates.append(model(pk=mapping[source["id"]], **values))
        if updates:
            model.objects.bulk_update(updates, list(fields), batch_size=2000)

    def through(self, through, rows: list[dict], *, fk: dict[str, str]) -> None:
        """Copies of many-to-many links (``fk`` names the columns to remap)."""
        for number in range(1, self.copies + 1):
            links = []
            for source in rows:
                row = {key: value for key, value in source.items() if key != "id"}
                for attname, target in fk.items():
                    row[attname] = self.maps[target][number - 1][row[attname]]
                links.append(through(**row))
            through.objects.bulk_create(links, batch_size=5000)


def build(*, scale: int) -> dict:
    """``scale - 1`` copies of the rows the dashboard and the guide read, in one transaction."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from hamafza.agreements.models import Agreement, AgreementParty, AgreementTransition
    from hamafza.broadcast.models import ArchiveItem, Broadcast, BroadcastStatus, Channel
    from hamafza.directory.models import Organization
    from hamafza.events.models import Event, Occurrence
    from hamafza.fieldops.models import Camp, Campaign, Distribution, VolunteerGroup
    from hamafza.followups.models import FollowUp

    copies = scale - 1
    copier = _Copier(copies)

    def rows(model) -> list[dict]:
        return list(model.objects.order_by("pk").values())

    org = Organization._meta.label
    with transaction.atomic():
        first_copy = (Organization.objects.order_by("-pk").values_list("pk", flat=True).first()) + 1
        organizations = rows(Organization)
        copier.copy(Organization, organizations, clear=("parent_id",))
        copier.relink(Organization, organizations, {"parent_id": org})
        for through in (Organization.languages.through, Organization.fields.through):
            copier.through(through, list(through.objects.values()), fk={"organization_id": org})

        copier.copy(
            VolunteerGroup,
            rows(VolunteerGroup),
            fk={"organization_id": org, "sponsor_id": org},
            unique=("registration_number",),
        )
        group = VolunteerGroup._meta.label
        copier.copy(Campaign, rows(Campaign), fk={"organizer_id": org})
        copier.copy(
            Camp, rows(Camp), fk={"group_id": group}, clear=("decided_by_id", "created_by_id")
        )
        copier.copy(
            Distribution,
            rows(Distribution),
            fk={"campaign_id": Campaign._meta.label, "group_id": group},
            clear=("created_by_id",),
        )

        copier.copy(Channel, rows(Channel), fk={"organization_id": org})

        def not_live(row, _number):
            # One broadcast is live in the demo; its copies have ended.
            if row["status"] == BroadcastStatus.LIVE:
                row["status"] = BroadcastStatus.ENDED
            row["viewers_current"] = 0

        copier.copy(
            Broadcast,
            rows(Broadcast),
            fk={"channel_id": Channel._meta.label},
            clear=("live_key_id", "created_by_id"),
            fix=not_live,
        )
        copier.copy(ArchiveItem, rows(ArchiveItem), fk={"broadcast_id": Broadcast._meta.label})

        agreements = rows(Agreement)
        copier.copy(
            Agreement,
            agreements,
            fk={"owner_id": org},
            unique=("code",),
            clear=("parent_id", "replaces_id"),
        )
        agreement = Agreement._meta.label
        copier.relink(Agreement, agreements, {"parent_id": agreement, "replaces_id": agreement})
        copier.through(
            Agreement.subjects.through,
            list(Agreement.subjects.through.objects.values()),
            fk={"agreement_id": agreement},
        )
        copier.copy(
            AgreementParty,
            rows(AgreementParty),
            fk={"agreement_id": agreement, "organization_id": org},
        )
        copier.copy(
            AgreementTransition,
            rows(AgreementTransition),
            fk={"agreement_id": agreement, "successor_id": agreement},
        )

        copier.copy(
            Event,
            rows(Event),
            fk={"organizer_id": org, "broadcast_id": Broadcast._meta.label},
            clear=("series_id", "edition", "created_by_id"),
        )
        copier.copy(
            Occurrence,
            rows(Occurrence),
            fk={"event_id": Event._meta.label, "organizer_id": org},
        )

        # Follow-ups of copied sources point into their copy; the others (committee
        # meetings …) keep their source and are numbered past the demo's own.
        copied = {
            ContentType.objects.get_for_model(Agreement).pk: agreement,
            ContentType.objects.get_for_model(Event).pk: Event._meta.label,
            ContentType.objects.get_for_model(Organization).pk: org,
        }

        def source(row, number):
            target = copied.get(row["source_type_id"])
            if target is None:
                row["number"] += number * 100_000
            else:
                row["source_id"] = copier.maps[target][number - 1][row["source_id"]]

        copier.copy(FollowUp, rows(FollowUp), fk={"owner_organization_id": org}, fix=source)

        # Registrations spread over the last ten years (the demo's are all of today).
        with connection.cursor() as cursor:
            days = REGISTRATION_YEARS * 365
            cursor.execute(
                "UPDATE directory_organization SET created_at = "
                "datetime(created_at, '-' || (abs(random()) %% %s) || ' days') WHERE id >= %s",
                [days, first_copy],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"copies": copies}


def queries_count() -> dict:
    """Each page's queries in-process, with the cache empty then warm; and this Solar year."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hamafza.core.calendars import Calendar
    from hamafza.core.periods import year_of

    year = year_of(timezone.localdate(), calendar=Calendar.SOLAR)
    client = Client(HTTP_HOST="127.0.0.1")
    counted = {}
    for _label, path in PAGES:
        path = path.format(year=year)
        headers = {"HTTP_ACCEPT_LANGUAGE": _headers(path)["Accept-Language"]}
        client.get(path, **headers)  # per-process reference data, as a running worker has it
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(path, **headers)
        with CaptureQueriesContext(connection) as warm:
            client.get(path, **headers)
        ok = response.status_code == 200
        counted[path] = {
            "cold": len(cold.captured_queries) if ok else "—",
            "warm": len(warm.captured_queries) if ok else "—",
        }
    return {"year": year, "queries": counted}


def guides_render() -> dict:
    """The current and the previous Solar Hijri quarter's guide in Persian, timed."""
    from django.utils import timezone

    try:
        from hamafza.publishing.guide import guide_data, guide_pdf, quarter_of, quarter_previous
    except ImportError:
        return {"guides": [{"quarter": "—", "seconds": None}]}
    from hamafza.core.permissions import SYSTEM
    from hamafza.publishing.models import Guide
    from hamafza.publishing.services_guides import guide_create

    current = quarter_of(timezone.localdate(), calendar="solar")
    answers = []
    for year, quarter in (current, quarter_previous(year=current[0], quarter=current[1])):
        guide = Guide.objects.filter(
            calendar="solar", year=year, quarter=quarter, language="fa"
        ).first() or guide_create(
            actor=SYSTEM, calendar="solar", year=year, quarter=quarter, language="fa"
        )
        start = time.perf_counter()
        guide_data(starts_on=guide.starts_on, ends_on=guide.ends_on, language="fa")
        data_seconds = time.perf_counter() - start
        start = time.perf_counter()
        pdf = guide_pdf(guide=guide)
        seconds = time.perf_counter() - start
        answers.append(
            {
                "quarter": f"{year} Q{quarter}",
                "seconds": seconds,
                "data_seconds": data_seconds,
                "bytes": len(pdf),
                "pages": _pdf_pages(pdf),
            }
        )
    return {"guides": answers}


def _pdf_pages(pdf: bytes) -> str:
    """The number of pages (poppler's pdfinfo), or "?" without it."""
    if not shutil.which("pdfinfo"):
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = run(["pdfinfo", file.name], timeout=60).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return line.split(":", 1)[1].strip()
    return "?"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"error: {error}")
        sys.exit(2)
