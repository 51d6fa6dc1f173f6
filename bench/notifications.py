"""The notifications section of `make bench`: what a reply costs when 2,000 members watch, how fast the
worker fans out, the inbox and the header's count, and the digests of every member.

A separate SQLite database (bench/data/notifications.db), generated like the pages dataset at a small
size: `--watchers` + 1 members (default 2,001: the bench member, who posts, and 2,000 others), 2,000
threads, 10,000 posts, 300 openings. Two fresh threads by the bench member: one in a category nobody
watches, one in a category that every other member watches, and which they all watch themselves.

- **reply_post**: the reply form's POST (htmx, as the browser sends it), in-process through Flask's test
  client, one at a time, alternating between the quiet thread and the watched one (100 timed each after
  5 untimed): the request only writes the post and one event row, whoever watches (the fan-out is the
  worker's), so the two p95 should be within 20 %. The events these POSTs queue are then discarded: the
  fan-out is timed apart.
- **fanout**: `fanout.drain()` over 10 replies to the watched thread and one new thread in the watched
  category (22,000 notifications at 2,000 watchers), timed in-process; notifications written per second.
- **in_process** and **pages**: `/notifications` and `/notifications/count` (and the count answered 304
  for its ETag) as a watcher with 300 older notifications of every kind besides, timed in-process
  (p50/p95 and the `X-SQL-Statements` of the request), then driven with gunicorn like the other pages
  against their own `/healthz` baseline.
- **digests**: `digest.send_due()` for every member (all due, none sent yet this period): each one's
  digest built, recorded and queued as a mail; then, for 100 of them, the next week's digest with nothing
  new (built, found empty, not recorded: what every later chores round does again for such a member).
"""
from __future__ import annotations

import random
import re
import statistics
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, insert, select

from exchange import create_app
from exchange.database import refresh_statistics
from exchange.extensions import db
from exchange.models import (Category, Kind, Level, Notification, NotificationEvent, Post, Thread, User, Watch,
                             utcnow)
from exchange.notifications import digest, fanout
from exchange.threads import services as threads

from . import dataset, load
from .server import Gunicorn, request, sign_in

DATABASE = Path(__file__).resolve().parent / "data" / "notifications.db"
PAGES = {"notifications": "/notifications", "notifications_count": "/notifications/count"}
READER_EMAIL = "member2@example.org"   # a watcher: every fan-out reaches them
FANOUT_REPLIES = 10
OLDER_NOTIFICATIONS = 300
WARMUP = 5
POST_ROUNDS = 100  # timed POSTs to each thread (or --in-process-rounds, if more): a p95 needs more than 40
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _app(database: Path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench",
                      "INSTANCE_DIR": str(database.parent / "instance"), "SQL_COUNT_HEADER": True,
                      "MAIL_DIR": str(database.parent / "instance" / "notifications-mail"), "HOLD_FIRST_POSTS": 0})
    # One member posts every reply of the run: well past the flood limits, which are not measured here.
    for limits in ("FLOOD_LIMITS", "FLOOD_LIMITS_NEWCOMER"):  # (the generated members joined today)
        app.config[limits] = {**app.config[limits], "reply": "100000 per hour", "thread": "1000 per hour"}
    return app


def _figures(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"runs": len(samples), "p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[min(int(0.95 * len(samples)), len(samples) - 1)], 2)}


def generate(database: Path, *, watchers: int, seed: int) -> dict:
    """The dataset, the two threads and the watches; returns what was made."""
    made = dataset.generate(database, members=watchers + 1, threads=2_000, posts=10_000, opportunities=300, seed=seed)
    app = _app(database)
    rng = random.Random(seed + 3)
    with app.app_context():
        categories = list(db.session.scalars(select(Category.id).order_by(Category.id)))
        quiet_category, watched_category = categories[-2], categories[-1]
        author = db.session.get(User, 1)
        quiet = threads.start_thread(author=author, title="A thread nobody watches", category_id=quiet_category,
                                     body="Which attendance nudges worked for you?").id
        watched = threads.start_thread(author=author, title="A thread everybody watches",
                                       category_id=watched_category, body="When do you post teacher vacancies?").id
        db.session.execute(delete(NotificationEvent))  # what the two threads queued: not part of any figure
        now = utcnow()
        members = range(2, watchers + 2)
        rows = [{"user_id": m, "target_type": "category", "target_id": watched_category, "level": Level.WATCHING,
                 "created_at": now} for m in members]
        rows += [{"user_id": m, "target_type": "thread", "target_id": watched, "level": Level.WATCHING,
                  "created_at": now} for m in members]
        db.session.execute(insert(Watch), rows)
        # The reader's history: notifications of every kind about older threads, a third of them unread.
        reader = db.session.scalar(select(User.id).where(User.email == READER_EMAIL))
        posts = db.session.execute(select(Post.id, Post.thread_id).order_by(Post.id.desc()).limit(2_000)).all()
        kinds = [Kind.REPLY, Kind.QUOTE, Kind.MENTION, Kind.WATCHED_THREAD, Kind.WATCHED_CATEGORY, Kind.HELPFUL]
        older = []
        for n in range(OLDER_NOTIFICATIONS):
            post_id, thread_id = rng.choice(posts)
            kind = rng.choice(kinds)
            at = now - timedelta(hours=OLDER_NOTIFICATIONS - n)
            older.append({"user_id": reader, "kind": kind, "actor_id": rng.randint(watchers // 2, watchers),
                          "thread_id": thread_id, "post_id": post_id, "group_key": f"{kind}:{thread_id}",
                          "text": "", "created_at": at, "read_at": None if n % 3 == 0 else at, "mail": ""})
        db.session.execute(insert(Notification), older)
        db.session.commit()
        refresh_statistics()
        db.session.remove()
        db.engine.dispose()
    return {**made, "watchers": watchers, "quiet_thread": quiet, "watched_thread": watched,
            "reader_older_notifications": OLDER_NOTIFICATIONS}


def _signed_in(app, email: str):
    """A test client signed in through the real login form (CSRF and all)."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/login", data={"csrf_token": CSRF.search(page).group(1), "email": email,
                                         "password": dataset.BENCH_PASSWORD})
    if answer.status_code != 303:
        raise RuntimeError(f"in-process sign-in as {email} answered {answer.status_code}")
    return client


def reply_posts(app, made: dict, *, rounds: int) -> dict:
    """The reply POST, alternating between the quiet and the watched thread (WARMUP untimed of each first)."""
    client = _signed_in(app, dataset.BENCH_EMAIL)
    cases = {"quiet": made["quiet_thread"], "watched": made["watched_thread"]}
    with app.app_context():
        counts = {name: db.session.get(Thread, thread_id).post_count for name, thread_id in cases.items()}
        events_before = db.session.scalar(select(func.count()).select_from(NotificationEvent))
        db.session.remove()
    samples = {name: [] for name in cases}
    sql = {name: set() for name in cases}
    token = None
    for n in range(WARMUP + rounds):
        for name, thread_id in cases.items():
            counts[name] += 1
            page = -(-counts[name] // 20)
            if token is None:
                token = CSRF.search(client.get(f"/t/{thread_id}?page={page}").get_data(as_text=True)).group(1)
            body = f"Reply {n}: we post our vacancies in February, with the {name} calendar."
            started = time.perf_counter()
            response = client.post(f"/t/{thread_id}/reply", data={"csrf_token": token, "body": body, "page": page},
                                   headers={"HX-Request": "true", "X-CSRFToken": token})
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or "post-" not in response.get_data(as_text=True):
                raise RuntimeError(f"the reply POST to thread {thread_id} answered {response.status_code}: "
                                   f"{response.get_data(as_text=True)[:600]}")
            if n >= WARMUP:
                samples[name].append(elapsed)
                sql[name].add(int(response.headers.get("X-SQL-Statements", -1)))
    with app.app_context():
        queued = db.session.scalar(select(func.count()).select_from(NotificationEvent)) - events_before
        db.session.execute(delete(NotificationEvent))  # the fan-out is timed on its own batch below
        db.session.commit()
        db.session.remove()
    if queued != 2 * (WARMUP + rounds):
        raise RuntimeError(f"{2 * (WARMUP + rounds)} replies queued {queued} events, not one each")
    results = {name: {"path": f"/t/{cases[name]}/reply", **_figures(samples[name]), "sql_per_request": max(sql[name])}
               for name in cases}
    results["watchers"] = {"quiet": 0, "watched": made["watchers"]}
    results["events_per_post"] = 1
    results["p95_ratio"] = round(results["watched"]["p95_ms"] / results["quiet"]["p95_ms"], 3)
    return results


def fanout_rate(app, made: dict) -> dict:
    """fanout.drain() over FANOUT_REPLIES replies to the watched thread and one new thread in its category."""
    with app.app_context():
        author = db.session.get(User, 1)
        thread = db.session.get(Thread, made["watched_thread"])
        for n in range(FANOUT_REPLIES):
            threads.reply(author=author, thread=thread, body=f"Update {n}: the board moved the calendar again.")
            thread = db.session.get(Thread, made["watched_thread"])
        threads.start_thread(author=author, title="Exit interviews that work", category_id=thread.category_id,
                             body="What do you ask departing teachers?")
        events = fanout.backlog()
        before = db.session.scalar(select(func.count()).select_from(Notification))
        db.session.remove()
        started = time.perf_counter()
        written = fanout.drain()
        seconds = time.perf_counter() - started
        after = db.session.scalar(select(func.count()).select_from(Notification))
        db.session.remove()
    if after - before != written:
        raise RuntimeError(f"drain() said {written}, {after - before} notifications were written")
    return {"events": events, "notifications": written, "seconds": round(seconds, 2),
            "notifications_per_s": round(written / seconds) if seconds else None}


def pages_in_process(app, *, rounds: int) -> dict:
    client = _signed_in(app, READER_EMAIL)
    results = {}
    for name, path in PAGES.items():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} in-process")
        samples, sql = [], set()
        for _ in range(rounds):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            sql.add(int(response.headers.get("X-SQL-Statements", -1)))
        results[name] = {"path": path, **_figures(samples), "sql_per_request": max(sql)}
    etag = client.get(PAGES["notifications_count"]).headers["ETag"]
    samples, sql = [], set()
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(PAGES["notifications_count"], headers={"If-None-Match": etag})
        samples.append((time.perf_counter() - started) * 1000)
        sql.add(int(response.headers.get("X-SQL-Statements", -1)))
        if response.status_code != 304:
            raise RuntimeError(f"the count answered {response.status_code} to its own ETag")
    results["notifications_count_304"] = {"path": PAGES["notifications_count"], **_figures(samples),
                                          "sql_per_request": max(sql)}
    return results


def pages_under_load(database: Path, args, log) -> dict:
    with Gunicorn(database, workers=args.workers, threads=args.worker_threads) as server:
        cookie = sign_in(server.port, READER_EMAIL, dataset.BENCH_PASSWORD)
        baseline = {"path": "/healthz", **load.drive(server.port, "/healthz", cookie=cookie,
                                                     concurrency=args.concurrency, duration=args.duration)}
        pages = {}
        for name, path in PAGES.items():
            status, headers, _ = request(server.port, path, headers={"Cookie": cookie})
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            log(f"  {name}: {path}")
            figures = load.drive(server.port, path, cookie=cookie, concurrency=args.concurrency, duration=args.duration)
            pages[name] = {"path": path, **figures, "sql_per_request": int(headers.get("x-sql-statements", -1)),
                           "ratio_to_baseline": round(figures["rps"] / baseline["rps"], 3) if baseline["rps"] else None}
    return {"baseline": baseline, "pages": pages}


def digests(app, *, sample: int = 100) -> dict:
    """digest.send_due() for every member; then, a week later with nothing new, ``sample`` members' digests
    built again (an empty digest is not recorded: each chores round builds it anew)."""
    with app.app_context():
        today = utcnow().date()
        due = len(digest._due_members(today))
        db.session.remove()
        started = time.perf_counter()
        queued, _ = digest.send_due(today)
        seconds = time.perf_counter() - started
        db.session.remove()
        later = today + timedelta(days=7)
        members = digest._due_members(later)[:sample]
        db.session.remove()
        started = time.perf_counter()
        empty = sum(digest.send_one(user_id, period, later) for user_id, period in members)
        empty_seconds = time.perf_counter() - started
        db.session.remove()
    per_member = empty_seconds * 1000 / len(members) if members else None
    return {"members_due": due, "digests_queued": queued, "seconds": round(seconds, 2),
            "ms_per_member": round(seconds * 1000 / due, 2) if due else None,
            "nothing_new_next_week": {"members": len(members), "digests_queued": empty,
                                      "ms_per_member": round(per_member, 2) if per_member else None,
                                      "seconds_for_all": round(per_member * due / 1000, 1) if per_member else None}}


def run(args, log) -> dict:
    log(f"Notifications: generating {args.watchers + 1:,} members ({args.watchers:,} watchers)...")
    started = time.perf_counter()
    made = generate(DATABASE, watchers=args.watchers, seed=args.seed)
    made["generate_seconds"] = round(time.perf_counter() - started, 1)
    app = _app(DATABASE)
    rounds = max(POST_ROUNDS, args.in_process_rounds)
    log(f"  reply POSTs, {rounds} each with 0 and {args.watchers:,} watchers...")
    results = {"dataset": made, "reply_post": reply_posts(app, made, rounds=rounds)}
    log("  the fan-out...")
    results["fanout"] = fanout_rate(app, made)
    log("  /notifications and /notifications/count in-process...")
    results["in_process"] = pages_in_process(app, rounds=args.in_process_rounds)
    log("  ... and under load")
    results.update(pages_under_load(DATABASE, args, log))
    log(f"  the digests of {made['members']:,} members...")
    results["digests"] = digests(app)
    with app.app_context():
        db.engine.dispose()
    return results
