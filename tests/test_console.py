"""Console transcripts: a line typed in, the text the bot answers, as a user reads it."""

from __future__ import annotations

import io

import pytest

from bot.core import Core
from entrypoints.console import GREETING, PROMPT, reply, run_console


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("help", "4 topics have claims: type `topics` to list them"),
        ("/claims", "Ask about a contested figure and get every side's latest claim"),
        ("@claimbot russian losses", "Russian Ministry of Defence: killed: 498 troops"),
        ("/claims best pizza recipe", 'No claims found for "best pizza recipe".'),
        ("history 1", "History of claim 1:\n* "),
        ("history x", "Usage: `history ID`, with the claim's number."),
        ("add", "Editing is done in Slack by editors, or with `claimbot import`."),
        ("chart russian losses", 'Charts: `claimbot chart "russian losses" --output chart.png`.'),
        ("digest daily 09:00", "Digests are managed with `/claims digest ...` in a channel"),
        ("digest list", "Digests are managed with `/claims digest ...` in a channel"),
        ("digest sometimes", "Digest commands: `digest daily 09:00"),
    ],
    ids=lambda value: value.split("\n")[0][:30],
)
def test_console_transcript(core: Core, line: str, expected: str) -> None:
    assert expected in reply(core, line)


def test_console_session_on_a_terminal_prompts_and_quits(core: Core) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = io.StringIO()
    run_console(core, Terminal("russian losses\n\nquit\nhelp\n"), out)
    text = out.getvalue()
    assert text.startswith(GREETING)
    assert text.count(PROMPT) == 3  # the question, the empty line, quit; help is never read
    assert "Russian military casualties in Ukraine" in text
    assert "topics have claims" not in text
