"""find_deadline's shortcuts (issue #13) find what the full scan finds.

The shortcuts: a text is scanned for dates only when it holds four digits or a word of a
dateless shape, and for spans only when it holds a unit or an event word; an ASCII text is
scanned in lower case with a case-sensitive twin of the date pattern; answers are kept per
text. Each is checked against the plain scan of every text.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

import pipeline.deadlines as dl
from pipeline.deadlines import find_deadline, has_deadline

DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"

EDGES = [
    "by March", "by march", "in May 2020", "in may 2020", "MAY 2021", "mid-year", "mid-2023",
    "by the end of the year", "BY THE END OF THE MONTH", "By End Of The Year", "by end-year",
    "within six months", "in the coming months", "two weeks after receipt of the draft",
    "before the next GCG meeting", "by next session", "l'année prochaine", "d’ici fin 2025",
    "d'ici la fin de l’année", "avant la fin du projet", "a fines de año", "el próximo año",
    "dentro de seis meses", "Q3 2024", "q3 2024", "T2 2025", "H1 2023", "S2 2022", "2024Q1",
    "the first quarter of 2022", "in the second half of next year", "15 March 2021",
    "March 15, 2021", "15/03/2021", "2021-03-15", "2019-2021", "Law 2015-30", "Agenda 2030",
    "the 2019 Global Conference", "2000 children", "SDG 8.7", "C182", "Ongoing", "summer 2022",
    "by the end of the project", "Train 50 inspectors", "KELVIN 2022",
    "by June", "March or April 2019", "no later than 31 December 2024", "ﬁrst quarter 2022",
]  # fmt: skip


def _plain(text: str, ref: int | None) -> dl.Deadline | None:
    """The full scan: every pattern on every text, the IGNORECASE date pattern, no cache."""
    v = dataclasses.replace(dl._vocab(), date_lower_re=None)
    if not text or dl._norm(text.strip(" .;:()")) in v.no_deadline:
        return None
    return dl._choose(dl._date_candidates(v, text, ref) + dl._span_candidates(v, text))


@pytest.fixture(scope="module")
def texts() -> list[str]:
    from pipeline.parse import parse_file

    found = list(EDGES)
    for name in ("gcg08_meeting_report.md", "cmr_feuille_de_route_operationnelle.md"):
        if (DOCS / name).exists():
            found += [b.text for b in parse_file(DOCS / name).blocks]
    rng = random.Random(87)
    words = " ".join(found).split()
    found += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 7))) for _ in range(3000)]
    return found


def test_shortcuts_find_what_the_full_scan_finds(texts: list[str]) -> None:
    for text in texts:
        for ref in (None, 2024):
            plain = _plain(text, ref)
            assert find_deadline(text, ref) == plain, text
            assert has_deadline(text) == (_plain(text, None) is not None)


def test_every_date_shape_needs_four_digits_or_a_word_of_the_anchor() -> None:
    """What lets a text without four digits or a dateless word skip the date scan."""
    import json
    from importlib import resources

    data = json.loads(resources.files("pipeline.vocab").joinpath("deadlines.json").read_text())
    months_alone = dl._alt(data["months_alone"])
    for kind, pattern in dl._core_patterns(data):
        if kind in ("yearend", "relyear", "nodate", "relyear_mod", "month"):
            continue  # their words are the anchor's (see `_vocab`)
        assert r"\d{4}" in pattern or months_alone in pattern, kind
    v = dl._vocab()
    assert v.date_lower_re is not None and v.date_words_re.pattern.startswith(r"\b")
    assert v.span_words_re.pattern.startswith(r"\b")


def test_callers_get_their_own_copy() -> None:
    first = find_deadline("Adopt the plan by June 2025")
    assert first is not None and first.date == "2025-06"
    first.date = "changed"
    again = find_deadline("Adopt the plan by June 2025")
    assert again is not None and again.date == "2025-06"


def test_a_lower_case_match_is_read_on_the_text() -> None:
    """The date pattern's lower-case twin finds the match; its words are read on the text, so
    the capitalised-only month words ('May', 'March') keep their case."""
    found = find_deadline("Launch the campaign by May 2021")
    assert found is not None and found.text == "by May 2021" and found.date == "2021-05"
    for text in ("We may adopt it by march", "We may adopt it by March", "in Q2 2022"):
        assert find_deadline(text, 2024) == _plain(text, 2024)
    quarter = find_deadline("in Q2 2022")
    assert quarter is not None and quarter.date == "2022-06"


def test_a_timelines_date_label_is_found_before_its_text_or_alone() -> None:
    from pipeline.deadlines import date_label, is_bare_date

    assert date_label("Q2 2025: Sign the agreement") == ("Q2 2025", "Sign the agreement")
    assert date_label("Fin 2025 - Adopter le plan") == ("Fin 2025", "Adopter le plan")
    assert date_label("Mar 2025 – Feb 2026: Deliver training") == (
        "Mar 2025 – Feb 2026",
        "Deliver training",
    )
    assert date_label("Nepal: adopt the plan by 2025") is None
    assert date_label("Ministry of Labour and Employment – 2025: adopt") is None
    assert is_bare_date("Q3 2025") and is_bare_date("Segundo semestre de 2025")
    assert not is_bare_date("Adopt the plan by 2025") and not is_bare_date("Phase 1")
    assert not is_bare_date("Priorities 2025–2027")  # a plan's heading, not a line's date
