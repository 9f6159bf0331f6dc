"""Item text and item records shared by the extraction stages.

Cleaning an item's text (marks, numbering, glued slide numbers, trailing connectors), splitting
run-on text into actions, the shape tests ('opens with an action verb'), and `ItemBuilder`,
which turns a chosen piece of text into an `Item` with its id, country and provenance.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pipeline import textnorm
from pipeline.actors import find_actors
from pipeline.countries import country_name, is_capital, single_country
from pipeline.cues import column_role, embedded_cue, field_tail, heading_cue, line_cue, normalise
from pipeline.deadlines import date_label, find_deadline
from pipeline.lexicon import FutureAction, fold, lexicon, text_patterns
from pipeline.models import Block, BlockKind, Document, Item, ItemKind, Provenance, Section
from pipeline.nlp import pipeline_on_shared_tokenizer
from pipeline.parse.common import split_marker

if TYPE_CHECKING:
    from spacy.language import Language

_CLAUSE_SPLIT_RE = re.compile(r";\s+")
_TWO_LETTERS_RE = re.compile(r"[^\W\d_]{2}")
_WORD_RE = re.compile(r"[^\W\d_]+")
_QUOTE_MARKS_RE = re.compile(r"^(?:\s*>)+\s*")
_SUPERSCRIPT_RE = re.compile(r"(?<=\w)[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
# A numbered label of a record's entry: 'ACUERDO 5. ', 'Décision 2 : ', 'AP3: ', 'Action 4 – '.
_RECORD_LABEL_RE = re.compile(
    r"^[^\W\d_][^\W\d_]{0,19}(?:\s[^\W\d_]{1,20})?\s?\d{1,3}[a-z]?\s*[.:)–—-]\s+(?=[^\W\d_])"
)
_WORDS = text_patterns()
_TRAILING_RE = re.compile(rf"(\s*[;,:]\s*|\s+({_WORDS['trailing_connectors']})\s*)$", re.I)
_SLIDE_NUMBER_RE = re.compile(r"(?<=[a-z.)])\s+\d{1,2}$")
_KEEP_NUMBER_BEFORE = re.compile(rf"\b({_WORDS['keep_number_before']})\s+\d{{1,2}}$", re.I)
_PREFIX_RE = re.compile(r"^\s*([A-Z][^:;–—]{1,40}?)\s*(?::|\s[–—-])\s+(?=\S)")
_CONNECTOR_RE = re.compile(rf",?\s+({_WORDS['list_connectors']})\s*:?\s*$", re.I)
_NARRATIVE_RE = re.compile(rf"\b({_WORDS['narrative']})\b", re.I)
_FUTURE_RE = re.compile(rf"\b({_WORDS['future']})\b", re.I)


# Pure functions of one text that the candidates, the rules' reading and the features all ask
# about the same lines (and a batch worker about the same lines of a document's renditions):
# each answer is kept. Their results are strings, None or frozen dataclasses.
_CACHE = 65536
text_key = lru_cache(maxsize=_CACHE)(normalise)
line_cue_of = lru_cache(maxsize=_CACHE)(line_cue)
heading_cue_of = lru_cache(maxsize=_CACHE)(heading_cue)
embedded_cue_of = lru_cache(maxsize=_CACHE)(embedded_cue)
column_role_of = lru_cache(maxsize=_CACHE)(column_role)
single_country_of = lru_cache(maxsize=_CACHE)(single_country)


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


_FIRST_WORD_RE = re.compile(r"\W*([^\W\d_]+)")


def _first_word(text: str) -> str:
    match = _FIRST_WORD_RE.match(text)
    return match.group(1).lower() if match else ""


def opens_with_action(text: str) -> bool:
    """True when the text opens with an action verb ('Develop ...', 'finalize ...')."""
    return _is_action_verb(_first_word(text))


@lru_cache(maxsize=_CACHE)
def _is_action_verb(word: str) -> bool:
    verbs = action_verbs()
    if word in verbs or word.rstrip("s") in verbs:
        return True
    stem = word.removesuffix("ing")
    if stem == word or len(stem) < 2:
        return False
    # 'training', 'revising' -> revise, 'mapping' -> map
    return (
        stem in verbs
        or stem + "e" in verbs
        or (len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in verbs)
    )


def opens_with_description(text: str) -> bool:
    """True when the text opens with an action verb in the present of a description ('Provides
    support to ...', 'Creates space for ...'): what an organisation or tool does, not an
    action to take ('Provide support to ...')."""
    return _is_descriptive_verb(_first_word(text))


@lru_cache(maxsize=_CACHE)
def _is_descriptive_verb(word: str) -> bool:
    verbs = action_verbs()
    if len(word) < 4 or word in verbs:
        return False
    # provides, creates, reaches. (French and Spanish presents are left out: 'Lutte',
    # 'Réforme', 'Mejora', 'Reforma' are as often the nouns that open a priority.)
    return word.endswith("s") and (
        word[:-1] in verbs or (word.endswith("es") and word[:-2] in verbs)
    )


def looks_like_action(text: str) -> bool:
    """A paragraph that reads as an action or objective rather than narrative."""
    if opens_with_action(text):
        return True
    words = text.split()
    if _NARRATIVE_RE.search(text) and not _FUTURE_RE.search(text):
        return False
    return len(words) <= 20 or bool(_FUTURE_RE.search(text))


def split_sentences(text: str) -> list[str]:
    return list(_split_sentences(text))


@lru_cache(maxsize=1)
def _sentence_marks() -> frozenset[str]:
    """The characters the sentencizer ends a sentence on ('.', '!', '?', '。' ...)."""
    return frozenset(_sentencizer().get_pipe("sentencizer").punct_chars)


@lru_cache(maxsize=16384)
def _split_sentences(text: str) -> tuple[str, ...]:
    """The sentencizer's sentences of `text`, without running it on a text that is one
    sentence for certain: no sentence mark before a final run of '.', '!' or '?'. (A new
    sentence starts only at a token after a mark that is neither a mark nor punctuation; after
    a final run there are at most whitespace tokens, whose sentence strips to nothing.)"""
    marks = _sentence_marks()
    body = text.rstrip().rstrip(".!?")
    if not any(ch in marks for ch in body):
        stripped = text.strip()
        return (stripped,) if stripped else ()
    return _sentencize(text, marks)


def _sentencize(text: str, marks: frozenset[str]) -> tuple[str, ...]:
    """What `[s.text.strip() for s in _sentencizer()(text).sents if s.text.strip()]` gives,
    read off the tokenizer's arrays instead of spaCy's Token and Span objects: the
    sentencizer starts a sentence at a token after a mark that is neither a mark nor
    punctuation (spaCy's `Sentencizer.predict`), and a sentence's text runs from its first
    token's start to its last token's end."""
    from spacy.attrs import IDX, IS_PUNCT, LENGTH

    doc = _sentencizer().make_doc(text)
    if not len(doc):
        return ()
    rows = doc.to_array([IDX, LENGTH, IS_PUNCT]).tolist()
    starts = [0]
    seen_mark = False
    for n, (start, length, is_punct) in enumerate(rows):
        is_mark = text[start : start + length] in marks
        if seen_mark and not is_punct and not is_mark:
            starts.append(n)
            seen_mark = False
        elif is_mark:
            seen_mark = True
    out = []
    for first, end in zip(starts, [*starts[1:], len(rows)], strict=True):
        last = rows[end - 1]
        sentence = text[rows[first][0] : last[0] + last[1]].strip()
        if sentence:
            out.append(sentence)
    return tuple(out)


def split_clauses(text: str) -> list[str]:
    """Split '...; finalize ...' into separate actions when the next clause opens with a verb."""
    if ";" not in text:  # one clause
        stripped = text.strip()
        return [stripped] if stripped else []
    parts = [p.strip() for p in _CLAUSE_SPLIT_RE.split(text)]
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
    """Strip a reply's quote marks ('> '), bullets, numbering, a record's or a timeline's
    label ('Décision 3 :', 'Q2 2025:'), the owner and deadline fields typed after it,
    glued slide/footnote numbers and trailing ';', ',' or 'and'."""
    if text.startswith(">"):
        text = _QUOTE_MARKS_RE.sub("", text)
    _, text = split_marker(text)
    label = _RECORD_LABEL_RE.match(text)
    if label and text[:1].isupper():
        text = text[label.end() :]
    dated = date_label(text)
    if dated:  # 'Q2 2025: Sign the agreement': the date is the deadline, not the text
        text = dated[1]
    text = field_tail(text)[0]  # '... Responsable: MTPE. Plazo: abril.' are fields
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
        mention = single_country_of(match.group(1))
        if mention and len(match.group(1).split()) <= 5:
            return mention.code, text[match.end() :], mention.text
    return None, text, ""


def item_id(document_id: str, block_ids: list[str], part: int, text: str) -> str:
    key = f"{document_id}|{','.join(block_ids)}|{part}|{text_key(text)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=65536)
def _item_id(document_id: str, block_id: str, part: int, text: str) -> str:
    """`item_id` of one block (the rules' reading makes most of the candidates' items again)."""
    return item_id(document_id, [block_id], part, text)


@lru_cache(maxsize=65536)
def _item_text(text: str) -> tuple[str | None, str, str] | None:
    """`country_prefix` and `clean_item_text` of a piece of text: (prefix country, clean text,
    prefix), or None when too little of it is left to be an item."""
    prefix_country, text, prefix = country_prefix(text)
    text = clean_item_text(text)
    if len(text) < 3 or not _TWO_LETTERS_RE.search(text):
        return None
    return prefix_country, text, prefix


@lru_cache(maxsize=65536)
def _opening_country(text: str) -> str | None:
    """An item of a global section that opens by naming a country ("Nepal to adopt ...") is
    that country's; one named in passing, or a city, moves nothing."""
    mention = single_country_of(text)
    if mention and mention.start <= 3 and not is_capital(mention.text):
        return mention.code
    return None


@dataclass(slots=True)
class ItemDraft:
    """The item `ItemBuilder.make` gives, before the `Item` itself is made: its clean text,
    id, kind, cue, context and actors, which is all that candidates and rule votes look at.
    `build()` makes the Item; most candidates are never taken and need none."""

    doc: Document
    section: Section
    block: Block
    text: str
    id: str
    kind: ItemKind
    cue: str | None
    context: list[str]
    actors: list[str]
    prefix_country: str | None

    def build(self) -> Item:
        """The `Item`, the same as `ItemBuilder.make` gives."""
        text, block, section = self.text, self.block, self.section
        country = section.country
        if self.prefix_country:
            country = self.prefix_country
        elif country is None:
            country = _opening_country(text)
        start = block.text.find(text)
        span = (start, start + len(text)) if start >= 0 else None
        return Item(
            id=self.id,
            kind=self.kind,
            text=text,
            country=country,
            country_name=country_name(country),
            section=section.heading_path,
            context=self.context,
            cue=self.cue,
            actors=self.actors,
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


class ItemBuilder:
    """Collects the items of one document, filling ids, country and provenance."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.drafts: list[ItemDraft] = []
        self.column_deadlines: dict[str, str] = {}

    @property
    def items(self) -> list[Item]:
        """The items kept by `add`, in order (made anew on each call)."""
        return [d.build() for d in self.drafts]

    def draft(
        self,
        section: Section,
        block: Block,
        text: str,
        kind: ItemKind,
        cue: str | None,
        context: list[str],
        part: int = 0,
        actors: list[str] | None = None,
    ) -> ItemDraft | None:
        """The draft of the item `text` of `block` would give, or None when nothing of it is
        left."""
        cleaned = _item_text(text)
        if cleaned is None:
            return None
        prefix_country, text, prefix = cleaned
        return ItemDraft(
            doc=self.doc,
            section=section,
            block=block,
            text=text,
            id=_item_id(self.doc.id, block.id, part, text),
            kind=kind,
            cue=cue,
            context=[c for c in context if c] + ([prefix] if prefix else []),
            actors=actors or [],
            prefix_country=prefix_country,
        )

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
        draft = self.draft(section, block, text, kind, cue, context, part, actors)
        return None if draft is None else draft.build()

    def add(self, *args: Any, deadline_text: str | None = None, **kwargs: Any) -> None:
        """Keep the draft of an item; `deadline_text` is its table's deadline cell."""
        draft = self.draft(*args, **kwargs)
        if draft is None:
            return
        if deadline_text:
            self.column_deadlines[draft.id] = deadline_text
        self.drafts.append(draft)


_ACTORS: dict[str, tuple[str, ...]] = {}


def _actors_named(texts: list[str]) -> list[list[str]]:
    """`find_actors(texts)`, each distinct text read once per process: the actors a text
    names depend on the text alone (the same item text comes back in a document's other
    renditions, and within a document under several headings)."""
    missing = [t for t in dict.fromkeys(texts) if t not in _ACTORS]
    if missing and len(_ACTORS) + len(missing) > _CACHE:
        _ACTORS.clear()  # bounded: start again, reading all of these texts
        missing = list(dict.fromkeys(texts))
    if missing:
        for text, names in zip(missing, find_actors(missing), strict=True):
            _ACTORS[text] = tuple(names)
    return [list(_ACTORS[t]) for t in texts]


def attach_deadlines_and_actors(
    items: list[Item], column_deadlines: dict[str, str] | None = None
) -> None:
    """Deadline from the item's words or its table's deadline column; actors named in it."""
    column_deadlines = column_deadlines or {}
    named = _actors_named([item.text for item in items])
    for item, actors in zip(items, named, strict=True):
        column = column_deadlines.get(item.id)
        item.deadline = (find_deadline(column) if column else None) or find_deadline(item.text)
        seen = {a.lower() for a in item.actors}
        item.actors += [a for a in actors if a.lower() not in seen]


def _participle_of_action(word: str, verbs: frozenset[str], fa: FutureAction) -> bool:
    """'convened', 'adressé(e)(s)', 'presentado(s)/a(s)', 'recibido': the participle of an
    action verb (English, French, Spanish)."""
    if word.removesuffix("d") in verbs or word.removesuffix("ed") in verbs:
        return True
    for ending, infinitives in fa.participle_endings:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            return any(stem + i in verbs for i in infinitives)
    return False


def _names_someone(word: str, fa: FutureAction) -> bool:
    """The word before 'to' in an action point names who acts: a name or acronym ('Nepal',
    'ILO', 'Co-chairs', 'Secretariat') or a word for members ('members', 'partners');
    not 'an initiative to eliminate ...'."""
    return word[:1].isupper() or word.lower() in fa.actors


@lru_cache(maxsize=65536)
def announces_list(text: str) -> bool:
    """'... will carry out the following actions, grouped by area': a lead-in announcing
    what comes next, not an item; 'at the following meeting' is a time, not an announcement."""
    lex = lexicon()
    for match in lex.announces_list.finditer(text):
        before = fold(text[: match.start()]).split()[-1:]
        after = fold(text[match.end() :]).split()
        if len(after) > lex.announce_max_after:
            continue
        if not lex.time_words.intersection(before + after[:1]):
            return True
    return False


def states_future_action(text: str) -> bool:
    """An action verb in the future within the first fourteen words: 'The Secretariat will
    circulate ...', 'the Action Groups would each nominate ...', 'will be convened',
    'le Secrétariat publiera ...', 'la Secretaría enviará ...', 'sera adressé aux membres',
    'tiendra un atelier', 'fera adopter', 'entend renforcer', and the action-point shape
    'Co-chairs to circulate ...'. What someone will *do*, as
    opposed to what will happen ('the meeting will take place') or be felt ('will fall')."""
    verbs = action_verbs()
    fa = lexicon().future_action
    original = _WORD_RE.findall(text)[:14]
    words = [w.lower() for w in original]
    for n, word in enumerate(words):
        rest = [w for w in words[n + 1 : n + 4] if w not in fa.fillers]
        if word in fa.auxiliaries:
            if rest and rest[0] == "be" and len(rest) > 1:
                if _participle_of_action(rest[1], verbs, fa):
                    return True
            elif rest and rest[0] in verbs:
                return True
        elif word in fa.irregular_futures:
            # 'tiendra un atelier', or a causative before the action: 'fera adopter le décret'
            if _is_action_infinitive(fa.irregular_futures[word]) or (rest and rest[0] in verbs):
                return True
        elif word in fa.passive_auxiliaries:
            if rest and _participle_of_action(rest[0], verbs, fa):
                return True
        elif word == "to" and 1 <= n <= 6 and text[:1].isupper() and not text.isupper():
            if (
                words[n - 1] not in fa.purpose_before_to
                and rest
                and rest[0] in verbs
                and _names_someone(original[n - 1], fa)
            ):
                return True
        elif len(word) >= 6:
            for ending, infinitive in fa.future_endings:
                stem = word[: -len(ending)]
                if word.endswith(ending) and _is_action_infinitive(stem + infinitive):
                    return True
    return False


@lru_cache(maxsize=1)
def _unaccented_action_verbs() -> frozenset[str]:
    return frozenset(textnorm.fold(v, accents=False) for v in action_verbs())


def _is_action_infinitive(infinitive: str) -> bool:
    """An action verb's infinitive, its accents aside: a future's stem may change them
    ('mènera' -> 'mener', 'cèdera' -> 'céder')."""
    return infinitive in action_verbs() or (
        textnorm.fold(infinitive, accents=False) in _unaccented_action_verbs()
    )
