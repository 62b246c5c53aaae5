"""The Alembic revisions build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

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


def test_revision_0005_adds_comparable_figures_and_seeds_the_kinds(database_url: str) -> None:
    engine = db.make_engine(database_url)
    config = db.alembic_config(engine)
    command.upgrade(config, "0004")
    with engine.begin() as connection:  # a claim stored before 0005
        connection.execute(
            text(
                "INSERT INTO topics (id, title, created_at, updated_at) "
                "VALUES (1, 'T', '2022-01-01', '2022-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO claims (id, topic_id, claimant, claimed_on, verification, "
                "created_at, updated_at) VALUES (1, 1, 'C', '2022-01-01', 'unverified', "
                "'2022-01-01', '2022-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO figures (id, claim_id, position, metric, value) "
                "VALUES (1, 1, 0, 'k', 5)"
            )
        )
    command.upgrade(config, "0005")
    with engine.connect() as connection:
        kinds: dict[str, str] = dict(
            connection.execute(text("SELECT key, label FROM figure_kinds")).all()
        )
        figure = connection.execute(text("SELECT counts, basis, area FROM figures")).one()
    assert kinds["killed_and_wounded"] == "killed and wounded together"
    assert kinds["equipment_destroyed_damaged_captured"].startswith("equipment destroyed")
    assert tuple(figure) == (None, None, None)  # what was stored stays, the new fields empty
    columns = {c["name"] for c in inspect(engine).get_columns("figures")}
    assert {"counts", "basis", "coverage_from", "coverage_to", "area"} <= columns
    command.downgrade(config, "0004")
    assert not inspect(engine).has_table("figure_kinds")
    assert "cites" not in {c["name"] for c in inspect(engine).get_columns("claims")}
    command.upgrade(config, "head")
    engine.dispose()


def test_revision_0006_adds_proposed_aliases_and_downgrades(database_url: str) -> None:
    engine = db.make_engine(database_url)
    config = db.alembic_config(engine)
    command.upgrade(config, "head")
    assert inspect(engine).has_table("proposed_aliases")
    command.downgrade(config, "0005")
    assert not inspect(engine).has_table("proposed_aliases")
    assert inspect(engine).has_table("figure_kinds")  # 0005 stays
    command.upgrade(config, "head")
    assert {"uq_proposed_aliases_topic_id"} <= {
        c["name"] for c in inspect(engine).get_unique_constraints("proposed_aliases")
    }
    engine.dispose()


def test_revision_0008_times_the_logged_changes_and_downgrades(database_url: str) -> None:
    engine = db.make_engine(database_url)
    config = db.alembic_config(engine)
    command.upgrade(config, "0007")
    with engine.begin() as connection:  # a change logged before 0008
        connection.execute(
            text(
                "INSERT INTO topics (id, title, created_at, updated_at) "
                "VALUES (1, 'T', '2022-01-01', '2022-01-01')"
            )
        )
        connection.execute(text("INSERT INTO topic_changes (id, topic_id) VALUES (1, 1)"))
    command.upgrade(config, "0008")
    with engine.connect() as connection:
        logged = connection.execute(text("SELECT logged_at FROM topic_changes")).scalar_one()
    assert logged is not None  # counts as logged when the revision ran: kept a full retention
    command.downgrade(config, "0007")
    assert "logged_at" not in {c["name"] for c in inspect(engine).get_columns("topic_changes")}
    command.upgrade(config, "head")
    engine.dispose()
