"""The member directory, profiles, privacy, regions and contact requests, against a hand-counted network.

The network (all active unless said otherwise):

    member  region              programs              sector     expertise                      open to      private
    ana     Aurora (Denver)     UELF 2018             district   teacher-residency              mentoring
    ben     Denver              PSDR 2020             charter    talent-pipeline, data          call, mentoring
    cara    Lakewood (Denver)   UELF 2020             district   family-engagement              site_visit   expertise: programs
    dev     Chicago             PSDR 2018, UELF 2021  state      data-and-analytics                          region: only me
    eve     Chicago             UELF 2018             nonprofit  talent-pipeline                mentoring    offers: only me; organisation "Secret Org": programs
    vic     Chicago             PSDR 2019             —          —                                           (the usual viewer)
    fay     Denver              UELF 2018             district   talent-pipeline                mentoring    SUSPENDED

The ``unplaced`` fixture adds, on top of that network, a member who left the region empty (it is
optional at registration):

    nia     —                   UELF 2019             district   talent-pipeline                mentoring
"""
from __future__ import annotations

import re
from functools import partial
from html import unescape

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.members import privacy, regions
from exchange.models import (Affiliation, ContactRequest, MemberOffer, Program, Region, Role, Status, Tag, User,
                             Visibility)
from exchange.search import outbox as search_outbox
from tests.helpers import visible
from tests.test_search import backend  # noqa: F401 - both search backends


@pytest.fixture
def network(app, taxonomy, make_user):
    denver = Region(slug="denver", name="Denver", latitude=39.74, longitude=-104.99)
    chicago = Region(slug="chicago", name="Chicago", latitude=41.88, longitude=-87.63)
    seattle = Region(slug="seattle", name="Seattle", latitude=47.61, longitude=-122.33)
    aurora = Region(slug="aurora", name="Aurora", parent=denver, latitude=39.73, longitude=-104.83)
    lakewood = Region(slug="lakewood", name="Lakewood", parent=denver, latitude=39.70, longitude=-105.08)
    db.session.add_all([denver, chicago, seattle, aurora, lakewood])
    db.session.commit()

    member = partial(_member, make_user)
    people = {
        "ana": member("ana", aurora, [("uelf", 2018)], "district", ["teacher-residency"], ["mentoring"]),
        "ben": member("ben", denver, [("psdr", 2020)], "charter", ["talent-pipeline", "data-and-analytics"],
                      ["call", "mentoring"]),
        "cara": member("cara", lakewood, [("uelf", 2020)], "district", ["family-engagement"], ["site_visit"],
                       shows={"expertise": Visibility.PROGRAMS}),
        "dev": member("dev", chicago, [("psdr", 2018), ("uelf", 2021)], "state", ["data-and-analytics"],
                      shows={"region": Visibility.ONLY_ME}),
        "eve": member("eve", chicago, [("uelf", 2018)], "nonprofit", ["talent-pipeline"], ["mentoring"],
                      organisation="Secret Org",
                      shows={"organisation": Visibility.PROGRAMS, "offers": Visibility.ONLY_ME}),
        "vic": member("vic", chicago, [("psdr", 2019)]),
        "fay": member("fay", denver, [("uelf", 2018)], "district", ["talent-pipeline"], ["mentoring"],
                      status=Status.SUSPENDED),
    }
    return {"regions": {r.slug: r for r in (denver, chicago, seattle, aurora, lakewood)}, **people}


def _member(make_user, username, region, affiliations, sector="", expertise=(), offers=(), status=Status.ACTIVE,
            role=Role.MEMBER, organisation="", shows=None):
    programs = {p.slug: p.id for p in db.session.query(Program)}
    tags = {t.slug: t for t in db.session.query(Tag)}
    user = make_user(username=username, display_name=f"{username.title()} Example", role=role)
    user = db.session.get(User, user.id)
    user.region_id = region.id if region else None
    user.sector = sector
    user.organisation = organisation or f"{username.title()} Schools"
    user.headline = f"Director at {username.title()}"
    user.affiliations = [Affiliation(program_id=programs[p], cohort_year=y) for p, y in affiliations]
    user.expertise = [tags[t] for t in expertise]
    user.offer_links = [MemberOffer(offer=o) for o in offers]
    for field, level in (shows or {}).items():
        setattr(user, f"show_{field}", level)
    user.status = status
    search_outbox.queue_members(user.id)
    db.session.commit()
    return user


@pytest.fixture
def unplaced(network, make_user):
    """The network and nia, who left her region empty (see the table at the top)."""
    nia = _member(make_user, "nia", None, [("uelf", 2019)], "district", ["talent-pipeline"], ["mentoring"])
    return {**network, "nia": nia}


def client_for(app, user):
    return app.test_client().sign_in_as(user)


def names(response) -> list[str]:
    """The members listed on a directory page, in order."""
    return re.findall(r'class="member-name">(\w+) Example<', response.get_data(as_text=True))


def facet(response, title: str) -> dict[str, int]:
    """A facet's values and counts, as shown in the sidebar."""
    page = response.get_data(as_text=True)
    section = re.search(r"<h2>" + re.escape(title) + r"</h2><ul role=\"list\">(.*?)</ul>", page, re.S)
    if section is None:
        return {}
    pairs = re.findall(r'facet-label">([^<]+)</span> <span class="count">(\d+)', section.group(1))
    return {label: int(count) for label, count in pairs}


# --- the directory: every filter and combinations ------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("", {"Ana", "Ben", "Cara", "Dev", "Eve", "Vic"}),
    ("region=denver", {"Ana", "Ben", "Cara"}),          # a metro includes its cities
    ("region=aurora", {"Ana"}),
    ("region=chicago", {"Eve", "Vic"}),                 # dev keeps their region to themselves
    ("region=seattle", set()),
    ("program=uelf", {"Ana", "Cara", "Dev", "Eve"}),
    ("program=psdr", {"Ben", "Dev", "Vic"}),
    ("cohort=2018", {"Ana", "Dev", "Eve"}),
    ("program=uelf&cohort=2018", {"Ana", "Eve"}),       # dev's 2018 cohort was PSDR's
    ("sector=district", {"Ana", "Cara"}),
    ("tag=talent-pipeline", {"Ana", "Ben", "Eve"}),     # a child tag counts for its parent
    ("tag=human-capital", {"Ana", "Ben", "Eve"}),       # so does an alias
    ("tag=teacher-residency", {"Ana"}),
    ("tag=family-engagement", set()),                  # cara shows expertise to her programs only
    ("offer=mentoring", {"Ana", "Ben"}),                # eve's offers are hers alone
    ("offer=call", {"Ben"}),
    ("q=ben", {"Ben"}),
    ("q=director+cara", {"Cara"}),
    ("q=secret", set()),                                # eve's organisation is for her programs
    ("region=denver&tag=talent-pipeline", {"Ana", "Ben"}),
    ("region=denver&program=uelf&offer=mentoring", {"Ana"}),
    ("program=psdr&sector=state&tag=data-and-analytics", {"Dev"}),
])
def test_directory_filters_for_a_member_of_another_program(app, network, query, expected):
    response = client_for(app, network["vic"]).get(f"/members?{query}")
    assert response.status_code == 200
    assert set(names(response)) == expected
    count = re.search(r'<p class="result-count"><strong>([\d,]+)</strong>', response.get_data(as_text=True))
    assert int(count.group(1)) == len(expected)


def test_facet_counts_match_the_hand_count(app, network):
    response = client_for(app, network["vic"]).get("/members")
    assert facet(response, "Region") == {"Denver": 3, "Chicago": 2}
    assert facet(response, "Program") == {"Urban Education Leadership Fellowship": 4,
                                          "Public School Data Residency": 3}
    assert facet(response, "Cohort") == {"2021": 1, "2020": 2, "2019": 1, "2018": 3}
    assert facet(response, "Sector") == {"District": 2, "Charter network": 1, "State agency": 1, "Non-profit": 1}
    assert facet(response, "Expertise") == {"Talent pipeline": 2, "Data and analytics": 2, "Teacher residency": 1}
    assert facet(response, "Open to") == {"Mentoring": 2, "A short call about a topic": 1, "Site visits": 1}


def test_facets_count_within_the_other_filters_and_show_cities(app, network):
    response = client_for(app, network["vic"]).get("/members?region=denver&offer=mentoring")
    assert set(names(response)) == {"Ana", "Ben"}
    assert facet(response, "Region") == {"Denver": 2}              # region's own facet ignores the region filter
    assert facet(response, "City or district") == {"Aurora": 1}
    assert facet(response, "Open to")["Mentoring"] == 2
    assert facet(response, "Open to")["Site visits"] == 1          # cara, in Denver, without the offer filter


def test_same_program_member_sees_and_finds_program_only_fields(app, network):
    uelf = client_for(app, network["ana"])
    assert set(names(uelf.get("/members?tag=family-engagement"))) == {"Cara"}
    assert set(names(uelf.get("/members?q=secret"))) == {"Eve"}
    assert facet(uelf.get("/members"), "Expertise")["Family engagement"] == 1


def test_peers_in_my_region_come_first(app, network):
    response = client_for(app, network["vic"]).get("/members")
    assert names(response) == ["Eve", "Vic", "Ana", "Ben", "Cara", "Dev"]
    assert "Peers in Chicago" in visible(response)
    by_name = client_for(app, network["vic"]).get("/members?sort=name")
    assert names(by_name) == ["Ana", "Ben", "Cara", "Dev", "Eve", "Vic"]


def test_pagination_keeps_peers_first_across_pages(app, network, monkeypatch):
    from exchange.members import directory
    monkeypatch.setattr(directory, "PER_PAGE", 4)
    client = client_for(app, network["ana"])    # Denver: ana, ben, cara are peers
    first, second = client.get("/members"), client.get("/members?page=2")
    assert names(first) == ["Ana", "Ben", "Cara", "Dev"]
    assert names(second) == ["Eve", "Vic"]
    assert "Page 2 of 2" in visible(second)
    assert "Page 2 of 2" in visible(client.get("/members?page=99"))


# --- a member who left the region empty -------------------------------------------------------------

def result_count(response) -> int:
    count = re.search(r'<p class="result-count"><strong>([\d,]+)</strong>', response.get_data(as_text=True))
    return int(count.group(1).replace(",", ""))


@pytest.mark.parametrize("viewer, query, expected", [
    # A viewer with a metro: peers first, then everyone else, nia (no region) among them.
    ("vic", "", ["Eve", "Vic", "Ana", "Ben", "Cara", "Dev", "Nia"]),
    ("vic", "program=uelf", ["Eve", "Ana", "Cara", "Dev", "Nia"]),
    ("vic", "tag=talent-pipeline", ["Eve", "Ana", "Ben", "Nia"]),
    ("ana", "offer=mentoring", ["Ana", "Ben", "Nia"]),
    # A viewer without one: name order.
    ("nia", "", ["Ana", "Ben", "Cara", "Dev", "Eve", "Nia", "Vic"]),
    ("nia", "sector=district", ["Ana", "Cara", "Nia"]),
])
def test_a_member_without_a_region_is_listed_and_counted(app, unplaced, viewer, query, expected):
    response = client_for(app, unplaced[viewer]).get(f"/members?{query}")
    assert names(response) == expected
    assert result_count(response) == len(expected)


@pytest.mark.parametrize("per_page", [2, 3, 4])
def test_a_member_without_a_region_is_on_the_right_page(app, unplaced, monkeypatch, per_page):
    from exchange.members import directory
    monkeypatch.setattr(directory, "PER_PAGE", per_page)
    client = client_for(app, unplaced["ana"])    # Denver: ana, ben, cara are peers
    pages = -(-7 // per_page)
    listed = []
    for page in range(1, pages + 1):
        response = client.get(f"/members?page={page}")
        assert f"Page {page} of {pages}" in visible(response)
        listed += names(response)
    assert listed == ["Ana", "Ben", "Cara", "Dev", "Eve", "Nia", "Vic"]


@pytest.mark.parametrize("viewer", ["vic", "nia"])
@pytest.mark.parametrize("start", ["/members", "/members?offer=mentoring", "/members?sort=name"])
def test_each_facet_count_is_what_its_link_lists(app, unplaced, viewer, start):
    client = client_for(app, unplaced[viewer])
    links = re.findall(r'<a href="([^"]+)"\s+hx-get="[^"]*"[^>]*>\s*<span class="facet-label">([^<]+)</span> '
                       r'<span class="count">(\d+)<', client.get(start).get_data(as_text=True))
    assert len(links) >= 10
    for href, label, count in links:
        response = client.get(unescape(href))
        assert result_count(response) == len(names(response)), (href, label)
        if "tag=" in href:
            # The expertise facet counts the tag itself; its filter also finds the tag's children
            # (test_directory_filters_...: tag=talent-pipeline finds ana's teacher residency).
            assert len(names(response)) >= int(count), (href, label)
        else:
            assert len(names(response)) == int(count), (href, label)


def test_a_metros_area_is_the_same_over_a_loaded_table_and_in_sql(app, network):
    parents = dict(db.session.execute(select(Region.id, Region.parent_id)).all())
    by_id = {r.id: r.slug for r in network["regions"].values()}
    for region in network["regions"].values():
        loaded = {by_id[i] for i in regions.area_ids(region.id, parents)}
        assert loaded == {by_id[i] for i in db.session.scalars(regions.area(region.id))}, region.slug
    assert {by_id[i] for i in regions.area_ids(network["regions"]["denver"].id, parents)} == {
        "denver", "aurora", "lakewood"}
    assert regions.area_ids(network["regions"]["aurora"].id, parents) == [network["regions"]["aurora"].id]
    metros = dict(db.session.execute(select(Region.slug, regions.metro_id())).all())
    assert {slug: by_id[m] for slug, m in metros.items()} == {
        "denver": "denver", "aurora": "denver", "lakewood": "denver", "chicago": "chicago", "seattle": "seattle"}


def test_unknown_filter_values_are_ignored_with_a_note(app, network):
    response = client_for(app, network["vic"]).get("/members?region=atlantis&tag=nonsense&program=zzz&cohort=abc"
                                                   "&sector=pirate&offer=gold&page=-3")
    assert response.status_code == 200
    text = visible(response)
    assert "No region called “atlantis”" in text and "No tag called “nonsense”" in text
    assert len(names(response)) == 6


def test_hostile_directory_input(app, network):
    client = client_for(app, network["vic"])
    for query in ["q=%25", "q=_", "q=' OR 1=1 --", "q=<script>alert(1)</script>", "q=" + "x" * 10_000,
                  "region=%00", "tag=../../etc"]:
        response = client.get(f"/members?{query}")
        assert response.status_code == 200, query
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert names(client.get("/members?q=%25")) == []


def test_htmx_filters_return_the_directory_partial(app, network):
    response = client_for(app, network["vic"]).get("/members?region=denver", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="directory"') and "<html" not in html
    assert set(names(response)) == {"Ana", "Ben", "Cara"}


def test_suspended_members_disappear_everywhere(app, network):
    client = client_for(app, network["vic"])
    assert "Fay" not in names(client.get("/members?tag=talent-pipeline"))
    assert client.get("/members/fay").status_code == 404
    assert facet(client.get("/members"), "Region")["Denver"] == 3


@pytest.mark.parametrize("who, expected", [("anonymous", 302), ("pending", 403)])
def test_directory_requires_an_active_account(app, network, make_user, who, expected):
    client = app.test_client()
    if who == "pending":
        client.sign_in_as(make_user(status=Status.PENDING))
    for url in ["/members", "/members/ana", "/regions", "/regions/denver", "/inbox"]:
        response = client.get(url)
        assert response.status_code == expected, url
        assert "Ana Example" not in response.get_data(as_text=True)
        if expected == 302:
            assert "/login" in response.headers["Location"]


def test_suspended_viewer_is_signed_out(app, network):
    client = client_for(app, network["fay"])
    response = client.get("/members")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- profiles and privacy -------------------------------------------------------------------------

@pytest.mark.parametrize("viewer, organisation, offers", [
    ("ana", True, False),    # same program (UELF)
    ("vic", False, False),   # another program
    ("moderator", True, False),
    ("eve", True, True),     # the owner
])
def test_each_visibility_level_by_viewer(app, network, make_user, viewer, organisation, offers):
    user = make_user(role=Role.MODERATOR) if viewer == "moderator" else network[viewer]
    response = client_for(app, user).get("/members/eve")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("Secret Org" in html) is organisation
    assert ('class="offers-box"' in html) is offers
    assert "Director at Eve" in html                       # shown to all members
    assert "eve@example.org" not in html                   # email: never


def test_private_fields_are_absent_from_member_search(app, backend, network):
    search_outbox.drain()
    client = client_for(app, network["ana"])               # even a same-program member: results are for everyone

    def found(q):
        response = client.get("/search", query_string={"q": q, "type": "members"})
        return set(re.findall(r'<span class="muted">@(\w+)</span>', response.get_data(as_text=True)))

    assert found("secret") == set()                         # eve's organisation: her programs only
    assert found("eve") == {"eve"}
    assert found("family engagement") == set()              # cara's expertise: her programs only
    assert found("human capital") == {"ana", "ben", "eve"}   # an alias of their expertise (ana: a child tag)
    assert found("state agency") == {"dev"}                  # sector
    assert "dev" not in found("chicago")                    # dev's region: only dev


def test_profile_shows_contributions_grouped_by_tag(app, network, make_practice, make_thread, taxonomy):
    ana = network["ana"]
    make_practice(author=ana, title="Residents paired with veteran mentors", tags=[taxonomy["teacher-residency"]])
    make_thread(author=ana, title="How do you schedule residents?")
    response = client_for(app, network["vic"]).get("/members/ana")
    text = visible(response)
    assert "1 practice published · 1 thread started" in text
    assert re.search(r"Teacher residency 1 .*Residents paired with veteran mentors", text)
    assert re.search(r"Not tagged 1 .*How do you schedule residents\?", text)


def test_owner_sees_visibility_labels_and_an_edit_link(app, network):
    html = client_for(app, network["cara"]).get("/members/cara").get_data(as_text=True)
    assert "/members/cara/edit" in html and "My programs only" in html
    other = client_for(app, network["ana"]).get("/members/cara").get_data(as_text=True)
    assert "/members/cara/edit" not in other and "My programs only" not in other


def test_avatars_are_generated_initials(app, network):
    assert 'aria-hidden="true">AE</span>' in client_for(app, network["vic"]).get("/members/ana").get_data(as_text=True)


# --- editing a profile ----------------------------------------------------------------------------

def _profile_form(**changes) -> dict:
    data = {"display_name": "Vic Example", "headline": "Chief of Staff", "organisation": "Chicago Public Schools",
            "sector": "district", "region": "0", "bio": "I *love* data.", "expertise": "Human capital, Data and analytics",
            "offers": ["mentoring", "call"], "offer_capacity": "3",
            "affiliations-0-program": "0", "affiliations-0-cohort_year": "", "affiliations-0-capacity": "fellow"}
    data.update({f"show_{f}": "members" for f in privacy.FIELDS})
    data.update(changes)
    return data


def test_member_edits_their_profile_and_visibility(app, network):
    vic = network["vic"]
    client = client_for(app, vic)
    assert client.get("/members/vic/edit").status_code == 200
    psdr = db.session.query(Program).filter_by(slug="psdr").one()
    response = client.submit("/members/vic/edit", _profile_form(
        region=str(network["regions"]["denver"].id), show_organisation="me",
        **{"affiliations-0-program": str(psdr.id), "affiliations-0-cohort_year": "2019"}))
    assert response.status_code == 303
    user = db.session.get(User, vic.id)
    assert [t.slug for t in user.expertise] == ["data-and-analytics", "talent-pipeline"]
    assert user.offers == ["mentoring", "call"] and user.offer_capacity == 3
    assert user.show_organisation == Visibility.ONLY_ME and user.bio_html == "<p>I <em>love</em> data.</p>\n"
    assert set(names(client_for(app, network["ana"]).get("/members?region=denver&tag=talent-pipeline"))) == \
        {"Ana", "Ben", "Vic"}
    assert "Chicago Public Schools" not in client_for(app, network["ben"]).get("/members/vic").get_data(as_text=True)


@pytest.mark.parametrize("changes, message", [
    ({"expertise": "Underwater basket weaving"}, "Not in the shared taxonomy: “Underwater basket weaving”"),
    ({"bio": "x" * 4001}, "Keep your bio under 4,000 characters."),
    ({"display_name": ""}, "Give your name."),
    ({"headline": "h" * 161}, "At most 160 characters."),
    ({"offer_capacity": "500"}, "Between 1 and 50."),
    ({"show_bio": "everyone"}, "Not a valid choice"),
    ({"sector": "pirate"}, "Not a valid choice"),
])
def test_bad_profile_input_keeps_the_members_text(app, network, changes, message):
    client = client_for(app, network["vic"])
    form = _profile_form(**{"headline": "My carefully written headline", **changes})
    response = client.submit("/members/vic/edit", form)
    assert response.status_code == 422
    text = visible(response)
    assert message in text
    if "headline" not in changes:
        assert "My carefully written headline" in response.get_data(as_text=True)
    assert db.session.get(User, network["vic"].id).headline == "Director at Vic"   # nothing half-written


def test_profile_text_is_rendered_inert(app, network):
    client = client_for(app, network["vic"])
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.submit("/members/vic/edit", _profile_form(display_name=f"Vic {attack}", headline=attack,
                                                                bio=f"[click](javascript:alert(1)) {attack}"))
    assert response.status_code == 303
    for url in ["/members/vic", "/members"]:
        html = client_for(app, network["ana"]).get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert 'href="javascript:' not in html


def test_only_the_owner_edits_a_profile(app, network, make_user):
    assert client_for(app, network["ana"]).get("/members/vic/edit").status_code == 403
    assert client_for(app, network["ana"]).submit("/members/vic/edit", _profile_form()).status_code == 403
    moderator = make_user(role=Role.MODERATOR)
    assert client_for(app, moderator).get("/members/vic/edit").status_code == 403


def test_profile_edit_needs_csrf(app, network):
    response = client_for(app, network["vic"]).post("/members/vic/edit", data=_profile_form())
    assert response.status_code == 400


# --- contact requests -----------------------------------------------------------------------------

MESSAGE = "Hello Ana, I run the residency program in Chicago and would love to compare notes."


def test_contact_request_reaches_email_and_inbox(app, network, mailbox):
    response = client_for(app, network["vic"]).submit("/members/ana/contact", {"message": MESSAGE, "offer": "call"},
                                                      htmx=True)
    assert response.status_code == 200 and "on its way to Ana Example" in visible(response)
    mail = mailbox()[-1]
    assert "To: ana@example.org" in mail and "Vic Example would like to get in touch" in mail
    assert MESSAGE in mail and "/members/vic" in mail
    inbox = client_for(app, network["ana"]).get("/inbox")
    assert MESSAGE in visible(inbox) and "/members/vic" in inbox.get_data(as_text=True)
    assert 'class="badge">New<' in inbox.get_data(as_text=True)
    assert 'class="badge">New<' not in client_for(app, network["ana"]).get("/inbox").get_data(as_text=True)  # read
    request = db.session.query(ContactRequest).one()
    assert request.read_at is not None


def test_contact_mail_replies_to_the_sender(app, network):
    import email

    from exchange.mail import deliver_due
    from pathlib import Path
    client_for(app, network["vic"]).submit("/members/ana/contact", {"message": MESSAGE})
    deliver_due()
    path = sorted(Path(app.config["MAIL_DIR"]).glob("*.eml"))[-1]
    assert email.message_from_bytes(path.read_bytes())["Reply-To"] == "vic@example.org"


def test_contact_requests_are_rate_limited_without_losing_the_text(app, network):
    app.config["FLOOD_LIMITS"] = {**app.config["FLOOD_LIMITS"], "contact": "2 per hour"}
    app.config["FLOOD_LIMITS_NEWCOMER"] = {**app.config["FLOOD_LIMITS_NEWCOMER"], "contact": "2 per hour"}
    client = client_for(app, network["vic"])
    for target in ("ana", "ben"):
        assert client.submit(f"/members/{target}/contact", {"message": MESSAGE}, htmx=True).status_code == 200
    third = client.submit("/members/cara/contact", {"message": MESSAGE + " Third."}, htmx=True)
    assert third.status_code == 422
    assert "as many contact requests as we allow" in visible(third)
    assert MESSAGE + " Third." in visible(third)
    assert db.session.query(ContactRequest).count() == 2
    # Another member is not affected.
    assert client_for(app, network["eve"]).submit("/members/cara/contact", {"message": MESSAGE},
                                                  htmx=True).status_code == 200


@pytest.mark.parametrize("message, error", [("Hi", "Say a little more"), ("", "Write a short message."),
                                            ("x" * 2001, "Keep it under 2,000 characters.")])
def test_contact_request_bad_input(app, network, message, error):
    response = client_for(app, network["vic"]).submit("/members/ana/contact", {"message": message})
    assert response.status_code == 422 and error in visible(response)
    assert db.session.query(ContactRequest).count() == 0


def test_cannot_contact_yourself_or_a_suspended_member(app, network):
    client = client_for(app, network["vic"])
    assert client.submit("/members/vic/contact", {"message": MESSAGE}).status_code == 403
    assert client.submit("/members/fay/contact", {"message": MESSAGE}).status_code == 404
    assert client.post("/members/ana/contact", data={"message": MESSAGE}).status_code == 400   # no CSRF token


# --- regions --------------------------------------------------------------------------------------

def test_regions_page_counts_members_and_draws_the_map(app, network, make_practice, taxonomy):
    make_practice(author=network["ben"], title="Denver's data dashboard", region=network["regions"]["denver"])
    response = client_for(app, network["vic"]).get("/regions")
    html = response.get_data(as_text=True)
    assert re.search(r'href="/regions/denver">Denver</a> <span class="count">3 members', html)
    assert re.search(r'href="/regions/chicago">Chicago</a> <span class="count">2 members', html)
    assert re.search(r'href="/regions/seattle">Seattle</a> <span class="count">0 members', html)
    assert '<svg viewBox="0 0 960' in html and html.count("<circle") == 3
    assert "<title>Denver: 3 members</title>" in html
    assert "Denver's data dashboard" in html.replace("&#39;", "'")
    assert re.search(r'href="/regions/aurora">Aurora</a> · <a href="/regions/lakewood">Lakewood', html)


def test_markers_are_placed_by_coordinates_and_sized_by_members(app, network):
    from exchange.members.regionmap import region_map
    drawn = region_map([("denver", "Denver", 39.74, -104.99, 9), ("chicago", "Chicago", 41.88, -87.63, 1),
                        ("honolulu", "Honolulu", 21.3, -157.8, 4), ("nowhere", "Nowhere", None, None, 2)])
    denver, chicago = sorted(drawn.markers, key=lambda m: m.x)
    assert denver.x < chicago.x and denver.y > chicago.y        # west and south of Chicago
    assert denver.r > chicago.r
    assert drawn.off_map == ["Honolulu", "Nowhere"]


def test_region_page_lists_members_writing_and_expertise(app, network, make_practice, make_thread):
    make_practice(author=network["ana"], title="Aurora residency playbook")
    make_thread(author=network["ben"], title="Denver budget season")
    make_thread(author=network["vic"], title="Chicago question")
    response = client_for(app, network["vic"]).get("/regions/denver")
    text = visible(response)
    assert set(names(response)) == {"Ana", "Ben", "Cara"}
    assert "Aurora residency playbook" in text and "Denver budget season" in text
    assert "Chicago question" not in text
    assert "Cities and districts: Aurora · Lakewood" in text
    assert re.search(r"Most common expertise here: .*Talent pipeline 1", text)
    city = client_for(app, network["vic"]).get("/regions/aurora")
    assert set(names(city)) == {"Ana"} and "Regions › Denver" in visible(city)
    assert client_for(app, network["vic"]).get("/regions/atlantis").status_code == 404


def test_region_page_filters_with_htmx(app, network):
    response = client_for(app, network["vic"]).get("/regions/denver?tag=talent-pipeline",
                                                    headers={"HX-Request": "true"})
    assert response.get_data(as_text=True).lstrip().startswith('<div id="directory"')
    assert set(names(response)) == {"Ana", "Ben"}


def test_a_chosen_city_shows_as_chosen_within_its_metro(app, network):
    response = client_for(app, network["vic"]).get("/members?region=aurora")
    html = response.get_data(as_text=True)
    assert facet(response, "City or district") == {"Aurora": 1, "Lakewood": 1}
    # The city is marked chosen; choosing it again widens to its metro; the metro is marked too.
    assert re.search(r'<a href="/members\?region=denver"\s+aria-current="true" class="selected"[^>]*>\s*'
                     r'<span class="facet-label">Aurora', html)
    assert re.search(r'<a href="/members"\s+aria-current="true" class="selected"[^>]*>\s*'
                     r'<span class="facet-label">Denver', html)


def test_a_private_headline_stays_off_shared_pages_and_feeds(app, network, make_thread, make_practice):
    eve = db.session.get(User, network["eve"].id)
    eve.headline, eve.show_headline = "Quietly job hunting", Visibility.ONLY_ME
    db.session.commit()
    thread = make_thread(author=eve, title="Coaching cycles that stick")
    practice = make_practice(author=eve, title="Mentor matching in week one")
    reader = client_for(app, network["ana"])                # same program: still not "only me"
    from exchange.feeds import feed_key
    with app.test_request_context():
        key = feed_key(db.session.get(User, network["ana"].id))
    for url in [f"/t/{thread.id}", f"/practices/{practice.id}", "/members/eve", "/members",
                "/search?q=eve&type=members", f"/practices.atom?key={key}"]:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert "Quietly job hunting" not in response.get_data(as_text=True), url
    assert "Quietly job hunting" in client_for(app, eve).get("/members/eve").get_data(as_text=True)
