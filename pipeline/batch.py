"""Batch runs: find the documents under the inputs, process each inside its own error
boundary, and write the outputs. One bad file is recorded and never stops the batch."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from pipeline import __version__
from pipeline.config import Settings
from pipeline.errors import PipelineError, UnsupportedFormatError
from pipeline.models import SCHEMA_VERSION, DocumentResult
from pipeline.process import process_file

Status = Literal["processed", "skipped", "failed"]
_UNSAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")


class InputRecord(BaseModel):
    path: str
    status: Status
    sha256: str | None = None
    output: str | None = None
    items: int = 0
    seconds: float = 0.0
    error: str | None = None
    reason: str | None = None
    hint: str | None = None


class Manifest(BaseModel):
    run_id: str
    started: str
    finished: str | None = None
    pipeline_version: str = __version__
    schema_version: str = SCHEMA_VERSION
    model_version: str | None = None
    inputs: list[InputRecord] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)


def discover(inputs: Iterable[Path]) -> list[Path]:
    """Files named directly, and every file under the folders named, sorted; hidden ones out."""
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.parts[-1:])
            )
        else:
            found.append(path)
    return found


def output_name(path: Path, taken: set[str]) -> str:
    """A file name for a document's result that cannot leave the output folder."""
    base = _UNSAFE_RE.sub("_", path.name).strip("._") or "document"
    name = f"{base}.json"
    n = 2
    while name in taken:
        name = f"{base}-{n}.json"
        n += 1
    taken.add(name)
    return name


def run_batch(
    inputs: Iterable[Path],
    out_dir: Path,
    settings: Settings | None = None,
    on_document: Callable[[InputRecord], None] | None = None,
) -> Manifest:
    """Process every document under `inputs` into `out_dir`; return the run's manifest."""
    from pipeline.fileio import write_text_atomic

    settings = Settings.resolve(settings)
    manifest = Manifest(run_id=uuid.uuid4().hex, started=datetime.now(UTC).isoformat())
    docs_dir = out_dir / "documents"
    taken: set[str] = set()
    results: list[DocumentResult] = []
    for path in discover(inputs):
        start = time.perf_counter()
        record = InputRecord(path=str(path), status="processed")
        try:
            result = process_file(path, settings)
        except UnsupportedFormatError as exc:
            record.status, record.error, record.reason = "skipped", exc.code, exc.reason
        except PipelineError as exc:
            record.status = "failed"
            record.error, record.reason, record.hint = exc.code, exc.reason, exc.hint
        else:
            name = output_name(path, taken)
            write_text_atomic(docs_dir / name, result.model_dump_json(indent=2))
            record.sha256, record.output = result.document.id, f"documents/{name}"
            record.items = len(result.items)
            results.append(result)
        record.seconds = round(time.perf_counter() - start, 3)
        manifest.inputs.append(record)
        if on_document:
            on_document(record)
    lines = [
        json.dumps({"document_id": r.document.id, "source": r.document.source, **i.model_dump()})
        for r in results
        for i in r.items
    ]
    write_text_atomic(out_dir / "items.jsonl", "".join(line + "\n" for line in lines))
    manifest.finished = datetime.now(UTC).isoformat()
    for status in ("processed", "skipped", "failed"):
        manifest.counts[status] = sum(r.status == status for r in manifest.inputs)
    manifest.counts["items"] = len(lines)
    write_text_atomic(out_dir / "manifest.json", manifest.model_dump_json(indent=2))
    return manifest
