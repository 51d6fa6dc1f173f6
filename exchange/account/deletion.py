"""Leaving Exchange: a member asks, leaves every list at once, and is erased after a grace period
(cancelled by signing in again). Erasing is one transaction and can run twice harmlessly.

What erasing does: the profile, programs, expertise, offers, sessions, tokens, contact requests,
notifications, watches, talent pool settings, applications, saved searches, exports and the security
log are deleted; the account row stays as a nameless "Former member" that their posts still point to
(no name, link or avatar), and posts that mentioned them are rendered again, so the mention no longer
links. The moderation log keeps its rows; rows about the member are relabelled "former member #N".
A member may also choose to erase the threads they started that nobody answered.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_, select, update

from .. import events
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import external_url, send_mail
from ..markup import render_markdown
from ..models import (AccountToken, Affiliation, Application, ContactRequest, DataExport, DeletionRequest,
                      EmployerProfile, MemberExpertise, MemberOffer, MemberPreference, ModerationLog, Notification,
                      NotificationSetting, OpportunityAlert, Post, SecurityEvent, Status, TalentBlock, TalentList,
                      TalentListEntry, TalentProfile, TalentView, Thread, ThreadRead, User, UserSession, Watch, utcnow)
from ..moderation.log import log_moderation
from ..passwords import verify_password
from ..threads import status
from . import export, security, sessions

GRACE_DAYS = 7
FORMER = "Former member"
ERASED_TEXT = "*Erased by its author.*"


def request_deletion(*, user: User, password: str, erase_unanswered_posts: bool) -> DeletionRequest:
    if not password or not verify_password(user.password_hash, password):
        raise ServiceError("That is not your current password.", field="current_password")
    with transaction():
        member = db.session.get(User, user.id)
        request = db.session.get(DeletionRequest, member.id) or DeletionRequest(user_id=member.id)
        request.requested_at, request.erase_after = utcnow(), utcnow() + timedelta(days=GRACE_DAYS)
        request.erase_unanswered_posts = erase_unanswered_posts
        db.session.add(request)
        member.status = Status.LEAVING           # out of the directory, search, region pages at once
        sessions.end_all(member)
        security.record(member, "deletion_requested")
        events.members_changed(member.id)
        events.authors_changed(member.id)
        send_mail(member.email, "Your Exchange account will be deleted",
                  f"You asked to delete your Exchange account. It will be erased on "
                  f"{request.erase_after:%-d %B %Y}. Until then, signing in cancels it: "
                  f"{external_url('auth.login')}\n")
    return request


def cancel_if_leaving(user: User) -> bool:
    """Signing in during the grace period cancels the deletion; True when it did."""
    if user.status != Status.LEAVING:
        return False
    with transaction():
        member = db.session.get(User, user.id)
        db.session.execute(delete(DeletionRequest).where(DeletionRequest.user_id == member.id))
        member.status = Status.ACTIVE
        security.record(member, "deletion_cancelled")
        events.members_changed(member.id)
        events.authors_changed(member.id)
    return True


def _erase_unanswered_threads(user_id: int) -> None:
    for thread in db.session.scalars(select(Thread).where(Thread.author_id == user_id, Thread.post_count <= 1)):
        for post in db.session.scalars(select(Post).where(Post.thread_id == thread.id)):
            post.body_source, post.body_html = ERASED_TEXT, render_markdown(ERASED_TEXT)
        thread.title = "Erased by its author"
        status.set_status(thread, Thread.HIDDEN)


def _unlink_mentions(username: str) -> None:
    """Posts that mentioned the member are rendered again: the name no longer resolves, so no link."""
    pattern = f"%@{username}%"
    for post in db.session.scalars(select(Post).where(Post.body_source.ilike(pattern))):
        post.body_html = render_markdown(post.body_source)
        events.threads_changed(post.thread_id)


def erase(user_id: int, *, actor: User | None = None, erase_unanswered_posts: bool | None = None) -> bool:
    """Erase one account now (the worker after the grace period, or an admin); False if already erased."""
    with transaction():
        member = db.session.get(User, user_id)
        if member is None or member.status == Status.ERASED:
            return False
        request = db.session.get(DeletionRequest, user_id)
        unanswered = erase_unanswered_posts if erase_unanswered_posts is not None else bool(
            request and request.erase_unanswered_posts)
        old_username = member.username
        db.session.execute(delete(TalentListEntry).where(TalentListEntry.list_id.in_(  # an employer's own lists
            select(TalentList.id).where(TalentList.employer_id == user_id))))
        for model, column in ((Affiliation, Affiliation.user_id), (MemberExpertise, MemberExpertise.user_id),
                              (MemberOffer, MemberOffer.user_id), (UserSession, UserSession.user_id),
                              (AccountToken, AccountToken.user_id), (Notification, Notification.user_id),
                              (Watch, Watch.user_id), (NotificationSetting, NotificationSetting.user_id),
                              (MemberPreference, MemberPreference.user_id), (ThreadRead, ThreadRead.user_id),
                              (OpportunityAlert, OpportunityAlert.user_id), (Application, Application.applicant_id),
                              (SecurityEvent, SecurityEvent.user_id), (TalentBlock, TalentBlock.member_id),
                              (TalentView, TalentView.member_id), (TalentProfile, TalentProfile.user_id),
                              (TalentListEntry, TalentListEntry.member_id), (TalentList, TalentList.employer_id),
                              (EmployerProfile, EmployerProfile.user_id), (DeletionRequest, DeletionRequest.user_id)):
            db.session.execute(delete(model).where(column == user_id))
        db.session.execute(delete(ContactRequest).where(or_(ContactRequest.sender_id == user_id,
                                                            ContactRequest.recipient_id == user_id)))
        db.session.execute(delete(AccountToken).where(AccountToken.email == member.email))
        for old in db.session.scalars(select(DataExport).where(DataExport.user_id == user_id)):
            if old.filename:
                (export.folder() / old.filename).unlink(missing_ok=True)
            db.session.delete(old)
        db.session.execute(update(Notification).where(Notification.actor_id == user_id).values(actor_id=None))
        db.session.execute(update(ModerationLog).where(ModerationLog.target_type == "user",
                                                       ModerationLog.target_id == user_id)
                           .values(target_label=f"former member #{user_id}"))
        member.display_name, member.username = FORMER, f"former-{user_id}"
        member.email, member.password_hash = f"erased-{user_id}@erased.invalid", "!"
        member.headline = member.organisation = member.sector = member.registration_note = ""
        member.bio_source = member.bio_html = member.suspension_reason = ""
        member.region_id, member.offer_capacity, member.status = None, None, Status.ERASED
        member.session_epoch = (member.session_epoch or 0) + 1
        if unanswered:
            _erase_unanswered_threads(user_id)
        _unlink_mentions(old_username)
        log_moderation(actor, "erase member", member, label=f"former member #{user_id}")
        events.members_changed(user_id)
        events.authors_changed(user_id)
    return True


def erase_due() -> int:
    """The worker: erase every account whose grace period is over."""
    due = list(db.session.scalars(select(DeletionRequest.user_id).where(DeletionRequest.erase_after <= utcnow())))
    return sum(erase(user_id) for user_id in due)


def pending(user: User) -> DeletionRequest | None:
    return db.session.get(DeletionRequest, user.id)
