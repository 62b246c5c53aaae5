"""The Alembic revisions build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot import db
from bot.models import Base


def test_migrations_match_the_models(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        drift = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert drift == [], f"the models and the migrations differ: {drift}"
