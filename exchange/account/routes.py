from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, session, url_for
from flask_login import current_user, login_user, logout_user

from ..extensions import limiter
from ..forms import ServiceError, attach_error
from ..models import SecurityEvent
from ..permissions import account_required, require_found
from . import deletion, export, security, services, sessions
from .forms import DeletionForm, EmailChangeForm, PasswordChangeForm

bp = Blueprint("account", __name__)
LIKE_THE_LOGIN = "10 per minute; 60 per hour"


def _page(password_form=None, email_form=None, deletion_form=None, status=200):
    return render_template(
        "account/settings.html", password_form=password_form or PasswordChangeForm(formdata=None, prefix=""),
        email_form=email_form or EmailChangeForm(formdata=None), browsers=sessions.active(current_user),
        current_key=getattr(current_user, "login_session_key", None), events=security.log_of(current_user),
        browser_of=security.browser_of, labels=SecurityEvent.LABELS, export=export.latest(current_user),
        export_days=export.EXPORT_DAYS, deletion_form=deletion_form or DeletionForm(formdata=None),
        grace_days=deletion.GRACE_DAYS), status


def _keep_signed_in(key: str) -> None:
    """The password or epoch changed: this browser signs in again under its new key."""
    remember = session.get("_remember") == "set" or bool(request.cookies.get("remember_token"))
    login_user(current_user._get_current_object(), remember=remember)
    current_user.login_session_key = key


@bp.route("/settings", methods=["GET", "POST"])
@account_required
@limiter.limit(LIKE_THE_LOGIN, methods=["POST"])
def settings():
    """One page: the email and password forms (both post here), browsers, the security log, links."""
    if request.method == "GET":
        return _page()
    if "new_password" in request.form:
        form = PasswordChangeForm()
        if form.validate_on_submit():
            try:
                key = services.change_password(user=current_user, current=form.current_password.data,
                                               new=form.new_password.data)
            except ServiceError as error:
                attach_error(form, error)
            else:
                _keep_signed_in(key)
                flash("Password changed. Every other browser is signed out.", "success")
                return redirect(url_for("account.settings"), code=303)
        return _page(password_form=form, status=422)
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(user=current_user, current=form.current_password.data,
                                          new_email=form.email.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(f"Check {form.email.data}: follow the link we sent there within "
                  f"{services.EMAIL_LINK_HOURS} hours to use it. We told your current address too.", "success")
            return redirect(url_for("account.settings"), code=303)
    return _page(email_form=form, status=422)


@bp.route("/settings/email/<token>")
@account_required
def confirm_email(token: str):
    try:
        email = services.confirm_email_change(user=current_user, token=token)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("account.settings"), code=303)
    flash(f"Your email address is now {email}.", "success")
    return redirect(url_for("account.settings"), code=303)


@bp.route("/settings/export", methods=["POST"])
@account_required
@limiter.limit(LIKE_THE_LOGIN)
def export_data():
    try:
        export.request_export(current_user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash("We are preparing your data: we'll email you a link when the file is ready (usually within minutes).",
              "success")
    return redirect(url_for("account.settings") + "#data", code=303)


@bp.route("/settings/export/<int:export_id>/download")
@account_required
def download_export(export_id: int):
    path = require_found(export.downloadable(current_user, export_id))
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name)


@bp.route("/settings/delete", methods=["POST"])
@account_required
@limiter.limit(LIKE_THE_LOGIN)
def delete_account():
    form = DeletionForm()
    if form.validate_on_submit():
        try:
            request_ = deletion.request_deletion(user=current_user, password=form.current_password.data,
                                                 erase_unanswered_posts=form.erase_unanswered_posts.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            session.clear()
            logout_user()
            flash(f"Your account will be erased on {request_.erase_after:%-d %B %Y}. Until then, signing in "
                  "cancels it.", "info")
            return redirect(url_for("site.home"), code=303)
    return _page(deletion_form=form, status=422)


@bp.route("/settings/sessions/<int:session_id>/sign-out", methods=["POST"])
@account_required
@limiter.limit(LIKE_THE_LOGIN)
def sign_out_browser(session_id: int):
    require_found(sessions.sign_out(current_user, session_id) or None)
    flash("That browser is signed out.", "success")
    return redirect(url_for("account.settings") + "#sessions", code=303)


@bp.route("/settings/sessions/sign-out-others", methods=["POST"])
@account_required
@limiter.limit(LIKE_THE_LOGIN)
def sign_out_others():
    key = services.sign_out_others(user=current_user)
    _keep_signed_in(key)
    flash("Every other browser is signed out.", "success")
    return redirect(url_for("account.settings") + "#sessions", code=303)
