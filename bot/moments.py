"""The moment a question asks about: "as of 1 June 2023", "in September 2022", "since 2024".

Dates are read by a small grammar in English, Ukrainian and Russian: day, month and year in the
orders people write them (``1 June 2023``, ``June 1, 2023``, ``1 червня 2023``, ``2023-06-01``,
``01.06.2023``), months and years alone (``mid July 2023``, ``early 2023``: a third of it),
``last November``, ``this year``, ``day 100 of the war`` and ``the first anniversary of the
invasion``, each inside a frame that says whether it is
a moment (``as of``, ``by``, ``on``, ``станом на``, ``на``, ``к``) or a period (``in``,
``between ... and``, ``from ... to``, ``since``, ``у``, ``між``, ``с ... по``). A grammar rather
than a general date parser because it answers in microseconds (a dated answer must cost no more
than twice a plain one) and says exactly which words it took; what looks like a date but is not
one (``31 February 2023``) is reported, never silently ignored.

Numeric dates are read the way the question's language writes them: day first in Ukrainian and
Russian and with dots (``01.06.2023``), month first with slashes in English (``06/01/2023``)
unless the first number cannot be a month.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.formatting import format_date

#: Day 1 of Russia's full-scale invasion, as the General Staff counts its days.
INVASION = date(2022, 2, 24)

_MONTHS: tuple[tuple[str, ...], ...] = (
    ("jan", "січ", "январ", "янв"),
    ("feb", "лют", "феврал", "фев"),
    ("mar", "берез", "март"),
    ("apr", "квіт", "апрел", "апр"),
    ("may", "трав", "мая", "май", "мае"),
    ("jun", "черв", "июн"),
    ("jul", "лип", "июл"),
    ("aug", "серп", "август", "авг"),
    ("sep", "верес", "сентябр", "сен"),
    ("oct", "жовт", "октябр", "окт"),
    ("nov", "листопад", "ноябр", "ноя"),
    ("dec", "груд", "декабр", "дек"),
)
#: English month names in full or abbreviated; other languages by stem plus an ending.
_EN_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_CYR_MONTH = (
    r"(?:січ|лют|берез|квіт|трав|черв|лип|серп|верес|жовт|листопад|груд)[а-яіїєґ]*"
    r"|(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*"
)
MONTH = rf"(?:{_EN_MONTH}|{_CYR_MONTH})\.?"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|-?(?:го|е|й|ого))?"
YEAR = r"(?:19|20)\d\d"
_YEAR_WORD = r"(?:\s*(?:року|році|рік|р\.|года|году|год|г\.))?"
#: "early", "mid" or "late" before a month or a year: its first, middle or last third.
_PART = (
    r"(?:(?:early|mid|late|на\s+початку|в\s+середині|наприкінці|в\s+начале|в\s+середине"
    r"|в\s+конце)[-\s]+)?"
)
_THIRDS = {
    "early": 0, "на початку": 0, "в начале": 0,
    "mid": 1, "в середині": 1, "в середине": 1,
    "late": 2, "наприкінці": 2, "в конце": 2,
}  # fmt: skip

_DATE = (
    rf"(?P<iso>{YEAR}-\d\d-\d\d)"
    rf"|(?P<num>\d{{1,2}}[./]\d{{1,2}}[./]{YEAR})"
    rf"|(?P<dmy>{DAY}\s+(?:of\s+)?{MONTH}(?:\s*,?\s*{YEAR}{_YEAR_WORD})?)"
    rf"|(?P<mdy>{MONTH}\s+{DAY}(?:\s*,\s*|\s+){YEAR})"
    rf"|(?P<my>{_PART}{MONTH}(?:\s+{YEAR}{_YEAR_WORD})?)"
    rf"|(?P<y>{_PART}{YEAR}{_YEAR_WORD})"
)
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "перш": 1, "друг": 2, "трет": 3, "четверт": 4, "п'ят": 5, "пят": 5,
}  # fmt: skip
_SPECIAL = (
    r"(?P<warday>(?:day\s+(?P<dayn>\d{1,4})\s+of\s+(?:the\s+)?(?:full[- ]scale\s+)?"
    r"(?:war|invasion))|(?P<dayn2>\d{1,4})(?:-?(?:й|го|ий))?\s+(?:день|дня)\s+(?:війни|войны|"
    r"вторгнення|вторжения))"
    r"|(?P<anniv>(?:the\s+)?(?P<ordinal>[a-zа-яіїє']+|\d+(?:st|nd|rd|th)?)\s+"
    r"(?:anniversary|річниц[яіюе]|годовщин[аыуе])\s+(?:of\s+)?(?:the\s+)?"
    r"(?:full[- ]scale\s+)?(?:war|invasion|війни|вторгнення|войны|вторжения))"
    r"|(?P<relative>(?:last|this|past|previous|минулого|цього|прошлого|этого)\s+"
    r"(?P<unit>week|month|year|тижня|місяця|року|недели|месяца|года)"
    r"|(?:last|минулого|прошлого)\s+(?P<lastmonth>" + MONTH + r")"
    r"|today|yesterday|сьогодні|вчора|сегодня|вчера)"
)
_POINT = r"as\s+of|as\s+at|by|on|at|until|till|up\s+to|станом\s+на|на|до|по\s+состоянию\s+на|к|ко"
_PERIOD = r"in|during|throughout|for|over|у|в|во|протягом|в\s+течение|за"
_SINCE = r"(?:change\s+|growth\s+|increase\s+)?since|ever\s+since|з|із|від|с|со|начиная\s+с"
_RANGE_START = r"between|from|між|з|із|від|с|со|между"
_RANGE_JOIN = r"and|to|until|till|through|і|й|та|по|до|и|-|–|—"

_ONE = rf"(?<!\w)(?:{_SPECIAL}|{_DATE})(?!\w)"
_EXPRESSION = re.compile(
    rf"(?:(?P<rs>{_RANGE_START})\s+)?(?P<a>{_ONE.replace('?P<', '?P<a_')})"
    rf"(?:\s*(?P<join>{_RANGE_JOIN})\s*(?P<b>{_ONE.replace('?P<', '?P<b_')}))?",
    re.IGNORECASE,
)
_FRAME_BEFORE = re.compile(
    rf"(?:^|\s)(?P<frame>{_POINT}|{_PERIOD}|{_SINCE})\s+(?:the\s+)?$", re.IGNORECASE
)
_POINT_WORDS = re.compile(rf"^(?:{_POINT})$", re.IGNORECASE)
_SINCE_WORDS = re.compile(rf"^(?:{_SINCE})$", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яіїєґ]", re.IGNORECASE)
#: Words that only joined the date to the question, removed with it.
#: What may stand between "today" and the date that says which day it was: "today (Aug 8
#: 2026)", "today, 8 August", "today — 08.08.2026".
_TODAY_DATED = " ([,:—–-"
_LEFTOVER = re.compile(r"(?:\b(?:the|of|figures?|numbers?)\s*)+$", re.IGNORECASE)

Parts = dict[str, str | None]

#: "1 and 3 March 2022", "1-5 March", "з 1 по 5 березня": the first day borrows the month.
_DAY_RANGE = re.compile(
    rf"(?<![\w.])(?P<first>{DAY})\s*(?P<join>{_RANGE_JOIN})\s*"
    rf"(?P<second>{DAY}\s+(?P<month>{MONTH})(?P<year>\s*,?\s*{YEAR})?)(?!\w)",
    re.IGNORECASE,
)


def _spell_out(found: re.Match[str]) -> str:
    month_and_year = found.group("month") + (found.group("year") or "")
    return f"{found.group('first')} {month_and_year} {found.group('join')} {found.group('second')}"


class UnreadableDateError(ValueError):
    """Words that look like a date but are not one (``31 February 2023``)."""


@dataclass(frozen=True, slots=True)
class Moment:
    """What a question asks about in time: a day (``start`` is None) or a period."""

    end: date
    start: date | None = None
    #: The words the question used.
    said: str = ""

    @property
    def is_period(self) -> bool:
        return self.start is not None

    @property
    def label(self) -> str:
        """How the answer names the moment: "as of 1 June 2023", "1–30 September 2022"."""
        if self.start is None:
            return f"as of {format_date(self.end)}"
        if self.start.year != self.end.year:
            return f"from {format_date(self.start)} to {format_date(self.end)}"
        if self.start.month != self.end.month:
            return f"from {self.start.day} {self.start:%B} to {format_date(self.end)}"
        return f"from {self.start.day} to {format_date(self.end)}"


@dataclass(frozen=True, slots=True)
class Reading:
    """A question split into what it asks about and when."""

    question: str
    moment: Moment | None = None
    problem: str | None = None


def read(question: str, today: date) -> Reading:
    """The question without its date words, and the moment they name (None without any)."""
    question = _DAY_RANGE.sub(_spell_out, question)
    for found in _EXPRESSION.finditer(question):
        frame_match = _FRAME_BEFORE.search(question[: found.start()])
        frame = found.group("rs") or (frame_match.group("frame") if frame_match else "")
        if not _is_date(found, frame):
            continue
        cut_from = frame_match.start("frame") if frame_match and not found.group("rs") else None
        cut_from = found.start() if cut_from is None else cut_from
        said = " ".join(question[cut_from : found.end()].split())
        rest = _LEFTOVER.sub("", question[:cut_from]) + " " + question[found.end() :]
        rest = " ".join(rest.split()).strip(" ,;?.!")
        try:
            moment = _moment(found, frame.casefold(), today, bool(_CYRILLIC.search(question)))
        except UnreadableDateError as exc:
            return Reading(rest or question, None, f"I could not read “{exc}” as a date.")
        if (moment.start or moment.end) > today:
            return Reading(rest or question, None, f"“{said}” has not come yet.")
        if moment == Moment(today) and rest:
            # "today (Aug 8 2026)": the date just after it says which day today was; a date
            # further on is another moment ("losses today vs February 2024" is today).
            after = " ".join(question[found.end() :].split()).lstrip(_TODAY_DATED).casefold()
            dated = read(after, today)
            if (dated.moment and after.startswith(dated.moment.said.casefold())) or (
                dated.problem and _EXPRESSION.match(after)
            ):
                return read(rest, today)
        return Reading(rest or question, Moment(moment.end, moment.start, said))
    return Reading(question)


def _parts(found: re.Match[str], side: str) -> Parts:
    prefix = f"{side}_"
    return {k[len(prefix) :]: v for k, v in found.groupdict().items() if k.startswith(prefix)}


def _is_date(found: re.Match[str], frame: str) -> bool:
    """Whether the words are a date here: a bare year ("floods 2022") or a bare month name
    ("травми", "march") only counts after a frame ("in 2023", "у березні"), or in a range."""
    if found.group("b") or frame:
        return True
    a = _parts(found, "a")
    if a["y"] and not re.search(r"[а-я]", found.group("a"), re.IGNORECASE):
        return False
    return not (a["my"] and not re.search(YEAR, found.group("a")))


def _moment(found: re.Match[str], frame: str, today: date, cyrillic: bool) -> Moment:
    a, b = _parts(found, "a"), _parts(found, "b")
    text_a, text_b = found.group("a").strip(), (found.group("b") or "").strip()
    if found.group("b"):
        second = _span(b, text_b, today, cyrillic)
        hint = second[0].year if not re.search(YEAR, text_a) else None
        start = _span(a, text_a, today, cyrillic, hint)[0]
        if start > second[1]:
            raise UnreadableDateError(f"{text_a} to {text_b}")
        return Moment(min(second[1], today), start)
    start, end, granular = _span(a, text_a, today, cyrillic)
    if _SINCE_WORDS.match(frame) or found.group("rs"):
        return Moment(today, start)
    if granular == "day":
        return Moment(start)
    if _POINT_WORDS.match(frame):
        return Moment(min(end, today))
    return Moment(min(end, today), start)


def _span(
    parts: Parts, text: str, today: date, cyrillic: bool, year_hint: int | None = None
) -> tuple[date, date, str]:
    """The first and last day an expression covers, and whether it names a day or longer."""
    try:
        if parts["warday"]:
            number = int(parts["dayn"] or parts["dayn2"] or "0")
            if number < 1:
                raise UnreadableDateError(text)
            day = INVASION + timedelta(days=number - 1)
            return day, day, "day"
        if parts["anniv"]:
            day = INVASION.replace(year=INVASION.year + _ordinal(parts["ordinal"] or ""))
            return day, day, "day"
        if parts["relative"]:
            return _relative(parts, today)
        if parts["iso"]:
            day = date.fromisoformat(parts["iso"])
            return day, day, "day"
        if parts["num"]:
            return _numeric(parts["num"], cyrillic)
        year_text = re.search(YEAR, text)
        year = int(year_text.group()) if year_text else year_hint or _recent_year(text, today)
        if parts["dmy"] or parts["mdy"]:
            without_year = text.replace(str(year), " ")
            day_text = re.search(r"(?<!\d)(\d{1,2})(?!\d)", without_year)
            if not day_text:
                raise UnreadableDateError(text)
            month, number = _month(text), int(day_text.group(1))
            if not year_text and not year_hint and (month, number) > (today.month, today.day):
                year -= 1  # "20 March" asked on 15 March: the one that has come
            day = date(year, month, number)
            return day, day, "day"
        if parts["my"]:
            month = _month(text)
            return _third(text, date(year, month, 1), _month_end(year, month), "month")
        if parts["y"]:
            return _third(text, date(year, 1, 1), date(year, 12, 31), "year")
    except UnreadableDateError:
        raise
    except ValueError:
        raise UnreadableDateError(text) from None
    raise UnreadableDateError(text)


def _third(text: str, first: date, last: date, granular: str) -> tuple[date, date, str]:
    """The span, or its first, middle or last third for "early", "mid" or "late"."""
    said = text.casefold()
    part = next((n for word, n in _THIRDS.items() if said.startswith(word)), None)
    if part is None:
        return first, last, granular
    if granular == "year":  # January to April, May to August, September to December
        start = first.replace(month=1 + 4 * part)
        return start, _month_end(first.year, 4 + 4 * part), granular
    start = first + timedelta(days=10 * part)  # 1 to 10, 11 to 20, 21 to the end
    return start, last if part == 2 else start + timedelta(days=9), granular


def _month(text: str) -> int:
    words = re.findall(r"[a-zа-яіїєґ]+", text.casefold())
    for word in words:
        for number, stems in enumerate(_MONTHS, start=1):
            if any(word.startswith(stem) for stem in stems):
                return number
    raise UnreadableDateError(text)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _recent_year(text: str, today: date) -> int:
    """A month without a year: the latest one that has begun ("in September" in December)."""
    month = _month(text)
    return today.year if month <= today.month else today.year - 1


def _numeric(text: str, cyrillic: bool) -> tuple[date, date, str]:
    first, second, year = (int(part) for part in re.split(r"[./]", text))
    day_first = cyrillic or "." in text or first > 12
    day, month = (first, second) if day_first else (second, first)
    value = date(year, month, day)
    return value, value, "day"


def _ordinal(text: str) -> int:
    digits = re.match(r"\d+", text)
    if digits:
        return int(digits.group())
    for stem, number in _ORDINALS.items():
        if text.casefold().startswith(stem):
            return number
    raise UnreadableDateError(text)


def _relative(parts: Parts, today: date) -> tuple[date, date, str]:
    text = (parts["relative"] or "").casefold()
    if parts["lastmonth"]:
        month = _month(parts["lastmonth"])
        year = today.year if month < today.month else today.year - 1
        return date(year, month, 1), _month_end(year, month), "month"
    if text in {"today", "сьогодні", "сегодня"}:
        return today, today, "day"
    if text in {"yesterday", "вчора", "вчера"}:
        day = today - timedelta(days=1)
        return day, day, "day"
    unit = (parts["unit"] or "").casefold()
    this = text.startswith(("this", "цього", "этого"))
    if unit.startswith(("year", "рок", "год")):
        year = today.year if this else today.year - 1
        return date(year, 1, 1), min(date(year, 12, 31), today), "year"
    if unit.startswith(("month", "місяц", "месяц")):
        first = today.replace(day=1)
        if not this:
            first = (first - timedelta(days=1)).replace(day=1)
        return first, min(_month_end(first.year, first.month), today), "month"
    monday = today - timedelta(days=today.weekday())
    if not this:
        monday -= timedelta(days=7)
    return monday, min(monday + timedelta(days=6), today), "week"
