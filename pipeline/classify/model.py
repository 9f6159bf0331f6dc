"""The trained part of the classifier and its safe storage.

`TextModel`: TF-IDF word (1-2) and character (2-5, within words) n-grams, one L2 logistic
regression per label (one-vs-rest). The word n-grams also see the headers the item sits under
as separate `ctx_` features; the character n-grams see the item's words only. Training fits
it with scikit-learn; applying it needs NumPy only (`Tfidf` does what the fitted
`TfidfVectorizer`s do, to the last bit), so extracting never imports scikit-learn or SciPy
(~0.5-0.9 s of start-up).

`fuse` combines three pieces of evidence per label as a noisy-OR:
`1 - (1 - phrase) (1 - context_rel · context) (1 - model)`, where `model` is the text model's
probability after Platt scaling of its out-of-fold decision values (what
`CalibratedClassifierCV(method="sigmoid", ensemble=False)` does, kept as two numbers per
label), `phrase` the reliability of the best keyword found (how often that keyword went with
the label in training) and `context_rel` the same for headers. So a phrase or header that was
reliable in training carries a label on its own, a weak keyword ("rescued" bonded labourers
describe the target group) needs the model's support, and the model alone can add a label
when it is confident. A label is assigned when the fused score reaches a threshold tuned per
label on out-of-fold scores (`train.py`).

Storage (`models/`): `classifier.npz` is a zip of plain `.npy` arrays (read with
`allow_pickle=False`) and one `config.json` (labels, vocabularies, vectoriser settings,
thresholds); nothing in it is ever unpickled, so a swapped file cannot run code. The zip is
written with fixed timestamps, so the same training data gives the same bytes.
`model_card.json` beside it records the label set, taxonomy fingerprint, training-data hash,
library versions, date, metrics and the sha256 of `classifier.npz`; `load_classifier` refuses a
file whose hash, taxonomy or library versions do not match, with a message saying to retrain.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from pipeline.errors import ModelError
from pipeline.fileio import write_bytes_atomic, write_text_atomic
from pipeline.model_files import CARD_FILE, DEFAULT_DIR, MODEL_FILE
from pipeline.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

FORMAT_VERSION = 1

_ZIP_DATE = (2020, 1, 1, 0, 0, 0)
_ARRAYS = ("word_idf", "char_idf", "coef", "intercept", "calibration", "reliability", "thresholds")
_MAX_ENTRY_BYTES = 64 * 1024 * 1024


# scikit-learn's ENGLISH_STOP_WORDS (checked equal in tests/test_classify_numpy.py): applying
# the classifier does not import scikit-learn.
_STOP_WORDS = """
a about above across after afterwards again against all almost alone along already also
although always am among amongst amoungst amount an and another any anyhow anyone anything
anyway anywhere are around as at back be became because become becomes becoming been before
beforehand behind being below beside besides between beyond bill both bottom but by call can
cannot cant co con could couldnt cry de describe detail do done down due during each eg
eight either eleven else elsewhere empty enough etc even ever every everyone everything
everywhere except few fifteen fifty fill find fire first five for former formerly forty
found four from front full further get give go had has hasnt have he hence her here
hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in
inc indeed interest into is it its itself keep last latter latterly least less ltd made many
may me meanwhile might mill mine more moreover most mostly move much must my myself name
namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere
of off often on once one only onto or other others otherwise our ours ourselves out over own
part per perhaps please put rather re same see seem seemed seeming seems serious several she
should show side since sincere six sixty so some somehow someone something sometime
sometimes somewhere still such system take ten than that the their them themselves then
thence there thereafter thereby therefore therein thereupon these they thick thin third this
those though three through throughout thru thus to together too top toward towards twelve
twenty two un under until up upon us very via was we well were what whatever when whence
whenever where whereafter whereas whereby wherein whereupon wherever whether which while
whither who whoever whole whom whose why will with within without would yet you your yours
yourself yourselves
"""


@lru_cache(maxsize=1)
def _not_evidence() -> frozenset[str]:
    return frozenset(_STOP_WORDS.split()) | {"context"}


def label_keys() -> list[str]:
    """The classifier's outputs, 'themes:child_labour' ... 'actions:monitoring'."""
    tax = load_taxonomy()
    return [f"themes:{i}" for i in tax.ids("themes")] + [f"actions:{i}" for i in tax.ids("actions")]


def library_versions() -> dict[str, str]:
    """The installed versions (read from the packages' metadata: nothing is imported)."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": _installed("scipy"),
        "scikit-learn": _installed("scikit-learn"),
        "spacy": _installed("spacy"),
    }


def _installed(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


# ----------------------------------------------------------------------------- text model

CONTEXT_MARK = " || context: "
HEADER_PREFIX = "ctx_"
"""Marks a header word among the word features; never shown to analysts (`evidence_terms`)."""
_WORD_RE = re.compile(r"\w\w+")


def word_view(text: str) -> str:
    """What the word n-grams see: the item's words, then its header words as separate
    features ("ctx_child ctx_labour"), so a heading word never counts as an item word."""
    body, _, headers = text.lower().partition(CONTEXT_MARK.lower())
    if not headers:
        return body
    return body + " " + " ".join(HEADER_PREFIX + w for w in _WORD_RE.findall(headers))


def char_view(text: str) -> str:
    """What the character n-grams see: the item's own words only."""
    return text.lower().partition(CONTEXT_MARK.lower())[0]


def _word_containing(text: str, fragment: str) -> str:
    """The first word of `text` that holds the character n-gram `fragment` (else itself)."""
    fragment = fragment.strip()
    for word in re.findall(r"\w+", text):
        if fragment and fragment in word:
            return word
    return fragment


VECTORIZERS: dict[str, dict[str, Any]] = {
    "word": {
        "analyzer": "word",
        "ngram_range": (1, 2),
        "sublinear_tf": True,
        "preprocessor": word_view,
        "token_pattern": r"(?u)\b\w\w+\b",
    },
    "char": {
        "analyzer": "char_wb",
        "ngram_range": (2, 5),
        "sublinear_tf": True,
        "preprocessor": char_view,
    },
}
"""The two `TfidfVectorizer`s' settings (besides `min_df`), for training (scikit-learn) and
for `Tfidf`, which applies them without it. Every other setting is scikit-learn's default:
l2 norm, smoothed idf, no stop words; the preprocessor replaces lowercasing and accents."""


class SparseRow(NamedTuple):
    """One row of the feature matrix: sorted feature indices and their tf-idf values."""

    indices: np.ndarray
    data: np.ndarray


class Tfidf:
    """A fitted `TfidfVectorizer`'s `transform` for one text, in plain Python and NumPy.

    Applying the classifier must not import scikit-learn (~0.5–0.9 s) or SciPy; training does.
    This does what scikit-learn 1.x does for the settings in `VECTORIZERS`, step by step and
    in the same order, so the values are the same to the last bit:

    - analyzer (`_analyze`): the preprocessor (our `word_view` / `char_view`; it replaces
      scikit-learn's lowercasing and accent stripping), then for "word" the token pattern's
      matches and their n-grams (`_word_ngrams`: all unigrams, then all bigrams, ...), for
      "char_wb" each whitespace-separated word padded with one space and its character n-grams
      (`_char_wb_ngrams`, a word shorter than n counted once);
    - counts of the n-grams in the vocabulary (`_count_vocab`), features sorted;
    - sublinear tf `log(tf) + 1`, times idf, then each row divided by its l2 norm (sum of
      squares in feature order, as `_inplace_csr_row_normalize_l2`; an empty row stays empty).

    `tests/test_classify_numpy.py` checks it against scikit-learn on the training corpus.
    """

    _white_spaces = re.compile(r"\s\s+")

    _SUPPORTED = frozenset(
        {"analyzer", "ngram_range", "sublinear_tf", "preprocessor", "token_pattern"}
    )

    def __init__(self, kind: str, vocabulary: list[str], idf: np.ndarray) -> None:
        settings = VECTORIZERS[kind]
        unsupported = settings.keys() - self._SUPPORTED
        if unsupported or settings["analyzer"] not in ("word", "char_wb"):
            raise ValueError(f"Tfidf does not implement the vectorizer settings {settings}")
        self.kind = kind
        self.analyzer = settings["analyzer"]
        self.preprocessor = settings["preprocessor"]
        self.min_n, self.max_n = settings["ngram_range"]
        self.sublinear_tf = settings["sublinear_tf"]
        self._token_re = re.compile(settings.get("token_pattern", r"(?u)\b\w\w+\b"))
        self.names = list(vocabulary)
        self.vocabulary_ = dict(zip(self.names, range(len(self.names)), strict=True))
        self.idf_ = np.asarray(idf, dtype=np.float64)
        if len(self.vocabulary_) != len(self.names) or len(self.names) != len(self.idf_):
            raise ValueError("vocabulary and idf do not match")

    @classmethod
    def from_sklearn(cls, kind: str, vectorizer: Any) -> Tfidf:
        return cls(kind, vectorizer.get_feature_names_out().tolist(), vectorizer.idf_)

    def analyze(self, text: str) -> list[str]:
        doc = self.preprocessor(text)
        min_n, max_n = self.min_n, self.max_n
        if self.analyzer == "word":
            original = self._token_re.findall(doc)
            if max_n == 1:
                return original
            tokens = list(original) if min_n == 1 else []
            n_original = len(original)
            for n in range(max(min_n, 2), min(max_n + 1, n_original + 1)):
                for i in range(n_original - n + 1):
                    tokens.append(" ".join(original[i : i + n]))
            return tokens
        ngrams: list[str] = []
        append = ngrams.append
        for w in self._white_spaces.sub(" ", doc).split():
            w = " " + w + " "
            w_len = len(w)
            for n in range(min_n, max_n + 1):
                offset = 0
                append(w[offset : offset + n])
                while offset + n < w_len:
                    offset += 1
                    append(w[offset : offset + n])
                if offset == 0:  # a word shorter than n: counted once
                    break
        return ngrams

    def transform_one(self, text: str) -> SparseRow:
        vocabulary = self.vocabulary_
        counts: dict[int, int] = {}
        for feature in self.analyze(text):
            j = vocabulary.get(feature)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        indices = np.array(sorted(counts), dtype=np.int64)
        data = np.array([counts[j] for j in indices.tolist()], dtype=np.float64)
        if self.sublinear_tf:
            data = np.log(data) + 1.0
        data *= self.idf_[indices]
        if data.size:
            sum_sq = float(np.add.accumulate(data * data)[-1])  # in order, like scikit-learn
            if sum_sq != 0.0:
                data /= math.sqrt(sum_sq)
        return SparseRow(indices, data)


class TextModel:
    """TF-IDF word + character n-grams and one logistic regression per label."""

    def __init__(self, C: float = 4.0, min_df: int = 2, seed: int = 0) -> None:
        self.C = C
        self.min_df = min_df
        self.seed = seed

    def sklearn_vectorizers(self) -> tuple[TfidfVectorizer, TfidfVectorizer]:
        """Unfitted scikit-learn vectorizers with this model's settings (training, tests)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        word = TfidfVectorizer(min_df=self.min_df, **VECTORIZERS["word"])
        char = TfidfVectorizer(min_df=self.min_df, **VECTORIZERS["char"])
        return word, char

    def fit(self, texts: list[str], Y: np.ndarray) -> TextModel:
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        word, char = self.sklearn_vectorizers()
        X = sparse.hstack([word.fit_transform(texts), char.fit_transform(texts)], format="csr")
        self.word_ = Tfidf.from_sklearn("word", word)
        self.char_ = Tfidf.from_sklearn("char", char)
        n_labels = Y.shape[1]
        coef = np.zeros((n_labels, X.shape[1]))
        intercept = np.zeros(n_labels)
        for j in range(n_labels):
            y = Y[:, j]
            if y.min() == y.max():  # a label never (or always) seen: constant output
                intercept[j] = 10.0 if y[0] else -10.0
                continue
            lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
            lr.fit(X, y)
            coef[j], intercept[j] = lr.coef_[0], lr.intercept_[0]
        # Stored as float32: the model in memory is exactly the model on disk.
        self.coef_ = coef.astype(np.float32)
        self.intercept_ = intercept.astype(np.float32)
        self._finish()
        return self

    def _finish(self) -> None:
        self.n_word_ = len(self.word_.names)
        self.feature_names_ = self.word_.names + self.char_.names
        self._coef_t = np.ascontiguousarray(self.coef_.T.astype(np.float64))
        self._intercept = self.intercept_.astype(np.float64)
        # Word features an analyst can read as evidence: not only stop words or the marker.
        self._readable = np.zeros(len(self.feature_names_), dtype=bool)
        not_evidence = _not_evidence()
        for i, term in enumerate(self.word_.names):
            words = {w.removeprefix(HEADER_PREFIX) for w in term.split()}
            self._readable[i] = not words <= not_evidence

    def transform(self, texts: list[str]) -> list[SparseRow]:
        """One row per text: the word features, then the character features (offset by the
        word vocabulary), as `scipy.sparse.hstack` of the two vectorizers' rows gives."""
        rows = []
        for text in texts:
            word, char = self.word_.transform_one(text), self.char_.transform_one(text)
            rows.append(
                SparseRow(
                    np.concatenate([word.indices, char.indices + self.n_word_]),
                    np.concatenate([word.data, char.data]),
                )
            )
        return rows

    def decision_function(self, texts: list[str]) -> tuple[np.ndarray, list[SparseRow]]:
        """Decision values (texts, labels) and the feature rows.

        `X @ coef.T` of a sparse row adds `value * coef` feature by feature, in order; the
        running sum (`cumsum`) does the same additions, so the values match scikit-learn's.
        """
        X = self.transform(texts)
        out = np.zeros((len(texts), self._coef_t.shape[1]))
        for i, row in enumerate(X):
            if row.indices.size:
                terms = row.data[:, None] * self._coef_t[row.indices]
                out[i] = np.cumsum(terms, axis=0)[-1]
        return out + self._intercept, X

    def top_terms(self, row: SparseRow, label: int, k: int = 3) -> list[str]:
        """The word features that pushed this row most towards `label`."""
        idx, vals = row.indices, row.data
        contrib = vals * self._coef_t[idx, label]
        order = np.argsort(-contrib, kind="stable")
        words = [
            str(self.feature_names_[idx[i]])
            for i in order
            if contrib[i] > 0 and idx[i] < self.n_word_ and self._readable[idx[i]]
        ]
        if not words:
            words = [str(self.feature_names_[idx[i]]).strip() for i in order[:k] if contrib[i] > 0]
        return words[:k]

    def evidence_terms(
        self, row: SparseRow, label: int, text: str, k: int = 3
    ) -> tuple[list[str], list[str]]:
        """The words that pushed `text` (the model's input) most towards `label`, in words an
        analyst can find: (words of the item, words of the headers it sits under).

        Header features ("ctx_child ctx_labour") become the header's words ("child labour");
        a character n-gram becomes the item word it is part of. No internal feature name is
        returned.
        """
        own: list[str] = []
        header: list[str] = []

        def add(into: list[str], words: list[str]) -> None:
            phrase = " ".join(words)
            if phrase and phrase not in into:
                into.append(phrase)

        for term in self.top_terms(row, label, k):
            words = term.split()
            if len(words) == 1 and words[0] not in self.word_.vocabulary_:
                add(own, [_word_containing(char_view(text), term)])
                continue
            add(own, [w for w in words if not w.startswith(HEADER_PREFIX)])
            add(
                header,
                [w.removeprefix(HEADER_PREFIX) for w in words if w.startswith(HEADER_PREFIX)],
            )
        return own, header

    # -- storage: vocabularies as JSON lists, everything else as float arrays

    def to_config(self) -> dict[str, Any]:
        return {
            "C": self.C,
            "min_df": self.min_df,
            "seed": self.seed,
            "word_vocabulary": list(self.word_.names),
            "char_vocabulary": list(self.char_.names),
        }

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "word_idf": self.word_.idf_,
            "char_idf": self.char_.idf_,
            "coef": self.coef_,
            "intercept": self.intercept_,
        }

    @classmethod
    def from_stored(cls, config: dict[str, Any], arrays: dict[str, np.ndarray]) -> TextModel:
        model = cls(C=float(config["C"]), min_df=int(config["min_df"]), seed=int(config["seed"]))
        for kind in ("word", "char"):
            vocab = config[f"{kind}_vocabulary"]
            if not isinstance(vocab, list) or not set(map(type, vocab)) <= {str}:
                raise ValueError("the vocabulary is not a list of strings")
            setattr(model, f"{kind}_", Tfidf(kind, vocab, arrays[f"{kind}_idf"]))
        model.coef_ = np.asarray(arrays["coef"], dtype=np.float32)
        model.intercept_ = np.asarray(arrays["intercept"], dtype=np.float32)
        if model.coef_.shape[1] != len(model.word_.names) + len(model.char_.names):
            raise ValueError("coefficients do not match the vocabulary")
        model._finish()
        return model


# ----------------------------------------------------------------------------- fusion


def fuse(
    calibration: np.ndarray,
    context_rel: np.ndarray,
    decision: np.ndarray,
    phrase: np.ndarray,
    context: np.ndarray,
) -> np.ndarray:
    """Fused score per label, a noisy-OR of three independent pieces of evidence:

    1 - (1 - phrase) * (1 - context_rel * context) * (1 - model)

    `phrase` is the reliability of the best keyword found (0 if none), `context` is 0/1 and
    `context_rel` how often a context header naming the label was right in training, `model`
    the text model's Platt-calibrated probability. Arrays are (items, labels); `calibration`
    is (labels, 2) and `context_rel` (labels,).
    """
    model = sigmoid(calibration[:, 0] * decision + calibration[:, 1])
    return 1.0 - (1.0 - phrase) * (1.0 - context_rel * context) * (1.0 - model)


def fit_platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling (a, b) of one label's out-of-fold decision values, with Platt's target
    smoothing; a >= 0 so a higher decision value never lowers the probability."""
    from scipy.optimize import minimize

    pos = float(y.sum())
    neg = float(len(y) - pos)
    t = np.where(y == 1, (pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        p = sigmoid(w[0] * decision + w[1])
        eps = 1e-12
        nll = -np.sum(t * np.log(p + eps) + (1 - t) * np.log(1 - p + eps))
        g = p - t
        return float(nll), np.array([g @ decision, g.sum()])

    result = minimize(
        loss,
        x0=np.array([1.0, 0.0]),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, None), (None, None)],
    )
    return float(result.x[0]), float(result.x[1])


# ----------------------------------------------------------------------------- card


class LabelMetrics(BaseModel):
    label: str
    support: int
    precision: float
    recall: float
    f1: float
    threshold: float


class ModelCard(BaseModel):
    """What a reviewer needs to know about a trained classifier (`models/model_card.json`)."""

    format_version: int = FORMAT_VERSION
    model_file: str = MODEL_FILE
    model_sha256: str
    created: str = Field(description="Training date, ISO 8601.")
    labels: list[str]
    taxonomy_version: str
    taxonomy_fingerprint: str
    training_data_sha256: str
    training_items: int
    corrections_items: int = 0
    gold_items: int = Field(default=0, description="Of the training items, from corpus/gold.")
    library_versions: dict[str, str]
    settings: dict[str, Any] = Field(default_factory=dict)
    cv_folds: int
    metrics: dict[str, Any] = Field(default_factory=dict)
    per_label: list[LabelMetrics] = Field(default_factory=list)
    intended_use: str = (
        "Labels priorities and next steps from Alliance 8.7 documents with themes and action "
        "types. Scores are fused model and rule evidence; review low scores. Trained on "
        "corpus/training and the items of corpus/gold (never on the seeds' gold, which is the "
        "development set)."
    )


# ----------------------------------------------------------------------------- classifier


class Classifier:
    """A trained text model with its rule reliabilities, calibration, thresholds and card.

    - `calibration` (labels, 2): Platt scaling (a, b) of the text model's decision values;
    - `reliability` (labels, 2): how often, in training, a phrase (column 0, the prior for
      keywords not seen in training) and a context header (column 1) naming the label were
      right;
    - `keyword_reliability`: the same per keyword, `{label: {keyword: p}}`;
    - `thresholds` (labels,): the score a label needs to be assigned.
    """

    def __init__(
        self,
        labels: list[str],
        model: TextModel,
        calibration: np.ndarray,
        reliability: np.ndarray,
        keyword_reliability: dict[str, dict[str, float]],
        thresholds: np.ndarray,
        card: ModelCard | None = None,
    ) -> None:
        self.labels = labels
        self.model = model
        self.calibration = np.asarray(calibration, dtype=np.float64)
        self.reliability = np.asarray(reliability, dtype=np.float64)
        self.keyword_reliability = keyword_reliability
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.card = card

    def threshold(self, key: str) -> float:
        return float(self.thresholds[self.labels.index(key)])

    def model_probability(self, decision: np.ndarray) -> np.ndarray:
        """The text model's own calibrated probability (Platt scaling)."""
        return sigmoid(self.calibration[:, 0] * decision + self.calibration[:, 1])

    def phrase_strength(self, keywords: list[dict[str, list[str]]]) -> np.ndarray:
        """(items, labels): reliability of the best keyword found for each label, else 0.

        `keywords[i]` maps 'themes:child_labour' to the keywords matched in item i.
        """
        out = np.zeros((len(keywords), len(self.labels)))
        index = {key: j for j, key in enumerate(self.labels)}
        for i, found in enumerate(keywords):
            for key, kws in found.items():
                j = index.get(key)
                if j is None or not kws:
                    continue
                table = self.keyword_reliability.get(key, {})
                prior = self.reliability[j, 0]
                out[i, j] = max(table.get(kw, prior) for kw in kws)
        return out

    def scores(self, decision: np.ndarray, phrase: np.ndarray, context: np.ndarray) -> np.ndarray:
        return fuse(self.calibration, self.reliability[:, 1], decision, phrase, context)

    # -- storage

    def to_bytes(self) -> bytes:
        config = {
            "format_version": FORMAT_VERSION,
            "labels": self.labels,
            "model": self.model.to_config(),
            "keyword_reliability": self.keyword_reliability,
        }
        arrays = {
            **self.model.to_arrays(),
            "calibration": self.calibration,
            "reliability": self.reliability,
            "thresholds": self.thresholds,
        }
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            info = zipfile.ZipInfo("config.json", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, json.dumps(config, ensure_ascii=False, sort_keys=True))
            for name in _ARRAYS:
                out = io.BytesIO()
                np.lib.format.write_array(out, np.ascontiguousarray(arrays[name]))
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, out.getvalue())
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, source: str | Path | None = None) -> Classifier:
        """Read a classifier without unpickling anything; any defect is a `ModelError`."""
        expected = {"config.json", *(f"{n}.npy" for n in _ARRAYS)}
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if names != expected:
                    extra = sorted(names - expected) or sorted(expected - names)
                    raise ModelError(source, f"unexpected model contents {extra}")
                for info in zf.infolist():
                    if info.file_size > _MAX_ENTRY_BYTES:
                        raise ModelError(source, f"model entry {info.filename} is too large")
                config = json.loads(zf.read("config.json").decode("utf-8"))
                arrays = {}
                for name in _ARRAYS:
                    with zf.open(f"{name}.npy") as fh:
                        array = np.lib.format.read_array(fh, allow_pickle=False)
                    if array.dtype.kind not in "fiu":
                        raise ModelError(source, f"model array {name} has type {array.dtype}")
                    arrays[name] = array
        except ModelError:
            raise
        except (zipfile.BadZipFile, ValueError, KeyError, OSError, EOFError) as exc:
            reason = f"the model file is damaged or not a classifier ({type(exc).__name__}: {exc})"
            raise ModelError(source, reason) from exc
        if not isinstance(config, dict) or config.get("format_version") != FORMAT_VERSION:
            raise ModelError(source, "the model format is not supported")
        try:
            labels = [str(x) for x in config["labels"]]
            model = TextModel.from_stored(config["model"], arrays)
            keyword_rel = {
                str(key): {str(kw): float(p) for kw, p in table.items()}
                for key, table in config["keyword_reliability"].items()
            }
            n = len(labels)
            shapes = {
                "coef": (n, model.coef_.shape[1]),
                "intercept": (n,),
                "calibration": (n, 2),
                "reliability": (n, 2),
                "thresholds": (n,),
            }
            for name, shape in shapes.items():
                if arrays[name].shape != shape:
                    raise ValueError(f"{name} has shape {arrays[name].shape}, expected {shape}")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(source, f"the model file is inconsistent ({exc})") from exc
        return cls(
            labels,
            model,
            arrays["calibration"],
            arrays["reliability"],
            keyword_rel,
            arrays["thresholds"],
        )


def save_classifier(
    classifier: Classifier, out_dir: Path, card: ModelCard | dict[str, Any]
) -> ModelCard:
    """Write `classifier.npz` and `model_card.json` (with the file's sha256) to `out_dir`."""
    data = classifier.to_bytes()
    fields = card.model_dump() if isinstance(card, ModelCard) else dict(card)
    fields["model_sha256"] = hashlib.sha256(data).hexdigest()
    card = ModelCard.model_validate(fields)
    out_dir = Path(out_dir)
    write_bytes_atomic(out_dir / MODEL_FILE, data)
    write_text_atomic(out_dir / CARD_FILE, card.model_dump_json(indent=2) + "\n")
    for name in (MODEL_FILE, CARD_FILE):
        (out_dir / name).chmod(0o644)
    classifier.card = card
    load_classifier.cache_clear()
    return card


def _check_card(card: ModelCard, data: bytes, path: Path) -> None:
    digest = hashlib.sha256(data).hexdigest()
    if digest != card.model_sha256:
        raise ModelError(
            path,
            "the model file does not match its model card (sha256 differs): it was changed "
            "after training",
        )
    tax = load_taxonomy()
    if card.taxonomy_fingerprint != tax.fingerprint():
        raise ModelError(
            path,
            f"the model was trained for another taxonomy (fingerprint "
            f"{card.taxonomy_fingerprint}, current {tax.fingerprint()})",
            "Retrain the model for the current taxonomy with `pipeline train`.",
        )
    if card.labels != label_keys():
        raise ModelError(path, "the model's label set differs from the current taxonomy")
    if card.format_version != FORMAT_VERSION:
        raise ModelError(path, f"model format {card.format_version} is not supported")
    have = {"numpy": np.__version__, "scikit-learn": _installed("scikit-learn")}
    for lib, check in (("scikit-learn", _major_minor), ("numpy", lambda v: v.split(".")[0])):
        trained = card.library_versions.get(lib, "?")
        if check(trained) != check(have[lib]):
            raise ModelError(
                path,
                f"the model was trained with {lib} {trained}, which is incompatible with the "
                f"installed {lib} {have[lib]}",
                "Retrain the model with the installed libraries: `pipeline train`.",
            )


def read_classifier(path: Path | None = None) -> Classifier:
    """Load and check a classifier (a `models/` folder or its `classifier.npz`), uncached."""
    path = Path(path) if path is not None else DEFAULT_DIR
    folder = path if path.is_dir() else path.parent
    model_path = folder / MODEL_FILE if path.is_dir() else path
    card_path = folder / CARD_FILE
    if not model_path.is_file() or not card_path.is_file():
        raise ModelError(folder, f"no trained classifier ({MODEL_FILE} and {CARD_FILE})")
    try:
        card = ModelCard.model_validate_json(card_path.read_text("utf-8"))
    except (ValidationError, OSError, UnicodeDecodeError) as exc:
        raise ModelError(
            card_path, f"the model card is not valid ({exc.__class__.__name__})"
        ) from exc
    data = model_path.read_bytes()
    _check_card(card, data, model_path)
    classifier = Classifier.from_bytes(data, model_path)
    if classifier.labels != card.labels:
        raise ModelError(model_path, "the model's labels differ from its model card")
    classifier.card = card
    return classifier


@lru_cache(maxsize=4)
def _cached(path: str, stamp: tuple[int, ...]) -> Classifier:
    return read_classifier(Path(path))


def _stamp(path: Path) -> tuple[int, ...]:
    folder = path if path.is_dir() else path.parent
    target = folder / MODEL_FILE if path.is_dir() else path
    out = []
    for file in (target, folder / CARD_FILE):
        try:
            st = file.stat()
            out += [st.st_mtime_ns, st.st_size]
        except OSError:
            out += [-1, -1]
    return tuple(out)


def load_classifier(path: Path | None = None) -> Classifier:
    """The classifier in `path` (default: the committed `models/`), checked and cached."""
    path = Path(path) if path is not None else DEFAULT_DIR
    return _cached(str(path.resolve()), _stamp(path))


load_classifier.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]
