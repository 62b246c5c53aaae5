"""The matcher on a labelled set of questions: typos, paraphrases, near-misses, unrelated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import ClaimBotError
from bot.matching import (
    FIELD_TERMS,
    LEXICON_PATH,
    SPEAKER_TERMS,
    SUFFERED,
    Lexicon,
    MatchResult,
    TopicIndex,
    TopicNames,
    country_codes,
    singular,
    words,
)
from bot.reading import clean, fold

TOPICS = [
    TopicNames(
        1,
        "Russian military casualties in Ukraine",
        (
            "russian losses",
            "russian casualties",
            "russian troop deaths",
            "russian soldiers killed",
            "russian military losses",
            "russian wounded",
        ),
    ),
    TopicNames(
        2,
        "Ukrainian military casualties",
        (
            "ukrainian losses",
            "ukrainian casualties",
            "ukrainian troop deaths",
            "ukrainian soldiers killed",
        ),
    ),
    TopicNames(
        3,
        "Deployment of Russian conscripts in Ukraine",
        (
            "russian conscripts deployed",
            "conscripts sent to ukraine",
            "cadets deployed in ukraine",
        ),
    ),
    TopicNames(
        4,
        "Share of conscripts in the Russian military",
        (
            "russian conscript share",
            "conscripts in the russian army",
            "percentage of russian conscripts",
        ),
    ),
    TopicNames(5, "Ukrainian refugees in Poland", ("refugees in poland",)),
    TopicNames(6, "Ukrainian refugees in Germany", ("refugees in germany",)),
    TopicNames(7, "Ukrainian refugees in the Czech Republic", ("refugees in czechia",)),
    TopicNames(8, "Civilians killed in Ukraine", ("civilian deaths in ukraine",)),
    TopicNames(9, "Civilians injured in Ukraine", ("civilian injuries in ukraine",)),
    TopicNames(10, "Refugees from Ukraine", ("ukrainian refugees", "people fleeing ukraine")),
    TopicNames(11, "Earthquake deaths in Türkiye", ("turkey earthquake death toll",)),
    TopicNames(12, "Russian tanks destroyed", ("russian tank losses",)),
]
TITLE = {t.id: t.title for t in TOPICS}

# (question, expected topic id, or None where no topic may be offered as the answer)
LABELLED: list[tuple[str, int | None]] = [
    # exact titles and aliases
    ("Russian military casualties in Ukraine", 1),
    ("russian losses", 1),
    ("Ukrainian losses", 2),
    ("Share of conscripts in the Russian military", 4),
    ("refugees in poland", 5),
    ("Refugees from Ukraine", 10),
    ("russian tank losses", 12),
    # case, punctuation, accents, possessives, plurals
    ("RUSSIAN LOSSES!!!", 1),
    ("russia's losses", 1),
    ("Russian loss", 1),
    ("earthquake deaths in turkiye", 11),
    ("earthquake deaths in Turkey", 11),
    ("Türkiye earthquake death toll", 11),
    ("ukraine's refugees in germany", 6),
    # typos
    ("russain losess", 1),
    ("russian casulties", 1),
    ("ukrainain losses", 2),
    ("refugees in polnad", 5),
    ("refugess in germnay", 6),
    ("conscirpts share russian military", 4),
    # paraphrases, synonyms, filler words
    ("how many russian soldiers have died?", 1),
    ("How many Russian troops were killed so far", 1),
    ("what is the russian death toll", 1),
    ("number of russian fatalities", 1),
    ("how many ukrainian soldiers died", 2),
    ("ukrainian troops killed", 2),
    ("what percentage of the russian army are conscripts", 4),
    ("proportion of conscripts in russia's armed forces", 4),
    ("were conscripts deployed to ukraine", 3),
    ("did russia send cadets to ukraine", 3),
    ("how many ukrainians fled to poland", 5),
    ("how many refugees has germany taken in", 6),
    ("refugees in the czech republic", 7),
    ("how many civilians have been killed in ukraine", 8),
    ("civilian fatalities ukraine", 8),
    ("how many civilians were wounded in ukraine", 9),
    ("people fleeing ukraine", 10),
    ("how many tanks has russia lost", 12),
    # word order
    ("losses russian", 1),
    ("poland refugees ukrainian", 5),
    ("killed civilians", 8),
    # near misses that must pick the right one of similar topics
    ("ukrainian casualties", 2),
    ("russian casualties", 1),
    ("refugees germany", 6),
    ("refugees czechia", 7),
    ("civilians injured", 9),
    ("civilians killed", 8),
    # unrelated, or near but not there: no topic may be presented as the answer
    ("what is the weather in paris", None),
    ("bitcoin price", None),
    ("who won the world cup", None),
    ("best pizza recipe", None),
    ("how tall is the eiffel tower", None),
    ("inflation rate in the uk", None),
    ("how many troops does china have", None),
    ("refugees in hungary", None),
    ("refugees in france", None),
    ("belarusian losses", None),
    ("covid vaccine efficacy", None),
    ("election results", None),
    ("how many", None),
    ("", None),
    ("???", None),
]


@pytest.fixture(scope="module")
def index() -> TopicIndex:
    return TopicIndex(TOPICS)


@pytest.mark.parametrize(
    ("question", "expected"), LABELLED, ids=[q or "<empty>" for q, _ in LABELLED]
)
def test_labelled_question(index: TopicIndex, question: str, expected: int | None) -> None:
    result = index.match(question)
    if expected is None:
        assert result.matches == (), f"offered {result.matches[0].title!r} for {question!r}"
    else:
        assert result.matches, f"no match for {question!r}; suggestions {result.suggestions}"
        assert result.matches[0].title == TITLE[expected]


def test_labelled_set_is_large_and_varied() -> None:
    assert len(LABELLED) >= 40
    assert sum(1 for _, expected in LABELLED if expected is None) >= 10


def test_no_match_suggests_close_topics(index: TopicIndex) -> None:
    result = index.match("refugees in hungary")
    assert result.matches == ()
    assert any("refugees" in s.title.lower() for s in result.suggestions)


def test_unrelated_question_gets_no_suggestions(index: TopicIndex) -> None:
    assert index.match("best pizza recipe").suggestions == ()


def test_ambiguous_question_returns_every_equal_topic(index: TopicIndex) -> None:
    result = index.match("conscripts")
    assert {m.topic_id for m in result.matches} == {3, 4}
    assert not result.certain


def test_exact_alias_is_certain(index: TopicIndex) -> None:
    result = index.match("russian losses")
    assert result.certain
    assert [m.topic_id for m in result.matches] == [1]
    assert result.matches[0].score == 1.0


def test_normalisation_helpers() -> None:
    assert fold("Türkiye\u2019s") == "turkiye's"
    assert words("Russia's losses, so far!") == ["russia", "losses", "so", "far"]
    assert [singular(w) for w in ["casualties", "losses", "troops", "crisis", "us"]] == [
        "casualty",
        "loss",
        "troop",
        "crisis",
        "us",
    ]


def test_lexicon_maps_phrases_and_drops_filler() -> None:
    lexicon = Lexicon({"killed": ["death toll", "died"]}, ["how", "many", "so far"])
    assert lexicon.terms(words("how many died so far")) == ["killed"]
    assert lexicon.terms(words("the death toll")) == ["the", "killed"]


def test_empty_index_matches_nothing() -> None:
    assert TopicIndex([]).match("russian losses").matches == ()


def test_words_of_every_script_and_their_lemmas() -> None:
    assert words("Втрати Росії, 2022!") == ["втрати", "росії", "2022"]
    index = TopicIndex(TOPICS)
    assert set(index.read("втрати росії").terms) == {"casualty", "russian"}
    assert set(index.read("беженцы в польше").terms) >= {"refugee", "poland"}
    assert index.match("втрати росії").matches[0].topic_id == 1
    assert index.match("біженці в польщі").matches[0].topic_id == 5


def test_emoji_codes_are_dropped_but_times_kept() -> None:
    assert clean(":flag-ua::fire: losses at 10:30:45").split() == ["losses", "at", "10:30:45"]


def test_common_words_weigh_little_and_places_a_lot(index: TopicIndex) -> None:
    assert index.match("hey, what's the latest on how many russian soldiers died?").matches
    assert index.match("refugees in australia").matches == ()
    assert index.match("russian losses in syria").matches == ()
    assert index.match("russian losses in syria").suggestions


@pytest.mark.parametrize("chatter", ["thanks!", "thanks", "ok", "help me", "good morning", "дякую"])
def test_chatter_gets_no_match(index: TopicIndex, chatter: str) -> None:
    assert index.match(chatter).matches == ()


def test_real_words_are_never_corrected_as_typos(index: TopicIndex) -> None:
    assert "tank" not in set(index.read("thanks").terms)
    assert "russian" in set(index.read("russain").terms)


def test_distinct_things_are_not_merged() -> None:
    index = TopicIndex(
        [
            TopicNames(1, "Russian tanks lost in Ukraine"),
            TopicNames(2, "Russian armoured personnel carriers lost in Ukraine"),
            TopicNames(3, "Ukraine: IDPs"),
            TopicNames(4, "Refugees from Ukraine"),
        ]
    )
    assert [m.topic_id for m in index.match("tanks lost").matches] == [1]
    assert [m.topic_id for m in index.match("APCs lost").matches] == [2]
    assert [m.topic_id for m in index.match("armoured vehicles lost").matches] == [2]
    assert [m.topic_id for m in index.match("displaced people in ukraine").matches] == [3]
    assert [m.topic_id for m in index.match("RU KIA").matches] == []


def test_claimants_and_metrics_explain_a_question() -> None:
    index = TopicIndex(
        [
            TopicNames(
                1,
                "Russian military casualties in Ukraine",
                ("russian soldiers killed",),
                ("Russian Ministry of Defence",),
            ),
            TopicNames(2, "Russian tanks lost in Ukraine", (), ("General Staff of Ukraine",)),
        ]
    )
    headline = "Russia's defence ministry says only 498 Russian troops have been killed"
    assert index.match(headline).matches[0].topic_id == 1
    assert index.match("genstaff tank figures").matches[0].topic_id == 2


def test_a_pasted_message_finds_the_claim_it_repeats() -> None:
    index = TopicIndex(
        [
            TopicNames(
                1,
                "Wall on the Mexican border",
                quotes=("Building a wall on the U.S.-Mexico border will take literally years.",),
            ),
            TopicNames(
                2,
                "Layoffs in Wisconsin",
                quotes=("Wisconsin is on pace to double the number of layoffs this year.",),
            ),
        ]
    )
    message = (
        "Saw this on my feed today: building a wall on the US-Mexico border will take "
        "literally years, according to the governor. Is that right?"
    )
    assert index.is_message(message)
    result = index.match(message)
    assert [m.topic_id for m in result.matches] == [1]
    unrelated = (
        "The committee met on Tuesday to discuss the schedule for the next quarter and agreed "
        "to meet again after the holidays."
    )
    assert index.match(unrelated).matches == ()


LOSSES = [
    TopicNames(1, "Russian military casualties in Ukraine", ("russian soldiers killed",)),
    TopicNames(2, "Russian aircraft lost in Ukraine"),
    TopicNames(3, "Russian tanks lost in Ukraine"),
    TopicNames(4, "Pakistan: People Affected by Floods"),
    TopicNames(5, "Mozambique: Tropical Cyclone Freddy, Floods & Cholera: People Killed"),
    TopicNames(6, "Mozambique: Tropical Cyclone Freddy, Floods & Cholera: People Affected"),
    TopicNames(7, "Syria: Syrian Refugees in Turkey"),
    TopicNames(8, "Bolivia: People in Need"),
]


@pytest.fixture(scope="module")
def losses() -> TopicIndex:
    return TopicIndex(LOSSES)


def best(result: MatchResult) -> list[int]:
    return [m.topic_id for m in result.matches]


def test_a_loss_of_a_place_whose_people_are_a_side_is_not_the_other_sides(
    losses: TopicIndex,
) -> None:
    """Ukraine's losses are not Russia's; a loss *in* Ukraine may be."""
    for question in (
        "ukraine aircraft losses",
        "втрати україни",
        "how many soldiers has ukraine lost",
    ):
        result = losses.match(question)
        assert best(result) == [], question
    assert best(losses.match("aircraft shot down over ukraine")) == [2]
    assert best(losses.match("сколько самолетов сбито над украиной")) == [2]


def test_a_loss_asked_of_a_topic_that_counts_none_is_no_answer(losses: TopicIndex) -> None:
    result = losses.match("how many people died in the pakistan floods")
    assert best(result) == []
    assert result.suggestions[0].topic_id == 4
    assert best(losses.match("people affected by the pakistan floods")) == [4]


def test_one_word_many_topics_share_is_no_answer(losses: TopicIndex) -> None:
    for question in ("losses", "lost"):
        assert best(losses.match(question)) == [], question
    assert best(losses.match("russian soldiers killed")) == [1]


def test_a_headline_is_answered_when_it_repeats_its_best_topic(losses: TopicIndex) -> None:
    """Its other words keep a headline below the cut, but read as a message it repeats the
    same topic."""
    headline = "Cyclone Freddy: people killed in Mozambique floods rise to 165, Reuters says"
    assert not losses.is_message(headline)
    assert best(losses.match(headline)) == [5]
    assert best(losses.match("Cyclone Freddy: thousands of people left without homes")) == []


def test_a_message_about_another_place_repeats_nothing_here(losses: TopicIndex) -> None:
    elsewhere = (
        "Russian troops killed in Syria, the defence ministry says, in the first such "
        "admission since the air campaign there began years ago"
    )
    assert losses.is_message(elsewhere)
    assert best(losses.match(elsewhere)) == []
    # ... even where no topic is named after the place it happened in.
    assert best(TopicIndex(LOSSES[:3]).match(elsewhere)) == []
    here = (
        "Russia's defence ministry says only 498 Russian soldiers have been killed in "
        "Ukraine so far, in its first admission of losses since the invasion began"
    )
    assert best(losses.match(here)) == [1]


def test_a_message_naming_a_place_repeats_its_people() -> None:
    index = TopicIndex(
        [
            TopicNames(1, "Refugees from Ukraine in Germany", ("ukrainian refugees in germany",)),
            TopicNames(2, "Refugees from Ukraine in Poland", ("ukrainian refugees in poland",)),
        ]
    )
    message = (
        "Germany registered more than 1 million people fleeing the war in Ukraine, the interior "
        "ministry says, as arrivals slow"
    )
    assert index.is_message(message)
    result = index.match(message)
    assert best(result) == [1]
    assert result.matches[0].score == 1.0  # the whole name repeated


def test_a_topic_with_many_quotes_is_no_long_document() -> None:
    """Thirty claims' quotes make no longer a text about a topic than one: BM25 does not rank
    it below topics of one quote for their length."""
    quotes = tuple(
        f"Statement {i}: the ministry reported figures on day {i} of the operation, citing "
        "field commanders and regional officials in several oblasts"
        for i in range(30)
    )
    said = ("Ukraine's General Staff",)
    topics = [TopicNames(1, "Russian military casualties in Ukraine", (), said, (), quotes)]
    for i, thing in enumerate(["tanks", "aircraft", "helicopters", "drones", "artillery"], 2):
        tally = ("Total combat losses of the enemy: personnel, tanks, aircraft",)
        topics.append(TopicNames(i, f"Russian {thing} lost in Ukraine", (), said, (), tally))
    index = TopicIndex(topics)
    message = (
        "Russia has lost about 300,000 troops since Feb. 24, 2022, Ukraine's General Staff "
        "says in its update on the war"
    )
    assert best(index.match(message)) == [1]


def test_a_message_repeats_a_name_only_with_enough_of_it(losses: TopicIndex) -> None:
    """Naming a place, or one word of a name, repeats nothing."""
    assert best(losses.match_message("I was in Syria last year, and in Turkey before that")) == []
    assert best(losses.match_message("so many people in need these days, and it is sad")) == []
    assert best(losses.match_message("Syrian refugees in Turkey now number 3.4 million")) == [7]


def test_where_a_loss_happened_is_read_a_few_words_back(losses: TopicIndex) -> None:
    for question in (
        "tanks destroyed in the ukraine war",
        "aircraft shot down over eastern ukraine",
        "aircraft lost in ukrane",
    ):
        assert best(losses.match(question)) in ([2], [3]), question


@pytest.mark.parametrize(
    "question",
    [
        "ukrainian aircraft shot down by russia",
        "aircraft shot down by russia",
        "> Ukraine lost 50 tanks near Zaporizhzhia, Russian MoD claims. is this true?",
        "Russian MoD: Ukraine lost over 10,000 troops in June alone",
        "Russian media: Ukraine lost 50 tanks",
        "Ukraine says 31,000 of its soldiers killed, Zelensky gives the first official toll "
        "of the war on Sunday in Kyiv",  # a pasted message
        "Ukrainian government says 31,000 soldiers killed",
        # a side after a verb of losing, or before a speaker that does not speak, suffers
        "aircraft lost by Ukraine",
        "How many tanks were lost by Ukraine?",
        "Ukrainian government losses",
        "How many soldiers has the Ukrainian government lost?",
        "How many Ukrainian government troops were killed",
        "tanks lost #Ukraine",
        # a side before a verb of acting, with an auxiliary, acts
        "how many ukrainian aircraft has russia shot down",
        "Russia has destroyed 40 aircraft, its MoD says",
    ],
)
def test_a_side_speaking_or_acting_is_not_the_side_a_loss_is_about(
    losses: TopicIndex, question: str
) -> None:
    assert best(losses.match(question)) == []


@pytest.mark.parametrize(
    "question",
    [
        "how many tanks does Russia have",
        "how many troops does russia have in ukraine right now",
        "russian tanks in service",
        "how many tanks has Russia bought",
    ],
)
def test_what_a_side_holds_or_buys_is_not_what_it_lost(losses: TopicIndex, question: str) -> None:
    assert best(losses.match(question)) == []


def test_buying_food_is_no_production() -> None:
    index = TopicIndex([TopicNames(1, "Sudan: People in Food Crisis/Emergency (IPC phase 3+)")])
    assert best(index.match("sudan people in food crisis who can't buy food")) == [1]


def test_what_a_side_lost_is_still_asked_with_have(losses: TopicIndex) -> None:
    assert best(losses.match("how many russian soldiers have died")) == [1]
    assert best(losses.match("how many tanks did russia lose")) == [3]
    # ... and asking the bot for data is no asking what a side holds.
    assert best(losses.match("do you have russian tank numbers")) == [3]


def test_a_side_acts_only_with_an_auxiliary(losses: TopicIndex) -> None:
    """ "Russian soldiers killed" and "russians killed" are Russia's losses; "has Russia
    killed" is not."""
    assert best(losses.match("how many russians killed")) == [1]
    assert best(losses.match("how many russian tanks has ukraine destroyed")) == [3]
    assert best(losses.match("how many soldiers has russia killed")) == []


def test_a_tally_of_several_things_is_answered_with_each_things_topic(
    losses: TopicIndex,
) -> None:
    tally = "aircraft – 439 (+0) & tanks – 12,251 (+4)"
    assert sorted(best(losses.match(tally))) == [2, 3]
    assert sorted(best(losses.match("russian tanks and aircraft lost"))) == [2, 3]
    # ... each its own, and none another side's.
    assert best(losses.match("aircraft – 439 (+0) & submarines – 2 (+0)")) == []
    assert best(losses.match("ukrainian tanks and aircraft lost")) == []


def test_a_terse_question_its_best_topic_explains_is_answered(losses: TopicIndex) -> None:
    """A pasted tally line names only the thing counted; its topic has every word of it."""
    assert best(losses.match("tanks — 12,251 (+4)")) == [3]
    assert best(losses.match("russian Su-25 losses")) == [2]
    # ... not a word it lacks, nor a topic tied with another.
    assert best(losses.match("tanks lost in chechnya")) == []
    # ... nor when all it names is a place.
    france = TopicIndex([TopicNames(1, "Refugees from Ukraine in France"), *LOSSES[1:3]])
    assert best(france.match("who is the president of france")) == []
    assert best(losses.match("Cyclone Freddy: thousands of people left without homes")) == []


def test_a_side_after_according_to_is_the_one_speaking(losses: TopicIndex) -> None:
    assert best(losses.match("UA KIA per Russian MoD")) == []
    assert best(losses.match("потери ВСУ по данным Минобороны РФ")) == []
    assert best(losses.match("RU KIA according to the Ukrainian GenStaff")) == [1]


@pytest.mark.parametrize(
    "question",
    [
        "how many Ukrainian troops killed according to Russia",
        "Ukrainian tanks lost according to Russia",
        "Ukrainian soldiers killed per Russia",
        "Russia claims Ukrainian soldiers killed",
        "what does Russia say about Ukrainian casualties",
        "Russian estimate of Ukrainian soldiers killed",
    ],
)
def test_a_side_speaking_with_no_speaker_named_leaves_the_loss_to_the_other(
    losses: TopicIndex, question: str
) -> None:
    """Russia's count of Ukraine's losses is not a count of Russia's, though the topic says
    "in Ukraine": a side after "according to" or "per", or before a word of saying, speaks."""
    assert best(losses.match(question)) == []


def test_a_side_speaking_with_no_speaker_named_keeps_its_own_loss(losses: TopicIndex) -> None:
    assert best(losses.match("Russian tanks lost according to Ukraine")) == [3]
    assert best(losses.match("Russian soldiers killed per Ukraine")) == [1]


def test_italian_and_portuguese_words_for_losses_are_read() -> None:
    """Italian and Portuguese words are real words, never corrected: the lexicon must know
    them ("soldati russi morti" was read by correcting it before they were)."""
    index = TopicIndex(LOSSES)
    assert index.read("soldati russi morti").terms == ["troop", "russian", "killed"]
    assert index.read("mortos russos").terms == ["killed", "russian"]
    assert best(index.match("soldati russi morti")) == [1]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Total combat losses of the enemy: personnel 1,456,610 (+1,010) #GeneralStaffZSU", 1),
        ("втрати противника за добу за даними Генштабу ЗСУ", 1),
        ("UA GenStaff: enemy aircraft losses", 2),
        ("потери противника по данным Минобороны РФ", None),
        ("MoD of Russia: enemy tanks destroyed", None),
        ("enemy losses", None),  # no one speaking: whose enemy is not said
    ],
)
def test_the_enemy_is_the_side_its_speaker_is_at_war_with(
    losses: TopicIndex, text: str, topic: int | None
) -> None:
    assert best(losses.match(text))[:1] == ([topic] if topic else [])


def test_a_claimants_country_is_not_the_topics_side() -> None:
    """The UK Ministry of Defence counts Russian losses: the UK is who counted, not whose
    losses, and a question naming it is still about them."""
    index = TopicIndex(
        [
            TopicNames(
                1,
                "Russian military casualties in Ukraine",
                claimants=("UK Ministry of Defence", "Ukraine's General Staff"),
            ),
            TopicNames(2, "Russian tanks lost in Ukraine"),
        ]
    )
    assert best(index.match("latest UA GenStaff figure for RU personnel")) == [1]
    assert best(index.match("what does the UK say about russian casualties")) == [1]
    assert best(index.match("ukrainian soldiers killed")) == []


def test_peoples_in_the_plural_name_their_place() -> None:
    index = TopicIndex([TopicNames(1, "Iraq: IDPs"), TopicNames(2, "Syria: IDPs")])
    assert index.read("iraqis displaced").terms == ["iraqi", "idp"]
    assert best(index.match("displaced iraqis"))[:1] == [1]


def test_sudan_is_not_south_sudan() -> None:
    index = TopicIndex(
        [
            TopicNames(1, "South Sudan: S. Sudanese Refugees in Uganda"),
            TopicNames(2, "Sudan: Sudanese Refugees in Chad"),
            TopicNames(3, "South Sudan: IDPs"),
        ]
    )
    assert best(index.match("sudanese refugees in uganda")) == []
    assert best(index.match("south sudanese refugees in uganda")) == [1]
    assert best(index.match("sudan idps")) == []
    assert best(index.match("idps in south sudan")) == [3]


def test_a_place_is_read_as_its_people_where_only_they_are_named() -> None:
    index = TopicIndex(
        [
            TopicNames(1, "Ethiopia: Eritrean Refugees & Asylum-Seekers in Ethiopia"),
            TopicNames(2, "Ethiopia: Refugees & Asylum-Seekers in Ethiopia"),
            TopicNames(3, "Ethiopia: Somali Refugees in Ethiopia"),
            TopicNames(4, "Ethiopia: South Sudanese Refugees in Ethiopia"),
        ]
    )
    assert best(index.match("how many refugees from eritrea are in ethiopia")) == [1]


@pytest.mark.parametrize(
    "question", ["how many refugees are in eritrea", "refugees hosted by eritrea"]
)
def test_a_place_where_people_are_is_not_read_as_its_people(question: str) -> None:
    """Refugees in Eritrea are not Eritrean refugees elsewhere."""
    index = TopicIndex(
        [
            TopicNames(1, "Sudan: Eritrean Refugees & Asylum-Seekers in Sudan"),
            TopicNames(2, "Ethiopia: Eritrean Refugees & Asylum-Seekers in Ethiopia"),
            TopicNames(3, "Sudan: Total Refugees & Asylum-Seekers in Sudan"),
        ]
    )
    assert best(index.match(question)) == []


def test_people_a_place_hosts_are_not_a_stock_of_arms() -> None:
    """ "Does Turkey have" asks about the refugees it hosts, which the topic counts."""
    index = TopicIndex(
        [
            TopicNames(1, "Syria: Syrian Refugees in Turkey"),
            TopicNames(2, "Syria: Syrian Refugees in Lebanon"),
            TopicNames(3, "Sudan: IDPs"),
            TopicNames(4, "Russian tanks lost in Ukraine"),
        ]
    )
    assert best(index.match("how many syrian refugees does turkey have")) == [1]
    assert best(index.match("how many IDPs does sudan have")) == [3]
    assert best(index.match("how many tanks does russia have")) == []


def test_quoted_figures_weigh_together_as_one(losses: TopicIndex) -> None:
    """However many numbers a pasted tally has, they weigh as one figure."""
    one = losses.match("russian tanks lost 498", message=False).matches[0].score
    many = losses.match("russian tanks lost 12,251 (+4)", message=False).matches[0].score
    assert many == one


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("russian aircraft shot down by ukraine", 2),
        ("Russia has lost 300,000 troops since Feb. 24, 2022, Ukraine's General Staff says", 1),
        ("Ukraine's General Staff: Russia lost 12 more tanks today", 3),
    ],
)
def test_a_side_named_as_the_speaker_leaves_the_loss_to_the_other(
    losses: TopicIndex, question: str, topic: int
) -> None:
    assert best(losses.match(question))[:1] == [topic]


def test_soldiers_are_not_civilians() -> None:
    index = TopicIndex(
        [
            TopicNames(1, "Ukraine: Civilians Killed since 24 Feb 2022"),
            TopicNames(2, "Russian military casualties in Ukraine"),
        ]
    )
    assert best(index.match("civilians killed in ukraine")) == [1]
    soldiers = index.match("soldiers killed in ukraine")  # whose soldiers, it does not say
    assert [m.topic_id for m in (*soldiers.matches, *soldiers.suggestions)] == [2]
    by_troops = index.match("civilians killed by russian troops")  # the troops acting
    assert best(by_troops) == [] and by_troops.suggestions[0].topic_id == 1


def test_a_measure_the_data_does_not_hold_gets_no_confident_answer(losses: TopicIndex) -> None:
    for question in ("how many tanks did russia produce this year", "russian aircraft launched"):
        assert best(losses.match(question)) == [], question


def test_a_message_naming_who_said_it_is_not_about_their_country(losses: TopicIndex) -> None:
    message = (
        "Russian soldiers killed in Ukraine now number 300,000 or more, Germany's intelligence "
        "chief said on Monday, citing new estimates"
    )
    assert best(losses.match(message)) == [1]


def test_place_names_are_not_read_as_jargon() -> None:
    """ "Char" is a tank in French but a place in "Bhasan Char"; "Moskva" is Moscow."""
    lexicon = Lexicon.from_files(LEXICON_PATH)
    assert "tank" not in lexicon.terms(words("Bhasan Char"))
    assert "warship" not in lexicon.terms(words("Moskva"))
    # ... nor ordinary words: French "ne", the Tor browser, a deportation.
    assert "northeast" not in lexicon.terms(words("ne sont pas rentrés"))
    assert "airdefence" not in lexicon.terms(words("people using tor"))
    assert "returnee" not in lexicon.terms(words("children deported"))
    # "Latin America" is not the United States; Chad's Lac region is not Latin America.
    assert "usa" not in lexicon.terms(words("Venezuelans in Latin America & the Caribbean"))
    assert "latinamerica" not in lexicon.terms(words("Protection Incidents in Lac Region"))


def test_sides_are_not_read_into_words_whose_side_depends_on_the_speaker() -> None:
    lexicon = Lexicon.from_files(LEXICON_PATH)
    assert "russian" not in lexicon.terms(words("enemy losses"))
    assert lexicon.terms(words("ukrainian 200s")) == ["ukrainian", "troop", "killed"]
    assert lexicon.terms(words("wie viele zivilisten die")) == ["civilian", "killed"]


def test_the_terms_the_rules_ask_for_are_terms_the_lexicon_reads() -> None:
    """A rule that asks for a term no word reads as ("media" read as "medium") never fires."""
    lexicon = Lexicon.from_files(LEXICON_PATH)
    terms = SPEAKER_TERMS | FIELD_TERMS | SUFFERED
    assert {t: lexicon.terms([t]) for t in terms if lexicon.terms([t]) != [t]} == {}


def test_every_word_of_the_shipped_lexicon_reads_as_its_term() -> None:
    """A variant that reads as something else (a filler word, another group's term) is a
    lexicon entry that can never match."""
    lexicon = Lexicon.from_files(LEXICON_PATH)
    shipped = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    wrong = {
        (canonical, variant): lexicon.terms(words(variant))
        for canonical, variants in shipped["synonyms"].items()
        for variant in variants
        if lexicon.terms(words(variant)) != lexicon.terms(words(canonical))
    }
    assert wrong == {}


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("сколько подводных лодок", ["submarine"]),  # the lexicon has "подводная лодка"
        ("скільки крилатих ракет", ["cruisemissile"]),
        ("внутрішньо переміщених осіб", ["idp"]),
        ("сирийские беженцы", ["syrian", "refugee"]),
        ("cruise missiles downed", ["cruisemissile", "casualty"]),
        ("armored vehicle", ["apc"]),  # the lexicon has the plural
        ("поранені цивільні в україні оон", ["injured", "civilian", "ukraine", "un"]),
        ("скільки біженців з україни загалом", ["refugee", "ukraine"]),
        ("знищені рсзв противника", ["casualty", "mlrs", "enemy"]),
    ],
)
def test_phrases_and_words_are_read_in_any_inflection(question: str, terms: list[str]) -> None:
    assert Lexicon.from_files(LEXICON_PATH).terms(words(question)) == terms


def test_country_codes_are_places_only_when_written_in_capitals() -> None:
    index = TopicIndex([TopicNames(1, "South Sudan: S. Sudanese Refugees in Ethiopia")])
    assert index.read("SSD refugees in ETH").terms == ["southsudan", "refugee", "ethiopia"]
    assert index.read("CAR PiN").terms[:3] == ["central", "african", "republic"]
    assert "central" not in index.read("car bomb").terms  # a word, in lower case
    assert "canada" not in index.read("CAN you help").terms  # a code that is a word
    assert "sudan" not in index.read("SSD PRICES ARE UP").terms  # all capitals: shouting
    assert "drc" not in index.read("COG IDPs").terms  # the Republic of the Congo is not the DRC
    assert index.read("COD IDPs").terms == ["drc", "idp"]


def test_no_two_country_codes_read_as_one_place() -> None:
    lexicon = Lexicon.from_files(LEXICON_PATH)
    places: dict[tuple[str, ...], list[str]] = {}
    for code in country_codes():
        if code.casefold() in lexicon.codes:
            read = tuple(lexicon.terms(lexicon.codes[code.casefold()]))
            places.setdefault(read, []).append(code)
    assert {read: codes for read, codes in places.items() if len(codes) > 1} == {}


def test_a_misspelt_word_in_a_topics_name_is_read_as_meant() -> None:
    index = TopicIndex(
        [
            TopicNames(1, "Democratic Republic of the Congo: Chidren in Need"),
            TopicNames(2, "Democratic Republic of the Congo: People in Need"),
            TopicNames(3, "Democratic Republic of the Congo: Rwandan Refugees in DRC"),
        ]
    )
    assert best(index.match("how many children are in need in the DRC")) == [1]
    assert best(index.match("chidren in need drc")) == [1]
    assert "rwanda" not in index.read("rwandan refugees").terms  # a people, not a misspelt place


def test_words_outside_the_lexicon_meet_in_their_dictionary_form() -> None:
    index = TopicIndex(
        [
            TopicNames(1, "Mozambique: Tropical Cyclone Freddy, Floods & Cholera: People Affected"),
            TopicNames(2, "Mozambique: Tropical Cyclone Freddy, Floods & Cholera: People Killed"),
            TopicNames(3, "Mozambique: Tropical Cyclone Freddy, Floods & Cholera: Houses Damaged"),
        ]
    )
    assert index.read("affects").terms == index.read("affected").terms == ["affect"]
    assert best(index.match("how many people did cyclone freddy affect in mozambique")) == [1]


def test_a_thing_no_topic_counts_gets_no_confident_answer() -> None:
    """On data without tanks, "russian tank losses" is not Russian troop losses."""
    index = TopicIndex(LOSSES[:1])
    result = index.match("russian tank losses")
    assert best(result) == []
    assert result.suggestions[0].topic_id == 1
    assert best(index.match("russian losses")) == [1]


def test_words_of_country_names_that_name_no_place_are_not_places() -> None:
    places = Lexicon.from_files(LEXICON_PATH).places
    assert {"bolivia", "sudan", "southsudan", "south"} <= places
    assert not {"state", "republic", "united", "see", "man", "child"} & places
    assert "emirate" in places


def test_an_editor_lexicon_extends_the_shipped_one(tmp_path: Path) -> None:
    extra = tmp_path / "extra.json"
    extra.write_text(
        json.dumps({"synonyms": {"tank": ["mbt", "mbts"]}, "codes": {"KRG": "Iraq"}}),
        encoding="utf-8",
    )
    lexicon = Lexicon.from_files(LEXICON_PATH, extra)
    assert lexicon.terms(words("mbts lost")) == ["tank", "casualty"]
    index = TopicIndex([TopicNames(1, "Iraq: Syrian Refugees in Iraq")], lexicon)
    assert index.read("SYR refugees in KRG").terms == ["syria", "refugee", "iraq"]
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ClaimBotError, match=r"broken\.json cannot be read"):
        Lexicon.from_files(LEXICON_PATH, broken)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ({"synonyms": {"tank": "mbt"}}, "synonyms.tank"),  # a word where a list belongs
        ({"stopwords": "the"}, "stopwords"),
        ({"synonym": {"tank": ["mbt"]}}, "synonym"),  # a misspelt part would do nothing
        ({"contrasts": ["russian", "ukrainian"]}, "contrasts.0"),
        ({"codes": {"CAR": ["Central African Republic"]}}, "codes.CAR"),
    ],
)
def test_an_editor_lexicon_of_the_wrong_shape_is_refused_naming_the_part(
    tmp_path: Path, content: dict[str, object], named: str
) -> None:
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(ClaimBotError, match=rf"extra\.json cannot be read: .*{named}"):
        Lexicon.from_files(LEXICON_PATH, extra)


@pytest.mark.parametrize(
    "question", ["how many Leopards destroyed", "how many Bradleys destroyed", "HIMARS destroyed"]
)
def test_a_weapon_only_one_side_fields_names_that_side(question: str) -> None:
    """Leopards, Bradleys and HIMARS are Ukraine's: their losses are not Russia's tanks."""
    index = TopicIndex(
        [
            TopicNames(1, "Russian tanks lost in Ukraine"),
            TopicNames(2, "Russian armoured personnel carriers lost in Ukraine"),
            TopicNames(3, "Russian multiple rocket launchers lost in Ukraine"),
        ]
    )
    assert "ukrainian" in index.read(question).terms
    assert best(index.match(question)) == []


@pytest.mark.parametrize("word", ["osa", "ew"])
def test_ordinary_words_are_not_weapon_jargon(word: str) -> None:
    """ "osa" (a wasp; "dares") and "ew" (disgust) are no air defence or special equipment."""
    assert Lexicon.from_files(LEXICON_PATH).terms([word]) == [word]


def test_refugees_displaced_and_returnees_are_distinct() -> None:
    """A figure of refugees in Poland is no count of those who came back from it."""
    index = TopicIndex(
        [
            TopicNames(1, "Refugees from Ukraine in Poland"),
            TopicNames(2, "Refugees from Ukraine in Germany"),
            TopicNames(3, "Ukraine: Returnees"),
            TopicNames(4, "Ukraine: IDPs"),
            TopicNames(5, "Sudan: IDPs"),
        ]
    )
    for question in ("Ukrainian returnees from Poland", "Ukrainian IDPs in Poland"):
        assert 1 not in best(index.match(question)), question


def test_a_defence_minister_is_a_speaker(losses: TopicIndex) -> None:
    """ "Russian defence minister claims" names Russia as speaking, not as the side that lost."""
    assert best(losses.match("Ukrainian soldiers killed, Russian defence minister claims")) == []


def test_a_message_far_ahead_on_one_topic_is_still_held_by_its_sides(losses: TopicIndex) -> None:
    """The route for a message that repeats little of a topic far ahead of the rest keeps
    the rule that its sides rule the topic out: Russia's count of Ukraine's losses."""
    message = (
        "The Ukrainian army has lost more than 400,000 soldiers killed and wounded since the "
        "start of the operation, Russian defence minister claims"
    )
    assert best(losses.match(message)) == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how many refugees went back to syria", []),
        ("how many syrians went back to syria", []),
        ("how many refugees went back to ukraine", [3]),
    ],
)
def test_going_back_is_returning_though_going_is_filler(question: str, expected: list[int]) -> None:
    """ "Went" is filler, "went back" is not: refugees who went back to Syria are returnees,
    not refugees in Syria."""
    index = TopicIndex(
        [
            TopicNames(1, "Syria: Palestinian Refugees in Syria"),
            TopicNames(2, "Syria: Syrian Refugees in Lebanon"),
            TopicNames(3, "Ukraine: Returnees"),
            TopicNames(4, "Refugees from Ukraine"),
        ]
    )
    assert best(index.match(question)) == expected
