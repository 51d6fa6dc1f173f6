"""Cached fragments are never stale and never show one member's controls to another."""
import re

from sqlalchemy import select, update

from exchange.extensions import db
from exchange.fragments import content_version
from exchange.instrumentation import configure_sql_counter
from exchange.models import SiteState, Thread
from exchange.notifications import emails, fanout
from exchange.search import outbox as search_outbox
from exchange.threads import services
from tests.helpers import visible


def _version() -> int:
    db.session.expire_all()
    return db.session.scalar(select(SiteState.content_version))


def test_every_committed_write_bumps_the_content_version_and_reads_do_not(app, make_user, member_client):
    before = _version()
    member_client.get("/threads")
    assert _version() == before
    make_user()
    assert _version() > before


def test_a_cached_list_shows_changes_made_anywhere(app, member_client, make_thread):
    thread = make_thread(title="The original title here")
    assert "The original title here" in visible(member_client.get("/threads"))
    # A change committed outside any service (as another worker or a console would).
    db.session.get(Thread, thread.id).title = "A renamed title there"
    db.session.commit()
    page = visible(member_client.get("/threads"))
    assert "A renamed title there" in page and "The original title here" not in page


def test_a_cached_page_of_posts_keeps_each_viewers_controls(app, make_user, make_thread, moderator_client):
    author, reader = make_user(username="author"), make_user(username="reader")
    thread = make_thread(author=author, title="Whose edit links are these?")
    reader_client = app.test_client().sign_in_as(reader)
    author_client = app.test_client().sign_in_as(author)
    url = f"/t/{thread.id}"
    assert "Edit" not in visible(reader_client.get(url))          # fills the cache for readers
    assert "Edit" in visible(author_client.get(url))              # the author still gets the edit link
    assert "Edit" in visible(moderator_client.get(url))           # and a moderator too
    assert "Edit" not in visible(reader_client.get(url))
    services.reply(author=reader, thread=db.session.get(Thread, thread.id), body="A reply by the reader")
    page = visible(reader_client.get(url))
    assert "A reply by the reader" in page and "Edit" in page    # now the reader has a post of their own


def test_a_cached_fragment_saves_the_queries_behind_it(app, member_client, make_thread):
    app.config["SQL_COUNT_HEADER"] = True
    configure_sql_counter(app)
    make_thread(replies=3)
    cold = int(member_client.get("/threads").headers["X-SQL-Statements"])
    warm = int(member_client.get("/threads").headers["X-SQL-Statements"])
    assert warm < cold


def test_a_request_renders_against_the_version_it_read_first(app, make_user):
    """A write committed elsewhere mid-request does not mix versions within one page."""
    make_user()  # any write: the version row exists from here on, even in an emptied database
    with app.test_request_context():
        first = content_version()
        with db.engine.begin() as other:  # another worker's write
            other.execute(update(SiteState).where(SiteState.id == 1)
                          .values(content_version=SiteState.content_version + 1))
        assert content_version() == first
    with app.app_context(), app.test_request_context():  # the next request
        assert content_version() == first + 1


def test_the_workers_queues_and_read_marks_leave_the_cached_fragments_alone(app, make_user, make_thread, mailbox):
    """Search indexing, notification fan-out and mail, and a member reading a notification, show in no
    cached fragment: they keep the version, so a post empties the caches once, not once per queue."""
    app.config["NOTIFICATION_EMAIL_DELAY_SECONDS"] = 0
    author, reader = make_user(username="author"), make_user(username="reader")
    thread = make_thread(author=author, title="Who keeps the cache warm?")
    services.reply(author=reader, thread=db.session.get(Thread, thread.id), body="@author a question for you")
    version = _version()
    assert search_outbox.drain() > 0 and fanout.drain() > 0
    assert emails.send_due() == 1 and mailbox()                     # the mention, mailed at once
    client = app.test_client().sign_in_as(author)
    item = re.search(r'href="(/notifications/\d+)"', client.get("/notifications").get_data(as_text=True)).group(1)
    assert client.get(item).status_code == 302 and client.submit("/notifications/read").status_code in (200, 303)
    assert _version() == version
    services.reply(author=reader, thread=db.session.get(Thread, thread.id), body="And a second thought.")
    assert _version() > version                                     # content still moves it
