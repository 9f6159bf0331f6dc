"""items.jsonl: one `ItemRow` per line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from pipeline.emit.rows import item_row
from pipeline.emit.writer import Writer
from pipeline.models import DocumentResult, Item


class JsonlWriter(Writer):
    files = ("items.jsonl",)

    fh: IO[str] | None = None

    def open(self, temps: dict[str, Path]) -> None:
        super().open(temps)
        self.fh = temps["items.jsonl"].open("w", encoding="utf-8")

    def add(self, result: DocumentResult, items: list[Item]) -> None:
        assert self.fh is not None
        for item in items:
            self.fh.write(json.dumps(item_row(result, item), ensure_ascii=False) + "\n")

    def finish(self, runs: list[dict[str, Any]]) -> None:
        assert self.fh is not None
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()

    def abort(self) -> None:
        if self.fh is not None:
            self.fh.close()
