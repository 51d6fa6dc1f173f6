"""Profiles, contact requests and regions: reading them for one audience, changing them in one transaction."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import current_app, url_for
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import flood
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import send_mail
from ..markup import render_markdown
from ..models import (Affiliation, ContactRequest, MemberExpertise, MemberOffer, Offer, Practice, Program, Region,
                      Role, Sector, Status, Tag, Thread, ThreadTag, User, Visibility, utcnow)
from .. import events
from . import privacy
from .privacy import Audience, visible
from .regions import metro_id

BIO_MAX = 4000
MESSAGE_MIN = 20
EXPERTISE_LIMIT = 8
AFFILIATION_LIMIT = 4


def get_member(username: str, *, include_suspended: bool = False) -> User | None:
    """An active member with everything a profile shows (pending and invited ones do not exist here;
    suspended ones only for moderators, who may reinstate them)."""
    statuses = (Status.ACTIVE, Status.SUSPENDED) if include_suspended else (Status.ACTIVE,)
    return db.session.scalar(
        select(User).options(joinedload(User.region).joinedload(Region.parent),
                             selectinload(User.affiliations).joinedload(Affiliation.program),
                             selectinload(User.expertise), selectinload(User.offer_links))
        .where(User.username == username.lower(), User.status.in_(statuses), User.role != Role.EMPLOYER))


@dataclass
class Contributions:
    practices: int
    threads: int
    by_tag: list[tuple[Tag | None, list[Thread]]]


def contributions(member: User, *, limit: int = 200) -> Contributions:
    """Practices published and threads started, grouped by the tags they were filed under."""
    threads = list(db.session.scalars(
        select(Thread).options(selectinload(Thread.tag_links).joinedload(ThreadTag.tag))
        .where(Thread.author_id == member.id, Thread.listed_sql())
        .order_by(Thread.created_at.desc()).limit(limit)))
    groups: dict[int | None, list[Thread]] = defaultdict(list)
    tags: dict[int, Tag] = {}
    for thread in threads:
        chosen = [link.tag for link in thread.tag_links if not link.implied]
        for tag in chosen or [None]:
            if tag is not None:
                tags[tag.id] = tag
            groups[tag.id if tag else None].append(thread)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, -len(kv[1]), tags[kv[0]].name if kv[0] else ""))
    return Contributions(practices=sum(t.is_practice for t in threads),
                         threads=sum(not t.is_practice for t in threads),
                         by_tag=[(tags.get(k), v) for k, v in ordered])


# --- editing a profile -------------------------------------------------------------------

@dataclass
class ProfileInput:
    display_name: str
    headline: str = ""
    organisation: str = ""
    sector: str = ""
    region_id: int | None = None
    bio: str = ""
    expertise: list[Tag] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    offer_capacity: int | None = None
    affiliations: list[tuple[int, int, str]] = field(default_factory=list)  # (program id, year, capacity)
    visibility: dict[str, str] = field(default_factory=dict)


def update_profile(member: User, data: ProfileInput) -> User:
    if data.sector and data.sector not in Sector.ALL:
        raise ServiceError("Choose a sector from the list.", field="sector")
    if any(o not in Offer.ALL for o in data.offers):
        raise ServiceError("Choose offers from the list.", field="offers")
    if len(data.expertise) > EXPERTISE_LIMIT:
        raise ServiceError(f"Choose at most {EXPERTISE_LIMIT} areas of expertise.", field="expertise")
    if any(v not in Visibility.ALL for v in data.visibility.values()):
        raise ServiceError("Choose who can see each field from the list.")
    if len({(p, y) for p, y, _ in data.affiliations}) != len(data.affiliations):
        raise ServiceError("The same program and cohort appear twice.", field="affiliations")
    with transaction():
        member = db.session.merge(member)
        before = (member.display_name, member.region_id, member.show_region)
        member.display_name = data.display_name.strip()
        member.headline = data.headline.strip()
        member.organisation = data.organisation.strip()
        member.sector = data.sector
        member.region_id = data.region_id
        member.bio_source = data.bio
        member.bio_html = render_markdown(data.bio) if data.bio.strip() else ""
        member.offer_capacity = data.offer_capacity if data.offers else None
        member.expertise = list(data.expertise)
        member.offer_links = [MemberOffer(offer=o) for o in dict.fromkeys(data.offers)]
        _set_affiliations(member, data.affiliations)
        for name, level in data.visibility.items():
            if name in privacy.FIELDS:
                setattr(member, f"show_{name}", level)
        events.members_changed(member.id)
        if (member.display_name, member.region_id, member.show_region) != before:
            events.authors_changed(member.id)  # their threads carry the name and (if shown) the region too
    return member


def _set_affiliations(member: User, rows: list[tuple[int, int, str]]) -> None:
    """Keep the rows that stay (one row per program and year), so nothing is deleted and re-inserted."""
    wanted = {(p, y): c for p, y, c in rows}
    for affiliation in list(member.affiliations):
        key = (affiliation.program_id, affiliation.cohort_year)
        if key in wanted:
            affiliation.capacity = wanted.pop(key)
        else:
            member.affiliations.remove(affiliation)
    member.affiliations.extend(Affiliation(program_id=p, cohort_year=y, capacity=c) for (p, y), c in wanted.items())


def profile_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    programs = db.session.execute(select(Program.id, Program.name).order_by(Program.name)).all()
    regions = db.session.scalars(select(Region).options(joinedload(Region.parent)))
    labelled = sorted(((r.id, f"{r.parent.name} › {r.name}" if r.parent else r.name) for r in regions),
                      key=lambda pair: pair[1])
    return [tuple(p) for p in programs], labelled


# --- contact requests --------------------------------------------------------------------

def send_contact_request(*, sender: User, recipient: User, message: str, offer: str = "") -> ContactRequest:
    message = message.strip()
    if recipient.id == sender.id:
        raise ServiceError("That is your own profile.")
    if offer and offer not in Offer.ALL:
        raise ServiceError("Choose what you are asking for from the list.", field="offer")
    if len(message) < MESSAGE_MIN:
        raise ServiceError(f"Say a little more ({MESSAGE_MIN} characters at least) so they know why you write.",
                           field="message")
    if len(message) > ContactRequest.MAX_MESSAGE:
        raise ServiceError(f"Keep it under {ContactRequest.MAX_MESSAGE:,} characters.", field="message")
    if not flood.hit("contact", sender):  # one atomic count, once the request is valid and about to go
        raise ServiceError(flood.refusal("contact", sender), field="message")
    with transaction():
        request = ContactRequest(sender_id=sender.id, recipient_id=recipient.id, offer=offer, message=message)
        events.contact_sent(sender_id=sender.id, recipient_id=recipient.id)
        db.session.add(request)
    base = current_app.config["BASE_URL"].rstrip("/")
    about = f" about {Offer.LABELS[offer].lower()}" if offer else ""
    send_mail(recipient.email, f"{sender.display_name} would like to get in touch{about}",
              f"{sender.display_name} ({sender.headline or 'Exchange member'}) wrote to you on Exchange:\n\n"
              f"{message}\n\n"
              f"Their profile: {base}{url_for('members.profile', username=sender.username)}\n"
              f"Your inbox: {base}{url_for('members.inbox')}\n\n"
              "Reply to this email to answer them directly: it goes to their address.\n",
              reply_to=sender.email)
    return request


def inbox(user: User) -> list[ContactRequest]:
    """The requests a member received, newest first; reading the inbox marks them read."""
    requests = list(db.session.scalars(
        select(ContactRequest).options(joinedload(ContactRequest.sender))
        .where(ContactRequest.recipient_id == user.id).order_by(ContactRequest.created_at.desc()).limit(100)))
    unread = [r.id for r in requests if r.read_at is None]
    if unread:
        with transaction():
            for request in db.session.scalars(select(ContactRequest).where(ContactRequest.id.in_(unread))):
                request.read_at = utcnow()
        for request in requests:
            request.unread = request.id in unread
    return requests


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(ContactRequest).where(
        ContactRequest.recipient_id == user.id, ContactRequest.read_at.is_(None))) or 0


# --- regions ----------------------------------------------------------------------------

@dataclass
class RegionSummary:
    region: Region
    members: int
    top_tags: list[tuple[Tag, int]]
    practices: list[Thread]
    cities: list[Region] = field(default_factory=list)


def region_summaries(audience: Audience, *, per_region: int = 3) -> list[RegionSummary]:
    """Every metro region with its member count, top expertise and latest practices (four statements)."""
    metros = list(db.session.scalars(select(Region).options(selectinload(Region.children))
                                     .where(Region.parent_id.is_(None)).order_by(Region.name)))
    metro = metro_id()
    members = dict(db.session.execute(
        select(metro, func.count()).select_from(User).join(Region, Region.id == User.region_id)
        .where(User.listed_sql(), visible("region", audience)).group_by(metro)).all())
    tag_counts: dict[int, Counter] = defaultdict(Counter)
    tags: dict[int, Tag] = {}
    for region_id, tag, count in db.session.execute(
            select(metro, Tag, func.count()).select_from(User).join(Region, Region.id == User.region_id)
            .join(MemberExpertise, MemberExpertise.user_id == User.id).join(Tag, Tag.id == MemberExpertise.tag_id)
            .where(User.listed_sql(), visible("region", audience), visible("expertise", audience))
            .group_by(metro, Tag.id)).all():
        tags[tag.id] = tag
        tag_counts[region_id][tag.id] = count
    practices: dict[int, list[Thread]] = defaultdict(list)
    for region_id, thread in db.session.execute(
            select(metro, Thread).join(Practice, Practice.thread_id == Thread.id)
            .join(Region, Region.id == Practice.region_id)
            .where(Thread.listed_sql()).order_by(Practice.published_at.desc()).limit(400)).all():
        if len(practices[region_id]) < per_region:
            practices[region_id].append(thread)
    return [RegionSummary(m, members.get(m.id, 0),
                          [(tags[t], n) for t, n in tag_counts[m.id].most_common(3)],
                          practices[m.id], sorted(m.children, key=lambda c: c.name)) for m in metros]


@dataclass
class RegionWriting:
    practices: list[Thread]
    threads: list[Thread]


def region_writing(region_ids: list[int], audience: Audience, *, limit: int = 8) -> RegionWriting:
    """The latest practices and discussions by members of the region (one statement for both)."""
    order = case((Thread.kind == Thread.PRACTICE, Thread.created_at), else_=Thread.last_post_at).desc()
    ranked = (select(Thread.id, func.row_number().over(partition_by=Thread.kind, order_by=order).label("rank"))
              .join(User, User.id == Thread.author_id)
              .where(Thread.listed_sql(), User.listed_sql(), User.region_id.in_(region_ids),
                     visible("region", audience)).subquery())
    threads = list(db.session.scalars(
        select(Thread).options(joinedload(Thread.author)).join(ranked, ranked.c.id == Thread.id)
        .where(ranked.c.rank <= limit).order_by(order)))
    return RegionWriting([t for t in threads if t.is_practice], [t for t in threads if not t.is_practice])
