"""Outputs for other systems: flat rows (JSONL, CSV, Parquet), a SQLite database, the schemas.

Each format is one writer (`pipeline.emit.writer.Writer`) in its own module; `WRITERS`, the
registry, lists them in the order their files are renamed into place, and `write_outputs`
drives them all in one pass over the results. Every file is built in a temporary file beside
its final name and renamed into place only when all of them are complete, so a crash leaves
either the previous complete files or the new ones.

One shape per kind of output:

- the per-document JSON (`DocumentResult`) is nested: `deadline` is an object
  `{text, date, relation}`, `review` an object;
- every flat row (items.jsonl, items.csv, the `items` table, items.parquet) is flat:
  `deadline_text`, `deadline_date`, `deadline_relation`, `review_status`, `reviewer`,
  `review_date`, `review_note`. JSONL and CSV rows have the same columns (`ROW_FIELDS`,
  described by `items.schema.json`); the Parquet files have the columns of the SQLite tables
  `items` and `item_labels`.

Modules: `writer` (the interface), `rows` (the flat row model), `jsonl`, `csv_rows`,
`sqlite`, `parquet`, `schema` (items.schema.json, metadata.json and the result schema).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipeline.emit.csv_rows import CsvWriter
from pipeline.emit.jsonl import JsonlWriter
from pipeline.emit.parquet import (
    PARQUET_FILES,
    ParquetOut,
    ParquetWriter,
    full_date,
    parquet_item,
    parquet_schemas,
)
from pipeline.emit.rows import (
    CSV_FIELDS,
    ROW_FIELDS,
    ItemRow,
    csv_row,
    item_labels,
    item_row,
    review_fields,
    spreadsheet_safe,
)
from pipeline.emit.schema import (
    COUNTRY_PATTERN,
    METADATA_FILE,
    ROW_SCHEMA_FILE,
    SchemaWriter,
    datasette_metadata,
    result_schema,
    row_schema,
    write_schema,
)
from pipeline.emit.sqlite import (
    DATABASE_FILE,
    DESCRIPTIONS,
    SQLITE_SCHEMA,
    SqliteWriter,
    fill_documents,
    fill_reference,
    insert_run,
    record_run,
    sqlite_item,
)
from pipeline.emit.writer import EmitOptions, Writer
from pipeline.fileio import crash_point, make_temp
from pipeline.models import SCHEMA_VERSION, DocumentResult, Item

__all__ = [
    "COUNTRY_PATTERN",
    "CSV_FIELDS",
    "DATABASE_FILE",
    "DESCRIPTIONS",
    "METADATA_FILE",
    "PARQUET_FILES",
    "ROW_FIELDS",
    "ROW_SCHEMA_FILE",
    "SCHEMA_VERSION",
    "SQLITE_SCHEMA",
    "WRITERS",
    "CsvWriter",
    "DocumentResult",
    "EmitOptions",
    "Item",
    "ItemRow",
    "JsonlWriter",
    "ParquetOut",
    "ParquetWriter",
    "SchemaWriter",
    "SqliteWriter",
    "Writer",
    "csv_row",
    "datasette_metadata",
    "fill_documents",
    "fill_reference",
    "full_date",
    "insert_run",
    "item_labels",
    "item_row",
    "parquet_item",
    "parquet_schemas",
    "record_run",
    "result_schema",
    "review_fields",
    "row_schema",
    "spreadsheet_safe",
    "sqlite_item",
    "write_outputs",
    "write_schema",
]

WRITERS: tuple[type[Writer], ...] = (
    JsonlWriter,
    CsvWriter,
    SqliteWriter,
    ParquetWriter,
    SchemaWriter,
)
"""The registry: every format `write_outputs` writes, in the order its files are renamed."""


def write_outputs(
    out_dir: Path,
    results: Iterable[DocumentResult],
    runs: list[dict[str, Any]],
    csv_bom: bool = False,
    writers: Sequence[type[Writer]] = WRITERS,
) -> int:
    """Write the files of every writer in `writers` (by default items.jsonl, items.csv,
    priorities.sqlite, items.parquet, item_labels.parquet, items.schema.json and
    metadata.json) in one pass; return the item count.

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
    options = EmitOptions(csv_bom=csv_bom)
    active = [cls(options) for cls in writers]
    names = [name for writer in active for name in writer.files]
    if len(set(names)) != len(names):
        raise ValueError(f"two writers write the same file: {names}")
    temps: dict[str, Path] = {}
    count = 0
    seen_items: set[str] = set()
    try:
        for name in names:
            temps[name] = make_temp(out_dir / name)
        try:
            for writer in active:
                writer.open({name: temps[name] for name in writer.files})
            for result in results:
                items = [i for i in result.items if i.id not in seen_items]
                seen_items.update(i.id for i in items)
                if len(items) != len(result.items):
                    result = result.model_copy(update={"items": items})
                for writer in active:
                    writer.add(result, items)
                count += len(items)
            for writer in active:
                writer.finish(runs)
        except BaseException:
            for writer in active:
                with contextlib.suppress(Exception):  # every writer closes, whatever failed
                    writer.abort()
            raise
        for name in names:
            crash_point()
            os.replace(temps[name], out_dir / name)
        crash_point()
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    return count
