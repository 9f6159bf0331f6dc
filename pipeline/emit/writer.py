"""The writer interface: one class per output format, driven by `pipeline.emit.write_outputs`.

A writer owns one or more files (`files`, their final names). `write_outputs` gives it a
temporary path for each (`open`), every document's result with its de-duplicated items
(`add`, once per document, in order), then the runs to record (`finish`: write what is left,
flush, fsync, close). It renames the temporary files into place only once every writer has
finished, in the order of the registry and of each writer's `files`; on any failure it calls
`abort` on every writer (close without writing more) and deletes all the temporary files.

A new format is one module with one `Writer` subclass, added to `pipeline.emit.WRITERS`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from pipeline.models import DocumentResult, Item


@dataclass(frozen=True)
class EmitOptions:
    """Options of one `write_outputs` call, given to every writer."""

    csv_bom: bool = False
    """Start items.csv with a UTF-8 byte-order mark (Excel then reads it as UTF-8)."""


class Writer:
    """One output format. Subclasses set `files` and override what they need."""

    files: ClassVar[tuple[str, ...]] = ()
    """The final names of the files it writes, in the order they are renamed into place."""

    def __init__(self, options: EmitOptions) -> None:
        self.options = options

    def open(self, temps: dict[str, Path]) -> None:
        """Start writing: `temps` maps each name of `files` to its (empty) temporary file."""
        self.temps = temps

    def add(self, result: DocumentResult, items: list[Item]) -> None:
        """One document: `items` are its items not met before (`result.items` is the same)."""

    def finish(self, runs: list[dict[str, Any]]) -> None:
        """After the last document: write the rest, flush, fsync and close."""

    def abort(self) -> None:
        """Something failed: close what is open, quietly (the temporary files are deleted).
        Called whether or not `open` was reached or completed."""


class TextFileWriter(Writer):
    """A writer of one text file written line by line (JSONL, CSV): `finish` makes it
    durable (flush, fsync, close), `abort` closes it."""

    fh: IO[str] | None = None

    def open_text(self, path: Path, encoding: str = "utf-8", newline: str | None = None) -> IO[str]:
        self.fh = path.open("w", encoding=encoding, newline=newline)
        return self.fh

    def finish(self, runs: list[dict[str, Any]]) -> None:
        assert self.fh is not None
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()

    def abort(self) -> None:
        if self.fh is not None:
            self.fh.close()


def write_json(path: Path, data: Any) -> None:
    """`data` as indented UTF-8 JSON with a final newline (the schema files)."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
