"""The editors' forms (Slack modals): building them, and reading a submission into a record.

Validation errors are returned per block, so Slack shows each one next to its field
(``response_action: errors``); nothing is saved until the whole form is valid.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.answers import VERIFICATION_LABELS
from bot.models import Basis, Verification
from bot.records import LONG_TEXT_FIELDS, ClaimRecord, stored_context
from handlers.blocks import escape, fit

CLAIM_VIEW = "claim_edit"
VERIFY_VIEW = "claim_verify"
RETIRE_VIEW = "claim_retire"
TOPIC_OPTIONS = "topic_pick"

#: Block ids of the claim form; the field a validation error names maps onto its block.
FIELD_BLOCKS = {
    "topic": "topic_new",
    "topic_aliases": "topic_aliases",
    "claimant": "claimant",
    "outlet": "outlet",
    "source_url": "source_url",
    "claimed_on": "claimed_on",
    "as_of": "as_of",
    "figures": "figures",
    "quote": "quote",
    "verification": "verification",
    "caveat": "caveat",
    "cites": "cites",
}
#: Fields whose stored text may be too long for the form's input: the form then leaves them
#: out, says so, and keeps them; their block ids and limits.
KEEPABLE = {"topic_aliases": 3000, "outlet": 300, "figures": 3000, "quote": 3000, "caveat": 3000}
_FIGURE = re.compile(
    r"^\s*(?P<metric>[^:]+?)\s*:\s*(?P<value>[-+]?[\d.,]+)\s*"
    r"(?:[-–]\s*(?P<high>[\d.,]+))?\s*(?P<unit>.*?)\s*$"
)
#: What may follow a figure on its line, after ``|``: what it counts, its basis and coverage.
FIGURE_DETAILS = {
    "counts": "counts",
    "basis": "basis",
    "from": "coverage_from",
    "to": "coverage_to",
    "area": "area",
}
#: Where a figure's details begin: ``|`` before a detail's name (a ``|`` elsewhere, in a metric
#: or a place, is text).
_DETAIL = re.compile(rf"\s*\|\s*(?=(?:{'|'.join(FIGURE_DETAILS)})\s*:)", re.IGNORECASE)
_UNKNOWN_DETAIL = re.compile(r"\|\s*[\w ]+:.*$")


@dataclass(frozen=True, slots=True)
class Context:
    """What a form carries between opening and submission: the channel, the claim edited, and
    the fields too long to show in the form (``kept``: their stored values stay)."""

    channel: str | None
    claim_id: int | None = None
    kept: tuple[str, ...] = ()

    def dump(self) -> str:
        data: dict[str, Any] = {"channel": self.channel, "claim_id": self.claim_id}
        if self.kept:
            data["kept"] = list(self.kept)
        return json.dumps(data)

    @classmethod
    def load(cls, text: str) -> Context:
        data = json.loads(text or "{}")
        claim_id = data.get("claim_id")
        kept = tuple(f for f in data.get("kept") or () if isinstance(f, str) and f in KEEPABLE)
        return cls(data.get("channel"), int(claim_id) if claim_id is not None else None, kept)


def _text(
    block_id: str,
    label: str,
    *,
    initial: str | None = None,
    optional: bool = True,
    multiline: bool = False,
    hint: str | None = None,
    max_length: int = 3000,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id="value",
            initial_value=initial or None,
            multiline=multiline,
            max_length=max_length,
        ),
    )


def _note(mrkdwn: str) -> MarkdownTextObject:
    """Text shown in a form; whatever stored text it holds is escaped by the caller."""
    return MarkdownTextObject(text=mrkdwn, verbatim=True)


def _prefilled(
    field: str, label: str, initial: str | None, kept: list[str], **options: Any
) -> Block:
    """A text input showing ``initial``; or, when the stored text is longer than the input may
    hold, a note in its place, ``field`` added to ``kept`` (the stored text stays)."""
    limit = KEEPABLE[field]
    if initial and len(initial) > limit:
        kept.append(field)
        return ContextBlock(
            block_id=f"{field}_kept",
            elements=[
                _note(
                    f"*{label}*: {len(initial):,} characters, longer than the "
                    f"{limit:,} a form can hold, so it cannot be edited here. It is kept "
                    "as it is."
                )
            ],
        )
    return _text(field, label, initial=initial, max_length=limit, **options)


def _verification(current: Verification) -> InputBlock:
    """The verification picker, set to ``current``."""
    return InputBlock(
        block_id="verification",
        label="Verification",
        element=StaticSelectElement(
            action_id="value",
            options=[Option(value=v.value, label=VERIFICATION_LABELS[v]) for v in Verification],
            initial_option=Option(value=current.value, label=VERIFICATION_LABELS[current]),
        ),
    )


def _modal(
    callback_id: str, title: str, submit: str, context: Context, blocks: list[Block]
) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=context.dump(),
        blocks=blocks,
    ).to_dict()


def _exact(value: float) -> str:
    """A stored value written out in full (no rounding), so saving the form keeps it."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return format(Decimal(repr(float(value))), ",f")


def figures_text(record: ClaimRecord) -> str:
    """A record's figures as the form shows them: one ``metric: value unit`` per line, then
    what it counts, its basis and coverage (``| counts: killed | basis: estimate | ...``)."""
    lines = []
    for figure in record.figures:
        value = _exact(figure.value)
        if figure.value_high is not None:
            value += "-" + _exact(figure.value_high)
        line = f"{figure.metric}: {value} {figure.unit or ''}".rstrip()
        for name, field in FIGURE_DETAILS.items():
            detail = getattr(figure, field)
            if detail is not None:
                text = detail.isoformat() if isinstance(detail, date) else str(detail)
                line += f" | {name}: {text}"
        lines.append(line)
    return "\n".join(lines)


def _kinds_note(kinds: dict[str, str]) -> str:
    """The figure details the form reads, with every kind and basis (escaped)."""
    listed = ", ".join(f"`{escape(key)}` ({escape(label)})" for key, label in kinds.items())
    bases = ", ".join(f"`{b.value}`" for b in Basis)
    return (
        "After a figure, optionally: `| counts: KIND | basis: BASIS | from: YYYY-MM-DD "
        f"| to: YYYY-MM-DD | area: PLACE`. Kinds: {listed}. Bases: {bases}."
    )


def claim_view(
    context: Context,
    kinds: dict[str, str],
    record: ClaimRecord | None = None,
    topic: tuple[int, str] | None = None,
) -> dict[str, Any]:
    """The form to add a claim, or to edit one (prefilled from ``record``); ``kinds`` are what
    a figure may count, by key."""
    picker = ExternalDataSelectElement(
        action_id=TOPIC_OPTIONS,
        placeholder="Search topics",
        min_query_length=0,
        initial_option=Option(value=str(topic[0]), label=topic[1][:75]) if topic else None,
    )
    kept: list[str] = []
    blocks: list[Block] = [
        InputBlock(
            block_id="topic_pick",
            label="Topic",
            optional=True,
            element=picker,
            hint="Pick an existing topic, or name a new one below.",
        ),
        _text("topic_new", "New topic", max_length=300),
        _prefilled(
            "topic_aliases",
            "Other names for the topic (one a line)",
            "\n".join(record.topic_aliases) if record else None,
            kept,
            multiline=True,
        ),
        _text(
            "claimant",
            "Claimant (who made the claim)",
            initial=record.claimant if record else None,
            optional=False,
            max_length=300,
        ),
        _prefilled("outlet", "Outlet (who published it)", record.outlet if record else None, kept),
        InputBlock(
            block_id="source_url",
            label="Source URL",
            optional=True,
            element=UrlInputElement(
                action_id="value", initial_value=record.source_url if record else None
            ),
        ),
        InputBlock(
            block_id="claimed_on",
            label="Date of the claim",
            element=DatePickerElement(
                action_id="value", initial_date=record.claimed_on.isoformat() if record else None
            ),
        ),
        InputBlock(
            block_id="as_of",
            label="Date the figures refer to (if different)",
            optional=True,
            element=DatePickerElement(
                action_id="value",
                initial_date=record.as_of.isoformat() if record and record.as_of else None,
            ),
        ),
        _prefilled(
            "figures",
            "Figures",
            figures_text(record) if record else None,
            kept,
            multiline=True,
            hint="One per line, as metric: value unit. E.g. killed: 498 troops | counts: "
            "killed | basis: official_claim",
        ),
        ContextBlock(block_id="figure_details", elements=[_note(fit(_kinds_note(kinds), 3000))]),
        _text(
            "cites",
            "Source the claim cites, if any (e.g. Russian Ministry of Defence)",
            initial=record.cites if record else None,
            max_length=300,
        ),
        _prefilled("quote", "Quote", record.quote if record else None, kept, multiline=True),
        _verification(record.verification if record else Verification.UNVERIFIED),
        _prefilled("caveat", "Caveat", record.caveat if record else None, kept, multiline=True),
    ]
    title = "Edit claim" if context.claim_id else "Add a claim"
    return _modal(CLAIM_VIEW, title, "Save", replace(context, kept=tuple(kept)), blocks)


def verify_view(context: Context, current: Verification, claimant: str) -> dict[str, Any]:
    """The form to change a claim's verification status, with a note."""
    blocks: list[Block] = [
        SectionBlock(text=_note(f"Claim {context.claim_id} by {escape(claimant[:200])}")),
        _verification(current),
        _text("note", "Who checked it, and how", optional=False, multiline=True),
    ]
    return _modal(VERIFY_VIEW, "Verification", "Save", context, blocks)


def retire_view(context: Context, claimant: str) -> dict[str, Any]:
    """The form to retire a claim, with a reason."""
    blocks: list[Block] = [
        SectionBlock(
            text=_note(
                f"Claim {context.claim_id} by {escape(claimant[:200])} leaves answers and "
                "digests; it stays in its history and in exports."
            )
        ),
        _text("reason", "Why retire it?", optional=False, multiline=True),
    ]
    return _modal(RETIRE_VIEW, "Retire claim", "Retire", context, blocks)


def value_of(values: dict[str, Any], block_id: str) -> str | None:
    """The entered value of a block: text, URL, date or selected option."""
    element: dict[str, dict[str, Any]] = values.get(block_id) or {}
    state: dict[str, Any] = next(iter(element.values()), {})
    for key in ("value", "selected_date"):
        if state.get(key):
            return str(state[key]).strip() or None
    option = state.get("selected_option")
    return str(option["value"]) if option else None


def parse_figures(text: str | None, kinds: dict[str, str]) -> list[dict[str, Any]]:
    """``metric: value[-high] unit | counts: KIND | basis: BASIS | from: DATE | to: DATE |
    area: PLACE`` lines (all after the first ``|`` optional); raises ValueError naming the bad
    line. A kind or basis may be given by its key or its label."""
    figures = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        amount, *details = _DETAIL.split(line)
        match = _FIGURE.match(amount)
        if not match:
            raise ValueError(
                f"Line {number}: write it as metric: value unit, e.g. killed: 498 troops."
            )
        unknown = _UNKNOWN_DETAIL.search(match["unit"])
        if unknown:
            raise ValueError(
                f"Line {number}: after | write counts:, basis:, from:, to: or area: and a "
                f"value, not {unknown.group(0).strip()!r}."
            )
        high = match["high"]
        figure: dict[str, Any] = {
            "metric": match["metric"],
            "value": float(match["value"].replace(",", "")),
            "value_high": float(high.replace(",", "")) if high else None,
            "unit": match["unit"] or None,
        }
        for detail in details:
            name, _, value = (part.strip() for part in detail.partition(":"))
            if not value:
                raise ValueError(f"Line {number}: {name}: is empty; give a value or leave it out.")
            field = FIGURE_DETAILS[name.casefold()]
            if field in figure:
                raise ValueError(f"Line {number}: {name}: is given twice; keep one.")
            figure[field] = _detail(number, name.casefold(), value, kinds)
        figures.append(figure)
    return figures


def _detail(number: int, name: str, value: str, kinds: dict[str, str]) -> str:
    """A figure detail as the record takes it: a kind's or basis's key, a date, a place."""
    if name == "counts":
        found = next(
            (k for k, label in kinds.items() if value.casefold() in (k, label.casefold())), None
        )
        if found is None:
            raise ValueError(f"Line {number}: no kind {value!r}; the kinds are {', '.join(kinds)}.")
        return found
    if name == "basis":
        key = value.casefold().replace(" ", "_")
        if key not in {b.value for b in Basis}:
            known = ", ".join(b.value for b in Basis)
            raise ValueError(f"Line {number}: no basis {value!r}; use one of {known}.")
        return key
    return value


def claim_from_form(
    values: dict[str, Any],
    topic_title: str | None,
    kinds: dict[str, str],
    current: ClaimRecord | None = None,
    kept: tuple[str, ...] = (),
) -> ClaimRecord | dict[str, str]:
    """The submitted record, or the errors to show, by block (``kinds``: what a figure may
    count). The ``kept`` fields, which the form did not show, take their values from
    ``current`` (the claim edited)."""
    new_topic = value_of(values, "topic_new")
    if bool(topic_title) == bool(new_topic):
        return {"topic_new": "Pick an existing topic or name a new one (one of the two)."}
    try:
        figures = parse_figures(value_of(values, "figures"), kinds)
    except ValueError as exc:
        return {"figures": str(exc)}
    # One a line: an alias may hold a comma ("Congo, Democratic Republic of the").
    aliases = [
        a.strip() for a in (value_of(values, "topic_aliases") or "").splitlines() if a.strip()
    ]
    data = {
        "topic": topic_title or new_topic,
        "topic_aliases": aliases,
        "claimant": value_of(values, "claimant"),
        "outlet": value_of(values, "outlet"),
        "source_url": value_of(values, "source_url"),
        "claimed_on": value_of(values, "claimed_on"),
        "as_of": value_of(values, "as_of"),
        "figures": figures,
        "quote": value_of(values, "quote"),
        "verification": value_of(values, "verification") or Verification.UNVERIFIED.value,
        "caveat": value_of(values, "caveat"),
        "cites": value_of(values, "cites"),
    }
    if current is not None:
        data.update(current.model_dump(include=set(kept)))
    try:
        return ClaimRecord.model_validate(
            data, context=stored_context(set(LONG_TEXT_FIELDS) & set(kept))
        )
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            block = FIELD_BLOCKS.get(field, "figures" if not field else "claimant")
            message = error["msg"].removeprefix("Value error, ")
            if field == "figures" and len(error["loc"]) > 2:
                line, name = error["loc"][1], error["loc"][2]
                message = f"Line {int(line) + 1}, {name}: {message}"
            errors.setdefault(block, message)
        return errors
