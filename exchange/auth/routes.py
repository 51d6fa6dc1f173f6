from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..account import deletion as account_deletion, sessions as account_sessions
from ..extensions import limiter
from ..forms import ServiceError, attach_error
from ..params import local_path
from . import services
from .forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm

bp = Blueprint("auth", __name__)

RESET_SENT = ("If that address belongs to an Exchange account, a link to choose a new "
              "password is on its way. It works once, for a few hours.")
REGISTERED = ("Thanks! Your request is with the moderators. We'll email you as soon as "
              "your account is approved.")


def _submitted_email() -> str:
    return "login:" + request.form.get("email", "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 60 per hour", methods=["POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=_submitted_email)  # slows spread-out guessing
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        result = services.check_credentials(form.email.data, form.password.data)
        if result.user is not None:
            session.clear()  # no session fixation: a fresh session for the signed-in user
            if account_deletion.cancel_if_leaving(result.user):
                flash("Welcome back: your account will not be deleted.", "success")
            account_sessions.begin(result.user)  # this browser, listed in the member's settings
            login_user(result.user, remember=form.remember.data)
            return redirect(local_path(form.next.data) or url_for("site.home"), code=303)
        form.form_errors.append(result.problem)
        form.password.data = ""
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    account_sessions.end_on_logout(getattr(current_user, "login_session_key", None))
    # Clear first: logout_user() leaves the flag that deletes the remember cookie in the session.
    session.clear()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("site.home"), code=303)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm(invite=request.args.get("invite", ""))
    form.program.choices, form.region.choices = services.registration_choices()
    invited_email = services.invitation_email(form.invite.data) if form.invite.data else None
    if request.method == "GET" and invited_email:
        form.email.data = invited_email
    if form.validate_on_submit():
        try:
            user = services.register(
                email=form.email.data, username=form.username.data,
                display_name=form.display_name.data, password=form.password.data,
                program_id=form.program.data, cohort_year=form.cohort_year.data,
                region_id=form.region.data, note=form.note.data or "", invite=form.invite.data or "",
            )
        except ServiceError as error:
            attach_error(form, error)
        else:
            if user is not None and user.is_active_member:
                session.clear()
                account_sessions.begin(user)
                login_user(user)
                flash("Welcome to Exchange! Your account is ready.", "success")
                return redirect(url_for("site.home"), code=303)
            flash(REGISTERED, "success")
            return redirect(url_for("auth.login"), code=303)
    form.password.data = ""
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/register.html", form=form, invited_email=invited_email), status


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"), code=303)
    status = 422 if form.errors else 200
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if services.find_token("reset", token) is None:
        return render_template("auth/reset_invalid.html"), 404
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            session.clear()  # before logout_user(), which flags the remember cookie for deletion
            logout_user()
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("auth.login"), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/reset_password.html", form=form), status
