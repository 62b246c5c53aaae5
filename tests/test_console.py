"""Console transcripts: a line typed in, the text the bot answers, as a user reads it."""

from __future__ import annotations

import io

import pytest

from bot.core import Core
from bot.records import ClaimRecord
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


def test_console_reviews_proposed_aliases(core: Core) -> None:
    assert reply(core, "aliases") == "No proposed aliases are waiting."
    core.learning.picked("zorblax exodus", "Refugees from Ukraine", "slack:U0002")
    (proposal,) = core.learning.pending().proposals
    listing = reply(core, "/claims aliases")
    assert f'[{proposal.id}] "zorblax exodus" -> Refugees from Ukraine: picked once' in listing
    assert "Accept one with `aliases accept ID`, reject it with `aliases reject ID`." in listing
    assert reply(core, f"aliases accept {proposal.id}") == (
        "Accepted: “zorblax exodus” is now an alias of “Refugees from Ukraine”."
    )
    assert core.learning.pending().total == 0
    assert reply(core, f"aliases reject {proposal.id}").endswith("already accepted by console.")
    assert reply(core, "aliases maybe 1").startswith("Proposed aliases (editors): `aliases`")
    assert "Refugees from Ukraine" in reply(core, "zorblax exodus")


def test_console_shows_what_figures_count_and_lists_the_outlets_repeating_a_source(
    core: Core,
) -> None:
    core.editing.import_records(
        [
            ClaimRecord.model_validate(
                {
                    "topic": "Russian military casualties in Ukraine",
                    "claimant": "TASS",
                    "outlet": "TASS",
                    "cites": "Russian Ministry of Defence",
                    "claimed_on": "2022-03-02",
                    "figures": [
                        {"metric": "killed", "value": 498, "unit": "troops", "counts": "killed"},
                        {"metric": "wounded", "value": 1597, "unit": "troops", "counts": "wounded"},
                    ],
                }
            )
        ],
        "test",
    )
    text = reply(core, "/claims russian losses")
    assert "These figures count different things: Russian Ministry of Defence counts" in text
    assert "Citing Russian Ministry of Defence: repeated by 2 outlets.\n" in text
    assert "\n  - TASS, 2 March 2022\n" in text and "\n  - RIA Novosti, 2 March 2022\n" in text
