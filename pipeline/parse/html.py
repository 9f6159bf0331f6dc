"""HTML pages (a country page or news item saved from a browser, an e-mail's HTML body) into
blocks.

The page's own structure is kept, not its look: `h1`-`h6` are headings of that level; `p`,
`div` and other block elements give paragraphs; `li` gives list items, nested by their
`ul`/`ol` depth, numbered in an `ol`; `table` rows give cells with their column header (the
first row, or the row of `th`); a `dt` or a paragraph entirely in `strong`/`b` is a short
bold heading; `br` separates the paragraphs of a table cell. Navigation, scripts, styles,
forms and the page footer are left out: they are the site around the page, not the page.
Python's own `html.parser` reads it (tolerant of unclosed tags; no dependency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from pipeline.config import Settings
from pipeline.models import Block, BlockKind, TableCellRef
from pipeline.parse.common import BOLD_HEADING_LEVEL, Parsed, clean_space, split_marker
from pipeline.parse.detect import decode_text

_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "nav",
        "footer",
        "form",
        "button",
        "select",
        "iframe",
        "object",
        "canvas",
        "head",
    ]
)
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "aside",
        "blockquote",
        "pre",
        "address",
        "figure",
        "figcaption",
        "center",
        "dd",
        "body",
        "html",
        "fieldset",
        "details",
        "summary",
        "caption",
    ]
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BOLD = frozenset({"strong", "b"})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"})
_HEADING_WORDS = 12  # a paragraph all in bold and this short is a sub-heading


@dataclass
class _Run:
    """Text gathered for the block being read, and how much of it was bold."""

    parts: list[str] = field(default_factory=list)
    bold_chars: int = 0
    chars: int = 0

    def add(self, text: str, bold: bool) -> None:
        self.parts.append(text)
        n = len(text.strip())
        self.chars += n
        self.bold_chars += n if bold else 0

    def take(self) -> tuple[str, bool]:
        text = clean_space(" ".join("".join(self.parts).split()))
        bold = bool(self.chars) and self.bold_chars == self.chars
        self.parts.clear()
        self.chars = self.bold_chars = 0
        return text, bold


@dataclass
class _Table:
    rows: list[list[list[str]]] = field(default_factory=list)  # row -> cell -> paragraphs
    th: set[tuple[int, int]] = field(default_factory=set)  # (row, col) of `th` cells

    def has_header_row(self) -> bool:
        """The first row heads the columns unless `th` cells head the rows instead (a facts
        table of 'label | value' rows)."""
        if not self.th:
            return True
        first_row = {(0, c) for c in range(len(self.rows[0]))} if self.rows else set()
        return first_row <= self.th or not all(col == 0 for _, col in self.th)


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[BlockKind, str, dict]] = []
        self.title: str | None = None
        self.run = _Run()
        self.skip = 0
        self.bold = 0
        self.lists: list[list[int]] = []  # per open list: [is_ordered, next number]
        self.heading: int | None = None
        self.in_title = False
        self.item_open = False
        self.tables: list[_Table] = []
        self.cell: list[str] | None = None

    # Blocks ---------------------------------------------------------------------------------
    def flush(self) -> None:
        text, bold = self.run.take()
        if not text:
            return
        if self.cell is not None:
            self.cell.append(text)
            return
        if self.heading is not None:
            self.blocks.append((BlockKind.heading, text, {"heading_level": self.heading}))
        elif self.item_open and self.lists:
            ordered, number = self.lists[-1]
            marker, rest = split_marker(text)
            if ordered:
                marker = f"{number}."
            self.blocks.append(
                (
                    BlockKind.list_item,
                    rest if rest and marker and not ordered else text,
                    {"marker": marker or "•", "level": len(self.lists) - 1, "bold": bold},
                )
            )
            self.item_open = False  # the item's later text (after a nested list) is a paragraph
        elif bold and len(text.split()) <= _HEADING_WORDS and not text.endswith("."):
            self.blocks.append(
                (BlockKind.heading, text, {"heading_level": BOLD_HEADING_LEVEL, "bold": True})
            )
        else:
            marker, rest = split_marker(text)
            if marker and rest:  # a list typed by hand ('• ...', '1. ...') in paragraphs
                self.blocks.append(
                    (BlockKind.list_item, rest, {"marker": marker, "level": 0, "bold": bold})
                )
            else:
                self.blocks.append((BlockKind.paragraph, text, {"bold": bold}))

    # Parser callbacks ------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
            return
        if self.skip:
            if tag in _SKIP and tag not in _VOID:
                self.skip += 1
            return
        if tag in _SKIP:
            self.flush()
            self.skip = 1
            return
        if tag in _BOLD:
            self.bold += 1
        elif tag == "br":
            if self.cell is not None:
                self.flush()
            else:
                self.run.add(" ", False)
        elif tag in _HEADINGS:
            self.flush()
            self.heading = _HEADINGS[tag]
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append([tag == "ol", 1])
        elif tag == "li":
            self.flush()
            self.item_open = True
        elif tag == "table":
            self.flush()
            self.tables.append(_Table())
        elif tag == "tr" and self.tables:
            self.flush()
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            self.flush()
            table = self.tables[-1]
            if not table.rows:
                table.rows.append([])
            self.cell = []
            table.rows[-1].append(self.cell)
            if tag == "th":
                table.th.add((len(table.rows) - 1, len(table.rows[-1]) - 1))
        elif tag == "dt":
            self.flush()
            self.bold += 1
        elif tag in _BLOCKS or tag == "hr":
            self.flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if self.skip:
            if tag in _SKIP:
                self.skip -= 1
            return
        if tag in _BOLD:
            self.bold = max(0, self.bold - 1)
        elif tag in _HEADINGS:
            self.flush()
            self.heading = None
        elif tag == "li":
            self.flush()
            self.item_open = False
            if self.lists:
                self.lists[-1][1] += 1
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in ("td", "th"):
            self.flush()
            self.cell = None
        elif tag == "table" and self.tables:
            self.flush()
            self.cell = None
            table = self.tables.pop()
            self.blocks.append((BlockKind.table_cell, "", {"table": table}))
        elif tag == "dt":
            self.flush()
            self.bold = max(0, self.bold - 1)
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title = clean_space(" ".join(((self.title or "") + " " + data).split())) or None
            return
        if self.skip:
            return
        self.run.add(data, self.bold > 0 or self.heading is not None)


def _cells(table: _Table, page: int, table_id: str) -> list[Block]:
    """A table's cells; the first row is the header row (as a page shows it)."""
    rows = [row for row in table.rows if any(row)]
    if not rows:
        return []
    if not table.has_header_row():
        rows = [[], *rows]  # no header row: the rows count from 1, as under a header
    header = [" ".join(cell) for cell in rows[0]]
    blocks = [
        Block(
            kind=BlockKind.table_cell,
            text=text,
            page=page,
            bold=True,
            table=TableCellRef(table_id=table_id, row=0, col=col, is_header=True),
        )
        for col, text in enumerate(header)
        if text
    ]
    for r, row in enumerate(rows[1:], start=1):
        for col, cell in enumerate(row):
            for text in cell:
                blocks.append(
                    Block(
                        kind=BlockKind.table_cell,
                        text=text,
                        page=page,
                        table=TableCellRef(
                            table_id=table_id,
                            row=r,
                            col=col,
                            header=header[col] if col < len(header) and header[col] else None,
                        ),
                    )
                )
    return blocks


def html_blocks(text: str, page: int = 1) -> tuple[list[Block], str | None]:
    """The blocks of an HTML page and its `<title>`."""
    reader = _PageReader()
    reader.feed(text)
    reader.close()
    reader.flush()
    blocks: list[Block] = []
    tables = 0
    for kind, body, extra in reader.blocks:
        if kind == BlockKind.table_cell:
            tables += 1
            blocks.extend(_cells(extra["table"], page, f"p{page}-t{tables}"))
            continue
        blocks.append(Block(kind=kind, text=body, page=page, **extra))
    return blocks, reader.title


def parse(path: Path, data: bytes, settings: Settings) -> Parsed:
    blocks, page_title = html_blocks(decode_text(data))
    # The page's first top heading names it; the <title> often adds the site's name.
    levels = [b.heading_level for b in blocks if b.kind == BlockKind.heading and b.heading_level]
    top = min(levels, default=None)
    title = next((b.text for b in blocks if top and b.heading_level == top), None)
    title = title if top is not None and top < BOLD_HEADING_LEVEL else page_title or title
    return Parsed(blocks=blocks, page_count=1, title=title)
