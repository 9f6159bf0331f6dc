"""items.parquet and item_labels.parquet: the columns of the SQLite `items` and `item_labels`
tables, typed (lists as lists, `canonical` as a boolean, `review_date` as a date).

pyarrow is imported only when the files are written (commands that write no outputs start
without it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pipeline.emit.rows import item_labels, review_fields
from pipeline.emit.writer import Writer
from pipeline.models import DocumentResult, Item

PARQUET_FILES = ("items.parquet", "item_labels.parquet")
_PARQUET_BATCH = 10_000  # rows buffered before a Parquet row group is written


def parquet_schemas() -> tuple[Any, Any]:
    """The pyarrow schemas of items.parquet and item_labels.parquet."""
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


def full_date(value: str | None) -> date | None:
    """A full ISO date as a date; anything else (None, '2024-05', unparsable) as None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parquet_item(position: int, result: DocumentResult, item: Item) -> dict[str, Any]:
    """One items.parquet row."""
    reviewer, review_date, review_note = review_fields(item)
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
        "review_date": full_date(review_date),
        "review_note": review_note,
    }


class ParquetOut:
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

    def abort(self) -> None:
        """Close the file without writing the buffered rows."""
        self.rows = []
        self.writer.close()


class ParquetWriter(Writer):
    files = PARQUET_FILES

    outs: tuple[ParquetOut, ...] = ()

    def open(self, temps: dict[str, Path]) -> None:
        super().open(temps)
        schemas = parquet_schemas()
        outs: list[ParquetOut] = []
        try:
            for name, schema in zip(PARQUET_FILES, schemas, strict=True):
                outs.append(ParquetOut(temps[name], schema))
        finally:
            self.outs = tuple(outs)

    def add(self, result: DocumentResult, items: list[Item]) -> None:
        items_out, labels_out = self.outs
        for position, item in enumerate(items):
            items_out.add(parquet_item(position, result, item))
            for taxonomy, label, score, evidence in item_labels(item):
                labels_out.add(
                    {
                        "item_id": item.id,
                        "taxonomy": taxonomy,
                        "label": label,
                        "score": score,
                        "evidence": list(evidence),
                    }
                )

    def finish(self, runs: list[dict[str, Any]]) -> None:
        for out in self.outs:
            out.close()
        self.outs = ()

    def abort(self) -> None:
        for out in self.outs:  # closing a closed one again is harmless
            out.abort()
        self.outs = ()
