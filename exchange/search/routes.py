"""``/search``: one page for threads, practices and members; htmx swaps only the results."""
from __future__ import annotations

from flask import Blueprint, request

from ..htmx import render
from ..params import page_arg
from ..permissions import member_required
from . import services

bp = Blueprint("search", __name__)


@bp.route("/search")
@member_required
def search():
    args = request.args
    number = min(page_arg(), services.MAX_PAGE)
    page = services.search(args.get("q", ""), tab=args.get("type", "content"), sort=args.get("sort", ""), page=number)
    # The search box in the header swaps the whole <main>; the one on this page only the results.
    partial = "search/_main.html" if request.headers.get("HX-Target") == "main" else "search/_results.html"
    return render("search/search.html", partial, status=503 if page.unavailable else 200, search=page,
                  sorts=services.SORTS)
