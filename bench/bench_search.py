"""Search latency at 100,000 organizations, on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm).

    .venv/bin/python bench/bench_search.py                      # both databases, one table
    .venv/bin/python bench/bench_search.py --database sqlite    # one database
    .venv/bin/python bench/bench_search.py --quick              # 2,000 organizations (CI)

Each database is prepared once and reused (SQLite: var/bench/search.sqlite3;
PostgreSQL: database ``hamafza_bench`` in a cluster under var/bench/pg on port
54339, started for the run and stopped after it). A fixed list of queries then
runs in-process exactly as the directory page runs them:
``organization_page(filters=DirectoryFilters(q=q))``, timing the capped count
and the first page of 24 (ids first, then the rows with their relations) with
``time.perf_counter``, one warm-up round and several measured rounds. As a
reference the same matches are paged with a plain ``LIKE`` per word (a
substring for long words, a word start for short ones) and the index out of
the way (on PostgreSQL ``enable_bitmapscan`` off, the only way a GIN index is
read), so the index's effect is visible.

One process can hold one default database, so the parent mode runs
``--database sqlite`` and ``--database postgres`` as two child processes and
prints one combined table (bench/results/search.md). Targets are reported,
not asserted: the exit status is non-zero only on errors or when the indexed
search and the plain scan disagree on a count.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    BENCH_VAR,
    PGBIN,
    PYTHON,
    ROOT,
    BenchError,
    django_env,
    log,
    machine_summary,
    markdown_table,
    pg_org_count,
    pg_reset,
    postgres_cluster,
    prepare_database,
    psql,
    run,
    sqlite_org_count,
    sqlite_remove,
    sqlite_url,
    stopwatch,
    tmp_root,
    wait_for_quiet,
    write_results,
)

DEFAULT_ORGS = 100_000
QUICK_ORGS = 2_000
PAGE_SIZE = 24  # hamafza.directory.views.PAGE_SIZE
TARGET_P95_MS = {"postgres": 20.0, "sqlite": 50.0}

# Realistic queries: Persian, Arabic spellings (ي/ك/ة/أ), English, digits in
# either script, one to many words; some match a quarter of the rows, some a
# handful, some none. The synthetic names are "<prefix> <holy name> <number>".
QUERIES = [
    # Persian
    "هیئت",
    "امام حسین",
    "حضرت ابوالفضل",
    "هیئت عزاداران",
    "هیئت محبان امام رضا",
    "مسجد جامع",
    "گروه جهادی",
    "قرارگاه جهادی شهدای کربلا",
    "مؤسسه خیریه",
    "موسسه خیریه حضرت رقیه",
    "کانون",
    "علی‌اکبر",
    "علی اکبر",
    "امام سجاد 4521",
    "حضرت قاسم ۷۷",
    "هیئت آنلاین",
    "حوزه‌های علمیه",
    "هلال‌احمر",
    "صدا و سیما",
    "قم",
    "کتابخانه ملی",
    "فاطمه الزهرا",
    # Arabic spellings
    "الإمام الكاظم",
    "موكب",
    "أنصار الحسين",
    "حسين",
    "فاطمة الزهراء",
    "زينب",
    "مسجد الكوفة",
    "العتبة الكاظمية المقدسة",
    "هيئة",
    # English
    "imam",
    "Imam Hussain Foundation",
    "zainabiya centre",
    "foundation 123",
    "Hey'at Online",
    "red crescent",
    "kadhimiya",
    "xyzzy",
    # long, matching nothing
    "هیئت عزاداران حضرت ابوالفضل العباس علیه السلام شهر قم",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="run one database")
    parser.add_argument(
        "--orgs", type=int, help=f"synthetic organizations (default {DEFAULT_ORGS})"
    )
    parser.add_argument("--quick", action="store_true", help="2,000 orgs, 2 rounds (CI smoke)")
    parser.add_argument("--rounds", type=int, help="measured rounds (default 5, quick 2)")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # child → parent
    args = parser.parse_args()
    args.orgs = args.orgs or (QUICK_ORGS if args.quick else DEFAULT_ORGS)
    args.rounds = args.rounds or (2 if args.quick else 5)
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
            cmd = [
                PYTHON,
                Path(__file__).resolve(),
                "--database",
                database,
                "--orgs",
                str(args.orgs),
                "--rounds",
                str(args.rounds),
                "--json",
                out.name,
            ]
            log(f"=== {database}")
            child_run = run(cmd, timeout=3600, capture=False, check=False)
            text = Path(out.name).read_text()
            if not text:
                raise BenchError(f"the {database} run failed (exit {child_run.returncode})")
            results.append(json.loads(text))
    report(args, results, machine, total=time.perf_counter() - started)
    return 0 if all(r["ok"] for r in results) else 1


def report(args, results, machine: str, total: float | None = None) -> None:
    headers = [
        "database",
        "orgs",
        "samples",
        "search p50 / p95 / max ms",
        "in SQL p50 / p95",
        "target p95",
        "met?",
        "LIKE scan p50 / p95 / max ms",
        "in SQL p50 / p95",
        "p95 speed-up",
    ]
    rows = []
    for r in results:
        s, ref = r["search"], r["scan"]
        target = TARGET_P95_MS[r["database"]]
        rows.append(
            [
                r["database"] + " " + r["version"] + (" †" if r["busy_before"] > 0.15 else ""),
                f"{r['orgs']:,}",
                f"{len(QUERIES)}×{args.rounds}",
                f"{s['p50']:.1f} / {s['p95']:.1f} / {s['max']:.1f}",
                f"{s['sql_p50']:.1f} / {s['sql_p95']:.1f}",
                f"< {target:g} ms",
                "yes" if s["p95"] < target else "**no**",
                f"{ref['p50']:.1f} / {ref['p95']:.1f} / {ref['max']:.1f}",
                f"{ref['sql_p50']:.1f} / {ref['sql_p95']:.1f}",
                f"{ref['p95'] / max(s['p95'], 0.001):.1f}×",
            ]
        )
    lines = [
        f"# Search latency — {results[0]['orgs']:,} organizations",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; {machine}. In-process, as the "
        f"directory page (`organization_page`): a count capped at 1,000, the ids of the first "
        f"{PAGE_SIZE}, then those rows; {len(QUERIES)} queries × {args.rounds} rounds after a "
        "warm-up round. `LIKE scan`: the same matches by `LIKE` per word (substring, or word "
        "start for words under three letters), no index, paged the plain way.",
        "",
        markdown_table(headers, rows),
    ]
    for r in results:
        lines += ["", f"## Slowest queries on {r['database']} (median of the rounds)", ""]
        slow = sorted(r["per_query"], key=lambda q: q["search_ms"], reverse=True)[:8]
        lines.append(
            markdown_table(
                ["query", "matches", "search ms", "LIKE scan ms"],
                [
                    [
                        f"`{q['query']}`",
                        f"{q['count']:,}",
                        f"{q['search_ms']:.1f}",
                        f"{q['scan_ms']:.1f}",
                    ]
                    for q in slow
                ],
            )
        )
        if r["mismatches"]:
            lines += ["", "**Counts differ between the index and the scan:**"]
            lines += [
                f"- `{m['query']}`: index {m['search']}, scan {m['scan']}" for m in r["mismatches"]
            ]
    times = []
    for r in results:
        times.append(
            f"{r['database']}: "
            + ", ".join(f"{label} {seconds:.0f} s" for label, seconds in r["timings"].items())
        )
    if total is not None:
        times.append(f"total {total:.0f} s")
    lines += ["", "Time: " + "; ".join(times)]
    busy = [r for r in results if r["busy_before"] > 0.15]
    if busy:
        lines += [
            "",
            "† other work kept the CPUs busy before this run "
            f"({max(r['busy_before'] for r in busy):.0%}): its numbers are high.",
        ]
    name = "search-quick" if args.quick else "search"
    if len(results) == 1:
        name += "-" + results[0]["database"]
    write_results(name, "\n".join(lines))


# Child: one database, in-process ---------------------------------------------------------


def child(args) -> dict:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    suffix = "" if args.orgs == DEFAULT_ORGS else f"-{args.orgs}"
    if args.database == "sqlite":
        db = BENCH_VAR / f"search{suffix}.sqlite3"
        url = sqlite_url(db)
        with stopwatch("prepare", timings):
            prepare_database(
                url,
                orgs=args.orgs,
                count=lambda: sqlite_org_count(db),
                reset=lambda: sqlite_remove(db),
                timings=timings,
            )
        result = measure(url, args, timings)
    else:
        name = f"hamafza_bench{suffix.replace('-', '_')}"
        with postgres_cluster(name) as url:
            with stopwatch("prepare", timings):
                have = pg_org_count(name)
                prepare_database(
                    url,
                    orgs=args.orgs,
                    count=lambda: pg_org_count(name),
                    reset=lambda: pg_reset(name),
                    timings=timings,
                )
                if have < args.orgs:
                    # What autovacuum would do a minute later: fresh statistics.
                    psql("VACUUM ANALYZE", database=name)
            result = measure(url, args, timings)
    timings["total"] = time.perf_counter() - started
    result["timings"] = timings
    return result


def measure(url: str, args, timings: dict) -> dict:
    os.environ.update(django_env(url))
    import django

    django.setup()
    from django.core.paginator import Paginator
    from django.db import connection, transaction
    from django.db.models import Q

    from hamafza.core.search import TRIGRAM, search_terms
    from hamafza.directory.models import Organization
    from hamafza.directory.selectors import (
        COUNT_CAP,
        DirectoryFilters,
        organization_list,
        organization_page,
    )

    vendor = connection.vendor
    orgs = Organization.objects.count()
    if vendor == "sqlite":
        version = connection.Database.sqlite_version
    else:
        version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"

    def page_of(queryset) -> int:
        """The plain way: an exact count, then the first page with its relations."""
        paginator = Paginator(queryset, PAGE_SIZE)
        page = paginator.get_page(1)
        rows = list(page.object_list)
        assert len(rows) <= PAGE_SIZE
        return min(paginator.count, COUNT_CAP)

    def search(q: str) -> int:
        """What the directory page does (count capped at COUNT_CAP, ids first, then rows)."""
        page = organization_page(filters=DirectoryFilters(q=q), number=1, size=PAGE_SIZE)
        assert len(page.rows) <= PAGE_SIZE
        return page.count

    def scan(q: str) -> int:
        """The same matches without any index: LIKE on every key."""
        queryset = organization_list(filters=DirectoryFilters())
        for term in search_terms(q):
            if len(term) >= TRIGRAM:
                queryset = queryset.filter(search_key__contains=term)
            else:  # short words match the start of a word
                queryset = queryset.filter(
                    Q(search_key__startswith=term) | Q(search_key__contains=f" {term}")
                )
        if vendor != "postgresql":
            return page_of(queryset)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")  # GIN is read by bitmap only
            return page_of(queryset)

    sql_ms = [0.0]

    def sql_timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_ms[0] += (time.perf_counter() - start) * 1000

    def timed(fn, q: str) -> tuple[float, float, int]:
        sql_ms[0] = 0.0
        start = time.perf_counter()
        count = fn(q)
        return (time.perf_counter() - start) * 1000, sql_ms[0], count

    busy = wait_for_quiet()
    samples: dict[str, dict[str, list[float]]] = {"search": {}, "scan": {}}
    sql_samples: dict[str, list[float]] = {"search": [], "scan": []}
    counts: dict[str, dict[str, int]] = {"search": {}, "scan": {}}
    with stopwatch("measure", timings), connection.execute_wrapper(sql_timer):
        for kind, fn in (("search", search), ("scan", scan)):
            for round_number in range(args.rounds + 1):  # round 0 warms up
                for q in QUERIES:
                    ms, sql, count = timed(fn, q)
                    counts[kind][q] = count
                    if round_number:
                        samples[kind].setdefault(q, []).append(ms)
                        sql_samples[kind].append(sql)
            log(f"{vendor} {kind}: {args.rounds} rounds done")

    def percentiles(values) -> dict[str, float]:
        values = sorted(values)
        return {
            "p50": statistics.median(values),
            "p95": statistics.quantiles(values, n=100, method="inclusive")[94],
            "max": values[-1],
        }

    def summary(kind: str) -> dict[str, float]:
        result = percentiles(v for vs in samples[kind].values() for v in vs)
        sql = percentiles(sql_samples[kind])
        return {**result, "sql_p50": sql["p50"], "sql_p95": sql["p95"]}

    mismatches = [
        {"query": q, "search": counts["search"][q], "scan": counts["scan"][q]}
        for q in QUERIES
        if counts["search"][q] != counts["scan"][q]
    ]
    return {
        "database": args.database,
        "version": version,
        "orgs": orgs,
        "search": summary("search"),
        "scan": summary("scan"),
        "per_query": [
            {
                "query": q,
                "count": counts["search"][q],
                "search_ms": statistics.median(samples["search"][q]),
                "scan_ms": statistics.median(samples["scan"][q]),
            }
            for q in QUERIES
        ],
        "mismatches": mismatches,
        "busy_before": busy,
        "ok": not mismatches,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"error: {error}")
        sys.exit(2)
