from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..feeds import atom_response, feed_key, require_feed_reader
from ..forms import ServiceError, attach_error
from ..params import page_arg, to_id, year_value
from ..fragments import fragment
from ..htmx import is_htmx, render, vary_on_htmx
from ..markup import render_markdown
from ..models import Post, Practice, Region, Thread
from ..permissions import (can_edit_practice, can_file_in_category, edit_needs_reason, can_mark_helpful, can_promote,
                           can_publish_practice, can_view_thread, member_required, require, require_found)
from ..taxonomy.forms import proposed_sentence, read_tags
from ..threads import services as threads
from ..threads.forms import ReplyForm, category_choices
from ..threads.routes import posts_html, reply_form_html
from . import services
from .forms import PracticeForm

bp = Blueprint("practices", __name__)


def _filters() -> services.Filters:
    args = request.args
    year = args.get("year", "")
    sort = args.get("sort", "newest")
    return services.Filters(
        tags=[t for t in args.getlist("tag") if t][:10], region=args.get("region", "")[:64],
        setting=args.get("setting", "") if args.get("setting") in services.Practice.SETTINGS else "",
        year=year_value(year),
        sort=sort if sort in services.SORTS else "newest", page=page_arg())


@bp.route("/practices")
@member_required
def library():
    filters = _filters()
    html = fragment("library", filters.cache_key(), render=lambda: render_template(
        "practices/_library.html", filters=filters, result=services.library(filters), sorts=services.SORTS))
    if is_htmx():
        return vary_on_htmx(make_response(html))
    return vary_on_htmx(make_response(render_template(
        "practices/library.html", library=html, drafts=services.my_drafts(current_user),
        feed_url=url_for("practices.feed", key=feed_key(current_user), _external=True))))


@bp.route("/practices.atom")
def feed():
    reader = require_feed_reader()
    return atom_response(title="Exchange: best practices", entries=services.feed_entries(),
                         self_url=url_for("practices.feed", key=feed_key(reader), _external=True),
                         page_url=url_for("practices.library", _external=True))


def _form(**kwargs) -> PracticeForm:
    form = PracticeForm(**kwargs)
    form.category.choices = category_choices(threads.categories())
    form.setting.choices = [(s, s.capitalize()) for s in Practice.SETTINGS]
    form.region.choices = [(0, "— choose —")] + [
        (r.id, f"{r.parent.name} › {r.name}" if r.parent else r.name)
        for r in db.session.scalars(select(Region).order_by(Region.name))]
    return form


def _input(form: PracticeForm, tags) -> services.PracticeInput:
    return services.PracticeInput(
        title=form.title.data, category_id=form.category.data, tags=tags,
        sections={name: getattr(form, name).data or "" for name in form.SECTION_FIELDS},
        setting=form.setting.data, size=form.size.data or "", region_id=form.region.data or None)


def _preview(form: PracticeForm) -> str | None:
    if "preview" not in request.form:
        return None
    return render_markdown(services.compose_body(form.title.data or "", {
        name: getattr(form, name).data or "" for name in form.SECTION_FIELDS}))


def _source_post(form: PracticeForm) -> Post | None:
    value = form.source_post.data or ""
    post_id = to_id(value)
    return threads.get_post(post_id) if post_id else None


@bp.route("/practices/new", methods=["GET", "POST"])
@member_required
def new():
    form = _form()
    if request.method == "GET":
        form.region.data = current_user.region_id or 0
    preview = _preview(form)
    source = _source_post(form)
    if source is not None and not can_promote(current_user, source.thread, source):
        source = None
    if preview is None and form.validate_on_submit() and (choice := read_tags(form.tags)):
        publish = request.form.get("action") == "publish"
        try:
            thread = services.create(author=current_user, data=_input(form, choice.tags), publish=publish,
                                     proposals=choice.unknown, source_post=source)
        except ServiceError as error:
            attach_error(form, error)  # refused: the form comes back with the text
        else:
            _flash_saved(thread, publish, "Published. Thank you for sharing what worked.",
                         "Saved as a draft: only you can see it until you publish.", choice.unknown)
            return redirect(url_for("practices.practice", thread_id=thread.id), code=303)
    status = 422 if form.errors else 200
    return render_template("practices/edit.html", form=form, preview=preview, thread=None, source=source), status


def _flash_saved(thread: Thread, publish: bool, published: str, saved: str, proposals=()) -> None:
    """What the author is told once the posting policy has had its say. A held practice is flashed as
    "held": its page then leaves out its own standing notice, so that the author reads it once."""
    if publish and thread.is_held:
        message, category = ("Thanks! Your practice waits for a moderator's review: only you and the moderators "
                             "see it until then. We'll add it to the library as soon as it is approved."), "held"
    else:
        message, category = published if publish else saved, "success"
    flash(f"{message} {proposed_sentence(proposals)}".strip(), category)


@bp.route("/practices/<int:thread_id>")
@member_required
def practice(thread_id: int):
    thread = _visible(thread_id)
    page, _ = threads.page_bounds(thread, page_arg())
    return render_template("practices/practice.html", thread=thread, practice=thread.practice,
                           posts_html=posts_html(thread, page, skip_first=True),
                           reply_form_html=reply_form_html(thread, page),
                           form=ReplyForm(page=page), preview=None,
                           helpful=services.has_marked_helpful(thread, current_user),
                           sections=services.SECTION_TITLES, held=threads.held_replies(thread, current_user),
                           proposals=threads.proposals_shown_to(current_user, thread))


def _visible(thread_id: int) -> Thread:
    thread = services.get(thread_id)
    return require_found(thread if thread and can_view_thread(current_user, thread) else None)


@bp.route("/practices/<int:thread_id>/edit", methods=["GET", "POST"])
@member_required
def edit(thread_id: int):
    thread = _visible(thread_id)
    require(can_edit_practice(current_user, thread), "Only the author or a moderator can edit this practice.")
    practice = thread.practice
    data = {name: getattr(practice, name) for name in PracticeForm.SECTION_FIELDS}
    form = _form(data={**data, "title": thread.title, "category": thread.category_id,
                       "tags": ", ".join(t.name for t in thread.tags), "setting": practice.setting,
                       "size": practice.size, "region": practice.region_id or 0})
    if not edit_needs_reason(current_user, thread.author_id):
        del form.reason
    preview = _preview(form)
    if preview is None and form.validate_on_submit() and (choice := read_tags(form.tags)):
        publish = request.form.get("action") == "publish" and can_publish_practice(current_user, thread)
        try:
            if not can_file_in_category(current_user, thread, form.category.data):
                raise ServiceError("You can move this practice only into a category you moderate.", field="category")
            services.update_practice(thread=thread, data=_input(form, choice.tags), proposals=choice.unknown,
                                     publish=publish, editor=current_user,
                                     reason=(form.reason.data or "") if "reason" in form else "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            _flash_saved(thread, publish, "Published.", "Saved.", choice.unknown)
            return redirect(url_for("practices.practice", thread_id=thread.id), code=303)
    status = 422 if form.errors else 200
    return render_template("practices/edit.html", form=form, preview=preview, thread=thread, source=None,
                           proposals=threads.proposals_shown_to(current_user, thread)), status


@bp.route("/practices/<int:thread_id>/publish", methods=["POST"])
@member_required
def publish(thread_id: int):
    thread = _visible(thread_id)
    require(can_publish_practice(current_user, thread), "Only the author can publish a draft.")
    try:
        services.publish(thread)
        _flash_saved(thread, True, "Published. Thank you for sharing what worked.", "")
    except ServiceError as error:  # missing sections, or refused past the limits: the draft stays as it is
        flash(error.message, "error")
    return redirect(url_for("practices.practice", thread_id=thread_id), code=303)


@bp.route("/practices/<int:thread_id>/helpful", methods=["POST"])
@member_required
def helpful(thread_id: int):
    thread = _visible(thread_id)
    require(can_mark_helpful(current_user, thread), "Only published practices can be marked helpful.")
    try:
        marked = services.toggle_helpful(thread=thread, user=current_user)
    except ServiceError as error:
        require(False, error.message)
    thread = services.get(thread_id)
    if is_htmx():
        return render("practices/_helpful.html", "practices/_helpful.html", thread=thread, helpful=marked)
    return redirect(url_for("practices.practice", thread_id=thread_id), code=303)


@bp.route("/t/<int:thread_id>/promote", methods=["POST"])
@bp.route("/p/<int:post_id>/promote", methods=["POST"])
@member_required
def promote(thread_id: int | None = None, post_id: int | None = None):
    """Start a draft practice prefilled from a discussion or one reply in it."""
    if post_id is not None:
        post = require_found(threads.get_post(post_id))
        thread = post.thread
    else:
        thread = require_found(threads.get_thread(thread_id))
        post = db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))
    require_found(thread if can_view_thread(current_user, thread) else None)
    require(can_promote(current_user, thread, post),
            "Only the thread's author or a moderator can turn it into a practice.")
    try:
        data = services.promotion_draft(thread=thread, post=post)
    except ServiceError as error:
        require(False, error.message)
    form = _form(formdata=None, data=data)
    return render_template("practices/edit.html", form=form, preview=None, thread=None, source=post,
                           promoting=True)
