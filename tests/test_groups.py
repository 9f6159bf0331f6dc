"""Rendition matching: the indexed one-to-one item matcher gives what scoring every pair
and taking the best pairs first gives."""

from __future__ import annotations

import random

from pipeline.evaluate import normalise
from pipeline.groups import (
    DOC_JACCARD,
    ITEM_DICE,
    SAME_STEM_JACCARD,
    assign_groups,
    item_entry,
    match_items,
)
from pipeline.models import DocumentInfo, DocumentResult, Item, Provenance


def _every_pair(a, b) -> list[tuple[int, int]]:
    """The plain definition: Dice of every same-kind pair, best first, ties in order."""
    pairs = []
    for i, (_, kind_a, tokens_a, count_a) in enumerate(a):
        for j, (_, kind_b, tokens_b, count_b) in enumerate(b):
            if kind_a != kind_b:
                continue
            total = len(tokens_a) + len(tokens_b)
            score = 2 * sum((count_a & count_b).values()) / total if total else 1.0
            if score >= ITEM_DICE:
                pairs.append((-score, i, j))
    pairs.sort()
    used_a, used_b, out = set(), set(), []
    for _, i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j))
    return out


def test_indexed_matching_equals_scoring_every_pair() -> None:
    rng = random.Random(87)
    words = [
        "the",
        "plan",
        "of",
        "child",
        "labour",
        "train",
        "inspectors",
        "adopt",
        "and",
        "a",
        "national",
        "roadmap",
        "data",
    ]
    for _ in range(300):

        def items(n: int) -> list:
            out = []
            for k in range(n):
                tokens = [rng.choice(words) for _ in range(rng.randint(0, 9))]
                out.append(item_entry(f"i{k}", rng.choice(["priority", "next_step"]), tokens))
            return out

        a = items(rng.randint(0, 12))
        # b: shuffled copies of some of a's items (renditions), near copies and new ones
        b = []
        for _, kind, tokens, _ in a:
            roll = rng.random()
            if roll < 0.4:
                b.append(item_entry("c", kind, rng.sample(tokens, len(tokens))))
            elif roll < 0.7 and tokens:
                b.append(item_entry("n", kind, [*tokens, rng.choice(words)]))
        b += items(rng.randint(0, 6))
        rng.shuffle(b)
        assert match_items(a, b) == _every_pair(a, b)


def _document(doc_id: str, source: str, texts: list[tuple[str, str]]) -> DocumentResult:
    items = [
        Item(
            id=f"{doc_id}-{n}",
            kind=kind,
            text=text,
            provenance=Provenance(
                document_id=doc_id, source=source, page=1, block_ids=[], source_text=text
            ),
        )
        for n, (kind, text) in enumerate(texts)
    ]
    info = DocumentInfo(id=doc_id, source=source, format=source.rsplit(".", 1)[1], page_count=1)
    return DocumentResult(pipeline_version="test", document=info, items=items)


def test_document_groups_are_the_renditions_by_definition() -> None:
    """Documents made of the same stock sentences (as reports written from one template are)
    group only where their items match one to one at the Jaccard the module doc states: the
    bounds that skip full matching change no decision."""
    rng = random.Random(13)
    stock = [
        f"{verb} the {thing} on {topic}"
        for verb in ("Adopt", "Review", "Fund", "Publish")
        for thing in ("national plan", "survey", "guidelines")
        for topic in ("child labour", "forced labour", "trafficking")
    ]
    docs, texts_of = [], {}
    for n in range(14):
        texts = [(rng.choice(["priority", "next_step"]), t) for t in rng.sample(stock, 12)]
        texts += [
            ("priority", f"Own item {n} {k} of this report") for k in range(rng.randint(0, 8))
        ]
        texts_of[n] = texts
        docs.append(_document(f"d{n}", f"in/report-{n}.docx", texts))
        if n % 3 == 0:  # a PDF export: most items again, a few changed or missing
            kept = [(k, t) for k, t in texts if rng.random() < 0.8]
            kept += [("priority", f"Page {n} of the export")]
            docs.append(_document(f"p{n}", f"in/export-{n}.pdf", kept))
    entries = {
        d.document.id: [item_entry(i.id, i.kind, normalise(i.text)) for i in d.items] for d in docs
    }
    stems = {d.document.id: d.document.source.rsplit("/", 1)[1].split(".")[0] for d in docs}

    def renditions(a: str, b: str) -> bool:
        matched = len(match_items(entries[a], entries[b]))
        jaccard = matched / (len(entries[a]) + len(entries[b]) - matched)
        return jaccard >= (SAME_STEM_JACCARD if stems[a] == stems[b] else DOC_JACCARD)

    ids = list(entries)
    expected = {
        frozenset((a, b)) for i, a in enumerate(ids) for b in ids[i + 1 :] if renditions(a, b)
    }
    groups = assign_groups(docs)
    grouped = {
        frozenset((a, b))
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if groups.documents[a] is not None and groups.documents[a] == groups.documents[b]
    }
    assert len(expected) >= 3  # the exports are found ...
    assert grouped == expected  # ... and nothing else, though all share stock sentences
