"""Reading claims from files: ClaimBot's JSON, any CSV (with column mapping), schema.org
ClaimReview, and the Ukrainian General Staff's daily loss series. Everything is validated before
anything is written; an error names the record (or row) and the field (or column).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import ijson
from pydantic import ValidationError

from bot.claimreview import parse_claimreview
from bot.errors import ClaimBotError
from bot.records import (
    FIGURE_FIELDS,
    ClaimRecord,
    document_kinds,
    load_file,
    open_json,
    unique_keys,
    validated,
)

FORMATS = ("json", "csv", "claimreview", "ukraine-losses", "oryx", "unhcr-refugees", "reliefweb")

#: The CSV columns ClaimBot reads by default (a column of the same name as the field).
CLAIM_FIELDS = (
    "topic",
    "topic_aliases",
    "claimant",
    "outlet",
    "source_url",
    "claimed_on",
    "as_of",
    "verification",
    "verification_note",
    "caveat",
    "quote",
    "cites",
    "external_id",
    "retired_reason",
)
FIELDS = CLAIM_FIELDS + FIGURE_FIELDS
#: What a repeated key in a CSV file may mean.
ONE_CLAIM_ROWS = " (The rows of a claim with several figures follow one another.)"

_TEMPLATE_PART = re.compile(r"\{([^{}]+)\}")

#: A CSV row's fields, by name (None for a field left empty).
Fields = dict[str, str | None]
#: A preset's rule: from a CSV row, fields its columns do not give directly.
Derive = Callable[[Mapping[str, str | None]], dict[str, str | None]]


def guess_format(path: Path) -> str:
    """The format a file's name suggests."""
    suffix = path.suffix.casefold()
    return "csv" if suffix in {".csv", ".tsv"} else "json"


def file_kinds(path: Path, fmt: str | None = None) -> dict[str, str]:
    """The figure kinds a ClaimBot JSON document defines (other formats define none)."""
    return document_kinds(path) if (fmt or guess_format(path)) == "json" else {}


def read_claims(
    path: Path,
    fmt: str | None = None,
    maps: Iterable[str] = (),
    sets: Iterable[str] = (),
    on: date | None = None,
) -> Iterator[ClaimRecord]:
    """Every claim in a file, validated, one at a time: the file is streamed, so memory does
    not grow with its size. Raises ClaimBotError naming the first bad record as it is reached
    (so an import fails, and writes nothing, however far in the fault is). ``on`` is the day an
    undated snapshot was taken (the Oryx file)."""
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise ClaimBotError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if (maps or sets) and fmt != "csv" and fmt not in CSV_PRESETS:
        raise ClaimBotError("--map and --set apply to CSV files only.")
    if (on is None) != (fmt != "oryx"):
        raise ClaimBotError(
            "The Oryx file holds no dates: give the day of its snapshot with --date YYYY-MM-DD."
            if fmt == "oryx"
            else "--date applies to the Oryx file only (--format oryx)."
        )
    if fmt == "json":
        return load_file(path)
    if fmt == "csv":
        return CsvMapping.parse(maps, sets).read(path)
    if fmt in CSV_PRESETS:
        preset = CSV_PRESETS[fmt]
        mapping = CsvMapping.parse([*preset.maps, *maps], [*preset.sets, *sets])
        return replace(mapping, derive=preset.derive).read(path)
    if fmt == "claimreview":
        return parse_claimreview(_json_items(path, graph=True))
    if fmt == "oryx":
        assert on is not None
        return oryx(_json_items(path, graph=False), on)
    return ukraine_losses(_json_items(path, graph=False))


def _json_items(path: Path, *, graph: bool) -> Iterator[Any]:
    """A JSON file's items, streamed: each element of a top-level array; with ``graph``, each
    of a top-level object's ``@graph``, or else the object itself; else nothing."""
    with open_json(path) as handle:
        events = ijson.parse(handle)
        first = next(events, ("", "", None))[1]
        if first == "start_array":
            prefix = "item"
        elif graph and first == "start_map":
            keys = (value for key, event, value in events if key == "" and event == "map_key")
            prefix = "@graph.item" if "@graph" in keys else ""
        else:
            return
    with open_json(path) as handle:
        yield from ijson.items(handle, prefix, use_float=True)


# CSV -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvMapping:
    """Where each field comes from: a column, a template over columns, or a fixed value."""

    columns: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    #: A preset's own rule for fields read from the row (see :data:`CSV_PRESETS`).
    derive: Derive | None = None

    @classmethod
    def parse(cls, maps: Iterable[str], sets: Iterable[str]) -> CsvMapping:
        """``--map FIELD=COLUMN``, ``--map 'FIELD={a}: {b}'`` and ``--set FIELD=VALUE``."""
        mapping = cls()
        for option, text in [*(("--map", m) for m in maps), *(("--set", s) for s in sets)]:
            name, sep, source = text.partition("=")
            name = name.strip()
            if not sep or name not in FIELDS:
                raise ClaimBotError(
                    f"{option} {text!r}: expected FIELD=..., FIELD one of {', '.join(FIELDS)}."
                )
            if option == "--set":
                mapping.values[name] = source
            elif _TEMPLATE_PART.search(source):
                mapping.templates[name] = source
            else:
                mapping.columns[name] = source.strip()
        return mapping

    def source(self, name: str) -> str:
        """Where a field came from, for error messages."""
        if name in self.values:
            return f"--set {name}"
        if name in self.templates:
            return f"column template {self.templates[name]!r}"
        return f"column {self.columns.get(name, name)!r}"

    def check(self, header: list[str]) -> None:
        wanted = set(self.columns.values()) | {
            part for t in self.templates.values() for part in _TEMPLATE_PART.findall(t)
        }
        missing = sorted(wanted - set(header))
        if missing:
            raise ClaimBotError(f"The CSV has no column {', '.join(map(repr, missing))}.")

    def fields(self, header: Collection[str]) -> Callable[[Mapping[str, str | None]], Fields]:
        """How a row of a file with this header gives its fields: fixed values, then
        templates, then mapped or same-named columns (none for a column the file lacks), all
        worked out once for the file."""
        fixed: Fields = {name: value.strip() or None for name, value in self.values.items()}
        built = [(name, t) for name, t in self.templates.items() if name not in self.values]
        read: list[tuple[str, str]] = []
        for name in FIELDS:
            if name in self.values or name in self.templates:
                continue
            column = self.columns.get(name, name)
            if column in header:
                read.append((name, column))
            else:
                fixed[name] = None
        derive = self.derive

        def row_fields(row: Mapping[str, str | None]) -> Fields:
            out = dict(fixed)
            for name, template in built:
                text = _TEMPLATE_PART.sub(lambda m: (row.get(m.group(1)) or "").strip(), template)
                out[name] = text.strip() or None
            for name, column in read:
                value = row.get(column)
                out[name] = (value.strip() or None) if value else None
            if derive:
                out.update({k: v for k, v in derive(row).items() if out[k] is None})
            return out

        return row_fields

    def read(self, path: Path) -> Iterator[ClaimRecord]:
        """Claims from a CSV file, streamed: one per row, and following rows with the same
        key adding figures to it. A key met again after other rows is an error naming both
        rows, as is any key two claims share."""
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                sample = handle.read(4096)
                handle.seek(0)
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
                reader = csv.DictReader(handle, dialect=dialect)
                header = list(reader.fieldnames or [])
                self.check(header)
                fields = self.fields(set(header))
                rows = ((reader.line_num, fields(r)) for r in reader)
                yield from unique_keys(self._claims(rows), "Rows", ONE_CLAIM_ROWS)
        except OSError as exc:
            raise ClaimBotError(f"Cannot read {path}: {exc.strerror}.") from exc
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ClaimBotError(f"{path} is not a readable CSV file: {exc}.") from exc

    def _claims(
        self, rows: Iterable[tuple[int, dict[str, str | None]]]
    ) -> Iterator[tuple[int, ClaimRecord]]:
        """Rows grouped into claims, each with its first row's number. Following rows with
        the same key are one claim with several figures: a later row may leave a claim field
        empty or repeat it, but a different value would be lost, so it is an error naming both
        rows; their topic aliases add up."""
        current: tuple[tuple[str | None, ...], int] | None = None  # the key, its first row
        claim: dict[str, Any] = {}
        figure_lines: list[int] = []
        for line, fields in rows:
            key = (
                ("id", fields["external_id"])
                if fields["external_id"]
                else (fields["topic"], fields["claimant"], fields["claimed_on"], fields["as_of"])
            )
            aliases = [a.strip() for a in (fields["topic_aliases"] or "").split(";") if a.strip()]
            if current is not None and current[0] == key:
                self._merge(claim, fields, aliases, current[1], line)
            else:
                if current is not None:
                    yield current[1], self._record(current[1], claim, figure_lines)
                current = (key, line)
                claim = {name: fields[name] for name in CLAIM_FIELDS if fields[name] is not None}
                if aliases:
                    claim["topic_aliases"] = aliases
                claim["figures"] = []
                figure_lines = []
            if fields["metric"] or fields["value"]:
                claim["figures"].append(self._figure(line, fields))
                figure_lines.append(line)
        if current is not None:
            yield current[1], self._record(current[1], claim, figure_lines)

    def _record(
        self, first_line: int, claim: dict[str, Any], figure_lines: list[int]
    ) -> ClaimRecord:
        """A claim's rows validated; the error names the row and column at fault."""
        try:
            return ClaimRecord.model_validate(claim)
        except ValidationError as exc:
            loc = exc.errors()[0]["loc"]
            line = first_line
            name = str(loc[0]) if loc else "record"
            if name == "figures" and len(loc) > 2 and isinstance(loc[1], int):
                line, name = figure_lines[loc[1]], str(loc[2])
            raise ClaimBotError(
                f"Row {line}, {self.source(name)}: {exc.errors()[0]['msg']}."
            ) from exc

    def _merge(
        self,
        claim: dict[str, Any],
        fields: dict[str, str | None],
        aliases: list[str],
        first_line: int,
        line: int,
    ) -> None:
        """Add a later row of the same claim: its aliases join, its other fields must agree."""
        for name in CLAIM_FIELDS:
            value = fields[name]
            if name == "topic_aliases" or value is None:
                continue
            if name not in claim:
                claim[name] = value
            elif claim[name] != value:
                raise ClaimBotError(
                    f"Rows {first_line} and {line} have the same key but differ in "
                    f"{self.source(name)} ({claim[name]!r}, then {value!r}): rows of one "
                    "claim may differ only in their figures."
                )
        known = claim.setdefault("topic_aliases", [])
        known.extend(a for a in aliases if a not in known)

    def _figure(self, line: int, fields: dict[str, str | None]) -> dict[str, Any]:
        figure: dict[str, Any] = {
            name: fields[name] for name in FIGURE_FIELDS if name not in ("value", "value_high")
        }
        for name in ("value", "value_high"):
            text = fields[name]
            if text is None:
                figure[name] = None
                continue
            try:
                figure[name] = float(text.replace(",", "").replace("\u202f", "").replace(" ", ""))
            except ValueError:
                raise ClaimBotError(
                    f"Row {line}, {self.source(name)}: {text!r} is not a number."
                ) from None
        return figure


# The Ukrainian General Staff's daily loss series -------------------------------------------

UA_CLAIMANT = "General Staff of the Armed Forces of Ukraine"
UA_OUTLET = (
    "Ministry of Defence of Ukraine (compiled by PetroIvaniuk/2022-Ukraine-Russia-War-Dataset)"
)
UA_URL = "https://github.com/PetroIvaniuk/2022-Ukraine-Russia-War-Dataset"
UA_CAVEAT = "A party to the conflict. Cumulative since 24 February 2022."
#: What the series covers: since the invasion began, in Ukraine.
WAR_START = "2022-02-24"
WAR_AREA = "Ukraine"
PERSONNEL_TOPIC = "Russian military casualties in Ukraine"
#: Equipment series: the dataset's key, the metric shown, and the words a reader would use.
EQUIPMENT = {
    "tank": ("tanks", ["russian tank losses", "tanks destroyed"]),
    "APC": ("armoured personnel carriers", ["russian apc losses", "armoured vehicles lost"]),
    "field artillery": ("artillery systems", ["russian artillery losses"]),
    "MRL": ("multiple rocket launchers", ["russian mlrs losses", "rocket launchers lost"]),
    "aircraft": ("aircraft", ["russian aircraft losses", "russian planes shot down"]),
    "helicopter": ("helicopters", ["russian helicopter losses", "helicopters shot down"]),
    "drone": ("drones", ["russian drone losses", "drones shot down"]),
    "naval ship": ("warships and boats", ["russian ship losses", "russian navy losses"]),
    "submarines": ("submarines", ["russian submarine losses"]),
    "anti-aircraft warfare": ("air defence systems", ["russian air defence losses"]),
    "cruise missiles": ("cruise missiles", ["cruise missiles shot down"]),
    "vehicles and fuel tanks": ("vehicles and fuel tanks", ["russian vehicle losses"]),
    "special equipment": ("special equipment", ["russian special equipment losses"]),
    "ground robotic systems": ("ground robotic systems", ["russian ground robot losses"]),
}


def ukraine_losses(rows: Iterable[Any]) -> Iterator[ClaimRecord]:
    """Dated claims from the rows of ``russia_losses_personnel.json`` or
    ``russia_losses_equipment.json``, one row at a time."""
    return unique_keys(enumerate(validated(_ua_records(rows))))


def _ua_records(rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Each day's raw records: personnel, or each kind of equipment."""
    empty = True
    for row in rows:
        if not isinstance(row, dict) or "date" not in row:
            raise ClaimBotError(NOT_A_SERIES)
        empty = False
        if "personnel" in row:
            # SOURCE.md: "cumulative Russian personnel losses (killed + wounded as reported)".
            figures = [
                _ua_figure(
                    row["date"], "killed and wounded", row["personnel"], "killed_and_wounded"
                )
            ]
            if row.get("POW") is not None:
                figures.append(_ua_figure(row["date"], "prisoners of war", row["POW"], "captured"))
            about = " Reported as approximate." if row.get("personnel*") == "about" else ""
            yield _ua_record(row["date"], PERSONNEL_TOPIC, [], "personnel", figures, about)
            continue
        for key, (metric, aliases) in EQUIPMENT.items():
            if row.get(key) is not None:
                figures = [
                    _ua_figure(row["date"], f"{metric} lost", row[key], EQUIPMENT_LOST, None)
                ]
                yield _ua_record(row["date"], equipment_topic(key), aliases, key, figures, "")
    if empty:
        raise ClaimBotError(NOT_A_SERIES)


NOT_A_SERIES = "Expected the General Staff series: a list of objects with a date."


#: Equipment losses: what the General Staff's equipment series and Oryx's count.
EQUIPMENT_LOST = "equipment_destroyed_damaged_captured"


def _ua_figure(
    day: str, metric: str, value: Any, counts: str, unit: str | None = "troops"
) -> dict[str, Any]:
    """A figure of the General Staff's series: an official claim, cumulative since the
    invasion began, in Ukraine."""
    return {
        "metric": metric,
        "value": value,
        "unit": unit,
        "counts": counts,
        "basis": "official_claim",
        "coverage_from": WAR_START,
        "coverage_to": day,
        "area": WAR_AREA,
    }


def _ua_record(
    day: str, topic: str, aliases: list[str], key: str, figures: list[dict[str, Any]], note: str
) -> dict[str, Any]:
    return {
        "external_id": f"ua-general-staff-{key.replace(' ', '-').lower()}-{day}",
        "topic": topic,
        "topic_aliases": aliases,
        "claimant": UA_CLAIMANT,
        "outlet": UA_OUTLET,
        "source_url": UA_URL,
        "claimed_on": day,
        "as_of": day,
        "figures": figures,
        "verification": "unverified",
        "caveat": UA_CAVEAT + note,
    }


def equipment_topic(key: str) -> str:
    """The topic of one of the General Staff's equipment series ("Russian tanks lost in
    Ukraine"), which Oryx's count of the same equipment joins."""
    return f"Russian {EQUIPMENT[key][0]} lost in Ukraine"


# Oryx's visually confirmed equipment losses ----------------------------------------------------

ORYX_CLAIMANT = "Oryx"
ORYX_OUTLET = "Oryx (compiled by PetroIvaniuk/2022-Ukraine-Russia-War-Dataset)"
ORYX_URL = "https://www.oryxspioenkop.com/2022/02/attack-on-europe-documenting-equipment.html"
ORYX_CAVEAT = (
    "Counts only losses with photo or video evidence, so a floor: at least this many. "
    "Oryx's categories are summed into the General Staff's as the data set matches them "
    "(e.g. surface-to-air missile systems with multiple rocket launchers)."
)
#: The data set's ``equipment_ua`` category: the General Staff series it matches.
ORYX_CATEGORIES = {
    "Tanks": "tank",
    "Armoured Personnel Carriers": "APC",
    "Artillery Systems": "field artillery",
    "Multiple Rocket Launchers": "MRL",
    "Aircrafts": "aircraft",
    "Helicopters": "helicopter",
    "Unmanned Aerial Vehicles": "drone",
    "Warships, Boats": "naval ship",
    "Anti-aircraft Warfare Systems": "anti-aircraft warfare",
    "Vehicle and Fuel Tank": "vehicles and fuel tanks",
    "Special Equipment": "special equipment",
}


NOT_ORYX = "Expected the Oryx file: a list of objects with equipment_ua and losses_total."


def oryx(rows: Iterable[Any], on: date) -> Iterator[ClaimRecord]:
    """Claims of Oryx from ``russia_losses_equipment_oryx.json``: its per-model totals summed
    per equipment type, dated ``on`` (the file holds no dates), on the General Staff's topics."""
    totals: dict[str, int] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, dict) or "losses_total" not in row or "equipment_ua" not in row:
            raise ClaimBotError(NOT_ORYX)
        key = ORYX_CATEGORIES.get(row["equipment_ua"])
        if key is None:
            raise ClaimBotError(
                f"Record {index}: field 'equipment_ua': unknown category {row['equipment_ua']!r};"
                f" known: {', '.join(ORYX_CATEGORIES)}."
            )
        total = row["losses_total"]
        if not isinstance(total, int) or total < 0:
            raise ClaimBotError(f"Record {index}: field 'losses_total': {total!r} is not a count.")
        totals[key] = totals.get(key, 0) + total
    if not totals:
        raise ClaimBotError(NOT_ORYX)
    day = on.isoformat()
    for key, total in totals.items():
        metric = f"{EQUIPMENT[key][0]} lost"
        figure = {
            **_ua_figure(day, metric, total, EQUIPMENT_LOST, None),
            "basis": "confirmed_floor",
        }
        yield ClaimRecord.model_validate(
            {
                "external_id": f"oryx-{key.replace(' ', '-').lower()}-{day}",
                "topic": equipment_topic(key),
                "topic_aliases": EQUIPMENT[key][1],
                "claimant": ORYX_CLAIMANT,
                "outlet": ORYX_OUTLET,
                "source_url": ORYX_URL,
                "claimed_on": day,
                "as_of": day,
                "figures": [figure],
                "caveat": ORYX_CAVEAT,
            }
        )


# CSV presets: UNHCR's refugees by host country, ReliefWeb's crisis figures ---------------------


@dataclass(frozen=True)
class CsvPreset:
    """A CSV data set's mapping, and its rule for what the columns cannot say directly."""

    maps: tuple[str, ...]
    sets: tuple[str, ...]
    derive: Derive | None = None


#: ReliefWeb's figure names, and what they count; checked in order. Flows ("per month") and
#: returns are not counts of the kinds below, so they are left without one.
RELIEFWEB_KINDS = [
    (re.compile(r"\bper (month|year)\b|return", re.I), None),
    (re.compile(r"casualties|killed & injured", re.I), "killed_and_wounded"),
    (re.compile(r"\b(killed|deaths)\b", re.I), "killed"),
    (re.compile(r"\b(injured|injuries)\b", re.I), "wounded"),
    (re.compile(r"\bIDPs?\b|internally displaced", re.I), "displaced"),
    (re.compile(r"^people in (acute )?need$", re.I), "people_in_need"),
    (re.compile(r"^[\w .-]*refugees (in|across) ", re.I), "refugees_recorded"),
]
_SINCE = re.compile(r"\bsince ((?:\d{1,2} )?[A-Z][a-z]{2} \d{4})")


def _since(name: str) -> str | None:
    """The day a figure name counts from: "since 24 Feb 2022", "since Nov 2020"."""
    found = _SINCE.search(name)
    if not found:
        return None
    text = found.group(1)
    pattern = "%d %b %Y" if text[0].isdigit() else "%b %Y"
    try:
        return datetime.strptime(text, pattern).date().isoformat()
    except ValueError:
        return None


def _reliefweb(row: Mapping[str, str | None]) -> dict[str, str | None]:
    """What a ReliefWeb figure counts, and since when, as its name says."""
    name = (row.get("figure_name") or "").strip()
    kind = next((kind for pattern, kind in RELIEFWEB_KINDS if pattern.search(name)), None)
    return {"counts": kind, "coverage_from": _since(name)}


CSV_PRESETS = {
    # SOURCE.md: UNHCR's compilation of host-government data on refugees from Ukraine recorded
    # in each country, as of the country's date; Russia's as its authorities report them.
    "unhcr-refugees": CsvPreset(
        maps=(
            "topic=Refugees from Ukraine in {country}",
            "claimed_on=data_date",
            "value=refugees_recorded",
            "coverage_to=data_date",
            "area=country",
            "cites=authorities of {country}",
        ),
        sets=(
            "claimant=UNHCR",
            "metric=refugees recorded",
            "unit=people",
            "outlet=UNHCR Operational Data Portal",
            "source_url=https://data.unhcr.org/en/situations/ukraine",
            "counts=refugees_recorded",
            "basis=official_claim",
            "caveat=UNHCR's compilation of host-government data on refugees from Ukraine "
            "recorded in the country; countries record differently, so their numbers are not "
            "comparable one to one.",
        ),
    ),
    # SOURCE.md: each row a headline figure with its publisher, date and URL; what it counts
    # is in its name, and some are yearly or monthly flows.
    "reliefweb": CsvPreset(
        maps=(
            "topic={crisis_name}: {figure_name}",
            "claimant=figure_source",
            "claimed_on=figure_date",
            "source_url=figure_url",
            "metric=figure_name",
            "value=figure_value",
            "coverage_to=figure_date",
            "area=crisis_name",
        ),
        sets=(
            "outlet=ReliefWeb",
            "caveat=A headline figure compiled by ReliefWeb's editors (UN OCHA) from the source "
            "named, as of the date given; some figures are yearly or monthly flows, as the name "
            "says.",
        ),
        derive=_reliefweb,
    ),
}
