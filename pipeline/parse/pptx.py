"""PowerPoint (.pptx) -> blocks, one page per slide, in reading order.

The slide XML is read directly (through python-pptx's element tree) because what a reader
sees depends on inheritance python-pptx does not resolve: whether a paragraph shows a bullet
or an auto-number, and its font size, come from the paragraph, the shape's list style, the
layout and master placeholders and the master's text styles, in that order.

Per slide: the title first (the title placeholder, else the top-most largest text), then the
text shapes, tables and SmartArt diagrams in reading order (columns are read one after the
other, see `_reading_order`), then the speaker notes. Slide numbers, footers and dates are
dropped. Pictures, charts, media and OLE objects carry no text here and are skipped.

SmartArt: the graphic frame only points (`dgm:relIds r:dm`) to the diagram's data part,
whose points (`dgm:pt`) hold the node texts and whose `parOf` connections (`dgm:cxn`) make
the tree; a node with children gives a paragraph, its children list items one level deeper.
When the data has no text, the shapes PowerPoint drew (the diagram drawing part) are read.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pptx import Presentation

from pipeline.config import Settings
from pipeline.errors import ResourceLimitError
from pipeline.models import BBox, Block, BlockKind, TableCellRef
from pipeline.parse.common import Parsed, clean_space, mark_spaced_number, split_marker
from pipeline.parse.ooxml import (
    bullet_glyph,
    check_package,
    core_metadata,
    format_number,
    parse_part_xml,
)

log = logging.getLogger(__name__)

DIAGRAM_URI = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "dgm": DIAGRAM_URI,
    "dsp": "http://schemas.microsoft.com/office/drawing/2008/diagram",
}
EMU_PER_PT = 12_700
DEFAULT_SLIDE_HEIGHT_EMU = 6_858_000

_DROPPED_PLACEHOLDERS = frozenset({"dt", "ftr", "sldNum", "hdr"})
_TITLE_PLACEHOLDERS = frozenset({"title", "ctrTitle"})
_BODY_PLACEHOLDERS = frozenset(
    {"body", "obj", "subTitle", "tbl", "chart", "dgm", "media", "clipArt", "pic"}
)
# Layout placeholder type -> the master placeholder it inherits from.
_MASTER_TYPE = {t: "body" for t in _BODY_PLACEHOLDERS} | {"ctrTitle": "title", "title": "title"}

_PAGE_NUMBER_RE = re.compile(r"(?:(?:slide|page|p\.)\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?", re.I)
_LINE_BREAK_RE = re.compile(r"[\v\n\r\u2028\u2029]")
_AUTONUM_RE = re.compile(r"(alphaLc|alphaUc|arabic|romanLc|romanUc)(ParenBoth|ParenR|Period|Plain)")
_AUTONUM_FORMATS = {
    "alphaLc": "lowerLetter",
    "alphaUc": "upperLetter",
    "arabic": "decimal",
    "romanLc": "lowerRoman",
    "romanUc": "upperRoman",
}

GAP_TOLERANCE_PT = 4.0
"""Boxes may overlap this much and still count as separate columns or rows."""
PAGE_NUMBER_ZONE = 0.8
"""A number-only text box whose top is below this fraction of the slide height is a slide
number (decks often draw it as a plain text box, not a placeholder)."""
MAX_CUT_DEPTH = 60
"""Deeper layouts (hundreds of staggered boxes) are read top to bottom, left to right."""
MAX_DIAGRAM_DEPTH = 8
"""Deeper SmartArt nodes are read at this list level."""
MAX_WALK_DEPTH = 100
"""SmartArt nodes deeper than this (a crafted chain) are not read."""
HEADING_MAX_WORDS = 12
HEADING_MIN_RATIO = 1.2


@dataclass
class _Para:
    """One non-empty paragraph with the formatting that decides its kind."""

    text: str
    level: int
    marker: str | None
    listed: bool  # shows a bullet or a number through its formatting
    numbered: bool  # the marker is an auto-number
    bold: bool
    sizes: Counter[float]  # characters per font size (points)

    @property
    def size(self) -> float | None:
        return self.sizes.most_common(1)[0][0] if self.sizes else None


@dataclass
class _Cell:
    row: int
    col: int
    bbox: BBox | None
    paras: list[_Para]


@dataclass
class _Unit:
    """A text shape or a table, positioned on the slide (bbox in points)."""

    order: int
    bbox: BBox | None
    name: str = ""
    paras: list[_Para] = field(default_factory=list)
    cells: list[_Cell] | None = None
    headers: dict[int, str] = field(default_factory=dict)
    n_rows: int = 0
    placeholder: bool = False
    title: bool = False

    def all_paras(self) -> Iterator[_Para]:
        yield from self.paras
        for cell in self.cells or ():
            yield from cell.paras


@dataclass
class _Transform:
    """Maps shape coordinates (EMU, possibly inside groups) to slide EMU: x' = sx*x + tx."""

    sx: float = 1.0
    tx: float = 0.0
    sy: float = 1.0
    ty: float = 0.0

    def box(self, x: float, y: float, cx: float, cy: float) -> BBox:
        x0, x1 = sorted((self.sx * x + self.tx, self.sx * (x + cx) + self.tx))
        y0, y1 = sorted((self.sy * y + self.ty, self.sy * (y + cy) + self.ty))
        return BBox(
            x0=round(x0 / EMU_PER_PT, 2),
            top=round(y0 / EMU_PER_PT, 2),
            x1=round(x1 / EMU_PER_PT, 2),
            bottom=round(y1 / EMU_PER_PT, 2),
        )

    def into_group(self, xfrm: Any) -> _Transform:
        """The transform for the children of a group whose `a:xfrm` is `xfrm`."""
        if xfrm is None:
            return self
        off_x, off_y = _point(xfrm, "a:off", "x", "y")
        ext_x, ext_y = _point(xfrm, "a:ext", "cx", "cy")
        ch_x, ch_y = _point(xfrm, "a:chOff", "x", "y")
        ch_cx, ch_cy = _point(xfrm, "a:chExt", "cx", "cy")
        kx = ext_x / ch_cx if ch_cx else 1.0
        ky = ext_y / ch_cy if ch_cy else 1.0
        return _Transform(
            sx=self.sx * kx,
            tx=self.sx * (off_x - ch_x * kx) + self.tx,
            sy=self.sy * ky,
            ty=self.sy * (off_y - ch_y * ky) + self.ty,
        )


@dataclass
class _Inheritance:
    """Where a slide's shapes inherit from: layout and master placeholders, text styles."""

    layout_placeholders: list[tuple[str, int, Any]]
    master_placeholders: list[tuple[str, int, Any]]
    master_styles: dict[str, Any]
    default_style: Any

    def placeholder_bases(self, ph_type: str, idx: int) -> list[Any]:
        """The layout and master `p:sp` a slide placeholder inherits from, nearest first."""
        bases = []
        layout = _match_placeholder(self.layout_placeholders, ph_type, idx)
        if layout is not None:
            bases.append(layout[2])
            ph_type = layout[0]
        master = _match_placeholder(
            self.master_placeholders, _MASTER_TYPE.get(ph_type, ph_type), None
        )
        if master is not None:
            bases.append(master[2])
        return bases

    def text_style(self, ph_type: str | None) -> list[Any]:
        """The master/presentation list styles for a placeholder type (None: not one)."""
        if ph_type in _TITLE_PLACEHOLDERS:
            return [self.master_styles.get("title")]
        if ph_type in _BODY_PLACEHOLDERS:
            return [self.master_styles.get("body")]
        return [self.default_style, self.master_styles.get("other")]


def parse(path: Path, data: bytes, settings: Settings) -> Parsed:
    """Parse a .pptx file's bytes into blocks (one page per slide)."""
    check_package(path, data, settings, main_part="ppt/presentation.xml")
    prs = Presentation(io.BytesIO(data))
    slides = list(prs.slides)
    if len(slides) > settings.max_pages:
        raise ResourceLimitError(
            path, f"the deck has {len(slides):,} slides, over the limit of {settings.max_pages:,}"
        )
    slide_height = prs.slide_height or DEFAULT_SLIDE_HEIGHT_EMU
    default_style = prs.element.find("p:defaultTextStyle", NS)
    inheritance_by_layout: dict[int, _Inheritance] = {}
    blocks: list[Block] = []
    for number, slide in enumerate(slides, start=1):
        inheritance = _inheritance(slide, default_style, inheritance_by_layout)
        blocks.extend(slide_to_blocks(slide, number, inheritance, slide_height / EMU_PER_PT))
    title, metadata = core_metadata(prs.part.package)
    if title is None:  # the first slide's title, or the first title a slide has
        title = next((b.text for b in blocks if b.kind == BlockKind.title), None)
    return Parsed(blocks=blocks, page_count=len(slides), title=title, metadata=metadata)


def slide_to_blocks(
    slide: Any, number: int, inheritance: _Inheritance, height: float
) -> list[Block]:
    """The blocks of one slide: title, content in reading order, speaker notes."""
    tree = slide.element.find("p:cSld/p:spTree", NS)
    units = [
        u
        for u in _shape_tree_units(tree, inheritance, _related_xml(slide.part))
        if any(True for _ in u.all_paras()) and not _is_page_number(u, height)
    ]
    ordered = _reading_order(units)
    body_size = _body_size(ordered)
    title_block, consumed = _title(ordered, number, body_size)
    blocks = [title_block] if title_block else []
    tables = 0
    for unit in ordered:
        if unit.cells is not None:
            tables += 1
            table_id = f"s{number}-t{tables}"
            blocks.extend(_table_blocks(unit, table_id, number, body_size, consumed))
        else:
            paras = [p for p in unit.paras if id(p) not in consumed]
            blocks.extend(_text_blocks(paras, unit.bbox, number, body_size, unit.title))
    blocks.extend(_notes_blocks(slide, number))
    return blocks


# --- inheritance -----------------------------------------------------------------------


def _inheritance(slide: Any, default_style: Any, cache: dict[int, _Inheritance]) -> _Inheritance:
    """Layout/master context of a slide; a broken layout or master link means no inheritance."""
    try:
        layout = slide.slide_layout
    except Exception as exc:  # missing relationship or part: the slide still has its own text
        log.debug("slide without a readable layout: %s", exc)
        return _Inheritance([], [], {}, default_style)
    key = id(layout.part)
    if key not in cache:
        try:
            master = layout.slide_master
            master_phs = _placeholders(master.element)
            styles = master.element.find("p:txStyles", NS)
            master_styles = {
                name: styles.find(f"p:{name}Style", NS) if styles is not None else None
                for name in ("title", "body", "other")
            }
        except Exception as exc:
            log.debug("layout without a readable master: %s", exc)
            master_phs, master_styles = [], {}
        cache[key] = _Inheritance(
            _placeholders(layout.element), master_phs, master_styles, default_style
        )
    return cache[key]


def _placeholders(root: Any) -> list[tuple[str, int, Any]]:
    """(type, idx, p:sp) of each placeholder shape in a layout or master."""
    tree = root.find("p:cSld/p:spTree", NS)
    found = []
    for sp in tree.iter(f"{{{NS['p']}}}sp") if tree is not None else ():
        ph = _placeholder(sp)
        if ph is not None:
            found.append((ph[0], ph[1], sp))
    return found


def _placeholder(shape: Any) -> tuple[str, int] | None:
    """(type, idx) when `shape` is a placeholder; the type defaults to 'obj', idx to 0."""
    ph = shape.find("./*/p:nvPr/p:ph", NS)
    if ph is None:
        return None
    return ph.get("type", "obj"), _int(ph.get("idx"), 0)


def _match_placeholder(
    candidates: list[tuple[str, int, Any]], ph_type: str, idx: int | None
) -> tuple[str, int, Any] | None:
    if idx is not None:
        for cand in candidates:
            if cand[1] == idx and (idx != 0 or cand[0] == ph_type):
                return cand
    for cand in candidates:
        if cand[0] == ph_type:
            return cand
    return None


# --- shapes -> units -------------------------------------------------------------------


_Related = Callable[[str], Any]
"""Loads the XML of the part a relationship id of the slide points to (None if it cannot)."""


def _related_xml(part: Any) -> _Related:
    def load(rid: str) -> Any:
        try:
            return parse_part_xml(part.related_part(rid).blob)
        except Exception as exc:  # a missing or broken part loses its text, not the slide
            log.debug("unreadable related part %s: %s", rid, exc)
            return None

    return load


def _no_parts(rid: str) -> Any:
    return None


def _shape_tree_units(
    tree: Any, inheritance: _Inheritance, related: _Related = _no_parts
) -> list[_Unit]:
    units: list[_Unit] = []
    if tree is not None:
        _collect(tree, _Transform(), inheritance, units, related)
    return units


def _collect(
    parent: Any,
    transform: _Transform,
    inheritance: _Inheritance,
    out: list[_Unit],
    related: _Related = _no_parts,
) -> None:
    """Append a unit per text shape, table and diagram under `parent`, entering groups."""
    for child in parent:
        tag = _local(child)
        if tag == "sp":
            unit = _text_unit(child, transform, inheritance, len(out))
            if unit is not None:
                out.append(unit)
        elif tag == "grpSp":
            xfrm = child.find("p:grpSpPr/a:xfrm", NS)
            _collect(child, transform.into_group(xfrm), inheritance, out, related)
        elif tag == "graphicFrame":
            unit = _table_unit(child, transform, inheritance, len(out))
            if unit is None:
                unit = _diagram_unit(child, transform, related, len(out))
            if unit is not None:
                out.append(unit)
        elif tag == "AlternateContent":
            # Newer shape kinds come with a fallback; read one branch, never both.
            for branch in child:
                before = len(out)
                _collect(branch, transform, inheritance, out, related)
                if len(out) > before:
                    break
        # pictures, connectors, content parts: no text


def _text_unit(
    sp: Any, transform: _Transform, inheritance: _Inheritance, order: int
) -> _Unit | None:
    """A unit for a shape with a text body; footers, dates and slide numbers give None."""
    ph = _placeholder(sp)
    if ph is not None and ph[0] in _DROPPED_PLACEHOLDERS:
        return None
    body = sp.find("p:txBody", NS)
    if body is None:
        return None
    bases = inheritance.placeholder_bases(*ph) if ph is not None else []
    xfrm = next(
        (x for x in (s.find("p:spPr/a:xfrm", NS) for s in (sp, *bases)) if x is not None), None
    )
    styles = [body.find("a:lstStyle", NS)]
    styles += [b.find("p:txBody/a:lstStyle", NS) for b in bases]
    styles += inheritance.text_style(ph[0] if ph is not None else None)
    cnv = sp.find("p:nvSpPr/p:cNvPr", NS)
    return _Unit(
        order=order,
        bbox=_xfrm_box(xfrm, transform),
        name=cnv.get("name", "") if cnv is not None else "",
        paras=_paragraphs(body, styles, _font_scale(body)),
        placeholder=ph is not None,
        title=ph is not None and ph[0] in _TITLE_PLACEHOLDERS,
    )


def _table_unit(
    frame: Any, transform: _Transform, inheritance: _Inheritance, order: int
) -> _Unit | None:
    """A unit for a table graphic frame; charts, OLE objects and SmartArt give None."""
    tbl = frame.find("a:graphic/a:graphicData/a:tbl", NS)
    if tbl is None:
        return None
    xfrm = frame.find("p:xfrm", NS)
    x, y = _point(xfrm, "a:off", "x", "y") if xfrm is not None else (0.0, 0.0)
    widths = [_int(g.get("w"), 0) for g in tbl.findall("a:tblGrid/a:gridCol", NS)]
    rows = tbl.findall("a:tr", NS)
    heights = [_int(tr.get("h"), 0) for tr in rows]
    styles = inheritance.text_style(None)
    unit = _Unit(order=order, bbox=None, cells=[], n_rows=len(rows))
    if xfrm is not None:
        ext = _point(xfrm, "a:ext", "cx", "cy")
        unit.bbox = transform.box(x, y, *ext)
    for r, tr in enumerate(rows):
        origin_text = ""
        for c, tc in enumerate(tr.findall("a:tc", NS)):
            merged = _true(tc.get("hMerge")) or _true(tc.get("vMerge"))
            body = tc.find("a:txBody", NS)
            paras = [] if merged or body is None else _paragraphs(body, styles, 1.0)
            if r == 0:
                if not merged:
                    origin_text = " ".join(p.text for p in paras)
                unit.headers[c] = origin_text
            if merged or not paras:
                continue
            bbox = None
            if xfrm is not None and c < len(widths):
                span_c = max(1, _int(tc.get("gridSpan"), 1))
                span_r = max(1, _int(tc.get("rowSpan"), 1))
                bbox = transform.box(
                    x + sum(widths[:c]),
                    y + sum(heights[:r]),
                    sum(widths[c : c + span_c]),
                    sum(heights[r : r + span_r]),
                )
            unit.cells.append(_Cell(row=r, col=c, bbox=bbox, paras=paras))
    return unit


# --- paragraphs ------------------------------------------------------------------------


def _diagram_unit(frame: Any, transform: _Transform, related: _Related, order: int) -> _Unit | None:
    """A unit for a SmartArt graphic frame: its node texts from the diagram data part."""
    data = frame.find("a:graphic/a:graphicData", NS)
    if data is None or data.get("uri") != DIAGRAM_URI:
        return None
    rel_ids = data.find("dgm:relIds", NS)
    dm = rel_ids.get(f"{{{NS['r']}}}dm") if rel_ids is not None else None
    model = related(dm) if dm else None
    paras = _diagram_paras(model) if model is not None else []
    if not paras and model is not None:
        ext = model.find("dgm:extLst/a:ext/dsp:dataModelExt", NS)
        drawing = related(ext.get("relId")) if ext is not None and ext.get("relId") else None
        if drawing is not None:
            for body in drawing.iterfind(".//dsp:sp/dsp:txBody", NS):
                paras.extend(_paragraphs(body, [body.find("a:lstStyle", NS)], 1.0))
    if not paras:
        return None
    xfrm = frame.find("p:xfrm", NS)
    cnv = frame.find("p:nvGraphicFramePr/p:cNvPr", NS)
    return _Unit(
        order=order,
        bbox=_xfrm_box(xfrm, transform),
        name=cnv.get("name", "") if cnv is not None else "",
        paras=paras,
    )


def _diagram_paras(model: Any) -> list[_Para]:
    """The node texts of a SmartArt data model, depth first in sibling order.

    Nodes with children become paragraphs (labels), the others list items; the level is
    the node's depth below the document point.
    """
    points: dict[str, Any] = {}
    for pt in model.iterfind("dgm:ptLst/dgm:pt", NS):
        if pt.get("modelId") is not None:
            points[pt.get("modelId")] = pt
    children: dict[str, list[tuple[int, int, str]]] = {}
    for i, cxn in enumerate(model.iterfind("dgm:cxnLst/dgm:cxn", NS)):
        if cxn.get("type", "parOf") == "parOf" and cxn.get("destId") in points:
            src = cxn.get("srcId", "")
            children.setdefault(src, []).append((_int(cxn.get("srcOrd"), 0), i, cxn.get("destId")))
    texts = {mid: _point_text(pt) for mid, pt in points.items()}
    out: list[_Para] = []
    seen: set[str] = set()

    def walk(mid: str, depth: int) -> None:
        for _, _, child in sorted(children.get(mid, ())):
            if child in seen or points[child].get("type", "node") not in ("node", "asst"):
                continue
            seen.add(child)
            level = min(depth, MAX_DIAGRAM_DEPTH)
            parent = any(texts[c] for _, _, c in children.get(child, ()))
            if texts[child] and depth <= MAX_WALK_DEPTH:
                out.append(
                    _Para(
                        text=texts[child],
                        level=level,
                        marker=None,
                        listed=not parent,
                        numbered=False,
                        bold=False,
                        sizes=Counter(),
                    )
                )
            if depth < MAX_WALK_DEPTH:
                walk(child, depth + 1 if texts[child] else depth)

    for mid, pt in points.items():
        if pt.get("type") == "doc":
            walk(mid, 0)
    return out


def _point_text(pt: Any) -> str:
    """The text of a diagram point: its paragraphs joined with spaces."""
    body = pt.find("dgm:t", NS)
    if body is None:
        return ""
    lines = []
    for p in body.iterfind("a:p", NS):
        pieces = [
            " " if _local(el) == "br" else el.findtext("a:t", default="", namespaces=NS)
            for el in p
            if _local(el) in ("r", "fld", "br")
        ]
        lines.append("".join(pieces))
    return clean_space(_LINE_BREAK_RE.sub(" ", " ".join(lines)))


def _paragraphs(body: Any, styles: list[Any], scale: float) -> list[_Para]:
    """The non-empty paragraphs of a text body, with bullets and auto-numbers resolved.

    `styles` are the list styles the body inherits from, nearest first. Auto-numbers count
    per level: a paragraph continues the previous one at its level when both use the same
    scheme and start value, otherwise it starts at its own `startAt` (PowerPoint restarts a
    list whose start value changes); a shallower paragraph ends the deeper lists.
    """
    counters: dict[int, tuple[tuple[str, int], int]] = {}
    out = []
    for p in body.findall("a:p", NS):
        ppr = p.find("a:pPr", NS)
        level = min(max(_int(ppr.get("lvl") if ppr is not None else None, 0), 0), 8)
        props = [ppr] + [s.find(f"a:lvl{level + 1}pPr", NS) for s in styles if s is not None]
        props = [pr for pr in props if pr is not None]
        pieces: list[str] = []
        sizes: Counter[float] = Counter()
        bolds: list[bool] = []
        for child in p:
            tag = _local(child)
            if tag == "br":
                pieces.append(" ")
            elif tag in ("r", "fld") and child.get("type") != "slidenum":
                text = child.findtext("a:t", default="", namespaces=NS)
                pieces.append(text)
                chars = len(text.strip())
                if chars:
                    rpr = child.find("a:rPr", NS)
                    size = _run_size(rpr, props)
                    if size is not None:
                        sizes[round(size * scale, 1)] += chars
                    bolds.append(_run_bold(rpr, props))
        text = clean_space(_LINE_BREAK_RE.sub(" ", mark_spaced_number("".join(pieces))))
        if not text:
            continue  # empty lines neither count as list items nor break a numbered list
        bullet = _bullet(props)
        marker = None
        numbered = bullet is not None and bullet[0] == "auto"
        if numbered:
            scheme, start = bullet[1], bullet[2]
            prev = counters.get(level)
            value = prev[1] + 1 if prev is not None and prev[0] == (scheme, start) else start
            counters[level] = ((scheme, start), value)
            marker = _autonum_label(value, scheme)
        else:
            counters.pop(level, None)
            if bullet is not None:
                marker = bullet[1] or None
        for deeper in [lv for lv in counters if lv > level]:
            del counters[deeper]
        out.append(
            _Para(
                text=text,
                level=level,
                marker=marker,
                listed=bullet is not None,
                numbered=numbered,
                bold=bool(bolds) and all(bolds),
                sizes=sizes,
            )
        )
    return out


def _bullet(props: list[Any]) -> tuple[str, str, int] | None:
    """('auto', scheme, start) or ('char', glyph, 0) from the nearest pPr that sets one."""
    for i, pr in enumerate(props):
        if pr.find("a:buNone", NS) is not None:
            return None
        auto = pr.find("a:buAutoNum", NS)
        if auto is not None:
            return "auto", auto.get("type", "arabicPeriod"), _int(auto.get("startAt"), 1)
        char = pr.find("a:buChar", NS)
        if char is not None:
            fonts = (f.get("typeface") for q in props[i:] for f in q.findall("a:buFont", NS))
            return "char", bullet_glyph(char.get("char", "•"), next(fonts, None)), 0
        if pr.find("a:buBlip", NS) is not None:
            return "char", "", 0  # a picture bullet: a list item without a glyph
    return None


def _autonum_label(value: int, scheme: str) -> str:
    m = _AUTONUM_RE.fullmatch(scheme)
    if m is None:
        return f"{value}."
    number = format_number(value, _AUTONUM_FORMATS[m.group(1)])
    return {"ParenBoth": f"({number})", "ParenR": f"{number})", "Period": f"{number}."}.get(
        m.group(2), number
    )


def _run_size(rpr: Any, props: list[Any]) -> float | None:
    for el in (rpr, *(pr.find("a:defRPr", NS) for pr in props)):
        if el is not None and el.get("sz"):
            return _int(el.get("sz"), 0) / 100 or None
    return None


def _run_bold(rpr: Any, props: list[Any]) -> bool:
    for el in (rpr, *(pr.find("a:defRPr", NS) for pr in props)):
        if el is not None and el.get("b") is not None:
            return _true(el.get("b"))
    return False


def _font_scale(body: Any) -> float:
    fit = body.find("a:bodyPr/a:normAutofit", NS)
    scale = _int(fit.get("fontScale") if fit is not None else None, 100_000)
    return scale / 100_000 if scale > 0 else 1.0


# --- reading order ---------------------------------------------------------------------


def _reading_order(units: list[_Unit]) -> list[_Unit]:
    """Units in reading order: a recursive XY-cut that prefers columns.

    Where the units split into columns (a vertical gap no unit crosses), each column is read
    in full before the next, so the two bodies of a two-content slide are not interleaved.
    Otherwise they are cut into horizontal bands read top to bottom, where consecutive
    bands that share a column layout (a header row over a row of bodies, say) stay
    together so that their columns are read one after the other. Units without a position
    follow in document order.
    """
    placed = [u for u in units if u.bbox is not None]
    return _xy_cut(placed, 0) + [u for u in units if u.bbox is None]


def _xy_cut(units: list[_Unit], depth: int) -> list[_Unit]:
    if len(units) <= 1 or depth > MAX_CUT_DEPTH:
        return sorted(units, key=lambda u: (u.bbox.top, u.bbox.x0, u.order))
    columns = _split(units, _horizontal)
    if len(columns) > 1:
        return [u for column in columns for u in _xy_cut(column, depth + 1)]
    rows = _split(units, _vertical)
    if len(rows) == 1:  # overlapping boxes: top to bottom, left to right
        return sorted(units, key=lambda u: (u.bbox.top, u.bbox.x0, u.order))
    # `units` has no column cut, so no group below is all of `units`: the recursion ends.
    return [u for group in _column_bands(rows) for u in _xy_cut(group, depth + 1)]


def _column_bands(rows: list[list[_Unit]]) -> list[list[_Unit]]:
    """Join consecutive bands while the group so far has columns and keeps them."""
    groups = [rows[0]]
    for row in rows[1:]:
        current = groups[-1]
        if len(_split(current, _horizontal)) > 1 and len(_split(current + row, _horizontal)) > 1:
            groups[-1] = current + row
        else:
            groups.append(row)
    return groups


def _horizontal(box: BBox) -> tuple[float, float]:
    return box.x0, box.x1


def _vertical(box: BBox) -> tuple[float, float]:
    return box.top, box.bottom


def _split(units: list[_Unit], span: Callable[[BBox], tuple[float, float]]) -> list[list[_Unit]]:
    """Group units whose spans (along one axis) overlap; groups in increasing order."""
    ordered = sorted(units, key=lambda u: (span(u.bbox)[0], u.order))
    groups = [[ordered[0]]]
    reach = span(ordered[0].bbox)[1]
    for unit in ordered[1:]:
        lo, hi = span(unit.bbox)
        if lo >= reach - GAP_TOLERANCE_PT:
            groups.append([unit])
            reach = hi
        else:
            groups[-1].append(unit)
            reach = max(reach, hi)
    return groups


def _is_page_number(unit: _Unit, slide_height: float) -> bool:
    """A text box holding only a slide number near the bottom (not a placeholder)."""
    if unit.placeholder or unit.cells is not None or len(unit.paras) != 1:
        return False
    if not _PAGE_NUMBER_RE.fullmatch(unit.paras[0].text):
        return False
    if unit.bbox is None:
        return unit.name.lower().startswith(("slide number", "page number"))
    height = unit.bbox.bottom - unit.bbox.top
    return unit.bbox.top >= PAGE_NUMBER_ZONE * slide_height and height <= 0.15 * slide_height


# --- units -> blocks -------------------------------------------------------------------


def _body_size(units: list[_Unit]) -> float | None:
    """The slide's most common font size (by characters), outside titles."""
    sizes: Counter[float] = Counter()
    for unit in units:
        if not unit.title:
            for para in unit.all_paras():
                sizes.update(para.sizes)
    return sizes.most_common(1)[0][0] if sizes else None


def _ratio(para: _Para, body_size: float | None) -> float | None:
    size = para.size
    return round(size / body_size, 2) if size and body_size else None


def _title(units: list[_Unit], page: int, body_size: float | None) -> tuple[Block | None, set[int]]:
    """The slide's title block and the ids of the paragraphs it took from the content.

    The first title placeholder with text gives the title; otherwise the largest text,
    top-most among equals, moves from the content to the title. A slide whose only text is
    in tables is headed by its first header cell, which also stays in its table.
    """
    for unit in units:
        if unit.title and unit.paras:
            paras, bbox, taken = unit.paras, unit.bbox, unit.paras
            break
    else:
        candidates = [(p, u.bbox) for u in units for p in u.paras]
        taken_from_text = bool(candidates)
        if not candidates:
            candidates = [
                (p, c.bbox) for u in units for c in u.cells or () if c.row == 0 for p in c.paras
            ]
        if not candidates:
            return None, set()
        para, bbox = min(candidates, key=_title_rank)
        paras, taken = [para], [para] if taken_from_text else []
    sizes: Counter[float] = Counter()
    for p in paras:
        sizes.update(p.sizes)
    joined = _Para(
        text=" ".join(p.text for p in paras),
        level=0,
        marker=None,
        listed=False,
        numbered=False,
        bold=all(p.bold for p in paras),
        sizes=sizes,
    )
    block = Block(
        kind=BlockKind.title,
        text=joined.text,
        page=page,
        bbox=bbox,
        bold=joined.bold,
        font_size_ratio=_ratio(joined, body_size),
    )
    return block, {id(p) for p in taken}


def _title_rank(candidate: tuple[_Para, BBox | None]) -> tuple[float, float]:
    """Largest text first, then top-most (`min` keeps the earliest of equals)."""
    para, bbox = candidate
    return -(max(para.sizes) if para.sizes else 0.0), bbox.top if bbox else float("inf")


def _text_blocks(
    paras: list[_Para], bbox: BBox | None, page: int, body_size: float | None, extra_title: bool
) -> Iterator[Block]:
    """Blocks for the paragraphs of one text shape (a further title placeholder: headings)."""
    parts = [_split_typed(p) for p in paras]
    listed = [p.listed or typed for p, (typed, _, _) in zip(paras, parts, strict=True)]
    for i, (para, (_, marker, text)) in enumerate(zip(paras, parts, strict=True)):
        ratio = _ratio(para, body_size)
        next_listed = i + 1 < len(paras) and listed[i + 1]
        if extra_title:
            kind = BlockKind.heading
        elif listed[i]:
            kind = BlockKind.list_item
        elif _looks_like_heading(para, ratio, next_listed):
            kind = BlockKind.heading
        else:
            kind = BlockKind.paragraph
        yield Block(
            kind=kind,
            text=text,
            page=page,
            level=para.level,
            heading_level=1 if kind == BlockKind.heading else None,
            marker=marker,
            bbox=bbox,
            font_size_ratio=ratio,
            bold=para.bold,
        )


def _split_typed(para: _Para) -> tuple[bool, str | None, str]:
    """(typed, marker, text): strip a bullet or number typed into the text itself.

    An auto-number wins over a typed mark; a typed mark wins over a plain bullet glyph.
    """
    typed, rest = split_marker(para.text)
    if typed is None or not rest:
        return False, para.marker, para.text
    return True, para.marker if para.numbered else typed, rest


def _looks_like_heading(para: _Para, ratio: float | None, next_listed: bool) -> bool:
    """A short bold or large line that introduces a list or ends with a colon."""
    if len(para.text.split()) > HEADING_MAX_WORDS or para.text.endswith((".", ";", ",")):
        return False
    emphasised = para.bold or (ratio is not None and ratio >= HEADING_MIN_RATIO)
    return emphasised and (next_listed or para.text.endswith(":"))


def _table_blocks(
    unit: _Unit, table_id: str, page: int, body_size: float | None, consumed: set[int]
) -> Iterator[Block]:
    """One table_cell block per paragraph of each cell, row by row, left to right."""
    has_header = unit.n_rows > 1
    for cell in unit.cells or ():
        is_header = has_header and cell.row == 0
        header = None
        if has_header and not is_header:
            header = unit.headers.get(cell.col) or None
        ref = TableCellRef(
            table_id=table_id, row=cell.row, col=cell.col, header=header, is_header=is_header
        )
        for para in cell.paras:
            if id(para) in consumed:
                continue
            _, marker, text = _split_typed(para)
            yield Block(
                kind=BlockKind.table_cell,
                text=text,
                page=page,
                level=para.level,
                marker=marker,
                bbox=cell.bbox,
                font_size_ratio=_ratio(para, body_size),
                bold=para.bold,
                table=ref,
            )


def _notes_blocks(slide: Any, page: int) -> list[Block]:
    """The speaker notes (the notes page's body placeholder), one block per paragraph."""
    try:
        if not slide.has_notes_slide:
            return []
        tree = slide.notes_slide.element.find("p:cSld/p:spTree", NS)
    except Exception as exc:  # a broken notes part loses the notes, not the slide
        log.debug("unreadable notes on slide %d: %s", page, exc)
        return []
    blocks = []
    for sp in tree.iter(f"{{{NS['p']}}}sp") if tree is not None else ():
        ph = _placeholder(sp)
        body = sp.find("p:txBody", NS)
        if ph is None or ph[0] != "body" or body is None:
            continue
        for para in _paragraphs(body, [body.find("a:lstStyle", NS)], 1.0):
            _, marker, text = _split_typed(para)
            blocks.append(
                Block(kind=BlockKind.notes, text=text, page=page, level=para.level, marker=marker)
            )
    return blocks


# --- small XML helpers -----------------------------------------------------------------


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _true(value: str | None) -> bool:
    return value in ("1", "true", "on")


def _point(xfrm: Any, child: str, a: str, b: str) -> tuple[float, float]:
    el = xfrm.find(child, NS)
    if el is None:
        return 0.0, 0.0
    return float(_int(el.get(a), 0)), float(_int(el.get(b), 0))


def _xfrm_box(xfrm: Any, transform: _Transform) -> BBox | None:
    if xfrm is None or xfrm.find("a:off", NS) is None:
        return None
    return transform.box(*_point(xfrm, "a:off", "x", "y"), *_point(xfrm, "a:ext", "cx", "cy"))
