from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import csrf
from ..forms import ServiceError
from ..htmx import hx_redirect, is_htmx, render, vary_on_htmx
from ..models import Kind, Level
from ..params import local_path, page_arg
from ..permissions import member_required, require_found
from . import emails, inbox, preferences, watching
from .forms import SettingsForm, WatchForm

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@member_required
def index():
    return render("notifications/index.html", "notifications/_list.html", result=inbox.page_of(current_user, page_arg()))


@bp.route("/notifications/count")
@member_required
def count():
    """The header's badge: one statement (with the session's user, two), and 304 when nothing changed."""
    unread, newest = inbox.unread_count(current_user.id)
    etag = f"n{unread}-{newest}"
    if request.if_none_match.contains_weak(etag):
        response = make_response("", 304)
    else:
        response = make_response(render_template("notifications/_badge.html", unread=unread))
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return vary_on_htmx(response)


@bp.route("/notifications/<int:notification_id>")
@member_required
def open(notification_id: int):  # noqa: A001 - the verb a member does
    opened = require_found(inbox.open_notification(current_user, notification_id) or None)
    # Described as the group it was shown in: several new openings of a saved search lead to the board.
    return redirect(inbox.describe(opened, current_user, grouped=True)[0].url)


@bp.route("/notifications/read", methods=["POST"])
@member_required
def read_all():
    count = inbox.mark_all_read(current_user)
    flash(f"Marked {count} notification{'' if count == 1 else 's'} read." if count else "Nothing was unread.", "success")
    return hx_redirect(url_for("notifications.index"))


@bp.route("/settings/notifications", methods=["GET", "POST"])
@member_required
def settings():
    prefs = preferences.member_preference(current_user.id)
    chosen = preferences.deliveries(current_user)
    form = SettingsForm(obj=prefs) if request.method == "GET" else SettingsForm()
    if request.method == "GET":
        for kind, value in chosen.items():
            form[f"mail_{kind}"].data = value
    if form.validate_on_submit():
        try:
            preferences.save(user=current_user, deliveries={k: form[f"mail_{k}"].data for k in Kind.ALL},
                             digest=form.digest.data, auto_watch_started=form.auto_watch_started.data,
                             auto_track_replied=form.auto_track_replied.data)
        except ServiceError as error:
            form.form_errors.append(error.message)
        else:
            flash("Notification settings saved.", "success")
            return redirect(url_for("notifications.settings"), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("notifications/settings.html", form=form, kinds=Kind, watches=watching.watches_of(current_user),
                           levels=Level), status


@bp.route("/watch/<any(thread, category, tag, region):target_type>/<int:target_id>", methods=["POST"])
@member_required
def watch(target_type: str, target_id: int):
    require_found(watching.find_target(current_user, target_type, target_id))
    form = WatchForm()
    if not form.validate():
        abort(400, description="Choose watching, tracking, normal or muted.")
    level = watching.set_level(user=current_user, target_type=target_type, target_id=target_id, level=form.level.data)
    if is_htmx():
        return vary_on_htmx(make_response(render_template(
            "notifications/_watch.html", target_type=target_type, target_id=target_id, level=level, saved=True)))
    flash(f"{Level.LABELS[level]}: {Level.HINTS[level]}", "success")
    return redirect(local_path(request.form.get("next")) or url_for("notifications.settings"), code=303)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session and no token of ours
def unsubscribe(token: str):
    if emails.read_token(token) is None:
        return render_template("notifications/unsubscribe.html", invalid=True, done=False), 400
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", invalid=False, done=False, token=token,
                               what=_what(token))
    user, kind = emails.unsubscribe(token) or (None, None)
    if user is None:
        return render_template("notifications/unsubscribe.html", invalid=True, done=False), 400
    current_app.logger.info("unsubscribed member %s from %s", user.id, kind)
    return render_template("notifications/unsubscribe.html", invalid=False, done=True, what=_what(token))


def _what(token: str) -> str:
    _, kind = emails.read_token(token)
    return "your digest" if kind == emails.DIGEST else f"emails for “{Kind.LABELS[kind]}”"
