"""The extraction lexicon (`vocab/extraction_lexicon.json`): word classes, tense markers,
nominal endings and determiners in English, French and Spanish, and the text folding they are
matched on. Shared by candidate generation and the features."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

from pipeline import textnorm


@dataclass(frozen=True)
class Terms:
    """Entries of one word class, matched on folded padded text (see `fold`): a single word
    is a prefix of a word ('priorit' finds 'priorities'), a word ending with a space is the
    whole word, several words are a phrase found as such."""

    prefixes: tuple[str, ...]
    words: frozenset[str]
    phrases: tuple[str, ...]

    @classmethod
    def of(cls, values: list[str]) -> Terms:
        prefixes, words, phrases = set(), set(), set()
        for value in values:
            core = fold(value).strip()
            if not core:
                continue
            if " " in core:
                phrases.add(" " + core + (" " if value.endswith(" ") else ""))
            elif value.endswith(" "):
                words.add(core)
            else:
                prefixes.add(core)
        return cls(tuple(sorted(prefixes)), frozenset(words), tuple(sorted(phrases)))

    def found_in(self, padded: str) -> bool:
        """True when an entry occurs in `padded` (a `fold` result)."""
        return bool(self._index.scan(padded))

    @cached_property
    def _index(self) -> TermIndex:
        return TermIndex(((self, 1),))


class TermIndex:
    """Several `Terms` looked up in one pass over the words of a text: `scan` gives the bits of
    those found (the same answer as each one's `found_in`). A prefix is looked up by the
    word's first letters, a whole word as such, and a phrase only when its first word is one
    of the text's words (a phrase is ' w1 w2 ...', so its first word is a whole word)."""

    def __init__(self, terms: Iterable[tuple[Terms, int]]) -> None:
        prefixes: dict[str, int] = {}
        self.words: dict[str, int] = {}
        self.phrases: dict[str, list[tuple[str, int]]] = {}
        for t, bit in terms:
            for p in t.prefixes:
                prefixes[p] = prefixes.get(p, 0) | bit
            for w in t.words:
                self.words[w] = self.words.get(w, 0) | bit
            for phrase in t.phrases:
                self.phrases.setdefault(phrase.split()[0], []).append((phrase, bit))
        # Prefixes by their first `key` letters: a word is compared only with those that
        # share its first letters.
        self.key = min((len(p) for p in prefixes), default=1)
        self.prefixes: dict[str, tuple[tuple[str, int], ...]] = {}
        for p, bit in sorted(prefixes.items()):
            self.prefixes[p[: self.key]] = (*self.prefixes.get(p[: self.key], ()), (p, bit))

    def scan(self, padded: str) -> int:
        """The bits of the terms that occur in `padded`."""
        found = 0
        prefixes, words, phrases, key = self.prefixes, self.words, self.phrases, self.key
        for word in set(padded.split()):
            found |= words.get(word, 0)
            for prefix, bit in prefixes.get(word[:key], ()):
                if word.startswith(prefix):
                    found |= bit
            for phrase, bit in phrases.get(word, ()):
                if not found & bit and phrase in padded:
                    found |= bit
        return found


@dataclass(frozen=True)
class FutureAction:
    """Word lists of 'someone will do something' (see `future_action` in the lexicon)."""

    auxiliaries: frozenset[str]
    passive_auxiliaries: frozenset[str]
    fillers: frozenset[str]
    purpose_before_to: frozenset[str]
    actors: frozenset[str]
    future_endings: tuple[tuple[str, str], ...]
    irregular_futures: dict[str, str]  # 'tiendra' -> 'tenir', 'hará' -> 'hacer'
    participle_endings: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Lexicon:
    classes: dict[str, Terms]
    future: Terms
    past: Terms
    reporting: Terms
    nominal_suffixes: tuple[str, ...]
    nominal_links: frozenset[str]
    future_suffixes: tuple[str, ...]
    future_words: frozenset[str]
    determiners: frozenset[str]
    function_words: frozenset[str]  # prepositions and conjunctions
    reported: re.Pattern[str]
    done_status: frozenset[str]
    done_qualifiers: tuple[str, ...]
    done_statement: re.Pattern[str]
    announces_list: re.Pattern[str]
    announce_max_after: int
    time_words: frozenset[str]
    future_action: FutureAction
    horizons: re.Pattern[str]  # a plan's period said with next-step words ('next two years')
    # The word classes, then future, past and reporting, one bit each, looked up in one pass.
    index: TermIndex = field(init=False, repr=False, compare=False)
    class_bits: tuple[tuple[str, int], ...] = field(init=False, repr=False, compare=False)
    future_bit: int = field(init=False, repr=False, compare=False)
    past_bit: int = field(init=False, repr=False, compare=False)
    reporting_bit: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        named = [*self.classes.values(), self.future, self.past, self.reporting]
        n = len(self.classes)
        values = {
            "index": TermIndex((t, 1 << k) for k, t in enumerate(named)),
            "class_bits": tuple((name, 1 << k) for k, name in enumerate(self.classes)),
            "future_bit": 1 << n,
            "past_bit": 1 << (n + 1),
            "reporting_bit": 1 << (n + 2),
        }
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def scan(self, padded: str) -> int:
        """Bits of the word classes, future, past and reporting terms found in `padded`; a
        plan's period ('for the next two years') reads as the plan class's 'horizon'."""
        return self.index.scan(self.horizons.sub(" horizon ", padded))

    def class_names(self, found: int) -> tuple[str, ...]:
        """The word classes among the bits of `scan`, in the lexicon's order."""
        return tuple(name for name, bit in self.class_bits if found & bit)


def word_classes(text: str | None) -> list[str]:
    """The lexicon classes whose stems occur in `text` (features read the context's classes,
    candidates a document title's)."""
    return list(_word_classes(text)) if text else []


@lru_cache(maxsize=65536)
def _word_classes(text: str) -> tuple[str, ...]:
    lex = lexicon()
    return lex.class_names(lex.scan(fold(text)))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    path = resources.files("pipeline.vocab").joinpath("extraction_lexicon.json")
    data = json.loads(path.read_text("utf-8"))

    return Lexicon(
        classes={name: Terms.of(values) for name, values in data["classes"].items()},
        future=Terms.of(data["future"]),
        past=Terms.of(data["past"]),
        reporting=Terms.of(data["reporting"]),
        nominal_suffixes=tuple(data["nominal_suffixes"]),
        nominal_links=frozenset(data["nominal_links"]),
        future_suffixes=tuple(data["future_suffixes"]["fr"] + data["future_suffixes"]["es"]),
        future_words=frozenset(data["future_suffixes"]["words"]),
        determiners=frozenset(data["determiners"]["words"]),
        function_words=frozenset(data["function_words"]["words"]),
        done_status=frozenset(fold(v).strip() for v in data["done_status"]["values"]),
        done_qualifiers=tuple(data["done_status"]["qualifiers"]),
        done_statement=re.compile("|".join(data["done_statement"]["patterns"]), re.I),
        announces_list=re.compile("|".join(data["announces_list"]["patterns"]), re.I),
        announce_max_after=data["announces_list"]["max_after"],
        time_words=frozenset(fold(w).strip() for w in data["announces_list"]["time_words"]),
        reported=re.compile(
            r"\b(?:"
            + "|".join(re.escape(v) for v in data["reported_speech"]["verbs"])
            + r")\s+(?:\w+\s+){0,2}?(?:that|que|qu['’])\s*",
            re.I,
        ),
        future_action=_future_action(data["future_action"]),
        horizons=re.compile("|".join(data["horizons"]["patterns"])),
    )


def _future_action(data: dict) -> FutureAction:
    return FutureAction(
        auxiliaries=frozenset(data["auxiliaries"]),
        passive_auxiliaries=frozenset(data["passive_auxiliaries"]),
        fillers=frozenset(data["fillers"]),
        purpose_before_to=frozenset(data["purpose_before_to"]),
        actors=frozenset(data["actors"]),
        future_endings=tuple((e, i) for e, i in data["future_endings"]),
        irregular_futures=dict(data["irregular_futures"]),
        participle_endings=tuple((e, tuple(i)) for e, i in data["participle_endings"]),
    )


_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics one space, padded."""
    text = textnorm.fold(text, accents=False, ligatures=True)
    return " " + _NON_ALNUM_RE.sub(" ", text).strip() + " "


def all_lower(pattern: str) -> bool:
    """True when `pattern` has no upper-case letter outside escapes and group names, and
    none of the lower-case letters that IGNORECASE matches with an ASCII letter of another
    (the long s, the dotless i): without IGNORECASE it then matches an ASCII text in lower
    case where it matches the text with IGNORECASE, at the same offsets."""
    letters = re.sub(r"\\.|\(\?P<\w+>|\(\?P=\w+\)", "", pattern)
    return letters == letters.lower() and not set(letters) & set("ſıKİ")


@lru_cache(maxsize=64)
def _lower_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    if not pattern.flags & re.IGNORECASE or not all_lower(pattern.pattern):
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def search_ignoring_case(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """`pattern.search(text)` for an IGNORECASE pattern, three times as fast on an ASCII text:
    searched case-sensitively on the text in lower case (same offsets; a group's text is
    then in lower case). A case-sensitive alternative is skipped on its first letter."""
    twin = _lower_twin(pattern)
    if twin is None or not text.isascii():
        return pattern.search(text)
    return twin.search(text.lower())


@lru_cache(maxsize=1)
def text_pattern_lists() -> dict[str, tuple[str, ...]]:
    """The word lists of `vocab/text_patterns.json`, each as its tuple of alternatives."""
    path = resources.files("pipeline.vocab").joinpath("text_patterns.json")
    data = json.loads(path.read_text("utf-8"))
    return {k: tuple(v) for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def text_patterns() -> dict[str, str]:
    """The word lists of `vocab/text_patterns.json`, each as one regex alternation."""
    return {k: "|".join(v) for k, v in text_pattern_lists().items()}
