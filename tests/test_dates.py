"""Document dates: meeting or publication dates in English, French and Spanish forms."""

from __future__ import annotations

import pytest

from pipeline.dates import document_date, find_dates
from pipeline.models import Block, BlockKind, Document, DocumentMetadata


def _doc(*lines: str, title: str | None = None, created: str | None = None) -> Document:
    blocks = []
    if title:
        blocks.append(Block(id="p1-b0", kind=BlockKind.title, text=title, page=1))
    for n, line in enumerate(lines, start=1):
        blocks.append(Block(id=f"p1-b{n}", kind=BlockKind.paragraph, text=line, page=1))
    return Document(
        id="0" * 64,
        source="x.md",
        format="markdown",
        page_count=1,
        title=title,
        metadata=DocumentMetadata(created=created),
        blocks=blocks,
    )


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Geneva, 12 May 2022", "2022-05-12"),
        ("Nairobi, 3–4 March 2021", "2021-03-03"),
        ("Virtual meeting, December 1–2, 2020", "2020-12-01"),
        ("Geneva, 28th November, 2018", "2018-11-28"),
        ("30 November – 1 December 2020, online", "2020-11-30"),
        ("Rapport de la réunion, Paris, 15 novembre 2023", "2023-11-15"),
        ("Rapport général – Niamey, 20 et 21 juin 2023", "2023-06-20"),
        ("Date : 1er décembre 2022", "2022-12-01"),
        ("Informe de la reunión, 2 de octubre de 2024", "2024-10-02"),
        ("Quito, 9 y 10 de agosto de 2023", "2023-08-09"),
        ("Date: Thu, 21 Mar 2024 16:42:10 +0000", "2024-03-21"),
        ("Pathfinder Country | Update, April 2024", "2024-04"),
        ("Pays pionnier | Mise à jour de mars 2024", "2024-03"),
        ("Actualización: septiembre de 2025", "2025-09"),
        ("Issued 2023-06-30", "2023-06-30"),
    ],
)
def test_date_forms(line: str, iso: str) -> None:
    found = document_date(_doc(line, title="Some meeting report"))
    assert found is not None
    assert found.date == iso
    assert found.evidence == line
    assert found.where == "first_page"


def test_date_in_the_title() -> None:
    found = document_date(_doc("Background text.", title="GCG meeting, Geneva, 12 May 2022"))
    assert found is not None and found.date == "2022-05-12" and found.where == "title"
    assert "12 May 2022" in found.describe()


def test_no_date() -> None:
    assert document_date(_doc("Kenya", "Pathfinder Country", title="Country profile")) is None


def test_deadlines_and_history_are_not_the_documents_date() -> None:
    doc = _doc(
        "Pathfinder country since 2019",
        "Work plan 2024–2025",
        "Next meeting: December 2023",
        "Submit the report by 31 August 2023.",
        title="Kenya",
    )
    assert document_date(doc) is None


def test_year_alone_only_in_the_title_lines() -> None:
    assert document_date(_doc("A selection", title="2021 Action Pledges")).date == "2021"
    long = "In 2018 the government adopted a plan and in March 2019 it joined the Alliance " * 2
    assert document_date(_doc(long, title="Country note")) is None


def test_properties_are_the_last_resort_and_placeholders_are_ignored() -> None:
    found = document_date(_doc("No date here", title="Note", created="2022-01-15T09:00:00"))
    assert found is not None and found.date == "2022-01-15" and found.where == "properties"
    assert document_date(_doc("No date", title="Note", created="2000-01-01T00:00:00")) is None


def test_impossible_dates_are_skipped() -> None:
    assert find_dates("31 February 2022") == []
    assert [f.iso for f in find_dates("Agenda 2030, 2 de octubre de 2024")] == ["2024-10-02"]
