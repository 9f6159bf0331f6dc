"""PDF parsing: layout functions on hand-made page records, seed PDFs, and the wild PDFs."""

from __future__ import annotations

import multiprocessing as mp
import re
import zlib
from pathlib import Path

import pytest
from conftest import SHARED

from pipeline.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    ImageOnlyError,
    PipelineError,
    ResourceLimitError,
)
from pipeline.models import Block, BlockKind
from pipeline.parse import parse_file
from pipeline.parse.layout import (
    Char,
    PageRecord,
    Rule,
    chars_to_lines,
    layouts_to_blocks,
    page_to_layout,
)
from pipeline.parse.pdf import pdf_date_to_iso

DECK = SHARED / "seeds" / "deck.pdf"
REPORT = SHARED / "seeds" / "gcg3_report.pdf"
REPORT_MD = SHARED / "seeds" / "gcg3_report.md"
WILD = SHARED / "wild" / "pdf"

needs_deck = pytest.mark.skipif(not DECK.exists(), reason="shared seed deck.pdf not present")
needs_report = pytest.mark.skipif(
    not REPORT.exists(), reason="shared seed gcg3_report.pdf not present"
)


# --------------------------------------------------------------------------- helpers


def text_chars(
    text: str, x: float, top: float, size: float = 12.0, font: str = "Helvetica"
) -> list[Char]:
    """Characters of `text` set on one line; every glyph (and space) is half the size wide."""
    width = 0.5 * size
    chars = []
    for i, ch in enumerate(text):
        if ch != " ":
            x0 = x + i * width
            chars.append(Char(ch, x0, x0 + width, top, top + size, font, size))
    return chars


def page(
    number: int,
    lines: list[list[Char]],
    *,
    width: float = 595,
    height: float = 842,
    rects: list[Rule] | None = None,
) -> PageRecord:
    return PageRecord(
        number=number,
        width=width,
        height=height,
        chars=[c for line in lines for c in line],
        rects=rects or [],
    )


def blocks_of(*records: PageRecord) -> list[Block]:
    blocks, _ = layouts_to_blocks([page_to_layout(r) for r in records])
    return blocks


def texts(blocks: list[Block], kind: BlockKind | None = None) -> list[str]:
    return [b.text for b in blocks if kind is None or b.kind == kind]


# --------------------------------------------------------------------------- layout units


def test_lines_join_superscripts_and_split_wide_gaps() -> None:
    chars = text_chars("The 4", 50, 100, 11)
    chars += [
        Char("t", 77.5, 80.0, 100.3, 106.7, "Helvetica", 6.4),
        Char("h", 80.0, 83.5, 100.3, 106.7, "Helvetica", 6.4),
    ]
    chars += text_chars("meeting", 86.5, 100, 11)
    chars += text_chars("Far away", 400, 100, 11)
    lines = chars_to_lines(chars)
    assert [line.text for line in lines] == ["The 4th meeting", "Far away"]


def test_bullets_get_levels_from_indent_and_markers_are_stripped() -> None:
    record = page(
        1,
        [
            text_chars("Priorities for the year", 50, 80, 12),
            text_chars("• Child labour:", 50, 110, 12),
            text_chars("– Strengthen labour inspection", 80, 126, 12),
            text_chars("– Conduct a survey", 80, 142, 12),
            text_chars("• Trafficking:", 50, 158, 12),
        ],
    )
    items = [b for b in blocks_of(record) if b.kind == BlockKind.list_item]
    assert [(b.text, b.level, b.marker) for b in items] == [
        ("Child labour:", 0, "•"),
        ("Strengthen labour inspection", 1, "–"),
        ("Conduct a survey", 1, "–"),
        ("Trafficking:", 0, "•"),
    ]


def test_wrapped_bullet_lines_join_into_one_item() -> None:
    # The number's text starts at x = 50 + 3 * 6 = 68; wrapped lines start there too.
    record = page(
        1,
        [
            text_chars("1. Formation of a high level coordination committee to", 50, 100),
            text_chars("coordinate action and review progress;", 68, 114.4),
            text_chars("2. Secretariat established at the ministry;", 50, 133),
            text_chars("3. Each ministry to develop an integrated work", 50, 152),
            text_chars("plan on child labour.", 68, 166.4),
        ],
    )
    items = [b for b in blocks_of(record) if b.kind == BlockKind.list_item]
    assert [b.marker for b in items] == ["1.", "2.", "3."]
    assert items[0].text == (
        "Formation of a high level coordination committee to coordinate action and review progress;"
    )
    assert items[2].text == "Each ministry to develop an integrated work plan on child labour."
    assert all(b.level == 0 for b in items)


def test_paragraphs_split_on_vertical_gaps_and_keep_compound_hyphens() -> None:
    record = page(
        1,
        [
            text_chars(
                "Next Steps: the committee will monitor the actions. Establish sub-", 50, 100
            ),
            text_chars("committees on child labour and forced labour.", 50, 114),
            text_chars("A second paragraph after a gap.", 50, 140),
        ],
    )
    paragraphs = texts(blocks_of(record), BlockKind.paragraph)
    assert paragraphs == [
        "Next Steps: the committee will monitor the actions. Establish sub-committees on "
        "child labour and forced labour.",
        "A second paragraph after a gap.",
    ]


def test_two_columns_are_read_one_after_the_other() -> None:
    lines = [text_chars("Steps and perspectives", 50, 40, 30, "Helvetica-Bold")]
    lines += [text_chars("Already done:", 50, 110, 24, "Helvetica-Bold")]
    lines += [text_chars("Coming soon:", 500, 110, 24, "Helvetica-Bold")]
    for i, (left, right) in enumerate(
        [("1. Expressed interest", "4. Identify actions"), ("2. Focal point", "5. Set up")]
    ):
        lines.append(text_chars(left, 50, 150 + 34 * i, 20))
        lines.append(text_chars(right, 500, 150 + 34 * i, 20))
    lines.append(text_chars("6. Mobilise resources", 500, 218, 20))
    blocks = blocks_of(page(1, lines, width=960, height=540))
    assert [b.text for b in blocks] == [
        "Steps and perspectives",
        "Already done:",
        "Expressed interest",
        "Focal point",
        "Coming soon:",
        "Identify actions",
        "Set up",
        "Mobilise resources",
    ]
    assert blocks[0].kind == BlockKind.title  # a landscape page with few lines is a slide


def test_sentence_cut_by_a_page_break_is_one_paragraph() -> None:
    """A paragraph that runs over the page break (no sentence mark at the bottom of page 1, a
    small letter at the top of page 2) is one block, at the page where it starts; a new
    sentence or a capitalised paragraph after a break stays apart."""
    first = [
        text_chars("The committee said its priorities are the plan and", 50, 700, 10),
        text_chars("a new budget for the labour inspectorate in the", 50, 712, 10),
    ]
    second = [
        text_chars("southern provinces, as agreed.", 50, 60, 10),
        text_chars("Members took note.", 50, 90, 10),
    ]
    blocks = blocks_of(page(1, first), page(2, second))
    assert [(b.page, b.text) for b in blocks] == [
        (
            1,
            "The committee said its priorities are the plan and a new budget for the labour "
            "inspectorate in the southern provinces, as agreed.",
        ),
        (2, "Members took note."),
    ]
    ended = [text_chars("The plan was adopted in May.", 50, 700, 10)]
    blocks = blocks_of(page(1, ended), page(2, [text_chars("then nothing", 50, 60, 10)]))
    assert [b.text for b in blocks] == ["The plan was adopted in May.", "then nothing"]


def test_running_headers_footers_and_page_numbers_are_removed() -> None:
    records = []
    for n in (1, 2, 3):
        records.append(
            page(
                n,
                [
                    text_chars("Annual Report of the Group", 200, 30, 9),
                    text_chars(f"Body text of page {n} says something.", 72, 120, 11),
                    text_chars("More body text follows here.", 72, 134, 11),
                    text_chars(str(n + 1), 290, 800, 10),
                ],
            )
        )
    blocks = blocks_of(*records)
    assert all("Annual Report" not in b.text for b in blocks)
    assert not any(re.fullmatch(r"\d+", b.text) for b in blocks)
    assert texts(blocks) == [
        f"Body text of page {n} says something. More body text follows here." for n in (1, 2, 3)
    ]


def test_headings_by_size_and_bold_short_lines() -> None:
    record = page(
        1,
        [
            text_chars("Meeting report", 72, 80, 18, "Arial-Bold"),
            text_chars("The meeting reviewed progress.", 72, 110, 11),
            text_chars("X. Action Items", 72, 140, 12, "Arial-Bold"),
            text_chars("• Participants send feedback.", 72, 160, 11),
        ],
    )
    blocks = blocks_of(record)
    assert [(b.kind, b.text) for b in blocks] == [
        (BlockKind.heading, "Meeting report"),
        (BlockKind.paragraph, "The meeting reviewed progress."),
        (BlockKind.heading, "X. Action Items"),
        (BlockKind.list_item, "Participants send feedback."),
    ]
    assert blocks[0].heading_level == 1 and blocks[2].heading_level == 2
    assert blocks[0].bold and blocks[0].font_size_ratio == pytest.approx(18 / 11, abs=0.01)


def test_ruled_table_gives_one_cell_block_per_paragraph_with_header() -> None:
    x0, xm, x1 = 43.0, 480.0, 917.0
    top, hb, bottom = 104.0, 137.0, 368.0
    rects = [
        Rule(x0, top, xm, hb),
        Rule(xm, top, x1, hb),
        Rule(x0, hb, xm, bottom),
        Rule(xm, hb, x1, bottom),
    ]
    lines = [
        text_chars("UGANDA", 50, 40, 30, "Arial-Bold"),
        text_chars("Child Labour", 200, 110, 19, "Arial-Bold"),
        text_chars("Forced Labour", 630, 110, 19, "Arial-Bold"),
        text_chars("Engage in advocacy.", 50, 140, 18),
        text_chars("Provide capacity-building for relevant", 50, 166, 18),
        text_chars("actors at all levels.", 50, 186, 18),
        text_chars("Strengthen social protection.", 50, 212, 18),
        text_chars("Focus on prevention", 487, 140, 18),
        text_chars("Bolster partnerships", 487, 166, 18),
        text_chars("Next Steps: ensure the committee works.", 50, 385, 16),
    ]
    blocks = blocks_of(page(11, lines, width=960, height=540, rects=rects))
    cells = [b for b in blocks if b.kind == BlockKind.table_cell]
    assert [
        (b.text, b.table.row, b.table.col, b.table.header, b.table.is_header) for b in cells
    ] == [
        ("Child Labour", 0, 0, None, True),
        ("Forced Labour", 0, 1, None, True),
        ("Engage in advocacy.", 1, 0, "Child Labour", False),
        (
            "Provide capacity-building for relevant actors at all levels.",
            1,
            0,
            "Child Labour",
            False,
        ),
        ("Strengthen social protection.", 1, 0, "Child Labour", False),
        ("Focus on prevention", 1, 1, "Forced Labour", False),
        ("Bolster partnerships", 1, 1, "Forced Labour", False),
    ]
    assert {b.table.table_id for b in cells} == {"p11-t1"}
    assert texts(blocks, BlockKind.title) == ["UGANDA"]
    assert texts(blocks, BlockKind.paragraph) == ["Next Steps: ensure the committee works."]


def test_slide_number_is_not_glued_to_a_bullet() -> None:
    record = page(
        6,
        [
            text_chars("MADAGASCAR", 50, 41, 30, "Arial-Bold"),
            text_chars("• Bilateral labour agreement and revising the framework", 50, 405, 22),
            text_chars("6", 892, 507, 12),
        ],
        width=960,
        height=540,
    )
    assert texts(blocks_of(record)) == [
        "MADAGASCAR",
        "Bilateral labour agreement and revising the framework",
    ]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20261123113037Z'", "2026-11-23T11:30:37Z"),
        ("D:20180101120000+01'00'", "2018-01-01T12:00:00+01:00"),
        ("D:20200806055139-04'00'", "2020-08-06T05:51:39-04:00"),
        ("D:2019", "2019"),
        ("not a date", None),
        (None, None),
    ],
)
def test_pdf_dates_become_iso_8601(raw: str | None, iso: str | None) -> None:
    assert pdf_date_to_iso(raw) == iso


# --------------------------------------------------------------------------- small PDFs


def minimal_pdf(content: bytes, *, image: bool = False, info: bytes = b"") -> bytes:
    """A one-page PDF written by hand: Helvetica text and, optionally, a 1x1 image."""
    resources = b"/Font << /F1 5 0 R >>" + (b" /XObject << /Im1 6 0 R >>" if image else b"")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << " + resources + b" >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(zlib.compress(b"\x80"))
        + zlib.compress(b"\x80")
        + b"\nendstream",
        b"<< " + info + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_minimal_pdf_text_title_and_dates(tmp_path: Path) -> None:
    content = (
        b"BT /F1 20 Tf 72 760 Td (Action Items) Tj ET\n"
        b"BT /F1 11 Tf 72 730 Td (Participants will send their feedback.) Tj ET"
    )
    path = tmp_path / "small.pdf"
    path.write_bytes(
        minimal_pdf(content, info=b"/Author (Secretariat) /CreationDate (D:20181128093000Z)")
    )
    doc = parse_file(path)
    assert doc.format == "pdf" and doc.page_count == 1
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.heading, "Action Items"),
        (BlockKind.paragraph, "Participants will send their feedback."),
    ]
    assert doc.title == "Action Items"  # no /Title: the first page's largest text
    assert doc.metadata.author == "Secretariat"
    assert doc.metadata.created == "2018-11-28T09:30:00Z"
    assert doc.blocks[0].id == "p1-b1"


def test_image_only_pdf_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(minimal_pdf(b"q 400 0 0 600 100 100 cm /Im1 Do Q", image=True))
    with pytest.raises(ImageOnlyError, match="no text"):
        parse_file(path)


def test_pdf_without_any_content_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.pdf"
    path.write_bytes(minimal_pdf(b""))
    with pytest.raises(EmptyFileError):
        parse_file(path)


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pag")
    with pytest.raises(CorruptFileError):
        parse_file(path)


def test_character_limit_per_page(tmp_path: Path) -> None:
    path = tmp_path / "small.pdf"
    path.write_bytes(minimal_pdf(b"BT /F1 11 Tf 72 730 Td (Thirty characters of text..) Tj ET"))
    with pytest.raises(ResourceLimitError, match="max_chars_per_page"):
        parse_file(path, {"max_chars_per_page": 10})


# --------------------------------------------------------------------------- seed deck


@pytest.fixture(scope="module")
def deck() -> list[Block]:
    if not DECK.exists():
        pytest.skip("shared seed deck.pdf not present")
    return parse_file(DECK).blocks


def on_page(blocks: list[Block], number: int) -> list[Block]:
    return [b for b in blocks if b.page == number]


@needs_deck
def test_deck_document_fields() -> None:
    doc = parse_file(DECK)
    assert doc.page_count == 24
    assert doc.title == "Global Progress and Good Practices of Alliance 8.7"
    assert doc.metadata.author == "Alliance 8.7 Secretariat"
    assert doc.metadata.created and doc.metadata.created.startswith("20")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc.metadata.created)


@needs_deck
def test_deck_madagascar_title_and_bullet_levels(deck: list[Block]) -> None:
    blocks = on_page(deck, 6)
    assert blocks[0].kind == BlockKind.title and "MADAGASCAR" in blocks[0].text
    items = {b.text: b for b in blocks if b.kind == BlockKind.list_item}
    assert items["Child labour:"].level == 0
    assert items["Child labour:"].marker == "•"
    inspectors = items["Strengthening the capacity and resources of labour inspectors"]
    assert inspectors.level == 1 and inspectors.marker == "–"


@needs_deck
def test_deck_nepal_numbered_list_with_wrapped_lines(deck: list[Block]) -> None:
    numbered = [b for b in on_page(deck, 7) if b.kind == BlockKind.list_item and b.marker]
    numbered = [b for b in numbered if re.fullmatch(r"\d+\.", b.marker or "")]
    assert [b.marker for b in numbered] == ["1.", "2.", "3."]
    assert numbered[0].text == (
        "Formation of a high level SDG Alliance 8.7 coordination committee to coordinate "
        "action and review progress on SDG 8.7 areas;"
    )


@needs_deck
def test_deck_uganda_table_cells_are_paragraphs_with_headers(deck: list[Block]) -> None:
    cells = [b for b in on_page(deck, 11) if b.kind == BlockKind.table_cell]
    assert cells and all(b.table is not None for b in cells)
    body = [b for b in cells if not b.table.is_header]
    assert {b.table.header for b in body} == {"Child Labour", "Forced Labour"}
    by_text = {b.text: b for b in body}
    social = by_text["Strengthen social protection."]
    assert social.table.header == "Child Labour" and social.table.row == 1
    assert sum(b.table.header == "Child Labour" for b in body) == 5
    assert sum(b.table.header == "Forced Labour" for b in body) == 4
    # Table text is not repeated as paragraphs.
    assert not any(
        "social protection" in b.text for b in on_page(deck, 11) if b.kind != BlockKind.table_cell
    )


@needs_deck
def test_deck_no_slide_number_glued_to_text(deck: list[Block]) -> None:
    for b in deck:
        assert not re.search(rf"\s{b.page}$", b.text), (b.page, b.text)
        assert not re.fullmatch(r"\d{1,2}", b.text), (b.page, b.text)
    assert any(b.text.endswith("labour migration framework") for b in on_page(deck, 6))


@needs_deck
def test_deck_fiji_columns_are_not_interleaved(deck: list[Block]) -> None:
    seq = [b.text for b in on_page(deck, 17)]
    done = ["Expressed interest", "Focal Point nominated", "Organising Committee"]
    soon = ["Identify priority actions", "Set up a coordination structure", "Collect data"]
    idx = {t: seq.index(t) for t in [*done, *soon, "Already done:", "Coming soon:"]}
    assert idx["Already done:"] < min(idx[t] for t in done)
    assert max(idx[t] for t in done) < idx["Coming soon:"] < min(idx[t] for t in soon)
    assert seq[idx["Coming soon:"] + 1 :][:7] == [
        "Identify priority actions",
        "Set up a coordination structure",
        "Mobilise necessary resources",
        "Collect data",
        "Set up a monitoring system",
        "Share practices",
        "Intensify technical support",
    ]


@needs_deck
def test_deck_one_title_per_slide(deck: list[Block]) -> None:
    for number in range(1, 25):
        titles = [b for b in on_page(deck, number) if b.kind == BlockKind.title]
        if number == 2:
            # Slide 2 has no title text: its largest text is its four bullets.
            assert titles == []
            continue
        assert len(titles) == 1, number
        assert on_page(deck, number)[0].kind == BlockKind.title


@needs_deck
def test_deck_compound_hyphen_kept_across_line_break(deck: list[Block]) -> None:
    text = " ".join(b.text for b in deck)
    assert "sub-committees" in text and "subcommittees" not in text


# --------------------------------------------------------------------------- seed report


@pytest.fixture(scope="module")
def report() -> list[Block]:
    if not REPORT.exists():
        pytest.skip("shared seed gcg3_report.pdf not present")
    return parse_file(REPORT).blocks


def _md_action_items() -> list[str]:
    text = REPORT_MD.read_text("utf-8")
    tail = text[text.index("X. Action Items") :]
    items = [line[2:].strip() for line in tail.splitlines() if line.startswith("- ")]
    return [re.sub(r"</?sup>", "", item) for item in items]


@needs_report
def test_report_action_items_follow_their_heading(report: list[Block]) -> None:
    i = next(i for i, b in enumerate(report) if b.text == "X. Action Items")
    assert report[i].kind == BlockKind.heading
    items = report[i + 1 : i + 5]
    assert all(b.kind == BlockKind.list_item and b.level == 0 for b in items)
    assert len(report) == i + 5
    if REPORT_MD.exists():
        assert [b.text for b in items] == _md_action_items()


@needs_report
def test_report_footers_removed_and_headings_found(report: list[Block]) -> None:
    assert not any(re.fullmatch(r"\d+", b.text) for b in report)
    footer = "Report of the 3rd Meeting of the Alliance 8.7 Global Coordinating Group"
    assert [b.page for b in report if b.text == footer] == [1]  # the cover title only
    headings = [b.text for b in report if b.kind == BlockKind.heading]
    for section in (
        "I. Welcome",
        "II. Terms of Reference",
        "IV. Update on Pathfinder",
        "VIII. Communications",
        "IX. Upcoming events",
    ):
        assert any(h.startswith(section) for h in headings), section
    levels = {b.text: b.heading_level for b in report if b.kind == BlockKind.heading}
    assert levels["Meeting report"] < levels["X. Action Items"]


@needs_report
def test_report_title_from_metadata() -> None:
    doc = parse_file(REPORT)
    assert doc.page_count == 5
    assert doc.title == "Report of the 3rd Meeting of the Alliance 8.7 Global Coordinating Group"


@needs_deck
def test_page_limit(tmp_path: Path) -> None:
    with pytest.raises(ResourceLimitError, match="max_pages"):
        parse_file(DECK, {"max_pages": 3})


# --------------------------------------------------------------------------- wild PDFs


def parse_outcome(path: str) -> str:
    """'ok', the PipelineError subclass name, or 'crash: <type>: <message>' (run in a worker)."""
    try:
        parse_file(path)
    except PipelineError as exc:
        return type(exc).__name__
    except Exception as exc:
        return f"crash: {type(exc).__name__}: {exc}"
    return "ok"


EXPECTED_WILD = {
    "password-example.pdf": EncryptedFileError.__name__,
    "empty.pdf": EmptyFileError.__name__,
    # Broken xref: pdfplumber finds no catalog; pdfium opens it and finds no text.
    "issue-297-example.pdf": EmptyFileError.__name__,
    "issue-203-decimalize.pdf": ImageOnlyError.__name__,  # scanned pages, no text layer
}


@pytest.mark.skipif(not WILD.is_dir(), reason="shared wild PDFs not present")
def test_every_wild_pdf_parses_or_raises_a_pipeline_error() -> None:
    files = sorted(WILD.glob("*.pdf"))
    outcomes: dict[str, str] = {}
    ctx = mp.get_context("spawn")
    pool = ctx.Pool(1)
    try:
        for path in files:
            job = pool.apply_async(parse_outcome, (str(path),))
            try:
                outcomes[path.name] = job.get(timeout=60)
            except mp.TimeoutError:
                pool.terminate()
                pytest.fail(f"{path.name}: parsing took over 60 s")
    finally:
        pool.terminate()
        pool.join()
    crashes = {name: out for name, out in outcomes.items() if out.startswith("crash")}
    assert not crashes
    for name, expected in EXPECTED_WILD.items():
        if name in outcomes:
            assert outcomes[name] == expected, name
    assert sum(out == "ok" for out in outcomes.values()) >= len(files) - len(EXPECTED_WILD)


def test_page_with_sideways_text_is_read_upright(tmp_path: Path) -> None:
    # Text matrix [0 -1 1 0]: the lines run down the page, like a table printed landscape.
    content = (
        b"BT /F1 14 Tf 0 -1 1 0 500 780 Tm (Sideways heading) Tj ET\n"
        b"BT /F1 11 Tf 0 -1 1 0 470 780 Tm (First line of the body text.) Tj ET\n"
        b"BT /F1 11 Tf 0 -1 1 0 456 780 Tm (Second line of the body text.) Tj ET"
    )
    path = tmp_path / "turned.pdf"
    path.write_bytes(minimal_pdf(content))
    assert texts(parse_file(path).blocks) == [
        "Sideways heading",
        "First line of the body text. Second line of the body text.",
    ]


# --------------------------------------------------------------------------- list structure

# Each test PDF is drawn with reportlab: `Run`s of text at a position (top-left origin), in
# Vera (a TrueType font shipped with reportlab, with a real "•") or a standard-14 font.
Run = tuple[str, float, str]  # font, size, text


def reportlab_pdf(
    path: Path,
    lines: list[tuple[float, float, list[Run]]],
    *,
    size: tuple[float, float] = (595, 842),
    boxes: list[tuple[float, float, float, float]] = (),
) -> Path:
    """Write a one-page PDF: each line is (x, baseline from the top, runs); boxes are framed."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    fonts = Path(reportlab.__file__).parent / "fonts"
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("VeraBd", str(fonts / "VeraBd.ttf")))
    c = canvas.Canvas(str(path), pagesize=size)
    for x0, top, x1, bottom in boxes:
        c.rect(x0, size[1] - bottom, x1 - x0, bottom - top, stroke=1, fill=0)
    for x, baseline, runs in lines:
        t = c.beginText(x, size[1] - baseline)
        for font, font_size, text in runs:
            t.setFont(font, font_size)
            t.textOut(text)
        c.drawText(t)
    c.save()
    return path


def kinds(blocks: list[Block]) -> list[tuple[str, str | None, str]]:
    return [(b.kind.value, b.marker, b.text) for b in blocks]


def test_glued_list_numbers_are_split_but_not_decimals_dates_or_sections(tmp_path: Path) -> None:
    path = reportlab_pdf(
        tmp_path / "glued.pdf",
        [
            (72, 80, [("VeraBd", 14, "Decisions")]),
            (72, 110, [("Vera", 11, "3.Adopt the decree on child labour")]),
            (72, 126, [("Vera", 11, "4)Adopt the budget for the action plan")]),
            (72, 160, [("Vera", 11, "3.5 million children were reached by the plan.")]),
            (72, 190, [("Vera", 11, "12.03.2019 was the date of the second meeting.")]),
            (72, 220, [("VeraBd", 13, "4.1 Data")]),
        ],
    )
    assert kinds(parse_file(path).blocks) == [
        ("heading", None, "Decisions"),
        ("list_item", "3.", "Adopt the decree on child labour"),
        ("list_item", "4)", "Adopt the budget for the action plan"),
        ("paragraph", None, "3.5 million children were reached by the plan."),
        ("paragraph", None, "12.03.2019 was the date of the second meeting."),
        ("heading", None, "4.1 Data"),
    ]


def test_bullet_glyph_alone_on_its_line_joins_the_text_below(tmp_path: Path) -> None:
    path = reportlab_pdf(
        tmp_path / "lone.pdf",
        [
            (72, 80, [("VeraBd", 14, "Next steps")]),
            (72, 110, [("Vera", 11, "•")]),
            (90, 124, [("Vera", 11, "Train labour inspectors in all regions")]),
            (72, 150, [("Vera", 11, "•")]),
            (90, 164, [("Vera", 11, "Adopt the national action plan")]),
            (72, 200, [("Vera", 11, "The committee meets again in May.")]),
        ],
    )
    assert kinds(parse_file(path).blocks) == [
        ("heading", None, "Next steps"),
        ("list_item", "•", "Train labour inspectors in all regions"),
        ("list_item", "•", "Adopt the national action plan"),
        ("paragraph", None, "The committee meets again in May."),
    ]


def test_symbol_font_bullets_become_markers(tmp_path: Path) -> None:
    # reportlab writes the ZapfDingbats codes of these glyphs; pdfminer reads "n", "l", "u".
    path = reportlab_pdf(
        tmp_path / "dingbats.pdf",
        [
            (72, 80, [("VeraBd", 14, "Next steps")]),
            (72, 110, [("ZapfDingbats", 11, "■"), ("Vera", 11, " Train labour inspectors")]),
            (72, 126, [("ZapfDingbats", 11, "●"), ("Vera", 11, "  Adopt the action plan")]),
            (72, 142, [("ZapfDingbats", 11, "◆"), ("Vera", 11, "  Fund the survey")]),
            (72, 170, [("Vera", 11, "labour inspectors will be trained in June.")]),
        ],
    )
    assert kinds(parse_file(path).blocks) == [
        ("heading", None, "Next steps"),
        ("list_item", "■", "Train labour inspectors"),
        ("list_item", "●", "Adopt the action plan"),
        ("list_item", "◆", "Fund the survey"),
        ("paragraph", None, "labour inspectors will be trained in June."),
    ]


def test_wingdings_and_symbol_glyphs_by_font_name() -> None:
    lines = [text_chars("Next steps", 50, 60, 14, "Arial-Bold")]
    for i, (glyph, font) in enumerate(
        [
            ("l", "ABCDEF+Wingdings-Regular"),
            ("§", "Wingdings"),
            ("Ø", "Wingdings"),
            ("ü", "ABCDEF+Wingdings"),
            ("(cid:108)", "Wingdings-Regular"),
            ("·", "SymbolMT"),
        ]
    ):
        top = 100 + 16 * i
        lines.append([Char(glyph, 50, 56, top, top + 11, font, 11)])
        lines.append(text_chars(f"Action number {i + 1}", 68, top, 11, "Arial"))
    lines.append(text_chars("labour is a word here.", 50, 220, 11, "Arial"))
    lines.append(
        [Char("l", 50, 56, 236, 247, "Arial", 11), *text_chars("ater too.", 56, 236, 11, "Arial")]
    )
    blocks = blocks_of(page(1, lines))
    assert kinds(blocks)[1:] == [
        ("list_item", "●", "Action number 1"),
        ("list_item", "▪", "Action number 2"),
        ("list_item", "➢", "Action number 3"),
        ("list_item", "✓", "Action number 4"),
        ("list_item", "●", "Action number 5"),
        ("list_item", "•", "Action number 6"),
        ("paragraph", None, "labour is a word here. later too."),
    ]


def test_hanging_indent_wraps_stay_one_item(tmp_path: Path) -> None:
    v = "Vera"
    path = reportlab_pdf(
        tmp_path / "wraps.pdf",
        [
            (72, 80, [("VeraBd", 14, "Recommendations")]),
            (72, 110, [(v, 11, "•  Strengthen the labour inspectorate so that it can visit")]),
            (72, 124, [(v, 11, "farms and factories in every region of the country.")]),
            # A bullet set larger than the text: its box must not push the line apart.
            (72, 142, [(v, 16, "•"), (v, 11, " Extend social protection to informal workers and")]),
            (86, 157, [(v, 11, "their families, with a focus on rural households.")]),
            (72, 174, [(v, 11, "1.  Formation of a high level coordination committee to")]),
            (72, 188, [(v, 11, "coordinate action and review progress every six months;")]),
            (72, 206, [(v, 11, "2.  Secretariat established at the ministry.")]),
            (72, 220, [(v, 11, "The committee reported on its work in the plenary session.")]),
        ],
    )
    assert kinds(parse_file(path).blocks) == [
        ("heading", None, "Recommendations"),
        (
            "list_item",
            "•",
            "Strengthen the labour inspectorate so that it can visit farms and factories in "
            "every region of the country.",
        ),
        (
            "list_item",
            "•",
            "Extend social protection to informal workers and their families, with a focus on "
            "rural households.",
        ),
        (
            "list_item",
            "1.",
            "Formation of a high level coordination committee to coordinate action and review "
            "progress every six months;",
        ),
        ("list_item", "2.", "Secretariat established at the ministry."),
        ("paragraph", None, "The committee reported on its work in the plenary session."),
    ]


def test_framed_boxes_side_by_side_are_read_box_by_box(tmp_path: Path) -> None:
    pillars = [
        ("Pillar A — Protection", ["Train labour inspectors in", "every region of the"]),
        ("Pillar B — Prevention", ["Run awareness campaigns", "in all schools and fund"]),
        ("Pillar C — Partnership", ["Sign agreements with the", "employers and unions and"]),
    ]
    lines: list[tuple[float, float, list[Run]]] = [(40, 60, [("VeraBd", 16, "Three pillars")])]
    boxes = []
    for i, (title, body) in enumerate(pillars):
        x = 40 + i * 175
        boxes.append((x - 4, 90, x + 161, 170))
        lines.append((x, 106, [("VeraBd", 11, title)]))
        lines += [(x, 126 + j * 13, [("Vera", 10, text)]) for j, text in enumerate(body)]
    path = reportlab_pdf(tmp_path / "boxes.pdf", lines, boxes=boxes)
    assert texts(parse_file(path).blocks) == [
        "Three pillars",
        "Pillar A — Protection",
        "Train labour inspectors in every region of the",
        "Pillar B — Prevention",
        "Run awareness campaigns in all schools and fund",
        "Pillar C — Partnership",
        "Sign agreements with the employers and unions and",
    ]


def test_cell_paragraphs_without_a_gap_are_split_where_the_next_word_would_have_fitted(
    tmp_path: Path,
) -> None:
    """A table cell whose paragraphs follow each other with no extra space (as PowerPoint
    exports them): a line that ends early although the next word would have fitted ends a
    paragraph; a full line followed by a capitalised name does not."""
    v = "Vera"
    lines: list[tuple[float, float, list[Run]]] = [
        (44, 104, [("VeraBd", 10, "Child labour")]),
        (304, 104, [("VeraBd", 10, "Migration")]),
        (44, 125, [(v, 10, "Adopt the plan")]),
        (44, 139, [(v, 10, "Train labour inspectors in every region")]),
        (44, 153, [(v, 10, "of the country")]),
        (304, 125, [(v, 10, "Sign an agreement on fair recruitment with")]),
        (304, 139, [(v, 10, "Kenya and Uganda")]),
    ]
    boxes = [(40, 90, 300, 110), (300, 90, 560, 110), (40, 110, 300, 170), (300, 110, 560, 170)]
    path = reportlab_pdf(tmp_path / "cells.pdf", lines, boxes=boxes)
    cells = [b.text for b in parse_file(path).blocks if b.kind == BlockKind.table_cell]
    assert cells == [
        "Child labour",
        "Migration",
        "Adopt the plan",
        "Train labour inspectors in every region of the country",
        "Sign an agreement on fair recruitment with Kenya and Uganda",
    ]


def test_numbered_item_wrapped_between_its_number_and_its_text_stays_one_item(
    tmp_path: Path,
) -> None:
    """Some exporters indent a list item's continuation by half the number's width: neither
    under the number nor under the text."""
    v = "Vera"
    path = reportlab_pdf(
        tmp_path / "wrap.pdf",
        [
            (
                54,
                100,
                [(v, 18, "1."), (v, 18, "  Faire adopter la feuille de route en Conseil des")],
            ),
            (66, 124, [(v, 18, "ministres d'ici septembre 2025")]),
            (54, 154, [(v, 18, "2."), (v, 18, "  Désigner un point focal dans chaque ministère")]),
        ],
        size=(842, 595),
    )
    assert kinds(parse_file(path).blocks) == [
        (
            "list_item",
            "1.",
            "Faire adopter la feuille de route en Conseil des ministres d'ici septembre 2025",
        ),
        ("list_item", "2.", "Désigner un point focal dans chaque ministère"),
    ]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_a_table_cells_paragraphs_stay_apart_when_only_their_spacing_shows(engine: str) -> None:
    """A slide's table cell holds two actions as two paragraphs; exported to PDF, the second
    one's first word would not have fitted on the line above, so only the paragraph spacing
    (a little more than the lines' wrap) tells them apart. Both engines see it."""
    from pipeline.config import Settings

    path = Path(__file__).resolve().parents[1] / "corpus/docs/mwi_gcg_pathfinder_update_2025.pdf"
    cells = [
        b.text
        for b in parse_file(path, settings=Settings(pdf_engine=engine)).blocks
        if b.table and not b.table.is_header
    ]
    assert "Set up a complaints desk for migrant workers at the Ministry of Labour" in cells
    assert "Negotiate a bilateral labour agreement with the United Arab Emirates" in cells
    # a paragraph that wraps over lines stays whole
    assert (
        "Hold pre-departure orientation for every worker recruited under a bilateral labour "
        "agreement" in cells
    )


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_boxes_side_by_side_give_their_bold_titles_as_column_headers(engine: str) -> None:
    """A slide's four pillar boxes, exported to PDF, are read as a one-row table; each box's
    bold title heads its column (as it heads its items in the slide deck), so the items under
    it carry it as their header and the title itself is a header cell, not a row."""
    from pipeline.config import Settings

    path = Path(__file__).resolve().parents[1] / "corpus/docs/tgo_atelier_pays_pionnier.pdf"
    blocks = parse_file(path, settings=Settings(pdf_engine=engine)).blocks
    cells = {b.text: b.table for b in blocks if b.table}
    title = cells["Axe 2 — Protection"]
    assert title is not None and title.is_header and title.row == 0
    item = cells["Réinsérer les enfants retirés du travail dans les carrières de gravier"]
    assert item is not None and not item.is_header
    assert (item.row, item.col, item.header) == (1, title.col, "Axe 2 — Protection")


def test_a_table_header_repeated_on_every_page_is_not_furniture() -> None:
    """A work plan's header row printed on each page is the table's, not a running header."""
    path = Path(__file__).resolve().parents[1] / "corpus/docs/kgz_roadmap_workplan_2025.pdf"
    headers = [b.text for b in parse_file(path).blocks if b.table and b.table.is_header]
    assert headers.count("Activity") >= 1 and "Outcome" in headers


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_text_set_one_and_a_half_spaced_wraps_into_paragraphs(engine: str, tmp_path: Path) -> None:
    """Lines 1.6 times their size apart (a word processor's 1.5 spacing) are one paragraph
    where each line was ended by wrapping; a column of short names at the same spacing, and
    the items of a list, stay apart."""
    from pipeline.config import Settings

    v = "Vera"
    path = reportlab_pdf(
        tmp_path / "spaced.pdf",
        [
            (72, 80, [("VeraBd", 14, "Commitments")]),
            (
                72,
                110,
                [(v, 11, "Allow me to set out what we pledge. First, the Government commits to")],
            ),
            (
                72,
                128,
                [
                    (
                        v,
                        11,
                        "adopting the revised national action plan before the end of the financial",
                    )
                ],
            ),
            (
                72,
                146,
                [
                    (
                        v,
                        11,
                        "year, and we will extend cash transfers to 40,000 more households in the",
                    )
                ],
            ),
            (72, 164, [(v, 11, "districts where children work on farms.")]),
            (
                72,
                194,
                [
                    (
                        v,
                        11,
                        "•  Train labour inspectors, police officers and prosecutors"
                        " to identify cases of",
                    )
                ],
            ),
            (86, 212, [(v, 11, "trafficking and forced labour.")]),
            (72, 232, [(v, 11, "•  Ratify the 2014 Protocol.")]),
            (72, 262, [(v, 11, "Ministry of Labour")]),
            (72, 280, [(v, 11, "Ministry of Finance and Economic Planning")]),
            (72, 298, [(v, 11, "National Statistical Office")]),
        ],
    )
    assert kinds(parse_file(path, settings=Settings(pdf_engine=engine)).blocks) == [
        ("heading", None, "Commitments"),
        (
            "paragraph",
            None,
            "Allow me to set out what we pledge. First, the Government commits to adopting the "
            "revised national action plan before the end of the financial year, and we will "
            "extend cash transfers to 40,000 more households in the districts where children "
            "work on farms.",
        ),
        (
            "list_item",
            "•",
            "Train labour inspectors, police officers and prosecutors to identify cases of "
            "trafficking and forced labour.",
        ),
        ("list_item", "•", "Ratify the 2014 Protocol."),
        ("paragraph", None, "Ministry of Labour"),
        ("paragraph", None, "Ministry of Finance and Economic Planning"),
        ("paragraph", None, "National Statistical Office"),
    ]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_table_cell_lines_spaced_wide_still_wrap_into_one_paragraph(
    engine: str, tmp_path: Path
) -> None:
    """A cell whose lines sit 1.7 times their size apart: the wrapped action and the wrapped
    date are each one cell paragraph, not one per line."""
    from pipeline.config import Settings

    v, b = "Vera", "VeraBd"
    path = reportlab_pdf(
        tmp_path / "cells.pdf",
        [
            (76, 112, [(b, 9, "Action")]),
            (376, 112, [(b, 9, "Timeline")]),
            (76, 136, [(v, 9, "Circulate the draft workshop report to all participants")]),
            (76, 151.6, [(v, 9, "for comments")]),
            (376, 136, [(v, 9, "End of March")]),
            (376, 151.6, [(v, 9, "2023")]),
            (76, 176, [(v, 9, "Appoint a national focal point")]),
            (376, 176, [(v, 9, "Immediately")]),
        ],
        boxes=[
            (72, 100, 372, 120),
            (372, 100, 520, 120),
            (72, 120, 372, 160),
            (372, 120, 520, 160),
            (72, 160, 372, 184),
            (372, 160, 520, 184),
        ],
    )
    blocks = parse_file(path, settings=Settings(pdf_engine=engine)).blocks
    assert [(x.text, x.table.header) for x in blocks if x.table and not x.table.is_header] == [
        ("Circulate the draft workshop report to all participants for comments", "Action"),
        ("End of March 2023", "Timeline"),
        ("Appoint a national focal point", "Action"),
        ("Immediately", "Timeline"),
    ]


def test_sentence_cut_by_a_page_break_before_a_capital_is_one_paragraph() -> None:
    """A paragraph whose last line on page 1 runs to the margin, with no sentence mark, goes
    on at the top of page 2 even when the word there has a capital ("the Forced Labour" /
    "Convention"); after a short last line the next page's paragraph stays apart."""
    full = "and we are also determined to ratify the 2014 Protocol on the Forced Labour"
    first = [
        text_chars(
            "In the area of trafficking, we will align our law with the Palermo", 50, 700, 10
        ),
        text_chars(full, 50, 712, 10),
    ]
    second = [text_chars("Convention during the next sitting of Parliament.", 50, 60, 10)]
    blocks = blocks_of(page(1, first), page(2, second))
    assert [(b.page, b.text) for b in blocks] == [
        (
            1,
            "In the area of trafficking, we will align our law with the Palermo "
            + full
            + " Convention during the next sitting of Parliament.",
        )
    ]
    short = [
        text_chars(
            "In the area of trafficking, we will align our law with the Palermo", 50, 700, 10
        ),
        text_chars("Protocol", 50, 712, 10),
    ]
    blocks = blocks_of(page(1, short), page(2, second))
    assert [b.page for b in blocks] == [1, 2]


def test_word_spaces_of_justified_text_that_line_up_do_not_split_lines() -> None:
    """Justified lines drawn a word per text object (pdfium runs) have wide word spaces; where
    some of them happen to line up over several rows (a river), the lines stay whole. A real
    gutter, whose right column starts at one x in every row, still splits them."""

    def row(top: float, words: list[tuple[float, float, str]]) -> list[Char]:
        return [Char(w, x0, x1, top, top + 10.5, "Times-Roman", 10.5) for x0, x1, w in words]

    river = [  # word spaces of ~9 pt near x 280-290, their edges 1-3 pt apart
        row(100, [(72, 200, "Global Conference,"), (209, 278.8, "open to"), (288.0, 520, "all")]),
        row(116, [(72, 150, "To ask"), (159, 280.7, "the SDG Target 8.7"), (289.5, 520, "M")]),
        row(132, [(72, 282.2, "peer-learning session on"), (290.7, 520, "and a mapping")]),
        row(148, [(72, 277.5, "Governments can choose a"), (286.4, 520, "focus area")]),
    ]
    lines = chars_to_lines([c for r in river for c in r])
    assert len(lines) == 4
    gutter = [  # the right column starts at x 300 in every row
        row(100 + 16 * n, [(72, 290.0 - n, f"left {n}"), (300.0, 520, f"right {n}")])
        for n in range(5)
    ]
    lines = chars_to_lines([c for r in gutter for c in r])
    assert len(lines) == 10


def test_cell_bullet_wrapped_flush_under_its_marker_stays_one_paragraph(tmp_path: Path) -> None:
    # A cell typed with its bullets ('▪ Integrate ... on' / 'Child Protection 2026-2030'):
    # the wrapped line starts under the bullet, at the pitch of 1.55 times the size that
    # word processors and fpdf2 use, and is the same action as the line above.
    from reportlab.pdfbase.pdfmetrics import stringWidth

    reportlab_pdf(tmp_path / "fonts.pdf", [])  # registers Vera for the measurement
    first = "• Integrate child labour prevention into the new National Programme on"
    x_text = 206.0
    right = x_text + stringWidth(first, "Vera", 9.5) + 6  # 'Child' would not fit
    pitch = 1.55 * 9.5
    rows = [
        (72, 120, [("VeraBd", 9.5, "Priority area")]),
        (x_text, 120, [("VeraBd", 9.5, "Planned action")]),
        (72, 140, [("Vera", 9.5, "Child labour")]),
        (x_text, 140, [("Vera", 9.5, first)]),
        (x_text, 140 + pitch, [("Vera", 9.5, "Child Protection 2026–2030")]),
        (x_text, 140 + 2 * pitch, [("Vera", 9.5, "• Train child protection officers")]),
        (72, 140 + 3 * pitch + 4, [("Vera", 9.5, "Forced labour")]),
        (x_text, 140 + 3 * pitch + 4, [("Vera", 9.5, "• Review the Labour Code provisions")]),
    ]
    body_end = 140 + 4 * pitch
    boxes = [
        (66, 108, 200, 126),
        (200, 108, right, 126),
        (66, 126, 200, 140 + 2 * pitch + 5),
        (200, 126, right, 140 + 2 * pitch + 5),
        (66, 140 + 2 * pitch + 5, 200, body_end),
        (200, 140 + 2 * pitch + 5, right, body_end),
    ]
    path = reportlab_pdf(tmp_path / "cell.pdf", rows, boxes=boxes)
    cells = [b.text for b in parse_file(path).blocks if b.kind.value == "table_cell"]
    assert (
        "Integrate child labour prevention into the new National Programme on Child "
        "Protection 2026–2030" in cells
    )
    assert "Train child protection officers" in cells
    assert "Child Protection 2026–2030" not in cells
