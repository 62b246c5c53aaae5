"""The JSON exchange format (version 1): validation on the way in, one record per claim.

A file is ``{"claims": [record, ...]}``; see the README's "Data format" section.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.errors import ClaimBotError
from bot.models import Basis, Verification

FORMAT_VERSION = 1
#: The longest quote, caveat, verification note or retirement reason: what a Slack form's text
#: input holds, so that every claim can be edited there.
MAX_TEXT = 3000
LONG_TEXT_FIELDS = ("quote", "caveat", "verification_note", "retired_reason")


def stored_context(fields: Iterable[str] = LONG_TEXT_FIELDS) -> dict[str, Any]:
    """Validation context for values read back from the database: these fields may be longer
    than :data:`MAX_TEXT` (stored before the limit existed); new text never may."""
    return {"stored": frozenset(fields)}


class FigureRecord(BaseModel):
    """A number in a claim: ``value``, or the range ``value``–``value_high``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str = Field(min_length=1, max_length=200)
    value: float = Field(allow_inf_nan=False)
    value_high: float | None = Field(default=None, allow_inf_nan=False)
    unit: str | None = Field(default=None, max_length=50)
    #: What the figure counts: the key of a figure kind ("killed_and_wounded").
    counts: str | None = Field(default=None, max_length=50, pattern=r"^[a-z0-9_]+$")
    basis: Basis | None = None
    #: The span and place the figure covers.
    coverage_from: date | None = None
    coverage_to: date | None = None
    area: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _range_is_ordered(self) -> Self:
        if self.value_high is not None and self.value_high < self.value:
            raise ValueError("value_high must not be below value")
        if self.coverage_from and self.coverage_to and self.coverage_to < self.coverage_from:
            raise ValueError("coverage_to must not be before coverage_from")
        return self


class ClaimRecord(BaseModel):
    """One claim as it is imported and exported."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    topic: str = Field(min_length=1, max_length=300)
    topic_aliases: tuple[str, ...] = ()
    claimant: str = Field(min_length=1, max_length=300)
    outlet: str | None = Field(default=None, max_length=300)
    source_url: str | None = Field(default=None, max_length=2000)
    claimed_on: date
    as_of: date | None = None
    figures: tuple[FigureRecord, ...] = ()
    verification: Verification = Verification.UNVERIFIED
    verification_note: str | None = None
    caveat: str | None = None
    quote: str | None = None
    #: The upstream source the claim cites ("Russian Ministry of Defence").
    cites: str | None = Field(default=None, max_length=300)
    external_id: str | None = Field(default=None, max_length=300)
    retired_reason: str | None = None

    @field_validator("topic_aliases")
    @classmethod
    def _aliases_not_blank(cls, aliases: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(a.strip() for a in aliases)
        if any(not a or len(a) > 300 for a in cleaned):
            raise ValueError("aliases must be non-empty and at most 300 characters")
        return cleaned

    @field_validator(*LONG_TEXT_FIELDS)
    @classmethod
    def _text_fits(cls, text: str | None, info: ValidationInfo) -> str | None:
        exempt = (info.context or {}).get("stored", ())
        if text and len(text) > MAX_TEXT and info.field_name not in exempt:
            raise PydanticCustomError(
                "string_too_long",
                "String should have at most {max_length} characters, not {length}",
                {"max_length": MAX_TEXT, "length": len(text)},
            )
        return text

    @field_validator("source_url")
    @classmethod
    def _url_is_web(cls, url: str | None) -> str | None:
        if url and not url.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return url or None

    @model_validator(mode="after")
    def _has_substance(self) -> Self:
        if not self.figures and not self.quote:
            raise ValueError("a claim needs figures or a quote")
        return self

    @property
    def key(self) -> tuple[Any, ...]:
        """The record's identity: its external id, else (topic, claimant, claimed_on, as_of)."""
        if self.external_id:
            return ("id", self.external_id)
        return (self.topic, self.claimant, self.claimed_on, self.as_of)

    def describe_key(self) -> str:
        """The key, as an error message names it."""
        if self.external_id:
            return f"external_id {self.external_id!r}"
        as_of = self.as_of.isoformat() if self.as_of else "none"
        return (
            f"topic {self.topic!r}, claimant {self.claimant!r}, "
            f"claimed_on {self.claimed_on.isoformat()}, as_of {as_of}"
        )

    def export(self) -> dict[str, Any]:
        """The record as JSON-ready data, leaving out empty optional fields."""
        return self.model_dump(mode="json", exclude_none=True)


def parse_document(data: Any) -> list[ClaimRecord]:
    """Validate a whole document; the error names the first bad record's index and field."""
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise ClaimBotError('The file must be a JSON object with a "claims" list.')
    if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        raise ClaimBotError(f"Unsupported format version {data['version']!r}; expected 1.")
    records = []
    for index, raw in enumerate(data["claims"]):
        try:
            records.append(ClaimRecord.model_validate(raw))
        except ValidationError as exc:
            raise ClaimBotError(f"Record {index}: {describe(exc)}") from exc
    check_unique_keys(records)
    return records


def first_duplicate(records: Sequence[ClaimRecord]) -> tuple[int, int] | None:
    """The indexes of the first record whose key an earlier record has, and of that earlier
    one; None when every key is distinct."""
    seen: dict[tuple[Any, ...], int] = {}
    for index, record in enumerate(records):
        first = seen.setdefault(record.key, index)
        if first != index:
            return first, index
    return None


def check_unique_keys(records: Sequence[ClaimRecord], noun: str = "Records") -> None:
    """Raise ClaimBotError naming two records with the same key: a file holds each claim once,
    and importing the second would silently overwrite the first."""
    duplicate = first_duplicate(records)
    if duplicate:
        first, second = duplicate
        raise ClaimBotError(
            f"{noun} {first} and {second} have the same key "
            f"({records[first].describe_key()}); a file may hold each claim only once."
        )


def describe(exc: ValidationError) -> str:
    """The first validation error as one sentence naming the field."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "record"
    return f"field '{field}': {error['msg']}."


def load_file(path: Path) -> list[ClaimRecord]:
    """Read and validate a JSON claims file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ClaimBotError(f"Cannot read {path}: {exc.strerror}.") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ClaimBotError(f"{path} is not valid JSON: {exc}.") from exc
    return parse_document(data)


def dump_document(records: list[ClaimRecord]) -> str:
    """The JSON text of a document holding these records."""
    document = {"version": FORMAT_VERSION, "claims": [r.export() for r in records]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
