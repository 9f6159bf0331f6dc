"""The extraction lexicon (`vocab/extraction_lexicon.json`): word classes, tense markers,
nominal endings and determiners in English, French and Spanish, and the text folding they are
matched on. Shared by candidate generation and the features."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


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
        for word in padded.split():
            if word in self.words or word.startswith(self.prefixes):
                return True
        return any(phrase in padded for phrase in self.phrases)


@dataclass(frozen=True)
class FutureAction:
    """Word lists of 'someone will do something' (see `future_action` in the lexicon)."""

    auxiliaries: frozenset[str]
    passive_auxiliaries: frozenset[str]
    fillers: frozenset[str]
    purpose_before_to: frozenset[str]
    future_endings: tuple[tuple[str, str], ...]
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
    reported: re.Pattern[str]
    done_status: frozenset[str]
    done_statement: re.Pattern[str]
    future_action: FutureAction


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
        done_status=frozenset(fold(v).strip() for v in data["done_status"]["values"]),
        done_statement=re.compile("|".join(data["done_statement"]["patterns"]), re.I),
        reported=re.compile(
            r"\b(?:"
            + "|".join(re.escape(v) for v in data["reported_speech"]["verbs"])
            + r")\s+(?:\w+\s+){0,2}?(?:that|que|qu['’])\s*",
            re.I,
        ),
        future_action=_future_action(data["future_action"]),
    )


def _future_action(data: dict) -> FutureAction:
    return FutureAction(
        auxiliaries=frozenset(data["auxiliaries"]),
        passive_auxiliaries=frozenset(data["passive_auxiliaries"]),
        fillers=frozenset(data["fillers"]),
        purpose_before_to=frozenset(data["purpose_before_to"]),
        future_endings=tuple((e, i) for e, i in data["future_endings"]),
        participle_endings=tuple((e, tuple(i)) for e, i in data["participle_endings"]),
    )


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics one space, padded."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "


@lru_cache(maxsize=1)
def text_patterns() -> dict[str, str]:
    """The word lists of `vocab/text_patterns.json`, each as one regex alternation."""
    path = resources.files("pipeline.vocab").joinpath("text_patterns.json")
    data = json.loads(path.read_text("utf-8"))
    return {k: "|".join(v) for k, v in data.items() if not k.startswith("_")}
