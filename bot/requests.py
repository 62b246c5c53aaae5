"""What a user typed after ``/claims``, a mention or in the console, parsed once into a request."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import available_timezones

from bot.errors import ClaimBotError

DIGEST_USAGE = (
    "Digest commands: `digest daily 09:00 [Europe/Kyiv] [always] [question]`, "
    "`digest weekly mon 09:00 [Europe/Kyiv] [always] [question]`, `digest list`, "
    "`digest off ID`, `digest resume ID`. The time zone defaults to yours; `always` posts "
    '"nothing new" rather than skipping a quiet day.'
)
ALIASES_USAGE = (
    "Proposed aliases (editors): `aliases` lists them, `aliases accept ID` and "
    "`aliases reject ID` decide one."
)


@dataclass(frozen=True, slots=True)
class Help:
    """Show how to use ClaimBot."""


@dataclass(frozen=True, slots=True)
class Topics:
    """List the topics with claims, alphabetically: those whose title or an alias contains
    ``query``, or all; a page at a time."""

    query: str | None = None
    page: int = 1


@dataclass(frozen=True, slots=True)
class Ask:
    """Answer a question about the claims; ``message``: the text is a pasted message (None:
    decided by its length)."""

    question: str
    message: bool | None = None


@dataclass(frozen=True, slots=True)
class DigestSubscribe:
    """Post a digest of new and changed claims to this channel on a schedule."""

    cron: str
    timezone: str | None
    query: str | None
    post_when_empty: bool


@dataclass(frozen=True, slots=True)
class DigestList:
    """List this channel's digests."""


@dataclass(frozen=True, slots=True)
class DigestOff:
    """End a digest."""

    subscription_id: int


@dataclass(frozen=True, slots=True)
class DigestResume:
    """Resume a paused digest."""

    subscription_id: int


@dataclass(frozen=True, slots=True)
class AddClaim:
    """Open the form for a new claim (editors)."""


@dataclass(frozen=True, slots=True)
class History:
    """Show every revision of a claim."""

    claim_id: int


@dataclass(frozen=True, slots=True)
class Chart:
    """Plot the claims on the topic a question matches."""

    question: str


@dataclass(frozen=True, slots=True)
class Aliases:
    """List the proposed aliases waiting for an editor."""


@dataclass(frozen=True, slots=True)
class DecideAlias:
    """Accept a proposed alias (it becomes one of its topic's names) or reject it (editors)."""

    proposal_id: int
    accept: bool


Request = (
    Help
    | Topics
    | Ask
    | DigestSubscribe
    | DigestList
    | DigestOff
    | DigestResume
    | AddClaim
    | History
    | Chart
    | Aliases
    | DecideAlias
)


def parse(text: str) -> Request:
    """``help`` or nothing asks for help; ``topics [QUERY] [page N]``, ``digest ...``, ``add``,
    ``history ID``, ``chart QUESTION`` and ``aliases ...`` are commands; the rest is a
    question."""
    words = text.split()
    if not words or (len(words) == 1 and words[0].casefold() in {"help", "?", "-h", "--help"}):
        return Help()
    verb = words[0].casefold()
    if verb == "digest":
        return _digest(words[1:])
    if verb == "topics":
        return _topics(words[1:])
    if verb == "aliases":
        return _aliases(words[1:])
    if verb == "chart":
        if len(words) == 1:
            raise ClaimBotError("Usage: `chart QUESTION`, e.g. `chart russian losses`.")
        return Chart(" ".join(words[1:]))
    if verb == "add" and len(words) == 1:
        return AddClaim()
    if verb == "history" and len(words) == 2:
        if not words[1].lstrip("#").isdigit():
            raise ClaimBotError("Usage: `history ID`, with the claim's number.")
        return History(int(words[1].lstrip("#")))
    return Ask(" ".join(words))


def _topics(words: list[str]) -> Topics:
    page = 1
    if len(words) >= 2 and words[-2].casefold() == "page":
        if not words[-1].isdigit() or int(words[-1]) < 1:
            raise ClaimBotError("Usage: `topics [QUERY] [page N]`, e.g. `topics refugees page 2`.")
        page = int(words[-1])
        words = words[:-2]
    return Topics(" ".join(words) or None, page)


def _aliases(words: list[str]) -> Aliases | DecideAlias:
    if not words:
        return Aliases()
    verb = words[0].casefold()
    if verb in {"accept", "reject"} and len(words) == 2 and words[1].lstrip("#").isdigit():
        return DecideAlias(int(words[1].lstrip("#")), accept=verb == "accept")
    raise ClaimBotError(ALIASES_USAGE)


def _digest(words: list[str]) -> Request:
    from bot.schedules import daily_cron, weekly_cron  # noqa: PLC0415  (croniter: digests only)

    verb = words[0].casefold() if words else ""
    if verb == "list" and len(words) == 1:
        return DigestList()
    if verb in {"off", "resume"} and len(words) == 2 and words[1].isdigit():
        number = int(words[1])
        return DigestOff(number) if verb == "off" else DigestResume(number)
    if verb == "daily" and len(words) >= 2:
        return _subscription(daily_cron(words[1]), words[2:])
    if verb == "weekly" and len(words) >= 3:
        return _subscription(weekly_cron(words[1], words[2]), words[3:])
    raise ClaimBotError(DIGEST_USAGE)


def _subscription(cron: str, rest: list[str]) -> DigestSubscribe:
    timezone = None
    if rest and (rest[0] in available_timezones() or rest[0].upper() == "UTC"):
        timezone = "UTC" if rest[0].upper() == "UTC" else rest[0]
        rest = rest[1:]
    always = bool(rest) and rest[0].casefold() == "always"
    if always:
        rest = rest[1:]
    return DigestSubscribe(cron, timezone, " ".join(rest) or None, always)
