"""items.csv: the columns of an items.jsonl row as text cells (`rows.csv_row`)."""

from __future__ import annotations

import csv
from pathlib import Path

from pipeline.emit.rows import CSV_FIELDS, csv_row
from pipeline.emit.writer import TextFileWriter
from pipeline.models import DocumentResult, Item


class CsvWriter(TextFileWriter):
    files = ("items.csv",)

    def open(self, temps: dict[str, Path]) -> None:
        super().open(temps)
        encoding = "utf-8-sig" if self.options.csv_bom else "utf-8"
        fh = self.open_text(temps["items.csv"], encoding=encoding, newline="")
        self.writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS, lineterminator="\n")
        self.writer.writeheader()

    def add(self, result: DocumentResult, items: list[Item]) -> None:
        for item in items:
            self.writer.writerow(csv_row(result, item))
