"""One document through every stage: file -> Document -> sections -> items -> result."""

from __future__ import annotations

from pathlib import Path

from pipeline import __version__
from pipeline.config import Settings
from pipeline.extract import sections_to_items
from pipeline.models import Document, DocumentInfo, DocumentResult
from pipeline.parse import parse_file
from pipeline.segment import document_to_sections


def document_info(doc: Document) -> DocumentInfo:
    return DocumentInfo.model_validate(doc.model_dump(exclude={"blocks"}))


def document_to_result(doc: Document) -> DocumentResult:
    """Segment, extract and label the items of a parsed document."""
    items = sections_to_items(doc, document_to_sections(doc))
    return DocumentResult(pipeline_version=__version__, document=document_info(doc), items=items)


def process_file(path: str | Path, settings: Settings | dict | None = None) -> DocumentResult:
    """Parse `path` and extract its items; raises only `PipelineError` for bad input."""
    return document_to_result(parse_file(path, settings))
