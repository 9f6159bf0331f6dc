"""The flat row model shared by the writers: `ItemRow` (items.jsonl, items.csv), the CSV's
text cells and their formula guard, an item's review fields and labels."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.models import DocumentResult, Item, ReviewStatus


class ItemRow(BaseModel):
    """One row of items.jsonl and items.csv: an item, flat, with its document's identity."""

    model_config = ConfigDict(title="ItemRow")

    item_id: str = Field(description="Stable id of the item (as in the document JSON).")
    document_id: str = Field(description="sha256 of the document's bytes.")
    source: str = Field(description="Path of the document as given to the run.")
    kind: Literal["priority", "next_step"]
    country: str | None = Field(description="ISO 3166-1 alpha-3, null for global items.")
    country_name: str | None
    text: str
    themes: list[str] = Field(description="Theme label ids (taxonomy order).")
    actions: list[str] = Field(description="Action label ids (taxonomy order).")
    theme_scores: dict[str, float] = Field(description="Theme id -> score in [0, 1].")
    action_scores: dict[str, float] = Field(description="Action id -> score in [0, 1].")
    deadline_text: str | None = Field(description="The stated time frame ('before July 2019').")
    deadline_date: str | None = Field(
        description="ISO date, year-month or year ('2019-07-31', '2019-07', '2019')."
    )
    deadline_relation: (
        Literal["by", "before", "in", "after", "from", "until", "within", "at"] | None
    ) = Field(description="How the date bounds the action; null without a deadline.")
    actors: list[str]
    page: int = Field(ge=1, description="1-based page or slide.")
    section: list[str] = Field(description="Heading path, outermost first.")
    group_id: str | None = Field(
        description="Shared by the same item in other renditions of the document (PPTX/PDF/"
        "DOCX/Markdown of one deck or report); null when it has none."
    )
    canonical: bool = Field(
        description="True for the one copy to count (richest format); false for the others."
    )
    review_status: ReviewStatus = Field(
        description="machine, reviewed (confirmed unchanged), corrected; rejected items are "
        "not rows (counted in manifest.json `counts.rejected`)."
    )
    reviewer: str | None
    review_date: str | None = Field(description="ISO date of the review.")
    review_note: str | None


ROW_FIELDS = list(ItemRow.model_fields)
CSV_FIELDS = ROW_FIELDS
"""items.csv has exactly the columns of an items.jsonl row, in this order."""

# Characters that make a spreadsheet treat a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula ('=cmd|…' -> "'=cmd|…")."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _scores(item: Item, attr: str) -> str:
    return ";".join(f"{s.label}:{s.score:.2f}" for s in getattr(item, attr))


def review_fields(item: Item) -> tuple[str | None, str | None, str | None]:
    """(reviewer, review date, review note) of an item; all None when not reviewed."""
    review = item.review
    return (review.reviewer, review.date, review.note) if review else (None, None, None)


def item_row(result: DocumentResult, item: Item) -> dict[str, Any]:
    """One flat row for JSONL and CSV (the fields of `ItemRow`, in its order)."""
    reviewer, review_date, review_note = review_fields(item)
    deadline = item.deadline
    return {
        "item_id": item.id,
        "document_id": result.document.id,
        "source": result.document.source,
        "kind": item.kind,
        "country": item.country,
        "country_name": item.country_name,
        "text": item.text,
        "themes": item.themes,
        "actions": item.actions,
        "theme_scores": {s.label: round(s.score, 4) for s in item.theme_scores},
        "action_scores": {s.label: round(s.score, 4) for s in item.action_scores},
        "deadline_text": deadline.text if deadline else None,
        "deadline_date": deadline.date if deadline else None,
        "deadline_relation": deadline.relation if deadline else None,
        "actors": item.actors,
        "page": item.provenance.page,
        "section": item.section,
        "group_id": item.group_id,
        "canonical": item.canonical,
        "review_status": item.review_status,
        "reviewer": reviewer,
        "review_date": review_date,
        "review_note": review_note,
    }


def csv_row(result: DocumentResult, item: Item) -> dict[str, str]:
    """One items.csv row: the `item_row` as text cells, guarded against formulas."""
    row = item_row(result, item)
    row["themes"] = ";".join(item.themes)
    row["actions"] = ";".join(item.actions)
    row["theme_scores"] = _scores(item, "theme_scores")
    row["action_scores"] = _scores(item, "action_scores")
    row["actors"] = "; ".join(item.actors)
    row["section"] = " > ".join(item.section)
    row["canonical"] = "true" if item.canonical else "false"
    return {k: spreadsheet_safe(str(v)) if v is not None else "" for k, v in row.items()}


def item_labels(item: Item) -> list[tuple[str, str, float, list[str]]]:
    """(taxonomy, label, score, evidence) of an item, once per label (the last wins, as the
    `item_labels` table's primary key makes it)."""
    out: dict[tuple[str, str], tuple[str, str, float, list[str]]] = {}
    for taxonomy, scores in (("theme", item.theme_scores), ("action", item.action_scores)):
        for s in scores:
            out[(taxonomy, s.label)] = (taxonomy, s.label, s.score, s.evidence)
    return list(out.values())
