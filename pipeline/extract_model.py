"""The extraction model: P(priority), P(next_step), P(not an item) for a candidate.

A multinomial logistic regression over the named features of `pipeline.features`. It is
stored as JSON (`models/extractor.json`: classes, feature names, weights rounded to 6
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
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import ModelError
from pipeline.fileio import write_text_atomic

CLASSES = ("none", "priority", "next_step")
MODEL_FILE = "extractor.json"
CARD_FILE = "extractor_card.json"
FORMAT_VERSION = 1
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "models"
_DECIMALS = 6


@dataclass(frozen=True)
class ExtractionModel:
    """Weights of the linear model: `coef[k, j]` is feature j's weight for class k."""

    features: dict[str, int]
    coef: np.ndarray
    intercept: np.ndarray
    version: str = ""

    def scores(self, features: dict[str, float]) -> np.ndarray:
        """The three class scores (log-odds) of one candidate."""
        z = self.intercept.copy()
        for name, value in features.items():
            j = self.features.get(name)
            if j is not None:
                z += self.coef[:, j] * value
        return z

    def predict_proba(self, features: dict[str, float]) -> np.ndarray:
        z = self.scores(features)
        z = np.exp(z - z.max())
        return z / z.sum()

    def contributions(self, features: dict[str, float], kind: str) -> list[tuple[str, float]]:
        """How much each feature moved `kind` against 'not an item', largest first."""
        k, none = CLASSES.index(kind), CLASSES.index("none")
        out = []
        for name, value in features.items():
            j = self.features.get(name)
            if j is not None:
                out.append((name, float((self.coef[k, j] - self.coef[none, j]) * value)))
        return sorted(out, key=lambda x: -abs(x[1]))


def fit_model(rows: list[dict[str, float]], labels: list[str], c: float = 0.5) -> ExtractionModel:
    """Fit the model on feature dicts and their classes; deterministic for the same data."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = DictVectorizer(sort=True)
    x = vectoriser.fit_transform(rows)
    y = np.array([CLASSES.index(label) for label in labels])
    present = sorted(set(y.tolist()))
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    clf.fit(x, y)
    coef = np.zeros((len(CLASSES), x.shape[1]))
    intercept = np.full(len(CLASSES), -30.0)  # a class never seen is never predicted
    if len(present) == 2:  # binary fit: one row of weights for the second class
        coef[present[1]] = clf.coef_[0]
        intercept[present[0]], intercept[present[1]] = 0.0, clf.intercept_[0]
    else:
        for row, k in enumerate(clf.classes_):
            coef[k] = clf.coef_[row]
            intercept[k] = clf.intercept_[row]
    names = vectoriser.get_feature_names_out().tolist()
    coef, intercept = np.round(coef, _DECIMALS), np.round(intercept, _DECIMALS)
    return ExtractionModel({n: j for j, n in enumerate(names)}, coef, intercept)


def model_json(model: ExtractionModel) -> str:
    names = sorted(model.features, key=model.features.__getitem__)
    data = {
        "format_version": FORMAT_VERSION,
        "classes": list(CLASSES),
        "intercept": [round(float(v), _DECIMALS) for v in model.intercept],
        "weights": {
            name: [round(float(v), _DECIMALS) for v in model.coef[:, j]]
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
        raise ModelError(f"cannot read the extraction model in {folder}: {exc}") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if card.get("model_sha256") != digest:
        raise ModelError(
            f"{path} does not match its card {CARD_FILE} (changed by hand?); "
            "run `pipeline train` to make a new one"
        )
    if data.get("format_version") != FORMAT_VERSION or data.get("classes") != list(CLASSES):
        raise ModelError(f"{path} is of another format; run `pipeline train`")
    names = list(data["weights"])
    coef = np.array([data["weights"][n] for n in names], dtype=float).T.reshape(len(CLASSES), -1)
    intercept = np.array(data["intercept"], dtype=float)
    if not all(math.isfinite(v) for v in intercept):
        raise ModelError(f"{path} holds invalid numbers; run `pipeline train`")
    return ExtractionModel({n: j for j, n in enumerate(names)}, coef, intercept, digest[:12])
