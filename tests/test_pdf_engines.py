"""The two PDF engines: pdfium (default) and pdfplumber give the same items; fallback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipeline.config import Settings
from pipeline.errors import EncryptedFileError, PipelineError, ResourceLimitError
from pipeline.evaluate import score_document
from pipeline.parse import parse_file
from pipeline.process import process_file

sys.path.insert(0, str(Path(__file__).parent))
import test_hostile as hostile
from conftest import ROOT, SHARED

# Where the engines are known to disagree, and why (strict: a fix makes the test fail until
# the entry goes). None at present. Two layouts are still read apart by pdfium and together
# by pdfplumber, with the same items: the framed two-column header block of the Mauritanian
# minutes (f5_PV_3e_reunion_...), whose header lines neither engine takes since the cue rules
# yield to a model 60% sure a line is no item; and the numbers of a two-column numbered list
# in batch 11's roadmap (f11_NGA_...), drawn as text objects of their own, which pdfium sets
# apart from their lines (one activity's kind flipped with the model of 03af78a, not with
# the final model of session 11).
KNOWN: dict[str, str] = {}
CORPUS = [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWN[p.name]))
    if p.name in KNOWN
    else p
    for p in sorted((ROOT / "corpus" / "docs").glob("*.pdf"))
    + sorted((SHARED / "seeds").glob("*.pdf"))
]
WILD = sorted((SHARED / "wild" / "pdf").glob("*.pdf")) + sorted(
    (SHARED / "wild" / "pdfminer").glob("*.pdf")
)


def _items(path: Path, engine: str) -> list | str:
    try:
        return process_file(path, {"pdf_engine": engine}).items
    except PipelineError as exc:
        return exc.code


def _agree(path: Path) -> None:
    plumber, pdfium = _items(path, "pdfplumber"), _items(path, "pdfium")
    if isinstance(plumber, str) or isinstance(pdfium, str):
        assert plumber == pdfium, f"{path.name}: pdfplumber {plumber!r}, pdfium {pdfium!r}"
        return
    f1 = score_document(plumber, pdfium).items.f1
    assert f1 >= 0.98, f"{path.name}: item F1 {f1:.3f} between the engines"


@pytest.mark.skipif(not CORPUS, reason="no corpus PDFs")
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: getattr(p, "name", None))
def test_engines_give_the_same_items_on_corpus_and_seeds(path: Path) -> None:
    _agree(path)


@pytest.mark.skipif(not WILD, reason="../shared/wild not present")
@pytest.mark.parametrize(
    "path",
    WILD,
    ids=lambda p: p.name,
)
def test_engines_give_the_same_items_on_wild_pdfs(path: Path) -> None:
    _agree(path)


def test_pdf_engine_setting_is_validated() -> None:
    assert Settings().pdf_engine == "pdfium"
    assert Settings.resolve({"pdf_engine": "pdfplumber"}).pdf_engine == "pdfplumber"
    with pytest.raises(ValidationError):
        Settings.resolve({"pdf_engine": "mupdf"})


def test_pdfium_reads_runs_with_font_name_size_and_boldness(tmp_path: Path) -> None:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pc

    from pipeline.parse.pdfium import _PageReader

    bold = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>"
    content = (
        b"BT /F1 11 Tf 72 700 Td (Convene the committee) Tj ET "
        b"BT /F2 14 Tf 72 740 Td (Next steps) Tj ET 72 600 m 300 600 l S"
    )
    data = hostile.pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            hostile.FONT,
            hostile.stream(content),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 6 0 R >> >> >>",
            bold,
        ]
    )
    pdf = pdfium.PdfDocument(data)
    page = pc.FPDF_LoadPage(pdf.raw, 0)
    try:
        record, images = _PageReader(tmp_path / "x.pdf", Settings()).read(page, 1)
    finally:
        pc.FPDF_ClosePage(page)
        pdf.close()
    runs = {c.text: c for c in record.chars}
    assert set(runs) == {"Convene the committee", "Next steps"}
    body, heading = runs["Convene the committee"], runs["Next steps"]
    assert body.glyphs == 19 and body.size == pytest.approx(11) and not body.bold
    assert heading.bold and heading.fontname == "Helvetica-Bold"
    # Box like pdfminer's: from the baseline (842 - 700 = 142 from the top) down to the
    # font's descent, one font size high.
    assert body.bottom == pytest.approx(142 + 0.207 * 11, abs=0.5)
    assert body.bottom - body.top == pytest.approx(11)
    assert len(record.lines) == 1 and record.lines[0].top == pytest.approx(242)
    assert images == 0
    blocks = parse_file_bytes(tmp_path, data).blocks
    assert [b.text for b in blocks] == ["Next steps", "Convene the committee"]
    assert blocks[0].bold


def parse_file_bytes(tmp_path: Path, data: bytes, **settings: str):
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return parse_file(path, settings or None)


def test_a_run_spanning_two_columns_is_cut_at_the_gutter(tmp_path: Path) -> None:
    # One TJ holds both columns' text, spaced by a kerning of 20 font sizes.
    content = b"BT /F1 10 Tf 72 700 Td [(Left column text) -20000 (Right column text)] TJ ET"
    doc = parse_file_bytes(tmp_path, hostile.text_pdf(content))
    assert [b.text for b in doc.blocks] == ["Left column text", "Right column text"]


def test_a_form_that_draws_itself_is_read_by_pdfplumber_not_pdfium(tmp_path: Path) -> None:
    # pdfium aborts the process on self-drawing forms; the preflight hands it over.
    loop = hostile.form(
        hostile.TEXT + b" /X Do /X Do", b"<< /Font << /F1 3 0 R >> /XObject << /X 5 0 R >> >>"
    )
    doc = parse_file_bytes(tmp_path, hostile.text_pdf(hostile.TEXT + b" /X Do", forms=[loop]))
    assert doc.blocks and all("Convene" in b.text for b in doc.blocks)


def test_form_fan_out_is_refused_before_pdfium_reads_the_page(tmp_path: Path) -> None:
    with pytest.raises(ResourceLimitError, match="max_forms_per_page"):
        parse_file_bytes(tmp_path, hostile.fan_out_pdf(depth=12, calls=4))


def test_page_count_comes_from_the_pages_present(tmp_path: Path) -> None:
    # /Count says 1; the tree holds 3 pages: both engines count 3.
    data = hostile.text_pdf(pages=3, count=1)
    for engine in ("pdfium", "pdfplumber"):
        assert parse_file_bytes(tmp_path, data, pdf_engine=engine).page_count == 3


def test_when_both_engines_fail_the_hint_says_so(tmp_path: Path) -> None:
    with pytest.raises(EncryptedFileError, match="password-protected") as info:
        parse_file_bytes(tmp_path, hostile.encrypted_pdf("user-secret"))
    assert "pdfium" in info.value.hint and "pdfplumber" in info.value.hint
    assert "unprotected copy" in info.value.hint
