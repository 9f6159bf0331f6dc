"""The theme and action taxonomies, read from `vocab/taxonomy.json`.

Each label has an id (as in GOLD.md), a label, a description and keyword seeds. The keywords
give the lexical signal of the classifier and let the extractor see that a table column or a
sub-heading names a theme ("Child Labour", "Trafficking:").
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel

from pipeline.cues import normalise

TaxonomyName = Literal["themes", "actions"]


class Label(BaseModel):
    id: str
    label: str
    description: str
    keywords: list[str]


class Taxonomy(BaseModel):
    version: str
    themes: list[Label]
    actions: list[Label]

    def ids(self, name: TaxonomyName) -> list[str]:
        return [label.id for label in getattr(self, name)]

    def fingerprint(self) -> str:
        """Hash of the label ids, so a model trained for another label set is refused."""
        ids = "|".join(self.ids("themes")) + "#" + "|".join(self.ids("actions"))
        return hashlib.sha256(ids.encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    raw = resources.files("pipeline.vocab").joinpath("taxonomy.json").read_text("utf-8")
    return Taxonomy.model_validate_json(raw)


@lru_cache(maxsize=2)
def _keyword_patterns(name: TaxonomyName) -> tuple[tuple[str, re.Pattern[str]], ...]:
    patterns = []
    for label in getattr(load_taxonomy(), name):
        phrases = {normalise(k) for k in label.keywords} | {normalise(label.label)}
        alternation = "|".join(sorted((re.escape(p) for p in phrases if p), key=len, reverse=True))
        patterns.append((label.id, re.compile(rf"\b(?:{alternation})\b")))
    return tuple(patterns)


def labels_named(text: str, name: TaxonomyName) -> dict[str, str]:
    """Labels whose keywords occur in `text`, with the first matched phrase as evidence."""
    norm = normalise(text)
    found: dict[str, str] = {}
    for label_id, pattern in _keyword_patterns(name):
        match = pattern.search(norm)
        if match:
            found[label_id] = match.group(0)
    return found
