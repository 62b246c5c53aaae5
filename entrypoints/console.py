"""The local console: type what you would type in Slack, read what the bot would answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from bot.answers import Answer
from bot.core import Core
from bot.dispatch import (
    Caller,
    ChartReply,
    HelpReply,
    Notice,
    OpenClaimForm,
    TopicsReply,
    respond,
)
from bot.render_text import render_answer, render_help, render_topics

PROMPT = "you> "
GREETING = (
    "ClaimBot console: type /claims QUESTION, @claimbot QUESTION or help; quit or Ctrl-D to leave."
)
_PREFIXES = ("/claims", "@claimbot")
#: Whoever runs the console owns the database; digests have no channel here.
CONSOLE = Caller(user="console", editor=True)

_SHOWN: dict[type[Any], Callable[[Any], str]] = {
    Answer: render_answer,
    HelpReply: lambda help_reply: render_help(help_reply.topic_count),
    TopicsReply: lambda topics: render_topics(topics.page),
    Notice: lambda notice: notice.text,
    OpenClaimForm: lambda _: "Editing is done in Slack by editors, or with `claimbot import`.",
    ChartReply: lambda chart: f'Charts: `claimbot chart "{chart.question}" --output chart.png`.',
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


def run_console(core: Core, stdin: TextIO, stdout: TextIO) -> None:
    """Answer each line; prompt on a terminal, answer and exit at end of input otherwise."""
    interactive = stdin.isatty()
    if interactive:
        print(GREETING, file=stdout)
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
