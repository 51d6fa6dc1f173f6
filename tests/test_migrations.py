"""The schema comes from Alembic migrations, and they agree with the models."""
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from exchange.extensions import db


# The PostgreSQL search backend's table lives outside the models (search/postgres_backend.py).
SEARCH_TABLES = {"search_documents"}


def _not_search_table(obj, name, type_, reflected, compare_to) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table not in SEARCH_TABLES


def test_migrations_and_models_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_object": _not_search_table})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_search_documents_table_matches_its_definition_on_postgresql(app):
    from sqlalchemy import inspect

    from exchange.search.postgres_backend import documents_table
    inspector = inspect(db.engine)
    if db.engine.dialect.name != "postgresql":
        assert "search_documents" not in inspector.get_table_names()  # SQLite never has it
        return
    columns = {c["name"] for c in inspector.get_columns("search_documents")}
    assert columns == {c.name for c in documents_table.columns}
    indexes = {i["name"] for i in inspector.get_indexes("search_documents")}
    assert {"ix_search_documents_tsv", "ix_search_documents_tag_ids", "ix_search_documents_region_ids"} <= indexes


def test_the_database_is_at_the_latest_revision(app):
    with db.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    assert revision == ScriptDirectory.from_config(config).get_current_head()
