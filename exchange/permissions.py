"""Every permission rule, as a named function of explicit objects.

``can_*`` answer yes/no for views and templates alike; ``require_*`` abort with 403
(and a human message), or 404 when the user must not learn that the object exists.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from .htmx import hx_redirect, is_htmx, vary_on_htmx
from .models import Category, Post, Role, Status, Thread, User


def is_member(user: User) -> bool:
    """An active member. Employer accounts never are: every member page answers them as a stranger."""
    return bool(user and user.is_authenticated and user.status == Status.ACTIVE and user.role != Role.EMPLOYER)


def is_employer(user: User) -> bool:
    """An approved employer account (an organisation's recruiter)."""
    return bool(user and user.is_authenticated and user.status == Status.ACTIVE and user.role == Role.EMPLOYER)


def can_use_talent_pool(user: User) -> bool:
    """Searching the pool and opening its cards: approved employers and moderators."""
    return is_employer(user) or can_moderate(user)


def can_contact_from_pool(user: User) -> bool:
    """Writing to a pool member is for employers; moderators have the member's profile for that."""
    return is_employer(user)


def can_moderate(user: User) -> bool:
    """Opens the moderation tools at all (a scoped moderator included)."""
    return is_member(user) and user.is_moderator


def moderated_category_ids(user: User) -> frozenset[int] | None:
    """The categories a scoped moderator moderates; None means every category (admins, unscoped moderators)."""
    if not can_moderate(user) or user.is_admin:
        return None
    return frozenset(c.id for c in user.moderated_categories) or None


def moderated_categories(user: User) -> list[Category]:
    """The categories of a scoped moderator, to name them; [] for everyone else (every category, or none)."""
    scope = moderated_category_ids(user)
    return [] if scope is None else list(user.moderated_categories)


def moderates_everywhere(user: User) -> bool:
    """Site-wide duties (registrations, tags, suspensions, curation) belong to unscoped moderators and admins."""
    return can_moderate(user) and moderated_category_ids(user) is None


def can_moderate_category(user: User, category_id: int) -> bool:
    if not can_moderate(user):
        return False
    scope = moderated_category_ids(user)
    return scope is None or category_id in scope


def can_moderate_thread(user: User, thread: Thread) -> bool:
    return can_moderate_category(user, thread.category_id)


def can_manage_roles(user: User) -> bool:
    return is_member(user) and user.is_admin


def can_curate(user: User) -> bool:
    """Featuring practices and building collections."""
    return moderates_everywhere(user)


def can_read_forum(user: User) -> bool:
    return is_member(user)


def can_start_thread(user: User) -> bool:
    return is_member(user)


def can_reply(user: User, thread: Thread) -> bool:
    if not is_member(user) or not thread.is_listed:
        return False
    return not thread.is_locked or can_moderate_thread(user, thread)


def can_edit_post(user: User, post: Post) -> bool:
    if not is_member(user):
        return False
    return post.author_id == user.id or can_moderate_thread(user, post.thread)


def edit_needs_reason(user: User, author_id: int) -> bool:
    """A moderator changing someone else's words says why (it is logged and shown on the post)."""
    return author_id != user.id


def can_suspend(user: User, member: User) -> bool:
    """Moderators suspend members; only admins suspend moderators; nobody suspends themselves."""
    if not moderates_everywhere(user) or user.id == member.id:
        return False
    return member.role == Role.MEMBER or user.is_admin


def can_flag(user: User, post: Post) -> bool:
    """Members flag other members' posts that are still shown (moderators act directly instead)."""
    return (is_member(user) and post.author_id != user.id and not post.is_hidden and not post.is_held
            and not can_moderate_thread(user, post.thread))


def can_see_hidden_text(user: User, post: Post) -> bool:
    """A hidden post shows a placeholder; moderators read the text (and its author, to know why)."""
    return can_moderate_thread(user, post.thread) or (is_member(user) and post.author_id == user.id)


def can_view_thread(user: User, thread: Thread) -> bool:
    """Drafts are seen by their author alone; held, rejected and hidden threads by their author
    and its moderators; everything else by every member."""
    if not is_member(user):
        return False
    if thread.is_draft:
        return thread.author_id == user.id
    if thread.status in (Thread.HELD, Thread.REJECTED, Thread.HIDDEN):
        return thread.author_id == user.id or can_moderate_thread(user, thread)
    return True


def can_view_post(user: User, post: Post) -> bool:
    """A held or rejected post is seen by its author and the thread's moderators alone."""
    if not can_view_thread(user, post.thread):
        return False
    return post.review == Post.SHOWN or post.author_id == user.id or can_moderate_thread(user, post.thread)


def can_edit_practice(user: User, thread: Thread) -> bool:
    return is_member(user) and (thread.author_id == user.id or can_moderate_thread(user, thread))


def can_file_in_category(user: User, thread: Thread, category_id: int) -> bool:
    """An author files their own practice anywhere; a moderator moves someone else's only into a
    category they moderate (as a thread move would require)."""
    if category_id == thread.category_id or thread.author_id == user.id:
        return is_member(user)
    return can_moderate_category(user, category_id)


def can_publish_practice(user: User, thread: Thread) -> bool:
    return thread.is_draft and is_member(user) and thread.author_id == user.id


def can_promote(user: User, thread: Thread, post: Post) -> bool:
    """A discussion's author or a moderator can turn it (or one reply) into a practice."""
    if not is_member(user) or thread.is_practice or not thread.is_listed or post.thread_id != thread.id:
        return False
    return thread.author_id == user.id or can_moderate_thread(user, thread)


def can_mark_helpful(user: User, thread: Thread) -> bool:
    # Drafts and practices waiting for (or refused by) a moderator are not in the library yet.
    return is_member(user) and thread.is_practice and thread.status not in (Thread.DRAFT, Thread.HELD, Thread.REJECTED)


def can_edit_profile(user: User, member: User) -> bool:
    """Members edit their own profile; moderators' edits with a recorded reason come with moderation."""
    return is_member(user) and user.id == member.id


def can_contact(user: User, member: User) -> bool:
    return is_member(user) and user.id != member.id and member.status == Status.ACTIVE


def post_controls_signature(user: User, thread: Thread, page_authors) -> str:
    """Which controls (edit, promote) a viewer gets on a page of posts, as a cache key.

    Mirrors can_edit_post and can_promote: moderators get every control; the thread's author
    and members with a post on the page get their own; everyone else gets none.
    ``page_authors`` is called only when the answer depends on it.
    """
    if can_moderate_thread(user, thread):
        return "moderator"
    if user.id == thread.author_id or user.id in page_authors():
        return f"member-{user.id}"
    return "reader"


def can_manage_tags(user: User) -> bool:
    return moderates_everywhere(user)


def can_lock_thread(user: User, thread: Thread) -> bool:
    return can_moderate_thread(user, thread)


def can_pin_thread(user: User, thread: Thread, where: str) -> bool:
    """A thread's moderators pin it to its category; pinning to every list, or changing or lifting
    a pin that is on every list, is for moderators of every category."""
    if not can_moderate_thread(user, thread):
        return False
    touches_every_list = where == Thread.PIN_GLOBAL or thread.pinned == Thread.PIN_GLOBAL
    return moderates_everywhere(user) or not touches_every_list


def can_approve_members(user: User) -> bool:
    return moderates_everywhere(user)


def require(allowed: bool, message: str = "You don't have permission to do that.") -> None:
    if not allowed:
        abort(403, description=message)


def require_found(obj):
    if obj is None:
        abort(404)
    return obj


def member_required(view):
    """Anonymous visitors go to the login page; pending or suspended accounts get a 403.

    htmx would follow a 302 inside its request and swap the login page into the fragment's
    target, so htmx requests are sent there with ``HX-Redirect`` instead.
    """
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            login = url_for("auth.login", next=request.full_path.rstrip("?"))
            return hx_redirect(login) if is_htmx() else vary_on_htmx(redirect(login))
        if current_user.status == Status.PENDING:
            abort(403, description="Your account is waiting for a moderator's approval. "
                                   "We'll email you as soon as it is approved.")
        require(is_member(current_user), "Your account cannot read member pages.")
        return view(*args, **kwargs)

    return wrapped


def talent_pool_required(view):
    """The talent pool's guard: anonymous visitors sign in; everyone but approved employers and
    moderators (members included) gets a 403, a pending employer with the reason."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            login = url_for("auth.login", next=request.full_path.rstrip("?"))
            return hx_redirect(login) if is_htmx() else vary_on_htmx(redirect(login))
        if current_user.status == Status.PENDING:
            abort(403, description="Your account is waiting for a moderator's approval. "
                                   "We'll email you as soon as it is approved.")
        require(can_use_talent_pool(current_user), "The talent pool is for approved employer accounts.")
        return view(*args, **kwargs)

    return wrapped
