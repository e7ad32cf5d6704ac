"""The nearest-service query at 20,000 service points, and the GeoJSON of the whole walk route.

    .venv/bin/python bench/bench_fieldops.py                    # SQLite and PostgreSQL, one table
    .venv/bin/python bench/bench_fieldops.py --database sqlite  # one database (also: postgres)
    .venv/bin/python bench/bench_fieldops.py --quick            # 2,000 points, few rounds (CI)
    .venv/bin/python bench/bench_fieldops.py --points 50000 --explain

Each database is prepared once and reused (SQLite: var/bench/fieldops.sqlite3; PostgreSQL:
database ``hamafza_bench_fieldops`` in the bench cluster under var/bench/pg, started for the
run and stopped after it): migrate, demo_load (with 2,000 synthetic organizations to run the
points), then the synthetic service points in bulk, in one transaction (``--inner build``):
four in five on the Najaf–Karbala walk by pole (denser towards Karbala), the rest around the
shrine cities, Baghdad, the border crossings and cities of Iran; kinds, services, languages
and statuses spread as on the demo's route. Every point lies inside its country
(``point_in_country``), as the services require.

In-process, as the map's "nearest" box calls them: ``nearest_service_points`` from positions
along the walk and around Karbala, Najaf and Mehran, with a kind and/or a service, and
``nearest_from_pole`` from random poles. Each call runs once to warm up and then in measured
rounds. Two references run in the same process: a plain full scan (every point read and
measured with the same haversine in Python, the same filters applied in Python, the same two
queries to load the five found) and a single point read by its primary key the same way. The
scan also checks the answers: both must find the same points.

Over HTTP (gunicorn, 2 sync workers, DEBUG off): ``/fieldops/points.geojson?route=najaf_karbala``
in Persian, its size raw and gzipped, one-at-a-time requests on a kept-alive connection
(p50/p95), next to nginx serving the same bytes from a file.

One process can hold one default database, so the parent mode runs each database in a child
process and prints one combined table (bench/results/fieldops.md). The target (p95 < 20 ms on
both databases) is reported, never asserted: the exit status is non-zero only on errors (an
HTTP error, a missing selector) or when the selector and the scan disagree.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from _common import (
    BENCH_VAR,
    PGBIN,
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
    pg_reset,
    postgres_cluster,
    psql,
    run,
    sqlite_remove,
    sqlite_url,
    stopwatch,
    tmp_root,
    wait_for_quiet,
    write_results,
)

DEFAULT_POINTS = 20_000
QUICK_POINTS = 2_000
DEMO_ORGS = 2_000  # synthetic organizations besides the demo's: the operators
TARGET_P95_MS = 20.0
HEADERS = {"Accept-Language": "fa"}
QUIET = 0.15
SEED = 1448
PG_DATABASE = "hamafza_bench_fieldops"
GEOJSON_PATH = "/fieldops/points.geojson?route=najaf_karbala"
ROUTE_SHARE = 0.8
# Filters of the nearest calls: (kind, service), each drawn as often as it is listed.
FILTERS = [
    ("", ""),
    ("mawkib", ""),
    ("mawkib", ""),
    ("medical", ""),
    ("water", ""),
    ("information", ""),
    ("", "water"),
    ("", "medical"),
    ("mawkib", "sleep"),
    ("mawkib", "foot_care"),
    ("medical", "medical"),
]
# Where a visitor asks from: (label, latitude, longitude, spread in degrees); "route" is a
# random pole's point.
AREAS = [
    ("route", None, None, 0.002),
    ("route", None, None, 0.002),
    ("Karbala", 32.6160, 44.0330, 0.02),
    ("Najaf", 31.9960, 44.3150, 0.02),
    ("Mehran", 33.1220, 46.1620, 0.01),
]
# Where the points off the route are: (latitude, longitude, spread in degrees, country,
# province, border crossing, share)
SCATTER = [
    (32.6160, 44.0330, 0.04, "IQ", "IQ-KA", "", 22),
    (31.9960, 44.3150, 0.04, "IQ", "IQ-NA", "", 14),
    (32.0330, 44.4000, 0.02, "IQ", "IQ-NA", "", 3),
    (33.3800, 44.3381, 0.02, "IQ", "IQ-BG", "", 8),
    (33.3152, 44.3661, 0.08, "IQ", "IQ-BG", "", 8),
    (34.1983, 43.8742, 0.02, "IQ", "IQ-SD", "", 4),
    (32.4721, 44.4217, 0.05, "IQ", "IQ-BB", "", 4),
    (30.5085, 47.7804, 0.06, "IQ", "IQ-BA", "", 5),
    (32.5000, 45.8167, 0.05, "IQ", "IQ-WA", "", 3),
    (33.1222, 46.1646, 0.012, "IR", "IR-16", "mehran", 12),
    (33.6374, 46.4227, 0.05, "IR", "IR-16", "", 3),
    (30.4400, 48.1300, 0.02, "IR", "IR-06", "shalamcheh", 4),
    (31.6800, 48.0800, 0.03, "IR", "IR-06", "chazabeh", 2),
    (34.3900, 45.5200, 0.02, "IR", "IR-05", "khosravi", 2),
    (34.6400, 50.8764, 0.05, "IR", "IR-25", "", 3),
    (34.3142, 47.0650, 0.05, "IR", "IR-05", "", 2),
    (31.3203, 48.6693, 0.05, "IR", "IR-06", "", 2),
]
KIND_SHARES = [
    ("mawkib", 70),
    ("medical", 8),
    ("water", 10),
    ("food", 4),
    ("rest", 3),
    ("information", 4),
    ("border", 1),
]
SERVICES_OF = {
    "mawkib": ["food", "water", "tea"],
    "medical": ["medical", "foot_care", "water"],
    "water": ["water"],
    "food": ["food", "water", "tea"],
    "rest": ["rest", "sleep", "shower"],
    "information": ["information", "lost_found", "charging"],
    "border": ["water", "medical", "information", "transport"],
}
EXTRAS = ["rest", "sleep", "foot_care", "charging", "prayer", "shower", "medical"]
LANGUAGES = ["ar"] * 6 + ["fa"] * 5 + ["ur", "en", "tr", "az"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="run one database")
    parser.add_argument("--points", type=int, help=f"service points (default {DEFAULT_POINTS:,})")
    parser.add_argument("--quick", action="store_true", help="2,000 points, 2 rounds (CI smoke)")
    parser.add_argument("--rounds", type=int, help="measured rounds (default 5, quick 2)")
    parser.add_argument("--calls", type=int, help="positions per round (default 200, quick 40)")
    parser.add_argument("--requests", type=int, help="GeoJSON requests (default 30, quick 5)")
    parser.add_argument("--explain", action="store_true", help="add the query plans")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # child → parent
    parser.add_argument("--inner", choices=["build", "count"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.points = args.points or (QUICK_POINTS if args.quick else DEFAULT_POINTS)
    args.rounds = args.rounds or (2 if args.quick else 5)
    args.calls = args.calls or (40 if args.quick else 200)
    args.requests = args.requests or (5 if args.quick else 30)
    if args.inner:
        return _inner(args)
    if args.json:  # a child of the parent mode: the parent reports
        result = child(args)
        args.json.write_text(json.dumps(result, ensure_ascii=False))
        return 0 if result["ok"] else 1
    machine = machine_summary()
    if args.database:
        result = child(args)
        report(args, [result], machine)
        return 0 if result["ok"] else 1
    return parent(args, machine)


# Parent: both databases in child processes, one table ------------------------------------


def parent(args, machine: str) -> int:
    started = time.perf_counter()
    results = []
    databases = ["sqlite", "postgres"]
    if not (PGBIN / "initdb").exists():
        log(f"warning: no PostgreSQL in {PGBIN} (apt-get install postgresql-15): SQLite only")
        databases.remove("postgres")
    for database in databases:
        with tempfile.NamedTemporaryFile(suffix=".json", dir=tmp_root()) as out:
            cmd = [PYTHON, Path(__file__).resolve(), "--database", database, "--json", out.name]
            cmd += ["--points", str(args.points), "--rounds", str(args.rounds)]
            cmd += ["--calls", str(args.calls), "--requests", str(args.requests)]
            if args.explain:
                cmd.append("--explain")
            log(f"=== {database}")
            child_run = run(cmd, timeout=7200, capture=False, check=False)
            text = Path(out.name).read_text()
            if not text:
                raise BenchError(f"the {database} run failed (exit {child_run.returncode})")
            results.append(json.loads(text))
    report(args, results, machine, total=time.perf_counter() - started)
    return 0 if all(r["ok"] for r in results) else 1


def _ms(summary: dict) -> str:
    return f"{summary['p50']:.1f} / {summary['p95']:.1f} / {summary['p99']:.1f}"


def report(args, results, machine: str, total: float | None = None) -> None:
    headers = [
        "database",
        "call",
        "samples",
        "p50 / p95 / p99 ms",
        "in SQL p50 / p95",
        "queries",
        "target p95",
        "met?",
    ]
    rows = []
    for r in results:
        database = r["database"] + " " + r["version"] + (" †" if r["busy_before"] > QUIET else "")
        for key, label, target in (
            ("nearest", "`nearest_service_points` (walk, Karbala, Najaf, Mehran)", True),
            ("pole", "`nearest_from_pole`", True),
            ("nowhere", "`nearest_service_points`, nothing of that kind anywhere", False),
            ("scan", "reference: full scan, haversine in Python", False),
            ("pk", "reference: one point by primary key", False),
        ):
            s = r["calls"][key]
            met = ("yes" if s["p95"] < TARGET_P95_MS else "**no**") if target else "—"
            rows.append(
                [
                    database,
                    label,
                    f"{s['samples']:,}",
                    _ms(s),
                    f"{s['sql_p50']:.1f} / {s['sql_p95']:.1f}",
                    s["queries"],
                    f"< {TARGET_P95_MS:g} ms" if target else "—",
                    met,
                ]
            )
    geo_headers = [
        "database",
        "URL",
        "features",
        "bytes",
        "gzip bytes",
        "queries",
        "Django p50 / p95 ms",
        "nginx p50 / p95 ms",
    ]
    geo_rows = []
    for r in results:
        g = r["geojson"]
        if g is None:
            geo_rows.append([r["database"], f"`{GEOJSON_PATH}`", *["—"] * 5, "not measured"])
            continue
        geo_rows.append(
            [
                r["database"] + " " + r["version"],
                f"`{GEOJSON_PATH}`",
                f"{g['features']:,}",
                f"{g['bytes']:,}",
                f"{g['gzip_bytes']:,} ({g['gzip_ms']:.0f} ms to gzip)",
                g["queries"],
                f"{g['django']['p50']:.0f} / {g['django']['p95']:.0f}",
                f"{g['nginx']['p50']:.1f} / {g['nginx']['p95']:.1f}",
            ]
        )
    first = results[0]
    lines = [
        f"# Nearest service and the route's GeoJSON — {first['points']:,} service points",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; {machine}. In-process, as the map's nearest box "
        f"calls them: {args.calls} positions × {args.rounds} rounds after a warm-up round "
        f"(40% along the walk, 20% each around Karbala, Najaf and Mehran; a kind and/or a "
        "service, open points, 5 wanted); `nearest_from_pole` from as many random poles. "
        "`in SQL` is the time inside the driver's execute. `queries` is the median / max per "
        "call. The scan reads every point and measures each in Python (same filters, same "
        "two queries to load the five found).",
        "",
        f"The set: {first['spread']}.",
        "",
        markdown_table(headers, rows),
        "",
        "## Per area (nearest_service_points, p50 / p95 ms, boxes read: median / max)",
        "",
        markdown_table(
            ["database", *first["areas"]],
            [
                [r["database"]]
                + [
                    f"{a['p50']:.1f} / {a['p95']:.1f} ({a['rounds_p50']:g} / {a['rounds_max']})"
                    for a in r["areas"].values()
                ]
                for r in results
            ],
        ),
        "",
        "## The whole route as GeoJSON, over HTTP",
        "",
        f"gunicorn 2 sync workers, DEBUG off, Accept-Language: fa; {args.requests} one-at-a-time "
        "requests on a kept-alive connection after 3 warm-up ones; nginx 2 workers serving the "
        "same bytes from a file (no gzip on either; the gzip size is Python's `gzip` at level "
        "6, what a reverse proxy's gzip would send).",
        "",
        markdown_table(geo_headers, geo_rows),
    ]
    for r in results:
        if r["mismatches"]:
            lines += ["", f"**{r['database']}: the selector and the scan disagree:**"]
            lines += [f"- {m}" for m in r["mismatches"][:20]]
        if r.get("errors"):
            lines += ["", f"**{r['database']}: errors:**", *[f"- {e}" for e in r["errors"]]]
        if r.get("plans"):
            lines += ["", f"## Query plans on {r['database']}", ""]
            for label, sql, plan in r["plans"]:
                lines += [f"{label}:", "", "```sql", sql, "```", "", "```", plan, "```", ""]
    times = []
    for r in results:
        times.append(
            f"{r['database']}: "
            + ", ".join(f"{label} {seconds:.0f} s" for label, seconds in r["timings"].items())
        )
    if total is not None:
        times.append(f"total {total:.0f} s")
    lines += ["", "Time: " + "; ".join(times)]
    busy = [r for r in results if r["busy_before"] > QUIET]
    if busy:
        lines += [
            "",
            "† other work kept the CPUs busy before this run "
            f"({max(r['busy_before'] for r in busy):.0%}): its numbers are high.",
        ]
    name = "fieldops-quick" if args.quick else "fieldops"
    if len(results) == 1:
        name += "-" + results[0]["database"]
    write_results(name, "\n".join(lines))


# Child: one database ---------------------------------------------------------------------


def child(args) -> dict:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    suffix = "" if args.points == DEFAULT_POINTS else f"-{args.points}"
    if args.database == "sqlite":
        db = BENCH_VAR / f"fieldops{suffix}.sqlite3"
        url = sqlite_url(db)
        with stopwatch("prepare", timings):
            prepare(url, args, reset=lambda: sqlite_remove(db), timings=timings)
        result = measure(url, args, timings)
    else:
        name = PG_DATABASE + suffix.replace("-", "_")
        with postgres_cluster(name) as url:
            with stopwatch("prepare", timings):
                built = prepare(url, args, reset=lambda: pg_reset(name), timings=timings)
                if built:
                    # What autovacuum would do a minute later: fresh statistics.
                    psql("VACUUM ANALYZE", database=name)
            result = measure(url, args, timings)
    timings["total"] = time.perf_counter() - started
    result["timings"] = timings
    return result


def _points_count(url: str) -> int:
    """Service points in the bench database; 0 when it is missing or not migrated."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return 0
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                return db.execute("SELECT count(*) FROM fieldops_servicepoint").fetchone()[0]
        except sqlite3.Error:
            return 0
    try:
        return _inner_call(url, "count", timeout=300)["points"]
    except BenchError:
        return 0


def prepare(url: str, args, *, reset, timings: dict) -> bool:
    """Reuse the database if it holds the points; else build it from scratch. Whether built."""
    have = _points_count(url)
    if have >= args.points:
        log(f"reusing the database: {have:,} service points")
        with stopwatch("migrate (check)", timings):
            manage(["migrate", "--noinput"], database_url=url, timeout=600)
        return False
    if have:
        log(f"the database holds {have:,} service points, fewer than {args.points:,}: rebuilding")
    reset()
    with stopwatch("migrate", timings):
        manage(["migrate", "--noinput"], database_url=url, timeout=600)
    with stopwatch(f"demo_load --orgs {DEMO_ORGS}", timings):
        manage(
            ["demo_load", "--orgs", str(DEMO_ORGS), "--quiet-logins"],
            database_url=url,
            timeout=3600,
        )
    with stopwatch(f"{args.points:,} service points", timings):
        _inner_call(url, "build", "--points", str(args.points))
    return True


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


def _inner(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.inner == "build":
        answer = build(points=args.points)
    else:
        from hamafza.fieldops.models import ServicePoint

        answer = {"points": ServicePoint.objects.count()}
    print(json.dumps(answer, ensure_ascii=False), flush=True)
    return 0


# The synthetic points (inside Django) ----------------------------------------------------


def _offset(point: tuple[float, float], north: float, east: float) -> tuple[float, float]:
    import math

    return (
        point[0] + north / 111_320,
        point[1] + east / (111_320 * math.cos(math.radians(point[0]))),
    )


def build(*, points: int, seed: int = SEED) -> dict:
    """Add service points in bulk until there are ``points``.

    Four in five stand on the Najaf–Karbala walk at a pole (three in five of those anywhere,
    two in five past pole 1,000), 15–60 m off the road; the others around the shrine cities,
    Baghdad, the border crossings (with their crossing) and a few cities of Iran, each inside
    its country. Kinds, services, languages (one to three), statuses (80% open, 12% full, 8%
    closed), capacities and hours are spread as on the demo's route; operators are drawn from
    the directory. Search keys are computed by the model's own helper; the SQLite search
    tables follow by their triggers. One transaction: a half-finished build is never kept.
    """
    from decimal import Decimal

    from django.db import connection, transaction

    from hamafza.core.boundaries import point_in_country
    from hamafza.core.models import Country, Language, Province
    from hamafza.directory.models import Organization
    from hamafza.fieldops.models import ROUTE_POLES, PointStatus, Route, ServicePoint
    from hamafza.fieldops.routes import pole_point

    rng = random.Random(seed)
    wanted = points - ServicePoint.objects.count()
    countries = {c.code: c.pk for c in Country.objects.filter(code__in=["IQ", "IR"])}
    provinces = {p.code: p.pk for p in Province.objects.filter(country__code__in=["IQ", "IR"])}
    languages = {lang.code: lang.pk for lang in Language.objects.filter(code__in=set(LANGUAGES))}
    operators = list(Organization.objects.values_list("pk", flat=True))
    kinds = [kind for kind, share in KIND_SHARES for _n in range(share)]
    scatter = [spot for spot in SCATTER for _n in range(spot[-1])]

    def coordinate(value: float) -> Decimal:
        return Decimal(f"{value:.6f}")

    def row(number: int) -> ServicePoint:
        kind = rng.choice([k for k in kinds if k != "border"])
        route, pole, crossing = "", None, ""
        if rng.random() < ROUTE_SHARE:
            pole = rng.randint(1, ROUTE_POLES) if rng.random() < 0.6 else rng.randint(1000, 1452)
            side = rng.choice((-1, 1))
            lat, lon = _offset(
                pole_point(Route.NAJAF_KARBALA, pole),
                rng.uniform(-20, 20),
                side * rng.uniform(15, 60),
            )
            country, province, route = "IQ", "IQ-NA" if pole <= 700 else "IQ-KA", "najaf_karbala"
        else:
            while True:
                lat0, lon0, spread, country, province, crossing, _share = rng.choice(scatter)
                lat = lat0 + rng.uniform(-spread, spread)
                lon = lon0 + rng.uniform(-spread, spread)
                if point_in_country(country, lat, lon):
                    break
            if crossing and rng.random() < 0.2:
                kind = "border"
        offered = list(SERVICES_OF[kind])
        if kind == "mawkib":
            offered += rng.sample(EXTRAS, rng.randint(1, 4))
        capacity = None
        if kind in ("mawkib", "rest", "food"):
            capacity = rng.randint(300, 3000) if "sleep" in offered else rng.randint(50, 500)
        elif kind == "medical":
            capacity = rng.randint(10, 60)
        draw = rng.random()
        status = PointStatus.OPEN
        if draw < 0.08:
            status = PointStatus.CLOSED
        elif draw < 0.20:
            status = PointStatus.FULL
        label = {"mawkib": "موكب", "medical": "مفرزة طبية", "water": "محطة ماء"}.get(kind, kind)
        where = f"عمود {pole}" if pole else province
        point = ServicePoint(
            name=f"{label} {number} — {where}",
            names={"en": f"{kind} {number}"},
            kind=kind,
            operator_id=rng.choice(operators),
            country_id=countries[country],
            province_id=provinces.get(province),
            latitude=coordinate(lat),
            longitude=coordinate(lon),
            route=route,
            pole=pole,
            border_crossing=crossing,
            services=offered,
            capacity=capacity,
            hours="24h" if rng.random() < 0.8 else "6–24",
            status=status,
        )
        point.search_key = point.search_key_build()
        return point

    through = ServicePoint.languages.through
    made = 0
    with transaction.atomic():
        while made < wanted:
            batch = [row(made + n + 1) for n in range(min(5000, wanted - made))]
            created = ServicePoint.objects.bulk_create(batch)
            links = [
                through(servicepoint_id=point.pk, language_id=languages[code])
                for point in created
                for code in set(rng.sample(LANGUAGES, rng.randint(1, 3)))
                if code in languages
            ]
            through.objects.bulk_create(links, ignore_conflicts=True)
            made += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"points": ServicePoint.objects.count(), "made": made}


# Measuring (in this process, inside Django) ----------------------------------------------


def _summary(values: list[float]) -> dict:
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else float("nan"),
    }


def measure(url: str, args, timings: dict) -> dict:
    os.environ.update(django_env(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from hamafza.fieldops import selectors
    from hamafza.fieldops.models import ROUTE_POLES, PointStatus, Route, ServicePoint
    from hamafza.fieldops.routes import distance_metres, pole_point

    vendor = connection.vendor
    if vendor == "sqlite":
        version = connection.Database.sqlite_version
    else:
        version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    errors = []
    for name in ("nearest_service_points", "nearest_from_pole", "service_points_geojson"):
        if not hasattr(selectors, name):
            errors.append(f"hamafza.fieldops.selectors.{name} is missing")
    if errors:
        raise BenchError("; ".join(errors))
    total = ServicePoint.objects.count()
    on_route = ServicePoint.objects.filter(route=Route.NAJAF_KARBALA).count()
    kinds = dict(ServicePoint.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    statuses = dict(ServicePoint.objects.values_list("status").annotate(n=Count("pk")).order_by())
    spread = (
        f"{total:,} points, {on_route:,} on the walk by pole; "
        + ", ".join(f"{kind} {n:,}" for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
        + "; "
        + ", ".join(f"{status} {n:,}" for status, n in sorted(statuses.items()))
    )

    # The calls: the same every run.
    rng = random.Random(SEED)
    positions = []
    for _n in range(args.calls):
        label, lat, lon, spread_degrees = rng.choice(AREAS)
        if label == "route":
            lat, lon = pole_point(Route.NAJAF_KARBALA, rng.randint(1, ROUTE_POLES))
        lat += rng.uniform(-spread_degrees, spread_degrees)
        lon += rng.uniform(-spread_degrees, spread_degrees)
        kind, service = rng.choice(FILTERS)
        positions.append((label, lat, lon, kind, service))
    poles = [(rng.randint(1, ROUTE_POLES), *rng.choice(FILTERS)) for _n in range(args.calls)]
    pks = list(ServicePoint.objects.values_list("pk", flat=True))
    lookups = [rng.choice(pks) for _n in range(args.calls)]

    stats = {"queries": 0, "sql_ms": 0.0}

    def wrapper(execute, sql, params, many, context):
        stats["queries"] += 1
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            stats["sql_ms"] += (time.perf_counter() - start) * 1000

    def timed(fn):
        stats["queries"], stats["sql_ms"] = 0, 0.0
        start = time.perf_counter()
        answer = fn()
        return (time.perf_counter() - start) * 1000, stats["sql_ms"], stats["queries"], answer

    def load_found(chosen):
        points = (
            ServicePoint.objects.select_related("operator", "country", "province")
            .prefetch_related("languages")
            .in_bulk([pk for _distance, pk in chosen])
        )
        return [points[pk] for _distance, pk in chosen]

    def scan(lat, lon, kind, service, limit=5):
        """Every point read and measured in Python; the same filters, in Python."""
        measured = sorted(
            (distance_metres(lat, lon, float(plat), float(plon)), pk)
            for pk, plat, plon, pkind, pstatus, offered in ServicePoint.objects.values_list(
                "pk", "latitude", "longitude", "kind", "status", "services"
            )
            if pstatus == PointStatus.OPEN
            and (not kind or pkind == kind)
            and (not service or service in (offered or ()))
        )
        return [point.pk for point in load_found(measured[:limit])]

    def by_pk(pk):
        return load_found([(0, pk)])

    samples: dict[str, list[float]] = {k: [] for k in ("nearest", "pole", "scan", "pk")}
    samples["nowhere"] = []
    sql: dict[str, list[float]] = {k: [] for k in samples}
    queries: dict[str, list[int]] = {k: [] for k in samples}
    areas: dict[str, list[float]] = {}
    rounds: dict[str, list[int]] = {}
    mismatches = []
    busy = wait_for_quiet()
    with stopwatch("measure in-process", timings), connection.execute_wrapper(wrapper):
        for round_number in range(args.rounds + 1):  # round 0 warms up and checks
            for label, lat, lon, kind, service in positions:
                ms, in_sql, count, found = timed(
                    lambda lat=lat, lon=lon, kind=kind, service=service: [
                        near.point.pk
                        for near in selectors.nearest_service_points(
                            latitude=lat, longitude=lon, kind=kind, service=service, limit=5
                        )
                    ]
                )
                if round_number == 0:
                    expected = scan(lat, lon, kind, service)
                    if found != expected:
                        mismatches.append(
                            f"({lat:.5f}, {lon:.5f}) kind={kind!r} service={service!r}: "
                            f"selector {found}, scan {expected}"
                        )
                    continue
                samples["nearest"].append(ms)
                sql["nearest"].append(in_sql)
                queries["nearest"].append(count)
                areas.setdefault(label, []).append(ms)
                rounds.setdefault(label, []).append(count - 2)
            for pole, kind, service in poles:
                ms, in_sql, count, _found = timed(
                    lambda pole=pole, kind=kind, service=service: selectors.nearest_from_pole(
                        route=Route.NAJAF_KARBALA, pole=pole, kind=kind, service=service, limit=5
                    )
                )
                if round_number:
                    samples["pole"].append(ms)
                    sql["pole"].append(in_sql)
                    queries["pole"].append(count)
            for pk in lookups:
                ms, in_sql, count, _found = timed(lambda pk=pk: by_pk(pk))
                if round_number:
                    samples["pk"].append(ms)
                    sql["pk"].append(in_sql)
                    queries["pk"].append(count)
        log(f"{vendor}: nearest, from a pole and by key done")
        # The scan is slow: one round over a quarter of the positions.
        for _label, lat, lon, kind, service in positions[: max(10, len(positions) // 4)]:
            ms, in_sql, count, _found = timed(
                lambda lat=lat, lon=lon, kind=kind, service=service: scan(lat, lon, kind, service)
            )
            samples["scan"].append(ms)
            sql["scan"].append(in_sql)
            queries["scan"].append(count)
        # Nothing of the kind offers the service anywhere: the box grows to the whole earth.
        for _label, lat, lon, _kind, _service in positions[:20]:
            ms, in_sql, count, found = timed(
                lambda lat=lat, lon=lon: selectors.nearest_service_points(
                    latitude=lat, longitude=lon, kind="water", service="sleep", limit=5
                )
            )
            samples["nowhere"].append(ms)
            sql["nowhere"].append(in_sql)
            queries["nowhere"].append(count)
        log(f"{vendor}: references done")

    calls = {}
    for key, values in samples.items():
        summary = _summary(values)
        in_sql = _summary(sql[key])
        counts = sorted(queries[key])
        calls[key] = {
            **summary,
            "samples": len(values),
            "sql_p50": in_sql["p50"],
            "sql_p95": in_sql["p95"],
            "queries": f"{counts[len(counts) // 2]} / {counts[-1]}" if counts else "—",
        }
    area_summary = {
        label: {
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "rounds_p50": sorted(rounds[label])[len(rounds[label]) // 2],
            "rounds_max": max(rounds[label]),
        }
        for label, values in sorted(areas.items())
    }
    plans = _plans(connection, positions) if args.explain else []
    geojson = None
    with stopwatch("GeoJSON over HTTP", timings):
        try:
            geojson = _geojson_measure(url, args, connection)
        except Exception as error:  # the page failed: report it, keep the figures above
            errors.append(f"{GEOJSON_PATH}: {type(error).__name__}: {error}")
    return {
        "database": args.database,
        "version": version,
        "points": total,
        "spread": spread,
        "calls": calls,
        "areas": area_summary,
        "geojson": geojson,
        "mismatches": mismatches,
        "errors": errors,
        "plans": plans,
        "busy_before": busy,
        "ok": not mismatches and not errors,
    }


def _plans(connection, positions) -> list[tuple[str, str, str]]:
    """The plan of the first box query of a typical call and of a call with a service."""
    from hamafza.fieldops import selectors

    plans = []
    for label, (_area, lat, lon, kind, service) in (
        ("a kind, on the walk", next(p for p in positions if p[3] and not p[4])),
        ("a service, on the walk", next(p for p in positions if p[4])),
    ):
        captured = []

        def keep(execute, sql, params, many, context, captured=captured):
            captured.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            selectors.nearest_service_points(
                latitude=lat, longitude=lon, kind=kind, service=service, limit=5
            )
        sql, params = captured[0]
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            plan = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
        with connection.cursor() as cursor:
            shown = cursor.mogrify(sql, params) if hasattr(cursor, "mogrify") else sql
        plans.append((label, shown if isinstance(shown, str) else shown.decode(), plan))
    return plans


def _connection(base: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)


def _fetch(base: str, path: str) -> tuple[int, bytes]:
    conn = _connection(base)
    try:
        conn.request("GET", path, headers=HEADERS)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _serial(base: str, path: str, count: int) -> list[float]:
    """Milliseconds of ``count`` one-at-a-time requests on one kept-alive connection."""
    conn = _connection(base)
    times = []
    try:
        for number in range(count + 3):
            start = time.perf_counter()
            conn.request("GET", path, headers=HEADERS)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - start) * 1000
            if response.status != 200:
                raise BenchError(f"GET {path}: HTTP {response.status}")
            if number >= 3:  # the first ones warm the worker
                times.append(elapsed)
    finally:
        conn.close()
    return times


def _geojson_measure(url: str, args, connection) -> dict:
    """The route's GeoJSON: queries in-process, then size and time over HTTP, next to nginx."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="fa")
    client.get(GEOJSON_PATH)
    with CaptureQueriesContext(connection) as context:
        response = client.get(GEOJSON_PATH)
    if response.status_code != 200:
        raise BenchError(f"GET {GEOJSON_PATH} in-process: HTTP {response.status_code}")
    queries = len(context.captured_queries)
    static_root = Path(tempfile.mkdtemp(prefix="static-", dir=tmp_root()))
    try:
        with nginx(static_root) as static_base, gunicorn(url, workers=2) as base:
            status, body = _fetch(base, GEOJSON_PATH)
            if status != 200:
                raise BenchError(f"GET {GEOJSON_PATH}: HTTP {status}")
            features = len(json.loads(body)["features"])
            (static_root / "route.json").write_bytes(body)
            (static_root / "route.json").chmod(0o644)
            if _fetch(static_base, "/route.json")[1] != body:
                raise BenchError("nginx does not serve route.json as saved")
            start = time.perf_counter()
            packed = gzip.compress(body, compresslevel=6)
            gzip_ms = (time.perf_counter() - start) * 1000
            wait_for_quiet(timeout=10 if args.quick else 120)
            django_ms = _serial(base, GEOJSON_PATH, args.requests)
            static_ms = _serial(static_base, "/route.json", args.requests)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    return {
        "features": features,
        "bytes": len(body),
        "gzip_bytes": len(packed),
        "gzip_ms": gzip_ms,
        "queries": queries,
        "django": _summary(django_ms),
        "nginx": _summary(static_ms),
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"error: {error}")
        sys.exit(2)
