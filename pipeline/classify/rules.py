"""Rule signals for themes and actions: the context an item sits under and the phrases it uses.

Two kinds of evidence, both explainable to an analyst:

- **context**: a sub-list label, table column header, parent lead-in or the last heading of
  the item's section names a label ("Child Labour" column -> child_labour, "Laws and policy:"
  -> legal_policy). A header gives action types only when it *is* a label name (most of its
  content words are taxonomy phrases), so "Action plan for the first year" gives none.
- **phrase**: a taxonomy keyword occurs in the item's own words. Keywords and text go through
  the same normalisation (`stems`), so "labourers", "trafficked", "mobilising" and
  "mobilization" meet their seeds "labour", "trafficking", "mobilise". Matching uses a spaCy
  `PhraseMatcher` over a `Doc` built from the stems of a blank English pipeline's vocabulary.

A few conventions from GOLD.md are written here as small rules rather than keywords:
capacity of inspectors or police is capacity_building plus enforcement; protection of
children or victims is victim_support (of migrant workers alone it is not); "with the
technical support of X" names who helps, not an action; a plan or roadmap named in a header
is a container, not a coordination action.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pipeline.nlp import blank_english
from pipeline.taxonomy import TaxonomyName, load_taxonomy
from pipeline.textnorm import nfkc, straight_apostrophes, word_matches

# The rules' word lists are data (vocab/classify_rules.json), read once at import.
_WORDS = json.loads(
    resources.files("pipeline.vocab").joinpath("classify_rules.json").read_text("utf-8")
)
NAMES: tuple[TaxonomyName, TaxonomyName] = ("themes", "actions")

NUMBERING_RE = re.compile(r"^\s*(?:[ivxlc]+\.|\d+(?:\.\d+)*\.?|[a-z]\)|[-–•*])\s+", re.I)

# Irregular forms, and American spellings mapped onto the British ones the stemmer expects.
_IRREGULAR = dict(_WORDS["irregular_stems"])
_IZE_RE = re.compile(r"(?<=\w{3})iz(?=(?:e|ed|es|ing|ation|ations|er|ers)$)")
_SUFFIXES = tuple(_WORDS["stem_suffixes"])


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """A light, deterministic stemmer for English with British/American spellings.

    It only has to map a keyword and its inflections to the same string; it need not give
    dictionary words ("coordination", "coordinated" -> "coordin").
    """
    tok = straight_apostrophes(token.lower())
    if tok.endswith("'s"):
        tok = tok[:-2]
    if tok in _IRREGULAR:
        return _IRREGULAR[tok]
    if tok.startswith("labor") and not tok.startswith("laborat"):
        tok = "labour" + tok[5:]
    if len(tok) <= 3 or not tok.isalpha():
        return tok
    tok = _IZE_RE.sub("is", tok)
    if tok.endswith("sses"):
        tok = tok[:-2]
    elif tok.endswith("ies") and len(tok) > 4:
        tok = tok[:-3] + "y"
    elif tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
        tok = tok[:-1]
    for suffix in _SUFFIXES:
        if tok.endswith(suffix) and len(tok) - len(suffix) >= 4:
            tok = tok[: -len(suffix)]
            break
    if tok.endswith("e") and len(tok) > 4:
        tok = tok[:-1]
    return tok


def tokenize(text: str) -> list[re.Match[str]]:
    """Word tokens (letters and digits; apostrophes inside words kept) of NFKC text, case
    kept for `stem`. The offsets are into `textnorm.nfkc(text)`, which is `text` itself
    unless `text` holds compatibility characters ("ﬁ", "…")."""
    return word_matches(nfkc(text), apostrophes=True)


def stems(text: str) -> list[str]:
    return [stem(m.group(0)) for m in tokenize(text)]


# ----------------------------------------------------------------------------- rule data

# Phrases in a header that name a container of items (a plan, a roadmap, a list of
# priorities), not an action type: they never give an action to the items under them.
CONTAINER_PHRASES = tuple(_WORDS["container_phrases"])

# Words a header may carry besides label names and still *be* a label name:
# "Priorities: laws and policy", "4.1 Data and research", "Action Group on migration".
_HEADER_FILLER = frozenset(stem(w) for w in _WORDS["header_filler"])

# Officials whose capacity is an enforcement matter (GOLD: capacity of inspectors or
# police is capacity_building plus enforcement).
_OFFICIALS = tuple(_WORDS["officials"])
_CAPACITY = tuple(_WORDS["capacity"])
# Protection of children or victims is victim_support; "social protection" is not.
_PROTECT = tuple(_WORDS["protect"])
_PROTECTED = tuple(_WORDS["protected"])
# Phrases whose words must not count as an action: who helps, not what is done.
_NEUTRAL_PHRASES = tuple(_WORDS["neutral_phrases"])


# ----------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Hit:
    """A phrase found in a text: which label, the words as printed, and its keyword."""

    name: TaxonomyName
    label: str
    phrase: str
    keyword: str
    start: int
    end: int


@dataclass
class Signals:
    """The rule evidence for one item: label -> evidence strings, per taxonomy."""

    phrase: dict[str, dict[str, list[str]]] = field(default_factory=lambda: {n: {} for n in NAMES})
    context: dict[str, dict[str, list[str]]] = field(default_factory=lambda: {n: {} for n in NAMES})
    keywords: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: {n: {} for n in NAMES}
    )

    def add_phrase(self, name: str, label: str, phrase: str, keyword: str) -> None:
        found = self.phrase[name].setdefault(label, [])
        if phrase not in found:
            found.append(phrase)
        self.keywords[name].setdefault(label, []).append(keyword)

    def add_context(self, name: str, label: str, header: str) -> None:
        found = self.context[name].setdefault(label, [])
        if header not in found:
            found.append(header)


class RuleMatcher:
    """PhraseMatcher patterns from the taxonomy keywords plus the rules above."""

    def __init__(self) -> None:
        self.taxonomy = load_taxonomy()
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self._doc = Doc  # spaCy is imported when the matcher is built, not with this module
        self.nlp = blank_english()
        self.matcher = PhraseMatcher(self.nlp.vocab)
        self._keyword: dict[str, tuple[TaxonomyName, str, str]] = {}
        for name in NAMES:
            for label in getattr(self.taxonomy, name):
                for keyword in {*label.keywords, label.label}:
                    self._add(f"{name}|{label.id}|{keyword}", keyword, (name, label.id, keyword))
        self._add_group("_container", CONTAINER_PHRASES)
        self._add_group("_officials", _OFFICIALS)
        self._add_group("_capacity", _CAPACITY)
        self._add_group("_protect", _PROTECT)
        self._add_group("_protected", _PROTECTED)
        self._add_group("_neutral", _NEUTRAL_PHRASES)
        self._container_keys = {" ".join(stems(p)) for p in CONTAINER_PHRASES}

    def _add(self, key: str, phrase: str, meta: tuple[TaxonomyName, str, str]) -> None:
        words = stems(phrase)
        if not words:
            return
        self.matcher.add(key, [self._doc(self.nlp.vocab, words=words)])
        self._keyword[key] = meta

    def _add_group(self, key: str, phrases: Iterable[str]) -> None:
        docs = [self._doc(self.nlp.vocab, words=w) for w in (stems(p) for p in phrases) if w]
        self.matcher.add(key, docs)

    def _matches(self, text: str) -> tuple[list[Hit], dict[str, list[tuple[int, int]]]]:
        tokens = tokenize(text)
        if not tokens:
            return [], {}
        doc = self._doc(self.nlp.vocab, words=[stem(t.group(0)) for t in tokens])
        strings = self.nlp.vocab.strings
        hits: list[Hit] = []
        groups: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self.matcher(doc):
            key = strings[match_id]
            if key.startswith("_"):
                groups.setdefault(key, []).append((start, end))
                continue
            name, label, keyword = self._keyword[key]
            phrase = tokens[start].string[tokens[start].start() : tokens[end - 1].end()]
            hits.append(Hit(name, label, phrase, keyword, start, end))
        # A phrase inside a longer phrase of another label of the same taxonomy does not
        # count on its own:
        # "training" in "vocational skills training", "protection" in "social protection".
        spans = [(h.start, h.end, h.name, h.label) for h in hits]
        neutral = groups.get("_neutral", [])
        kept = []
        for h in hits:
            inside = any(
                s <= h.start
                and h.end <= e
                and (e - s) > (h.end - h.start)
                and name == h.name
                and lab != h.label
                for s, e, name, lab in spans
            )
            if h.name == "actions" and any(s <= h.start and h.end <= e for s, e in neutral):
                inside = True
            if not inside:
                kept.append(h)
        return kept, groups

    def text_signals(self, text: str, signals: Signals | None = None) -> Signals:
        """Phrase evidence from the item's own words."""
        signals = signals or Signals()
        hits, groups = self._matches(text)
        for h in hits:
            signals.add_phrase(h.name, h.label, h.phrase, h.keyword)
        self._conventions(text, groups, signals)
        return signals

    def _conventions(
        self, text: str, groups: dict[str, list[tuple[int, int]]], signals: Signals
    ) -> None:
        tokens = tokenize(text)

        def words(span: tuple[int, int]) -> str:
            return tokens[0].string[tokens[span[0]].start() : tokens[span[1] - 1].end()]

        neutral = groups.get("_neutral", [])

        def free(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
            return [p for p in spans if not any(s <= p[0] and p[1] <= e for s, e in neutral)]

        officials = groups.get("_officials", [])
        capacity = free(groups.get("_capacity", []))
        if officials and capacity:
            signals.add_phrase("actions", "capacity_building", words(capacity[0]), "capacity of")
            signals.add_phrase("actions", "enforcement", words(officials[0]), "officials")
        protect = free(groups.get("_protect", []))
        protected = groups.get("_protected", [])
        if protect and protected:
            first = min(protect)
            near = [p for p in protected if abs(p[0] - first[0]) <= 8]
            if near:
                span = (min(first[0], near[0][0]), max(first[1], near[0][1]))
                signals.add_phrase("actions", "victim_support", words(span), "protection of")

    def header_signals(
        self, headers: Sequence[str], signals: Signals | None = None, source: str = "context"
    ) -> Signals:
        """Context evidence from the headers an item sits under (innermost last)."""
        signals = signals or Signals()
        for raw in headers:
            header = NUMBERING_RE.sub("", raw).strip().rstrip(":").strip()
            if not header:
                continue
            hits, _ = self._matches(header)
            tag = f"{source}: {header}"
            for h in hits:
                if h.name == "themes":
                    signals.add_context("themes", h.label, tag)
            if self._names_actions(header, hits):
                for h in hits:
                    key = " ".join(stems(h.keyword))
                    if h.name == "actions" and key not in self._container_keys:
                        signals.add_context("actions", h.label, tag)
        return signals

    @staticmethod
    def _names_actions(header: str, hits: list[Hit]) -> bool:
        """True when the header is a label name: its content words are taxonomy phrases."""
        words = [stem(t.group(0)) for t in tokenize(header)]
        covered = set()
        for h in hits:
            covered.update(range(h.start, h.end))
        content = [i for i, w in enumerate(words) if w not in _HEADER_FILLER]
        if not content or len(content) > 6:
            return False
        return sum(i in covered for i in content) / len(content) >= 0.75


@lru_cache(maxsize=1)
def rule_matcher() -> RuleMatcher:
    return RuleMatcher()


def item_headers(context: Sequence[str], section: Sequence[str]) -> list[str]:
    """The headers an item sits under: the last heading of its section, then its context."""
    headers = [section[-1]] if section else []
    return [*headers, *(c for c in context if c not in headers)]


def normalise_key(text: str) -> str:
    """Lower-case word tokens joined by spaces: a key to compare texts.

    Each token is lower-cased on its own, after `tokenize` (NFKC, apostrophes inside words
    kept, accents kept): "Children’s  Rights" -> "children’s rights"."""
    return " ".join(m.group(0).lower() for m in tokenize(text))
