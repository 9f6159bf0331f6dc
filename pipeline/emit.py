"""Outputs for other systems: flat JSONL/CSV rows, a SQLite database, the JSON Schema.

Every file is written through a temporary file and a rename (`pipeline.fileio`), so a crash
leaves either the previous complete file or the new one. The SQLite database is rebuilt in a
temporary file and renamed over the old one for the same reason.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.fileio import crash_point, make_temp, write_text_atomic
from pipeline.models import SCHEMA_VERSION, DocumentResult, Item

CSV_FIELDS = [
    "item_id",
    "document_id",
    "source",
    "kind",
    "country",
    "country_name",
    "text",
    "themes",
    "actions",
    "theme_scores",
    "action_scores",
    "deadline",
    "deadline_date",
    "actors",
    "page",
    "section",
]

# Characters that make a spreadsheet treat a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

SQLITE_SCHEMA = """
CREATE TABLE documents (
    document_id TEXT PRIMARY KEY,          -- sha256 of the file's bytes
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    page_count INTEGER NOT NULL,
    title TEXT,
    author TEXT,
    created TEXT,
    modified TEXT,
    schema_version TEXT NOT NULL,
    pipeline_version TEXT NOT NULL,
    model_version TEXT
);
CREATE TABLE items (
    item_id TEXT PRIMARY KEY,              -- stable across runs
    document_id TEXT NOT NULL REFERENCES documents(document_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,             -- order within the document
    kind TEXT NOT NULL CHECK (kind IN ('priority', 'next_step')),
    text TEXT NOT NULL,
    country TEXT,                          -- ISO 3166-1 alpha-3, NULL for global items
    country_name TEXT,
    deadline_text TEXT,
    deadline_date TEXT,
    actors TEXT NOT NULL,                  -- JSON array of strings
    page INTEGER NOT NULL,
    block_ids TEXT NOT NULL,               -- JSON array
    section TEXT NOT NULL,                 -- JSON array, outermost heading first
    cue TEXT
);
CREATE TABLE item_labels (
    item_id TEXT NOT NULL REFERENCES items(item_id) ON DELETE CASCADE,
    taxonomy TEXT NOT NULL CHECK (taxonomy IN ('theme', 'action')),
    label TEXT NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL,                -- JSON array of strings
    PRIMARY KEY (item_id, taxonomy, label)
);
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    pipeline_version TEXT NOT NULL,
    model_version TEXT,
    schema_version TEXT NOT NULL,
    manifest TEXT NOT NULL                 -- the run's manifest.json
);
CREATE INDEX items_country ON items(country);
CREATE INDEX items_kind ON items(kind);
CREATE INDEX items_document ON items(document_id);
CREATE INDEX item_labels_label ON item_labels(taxonomy, label);
"""


def _spreadsheet_safe(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula ('=cmd|…' -> "'=cmd|…")."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _scores(item: Item, attr: str) -> str:
    return ";".join(f"{s.label}:{s.score:.2f}" for s in getattr(item, attr))


def item_row(result: DocumentResult, item: Item) -> dict[str, Any]:
    """One flat row for JSONL and CSV."""
    return {
        "item_id": item.id,
        "document_id": result.document.id,
        "source": result.document.source,
        "kind": item.kind,
        "country": item.country,
        "country_name": item.country_name,
        "text": item.text,
        "themes": item.themes,
        "actions": item.actions,
        "theme_scores": {s.label: round(s.score, 4) for s in item.theme_scores},
        "action_scores": {s.label: round(s.score, 4) for s in item.action_scores},
        "deadline": item.deadline.text if item.deadline else None,
        "deadline_date": item.deadline.date if item.deadline else None,
        "actors": item.actors,
        "page": item.provenance.page,
        "section": item.section,
    }


def _csv_row(result: DocumentResult, item: Item) -> dict[str, str]:
    row = item_row(result, item)
    row["themes"] = ";".join(item.themes)
    row["actions"] = ";".join(item.actions)
    row["theme_scores"] = _scores(item, "theme_scores")
    row["action_scores"] = _scores(item, "action_scores")
    row["actors"] = "; ".join(item.actors)
    row["section"] = " > ".join(item.section)
    return {k: _spreadsheet_safe(str(v)) if v is not None else "" for k, v in row.items()}


def write_outputs(
    out_dir: Path, results: Iterable[DocumentResult], runs: list[dict[str, Any]]
) -> int:
    """Write items.jsonl, items.csv and priorities.sqlite in one pass; return the item count.

    `results` is consumed one at a time (a generator that reads each document's result keeps
    memory flat however large the batch). Each file is built beside its final name and
    renamed into place only when all three are complete.

    An item id met twice (a document given twice: the same bytes at two paths give the same
    ids) is written once, so the JSONL and CSV rows are exactly the SQLite rows, whose
    primary keys would merge them.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    finals = [out_dir / "items.jsonl", out_dir / "items.csv", out_dir / "priorities.sqlite"]
    temps = [make_temp(path) for path in finals]
    count = 0
    seen_items: set[str] = set()
    try:
        con = sqlite3.connect(temps[2])
        try:
            con.executescript(SQLITE_SCHEMA)
            with (
                temps[0].open("w", encoding="utf-8") as jsonl,
                temps[1].open("w", encoding="utf-8", newline="") as csv_file,
            ):
                writer = csv.DictWriter(csv_file, fieldnames=CSV_FIELDS, lineterminator="\n")
                writer.writeheader()
                for result in results:
                    items = [i for i in result.items if i.id not in seen_items]
                    seen_items.update(i.id for i in items)
                    if len(items) != len(result.items):
                        result = result.model_copy(update={"items": items})
                    for item in items:
                        row = item_row(result, item)
                        jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
                        writer.writerow(_csv_row(result, item))
                        count += 1
                    _fill(con, [result], [])
                for run in runs:
                    _insert_run(con, run)
                for fh in (jsonl, csv_file):
                    fh.flush()
                    os.fsync(fh.fileno())
            con.commit()
        finally:
            con.close()
        for tmp, final in zip(temps, finals, strict=True):
            crash_point()
            os.replace(tmp, final)
        crash_point()
    except BaseException:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise
    return count


def record_run(path: Path, run: dict[str, Any]) -> None:
    """Add one run to the `runs` table of an existing database, in one transaction."""
    con = sqlite3.connect(path)
    try:
        with con:
            _insert_run(con, run)
    finally:
        con.close()


def _insert_run(con: sqlite3.Connection, run: dict[str, Any]) -> None:
    con.execute(
        "INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?)",
        (
            run["run_id"],
            run["started"],
            run.get("finished"),
            run["pipeline_version"],
            run.get("model_version"),
            run["schema_version"],
            json.dumps(run),
        ),
    )


def _fill(con: sqlite3.Connection, results: Iterable[DocumentResult], runs: list[dict]) -> None:
    for result in results:
        doc = result.document
        con.execute(
            "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.id,
                doc.source,
                doc.format,
                doc.page_count,
                doc.title,
                doc.metadata.author,
                doc.metadata.created,
                doc.metadata.modified,
                result.schema_version,
                result.pipeline_version,
                result.model_version,
            ),
        )
        for position, item in enumerate(result.items):
            con.execute(
                "INSERT OR REPLACE INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    item.id,
                    doc.id,
                    position,
                    item.kind,
                    item.text,
                    item.country,
                    item.country_name,
                    item.deadline.text if item.deadline else None,
                    item.deadline.date if item.deadline else None,
                    json.dumps(item.actors, ensure_ascii=False),
                    item.provenance.page,
                    json.dumps(item.provenance.block_ids),
                    json.dumps(item.section, ensure_ascii=False),
                    item.cue,
                ),
            )
            for taxonomy, scores in (("theme", item.theme_scores), ("action", item.action_scores)):
                for s in scores:
                    con.execute(
                        "INSERT OR REPLACE INTO item_labels VALUES (?,?,?,?,?)",
                        (item.id, taxonomy, s.label, s.score, json.dumps(s.evidence)),
                    )
    for run in runs:
        _insert_run(con, run)


def result_schema() -> dict[str, Any]:
    """JSON Schema of a document result, generated from the pydantic models."""
    schema = DocumentResult.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:a87-pipeline:document-result:{SCHEMA_VERSION}"
    schema["schema_version"] = SCHEMA_VERSION
    schema["title"] = "DocumentResult"
    return schema


def write_schema(path: Path) -> None:
    write_text_atomic(path, json.dumps(result_schema(), indent=2, ensure_ascii=False) + "\n")
