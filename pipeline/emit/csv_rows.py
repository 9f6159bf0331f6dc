"""items.csv: the columns of an items.jsonl row as text cells (`rows.csv_row`)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import IO, Any

from pipeline.emit.rows import CSV_FIELDS, csv_row
from pipeline.emit.writer import Writer
from pipeline.models import DocumentResult, Item


class CsvWriter(Writer):
    files = ("items.csv",)

    fh: IO[str] | None = None

    def open(self, temps: dict[str, Path]) -> None:
        super().open(temps)
        encoding = "utf-8-sig" if self.options.csv_bom else "utf-8"
        self.fh = temps["items.csv"].open("w", encoding=encoding, newline="")
        self.writer = csv.DictWriter(self.fh, fieldnames=CSV_FIELDS, lineterminator="\n")
        self.writer.writeheader()

    def add(self, result: DocumentResult, items: list[Item]) -> None:
        for item in items:
            self.writer.writerow(csv_row(result, item))

    def finish(self, runs: list[dict[str, Any]]) -> None:
        assert self.fh is not None
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()

    def abort(self) -> None:
        if self.fh is not None:
            self.fh.close()
