"""What real Slack sends and accepts: encoded text, Enterprise Grid fields, ``rich_text`` blocks,
and messages within 50 blocks and 12,000 characters of block text.

Signed requests in Slack's documented shapes are dispatched to the real Bolt app in process;
the local stand-in for the Web API refuses what Slack would refuse.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App, BoltRequest

from bot import db
from bot.core import Core
from bot.records import parse_document
from bot.store import ClaimStore
from handlers.app import build_app
from handlers.slack_text import decode
from tests.handlers.harness import sqlite_core
from tests.slack_stub import (
    BOT_USER_ID,
    Call,
    SlackStub,
    block_text,
    command_payload,
    event_payload,
    message_problem,
    signed_headers,
    user,
)

SECRET = "test-signing-secret-0123456789"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture
def slack_core(tmp_path: Path, stub: SlackStub) -> Iterator[Core]:
    core = sqlite_core(tmp_path / "claims.db", stub)
    yield core
    core.engine.dispose()


@pytest.fixture
def app(slack_core: Core, stub: SlackStub) -> App:
    built = build_app(slack_core)
    stub.reset()
    return built


def dispatch(app: App, body: str, content_type: str) -> int:
    headers = {k.lower(): v for k, v in signed_headers(SECRET, body, content_type).items()}
    return app.dispatch(BoltRequest(body=body, headers=dict(headers))).status


def command(app: App, stub: SlackStub, text: str) -> Call:
    body = urllib.parse.urlencode(command_payload(text, stub.response_url("c")))
    assert dispatch(app, body, FORM) == 200
    (call,) = stub.wait_for(lambda c: c.path == "/response/c")
    return call


def interaction(app: App, payload: dict[str, Any]) -> int:
    return dispatch(app, urllib.parse.urlencode({"payload": json.dumps(payload)}), FORM)


def block_action(action: dict[str, Any], response_url: str) -> dict[str, Any]:
    """A ``block_actions`` payload from a button on an ephemeral message."""
    return {
        "type": "block_actions",
        "user": user("U0001"),
        "api_app_id": "A0001",
        "token": "legacy-token",
        "container": {"type": "message", "is_ephemeral": True, "channel_id": "C0001"},
        "trigger_id": "1.2.3",
        "team": {"id": "T0001", "domain": "example"},
        "channel": {"id": "C0001", "name": "newsroom"},
        "response_url": response_url,
        "actions": [{**action, "type": "button", "block_id": "b", "action_ts": "1.1"}],
    }


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in message["blocks"]
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]
        if element.get("type") == "button"
    ]


# Encoded text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "plain"),
    [
        ("R&amp;D spending &lt;2022&gt;", "R&D spending <2022>"),
        ("see <https://example.org/a?b=1&amp;c=2|the report> now", "see the report now"),
        ("<https://example.org/x>", "https://example.org/x"),
        ("<@UBOT0001> russian losses", "russian losses"),
        ("<@U123|someone> says", "says"),
        ("in <#C0123|newsroom> and <#C0456|>", "in #newsroom and"),
        ("<!here> <!channel> <!everyone>", "@here @channel @everyone"),
        ("<!subteam^S0123|@editors> check", "@editors check"),
        ("<!date^1392734382^{date_short}|Feb 18, 2014> losses", "Feb 18, 2014 losses"),
        ("&amp;lt; stays literal", "&lt; stays literal"),
    ],
)
def test_decode_reads_slacks_encoding(encoded: str, plain: str) -> None:
    assert decode(encoded) == plain


def test_encoded_question_is_matched_and_quoted_back_once_escaped(
    app: App, stub: SlackStub
) -> None:
    call = command(app, stub, "R&amp;D &lt;budget&gt;")
    text = call.body["blocks"][0]["text"]["text"]
    assert "“R&amp;D &lt;budget&gt;”" in text  # escaped once for mrkdwn, as typed
    assert "&amp;amp;" not in json.dumps(call.body)


def test_link_in_a_command_is_matched_by_its_label(app: App, stub: SlackStub) -> None:
    call = command(app, stub, "<https://example.org/news|russian losses>")
    assert call.body["blocks"][0]["text"]["text"] == "Russian military casualties in Ukraine"


# Enterprise Grid, rich_text, shared channels -------------------------------------------------


def grid_mention(text: str) -> dict[str, Any]:
    """An ``app_mention`` in an Enterprise Grid shared channel, with its ``rich_text`` block."""
    event = {
        "type": "app_mention",
        "user": "W0001",
        "text": text,
        "ts": "1700000000.000100",
        "team": "T0002",
        "user_team": "T0002",
        "source_team": "T0002",
        "channel": "C0001",
        "event_ts": "1700000000.000100",
        "client_msg_id": "5f6a1b2c-0000-4000-8000-000000000000",
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "Xy1",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "user", "user_id": BOT_USER_ID},
                            {"type": "text", "text": " how many russian soldiers & officers "},
                            {"type": "link", "url": "https://example.org", "text": "died"},
                        ],
                    }
                ],
            }
        ],
    }
    payload = event_payload(event, "EvGrid1")
    payload.update(
        enterprise_id="E0001",
        context_team_id="T0001",
        context_enterprise_id="E0001",
        is_ext_shared_channel=True,
        authorizations=[
            {
                "enterprise_id": "E0001",
                "team_id": "T0001",
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    )
    return payload


def test_grid_mention_with_rich_text_is_answered_in_its_thread(app: App, stub: SlackStub) -> None:
    text = f"<@{BOT_USER_ID}> how many russian soldiers &amp; officers <https://example.org|died>"
    assert dispatch(app, json.dumps(grid_mention(text)), "application/json") == 200
    (post,) = stub.wait_for(lambda c: c.path == "/api/chat.postMessage")
    assert post.body["thread_ts"] == "1700000000.000100"
    assert post.body["blocks"][0]["text"]["text"] == "Russian military casualties in Ukraine"
    assert message_problem(post.body) is None


def test_message_shortcut_on_an_encoded_message(app: App, stub: SlackStub) -> None:
    payload = {
        "type": "message_action",
        "callback_id": "lookup_claims",
        "trigger_id": "1.2.3",
        "action_ts": "1.1",
        "team": {"id": "T0001", "domain": "example", "enterprise_id": "E0001"},
        "enterprise": {"id": "E0001", "name": "Example Grid"},
        "is_enterprise_install": False,
        "user": user("U0001"),
        "channel": {"id": "C0001", "name": "newsroom"},
        "message_ts": "1700000000.000200",
        "response_url": stub.response_url("s"),
        "message": {
            "type": "message",
            "user": "U0002",
            "ts": "1700000000.000200",
            "text": (
                "<!channel> Russia's losses: <https://ria.ru/x|RIA says> "
                "498 killed &amp; 1,597 wounded"
            ),
            "blocks": [{"type": "rich_text", "block_id": "a", "elements": []}],
        },
    }
    assert interaction(app, payload) == 200
    (call,) = stub.wait_for(lambda c: c.path == "/response/s")
    assert message_problem(call.body) is None
    assert "&amp;amp;" not in json.dumps(call.body)


# Message size --------------------------------------------------------------------------------


def add_claimants(core: Core, count: int, quote_length: int) -> None:
    records = [
        {
            "topic": "Russian military casualties in Ukraine",
            "claimant": f"Claimant {i:02d}",
            "outlet": f"Outlet {i:02d}",
            "claimed_on": "2022-03-01",
            "figures": [{"metric": "killed", "value": 100 + i}],
            "quote": ("A long statement. " * 200)[:quote_length],
            "caveat": "An estimate that nobody has checked. " * 20,
        }
        for i in range(count)
    ]
    with db.transaction(core.sessions) as session:
        ClaimStore(session).import_records(parse_document({"claims": records}), "test")


def test_long_answer_stays_within_slacks_limits_and_pages(
    app: App, slack_core: Core, stub: SlackStub
) -> None:
    add_claimants(slack_core, 40, 2_900)
    first = command(app, stub, "russian losses")
    assert message_problem(first.body) is None
    assert len(first.body["blocks"]) <= 50
    assert block_text(first.body["blocks"]) <= 12_000
    more: dict[str, Any] | None = next(
        b for b in buttons(first.body) if b["action_id"].startswith("more_claims_")
    )
    full = next(b for b in buttons(first.body) if b["action_id"].startswith("claim_full_text_"))

    # "More claims" pages through the rest, every page within the limits.
    pages = [first.body]
    while more is not None:
        stub.reset()
        assert interaction(app, block_action(more, stub.response_url("m"))) == 200
        (page,) = stub.wait_for(lambda c: c.path == "/response/m")
        assert message_problem(page.body) is None
        pages.append(page.body)
        more = next(
            (b for b in buttons(page.body) if b["action_id"].startswith("more_claims_")), None
        )
    listed = json.dumps(pages)
    assert all(f"Claimant {i:02d}" in listed for i in range(40))
    assert len(pages) >= 3

    # "Full text" shows the whole quote.
    stub.reset()
    assert interaction(app, block_action(full, stub.response_url("f"))) == 200
    (whole,) = stub.wait_for(lambda c: c.path == "/response/f")
    assert message_problem(whole.body) is None
    assert ("A long statement. " * 200)[:2_900].strip() in json.dumps(whole.body).replace(
        "\\n", "\n"
    )
