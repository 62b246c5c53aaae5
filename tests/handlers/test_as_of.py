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


def test_more_claims_keeps_the_moment(slack: Slack) -> None:
    many = [
        {
            "topic": "Shelters in Kharkiv",
            "claimant": f"Claimant {i:02d}",
            "claimed_on": "2023-05-01" if i < 30 else "2023-07-01",
            "figures": [{"metric": "shelters", "value": 100 + i}],
            "quote": "A long statement. " * 30,
        }
        for i in range(31)
    ]
    slack.add_claims(*many)
    assert slack.command("shelters in kharkiv as of 1 June 2023", "m")[0] == 200
    (first,) = slack.stub.wait_for(to_response("m"))
    (more,) = [b for b in buttons(first.body) if b["action_id"].startswith("more_claims_")]
    assert json.loads(more["value"])["when"] == "as of 1 June 2023"
    pages = [first.body]
    while more:
        slack.stub.reset()
        assert slack.interaction(block_actions(slack, more["action_id"], more["value"]))[0] == 200
        (page,) = slack.stub.wait_for(to_response("button"))
        pages.append(page.body)
        found = [b for b in buttons(page.body) if b["action_id"].startswith("more_claims_")]
        more = found[0] if found else {}
    shown = json.dumps(pages)
    assert all(f"Claimant {i:02d}" in shown for i in range(30))
    assert "*Claimant 30*" not in shown  # its only claim came after 1 June 2023
    assert "No claim by then: Claimant 30." in shown
