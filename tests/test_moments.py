# ruff: noqa: E501  (a table of questions reads best one row a line)
"""Reading the moment a question asks about, in English, Ukrainian and Russian."""

from __future__ import annotations

from datetime import date

import pytest

from bot.moments import Moment, read

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("question", "rest", "start", "end"),
    [
        # a day: "as of" it
        ("russian tank losses as of 1 June 2023", "russian tank losses", None, date(2023, 6, 1)),
        ("russian losses on 24 February 2024", "russian losses", None, date(2024, 2, 24)),
        ("how many soldiers had been killed by 1 January 2023", "how many soldiers had been killed", None, date(2023, 1, 1)),
        ("russian losses on June 1, 2023", "russian losses", None, date(2023, 6, 1)),
        ("russian losses 2022-03-02", "russian losses", None, date(2022, 3, 2)),
        ("russian losses on the 1st of June 2023", "russian losses", None, date(2023, 6, 1)),
        ("russian losses on day 100 of the war", "russian losses", None, date(2022, 6, 3)),
        ("russian losses on the first anniversary of the invasion", "russian losses", None, date(2023, 2, 24)),
        ("russian losses on the 2nd anniversary of the full-scale invasion", "russian losses", None, date(2024, 2, 24)),
        ("втрати росії станом на 1 червня 2023", "втрати росії", None, date(2023, 6, 1)),
        ("потери россии на 1 июня 2023 года", "потери россии", None, date(2023, 6, 1)),
        ("втрати на 100-й день війни", "втрати", None, date(2022, 6, 3)),
        ("russian losses yesterday", "russian losses", None, date(2026, 11, 30)),
        # numbers, read the way the question's language writes them
        ("russian losses 06/01/2023", "russian losses", None, date(2023, 6, 1)),
        ("russian losses 24/02/2024", "russian losses", None, date(2024, 2, 24)),
        ("втрати 01.06.2023", "втрати", None, date(2023, 6, 1)),
        ("russian losses 01.06.2023", "russian losses", None, date(2023, 6, 1)),
        # a period: the latest claim within it
        ("ukrainian refugees in germany in september 2022", "ukrainian refugees in germany", date(2022, 9, 1), date(2022, 9, 30)),
        ("russian tanks in 2023", "russian tanks", date(2023, 1, 1), date(2023, 12, 31)),
        ("russian tanks june 2023", "russian tanks", date(2023, 6, 1), date(2023, 6, 30)),
        ("refugees in poland last November", "refugees in poland", date(2026, 11, 1), date(2026, 11, 30)),
        ("russian tank losses in march", "russian tank losses", date(2026, 3, 1), date(2026, 3, 31)),
        ("russian tanks last year", "russian tanks", date(2025, 1, 1), date(2025, 12, 31)),
        ("russian tanks this year", "russian tanks", date(2026, 1, 1), TODAY),
        ("беженцы в польше в сентябре 2022", "беженцы в польше", date(2022, 9, 1), date(2022, 9, 30)),
        ("втрати у 2023 році", "втрати", date(2023, 1, 1), date(2023, 12, 31)),
        ("біженці в польщі у вересні 2022", "біженці в польщі", date(2022, 9, 1), date(2022, 9, 30)),
        # early, mid and late: a third of the month or the year
        ("sudan people killed as of mid july 2023", "sudan people killed", None, date(2023, 7, 20)),
        ("russian tanks as of mid-June 2023", "russian tanks", None, date(2023, 6, 20)),
        ("refugees in poland in early 2023", "refugees in poland", date(2023, 1, 1), date(2023, 4, 30)),
        ("russian losses in late february 2022", "russian losses", date(2022, 2, 21), date(2022, 2, 28)),
        ("втрати наприкінці 2023 року", "втрати", date(2023, 9, 1), date(2023, 12, 31)),
        ("потери в середине июля 2023", "потери", date(2023, 7, 11), date(2023, 7, 20)),
        # a change over a period
        ("change in russian tank losses since 1 January 2024", "change in russian tank losses", date(2024, 1, 1), TODAY),
        ("russian tank losses between March and June 2023", "russian tank losses", date(2023, 3, 1), date(2023, 6, 30)),
        ("tanks from 2022 to 2023", "tanks", date(2022, 1, 1), date(2023, 12, 31)),
        ("втрати з березня по червень 2023", "втрати", date(2023, 3, 1), date(2023, 6, 30)),
        ("потери с 1 января 2024", "потери", date(2024, 1, 1), TODAY),
    ],
)  # fmt: skip
def test_reads_the_moment(question: str, rest: str, start: date | None, end: date) -> None:
    reading = read(question, TODAY)
    assert reading.problem is None
    assert reading.moment is not None
    assert (reading.question, reading.moment.start, reading.moment.end) == (rest, start, end)


@pytest.mark.parametrize(
    "question",
    [
        "russian losses",
        "pakistan floods 2022",  # a bare year may be part of a name
        "thanks",
        "may I ask about russian losses",
        "march of the refugees",
        "травми та поранення",  # "травм..." is not травень
        "russian losses: 498 killed",
        "decline in refugees",
    ],
)
def test_no_moment_where_there_is_none(question: str) -> None:
    reading = read(question, TODAY)
    assert (reading.question, reading.moment, reading.problem) == (question, None, None)


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("russian tanks as of 31 February 2023", "31 February 2023"),
        ("russian tanks on 13/13/2023", "13/13/2023"),
        ("втрати станом на 30 лютого 2023", "30 лютого 2023"),
        ("tanks between June and March 2023", "June to March 2023"),
    ],
)
def test_a_date_that_cannot_be_read_is_said_so(question: str, words: str) -> None:
    reading = read(question, TODAY)
    assert reading.moment is None
    assert reading.problem == f"I could not read “{words}” as a date."


def test_labels_say_which_moment() -> None:
    assert read("x as of 1 June 2023", TODAY).moment.label == "as of 1 June 2023"  # type: ignore[union-attr]
    september = read("x in september 2022", TODAY).moment
    assert september is not None and september.label == "from 1 to 30 September 2022"
    spring = read("x between march and june 2023", TODAY).moment
    assert spring is not None and spring.label == "from 1 March to 30 June 2023"
    years = read("x from 2022 to 2023", TODAY).moment
    assert years is not None and years.label == "from 1 January 2022 to 31 December 2023"


MID_MARCH = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("losses between 1 and 3 March 2022", date(2022, 3, 1), date(2022, 3, 3)),
        ("потери с 1 по 5 марта 2023", date(2023, 3, 1), date(2023, 3, 5)),
        ("losses 1-5 March 2023", date(2023, 3, 1), date(2023, 3, 5)),
        ("losses between 2024 and 2027", date(2024, 1, 1), MID_MARCH),
        ("losses 20 March", None, date(2025, 3, 20)),
    ],
)
def test_day_ranges_future_ends_and_days_without_a_year(
    question: str, start: date | None, end: date
) -> None:
    moment = read(question, MID_MARCH).moment
    assert moment is not None and (moment.start, moment.end) == (start, end)


def test_a_moment_that_has_not_come_is_said_so() -> None:
    reading = read("russian losses in 2030", MID_MARCH)
    assert (reading.moment, reading.problem) == (None, "“in 2030” has not come yet.")


def test_the_words_left_keep_their_emoji_codes_whole() -> None:
    """Cutting the date out must not cut a colon off an emoji code, which would leave
    "flag-ua" to be read as words ("ua" names a side)."""
    reading = read(":flag-ua: minus 5 air defence systems today :fire:", TODAY)
    assert reading.question == ":flag-ua: minus 5 air defence systems :fire:"


def test_today_with_its_date_is_that_date() -> None:
    """ "today (Aug 8 2026)", as a pasted daily update says it, is 8 August 2026."""
    reading = read("russian losses today (Aug 8 2026)", TODAY)
    assert reading.moment is not None
    assert (reading.moment.start, reading.moment.end) == (None, date(2026, 8, 8))
    assert read("russian losses today", TODAY).moment == Moment(TODAY, None, "today")


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("russian losses today vs February 2024", "today"),
        ("refugees today and in March 2023", "today"),
        ("russian losses today, up from 2025", "today"),
        ("tanks lost today (1 Dec 2026) vs 30 Nov 2026", "1 Dec 2026"),
        ("russian losses today, 8 August 2026", "8 August 2026"),
    ],
)
def test_only_the_date_just_after_today_says_which_day_it_was(question: str, said: str) -> None:
    """A date further on in the question is another moment, not today's date."""
    reading = read(question, TODAY)
    assert reading.moment is not None
    assert reading.moment.said == said


def test_a_date_to_come_just_after_today_is_refused() -> None:
    assert read("russian losses today (Aug 8 2027)", TODAY).problem is not None
