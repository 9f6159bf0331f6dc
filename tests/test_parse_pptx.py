"""PowerPoint parsing: the seed deck, small generated decks, the wild files, hostile zips."""

from __future__ import annotations

import io
import multiprocessing
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from conftest import SHARED
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from pipeline.errors import (
    CorruptFileError,
    PipelineError,
    ResourceLimitError,
    UnsupportedFormatError,
)
from pipeline.models import BlockKind, Document
from pipeline.parse import parse_file
from pipeline.process import process_file

DECK = SHARED / "seeds" / "deck.pptx"
WILD = SHARED / "wild" / "pptx"
WILD_TIMEOUT_S = 60

needs_deck = pytest.mark.skipif(not DECK.exists(), reason="shared seed deck.pptx not available")


def _texts(doc: Document, page: int) -> list[str]:
    return [b.text for b in doc.blocks if b.page == page]


def _page(doc: Document, page: int) -> list:
    return [b for b in doc.blocks if b.page == page]


# --- the seed deck ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def deck() -> Document:
    if not DECK.exists():
        pytest.skip("shared seed deck.pptx not available")
    return parse_file(DECK)


def _slide_titled(doc: Document, pattern: str) -> int:
    return next(
        b.page for b in doc.blocks if b.kind == BlockKind.title and re.search(pattern, b.text)
    )


@needs_deck
def test_deck_has_24_slides_each_with_one_title(deck: Document) -> None:
    assert deck.format == "pptx"
    assert deck.page_count == 24
    for page in range(1, 25):
        titles = [b for b in _page(deck, page) if b.kind == BlockKind.title]
        assert len(titles) == 1, f"slide {page}: {[t.text for t in titles]}"
        assert _page(deck, page)[0].kind == BlockKind.title


@needs_deck
def test_deck_metadata_and_title(deck: Document) -> None:
    assert deck.title == "Global Progress and Good Practices of Alliance 8.7"
    assert deck.metadata.author == "Alliance 8.7 Secretariat"
    assert deck.metadata.created and deck.metadata.created.startswith("20")


@needs_deck
def test_deck_madagascar_bullet_levels(deck: Document) -> None:
    title = next(b for b in _page(deck, 6) if b.kind == BlockKind.title)
    assert "MADAGASCAR" in title.text
    blocks = _page(deck, 6)
    texts = [b.text for b in blocks]
    lead = blocks[texts.index("Child labour:")]
    item = blocks[texts.index("Strengthening the capacity and resources of labour inspectors")]
    assert (lead.level, lead.kind) == (0, BlockKind.list_item)
    assert (item.level, item.kind) == (1, BlockKind.list_item)
    assert texts.index("Child labour:") < texts.index(item.text)
    assert item.marker  # the master's level-2 bullet glyph


@needs_deck
def test_deck_nepal_auto_numbers(deck: Document) -> None:
    numbered = [b for b in _page(deck, 7) if b.kind == BlockKind.list_item and b.marker]
    numbered = [b for b in numbered if b.marker[0].isdigit()]
    assert [b.marker for b in numbered] == ["1.", "2.", "3."]
    assert numbered[0].text.startswith("Formation of a high level SDG Alliance 8.7")
    assert numbered[2].text.endswith("forced and bonded labour.")


@needs_deck
def test_deck_uganda_table(deck: Document) -> None:
    page = _slide_titled(deck, r"^UGANDA$")
    cells = [b for b in _page(deck, page) if b.kind == BlockKind.table_cell]
    assert {b.table.table_id for b in cells} == {f"s{page}-t1"}
    headers = [b for b in cells if b.table.is_header]
    assert [b.text for b in headers] == ["Child Labour", "Forced Labour"]
    body = [b for b in cells if not b.table.is_header]
    assert {b.table.header for b in body} == {"Child Labour", "Forced Labour"}
    protection = [b for b in body if b.text == "Strengthen social protection."]
    assert len(protection) == 1
    assert protection[0].table.header == "Child Labour"
    assert protection[0].table.row == 1
    # row by row, left to right: all of column 0 before column 1
    cols = [b.table.col for b in body]
    assert cols == sorted(cols)
    next_steps = [b for b in _page(deck, page) if b.text.startswith("Next Steps:")]
    assert len(next_steps) == 1 and next_steps[0].kind == BlockKind.paragraph


@needs_deck
def test_deck_has_no_slide_numbers(deck: Document) -> None:
    for block in deck.blocks:
        assert block.text != str(block.page), block
        assert not re.search(rf"(?<![\d.,/-])\s?{block.page}$", block.text), block


@needs_deck
def test_deck_fiji_two_columns_not_interleaved(deck: Document) -> None:
    page = _slide_titled(deck, "Fiji")
    blocks = [b for b in _page(deck, page) if b.kind != BlockKind.title]
    texts = [b.text for b in blocks]
    done, soon = texts.index("Already done:"), texts.index("Coming soon:")
    assert done < soon
    assert blocks[done].kind == blocks[soon].kind == BlockKind.heading
    already = blocks[done + 1 : soon]
    coming = blocks[soon + 1 :]
    assert [b.marker for b in already] == ["1.", "2.", "3.", "4."]
    assert [b.marker for b in coming] == [f"{n}." for n in range(4, 11)]
    assert coming[0].text == "Identify priority actions"
    assert all(b.kind == BlockKind.list_item for b in already + coming)
    assert all(b.bbox.x0 > blocks[done].bbox.x1 for b in coming)


@needs_deck
def test_deck_blocks_have_bboxes_on_the_slide(deck: Document) -> None:
    for block in deck.blocks:
        if block.kind == BlockKind.notes:
            continue
        assert block.bbox is not None
        assert 0 <= block.bbox.x0 < block.bbox.x1 <= 13.34 * 72 + 1
        assert 0 <= block.bbox.top <= block.bbox.bottom <= 7.5 * 72 + 1


# --- generated decks -------------------------------------------------------------------


def _save(prs, tmp_path: Path, name: str = "deck.pptx") -> Path:
    path = tmp_path / name
    prs.save(path)
    return path


def _textbox(shapes, left: float, top: float, width: float, height: float, *paras: str):
    box = shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    tf = box.text_frame
    for i, text in enumerate(paras):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = text
    return box


def test_title_and_content_bullets_levels_and_numbers(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Priorities"
    tf = slide.placeholders[1].text_frame
    tf.text = "Protect children"
    p = tf.add_paragraph()
    p.text = "Inspections\vin rural areas"  # a line break inside the paragraph
    p.level = 1
    for text in ["Survey", "Database"]:
        p = tf.add_paragraph()
        p.text = text
        bu = etree.SubElement(p._p.get_or_add_pPr(), qn("a:buAutoNum"))
        bu.set("type", "romanLcParenR")
        bu.set("startAt", "3")  # PowerPoint writes the list's start on every item
    p = tf.add_paragraph()
    p.text = "No bullet here"
    etree.SubElement(p._p.get_or_add_pPr(), qn("a:buNone"))
    doc = parse_file(_save(prs, tmp_path))
    kinds = [(b.kind, b.level, b.marker, b.text) for b in doc.blocks]
    assert kinds[0] == (BlockKind.title, 0, None, "Priorities")
    assert kinds[1] == (BlockKind.list_item, 0, "•", "Protect children")
    assert kinds[2] == (BlockKind.list_item, 1, "–", "Inspections in rural areas")
    assert kinds[3] == (BlockKind.list_item, 0, "iii)", "Survey")
    assert kinds[4] == (BlockKind.list_item, 0, "iv)", "Database")
    assert kinds[5] == (BlockKind.paragraph, 0, None, "No bullet here")
    assert doc.title == "Priorities"


def test_typed_bullets_are_split_and_headings_found(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    slide.shapes.title.text = "Next steps"
    box = _textbox(slide.shapes, 1, 2, 8, 3, "Short term:", "• Adopt the plan", "2. Train staff")
    box.text_frame.paragraphs[0].runs[0].font.bold = True
    for p in box.text_frame.paragraphs:
        p.runs[0].font.size = Pt(18)
    doc = parse_file(_save(prs, tmp_path))
    body = [(b.kind, b.marker, b.text) for b in doc.blocks[1:]]
    assert body == [
        (BlockKind.heading, None, "Short term:"),
        (BlockKind.list_item, "•", "Adopt the plan"),
        (BlockKind.list_item, "2.", "Train staff"),
    ]
    assert doc.blocks[1].bold and not doc.blocks[2].bold
    assert doc.blocks[2].font_size_ratio == 1.0


def test_nested_groups_are_read_with_their_transforms(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    outer = slide.shapes.add_group_shape()
    _textbox(outer.shapes, 1, 1, 3, 1, "Outer first")
    inner = outer.shapes.add_group_shape()
    _textbox(inner.shapes, 1, 3, 3, 1, "Inner second")
    _textbox(inner.shapes, 1, 5, 3, 1, "Inner third")
    # Move the outer group 4 inches right: children keep their child coordinates.
    xfrm = outer._element.grpSpPr.find(qn("a:xfrm"))
    off = xfrm.find(qn("a:off"))
    off.set("x", str(int(off.get("x")) + Inches(4)))
    doc = parse_file(_save(prs, tmp_path))
    texts = [b.text for b in doc.blocks]
    assert texts == ["Outer first", "Inner second", "Inner third"]
    assert doc.blocks[0].kind == BlockKind.title  # no title placeholder: top-most text
    for block in doc.blocks:
        assert block.bbox.x0 == pytest.approx(5 * 72, abs=1)
    assert doc.blocks[1].bbox.top == pytest.approx(3 * 72, abs=1)


def test_table_header_row_multi_paragraph_cells_and_merges(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Themes"
    table = slide.shapes.add_table(3, 3, Inches(1), Inches(2), Inches(8), Inches(3)).table
    for col, head in enumerate(["Child labour", "Forced labour", "Migration"]):
        table.cell(0, col).text = head
    cell = table.cell(1, 0)
    cell.text = "Strengthen inspection."
    cell.text_frame.add_paragraph().text = "Conduct a survey."
    table.cell(1, 1).merge(table.cell(2, 2))
    table.cell(1, 1).text = "One merged cell"
    table.cell(2, 0).text = "Last row"
    doc = parse_file(_save(prs, tmp_path))
    cells = [b for b in doc.blocks if b.kind == BlockKind.table_cell]
    got = [(b.table.row, b.table.col, b.table.header, b.table.is_header, b.text) for b in cells]
    assert got == [
        (0, 0, None, True, "Child labour"),
        (0, 1, None, True, "Forced labour"),
        (0, 2, None, True, "Migration"),
        (1, 0, "Child labour", False, "Strengthen inspection."),
        (1, 0, "Child labour", False, "Conduct a survey."),
        (1, 1, "Forced labour", False, "One merged cell"),
        (2, 0, "Child labour", False, "Last row"),
    ]
    assert {b.table.table_id for b in cells} == {"s1-t1"}
    assert cells[3].bbox.top > cells[0].bbox.bottom - 1


def test_table_cell_with_several_actions_and_bullets(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Plan"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(8), Inches(3)).table
    table.cell(0, 0).text = "Actions"
    table.cell(0, 1).text = "Lead"
    frame = table.cell(1, 0).text_frame
    frame.text = "Adopt the decree."
    for text, level in [("Train labour inspectors.", 0), ("In every region.", 1)]:
        para = frame.add_paragraph()
        para.text, para.level = text, level
        ppr = para._p.get_or_add_pPr()
        ppr.append(ppr.makeelement(qn("a:buChar"), {"char": "•"}))
    table.cell(1, 1).text = "Ministry of Labour"
    doc = parse_file(_save(prs, tmp_path))
    cells = [b for b in doc.blocks if b.kind == BlockKind.table_cell]
    got = [(b.table.row, b.table.col, b.table.header, b.marker, b.level, b.text) for b in cells]
    assert got == [
        (0, 0, None, None, 0, "Actions"),
        (0, 1, None, None, 0, "Lead"),
        (1, 0, "Actions", None, 0, "Adopt the decree."),
        (1, 0, "Actions", "•", 0, "Train labour inspectors."),
        (1, 0, "Actions", "•", 1, "In every region."),
        (1, 1, "Lead", None, 0, "Ministry of Labour"),
    ]


DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
DSP = "http://schemas.microsoft.com/office/drawing/2008/diagram"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_DRAWING = "http://schemas.microsoft.com/office/2007/relationships/diagramDrawing"


def _dgm_text(text: str) -> str:
    para = f"<a:p><a:r><a:rPr lang='en-US'/><a:t>{text}</a:t></a:r></a:p>" if text else "<a:p/>"
    return f"<dgm:t><a:bodyPr/><a:lstStyle/>{para}</dgm:t>"


def _diagram_data(tree: list[tuple[str, list[str]]], drawing_rid: str) -> bytes:
    """A SmartArt data model as PowerPoint writes it: a doc point, node points, the
    parent/sibling transition points, presentation points, and parOf/presOf connections.
    Connections are listed out of order; `srcOrd` gives the order of the siblings."""
    points = [
        "<dgm:pt modelId='{D}' type='doc'><dgm:prSet/><dgm:spPr/>" + _dgm_text("") + "</dgm:pt>"
    ]
    cxns = []
    n = 0

    def add(parent: str, order: int, text: str) -> str:
        nonlocal n
        n += 1
        node, par, sib = f"{{N{n}}}", f"{{P{n}}}", f"{{S{n}}}"
        points.append(
            f"<dgm:pt modelId='{node}'><dgm:prSet phldrT='[Text]'/><dgm:spPr/>"
            f"{_dgm_text(text)}</dgm:pt>"
        )
        for kind, pid in (("parTrans", par), ("sibTrans", sib)):
            points.append(
                f"<dgm:pt modelId='{pid}' type='{kind}' cxnId='{{C{n}}}'><dgm:prSet/>"
                f"<dgm:spPr/>{_dgm_text('')}</dgm:pt>"
            )
        points.append(
            f"<dgm:pt modelId='{{V{n}}}' type='pres'><dgm:prSet presName='text' "
            f"presStyleLbl='node1' presStyleIdx='0' presStyleCnt='1'/><dgm:spPr/></dgm:pt>"
        )
        cxns.insert(
            0,
            f"<dgm:cxn modelId='{{C{n}}}' srcId='{parent}' destId='{node}' srcOrd='{order}' "
            f"destOrd='0' parTransId='{par}' sibTransId='{sib}'/>",
        )
        cxns.append(
            f"<dgm:cxn modelId='{{Q{n}}}' type='presOf' srcId='{node}' destId='{{V{n}}}' "
            "srcOrd='0' destOrd='0'/>"
        )
        return node

    for i, (label, children) in enumerate(tree):
        node = add("{D}", i, label)
        for j, child in enumerate(children):
            add(node, j, child)
    return (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"
        f"<dgm:dataModel xmlns:dgm='{DGM}' xmlns:a='{A}'>"
        f"<dgm:ptLst>{''.join(points)}</dgm:ptLst><dgm:cxnLst>{''.join(cxns)}</dgm:cxnLst>"
        "<dgm:bg/><dgm:whole/><dgm:extLst><a:ext uri='http://schemas.microsoft.com/office/"
        f"drawing/2008/diagram'><dsp:dataModelExt xmlns:dsp='{DSP}' relId='{drawing_rid}' "
        f"minVer='{DGM}'/></a:ext></dgm:extLst></dgm:dataModel>"
    ).encode()


def _diagram_drawing(texts: list[str]) -> bytes:
    shapes = "".join(
        f"<dsp:sp modelId='{{X{i}}}'><dsp:nvSpPr><dsp:cNvPr id='0' name=''/><dsp:cNvSpPr/>"
        f"</dsp:nvSpPr><dsp:spPr><a:xfrm><a:off x='{i * 900000}' y='0'/><a:ext cx='800000' "
        "cy='800000'/></a:xfrm><a:prstGeom prst='rect'><a:avLst/></a:prstGeom></dsp:spPr>"
        f"<dsp:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>{text}</a:t></a:r></a:p>"
        "</dsp:txBody></dsp:sp>"
        for i, text in enumerate(texts)
    )
    return (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?><dsp:drawing xmlns:dsp='{DSP}' "
        f"xmlns:dgm='{DGM}' xmlns:a='{A}'><dsp:spTree><dsp:nvGrpSpPr><dsp:cNvPr id='0' name=''/>"
        f"<dsp:cNvGrpSpPr/></dsp:nvGrpSpPr><dsp:grpSpPr/>{shapes}</dsp:spTree></dsp:drawing>"
    ).encode()


def _add_smartart(slide, tree: list[tuple[str, list[str]]], *, with_data: bool = True) -> None:
    """Add a SmartArt graphic frame and its parts (data, layout, style, colors, drawing) to
    `slide`, related the way PowerPoint relates them."""
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    part, package = slide.part, slide.part.package
    texts = [t for label, children in tree for t in (label, *children)]
    drawing = Part(
        PackURI("/ppt/diagrams/drawing1.xml"),
        CT.DML_DIAGRAM_DRAWING,
        package,
        _diagram_drawing(texts),
    )
    drawing_rid = part.relate_to(drawing, RT_DRAWING)
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"
    minimal = {
        "layout": (
            CT.DML_DIAGRAM_LAYOUT,
            RT.DIAGRAM_LAYOUT,
            f"<dgm:layoutDef xmlns:dgm='{DGM}' xmlns:a='{A}' uniqueId='urn:microsoft.com/"
            "office/officeart/2005/8/layout/hierarchy3'><dgm:title val=''/><dgm:desc val=''/>"
            "<dgm:catLst/><dgm:layoutNode name='diagram'/></dgm:layoutDef>",
        ),
        "quickStyle": (
            CT.DML_DIAGRAM_STYLE,
            RT.DIAGRAM_QUICK_STYLE,
            f"<dgm:styleDef xmlns:dgm='{DGM}' xmlns:a='{A}' uniqueId='urn:microsoft.com/office/"
            "officeart/2005/8/quickstyle/simple1'><dgm:title val=''/><dgm:desc val=''/>"
            "<dgm:catLst/><dgm:scene3d><a:camera prst='orthographicFront'/>"
            "<a:lightRig rig='threePt' dir='t'/></dgm:scene3d><dgm:styleLbl name='node0'/>"
            "</dgm:styleDef>",
        ),
        "colors": (
            CT.DML_DIAGRAM_COLORS,
            RT.DIAGRAM_COLORS,
            f"<dgm:colorsDef xmlns:dgm='{DGM}' xmlns:a='{A}' uniqueId='urn:microsoft.com/office/"
            "officeart/2005/8/colors/accent1_2'><dgm:title val=''/><dgm:desc val=''/>"
            "<dgm:catLst/></dgm:colorsDef>",
        ),
    }
    rids = {}
    for name, (ct, rt, xml) in minimal.items():
        extra = Part(PackURI(f"/ppt/diagrams/{name}1.xml"), ct, package, (head + xml).encode())
        rids[name] = part.relate_to(extra, rt)
    data_blob = _diagram_data(tree, drawing_rid) if with_data else _diagram_data([], drawing_rid)
    data = Part(PackURI("/ppt/diagrams/data1.xml"), CT.DML_DIAGRAM_DATA, package, data_blob)
    rids["data"] = part.relate_to(data, RT.DIAGRAM_DATA)
    frame = etree.fromstring(
        f"<p:graphicFrame xmlns:p='http://schemas.openxmlformats.org/presentationml/2006/main' "
        f"xmlns:a='{A}' xmlns:r='{R}'><p:nvGraphicFramePr><p:cNvPr id='40' name='Diagram 1'/>"
        "<p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm>"
        f"<a:off x='{Inches(1)}' y='{Inches(2)}'/><a:ext cx='{Inches(8)}' cy='{Inches(4)}'/>"
        f"</p:xfrm><a:graphic><a:graphicData uri='{DGM}'><dgm:relIds xmlns:dgm='{DGM}' "
        f"r:dm='{rids['data']}' r:lo='{rids['layout']}' r:qs='{rids['quickStyle']}' "
        f"r:cs='{rids['colors']}'/></a:graphicData></a:graphic></p:graphicFrame>"
    )
    slide.shapes._spTree.append(frame)


PILLARS = [
    ("Pillar A — Protection", ["Train labour inspectors", "Open shelters"]),
    ("Pillar B — Prevention", ["Run awareness campaigns"]),
    ("Monitor progress", []),
]


def test_smartart_text_is_read_from_the_diagram_data(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Plan of action"
    _add_smartart(slide, PILLARS)
    _textbox(slide.shapes, 1, 6.6, 8, 0.5, "Next steps: agree the plan.")
    path = _save(prs, tmp_path)
    assert len(Presentation(path).slides) == 1  # python-pptx still opens it
    doc = parse_file(path)
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        (BlockKind.title, 0, "Plan of action"),
        (BlockKind.paragraph, 0, "Pillar A — Protection"),
        (BlockKind.list_item, 1, "Train labour inspectors"),
        (BlockKind.list_item, 1, "Open shelters"),
        (BlockKind.paragraph, 0, "Pillar B — Prevention"),
        (BlockKind.list_item, 1, "Run awareness campaigns"),
        (BlockKind.list_item, 0, "Monitor progress"),
        (BlockKind.paragraph, 0, "Next steps: agree the plan."),
    ]
    assert doc.blocks[1].bbox.top == pytest.approx(2 * 72, abs=1)


def test_smartart_without_data_text_falls_back_to_its_drawing(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Plan of action"
    _add_smartart(slide, PILLARS, with_data=False)
    doc = parse_file(_save(prs, tmp_path))
    assert [b.text for b in doc.blocks[1:]] == [
        "Pillar A — Protection",
        "Train labour inspectors",
        "Open shelters",
        "Pillar B — Prevention",
        "Run awareness campaigns",
        "Monitor progress",
    ]


def test_grouped_rectangles_are_read_top_to_bottom_left_to_right(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Pillars"
    group = slide.shapes.add_group_shape()
    # Added in an order that is not the reading order: a row of three, a wide box below.
    for left, top, width, text in [
        (1, 4.5, 8, "Monitor progress"),
        (7, 2, 2.5, "Fund the survey"),
        (1, 2, 2.5, "Adopt the decree"),
        (4, 2, 2.5, "Train inspectors"),
    ]:
        shape = group.shapes.add_shape(1, Inches(left), Inches(top), Inches(width), Inches(1))
        shape.text_frame.text = text
    doc = parse_file(_save(prs, tmp_path))
    assert [b.text for b in doc.blocks] == [
        "Pillars",
        "Adopt the decree",
        "Train inspectors",
        "Fund the survey",
        "Monitor progress",
    ]


def test_notes_come_after_the_slide_content(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Mauritania"
    slide.placeholders[1].text_frame.text = "Implement the national plan"
    notes = slide.notes_slide.notes_text_frame
    notes.text = "Say this first."
    notes.add_paragraph().text = "Then this."
    doc = parse_file(_save(prs, tmp_path))
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.title, "Mauritania"),
        (BlockKind.list_item, "Implement the national plan"),
        (BlockKind.notes, "Say this first."),
        (BlockKind.notes, "Then this."),
    ]
    assert doc.blocks[2].bbox is None


def test_two_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Two columns"
    # Each column: a header box and a body box just below it, at the same heights.
    _textbox(slide.shapes, 0.5, 1.7, 4, 0.5, "Left head")
    _textbox(slide.shapes, 0.5, 2.3, 4, 2.5, "Left one", "Left two", "Left three")
    _textbox(slide.shapes, 5.2, 1.7, 4, 0.5, "Right head")
    _textbox(slide.shapes, 5.2, 2.3, 4, 2.5, "Right one", "Right two")
    _textbox(slide.shapes, 0.5, 5.6, 9, 0.8, "Full-width footnote text")
    doc = parse_file(_save(prs, tmp_path))
    assert [b.text for b in doc.blocks] == [
        "Two columns",
        "Left head",
        "Left one",
        "Left two",
        "Left three",
        "Right head",
        "Right one",
        "Right two",
        "Full-width footnote text",
    ]


def test_slide_numbers_footers_and_dates_are_dropped(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Chile"
    slide.placeholders[1].text_frame.text = "Roadmap adopted"
    # a slide number drawn as a plain text box near the bottom right
    _textbox(slide.shapes, 8.8, 6.9, 0.8, 0.4, "7")
    # a number in the middle of the slide is content
    _textbox(slide.shapes, 4.5, 4.5, 0.8, 0.4, "87")
    layout_footer = next(
        ph
        for ph in prs.slide_masters[0].placeholders
        if ph.placeholder_format.type == PP_PLACEHOLDER.FOOTER
    )
    slide.shapes._spTree.append(_clone(layout_footer._element, "Confidential footer"))
    doc = parse_file(_save(prs, tmp_path))
    texts = [b.text for b in doc.blocks]
    assert "7" not in texts and "Confidential footer" not in texts
    assert "87" in texts and "Roadmap adopted" in texts


def _clone(element, text: str):
    """A copy of a placeholder shape element holding `text`."""
    clone = etree.fromstring(etree.tostring(element))
    for t in clone.iter(qn("a:t")):
        t.text = ""
    body = clone.find(qn("p:txBody"))
    p = body.find(qn("a:p"))
    r = etree.SubElement(p, qn("a:r"))
    etree.SubElement(r, qn("a:t")).text = text
    return clone


def test_title_falls_back_to_the_largest_text(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    small = _textbox(slide.shapes, 1, 0.3, 8, 0.4, "Small banner")
    small.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    big = _textbox(slide.shapes, 1, 1.5, 8, 1, "Big heading")
    big.text_frame.paragraphs[0].runs[0].font.size = Pt(40)
    body = _textbox(slide.shapes, 1, 3, 8, 2, "Body text")
    body.text_frame.paragraphs[0].runs[0].font.size = Pt(18)
    doc = parse_file(_save(prs, tmp_path))
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.title, "Big heading"),
        (BlockKind.paragraph, "Small banner"),
        (BlockKind.paragraph, "Body text"),
    ]
    assert doc.blocks[0].font_size_ratio > 1


def test_charts_pictures_and_empty_slides_are_fine(tmp_path: Path) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Data"
    data = CategoryChartData()
    data.categories = ["2016", "2020"]
    data.add_series("Children", (152, 160))
    slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(2), Inches(6), Inches(4), data
    )
    prs.slides.add_slide(prs.slide_layouts[6])
    doc = parse_file(_save(prs, tmp_path))
    assert doc.page_count == 2
    assert [b.text for b in doc.blocks] == ["Data"]


def test_core_properties_give_metadata(tmp_path: Path) -> None:
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "First slide"
    prs.core_properties.author = "Secretariat"
    prs.core_properties.title = "Deck title"
    doc = parse_file(_save(prs, tmp_path))
    assert doc.title == "Deck title"
    assert doc.metadata.author == "Secretariat"
    assert doc.metadata.modified and "T" in doc.metadata.modified


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[5]).shapes.title.text = "PLACEHOLDER"
    path = _save(prs, tmp_path)
    doctype = f'<!DOCTYPE p:sld [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    _rewrite_part(
        path,
        "ppt/slides/slide1.xml",
        lambda xml: xml.replace(b"?>", b"?>" + doctype.encode(), 1).replace(
            b"PLACEHOLDER", b"Title &xxe;"
        ),
    )
    # Office never writes a DTD (OPC rule M1.18): the package is refused before any parsing.
    with pytest.raises(CorruptFileError, match="DTD") as info:
        parse_file(path)
    assert "TOP-SECRET" not in info.value.message


def _rewrite_part(path: Path, name: str, change) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, data in parts.items():
            zf.writestr(part, data)


# --- errors and hostile input ------------------------------------------------------------

_CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/ppt/presentation.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
)


def test_non_zip_named_pptx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.pptx"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnsupportedFormatError):
        parse_file(path)


def test_zip_that_is_not_office_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.pptx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "just a zip")
    with pytest.raises(UnsupportedFormatError):
        parse_file(path)


_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/>'
    b"</Relationships>"
)


def test_package_without_presentation_part_names_it(tmp_path: Path) -> None:
    path = tmp_path / "hollow.pptx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
    with pytest.raises(CorruptFileError, match=r"ppt/presentation\.xml"):
        parse_file(path)


def test_truncated_package_is_corrupt(tmp_path: Path) -> None:
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Cut short"
    data = io.BytesIO()
    prs.save(data)
    path = tmp_path / "cut.pptx"
    path.write_bytes(data.getvalue()[: len(data.getvalue()) // 2])
    with pytest.raises(PipelineError):
        parse_file(path)


def _bomb(path: Path, megabytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("ppt/presentation.xml", b"<p:presentation/>")
        chunk = bytes(1 << 20)
        with zf.open("ppt/media/zeros.bin", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(chunk)
    return path


def test_zip_bomb_is_refused_without_inflating(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.pptx", 300)
    assert path.stat().st_size < 2_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ResourceLimitError, match="inflate"):
            parse_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000


def test_highly_compressed_part_is_refused_by_ratio(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "ratio.pptx", 20)  # under the size limit, far over the ratio
    with pytest.raises(ResourceLimitError, match="max_zip_ratio"):
        parse_file(path)


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.pptx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        for n in range(10_001):
            zf.writestr(f"ppt/x/{n}.xml", b"")
    with pytest.raises(ResourceLimitError, match="files"):
        parse_file(path)


def test_slide_limit(tmp_path: Path) -> None:
    prs = Presentation()
    for _ in range(3):
        prs.slides.add_slide(prs.slide_layouts[6])
    with pytest.raises(ResourceLimitError, match="slides"):
        parse_file(_save(prs, tmp_path), {"max_pages": 2})


# --- the wild files ----------------------------------------------------------------------


def _outcome(path: str) -> tuple[str, str]:
    """Parse in a worker: ('ok', summary) or ('error', class name); anything else escapes."""
    try:
        doc = parse_file(path)
    except PipelineError as exc:
        return "error", type(exc).__name__
    return "ok", f"{doc.page_count} slides, {len(doc.blocks)} blocks"


@pytest.mark.slow
@pytest.mark.skipif(not WILD.is_dir(), reason="shared wild/pptx files not available")
def test_every_wild_pptx_parses_or_fails_cleanly() -> None:
    files = sorted(WILD.glob("*.pptx"))
    assert files
    statuses = []
    with multiprocessing.get_context("spawn").Pool(processes=2) as pool:
        pending = [(f, pool.apply_async(_outcome, (str(f),))) for f in files]
        for path, result in pending:
            try:
                status, detail = result.get(timeout=WILD_TIMEOUT_S)
            except multiprocessing.TimeoutError:
                pytest.fail(f"{path.name}: no result within {WILD_TIMEOUT_S} s")
            assert status in ("ok", "error"), (path.name, detail)
            statuses.append(status)
    assert statuses.count("ok") > len(files) // 2


def test_numbers_typed_before_the_text_with_spaces_or_a_tab_are_list_numbers(
    tmp_path: Path,
) -> None:
    """'1   Approve the decree' (a number set apart by spaces or a tab, no '.') is a
    numbered item; '3 ministries joined' is a sentence."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Next steps"
    _textbox(
        slide.shapes,
        1,
        1,
        8,
        3,
        "1   Approve the decree creating the national commission",
        "2\tPresent the roadmap to the GCG",
        "3 ministries joined the committee in 2024.",
    )
    blocks = parse_file(_save(prs, tmp_path)).blocks
    assert [(b.kind, b.marker, b.text) for b in blocks] == [
        (BlockKind.title, None, "Next steps"),
        (BlockKind.list_item, "1.", "Approve the decree creating the national commission"),
        (BlockKind.list_item, "2.", "Present the roadmap to the GCG"),
        (BlockKind.paragraph, None, "3 ministries joined the committee in 2024."),
    ]


def test_box_titles_repeated_on_every_slide_head_their_lists_and_footers_go(
    tmp_path: Path,
) -> None:
    """Country slides with two plain text boxes each, 'Priorities' and 'Next steps' as the
    first line of each box: repeated on every slide, they are the boxes' titles, not running
    furniture like the footer standing alone in its box; each box's lines are its list."""
    prs = Presentation()
    countries = {
        "Nepal": (
            ["Rehabilitation of freed bonded labourers", "Safe foreign employment"],
            [
                "Launch the labour migration survey with the statistics office",
                "Adopt the new master plan on child labour",
            ],
        ),
        "Sri Lanka": (
            ["Protection of trafficking victims", "Minimum age of 16 for employment"],
            [
                "Update the list of hazardous occupations",
                "Train 300 police officers on victim-centred investigations",
            ],
        ),
        "Viet Nam": (
            ["Responsible business in garment supply chains", "Better data"],
            [
                "Pilot a forced labour survey in three provinces",
                "Share the survey design with the Secretariat",
            ],
        ),
    }
    for country, (priorities, steps) in countries.items():
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        _textbox(slide.shapes, 0.5, 0.3, 9, 0.8, country)
        _textbox(slide.shapes, 0.5, 1.5, 4.3, 4, "Priorities", *priorities)
        _textbox(slide.shapes, 5.2, 1.5, 4.3, 4, "Next steps", *steps)
        _textbox(slide.shapes, 0.5, 7.0, 9, 0.4, "Alliance 8.7 | Regional update")
    path = _save(prs, tmp_path)
    doc = parse_file(path)
    texts = [b.text for b in doc.blocks]
    assert texts.count("Priorities") == 3 and texts.count("Next steps") == 3
    assert "Alliance 8.7 | Regional update" not in texts
    items = process_file(path).items
    got = {(i.country, i.kind, i.text) for i in items}
    assert ("NPL", "priority", "Safe foreign employment") in got
    assert ("LKA", "next_step", "Update the list of hazardous occupations") in got
    assert ("VNM", "priority", "Responsible business in garment supply chains") in got
    assert not any(i.text in ("Priorities", "Next steps") for i in items)
