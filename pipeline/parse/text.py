"""Plain text and Markdown into blocks.

Markdown: `#` headings, `-`/`*`/`•`/numbered bullets with nesting by indent, pipe tables and
tab-separated tables whose cells may hold `<p>` paragraphs, inline `**bold**`, `*italic*`,
`<sup>`, links and escapes removed. Plain text: one block per line; a line holding several
inline bullets (a flattened list, as scraped web pages give) is split into list items.
A form feed starts a new page.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.config import Settings
from pipeline.models import Block, BlockKind, TableCellRef
from pipeline.parse.common import Parsed, clean_space, split_marker
from pipeline.parse.detect import decode_text, detect_format

_MAIL_HEADER_RE = re.compile(
    r"^(from|to|cc|bcc|sent|date|subject|de|à|a|envoyé|objet|para|enviado|fecha|asunto)\s*:",
    re.I,
)
_SUBJECT_RE = re.compile(r"^(?:subject|objet|asunto)\s*:\s*(.+)$", re.I)
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_P_RE = re.compile(r"<p>(.*?)</p>", re.S | re.I)
_BR_RE = re.compile(r"<br\s*/?>", re.I)
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG_RE = re.compile(r"</?(?:sup|sub|b|i|em|strong|u|span|br|a)\b[^>]*>", re.I)
_EMPH_RE = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S)
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_INLINE_BULLET_RE = re.compile(r"\s+[•▪●◦■►➢\uf0b7\uf0a7]\s+")
_DROP_CAP_RE = re.compile(r"\b([A-Z]) ([A-Z]{2,})\b")
_CAPS_LEAD_RE = re.compile(r"^([A-Z][A-Z'’&-]+(?: [A-Z][A-Z'’&-]+)*)(?= [A-Z][a-z])")
_CAPS_TAIL_RE = re.compile(r"(?<=[.;:]) ([A-Z][A-Z'’&-]+(?: (?:[A-Z(][A-Z()'’&-]*|\)))+)$")
_INLINE_NUMBER_RE = re.compile(r"(?:^|(?<=\s))(\d{1,2})\.\s+(?=\S)")
_SENTENCE_END = (".", ";", ":", "!", "?", ",")
_SENTENCE_BREAK_RE = re.compile(r"[.!?]\s+[A-Z(][a-z]")
_WHOLE_BOLD_RE = re.compile(r"(\*\*|__)[^*_]+\1:?")
_MARKUP_CHARS = frozenset("*_[]<>\\")


def parse(path: Path, data: bytes, settings: Settings) -> Parsed:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    markdown = detect_format(path, data) == "markdown"
    blocks: list[Block] = []
    pages = text.split("\f")[: settings.max_pages]
    with _collector_paused():
        for number, page_text in enumerate(pages, start=1):
            lines = page_text.split("\n")
            blocks.extend(
                markdown_blocks(lines, number) if markdown else text_blocks(lines, number)
            )
    ranked = [b for b in blocks if b.kind == BlockKind.heading and b.heading_level]
    title = min(ranked, key=lambda b: b.heading_level or 9).text if ranked else None
    return Parsed(blocks=blocks, page_count=len(pages), title=title)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the blocks are built. A large file gives
    millions of new objects (a block is a model, its dict and its set of fields), and each
    full pass of the collector walks all of them to free nothing, since blocks hold no
    reference cycles: about 40% of the time of a 5 MB file (issue #12). Reference counting
    frees everything as before; the collector runs again afterwards, and stays off if it
    already was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def strip_inline(text: str) -> tuple[str, bool]:
    """Remove Markdown/HTML inline markup; say whether the whole text was bold."""
    if not _MARKUP_CHARS.intersection(text):  # plain text (most of it): nothing to remove
        return clean_space(text), False
    stripped = text.strip()
    whole_bold = bool(_WHOLE_BOLD_RE.fullmatch(stripped))
    text = _LINK_RE.sub(r"\1", text)
    text = _TAG_RE.sub("", text)
    for _ in range(3):  # nested emphasis: ***x*** or **a *b* c**
        text = _EMPH_RE.sub(lambda m: m.group(2) or m.group(3) or "", text)
    text = _ESCAPE_RE.sub(r"\1", text)
    return clean_space(text.replace("**", "")), whole_bold


def _indent(line: str) -> int:
    expanded = line.replace("\t", "    ")
    return len(expanded) - len(expanded.lstrip(" "))


def _looks_like_heading(text: str) -> bool:
    """A short line with no sentence punctuation reads as a heading in plain text; an e-mail
    header line ('From: ...', 'Date: ...', 'Objet : ...') does not."""
    words = text.split()
    return (
        0 < len(words) <= 8
        and not _MAIL_HEADER_RE.match(text)
        and (not text.endswith(_SENTENCE_END) or (text.endswith("?") and len(words) <= 6))
        and not _SENTENCE_BREAK_RE.search(text)
        and text[:1].isupper()
        and len(text) <= 80
    )


def _plain_table_extent(lines: list[str], start: int) -> int:
    """End (exclusive) of a plain-text table at `start`: two or more consecutive lines cut into
    the same number (two or more) of cells by ' | ', as tables copied from a web page or
    flattened by a converter look; `start` when there is none."""
    width = len(lines[start].split(" | ")) if " | " in lines[start] else 0
    end = start
    while end < len(lines) and width >= 2 and len(lines[end].split(" | ")) == width:
        end += 1
    return end if end - start >= 2 else start


def text_blocks(lines: list[str], page: int) -> list[Block]:
    """Plain text: one block per line, headings by shape, flattened inline lists split, and
    ' | ' tables (a cell's ' / ' separates its paragraphs)."""
    blocks: list[Block] = []
    tables = 0
    skip_to = 0
    # next_text[i]: the first non-blank line after line i, cleaned ("" when none); built
    # backwards once, so each line's look-ahead costs O(1) (no copy of the rest of the page).
    next_text = [""] * len(lines)
    following = ""
    for j in range(len(lines) - 1, -1, -1):
        next_text[j] = following
        if lines[j].strip():
            following = lines[j]
    for i, raw in enumerate(lines):
        if i < skip_to:
            continue
        table_end = _plain_table_extent(lines, i)
        if table_end > i:
            tables += 1
            rows = [
                [c.strip().replace(" / ", "<br>") for c in x.split(" | ")]
                for x in lines[i:table_end]
            ]
            blocks.extend(_table_blocks(rows, page, f"p{page}-t{tables}"))
            skip_to = table_end
            continue
        line = _DROP_CAP_RE.sub(r"\1\2", clean_space(raw))
        if not line:
            continue
        marker, rest = split_marker(line)
        caps = _CAPS_LEAD_RE.match(rest) if marker and len(rest.split()) > 30 else None
        if caps:
            # A flattened slide ("11. UGANDA Child Labour ..."): its capitals are its title.
            blocks.append(Block(kind=BlockKind.heading, text=caps.group(1), page=page))
            line = rest[caps.end() :].strip()
            marker, rest = split_marker(line)
        parts = _INLINE_BULLET_RE.split(" " + line)
        if len(parts) > 2 or (len(parts) == 2 and len(parts[0].split()) <= 15):
            # A flattened slide or list: its lead (before the first bullet) is the slide's
            # title, with a scraped drop-cap repaired ("M ADAGASCAR" -> "MADAGASCAR").
            _, lead = split_marker(parts[0].strip())
            lead = _DROP_CAP_RE.sub(r"\1\2", lead)
            if lead:
                blocks.append(Block(kind=BlockKind.heading, text=lead, page=page))
            for part in parts[1:]:
                part = part.strip()
                tail = _CAPS_TAIL_RE.search(part)
                if tail:  # "... dairy sector. NEXT STEPS (SHORT TERM)" ends a flattened list
                    part = part[: tail.start()].strip()
                blocks.extend(_flattened_numbers(part, page))
                if tail:
                    heading = re.sub(r"\(\s*(.*?)\s*\)", r"(\1)", tail.group(1).strip())
                    blocks.append(Block(kind=BlockKind.heading, text=heading, page=page))
            continue
        if marker:
            blocks.append(
                Block(kind=BlockKind.list_item, text=rest, page=page, marker=marker, level=0)
            )
            continue
        next_line = clean_space(next_text[i])
        subject = _SUBJECT_RE.match(line)
        if subject and subject.group(1).strip():
            # An e-mail's subject line is what the message is about: its heading.
            blocks.append(Block(kind=BlockKind.heading, text=subject.group(1).strip(), page=page))
            continue
        kind = BlockKind.heading if _looks_like_heading(line) and next_line else BlockKind.paragraph
        blocks.append(Block(kind=kind, text=line, page=page))
    return blocks


def _flattened_numbers(text: str, page: int) -> list[Block]:
    """A bullet holding a flattened numbered list ('... : 1. Form ...; 2. Set up ...') gives
    its lead as a paragraph and each numbered entry as a list item; else one list item."""
    if not text:
        return []
    starts, expected = [], 1
    for match in _INLINE_NUMBER_RE.finditer(text):
        if int(match.group(1)) == expected:
            starts.append(match)
            expected += 1
    if len(starts) < 2:
        return [Block(kind=BlockKind.list_item, text=text, page=page, marker="•")]
    lead = text[: starts[0].start()].strip()
    blocks = [Block(kind=BlockKind.paragraph, text=lead, page=page)] if lead else []
    for match, nxt in zip(starts, [*starts[1:], None], strict=True):
        entry = text[match.end() : nxt.start() if nxt else len(text)].strip()
        blocks.append(
            Block(kind=BlockKind.list_item, text=entry, page=page, marker=f"{match.group(1)}.")
        )
    return blocks


def markdown_blocks(lines: list[str], page: int) -> list[Block]:
    """Markdown: headings, nested bullets, tables and paragraphs joined across lines."""
    blocks: list[Block] = []
    para: list[str] = []
    indents: list[int] = []
    table_count = 0

    def flush_para() -> None:
        if not para:
            return
        text, bold = strip_inline(" ".join(para))
        para.clear()
        if not text:
            return
        kind = BlockKind.heading if _looks_like_heading(text) else BlockKind.paragraph
        blocks.append(
            Block(kind=kind, text=text, page=page, bold=bold, heading_level=2 if bold else None)
            if kind == BlockKind.heading
            else Block(kind=kind, text=text, page=page, bold=bold)
        )

    i = 0
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        if not line:
            flush_para()
            i += 1
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            flush_para()
            text, _ = strip_inline(heading.group(2))
            if text:
                blocks.append(
                    Block(
                        kind=BlockKind.heading,
                        text=text,
                        page=page,
                        heading_level=len(heading.group(1)),
                    )
                )
            i += 1
            continue
        table_end = _table_extent(lines, i)
        if table_end > i:
            flush_para()
            table_count += 1
            rows = [_split_row(x) for x in lines[i:table_end] if not _TABLE_SEP_RE.match(x)]
            blocks.extend(_table_blocks(rows, page, f"p{page}-t{table_count}"))
            i = table_end
            continue
        marker, rest = split_marker(_ESCAPE_RE.sub(r"\1", line) if "\\" in line else line)
        if marker and rest:
            flush_para()
            indent = _indent(raw)
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            text, bold = strip_inline(rest)
            blocks.append(
                Block(
                    kind=BlockKind.list_item,
                    text=text,
                    page=page,
                    marker=marker,
                    level=len(indents) - 1,
                    bold=bold,
                )
            )
            i += 1
            continue
        indents.clear()
        para.append(line)
        if raw.endswith("  ") or raw.endswith("\\"):
            pass  # a hard line break inside a paragraph reads as a space
        i += 1
    flush_para()
    return blocks


def _split_row(line: str) -> list[str]:
    line = line.strip()
    if "|" in line:
        return [c.strip() for c in line.strip("|").split("|")]
    return [c.strip() for c in line.split("\t")]


def _table_extent(lines: list[str], start: int) -> int:
    """End index (exclusive) of a pipe or tab table starting at `start`, or `start`."""
    first = lines[start]
    if first.strip().startswith("|") and start + 1 < len(lines):
        if not _TABLE_SEP_RE.match(lines[start + 1]):
            return start
        end = start + 2
        while end < len(lines) and lines[end].strip().startswith("|"):
            end += 1
        return end
    if "\t" in first.strip() and start + 1 < len(lines):
        width = len(_split_row(first))
        end = start + 1
        while end < len(lines) and "\t" in lines[end] and len(_split_row(lines[end])) == width:
            end += 1
        return end if end > start + 1 else start
    return start


def _table_blocks(rows: list[list[str]], page: int, table_id: str) -> list[Block]:
    """Cells of a table given as rows of cell texts; the first row is the header."""
    header = [strip_inline(c)[0] for c in rows[0]]
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
            # Plain cells (most): no markup to split on.
            paragraphs = (_P_RE.findall(cell) or _BR_RE.split(cell)) if "<" in cell else [cell]
            for para in paragraphs:
                text, bold = strip_inline(para)
                if not text:
                    continue
                ref = TableCellRef(
                    table_id=table_id,
                    row=r,
                    col=col,
                    header=header[col] if col < len(header) else None,
                )
                blocks.append(
                    Block(kind=BlockKind.table_cell, text=text, page=page, bold=bold, table=ref)
                )
    return blocks
