"""Checks of the labelled training items (corpus/training/*.jsonl) and the taxonomy file."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict

import pycountry
import pytest
from conftest import ROOT, SHARED

TRAINING_DIR = ROOT / "corpus" / "training"
TAXONOMY_PATH = ROOT / "pipeline" / "vocab" / "taxonomy.json"

THEMES = {
    "child_labour",
    "forced_labour",
    "human_trafficking",
    "modern_slavery",
    "migration",
    "supply_chains",
    "conflict_humanitarian",
    "rule_of_law",
}
ACTIONS = {
    "legal_policy",
    "enforcement",
    "data_research",
    "awareness",
    "capacity_building",
    "coordination",
    "social_protection",
    "education_skills",
    "victim_support",
    "resources",
    "monitoring",
}
KINDS = {"priority", "next_step"}
FIELDS = {"text", "kind", "country", "context", "themes", "actions"}
MIN_ITEMS = 600
MIN_PER_LABEL = 25
MIN_KEYWORDS = 10
DICE_LIMIT = 0.8

_NON_ALNUM = re.compile(r"[^\w]+|_")


def tokens(text: str) -> Counter[str]:
    """Token multiset as GOLD.md normalises text: NFKC, lower case, non-alphanumeric runs split."""
    norm = unicodedata.normalize("NFKC", text).lower()
    return Counter(tok for tok in _NON_ALNUM.split(norm) if tok)


def similar_pairs(
    left: list[Counter[str]], right: list[Counter[str]] | None = None, limit: float = DICE_LIMIT
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, dice) with token-multiset Dice >= limit.

    With one list, pairs i < j within it; with two, pairs across them. An inverted index
    from token to (item, count) accumulates the multiset intersection, so only items that
    share a token are ever compared.
    """
    other = left if right is None else right
    index: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for j, counts in enumerate(other):
        for tok, n in counts.items():
            index[tok].append((j, n))
    sizes = [sum(c.values()) for c in other]
    found = []
    for i, counts in enumerate(left):
        size_i = sum(counts.values())
        shared: dict[int, int] = defaultdict(int)
        for tok, n in counts.items():
            for j, m in index.get(tok, ()):
                if right is None and j <= i:
                    continue
                shared[j] += min(n, m)
        for j, inter in shared.items():
            dice = 2 * inter / (size_i + sizes[j])
            if dice >= limit:
                found.append((i, j, dice))
    return found


def _load_items() -> list[tuple[str, dict]]:
    items = []
    for path in sorted(TRAINING_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    items.append((f"{path.name}:{lineno}", json.loads(line)))
    return items


@pytest.fixture(scope="module")
def items() -> list[tuple[str, dict]]:
    return _load_items()


@pytest.fixture(scope="module")
def taxonomy() -> dict:
    return json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))


def test_enough_items(items):
    assert len(items) >= MIN_ITEMS, f"only {len(items)} training items"


def test_fields_are_valid(items):
    problems = []
    for where, item in items:
        if set(item) != FIELDS:
            problems.append(f"{where}: fields {sorted(item)}")
            continue
        if not isinstance(item["text"], str) or not item["text"].strip():
            problems.append(f"{where}: empty text")
        if item["kind"] not in KINDS:
            problems.append(f"{where}: kind {item['kind']!r}")
        country = item["country"]
        if country is not None and (
            not isinstance(country, str)
            or len(country) != 3
            or pycountry.countries.get(alpha_3=country) is None
        ):
            problems.append(f"{where}: country {country!r}")
        context = item["context"]
        if context is not None and (not isinstance(context, str) or not context.strip()):
            problems.append(f"{where}: context {context!r}")
        for field, known in (("themes", THEMES), ("actions", ACTIONS)):
            labels = item[field]
            if not isinstance(labels, list) or len(set(labels)) != len(labels):
                problems.append(f"{where}: {field} {labels!r}")
            elif set(labels) - known:
                problems.append(f"{where}: unknown {field} {sorted(set(labels) - known)}")
    assert not problems, "\n".join(problems[:50])


def test_every_label_has_enough_items(items):
    counts = Counter()
    for _, item in items:
        counts.update(item["themes"])
        counts.update(item["actions"])
    thin = {label: counts[label] for label in THEMES | ACTIONS if counts[label] < MIN_PER_LABEL}
    assert not thin, f"labels with fewer than {MIN_PER_LABEL} items: {thin}"


def test_both_kinds_present(items):
    kinds = Counter(item["kind"] for _, item in items)
    assert all(kinds[k] > 0 for k in KINDS), kinds


def test_no_near_duplicates(items):
    counts = [tokens(item["text"]) for _, item in items]
    pairs = similar_pairs(counts)
    report = [
        f"{items[i][0]} ~ {items[j][0]} ({dice:.2f}): "
        f"{items[i][1]['text']!r} / {items[j][1]['text']!r}"
        for i, j, dice in pairs
    ]
    assert not report, "near-duplicate training items:\n" + "\n".join(report[:30])


def test_no_item_similar_to_seed_gold(items):
    gold_dir = SHARED / "seeds" / "gold"
    if not gold_dir.is_dir():
        pytest.skip(f"shared seed gold not found at {gold_dir}")
    seeds = []
    for path in sorted(gold_dir.glob("*.json")):
        seeds += [it["text"] for it in json.loads(path.read_text(encoding="utf-8"))["items"]]
    if not seeds:
        pytest.skip("no seed gold items")
    counts = [tokens(item["text"]) for _, item in items]
    pairs = similar_pairs(counts, [tokens(s) for s in seeds])
    report = [
        f"{items[i][0]} ({d:.2f}): {items[i][1]['text']!r} ~ {seeds[j]!r}" for i, j, d in pairs
    ]
    assert not report, "training items too close to held-out seed gold:\n" + "\n".join(report)


def test_similarity_helper_matches_brute_force():
    texts = [
        "Strengthen labour inspection",
        "Strengthen the labour inspection",
        "Awareness raising on child labour",
        "awareness-raising on child labour!",
        "Mobilise resources",
    ]
    counts = [tokens(t) for t in texts]
    fast = {(i, j) for i, j, _ in similar_pairs(counts)}
    slow = set()
    for i in range(len(counts)):
        for j in range(i + 1, len(counts)):
            inter = sum((counts[i] & counts[j]).values())
            total = sum(counts[i].values()) + sum(counts[j].values())
            if 2 * inter / total >= DICE_LIMIT:
                slow.add((i, j))
    assert fast == slow == {(0, 1), (2, 3)}


def test_taxonomy_ids_and_fields(taxonomy):
    assert taxonomy.get("version")
    assert {lab["id"] for lab in taxonomy["themes"]} == THEMES
    assert {lab["id"] for lab in taxonomy["actions"]} == ACTIONS
    for group in ("themes", "actions"):
        ids = [lab["id"] for lab in taxonomy[group]]
        assert len(ids) == len(set(ids)), f"duplicate ids in {group}"
        for lab in taxonomy[group]:
            assert isinstance(lab.get("label"), str) and lab["label"].strip(), lab["id"]
            assert isinstance(lab.get("description"), str) and lab["description"].strip()
            keywords = lab.get("keywords")
            assert isinstance(keywords, list) and len(keywords) >= MIN_KEYWORDS, lab["id"]
            for kw in keywords:
                assert isinstance(kw, str) and kw.strip() == kw and kw, (lab["id"], kw)
                assert kw == kw.lower(), (lab["id"], kw)


def test_taxonomy_keywords_not_shared_within_group(taxonomy):
    for group in ("themes", "actions"):
        owner: dict[str, str] = {}
        clashes = []
        for lab in taxonomy[group]:
            for kw in set(lab["keywords"]):
                if kw in owner:
                    clashes.append(f"{kw!r}: {owner[kw]} and {lab['id']}")
                owner[kw] = lab["id"]
        assert not clashes, f"{group}: " + "; ".join(clashes)
