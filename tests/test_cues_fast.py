"""pipeline/cues.py's fast paths give what the plain loops give (issue 13): links blanked only
when a text can hold one, the lead-in, trailing and inline patterns tried one by one only
when their alternation matches (on the lower-case text where that is the same), and the
embedded patterns compiled once."""

from __future__ import annotations

import re

import pytest

from pipeline.cues import (
    _LINK_RE,
    Cue,
    embedded_cue,
    heading_cue,
    inline_cue,
    lead_in_cue,
    line_cue,
    trailing_cue,
    vocab,
    without_links,
)

TEXTS = [
    "The meeting identified the following priorities:",
    "THE MEETING IDENTIFIED THE FOLLOWING PRIORITIES:",
    "the following priority areas were agreed",
    "The roadmap was adopted by the committee",
    "Next steps are as follows:",
    "Next steps were agreed as follows:",
    "steps identified:",
    "Les priorités suivantes ont été retenues :",
    "Las prioridades identificadas en el taller:",
    "Prochaines étapes convenues :",
    "Próximos pasos acordados:",
    "These priorities were agreed by the committee.",
    "Ces priorités ont été validées par le comité.",
    "Estas prioridades fueron adoptadas.",
    "Next Steps: Develop an action plan and train inspectors",
    "NEXT STEPS (short term): Develop a plan, train inspectors",
    "Some text Next Steps: Ensure the plan is adopted",
    "Some text next steps: ensure the plan is adopted",
    "cooperation Way Forward: adopt the plan by June",
    "Report Action Points: Secretariat to circulate the minutes",
    "Priorités : renforcer l'inspection du travail",
    "Next Steps: Develop",
    "Train 300 labour inspectors by 2026",
    "The committee met in June.",
    "See https://www.example.org/next-steps: Next Steps: adopt the plan",
    "Contact next.steps@ilo.org for the following priorities:",
    "WWW.EXAMPLE.ORG following priorities",
    "http://localhost/priorities the following priorities",
    "ſtrange Next Steps: a b c",
    "K the following priorities",
    "",
    "   ",
    ":",
]


def _astuple(cue: Cue | None) -> tuple[str, ...] | None:
    return None if cue is None else (cue.role, cue.shape, cue.phrase, cue.rest)


def _variants(text: str) -> list[str]:
    return [text, text.upper(), text.lower(), f"x {text}", f"{text} (see www.ilo.org/a)"]


ALL = [variant for text in TEXTS for variant in _variants(text)]


def _lead_in_plain(text: str) -> Cue | None:
    stripped = without_links(text).strip()
    for pattern, role in vocab().lead_ins:
        match = pattern.search(stripped)
        if match:
            return Cue(role, "lead_in", match.group(0))
    return None


def _trailing_plain(text: str) -> Cue | None:
    stripped = without_links(text).strip()
    if stripped.endswith(":"):
        return None
    for pattern, role in vocab().trailing:
        match = pattern.search(stripped)
        if match:
            return Cue(role, "trailing", match.group(0))
    return None


def _inline_plain(text: str) -> Cue | None:
    text = without_links(text)
    for pattern, phrase, role in vocab().inline:
        match = pattern.match(text)
        if match:
            rest = text[match.end() :].strip()
            if len(rest.split()) >= 2:
                return Cue(role, "inline", phrase, rest)
    return None


def _embedded_plain(text: str) -> Cue | None:
    text = without_links(text)
    for pattern, phrase, role in vocab().inline:
        source = pattern.pattern.removeprefix("^\\s*")
        for match in re.finditer(rf"(?<=\s){source}", text, re.I):
            if match.group(1)[:1].isupper():
                rest = text[match.end() :].strip()
                if len(rest.split()) >= 2:
                    return Cue(role, "inline", phrase, rest)
    return None


@pytest.mark.parametrize("text", ALL)
def test_fast_paths_match_the_plain_loops(text: str) -> None:
    assert _astuple(lead_in_cue(text)) == _astuple(_lead_in_plain(text))
    assert _astuple(trailing_cue(text)) == _astuple(_trailing_plain(text))
    assert _astuple(inline_cue(text)) == _astuple(_inline_plain(text))
    assert _astuple(embedded_cue(text)) == _astuple(_embedded_plain(text))


def test_the_fast_paths_find_what_they_should() -> None:
    assert lead_in_cue("THE MEETING IDENTIFIED THE FOLLOWING PRIORITIES:") is not None
    cue = lead_in_cue("The meeting identified the FOLLOWING priorities:")
    assert cue is not None and cue.phrase == "identified the FOLLOWING priorit"  # as written
    assert embedded_cue("Some text Next Steps: Ensure the plan is adopted") is not None
    assert embedded_cue("Some text next steps: ensure the plan is adopted") is None
    assert trailing_cue("Ces priorités ont été validées par le comité.") is not None


@pytest.mark.parametrize("text", ALL)
def test_links_blanked_as_by_the_pattern_and_once_is_enough(text: str) -> None:
    blanked = without_links(text)
    assert blanked == _LINK_RE.sub(" ", text)
    assert without_links(blanked) == blanked


def test_heading_cue_is_kept_per_text() -> None:
    assert heading_cue("Next steps") is heading_cue("Next steps")
    assert heading_cue("Kenya") is None
    line = line_cue("The meeting identified the following priorities:")
    assert line is not None and line.shape == "lead_in"
