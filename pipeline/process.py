"""One document through every stage: file -> Document -> sections -> items -> result."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline import __version__
from pipeline.classify import classify_items, current_model_version
from pipeline.config import Settings
from pipeline.extract import sections_to_items
from pipeline.models import Document, DocumentInfo, DocumentResult
from pipeline.parse import parse_file
from pipeline.segment import document_to_sections


def document_info(doc: Document) -> DocumentInfo:
    return DocumentInfo.model_validate(doc.model_dump(exclude={"blocks"}))


def document_to_result(doc: Document, timings: dict[str, float] | None = None) -> DocumentResult:
    """Segment, extract and label the items of a parsed document."""
    clock = _Clock(timings)
    sections = document_to_sections(doc)
    clock.lap("segment")
    items = sections_to_items(doc, sections)
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
) -> DocumentResult:
    """Parse `path` and extract its items; raises only `PipelineError` for bad input.

    `timings`, when given, receives the seconds spent in each stage.
    """
    clock = _Clock(timings)
    doc = parse_file(path, settings)
    clock.lap("parse")
    return document_to_result(doc, timings)


def warm_up() -> None:
    """Load vocabularies and models now (before worker processes fork and share them)."""
    from pipeline.actors import find_actors
    from pipeline.classify import load_classifier
    from pipeline.countries import find_countries
    from pipeline.cues import vocab
    from pipeline.deadlines import find_deadline
    from pipeline.extract import action_verbs, split_sentences
    from pipeline.taxonomy import labels_named

    vocab()
    action_verbs()
    find_countries("Nepal")
    split_sentences("Warm up. Now.")
    labels_named("child labour", "themes")
    find_actors(["Ministry of Labour"])
    find_deadline("by 2030")
    load_classifier()


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
