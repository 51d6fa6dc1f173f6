from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import mail
from ..forms import ServiceError, attach_error
from ..params import date_value, page_arg, to_id
from ..htmx import is_htmx, render
from ..opportunities import services as opportunities
from ..permissions import (can_approve_members, can_manage_roles, can_moderate, can_moderate_category,
                           can_moderate_thread, can_pin_thread, can_suspend, member_required, moderated_category_ids,
                           moderates_everywhere, require, require_found)
from ..taxonomy import services as taxonomy
from ..taxonomy.routes import decision_form
from ..threads import services as threads
from . import flags, held, log_reader, refresh, registrations, suspensions, team, thread_actions
from .log import REASON_MAX
from .forms import MergeForm, ReasonForm, RoleForm, SuspendForm

bp = Blueprint("moderation", __name__, url_prefix="/mod")
OUT_OF_SCOPE = "That thread is outside the categories you moderate."
TOO_LONG = f"The reason is too long ({REASON_MAX} characters at most)."


@bp.before_request
@member_required
def guard():
    """One guard for every moderation route: no view can forget the check."""
    require(can_moderate(current_user), "Only moderators can open the moderation tools.")


def _queue(notice: str | None, notice_kind: str = "success"):
    """Everything awaiting this moderator: their categories' flags and held posts; for unscoped
    moderators also registrations (with roster matches), tag proposals and practices to refresh."""
    scope = moderated_category_ids(current_user)
    everywhere = moderates_everywhere(current_user)
    pending = registrations.pending_members() if everywhere else []
    return render("moderation/queue.html", "moderation/_queue.html", notice=notice, notice_kind=notice_kind,
                  badge_oob=is_htmx(), form=ReasonForm(),
                  held=held.held_posts(scope=scope), flagged=flags.flagged_posts(scope=scope),
                  pending=pending, roster=registrations.roster_matches(pending), everywhere=everywhere,
                  proposals=taxonomy.pending_proposals() if everywhere else [],
                  proposal_form=decision_form(submitted=False) if everywhere else None,
                  stale=refresh.stale_practices() if everywhere else [],
                  held_openings=opportunities.held_openings() if everywhere else [],
                  flagged_openings=opportunities.flagged_openings() if everywhere else [],
                  opening_flag_reasons=opportunities.FLAG_REASONS)


def _done(message: str, kind: str = "success"):
    """After a decision: the queue in place (htmx, with the header's count) or back to it."""
    if is_htmx():
        return _queue(message, kind)
    flash(message, kind)
    return redirect(url_for("moderation.queue"), code=303)


@bp.route("")
def queue():
    suspensions.lift_expired_suspensions()
    if moderates_everywhere(current_user):
        refresh.ask_authors()
    return _queue(None)


def _reason() -> str:
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description=TOO_LONG)
    return form.reason.data or ""


def _back_to_thread(thread, message: str, category: str = "success"):
    flash(message, category)
    return redirect(url_for("threads.thread", thread_id=thread.id, slug=thread.slug), code=303)


@bp.route("/members/<int:user_id>/<any(approve, reject):decision>", methods=["POST"])
def decide_member(user_id: int, decision: str):
    require(can_approve_members(current_user), "Registrations are for moderators of every category.")
    member = require_found(team.member_by_id(user_id))
    reason = _reason()
    try:
        if decision == "approve":
            registrations.approve_member(moderator=current_user, member=member, reason=reason)
            message = f"Approved {member.display_name}."
        else:
            registrations.reject_member(moderator=current_user, member=member, reason=reason)
            message = f"Declined {member.display_name}."
    except ServiceError as error:
        return _done(error.message, "error")
    return _done(message)


@bp.route("/threads/<int:thread_id>/<any(lock, unlock):verb>", methods=["POST"])
def lock_thread(thread_id: int, verb: str):
    thread = require_found(threads.get_thread(thread_id))
    require(can_moderate_thread(current_user, thread), OUT_OF_SCOPE)
    reason = _reason()
    thread_actions.set_thread_locked(moderator=current_user, thread=thread, locked=verb == "lock",
                               reason=reason)
    flash("Thread locked." if verb == "lock" else "Thread unlocked.", "success")
    return redirect(url_for("threads.thread", thread_id=thread.id, slug=thread.slug), code=303)


@bp.route("/threads/<int:thread_id>/move", methods=["POST"])
def move_thread(thread_id: int):
    thread = require_found(threads.get_thread(thread_id))
    require(can_moderate_thread(current_user, thread), OUT_OF_SCOPE)
    category_id = to_id(request.form.get("category"))
    category = threads.category_by_id(category_id) if category_id else None
    form = ReasonForm()
    if category is not None and not can_moderate_category(current_user, category.id):
        flash(f"You do not moderate {category.name}: ask a moderator of every category.", "error")
    elif category is None or not form.validate_on_submit():
        flash(f"Choose a category to move the thread to (and a reason of at most {REASON_MAX} characters).", "error")
    else:
        try:
            thread_actions.move_thread(moderator=current_user, thread=thread, category=category,
                                 reason=form.reason.data or "")
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(f"Moved to {category.name}.", "success")
    return redirect(url_for("threads.thread", thread_id=thread.id, slug=thread.slug), code=303)


@bp.route("/posts/<int:post_id>/<any(hide, unhide, dismiss, approve, reject):verb>", methods=["POST"])
def decide_post(post_id: int, verb: str):
    """Hide or unhide a post with a reason, dismiss its flags, approve or reject a held post;
    from the queue (htmx) or the thread."""
    post = require_found(threads.get_post(post_id))
    require(can_moderate_thread(current_user, post.thread), OUT_OF_SCOPE)
    reason = _reason()
    try:
        if verb == "approve":
            held.approve_post(moderator=current_user, post=post, reason=reason)
            message = f"Approved post #{post.id}: it is on the thread now."
        elif verb == "reject":
            held.reject_post(moderator=current_user, post=post, reason=reason)
            message = f"Rejected post #{post.id}; its author is told."
        elif verb == "hide":
            flags.hide_post(moderator=current_user, post=post, reason=reason)
            message = f"Hid post #{post.id}."
        elif verb == "unhide":
            flags.unhide_post(moderator=current_user, post=post, reason=reason)
            message = f"Post #{post.id} is visible again."
        else:
            flags.dismiss_flags(moderator=current_user, post=post, reason=reason)
            message = f"Dismissed the flags on post #{post.id}."
    except ServiceError as error:
        if not is_htmx():
            flash(error.message, "error")
            return redirect(url_for("threads.post", post_id=post.id), code=303)
        return _done(error.message, "error")
    if request.form.get("back") == "thread" and not is_htmx():
        flash(message, "success")
        return redirect(url_for("threads.post", post_id=post.id), code=303)
    return _done(message)


@bp.route("/members/<int:user_id>/suspend", methods=["POST"])
def suspend(user_id: int):
    member = require_found(team.member_by_id(user_id))
    require(can_suspend(current_user, member), "You cannot suspend this member.")
    form = SuspendForm()
    if form.validate_on_submit():
        until = datetime.combine(form.until.data, time.min) if form.until.data else None
        try:
            suspensions.suspend_member(moderator=current_user, member=member, reason=form.reason.data, until=until)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(f"Suspended {member.display_name}.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("members.profile", username=member.username), code=303)


@bp.route("/members/<int:user_id>/reinstate", methods=["POST"])
def reinstate(user_id: int):
    member = require_found(team.member_by_id(user_id))
    require(can_suspend(current_user, member), "You cannot reinstate this member.")
    reason = _reason()
    try:
        suspensions.reinstate_member(moderator=current_user, member=member, reason=reason)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(f"{member.display_name} is a member again.", "success")
    return redirect(url_for("members.profile", username=member.username), code=303)


@bp.route("/log")
def log():
    args = request.args
    filters = log_reader.LogFilters(
        action=args.get("action", "")[:40], actor=args.get("who", "").strip().lstrip("@")[:40],
        target_type=args.get("target", "")[:20], target_id=to_id(args.get("id")),
        after=date_value(args.get("after")), before=date_value(args.get("before")))
    page = page_arg()
    entries, has_next = log_reader.moderation_log(filters, page=page)
    return render_template("moderation/log.html", entries=entries, has_next=has_next, page=page,
                           filters=filters, actions=log_reader.log_actions(),
                           target_types=log_reader.log_target_types())


@bp.route("/mail")
def failed_mail():
    """Mail that will not be sent again: refused by the server too often, or interrupted mid-send."""
    require(moderates_everywhere(current_user), "Mail problems are for moderators of every category.")
    return render_template("moderation/mail.html", messages=mail.failed_mail(), queued=mail.queued())


@bp.route("/threads/<int:thread_id>/<any(pin, unpin):verb>", methods=["POST"])
def pin_thread(thread_id: int, verb: str):
    thread = require_found(threads.get_thread(thread_id))
    require(can_moderate_thread(current_user, thread), OUT_OF_SCOPE)
    where = request.form.get("where", "")
    require(can_pin_thread(current_user, thread, where if verb == "pin" else ""),
            "A pin on every list is for moderators of every category.")
    try:
        if verb == "pin":
            thread_actions.pin_thread(moderator=current_user, thread=thread, where=where, reason=_reason())
        else:
            thread_actions.unpin_thread(moderator=current_user, thread=thread, reason=_reason())
    except ServiceError as error:
        return _back_to_thread(thread, error.message, "error")
    where_label = "every list" if thread.pinned == "global" else "its category"
    return _back_to_thread(thread, f"Pinned to the top of {where_label}." if verb == "pin" else "Unpinned.")


@bp.route("/threads/<int:thread_id>/merge", methods=["GET", "POST"])
def merge_thread(thread_id: int):
    """Fold a duplicate into another thread (its URL then redirects there)."""
    source = require_found(threads.get_thread(thread_id))
    require(can_moderate_thread(current_user, source), OUT_OF_SCOPE)
    form = MergeForm()
    if form.validate_on_submit():
        target = threads.get_thread(form.target_id())
        try:
            if target is None:
                raise ServiceError("There is no thread with that number or address.", field="target")
            require(can_moderate_thread(current_user, target),
                    "The other thread is outside the categories you moderate.")
            thread_actions.merge_thread(moderator=current_user, source=source, target=target,
                                        reason=form.reason.data or "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(f"Merged “{source.title}” into this thread; the old address leads here.", "success")
            return redirect(url_for("threads.thread", thread_id=target.id, slug=target.slug), code=303)
    status = 422 if form.errors else 200
    return render_template("moderation/merge.html", thread=source, form=form), status


@bp.route("/practices/<int:thread_id>/reviewed", methods=["POST"])
def practice_reviewed(thread_id: int):
    require(moderates_everywhere(current_user), "Practices to refresh are for moderators of every category.")
    thread = require_found(threads.get_thread(thread_id))
    reason = _reason()
    try:
        refresh.mark_reviewed(moderator=current_user, thread=thread, reason=reason)
    except ServiceError as error:
        return _done(error.message, "error")
    return _done(f"Marked “{thread.title}” as reviewed today.")


@bp.route("/team", methods=["GET", "POST"])
def team_page():
    """Admins give and take roles, and scope moderators to categories."""
    require(can_manage_roles(current_user), "Only admins manage roles.")
    form = RoleForm(member=request.args.get("member", ""))
    form.categories.choices = [(c.id, c.name) for c in threads.categories()]
    if form.validate_on_submit():
        member = team.member_by_username(form.member.data)
        try:
            if member is None:
                raise ServiceError(f"There is no member @{form.member.data.strip().lstrip('@')}.", field="member")
            team.set_role(admin=current_user, member=member, role=form.role.data,
                          category_ids=form.categories.data or [], reason=form.reason.data or "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(f"{member.display_name} is now {team.describe(member)}.", "success")
            return redirect(url_for("moderation.team_page"), code=303)
    status = 422 if form.errors else 200
    return render_template("moderation/team.html", form=form, staff=team.staff(),
                           role_labels=team.ROLE_LABELS), status
