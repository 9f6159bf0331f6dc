"""The extraction model: P(priority), P(next_step), P(not an item) for a candidate.

Two logistic regressions over the named features of `pipeline.features`: one says whether
a candidate is an item, the other whether an item is a next step rather than a priority. It
is stored as JSON (`models/extractor.json`: feature names, both heads' weights rounded to 6
decimals) with a card beside it (`models/extractor_card.json`: training data hash, feature
count, cross-validated scores); nothing is unpickled, and the weights are read with NumPy
alone, so extracting never imports scikit-learn. Rounding makes the file the same bytes on any
machine for the same data, and the version is the hash of those bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import ModelError
from pipeline.fileio import write_text_atomic

CLASSES = ("none", "priority", "next_step")
MODEL_FILE = "extractor.json"
CARD_FILE = "extractor_card.json"
FORMAT_VERSION = 2
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "models"
_DECIMALS = 6


@dataclass(frozen=True)
class ExtractionModel:
    """Two heads over the same features: is it an item (`item_coef`), and if so is it a next
    step rather than a priority (`kind_coef`). Being an item and being of one kind are
    different questions with different evidence (form against context), so each gets its own
    weights."""

    features: dict[str, int]
    item_coef: np.ndarray
    item_intercept: float
    kind_coef: np.ndarray
    kind_intercept: float
    version: str = ""

    def _z(self, features: dict[str, float]) -> tuple[float, float]:
        zi, zk = self.item_intercept, self.kind_intercept
        weights = self._weights
        for name, value in features.items():
            w = weights.get(name)
            if w is not None:
                zi += w[0] * value
                zk += w[1] * value
        return zi, zk

    @cached_property
    def _weights(self) -> dict[str, tuple[float, float]]:
        """Both heads' weight of each feature as Python floats, looked up once per feature
        (a float64 product and sum are the same in Python as in NumPy)."""
        item, kind = self.item_coef.tolist(), self.kind_coef.tolist()
        return {name: (item[j], kind[j]) for name, j in self.features.items()}

    def predict_proba(self, features: dict[str, float]) -> np.ndarray:
        """P(not an item), P(priority), P(next_step)."""
        return np.array(self.proba_row(features))

    def proba_row(self, features: dict[str, float]) -> list[float]:
        """`predict_proba` as a list of floats."""
        zi, zk = self._z(features)
        p_item = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, zi))))
        p_next = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, zk))))
        return [1.0 - p_item, p_item * (1.0 - p_next), p_item * p_next]

    def contributions(self, features: dict[str, float], kind: str) -> list[tuple[str, float]]:
        """How much each feature moved the candidate towards being an item of `kind`:
        its weight for being an item plus its weight for that kind, largest first."""
        sign = 1.0 if kind == "next_step" else -1.0
        out = []
        weights = self._weights
        for name, value in features.items():
            w = weights.get(name)
            if w is not None:
                out.append((name, float((w[0] + sign * w[1]) * value)))
        return sorted(out, key=lambda x: -abs(x[1]))


def _binary(x: Any, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Weights of an L2 logistic regression; a constant answer when y has one class."""
    from sklearn.linear_model import LogisticRegression

    if len(set(y.tolist())) < 2:
        return np.zeros(x.shape[1]), (30.0 if y.size and y[0] else -30.0)
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(x, y)
    return clf.coef_[0], float(clf.intercept_[0])


# The kind head reads where a candidate sits and what it says about time, not its shape: a
# list item that opens with a verb is as likely a priority as a next step.
KIND_FEATURE_PREFIXES = (
    "h:",
    "h_up:",
    "lead:",
    "near:",
    "parent:",
    "label:",
    "col:",
    "row:",
    "rowcells:",
    "top:",
    "t:",
    "h_cue=",
    "lead_cue=",
    "parent_cue=",
    "label_cue=",
    "col_cue=",
    "col_role=",
    "section_role=",
    "rule=",
    "future",
    "past",
    "has_year",
    "has_deadline",
    "subject_future",
    "first_person",
    "doc:",
)


def kind_features(features: dict[str, float]) -> dict[str, float]:
    """The features the kind head is trained on."""
    return {k: v for k, v in features.items() if k.startswith(KIND_FEATURE_PREFIXES)}


def fit_model(
    rows: list[dict[str, float]],
    labels: list[str],
    c: float = 0.1,
    c_kind: float = 0.5,
) -> ExtractionModel:
    """Fit both heads on feature dicts and their classes; deterministic for the same data."""
    from sklearn.feature_extraction import DictVectorizer

    vectoriser = DictVectorizer(sort=True)
    x = vectoriser.fit_transform(rows)
    is_item = np.array([label != "none" for label in labels])
    item_coef, item_b = _binary(x, is_item, c)
    positives = np.flatnonzero(is_item)
    is_next = np.array([labels[i] == "next_step" for i in positives])
    x_kind = vectoriser.transform([kind_features(rows[i]) for i in positives])
    kind_coef, kind_b = _binary(x_kind, is_next, c_kind)
    names = vectoriser.get_feature_names_out().tolist()
    return ExtractionModel(
        {n: j for j, n in enumerate(names)},
        np.round(item_coef, _DECIMALS),
        round(item_b, _DECIMALS),
        np.round(kind_coef, _DECIMALS),
        round(kind_b, _DECIMALS),
    )


def model_json(model: ExtractionModel) -> str:
    names = sorted(model.features, key=model.features.__getitem__)
    data = {
        "format_version": FORMAT_VERSION,
        "classes": list(CLASSES),
        "heads": ["item", "next_step_vs_priority"],
        "intercept": [
            round(model.item_intercept, _DECIMALS),
            round(model.kind_intercept, _DECIMALS),
        ],
        "weights": {
            name: [
                round(float(model.item_coef[j]), _DECIMALS),
                round(float(model.kind_coef[j]), _DECIMALS),
            ]
            for j, name in enumerate(names)
        },
    }
    return json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"


def save_model(model: ExtractionModel, folder: Path, card: dict[str, Any]) -> str:
    """Write the model and its card; returns the model's version (hash of its bytes)."""
    text = model_json(model)
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(folder / MODEL_FILE, text)
    card = {**card, "model_sha256": version, "format_version": FORMAT_VERSION}
    write_text_atomic(folder / CARD_FILE, json.dumps(card, indent=1, sort_keys=True) + "\n")
    return version[:12]


@lru_cache(maxsize=4)
def load_model(folder: Path = DEFAULT_DIR) -> ExtractionModel | None:
    """The installed model, or None when there is none (the rules then decide alone).

    Raises `ModelError` for a file that is damaged or does not match its card."""
    path = folder / MODEL_FILE
    if not path.exists():
        return None
    try:
        raw = path.read_bytes()
        card = json.loads((folder / CARD_FILE).read_text("utf-8"))
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise ModelError(path, f"cannot read the extraction model: {exc}") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if card.get("model_sha256") != digest:
        raise ModelError(
            path,
            f"does not match its card {CARD_FILE} (changed by hand?)",
            "Run `pipeline train` to make a new one.",
        )
    if data.get("format_version") != FORMAT_VERSION or data.get("classes") != list(CLASSES):
        raise ModelError(path, "is of another format", "Run `pipeline train`.")
    names = list(data["weights"])
    weights = np.array([data["weights"][n] for n in names], dtype=float).reshape(len(names), 2)
    intercept = [float(v) for v in data["intercept"]]
    if len(intercept) != 2 or not all(math.isfinite(v) for v in [*intercept, *weights.flat]):
        raise ModelError(path, "holds invalid numbers", "Run `pipeline train`.")
    return ExtractionModel(
        {n: j for j, n in enumerate(names)},
        weights[:, 0],
        intercept[0],
        weights[:, 1],
        intercept[1],
        digest[:12],
    )
