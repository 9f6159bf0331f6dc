"""sections_to_candidates: every piece of text that could be a priority or a next step.

A candidate is a list item, a table-cell paragraph, a short paragraph, a sentence of a longer
paragraph, or one element of a list written inline in prose ("the plan covers: a hotline,
training for judges and a data system"), each with the context a reader uses to judge it: the
heading path, the lead-in line before it, its parent bullet, its table column and row header,
its list siblings and its place in the document. The cue rules' own reading of the section
(`rules_extract.rule_items`) is attached as a vote, not as a gate: `pipeline.extract` decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.cues import field_tail
from pipeline.deadlines import date_label, has_deadline, is_bare_date
from pipeline.itemtext import (
    ItemBuilder,
    ItemDraft,
    announces_list,
    opens_with_action,
    single_country_of,
    split_clauses,
    split_sentences,
    states_future_action,
    text_key,
)
from pipeline.lexicon import (
    lexicon,
    search_ignoring_case,
    text_pattern_lists,
    text_patterns,
    word_classes,
)
from pipeline.models import Block, BlockKind, Document, Item, ItemKind, Section
from pipeline.parse.common import asks, split_marker
from pipeline.rules_extract import rule_drafts

# "Label: rest" at the start of a paragraph; the label is at most six words.
_LABEL_RE = re.compile(r"^\s*([^\W\d_][^:.!?\n]{0,60}?)\s*:\s+(?=\S)")
# An inline list after a colon: "... covers: a, b and c."
_P = text_patterns()
_INLINE_SPLIT_RE = re.compile(rf"\s*(?:{_P['inline_list_separators']})\s*", re.I)
_MAX_INLINE_ELEMENT_WORDS = 14
_MAX_OPENED_WORDS = 20  # elements after "the priorities are ..." may be longer
_LAST_AND_RE = re.compile(rf"\s(?:{_P['last_conjunctions']})\s*", re.I)
_LEADING_AND_RE = re.compile(rf"(?:{_P['last_conjunctions']})\s+", re.I)  # "and <last one>"
# "... undertakes to A, and it commits to B": the infinitive clauses are the commitments.
_ADVERB_SLOT = rf"(?:,?\s+(?:{_P['interposed_adverbs']}),?)?"  # "se compromete, además, a"
_COMMIT_RE = re.compile(_P["commitment_openers"].replace("{adv}", _ADVERB_SLOT), re.I)
# "... will concentrate on A and on B": the preposition that opens each element, by group of
# equivalent forms ("à", "au", "aux").
_PREPOSITION_GROUPS = [g.split("|") for g in text_pattern_lists()["repeated_prepositions"]]
_PREPOSITION_RE = re.compile(
    rf"(?<![\w'’])({'|'.join(p for g in _PREPOSITION_GROUPS for p in g)})(?:\s+|(?=l['’]))", re.I
)
# Each preposition's joint between two elements: ", on", "and on", "; à la", ", au ".
_PREPOSITION_JOINTS = {
    form: re.compile(
        rf"\s*(?:[,;]\s*(?:(?:{_P['last_conjunctions']})\s+)?|\s(?:{_P['last_conjunctions']})\s+)"
        rf"(?:{'|'.join(re.escape(f) for f in group)})(?:\s+|(?=l['’]))",
        re.I,
    )
    for group in _PREPOSITION_GROUPS
    for form in group
}
_MAX_PREPOSITION_ELEMENT_WORDS = 30
_PURPOSE_RE = re.compile(rf"\b(?:{_P['purpose_markers']})\s+to\b", re.I)
# "..., and convene ...", "...; the Working Group will ...": where a narrative sentence joins
# a second action to the first.
_ACTION_JOINT_RE = re.compile(rf"{_P['action_joints']}|;\s+", re.I)
_FUTURE_RE = re.compile(rf"\b(?:{_P['future_auxiliaries']})\b|\w(?:rá|rán|ront)\b", re.I)
_PRONOUN_OPENING_RE = re.compile(
    rf"\W*(?:{_P['subject_pronouns']}|{_P['demonstrative_subjects']})\b", re.I
)
_COMMIT_SPLIT_RE = re.compile(_P["commitment_splits"], re.I)
_OPENING_RE = re.compile(r"[^\s'’]*")  # the first word, up to a space or an apostrophe
_COMMA_RE = re.compile(r"[,;]\s+")
_LIST_OPENERS = frozenset(_P["list_openers"].lower().split("|"))
# Word classes of a title that say what kind of document it is (not what it is about).
_GENRE_CLASSES = frozenset({"preparatory", "question"})
_OPENING_CLASSES = frozenset({"roadmap", "workplan"})
_OPENING_BLOCKS, _OPENING_WORDS = 8, 24
_MAIL_HEADER_RE = re.compile(rf"\b({_P['mail_header_words']})\s*:")


@dataclass(slots=True)
class Candidate:
    """A piece of text with its context; `item` is what it gives if it is taken.

    A plain dataclass (there are thousands per document, built and updated by this module
    only): its lists are the caller's, not copies. The `Item` is made from `draft` when it is
    first asked for: most candidates are judged on their `text` alone and never taken."""

    draft: ItemDraft
    unit: str  # list_item | table_cell | paragraph | sentence | reported | commitment | inline
    # | heading | label | rule
    block: Block
    section: Section
    index: int  # position of the block in the document's reading order
    lead_in: str | None = None
    lead_gap: int = 0  # blocks between the lead-in and the candidate's block
    parent: str | None = None
    column: str | None = None
    row_header: str | None = None
    row_cells: list[str] = field(default_factory=list)  # the other cells of its table row
    labels: list[str] = field(default_factory=list)
    group: str = ""  # candidates that are siblings (one list, one column, one paragraph)
    group_size: int = 1
    group_index: int = 0
    rule_kind: ItemKind | None = None
    rule_cue: str | None = None
    column_deadline: str | None = None
    date_label: str | None = None  # 'Q2 2025' set before the text as a timeline's label
    doc_flags: list[str] = field(default_factory=list)  # what the whole document looks like
    before_list: bool = False  # the last words of a paragraph right above a list or table
    after_priority_list: bool = False  # a table row below its country's list of priorities
    _item: Item | None = field(default=None, repr=False)

    @property
    def item(self) -> Item:
        if self._item is None:
            self._item = self.draft.build()
        return self._item

    @property
    def text(self) -> str:
        """The item's text (`item.text`), without making the item."""
        return self.draft.text

    def _set_item_lists(self, actors: list[str], context: list[str]) -> None:
        """Set the item's actors and context, on the item if made, else on its draft."""
        target = self._item if self._item is not None else self.draft
        target.actors, target.context = actors, context


def sections_to_candidates(doc: Document, sections: list[Section]) -> list[Candidate]:
    """Every candidate of `doc` in reading order, with the rule vote attached."""
    builder = ItemBuilder(doc)
    order = {b.id: n for n, b in enumerate(doc.blocks)}
    candidates: list[Candidate] = []
    listed: set[str | None] = set()  # countries whose priorities a list above has stated
    for section in sections:
        found = _section_candidates(section, builder, order)
        for c in found:
            c.after_priority_list = c.unit == "table_cell" and section.country in listed
        candidates.extend(found)
        if section.role == "priority" and _list_items(section) >= _PRIORITY_LIST_ITEMS:
            listed.add(section.country)
    _attach_rule_votes(doc, sections, candidates)
    _number_groups(candidates)
    flags = document_flags(doc)
    for c in candidates:
        c.doc_flags = flags
    return candidates


def document_flags(doc: Document) -> list[str]:
    """Traits of the whole document a reader notices at once: headings that are questions
    (an FAQ), e-mail headers, a document with no list at all, the genre its title names,
    and whether its opening lines call it a roadmap or a work plan."""
    headings = [b.text for b in doc.blocks if b.kind in (BlockKind.heading, BlockKind.title)]
    flags = []
    if sum(h.rstrip().endswith("?") for h in headings) >= 3:
        flags.append("question_headings")
    head = " ".join(b.text for b in doc.blocks[:8])
    if _MAIL_HEADER_RE.search(head):
        flags.append("mail_headers")
    if not any(b.kind == BlockKind.list_item for b in doc.blocks):
        flags.append("no_lists")
    # What the title says the document is: a concept note or an agenda announces, minutes
    # and reports record; the word classes of the title are the document's genre.
    title = doc.title or (headings[0] if headings else "")
    flags.extend(f"title:{name}" for name in word_classes(title) if name in _GENRE_CLASSES)
    # Whether the opening lines (title, subtitle) call the document a strategic plan or
    # roadmap or an operational work plan: the same table of activities is a roadmap's
    # priorities in the one and the year's next steps in the other.
    opening = [title, *(b.text for b in doc.blocks[:_OPENING_BLOCKS])]
    short = " ".join(t for t in opening if t and len(t.split()) <= _OPENING_WORDS)
    flags.extend(f"opening:{name}" for name in word_classes(short) if name in _OPENING_CLASSES)
    return flags


# A roadmap that states its objectives or priorities as a list, then sets out a matrix of
# activities, makes the activities the steps that carry the priorities out; a roadmap whose
# matrix is all there is makes its activities the priorities.
_PRIORITY_LIST_ITEMS = 3


def _list_items(section: Section) -> int:
    return sum(b.kind == BlockKind.list_item for b in section.blocks)


def _body(section: Section) -> list[Block]:
    return [
        b
        for b in section.blocks
        if b.kind not in (BlockKind.title, BlockKind.heading, BlockKind.notes)
    ]


_LEADING_CLASSES = frozenset({"plan", "next", "decision"})


def _worded_as_action(text: str) -> bool:
    """It opens with an action verb or says someone will act."""
    return opens_with_action(text) or states_future_action(text)


def _leads_paragraph(sentence: str, first: bool) -> bool:
    """A sentence that introduces the rest of its paragraph: it ends with a colon or
    announces what follows, or it opens the paragraph speaking of plans, follow-up or
    decisions in a few words without being an action itself ('As follow-up, our delegation
    makes three commitments.')."""
    if sentence.rstrip().endswith(":") or announces_list(sentence):
        return True
    return (
        first
        and len(sentence.split()) <= 25
        and bool(_LEADING_CLASSES.intersection(word_classes(sentence)))
        and not _worded_as_action(sentence)
    )


def _states_action(heading: str) -> bool:
    """A heading worded as an action: it opens with an action verb or says someone will act
    ('Mozambique will get children out of mining'), and is longer than a label."""
    return (
        len(heading.split()) >= 4
        and not heading.rstrip().endswith(("?", ":"))
        and _worded_as_action(heading)
    )


def _is_label_line(text: str) -> bool:
    stripped = text.strip()
    return stripped.endswith(":") and len(stripped.split()) <= 12


def _section_candidates(
    section: Section, builder: ItemBuilder, order: dict[str, int]
) -> list[Candidate]:
    out: list[Candidate] = []
    opener = next((b for b in section.blocks if b.id == section.id), None)
    if opener is not None and opener.kind == BlockKind.heading:
        label, title = _split_label(opener.text)  # "Pledge: Eliminate child labour ..."
        if _states_action(title):
            # A pledge's title set as a heading ("Scale up the monitoring system to 40 more
            # departments") is itself a commitment (GOLD.md); the model weighs it like the rest.
            base = {"block": opener, "section": section, "index": order.get(opener.id, 0)}
            _add(out, builder, "heading", title, 0, base, {"lead_in": label, "group": opener.id})
    blocks = _body(section)
    rows = _table_rows(blocks)
    lead: str | None = None
    lead_at = -1
    parents: list[tuple[int, str]] = []  # open list items (level, text)
    labels: list[tuple[int, str]] = []  # sub-list labels (level, text)
    list_group = ""
    for n, block in enumerate(blocks):
        next_text = blocks[n + 1].text if n + 1 < len(blocks) else None
        base = {
            "block": block,
            "section": section,
            "index": order.get(block.id, 0),
        }
        if block.kind == BlockKind.list_item:
            level = block.level
            parents = [(lv, t) for lv, t in parents if lv < level]
            labels = [(lv, t) for lv, t in labels if lv < level]
            if not list_group or (n and blocks[n - 1].kind != BlockKind.list_item):
                list_group = f"{section.id}/l{n}"
            context = {
                "lead_in": lead,
                "lead_gap": max(0, n - lead_at - 1) if lead is not None else 0,
                "parent": parents[-1][1] if parents else None,
                "labels": [t for _, t in labels],
                "group": f"{list_group}/{level}",
            }
            said = _reported_clause(block.text)
            sentences = split_sentences(said) or [said]
            first, *more = sentences
            head, elements = _inline_list(first) if len(said.split()) > 25 else ("", [])
            if elements:  # a numbered paragraph that lists the priorities in prose
                inline_context = {**context, "lead_in": head, "lead_gap": 0}
                for part_no, element in enumerate(elements):
                    _add(out, builder, "inline", element, part_no, base, inline_context)
                for part_no, sentence in enumerate(more, start=len(elements)):
                    _add(out, builder, "list_item", sentence, part_no, base, context)
            else:
                unit = "label" if _is_label_line(block.text) else "list_item"
                pieces = _standalone_sentences(sentences) or [said]
                parts = [c for piece in pieces for c in split_clauses(piece)]
                for part_no, part in enumerate(parts):
                    _add(out, builder, unit, part, part_no, base, context)
            parents.append((level, block.text))
            if _is_label_line(block.text) or (
                next_text is not None
                and blocks[n + 1].kind == BlockKind.list_item
                and blocks[n + 1].level > level
            ):
                labels.append((level, block.text.rstrip(": ")))
            continue
        list_group = ""
        if block.kind == BlockKind.table_cell and block.table is not None:
            if block.table.is_header:
                continue
            row_header = _row_header(rows, block)
            # Siblings: a column under its header; in a form (no column header, a field
            # label opening each row) the values of one field only ("Implementation steps").
            form_field = block.table.header is None and row_header is not None
            place = f"r{block.table.row}c{block.table.col}" if form_field else f"c{block.table.col}"
            context = {
                "lead_in": lead,
                "lead_gap": max(0, n - lead_at - 1) if lead is not None else 0,
                "column": block.table.header,
                "row_header": row_header,
                "row_cells": _row_cells(rows, block),
                "labels": [t for _, t in labels],
                "group": f"{block.table.table_id}/{place}",
            }
            above = blocks[n - 1].table if n else None
            if (
                above is not None
                and (above.table_id, above.row, above.col)
                == (block.table.table_id, block.table.row, block.table.col)
                and blocks[n - 1].text.rstrip().endswith(":")
            ):
                # a cell's own paragraph leads into the ones under it ('... retuvo las
                # siguientes:'), nearer than the text before the table
                context["lead_in"], context["lead_gap"] = blocks[n - 1].text, 0
            answer = form_field or (row_header is not None and asks(row_header))
            text = block.text
            if answer:
                # a form's value or a question's answer written as prose ('Sí. ... Es
                # prioridad del Ministerio extender ...', 'Próximos pasos: validar ...;
                # presentarla ...') is read as a paragraph, within its field; a value under
                # an inline label ('Abril de 2025: apertura de ...') stays one cell, the
                # label leading into it
                label, rest = _split_label(text)
                if len(split_sentences(rest)) > 1 or _inline_list(text)[1]:
                    _prose_candidates(out, builder, text, base, context, "table_cell")
                    continue
                if label is not None:
                    context = {**context, "lead_in": label, "lead_gap": 0}
                    text = rest
            parts = [c for run in split_glued_actions(text) for c in split_clauses(run)]
            for part_no, part in enumerate(parts):
                _add(out, builder, "table_cell", part, part_no, base, context)
            continue
        # paragraphs, captions
        parents = []
        text = block.text
        if _is_label_line(text):
            context = {"lead_in": lead, "lead_gap": max(0, n - lead_at - 1) if lead else 0}
            _add(out, builder, "label", text, 0, base, {**context, "group": block.id})
            lead, lead_at, labels = text, n, []
            continue
        context = {
            "lead_in": lead,
            "lead_gap": max(0, n - lead_at - 1) if lead else 0,
            "labels": [t for _, t in labels],
            "group": block.id,
        }
        _prose_candidates(out, builder, text, base, context, "paragraph")
        if (
            out
            and out[-1].block is block
            and next_text is not None
            and blocks[n + 1].kind in (BlockKind.list_item, BlockKind.table_cell)
        ):
            out[-1].before_list = True  # "Promises need a calendar, so here is ours."
        if len(text.split()) <= 40:
            lead, lead_at = text, n
    return out


def _prose_candidates(
    out: list[Candidate],
    builder: ItemBuilder,
    text: str,
    base: dict[str, Any],
    context: dict[str, Any],
    unit: str,
) -> None:
    """The candidates of a piece of prose (a paragraph, a form's answer): its inline label
    ('Next steps: ...') leads into it, then each sentence, commitment, inline list element
    or joined action is one (`unit` when it is one sentence without a label)."""
    label, rest = _split_label(text)
    if label is not None and _inline_list(text)[1]:
        label, rest = None, text  # "The plan covers: a, b and c" is a list, not a label
    sentences = split_sentences(rest)
    if label:
        context = {**context, "lead_in": label, "lead_gap": 0}
    unit = unit if len(sentences) == 1 and not label else "sentence"
    part_no = 0
    for index, whole in enumerate(sentences):
        sentence = _reported_clause(whole)
        sentence_unit = "reported" if sentence != whole else unit
        clauses = _commitments(sentence)
        if clauses:
            for clause in clauses:
                _add(out, builder, "commitment", clause, part_no, base, context)
                part_no += 1
            continue
        head, elements = _inline_list(sentence)
        if elements:
            inline_context = {**context, "lead_in": head, "lead_gap": 0}
            for element in elements:
                _add(out, builder, "inline", element, part_no, base, inline_context)
                part_no += 1
            continue
        for clause in (c for s in split_clauses(sentence) for c in _joined_actions(s)):
            _add(out, builder, sentence_unit, clause, part_no, base, context)
            part_no += 1
        if label is None and _leads_paragraph(whole, first=index == 0):
            # "As follow-up, our delegation makes three commitments." leads into the
            # sentences after it, nearer than the block before the paragraph
            context = {**context, "lead_in": whole, "lead_gap": 0}


# A table of contents' line: a title, a dot leader and a page number ('Next steps . . . 5'),
# the number sometimes set apart in a column of its own ('Closing session . . . . .').
_LEADER_RE = re.compile(r"(?:\.\s*){4,}(?:\d{1,3})?\s*$|…{2,}\s*(?:\d{1,3})?\s*$")


def _add(
    out: list[Candidate],
    builder: ItemBuilder,
    unit: str,
    text: str,
    part: int,
    base: dict,
    context: dict,
) -> None:
    if _LEADER_RE.search(text):
        return
    draft = builder.draft(base["section"], base["block"], text, "priority", None, [], part=part)
    if draft is None:
        return
    extra = [*context.get("labels", [])]
    for key in ("column", "parent"):
        if context.get(key):
            extra.append(context[key])
    draft.context = [*extra, *draft.context]
    if "labels" in context:
        context = {**context, "labels": list(context["labels"])}  # one list per candidate
    candidate = Candidate(draft=draft, unit=unit, **base, **context)
    # A timeline's line: its date, set before it as a label, right above it as its lead-in
    # or its heading ('Q3 2025' / 'Extend the declarations ...') or beside it as its row's
    # first cell ('Juin 2025 | adoption du décret'), is its deadline.
    dated = date_label(split_marker(text)[1].strip())
    label = dated[0] if dated else None
    heading = candidate.section.heading_path[-1] if candidate.section.heading_path else None
    near = candidate.lead_in if candidate.lead_gap == 0 else None
    if label is None:
        besides = (near, candidate.row_header, heading)
        label = next((b.strip() for b in besides if b and is_bare_date(b)), None)
    if label:
        candidate.date_label = label
        candidate.column_deadline = candidate.column_deadline or label
    fields = field_tail(text)[1]  # '... Responsable: MTPE. Plazo: 30 de abril.'
    if fields and not candidate.column_deadline and has_deadline(fields):
        candidate.column_deadline = fields
    out.append(candidate)


def _table_rows(blocks: list[Block]) -> dict[tuple[str, int], list[Block]]:
    """The table cells of `blocks` by (table, row), in order."""
    rows: dict[tuple[str, int], list[Block]] = {}
    for b in blocks:
        if b.table:
            rows.setdefault((b.table.table_id, b.table.row), []).append(b)
    return rows


def _row_header(rows: dict[tuple[str, int], list[Block]], cell: Block) -> str | None:
    """Text of the first cell of the cell's row, when the cell is not in the first column."""
    assert cell.table is not None
    if cell.table.col == 0:
        return None
    for other in rows.get((cell.table.table_id, cell.table.row), []):
        if other.table and other.table.col == 0:
            return other.text
    return None


def split_glued_actions(text: str) -> list[str]:
    """'Adopt the plan Train 80 inspectors' -> two actions: a cell whose paragraphs lost their
    line breaks (PDF tables) glues them; a capitalised action verb right after a word in small
    letters (or a number) starts the next one."""
    words = text.split(" ")
    out: list[list[str]] = [[]]
    for n, word in enumerate(words):
        prev = words[n - 1] if n else ""
        if (
            n >= 3
            and len(out[-1]) >= 3
            and word[:1].isupper()
            and prev[-1:].isalnum()
            and (prev[:1].islower() or prev[-1:].isdigit())
            and not _dangles(prev)
            and opens_with_action(word)
            and len(words) - n >= 3
        ):
            out.append([])
        out[-1].append(word)
    return [" ".join(w) for w in out if w]


def _dangles(word: str) -> bool:
    """A determiner, preposition or conjunction: no phrase ends on it, so the capitalised
    word after it continues the phrase ('for a Monitoring Group') and starts no new action."""
    lex = lexicon()
    low = word.lower()
    return low in lex.determiners or low in lex.function_words


def _row_cells(rows: dict[tuple[str, int], list[Block]], cell: Block) -> list[str]:
    """Texts of the other cells of the cell's row (a 'Done' status, a deadline, a lead); not
    a question the row answers ('What progress has been made ...?' is no status)."""
    assert cell.table is not None
    ref = cell.table
    return [
        b.text
        for b in rows.get((ref.table_id, ref.row), [])
        if b.table and b.table.col != ref.col and not asks(b.text)
    ]


def _split_label(text: str) -> tuple[str | None, str]:
    """'Next steps: Draft ...' -> ('Next steps', 'Draft ...'); a country prefix stays."""
    match = _LABEL_RE.match(text)
    if not match or len(match.group(1).split()) > 6:
        return None, text
    label = match.group(1)
    if single_country_of(label) and len(label.split()) <= 4:
        return None, text  # "Peru: ..." gives the item's country, kept for the builder
    rest = text[match.end() :]
    if len(rest.split()) < 2:
        return None, text
    return label, rest


def _reported_clause(sentence: str) -> str:
    """'The Minister announced that the Ministry will extend ...' -> 'the Ministry will extend
    ...': what someone said will be done, without the reporting."""
    low = sentence.lower()
    if "that" not in low and "qu" not in low:
        return sentence  # no 'that', 'que' or "qu'", which `lexicon().reported` ends with
    match = search_ignoring_case(lexicon().reported, sentence)
    if match and len(sentence[match.end() :].split()) >= 4:
        return sentence[match.end() :]
    return sentence


def _commitments(sentence: str) -> list[str]:
    """'The Ministry undertakes to A, and it commits to B.' -> ['A', 'B']; [] without a
    commitment verb followed by 'to'."""
    match = search_ignoring_case(_COMMIT_RE, sentence)
    if not match or len(sentence[: match.start()].split()) > 25:
        return []
    rest = sentence[match.end() :].strip().rstrip(".;")
    parts = [p.strip() for p in _COMMIT_SPLIT_RE.split(rest) if p and p.strip()]
    return [p for p in parts if len(p.split()) >= 2]


# An enumerator inside a sentence: '(i)', 'ii)', '(b)', '3)'.
_ENUMERATOR_RE = re.compile(r"(?<![\w(])\(?([ivx]{1,4}|[a-h]|\d{1,2})\)\s+(?=\S)")
_ROMAN_SEQUENCE = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
_MAX_ENUMERATED_WORDS = 45
# What closes an element before the next enumerator: '; ', ', ', '; and ', ' y '.
_ENUMERATED_JOINT_RE = re.compile(r"(?:[;,]|\b(?:and|or|et|ou|y|o|e))\s*$", re.I)
_ENUMERATED_TAIL_RE = re.compile(r"[\s;,]*(?:\b(?:and|or|et|ou|y|o|e)\b)?[\s;,.]*$", re.I)


def _enumerated_list(sentence: str) -> tuple[str, list[str]]:
    """'The Ministry plans to (i) finalise the plan; (ii) deploy a database; and (iii)
    revise the list.' -> the head 'The Ministry plans to' and three elements: enumerators in
    sequence ('(i)', '(ii)' ...; '(a)', '(b)'; '1)', '2)') cut the sentence, whatever stands
    between them. Nothing without at least two in sequence after some words of head."""
    marks = list(_ENUMERATOR_RE.finditer(sentence))
    if len(marks) < 2 or len(sentence[: marks[0].start()].split()) < 2:
        return "", []
    values = [m.group(1) for m in marks]
    for sequence in (_ROMAN_SEQUENCE, "abcdefgh", [str(n) for n in range(1, 21)]):
        if list(sequence[: len(values)]) == values:
            break
    else:
        return "", []
    ends = [m.start() for m in marks[1:]] + [len(sentence)]
    raw = [sentence[m.end() : end] for m, end in zip(marks, ends, strict=True)]
    if not all(_ENUMERATED_JOINT_RE.search(part) for part in raw[:-1]):
        return "", []  # 'Article 3 (a) of the Convention defines (b) ...' is no list
    elements = [_ENUMERATED_TAIL_RE.sub("", part).strip() for part in raw]
    if any(not e or len(e.split()) > _MAX_ENUMERATED_WORDS for e in elements):
        return "", []
    return sentence[: marks[0].start()].strip(), elements


def _inline_list(sentence: str) -> tuple[str, list[str]]:
    """'The plan covers: a hotline, training for judges and a data system.' -> the head and
    three elements; nothing when the part after the colon is not a short list. Without a
    colon, a list of three or more noun phrases that close the sentence ('The plenary retained
    a hotline, training for judges and a data system.') is cut the same way. Enumerators
    ('(i) ...; (ii) ...') cut a sentence first (`_enumerated_list`)."""
    enumerated = _enumerated_list(sentence)
    if enumerated[1]:
        return enumerated
    if ":" not in sentence:
        head, elements = _colonless_list(sentence)
        return (head, elements) if elements else _preposition_list(sentence)
    head, _, tail = sentence.partition(":")
    if len(head.split()) < 2 or re.search(r"https?$|\d$", head.strip()):
        return "", []
    tail = tail.strip().rstrip(".;")
    if ";" in tail:  # semicolons part the elements; commas and "and" stand inside them
        elements = [_without_leading_and(e.strip()) for e in tail.split(";")]
        elements = [e for e in elements if e]
    else:
        elements = [e.strip() for e in _INLINE_SPLIT_RE.split(tail) if e and e.strip()]
    if len(elements) < 2 or any(
        len(e.split()) > _MAX_INLINE_ELEMENT_WORDS or len(e.split()) < 2 for e in elements
    ):
        return "", []
    return head.strip() + ":", elements


def _without_leading_and(element: str) -> str:
    """'and keeping herder children in school' -> 'keeping herder children in school'."""
    lead_and = _LEADING_AND_RE.match(element)
    return element[lead_and.end() :] if lead_and else element


def _preposition_list(sentence: str) -> tuple[str, list[str]]:
    """'Viet Nam will concentrate on A and on B.' -> the head up to the first 'on' and the
    elements A, B: the same preposition repeated after a comma or 'and' opens each element.
    The head must hold a clause of its own (three words), so 'Focus on A and on B' stays one;
    of several such prepositions the one giving most elements, then the last, heads the list
    ('pour la période à venir, ... la priorité à A, à B')."""
    text = sentence.strip().rstrip(".;")
    found: tuple[str, list[str]] = ("", [])
    for match in _PREPOSITION_RE.finditer(text):
        head = text[: match.start()].strip()
        word = match.group(1).lower()
        if len(head.split()) < 3 or (word == "to" and _PURPOSE_RE.search(text)):
            continue  # ("... in order to A and to B" gives purposes, not a list)
        elements = [e.strip() for e in _PREPOSITION_JOINTS[word].split(text[match.end() :])]
        fits = all(2 <= len(e.split()) <= _MAX_PREPOSITION_ELEMENT_WORDS for e in elements)
        if fits and len(elements) >= max(2, len(found[1])):  # most elements; then the last
            found = text[: match.end()].strip(), elements
    return found


def _joined_actions(sentence: str) -> list[str]:
    """'The Ministry will issue guidelines ..., and convene the committee ...' -> the two
    actions: a narrative sentence that joins a second action by ', and' or 'puis' with an
    action verb right after it, or by ', and' or ';' with a clause in which someone will act
    ('..., and the results will be presented to the Council'; '...; the Working Group will
    propose three indicators'). The first part must itself state an action (an action verb
    first, or a future), so 'Members met in May, and adopted ...' stays one."""
    joints = _ACTION_JOINT_RE.finditer(sentence)
    cuts = [j for j in joints if _opens_own_action(sentence[j.end() :])]
    if not cuts:
        return [sentence]
    starts = [0, *(j.end() for j in cuts)]
    ends = [*(j.start() for j in cuts), len(sentence)]
    parts = [sentence[a:b].strip() for a, b in zip(starts, ends, strict=True)]
    if any(len(p.split()) < 3 for p in parts) or not (
        opens_with_action(parts[0]) or _FUTURE_RE.search(parts[0])
    ):
        return [sentence]
    return parts


def _opens_own_action(clause: str) -> bool:
    """An action verb first, or a subject of its own that will act within its first words."""
    return opens_with_action(clause) or (
        not _PRONOUN_OPENING_RE.match(clause) and states_future_action(clause)
    )


def _standalone_sentences(sentences: list[str]) -> list[str]:
    """The sentences of a list item when at least two of them state an action of their own
    ('The Secretariat will publish ... . Members will be consulted ...'); otherwise [] (a
    bullet whose later sentences explain its action is one item)."""
    if len(sentences) < 2:
        return []
    acting = [
        s
        for s in sentences
        if not _PRONOUN_OPENING_RE.match(s) and (opens_with_action(s) or _FUTURE_RE.search(s))
    ]
    return sentences if len(acting) >= 2 and len(acting) >= len(sentences) - 1 else []


def _opens_phrase(text: str) -> bool:
    first = _OPENING_RE.match(text.lstrip()).group().lower()  # type: ignore[union-attr]
    return first in lexicon().determiners


def _same_opening(first: str, second: str) -> bool:
    """Two phrases joined by 'and' alone are two elements when the second opens a phrase of
    its own: a determiner, or the first one's opening word ('to regulate ... and to train')."""
    opening = _OPENING_RE.match(second.lstrip()).group().lower()  # type: ignore[union-attr]
    return _opens_phrase(second) or opening == first.split()[0].lower()


def _opened_list(parts: list[str]) -> tuple[str, list[str]]:
    """'... priorities are A, B and C' / '... listed its priorities as A; B; and C': the list
    starts after the last list opener of the first part; the last element is cut at the
    last conjunction. Elements need not open with a determiner ('bringing ...')."""
    words = parts[0].split()
    opens = [n for n, w in enumerate(words) if n >= 2 and w.lower() in _LIST_OPENERS]
    if not opens or len(words) - opens[-1] - 1 < 2:
        return "", []
    start = opens[-1] + 1
    elements = [" ".join(words[start:]), *parts[1:]]
    last = elements[-1]
    lead_and = _LEADING_AND_RE.match(last)
    if lead_and:
        elements[-1] = last[lead_and.end() :]
    else:
        # a whole conjunction: it ends at a space or an apostrophe ("ainsi qu'une ..."),
        # not inside a word
        cuts = [m for m in _LAST_AND_RE.finditer(last) if m.group(0)[-1] in " '’"]
        if not cuts:
            return "", []
        elements[-1:] = [last[: cuts[-1].start()], last[cuts[-1].end() :]]
    elements = [e.strip() for e in elements if e.strip()]
    if len(elements) < 2 or any(not (2 <= len(e.split()) <= _MAX_OPENED_WORDS) for e in elements):
        return "", []
    if len(parts) == 1 and not _same_opening(elements[0], elements[1]):
        return "", []  # "a system for the cotton and textile value chain": one phrase
    return " ".join(words[:start]), elements


def _colonless_list(sentence: str) -> tuple[str, list[str]]:
    parts = [p.strip() for p in _COMMA_RE.split(sentence.strip().rstrip(".;")) if p.strip()]
    if len(parts) < 2:
        return _opened_list(parts) if parts else ("", [])
    head, elements = _opened_list(parts)
    if elements:
        return head, elements
    # The last comma part ends with "... and <phrase>": cut at the last such conjunction.
    last = parts[-1]
    cuts = [m for m in _LAST_AND_RE.finditer(last) if _opens_phrase(last[m.end() :])]
    if cuts:
        parts[-1:] = [last[: cuts[-1].start()], last[cuts[-1].end() :]]
    else:
        parts[-1] = _without_leading_and(last)
    rest = [p.strip() for p in parts[1:]]
    if len(rest) < 2 or any(
        not (2 <= len(e.split()) <= _MAX_INLINE_ELEMENT_WORDS) or not _opens_phrase(e) for e in rest
    ):
        return "", []
    # The first element starts at the determiner of the first part whose phrase is closest
    # in length to the others.
    words = parts[0].split()
    typical = sorted(len(e.split()) for e in rest)[len(rest) // 2]
    starts = [n for n, w in enumerate(words) if n >= 2 and _opens_phrase(w)]
    if not starts:
        return "", []
    start = min(starts, key=lambda n: abs((len(words) - n) - typical))
    if len(words) - start < 2 or _dangles(words[start - 1]):
        # after a preposition the phrases say with or for whom ('... un taller con las
        # centrales, los gremios y la sociedad civil'), they are not what is done
        return "", []
    return " ".join(words[:start]), [" ".join(words[start:]), *rest]


def _attach_rule_votes(doc: Document, sections: list[Section], candidates: list[Candidate]) -> None:
    """Mark the candidates the cue rules take; rule items no candidate covers become
    candidates of their own (unit 'rule'), so nothing the rules find is out of reach."""
    items, column_deadlines = rule_drafts(doc, sections)
    by_key = {(c.block.id, text_key(c.text)): c for c in candidates}
    by_block: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_block.setdefault(c.block.id, []).append(c)
    by_section = {s.id: s for s in sections}
    blocks = {b.id: b for b in doc.blocks}
    section_of = {b.id: s for s in sections for b in s.blocks}
    order = {b.id: n for n, b in enumerate(doc.blocks)}
    for item in items:
        block_id = item.block.id
        key = (block_id, text_key(item.text))
        block = by_block.get(block_id, [])
        candidate = by_key.get(key) or _behind_label(key[1], block)
        if candidate is None and _glues_candidates(key[1], block):
            continue  # the rule read several of the block's pieces as one: they are there
        if candidate is None and _LEADER_RE.search(item.text):
            continue  # a table of contents' line, whatever its cue: no candidate either
        if candidate is None:
            section = section_of.get(block_id) or by_section.get("root") or sections[0]
            candidate = Candidate(
                draft=item,
                unit="rule",
                block=blocks[block_id],
                section=section,
                index=order.get(block_id, 0),
                group=f"rule/{block_id}",
            )
            candidates.append(candidate)
            by_key[key] = candidate
        else:
            # The rule's reading knows the action table's actors and the sub-list labels.
            candidate._set_item_lists(list(item.actors), list(item.context))
        candidate.rule_kind = item.kind
        candidate.rule_cue = item.cue
        if item.id in column_deadlines:
            candidate.column_deadline = column_deadlines[item.id]
    candidates.sort(key=lambda c: c.index)  # stable: rule-only candidates follow their block


def _behind_label(key: str, block: list[Candidate]) -> Candidate | None:
    """The block's candidate the rule read with its inline label still on ('AP1: Co-chairs to
    circulate ...' for 'Co-chairs to circulate ...'): the vote goes to it."""
    for c in block:
        text = text_key(c.text)
        if text and key.endswith(" " + text) and len(key[: -len(text)].split()) <= 6:
            return c
    return None


def _glues_candidates(key: str, block: list[Candidate]) -> bool:
    """Whether the text of `key` is two or more of the block's table-cell candidates glued
    together (a cell whose paragraphs lost their line breaks, read whole by the cue rules)."""
    inside = [
        c
        for c in block
        if c.unit == "table_cell" and len(text_key(c.text)) < len(key) and text_key(c.text) in key
    ]
    return len(inside) >= 2


def _number_groups(candidates: list[Candidate]) -> None:
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(c.group, []).append(c)
    for members in groups.values():
        for n, c in enumerate(members):
            c.group_size, c.group_index = len(members), n
