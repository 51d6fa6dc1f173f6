"""A member's data: the export (file by file against a fixture member, another member's private fields
proved absent) and deletion (the grace period, then erasure checked across pages, search, the
directory, region pages, feeds and the moderation log)."""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.account import deletion, export
from exchange.extensions import db
from exchange.members import services as members
from exchange.models import (Affiliation, ContactRequest, DataExport, DeletionRequest, ModerationLog, Program, Region,
                             Role, Status, Tag, User, Visibility, utcnow)
from exchange.search import outbox
from exchange.threads import services as threads
from tests.conftest import PASSWORD
from tests.helpers import visible
from tests.test_search import backend, names  # noqa: F401 - both search backends


@pytest.fixture
def people(app, taxonomy, make_user, establish):
    denver = Region(slug="denver", name="Denver")
    db.session.add(denver)
    db.session.commit()
    marta = db.session.get(User, make_user(username="marta", email="marta@example.org", display_name="Marta Lopez").id)
    marta.headline, marta.organisation, marta.region_id = "Chief data officer", "Denver Public Schools", denver.id
    marta.bio_source = marta.bio_html = "Ten years of attendance work."
    marta.expertise = [db.session.scalar(select(Tag).where(Tag.slug == "data-and-analytics"))]
    marta.affiliations = [Affiliation(program_id=db.session.scalar(select(Program.id).where(Program.slug == "uelf")),
                                      cohort_year=2018)]
    otto = db.session.get(User, make_user(username="otto", email="otto@example.org", display_name="Otto Other").id)
    otto.headline, otto.show_headline = "Secret headline of Otto", Visibility.ONLY_ME
    db.session.commit()
    for user in (marta, otto):
        establish(user)
    return {"marta": db.session.get(User, marta.id), "otto": db.session.get(User, otto.id), "denver": denver}


def sign_in(app, email):
    client = app.test_client()
    assert client.submit("/login", {"email": email, "password": PASSWORD}).status_code == 303
    return client


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.data))


# --- export -------------------------------------------------------------------------------------

def test_the_export_is_built_by_the_worker_and_holds_everything_the_member_gave(app, people, make_thread, mailbox):
    marta, otto = people["marta"], people["otto"]
    thread = make_thread(author=marta, title="Hiring season timelines", body="When do you post vacancies?")
    threads.reply(author=otto, thread=thread, body="In February.")
    with app.test_request_context():
        members.send_contact_request(sender=otto, recipient=marta, message="Could we talk about your dashboards soon?")
    client = sign_in(app, "marta@example.org")
    assert client.submit("/settings/export").status_code == 303
    assert "Being prepared" in visible(client.get("/settings"))
    assert export.build_due() == 1
    link = re.search(r"http://\S+/settings/export/\d+/download", next(m for m in mailbox() if "data is ready" in m)).group(0)
    download = client.get(link.replace(app.config["BASE_URL"], ""))
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zip_of(download)
    names_in = set(archive.namelist())
    assert {"README.txt", "profile.json", "writing.json", "helpful_marks.json", "flags.json", "contact_requests.json",
            "notifications.json", "watches.json", "applications.json", "opportunities.json", "security_log.json"} <= names_in
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == "marta@example.org" and profile["headline"] == "Chief data officer"
    assert profile["expertise"] == ["Data and analytics"] and profile["affiliations"][0]["cohort_year"] == 2018
    assert profile["privacy"]["headline"] == "members"
    markdown = [n for n in names_in if n.startswith("writing/") and "hiring-season-timelines" in n]
    assert markdown and "When do you post vacancies?" in archive.read(markdown[0]).decode()
    writing = json.loads(archive.read("writing.json"))
    assert any(w["thread_title"] == "Hiring season timelines" and w["kind"] == "thread" and "/p/" in w["url"]
               for w in writing)
    assert all(w["markdown"] != "In February." for w in writing)          # Otto's reply is his, not hers
    [received] = json.loads(archive.read("contact_requests.json"))
    assert received == {"direction": "received", "with": "Otto Other", "about": "",
                        "message": "Could we talk about your dashboards soon?", "at": received["at"]}
    everything = b"".join(archive.read(n) for n in names_in).decode()
    assert "otto@example.org" not in everything and "Secret headline of Otto" not in everything
    assert "Signed in" in archive.read("security_log.json").decode()
    assert "profile.json" in archive.read("README.txt").decode()


def test_only_its_member_downloads_an_export_and_only_for_seven_days(app, people, client):
    maria_client = sign_in(app, "marta@example.org")
    maria_client.submit("/settings/export")
    export.build_due()
    row = db.session.scalar(select(DataExport))
    url = f"/settings/export/{row.id}/download"
    assert client.get(url).status_code == 302                               # signed out: sign in first
    assert sign_in(app, "otto@example.org").get(url).status_code == 404     # another member
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert export.expire_old() == 1
    assert maria_client.get(url).status_code == 404
    assert not list(export.folder().glob("*.zip"))                          # the file is deleted


def test_one_export_at_a_time_and_one_a_day(app, people):
    client = sign_in(app, "marta@example.org")
    client.submit("/settings/export")
    assert "being prepared" in visible(client.submit("/settings/export", follow_redirects=True))
    export.build_due()
    assert "one export a day" in visible(client.submit("/settings/export", follow_redirects=True))
    assert db.session.query(DataExport).count() == 1


# --- deletion -----------------------------------------------------------------------------------

def test_a_wrong_password_deletes_nothing(app, people):
    client = sign_in(app, "marta@example.org")
    response = client.submit("/settings/delete", {"current_password": "not my password"})
    assert response.status_code == 422 and "not your current password" in visible(response)
    assert db.session.get(User, people["marta"].id).status == Status.ACTIVE


def test_asking_leaves_every_list_at_once_and_signing_in_cancels(app, people, backend, member_client):
    outbox.queue_members(people["marta"].id)
    outbox.drain()
    assert "marta" in names(member_client, "Marta")
    client = sign_in(app, "marta@example.org")
    assert client.submit("/settings/delete", {"current_password": PASSWORD}).status_code == 303
    assert client.get("/settings").status_code == 302                       # signed out
    outbox.drain()
    assert "marta" not in names(member_client, "Marta")
    assert "Marta Lopez" not in visible(member_client.get("/members"))
    assert "Marta Lopez" not in visible(member_client.get("/regions/denver"))
    assert member_client.get("/members/marta").status_code == 404
    again = app.test_client()
    response = again.submit("/login", {"email": "marta@example.org", "password": PASSWORD}, follow_redirects=True)
    assert "your account will not be deleted" in visible(response)
    assert db.session.get(User, people["marta"].id).status == Status.ACTIVE
    assert db.session.get(DeletionRequest, people["marta"].id) is None


def _directory_total(client) -> int:
    return int(re.search(r'<p class="result-count"><strong>([\d,]+)</strong>', client.get("/members").get_data(as_text=True))
               .group(1).replace(",", ""))


def test_after_the_grace_period_the_account_is_erased_and_the_conversation_stays(app, people, backend, make_thread,
                                                                                make_practice, member_client,
                                                                                moderator_client):
    marta, otto = people["marta"], people["otto"]
    thread = make_thread(author=otto, title="Attendance nudges", body="What works?")
    practice = make_practice(author=marta, title="Text messages home that families answer")
    members_before = _directory_total(member_client)
    reply = threads.reply(author=marta, thread=thread, body="Text messages home worked for us.")
    threads.reply(author=otto, thread=thread, body="Thanks @marta, that helps.")
    with app.test_request_context():
        members.send_contact_request(sender=otto, recipient=marta, message="Could we talk about your dashboards soon?")
    client = sign_in(app, "marta@example.org")
    client.submit("/settings/delete", {"current_password": PASSWORD})
    assert deletion.erase_due() == 0                                        # still in the grace period
    request = db.session.get(DeletionRequest, marta.id)
    request.erase_after = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deletion.erase_due() == 1
    outbox.drain()
    page = member_client.get(f"/t/{thread.id}")
    html = page.get_data(as_text=True)
    assert "Text messages home worked for us." in html and "Former member" in html
    assert "Marta Lopez" not in html and 'href="/members/marta"' not in html
    assert "@marta" in visible(page)                                        # the mention is text, not a link
    assert member_client.get("/members/marta").status_code == 404
    assert "marta" not in names(member_client, "Marta") and "Marta Lopez" not in visible(member_client.get("/members"))
    assert db.session.query(ContactRequest).count() == 0
    erased = db.session.get(User, marta.id)
    assert erased.email != "marta@example.org" and erased.headline == "" and erased.region_id is None
    assert _directory_total(member_client) == members_before - 1             # the directory counts her no more
    feed = member_client.get("/practices.atom").get_data(as_text=True)
    assert "Text messages home that families answer" in feed                  # her practice stays readable ...
    assert "Marta" not in feed and "Former member" in feed                    # ... under no name
    assert "Marta" not in visible(member_client.get(f"/practices/{practice.id}"))
    log = visible(moderator_client.get("/mod/log"))
    assert f"former member #{marta.id}" in log and "Marta" not in log
    assert app.test_client().submit("/login", {"email": "marta@example.org", "password": PASSWORD}).status_code != 303
    assert deletion.erase(marta.id) is False                                # twice: harmless
    assert reply.id                                                         # her reply is still there


def test_erasing_is_one_transaction(app, people, monkeypatch):
    def crash(username):
        raise RuntimeError("power cut")

    monkeypatch.setattr(deletion, "_unlink_mentions", crash)
    with pytest.raises(RuntimeError):
        deletion.erase(people["marta"].id)
    db.session.rollback()
    marta = db.session.get(User, people["marta"].id)
    assert marta.status == Status.ACTIVE and marta.email == "marta@example.org" and marta.affiliations


def test_threads_nobody_answered_can_be_erased_too(app, people, make_thread, member_client):
    lonely = make_thread(author=people["marta"], title="Anyone using block schedules?", body="Curious.", replies=0)
    deletion.erase(people["marta"].id, erase_unanswered_posts=True)
    assert member_client.get(f"/t/{lonely.id}").status_code == 404
    assert "Anyone using block schedules" not in visible(member_client.get("/threads"))


def test_an_admin_erases_an_account_from_the_command_line_and_it_is_logged(app, people, runner):
    result = runner.invoke(args=["users", "erase", "marta@example.org"])
    assert result.exit_code == 0 and "Erased account" in result.output
    row = db.session.scalar(select(ModerationLog).where(ModerationLog.action == "erase member"))
    assert row.target_id == people["marta"].id and "Marta" not in row.target_label
    assert runner.invoke(args=["users", "erase", "nobody@example.org"]).exit_code != 0
