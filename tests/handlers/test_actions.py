"""Buttons: share, suggested topics, history and chart on a series (in process)."""

from __future__ import annotations

from handlers.actions import read_pick
from handlers.blocks import suggestion_value
from tests.handlers.harness import (
    Slack,
    block_actions,
    block_texts,
    buttons,
    grid_block_actions,
    uploads_completed,
)
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


def test_picking_a_suggested_topic_answers_it_and_proposes_the_question(slack: Slack) -> None:
    slack.command("zorblax refugees as of 1 June 2022", user="U0002")
    (answer,) = slack.stub.wait_for(to_response())
    (pick,) = [b for b in buttons(answer.body) if b["action_id"].startswith("pick_suggestion_")]
    assert pick["text"]["text"] == "Refugees from Ukraine"
    for picker in ("W0002", "W0003"):
        slack.stub.reset()
        payload = grid_block_actions(slack, pick["action_id"], pick["value"], picker)
        assert slack.interaction(payload)[0] == 200
        (call,) = slack.stub.wait_for(to_response("button"))
        assert call.body["replace_original"] is True
        shown = block_texts(call.body)
        assert "*As of 1 June 2022: each claimant's latest claim made by then.*" in shown
        assert "Refugees from Ukraine" in shown
    (proposal,) = [p for p in slack.core.learning.pending().proposals if "zorblax" in p.alias]
    assert (proposal.alias, proposal.topic, proposal.picks) == (
        "zorblax refugees",
        "Refugees from Ukraine",
        2,
    )
    assert proposal.proposed_by == "slack:W0002"


def test_a_suggestion_carries_its_question_within_slacks_limit() -> None:
    question = '"\\' * 250  # every character escaped in JSON: 1,000 characters become 2,000
    value = suggestion_value("Refugees from Ukraine", question, "")
    assert read_pick(value) == ("Refugees from Ukraine", "", question)
    longest = "\x01" * 500  # six characters each in JSON: too long to carry
    value = suggestion_value("Refugees from Ukraine", longest, "in 2023")
    assert len(value) <= 2000
    assert read_pick(value) == ("Refugees from Ukraine", "in 2023", None)
    assert read_pick("Refugees from Ukraine") is None
    assert read_pick('["a list"]') is None


def test_a_forged_suggestion_is_answered_and_records_nothing(slack: Slack) -> None:
    before = slack.core.learning.pending().total
    slack.interaction(block_actions(slack, "pick_suggestion_0", "not what the bot sent"))
    (call,) = slack.stub.wait_for(to_response("button"))
    assert block_texts(call.body) == "That button is out of date."
    assert slack.core.learning.pending().total == before


def test_picking_a_closest_topic_after_a_topic_search_proposes_the_words(slack: Slack) -> None:
    slack.command("topics zorblaxian refugees", user="U0002")
    (listing,) = slack.stub.wait_for(to_response())
    (pick,) = buttons(listing.body)
    slack.stub.reset()
    slack.interaction(grid_block_actions(slack, pick["action_id"], pick["value"], "W0002"))
    (answer,) = slack.stub.wait_for(to_response("button"))
    assert answer.body["blocks"][0]["text"]["text"] == "Refugees from Ukraine"
    proposed = [(p.alias, p.topic) for p in slack.core.learning.pending().proposals]
    assert ("zorblaxian refugees", "Refugees from Ukraine") in proposed


ECHO = {
    "topic": "Russian military casualties in Ukraine",
    "cites": "Russian Ministry of Defence",
    "claimed_on": "2022-03-03",
    "figures": [
        {"metric": "killed", "value": 498, "unit": "troops", "counts": "killed"},
        {"metric": "wounded", "value": 1597, "unit": "troops", "counts": "wounded"},
    ],
}


def test_outlets_repeating_one_source_are_shown_once_with_a_button_listing_them(
    slack: Slack,
) -> None:
    slack.add_claims(
        *[
            {**ECHO, "claimant": outlet, "outlet": outlet, "external_id": f"echo-{outlet}"}
            for outlet in ("TASS", "Interfax", "RBC")
        ]
    )
    slack.command("russian losses")
    (answer,) = slack.stub.wait_for(to_response())
    shown = block_texts(answer.body)
    assert "Citing Russian Ministry of Defence: repeated by 4 outlets." in shown
    # One claim stands for the four reports: the UK's, the Russian ministry's (via RIA) and
    # Ukraine's "thousands" remain beside it.
    assert len([t for t in ("*TASS*", "*Interfax*", "*RBC*") if t in shown]) == 1
    (outlets_button,) = [b for b in buttons(answer.body) if b["text"]["text"] == "Show the outlets"]
    slack.stub.reset()
    slack.interaction(block_actions(slack, outlets_button["action_id"], outlets_button["value"]))
    (listing,) = slack.stub.wait_for(to_response("button"))
    listed = block_texts(listing.body)
    assert "*The outlets repeating Russian Ministry of Defence*" in listed
    for line in (
        "• TASS, 3 March 2022",
        "• Interfax, 3 March 2022",
        "• RBC, 3 March 2022",
        "• RIA Novosti (Russian Ministry of Defence), 2 March 2022",
    ):
        assert line in listed
    assert listing.body["response_type"] == "ephemeral"


def test_answers_label_figures_and_say_when_they_do_not_compare(slack: Slack) -> None:
    slack.command("russian losses")
    (answer,) = slack.stub.wait_for(to_response())
    shown = block_texts(answer.body)
    assert (
        ":straight_ruler: These figures count different things: Russian Ministry of Defence "
        "counts killed and wounded, separately; UK Ministry of Defence counts losses of "
        "unspecified kind."
    ) in shown
    assert (
        "Counts losses of unspecified kind; an estimate; covers 24 February 2022 to "
        "25 February 2022, in Ukraine."
    ) in shown
    slack.stub.reset()
    slack.command("conscript share")
    (spread,) = slack.stub.wait_for(to_response())
    assert (
        "Share of conscripts in the force: claims range from 50% (Warsaw Institute, estimate) "
        "to 70% (The Washington Post, estimate)."
    ) in block_texts(spread.body)
