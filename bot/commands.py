"""What a user typed after ``/claims`` or a mention, parsed into a request for the core."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Help:
    """Show how to use ClaimBot."""


@dataclass(frozen=True, slots=True)
class Ask:
    """Answer a question about the claims."""

    question: str


Request = Help | Ask


def parse(text: str) -> Request:
    """``help`` or nothing asks for help; anything else is a question."""
    question = " ".join(text.split())
    if question.casefold() in {"", "help", "?", "-h", "--help"}:
        return Help()
    return Ask(question)
