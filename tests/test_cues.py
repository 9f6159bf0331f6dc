"""pipeline/cues.py: the phrases that make a heading, line or table column hold priorities or
next steps, in their four shapes, and cue words inside links that are no cue."""

from __future__ import annotations

import pytest
from conftest import SEEDS

from pipeline.cues import (
    column_role,
    embedded_cue,
    heading_cue,
    inline_cue,
    is_bare_label,
    is_reference_line,
    lead_in_cue,
    line_cue,
    trailing_cue,
    without_links,
)


@pytest.mark.parametrize(
    ("text", "role", "phrase"),
    [
        ("Next steps", "next_step", "next steps"),
        ("2. Priorities for action", "priority", "priorities for action"),
        ("NEXT STEPS (SHORT TERM)", "next_step", "next steps"),
        ("Kenya: priorities", "priority", "priorities"),
        ("Lessons learnt", "stop", "lessons learnt"),
    ],
)
def test_heading_cue_labels(text: str, role: str, phrase: str) -> None:
    cue = heading_cue(text)
    assert cue is not None
    assert (cue.role, cue.shape, cue.phrase) == (role, "label", phrase)


def test_heading_without_cue() -> None:
    assert heading_cue("Kenya") is None
    assert heading_cue("") is None
    assert heading_cue("2.") is None


def test_line_cue_label_versus_item() -> None:
    label = line_cue("Priority actions:")
    assert label is not None
    assert (label.role, label.shape, label.phrase) == ("priority", "label", "priority actions")
    # The same words inside an action are an item, not a label.
    assert line_cue("Identify priority actions") is None
    done = line_cue("Already done:")
    assert done is not None and done.role == "stop"
    nxt = line_cue("Next steps")
    assert nxt is not None and (nxt.role, nxt.shape) == ("next_step", "label")


def test_a_line_that_is_only_a_cue_label_is_a_bare_label() -> None:
    for text in ("Priorities for action", "2. Next steps:", "Prochaines étapes", "Próximos pasos"):
        assert is_bare_label(text), text
    for text in ("Identify priority actions", "Next steps for the plan include a survey", "Kenya"):
        assert not is_bare_label(text), text


@pytest.mark.skipif(not (SEEDS / "deck.pptx").exists(), reason="shared seeds not present")
def test_a_bare_label_in_a_list_is_never_an_item() -> None:
    """The seed deck's Nepal slide numbers 'Priorities for action' as the first entry of the
    list it heads; the model alone gives it P(none) < 0.5."""
    from pipeline.process import process_file

    texts = [item.text for item in process_file(SEEDS / "deck.pptx").items]
    assert "Priorities for action" not in texts
    assert any(t.startswith("Federal laws on child labour and forced labour") for t in texts)


def test_lead_in_cue() -> None:
    cue = lead_in_cue("The meeting identified the following priorities:")
    assert cue is not None
    assert (cue.role, cue.shape) == ("priority", "lead_in")
    assert cue.phrase in "The meeting identified the following priorities:"
    assert lead_in_cue("The committee met in June.") is None
    # line_cue falls back to the lead-in.
    line = line_cue("The meeting identified the following priorities:")
    assert line is not None and line.shape == "lead_in"


def test_inline_cue_gives_the_rest_as_items() -> None:
    cue = inline_cue("Next Steps: Develop an action plan and train inspectors")
    assert cue is not None
    assert (cue.role, cue.shape, cue.phrase) == ("next_step", "inline", "next steps")
    assert cue.rest == "Develop an action plan and train inspectors"
    prio = inline_cue("Priorities: Strengthen inspection systems")
    assert prio is not None and (prio.role, prio.rest) == (
        "priority",
        "Strengthen inspection systems",
    )
    # A one-word rest is no run-on list: the line is a label.
    assert inline_cue("Next Steps: Develop") is None
    short = line_cue("Next Steps: Develop")
    assert short is not None and short.shape == "label"
    # Only at the start of the text; in the middle, embedded_cue finds it.
    assert inline_cue("Some text Next Steps: Ensure the plan is adopted") is None
    embedded = embedded_cue("Some text Next Steps: Ensure the plan is adopted")
    assert embedded is not None and embedded.rest == "Ensure the plan is adopted"


def test_trailing_cue() -> None:
    cue = trailing_cue("These priorities were agreed by the committee.")
    assert cue is not None
    assert (cue.role, cue.shape) == ("priority", "trailing")
    # Ending with ':' announces what follows: a lead-in, not a trailing cue.
    assert trailing_cue("These priorities were agreed:") is None
    assert trailing_cue("The committee met in June.") is None


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Action", "next_step"),
        ("Priority", "priority"),
        ("Priority actions (2024)", "priority"),
        ("Next steps", "next_step"),
        ("Responsible", "actor"),
        ("Lead agency", "actor"),
        ("Who", "actor"),
        ("Deadline", "deadline"),
        ("Timeline", "deadline"),
        ("Comments", None),
        ("", None),
    ],
)
def test_column_role(header: str, role: str | None) -> None:
    assert column_role(header) == role


def test_is_reference_line() -> None:
    assert is_reference_line("Source: ILO 2020")
    assert is_reference_line("Note: draft figures")
    assert is_reference_line("Photo: the workshop")
    assert not is_reference_line("Source ILO")  # no colon: an ordinary line
    assert not is_reference_line("Train inspectors")
    assert line_cue("Source: ILO 2020") is None


@pytest.mark.parametrize(
    "text",
    [
        "https://example.org/next-steps",
        "See www.example.org/next-steps",
        "Contact next.steps@ilo.org",
        "write to priorities@example.org",
    ],
)
def test_cue_inside_a_url_or_email_is_no_cue(text: str) -> None:
    assert heading_cue(text) is None
    assert line_cue(text) is None
    kept = without_links(text).lower()
    assert not any(word in kept for word in ("next", "steps", "priorities"))


def test_cue_beside_a_link_still_counts() -> None:
    cue = heading_cue("Next steps (see https://example.org)")
    assert cue is not None and cue.role == "next_step"
