from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, make_response, render_template, request, url_for
from flask_login import current_user

from ..forms import ServiceError, attach_error
from ..fragments import fragment
from ..htmx import hx_redirect, is_htmx, vary_on_htmx
from ..models import Offer, Sector, Visibility
from ..moderation.forms import SuspendForm
from ..notifications import watching
from ..opportunities import services as opportunities
from ..permissions import (can_contact, can_edit_profile, can_moderate, can_suspend, member_required, require,
                           require_found)
from ..taxonomy.forms import read_tags
from ..params import page_arg, year_value
from . import directory as dir_service, privacy, regionmap, services
from .forms import ContactForm, ProfileForm

bp = Blueprint("members", __name__)


def _filters() -> dir_service.Filters:
    args = request.args
    cohort = args.get("cohort", "")
    sort = args.get("sort", "nearby")
    return dir_service.Filters(
        region=args.get("region", "")[:64], program=args.get("program", "")[:64],
        cohort=year_value(cohort),
        sector=args.get("sector", "") if args.get("sector") in Sector.ALL else "",
        tag=args.get("tag", "")[:80], offer=args.get("offer", "") if args.get("offer") in Offer.ALL else "",
        q=" ".join(args.get("q", "").split())[:100], sort=sort if sort in dir_service.SORTS else "nearby",
        page=page_arg())


def _directory_html(filters: dir_service.Filters, endpoint: str):
    """The directory (filters, counts, cards) as the viewer's audience sees it: the same for every
    member in the same programs and metro region, so it is cached like any other fragment."""
    audience = privacy.audience_of(current_user)
    metro = dir_service.reference().metro_of(current_user.region_id)
    return fragment("directory", endpoint, filters, audience.key, metro.slug if metro else "", render=lambda: (
        render_template("members/_directory.html", filters=filters, sorts=dir_service.SORTS, endpoint=endpoint,
                        result=dir_service.directory(filters, current_user))))


@bp.route("/members")
@member_required
def index():
    html = _directory_html(_filters(), "members.index")
    if is_htmx():
        return vary_on_htmx(make_response(html))
    return vary_on_htmx(make_response(render_template("members/index.html", directory=html)))


@bp.route("/members/<username>")
@member_required
def profile(username: str):
    member = require_found(services.get_member(username, include_suspended=can_moderate(current_user)))
    audience = privacy.audience_of(current_user).as_owner(current_user.id)
    return render_template("members/profile.html", member=member, shown=privacy.view(member, audience),
                           contributions=services.contributions(member), contact_form=ContactForm(),
                           is_owner=member.id == current_user.id, Visibility=Visibility, privacy=privacy,
                           suspend_form=SuspendForm() if can_suspend(current_user, member) else None)


def _profile_form(member, formdata=None) -> ProfileForm:
    form = ProfileForm(formdata=formdata, obj=None if formdata else member)
    programs, regions = services.profile_choices()
    form.region.choices = [(0, "—")] + regions
    for row in form.affiliations:
        row.program.choices = [(0, "—")] + programs
    if formdata is None:
        form.region.data = member.region_id or 0
        form.expertise.data = ", ".join(t.name for t in member.expertise)
        form.offers.data = member.offers
        for row, affiliation in zip(form.affiliations, member.affiliations):
            row.program.data = affiliation.program_id
            row.cohort_year.data = affiliation.cohort_year
            row.capacity.data = affiliation.capacity
        form.bio.data = member.bio_source
    return form


def _profile_input(form: ProfileForm, expertise) -> services.ProfileInput:
    rows = [(r.program.data, r.cohort_year.data, r.capacity.data) for r in form.affiliations
            if r.program.data and r.cohort_year.data]
    return services.ProfileInput(
        display_name=form.display_name.data, headline=form.headline.data or "",
        organisation=form.organisation.data or "", sector=form.sector.data or "",
        region_id=form.region.data or None, bio=form.bio.data or "", expertise=expertise,
        offers=form.offers.data or [], offer_capacity=form.offer_capacity.data, affiliations=rows,
        visibility={f: getattr(form, f"show_{f}").data for f in privacy.FIELDS})


@bp.route("/members/<username>/edit", methods=["GET", "POST"])
@member_required
def edit(username: str):
    member = require_found(services.get_member(username))
    require(can_edit_profile(current_user, member), "You can only edit your own profile.")
    form = _profile_form(member, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        choice = read_tags(form.expertise)
        if choice is not None and choice.unknown:
            form.expertise.errors = [*form.expertise.errors, "Not in the shared taxonomy: " + ", ".join(
                f"“{w}”" for w in choice.unknown) + ". Pick existing tags (browse them on the Tags page)."]
        elif choice is not None:
            try:
                services.update_profile(member, _profile_input(form, choice.tags))
            except ServiceError as error:
                attach_error(form, error)
            else:
                flash("Your profile is saved.", "success")
                return hx_redirect(url_for("members.profile", username=member.username))
    status = 422 if request.method == "POST" else 200
    return make_response(render_template("members/edit.html", form=form, member=member,
                                         privacy=privacy), status)


@bp.route("/members/<username>/contact", methods=["POST"])
@member_required
def contact(username: str):
    member = require_found(services.get_member(username))
    require(can_contact(current_user, member), "You cannot send a contact request to this member.")
    form = ContactForm()
    sent = False
    if form.validate():
        try:
            services.send_contact_request(sender=current_user, recipient=member, message=form.message.data,
                                          offer=form.offer.data or "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            sent = True
    if is_htmx():
        return vary_on_htmx(make_response(render_template("members/_contact.html", member=member, form=form,
                                                          sent=sent), 200 if sent else 422))
    if sent:
        flash(f"Your message is on its way to {member.display_name}.", "success")
        return hx_redirect(url_for("members.profile", username=member.username))
    return make_response(render_template("members/contact.html", member=member, form=form), 422)


@bp.route("/inbox")
@member_required
def inbox():
    return render_template("members/inbox.html", requests=services.inbox(current_user))


@bp.route("/regions")
@member_required
def regions():
    audience = privacy.audience_of(current_user)

    def body() -> str:
        summaries = services.region_summaries(audience)
        drawn = regionmap.region_map([(s.region.slug, s.region.name, s.region.latitude, s.region.longitude,
                                       s.members) for s in summaries])
        return render_template("members/_regions.html", summaries=summaries, map=drawn)

    return render_template("members/regions.html", body=fragment("regions", audience.key, render=body))


@bp.route("/regions/<slug>")
@member_required
def region(slug: str):
    ref = dir_service.reference()
    place = require_found(ref.regions.get(slug))
    filters = dir_service.Filters(**{**_filters().__dict__, "region": place.slug})
    # Before the directory: its audience needs the affiliations this loads.
    level = watching.level_and_affiliations_of(current_user, "region", place.id) if not is_htmx() else None
    html = _directory_html(filters, "members.region")
    if is_htmx():
        return vary_on_htmx(make_response(html))
    audience = privacy.audience_of(current_user)
    # The most common expertise is the directory's expertise facet for the whole region.
    head = fragment("region-head", place.slug, audience.key, bool(filters.tag), render=lambda: render_template(
        "members/_region_head.html", place=place, parent=ref.parent_of(place), children=ref.children_of(place),
        filters=filters, top_tags=dir_service.directory_counts(
            dir_service.Filters(region=place.slug), current_user).facets["tag"][:6]))
    writing = fragment("region-writing", place.slug, audience.key, render=lambda: render_template(
        "members/_region_writing.html", place=place, writing=services.region_writing(
            ref.region_ids(place.slug), audience)))
    today = date.today()
    openings = fragment("region-openings", place.slug, today.isoformat(), render=lambda: render_template(
        "opportunities/_region.html", place=place, today=today,
        openings=opportunities.in_region(ref.region_ids(place.slug), today=today)))
    return vary_on_htmx(make_response(render_template(
        "members/region.html", place=place, head=head, directory=html, writing=writing, openings=openings,
        watch_level=level)))
