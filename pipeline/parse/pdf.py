"""PDF -> blocks: pdfplumber reads each page once into a `PageRecord`; `layout` does the rest.

Per page, the characters (text, box, font, size), the ruling lines and the rectangles are
copied into slots dataclasses in one walk over pdfplumber's objects, then the page's cache is
released (`page.close()`; pdfplumber keeps several MB per page otherwise). The page is
turned into lines and tables right away, so only lines are kept across pages; running
headers, footers and page numbers are removed once all pages are read.

Pages whose text runs vertically (a landscape table printed on a rotated page) are turned
upright first. Errors are the project's own: encrypted, corrupt, image-only (needs OCR),
empty, or over the page/character limits in `Settings`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTImage, LTLine, LTRect
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import resolve1
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.config import Settings
from pipeline.errors import (
    MEMORY_HINT,
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    ImageOnlyError,
    ResourceLimitError,
)
from pipeline.models import DocumentMetadata
from pipeline.parse import layout
from pipeline.parse.common import Parsed, clean_space

_PDF_DATE_RE = re.compile(
    r"(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz])|([+-])(\d{2})'?(\d{2})?)?"
)
# Titles that are file names or placeholders, not a document's title.
FILE_TITLE_RE = _FILE_TITLE_RE = re.compile(
    r".*\.(?:docx?|dotx?|pptx?|xlsx?|pdf|odt|odp|rtf|txt|html?|indd|qxd|tex|exe)|untitled|\W*",
    re.I,
)


def parse(path: Path, data: bytes, settings: Settings) -> Parsed:
    """Parse the PDF `data` (the bytes of `path`) into blocks, page by page."""
    pdf = _open(path, data)
    with pdf:
        declared = _declared_page_count(pdf)
        if declared is not None and declared > settings.max_pages:
            raise _too_many_pages(path, declared, settings)
        try:
            pages = pdf.pages
        except PdfminerException as exc:
            raise _pdfminer_error(path, exc) from None
        if not pages:
            if not pdf.doc.catalog:  # the trailer's /Root led nowhere
                raise CorruptFileError(
                    path,
                    "the PDF's catalog cannot be found: its cross-reference table (xref) is broken",
                )
            raise EmptyFileError(path, "the PDF has no pages")
        if len(pages) > settings.max_pages:
            raise _too_many_pages(path, len(pages), settings)
        layouts: list[layout.PageLayout] = []
        chars = images = 0
        for page in pages:
            try:
                record, n_images = page_to_record(path, page, settings)
            finally:
                page.close()
            chars += len(record.chars)
            images += n_images
            layouts.append(layout.page_to_layout(record))
        if chars == 0:
            if images:
                raise ImageOnlyError(path, "the PDF has images but no text (scanned pages)")
            raise EmptyFileError(path, "the PDF has no text")
        blocks, first_text = layout.layouts_to_blocks(layouts)
        info = pdf.metadata or {}
        title = _text(info.get("Title"))
        if title and _FILE_TITLE_RE.fullmatch(title):
            title = None
        return Parsed(
            blocks=blocks,
            page_count=len(pages),
            title=title or first_text,
            metadata=DocumentMetadata(
                author=_text(info.get("Author")),
                created=pdf_date_to_iso(info.get("CreationDate")),
                modified=pdf_date_to_iso(info.get("ModDate")),
            ),
        )


def _open(path: Path, data: bytes) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise _pdfminer_error(path, exc) from None


def _pdfminer_error(path: Path, exc: PdfminerException) -> Exception:
    """Translate pdfplumber's wrapper of a pdfminer error into a project error."""
    cause = exc.args[0] if exc.args else exc
    if isinstance(cause, PDFPasswordIncorrect):
        return EncryptedFileError(path, "the PDF is password-protected")
    if isinstance(cause, PDFEncryptionError):
        return EncryptedFileError(path, f"the PDF's encryption is not supported ({cause})")
    reason = str(cause) or type(cause).__name__
    return CorruptFileError(path, f"the PDF structure cannot be read ({reason[:200]})")


def _too_many_pages(path: Path, count: int, settings: Settings) -> ResourceLimitError:
    return ResourceLimitError(
        path, f"the PDF has {count:,} pages, over the limit of max_pages={settings.max_pages:,}"
    )


def _declared_page_count(pdf: Any) -> int | None:
    """The page tree's /Count, read without building the pages (None when unreadable)."""
    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:  # a broken page tree is reported when the pages are built
        return None
    return count if isinstance(count, int) else None


class _PageOverLimit(Exception):
    """Raised by `_BoundedAggregator` as soon as a page exceeds a limit."""

    def __init__(self, what: str, limit: int, setting: str) -> None:
        super().__init__(what)
        self.what, self.limit, self.setting = what, limit, setting


class _BoundedAggregator(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's page device, counting what pdfminer renders as it goes.

    pdfminer builds one layout object per character, path, image and Form XObject call
    (about 1 KB each), and a page can ask for millions: a content stream of 2,000,000
    `(x) Tj`, or Form XObjects that each draw the next one four times, twelve deep (pdfminer
    refuses cycles, not fan-out). Counting here stops such a page at the limit, within
    seconds and a few hundred MB, instead of after minutes and gigabytes.
    """

    def __init__(self, rsrcmgr: Any, pageno: int, laparams: Any, settings: Settings) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=laparams)
        self.max_chars = settings.max_chars_per_page
        self.max_objects = settings.max_objects_per_page
        self.max_forms = settings.max_forms_per_page
        self.n_chars = self.n_objects = self.n_forms = 0

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.n_chars += 1
        if self.n_chars > self.max_chars:
            raise _PageOverLimit("characters", self.max_chars, "max_chars_per_page")
        return super().render_char(*args, **kwargs)

    def _count_object(self) -> None:
        self.n_objects += 1
        if self.n_objects > self.max_objects:
            raise _PageOverLimit(
                "drawing objects (paths, images, Form XObject calls)",
                self.max_objects,
                "max_objects_per_page",
            )

    def begin_figure(self, *args: Any, **kwargs: Any) -> None:
        self.n_forms += 1  # pdfminer calls this once per image or Form XObject drawn
        if self.n_forms > self.max_forms:
            raise _PageOverLimit(
                "Form XObject and image calls", self.max_forms, "max_forms_per_page"
            )
        self._count_object()
        super().begin_figure(*args, **kwargs)

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        self._count_object()
        super().paint_path(*args, **kwargs)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self._count_object()
        super().render_image(*args, **kwargs)


def _bounded_layout(page: Any, settings: Settings) -> None:
    """Lay the page out with `_BoundedAggregator` and hand the result to pdfplumber.

    This is what pdfplumber's `Page.layout` does, with the counting device; pdfplumber then
    finds `page._layout` set and builds its objects from it.
    """
    if hasattr(page, "_layout"):
        return
    device = _BoundedAggregator(page.pdf.rsrcmgr, page.page_number, page.pdf.laparams, settings)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()


def page_to_record(path: Path, page: Any, settings: Settings) -> tuple[layout.PageRecord, int]:
    """Copy one pdfplumber page into a `PageRecord`; also return its number of images."""
    over: _PageOverLimit | None = None
    try:
        _bounded_layout(page, settings)
        objects = layout_objects(page)
        ox, oy = float(page.bbox[0]), float(page.bbox[1])
        width, height = float(page.width), float(page.height)
    except _PageOverLimit as exc:
        over = exc
    except Exception as exc:  # pdfminer raises many types on broken content streams
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, MemoryError):
            raise ResourceLimitError(
                path, f"page {page.page_number} needs more memory than is available", MEMORY_HINT
            ) from None
        raise CorruptFileError(
            path, f"page {page.page_number} cannot be read ({type(exc).__name__}: {exc})"
        ) from exc
    if over is not None:
        raise ResourceLimitError(
            path,
            f"page {page.page_number} has more than {over.limit:,} {over.what}, over the "
            f"limit of {over.setting}={over.limit:,}",
        )
    raw_chars = objects["char"]
    if len(raw_chars) > settings.max_chars_per_page:
        raise ResourceLimitError(
            path,
            f"page {page.page_number} has {len(raw_chars):,} characters, over the limit of "
            f"max_chars_per_page={settings.max_chars_per_page:,}",
        )
    # One walk over the characters; sideways ones are set aside and used (turned upright)
    # only when they are most of the page.
    upright: list[layout.Char] = []
    sideways: list[tuple[layout.Char, float]] = []
    for text, x0, x1, top, bottom, font, size, is_upright, direction in raw_chars:
        if not text:
            continue
        char = layout.Char(text, x0 - ox, x1 - ox, top - oy, bottom - oy, font, size)
        if is_upright:
            upright.append(char)
        else:
            sideways.append((char, direction))
    rules = (_rules(objects["line"], ox, oy), _rules(objects["rect"], ox, oy))
    record = layout.upright_record(page.page_number, width, height, upright, sideways, rules)
    return record, len(objects["image"])


_Box = tuple[float, float, float, float]  # x0, x1, top, bottom in pdfplumber's page space


def layout_objects(page: Any) -> dict[str, list[Any]]:
    """Characters, lines, rectangles and images of the page's pdfminer layout, as tuples.

    The same coordinates pdfplumber's `Page.objects` gives (top-left origin, shifted by the
    MediaBox), read straight from the layout: pdfplumber turns every object into a dict of
    all its attributes first, which costs more than the rest of our parsing together.
    Characters: (text, x0, x1, top, bottom, fontname, size, upright, direction).
    """
    height = float(page.height)
    mb_x0, mb_top = (float(v) for v in page.mediabox[:2])
    out: dict[str, list[Any]] = {"char": [], "line": [], "rect": [], "image": []}
    stack = [iter(page.layout._objs)]
    while stack:
        obj = next(stack[-1], None)
        if obj is None:
            stack.pop()
            continue
        if isinstance(obj, LTContainer):
            stack.append(iter(obj._objs))
            continue
        kind = _KINDS.get(type(obj))
        if kind is None:
            continue
        top, bottom = height - obj.y1 + mb_top, height - obj.y0 + mb_top
        x0, x1 = obj.x0 + mb_x0, obj.x1 + mb_x0
        if kind == "char":
            font = obj.fontname
            if isinstance(font, bytes):
                font = font.decode("utf-8", "replace")
            matrix = obj.matrix or (0.0, 0.0)
            out["char"].append(
                (
                    obj.get_text(),
                    x0,
                    x1,
                    top,
                    bottom,
                    str(font),
                    float(obj.size),
                    bool(obj.upright),
                    float(matrix[1]),
                )
            )
        else:
            out[kind].append((x0, x1, top, bottom))
    return out


_KINDS = {LTChar: "char", LTLine: "line", LTRect: "rect", LTImage: "image"}


def _rules(objs: Iterable[_Box], ox: float, oy: float) -> list[layout.Rule]:
    return [
        layout.Rule(float(x0) - ox, float(top) - oy, float(x1) - ox, float(bottom) - oy)
        for x0, x1, top, bottom in objs
    ]


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("latin-1", errors="replace")
    if not isinstance(value, str):
        return None
    return clean_space(value) or None


def pdf_date_to_iso(value: Any) -> str | None:
    """Convert a PDF date ("D:20261123113037Z'", "D:20180101120000+01'00'") to ISO 8601.

    >>> pdf_date_to_iso("D:20261123113037Z'")
    '2026-11-23T11:30:37Z'
    >>> pdf_date_to_iso("D:20180101120000+01'00'")
    '2018-01-01T12:00:00+01:00'
    """
    text = _text(value)
    if not text:
        return None
    m = _PDF_DATE_RE.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second, zulu, sign, tz_h, tz_m = m.groups()
    if not (month is None or 1 <= int(month) <= 12) or not (day is None or 1 <= int(day) <= 31):
        return None
    if not (hour is None or int(hour) <= 23) or not (minute is None or int(minute) <= 59):
        return None
    out = year
    if month:
        out += f"-{month}"
        if day:
            out += f"-{day}"
            if hour:
                out += f"T{hour}:{minute or '00'}:{second or '00'}"
                if zulu:
                    out += "Z"
                elif sign:
                    out += f"{sign}{tz_h}:{tz_m or '00'}"
    return out
