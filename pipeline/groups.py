"""Renditions: the same document in several formats, and the same item across them.

A deck is often sent as its PPTX and its PDF export, a report as DOCX and PDF, and the same
text again as Markdown. Each rendition is processed on its own and gives the same items, so a
dashboard that counts items would count them two or three times. `assign_groups` finds:

- **document groups**: documents whose items are the same document's items. Two documents are
  renditions of each other when their items match one to one (same kind, Dice ≥ 0.85 on
  normalised tokens, as `pipeline.evaluate` matches items to gold) so that the fuzzy Jaccard
  `matched / (|A| + |B| - matched)` is at least 0.6; documents with the same file stem
  ("deck.pptx", "deck.pdf") need only 0.3, since the name agrees too. The name alone never
  groups two documents: their contents must agree. Groups are the connected components of
  these pairs.
- **item groups**: inside a document group, each item is matched to at most one item of every
  other rendition (same kind, Dice ≥ 0.85, best matches first). Items that are the same item
  share a `group_id`; the one from the richest rendition (pptx > docx > pdf > html > markdown >
  text, then the source path) is `canonical`, the others are not.

Items repeated across *different* documents (a standard sentence in two workshop reports)
are never merged: only renditions form groups. An item with no counterpart in another
rendition, and every item of a document with no rendition, has `group_id` None and is
canonical, so `WHERE canonical` counts every item once.

Groups depend on every document of a run, so they are recomputed on each run from all current
results (cached ones included): `run_batch` reads the results once to build the `Groups`,
then applies them to each result as it writes the outputs.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import PurePath

from pipeline.evaluate import normalise
from pipeline.models import SCHEMA_VERSION, DocumentResult

__all__ = [
    "FORMAT_RANK",
    "Groups",
    "apply_groups",
    "assign_groups",
    "item_entry",
    "match_items",
]

ITEM_DICE = 0.85
"""Two items are the same item when their normalised tokens reach this Dice (and same kind)."""
_LEAST_SHARED = ITEM_DICE / (2 - ITEM_DICE)
"""Tokens two items at ITEM_DICE share at the least, per token of either: the lengths differ
by at most this ratio, and then the shared tokens are ITEM_DICE of the mean length."""
DOC_JACCARD = 0.6
"""Two documents are renditions when this share of their items match (fuzzy Jaccard)."""
SAME_STEM_JACCARD = 0.3
"""The same, for two documents with the same file stem."""
FORMAT_RANK = {"pptx": 0, "docx": 1, "pdf": 2, "html": 3, "markdown": 4, "text": 5}
"""Richest format first: the canonical item comes from the lowest rank."""
_BANDS, _ROWS = 3, 2  # LSH: items share a band (2 min-hashes) when their token sets overlap
_SHARED = 0.2
"""Sketch keys two documents must share, per item of the smaller one, to be compared: matched
items share one with probability ≳ 0.9, and renditions match ≥ 46 % of their items."""
_COMMON = 50
"""A stem or item sketch shared by more documents than this is boilerplate ("Next steps",
"report"): it proposes no pairs (renditions share many other items)."""


_Entry = tuple[str, str, list[str], Counter]  # item id, kind, tokens, tokens counted
_Index = dict[tuple[str, str, int], list[int]]  # (kind, token, occurrence) -> items


@dataclass
class _Doc:
    id: str
    source: str
    format: str
    stem: str
    items: list[_Entry] = field(default_factory=list)

    @property
    def rank(self) -> tuple[int, str]:
        return FORMAT_RANK.get(self.format, len(FORMAT_RANK)), self.source

    @cached_property
    def signatures(self) -> Counter:
        """Its items by kind and token multiset (identical items, in any word order)."""
        return Counter((kind, tuple(sorted(tokens))) for _, kind, tokens, _ in self.items)

    @cached_property
    def index(self) -> _Index:
        return _token_index(self.items)

    @cached_property
    def lengths(self) -> list[int]:
        return [len(tokens) for _, _, tokens, _ in self.items]


@dataclass
class Groups:
    """The result of `assign_groups`: per item id its (group_id, canonical), and per
    document id its document group id (None for a document with no rendition)."""

    items: dict[str, tuple[str | None, bool]] = field(default_factory=dict)
    documents: dict[str, str | None] = field(default_factory=dict)

    def item(self, item_id: str) -> tuple[str | None, bool]:
        return self.items.get(item_id, (None, True))


def _stem(source: str) -> str:
    name = PurePath(source.replace("\\", "/")).name
    return name.rsplit(".", 1)[0].casefold() if "." in name else name.casefold()


@lru_cache(maxsize=1 << 16)
def _hashes(token: str) -> tuple[int, ...]:
    """Independent stable hashes of `token`, one per min-hash function (same on every run
    and machine): 8-byte slices of one BLAKE2b digest."""
    size = 8 * _BANDS * _ROWS
    digest = hashlib.blake2b(token.encode(), digest_size=size).digest()
    return tuple(int.from_bytes(digest[n : n + 8]) for n in range(0, size, 8))


def _sketch(tokens: list[str]) -> list[tuple[int, ...]]:
    """Locality-sensitive keys of an item's token set: `_BANDS` bands of `_ROWS` min-hashes.
    Two items that match (Dice ≥ 0.85, token-set Jaccard ≳ 0.75) share a band with
    probability ≳ 0.9, unrelated ones (Jaccard ≈ 0.1) with ≈ 0.03; renditions share many
    items, so they share keys almost surely while unrelated documents rarely do."""
    unique = set(tokens)
    if not unique:
        return []
    mins = [min(column) for column in zip(*(_hashes(t) for t in unique), strict=True)]
    return [(band, *mins[band * _ROWS : (band + 1) * _ROWS]) for band in range(_BANDS)]


def _token_index(items: list[_Entry], skip: Collection[int] = ()) -> _Index:
    """Items by (kind, token, occurrence): the k-th 'the' of an item is its own key, so the
    keys two items share are the size of their multiset intersection."""
    index: _Index = defaultdict(list)
    for j, (_, kind, _, count) in enumerate(items):
        if j not in skip:
            for token, n in count.items():
                for k in range(n):
                    index[(kind, token, k)].append(j)
    return index


def _partners(
    kind: str, tokens: list[str], count: Counter, index: _Index, lengths: list[int]
) -> list[int]:
    """The indexed items that may reach ITEM_DICE with this one (a superset, in order).

    Prefix filter: a pair at ITEM_DICE shares at least `need` token occurrences, so one of
    any `len - need + 1` occurrences of this item is in its partner; the rarest ones (the
    shortest postings) are looked up. Then lengths alone rule out the rest."""
    length = len(tokens)
    if not length:
        return []
    need = math.ceil(_LEAST_SHARED * length - 1e-9)
    keys = [(kind, token, k) for token, n in count.items() for k in range(n)]
    keys.sort(key=lambda key: len(index.get(key, ())))
    found: set[int] = set()
    for key in keys[: max(1, length - need + 1)]:
        found.update(index.get(key, ()))
    return [
        j for j in sorted(found) if 2 * min(length, lengths[j]) / (length + lengths[j]) >= ITEM_DICE
    ]


def _dice(a: Counter, length_a: int, b: Counter, length_b: int) -> float:
    """Dice of two token multisets: twice the size of their intersection over their sizes."""
    return 2 * sum(n if n < b[t] else b[t] for t, n in a.items()) / (length_a + length_b)


def match_items(a: list[_Entry], b: list[_Entry]) -> list[tuple[int, int]]:
    """One-to-one matches (index in a, index in b) of the same kind, Dice ≥ ITEM_DICE, the
    best pairs first (ties: document order).

    Items with the same tokens in any order (Dice 1, the best possible pair) are paired
    first, in document order, as the sorted pairs would pair them; the rest are scored
    against the items of `b` that `_partners` finds through an index by kind and token, so
    pairs with little in common cost nothing. Two items without tokens match (Dice 1)."""
    same: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
    for j, (_, kind, tokens, _) in enumerate(b):
        same[(kind, tuple(sorted(tokens)))].append(j)
    exact: list[tuple[int, int]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for i, (_, kind, tokens, _) in enumerate(a):
        waiting = same.get((kind, tuple(sorted(tokens))))
        if waiting:
            j = waiting.pop(0)
            exact.append((i, j))
            used_a.add(i)
            used_b.add(j)
    index = _token_index(b, skip=used_b)
    lengths = [len(tokens) for _, _, tokens, _ in b]
    pairs = []
    for i, (_, kind, tokens, count) in enumerate(a):
        if i in used_a:
            continue
        for j in _partners(kind, tokens, count, index, lengths):
            score = _dice(count, len(tokens), b[j][3], lengths[j])
            if score >= ITEM_DICE:
                pairs.append((-score, i, j))
    pairs.sort()
    out = exact
    for _, i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j))
    return out


def item_entry(item_id: str, kind: str, tokens: list[str]) -> _Entry:
    """An item as `match_items` compares it: id, kind, normalised tokens and their counts."""
    return (item_id, kind, tokens, Counter(tokens))


def _renditions(a: _Doc, b: _Doc) -> bool:
    if not a.items or not b.items:
        return False
    threshold = SAME_STEM_JACCARD if a.stem == b.stem else DOC_JACCARD
    size = len(a.items) + len(b.items)

    def reaches(matched: int) -> bool:
        return matched / (size - matched) >= threshold

    # Bounds first (the Jaccard grows with the matches): identical items are always matched
    # one to one, and only items of `a` with some partner in `b` can be; documents that
    # share a few stock sentences are ruled out without matching them in full.
    if reaches(sum((a.signatures & b.signatures).values())):
        return True
    if not reaches(min(_with_partner(a.items, b, reaches), len(b.items))):
        return False
    return reaches(len(match_items(a.items, b.items)))


def _with_partner(a: list[_Entry], b: _Doc, reaches: Callable[[int], bool]) -> int:
    """An upper bound of the matches: the items of `a` with an item of `b` at ITEM_DICE (not
    one to one). Counting stops as soon as too few are left for `reaches`."""
    alive = len(a)
    for _, kind, tokens, count in a:
        if tokens and not any(
            _dice(count, len(tokens), b.items[j][3], b.lengths[j]) >= ITEM_DICE
            for j in _partners(kind, tokens, count, b.index, b.lengths)
        ):
            alive -= 1
            if not reaches(min(alive, len(b.items))):
                break
    return alive


def assign_groups(results: Iterable[DocumentResult]) -> Groups:
    """Document and item groups over all `results` of a run (see the module doc).

    `results` is read once and only item ids, kinds and tokens are kept, so a generator
    that reads one result at a time keeps memory small. A document given twice (same bytes,
    same id) counts once.
    """
    docs: dict[str, _Doc] = {}
    for result in results:
        info = result.document
        if info.id in docs:
            continue
        docs[info.id] = _Doc(
            info.id,
            info.source,
            info.format,
            _stem(info.source),
            [item_entry(item.id, item.kind, normalise(item.text)) for item in result.items],
        )
    ordered = list(docs.values())
    # Candidate pairs (never all pairs): documents with the same stem, or sharing the
    # sketch keys of enough of their items; each candidate is then checked item by item.
    buckets: dict[object, list[int]] = defaultdict(list)
    for n, doc in enumerate(ordered):
        keys: set[object] = {("stem", doc.stem)}
        for _, kind, tokens, _ in doc.items:
            keys.update((kind, *h) for h in _sketch(tokens))
        for key in keys:
            buckets[key].append(n)
    shared: Counter[tuple[int, int]] = Counter()
    same_stem: set[tuple[int, int]] = set()
    for key, members in buckets.items():
        if 1 < len(members) <= _COMMON:
            pairs = ((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
            if isinstance(key, tuple) and key[0] == "stem":
                same_stem.update(pairs)
            else:
                shared.update(pairs)
    candidates = same_stem | {
        (a, b)
        for (a, b), count in shared.items()
        if count >= _SHARED * min(len(ordered[a].items), len(ordered[b].items))
    }
    parent = list(range(len(ordered)))

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in sorted(candidates):
        if find(a) != find(b) and _renditions(ordered[a], ordered[b]):
            parent[find(a)] = find(b)
    components: dict[int, list[_Doc]] = defaultdict(list)
    for n, doc in enumerate(ordered):
        components[find(n)].append(doc)

    groups = Groups()
    for members in components.values():
        members.sort(key=lambda d: d.rank)
        if len(members) == 1:
            groups.documents[members[0].id] = None
            continue
        doc_group = "d-" + members[0].id[:16]
        for doc in members:
            groups.documents[doc.id] = doc_group
        _group_items(members, groups)
    return groups


def _group_items(members: list[_Doc], groups: Groups) -> None:
    """Cluster the items of one document group; the richest rendition's item leads."""
    clusters: list[list[_Entry]] = []
    for doc in members:
        # Each cluster is represented by its first (canonical) item; it takes at most one
        # item of each document.
        heads = [c[0] for c in clusters]
        matched = dict((j, i) for i, j in match_items(heads, doc.items))
        for j, item in enumerate(doc.items):
            if j in matched:
                clusters[matched[j]].append(item)
            else:
                clusters.append([item])
    for cluster in clusters:
        if len(cluster) == 1:
            groups.items[cluster[0][0]] = (None, True)
            continue
        group_id = "g-" + cluster[0][0]
        for n, (item_id, *_) in enumerate(cluster):
            groups.items[item_id] = (group_id, n == 0)


def apply_groups(result: DocumentResult, groups: Groups) -> DocumentResult:
    """`result` with every item's `group_id` and `canonical` set from `groups` (and the
    current schema version); the same object when nothing changes."""
    changed = result.schema_version != SCHEMA_VERSION
    document = result.document
    doc_group = groups.documents.get(document.id)
    if document.group_id != doc_group:
        document = document.model_copy(update={"group_id": doc_group})
        changed = True
    items = []
    for item in result.items:
        group_id, canonical = groups.item(item.id)
        if (item.group_id, item.canonical) != (group_id, canonical):
            item = item.model_copy(update={"group_id": group_id, "canonical": canonical})
            changed = True
        items.append(item)
    if not changed:
        return result
    return result.model_copy(
        update={"document": document, "items": items, "schema_version": SCHEMA_VERSION}
    )
