"""Where matching happens: free-text questions onto topics (titles and aliases).

A question and every topic name go through the same normalisation: accents folded, case and
punctuation dropped, possessives and plurals stripped, filler words removed, synonyms mapped
onto one canonical term (``bot/lexicon.json``), and unknown words corrected to the closest known
word when they are a likely typo (rapidfuzz, optimal string alignment). What remains is a set of
terms, so word order does not matter.

A name's score is a weighted overlap of the two term sets: the share of the question's weight the
name explains, and the share of the name's weight the question mentions (weights are inverse
topic frequencies, so "russian" counts for more than a word every topic shares). A word in the
question that no topic knows still weighs, so "refugees in poland" does not fall onto refugees
in Germany. A name that names one side of a contrast the question names another side of
("russian" against "ukrainian", "killed" against "injured") is a near miss and never matches.
A topic scores as its best name.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

LEXICON_PATH = Path(__file__).with_name("lexicon.json")

#: A topic whose score reaches this is a confident answer.
CONFIDENT = 0.7
#: Below this a confident match is still shown with "did you mean" alternatives.
CERTAIN = 0.8
#: Topics within this margin of the best confident one make the question ambiguous.
AMBIGUITY_MARGIN = 0.05
#: Topics scoring at least this are offered as suggestions.
SUGGEST = 0.2
#: How much of the question's weight is its own coverage (the rest is the name's coverage).
QUESTION_SHARE = 0.65
#: A word no topic uses weighs this fraction of the rarest known word.
UNKNOWN_WEIGHT = 1.0
#: Numbers weigh this fraction of a word: a figure in a question ("498 soldiers") or a date in
#: a title ("since 24 Feb 2022") says little about which topic is meant.
NUMBER_WEIGHT = 0.25
#: Shortest word that typo correction touches, and the similarity it needs.
MIN_TYPO_LENGTH = 4
TYPO_SIMILARITY = 0.8

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class TopicNames:
    """A topic as the matcher sees it."""

    id: int
    title: str
    aliases: tuple[str, ...] = ()


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


def fold(text: str) -> str:
    """Lower-case, accents removed, typographic apostrophes made plain."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("ı", "i"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The words of a text, possessives dropped ("russia's" -> "russia")."""
    return _WORD.findall(re.sub(r"'s\b|'", "", fold(text)))


def singular(word: str) -> str:
    """A cheap English singular: enough to make "losses", "casualties" and "troops" agree."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


class Lexicon:
    """Synonyms and filler words, applied identically to questions and topic names."""

    def __init__(
        self,
        synonyms: dict[str, list[str]],
        stopwords: Iterable[str],
        contrasts: Iterable[Iterable[str]] = (),
    ) -> None:
        self._words: dict[str, str] = {}
        self._phrases: dict[tuple[str, ...], str] = {}
        for canonical, variants in synonyms.items():
            for variant in [canonical, *variants]:
                parts = tuple(words(variant))
                if len(parts) == 1:
                    self._words[parts[0]] = canonical
                    self._words[singular(parts[0])] = canonical
                elif parts:
                    self._phrases[parts] = canonical
        self._stop: set[str] = set()
        for stopword in stopwords:
            parts = tuple(words(stopword))
            if len(parts) == 1:
                self._stop.add(parts[0])
            elif parts:
                self._phrases[parts] = ""
        self._longest_phrase = max((len(p) for p in self._phrases), default=1)
        self.contrasts: tuple[frozenset[str], ...] = tuple(
            frozenset(self.terms(words(" ".join(group)))) for group in contrasts
        )
        self.known_words: frozenset[str] = frozenset(
            set(self._words) | self._stop | {w for p in self._phrases for w in p}
        )

    @classmethod
    def from_file(cls, path: Path = LEXICON_PATH) -> Lexicon:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["synonyms"], data["stopwords"], data.get("contrasts", ()))

    def terms(self, tokens: Sequence[str]) -> list[str]:
        """Canonical terms of already-split words, filler removed, phrases joined."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest_phrase, len(tokens) - i), 1, -1):
                canonical = self._phrases.get(tuple(tokens[i : i + size]))
                if canonical is not None:
                    out.extend(canonical.split())
                    i += size
                    break
            else:
                token = tokens[i]
                i += 1
                if token in self._stop:
                    continue
                term = self._words.get(token) or self._words.get(singular(token))
                out.append(term or singular(token))
        return out


@cache
def default_lexicon() -> Lexicon:
    """The lexicon shipped with ClaimBot, read once per process."""
    return Lexicon.from_file()


class TopicIndex:
    """An in-memory index of topic names, built once and queried many times.

    Names are stored in arrays (numpy), grouped by topic, with an inverted index from each term
    to the names that have it; a question is scored against every name at once, so a question
    costs a few vector operations however many topics there are.
    """

    def __init__(self, topics: Iterable[TopicNames], lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon or default_lexicon()
        all_topics = list(topics)
        surface: set[str] = set(self._lexicon.known_words)
        named: list[tuple[TopicNames, list[frozenset[str]]]] = []
        for topic in all_topics:
            term_sets = []
            for name in (topic.title, *topic.aliases):
                tokens = words(name)
                surface.update(tokens)
                terms = frozenset(self._lexicon.terms(tokens))
                if terms:
                    term_sets.append(terms)
            if term_sets:
                named.append((topic, term_sets))
        document_frequency: dict[str, int] = defaultdict(int)
        for _, term_sets in named:
            for term in frozenset().union(*term_sets):
                document_frequency[term] += 1
        total = max(len(named), 1)
        self._weights = {
            term: math.log(1 + total / count) * (NUMBER_WEIGHT if term.isdigit() else 1.0)
            for term, count in document_frequency.items()
        }
        self._unknown_weight = UNKNOWN_WEIGHT * math.log(1 + total)
        contrasting = frozenset().union(*self._lexicon.contrasts)
        self._topics: list[TopicNames] = []
        starts: list[int] = []
        name_weights: list[float] = []
        postings: dict[str, list[int]] = defaultdict(list)
        # The contrast terms of the whole topic: an alias without "russian" still means Russian.
        sides: dict[str, list[int]] = defaultdict(list)
        for topic, term_sets in named:
            self._topics.append(topic)
            starts.append(len(name_weights))
            topic_sides = frozenset().union(*term_sets) & contrasting
            for terms in term_sets:
                position = len(name_weights)
                name_weights.append(sum(self._weights[t] for t in terms))
                for term in terms:
                    postings[term].append(position)
                for term in topic_sides:
                    sides[term].append(position)
        self._starts = np.array(starts, dtype=np.int64)
        self._name_weights = np.array(name_weights, dtype=np.float64)
        self._postings = {t: np.array(p, dtype=np.int64) for t, p in postings.items()}
        self._sides = {t: np.array(p, dtype=np.int64) for t, p in sides.items()}
        # Typos rarely touch a word's first letter: only words starting alike are candidates.
        self._surface_by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted(surface):
            self._surface_by_initial[word[0]].append(word)
        self._surface_set = frozenset(surface)
        self.titles: tuple[str, ...] = tuple(sorted(t.title for t in all_topics))

    def question_terms(self, question: str) -> set[str]:
        """The canonical terms of a question, typos corrected."""
        return set(self._lexicon.terms([self._correct(t) for t in words(question)]))

    def _correct(self, token: str) -> str:
        if token in self._surface_set or len(token) < MIN_TYPO_LENGTH or token.isdigit():
            return token
        best = process.extractOne(
            token,
            self._surface_by_initial.get(token[0], ()),
            scorer=OSA.normalized_similarity,
            score_cutoff=TYPO_SIMILARITY,
        )
        return best[0] if best else token

    def _weight(self, term: str) -> float:
        if term in self._weights:
            return self._weights[term]
        return self._unknown_weight * (NUMBER_WEIGHT if term.isdigit() else 1.0)

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

    def match(self, question: str, suggestions: int = 3) -> MatchResult:
        """Confident matches for a question, and up to ``suggestions`` close topics."""
        terms = self.question_terms(question)
        question_weight = sum(self._weight(t) for t in terms)
        if not question_weight or not self._topics:
            return MatchResult((), ())
        shared = np.zeros(len(self._name_weights), dtype=np.float64)
        for term in terms:
            if term in self._postings:
                shared[self._postings[term]] += self._weights[term]
        scores = (
            QUESTION_SHARE * shared / question_weight
            + (1 - QUESTION_SHARE) * shared / self._name_weights
        )
        contradicted = self._contradicted(terms)
        if contradicted is not None:
            scores[contradicted] = 0.0
        best = np.round(np.maximum.reduceat(scores, self._starts), 4)
        wanted = min(len(best), suggestions + 8)
        top = (
            np.argpartition(-best, wanted - 1)[:wanted]
            if wanted < len(best)
            else np.arange(len(best))
        )
        ranked = sorted(
            (
                Match(self._topics[i].id, self._topics[i].title, float(best[i]))
                for i in top
                if best[i] > 0
            ),
            key=lambda m: (-m.score, m.title),
        )
        if not ranked:
            return MatchResult((), ())
        confident = tuple(
            m
            for m in ranked
            if m.score >= CONFIDENT and m.score >= ranked[0].score - AMBIGUITY_MARGIN
        )
        close = tuple(m for m in ranked if m not in confident and m.score >= SUGGEST)
        return MatchResult(confident, close[:suggestions])
