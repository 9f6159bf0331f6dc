"""candidate_features: the evidence the extraction model weighs for one candidate.

Two kinds of evidence, both named so that an analyst can read them back:
- the candidate's own form: does it open with an action verb or a nominalised action
  ("Adoption of ..."), speak of the future or the past, report what someone said, how long it
  is, whether it is shaped like a label ("Funding", "Pillar B — Prevention:") or holds a URL;
- its context: the word classes (`vocab/extraction_lexicon.json`) and cue roles
  (`vocab/cues.json`) of its heading, lead-in line, parent bullet, table column and row, the
  cue rules' vote, and where it sits (list siblings, position in the document).
Features are plain strings with a value (1.0 for presence), ready for a linear model.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.candidates import Candidate
from pipeline.deadlines import has_deadline
from pipeline.itemtext import (
    column_role_of,
    heading_cue_of,
    line_cue_of,
    opens_with_action,
    opens_with_description,
    states_future_action,
)
from pipeline.lexicon import Lexicon, fold, lexicon, text_patterns, word_classes

_URL_RE = re.compile(r"(https?://|www\.)\S+|\S+@\S+\.\w+", re.I)
_YEAR_RE = re.compile(r"\b(19|20)\d\d\b")
_PAST_YEAR_END_RE = re.compile(r"[(,–—-]\s*(19|20)\d\d\)?\s*\.?$")
_WORD_RE = re.compile(r"[^\W\d_]+")
_TO_INFINITIVE_RE = re.compile(r"^\W*to\s+[a-z]+")
_P = text_patterns()
_FIRST_PERSON_RE = re.compile(rf"^\W*({_P['first_person']})\b", re.I)
_SUBJECT_FUTURE_RE = re.compile(
    rf"^\W*({_P['subject_pronouns']})\s+({_P['future_auxiliaries']})\b", re.I
)
_ANAPHORIC_RE = re.compile(rf"^\W*({_P['anaphoric_openers']})\b", re.I)


def _length_bucket(words: int) -> str:
    for limit, name in ((2, "1-2"), (5, "3-5"), (12, "6-12"), (25, "13-25"), (40, "26-40")):
        if words <= limit:
            return name
    return "41+"


def _opens_nominal(text: str, lex: Lexicon) -> bool:
    """'Adoption of the decree ...', 'Renforcement des capacités ...', also after a
    determiner ('the elimination of ...', 'la création de ...')."""
    words = _WORD_RE.findall(text.lower())
    if len(words) > 2 and words[0] in lex.determiners:
        words = words[1:]
    if len(words) < 2:
        return False
    first = fold(words[0]).strip()
    return first.endswith(lex.nominal_suffixes) and len(first) > 5 and words[1] in lex.nominal_links


def _future_early(text: str, lex: Lexicon) -> bool:
    """A future verb among the first eight words: 'The Ministry will convene ...', 'Le
    ministère finalisera ...', 'Se lanzará ...' (what someone will do, said as a sentence)."""
    words = _WORD_RE.findall(text.lower())[:8]
    if any(w in lex.future_words for w in words):
        return True
    return any(len(w) >= 6 and w.endswith(lex.future_suffixes) for w in words)


def text_features(text: str) -> dict[str, float]:
    """Features of a candidate's own words."""
    return dict.fromkeys(_text_features(text), 1.0)


@lru_cache(maxsize=65536)
def _text_features(text: str) -> tuple[str, ...]:
    """The names of `text_features` (all of value 1.0), in order: the same words come back
    as a candidate and as the rules' item, and from one rendition of a document to the next."""
    lex = lexicon()
    f: dict[str, float] = {}
    found = lex.scan(fold(text))
    words = text.split()
    f[f"len={_length_bucket(len(words))}"] = 1.0
    stripped = text.strip()
    if stripped.endswith(":"):
        f["ends_colon"] = 1.0
    if stripped.endswith("."):
        f["ends_period"] = 1.0
    if stripped.endswith("?"):
        f["question"] = 1.0
    if _URL_RE.search(text):
        f["has_url"] = 1.0
    letters = list(filter(str.isalpha, text))
    if letters and sum(map(str.isupper, letters)) / len(letters) > 0.8 and len(letters) > 3:
        f["all_caps"] = 1.0
    alpha = [w for w in words if w[:1].isalpha()]
    if len(words) <= 6 and alpha and not stripped.endswith("."):
        caps = sum(1 for w in alpha if w[:1].isupper())
        if caps >= max(1, len(alpha) - 1):
            f["label_shape"] = 1.0  # "Funding", "Pillar B — Prevention", "Axe 1 — Protection"
    if opens_with_description(text):
        f["opens_description"] = 1.0  # "Provides support ...": what someone does already
    elif opens_with_action(text):
        f["opens_verb"] = 1.0
    if _opens_nominal(text, lex):
        f["opens_nominal"] = 1.0
    if found & lex.future_bit:
        f["future"] = 1.0
    if _future_early(text, lex):
        f["future_early"] = 1.0
    if states_future_action(text):
        f["future_action"] = 1.0
    if found & lex.past_bit:
        f["past"] = 1.0
    if found & lex.reporting_bit:
        f["reporting"] = 1.0
    if _YEAR_RE.search(text):
        f["has_year"] = 1.0
    if has_deadline(text):
        f["has_deadline"] = 1.0
    if _PAST_YEAR_END_RE.search(stripped):
        f["ends_with_year"] = 1.0
    if _FIRST_PERSON_RE.match(text):
        f["first_person"] = 1.0
    if _SUBJECT_FUTURE_RE.match(text):
        f["subject_future"] = 1.0
    if _ANAPHORIC_RE.match(text):
        f["anaphoric"] = 1.0  # "This will lead to ...": it points back, it does not act
    if _TO_INFINITIVE_RE.match(text):
        f["to_infinitive"] = 1.0  # "To share progress ...": a purpose or objective
    if text[:1].islower():
        f["starts_lower"] = 1.0
    digits = sum(map(str.isdigit, text))
    if digits and digits / max(1, len(text)) > 0.15:
        f["mostly_digits"] = 1.0
    for name in lex.class_names(found):
        f[f"t:{name}"] = 1.0
    return tuple(f)


def _context_features(prefix: str, text: str | None, f: dict[str, float]) -> None:
    for name in _context_names(prefix, text or ""):
        f[name] = 1.0


@lru_cache(maxsize=65536)
def _context_names(prefix: str, text: str) -> tuple[str, ...]:
    """The features a heading, lead-in, parent, label or column gives (the same headings and
    lead-ins come back for every candidate under them, hence the cache)."""
    if not text:
        return (f"{prefix}:none",)
    names = [f"{prefix}:{name}" for name in word_classes(text)]
    cue = line_cue_of(text) if prefix != "h" else heading_cue_of(text)
    if cue is not None:
        names.append(f"{prefix}_cue={cue.role}")
    if prefix != "h":
        lex = lexicon()
        found = lex.scan(fold(text))
        if found & lex.past_bit:
            names.append(f"{prefix}:past")
        if found & lex.future_bit:
            names.append(f"{prefix}:future")
    return tuple(names)


_SHORT_LEAD_WORDS = 12


def _lead_reopens(c: Candidate) -> bool:
    """A lead-in right above that announces priorities or next steps ('se compromete a',
    'The delegation identified the following priorities:') speaks louder than a stop heading
    further up ('Background') that plain text left open."""
    if not c.lead_in or c.lead_gap > 1:
        return False
    cue = line_cue_of(c.lead_in)
    if cue is not None:
        return cue.role in ("priority", "next_step")
    short = len(c.lead_in.split()) <= _SHORT_LEAD_WORDS  # "pledges to", "se compromete a"
    return short and bool({"plan", "next"}.intersection(word_classes(c.lead_in)))


def candidate_features(c: Candidate) -> dict[str, float]:
    """All features of a candidate: its own form, its context and the rule vote."""
    f = text_features(c.text)
    f[f"unit={c.unit}"] = 1.0
    f["bias_len"] = min(len(c.text.split()), 60) / 60.0
    if c.block.bold:
        f["bold"] = 1.0
    if c.block.marker:
        f["numbered" if c.block.marker[:1].isdigit() else "bulleted"] = 1.0
    if c.block.level:
        f[f"level={min(c.block.level, 2)}"] = 1.0
    headings = c.section.heading_path
    reopened = c.section.stop and _lead_reopens(c)
    # Under a stop heading that a lead-in right above reopens, the heading no longer speaks.
    _context_features("h", headings[-1] if headings and not reopened else None, f)
    if len(headings) > 1:
        for name in word_classes(" ".join(headings[:-1])):
            f[f"h_up:{name}"] = 1.0
    _context_features("lead", c.lead_in, f)
    if c.lead_in is not None:
        f[f"lead_gap={min(c.lead_gap, 3)}"] = 1.0
        if c.lead_in.rstrip().endswith(":"):
            f["lead_colon"] = 1.0
    if c.parent:
        _context_features("parent", c.parent, f)
    for label in c.labels[-1:]:
        _context_features("label", label, f)
    if c.column is not None:
        _context_features("col", c.column, f)
        role = column_role_of(c.column)
        if role:
            f[f"col_role={role}"] = 1.0
    if c.row_header:
        for name in word_classes(c.row_header):
            f[f"row:{name}"] = 1.0
    for name in word_classes(" ".join(c.row_cells)):
        f[f"rowcells:{name}"] = 1.0
    if any(has_deadline(cell) for cell in c.row_cells):
        f["row_deadline"] = 1.0  # a 'By when' or 'Plazo' cell beside it: a scheduled action
    if c.section.stop and not reopened:
        f["section_stop"] = 1.0
    if c.section.role:
        f[f"section_role={c.section.role}"] = 1.0
    f[f"rule={c.rule_kind or 'none'}"] = 1.0
    size = c.group_size
    f[f"group={'1' if size == 1 else '2-3' if size <= 3 else '4+'}"] = 1.0
    if c.section.country:
        f["has_country"] = 1.0
    if headings and headings[-1].rstrip().endswith("?"):
        f["h_question"] = 1.0
    if c.block.text.lstrip().startswith(">"):
        f["quoted"] = 1.0
    if c.before_list:
        f["before_list"] = 1.0
    if c.after_priority_list:
        f["after_priority_list"] = 1.0
    if c.date_label:
        f["date_label"] = 1.0  # 'Q2 2025: ...': a line of a timeline
    # The rule vote in the candidate's setting: a cue-opened list is not a cue-opened sentence.
    f[f"rule={c.rule_kind or 'none'}&unit={c.unit}"] = 1.0
    # The nearest context speaks loudest: an adjacent lead-in, else the parent bullet, the
    # column header, the row header (a form's field: 'Implementation steps | ...'), the
    # sub-list label, the heading.
    if c.lead_in and c.lead_gap <= 1:
        near = c.lead_in
    else:
        near = c.parent or c.column or c.row_header or (c.labels[-1] if c.labels else None)
        near = near or (headings[-1] if headings else None)
    forms = [
        k
        for k in (
            "opens_verb",
            "opens_nominal",
            "future_early",
            "past",
            "has_deadline",
            "to_infinitive",
            "starts_lower",
            "first_person",
            "reporting",
            "label_shape",
        )
        if k in f
    ]
    forms.append(f"unit={c.unit}")
    for name in word_classes(near):
        f[f"near:{name}"] = 1.0
        for form in forms:  # "a future sentence under a follow-up label" is not "a future
            f[f"near:{name}&{form}"] = 1.0  # sentence under an impact heading"
    if headings:
        for name in word_classes(headings[0]):
            f[f"top:{name}"] = 1.0
    for flag in c.doc_flags:
        f[f"doc:{flag}"] = 1.0
        if flag.startswith("opening:"):  # a roadmap's table row is not a work plan's
            f[f"doc:{flag}&unit={c.unit}"] = 1.0
    return f
