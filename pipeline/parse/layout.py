"""Page layout analysis: characters -> lines -> boxes -> blocks in reading order.

Pure functions on neutral records (`PageRecord`: characters, ruling lines and rectangles in
points, origin top-left), so any PDF engine can fill them: `pdfium.py` with pypdfium2 (runs of
glyphs, one per text object), `pdf.py` with pdfplumber (one record per glyph).

The stages, each named by the data it turns into the next:

- `chars_to_lines`: characters grouped by baseline, split on large horizontal gaps; super-
  and subscripts joined to their line; bullet glyphs and list numbers split off.
- `rules_to_grids`: pdfplumber's pure table functions on the ruling lines and rectangles.
- `page_to_layout`: one page's flow lines and table cells (`PageLayout`).
- `strip_furniture`: running headers/footers and page numbers, compared across pages.
- `lines_to_boxes` and `order_boxes`: vertical stacks of lines, read column by column.
- `layouts_to_blocks`: titles, headings, paragraphs, list items and table cells.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

from pipeline.models import BBox, Block, BlockKind, TableCellRef
from pipeline.parse.common import clean_space, is_bullet_glyph, is_list_number, split_marker

# Tunables, in units of the font size unless said otherwise.
MARGIN_BAND = 0.08  # share of the page height holding running headers and footers
SPLIT_GAP = 1.5  # a horizontal gap wider than this splits a line into two
SOFT_GAP = 0.8  # a narrower gap splits it only where gaps of other rows line up (a gutter)
RIVER_ROWS = 3  # other rows whose gaps must line up with a soft gap
GUTTER_ALIGN = 0.1  # ... and share an edge within this: one column's lines start or end at one x
SPACE_GAP = 0.2  # a gap wider than this between two glyphs is a word space
MARKER_GAP = 6.0  # a bullet further than this from the text beside it belongs to another column
HEADING_RATIO = 1.15  # a line this much larger than the body text is a heading
MAX_HEADING_CHARS = 200
MIN_GUTTER = 1.0  # narrowest vertical gutter between two columns
TABLE_TOLERANCE = 3.0  # points; pdfplumber's snap/join/intersection default
MAX_EDGES = 3000  # beyond this many ruling edges a page is a drawing, not a table
MAX_INTERSECTIONS = 5000

_BOLD_RE = re.compile(r"bold|black|heavy", re.I)
_SENTENCE_END_RE = re.compile(r"[.!?:;][\"'”’)\]]?$")
_HYPHEN_END_RE = re.compile(r"\w[-\u2010]$")
_LONE_NUMBER_RE = re.compile(
    r"[-–—(\[]?\s*(?:page\s*|p\.\s*)?\d{1,6}(?:\s*(?:/|of)\s*\d{1,4})?\s*[-–—)\]]?"
    r"|(?-i:[ivxlc]{1,7})",
    re.I,
)
_BOX_NUMBER_RE = re.compile(r"\d{1,3}")
_DIGITS_RE = re.compile(r"\d+")
_CID_NUMBER_RE = re.compile(r"\(cid:(\d+)\)")
# Typographic ligatures (Unicode compatibility characters) spelled out.
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)


# --------------------------------------------------------------------------- records


@dataclass(slots=True, frozen=True)
class Char:
    """One glyph, or a run of glyphs in one font on one baseline: text, box in points
    (origin top-left), font name and size.

    pdfplumber gives one glyph per `Char`; pdfium gives one run per text object, with
    `glyphs` its number of visible glyphs (what size and boldness counts weigh). `bold`
    None means: judge by the font name.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    fontname: str
    size: float
    bold: bool | None = None
    italic: bool = False
    glyphs: int = 1


@dataclass(slots=True, frozen=True)
class Rule:
    """A ruling line or a rectangle, in points (origin top-left)."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class PageRecord:
    """What a PDF engine reports for one page: its size, characters and rulings."""

    number: int
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    lines: list[Rule] = field(default_factory=list)
    rects: list[Rule] = field(default_factory=list)


def upright_record(
    number: int,
    width: float,
    height: float,
    upright: list[Char],
    sideways: list[tuple[Char, float]],
    rules: tuple[list[Rule], list[Rule]] = ([], []),
) -> PageRecord:
    """A page's record, turned by a quarter when most of its text runs sideways.

    `sideways` holds the glyphs that are not upright, each with its direction (the text
    matrix's b: negative when the text runs downwards); they are used, turned upright, only
    when they are most of the page (a landscape table printed on a rotated page).
    `rules` are the ruling lines and rectangles in the page's frame.
    """
    turn = 0
    n_sideways = sum(c.glyphs for c, _ in sideways)
    if n_sideways > sum(c.glyphs for c in upright):
        down = sum(c.glyphs for c, direction in sideways if direction < 0)
        turn = 1 if down >= n_sideways / 2 else -1
    if not turn:
        chars = upright
    else:
        chars = []
        for c, direction in sideways:
            if (direction < 0) != (turn == 1):
                continue
            x0, top, x1, bottom = _place(c.x0, c.top, c.x1, c.bottom, turn, width, height)
            # A sideways glyph's box is as wide as its size; turned, that is its height.
            chars.append(
                dataclasses.replace(c, x0=x0, x1=x1, top=top, bottom=bottom, size=bottom - top)
            )
    lines, rects = rules
    return PageRecord(
        number=number,
        width=height if turn else width,
        height=width if turn else height,
        chars=chars,
        lines=[Rule(*_place(r.x0, r.top, r.x1, r.bottom, turn, width, height)) for r in lines],
        rects=[Rule(*_place(r.x0, r.top, r.x1, r.bottom, turn, width, height)) for r in rects],
    )


def _place(
    x0: float, top: float, x1: float, bottom: float, turn: int, width: float, height: float
) -> tuple[float, float, float, float]:
    """A box in the upright frame of a page turned by a quarter (turn 1: clockwise text)."""
    if turn == 1:  # text runs downwards; its top points to the right
        return top, width - x1, bottom, width - x0
    if turn == -1:  # text runs upwards; its top points to the left
        return height - bottom, x0, height - top, x1
    return x0, top, x1, bottom


@dataclass(slots=True)
class Line:
    """A run of characters on one baseline with no large gap inside."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    marker: str | None = None
    body: str = ""  # the text after the marker
    text_x0: float = 0.0  # where the text after the marker starts

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class Cell:
    row: int
    col: int
    bbox: tuple[float, float, float, float]
    lines: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    """A ruled table: cells with row/column indices."""

    bbox: tuple[float, float, float, float]
    cells: list[Cell]
    row_tops: list[float]
    col_x0s: list[float]


@dataclass(slots=True)
class PageLayout:
    """One page after line building: flow lines outside tables, and the tables."""

    number: int
    width: float
    height: float
    lines: list[Line]
    grids: list[Grid] = field(default_factory=list)
    sizes: Counter[float] = field(default_factory=Counter)
    body_size: float = 0.0


@dataclass(slots=True)
class Box:
    """Lines stacked vertically with small gaps (or one table): the unit of reading order."""

    x0: float
    top: float
    x1: float
    bottom: float
    lines: list[Line] = field(default_factory=list)
    grid: Grid | None = None

    def add(self, line: Line) -> None:
        self.lines.append(line)
        self.x0, self.x1 = min(self.x0, line.x0), max(self.x1, line.x1)
        self.top, self.bottom = min(self.top, line.top), max(self.bottom, line.bottom)


@dataclass(slots=True)
class _Draft:
    """A block being built from lines."""

    kind: BlockKind
    lines: list[Line]
    text: str
    size: float
    marker: str | None = None
    text_x0: float = 0.0
    level: int = 0
    table: TableCellRef | None = None

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)


# --------------------------------------------------------------------------- lines


def is_bold(fontname: str) -> bool:
    """True for a bold, black or heavy font name ('BAAAAA+LiberationSans-Bold')."""
    return bool(_BOLD_RE.search(fontname))


def _char_bold(c: Char) -> bool:
    return c.bold if c.bold is not None else is_bold(c.fontname)


def _is_marker_only(text: str) -> bool:
    """True when `text` is just a bullet glyph or a list number ('•', '2.', '(a)')."""
    text = text.strip()
    if not text:
        return False
    if is_bullet_glyph(text):
        return True
    marker, _ = split_marker(text + " x")
    return marker == text


def _dominant_size(chars: Sequence[Char]) -> float:
    """The largest size of the visible, non-bullet characters, ignoring stray glyphs.

    A size counts when at least three characters (and a tenth of the line) have it, so a
    title run followed by a smaller subtitle on the same line ("CHILE - since March 2019")
    keeps the title's size, while a lone larger symbol does not make a line a heading.
    """
    counts: Counter[float] = Counter()
    for c in chars:
        if not c.text.isspace() and not is_bullet_glyph(c.text):
            counts[round(c.size * 2) / 2] += len(c.text)
    if not counts:
        return round(max(c.size for c in chars) * 2) / 2
    total = sum(counts.values())
    held = [s for s, n in counts.items() if n >= min(3, total) and n >= 0.1 * total]
    return max(held) if held else counts.most_common(1)[0][0]


def _make_line(chars: Sequence[Char]) -> Line | None:
    """Assemble one line from characters sorted left to right."""
    parts: list[str] = []
    xs: list[float] = []
    prev: Char | None = None
    for c in chars:
        if c.text.isspace():
            if parts and parts[-1] != " ":
                parts.append(" ")
                xs.append(c.x0)
            continue
        if (
            prev is not None
            and parts
            and parts[-1] != " "
            and c.x0 - prev.x1 > SPACE_GAP * min(c.size, prev.size)
        ):
            parts.append(" ")
            xs.append(prev.x1)
        if len(c.text) == 1:
            parts.append(c.text)
            xs.append(c.x0)
        else:  # a run: spread its characters over its width
            step = (c.x1 - c.x0) / len(c.text)
            for k, ch in enumerate(c.text):
                parts.append(ch)
                xs.append(c.x0 + k * step)
        prev = c
    raw = "".join(parts).rstrip().translate(_LIGATURES)
    if not raw.strip():
        return None
    visible = [c for c in chars if not c.text.isspace()]
    # The text's glyphs, without bullets: a bullet set larger than the text or raised
    # must not make the line taller, nor decide its boldness.
    text_chars = [c for c in visible if c.text.isalnum() or not is_bullet_glyph(c.text)]
    bold = sum(c.glyphs for c in text_chars if _char_bold(c))
    countable = sum(c.glyphs for c in text_chars) or 1
    high = text_chars or visible
    marker, rest = split_marker(raw)
    text_x0 = visible[0].x0
    if marker:
        start = len(raw) - len(rest)
        text_x0 = xs[start] if 0 <= start < len(xs) else text_x0
    return Line(
        text=clean_space(raw),
        x0=visible[0].x0,
        x1=max(c.x1 for c in visible),
        top=min(c.top for c in high),
        bottom=max(c.bottom for c in high),
        size=_dominant_size(visible),
        bold=bold >= 0.85 * countable,
        marker=marker,
        body=clean_space(rest),
        text_x0=text_x0,
    )


def _rows_by_baseline(chars: Iterable[Char]) -> list[list[Char]]:
    """Group characters whose bottoms agree (within a third of the font size)."""
    ordered = sorted(
        (c for c in chars if c.text and c.size > 0 and c.x1 >= c.x0), key=lambda c: c.bottom
    )
    rows: list[list[Char]] = []
    anchor = anchor_size = 0.0
    for c in ordered:
        if rows and c.bottom - anchor <= max(0.5, 0.3 * min(c.size, anchor_size)):
            rows[-1].append(c)
        else:
            rows.append([c])
            anchor, anchor_size = c.bottom, c.size
    return rows


def _dedupe(row: list[Char]) -> list[Char]:
    """Sort a baseline row left to right and drop glyphs printed twice (fake bold)."""
    row.sort(key=lambda c: c.x0)
    out: list[Char] = []
    last: Char | None = None  # last visible char kept
    for c in row:
        if not c.text.isspace():
            if (
                last is not None
                and c.text == last.text
                and abs(c.x0 - last.x0) < 1
                and abs(c.top - last.top) < 1
            ):
                continue
            last = c
        out.append(c)
    return out


def _gaps(row: Sequence[Char]) -> list[tuple[int, float, float, float]]:
    """Gaps wider than SOFT_GAP between visible glyphs: (index after, x0, x1, font size)."""
    gaps = []
    last: Char | None = None
    for i, c in enumerate(row):
        if c.text.isspace():
            continue
        if last is not None:
            size = max(c.size, last.size)
            if c.x0 - last.x1 > SOFT_GAP * size:
                gaps.append((i, last.x1, c.x0, size))
        last = c
    return gaps


def _river_support(gaps: list[tuple[int, int, float, float, float]]) -> set[tuple[int, int]]:
    """Soft gaps lined up with gaps of at least RIVER_ROWS other rows: a column gutter.

    The rows' gaps must also share an edge (within GUTTER_ALIGN): the next column's lines
    start at one x, or the previous column's lines end at one; the word spaces of justified
    text that happen to line up (a river) share neither."""
    ordered = sorted(gaps, key=lambda g: g[2])
    starts = [g[2] for g in ordered]
    widest = max(g[3] - g[2] for g in ordered)
    supported = set()
    for r, i, x0, x1, size in ordered:
        rows = set()
        lo = bisect_left(starts, x0 - widest)
        align = GUTTER_ALIGN * size
        for r2, _, y0, y1, _ in ordered[lo : bisect_left(starts, x1)]:
            if (
                r2 != r
                and min(x1, y1) - max(x0, y0) >= 0.5 * min(x1 - x0, y1 - y0)
                and (abs(x1 - y1) <= align or abs(x0 - y0) <= align)
            ):
                rows.add(r2)
                if len(rows) >= RIVER_ROWS:
                    supported.add((r, i))
                    break
    return supported


@lru_cache(maxsize=1)
def _symbol_fonts() -> tuple[re.Pattern[str], str, dict[str, tuple[bool, dict[str, str]]]]:
    data = json.loads(
        resources.files("pipeline.vocab").joinpath("symbol_fonts.json").read_text("utf-8")
    )
    families = {k: (bool(v["pictures"]), v["glyphs"]) for k, v in data["families"].items()}
    return re.compile(data["font_pattern"], re.I), data["default"], families


def symbol_bullet(text: str, fontname: str) -> str | None:
    """The Unicode bullet a glyph of a symbol font draws ('n' in ZapfDingbats: '■'), or None.

    None when the font is no symbol font, or when the character is a real letter of one
    (Symbol's Greek letters).
    """
    pattern, default, families = _symbol_fonts()
    if not pattern.search(fontname):
        return None
    name = fontname.lower()
    pictures, glyphs = next((v for k, v in families.items() if k in name), (True, {}))
    code = _CID_NUMBER_RE.fullmatch(text)
    if code is not None:
        key = chr(int(code.group(1))) if int(code.group(1)) < 256 else ""
    elif len(text) == 1 and 0xF000 <= ord(text) <= 0xF0FF:  # symbol fonts' private-use copy
        key = chr(ord(text) - 0xF000)
    else:
        key = text
    if key in glyphs:
        return glyphs[key]
    if code is None and key == text and not text.isalnum() and is_bullet_glyph(text):
        return text  # already the Unicode glyph ('■')
    if pictures or code is not None or key != text:
        return default
    return None


def _symbol_bullets(row: list[Char]) -> list[Char]:
    """Replace a symbol-font glyph that opens a line (or a column's line) by its bullet.

    Only a glyph standing before text in another font, or alone: a word in the text font
    that starts with 'l' or 'n' is left alone.
    """
    visible = [i for i, c in enumerate(row) if not c.text.isspace()]
    for k, i in enumerate(visible):
        c = row[i]
        prev = row[visible[k - 1]] if k else None
        if prev is not None and c.x0 - prev.x1 <= SOFT_GAP * max(c.size, prev.size):
            continue
        nxt = row[visible[k + 1]] if k + 1 < len(visible) else None
        if nxt is not None and symbol_bullet(nxt.text, nxt.fontname) is not None:
            continue
        glyph = symbol_bullet(c.text, c.fontname)
        if glyph is not None:
            row[i] = dataclasses.replace(c, text=glyph)
    return row


def _attach_lone_markers(lines: list[Line]) -> list[Line]:
    """Join a line holding only a bullet or list number to the text line below (or beside) it.

    The marker keeps its place (x0, for the list level); the text gives the rest.
    """
    markers = [
        line
        for line in lines
        if (is_bullet_glyph(line.text) and not line.text.isalnum()) or is_list_number(line.text)
    ]
    if not markers:
        return lines
    taken: set[int] = set()
    merged: dict[int, Line] = {}
    for mark in markers:
        size = mark.bottom - mark.top or mark.size
        candidates = [
            t
            for t in lines
            if id(t) not in taken
            and t is not mark
            and t.marker is None
            and not _is_marker_only(t.text)
            and mark.top - 0.6 * size <= t.top <= mark.bottom + 0.8 * t.size
            and mark.x0 - 0.5 * t.size <= t.x0 <= mark.x1 + 4 * t.size
        ]
        if not candidates:
            continue
        text = min(candidates, key=lambda t: (t.top, t.x0))
        taken.add(id(text))
        taken.add(id(mark))
        merged[id(text)] = Line(
            text=f"{mark.text} {text.text}",
            x0=min(mark.x0, text.x0),
            x1=max(mark.x1, text.x1),
            top=text.top,
            bottom=text.bottom,
            size=text.size,
            bold=text.bold,
            marker=mark.text,
            body=text.text,
            text_x0=text.x0,
        )
    return [
        merged.get(id(line), line) for line in lines if id(line) not in taken or id(line) in merged
    ]


def chars_to_lines(chars: Iterable[Char]) -> list[Line]:
    """Group characters into lines (one baseline, no large gap), top to bottom.

    A row is split at gaps wider than SPLIT_GAP, and at narrower gaps (over SOFT_GAP) that
    line up with gaps in several other rows, the gutter between two columns.
    """
    rows = [_symbol_bullets(_dedupe(row)) for row in _rows_by_baseline(chars)]
    row_gaps = [_gaps(row) for row in rows]
    soft = [
        (r, i, x0, x1, size)
        for r, gaps in enumerate(row_gaps)
        for i, x0, x1, size in gaps
        if x1 - x0 <= SPLIT_GAP * size
    ]
    rivers = _river_support(soft) if soft else set()
    segments: list[list[Char]] = []
    for r, row in enumerate(rows):
        cuts = [
            i for i, x0, x1, size in row_gaps[r] if x1 - x0 > SPLIT_GAP * size or (r, i) in rivers
        ]
        widths = {i: (x1 - x0) / size for i, x0, x1, size in row_gaps[r]}
        start = 0
        for cut in [*cuts, len(row)]:
            if (
                cut < len(row)
                and widths[cut] <= MARKER_GAP
                and _is_marker_only("".join(c.text for c in row[start:cut]))
            ):
                continue  # a bullet and its text stay together across a tab
            if cut > start:
                segments.append(row[start:cut])
            start = cut
    lines = [line for seg in _attach_scripts(segments) if (line := _make_line(seg)) is not None]
    lines.sort(key=lambda line: (line.top, line.x0))
    return _attach_lone_markers(lines)


def _attach_scripts(segments: list[list[Char]]) -> list[list[Char]]:
    """Put short runs of small raised or lowered glyphs (footnote marks) into their line.

    Needed when a superscript's baseline fell in with a line of another column.
    """
    boxes = [
        (min(c.top for c in s), max(c.bottom for c in s), max(c.size for c in s)) for s in segments
    ]
    order = sorted(range(len(segments)), key=lambda k: boxes[k][0])
    tops = [boxes[k][0] for k in order]
    tallest = max((b[1] - b[0] for b in boxes), default=0.0)
    merged: set[int] = set()
    for k, seg in enumerate(segments):
        top, bottom, size = boxes[k]
        if sum(c.glyphs for c in seg if not c.text.isspace()) > 4:
            continue
        center, x0, x1 = (top + bottom) / 2, seg[0].x0, seg[-1].x1
        for h in order[bisect_left(tops, center - tallest) : bisect_right(tops, center)]:
            h_top, h_bottom, h_size = boxes[h]
            host = segments[h]
            if (
                h != k
                and h not in merged
                and size <= 0.85 * h_size
                and h_top <= center <= h_bottom
                and host[0].x0 - h_size <= x0
                and x1 <= host[-1].x1 + h_size
            ):
                host.extend(seg)
                host.sort(key=lambda c: c.x0)
                merged.add(k)
                break
    return [s for k, s in enumerate(segments) if k not in merged]


def size_counts(chars: Iterable[Char]) -> Counter[float]:
    """Visible characters per font size (rounded to half a point)."""
    counts: Counter[float] = Counter()
    for c in chars:
        if c.size > 0 and not c.text.isspace():
            counts[round(c.size * 2) / 2] += c.glyphs
    return counts


def body_sizes(pages: Sequence[PageLayout]) -> None:
    """Set each page's body size: the most common size on the page by character count,
    unless the document's most common size still holds 30% of the page's characters
    (a page of footnotes keeps the document's body size)."""
    overall: Counter[float] = Counter()
    for page in pages:
        overall.update(page.sizes)
    common = overall.most_common(1)[0][0] if overall else 0.0
    for page in pages:
        total = sum(page.sizes.values())
        if not total or page.sizes.get(common, 0) >= 0.3 * total:
            page.body_size = common
        else:
            page.body_size = page.sizes.most_common(1)[0][0]


# --------------------------------------------------------------------------- tables


def _edges(rules: Iterable[Rule], width: float, height: float) -> list[dict[str, object]]:
    """Ruling lines and rectangle sides as pdfplumber edge dicts (backgrounds skipped)."""
    edges: list[dict[str, object]] = []

    def h(x0: float, x1: float, y: float) -> None:
        if x1 - x0 >= TABLE_TOLERANCE:
            edges.append(
                {
                    "x0": x0,
                    "x1": x1,
                    "top": y,
                    "bottom": y,
                    "doctop": y,
                    "width": x1 - x0,
                    "height": 0.0,
                    "orientation": "h",
                }
            )

    def v(x: float, top: float, bottom: float) -> None:
        if bottom - top >= TABLE_TOLERANCE:
            edges.append(
                {
                    "x0": x,
                    "x1": x,
                    "top": top,
                    "bottom": bottom,
                    "doctop": top,
                    "width": 0.0,
                    "height": bottom - top,
                    "orientation": "v",
                }
            )

    page_area = max(width * height, 1.0)
    for r in rules:
        x0, x1 = sorted((r.x0, r.x1))
        top, bottom = sorted((r.top, r.bottom))
        w, hgt = x1 - x0, bottom - top
        if w * hgt > 0.85 * page_area:
            continue
        if hgt <= 2 and w > 2:
            h(x0, x1, (top + bottom) / 2)
        elif w <= 2 and hgt > 2:
            v((x0 + x1) / 2, top, bottom)
        elif w > 2 and hgt > 2:
            h(x0, x1, top)
            h(x0, x1, bottom)
            v(x0, top, bottom)
            v(x1, top, bottom)
    return edges


def _cluster_values(values: Iterable[float], tolerance: float = 1.0) -> list[float]:
    """Sorted distinct values, those within `tolerance` of the previous one folded in."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def rules_to_grids(rules: Iterable[Rule], width: float, height: float) -> list[Grid]:
    """Find ruled tables (at least two columns) with pdfplumber's edge -> cell functions."""
    edges = _edges(rules, width, height)
    if len(edges) < 4 or len(edges) > MAX_EDGES:
        return []
    t = TABLE_TOLERANCE
    edges = [
        e
        for e in merge_edges(edges, t, t, t, t)
        if (e["width"] if e["orientation"] == "h" else e["height"]) >= t  # type: ignore[operator]
    ]
    n_h = sum(1 for e in edges if e["orientation"] == "h")
    n_v = len(edges) - n_h
    if n_h < 2 or n_v < 2 or n_h * n_v > 400_000:
        return []
    intersections = edges_to_intersections(edges, t, t)
    if len(intersections) > MAX_INTERSECTIONS:
        return []
    grids = []
    for table in cells_to_tables(intersections_to_cells(intersections)):
        cells = [c for c in table if c[2] - c[0] >= 2 and c[3] - c[1] >= 2]
        tops = _cluster_values(c[1] for c in cells)
        x0s = _cluster_values(c[0] for c in cells)
        if len(x0s) < 2 or not cells:
            continue
        grid_cells = [
            Cell(row=bisect_right(tops, c[1] + 1) - 1, col=bisect_right(x0s, c[0] + 1) - 1, bbox=c)
            for c in cells
        ]
        bbox = (
            min(c[0] for c in cells),
            min(c[1] for c in cells),
            max(c[2] for c in cells),
            max(c[3] for c in cells),
        )
        grids.append(Grid(bbox=bbox, cells=grid_cells, row_tops=tops, col_x0s=x0s))
    return grids


def _cell_at(grid: Grid, index: dict[tuple[int, int], Cell], x: float, y: float) -> Cell | None:
    """The cell of `grid` holding the point, found through the row/column index."""
    row = bisect_right(grid.row_tops, y) - 1
    col = bisect_right(grid.col_x0s, x) - 1
    guess = index.get((row, col))
    if guess is not None and _holds(guess.bbox, x, y):
        return guess
    # Spanning cells are indexed under their first row and column only.
    return next((cell for cell in grid.cells if _holds(cell.bbox, x, y)), None)


def _holds(bbox: tuple[float, float, float, float], x: float, y: float) -> bool:
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _fill_grids(chars: Sequence[Char], grids: list[Grid]) -> tuple[list[Char], list[Grid]]:
    """Put each character in its table cell; return the flow characters and the tables.

    A grid with text in fewer than two columns is no table (a frame, a divider): its
    characters go back to the flow. Empty cells are dropped and rows and columns are
    renumbered over the cells with text, so padding cells do not count as columns.
    """
    flow: list[Char] = []
    indexes = [{(c.row, c.col): c for c in g.cells} for g in grids]
    by_cell: dict[int, list[Char]] = {}
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        for grid, index in zip(grids, indexes, strict=True):
            x0, top, x1, bottom = grid.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                cell = _cell_at(grid, index, cx, cy)
                if cell is not None:
                    by_cell.setdefault(id(cell), []).append(ch)
                    break
        else:
            flow.append(ch)
    tables = []
    for grid in grids:
        filled = [
            c for c in grid.cells if any(not ch.text.isspace() for ch in by_cell.get(id(c), ()))
        ]
        col_x0s = _cluster_values(c.bbox[0] for c in filled)
        if len(col_x0s) < 2:  # text in one column only: a framed box, not a table
            for cell in grid.cells:
                flow.extend(by_cell.get(id(cell), ()))
            continue
        grid.row_tops = _cluster_values(c.bbox[1] for c in filled)
        grid.col_x0s = col_x0s
        for cell in filled:
            cell.row = bisect_right(grid.row_tops, cell.bbox[1] + 1) - 1
            cell.col = bisect_right(grid.col_x0s, cell.bbox[0] + 1) - 1
            cell.lines = chars_to_lines(by_cell[id(cell)])
        grid.cells = filled
        tables.append(grid)
    return flow, tables


# --------------------------------------------------------------------------- pages


def page_to_layout(record: PageRecord) -> PageLayout:
    """Build one page's lines and tables from its record (each character is read once)."""
    grids = rules_to_grids([*record.lines, *record.rects], record.width, record.height)
    flow, tables = _fill_grids(record.chars, grids) if grids else (record.chars, [])
    return PageLayout(
        number=record.number,
        width=record.width,
        height=record.height,
        lines=chars_to_lines(flow),
        grids=tables,
        sizes=size_counts(record.chars),
    )


def _furniture_key(line: Line) -> str:
    return _DIGITS_RE.sub("#", line.text.lower())


def strip_furniture(pages: list[PageLayout]) -> None:
    """Drop page numbers and running headers/footers (repeated in the margin bands).

    A line in the top or bottom band (MARGIN_BAND of the page height) is dropped when it
    is a lone page number, or when the same text (digits ignored) stands at about the same
    height on at least two pages and is no larger than the body text.
    """
    seen: dict[str, list[tuple[PageLayout, Line]]] = {}
    for page in pages:
        band = MARGIN_BAND * page.height
        keep = []
        for line in page.lines:
            in_band = line.top < band or line.bottom > page.height - band
            if in_band and _LONE_NUMBER_RE.fullmatch(line.text):
                continue
            keep.append(line)
            if in_band and line.size <= 1.1 * (page.body_size or line.size):
                seen.setdefault(_furniture_key(line), []).append((page, line))
        page.lines = keep
    drop: set[int] = set()
    for hits in seen.values():
        if len({p.number for p, _ in hits}) < 2:
            continue
        tops = sorted(line.top for _, line in hits)
        median = tops[len(tops) // 2]
        near = [(p, line) for p, line in hits if abs(line.top - median) <= 0.02 * p.height]
        if len({p.number for p, _ in near}) >= 2:
            drop.update(id(line) for _, line in near)
    if drop:
        for page in pages:
            page.lines = [line for line in page.lines if id(line) not in drop]


def is_slide_deck(pages: Sequence[PageLayout]) -> bool:
    """Landscape pages with few lines: a presentation exported to PDF."""
    if not pages:
        return False
    landscape = sum(1 for p in pages if p.width > 1.05 * p.height)
    counts = sorted(len(p.lines) for p in pages)
    return landscape >= 0.6 * len(pages) and counts[len(counts) // 2] <= 40


# --------------------------------------------------------------------------- boxes


def _attaches(last: Line, line: Line) -> bool:
    size = max(last.size, line.size)
    gap = line.top - last.bottom
    overlap = min(last.x1, line.x1) - max(last.x0, line.x0)
    return -0.3 * size <= gap <= 1.0 * size and overlap > 0


def lines_to_boxes(lines: Sequence[Line]) -> list[Box]:
    """Stack lines into boxes: a line joins the box whose last line sits just above it."""
    boxes: list[Box] = []
    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        hits = [b for b in boxes if _attaches(b.lines[-1], line)]
        if len(hits) == 1:
            hits[0].add(line)
        else:
            boxes.append(Box(line.x0, line.top, line.x1, line.bottom, [line]))
    return boxes


def _overlap_in_y(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Whether some interval of `a` overlaps some interval of `b` (a sweep, not all pairs)."""
    events = sorted(
        [(top, bottom, 0) for top, bottom in a] + [(top, bottom, 1) for top, bottom in b]
    )
    reach = [float("-inf"), float("-inf")]  # lowest bottom seen so far on each side
    for top, bottom, side in events:
        if reach[1 - side] > top:
            return True
        reach[side] = max(reach[side], bottom)
    return False


def _find_gutter(boxes: Sequence[Box], min_gap: float) -> tuple[float, float] | None:
    """The widest vertical gap between narrow boxes that have content side by side."""
    x0 = min(b.x0 for b in boxes)
    width = max(b.x1 for b in boxes) - x0
    narrow = sorted((b for b in boxes if b.x1 - b.x0 < 0.55 * width), key=lambda b: b.x0)
    if len(narrow) < 2:
        return None
    best: tuple[float, float] | None = None
    reach = narrow[0].x1
    for b in narrow[1:]:
        if b.x0 - reach >= min_gap:
            g0, g1 = reach, b.x0
            left = [(n.top, n.bottom) for n in narrow if n.x1 <= g0]
            right = [(n.top, n.bottom) for n in narrow if n.x0 >= g1]
            if _overlap_in_y(left, right) and (best is None or g1 - g0 > best[1] - best[0]):
                best = (g0, g1)
        reach = max(reach, b.x1)
    return best


def order_boxes(boxes: Sequence[Box], size: float, depth: int = 0) -> list[list[Box]]:
    """Reading order: columns (split at vertical gutters) left to right, each top to bottom.

    Boxes crossing the gutter (a full-width heading above two columns) cut the page into
    bands; each band is read column by column. Returns the leaves (one list per column
    piece) in reading order.
    """
    boxes = list(boxes)
    if len(boxes) <= 1 or depth > 8:
        return [sorted(boxes, key=lambda b: (b.top, b.x0))] if boxes else []
    gutter = _find_gutter(boxes, MIN_GUTTER * size)
    if gutter is None:
        return [sorted(boxes, key=lambda b: (b.top, b.x0))]
    g0, g1 = gutter
    spanning = sorted((b for b in boxes if b.x0 < g0 and b.x1 > g1), key=lambda b: b.top)
    bands: list[list[Box]] = [[] for _ in range(len(spanning) + 1)]
    span_tops = [b.top for b in spanning]
    for b in boxes:
        if b.x0 < g0 and b.x1 > g1:
            continue
        bands[bisect_right(span_tops, b.top)].append(b)
    leaves: list[list[Box]] = []
    middle = (g0 + g1) / 2
    for i, band in enumerate(bands):
        left = [b for b in band if (b.x0 + b.x1) / 2 < middle]
        right = [b for b in band if (b.x0 + b.x1) / 2 >= middle]
        for side in (left, right):
            if side:
                leaves.extend(order_boxes(side, size, depth + 1))
        if i < len(spanning):
            leaves.append([spanning[i]])
    return leaves


# --------------------------------------------------------------------------- blocks


def _leading(stacks: Iterable[Sequence[Line]]) -> float:
    """Single line spacing relative to the font size (0.0 when unknown).

    The pitch of consecutive same-size lines within each stack (a box or a table cell);
    the tenth percentile, so a few tight lines or paragraph gaps do not decide it.
    """
    ratios = []
    for lines in stacks:
        for prev, line in itertools.pairwise(lines):
            if abs(line.size - prev.size) <= 0.5:
                ratio = (line.top - prev.top) / line.size
                if 1.0 <= ratio <= 2.5:
                    ratios.append(ratio)
    if not ratios:
        return 0.0
    ratios.sort()
    return ratios[len(ratios) // 10]


_PARAGRAPH_SPACING_MIN = 0.8  # points: less is the jitter of line positions


def _pitch_limit(size: float, leading: float, spaced: bool = False) -> float:
    """The largest top-to-top distance between two lines of one paragraph: a little more
    than the measured line spacing, at most 1.5 times the size unless the line above is
    known to wrap (`spaced`: 1.5-spaced text wraps at 1.6 times its size)."""
    if not leading:
        return size * 1.4
    return size * min(1.2 * leading, leading + 0.4 if spaced else 1.5)


def _wrapped(prev: Line, line: Line, left: float, margin: float | None, words: int = 4) -> bool:
    """`prev` was ended by wrapping: it holds a few `words` (with letters) and no sentence
    end, fills most of the width from `left` to `margin` (the page's right text edge; None
    on slides, whose lines are spaced apart), the first word of `line` would not have fitted
    after it, and `line` starts where `prev`'s text or marker does (a column of short entries or
    figures spaced like a table's rows, or centred lines, fail one of these)."""
    if margin is None or _SENTENCE_END_RE.search(prev.text):
        return False
    start = prev.text_x0 if prev.marker else prev.x0
    tol = 0.3 * max(line.size, prev.size)
    return (
        sum(1 for w in prev.text.split() if any(ch.isalpha() for ch in w)) >= words
        and prev.x1 - left >= 0.75 * (margin - left)
        # under the text, or flush under a list item's marker ('▪ Integrate ... on' /
        # 'Child Protection 2026-2030', as a cell typed with its bullet wraps)
        and (
            abs(line.x0 - start) <= tol
            or (prev.marker is not None and abs(line.x0 - prev.x0) <= tol)
        )
        and not _next_word_fits(prev, line, margin)
    )


def _join(text: str, more: str) -> str:
    """Join two wrapped lines; a line ending in a compound's hyphen joins without a space."""
    if not text:
        return more
    if text.endswith("\u00ad"):
        return text[:-1] + more
    if _HYPHEN_END_RE.search(text) and more[:1].isalpha():
        return text + more
    return f"{text} {more}"


def _heading_candidate(line: Line, body: float) -> bool:
    """Larger than the body text, or a short bold line; a bullet glyph makes a list item."""
    if line.marker and is_bullet_glyph(line.marker):
        return False
    ratio = line.size / body if body else 1.0
    if ratio >= HEADING_RATIO:
        return True
    if line.bold and ratio >= 0.95 and len(line.text) <= 120:
        return line.marker is None or ratio >= 1.05
    return False


def _next_word_fits(prev: Line, line: Line, right: float, slack: float = 1.0) -> bool:
    """Whether the first word of `line` would have fitted at the end of `prev`.

    Text that wraps only moves a word down when it does not fit, so a line that ends early
    although the next word would have fitted was ended on purpose (a paragraph break that
    left no vertical gap, as in the paragraphs of a table cell). The word's width is
    estimated from the average character width of its own line; `right` is the furthest
    any line of the block reaches, which is never beyond the real margin. `slack` < 1
    accepts a room a little narrower than the estimate.
    """
    words = line.body.split() if line.marker else line.text.split()
    if not words or not line.text:
        return False
    start = line.text_x0 if line.marker else line.x0
    chars = len(line.body if line.marker else line.text)
    per_char = (line.x1 - start) / max(chars, 1)
    needed = per_char * (len(words[0]) + 1) + 0.5 * max(line.size, prev.size)
    return right - prev.x1 > slack * needed


def _ends_paragraph(prev: Line, line: Line, right: float, width: float) -> bool:
    """A new paragraph: the next line opens with a capital or digit after a line that ended
    early, either on a sentence end or although the next word would have fitted."""
    if not (line.text[:1].isupper() or line.text[:1].isdigit()):
        return False
    short = right - prev.x1 > max(0.2 * width, 3 * prev.size)
    sentence_end = bool(_SENTENCE_END_RE.search(prev.text))
    if short and sentence_end:
        return True
    # After a sentence end the estimate may be a little off either way (engines measure
    # glyph boxes differently): a room of 80% of the word's width is enough.
    return _next_word_fits(prev, line, right, 0.8 if sentence_end else 1.0)


def _continues_text(draft: _Draft, prev: Line, line: Line, tol: float) -> bool:
    """Same paragraph by position: aligned left, centred or right, or after a first-line indent."""
    if abs(line.x0 - prev.x0) <= tol or (abs(line.x1 - prev.x1) <= tol and line.x0 > prev.x0):
        return True
    if abs(line.center - prev.center) <= tol:
        return True
    return len(draft.lines) == 1 and line.x0 < prev.x0 and line.x0 >= prev.x0 - 6 * prev.size


def _joins(cur: _Draft, prev: Line, line: Line, heading: bool, right: float, width: float) -> bool:
    """Whether `line` (close below `prev`, same size) continues the block `cur`."""
    if cur.kind == BlockKind.heading:
        return heading and len(cur.lines) < 4
    if heading or line.marker is not None:
        return False
    tol = 0.6 * max(line.size, prev.size)
    if _ends_paragraph(prev, line, right, width):
        return False
    if cur.kind == BlockKind.list_item:
        return abs(line.x0 - cur.text_x0) <= tol or _wraps_under_marker(cur, prev, line, tol, right)
    return _continues_text(cur, prev, line, tol)


def _wraps_under_marker(cur: _Draft, prev: Line, line: Line, tol: float, right: float) -> bool:
    """A list item's line wrapped flush left, under its marker or between the marker and
    the text (some exporters indent continuation lines by half the marker's width).

    Wrapped when the line opens in lower case, or when its first word would not have fit
    at the end of the line above; never after a sentence end before a capital.
    """
    first = cur.lines[0]
    if cur.text_x0 - first.x0 <= tol or not first.x0 - tol <= line.x0 <= cur.text_x0 - tol:
        return False
    if _SENTENCE_END_RE.search(prev.text) and line.text[:1].isupper():
        return False
    if line.text[:1].islower():
        return True
    return right - prev.x1 <= 2 * prev.size or not _next_word_fits(prev, line, right)


def _lines_to_drafts(
    lines: Sequence[Line], body: float, leading: float, margin: float | None
) -> list[_Draft]:
    """Titles/headings, list items and paragraphs from one box's lines (top to bottom);
    `margin` is the page's right text edge, None on a slide."""
    drafts: list[_Draft] = []
    if not lines:
        return drafts
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    width = right - left
    cur: _Draft | None = None
    prev: Line | None = None
    for line in lines:
        heading = _heading_candidate(line, body)
        joined = False
        if cur is not None and prev is not None:
            size = max(line.size, prev.size)
            spaced = not heading and line.marker is None and _wrapped(prev, line, left, margin)
            near = 0 < line.top - prev.top <= _pitch_limit(size, leading, spaced)
            if (
                heading
                and near
                and cur.kind != BlockKind.heading
                and line.size < HEADING_RATIO * body
                and not _SENTENCE_END_RE.search(prev.text)
            ):
                heading = False  # a bold line inside running text, not a heading
            if near and abs(line.size - prev.size) <= 0.12 * size:
                joined = _joins(cur, prev, line, heading, right, width)
        if joined and cur is not None:
            cur.lines.append(line)
            cur.text = _join(cur.text, line.text)
        else:
            if heading:
                cur = _Draft(BlockKind.heading, [line], line.text, line.size)
            elif line.marker is not None:
                cur = _Draft(
                    BlockKind.list_item, [line], line.body, line.size, line.marker, line.text_x0
                )
            else:
                cur = _Draft(BlockKind.paragraph, [line], line.text, line.size)
            drafts.append(cur)
        prev = line
    for d in drafts:
        if d.kind == BlockKind.heading and len(d.text) > MAX_HEADING_CHARS:
            d.kind = BlockKind.paragraph
    return drafts


def _assign_levels(drafts: Sequence[_Draft]) -> None:
    """List levels from the marker's x position within each run of consecutive list items.

    The marker positions of a run are clustered; the leftmost cluster is level 0.
    """
    runs: list[list[_Draft]] = [[]]
    for d in drafts:
        if d.kind == BlockKind.list_item:
            runs[-1].append(d)
        elif runs[-1]:
            runs.append([])
    for run in runs:
        xs = _cluster_values((d.lines[0].x0 for d in run), tolerance=4.0)
        for d in run:
            d.level = max(0, bisect_right(xs, d.lines[0].x0 + 4.0) - 1)


def _paragraphs_in_cell(lines: Sequence[Line], leading: float) -> list[list[Line]]:
    """Split a cell's lines into paragraphs: vertical gaps, a sentence end on a short line, or
    a line that opens with a capital a little further down than the lines wrap (the spacing
    a slide or a word processor puts between a cell's paragraphs: 'Set up a desk at the
    Ministry of Labour' / 'Negotiate a bilateral agreement' is two actions, although the
    second one's first word would not have fitted on the line above)."""
    groups: list[list[Line]] = []
    if not lines:
        return groups
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    width = right - left
    for line in lines:
        if groups:
            prev = groups[-1][-1]
            size = max(line.size, prev.size)
            pitch = line.top - prev.top
            spaced = _wrapped(prev, line, left, right, words=3)
            near = 0 < pitch <= _pitch_limit(size, leading, spaced)
            if (
                near
                and line.marker is None
                and not _ends_paragraph(prev, line, right, width)
                and not _spaced_paragraph(prev, line, pitch, leading)
            ):
                groups[-1].append(line)
                continue
        groups.append([line])
    return groups


def _spaced_paragraph(prev: Line, line: Line, pitch: float, leading: float) -> bool:
    """A line that opens with a capital or digit and sits further below `prev` than lines of
    its size wrap (`leading`, the table's tightest usual pitch) by a paragraph's spacing."""
    if not leading or abs(line.size - prev.size) > 0.5:
        return False
    if not (line.text[:1].isupper() or line.text[:1].isdigit()):
        return False
    return pitch - leading * line.size > max(_PARAGRAPH_SPACING_MIN, 0.06 * line.size)


def _grid_drafts(grid: Grid, table_id: str) -> list[_Draft]:
    """One table_cell draft per paragraph of each cell, row by row, left to right."""
    nrows = max(c.row for c in grid.cells) + 1
    leading = _leading(c.lines for c in grid.cells)
    texts = {id(c): " ".join(line.text for line in c.lines) for c in grid.cells}
    first_row = [c for c in grid.cells if c.row == 0 and texts[id(c)]]
    has_header = nrows >= 2 and bool(first_row) and all(len(texts[id(c)]) <= 100 for c in first_row)
    headers: dict[int, str] = {}
    if has_header:
        for col, x in enumerate(grid.col_x0s):
            for c in first_row:
                if c.bbox[0] - 1 <= x < c.bbox[2] - 1:
                    headers[col] = clean_space(texts[id(c)])
    drafts = []
    for cell in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        is_header = has_header and cell.row == 0
        groups = [cell.lines] if is_header else _paragraphs_in_cell(cell.lines, leading)
        for group in groups:
            if not group:
                continue
            marker, text = (None, "")
            if not is_header and group[0].marker:
                marker, text = group[0].marker, group[0].body
            else:
                text = group[0].text
            for line in group[1:]:
                text = _join(text, line.text)
            ref = TableCellRef(
                table_id=table_id,
                row=cell.row,
                col=cell.col,
                header=None if is_header else headers.get(cell.col),
                is_header=is_header,
            )
            size = max(line.size for line in group)
            drafts.append(_Draft(BlockKind.table_cell, list(group), text, size, marker, table=ref))
    return drafts


def _drop_lone_numbers(boxes: list[Box]) -> list[Box]:
    """A box holding nothing but a short number is a slide or page number."""
    return [
        b
        for b in boxes
        if b.grid is not None or len(b.lines) > 1 or not _BOX_NUMBER_RE.fullmatch(b.lines[0].text)
    ]


def _page_drafts(page: PageLayout, deck: bool) -> list[_Draft]:
    """All drafts of one page in reading order (`deck`: the page is a slide)."""
    body = page.body_size or 1.0
    boxes = _drop_lone_numbers(lines_to_boxes(page.lines))
    for grid in page.grids:
        boxes.append(Box(*grid.bbox, grid=grid))
    if not boxes:
        return []
    leading = _leading(b.lines for b in boxes)
    margin = None if deck else max((line.x1 for line in page.lines), default=0.0)
    drafts: list[_Draft] = []
    grid_ids = {id(g): i + 1 for i, g in enumerate(sorted(page.grids, key=lambda g: g.bbox[1]))}
    for leaf in order_boxes(boxes, body):
        leaf_drafts: list[_Draft] = []
        for box in leaf:
            if box.grid is not None:
                table_id = f"p{page.number}-t{grid_ids[id(box.grid)]}"
                leaf_drafts.extend(_grid_drafts(box.grid, table_id))
            else:
                # The box's own line spacing when it has enough lines, else the page's.
                own = _leading([box.lines]) if len(box.lines) >= 4 else 0.0
                leaf_drafts.extend(_lines_to_drafts(box.lines, body, own or leading, margin))
        _assign_levels(leaf_drafts)
        drafts.extend(leaf_drafts)
    return drafts


def _pick_title(drafts: list[_Draft], page: PageLayout) -> None:
    """On a slide: the top-most largest text (not a bullet or cell) becomes the title, first."""
    if not drafts:
        return
    largest = max(d.size for d in drafts)
    candidates = [
        d
        for d in drafts
        if d.size >= largest - 0.5 and d.kind in (BlockKind.heading, BlockKind.paragraph)
    ]
    if not candidates:
        return
    title = min(candidates, key=lambda d: d.top)
    if title.kind == BlockKind.paragraph:
        middle = (title.top + max(line.bottom for line in title.lines)) / 2
        if len(title.lines) > 2 or len(title.text) > 100 or middle > 0.6 * page.height:
            return
    title.kind = BlockKind.title
    drafts.remove(title)
    drafts.insert(0, title)


def _to_block(d: _Draft, page: PageLayout, heading_levels: dict[float, int]) -> Block:
    body = page.body_size or d.size
    return Block(
        kind=d.kind,
        text=clean_space(d.text),
        page=page.number,
        level=d.level if d.kind == BlockKind.list_item else 0,
        heading_level=heading_levels.get(d.size) if d.kind == BlockKind.heading else None,
        marker=d.marker,
        bbox=BBox(
            x0=round(min(line.x0 for line in d.lines), 2),
            top=round(min(line.top for line in d.lines), 2),
            x1=round(max(line.x1 for line in d.lines), 2),
            bottom=round(max(line.bottom for line in d.lines), 2),
        ),
        font_size_ratio=round(d.size / body, 2) if body else None,
        bold=all(line.bold for line in d.lines),
        table=d.table,
    )


def _runs_full(draft: _Draft) -> bool:
    """A block of several lines whose last line reaches as far right as its widest one."""
    if len(draft.lines) < 2:
        return False
    return draft.lines[-1].x1 >= max(line.x1 for line in draft.lines) - 1.5 * draft.size


def _breaks_off(prev: _Draft, nxt: _Draft, new_page: bool) -> bool:
    """`nxt` goes on with `prev`'s sentence after a page or column break: `prev` ends with no
    sentence or clause mark, `nxt` opens in small letters at the same size (or, after a page
    break, `prev`'s last line runs to its right edge, as a wrapped line does), and `nxt`
    starts on a new page or higher than `prev` ends (the top of the next column)."""
    tail, head = prev.text.rstrip(), nxt.text.lstrip()
    return (
        prev.kind in (BlockKind.paragraph, BlockKind.list_item)
        and nxt.kind == BlockKind.paragraph
        and bool(tail)
        and tail[-1] not in '.!?:;…)»”"'
        and (head[:1].islower() or (new_page and _runs_full(prev)))
        and abs(prev.size - nxt.size) < 0.5
        and (new_page or nxt.top < prev.top)
    )


def _join_broken_paragraphs(per_page: list[tuple[PageLayout, list[_Draft]]]) -> None:
    """Rejoin a paragraph or list item that a page or column break cut in two, so the sentence
    is one block (kept at the page where it starts). Table cells are skipped over."""
    last: _Draft | None = None
    last_page = 0
    for page, drafts in per_page:
        kept: list[_Draft] = []
        for d in drafts:
            if d.kind == BlockKind.table_cell:
                kept.append(d)
                continue
            if last is not None and _breaks_off(last, d, page.number != last_page):
                last.text = _join(last.text, d.text)
                continue
            kept.append(d)
            last, last_page = d, page.number
        drafts[:] = kept


def layouts_to_blocks(pages: list[PageLayout]) -> tuple[list[Block], str | None]:
    """Blocks of all pages in reading order, and the first page's largest text.

    Headers, footers and page numbers are removed first (across pages). On slides the
    top-most largest text of each page is its `title`; elsewhere large or bold short
    lines are headings, `heading_level` ranked by font size over the document.
    """
    body_sizes(pages)
    strip_furniture(pages)
    deck = is_slide_deck(pages)
    per_page: list[tuple[PageLayout, list[_Draft]]] = []
    for page in pages:
        drafts = [d for d in _page_drafts(page, deck) if clean_space(d.text)]
        if deck:
            _pick_title(drafts, page)
        per_page.append((page, drafts))
    if not deck:
        _join_broken_paragraphs(per_page)
    sizes = sorted({d.size for _, ds in per_page for d in ds if d.kind == BlockKind.heading})
    heading_levels = {size: i + 1 for i, size in enumerate(reversed(sizes))}
    blocks = [_to_block(d, page, heading_levels) for page, ds in per_page for d in ds]
    first_text = None
    for _, drafts in per_page:
        flow = [d for d in drafts if d.kind != BlockKind.table_cell]
        if flow:
            largest = max(d.size for d in flow)
            top = min((d for d in flow if d.size == largest), key=lambda d: d.top)
            first_text = clean_space(top.text) or None
            break
    return blocks, first_text
