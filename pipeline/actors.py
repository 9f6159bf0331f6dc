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
    from spacy.tokens import Doc

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


def _name(doc: Doc, start: int, end: int) -> str | None:
    """The words of `doc[start:end]` as written, tidied (see the module docstring); None to
    drop them."""
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


def _names(doc: Doc, spans: list[tuple[int, int]]) -> list[str]:
    """The names of the actor spans (start, end) of `doc`, in their order, de-duplicated."""
    seen: set[str] = set()
    names = []
    for start, end in spans:
        name = _name(doc, start, end)
        if name is None:
            continue
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


_REQUIRED_OPS = frozenset({None, "+"})  # a token spec with another "OP" may match no token
_LITERAL_ATTRS = ("ORTH", "TEXT", "LOWER")
_Check = tuple[bool, Any]  # (on the lower-case form, a frozenset of hashes or a regex)


class _ActorRuler:
    """The actor ruler's entities, found only where its patterns may match.

    The EntityRuler runs all its token patterns over every token of every text (nine tenths
    of `find_actors`' time), yet most texts name no actor and most patterns cannot match in
    a given text. Here each text is tokenized, a cheap test of its words tells which patterns
    may match, only those are run, and their matches are kept as the ruler keeps them
    (longest first, then leftmost; none overlapping one kept before): the same entities.

    - A phrase pattern matches a run of tokens whose lower-case forms are its tokens' (the
      ruler's PhraseMatcher is on LOWER). It is looked for as such around a token that is its
      anchor, its longest word (rarer than 'the' or 'labour' in 'the labour inspectorate'),
      and the PhraseMatcher runs only on a text where one is found.
    - A token pattern can match only where each of its required tokens (no "OP", or "+")
      that asks for an exact ORTH/TEXT or LOWER, a value "IN" a list, or a "REGEX"
      (searched in the token's text or lower-case form, as spaCy does) finds a token of the
      text that meets it. Patterns with the same such checks share one Matcher, run only
      when the text's words meet them all.

    What a word meets depends on the word alone (its lower-case form is its lexeme's), so it
    is worked out once per word (`_bits`): one bit per distinct check, one for 'anchor of a
    phrase pattern'. `build` gives None (the ruler then reads every text itself) when the
    ruler is not as `build_actor_ruler` makes it: one label, no pattern ids, phrases on
    LOWER, no other component; or when a token pattern has no token to test."""

    def __init__(
        self,
        nlp: Language,
        phrase_matcher: Any,
        phrases: dict[int, tuple[tuple[int, tuple[int, ...]], ...]],
        checks: list[_Check],
        groups: list[tuple[int, Any]],
    ) -> None:
        self.vocab = nlp.vocab
        self.make_doc = nlp.make_doc
        self.phrase_matcher = phrase_matcher
        self.phrases = phrases
        self.groups = groups
        self.phrase_bit = 1 << len(checks)
        # The word-list checks as the bits of each word they list (by ORTH or by LOWER),
        # the regexes one by one.
        self.by_orth: dict[int, int] = {}
        self.by_lower: dict[int, int] = {}
        self.regexes: list[tuple[bool, re.Pattern[str], int]] = []
        for k, (on_lower, needle) in enumerate(checks):
            if isinstance(needle, frozenset):
                table = self.by_lower if on_lower else self.by_orth
                for key in needle:
                    table[key] = table.get(key, 0) | 1 << k
            else:
                self.regexes.append((on_lower, needle, 1 << k))
        self._word_bits: dict[int, int] = {}

    @classmethod
    def build(cls, nlp: Language) -> _ActorRuler | None:
        from spacy.matcher import Matcher

        if nlp.pipe_names != ["actor_ruler"]:
            return None
        ruler = nlp.get_pipe("actor_ruler")
        labels = set(ruler.token_patterns) | set(ruler.phrase_patterns)
        if labels != {ACTOR_LABEL} or ruler._ent_ids or ruler.phrase_matcher_attr != "LOWER":
            return None
        phrases: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        for doc in ruler.phrase_patterns[ACTOR_LABEL]:
            if len(doc):
                anchor = max(range(len(doc)), key=lambda i: (len(doc[i].text), i))
                run = tuple(t.lower for t in doc)
                phrases.setdefault(run[anchor], []).append((anchor, run))
        strings = nlp.vocab.strings
        checks: dict[_Check, int] = {}  # check -> its bit
        by_mask: dict[int, list[list[dict[str, Any]]]] = {}
        for pattern in ruler.token_patterns[ACTOR_LABEL]:
            mask = 0
            for spec in pattern:
                spec = {str(k).upper(): v for k, v in spec.items()}
                if spec.get("OP") not in _REQUIRED_OPS:
                    continue
                for attr in _LITERAL_ATTRS:
                    value, on_lower = spec.get(attr), attr == "LOWER"
                    check: _Check | None = None
                    if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
                        check = (on_lower, re.compile(value["REGEX"]))
                    elif isinstance(value, dict):
                        value = value.get("IN")
                    if isinstance(value, str):
                        value = [value]
                    if isinstance(value, list) and all(isinstance(v, str) for v in value):
                        check = (on_lower, frozenset(strings[v] for v in value))
                    if check is not None:
                        mask |= checks.setdefault(check, 1 << len(checks))
            if not mask:
                return None
            by_mask.setdefault(mask, []).append(pattern)
        groups = []
        for mask, patterns in by_mask.items():
            matcher = Matcher(nlp.vocab)
            matcher.add(ACTOR_LABEL, patterns)
            groups.append((mask, matcher))
        grouped = {anchor: tuple(runs) for anchor, runs in phrases.items()}
        return cls(nlp, ruler.phrase_matcher, grouped, list(checks), groups)

    def _bits(self, orth: int) -> int:
        """The checks the word of hash `orth` meets, and whether it anchors a phrase."""
        lexeme = self.vocab[orth]
        lower = lexeme.lower
        bits = self.by_orth.get(orth, 0) | self.by_lower.get(lower, 0)
        if lower in self.phrases:
            bits |= self.phrase_bit
        for on_lower, regex, bit in self.regexes:
            if regex.search(lexeme.lower_ if on_lower else lexeme.orth_):
                bits |= bit
        if len(self._word_bits) >= 1 << 18:
            self._word_bits.clear()
        self._word_bits[orth] = bits
        return bits

    def _has_phrase(self, doc: Doc) -> bool:
        lowers = [t.lower for t in doc]
        phrases = self.phrases
        for i, lower in enumerate(lowers):
            for anchor, run in phrases.get(lower, ()):
                start = i - anchor
                if start >= 0 and tuple(lowers[start : start + len(run)]) == run:
                    return True
        return False

    def spans(self, doc: Doc) -> list[tuple[int, int]]:
        """The (start, end) of the entities the ruler would set on `doc`, in order."""
        word_bits = self._word_bits
        found = 0
        for orth in [t.orth for t in doc]:
            bits = word_bits.get(orth)
            found |= self._bits(orth) if bits is None else bits
        matches = set()
        for mask, matcher in self.groups:
            if found & mask == mask:
                matches.update(matcher(doc))
        if found & self.phrase_bit and self._has_phrase(doc):
            matches.update(self.phrase_matcher(doc))
        if not matches:
            return []
        # As EntityRuler.match and set_annotations (one label, a Doc without entities).
        ranked = sorted(
            ((start, end) for _, start, end in matches if start != end),
            key=lambda m: (m[1] - m[0], -m[0]),
            reverse=True,
        )
        kept: list[tuple[int, int]] = []
        seen: set[int] = set()
        for start, end in ranked:
            if start not in seen and end - 1 not in seen:
                kept.append((start, end))
                seen.update(range(start, end))
        return sorted(kept)

    def names(self, text: str) -> list[str]:
        doc = self.make_doc(text)
        return _names(doc, self.spans(doc))


@lru_cache(maxsize=1)
def _actor_ruler() -> _ActorRuler | None:
    return _ActorRuler.build(actor_nlp())


def find_actors(texts: list[str], batch_size: int = 256) -> list[list[str]]:
    """For each text, the actors it names: in order of appearance, de-duplicated, as written.

    `_ActorRuler` finds the entities the pipeline's ruler would, running only the patterns
    that may match a text; `batch_size` is for the pipeline when it reads the texts."""
    fast = _actor_ruler()
    if fast is not None:
        return [fast.names(text) for text in texts]
    return [_ruler_names(doc) for doc in actor_nlp().pipe(texts, batch_size=batch_size)]


def _ruler_names(doc: Doc) -> list[str]:
    """The actors of a Doc the pipeline (its EntityRuler) has read."""
    return _names(doc, [(e.start, e.end) for e in doc.ents if e.label_ == ACTOR_LABEL])
