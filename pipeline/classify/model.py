"""The trained part of the classifier and its safe storage.

`TextModel`: TF-IDF word (1-2) and character (2-5, within words) n-grams, one L2 logistic
regression per label (one-vs-rest). The word n-grams also see the headers the item sits under
as separate `ctx_` features; the character n-grams see the item's words only.

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
import platform
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from pipeline.errors import ModelError
from pipeline.fileio import write_bytes_atomic, write_text_atomic
from pipeline.model_files import CARD_FILE, DEFAULT_DIR, MODEL_FILE
from pipeline.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

FORMAT_VERSION = 1

_ZIP_DATE = (2020, 1, 1, 0, 0, 0)
_ARRAYS = ("word_idf", "char_idf", "coef", "intercept", "calibration", "reliability", "thresholds")
_MAX_ENTRY_BYTES = 64 * 1024 * 1024


@lru_cache(maxsize=1)
def _not_evidence() -> frozenset[str]:
    # scikit-learn (and scipy) are imported only when a model is built or applied.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"context"}


def label_keys() -> list[str]:
    """The classifier's outputs, 'themes:child_labour' ... 'actions:monitoring'."""
    tax = load_taxonomy()
    return [f"themes:{i}" for i in tax.ids("themes")] + [f"actions:{i}" for i in tax.ids("actions")]


def library_versions() -> dict[str, str]:
    import scipy
    import sklearn
    import spacy

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "spacy": spacy.__version__,
    }


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


class TextModel:
    """TF-IDF word + character n-grams and one logistic regression per label."""

    def __init__(self, C: float = 4.0, min_df: int = 2, seed: int = 0) -> None:
        self.C = C
        self.min_df = min_df
        self.seed = seed

    def _vectorizers(self) -> tuple[TfidfVectorizer, TfidfVectorizer]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        word = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            min_df=self.min_df,
            sublinear_tf=True,
            preprocessor=word_view,
            token_pattern=r"(?u)\b\w\w+\b",
        )
        char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=self.min_df,
            sublinear_tf=True,
            preprocessor=char_view,
        )
        return word, char

    def fit(self, texts: list[str], Y: np.ndarray) -> TextModel:
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        self.word_, self.char_ = self._vectorizers()
        X = sparse.hstack(
            [self.word_.fit_transform(texts), self.char_.fit_transform(texts)], format="csr"
        )
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
        self.n_word_ = len(self.word_.vocabulary_)
        self.feature_names_ = np.concatenate(
            [self.word_.get_feature_names_out(), self.char_.get_feature_names_out()]
        )
        self._coef_t = np.ascontiguousarray(self.coef_.T.astype(np.float64))
        # Word features an analyst can read as evidence: not only stop words or the marker.
        self._readable = np.array(
            [
                i < self.n_word_
                and not {w.removeprefix(HEADER_PREFIX) for w in str(t).split()} <= _not_evidence()
                for i, t in enumerate(self.feature_names_)
            ]
        )

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        from scipy import sparse

        return sparse.hstack(
            [self.word_.transform(texts), self.char_.transform(texts)], format="csr"
        )

    def decision_function(self, texts: list[str]) -> tuple[np.ndarray, sparse.csr_matrix]:
        X = self.transform(texts)
        return np.asarray(X @ self._coef_t) + self.intercept_.astype(np.float64), X

    def top_terms(self, row: sparse.csr_matrix, label: int, k: int = 3) -> list[str]:
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
        self, row: sparse.csr_matrix, label: int, text: str, k: int = 3
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
            "word_vocabulary": self.word_.get_feature_names_out().tolist(),
            "char_vocabulary": self.char_.get_feature_names_out().tolist(),
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
        model.word_, model.char_ = model._vectorizers()
        for vec, vocab, idf in (
            (model.word_, config["word_vocabulary"], arrays["word_idf"]),
            (model.char_, config["char_vocabulary"], arrays["char_idf"]),
        ):
            if not all(isinstance(t, str) for t in vocab) or len(vocab) != len(idf):
                raise ValueError("vocabulary and idf do not match")
            vec.vocabulary_ = {term: i for i, term in enumerate(vocab)}
            vec.idf_ = np.asarray(idf, dtype=np.float64)
        model.coef_ = np.asarray(arrays["coef"], dtype=np.float32)
        model.intercept_ = np.asarray(arrays["intercept"], dtype=np.float32)
        if model.coef_.shape[1] != len(model.word_.vocabulary_) + len(model.char_.vocabulary_):
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
    library_versions: dict[str, str]
    settings: dict[str, Any] = Field(default_factory=dict)
    cv_folds: int
    metrics: dict[str, Any] = Field(default_factory=dict)
    per_label: list[LabelMetrics] = Field(default_factory=list)
    intended_use: str = (
        "Labels priorities and next steps from Alliance 8.7 documents with themes and action "
        "types. Scores are fused model and rule evidence; review low scores. Trained on "
        "corpus/training (never on the seeds' gold, which is the development set)."
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
    have = library_versions()
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
