"""The extraction stage's fast paths give what the plain code they replace gives.

Each fast path (issue #13) is checked here against a plain version of the same step, on
made-up texts that probe its edges and on every block of a few corpus documents.
"""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

import pytest

from pipeline.itemtext import _sentence_marks, _sentencize, _sentencizer, split_sentences
from pipeline.lexicon import (
    TermIndex,
    Terms,
    all_lower,
    fold,
    lexicon,
    search_ignoring_case,
)

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "docs"


def _corpus_texts() -> list[str]:
    from pipeline.parse import parse_file

    texts: list[str] = []
    for name in ("regional_note.md", "faq_pays_pionniers_fr.md", "gcg08_meeting_report.md"):
        path = DOCS / name
        if path.exists():
            texts += [b.text for b in parse_file(path).blocks]
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    rng = random.Random(13)
    pieces = [
        "Mr.", "U.S.", "e.g.", "3.5", "(", ")", '"', "...", "?!", "\n", "  ", "etc.", "No.",
        "Adopt", "the", "plan", ".", "!", "?", "。", "“", "”", "'", "-", "priorities",
        "2025.", "Q1", "i.e.", "\u00a0", "Côte", "d’Ivoire", "Œuvre", "Straße", "ΣΟΦΙΑ", "İ",
        "K", "ſ", "next", "steps", "will", "child labour", "ﬁnal", "prochaines étapes",
    ]  # fmt: skip
    made = [
        "".join(rng.choice(pieces) + rng.choice(["", " ", " ", "\n"]) for _ in range(n))
        for n in [rng.randint(0, 14) for _ in range(3000)]
    ]
    return [*_corpus_texts(), *made]


# The fold as it was first written: lower case, ligatures spelt out, accents dropped.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def _plain_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "


def _plain_found_in(terms: Terms, padded: str) -> bool:
    for word in padded.split():
        if word in terms.words or word.startswith(terms.prefixes):
            return True
    return any(phrase in padded for phrase in terms.phrases)


def test_fold_skips_unicode_work_on_ascii_only(texts: list[str]) -> None:
    for text in texts:
        assert fold.__wrapped__(text) == _plain_fold(text)


def test_term_index_finds_what_each_terms_finds(texts: list[str]) -> None:
    lex = lexicon()
    for text in texts:
        for padded in (fold(text), text):  # a fold result, and any text at all
            found = lex.scan(padded)
            for name, terms in lex.classes.items():
                assert terms.found_in(padded) == _plain_found_in(terms, padded), name
            assert lex.class_names(found) == tuple(
                name for name, terms in lex.classes.items() if _plain_found_in(terms, padded)
            )
            assert bool(found & lex.future_bit) == _plain_found_in(lex.future, padded)
            assert bool(found & lex.past_bit) == _plain_found_in(lex.past, padded)
            assert bool(found & lex.reporting_bit) == _plain_found_in(lex.reporting, padded)


def test_term_index_prefixes_words_and_phrases() -> None:
    terms = Terms.of(["priorit", "plan ", "next step", "action plan "])
    index = TermIndex([(terms, 1)])
    assert index.scan(" our priorities ") == 1
    assert index.scan(" a plan ") == 1 and index.scan(" planning ") == 0
    assert index.scan(" the next steps ") == 1 and index.scan(" next ") == 0
    assert index.scan(" an action plan ") == 1 and index.scan(" action planning ") == 0
    assert index.scan(" pri ") == 0 and index.scan("   ") == 0


def test_sentences_read_off_the_tokenizer_are_the_sentencizers(texts: list[str]) -> None:
    nlp = _sentencizer()
    for text in texts:
        plain = [s.text.strip() for s in nlp(text).sents if s.text.strip()]
        assert split_sentences(text) == plain
        assert list(_sentencize(text, _sentence_marks())) == plain


def test_a_lower_case_twin_matches_where_ignorecase_does(texts: list[str]) -> None:
    lex = lexicon()
    patterns = [lex.done_statement, lex.reported, re.compile(r"\bnext\s+steps?\b", re.I)]
    for pattern in patterns:
        assert all_lower(pattern.pattern)
        for text in [*texts, "WAS COMPLETED", "The Minister ANNOUNCED THAT it will", "Next STEPS"]:
            fast, plain = search_ignoring_case(pattern, text), pattern.search(text)
            assert (fast and fast.span()) == (plain and plain.span())
    assert not all_lower(r"[A-Z]\w+") and not all_lower("ſ") and all_lower(r"(?P<y>\d{4})\S")


def test_actors_are_read_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.itemtext as itemtext
    from pipeline.actors import find_actors

    calls: list[list[str]] = []

    def spy(texts: list[str]) -> list[list[str]]:
        calls.append(list(texts))
        return find_actors(texts)

    monkeypatch.setattr(itemtext, "find_actors", spy)
    monkeypatch.setattr(itemtext, "_ACTORS", {})
    texts = ["The Ministry of Labour and the ILO will train inspectors", "Adopt the plan"] * 2
    first = itemtext._actors_named(texts)
    assert first == find_actors(texts) and calls == [texts[:2]]
    first[0].append("changed")  # callers own their lists
    assert itemtext._actors_named(texts[:1]) == find_actors(texts[:1]) and len(calls) == 1
    monkeypatch.setattr(itemtext, "_CACHE", 2)
    assert itemtext._actors_named([*texts, "Train judges"]) == find_actors([*texts, "Train judges"])
