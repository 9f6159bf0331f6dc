"""Rendition matching: the indexed one-to-one item matcher gives what scoring every pair
and taking the best pairs first gives."""

from __future__ import annotations

import random

from pipeline.groups import ITEM_DICE, item_entry, match_items


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
