"""The local console: type what you would type in Slack, read what the bot would answer."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.answers import Answer
from bot.core import Core
from bot.dispatch import (
    AliasesReply,
    Caller,
    ChartReply,
    HelpReply,
    Notice,
    OpenClaimForm,
    TopicsReply,
    respond,
)
from bot.render_text import render_answer, render_help, render_proposals, render_topics

PROMPT = "you> "
GREETING = (
    "ClaimBot console: type /claims QUESTION, @claimbot QUESTION, topics or help; "
    "type quit (or press Ctrl-D) to leave."
)
#: How many earlier lines the console remembers across sessions.
HISTORY_LENGTH = 1000
_PREFIXES = ("/claims", "@claimbot")
#: Whoever runs the console owns the database; digests have no channel here.
CONSOLE = Caller(editor=True, surface="console")

_SHOWN: dict[type[Any], Callable[[Any], str]] = {
    Answer: lambda answer: render_answer(answer, outlets=True),
    HelpReply: lambda help_reply: render_help(help_reply.topic_count),
    TopicsReply: lambda topics: render_topics(topics.page),
    Notice: lambda notice: notice.text,
    OpenClaimForm: lambda _: "Editing is done in Slack by editors, or with `claimbot import`.",
    ChartReply: lambda chart: f'Charts: `claimbot chart "{chart.question}" --output chart.png`.',
    AliasesReply: lambda aliases: render_proposals(aliases.page),
}


def reply(core: Core, line: str) -> str:
    """What the bot answers to one line typed in the console."""
    text = line.strip()
    for prefix in _PREFIXES:
        if text.casefold() == prefix or text.casefold().startswith(prefix + " "):
            text = text[len(prefix) :]
            break
    answer = respond(core, text, CONSOLE)
    return _SHOWN[type(answer)](answer)


def history_path() -> Path:
    """Where the console keeps the lines typed: ``$XDG_STATE_HOME/claimbot/history`` when
    XDG_STATE_HOME is set, else ``~/.claimbot_history``."""
    state = os.environ.get("XDG_STATE_HOME")
    if state:
        return Path(state) / "claimbot" / "history"
    return Path.home() / ".claimbot_history"


def line_editing(path: Path) -> Callable[[], None] | None:
    """Turn on readline's line editing and history (kept in ``path``); the function that saves
    the history, or None where readline is not available."""
    try:
        import readline  # noqa: PLC0415 (only an interactive console needs it)
    except ImportError:
        return None
    readline.set_history_length(HISTORY_LENGTH)
    with contextlib.suppress(OSError):  # no history yet, or an unreadable one: start afresh
        readline.read_history_file(path)

    def save() -> None:
        with contextlib.suppress(OSError):  # a convenience: never fail the console over it
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)

    return save


def run_console(core: Core, stdin: TextIO, stdout: TextIO) -> None:
    """Answer each line; prompt on a terminal, answer and exit at end of input otherwise. On
    the process's own terminal, lines can be edited and earlier ones recalled (readline)."""
    interactive = stdin.isatty()
    if interactive:
        print(GREETING, file=stdout)
    if interactive and stdin is sys.stdin and stdout is sys.stdout:
        _edited_session(core)
        return
    while True:
        if interactive:
            print(PROMPT, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            if interactive:
                print(file=stdout)
            return
        if not line.strip():
            continue
        if line.strip().casefold() in {"exit", "quit"}:
            return
        print(reply(core, line), end="\n\n", file=stdout, flush=True)


def _edited_session(core: Core) -> None:
    """The console on a terminal, with readline's editing and a history kept across sessions."""
    save = line_editing(history_path())
    try:
        while True:
            try:
                line = input(PROMPT)
            except EOFError:
                print()
                return
            if not line.strip():
                continue
            if line.strip().casefold() in {"exit", "quit"}:
                return
            print(reply(core, line), end="\n\n", flush=True)
    finally:
        if save:
            save()
