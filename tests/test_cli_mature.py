"""The command line as a mature tool: one sentence for every failure, usage errors exit 2, a
failed digest post exits 1, previews without Slack, helpful import errors, chart formats by
suffix, export progress on a terminal only, --version, no stray database file, and a console
with line editing and history."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.core import Core
from bot.dispatch import Caller, Notice, respond
from entrypoints.cli import cli
from entrypoints.console import GREETING, history_path, line_editing
from tests.slack_stub import Scripted, SlackStub


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def claimbot(database_url: str, *args: str, **env: str) -> Ran:
    """``claimbot ARGS`` in process with ``DATABASE_URL`` set, no Slack settings but ``env``."""
    environment: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SLACK_")}
    environment.update(env)
    environment["DATABASE_URL"] = database_url
    result = CliRunner().invoke(cli, list(args), env=environment, prog_name="claimbot")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def seeded(database_url: str) -> str:
    assert claimbot(database_url, "init").returncode == 0
    return database_url


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


# One sentence, never a traceback ---------------------------------------------------------------


def test_export_to_a_missing_folder_is_one_sentence(seeded: str, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "x.json"
    result = claimbot(seeded, "export", "--output", str(target))
    assert result.returncode == 1
    assert one_sentence(result.stderr) == (
        f"Error: Cannot write {target}: No such file or directory."
    )


def test_chart_to_a_missing_folder_is_one_sentence(seeded: str, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "x.png"
    result = claimbot(seeded, "chart", "russian losses", "--output", str(target))
    assert result.returncode == 1
    assert "Cannot write" in one_sentence(result.stderr)


def test_serve_http_with_slack_unreachable_is_one_sentence(seeded: str) -> None:
    result = claimbot(
        seeded,
        "serve",
        "--http",
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef",
        SLACK_API_URL="http://127.0.0.1:9/api/",
    )
    assert result.returncode == 1
    sentence = one_sentence(result.stderr)
    assert sentence.startswith("Error: Could not check SLACK_BOT_TOKEN with Slack at SLACK_API_URL")
    assert "http://127.0.0.1:9/api/" in sentence


# Usage errors exit 2 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--cron", "every day"), "'every day' is not a cron expression"),
        (("--cron", "0 9 * * *", "--tz", "Mars/Olympus"), "'Mars/Olympus' is not a time zone"),
        (
            ("--cron", "0 9 * * *", "--query", "best pizza recipe"),
            '"best pizza recipe" matches no topic, so its digest would always be empty.',
        ),
    ],
)
def test_bad_digest_subscriptions_are_usage_errors(
    seeded: str, args: tuple[str, ...], message: str
) -> None:
    result = claimbot(seeded, "digest", "subscribe", "--channel", "C0001", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert claimbot(seeded, "digest", "list").stdout.strip() == "No digests."


def test_a_digest_query_matching_nothing_names_close_topics(seeded: str) -> None:
    result = claimbot(
        seeded, "digest", "subscribe", "--channel", "C1", "--cron", "0 9 * * *",
        "--query", "refugees in australia",
    )  # fmt: skip
    assert result.returncode == 2
    assert "Closest topics: Refugees from Ukraine." in result.stderr
    assert "`claimbot topics WORDS`" in result.stderr


def test_the_slack_digest_command_refuses_a_query_matching_nothing(core: Core) -> None:
    answer = respond(core, "digest daily 09:00 UTC best pizza recipe", Caller("U1", "C1"))
    assert isinstance(answer, Notice)
    assert "matches no topic" in answer.text
    assert core.digests.subscriptions() == []


# Digests: send-due, list, preview --------------------------------------------------------------


def subscribe_every_minute(database_url: str) -> None:
    subscribed = claimbot(
        database_url, "digest", "subscribe", "--channel", "C0001", "--cron", "* * * * *",
        "--post-when-empty",
    )  # fmt: skip
    assert subscribed.returncode == 0, subscribed.stderr


def later() -> str:
    return (datetime.now(UTC) + timedelta(minutes=3)).isoformat()


def test_send_due_exits_1_when_a_post_failed(seeded: str, stub: SlackStub) -> None:
    subscribe_every_minute(seeded)
    stub.script("/api/chat.postMessage", Scripted(200, {"ok": False, "error": "channel_not_found"}))
    slack = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": f"{stub.url}/api/"}
    result = claimbot(seeded, "digest", "send-due", "--now", later(), **slack)
    assert result.returncode == 1
    assert "failed" in result.stdout
    assert one_sentence(result.stderr) == (
        "Error: 1 digest could not be posted; the next run tries again."
    )


def test_digest_list_shows_when_it_was_last_sent(seeded: str, stub: SlackStub) -> None:
    subscribe_every_minute(seeded)
    assert "last sent" not in claimbot(seeded, "digest", "list").stdout
    slack = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": f"{stub.url}/api/"}
    sent = claimbot(seeded, "digest", "send-due", "--now", later(), **slack)
    assert sent.returncode == 0, sent.stderr
    assert ": sent," in sent.stdout
    assert "; last sent " in claimbot(seeded, "digest", "list").stdout


def test_digest_preview_needs_no_slack(seeded: str, tmp_path: Path) -> None:
    subscribe_every_minute(seeded)
    assert claimbot(seeded, "digest", "preview", "1").stdout.startswith(
        "Nothing new or changed since "
    )
    new = tmp_path / "new.json"
    new.write_text(
        json.dumps(
            {
                "claims": [
                    {
                        "topic": "Refugees from Ukraine",
                        "claimant": "UNHCR",
                        "claimed_on": "2022-03-10",
                        "figures": [{"metric": "refugees", "value": 2500000}],
                    }
                ]
            }
        )
    )
    assert claimbot(seeded, "import", str(new)).returncode == 0
    preview = claimbot(seeded, "digest", "preview", "1")
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.startswith("New and changed claims: 1 claim since ")
    assert "Refugees from Ukraine\n* New: UNHCR: refugees: 2,500,000" in preview.stdout
    # previewing posts nothing: the digest still covers the claim
    assert "1 claim since" in claimbot(seeded, "digest", "preview", "1").stdout
    missing = claimbot(seeded, "digest", "preview", "99")
    assert missing.returncode == 1
    assert one_sentence(missing.stderr) == "Error: There is no digest 99."


# Imports that say what to do -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "empty.csv is empty: there is nothing to import."),
        ("blank.csv", "\ufeff\n\n", "blank.csv is empty: there is nothing to import."),
        (
            "quote.csv",
            'topic,claimant,claimed_on,quote\nA,B,2024-01-01,"never closed\nC,D,2024-01-02,x\n',
            'quote.csv has a quote (") that is never closed',
        ),
        (
            "review.json",
            json.dumps([{"@type": "ClaimReview", "claimReviewed": "x"}]),
            "review.json looks like schema.org ClaimReview: add --format claimreview.",
        ),
        (
            "graph.json",
            json.dumps({"@graph": [{"@type": "ClaimReview"}]}),
            "graph.json looks like schema.org ClaimReview: add --format claimreview.",
        ),
        (
            "losses.json",
            json.dumps([{"date": "2022-02-25", "day": 2, "personnel": 2800}]),
            "losses.json looks like the General Staff's daily losses series: "
            "add --format ukraine-losses.",
        ),
    ],
)
def test_import_errors_say_what_to_do(
    seeded: str, tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = claimbot(seeded, "import", str(path))
    assert result.returncode == 1
    assert message in one_sentence(result.stderr)


def test_general_staff_file_imports_with_its_format(seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "losses.json"
    path.write_text(json.dumps([{"date": "2022-02-25", "day": 2, "personnel": 2800}]))
    result = claimbot(seeded, "import", str(path), "--format", "ukraine-losses")
    assert result.returncode == 0, result.stderr


# Charts by suffix ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "magic"),
    [(".png", b"\x89PNG"), (".jpg", b"\xff\xd8\xff"), (".JPEG", b"\xff\xd8\xff"),
     (".svg", b"<?xml"), (".pdf", b"%PDF")],
)  # fmt: skip
def test_chart_format_follows_the_suffix(
    seeded: str, tmp_path: Path, suffix: str, magic: bytes
) -> None:
    target = tmp_path / f"chart{suffix}"
    result = claimbot(seeded, "chart", "russian losses", "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(magic)


def test_chart_refuses_an_unknown_suffix(seeded: str, tmp_path: Path) -> None:
    target = tmp_path / "chart.gif"
    result = claimbot(seeded, "chart", "russian losses", "--output", str(target))
    assert result.returncode == 2
    assert "'chart.gif' must end in one of .png, .jpg, .jpeg, .svg, .pdf." in result.stderr
    assert not target.exists()


# Export progress, --version, no stray database ------------------------------------------------


def export_process(database_url: str, output: Path, *, terminal: bool) -> str:
    """Run ``claimbot export --output`` as a process; its stderr (a terminal when asked)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "entrypoints", "export", "--output", str(output)]
    if not terminal:
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=60, check=True
        )
        return done.stderr
    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=secondary, env=env)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
    finally:
        os.close(main)
    return b"".join(chunks).decode()


def test_export_shows_progress_on_a_terminal_only(seeded: str, tmp_path: Path) -> None:
    on_terminal = export_process(seeded, tmp_path / "a.json", terminal=True)
    assert "Exporting" in on_terminal
    assert "100%" in on_terminal
    piped = export_process(seeded, tmp_path / "b.json", terminal=False)
    assert "Exporting" not in piped
    assert piped.strip() == f"Exported to {tmp_path / 'b.json'}."
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()


def test_version(tmp_path: Path) -> None:
    result = claimbot(f"sqlite:///{tmp_path / 'x.db'}", "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"claimbot, version {version('claimbot')}"
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    "args", [("ask", "russian losses"), ("topics",), ("export",), ("digest", "list")]
)
def test_no_database_file_is_created_by_reading(tmp_path: Path, args: tuple[str, ...]) -> None:
    nope = tmp_path / "nope.db"
    result = claimbot(f"sqlite:///{nope}", *args)
    assert result.returncode == 1
    assert one_sentence(result.stderr) == (
        f"Error: There is no database at {nope}; run `claimbot init`."
    )
    assert not nope.exists()
    assert claimbot(f"sqlite:///{nope}", "init").returncode == 0
    assert nope.exists()


# The console -----------------------------------------------------------------------------------


def test_console_greeting_documents_quit_and_topics() -> None:
    assert "type quit (or press Ctrl-D) to leave" in GREETING
    assert "topics" in GREETING


def test_console_history_lives_in_the_xdg_state_dir_or_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert history_path() == tmp_path / "state" / "claimbot" / "history"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert history_path() == tmp_path / ".claimbot_history"


def test_console_history_is_kept_across_sessions(tmp_path: Path) -> None:
    readline = pytest.importorskip("readline")
    path = tmp_path / "state" / "claimbot" / "history"
    readline.clear_history()
    save = line_editing(path)
    assert save is not None
    readline.add_history("/claims russian losses")
    save()
    assert "/claims russian losses" in path.read_text()
    readline.clear_history()
    assert line_editing(path) is not None
    assert readline.get_history_item(readline.get_current_history_length()) == (
        "/claims russian losses"
    )
    readline.clear_history()


def test_serve_http_with_slack_unreachable_prints_one_line_as_a_process(seeded: str) -> None:
    """Only a process shows what logging adds: no retry log, no Bolt notice, one sentence."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        DATABASE_URL=seeded,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef",
        SLACK_API_URL="http://127.0.0.1:9/api/",
    )
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints", "serve", "--http"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "SLACK_API_URL http://127.0.0.1:9/api/" in one_sentence(done.stderr)


def test_batch_of_text_that_is_not_utf8_is_one_sentence(core: Core) -> None:
    result = CliRunner().invoke(
        cli,
        ["ask", "--batch", "-"],
        input=b"\xff\n",
        env={"DATABASE_URL": core.settings.database_url},
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: The input is not UTF-8 text (byte 0); save it as UTF-8."
