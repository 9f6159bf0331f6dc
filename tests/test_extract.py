"""Segmenting and extraction on real seed texts and on messy documents we write ourselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cues import heading_cue, line_cue
from pipeline.itemtext import clean_item_text, split_clauses
from pipeline.models import Block, BlockKind, Document, TableCellRef
from pipeline.process import document_to_result, process_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")


def _items(path: Path) -> list:
    """The cue rules' reading of a file (the model's is scored by the target tests)."""
    from pipeline.extract import sections_to_items
    from pipeline.parse import parse_file
    from pipeline.segment import document_to_sections

    doc = parse_file(path)
    return sections_to_items(doc, document_to_sections(doc), model=None)


def _by_text(items: list, start: str):
    found = [i for i in items if i.text.startswith(start)]
    assert found, f"no item starting with {start!r} in {[i.text[:40] for i in items]}"
    return found[0]


@needs_seeds
def test_deck_markdown_items_countries_and_roles() -> None:
    items = _items(SEEDS / "deck.md")
    assert len(items) == 83
    nepal_steps = [i for i in items if i.country == "NPL" and i.kind == "next_step"]
    assert [i.text[:20] for i in nepal_steps] == [
        "Formation of a high ",
        "Secretariat for Alli",
        "Each Ministry, MOLES",
    ]
    assert nepal_steps[1].text == "Secretariat for Alliance 8.7 established at MOLESS"
    social = _by_text(items, "Strengthen social protection")
    assert (social.kind, social.country, social.context) == ("priority", "UGA", ["Child Labour"])
    hub = _by_text(items, "National hub on the situation")
    assert hub.context == ["Trafficking:"] and hub.country == "MDG"
    # A run-on "Next Steps:" paragraph gives one item per sentence, without the label.
    nigeria = [i.text for i in items if i.country == "NGA" and i.kind == "next_step"]
    assert len(nigeria) == 3 and nigeria[0].startswith("Develop an action plan")
    # Clauses joined by ';' that state separate actions are separate items.
    vietnam = [i.text for i in items if i.country == "VNM" and i.kind == "next_step"]
    assert vietnam[1].startswith("finalize and publish data")
    # "Coming soon" gives next steps of Fiji; "Already done" and lessons learnt give nothing.
    fiji = [i for i in items if i.country == "FJI"]
    assert len(fiji) == 7 and {i.kind for i in fiji} == {"next_step"}
    assert not [i for i in items if "Expressed interest" in i.text or "Endorsement" in i.text]


@needs_seeds
def test_web_page_goals_and_agenda() -> None:
    goals = _items(SEEDS / "vision_webpage.txt")
    assert len(goals) == 9
    assert {(i.kind, i.country) for i in goals} == {("priority", None)}
    assert goals[0].text.endswith("child labour and forced labour")
    assert _items(SEEDS / "strategy_workshop_agenda.txt") == []


@needs_seeds
def test_report_only_action_items_are_items() -> None:
    items = _items(SEEDS / "gcg3_report.md")
    assert [i.kind for i in items] == ["next_step"] * 4
    assert (
        items[3].text == "The 4th GCG meeting will be held in New York in March or April 2019, tbc."
    )
    assert items[0].section[-1] == "X. Action Items"


MESSY = """# National Workshop on Forced Labour — Republic of Moldova

## 1. Background

The workshop was held in Chisinau in May 2021. Participants discussed the situation of
migrant workers and the results of the 2019 survey.

## 2. Sri Lanka and Moldova – priorities agreed with partners

- Strengthen the labour inspectorate's mandate on forced labour
- Peru: adopt the national plan against trafficking in persons by 2023
- Bolivia: expand birth registration in rural areas

## 4. Priorities for action

### 4.1 Data and research

- (cid:127) Conduct a national forced labour survey
- \uf0b7 Publish annual statistics on trafficking cases

### 4.2 Labour migration

- Sign bilateral labour agreements with destination countries

## 5. Action plan

| Action | Responsible | Deadline |
|---|---|---|
| Validate the national roadmap | Ministry of Labour, ILO | June 2022 |
| Train 200 labour inspectors | Labour Inspectorate | December 2022 |

## 6. Prochaines étapes

- Organiser un atelier de validation avant juin 2022

## 7. Lessons learnt

- Political endorsement matters

## 8. Country updates

- Increase funding for shelters
- Train police on victim identification

These priorities were agreed with the social partners.
"""


def test_messy_report_cases(tmp_path: Path) -> None:
    path = tmp_path / "messy_report.md"
    path.write_text(MESSY, encoding="utf-8")
    items = process_file(path).items
    texts = [i.text for i in items]
    assert not any("Background" in t or "survey." in t for t in texts)
    # The cue sits in the heading; a country prefix moves the item and is stripped.
    peru = _by_text(items, "adopt the national plan")
    assert (peru.country, peru.kind) == ("PER", "priority")
    assert _by_text(items, "expand birth registration").country == "BOL"
    # Numbered sub-headings continue the priorities section they sit in.
    survey = _by_text(items, "Conduct a national forced labour survey")
    assert survey.kind == "priority" and survey.section[-1] == "4.1 Data and research"
    assert _by_text(items, "Publish annual statistics").kind == "priority"
    assert _by_text(items, "Sign bilateral labour agreements").kind == "priority"
    # Action table: the action is the item, the other columns give actors and deadline.
    roadmap = _by_text(items, "Validate the national roadmap")
    assert roadmap.kind == "next_step"
    assert roadmap.actors[:2] == ["Ministry of Labour", "ILO"]
    assert _by_text(items, "Organiser un atelier").kind == "next_step"
    assert not any("Political endorsement" in t for t in texts)
    # A cue after its list gives the list its role.
    assert _by_text(items, "Increase funding for shelters").kind == "priority"
    # The document title names one country: items without their own take it.
    assert _by_text(items, "Train police on victim").country == "MDA"


def _doc(blocks: list[Block]) -> Document:
    return Document(id="0" * 64, source="x.pptx", format="pptx", page_count=2, blocks=blocks)


def test_plain_paragraphs_in_a_text_box_are_items_and_slide_titles_reset_country() -> None:
    blocks = [
        Block(kind=BlockKind.title, text="TUNISIA", page=1),
        Block(
            kind=BlockKind.paragraph,
            text="The child labour workshop (May 2021) agreed on the following priority areas:",
            page=1,
        ),
        Block(
            kind=BlockKind.paragraph, text="Revise the labour code to cover domestic work", page=1
        ),
        Block(kind=BlockKind.paragraph, text="Set up a referral mechanism for victims", page=1),
        Block(kind=BlockKind.title, text="Upcoming events", page=2),
        Block(kind=BlockKind.paragraph, text="Regional meeting in Tunis, June 2021", page=2),
    ]
    items = document_to_result(_doc(blocks), extraction_model=None).items
    assert [(i.kind, i.country) for i in items] == [("priority", "TUN")] * 2


def test_theme_table_gives_priorities_with_column_context() -> None:
    def cell(row: int, col: int, text: str, header: str | None = None) -> Block:
        ref = TableCellRef(table_id="s1-t1", row=row, col=col, header=header, is_header=row == 0)
        return Block(kind=BlockKind.table_cell, text=text, page=1, table=ref)

    blocks = [
        Block(kind=BlockKind.title, text="KENYA", page=1),
        cell(0, 0, "Child Labour"),
        cell(0, 1, "Human Trafficking"),
        cell(1, 0, "Extend free schooling to age 16.", "Child Labour"),
        cell(1, 1, "Open two shelters for survivors.", "Human Trafficking"),
    ]
    items = document_to_result(_doc(blocks), extraction_model=None).items
    assert [(i.text, i.context, i.country) for i in items] == [
        ("Extend free schooling to age 16.", ["Child Labour"], "KEN"),
        ("Open two shelters for survivors.", ["Human Trafficking"], "KEN"),
    ]


def test_item_ids_are_stable_and_distinct(tmp_path: Path) -> None:
    path = tmp_path / "messy_report.md"
    path.write_text(MESSY, encoding="utf-8")
    first = [i.id for i in process_file(path).items]
    second = [i.id for i in process_file(path).items]
    assert first == second and len(set(first)) == len(first)
    path.write_text(MESSY + "\n", encoding="utf-8")  # other bytes, other document
    assert not set(first) & {i.id for i in process_file(path).items}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "Secretariat for Alliance 8.7 established at MOLESS;",
            "Secretariat for Alliance 8.7 established at MOLESS",
        ),
        (
            "strengthen the knowledge base on child labour,",
            "strengthen the knowledge base on child labour",
        ),
        ("continue with legal modifications; and", "continue with legal modifications"),
        (
            "National hub on the situation of human trafficking 6",
            "National hub on the situation of human trafficking",
        ),
        (
            "an integrated work plan for 2019⁷ on child labour",
            "an integrated work plan for 2019 on child labour",
        ),
        (
            "the implementation of the ILO Convention n° 142",
            "the implementation of the ILO Convention n° 142",
        ),
        (
            "• Achieve 10 child labour free municipalities by 2020",
            "Achieve 10 child labour free municipalities by 2020",
        ),
        # a numbered entry of a record is a label, not a part of its item
        (
            "ACUERDO 5. El INEI incluirá un módulo de trabajo infantil en la ENAHO 2026.",
            "El INEI incluirá un módulo de trabajo infantil en la ENAHO 2026.",
        ),
        ("PA2 : Le ministère désignera un point focal", "Le ministère désignera un point focal"),
        ("Convention 29 is ratified by 2026", "Convention 29 is ratified by 2026"),
        # an age is no glued slide number
        ("Ban domestic work by children under 18", "Ban domestic work by children under 18"),
        ("Proteger a los menores de 15", "Proteger a los menores de 15"),
        # a timeline's date set as a label is the deadline, not the text (GOLD.md)
        (
            "Q2 2025: Sign the agreement with the Ghana Education Service",
            "Sign the agreement with the Ghana Education Service",
        ),
        ("Mars 2025 – lancement de la campagne nationale", "lancement de la campagne nationale"),
        ("Mar 2025 – Feb 2026: Deliver four training cohorts", "Deliver four training cohorts"),
        ("Ministry of Labour: Adopt the decree", "Ministry of Labour: Adopt the decree"),
        ("Nepal – adopt the decree", "Nepal – adopt the decree"),
        # owner and deadline fields typed after the action
        (
            "Remitir la propuesta a los miembros. Responsable: Secretaría Técnica. Plazo: abril.",
            "Remitir la propuesta a los miembros.",
        ),
        ("Share the report; Lead: Ministry of Labour", "Share the report"),
        (
            "Share the report. The lead agency hosts it.",
            "Share the report. The lead agency hosts it.",
        ),
    ],
)
def test_clean_item_text(raw: str, clean: str) -> None:
    assert clean_item_text(raw) == clean


def test_split_clauses_only_on_a_new_action() -> None:
    assert split_clauses("Develop a roadmap (2019); finalize the survey") == [
        "Develop a roadmap (2019)",
        "finalize the survey",
    ]
    assert split_clauses("Engagement has been important; there is a need to do more") == [
        "Engagement has been important; there is a need to do more"
    ]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("NEXT STEPS (SHORT TERM)", "next_step"),
        ("2. Priorities for action", "priority"),
        ("Coming soon:", "next_step"),
        ("Already done:", "stop"),
        ("Prochaines étapes :", "next_step"),
        ("Próximos pasos", "next_step"),
        ("The national strategy workshop identified the following priorities:", "priority"),
    ],
)
def test_line_cues(text: str, role: str) -> None:
    cue = line_cue(text)
    assert cue is not None and cue.role == role


def test_items_are_not_cues() -> None:
    assert line_cue("Identify priority actions") is None
    assert line_cue("The action points presented were:") is None
    assert heading_cue("Sri Lanka – priorities agreed with partners").role == "priority"


@needs_seeds
def test_targets_on_the_seed_gold() -> None:
    from pipeline.evaluate import combine, evaluate

    report = evaluate(SEEDS / "gold", renditions=True)
    scored = {Path(d.source).name: d for d in report.documents}
    assert {"deck.pptx", "deck.pdf", "deck.md", "gcg3_report.pdf", "gcg3_report.docx"} <= set(
        scored
    )
    main = combine(d for name, d in scored.items() if name != "deck_scraped.txt")
    assert main.items.f1 >= 0.88 and main.country_accuracy >= 0.98
    for name in ("deck.pptx", "deck.pdf", "deck.md"):
        assert scored[name].items.f1 >= 0.95, name
    # Known short of the targets (see README): the report (4 items) takes sentences
    # of its discussion ('There needs to be buy-in ...', 'X will present their findings ...')
    # now that a paragraph's sentences are judged each on its own (they were 0.80-0.89 while
    # averaged with their paragraph); the scraped dump loses its interleaved columns.
    assert scored["vision_webpage.txt"].items.f1 >= 0.9
    for name in ("gcg3_report.pdf", "gcg3_report.docx", "gcg3_report.md"):
        assert scored[name].items.f1 >= 0.5, name
    assert scored["deck_scraped.txt"].items.f1 >= 0.6


def test_targets_on_our_corpus() -> None:
    from pipeline.evaluate import evaluate

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    report = evaluate(corpus / "gold", renditions=True)
    assert len(report.documents) >= 80 and not report.skipped
    # In-sample (the model was trained on these): a floor against regressions, not a quality
    # claim; the cross-validated figures are in the model card and the README.
    assert report.overall.items.f1 >= 0.80 and report.overall.country_accuracy >= 0.85
