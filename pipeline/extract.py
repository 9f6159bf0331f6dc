"""sections_to_items: judge every candidate on its evidence and keep the priorities and next steps.

Every candidate (`pipeline.candidates`) is scored by the extraction model
(`pipeline.extract_model`) on its features (`pipeline.features`): P(priority), P(next_step),
P(not an item). Siblings are decided together: a candidate's probabilities are blended with
the mean of its list, column or paragraph, so that a list is not half taken. A few rules are
certain enough to override the model: a line that is only a URL or an e-mail address is never
an item, nor is a line that reports itself done ('was completed', 'ont été adoptés'), a table
row whose status cell says it is done gives none, and a document that never
names the field (`vocab/domain.json`) gives none. Without an installed model the cue rules
decide alone, as before the model existed.
Each item carries the evidence that made it an item: its score, lead-in and strongest features.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from pipeline.candidates import Candidate, sections_to_candidates
from pipeline.countries import country_name, is_capital, single_country
from pipeline.cues import is_bare_label
from pipeline.extract_model import CLASSES, ExtractionModel, load_model
from pipeline.features import candidate_features
from pipeline.itemtext import (
    announces_list,
    attach_deadlines_and_actors,
    opens_with_action,
    text_key,
)
from pipeline.lexicon import Terms, fold, lexicon, search_ignoring_case
from pipeline.models import Document, ExtractionEvidence, Item, ItemKind, Section
from pipeline.parse.common import asks

SIBLING_WEIGHT = 0.7
# Sentences of one paragraph are decided each on its own: a speech's commitments sit among
# thanks, figures and results, unlike the items of one list, which are alike.
_OWN_SENTENCES = frozenset({"sentence", "reported", "commitment"})
THRESHOLD = 0.5  # P(priority) + P(next_step) needed to take a candidate
# A candidate the cue rules take stays an item unless the model is this sure it is not one
# (leave-one-family-out item F1 0.8355 at 0.7, 0.8381 at 0.6, 0.8372 at 0.55, 0.8377 at 0.5).
RULE_VETO = 0.6
# ... and keeps the rule's kind unless the model gives the other kind this share of P(item):
# a cue names a list's kind from afar ('the Government has identified the following ...'),
# the model also reads the nearer heading ('Immediate next steps') and the item's own words.
RULE_KIND_VETO = 0.7
_ONLY_LINK_RE = re.compile(r"^\W*((https?://|www\.)\S+|\S+@\S+\.\w+)\W*$", re.I)

_PLACES = {
    "h": "heading",
    "h_up": "higher heading",
    "lead": "lead-in",
    "parent": "parent bullet",
    "label": "sub-list label",
    "col": "column header",
    "row": "row header",
    "rowcells": "other cells of its row",
    "near": "nearest context",
    "top": "document title",
    "doc": "the document",
    "t": "its own words",
}
_CLASSES = {
    "plan": "plans, priorities or commitments",
    "next": "next steps or follow-up",
    "progress": "results or progress",
    "background": "background",
    "lessons": "lessons or discussion",
    "agenda": "an agenda or programme",
    "impact": "expected impact",
    "contact": "contacts, partners or links",
    "decision": "decisions taken",
    "news": "news or events",
    "question": "a question",
    "actor": "an actor",
    "past": "the past",
    "future": "the future",
    "none": "nothing (there is none)",
}
_DOC_FLAGS = {
    "question_headings": "the document's headings are questions",
    "mail_headers": "the document opens with e-mail headers",
    "no_lists": "the document has no list",
}
_GENRES = {
    "preparatory": "preparing an event (a concept note, terms of reference)",
    "question": "questions (frequently asked questions)",
    "roadmap": "roadmap or strategic plan",
    "workplan": "work plan (operational, annual)",
}
_FORMS = {
    "opens_verb": "opens with an action verb",
    "opens_nominal": "opens with a nominalised action ('Adoption of')",
    "future": "speaks of the future",
    "past": "speaks of the past",
    "reporting": "reports what someone said",
    "ends_colon": "ends with a colon (a label)",
    "label_shape": "is shaped like a title or label",
    "has_url": "holds a link",
    "question": "is a question",
    "ends_with_year": "ends with a year (a dated result)",
    "has_deadline": "states a deadline",
    "future_early": "says what will be done",
    "future_action": "says someone will do something (an action verb in the future)",
    "first_person": "speaks in the first person",
    "subject_future": "says what someone will do",
    "anaphoric": "opens by pointing back ('This will …', 'They …')",
    "before_list": "closes the paragraph right above a list or table",
    "after_priority_list": "a table row below a list of its country's priorities",
    "date_label": "opens with a date set as a label, as a timeline's line does",
    "row_deadline": "a cell of its table row states a deadline",
    "to_infinitive": "opens with 'To …' (a purpose)",
    "starts_lower": "starts in lower case (part of a sentence)",
    "section_stop": "its section holds no items (lessons, results …)",
    "bold": "is bold",
    "all_caps": "is in capitals",
    "bias_len": "its length in words",
    "opens_description": "opens with a verb that describes ('Provides …')",
    "numbered": "is numbered",
    "bulleted": "is bulleted",
    "mostly_digits": "is mostly figures",
    "has_year": "names a year",
    "has_country": "its section names a country",
    "quoted": "is quoted",
    "h_question": "its heading is a question",
    "lead_colon": "its lead-in ends with a colon",
}


@dataclass
class Decision:
    """The verdict on one candidate."""

    candidate: Candidate
    kind: ItemKind | None
    probabilities: dict[str, float]
    features: dict[str, float]
    reasons: list[str]


def describe_feature(name: str) -> str:
    """A feature name in words: 'lead:next' -> 'lead-in speaks of next steps or follow-up';
    '!name' (a feature the candidate lacks) -> 'not so: ...'."""
    if name.startswith("!"):
        return f"not so: {describe_feature(name[1:])}"
    if name.startswith("rule="):
        role, _, unit = name.split("=", 1)[1].partition("&unit=")
        said = "cue rules: " + ("not an item" if role == "none" else role.replace("_", " "))
        return said + (f", as a {unit.replace('_', ' ')}" if unit else "")
    if "_cue=" in name:
        place, role = name.split("_cue=", 1)
        return f"{_PLACES.get(place, place)} is a '{role.replace('_', ' ')}' cue"
    if name.startswith("col_role="):
        return f"column holds {name.split('=', 1)[1].replace('_', ' ')}s"
    if name.startswith("section_role="):
        return f"section heading cues {name.split('=', 1)[1].replace('_', ' ')}s"
    if name.startswith("unit="):
        return f"a {name.split('=', 1)[1].replace('_', ' ')}"
    if name.startswith(("len=", "group=", "level=", "lead_gap=")):
        key, value = name.split("=", 1)
        return {"len": "words", "group": "siblings", "level": "list level", "lead_gap": "gap"}[
            key
        ] + f" {value}"
    if name.startswith("doc:"):
        flag, _, form = name.split(":", 1)[1].partition("&")
        if flag.startswith("opening:"):
            genre = flag.split(":", 1)[1]
            said = f"the document's opening lines call it a {_GENRES.get(genre, genre)}"
            return said + (f", and it is {describe_feature(form)}" if form else "")
        if flag.startswith("title:"):
            genre = flag.split(":", 1)[1]
            return (
                f"the document's title speaks of {_GENRES.get(genre, _CLASSES.get(genre, genre))}"
            )
        return _DOC_FLAGS.get(flag, f"the document: {flag.replace('_', ' ')}")
    if ":" in name:
        place, cls = name.split(":", 1)
        cls, _, form = cls.partition("&")
        said = f"{_PLACES.get(place, place)} speaks of {_CLASSES.get(cls, cls)}"
        if form.startswith("unit="):
            return said + f", and it is {describe_feature(form)}"
        return said + (f", and it {describe_feature(form)}" if form else "")
    return _FORMS.get(name, name.replace("_", " "))


# A status word followed by nothing, punctuation or a short qualifier: 'Done', 'Completed –
# letters sent on 14 June', 'Done at the meeting', 'Réalisé (mars 2024)'; not 'Complete the
# survey'. The qualifiers are in vocab/extraction_lexicon.json (done_status).
@lru_cache(maxsize=1)
def _status_re() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in lexicon().done_qualifiers)
    return re.compile(rf"^\W*([^\W\d_]+)\W*(?:$|[–—:;,.(/-]|\s(?:{words})\b)")


def row_done(c: Candidate) -> bool:
    """A work-plan row whose status cell says it is done ('Done', 'Réalisé', 'Finalizada',
    'Completed – letters sent')."""
    done = lexicon().done_status
    for cell in c.row_cells:
        if fold(cell).strip() in done:
            return True
        match = _status_re().match(cell)
        if match and len(cell.split()) <= 10 and fold(match.group(1)).strip() in done:
            return True
    return False


@lru_cache(maxsize=65536)
def _said_done(text: str) -> bool:
    """'The guidance note was completed and sent ...': a result reported, not an item."""
    lex = lexicon()
    opening = " ".join(text.split()[:12])
    said = search_ignoring_case(lex.done_statement, opening)
    return bool(said) and not lex.future.found_in(fold(text)) and not opens_with_action(text)


def decide(
    candidates: list[Candidate],
    model: ExtractionModel | None,
    explain_all: bool = False,
    threshold: float | None = None,
) -> list[Decision]:
    """A decision per candidate, siblings blended; rules alone without a model."""
    threshold = THRESHOLD if threshold is None else threshold
    features = [candidate_features(c) for c in candidates]
    if model is None:
        return [
            Decision(c, c.rule_kind, {}, f, [f"cue rules: {c.rule_cue}"] if c.rule_kind else [])
            for c, f in zip(candidates, features, strict=True)
        ]
    rows = model.proba_rows(features)
    probs = np.array(rows) if features else np.zeros((0, 3))
    groups: dict[str, list[int]] = {}
    for n, c in enumerate(candidates):
        if c.unit not in _OWN_SENTENCES:
            groups.setdefault(c.group, []).append(n)
    blended = probs.copy()
    for members in groups.values():
        if len(members) > 1:
            mean = probs[members].mean(axis=0)
            blended[members] = (1 - SIBLING_WEIGHT) * probs[members] + SIBLING_WEIGHT * mean
    verdicts: list[tuple[ItemKind | None, str]] = []
    seen: set[tuple[str, str]] = set()
    # Python floats from here on: the same doubles, without a NumPy call per candidate.
    plain = blended.tolist()
    for c, p in zip(candidates, plain, strict=True):
        best = CLASSES[2] if p[2] > p[1] else CLASSES[1]  # np.argmax: the first on a tie
        kind: ItemKind | None = best if 1.0 - p[0] >= threshold else None  # type: ignore[assignment]
        if c.rule_kind and p[0] < RULE_VETO:
            kind = c.rule_kind
            if best != kind and max(p[1], p[2]) >= RULE_KIND_VETO * (p[1] + p[2]):
                kind = best  # type: ignore[assignment]
        if (
            _ONLY_LINK_RE.match(c.text)
            or row_done(c)
            or _said_done(c.text)
            or is_bare_label(c.text)  # "Priorities for action" names a list, is not in it
            or asks(c.text)  # a questionnaire's question asks, it does not act
            or announces_list(c.text)
        ):
            kind = None
        key = (c.block.id, text_key(c.text))
        if kind and key in seen:
            kind = None  # the same words of the same block, met twice
        if kind:
            seen.add(key)
        verdicts.append((kind, best))
    # The evidence of every item (and, explaining, of every candidate) in one pass.
    shown = [n for n, (kind, _) in enumerate(verdicts) if kind or explain_all]
    explained = model.contributions_rows(
        [features[n] for n in shown], [verdicts[n][0] or verdicts[n][1] for n in shown], top=8
    )
    reasons: dict[int, list[str]] = {}
    for n, contributions in zip(shown, explained, strict=True):
        top = [x for x in contributions if x[1] != 0][:4]
        reasons[n] = [f"{describe_feature(name)} ({weight:+.1f})" for name, weight in top]
    return [
        Decision(
            c,
            kind,
            {k: round(v, 3) for k, v in zip(CLASSES, p, strict=True)},
            f,
            reasons.get(n, []),
        )
        for n, (c, f, p, (kind, _)) in enumerate(
            zip(candidates, features, plain, verdicts, strict=True)
        )
    ]


def decisions_to_items(decisions: list[Decision]) -> list[Item]:
    """The items of the candidates taken, with evidence, deadlines and actors."""
    items: list[Item] = []
    column_deadlines: dict[str, str] = {}
    for d in decisions:
        if d.kind is None:
            continue
        c = d.candidate
        # A shallow copy: the candidate is not used again, and the lists that change
        # (actors, context) are replaced, not changed in place.
        item = c.item.model_copy(update={"kind": d.kind, "actors": list(c.item.actors)})
        if item.country is None and c.row_cells:
            row_country = _row_country(c.row_cells)
            if row_country:
                item.country, item.country_name = row_country, country_name(row_country)
        item.cue = c.rule_cue or c.lead_in or (c.section.heading_path or [None])[-1]
        item.extraction = ExtractionEvidence(
            score=d.probabilities.get(d.kind, 1.0) if d.probabilities else 1.0,
            lead_in=c.lead_in,
            reasons=d.reasons,
        )
        if c.column_deadline:
            column_deadlines[item.id] = c.column_deadline
        items.append(item)
    attach_deadlines_and_actors(items, column_deadlines)
    return items


def _row_country(cells: list[str]) -> str | None:
    """The one country the other cells of a table row name ('Point focal du Niger' as the
    lead): it gives the country of an action of a global section (an Action Group's table)."""
    mention = single_country(" | ".join(cells))
    return mention.code if mention and not is_capital(mention.text) else None


INSTALLED = "installed"


@lru_cache(maxsize=1)
def _domain_terms() -> Terms:
    path = resources.files("pipeline.vocab").joinpath("domain.json")
    return Terms.of(json.loads(path.read_text("utf-8"))["terms"])


def about_the_field(doc: Document) -> bool:
    """True when the document names the field at least once (child labour, trafficking,
    Alliance 8.7 ...): a document that never does holds no priorities of the field."""
    terms = _domain_terms()
    return any(terms.found_in(fold(block.text)) for block in doc.blocks)


def sections_to_items(
    doc: Document, sections: list[Section], model: ExtractionModel | str | None = INSTALLED
) -> list[Item]:
    """All items of `doc`, in reading order; `model` is the installed one by default, and
    None lets the cue rules decide alone."""
    if isinstance(model, str):
        model = load_model()
    if not about_the_field(doc):
        return []
    candidates = sections_to_candidates(doc, sections)
    return decisions_to_items(decide(candidates, model))
