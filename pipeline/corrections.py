"""Analysts' corrections: stored once, applied to every later run, learnt by `pipeline train`.

A correction overrides some fields of one item (kind, country, themes, actions) or marks it as
not an item at all. Corrections live in a JSONL file (default `corpus/corrections.jsonl`), one
`Correction` a line, and are found again on later runs by the item's stable id or, when the id
changed because the document was edited and the item moved, by the hash of its text within
the same source file (only where that text occurs once in the document).

Applying a correction marks the item with `Item.review` (reviewer, date, fields corrected);
labels set by a reviewer get score 1.0 and a `review: <who>, <date>` line in their evidence.
Applying is idempotent: a result that already carries a correction is left as it is.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline import runs
from pipeline.errors import PipelineError
from pipeline.fileio import write_text_atomic
from pipeline.models import DocumentResult, Item, ItemKind, LabelScore, Review
from pipeline.taxonomy import load_taxonomy
from pipeline.textnorm import fold, squash_space

DEFAULT_CORRECTIONS = Path(__file__).resolve().parents[1] / "corpus" / "corrections.jsonl"
GLOBAL = "GLOBAL"
"""Country value of a correction that makes an item global (no country)."""
FIELDS = ("kind", "country", "themes", "actions")
REVIEW_EVIDENCE = "review: "


class CorrectionsError(PipelineError):
    """A corrections file that cannot be read."""

    code = "corrections"
    hint = "Fix or remove the line; the file holds one JSON correction a line."


class ItemState(BaseModel):
    """An item's labels as the reviewer saw them, kept for the record and for training."""

    kind: ItemKind
    country: str | None = None
    themes: list[str] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)


class Correction(BaseModel):
    """One analyst's correction of one item; `None` fields are left as the model said."""

    model_config = ConfigDict(extra="forbid")

    item_id: str
    text_hash: str = Field(description="`text_hash(item.text)`: finds the item if its id moved.")
    source: str | None = Field(default=None, description="File name of the item's document.")
    text: str = Field(default="", description="The item's text when it was reviewed.")
    context: list[str] = Field(default_factory=list)
    section: list[str] = Field(default_factory=list)
    kind: ItemKind | None = None
    country: str | None = Field(
        default=None, description=f"ISO 3166-1 alpha-3, or '{GLOBAL}' for no country."
    )
    themes: list[str] | None = None
    actions: list[str] | None = None
    not_an_item: bool = False
    note: str | None = None
    reviewer: str
    date: str = Field(description="ISO date of the review.")
    before: ItemState | None = Field(default=None, description="The item when it was reviewed.")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None or value == GLOBAL:
            return value
        from pipeline.countries import is_country_code  # loads spaCy: only when needed

        code = value.strip().upper()
        if not is_country_code(code):
            raise ValueError(f"unknown country code {value!r} (ISO 3166-1 alpha-3 or {GLOBAL})")
        return code

    @field_validator("themes", "actions")
    @classmethod
    def _labels(cls, value: list[str] | None, info: Any) -> list[str] | None:
        if value is None:
            return None
        known = load_taxonomy().ids(info.field_name)
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValueError(f"unknown {info.field_name} {unknown}")
        return [label for label in known if label in value]  # taxonomy order, no duplicates

    @property
    def fields(self) -> list[str]:
        """The fields this correction sets."""
        return [name for name in FIELDS if getattr(self, name) is not None]


def text_hash(text: str) -> str:
    """Hash of an item's text, blind to case, Unicode form and whitespace."""
    norm = squash_space(fold(text, accents=True, casefold=True))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def source_name(source: str | None) -> str:
    """The file name a correction is matched on ('corpus/docs/deck.pptx' -> 'deck.pptx')."""
    return source.replace("\\", "/").rsplit("/", 1)[-1] if source else ""


# ----------------------------------------------------------------------------- storage


def load_corrections(path: str | Path) -> list[Correction]:
    """The corrections stored in `path` (JSONL); an absent file holds none."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorrectionsError(path, f"cannot be read ({exc})") from exc
    out: list[Correction] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append(Correction.model_validate_json(line))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "line"
            raise CorrectionsError(path, f"line {n}: {where}: {err['msg']}") from exc
    return out


def save_corrections(path: str | Path, corrections: Iterable[Correction]) -> None:
    """Write all corrections to `path` atomically, one JSON object a line."""
    lines = [c.model_dump_json(exclude_none=True) + "\n" for c in corrections]
    write_text_atomic(path, "".join(lines))


def merge_corrections(old: Sequence[Correction], new: Sequence[Correction]) -> list[Correction]:
    """Old corrections updated by new ones for the same item (same id, or same text and file).

    A later review overrides the fields it sets and keeps the earlier review's other fields,
    so correcting the themes of an item whose country was corrected before keeps both.
    """
    merged = list(old)
    by_id = {c.item_id: i for i, c in enumerate(merged)}
    by_hash = {(source_name(c.source), c.text_hash): i for i, c in enumerate(merged)}
    for c in new:
        i = by_id.get(c.item_id)
        if i is None:
            i = by_hash.get((source_name(c.source), c.text_hash))
        if i is None:
            merged.append(c)
            i = len(merged) - 1
        else:
            prev = merged[i]
            kept = {f: getattr(prev, f) for f in (*FIELDS, "note") if getattr(c, f) is None}
            update = {k: v for k, v in kept.items() if v is not None}
            merged[i] = c.model_copy(update={**update, "before": prev.before or c.before})
        by_id[c.item_id] = i
        by_hash[(source_name(c.source), c.text_hash)] = i
    return merged


# ----------------------------------------------------------------------------- applying


class CorrectionIndex:
    """Corrections looked up by item id, or by (file name, text hash)."""

    def __init__(self, corrections: Iterable[Correction]) -> None:
        self.corrections = list(corrections)
        self.by_id = {c.item_id: c for c in self.corrections}
        self.by_hash: dict[tuple[str, str], Correction] = {}
        for c in self.corrections:
            self.by_hash[(source_name(c.source), c.text_hash)] = c

    def __len__(self) -> int:
        return len(self.corrections)

    def matches(self, result: DocumentResult) -> list[Correction | None]:
        """The correction for each item of `result`, or None."""
        name = source_name(result.document.source)
        hashes = [text_hash(item.text) for item in result.items]
        counts = Counter(hashes)
        found: list[Correction | None] = [self.by_id.get(item.id) for item in result.items]
        used = {id(c) for c in found if c is not None}
        for i, h in enumerate(hashes):
            if found[i] is not None or counts[h] != 1:
                continue
            c = self.by_hash.get((name, h)) or self.by_hash.get(("", h))
            if c is not None and id(c) not in used:
                found[i] = c
                used.add(id(c))
        return found


def _reviewed_scores(scores: list[LabelScore], labels: list[str], mark: str) -> list[LabelScore]:
    by_label = {s.label: s for s in scores}
    out = []
    for label in labels:
        prev = by_label.get(label)
        evidence = [e for e in (prev.evidence if prev else []) if not e.startswith(REVIEW_EVIDENCE)]
        out.append(LabelScore(label=label, score=1.0, evidence=[*evidence, mark]))
    return out


def correct_item(item: Item, correction: Correction) -> Item:
    """`item` with the correction's fields set and its review recorded."""
    mark = f"{REVIEW_EVIDENCE}{correction.reviewer}, {correction.date}"
    update: dict[str, Any] = {
        "review": Review(
            reviewer=correction.reviewer,
            date=correction.date,
            fields=correction.fields,
            note=correction.note,
        ),
        "review_status": "corrected" if correction.fields else "reviewed",
    }
    if correction.kind is not None:
        update["kind"] = correction.kind
    if correction.country is not None:
        from pipeline.countries import country_name

        code = None if correction.country == GLOBAL else correction.country
        update["country"], update["country_name"] = code, country_name(code)
    for name in ("themes", "actions"):
        labels = getattr(correction, name)
        if labels is not None:
            update[name] = list(labels)
            scores = getattr(item, f"{name[:-1]}_scores")
            update[f"{name[:-1]}_scores"] = _reviewed_scores(scores, labels, mark)
    return item.model_copy(update=update)


def apply_corrections(
    result: DocumentResult, corrections: CorrectionIndex | Iterable[Correction]
) -> DocumentResult:
    """A copy of `result` with corrected items updated and items marked not-an-item dropped."""
    index = (
        corrections if isinstance(corrections, CorrectionIndex) else CorrectionIndex(corrections)
    )
    if not len(index):
        return result
    items = []
    for item, c in zip(result.items, index.matches(result), strict=True):
        if c is None:
            items.append(item)
        elif not c.not_an_item:
            items.append(correct_item(item, c))
    return result.model_copy(update={"items": items})


def rejected_count(
    corrections: CorrectionIndex | Iterable[Correction], sources: Iterable[str]
) -> int:
    """How many stored "not an item" corrections concern the documents named `sources`.

    Rejected items are dropped from the results (`apply_corrections`), so they are counted
    from the corrections themselves: by the file name of the document they were made on.
    """
    index = (
        corrections if isinstance(corrections, CorrectionIndex) else CorrectionIndex(corrections)
    )
    names = {source_name(s) for s in sources}
    return sum(1 for c in index.corrections if c.not_an_item and source_name(c.source) in names)


def apply_corrections_to_results(
    results: list[DocumentResult], corrections_path: str | Path | None
) -> list[DocumentResult]:
    """`results` with the corrections stored in `corrections_path` applied (for `run_batch`)."""
    corrections = load_corrections(corrections_path) if corrections_path else []
    if not corrections:
        return list(results)
    index = CorrectionIndex(corrections)
    return [apply_corrections(r, index) for r in results]


def matched_count(results: Iterable[DocumentResult], corrections: Iterable[Correction]) -> int:
    """How many of `corrections` find an item in `results`."""
    index = CorrectionIndex(corrections)
    found = {id(c) for r in results for c in index.matches(r) if c is not None}
    return len(found)


def rewrite_run(run_dir: str | Path, corrections_path: str | Path) -> tuple[int, int]:
    """Apply stored corrections to a finished run's outputs in place, without reprocessing.

    Rewrites the changed `documents/*.json`, then a new generation of items.jsonl,
    items.csv, priorities.sqlite, schema.json and the manifest with its item counts, made
    current in one step (`pipeline.runs`); it holds the run folder's lock meanwhile.
    Returns (corrections that matched an item, items now).
    """
    run = runs.load_run(run_dir)
    lock = runs.claim_output(run.dir)
    try:
        return _rewrite(run, corrections_path)
    finally:
        lock.close()


def _rewrite(run: runs.Run, corrections_path: str | Path) -> tuple[int, int]:
    from pipeline import emit
    from pipeline.groups import apply_groups, assign_groups

    corrections = load_corrections(corrections_path)
    index = CorrectionIndex(corrections)
    matched = matched_count([r for _, r in run.results], corrections)
    corrected = [(output, apply_corrections(result, index)) for output, result in run.results]
    groups = assign_groups(r for _, r in corrected)
    fixed: list[tuple[str, DocumentResult]] = []
    for (output, result), (_, new) in zip(run.results, corrected, strict=True):
        new = apply_groups(new, groups)
        if new != result:
            write_text_atomic(run.dir / output, new.model_dump_json(indent=2))
        fixed.append((output, new))
    ordered = [r for _, r in fixed]
    manifest = run.manifest
    if manifest is None:
        manifest = runs.Manifest(run_id=uuid.uuid4().hex, started=datetime.now(UTC).isoformat())
    counted: dict[str, int] = {}

    def fill(gen: Path) -> runs.Manifest:
        counted["items"] = emit.write_outputs(
            gen, ordered, runs.previous_runs(run.dir), csv_bom=manifest.csv_bom
        )
        manifest.counts["rejected"] = rejected_count(index, [r.document.source for r in ordered])
        emit.write_schema(gen / "schema.json")
        items = {output: len(r.items) for output, r in fixed}
        for record in manifest.inputs:
            if record.output in items:
                record.items = items[record.output]
        manifest.counts["items"] = counted["items"]
        return manifest

    runs.write_generation(run.dir, fill)
    return matched, counted["items"]


# ----------------------------------------------------------------------------- training


def _results_list(results: str | Path | Sequence[DocumentResult] | None) -> list[DocumentResult]:
    if results is None:
        return []
    if isinstance(results, str | Path):
        return [r for _, r in runs.load_run(results).results]
    return list(results)


def corrections_as_training_items(
    corrections: Sequence[Correction],
    results: str | Path | Sequence[DocumentResult] | None = None,
) -> list[dict[str, Any]]:
    """Training rows `{"text","kind","country","context","section","themes","actions"}`.

    One row per reviewed item that is an item: the corrected fields, and for the fields the
    reviewer left alone the labels they saw (the item in `results` — a run folder or a list
    of results — or else the labels kept with the correction). Items marked not-an-item give
    no row: the classifier labels items, it does not decide what is one.
    """
    items: dict[str, Item] = {}
    by_hash: dict[tuple[str, str], Item] = {}
    for result in _results_list(results):
        name = source_name(result.document.source)
        for item in result.items:
            items[item.id] = item
            by_hash[(name, text_hash(item.text))] = item
    rows = []
    for c in corrections:
        if c.not_an_item:
            continue
        item = items.get(c.item_id) or by_hash.get((source_name(c.source), c.text_hash))
        seen: dict[str, Any] = {}
        if item is not None:
            seen = {
                "text": item.text,
                "context": item.context,
                "section": item.section,
                **{f: getattr(item, f) for f in FIELDS},
            }
        elif c.before is not None:
            seen = c.before.model_dump()
        country = c.country if c.country is not None else seen.get("country")
        rows.append(
            {
                "text": seen.get("text") or c.text,
                "kind": c.kind or seen.get("kind"),
                "country": None if country == GLOBAL else country,
                "context": list(seen.get("context") or c.context),
                "section": list(seen.get("section") or c.section),
                "themes": list(c.themes if c.themes is not None else seen.get("themes", [])),
                "actions": list(c.actions if c.actions is not None else seen.get("actions", [])),
            }
        )
    return [r for r in rows if r["text"]]


def write_training_rows(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write training rows as JSONL (the format `pipeline train --corrections` reads)."""
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    write_text_atomic(path, text)
