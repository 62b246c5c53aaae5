"""`/claims digest ...` from Slack: subscribing, listing, ending, explaining mistakes
(in process)."""

from __future__ import annotations

import pytest

from tests.handlers.harness import Slack, block_texts
from tests.slack_stub import to_response


def test_digest_subscription_from_slack(slack: Slack) -> None:
    slack.command("digest daily 09:00 Europe/Kyiv russian losses")
    (call,) = slack.stub.wait_for(to_response())
    shown = block_texts(call.body)
    assert shown.startswith("Subscribed. Digest ")
    assert 'to C0001: cron `0 9 * * *` in Europe/Kyiv; on "russian losses"; next ' in shown
    number = shown.split()[2]
    slack.stub.reset()
    slack.command("digest list")
    (listing,) = slack.stub.wait_for(to_response())
    assert f"Digest {number} to C0001" in block_texts(listing.body)
    slack.stub.reset()
    slack.command(f"digest off {number}")
    (ended,) = slack.stub.wait_for(to_response())
    assert block_texts(ended.body).startswith(f"Ended. Digest {number}")


def test_digest_time_zone_defaults_to_the_users(slack: Slack) -> None:
    slack.stub.user_timezones["U0001"] = "America/New_York"
    slack.command("digest weekly mon 08:30 always")
    (call,) = slack.stub.wait_for(to_response())
    shown = block_texts(call.body)
    assert "cron `30 8 * * 1` in America/New_York; on every topic; posts" in shown
    (info,) = slack.stub.calls_to("/api/users.info")
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
def test_bad_digest_commands_explain(slack: Slack, text: str, message: str) -> None:
    slack.command(text)
    (call,) = slack.stub.wait_for(to_response())
    assert message in block_texts(call.body)
