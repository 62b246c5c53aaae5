"""Settings from the environment (see the README's Configuration section for each one)."""

from __future__ import annotations

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ClaimBotError


class Settings(BaseSettings):
    """Every setting ClaimBot reads; names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    database_url: str = Field(default="sqlite:///claims.db", min_length=1)
    log_level: str = Field(default="INFO", pattern=r"(?i)^(debug|info|warning|error)$")


def load_settings() -> Settings:
    """Read the environment; a bad value stops the program with one sentence naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        names = ", ".join(sorted({str(e["loc"][0]).upper() for e in exc.errors() if e["loc"]}))
        raise ClaimBotError(f"Invalid configuration: check {names}.") from exc
