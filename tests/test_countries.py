"""pipeline/countries.py: country names in three languages, case-sensitive abbreviations,
abbreviations that are file formats, excluded names, one country or none."""

from __future__ import annotations

import pytest

from pipeline.countries import (
    country_name,
    find_countries,
    is_capital,
    is_country_code,
    single_country,
)


def _codes(text: str) -> list[str]:
    return [m.code for m in find_countries(text)]


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("Priorities for Nepal in 2024", "NPL", "Nepal"),
        ("Priorités du Sénégal", "SEN", "Sénégal"),
        ("Feuille de route de la Côte d’Ivoire", "CIV", "Côte d’Ivoire"),
        ("Prioridades de Guatemala", "GTM", "Guatemala"),
        ("Apoyo de los Estados Unidos", "USA", "Estados Unidos"),
        ("Soutien des États-Unis", "USA", "États-Unis"),
        ("The Ugandan delegation", "UGA", "Ugandan"),
        ("Viet Nam roadmap", "VNM", "Viet Nam"),
        ("DRC national plan", "COD", "DRC"),
    ],
)
def test_names_in_english_french_and_spanish(text: str, code: str, words: str) -> None:
    [mention] = find_countries(text)
    assert (mention.code, mention.text) == (code, words)
    assert text[mention.start : mention.end] == words


def test_names_ignore_case_but_abbreviations_do_not() -> None:
    assert _codes("priorities for NEPAL") == ["NPL"]
    assert _codes("priorities for nepal") == ["NPL"]
    assert _codes("US support to the plan") == ["USA"]
    assert _codes("Let us support the plan") == []
    assert _codes("the drc plan") == []


def test_png_next_to_a_file_word_is_no_country() -> None:
    assert _codes("PNG national action plan") == ["PNG"]
    assert _codes("Send the logo as a PNG file") == []
    assert _codes("see chart.PNG") == []
    assert _codes("CAR rental for the mission") == []
    assert _codes("CAR national dialogue") == ["CAF"]


def test_excluded_names_are_no_country() -> None:
    assert _codes("Compte rendu de la réunion des partenaires") == []
    assert _codes("La Réunion") == []
    assert _codes("Jersey") == []


def test_several_mentions_in_order() -> None:
    mentions = find_countries("Nepal and Uganda agreed; Nepal hosts")
    assert [m.code for m in mentions] == ["NPL", "UGA", "NPL"]
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_single_country() -> None:
    assert single_country("Nepal and Uganda exchange") is None
    assert single_country("Background") is None
    mention = single_country("Nepal: the Nepal roadmap")  # one country, named twice
    assert mention is not None
    assert (mention.code, mention.start) == ("NPL", 0)
    kathmandu = single_country("Workshop in Kathmandu")
    assert kathmandu is not None and kathmandu.code == "NPL"


def test_country_name_and_codes() -> None:
    assert country_name("NPL") == "Nepal"
    assert country_name("BOL") == "Bolivia"  # the common name, not the official one
    assert country_name(None) is None
    assert country_name("XXX") is None
    assert is_country_code("KEN")
    assert not is_country_code("XXX")


def test_is_capital() -> None:
    assert is_capital("Kathmandu")
    assert is_capital("kathmandu")
    assert not is_capital("Nepal")
    assert not is_capital("Geneva meeting")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Réponses de la République tunisienne", "TUN"),
        ("Secretaría del Trabajo de los Estados Unidos Mexicanos", "MEX"),
        ("Gouvernement de la République-Unie de Tanzanie", "TZA"),
        ("REPUBLIQUE DE L’EQUATEUR", "ECU"),
        ("Ministerio de Trabajo de la República Federativa del Brasil", "BRA"),
    ],
)
def test_formal_names_of_letters_and_declarations(text: str, code: str) -> None:
    found = single_country(text)
    assert found is not None and found.code == code


def test_the_generated_names_hold_every_hand_kept_formal_name() -> None:
    """tools/make_country_names.py merges countries_official_fr_es.json into the generated
    file; regenerating must not lose them."""
    import json
    from importlib import resources

    vocab = resources.files("pipeline.vocab")
    official = json.loads(vocab.joinpath("countries_official_fr_es.json").read_text("utf-8"))
    names = json.loads(vocab.joinpath("countries_fr_es.json").read_text("utf-8"))["names"]
    assert official["names"] and all(names.get(k) == v for k, v in official["names"].items())


def test_file_name_country() -> None:
    from pipeline.countries import file_name_country

    def code(name: str) -> str | None:
        found = file_name_country(name)
        return found.code if found else None

    assert code("Acta_CDN_Paraguay_sesion03_2025.docx") == "PRY"
    assert code("/data/in/sri_lanka_country_profile.html") == "LKA"
    assert code("CIV_feuille_de_route.docx") == "CIV"  # an ISO code opening the name
    assert code("report_civ.docx") is None  # a code only where it opens the name, in capitals
    assert code("deck-kenya-uganda.pdf") is None  # two countries
    assert code("NEXT_STEPS_AND_PRIORITIES.pdf") is None  # 'AND' is no opening code
    assert code("logo.png") is None
