"""Every permission rule, as a named function of explicit objects.

``can_*`` answer yes/no for views and templates alike; ``require_*`` abort with 403
(and a human message), or 404 when the user must not learn that the object exists.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from .htmx import hx_redirect, is_htmx, vary_on_htmx
from .models import Application, Category, Opportunity, Post, Role, Status, Thread, User


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


# --- the opportunities board ----------------------------------------------------------------

def can_use_board(user: User) -> bool:
    """Reading and posting openings: active members and approved employers."""
    return is_member(user) or is_employer(user)


def can_moderate_opportunities(user: User) -> bool:
    """Openings belong to no category: moderators of the whole network look after them."""
    return moderates_everywhere(user)


def can_manage_opportunity(user: User, opening: Opportunity) -> bool:
    """Editing, closing, marking filled, reading the applicants: the poster and network moderators."""
    return can_use_board(user) and (opening.poster_id == user.id or can_moderate_opportunities(user))


def can_view_opportunity(user: User, opening: Opportunity) -> bool:
    """A published opening keeps its page after it ends; a draft, a held or a hidden one is its
    poster's and the moderators' alone (everyone else gets a 404)."""
    if not can_use_board(user):
        return False
    if opening.published_at is not None and opening.hidden_at is None and opening.status != Opportunity.HELD:
        return True
    return can_manage_opportunity(user, opening)


def can_apply(user: User, opening: Opportunity, today) -> bool:
    """Applying in Exchange: members (not employers), to a listed opening that takes applications here."""
    return (is_member(user) and opening.poster_id != user.id and opening.applies_in_exchange
            and opening.is_listed(today))


def can_flag_opportunity(user: User, opening: Opportunity) -> bool:
    return can_use_board(user) and opening.poster_id != user.id


def can_move_application(user: User, application: Application) -> bool:
    return can_manage_opportunity(user, application.opportunity)


def require(allowed: bool, message: str = "You don't have permission to do that.") -> None:
    if not allowed:
        abort(403, description=message)


def require_found(obj):
    if obj is None:
        abort(404)
    return obj


def _guard(allowed, refusal: str):
    """A view decorator: anonymous visitors go to the login page; pending accounts get a 403 that
    says why; signed-in users ``allowed`` refuses get a 403 with ``refusal``.

    htmx would follow a 302 inside its request and swap the login page into the fragment's
    target, so htmx requests are sent there with ``HX-Redirect`` instead.
    """
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                login = url_for("auth.login", next=request.full_path.rstrip("?"))
                return hx_redirect(login) if is_htmx() else vary_on_htmx(redirect(login))
            if current_user.status == Status.PENDING:
                abort(403, description="Your account is waiting for a moderator's approval. "
                                       "We'll email you as soon as it is approved.")
            require(allowed(current_user), refusal)
            return view(*args, **kwargs)

        wrapped.requires = allowed  # which rule guards the view (tests walk the url map by it)
        return wrapped

    return decorator


#: Member pages: active members only (suspended accounts are signed out before they get here).
member_required = _guard(is_member, "Your account cannot read member pages.")
#: The opportunities board: members and approved employers.
board_required = _guard(can_use_board, "The opportunities board is for members and approved employers.")
#: A signed-in account's own settings: members and approved employers.
account_required = _guard(can_use_board, "Your account cannot change its settings yet.")
#: The talent pool: approved employers and moderators (members included get a 403).
talent_pool_required = _guard(can_use_talent_pool, "The talent pool is for approved employer accounts.")
#: An employer's own things in the pool (saved lists): approved employers alone.
employer_required = _guard(is_employer, "Saved lists belong to approved employer accounts.")
