"""priorities.sqlite: the documents, items and labels tables, the taxonomy, the countries,
the runs and the descriptions of every table (`_metadata`); `record_run` adds a run later.

The database is built in the temporary file and renamed over the old one (no in-place
update), so a crash leaves the previous complete database or the new one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.emit.rows import item_labels, review_fields
from pipeline.emit.writer import Writer
from pipeline.models import DocumentResult, Item

DATABASE_FILE = "priorities.sqlite"

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
            "format": "pdf, pptx, docx, html, text or markdown (recognised from the bytes).",
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
            "html > markdown > text), 0 for the other renditions' copies.",
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


def sqlite_item(position: int, result: DocumentResult, item: Item) -> tuple:
    """The values of one `items` row, in column order."""
    reviewer, review_date, review_note = review_fields(item)
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


def fill_reference(con: sqlite3.Connection) -> None:
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
            insert_run(con, run)
    finally:
        con.close()


def insert_run(con: sqlite3.Connection, run: dict[str, Any]) -> None:
    """Add one run (its manifest) to the `runs` table, replacing a row with its id."""
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


def fill_documents(
    con: sqlite3.Connection, results: Iterable[DocumentResult], runs: list[dict]
) -> None:
    """Insert documents with their items and labels (`result.items` as given), and runs."""
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
            for taxonomy, label, score, evidence in item_labels(item):
                con.execute(
                    "INSERT OR REPLACE INTO item_labels VALUES (?,?,?,?,?)",
                    (item.id, taxonomy, label, score, json.dumps(evidence, ensure_ascii=False)),
                )
    for run in runs:
        insert_run(con, run)


class SqliteWriter(Writer):
    files = (DATABASE_FILE,)

    con: sqlite3.Connection | None = None

    def open(self, temps: dict[str, Path]) -> None:
        super().open(temps)
        self.con = sqlite3.connect(temps[DATABASE_FILE])
        self.con.executescript(SQLITE_SCHEMA)
        fill_reference(self.con)

    def add(self, result: DocumentResult, items: list[Item]) -> None:
        assert self.con is not None
        fill_documents(self.con, [result], [])

    def finish(self, runs: list[dict[str, Any]]) -> None:
        assert self.con is not None
        try:
            for run in runs:
                insert_run(self.con, run)
            self.con.commit()
        finally:
            self.con.close()

    def abort(self) -> None:
        if self.con is not None:
            self.con.close()
