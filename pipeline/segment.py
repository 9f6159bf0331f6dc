"""document_to_sections: group blocks under their heading path, with country and role.

A slide title opens a new top-level section; a heading opens a section below the headings of
higher rank. A section's country is the one its own heading names, else its parent's, else the
document title's. Its role comes from a cue phrase in its heading; a sub-heading without a cue
keeps its parent's role when it continues the parent's numbering ("4.1" under "4.") or is a
continuation ("NEPAL (Cont.)"), and a heading that is only a cue ("Next steps") keeps the
country of the section before it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from pipeline.countries import (
    CountryMention,
    country_of_domain,
    file_name_country,
    find_countries,
    is_capital,
    single_country,
)
from pipeline.cues import Cue, heading_cue, normalise
from pipeline.lexicon import text_patterns, word_classes
from pipeline.models import Block, BlockKind, Document, Section
from pipeline.parse.common import BOLD_HEADING_LEVEL, opens_box
from pipeline.textnorm import fold

_CONTINUED_RE = re.compile(rf"\b({text_patterns()['continued']})\b", re.I)
_ROMAN_RE = re.compile(r"^\s*[IVXLC]+\.\s", re.I)
_NUMBER_RE = re.compile(r"^\s*((?:\d+\.)*\d+)\.?\s")

TOP_LEVEL = 0
_NATIONAL_RE = re.compile(rf"\b({text_patterns()['national']})\b", re.I)
# A form's field naming the country: "Country | Kenya", "Pays : Tunisie".
_COUNTRY_FIELD_RE = re.compile(rf"^\W*(?:{text_patterns()['country_field']})\W*$", re.I)
_COUNTRY_LINE_RE = re.compile(
    rf"^\W*(?:{text_patterns()['country_field']})\s*:\s*(?P<value>.{{2,60}})$", re.I
)
_FORM_FIELDS_SEEN = 80  # a form names its country among its first blocks
# A short line under the title names the document's country; a longer one ("Return of the
# Republic of Mozambique – completed by the Ministry of ...") only by the state's formal name.
_SUBTITLE_WORDS = 12
_FORMAL_SUBTITLE_WORDS = 30
_GLOBAL_BODY_RE = re.compile(rf"\b(?:{text_patterns()['global_bodies']})\b", re.I)
_SECRETARIAT_RE = re.compile(rf"\b(?:{text_patterns()['secretariat']})\b", re.I)
_NATIONAL_SECRETARIAT_RE = re.compile(rf"\b(?:{text_patterns()['national_secretariat']})\b", re.I)
# An e-mail sent from a government's domain ('@mtess.gov.py', '@travail.gouv.ci') is from
# that country's administration: the country code is the domain's last label.
_SENDER_RE = re.compile(
    rf"^(?:{text_patterns()['mail_sender_words']})\s*:.*?(?P<address>[\w.+-]+@[\w.-]*\."
    rf"(?:{text_patterns()['government_mail_domains']})\.(?P<cc>[a-z]{{2}}))\b",
    re.I,
)
_FIELD_LINE_RE = re.compile(r"^[^\W\d_][\w -]{0,20}:\s")
_FORMAL_STATE_RE = re.compile(rf"\b(?:{text_patterns()['formal_state_names']})\b", re.I)


def _heading_rank(block: Block) -> int:
    if block.kind == BlockKind.title:
        return TOP_LEVEL
    return block.heading_level or 2


def _section_number(text: str) -> str | None:
    match = _NUMBER_RE.match(text)
    return match.group(1) if match else None


def _is_cue_only(text: str, cue: Cue | None) -> bool:
    """True when the heading says nothing but its role ('Next steps (short term)')."""
    if cue is None or cue.shape != "label" or cue.role == "stop":
        return False
    core = normalise(re.sub(r"\([^)]*\)", " ", text))
    core = re.sub(r"^(\d+ )+|^[ivxlc]+ ", "", core)
    return len(core.split()) <= len(cue.phrase.split()) + 2


def document_to_sections(doc: Document) -> list[Section]:
    """Split `doc.blocks` into sections at titles and headings, in reading order; an
    organisation line naming a country ('Argentina – Comité ...') goes on under the same
    headings as a section of that country."""
    doc_country = document_country(doc)
    root = Section(
        id="root",
        page=1,
        country=doc_country.code if doc_country else None,
        country_evidence=doc_country.text if doc_country else None,
    )
    sections: list[Section] = [root]
    # Stack of (rank, section) for the open headings, outermost first.
    stack: list[tuple[int, Section]] = []
    # The country of the last organisation line ("Argentina – CONAETI"): the pledge under it
    # is that country's, through its own sub-headings, until a heading names another.
    organisation: CountryMention | None = None
    subjects: set[str] = set()  # sections that keep their parent's role as a subject
    for block in _box_titles(doc.blocks):
        if block.kind not in (BlockKind.title, BlockKind.heading):
            current = sections[-1]
            mention = _organisation_country(block)
            if mention is not None:
                organisation = mention
            if mention is not None and mention.code != current.country and current.blocks:
                # "Argentina – Comité Ejecutivo ..." heads the pledge under it (GOLD.md): the
                # section goes on under the same headings with that country from here on.
                current = current.model_copy(
                    update={
                        "id": block.id or f"o{len(sections)}",
                        "country": mention.code,
                        "country_evidence": mention.text,
                        "blocks": [],
                    }
                )
                sections.append(current)
            current.blocks.append(block)
            continue
        rank = _heading_rank(block)
        previous = sections[-1]
        cue = heading_cue(block.text)
        mention = single_country(block.text)
        continued = bool(_CONTINUED_RE.search(block.text)) and mention is None
        cue_only = _is_cue_only(block.text, cue) and mention is None
        if (
            cue_only
            and stack
            and _section_number(block.text) is None
            and not _ROMAN_RE.match(block.text)
            and not (stack[-1][1].role or stack[-1][1].stop)
            and _names_a_subject(stack[-1][1].heading_path[-1])
        ):
            # A bare "Next steps" belongs to what precedes ("Kenya", "Child labour"), unless
            # that is itself a cue's section ("Challenges"): then it is the next one. After a
            # slide or section about something else ("What we achieved in 2022-2024") it
            # starts a section of its own.
            rank = max(rank, stack[-1][0] + 1)
        sibling: Section | None = None
        while stack and stack[-1][0] >= rank:
            popped_rank, popped = stack.pop()
            if popped_rank == rank:
                sibling = popped
        parent = stack[-1][1] if stack else root
        section = Section(id=block.id or f"h{len(sections)}", page=block.page, blocks=[block])
        section.heading_path = [*parent.heading_path, block.text]
        if mention:
            section.country, section.country_evidence = mention.code, mention.text
            # an organisation line set as a heading ('Malawi – Ministry of Labour') goes on
            # giving its country to the headings after it ('Received: 11 July 2025')
            organisation = _organisation_heading(block)
        elif (names_region(block.text) and not cue_only) or _global_cue_heading(block, cue):
            # a regional section, or the Alliance's own ('Secretariat follow-up', 'GCG
            # decisions') after the countries' sections
            section.country, section.country_evidence = None, None
            organisation = None
        elif organisation is not None:
            section.country, section.country_evidence = organisation.code, organisation.text
        elif continued or cue_only:
            section.country = previous.country
            section.country_evidence = previous.country_evidence
        else:
            section.country, section.country_evidence = parent.country, parent.country_evidence
        if cue:
            section.role = None if cue.role == "stop" else cue.role
            section.role_cue = cue.phrase
            section.stop = cue.role == "stop"
        elif continued:
            section.role, section.role_cue = previous.role, previous.role_cue
        elif parent.role and (
            _continues_numbering(parent, block.text)
            or _subject_label(block.text)
            or (sibling is not None and sibling.id in subjects and _parallel_label(block.text))
        ):
            # "Priorities" > "Child labour:" or "TRAFFICKING IN PERSONS": a label or a short
            # heading naming a subject keeps the role, and so do the longer headings beside
            # it ("Prevent child labour", then "End forced labour & debt bondage")
            section.role, section.role_cue = parent.role, parent.role_cue
            subjects.add(section.id)
        stack.append((rank, section))
        sections.append(section)
    return [s for s in sections if s.blocks or s.id != "root"]


_BOX_LINE_WORDS = 25  # a box's line longer than this is prose, not a list item


def _box_titles(blocks: list[Block]) -> list[Block]:
    """A plain line that is only a cue ("Priorities", "Next steps") and opens a box of more
    text (a slide's text frame: its paragraphs share one bbox) titles that box: it heads a
    section, as a bold heading would, ranked below every styled heading. The box's other
    lines, when there are several and none is a sentence of a paragraph, are its list."""
    out = list(blocks)
    for n, block in enumerate(blocks):
        if (
            block.kind == BlockKind.paragraph
            and block.table is None
            and opens_box(blocks, n)
            and _is_cue_only(block.text, heading_cue(block.text))
        ):
            out[n] = block.model_copy(
                update={"kind": BlockKind.heading, "heading_level": BOLD_HEADING_LEVEL}
            )
            box = []
            for m in range(n + 1, len(blocks)):
                if blocks[m].page != block.page:
                    break  # blocks come in reading order: the box ends with its slide
                if blocks[m].bbox == block.bbox:
                    box.append(m)
            lines = [blocks[m] for m in box]
            if len(lines) >= 2 and all(
                b.kind in (BlockKind.paragraph, BlockKind.list_item)
                and len(b.text.split()) <= _BOX_LINE_WORDS
                for b in lines
            ):
                for m in box:
                    out[m] = blocks[m].model_copy(update={"kind": BlockKind.list_item})
    return out


# An organisation line: "Kenya – Ministry of Labour", "Compromiso n.º 2 | Argentina – CONAETI".
_ORGANISATION_RE = re.compile(r"^(?:[^|]{0,40}\|\s*)?([^|–—:]{2,40}?)\s+[–—-]\s+\S")


def _organisation_country(block: Block) -> CountryMention | None:
    """The country an organisation line names before its dash; None for other blocks."""
    text = block.text.strip()
    if block.kind != BlockKind.paragraph or text.endswith("."):
        return None
    line = _organisation_line(text)
    return line[0] if line else None


def _organisation_heading(block: Block) -> CountryMention | None:
    """The country of a heading that is an organisation line: a country, a dash, then a
    body that acts ('Malawi – Ministry of Labour'); not 'Kenya – update' or 'Kenya – Next
    steps', whose country ends with the section."""
    line = _organisation_line(block.text.strip())
    return line[0] if line and "actor" in word_classes(line[1]) else None


def _organisation_line(text: str) -> tuple[CountryMention, str] | None:
    """(country, what follows the dash) of 'Kenya – Ministry of Labour'; None otherwise."""
    if len(text.split()) > 20:
        return None
    match = _ORGANISATION_RE.match(text)
    if not match or len(match.group(1).split()) > 5:
        return None
    mention = single_country(match.group(1))
    return (mention, text[match.end() - 1 :]) if mention is not None else None


_PARALLEL_LABEL_WORDS = 8


def _parallel_label(heading: str) -> bool:
    """A heading beside a subject heading, as one of its series: no word of the lexicon's
    classes, no sentence, at most eight words."""
    text = heading.strip()
    return (
        not word_classes(text)
        and len(text.split()) <= _PARALLEL_LABEL_WORDS
        and not text.endswith((".", "?", "!"))
    )


def _subject_label(heading: str) -> bool:
    """A short label or heading that names a subject ('Child labour:', 'Inspección:',
    'SAFE LABOUR MIGRATION'), not a part of a pledge or report ('On the impact:', 'How we
    will deliver it:', 'Lessons learnt'): no word of the lexicon's classes (plans, next steps,
    progress, impact, background ...); a label of up to six words, a heading of up to three
    that is no sentence and no numbered section."""
    text = heading.strip()
    if word_classes(text):
        return False
    if text.endswith(":"):
        return len(text.split()) <= 6
    return (
        len(text.split()) <= 3
        and not text.endswith((".", "?", "!"))
        and _section_number(text) is None
    )


def _names_a_subject(heading: str) -> bool:
    """A heading that names what follows is about (a country, a region, or a short name
    such as a theme or a pillar), not a sentence-like title of its own."""
    if heading.rstrip().endswith(":"):
        return False  # a label heads the sub-list under it, not the next section
    if single_country(heading) is not None or names_region(heading):
        return True
    # a short name, not a part of a report ('Bilan 2024', 'Context', 'Lessons learnt')
    return len(heading.split()) <= 3 and not word_classes(heading)


@lru_cache(maxsize=1)
def _region_words() -> re.Pattern[str]:
    data = json.loads(resources.files("pipeline.vocab").joinpath("regions.json").read_text("utf-8"))
    words = sorted({fold(w, accents=False) for w in data["regions"]}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")


_GLOBAL_HEADING_WORDS = 6


def _global_cue_heading(block: Block, cue: Cue | None) -> bool:
    """'3. Secretariat follow-up', 'GCG decisions': a short cue heading whose subject is the
    Alliance's own body; not a question that names the GCG in passing, nor a signature's
    'Secretaría de la Alianza 8.7 | OIT Ginebra'."""
    return (
        cue is not None
        and len(block.text.split()) <= _GLOBAL_HEADING_WORDS
        and names_global_body(block.text)
    )


def names_global_body(text: str) -> bool:
    """True when `text` names the GCG, an Action Group or the Alliance's Secretariat (not a
    national committee's 'Secretaría Técnica')."""
    if _GLOBAL_BODY_RE.search(text):
        return True
    return bool(_SECRETARIAT_RE.search(text)) and not _NATIONAL_SECRETARIAT_RE.search(text)


def names_region(text: str) -> bool:
    """True when `text` names a region or regional grouping ('Southern Africa', 'Cono Sur').

    Accents are folded away on both sides, since writers drop them at will ("Region",
    "Région", "REGION")."""
    return bool(_region_words().search(fold(text, accents=False)))


def document_country(doc: Document) -> CountryMention | None:
    """The country a whole document is about: the one its title names (or, without a title,
    its first line), else the one a short subtitle line names by its name (not a city) or a
    longer one by the state's formal name ('Réponse de la République togolaise – ...'), else
    the one that dominates its text (at least 4 mentions and 75% of all country mentions, or
    3 mentions and no other country) unless the title names a global body (a GCG record)."""
    first = doc.title or (doc.blocks[0].text if doc.blocks else None)
    # A line above the title (a Word "ACTA ... – PERÚ" set as a plain paragraph, the title
    # then being the first heading) heads the document as a title would.
    opening = doc.blocks[0] if doc.blocks else None
    above = (
        opening.text
        if opening is not None
        and opening.text != first
        and opening.kind in (BlockKind.paragraph, BlockKind.heading, BlockKind.title)
        and not _FIELD_LINE_RE.match(opening.text)  # 'From: ...', 'Fecha: ...'
        else None
    )
    for line in (first, above):
        if line and len(line.split()) <= 20:
            mention = single_country(line)
            if mention:
                return mention
    field = _country_field(doc.blocks[:_FORM_FIELDS_SEEN])
    if field:
        return field
    national = bool(first and _NATIONAL_RE.search(first))
    for block in doc.blocks[1:4]:
        mention = _subtitle_country(block.text, national)
        if mention:
            return mention
    sender = _sender_country(doc.blocks[:_MAIL_HEADER_BLOCKS])
    if sender:
        return sender
    global_body = bool(first and _GLOBAL_BODY_RE.search(first))
    counts: Counter[str] = Counter()
    first_seen: dict[str, CountryMention] = {}
    for block in doc.blocks:
        for mention in find_countries(block.text):
            counts[mention.code] += 1
            first_seen.setdefault(mention.code, mention)
    if not counts:
        return file_name_country(doc.source)
    (code, top), *rest = counts.most_common(2)
    second = rest[0][1] if rest else 0
    total = sum(counts.values())
    if global_body:
        # A GCG or Action Group record: the countries it discusses are not its own, unless it
        # is one delegation's turn alone (an excerpt of its statement).
        alone = top >= _ALONE_MENTIONS and top >= _ALONE_SHARE * total
        return first_seen[code] if alone else None
    dominant = (
        (top >= 4 and top >= 0.75 * total)
        or (top >= 3 and top == total)
        or (top >= 4 and top >= _OUTNUMBERS * second and top >= 0.6 * total)
    )
    return first_seen[code] if dominant else file_name_country(doc.source)


_MAIL_HEADER_BLOCKS = 8
_ALONE_MENTIONS, _ALONE_SHARE = 8, 0.8
_OUTNUMBERS = 3  # the top country named at least three times as often as the next one


def _sender_country(blocks: list[Block]) -> CountryMention | None:
    """The country of an e-mail's sender, from a government domain in its From line."""
    for block in blocks:
        match = _SENDER_RE.match(block.text)
        code = country_of_domain(match["cc"]) if match else None
        if match and code:
            return CountryMention(
                code, match["address"], match.start("address"), match.end("address")
            )
    return None


def _subtitle_country(text: str, national: bool) -> CountryMention | None:
    """The country a line under the title names: a short line by the country's name (a
    capital only in a national document, where it is the venue), a longer one by the state's
    formal name ("Return of the Republic of Mozambique – completed by ..."), or, in a
    national document, a venue line that opens with its city ("Abidjan-Plateau, salle ...")."""
    words = len(text.split())
    if words > _FORMAL_SUBTITLE_WORDS:
        return None
    mention = single_country(text)
    if mention is None:
        return None
    if words <= _SUBTITLE_WORDS:
        return mention if national or not is_capital(mention.text) else None
    if _FORMAL_STATE_RE.match(mention.text) or (national and mention.start == 0):
        return mention
    return None


def _country_field(blocks: list[Block]) -> CountryMention | None:
    """The country a form's field gives: a table row 'Country | Kenya' (the value in the
    next cell of the row) or a line 'Pays : Tunisie'; questionnaires and pledge forms state
    it there rather than in their title."""
    cells = {(b.table.table_id, b.table.row, b.table.col): b for b in blocks if b.table}
    for block in blocks:
        if block.table is not None:
            if not _COUNTRY_FIELD_RE.match(block.text):
                continue  # (a form's first row is read as a header row: it still counts)
            ref = block.table
            value = cells.get((ref.table_id, ref.row, ref.col + 1))
            mention = single_country(value.text) if value is not None else None
        else:
            line = _COUNTRY_LINE_RE.match(block.text)
            mention = single_country(line.group("value")) if line else None
        if mention:
            return mention
    return None


def _continues_numbering(parent: Section, text: str) -> bool:
    """'4.1 Data' continues '4. Priorities for action'."""
    child = _section_number(text)
    own = _section_number(parent.heading_path[-1]) if parent.heading_path else None
    return bool(child and own and child.startswith(own + ".") and child != own)
