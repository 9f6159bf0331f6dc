"""Find the stated time frame of one priority or next step.

`find_deadline(text, reference_year)` returns a `Deadline` with the exact words of the time frame
(a substring of `text`), its relation ('by', 'before', 'in', ...) and an ISO date, year-month or
year where the words allow. Words for English, French and Spanish live in
`pipeline/vocab/deadlines.json`, read once.

Choices, in order:

* Candidates are ranked by what introduces them: a deadline preposition ('by', 'before', 'until',
  'no later than', "d'ici", 'avant', 'para', 'antes de', ... or a trailing 'at the latest', or
  'at/a/à ... the end of') beats any other preposition ('in', 'for', 'within', 'after', ...),
  which beats a bare date; among equals the last one wins. Overlapping matches keep the longer.
* A bare expression (a 'Deadline' column value such as 'June 2022') gets relation 'in', or 'by'
  when it names a day or the end of a period.
* 'for 2019' (as in 'a work plan for 2019') is a period: relation 'in', date '2019', since a work
  plan for a year is due in that year.
* 'end of' gives the last day of the period ('by end of 2022' -> '2022-12-31'); 'mid' gives June
  of a year ('2021-06') or the 15th of a month; 'beginning' January, 'early' March, 'late'
  December; a quarter or half its last month ('Q2 2022' -> '2022-06'); a season the month that
  ends it; 'March or April 2019' the later month; a range '2019-2021' (after a preposition) the
  end year with relation 'until'.
* Words relative to the present ('by the end of the year', 'next year', 'by June') are dated
  from `reference_year`; without it the text and relation are kept and the date is None.
* Spans ('within six months', 'two weeks after receipt of the revised draft') and the next
  meeting ('before the next GCG meeting') keep the text and relation with no date.
* Not time frames: a date with no preposition right after a legal reference ('Law 2015-30',
  'laws n° 2015-031', 'Act No. 5 of 2015'); a bare year right after a title word or a
  capitalised word ('Agenda 2030', 'Global Estimates 2017'), used as an adjective ('the 2019
  Global Conference') or as a count ('2000 children'); 'SDG 8.7', 'C182'. A range such as
  '2019-2021' needs a preposition unless it is the whole text ('National Action Plan
  2019-2021' is a name).
  'Ongoing', 'Continuous' and the like give None.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date as _date
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from pipeline.lexicon import all_lower
from pipeline.models import Deadline
from pipeline.textnorm import squash_space, straight_apostrophes

__all__ = ["date_label", "find_deadline", "has_deadline", "is_bare_date"]

_STRONG = frozenset({"by", "before", "until"})
_NEEDS_REL = frozenset({"dm", "md", "month", "range"})
_NEEDS_REL_OR_MOD = frozenset({"dm", "md", "month"})
_NEEDS_MOD = frozenset({"relyear_mod", "nodate"})
_DAY_KINDS = frozenset({"iso", "numeric", "dmy", "mdy", "dm", "md"})


@dataclass(frozen=True)
class _Vocab:
    """Compiled patterns and look-up tables built from deadlines.json."""

    date_re: re.Pattern[str]
    # `date_re` without IGNORECASE, all its letters in lower case: on an ASCII text in lower
    # case it matches where `date_re` matches on the text (and three times as fast, since a
    # case-sensitive alternative is skipped on its first letter). None if it cannot be made.
    date_lower_re: re.Pattern[str] | None
    # What every match of `date_re` holds besides four digits (every shape with digits but
    # 'dm' and 'md' has a year; those two and the shapes without digits have a month name
    # or another word of `dateless` below), and what every match of the span patterns
    # holds (a unit or an event word): a text without any needs no scan.
    date_words_re: re.Pattern[str]
    span_words_re: re.Pattern[str]
    cores: tuple[tuple[str, re.Pattern[str]], ...]
    within_re: re.Pattern[str]
    offset_re: re.Pattern[str]
    event_re: re.Pattern[str]
    name_prefix_re: re.Pattern[str]
    title_prefix_re: re.Pattern[str]
    determiner_re: re.Pattern[str]
    months: Mapping[str, int]
    capitalised_only: frozenset[str]
    relations: Mapping[str, str]
    modifier_required: frozenset[str]
    suffixes: Mapping[str, str]
    modifier_kind: Mapping[str, str]
    modifier_months: Mapping[str, int]
    ordinals: Mapping[str, int]
    seasons: Mapping[str, int]
    relative_years: Mapping[str, int]
    bare_unit_prepositions: frozenset[str]
    offset_relations: Mapping[str, str]
    clause_stops: frozenset[str]
    clause_max_words: int
    no_deadline: frozenset[str]
    year_min: int
    year_max: int


def _norm(phrase: str) -> str:
    """Case folded, one space between words, straight apostrophes. Folded rather than
    lowered because the patterns match case-insensitively, which equates the long s and the
    dotless i with 's' and 'i': a matched 'ſummer' must find 'summer' in the tables."""
    return squash_space(straight_apostrophes(phrase.casefold().replace("ı", "i")))


def _alt(phrases: Iterable[str]) -> str:
    """A non-capturing alternation of phrases, longest first, spaces and apostrophes loosened."""
    parts = []
    for phrase in sorted({_norm(p) for p in phrases}, key=len, reverse=True):
        words = [re.escape(w).replace("'", "['’]") for w in phrase.split()]
        parts.append(r"\s+".join(words))
    return "(?:" + "|".join(parts) + ")"


_EVENT_WORDS = "(?:next|upcoming|forthcoming|following)"
_WORD_START_RE = re.compile(r"\w")
_YEAR_RE = re.compile(r"\d{4}")


def _anchor(phrases: list[str]) -> re.Pattern[str]:
    """The phrases as one pattern, found only where a word starts: each is used after a
    non-word character (or the start) and opens with a word character, so any match of
    theirs starts at a word boundary."""
    if all(_WORD_START_RE.match(_norm(p)) for p in phrases):
        return re.compile(rf"\b{_alt(phrases)}", re.IGNORECASE)
    return re.compile(_alt(phrases), re.IGNORECASE)


class _OnText:
    """A match found on the lower-case copy of an ASCII text, read on the text itself (the
    same offsets: lower case changes no ASCII text's length)."""

    __slots__ = ("match", "text")

    def __init__(self, match: re.Match[str], text: str) -> None:
        self.match, self.text = match, text

    def group(self, name: str) -> str | None:
        start, end = self.match.span(name)
        return None if start < 0 else self.text[start:end]

    def start(self, name: str | int = 0) -> int:
        return self.match.start(name)

    def end(self, name: str | int = 0) -> int:
        return self.match.end(name)


def _date_matches(v: _Vocab, text: str) -> Iterable[re.Match[str] | _OnText]:
    if v.date_lower_re is not None and text.isascii():
        return [_OnText(m, text) for m in v.date_lower_re.finditer(text.lower())]
    return v.date_re.finditer(text)


def _unnamed(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def _core_patterns(v: dict[str, Any], lower: bool = False) -> list[tuple[str, str]]:
    """Time-expression shapes, longest first, each with named groups for `_interpret`
    (`lower`: with the quarter and half prefixes in lower case, see `_Vocab.date_lower_re`)."""
    month = _alt(v["months"])
    alone = _alt(v["months_alone"])
    ordinal = _alt(v["ordinals"])
    qwords = _alt(v["quarter_words"])
    hwords = _alt(v["half_words"])
    case = str.lower if lower else str
    qpre = "(?:" + "|".join(re.escape(case(p)) for p in v["quarter_prefixes"]) + ")"
    hpre = "(?:" + "|".join(re.escape(case(p)) for p in v["half_prefixes"]) + ")"
    season = _alt(v["seasons"])
    rel_years = v["relative_years"]
    year = r"(?P<y>\d{4})(?![\d%])"
    day = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|ᵉʳ|º|°)?"
    of = r"(?:of\s+|de\s+|del\s+|d['’])?"
    the_year = r"(?:the\s+year\s+|l['’]année\s+|del\s+año\s+)?"
    return [
        ("iso", r"(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)"),
        ("numeric", r"(?P<d>[0-3]?\d)[/.](?P<m>[01]?\d)[/.](?P<y>\d{4})(?!\d)"),
        (
            "dmy",
            rf"(?:the\s+)?{day}\s+(?:of\s+|de\s+)?(?P<m>{month})\.?,?\s+(?:de\s+|del\s+)?{year}",
        ),
        ("mdy", rf"(?P<m>{month})\.?\s+{day},?\s+{year}"),
        (
            "mmy",
            rf"(?P<m1>{month})\.?\s*(?:or|and|to|through|-|–|/|ou|et|à|au|y|o|a)\s*"
            rf"(?P<m>{month})\.?,?\s+(?:de\s+|del\s+)?{year}",
        ),
        ("my", rf"(?P<m>{month})\.?,?\s+(?:de\s+|del\s+)?{year}"),
        ("quarter", rf"{qpre}(?P<q>[1-4])\s*(?:of\s+|de\s+|-|/)?\s*{year}"),
        ("quarter", rf"(?P<y>\d{{4}})\s*[-/]?\s*{qpre}(?P<q>[1-4])(?!\w)"),
        ("quarter", rf"(?:the\s+|le\s+|el\s+)?(?P<o>{ordinal})\s+{qwords}\s+{of}{the_year}{year}"),
        ("half", rf"{hpre}(?P<h>[12])\s*(?:of\s+|de\s+|-|/)?\s*{year}"),
        ("half", rf"(?:the\s+|le\s+|el\s+)?(?P<o>{ordinal})\s+{hwords}\s+{of}{the_year}{year}"),
        ("season", rf"(?:the\s+)?(?P<s>{season})\s+{of}{year}"),
        ("range", r"(?P<y1>\d{4})\s*[-–—]\s*(?P<y>\d{4}|\d{2})(?![\d-])"),
        (
            "year",
            r"(?<![\w./°º#$€£])(?<!\d[-–/])(?P<y>\d{4})(?![\w°%]|[-–/.,]\d)",
        ),
        ("dm", rf"(?:the\s+)?{day}\s+(?:of\s+|de\s+)?(?P<m>{alone})(?!\w)"),
        ("md", rf"(?P<m>{alone})\s+{day}(?!\w)(?!\s*,?\s*\d)"),
        ("yearend", rf"(?:the\s+)?{_alt(rel_years['year_end'])}(?!\w)"),
        ("relyear", rf"(?P<r>{_alt(rel_years['standalone'])})(?!\w)"),
        ("nodate", rf"{_alt(v['periods_without_date'])}(?!\w)"),
        ("relyear_mod", rf"(?P<r>{_alt(rel_years['after_modifier'])})(?!\w)"),
        ("month", rf"(?P<m>{alone})(?!\w)"),
    ]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    """Read deadlines.json once and compile its patterns."""
    text = resources.files("pipeline.vocab").joinpath("deadlines.json").read_text("utf-8")
    v: dict[str, Any] = json.loads(text)
    flags = re.IGNORECASE
    cores = _core_patterns(v)
    modifier_kind = {_norm(p): kind for kind, ps in v["modifiers"].items() for p in ps}
    rel = _alt(v["relations"])
    mod = _alt(modifier_kind)
    suffix = _alt(v["suffixes"])
    rel_years = v["relative_years"]

    def date_pattern(core: str) -> str:
        return (
            rf"(?<!\w)(?:(?P<rel>{rel})\s+(?:{_alt(v['fillers'])}\s+)?)?"
            rf"(?:(?P<mod>{mod})(?:(?<=[-'’])|\s+))?"
            rf"(?P<core>{core})(?:\s*,?\s*(?P<suf>{suffix})(?!\w))?"
        )

    date_re = date_pattern("|".join(_unnamed(p) for _, p in cores))
    date_lower = date_pattern("|".join(_unnamed(p) for _, p in _core_patterns(v, lower=True)))
    number = rf"(?:{_alt(v['numbers'])}|\d{{1,3}})"
    unit = _alt(v["units"])
    clause = r"[^,;:.()\[\]\n]+"
    within_re = (
        rf"(?<!\w)(?P<rel>{_alt(v['within_prepositions'])})\s+(?:(?P<n>{number})(?:\s+|-))?"
        rf"(?P<u>{unit})(?!\w)(?:\s+(?P<tail>{_alt(v['within_tails'])})\s+(?P<clause>{clause}))?"
    )
    offset_re = (
        rf"(?<!\w)(?P<n>{number})(?:\s+|-)(?P<u>{unit})\s+"
        rf"(?P<rel>{_alt(v['offset_relations'])})\s+(?P<clause>{clause})"
    )
    strong_rels = [p for p, r in v["relations"].items() if r in _STRONG]
    event_re = (
        rf"(?<!\w)(?P<rel>{_alt(strong_rels)})\s+(?:the\s+)?"
        rf"{_EVENT_WORDS}\s+(?:[\w.-]+\s+){{0,4}}?"
        r"(?:meeting|session|workshop|conference|forum|review)s?(?!\w)"
    )
    names = _alt(v["name_prefixes"])
    signs = "(?:" + "|".join(re.escape(s) for s in v["number_signs"]) + ")"
    name_prefix_re = (
        rf"(?:(?<!\w){names}|(?<!\w){signs})\s*(?:{signs}\s*)?"
        r"(?:[\w./-]*\d[\w./-]*\s*)?(?:(?:of|de|du|del|,)\s*)?$"
    )
    title_prefix_re = rf"(?<!\w){_alt(v['title_prefixes'])}\s*$"
    determiner_re = rf"(?<!\w){_alt(v['adjective_determiners'])}\s+$"

    def table(d: Mapping[str, Any]) -> Mapping[str, Any]:
        return MappingProxyType({_norm(k): val for k, val in d.items()})

    # The shapes without a digit are 'month', 'yearend', 'relyear', 'nodate' and
    # 'relyear_mod' (see `_core_patterns`): each needs one of these phrases as written there.
    # Every span pattern needs a unit ('within six months', 'two weeks after ...'), except
    # the next meeting, which needs one of `_EVENT_WORDS`.
    dateless = [
        *v["months_alone"],
        *rel_years["year_end"],
        *rel_years["standalone"],
        *v["periods_without_date"],
        *rel_years["after_modifier"],
    ]
    return _Vocab(
        date_re=re.compile(date_re, flags),
        date_lower_re=re.compile(date_lower) if all_lower(date_lower) else None,
        date_words_re=_anchor(dateless),
        span_words_re=_anchor([*v["units"], *_EVENT_WORDS[3:-1].split("|")]),
        cores=tuple((kind, re.compile(p, flags)) for kind, p in cores),
        within_re=re.compile(within_re, flags),
        offset_re=re.compile(offset_re, flags),
        event_re=re.compile(event_re, flags),
        name_prefix_re=re.compile(name_prefix_re, flags),
        title_prefix_re=re.compile(title_prefix_re, flags),
        determiner_re=re.compile(determiner_re, flags),
        months=table(v["months"]),
        capitalised_only=frozenset(_norm(m) for m in v["capitalised_only"]),
        relations=table(v["relations"]),
        modifier_required=frozenset(_norm(r) for r in v["modifier_required"]),
        suffixes=table(v["suffixes"]),
        modifier_kind=MappingProxyType(modifier_kind),
        modifier_months=table(v["modifier_months"]),
        ordinals=table(v["ordinals"]),
        seasons=table(v["seasons"]),
        relative_years=table({**rel_years["standalone"], **rel_years["after_modifier"]}),
        bare_unit_prepositions=frozenset(_norm(p) for p in v["bare_unit_prepositions"]),
        offset_relations=table(v["offset_relations"]),
        clause_stops=frozenset(_norm(w) for w in v["clause_stops"]),
        clause_max_words=int(v["clause_max_words"]),
        no_deadline=frozenset(_norm(w) for w in v["no_deadline"]),
        year_min=int(v["year_min"]),
        year_max=int(v["year_max"]),
    )


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    tier: int
    deadline: Deadline


def _last_day(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def iso_date(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ISO year, year-month or date; None when the parts are not a real date (also used by
    `pipeline.dates`)."""
    try:
        _date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _month(v: _Vocab, word: str) -> int | None:
    key = _norm(word)
    if key in v.capitalised_only and not word[:1].isupper():
        return None
    return v.months.get(key)


def _interpret(
    v: _Vocab, kind: str, g: dict[str, str | None], mod: str | None, ref: int | None
) -> tuple[bool, str | None]:
    """(is a time frame, date) for one matched core shape and its part-of-period word."""
    year = int(g["y"]) if g.get("y") else None
    if year is not None and not v.year_min <= year <= v.year_max:
        return False, None
    month: int | None = None
    if g.get("m"):
        month = int(g["m"]) if g["m"].isdigit() else _month(v, g["m"])
        if month is None:
            return False, None
    if g.get("m1") and _month(v, g["m1"]) is None:
        return False, None
    day = int(g["d"]) if g.get("d") else None
    if kind == "numeric" and month is not None and day is not None and month > 12 >= day:
        day, month = month, day  # month-first (US) when day-first is impossible
    if kind == "nodate":
        return True, None
    if kind in ("relyear", "relyear_mod", "yearend"):
        offset = v.relative_years.get(_norm(g.get("r") or "year"), 0)
        if ref is None:
            return True, None
        year = ref + offset
        if kind == "yearend":
            mod = "end"
    if kind in ("month", "dm", "md"):
        if ref is None:
            return True, None
        year = ref
    if year is None:
        return False, None
    if kind == "range":
        end = g["y"] or ""
        year = int(end) if len(end) == 4 else int(g["y1"] or "0") // 100 * 100 + int(end)
        if year <= int(g["y1"] or "0"):
            return False, None
        return True, iso_date(year)
    if kind == "quarter" or kind == "half":
        index = int(g.get("q") or g.get("h") or 0)
        if g.get("o"):
            index = v.ordinals.get(_norm(g["o"]), 0)
        parts = 4 if kind == "quarter" else 2
        index = parts if index == -1 else index
        if not 1 <= index <= parts:
            return False, None
        month = index * 12 // parts
    elif kind == "season":
        month = v.seasons[_norm(g["s"] or "")]
    if kind in _DAY_KINDS:
        iso = iso_date(year, month, day) or iso_date(year, month)  # '31 February' keeps its month
        return iso is not None, iso
    if mod == "end":
        return True, _last_day(year, month or 12)
    if mod == "mid" and month is not None:
        return True, iso_date(year, month, 15) if kind in ("my", "month") else iso_date(year, month)
    if mod is not None and month is None:
        return True, iso_date(year, v.modifier_months[mod])
    return True, iso_date(year, month)


def _date_candidates(v: _Vocab, text: str, ref: int | None) -> list[_Candidate]:
    out = []
    for m in _date_matches(v, text):
        rel_word = m.group("rel")
        rel = _norm(rel_word) if rel_word else None
        mod = v.modifier_kind[_norm(m.group("mod"))] if m.group("mod") else None
        start = m.start()
        if rel in v.modifier_required and mod is None:
            rel, start = None, m.start("core")  # 'a 2022': read the date alone
        core = m.group("core")
        kind, g = next(
            ((k, cm.groupdict()) for k, p in v.cores if (cm := p.fullmatch(core))), ("", {})
        )
        if not kind:
            continue
        if kind in _NEEDS_MOD and mod is None:
            continue
        if kind == "range" and rel is None and text.strip(" ()[].;:") == core:
            rel_ok = True  # a 'Deadline' column value such as '2021-2022'
        else:
            rel_ok = rel is not None
        if kind in _NEEDS_REL and not rel_ok and not (mod and kind in _NEEDS_REL_OR_MOD):
            continue
        before = text[:start]
        if rel is None and (
            v.name_prefix_re.search(before)
            or (kind == "year" and mod is None and v.title_prefix_re.search(before))
            or (kind == "year" and mod is None and v.determiner_re.search(before))
            or (kind == "year" and mod is None and re.search(r"(?<!\w)[A-Z][\w'’-]*\s+$", before))
        ):
            continue
        if (
            kind == "year"
            and (rel is None or v.relations[rel] == "at")
            and not m.group("suf")
            and re.match(r"\s+[^\W\d_]", text[m.end() :])
        ):
            continue
        ok, iso = _interpret(v, kind, g, mod, ref)
        if not ok:
            continue
        relation = v.relations[rel] if rel else None
        suffix = v.suffixes.get(_norm(m.group("suf"))) if m.group("suf") else None
        relation = suffix or relation
        ends_period = mod == "end" or kind == "yearend"
        if ends_period and relation in (None, "in", "at"):
            relation = "by"
        if kind == "range" and relation in (None, "in", "from"):
            relation = "until"
        if relation is None:
            relation = "by" if kind in _DAY_KINDS else "in"
        tier = (2 if relation in _STRONG else 1) if rel or suffix else 0
        out.append(
            _Candidate(
                start,
                m.end(),
                tier,
                Deadline(text=text[start : m.end()], date=iso, relation=relation),
            )
        )
    return out


def _clause_end(v: _Vocab, text: str, start: int, end: int) -> int:
    """End offset of the event after an offset word: stop at a joining word or the word cap."""
    stop = start
    for count, w in enumerate(re.finditer(r"\S+", text[start:end])):
        if count >= v.clause_max_words or _norm(w.group()) in v.clause_stops:
            break
        stop = start + w.end()
    return stop


def _span_candidates(v: _Vocab, text: str) -> list[_Candidate]:
    out = []
    for m in v.within_re.finditer(text):
        rel = _norm(m.group("rel"))
        if m.group("n") is None and rel not in v.bare_unit_prepositions:
            continue
        end = m.end("u")
        if m.group("clause"):
            clause_end = _clause_end(v, text, m.start("clause"), m.end("clause"))
            end = clause_end if clause_end > m.start("clause") else end
        out.append(
            _Candidate(m.start(), end, 1, Deadline(text=text[m.start() : end], relation="within"))
        )
    for m in v.offset_re.finditer(text):
        end = _clause_end(v, text, m.start("clause"), m.end("clause"))
        if end <= m.start("clause"):
            continue
        relation = v.offset_relations[_norm(m.group("rel"))]
        deadline = Deadline(text=text[m.start() : end], relation=relation)
        out.append(_Candidate(m.start(), end, 1, deadline))
    for m in v.event_re.finditer(text):
        relation = v.relations[_norm(m.group("rel"))]
        deadline = Deadline(text=m.group(), relation=relation)
        out.append(_Candidate(m.start(), m.end(), 1, deadline))
    return out


def _choose(candidates: list[_Candidate]) -> Deadline | None:
    """Drop overlaps (longer first), then take the best tier, then the last one."""
    kept: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        if all(c.end <= k.start or c.start >= k.end for k in kept):
            kept.append(c)
    if not kept:
        return None
    return max(kept, key=lambda c: (c.tier, c.start)).deadline


def find_deadline(text: str, reference_year: int | None = None) -> Deadline | None:
    """The stated time frame of one item, or None; relative words use `reference_year`."""
    found = _find(text, reference_year)
    return None if found is None else found.model_copy()


def has_deadline(text: str) -> bool:
    """True when `find_deadline(text)` finds a time frame."""
    return _find(text, None) is not None


@lru_cache(maxsize=65536)
def _find(text: str, reference_year: int | None) -> Deadline | None:
    """`find_deadline`, once per text (the same words are read as a candidate's feature and
    as an item's deadline); callers get a copy."""
    v = _vocab()
    if not text or _norm(text.strip(" .;:()")) in v.no_deadline:
        return None
    candidates = []
    if _YEAR_RE.search(text) or v.date_words_re.search(text):
        candidates += _date_candidates(v, text, reference_year)
    if v.span_words_re.search(text):
        candidates += _span_candidates(v, text)
    return _choose(candidates)


# A colon ends a label first ('Mar 2025 – Feb 2026: ...'), else a dash between spaces.
_LABEL_SPLIT_RES = (
    re.compile(r"^([^:]{2,40}?)\s*:\s+(?=\S)"),
    re.compile(r"^(.{2,40}?)\s+[–—-]\s+(?=\S)"),
)
_LABEL_LEFT_WORDS = 2  # words of a label beside its date ('Mar 2025 –' before 'Feb 2026')
# Words that may join the two ends of a period in a label ('de mars à juin 2025').
_LABEL_JOINS = frozenset({"to", "from", "until", "and", "au", "a", "à", "de", "du", "et", "y"})


@lru_cache(maxsize=65536)
def is_bare_date(text: str) -> bool:
    """`text` is a date and nothing else ('Q3 2025', 'Mar 2025 – Feb 2026', 'Fin 2025'): a
    timeline's label, whether set before its line or above it. Words beside the date must
    be dates or joins too: 'Priorities 2025–2027' names a plan, not a line's date."""
    text = text.strip().rstrip(":").strip()
    if not text or len(text.split()) > 6:
        return False
    found = find_deadline(text)
    if found is None:
        return False
    left = [w for w in text.replace(found.text, " ", 1).split() if _WORD_START_RE.search(w)]
    return len(left) <= _LABEL_LEFT_WORDS and all(map(_date_word, left))


def _date_word(word: str) -> bool:
    """A number, a month, a season or a join ('de', 'to') of a period's label."""
    v, key = _vocab(), _norm(word)
    return (
        any(ch.isdigit() for ch in word)
        or key in v.months
        or key in v.seasons
        or key in _LABEL_JOINS
    )


def date_label(text: str) -> tuple[str, str] | None:
    """A timeline line's date set before its text as a label ('Q2 2025: Sign the ...',
    'Mars 2025 – lancement ...'): (the label, the text after it), or None. GOLD.md leaves
    an inline label out of an item's text; the date stays the item's deadline."""
    match = _LABEL_SPLIT_RES[0].match(text) or _LABEL_SPLIT_RES[1].match(text)
    if not match or not is_bare_date(match.group(1)):
        return None
    return match.group(1).strip(), text[match.end() :]
