"""What the digest tests share: claims, a subscription, the posts Slack received, and a sender
that dies between posting and recording."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot import db
from bot.config import Settings
from bot.core import Core
from bot.digests import Digest
from bot.records import parse_document
from bot.schedules import Schedule
from bot.store import ClaimStore
from handlers.digests import SlackPublisher
from tests.slack_stub import SlackStub

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


CASUALTIES = {
    "topic": "Russian military casualties in Ukraine",
    "topic_aliases": ["russian losses"],
    "claimant": "Russian Ministry of Defence",
    "outlet": "RIA Novosti",
    "claimed_on": "2022-03-02",
    "figures": [{"metric": "killed", "value": 498}],
    "external_id": "ru",
}


REFUGEES = {
    "topic": "Refugees from Ukraine",
    "topic_aliases": ["ukrainian refugees"],
    "claimant": "UNHCR",
    "claimed_on": "2022-03-02",
    "figures": [{"metric": "refugees", "value": 874000}],
    "external_id": "unhcr",
}


def settings_for(database_url: str, stub: SlackStub) -> Settings:
    return Settings(
        database_url=database_url, slack_bot_token="xoxb-test", slack_api_url=f"{stub.url}/api/"
    )


def add(core: Core, at: datetime, *records: dict[str, Any]) -> None:
    with db.transaction(core.sessions) as session:
        ClaimStore(session).import_records(
            parse_document({"claims": list(records)}), author="test", now=at
        )


def hourly(core: Core, at: datetime = T0, **kwargs: Any) -> int:
    view = core.digests.subscribe(
        channel="C0001",
        schedule=Schedule.parse("0 * * * *", "UTC"),
        created_by="test",
        now=at,
        **kwargs,
    )
    return view.id


def posts(stub: SlackStub) -> list[dict[str, Any]]:
    return [c.body for c in stub.calls_to("/api/chat.postMessage")]


class Crash(BaseException):
    """The sender dies right after Slack accepted the post, before recording it."""


class CrashAfterPosting:
    def __init__(self, inner: SlackPublisher) -> None:
        self.inner = inner

    def publish(self, channel: str, digest: Digest) -> str:
        self.inner.publish(channel, digest)
        raise Crash

    def find(self, channel: str, reference: str, since: datetime) -> str | None:
        return self.inner.find(channel, reference, since)
