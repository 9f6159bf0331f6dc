"""Item text and item records shared by the extraction stages.

Cleaning an item's text (marks, numbering, glued slide numbers, trailing connectors), splitting
run-on text into actions, the shape tests ('opens with an action verb'), and `ItemBuilder`,
which turns a chosen piece of text into an `Item` with its id, country and provenance.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pipeline.actors import find_actors
from pipeline.countries import country_name, is_capital, single_country
from pipeline.cues import normalise
from pipeline.deadlines import find_deadline
from pipeline.lexicon import text_patterns
from pipeline.models import Block, BlockKind, Document, Item, ItemKind, Provenance, Section
from pipeline.nlp import pipeline_on_shared_tokenizer
from pipeline.parse.common import split_marker

if TYPE_CHECKING:
    from spacy.language import Language

_SUPERSCRIPT_RE = re.compile(r"(?<=\w)[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_WORDS = text_patterns()
_TRAILING_RE = re.compile(rf"(\s*[;,:]\s*|\s+({_WORDS['trailing_connectors']})\s*)$", re.I)
_SLIDE_NUMBER_RE = re.compile(r"(?<=[a-z.)])\s+\d{1,2}$")
_KEEP_NUMBER_BEFORE = re.compile(rf"\b({_WORDS['keep_number_before']})\s+\d{{1,2}}$", re.I)
_PREFIX_RE = re.compile(r"^\s*([A-Z][^:;–—]{1,40}?)\s*(?::|\s[–—-])\s+(?=\S)")
_CONNECTOR_RE = re.compile(rf",?\s+({_WORDS['list_connectors']})\s*:?\s*$", re.I)
_NARRATIVE_RE = re.compile(rf"\b({_WORDS['narrative']})\b", re.I)
_FUTURE_RE = re.compile(rf"\b({_WORDS['future']})\b", re.I)


@lru_cache(maxsize=1)
def action_verbs() -> frozenset[str]:
    text = resources.files("pipeline.vocab").joinpath("action_verbs.txt").read_text("utf-8")
    words = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return frozenset(w.lower() for w in words)


@lru_cache(maxsize=1)
def _sentencizer() -> Language:
    nlp = pipeline_on_shared_tokenizer()
    nlp.add_pipe("sentencizer")
    return nlp


def _first_word(text: str) -> str:
    match = re.match(r"\W*([^\W\d_]+)", text)
    return match.group(1).lower() if match else ""


def opens_with_action(text: str) -> bool:
    """True when the text opens with an action verb ('Develop ...', 'finalize ...')."""
    word = _first_word(text)
    verbs = action_verbs()
    return word in verbs or word.rstrip("s") in verbs or word.removesuffix("ing") in verbs


def looks_like_action(text: str) -> bool:
    """A paragraph that reads as an action or objective rather than narrative."""
    if opens_with_action(text):
        return True
    words = text.split()
    if _NARRATIVE_RE.search(text) and not _FUTURE_RE.search(text):
        return False
    return len(words) <= 20 or bool(_FUTURE_RE.search(text))


def split_sentences(text: str) -> list[str]:
    return [s.text.strip() for s in _sentencizer()(text).sents if s.text.strip()]


def split_clauses(text: str) -> list[str]:
    """Split '...; finalize ...' into separate actions when the next clause opens with a verb."""
    parts = [p.strip() for p in re.split(r";\s+", text)]
    out: list[str] = []
    for part in parts:
        if out and part and opens_with_action(part):
            out.append(part)
        elif out:
            out[-1] = f"{out[-1]}; {part}"
        else:
            out.append(part)
    return [p for p in out if p]


def clean_item_text(text: str) -> str:
    """Strip marks, numbering, glued slide/footnote numbers and trailing ';', ',' or 'and'."""
    _, text = split_marker(text)
    text = _SUPERSCRIPT_RE.sub("", text)
    text = _CONNECTOR_RE.sub("", text)
    previous = None
    while previous != text:
        previous = text
        if _SLIDE_NUMBER_RE.search(text) and not _KEEP_NUMBER_BEFORE.search(text):
            text = _SLIDE_NUMBER_RE.sub("", text)
        text = _TRAILING_RE.sub("", text).strip()
    return text


def is_context_label(block: Block, following: Block | None) -> bool:
    """A short line that heads a sub-list ('Child labour:', 'National Coordination :')."""
    text = block.text.strip()
    words = text.split()
    if text.endswith(":") and len(words) <= 6:
        return True
    marker, rest = split_marker(text)
    marker = marker or block.marker
    if marker and marker[0].isdigit() and "." in marker.rstrip(".") and len(rest.split()) <= 6:
        return True  # a numbered sub-heading set as a plain line: "4.1 Data and research"
    heads_list = (
        following is not None
        and following.kind == BlockKind.list_item
        and (block.kind != BlockKind.list_item or following.level > block.level)
    )
    return heads_list and block.bold and len(words) <= 4 and not text.endswith((".", ";"))


def country_prefix(text: str) -> tuple[str | None, str, str]:
    """'Peru: strengthen ...' -> ('PER', 'strengthen ...', 'Peru')."""
    match = _PREFIX_RE.match(text)
    if match:
        mention = single_country(match.group(1))
        if mention and len(match.group(1).split()) <= 5:
            return mention.code, text[match.end() :], mention.text
    return None, text, ""


def item_id(document_id: str, block_ids: list[str], part: int, text: str) -> str:
    key = f"{document_id}|{','.join(block_ids)}|{part}|{normalise(text)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class ItemBuilder:
    """Collects the items of one document, filling ids, country and provenance."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.items: list[Item] = []
        self.column_deadlines: dict[str, str] = {}

    def make(
        self,
        section: Section,
        block: Block,
        text: str,
        kind: ItemKind,
        cue: str | None,
        context: list[str],
        part: int = 0,
        actors: list[str] | None = None,
    ) -> Item | None:
        """The item `text` of `block` would give, or None when nothing of it is left."""
        prefix_country, text, prefix = country_prefix(text)
        text = clean_item_text(text)
        if len(text) < 3 or not re.search(r"[^\W\d_]{2}", text):
            return None
        country = section.country
        if prefix_country:
            country = prefix_country
        elif country is None:
            # An item of a global section that opens by naming a country ("Nepal to adopt
            # ...") is that country's; one named in passing, or a city, moves nothing.
            mention = single_country(text)
            if mention and mention.start <= 3 and not is_capital(mention.text):
                country = mention.code
        start = block.text.find(text)
        span = (start, start + len(text)) if start >= 0 else None
        return Item(
            id=item_id(self.doc.id, [block.id], part, text),
            kind=kind,
            text=text,
            country=country,
            country_name=country_name(country),
            section=section.heading_path,
            context=[c for c in context if c] + ([prefix] if prefix else []),
            cue=cue,
            actors=actors or [],
            provenance=Provenance(
                document_id=self.doc.id,
                source=self.doc.source,
                page=block.page,
                block_ids=[block.id],
                span=span,
                source_text=block.text,
                bbox=block.bbox,
            ),
        )

    def add(self, *args: Any, deadline_text: str | None = None, **kwargs: Any) -> None:
        """`make` the item and keep it; `deadline_text` is its table's deadline cell."""
        item = self.make(*args, **kwargs)
        if item is None:
            return
        if deadline_text:
            self.column_deadlines[item.id] = deadline_text
        self.items.append(item)


def attach_deadlines_and_actors(
    items: list[Item], column_deadlines: dict[str, str] | None = None
) -> None:
    """Deadline from the item's words or its table's deadline column; actors named in it."""
    column_deadlines = column_deadlines or {}
    named = find_actors([item.text for item in items])
    for item, actors in zip(items, named, strict=True):
        column = column_deadlines.get(item.id)
        item.deadline = (find_deadline(column) if column else None) or find_deadline(item.text)
        seen = {a.lower() for a in item.actors}
        item.actors += [a for a in actors if a.lower() not in seen]
