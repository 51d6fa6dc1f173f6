"""Roster import: the CSV files partner programs really keep, checked in full before anything changes.

Every row is validated first; each bad row is reported with its line number and every reason.
Email is the key: a known email updates that member, an unknown one creates an *invited*
member (not listed, cannot sign in) and mails them an invitation. Updates never overwrite what
a member wrote on their own profile: they fill empty fields and add missing affiliations, so
re-running the same file changes nothing.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth import services as auth
from ..database import refresh_statistics, transaction
from ..extensions import db
from ..models import Affiliation, Program, Region, Status, User
from ..params import year_value
from .. import events
from ..text import slugify

EMAIL = re.compile(r"^[^@\s,;<>]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
COLUMNS = ("email", "first_name", "last_name", "program", "cohort_year", "region", "organisation", "title")
REQUIRED = ("email", "first_name", "last_name", "program", "cohort_year", "region")
# Header spellings seen in real rosters, mapped onto ours.
HEADER_ALIASES = {"e_mail": "email", "email_address": "email", "first": "first_name", "firstname": "first_name",
                  "given_name": "first_name", "last": "last_name", "lastname": "last_name", "surname": "last_name",
                  "family_name": "last_name", "cohort": "cohort_year", "year": "cohort_year",
                  "region_or_city": "region", "city": "region", "metro": "region", "organization": "organisation",
                  "employer": "organisation", "headline": "title", "job_title": "title", "role": "title"}
MAX_ROWS = 50_000


@dataclass
class Row:
    line: int
    email: str
    first_name: str
    last_name: str
    program: Program | None
    cohort_year: int | None
    region: Region | None
    organisation: str
    title: str
    problems: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Change:
    row: Row
    action: str              # create | update | unchanged
    details: list[str] = field(default_factory=list)


@dataclass
class Plan:
    rows: list[Row]
    changes: list[Change]
    file_problems: list[str] = field(default_factory=list)

    @property
    def invalid(self) -> list[Row]:
        return [r for r in self.rows if r.problems]

    def count(self, action: str) -> int:
        return sum(c.action == action for c in self.changes)

    @property
    def valid(self) -> bool:
        return not self.file_problems and not self.invalid


def _header_key(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", name.strip().lower().lstrip("\ufeff")).strip("_")
    return HEADER_ALIASES.get(key, key)


class _Lookup:
    """Programs and regions by every name a roster may use for them."""

    def __init__(self):
        self.programs: dict[str, Program] = {}
        for p in db.session.scalars(select(Program)):
            for name in (p.slug, p.name, p.short_name):
                self.programs[slugify(name)] = p
        self.regions: dict[str, Region] = {}
        self.region_names: list[str] = []
        for r in db.session.scalars(select(Region)):
            self.region_names.append(r.name)
            for name in (r.slug, r.name):
                self.regions.setdefault(slugify(name), r)

    def closest_regions(self, text: str) -> list[str]:
        return difflib.get_close_matches(text, self.region_names, n=3, cutoff=0.5) or \
            difflib.get_close_matches(text.title(), self.region_names, n=3, cutoff=0.4)


def read(text: str) -> Plan:
    """Parse and validate every row, then work out what applying would change."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return Plan([], [], ["The file is empty."])
    except csv.Error as error:
        return Plan([], [], [f"Line 1: not a CSV header ({error})."])
    keys = [_header_key(h) for h in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        return Plan([], [], ["Missing column" + ("s" if len(missing) > 1 else "") + ": " + ", ".join(missing)
                             + f". The header must name: {', '.join(COLUMNS)} (organisation and title optional)."])
    lookup = _Lookup()
    rows: list[Row] = []
    seen: dict[str, int] = {}
    this_year = date.today().year
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            return Plan(rows, [], [f"Line {reader.line_num}: the file cannot be read as CSV ({error})."])
        start, line = line + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            return Plan(rows, [], [f"The file has more than {MAX_ROWS:,} rows; split it."])
        data = {k: (values[i].strip() if i < len(values) else "") for i, k in enumerate(keys)}
        row = _row(start, data, lookup, this_year)
        if row.email:
            if row.email in seen:
                row.problems.append(f"duplicate in file: {row.email} is also on line {seen[row.email]}")
            else:
                seen[row.email] = start
        rows.append(row)
    valid = [r for r in rows if not r.problems]
    return Plan(rows, _changes(valid))


def _row(line: int, data: dict[str, str], lookup: _Lookup, this_year: int) -> Row:
    problems = []
    email = auth.normalise_email(data.get("email", ""))
    if not email:
        problems.append("email is missing")
    elif not EMAIL.match(email) or len(email) > 254:
        problems.append(f"bad email “{data['email']}”")
    for column in ("first_name", "last_name"):
        if not data.get(column):
            problems.append(f"{column.replace('_', ' ')} is missing")
    if len(f"{data.get('first_name', '')} {data.get('last_name', '')}") > 80:
        problems.append("name longer than 80 characters")
    program = lookup.programs.get(slugify(data.get("program", "")))
    if not data.get("program"):
        problems.append("program is missing")
    elif program is None:
        problems.append(f"unknown program “{data['program']}”")
    year_text = data.get("cohort_year", "")
    year = year_value(year_text)  # not str.isdigit(): "²²²²" passes it and then breaks int()
    if year is None or not 1990 <= year <= this_year + 1:
        problems.append(f"bad cohort year “{year_text}” (a year from 1990 to {this_year + 1})")
    region = lookup.regions.get(slugify(data.get("region", "")))
    if not data.get("region"):
        problems.append("region is missing")
    elif region is None:
        closest = lookup.closest_regions(data["region"])
        problems.append(f"unknown region “{data['region']}”"
                        + (f" (closest: {', '.join(closest)})" if closest else ""))
    for column, limit in (("organisation", 160), ("title", 160)):
        if len(data.get(column, "")) > limit:
            problems.append(f"{column} longer than {limit} characters")
    return Row(line, email, data.get("first_name", ""), data.get("last_name", ""), program, year, region,
               data.get("organisation", ""), data.get("title", ""), problems)


def _changes(rows: list[Row]) -> list[Change]:
    existing = {u.email: u for u in db.session.scalars(
        select(User).options(selectinload(User.affiliations)).where(User.email.in_([r.email for r in rows])))}
    changes = []
    for row in rows:
        user = existing.get(row.email)
        if user is None:
            changes.append(Change(row, "create"))
            continue
        details = []
        roster_owned = user.status == Status.INVITED  # nobody has edited it yet: the roster is the source
        for attribute, value in (("display_name", row.display_name), ("organisation", row.organisation),
                                 ("headline", row.title)):
            current = getattr(user, attribute)
            if value and current != value and (roster_owned or not current):
                details.append(f"{attribute}: “{current}” → “{value}”")
        if row.region and user.region_id != row.region.id and (roster_owned or user.region_id is None):
            details.append(f"region → {row.region.name}")
        if not any(a.program_id == row.program.id and a.cohort_year == row.cohort_year for a in user.affiliations):
            details.append(f"adds {row.program.short_name} {row.cohort_year}")
        changes.append(Change(row, "update" if details else "unchanged", details))
    return changes


@dataclass
class Outcome:
    created: int
    updated: int
    invitations: list[str]


def apply(plan: Plan, *, skip_invalid: bool = False) -> Outcome:
    """Apply a valid plan (or its valid rows, with ``skip_invalid``) in one transaction."""
    if plan.file_problems or (plan.invalid and not skip_invalid):
        raise ValueError("the roster has problems; nothing was applied")
    created: list[User] = []
    updated, renamed = 0, []
    with transaction():
        taken = set(db.session.scalars(select(User.username)))
        users = {u.email: u for u in db.session.scalars(
            select(User).options(selectinload(User.affiliations))
            .where(User.email.in_([c.row.email for c in plan.changes])))}
        for change in plan.changes:
            row = change.row
            if change.action == "create" and row.email not in users:
                user = User(email=row.email, username=_username(row, taken), display_name=row.display_name,
                            password_hash="!invited", status=Status.INVITED, organisation=row.organisation,
                            headline=row.title, region_id=row.region.id)
                user.affiliations.append(Affiliation(program_id=row.program.id, cohort_year=row.cohort_year))
                db.session.add(user)
                created.append(user)
            elif change.action == "update":
                if _update(users[row.email], row):
                    renamed.append(users[row.email].id)
                updated += 1
        db.session.flush()
        events.members_changed(*[users[c.row.email].id for c in plan.changes
                               if c.action == "update" and c.row.email in users])
        events.authors_changed(*renamed)  # thread documents carry their authors' names and region
        tokens = auth.new_invitations([user.email for user in created])
    refresh_statistics()
    invitations = [auth.mail_invitation(email, token) for email, token in tokens.items()]
    return Outcome(len(created), updated, invitations)


def _update(user: User, row: Row) -> bool:
    """Apply the row; True when the name or region changed (what the member's threads show)."""
    roster_owned = user.status == Status.INVITED
    before = (user.display_name, user.region_id)
    for attribute, value in (("display_name", row.display_name), ("organisation", row.organisation),
                             ("headline", row.title)):
        if value and (roster_owned or not getattr(user, attribute)):
            setattr(user, attribute, value)
    if roster_owned or user.region_id is None:
        user.region_id = row.region.id
    if not any(a.program_id == row.program.id and a.cohort_year == row.cohort_year for a in user.affiliations):
        user.affiliations.append(Affiliation(program_id=row.program.id, cohort_year=row.cohort_year))
    return (user.display_name, user.region_id) != before


def _username(row: Row, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]", "", f"{row.first_name[:1]}{row.last_name}".lower())[:28] or "member"
    name, n = base, 1
    while name in taken or len(name) < 3:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name
