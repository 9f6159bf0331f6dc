"""Word parsing: the seed report, small generated documents, broken packages."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import SHARED
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from pipeline.errors import CorruptFileError, PipelineError, ResourceLimitError
from pipeline.models import BlockKind, Document
from pipeline.parse import parse_file
from pipeline.parse.ooxml import bullet_glyph, format_number

REPORT = SHARED / "seeds" / "gcg3_report.docx"
REPORT_MD = SHARED / "seeds" / "gcg3_report.md"


# --- the seed report -------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> Document:
    if not REPORT.exists():
        pytest.skip("shared seed gcg3_report.docx not available")
    return parse_file(REPORT)


def _action_items_from_markdown() -> list[str]:
    lines = REPORT_MD.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "Action Items" in line)
    items = [line[2:].strip() for line in lines[start + 1 :] if line.startswith("- ")]
    return [re.sub(r"</?sup>", "", item) for item in items]


def test_report_action_items(report: Document) -> None:
    blocks = report.blocks
    heading = next(i for i, b in enumerate(blocks) if b.text == "X. Action Items")
    assert blocks[heading].kind == BlockKind.heading
    assert blocks[heading].heading_level == 3
    items = blocks[heading + 1 :]
    assert [b.kind for b in items] == [BlockKind.list_item] * 4
    assert [b.text for b in items] == _action_items_from_markdown()
    assert (
        items[-1].text
        == "The 4th GCG meeting will be held in New York in March or April 2019, tbc."
    )
    assert all(b.marker == "•" and b.level == 0 for b in items)


def test_report_title_metadata_and_pages(report: Document) -> None:
    title = "Report of the 3rd Meeting of the Alliance 8.7 Global Coordinating Group"
    assert report.title == title
    assert report.metadata.author == "Alliance 8.7 Secretariat"
    titles = [b for b in report.blocks if b.kind == BlockKind.title]
    assert [(b.text, b.page) for b in titles] == [(title, 1)]
    # the cover ends with a page break; the footer (page number + title) is not read
    assert report.page_count == 2
    assert sum(b.text == title for b in report.blocks) == 1
    assert not any(re.fullmatch(r"\d+", b.text) for b in report.blocks)
    assert report.blocks[-1].page == 2
    assert [b.id for b in report.blocks[:2]] == ["p1-b1", "p1-b2"]


def test_report_numbered_lists_restart(report: Document) -> None:
    numbered = [b for b in report.blocks if b.marker and b.marker[0].isdigit()]
    assert [b.marker for b in numbered] == ["1.", "2.", "3.", "1.", "2."]


def test_report_agenda_numbers_typed_in_the_text(report: Document) -> None:
    agenda = [b for b in report.blocks if b.marker in ("I.", "II.", "IX.")]
    assert [b.text for b in agenda] == [
        "Welcome and progress report from the Chair",
        "Terms of Reference",
        "Upcoming events and work plan for 2019",
    ]
    assert all(b.kind == BlockKind.list_item for b in agenda)


# --- generated documents ---------------------------------------------------------------

_LEVELS = [
    ("decimal", "%1.", 1, ""),
    ("lowerLetter", "%2)", 1, ""),
    ("bullet", "\uf0a7", 1, '<w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr>'),
    ("upperRoman", "%1.%4", 4, ""),
]
_ABSTRACT = "".join(
    [
        '<w:abstractNum {ns} w:abstractNumId="{abs_id}">',
        *(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{rpr}</w:lvl>'
            for i, (fmt, text, start, rpr) in enumerate(_LEVELS)
        ),
        "</w:abstractNum>",
    ]
)


def _add_list(document, restart: bool = False) -> int:
    """A new multi-level list definition (or instance restarting at 1); returns its numId."""
    numbering = document.part.numbering_part.element
    abs_id = 90
    if numbering.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abs_id}']") is None:
        numbering.insert(0, parse_xml(_ABSTRACT.format(ns=nsdecls("w"), abs_id=abs_id)))
    num_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
    override = (
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abs_id}"/>'
            f"{override}</w:num>"
        )
    )
    return num_id


def _numbered(document, text: str, num_id: int, ilvl: int = 0):
    p = document.add_paragraph(text)
    p._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    return p


def _save(document, tmp_path: Path, name: str = "doc.docx") -> Path:
    path = tmp_path / name
    document.save(path)
    return path


def test_headings_title_and_body_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Workshop report", style="Title")
    document.add_heading("Priorities", level=1)
    document.add_paragraph("Intro text.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Theme"
    table.cell(0, 1).text = "Action"
    table.cell(1, 0).text = "Child labour"
    table.cell(1, 1).text = "Survey"
    document.add_heading("Next steps", level=2)
    outlined = document.add_paragraph("Outlined heading")
    outlined._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="3"/>'))
    document.add_paragraph("After.")
    doc = parse_file(_save(document, tmp_path))
    got = [(b.kind, b.heading_level, b.text) for b in doc.blocks]
    assert got == [
        (BlockKind.title, None, "Workshop report"),
        (BlockKind.heading, 1, "Priorities"),
        (BlockKind.paragraph, None, "Intro text."),
        (BlockKind.table_cell, None, "Theme"),
        (BlockKind.table_cell, None, "Action"),
        (BlockKind.table_cell, None, "Child labour"),
        (BlockKind.table_cell, None, "Survey"),
        (BlockKind.heading, 2, "Next steps"),
        (BlockKind.heading, 4, "Outlined heading"),
        (BlockKind.paragraph, None, "After."),
    ]
    assert doc.title == "Workshop report"
    assert doc.page_count == 1 and {b.page for b in doc.blocks} == {1}


def test_title_falls_back_to_first_heading(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Some text.")
    document.add_heading("Concept note", level=1)
    assert parse_file(_save(document, tmp_path)).title == "Concept note"


def test_numbered_lists_levels_restart_and_continue(tmp_path: Path) -> None:
    document = docx.Document()
    first = _add_list(document)
    _numbered(document, "One", first)
    _numbered(document, "Sub a", first, 1)
    _numbered(document, "Sub b", first, 1)
    _numbered(document, "Bullet", first, 2)
    _numbered(document, "Two", first)
    _numbered(document, "Sub a again", first, 1)
    _numbered(document, "Legal-style", first, 3)
    document.add_paragraph("Interruption.")
    _numbered(document, "Three (continues)", first)
    restarted = _add_list(document, restart=True)
    _numbered(document, "Restarted one", restarted)
    _numbered(document, "Restarted two", restarted)
    doc = parse_file(_save(document, tmp_path))
    got = [(b.kind, b.level, b.marker, b.text) for b in doc.blocks]
    assert got == [
        (BlockKind.list_item, 0, "1.", "One"),
        (BlockKind.list_item, 1, "a)", "Sub a"),
        (BlockKind.list_item, 1, "b)", "Sub b"),
        (BlockKind.list_item, 2, "▪", "Bullet"),
        (BlockKind.list_item, 0, "2.", "Two"),
        (BlockKind.list_item, 1, "a)", "Sub a again"),
        (BlockKind.list_item, 3, "2.IV", "Legal-style"),
        (BlockKind.paragraph, 0, None, "Interruption."),
        (BlockKind.list_item, 0, "3.", "Three (continues)"),
        (BlockKind.list_item, 0, "1.", "Restarted one"),
        (BlockKind.list_item, 0, "2.", "Restarted two"),
    ]


def test_list_styles_bullets_and_typed_markers(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("First bullet", style="List Bullet")
    document.add_paragraph("Nested bullet", style="List Bullet 2")
    document.add_paragraph("Numbered by style", style="List Number")
    document.add_paragraph("– typed dash item")
    document.add_paragraph("a) typed letter item")
    doc = parse_file(_save(document, tmp_path))
    got = [(b.kind, b.level, b.marker, b.text) for b in doc.blocks]
    assert got == [
        (BlockKind.list_item, 0, "•", "First bullet"),
        (BlockKind.list_item, 1, "•", "Nested bullet"),
        (BlockKind.list_item, 0, "1.", "Numbered by style"),
        (BlockKind.list_item, 0, "–", "typed dash item"),
        (BlockKind.list_item, 0, "a)", "typed letter item"),
    ]


def test_table_header_merges_and_cell_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Child labour"
    table.cell(0, 1).text = "Forced labour"
    table.cell(0, 2).text = "Migration"
    cell = table.cell(1, 0)
    cell.text = "Strengthen inspection."
    cell.add_paragraph("")  # empty paragraphs give no block
    cell.add_paragraph("Conduct a survey.")
    merged = table.cell(1, 1).merge(table.cell(2, 2))  # gridSpan + vMerge
    merged.text = "Merged once"
    table.cell(2, 0).text = "Last row"
    doc = parse_file(_save(document, tmp_path))
    got = [
        (b.table.row, b.table.col, b.table.header, b.table.is_header, b.text) for b in doc.blocks
    ]
    assert got == [
        (0, 0, None, True, "Child labour"),
        (0, 1, None, True, "Forced labour"),
        (0, 2, None, True, "Migration"),
        (1, 0, "Child labour", False, "Strengthen inspection."),
        (1, 0, "Child labour", False, "Conduct a survey."),
        (1, 1, "Forced labour", False, "Merged once"),
        (2, 0, "Child labour", False, "Last row"),
    ]
    assert {b.table.table_id for b in doc.blocks} == {"p1-t1"}
    assert all(b.kind == BlockKind.table_cell for b in doc.blocks)


def test_cell_with_several_actions_and_a_bulleted_list(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Actions"
    table.cell(0, 1).text = "Lead"
    cell = table.cell(1, 0)
    cell.text = "Adopt the decree."
    cell.add_paragraph("Train labour inspectors.")
    cell.add_paragraph("Fund the survey.", style="List Bullet")
    cell.add_paragraph("Publish the report.", style="List Bullet 2")
    cell.add_paragraph("• Review the plan.")  # a bullet typed into the text
    table.cell(1, 1).text = "Ministry of Labour"
    doc = parse_file(_save(document, tmp_path))
    got = [
        (b.table.row, b.table.col, b.table.header, b.marker, b.level, b.text) for b in doc.blocks
    ]
    assert got == [
        (0, 0, None, None, 0, "Actions"),
        (0, 1, None, None, 0, "Lead"),
        (1, 0, "Actions", None, 0, "Adopt the decree."),
        (1, 0, "Actions", None, 0, "Train labour inspectors."),
        (1, 0, "Actions", "•", 0, "Fund the survey."),
        (1, 0, "Actions", "•", 1, "Publish the report."),
        (1, 0, "Actions", "•", 0, "Review the plan."),
        (1, 1, "Lead", None, 0, "Ministry of Labour"),
    ]
    assert all(b.kind == BlockKind.table_cell for b in doc.blocks)


def test_page_breaks_line_breaks_and_superscripts(tmp_path: Path) -> None:
    document = docx.Document()
    p = document.add_paragraph("Line one")
    p.add_run().add_break()
    p.add_run("line two")
    q = document.add_paragraph("The 4")
    q.add_run("th").font.superscript = True
    q.add_run(" meeting")
    q.add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Second page")
    # Word's record of where it broke the page while laying out the text
    rendered = document.add_paragraph("Still second page, ")
    rendered.add_run()._r.append(parse_xml(f"<w:lastRenderedPageBreak {nsdecls('w')}/>"))
    rendered.add_run("third page")
    document.add_paragraph("Page break before").paragraph_format.page_break_before = True
    doc = parse_file(_save(document, tmp_path))
    got = [(b.page, b.text) for b in doc.blocks]
    assert got == [
        (1, "Line one line two"),
        (1, "The 4th meeting"),
        (2, "Second page"),
        (2, "Still second page, third page"),
        (4, "Page break before"),
    ]
    assert doc.page_count == 4
    assert doc.blocks[2].id == "p2-b1"


def test_rendered_break_after_a_hard_break_counts_once(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Cover").add_run().add_break(WD_BREAK.PAGE)
    body = document.add_paragraph()
    body.add_run()._r.append(parse_xml(f"<w:lastRenderedPageBreak {nsdecls('w')}/>"))
    body.add_run("Body")
    doc = parse_file(_save(document, tmp_path))
    assert [(b.page, b.text) for b in doc.blocks] == [(1, "Cover"), (2, "Body")]


def test_bold_and_font_size_ratio(tmp_path: Path) -> None:
    document = docx.Document()
    head = document.add_paragraph()
    run = head.add_run("Key actions")
    run.bold = True
    run.font.size = Pt(16)
    for text in ("Body one.", "Body two.", "Body three."):
        document.add_paragraph().add_run(text).font.size = Pt(11)
    doc = parse_file(_save(document, tmp_path))
    assert doc.blocks[0].bold and not doc.blocks[1].bold
    assert doc.blocks[0].font_size_ratio == pytest.approx(16 / 11, abs=0.01)
    assert doc.blocks[1].font_size_ratio == 1.0


def test_a_short_bold_line_is_a_sub_heading_but_a_bold_label_or_sentence_is_not(
    tmp_path: Path,
) -> None:
    """As the PDF reader does: a short bold paragraph with no sentence end heads what follows
    (below every styled heading); a bold 'Label:' stays the label line the candidates read,
    and a bold sentence stays a paragraph."""
    document = docx.Document()
    document.add_heading("What comes next", level=1)
    document.add_paragraph().add_run("Immediate next steps").bold = True
    document.add_paragraph("Convene the steering committee by June.")
    document.add_paragraph().add_run("Later in 2025:").bold = True
    document.add_paragraph().add_run("The plan was adopted in May.").bold = True
    blocks = parse_file(_save(document, tmp_path)).blocks
    assert [(b.kind, b.heading_level) for b in blocks] == [
        (BlockKind.heading, 1),
        (BlockKind.heading, 6),
        (BlockKind.paragraph, None),
        (BlockKind.paragraph, None),
        (BlockKind.paragraph, None),
    ]


def test_a_table_of_one_cell_is_a_frame_read_as_body_text(tmp_path: Path) -> None:
    """A brief's shaded side box is a one-cell table: its label and bullets are a heading and
    list items, as in the PDF of the brief, not the paragraphs of one data cell. A table of
    two cells stays a table."""
    document = docx.Document()
    document.add_heading("Overview", level=1)
    frame = document.add_table(rows=1, cols=1).cell(0, 0)
    frame.paragraphs[0].add_run("Key priorities").bold = True
    frame.add_paragraph("Birth registration", style="List Bullet")
    frame.add_paragraph("Palm oil due diligence", style="List Bullet")
    data = document.add_table(rows=1, cols=2)
    data.cell(0, 0).text, data.cell(0, 1).text = "Action", "Lead"
    blocks = parse_file(_save(document, tmp_path)).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        (BlockKind.heading, "Overview"),
        (BlockKind.heading, "Key priorities"),
        (BlockKind.list_item, "Birth registration"),
        (BlockKind.list_item, "Palm oil due diligence"),
        (BlockKind.table_cell, "Action"),
        (BlockKind.table_cell, "Lead"),
    ]


def test_a_form_of_labels_and_values_has_no_header_row_but_a_data_table_does(
    tmp_path: Path,
) -> None:
    """'País | México' opening a form is a field like the rows under it: no cell of a form
    takes a header, so Word, PDF and Markdown read it alike. 'Action | Lead' is a header."""
    document = docx.Document()
    form = document.add_table(rows=3, cols=2)
    rows = [
        ("País", "México"),
        ("Compromiso", "Extender la debida diligencia a los proveedores de segundo nivel"),
        ("Actividades previstas", "Elaborar una guía para proveedores agrícolas y textiles"),
    ]
    for r, (label, value) in enumerate(rows):
        form.cell(r, 0).text, form.cell(r, 1).text = label, value
    data = document.add_table(rows=3, cols=2)
    for r, (action, lead) in enumerate(
        [("Action", "Lead"), ("Train 80 labour inspectors", "Ministry"), ("Map kilns", "ILO")]
    ):
        data.cell(r, 0).text, data.cell(r, 1).text = action, lead
    cells = [b for b in parse_file(_save(document, tmp_path)).blocks if b.table]
    form_cells, data_cells = cells[:6], cells[6:]
    assert all(not b.table.is_header and b.table.header is None for b in form_cells)
    assert [b.text for b in data_cells if b.table.is_header] == ["Action", "Lead"]
    assert {b.table.header for b in data_cells if not b.table.is_header} == {"Action", "Lead"}


def test_headers_footers_and_footnote_references_are_not_text(tmp_path: Path) -> None:
    document = docx.Document()
    section = document.sections[0]
    section.footer.paragraphs[0].text = "Footer 7"
    section.header.paragraphs[0].text = "Header text"
    p = document.add_paragraph("Action plan adopted.")
    ref_style = document.styles.add_style("Footnote Reference", 2)  # a character style
    ref_style.font.superscript = True
    p.add_run("3", style="Footnote Reference")
    doc = parse_file(_save(document, tmp_path))
    assert [b.text for b in doc.blocks] == ["Action plan adopted."]


def test_text_boxes_are_read_once(tmp_path: Path) -> None:
    document = docx.Document()
    host = document.add_paragraph("Host paragraph.")
    box = (
        f"<mc:AlternateContent {nsdecls('w')} "
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        '<mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r>'
        "<w:t>Boxed text</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>Boxed text</w:t>"
        "</w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent>"
    )
    host.add_run()._r.append(parse_xml(box))
    doc = parse_file(_save(document, tmp_path))
    assert [b.text for b in doc.blocks] == ["Host paragraph.", "Boxed text"]


def test_core_properties(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Text.")
    document.core_properties.title = "Strategy workshop"
    document.core_properties.author = "ILO"
    doc = parse_file(_save(document, tmp_path))
    assert doc.title == "Strategy workshop"
    assert doc.metadata.author == "ILO"
    assert doc.metadata.created and doc.metadata.created[:4].isdigit()


def test_page_limit(tmp_path: Path) -> None:
    document = docx.Document()
    for n in range(4):
        document.add_paragraph(f"Page {n}").add_run().add_break(WD_BREAK.PAGE)
    with pytest.raises(ResourceLimitError, match="max_pages"):
        parse_file(_save(document, tmp_path), {"max_pages": 2})


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    document = docx.Document()
    document.add_paragraph("PLACEHOLDER")
    path = _save(document, tmp_path)
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    xml = parts["word/document.xml"]
    parts["word/document.xml"] = xml.replace(b"?>", b"?>" + doctype, 1).replace(
        b"PLACEHOLDER", b"Text &xxe;"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    # Office never writes a DTD (OPC rule M1.18): the package is refused before any parsing.
    with pytest.raises(CorruptFileError, match="DTD") as info:
        parse_file(path)
    assert "TOP-SECRET" not in info.value.message


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (4, "decimal", "4"),
        (14, "upperRoman", "XIV"),
        (9, "lowerRoman", "ix"),
        (2, "lowerLetter", "b"),
        (28, "upperLetter", "BB"),
        (3, "decimalZero", "03"),
        (22, "ordinal", "22nd"),
    ],
)
def test_number_formats(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


def test_symbol_font_bullets_become_unicode() -> None:
    assert bullet_glyph("\uf0b7", "Symbol") == "•"
    assert bullet_glyph("\uf0a7", "Wingdings") == "▪"
    assert bullet_glyph("o", "Courier New") == "o"
    assert bullet_glyph("–") == "–"


# --- broken packages -------------------------------------------------------------------

_CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)


def test_package_without_document_part_names_it(tmp_path: Path) -> None:
    path = tmp_path / "hollow.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/styles.xml", b"<w:styles/>")
    with pytest.raises(CorruptFileError, match=r"word/document\.xml"):
        parse_file(path)


def test_package_without_relationships_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "norels.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("word/document.xml", b"<w:document/>")
    with pytest.raises(CorruptFileError, match=r"_rels/\.rels"):
        parse_file(path)


def test_missing_styles_part_is_named(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Text.")
    path = _save(document, tmp_path)
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist() if i.filename != "word/styles.xml"}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(CorruptFileError, match=r"word/styles\.xml"):
        parse_file(path)


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Cut short " * 500)
    path = _save(document, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError):
        parse_file(path)


def test_malformed_document_xml_is_corrupt(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Fine")
    path = _save(document, tmp_path)
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"][:-40]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(PipelineError):
        parse_file(path)


def test_a_numbered_question_heads_its_answers(tmp_path: Path) -> None:
    """A Word questionnaire numbers its questions as a list; a question followed by what
    does not ask is a sub-heading over its answer, as in the plain-text rendition. Two
    questions in a row (an FAQ's list of questions) stay list items but the last."""
    document = docx.Document()
    document.add_paragraph("Part B. Priorities and planned action", style="Heading 1")
    document.add_paragraph(
        "What are the priority areas of your Government? Please list them.", style="List Number"
    )
    document.add_paragraph("Reduce child labour in agriculture", style="List Bullet")
    document.add_paragraph("Is there a national plan?", style="List Number")
    document.add_paragraph("Who chairs the committee?", style="List Number")
    document.add_paragraph("The Minister of Labour chairs it.")
    doc = parse_file(_save(document, tmp_path))
    kinds = {b.text: b.kind for b in doc.blocks}
    assert kinds["What are the priority areas of your Government? Please list them."] == (
        BlockKind.heading
    )
    assert kinds["Reduce child labour in agriculture"] == BlockKind.list_item
    assert kinds["Is there a national plan?"] == BlockKind.list_item
    assert kinds["Who chairs the committee?"] == BlockKind.heading


def test_a_one_row_table_of_titled_columns_heads_each_column_with_its_title(
    tmp_path: Path,
) -> None:
    """A Word table laid out as boxes side by side: each cell opens with a bold title over
    its actions. The titles are the columns' headers; a column whose first paragraph is
    plain, or a table of two rows, keeps its cells as they are."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    for cell, (title, actions) in zip(
        table.rows[0].cells,
        [
            ("Evidence", ["Build a shared research repository", "Map risks in camps"]),
            ("Protection", ["Integrate anti-trafficking measures into response plans"]),
        ],
        strict=True,
    ):
        cell.paragraphs[0].add_run(title).bold = True
        for action in actions:
            cell.add_paragraph(action)
    plain = document.add_table(rows=1, cols=2)
    for cell in plain.rows[0].cells:
        cell.paragraphs[0].add_run("Label")
        cell.add_paragraph("Detail of the label")
    refs = [(b.text, b.table) for b in parse_file(_save(document, tmp_path)).blocks if b.table]
    got = [(t, r.row, r.col, r.header, r.is_header) for t, r in refs if r is not None]
    assert got[:5] == [
        ("Evidence", 0, 0, None, True),
        ("Build a shared research repository", 1, 0, "Evidence", False),
        ("Map risks in camps", 1, 0, "Evidence", False),
        ("Protection", 0, 1, None, True),
        ("Integrate anti-trafficking measures into response plans", 1, 1, "Protection", False),
    ]
    assert all(row == 0 and not is_header for _, row, _, _, is_header in got[5:])


def test_a_question_and_answer_header_is_a_header_not_a_forms_first_field() -> None:
    """A self-assessment's tables open with 'Pregunta | Respuesta' over short questions and
    long answers: that is the shape of a form, but its first row names the columns, so it
    stays a header (before, one such table lost it and 'Respuesta' was read as an answer)."""
    path = (
        Path(__file__).resolve().parents[1]
        / "corpus/docs/qm3_col_autoevaluacion_pais_pionero_2025.docx"
    )
    cells = [b for b in parse_file(path).blocks if b.table]
    firsts = [b for b in cells if b.text in ("Pregunta", "Respuesta")]
    assert len(firsts) == 8 and all(b.table.is_header for b in firsts)
    answers = [b for b in cells if b.table.col == 1 and not b.table.is_header]
    assert answers and all(b.table.header == "Respuesta" for b in answers)


def test_a_first_row_naming_each_rows_subject_is_a_header_not_a_forms_field(
    tmp_path: Path,
) -> None:
    """'Axe | Actions prioritaires' over short theme names and long lists of actions has the
    shape of a form, but its first row names the columns: the actions keep their header."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    rows = [
        ("Axe", ["Actions prioritaires"]),
        (
            "Travail des enfants",
            [
                "Réviser le décret sur les travaux dangereux",
                "Étendre les transferts monétaires aux ménages vulnérables",
            ],
        ),
        ("Travail forcé", ["Adopter le nouveau plan national de lutte contre la traite 2025-2029"]),
    ]
    for row, (label, values) in zip(table.rows, rows, strict=True):
        row.cells[0].paragraphs[0].add_run(label)
        row.cells[1].paragraphs[0].add_run(values[0])
        for value in values[1:]:
            row.cells[1].add_paragraph(value)
    cells = {b.text: b.table for b in parse_file(_save(document, tmp_path)).blocks if b.table}
    assert cells["Axe"].is_header and cells["Actions prioritaires"].is_header
    assert cells["Réviser le décret sur les travaux dangereux"].header == "Actions prioritaires"
    assert cells["Travail forcé"].header == "Axe"


def test_section_numbers_typed_in_larger_bold_lines_head_their_sections(tmp_path: Path) -> None:
    """A report formatted by hand types '3.' and '3.1 Togo' in bold, a size above the body:
    those lines head the prose below them (a delegation's section), while a bold numbered
    list of body size, or one followed by more items, stays a list."""
    document = docx.Document()

    def line(text: str, bold: bool = False, size: float = 11) -> None:
        run = document.add_paragraph().add_run(text)
        run.bold, run.font.size = bold, Pt(size)

    line("3. Interventions of the delegations", bold=True, size=13)
    line("3.1 Togo", bold=True, size=12)
    line("The delegation recalled the plan adopted in 2023 and named two priorities.")
    line("1. Child labour in quarries", bold=True)
    line("The ministry will hold a validation workshop.")
    line("1. Map the quarries", bold=True, size=12)
    line("2. Train the inspectors", bold=True, size=12)
    line("The meeting closed at noon.")
    blocks = parse_file(_save(document, tmp_path)).blocks
    assert [(b.kind.value, b.marker, b.text) for b in blocks if b.marker] == [
        ("heading", "3.", "Interventions of the delegations"),
        ("heading", "3.1", "Togo"),
        ("list_item", "1.", "Child labour in quarries"),
        ("list_item", "1.", "Map the quarries"),
        ("list_item", "2.", "Train the inspectors"),
    ]
