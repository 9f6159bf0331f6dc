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
class Lexicon:
    classes: dict[str, tuple[str, ...]]
    future: tuple[str, ...]
    past: tuple[str, ...]
    reporting: tuple[str, ...]
    nominal_suffixes: tuple[str, ...]
    nominal_links: frozenset[str]
    future_suffixes: tuple[str, ...]
    determiners: frozenset[str]
    reported: re.Pattern[str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    path = resources.files("pipeline.vocab").joinpath("extraction_lexicon.json")
    data = json.loads(path.read_text("utf-8"))

    def entries(values: list[str]) -> tuple[str, ...]:
        padded = {" " + fold(v).strip() + (" " if v.endswith(" ") else "") for v in values}
        return tuple(sorted(padded))

    return Lexicon(
        classes={name: entries(values) for name, values in data["classes"].items()},
        future=entries(data["future"]),
        past=entries(data["past"]),
        reporting=entries(data["reporting"]),
        nominal_suffixes=tuple(data["nominal_suffixes"]),
        nominal_links=frozenset(data["nominal_links"]),
        future_suffixes=tuple(data["future_suffixes"]["fr"] + data["future_suffixes"]["es"]),
        determiners=frozenset(data["determiners"]["words"]),
        reported=re.compile(
            r"\b(?:"
            + "|".join(re.escape(v) for v in data["reported_speech"]["verbs"])
            + r")\s+(?:\w+\s+){0,2}?(?:that|que|qu['’])\s*",
            re.I,
        ),
    )


def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics one space, padded."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "
