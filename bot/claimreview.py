"""schema.org ClaimReview (JSON-LD) in and out.

In: a single object, an array, or a ``@graph``. ``itemReviewed`` (a Claim) gives the claimant
(``author``), the date (``datePublished``) and where it appeared (``appearance`` or
``firstAppearance``: URL and publisher); ``claimReviewed`` is the quote; ``reviewRating``
(``alternateName``, else ``ratingValue`` between ``worstRating`` and ``bestRating``) gives the
verification status; the review's ``author`` and ``url`` go into the verification note; the
review's ``url`` keys the claim, so importing it again updates rather than duplicates.

Out: one ClaimReview per claim. The topic and its aliases go in ``about``; what schema.org has
no term for (figures with what each counts, its basis and coverage; the date figures refer to;
the source a claim cites; caveat; retirement) goes in terms of ClaimBot's own namespace
(``claimbot:figures``, ``claimbot:asOf``, ``claimbot:cites``, ...), so an export imports back
unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from pydantic import ValidationError

from bot.answers import FigureView
from bot.errors import ClaimBotError
from bot.formatting import format_date
from bot.models import Verification
from bot.records import ClaimRecord, describe, unique_keys

NAMESPACE = "https://claimbot.dev/ns#"
CONTEXT = ["https://schema.org", {"claimbot": NAMESPACE}]

#: Verification as a 1 (worst) to 5 (best) rating, and the label exported with it.
RATINGS = {
    Verification.FALSE: (1, "False"),
    Verification.DISPUTED: (2, "Disputed"),
    Verification.UNVERIFIED: (3, "Unverified"),
    Verification.CORROBORATED: (4, "Corroborated"),
    Verification.VERIFIED: (5, "Verified"),
}
#: Fact-checkers' words, checked in order (the first that occurs in the label wins).
LABEL_WORDS = [
    ("mostly true", Verification.CORROBORATED),
    ("corroborated", Verification.CORROBORATED),
    ("unverified", Verification.UNVERIFIED),
    ("unproven", Verification.UNVERIFIED),
    ("no evidence", Verification.UNVERIFIED),
    ("disputed", Verification.DISPUTED),
    ("misleading", Verification.DISPUTED),
    ("half", Verification.DISPUTED),
    ("mixed", Verification.DISPUTED),
    ("mostly false", Verification.DISPUTED),
    ("exaggerat", Verification.DISPUTED),
    ("context", Verification.DISPUTED),
    ("false", Verification.FALSE),
    ("pants on fire", Verification.FALSE),
    ("fake", Verification.FALSE),
    ("incorrect", Verification.FALSE),
    ("verified", Verification.VERIFIED),
    ("true", Verification.VERIFIED),
    ("correct", Verification.VERIFIED),
    ("accurate", Verification.VERIFIED),
]


def parse_claimreview(items: Iterable[Any]) -> Iterator[ClaimRecord]:
    """Claims from ClaimReview JSON-LD items (each an object, an array or a ``@graph``), one
    review at a time; the error names the review's index and field."""
    return unique_keys(enumerate(_records(items)), "ClaimReviews")


def _records(items: Iterable[Any]) -> Iterator[ClaimRecord]:
    found = False
    for index, review in enumerate(review for item in items for review in _reviews(item)):
        found = True
        try:
            yield ClaimRecord.model_validate(_record(review))
        except ValidationError as exc:
            raise ClaimBotError(f"ClaimReview {index}: {describe(exc)}") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise ClaimBotError(f"ClaimReview {index}: {exc}") from exc
    if not found:
        raise ClaimBotError("No ClaimReview objects found (expected @type ClaimReview).")


def _reviews(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [r for item in data for r in _reviews(item)]
    if not isinstance(data, dict):
        return []
    if "@graph" in data:
        return _reviews(data["@graph"])
    types = data.get("@type")
    return (
        [data]
        if types == "ClaimReview" or (isinstance(types, list) and "ClaimReview" in types)
        else []
    )


def _name(thing: Any) -> str | None:
    if isinstance(thing, list):
        thing = thing[0] if thing else None
    if isinstance(thing, dict):
        return thing.get("name")
    return thing if isinstance(thing, str) else None


def _first(thing: Any) -> dict[str, Any]:
    if isinstance(thing, list):
        thing = thing[0] if thing else {}
    if isinstance(thing, str):
        return {"url": thing}
    return thing if isinstance(thing, dict) else {}


def _day(text: Any) -> str | None:
    return str(text)[:10] if text else None


def verification_of(rating: dict[str, Any]) -> Verification:
    """A review rating as a verification status."""
    label = str(rating.get("alternateName") or "").casefold()
    for words, status in LABEL_WORDS:
        if words in label:
            return status
    try:
        value = float(rating["ratingValue"])
        best = float(rating.get("bestRating", 5))
        worst = float(rating.get("worstRating", 1))
    except (KeyError, TypeError, ValueError):
        return Verification.UNVERIFIED
    for name, number in (("ratingValue", value), ("bestRating", best), ("worstRating", worst)):
        if not math.isfinite(number):
            raise ValueError(
                f"field 'reviewRating.{name}': {rating[name]!r} is not a finite number."
            )
    share = (value - worst) / (best - worst) if best != worst else 0.5
    if not math.isfinite(share):
        raise ValueError(f"field 'reviewRating.ratingValue': {value!r} is out of range.")
    steps = [
        Verification.FALSE,
        Verification.DISPUTED,
        Verification.UNVERIFIED,
        Verification.CORROBORATED,
        Verification.VERIFIED,
    ]
    return steps[min(max(round(share * 4), 0), 4)]


def _record(review: dict[str, Any]) -> dict[str, Any]:
    claim = _first(review.get("itemReviewed"))
    appearance = _first(claim.get("appearance") or claim.get("firstAppearance"))
    rating = _first(review.get("reviewRating"))
    quote = review.get("claimReviewed")
    reviewer = _name(review.get("author"))
    label = rating.get("alternateName")
    note_parts = [f"Rated “{label}”" if label else "Reviewed"]
    if reviewer:
        note_parts.append(f"by {reviewer}")
    if review.get("url"):
        note_parts.append(f"({review['url']})")
    return {
        "external_id": review.get("identifier") or review.get("url"),
        "topic": _name(review.get("about")) or (quote or "")[:300],
        "claimant": _name(claim.get("author")),
        "outlet": _name(appearance.get("publisher")) or _name(appearance.get("author")),
        "source_url": appearance.get("url"),
        "claimed_on": _day(claim.get("datePublished")) or _day(review.get("datePublished")),
        "figures": claim.get("claimbot:figures") or [],
        "quote": None if review.get("claimbot:quoteless") else quote,
        "verification": verification_of(rating),
        "verification_note": (
            rating.get("ratingExplanation") or None
            if "ratingExplanation" in rating
            else " ".join(note_parts)
        ),
        "caveat": review.get("claimbot:caveat"),
        "topic_aliases": _aliases(review.get("about")),
        "as_of": claim.get("claimbot:asOf"),
        "cites": claim.get("claimbot:cites"),
        "retired_reason": review.get("claimbot:retiredReason"),
    }


def _aliases(about: Any) -> list[str]:
    names = about.get("alternateName") if isinstance(about, dict) else None
    if isinstance(names, str):
        return [names]
    return [n for n in names or [] if isinstance(n, str)]


def to_claimreview(record: ClaimRecord, reviewer: str, reviewed_on: date) -> dict[str, Any]:
    """A claim as a ClaimReview by ``reviewer``."""
    value, label = RATINGS[record.verification]
    figures = "; ".join(
        f"{f.metric}: {_amount(f.value, f.value_high, f.unit)}" for f in record.figures
    )
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if record.source_url:
        appearance["url"] = record.source_url
    if record.outlet:
        appearance["publisher"] = {"@type": "Organization", "name": record.outlet}
    item: dict[str, Any] = {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": record.claimant},
        "datePublished": record.claimed_on.isoformat(),
        "appearance": appearance,
    }
    if record.as_of:
        item["claimbot:asOf"] = record.as_of.isoformat()
    if record.cites:
        item["claimbot:cites"] = record.cites
    if record.figures:
        item["claimbot:figures"] = [
            f.model_dump(mode="json", exclude_none=True) for f in record.figures
        ]
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "datePublished": reviewed_on.isoformat(),
        "about": {
            "@type": "Thing",
            "name": record.topic,
            "alternateName": list(record.topic_aliases),
        },
        "claimReviewed": record.quote
        or f"{record.claimant}, {format_date(record.claimed_on)}: {figures}",
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": reviewer},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": label,
            "ratingExplanation": record.verification_note or "",
        },
    }
    if not record.quote:
        review["claimbot:quoteless"] = True
    if record.external_id:
        review["identifier"] = record.external_id
    if record.caveat:
        review["claimbot:caveat"] = record.caveat
    if record.retired_reason:
        review["claimbot:retiredReason"] = record.retired_reason
    return review


def _amount(value: float, high: float | None, unit: str | None) -> str:
    return FigureView("", value, high, unit).amount
