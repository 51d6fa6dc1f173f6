"""Who may read and do what: anonymous, pending, suspended, member, moderator, admin."""
import pytest

from exchange import permissions
from exchange.extensions import db
from exchange.models import Role, Status, User
from tests.helpers import visible

MEMBER_PAGES = ["/threads", "/c/{category}", "/t/{thread}", "/threads/new", "/p/{post}"]
MODERATOR_PAGES = ["/mod", "/mod/log"]


@pytest.fixture
def urls(make_thread):
    thread = make_thread()
    post_id = db.session.execute(db.text("SELECT min(id) FROM posts")).scalar()
    values = {"category": thread.category.slug, "thread": thread.id, "post": post_id}
    return lambda template: template.format(**values)


@pytest.mark.parametrize("page", MEMBER_PAGES + MODERATOR_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, urls, page):
    response = client.get(urls(page))
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize("page", MEMBER_PAGES + MODERATOR_PAGES)
def test_pending_accounts_cannot_read_member_pages(pending_client, urls, page):
    response = pending_client.get(urls(page))
    assert response.status_code == 403
    assert "waiting for a moderator's approval" in visible(response)


@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_suspended_accounts_are_signed_out_and_cannot_read_member_pages(app, make_user, urls, page):
    user = make_user(username="gone")
    client = app.test_client().sign_in_as(user)
    user.status = Status.SUSPENDED
    db.session.commit()
    response = client.get(urls(page))
    assert response.status_code == 302 and response.location.startswith("/login")


@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_active_members_read_member_pages(member_client, urls, page):
    response = member_client.get(urls(page))
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # the post permalink
        assert "/t/" in response.location


@pytest.mark.parametrize("page", MODERATOR_PAGES)
def test_members_cannot_open_the_moderation_tools(member_client, page):
    response = member_client.get(page)
    assert response.status_code == 403
    assert "Only moderators" in visible(response)


@pytest.mark.parametrize("page", MODERATOR_PAGES)
@pytest.mark.parametrize("role_client", ["moderator_client", "admin_client"])
def test_moderators_and_admins_open_the_moderation_tools(request, role_client, page):
    assert request.getfixturevalue(role_client).get(page).status_code == 200


def test_only_moderators_see_the_moderation_link(member_client, moderator_client):
    assert 'href="/mod"' not in member_client.get("/threads").get_data(as_text=True)
    assert 'href="/mod"' in moderator_client.get("/threads").get_data(as_text=True)


@pytest.mark.parametrize("action", ["/mod/members/{user}/approve", "/mod/threads/{thread}/lock"])
def test_members_cannot_perform_moderator_actions(member_client, make_user, make_thread, action):
    target = make_user(username="waiting", status=Status.PENDING)
    thread = make_thread()
    response = member_client.submit(action.format(user=target.id, thread=thread.id))
    assert response.status_code == 403
    db.session.refresh(target)
    db.session.refresh(thread)
    assert target.status == Status.PENDING and not thread.is_locked


def test_pending_accounts_cannot_post(pending_client, make_thread):
    thread = make_thread()
    assert pending_client.submit(f"/t/{thread.id}/reply", {"body": "hi"}).status_code == 403
    assert pending_client.submit("/threads/new", {"title": "Hello there", "body": "x"}).status_code == 403


def test_moderated_categories_names_a_scoped_moderators_categories_and_no_one_elses(make_user, make_category):
    talent, finance = make_category(name="Talent"), make_category(name="Finance")
    scoped, everywhere = make_user(role=Role.MODERATOR), make_user(role=Role.MODERATOR)
    admin, member = make_user(role=Role.ADMIN), make_user()
    db.session.get(User, scoped.id).moderated_categories = [talent, finance]
    db.session.get(User, admin.id).moderated_categories = [talent]  # an admin's leftover scope does not narrow them
    db.session.commit()
    assert {c.name for c in permissions.moderated_categories(scoped)} == {"Talent", "Finance"}
    assert not permissions.moderates_everywhere(scoped)
    for user in (everywhere, admin, member):
        assert permissions.moderated_categories(user) == []
    assert permissions.moderates_everywhere(everywhere) and permissions.moderates_everywhere(admin)
