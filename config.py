"""Configuration from environment variables, with safe local defaults.

Locally everything lives in ``instance/``: the SQLite database, the generated secret key,
the search index and the mail folder. In production (``EXCHANGE_ENV=production``) a
``SECRET_KEY`` must be given.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("EXCHANGE_INSTANCE_DIR", BASE_DIR / "instance"))


def _local_secret_key(instance_dir: Path) -> str:
    """Generate a key once and keep it, so sessions survive restarts."""
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(url: str) -> str:
    # Heroku-style URLs and plain postgresql:// should use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def load_config(overrides: dict | None = None) -> dict:
    env = os.environ
    overrides = overrides or {}
    instance_dir = Path(overrides.get("INSTANCE_DIR", INSTANCE_DIR)).resolve()
    production = env.get("EXCHANGE_ENV", "development") == "production"

    secret_key = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise RuntimeError("SECRET_KEY must be set when EXCHANGE_ENV=production")
        secret_key = _local_secret_key(instance_dir)

    config = {
        "ENV_NAME": "production" if production else "development",
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": _database_url(
            env.get("DATABASE_URL", f"sqlite:///{instance_dir / 'exchange.db'}")
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SEARCH_BACKEND": env.get("SEARCH_BACKEND", "whoosh"),
        "SEARCH_INDEX_DIR": env.get("SEARCH_INDEX_DIR", str(instance_dir / "search-index")),
        # `make run` drains the search outbox in a background thread; production runs
        # `flask search worker` as its own process instead.
        "SEARCH_INDEXER_THREAD": env.get("SEARCH_INDEXER_THREAD") == "1",
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_FROM": env.get("MAIL_FROM", "Exchange <no-reply@exchange.local>"),
        "MAIL_DIR": env.get("MAIL_DIR", str(instance_dir / "mail")),
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # argon2id parameters; changing them makes logins rehash stored passwords.
        "ARGON2_TIME_COST": int(env.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_COST": int(env.get("ARGON2_MEMORY_COST", "65536")),
        "ARGON2_PARALLELISM": int(env.get("ARGON2_PARALLELISM", "4")),
        "RESET_TOKEN_HOURS": 2,
        "INVITE_TOKEN_DAYS": 14,
        # Flood control (exchange/flood.py): what a member may send, in the limits library's notation,
        # counted in the rate-limit store; stricter during a member's first week. A practice is a
        # longer piece than a thread, so it gets the same allowance.
        "FLOOD_LIMITS": {"thread": "10 per hour", "reply": "60 per hour", "practice": "10 per hour",
                         "opportunity": env.get("OPPORTUNITY_RATE_LIMIT", "5 per hour; 20 per day"),
                         "contact": env.get("CONTACT_RATE_LIMIT", "5 per hour; 20 per day"),
                         "employer_contact": env.get("EMPLOYER_CONTACT_RATE_LIMIT", "10 per hour; 40 per day")},
        "FLOOD_LIMITS_NEWCOMER": {"thread": "3 per hour", "reply": "15 per hour", "practice": "3 per hour",
                                  "opportunity": "2 per hour; 5 per day", "contact": "2 per hour; 5 per day", "employer_contact": "3 per hour; 10 per day"},
        # Held posts (exchange/posting.py): a new member's first posts (threads, replies, practices)
        # wait for a moderator, as do posts sent past the flood limits, up to this many waiting per member.
        "HOLD_FIRST_POSTS": int(env.get("HOLD_FIRST_POSTS", "1")),
        "HOLD_MAX_PER_MEMBER": 3,
        "STALE_PRACTICE_DAYS": 365,
        "QUEUE_REFRESH_SECONDS": 30,  # the moderation queue fetches new items this often (0: never)  # practices unreviewed this long are flagged "needs refresh"
        # Notifications: how often the header's unread count refreshes itself (0: never), and how long an
        # "email at once" notification waits, so that one read in the app meanwhile is not mailed.
        "NOTIFICATION_POLL_SECONDS": int(env.get("NOTIFICATION_POLL_SECONDS", "60")),
        "NOTIFICATION_EMAIL_DELAY_SECONDS": int(env.get("NOTIFICATION_EMAIL_DELAY_SECONDS", "120")),
        "SQL_COUNT_HEADER": env.get("SQL_COUNT_HEADER") == "1",
        "THREADS_PER_PAGE": 30,
        "POSTS_PER_PAGE": 20,
    }
    config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg prepares a statement after five runs, and PostgreSQL may then switch it to a
        # generic plan that ignores the values: a search for a common word went from 50 ms to
        # 190 ms on its third run. Plan every execution with its own values.
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"options": "-c plan_cache_mode=force_custom_plan -c random_page_cost=1.1"})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return config
