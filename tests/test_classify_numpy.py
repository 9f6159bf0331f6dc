"""The classifier applied without scikit-learn gives scikit-learn's scores.

`TextModel` applies the stored TF-IDF vocabularies, idf and weights with plain Python and
NumPy (`model.Tfidf`), so extracting never imports scikit-learn or SciPy. Here the same stored
model is applied both ways, scikit-learn's `TfidfVectorizer` + `scipy.sparse` being the
reference, on every text of the training corpus, on the items of real documents and on edge
cases; features, decision values, probabilities and fused scores must agree within 1e-9.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.classify import item_signals, load_classifier, model_text, rule_evidence
from pipeline.classify.model import VECTORIZERS, Classifier, TextModel, _not_evidence
from pipeline.classify.rules import item_headers
from pipeline.classify.train import DEFAULT_TRAINING_DIR, load_training

TOL = 1e-9
DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"

EDGE_CASES = [
    "",
    "   ",
    "a",
    "Ok.",
    "x y z",
    "Child labour child labour CHILD LABOUR child-labour",  # tf > 1: sublinear tf
    "Éliminer le travail des enfants d'ici 2025 — façon « forte »",
    "Erradicar el trabajo infantil; niñas y niños",
    "naïve café 1234 56 7",
    "tabs\tand\nnewlines  and   spaces",
    "zzzzqqqq xxyyzz",  # nothing in the vocabulary: an empty row
    "Train labour inspectors || context: Child Labour; Next steps",
    "|| context: only a header",
    "Strengthen inspection || context: ",
]


def _sklearn_decision(model: TextModel, texts: list[str]):
    """What `TextModel.decision_function` did with scikit-learn: the reference."""
    from scipy import sparse

    word, char = model.sklearn_vectorizers()
    for vec, stored in ((word, model.word_), (char, model.char_)):
        vec.vocabulary_ = dict(stored.vocabulary_)
        vec.idf_ = stored.idf_
    X = sparse.csr_matrix(sparse.hstack([word.transform(texts), char.transform(texts)]))
    coef_t = np.ascontiguousarray(model.coef_.T.astype(np.float64))
    return np.asarray(X @ coef_t) + model.intercept_.astype(np.float64), X


def _compare(classifier: Classifier, texts: list[str], headers: list[list[str]]) -> None:
    model = classifier.model
    ours, rows = model.decision_function(texts)
    ref, X = _sklearn_decision(model, texts)
    assert ours.shape == ref.shape == (len(texts), len(classifier.labels))
    assert np.max(np.abs(ours - ref), initial=0.0) <= TOL
    for i, row in enumerate(rows):
        expect = X.getrow(i)
        expect.sort_indices()
        assert row.indices.tolist() == expect.indices.tolist(), texts[i]
        assert np.allclose(row.data, expect.data, rtol=0, atol=1e-12), texts[i]
    # Probabilities and fused scores follow from the decision values with NumPy alone.
    signals = [
        item_signals(t.partition(" || context: ")[0], h)
        for t, h in zip(texts, headers, strict=True)
    ]
    keywords, context = rule_evidence(signals, classifier.labels)
    phrase = classifier.phrase_strength(keywords)
    assert (
        np.max(
            np.abs(
                classifier.scores(ours, phrase, context) - classifier.scores(ref, phrase, context)
            ),
            initial=0.0,
        )
        <= TOL
    )
    assert (
        np.max(
            np.abs(classifier.model_probability(ours) - classifier.model_probability(ref)),
            initial=0.0,
        )
        <= TOL
    )


def test_settings_are_what_tfidf_implements() -> None:
    """Every setting of the scikit-learn vectorizers that `Tfidf` relies on."""
    word, char = TextModel().sklearn_vectorizers()
    for vec, kind in ((word, "word"), (char, "char")):
        params = vec.get_params()
        assert params["preprocessor"] is VECTORIZERS[kind]["preprocessor"]
        assert params["analyzer"] == VECTORIZERS[kind]["analyzer"]
        assert params["ngram_range"] == VECTORIZERS[kind]["ngram_range"]
        assert params["norm"] == "l2" and params["use_idf"] and params["sublinear_tf"]
        assert params["input"] == "content" and not params["binary"]
        assert params["stop_words"] is None and params["tokenizer"] is None
        assert params["max_features"] is None and params["vocabulary"] is None
        assert params["dtype"] is np.float64
    assert word.get_params()["token_pattern"] == VECTORIZERS["word"]["token_pattern"]


def test_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert _not_evidence() == frozenset(ENGLISH_STOP_WORDS) | {"context"}


def test_analyzers_match_scikit_learn() -> None:
    classifier = load_classifier()
    word, char = classifier.model.sklearn_vectorizers()
    texts = [row.text for row in load_training(DEFAULT_TRAINING_DIR)[:300]] + EDGE_CASES
    for vec, ours in ((word, classifier.model.word_), (char, classifier.model.char_)):
        analyze = vec.build_analyzer()
        for text in texts:
            assert ours.analyze(text) == analyze(text), text


def test_training_corpus_scores_equal_scikit_learn() -> None:
    """Every text of corpus/training (the model's own inputs) and the edge cases."""
    classifier = load_classifier()
    rows = load_training(DEFAULT_TRAINING_DIR)
    texts = [model_text(r.text, r.headers()) for r in rows] + EDGE_CASES
    headers = [r.headers() for r in rows] + [[] for _ in EDGE_CASES]
    assert len(texts) > 800
    _compare(classifier, texts, headers)


@pytest.mark.parametrize(
    "name",
    [
        "lbr_national_action_plan_2025.docx",
        "eth_roadmap_workshop_2024.txt",
        "cmr_feuille_de_route_operationnelle.md",
        "compromisos_accion_america_latina_es.txt",
    ],
)
def test_document_items_score_equal_scikit_learn(name: str) -> None:
    """The items of real documents, with their headers, as `classify_items` sees them."""
    from pipeline.process import process_file

    path = DOCS / name
    if not path.is_file():
        pytest.skip(f"{name} is absent")
    items = process_file(path).items
    assert items
    headers = [item_headers(it.context, it.section) for it in items]
    texts = [model_text(it.text, h) for it, h in zip(items, headers, strict=True)]
    _compare(load_classifier(), texts, headers)


def test_refitted_model_applies_like_scikit_learn() -> None:
    """A model fitted now (training still uses scikit-learn) applies the same way."""
    rows = load_training(DEFAULT_TRAINING_DIR)[::6]
    texts = [model_text(r.text, r.headers()) for r in rows]
    Y = np.zeros((len(texts), 2))
    Y[::2, 0] = 1
    Y[::3, 1] = 1
    model = TextModel().fit(texts, Y)
    ours, _ = model.decision_function(texts + EDGE_CASES)
    ref, _ = _sklearn_decision(model, texts + EDGE_CASES)
    assert np.max(np.abs(ours - ref)) <= TOL
