"""pipeline/actors.py's fast path (issue 13): `_ActorRuler` runs only the patterns that may
match a text and keeps their matches as the EntityRuler does; the actors found are the
ones the pipeline's own ruler finds."""

from __future__ import annotations

import random

import pytest
import spacy

from pipeline.actors import (
    _actor_ruler,
    _ActorRuler,
    _ruler_names,
    actor_nlp,
    build_actor_ruler,
    find_actors,
    load_actor_patterns,
)

TEXTS = [
    "Train labour inspectors with the ILO",
    "Each Ministry, MOLESS, Ministry of Women and Ministry of Land Management, to develop a plan",
    "Ministry of Labour, Employment and Social Security to coordinate with the National "
    "Committee for Children and the National Child Labour Committee",
    "Task Force on Trafficking in Persons to meet quarterly",
    "Ministry of Labour in Nepal to adopt the plan",
    "A National Committee will be set up; A Committee will follow",
    "l'OIT et le Gouvernement du Niger, avec les partenaires sociaux",
    "El Ministerio de Trabajo y la OIT, con las organizaciones de empleadores",
    "Employers' and workers' organisations, civil society and trade unions",
    "employers’ organisations and non-governmental organisations",
    "The Government of Nepal and the Government will report",
    "MoLSA and MOLESS; MODERN MORE MoUs are no ministries",
    "Establish a National Steering Committee on Child Labour",
    "Convene a workshop for the selection of a pilot activity (before July 2019)",
    "the labour inspectorate and the police, prosecutors and judges",
    "UNICEF, UNODC, IOM and the EU support the Alliance 8.7 Pathfinder",
    "",
    "   ",
    "ILO",
    "Working Group on Supply Chains of the Pathfinder Countries",
]


def _plain(texts: list[str]) -> list[list[str]]:
    """The actors as the pipeline's EntityRuler itself finds them."""
    return [_ruler_names(doc) for doc in actor_nlp().pipe(texts)]


def _words() -> list[str]:
    """Words of the patterns and of the test texts: texts made of them match often."""
    words = {w for text in TEXTS for w in text.split()}
    for entry in load_actor_patterns():
        pattern = entry["pattern"]
        if isinstance(pattern, str):
            words.update(pattern.split())
        else:
            for spec in pattern:
                for value in spec.values():
                    if isinstance(value, str):
                        words.add(value)
                    elif isinstance(value, dict) and isinstance(value.get("IN"), list):
                        words.update(v for v in value["IN"][:40] if isinstance(v, str))
    return sorted(words)


def test_the_fast_path_is_on() -> None:
    assert isinstance(_actor_ruler(), _ActorRuler)


def test_same_actors_as_the_entity_ruler() -> None:
    variants = [v for t in TEXTS for v in (t, t.upper(), t.lower(), t.title())]
    assert find_actors(variants) == _plain(variants)


def test_same_actors_on_random_texts_of_pattern_words() -> None:
    words = _words()
    glue = ["the", "of", "and", "in", ",", "-", "for", "on", "'s", "Persons", "to", "A"]
    rng = random.Random(13)
    texts = [
        " ".join(
            rng.choice(words if rng.random() < 0.6 else glue) for _ in range(rng.randint(1, 14))
        )
        for _ in range(1500)
    ]
    found = find_actors(texts)
    assert found == _plain(texts)
    assert sum(1 for names in found if names) > 300  # the test does reach the matchers


def test_no_fast_path_for_a_ruler_it_cannot_mirror() -> None:
    nlp = spacy.blank("en")
    build_actor_ruler(nlp)
    assert _ActorRuler.build(nlp) is not None
    nlp.add_pipe("sentencizer")  # another component: the pipeline must read the texts
    assert _ActorRuler.build(nlp) is None
    untestable = spacy.blank("en")
    ruler = untestable.add_pipe(
        "entity_ruler", name="actor_ruler", config={"phrase_matcher_attr": "LOWER"}
    )
    ruler.add_patterns([{"label": "ACTOR", "pattern": [{"IS_TITLE": True}]}])
    assert _ActorRuler.build(untestable) is None  # no token the gate can test


@pytest.mark.parametrize("text", ["Train judges", "the Government", "MoLSA", ""])
def test_find_actors_one_text_at_a_time(text: str) -> None:
    assert find_actors([text]) == _plain([text])
