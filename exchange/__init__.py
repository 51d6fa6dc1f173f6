"""Exchange: a forum and directory for the alumni of public-education leadership programs."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import load_config

from . import database  # noqa: F401 - registers the SQLite connection hooks
from .account import sessions as account_sessions
from .account.routes import bp as account_bp
from .auth.cli import users_cli
from .auth.routes import bp as auth_bp
from .curation.routes import bp as curation_bp
from .demo.cli import demo_cli
from .extensions import csrf, db, limiter, login_manager, migrate
from .fragments import configure_fragments
from .instrumentation import configure_sql_counter
from .models import Status, User
from .members.cli import members_cli
from .moderation.cli import moderation_cli
from .members.routes import bp as members_bp
from .moderation.routes import bp as moderation_bp
from .notifications import listeners as _notification_listeners  # noqa: F401 - notifications listen to events
from .notifications.cli import notifications_cli
from .notifications.routes import bp as notifications_bp
from .notifications.suggestions import bp as mentions_bp, configure_mentions
from .opportunities.cli import opportunities_cli
from .opportunities.routes import bp as opportunities_bp
from .practices.routes import bp as practices_bp
from .search import listeners as _search_listeners  # noqa: F401 - search listens to events
from .search.cli import search_cli
from .search.routes import bp as search_bp
from .request import configure_requests
from .security import configure_security_headers
from .site.routes import bp as site_bp, register_error_handlers
from .templating import configure_templates
from .taxonomy.cli import taxonomy_cli
from .taxonomy.routes import bp as taxonomy_bp
from .talent.routes import bp as talent_bp
from .threads.routes import bp as threads_bp
from .worker import start_background_worker, worker_command

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(overrides: dict | None = None) -> Flask:
    config = load_config(overrides)
    app = Flask(__name__, instance_path=config["INSTANCE_DIR"], instance_relative_config=False)
    app.config.update(config)
    configure_extensions(app)
    configure_fragments(app)
    configure_auth(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_requests(app)
    configure_security_headers(app)
    configure_sql_counter(app)
    register_error_handlers(app)
    configure_cli(app)
    configure_search(app)
    configure_mentions(app)
    return app


def configure_extensions(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    limiter.init_app(app)


def configure_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        parsed = User.parse_session_id(user_id)
        # A session from before the password last changed, or a browser signed out from the settings,
        # no longer loads (account/sessions.py: one statement).
        user = account_sessions.load(*parsed) if parsed else None
        if user is None:
            return None
        # A suspended or rejected account is signed out at its next request.
        if user.status in (Status.SUSPENDED, Status.REJECTED):
            return None
        return user


def configure_search(app: Flask) -> None:
    if app.config["SEARCH_INDEXER_THREAD"]:
        start_background_worker(app)  # `make run`: search, notifications and mail in a thread


def configure_blueprints(app: Flask) -> None:
    for blueprint in (site_bp, auth_bp, threads_bp, practices_bp, taxonomy_bp, search_bp, members_bp, moderation_bp,
                      curation_bp, talent_bp, opportunities_bp, notifications_bp,
                      account_bp, mentions_bp):
        app.register_blueprint(blueprint)


def configure_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(taxonomy_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(members_cli)
    app.cli.add_command(moderation_cli)
    app.cli.add_command(opportunities_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(worker_command)
