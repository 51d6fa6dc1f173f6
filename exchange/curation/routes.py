"""Curation pages: collections for every member to read; curator tools to build them and feature practices."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ..forms import ServiceError, attach_error
from ..htmx import is_htmx, render
from ..permissions import can_curate, can_view_thread, member_required, require, require_found
from ..threads import services as threads
from . import services
from .forms import AddItemForm, CollectForm, CollectionForm, NoteForm

bp = Blueprint("curation", __name__)

CURATORS_ONLY = "Only moderators who moderate every category (and admins) curate collections and featured practices."


def curator_required(view):
    """Member pages' login redirect first, then the curation check (403 for everyone else)."""

    @member_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        require(can_curate(current_user), CURATORS_ONLY)
        return view(*args, **kwargs)

    return wrapped


def _readable(slug: str):
    """An unpublished collection does not exist for members."""
    collection = services.get_collection(slug)
    if collection is not None and not collection.is_published and not can_curate(current_user):
        collection = None
    return require_found(collection)


def _practice(thread_id: int):
    thread = threads.get_thread(thread_id)
    return require_found(thread if thread and can_view_thread(current_user, thread) else None)


@bp.app_template_global()
def curation_tools(thread) -> dict:
    """What a curator's controls on a practice page need (called only for curators)."""
    return {"featured": services.is_featured(thread), "choices": services.collection_choices(),
            "holding": services.collections_holding(thread)}


# --- reading ------------------------------------------------------------------------------------

@bp.route("/collections")
@member_required
def index():
    curator = can_curate(current_user)
    return render_template("curation/index.html", collections=services.collections(include_unpublished=curator),
                           curator=curator)


@bp.route("/collections/<slug>")
@member_required
def collection(slug: str):
    collection = _readable(slug)
    return render_template("curation/collection.html", collection=collection,
                           items=services.collection_items(collection, published_only=True))


# --- building collections -----------------------------------------------------------------------

@bp.route("/collections/new", methods=["GET", "POST"])
@curator_required
def new():
    form = CollectionForm()
    if form.validate_on_submit():
        try:
            collection = services.create_collection(curator=current_user, title=form.title.data,
                                                    description=form.description.data or "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash("Collection created. Add practices, then publish it when it is ready.", "success")
            return redirect(url_for("curation.edit", slug=collection.slug), code=303)
    return render_template("curation/new.html", form=form), 422 if form.errors or form.form_errors else 200


def _edit_page(collection, *, form=None, add_form=None, note_errors=None, notice=None, status=200):
    return render("curation/edit.html", "curation/_items.html", status=status, collection=collection, notice=notice,
                  form=form or CollectionForm(obj=collection, formdata=None),
                  add_form=add_form or AddItemForm(formdata=None),
                  items=services.collection_items(collection, published_only=False),
                  note_errors=note_errors or {})


@bp.route("/collections/<slug>/edit", methods=["GET", "POST"])
@curator_required
def edit(slug: str):
    collection = require_found(services.get_collection(slug))
    form = CollectionForm(obj=collection)
    if form.validate_on_submit():
        services.update_collection(curator=current_user, collection=collection, title=form.title.data,
                                   description=form.description.data or "")
        flash("Saved.", "success")
        return redirect(url_for("curation.edit", slug=collection.slug), code=303)
    return _edit_page(collection, form=form, status=422 if form.errors else 200)


@bp.route("/collections/<slug>/<any(publish, unpublish):verb>", methods=["POST"])
@curator_required
def publish(slug: str, verb: str):
    collection = require_found(services.get_collection(slug))
    try:
        services.set_published(curator=current_user, collection=collection, published=verb == "publish")
        flash("Published: every member can read it now." if verb == "publish"
              else "Unpublished: only curators can see it now.", "success")
    except ServiceError as error:
        flash(error.message, "error")
    return redirect(url_for("curation.edit", slug=collection.slug), code=303)


def _items_changed(collection, message: str):
    """After a change to the list: the list alone for htmx, the edit page again otherwise."""
    if is_htmx():
        return _edit_page(collection, notice=message)
    flash(message, "success")
    return redirect(url_for("curation.edit", slug=collection.slug, _anchor="collection-items"), code=303)


@bp.route("/collections/<slug>/items", methods=["POST"])
@curator_required
def add_item(slug: str):
    collection = require_found(services.get_collection(slug))
    add_form = AddItemForm()
    if add_form.validate_on_submit():
        try:
            thread = services.find_practice(add_form.practice.data)
            services.add_item(curator=current_user, collection=collection, thread=thread,
                              note=add_form.note.data or "")
        except ServiceError as error:
            attach_error(add_form, error)
        else:
            flash(f"Added “{thread.title}”.", "success")
            return redirect(url_for("curation.edit", slug=collection.slug, _anchor="collection-items"), code=303)
    return _edit_page(collection, add_form=add_form, status=422)


def _item(slug: str, item_id: int):
    collection = require_found(services.get_collection(slug))
    return collection, require_found(services.get_item(collection, item_id))


@bp.route("/collections/<slug>/items/<int:item_id>/note", methods=["POST"])
@curator_required
def note(slug: str, item_id: int):
    collection, item = _item(slug, item_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _edit_page(collection, note_errors={item.id: (form.note.data or "", " ".join(form.note.errors))},
                          status=422)
    services.update_note(curator=current_user, item=item, note=form.note.data or "")
    return _items_changed(collection, "Note saved.")


@bp.route("/collections/<slug>/items/<int:item_id>/<any(up, down):direction>", methods=["POST"])
@curator_required
def move(slug: str, item_id: int, direction: str):
    collection, item = _item(slug, item_id)
    services.move_item(curator=current_user, item=item, direction=direction)
    return _items_changed(collection, f"Moved “{item.thread.title}” {direction}.")


@bp.route("/collections/<slug>/items/<int:item_id>/remove", methods=["POST"])
@curator_required
def remove(slug: str, item_id: int):
    collection, item = _item(slug, item_id)
    title = item.thread.title
    services.remove_item(curator=current_user, item=item)
    return _items_changed(collection, f"Removed “{title}” from the collection.")


# --- from a practice's page ---------------------------------------------------------------------

@bp.route("/practices/<int:thread_id>/collect", methods=["GET", "POST"])
@curator_required
def collect(thread_id: int):
    thread = _practice(thread_id)
    form = CollectForm()
    choices = services.collection_choices()
    form.collection.choices = [(c.id, c.title) for c in choices]
    if form.validate_on_submit():
        collection = next((c for c in choices if c.id == form.collection.data), None)
        try:
            if collection is None:
                raise ServiceError("Choose one of the collections.", field="collection")
            services.add_item(curator=current_user, collection=collection, thread=thread, note=form.note.data or "")
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(f"Added to “{collection.title}”.", "success")
            return redirect(url_for("practices.practice", thread_id=thread.id), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("curation/collect.html", thread=thread, form=form, choices=choices), status


@bp.route("/practices/<int:thread_id>/<any(feature, unfeature):verb>", methods=["POST"])
@curator_required
def feature(thread_id: int, verb: str):
    thread = _practice(thread_id)
    try:
        if verb == "feature":
            services.feature(curator=current_user, thread=thread)
            flash("Featured on the home page. Reorder featured practices on the featured page.", "success")
        else:
            services.unfeature(curator=current_user, thread=thread)
            flash("No longer featured on the home page.", "success")
    except ServiceError as error:
        flash(error.message, "error")
    if not thread.is_practice:
        return redirect(url_for("threads.thread", thread_id=thread.id, slug=thread.slug), code=303)
    return redirect(url_for("practices.practice", thread_id=thread.id), code=303)


# --- the featured list --------------------------------------------------------------------------

def _featured_page(notice: str | None = None, kind: str = "success"):
    return render("curation/featured.html", "curation/_featured.html", notice=notice, notice_kind=kind,
                  entries=services.featured_entries())


@bp.route("/curation/featured")
@curator_required
def featured():
    return _featured_page()


def _featured_changed(message: str, category: str = "success"):
    if is_htmx():
        return _featured_page(message, category)
    flash(message, category)
    return redirect(url_for("curation.featured"), code=303)


@bp.route("/curation/featured/<int:thread_id>/<any(up, down):direction>", methods=["POST"])
@curator_required
def move_featured(thread_id: int, direction: str):
    thread = require_found(threads.get_thread(thread_id))
    try:
        services.move_featured(curator=current_user, thread=thread, direction=direction)
    except ServiceError as error:
        return _featured_changed(error.message, "error")
    return _featured_changed(f"Moved “{thread.title}” {direction}.")


@bp.route("/curation/featured/<int:thread_id>/remove", methods=["POST"])
@curator_required
def unfeature_from_list(thread_id: int):
    thread = require_found(threads.get_thread(thread_id))
    try:
        services.unfeature(curator=current_user, thread=thread)
    except ServiceError as error:
        return _featured_changed(error.message, "error")
    return _featured_changed(f"“{thread.title}” is no longer featured.")
