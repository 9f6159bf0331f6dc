"""Word (.docx) -> blocks, in document order, with page numbers where Word left them.

The body is walked element by element (paragraphs and tables interleaved, content controls
entered), reading the XML through python-docx's element tree: list numbers, heading levels,
bold and font sizes are resolved from the paragraph, its styles and the numbering
definitions, none of which python-docx computes.

Pages: Word records where pages ended when it last saved the file
(`w:lastRenderedPageBreak`); explicit page breaks, page-break-before paragraphs and
new-page section breaks count too. A file never laid out by Word (e.g. written by
python-docx) that has no breaks is one page. Headers, footers and footnotes are not read.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import docx

from pipeline.config import Settings
from pipeline.errors import CorruptFileError, ResourceLimitError, UnsupportedFormatError
from pipeline.models import Block, BlockKind, TableCellRef
from pipeline.parse.common import (
    BOLD_HEADING_LEVEL,
    Parsed,
    clean_space,
    mark_spaced_number,
    split_marker,
)
from pipeline.parse.ooxml import bullet_glyph, check_package, core_metadata, format_number

log = logging.getLogger(__name__)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
DEFAULT_HALF_POINTS = 20  # Word's size when no style sets one: 10 pt

_HEADING_RE = re.compile(r"heading (\d)")
_LIST_STYLE_RE = re.compile(r"list(?: bullet| number| paragraph)?(?: \d)?")
_LIST_LEVEL_RE = re.compile(r"^list(?: bullet| number)? ([2-9])$")
_REFERENCE_STYLE_RE = re.compile(r"(?:foot|end)note ?reference", re.I)
_LEVEL_REF_RE = re.compile(r"%(\d)")
_LINE_BREAK_RE = re.compile(r"[\v\n\r\u2028\u2029]")
_NO_BREAK_SECTIONS = frozenset({"continuous", "nextColumn"})
_INLINE_CONTAINERS = frozenset(
    {"hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "dir", "bdo"}
)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class _Para:
    """A paragraph's text and what decides its block: kind, level, marker, formatting."""

    text: str
    page: int
    kind: BlockKind
    level: int = 0
    heading_level: int | None = None
    marker: str | None = None
    bold: bool = False
    sizes: Counter[float] = field(default_factory=Counter)
    table: TableCellRef | None = None

    @property
    def size(self) -> float | None:
        return self.sizes.most_common(1)[0][0] if self.sizes else None


@dataclass
class _CellContext:
    """The table cell a paragraph sits in (headers filled while row 0 is read)."""

    table_id: str
    row: int
    col: int
    n_rows: int
    headers: dict[int, str]

    def ref(self) -> TableCellRef:
        is_header = self.n_rows > 1 and self.row == 0
        header = None if is_header or self.n_rows < 2 else (self.headers.get(self.col) or None)
        return TableCellRef(
            table_id=self.table_id, row=self.row, col=self.col, header=header, is_header=is_header
        )


def parse(path: Path, data: bytes, settings: Settings) -> Parsed:
    """Parse a .docx file's bytes into blocks (pages from Word's recorded page breaks)."""
    check_package(path, data, settings, main_part="word/document.xml")
    document = _open(path, data)
    body = document.element.body
    if body is None:
        raise CorruptFileError(path, "word/document.xml has no body")
    styles = _Styles(document.styles.element)
    numbering = _Numbering(_numbering_root(document), styles)
    reader = _BodyReader(path, styles, numbering, settings.max_pages, _section_breaks(body))
    reader.read(body)
    blocks = paras_to_blocks(reader.paras)
    title, metadata = core_metadata(document.part.package)
    if title is None:
        title = next((b.text for b in blocks if b.kind == BlockKind.title), None)
    if title is None:
        title = next((b.text for b in blocks if b.kind == BlockKind.heading), None)
    return Parsed(blocks=blocks, page_count=reader.page, title=title, metadata=metadata)


def _open(path: Path, data: bytes) -> Any:
    """python-docx's Document, with its two common refusals turned into our errors."""
    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as exc:
        if "not a Word file" not in str(exc):
            raise
        raise UnsupportedFormatError(
            path,
            "this is a Word template or macro-enabled document, not a plain .docx",
            "Save it as a Word Document (.docx) and run again.",
        ) from None
    except KeyError as exc:  # python-docx loads every related part up front
        missing = re.search(r"no item named '([^']+)'", str(exc))
        if missing is None:
            raise
        raise CorruptFileError(
            path, f"the package refers to {missing.group(1)}, which it does not contain"
        ) from None


_BOLD_HEADING_MAX_WORDS = 12


def _bold_heading(para: _Para) -> bool:
    """A paragraph set in bold, short and with no sentence end ('Immediate next steps') heads
    what follows: a sub-heading typed by hand rather than styled. A bold label ending in ':'
    stays a paragraph, the label line the candidates read (as in Markdown and plain text)."""
    text = para.text.rstrip()
    return (
        para.kind == BlockKind.paragraph
        and para.bold
        and para.marker is None
        and len(text) <= 120
        and _heading_shaped(text)
        and (text[:1].isupper() or text[:1].isdigit())
    )


def _heading_shaped(text: str) -> bool:
    """Short, with no sentence end and not a 'Label:'."""
    return len(text.split()) <= _BOLD_HEADING_MAX_WORDS and not text.endswith(
        (".", "!", ";", ",", ":")
    )


def _typed_section_heading(para: _Para, following: _Para | None, body: float | None) -> bool:
    """'3.1 Togo' typed in bold, larger than the body text and followed by prose: a section
    heading numbered by hand, not a one-item list."""
    return (
        para.kind == BlockKind.list_item
        and para.table is None
        and para.bold
        and para.marker is not None
        and para.marker[:1].isdigit()
        and body is not None
        and para.size is not None
        and para.size > body
        and _heading_shaped(para.text.rstrip())
        and following is not None
        and following.kind != BlockKind.list_item
    )


_ORDINAL_MARKER_RE = re.compile(r"(\d+)([.)])")


def _numbers_in_turn(first: _Para | None, second: _Para | None) -> bool:
    """'1.' then '2.': two entries of one numbered list."""
    if first is None or second is None or not first.marker or not second.marker:
        return False
    one = _ORDINAL_MARKER_RE.fullmatch(first.marker)
    two = _ORDINAL_MARKER_RE.fullmatch(second.marker)
    return bool(one and two) and int(two[1]) == int(one[1]) + 1 and two[2] == one[2]


def paras_to_blocks(paras: list[_Para]) -> list[Block]:
    """Blocks with font sizes relative to the document's most common body size."""
    sizes: Counter[float] = Counter()
    for para in paras:
        if para.kind not in (BlockKind.title, BlockKind.heading):
            sizes.update(para.sizes)
    body = sizes.most_common(1)[0][0] if sizes else None
    # From the end: '3. Interventions' above '3.1 Togo' heads once '3.1 Togo' does.
    triples = list(zip([None, *paras[:-1]], paras, [*paras[1:], None], strict=True))
    for before, para, following in reversed(triples):
        if _typed_section_heading(para, following, body) and not (
            _numbers_in_turn(before, para) or _numbers_in_turn(para, following)
        ):
            para.kind, para.heading_level = BlockKind.heading, BOLD_HEADING_LEVEL
    return [
        Block(
            kind=p.kind,
            text=p.text,
            page=p.page,
            level=p.level,
            heading_level=p.heading_level,
            marker=p.marker,
            font_size_ratio=round(p.size / body, 2) if p.size and body else None,
            bold=p.bold,
            table=p.table,
        )
        for p in paras
    ]


def _numbering_root(document: Any) -> Any:
    """The numbering part's root element, or None (reading it must not create one)."""
    try:
        part = document.part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
        )
        return part.element
    except Exception as exc:  # absent or unreadable: lists keep their text, lose numbers
        log.debug("no numbering definitions: %s", exc)
        return None


def _section_breaks(body: Any) -> set[int]:
    """ids of the paragraph-level `w:sectPr` after which the next section starts a new page.

    A section's properties sit at its end; its successor's `w:type` says whether the
    successor starts on a new page (the default) or continues on the same one.
    """
    sects = [s for s in body.iter(_w("sectPr")) if s.getparent().tag in (_w("pPr"), _w("body"))]
    breaks = set()
    for current, following in itertools.pairwise(sects):
        kind = following.find("w:type", NS)
        kind_val = kind.get(_w("val"), "nextPage") if kind is not None else "nextPage"
        if kind_val not in _NO_BREAK_SECTIONS:
            breaks.add(id(current))
    return breaks


# --- styles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _StyleInfo:
    """What a paragraph or character style (with its basedOn chain) says."""

    names: tuple[str, ...]
    outline: int | None
    num_id: str | None
    ilvl: int | None
    bold: bool | None
    half_points: int | None


class _Styles:
    """Style lookups along `w:basedOn` chains, cached per style id."""

    def __init__(self, root: Any) -> None:
        self._by_id = {
            s.get(_w("styleId")): s for s in root.findall("w:style", NS) if s.get(_w("styleId"))
        }
        default = next(
            (
                s
                for s in root.findall("w:style", NS)
                if s.get(_w("type")) == "paragraph" and _on(s.get(_w("default")), False)
            ),
            None,
        )
        self.default_paragraph = default.get(_w("styleId")) if default is not None else None
        defaults = root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
        self.default_bold = _flag(defaults.find("w:b", NS)) if defaults is not None else None
        size = defaults.find("w:sz", NS) if defaults is not None else None
        self.default_half_points = _int(_val(size), DEFAULT_HALF_POINTS)
        self.info = cache(self._info)

    def _chain(self, style_id: str | None) -> list[Any]:
        chain, seen = [], set()
        while style_id and style_id not in seen and len(chain) < 20:
            seen.add(style_id)
            style = self._by_id.get(style_id)
            if style is None:
                break
            chain.append(style)
            style_id = _val(style.find("w:basedOn", NS))
        return chain

    def _info(self, style_id: str | None) -> _StyleInfo:
        chain = self._chain(style_id)
        names = tuple(str(_val(s.find("w:name", NS)) or "").lower() for s in chain)

        def first(path: str) -> Any:
            return next((el for s in chain if (el := s.find(path, NS)) is not None), None)

        outline = first("w:pPr/w:outlineLvl")
        num_id = first("w:pPr/w:numPr/w:numId")
        ilvl = first("w:pPr/w:numPr/w:ilvl")
        size = first("w:rPr/w:sz")
        bold = first("w:rPr/w:b")
        return _StyleInfo(
            names=names,
            outline=_int(_val(outline), 9) if outline is not None else None,
            num_id=_val(num_id),
            ilvl=_int(_val(ilvl), 0) if ilvl is not None else None,
            bold=_flag(bold) if bold is not None else None,
            half_points=(_int(_val(size), 0) or None) if size is not None else None,
        )


# --- numbering -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int
    restart: int | None
    legal: bool
    font: str | None


def _level(lvl: Any) -> _Level:
    fonts = lvl.find("w:rPr/w:rFonts", NS)
    restart = lvl.find("w:lvlRestart", NS)
    return _Level(
        fmt=_val(lvl.find("w:numFmt", NS)) or "decimal",
        text=_val(lvl.find("w:lvlText", NS)) or "",
        start=_int(_val(lvl.find("w:start", NS)), 1),
        restart=_int(_val(restart), 1) if restart is not None else None,
        legal=lvl.find("w:isLgl", NS) is not None and _flag(lvl.find("w:isLgl", NS)),
        font=(fonts.get(_w("ascii")) or fonts.get(_w("hAnsi"))) if fonts is not None else None,
    )


class _Numbering:
    """Computes the number or bullet Word shows in front of each numbered paragraph.

    Counters live per abstract numbering definition: two `w:num` instances of one abstract
    list continue each other's numbers unless an instance overrides the start value, which
    restarts the level when that instance is first used (how Word restarts a list).
    Advancing a level restarts the deeper ones.
    """

    def __init__(self, root: Any, styles: _Styles) -> None:
        self._styles = styles
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._style_link: dict[str, str] = {}  # abstractNumId -> numbering style it defers to
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._starts: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        if root is None:
            return
        for abstract in root.findall("w:abstractNum", NS):
            abs_id = abstract.get(_w("abstractNumId"))
            if abs_id is None:
                continue
            self._abstract[abs_id] = {
                _int(lvl.get(_w("ilvl")), 0): _level(lvl) for lvl in abstract.findall("w:lvl", NS)
            }
            link = _val(abstract.find("w:numStyleLink", NS))
            if link:
                self._style_link[abs_id] = link
        for num in root.findall("w:num", NS):
            num_id = num.get(_w("numId"))
            abs_id = _val(num.find("w:abstractNumId", NS))
            if num_id is None or abs_id is None:
                continue
            starts, levels = {}, {}
            for override in num.findall("w:lvlOverride", NS):
                ilvl = _int(override.get(_w("ilvl")), 0)
                start = override.find("w:startOverride", NS)
                if start is not None:
                    starts[ilvl] = _int(_val(start), 1)
                lvl = override.find("w:lvl", NS)
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            self._nums[num_id] = (abs_id, starts, levels)

    def _abstract_id(self, num_id: str, depth: int = 0) -> str | None:
        num = self._nums.get(num_id)
        if num is None:
            return None
        abs_id = num[0]
        link = self._style_link.get(abs_id)
        if link and depth < 3:  # the levels live with the numbering style's own list
            style_num = self._styles.info(link).num_id
            if style_num and style_num != num_id:
                return self._abstract_id(style_num, depth + 1) or abs_id
        return abs_id

    def label(self, num_id: str, ilvl: int) -> tuple[str | None, bool] | None:
        """(marker, is_bullet) for the next paragraph of list `num_id` at level `ilvl`.

        None when the list or level is not defined or shows nothing (numFmt none).
        """
        abs_id = self._abstract_id(num_id)
        if abs_id is None:
            return None
        _, overrides, override_levels = self._nums[num_id]
        levels = self._abstract.get(abs_id, {}) | override_levels
        lvl = levels.get(ilvl)
        if lvl is None:
            return None
        counters = self._counters.setdefault(abs_id, {})
        starts = self._starts.setdefault(abs_id, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for level, start in overrides.items():
                counters.pop(level, None)
                starts[level] = start
        value = counters[ilvl] + 1 if ilvl in counters else starts.get(ilvl, lvl.start)
        counters[ilvl] = value
        for deeper in [d for d in counters if d > ilvl]:
            if levels.get(deeper) is None or levels[deeper].restart != 0:
                del counters[deeper]
        if lvl.fmt == "none":
            return None
        if lvl.fmt == "bullet":
            return bullet_glyph(lvl.text, lvl.font) or None, True

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            ref = levels.get(k)
            if ref is None:
                return ""
            fmt = "decimal" if lvl.legal else ref.fmt
            if fmt in ("none", "bullet"):
                return ""
            return format_number(counters.get(k, starts.get(k, ref.start)), fmt)

        return _LEVEL_REF_RE.sub(number, lvl.text).strip() or None, False


# --- the body walk ---------------------------------------------------------------------


@dataclass
class _Piece:
    """An inline event of a paragraph: text (with its formatting), a page break, a text box."""

    text: str = ""
    bold: bool = False
    half_points: int | None = None
    page_break: str | None = None  # "hard" or "rendered"
    text_box: Any = None


class _BodyReader:
    """Walks a body (or cell, text box) in document order, collecting `_Para`s and pages."""

    def __init__(
        self,
        path: Path,
        styles: _Styles,
        numbering: _Numbering,
        max_pages: int,
        section_breaks: set[int],
    ) -> None:
        self.path = path
        self.styles = styles
        self.numbering = numbering
        self.max_pages = max_pages
        self.section_breaks = section_breaks
        self.page = 1
        self.paras: list[_Para] = []
        self._text_seen = False  # breaks before the first text do not make a blank page
        self._after_hard_break = False
        self._tables_on_page: Counter[int] = Counter()

    # pages

    def _break(self, kind: str) -> None:
        if not self._text_seen:
            return
        if kind == "rendered" and self._after_hard_break:
            self._after_hard_break = False  # Word marks the page a hard break started, too
            return
        self._after_hard_break = kind == "hard"
        self.page += 1
        if self.page > self.max_pages:
            raise ResourceLimitError(
                self.path, f"the document has more than {self.max_pages:,} pages (max_pages)"
            )

    # block level

    def read(self, container: Any, cell: _CellContext | None = None) -> None:
        """Read the block-level children of a body, cell, text box or content control."""
        for child in container:
            tag = _local(child)
            if tag == "p":
                self.paragraph(child, cell)
            elif tag == "tbl":
                if cell is None:
                    self.table(child)
                else:  # a nested table: its text belongs to the outer cell
                    for tc in _cells(child):
                        self.read(tc, cell)
            elif tag == "sdt":
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    self.read(content, cell)
            elif tag in ("customXml", "ins", "moveTo"):
                self.read(child, cell)
            elif tag == "AlternateContent" and len(child):
                self.read(child[0], cell)

    def table(self, tbl: Any) -> None:
        """Cells row by row, left to right; merged cells are read once, at their origin. A
        table of one cell is a frame (a shaded side box, a callout), not data: its headings,
        paragraphs and lists are read as the body's."""
        rows = list(_rows(tbl))
        cells = [tc for tr in rows for tc in _children(tr, "tc")]
        if len(cells) == 1:
            self.read(cells[0])
            return
        self._tables_on_page[self.page] += 1
        table_id = f"p{self.page}-t{self._tables_on_page[self.page]}"
        headers: dict[int, str] = {}
        for r, tr in enumerate(rows):
            col = _int(_val(tr.find("w:trPr/w:gridBefore", NS)), 0)
            for tc in _children(tr, "tc"):
                span = max(1, _int(_val(tc.find("w:tcPr/w:gridSpan", NS)), 1))
                if not _continues_merge(tc):
                    start = len(self.paras)
                    self.read(tc, _CellContext(table_id, r, col, len(rows), headers))
                    if r == 0:
                        text = " ".join(p.text for p in self.paras[start:])
                        headers.update(dict.fromkeys(range(col, col + span), text))
                col += span

    def paragraph(self, p: Any, cell: _CellContext | None) -> None:
        ppr = p.find("w:pPr", NS)
        style_id = _val(ppr.find("w:pStyle", NS)) if ppr is not None else None
        info = self.styles.info(style_id or self.styles.default_paragraph)
        if ppr is not None and _flag(ppr.find("w:pageBreakBefore", NS)):
            self._break("hard")
        pieces: list[_Piece] = []
        self._inline(p, pieces, info)
        page = None
        texts: list[str] = []
        sizes: Counter[float] = Counter()
        bolds: list[bool] = []
        boxes = []
        for piece in pieces:
            if piece.page_break:
                self._break(piece.page_break)
            elif piece.text_box is not None:
                boxes.append(piece.text_box)
            else:
                texts.append(piece.text)
                chars = len(piece.text.strip())
                if chars:
                    if page is None:
                        page = self.page
                        self._text_seen = True
                        self._after_hard_break = False
                    sizes[piece.half_points / 2 if piece.half_points else 0] += chars
                    bolds.append(piece.bold)
        sizes.pop(0, None)
        text = clean_space(_LINE_BREAK_RE.sub(" ", mark_spaced_number("".join(texts))))
        para = self._classify(ppr, info, text, cell)
        if para is not None and page is not None:
            para.page = page
            para.bold = bool(bolds) and all(bolds)
            para.sizes = sizes
            if _bold_heading(para):
                para.kind, para.heading_level = BlockKind.heading, BOLD_HEADING_LEVEL
            self.paras.append(para)
        for box in boxes:
            self.read(box, cell)
        sect = ppr.find("w:sectPr", NS) if ppr is not None else None
        if sect is not None and id(sect) in self.section_breaks:
            self._break("hard")

    def _classify(
        self, ppr: Any, info: _StyleInfo, text: str, cell: _CellContext | None
    ) -> _Para | None:
        """Kind, level and marker of a paragraph; advances the list counters even when the
        paragraph is empty, as Word numbers empty list paragraphs too."""
        num_id, ilvl = info.num_id, info.ilvl
        own = ppr.find("w:numPr", NS) if ppr is not None else None
        if own is not None:
            num_id = _val(own.find("w:numId", NS)) or num_id
            own_ilvl = own.find("w:ilvl", NS)
            if own_ilvl is not None:
                ilvl = _int(_val(own_ilvl), 0)
        num_level = min(max(ilvl or 0, 0), 8)
        label = self.numbering.label(num_id, num_level) if num_id and num_id != "0" else None
        level = num_level
        if ilvl is None and info.names and (digit := _LIST_LEVEL_RE.search(info.names[0])):
            level = min(int(digit.group(1)) - 1, 8)  # "List Bullet 2" is a second-level list
        if not text:
            return None
        marker, numbered = (label[0], not label[1]) if label else (None, False)
        outline = ppr.find("w:outlineLvl", NS) if ppr is not None else None
        outline_level = _int(_val(outline), 9) if outline is not None else info.outline
        name = next((n for n in info.names if n == "title" or _HEADING_RE.fullmatch(n)), None)
        para = _Para(text=text, page=0, kind=BlockKind.paragraph, level=level, marker=marker)
        if cell is not None:
            para.kind = BlockKind.table_cell
            para.table = cell.ref()
        elif name == "title":
            para.kind, para.level, para.marker = BlockKind.title, 0, None
            return para
        elif name or (outline_level is not None and 0 <= outline_level < 9):
            match = _HEADING_RE.fullmatch(name or "")
            para.kind = BlockKind.heading
            para.heading_level = max(1, int(match.group(1)) if match else outline_level + 1)
            para.level = 0
            return para
        elif label or any(_LIST_STYLE_RE.fullmatch(n) for n in info.names[:1]):
            para.kind = BlockKind.list_item
        typed, rest = split_marker(text)
        if typed is not None and rest:
            para.text = rest
            para.marker = marker if numbered else typed
            if para.kind == BlockKind.paragraph:
                para.kind = BlockKind.list_item
        return para

    # inline level

    def _inline(self, el: Any, out: list[_Piece], info: _StyleInfo) -> None:
        for child in el:
            tag = _local(child)
            if tag == "r":
                self._run(child, out, info)
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, out, info)
            elif tag == "sdt":
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    self._inline(content, out, info)
            elif tag == "AlternateContent" and len(child):
                self._inline(child[0], out, info)
            elif tag in ("oMath", "oMathPara"):
                out.append(
                    _Piece(text="".join(t.text or "" for t in child.iter(f"{{{NS['m']}}}t")))
                )
            # deletions, bookmarks, proofing marks, comments: nothing to read

    def _run(self, r: Any, out: list[_Piece], info: _StyleInfo) -> None:
        rpr = r.find("w:rPr", NS)
        char_style = _val(rpr.find("w:rStyle", NS)) if rpr is not None else None
        char_info = self.styles.info(char_style) if char_style else None
        if char_info and any(_REFERENCE_STYLE_RE.fullmatch(n) for n in char_info.names):
            return  # a footnote or endnote number, not part of the sentence
        bold = _first_flag(
            rpr.find("w:b", NS) if rpr is not None else None,
            char_info.bold if char_info else None,
            info.bold,
            self.styles.default_bold,
        )
        size = rpr.find("w:sz", NS) if rpr is not None else None
        half_points = next(
            (
                v
                for v in (
                    _int(_val(size), 0) if size is not None else None,
                    char_info.half_points if char_info else None,
                    info.half_points,
                )
                if v
            ),
            self.styles.default_half_points,
        )
        for child in r:
            tag = _local(child)
            text = None
            if tag == "t":
                text = child.text or ""
            elif tag in ("tab", "ptab", "cr"):
                text = " "
            elif tag == "br":
                if child.get(_w("type")) == "page":
                    out.append(_Piece(page_break="hard"))
                else:
                    text = " "
            elif tag == "lastRenderedPageBreak":
                out.append(_Piece(page_break="rendered"))
            elif tag == "noBreakHyphen":
                text = "-"
            elif tag == "sym":
                code = _int(child.get(_w("char")), 0, base=16)
                text = bullet_glyph(chr(code), child.get(_w("font"))) if code else ""
            elif tag in ("drawing", "pict", "object", "AlternateContent"):
                out.extend(_Piece(text_box=box) for box in _text_boxes(child))
            if text:
                out.append(_Piece(text=text, bold=bold, half_points=half_points))


# --- XML helpers -----------------------------------------------------------------------


def _continues_merge(tc: Any) -> bool:
    """A cell covered by the merged cell above it (vMerge) or to its left (legacy hMerge)."""
    for name in ("w:tcPr/w:vMerge", "w:tcPr/w:hMerge"):
        merge = tc.find(name, NS)
        if merge is not None and _val(merge) != "restart":
            return True
    return False


def _rows(tbl: Any) -> Iterator[Any]:
    return _children(tbl, "tr")


def _cells(tbl: Any) -> Iterator[Any]:
    for tr in _rows(tbl):
        yield from _children(tr, "tc")


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """Children named `tag`, looking through content controls and custom XML wrappers."""
    for child in parent:
        local = _local(child)
        if local == tag:
            yield child
        elif local == "sdt":
            content = child.find("w:sdtContent", NS)
            if content is not None:
                yield from _children(content, tag)
        elif local == "customXml":
            yield from _children(child, tag)


def _text_boxes(el: Any) -> Iterator[Any]:
    """Outermost text-box contents under a drawing, once (the VML fallback copy skipped)."""
    fallback = f"{{{NS['mc']}}}Fallback"
    for box in el.iter(_w("txbxContent")):
        inside = False
        for ancestor in box.iterancestors():
            if ancestor is el:
                break
            if ancestor.tag in (fallback, _w("txbxContent")):
                inside = True
                break
        if not inside:
            yield box


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _val(el: Any) -> str | None:
    return el.get(_w("val")) if el is not None else None


def _int(value: str | None, default: int, base: int = 10) -> int:
    try:
        return int(value, base) if value is not None else default
    except ValueError:
        return default


def _on(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.lower() not in ("0", "false", "off", "none")


def _flag(el: Any) -> bool:
    """A toggle property element: present means on unless its w:val says otherwise."""
    return el is not None and _on(_val(el), True)


def _first_flag(el: Any, *inherited: bool | None) -> bool:
    if el is not None:
        return _flag(el)
    return next((v for v in inherited if v is not None), False)
