"""The date of a document: when the meeting took place or the document was published.

`document_date(doc)` returns a `DocumentDate` (ISO date, year-month or year, the words that
gave it, the line they sit in and where that line is) or None when the document does not say.
Month names and the words that disqualify a date are data in `pipeline/vocab/dates.json`
(English, French, Spanish).

Where the date is looked for, in order:

1. the title and the short lines of the first page right under it ("Geneva, 12 May 2022",
   "Rapport général – Niamey, 20 et 21 juin 2023", "Mise à jour de mars 2024",
   "Date: 12 March 2024" in an e-mail header);
2. the first paragraphs of the first page, where only a full date counts (a month or a year
   in running text is more often history than the document's own date);
3. the file's properties (`created`), which say when the file was made, not the meeting.

A meeting of several days ("3–4 March 2021", "9 y 10 de agosto de 2023",
"30 November – 1 December 2020") is dated by its first day. A date right after a deadline or
history word ("by 31 August 2023", "since 2019", "next meeting: December 2023",
"d'ici juin 2024", "desde 2021") is not the document's date. A year alone counts only in the
title lines and only when it is not a period ("Work plan 2024–2025").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date as _date
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pipeline.deadlines import iso_date
from pipeline.models import Block, BlockKind, Document

__all__ = ["DocumentDate", "document_date", "find_dates"]

Where = Literal["title", "first_page", "properties"]
Precision = Literal["day", "month", "year"]
_RANK = {"day": 3, "month": 2, "year": 1}
_TITLE_LINE_WORDS = 20


@dataclass(frozen=True)
class FoundDate:
    """One date expression in a text: offsets, ISO value and how precise it is."""

    start: int
    end: int
    iso: str
    precision: Precision
    text: str


@dataclass(frozen=True)
class DocumentDate:
    """A document's date with its evidence."""

    date: str
    text: str
    evidence: str
    where: Where
    block_id: str | None = None

    def describe(self) -> str:
        """'title: "Geneva, 12 May 2022"' — where the date was found and the line itself."""
        return f'{self.where.replace("_", " ")}: "{self.evidence}"'


@dataclass(frozen=True)
class _Vocab:
    patterns: tuple[tuple[Precision, str, re.Pattern[str]], ...]
    months: dict[str, int]
    stop_re: re.Pattern[str]
    first_blocks: int


def _alt(words: list[str]) -> str:
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        parts.append(r"\s+".join(re.escape(p).replace("'", "['’]") for p in w.split()))
    return "(?:" + "|".join(parts) + ")"


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    text = resources.files("pipeline.vocab").joinpath("dates.json").read_text("utf-8")
    v: dict[str, Any] = json.loads(text)
    months = {k.lower(): int(n) for k, n in v["months"].items()}
    month = _alt(list(months)) + r"\.?"
    suffix = "(?:" + "|".join(map(re.escape, v["day_suffixes"])) + ")?"
    symbols = [j for j in v["range_joiners"] if not j.isalpha()]
    words = [j for j in v["range_joiners"] if j.isalpha()]
    joiner = (
        rf"(?:\s*(?:{'|'.join(map(re.escape, symbols))})\s*|\s+{_alt(words)}\s+(?:el\s+|le\s+)?)"
    )
    day = rf"(?P<d>[0-3]?\d){suffix}"
    day2 = rf"[0-3]?\d{suffix}"
    year = r"(?P<y>\d{4})(?!\d)"
    of = r"(?:\s+(?:de|of)\s+|\s+)"
    flags = re.IGNORECASE
    patterns: list[tuple[Precision, str, str]] = [
        ("day", "iso", r"(?<![\d-])(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d-])"),
        ("day", "numeric", r"(?<![\d/.])(?P<d>[0-3]?\d)[/.](?P<m>[01]?\d)[/.](?P<y>\d{4})(?!\d)"),
        (
            "day",
            "dmy",
            rf"(?<![\w/.])(?:{_alt(['the'])}\s+)?{day}(?:{of}(?P<m1>{month}))?(?:{joiner}{day2})?"
            rf"{of}(?P<m>{month}),?\s+(?:de\s+|del\s+)?{year}",
        ),
        (
            "day",
            "mdy",
            rf"(?<!\w)(?P<m>{month})\s+{day}(?:{joiner}{day2})?,?\s+{year}",
        ),
        ("month", "my", rf"(?<!\w)(?P<m>{month}),?\s+(?:de\s+|del\s+|of\s+)?{year}"),
        (
            "year",
            "year",
            r"(?<![\w./°#-])(?<!\d[-–—/] )(?P<y>(?:19|20)\d\d)(?![\w%°]|\s*[-–—/]\s*\d)",
        ),
    ]
    stop = _alt(v["not_document_dates"])
    return _Vocab(
        patterns=tuple((p, kind, re.compile(rx, flags)) for p, kind, rx in patterns),
        months=months,
        stop_re=re.compile(rf"(?<!\w){stop}\s*[:,]?\s*(?:the\s+|le\s+|el\s+|la\s+)?$", flags),
        first_blocks=int(v["first_blocks"]),
    )


def _month(v: _Vocab, word: str | None) -> int | None:
    if not word:
        return None
    if word.isdigit():
        return int(word)
    return v.months.get(word.lower().rstrip("."))


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ISO date, year-month or year; None when the parts are no real date or the year is not
    one a document could bear."""
    if not 1900 <= year <= _date.today().year + 1:
        return None
    return iso_date(year, month, day)


def find_dates(text: str) -> list[FoundDate]:
    """Every date expression of `text` that can be a document's date, in reading order.

    Overlapping matches keep the more precise (then the longer); a date right after a
    deadline or history word ("by", "since", "avant", "desde", ...) is left out.
    """
    v = _vocab()
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []  # spans of longer shapes, kept or refused
    for precision, kind, pattern in v.patterns:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            before = text[max(0, m.start() - 40) : m.start()]
            if v.stop_re.search(before):
                continue
            if precision == "year" and re.search(r"\d{4}\s*[-–—/]\s*$", before):
                continue  # the end of a period: 'Work plan 2024–2025'

            g = m.groupdict()
            year = int(g["y"])
            month = _month(v, g.get("m1")) or _month(v, g.get("m"))
            day = int(g["d"]) if g.get("d") else None
            if kind == "numeric" and month and day and month > 12 >= day:
                day, month = month, day
            if precision != "year" and month is None:
                continue
            iso = _iso(year, month, day)
            if iso is None:
                continue
            found.append(FoundDate(m.start(), m.end(), iso, precision, m.group().strip()))
    return sorted(found, key=lambda f: f.start)


def _evidence(text: str, found: FoundDate, width: int = 160) -> str:
    """The line around the date, cut to `width` characters."""
    line = " ".join(text.split())
    if len(line) <= width:
        return line
    at = line.find(found.text)
    start = max(0, at - width // 2) if at >= 0 else 0
    return ("…" if start else "") + line[start : start + width].strip() + "…"


def _first_page(doc: Document) -> list[Block]:
    """The title blocks and the first blocks of the first page, in reading order."""
    if not doc.blocks:
        return []
    first = doc.blocks[0].page
    blocks = [b for b in doc.blocks if b.page == first and b.kind != BlockKind.notes]
    titles = [b for b in blocks if b.kind == BlockKind.title]
    others = [b for b in blocks if b.kind != BlockKind.title]
    return titles + others[: _vocab().first_blocks]


def _best(found: list[FoundDate], precisions: tuple[Precision, ...]) -> FoundDate | None:
    kept = [f for f in found if f.precision in precisions]
    if not kept:
        return None
    return max(kept, key=lambda f: (_RANK[f.precision], -f.start))


def document_date(doc: Document) -> DocumentDate | None:
    """The meeting or publication date of `doc`, with its evidence; None when unknown."""
    blocks = _first_page(doc)
    title_lines: list[tuple[str, str | None]] = []
    if doc.title:
        title_lines.append((doc.title, None))
    for block in blocks:
        if block.kind == BlockKind.title or block.kind == BlockKind.heading:
            if block.text != doc.title:
                title_lines.append((block.text, block.id or None))
        elif len(block.text.split()) <= _TITLE_LINE_WORDS:
            title_lines.append((block.text, block.id or None))
    # 1. Title and short lines: a day or month date; the first line that has one wins.
    for text, block_id in title_lines:
        found = _best(find_dates(text), ("day", "month"))
        if found:
            where: Where = "title" if block_id is None or _is_title(doc, block_id) else "first_page"
            return DocumentDate(found.iso, found.text, _evidence(text, found), where, block_id)
    # 2. Running text of the first page: a full date only.
    for block in blocks:
        if len(block.text.split()) > _TITLE_LINE_WORDS:
            found = _best(find_dates(block.text), ("day",))
            if found:
                evidence = _evidence(block.text, found)
                return DocumentDate(found.iso, found.text, evidence, "first_page", block.id or None)
    # 3. A year alone in the title or the line under it.
    for text, block_id in title_lines[:3]:
        found = _best(find_dates(text), ("year",))
        if found:
            where = "title" if block_id is None or _is_title(doc, block_id) else "first_page"
            return DocumentDate(found.iso, found.text, _evidence(text, found), where, block_id)
    # 4. The file's properties.
    created = doc.metadata.created
    if created and re.match(r"\d{4}-\d{2}-\d{2}", created) and not _placeholder(created):
        return DocumentDate(created[:10], created, f"created {created}", "properties")
    return None


def _is_title(doc: Document, block_id: str) -> bool:
    return any(b.id == block_id and b.kind == BlockKind.title for b in doc.blocks[:5])


def _placeholder(created: str) -> bool:
    """A creation time writers put when they have none (1 January 2000 at midnight, the epoch)."""
    return int(created[:4]) < 1995 or created[5:19] in ("01-01T00:00:00", "01-01")
