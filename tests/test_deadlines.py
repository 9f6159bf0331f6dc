"""Tests of pipeline.deadlines.find_deadline on realistic Alliance 8.7 wording."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.deadlines import find_deadline
from pipeline.models import Deadline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by 2020", ("by 2020", "2020", "by")),
        ("before July 2019", ("before July 2019", "2019-07", "before")),
        (
            "Convene a workshop for the selection of a pilot activity "
            "(to be launched before July 2019)",
            ("before July 2019", "2019-07", "before"),
        ),
        ("(September 2019)", ("September 2019", "2019-09", "in")),
        ("Hold the validation workshop in September 2019", ("in September 2019", "2019-09", "in")),
        ("by end of 2022", ("by end of 2022", "2022-12-31", "by")),
        ("Adopt the NAP by the end of 2022.", ("by the end of 2022", "2022-12-31", "by")),
        ("by mid-2021", ("by mid-2021", "2021-06", "by")),
        ("in March or April 2019", ("in March or April 2019", "2019-04", "in")),
        ("by Q2 2022", ("by Q2 2022", "2022-06", "by")),
        ("in the second quarter of 2022", ("in the second quarter of 2022", "2022-06", "in")),
        ("by 30 June 2022", ("by 30 June 2022", "2022-06-30", "by")),
        ("Submit the report June 30, 2022", ("June 30, 2022", "2022-06-30", "by")),
        ("d'ici 2022", ("d'ici 2022", "2022", "by")),
        ("Adopter le plan d’action avant fin 2023", ("avant fin 2023", "2023-12-31", "before")),
        ("d'ici fin juin 2022", ("d'ici fin juin 2022", "2022-06-30", "by")),
        ("Erradicar el trabajo infantil para 2025", ("para 2025", "2025", "by")),
        (
            "antes de diciembre de 2022",
            ("antes de diciembre de 2022", "2022-12", "before"),
        ),
        ("a fines de 2022", ("a fines de 2022", "2022-12-31", "by")),
        ("by the end of Q2 2022", ("by the end of Q2 2022", "2022-06-30", "by")),
        ("June 2022 at the latest", ("June 2022 at the latest", "2022-06", "by")),
        ("from 2020 onwards", ("from 2020 onwards", "2020", "from")),
        ("for the period 2019-2021", ("for the period 2019-2021", "2021", "until")),
        ("le 30 juin 2022", ("le 30 juin 2022", "2022-06-30", "at")),
    ],
)
def test_dated_time_frames(text: str, expected: tuple[str, str, str]) -> None:
    words, date, relation = expected
    assert find_deadline(text) == Deadline(text=words, date=date, relation=relation)


@pytest.mark.parametrize("column_value", ["June 2022", "Q3 2021", "2023", "2021-2022"])
def test_deadline_column_values_parse_alone(column_value: str) -> None:
    deadline = find_deadline(column_value)
    assert deadline is not None
    assert deadline.text == column_value
    assert (
        deadline.date
        == {
            "June 2022": "2022-06",
            "Q3 2021": "2021-09",
            "2023": "2023",
            "2021-2022": "2022",
        }[column_value]
    )


@pytest.mark.parametrize("value", ["Ongoing", "Continuous", "on-going", "En cours", "TBD"])
def test_open_ended_column_values_give_none(value: str) -> None:
    assert find_deadline(value) is None


def test_work_plan_for_a_year_is_due_in_that_year() -> None:
    text = (
        "Each Ministry, MOLESS, Ministry of Women and Ministry of Land Management, "
        "to develop an integrated work plan for 2019"
    )
    assert find_deadline(text) == Deadline(text="for 2019", date="2019", relation="in")


@pytest.mark.parametrize(
    "text",
    ["by the end of the year", "(By the end of the year)", "by year-end"],
)
def test_end_of_the_year_uses_the_reference_year(text: str) -> None:
    with_year = find_deadline(text, reference_year=2019)
    without_year = find_deadline(text)
    assert with_year is not None and without_year is not None
    assert with_year.date == "2019-12-31"
    assert with_year.relation == "by"
    assert without_year.date is None
    assert without_year.text == with_year.text == text.strip("()")


def test_relative_year_words() -> None:
    assert find_deadline("by next year", reference_year=2020) == Deadline(
        text="by next year", date="2021", relation="by"
    )
    assert find_deadline("d'ici la fin de l'année", reference_year=2021) == Deadline(
        text="d'ici la fin de l'année", date="2021-12-31", relation="by"
    )
    assert find_deadline("by June", reference_year=2020) == Deadline(
        text="by June", date="2020-06", relation="by"
    )
    assert find_deadline("by June") == Deadline(text="by June", date=None, relation="by")


@pytest.mark.parametrize(
    ("text", "words", "relation"),
    [
        ("Set up the steering committee within six months", "within six months", "within"),
        (
            "Members send comments two weeks after receipt of the revised draft and the "
            "Secretariat consolidates them",
            "two weeks after receipt of the revised draft",
            "after",
        ),
        ("in the coming months", "in the coming months", "within"),
        ("dans un délai de six mois", "dans un délai de six mois", "within"),
        ("dentro de seis meses", "dentro de seis meses", "within"),
        ("Share the draft before the next GCG meeting", "before the next GCG meeting", "before"),
    ],
)
def test_spans_keep_text_and_relation_without_date(text: str, words: str, relation: str) -> None:
    assert find_deadline(text) == Deadline(text=words, date=None, relation=relation)


@pytest.mark.parametrize(
    "text",
    [
        "Ensure genuine access to Justice for victims of modern slavery through laws n° 2015-031",
        "Apply Law 2015-30 on trafficking in persons",
        "Follow up on the 2019 Global Conference",
        "Achieve SDG 8.7 and Target 8.7; ratify C182 and ILO Convention n° 142",
        "Align the plan with Agenda 2030",
        "Amend Act No. 5 of 2015",
        "Support 2000 children in mining areas",
        "Implement the National Action Plan 2019-2021",
        "Finalize the action plan for child protection and trafficking with the OSCE",
        "children under 15 years",
    ],
)
def test_names_references_and_counts_are_not_deadlines(text: str) -> None:
    assert find_deadline(text) is None


def test_deadline_preposition_beats_bare_and_later_dates() -> None:
    text = "Following the June 2019 workshop, adopt the plan by March 2020 (report in May 2020)"
    assert find_deadline(text) == Deadline(text="by March 2020", date="2020-03", relation="by")


def test_last_one_wins_among_equals() -> None:
    text = "In 2019 the Ministry held a consultation; in 2021 it will review the plan"
    assert find_deadline(text) == Deadline(text="in 2021", date="2021", relation="in")


def test_later_month_and_invalid_day() -> None:
    assert find_deadline("by 31 February 2022") == Deadline(
        text="by 31 February 2022", date="2022-02", relation="by"
    )
    assert find_deadline("in March/April 2020") == Deadline(
        text="in March/April 2020", date="2020-04", relation="in"
    )


@given(
    st.text(
        alphabet=st.sampled_from(list("by in 2019 June Q2 end of the d'ici ,.()-")), max_size=60
    )
)
def test_text_is_always_a_substring(text: str) -> None:
    deadline = find_deadline(text, reference_year=2020)
    if deadline is not None:
        assert deadline.text in text
        assert deadline.text == deadline.text.strip()


def test_letters_that_match_case_insensitively_do_not_break_the_lookup() -> None:
    """A long s matches 's' in a case-insensitive pattern: the season is still found."""
    found = find_deadline("by summer 2022")
    odd = find_deadline("by ſummer 2022")
    assert found is not None and odd is not None and odd.date == found.date
