"""The directory section of `make bench`: 100,000 members with profiles, served and driven like the pages,
and the talent pool (bench/talent.py: 5 % of them) driven as an approved employer on the same server.

A separate SQLite database (bench/data/directory.db): 20 metro regions with two cities each,
the shipped taxonomy's programs and topic tags, one or two affiliations per member, two to
four areas of expertise, offers for about a third, and some fields kept to "my programs".
"""
from __future__ import annotations

import random
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from exchange.database import refresh_statistics
from exchange.extensions import db
from exchange.models import (Affiliation, MemberExpertise, MemberOffer, Offer, Program, Region, Sector, Status, Tag,
                             TagGroup, TalentProfile, User, Visibility, utcnow)
from exchange.passwords import hash_password
from exchange.taxonomy import loader as taxonomy_loader

from . import dataset, load, talent
from .server import Gunicorn, request, sign_in

PAGES = {
    "directory": "/members",
    "directory_filtered": "/members?region=metro-3&tag=talent-pipeline&offer=mentoring",
    "directory_city_program": "/members?region=city-3-1&program=uelf&cohort=2019",
    "directory_text": "/members?q=analyst&sector=district&page=3",
    "regions": "/regions",
    "region": "/regions/metro-3",
}
FIRST = "Aisha Ben Carla Dmitri Elena Femi Grace Hugo Ines Jamal Keiko Luis Maya Nadia Omar Priya Quinn Rosa".split()
LAST = "Adams Baker Chen Diaz Evans Fischer Garcia Haddad Ito Jones Kim Lopez Moreno Nguyen Okafor Patel".split()
HEADLINES = ["Senior Data Analyst", "Chief Academic Officer", "Principal Supervisor", "Director of Talent",
             "Budget Director", "Director of Family Engagement", "Policy Analyst", "Network Superintendent"]


def generate(path: Path, *, members: int, seed: int, pool_share: float = 0.0) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    app = dataset._app(f"sqlite:///{path}", path.parent / "instance")
    rng = random.Random(seed)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        taxonomy_loader.load(taxonomy_loader.read_file(taxonomy_loader.DEFAULT_FILE))
        password_hash = hash_password(dataset.BENCH_PASSWORD)
        with db.engine.begin() as conn:
            _fill(conn, rng, members, password_hash)
            # The pool draws from a stream of its own: the members are the same with or without it.
            pool = talent.fill(conn, random.Random(seed + 2), members=members, share=pool_share,
                               password_hash=password_hash, user_defaults=USER_DEFAULTS) if pool_share else {}
        refresh_statistics()  # what a production database would have (see exchange/database.py)
        db.engine.dispose()
    return {"members": members, **pool, "generate_seconds": round(time.perf_counter() - started, 1)}


USER_DEFAULTS = {"bio_source": "", "bio_html": "", "offer_capacity": None, "show_headline": "members",
                 "show_sector": "members", "show_affiliations": "members", "show_region": "members",
                 "show_bio": "members", "show_expertise": "members", "show_offers": "members"}


def _fill(conn, rng: random.Random, members: int, password_hash: str) -> None:
    now = utcnow()
    regions = []
    for m in range(1, 21):
        regions.append({"id": m, "slug": f"metro-{m}", "name": f"Metro {m}", "parent_id": None,
                        "latitude": 30 + m * 0.8, "longitude": -120 + m * 2.5})
    for m in range(1, 21):
        for c in (1, 2):
            regions.append({"id": 20 + (m - 1) * 2 + c, "slug": f"city-{m}-{c}", "name": f"City {m}.{c}",
                            "parent_id": m, "latitude": None, "longitude": None})
    conn.execute(insert(Region.__table__), regions)
    programs = [row[0] for row in conn.execute(select(Program.id))]
    topics = [row[0] for row in conn.execute(select(Tag.id).join(TagGroup).where(TagGroup.slug == "topic"))]
    users, affiliations, expertise, offers = [], [], [], []
    for i in range(1, members + 1):
        region = rng.randint(1, 60)
        user = {"id": i, "email": f"m{i}@example.org", "username": f"m{i}", "password_hash": password_hash,
                "display_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}", "role": "member",
                "status": Status.ACTIVE if rng.random() > 0.02 else Status.SUSPENDED,
                "headline": rng.choice(HEADLINES), "organisation": f"District {region}", "region_id": region,
                "registration_note": "", "created_at": now, "approved_at": now,
                "sector": rng.choice(Sector.ALL), "show_organisation": Visibility.MEMBERS}
        if rng.random() < 0.1:
            user["show_organisation"] = Visibility.PROGRAMS
        if i == 1:
            user.update(email=dataset.BENCH_EMAIL, username="bench", display_name="Bench Member",
                        status=Status.ACTIVE, region_id=3)
        users.append(user)
        first = rng.choice(programs)
        affiliations.append({"user_id": i, "program_id": first, "cohort_year": rng.randint(2010, 2025),
                             "capacity": "fellow"})
        if rng.random() < 0.2:
            second = rng.choice([p for p in programs if p != first])
            affiliations.append({"user_id": i, "program_id": second, "cohort_year": rng.randint(2010, 2025),
                                 "capacity": "fellow"})
        expertise += [{"user_id": i, "tag_id": t} for t in rng.sample(topics, rng.randint(2, 4))]
        offers += [{"user_id": i, "offer": o} for o in Offer.ALL if rng.random() < 0.3]
    dataset._batched(conn, User.__table__, [{**USER_DEFAULTS, **u} for u in users])
    dataset._batched(conn, Affiliation.__table__, affiliations)
    dataset._batched(conn, MemberExpertise.__table__, expertise)
    dataset._batched(conn, MemberOffer.__table__, offers)


DATABASE = Path(__file__).resolve().parent / "data" / "directory.db"


def run(args, log) -> dict:
    database = DATABASE
    if args.reuse and database.exists():
        dataset.migrate(database)
        made = {"members": args.directory_members, **add_pool(database, share=args.pool_share, seed=args.seed),
                "generate_seconds": None}
        log(f"Reusing {database}")
    else:
        log(f"Directory: generating {args.directory_members:,} members, {args.pool_share:.0%} in the talent pool...")
        made = generate(database, members=args.directory_members, seed=args.seed, pool_share=args.pool_share)
        log(f"  done in {made['generate_seconds']} s")
    results = {"dataset": made, "pages": {}}
    with Gunicorn(database, workers=args.workers, threads=args.worker_threads) as server:
        cookie = sign_in(server.port, dataset.BENCH_EMAIL, dataset.BENCH_PASSWORD)
        results["pages"] = _drive_pages(server, PAGES, cookie, args, log)
        if args.pool_share and not args.skip_talent:
            # The pool, as an approved employer sees it, on the same server, against its own baseline.
            cookie = sign_in(server.port, talent.EMPLOYER_EMAIL, dataset.BENCH_PASSWORD)
            log(f"Talent pool: baseline /healthz, then {len(talent.PAGES)} pages as an employer...")
            baseline = {"path": "/healthz", **load.drive(server.port, "/healthz", cookie=cookie,
                                                         concurrency=args.concurrency, duration=args.duration)}
            pages = _drive_pages(server, talent.PAGES, cookie, args, log)
            for figures in pages.values():
                figures["ratio_to_baseline"] = round(figures["rps"] / baseline["rps"], 3) if baseline["rps"] else None
            results["talent"] = {"baseline": baseline, "pages": pages}
    return results


def _drive_pages(server: Gunicorn, pages: dict, cookie: str, args, log) -> dict:
    results = {}
    for name, path in pages.items():
        status, headers, _ = request(server.port, path, headers={"Cookie": cookie})
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        log(f"  {name}: {path}")
        # One untimed second first, so every worker has its cached counts: the figures are the steady
        # state; the cold path is measured on its own below ("uncached").
        load.drive(server.port, path, cookie=cookie, concurrency=args.concurrency, duration=1)
        figures = load.drive(server.port, path, cookie=cookie, concurrency=args.concurrency, duration=args.duration)
        results[name] = {"path": path, **figures, "sql_per_request": int(headers.get("x-sql-statements", -1))}
    return results


def add_pool(database: Path, *, share: float, seed: int) -> dict:
    """A reused database made before the talent pool existed gets it (once: only without the employer)."""
    app = dataset._app(f"sqlite:///{database}", database.parent / "instance")
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.email == talent.EMPLOYER_EMAIL))
        members = db.session.scalar(select(func.count()).select_from(User))
        pool = db.session.scalar(select(func.count()).select_from(TalentProfile).where(TalentProfile.is_open))
        db.session.remove()
        if found is None and share:
            with db.engine.begin() as conn:
                made = talent.fill(conn, random.Random(seed + 2), members=members, share=share,
                                   password_hash=hash_password(dataset.BENCH_PASSWORD), user_defaults=USER_DEFAULTS)
            refresh_statistics()
            pool = made["pool_members"]
        db.engine.dispose()
    return {"pool_members": pool}


def uncached(database: Path, *, rounds: int, seed: int) -> dict:
    """In-process timings of directory() with the counts cache emptied each time (the cold path)."""
    import statistics

    from exchange import create_app
    from exchange.members import directory

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench",
                      "INSTANCE_DIR": str(database.parent / "instance")})
    rng = random.Random(seed)
    samples = []
    with app.test_request_context("/members"):
        viewer = db.session.get(User, 1)
        directory.directory(directory.Filters(), viewer)          # warm the connection and reference data
        for _ in range(rounds):
            filters = directory.Filters(region=f"metro-{rng.randint(1, 20)}", tag=rng.choice(
                ["talent-pipeline", "data-and-analytics", "", ""]), offer=rng.choice(["", "mentoring"]),
                page=rng.randint(1, 3))
            app.extensions["fragments"].items.clear()
            started = time.perf_counter()
            directory.directory(filters, viewer)
            samples.append((time.perf_counter() - started) * 1000)
        db.session.remove()
    samples.sort()
    return {"runs": len(samples), "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(samples[min(int(0.95 * len(samples)), len(samples) - 1)], 1)}
