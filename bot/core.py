"""The core's process-wide parts, wired once: settings, engine, sessions and the answer service;
the other services (digests, editing, alias proposals) when first used, so a question loads none
of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import db, derived
from bot.answers import AnswerService
from bot.config import Settings
from bot.errors import ClaimBotError
from bot.listening import ChangeListener
from bot.records import load_file
from bot.semantic import load_model
from bot.store import ImportResult

if TYPE_CHECKING:
    from bot.digests import DigestService
    from bot.editing import EditService
    from bot.learning import LearningService

SEED_PATH = Path(__file__).resolve().parent.parent / "data" / "claims.json"


@dataclass
class Core:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session] = field(init=False)
    answers: AnswerService = field(init=False)
    #: Whether the database answers within a second (``GET /healthz``).
    database_answers: db.HealthCheck = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = db.session_factory(self.engine)
        self.database_answers = db.HealthCheck(self.engine, seconds=1.0)
        name = self.settings.claimbot_semantic_model
        self.answers = AnswerService(
            self.sessions,
            derived.lexicon(self.settings.claimbot_lexicon),
            load_model(name, self.settings.claimbot_semantic_weight) if name else None,
        )

    @cached_property
    def digests(self) -> DigestService:
        from bot.digests import DigestService  # noqa: PLC0415  (services load when first used)

        return DigestService(self.sessions, self.answers)

    @cached_property
    def editing(self) -> EditService:
        from bot.editing import EditService  # noqa: PLC0415

        return EditService(self.sessions)

    @cached_property
    def learning(self) -> LearningService:
        from bot.learning import LearningService  # noqa: PLC0415

        return LearningService(self.sessions)

    def listen_for_changes(self) -> ChangeListener | None:
        """On PostgreSQL, hear of other processes' changes by LISTEN/NOTIFY instead of reading
        the change log before every question; the listener, for a long-lived process."""
        if self.engine.dialect.name != "postgresql":
            return None
        listener = ChangeListener(self.engine)
        self.answers.listen(listener)
        return listener

    @classmethod
    def from_settings(cls, settings: Settings) -> Core:
        return cls(settings, db.make_engine(settings.database_url, settings.database_timeouts))

    def require_schema(self) -> None:
        """Stop with a clear message when ``claimbot init`` has not been run; a SQLite file
        that does not exist is not created (connecting would create it empty)."""
        missing = db.missing_sqlite_file(self.engine)
        if missing:
            raise ClaimBotError(f"There is no database at {missing}; run `claimbot init`.")
        if not db.is_migrated(self.engine):
            raise ClaimBotError("The database has no ClaimBot schema yet; run `claimbot init`.")

    def init(self, *, seed: bool = True) -> ImportResult | None:
        """Migrate the schema; load the seed claims into a database that has none."""
        db.migrate(self.engine)
        if not seed:
            return None
        return self.editing.import_records(load_file(SEED_PATH), "seed", only_into_empty=True)
