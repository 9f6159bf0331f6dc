"""Find the actors named in items: organisations, national bodies and groups.

One cached blank English pipeline (on the shared tokenizer of `pipeline.nlp`) holds an
EntityRuler whose patterns come from `pipeline/vocab/actors.jsonl` (label "ACTOR"): phrase
patterns, matched on the lower-case form (full names, groups such as 'labour inspectors'), and
token patterns (case-sensitive acronyms,
ministry acronyms like 'MOLESS', and national bodies such as 'Ministry of Labour, Employment and
Social Security' or 'National Child Labour Committee'). Where matches overlap the longest one
wins (the EntityRuler sorts matches by length and keeps non-overlapping ones).

A pattern line may carry a "comment" key; the loader drops it. Matched spans are tidied before
they are returned: a leading article, single capital letter or French elision goes ('the
Government' -> 'Government', 'A National Committee' -> 'National Committee', "l'OIT" -> 'OIT');
a body's name stops before a trailing joining word ('Ministry of Women and' -> 'Ministry of
Women') and before 'in' unless 'in Persons' / 'in Human Beings' follows ('Task Force on
Trafficking in Persons' stays whole; 'Ministry of Labour in Nepal' is cut).

Word lists (why these): the patterns name UN and international organisations by acronym and
full name, donors, Alliance 8.7 bodies, national bodies by head word (Ministry, Committee, Task
Force, ...) with Title-case words around them, ministry acronyms (^Mo[A-Z][A-Za-z]{1,6}$,
^MO[A-Z]{2,6}$ minus words such as 'MODERN', 'MoUs'), and groups that act in these reports
(labour inspectors, police, prosecutors, judges, social partners, civil society, trade unions,
employers' and workers' organisations, the Government, local authorities, municipalities,
donors, development partners). Sentence-opening verbs ('Establish', 'Strengthen') are kept
from starting a body's name by a stop list on its first word.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pipeline.nlp import pipeline_on_shared_tokenizer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import EntityRuler
    from spacy.tokens import Span

__all__ = ["ACTOR_LABEL", "actor_nlp", "build_actor_ruler", "find_actors", "load_actor_patterns"]

ACTOR_LABEL = "ACTOR"
_PATTERN_KEYS = frozenset({"label", "pattern", "id"})
_ARTICLES = frozenset({"the", "le", "la", "les", "el", "los", "las"})
_TRAILING_JOINS = frozenset({"and", "of", "for", "on", "in", "the", ",", "&", "-"}) | frozenset(
    {"et", "y", "de", "du", "des", "del", "la", "el", "los", "las", "l'", "l’"}
)
_IN_KEEPERS = frozenset({"persons", "person", "human", "humans"})
_ELISION = re.compile(r"^[lLdD]['’](?=[A-Z])")


@lru_cache(maxsize=1)
def load_actor_patterns() -> tuple[dict[str, Any], ...]:
    """The patterns of actors.jsonl, with comment keys stripped (read once; copy before editing)."""
    text = resources.files("pipeline.vocab").joinpath("actors.jsonl").read_text("utf-8")
    patterns = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        entry = json.loads(line)
        if "pattern" not in entry:
            raise ValueError(f"actors.jsonl line {number}: no 'pattern'")
        pattern = {k: v for k, v in entry.items() if k in _PATTERN_KEYS}
        pattern.setdefault("label", ACTOR_LABEL)
        patterns.append(pattern)
    return tuple(patterns)


def build_actor_ruler(nlp: Language) -> EntityRuler:
    """Add an EntityRuler with the actor patterns to `nlp` and return it."""
    from spacy.pipeline import EntityRuler

    ruler = nlp.add_pipe(
        "entity_ruler",
        name="actor_ruler",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
    )
    assert isinstance(ruler, EntityRuler)
    ruler.add_patterns([dict(p) for p in load_actor_patterns()])
    return ruler


@lru_cache(maxsize=1)
def actor_nlp() -> Language:
    """The shared blank English pipeline with the actor ruler (built once)."""
    nlp = pipeline_on_shared_tokenizer()
    build_actor_ruler(nlp)
    return nlp


def _name(span: Span) -> str | None:
    """The span's words as written, tidied (see the module docstring); None to drop it."""
    start, end = span.start, span.end
    doc = span.doc
    if len(doc[start].text) == 1 and doc[start].is_alpha:
        start += 1  # 'A National Committee': a capital letter is not an acronym
        if end - start < 2:
            return None  # 'A Committee' names no body
    for i in range(start + 1, end - 1):
        if doc[i].lower_ == "in" and doc[i + 1].lower_ not in _IN_KEEPERS:
            end = i
            break
    while end - start > 1 and doc[end - 1].lower_ in _TRAILING_JOINS:
        end -= 1
    if end - start > 1 and doc[start].lower_ in _ARTICLES:
        start += 1
    return _ELISION.sub("", doc[start:end].text)


def find_actors(texts: list[str], batch_size: int = 256) -> list[list[str]]:
    """For each text, the actors it names: in order of appearance, de-duplicated, as written."""
    results = []
    for doc in actor_nlp().pipe(texts, batch_size=batch_size):
        seen: set[str] = set()
        names = []
        for ent in doc.ents:
            if ent.label_ != ACTOR_LABEL:
                continue
            name = _name(ent)
            if name is None:
                continue
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                names.append(name)
        results.append(names)
    return results
