from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import limiter
from ..fragments import fragment
from ..forms import ServiceError, attach_error
from ..htmx import hx_redirect, is_htmx, vary_on_htmx
from ..members import services as members
from ..models import EmployerKind, Seeking
from ..models.talent import SHAREABLE
from ..params import page_arg, year_value
from ..permissions import (can_contact_from_pool, can_edit_profile, employer_required, is_employer, member_required,
                           require, require_found, talent_pool_required)
from . import employers, lists, pool, services
from .forms import (BlockForm, EmployerContactForm, EmployerRegisterForm, ListNameForm, SaveToListForm,
                    TalentForm)

bp = Blueprint("talent", __name__)

REGISTERED = ("Thanks! A moderator will check your organisation and approve your account, usually within a "
              "day. We'll email you as soon as it is approved.")


@bp.route("/register/employer", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register_employer():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = EmployerRegisterForm()
    if form.validate_on_submit():
        try:
            employers.register_employer(
                email=form.email.data, username=form.username.data, display_name=form.display_name.data,
                password=form.password.data, organisation=form.organisation.data, kind=form.kind.data,
                website=form.website.data or "", verification=form.verification.data or "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(REGISTERED, "success")
            return redirect(url_for("auth.login"), code=303)
    form.password.data = ""
    status = 422 if form.errors or form.form_errors else 200
    return render_template("talent/register.html", form=form, kinds=EmployerKind.LABELS), status


def _filters() -> pool.PoolFilters:
    args = request.args
    return pool.PoolFilters(
        region=args.get("region", "")[:64], program=args.get("program", "")[:64], cohort=year_value(args.get("cohort")),
        tag=args.get("tag", "")[:80],
        level=args.get("level", "") if args.get("level") in Seeking.LEVELS else "",
        kind=args.get("kind", "") if args.get("kind") in Seeking.KINDS else "",
        available=args.get("available", "") if args.get("available") in pool.AVAILABLE else "",
        q=" ".join(args.get("q", "").split())[:100], page=page_arg())


@bp.route("/talent")
@talent_pool_required
def index():
    filters = _filters()
    # Cached per filters, viewer (blocks are per organisation) and day; any write invalidates it, so a
    # member who leaves the pool is gone from the next request.
    html = fragment("pool", filters, pool.audience(current_user), date.today(), timeless=True,
                    render=lambda: _pool_html(filters))
    if is_htmx():
        return vary_on_htmx(make_response(html))
    return vary_on_htmx(make_response(render_template("talent/index.html", pool=html)))


def _pool_html(filters: pool.PoolFilters) -> str:
    result = pool.pool(filters, current_user)
    saved = (lists.names_by_member(current_user, [c.view.id for c in result.cards])
             if is_employer(current_user) and result.cards else {})
    return render_template("talent/_pool.html", filters=filters, result=result, seeking=Seeking, saved=saved)


def _card_page(member, *, form=None, save_form=None, status: int = 200):
    on_lists, others = lists.for_card(current_user, member.id) if is_employer(current_user) else ([], [])
    if is_employer(current_user):
        save_form = save_form or SaveToListForm(formdata=None)
        save_form.list_id.choices = [(0, "— choose a list —")] + [(saved.id, saved.name) for saved in others]
    return make_response(render_template(
        "talent/card.html", card=pool.card_of(member), seeking=Seeking, save_form=save_form, on_lists=on_lists,
        form=form or (EmployerContactForm(formdata=None) if can_contact_from_pool(current_user) else None)), status)


@bp.route("/talent/<username>")
@talent_pool_required
def card(username: str):
    member_id = require_found(pool.pool_member_id(username, current_user))
    if is_employer(current_user):  # recorded first: the commit would expire a card loaded before it
        services.record_view(employer_id=current_user.id, member_id=member_id)
    return _card_page(pool.load_member(member_id))


@bp.route("/talent/<username>/contact", methods=["POST"])
@talent_pool_required
def contact(username: str):
    member = require_found(pool.pool_member(username, current_user))
    require(can_contact_from_pool(current_user), "Only employer accounts write to pool members from here.")
    form = EmployerContactForm()
    sent = False
    if form.validate():
        try:
            services.contact_member(employer=current_user, member=member, message=form.message.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            sent = True
    if sent and not is_htmx():
        flash(f"Your message is on its way to {member.display_name}.", "success")
        return hx_redirect(url_for("talent.card", username=member.username))
    if is_htmx():
        return vary_on_htmx(make_response(render_template("talent/_contact.html", card=pool.card_of(member),
                                                          form=form, sent=sent), 200 if sent else 422))
    return _card_page(member, form=form, status=422)


# --- an employer's saved lists -------------------------------------------------------------------

@bp.route("/talent/lists", methods=["GET", "POST"])
@employer_required
def saved_lists():
    form = ListNameForm()
    if form.validate_on_submit():
        try:
            saved = lists.create(current_user, form.name.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(f"“{saved.name}” is ready: save members to it from their cards.", "success")
            return redirect(url_for("talent.saved_list", list_id=saved.id), code=303)
    return render_template("talent/lists.html", form=form, summaries=lists.lists_of(current_user)), \
        422 if form.errors or form.form_errors else 200


def _owned(list_id: int):
    return require_found(lists.owned(current_user, list_id))


def _list_page(saved, rename_form=None, status: int = 200):
    return make_response(render_template(
        "talent/list.html", saved=saved, cards=lists.members(saved, current_user), seeking=Seeking,
        rename_form=rename_form or ListNameForm(formdata=None, name=saved.name)), status)


@bp.route("/talent/lists/<int:list_id>")
@employer_required
def saved_list(list_id: int):
    return _list_page(_owned(list_id))


@bp.route("/talent/lists/<int:list_id>/rename", methods=["POST"])
@employer_required
def rename_list(list_id: int):
    saved, form = _owned(list_id), ListNameForm()
    if form.validate():
        try:
            lists.rename(current_user, saved, form.name.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash("Renamed.", "success")
            return redirect(url_for("talent.saved_list", list_id=saved.id), code=303)
    return _list_page(saved, form, 422)


@bp.route("/talent/lists/<int:list_id>/delete", methods=["POST"])
@employer_required
def delete_list(list_id: int):
    saved = _owned(list_id)
    name = saved.name
    lists.remove_list(saved)
    flash(f"“{name}” is deleted.", "success")
    return redirect(url_for("talent.saved_lists"), code=303)


@bp.route("/talent/<username>/lists", methods=["POST"])
@employer_required
def save_to_list(username: str):
    member = require_found(pool.pool_member(username, current_user))
    form = SaveToListForm()
    if form.validate():
        try:
            saved = lists.add(current_user, member, list_id=form.list_id.data, new_name=form.new_list.data or "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(f"{member.display_name} is on “{saved.name}”.", "success")
            return redirect(url_for("talent.card", username=member.username), code=303)
    return _card_page(member, save_form=form, status=422)


@bp.route("/talent/lists/<int:list_id>/remove", methods=["POST"])
@employer_required
def take_off_list(list_id: int):
    """Take one member off a list; back to the list, or to their card when asked from there."""
    saved = _owned(list_id)
    member = require_found(pool.pool_member(request.form.get("username", ""), current_user))
    lists.take_off(saved, member.id)
    flash(f"{member.display_name} is off “{saved.name}”.", "success")
    if request.form.get("back") == "card":
        return redirect(url_for("talent.card", username=member.username), code=303)
    return redirect(url_for("talent.saved_list", list_id=saved.id), code=303)


# --- the member's own pool settings ------------------------------------------------------------

def _own(username: str):
    member = require_found(members.get_member(username))
    require(can_edit_profile(current_user, member), "You can only change your own pool settings.")
    return member


def _talent_form(member, formdata=None) -> TalentForm:
    talent = services.talent_profile(member)
    form = TalentForm(formdata=formdata, obj=None if formdata else talent)
    form.regions.choices = services.metros()
    if formdata is None:
        form.kinds.data = talent.sought("kind")
        form.levels.data = talent.sought("level")
        form.sectors.data = talent.sought("sector")
        form.regions.data = [r.id for r in talent.regions]
    return form


def _settings_page(member, form, block_form, status=200):
    blocked = services.blocks(member)
    taken = {b.organisation_key for b in blocked}
    block_form.organisation.choices = [("", "—")] + [(name, name) for key, name in employers.organisations()
                                                       if key not in taken]
    return make_response(render_template(
        "talent/settings.html", member=member, form=form, block_form=block_form, blocked=blocked,
        viewers=services.viewers(member), shareable=SHAREABLE), status)


@bp.route("/members/<username>/talent", methods=["GET", "POST"])
@member_required
def settings(username: str):
    member = _own(username)
    form = _talent_form(member, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.save_talent(member, services.TalentInput(
                is_open=form.is_open.data, kinds=form.kinds.data or [], levels=form.levels.data or [],
                sectors=form.sectors.data or [], region_ids=form.regions.data or [], remote=form.remote.data,
                available_from=form.available_from.data, note=form.note.data or "",
                shares={f: form[f"share_{f}"].data for f in SHAREABLE}))
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash("You are in the talent pool." if form.is_open.data else "You are not in the talent pool.", "success")
            return hx_redirect(url_for("talent.settings", username=member.username))
    return _settings_page(member, form, BlockForm(formdata=None), 422 if request.method == "POST" else 200)


@bp.route("/members/<username>/talent/blocks", methods=["POST"])
@member_required
def blocks(username: str):
    member = _own(username)
    form = BlockForm()
    form.organisation.choices = [(name, name) for _, name in employers.organisations()]
    if request.form.get("unblock"):
        services.unblock(member, request.form["unblock"])
        flash("Unblocked.", "success")
        return hx_redirect(url_for("talent.settings", username=member.username))
    if form.validate():
        try:
            services.block(member, form.organisation.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(f"{form.organisation.data} no longer sees you in the talent pool.", "success")
            return hx_redirect(url_for("talent.settings", username=member.username))
    return _settings_page(member, _talent_form(member), form, 422)
