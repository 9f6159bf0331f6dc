"""rule_items: the cue-driven reading of a section, one item per action.

Within a section a small state machine follows the reader: a cue (heading, short label,
lead-in sentence) switches the role of what follows to `priority` or `next_step`; a stop label
("Lessons learnt", "Already done:") switches it off; a paragraph after an announced list ends
the list. Items are list items, table cells (by column: theme columns give priorities, an
"Action" column gives the items and its "Responsible"/"Deadline" columns their actors and
deadline), paragraphs that read as actions, and the sentences of a run-on paragraph opened by
an inline cue ("Next Steps: Develop ...").

Its items are one vote among the evidence that `pipeline.extract` weighs for every candidate.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pipeline.cues import is_reference_line, trailing_cue
from pipeline.itemtext import (
    ItemBuilder,
    ItemDraft,
    column_role_of,
    embedded_cue_of,
    is_context_label,
    line_cue_of,
    looks_like_action,
    opens_with_action,
    split_clauses,
    split_sentences,
)
from pipeline.models import Block, BlockKind, Document, Item, ItemKind, Section
from pipeline.taxonomy import labels_named


@lru_cache(maxsize=1)
def _actor_split_re() -> re.Pattern[str]:
    """Where a 'Responsible' cell is cut into actors (`vocab/rules_extract.json`): a separator
    character or a joining word ('Ministry of Labour, ILO and UNICEF')."""
    path = resources.files("pipeline.vocab").joinpath("rules_extract.json")
    data = json.loads(path.read_text("utf-8"))
    chars = "".join(re.escape(c) for c in data["actor_separators"])
    words = "|".join(re.escape(w) for w in data["actor_conjunctions"])
    return re.compile(rf"[{chars}]|\b(?:{words})\b")


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
    # A list item that ends with a cue ('5. ... identified the following priorities:') gives
    # the role to its sub-list only: at its level again, the role before it comes back.
    scope: int | None = None
    outer: tuple[ItemKind | None, str | None] = (None, None)


def rule_items(doc: Document, sections: list[Section]) -> tuple[list[Item], dict[str, str]]:
    """The items the cue rules find in `doc`, in reading order, and the deadline-column text of
    those that sit in an action table (by item id); deadlines and actors are not yet set."""
    drafts, column_deadlines = rule_drafts(doc, sections)
    return [d.build() for d in drafts], column_deadlines


def rule_drafts(doc: Document, sections: list[Section]) -> tuple[list[ItemDraft], dict[str, str]]:
    """`rule_items` before the items are made: their drafts (see `ItemDraft`)."""
    builder = ItemBuilder(doc)
    for section in sections:
        _section_items(section, builder)
    return builder.drafts, builder.column_deadlines


def _section_items(section: Section, builder: ItemBuilder) -> None:
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
    section: Section, block: Block, following: Block | None, state: _State, builder: ItemBuilder
) -> None:
    level = block.level if block.kind == BlockKind.list_item else 0
    if state.scope is not None and block.kind == BlockKind.list_item and level <= state.scope:
        state.mode, state.cue = state.outer
        state.scope = None
    cue = line_cue_of(block.text)
    if cue is None and block.kind == BlockKind.paragraph:
        cue = embedded_cue_of(block.text)
    if cue and cue.shape == "inline" and cue.role != "stop":
        parts = [c for s in split_sentences(cue.rest) for c in split_clauses(s)]
        for n, part in enumerate(parts):
            builder.add(section, block, part, cue.role, cue.phrase, _labels(state, 99), part=n)
        return
    deeper_follows = (
        following is not None and following.kind == BlockKind.list_item and following.level > level
    )
    if cue:
        if block.kind == BlockKind.list_item and deeper_follows and state.scope is None:
            state.scope, state.outer = level, (state.mode, state.cue)
        state.mode = None if cue.role == "stop" else cue.role
        state.cue = cue.phrase
        state.seen_list = False
        state.labels = []
        state.pending = []
        return
    if state.mode is None:
        _claim_or_hold(section, block, state, builder)
        return
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


def _claim_or_hold(section: Section, block: Block, state: _State, builder: ItemBuilder) -> None:
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


def _table_items(section: Section, cells: list[Block], state: _State, builder: ItemBuilder) -> None:
    headers = {c.table.col: c.text for c in cells if c.table and c.table.is_header}
    roles = {col: column_role_of(text) for col, text in headers.items()}
    if "agenda" in roles.values():
        return  # 'Horaire | Session / activité | Intervenants': a programme's sessions
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
        if roles.get(cell.table.col) == "subject":
            continue  # 'Child labour' under 'Priority area' names the row, it is not an item
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
    builder: ItemBuilder,
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
            for a in _actor_split_re().split(cell.text)
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
