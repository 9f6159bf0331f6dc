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
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.config import Settings
from pipeline.lexicon import text_patterns
from pipeline.models import Block, BlockKind, TableCellRef
from pipeline.parse.common import (
    BOLD_HEADING_LEVEL,
    Parsed,
    asks,
    clean_space,
    split_marker,
)
from pipeline.parse.detect import decode_text, detect_format
from pipeline.parse.html import html_blocks
from pipeline.parse.mail import is_mime_message, read_message

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
# "C. Action Groups": a section lettered by a capital, then its capitalised title.
_LETTERED_RE = re.compile(r"^[A-Z][.)]\s+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]")
# "Part B. Priorities and planned action": a lettered or numbered part, then its title.
_PART_RE = re.compile(
    rf"^(?:{text_patterns()['part_words']})\s+(?:[A-Z]|\d{{1,2}}|[IVX]+)\s*[.:–—-]\s+\S", re.I
)
_WHOLE_BOLD_RE = re.compile(r"(\*\*|__)[^*_]+\1:?")
_MARKUP_CHARS = frozenset("*_[]<>\\")


def parse(path: Path, data: bytes, settings: Settings) -> Parsed:
    markdown = detect_format(path, data) == "markdown"
    text = decode_text(data)
    if is_mime_message(text):
        return _message(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Without a form feed, the one page is `text` itself (no copy); each page's text is let go
    # as soon as it is cut into lines, so the whole text and all the lines never live together
    # with the blocks (issue #12).
    pages = text.split("\f")[: settings.max_pages]
    del text
    page_count = len(pages)
    make = _Maker()
    blocks: list[Block] = []
    with _collector_paused():
        for number in range(1, page_count + 1):
            lines = pages[number - 1].split("\n")
            pages[number - 1] = ""
            blocks.extend(
                markdown_blocks(lines, number, make)
                if markdown
                else text_blocks(unwrap_lines(lines), number, make)
            )
            del lines
    title, best = None, None
    for b in blocks:  # the first of the highest-ranked headings (no list of them all)
        level = b.heading_level
        if level and b.kind == BlockKind.heading and (best is None or level < best):
            title, best = b.text, level
    return Parsed(blocks=blocks, page_count=page_count, title=title)


def _message(data: bytes) -> Parsed:
    """A saved e-mail: its header lines (the subject as its heading), then its body."""
    message = read_message(data)
    blocks = text_blocks(message.headers, 1)
    if message.html:
        blocks.extend(html_blocks(message.body)[0])
    else:
        body = message.body.replace("\r\n", "\n").replace("\r", "\n")
        blocks.extend(text_blocks(unwrap_lines(body.split("\n")), 1))
    title = next((b.text for b in blocks if b.kind == BlockKind.heading), None)
    return Parsed(blocks=blocks, page_count=1, title=title)


class _Maker:
    """Builds the parser's `Block`s and `TableCellRef`s without running pydantic's validation,
    from values the parser guarantees valid (a `BlockKind`, `str` texts, markers and table
    ids, an `int` page from 1, levels, rows and columns from 0, 1–6 heading levels, a `bool`
    bold): instances equal to what `Block(**values)` gives, with the same `__dict__` (fields
    in declaration order, defaults filled in), `model_fields_set` (the fields passed) and no
    extras or private values, in a third of the memory of a block and under half of that of a
    table reference (issue #12: 2.27 M blocks for a 50 MB text file).

    Where the bytes go (CPython 3.11, tracemalloc): a validated `Block` is the object (80
    bytes), a `__dict__` with keys of its own (464) and a set of the fields given (216): 760;
    a `TableCellRef` 480. Here the `__dict__` is a copy of a template instance's key-sharing
    dictionary (the object, 64, plus its values, 112; the keys are the class's) and the models
    given the same fields share one set of their names, one per document: 256 and 208 bytes.
    `number_blocks` adds 'id' to every block's set, so each set ends as it would have; only
    an assignment to a field of one block after parsing would show in the `model_fields_set`
    of its siblings, and nothing in the pipeline reads `model_fields_set` or dumps with
    `exclude_unset`. Markers (a few distinct glyphs and numbers) are one string each.

    A model this cannot build plainly (validators, a post-init hook, private attributes,
    extras, a default factory or a default that is not a plain constant) is validated, as
    before: `_template` gives None."""

    def __init__(self) -> None:
        self._field_sets: dict[tuple[type[BaseModel], tuple[str, ...]], set[str]] = {}
        self._markers: dict[str, str] = {}

    def block(self, **values: Any) -> Block:
        marker = values.get("marker")
        if marker is not None:
            values["marker"] = self._markers.setdefault(marker, marker)
        return self._make(Block, values)

    def cell_ref(self, **values: Any) -> TableCellRef:
        return self._make(TableCellRef, values)

    def _make(self, model: type[BaseModel], values: dict[str, Any]) -> Any:
        template = _template(model)
        if template is None:
            return model(**values)
        key = (model, tuple(values))
        fields_set = self._field_sets.get(key)
        if fields_set is None:
            _, fields, required = template
            if not required <= values.keys() <= fields:
                return model(**values)  # a missing or unknown field: validation says so
            fields_set = self._field_sets[key] = set(values)
        state = template[0].copy()
        state.update(values)
        instance = _new_object(model)
        _set_attribute(instance, "__dict__", state)
        _set_attribute(instance, "__pydantic_fields_set__", fields_set)
        _set_attribute(instance, "__pydantic_extra__", None)
        _set_attribute(instance, "__pydantic_private__", None)
        return instance


_new_object = object.__new__
_set_attribute = object.__setattr__
_Template = tuple[dict[str, Any], frozenset[str], frozenset[str]]
_TEMPLATES: dict[type[BaseModel], _Template | None] = {}
_CONSTANTS = (str, int, float, bool, bytes, Enum, type(None))


def _template(model: type[BaseModel]) -> _Template | None:
    """(template `__dict__`, field names, required field names) of `model`, or None when its
    instances must be validated. The template is filled attribute by attribute on a bare
    instance, so CPython keeps its dictionary key-sharing, and so are its copies."""
    if model in _TEMPLATES:
        return _TEMPLATES[model]
    decorators = model.__pydantic_decorators__
    fields = model.model_fields
    plain = (
        not (decorators.validators or decorators.field_validators)
        and not (decorators.root_validators or decorators.model_validators)
        and model.__pydantic_post_init__ is None
        and not model.__private_attributes__
        and model.model_config.get("extra") in (None, "ignore")
        and not model.model_config.get("validate_default")
        and not model.__pydantic_root_model__
        and all(
            f.is_required()
            or (
                f.default_factory is None
                and not f.validate_default
                and isinstance(f.default, _CONSTANTS)
            )
            for f in fields.values()
        )
    )
    template = None
    if plain:
        bare = _new_object(model)
        for name, field in fields.items():
            _set_attribute(bare, name, None if field.is_required() else field.default)
        required = frozenset(n for n, f in fields.items() if f.is_required())
        template = (bare.__dict__, frozenset(fields), required)
    _TEMPLATES[model] = template
    return template


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the blocks are built. A large file gives
    millions of new objects (a block is a model and its dict; a cell's reference too), and
    each full pass of the collector walks all of them to free nothing, since blocks hold no
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


_MAX_QUESTION_WORDS = 30


def _looks_like_heading(text: str) -> bool:
    """A short line with no sentence punctuation reads as a heading in plain text; an e-mail
    header line ('From: ...', 'Date: ...', 'Objet : ...') does not."""
    words = text.split()
    part = _PART_RE.match(text) or _LETTERED_RE.match(text)
    if part and len(words) <= 12 and not text.endswith((".", ";", ",")):
        return True
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


_QUOTE_RE = re.compile(r"^(?:\s*>)+ ?")  # the '> > ' opening a reply's quoted lines
_ARROW_RE = re.compile(r"^(?:-+>|=+>|[→⇒➔➜►▸])")
_WRAP_MIN, _WRAP_MAX = 60, 100  # the widths at which e-mails and memos are hard-wrapped
_WRAPPED_SHARE = 0.3  # of the text lines that must end near the wrap width
_LONG_LINES_SHARE = 0.2  # of the lines that may run past the wrap width


def _wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text was wrapped at (72, 78 ...): most long lines end within
    a few characters of the longest, which is at most 100 (a few longer lines aside); None
    for a text whose paragraphs are each one long line."""
    every = [len(x.rstrip()) for x in lines if x.strip()]
    # A few paragraphs left as one long line (pasted in) do not unmake the wrapping of the rest.
    lengths = [n for n in every if n <= _WRAP_MAX]
    if len(lengths) < 8 or len(every) - len(lengths) > _LONG_LINES_SHARE * len(every):
        return None
    # The widest width that most long lines end near; a few longer lines (a signature's
    # title, a pasted address) stand above it. Counted once per length, not per line: a
    # text file may hold millions of lines (issue #12).
    counts = Counter(lengths)
    longer = len(every) - len(lengths)  # lines past every width tried
    for width in sorted(counts, reverse=True):
        if width < _WRAP_MIN or longer > _LONG_LINES_SHARE * len(every):
            return None
        near = sum(counts.get(n, 0) for n in range(width - 12, width + 1))
        if near >= _WRAPPED_SHARE * len(lengths):
            return width
        longer += counts[width]
    return None


def unwrap_lines(lines: list[str]) -> list[str]:
    """Rejoin the lines of a hard-wrapped text (an e-mail or memo wrapped at 72 or 78
    characters) into one line per paragraph or list item, as `text_blocks` reads them: a line
    that ran near the wrap width goes on in the next one when that one is not blank, opens no
    list item and starts where the text above does (a list item's continuation is indented
    under its text). Texts not wrapped so are returned as they are."""
    width = _wrap_width(lines)
    if width is None:
        return _join_lower_continuations(_join_hanging_indents(lines))
    out: list[str] = []
    text_at = 0  # where the text of the line being built starts (after its marker)
    depth = 0  # how many '>' quote the line being built
    for raw in lines:
        line = raw.rstrip()
        quote = _QUOTE_RE.match(line)
        body = line[quote.end() :] if quote else line
        quoted = quote.group(0).count(">") if quote else 0
        text = body.lstrip()
        indent = len(body) - len(text)
        marker, rest = split_marker(text)
        if (
            out
            and text
            and marker is None
            and quoted == depth  # a quoted message's lines join each other, under their '>'
            and indent == text_at
            and len(out[-1]) >= width - 20
            and not out[-1].endswith(":")
            and not _RULE_LINE_RE.match(text)
            and not _RULE_LINE_RE.match(out[-1])  # a rule ('=====') runs full width alone
            and not _FIELD_RE.match(text)
            and not _ARROW_RE.match(text)  # '-> Ministry | by June' details the item above
        ):
            out[-1] = f"{out[-1]} {text}"
            continue
        text_at = indent + (len(text) - len(rest) if marker and rest else 0)
        depth = quoted
        out.append(line)
    return out


def _join_hanging_indents(lines: list[str]) -> list[str]:
    """A list item's wrapped lines indented under its text ('1. Send the draft to the' /
    '   Secretariat by March') go on with it, in a text too short or too loosely wrapped for
    a wrap width to show."""
    out: list[str] = []
    text_at = 0  # where the open list item's text starts; 0 when none is open
    for raw in lines:
        line = raw.rstrip()
        text = line.lstrip()
        indent = len(line) - len(text)
        if not text:
            text_at = 0
            out.append(line)
            continue
        marker, rest = split_marker(text)
        if text_at and indent == text_at and marker is None and not text.startswith(">"):
            out[-1] = f"{out[-1]} {text}"
            continue
        text_at = indent + len(text) - len(rest) if marker and rest else 0
        out.append(line)
    return out


_CONTINUED_MIN = 50  # a line this long or longer may have been wrapped


def _join_lower_continuations(lines: list[str]) -> list[str]:
    """A long line followed, at the same indent, by one that opens in lower case without a
    list marker ('…endorsed the draft revised' / 'roadmap. The 2024 …') is one paragraph
    hard-wrapped at a width too irregular for `_wrap_width` to find."""
    out: list[str] = []
    for raw in lines:
        line = raw.rstrip()
        text = line.lstrip()
        if out and text[:1].islower() and split_marker(text)[0] is None:
            above = out[-1]
            body = above.lstrip()
            if (
                len(body) >= _CONTINUED_MIN
                and len(above) - len(body) == len(line) - len(text)
                and not body.endswith((":", ";"))  # a lead-in's or a list entry's end
                and not body.startswith(">")
            ):
                out[-1] = f"{above} {text}"
                continue
        out.append(line)
    return out


def text_blocks(lines: list[str], page: int, make: _Maker | None = None) -> list[Block]:
    """Plain text: one block per line, headings by shape, flattened inline lists split, and
    ' | ' tables (a cell's ' / ' separates its paragraphs)."""
    make = make or _Maker()
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
            blocks.extend(_table_blocks(rows, page, f"p{page}-t{tables}", make))
            skip_to = table_end
            continue
        line = _DROP_CAP_RE.sub(r"\1\2", clean_space(raw))
        if not line:
            continue
        quote = _QUOTE_RE.match(line) if line.startswith(">") else None
        if quote:
            # A reply's quoted message: a bare '>' line is its blank line, and its bullets
            # and numbers open list items that keep the quote's '>' before their text.
            body = line[quote.end() :].strip()
            marker, rest = split_marker(body)
            if not body or (marker and rest):
                if body:
                    text = f"{'>' * quote.group(0).count('>')} {rest}"
                    blocks.append(
                        make.block(
                            kind=BlockKind.list_item, text=text, page=page, marker=marker, level=0
                        )
                    )
                continue
        marker, rest = split_marker(line)
        if _underlined(lines, i, line) or _framed(lines, i, line):
            # '3. SECRETARIAT FOLLOW-UP' over '------': a heading underlined as in Markdown's
            # setext form (its number kept, for the section's depth); the rule is dropped.
            blocks.append(make.block(kind=BlockKind.heading, text=line, page=page))
            skip_to = i + 2
            continue
        caps = _CAPS_LEAD_RE.match(rest) if marker and len(rest.split()) > 30 else None
        if caps:
            # A flattened slide ("11. UGANDA Child Labour ..."): its capitals are its title.
            blocks.append(make.block(kind=BlockKind.heading, text=caps.group(1), page=page))
            line = rest[caps.end() :].strip()
            marker, rest = split_marker(line)
        parts = _INLINE_BULLET_RE.split(" " + line)
        if len(parts) > 2 or (len(parts) == 2 and len(parts[0].split()) <= 15):
            # A flattened slide or list: its lead (before the first bullet) is the slide's
            # title, with a scraped drop-cap repaired ("M ADAGASCAR" -> "MADAGASCAR").
            _, lead = split_marker(parts[0].strip())
            lead = _DROP_CAP_RE.sub(r"\1\2", lead)
            if lead:
                blocks.append(make.block(kind=BlockKind.heading, text=lead, page=page))
            for part in parts[1:]:
                part = part.strip()
                tail = _CAPS_TAIL_RE.search(part)
                if tail:  # "... dairy sector. NEXT STEPS (SHORT TERM)" ends a flattened list
                    part = part[: tail.start()].strip()
                blocks.extend(_flattened_numbers(part, page, make))
                if tail:
                    heading = re.sub(r"\(\s*(.*?)\s*\)", r"(\1)", tail.group(1).strip())
                    blocks.append(make.block(kind=BlockKind.heading, text=heading, page=page))
            continue
        if marker and (
            _numbered_heading(lines, i, marker, rest, next_text[i])
            or _numbered_caps_heading(marker, rest, lines, i)
        ):
            blocks.append(make.block(kind=BlockKind.heading, text=rest, page=page))
            continue
        if marker:
            blocks.append(
                make.block(kind=BlockKind.list_item, text=rest, page=page, marker=marker, level=0)
            )
            continue
        next_line = clean_space(next_text[i])
        subject = _SUBJECT_RE.match(line)
        if subject and subject.group(1).strip():
            # An e-mail's subject line is what the message is about: its heading.
            blocks.append(
                make.block(kind=BlockKind.heading, text=subject.group(1).strip(), page=page)
            )
            continue
        heading = _looks_like_heading(line) or (
            page == 1
            and len(blocks) < _TOP_LINES
            and all(b.kind == BlockKind.heading for b in blocks)
            and _looks_like_title(line)
            and (i + 1 == len(lines) or not lines[i + 1].strip())  # a blank line below
        )
        kind = BlockKind.heading if heading and next_line else BlockKind.paragraph
        blocks.append(make.block(kind=kind, text=line, page=page))
    return blocks


_UNDERLINE_RE = re.compile(r"^\s*([-=~])\1{2,}\s*$")
_UNDERLINED_MAX_WORDS = 12


def _underlined(lines: list[str], i: int, line: str) -> bool:
    """A short line with a rule of '-', '=' or '~' right under it, about as long as it."""
    if i + 1 >= len(lines) or _RULE_LINE_RE.match(line):
        return False
    under = lines[i + 1].strip()
    return (
        bool(_UNDERLINE_RE.match(under))
        and len(line.split()) <= _UNDERLINED_MAX_WORDS
        and len(line) - 3 <= len(under) <= len(line) + 3
    )


def _framed(lines: list[str], i: int, line: str) -> bool:
    """A short line between two rules ('-----' / '1) SRI LANKA' / '-----'): a section
    heading boxed as plain-text notes box them."""
    return (
        0 < i < len(lines) - 1
        and bool(_RULE_LINE_RE.match(lines[i - 1]))
        and bool(_RULE_LINE_RE.match(lines[i + 1]))
        and not _RULE_LINE_RE.match(line)
        and len(line.split()) <= _UNDERLINED_MAX_WORDS
    )


_TOP_LINES = 2  # a title and its subtitle
# 'FROM:', 'Subject:', 'Date :' open a field; '14:25 Country experiences' a timetable's line
_FIELD_RE = re.compile(r"^(?:[A-ZÀ-Þ][\w .-]{0,20}:\s|\d{1,2}[:h.]\d{2}\b)")
_RULE_LINE_RE = re.compile(r"^\s*([-=_*~#])\1{3,}\s*$")  # '------' under or between parts
_TITLE_WORDS = 20


def _looks_like_title(text: str) -> bool:
    """The first lines of a plain-text file, each on its own, may be longer than a heading
    ('Discours de Madame la Ministre du Travail, de l'Emploi et des Lois sociales', then the
    venue and date): still a title while they end without sentence punctuation."""
    words = text.split()
    return (
        0 < len(words) <= _TITLE_WORDS
        and len(text) <= 8 * _TITLE_WORDS
        and text[:1].isupper()
        and not text.endswith(_SENTENCE_END)
        and not _MAIL_HEADER_RE.match(text)
    )


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_ROMAN_MARKER_RE = re.compile(r"([IVXL]+)[.)]")


def _numbering(marker: str) -> str:
    if _ROMAN_MARKER_RE.fullmatch(marker):
        return "roman"
    return "digits" if marker[:1].isdigit() else ""


def _other_numbering(marker: str, other: str) -> bool:
    """'III.' and '8.': one numbered in Roman numerals, the other in digits."""
    return {_numbering(marker), _numbering(other)} == {"roman", "digits"}


def _marker_number(marker: str | None) -> int | None:
    """The leading integer of a list number ('3.' -> 3, '2.1' -> 2, '4)' -> 4, 'III.' -> 3);
    None else."""
    digits = re.match(r"\d+", marker or "")
    if digits:
        return int(digits.group())
    roman = _ROMAN_MARKER_RE.fullmatch(marker or "")
    if not roman:
        return None
    values = [_ROMAN[c] for c in roman.group(1).lower()]
    return sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True))


def _numbered_heading(lines: list[str], i: int, marker: str, rest: str, following: str) -> bool:
    """A numbered line that stands alone is a section heading, not a one-item list.

    Plain-text reports and minutes number their sections ('2. Review of action points'):
    such a line is heading-shaped, has blank lines on both sides, is followed by text that is
    not another numbered or bulleted line, and does not continue a numbered list just above
    (whose items may be spaced by blank lines too). A numbered question of a questionnaire
    heads its answer however long it is."""
    number = _marker_number(marker)
    # (a question may be followed by an instruction: "... two years? Please list them.")
    question = asks(rest) and len(rest.split()) <= _MAX_QUESTION_WORDS
    if number is None or not (_looks_like_heading(rest) or question):
        return False
    if i + 1 >= len(lines) or lines[i + 1].strip() or (i > 0 and lines[i - 1].strip()):
        return False
    after = split_marker(clean_space(following))[0]
    if not following.strip() or (after and not question and not _other_numbering(marker, after)):
        return False  # (a question heads the list that answers it; 'III.' heads '8.')
    before = _nearest_marker(lines, i, -1)
    if before is _NO_LINE:
        return True
    continues = _marker_number(before) == number - 1
    return not continues or _other_numbering(marker, before or "")


def _numbered_caps_heading(marker: str, rest: str, lines: list[str], i: int) -> bool:
    """'3. PRIORITIES CONFIRMED' alone above a blank line: a numbered section heading of a
    plain-text note, whatever follows it, unless the numbered lines around it go on from it
    (an agenda spaced out in capitals)."""
    number = _marker_number(marker)
    if number is None or not (0 < len(rest.split()) <= 10 and rest.isupper()):
        return False
    if i + 1 < len(lines) and lines[i + 1].strip():
        return False
    return not any(
        _marker_number(_nearest_marker(lines, i, step)) == number + step for step in (-1, 1)
    )


_NO_LINE = "\0"  # no non-blank line that way


def _nearest_marker(lines: list[str], i: int, step: int) -> str | None:
    """The list marker of the nearest non-blank line before (step -1) or after (+1) line
    `i`: None when that line opens with none, `_NO_LINE` when there is no such line."""
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].strip():
            return split_marker(clean_space(lines[j]))[0]
        j += step
    return _NO_LINE


def _flattened_numbers(text: str, page: int, make: _Maker) -> list[Block]:
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
        return [make.block(kind=BlockKind.list_item, text=text, page=page, marker="•")]
    lead = text[: starts[0].start()].strip()
    blocks = [make.block(kind=BlockKind.paragraph, text=lead, page=page)] if lead else []
    for match, nxt in zip(starts, [*starts[1:], None], strict=True):
        entry = text[match.end() : nxt.start() if nxt else len(text)].strip()
        blocks.append(
            make.block(kind=BlockKind.list_item, text=entry, page=page, marker=f"{match.group(1)}.")
        )
    return blocks


def markdown_blocks(lines: list[str], page: int, make: _Maker | None = None) -> list[Block]:
    """Markdown: headings, nested bullets, tables and paragraphs joined across lines."""
    make = make or _Maker()
    blocks: list[Block] = []
    para: list[str] = []
    indents: list[int] = []
    table_count = 0

    # The open list item: its marker and level, and its lines (the first and any lazy
    # continuation lines, which CommonMark joins to it).
    item_lines: list[str] = []
    item_at: list[tuple[str, int]] = []

    def flush_item() -> None:
        if not item_lines:
            return
        (marker, level), text_bold = item_at.pop(), strip_inline(" ".join(item_lines))
        blocks.append(
            make.block(
                kind=BlockKind.list_item,
                text=text_bold[0],
                page=page,
                marker=marker,
                level=level,
                bold=text_bold[1],
            )
        )
        item_lines.clear()

    def flush_para() -> None:
        flush_item()
        if not para:
            return
        text, bold = strip_inline(" ".join(para))
        para.clear()
        if not text:
            return
        kind = BlockKind.heading if _looks_like_heading(text) else BlockKind.paragraph
        blocks.append(
            make.block(
                kind=kind,
                text=text,
                page=page,
                bold=bold,
                heading_level=BOLD_HEADING_LEVEL if bold else None,
            )
            if kind == BlockKind.heading
            else make.block(kind=kind, text=text, page=page, bold=bold)
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
                    make.block(
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
            blocks.extend(_table_blocks(rows, page, f"p{page}-t{table_count}", make))
            i = table_end
            continue
        marker, rest = split_marker(_ESCAPE_RE.sub(r"\1", line) if "\\" in line else line)
        if marker and rest and _numbered_caps_heading(marker, rest, lines, i):
            flush_para()
            blocks.append(make.block(kind=BlockKind.heading, text=rest, page=page))
            i += 1
            continue
        if marker and rest:
            flush_para()
            indent = _indent(raw)
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            item_at.append((marker, len(indents) - 1))
            item_lines.append(rest)
            i += 1
            continue
        if item_lines:  # a lazy continuation line: the list item goes on
            item_lines.append(line)
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


def _table_blocks(rows: list[list[str]], page: int, table_id: str, make: _Maker) -> list[Block]:
    """Cells of a table given as rows of cell texts; the first row is the header."""
    header = [strip_inline(c)[0] for c in rows[0]]
    blocks = [
        make.block(
            kind=BlockKind.table_cell,
            text=text,
            page=page,
            bold=True,
            table=make.cell_ref(table_id=table_id, row=0, col=col, is_header=True),
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
                ref = make.cell_ref(
                    table_id=table_id,
                    row=r,
                    col=col,
                    header=header[col] if col < len(header) else None,
                )
                blocks.append(
                    make.block(
                        kind=BlockKind.table_cell, text=text, page=page, bold=bold, table=ref
                    )
                )
    return blocks
