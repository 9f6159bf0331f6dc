"""Tests of pipeline.actors: the EntityRuler patterns and find_actors on realistic items."""

from __future__ import annotations

import pytest
import spacy

from pipeline.actors import (
    ACTOR_LABEL,
    actor_nlp,
    build_actor_ruler,
    find_actors,
    load_actor_patterns,
)


def actors(text: str) -> list[str]:
    return find_actors([text])[0]


def test_patterns_load_valid_and_without_comments() -> None:
    patterns = load_actor_patterns()
    assert any(isinstance(p["pattern"], str) for p in patterns)
    assert any(isinstance(p["pattern"], list) for p in patterns)
    assert all(set(p) <= {"label", "pattern", "id"} for p in patterns)
    assert {p["label"] for p in patterns} == {ACTOR_LABEL}
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True})
    ruler.add_patterns([dict(p) for p in patterns])  # raises on an invalid token pattern
    assert len(ruler) == len(patterns)


def test_build_actor_ruler_on_a_fresh_pipeline() -> None:
    nlp = spacy.blank("en")
    build_actor_ruler(nlp)
    doc = nlp("Train labour inspectors with the ILO")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("labour inspectors", ACTOR_LABEL),
        ("ILO", ACTOR_LABEL),
    ]


def test_pipeline_is_blank_and_cached() -> None:
    nlp = actor_nlp()
    assert nlp is actor_nlp()
    assert nlp.pipe_names == ["actor_ruler"]


def test_ministries_split_at_and() -> None:
    text = (
        "Each Ministry, MOLESS, Ministry of Women and Ministry of Land Management, "
        "to develop an integrated work plan for 2019"
    )
    assert actors(text) == ["MOLESS", "Ministry of Women", "Ministry of Land Management"]


def test_single_organisation() -> None:
    text = (
        "Finalize the action plan for child protection and trafficking with the technical "
        "support of the OSCE"
    )
    assert actors(text) == ["OSCE"]


def test_no_actor() -> None:
    text = (
        "Convene a workshop for the selection of a pilot activity (to be launched before July 2019)"
    )
    assert actors(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ministry of Labour, Employment and Social Security to coordinate with the National "
            "Committee for Children and the National Child Labour Committee",
            [
                "Ministry of Labour, Employment and Social Security",
                "National Committee for Children",
                "National Child Labour Committee",
            ],
        ),
        (
            "Establish National Task Force on Trafficking in Persons chaired by the Ministry of "
            "Justice",
            ["National Task Force on Trafficking in Persons", "Ministry of Justice"],
        ),
        (
            "Inter-Ministerial Committee on Child Labour and National Anti-Trafficking Committee "
            "to meet quarterly",
            ["Inter-Ministerial Committee on Child Labour", "National Anti-Trafficking Committee"],
        ),
        (
            "Strengthen Labour Inspectorate capacity with ILO and UNICEF support",
            ["Labour Inspectorate", "ILO", "UNICEF"],
        ),
        (
            "Ministry of Labour, UNICEF and ILO will brief the Prime Minister's Office",
            ["Ministry of Labour", "UNICEF", "ILO", "Prime Minister's Office"],
        ),
        (
            "Ministry of Labour in Nepal to report to the GCG",
            ["Ministry of Labour", "GCG"],
        ),
        ("MoGCSP and MoLSW to sign MoUs", ["MoGCSP", "MoLSW"]),
    ],
)
def test_national_bodies(text: str, expected: list[str]) -> None:
    assert actors(text) == expected


def test_international_organisations_by_acronym_and_name() -> None:
    text = (
        "Office of the High Commissioner for Human Rights, UN Women, OHCHR, EU/European Union, "
        "African Union, ECOWAS, ASEAN, Council of Europe, the International Labour Organization "
        "(ILO), IOM, UNODC, UNHCR, UNDP, FAO, WFP and the World Bank"
    )
    assert actors(text) == [
        "Office of the High Commissioner for Human Rights",
        "UN Women",
        "OHCHR",
        "EU",
        "European Union",
        "African Union",
        "ECOWAS",
        "ASEAN",
        "Council of Europe",
        "International Labour Organization",
        "ILO",
        "IOM",
        "UNODC",
        "UNHCR",
        "UNDP",
        "FAO",
        "WFP",
        "World Bank",
    ]


def test_donors_networks_and_alliance_bodies() -> None:
    text = (
        "US Department of Labor (USDOL), DFID/FCDO and GIZ to fund; Walk Free, Global March "
        "Against Child Labour and Free the Slaves with ITUC and IOE; Communications Action Group "
        "and Supply Chain Action Group to update the Alliance 8.7 Secretariat and Delta 8.7 "
        "with the UN Resident Coordinator"
    )
    assert actors(text) == [
        "US Department of Labor",
        "USDOL",
        "DFID",
        "FCDO",
        "GIZ",
        "Walk Free",
        "Global March Against Child Labour",
        "Free the Slaves",
        "ITUC",
        "IOE",
        "Communications Action Group",
        "Supply Chain Action Group",
        "Alliance 8.7 Secretariat",
        "Delta 8.7",
        "UN Resident Coordinator",
    ]


def test_groups_keep_casing_and_drop_articles() -> None:
    text = (
        "The Government of Nepal, the Government, social partners, civil society, employers' "
        "organizations and workers’ organisations, trade unions, local authorities, Police, "
        "labour inspectors and prosecutors; the Secretariat will circulate"
    )
    assert actors(text) == [
        "Government of Nepal",
        "Government",
        "social partners",
        "civil society",
        "employers' organizations",
        "workers’ organisations",
        "trade unions",
        "local authorities",
        "Police",
        "labour inspectors",
        "prosecutors",
        "Secretariat",
    ]


def test_duplicates_keep_first_spelling() -> None:
    assert actors("ILO and the police; later the ILO and Police again") == ["ILO", "police"]


def test_french_and_spanish() -> None:
    text = (
        "Le Ministère du Travail, de l'Emploi et de la Protection sociale et l'OIT; "
        "el Ministerio de Trabajo y Previsión Social con la OIM y la sociedad civil"
    )
    assert actors(text) == [
        "Ministère du Travail, de l'Emploi et de la Protection sociale",
        "OIT",
        "Ministerio de Trabajo y Previsión Social",
        "OIM",
        "sociedad civil",
    ]


def test_sentence_initial_verbs_and_capitals_are_not_actors() -> None:
    assert actors("MODERN SLAVERY: Support the Government in reviewing the law") == ["Government"]
    assert actors("Each Ministry to nominate a focal point") == []
    assert actors("Develop a Strategic Direction for the Action Plan") == []


def test_batches_keep_order_and_length() -> None:
    texts = [
        "Train labour inspectors with the ILO",
        "",
        "Finalize the plan with the OSCE",
        "No actor here",
    ] * 500
    results = find_actors(texts)
    assert len(results) == 2000
    assert results[:4] == [["labour inspectors", "ILO"], [], ["OSCE"], []]
    assert results[-4:] == results[:4]
