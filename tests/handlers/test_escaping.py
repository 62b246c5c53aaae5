"""Every message and view the bot produces, with hostile text in every stored field: no stored
text reaches mrkdwn (or a message's ``text`` fallback) unescaped, and every message and view is
valid Block Kit within Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import db
from bot.core import Core
from bot.dispatch import Caller, respond
from bot.editing import retired_message
from bot.records import parse_document
from bot.render_text import render_history, render_subscription
from bot.schedules import Schedule
from bot.store import ClaimStore
from handlers.blocks import (
    answer_message,
    digest_messages,
    help_message,
    history_message,
    outlets_message,
    text_message,
)
from handlers.modals import Context, claim_view, retire_view, verify_view
from handlers.replies import show

#: What a hostile claim holds: a channel ping, a user mention, a disguised link, formatting and
#: an entity that must show as typed (unescaped it would show as "&").
HOSTILE = "<!channel> <@U123> <https://evil|click> *bold* &amp;"
#: Raw sequences that only unescaped stored text can produce.
RAW = ("<!channel>", "<@U123>", "<https://evil", "|click>")
QUESTION = "zebra crossings"


def hostile_claims() -> list[dict[str, Any]]:
    common = {
        "topic": f"Zebra crossings {HOSTILE}",
        "topic_aliases": [QUESTION, f"alias {HOSTILE}"],
        "outlet": f"Outlet {HOSTILE}",
        "source_url": "https://example.org/a?b=<!channel>&amp;c|click",
        "verification_note": f"Note {HOSTILE}",
        "caveat": f"Caveat {HOSTILE}",
        "quote": f"Quote {HOSTILE}\nsecond line {HOSTILE}",
        "cites": f"Cites {HOSTILE}",
    }
    unit = "<@U123> <https://evil|click> &amp;"  # units are at most 50 characters
    figure = {
        "metric": f"m {HOSTILE}",
        "value": 5,
        "value_high": 7,
        "unit": unit,
        "counts": "hostile",
        "basis": "estimate",
        "area": f"Area {HOSTILE}",
    }
    return [
        # A dated series from one claimant (series summary, history and chart buttons) ...
        *(
            {
                **common,
                "claimant": f"Claimant {HOSTILE}",
                "claimed_on": f"2024-01-{day:02d}",
                "figures": [{**figure, "value": day, "value_high": day + 1}],
                "external_id": f"hostile-{day}",
            }
            for day in range(1, 11)
        ),
        # ... a competing claimant, with no outlet ...
        {
            **common,
            "outlet": None,
            "claimant": f"Other {HOSTILE}",
            "claimed_on": "2024-01-02",
            "figures": [figure],
            "external_id": "hostile-other",
        },
        # ... and one to retire, with a hostile reason.
        {
            **common,
            "claimant": f"Retired {HOSTILE}",
            "claimed_on": "2024-01-02",
            "figures": [figure],
            "external_id": "hostile-retired",
        },
    ]


def unescaped(text: str) -> list[str]:
    """What in a mrkdwn text could only come from unescaped stored text."""
    problems = [raw for raw in RAW if raw in text]
    if re.search(r"&amp;(?!amp;)", text) or re.search(r"&(?!amp;|lt;|gt;)", text):
        problems.append("an unescaped &")
    return problems


def walk(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in a message or view, with where it is."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}[{i}]")


def check(name: str, payload: dict[str, Any], *, view: bool = False) -> None:
    """Fail on stored text unescaped in mrkdwn or the fallback, on invalid Block Kit, and on
    plain text over Slack's limits."""
    if view:
        parsed = View(**payload)
        parsed.validate_json()
        assert len(payload.get("private_metadata", "")) <= 3000, name
    else:
        assert unescaped(payload["text"]) == [], f"{name}: fallback text {payload['text']!r}"
        assert len(payload["text"]) <= 3000, name
        assert len(payload["blocks"]) <= 50, name
    for block in payload["blocks"]:
        parsed_block = Block.parse(block)
        assert parsed_block is not None, f"{name}: {block}"
        parsed_block.validate_json()
    for where, node in walk(payload):
        kind = node.get("type")
        if kind == "mrkdwn":
            assert node.get("verbatim") is True, f"{name}{where}: not verbatim"
            assert unescaped(node["text"]) == [], f"{name}{where}: {node['text']!r}"
            assert len(node["text"]) <= 3000, f"{name}{where}"
        elif kind == "plain_text":
            assert len(node["text"]) <= 3000, f"{name}{where}"
        elif kind == "plain_text_input" and node.get("initial_value"):
            assert len(node["initial_value"]) <= node.get("max_length", 3000), f"{name}{where}"
        elif kind == "header":
            assert len(node["text"]["text"]) <= 150, f"{name}{where}"
        elif kind == "button":
            assert len(node["text"]["text"]) <= 75, f"{name}{where}"
            assert len(node.get("value", "")) <= 2000, f"{name}{where}"


@pytest.fixture
def hostile_core(empty_core: Core) -> Core:
    empty_core.editing.add_kind("hostile", f"Kind {HOSTILE}")
    with db.transaction(empty_core.sessions) as session:
        ClaimStore(session).import_records(
            parse_document({"claims": hostile_claims()}), author=f"import:{HOSTILE}"
        )
    return empty_core


def message_for(core: Core, text: str, *, shareable: bool, editable: bool = False) -> Any:
    """What the bot shows in Slack for ``text``, through the one request path."""
    reply = respond(core, text, Caller(user="U0001", editor=editable))
    return show(reply, shareable=shareable, editable=editable)


def test_every_message_and_view_escapes_stored_text(hostile_core: Core) -> None:
    core = hostile_core
    answer = core.answers.ask(QUESTION)
    (topic,) = answer.matches
    ids = {c.claimant.split()[0]: c.id for c in topic.claims}
    retired = ids.pop("Retired")
    core.editing.verify(
        ids["Claimant"],
        core.editing.record(ids["Claimant"]).verification,
        f"Verified {HOSTILE}",
        f"slack:{HOSTILE}",
    )
    core.editing.retire(retired, f"Reason {HOSTILE}", f"slack:{HOSTILE}")
    schedule = Schedule.parse("0 9 * * *", "UTC")
    core.digests.subscribe(
        channel="C1", schedule=schedule, query=f"{QUESTION} {HOSTILE}", created_by="slack:U1"
    )
    now = datetime.now(UTC)
    digest = core.digests.gather("ref", None, now - timedelta(days=1), now + timedelta(days=1))
    assert digest.total == 11
    narrowed = core.digests.gather("ref", QUESTION, now - timedelta(days=1), now)

    answer = core.answers.ask(QUESTION)
    assert len(answer.matches[0].claims) == 2 and answer.matches[0].claims[0].series
    messages: dict[str, dict[str, Any]] = {
        "answer": answer_message(answer, shareable=True, editable=True),
        "shared answer": answer_message(answer, shared_by="U0001"),
        "answer via message_for": message_for(core, QUESTION, shareable=True, editable=True),
        "no match": message_for(core, f"nothing like {HOSTILE}", shareable=True),
        "help": help_message(core.answers.topic_count()),
        "help via message_for": message_for(core, "help", shareable=True),
        "topic history": history_message(core.answers.history(QUESTION), QUESTION),
        "no topic history": history_message(None, HOSTILE),
        "digest": digest_messages(digest)[0],
        "narrowed digest": digest_messages(narrowed)[0],
        "empty digest": digest_messages(
            core.digests.gather("ref", f"{QUESTION} {HOSTILE}", now, now)
        )[0],
        "digest list": text_message(
            "\n".join(render_subscription(v) for v in core.digests.subscriptions("C1"))
        ),
        "refusal: retired": text_message(retired_message(retired)),
        "refusal: no claim": message_for(core, "history 999", shareable=False),
        "refusal: add": message_for(core, "add", shareable=False),
        "outlets": outlets_message(
            f"Source {HOSTILE}",
            [core.editing.record(i) for i in [*ids.values(), retired]],
            len(ids) + 1,
        ),
    }
    for claim_id in [*ids.values(), retired]:
        messages[f"claim history {claim_id}"] = text_message(
            render_history(claim_id, core.editing.history(claim_id))
        )
        messages[f"claim history via message_for {claim_id}"] = message_for(
            core, f"history {claim_id}", shareable=False
        )
    for name, message in messages.items():
        check(name, message)

    kinds = core.editing.kinds()
    views = {"add": claim_view(Context("C1"), kinds)}
    for claim_id in [*ids.values(), retired]:
        record = core.editing.record(claim_id)
        form = Context("C1", claim_id)
        views[f"edit {claim_id}"] = claim_view(form, kinds, record, core.editing.topic_of(claim_id))
        views[f"verify {claim_id}"] = verify_view(form, record.verification, record.claimant)
        views[f"retire {claim_id}"] = retire_view(form, record.claimant)
    for name, view in views.items():
        check(name, view, view=True)
    # The hostile text is there, escaped, not dropped.
    shown = str(messages["answer"]) + str(views[f"verify {ids['Claimant']}"])
    assert "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; *bold* &amp;amp;" in shown
    for text in ("Cites", "Area", "Kind"):  # what a figure counts, and what a claim cites
        assert f"{text} &lt;!channel&gt;" in str(messages["answer"])


def test_the_check_catches_unescaped_text() -> None:
    assert unescaped(HOSTILE) == [
        "<!channel>",
        "<@U123>",
        "<https://evil",
        "|click>",
        "an unescaped &",
    ]
    assert unescaped("a & b") == ["an unescaped &"]
    assert unescaped("&lt;!channel&gt; &amp;amp; <https://example.org|label>") == []
