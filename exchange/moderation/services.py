"""Moderator actions. Each one validates, acts, and logs in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from .. import permissions
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import send_mail
from ..fragments import cached
from ..models import Affiliation, Category, Flag, ModerationLog, Post, Status, TagProposal, Thread, User, utcnow
from ..search import outbox as search
from ..threads import services as threads


def log_moderation(actor: User | None, action: str, target, *, label: str = "", reason: str = "") -> None:
    """Append one row to the moderation log; call inside the action's transaction."""
    db.session.add(ModerationLog(
        actor_id=actor.id if actor else None, action=action,
        target_type=type(target).__name__.lower(), target_id=target.id,
        target_label=label[:200], reason=reason,
    ))


def moderator_edit(editor: User | None, author_id: int, reason: str) -> str:
    """The reason for an edit of someone else's words, required and checked; "" for an author's own edit.

    Threads and practices both ask this before saving; the caller logs the edit when it is a moderator's.
    """
    if editor is None or not permissions.edit_needs_reason(editor, author_id):
        return ""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why you are changing this member's words: they and other moderators see it.",
                           field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"Keep the reason under {REASON_MAX} characters.", field="reason")
    return reason


def pending_members() -> list[User]:
    return list(db.session.scalars(
        select(User).options(joinedload(User.region),
                             selectinload(User.affiliations).joinedload(Affiliation.program))
        .where(User.status == Status.PENDING).order_by(User.created_at)
    ))


def approve_member(*, moderator: User, member: User, reason: str = "") -> User:
    if member.status != Status.PENDING:
        raise ServiceError(f"{member.display_name} is not waiting for approval.")
    with transaction():
        member.status = Status.ACTIVE
        member.approved_at = utcnow()
        search.queue_members(member.id)
        log_moderation(moderator, "approve_member", member, label=member.username, reason=reason.strip())
    send_mail(member.email, "Your Exchange account is approved",
              "Welcome to Exchange! A moderator approved your account; you can sign in now.\n")
    return member


def reject_member(*, moderator: User, member: User, reason: str = "") -> User:
    if member.status != Status.PENDING:
        raise ServiceError(f"{member.display_name} is not waiting for approval.")
    with transaction():
        member.status = Status.REJECTED
        log_moderation(moderator, "reject_member", member, label=member.username, reason=reason)
    return member


def set_thread_locked(*, moderator: User, thread: Thread, locked: bool, reason: str = "") -> Thread:
    with transaction():
        thread.is_locked = locked
        log_moderation(moderator, "lock_thread" if locked else "unlock_thread", thread,
                       label=thread.title, reason=reason)
    return thread


@dataclass(frozen=True)
class LogFilters:
    """What /mod/log narrows to; every field optional and combinable."""
    action: str = ""
    actor: str = ""            # a username, or "system" for automatic actions
    target_type: str = ""      # post, thread, user, tag, collection…
    target_id: int | None = None
    after: date | None = None  # inclusive days
    before: date | None = None

    def as_args(self) -> dict:
        """The filters as query-string arguments (for the pager's links)."""
        values = {"action": self.action, "who": self.actor, "target": self.target_type,
                  "id": self.target_id, "after": self.after, "before": self.before}
        return {k: str(v) for k, v in values.items() if v}


def moderation_log(filters: LogFilters = LogFilters(), *, page: int = 1,
                   per_page: int = 50) -> tuple[list[ModerationLog], bool]:
    query = (select(ModerationLog).options(joinedload(ModerationLog.actor))
             .order_by(ModerationLog.id.desc()).offset((page - 1) * per_page).limit(per_page + 1))
    if filters.action:
        query = query.where(ModerationLog.action == filters.action)
    if filters.actor == "system":
        query = query.where(ModerationLog.actor_id.is_(None))
    elif filters.actor:
        query = query.join(ModerationLog.actor).where(func.lower(User.username) == filters.actor.lower())
    if filters.target_type:
        query = query.where(ModerationLog.target_type == filters.target_type)
    if filters.target_id:
        query = query.where(ModerationLog.target_id == filters.target_id)
    if filters.after:
        query = query.where(ModerationLog.created_at >= datetime.combine(filters.after, time.min))
    if filters.before:
        query = query.where(ModerationLog.created_at < datetime.combine(filters.before + timedelta(days=1), time.min))
    rows = list(db.session.scalars(query))
    return rows[:per_page], len(rows) > per_page


def log_target_types() -> list[str]:
    return list(db.session.scalars(select(ModerationLog.target_type).distinct().order_by(ModerationLog.target_type)))


def log_actions() -> list[str]:
    return list(db.session.scalars(select(ModerationLog.action).distinct().order_by(ModerationLog.action)))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_thread(thread_id: int) -> Thread | None:
    return db.session.get(Thread, thread_id)


# --- flags and hidden posts -------------------------------------------------------------------

NOTE_MAX = 500
REASON_MAX = 500
AUTO_HIDDEN = f"Hidden automatically: flagged by {Flag.AUTO_HIDE_AT} members; awaiting review."


def _post_label(post: Post) -> str:
    return f"in “{post.thread.title}”"


def _open_flags(post_id: int) -> list[Flag]:
    return list(db.session.scalars(select(Flag).where(Flag.post_id == post_id, Flag.resolved_at.is_(None))))


def flag_post(*, member: User, post: Post, reason: str, note: str = "") -> Flag:
    """A member's report; the third distinct member's open flag hides the post until a moderator decides."""
    if reason not in Flag.REASONS:
        raise ServiceError("Choose why the post needs a moderator.", field="reason")
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Keep the note under {NOTE_MAX} characters.", field="note")
    if post.author_id == member.id:
        raise ServiceError("That is your own post: edit it instead.")
    with transaction():
        post = db.session.merge(post)
        flag = db.session.scalar(select(Flag).where(Flag.post_id == post.id, Flag.user_id == member.id))
        if flag is None:
            flag = Flag(post_id=post.id, user_id=member.id)
            db.session.add(flag)
        flag.reason, flag.note, flag.resolved_at, flag.resolution = reason, note.strip(), None, ""
        flag.created_at = utcnow()
        db.session.flush()
        if not post.is_hidden and len(_open_flags(post.id)) >= Flag.AUTO_HIDE_AT:
            _hide(post, AUTO_HIDDEN)
            log_moderation(None, "auto_hide_post", post, label=_post_label(post),
                           reason=f"{Flag.AUTO_HIDE_AT} flags")
    return flag


def _hide(post: Post, reason: str) -> None:
    """Hide a post; a hidden opening post takes its thread out of every list (its title is part of it)."""
    post.is_hidden, post.hidden_reason, post.hidden_at = True, reason, utcnow()
    thread = post.thread
    if thread.status == Thread.PUBLISHED and threads.opening_post_id(thread.id) == post.id:
        thread.status = Thread.HIDDEN
        db.session.execute(update(Category).where(Category.id == thread.category_id)
                           .values(thread_count=Category.thread_count - 1))
    search.queue_threads(post.thread_id)


def _show(post: Post) -> None:
    """The reverse of ``_hide``: the post, and a thread it opens, are back."""
    post.is_hidden, post.hidden_reason, post.hidden_at = False, "", None
    thread = post.thread
    if thread.status == Thread.HIDDEN and threads.opening_post_id(thread.id) == post.id:
        thread.status = Thread.PUBLISHED
        db.session.execute(update(Category).where(Category.id == thread.category_id)
                           .values(thread_count=Category.thread_count + 1))
    search.queue_threads(post.thread_id)


def _resolve_flags(post_id: int, resolution: str) -> None:
    for flag in _open_flags(post_id):
        flag.resolved_at, flag.resolution = utcnow(), resolution


def hide_post(*, moderator: User, post: Post, reason: str) -> Post:
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the post is hidden: its author and other moderators see it.", field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"Keep the reason under {REASON_MAX} characters.", field="reason")
    with transaction():
        post = db.session.merge(post)
        _hide(post, reason)
        _resolve_flags(post.id, "hidden")
        log_moderation(moderator, "hide_post", post, label=_post_label(post), reason=reason)
    return post


def unhide_post(*, moderator: User, post: Post, reason: str = "") -> Post:
    if not post.is_hidden:
        raise ServiceError("That post is not hidden.")
    with transaction():
        post = db.session.merge(post)
        _show(post)
        _resolve_flags(post.id, "dismissed")
        log_moderation(moderator, "unhide_post", post, label=_post_label(post), reason=reason.strip())
    return post


def dismiss_flags(*, moderator: User, post: Post, reason: str = "") -> Post:
    """The post is fine: close its flags (and show it again if the flags had hidden it)."""
    if not _open_flags(post.id):
        raise ServiceError("That post has no open flags: someone may have decided it already.")
    with transaction():
        post = db.session.merge(post)
        if post.is_hidden and post.hidden_reason == AUTO_HIDDEN:
            _show(post)
        _resolve_flags(post.id, "dismissed")
        log_moderation(moderator, "dismiss_flags", post, label=_post_label(post), reason=reason.strip())
    return post


@dataclass
class FlaggedPost:
    post: Post
    flags: list[Flag]


def flagged_posts(*, scope: frozenset[int] | None = None, limit: int = 50) -> list[FlaggedPost]:
    """Posts with open flags, most flagged first, with their flags; within a scoped moderator's categories."""
    query = (select(Flag).options(joinedload(Flag.user), joinedload(Flag.post).joinedload(Post.thread),
                                  joinedload(Flag.post).joinedload(Post.author))
             .where(Flag.resolved_at.is_(None)).order_by(Flag.created_at))
    if scope is not None:
        query = query.where(Flag.post_id.in_(select(Post.id).join(Post.thread).where(Thread.category_id.in_(scope))))
    flags = list(db.session.scalars(query))
    by_post: dict[int, FlaggedPost] = {}
    for flag in flags:
        by_post.setdefault(flag.post_id, FlaggedPost(flag.post, [])).flags.append(flag)
    return sorted(by_post.values(), key=lambda f: (-len(f.flags), f.flags[0].created_at))[:limit]


def open_flag_count() -> int:
    return db.session.scalar(select(func.count(func.distinct(Flag.post_id))).where(Flag.resolved_at.is_(None))) or 0


def get_post(post_id: int) -> Post | None:
    return db.session.scalar(select(Post).options(joinedload(Post.thread), joinedload(Post.author))
                             .where(Post.id == post_id))


# --- suspensions ---------------------------------------------------------------------------------

def suspend_member(*, moderator: User, member: User, reason: str, until: datetime | None = None) -> User:
    """The member is signed out at their next request, cannot sign in, and leaves the directory and search."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why: the member is told, and other moderators see it in the log.", field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"Keep the reason under {REASON_MAX} characters.", field="reason")
    if until is not None and until <= utcnow():
        raise ServiceError("The end of a suspension must be in the future.", field="until")
    if member.status != Status.ACTIVE:
        raise ServiceError(f"{member.display_name} is not an active member.")
    with transaction():
        member = db.session.merge(member)
        member.status, member.suspension_reason, member.suspended_until = Status.SUSPENDED, reason, until
        search.queue_members(member.id)
        ending = f" until {until:%Y-%m-%d}" if until else ""
        log_moderation(moderator, "suspend_member", member, label=member.username, reason=reason + ending)
    send_mail(member.email, "Your Exchange account is suspended",
              f"A moderator suspended your Exchange account{ending}.\n\nReason: {reason}\n\n"
              "If you think this is a mistake, reply to this message.\n")
    return member


def _reinstate(member: User) -> None:
    member.status, member.suspension_reason, member.suspended_until = Status.ACTIVE, "", None
    search.queue_members(member.id)


def reinstate_member(*, moderator: User, member: User, reason: str = "") -> User:
    if member.status != Status.SUSPENDED:
        raise ServiceError(f"{member.display_name} is not suspended.")
    with transaction():
        member = db.session.merge(member)
        _reinstate(member)
        log_moderation(moderator, "reinstate_member", member, label=member.username, reason=reason.strip())
    return member


def lift_expired_suspensions() -> int:
    """Suspensions whose end has passed are lifted (logged as the system's action)."""
    due = select(User.id).where(User.status == Status.SUSPENDED, User.suspended_until.is_not(None),
                                User.suspended_until <= utcnow())
    if db.session.scalar(select(func.count()).select_from(due.subquery())) == 0:
        return 0
    with transaction():
        members = list(db.session.scalars(select(User).where(User.id.in_(due))))
        for member in members:
            _reinstate(member)
            log_moderation(None, "suspension_ended", member, label=member.username)
    return len(members)


def queue_count(scope: frozenset[int] | None = None) -> int:
    """Everything awaiting this moderator (for the header): cached per scope until anything changes.

    A scoped moderator counts flags and held posts in their categories; the site-wide items
    (registrations, tag proposals, practices to refresh) are for unscoped moderators.
    """
    from .refresh import stale_count

    def in_scope(query):
        if scope is None:
            return query
        return query.where(Post.thread_id.in_(select(Thread.id).where(Thread.category_id.in_(scope))))

    def count() -> int:
        flagged = in_scope(select(func.count(func.distinct(Flag.post_id))).join(Flag.post)
                           .where(Flag.resolved_at.is_(None))).scalar_subquery()
        held = in_scope(select(func.count()).select_from(Post)
                        .where(Post.not_shown_sql(), Post.review == Post.HELD)).scalar_subquery()
        total = flagged + held
        if scope is None:
            pending = select(func.count()).select_from(User).where(User.status == Status.PENDING).scalar_subquery()
            proposals = (select(func.count()).select_from(TagProposal)
                         .where(TagProposal.status == TagProposal.PENDING).scalar_subquery())
            total = total + pending + proposals + stale_count()
        return db.session.scalar(select(total)) or 0

    return cached("moderation-queue-count", ",".join(map(str, sorted(scope))) if scope else "all",
                  compute=count)  # not timeless: practices go stale with time alone


def roster_matches(members: list[User]) -> dict[int, User]:
    """For pending registrations: a roster-made (invited) account with the same name, if any."""
    names = {m.display_name.strip().lower(): m.id for m in members}
    if not names:
        return {}
    invited = db.session.scalars(
        select(User).options(joinedload(User.region),
                             selectinload(User.affiliations).joinedload(Affiliation.program))
        .where(User.status == Status.INVITED, func.lower(User.display_name).in_(names)))
    return {names[u.display_name.strip().lower()]: u for u in invited}


def move_thread(*, moderator: User, thread: Thread, category: Category, reason: str = "") -> Thread:
    if thread.category_id == category.id:
        raise ServiceError(f"The thread is already in {category.name}.")
    with transaction():
        thread = db.session.merge(thread)
        source = db.session.get(Category, thread.category_id)
        if thread.status == Thread.PUBLISHED:
            source.thread_count -= 1
            db.session.merge(category).thread_count += 1
        thread.category_id = category.id
        search.queue_threads(thread.id)
        log_moderation(moderator, "move_thread", thread, label=thread.title,
                       reason=f"{source.name} → {category.name}" + (f": {reason.strip()}" if reason.strip() else ""))
    return thread


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def get_category(category_id: int) -> Category | None:
    return db.session.get(Category, category_id)


# --- pins and merges -----------------------------------------------------------------------------

PIN_LABELS = {Thread.PIN_CATEGORY: "its category", Thread.PIN_GLOBAL: "every list"}


def pin_thread(*, moderator: User, thread: Thread, where: str, reason: str = "") -> Thread:
    """Pinned threads head their category's list (``PIN_CATEGORY``) or every list (``PIN_GLOBAL``)."""
    if where not in PIN_LABELS:
        raise ServiceError("Choose where to pin the thread: its category or every list.")
    if thread.status != Thread.PUBLISHED:
        raise ServiceError("Only a published thread can be pinned.")
    with transaction():
        thread = db.session.merge(thread)
        thread.pinned, thread.pinned_at = where, utcnow()
        log_moderation(moderator, "pin_thread", thread, label=thread.title,
                       reason=f"pinned to {PIN_LABELS[where]}" + (f": {reason.strip()}" if reason.strip() else ""))
    return thread


def unpin_thread(*, moderator: User, thread: Thread, reason: str = "") -> Thread:
    if not thread.pinned:
        raise ServiceError("That thread is not pinned.")
    with transaction():
        thread = db.session.merge(thread)
        thread.pinned, thread.pinned_at = "", None
        log_moderation(moderator, "unpin_thread", thread, label=thread.title, reason=reason.strip())
    return thread


def merge_thread(*, moderator: User, source: Thread, target: Thread, reason: str = "") -> Thread:
    """Fold a duplicate into another thread: its posts move (in date order among the target's), its
    URL redirects there, and it leaves every list and the search index. Nothing is deleted."""
    if source.id == target.id:
        raise ServiceError("Choose a different thread to merge into.", field="target")
    if source.status != Thread.PUBLISHED or target.status != Thread.PUBLISHED:
        raise ServiceError("Both threads must be published.", field="target")
    if source.is_practice:
        raise ServiceError("A practice's write-up cannot be merged into another thread: move the discussion "
                           "the other way.", field="target")
    if (threads.opening_post_id(source.id) or 0) < (threads.opening_post_id(target.id) or 0):
        # Posts keep their order by id, so an older duplicate's opening post would open the target.
        raise ServiceError(f"“{target.title}” is newer than this thread: merge it into this one instead, "
                           "so the older thread keeps its opening post first.", field="target")
    with transaction():
        source, target = db.session.merge(source), db.session.merge(target)
        moved = db.session.execute(update(Post).where(Post.thread_id == source.id).values(thread_id=target.id)
                                   .execution_options(synchronize_session=False)).rowcount
        target.post_count += source.post_count
        if source.last_post_at > target.last_post_at:
            target.last_post_at, target.last_poster_id = source.last_post_at, source.last_poster_id
        source.status, source.merged_into_id, source.post_count, source.pinned = Thread.MERGED, target.id, 0, ""
        db.session.get(Category, source.category_id).thread_count -= 1
        search.queue_threads(source.id, target.id)
        log_moderation(moderator, "merge_thread", source, label=f"{source.title} → {target.title}",
                       reason=f"{moved} posts moved" + (f": {reason.strip()}" if reason.strip() else ""))
    return target


def merged_destination(thread: Thread) -> Thread | None:
    """Where a merged thread's readers go (following later merges too)."""
    seen = set()
    while thread is not None and thread.status == Thread.MERGED and thread.id not in seen:
        seen.add(thread.id)
        thread = db.session.get(Thread, thread.merged_into_id)
    return thread
