from __future__ import annotations

import re

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..fragments import CSRF_SLOT, cached, fragment, with_csrf
from ..htmx import hx_redirect, is_htmx, render, vary_on_htmx
from ..params import MAX_PAGE, page_arg, to_id
from ..markup import render_markdown
from ..forms import ServiceError, attach_error
from ..moderation import flags, thread_actions
from ..notifications import reading
from ..permissions import (can_edit_post, can_flag, can_moderate_thread, can_reply, can_view_post, can_view_thread,
                           can_start_thread, edit_needs_reason, member_required, require, require_found)
from . import services
from ..taxonomy.forms import proposed_sentence, read_tags
from ..taxonomy.services import tag_field_value
from .forms import BODY_MAX, EditPostForm, FlagForm, PreviewForm, ReplyForm, ThreadForm, category_choices

bp = Blueprint("threads", __name__)
PREVIEW_ID = re.compile(r"[a-z0-9-]{1,60}")
# What a member is told once they post. A held post's message is flashed as "held": the page it lands
# on then leaves out its own standing notice, so that the member reads it once.
THREAD_POSTED = "Thanks! Your thread is posted."
THREAD_HELD = ("Thanks! Your thread waits for a moderator's review: only you and the moderators see it "
               "until then. We'll list it as soon as it is approved.")
REPLY_POSTED = "Thanks! Your reply is posted."
REPLY_HELD = ("Thanks! Your reply waits for a moderator's review: it appears on the thread once approved. "
              "Until then only you can see it, below.")


def _page_arg() -> int:
    return page_arg()


def _post_url(post, page: int | None = None) -> str:
    page = page or services.page_of_post(post)
    return url_for("threads.thread", thread_id=post.thread_id, page=page if page > 1 else None) + f"#post-{post.id}"


def _preview(form) -> str | None:
    """The server-rendered preview, when the member pressed Preview (the no-JS path)."""
    return render_markdown(form.body.data or "") if "preview" in request.form else None


def _visible_thread(thread_id: int, thread=None):
    thread = thread or services.get_thread(thread_id)
    # A draft is answered as missing: others must not learn it exists.
    return require_found(thread if thread and can_view_thread(current_user, thread) else None)


def _visible_post(post_id: int):
    post = services.get_post(post_id)
    return require_found(post if post and can_view_post(current_user, post) else None)


@bp.route("/threads")
@member_required
def latest():
    return _listing(None)


@bp.route("/c/<slug>")
@member_required
def category(slug: str):
    return _listing(require_found(services.category_by_slug(slug)))


def thread_list_html(category=None, *, page: int = 1, pager: bool = True, per_page: int | None = None,
                     view: reading.ListView | None = None):
    """The thread list as this member sees it: the list shared by every member with the same mutes
    (most have none; cached until the content changes), with their own "N new" filled in."""
    view = view or reading.list_view(current_user)
    hidden = view.hidden
    shared = fragment("thread-list", category.id if category else None, page, pager, per_page, hidden.key,
                      render=lambda: render_template(
                          "threads/_thread_list.html", category=category, pager=pager,
                          listing=services.latest_threads(category=category, page=page, per_page=per_page,
                                                          hidden=hidden)))
    return reading.with_new_counts(shared, current_user)


def categories_html(category=None):
    return fragment("categories", category.id if category else None,
                    render=lambda: render_template("threads/_categories.html", category=category,
                                                   categories=services.categories()))


def _listing(category):
    view = reading.list_view(current_user, category.id if category else None)
    thread_list = thread_list_html(category, page=_page_arg(), view=view)
    if is_htmx():
        return vary_on_htmx(make_response(thread_list))
    return vary_on_htmx(make_response(render_template(
        "threads/latest.html", thread_list=thread_list, categories=categories_html(category), category=category,
        watch_level=view.level_here)))


@bp.route("/threads/new", methods=["GET", "POST"])
@member_required
def new_thread():
    require(can_start_thread(current_user))
    form = ThreadForm()
    form.category.choices = category_choices(services.categories())
    if request.method == "GET" and request.args.get("category"):
        chosen = services.category_by_slug(request.args["category"])
        form.category.data = chosen.id if chosen else None
    preview = _preview(form)
    if preview is None and form.validate_on_submit() and (choice := read_tags(form.tags)):
        try:
            thread = services.start_thread(author=current_user, title=form.title.data, category_id=form.category.data,
                                           body=form.body.data, tags=choice.tags, proposals=choice.unknown)
        except ServiceError as error:
            attach_error(form, error)  # refused: the form comes back with the text
        else:
            told = f"{THREAD_HELD if thread.is_held else THREAD_POSTED} {proposed_sentence(choice.unknown)}"
            flash(told.strip(), "held" if thread.is_held else "success")
            return redirect(url_for("threads.thread", thread_id=thread.id, slug=thread.slug), code=303)
    status = 422 if form.errors else 200
    return render_template("threads/new.html", form=form, preview=preview), status


@bp.route("/t/<int:thread_id>")
@bp.route("/t/<int:thread_id>/<slug>")
@member_required
def thread(thread_id: int, slug: str | None = None):
    page_given = "page" in request.args
    # The thread and where this member stands in it, in one statement.
    visit = reading.visit(current_user, thread_id, per_page=services.posts_per_page(), find_unread=not page_given)
    thread = visit.thread if visit else None
    if thread is not None and thread.status == thread.MERGED:
        destination = require_found(thread_actions.merged_destination(thread))
        return redirect(url_for("threads.thread", thread_id=destination.id, slug=destination.slug,
                                page=request.args.get("page")), code=301)
    thread = _visible_thread(thread_id, thread)
    if thread.is_practice:
        return redirect(url_for("practices.practice", thread_id=thread.id, page=request.args.get("page")))
    if visit.first_unread and visit.last_read is not None:
        return _to_first_unread(thread, visit)
    page, _ = services.page_bounds(thread, _page_arg())
    posts, last_post_id = _posts_page(thread, page)
    response = render("threads/thread.html", "threads/_thread.html", thread=thread, head_html=head_html(thread),
                      posts_html=posts, reply_form_html=reply_form_html(thread, page), watch_level=visit.level,
                      first_post=_promotable_first_post(thread, page), held=services.held_replies(thread, current_user),
                      proposals=services.proposals_shown_to(current_user, thread))
    reading.record_read(user=current_user, thread_id=thread.id, last_post_id=last_post_id, known=visit.last_read)
    return response


def _to_first_unread(thread, visit: reading.Visit):
    """Where the member stopped reading: the page of their first unread post (the page always named,
    so that coming back is not sent on again), scrolled to it."""
    url = url_for("threads.thread", thread_id=thread.id, slug=thread.slug,
                  page=visit.first_unread_page) + f"#post-{visit.first_unread}"
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true":
        # htmx follows a redirect without its #fragment: a full load scrolls to the post.
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return vary_on_htmx(response)
    return vary_on_htmx(redirect(url))


def _promotable_first_post(thread, page: int):
    """The opening post, when this viewer might turn the thread into a practice."""
    if page == 1 and (thread.author_id == current_user.id or can_moderate_thread(current_user, thread)):
        return services.first_post(thread)
    return None


def head_html(thread):
    """Title, category, tags and activity: the same for every reader."""
    return fragment("thread-head", thread.id, render=lambda: render_template(
        "threads/_thread_head.html", thread=thread, tags=services.chosen_tags(thread)))


def reply_form_html(thread, page: int, form: ReplyForm | None = None, preview: str | None = None):
    """The reply form; an empty one is the same for every reader but for the CSRF token."""
    if form is None:
        html = fragment("reply-form", thread.id, page, render=lambda: render_template(
            "threads/_reply_form.html", thread=thread, form=ReplyForm(formdata=None, page=page), preview=None,
            csrf_value=CSRF_SLOT))
        return with_csrf(html, generate_csrf())
    return Markup(render_template("threads/_reply_form.html", thread=thread, form=form, preview=preview))


def posts_html(thread, page: int, *, skip_first: bool = False):
    """A page of posts, shared by readers with the same controls on it (cached until content changes)."""
    return _posts_page(thread, page, skip_first=skip_first)[0]


def _posts_page(thread, page: int, *, skip_first: bool = False) -> tuple[Markup, int | None]:
    """A page of posts, and the id of its last post (how far its reader has read)."""
    def render_page() -> tuple[Markup, int | None]:
        posts = services.thread_posts(thread, page)
        html = render_template("threads/_posts.html", thread=thread, skip_first=skip_first, posts=posts,
                               csrf_value=CSRF_SLOT)
        return Markup(html), posts.posts[-1].id if posts.posts else None

    html, last_post_id = cached("posts", thread.id, page, skip_first,
                                services.viewer_signature(thread, page, current_user), compute=render_page)
    return with_csrf(html, generate_csrf()), last_post_id  # a member may read in several sessions, each with its own token


@bp.route("/t/<int:thread_id>/reply", methods=["POST"])
@member_required
def reply(thread_id: int):
    thread = _visible_thread(thread_id)
    require(can_reply(current_user, thread), "This thread is locked: it takes no new replies.")
    form = ReplyForm()
    preview = _preview(form)
    post = None
    if preview is None and form.validate_on_submit():
        try:
            post = services.reply(author=current_user, thread=thread, body=form.body.data)
        except ServiceError as error:
            attach_error(form, error)  # refused: the form comes back with the text
    if post is not None and post.is_held:
        if is_htmx():
            return vary_on_htmx(make_response(render_template(
                "threads/_reply_held.html", thread=thread, held=services.held_replies(thread, current_user),
                form=ReplyForm(formdata=None, page=form.page.data), preview=None, told=REPLY_HELD)))
        flash(REPLY_HELD, "success")
        return redirect(url_for("threads.thread", thread_id=thread.id, slug=thread.slug, page=10**6) + "#held-replies",
                        code=303)
    if post is not None:
        page = services.page_of_post(post)
        shown_page = min(to_id(form.page.data) or 0, MAX_PAGE)
        if is_htmx() and page == shown_page:
            number = services.get_thread(thread_id).post_count
            response = make_response(render_template(
                "threads/_reply_created.html", post=post, thread=thread, number=number,
                form=ReplyForm(formdata=None, page=page), preview=None, told=REPLY_POSTED))
            return vary_on_htmx(response)
        flash(REPLY_POSTED, "success")  # a page load follows (a redirect, or htmx's to another page)
        return hx_redirect(_post_url(post, page))

    status = 422 if form.errors else 200
    if is_htmx():
        response = make_response(render_template("threads/_reply_refused.html", thread=thread, form=form,
                                                 preview=preview), status)
        response.headers["HX-Retarget"] = "#reply-form"
        response.headers["HX-Reswap"] = "outerHTML"
        return vary_on_htmx(response)
    # Without JavaScript: the thread's last page with the form, the preview and the text kept.
    page, _ = services.page_bounds(thread, 10**6)
    return render_template("threads/thread.html", thread=thread, form=form, head_html=head_html(thread),
                           posts_html=posts_html(thread, page), reply_form_html=reply_form_html(thread, page, form, preview),
                           first_post=_promotable_first_post(thread, page),
                           held=services.held_replies(thread, current_user),
                           proposals=services.proposals_shown_to(current_user, thread)), status


@bp.route("/p/<int:post_id>/flag", methods=["GET", "POST"])
@member_required
def flag_post(post_id: int):
    """A member asks the moderators to look at a post (the third member's flag hides it for review)."""
    post = _visible_post(post_id)
    require(can_flag(current_user, post), "You cannot flag this post.")
    form = FlagForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            flags.flag_post(member=current_user, post=post, reason=form.reason.data, note=form.note.data or "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            if is_htmx():
                return vary_on_htmx(make_response(render_template("threads/_flagged.html", post=post)))
            flash("Thanks: the moderators will look at this post.", "success")
            return redirect(_post_url(post), code=303)
    status = 422 if request.method == "POST" else 200
    template = "threads/_flag_form.html" if is_htmx() else "threads/flag.html"
    return vary_on_htmx(make_response(render_template(template, post=post, form=form), status))


@bp.route("/p/<int:post_id>")
@member_required
def post(post_id: int):
    """A post's permalink; htmx gets the post alone (used by "cancel" in inline editing)."""
    post = _visible_post(post_id)
    if is_htmx():
        return render("threads/_post.html", "threads/_post.html", post=post, thread=post.thread,
                      number=None)
    return redirect(_post_url(post))


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@member_required
def edit_post(post_id: int):
    post = _visible_post(post_id)
    require(can_edit_post(current_user, post), "You can only edit your own posts.")
    first = services.is_first_post(post)
    if first and post.thread.is_practice:
        return hx_redirect(url_for("practices.edit", thread_id=post.thread_id))
    form = EditPostForm(data={"title": post.thread.title, "body": post.body_source,
                              "tags": tag_field_value(post.thread)})
    if not first:
        del form.title, form.tags
    if not edit_needs_reason(current_user, post.author_id):
        del form.reason
    preview = _preview(form)
    valid = preview is None and form.validate_on_submit()
    choice = read_tags(form.tags) if valid and first else None
    saved = False
    if valid and (choice or not first):
        try:
            services.edit_post(post=post, body=form.body.data, title=form.title.data if first else None,
                               tags=choice.tags if choice else None, proposals=choice.unknown if choice else (),
                               editor=current_user, reason=(form.reason.data or "") if "reason" in form else "")
            saved = True
        except ServiceError as error:
            attach_error(form, error)
    if saved:
        if is_htmx():
            post = services.get_post(post_id)
            return render("threads/_post.html", "threads/_post_edited.html", post=post,
                          thread=post.thread, number=None, retitled=first)
        return redirect(_post_url(post), code=303)
    status = 422 if form.errors else 200
    return render("threads/edit.html", "threads/_post_edit_form.html", status=status, post=post,
                  form=form, preview=preview, first=first,
                  proposals=services.proposals_shown_to(current_user, post.thread) if first else [])


@bp.route("/preview", methods=["POST"])
@member_required
def preview():
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    text = form.body.data or ""
    too_long = len(text) > BODY_MAX
    html = None if too_long else render_markdown(text)
    preview_id = request.form.get("preview_id", "")
    if not PREVIEW_ID.fullmatch(preview_id):
        preview_id = "body-preview"
    return vary_on_htmx(make_response(render_template("threads/_preview.html", preview=html,
                                                      too_long=too_long, preview_id=preview_id)))
