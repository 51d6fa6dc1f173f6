"""Every page fits the screen: walked in Chromium at phone, tablet and desktop widths, for each role.

The pages come from the app's url map (its GET routes, with real objects behind their arguments) on a
small demo network, plus the awkward cases a layout meets: a member with no region, a held reply and a
held thread, a hidden post, a notification, a thread whose title is one long address. A page fails when
the document is wider than the window (``scrollWidth > innerWidth``: the phone would scroll sideways),
or when, on a phone, the header is taller than 64 px. Each page loads once, in one browser context per
role; the window then takes each width in turn (the stylesheet's media queries apply as it resizes, and
nothing in the site depends on the width a page was loaded at), which keeps the walk to a page load per
address.

``SCREENSHOTS_DIR=docs/screenshots`` makes the phone screenshots the README shows (they go to
test-artifacts/ otherwise).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from flask import url_for
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.routing import AnyConverter

from exchange.auth.services import new_token
from exchange.demo.loader import load_demo
from exchange.demo.network import DEMO_PASSWORD
from exchange.extensions import db
from exchange.models import (AccountToken, Category, Collection, Kind, Notification, Opportunity, Post, Role, Status,
                             TalentList, Thread, User)
from exchange.notifications import fanout
from exchange.notifications.emails import unsubscribe_token
from exchange.search import outbox as search_outbox
from exchange.text import slugify
from exchange.threads import services as threads
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# GET routes that answer no page of their own: feeds, JSON, htmx-only fragments, a file download, assets.
NOT_PAGES = {"static", "site.healthz", "practices.feed", "opportunities.feed", "taxonomy.feed", "notifications.count",
             "mentions.suggestions", "taxonomy.suggest", "account.download_export"}
ACCOUNTS = {"member": "member@example.org", "moderator": "moderator@example.org", "admin": "admin@example.org",
            "employer": "employer@example.org"}
WIDTHS = (320, 390, 768, 1280)
PHONE = {"width": 390, "height": 844}
HEADER_MAX = 64
LONG_ADDRESS = "https://www.example.org/district-reports/2024/attendance-dashboard-final-v3-with-appendices.pdf"


@dataclass
class Site:
    """The demo network's pages each role opens, and a few of its objects."""
    pages: dict[str, list[str]] = field(default_factory=dict)
    expected: dict[str, set[str]] = field(default_factory=dict)
    thread_id: int = 0


def _first(query):
    return db.session.scalar(query.limit(1))


def _values(user: User | None) -> dict[str, dict]:
    """Arguments by endpoint, by the first segment of the path, and for every route (in that order)."""
    hidden_in = _first(select(Post.thread_id).where(Post.is_hidden))
    own = user.id if user else 0
    return {
        "": {"username": user.username if user else "member", "thread_id": hidden_in, "token": "not-a-token",
             "post_id": _first(select(Post.id).join(Post.author).where(Post.author_id != own, User.role == Role.MEMBER,
                                                                       Post.review == Post.SHOWN, ~Post.is_hidden)
                               .order_by(Post.id.desc())),
             "opening_id": _first(select(Opportunity.id).where(Opportunity.poster_id == own))
             or db.session.scalar(select(func.min(Opportunity.id))),
             "notification_id": _first(select(Notification.id).where(Notification.user_id == own)),
             "list_id": _first(select(TalentList.id).where(TalentList.employer_id == own).order_by(TalentList.id))},
        "t": {"slug": slugify(db.session.get(Thread, hidden_in).title)},
        "c": {"slug": _first(select(Category.slug).order_by(Category.id))},
        "collections": {"slug": _first(select(Collection.slug).order_by(Collection.id))},
        "tags": {"slug": "talent-pipeline"},
        "regions": {"slug": "denver"},
        "practices": {"thread_id": _first(select(Thread.id).where(Thread.kind == Thread.PRACTICE,
                                                                  Thread.status == Thread.PUBLISHED).order_by(Thread.id))},
        "threads.edit_post": {"post_id": _first(select(Post.id).where(Post.author_id == own).order_by(Post.id))},
        "talent.card": {"username": "member"},  # Mel Member is in the demo's talent pool
        "moderation.merge_thread": {"thread_id": _first(select(Thread.id).where(
            Thread.kind == Thread.DISCUSSION, Thread.status == Thread.PUBLISHED).order_by(Thread.id.desc()))},
    }


def page_urls(app, user: User | None, tokens: dict[str, str]) -> list[str]:
    """An address for every GET route of the url map, with real objects behind its arguments."""
    values = _values(user)
    urls = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint in urls:
            continue
        known = {**values[""], **values.get(rule.rule.split("/")[1], {}), **values.get(rule.endpoint, {})}
        if rule.endpoint in tokens:
            known["token"] = tokens[rule.endpoint]
        args = {name: sorted(converter.items)[0] if isinstance(converter, AnyConverter) else known[name]
                for name, converter in rule._converters.items()}
        if None not in args.values():  # None: this user has nothing of the kind (a notification, say)
            with app.test_request_context():
                urls[rule.endpoint] = url_for(rule.endpoint, **args)
    return list(urls.values())


@pytest.fixture
def site(app) -> Site:
    """A small demo network and its awkward cases, and the addresses each role is to walk."""
    load_demo(seed=7, members=80, threads=30)
    by_email = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(ACCOUNTS.values())))}
    member, admin, employer = (by_email[ACCOUNTS[role]] for role in ("member", "admin", "employer"))
    awkward = threads.start_thread(author=admin, title=f"Read {LONG_ADDRESS}", category_id=_first(select(Category.id)),
                                   body=f"The appendix: {LONG_ADDRESS}#page=12, on "
                                        "Supercalifragilisticexpialidociousattendanceinterventions.")
    threads.reply(author=admin, thread=awkward, body=f"@{member.username} your district did this too, I think.")
    tokens = {"auth.reset_password": new_token(AccountToken.RESET, member.email, timedelta(hours=2), user=member),
              "notifications.unsubscribe": unsubscribe_token(member.id, Kind.MENTION)}
    db.session.commit()
    fanout.drain()        # the mention becomes Mel's notification
    search_outbox.drain()  # the search page finds things
    regionless = _first(select(User.username).where(User.region_id.is_(None), User.status == Status.ACTIVE,
                                                    User.role == Role.MEMBER))
    held_reply_in = _first(select(Post.thread_id).join(Post.thread).where(Post.review == Post.HELD,
                                                                          Thread.status == Thread.PUBLISHED))
    held_thread = _first(select(Thread.id).where(Thread.status == Thread.HELD))
    extra = [f"/members/{regionless}", f"/t/{awkward.id}", f"/t/{held_reply_in}", f"/t/{held_thread}",
             "/search?q=principal", "/members?region=denver", "/practices?setting=district",
             "/opportunities?region=denver", "/talent?region=denver"]
    site = Site(thread_id=_first(select(Thread.id).where(Thread.kind == Thread.DISCUSSION, Thread.id != awkward.id)
                                 .order_by(Thread.post_count.desc(), Thread.id)))
    for role in ("anonymous", *ACCOUNTS):
        site.pages[role] = list(dict.fromkeys(page_urls(app, by_email.get(ACCOUNTS.get(role)), tokens) + extra))
    site.expected = {  # pages each role must have walked: the walk drops what is not a page for it
        "anonymous": {"/", "/login", "/register", "/reset", "/register/employer", "/reset/" + tokens["auth.reset_password"]},
        "member": {"/members", "/practices", "/threads", f"/t/{awkward.id}", "/notifications", "/inbox", "/settings",
                   f"/members/{regionless}", "/opportunities/new", "/members/member/edit"},
        "moderator": {"/mod", "/mod/log", f"/t/{held_thread}", f"/t/{held_reply_in}", "/tags/proposals", "/talent"},
        "admin": {"/mod", "/mod/team", "/curation/featured", "/collections/new"},
        "employer": {"/talent", "/talent/member", "/opportunities/mine", "/settings", "/talent/lists",
                     f"/talent/lists/{_first(select(TalentList.id).where(TalentList.employer_id == employer.id))}"},
    }
    return site


def pages_of(page, role: str, site: Site):
    """Open each of the role's addresses in turn, yielding those that are a page for it: answered 200 at
    that address (a refusal or a redirect is not a page of its own). Checks the role saw the pages it must."""
    walked = []
    for url in site.pages[role]:
        response = page.goto(url)
        assert response.status < 500, f"{url} answered {response.status}"
        if response.status == 200 and response.request.redirected_from is None:
            settled(page)
            walked.append(url)
            yield url
    missing = site.expected[role] - set(walked)
    assert not missing, f"{role} did not open {sorted(missing)}"


def settled(page) -> None:
    """What the page loads by itself once shown (htmx ``load`` triggers) has arrived."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


MEASURE = """() => {
    const width = window.innerWidth, doc = document.documentElement;
    const offenders = [];
    if (doc.scrollWidth > width) {  // name the outermost elements that stick out, for the failure message
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect(), parent = el.parentElement.getBoundingClientRect();
            if (box.width && box.right > width + 0.5 && parent.right <= width + 0.5 && el.checkVisibility()) {
                const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
                const text = el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40);
                offenders.push(`${name} "${text}" (right edge ${Math.round(box.right)} px)`);
            }
        }
    }
    const header = document.querySelector('.site-header');
    return {width, scrollWidth: doc.scrollWidth, offenders: offenders.slice(0, 4),
            header: header ? Math.round(header.getBoundingClientRect().height) : 0};
}"""


def sign_in_as(browser, live_server, role: str, **context_args):
    context = browser.new_context(base_url=live_server.url, **context_args)
    page = context.new_page()
    if role in ACCOUNTS:
        sign_in(page, ACCOUNTS[role], DEMO_PASSWORD)
    return context, page


@pytest.mark.parametrize("role", ["anonymous", *ACCOUNTS])
def test_no_page_is_wider_than_the_window(browser, live_server, site, role):
    context, page = sign_in_as(browser, live_server, role, viewport={"width": WIDTHS[0], "height": PHONE["height"]})
    found = {}
    for url in pages_of(page, role, site):  # each page loads once; the window then takes each width in turn
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": PHONE["height"]})
            found[url, width] = page.evaluate(MEASURE)
        page.set_viewport_size({"width": WIDTHS[0], "height": PHONE["height"]})
    context.close()
    too_wide = {f"{url} at {width} px": f"{m['scrollWidth']} px wide: " + ", ".join(m["offenders"])
                for (url, width), m in found.items() if m["scrollWidth"] > m["width"]}
    assert too_wide == {}
    too_tall = {f"{url} at {width} px": m["header"] for (url, width), m in found.items()
                if width <= PHONE["width"] and m["header"] > HEADER_MAX}
    assert too_tall == {}


def test_on_a_phone_each_list_starts_on_the_first_screen(browser, live_server, site):
    context, page = sign_in_as(browser, live_server, "member", viewport=PHONE)
    starts = {}
    for path, first_result in (("/members", ".member-card"), ("/regions/denver", ".member-card"),
                               ("/practices", ".practice-card"), ("/opportunities", ".opening-row"),
                               ("/threads", ".thread-row"), ("/", ".practice-card")):
        page.goto(path)
        starts[path] = round(page.locator(first_result).first.bounding_box()["y"])
    context.close()
    assert {path: y for path, y in starts.items() if y > PHONE["height"] - 100} == {}


def test_the_menu_opens_without_javascript_and_from_the_keyboard(browser, live_server, site):
    context, page = sign_in_as(browser, live_server, "moderator", viewport=PHONE)
    page.goto("/mod")  # signed in with JavaScript; what follows runs without it
    cookies = context.cookies()
    context.close()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto("/practices")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    menu = page.locator("header summary", has_text="Menu")
    menu.focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Practices")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Moderation")).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Discussions")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/threads")
    expect(nav).to_be_hidden()  # a new page: the menu is closed again

    page.goto("/members?region=denver")
    toggle = page.locator("summary", has_text="Filters (1 active)")
    cities = page.locator(".facet a", has_text="Aurora")
    expect(cities).to_be_hidden()
    toggle.click()
    expect(cities).to_be_visible()
    context.close()


def test_on_a_wide_screen_the_menu_and_the_filters_are_open(browser, live_server, site):
    context, page = sign_in_as(browser, live_server, "member", viewport={"width": 1280, "height": 900})
    page.goto("/members")
    expect(page.locator("header summary", has_text="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Members")).to_be_visible()
    expect(page.locator("summary", has_text="Filters")).to_be_hidden()
    expect(page.locator(".facet a").first).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] <= 110
    context.close()


def test_screenshots_of_the_phone_layout(browser, live_server, site, artifacts):
    """The README's pictures of the phone layout (``SCREENSHOTS_DIR=docs/screenshots`` to remake them)."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or artifacts)
    folder.mkdir(parents=True, exist_ok=True)
    context, page = sign_in_as(browser, live_server, "member", viewport=PHONE)
    for name, path in (("home", "/"), ("thread", f"/t/{site.thread_id}"), ("directory", "/members"),
                       ("practices", "/practices"), ("menu", "/")):
        page.goto(path)
        settled(page)
        if name == "menu":
            page.locator("header summary", has_text="Menu").click()
        page.screenshot(path=str(folder / f"phone-{name}.png"))
    context.close()
