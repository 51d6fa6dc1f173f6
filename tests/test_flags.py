"""Flags and hidden posts: members flag, three flags hide a post, moderators hide, unhide and dismiss."""
from __future__ import annotations

import pytest

from exchange.extensions import db
from exchange.models import Category, Flag, ModerationLog, Post, Role, Thread
from exchange.search import outbox
from exchange.threads import services as threads
from tests.helpers import visible

SECRET = "quarterly zebra stipend"


@pytest.fixture
def scene(app, make_user, make_thread):
    author = make_user(username="author")
    thread = make_thread(author=author, title="Coaching cycles that stick")
    reply = threads.reply(author=author, thread=db.session.get(Thread, thread.id),
                          body=f"Buy cheap watches, {SECRET}, click here.")
    members = [make_user(username=f"reader{i}") for i in range(3)]
    moderator = make_user(username="mod", role=Role.MODERATOR)
    outbox.drain()
    return {"author": author, "thread": thread, "post": reply, "members": members, "moderator": moderator}


def as_(app, user):
    return app.test_client().sign_in_as(user)


def flag(app, user, post, reason="spam", note=""):
    return as_(app, user).submit(f"/p/{post.id}/flag", {"reason": reason, "note": note}, htmx=True)


def found(app, user, q) -> bool:
    outbox.drain()
    return "Coaching cycles that stick" in visible(as_(app, user).get("/search", query_string={"q": q}))


def test_a_member_flags_a_post_and_the_moderators_see_it(app, scene):
    reader = scene["members"][0]
    form = as_(app, reader).htmx_get(f"/p/{scene['post'].id}/flag")
    assert "Why does it need a moderator?" in visible(form)
    response = flag(app, reader, scene["post"], note="Looks like spam to me")
    assert response.status_code == 200 and "the moderators will look at this post" in visible(response)
    queue = visible(as_(app, scene["moderator"]).get("/mod"))
    assert "Flagged posts 1" in queue and "Spam — Reader0 Example: “Looks like spam to me”" in queue
    assert SECRET in queue


def test_three_flags_from_distinct_members_hide_the_post_until_review(app, scene):
    post, members = scene["post"], scene["members"]
    flag(app, members[0], post)
    flag(app, members[0], post, reason="off_topic")          # the same member twice counts once
    flag(app, members[1], post)
    assert not db.session.get(Post, post.id).is_hidden
    assert found(app, members[0], "zebra")
    flag(app, members[2], post)
    hidden = db.session.get(Post, post.id)
    assert hidden.is_hidden and "flagged by 3 members" in hidden.hidden_reason
    page = as_(app, members[0]).get(f"/t/{scene['thread'].id}")
    assert "This post was hidden by a moderator." in visible(page) and SECRET not in visible(page)
    moderator_page = visible(as_(app, scene["moderator"]).get(f"/t/{scene['thread'].id}"))
    assert SECRET in moderator_page and "flagged by 3 members" in moderator_page
    assert not found(app, members[0], "zebra")                # gone from search as well
    row = db.session.query(ModerationLog).filter_by(action="auto_hide_post").one()
    assert row.actor_id is None and row.target_id == post.id


def test_moderator_hides_and_unhides_with_a_reason_and_search_follows(app, scene):
    post, moderator, reader = scene["post"], scene["moderator"], scene["members"][0]
    client = as_(app, moderator)
    response = client.submit(f"/mod/posts/{post.id}/hide", {"reason": "Advertising", "back": "thread"})
    assert response.status_code == 303
    assert "Advertising" in visible(as_(app, scene["author"]).get(f"/t/{scene['thread'].id}"))   # the author learns why
    reader_page = visible(as_(app, reader).get(f"/t/{scene['thread'].id}"))
    assert "hidden by a moderator" in reader_page and "Advertising" not in reader_page and SECRET not in reader_page
    assert not found(app, reader, "zebra")
    client.submit(f"/mod/posts/{post.id}/unhide", {"reason": "Misread it", "back": "thread"})
    assert SECRET in visible(as_(app, reader).get(f"/t/{scene['thread'].id}"))
    assert found(app, reader, "zebra")
    log = [(r.action, r.reason, r.actor_id) for r in db.session.query(ModerationLog).order_by(ModerationLog.id)]
    assert log == [("hide_post", "Advertising", moderator.id), ("unhide_post", "Misread it", moderator.id)]


def test_hiding_needs_a_reason(app, scene):
    response = as_(app, scene["moderator"]).submit(f"/mod/posts/{scene['post'].id}/hide", {"reason": "  "}, htmx=True)
    assert "Say why the post is hidden" in visible(response)
    assert not db.session.get(Post, scene["post"].id).is_hidden
    assert db.session.query(ModerationLog).count() == 0


def test_dismissing_flags_from_the_queue_shows_an_auto_hidden_post_again(app, scene):
    for member in scene["members"]:
        flag(app, member, scene["post"])
    response = as_(app, scene["moderator"]).submit(f"/mod/posts/{scene['post'].id}/dismiss", {"reason": ""}, htmx=True)
    assert response.status_code == 200 and "Dismissed the flags" in visible(response)
    assert response.get_data(as_text=True).lstrip().startswith('<section id="mod-queue">')
    assert "Flagged posts 0" in visible(response)
    assert not db.session.get(Post, scene["post"].id).is_hidden
    assert all(f.resolution == "dismissed" for f in db.session.query(Flag))
    assert db.session.query(ModerationLog).filter_by(action="dismiss_flags").count() == 1


def test_hiding_from_the_queue_resolves_the_flags(app, scene):
    flag(app, scene["members"][0], scene["post"])
    response = as_(app, scene["moderator"]).submit(f"/mod/posts/{scene['post'].id}/hide", {"reason": "Spam"}, htmx=True)
    assert "Hid post" in visible(response) and "Flagged posts 0" in visible(response)
    assert [f.resolution for f in db.session.query(Flag)] == ["hidden"]


def test_flag_permissions(app, scene, make_user):
    post = scene["post"]
    assert flag(app, scene["author"], post).status_code == 403                    # not your own post
    assert app.test_client().get(f"/p/{post.id}/flag").status_code == 302         # anonymous: sign in
    member = scene["members"][0]
    assert as_(app, member).submit(f"/mod/posts/{post.id}/hide", {"reason": "x"}).status_code == 403
    assert as_(app, member).post(f"/p/{post.id}/flag", data={"reason": "spam"}).status_code == 400   # no CSRF
    as_(app, scene["moderator"]).submit(f"/mod/posts/{post.id}/hide", {"reason": "Spam"})
    assert flag(app, member, post).status_code == 403                             # already hidden
    html = as_(app, member).get(f"/t/{scene['thread'].id}").get_data(as_text=True)
    assert f"/mod/posts/{post.id}/" not in html                                   # no moderator controls


def test_bad_flag_input_keeps_the_note(app, scene):
    note = "n" * 501
    response = flag(app, scene["members"][0], scene["post"], note=note)
    assert response.status_code == 422 and "Keep the note under 500 characters." in visible(response)
    assert note in response.get_data(as_text=True)
    response = flag(app, scene["members"][0], scene["post"], reason="because")
    assert response.status_code == 422 and "Not a valid choice" in visible(response)
    assert db.session.query(Flag).count() == 0


def test_flagging_works_without_javascript(app, scene):
    client = as_(app, scene["members"][0])
    assert "Send to the moderators" in visible(client.get(f"/p/{scene['post'].id}/flag"))
    response = client.submit(f"/p/{scene['post'].id}/flag", {"reason": "inappropriate", "note": ""})
    assert response.status_code == 303 and f"#post-{scene['post'].id}" in response.headers["Location"]


def test_moderators_see_how_much_is_waiting_in_the_header(app, scene, make_user):
    from exchange.models import Status
    make_user(username="newbie", status=Status.PENDING)
    flag(app, scene["members"][0], scene["post"])
    html = as_(app, scene["moderator"]).get("/threads").get_data(as_text=True)
    assert 'title="2 waiting for a moderator">2</span>' in html
    assert "waiting for a moderator" not in as_(app, scene["members"][1]).get("/threads").get_data(as_text=True)


# --- a hidden opening post takes its thread out of the lists ----------------------------------------

def test_hiding_an_opening_post_unlists_its_thread_until_it_is_shown_again(app, scene):
    thread = db.session.get(Thread, scene["thread"].id)
    opening = threads.first_post(thread)
    category = thread.category
    reader, moderator = as_(app, scene["members"][0]), as_(app, scene["moderator"])
    count_before = category.thread_count
    assert "Coaching cycles that stick" in visible(reader.get("/threads"))
    moderator.submit(f"/mod/posts/{opening.id}/hide", {"reason": "Advertising"})
    assert db.session.get(Thread, thread.id).status == Thread.HIDDEN
    assert db.session.get(Category, category.id).thread_count == count_before - 1
    for page in ("/threads", f"/c/{category.slug}", "/"):
        assert "Coaching cycles that stick" not in visible(reader.get(page)), page
    assert reader.get(f"/t/{thread.id}").status_code == 404
    assert not found(app, scene["members"][0], "coaching")              # not even by its title
    author_view = visible(as_(app, scene["author"]).get(f"/t/{thread.id}"))
    assert "A moderator hid this thread's opening post" in author_view
    assert "Advertising" in visible(moderator.get(f"/t/{thread.id}"))
    moderator.submit(f"/mod/posts/{opening.id}/unhide", {"reason": "Checked: a real question"})
    assert db.session.get(Thread, thread.id).status == Thread.PUBLISHED
    assert db.session.get(Category, category.id).thread_count == count_before
    assert "Coaching cycles that stick" in visible(reader.get("/threads"))
    assert found(app, scene["members"][0], "coaching")


def test_three_flags_on_an_opening_post_unlist_the_thread_and_dismissing_restores_it(app, scene):
    opening = threads.first_post(db.session.get(Thread, scene["thread"].id))
    for member in scene["members"]:
        flag(app, member, opening)
    assert db.session.get(Thread, scene["thread"].id).status == Thread.HIDDEN
    assert "Coaching cycles that stick" not in visible(as_(app, scene["members"][0]).get("/threads"))
    as_(app, scene["moderator"]).submit(f"/mod/posts/{opening.id}/dismiss", {}, htmx=True)
    assert db.session.get(Thread, scene["thread"].id).status == Thread.PUBLISHED
    assert "Coaching cycles that stick" in visible(as_(app, scene["members"][0]).get("/threads"))
