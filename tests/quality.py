"""The labelled question set for answer quality, over the seed claims and the real data sets in
../shared/data, and how a matcher is scored on it. Used by tests/test_quality.py (which fails
below the targets) and bench/quality.py (which reports against the baselines)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot import db
from bot.core import Core
from bot.importing import read_claims
from bot.store import ClaimStore

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

RELIEFWEB_MAP = [
    "topic={crisis_name}: {figure_name}",
    "claimant=figure_source",
    "claimed_on=figure_date",
    "source_url=figure_url",
    "metric=figure_name",
    "value=figure_value",
]
UNHCR_MAP = [
    "topic=Refugees from Ukraine in {country}",
    "claimed_on=data_date",
    "value=refugees_recorded",
]
UNHCR_CAVEAT = (
    "UNHCR's compilation of host-government data on refugees from Ukraine recorded in the "
    "country; countries record differently, so their numbers are not comparable one to one."
)
RELIEFWEB_CAVEAT = (
    "A headline figure compiled by ReliefWeb's editors (UN OCHA) from the source named, as of "
    "the date given; some figures are yearly or monthly flows, as the name says."
)
UNHCR_SET = [
    f"caveat={UNHCR_CAVEAT}",
    "claimant=UNHCR",
    "metric=refugees recorded",
    "unit=people",
    "outlet=UNHCR Operational Data Portal",
    "source_url=https://data.unhcr.org/en/situations/ukraine",
]


def load_real_data(core: Core) -> None:
    """The seed claims plus the three real data sets, imported as the README documents."""
    core.init(seed=True)
    losses = SHARED_DATA / "ukraine-russia-war-losses"
    batches = [
        list(read_claims(losses / "russia_losses_personnel.json", "ukraine-losses")),
        list(read_claims(losses / "russia_losses_equipment.json", "ukraine-losses")),
        list(
            read_claims(
                SHARED_DATA / "reliefweb-crisis-figures" / "latest_figures_2023-07.csv",
                maps=RELIEFWEB_MAP,
                sets=["outlet=ReliefWeb", f"caveat={RELIEFWEB_CAVEAT}"],
            )
        ),
        list(
            read_claims(
                SHARED_DATA
                / "unhcr-ukraine-refugees"
                / "unhcr_ukraine_refugees_by_country_2022-07_2023-01.csv",
                maps=UNHCR_MAP,
                sets=UNHCR_SET,
            )
        ),
    ]
    for records in batches:
        with db.transaction(core.sessions) as session:
            ClaimStore(session).import_records(records, author="quality")


CASUALTIES = "Russian military casualties in Ukraine"
CONSCRIPT_SHARE = "Share of conscripts in the Russian military"
DEPLOYMENT = "Deployment of Russian conscripts in Ukraine"
REFUGEES = "Refugees from Ukraine"
RW_EUROPE = "Ukraine: Ukrainian Refugees across Europe"


def rw(crisis: str, figure: str) -> str:
    return f"{crisis}: {figure}"


def unhcr(country: str) -> str:
    return f"Refugees from Ukraine in {country}"


def tanks(kind: str) -> str:
    return f"Russian {kind} lost in Ukraine"


def refugees_in(country: str, rw_name: str | None = None) -> tuple[str, ...]:
    """Both sources' topics for Ukrainian refugees in a country are right answers."""
    topics = [unhcr(country)]
    if rw_name:
        topics.append(rw("Ukraine", f"Ukrainian Refugees in {rw_name}"))
    return tuple(topics)


# (question, acceptable topics: any of them as top answer is right; () means "no match")
LABELLED: list[tuple[str, tuple[str, ...]]] = [
    # The seed article's topics: titles, aliases, paraphrases, typos, word order
    ("Russian military casualties in Ukraine", (CASUALTIES,)),
    ("russian losses", (CASUALTIES,)),
    ("russian casualties", (CASUALTIES,)),
    ("russain losess", (CASUALTIES,)),
    ("how many russian soldiers have died", (CASUALTIES,)),
    ("how many Russian troops were killed so far?", (CASUALTIES,)),
    ("russian death toll in ukraine", (CASUALTIES,)),
    ("losses russian", (CASUALTIES,)),
    ("russia's military losses", (CASUALTIES,)),
    ("what does ukraine say about russian losses", (CASUALTIES,)),
    ("Russia says 498 of its soldiers have died so far. Is that right?", (CASUALTIES,)),
    ("share of conscripts in the russian military", (CONSCRIPT_SHARE,)),
    ("what percentage of the russian army are conscripts", (CONSCRIPT_SHARE,)),
    ("conscript share", (CONSCRIPT_SHARE,)),
    ("proportion of conscripts in russia's armed forces", (CONSCRIPT_SHARE,)),
    ("were conscripts deployed to ukraine", (DEPLOYMENT,)),
    ("did russia send cadets to ukraine", (DEPLOYMENT,)),
    ("russia denies deploying conscripts", (DEPLOYMENT,)),
    ("refugees from ukraine", (REFUGEES, RW_EUROPE)),
    ("ukrainian refugees", (REFUGEES, RW_EUROPE)),
    ("how many people have fled ukraine", (REFUGEES, RW_EUROPE)),
    # The General Staff's equipment series
    ("russian tanks lost", (tanks("tanks"),)),
    ("how many tanks has russia lost", (tanks("tanks"),)),
    ("russian tank losses", (tanks("tanks"),)),
    ("rusian tanks destroyed", (tanks("tanks"),)),
    ("russian helicopters shot down", (tanks("helicopters"),)),
    ("helicopter losses russia", (tanks("helicopters"),)),
    ("russian aircraft losses", (tanks("aircraft"),)),
    ("how many russian planes were shot down", (tanks("aircraft"),)),
    ("russian drones shot down", (tanks("drones"),)),
    ("russian ship losses", (tanks("warships and boats"),)),
    ("russian navy losses", (tanks("warships and boats"),)),
    ("russian artillery losses", (tanks("artillery systems"),)),
    ("russian air defence systems lost", (tanks("air defence systems"),)),
    ("cruise missiles shot down", (tanks("cruise missiles"),)),
    ("russian submarines lost", (tanks("submarines"),)),
    ("russian mlrs losses", (tanks("multiple rocket launchers"),)),
    ("armoured personnel carriers lost by russia", (tanks("armoured personnel carriers"),)),
    ("russian vehicle losses", (tanks("vehicles and fuel tanks"),)),
    # Ukrainian refugees by host country (UNHCR snapshots, ReliefWeb figures)
    ("refugees in poland", refugees_in("Poland", "Poland")),
    ("ukrainian refugees in poland", refugees_in("Poland", "Poland")),
    ("how many ukrainians fled to poland", refugees_in("Poland", "Poland")),
    ("poland refugees", refugees_in("Poland", "Poland")),
    ("refugees in polnad", refugees_in("Poland", "Poland")),
    ("refugees in the czech republic", refugees_in("Czech Republic", "Czech Republic")),
    ("ukrainian refugees in czechia", refugees_in("Czech Republic", "Czech Republic")),
    ("refugees in germany", refugees_in("Germany")),
    ("how many ukrainian refugees are in germany", refugees_in("Germany")),
    ("refugess in germnay", refugees_in("Germany")),
    ("ukrainian refugees in türkiye", refugees_in("Türkiye")),
    ("ukrainian refugees in turkiye", refugees_in("Türkiye")),
    ("ukrainian refugees in turkey", refugees_in("Türkiye")),
    ("refugees from ukraine in the uk", refugees_in("United Kingdom")),
    ("ukrainian refugees in britain", refugees_in("United Kingdom")),
    ("refugees in moldova", refugees_in("Republic of Moldova", "Moldova")),
    ("ukrainian refugees in russia", refugees_in("Russian Federation", "the Russian Federation")),
    ("refugees in slovakia", refugees_in("Slovakia", "Slovakia")),
    ("refugees in hungary", refugees_in("Hungary", "Hungary")),
    ("refugees in romania", refugees_in("Romania", "Romania")),
    ("ukrainian refugees in france", refugees_in("France")),
    ("ukrainian refugees in italy", refugees_in("Italy")),
    ("refugees in spain", refugees_in("Spain")),
    ("refugees in the netherlands", refugees_in("Netherlands")),
    ("ukrainian refugees in ireland", refugees_in("Ireland")),
    ("refugees in lithuania", refugees_in("Lithuania", "Lithuania")),
    ("refugees in estonia", refugees_in("Estonia", "Estonia")),
    ("refugees in bulgaria", refugees_in("Bulgaria", "Bulgaria")),
    ("ukrainian refugees across europe", (RW_EUROPE,)),
    # Ukraine's civilian toll: killed vs injured vs both
    (
        "civilians killed in ukraine",
        (
            rw("Ukraine", "Civilians Killed since 24 Feb 2022"),
            rw("Ukraine", "Conflict-related Civilian Deaths (per month)"),
        ),
    ),
    (
        "how many civilians have died in ukraine since the invasion",
        (
            rw("Ukraine", "Civilians Killed since 24 Feb 2022"),
            rw("Ukraine", "Conflict-related Civilian Deaths (per month)"),
        ),
    ),
    (
        "civilians injured in ukraine",
        (
            rw("Ukraine", "Civilians Injured since 24 Feb 2022"),
            rw("Ukraine", "Conflict-related Civilian Injuries (per month)"),
        ),
    ),
    (
        "ukraine civilian injuries",
        (
            rw("Ukraine", "Civilians Injured since 24 Feb 2022"),
            rw("Ukraine", "Conflict-related Civilian Injuries (per month)"),
        ),
    ),
    (
        "civilian casualties in ukraine killed and injured",
        (rw("Ukraine", "Civilian Casualties since 24 Feb 2022 (killed & injured)"),),
    ),
    ("internally displaced people in ukraine", (rw("Ukraine", "IDPs"),)),
    ("ukraine idps", (rw("Ukraine", "IDPs"),)),
    ("returnees to ukraine", (rw("Ukraine", "Returnees"),)),
    ("people in need in ukraine", (rw("Ukraine", "People in Need"),)),
    ("children in need in ukraine", (rw("Ukraine", "Children in Need"),)),
    ("attacks on health care in ukraine", (rw("Ukraine", "Attacks on Health Care (per year)"),)),
    # Other crises (ReliefWeb): same figure names across countries must pick the country
    ("people in need in yemen", (rw("Yemen", "People in Need"),)),
    ("yemen people in need", (rw("Yemen", "People in Need"),)),
    ("people in need in afghanistan", (rw("Afghanistan", "People in Need"),)),
    ("afganistan people in need", (rw("Afghanistan", "People in Need"),)),
    ("children in need in syria", (rw("Syria", "Children in Need"),)),
    ("idps in yemen", (rw("Yemen", "IDPs"),)),
    (
        "internally displaced in sudan",
        (
            rw("Sudan", "IDPs"),
            rw("Sudan", "Clashes between SAF & RSF: People Internally Displaced"),
        ),
    ),
    ("syrian refugees in turkey", (rw("Syria", "Syrian Refugees in Turkey"),)),
    ("syrian refugees in türkiye", (rw("Syria", "Syrian Refugees in Turkey"),)),
    (
        "syrian refugees in lebanon",
        (rw("Syria", "Syrian Refugees in Lebanon"), rw("Lebanon", "Displaced Syrians in Lebanon")),
    ),
    ("syrian refugees in jordan", (rw("Syria", "Syrian Refugees in Jordan"),)),
    (
        "sudanese refugees in chad",
        (
            rw("Sudan", "Sudanese Refugees & Asylum-Seekers in Chad"),
            rw("Chad", "Sudanese Refugees & Asylum-Seekers in Chad"),
        ),
    ),
    (
        "people killed in the sudan clashes",
        (rw("Sudan", "Clashes between SAF & RSF: People Killed"),),
    ),
    (
        "people injured in sudan clashes",
        (rw("Sudan", "Clashes between SAF & RSF: People Injured"),),
    ),
    ("children killed in sudan", (rw("Sudan", "Clashes between SAF & RSF: Children Killed"),)),
    (
        "turkey earthquake people affected",
        (rw("Türkiye", "Türkiye Earthquake: People Directly Affected"),),
    ),
    (
        "türkiye earthquake children affected",
        (rw("Türkiye", "Türkiye Earthquake: Children Affected"),),
    ),
    (
        "turkiye earthquake people forced to relocate",
        (rw("Türkiye", "Türkiye Earthquake: People Forced to Relocate from their Homes"),),
    ),
    ("pakistan floods people affected", (rw("Pakistan", "People Affected by Floods"),)),
    ("houses destroyed by floods in pakistan", (rw("Pakistan", "Houses Destroyed by Floods"),)),
    ("livestock lost in pakistan floods", (rw("Pakistan", "Livestock Lost by Floods"),)),
    ("people killed by landmines in myanmar", (rw("Myanmar", "People Killed by Landmines/ERW"),)),
    ("myanmar landmine injuries", (rw("Myanmar", "People Injured by Landmines/ERW"),)),
    ("myanmar refugees in thailand", (rw("Myanmar", "Myanmar Refugees in Thailand"),)),
    (
        "rohingya refugees in coxs bazar",
        (rw("Bangladesh", "Total Rohingya Refugees in Cox's Bazar"),),
    ),
    (
        "venezuelan refugees in colombia",
        (
            rw("Venezuela", "Venezuelan Refugees & Migrants in Colombia"),
            rw("Colombia", "Venezuelan Refugees and Migrants in Colombia"),
        ),
    ),
    ("venezuelan migrants in peru", (rw("Venezuela", "Venezuelan Refugees & Migrants in Peru"),)),
    (
        "palestinian children killed",
        (
            rw(
                "occupied Palestinian territory",
                "Palestinian Children Killed - Direct Conflict (per year)",
            ),
        ),
    ),
    (
        "conflict related palestinian deaths",
        (rw("occupied Palestinian territory", "Conflict-Related Palestinian Deaths (per year)"),),
    ),
    (
        "people in food crisis in somalia",
        (rw("Somalia", "People in Food Crisis/Emergency (IPC phase 3+)"),),
    ),
    ("haiti people in need", (rw("Haiti", "People in Need"),)),
    ("people in need in haiti", (rw("Haiti", "People in Need"),)),
    (
        "syria people in extreme and catastrophic need",
        (rw("Syria", "People in Extreme and Catastrophic Need"),),
    ),
    (
        "malian refugees in niger",
        (rw("Mali", "Malian Refugees in Niger"), rw("Niger", "Malian Refugees in Niger")),
    ),
    ("nigerian refugees in cameroon", (rw("Cameroon", "Nigerian Refugees in Cameroon"),)),
    # Unrelated, or close to a topic but not one: no topic may be offered as the answer
    ("what is the weather in paris", ()),
    ("bitcoin price", ()),
    ("who won the world cup", ()),
    ("best pizza recipe", ()),
    ("how tall is the eiffel tower", ()),
    ("inflation rate in the uk", ()),
    ("how many troops does china have", ()),
    ("belarusian losses", ()),
    ("covid vaccine efficacy", ()),
    ("election results", ()),
    ("us presidential election turnout", ()),
    ("population of canada", ()),
    ("gdp of germany", ()),
    ("how old is the universe", ()),
    ("what time is it in kyiv", ()),
    ("stock market today", ()),
    ("python list comprehension", ()),
    ("nba finals score", ()),
    ("price of oil", ()),
    ("unemployment in spain", ()),
    ("how many people live in tokyo", ()),
    ("chinese military spending", ()),
    ("nato members", ()),
    ("who is the president of france", ()),
    ("climate change temperature rise", ()),
    ("football transfer news", ()),
    ("recipe for borscht", ()),
    ("wheat exports from ukraine", ()),
    ("gas prices in europe", ()),
    ("how many nuclear weapons does russia have", ()),
    ("american tanks sent to ukraine", ()),
    ("israeli soldiers killed", ()),
    ("chinese tanks", ()),
    ("refugees in australia", ()),
    ("refugees in canada", ()),
    ("refugees in japan", ()),
    ("earthquake in japan", ()),
    ("floods in germany", ()),
    ("measles cases in the us", ()),
    ("mpox infections", ()),
    ("ukrainian tanks lost", ()),
    ("ukrainian helicopters lost", ()),
    ("tourists in italy", ()),
    ("students in the uk", ()),
    ("how many", ()),
    ("", ()),
    ("???", ()),
]


@dataclass
class Score:
    """How a matcher did on the labelled set."""

    right: int = 0
    answerable: int = 0
    rejected: int = 0
    unanswerable: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def top1(self) -> float:
        return self.right / self.answerable

    @property
    def no_match(self) -> float:
        return self.rejected / self.unanswerable


def evaluate(
    best_topic: Callable[[str], str | None],
    labelled: Sequence[tuple[str, tuple[str, ...]]] = LABELLED,
) -> Score:
    """Score a matcher that returns its top topic for a question, or None for no match."""
    score = Score()
    for question, expected in labelled:
        got = best_topic(question)
        if expected:
            score.answerable += 1
            if got in expected:
                score.right += 1
            else:
                score.failures.append((question, " | ".join(expected), str(got)))
        else:
            score.unanswerable += 1
            if got is None:
                score.rejected += 1
            else:
                score.failures.append((question, "no match", got))
    return score


# Written after the matcher was tuned on LABELLED, and not tuned against: an honest estimate.
HELD_OUT: list[tuple[str, tuple[str, ...]]] = [
    ("russian personnel losses according to ukraine", (CASUALTIES,)),
    ("how many russian servicemen were wounded", (CASUALTIES,)),
    ("kremlin troop losses", (CASUALTIES,)),
    ("russian warplanes downed", (tanks("aircraft"),)),
    ("uavs shot down over ukraine", (tanks("drones"),)),
    ("ukrainians who fled to germany", refugees_in("Germany")),
    ("refugees from ukraine living in austria", refugees_in("Austria")),
    ("ukrainian refugees in switzerland", refugees_in("Switzerland")),
    ("refugees in the united kingdom from ukraine", refugees_in("United Kingdom")),
    ("refugee numbers poland ukraine", refugees_in("Poland", "Poland")),
    (
        "ukraine civilian deaths",
        (
            rw("Ukraine", "Civilians Killed since 24 Feb 2022"),
            rw("Ukraine", "Conflict-related Civilian Deaths (per month)"),
        ),
    ),
    ("displaced people inside ukraine", (rw("Ukraine", "IDPs"),)),
    ("yemen children in need", (rw("Yemen", "Children in Need"),)),
    (
        "afghanistan idps",
        (
            rw("Afghanistan", "Estimated IDPs by Conflict"),
            rw("Afghanistan", "Estimated Conflict-Induced IDPs"),
        ),
    ),
    (
        "syrian refugees living in iraq",
        (rw("Syria", "Syrian Refugees in Iraq"), rw("Iraq", "Syrian Refugees in Iraq")),
    ),
    ("people killed in sudan fighting", (rw("Sudan", "Clashes between SAF & RSF: People Killed"),)),
    ("earthquake in turkey children", (rw("Türkiye", "Türkiye Earthquake: Children Affected"),)),
    (
        "flood damage to houses in pakistan",
        (rw("Pakistan", "Houses Damaged by Floods"), rw("Pakistan", "Houses Destroyed by Floods")),
    ),
    ("landmine deaths myanmar", (rw("Myanmar", "People Killed by Landmines/ERW"),)),
    ("haiti children in need", (rw("Haiti", "Children in Need"),)),
    ("german casualties", ()),
    ("refugees in mexico", ()),
    ("how many people live in kyiv", ()),
    ("russian oil exports", ()),
    ("ukrainian grain harvest", ()),
    ("iranian drones supplied to russia", ()),
    ("earthquake deaths in italy", ()),
    ("cholera cases in haiti", ()),
    ("wildfires in greece", ()),
    ("polish soldiers killed", ()),
]
