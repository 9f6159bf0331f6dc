"""Cue phrases: the words that say a heading, line or table column holds priorities or next steps.

The vocabulary is in `vocab/cues.json`. Three shapes of cue are recognised:
- a *label*: a heading or a short line that is (mostly) a cue phrase ("Next steps",
  "2. Priorities for action", "NEXT STEPS (SHORT TERM)", "Coming soon:");
- a *lead-in*: a sentence announcing a list ("identified the following priorities:");
- an *inline* cue: a label opening a run-on paragraph whose rest holds the items
  ("Next Steps: Develop an action plan ...").
A `stop` label ("Lessons learnt", "Already done:") marks what follows as holding no items.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from pipeline.lexicon import search_ignoring_case
from pipeline.parse.common import split_marker
from pipeline.textnorm import fold, words

Role = Literal["priority", "next_step", "stop"]
CueShape = Literal["label", "lead_in", "inline", "trailing"]

_PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ITEM_ROLES: tuple[Role, ...] = ("priority", "next_step")
_LINK_RE = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|\S+\.(?:org|com|int|net)/\S*", re.I
)
# Every link holds '/', '@' or 'www.': a text without them has none (and most have none).
_WWW_RE = re.compile(r"www\.", re.I)
_CACHE = 65536


def without_links(text: str) -> str:
    """`text` with URLs and e-mail addresses blanked: a cue word inside a link is no cue.

    Blanking again changes nothing (no link pattern matches a space), so the cue functions
    blank a text once and pass it on."""
    if "/" in text or "@" in text or _WWW_RE.search(text):
        return _LINK_RE.sub(" ", text)
    return text


@dataclass(frozen=True)
class Cue:
    role: Role
    shape: CueShape
    phrase: str
    rest: str = ""


@dataclass(frozen=True)
class CueVocab:
    labels: dict[str, Role]
    lead_ins: tuple[tuple[re.Pattern[str], Role], ...]
    trailing: tuple[tuple[re.Pattern[str], Role], ...]
    inline: tuple[tuple[re.Pattern[str], str, Role], ...]
    table_columns: dict[str, str]
    ignore_prefix: re.Pattern[str]
    # Derived, for speed: every lead-in / trailing pattern as one alternation (a text none
    # of them matches is done with one search), and the inline patterns as `embedded_cue`
    # looks for them inside a paragraph, with their alternation.
    any_lead_in: re.Pattern[str]
    any_trailing: re.Pattern[str]
    embedded: tuple[tuple[re.Pattern[str], str, Role], ...]
    any_embedded: re.Pattern[str]


def normalise(text: str) -> str:
    """NFKC, lower case, accents kept, every run of characters that are not letters or digits
    (underscores too) as one space: the words of `textnorm.words(textnorm.fold(text,
    accents=True))` joined by spaces. "NEXT STEPS (Short-term):" -> "next steps short term".

    Accents stay: the cue vocabulary lists French and Spanish phrases with their accents
    ("prochaines étapes", "próximos pasos"), and a key compared with them must keep them."""
    return " ".join(words(fold(text, accents=True)))


@lru_cache(maxsize=1)
def vocab() -> CueVocab:
    data = json.loads(resources.files("pipeline.vocab").joinpath("cues.json").read_text("utf-8"))
    labels: dict[str, Role] = {}
    for role in ("stop", *_ITEM_ROLES):
        for phrase in data[role]["labels"]:
            labels.setdefault(normalise(phrase), role)
    lead_ins = tuple(
        (re.compile(pattern, re.I), role)
        for role in _ITEM_ROLES
        for pattern in data[role]["lead_ins"]
    )
    trailing = tuple(
        (re.compile(pattern, re.I), role)
        for role in _ITEM_ROLES
        for pattern in data[role].get("trailing", [])
    )
    inline = []
    for role in _ITEM_ROLES:
        for phrase in data[role]["inline"]:
            words = r"[\s\-]+".join(re.escape(w) for w in phrase.split())
            inline.append(
                (re.compile(rf"^\s*({words})(\s*\([^)]*\))?\s*:\s*(?=\S)", re.I), phrase, role)
            )
    inline.sort(key=lambda x: -len(x[1]))
    columns: dict[str, str] = {}
    table = data["table"]
    for role, names in table["item_columns"].items():
        for name in names:
            columns[normalise(name)] = role
    for kind in ("actor_columns", "deadline_columns", "subject_columns", "agenda_columns"):
        for name in table[kind]:
            columns[normalise(name)] = kind.removesuffix("_columns")
    prefixes = "|".join(re.escape(p) for p in data["ignore_prefixes"])
    ignore = re.compile(rf"^\s*(?:{prefixes})\.?\s*:", re.I)
    embedded = tuple(
        (re.compile(r"(?<=\s)" + pattern.pattern.removeprefix("^\\s*"), re.I), phrase, role)
        for pattern, phrase, role in inline
    )
    return CueVocab(
        labels,
        lead_ins,
        trailing,
        tuple(inline),
        columns,
        ignore,
        any_lead_in=_any_of(pattern for pattern, _ in lead_ins),
        any_trailing=_any_of(pattern for pattern, _ in trailing),
        embedded=embedded,
        any_embedded=_any_of(pattern for pattern, _, _ in embedded),
    )


def _any_of(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    """One IGNORECASE pattern that matches where one of `patterns` does (none: nowhere)."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or "(?!)", re.I)


def _label_core(text: str) -> str:
    """The words of a short line without numbering, brackets and a trailing colon."""
    _, rest = split_marker(text)
    return normalise(_PAREN_RE.sub(" ", rest))


@lru_cache(maxsize=_CACHE)
def heading_cue(text: str) -> Cue | None:
    """Cue carried by a heading or slide title: a label phrase anywhere in it, or a lead-in.
    (Kept per text: the same headings come back for every block under them.)"""
    text = without_links(text)
    core = _label_core(text)
    if not core:
        return None
    words = core.split()
    best: tuple[int, str, Role] | None = None
    for size in range(min(len(words), 6), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            role = vocab().labels.get(phrase)
            if role and (best is None or size > best[0]):
                best = (size, phrase, role)
        if best:
            break
    if best:
        return Cue(best[2], "label", best[1])
    return _lead_in(text)


def line_cue(text: str) -> Cue | None:
    """Cue carried by a list item or paragraph: a short label, a lead-in or an inline cue."""
    text = without_links(text)
    inline = _inline(text)
    if inline:
        return inline
    core = _label_core(text)
    words = core.split()
    if words and len(words) <= 8:
        labels = vocab().labels
        for size in range(len(words), 0, -1):
            phrase = " ".join(words[:size])
            role = labels.get(phrase)
            # The phrase must open the line and be most of it, or the line must end with ':'
            # ("Identify priority actions" is an item, "Priority actions:" a label).
            if role and (size * 10 >= len(words) * 6 or text.rstrip().endswith(":")):
                return Cue(role, "label", phrase)
    return _lead_in(text)


def is_bare_label(text: str) -> bool:
    """The line is a cue label and nothing more ('Priorities for action', 'Next steps:'): it
    names what follows and is never an item itself."""
    cue = line_cue(text)
    return (
        cue is not None
        and cue.shape == "label"
        and len(cue.phrase.split()) == len(_label_core(without_links(text)).split())
    )


def lead_in_cue(text: str) -> Cue | None:
    return _lead_in(without_links(text))


@lru_cache(maxsize=_CACHE)
def _lead_in(text: str) -> Cue | None:
    """`lead_in_cue` of a text without links (kept per text: headings and lines ask it)."""
    stripped = text.strip()
    lead_ins = vocab()
    if not search_ignoring_case(lead_ins.any_lead_in, stripped):
        return None
    for pattern, role in lead_ins.lead_ins:
        match = pattern.search(stripped)
        if match:
            return Cue(role, "lead_in", match.group(0))
    return None


def embedded_cue(text: str) -> Cue | None:
    """An inline cue inside a paragraph ('... cooperation Next Steps: Ensure ...'), as scraped
    text gives it: the cue must be capitalised and follow a space; the rest is the items."""
    text = without_links(text)
    if ":" not in text:  # every inline pattern ends with a colon
        return None
    cues = vocab()
    if not search_ignoring_case(cues.any_embedded, text):
        return None
    for pattern, phrase, role in cues.embedded:
        for match in pattern.finditer(text):
            if match.group(1)[:1].isupper():
                rest = text[match.end() :].strip()
                if len(rest.split()) >= 2:
                    return Cue(role, "inline", phrase, rest)
    return None


def trailing_cue(text: str) -> Cue | None:
    """A sentence after a list that gives the list its role ('These priorities were agreed')."""
    text = without_links(text)
    stripped = text.strip()
    if stripped.endswith(":"):
        return None
    if not search_ignoring_case(vocab().any_trailing, stripped):
        return None
    for pattern, role in vocab().trailing:
        match = pattern.search(stripped)
        if match:
            return Cue(role, "trailing", match.group(0))
    return None


def inline_cue(text: str) -> Cue | None:
    """'Next Steps: Develop ...' -> Cue(next_step, inline, rest='Develop ...')."""
    return _inline(without_links(text))


def _inline(text: str) -> Cue | None:
    """`inline_cue` of a text without links."""
    if ":" not in text:  # every inline pattern ends with a colon
        return None
    for pattern, phrase, role in vocab().inline:
        match = pattern.match(text)
        if match:
            rest = text[match.end() :].strip()
            if len(rest.split()) >= 2:
                return Cue(role, "inline", phrase, rest)
    return None


def is_reference_line(text: str) -> bool:
    """'Source: …', 'Note: …', 'Photo: …': captions and references, never items."""
    return bool(vocab().ignore_prefix.match(text))


def column_role(header: str) -> str | None:
    """What a table column holds: 'priority'/'next_step' items, 'actor', 'deadline', the
    'subject' each row is about ('Axe', 'Priority area': context, not items), or an
    'agenda' part ('Horaire', 'Session', 'Speakers': a programme, not a plan)."""
    core = normalise(_PAREN_RE.sub(" ", header))
    if not core:
        return None
    columns = vocab().table_columns
    if core in columns:
        return columns[core]
    words = core.split()
    for size in range(min(len(words), 3), 0, -1):
        for start in (0, len(words) - size):
            phrase = " ".join(words[start : start + size])
            # Short generic names ('what', 'who', 'date') count only as the whole header.
            if len(phrase) > 5 or size > 1:
                role = columns.get(phrase)
                if role:
                    return role
    return None


@lru_cache(maxsize=1)
def _field_tail_re() -> re.Pattern[str]:
    """A sentence end, then an actor's or deadline's field name and a colon."""
    names = sorted(
        (n for n, role in vocab().table_columns.items() if role in ("actor", "deadline")),
        key=len,
        reverse=True,
    )
    # Multi-word names: any run of spaces or punctuation between their words.
    alternatives = "|".join(r"[\W_]+".join(re.escape(w) for w in n.split()) for n in names)
    return re.compile(rf"(?<=[.;])\s+(?:{alternatives})\s*:\s", re.I)


def field_tail(text: str) -> tuple[str, str]:
    """An action's own words and the fields typed after it on the same line ('Send the
    indicators to members. Responsable: Secretaría Técnica. Plazo: 30 de abril.'): (action,
    fields); fields is '' when there are none. The fields are who and when, not the action."""
    match = _field_tail_re().search(text)
    if not match:
        return text, ""
    return text[: match.start()].rstrip(), text[match.start() :].strip()
