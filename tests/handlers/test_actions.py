"""Buttons: share, suggested topics, history and chart on a series (in process)."""

from __future__ import annotations

from tests.handlers.harness import Slack, block_actions, block_texts, buttons, uploads_completed
from tests.slack_stub import to_response


def test_share_button_posts_the_answer_in_channel(slack: Slack) -> None:
    assert slack.interaction(block_actions(slack, "share_answer", "conscript share"))[0] == 200
    (call,) = slack.stub.wait_for(to_response("button"))
    assert call.body["response_type"] == "in_channel"
    assert call.body["replace_original"] is False
    shown = block_texts(call.body)
    assert "*Warsaw Institute*: share of conscripts *50%*" in shown
    assert "*The Washington Post*: share of conscripts *70%*" in shown
    assert "Shared by <@U0001>" in shown
    assert buttons(call.body) == []


def test_suggestion_button_replaces_the_answer(slack: Slack) -> None:
    slack.interaction(block_actions(slack, "ask_topic_0", "Refugees from Ukraine"))
    (call,) = slack.stub.wait_for(to_response("button"))
    assert call.body["replace_original"] is True
    assert call.body["response_type"] == "ephemeral"
    assert "refugees (projected) *1,000,000 people*" in block_texts(call.body)


def test_digest_button_answers_below_a_shared_message(slack: Slack) -> None:
    payload = block_actions(slack, "ask_topic_0", "Refugees from Ukraine")
    payload["container"]["is_ephemeral"] = False
    slack.interaction(payload)
    (call,) = slack.stub.wait_for(to_response("button"))
    assert call.body["replace_original"] is False
    assert call.body["response_type"] == "ephemeral"


def test_series_answer_has_a_history_button(slack: Slack) -> None:
    slack.add_claims(
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
    slack.command("kharkiv shelters")
    (answer,) = slack.stub.wait_for(to_response())
    assert "30 dated claims since 1 April 2022 (first: 1,001). Change: +7 over 7 days." in (
        block_texts(answer.body)
    )
    (history_button,) = [
        b for b in buttons(answer.body) if b["action_id"].startswith("topic_history")
    ]
    slack.stub.reset()
    slack.interaction(block_actions(slack, history_button["action_id"], history_button["value"]))
    (history,) = slack.stub.wait_for(to_response("button"))
    shown = block_texts(history.body)
    assert "`2022-04-30` City council: places *1,030*" in shown
    assert "`2022-04-01` City council: places *1,001*" in shown


def test_chart_button_on_a_series_answer(slack: Slack) -> None:
    slack.add_claims(
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
    slack.command("mariupol water")
    (answer,) = slack.stub.wait_for(to_response())
    (chart_button,) = [b for b in buttons(answer.body) if b["action_id"].startswith("topic_chart")]
    assert chart_button["value"] == "Water deliveries to Mariupol"
    slack.stub.reset()
    slack.interaction(block_actions(slack, chart_button["action_id"], chart_button["value"]))
    (complete,) = slack.stub.wait_for(uploads_completed)
    assert complete.body["channel_id"] == "C0001"
    assert "Water deliveries to Mariupol" in complete.body["initial_comment"]
