"""Settings from the environment (see the README's Configuration section for each one)."""

from __future__ import annotations

from pydantic import Field, FilePath, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.db import Timeouts
from bot.errors import ClaimBotError

_DEFAULT = Timeouts()


class Settings(BaseSettings):
    """Every setting ClaimBot reads; names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    database_url: str = Field(default="sqlite:///claims.db", min_length=1)
    database_connect_timeout: float = Field(default=_DEFAULT.connect, ge=1, le=300)
    database_statement_timeout: float = Field(default=_DEFAULT.statement, gt=0, le=3600)
    database_pool_timeout: float = Field(default=_DEFAULT.pool, gt=0, le=300)
    database_tcp_timeout: float = Field(default=_DEFAULT.tcp, ge=3, le=600)
    log_level: str = Field(default="INFO", pattern=r"(?i)^(debug|info|warning|error)$")
    slack_bot_token: str | None = Field(default=None, pattern=r"^xoxb-\S+$")
    slack_signing_secret: str | None = Field(default=None, pattern=r"^\S{8,}$")
    slack_app_token: str | None = Field(default=None, pattern=r"^xapp-\S+$")
    slack_api_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://\S+$")
    claimbot_editors: str = Field(default="", pattern=r"^[A-Z0-9, ]*$")
    claimbot_editor_group: str | None = Field(default=None, pattern=r"^S[A-Z0-9]+$")
    web_concurrency: int = Field(default=2, ge=1, le=64)
    web_threads: int = Field(default=16, ge=1, le=256)
    claimbot_lexicon: FilePath | None = None
    claimbot_semantic_model: str | None = None
    claimbot_semantic_weight: float = Field(default=0.3, ge=0, le=1)

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, url: str) -> str:
        return url if url.endswith("/") else url + "/"

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "claimbot_editor_group",
        "claimbot_lexicon",
        "claimbot_semantic_model",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def database_timeouts(self) -> Timeouts:
        """The DATABASE_*_TIMEOUT settings, for the engine."""
        return Timeouts(
            connect=self.database_connect_timeout,
            statement=self.database_statement_timeout,
            pool=self.database_pool_timeout,
            tcp=self.database_tcp_timeout,
        )

    @property
    def editor_ids(self) -> frozenset[str]:
        """The Slack user IDs named in CLAIMBOT_EDITORS."""
        return frozenset(u.strip() for u in self.claimbot_editors.split(",") if u.strip())

    @property
    def socket_mode_ready(self) -> bool:
        """Whether both tokens Socket Mode needs are set."""
        return bool(self.slack_bot_token and self.slack_app_token)

    def require_slack(self, *, socket_mode: bool) -> None:
        """Stop with one sentence naming every Slack setting the chosen mode lacks."""
        needed = {"SLACK_BOT_TOKEN": self.slack_bot_token}
        if socket_mode:
            needed["SLACK_APP_TOKEN"] = self.slack_app_token
        else:
            needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        missing = [name for name, value in needed.items() if not value]
        if missing:
            mode = "Socket Mode" if socket_mode else "HTTP mode"
            raise ClaimBotError(f"{mode} needs {' and '.join(missing)} to be set.")


def load_settings() -> Settings:
    """Read the environment; a bad value stops the program with one sentence naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        names = ", ".join(sorted({str(e["loc"][0]).upper() for e in exc.errors() if e["loc"]}))
        raise ClaimBotError(f"Invalid configuration: check {names}.") from exc
