from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..feeds import atom_response, feed_key, require_feed_reader
from ..forms import ServiceError, attach_error
from ..htmx import is_htmx, render
from ..models import Program, Tag, TagGroup, TagProposal, Thread
from ..notifications import reading, watching
from ..permissions import can_manage_tags, member_required, require, require_found
from ..practices import services as practices
from . import services
from .forms import AliasForm, MergeForm, ProposalDecisionForm, TagEditForm

bp = Blueprint("taxonomy", __name__)
NOT_A_MODERATOR = "Only moderators can change the taxonomy."


@bp.route("/tags")
@member_required
def index():
    proposals = len(services.pending_proposals()) if can_manage_tags(current_user) else 0
    groups = services.groups_with_tags()
    children: dict[int, list[Tag]] = {}
    for group in groups:
        for tag in group.tags:
            children.setdefault(tag.parent_id, []).append(tag)
    return render_template("taxonomy/index.html", groups=groups, children=children,
                           counts=services.usage_counts(), proposals=proposals)


@bp.route("/tags/suggest")
@member_required
def suggest():
    """The tag picker's live help: how each typed word will be filed, and suggestions for the last one."""
    typed = (request.args.get("tags") or request.args.get("q") or "")[:600]
    words = services.split_words(typed)
    complete, last = (words, "") if typed.rstrip().endswith(",") else (words[:-1], words[-1] if words else "")
    resolved = [(w, services.resolve(w)) for w in complete]
    return render_template("taxonomy/_suggest.html", resolved=resolved, last=last,
                           current=services.resolve(last) if last else None,
                           suggestions=services.suggest(last) if last else [], field_id=request.args.get("field", "tags"))


@bp.route("/tags/<slug>")
@member_required
def tag(slug: str):
    tag = services.tag_by_slug(slug)
    if tag is None:
        alias = require_found(services.alias_by_key(services.tag_key(slug)))
        return redirect(url_for("taxonomy.tag", slug=alias.tag.slug), code=301)
    counts = services.usage_counts()
    muted = reading.list_view(current_user).hidden
    # Muted threads and categories leave the lists; the tag's own page lists it even when muted, as a category's does.
    leave_out = replace(muted, tags=muted.tags - {tag.id}).where()
    return render_template("taxonomy/tag.html", tag=tag, counts=counts,
                           practices=practices.filed_under(tag, kind=Thread.PRACTICE, leave_out=leave_out),
                           threads=practices.filed_under(tag, kind=Thread.DISCUSSION, leave_out=leave_out),
                           feed_url=_feed_url("taxonomy.feed", slug=tag.slug),
                           watch_level=watching.level_of(current_user, "tag", tag.id))


@bp.route("/tags/<slug>.atom")
def feed(slug: str):
    reader = require_feed_reader()
    tag = require_found(services.tag_by_slug(slug))
    return atom_response(title=f"Exchange: {tag.name}", entries=practices.feed_entries(tag=tag),
                         self_url=_feed_url("taxonomy.feed", reader=reader, slug=slug),
                         page_url=url_for("taxonomy.tag", slug=slug, _external=True))


def _feed_url(endpoint: str, reader=None, **values) -> str:
    return url_for(endpoint, key=feed_key(reader or current_user), _external=True, **values)


# --- moderators -------------------------------------------------------------------------------

def _group_choices() -> list[tuple[int, str]]:
    return [(g.id, g.name) for g in db.session.scalars(select(TagGroup).order_by(TagGroup.position))]


def _parent_choices(exclude: Tag | None = None) -> list[tuple[int, str]]:
    return [(0, "— none —")] + [(t.id, f"{t.name} ({t.group.name})") for t in services.all_tags()
                                if exclude is None or t.id != exclude.id]


def _program_choices() -> list[tuple[int, str]]:
    return [(0, "Common usage")] + [(p.id, p.short_name) for p in db.session.scalars(select(Program))]


@bp.route("/tags/<slug>/edit", methods=["GET", "POST"])
@member_required
def edit(slug: str):
    require(can_manage_tags(current_user), NOT_A_MODERATOR)
    tag = require_found(services.tag_by_slug(slug))
    form = TagEditForm(obj=tag, group=tag.group_id, parent=tag.parent_id or 0)
    form.group.choices, form.parent.choices = _group_choices(), _parent_choices(tag)
    if form.validate_on_submit():
        try:
            services.update_tag(tag=tag, actor=current_user, name=form.name.data, guidance=form.guidance.data,
                                group=db.session.get(TagGroup, form.group.data),
                                parent=db.session.get(Tag, form.parent.data) if form.parent.data else None)
            flash(f"Saved {tag.name}.", "success")
            return redirect(url_for("taxonomy.tag", slug=tag.slug), code=303)
        except ServiceError as error:
            attach_error(form, error)
    return _edit_page(tag, form=form)


def _edit_page(tag: Tag, *, form=None, alias_form=None, merge_form=None):
    if form is None:
        form = TagEditForm(obj=tag, group=tag.group_id, parent=tag.parent_id or 0, formdata=None)
        form.group.choices, form.parent.choices = _group_choices(), _parent_choices(tag)
    alias_form = alias_form or AliasForm(formdata=None)
    alias_form.program.choices = _program_choices()
    merge_form = merge_form or MergeForm(formdata=None)
    status = 422 if (form.errors or alias_form.errors or merge_form.errors) else 200
    return render_template("taxonomy/edit.html", tag=tag, form=form, alias_form=alias_form,
                           merge_form=merge_form), status


@bp.route("/tags/<slug>/aliases", methods=["POST"])
@member_required
def add_alias(slug: str):
    require(can_manage_tags(current_user), NOT_A_MODERATOR)
    tag = require_found(services.tag_by_slug(slug))
    form = AliasForm()
    form.program.choices = _program_choices()
    if form.validate_on_submit():
        try:
            services.add_alias(tag=tag, name=form.name.data, actor=current_user,
                               program=db.session.get(Program, form.program.data) if form.program.data else None)
            flash(f"“{form.name.data}” now files under {tag.name}.", "success")
            return redirect(url_for("taxonomy.edit", slug=tag.slug), code=303)
        except ServiceError as error:
            attach_error(form, error)
    return _edit_page(tag, alias_form=form)


@bp.route("/tags/<slug>/merge", methods=["POST"])
@member_required
def merge(slug: str):
    require(can_manage_tags(current_user), NOT_A_MODERATOR)
    tag = require_found(services.tag_by_slug(slug))
    form = MergeForm()
    if form.validate_on_submit():
        match = services.resolve(form.target.data)
        try:
            if match is None:
                raise ServiceError(f"There is no tag called “{form.target.data}”.", "target")
            name = tag.name
            target = services.merge_tag(source=tag, target=match.tag, actor=current_user)
            flash(f"Merged {name} into {target.name}; its content is re-tagged.", "success")
            return redirect(url_for("taxonomy.tag", slug=target.slug), code=303)
        except ServiceError as error:
            attach_error(form, error)
    return _edit_page(tag, merge_form=form)


@bp.route("/tags/proposals")
@member_required
def proposals():
    require(can_manage_tags(current_user), NOT_A_MODERATOR)
    return render_template("taxonomy/proposals.html", proposals=services.pending_proposals(),
                           form=decision_form(submitted=False))


def decision_form(*, submitted: bool) -> ProposalDecisionForm:
    form = ProposalDecisionForm() if submitted else ProposalDecisionForm(formdata=None)
    form.group.choices = _group_choices()
    form.parent.choices = _parent_choices()
    return form


@bp.route("/tags/proposals/<int:proposal_id>/<any(approve, merge, reject):action>", methods=["POST"])
@member_required
def decide(proposal_id: int, action: str):
    require(can_manage_tags(current_user), NOT_A_MODERATOR)
    proposal = require_found(db.session.get(TagProposal, proposal_id))
    form = decision_form(submitted=True)
    try:
        if not form.validate_on_submit():
            raise ServiceError("Something in the form was invalid; please try again.")
        if action == "approve":
            tag = services.approve_proposal(proposal=proposal, actor=current_user,
                                            group=db.session.get(TagGroup, form.group.data),
                                            parent=db.session.get(Tag, form.parent.data) if form.parent.data else None,
                                            guidance=form.guidance.data or "")
            message = f"“{tag.name}” is now a tag."
        elif action == "merge":
            match = services.resolve(form.target.data or "")
            if match is None:
                raise ServiceError(f"There is no tag called “{form.target.data or ''}” to merge into.")
            services.merge_proposal(proposal=proposal, actor=current_user, target=match.tag)
            message = f"“{proposal.name}” now files under {match.tag.name}."
        else:
            services.reject_proposal(proposal=proposal, actor=current_user)
            message = f"Rejected “{proposal.name}”."
    except ServiceError as error:
        # The moderator's typed guidance comes back with the message.
        return render("taxonomy/proposals.html", "taxonomy/_proposal.html", status=422, form=form,
                      proposals=services.pending_proposals(), proposal=proposal, error=error.message,
                      failed_id=proposal.id)
    in_queue = request.form.get("back") == "queue"
    if is_htmx():
        response = make_response(render_template("taxonomy/_proposal_done.html", proposal=proposal, message=message))
        if in_queue:
            response.headers["HX-Trigger"] = "queue-changed"  # queue.js refreshes the counts
        return response
    flash(message, "success")
    back = "moderation.queue" if in_queue else "taxonomy.proposals"
    return redirect(url_for(back), code=303)
