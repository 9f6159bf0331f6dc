"""Text helpers shared by the parsers: bullet and number marks, whitespace."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pipeline.models import Block, BlockKind, DocumentMetadata

_CID_RE = re.compile(r"\(cid:\d+\)")
# A run of spaces, tabs and Unicode spaces, except a lone ' ' (replacing it by itself was most
# of the cost: every gap between two words was a match).
_SPACES = r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]"
_SPACE_RE = re.compile(rf"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]{_SPACES}*| {_SPACES}+")


# A short bold line read as a heading ranks below every styled or '#' heading (1-5): it is a
# sub-heading typed by hand, and the section it sits in keeps its heading path and country.
BOLD_HEADING_LEVEL = 6


def _is_private_use(ch: str) -> bool:
    return 0xE000 <= ord(ch) <= 0xF8FF


@dataclass(frozen=True)
class _MarkerRes:
    glyph: re.Pattern[str]
    number: re.Pattern[str]
    glued: re.Pattern[str]
    quantity: re.Pattern[str]
    simple_number: re.Pattern[str]


_DECIMAL_RE = re.compile(r"\d+\.\d+")


@lru_cache(maxsize=1)
def _marker_res() -> _MarkerRes:
    data = json.loads(resources.files("pipeline.vocab").joinpath("bullets.json").read_text("utf-8"))
    singles = [g for g in data["glyphs"] if len(g) == 1]
    # ASCII marks ('-', '*', '+', 'o') also occur inside words and markup ('**bold**', 'organise'):
    # they only count when a space follows. Other glyphs may touch the text, as PDFs often have.
    wide = "".join(re.escape(g) for g in singles if not g.isascii())
    ascii_marks = "".join(re.escape(g) for g in singles if g.isascii())
    glyph_re = re.compile(
        rf"^\s*((?:\(cid:\d+\)|[{wide}\ue000-\uf8ff]|[{ascii_marks}](?=[\t ]))+)[\t ]*(?=\S)"
    )
    numbers = "|".join(data["number_patterns"])
    number_re = re.compile(rf"^\s*((?:{numbers}))[\t ]+(?=\S)")
    glued = "|".join(data["glued_number_patterns"])
    glued_re = re.compile(rf"^\s*((?:{glued}))(?={data['glued_text_start']})")
    simple_re = re.compile(rf"(?:{glued})")
    words = "|".join(re.escape(w) for w in data["quantity_words"])
    quantity_re = re.compile(rf"(?:{words})(?!\w)", re.I)
    return _MarkerRes(glyph_re, number_re, glued_re, quantity_re, simple_re)


# A question mark that ends a sentence ("... two years? Please list them."), or an opening
# one; not the "?" of a link's query ("http://example.org/?d=1").
_QUESTION_RE = re.compile(r"\?(?=\s|$)|¿")


def asks(text: str) -> bool:
    """True when `text` asks a question."""
    return bool(_QUESTION_RE.search(text))


def split_marker(text: str) -> tuple[str | None, str]:
    """Split a leading bullet glyph or list number from `text`.

    Returns (marker, rest); marker is None when the text does not open with one. A number
    may touch a capitalised word ('3.Adopt'); a decimal before a unit ('3.5 million') is
    no marker.
    >>> split_marker("• Strengthen social protection")
    ('•', 'Strengthen social protection')
    >>> split_marker("2. Secretariat established")
    ('2.', 'Secretariat established')
    >>> split_marker("3.Adopt the decree")
    ('3.', 'Adopt the decree')
    >>> split_marker("3.5 million people")
    (None, '3.5 million people')
    >>> split_marker("8.7 et au Groupe de coordination")  # 'Alliance' / '8.7 ...' wrapped
    (None, '8.7 et au Groupe de coordination')
    """
    res = _marker_res()
    m = res.glyph.match(text)
    if m:
        return m.group(1), text[m.end() :].strip()
    m = res.number.match(text)
    if m and not (
        _DECIMAL_RE.fullmatch(m.group(1))
        and (res.quantity.match(text, m.end()) or text[m.end() : m.end() + 1].islower())
    ):
        return m.group(1), text[m.end() :].strip()
    m = res.glued.match(text)
    if m:
        return m.group(1), text[m.end() :].strip()
    return None, text.strip()


@lru_cache(maxsize=4096)
def is_bullet_glyph(token: str) -> bool:
    """True for a lone bullet glyph, private-use character or '(cid:N)' glyph name."""
    token = token.strip()
    if not token:
        return False
    if _CID_RE.fullmatch(token) or all(_is_private_use(c) for c in token):
        return True
    return bool(_marker_res().glyph.match(token + " x")) and len(token) <= 3


def is_list_number(token: str) -> bool:
    """True for a plain list number standing alone ('3.', '(2)', '4)'), not '0.80' or '4.1'."""
    return bool(_marker_res().simple_number.fullmatch(token.strip()))


# A number typed before the text and set apart by a tab or several spaces ("1   Approve the
# decree"): a list number, though it has no '.' or ')' after it.
_SPACED_NUMBER_RE = re.compile(r"^\s*(\d{1,2})(?:\t|\s{2,})(?=\S)")


def mark_spaced_number(raw: str) -> str:
    """'1\tApprove the decree' -> '1. Approve the decree', before spaces are folded, so that
    `split_marker` reads the number as the list number it is."""
    return _SPACED_NUMBER_RE.sub(r"\1. ", raw, count=1)


def clean_space(text: str) -> str:
    """NFC-normalise, drop soft hyphens and zero-width marks, fold runs of spaces."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "").replace("\ufeff", "")
    return _SPACE_RE.sub(" ", text).strip()


@dataclass
class Parsed:
    """What a format parser returns; `parse_file` turns it into a `Document`."""

    blocks: list[Block]
    page_count: int
    title: str | None = None
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)


_MARKER_STYLE_RE = re.compile(r"^(\()?([0-9]+|[ivxlc]+|[IVXLC]+|[a-z]|[A-Z])([.)\]:]?)(?:[0-9.]*)$")
_ROMAN_LOWER = frozenset("ivxlc")


def marker_style(marker: str, previous: str | None = None) -> str:
    """The numbering style of a list marker: '1.' digits, '(a)' letters in brackets, 'ii)'
    lower Roman numerals, '•' its glyph. 'i', 'v' and 'x' are letters when `previous` (the
    marker before, in the same run) is the letter just before them ('(h)' then '(i)')."""
    match = _MARKER_STYLE_RE.match(marker)
    if not match:
        return f"glyph:{marker}"
    bracket, body, close = match.groups()
    shape = f"{bracket or ''}{close or ''}"
    if body.isdigit():
        return f"digits{shape}"
    roman = set(body.lower()) <= _ROMAN_LOWER
    if roman and len(body) == 1 and previous:
        before = _MARKER_STYLE_RE.match(previous)
        if before and len(before.group(2)) == 1 and ord(before.group(2)) + 1 == ord(body):
            roman = False
    case = "lower" if body.islower() else "upper"
    return f"{'roman' if roman else 'letter'}-{case}{shape}"


def nest_sub_lists(blocks: list[Block]) -> list[Block]:
    """Put a run of list items one level down when it follows, at the same level, an item
    that ends with ':' and is numbered in another style: '9. ... the following steps:' then
    '(i) convene ...', '(ii) complete ...' are the steps of item 9, as a reader sees them,
    even when the writer typed every paragraph at one indent. The run ends at the first
    block that is not a list item of its style (the list goes on: '10. ...')."""
    out = list(blocks)
    i = 0
    while i < len(out) - 1:
        lead = out[i]
        if not (
            lead.kind == BlockKind.list_item and lead.marker and lead.text.rstrip().endswith(":")
        ):
            i += 1
            continue
        own = marker_style(lead.marker)
        j = i + 1
        first = out[j]
        if first.kind != BlockKind.list_item or not first.marker or first.level != lead.level:
            i += 1
            continue
        style = marker_style(first.marker)
        if style == own:
            i += 1
            continue
        previous = None
        while (
            j < len(out)
            and out[j].kind == BlockKind.list_item
            and out[j].marker
            and out[j].level == lead.level
            and marker_style(out[j].marker, previous) == style
        ):
            previous = out[j].marker
            out[j] = out[j].model_copy(update={"level": lead.level + 1})
            j += 1
        i = j
    return out


def opens_box(blocks: list[Block], n: int) -> bool:
    """Block `n` is the first of a box (a slide's text frame: its blocks share one bbox)
    and the box holds other text after it."""
    block = blocks[n]
    if block.bbox is None or n + 1 >= len(blocks):
        return False
    if n > 0 and blocks[n - 1].page == block.page and blocks[n - 1].bbox == block.bbox:
        return False
    after = blocks[n + 1]
    return after.page == block.page and after.bbox == block.bbox and after.text != block.text
