"""The schema comes from Alembic migrations, and they agree with the models."""
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from exchange.extensions import db


def test_migrations_and_models_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_database_is_at_the_latest_revision(app):
    with db.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    assert revision == ScriptDirectory.from_config(config).get_current_head()
