"""Where matching happens: free-text questions and pasted messages onto topics.

Reading (``bot/reading.py``) turns text into words: links, handles, emoji codes and signatures
dropped, hashtags and camelCase split, every script split into words, Cyrillic words reduced to
lemmas. The lexicon (``bot/lexicon.json``, plus an editor's file named by
``CLAIMBOT_LEXICON``) maps words and phrases of every language onto one canonical English term,
drops filler words, and says which terms exclude each other; country names in English, Ukrainian,
Russian, German, Spanish, French and Polish come from pycountry. A word that is not a word of its
language (wordfreq) and no topic uses is corrected to the closest known word when it is a likely
typo (rapidfuzz, optimal string alignment). What remains is a set of terms: word order does not
matter.

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

A pasted message (a message shortcut, or a long text) is ranked with BM25 over each topic's
whole description (names, context and quotes, with field weights), and a topic is a confident
match when the message repeats most of one of its names or quotes (the share of that text's
weight found in the message).
"""

from __future__ import annotations

import gettext
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.errors import ClaimBotError
from bot.reading import Word, commonness, is_cyrillic, is_real_word, lemma
from bot.reading import words as read_words
from bot.records import describe

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
#: A text of at least this many words is read as a pasted message, not a question.
MESSAGE_WORDS = 16
#: A message repeats a topic when it mentions this share of one of its names' or quotes'
#: weight.
MESSAGE_CONFIDENT = 0.5
#: A message that repeats at least this share of its best-ranked topic's name or quote is a
#: confident match too when that topic's BM25 score is MESSAGE_LEAD times the runner-up's.
MESSAGE_LEADING = 0.3
MESSAGE_LEAD = 1.5
#: BM25's term-frequency saturation and length normalisation, and each field's weight.
BM25_K1 = 1.2
BM25_B = 0.75
FIELD_WEIGHTS = {"name": 2.0, "context": 1.0, "quote": 1.0}
#: The shortest stem a Cyrillic word's ending is cut to, to meet a lexicon word.
MIN_STEM = 4
#: How many words' terms a lexicon remembers.
MAX_REMEMBERED = 200_000
#: Languages whose country names are read (pycountry's translations).
PLACE_LANGUAGES = ("uk", "ru", "de", "es", "fr", "pl")


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


class Lexicon:
    """Synonyms, filler words and places, applied identically to questions and topics."""

    def __init__(
        self,
        synonyms: dict[str, list[str]],
        stopwords: Iterable[str],
        contrasts: Iterable[Iterable[str]] = (),
        places: dict[str, list[str]] | None = None,
        demonyms: dict[str, str] | None = None,
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
            self.places |= set(canonical.split())
        self._index_phrases()
        self._terms.clear()  # words read before every place was added
        self._stems = {
            word[:-1]: term
            for word, term in self._words.items()
            if is_cyrillic(word) and len(word) > MIN_STEM
        }
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
        self.known_words: frozenset[str] = frozenset(
            set(self._words) | self._stop | {w for p in self._phrases for w in p}
        )

    def _index_phrases(self) -> None:
        """Phrase lengths by first word: a word tries only the phrases it starts."""
        sizes: dict[str, set[int]] = defaultdict(set)
        for phrase in self._phrases:
            sizes[phrase[0]].add(len(phrase))
        self._sizes = {first: sorted(n, reverse=True) for first, n in sizes.items()}

    def _add(self, variant: str, canonical: str, keep: bool = False) -> None:
        parts = tuple(words(variant))
        if len(parts) == 1:
            for form in (parts[0], singular(parts[0])):
                if not keep or form not in self._words:
                    self._words[form] = canonical
        elif parts and (not keep or parts not in self._phrases):
            self._phrases[parts] = canonical

    @classmethod
    def from_files(cls, *paths: Path) -> Lexicon:
        """The lexicon of these files together: synonyms, stopwords and contrasts add up."""
        synonyms: dict[str, list[str]] = defaultdict(list)
        stopwords: list[str] = []
        contrasts: list[list[str]] = []
        demonyms: dict[str, str] = {}
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
        return cls(synonyms, stopwords, contrasts, country_names(), demonyms)

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
        found = tuple((singular(token) if term is None else term).split())
        if len(self._terms) < MAX_REMEMBERED:
            self._terms[token] = found
        return found

    def _stem(self, token: str) -> str | None:
        """The term of a lexicon word that differs from a Cyrillic word only in its ending
        (германии, германию: германия), for inflections the lemmatiser does not know."""
        for cut in (1, 2):
            stem = token[:-cut]
            if len(stem) >= MIN_STEM and stem in self._stems:
                return self._stems[stem]
        return None

    def _phrase(self, tokens: Sequence[str], i: int) -> tuple[str | None, int]:
        """The canonical term of the longest phrase starting at ``tokens[i]`` (as written, or
        as lemmas for a word outside ASCII), and its length."""
        plain = tokens[i].isascii()
        if plain and tokens[i] not in self._sizes:
            return None, 0
        starts = {tokens[i]} if plain else {tokens[i], lemma(tokens[i])}
        for size in sorted({n for w in starts for n in self._sizes.get(w, ())}, reverse=True):
            if i + size > len(tokens):
                continue
            window = tuple(tokens[i : i + size])
            canonical = self._phrases.get(window)
            if canonical is None and not all(t.isascii() for t in window):
                canonical = self._phrases.get(tuple(lemma(t) for t in window))
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
def default_lexicon(extra: Path | None = None) -> Lexicon:
    """The lexicon shipped with ClaimBot, with an editor's extra file; read once per process."""
    return Lexicon.from_files(LEXICON_PATH, *([extra] if extra else []))


#: A topic, its names' term sets, its context terms and its quotes' terms.
_Described = tuple[TopicNames, list[frozenset[str]], frozenset[str], list[list[str]]]


@dataclass(frozen=True, slots=True)
class _Reading:
    """A text's terms, with the words it was read from (for the weights of unknown terms)."""

    terms: list[str]
    languages: dict[str, str]


class TopicIndex:
    """An in-memory index of topics, built once and queried many times.

    Names are stored in arrays (numpy), grouped by topic, with an inverted index from each term
    to the names that have it; a question is scored against every name at once, so a question
    costs a few vector operations however many topics there are. Messages use a second inverted
    index, of BM25 term weights per topic, and the names and quotes of each topic as units.
    """

    def __init__(self, topics: Iterable[TopicNames], lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon or default_lexicon()
        all_topics = list(topics)
        surface: set[str] = set(self._lexicon.known_words)
        described = [d for d in (self._describe(t, surface) for t in all_topics) if d[1]]
        document_frequency: dict[str, int] = defaultdict(int)
        for _, term_sets, _, _ in described:
            for term in frozenset().union(*term_sets):
                document_frequency[term] += 1
        total = max(len(described), 1)
        self._weights = {
            term: math.log(1 + total / count) * (NUMBER_WEIGHT if term.isdigit() else 1.0)
            for term, count in document_frequency.items()
        }
        self._unknown_weight = UNKNOWN_WEIGHT * math.log(1 + total)
        # The terms a topic must have when a question names them: sides and places.
        contrasting = frozenset().union(*self._lexicon.contrasts) | self._lexicon.places
        self._topics: list[TopicNames] = []
        starts: list[int] = []
        name_weights: list[float] = []
        postings: dict[str, list[int]] = defaultdict(list)
        context_postings: dict[str, list[int]] = defaultdict(list)
        # The contrast terms of the whole topic: an alias without "russian" still means Russian.
        sides: dict[str, list[int]] = defaultdict(list)
        for topic, term_sets, topic_context, _ in described:
            self._topics.append(topic)
            starts.append(len(name_weights))
            described_by = frozenset().union(*term_sets) | topic_context
            # A topic that names a place's people ("Syrian refugees") names the place.
            named = {place for p in described_by for place in self._lexicon.places_of.get(p, ())}
            topic_sides = (described_by | named) & contrasting
            # ... and a topic about a place explains a question about its people ("UA IDPs").
            demonyms = self._lexicon.demonyms
            people = {demonyms[p] for p in described_by if p in demonyms}
            context = topic_context | named | (people - topic_sides)
            for terms in term_sets:
                position = len(name_weights)
                name_weights.append(sum(self._weights[t] for t in terms))
                for term in terms:
                    postings[term].append(position)
                for term in context - terms:
                    context_postings[term].append(position)
                for term in topic_sides:
                    sides[term].append(position)
        self._starts = np.array(starts, dtype=np.int64)
        self._name_weights = np.array(name_weights, dtype=np.float64)
        self._postings = {t: np.array(p, dtype=np.int64) for t, p in postings.items()}
        self._context = {t: np.array(p, dtype=np.int64) for t, p in context_postings.items()}
        self._sides = {t: np.array(p, dtype=np.int64) for t, p in sides.items()}
        self._build_messages(described)
        # Typos rarely touch a word's first letter: only words starting alike are candidates.
        self._surface_by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted(surface):
            self._surface_by_initial[word[0]].append(word)
        self._surface_set = frozenset(surface)
        self.titles: tuple[str, ...] = tuple(sorted(t.title for t in all_topics))

    def _describe(self, topic: TopicNames, surface: set[str]) -> _Described:
        """A topic's names, context and quotes as terms; their words join ``surface``."""
        term_sets = []
        for name in (topic.title, *topic.aliases):
            tokens = words(name)
            surface.update(tokens)
            terms = frozenset(self._lexicon.terms(tokens))
            if terms:
                term_sets.append(terms)
        context_tokens = [w for text in (*topic.claimants, *topic.metrics) for w in words(text)]
        surface.update(context_tokens)
        context = frozenset(self._lexicon.terms(context_tokens))
        quotes = [self._lexicon.terms(words(quote)) for quote in topic.quotes]
        return topic, term_sets, context, [q for q in quotes if q]

    def _build_messages(self, described: list[_Described]) -> None:
        """BM25 over each topic's fields, and its names and quotes as units a message repeats."""
        documents: list[dict[str, float]] = []
        units: list[list[str]] = []
        unit_starts: list[int] = []
        for _, term_sets, context, quotes in described:
            document: dict[str, float] = defaultdict(float)
            for terms in term_sets:
                for term in terms:
                    document[term] += FIELD_WEIGHTS["name"]
            for term in context:
                document[term] += FIELD_WEIGHTS["context"]
            for quote in quotes:
                for term in quote:
                    document[term] += FIELD_WEIGHTS["quote"]
            documents.append(document)
            unit_starts.append(len(units))
            units.extend([sorted(t) for t in term_sets])
            units.extend(quotes)
        total = max(len(documents), 1)
        frequency: Counter[str] = Counter()
        for document in documents:
            frequency.update(document.keys())
        self._message_weights = {
            term: math.log(1 + (total - count + 0.5) / (count + 0.5))
            * (NUMBER_WEIGHT if term.isdigit() else 1.0)
            for term, count in frequency.items()
        }
        lengths = np.array([sum(d.values()) for d in documents], dtype=np.float64)
        average = float(lengths.mean()) if len(lengths) else 1.0
        bm25: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for position, document in enumerate(documents):
            norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[position] / average)
            for term, count in document.items():
                rows, values = bm25[term]
                rows.append(position)
                values.append(count * (BM25_K1 + 1) / (count + norm))
        self._bm25 = {
            t: (np.array(rows, dtype=np.int64), np.array(values, dtype=np.float64))
            for t, (rows, values) in bm25.items()
        }
        unit_postings: dict[str, list[int]] = defaultdict(list)
        unit_weights = []
        for position, unit in enumerate(units):
            distinct = set(unit)
            unit_weights.append(sum(self._message_weights[t] for t in distinct))
            for term in distinct:
                unit_postings[term].append(position)
        self._unit_starts = np.array(unit_starts, dtype=np.int64)
        self._unit_weights = np.array(unit_weights, dtype=np.float64)
        self._unit_postings = {t: np.array(p, dtype=np.int64) for t, p in unit_postings.items()}

    def read(self, text: str) -> _Reading:
        """A text's canonical terms, typos corrected, with each term's language."""
        tokens: list[str] = []
        languages: dict[str, str] = {}
        for word in read_words(text):
            corrected = self._correct(word)
            tokens.append(corrected)
            languages[corrected] = word.language
        terms = self._lexicon.terms(tokens)
        return _Reading(terms, {t: languages.get(t, "en") for t in terms})

    def is_message(self, text: str) -> bool:
        """Whether a text is long enough to be read as a pasted message."""
        return len(read_words(text)) >= MESSAGE_WORDS

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

    def _weight(self, term: str, language: str) -> float:
        if term in self._weights:
            return self._weights[term]
        if term.isdigit():
            return self._unknown_weight * NUMBER_WEIGHT
        if term in self._lexicon.places:
            return self._unknown_weight
        rarity = (COMMON_ZIPF - commonness(term, language)) / (COMMON_ZIPF - RARE_ZIPF)
        return self._unknown_weight * min(1.0, max(COMMON_WEIGHT, rarity))

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
        reading = self.read(question)
        terms = set(reading.terms)
        question_weight = sum(self._weight(t, reading.languages[t]) for t in terms)
        if not question_weight or not self._topics:
            return MatchResult((), ())
        shared = np.zeros(len(self._name_weights), dtype=np.float64)
        explained = np.zeros(len(self._name_weights), dtype=np.float64)
        for term in terms:
            if term in self._postings:
                shared[self._postings[term]] += self._weights[term]
            if term in self._context:
                explained[self._context[term]] += CONTEXT_SHARE * self._weight(
                    term, reading.languages[term]
                )
        scores = (
            QUESTION_SHARE * (shared + explained) / question_weight
            + (1 - QUESTION_SHARE) * shared / self._name_weights
        )
        contradicted = self._contradicted(terms)
        if contradicted is not None:
            scores[contradicted] = 0.0
        for place in terms & self._lexicon.places:
            # A place the question names and the topic lacks: a suggestion at most.
            missing = ~self._mask([place])
            scores[missing] = np.minimum(scores[missing], CONFIDENT - 0.1)
        best = np.round(np.maximum.reduceat(scores, self._starts), 4).astype(np.float64)
        ranked = self._ranked(best, suggestions + 8)
        if not ranked:
            return MatchResult((), ())
        confident = tuple(
            m
            for m in ranked
            if m.score >= CONFIDENT and m.score >= ranked[0].score - AMBIGUITY_MARGIN
        )
        close = tuple(m for m in ranked if m not in confident and m.score >= SUGGEST)
        return MatchResult(confident, close[:suggestions])

    def _ranked(
        self,
        scores: npt.NDArray[np.float64],
        wanted: int,
        shown: npt.NDArray[np.float64] | None = None,
    ) -> list[Match]:
        """The ``wanted`` best-scoring topics with a score above 0, best first, each with its
        score (or its value in ``shown``)."""
        shown = scores if shown is None else shown
        wanted = min(len(scores), wanted)
        top = (
            np.argpartition(-scores, wanted - 1)[:wanted]
            if wanted < len(scores)
            else np.arange(len(scores))
        )
        ranked = sorted(
            (
                (float(scores[i]), Match(topic.id, topic.title, float(shown[i])))
                for i in top
                for topic in (self._topics[i],)
                if scores[i] > 0
            ),
            key=lambda pair: (-pair[0], pair[1].title),
        )
        return [match for _, match in ranked]

    def match_message(self, text: str, limit: int = 5) -> MatchResult:
        """The topics a pasted message repeats, best first (BM25 over everything that describes
        a topic); a topic is confident when the message repeats most of one of its names or
        quotes."""
        terms = Counter(self.read(text).terms)
        if not terms or not self._topics:
            return MatchResult((), ())
        relevance = np.zeros(len(self._topics), dtype=np.float64)
        covered = np.zeros(len(self._unit_weights), dtype=np.float64)
        for term in terms:
            if term in self._bm25:
                rows, values = self._bm25[term]
                relevance[rows] += self._message_weights[term] * values
            if term in self._unit_postings:
                covered[self._unit_postings[term]] += self._message_weights[term]
        coverage = np.maximum.reduceat(
            np.divide(covered, self._unit_weights, where=self._unit_weights > 0, out=covered),
            self._unit_starts,
        )
        shown = np.round(coverage, 4).astype(np.float64)
        scored = self._ranked(relevance, limit, shown)
        confident = tuple(m for m in scored if m.score >= MESSAGE_CONFIDENT)
        if scored and not confident and scored[0].score >= MESSAGE_LEADING:
            # A message that repeats less of its best claim, which far outranks the rest.
            best, runner_up = (-np.partition(-relevance, 1)[:2]) if len(relevance) > 1 else (1, 0)
            if best >= MESSAGE_LEAD * runner_up:
                confident = (scored[0],)
        close = tuple(m for m in scored if m not in confident and m.score >= SUGGEST)
        return MatchResult(confident, close)
