"""`flask members import`: every bad row reported by line, nothing applied unless asked, idempotent."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from exchange.extensions import db
from exchange.models import Affiliation, Program, Region, Status, User
from tests.helpers import visible

HEADER = ["Email", "First Name", "Last Name", "Program", "Cohort Year", "Region or City", "Organisation", "Title"]
ROWS = 2_000


@pytest.fixture
def places(app, taxonomy):
    denver = Region(slug="denver", name="Denver", latitude=39.74, longitude=-104.99)
    db.session.add_all([denver, Region(slug="aurora", name="Aurora", parent=denver),
                        Region(slug="chicago", name="Chicago"), Region(slug="new-orleans", name="New Orleans")])
    db.session.commit()


def good_row(n: int) -> list[str]:
    program = ["UELF", "psdr", "Urban Education Leadership Fellowship"][n % 3]
    region = ["Denver", "aurora", "Chicago", "New Orleans"][n % 4]
    return [f"alum{n}@district{n % 7}.org", f"First{n}", f"Last{n}", program, str(2010 + n % 15), region,
            f"District {n % 7}", "Principal"]


# Twenty planted problems: (row index, how the row is broken, the words the report must give).
BAD = [
    (5, lambda r: r.__setitem__(0, "not-an-email"), "bad email"),
    (77, lambda r: r.__setitem__(0, "two@@example.org"), "bad email"),
    (140, lambda r: r.__setitem__(0, ""), "email is missing"),
    (222, lambda r: r.__setitem__(5, "Denvr"), "unknown region “Denvr” (closest: Denver"),
    (301, lambda r: r.__setitem__(5, "Chicgo"), "unknown region “Chicgo” (closest: Chicago"),
    (388, lambda r: r.__setitem__(5, "Atlantis"), "unknown region “Atlantis”"),
    (450, lambda r: r.__setitem__(5, ""), "region is missing"),
    (512, lambda r: r.__setitem__(3, "Hogwarts"), "unknown program “Hogwarts”"),
    (600, lambda r: r.__setitem__(3, ""), "program is missing"),
    (733, lambda r: r.__setitem__(4, "2⁰1⁹"), "bad cohort year “2⁰1⁹”"),  # digits to str.isdigit(), not to int()
    (801, lambda r: r.__setitem__(4, "1850"), "bad cohort year “1850”"),
    (902, lambda r: r.__setitem__(4, ""), "bad cohort year “”"),
    (999, lambda r: r.__setitem__(1, ""), "first name is missing"),
    (1100, lambda r: r.__setitem__(2, ""), "last name is missing"),
    (1234, lambda r: r.__setitem__(0, "alum3@district3.org"), "duplicate in file: alum3@district3.org is also on line 5"),
    (1300, lambda r: r.__setitem__(0, "ALUM10@District3.org"), "duplicate in file: alum10@district3.org is also on line 12"),
    (1444, lambda r: r.__setitem__(6, "O" * 161), "organisation longer than 160 characters"),
    (1555, lambda r: r.__setitem__(7, "T" * 161), "title longer than 160 characters"),
    (1666, lambda r: r.__setitem__(0, "spaces in@example.org"), "bad email"),
    (1888, lambda r: (r.__setitem__(0, "nope"), r.__setitem__(5, "Mars")), "bad email “nope”; unknown region “Mars”"),
]


def roster_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def roster_file(tmp_path, places):
    rows = [good_row(n) for n in range(ROWS)]
    for index, spoil, _ in BAD:
        spoil(rows[index])
    path = tmp_path / "roster.csv"
    path.write_text(roster_text(rows), encoding="utf-8")
    return path


def run(runner, *args):
    return runner.invoke(args=["members", "import", *map(str, args)])


def users() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_report_lists_exactly_the_bad_rows(runner, roster_file):
    before = users()
    result = run(runner, roster_file)
    assert result.exit_code == 1
    reported = re.findall(r"^line (\d+): (.*)$", result.output, re.M)
    errors = {int(line): reason for line, reason in reported if not reason.startswith("would ")}
    # The header is line 1, so row index i is on line i + 2.
    assert sorted(errors) == sorted(index + 2 for index, _, _ in BAD)
    for index, _, words in BAD:
        assert words in errors[index + 2], (index, errors[index + 2])
    assert "2,000 rows: 1,980 to create, 0 to update, 0 unchanged, 20 invalid." in result.output
    assert "Nothing was applied" in result.output
    assert users() == before


def test_apply_refuses_an_invalid_file_unless_told_to_skip(runner, roster_file, mailbox):
    before = users()
    refused = run(runner, roster_file, "--apply")
    assert refused.exit_code == 1 and "--skip-invalid" in refused.output
    assert users() == before and mailbox() == []


def test_apply_creates_invited_members_and_a_rerun_changes_nothing(runner, roster_file, mailbox, app):
    before = users()
    applied = run(runner, roster_file, "--apply", "--skip-invalid")
    assert applied.exit_code == 0, applied.output
    assert "Applied: 1,980 members created and invited, 0 updated." in applied.output
    assert users() == before + 1980
    mails = mailbox()
    assert len(mails) == 1980 and all("You're invited to Exchange" in m for m in mails)
    alum = db.session.scalar(select(User).where(User.email == "alum8@district1.org"))
    assert alum.status == Status.INVITED and alum.display_name == "First8 Last8"
    assert alum.region.name == "Denver" and [(a.program.short_name, a.cohort_year) for a in alum.affiliations] == \
        [("UELF", 2018)]

    again = run(runner, roster_file, "--apply", "--skip-invalid")
    assert again.exit_code == 0
    assert "0 to create, 0 to update, 1,980 unchanged, 20 invalid." in again.output
    assert users() == before + 1980 and len(mailbox()) == 1980


def test_dry_run_of_a_valid_file_shows_changes_and_changes_nothing(runner, tmp_path, places, make_user):
    member = make_user(email="known@example.org", username="known", display_name="Known Person")
    path = tmp_path / "small.csv"
    path.write_text(roster_text([good_row(1), ["known@example.org", "Known", "Person", "PSDR", "2019", "Chicago",
                                               "Chicago Public Schools", "Analyst"]]))
    before = users()
    result = run(runner, path)
    assert result.exit_code == 0
    assert "line 2: would create alum1@district1.org" in result.output
    assert re.search(r"line 3: would update known@example\.org \(.*organisation: “.*” → “Chicago Public Schools”",
                     result.output)
    assert "adds PSDR 2019" in result.output and "Dry run: nothing was changed." in result.output
    assert users() == before
    assert db.session.get(User, member.id).organisation == ""


def test_updates_fill_gaps_but_never_overwrite_what_a_member_wrote(runner, tmp_path, places, make_user):
    member = make_user(email="known@example.org", username="known", display_name="Known Person")
    member = db.session.get(User, member.id)
    member.headline = "Chief Data Officer"   # written by the member
    db.session.commit()
    path = tmp_path / "update.csv"
    path.write_text(roster_text([["known@example.org", "Known", "Person", "PSDR", "2019", "Chicago",
                                  "Chicago Public Schools", "Analyst"]]))
    assert run(runner, path, "--apply").exit_code == 0
    user = db.session.get(User, member.id)
    assert user.headline == "Chief Data Officer"
    assert user.organisation == "Chicago Public Schools" and user.region.name == "Chicago"
    psdr = db.session.scalar(select(Program).where(Program.slug == "psdr"))
    assert [(a.program_id, a.cohort_year) for a in user.affiliations] == [(psdr.id, 2019)]
    again = run(runner, path, "--apply")
    assert "0 to create, 0 to update, 1 unchanged, 0 invalid." in again.output
    assert db.session.scalar(select(func.count()).select_from(Affiliation)) == 1


def test_an_invited_member_accepts_and_appears_in_the_directory(app, runner, tmp_path, places, mailbox, make_user):
    path = tmp_path / "one.csv"
    path.write_text(roster_text([["new.fellow@example.org", "Nia", "Fellow", "UELF", "2024", "Aurora",
                                  "Aurora Public Schools", "Assistant Principal"]]))
    assert run(runner, path, "--apply").exit_code == 0
    viewer = app.test_client().sign_in_as(make_user())
    assert "Nia Fellow" not in visible(viewer.get("/members"))           # invited: not listed yet
    link = re.search(r"http://\S+/register\?invite=(\S+)", mailbox()[-1])
    client = app.test_client()
    page = client.get(f"/register?invite={link.group(1)}")
    assert "new.fellow@example.org" in page.get_data(as_text=True)
    response = client.submit("/register", {"invite": link.group(1), "email": "new.fellow@example.org",
                                           "username": "nia", "display_name": "Nia Fellow",
                                           "password": "a long enough password", "confirm": "a long enough password",
                                           "program": "0", "cohort_year": "", "region": "0", "note": ""})
    assert response.status_code in (302, 303), visible(response)
    user = db.session.scalar(select(User).where(User.email == "new.fellow@example.org"))
    assert user.status == Status.ACTIVE and user.username == "nia"
    assert user.region.name == "Aurora" and user.headline == "Assistant Principal"
    assert "Nia Fellow" in visible(viewer.get("/members?region=denver"))


@pytest.mark.parametrize("content, message", [
    ("", "The file is empty."),
    ("email,first_name\nx@example.org,X\n", "Missing columns: last_name, program, cohort_year, region"),
])
def test_unusable_files_get_a_clear_message(runner, tmp_path, places, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    result = run(runner, path)
    assert result.exit_code == 1 and message in result.output


def test_a_file_that_is_not_utf8_gets_a_clear_message(runner, tmp_path, places):
    path = tmp_path / "latin1.csv"
    path.write_bytes(",".join(HEADER).encode() + "\nj@x.org,José,Núñez,UELF,2020,Denver,,\n".encode("latin-1"))
    result = run(runner, path)
    assert result.exit_code == 1 and "not UTF-8" in result.output
