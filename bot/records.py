"""The JSON exchange format (version 1): validation on the way in, one record per claim.

A file is ``{"claims": [record, ...]}``; see the README's "Data format" section.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, BinaryIO, Self

import ijson
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


#: A figure's fields, in the order files list them and the store writes its columns.
FIGURE_FIELDS = (
    "metric",
    "value",
    "value_high",
    "unit",
    "counts",
    "basis",
    "coverage_from",
    "coverage_to",
    "area",
)


class FigureRecord(BaseModel):
    """A number in a claim: ``value``, or the range ``value``–``value_high``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

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

    @field_validator("unit", "area")
    @classmethod
    def _blank_is_none(cls, text: str | None) -> str | None:
        """A unit or area of only spaces is none given."""
        return text or None

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
    #: Each non-empty and at most 300 characters, stripped.
    topic_aliases: tuple[Annotated[str, Field(min_length=1, max_length=300)], ...] = ()
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
        raise ClaimBotError(NOT_A_DOCUMENT)
    _check_version(data.get("version", FORMAT_VERSION))
    return list(unique_keys(enumerate(validated(data["claims"]))))


NOT_A_DOCUMENT = 'The file must be a JSON object with a "claims" list.'


def _check_version(version: Any) -> None:
    if version != FORMAT_VERSION:
        raise ClaimBotError(f"Unsupported format version {version!r}; expected 1.")


def validated(raws: Iterable[Any], noun: str = "Record") -> Iterator[ClaimRecord]:
    """Each raw record validated in turn; the error names the first bad one's index and
    field."""
    for index, raw in enumerate(raws):
        try:
            yield ClaimRecord.model_validate(raw)
        except ValidationError as exc:
            raise ClaimBotError(f"{noun} {index}: {describe(exc)}") from exc


def unique_keys(
    numbered: Iterable[tuple[int, ClaimRecord]], noun: str = "Records", note: str = ""
) -> Iterator[ClaimRecord]:
    """The records, refusing the first whose key an earlier one has (a file holds each claim
    once: importing the second would silently overwrite the first). Each comes with the number
    an error names it by (its index, or its row); only a digest of each key is kept, so memory
    stays small however many records pass."""
    seen: dict[bytes, int] = {}
    for number, record in numbered:
        digest = hashlib.blake2b(repr(record.key).encode(), digest_size=16).digest()
        first = seen.setdefault(digest, number)
        if first != number:
            raise ClaimBotError(
                f"{noun} {first} and {number} have the same key "
                f"({record.describe_key()}); a file may hold each claim only once.{note}"
            )
        yield record


def describe(exc: ValidationError) -> str:
    """The first validation error as one sentence naming the field."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "record"
    return f"field '{field}': {error['msg']}."


@contextmanager
def open_json(path: Path) -> Iterator[BinaryIO]:
    """A JSON file to stream, past any UTF-8 byte order mark; unreadable and malformed files
    become one sentence naming the file, wherever in the file the fault is met."""
    try:
        with path.open("rb") as handle:
            if handle.read(3) != codecs.BOM_UTF8:
                handle.seek(0)
            yield handle
    except OSError as exc:
        raise ClaimBotError(f"Cannot read {path}: {exc.strerror}.") from exc
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise ClaimBotError(f"{path} is not valid JSON: {exc}.") from exc


def load_file(path: Path) -> Iterator[ClaimRecord]:
    """Read and validate a JSON claims file record by record: the file is streamed, so memory
    does not grow with its size. An error names the first bad record (as it is reached)."""
    with open_json(path) as handle:
        version = document_head(handle)
    with open_json(path) as handle:
        raws = ijson.items(handle, "claims.item", use_float=True)
        yield from unique_keys(enumerate(validated(raws)))
    if version is None:  # written after the claims
        with open_json(path) as handle:
            _check_version(next(ijson.items(handle, "version"), FORMAT_VERSION))


def document_head(handle: BinaryIO) -> Any:
    """Check that a document is an object with a "claims" list, reading up to the list's
    start; the format version when it comes first, else None."""
    version = None
    events = ijson.parse(handle, use_float=True)
    if next(events, None) != ("", "start_map", None):
        raise ClaimBotError(NOT_A_DOCUMENT)
    for prefix, event, value in events:
        if prefix == "version" and event not in ("start_map", "start_array"):
            _check_version(value)
            version = value
        elif prefix == "claims" and event != "map_key":
            if event != "start_array":
                raise ClaimBotError(NOT_A_DOCUMENT)
            return version
    raise ClaimBotError(NOT_A_DOCUMENT)


def first_json_item(path: Path) -> tuple[Any, bool]:
    """A JSON file's first item, streamed: the first element of a top-level array (and True),
    of a top-level object's ``@graph``, or else the whole document (and False)."""
    with open_json(path) as handle:
        kind = next(ijson.parse(handle), ("", "", None))[1]
    with open_json(path) as handle:
        if kind == "start_array":
            return next(ijson.items(handle, "item", use_float=True), None), True
        first = next(ijson.items(handle, "@graph.item", use_float=True), None)
    if first is not None:
        return first, False
    with open_json(path) as handle:
        return next(ijson.items(handle, "", use_float=True), None), False


def dump_document(records: list[ClaimRecord], kinds: Mapping[str, str] | None = None) -> str:
    """The JSON text of a document holding these records, and the kinds their figures may
    count (key: label), so that a store without them can take the document."""
    document: dict[str, Any] = {"version": FORMAT_VERSION}
    if kinds:
        document["kinds"] = dict(kinds)
    document["claims"] = [r.export() for r in records]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def document_kinds(path: Path) -> dict[str, str]:
    """The kinds a document defines (``"kinds": {key: label}``; none when it has none)."""
    with open_json(path) as handle:
        kinds: Any = next(ijson.items(handle, "kinds"), {})
    if not isinstance(kinds, dict) or not all(
        isinstance(key, str) and isinstance(label, str) for key, label in kinds.items()
    ):
        raise ClaimBotError('"kinds" must be an object of kind keys and their labels.')
    return kinds
