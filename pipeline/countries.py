"""Find country names in text and normalise them to ISO 3166-1 alpha-3.

Names come from pycountry (name, common and official names, and the short form of names like
"Bolivia, Plurinational State of") plus the aliases, abbreviations, demonyms and capitals in
`vocab/countries.json`, and the French and Spanish names of `vocab/countries_fr_es.json`.
Matching uses the shared blank spaCy pipeline (`pipeline.nlp`, spaCy imported on first use)
with two PhraseMatchers: one on
lower-cased tokens for names, one on exact tokens for abbreviations ("US" but not "us").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import pycountry

from pipeline.nlp import blank_english

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher


@dataclass(frozen=True)
class CountryMention:
    code: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Finder:
    nlp: Language
    names: PhraseMatcher
    abbreviations: PhraseMatcher
    codes: dict[str, str]
    ambiguous: frozenset[str]
    format_words: re.Pattern[str]


def _pycountry_names(exclude: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            candidates = [value]
            if ", " in value:  # "Bolivia, Plurinational State of" -> "Bolivia"
                candidates.append(value.split(", ")[0])
            for name in candidates:
                if name not in exclude:
                    names.setdefault(name, country.alpha_3)
    return names


@lru_cache(maxsize=1)
def _finder() -> _Finder:
    data = json.loads(
        resources.files("pipeline.vocab").joinpath("countries.json").read_text("utf-8")
    )
    exclude = set(data["exclude"])
    names = _pycountry_names(exclude)
    translated = json.loads(
        resources.files("pipeline.vocab").joinpath("countries_fr_es.json").read_text("utf-8")
    )
    for name, code in translated["names"].items():
        if name not in exclude:
            names.setdefault(name, code)
    for group in ("aliases", "demonyms", "capitals"):
        names.update(data[group])
    from spacy.matcher import PhraseMatcher

    nlp = blank_english()
    name_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    abbr_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    codes: dict[str, str] = {}
    for name, code in names.items():
        key = f"N{len(codes)}"
        codes[key] = code
        name_matcher.add(key, [nlp.make_doc(name)])
    for name, code in data["abbreviations"].items():
        key = f"A{len(codes)}"
        codes[key] = code
        abbr_matcher.add(key, [nlp.make_doc(name)])
    words = "|".join(re.escape(w) for w in data["format_context"])
    return _Finder(
        nlp,
        name_matcher,
        abbr_matcher,
        codes,
        frozenset(data["ambiguous_abbreviations"]),
        re.compile(rf"\b({words})\b", re.I),
    )


def _format_context(finder: _Finder, text: str, start: int, end: int) -> bool:
    """True when a file or format word stands near an ambiguous abbreviation ('PNG file')."""
    if start and text[start - 1] == ".":
        return True  # "logo.png"
    window = text[max(0, start - 40) : start] + " " + text[end : end + 40]
    return bool(finder.format_words.search(window))


def find_countries(text: str) -> list[CountryMention]:
    """All country mentions in `text`, longest match first where they overlap, in order."""
    from spacy.util import filter_spans

    finder = _finder()
    doc = finder.nlp.make_doc(text)
    spans = []
    for matcher in (finder.names, finder.abbreviations):
        for match_id, start, end in matcher(doc):
            span = doc[start:end]
            span.label_ = finder.nlp.vocab.strings[match_id]
            spans.append(span)
    return [
        CountryMention(finder.codes[s.label_], s.text, s.start_char, s.end_char)
        for s in filter_spans(spans)
        if not (
            s.text in finder.ambiguous and _format_context(finder, text, s.start_char, s.end_char)
        )
    ]


def single_country(text: str) -> CountryMention | None:
    """The one country `text` names, or None when it names none or several."""
    mentions = find_countries(text)
    codes = {m.code for m in mentions}
    return mentions[0] if len(codes) == 1 else None


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """Common English name for an alpha-3 code ('VNM' -> 'Viet Nam')."""
    if not code:
        return None
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


@lru_cache(maxsize=1)
def _capitals() -> frozenset[str]:
    data = json.loads(
        resources.files("pipeline.vocab").joinpath("countries.json").read_text("utf-8")
    )
    return frozenset(name.lower() for name in data["capitals"])


def is_capital(name: str) -> bool:
    """True for a capital city's name ('Vientiane'): a place, not the country's name."""
    return name.lower() in _capitals()


_DOMAIN_ALPHA2 = {"uk": "GB"}  # the one country-code domain that is not its ISO code


def country_of_domain(label: str) -> str | None:
    """The ISO alpha-3 code of a country-code internet domain ('py' -> 'PRY', 'uk' -> 'GBR')."""
    alpha_2 = _DOMAIN_ALPHA2.get(label.lower(), label.upper())
    country = pycountry.countries.get(alpha_2=alpha_2)
    return country.alpha_3 if country is not None else None


def is_country_code(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None


_NAME_SEPARATORS_RE = re.compile(r"[_\-.+\s]+")


def file_name_country(file_name: str) -> CountryMention | None:
    """The one country a file's name names: 'Acta_CDN_Paraguay_sesion03.docx' -> PRY, or an
    ISO alpha-3 code opening the name ('MWI_GCG14_update.pptx'). None when it names none or
    several. Offsets are those of the name with its separators turned to spaces."""
    stem = file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    words = _NAME_SEPARATORS_RE.sub(" ", stem).strip()
    first = words.split(" ", 1)[0]
    if len(first) == 3 and first.isupper() and is_country_code(first):
        return CountryMention(first, first, 0, 3)
    return single_country(words) if words else None
