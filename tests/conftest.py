"""Shared fixtures: a fresh, migrated database per test on SQLite or PostgreSQL.

SQLite (default): the migrations run once into a template file, copied for each test.
PostgreSQL (``TEST_DATABASE_URL=postgresql://user@host/db``): the run creates its own
database on that server, migrates it once, empties every table between tests and drops
the database at the end, so runs never see each other's data.
"""
from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select, text

from exchange import create_app
from exchange.auth import services as auth_services
from exchange.extensions import db
from exchange.mail import deliver_due
from exchange.models import Category, Post, Role, Status, Thread, User
from exchange.moderation import held
from exchange.search import outbox as search_outbox
from exchange.search.backend import get_backend
from exchange.text import slugify
from exchange.threads import services as thread_services

PASSWORD = "correct horse battery"
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}


def _postgres_urls(server_url: str) -> tuple[str, str]:
    """(url of a new uniquely named database, admin url on the same server)."""
    name = f"exchange_test_{uuid.uuid4().hex[:10]}"
    base = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", server_url)
    admin = base
    test = re.sub(r"/[^/]*$", f"/{name}", base)
    return test, admin


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """Yields a callable that returns a fresh database URL for one test."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    instance = tmp_path_factory.mktemp("template-instance")
    if not server_url:
        template = instance / "template.db"
        _migrate(f"sqlite:///{template}", instance)

        def fresh(tmp_path: Path) -> str:
            target = tmp_path / "exchange.db"
            shutil.copyfile(template, target)
            return f"sqlite:///{target}"

        yield fresh
        return

    import psycopg

    url, admin = _postgres_urls(server_url)
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        engine_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        _migrate(engine_url, instance)

        def fresh(tmp_path: Path) -> str:
            return engine_url

        yield fresh
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(url: str, instance: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(instance), "SECRET_KEY": "t"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        tables.append("search_documents")  # the PostgreSQL search backend's table, outside the models
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        db.session.commit()


class ExchangeClient(FlaskClient):
    """A test client that can submit forms with a valid CSRF token, like a browser.

    Each request runs in its own application context, as in production (fresh ``g`` and
    database session); afterwards the test's own session drops its snapshot so that the
    test reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()
        return response

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", uuid.uuid4().hex)
        app = self.application
        return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)

    def submit(self, url: str, data: dict | None = None, *, htmx: bool = False, **kwargs):
        data = {"csrf_token": self.csrf_token(), **(data or {})}
        headers = kwargs.pop("headers", {})
        if htmx:
            headers = {"HX-Request": "true", **headers}
        return self.post(url, data=data, headers=headers, **kwargs)

    def htmx_get(self, url: str, **kwargs):
        return self.get(url, headers={"HX-Request": "true"}, **kwargs)

    def sign_in_as(self, user: User) -> ExchangeClient:
        with self.session_transaction() as session:
            session["_user_id"] = db.session.get(User, user.id).get_id()
            session["_fresh"] = True
        return self


@pytest.fixture
def app(database, tmp_path):
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database(tmp_path),
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "MAIL_DIR": str(tmp_path / "mail"),
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Members' first posts publish at once here; the posting-path modules (threads, replies,
        # practices, held posts, flood) turn holding back on with the `holding` fixture.
        "HOLD_FIRST_POSTS": 0,
        **FAST_ARGON2,
    })
    app.test_client_class = ExchangeClient
    with app.app_context():
        get_backend(app).rebuild([])  # an empty index; tests index what they create with `indexed()`
        yield app
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> ExchangeClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def mailbox(app):
    """The mails Exchange sent (the worker's delivery run first), oldest first, each as its headers and decoded body."""

    def read() -> list[str]:
        deliver_due(limit=1_000_000)  # what the worker would have sent by now
        folder = Path(app.config["MAIL_DIR"])
        mails = []
        for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            mails.append(f"To: {message['To']}\nSubject: {message['Subject']}\n\n"
                         f"{message.get_body(preferencelist=('plain',)).get_content()}")
        return mails

    return read


# --- factories (keyword-only) ---------------------------------------------------

@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(*, username: str | None = None, role: str = Role.MEMBER, status: str = Status.ACTIVE,
             display_name: str | None = None, email: str | None = None, password: str = PASSWORD) -> User:
        n = next(counter)
        username = username or f"{role}{n}"
        user = auth_services.create_user(email=email or f"{username}@example.org", username=username,
                                         password=password, role=role,
                                         display_name=display_name or f"{username.title()} Example")
        if status != Status.ACTIVE:
            user.status = status
            search_outbox.queue_members(user.id)  # as any status change does: leaves the member index
            db.session.commit()
        return user

    return make


@pytest.fixture
def holding(app):
    """Holds on, as in production (config.py's default): a new member's first post waits for review."""
    app.config["HOLD_FIRST_POSTS"] = 1


@pytest.fixture
def queue_moderator(app, make_user):
    """The moderator who approves what the factories post, made when first needed."""
    made: list[User] = []

    def moderator() -> User:
        if not made:
            made.append(make_user(username="queue-mod", role=Role.MODERATOR, display_name="Queue Moderator"))
        return made[0]

    return moderator


@pytest.fixture
def approve(queue_moderator):
    """Approve a held post from the queue, as a moderator does."""
    def approve_post(post: Post) -> None:
        held.approve_post(moderator=queue_moderator(), post=post)

    return approve_post


def _opening(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))


@pytest.fixture
def establish(app, make_category, queue_moderator, approve):
    """Make a member established the way members become so: their first post (a reply to a
    moderator's welcome thread, in a category of its own) goes through the posting policy and, if
    held, is approved from the queue. Their later posts then publish at once."""
    welcome: list[int] = []

    def establish_member(user: User) -> User:
        if not welcome:
            db.session.query(Category).first() or make_category(name="General")  # the factories' stays the first
            category = make_category(name="Introductions")
            welcome.append(thread_services.start_thread(
                author=queue_moderator(), title="Introduce yourself", category_id=category.id,
                body="Who are you, and what do you work on?").id)
        post = thread_services.reply(author=user, thread=db.session.get(Thread, welcome[0]),
                                     body=f"Hello, I am {user.display_name}.")
        if post.is_held:
            approve(post)
        return user

    return establish_member


@pytest.fixture
def make_category(app):
    def make(*, name: str = "Talent and human capital", slug: str | None = None, description: str = "") -> Category:
        category = Category(name=name, slug=slug or slugify(name), description=description)
        db.session.add(category)
        db.session.commit()
        return category

    return make


@pytest.fixture
def make_thread(app, make_user, make_category, approve):
    """A published thread, made through the posting policy; what it holds, a moderator approves."""
    def make(*, author: User | None = None, category: Category | None = None,
             title: str = "How do you staff hard-to-fill schools?",
             body: str = "We keep losing **first-year** teachers by October.", replies: int = 0,
             locked: bool = False):
        author = author or make_user()
        category = category or db.session.query(Category).first() or make_category()
        thread = thread_services.start_thread(author=author, title=title, category_id=category.id, body=body)
        if thread.is_held:  # the posting policy held it (holds on, or past the limits): a moderator approves it
            approve(_opening(thread))
        for i in range(replies):
            post = thread_services.reply(author=author, thread=db.session.get(Thread, thread.id),
                                         body=f"Reply number {i + 1}")
            if post.is_held:
                approve(post)
        if locked:
            thread.is_locked = True
            db.session.commit()
        return thread

    return make


@pytest.fixture
def taxonomy(app) -> dict:
    """The small test taxonomy (tests/taxonomy_fixture.py), loaded; tags by slug."""
    from exchange.models import Tag
    from exchange.taxonomy import loader
    from tests.taxonomy_fixture import TAXONOMY

    loader.load(TAXONOMY)
    return {t.slug: t for t in db.session.query(Tag)}


@pytest.fixture
def make_practice(app, make_user, make_category, approve):
    from exchange.practices import services as practice_services

    def make(*, author: User | None = None, title: str = "A 90-day onboarding plan for new principals",
             tags=(), setting: str = "district", region=None, publish: bool = True, category: Category | None = None,
             summary: str = "New principals got a mentor and a weekly data review in their first 90 days.",
             problem: str = "Half our new principals left within two years.",
             steps: str = "1. Match a mentor\n2. Weekly data review", **sections):
        author = author or make_user()
        category = category or db.session.query(Category).first() or make_category()
        data = practice_services.PracticeInput(
            title=title, category_id=category.id, tags=list(tags), setting=setting,
            region_id=region.id if region else None,
            sections={"summary": summary, "problem": problem, "steps": steps, **sections})
        thread = practice_services.create(author=author, data=data, publish=publish)
        if thread.is_held:  # as for threads: held by the posting policy, approved from the queue
            approve(_opening(thread))
            thread = db.session.get(Thread, thread.id)
        return thread

    return make


# --- role clients ---------------------------------------------------------------

def _role_client(app, make_user, **kwargs) -> ExchangeClient:
    user = make_user(**kwargs)
    client = app.test_client()
    client.user = user
    return client.sign_in_as(user)


@pytest.fixture
def member_client(app, make_user):
    return _role_client(app, make_user, username="maria", display_name="Maria Lopez")


@pytest.fixture
def established_client(member_client, establish):
    """Maria again, with an approved post behind her: what she posts publishes at once, holds on or off."""
    establish(member_client.user)
    return member_client


@pytest.fixture
def moderator_client(app, make_user):
    return _role_client(app, make_user, username="mod", role=Role.MODERATOR, display_name="Mo Derator")


@pytest.fixture
def admin_client(app, make_user):
    return _role_client(app, make_user, username="root", role=Role.ADMIN, display_name="Ada Admin")


@pytest.fixture
def pending_client(app, make_user):
    return _role_client(app, make_user, username="newbie", status=Status.PENDING)
