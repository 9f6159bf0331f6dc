"""What changed between two runs: items added, removed and changed.

`diff_runs(OLD_OUT, NEW_OUT)` compares the document results of two run folders so that a
user sees what a re-run or a new model changed before publishing.

Documents are matched by their source path (then by their content hash, for a file that
moved). Within a document, items are matched by their stable id (the same file and item
give the same id); items left over are matched when their texts are similar (Dice >= 0.85
on normalised tokens, as `evaluate` matches) or, failing that, when they sit in the same
blocks, most similar first. A matched item whose kind, country, themes, actions or text
differ is **changed** (with the old and new value of each field); the others are **added**
or **removed**. Documents only in one run count all their items as added or removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from pipeline.evaluate import dice, normalise
from pipeline.models import DocumentResult, Item

FIELDS = ("kind", "country", "themes", "actions", "text")
SIMILAR = 0.85


class ItemEntry(BaseModel):
    item_id: str
    source: str
    kind: str
    country: str | None
    themes: list[str]
    actions: list[str]
    text: str


class FieldChange(BaseModel):
    field: str
    old: Any
    new: Any


class ChangedItem(BaseModel):
    old: ItemEntry
    new: ItemEntry
    changes: list[FieldChange]


class RunDiff(BaseModel):
    old_run: str
    new_run: str
    documents_added: list[str] = Field(default_factory=list)
    documents_removed: list[str] = Field(default_factory=list)
    added: list[ItemEntry] = Field(default_factory=list)
    removed: list[ItemEntry] = Field(default_factory=list)
    changed: list[ChangedItem] = Field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _entry(item: Item, source: str) -> ItemEntry:
    return ItemEntry(
        item_id=item.id,
        source=source,
        kind=item.kind,
        country=item.country,
        themes=sorted(item.themes),
        actions=sorted(item.actions),
        text=item.text,
    )


def _changes(old: ItemEntry, new: ItemEntry) -> list[FieldChange]:
    return [
        FieldChange(field=f, old=getattr(old, f), new=getattr(new, f))
        for f in FIELDS
        if getattr(old, f) != getattr(new, f)
    ]


def _results(run_dir: str | Path) -> list[DocumentResult]:
    from pipeline.runs import load_run

    return [r for _, r in load_run(run_dir).results]


def _match_documents(
    old: list[DocumentResult], new: list[DocumentResult]
) -> tuple[list[tuple[DocumentResult, DocumentResult]], list[DocumentResult], list[DocumentResult]]:
    by_source = {r.document.source: r for r in old}
    pairs, added = [], []
    used: set[int] = set()
    for result in new:
        match = by_source.get(result.document.source)
        if match is None or id(match) in used:
            match = next(
                (r for r in old if r.document.id == result.document.id and id(r) not in used), None
            )
        if match is None:
            added.append(result)
        else:
            used.add(id(match))
            pairs.append((match, result))
    removed = [r for r in old if id(r) not in used]
    return pairs, added, removed


def _diff_items(old: DocumentResult, new: DocumentResult, diff: RunDiff) -> None:
    source = new.document.source
    old_left = {i.id: i for i in old.items}
    new_left = []
    for item in new.items:
        before = old_left.pop(item.id, None)
        if before is None:
            new_left.append(item)
            continue
        a, b = _entry(before, old.document.source), _entry(item, source)
        changes = _changes(a, b)
        if changes:
            diff.changed.append(ChangedItem(old=a, new=b, changes=changes))
        else:
            diff.unchanged += 1
    candidates = []
    for i, item in enumerate(new_left):
        for j, before in enumerate(old_left.values()):
            score = dice(normalise(item.text), normalise(before.text))
            same_blocks = item.provenance.block_ids == before.provenance.block_ids
            if score >= SIMILAR or same_blocks:
                candidates.append((score, i, j))
    olds = list(old_left.values())
    taken_new: set[int] = set()
    taken_old: set[int] = set()
    for _, i, j in sorted(candidates, reverse=True):
        if i in taken_new or j in taken_old:
            continue
        taken_new.add(i)
        taken_old.add(j)
        a, b = _entry(olds[j], old.document.source), _entry(new_left[i], source)
        changes = _changes(a, b)
        if changes:
            diff.changed.append(ChangedItem(old=a, new=b, changes=changes))
        else:
            diff.unchanged += 1
    diff.added += [_entry(x, source) for i, x in enumerate(new_left) if i not in taken_new]
    diff.removed += [
        _entry(x, old.document.source) for j, x in enumerate(olds) if j not in taken_old
    ]


def diff_runs(old_dir: str | Path, new_dir: str | Path) -> RunDiff:
    """Items added, removed and changed from the run in `old_dir` to the run in `new_dir`."""
    old, new = _results(old_dir), _results(new_dir)
    diff = RunDiff(old_run=str(old_dir), new_run=str(new_dir))
    pairs, added, removed = _match_documents(old, new)
    for a, b in pairs:
        _diff_items(a, b, diff)
    for result in added:
        diff.documents_added.append(result.document.source)
        diff.added += [_entry(i, result.document.source) for i in result.items]
    for result in removed:
        diff.documents_removed.append(result.document.source)
        diff.removed += [_entry(i, result.document.source) for i in result.items]
    return diff


def _short(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value) if value else "-"
    return "-" if value is None else str(value)


def format_diff(diff: RunDiff) -> str:
    """The diff as text: counts, then every added, removed and changed item."""
    lines = [
        f"{diff.old_run} -> {diff.new_run}: {len(diff.added)} added, {len(diff.removed)} "
        f"removed, {len(diff.changed)} changed, {diff.unchanged} unchanged",
    ]
    for source in diff.documents_added:
        lines.append(f"  new document: {source}")
    for source in diff.documents_removed:
        lines.append(f"  document gone: {source}")
    for e in diff.added:
        lines.append(f"+ [{e.kind}|{e.country or '-'}] {_short(e.text)}  ({e.source})")
    for e in diff.removed:
        lines.append(f"- [{e.kind}|{e.country or '-'}] {_short(e.text)}  ({e.source})")
    for c in diff.changed:
        lines.append(
            f"~ [{c.new.kind}|{c.new.country or '-'}] {_short(c.new.text)}  ({c.new.source})"
        )
        for ch in c.changes:
            if ch.field == "text":
                lines.append(f"    text: {_short(ch.old, 80)!r} -> {_short(ch.new, 80)!r}")
            else:
                lines.append(f"    {ch.field}: {_value(ch.old)} -> {_value(ch.new)}")
    return "\n".join(lines)


def diff_json(diff: RunDiff) -> str:
    data = diff.model_dump()
    return json.dumps(data, ensure_ascii=False, indent=2)
