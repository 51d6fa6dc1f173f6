"""The talent pool against a hand-counted network: filters, counts, privacy, views, blocks, contact.

Everyone below is an active member; "shares" is what they show employers (off by default).

    member  region           programs    expertise           levels            kinds                 available  shares
    ana     Aurora (Denver)  UELF 2018   teacher-residency   analyst           full_time             now        headline, region, affiliations, expertise
    ben     Denver           PSDR 2020   data-and-analytics  analyst, manager  full_time, part_time  +60 days   region, expertise
    cara    Denver           UELF 2020   talent-pipeline     director          fellowship            +120 days  affiliations, expertise
    dev     Chicago          PSDR 2018   data-and-analytics  analyst           full_time             now        region, expertise, organisation, bio
    eve     Chicago          UELF 2018   talent-pipeline     executive         board                 +300 days  nothing
    fay     Denver           UELF 2019   data-and-analytics  analyst           full_time             now        everything — but she LEFT the pool
    gus     Denver           PSDR 2019   data-and-analytics  —                 —                     —          never joined

Employers: ``dps`` (Denver Public Schools) and ``kipp`` (KIPP Colorado).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from exchange.extensions import db
from exchange.instrumentation import configure_sql_counter
from exchange.account import deletion
from exchange.models import (Affiliation, ContactRequest, Program, Region, Role, Status, Tag, TalentList, TalentListEntry,
                             TalentView, User, Visibility)
from exchange.models.talent import SHAREABLE
from exchange.search import outbox as search_outbox
from exchange.talent import services as talent
from tests.helpers import visible
from tests.test_search import backend  # noqa: F401 - both search backends

MESSAGE = "We have an analyst role in our data team and your dashboards caught our eye."


def _person(make_user, username, region, affiliations, expertise):
    programs = {p.slug: p.id for p in db.session.query(Program)}
    tags = {t.slug: t for t in db.session.query(Tag)}
    user = db.session.get(User, make_user(username=username, display_name=f"{username.title()} Example").id)
    user.region_id = region.id
    user.organisation = f"{username.title()} Schools"
    user.headline = f"Director at {username.title()}"
    user.bio_source = user.bio_html = f"{username.title()} built an early-warning dashboard."
    user.affiliations = [Affiliation(program_id=programs[p], cohort_year=y) for p, y in affiliations]
    user.expertise = [tags[t] for t in expertise]
    db.session.commit()
    return user


def _join(user, *, levels=(), kinds=(), days=None, shares=(), is_open=True):
    talent.save_talent(user, talent.TalentInput(
        is_open=is_open, levels=list(levels), kinds=list(kinds),
        available_from=date.today() + timedelta(days) if days else None, shares={f: True for f in shares}))


@pytest.fixture
def network(app, taxonomy, make_user):
    denver = Region(slug="denver", name="Denver")
    chicago = Region(slug="chicago", name="Chicago")
    aurora = Region(slug="aurora", name="Aurora", parent=denver)
    db.session.add_all([denver, chicago, aurora])
    db.session.commit()
    people = {
        "ana": _person(make_user, "ana", aurora, [("uelf", 2018)], ["teacher-residency"]),
        "ben": _person(make_user, "ben", denver, [("psdr", 2020)], ["data-and-analytics"]),
        "cara": _person(make_user, "cara", denver, [("uelf", 2020)], ["talent-pipeline"]),
        "dev": _person(make_user, "dev", chicago, [("psdr", 2018)], ["data-and-analytics"]),
        "eve": _person(make_user, "eve", chicago, [("uelf", 2018)], ["talent-pipeline"]),
        "fay": _person(make_user, "fay", denver, [("uelf", 2019)], ["data-and-analytics"]),
        "gus": _person(make_user, "gus", denver, [("psdr", 2019)], ["data-and-analytics"]),
    }
    _join(people["ana"], levels=["analyst"], kinds=["full_time"],
          shares=["headline", "region", "affiliations", "expertise"])
    _join(people["ben"], levels=["analyst", "manager"], kinds=["full_time", "part_time"], days=60,
          shares=["region", "expertise"])
    _join(people["cara"], levels=["director"], kinds=["fellowship"], days=120, shares=["affiliations", "expertise"])
    _join(people["dev"], levels=["analyst"], kinds=["full_time"], shares=["region", "expertise", "organisation", "bio"])
    _join(people["eve"], levels=["executive"], kinds=["board"], days=300)
    _join(people["fay"], levels=["analyst"], kinds=["full_time"], shares=SHAREABLE)
    _join(people["fay"], levels=["analyst"], kinds=["full_time"], shares=SHAREABLE, is_open=False)
    for username, organisation in (("dps", "Denver Public Schools"), ("kipp", "KIPP Colorado")):
        people[username] = db.session.get(User, make_user(username=username, role=Role.EMPLOYER).id)
        people[username].employer_profile.organisation = organisation
        people[username].employer_profile.organisation_key = organisation.lower()
    db.session.commit()
    return people


def as_user(app, user):
    return app.test_client().sign_in_as(user)


def cards(response) -> list[str]:
    return re.findall(r'class="member-card-head" href="/talent/([\w.-]+)"', response.get_data(as_text=True))


def facet(response, title) -> dict[str, int]:
    html = response.get_data(as_text=True)
    section = re.search(rf"<h2>{title}</h2>(.*?)</section>", html, re.S)
    if section is None:
        return {}
    return {label: int(n) for label, n in re.findall(
        r'<span class="facet-label">([^<]+)</span> <span class="count">(\d+)</span>', section.group(1))}


def test_the_pool_lists_its_members_only_with_what_they_share(app, network):
    page = as_user(app, network["dps"]).get("/talent")
    assert sorted(cards(page)) == ["ana", "ben", "cara", "dev", "eve"]   # fay left, gus never joined
    assert "5 people in the pool" in visible(page)
    text = visible(page)
    assert "Director at Ana" in text                                    # shared
    assert "Director at Ben" not in text and "Eve Schools" not in text  # not shared
    assert "Dev Schools" in text


@pytest.mark.parametrize("query, expected", [
    ({"region": "denver"}, ["ana", "ben"]),                    # a metro includes its cities; cara hides her region
    ({"region": "aurora"}, ["ana"]),
    ({"tag": "talent-pipeline"}, ["ana", "cara"]),             # a child tag counts (ana: teacher-residency)
    ({"tag": "human-capital"}, ["ana", "cara"]),               # an alias
    ({"tag": "data-and-analytics"}, ["ben", "dev"]),           # fay shares it, but left
    ({"level": "analyst"}, ["ana", "ben", "dev"]),
    ({"kind": "board"}, ["eve"]),
    ({"available": "now"}, ["ana", "dev"]),
    ({"available": "3m"}, ["ana", "ben", "dev"]),
    ({"available": "6m"}, ["ana", "ben", "cara", "dev"]),
    ({"program": "uelf"}, ["ana", "cara"]),                    # eve does not share her programs
    ({"program": "uelf", "cohort": "2020"}, ["cara"]),
    ({"level": "analyst", "region": "denver", "tag": "data-and-analytics"}, ["ben"]),
    ({"q": "dashboard"}, ["dev"]),                             # only dev shares his bio
    ({"q": "schools"}, ["dev"]),                               # only dev shares his organisation
    ({"q": "eve"}, ["eve"]),                                   # the name is always on the card
    ({"region": "nowhere", "level": "analyst"}, ["ana", "ben", "dev"]),
])
def test_filters_match_the_hand_count(app, network, query, expected):
    assert sorted(cards(as_user(app, network["dps"]).get("/talent", query_string=query))) == expected


def test_facet_counts_match_the_hand_count_and_leave_out_what_is_not_shared(app, network):
    page = as_user(app, network["dps"]).get("/talent")
    assert facet(page, "Region") == {"Denver": 2, "Chicago": 1}
    assert facet(page, "Expertise") == {"Data and analytics": 2, "Teacher residency": 1, "Talent pipeline": 1}
    assert facet(page, "Level sought") == {"Executive": 1, "Director": 1, "Manager": 1, "Analyst": 3}
    assert facet(page, "Kind of role") == {"Full-time role": 3, "Fellowship or residency": 1,
                                           "Part-time or consulting": 1, "Board seat": 1}
    assert facet(page, "Available") == {"Available now": 2, "Within 3 months": 3, "Within 6 months": 4}
    assert facet(page, "Program") == {"UELF": 2} or facet(page, "Program") == {
        "Urban Education Leadership Fellowship": 2}


def test_counts_stay_within_the_other_filters_and_show_a_metros_cities(app, network):
    page = as_user(app, network["dps"]).get("/talent", query_string={"region": "denver", "level": "analyst"})
    assert facet(page, "City or district") == {"Aurora": 1}
    assert facet(page, "Region") == {"Denver": 2, "Chicago": 1}      # its own dimension left out
    assert facet(page, "Level sought") == {"Analyst": 2, "Manager": 1}


def test_unknown_filter_values_are_ignored_with_a_note(app, network):
    page = visible(as_user(app, network["dps"]).get("/talent", query_string={"region": "atlantis", "tag": "zzz",
                                                                             "level": "emperor"}))
    assert "No region called “atlantis”" in page and "No tag called “zzz”" in page
    assert "5 people in the pool" in page


def test_htmx_gets_the_pool_partial_alone(app, network):
    response = as_user(app, network["dps"]).htmx_get("/talent?level=analyst")
    body = response.get_data(as_text=True).strip()
    assert body.startswith('<div id="pool"') and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("url", ["/talent", "/talent?level=analyst&region=denver&tag=data-and-analytics",
                                 "/talent/ana"])
def test_pool_pages_stay_within_the_statement_budget(app, network, url):
    app.config["SQL_COUNT_HEADER"] = True
    configure_sql_counter(app)
    response = as_user(app, network["dps"]).get(url)
    assert response.status_code == 200
    assert int(response.headers["X-SQL-Statements"]) <= 12


def test_a_card_shows_only_what_the_member_shares(app, network):
    client = as_user(app, network["dps"])
    ana = visible(client.get("/talent/ana"))
    assert "Director at Ana" in ana and "Aurora" in ana and "Teacher residency" in ana and "Urban Education Leadership Fellowship" in ana
    assert "Ana Schools" not in ana and "early-warning" not in ana and "ana@example.org" not in ana
    eve = client.get("/talent/eve")
    assert eve.status_code == 200
    text = visible(eve)
    for hidden in ("Director at Eve", "Eve Schools", "Chicago", "UELF", "Talent pipeline", "early-warning"):
        assert hidden not in text, hidden
    assert "Board seat" in text


def test_leaving_the_pool_removes_a_member_at_once(app, network):
    client = as_user(app, network["dps"])
    assert client.get("/talent/ben").status_code == 200
    assert "ben" in cards(client.get("/talent"))                 # the page is cached now
    member = as_user(app, network["ben"])
    response = member.submit("/members/ben/talent", {"levels": "analyst"})   # is_open unticked
    assert response.status_code == 303
    assert client.get("/talent/ben").status_code == 404
    assert "ben" not in cards(client.get("/talent"))
    assert client.get("/talent/fay").status_code == 404 and client.get("/talent/gus").status_code == 404


def test_a_member_joins_the_pool_from_their_settings_and_shares_nothing_by_default(app, network):
    member = as_user(app, network["gus"])
    page = member.get("/members/gus/talent")
    assert page.status_code == 200
    assert "checked" not in re.sub(r'<input[^>]*name="(?!share_)[^"]*"[^>]*>', "", page.get_data(as_text=True))
    assert member.submit("/members/gus/talent", {"is_open": "y", "levels": "manager", "kinds": "full_time",
                                                 "available_from": "2031-02-01"}).status_code == 303
    employer = as_user(app, network["kipp"])
    text = visible(employer.get("/talent/gus"))
    assert "Gus Example" in text and "Manager" in text and "2031-02-01" in text
    assert "Denver" not in text and "Director at Gus" not in text and "Data and analytics" not in text


def test_a_refused_settings_form_keeps_what_was_typed(app, network):
    response = as_user(app, network["gus"]).submit("/members/gus/talent", {
        "is_open": "y", "note": "x" * 400, "available_from": "not a date"})
    assert response.status_code == 422
    assert "Keep it under 280 characters." in visible(response)
    assert "x" * 400 in response.get_data(as_text=True)


def test_the_member_profile_edit_page_links_to_the_pool_settings(app, network):
    assert 'href="/members/gus/talent"' in as_user(app, network["gus"]).get("/members/gus/edit").get_data(as_text=True)


def test_search_carries_nothing_a_member_shares_only_with_employers(app, backend, network):
    gus = network["gus"]
    gus.headline = "Zanzibar strategist"
    gus.show_headline = Visibility.ONLY_ME
    db.session.commit()
    _join(gus, shares=SHAREABLE)
    search_outbox.queue_members(gus.id)
    db.session.commit()
    search_outbox.drain()
    response = as_user(app, network["ana"]).get("/search", query_string={"q": "zanzibar", "type": "members"})
    assert "@gus" not in response.get_data(as_text=True)
    assert "Zanzibar" in visible(as_user(app, network["dps"]).get("/talent/gus"))


# --- who looked -------------------------------------------------------------------------------------

def test_each_employer_view_is_recorded_once_a_day_and_the_member_sees_who_looked(app, network):
    dps = as_user(app, network["dps"])
    dps.get("/talent/ana")
    dps.get("/talent/ana")
    as_user(app, network["kipp"]).get("/talent/ana")
    as_user(app, network["dps"]).get("/talent")          # the list is not a view of her card
    rows = db.session.scalar(select(func.count()).select_from(TalentView).where(
        TalentView.member_id == network["ana"].id))
    assert rows == 2
    settings = visible(as_user(app, network["ana"]).get("/members/ana/talent"))
    assert "Viewed by Denver Public Schools" in settings and "Viewed by KIPP Colorado" in settings
    assert "Viewed by" not in visible(as_user(app, network["ben"]).get("/members/ben/talent"))


def test_a_moderator_looking_is_not_recorded(app, network, moderator_client):
    assert moderator_client.get("/talent/ana").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(TalentView)) == 0


# --- blocking ------------------------------------------------------------------------------------------

def test_a_blocked_organisation_no_longer_finds_sees_or_writes_to_the_member(app, network):
    eve, dps, kipp = (as_user(app, network[name]) for name in ("eve", "dps", "kipp"))
    assert "eve" in cards(dps.get("/talent")) and "eve" in cards(kipp.get("/talent"))   # both cached now
    assert eve.submit("/members/eve/talent/blocks", {"organisation": "Denver Public Schools"}).status_code == 303
    assert "eve" not in cards(dps.get("/talent"))
    assert "Board seat" not in facet(dps.get("/talent"), "Kind of role")
    assert dps.get("/talent/eve").status_code == 404
    assert dps.submit("/talent/eve/contact", {"message": MESSAGE}).status_code == 404
    assert "eve" in cards(kipp.get("/talent"))
    assert "Denver Public Schools" in visible(eve.get("/members/eve/talent"))
    key = "denver public schools"
    assert eve.submit("/members/eve/talent/blocks", {"unblock": key}).status_code == 303
    assert dps.get("/talent/eve").status_code == 200


# --- writing to a pool member ------------------------------------------------------------------------------

def test_an_employer_writes_to_a_pool_member_who_finds_it_in_the_inbox(app, network, mailbox):
    dps = as_user(app, network["dps"])
    response = dps.submit("/talent/ana/contact", {"message": MESSAGE})
    assert response.status_code == 303
    sent = db.session.scalar(select(ContactRequest).where(ContactRequest.recipient_id == network["ana"].id))
    assert sent.sender_id == network["dps"].id and sent.message == MESSAGE
    assert "Denver Public Schools would like to talk about an opportunity" in mailbox()[-1]
    inbox = visible(as_user(app, network["ana"]).get("/inbox"))
    assert "Denver Public Schools" in inbox and MESSAGE in inbox


def test_a_short_message_comes_back_with_the_reason_and_the_text(app, network):
    response = as_user(app, network["dps"]).submit("/talent/ana/contact", {"message": "Call me"}, htmx=True)
    assert response.status_code == 422
    assert "Say a little more" in visible(response) and "Call me" in visible(response)


def test_employers_have_their_own_contact_limit(app, network):
    app.config["FLOOD_LIMITS"] = {**app.config["FLOOD_LIMITS"], "employer_contact": "2 per hour"}
    app.config["FLOOD_LIMITS_NEWCOMER"] = {**app.config["FLOOD_LIMITS_NEWCOMER"], "employer_contact": "2 per hour"}
    dps = as_user(app, network["dps"])
    assert [dps.submit(f"/talent/{who}/contact", {"message": MESSAGE}).status_code
            for who in ("ana", "ben")] == [303, 303]
    refused = dps.submit("/talent/dev/contact", {"message": MESSAGE})
    assert refused.status_code == 422
    assert "messages to pool members" in visible(refused) and MESSAGE in visible(refused)
    assert as_user(app, network["kipp"]).submit("/talent/dev/contact", {"message": MESSAGE}).status_code == 303
    assert as_user(app, network["ana"]).submit("/members/ben/contact", {"message": MESSAGE}).status_code == 303


# --- an employer's saved lists ------------------------------------------------------------------------------

def _new_list(client, name: str) -> int:
    response = client.submit("/talent/lists", {"name": name})
    assert response.status_code == 303, visible(response)
    return int(response.location.rsplit("/", 1)[1])


def _entries(member) -> int:
    return db.session.scalar(select(func.count()).select_from(TalentListEntry)
                             .where(TalentListEntry.member_id == member.id))


def test_an_employer_saves_members_to_lists_that_show_only_what_they_share(app, network):
    dps = as_user(app, network["dps"])
    leads = _new_list(dps, "Denver data leads")
    assert dps.submit("/talent/ben/lists", {"list_id": leads}).status_code == 303
    assert dps.submit("/talent/ben/lists", {"list_id": leads}).status_code == 303      # twice changes nothing
    assert dps.submit("/talent/dev/lists", {"list_id": 0, "new_list": "Chicago analysts"}).status_code == 303
    page = dps.get(f"/talent/lists/{leads}")
    assert cards(page) == ["ben"] and "1 member" in visible(page)
    assert "Denver" in visible(page) and "data-and-analytics" not in visible(page)    # region shared, chips by name
    assert "Director at Ben" not in visible(page) and "Ben Schools" not in visible(page)   # not shared
    overview = visible(dps.get("/talent/lists"))
    assert "Denver data leads" in overview and "Chicago analysts" in overview
    card = visible(dps.get("/talent/ben"))
    assert "Denver data leads" in card.rsplit("Saved lists", 1)[1]
    assert "Take off" in card
    assert _entries(network["ben"]) == 1 and _entries(network["dev"]) == 1
    pool_page = dps.get("/talent").get_data(as_text=True)
    ben_card = pool_page[pool_page.index('href="/talent/ben"'):].split("</article>")[0]
    assert "On your list: Denver data leads" in ben_card
    assert "On your list" not in visible(as_user(app, network["kipp"]).get("/talent"))      # dps's lists alone


def test_a_refused_list_name_comes_back_with_the_reason_and_the_text(app, network):
    dps = as_user(app, network["dps"])
    _new_list(dps, "Denver data leads")
    for name, reason in (("   ", "Give the list a name"), ("x" * 81, "under 80 characters"),
                         ("denver  DATA leads", "already have a list called")):
        response = dps.submit("/talent/lists", {"name": name})
        assert response.status_code == 422 and reason in visible(response), name
        if name.strip():
            assert name in response.get_data(as_text=True)
    hostile = _new_list(dps, "<script>alert(1)</script>")
    html = dps.get(f"/talent/lists/{hostile}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert dps.post("/talent/lists", data={"name": "No token"}).status_code == 400


def test_a_list_is_renamed_emptied_and_deleted_and_its_members_stay_in_the_pool(app, network):
    dps = as_user(app, network["dps"])
    leads, other = _new_list(dps, "Denver data leads"), _new_list(dps, "Later")
    dps.submit("/talent/ben/lists", {"list_id": leads})
    dps.submit("/talent/ana/lists", {"list_id": leads})
    refused = dps.submit(f"/talent/lists/{leads}/rename", {"name": "later"})
    assert refused.status_code == 422 and "already have a list" in visible(refused)
    assert dps.submit(f"/talent/lists/{leads}/rename", {"name": "Denver analysts"}).status_code == 303
    assert "Denver analysts" in visible(dps.get(f"/talent/lists/{leads}"))
    assert dps.submit(f"/talent/lists/{leads}/remove", {"username": "ana"}).status_code == 303
    assert cards(dps.get(f"/talent/lists/{leads}")) == ["ben"]
    back = dps.submit(f"/talent/lists/{leads}/remove", {"username": "ben", "back": "card"})
    assert back.location.endswith("/talent/ben")
    assert "No one on this list" in visible(dps.get(f"/talent/lists/{leads}"))
    assert dps.submit(f"/talent/lists/{other}/delete").status_code == 303
    assert dps.get(f"/talent/lists/{other}").status_code == 404
    assert "Later" not in visible(dps.get("/talent/lists")) and "ben" in cards(dps.get("/talent"))


def test_leaving_the_pool_takes_a_member_off_every_saved_list_for_good(app, network):
    dps, kipp = as_user(app, network["dps"]), as_user(app, network["kipp"])
    mine, theirs = _new_list(dps, "Shortlist"), _new_list(kipp, "Shortlist")
    dps.submit("/talent/ben/lists", {"list_id": mine})
    kipp.submit("/talent/ben/lists", {"list_id": theirs})
    assert cards(dps.get(f"/talent/lists/{mine}")) == ["ben"]
    ben = as_user(app, network["ben"])
    assert ben.submit("/members/ben/talent", {"levels": "analyst"}).status_code == 303      # is_open unticked
    assert _entries(network["ben"]) == 0
    assert cards(dps.get(f"/talent/lists/{mine}")) == [] and cards(kipp.get(f"/talent/lists/{theirs}")) == []
    assert "0 members" in visible(dps.get("/talent/lists"))
    ben.submit("/members/ben/talent", {"is_open": "y", "levels": "analyst", "share_region": "y"})
    assert "ben" in cards(dps.get("/talent")) and cards(dps.get(f"/talent/lists/{mine}")) == []


def test_blocking_an_organisation_takes_the_member_off_its_lists_alone(app, network):
    dps, kipp = as_user(app, network["dps"]), as_user(app, network["kipp"])
    mine, theirs = _new_list(dps, "Board candidates"), _new_list(kipp, "Board candidates")
    dps.submit("/talent/eve/lists", {"list_id": mine})
    kipp.submit("/talent/eve/lists", {"list_id": theirs})
    eve = as_user(app, network["eve"])
    assert eve.submit("/members/eve/talent/blocks", {"organisation": "Denver Public Schools"}).status_code == 303
    assert cards(dps.get(f"/talent/lists/{mine}")) == []
    assert cards(kipp.get(f"/talent/lists/{theirs}")) == ["eve"]
    assert _entries(network["eve"]) == 1
    assert dps.submit("/talent/eve/lists", {"list_id": mine}).status_code == 404


def test_a_member_out_of_sight_is_left_off_a_list_until_they_are_back(app, network):
    dps = as_user(app, network["dps"])
    leads = _new_list(dps, "Leads")
    dps.submit("/talent/ben/lists", {"list_id": leads})
    db.session.get(User, network["ben"].id).status = Status.SUSPENDED
    db.session.commit()
    assert cards(dps.get(f"/talent/lists/{leads}")) == [] and "0 members" in visible(dps.get("/talent/lists"))
    db.session.get(User, network["ben"].id).status = Status.ACTIVE
    db.session.commit()
    assert cards(dps.get(f"/talent/lists/{leads}")) == ["ben"]


def test_saved_lists_are_their_employers_alone(app, network, moderator_client):
    dps, kipp = as_user(app, network["dps"]), as_user(app, network["kipp"])
    leads = _new_list(dps, "Leads")
    dps.submit("/talent/ben/lists", {"list_id": leads})
    assert kipp.get(f"/talent/lists/{leads}").status_code == 404
    for action, data in (("rename", {"name": "Mine now"}), ("remove", {"username": "ben"}), ("delete", {})):
        assert kipp.submit(f"/talent/lists/{leads}/{action}", data).status_code == 404
    refused = kipp.submit("/talent/ana/lists", {"list_id": leads})
    assert refused.status_code == 422 and "Choose one of your lists" in visible(refused)
    assert "Leads" not in visible(kipp.get("/talent/lists"))
    assert cards(dps.get(f"/talent/lists/{leads}")) == ["ben"]
    assert moderator_client.get("/talent/lists").status_code == 403
    assert as_user(app, network["ben"]).get(f"/talent/lists/{leads}").status_code == 403


def test_lists_and_their_members_are_limited_with_a_clear_message(app, network, monkeypatch):
    monkeypatch.setattr(TalentList, "MAX_LISTS", 1)
    monkeypatch.setattr(TalentList, "MAX_MEMBERS", 1)
    dps = as_user(app, network["dps"])
    leads = _new_list(dps, "Leads")
    refused = dps.submit("/talent/lists", {"name": "Another"})
    assert refused.status_code == 422 and "delete one you no longer use" in visible(refused)
    dps.submit("/talent/ben/lists", {"list_id": leads})
    full = dps.submit("/talent/ana/lists", {"list_id": leads})
    assert full.status_code == 422 and "start another list" in visible(full)
    assert cards(dps.get(f"/talent/lists/{leads}")) == ["ben"]


def test_erasing_a_member_or_an_employer_erases_their_list_rows(app, network):
    dps = as_user(app, network["dps"])
    leads = _new_list(dps, "Leads")
    dps.submit("/talent/ben/lists", {"list_id": leads})
    dps.submit("/talent/ana/lists", {"list_id": leads})
    assert deletion.erase(network["ben"].id)
    assert _entries(network["ben"]) == 0 and cards(dps.get(f"/talent/lists/{leads}")) == ["ana"]
    assert deletion.erase(network["dps"].id)
    assert db.session.scalar(select(func.count()).select_from(TalentList)) == 0
    assert _entries(network["ana"]) == 0
