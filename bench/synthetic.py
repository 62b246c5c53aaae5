"""Realistic synthetic claim sets: topics about a tenth of claims, several aliases each, several
claimants per topic, dated series. Deterministic for a given size and seed."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from bot.matching import TopicNames

PLACES = [
    "Ukraine",
    "Russia",
    "Poland",
    "Germany",
    "Moldova",
    "Romania",
    "Hungary",
    "Slovakia",
    "Czech Republic",
    "Türkiye",
    "Syria",
    "Yemen",
    "Sudan",
    "Somalia",
    "Ethiopia",
    "Gaza",
    "Lebanon",
    "Afghanistan",
    "Myanmar",
    "Haiti",
    "Venezuela",
    "Colombia",
    "Mali",
    "Niger",
    "Nigeria",
    "Chad",
    "Libya",
    "Iraq",
    "Iran",
    "Israel",
    "Armenia",
    "Azerbaijan",
    "Georgia",
    "Belarus",
    "Kazakhstan",
    "Pakistan",
    "Bangladesh",
    "India",
    "Nepal",
    "Sri Lanka",
]
GROUPS = [
    "civilians",
    "children",
    "soldiers",
    "troops",
    "aid workers",
    "journalists",
    "refugees",
    "displaced people",
    "migrants",
    "health workers",
    "police officers",
]
MEASURES = [
    ("killed", ["deaths", "death toll", "dead"]),
    ("injured", ["wounded", "injuries"]),
    ("displaced", ["fled", "forced from home"]),
    ("detained", ["arrested", "held"]),
    ("missing", ["unaccounted for", "disappeared"]),
    ("in need of aid", ["needing assistance", "humanitarian need"]),
    ("vaccinated", ["vaccinations", "doses given"]),
    ("infected", ["cases", "infections"]),
]
CLAIMANTS = [
    "UN OCHA",
    "UNHCR",
    "WHO",
    "UNICEF",
    "IOM",
    "Red Cross",
    "Ministry of Health",
    "Ministry of Defence",
    "Ministry of Interior",
    "Amnesty International",
    "Human Rights Watch",
    "Reuters tally",
    "AP tally",
    "local authorities",
    "opposition group",
    "state media",
]


def topics(count: int, seed: int = 7) -> Iterator[tuple[str, list[str]]]:
    """``count`` distinct topics (title, aliases), in a stable order."""
    rng = random.Random(seed)
    seen: set[str] = set()
    combos = [(p, g, m) for p in PLACES for g in GROUPS for m in MEASURES]
    rng.shuffle(combos)
    year = 2014
    while len(seen) < count:
        for place, group, (measure, synonyms) in combos:
            title = f"{group.capitalize()} {measure} in {place}"
            if year > 2014:
                title += f" ({year})"
            if title in seen:
                continue
            seen.add(title)
            aliases = [f"{place} {group} {s}" for s in synonyms[:2]]
            aliases.append(f"{group} {measure} {place}")
            yield title, aliases
            if len(seen) >= count:
                return
        year += 1


def rows(claims: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """CSV rows for ``claims`` claims over ``claims // 10`` topics (at least one)."""
    rng = random.Random(seed)
    start = date(2020, 1, 1)
    topic_list = list(topics(max(claims // 10, 1), seed))
    for index in range(claims):
        title, aliases = topic_list[index % len(topic_list)]
        claimant = CLAIMANTS[(index // len(topic_list)) % len(CLAIMANTS)]
        day = start + timedelta(days=rng.randrange(0, 2000))
        yield {
            "external_id": f"synthetic-{index}",
            "topic": title,
            "topic_aliases": ";".join(aliases),
            "claimant": claimant,
            "outlet": rng.choice(["Reuters", "AP", "AFP", "BBC", "Al Jazeera", "ReliefWeb"]),
            "source_url": f"https://example.org/report/{index}",
            "claimed_on": day.isoformat(),
            "metric": title.split(" in ")[0].lower(),
            "value": str(rng.randrange(10, 2_000_000)),
            "unit": "people",
            "verification": rng.choice(["unverified", "unverified", "disputed", "corroborated"]),
            "caveat": "Synthetic benchmark claim.",
        }


def topic_names(claims: int) -> list[TopicNames]:
    """The topics of the synthetic rows as the matcher sees them, made without a database."""
    aliases: dict[str, tuple[str, ...]] = {}
    claimants: dict[str, set[str]] = defaultdict(set)
    metrics: dict[str, set[str]] = defaultdict(set)
    for row in rows(claims):
        aliases[row["topic"]] = tuple(row["topic_aliases"].split(";"))
        claimants[row["topic"]].add(row["claimant"])
        metrics[row["topic"]].add(row["metric"])
    return [
        TopicNames(i, title, aliases[title], tuple(sorted(claimants[title])), tuple(metrics[title]))
        for i, title in enumerate(aliases, 1)
    ]


def write_csv(path: Path, claims: int, seed: int = 7) -> Path:
    """A CSV file of ``claims`` synthetic claims in ClaimBot's documented header."""
    fields = [
        "external_id",
        "topic",
        "topic_aliases",
        "claimant",
        "outlet",
        "source_url",
        "claimed_on",
        "metric",
        "value",
        "unit",
        "verification",
        "caveat",
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows(claims, seed))
    return path
