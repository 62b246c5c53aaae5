"""Time-aware answers in Slack: /claims as of a day, and the History button keeping that moment."""

from __future__ import annotations

import json

from tests.handlers.harness import Slack, block_actions, buttons
from tests.slack_stub import message_problem, to_response

SERIES = [
    {
        "topic": "Russian tanks lost in Ukraine",
        "claimant": "General Staff of the Armed Forces of Ukraine",
        "claimed_on": day,
        "figures": [{"metric": "tanks lost", "value": value}],
    }
    for day, value in [
        ("2023-05-28", 3785),
        ("2023-05-30", 3790),
        ("2023-06-01", 3804),
        ("2023-06-03", 3810),
    ]
]


def test_as_of_answer_and_history_button_keep_the_moment(slack: Slack) -> None:
    slack.add_claims(*SERIES)
    assert slack.command("russian tanks as of 1 June 2023", "a")[0] == 200
    (answer,) = slack.stub.wait_for(to_response("a"))
    assert message_problem(answer.body) is None
    shown = json.dumps(answer.body)
    assert "As of 1 June 2023: each claimant's latest claim made by then." in shown
    assert "*3,804*" in shown and "3,810" not in shown
    (history,) = [b for b in buttons(answer.body) if b["action_id"].startswith("topic_history_")]
    assert history["value"] == "Russian tanks lost in Ukraine as of 1 June 2023"
    slack.stub.reset()
    assert slack.interaction(block_actions(slack, history["action_id"], history["value"]))[0] == 200
    (listing,) = slack.stub.wait_for(to_response("button"))
    text = json.dumps(listing.body)
    assert "Claims made as of 1 June 2023." in text
    assert "2023-06-01" in text and "2023-05-30" in text and "2023-06-03" not in text
