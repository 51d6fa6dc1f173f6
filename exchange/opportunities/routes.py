from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..feeds import atom_response, feed_key, require_feed_reader
from ..forms import ServiceError, attach_error
from ..fragments import CSRF_SLOT, fragment, with_csrf
from ..htmx import hx_redirect, is_htmx, vary_on_htmx
from ..markup import render_markdown
from ..params import local_path
from ..models import Opportunity, Region
from ..permissions import (board_required, can_apply, can_flag_opportunity, can_manage_opportunity,
                           can_moderate_opportunities, can_view_opportunity, is_member, member_required, require,
                           require_found)
from ..taxonomy.forms import read_tags
from . import alerts, applications, board, matching, services
from .forms import STATUS_NOTES, ApplicationStatusForm, ApplyForm, OpeningFlagForm, OpeningForm, ReasonForm

bp = Blueprint("opportunities", __name__)


@bp.route("/opportunities")
@board_required
def index():
    filters, notes = board.parse_filters(request.args)
    alert_query = alerts.canonical(request.args)[0]
    member, today = is_member(current_user), date.today()
    # The results are the page's cost: cached per filters, notes, audience and day, any write invalidating
    # them; the save-search form's token is this session's, put in after.
    html = with_csrf(fragment("board", filters, tuple(notes), alert_query, member, today, timeless=True,
                              render=lambda: render_template(
                                  "opportunities/_board.html", filters=filters, alert_query=alert_query,
                                  result=board.board(filters, notes, today=today), sorts=board.SORTS, today=today,
                                  csrf_value=CSRF_SLOT)), generate_csrf() if member else "")
    if is_htmx():
        return vary_on_htmx(make_response(html))
    return vary_on_htmx(make_response(render_template(
        "opportunities/index.html", board=html,
        feed_url=url_for("opportunities.feed", key=feed_key(current_user), _external=True) if member else None)))


@bp.route("/opportunities.atom")
def feed():
    reader = require_feed_reader()
    return atom_response(title="Exchange: opportunities", entries=services.feed_entries(),
                         self_url=url_for("opportunities.feed", key=feed_key(reader), _external=True),
                         page_url=url_for("opportunities.index", _external=True),
                         template="feeds/opportunities.xml", updated_of=lambda o: o.edited_at or o.published_at)


@bp.route("/opportunities/for-you")
@member_required
def for_you():
    """Home's "Opportunities for you", fetched after the page so the home page stays within its budget;
    without JavaScript the home page links here."""
    today = date.today()
    html = fragment("home-opportunities", current_user.id, today.isoformat(), render=lambda: render_template(
        "opportunities/_for_you.html", openings=matching.for_member(current_user, today=today), today=today))
    if is_htmx():
        return vary_on_htmx(make_response(html))
    return vary_on_htmx(make_response(render_template("opportunities/for_you.html", for_you=html)))


# --- posting and editing ---------------------------------------------------------------------

def _form(**kwargs) -> OpeningForm:
    form = OpeningForm(**kwargs)
    form.region.choices = [(0, "— none (remote) —")] + [
        (r.id, f"{r.parent.name} › {r.name}" if r.parent else r.name)
        for r in db.session.scalars(select(Region).order_by(Region.name))]
    return form


def _input(form: OpeningForm, tags) -> services.OpeningInput:
    return services.OpeningInput(
        title=form.title.data or "", organisation=form.organisation.data or "", kind=form.kind.data,
        level=form.level.data, sector=form.sector.data, region_id=form.region.data or None,
        remote=bool(form.remote.data), salary_min=form.salary_min.data, salary_max=form.salary_max.data,
        closes_on=form.closes_on.data, body=form.body.data or "", apply_url=(form.apply_url.data or "").strip(),
        tags=tags)


def _tags(form: OpeningForm):
    """The tags field's tags; a word that is no tag or alias yet is refused with the text kept
    (openings do not propose tags: a moderator would review the tag after the opening had gone)."""
    choice = read_tags(form.tags)
    if choice is None:
        return None
    if choice.unknown:
        form.tags.errors = [*form.tags.errors, "Not on the common taxonomy: " + ", ".join(choice.unknown) +
                            ". Choose tags the picker suggests."]
        return None
    return choice.tags


def _preview() -> str | None:
    return render_markdown(request.form.get("body", ""), mentions=False) if "preview" in request.form else None


def _posted_message(opening: Opportunity) -> str:
    if opening.status == Opportunity.HELD:
        return ("Thanks! Your opening waits for a moderator's review: only you and the moderators see it until "
                "then. It goes on the board as soon as it is approved.")
    if opening.status == Opportunity.DRAFT:
        return "Saved as a draft: only you can see it until you publish it."
    return "Your opening is on the board."


@bp.route("/opportunities/new", methods=["GET", "POST"])
@board_required
def new():
    form = _form()
    if request.method == "GET" and current_user.employer_profile is not None:
        form.organisation.data = current_user.employer_profile.organisation
    preview = _preview()
    if preview is None and form.validate_on_submit() and (tags := _tags(form)) is not None:
        try:
            opening = services.create(poster=current_user, data=_input(form, tags),
                                      publish=request.form.get("action") != "draft")
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_posted_message(opening), "success")
            return redirect(url_for("opportunities.opening", opening_id=opening.id), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("opportunities/edit.html", form=form, preview=preview, opening=None), status


def _managed(opening_id: int) -> Opportunity:
    opening = require_found(services.get(opening_id))
    require_found(can_view_opportunity(current_user, opening) or None)
    require(can_manage_opportunity(current_user, opening), "Only the person who posted this opening, or a moderator, "
                                                           "can change it.")
    return opening


@bp.route("/opportunities/<int:opening_id>/edit", methods=["GET", "POST"])
@board_required
def edit(opening_id: int):
    opening = _managed(opening_id)
    form = _form(obj=opening) if request.method == "GET" else _form()
    if request.method == "GET":
        form.region.data = opening.region_id or 0
        form.body.data = opening.body_source
        form.tags.data = ", ".join(t.name for t in opening.tags)
    preview = _preview()
    if preview is None and form.validate_on_submit() and (tags := _tags(form)) is not None:
        try:
            services.update_opening(opening=opening, editor=current_user, data=_input(form, tags),
                                    reason=form.reason.data or "", publish=request.form.get("action") == "publish")
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_posted_message(opening) if request.form.get("action") == "publish" else "Saved.", "success")
            return redirect(url_for("opportunities.opening", opening_id=opening.id), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("opportunities/edit.html", form=form, preview=preview, opening=opening,
                           needs_reason=current_user.id != opening.poster_id), status


# --- one opening -----------------------------------------------------------------------------

def _visible(opening_id: int) -> Opportunity:
    opening = require_found(services.get(opening_id))
    return require_found(opening if can_view_opportunity(current_user, opening) else None)


def _page(opening: Opportunity, *, apply_form=None, flag_form=None, status: int = 200):
    today = date.today()
    applying = can_apply(current_user, opening, today) and not applications.has_applied(current_user, opening)
    return make_response(render_template(
        "opportunities/opening.html", opening=opening, today=today, shown_status=opening.shown_status(today),
        status_notes=STATUS_NOTES, can_manage=can_manage_opportunity(current_user, opening),
        can_moderate=can_moderate_opportunities(current_user),
        applied=is_member(current_user) and applications.has_applied(current_user, opening),
        apply_form=apply_form or (ApplyForm(formdata=None) if applying else None),
        flag_form=flag_form or (OpeningFlagForm(formdata=None) if can_flag_opportunity(current_user, opening) else None),
        reason_form=ReasonForm(formdata=None)), status)


@bp.route("/opportunities/<int:opening_id>")
@board_required
def opening(opening_id: int):
    return _page(_visible(opening_id))


@bp.route("/opportunities/<int:opening_id>/apply", methods=["POST"])
@board_required
def apply(opening_id: int):
    opening = _visible(opening_id)
    form = ApplyForm()
    if form.validate():
        fields = list(form.fields.data or []) + (["email"] if form.share_email.data else [])
        try:
            applications.apply(opening=opening, member=current_user, note=form.note.data, fields=fields)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash("Your application is on its way. Follow it at My applications.", "success")
            return hx_redirect(url_for("opportunities.opening", opening_id=opening.id))
    return _page(opening, apply_form=form, status=422)


@bp.route("/opportunities/<int:opening_id>/flag", methods=["POST"])
@board_required
def flag(opening_id: int):
    opening = _visible(opening_id)
    require(can_flag_opportunity(current_user, opening), "You cannot flag this opening.")
    form = OpeningFlagForm()
    if form.validate():
        try:
            services.flag(opening=opening, member=current_user, reason=form.reason.data, note=form.note.data or "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash("Thanks: the moderators will look at this opening.", "success")
            return hx_redirect(url_for("opportunities.opening", opening_id=opening.id))
    return _page(opening, flag_form=form, status=422)


# Each lifecycle or moderation verb: the service it calls and what the member is told.
VERBS = {
    "close": (lambda o, reason: services.end(opening=o, actor=current_user, outcome=Opportunity.CLOSED),
              "Closed: it has left the board."),
    "fill": (lambda o, reason: services.end(opening=o, actor=current_user, outcome=Opportunity.FILLED),
             "Marked filled. Congratulations!"),
    "reopen": (lambda o, reason: services.reopen(opening=o, actor=current_user), "Back on the board."),
    "publish": (lambda o, reason: services.publish_draft(opening=o, actor=current_user), None),
    "approve": (lambda o, reason: services.approve(opening=o, moderator=current_user), "Approved: it is on the board."),
    "reject": (lambda o, reason: services.reject(opening=o, moderator=current_user, reason=reason),
               "Sent back to its poster as a draft."),
    "hide": (lambda o, reason: services.hide(opening=o, moderator=current_user, reason=reason), "Hidden."),
    "show": (lambda o, reason: services.unhide(opening=o, moderator=current_user), "Shown again."),
    "dismiss": (lambda o, reason: services.dismiss_flags(opening=o, moderator=current_user), "Flags dismissed."),
}


@bp.route("/opportunities/<int:opening_id>/<any(close, fill, reopen, publish, approve, reject, hide, show, dismiss):verb>",
          methods=["POST"])
@board_required
def act(opening_id: int, verb: str):
    opening = _managed(opening_id)
    action, done = VERBS[verb]
    form = ReasonForm()
    form.validate()
    try:
        action(opening, form.reason.data or "")
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(done or _posted_message(opening), "success")
    back = local_path(request.form.get("next")) or ""
    return hx_redirect(back if back.startswith("/mod") else url_for("opportunities.opening", opening_id=opening.id))


# --- applications ----------------------------------------------------------------------------

@bp.route("/opportunities/<int:opening_id>/applicants")
@board_required
def applicants(opening_id: int):
    opening = _managed(opening_id)
    return render_template("opportunities/applicants.html", opening=opening,
                           applications=applications.for_opening(opening), form=ApplicationStatusForm(formdata=None),
                           labels=applications.FIELD_LABELS)


@bp.route("/opportunities/applications/<int:application_id>/status", methods=["POST"])
@board_required
def move_application(application_id: int):
    application = require_found(applications.get(application_id))
    opening = _managed(application.opportunity_id)
    form = ApplicationStatusForm()
    if form.validate():
        try:
            applications.move(application=application, actor=current_user, status=form.status.data)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(f"{application.applicant.display_name}: {application.status_label.lower()}.", "success")
    else:
        flash("Choose received, in conversation or closed.", "error")
    return hx_redirect(url_for("opportunities.applicants", opening_id=opening.id))


@bp.route("/opportunities/mine")
@board_required
def mine():
    member = is_member(current_user)
    return render_template("opportunities/mine.html", openings=services.mine(current_user), today=date.today(),
                           applications=applications.of_member(current_user) if member else [],
                           alerts=alerts.of_member(current_user) if member else [])


# --- saved searches --------------------------------------------------------------------------

@bp.route("/opportunities/alerts", methods=["POST"])
@board_required
def save_alert():
    require(is_member(current_user), "Saved searches are for members.")
    query = request.form.get("query", "")[:500]
    try:
        alert = alerts.save(member=current_user, args=MultiDict(parse_qsl(query)))
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(f"Saved: you'll hear of new openings for “{alert.label}” in your notifications "
              "(and by email, unless your notification settings say otherwise).", "success")
    return hx_redirect(url_for("opportunities.index") + (f"?{query}" if query else ""))


@bp.route("/opportunities/alerts/<int:alert_id>/delete", methods=["POST"])
@board_required
def delete_alert(alert_id: int):
    require_found(alerts.delete(member=current_user, alert_id=alert_id) or None)
    flash("Deleted: no more mail for that search.", "success")
    return hx_redirect(url_for("opportunities.mine"))
