"""Throughput of `classify_items`: 10,000 items on one core (target: under 10 seconds).

    .venv/bin/python bench/bench_classify.py [--items 10000] [--model models]

Items are the training texts (with their context) repeated until there are enough; each copy
gets a distinct number so the texts are not all identical.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from pipeline.classify import classify_items, load_classifier
from pipeline.models import Item, Provenance

ROOT = Path(__file__).resolve().parents[1]


def make_items(n: int) -> list[Item]:
    rows = [
        json.loads(line)
        for path in sorted((ROOT / "corpus" / "training").glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    items = []
    for i in range(n):
        row = rows[i % len(rows)]
        text = row["text"] if i < len(rows) else f"{row['text']} ({i // len(rows)})"
        prov = Provenance(
            document_id="bench", source="bench", page=1, block_ids=[f"b{i}"], source_text=text
        )
        items.append(
            Item(
                id=f"i{i}",
                kind=row.get("kind") or "priority",
                text=text,
                context=[row["context"]] if row.get("context") else [],
                section=["Bench section"],
                provenance=prov,
            )
        )
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()

    items = make_items(args.items)
    start = time.perf_counter()
    classifier = load_classifier(args.model)
    loaded = time.perf_counter()
    classify_items(items[:10], classifier)  # warm up the spaCy matcher
    warm = time.perf_counter()
    out = classify_items(items, classifier)
    done = time.perf_counter()

    elapsed = done - warm
    labelled = sum(bool(it.themes or it.actions) for it in out)
    print(f"model load: {loaded - start:.2f} s, warm-up: {warm - loaded:.2f} s")
    print(
        f"classified {len(out)} items in {elapsed:.2f} s: {len(out) / elapsed:,.0f} items/s "
        f"({labelled} with at least one label)"
    )


if __name__ == "__main__":
    main()
