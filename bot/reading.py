"""Reading a question or a pasted message: from raw text to the words the matcher compares.

Text as people paste it carries things that say nothing about the topic: links, @handles,
emoji codes (``:flag-ua:``), a tweet's signature ("— Name (@handle) March 2, 2022"). Those are
dropped; hashtags and camelCase are split into words (``#RussianLosses`` -> "russian losses");
words are split by Unicode, so every script has words. Latin words are lower-cased and
accent-folded (Türkiye = turkiye). A word's dictionary form (lemma, simplemma) is read in English
for Latin script, and for Cyrillic in Ukrainian when the word has a letter only Ukrainian uses,
in Russian when it has one only Russian uses, else in whichever of the two knows it better
("втрати" -> "втрата", "беженцы" -> "беженец"). General word frequencies (wordfreq) say
whether a word is a word of its language at all, and how common it is. Both libraries are
imported when first needed: most questions use only words the lexicon and the topics already
know, and a cold start need not load them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: A word at least this common in its language (Zipf scale: 3 is once per million words) is a
#: real word, never a typo to correct.
REAL_WORD_ZIPF = 3.0
#: The languages whose frequencies say how common a Latin-script word is.
LATIN_LANGUAGES = ("en", "de", "es", "fr", "pl", "it", "pt")

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w+")
#: An emoji code: a name with a letter in it, not part of a time ("10:30:45").
_EMOJI = re.compile(r"(?<!\w):(?=[\w+\-']*[a-z])[a-z0-9_+\-']+:", re.IGNORECASE)
#: A tweet's signature: a dash, a name, "(@handle)" and whatever date follows.
_SIGNATURE = re.compile(r"[—–-]{1,2}\s*[^\n()—–]{0,80}\(@\w+\)[^\n]*")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(
    r"(?<=[a-z]{2})(?=[A-Z][a-z])|(?<=[A-Z])(?=[A-Z][a-z]{2})|(?<=[a-z]{2})(?=[A-Z]{2,}\b)"
)
_WORD = re.compile(r"\w+")
_CODE = re.compile(r"(?<![\w'])[A-Z]{3}(?![\w'])")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN_ONLY = re.compile(r"[іїєґ]")
_RUSSIAN_ONLY = re.compile(r"[ыэъё]")
#: Latin letters with a mark that Unicode does not decompose ("śmigłowców": "smiglowcow").
_UNDECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ħ": "h", "æ": "ae", "œ": "oe"})


@dataclass(frozen=True, slots=True)
class Word:
    """One word, folded; ``capitals`` when it was written as three capital letters in a text
    that is not all capitals (a code: "SSD", "ETH", "CAR"); ``written`` when its accents were
    folded away ("zerstört" of "zerstort"), as word lists spell it."""

    text: str
    capitals: bool = False
    written: str = ""

    @property
    def language(self) -> str:
        """ "uk" or "ru" for a Cyrillic word, "en" for any other (read in the Latin languages)."""
        return language_of(self.text)

    @property
    def common(self) -> float:
        """How common the word is in its language (Zipf scale; 0 for an unknown word)."""
        return commonness(self.written or self.text, self.language)


def clean(text: str) -> str:
    """The text without links, @handles, emoji codes and signatures; hashtags and camelCase
    split into words. Each expression runs only on a text with the character it cannot match
    without: most texts (every topic's names and quotes, read to build the index) have none."""
    if "(@" in text:
        text = _SIGNATURE.sub(" ", text)
    if "://" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" ", text)
    if ":" in text:
        text = _EMOJI.sub(" ", text)
    if "#" in text:
        text = _HASHTAG.sub(lambda m: " " + m.group(1).replace("_", " ") + " ", text)
    return _CAMEL.sub(" ", text)


def fold(text: str) -> str:
    """Lower-case, accents removed, typographic apostrophes made plain (Latin script; Cyrillic
    letters keep their marks: "й" is not "и")."""
    text = text.replace("\u2019", "'").replace("ı", "i").casefold()
    if text.isascii():
        return text
    if _CYRILLIC.search(text):
        return text.replace("ё", "е")
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[Word]:
    """The words of a text, possessives dropped ("russia's" -> "russia")."""
    cleaned = clean(text)
    codes = set() if cleaned.isupper() else {c.casefold() for c in _CODE.findall(cleaned)}
    plain = re.sub(r"'s\b|'", "", cleaned.replace("\u2019", "'").casefold())
    if plain.isascii():  # nothing to fold: most texts, every topic's name and quote among them
        return [Word(token, token in codes) for token in _WORD.findall(plain.replace("_", " "))]
    found = []
    for written in _WORD.findall(plain.replace("_", " ")):
        token = fold(written)
        found.append(Word(token, token in codes, "" if token == written else written))
    return found


#: Every lemma read so far, by word: filled by :func:`lemma`, and from the lemmas earlier
#: processes read (``bot/derived.py``), so a start need not load a dictionary for words the
#: lexicon and the topics use. At most MAX_LEMMAS words.
LEMMAS: dict[str, str] = {}
MAX_LEMMAS = 65_536


def lemma(token: str) -> str:
    """A word's dictionary form (simplemma): English for Latin script, Ukrainian or Russian for
    Cyrillic; other scripts as they are. The dictionaries load on first use, read in place
    (simplemma's ``low_memory``: the same lemmas at a fraction of the load time and memory);
    each word's is remembered in LEMMAS."""
    known = LEMMAS.get(token)
    if known is not None:
        return known
    cyrillic = is_cyrillic(token)
    if not cyrillic and not (token.isascii() and token.isalpha()):
        return token
    import simplemma  # noqa: PLC0415  (loaded for the first word no lemma is known of)

    language = cyrillic_language(token) if cyrillic else "en"
    found = fold(simplemma.lemmatize(token, language, low_memory=True))
    if len(LEMMAS) < MAX_LEMMAS:
        LEMMAS[token] = found
    return found


#: Inflectional endings of Ukrainian and Russian adjectives and nouns, longest first.
_CYRILLIC_ENDINGS = tuple(
    sorted(
        [
            *("ими", "ыми", "іми", "ого", "его", "ому", "ему", "ами", "ями"),
            *("ій", "ий", "ый", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ых", "их", "ім"),
            *("им", "ым", "ою", "ею", "ую", "юю", "ам", "ям", "ах", "ях", "ов", "ев", "ей"),
            *("ів", "їв", "а", "я", "о", "е", "є", "ы", "и", "і", "ї", "у", "ю", "ь", "й"),
        ],
        key=len,
        reverse=True,
    )
)
#: A stem keeps at least this many letters.
MIN_STEM = 4


@lru_cache(maxsize=65536)
def cyrillic_stem(token: str) -> str:
    """A Cyrillic word less its inflectional ending ("подводная", "подводный": "подводн"),
    for words whose inflections the lemmatiser reads to different lemmas."""
    for ending in _CYRILLIC_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= MIN_STEM:
            return token[: -len(ending)]
    return token


def is_cyrillic(token: str) -> bool:
    return bool(_CYRILLIC.search(token))


def language_of(token: str) -> str:
    """ "uk" or "ru" for a Cyrillic word, "en" for any other (read in the Latin languages)."""
    return cyrillic_language(token) if is_cyrillic(token) else "en"


@lru_cache(maxsize=65536)
def cyrillic_language(token: str) -> str:
    """Ukrainian or Russian, from the letters only one of them uses, else from which of the two
    knows the word better."""
    if _UKRAINIAN_ONLY.search(token):
        return "uk"
    if _RUSSIAN_ONLY.search(token):
        return "ru"
    return "uk" if zipf(token, "uk") >= zipf(token, "ru") else "ru"


@lru_cache(maxsize=65536)
def zipf(word: str, language: str) -> float:
    """How common a word is in a language, on the Zipf scale (wordfreq's small lists: every
    word at least once per million words, which is all the matcher asks about)."""
    import wordfreq  # noqa: PLC0415  (loaded for the first word no topic uses)

    return float(wordfreq.zipf_frequency(word, language, wordlist="small"))


def is_real_word(word: Word) -> bool:
    """Whether a word is a word of its language, so never a typo."""
    return word.common >= REAL_WORD_ZIPF


@lru_cache(maxsize=65536)
def commonness(word: str, language: str) -> float:
    """How common a word is: in its language for Cyrillic, in the commonest of the Latin-script
    languages read (English, German, Spanish, French, Polish, Italian, Portuguese) for the
    rest."""
    if language != "en":
        return zipf(word, language)
    return max(zipf(word, latin) for latin in LATIN_LANGUAGES)
