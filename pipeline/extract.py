"""sections_to_items: find the priorities and next steps in each section, one item per action.

Within a section a small state machine follows the reader: a cue (heading, short label,
lead-in sentence) switches the role of what follows to `priority` or `next_step`; a stop label
("Lessons learnt", "Already done:") switches it off; a paragraph after an announced list ends
the list. Items are list items, table cells (by column: theme columns give priorities, an
"Action" column gives the items and its "Responsible"/"Deadline" columns their actors and
deadline), paragraphs that read as actions, and the sentences of a run-on paragraph opened by
an inline cue ("Next Steps: Develop ...").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language

from pipeline.actors import find_actors
from pipeline.countries import country_name, single_country
from pipeline.cues import (
    column_role,
    embedded_cue,
    is_reference_line,
    line_cue,
    normalise,
    trailing_cue,
)
from pipeline.deadlines import find_deadline
from pipeline.models import Block, BlockKind, Document, Item, ItemKind, Provenance, Section
from pipeline.parse.common import split_marker
from pipeline.taxonomy import labels_named

_SUPERSCRIPT_RE = re.compile(r"(?<=\w)[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_TRAILING_RE = re.compile(r"(\s*[;,:]\s*|\s+(and|or|et|y|as well as)\s*)$", re.I)
_SLIDE_NUMBER_RE = re.compile(r"(?<=[a-z.)])\s+\d{1,2}$")
_KEEP_NUMBER_BEFORE = re.compile(
    r"\b(n°|no\.?|nos?|convention|article|art\.|goal|target|sdg|level|phase|chapter|section|"
    r"c|p|step|pillar|component|outcome|output|table|annex)\s+\d{1,2}$",
    re.I,
)
_PREFIX_RE = re.compile(r"^\s*([A-Z][^:;–—]{1,40}?)\s*(?::|\s[–—-])\s+(?=\S)")
_CONNECTOR_RE = re.compile(r",?\s+(through|including|as follows|namely|notably)\s*:?\s*$", re.I)
_NARRATIVE_RE = re.compile(
    r"\b(was|were|had|has been|have been|took place|discussed|presented|noted|welcomed|"
    r"thanked|informed|explained|reported|mentioned|highlighted|stressed|pointed out)\b",
    re.I,
)
_FUTURE_RE = re.compile(r"\b(will|shall|should|to be|is to|are to|needs? to|must)\b", re.I)


@dataclass
class _State:
    """Where the reader is inside one section."""

    mode: ItemKind | None = None
    cue: str | None = None
    seen_list: bool = False
    list_follows: bool = False
    labels: list[tuple[int, str]] = field(default_factory=list)
    # List items met while no role was active: a trailing cue may still claim them.
    pending: list[tuple[Block, list[str]]] = field(default_factory=list)


@lru_cache(maxsize=1)
def action_verbs() -> frozenset[str]:
    text = resources.files("pipeline.vocab").joinpath("action_verbs.txt").read_text("utf-8")
    words = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return frozenset(w.lower() for w in words)


@lru_cache(maxsize=1)
def _sentencizer() -> Language:
    nlp = spacy.blank("en")
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


def _country_prefix(text: str) -> tuple[str | None, str, str]:
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


class _Builder:
    """Collects the items of one document, filling ids, country and provenance."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.items: list[Item] = []
        self.column_deadlines: dict[str, str] = {}

    def add(
        self,
        section: Section,
        block: Block,
        text: str,
        kind: ItemKind,
        cue: str | None,
        context: list[str],
        part: int = 0,
        actors: list[str] | None = None,
        deadline_text: str | None = None,
    ) -> None:
        prefix_country, text, prefix = _country_prefix(text)
        text = clean_item_text(text)
        if len(text) < 3 or not re.search(r"[^\W\d_]{2}", text):
            return
        country = section.country
        if prefix_country:
            country = prefix_country
        elif country is None:
            mention = single_country(text)
            country = mention.code if mention else None
        start = block.text.find(text)
        span = (start, start + len(text)) if start >= 0 else None
        item = Item(
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
            ),
        )
        if deadline_text:
            self.column_deadlines[item.id] = deadline_text
        self.items.append(item)


def sections_to_items(doc: Document, sections: list[Section]) -> list[Item]:
    """All items of `doc`, in reading order, with their deadlines and actors."""
    builder = _Builder(doc)
    for section in sections:
        _section_items(section, builder)
    _attach_deadlines_and_actors(builder)
    return builder.items


def _attach_deadlines_and_actors(builder: _Builder) -> None:
    """Deadline from the item's words or its table's deadline column; actors named in it."""
    named = find_actors([item.text for item in builder.items])
    for item, actors in zip(builder.items, named, strict=True):
        column = builder.column_deadlines.get(item.id)
        item.deadline = (find_deadline(column) if column else None) or find_deadline(item.text)
        seen = {a.lower() for a in item.actors}
        item.actors += [a for a in actors if a.lower() not in seen]


def _section_items(section: Section, builder: _Builder) -> None:
    state = _State(mode=section.role, cue=section.role_cue)
    blocks = [b for b in section.blocks if b.kind not in (BlockKind.title, BlockKind.heading)]
    blocks = [b for b in blocks if b.kind != BlockKind.notes]
    if section.stop:
        state.mode = None
    state.list_follows = any(b.kind == BlockKind.list_item for b in blocks)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == BlockKind.table_cell and block.table:
            table_id = block.table.table_id
            j = i
            while j < len(blocks) and blocks[j].table and blocks[j].table.table_id == table_id:
                j += 1
            _table_items(section, blocks[i:j], state, builder)
            i = j
            continue
        _block_items(section, block, blocks[i + 1] if i + 1 < len(blocks) else None, state, builder)
        i += 1


def _block_items(
    section: Section, block: Block, following: Block | None, state: _State, builder: _Builder
) -> None:
    cue = line_cue(block.text)
    if cue is None and block.kind == BlockKind.paragraph:
        cue = embedded_cue(block.text)
    if cue and cue.shape == "inline" and cue.role != "stop":
        parts = [c for s in split_sentences(cue.rest) for c in split_clauses(s)]
        for n, part in enumerate(parts):
            builder.add(section, block, part, cue.role, cue.phrase, _labels(state, 99), part=n)
        return
    if cue:
        state.mode = None if cue.role == "stop" else cue.role
        state.cue = cue.phrase
        state.seen_list = False
        state.labels = []
        state.pending = []
        return
    if state.mode is None:
        _claim_or_hold(section, block, state, builder)
        return
    level = block.level if block.kind == BlockKind.list_item else 0
    deeper_follows = (
        following is not None and following.kind == BlockKind.list_item and following.level > level
    )
    if is_context_label(block, following) or (
        deeper_follows and len(block.text.split()) <= 6 and block.kind == BlockKind.list_item
    ):
        state.labels = [(lv, t) for lv, t in state.labels if lv < level] + [(level, block.text)]
        state.seen_list = False  # a sub-heading opens the next sub-list of the same role
        return
    if block.kind == BlockKind.list_item:
        state.seen_list = True
        for n, part in enumerate(split_clauses(block.text)):
            builder.add(section, block, part, state.mode, state.cue, _labels(state, level), part=n)
        return
    if block.kind in (BlockKind.paragraph, BlockKind.caption):
        if state.seen_list:
            state.mode = None  # a paragraph after the list ends it
            return
        if is_reference_line(block.text):
            return
        # Where the items are bullets, plain lines around them are framing, except a goal
        # that leads into its list ("Achieve ..., through:").
        lead_goal = block.text.rstrip().endswith(":") and opens_with_action(block.text)
        if state.list_follows and not lead_goal:
            return
        sentences = [s for s in split_sentences(block.text) if looks_like_action(s)]
        parts = [c for s in sentences for c in split_clauses(s)]
        for n, part in enumerate(parts):
            builder.add(section, block, part, state.mode, state.cue, _labels(state, 99), part=n)


def _claim_or_hold(section: Section, block: Block, state: _State, builder: _Builder) -> None:
    """Outside any role: hold list items, and give them a role if a trailing cue follows."""
    if block.kind == BlockKind.list_item:
        state.pending.append((block, _labels(state, block.level)))
        return
    trailing = trailing_cue(block.text) if state.pending else None
    if trailing and trailing.role != "stop":
        for held, labels in state.pending:
            for n, part in enumerate(split_clauses(held.text)):
                builder.add(section, held, part, trailing.role, trailing.phrase, labels, part=n)
    state.pending = []


def _labels(state: _State, level: int) -> list[str]:
    return [text for lv, text in state.labels if lv < level or level == 99]


def _table_items(section: Section, cells: list[Block], state: _State, builder: _Builder) -> None:
    headers = {c.table.col: c.text for c in cells if c.table and c.table.is_header}
    roles = {col: column_role(text) for col, text in headers.items()}
    item_cols = [col for col, role in roles.items() if role in ("priority", "next_step")]
    body = [c for c in cells if c.table and not c.table.is_header]
    if item_cols:
        _action_table_items(section, body, headers, roles, item_cols[0], state, builder)
        return
    theme_columns = {col for col, text in headers.items() if labels_named(text, "themes")}
    if not theme_columns and state.mode is None:
        return
    kind: ItemKind = state.mode or "priority"
    for cell in body:
        assert cell.table is not None
        header = cell.table.header or headers.get(cell.table.col, "")
        if state.mode is None and cell.table.col not in theme_columns:
            continue
        for n, part in enumerate(split_clauses(cell.text)):
            context = [*_labels(state, 99), header]
            builder.add(section, cell, part, kind, state.cue or header, context, part=n)


def _action_table_items(
    section: Section,
    body: list[Block],
    headers: dict[int, str],
    roles: dict[int, str | None],
    item_col: int,
    state: _State,
    builder: _Builder,
) -> None:
    """Action | Responsible | Deadline: the item is the action, the rest its attributes."""
    kind: ItemKind = state.mode or ("priority" if roles[item_col] == "priority" else "next_step")
    rows: dict[int, list[Block]] = {}
    for cell in body:
        assert cell.table is not None
        rows.setdefault(cell.table.row, []).append(cell)
    for row_cells in rows.values():
        by_col: dict[int, list[Block]] = {}
        for cell in row_cells:
            assert cell.table is not None
            by_col.setdefault(cell.table.col, []).append(cell)
        actors = [
            a.strip()
            for col, role in roles.items()
            if role == "actor"
            for cell in by_col.get(col, [])
            for a in re.split(r"[,;/]|\band\b", cell.text)
            if a.strip()
        ]
        deadline = next(
            (c.text for col, r in roles.items() if r == "deadline" for c in by_col.get(col, [])),
            None,
        )
        for n, cell in enumerate(by_col.get(item_col, [])):
            builder.add(
                section,
                cell,
                cell.text,
                kind,
                headers[item_col],
                [*_labels(state, 99)],
                part=n,
                actors=actors,
                deadline_text=deadline,
            )
