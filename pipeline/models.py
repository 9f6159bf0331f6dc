"""Typed records passed between the stages.

files -> `Document` (blocks with provenance) -> `Section` -> `Item` -> `DocumentResult`.

Coordinates: every `BBox` is in points (1/72 inch) with the origin at the top-left corner of
the page or slide, x growing to the right and y growing downwards (pdfplumber's `top`/`bottom`
convention; python-pptx EMU are converted to points).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0.0"

Format = Literal["pdf", "pptx", "docx", "text", "markdown"]


class BBox(BaseModel):
    """A box in points; origin top-left of the page or slide, y grows downwards."""

    model_config = ConfigDict(frozen=True)

    x0: float
    top: float
    x1: float
    bottom: float


class BlockKind(StrEnum):
    title = "title"
    heading = "heading"
    paragraph = "paragraph"
    list_item = "list_item"
    table_cell = "table_cell"
    caption = "caption"
    notes = "notes"


class TableCellRef(BaseModel):
    """Where a `table_cell` block sits in its table."""

    table_id: str = Field(description="Unique within the document, e.g. 's7-t1'.")
    row: int = Field(ge=0, description="0-based row; row 0 is the header row when there is one.")
    col: int = Field(ge=0)
    header: str | None = Field(
        default=None, description="Text of the column's header cell (None for header cells)."
    )
    is_header: bool = False


class Block(BaseModel):
    """One unit of text as a reader sees it: a title, heading, paragraph, bullet or cell."""

    id: str = Field(default="", description="Stable within the document: 'p3-b7' or 's2-b4'.")
    kind: BlockKind
    text: str
    page: int = Field(ge=1, description="1-based page (PDF, DOCX) or slide (PPTX) number.")
    level: int = Field(default=0, ge=0, description="List level, 0 for top-level bullets.")
    heading_level: int | None = Field(
        default=None, ge=1, description="1 for the largest heading; None if not a heading."
    )
    marker: str | None = Field(
        default=None, description="The bullet glyph or number that was stripped, e.g. '•', '2.'."
    )
    bbox: BBox | None = None
    font_size_ratio: float | None = Field(
        default=None, description="Font size relative to the body text of the page (1.0 = body)."
    )
    bold: bool = False
    table: TableCellRef | None = None


class DocumentMetadata(BaseModel):
    author: str | None = None
    created: str | None = Field(default=None, description="ISO 8601 where the file has it.")
    modified: str | None = None


class Document(BaseModel):
    """A parsed file: its identity, metadata and blocks in reading order."""

    id: str = Field(description="sha256 of the file's bytes (hex).")
    source: str = Field(description="Path of the file as given to the parser.")
    format: Format
    page_count: int = Field(ge=0, description="Pages (PDF, DOCX, text) or slides (PPTX).")
    title: str | None = None
    metadata: DocumentMetadata = Field(default_factory=DocumentMetadata)
    blocks: list[Block] = Field(default_factory=list)
