"""Employer accounts: registering, approval, the CLI, and the permission matrix — an employer reads
no member page, and the talent routes answer each role as they should."""
from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter

from exchange import permissions
from exchange.curation import services as curation
from exchange.extensions import db
from exchange.models import (Category, EmployerProfile, ModerationLog, Region, Role, Status, TalentList, TalentProfile,
                             User)
from exchange.talent import lists, services as talent
from exchange.threads import services as threads
from tests.conftest import PASSWORD
from tests.helpers import visible

ROLES = ("anonymous", "pending member", "member", "pending employer", "employer", "moderator", "admin")
def _behind_member_required(view) -> bool:
    while view is not None:
        if getattr(view, "requires", None) is permissions.is_member:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


@pytest.fixture
def people(app, make_user):
    return {
        "pending member": make_user(username="newbie", status=Status.PENDING),
        "member": make_user(username="maria", display_name="Maria Lopez"),
        "pending employer": make_user(username="hopeful", role=Role.EMPLOYER, status=Status.PENDING),
        "employer": make_user(username="dps", role=Role.EMPLOYER, display_name="Dana Recruiter"),
        "moderator": make_user(username="mod", role=Role.MODERATOR),
        "admin": make_user(username="root", role=Role.ADMIN),
    }


def _client(app, people, role):
    client = app.test_client()
    return client if role == "anonymous" else client.sign_in_as(people[role])


def _member_page_urls(app, values) -> list[str]:
    """Every GET page behind member_required, with real objects behind its arguments."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not _behind_member_required(app.view_functions[rule.endpoint]):
            continue
        known = {**values[""], **values.get(rule.rule.split("/")[1], {})}
        args = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                args[name] = sorted(converter.items)[0]
            else:
                args[name] = known.get(name, 1 if isinstance(converter, IntegerConverter) else "x")
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **args))
    return urls


@pytest.fixture
def member_pages(app, people, make_practice, make_thread, taxonomy):
    curator = people["moderator"]
    practice = make_practice(author=people["member"], title="Weekly walkthroughs")
    thread = make_thread(author=people["member"])
    collection = curation.create_collection(curator=curator, title="First 90 days")
    db.session.add(Region(slug="denver", name="Denver"))
    db.session.commit()
    values = {
        "": {"thread_id": practice.id, "post_id": threads.opening_post_id(thread.id), "username": "maria"},
        "c": {"slug": db.session.scalar(select(Category.slug))},
        "collections": {"slug": collection.slug},
        "tags": {"slug": next(iter(taxonomy))},
        "regions": {"slug": "denver"},
    }
    urls = _member_page_urls(app, values)
    assert {"/members", "/members/maria", "/threads", "/practices", "/tags", "/regions", "/search",
            "/inbox", "/collections"} <= set(urls)
    return urls


def _denied(response) -> bool:
    return response.status_code in (403, 404) or (
        response.status_code == 302 and "/login" in response.headers["Location"])


@pytest.mark.parametrize("role", ["anonymous", "pending member", "pending employer", "employer"])
def test_accounts_that_are_not_members_reach_no_member_page(app, people, member_pages, role):
    client = _client(app, people, role)
    reached = {url: r.status_code for url in member_pages if not _denied(r := client.get(url))}
    assert reached == {}


@pytest.mark.parametrize("role", ["member", "moderator", "admin"])
def test_members_read_the_member_pages(app, people, member_pages, role):
    client = _client(app, people, role)
    for url in ("/members", "/members/maria", "/threads", "/practices", "/tags", "/regions", "/search", "/inbox"):
        assert client.get(url).status_code == 200, url


def test_an_employer_is_not_listed_in_the_directory_nor_has_a_profile(app, people):
    client = _client(app, people, "member")
    assert "Dana Recruiter" not in visible(client.get("/members"))
    assert client.get("/members/dps").status_code == 404
    assert client.post("/members/dps/contact", data={"csrf_token": client.csrf_token(),
                                                     "message": "x" * 40}).status_code == 404


def test_an_employer_is_answered_as_a_stranger_at_home_and_in_the_moderation_tools(app, people):
    client = _client(app, people, "employer")
    home = client.get("/")
    assert home.status_code == 200 and "Discussions" not in visible(home)
    assert 'href="/talent"' in home.get_data(as_text=True)
    for url in ("/mod", "/mod/log", "/practices.atom"):
        assert client.get(url).status_code in (403, 404), url


@pytest.fixture
def pool_member(app, people):
    member = people["member"]
    talent.save_talent(member, talent.TalentInput(is_open=True, levels=["analyst"]))
    return member


EXPECTED = {  # role -> (/talent, /talent/maria, /register/employer, /members/maria/talent)
    "anonymous": (302, 302, 200, 302),
    "pending member": (403, 403, 302, 403),
    "member": (403, 403, 302, 200),
    "pending employer": (403, 403, 302, 403),
    "employer": (200, 200, 302, 403),
    "moderator": (200, 200, 302, 403),
    "admin": (200, 200, 302, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_talent_routes_answer_each_role(app, people, pool_member, role):
    client = _client(app, people, role)
    got = tuple(client.get(url).status_code for url in ("/talent", "/talent/maria", "/register/employer",
                                                        "/members/maria/talent"))
    assert got == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_saved_lists_are_for_approved_employers_alone(app, people, pool_member, role):
    """Every saved-list route, each role: the employer's own list exists, so a refusal is the guard's."""
    own = lists.create(people["employer"], "Denver analysts").id
    lists.add(people["employer"], pool_member, list_id=own)
    client = _client(app, people, role)
    refused = {"anonymous": 302}.get(role, 403)
    got = [client.get("/talent/lists").status_code, client.get(f"/talent/lists/{own}").status_code,
           client.submit(f"/talent/lists/{own}/rename", {"name": "Denver data analysts"}).status_code,
           client.submit(f"/talent/lists/{own}/remove", {"username": "maria"}).status_code,
           client.submit("/talent/maria/lists", {"list_id": own}).status_code,
           client.submit("/talent/lists", {"name": "Shortlist"}).status_code,
           client.submit(f"/talent/lists/{own}/delete").status_code]
    assert got == ([200, 200, 303, 303, 303, 303, 303] if role == "employer" else [refused] * 7)
    db.session.expire_all()
    assert (db.session.get(TalentList, own) is None) == (role == "employer")   # only the owner deleted it


@pytest.mark.parametrize("role", ROLES)
def test_only_an_approved_employer_writes_to_a_pool_member(app, people, pool_member, role):
    client = _client(app, people, role)
    response = client.submit("/talent/maria/contact", {"message": "We have an analyst role open in Denver."})
    expected = {"anonymous": 302, "employer": 303}.get(role, 403)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ["member", "moderator", "employer"])
def test_nobody_changes_someone_elses_pool_settings(app, people, pool_member, role, make_user):
    other = make_user(username="other")
    client = _client(app, people, role)
    assert client.submit("/members/other/talent", {"is_open": "y"}).status_code == 403
    assert client.submit("/members/other/talent/blocks", {"organisation": "x"}).status_code == 403
    assert db.session.get(TalentProfile, other.id) is None


# --- registering and approval --------------------------------------------------------------------

FORM = {"email": "hr@dpsk12.org", "display_name": "Dana Recruiter", "username": "dana", "password": PASSWORD,
        "organisation": "Denver Public Schools", "kind": "district", "website": "https://www.dpsk12.org",
        "verification": "Work email at dpsk12.org, listed on the district's HR page."}


def test_an_employer_registers_and_waits_for_a_moderator(client, mailbox):
    response = client.submit("/register/employer", FORM)
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    user = db.session.scalar(select(User).where(User.email == "hr@dpsk12.org"))
    assert (user.role, user.status) == (Role.EMPLOYER, Status.PENDING)
    profile = db.session.get(EmployerProfile, user.id)
    assert (profile.organisation, profile.kind, profile.website) == ("Denver Public Schools", "district",
                                                                     "https://www.dpsk12.org")
    signed_in = client.submit("/login", {"email": "hr@dpsk12.org", "password": PASSWORD})
    assert "waiting for a moderator" in visible(signed_in)


def test_registering_with_a_known_email_answers_the_same_and_tells_the_owner(client, make_user, mailbox):
    make_user(username="maria", email="hr@dpsk12.org")
    response = client.submit("/register/employer", FORM)
    assert response.status_code == 303
    assert db.session.scalar(select(User).where(User.username == "dana")) is None
    assert "already has an account" in mailbox()[-1]


def test_a_refused_employer_form_keeps_the_text_and_says_why(client):
    response = client.submit("/register/employer", {**FORM, "verification": "", "website": "dpsk12.org"})
    assert response.status_code == 422
    page = visible(response)
    assert "Tell the moderators how to check your organisation." in page
    html = response.get_data(as_text=True)
    assert 'value="Denver Public Schools"' in html and 'value="Dana Recruiter"' in html


def test_a_moderator_sees_the_organisation_and_approves_the_employer(client, moderator_client, mailbox):
    client.submit("/register/employer", FORM)
    user = db.session.scalar(select(User).where(User.username == "dana"))
    queue = visible(moderator_client.get("/mod"))
    assert "Denver Public Schools" in queue and "listed on the district's HR page" in queue
    response = moderator_client.submit(f"/mod/members/{user.id}/approve", {})
    assert response.status_code in (200, 303)
    db.session.expire_all()
    assert db.session.get(User, user.id).status == Status.ACTIVE
    assert db.session.scalar(select(ModerationLog.action).where(ModerationLog.target_id == user.id)) == "approve_member"
    assert client.submit("/login", {"email": "hr@dpsk12.org", "password": PASSWORD}).status_code == 303
    assert client.get("/talent").status_code == 200
    assert client.get("/threads").status_code == 403


def test_the_cli_makes_an_approved_employer(runner):
    result = runner.invoke(args=["users", "create", "hr@kipp.org", "--username", "kipp", "--role", "employer",
                                 "--organisation", "KIPP Colorado", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "kipp"))
    assert (user.role, user.status) == (Role.EMPLOYER, Status.ACTIVE)
    assert db.session.get(EmployerProfile, user.id).organisation == "KIPP Colorado"
    assert permissions.is_employer(user) and not permissions.is_member(user)
