"""The cue rules' own word list lives in vocab/rules_extract.json (issue #12)."""

from __future__ import annotations

import json
import re
from importlib import resources

from pipeline.rules_extract import _actor_split_re


def test_actor_split_words_come_from_the_vocabulary() -> None:
    path = resources.files("pipeline.vocab").joinpath("rules_extract.json")
    data = json.loads(path.read_text("utf-8"))
    assert data["actor_separators"] == [",", ";", "/"]
    assert data["actor_conjunctions"] == ["and"]
    pattern = _actor_split_re()
    assert pattern.pattern == r"[,;/]|\b(?:and)\b"


def test_actor_split_is_the_same_as_before() -> None:
    before = re.compile(r"[,;/]|\band\b")
    for text in [
        "Ministry of Labour, ILO and UNICEF",
        "MoL / ILO; UNICEF",
        "Andorra and Band",
        "Ministry AND ILO",
        "sand and land",
        "",
    ]:
        assert _actor_split_re().split(text) == before.split(text)
