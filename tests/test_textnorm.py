"""pipeline.textnorm: each function's documented variant, on French, Spanish and English text."""

from __future__ import annotations

import pytest

from pipeline import cues, evaluate, segment
from pipeline.classify import rules
from pipeline.corrections import text_hash
from pipeline.textnorm import (
    fold,
    nfkc,
    squash_space,
    straight_apostrophes,
    word_matches,
    words,
)

# ------------------------------------------------------------------------------------ nfkc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ﬁnancement ﬂexible", "financement flexible"),  # ligatures ﬁ ﬂ
        ("Ｎｅｘｔ ｓｔｅｐｓ １２", "Next steps 12"),  # fullwidth
        ("Prochaines\u00a0étapes", "Prochaines étapes"),  # no-break space
        ("e\u0301tape", "étape"),  # accent composed
        ("Voir…", "Voir..."),
    ],
)
def test_nfkc_replaces_compatibility_characters(text: str, expected: str) -> None:
    assert nfkc(text) == expected


def test_nfkc_keeps_case_accents_and_apostrophes() -> None:
    assert nfkc("Côte d’Ivoire: ÉTATS ARABES") == "Côte d’Ivoire: ÉTATS ARABES"


# ------------------------------------------------------------------------------------ fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PRÓXIMOS PASOS", "próximos pasos"),
        ("Côte d’Ivoire", "côte d’ivoire"),
        ("Niño, AÑO", "niño, año"),
        ("ﬁnancement", "financement"),
        ("Straße", "straße"),  # lower case keeps ß
    ],
)
def test_fold_keeping_accents(text: str, expected: str) -> None:
    assert fold(text, accents=True) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Région andina", "region andina"),
        ("ÉTATS ARABES", "etats arabes"),
        ("Côte d’Ivoire", "cote d’ivoire"),  # the apostrophe stays
        ("CAMERÚN", "camerun"),
        ("ﬁnancement", "financement"),
        ("e\u0301tape", "etape"),  # decomposed input too
        ("Œuvre", "œuvre"),  # œ has no decomposition: kept without `ligatures`
    ],
)
def test_fold_removing_accents(text: str, expected: str) -> None:
    assert fold(text, accents=False) == expected


def test_fold_casefold_makes_sharp_s_double_s() -> None:
    assert fold("Straße", accents=True, casefold=True) == "strasse"
    assert fold("STRASSE", accents=True, casefold=True) == "strasse"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Œuvre des sœurs", "oeuvre des soeurs"),
        ("Cæsar", "caesar"),
        ("Straße", "strasse"),
        ("Øresund, Łódź", "oresund, lodz"),
    ],
)
def test_fold_spells_out_ligatures_on_request(text: str, expected: str) -> None:
    assert fold(text, accents=False, ligatures=True) == expected


def test_fold_keeps_punctuation_and_spacing() -> None:
    assert fold("  Next-steps:\t(short) ", accents=False) == "  next-steps:\t(short) "


def test_fold_turkish_dotted_i_leaves_a_combining_dot_when_accents_are_kept() -> None:
    # str.lower turns "İ" into "i" + U+0307; only accent folding removes the dot.
    assert fold("İstanbul", accents=True) == "i\u0307stanbul"
    assert fold("İstanbul", accents=False) == "istanbul"


# ----------------------------------------------------------------------------------- words


def test_words_are_runs_of_letters_and_digits() -> None:
    text = "2. Renforcer l’inspection du travail (OIT) — phase_2!"
    expected = ["2", "Renforcer", "l", "inspection", "du", "travail", "OIT", "phase", "2"]
    assert words(text) == expected


def test_words_keep_apostrophes_inside_words_on_request() -> None:
    text = "children’s rights, d'action 'quoted'"
    assert words(text, apostrophes=True) == ["children’s", "rights", "d'action", "quoted"]
    assert words(text) == ["children", "s", "rights", "d", "action", "quoted"]


def test_words_keep_accented_and_non_latin_letters() -> None:
    expected = ["Próximos", "pasos", "año", "2025", "中文"]
    assert words("Próximos pasos: año 2025 ✓ 👍 中文") == expected


def test_word_matches_give_offsets_in_the_text_given() -> None:
    text = "Plan d’action, 2025"
    spans = [(m.group(0), m.start(), m.end()) for m in word_matches(text, apostrophes=True)]
    assert spans == [("Plan", 0, 4), ("d’action", 5, 13), ("2025", 15, 19)]


# ------------------------------------------------------------------- apostrophes, spaces


def test_straight_apostrophes_only_changes_the_typographic_apostrophe() -> None:
    assert straight_apostrophes("l’emploi d'abord ‘cité’") == "l'emploi d'abord ‘cité'"


def test_squash_space() -> None:
    assert squash_space("  Prochaines\u00a0étapes\t:\n\n d’ici 2025  ") == (
        "Prochaines étapes : d’ici 2025"
    )
    assert squash_space(" \n\t") == ""


# ------------------------------------------------------ the callers' keys, built from these


def test_cue_key_is_words_joined_with_accents_kept() -> None:
    assert cues.normalise("PROCHAINES ÉTAPES (court terme) :") == "prochaines étapes court terme"
    assert cues.normalise("next_steps\u00a0—\u00a0Próximos pasos") == "next steps próximos pasos"


def test_gold_tokens_follow_gold_md() -> None:
    assert evaluate.normalise("Élaborer un plan d’action national (PAN) ﬁnal") == [
        "élaborer",
        "un",
        "plan",
        "d",
        "action",
        "national",
        "pan",
        "final",
    ]


def test_rules_key_keeps_apostrophes_and_lowers_each_word() -> None:
    assert rules.normalise_key("Children’s  RIGHTS; l'OIT") == "children’s rights l'oit"
    assert [m.group(0) for m in rules.tokenize("ﬁnancial Support")] == ["financial", "Support"]


def test_text_hash_is_blind_to_case_form_and_spacing_not_accents() -> None:
    assert text_hash("Renforcer  l’inspection\u00a0DU travail") == text_hash(
        "renforcer l’inspection du travail"
    )
    assert text_hash("Straße") == text_hash("STRASSE")
    assert text_hash("Région") != text_hash("Region")


def test_region_names_match_with_or_without_accents() -> None:
    assert segment.names_region("Amérique latine et Caraïbes")
    assert segment.names_region("AMERIQUE LATINE")
    assert segment.names_region("Sous-régional: Afrique de l’Ouest")
    assert not segment.names_region("Côte d’Ivoire")


def test_classifier_evidence_is_cut_from_the_text_it_matched_even_with_ligatures() -> None:
    """NFKC makes 'ﬁ' two letters: the evidence phrase must not shift by a character."""
    from pipeline.classify.rules import rule_matcher

    signals = rule_matcher().text_signals("Fight the trafﬁcking of children into labour")
    phrases = [p for found in signals.phrase["themes"].values() for p in found]
    assert phrases and all(p.split()[0].isalpha() for p in phrases)
    assert any(p.startswith("trafficking") for p in phrases)
