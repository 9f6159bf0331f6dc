"""items.jsonl: one `ItemRow` per line."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.emit.rows import item_row
from pipeline.emit.writer import TextFileWriter
from pipeline.models import DocumentResult, Item


class JsonlWriter(TextFileWriter):
    files = ("items.jsonl",)

    def open(self, temps: dict[str, Path]) -> None:
        super().open(temps)
        self.open_text(temps["items.jsonl"])

    def add(self, result: DocumentResult, items: list[Item]) -> None:
        assert self.fh is not None
        for item in items:
            self.fh.write(json.dumps(item_row(result, item), ensure_ascii=False) + "\n")
