"""The opportunities board against hand-counted openings: filters, counts, posting, lifecycle, moderation.

Listed openings (closing dates in days from today):

    opening             kind        level      sector     region           remote  salary        closes  tags
    Chief Data Officer  full_time   executive  district   Denver           no      180k–220k     +5      data-and-analytics
    Data Analyst        full_time   analyst    district   Aurora (Denver)  no      60k–75k       +20     data-and-analytics
    Residency Fellow    fellowship  entry      nonprofit  Chicago          no      45k–50k       +60     teacher-residency
    Talent Director     full_time   director   charter    —                yes     110k–140k     +45     talent-pipeline
    School Board Seat   board       executive  nonprofit  Denver           no      —             +100    —
    Data Strategy RFP   rfp         manager    state      Chicago          yes     —             +3      data-and-analytics

Not listed: an open one past its closing date, a closed one, a filled one, a held one, a hidden one and a draft.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.models import Application, Kind, ModerationLog, Opportunity, Region, Role, Status, User
from exchange.notifications import emails, fanout
from exchange.opportunities import applications, services
from exchange.opportunities.board import BoardFilters, board
from tests.helpers import visible

TODAY = date.today()
LISTED = ["Chief Data Officer", "Data Analyst", "Residency Fellow", "Talent Director", "School Board Seat",
          "Data Strategy RFP"]


def _data(title, *, kind="full_time", level="analyst", sector="district", region=None, remote=False,
          salary=(60_000, 75_000), days=30, tags=(), body="The role, the team and what success looks like.",
          apply_url="") -> services.OpeningInput:
    low, high = salary if salary else (None, None)
    return services.OpeningInput(title=title, organisation="Denver Public Schools", kind=kind, level=level,
                                 sector=sector, region_id=region.id if region else None, remote=remote,
                                 salary_min=low, salary_max=high, closes_on=TODAY + timedelta(days=days), body=body,
                                 apply_url=apply_url, tags=list(tags))


@pytest.fixture
def regions(app):
    denver = Region(slug="denver", name="Denver")
    chicago = Region(slug="chicago", name="Chicago")
    aurora = Region(slug="aurora", name="Aurora", parent=denver)
    db.session.add_all([denver, chicago, aurora])
    db.session.commit()
    return {"denver": denver, "chicago": chicago, "aurora": aurora}


@pytest.fixture
def poster(make_user):
    """A moderator posts the fixture's openings, so none is held (holding is tested separately)."""
    return make_user(username="hr", role=Role.MODERATOR, display_name="Hiring Team")


@pytest.fixture
def openings(app, taxonomy, regions, poster):
    t, r = taxonomy, regions
    made = {}

    def make(title, **kwargs):
        made[title] = services.create(poster=poster, data=_data(title, **kwargs), publish=True)
        return made[title]

    make("Chief Data Officer", level="executive", region=r["denver"], salary=(180_000, 220_000), days=5,
         tags=[t["data-and-analytics"]])
    make("Data Analyst", region=r["aurora"], days=20, tags=[t["data-and-analytics"]])
    make("Residency Fellow", kind="fellowship", level="entry", sector="nonprofit", region=r["chicago"],
         salary=(45_000, 50_000), days=60, tags=[t["teacher-residency"]])
    make("Talent Director", level="director", sector="charter", remote=True, salary=(110_000, 140_000), days=45,
         tags=[t["talent-pipeline"]])
    make("School Board Seat", kind="board", level="executive", sector="nonprofit", region=r["denver"], salary=None,
         days=100)
    make("Data Strategy RFP", kind="rfp", level="manager", sector="state", region=r["chicago"], remote=True,
         salary=None, days=3, tags=[t["data-and-analytics"]])
    past = make("Expired Analyst", region=r["denver"], days=10)
    past.closes_on = TODAY - timedelta(days=1)              # open, but its closing date has passed
    make("Closed Analyst", region=r["denver"]).status = Opportunity.CLOSED
    make("Filled Analyst", region=r["denver"]).status = Opportunity.FILLED
    make("Held Analyst", region=r["denver"]).status = Opportunity.HELD
    make("Hidden Analyst", region=r["denver"]).hidden_at = TODAY
    db.session.commit()
    made["Draft Analyst"] = services.create(poster=poster, data=_data("Draft Analyst", region=r["denver"]),
                                            publish=False)
    return made


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="opening-title"><a href="/opportunities/\d+">([^<]+)</a>', response.get_data(as_text=True))


def facet(response, title) -> dict[str, int]:
    section = re.search(rf"<h2>{title}</h2>(.*?)</section>", response.get_data(as_text=True), re.S)
    if section is None:
        return {}
    return {label: int(n) for label, n in re.findall(
        r'<span class="facet-label">([^<]+)</span> <span class="count">(\d+)</span>', section.group(1))}


# --- the board -------------------------------------------------------------------------------

def test_the_board_lists_open_openings_only_newest_first(member_client, openings):
    page = member_client.get("/opportunities")
    assert page.status_code == 200
    assert titles(page) == list(reversed(LISTED))
    assert "6 open openings" in visible(page)


@pytest.mark.parametrize("query, expected", [
    ({"kind": "full_time"}, ["Chief Data Officer", "Data Analyst", "Talent Director"]),
    ({"level": "executive"}, ["Chief Data Officer", "School Board Seat"]),
    ({"sector": "nonprofit"}, ["Residency Fellow", "School Board Seat"]),
    ({"region": "denver"}, ["Chief Data Officer", "Data Analyst", "School Board Seat"]),   # a metro has its cities
    ({"region": "aurora"}, ["Data Analyst"]),
    ({"remote": "1"}, ["Talent Director", "Data Strategy RFP"]),
    ({"tag": "talent-pipeline"}, ["Residency Fellow", "Talent Director"]),               # a child tag counts
    ({"tag": "human-capital"}, ["Residency Fellow", "Talent Director"]),                 # an alias
    ({"tag": "data-and-analytics"}, ["Chief Data Officer", "Data Analyst", "Data Strategy RFP"]),
    ({"salary": "100000"}, ["Chief Data Officer", "Talent Director"]),
    ({"salary": "50000"}, ["Chief Data Officer", "Data Analyst", "Residency Fellow", "Talent Director"]),
    ({"closing": "7"}, ["Chief Data Officer", "Data Strategy RFP"]),
    ({"closing": "30"}, ["Chief Data Officer", "Data Analyst", "Data Strategy RFP"]),
    ({"q": "data"}, ["Chief Data Officer", "Data Analyst", "Data Strategy RFP"]),
    ({"kind": "full_time", "region": "denver"}, ["Chief Data Officer", "Data Analyst"]),
    ({"kind": "full_time", "region": "denver", "salary": "100000"}, ["Chief Data Officer"]),
    ({"tag": "data-and-analytics", "remote": "1"}, ["Data Strategy RFP"]),
    ({"region": "chicago", "closing": "7", "sector": "state"}, ["Data Strategy RFP"]),
    ({"level": "analyst", "region": "chicago"}, []),
])
def test_every_filter_and_combination_against_the_hand_count(member_client, openings, query, expected):
    page = member_client.get("/opportunities", query_string=query)
    assert sorted(titles(page)) == sorted(expected)
    count = len(expected)
    assert f"{count} open {'opening' if count == 1 else 'openings'}" in visible(page)


def test_each_facet_counts_within_the_other_filters(member_client, openings):
    page = member_client.get("/opportunities", query_string={"kind": "full_time"})
    assert facet(page, "Kind") == {"Full-time role": 3, "Fellowship or residency": 1, "Board seat": 1,
                                   "Request for proposals": 1}   # its own filter left out
    assert facet(page, "Region") == {"Denver": 2}                  # Talent Director is remote only
    assert facet(page, "Remote") == {"Remote": 1}
    assert facet(page, "Level") == {"Executive": 1, "Director": 1, "Analyst": 1}
    assert facet(page, "Salary") == {"$50k or more": 3, "$75k or more": 3, "$100k or more": 2, "$150k or more": 1}
    assert facet(page, "Closing") == {"Closing within 7 days": 1, "Closing within 30 days": 2,
                                      "Closing within 90 days": 3}
    assert facet(page, "Topic") == {"Data and analytics": 2, "Talent pipeline": 1}


def test_choosing_a_metro_shows_its_cities(member_client, openings):
    page = member_client.get("/opportunities", query_string={"region": "denver"})
    assert facet(page, "City or district") == {"Aurora": 1}


def test_sorting_by_closing_soonest(member_client, openings):
    page = member_client.get("/opportunities", query_string={"sort": "closing"})
    assert titles(page) == ["Data Strategy RFP", "Chief Data Officer", "Data Analyst", "Talent Director",
                            "Residency Fellow", "School Board Seat"]


@pytest.mark.parametrize("query, note", [
    ({"kind": "astronaut"}, "No kind of opening called “astronaut”"),
    ({"region": "atlantis"}, "No region called “atlantis”"),
    ({"tag": "no-such-tag"}, "No tag called “no-such-tag”"),
    ({"salary": "12"}, "“12” is not a salary floor"),
    ({"closing": "soon"}, "“soon” is not a closing window"),
])
def test_unknown_filter_values_are_ignored_with_a_note(member_client, openings, query, note):
    page = member_client.get("/opportunities", query_string=query)
    assert page.status_code == 200
    assert note in visible(page)
    assert len(titles(page)) == 6


def test_htmx_gets_the_board_alone_and_the_url_works_without_javascript(member_client, openings):
    fragment = member_client.get("/opportunities?kind=full_time", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="board"') and "<html" not in html
    assert "HX-Request" in fragment.headers["Vary"]
    page = member_client.get("/opportunities?kind=full_time")
    assert "<html" in page.get_data(as_text=True) and len(titles(page)) == 3


def test_the_board_answers_hostile_queries_calmly(member_client, openings):
    for query in ({"q": "%' OR 1=1 --"}, {"q": "<script>alert(1)</script>"}, {"page": "99999999999"},
                  {"salary": "1e9"}, {"region": "x" * 5000}):
        page = member_client.get("/opportunities", query_string=query)
        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in page.get_data(as_text=True)


# --- one opening -----------------------------------------------------------------------------

def test_ended_openings_keep_their_page_marked(member_client, openings):
    for title, mark in (("Expired Analyst", "Expired."), ("Closed Analyst", "Closed."), ("Filled Analyst", "Filled.")):
        page = member_client.get(f"/opportunities/{openings[title].id}")
        assert page.status_code == 200 and mark in visible(page)
        assert "takes no applications now" in visible(page)


def test_held_hidden_and_draft_openings_are_their_posters_and_moderators_alone(member_client, moderator_client,
                                                                             openings, poster):
    for title in ("Held Analyst", "Hidden Analyst", "Draft Analyst"):
        assert member_client.get(f"/opportunities/{openings[title].id}").status_code == 404
        assert moderator_client.get(f"/opportunities/{openings[title].id}").status_code == 200
    own = member_client.sign_in_as(poster)
    assert own.get(f"/opportunities/{openings['Draft Analyst'].id}").status_code == 200


def test_the_feed_lists_open_openings_with_a_signed_key(app, member_client, openings):
    page = member_client.get("/opportunities")
    feed_url = re.search(r'href="(http://localhost/opportunities\.atom\?key=[^"]+)"', page.get_data(as_text=True))
    assert feed_url
    feed = app.test_client().get(feed_url.group(1).replace("http://localhost", "").replace("&amp;", "&"))
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("application/atom+xml")
    body = feed.get_data(as_text=True)
    assert body.count("<entry>") == 6 and "Held Analyst" not in body and "Expired Analyst" not in body
    assert app.test_client().get("/opportunities.atom?key=forged").status_code == 403


# --- posting ---------------------------------------------------------------------------------

def _form(**changes) -> dict:
    form = {"title": "Director of Data Strategy", "organisation": "Denver Public Schools", "kind": "full_time",
            "level": "director", "sector": "district", "region": "0", "remote": "y", "salary_min": "$120,000",
            "salary_max": "150000", "closes_on": (TODAY + timedelta(days=30)).isoformat(),
            "body": "Lead the **data team** of a district of 90,000 students.", "apply_url": "",
            "tags": "Data and analytics", "action": "publish"}
    form.update(changes)
    return form


def test_a_members_first_opening_waits_for_review_then_lists(holding, member_client, moderator_client, taxonomy):
    response = member_client.submit("/opportunities/new", data=_form())
    assert response.status_code == 303
    opening = db.session.scalar(select(Opportunity))
    assert opening.status == Opportunity.HELD
    page = member_client.get(response.headers["Location"])
    assert "waits for a moderator's review" in visible(page)
    assert "Director of Data Strategy" not in visible(member_client.get("/opportunities"))
    assert "Director of Data Strategy" in visible(moderator_client.get("/mod"))
    moderator_client.submit(f"/opportunities/{opening.id}/approve")
    assert titles(member_client.get("/opportunities")) == ["Director of Data Strategy"]
    log = db.session.scalar(select(ModerationLog).where(ModerationLog.action == "approve opportunity"))
    assert log is not None and log.target_id == opening.id
    second = member_client.submit("/opportunities/new", data=_form(title="Data Analyst, central office"))
    assert second.status_code == 303
    assert db.session.scalar(select(Opportunity).where(Opportunity.title.like("Data Analyst%"))).status == \
        Opportunity.OPEN


def test_a_posted_opening_reads_as_written(established_client, taxonomy):
    response = established_client.submit("/opportunities/new", data=_form())
    page = established_client.get(response.headers["Location"])
    text = visible(page)
    assert "Director of Data Strategy" in text and "$120,000–$150,000 a year" in text and "Remote" in text
    assert "<strong>data team</strong>" in page.get_data(as_text=True)
    assert "Data and analytics" in text


@pytest.mark.parametrize("changes, message, field", [
    ({"salary_min": "", "salary_max": ""}, "A paid role states its salary range", "salary_min"),
    ({"salary_min": "150000", "salary_max": "120000"}, "The minimum ($150,000) is above the maximum ($120,000).",
     "salary_max"),
    ({"salary_min": "85000.50"}, "Give the salary in whole dollars a year", "salary_min"),
    ({"salary_min": "lots"}, "Give the salary in whole dollars a year", "salary_min"),
    ({"closes_on": (TODAY - timedelta(days=1)).isoformat()}, "The closing date has passed", "closes_on"),
    ({"closes_on": (TODAY + timedelta(days=400)).isoformat()}, "at most 365 days", "closes_on"),
    ({"closes_on": "next tuesday"}, "Give the closing date as a day", "closes_on"),
    ({"closes_on": ""}, "Give a closing date", "closes_on"),
    ({"remote": "", "region": "0"}, "Choose a region, or tick “Remote”", "region"),
    ({"apply_url": "http://example.org/jobs"}, "must start with https://", "apply_url"),
    ({"apply_url": "javascript:alert(1)"}, "must start with https://", "apply_url"),
    ({"kind": ""}, "Choose what kind of opening this is.", "kind"),
    ({"tags": "Underwater basket weaving"}, "Not on the common taxonomy", "tags"),
])
def test_a_refused_opening_comes_back_with_the_text_and_the_reason_by_its_field(established_client, taxonomy,
                                                                                changes, message, field):
    response = established_client.submit("/opportunities/new", data=_form(**changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1).replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    assert "Lead the **data team** of a district of 90,000 students." in html
    assert 'value="Director of Data Strategy"' in html
    assert db.session.scalar(select(Opportunity)) is None


def test_unpaid_kinds_need_no_salary(established_client, taxonomy):
    response = established_client.submit("/opportunities/new", data=_form(kind="board", salary_min="", salary_max=""))
    assert response.status_code == 303
    assert "Unpaid" in visible(established_client.get(response.headers["Location"]))


def test_the_preview_renders_without_saving(established_client, taxonomy):
    response = established_client.submit("/opportunities/new", data={**_form(), "preview": "1"})
    assert response.status_code == 200
    assert "<strong>data team</strong>" in response.get_data(as_text=True)
    assert db.session.scalar(select(Opportunity)) is None


def test_an_opening_never_tells_its_poster_who_is_a_member(app, make_user, taxonomy):
    make_user(username="maria_member")
    employer = app.test_client().sign_in_as(make_user(username="dpsjobs", role=Role.EMPLOYER))
    body = "Ask @maria_member or @nobody_here about the data team."
    preview = employer.submit("/opportunities/new", data={**_form(body=body), "preview": "1"})
    assert preview.status_code == 200
    assert "@maria_member" in visible(preview) and 'href="/members/maria_member"' not in preview.get_data(as_text=True)
    assert employer.submit("/opportunities/new", data=_form(body=body)).status_code == 303
    opening = db.session.scalar(select(Opportunity))
    assert "@maria_member" in opening.body_html and "/members/maria_member" not in opening.body_html


def test_openings_are_flood_limited(app, established_client, taxonomy):
    app.config["FLOOD_LIMITS"] = {**app.config["FLOOD_LIMITS"], "opportunity": "2 per hour"}
    app.config["HOLD_MAX_PER_MEMBER"] = 1
    for n in range(2):
        assert established_client.submit("/opportunities/new", data=_form(title=f"Analyst role {n}")).status_code == 303
    held = established_client.submit("/opportunities/new", data=_form(title="Analyst role 2"))
    assert held.status_code == 303
    assert db.session.scalar(select(Opportunity).where(Opportunity.title == "Analyst role 2")).status == Opportunity.HELD
    refused = established_client.submit("/opportunities/new", data=_form(title="Analyst role 3"))
    assert refused.status_code == 422
    assert "as many openings as we allow" in visible(refused) and 'value="Analyst role 3"' in refused.get_data(as_text=True)


# --- lifecycle -------------------------------------------------------------------------------

def test_the_poster_closes_marks_filled_and_reopens(member_client, openings, poster):
    client = member_client.sign_in_as(poster)
    analyst = openings["Data Analyst"]
    client.submit(f"/opportunities/{analyst.id}/close")
    assert "Data Analyst" not in titles(client.get("/opportunities"))
    assert "Closed." in visible(client.get(f"/opportunities/{analyst.id}"))
    client.submit(f"/opportunities/{analyst.id}/reopen")
    assert "Data Analyst" in titles(client.get("/opportunities"))
    client.submit(f"/opportunities/{analyst.id}/fill")
    assert db.session.get(Opportunity, analyst.id).status == Opportunity.FILLED
    assert "Data Analyst" not in titles(client.get("/opportunities"))


def test_someone_elses_opening_cannot_be_closed(member_client, openings):
    response = member_client.submit(f"/opportunities/{openings['Data Analyst'].id}/close")
    assert response.status_code == 403
    assert db.session.get(Opportunity, openings["Data Analyst"].id).status == Opportunity.OPEN


def test_the_sweep_expires_openings_past_their_closing_date(app, runner, openings):
    result = runner.invoke(args=["opportunities", "sweep"])
    assert result.exit_code == 0 and "1 opening expired" in result.output
    assert db.session.get(Opportunity, openings["Expired Analyst"].id).status == Opportunity.EXPIRED
    assert db.session.get(Opportunity, openings["Data Analyst"].id).status == Opportunity.OPEN
    assert services.expire_past_closing(TODAY + timedelta(days=21)) == 3   # RFP, CDO and the analyst close by then


# --- moderation ------------------------------------------------------------------------------

def test_members_flag_an_opening_and_a_moderator_hides_it_with_a_logged_reason(member_client, moderator_client,
                                                                               openings):
    rfp = openings["Data Strategy RFP"]
    flagged = member_client.submit(f"/opportunities/{rfp.id}/flag", data={"reason": "spam", "note": "A sales pitch."})
    assert flagged.status_code == 303
    queue = visible(moderator_client.get("/mod"))
    assert "Data Strategy RFP" in queue and "A sales pitch." in queue
    refused = moderator_client.submit(f"/opportunities/{rfp.id}/hide", data={"reason": ""})
    assert db.session.get(Opportunity, rfp.id).hidden_at is None
    moderator_client.submit(f"/opportunities/{rfp.id}/hide", data={"reason": "Advertising, not an opening"})
    assert db.session.get(Opportunity, rfp.id).hidden_at is not None
    assert "Data Strategy RFP" not in titles(member_client.get("/opportunities"))
    assert member_client.get(f"/opportunities/{rfp.id}").status_code == 404
    log = db.session.scalar(select(ModerationLog).where(ModerationLog.action == "hide opportunity"))
    assert log.reason == "Advertising, not an opening"
    assert "Data Strategy RFP" not in visible(moderator_client.get("/mod"))   # the flag was resolved
    assert refused.status_code == 303


def test_a_moderator_edits_someone_elses_opening_only_with_a_reason(app, member_client, moderator_client, openings,
                                                                      poster, make_user):
    other = make_user(username="mod2", role=Role.MODERATOR, display_name="Second Moderator")
    client = app.test_client().sign_in_as(other)
    analyst = openings["Data Analyst"]
    form = _form(title="Data Analyst (hybrid)", region=str(analyst.region_id), remote="", tags="Data and analytics",
                 action="save")
    refused = client.submit(f"/opportunities/{analyst.id}/edit", data=form)
    assert refused.status_code == 422 and "Say why you are changing" in visible(refused)
    saved = client.submit(f"/opportunities/{analyst.id}/edit", data={**form, "reason": "Clearer title"})
    assert saved.status_code == 303
    assert db.session.get(Opportunity, analyst.id).title == "Data Analyst (hybrid)"
    log = db.session.scalar(select(ModerationLog).where(ModerationLog.action == "edit opportunity"))
    assert log.reason == "Clearer title" and log.actor_id == other.id


# --- applying --------------------------------------------------------------------------------

def test_a_member_applies_with_chosen_fields_and_follows_the_status(app, member_client, openings, poster, mailbox):
    member = db.session.get(User, member_client.user.id)
    member.headline, member.organisation = "Data lead", "Aurora Schools"
    db.session.commit()
    analyst = openings["Data Analyst"]
    response = member_client.submit(f"/opportunities/{analyst.id}/apply",
                                  data={"note": "I built Aurora's attendance dashboards.", "fields": ["headline"]})
    assert response.status_code == 303
    again = member_client.submit(f"/opportunities/{analyst.id}/apply", data={"note": "Twice?"})
    assert again.status_code == 422 and db.session.query(Application).count() == 1
    poster_client = app.test_client().sign_in_as(poster)
    applicants = poster_client.get(f"/opportunities/{analyst.id}/applicants")
    text = visible(applicants)
    assert "Maria Lopez" in text and "Data lead" in text and "attendance dashboards" in text
    assert "Aurora Schools" not in text                       # not ticked
    assert member.email not in text                            # email not ticked
    application = db.session.scalar(select(Application))
    poster_client.submit(f"/opportunities/applications/{application.id}/status", data={"status": "conversation"})
    assert "In conversation" in visible(member_client.get("/opportunities/mine"))
    assert any("A new application: Data Analyst" in m for m in mailbox())


def test_an_applicants_email_is_shared_only_when_ticked(app, member_client, openings, poster):
    analyst = openings["Data Analyst"]
    member_client.submit(f"/opportunities/{analyst.id}/apply", data={"note": "Happy to talk.", "share_email": "y"})
    text = visible(app.test_client().sign_in_as(poster).get(f"/opportunities/{analyst.id}/applicants"))
    assert "maria@example.org" in text


def test_applicants_are_the_posters_and_moderators_alone(app, member_client, moderator_client, openings, make_user):
    analyst = openings["Data Analyst"]
    assert member_client.get(f"/opportunities/{analyst.id}/applicants").status_code == 403
    assert moderator_client.get(f"/opportunities/{analyst.id}/applicants").status_code == 200
    employer = make_user(username="kipp", role=Role.EMPLOYER)
    assert app.test_client().sign_in_as(employer).get(f"/opportunities/{analyst.id}/applicants").status_code == 403


def test_an_external_link_opening_takes_no_applications_here(established_client, member_client, openings, poster,
                                                             taxonomy):
    opening = services.create(poster=poster, data=_data("Analyst (apply on our site)", remote=True,
                                                        apply_url="https://jobs.example.org/123"), publish=True)
    page = member_client.get(f"/opportunities/{opening.id}")
    assert 'href="https://jobs.example.org/123"' in page.get_data(as_text=True)
    assert member_client.submit(f"/opportunities/{opening.id}/apply", data={"note": "Hi"}).status_code == 422


# --- who may do what -------------------------------------------------------------------------

ROUTES = ["/opportunities", "/opportunities/new", "/opportunities/mine", "/opportunities/{id}"]


@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, openings, path):
    response = client.get(path.format(id=openings["Data Analyst"].id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ROUTES)
def test_pending_accounts_and_pending_employers_are_refused(app, pending_client, make_user, openings, path):
    url = path.format(id=openings["Data Analyst"].id)
    assert pending_client.get(url).status_code == 403
    employer = make_user(username="pendingco", role=Role.EMPLOYER, status=Status.PENDING)
    assert app.test_client().sign_in_as(employer).get(url).status_code == 403


@pytest.mark.parametrize("path", ROUTES)
def test_members_employers_moderators_and_admins_read_the_board(app, member_client, moderator_client, admin_client,
                                                                 make_user, openings, path):
    url = path.format(id=openings["Data Analyst"].id)
    employer = app.test_client().sign_in_as(make_user(username="dpsjobs", role=Role.EMPLOYER))
    for client in (member_client, moderator_client, admin_client, employer):
        assert client.get(url).status_code == 200


def test_an_approved_employer_posts_an_opening_but_cannot_apply(app, make_user, openings, taxonomy):
    employer = make_user(username="dpsjobs", role=Role.EMPLOYER)
    client = app.test_client().sign_in_as(employer)
    response = client.submit("/opportunities/new", data=_form(organisation="Denver Public Schools"))
    assert response.status_code == 303
    assert "Send my application" not in visible(client.get(f"/opportunities/{openings['Data Analyst'].id}"))
    assert client.submit(f"/opportunities/{openings['Data Analyst'].id}/apply",
                       data={"note": "An employer applying"}).status_code == 422


def test_the_board_service_combines_filters_and_orders_newest_first(app, openings):
    filters = BoardFilters(kind="full_time", region="denver", tag="data-and-analytics")
    result = board(filters)
    assert result.total == 2 and [o.title for o in result.openings] == ["Data Analyst", "Chief Data Officer"]


def test_an_application_keeps_what_was_sent_when_the_profile_changes(member_client, openings):
    member = db.session.get(User, member_client.user.id)
    member.headline = "Data lead"
    db.session.commit()
    applications.apply(opening=openings["Data Analyst"], member=member, note="Hello", fields=["headline"])
    member.headline = "Chief of staff"
    db.session.commit()
    assert db.session.scalar(select(Application)).shared == {"headline": "Data lead"}


# --- where openings show up ------------------------------------------------------------------

def test_home_shows_opportunities_that_fit_the_member(app, member_client, openings, taxonomy, regions):
    member = db.session.get(User, member_client.user.id)
    member.region_id = regions["chicago"].id
    member.expertise = [taxonomy["talent-pipeline"]]
    db.session.commit()
    assert 'hx-get="/opportunities/for-you"' in member_client.get("/").get_data(as_text=True)
    box = member_client.get("/opportunities/for-you", headers={"HX-Request": "true"})
    assert "<html" not in box.get_data(as_text=True)
    home = visible(box)
    assert "Opportunities for you" in home
    assert visible(member_client.get("/opportunities/for-you")).count("Residency Fellow") == 1   # without JavaScript
    section = home[home.index("Opportunities for you"):home.index("Every opening")]
    # Residency Fellow: a child tag of talent pipeline and in Chicago; Talent Director: the tag;
    # the Data Strategy RFP: Chicago. Nothing in Denver without the tag.
    assert section.index("Residency Fellow") < section.index("Talent Director")
    assert "Data Strategy RFP" in section
    assert "Chief Data Officer" not in section and "School Board Seat" not in section


def test_home_says_nothing_about_opportunities_for_a_member_with_no_region_or_expertise(member_client, openings):
    box = member_client.get("/opportunities/for-you", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<li>" not in box and " hidden>" in box


def test_a_region_page_lists_its_open_openings(member_client, openings):
    page = visible(member_client.get("/regions/denver"))
    section = page[page.index("Openings in Denver"):]
    assert "Chief Data Officer" in section and "Data Analyst" in section and "School Board Seat" in section
    assert "Expired Analyst" not in section and "Held Analyst" not in section and "Residency Fellow" not in section


# --- saved searches --------------------------------------------------------------------------

def _worker_round(runner) -> None:
    """What the worker does for saved searches: the sweep announces, fan-out notifies, mail goes."""
    assert runner.invoke(args=["opportunities", "sweep"]).exit_code == 0
    fanout.drain()
    emails.send_due()


def test_a_saved_search_notifies_each_new_match_once_in_the_app_and_by_email(app, member_client, openings, poster,
                                                                             regions, runner, mailbox, make_user):
    app.config["NOTIFICATION_EMAIL_DELAY_SECONDS"] = 0
    response = member_client.submit("/opportunities/alerts", data={"query": "region=denver&kind=full_time&page=3"})
    assert response.status_code == 303
    mine = visible(member_client.get("/opportunities/mine"))
    assert "Full-time role · Denver" in mine
    _worker_round(runner)
    assert "saved search" not in visible(member_client.get("/notifications"))   # nothing new since it was saved
    engineer = services.create(poster=poster, data=_data("Data Engineer", region=regions["aurora"]), publish=True)
    services.create(poster=poster, data=_data("Board Treasurer", kind="board", salary=None,
                                              region=regions["denver"]), publish=True)
    _worker_round(runner)
    _worker_round(runner)
    page = visible(member_client.get("/notifications"))
    assert "A new opening matches your saved search “Full-time role · Denver”: “Data Engineer”" in page
    assert "Board Treasurer" not in page and page.count("Data Engineer") == 1
    assert 'href="/notifications/' in member_client.get("/notifications").get_data(as_text=True)
    mails = [m for m in mailbox() if "saved search" in m]
    assert len(mails) == 1
    assert "Data Engineer" in mails[0] and "Board Treasurer" not in mails[0]
    assert "To: maria@example.org" in mails[0]
    opened = member_client.get(re.search(r"(/notifications/\d+)", mails[0]).group(1))
    assert opened.location.endswith(f"/opportunities/{engineer.id}")
    moderator = make_user(username="mo", role=Role.MODERATOR)
    services.hide(opening=db.session.get(Opportunity, engineer.id), moderator=moderator, reason="A scam")
    page = visible(member_client.get("/notifications"))
    assert "matches your saved search “Full-time role · Denver”: an opening you can no longer see" in page
    assert "Data Engineer" not in page


def test_several_new_matches_are_one_group_one_mail_and_two_searches_tell_an_opening_once(
        app, member_client, openings, poster, regions, runner, mailbox):
    app.config["NOTIFICATION_EMAIL_DELAY_SECONDS"] = 0
    member_client.submit("/opportunities/alerts", data={"query": "region=denver"})
    member_client.submit("/opportunities/alerts", data={"query": "kind=full_time&region=denver"})
    _worker_round(runner)
    for title in ("Data Engineer", "Data Architect"):
        services.create(poster=poster, data=_data(title, region=regions["aurora"]), publish=True)
    _worker_round(runner)
    html = member_client.get("/notifications").get_data(as_text=True)
    page = visible(member_client.get("/notifications"))
    assert "2 new openings match your saved search “Denver”" in page
    assert "Full-time role · Denver" not in page          # the second search found nothing new to tell
    mails = [m for m in mailbox() if "saved search" in m]
    assert len(mails) == 1 and "2 new openings match" in mails[0]
    link = re.search(r'href="(/notifications/\d+)"[^>]*>(?:<span[^>]*>Unread: </span>)?2 new openings', html).group(1)
    assert member_client.get(link).location.endswith("/opportunities?region=denver")   # the board, that search
    assert "Unread" not in visible(member_client.get("/notifications"))


def test_a_member_who_wants_no_mail_for_saved_searches_still_sees_them_in_the_app(
        app, member_client, openings, poster, regions, runner, mailbox):
    app.config["NOTIFICATION_EMAIL_DELAY_SECONDS"] = 0
    settings = member_client.get("/settings/notifications").get_data(as_text=True)
    assert "New openings matching my saved searches" in settings
    fields = {name: value for name, value in re.findall(r'<select[^>]*name="(mail_\w+)".*?<option[^>]*selected[^>]*value="(\w+)"',
                                                         settings, re.S)}
    assert len(fields) == len(Kind.ALL)
    response = member_client.submit("/settings/notifications", {**fields, "mail_openings": "never", "digest": "weekly"})
    assert response.status_code == 303
    member_client.submit("/opportunities/alerts", data={"query": "region=denver"})
    _worker_round(runner)
    services.create(poster=poster, data=_data("Data Engineer", region=regions["aurora"]), publish=True)
    _worker_round(runner)
    assert "matches your saved search" in visible(member_client.get("/notifications"))
    assert not [m for m in mailbox() if "saved search" in m]


def test_a_member_deletes_a_saved_search_and_no_one_else_can(app, member_client, openings, make_user):
    member_client.submit("/opportunities/alerts", data={"query": "remote=1"})
    alert_id = int(re.search(r"/opportunities/alerts/(\d+)/delete", member_client.get("/opportunities/mine")
                             .get_data(as_text=True)).group(1))
    other = app.test_client().sign_in_as(make_user(username="otto"))
    assert other.submit(f"/opportunities/alerts/{alert_id}/delete").status_code == 404
    assert member_client.submit(f"/opportunities/alerts/{alert_id}/delete").status_code == 303
    assert "Remote" not in visible(member_client.get("/opportunities/mine")).split("Saved searches")[1].split("Openings I posted")[0]


def test_the_cached_board_gives_each_member_their_own_save_search_token(app, member_client, openings, make_user):
    other = app.test_client().sign_in_as(make_user(username="otto"))
    token = lambda client: re.search(r'action="/opportunities/alerts".*?name="csrf_token" value="([^"]+)"',  # noqa: E731
                                     client.get("/opportunities?remote=1").get_data(as_text=True), re.S).group(1)
    mine, theirs = token(member_client), token(other)        # the second page is served from the cache
    assert mine != theirs
    assert other.post("/opportunities/alerts", data={"csrf_token": theirs, "query": "remote=1"}).status_code == 303
    assert other.post("/opportunities/alerts", data={"csrf_token": mine, "query": "remote=1"}).status_code == 400
    assert "Remote" in visible(other.get("/opportunities/mine")).split("Saved searches")[1]
    employer = app.test_client().sign_in_as(make_user(username="dpsjobs", role=Role.EMPLOYER))
    assert "Tell me of new openings" not in visible(employer.get("/opportunities?remote=1"))


def test_employers_cannot_save_searches(app, make_user, openings):
    employer = app.test_client().sign_in_as(make_user(username="dpsjobs", role=Role.EMPLOYER))
    assert employer.submit("/opportunities/alerts", data={"query": "remote=1"}).status_code == 403


ROLE_MATRIX = {  # role -> (board, new, mine, opening, applicants, feed without a key)
    "anonymous": (302, 302, 302, 302, 302, 403),
    "pending member": (403, 403, 403, 403, 403, 403),
    "member": (200, 200, 200, 200, 403, 200),
    "pending employer": (403, 403, 403, 403, 403, 403),
    "employer": (200, 200, 200, 200, 403, 403),
    "moderator": (200, 200, 200, 200, 200, 200),
    "admin": (200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("role", ROLE_MATRIX)
def test_every_opportunity_route_answers_each_role(app, make_user, openings, role):
    kinds = {"anonymous": None, "pending member": dict(status=Status.PENDING),
             "member": {}, "pending employer": dict(role=Role.EMPLOYER, status=Status.PENDING),
             "employer": dict(role=Role.EMPLOYER), "moderator": dict(role=Role.MODERATOR), "admin": dict(role=Role.ADMIN)}
    client = app.test_client()
    if kinds[role] is not None:
        client.sign_in_as(make_user(username=role.replace(" ", ""), **kinds[role]))
    analyst = openings["Data Analyst"].id
    urls = ("/opportunities", "/opportunities/new", "/opportunities/mine", f"/opportunities/{analyst}",
            f"/opportunities/{analyst}/applicants", "/opportunities.atom")
    assert tuple(client.get(url).status_code for url in urls) == ROLE_MATRIX[role]
