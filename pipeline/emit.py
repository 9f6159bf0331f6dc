"""Outputs for other systems: flat rows (JSONL, CSV, Parquet), a SQLite database, the schemas.

Every file is written through a temporary file and a rename (`pipeline.fileio`), so a crash
leaves either the previous complete file or the new one. The SQLite database is rebuilt in a
temporary file and renamed over the old one for the same reason.

One shape per kind of output:

- the per-document JSON (`DocumentResult`) is nested: `deadline` is an object
  `{text, date, relation}`, `review` an object;
- every flat row (items.jsonl, items.csv, the `items` table, items.parquet) is flat:
  `deadline_text`, `deadline_date`, `deadline_relation`, `review_status`, `reviewer`,
  `review_date`, `review_note`. JSONL and CSV rows have the same columns (`ROW_FIELDS`,
  described by `items.schema.json`); the Parquet files have the columns of the SQLite tables
  `items` and `item_labels`.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.fileio import crash_point, make_temp, write_text_atomic
from pipeline.models import SCHEMA_VERSION, DocumentResult, Item, ReviewStatus

COUNTRY_PATTERN = "^[A-Z]{3}$"
PARQUET_FILES = ("items.parquet", "item_labels.parquet")
ROW_SCHEMA_FILE = "items.schema.json"
METADATA_FILE = "metadata.json"
_PARQUET_BATCH = 10_000  # rows buffered before a Parquet row group is written


class ItemRow(BaseModel):
    """One row of items.jsonl and items.csv: an item, flat, with its document's identity."""

    model_config = ConfigDict(title="ItemRow")

    item_id: str = Field(description="Stable id of the item (as in the document JSON).")
    document_id: str = Field(description="sha256 of the document's bytes.")
    source: str = Field(description="Path of the document as given to the run.")
    kind: Literal["priority", "next_step"]
    country: str | None = Field(description="ISO 3166-1 alpha-3, null for global items.")
    country_name: str | None
    text: str
    themes: list[str] = Field(description="Theme label ids (taxonomy order).")
    actions: list[str] = Field(description="Action label ids (taxonomy order).")
    theme_scores: dict[str, float] = Field(description="Theme id -> score in [0, 1].")
    action_scores: dict[str, float] = Field(description="Action id -> score in [0, 1].")
    deadline_text: str | None = Field(description="The stated time frame ('before July 2019').")
    deadline_date: str | None = Field(
        description="ISO date, year-month or year ('2019-07-31', '2019-07', '2019')."
    )
    deadline_relation: (
        Literal["by", "before", "in", "after", "from", "until", "within", "at"] | None
    ) = Field(description="How the date bounds the action; null without a deadline.")
    actors: list[str]
    page: int = Field(ge=1, description="1-based page or slide.")
    section: list[str] = Field(description="Heading path, outermost first.")
    group_id: str | None = Field(
        description="Shared by the same item in other renditions of the document (PPTX/PDF/"
        "DOCX/Markdown of one deck or report); null when it has none."
    )
    canonical: bool = Field(
        description="True for the one copy to count (richest format); false for the others."
    )
    review_status: ReviewStatus = Field(
        description="machine, reviewed (confirmed unchanged), corrected; rejected items are "
        "not rows (counted in manifest.json `counts.rejected`)."
    )
    reviewer: str | None
    review_date: str | None = Field(description="ISO date of the review.")
    review_note: str | None


ROW_FIELDS = list(ItemRow.model_fields)
CSV_FIELDS = ROW_FIELDS
"""items.csv has exactly the columns of an items.jsonl row, in this order."""

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
    model_version TEXT,
    group_id TEXT                          -- shared by renditions of one document
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
    deadline_relation TEXT,
    actors TEXT NOT NULL,                  -- JSON array of strings
    page INTEGER NOT NULL,
    block_ids TEXT NOT NULL,               -- JSON array
    section TEXT NOT NULL,                 -- JSON array, outermost heading first
    cue TEXT,
    group_id TEXT,                         -- same item in other renditions
    canonical INTEGER NOT NULL CHECK (canonical IN (0, 1)),
    review_status TEXT NOT NULL
        CHECK (review_status IN ('machine', 'reviewed', 'corrected', 'rejected')),
    reviewer TEXT,
    review_date TEXT,
    review_note TEXT
);
CREATE TABLE item_labels (
    item_id TEXT NOT NULL REFERENCES items(item_id) ON DELETE CASCADE,
    taxonomy TEXT NOT NULL CHECK (taxonomy IN ('theme', 'action')),
    label TEXT NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL,                -- JSON array of strings
    PRIMARY KEY (item_id, taxonomy, label)
);
CREATE TABLE labels (
    taxonomy TEXT NOT NULL CHECK (taxonomy IN ('theme', 'action')),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (taxonomy, id)
);
CREATE TABLE countries (
    code TEXT PRIMARY KEY,                 -- ISO 3166-1 alpha-3
    name TEXT NOT NULL
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
CREATE TABLE _metadata (
    table_name TEXT NOT NULL,
    column_name TEXT,                      -- NULL: the description of the table itself
    description TEXT NOT NULL
);
CREATE INDEX items_country ON items(country);
CREATE INDEX items_kind ON items(kind);
CREATE INDEX items_document ON items(document_id);
CREATE INDEX items_country_kind ON items(country, kind);
CREATE INDEX items_group ON items(group_id);
CREATE INDEX items_review_status ON items(review_status);
CREATE INDEX item_labels_label ON item_labels(taxonomy, label);
CREATE VIEW items_by_country_theme AS
SELECT i.country AS country,
       COALESCE(c.name, i.country_name) AS country_name,
       l.label AS theme,
       lb.name AS theme_name,
       count(*) AS items,
       sum(i.kind = 'priority') AS priorities,
       sum(i.kind = 'next_step') AS next_steps
FROM items AS i
JOIN item_labels AS l ON l.item_id = i.item_id AND l.taxonomy = 'theme'
LEFT JOIN countries AS c ON c.code = i.country
LEFT JOIN labels AS lb ON lb.taxonomy = 'theme' AND lb.id = l.label
WHERE i.canonical = 1
GROUP BY i.country, l.label;
"""

# Table and column descriptions: the `_metadata` table and the Datasette metadata.json.
DESCRIPTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "documents": (
        "One row per input document with items or none (failed files are in runs.manifest).",
        {
            "document_id": "sha256 of the file's bytes (primary key).",
            "source": "Path of the file as given to the run.",
            "format": "pdf, pptx, docx, text or markdown (recognised from the bytes).",
            "page_count": "Pages (PDF, DOCX, text) or slides (PPTX).",
            "title": "Document title, when found.",
            "author": "Author from the file's properties.",
            "created": "Creation date from the file's properties (ISO 8601).",
            "modified": "Modification date from the file's properties (ISO 8601).",
            "schema_version": "Version of the result schema the document was written with.",
            "pipeline_version": "Pipeline version that processed the document.",
            "model_version": "Classification model version that labelled its items.",
            "group_id": "Shared by renditions of one document (same deck as PPTX, PDF, "
            "Markdown); NULL when the run holds no other rendition.",
        },
    ),
    "items": (
        "Priorities and next steps, one row per action. Count rows WHERE canonical = 1 to count "
        "an item given in several renditions once.",
        {
            "item_id": "Stable id: the same file and item give the same id on every run.",
            "document_id": "The document it comes from (documents.document_id).",
            "position": "Order within the document (0-based).",
            "kind": "priority or next_step.",
            "text": "The item as printed, without bullets or cue prefixes.",
            "country": "ISO 3166-1 alpha-3 (countries.code); NULL for global items.",
            "country_name": "Common English name of the country.",
            "deadline_text": "The stated time frame ('before July 2019').",
            "deadline_date": "ISO date, year-month or year ('2019-07-31', '2019-07', '2019').",
            "deadline_relation": "by, before, in, after, from, until, within or at.",
            "actors": "JSON array of ministries, agencies and organisations named.",
            "page": "1-based page or slide.",
            "block_ids": "JSON array of the source blocks' ids.",
            "section": "JSON array: the heading path, outermost first.",
            "cue": "The cue phrase that made it an item.",
            "group_id": "Shared by the same item in other renditions of the document; NULL "
            "when it has none.",
            "canonical": "1 for the copy to count (richest format: pptx > docx > pdf > "
            "markdown > text), 0 for the other renditions' copies.",
            "review_status": "machine, reviewed (confirmed unchanged) or corrected; items "
            "rejected as not an item are not rows.",
            "reviewer": "Who reviewed it.",
            "review_date": "ISO date of the review.",
            "review_note": "The reviewer's note.",
        },
    ),
    "item_labels": (
        "Themes and action types assigned to items, with score and evidence.",
        {
            "item_id": "The item (items.item_id).",
            "taxonomy": "theme or action.",
            "label": "Label id (labels.id).",
            "score": "Fused score in [0, 1] (1.0 when set by a reviewer).",
            "evidence": "JSON array: why the label was given.",
        },
    ),
    "labels": (
        "The theme and action taxonomies.",
        {
            "taxonomy": "theme or action.",
            "id": "Label id as used in item_labels.label.",
            "name": "Display name.",
            "description": "What the label covers.",
        },
    ),
    "countries": (
        "ISO 3166-1 countries.",
        {"code": "ISO 3166-1 alpha-3.", "name": "Common English name."},
    ),
    "runs": (
        "Every run that wrote this database (the last 50).",
        {
            "run_id": "Id of the run.",
            "started": "Start (ISO 8601, UTC).",
            "finished": "End (ISO 8601, UTC).",
            "pipeline_version": "Pipeline version.",
            "model_version": "Classification model version.",
            "schema_version": "Result schema version.",
            "manifest": "The run's manifest.json without its inputs (JSON).",
        },
    ),
    "items_by_country_theme": (
        "Canonical items per country and theme (a view).",
        {
            "country": "ISO 3166-1 alpha-3; NULL for global items.",
            "country_name": "Country name.",
            "theme": "Theme id.",
            "theme_name": "Theme name.",
            "items": "Canonical items with that country and theme.",
            "priorities": "Of which priorities.",
            "next_steps": "Of which next steps.",
        },
    ),
    "_metadata": (
        "Descriptions of these tables and their columns.",
        {
            "table_name": "Table or view.",
            "column_name": "Column; NULL for the table itself.",
            "description": "What it holds.",
        },
    ),
}


def datasette_metadata() -> dict[str, Any]:
    """Datasette metadata (`datasette priorities.sqlite --metadata metadata.json`)."""
    return {
        "title": "Alliance 8.7 priorities and next steps",
        "description": f"Written by `pipeline run` (schema {SCHEMA_VERSION}).",
        "databases": {
            "priorities": {
                "tables": {
                    table: {"description": text, "columns": columns}
                    for table, (text, columns) in DESCRIPTIONS.items()
                }
            }
        },
    }


def _spreadsheet_safe(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula ('=cmd|…' -> "'=cmd|…")."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _scores(item: Item, attr: str) -> str:
    return ";".join(f"{s.label}:{s.score:.2f}" for s in getattr(item, attr))


def _review(item: Item) -> tuple[str | None, str | None, str | None]:
    review = item.review
    return (review.reviewer, review.date, review.note) if review else (None, None, None)


def item_row(result: DocumentResult, item: Item) -> dict[str, Any]:
    """One flat row for JSONL and CSV (the fields of `ItemRow`, in its order)."""
    reviewer, review_date, review_note = _review(item)
    deadline = item.deadline
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
        "deadline_text": deadline.text if deadline else None,
        "deadline_date": deadline.date if deadline else None,
        "deadline_relation": deadline.relation if deadline else None,
        "actors": item.actors,
        "page": item.provenance.page,
        "section": item.section,
        "group_id": item.group_id,
        "canonical": item.canonical,
        "review_status": item.review_status,
        "reviewer": reviewer,
        "review_date": review_date,
        "review_note": review_note,
    }


def _csv_row(result: DocumentResult, item: Item) -> dict[str, str]:
    row = item_row(result, item)
    row["themes"] = ";".join(item.themes)
    row["actions"] = ";".join(item.actions)
    row["theme_scores"] = _scores(item, "theme_scores")
    row["action_scores"] = _scores(item, "action_scores")
    row["actors"] = "; ".join(item.actors)
    row["section"] = " > ".join(item.section)
    row["canonical"] = "true" if item.canonical else "false"
    return {k: _spreadsheet_safe(str(v)) if v is not None else "" for k, v in row.items()}


def sqlite_item(position: int, result: DocumentResult, item: Item) -> tuple:
    """The values of one `items` row, in column order."""
    reviewer, review_date, review_note = _review(item)
    deadline = item.deadline
    return (
        item.id,
        result.document.id,
        position,
        item.kind,
        item.text,
        item.country,
        item.country_name,
        deadline.text if deadline else None,
        deadline.date if deadline else None,
        deadline.relation if deadline else None,
        json.dumps(item.actors, ensure_ascii=False),
        item.provenance.page,
        json.dumps(item.provenance.block_ids),
        json.dumps(item.section, ensure_ascii=False),
        item.cue,
        item.group_id,
        int(item.canonical),
        item.review_status,
        reviewer,
        review_date,
        review_note,
    )


def _labels(item: Item) -> list[tuple[str, str, float, list[str]]]:
    """(taxonomy, label, score, evidence) of an item, once per label (the last wins, as the
    table's primary key makes it)."""
    out: dict[tuple[str, str], tuple[str, str, float, list[str]]] = {}
    for taxonomy, scores in (("theme", item.theme_scores), ("action", item.action_scores)):
        for s in scores:
            out[(taxonomy, s.label)] = (taxonomy, s.label, s.score, s.evidence)
    return list(out.values())


# ----------------------------------------------------------------------------- Parquet


def _parquet_schemas() -> tuple[Any, Any]:
    import pyarrow as pa

    text, strings = pa.string(), pa.list_(pa.string())
    items = pa.schema(
        [
            ("item_id", text),
            ("document_id", text),
            ("position", pa.int64()),
            ("kind", text),
            ("text", text),
            ("country", text),
            ("country_name", text),
            ("deadline_text", text),
            ("deadline_date", text),
            ("deadline_relation", text),
            ("actors", strings),
            ("page", pa.int64()),
            ("block_ids", strings),
            ("section", strings),
            ("cue", text),
            ("group_id", text),
            ("canonical", pa.bool_()),
            ("review_status", text),
            ("reviewer", text),
            ("review_date", pa.date32()),
            ("review_note", text),
        ]
    )
    labels = pa.schema(
        [
            ("item_id", text),
            ("taxonomy", text),
            ("label", text),
            ("score", pa.float64()),
            ("evidence", strings),
        ]
    )
    return items, labels


def _full_date(value: str | None) -> date | None:
    """A full ISO date as a date; anything else (None, '2024-05', unparsable) as None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _parquet_item(position: int, result: DocumentResult, item: Item) -> dict[str, Any]:
    reviewer, review_date, review_note = _review(item)
    deadline = item.deadline
    return {
        "item_id": item.id,
        "document_id": result.document.id,
        "position": position,
        "kind": item.kind,
        "text": item.text,
        "country": item.country,
        "country_name": item.country_name,
        "deadline_text": deadline.text if deadline else None,
        "deadline_date": deadline.date if deadline else None,
        "deadline_relation": deadline.relation if deadline else None,
        "actors": list(item.actors),
        "page": item.provenance.page,
        "block_ids": list(item.provenance.block_ids),
        "section": list(item.section),
        "cue": item.cue,
        "group_id": item.group_id,
        "canonical": item.canonical,
        "review_status": item.review_status,
        "reviewer": reviewer,
        "review_date": _full_date(review_date),
        "review_note": review_note,
    }


class _ParquetOut:
    """A Parquet file written in row groups of `_PARQUET_BATCH` rows (memory stays flat)."""

    def __init__(self, path: Path, schema: Any) -> None:
        import pyarrow.parquet as pq

        self.schema = schema
        self.writer = pq.ParquetWriter(path, schema, compression="zstd")
        self.rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= _PARQUET_BATCH:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()


# ----------------------------------------------------------------------------- writing


def write_outputs(
    out_dir: Path,
    results: Iterable[DocumentResult],
    runs: list[dict[str, Any]],
    csv_bom: bool = False,
) -> int:
    """Write items.jsonl, items.csv, priorities.sqlite, items.parquet, item_labels.parquet,
    items.schema.json and metadata.json in one pass; return the item count.

    `results` is consumed one at a time (a generator that reads each document's result keeps
    memory flat however large the batch). Each file is built beside its final name and
    renamed into place only when all of them are complete. `csv_bom` starts items.csv with
    a UTF-8 byte-order mark, so Excel reads it as UTF-8 (accented names stay right).

    An item id met twice (a document given twice: the same bytes at two paths give the same
    ids) is written once, so the JSONL, CSV and Parquet rows are exactly the SQLite rows,
    whose primary keys would merge them. Groups (`group_id`, `canonical`) are written as the
    items carry them: `pipeline.groups.apply_groups` sets them before.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [
        "items.jsonl",
        "items.csv",
        "priorities.sqlite",
        *PARQUET_FILES,
        ROW_SCHEMA_FILE,
        METADATA_FILE,
    ]
    finals = [out_dir / name for name in names]
    temps = [make_temp(path) for path in finals]
    count = 0
    seen_items: set[str] = set()
    items_schema, labels_schema = _parquet_schemas()
    try:
        con = sqlite3.connect(temps[2])
        parquet_items = _ParquetOut(temps[3], items_schema)
        parquet_labels = _ParquetOut(temps[4], labels_schema)
        try:
            con.executescript(SQLITE_SCHEMA)
            _fill_reference(con)
            with (
                temps[0].open("w", encoding="utf-8") as jsonl,
                temps[1].open("w", encoding="utf-8-sig" if csv_bom else "utf-8", newline="") as (
                    csv_file
                ),
            ):
                writer = csv.DictWriter(csv_file, fieldnames=CSV_FIELDS, lineterminator="\n")
                writer.writeheader()
                for result in results:
                    items = [i for i in result.items if i.id not in seen_items]
                    seen_items.update(i.id for i in items)
                    if len(items) != len(result.items):
                        result = result.model_copy(update={"items": items})
                    for position, item in enumerate(items):
                        row = item_row(result, item)
                        jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
                        writer.writerow(_csv_row(result, item))
                        parquet_items.add(_parquet_item(position, result, item))
                        for taxonomy, label, score, evidence in _labels(item):
                            parquet_labels.add(
                                {
                                    "item_id": item.id,
                                    "taxonomy": taxonomy,
                                    "label": label,
                                    "score": score,
                                    "evidence": list(evidence),
                                }
                            )
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
            parquet_items.close()
            parquet_labels.close()
        for path, data in ((temps[5], row_schema()), (temps[6], datasette_metadata())):
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        for tmp, final in zip(temps, finals, strict=True):
            crash_point()
            os.replace(tmp, final)
        crash_point()
    except BaseException:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise
    return count


def _fill_reference(con: sqlite3.Connection) -> None:
    """The taxonomy, the countries and the descriptions of every table."""
    import pycountry

    from pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    for taxonomy, labels in (("theme", tax.themes), ("action", tax.actions)):
        con.executemany(
            "INSERT INTO labels VALUES (?,?,?,?)",
            [(taxonomy, label.id, label.label, label.description) for label in labels],
        )
    con.executemany(
        "INSERT OR REPLACE INTO countries VALUES (?,?)",
        sorted((c.alpha_3, getattr(c, "common_name", None) or c.name) for c in pycountry.countries),
    )
    for table, (text, columns) in DESCRIPTIONS.items():
        con.execute("INSERT INTO _metadata VALUES (?,?,?)", (table, None, text))
        con.executemany(
            "INSERT INTO _metadata VALUES (?,?,?)",
            [(table, column, description) for column, description in columns.items()],
        )


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
            "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
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
                doc.group_id,
            ),
        )
        for position, item in enumerate(result.items):
            con.execute(
                f"INSERT OR REPLACE INTO items VALUES ({','.join('?' * 21)})",
                sqlite_item(position, result, item),
            )
            for taxonomy, label, score, evidence in _labels(item):
                con.execute(
                    "INSERT OR REPLACE INTO item_labels VALUES (?,?,?,?,?)",
                    (item.id, taxonomy, label, score, json.dumps(evidence, ensure_ascii=False)),
                )
    for run in runs:
        _insert_run(con, run)


# ----------------------------------------------------------------------------- schemas


def _strict(node: Any) -> None:
    """`additionalProperties: false` on every object schema that lists its properties."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _strict(value)
    elif isinstance(node, list):
        for value in node:
            _strict(value)


def _nullable_pattern(prop: dict[str, Any]) -> None:
    for branch in prop.get("anyOf", []):
        if branch.get("type") == "string":
            branch["pattern"] = COUNTRY_PATTERN


def _label_ids() -> tuple[list[str], list[str]]:
    from pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    return tax.ids("themes"), tax.ids("actions")


def result_schema() -> dict[str, Any]:
    """JSON Schema of a document result, generated from the pydantic models and made strict:
    no unknown fields, label ids from the taxonomy, ISO 3166-1 alpha-3 countries."""
    schema = DocumentResult.model_json_schema()
    themes, actions = _label_ids()
    item = schema["$defs"]["Item"]["properties"]
    item["themes"]["items"] = {"type": "string", "enum": themes}
    item["actions"]["items"] = {"type": "string", "enum": actions}
    for name, ids in (("theme_scores", themes), ("action_scores", actions)):
        item[name]["items"] = {
            "$ref": "#/$defs/LabelScore",
            "properties": {"label": {"enum": ids}},
        }
    _nullable_pattern(item["country"])
    _strict(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:a87-pipeline:document-result:{SCHEMA_VERSION}"
    schema["schema_version"] = SCHEMA_VERSION
    schema["title"] = "DocumentResult"
    return schema


def row_schema() -> dict[str, Any]:
    """JSON Schema of one items.jsonl row (items.csv has the same columns, as text: lists
    joined with ';', scores as 'label:0.97;…', section joined with ' > ', canonical as
    'true'/'false', empty cells for null)."""
    schema = ItemRow.model_json_schema()
    themes, actions = _label_ids()
    props = schema["properties"]
    props["themes"]["items"] = {"type": "string", "enum": themes}
    props["actions"]["items"] = {"type": "string", "enum": actions}
    for name, ids in (("theme_scores", themes), ("action_scores", actions)):
        props[name]["propertyNames"] = {"enum": ids}
        props[name]["additionalProperties"] = {"type": "number", "minimum": 0, "maximum": 1}
    _nullable_pattern(props["country"])
    schema["required"] = list(props)
    _strict(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:a87-pipeline:item-row:{SCHEMA_VERSION}"
    schema["schema_version"] = SCHEMA_VERSION
    return schema


def write_schema(path: Path) -> None:
    write_text_atomic(path, json.dumps(result_schema(), indent=2, ensure_ascii=False) + "\n")
