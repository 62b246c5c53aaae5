"""The local console: type what you would type in Slack, read what the bot would answer."""

from __future__ import annotations

from typing import TextIO

from bot.answers import AnswerService
from bot.commands import AddClaim, Ask, Help, History, parse
from bot.errors import ClaimBotError
from bot.render_text import render_answer, render_help

PROMPT = "you> "
GREETING = "ClaimBot console: type /claims QUESTION, @claimbot QUESTION or help; Ctrl-D to leave."
_PREFIXES = ("/claims", "@claimbot")


def reply(answers: AnswerService, line: str) -> str:
    """What the bot answers to one line typed in the console."""
    text = line.strip()
    for prefix in _PREFIXES:
        if text.casefold() == prefix or text.casefold().startswith(prefix + " "):
            text = text[len(prefix) :]
            break
    try:
        request = parse(text)
        if isinstance(request, Help):
            return render_help(answers.topics())
        if isinstance(request, Ask):
            return render_answer(answers.ask(request.question))
    except ClaimBotError as exc:
        return str(exc)
    if isinstance(request, AddClaim | History):
        return "Editing is done in Slack by editors, or with `claimbot import`."
    return "Digests post to Slack channels: manage them there or with `claimbot digest`."


def run_console(answers: AnswerService, stdin: TextIO, stdout: TextIO) -> None:
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
        if interactive and line.strip().casefold() in {"exit", "quit"}:
            return
        print(reply(answers, line), end="\n\n", file=stdout, flush=True)
