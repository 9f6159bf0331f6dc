"""Typed records passed between the stages.

files -> `Document` (blocks with provenance) -> `Section` -> `Item` -> `DocumentResult`.

Coordinates: every `BBox` is in points (1/72 inch) with the origin at the top-left corner of
the page or slide, x growing to the right and y growing downwards (pdfplumber's `top`/`bottom`
convention; python-pptx EMU are converted to points).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "2.1.0"

Format = Literal["pdf", "pptx", "docx", "html", "text", "markdown"]


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


ItemKind = Literal["priority", "next_step"]


class Section(BaseModel):
    """A run of blocks under one heading path, with the country and role it gives them."""

    id: str = Field(
        description="Id of the heading block (or organisation line) that opens it, or 'root'."
    )
    heading_path: list[str] = Field(default_factory=list, description="Outermost heading first.")
    page: int = Field(ge=1)
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-3 of its context.")
    country_evidence: str | None = Field(
        default=None, description="The words that named the country (heading, title, prefix)."
    )
    role: ItemKind | None = Field(
        default=None, description="Role its heading gives the items in it, from a cue phrase."
    )
    role_cue: str | None = Field(default=None, description="The cue phrase that set the role.")
    stop: bool = Field(
        default=False, description="Its heading says it holds no items ('Lessons learnt')."
    )
    blocks: list[Block] = Field(default_factory=list)


class Deadline(BaseModel):
    """A stated time frame, normalised where the words allow."""

    text: str = Field(description="The original words, e.g. 'before July 2019'.")
    date: str | None = Field(
        default=None, description="ISO date, year-month or year: '2019-07-31', '2019-07', '2020'."
    )
    relation: Literal["by", "before", "in", "after", "from", "until", "within", "at"] = "by"


class Provenance(BaseModel):
    """Where an item came from, so a reviewer can find it in the source."""

    document_id: str
    source: str
    page: int = Field(ge=1, description="1-based page or slide.")
    block_ids: list[str]
    span: tuple[int, int] | None = Field(
        default=None, description="Character offsets of the item in the first block's text."
    )
    source_text: str = Field(description="The full text of the first block.")
    bbox: BBox | None = Field(
        default=None,
        description="The first block's box on its page or slide (points, top-left origin), "
        "so a reader can mark the item on an image of the page; None when unknown.",
    )


class LabelScore(BaseModel):
    """One label with its score in [0, 1] and the evidence behind it."""

    label: str
    score: float = Field(ge=0.0, le=1.0)
    evidence: list[str] = Field(default_factory=list)


class Review(BaseModel):
    """An analyst's review of an item: who, when, and which fields they corrected."""

    reviewer: str
    date: str = Field(description="ISO date of the review, e.g. '2024-05-02'.")
    fields: list[str] = Field(
        default_factory=list,
        description="Fields the reviewer changed (kind, country, themes, actions); empty when "
        "they confirmed the item as it was.",
    )
    note: str | None = Field(default=None, description="The reviewer's note, if any.")


class ExtractionEvidence(BaseModel):
    """Why a candidate was taken as an item: the model's score and the strongest evidence."""

    score: float = Field(ge=0.0, le=1.0, description="Probability of the item's kind.")
    lead_in: str | None = Field(
        default=None, description="The lead-in line or label the item sat under."
    )
    reasons: list[str] = Field(
        default_factory=list, description="The strongest features, in words, with their weight."
    )


ReviewStatus = Literal["machine", "reviewed", "corrected", "rejected"]
"""An item's review state; 'rejected' (marked not an item) is never an item of a result."""


class Item(BaseModel):
    """One priority or next step: one action, with its country, labels and provenance."""

    id: str = Field(description="Stable: same file and same item give the same id on every run.")
    kind: ItemKind
    text: str
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-3, or None (global).")
    country_name: str | None = None
    themes: list[str] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)
    theme_scores: list[LabelScore] = Field(default_factory=list)
    action_scores: list[LabelScore] = Field(default_factory=list)
    deadline: Deadline | None = None
    actors: list[str] = Field(default_factory=list)
    section: list[str] = Field(default_factory=list, description="Heading path it sits under.")
    context: list[str] = Field(
        default_factory=list,
        description="Sub-list labels and table column headers it sits under ('Child labour:').",
    )
    cue: str | None = Field(default=None, description="The cue phrase that made it an item.")
    extraction: ExtractionEvidence | None = Field(
        default=None, description="Why it was taken (score, lead-in, strongest evidence)."
    )
    provenance: Provenance
    review: Review | None = Field(
        default=None, description="Set when an analyst's correction was applied to the item."
    )
    review_status: ReviewStatus = Field(
        default="machine",
        description="'machine': as the pipeline found it; 'reviewed': an analyst confirmed it "
        "unchanged; 'corrected': an analyst changed some fields (review.fields). Items marked "
        "'not an item' ('rejected') are left out of the results and counted in the manifest.",
    )
    group_id: str | None = Field(
        default=None,
        description="Shared by the same item in other renditions of the same document (PPTX "
        "and its PDF export, DOCX and PDF, Markdown); None when it has no counterpart. Set by "
        "`pipeline run` from all documents of the run (`pipeline.groups`).",
    )
    canonical: bool = Field(
        default=True,
        description="False for the copies of an item in poorer renditions (pptx > docx > pdf "
        "> markdown > text); count `canonical` items to count each item once.",
    )

    @model_validator(mode="after")
    def _review_status(self) -> Item:
        """A result written before `review_status` existed: derive it from `review`."""
        if self.review is not None and self.review_status == "machine":
            self.review_status = "corrected" if self.review.fields else "reviewed"
        return self


class DocumentInfo(BaseModel):
    """A document's identity and metadata, without its blocks."""

    id: str
    source: str
    format: Format
    page_count: int
    title: str | None = None
    metadata: DocumentMetadata = Field(default_factory=DocumentMetadata)
    date: str | None = Field(
        default=None,
        description="Meeting or publication date (ISO date, year-month or year) from the "
        "title, the first page or the file's properties; None when the document does not say.",
    )
    date_evidence: str | None = Field(
        default=None,
        description="Where the date was found and the line that gave it, e.g. "
        "'first page: \"Geneva, 12 May 2022\"'.",
    )
    group_id: str | None = Field(
        default=None,
        description="Shared by the renditions of one document (the same deck as PPTX and PDF, "
        "…); None when the run holds no other rendition. Set by `pipeline run`.",
    )


class DocumentResult(BaseModel):
    """The result for one document: what `pipeline extract` prints and `run` writes."""

    schema_version: str = SCHEMA_VERSION
    pipeline_version: str
    model_version: str | None = None
    document: DocumentInfo
    items: list[Item] = Field(default_factory=list)
