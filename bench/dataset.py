"""A seeded synthetic network, generated with bulk inserts (Core executemany in big batches).

Realistic shape: a few busy threads and many short ones (Pareto-distributed replies), one
thread of exactly 200 posts, bodies drawn from a Zipf-like vocabulary, tags on most threads
and about 1% of threads written up as practices.
"""
from __future__ import annotations

import itertools
import random
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, insert, select, update

from exchange import create_app
from exchange.database import refresh_statistics
from exchange.extensions import db
from exchange.markup import render_markdown
from exchange.models import (Category, Post, Practice, Region, Status, Tag, Thread, ThreadTag, User,
                             utcnow)
from exchange.passwords import hash_password
from exchange.taxonomy import loader as taxonomy_loader

from . import opportunities as openings

BENCH_EMAIL = "bench@example.org"
BENCH_PASSWORD = "bench-password-123"
BATCH = 20_000
BIG_THREAD_POSTS = 200

WORDS = ("school district principal teacher data budget family student plan board residency attendance "
         "coaching tutoring literacy math equity enrollment pipeline retention dashboard cohort network "
         "charter state agency strategy curriculum assessment graduation transportation facilities "
         "community partnership evaluation pilot calendar hiring mentor supervisor cabinet").split()


SYLLABLES = "ka lo mi ne su ta ri vo pe du zan bel cor fin gar hul jem kip".split()
# A long tail of rarer words (Zipf over 20,000 made-up words), so that searches have rare terms.
TAIL = random.Random(1).sample(sorted({a + b + c + d for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES
                                         for d in SYLLABLES}), 20_000)
TAIL_CUMULATIVE = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(TAIL))))


def tail_words(rng: random.Random, k: int) -> list[str]:
    return rng.choices(TAIL, cum_weights=TAIL_CUMULATIVE, k=k)


def _body(rng: random.Random) -> str:
    # Zipf-like: the first words of WORDS are far more common than the last.
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    sentences = []
    for _ in range(rng.randint(2, 6)):
        words = rng.choices(WORDS, weights, k=rng.randint(8, 18))
        sentences.append(" ".join(words).capitalize() + ".")
    text = " ".join(sentences)
    if rng.random() < 0.3:
        text += "\n\n- " + "\n- ".join(rng.choices(WORDS, weights, k=3))
    return text


def _app(url: str, instance: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(instance), "SECRET_KEY": "bench"})


def generate(path: Path, *, members: int, threads: int, posts: int, opportunities: int = 0, seed: int = 42) -> dict:
    """Create a fresh SQLite database at ``path``; returns what was made and how long it took."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return generate_at(f"sqlite:///{path}", path.parent / "instance", members=members, threads=threads,
                       posts=posts, opportunities=opportunities, seed=seed)


def generate_at(url: str, instance: Path, *, members: int, threads: int, posts: int, opportunities: int = 0,
                seed: int = 42) -> dict:
    """Fill the empty database at ``url`` (SQLite or PostgreSQL) through the migrations.

    The openings draw from a stream of their own (``seed + 1``): the threads and posts are the same
    with or without them."""
    started = time.perf_counter()
    app = _app(url, instance)
    rng = random.Random(seed)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        taxonomy_loader.load(taxonomy_loader.read_file(taxonomy_loader.DEFAULT_FILE))
        password_hash = hash_password(BENCH_PASSWORD)
        with db.engine.begin() as conn:
            _fill(conn, rng, members, threads, posts, password_hash)
            openings.fill(conn, random.Random(seed + 1), count=opportunities, members=members, body=_body, batch=BATCH)
        refresh_statistics()  # what a production database would have (see exchange/database.py)
        made = {"members": members, "threads": threads, "posts": posts, **openings.counts(db.session)}
        db.session.remove()
        db.engine.dispose()
    return {**made, "generate_seconds": round(time.perf_counter() - started, 1)}


def add_opportunities(path: Path, *, count: int, seed: int = 42) -> None:
    """A reused database made before the openings existed gets them (once: only when it has none)."""
    app = _app(f"sqlite:///{path}", path.parent / "instance")
    with app.app_context():
        if count and not openings.counts(db.session)["opportunities"]:
            members = db.session.scalar(select(func.count()).select_from(User))
            db.session.remove()
            with db.engine.begin() as conn:
                openings.fill(conn, random.Random(seed + 1), count=count, members=members, body=_body, batch=BATCH)
            refresh_statistics()
        db.session.remove()
        db.engine.dispose()


def migrate(path: Path) -> None:
    """Bring a reused database up to the current schema (new migrations since it was generated)."""
    app = _app(f"sqlite:///{path}", path.parent / "instance")
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


def _batched(conn, table, rows) -> None:
    for i in range(0, len(rows), BATCH):
        conn.execute(insert(table), rows[i:i + BATCH])


def _fill(conn, rng: random.Random, members: int, threads: int, posts: int, password_hash: str) -> None:
    now = utcnow()
    conn.execute(insert(Region.__table__), [
        {"id": i + 1, "slug": f"metro-{i + 1}", "name": f"Metro {i + 1}", "latitude": 30 + i, "longitude": -120 + 2 * i}
        for i in range(20)])
    conn.execute(insert(Category.__table__), [
        {"id": i + 1, "slug": f"category-{i + 1}", "name": f"Category {i + 1}", "description": "", "position": i,
         "thread_count": 0} for i in range(8)])
    users = [{"id": 1, "email": BENCH_EMAIL, "username": "bench", "display_name": "Bench Member",
              "password_hash": password_hash, "role": "member", "status": Status.ACTIVE, "headline": "",
              "organisation": "", "region_id": 1, "registration_note": "", "created_at": now, "approved_at": now}]
    users += [{"id": i, "email": f"member{i}@example.org", "username": f"member{i}", "display_name": f"Member {i}",
               "password_hash": password_hash, "role": "member", "status": Status.ACTIVE,
               "headline": "Director of Data Strategy", "organisation": "Some District", "region_id": 1 + i % 20,
               "registration_note": "", "created_at": now, "approved_at": now} for i in range(2, members + 1)]
    _batched(conn, User.__table__, users)

    # Posts per thread: every thread has its opening post; the rest are spread with a heavy tail.
    counts = [1] * threads
    counts[0] = BIG_THREAD_POSTS
    extra = max(posts - threads - (BIG_THREAD_POSTS - 1), 0)
    weights = [1 / (rank ** 1.1) for rank in range(1, threads)]
    cap = BIG_THREAD_POSTS - 1  # the 200-post thread stays the biggest
    while extra > 0:  # what the busiest threads cannot take goes round again
        for index in rng.choices(range(1, threads), weights, k=extra):
            if counts[index] < cap:
                counts[index] += 1
                extra -= 1

    bodies = [_body(rng) for _ in range(60)]
    rendered = [render_markdown(b) for b in bodies]
    tag_ids = [row[0] for row in conn.execute(select(Tag.id))]
    parents = dict(conn.execute(select(Tag.id, Tag.parent_id)).all())

    thread_rows, post_rows, tag_rows, practice_rows = [], [], [], []
    per_category = [0] * 8
    post_id = 0
    span = timedelta(days=730).total_seconds()
    for t in range(threads):
        thread_id = t + 1
        author = rng.randint(1, members)
        start = now - timedelta(seconds=rng.uniform(0, span)) if t else now - timedelta(days=30)
        category = 1 if t == 0 else rng.randint(1, 8)
        per_category[category - 1] += 1
        at, last_poster = start, author
        for n in range(counts[t]):
            post_id += 1
            poster = author if n == 0 else rng.randint(1, members)
            if n:
                at = min(at + timedelta(minutes=rng.randint(1, 600)), now)
                last_poster = poster
            k = rng.randrange(len(bodies))
            notes = " ".join(tail_words(rng, 3))  # a few words of its own, from the long tail
            post_rows.append({"id": post_id, "thread_id": thread_id, "author_id": poster,
                              "body_source": f"{bodies[k]}\n\nNotes: {notes}.",
                              "body_html": f"{rendered[k]}<p>Notes: {notes}.</p>", "created_at": at,
                              "edited_at": None, "is_hidden": False})
        is_practice = t % 100 == 50
        thread_rows.append({"id": thread_id, "kind": "practice" if is_practice else "discussion",
                            "status": "published", "title": f"Thread {thread_id}: {' '.join(rng.sample(WORDS, 5))}",
                            "category_id": category, "author_id": author, "created_at": start,
                            "post_count": counts[t], "last_post_at": at, "last_poster_id": last_poster,
                            "is_locked": False})
        if tag_ids and rng.random() < 0.7:
            chosen = set(rng.sample(tag_ids, rng.choice([1, 2, 3])))
            implied = {parents[c] for c in chosen if parents.get(c)} - chosen
            tag_rows += [{"thread_id": thread_id, "tag_id": c, "implied": False} for c in chosen]
            tag_rows += [{"thread_id": thread_id, "tag_id": c, "implied": True} for c in implied]
        if is_practice:
            k = rng.randrange(len(bodies))
            practice_rows.append({
                "thread_id": thread_id, **{f: bodies[k] for f in Practice.SECTIONS},
                **{f"{f}_html": rendered[k] for f in Practice.SECTIONS}, "setting": "district",
                "size": "40,000 students", "region_id": 1 + t % 20, "helpful_count": rng.randint(0, 30),
                "published_at": start, "reviewed_at": start, "source_post_id": None})
        if len(post_rows) >= BATCH:
            _flush(conn, thread_rows, post_rows)
    _flush(conn, thread_rows, post_rows)
    _batched(conn, ThreadTag.__table__, tag_rows)
    _batched(conn, Practice.__table__, practice_rows)
    for i, n in enumerate(per_category):
        conn.execute(update(Category).where(Category.id == i + 1).values(thread_count=n))


def _flush(conn, thread_rows: list, post_rows: list) -> None:
    """Threads before their posts (foreign keys), in big batches."""
    if thread_rows:
        conn.execute(insert(Thread.__table__), thread_rows)
    if post_rows:
        conn.execute(insert(Post.__table__), post_rows)
    thread_rows.clear()
    post_rows.clear()


def busiest_category_slug(path: Path) -> str:
    app = _app(f"sqlite:///{path}", path.parent / "instance")
    with app.app_context():
        slug = db.session.scalar(select(Category.slug).order_by(Category.thread_count.desc()).limit(1))
        db.engine.dispose()
    return slug


def counts(path: Path) -> dict:
    app = _app(f"sqlite:///{path}", path.parent / "instance")
    with app.app_context():
        result = {"members": db.session.scalar(select(func.count()).select_from(User)),
                  "threads": db.session.scalar(select(func.count()).select_from(Thread)),
                  "posts": db.session.scalar(select(func.count()).select_from(Post)), **openings.counts(db.session)}
        db.engine.dispose()
    return result

