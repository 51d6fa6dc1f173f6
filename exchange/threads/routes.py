from __future__ import annotations

import re

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..htmx import hx_redirect, is_htmx, render, vary_on_htmx
from ..markup import render_markdown
from ..permissions import (can_edit_post, can_reply, can_view_thread, can_start_thread, member_required, require,
                           require_found)
from . import services
from ..taxonomy.forms import read_tags
from ..taxonomy.services import tag_field_value
from .forms import BODY_MAX, EditPostForm, PreviewForm, ReplyForm, ThreadForm

bp = Blueprint("threads", __name__)
PREVIEW_ID = re.compile(r"[a-z0-9-]{1,60}")


def _page_arg() -> int:
    return request.args.get("page", 1, type=int) or 1


def _post_url(post, page: int | None = None) -> str:
    page = page or services.page_of_post(post)
    return url_for("threads.thread", thread_id=post.thread_id, page=page if page > 1 else None) + f"#post-{post.id}"


def _preview(form) -> str | None:
    """The server-rendered preview, when the member pressed Preview (the no-JS path)."""
    return render_markdown(form.body.data or "") if "preview" in request.form else None


def _visible_thread(thread_id: int):
    thread = services.get_thread(thread_id)
    # A draft is answered as missing: others must not learn it exists.
    return require_found(thread if thread and can_view_thread(current_user, thread) else None)


def _visible_post(post_id: int):
    post = services.get_post(post_id)
    return require_found(post if post and can_view_thread(current_user, post.thread) else None)


@bp.route("/threads")
@member_required
def latest():
    listing = services.latest_threads(page=_page_arg())
    return render("threads/latest.html", "threads/_thread_list.html", listing=listing,
                  categories=services.categories(), category=None)


@bp.route("/c/<slug>")
@member_required
def category(slug: str):
    category = require_found(services.category_by_slug(slug))
    listing = services.latest_threads(category=category, page=_page_arg())
    return render("threads/latest.html", "threads/_thread_list.html", listing=listing,
                  categories=services.categories(), category=category)


@bp.route("/threads/new", methods=["GET", "POST"])
@member_required
def new_thread():
    require(can_start_thread(current_user))
    form = ThreadForm()
    form.category.choices = [(c.id, c.name) for c in services.categories()]
    if request.method == "GET" and request.args.get("category"):
        chosen = services.category_by_slug(request.args["category"])
        form.category.data = chosen.id if chosen else None
    preview = _preview(form)
    if preview is None and form.validate_on_submit() and (choice := read_tags(form.tags)):
        thread = services.start_thread(author=current_user, title=form.title.data,
                                       category_id=form.category.data, body=form.body.data,
                                       tags=choice.tags, proposals=choice.unknown)
        return redirect(url_for("threads.thread", thread_id=thread.id, slug=thread.slug), code=303)
    status = 422 if form.errors else 200
    return render_template("threads/new.html", form=form, preview=preview), status


@bp.route("/t/<int:thread_id>")
@bp.route("/t/<int:thread_id>/<slug>")
@member_required
def thread(thread_id: int, slug: str | None = None):
    thread = _visible_thread(thread_id)
    if thread.is_practice:
        return redirect(url_for("practices.practice", thread_id=thread.id, page=request.args.get("page")))
    posts = services.thread_posts(thread, _page_arg())
    form = ReplyForm(page=posts.page)
    return render("threads/thread.html", "threads/_thread.html", thread=thread, posts=posts,
                  form=form, preview=None)


@bp.route("/t/<int:thread_id>/reply", methods=["POST"])
@member_required
def reply(thread_id: int):
    thread = _visible_thread(thread_id)
    require(can_reply(current_user, thread), "This thread is locked: it takes no new replies.")
    form = ReplyForm()
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        post = services.reply(author=current_user, thread=thread, body=form.body.data)
        page = services.page_of_post(post)
        shown_page = int(form.page.data) if (form.page.data or "").isdigit() else 0
        if is_htmx() and page == shown_page:
            number = services.get_thread(thread_id).post_count
            response = make_response(render_template(
                "threads/_reply_created.html", post=post, thread=thread, number=number,
                form=ReplyForm(formdata=None, page=page), preview=None))
            return vary_on_htmx(response)
        return hx_redirect(_post_url(post, page))

    status = 422 if form.errors else 200
    if is_htmx():
        response = make_response(render_template("threads/_reply_form.html", thread=thread, form=form,
                                                 preview=preview), status)
        response.headers["HX-Retarget"] = "#reply-form"
        response.headers["HX-Reswap"] = "outerHTML"
        return vary_on_htmx(response)
    # Without JavaScript: the thread's last page with the form, the preview and the text kept.
    posts = services.thread_posts(thread, 10**6)
    return render_template("threads/thread.html", thread=thread, posts=posts, form=form,
                           preview=preview), status


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
    preview = _preview(form)
    valid = preview is None and form.validate_on_submit()
    choice = read_tags(form.tags) if valid and first else None
    if valid and (choice or not first):
        services.edit_post(post=post, body=form.body.data, title=form.title.data if first else None,
                           tags=choice.tags if choice else None, proposals=choice.unknown if choice else ())
        if is_htmx():
            post = services.get_post(post_id)
            return render("threads/_post.html", "threads/_post_edited.html", post=post,
                          thread=post.thread, number=None, retitled=first)
        return redirect(_post_url(post), code=303)
    status = 422 if form.errors else 200
    return render("threads/edit.html", "threads/_post_edit_form.html", status=status, post=post,
                  form=form, preview=preview, first=first)


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
