"""The talent pool on the directory dataset: `--pool-share` (default 5 %) of its members open to employers,
and an approved employer account that signs in to drive `/talent` (`PAGES`).

Shape: each pool member shares region and expertise four times in five, programs three in five,
headline and bio less often; seeks one or two levels and kinds and some sectors; names zero to two
more regions; is available now, soon or later. About 1 % more have a profile but left the pool,
and some pool members block an organisation (one in ten of those blocks the bench employer's).
"""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert

from exchange.models import (EmployerProfile, Role, Sector, Seeking, Status, TalentBlock, TalentProfile,
                             TalentRegion, TalentWish, User, utcnow)
from exchange.models.talent import SHAREABLE, organisation_key

EMPLOYER_EMAIL = "bench-employer@example.org"
EMPLOYER_ORGANISATION = "Metro 3 Public Schools"
PAGES = {
    "talent": "/talent",
    "talent_filtered": "/talent?region=metro-3&level=director&tag=data-and-analytics",
    "talent_program_cohort": "/talent?program=uelf&cohort=2019&kind=full_time&available=6m",
    "talent_text": "/talent?q=analyst&page=2",
}
SHARE_ODDS = {"region": 0.8, "expertise": 0.8, "affiliations": 0.6, "headline": 0.6, "organisation": 0.4,
              "sector": 0.5, "bio": 0.3}


def fill(conn, rng: random.Random, *, members: int, share: float, password_hash: str, user_defaults: dict,
         batch: int = 20_000) -> dict:
    """Pool profiles for members 2..``members`` (1 is the bench member) and the employer account
    (id ``members + 1``); ``user_defaults`` are the directory's values for the columns it leaves out."""
    now = utcnow()
    employer_id = members + 1
    conn.execute(insert(User.__table__), [{
        **user_defaults, "id": employer_id, "email": EMPLOYER_EMAIL, "username": "bench-employer",
        "password_hash": password_hash, "display_name": "Bench Employer", "role": Role.EMPLOYER,
        "status": Status.ACTIVE, "headline": "", "organisation": "", "region_id": None, "registration_note": "",
        "created_at": now, "approved_at": now}])
    conn.execute(insert(EmployerProfile.__table__), [{
        "user_id": employer_id, "organisation": EMPLOYER_ORGANISATION,
        "organisation_key": organisation_key(EMPLOYER_ORGANISATION), "kind": "district",
        "website": "https://metro3.example.org", "verification": "bench"}])
    chosen = rng.sample(range(2, members + 1), min(int(members * (share + 0.01)), members - 1))
    in_pool = int(members * share)
    profiles, wishes, regions, blocks = [], [], [], []
    for n, user_id in enumerate(chosen):
        profile = {"user_id": user_id, "is_open": n < in_pool, "remote": rng.random() < 0.3,
                   "available_from": (now + timedelta(days=rng.randint(0, 300))).date() if rng.random() < 0.5
                   else None, "note": rng.choice(["", "Looking for a district data role.",
                                                  "Open to state agency work.", "Happy to relocate."]),
                   "joined_at": now - timedelta(days=rng.randint(1, 400)), "updated_at": now}
        profile.update({f"share_{f}": rng.random() < SHARE_ODDS[f] for f in SHAREABLE})
        profiles.append(profile)
        wishes += [{"user_id": user_id, "what": TalentWish.LEVEL, "value": v}
                   for v in rng.sample(Seeking.LEVELS, rng.randint(1, 2))]
        wishes += [{"user_id": user_id, "what": TalentWish.KIND, "value": v}
                   for v in rng.sample(Seeking.KINDS[:3], rng.randint(1, 2))]
        wishes += [{"user_id": user_id, "what": TalentWish.SECTOR, "value": v}
                   for v in rng.sample(Sector.ALL[:5], rng.randint(0, 2))]
        regions += [{"user_id": user_id, "region_id": r} for r in rng.sample(range(1, 21), rng.randint(0, 2))]
        if rng.random() < 0.02:
            organisation = EMPLOYER_ORGANISATION if rng.random() < 0.1 else f"District {rng.randint(1, 60)}"
            blocks.append({"member_id": user_id, "organisation_key": organisation_key(organisation),
                           "organisation": organisation, "created_at": now})
    for table, rows in ((TalentProfile.__table__, profiles), (TalentWish.__table__, wishes),
                        (TalentRegion.__table__, regions), (TalentBlock.__table__, blocks)):
        for i in range(0, len(rows), batch):
            conn.execute(insert(table), rows[i:i + batch])
    return {"pool_members": in_pool, "left_pool": len(chosen) - in_pool, "blocks": len(blocks)}
