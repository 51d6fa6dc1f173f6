"""The search section of `make bench`: index build speed and query latency per class, per backend.

Whoosh is measured on the SQLite dataset (200,000 posts by default); PostgreSQL twice, each time
on its own generated database, created on the local server and dropped at the end: once with the
Whoosh dataset's sizes and seed (the same data, so both backends compare at one size), and once
at 1,000,000 posts (where its target is set). Each query goes through ``search.services.search``
exactly as the /search page calls it (parse, resolve, backend with facets, loading the hits from
the database), timed in-process.
"""
from __future__ import annotations

import random
import statistics
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from exchange import create_app
from exchange.extensions import db
from exchange.search import services
from exchange.search.backend import get_backend
from exchange.search.cli import reindex

from . import dataset

COMMON = ["school", "district", "principal", "teacher"]
PHRASES = ['"school district"', '"principal teacher"', '"data budget"', '"teacher data"']
TAGS = ["talent-pipeline", "data-and-analytics", "family-engagement", "school-improvement", "principal"]


def query_classes(rng: random.Random) -> dict[str, list[str]]:
    # Ranks 2,000-19,000 of the tail: each word in a handful of posts.
    rare = [dataset.TAIL[rng.randrange(2_000, 19_000)] for _ in range(10)]
    regions = [f"metro-{rng.randint(1, 20)}" for _ in range(5)]
    return {
        "rare_word": rare,
        "common_word": COMMON,
        "phrase": PHRASES,
        "tag_filter": [f"tag:{t}" for t in TAGS],
        "region_filter": [f"region:{r}" for r in regions],
        "combined": [f"{rng.choice(COMMON[1:])} tag:{rng.choice(TAGS)} region:{r} -budget" for r in regions],
    }


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(p / 100 * (len(ordered) - 1))), len(ordered) - 1)]


def time_queries(app, classes: dict[str, list[str]], *, rounds: int) -> dict:
    figures = {}
    with app.test_request_context("/search"):
        for name, queries in classes.items():
            for q in queries:                      # one untimed pass warms readers and caches
                services.search(q)
            samples, hits = [], 0
            for _ in range(rounds):
                for q in queries:
                    started = time.perf_counter()
                    page = services.search(q)
                    samples.append((time.perf_counter() - started) * 1000)
                    hits += page.total
            figures[name] = {"queries": queries[:3], "runs": len(samples),
                             "mean_hits": round(hits / len(samples)),
                             "p50_ms": round(statistics.median(samples), 1),
                             "p95_ms": round(_percentile(samples, 95), 1)}
    return figures


def measure(app, *, rounds: int, seed: int, log) -> dict:
    with app.app_context():
        backend = get_backend(app)
        log(f"  {backend.name}: reindexing...")
        started = time.perf_counter()
        docs = reindex()
        seconds = time.perf_counter() - started
        log(f"  {backend.name}: {docs:,} documents in {seconds:.1f} s; timing queries...")
        if backend.name == "postgres":
            db.session.execute(text("ANALYZE search_documents"))  # what autovacuum would do shortly
            db.session.commit()
        queries = time_queries(app, query_classes(random.Random(seed)), rounds=rounds)
        db.session.remove()
        db.engine.dispose()
    return {"docs": docs, "reindex_seconds": round(seconds, 1), "index_docs_per_s": round(docs / seconds, 1),
            "queries": queries}


def whoosh(database: Path, *, rounds: int, seed: int, log) -> dict:
    instance = database.parent / "instance"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_DIR": str(instance),
                      "SECRET_KEY": "bench", "SEARCH_BACKEND": "whoosh",
                      "SEARCH_INDEX_DIR": str(database.parent / "search-index")})
    with app.app_context():
        from sqlalchemy import func, select

        from exchange.models import Post
        posts = db.session.scalar(select(func.count()).select_from(Post))
    return {"posts": posts, **measure(app, rounds=rounds, seed=seed, log=log)}


def postgres(server_url: str, *, members: int, threads: int, posts: int, rounds: int, seed: int, log) -> dict:
    name = f"exchange_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        log(f"  postgres: generating {posts:,} posts in {name}...")
        made = dataset.generate_at(url, Path(dataset.__file__).parent / "data" / "instance", members=members,
                                   threads=threads, posts=posts, seed=seed)
        log(f"  postgres: generated in {made['generate_seconds']} s")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
                          "INSTANCE_DIR": str(Path(dataset.__file__).parent / "data" / "instance"),
                          "SECRET_KEY": "bench", "SEARCH_BACKEND": "postgres"})
        with app.app_context():
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        figures = measure(app, rounds=rounds, seed=seed, log=log)
        return {"posts": posts, "generate_seconds": made["generate_seconds"], **figures}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
