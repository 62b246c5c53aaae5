"""Finding what is there: topics listed and searched, with claim counts and newest dates, in the
core, the console, the command line and Slack (within Slack's limits, a page at a time)."""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from slack_bolt import App, BoltRequest

from bot import db
from bot.core import Core
from bot.records import parse_document
from bot.requests import Ask, Help, Topics, parse
from bot.store import ClaimStore
from entrypoints.cli import cli
from entrypoints.console import reply
from handlers.app import build_app
from tests.handlers.harness import sqlite_core
from tests.slack_stub import (
    SlackStub,
    block_text,
    command_payload,
    message_problem,
    signed_headers,
    user,
)

SECRET = "test-signing-secret-0123456789"
FORM = "application/x-www-form-urlencoded"


def add_topics(core: Core, count: int, title_length: int = 0) -> None:
    """``count`` topics "Topic 000 ..." with one claim each (and an alias "alias NNN")."""
    records = [
        {
            "topic": f"Topic {i:03d} " + "x" * title_length,
            "topic_aliases": [f"alias {i:03d}"],
            "claimant": "Someone",
            "claimed_on": "2024-01-02",
            "figures": [{"metric": "m", "value": i}],
        }
        for i in range(count)
    ]
    with db.transaction(core.sessions) as session:
        ClaimStore(session).import_records(parse_document({"claims": records}), "test")


# The request ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("topics", Topics(None, 1)),
        ("TOPICS refugees", Topics("refugees", 1)),
        ("topics russian losses page 3", Topics("russian losses", 3)),
        ("topics page 2", Topics(None, 2)),
        ("help", Help()),
        ("topical question", Ask("topical question")),
    ],
)
def test_parse_topics(text: str, request_: object) -> None:
    assert parse(text) == request_


# The core --------------------------------------------------------------------------------------


def test_topics_with_counts_and_newest_dates_alphabetically(core: Core) -> None:
    page = core.answers.topics_page()
    assert [(t.title, t.claims, t.newest) for t in page.topics] == [
        ("Deployment of Russian conscripts in Ukraine", 1, date(2022, 3, 2)),
        ("Refugees from Ukraine", 1, date(2022, 3, 2)),
        ("Russian military casualties in Ukraine", 3, date(2022, 3, 2)),
        ("Share of conscripts in the Russian military", 2, date(2022, 3, 2)),
    ]
    assert page.total == 4
    assert page.heading == "4 topics with claims."
    assert page.next_request() is None


def test_topics_search_titles_and_aliases_in_any_case(core: Core) -> None:
    assert [t.title for t in core.answers.topics_page("CONSCRIPT").topics] == [
        "Deployment of Russian conscripts in Ukraine",
        "Share of conscripts in the Russian military",
    ]
    # "russian losses" is an alias of the casualties topic, not in its title
    assert [t.title for t in core.answers.topics_page("russian losses").topics] == [
        "Russian military casualties in Ukraine"
    ]
    # LIKE wildcards are literal
    assert core.answers.topics_page("%").total == 0


def test_no_topic_matching_names_the_closest(core: Core) -> None:
    page = core.answers.topics_page("refugeez")
    assert page.total == 0
    assert page.heading == 'No topics matching "refugeez".'
    assert page.suggestions == ("Refugees from Ukraine",)


def test_topics_page_through_many(core: Core) -> None:
    add_topics(core, 95)
    first = core.answers.topics_page("topic")
    assert first.total == 95
    assert len(first.topics) == 40
    assert first.heading == '95 topics matching "topic": 1 to 40 (page 1 of 3).'
    assert first.next_request() == "topics topic page 2"
    last = core.answers.topics_page("topic", 3)
    assert last.topics[0].title == "Topic 080"
    assert len(last.topics) == 15
    assert last.next_request() is None
    assert "past the last" in core.answers.topics_page("topic", 4).heading


def test_retired_claims_are_not_counted(core: Core) -> None:
    casualties = next(
        c for c in range(1, 8) if core.editing.record(c).topic.startswith("Russian military")
    )
    core.editing.retire(casualties, "a mistake", "test")
    refugees = next(c for c in range(1, 8) if core.editing.record(c).topic.startswith("Refugees"))
    core.editing.retire(refugees, "a mistake", "test")
    after = {t.title: t.claims for t in core.answers.topics_page().topics}
    assert after["Russian military casualties in Ukraine"] == 2
    assert "Refugees from Ukraine" not in after


# The console and the command line --------------------------------------------------------------


def test_console_lists_and_searches_topics(core: Core) -> None:
    assert "Refugees from Ukraine: 1 claim, newest 2 March 2022" in reply(core, "topics")
    searched = reply(core, "/claims topics casualties")
    assert searched.startswith('1 topic matching "casualties".')
    assert "Russian military casualties in Ukraine: 3 claims" in searched
    assert "Share of conscripts" not in searched
    assert "4 topics have claims: type `topics`" in reply(core, "help")


def claimbot(database_url: str, *args: str) -> tuple[int, str, str]:
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SLACK_")}
    env["DATABASE_URL"] = database_url
    result = CliRunner().invoke(cli, list(args), env=env, prog_name="claimbot")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_topics_text_json_and_pages(core: Core, database_url: str) -> None:
    add_topics(core, 3)
    code, out, _ = claimbot(database_url, "topics", "topic", "--limit", "2")
    assert code == 0
    assert out.splitlines() == [
        '3 topics matching "topic": 1 to 2 (page 1 of 2).',
        "  - Topic 000: 1 claim, newest 2 January 2024",
        "  - Topic 001: 1 claim, newest 2 January 2024",
        "More: --page 2.",
    ]
    code, out, _ = claimbot(database_url, "topics", "topic", "--limit", "2", "--page", "2")
    assert "Topic 002" in out and "Topic 000" not in out
    code, out, _ = claimbot(database_url, "topics", "--format", "json", "refugees")
    assert json.loads(out) == {
        "query": "refugees",
        "total": 1,
        "page": 1,
        "pages": 1,
        "topics": [{"topic": "Refugees from Ukraine", "claims": 1, "newest": "2022-03-02"}],
        "suggestions": [],
    }


def test_cli_ask_help_shows_help(core: Core, database_url: str) -> None:
    code, out, _ = claimbot(database_url, "ask", "help")
    assert code == 0
    assert "No claims found" not in out
    assert "/claims topics [WORDS]" in out
    assert out.rstrip().endswith(
        "type `claimbot topics` to list them, or `claimbot topics WORDS` to search."
    )


# Slack -----------------------------------------------------------------------------------------


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture
def slack(tmp_path: Path, stub: SlackStub) -> Iterator[tuple[App, Core]]:
    core = sqlite_core(tmp_path / "claims.db", stub)
    app = build_app(core)
    stub.reset()
    yield app, core
    core.engine.dispose()


def dispatch(app: App, body: str) -> int:
    headers: dict[str, str | Sequence[str]] = {
        k.lower(): v for k, v in signed_headers(SECRET, body, FORM).items()
    }
    return app.dispatch(BoltRequest(body=body, headers=headers)).status


def command(app: App, stub: SlackStub, text: str, name: str = "c") -> dict[str, Any]:
    body = urllib.parse.urlencode(command_payload(text, stub.response_url(name)))
    assert dispatch(app, body) == 200
    (call,) = stub.wait_for(lambda c: c.path == f"/response/{name}")
    assert message_problem(call.body) is None
    return dict(call.body)


def test_slack_topics_page_through_642_long_titles_within_limits(
    slack: tuple[App, Core], stub: SlackStub
) -> None:
    app, core = slack
    add_topics(core, 642, title_length=290)
    message = command(app, stub, "topics")
    assert len(message["blocks"]) <= 50
    assert block_text(message["blocks"]) <= 12_000
    text = json.dumps(message["blocks"])
    assert "646 topics with claims: 1 to 40 (page 1 of 17)." in text
    assert "Deployment of Russian conscripts in Ukraine*: 1 claim, newest 2 March 2022" in text
    seen = 40
    button = next(
        e for b in message["blocks"] for e in b.get("elements", []) if e.get("type") == "button"
    )
    assert button["value"] == "topics page 2"
    # "Next page" replaces the page, every page within the limits, until the last.
    while button is not None:
        stub.reset()
        payload = {
            "type": "block_actions",
            "user": user("U0001"),
            "api_app_id": "A0001",
            "token": "legacy-token",
            "container": {"type": "message", "is_ephemeral": True, "channel_id": "C0001"},
            "trigger_id": "1.2.3",
            "team": {"id": "T0001", "domain": "example"},
            "channel": {"id": "C0001", "name": "newsroom"},
            "response_url": stub.response_url("m"),
            "actions": [{**button, "block_id": "b", "action_ts": "1.1"}],
        }
        assert dispatch(app, urllib.parse.urlencode({"payload": json.dumps(payload)})) == 200
        (call,) = stub.wait_for(lambda c: c.path == "/response/m")
        assert message_problem(call.body) is None
        assert call.body["replace_original"] is True
        seen += sum(
            b["text"]["text"].count("\n") + 1
            for b in call.body["blocks"][1:]
            if b["type"] == "section"
        )
        button = next(
            (
                e
                for b in call.body["blocks"]
                for e in b.get("elements", [])
                if e.get("type") == "button"
            ),
            None,
        )
    assert seen == 646


def test_slack_topics_search_and_closest(slack: tuple[App, Core], stub: SlackStub) -> None:
    app, _ = slack
    found = json.dumps(command(app, stub, "topics conscripts"))
    assert '2 topics matching \\"conscripts\\".' in found
    stub.reset()
    none = command(app, stub, "topics refugeez", "n")
    assert "No topics matching \\u201c" not in json.dumps(none)
    buttons = [
        e for b in none["blocks"] for e in b.get("elements", []) if e.get("type") == "button"
    ]
    assert [json.loads(b["value"]) for b in buttons] == [
        {"topic": "Refugees from Ukraine", "when": "", "question": "refugeez"}
    ]


def test_slack_help_documents_every_subcommand(slack: tuple[App, Core], stub: SlackStub) -> None:
    app, _ = slack
    text = json.dumps(command(app, stub, "help"))
    for usage in [
        "/claims QUESTION",
        "/claims topics [WORDS]",
        "/claims add",
        "/claims history ID",
        "/claims chart QUESTION",
        "/claims digest daily HH:MM [TZ] [always] [QUESTION]",
        "/claims digest weekly DAY HH:MM [TZ] [always] [QUESTION]",
        "/claims digest list",
        "/claims digest off ID",
        "/claims digest resume ID",
        "/claims aliases",
        "4 topics have claims: type `/claims topics` to list them",
    ]:
        assert usage in text
    assert "Topics with claims" not in text
