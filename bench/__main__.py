"""`python -m bench` (`make bench`): page speed and SQL per request on a generated dataset.

Prints one JSON document to stdout (progress goes to stderr) and writes bench/results.json.
Compare figures as ratios within one run: absolute numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

from . import dataset, directory, load, notifications, opportunities, search, talent
from .server import Gunicorn, in_process, request, sign_in

HERE = Path(__file__).resolve().parent
TARGETS = {"max_sql_per_page": 12, "thread_p95_ms": 50, "min_ratio_to_baseline": 0.35,
           "whoosh_fast_classes_p95_ms": 50, "whoosh_any_class_p95_ms": 150, "postgres_any_class_p95_ms": 50,
           "whoosh_reindex_seconds": 300, "directory_p95_ms": 50, "opportunities_p95_ms": 50, "talent_p95_ms": 50,
           "notifications_reply_p95_ratio": 1.2, "notifications_fanout_per_s": 2000}
WHOOSH_FAST_CLASSES = ("rare_word", "tag_filter", "region_filter")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--opportunities", type=int, default=10_000, help="openings in the pages dataset")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=8, help="seconds of load per page")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--reuse", action="store_true", help="reuse bench/data/bench.db if it exists")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-pages", action="store_true", help="only the search section")
    parser.add_argument("--skip-search", action="store_true", help="only the pages")
    parser.add_argument("--search-rounds", type=int, default=10, help="timed passes over each query class")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="a PostgreSQL server (any database on it) for the postgres search backend")
    parser.add_argument("--pg-posts", type=int, default=1_000_000, help="posts in the PostgreSQL search dataset")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL search backend")
    parser.add_argument("--skip-directory", action="store_true", help="skip the member directory section")
    parser.add_argument("--directory-members", type=int, default=100_000, help="members in the directory dataset")
    parser.add_argument("--pool-share", type=float, default=0.05,
                        help="share of the directory's members in the talent pool (0: no pool)")
    parser.add_argument("--skip-talent", action="store_true", help="skip the talent pool pages")
    parser.add_argument("--in-process-rounds", type=int, default=40,
                        help="requests per board and pool page timed in-process (no load generator)")
    parser.add_argument("--skip-notifications", action="store_true", help="skip the notifications section")
    parser.add_argument("--watchers", type=int, default=2_000, help="members watching in the notifications section")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    database = HERE / "data" / "bench.db"
    if args.skip_pages and args.skip_search:
        made = {}  # no section left uses the pages dataset: bench.db is neither made nor touched
    elif args.reuse and database.exists():
        dataset.migrate(database)
        dataset.add_opportunities(database, count=args.opportunities, seed=args.seed)
        made = {**dataset.counts(database), "generate_seconds": None}
        log(f"Reusing {database}: {made}")
    else:
        log(f"Generating {args.members:,} members, {args.threads:,} threads, {args.posts:,} posts, "
            f"{args.opportunities:,} openings...")
        made = dataset.generate(database, members=args.members, threads=args.threads, posts=args.posts,
                                opportunities=args.opportunities, seed=args.seed)
        log(f"  done in {made['generate_seconds']} s")
    category = dataset.busiest_category_slug(database) if made else ""
    pages = {
        "home": "/",
        "thread_200": "/t/1?page=1",  # named: a member who has read it goes to their first unread post
        "thread_200_last": "/t/1?page=10",
        "category": f"/c/{category}",
        "latest": "/threads",
        "practices": "/practices",
        "practices_filtered": "/practices?tag=talent-pipeline&setting=district",
        **(opportunities.PAGES if made.get("opportunities") else {}),
    }
    results: dict = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "dataset": made,
        "load": {"tool": load.tool(), "concurrency": args.concurrency, "duration_s": args.duration},
    }
    if not args.skip_pages:
        run_pages(args, database, pages, results)
        if made.get("opportunities"):
            log("  the board in-process...")
            results.setdefault("in_process", {})["opportunities"] = in_process(
                database, dataset.BENCH_EMAIL, opportunities.PAGES, rounds=args.in_process_rounds)
    if not args.skip_directory:
        results["directory"] = directory.run(args, log)
        if "talent" in results["directory"]:
            results["talent"] = results["directory"].pop("talent")
            log("  the talent pool in-process...")
            results.setdefault("in_process", {})["talent"] = in_process(
                directory.DATABASE, talent.EMPLOYER_EMAIL, talent.PAGES, rounds=args.in_process_rounds)
        log("  directory without the counts cache...")
        results["directory"]["uncached"] = directory.uncached(directory.DATABASE, rounds=40, seed=args.seed)
    if not args.skip_notifications:
        results["notifications"] = notifications.run(args, log)
    if not args.skip_search:
        log("Search...")
        results["search"] = {"whoosh": search.whoosh(database, rounds=args.search_rounds, seed=args.seed, log=log)}
        if not args.no_postgres:
            # The Whoosh dataset again (same generator, sizes and seed), so both backends compare at one size ...
            results["search"]["postgres_200k"] = search.postgres(
                args.pg_url, members=made["members"], threads=made["threads"], posts=made["posts"],
                rounds=args.search_rounds, seed=args.seed, log=log)
            # ... and the large one the PostgreSQL target is set for.
            results["search"]["postgres"] = search.postgres(
                args.pg_url, members=max(args.members, args.pg_posts // 100), threads=args.pg_posts // 10,
                posts=args.pg_posts, rounds=args.search_rounds, seed=args.seed, log=log)
    results["targets"] = TARGETS
    results["verdict"] = verdict(results)
    text = json.dumps(results, indent=2)
    (HERE / "results.json").write_text(text + "\n")
    print(text)
    return 0


def run_pages(args, database: Path, pages: dict, results: dict) -> None:
    with Gunicorn(database, workers=args.workers, threads=args.worker_threads) as server:
        results["server"] = server.describe()
        cookie = sign_in(server.port, dataset.BENCH_EMAIL, dataset.BENCH_PASSWORD)
        log(f"Baseline /healthz at concurrency {args.concurrency} with {load.tool()}...")
        baseline = load.drive(server.port, "/healthz", cookie=cookie, concurrency=args.concurrency,
                              duration=args.duration)
        results["baseline"] = {"path": "/healthz", **baseline}
        results["pages"] = {}
        for name, path in pages.items():
            status, headers, _ = request(server.port, path, headers={"Cookie": cookie})
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            log(f"  {name}: {path}")
            figures = load.drive(server.port, path, cookie=cookie, concurrency=args.concurrency,
                                 duration=args.duration)
            results["pages"][name] = {
                "path": path, **figures, "sql_per_request": int(headers.get("x-sql-statements", -1)),
                "ratio_to_baseline": round(figures["rps"] / baseline["rps"], 3) if baseline["rps"] else None}


def verdict(results: dict) -> dict:
    checks = {}
    pages = results.get("pages")
    if pages:
        worst_sql = max(p["sql_per_request"] for p in pages.values())
        thread_p95 = max(pages["thread_200"]["p95_ms"], pages["thread_200_last"]["p95_ms"])
        worst_ratio = min(p["ratio_to_baseline"] for p in pages.values())
        checks.update({
            "sql_per_page": {"worst": worst_sql, "pass": worst_sql <= TARGETS["max_sql_per_page"]},
            "thread_p95_ms": {"worst": thread_p95, "pass": thread_p95 <= TARGETS["thread_p95_ms"]},
            "ratio_to_baseline": {"worst": worst_ratio, "pass": worst_ratio >= TARGETS["min_ratio_to_baseline"]},
            "errors": {"total": sum(p["errors"] for p in pages.values()),
                       "pass": all(p["errors"] == 0 for p in pages.values())},
        })
    sections = {"opportunities": {n: p for n, p in (pages or {}).items() if n.startswith("opportunities")},
                "talent": results.get("talent", {}).get("pages", {})}
    for section, figures in sections.items():
        if figures:
            worst_p95 = max(p["p95_ms"] for p in figures.values())
            worst_sql = max(p["sql_per_request"] for p in figures.values())
            checks[f"{section}_p95_ms"] = {"worst": worst_p95, "pass": worst_p95 <= TARGETS[f"{section}_p95_ms"]}
            checks[f"{section}_sql_per_page"] = {"worst": worst_sql, "pass": worst_sql <= TARGETS["max_sql_per_page"]}
    if "directory" in results:
        pages = results["directory"]["pages"].values()
        worst_p95 = max(p["p95_ms"] for p in pages)
        worst_sql = max(p["sql_per_request"] for p in pages)
        checks["directory_p95_ms"] = {"worst": worst_p95, "pass": worst_p95 <= TARGETS["directory_p95_ms"]}
        checks["directory_sql_per_page"] = {"worst": worst_sql, "pass": worst_sql <= TARGETS["max_sql_per_page"]}
    if "notifications" in results:
        found = results["notifications"]
        ratio = found["reply_post"]["p95_ratio"]
        rate = found["fanout"]["notifications_per_s"]
        worst_sql = max(p["sql_per_request"] for p in found["pages"].values())
        checks["notifications_reply_p95_ratio"] = {"ratio": ratio, "pass": ratio <= TARGETS["notifications_reply_p95_ratio"]}
        checks["notifications_fanout_per_s"] = {"rate": rate, "pass": rate >= TARGETS["notifications_fanout_per_s"]}
        checks["notifications_sql_per_page"] = {"worst": worst_sql, "pass": worst_sql <= TARGETS["max_sql_per_page"]}
    found = results.get("search", {})
    if "whoosh" in found:
        queries = found["whoosh"]["queries"]
        fast = max(queries[c]["p95_ms"] for c in WHOOSH_FAST_CLASSES)
        worst = max(q["p95_ms"] for q in queries.values())
        checks["whoosh_fast_classes_p95_ms"] = {"worst": fast, "pass": fast <= TARGETS["whoosh_fast_classes_p95_ms"]}
        checks["whoosh_any_class_p95_ms"] = {"worst": worst, "pass": worst <= TARGETS["whoosh_any_class_p95_ms"]}
        seconds = found["whoosh"]["reindex_seconds"]
        checks["whoosh_reindex_seconds"] = {"posts": found["whoosh"]["posts"], "seconds": seconds,
                                            "pass": seconds <= TARGETS["whoosh_reindex_seconds"]}
    if "postgres" in found:
        worst = _worst_p95(found["postgres"])
        checks["postgres_any_class_p95_ms"] = {"posts": found["postgres"]["posts"], "worst": worst,
                                               "pass": worst <= TARGETS["postgres_any_class_p95_ms"]}
    if "postgres_200k" in found and "whoosh" in found:
        # No target at this size (the PostgreSQL one is for the large run): both backends side by side.
        checks["same_dataset"] = {
            name: {"posts": found[key]["posts"], "index_docs_per_s": found[key]["index_docs_per_s"],
                   "worst_p95_ms": _worst_p95(found[key])}
            for name, key in (("whoosh", "whoosh"), ("postgres", "postgres_200k"))}
    return checks


def _worst_p95(figures: dict) -> float:
    return max(q["p95_ms"] for q in figures["queries"].values())


if __name__ == "__main__":
    sys.exit(main())
