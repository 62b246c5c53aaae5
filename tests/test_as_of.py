"""Time-aware answers on the real data sets, imported as the README imports them: "as of" a
day, within a period, change over it, how old each claim is, and stale series."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from bot import db
from bot.charts import chart_for
from bot.config import Settings
from bot.core import Core
from bot.importing import read_claims
from bot.render_text import render_answer
from bot.store import ClaimStore
from tests.conftest import BACKENDS, empty_database
from tests.quality import SHARED_DATA, UNHCR_CAVEAT, UNHCR_MAP, UNHCR_SET

LOSSES = SHARED_DATA / "ukraine-russia-war-losses"
UNHCR = (
    SHARED_DATA / "unhcr-ukraine-refugees" / "unhcr_ukraine_refugees_by_country_2022-07_2023-01.csv"
)
TODAY = date(2026, 12, 1)

pytestmark = pytest.mark.skipif(
    not SHARED_DATA.exists(), reason=f"the shared data sets are not at {SHARED_DATA}"
)


@pytest.fixture(scope="module", params=BACKENDS)
def real(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Core]:
    """The seed claims, the General Staff's series and UNHCR's snapshots."""
    url = empty_database(request.param, tmp_path_factory.mktemp("asof"))
    core = Core.from_settings(Settings(database_url=url))
    core.init(seed=True)
    equipment = list(read_claims(LOSSES / "russia_losses_equipment.json", "ukraine-losses"))
    refugees = list(read_claims(UNHCR, maps=UNHCR_MAP, sets=UNHCR_SET))
    for records in [
        list(read_claims(LOSSES / "russia_losses_personnel.json", "ukraine-losses")),
        [r for r in equipment if r.topic == "Russian tanks lost in Ukraine"],
        [r for r in refugees if r.topic.endswith(("Germany", "Poland"))],
    ]:
        with db.transaction(core.sessions) as session:
            ClaimStore(session).import_records(records, "test")
    yield core
    core.engine.dispose()


def figures(core: Core, question: str) -> dict[str, list[tuple[str, float]]]:
    """Each shown claimant's figures, for the best topic."""
    answer = core.answers.ask(question, today=TODAY)
    return {
        claim.claimant: [(f.metric, f.value) for f in claim.figures]
        for claim in answer.matches[0].claims
    }


GENERAL_STAFF = "General Staff of the Armed Forces of Ukraine"


def test_as_of_a_day_shows_each_claimants_claim_by_then(real: Core) -> None:
    assert figures(real, "russian tank losses as of 1 June 2023")[GENERAL_STAFF] == [
        ("tanks lost", 3804)
    ]
    killed = figures(real, "how many russian soldiers had been killed by 1 January 2023")
    assert killed[GENERAL_STAFF][0] == ("killed and wounded", 106720)
    assert "Russian Ministry of Defence" in killed  # its 2 March 2022 claim was made by then


def test_in_a_month_shows_the_latest_claim_within_it(real: Core) -> None:
    answer = real.answers.ask("ukrainian refugees in germany in september 2022", today=TODAY)
    (claim,) = answer.matches[0].claims
    assert (claim.claimed_on, claim.figures[0].value) == (date(2022, 9, 24), 997895)
    assert claim.change is not None  # 1,003,029 on 6 September, then 997,895
    assert (claim.change.first_on, claim.change.first.value) == (date(2022, 9, 6), 1003029)
    assert claim.change.difference == 997895 - 1003029
    text = render_answer(answer)
    assert text.startswith("From 1 to 30 September 2022: each claimant's latest claim made in")
    assert "Change in the period: refugees recorded: 1,003,029 people on 6 September 2022" in text


def test_ukrainian_and_russian_dates(real: Core) -> None:
    # The topic words in English: matching Cyrillic words is the matcher's work (issue 12).
    assert figures(real, "russian tanks станом на 1 червня 2023")[GENERAL_STAFF] == [
        ("tanks lost", 3804)
    ]
    assert figures(real, "russian tanks на 1 июня 2023 года")[GENERAL_STAFF] == [
        ("tanks lost", 3804)
    ]
    assert figures(real, "russian tanks 01.06.2023")[GENERAL_STAFF] == [("tanks lost", 3804)]


def test_a_claimant_with_no_claim_by_then_is_listed(real: Core) -> None:
    answer = real.answers.ask("russian losses as of 26 February 2022", today=TODAY)
    (topic,) = answer.matches
    assert {c.claimant for c in topic.claims} == {"UK Ministry of Defence", GENERAL_STAFF}
    assert topic.missing == ("Government of Ukraine", "Russian Ministry of Defence")
    assert "No claim by then: Government of Ukraine, Russian Ministry of Defence." in (
        render_answer(answer)
    )


def test_a_moment_before_any_claim(real: Core) -> None:
    answer = real.answers.ask("russian tank losses as of 1 January 2021", today=TODAY)
    (topic,) = answer.matches
    assert topic.claims == ()
    assert topic.missing == (GENERAL_STAFF,)


def test_a_period_with_no_claim(real: Core) -> None:
    answer = real.answers.ask("refugees in poland in march 2024", today=TODAY)
    (topic,) = answer.matches
    assert topic.claims == ()
    assert topic.missing == ("UNHCR",)
    assert "No claim in that period: UNHCR." in render_answer(answer)


def test_a_moment_after_the_newest_claim_says_the_figures_are_the_latest(real: Core) -> None:
    answer = real.answers.ask("refugees in germany as of 1 January 2026", today=TODAY)
    (topic,) = answer.matches
    assert topic.latest_available == date(2022, 11, 22)
    assert "No claim on this topic is newer than 22 November 2022: the figures shown are the " in (
        render_answer(answer)
    )


def test_change_since_a_day_and_between_months(real: Core) -> None:
    since = real.answers.ask("change in russian tank losses since 1 January 2024", today=TODAY)
    (claim,) = since.matches[0].claims
    assert claim.change is not None and claim.change.first_on == date(2024, 1, 1)
    assert claim.change.difference == claim.figures[0].value - claim.change.first.value > 0
    spring = real.answers.ask("russian tank losses between March and June 2023", today=TODAY)
    (claim,) = spring.matches[0].claims
    assert claim.change is not None
    assert (claim.change.first_on, claim.claimed_on) == (date(2023, 3, 1), date(2023, 6, 30))


def test_without_a_date_the_latest_claims_with_their_age_and_staleness(real: Core) -> None:
    answer = real.answers.ask("russian tank losses", today=TODAY)
    (claim,) = answer.matches[0].claims
    assert claim.claimed_on == date(2026, 8, 8)
    assert claim.ago == "3 months ago"
    assert claim.series is not None and claim.series.stale_days == 115
    text = render_answer(answer)
    assert "claimed 8 August 2026 (3 months ago)" in text
    assert "Possibly out of date: the newest claim is 115 days old" in text
    assert answer.moment is None and answer.when is None


def test_a_date_that_cannot_be_read_is_said_and_the_latest_shown(real: Core) -> None:
    answer = real.answers.ask("russian tanks as of 31 February 2023", today=TODAY)
    assert answer.date_problem == "I could not read “31 February 2023” as a date."
    assert answer.matches[0].claims[0].claimed_on == date(2026, 8, 8)
    assert render_answer(answer).startswith("I could not read “31 February 2023” as a date.")


def test_json_carries_the_moment_and_each_claims_dates(real: Core) -> None:
    document = json.loads(
        json.dumps(real.answers.ask("russian tank losses as of 1 June 2023", today=TODAY).to_json())
    )
    assert (document["as_of"], document["period"]) == ("2023-06-01", None)
    (claim,) = document["matches"][0]["claims"]
    assert (claim["claimed_on"], claim["ago"]) == ("2023-06-01", "3 years ago")
    period = real.answers.ask("russian tanks in 2023", today=TODAY).to_json()
    assert period["period"] == {"from": "2023-01-01", "to": "2023-12-31"}
    assert period["matches"][0]["claims"][0]["change"]["from_claimed_on"] == "2023-01-01"
    plain = real.answers.ask("russian tank losses", today=TODAY).to_json()
    assert (plain["as_of"], plain["period"], plain["date_problem"]) == (None, None, None)


def test_history_and_chart_keep_the_moment(real: Core) -> None:
    topic = real.answers.history("Russian tanks lost in Ukraine in 2023", today=TODAY)
    assert topic is not None and topic.moment is not None
    days = {c.claimed_on for c in topic.claims}
    assert min(days) == date(2023, 1, 1) and max(days) == date(2023, 12, 31)
    assert len(days) == 365
    chart = chart_for(real.answers, "russian tank losses in 2023")
    assert chart is not None
    (series,) = chart.series
    assert {point.day.year for point in series.points} == {2023}
    assert chart.caption.startswith("Claims made from 1 January to 31 December 2023.")


def test_a_date_in_a_topics_own_name_is_not_a_moment(real: Core) -> None:
    answer = real.answers.ask("Refugees from Ukraine in Poland", today=TODAY)
    assert answer.moment is None


def test_history_is_newest_first_across_claimants(real: Core) -> None:
    topic = real.answers.history("russian losses", today=TODAY)
    assert topic is not None
    days = [c.claimed_on for c in topic.claims]
    assert days == sorted(days, reverse=True)
    assert len({c.claimant for c in topic.claims}) == 4


def test_unhcr_figures_carry_a_caveat_that_fits_their_source(real: Core) -> None:
    (claim,) = real.answers.ask("refugees in poland", today=TODAY).matches[0].claims
    assert claim.caveat == UNHCR_CAVEAT
