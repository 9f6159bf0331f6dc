"""PDF -> blocks with pdfium (pypdfium2): one `layout.PageRecord` per page, from page objects.

The default PDF engine (`Settings.pdf_engine`; `pdf.py` holds pdfplumber's and the choice
between the two). pdfium parses each page's content in C; this module then walks the page's
objects once, descending into Form XObjects:

- a text object (one text-showing operator: a run of glyphs in one font on one baseline)
  becomes one `layout.Char` run: its text (pdfium's, with the spaces pdfium infers from
  kerning), a box like pdfminer's (from the baseline, the font's descent and the size,
  along the glyphs' extent), the size in points, the font's base name, bold and italic
  (from the name, the font's weight and its descriptor flags), and its direction;
- a path object made of straight segments becomes ruling lines and rectangles exactly as
  pdfminer reads them (an `m l` subpath is a line, an axis-aligned closed `m l l l l`
  a rectangle, anything with curves nothing), for the table finder;
- image objects are counted (a page of images and no text needs OCR).

Coordinates are put in the page's displayed frame (its /Rotate applied, origin at the top
left of the media box), the frame pdfplumber uses, so `layout` gets the same records from
both engines.

pdfium has no limits of its own on what a page draws, and aborts the whole process on some
hostile files (Form XObjects that draw themselves twice); `preflight` reads the page tree
with pdfminer first (objects only, no content streams): the pages actually present, and the
worst case of Form XObject calls per page. A file pdfium must not read is handed to
pdfplumber, which counts as it goes.
"""

from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pc

from pipeline.config import Settings
from pipeline.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    ImageOnlyError,
    ResourceLimitError,
)
from pipeline.models import DocumentMetadata
from pipeline.parse import layout
from pipeline.parse.common import Parsed, clean_space

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_BOLD_NAME_RE = re.compile(r"bold|black|heavy", re.I)
_ITALIC_NAME_RE = re.compile(r"italic|oblique", re.I)
_FORCE_BOLD = 1 << 18  # font descriptor flags (PDF 32000-1, table 123)
_ITALIC = 1 << 6
_TEXT_FIXES = str.maketrans({"\r": " ", "\n": " ", "\x02": "-", "\x00": None})
_SPACES_RE = re.compile(r"\s+")
_MAX_SEGMENTS = 50_000  # path segments read per page; beyond, the page is a drawing
_TEXT = pc.FPDF_PAGEOBJ_TEXT
_PATH = pc.FPDF_PAGEOBJ_PATH
_IMAGE = pc.FPDF_PAGEOBJ_IMAGE
_FORM = pc.FPDF_PAGEOBJ_FORM
_MOVETO = pc.FPDF_SEGMENT_MOVETO
_BEZIER = pc.FPDF_SEGMENT_BEZIERTO


class Unsafe(Exception):
    """The file must not be given to pdfium (it would abort the process); use pdfplumber."""


def parse(path: Path, data: bytes, settings: Settings) -> Parsed:
    """Parse the PDF `data` (the bytes of `path`) into blocks with pdfium.

    Raises `Unsafe` when pdfium must not read the file.
    """
    present = preflight(path, data, settings)
    pdf = _open(path, data)
    try:
        return _parse_document(path, pdf, present, settings)
    finally:
        pdf.close()


def _open(path: Path, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = exc.err_code
        if code == pc.FPDF_ERR_PASSWORD:
            raise EncryptedFileError(path, "the PDF is password-protected") from None
        if code == pc.FPDF_ERR_SECURITY:
            raise EncryptedFileError(
                path, "the PDF's encryption is not supported (unknown security handler)"
            ) from None
        if code == pc.FPDF_ERR_SUCCESS or code is None:  # opened, but no page tree
            raise EmptyFileError(path, "the PDF has no pages") from None
        raise CorruptFileError(path, f"the PDF structure cannot be read ({exc})") from None


def _parse_document(
    path: Path, pdf: pdfium.PdfDocument, present: int | None, settings: Settings
) -> Parsed:
    raw = pdf.raw
    count = pc.FPDF_GetPageCount(raw)
    if max(count, present or 0) > settings.max_pages:
        raise _too_many_pages(path, max(count, present or 0), settings)
    reader = _PageReader(path, settings)
    layouts: list[layout.PageLayout] = []
    loaded = chars = images = 0
    for index in range(max(count, present or 0)):
        page = pc.FPDF_LoadPage(raw, index)
        if not page:
            if present is not None and index < present:
                # The page tree holds pages pdfium does not see (a /Count that lies):
                # let pdfplumber, which walks the tree, read the file.
                raise CorruptFileError(path, f"pdfium cannot load page {index + 1} of {present}")
            continue
        loaded += 1
        try:
            record, n_images = reader.read(page, index + 1)
        finally:
            pc.FPDF_ClosePage(page)
        chars += len(record.chars)
        images += n_images
        layouts.append(layout.page_to_layout(record))
    if not loaded:
        raise EmptyFileError(path, "the PDF has no pages")
    if chars == 0:
        if images:
            raise ImageOnlyError(path, "the PDF has images but no text (scanned pages)")
        raise EmptyFileError(path, "the PDF has no text")
    blocks, first_text = layout.layouts_to_blocks(layouts)
    from pipeline.parse.pdf import FILE_TITLE_RE, pdf_date_to_iso

    info = _metadata(pdf)
    title = info.get("Title")
    if title and FILE_TITLE_RE.fullmatch(title):
        title = None
    return Parsed(
        blocks=blocks,
        page_count=loaded,
        title=title or first_text,
        metadata=DocumentMetadata(
            author=info.get("Author"),
            created=pdf_date_to_iso(info.get("CreationDate")),
            modified=pdf_date_to_iso(info.get("ModDate")),
        ),
    )


def _metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    out = {}
    for key in ("Title", "Author", "CreationDate", "ModDate"):
        n = pc.FPDF_GetMetaText(pdf.raw, key.encode("ascii"), None, 0)
        if n <= 2:
            continue
        buf = ctypes.create_string_buffer(n)
        pc.FPDF_GetMetaText(pdf.raw, key.encode("ascii"), buf, n)
        text = clean_space(buf.raw[: n - 2].decode("utf-16-le", errors="replace"))
        if text:
            out[key] = text
    return out


def _too_many_pages(path: Path, count: int, settings: Settings) -> ResourceLimitError:
    return ResourceLimitError(
        path, f"the PDF has {count:,} pages, over the limit of max_pages={settings.max_pages:,}"
    )


# --------------------------------------------------------------------------- preflight


def preflight(path: Path, data: bytes, settings: Settings) -> int | None:
    """The pages actually present (None when pdfminer cannot tell), read with pdfminer.

    Refuses a file over `max_pages` or whose Form XObjects would be drawn more than
    `max_forms_per_page` times on a page; raises `Unsafe` for Form XObjects that draw
    themselves (pdfium aborts on some). Only the object tree is read, not the content.
    """
    import io

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        pages = PDFPage.create_pages(doc)
    except Exception:  # encrypted, broken: pdfium says what it makes of it
        return None
    count = 0
    memo: dict[int, int] = {}
    try:
        for page in pages:
            count += 1
            if count > settings.max_pages:
                continue  # counted to the end, to report the real number
            if _content_bytes(page.contents) > _MAX_CONTENT_BYTES:
                raise Unsafe("a page's content is too large for pdfium to read within limits")
            calls = _form_calls(page.resources, memo, set(), settings.max_forms_per_page)
            if calls > settings.max_forms_per_page:
                raise ResourceLimitError(
                    path,
                    f"page {count} draws Form XObjects more than "
                    f"{settings.max_forms_per_page:,} times, over the limit of "
                    f"max_forms_per_page={settings.max_forms_per_page:,}",
                )
    except (ResourceLimitError, Unsafe):
        raise
    except Exception:
        return None
    if count > settings.max_pages:
        raise _too_many_pages(path, count, settings)
    return count


# pdfium builds every object of a page before it can be counted (2,000,000 `(x) Tj` take
# 1.5 GB); a page whose content streams are larger than this (compressed) goes to pdfplumber,
# which stops at the limits as it reads.
_MAX_CONTENT_BYTES = 4 << 20


def _content_bytes(contents: Any) -> int:
    from pdfminer.pdftypes import PDFStream, resolve1

    total = 0
    for ref in contents or ():
        obj = resolve1(ref)
        if isinstance(obj, PDFStream):
            raw = obj.rawdata if obj.rawdata is not None else obj.data
            total += _inflated_size(obj, raw or b"", _MAX_CONTENT_BYTES + 1 - total)
            if total > _MAX_CONTENT_BYTES:
                break
    return total


def _inflated_size(stream: Any, raw: bytes, cap: int) -> int:
    """The size of a Flate stream once inflated, counted up to `cap` (else its raw size)."""
    import zlib

    from pdfminer.pdftypes import resolve1

    filters = resolve1(stream.get("Filter"))
    names = filters if isinstance(filters, list) else [filters]
    if stream.rawdata is None or [getattr(resolve1(f), "name", "") for f in names] != [
        "FlateDecode"
    ]:
        return len(raw)
    try:
        return len(zlib.decompressobj().decompress(raw, max(cap, 1)))
    except zlib.error:
        return len(raw)


_DO_RE = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")
_MAX_FORM_BYTES = 1 << 20  # a form's content read to count its calls (compressed size)


def _xobjects(resources: Any) -> dict[str, Any]:
    from pdfminer.pdftypes import resolve1

    resources = resolve1(resources)
    xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    return xobjects if isinstance(xobjects, dict) else {}


def _form_calls(resources: Any, memo: dict[int, int], stack: set[int], limit: int) -> int:
    """Form XObject drawings a page leads to when it draws each form it names once."""
    total = 0
    for ref in _xobjects(resources).values():
        total += _form_cost(ref, memo, stack, limit)
        if total > limit:
            break
    return total


def _form_cost(ref: Any, memo: dict[int, int], stack: set[int], limit: int) -> int:
    """Drawings caused by drawing `ref` once: 1 for a form plus what its content calls."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

    obj = resolve1(ref)
    if not isinstance(obj, PDFStream):
        return 0
    if getattr(resolve1(obj.get("Subtype")), "name", None) != "Form":
        return 0
    key = ref.objid if isinstance(ref, PDFObjRef) else id(obj)
    if key in stack:
        raise Unsafe("a Form XObject draws itself")
    if key in memo:
        return memo[key]
    inner = _xobjects(obj.get("Resources"))
    cost = 1
    if inner:
        stack.add(key)
        try:
            raw = obj.rawdata
            body = obj.get_data() if raw is None or len(raw) < _MAX_FORM_BYTES else b""
        except Exception:
            body = b""
        calls: dict[bytes, int] = {}
        for name in _DO_RE.findall(body):
            calls[name] = calls.get(name, 0) + 1
        for name, times in calls.items():
            sub = inner.get(name.decode("latin-1"))
            if sub is not None:
                cost += times * _form_cost(sub, memo, stack, limit)
                if cost > limit:
                    break
        stack.discard(key)
    memo[key] = cost
    return cost


# --------------------------------------------------------------------------- pages


@dataclass
class _Font:
    name: str
    bold: bool
    italic: bool
    descent: float  # at size 1, negative


@dataclass
class _PageState:
    upright: list[layout.Char] = field(default_factory=list)
    sideways: list[tuple[layout.Char, float]] = field(default_factory=list)
    lines: list[layout.Rule] = field(default_factory=list)
    rects: list[layout.Rule] = field(default_factory=list)
    images: int = 0
    objects: int = 0
    forms: int = 0
    segments: int = 0


class _PageReader:
    """Reads pdfium pages into `PageRecord`s; keeps buffers and the fonts seen."""

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self.settings = settings
        self.fonts: dict[int, _Font] = {}
        self.text_buf = (ctypes.c_ushort * 4096)()
        self.matrix = pc.FS_MATRIX()
        self.l, self.b, self.r, self.t = (ctypes.c_float() for _ in range(4))
        self.size = ctypes.c_float()
        self.px, self.py = ctypes.c_float(), ctypes.c_float()
        self.close = ctypes.c_int()
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.box = tuple(ctypes.c_double() for _ in range(4))
        self.full: str | None = None
        self.cursor = 0

    def read(self, page: Any, number: int) -> tuple[layout.PageRecord, int]:
        width, height, display = _display_frame(page)
        textpage = pc.FPDFText_LoadPage(page)
        if not textpage:
            raise CorruptFileError(self.path, f"page {number} cannot be read (pdfium)")
        try:
            n_chars = pc.FPDFText_CountChars(textpage)
            if n_chars > self.settings.max_chars_per_page:
                raise ResourceLimitError(
                    self.path,
                    f"page {number} has {n_chars:,} characters, over the limit of "
                    f"max_chars_per_page={self.settings.max_chars_per_page:,}",
                )
            state = _PageState()
            self.textpage = textpage
            self.height = height
            self.display = display
            self.full = _page_text(textpage, n_chars)
            self.cursor = 0
            self._walk(page, pc.FPDFPage_CountObjects, pc.FPDFPage_GetObject, display, state, 0)
        finally:
            pc.FPDFText_ClosePage(textpage)
        self._check(state, number)
        record = layout.upright_record(
            number, width, height, state.upright, state.sideways, (state.lines, state.rects)
        )
        return record, state.images

    def _check(self, state: _PageState, number: int) -> None:
        s = self.settings
        if state.forms > s.max_forms_per_page:
            what, limit, name = "Form XObject and image calls", s.max_forms_per_page, "max_forms"
        elif state.objects > s.max_objects_per_page:
            what = "drawing objects (paths, images, Form XObject calls)"
            limit, name = s.max_objects_per_page, "max_objects"
        else:
            return
        raise ResourceLimitError(
            self.path,
            f"page {number} has more than {limit:,} {what}, over the limit of "
            f"{name}_per_page={limit:,}",
        )

    def _walk(
        self, parent: Any, count: Any, get: Any, matrix: _Matrix, state: _PageState, depth: int
    ) -> None:
        n = count(parent)
        for i in range(n):
            obj = get(parent, i)
            kind = pc.FPDFPageObj_GetType(obj)
            if kind == _TEXT:
                self._text(obj, matrix, state)
                continue
            state.objects += 1
            if kind == _PATH:
                if state.segments < _MAX_SEGMENTS:
                    self._path(obj, matrix, state)
            elif kind == _IMAGE:
                state.images += 1
                state.forms += 1
            elif kind == _FORM:
                state.forms += 1
                if depth < 32 and state.forms <= self.settings.max_forms_per_page:
                    inner = _mul(self._matrix(obj), matrix)
                    self._walk(
                        obj, pc.FPDFFormObj_CountObjects, pc.FPDFFormObj_GetObject, inner,
                        state, depth + 1,
                    )  # fmt: skip
            if state.objects > self.settings.max_objects_per_page:
                return

    def _matrix(self, obj: Any) -> _Matrix:
        m = self.matrix
        if not pc.FPDFPageObj_GetMatrix(obj, m):
            return _IDENTITY
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def _font(self, obj: Any) -> _Font:
        font = pc.FPDFTextObj_GetFont(obj)
        key = ctypes.cast(font, ctypes.c_void_p).value or 0
        known = self.fonts.get(key)
        if known is not None:
            return known
        name = ""
        if font:
            n = pc.FPDFFont_GetBaseFontName(font, None, 0)
            if n > 1:
                buf = ctypes.create_string_buffer(n)
                pc.FPDFFont_GetBaseFontName(font, buf, n)
                name = buf.value.decode("utf-8", errors="replace")
        flags = pc.FPDFFont_GetFlags(font) if font else 0
        flags = flags if flags > 0 else 0
        descent = ctypes.c_float()
        if not font or not pc.FPDFFont_GetDescent(font, 1000.0, descent):
            descent.value = 0.0
        known = _Font(
            name=name,
            bold=bool(_BOLD_NAME_RE.search(name)) or bool(flags & _FORCE_BOLD),
            italic=bool(_ITALIC_NAME_RE.search(name)) or bool(flags & _ITALIC),
            descent=min(0.0, max(-0.5, descent.value / 1000.0)),
        )
        self.fonts[key] = known
        return known

    def _text(self, obj: Any, container: _Matrix, state: _PageState) -> None:
        buf = self.text_buf
        n = pc.FPDFTextObj_GetText(obj, self.textpage, buf, ctypes.sizeof(buf))
        if n <= 2:
            return
        if n > ctypes.sizeof(buf):
            buf = (ctypes.c_ushort * (n // 2 + 1))()
            n = pc.FPDFTextObj_GetText(obj, self.textpage, buf, ctypes.sizeof(buf))
        raw = ctypes.string_at(buf, n - 2).decode("utf-16-le", errors="replace")
        text = raw.translate(_TEXT_FIXES)
        if not text:
            return
        a, b, c, d, e, f = _mul(self._matrix(obj), container)
        if not pc.FPDFTextObj_GetFontSize(obj, self.size):
            return
        font = self._font(obj)
        up = math.hypot(c, d)
        along = math.hypot(a, b)
        size = self.size.value * up
        if size <= 0 or along <= 0:
            return
        ux, uy = a / along, b / along  # along the baseline
        vx, vy = c / up, d / up  # towards the top of the glyphs
        # The glyphs' extent along the baseline, from pdfium's bounds (in the container's
        # space, so corners are mapped to the display frame first).
        lo, hi = 0.0, 0.0
        if pc.FPDFPageObj_GetBounds(obj, self.l, self.b, self.r, self.t):
            bl, bb, br, bt = self.l.value, self.b.value, self.r.value, self.t.value
            first = True
            for px, py in ((bl, bb), (br, bb), (bl, bt), (br, bt)):
                qx, qy = _apply(container, px, py)
                s = (qx - e) * ux + (qy - f) * uy
                if first:
                    lo = hi = s
                    first = False
                else:
                    lo, hi = min(lo, s), max(hi, s)
        d0 = font.descent * size
        d1 = d0 + size
        pieces = [(text, lo, hi)]
        if " " in raw.strip():
            pieces = self._split(obj, raw, text, lo, hi, (e, f, ux, uy), size)
        height = self.height
        upright = a * d > 0 and b * c <= 0
        for piece, p0, p1 in pieces:
            xs = (e + p0 * ux + d0 * vx, e + p1 * ux + d0 * vx)
            xs += (e + p0 * ux + d1 * vx, e + p1 * ux + d1 * vx)
            ys = (f + p0 * uy + d0 * vy, f + p1 * uy + d0 * vy)
            ys += (f + p0 * uy + d1 * vy, f + p1 * uy + d1 * vy)
            char = layout.Char(
                piece,
                min(xs),
                max(xs),
                height - max(ys),
                height - min(ys),
                font.name,
                size,
                font.bold,
                font.italic,
                sum(1 for ch in piece if not ch.isspace()) or 1,
            )
            if upright:
                state.upright.append(char)
            else:
                state.sideways.append((char, b))

    def _split(
        self,
        obj: Any,
        raw: str,
        text: str,
        lo: float,
        hi: float,
        axis: tuple[float, float, float, float],
        size: float,
    ) -> list[tuple[str, float, float]]:
        """Cut a run where its glyphs leave a gap the layout may split a line at.

        One text object can hold a whole row of a table or both columns of a page, spaced
        by kerning; pdfium then inserts a space. The gap is measured at every space between
        the boxes of the glyphs on either side (pdfium's character boxes, found through the
        page's text); the run is cut where it is wider than `layout.SOFT_GAP` font sizes.
        Returns (text, start, end along the baseline) pieces.
        """
        whole = [(text, lo, hi)]
        full = self.full
        if full is None:
            return whole
        start = full.find(raw, self.cursor)
        if start < 0:
            start = full.find(raw)
            if start < 0:
                return whole
        self.cursor = start + len(raw)
        first = start + len(raw) - len(raw.lstrip())
        found = pc.FPDFText_GetTextObject(self.textpage, first)
        if ctypes.cast(found, ctypes.c_void_p).value != ctypes.cast(obj, ctypes.c_void_p).value:
            return whole
        e, f, ux, uy = axis
        limit = layout.SOFT_GAP * size
        pieces: list[tuple[str, float, float]] = []
        begin, begin_at = 0, lo
        for m in _SPACES_RE.finditer(raw):
            left, right = m.start() - 1, m.end()
            if left < 0 or right >= len(raw):
                continue
            end_at = self._edge(start + left, e, f, ux, uy, last=True)
            next_at = self._edge(start + right, e, f, ux, uy, last=False)
            if end_at is None or next_at is None or next_at - end_at <= limit:
                continue
            pieces.append((text[begin : m.start()], begin_at, end_at))
            begin, begin_at = right, next_at
        if not pieces:
            return whole
        pieces.append((text[begin:], begin_at, hi))
        return pieces

    def _edge(
        self, index: int, e: float, f: float, ux: float, uy: float, *, last: bool
    ) -> float | None:
        """Where glyph `index` of the page's text ends (`last`) or starts, along the baseline."""
        box = self.box
        if not pc.FPDFText_GetCharBox(self.textpage, index, *box):
            return None
        left, right, bottom, top = (v.value for v in box)
        x, y = _apply(self.display, right if last else left, (bottom + top) / 2)
        return (x - e) * ux + (y - f) * uy

    def _path(self, obj: Any, container: _Matrix, state: _PageState) -> None:
        n = pc.FPDFPath_CountSegments(obj)
        if n <= 0:
            return
        state.segments += n
        if not pc.FPDFPath_GetDrawMode(obj, self.fill, self.stroke):
            return
        if not self.fill.value and not self.stroke.value:
            return
        matrix = _mul(self._matrix(obj), container)
        shape: list[str] = []
        points: list[tuple[float, float]] = []
        for i in range(n):
            seg = pc.FPDFPath_GetPathSegment(obj, i)
            kind = pc.FPDFPathSegment_GetType(seg)
            if kind == _MOVETO:
                if shape:
                    self._subpath(shape, points, state)
                shape, points = [], []
            pc.FPDFPathSegment_GetPoint(seg, self.px, self.py)
            shape.append("m" if kind == _MOVETO else "c" if kind == _BEZIER else "l")
            points.append(_apply(matrix, self.px.value, self.py.value))
            if pc.FPDFPathSegment_GetClose(seg):
                shape.append("h")
                points.append(points[0])
        if shape:
            self._subpath(shape, points, state)

    def _subpath(
        self, shape: list[str], points: list[tuple[float, float]], state: _PageState
    ) -> None:
        """pdfminer's reading of one subpath: a line, a rectangle, or nothing we use."""
        code = "".join(shape)
        if len(code) > 3 and code.endswith("lh") and _same(points[-2], points[0]):
            code = code[:-2] + "h"
            points = [*points[:-2], points[-1]]
        height = self.height
        if code in ("ml", "mlh"):
            (x0, y0), (x1, y1) = points[0], points[1]
            state.lines.append(
                layout.Rule(min(x0, x1), height - max(y0, y1), max(x0, x1), height - min(y0, y1))
            )
        elif code in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points
            square = (_eq(x0, x1) and _eq(y1, y2) and _eq(x2, x3) and _eq(y3, y0)) or (
                _eq(y0, y1) and _eq(x1, x2) and _eq(y2, y3) and _eq(x3, x0)
            )
            if square and _same(points[0], last):
                state.rects.append(
                    layout.Rule(
                        min(x0, x2), height - max(y0, y2), max(x0, x2), height - min(y0, y2)
                    )
                )


def _page_text(textpage: Any, n_chars: int) -> str | None:
    """The page's text, one character per pdfium character index (None if it does not align)."""
    if n_chars <= 0:
        return None
    buf = (ctypes.c_ushort * (n_chars + 1))()
    n = pc.FPDFText_GetText(textpage, 0, n_chars, buf)
    text = ctypes.string_at(buf, max(0, n - 1) * 2).decode("utf-16-le", errors="replace")
    return text if len(text) == n_chars else None


def _eq(a: float, b: float) -> bool:
    return abs(a - b) < 0.01


def _same(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return _eq(p[0], q[0]) and _eq(p[1], q[1])


def _mul(m: _Matrix, n: _Matrix) -> _Matrix:
    """`m` then `n` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _display_frame(page: Any) -> tuple[float, float, _Matrix]:
    """The displayed page's width and height, and the matrix from user space to it.

    The displayed frame has its origin at the bottom left of the media box (y up) after the
    page's /Rotate (clockwise); `top = height - y`.
    """
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if pc.FPDFPage_GetMediaBox(page, left, bottom, right, top):  # pdfplumber's frame
        x0, x1 = sorted((left.value, right.value))
        y0, y1 = sorted((bottom.value, top.value))
    else:
        box = pc.FS_RECTF()
        if not pc.FPDF_GetPageBoundingBox(page, box):
            box.left, box.bottom = 0.0, 0.0
            box.right, box.top = pc.FPDF_GetPageWidthF(page), pc.FPDF_GetPageHeightF(page)
        x0, x1 = sorted((box.left, box.right))
        y0, y1 = sorted((box.bottom, box.top))
    rotation = pc.FPDFPage_GetRotation(page) % 4
    w, h = x1 - x0, y1 - y0
    if rotation == 1:
        return h, w, (0.0, -1.0, 1.0, 0.0, -y0, x1)
    if rotation == 2:
        return w, h, (-1.0, 0.0, 0.0, -1.0, x1, y1)
    if rotation == 3:
        return h, w, (0.0, 1.0, -1.0, 0.0, y1, -x0)
    return w, h, (1.0, 0.0, 0.0, 1.0, -x0, -y0)
