"""The real bot (`claimbot serve --http` on gunicorn) driven over HTTP with signed requests in
Slack's documented payload formats; a local stand-in plays the Slack Web API and response_urls.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from bot import db
from bot.config import Settings
from bot.core import Core
from bot.models import Claim
from bot.records import ClaimRecord
from handlers.gate import MAX_BODY_BYTES
from tests.conftest import BACKENDS, empty_database
from tests.slack_server import FORM, SECRET, Bot, ServerFailedError, start_server
from tests.slack_stub import (
    BOT_USER_ID,
    Call,
    Scripted,
    SlackStub,
    event_payload,
    mention_event,
    signature,
    to_response,
    user,
    view_submission,
)


@pytest.fixture(scope="module")
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture(scope="module", params=BACKENDS)
def running_bot(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, stub: SlackStub
) -> Iterator[Bot]:
    database_url = empty_database(request.param, tmp_path_factory.mktemp("bot"))
    Core.from_settings(Settings(database_url=database_url)).init(seed=True)
    log = tmp_path_factory.mktemp("log") / "server.log"
    try:
        process, url = start_server(
            database_url,
            stub,
            log,
            WEB_CONCURRENCY="2",
            CLAIMBOT_EDITORS="U0001",
            CLAIMBOT_EDITOR_GROUP="S0EDITORS",
        )
    except ServerFailedError as exc:
        pytest.fail(str(exc))
    yield Bot(url, database_url, stub)
    process.terminate()
    process.wait(timeout=15)


@pytest.fixture
def bot(running_bot: Bot) -> Bot:
    running_bot.stub.reset()
    return running_bot


def block_texts(message: dict[str, Any]) -> str:
    """Every text in a message's blocks, joined: what a reader sees."""
    texts = []
    for block in message.get("blocks", []):
        for item in [block.get("text"), *block.get("elements", []), *block.get("fields", [])]:
            if isinstance(item, dict):
                text = item.get("text")
                texts.append(text["text"] if isinstance(text, dict) else text or "")
    return "\n".join(texts)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


# Health ------------------------------------------------------------------------------------


def test_healthz_reports_the_database(bot: Bot) -> None:
    with urllib.request.urlopen(f"{bot.url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok", "database": True}


def test_unknown_path_is_404(bot: Bot) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{bot.url}/nothing", timeout=5)
    assert caught.value.code == 404


# Signatures --------------------------------------------------------------------------------


def test_signer_matches_slacks_published_test_vector() -> None:
    # https://api.slack.com/authentication/verifying-requests-from-slack
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
        "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554"
        "%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    assert signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", body) == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


def test_published_test_vector_is_refused_as_stale(bot: Bot) -> None:
    body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fclaims&text=russian+losses"
    status, _ = bot.post(
        body,
        FORM,
        sign=False,
        headers={
            "X-Slack-Request-Timestamp": "1531420618",
            "X-Slack-Signature": signature(SECRET, "1531420618", body),
        },
    )
    assert status == 401


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "forged",
        "wrong secret",
        "stale",
        "tampered body",
        "future",
        "timestamp nan",
    ],
)
def test_bad_signatures_get_401_and_cause_nothing(bot: Bot, case: str) -> None:
    body = urllib.parse.urlencode(
        {"command": "/claims", "text": "russian losses", "response_url": bot.stub.response_url()}
    )
    now = int(time.time())
    headers = {
        "missing": {},
        "forged": {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": "v0=" + "0" * 64},
        "wrong secret": {
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": signature("another-secret", str(now), body),
        },
        "stale": {
            "X-Slack-Request-Timestamp": str(now - 301),
            "X-Slack-Signature": signature(SECRET, str(now - 301), body),
        },
        "tampered body": {
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": signature(SECRET, str(now), body + "x"),
        },
        "future": {
            "X-Slack-Request-Timestamp": str(now + 301),
            "X-Slack-Signature": signature(SECRET, str(now + 301), body),
        },
        "timestamp nan": {"X-Slack-Request-Timestamp": "x", "X-Slack-Signature": "v0=0"},
    }[case]
    status, _ = bot.post(body, FORM, sign=False, headers=headers)
    assert status == 401
    forged_mention = json.dumps(
        event_payload(mention_event(f"<@{BOT_USER_ID}> russian losses", "1.5"), "EvForged")
    )
    status, _ = bot.post(forged_mention, "application/json", sign=False, headers=headers)
    assert status == 401
    time.sleep(1)
    assert bot.stub.calls == []


def test_malformed_signed_bodies_get_400(bot: Bot) -> None:
    for body in ['{"type": "event_callback", "event": ', "payload=%7Bnot+json"]:
        content_type = "application/json" if body.startswith("{") else FORM
        status, _ = bot.post(body, content_type)
        assert status == 400
    request = urllib.request.Request(
        f"{bot.url}/slack/events",
        data=b"x" * (MAX_BODY_BYTES + 1),
        headers={"Content-Type": FORM},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 413


def test_url_verification_challenge(bot: Bot) -> None:
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"})
    status, text = bot.post(body, "application/json")
    assert status == 200
    assert "c-123" in text


# /claims -----------------------------------------------------------------------------------


def test_claims_acks_at_once_then_answers_ephemerally(bot: Bot) -> None:
    started = time.monotonic()
    status, body = bot.command("russian losses")
    assert status == 200
    assert body == ""
    assert time.monotonic() - started < 3
    (call,) = bot.stub.wait_for(to_response())
    message = call.body
    assert message["response_type"] == "ephemeral"
    blocks = message["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Russian military casualties in Ukraine"},
    }
    text = block_texts(message)
    assert "*Russian Ministry of Defence*: killed *498 troops* · wounded *1,597 troops*" in text
    assert "*UK Ministry of Defence*: losses *450 troops*" in text
    assert "published by RIA Novosti · claimed 2 March 2022" in text
    assert "None of these 3 claims is independently verified." in text
    assert ":warning: *Not independently verified*" in text
    assert [b["action_id"] for b in buttons(message)] == ["share_answer"]
    assert buttons(message)[0]["value"] == "russian losses"
    assert message["text"] == "Russian military casualties in Ukraine: 3 claims"


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_claims_help(bot: Bot, text: str) -> None:
    assert bot.command(text)[0] == 200
    (call,) = bot.stub.wait_for(to_response())
    shown = block_texts(call.body)
    assert "/claims russian losses" in shown
    assert "Slash commands cannot be used in threads" in shown
    assert "4 topics have claims: type `/claims topics` to list them" in shown


def test_claims_no_match_offers_close_topics(bot: Bot) -> None:
    bot.command("refugees in hungary")
    (call,) = bot.stub.wait_for(to_response())
    assert "No claims found for “refugees in hungary”. Closest topics:" in block_texts(call.body)
    (button,) = buttons(call.body)
    assert button["action_id"] == "ask_topic_0"
    assert button["value"] == "Refugees from Ukraine"


def test_claims_unrelated_question(bot: Bot) -> None:
    bot.command("best pizza recipe")
    (call,) = bot.stub.wait_for(to_response())
    assert "Try `/claims topics WORDS` to find a topic" in block_texts(call.body)
    assert buttons(call.body) == []


def test_overlong_question_is_refused_clearly(bot: Bot) -> None:
    bot.command("x" * 501)
    (call,) = bot.stub.wait_for(to_response())
    assert "limited to 500 characters" in block_texts(call.body)


def test_stored_text_is_escaped(bot: Bot) -> None:
    bot.add_claims(
        {
            "topic": "Escaping test <b> & co",
            "topic_aliases": ["escaping test"],
            "claimant": "<!channel> & <@U999>",
            "outlet": "Evil <https://evil.example|click>",
            "source_url": "https://example.org/a?x=1&y=<2>|z",
            "claimed_on": "2024-01-01",
            "quote": "<!here> see <https://evil.example|this>",
            "caveat": "Ping <!everyone>",
        }
    )
    bot.command("escaping test")
    (call,) = bot.stub.wait_for(to_response())
    raw = json.dumps(call.body)
    for dangerous in ["<!channel>", "<@U999>", "<!here>", "<!everyone>", "<https://evil"]:
        assert dangerous not in raw
    shown = block_texts(call.body)
    assert "*&lt;!channel&gt; &amp; &lt;@U999&gt;*" in shown
    assert (
        "<https://example.org/a?x=1&amp;y=&lt;2&gt;%7Cz|Evil &lt;https://evil.example¦click&gt;>"
        in shown
    )
    assert all(
        element.get("verbatim") is True
        for block in call.body["blocks"]
        for element in [block.get("text") or {}, *block.get("elements", [])]
        if element.get("type") == "mrkdwn"
    )


# Buttons -----------------------------------------------------------------------------------


def block_actions(bot: Bot, action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U0001", "username": "editor", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-token",
        "container": {
            "type": "message",
            "message_ts": "1.1",
            "channel_id": "C0001",
            "is_ephemeral": True,
        },
        "trigger_id": "1.2.3",
        "team": {"id": "T0001", "domain": "example"},
        "channel": {"id": "C0001", "name": "newsroom"},
        "response_url": bot.stub.response_url("button"),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "text": {"type": "plain_text", "text": "x"},
                "value": value,
                "type": "button",
                "action_ts": "1.2",
            }
        ],
    }


def test_share_button_posts_the_answer_in_channel(bot: Bot) -> None:
    assert bot.interaction(block_actions(bot, "share_answer", "conscript share"))[0] == 200
    (call,) = bot.stub.wait_for(to_response("button"))
    assert call.body["response_type"] == "in_channel"
    assert call.body["replace_original"] is False
    shown = block_texts(call.body)
    assert "*Warsaw Institute*: share of conscripts *50%*" in shown
    assert "*The Washington Post*: share of conscripts *70%*" in shown
    assert "Shared by <@U0001>" in shown
    assert buttons(call.body) == []


def test_suggestion_button_replaces_the_answer(bot: Bot) -> None:
    bot.interaction(block_actions(bot, "ask_topic_0", "Refugees from Ukraine"))
    (call,) = bot.stub.wait_for(to_response("button"))
    assert call.body["replace_original"] is True
    assert call.body["response_type"] == "ephemeral"
    assert "refugees (projected) *1,000,000 people*" in block_texts(call.body)


# Shortcut ----------------------------------------------------------------------------------


def test_message_shortcut_answers_ephemerally(bot: Bot) -> None:
    payload = {
        "type": "message_action",
        "token": "legacy-token",
        "action_ts": "1.2",
        "team": {"id": "T0001", "domain": "example"},
        "user": {"id": "U0001", "username": "editor", "team_id": "T0001"},
        "channel": {"id": "C0001", "name": "newsroom"},
        "callback_id": "lookup_claims",
        "trigger_id": "1.2.3",
        "message_ts": "1700000000.000100",
        "message": {
            "type": "message",
            "user": "U0002",
            "ts": "1700000000.000100",
            "text": "Russia says 498 of its soldiers have died so far. Is that right?",
        },
        "response_url": bot.stub.response_url("shortcut"),
    }
    assert bot.interaction(payload)[0] == 200
    (call,) = bot.stub.wait_for(to_response("shortcut"))
    assert call.body["response_type"] == "ephemeral"
    assert call.body["blocks"][0]["text"]["text"] == "Russian military casualties in Ukraine"


# Mentions ----------------------------------------------------------------------------------


def post_messages(call: Call) -> bool:
    return call.path == "/api/chat.postMessage"


def test_mention_answers_in_a_new_thread(bot: Bot) -> None:
    status, _ = bot.event(
        mention_event(f"<@{BOT_USER_ID}> russian losses", "1700000001.000100"), "Ev01"
    )
    assert status == 200
    (call,) = bot.stub.wait_for(post_messages)
    assert call.body["channel"] == "C0001"
    assert call.body["thread_ts"] == "1700000001.000100"
    assert "498 troops" in block_texts(call.body)
    assert call.headers["Authorization"] == "Bearer xoxb-test-token"


def test_mention_inside_a_thread_answers_in_that_thread(bot: Bot) -> None:
    bot.event(
        mention_event(f"<@{BOT_USER_ID}> conscript share", "1700000003.1", "1700000002.1"), "Ev02"
    )
    (call,) = bot.stub.wait_for(post_messages)
    assert call.body["thread_ts"] == "1700000002.1"
    assert "Warsaw Institute" in block_texts(call.body)


def test_bare_mention_in_a_thread_looks_up_the_parent(bot: Bot) -> None:
    bot.stub.thread_messages["1700000004.1"] = [
        {"type": "message", "ts": "1700000004.1", "text": "How many Ukrainian refugees are there?"}
    ]
    bot.event(mention_event(f"<@{BOT_USER_ID}>", "1700000005.1", "1700000004.1"), "Ev03")
    (call,) = bot.stub.wait_for(post_messages)
    (replies,) = bot.stub.calls_to("/api/conversations.replies")
    assert replies.body["ts"] == "1700000004.1"
    assert call.body["thread_ts"] == "1700000004.1"
    assert "Refugees from Ukraine" in block_texts(call.body)


def test_bare_mention_outside_a_thread_explains_usage(bot: Bot) -> None:
    bot.event(mention_event(f"<@{BOT_USER_ID}>", "1700000006.1"), "Ev04")
    (call,) = bot.stub.wait_for(post_messages)
    assert "type `/claims topics` to list them" in block_texts(call.body)


def test_redelivered_event_is_answered_once(bot: Bot) -> None:
    event = mention_event(f"<@{BOT_USER_ID}> russian losses", "1700000007.1")
    assert bot.event(event, "Ev05")[0] == 200
    assert (
        bot.event(
            event, "Ev05", {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        )[0]
        == 200
    )
    assert (
        bot.event(
            event, "Ev05", {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"}
        )[0]
        == 200
    )
    bot.stub.wait_for(post_messages)
    time.sleep(1.5)
    assert len(bot.stub.calls_to("/api/chat.postMessage")) == 1


# Slack errors ------------------------------------------------------------------------------


def test_rate_limited_response_url_is_retried(bot: Bot) -> None:
    bot.stub.script(
        "/response/r1",
        Scripted(429, {"ok": False}, {"Retry-After": "1"}),
        Scripted(503, {"ok": False}),
    )
    bot.command("russian losses")
    calls = bot.stub.wait_for(to_response(), count=3)
    assert "498 troops" in block_texts(calls[2].body)
    assert calls[0].body == calls[2].body


def test_rate_limited_post_message_is_retried(bot: Bot) -> None:
    bot.stub.script(
        "/api/chat.postMessage",
        Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
    )
    bot.event(mention_event(f"<@{BOT_USER_ID}> russian losses", "1700000008.1"), "Ev06")
    calls = bot.stub.wait_for(post_messages, count=2)
    assert calls[0].body == calls[1].body


def test_undeliverable_answer_becomes_an_apology(bot: Bot) -> None:
    bot.stub.script("/response/r1", Scripted(400, {"ok": False, "error": "invalid_blocks"}))
    bot.command("russian losses")
    calls = bot.stub.wait_for(to_response(), count=2)
    assert calls[1].body["text"].startswith("Sorry, I couldn't deliver an answer")
    assert "blocks" not in calls[1].body


def test_failed_post_in_thread_becomes_an_apology(bot: Bot) -> None:
    bot.stub.script(
        "/api/chat.postMessage", Scripted(200, {"ok": False, "error": "invalid_blocks"})
    )
    bot.event(mention_event(f"<@{BOT_USER_ID}> russian losses", "1700000009.1"), "Ev07")
    calls = bot.stub.wait_for(post_messages, count=2)
    assert calls[1].body["text"].startswith("Sorry, I couldn't deliver an answer")
    assert calls[1].body["thread_ts"] == "1700000009.1"


# Digests -----------------------------------------------------------------------------------


def test_digest_subscription_from_slack(bot: Bot) -> None:
    bot.command("digest daily 09:00 Europe/Kyiv russian losses")
    (call,) = bot.stub.wait_for(to_response())
    shown = block_texts(call.body)
    assert shown.startswith("Subscribed. Digest ")
    assert 'to C0001: cron `0 9 * * *` in Europe/Kyiv; on "russian losses"; next ' in shown
    number = shown.split()[2]
    bot.stub.reset()
    bot.command("digest list")
    (listing,) = bot.stub.wait_for(to_response())
    assert f"Digest {number} to C0001" in block_texts(listing.body)
    bot.stub.reset()
    bot.command(f"digest off {number}")
    (ended,) = bot.stub.wait_for(to_response())
    assert block_texts(ended.body).startswith(f"Ended. Digest {number}")


def test_digest_time_zone_defaults_to_the_users(bot: Bot) -> None:
    bot.stub.user_timezones["U0001"] = "America/New_York"
    bot.command("digest weekly mon 08:30 always")
    (call,) = bot.stub.wait_for(to_response())
    shown = block_texts(call.body)
    assert "cron `30 8 * * 1` in America/New_York; on every topic; posts" in shown
    (info,) = bot.stub.calls_to("/api/users.info")
    assert info.body["user"] == "U0001"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("digest daily 25:00", "'25:00' is not a time of day"),
        ("digest weekly someday 09:00", "'someday' is not a day of the week"),
        ("digest", "Digest commands:"),
        ("digest off 99999", "There is no digest 99999 in this channel."),
    ],
)
def test_bad_digest_commands_explain(bot: Bot, text: str, message: str) -> None:
    bot.command(text)
    (call,) = bot.stub.wait_for(to_response())
    assert message in block_texts(call.body)


def test_digest_button_answers_below_a_shared_message(bot: Bot) -> None:
    payload = block_actions(bot, "ask_topic_0", "Refugees from Ukraine")
    payload["container"]["is_ephemeral"] = False
    bot.interaction(payload)
    (call,) = bot.stub.wait_for(to_response("button"))
    assert call.body["replace_original"] is False
    assert call.body["response_type"] == "ephemeral"


# Editors -----------------------------------------------------------------------------------

CASUALTIES = "Russian military casualties in Ukraine"


def overflow_values(message: dict[str, Any]) -> list[str]:
    return [
        option["value"]
        for block in message.get("blocks", [])
        if (block.get("accessory") or {}).get("type") == "overflow"
        for option in block["accessory"]["options"]
    ]


def claim_ids(bot: Bot, question: str) -> dict[str, int]:
    """Claimant -> claim id, as an editor's answer menu shows them."""
    bot.stub.reset()
    bot.command(question)
    (call,) = bot.stub.wait_for(to_response())
    ids: dict[str, int] = {}
    for block in call.body["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "overflow":
            claimant = block["text"]["text"].split("*")[1]
            ids[claimant] = int(accessory["options"][0]["value"].split(":")[1])
    bot.stub.reset()
    return ids


NEW_CLAIM = {
    "topic_pick": None,
    "topic_new": "Ukrainian military casualties",
    "topic_aliases": "ukrainian losses, ukrainian troop deaths",
    "claimant": "US officials",
    "outlet": "The New York Times",
    "source_url": "https://example.org/nyt",
    "claimed_on": "2022-03-09",
    "figures": "killed: 2,000-4,000 troops",
    "verification": "unverified",
    "caveat": "Estimate from intelligence officials, not independently verified.",
}


def test_editors_see_a_menu_on_each_claim_and_others_do_not(bot: Bot) -> None:
    bot.command("russian losses", user="U0002")
    (plain,) = bot.stub.wait_for(to_response())
    assert overflow_values(plain.body) == []
    bot.stub.reset()
    bot.command("russian losses", user="U0001")
    (edited,) = bot.stub.wait_for(to_response())
    values = overflow_values(edited.body)
    assert {v.split(":")[0] for v in values} == {"edit", "verify", "retire", "history"}


def test_editor_group_members_are_editors(bot: Bot) -> None:
    bot.stub.group_members["S0EDITORS"] = ["U0003"]
    bot.command("russian losses", user="U0003")
    (call,) = bot.stub.wait_for(to_response())
    assert overflow_values(call.body)
    assert bot.stub.calls_to("/api/usergroups.users.list")


def test_add_opens_the_form_for_editors_only(bot: Bot) -> None:
    bot.command("add", user="U0002")
    (refusal,) = bot.stub.wait_for(to_response())
    assert block_texts(refusal.body) == "Only editors can add claims."
    assert bot.stub.calls_to("/api/views.open") == []
    bot.command("add", user="U0001")
    (opened,) = bot.stub.wait_for(lambda c: c.path == "/api/views.open")
    view = opened.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert opened.body["trigger_id"] == "1.2.3"
    assert view["callback_id"] == "claim_edit"
    assert {b["block_id"] for b in view["blocks"]} >= {"topic_pick", "topic_new", "figures"}


def test_submitting_a_new_claim_saves_it_and_confirms(bot: Bot) -> None:
    payload = view_submission("claim_edit", NEW_CLAIM, json.dumps({"channel": "C0001"}))
    status, body = bot.interaction(payload)
    assert (status, body) == (200, "")
    (confirmation,) = bot.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    assert confirmation.body["user"] == "U0001"
    assert "Claim added to “Ukrainian military casualties”." in confirmation.body["text"]
    bot.stub.reset()
    bot.command("ukrainian troop deaths")
    (answer,) = bot.stub.wait_for(to_response())
    assert "*US officials*: killed *2,000–4,000 troops*" in block_texts(answer.body)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"figures": "killed lots"},
            {"figures": "Line 1: write it as metric: value unit, e.g. killed: 498 troops."},
        ),
        (
            {"topic_new": None},
            {"topic_new": "Pick an existing topic or name a new one (one of the two)."},
        ),
        ({"figures": None}, {"figures": "a claim needs figures or a quote"}),
        ({"source_url": "ftp://x"}, {"source_url": "must start with http:// or https://"}),
    ],
)
def test_invalid_form_shows_errors_next_to_fields_and_saves_nothing(
    bot: Bot, changes: dict[str, Any], errors: dict[str, str]
) -> None:
    before = claim_ids(bot, "russian losses")
    payload = view_submission(
        "claim_edit", {**NEW_CLAIM, "topic_new": "Never saved", **changes}, "{}"
    )
    status, body = bot.interaction(payload)
    assert status == 200
    assert json.loads(body) == {"response_action": "errors", "errors": errors}
    bot.command("never saved")
    (answer,) = bot.stub.wait_for(to_response())
    assert "Never saved" not in json.dumps(answer.body)
    assert claim_ids(bot, "russian losses") == before


def test_forged_submission_from_a_non_editor_changes_nothing(bot: Bot) -> None:
    ru = claim_ids(bot, "russian losses")["Russian Ministry of Defence"]
    metadata = json.dumps({"channel": "C0001", "claim_id": ru})
    payload = view_submission("claim_retire", {"reason": "I do not like it"}, metadata, "U0002")
    status, body = bot.interaction(payload)
    assert status == 200
    assert json.loads(body) == {
        "response_action": "errors",
        "errors": {"reason": "Only editors can change claims."},
    }
    assert ru in claim_ids(bot, "russian losses").values()


def test_verify_and_retire_through_the_menu(bot: Bot) -> None:
    uk = claim_ids(bot, "russian losses")["UK Ministry of Defence"]
    menu = block_actions(bot, "claim_menu", "")
    menu["actions"][0] = {
        "action_id": "claim_menu",
        "block_id": "b",
        "type": "overflow",
        "action_ts": "1.2",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": f"verify:{uk}"},
    }
    bot.interaction(menu)
    (opened,) = bot.stub.wait_for(lambda c: c.path == "/api/views.open")
    view = opened.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "claim_verify"
    metadata = view["private_metadata"]
    note = "Checked by the desk against MoD briefing transcripts"
    status, _ = bot.interaction(
        view_submission("claim_verify", {"verification": "disputed", "note": note}, metadata)
    )
    assert status == 200
    bot.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    bot.stub.reset()
    bot.command(f"history {uk}")
    (history,) = bot.stub.wait_for(to_response())
    shown = block_texts(history.body)
    assert "verified by slack:U0001" in shown
    assert "verification: 'unverified' -&gt; 'disputed'" in shown
    bot.stub.reset()
    status, _ = bot.interaction(view_submission("claim_retire", {"reason": "Superseded"}, metadata))
    bot.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    assert uk not in claim_ids(bot, "russian losses").values()


def choose_in_menu(bot: Bot, verb: str, claim_id: int) -> None:
    """An editor picks ``verb`` in the claim menu of ``claim_id``."""
    menu = block_actions(bot, "claim_menu", "")
    menu["actions"][0] = {
        "action_id": "claim_menu",
        "block_id": "b",
        "type": "overflow",
        "action_ts": "1.2",
        "selected_option": {
            "text": {"type": "plain_text", "text": "x"},
            "value": f"{verb}:{claim_id}",
        },
    }
    assert bot.interaction(menu)[0] == 200


def opened_view(bot: Bot) -> dict[str, Any]:
    (opened,) = bot.stub.wait_for(lambda c: c.path == "/api/views.open")
    view = opened.body["view"]
    return json.loads(view) if isinstance(view, str) else view  # type: ignore[no-any-return]


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """What Slack submits for an untouched form: each input block's initial value."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        option = element.get("initial_option") or {}
        initial = element.get("initial_value") or element.get("initial_date")
        values[block["block_id"]] = initial or option.get("value")
    return values


def stored(bot: Bot, claim_id: int) -> ClaimRecord:
    core = Core.from_settings(Settings(database_url=bot.database_url))
    try:
        return core.editing.record(claim_id)
    finally:
        core.engine.dispose()


def add_claim_to_edit(bot: Bot, topic: str) -> int:
    bot.add_claims(
        {
            "topic": topic,
            "claimant": "Regional governor",
            "outlet": "Telegram",
            "claimed_on": "2023-05-01",
            "figures": [{"metric": "injured", "value": 12, "unit": "people"}],
            "verification": "corroborated",
            "verification_note": "Matched against hospital records by the desk",
            "caveat": "Early count.",
            "external_id": f"edit-test-{topic}",
        }
    )
    (claim_id,) = claim_ids(bot, topic).values()
    return claim_id


def test_editing_through_the_form_keeps_what_the_form_does_not_show(bot: Bot) -> None:
    claim_id = add_claim_to_edit(bot, "Shelling injuries in Belgorod")
    choose_in_menu(bot, "edit", claim_id)
    view = opened_view(bot)
    assert view["callback_id"] == "claim_edit"
    values = {**form_values(view), "outlet": "RBC"}
    status, body = bot.interaction(view_submission("claim_edit", values, view["private_metadata"]))
    assert (status, body) == (200, "")
    (confirmation,) = bot.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    assert f"Claim {claim_id} saved." in confirmation.body["text"]
    after = stored(bot, claim_id)
    assert after.outlet == "RBC"
    assert after.verification_note == "Matched against hospital records by the desk"
    assert after.external_id == "edit-test-Shelling injuries in Belgorod"
    assert after.retired_reason is None


def test_a_retired_claim_cannot_be_edited_through_the_form(bot: Bot) -> None:
    claim_id = add_claim_to_edit(bot, "Shelling injuries in Kursk")
    choose_in_menu(bot, "edit", claim_id)
    view = opened_view(bot)
    bot.stub.reset()
    metadata = view["private_metadata"]
    status, _ = bot.interaction(view_submission("claim_retire", {"reason": "Withdrawn"}, metadata))
    assert status == 200
    bot.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    # The form opened before the claim was retired is submitted: refused, nothing changes.
    values = {**form_values(view), "outlet": "RBC"}
    status, body = bot.interaction(view_submission("claim_edit", values, metadata))
    assert status == 200
    assert json.loads(body) == {
        "response_action": "errors",
        "errors": {"claimant": f"Claim {claim_id} is retired; a retired claim cannot be edited."},
    }
    after = stored(bot, claim_id)
    assert (after.retired_reason, after.outlet) == ("Withdrawn", "Telegram")
    # The menu of an answer shown before the retirement no longer opens the form.
    bot.stub.reset()
    choose_in_menu(bot, "edit", claim_id)
    (refusal,) = bot.stub.wait_for(to_response("button"))
    assert "a retired claim cannot be edited" in block_texts(refusal.body)
    assert bot.stub.calls_to("/api/views.open") == []


def test_text_too_long_for_the_form_is_left_out_and_kept(bot: Bot) -> None:
    claim_id = add_claim_to_edit(bot, "Shelling injuries in Bryansk")
    long_quote = "A very long statement. " * 200
    core = Core.from_settings(Settings(database_url=bot.database_url))
    with db.transaction(core.sessions) as session:  # stored before the limit existed
        session.get_one(Claim, claim_id).quote = long_quote.strip()
    core.engine.dispose()
    choose_in_menu(bot, "edit", claim_id)
    view = opened_view(bot)
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert "quote" not in inputs
    for element in inputs.values():
        assert len(element.get("initial_value") or "") <= element.get("max_length", 3000)
    assert "cannot be edited here. It is kept as it is." in json.dumps(view)
    values = {**form_values(view), "outlet": "RBC"}
    status, body = bot.interaction(view_submission("claim_edit", values, view["private_metadata"]))
    assert (status, body) == (200, "")
    bot.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    after = stored(bot, claim_id)
    assert (after.outlet, after.quote) == ("RBC", long_quote.strip())


def test_topic_picker_offers_matching_topics(bot: Bot) -> None:
    payload = {
        "type": "block_suggestion",
        "user": user("U0001"),
        "container": {"type": "view", "view_id": "V0001"},
        "api_app_id": "A0001",
        "token": "legacy-token",
        "action_id": "topic_pick",
        "block_id": "topic_pick",
        "value": "casualties",
        "team": {"id": "T0001", "domain": "example"},
        "view": {
            "id": "V0001",
            "type": "modal",
            "callback_id": "claim_edit",
            "private_metadata": "{}",
        },
    }
    status, body = bot.interaction(payload)
    assert status == 200
    titles = [o["text"]["text"] for o in json.loads(body)["options"]]
    assert CASUALTIES in titles


def test_series_answer_has_a_history_button(bot: Bot) -> None:
    bot.add_claims(
        *[
            {
                "topic": "Shelter capacity in Kharkiv",
                "topic_aliases": ["kharkiv shelters"],
                "claimant": "City council",
                "claimed_on": f"2022-04-{day:02d}",
                "figures": [{"metric": "places", "value": 1000 + day}],
                "external_id": f"kharkiv-{day}",
            }
            for day in range(1, 41 - 10)
        ]
    )
    bot.command("kharkiv shelters")
    (answer,) = bot.stub.wait_for(to_response())
    assert "30 dated claims since 1 April 2022 (first: 1,001). Change: +7 over 7 days." in (
        block_texts(answer.body)
    )
    (history_button,) = [
        b for b in buttons(answer.body) if b["action_id"].startswith("topic_history")
    ]
    bot.stub.reset()
    bot.interaction(block_actions(bot, history_button["action_id"], history_button["value"]))
    (history,) = bot.stub.wait_for(to_response("button"))
    shown = block_texts(history.body)
    assert "`2022-04-30` City council: places *1,030*" in shown
    assert "`2022-04-01` City council: places *1,001*" in shown


# Charts ------------------------------------------------------------------------------------


def uploads_completed(call: Call) -> bool:
    return call.path == "/api/files.completeUploadExternal"


def test_chart_command_uploads_a_png_to_the_channel(bot: Bot) -> None:
    status, _ = bot.command("chart conscript share")
    assert status == 200
    (complete,) = bot.stub.wait_for(uploads_completed)
    assert complete.body["channel_id"] == "C0001"
    assert "thread_ts" not in complete.body
    assert "Share of conscripts in the Russian military" in complete.body["initial_comment"]
    (png,) = bot.stub.uploads.values()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert bot.stub.calls_to("/response/r1") == []


def test_chart_mention_in_a_thread_uploads_into_the_thread(bot: Bot) -> None:
    bot.event(
        mention_event(f"<@{BOT_USER_ID}> chart russian losses", "1700000200.2", "1700000200.1"),
        "EvC1",
    )
    (complete,) = bot.stub.wait_for(uploads_completed)
    assert (complete.body["channel_id"], complete.body["thread_ts"]) == ("C0001", "1700000200.1")


def test_chart_without_a_match_gives_the_usual_answer(bot: Bot) -> None:
    bot.command("chart best pizza recipe")
    (call,) = bot.stub.wait_for(to_response())
    assert "No claims found for “best pizza recipe”." in block_texts(call.body)
    assert bot.stub.calls_to("/api/files.getUploadURLExternal") == []


def test_chart_where_the_bot_is_not_a_member_explains(bot: Bot) -> None:
    bot.stub.script(
        "/api/files.completeUploadExternal", Scripted(200, {"ok": False, "error": "not_in_channel"})
    )
    bot.command("chart conscript share")
    (call,) = bot.stub.wait_for(to_response())
    assert "invite me" in block_texts(call.body)


def test_chart_button_on_a_series_answer(bot: Bot) -> None:
    bot.add_claims(
        *[
            {
                "topic": "Water deliveries to Mariupol",
                "topic_aliases": ["mariupol water"],
                "claimant": "ICRC",
                "claimed_on": f"2022-05-{day:02d}",
                "figures": [{"metric": "litres", "value": 10000 * day}],
                "external_id": f"mariupol-{day}",
            }
            for day in range(1, 6)
        ]
    )
    bot.command("mariupol water")
    (answer,) = bot.stub.wait_for(to_response())
    (chart_button,) = [b for b in buttons(answer.body) if b["action_id"].startswith("topic_chart")]
    assert chart_button["value"] == "Water deliveries to Mariupol"
    bot.stub.reset()
    bot.interaction(block_actions(bot, chart_button["action_id"], chart_button["value"]))
    (complete,) = bot.stub.wait_for(uploads_completed)
    assert complete.body["channel_id"] == "C0001"
    assert "Water deliveries to Mariupol" in complete.body["initial_comment"]
