"""What a team might use instead of ClaimBot's matcher, on the same topics and questions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process, utils

from bot.matching import TopicNames

#: The plain cut-off for the second baseline: WRatio's conventional "good match".
WRATIO_CUTOFF = 80.0


def wratio(
    topics: Sequence[TopicNames], cutoff: float | None = None
) -> Callable[[str], str | None]:
    """rapidfuzz ``process.extractOne`` with ``WRatio`` over every title and alias; with a
    cut-off, a best score below it is "no match"."""
    names: list[str] = []
    owners: list[str] = []
    for topic in topics:
        for name in (topic.title, *topic.aliases):
            names.append(name)
            owners.append(topic.title)

    def best(question: str) -> str | None:
        found = process.extractOne(
            question,
            names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=cutoff or 0,
        )
        return owners[found[2]] if found else None

    return best
