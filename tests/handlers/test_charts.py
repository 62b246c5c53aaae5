"""Charts from Slack: `/claims chart`, a chart mention in a thread, uploads (in process)."""

from __future__ import annotations

from tests.handlers.harness import Slack, block_texts, uploads_completed
from tests.slack_stub import BOT_USER_ID, Scripted, mention_event, to_response


def test_chart_command_uploads_a_png_to_the_channel(slack: Slack) -> None:
    status, _ = slack.command("chart conscript share")
    assert status == 200
    (complete,) = slack.stub.wait_for(uploads_completed)
    assert complete.body["channel_id"] == "C0001"
    assert "thread_ts" not in complete.body
    assert "Share of conscripts in the Russian military" in complete.body["initial_comment"]
    (png,) = slack.stub.uploads.values()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert slack.stub.calls_to("/response/r1") == []


def test_chart_mention_in_a_thread_uploads_into_the_thread(slack: Slack) -> None:
    slack.event(
        mention_event(f"<@{BOT_USER_ID}> chart russian losses", "1700000200.2", "1700000200.1"),
        "EvC1",
    )
    (complete,) = slack.stub.wait_for(uploads_completed)
    assert (complete.body["channel_id"], complete.body["thread_ts"]) == ("C0001", "1700000200.1")


def test_chart_without_a_match_gives_the_usual_answer(slack: Slack) -> None:
    slack.command("chart best pizza recipe")
    (call,) = slack.stub.wait_for(to_response())
    assert "No claims found for “best pizza recipe”." in block_texts(call.body)
    assert slack.stub.calls_to("/api/files.getUploadURLExternal") == []


def test_chart_where_the_bot_is_not_a_member_explains(slack: Slack) -> None:
    slack.stub.script(
        "/api/files.completeUploadExternal", Scripted(200, {"ok": False, "error": "not_in_channel"})
    )
    slack.command("chart conscript share")
    (call,) = slack.stub.wait_for(to_response())
    assert "invite me" in block_texts(call.body)
