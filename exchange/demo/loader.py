"""Loads a believable demo network, idempotently.

Reference data (programs, regions, categories) and accounts are matched by slug or
email, so a second run adds nothing. Discussions are written only when the demo
authors have none yet. Everything happens in one transaction: a failed load leaves
nothing half-written.
"""
from __future__ import annotations

import random

from ..database import refresh_statistics, transaction
from ..passwords import hash_password
from ..taxonomy import loader as taxonomy_loader
from . import notifications, opportunities, talent
from .curation import curate
from .discussions import Tagger, has_demo_threads, load_categories, write_discussions, write_practices
from .moderation import stage_moderation
from .network import (DEMO_PASSWORD, fill_profiles, load_applicants, load_members, load_programs, load_regionless_member,
                      load_regions)
from .report import LoadReport


def load_demo(*, seed: int = 7, members: int = 200, threads: int = 300) -> LoadReport:
    rng = random.Random(seed)
    report = LoadReport()
    # The taxonomy loads in its own transaction; it is idempotent on its own.
    if taxonomy_loader.DEFAULT_FILE.exists():
        created = taxonomy_loader.load(taxonomy_loader.read_file(taxonomy_loader.DEFAULT_FILE)).created
        for kind, count in created.items():
            report.add(f"taxonomy {kind}", count)
    with transaction():
        programs = load_programs(report)
        metros = load_regions(report)
        categories = load_categories(report)
        password_hash = hash_password(DEMO_PASSWORD)
        people = load_members(rng, report, programs, metros, password_hash, members)
        load_applicants(rng, report, metros, password_hash)
        load_regionless_member(report, programs, password_hash)
        fill_profiles(report, people)
        if not has_demo_threads(people):
            tagger = Tagger(rng)
            write_discussions(rng, report, people, categories, metros, threads, tagger)
            write_practices(rng, report, people, categories, metros, tagger)
        curate(report)
        stage_moderation(rng, report, categories, programs, metros, password_hash)
        talent.load_talent(report, people, password_hash)
        opportunities.load_opportunities(rng, report, people, metros)
        notifications.load_notifications(report)
    refresh_statistics()
    return report
