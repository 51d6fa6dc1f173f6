""""Download my data": one zip of everything a member gave Exchange, built by the worker.

The zip holds a README, profile.json, the member's writing as Markdown files named by date and title
and as JSON with ids and links, and a JSON file for each other thing (helpful marks, flags raised,
contact requests, notifications and watches, applications and openings, saved searches, the security
log). Other members appear only as what they chose to send the member (a contact request's name and
message), never their private fields. One export at a time and at most one a day; the file is kept
``EXPORT_DAYS`` days and then deleted.
"""
from __future__ import annotations

import json
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import func, or_, select

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import external_url, links_context, send_mail
from ..models import (Application, ContactRequest, DataExport, Flag, HelpfulMark, Notification, NotificationSetting,
                      Opportunity, OpportunityAlert, Post, Role, SecurityEvent, Thread, User, Watch, utcnow)
from ..talent import lists as talent_lists
from ..text import slugify
from . import security

EXPORT_DAYS = 7


def folder() -> Path:
    path = Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def request_export(user: User) -> DataExport:
    with transaction():
        recent = db.session.scalar(select(DataExport).where(DataExport.user_id == user.id)
                                   .order_by(DataExport.requested_at.desc()).limit(1))
        if recent is not None and recent.status == DataExport.QUEUED:
            raise ServiceError("Your export is being prepared: we'll email you when it is ready.")
        if recent is not None and recent.requested_at > utcnow() - timedelta(days=1):
            raise ServiceError("You can ask for one export a day; the last one was asked for less than a day ago.")
        export = DataExport(user_id=user.id)
        db.session.add(export)
        security.record(user, "export_requested")
    return export


def latest(user: User) -> DataExport | None:
    return db.session.scalar(select(DataExport).where(DataExport.user_id == user.id)
                             .order_by(DataExport.requested_at.desc()).limit(1))


def _iso(moment) -> str | None:
    return moment.isoformat() + "Z" if moment else None


def _profile(user: User) -> dict:
    talent = user.talent_profile
    return {
        "username": user.username, "email": user.email, "display_name": user.display_name, "role": user.role,
        "headline": user.headline, "organisation": user.organisation, "sector": user.sector,
        "region": user.region.name if user.region else None, "bio_markdown": user.bio_source,
        "joined": _iso(user.created_at), "approved": _iso(user.approved_at),
        "affiliations": [{"program": a.program.name, "cohort_year": a.cohort_year, "capacity": a.capacity}
                         for a in user.affiliations],
        "expertise": [t.name for t in user.expertise],
        "offers": [o.offer for o in user.offer_links], "offer_capacity": user.offer_capacity,
        "privacy": {field: getattr(user, f"show_{field}") for field in
                    ("headline", "organisation", "sector", "affiliations", "region", "bio", "expertise", "offers")},
        "talent_pool": None if talent is None else {
            "open": talent.is_open, "remote": talent.remote, "available_from": str(talent.available_from or ""),
            "note": talent.note, "seeking": {w: talent.sought(w) for w in ("kind", "level", "sector")},
            "regions": [r.name for r in talent.regions],
            "shared_with_employers": [f for f in ("headline", "organisation", "sector", "region", "affiliations",
                                                  "expertise", "bio") if talent.shares(f)]},
    }


def _writing(user: User) -> tuple[list[dict], dict[str, str]]:
    """(JSON rows, Markdown files by name) for every post the member wrote, drafts and held ones included."""
    rows, files = [], {}
    posts = db.session.execute(select(Post, Thread).join(Thread, Thread.id == Post.thread_id)
                               .where(Post.author_id == user.id).order_by(Post.id)).all()
    openers = dict(db.session.execute(select(Post.thread_id, Post.id).where(
        Post.thread_id.in_({t.id for _, t in posts}), Post.id.in_(
            select(func.min(Post.id)).group_by(Post.thread_id)))).all()) if posts else {}
    for post, thread in posts:
        opens = openers.get(thread.id) == post.id
        kind = ("practice" if thread.is_practice else "thread") if opens else "reply"
        title = thread.title if opens else f"Re {thread.title}"
        name = f"writing/{post.created_at:%Y-%m-%d}-{slugify(title)[:60] or 'post'}-{post.id}.md"
        url = external_url("threads.post", post_id=post.id)
        files[name] = f"# {title}\n\n{post.body_source}\n\n---\n{kind}, {_iso(post.created_at)}, {url}\n"
        rows.append({"id": post.id, "kind": kind, "thread_id": thread.id, "thread_title": thread.title,
                     "created_at": _iso(post.created_at), "edited_at": _iso(post.edited_at),
                     "status": "hidden" if post.is_hidden else post.review, "url": url, "file": name,
                     "markdown": post.body_source})
    return rows, files


def _rows(query, shape) -> list[dict]:
    return [shape(row) for row in db.session.scalars(query)]


def build(user: User) -> dict[str, bytes]:
    """Every file of the zip, by name."""
    writing, files = _writing(user)
    data = {
        "profile.json": _profile(user),
        "writing.json": writing,
        "helpful_marks.json": _rows(select(HelpfulMark).where(HelpfulMark.user_id == user.id), lambda m: {
            "practice_id": m.thread_id, "practice": m.thread.title, "marked_at": _iso(m.created_at)}),
        "flags.json": _rows(select(Flag).where(Flag.user_id == user.id), lambda f: {
            "post_id": f.post_id, "reason": f.reason, "note": f.note, "at": _iso(f.created_at),
            "resolution": f.resolution}),
        "contact_requests.json": _rows(
            select(ContactRequest).where(or_(ContactRequest.sender_id == user.id, ContactRequest.recipient_id == user.id))
            .order_by(ContactRequest.created_at), lambda c: {
                "direction": "sent" if c.sender_id == user.id else "received",
                "with": (c.recipient if c.sender_id == user.id else c.sender).display_name,
                "about": c.offer, "message": c.message, "at": _iso(c.created_at)}),
        "notifications.json": _rows(select(Notification).where(Notification.user_id == user.id)
                                    .order_by(Notification.id), lambda n: {
            "kind": n.kind, "thread_id": n.thread_id, "post_id": n.post_id, "opening_id": n.opportunity_id,
            "text": n.text, "at": _iso(n.created_at), "read_at": _iso(n.read_at)}),
        "watches.json": _rows(select(Watch).where(Watch.user_id == user.id), lambda w: {
            "what": w.target_type, "id": w.target_id, "level": w.level}),
        "notification_settings.json": _rows(select(NotificationSetting).where(NotificationSetting.user_id == user.id),
                                            lambda s: {"kind": s.kind, "email": s.delivery}),
        "applications.json": _rows(select(Application).where(Application.applicant_id == user.id), lambda a: {
            "opening_id": a.opportunity_id, "opening": a.opportunity.title, "note": a.note, "sent": a.shared,
            "status": a.status, "at": _iso(a.created_at)}),
        "opportunities.json": _rows(select(Opportunity).where(Opportunity.poster_id == user.id), lambda o: {
            "id": o.id, "title": o.title, "organisation": o.organisation, "status": o.status,
            "description_markdown": o.body_source, "closes_on": str(o.closes_on),
            "url": external_url("opportunities.opening", opening_id=o.id)}),
        "saved_searches.json": _rows(select(OpportunityAlert).where(OpportunityAlert.user_id == user.id), lambda a: {
            "search": a.label, "query": a.query}),
        "talent_lists.json": talent_lists.export_rows(user) if user.role == Role.EMPLOYER else [],
        "security_log.json": _rows(select(SecurityEvent).where(SecurityEvent.user_id == user.id)
                                   .order_by(SecurityEvent.id), lambda e: {
            "what": e.label, "at": _iso(e.created_at), "from": e.ip_prefix}),
    }
    out = {name: json.dumps(value, indent=2, ensure_ascii=False).encode() for name, value in data.items()}
    out.update({name: text.encode() for name, text in files.items()})
    out["README.txt"] = render_template("account/export_readme.txt", user=user, files=sorted(out)).encode()
    return out


def build_due(limit: int = 5) -> int:
    """The worker: build queued exports, mail their members. Returns how many were built."""
    built = 0
    for export_id in list(db.session.scalars(select(DataExport.id).where(DataExport.status == DataExport.QUEUED)
                                             .order_by(DataExport.id).limit(limit))):
        with links_context():
            export = db.session.get(DataExport, export_id)
            user = db.session.get(User, export.user_id)
            files = build(user)
            name = f"exchange-{user.username}-{export.id}-{secrets.token_hex(8)}.zip"
            path = folder() / name
            with zipfile.ZipFile(path.with_suffix(".tmp"), "w", zipfile.ZIP_DEFLATED) as archive:
                for file_name, content in sorted(files.items()):
                    archive.writestr(file_name, content)
            path.with_suffix(".tmp").replace(path)
            with transaction():
                export = db.session.get(DataExport, export_id)
                export.status, export.filename, export.size = DataExport.READY, name, path.stat().st_size
                export.ready_at, export.expires_at = utcnow(), utcnow() + timedelta(days=EXPORT_DAYS)
                send_mail(user.email, "Your Exchange data is ready",
                          f"The export you asked for is ready. Download it while signed in (the link works for "
                          f"{EXPORT_DAYS} days): {external_url('account.download_export', export_id=export_id)}\n")
        built += 1
    return built


def expire_old() -> int:
    expired = 0
    with transaction():
        for export in db.session.scalars(select(DataExport).where(DataExport.status == DataExport.READY,
                                                                  DataExport.expires_at < utcnow())):
            (folder() / export.filename).unlink(missing_ok=True)
            export.status = DataExport.EXPIRED
            expired += 1
    return expired


def downloadable(user: User, export_id: int) -> Path | None:
    export = db.session.get(DataExport, export_id)
    if (export is None or export.user_id != user.id or export.status != DataExport.READY
            or export.expires_at < utcnow()):
        return None
    path = folder() / export.filename
    return path if path.exists() else None
