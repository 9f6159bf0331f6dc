"""One document through every stage: file -> Document -> sections -> items -> result."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline import __version__
from pipeline.classify import classify_items, current_model_version
from pipeline.config import Settings
from pipeline.extract import INSTALLED, sections_to_items
from pipeline.extract_model import ExtractionModel
from pipeline.models import Block, BlockKind, Document, DocumentInfo, DocumentResult
from pipeline.parse import parse_file
from pipeline.segment import document_to_sections


def document_info(doc: Document) -> DocumentInfo:
    info = DocumentInfo.model_validate(doc.model_dump(exclude={"blocks"}))
    from pipeline.dates import document_date

    found = document_date(doc)
    if found is not None:
        info.date, info.date_evidence = found.date, found.describe()
    return info


def document_to_result(
    doc: Document,
    timings: dict[str, float] | None = None,
    extraction_model: ExtractionModel | str | None = INSTALLED,
) -> DocumentResult:
    """Segment, extract and label the items of a parsed document (`extraction_model`: see
    `sections_to_items`; None lets the cue rules decide alone)."""
    clock = _Clock(timings)
    sections = document_to_sections(doc)
    clock.lap("segment")
    items = sections_to_items(doc, sections, extraction_model)
    clock.lap("extract")
    items = classify_items(items)
    clock.lap("classify")
    return DocumentResult(
        pipeline_version=__version__,
        model_version=current_model_version(),
        document=document_info(doc),
        items=items,
    )


def process_file(
    path: str | Path,
    settings: Settings | dict | None = None,
    timings: dict[str, float] | None = None,
    data: bytes | None = None,
) -> DocumentResult:
    """Parse `path` and extract its items; raises only `PipelineError` for bad input.

    `timings`, when given, receives the seconds spent in each stage; `data`, when given, is
    the file's bytes already read (see `parse_file`).
    """
    clock = _Clock(timings)
    doc = parse_file(path, settings, data)
    clock.lap("parse")
    return document_to_result(doc, timings)


def warm_up() -> None:
    """Import the parsers and build every cached vocabulary, matcher and model now, so that
    forked workers share them instead of each paying ~0.2 s to build them again."""
    from pipeline.parse import docx, pdf, pdfium, pptx, text  # noqa: F401

    blocks = [
        Block(kind=BlockKind.heading, text="Nepal: next steps", page=1),
        Block(
            kind=BlockKind.list_item,
            text="Train labour inspectors on child labour with the Ministry of Labour by 2030.",
            page=1,
        ),
    ]
    document_to_result(
        Document(id="0" * 64, source="warm-up", format="text", page_count=1, blocks=blocks)
    )


class _Clock:
    """Adds the seconds since the last lap to `timings[stage]` (no-op without a dict)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now
