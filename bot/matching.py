"""Where matching happens: free-text questions and pasted messages onto topics.

Reading (``bot/reading.py``) turns text into words: links, handles, emoji codes and signatures
dropped, hashtags and camelCase split, every script split into words, Cyrillic words reduced to
lemmas. The lexicon (``bot/lexicon.json``, plus an editor's file named by
``CLAIMBOT_LEXICON``) maps words and phrases of every language onto one canonical English term,
drops filler words, and says which terms exclude each other; country names in English, Ukrainian,
Russian, German, Spanish, French, Polish, Italian and Portuguese come from pycountry. A word that
is not a word of its language (wordfreq) and no topic uses is corrected to the closest known
word when it is a likely typo (rapidfuzz, optimal string alignment). What remains is a set of
terms: word order does not matter.

Everything that describes a topic is indexed: its title and aliases (its names), its claimants
and metric names (its context), and its claims' quotes.

A short question is scored against each name: the share of the question's weight the name (or
the topic's context, a little less) explains, and the share of the name's weight the question
mentions. Weights are inverse topic frequencies for words the topics use; a word no topic uses
weighs as much as the rarest known word when it is a content word (a place, an unknown name) and
little when it is among the commonest words of its language ("hey", "thanks", "good"), so
"refugees in australia" gets no match while "hey, what about russian tanks" does. A topic that
names one side of a contrast the question names another side of ("russian" against
"ukrainian", "killed" against "injured") is a near miss and never matches. A topic scores as its
best name.

Rules hold a topic back from a confident answer whatever its score: a place, a side's loss or
a loss the question names and the topic lacks, or a question too vague to single it out. A
sentence or headline that falls short only for its other words is answered when, read as a
pasted message, it repeats the same topic; a terse question when its best topic has every one of
its content words, and a tally of several counted things with each thing's topic. Sides named
only as speaking or acting are not the side a figure is about, and "the enemy" is the side its
speaker is at war with.

A pasted message (a message shortcut, or a long text) is ranked with BM25 over each topic's
whole description (names, context and quotes, with field weights), and a topic is a confident
match when the message repeats most of one of its names or quotes (the share of that text's
weight found in the message, and of what it says beyond its places, with enough of its terms),
and does not say it happened somewhere the topic is not.

With a sentence-embedding model configured (``bot/semantic.py``), the topics found are ordered
within each tier (confident matches, suggestions) by their ranking score blended with the
text's cosine similarity to the topic's closest name; which topics are confident, suggested or
not found at all, and the scores shown, stay as the lexical stage decided.
"""

from __future__ import annotations

import gettext
import json
import math
import threading
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.errors import ClaimBotError
from bot.reading import (
    Word,
    clean,
    commonness,
    cyrillic_stem,
    is_cyrillic,
    is_real_word,
    language_of,
    lemma,
    zipf,
)
from bot.reading import words as _read_words
from bot.records import describe
from bot.semantic import SemanticModel

LEXICON_PATH = Path(__file__).with_name("lexicon.json")


@lru_cache(maxsize=64)
def read_words(text: str) -> tuple[Word, ...]:
    """A text's words (``bot.reading.words``), remembered for the few texts last read: a
    question is read several times (its terms, its sides, its places, its length)."""
    return tuple(_read_words(text))


#: A topic whose score reaches this is a confident answer.
CONFIDENT = 0.7
#: Below this a confident match is still shown with "did you mean" alternatives.
CERTAIN = 0.8
#: Topics within this margin of the best confident one make the question ambiguous.
AMBIGUITY_MARGIN = 0.05
#: Where several topics are named by all a question names, the share of a name the question
#: must name to single that topic out.
NAME_MOSTLY = 0.5
#: Topics scoring at least this are offered as suggestions.
SUGGEST = 0.2
#: How much of the question's weight is its own coverage (the rest is the name's coverage).
QUESTION_SHARE = 0.65
#: A question word found only in a topic's claimants or metric names explains this share of
#: its weight.
CONTEXT_SHARE = 0.8
#: A word no topic uses weighs this fraction of the rarest known word.
UNKNOWN_WEIGHT = 1.0
#: Numbers weigh this fraction of a word: a figure in a question ("498 soldiers") or a date in
#: a title ("since 24 Feb 2022") says little about which topic is meant.
NUMBER_WEIGHT = 0.25
#: A word no topic uses weighs less the more common it is in its language (Zipf scale): in full
#: up to RARE_ZIPF ("humanitarian" 4.2 weighs 0.9), down to COMMON_WEIGHT at COMMON_ZIPF
#: ("now" 6.2, "help" 5.8, "president" 5.5 weighs 0.4); places always weigh in full.
RARE_ZIPF = 4.0
COMMON_ZIPF = 6.5
COMMON_WEIGHT = 0.15
#: Shortest word that typo correction touches, and the similarity it needs.
MIN_TYPO_LENGTH = 4
TYPO_SIMILARITY = 0.79
#: A question of at least this many words is a sentence or headline: its best topic is
#: confident, too, when the question read as a pasted message repeats that topic, or ranks it
#: first while it scores at least HEADLINE_LEAD and leads the runner-up by AMBIGUITY_MARGIN.
SENTENCE_WORDS = 8
HEADLINE_LEAD = 0.6
#: A question whose every content word its best topic has is answered with it when it scores
#: at least EXPLAINED_LEAD and leads the next by EXPLAINED_MARGIN.
EXPLAINED_LEAD = 0.55
EXPLAINED_MARGIN = 0.1
#: A text of at least this many words is read as a pasted message, not a question.
MESSAGE_WORDS = 16
#: A message of fewer words is read as a question ("russian losses?" sent by a shortcut).
SHORTEST_MESSAGE = 6
#: A message repeats a topic when it mentions this share of one of its names' or quotes'
#: weight.
MESSAGE_CONFIDENT = 0.5
#: A message repeats a name or quote fully only with at least this many of its terms.
MESSAGE_TERMS = 3
#: ... and this share when it names a place the topic's names lack.
MESSAGE_ELSEWHERE = 0.7
#: A message that repeats at least this share of its best-ranked topic's name or quote is a
#: confident match too when that topic's BM25 score is MESSAGE_LEAD times the runner-up's.
MESSAGE_LEADING = 0.3
MESSAGE_LEAD = 1.5
#: BM25's term-frequency saturation and length normalisation, and each field's weight.
BM25_K1 = 1.2
BM25_B = 0.75
FIELD_WEIGHTS = {"name": 2.0, "context": 1.0, "quote": 1.0}
#: A country code this common as an English word is read as the word, even in capitals.
COMMON_CODE_ZIPF = 4.0
#: How many words' terms a lexicon remembers.
MAX_REMEMBERED = 200_000
#: Words that make the side after them the one acting, after a verb of acting ("shot down by
#: Russia", "killed by Russian troops"); never after a verb of losing ("lost by Ukraine").
AGENT_WORDS = frozenset({"by", "durch", "par", "przez"})
ACTING_WORDS = frozenset(
    {
        "shot", "down", "downed", "destroyed", "destroy", "destroys", "killed", "kill", "kills",
        "hit", "struck", "sunk", "sank", "intercepted", "captured", "attacked", "bombed",
        "shelled", "targeted", "eliminated", "neutralised", "neutralized", "liquidated",
    }
)  # fmt: skip
#: Words that make a side before (or just after) a verb of acting the one acting: "Russia has
#: shot down", "how many has Russia destroyed".
AUXILIARIES = frozenset({"has", "have", "had", "did", "does", "do"})
#: Words before a speaker that make the side with it the one speaking: "according to the
#: Russian MoD", "per UA GenStaff", "по данным Минобороны РФ".
SOURCE_WORDS = frozenset(
    {"according", "per", "данным", "даними", "laut", "selon", "segun", "wedlug"}
)
#: The term of "the enemy", whose side is the one its speaker is at war with.
ENEMY = "enemy"
#: Terms of a side's speaker ("Russian MoD", "Ukraine's General Staff"), and the words that
#: make it speak ("says", or a colon after it): a speaker's side says nothing of whose loss it
#: reports.
SPEAKER_TERMS = frozenset(
    {"mod", "genstaff", "government", "media", "president", "embassy", "spokesman"}
)
#: Words by which a side speaks of itself ("Ukraine says 31,000 of its soldiers killed").
SELF_WORDS = frozenset({"it", "its", "itself", "their", "own", "we", "our", "us"})
#: Speakers that name their side after themselves ("General Staff ZSU", "MoD of Ukraine").
INSTITUTIONS = frozenset({"mod", "genstaff"})
SAYING_WORDS = frozenset(
    {
        "say", "says", "said", "claim", "claims", "claimed", "report", "reports", "reported",
        "announce", "announces", "announced", "according", "states", "stated", "estimate",
        "estimates", "estimated",
        "заявив", "заявила", "заявили", "заявляє", "повідомив", "повідомили", "повідомляє",
        "стверджує", "заявил", "заявляет", "сообщил", "сообщили", "сообщает", "утверждает",
    }
)  # fmt: skip
#: Things the field counts (the lexicon's terms for them): a question about one that no topic
#: counts gets no confident answer.
FIELD_TERMS = frozenset(
    {
        "tank", "apc", "aircraft", "helicopter", "drone", "airdefence", "artillery", "mlrs",
        "warship", "submarine", "cruisemissile", "vehicle", "robotic", "refugee", "idp",
        "returnee", "pow", "conscript", "launch", "production", "stock",
    }
)  # fmt: skip
#: The term of what a side holds ("in service", "how many tanks does Russia have"): a measure
#: no loss topic counts.
STOCK = "stock"
#: Verbs of holding, read as asking what is held after "do", "does" or "did" ("how many troops
#: does Russia have in Ukraine"), not in "how many soldiers have died".
HOLDING_WORDS = frozenset({"have", "own", "possess", "field", "operate", "keep"})
HOLDING_AUXILIARIES = frozenset({"do", "does", "did"})
#: Who a question asks has something, when it asks for data ("do you have russian tank
#: numbers"), not what a side holds.
ASKED = frozenset({"you", "u", "ya", "we", "i", "claimbot", "bot"})


def _asks_what_is_held(tokens: Sequence[str]) -> bool:
    """Whether a question asks what a side holds: a verb of holding after "do", "does" or
    "did" whose subject is not the bot or the asker."""
    return any(
        token in HOLDING_WORDS
        and HOLDING_AUXILIARIES & set(tokens[max(0, i - 3) : i])
        and not ASKED & set(tokens[max(0, i - 3) : i])
        for i, token in enumerate(tokens)
    )


#: The terms of what a side suffers: losses, deaths, wounded, prisoners.
SUFFERED = frozenset({"casualty", "killed", "injured", "pow"})
#: Words before a place that say where something happened, not whose it is.
PLACE_PREPOSITIONS = frozenset(
    [
        "in",
        "from",
        "into",
        "inside",
        "within",
        "over",
        "across",
        "on",
        "at",
        "near",
        "throughout",
        "в",
        "у",
        "во",
        "на",
        "над",
        "під",
        "под",
        "по",
        "із",
        "из",
        "з",
    ]
)
#: Prepositions of place that say where people are or go, not where they come from ("refugees
#: in Eritrea", "hosted by Eritrea" are no Eritrean refugees).
HOST_PREPOSITIONS = (PLACE_PREPOSITIONS - {"from", "із", "из", "з"}) | {"by", "to"}
#: The peoples a side hosts or holds, which a "does Turkey have" question asks about: those
#: topics count them, unlike a side's stock of arms.
HOSTED = frozenset({"refugee", "idp", "returnee", "migrant"})
#: Words of countries' names that name no place by themselves ("Plurinational State of").
NOT_PLACES = frozenset(
    {
        "state", "states", "republic", "united", "island", "islands", "federation", "federal",
        "federated", "democratic", "people", "peoples", "plurinational", "kingdom", "minor",
        "outlying", "territory", "territories", "islamic", "arab", "province", "sar", "former",
        "union", "commonwealth", "bolivarian", "principality", "grand", "duchy", "sultanate",
        "part", "and", "of", "the", "da", "de", "del", "city", "cook", "jan", "man",
        "see", "heard", "holy", "ocean", "isle", "sandwich", "central", "virgin", "christmas",
        "cocos", "turks", "northern", "southern", "western", "saint", "san", "martin", "pierre",
        "vincent",
    }
)  # fmt: skip
#: Languages whose country names are read (pycountry's translations).
PLACE_LANGUAGES = ("uk", "ru", "de", "es", "fr", "pl", "it", "pt")


@dataclass(frozen=True, slots=True)
class TopicNames:
    """A topic as the matcher sees it: its names, and the rest that describes it."""

    id: int
    title: str
    aliases: tuple[str, ...] = ()
    claimants: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """A topic and how well a question fits it, from 0 to 1."""

    topic_id: int
    title: str
    score: float


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Confident matches (best first) and close topics worth suggesting."""

    matches: tuple[Match, ...]
    suggestions: tuple[Match, ...]

    @property
    def certain(self) -> bool:
        """Whether the best match is strong enough to stand without alternatives."""
        return bool(self.matches) and self.matches[0].score >= CERTAIN


def words(text: str) -> list[str]:
    """The plain words of a text, possessives dropped."""
    return [w.text for w in read_words(text)]


def singular(word: str) -> str:
    """A cheap English singular: enough to make "losses", "casualties" and "troops" agree."""
    if word[:1].isdigit():
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


class LexiconFile(BaseModel):
    """A lexicon file as written (``bot/lexicon.json``, ``CLAIMBOT_LEXICON``): every part
    optional, nothing else allowed, so a misspelt part or a word where a list belongs is
    refused rather than read as something else."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    comment: str | None = Field(default=None, alias="_comment")
    synonyms: dict[str, list[str]] = {}
    stopwords: list[str] = []
    contrasts: list[list[str]] = []
    demonyms: dict[str, str] = {}
    codes: dict[str, str] = {}
    enemies: dict[str, str] = {}


class Lexicon:
    """Synonyms, filler words and places, applied identically to questions and topics."""

    def __init__(
        self,
        synonyms: dict[str, list[str]],
        stopwords: Iterable[str],
        contrasts: Iterable[Iterable[str]] = (),
        places: dict[str, list[str]] | None = None,
        demonyms: dict[str, str] | None = None,
        codes: dict[str, str] | None = None,
        enemies: dict[str, str] | None = None,
    ) -> None:
        self._words: dict[str, str] = {}
        self._terms: dict[str, tuple[str, ...]] = {}
        self._phrases: dict[tuple[str, ...], str] = {}
        for canonical, variants in synonyms.items():
            for variant in [canonical, *variants]:
                self._add(variant, canonical)
        self._stop: set[str] = set()
        for stopword in stopwords:
            parts = tuple(words(stopword))
            if len(parts) == 1:
                self._stop.add(parts[0])
            elif parts:
                self._phrases[parts] = ""
        self._index_phrases()
        self.places: frozenset[str] = frozenset()
        for name, variants in (places or {}).items():
            canonical = " ".join(self.terms(words(name)))
            if not canonical:
                continue
            for variant in variants:
                if tuple(words(variant)) not in self._phrases:
                    self._add(variant, canonical, keep=True)
            self.places |= set(self.terms([w for w in words(name) if w not in NOT_PLACES]))
        self._index_phrases()
        self._terms.clear()  # words read before every place was added
        stems: dict[str, set[str]] = defaultdict(set)
        for word, term in self._words.items():
            if is_cyrillic(word):
                stems[cyrillic_stem(word)].add(term)
        #: Cyrillic lexicon words by stem, where the stem says one thing.
        self._stems = {stem: terms.pop() for stem, terms in stems.items() if len(terms) == 1}
        self.contrasts: tuple[frozenset[str], ...] = tuple(
            frozenset(self.terms(words(" ".join(group)))) for group in contrasts
        )
        #: The word for a place's people, by place term: "syrian" names Syria.
        self.demonyms: dict[str, str] = {
            " ".join(self.terms(words(place))): " ".join(self.terms(words(people)))
            for place, people in (demonyms or {}).items()
        }
        self.places_of: dict[str, list[str]] = defaultdict(list)
        for place, people in self.demonyms.items():
            self.places_of[people].append(place)
            if singular(people + "s") != people:  # "iraqis", which plural stripping spares
                self._add(people + "s", people)
        #: The side each side is at war with ("the enemy" in a text a side speaks).
        self.enemies: dict[str, str] = {
            " ".join(self.terms(words(side))): " ".join(self.terms(words(foe)))
            for side, foe in (enemies or {}).items()
        }
        #: The words a code stands for, by code, when it is written in capitals.
        self.codes: dict[str, list[str]] = {
            code.casefold(): words(name) for code, name in (codes or {}).items() if name
        }
        self.known_words: frozenset[str] = frozenset(
            set(self._words) | self._stop | {w for p in self._phrases for w in p}
        )
        self._known_by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self.known_words):
            self._known_by_initial[word[0]].append(word)
        self._spelled: dict[str, str] = {}

    def kin(self, term: str) -> list[str]:
        """The people of a place ("eritrea": "eritrean"), or the places of a people."""
        return [self.demonyms[term]] if term in self.demonyms else self.places_of.get(term, [])

    def spelled(self, token: str) -> str:
        """A word of a topic's name as the lexicon spells it, where it is no word of its
        language but a lexicon word misspelt ("Chidren in Need": "children")."""
        known = self._spelled.get(token)
        if known is not None:
            return known
        spelled = token
        if not (
            token in self.known_words
            or len(token) < MIN_TYPO_LENGTH
            or not token.isalpha()
            or is_real_word(Word(token))
        ):
            best = process.extractOne(
                token,
                self._known_by_initial.get(token[0], ()),
                scorer=OSA.normalized_similarity,
                score_cutoff=TYPO_SIMILARITY,
            )
            # Not into a place: "Rwandan" is its people, not "Rwanda" misspelt.
            if best and not set(self.terms([best[0]])) & self.places:
                spelled = best[0]
        if len(self._spelled) < MAX_REMEMBERED:
            self._spelled[token] = spelled
        return spelled

    def _index_phrases(self) -> None:
        """Phrase lengths by first word: a word tries only the phrases it starts."""
        sizes: dict[str, set[int]] = defaultdict(set)
        #: Cyrillic phrases by their words' stems ("подводная лодка": "подводн лодк").
        self._stem_phrases: dict[tuple[str, ...], str] = {}
        for phrase, canonical in self._phrases.items():
            sizes[phrase[0]].add(len(phrase))
            if canonical and any(is_cyrillic(w) for w in phrase):
                stems = tuple(cyrillic_stem(w) for w in phrase)
                self._stem_phrases[stems] = canonical
                sizes[stems[0]].add(len(phrase))
        self._sizes = {first: sorted(n, reverse=True) for first, n in sizes.items()}

    def _add(self, variant: str, canonical: str, keep: bool = False) -> None:
        parts = tuple(words(variant))
        if len(parts) == 1:
            for form in (parts[0], singular(parts[0])):
                if not keep or form not in self._words:
                    self._words[form] = canonical
        elif parts:
            phrases = {parts}
            if all(p.isascii() for p in parts):
                phrases.add(tuple(singular(p) for p in parts))
            for phrase in phrases:
                if not keep or phrase not in self._phrases:
                    self._phrases[phrase] = canonical

    @classmethod
    def from_files(cls, *paths: Path) -> Lexicon:
        """The lexicon of these files together: synonyms, stopwords and contrasts add up."""
        synonyms: dict[str, list[str]] = defaultdict(list)
        stopwords: list[str] = []
        contrasts: list[list[str]] = []
        demonyms: dict[str, str] = {}
        enemies: dict[str, str] = {}
        codes = dict(country_codes())
        for path in paths:
            try:
                data = LexiconFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as error:  # ValidationError is a ValueError
                said = describe(error) if isinstance(error, ValidationError) else error
                raise ClaimBotError(f"The lexicon {path} cannot be read: {said}") from error
            for canonical, variants in data.synonyms.items():
                synonyms[canonical].extend(variants)
            stopwords.extend(data.stopwords)
            contrasts.extend(data.contrasts)
            demonyms.update(data.demonyms)
            codes.update(data.codes)
            enemies.update(data.enemies)
        return cls(synonyms, stopwords, contrasts, country_names(), demonyms, codes, enemies)

    def terms(self, tokens: Sequence[str]) -> list[str]:
        """Canonical terms of already-split words, filler removed, phrases joined."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            canonical, size = self._phrase(tokens, i)
            if canonical is not None:
                out.extend(canonical.split())
                i += size
                continue
            out.extend(self._term(tokens[i]))
            i += 1
        return out

    def _term(self, token: str) -> tuple[str, ...]:
        """The canonical terms of one word (none for filler), remembered."""
        known = self._terms.get(token)
        if known is not None:
            return known
        term = "" if token in self._stop else self._words.get(token)
        if term is None:
            term = self._words.get(singular(token))
            if term is None:
                base = lemma(token)
                stop = base in self._stop
                term = "" if stop else self._words.get(base)
                if term is None and is_cyrillic(token):
                    term = self._stem(token) or base
                elif term is None and base != token:
                    term = base
        found = tuple((singular(token) if term is None else term).split())
        if len(self._terms) < MAX_REMEMBERED:
            self._terms[token] = found
        return found

    def _stem(self, token: str) -> str | None:
        """The term of a lexicon word with the same stem as a Cyrillic word, as written or as its
        lemma (германии, германию: германия), for inflections the lemmatiser does not know."""
        return self._stems.get(cyrillic_stem(token)) or self._stems.get(cyrillic_stem(lemma(token)))

    def _phrase(self, tokens: Sequence[str], i: int) -> tuple[str | None, int]:
        """The canonical term of the longest phrase starting at ``tokens[i]`` (as written, or
        as lemmas for a word outside ASCII), and its length."""
        plain = tokens[i].isascii()
        token = tokens[i]
        starts = (
            {token, singular(token)}
            if plain
            else {token, lemma(token), cyrillic_stem(token), cyrillic_stem(lemma(token))}
        )
        for size in sorted({n for w in starts for n in self._sizes.get(w, ())}, reverse=True):
            if i + size > len(tokens):
                continue
            window = tuple(tokens[i : i + size])
            canonical = self._phrases.get(window)
            if canonical is None:
                # Plurals and other inflections ("cruise missiles", "подводных лодок").
                canonical = self._phrases.get(
                    tuple(singular(t) if t.isascii() else lemma(t) for t in window)
                )
            if canonical is None and not plain:
                canonical = self._stem_phrases.get(
                    tuple(cyrillic_stem(lemma(t)) for t in window)
                ) or self._stem_phrases.get(tuple(cyrillic_stem(t) for t in window))
            if canonical is not None:
                return canonical, size
        return None, 0


@cache
def country_names() -> dict[str, list[str]]:
    """Every country's English name, with its names in the other languages read (pycountry)."""
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in PLACE_LANGUAGES
    ]
    names: dict[str, list[str]] = {}
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name.split(",")[0]
        variants = [country.name.split(",")[0]]
        variants += [t.gettext(country.name).split(",")[0] for t in translations]
        if hasattr(country, "common_name"):
            variants += [t.gettext(country.common_name) for t in translations]
        names[english] = variants
    return names


@cache
def country_codes() -> dict[str, str]:
    """Every country's English name by its three-letter code (ISO 3166-1 alpha-3: "SSD",
    "ETH"), leaving out codes that are common English words ("CAN", "ARE", "PER"), which
    people write in capitals for emphasis."""
    names = {}
    for country in pycountry.countries:
        if zipf(country.alpha_3.casefold(), "en") >= COMMON_CODE_ZIPF:
            continue
        # "Congo, The Democratic Republic of the": "The Democratic Republic of the Congo".
        first, _, rest = country.name.partition(", ")
        names[country.alpha_3] = getattr(country, "common_name", None) or f"{rest} {first}".strip()
    return names


@cache
def default_lexicon(extra: Path | None = None) -> Lexicon:
    """The lexicon shipped with ClaimBot, with an editor's extra file; read once per process."""
    return Lexicon.from_files(LEXICON_PATH, *([extra] if extra else []))


#: Index a topic in place while at most this share of the index's names are of replaced
#: topics; beyond it the live topics are laid out afresh (from their stored terms).
DEAD_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class _Reading:
    """A text's terms, each unknown one with the word it was read as written, accents and all
    (how common it is weighs it)."""

    terms: list[str]
    written: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Roles:
    """The sides a text names only as speaking, and those it names only as acting."""

    speakers: frozenset[str]
    agents: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Entry:
    """A topic as the index keeps it: the words it adds to typo correction, each name's terms
    (a row each) and text with the context terms that explain it, its contrast sides, its BM25
    document, and its names and quotes as units a message repeats."""

    topic: TopicNames
    tokens: frozenset[str]
    names: tuple[tuple[str, ...], ...]
    texts: tuple[str, ...]
    contexts: tuple[frozenset[str], ...]
    sides: frozenset[str]
    document: dict[str, float]
    units: tuple[tuple[str, ...], ...]
    places: frozenset[str]
    #: Its BM25 document's length: its names and context, and its quotes as long as one of
    #: them on average (a topic with many claims is no longer a text about it).
    length: float

    @property
    def named_by(self) -> frozenset[str]:
        """The terms of all its names (what name document frequencies count)."""
        return frozenset(t for name in self.names for t in name)


_UnitWeights = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]


class _Column:
    """A numpy array that grows at its end in amortised constant time (of rows of ``width``
    values each, when given)."""

    def __init__(self, dtype: type[np.generic], width: int | None = None) -> None:
        self._data: npt.NDArray[Any] = np.zeros((1024, *([width] if width else [])), dtype=dtype)
        self.size = 0

    def extend(self, values: Sequence[Any] | npt.NDArray[Any]) -> None:
        end = self.size + len(values)
        if end > len(self._data):
            grown = np.zeros(
                (max(end, 2 * len(self._data)), *self._data.shape[1:]), dtype=self._data.dtype
            )
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : end] = values
        self.size = end

    @property
    def values(self) -> npt.NDArray[Any]:
        return self._data[: self.size]


def _extend(postings: dict[str, npt.NDArray[np.int64]], term: str, new: npt.NDArray[Any]) -> None:
    old = postings.get(term)
    postings[term] = new if old is None else np.concatenate((old, new))


class _Rows:
    """Rows of term ids laid end to end (names, units, documents): every row's terms in one
    flat list, and how many each row has."""

    def __init__(self) -> None:
        self.terms: list[int] = []
        self._sizes: list[int] = []
        self._rows: npt.NDArray[np.int64] | None = None

    def add(self, terms: Iterable[int]) -> None:
        before = len(self.terms)
        self.terms.extend(terms)
        self._sizes.append(len(self.terms) - before)

    def offsets(self) -> npt.NDArray[np.int64]:
        """Where each row starts in ``terms``."""
        offsets = np.zeros(len(self._sizes), dtype=np.int64)
        np.cumsum(self._sizes[:-1], out=offsets[1:])
        return offsets

    def rows(self, first: int) -> npt.NDArray[np.int64]:
        """The row of each of ``terms``, rows numbered from ``first``."""
        if self._rows is None:
            self._rows = np.repeat(np.arange(len(self._sizes), dtype=np.int64), self._sizes)
        return first + self._rows

    def postings(self) -> Iterator[tuple[int, npt.NDArray[np.int64]]]:
        """Each term id with its places in ``terms``, ascending (so its rows ascend)."""
        if not self.terms:
            return
        keys = np.array(self.terms, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        cuts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        firsts = keys[np.concatenate(([0], cuts))].tolist()
        yield from zip(firsts, np.split(order, cuts), strict=True)


def _drop(
    postings: dict[str, npt.NDArray[np.int64]], terms: Iterable[str], start: int, end: int
) -> None:
    """Remove the positions ``start`` to ``end`` from these terms' postings (ascending, as
    positions are only ever appended)."""
    for term in terms:
        positions = postings[term]
        cut = np.searchsorted(positions, (start, end))
        kept = np.delete(positions, slice(int(cut[0]), int(cut[1])))
        if len(kept):
            postings[term] = kept
        else:
            del postings[term]


class _Read:
    """Texts read into words and terms, each distinct text once (topics share claimants,
    metrics and many names): for one build or update."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._names: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}
        self._words: dict[str, list[str]] = {}
        self._contexts: dict[tuple[str, ...], tuple[list[str], frozenset[str]]] = {}
        self._quotes: dict[str, list[str]] = {}

    def name(self, name: str) -> tuple[tuple[str, ...], frozenset[str]]:
        """A name's words as the lexicon spells them, and its terms."""
        known = self._names.get(name)
        if known is None:
            tokens = tuple(self._lexicon.spelled(token) for token in words(name))
            known = self._names[name] = tokens, frozenset(self._lexicon.terms(tokens))
        return known

    def context(self, texts: tuple[str, ...]) -> tuple[list[str], frozenset[str]]:
        """The words of claimants' and metrics' names, and their terms read as one text."""
        known = self._contexts.get(texts)
        if known is None:
            tokens = [w for text in texts for w in self._words_of(text)]
            known = self._contexts[texts] = tokens, frozenset(self._lexicon.terms(tokens))
        return known

    def quote(self, quote: str) -> list[str]:
        """A quote's terms."""
        known = self._quotes.get(quote)
        if known is None:
            known = self._quotes[quote] = self._lexicon.terms(words(quote))
        return known

    def _words_of(self, text: str) -> list[str]:
        known = self._words.get(text)
        if known is None:
            known = self._words[text] = words(text)
        return known


class TopicIndex:
    """An in-memory index of topics, built once, updated in place and queried many times.

    Names are rows of arrays (numpy), grouped by topic, with an inverted index from each term
    to the rows that have it; a question adds its terms' weights up along their postings in
    working arrays kept zero between questions, and scores, as a few vector operations, only
    the names it touched (any other scores 0), and only those that share a term with it when
    enough topics score above what a name explained by context terms alone could. Messages use
    a second inverted index, of term counts per topic for BM25, and the names and quotes of
    each topic as units. A changed topic's old rows are dropped from the inverted indexes and
    its new rows appended; the weights that depend on the whole corpus are recomputed as
    vectors, so an index updated in place scores exactly as one built afresh. With a
    ``semantic`` model, each name's embedding is a row of one more array, appended with the
    name's other rows. Every method is safe across threads.
    """

    def __init__(
        self,
        topics: Iterable[TopicNames],
        lexicon: Lexicon | None = None,
        semantic: SemanticModel | None = None,
    ) -> None:
        self._lexicon = lexicon or default_lexicon()
        self._semantic = semantic
        # The terms a topic must have when a question names them: sides and places.
        self._contrasting = frozenset().union(*self._lexicon.contrasts) | self._lexicon.places
        #: Places, and the sides of a contrast of peoples ("russian", "ukrainian", "usa").
        peoples = set(self._lexicon.demonyms.values())
        self._peoples = frozenset().union(
            *(group for group in self._lexicon.contrasts if group & peoples)
        )
        self._contrasting_sides = self._lexicon.places | self._peoples
        self._lock = threading.RLock()
        self._titles: tuple[str, ...] | None = None
        self._entries: dict[int, _Entry] = {}
        self._surface_uses: Counter[str] = Counter()
        #: How many topics' names name each place.
        self._place_uses: Counter[str] = Counter()
        self._surface_set: set[str] = set(self._lexicon.known_words)
        self._term_ids: dict[str, int] = {}
        self._terms_by_id: list[str] = []
        self._name_df = _Column(np.int64)
        self._message_df = _Column(np.int64)
        self._numeric = _Column(np.bool_)
        self._placeish = _Column(np.bool_)
        read = _Read(self._lexicon)
        for topic in topics:
            self._add_entry(self._describe(topic, read))
        # Typos rarely touch a word's first letter: only words starting alike are candidates.
        self._surface_by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self._surface_set):
            self._surface_by_initial[word[0]].append(word)
        self._lay_out()

    @property
    def titles(self) -> tuple[str, ...]:
        """Every topic's title, alphabetically (sorted when first asked after a change)."""
        with self._lock:
            if self._titles is None:
                self._titles = tuple(sorted(e.topic.title for e in self._entries.values()))
            return self._titles

    @property
    def size(self) -> int:
        """How many topics the index matches (those with at least one name)."""
        return len(self._slot_of)

    def update(self, changed: Iterable[int], topics: Iterable[TopicNames]) -> None:
        """Re-index the ``changed`` topics in place: ``topics`` are their current names (a
        changed topic not among them no longer has active claims and leaves the index)."""
        read = _Read(self._lexicon)
        described = [self._describe(topic, read) for topic in topics]
        with self._lock:
            for topic_id in set(changed) | {entry.topic.id for entry in described}:
                old = self._entries.pop(topic_id, None)
                if old is not None:
                    self._forget(old)
            for entry in described:
                for word in self._add_entry(entry):
                    insort(self._surface_by_initial[word[0]], word)
            if self._dead_rows > DEAD_SHARE * len(self._name_dead.values):
                self._lay_out()
            else:
                self._append([e for e in described if e.names])
                self._refresh()

    def _describe(self, topic: TopicNames, read: _Read) -> _Entry:
        """A topic's names, context, sides, document and units as terms (texts already read in
        ``read`` are not read again)."""
        tokens: set[str] = set()
        term_sets = []
        texts = []
        for name in (topic.title, *topic.aliases):
            name_tokens, terms = read.name(name)
            tokens.update(name_tokens)
            if terms:
                term_sets.append(terms)
                texts.append(name)
        context_tokens, topic_context = read.context((*topic.claimants, *topic.metrics))
        tokens.update(context_tokens)
        quotes = [q for q in map(read.quote, topic.quotes) if q]
        named_by = frozenset().union(*term_sets)
        described_by = named_by | topic_context
        # A topic that names a place's people ("Syrian refugees") names the place.
        named = {place for p in described_by for place in self._lexicon.places_of.get(p, ())}
        # Its sides are those its names name: a claimant's country ("UK Ministry of Defence")
        # says who counted, not whose figure it is.
        sides = (
            named_by | {place for p in named_by for place in self._lexicon.places_of.get(p, ())}
        ) & self._contrasting
        # ... and a topic about a place explains a question about its people ("UA IDPs").
        demonyms = self._lexicon.demonyms
        people = {demonyms[p] for p in described_by if p in demonyms}
        context = topic_context | named | (people - sides)
        document: dict[str, float] = defaultdict(float)
        for terms in term_sets:
            for term in terms:
                document[term] += FIELD_WEIGHTS["name"]
        for term in topic_context:
            document[term] += FIELD_WEIGHTS["context"]
        for quote in quotes:
            for term in quote:
                document[term] += FIELD_WEIGHTS["quote"]
        quoted = FIELD_WEIGHTS["quote"] * sum(map(len, quotes))
        names = tuple(tuple(sorted(terms)) for terms in term_sets)
        return _Entry(
            topic,
            frozenset(tokens),
            names,
            tuple(texts),
            tuple(context - terms for terms in term_sets),
            sides,
            dict(document),
            names + tuple(tuple(sorted(set(quote))) for quote in quotes),
            self._places(frozenset().union(*term_sets)),
            sum(document.values()) - quoted + quoted / max(len(quotes), 1),
        )

    def _places(self, terms: Iterable[str]) -> frozenset[str]:
        """The places these terms name, by name or by their people ("syrian": Syria)."""
        places_of = self._lexicon.places_of
        return frozenset(
            place
            for term in terms
            for place in ((term,) if term in self._lexicon.places else places_of.get(term, ()))
        )

    def _term(self, term: str) -> int:
        known = self._term_ids.get(term)
        if known is None:
            known = self._term_ids[term] = len(self._term_ids)
            self._terms_by_id.append(term)
            self._name_df.extend([0])
            self._message_df.extend([0])
            self._numeric.extend([term.isdigit()])
            self._placeish.extend([bool(self._places([term]))])
        return known

    def _add_entry(self, entry: _Entry) -> list[str]:
        """Count a topic's terms and words in the corpus statistics; the words it is the first
        to bring to typo correction."""
        self._entries[entry.topic.id] = entry
        self._place_uses.update(entry.places)
        new = []
        for token in entry.tokens:
            self._surface_uses[token] += 1
            if token not in self._surface_set:
                self._surface_set.add(token)
                new.append(token)
        if entry.names:
            named_by, document = (
                list(map(self._term, t)) for t in (entry.named_by, entry.document)
            )
            self._name_df.values[named_by] += 1
            self._message_df.values[document] += 1
        return new

    def _forget(self, entry: _Entry) -> None:
        """Take a topic out: its statistics, its words, and its rows from the postings."""
        for token in entry.tokens:
            self._surface_uses[token] -= 1
            if not self._surface_uses[token]:
                del self._surface_uses[token]
                if token not in self._lexicon.known_words:
                    self._surface_set.discard(token)
                    initial = self._surface_by_initial[token[0]]
                    del initial[bisect_left(initial, token)]
        self._place_uses.subtract(entry.places)
        if not entry.names:
            return
        self._name_df.values[[self._term_ids[t] for t in entry.named_by]] -= 1
        self._message_df.values[[self._term_ids[t] for t in entry.document]] -= 1
        slot = self._slot_of.pop(entry.topic.id)
        starts, unit_starts = self._starts.values, self._unit_starts.values
        start, end = int(starts[slot]), int(starts[slot]) + len(entry.names)
        units = int(unit_starts[slot]), int(unit_starts[slot]) + len(entry.units)
        self._name_dead.values[start:end] = True
        self._unit_dead.values[units[0] : units[1]] = True
        self._dead_rows += end - start
        self._length_total -= self._lengths.values[slot]
        _drop(self._postings, entry.named_by, start, end)
        _drop(self._context, frozenset().union(*entry.contexts), start, end)
        _drop(self._sides, entry.sides, start, end)
        _drop(self._unit_postings, {t for unit in entry.units for t in unit}, *units)
        for term in entry.document:
            slots, counts = self._bm25[term]
            if len(slots) > 1:
                at = int(np.searchsorted(slots, slot))
                self._bm25[term] = (np.delete(slots, at), np.delete(counts, at))
            else:
                del self._bm25[term]

    def _lay_out(self) -> None:
        """Lay out every live topic's rows afresh, in topic order."""
        self._slots: list[TopicNames] = []
        self._slot_of: dict[int, int] = {}
        self._starts, self._unit_starts = _Column(np.int64), _Column(np.int64)
        #: Each name's topic (its slot).
        self._row_slots = _Column(np.int64)
        self._lengths = _Column(np.float64)
        self._length_total = 0.0
        self._name_terms, self._name_bounds = _Column(np.int64), _Column(np.int64)
        self._name_dead = _Column(np.bool_)
        self._unit_terms, self._unit_bounds = _Column(np.int64), _Column(np.int64)
        self._unit_dead = _Column(np.bool_)
        #: Each name's embedding (unit length), with a semantic model.
        self._name_vectors = (
            _Column(np.float32, self._semantic.dimensions) if self._semantic else None
        )
        self._dead_rows = 0
        #: A question's working arrays, a row each (kept zero between questions), and the
        #: names it touches: a little longer than the names, for the rows updates add.
        self._work = np.zeros((5, 0), dtype=np.float64)
        self._marks = np.zeros(0, dtype=np.bool_)
        self._postings: dict[str, npt.NDArray[np.int64]] = {}
        self._context: dict[str, npt.NDArray[np.int64]] = {}
        self._sides: dict[str, npt.NDArray[np.int64]] = {}
        self._unit_postings: dict[str, npt.NDArray[np.int64]] = {}
        self._bm25: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]] = {}
        self._append([e for _, e in sorted(self._entries.items()) if e.names])
        self._refresh()

    def _append(self, entries: Sequence[_Entry]) -> None:
        """Add these topics' rows, units and documents at the end."""
        ids, any_ids = self._term_ids.__getitem__, self._term
        # (A context or side term that no name nor document has is given an id here.)
        names, contexts, sides, units, documents = _Rows(), _Rows(), _Rows(), _Rows(), _Rows()
        counts: list[float] = []
        starts, unit_starts, lengths = [], [], []
        first = (self._name_bounds.size, self._unit_bounds.size, len(self._slots))
        row, unit = first[:2]
        for entry in entries:
            self._slot_of[entry.topic.id] = len(self._slots)
            self._slots.append(entry.topic)
            starts.append(row)
            row += len(entry.names)
            topic_sides = list(map(any_ids, entry.sides))
            for terms, explained_by in zip(entry.names, entry.contexts, strict=True):
                names.add(map(ids, terms))
                contexts.add(map(any_ids, explained_by))
                sides.add(topic_sides)
            unit_starts.append(unit)
            unit += len(entry.units)
            for terms in entry.units:
                units.add(map(ids, terms))
            documents.add(map(ids, entry.document))
            counts.extend(entry.document.values())
            lengths.append(entry.length)
            self._length_total += lengths[-1]
        self._name_bounds.extend(self._name_terms.size + names.offsets())
        self._name_terms.extend(names.terms)
        self._unit_bounds.extend(self._unit_terms.size + units.offsets())
        self._unit_terms.extend(units.terms)
        self._starts.extend(starts)
        self._row_slots.extend(
            np.repeat(np.arange(first[2], len(self._slots)), [len(e.names) for e in entries])
        )
        self._unit_starts.extend(unit_starts)
        self._lengths.extend(lengths)
        self._name_dead.extend(np.zeros(row - first[0], dtype=np.bool_))
        self._unit_dead.extend(np.zeros(unit - first[1], dtype=np.bool_))
        if self._name_vectors is not None and self._semantic is not None:
            self._name_vectors.extend(
                self._semantic.embed([text for entry in entries for text in entry.texts])
            )
        terms_by_id = self._terms_by_id
        for postings, rows, start in (
            (self._postings, names, first[0]),
            (self._context, contexts, first[0]),
            (self._sides, sides, first[0]),
            (self._unit_postings, units, first[1]),
        ):
            positions = rows.rows(start)
            for term, at in rows.postings():
                _extend(postings, terms_by_id[term], positions[at])
        slots, weights = documents.rows(first[2]), np.array(counts, dtype=np.float64)
        for term, at in documents.postings():
            new = (slots[at], weights[at])
            old = self._bm25.get(terms_by_id[term])
            self._bm25[terms_by_id[term]] = (
                new
                if old is None
                else (np.concatenate((old[0], new[0])), np.concatenate((old[1], new[1])))
            )

    def _refresh(self) -> None:
        """Recompute, as vectors, every weight that depends on the whole corpus: term weights
        (inverse topic frequencies) and, from them, each name's weight (each unit's when a
        message next needs it)."""
        total = max(len(self._slot_of), 1)
        damping = np.where(self._numeric.values, NUMBER_WEIGHT, 1.0)
        name_df = self._name_df.values
        self._term_weights = np.log(1 + total / np.maximum(name_df, 1)) * damping
        message_df = self._message_df.values
        self._message_weights = (
            np.log(1 + (total - message_df + 0.5) / (message_df + 0.5)) * damping
        )
        self._unknown_weight = UNKNOWN_WEIGHT * math.log(1 + total)
        self._average_length = self._length_total / len(self._slot_of) if self._slot_of else 1.0
        self._name_weights = self._sums(
            self._term_weights, self._name_terms, self._name_bounds, self._name_dead, 1.0
        )
        self._units_weighed: _UnitWeights | None = None
        self._titles = None
        rows = len(self._name_weights)
        if rows > len(self._marks):
            self._work = np.zeros((5, rows + rows // 8), dtype=np.float64)
            self._marks = np.zeros(rows + rows // 8, dtype=np.bool_)
        self._shared, self._explained = self._work[0, :rows], self._work[1, :rows]
        self._touched, self._scratch = self._marks[:rows], self._work[2:]

    @property
    def _unit_weights(self) -> _UnitWeights:
        """Each unit's total message weight, that of its terms that are not places (what it
        says about them), and its number of terms, summed when a message first needs them."""
        if self._units_weighed is None:
            weights = self._message_weights
            whole, said, size = (
                self._sums(w, self._unit_terms, self._unit_bounds, self._unit_dead, 0.0)
                for w in (weights, np.where(self._placeish.values, 0.0, weights), np.sign(weights))
            )
            self._units_weighed = whole, said, size
        return self._units_weighed

    @staticmethod
    def _sums(
        weights: npt.NDArray[np.float64],
        terms: _Column,
        bounds: _Column,
        dead: _Column,
        dead_weight: float,
    ) -> npt.NDArray[np.float64]:
        """Each row's total term weight (``dead_weight`` for a replaced topic's rows)."""
        if not bounds.size:
            return np.zeros(0, dtype=np.float64)
        sums: npt.NDArray[np.float64] = np.add.reduceat(weights[terms.values], bounds.values)
        sums[dead.values] = dead_weight
        return sums

    def read(self, text: str) -> _Reading:
        """A text's canonical terms, typos corrected, with each term's language."""
        tokens: list[str] = []
        written: dict[str, str] = {}
        with self._lock:
            for word in read_words(text):
                if word.capitals and word.text in self._lexicon.codes:
                    tokens.extend(self._lexicon.codes[word.text])
                    continue
                corrected = self._correct(word)
                tokens.append(corrected)
                if word.written and corrected == word.text:
                    written[corrected] = word.written
        terms = self._lexicon.terms(tokens)
        if ENEMY in terms:
            terms = self._enemy(text, terms)
        if _asks_what_is_held(tokens) and not (SUFFERED | HOSTED) & set(terms):
            terms.append(STOCK)
        return _Reading(terms, {t: written.get(t, t) for t in terms})

    def _enemy(self, text: str, terms: list[str]) -> list[str]:
        """A text's terms with "the enemy" read as the side its speaker is at war with
        ("Total combat losses of the enemy — General Staff ZSU": Russia's), and dropped where
        the text names no one speaking."""
        demonyms, enemies = self._lexicon.demonyms, self._lexicon.enemies
        speaking = {demonyms.get(side, side) for side in self._roles(text).speakers}
        foes = {enemies[side] for side in speaking if side in enemies}
        foe = foes.pop().split() if len(foes) == 1 else []
        return [read for term in terms for read in (foe if term == ENEMY else [term])]

    def is_message(self, text: str, pasted: bool = False) -> bool:
        """Whether a text is long enough to be read as a pasted message; one that came as a
        message (``pasted``: a message shortcut) is, unless it is as short as a question."""
        return len(read_words(text)) >= (SHORTEST_MESSAGE if pasted else MESSAGE_WORDS)

    def _located(self, text: str) -> set[str]:
        """The places a text names only after a preposition of place, at most two words back
        ("in Ukraine", "over eastern Ukraine", "in South Sudan", "над Україною"): where
        something happened, not whose it is. Typos are corrected first."""
        tokens = [self._correct(word) for word in read_words(text)]
        located: set[str] = set()
        unlocated: set[str] = set()
        for i, token in enumerate(tokens):
            for term in self._places(self._lexicon.terms([token])):
                where = not PLACE_PREPOSITIONS.isdisjoint(tokens[max(0, i - 2) : i])
                (located if where else unlocated).add(term)
        return located - unlocated

    def _correct(self, word: Word) -> str:
        token = word.text
        if (
            token in self._surface_set
            or len(token) < MIN_TYPO_LENGTH
            or token.isdigit()
            or is_real_word(word)
        ):
            return token
        best = process.extractOne(
            token,
            self._surface_by_initial.get(token[0], ()),
            scorer=OSA.normalized_similarity,
            score_cutoff=TYPO_SIMILARITY,
        )
        return best[0] if best else token

    def _known_weight(self, term: str) -> float | None:
        """A term's weight when a topic's name has it."""
        term_id = self._term_ids.get(term)
        if term_id is None or not self._name_df.values[term_id]:
            return None
        return float(self._term_weights[term_id])

    def _weight(self, term: str, written: str) -> float:
        """A term's weight: a name's term by its rarity among the names; an unknown one by
        how common the word (``written``, as it was written) is in its language."""
        known = self._known_weight(term)
        if known is not None:
            return known
        if term.isdigit():
            return self._unknown_weight * NUMBER_WEIGHT
        if term in self._lexicon.places:
            return self._unknown_weight
        common = commonness(written, language_of(term))
        rarity = (COMMON_ZIPF - common) / (COMMON_ZIPF - RARE_ZIPF)
        return self._unknown_weight * min(1.0, max(COMMON_WEIGHT, rarity))

    def _weights(self, reading: _Reading) -> dict[str, float]:
        """Each of a text's terms with its weight; the figures it quotes that no name has
        weigh together as one ("1,456,610 (+1,010)" says no more than "498")."""
        weights = {t: self._weight(t, reading.written[t]) for t in reading.terms}
        figures = [t for t in weights if t.isdigit() and self._known_weight(t) is None]
        for figure in figures:
            weights[figure] /= len(figures)
        return weights

    def _mask(self, terms: Iterable[str]) -> npt.NDArray[np.bool_]:
        """The names whose topic has any of these contrast terms."""
        mask = np.zeros(len(self._name_weights), dtype=np.bool_)
        for term in terms:
            if term in self._sides:
                mask[self._sides[term]] = True
        return mask

    def _contradicted(self, terms: set[str]) -> npt.NDArray[np.bool_] | None:
        """The names whose topic has one of a contrast group's terms and the question another."""
        contradicted = None
        for group in self._lexicon.contrasts:
            asked = terms & group
            if not asked:
                continue
            lacks_asked = np.zeros(len(self._name_weights), dtype=np.bool_)
            for term in asked:
                lacks_asked |= ~self._mask([term])
            found = self._mask(group - asked) & lacks_asked
            contradicted = found if contradicted is None else contradicted | found
        return contradicted

    def match(
        self, question: str, suggestions: int = 3, message: bool | None = None
    ) -> MatchResult:
        """Confident matches for a question, and up to ``suggestions`` close topics; a pasted
        message (``message``, or by default any text of MESSAGE_WORDS words or more) is
        matched as one."""
        if message is None:
            message = self.is_message(question)
        if message:
            return self.match_message(question)
        with self._lock:
            result = self._question(question, suggestions)
            ranking = {m.topic_id: m.score for m in (*result.matches, *result.suggestions)}
            matches, close = self._reordered(question, result, ranking)
            return MatchResult(matches, close[:suggestions])

    def _question(self, question: str, suggestions: int) -> MatchResult:
        """A question's match as its words decide it, suggestions not yet cut to their number:
        confident by its score, or as a sentence or headline by one of two routes."""
        result, held = self._match(question, suggestions)
        if result.matches or not result.suggestions or result.suggestions[0].topic_id in held:
            return result
        content = self._content(question)
        explained = self._explains_all(content, result.suggestions, held) or self._tally(
            content, result.suggestions, held
        )
        if explained:
            # A terse question that says nothing its best topic lacks, far ahead of the rest
            # ("air defense systems – 1,556 (+1)", "RU MLRS destroyed (Grad, Uragan, Smerch)").
            return MatchResult(
                explained, tuple(m for m in result.suggestions if m not in explained)
            )
        if len(read_words(question)) < SENTENCE_WORDS or not self._names_its_peoples(
            result.suggestions[0].topic_id, question
        ):
            return result
        # A sentence or headline whose best topic falls short only for its other words
        # ("Cyclone Freddy death toll in Mozambique rises to 165"): confident when read as
        # a pasted message it repeats that same topic; topics as close to it that the
        # message repeats too are shown with it.
        best = result.suggestions[0]
        read, _ = self._match_message(question, suggestions)
        repeated = {m.topic_id for m in read.matches}
        # ... or when its best topic, clearly ahead of the rest, is also the one the
        # message ranks first ("how many people are displaced inside sudan since the
        # fighting started").
        runner_up = result.suggestions[1].score if len(result.suggestions) > 1 else 0.0
        first = (*read.matches, *read.suggestions)[:1]
        if (
            best.score >= HEADLINE_LEAD
            and best.score - runner_up >= AMBIGUITY_MARGIN
            and [m.topic_id for m in first] == [best.topic_id]
        ):
            repeated.add(best.topic_id)
        if best.topic_id not in repeated:
            return result
        shown = tuple(
            m
            for m in result.suggestions
            if m is best or (m.topic_id in repeated and m.score >= best.score - AMBIGUITY_MARGIN)
        )
        return MatchResult(shown, tuple(m for m in result.suggestions if m not in shown))

    def _explains_all(
        self, content: set[str], ranked: tuple[Match, ...], held: frozenset[int]
    ) -> tuple[Match, ...]:
        """The best topic, when it scores at least EXPLAINED_LEAD, leads the next by
        EXPLAINED_MARGIN, no rule holds it back, and has every content word of the question
        (each it does not know weighs under half a rare word's; figures aside), and more than
        a place or a side, in its names or context: a question that asks nothing it lacks, only
        less of it."""
        best = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if best.score < EXPLAINED_LEAD or best.score - runner_up < EXPLAINED_MARGIN:
            return ()
        if best.topic_id in held:
            return ()
        entry = self._entries[best.topic_id]
        if not content - self._contrasting_sides:
            return ()  # only a place or a side: "who is the president of france"
        return () if content - entry.named_by - frozenset().union(*entry.contexts) else (best,)

    def _tally(
        self, content: set[str], ranked: tuple[Match, ...], held: frozenset[int]
    ) -> tuple[Match, ...]:
        """For a question naming several things the field counts ("aircraft – 439 (+0),
        helicopters – 354 (+0)", "russian tanks and apcs lost"), the best topic for each: one
        no rule holds back, that counts it and has every other content word of the question;
        nothing unless every thing has its own."""
        things = content & FIELD_TERMS
        if len(things) < 2:
            return ()
        picked: dict[str, Match] = {}
        for match in ranked:
            entry = self._entries[match.topic_id]
            has = entry.named_by | frozenset().union(*entry.contexts)
            counted = things & entry.named_by
            if match.topic_id in held or len(counted) != 1 or content - things - has:
                continue
            picked.setdefault(counted.pop(), match)
        if picked.keys() != things:
            return ()
        return tuple(sorted(picked.values(), key=lambda m: (-m.score, m.title)))

    def _as_named(self, reading: _Reading, question: str) -> _Reading:
        """A reading with a place no name has read as its people where a name has them, and a
        people no name has as its place ("refugees from Eritrea": "Eritrean Refugees";
        "Iraqis displaced": "Iraq: IDPs"); never a place where people are ("refugees in
        Eritrea" are not Eritreans)."""
        named, hosts = self._postings, self._hosts(question)

        def as_named(term: str) -> str:
            if term in named or term in hosts:
                return term
            found = [k for k in self._lexicon.kin(term) if k in named]
            return found[0] if len(found) == 1 else term

        terms = [as_named(t) for t in reading.terms]
        if terms == reading.terms:
            return reading
        return _Reading(terms, {t: reading.written.get(t, t) for t in terms})

    def _hosts(self, text: str) -> set[str]:
        """The places a text names after a preposition of where people are, at most two words
        back ("in Eritrea", "inside Sudan"), not of where they come from."""
        tokens = [self._correct(word) for word in read_words(text)]
        return {
            term
            for i, token in enumerate(tokens)
            if not HOST_PREPOSITIONS.isdisjoint(tokens[max(0, i - 2) : i])
            for term in self._places(self._lexicon.terms([token]))
        }

    def _content(self, question: str) -> set[str]:
        """A question's content words: those a topic knows, and unknown ones weighing at least
        half a rare word's; figures aside. Read as the match reads it (:meth:`_as_named`)."""
        weights = self._weights(self._as_named(self.read(question), question))
        return {
            t
            for t, weight in weights.items()
            if not t.isdigit()
            and (t in self._postings or t in self._context or weight >= self._unknown_weight / 2)
        }

    def _names_its_peoples(self, topic_id: int, text: str) -> bool:
        """Whether a text names every people a topic's names name, itself or by its country
        ("Russia" for "Russian tanks lost in Ukraine"): a sentence that does not ("how many
        tanks did Hamas lose in the war") is not about it, however well its other words fit."""
        terms = set(self.read(text).terms)
        demonyms = self._lexicon.demonyms
        asked = terms | {demonyms[t] for t in terms if t in demonyms}
        return self._entries[topic_id].named_by & self._peoples <= asked

    def _match(self, question: str, suggestions: int) -> tuple[MatchResult, frozenset[int]]:
        """The match, and the topics among it that a rule holds back from a confident answer
        (a place, side or loss the question names that they lack, or a vague question)."""
        reading = self._as_named(self.read(question), question)
        terms = set(reading.terms)
        question_weight = sum(self._weights(reading).values())
        if not question_weight or not self._slot_of:
            return MatchResult((), ()), frozenset()
        roles = self._roles(question)
        contradicted = self._contradicted(self._about(terms, roles))
        shared, explained, touched = self._shared, self._explained, self._touched
        added: list[npt.NDArray[np.int64]] = []
        context: list[npt.NDArray[np.int64]] = []
        context_weight = 0.0
        try:
            for term in terms:
                if term in self._postings:
                    rows = self._postings[term]
                    added.append(rows)
                    np.add.at(shared, rows, self._term_weights[self._term_ids[term]])
                    touched[rows] = True
                if term in self._context:
                    rows = self._context[term]
                    added.append(rows)
                    context.append(rows)
                    weight = CONTEXT_SHARE * self._weight(term, reading.written[term])
                    np.add.at(explained, rows, weight)
                    context_weight += weight
            held = self._held(question, terms, roles, shared)
            # A name with none of the question's terms, only context terms, scores at most
            # this (rounded up): where enough topics score more by names that share a term,
            # the rest need not be scored.
            bound = float(
                np.round(QUESTION_SHARE * context_weight * (1 + 1e-9) / question_weight, 4)
            )
            scored = (np.flatnonzero(touched), question_weight, contradicted, held)
            ranked = self._ranked_names(*scored, suggestions + 8, bound if context else None)
            if ranked is None:
                for rows in context:
                    touched[rows] = True
                scored = (np.flatnonzero(touched), *scored[1:])
                ranked = self._ranked_names(*scored, suggestions + 8)
            if not ranked:
                return MatchResult((), ()), frozenset()
            confident = tuple(
                m
                for m in ranked
                if m.score >= CONFIDENT and m.score >= ranked[0].score - AMBIGUITY_MARGIN
            )
            close = tuple(m for m in ranked if m not in confident and m.score >= SUGGEST)
            kept = frozenset(
                m.topic_id
                for m in close
                if self._unheld(question_weight, contradicted, held, m.topic_id) < m.score - 1e-4
            )
        finally:
            # Zero again for the next question: posting by posting when it added up few.
            if sum(map(len, added)) > len(touched) // 8:
                shared.fill(0.0)
                explained.fill(0.0)
                touched.fill(False)
            else:
                for rows in added:
                    shared[rows] = explained[rows] = 0.0
                    touched[rows] = False
        return MatchResult(confident, close), kept

    def _ranked_names(
        self,
        rows: npt.NDArray[np.int64],
        question_weight: float,
        contradicted: npt.NDArray[np.bool_] | None,
        held: npt.NDArray[np.bool_],
        wanted: int,
        bound: float | None = None,
    ) -> list[Match] | None:
        """The ``wanted`` best topics (as ``_ranked``) by their best name among ``rows``, the
        names that score (ascending); None when ``bound`` is given and fewer than ``wanted``
        of those topics score above it."""
        if not len(rows):
            return None if bound is not None else []
        scores = self._scores(rows, question_weight)
        if contradicted is not None:
            scores[contradicted[rows]] = 0.0
        np.minimum(scores, CONFIDENT - 0.1, out=scores, where=held[rows])
        # Each topic's best name, among the topics of these names.
        slots = self._row_slots.values[rows]
        firsts = np.flatnonzero(np.concatenate(([True], slots[1:] != slots[:-1])))
        best = np.round(np.maximum.reduceat(scores, firsts), 4).astype(np.float64)
        if bound is not None and np.count_nonzero(best > bound) < wanted:
            return None
        top = best > 0
        return self._best(slots[firsts][top], best[top], wanted)

    def _scores(
        self, rows: npt.NDArray[np.int64], question_weight: float
    ) -> npt.NDArray[np.float64]:
        """These names' scores: the share of the question's weight they (or their context)
        explain, and of their own weight the question mentions; computed in scratch arrays
        (the same operations, in the same order, as one expression of whole arrays)."""
        size = len(rows)
        shared: npt.NDArray[np.float64] = np.take(
            self._shared, rows, out=self._scratch[0, :size], mode="clip"
        )
        scores: npt.NDArray[np.float64] = np.take(
            self._explained, rows, out=self._scratch[1, :size], mode="clip"
        )
        weights = np.take(self._name_weights, rows, out=self._scratch[2, :size], mode="clip")
        np.add(shared, scores, out=scores)
        np.multiply(QUESTION_SHARE, scores, out=scores)
        np.divide(scores, question_weight, out=scores)
        np.multiply(1 - QUESTION_SHARE, shared, out=shared)
        np.divide(shared, weights, out=shared)
        np.add(scores, shared, out=scores)
        return scores

    def _reordered(
        self, text: str, result: MatchResult, ranking: dict[int, float]
    ) -> tuple[tuple[Match, ...], tuple[Match, ...]]:
        """The words' result, its confident matches and its suggestions each ordered by the
        topic's ``ranking`` score (0 to 1) blended with the text's cosine similarity to the
        topic's closest name (negative similarities count as 0) when a semantic model is
        configured. Only the order changes, once every decision is made: no topic moves between
        the two, and each keeps its score."""
        confident, close = result.matches, result.suggestions
        semantic = self._semantic
        if semantic is None or (len(confident) < 2 and len(close) < 2):
            return confident, close
        assert self._name_vectors is not None  # laid out with the model
        question = semantic.embed([text])[0]
        vectors, starts = self._name_vectors.values, self._starts.values
        blended: dict[int, float] = {}
        for topic_id, score in ranking.items():
            start = int(starts[self._slot_of[topic_id]])
            names = vectors[start : start + len(self._entries[topic_id].names)]
            similarity = max(float(np.max(names @ question)), 0.0)
            blended[topic_id] = (1 - semantic.weight) * score + semantic.weight * similarity

        def order(tier: tuple[Match, ...]) -> tuple[Match, ...]:
            return tuple(sorted(tier, key=lambda m: (-blended[m.topic_id], m.title)))

        return order(confident), order(close)

    def _unheld(
        self,
        question_weight: float,
        contradicted: npt.NDArray[np.bool_] | None,
        held: npt.NDArray[np.bool_],
        topic_id: int,
    ) -> float:
        """A topic's best score among its names that no rule holds back (-1 for none, infinity
        when none is held back), from the question's sums still in the working arrays."""
        slot = self._slot_of[topic_id]
        starts = self._starts.values
        start = int(starts[slot])
        end = int(starts[slot + 1]) if slot + 1 < len(starts) else len(held)
        if not held[start:end].any():
            return math.inf  # none held back: its score stands
        shared = self._shared[start:end]
        scores = (
            QUESTION_SHARE * (shared + self._explained[start:end]) / question_weight
            + (1 - QUESTION_SHARE) * shared / self._name_weights[start:end]
        )
        if contradicted is not None:
            scores[contradicted[start:end]] = 0.0
        free = scores[~held[start:end]]
        return float(free.max()) if len(free) else -1.0

    def _roles(self, text: str) -> _Roles:
        """The sides a text names only as the one speaking ("Russian MoD: Ukraine lost 50
        tanks", "Ukraine's General Staff says", "according to the Russian MoD", or just beside
        a speaker: "UA GenStaff", "General Staff ZSU", "MoD of Ukraine") or acting
        ("aircraft shot down by Russia", "civilians killed by Russian troops", with the troops;
        "Russia has destroyed"), not as the one a figure is about."""
        speakers: set[str] = set()
        others: set[str] = set()
        agents: set[str] = set()
        segments = clean(text).split(":")
        for k, segment in enumerate(segments):
            tokens = [self._correct(word) for word in read_words(segment)]
            colon_after = k + 1 < len(segments)
            for i, token in enumerate(tokens):
                named = set(self._lexicon.terms([token])) & self._contrasting_sides
                if not named:
                    continue
                by = i - 2 if tokens[i - 1 : i] == ["the"] else i - 1
                troops = set(self._lexicon.terms(tokens[i + 1 : i + 2])) & {"troop"}
                verb = i + 1 + len(troops)
                if tokens[verb : verb + 1] and tokens[verb] in AUXILIARIES:
                    verb += 1  # "Russia has shot down"
                elif not (i and tokens[i - 1] in AUXILIARIES):
                    verb = -1  # "Russian killed" is no one acting; "has Russia killed" is
                acts = 0 <= verb < len(tokens) and tokens[verb] in ACTING_WORDS
                if acts or (
                    by >= 1 and tokens[by] in AGENT_WORDS and tokens[by - 1] in ACTING_WORDS
                ):
                    agents |= named | troops
                elif self._speaks(tokens, i, colon_after):
                    speakers |= named
                else:
                    others |= named
        return _Roles(frozenset(speakers - others), frozenset(agents))

    def _speaks(self, tokens: Sequence[str], i: int, colon_after: bool) -> bool:
        """Whether the side at ``tokens[i]`` is named as speaking: before a speaker that says
        something ("Russian MoD says", "Ukraine's General Staff:"), after "according to" with
        a speaker ("according to the Russian MoD", "по данным Минобороны РФ"), or just beside a
        speaker: before one ("UA GenStaff", "Russian media") or after an institution ("General
        Staff ZSU", "MoD of Ukraine", "Минобороны РФ")."""
        terms = self._lexicon.terms
        if SPEAKER_TERMS & set(terms(tokens[i + 1 : i + 4])) and (
            SAYING_WORDS & set(tokens[i + 1 : i + 6]) or (colon_after and i + 4 >= len(tokens))
        ):
            return True
        around = [*tokens[max(0, i - 3) : i], *tokens[i + 1 : i + 3]]
        if SOURCE_WORDS & set(tokens[max(0, i - 4) : i]) and SPEAKER_TERMS & set(terms(around)):
            return True
        # A side right after "according to" or "per", or right before a word of saying, speaks
        # with no speaker named ("Ukrainian tanks lost according to Russia", "Russia claims"),
        # unless what it says is of itself ("Ukraine says 31,000 of its soldiers killed").
        lead = [t for t in tokens[max(0, i - 3) : i] if t != "the"]
        if lead[-2:] == ["according", "to"] or lead[-1:] == ["per"]:
            return True
        if tokens[i + 1 : i + 2] and tokens[i + 1] in SAYING_WORDS:
            return not SELF_WORDS & set(tokens[i + 2 : i + 6])
        after = set(terms(tokens[i + 1 : i + 2]))
        if after and after <= SPEAKER_TERMS:
            return True
        before = tokens[max(0, i - 2) : i]
        if before[-1:] == ["of"]:
            before = before[:-1]
        last, pair = terms(before[-1:]), terms(before)
        if last and set(last) <= INSTITUTIONS:
            return True
        # ... or a two-word institution ("General Staff"), not one and another word.
        return len(pair) == 1 and pair[0] in INSTITUTIONS and pair not in (last, terms(before[:1]))

    def _about(self, terms: set[str], roles: _Roles) -> set[str]:
        """A text's terms less the sides it names only as acting, and only as speaking when it
        names another people ("UA KIA per Russian MoD" is about Ukraine's losses; "Ukrainian
        government says 31,000 soldiers killed" leaves whose open)."""
        about = terms - roles.agents
        told = about - roles.speakers
        return told if told & self._peoples else about

    def _acting(self, terms: set[str], agents: frozenset[str]) -> npt.NDArray[np.bool_]:
        """The names about the losses of a side the text names as acting, unless they are about
        a side it names as suffering too ("aircraft shot down by Russia" are not Russia's)."""
        acting = np.zeros(len(self._name_weights), dtype=np.bool_)
        if agents:
            sides = agents & self._contrasting_sides
            acting = self._mask(sides) & ~self._mask((terms - agents) & self._contrasting_sides)
        return acting

    def _another_side(self, subject: set[str], located: set[str]) -> npt.NDArray[np.bool_]:
        """The names about another side's loss than the one a text implies: a loss suffered by
        a place whose people are a side, where the text names no side ("ukraine aircraft
        losses", "втрати україни"), or names it only after a preposition of place
        (``located``: "Russian losses in Ukraine" is Russia's)."""
        wrong = np.zeros(len(self._name_weights), dtype=np.bool_)
        demonyms = self._lexicon.demonyms
        for group in self._lexicon.contrasts:
            implied = {demonyms[p] for p in subject - located if p in demonyms} & group
            if implied and not subject & group:
                wrong |= self._mask(group - implied) & ~self._mask(implied)
        return wrong

    def _held(
        self, question: str, terms: set[str], roles: _Roles, shared: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.bool_]:
        """The names a question may not be confidently answered with, whatever their score."""
        held = self._acting(terms, roles.agents)
        if any(t not in self._postings and t not in self._context for t in terms & FIELD_TERMS):
            # A thing the field counts that no topic counts ("tank losses" where no topic is
            # about tanks): every topic lacks it.
            held[:] = True
        for place in terms & self._lexicon.places:
            # A place the question names and the topic lacks, in its names and its claimants
            # ("what does the UK say about russian casualties").
            has = self._mask([place])
            if place in self._context:
                has[self._context[place]] = True
            held |= ~has
        if terms & SUFFERED:
            held |= self._another_side(
                terms - roles.agents - roles.speakers, self._located(question)
            )
            # Deaths or losses asked of a topic that counts none ("people died in the Pakistan
            # floods" is not "people affected").
            counts_losses = np.zeros(len(shared), dtype=np.bool_)
            for term in SUFFERED:
                for rows in (self._postings.get(term), self._context.get(term)):
                    if rows is not None:
                        counts_losses[rows] = True
            held |= ~counts_losses
        named = sum(self._term_weights[self._term_ids[t]] for t in terms if t in self._postings)
        if named and len(np.unique(self._row_slots.values[shared >= named - 1e-9])) >= 3:
            # Several topics are named by everything the question names: it singles one out
            # only by naming most of it, and never by one word ("losses", "refugees?").
            held |= shared < NAME_MOSTLY * self._name_weights
            if len(terms) == 1:
                held[:] = True
        return held

    def _ranked(
        self,
        scores: npt.NDArray[np.float64],
        wanted: int,
        shown: npt.NDArray[np.float64] | None = None,
    ) -> list[Match]:
        """The ``wanted`` best-scoring topics with a score above 0, best first (equal scores by
        title, wherever a topic lies in the index), each with its score (or its value in
        ``shown``)."""
        top = np.flatnonzero(scores > 0)
        return self._best(top, scores[top], wanted, None if shown is None else shown[top])

    def _best(
        self,
        slots: npt.NDArray[np.int64],
        scores: npt.NDArray[np.float64],
        wanted: int,
        shown: npt.NDArray[np.float64] | None = None,
    ) -> list[Match]:
        """The ``wanted`` best of these topics (by slot, with their scores above 0), as
        ``_ranked`` orders them."""
        shown = scores if shown is None else shown
        if len(slots) > wanted:
            cut = np.partition(scores, len(slots) - wanted)[len(slots) - wanted]
            kept = scores >= cut
            slots, scores, shown = slots[kept], scores[kept], shown[kept]
        ranked = sorted(
            (
                (float(score), Match(topic.id, topic.title, float(value)))
                for slot, score, value in zip(slots.tolist(), scores, shown, strict=True)
                for topic in (self._slots[slot],)
            ),
            key=lambda pair: (-pair[0], pair[1].title),
        )
        return [match for _, match in ranked[:wanted]]

    def _wrong_sides(self, text: str, terms: set[str], where: set[str]) -> npt.NDArray[np.bool_]:
        """The topics every name of which a message's sides rule out: it names one side of a
        contrast and they another, or it implies whose loss it is ("Ukraine says 31,000 of its
        soldiers killed") and they are about another's. Sides named only as speaking or acting
        do not count."""
        roles = self._roles(text)
        wrong = self._acting(terms, roles.agents)
        contradicted = self._contradicted(self._about(terms, roles))
        if contradicted is not None:
            wrong |= contradicted
        if terms & SUFFERED:
            wrong |= self._another_side(terms - roles.agents - roles.speakers, where)
        return np.logical_and.reduceat(wrong, self._starts.values)

    def _kin(self, terms: Iterable[str]) -> set[str]:
        """The peoples of the places among these terms and the places of their peoples, that
        they do not name themselves and some name or quote has."""
        terms = set(terms)
        kin = {k for t in terms for k in self._lexicon.kin(t)}
        return {t for t in kin - terms if t in self._unit_postings}

    def _message_bar(self, topic_id: int, asked: set[str], where: set[str]) -> float:
        """The share of a topic's name or quote a message must repeat to be about it, given the
        places the message names (``where``: those named as where something happened): a
        message that names a place the topic lacks may be about another place ("Germany's
        intelligence chief said"); one that says it happened there and leaves out the topic's
        own place is ("Russian troops killed in Syria" is not about "Russian military
        casualties in Ukraine")."""
        places = self._entries[topic_id].places
        if not asked - places:
            return MESSAGE_CONFIDENT
        return math.inf if (asked - places) & where and places - asked else MESSAGE_ELSEWHERE

    def match_message(self, text: str, limit: int = 5) -> MatchResult:
        """The topics a pasted message repeats, best first (BM25 over everything that describes
        a topic); a topic is confident when the message repeats most of one of its names or
        quotes."""
        with self._lock:
            result, ranking = self._match_message(text, limit)
            return MatchResult(*self._reordered(text, result, ranking))

    def _match_message(self, text: str, limit: int) -> tuple[MatchResult, dict[int, float]]:
        terms = Counter(self.read(text).terms)
        if not terms or not self._slot_of:
            return MatchResult((), ()), {}
        relevance = np.zeros(len(self._slots), dtype=np.float64)
        unit_weights, subject_weights, sizes = self._unit_weights
        covered = np.zeros(len(unit_weights), dtype=np.float64)
        about = np.zeros(len(unit_weights), dtype=np.float64)
        hits = np.zeros(len(unit_weights), dtype=np.float64)
        for term in terms:
            if term not in self._bm25:
                continue  # no topic has it (a unit's terms are all its topic's)
            term_id = self._term_ids[term]
            weight = self._message_weights[term_id]
            rows, counts = self._bm25[term]
            norm = BM25_K1 * (
                1 - BM25_B + BM25_B * self._lengths.values[rows] / self._average_length
            )
            relevance[rows] += weight * (counts * (BM25_K1 + 1) / (counts + norm))
            if term in self._unit_postings:
                covered[self._unit_postings[term]] += weight
                hits[self._unit_postings[term]] += weight > 0
                if not self._placeish.values[term_id]:
                    about[self._unit_postings[term]] += weight
        for term in self._kin(terms):
            # A place repeats its people, and a people its place ("fleeing the war in Ukraine"
            # repeats "Refugees from Ukraine"'s "ukrainian"), unless the message names them.
            rows, weight = self._unit_postings[term], self._message_weights[self._term_ids[term]]
            covered[rows] += weight
            hits[rows] += weight > 0
            if not self._placeish.values[self._term_ids[term]]:
                about[rows] += weight
        # A unit is repeated as far as the message repeats both all of it and what it says
        # about its places: "Iraq" alone does not repeat "Iraq: IDPs".
        share = np.divide(covered, unit_weights, where=unit_weights > 0, out=covered)
        said = np.divide(about, subject_weights, where=subject_weights > 0, out=share.copy())
        # ... and by at least MESSAGE_TERMS of its terms: "what share" does not repeat
        # "Russian conscript share".
        enough = np.minimum(1.0, hits / np.maximum(1.0, np.minimum(MESSAGE_TERMS, sizes)))
        coverage = np.maximum.reduceat(np.minimum(share, said) * enough, self._unit_starts.values)
        shown = np.round(coverage, 4).astype(np.float64)
        scored = self._ranked(relevance, limit, shown)
        # Places some topic is named after, named in the message ("in Syria", "Syrian").
        # The places the message says something happened in ("in Syria"), and those some
        # topic is named after that it names in passing ("Germany's intelligence chief").
        where = self._located(text)
        asked = {p for p in self._places(terms) if self._place_uses[p]} | where
        wrong = self._wrong_sides(text, set(terms), where)
        confident = tuple(
            m
            for m in scored
            if m.score >= self._message_bar(m.topic_id, asked, where)
            and not wrong[self._slot_of[m.topic_id]]
        )
        if (
            scored
            and not confident
            and scored[0].score >= MESSAGE_LEADING
            and self._message_bar(scored[0].topic_id, asked, where) == MESSAGE_CONFIDENT
            and not self._entries[scored[0].topic_id].places - asked
            and not wrong[self._slot_of[scored[0].topic_id]]
        ):
            # A message that repeats less of its best claim, which far outranks the rest.
            best, runner_up = (-np.partition(-relevance, 1)[:2]) if len(relevance) > 1 else (1, 0)
            if best >= MESSAGE_LEAD * runner_up:
                confident = (scored[0],)
        close = tuple(m for m in scored if m not in confident and m.score >= SUGGEST)
        # Ranked by BM25 relevance, as a share of the best topic's.
        top = float(relevance.max()) or 1.0
        ranking = {
            m.topic_id: float(relevance[self._slot_of[m.topic_id]]) / top
            for m in (*confident, *close)
        }
        return MatchResult(confident, close), ranking
