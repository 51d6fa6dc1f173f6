from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..forms import ServiceError
from ..htmx import is_htmx, render
from ..permissions import can_moderate, can_suspend, member_required, require, require_found
from . import services
from .forms import ReasonForm, SuspendForm

bp = Blueprint("moderation", __name__, url_prefix="/mod")


@bp.before_request
@member_required
def guard():
    """One guard for every moderation route: no view can forget the check."""
    require(can_moderate(current_user), "Only moderators can open the moderation tools.")


def _queue(notice: str | None):
    return render("moderation/queue.html", "moderation/_queue.html", pending=services.pending_members(),
                  flagged=services.flagged_posts(), form=ReasonForm(), notice=notice)


def _done(message: str):
    if is_htmx():
        return _queue(message)
    flash(message, "success")
    return redirect(url_for("moderation.queue"), code=303)


@bp.route("")
def queue():
    services.lift_expired_suspensions()
    return _queue(None)


@bp.route("/members/<int:user_id>/<any(approve, reject):decision>", methods=["POST"])
def decide_member(user_id: int, decision: str):
    member = require_found(services.get_user(user_id))
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The reason is too long (500 characters at most).")
    try:
        if decision == "approve":
            services.approve_member(moderator=current_user, member=member)
            message = f"Approved {member.display_name}."
        else:
            services.reject_member(moderator=current_user, member=member, reason=form.reason.data or "")
            message = f"Declined {member.display_name}."
    except ServiceError as error:
        message = error.message
    return _done(message)


@bp.route("/threads/<int:thread_id>/<any(lock, unlock):verb>", methods=["POST"])
def lock_thread(thread_id: int, verb: str):
    thread = require_found(services.get_thread(thread_id))
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The reason is too long (500 characters at most).")
    services.set_thread_locked(moderator=current_user, thread=thread, locked=verb == "lock",
                               reason=form.reason.data or "")
    flash("Thread locked." if verb == "lock" else "Thread unlocked.", "success")
    return redirect(url_for("threads.thread", thread_id=thread.id, slug=thread.slug), code=303)


@bp.route("/threads/<int:thread_id>/move", methods=["POST"])
def move_thread(thread_id: int):
    thread = require_found(services.get_thread(thread_id))
    category_id = request.form.get("category", "")
    category = services.get_category(int(category_id)) if category_id.isdigit() else None
    form = ReasonForm()
    if category is None or not form.validate_on_submit():
        flash("Choose a category to move the thread to (and a reason of at most 500 characters).", "error")
    else:
        try:
            services.move_thread(moderator=current_user, thread=thread, category=category,
                                 reason=form.reason.data or "")
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(f"Moved to {category.name}.", "success")
    return redirect(url_for("threads.thread", thread_id=thread.id, slug=thread.slug), code=303)


@bp.route("/posts/<int:post_id>/<any(hide, unhide, dismiss):verb>", methods=["POST"])
def decide_post(post_id: int, verb: str):
    """Hide or unhide a post with a reason, or dismiss its flags; from the queue (htmx) or the thread."""
    post = require_found(services.get_post(post_id))
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The reason is too long (500 characters at most).")
    reason = form.reason.data or ""
    try:
        if verb == "hide":
            services.hide_post(moderator=current_user, post=post, reason=reason)
            message = f"Hid post #{post.id}."
        elif verb == "unhide":
            services.unhide_post(moderator=current_user, post=post, reason=reason)
            message = f"Post #{post.id} is visible again."
        else:
            services.dismiss_flags(moderator=current_user, post=post, reason=reason)
            message = f"Dismissed the flags on post #{post.id}."
    except ServiceError as error:
        message = error.message
        if not is_htmx():
            flash(message, "error")
            return redirect(url_for("threads.post", post_id=post.id), code=303)
    if request.form.get("back") == "thread" and not is_htmx():
        flash(message, "success")
        return redirect(url_for("threads.post", post_id=post.id), code=303)
    return _done(message)


@bp.route("/members/<int:user_id>/suspend", methods=["POST"])
def suspend(user_id: int):
    member = require_found(services.get_user(user_id))
    require(can_suspend(current_user, member), "You cannot suspend this member.")
    form = SuspendForm()
    if form.validate_on_submit():
        until = datetime.combine(form.until.data, time.min) if form.until.data else None
        try:
            services.suspend_member(moderator=current_user, member=member, reason=form.reason.data, until=until)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(f"Suspended {member.display_name}.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("members.profile", username=member.username), code=303)


@bp.route("/members/<int:user_id>/reinstate", methods=["POST"])
def reinstate(user_id: int):
    member = require_found(services.get_user(user_id))
    require(can_suspend(current_user, member), "You cannot reinstate this member.")
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The reason is too long (500 characters at most).")
    try:
        services.reinstate_member(moderator=current_user, member=member, reason=form.reason.data or "")
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(f"{member.display_name} is a member again.", "success")
    return redirect(url_for("members.profile", username=member.username), code=303)


@bp.route("/log")
def log():
    action = request.args.get("action") or None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries, has_next = services.moderation_log(action=action, page=page)
    return render_template("moderation/log.html", entries=entries, has_next=has_next, page=page,
                           action=action, actions=services.log_actions())
