"""The extraction model: P(priority), P(next_step), P(not an item) for a candidate.

Two heads over the named features of `pipeline.features`: boosted trees say whether a
candidate is an item, a logistic regression whether an item is a next step rather than a
priority. It is stored as JSON (`models/extractor.json`: feature names, the kind head's
weights and the trees' nodes, rounded to 6 decimals) with a card beside it
(`models/extractor_card.json`: training data hash, feature count, cross-validated scores);
nothing is unpickled, and the model is run with NumPy alone, so extracting never imports
scikit-learn. Rounding makes the file the same bytes on any machine for the same data, and the
version is the hash of those bytes.
"""

from __future__ import annotations

import hashlib
import heapq
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
FORMAT_VERSION = 3
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "models"
_DECIMALS = 6


@dataclass(frozen=True)
class Trees:
    """Boosted regression trees over the model's feature columns: the item head's log-odds.

    Nodes of all trees in flat arrays; a leaf has feature -1. `value` is a leaf's output and,
    at an inner node, the mean output of the training candidates that reached it, so the steps
    along a candidate's path say how much each split moved it (its explanation)."""

    baseline: float
    feature: np.ndarray  # int, per node; -1 at a leaf
    threshold: np.ndarray  # go left when the feature's value is <= threshold
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    roots: np.ndarray  # the root node of each tree
    depth: int  # the longest path, in splits

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of being an item for each row of the dense matrix `x`, every tree at once."""
        leaves = self._walk(x, steps=False)[0]
        return self.baseline + self.value[leaves].reshape(x.shape[0], -1).sum(axis=1)

    def _walk(self, x: np.ndarray, steps: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each (row, tree) pair's leaf, following only the pairs still at an inner node; with
        `steps`, also what each split moved: its flat (row * columns + column) cell and its
        move, in the order of the splits (both empty without `steps`)."""
        n, width = x.shape
        trees = len(self.roots)
        node = np.tile(self.roots, n)
        row = np.repeat(np.arange(n), trees)
        cells: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        moves: list[np.ndarray] = [np.zeros(0)]
        active = np.flatnonzero(self.feature[node] >= 0)
        while active.size:
            at = node[active]
            feature = self.feature[at]
            go_left = x[row[active], feature] <= self.threshold[at]
            child = np.where(go_left, self.left[at], self.right[at])
            if steps:
                cells.append(row[active] * width + feature)
                moves.append(self.value[child] - self.value[at])
            node[active] = child
            active = active[self.feature[child] >= 0]
        return node, np.concatenate(cells), np.concatenate(moves)

    def steps(self, x: np.ndarray) -> list[dict[int, float]]:
        """How much each column moved each row's log-odds along its paths, per row {column:
        move}: at every split, the change from the node's mean output to the child's."""
        n, width = x.shape
        _, cells, moves = self._walk(x, steps=True)
        moved = np.bincount(cells, weights=moves, minlength=n * width)
        out: list[dict[int, float]] = [{} for _ in range(n)]
        taken = np.flatnonzero(moved)
        for cell, move in zip(taken.tolist(), moved[taken].tolist(), strict=True):
            out[cell // width][cell % width] = move
        return out


@dataclass(frozen=True)
class ExtractionModel:
    """Two heads over the same features: is it an item, and if so is it a next step rather
    than a priority (`kind_coef`). Being an item and being of one kind are different
    questions with different evidence (form against context), so each has its own head. The
    item head is boosted trees (`trees`: how a candidate's form and its context combine
    matters, which weights alone cannot say) or, without trees, weights (`item_coef`)."""

    features: dict[str, int]
    item_coef: np.ndarray
    item_intercept: float
    kind_coef: np.ndarray
    kind_intercept: float
    version: str = ""
    trees: Trees | None = None

    def _z(self, features: dict[str, float], trees: bool = True) -> tuple[float, float]:
        """Both heads' log-odds; with `trees=False` the item head's weights only (the
        caller has run the trees on many candidates at once)."""
        zi, zk = self.item_intercept, self.kind_intercept
        weights = self._weights
        for name, value in features.items():
            w = weights.get(name)
            if w is not None:
                zi += w[0] * value
                zk += w[1] * value
        if trees and self.trees is not None:
            zi = float(self.trees.raw(self._matrix([features]))[0])
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
        return _probabilities(*self._z(features))

    def proba_rows(self, rows: list[dict[str, float]]) -> list[list[float]]:
        """`proba_row` of many candidates, the trees run on all of them at once."""
        if self.trees is None or not rows:
            return [self.proba_row(f) for f in rows]
        item = self.trees.raw(self._matrix(rows)).tolist()
        return [
            _probabilities(zi, self._z(f, trees=False)[1]) for zi, f in zip(item, rows, strict=True)
        ]

    def contributions_rows(
        self, rows: list[dict[str, float]], kinds: list[str], top: int | None = None
    ) -> list[list[tuple[str, float]]]:
        """`contributions` of many candidates, the trees' paths followed for all at once;
        with `top`, only the `top` largest of each."""
        if self.trees is None or not rows:
            return [self._combine(f, k, {}, top) for f, k in zip(rows, kinds, strict=True)]
        x = self._matrix(rows)
        steps = self.trees.steps(x)
        names = self._names
        out = []
        for f, kind, row in zip(rows, kinds, steps, strict=True):
            moved = {names[j]: move for j, move in row.items()}
            out.append(self._combine(f, kind, moved, top))
        return out

    def contributions(self, features: dict[str, float], kind: str) -> list[tuple[str, float]]:
        """How much each feature moved the candidate towards being an item of `kind`: its
        part in being an item (its weight, or its steps along the trees' paths) plus its
        weight for that kind, largest first. '!name' is a feature the candidate lacks whose
        absence moved it along the trees."""
        return self.contributions_rows([features], [kind])[0]

    def _combine(
        self, features: dict[str, float], kind: str, item: dict[str, float], top: int | None = None
    ) -> list[tuple[str, float]]:
        """The item head's part (`item`: the trees' steps; else the weights) plus the kind
        head's, per feature, largest first."""
        sign = 1.0 if kind == "next_step" else -1.0
        weights = self._weights
        out: dict[str, float] = {}
        for name, value in features.items():
            w = weights.get(name)
            if w is not None:
                own = item.get(name, 0.0) if self.trees is not None else w[0] * value
                out[name] = float(own + sign * w[1] * value)
        for name, step in item.items():
            if name not in features:  # a split on a feature the candidate lacks moved it too
                out["!" + name] = float(step)
        if top is not None:
            return heapq.nlargest(top, out.items(), key=lambda x: abs(x[1]))
        return sorted(out.items(), key=lambda x: -abs(x[1]))

    def _matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        """The candidates as a dense matrix over the model's columns."""
        x = np.zeros((len(rows), len(self.features)))
        index = self.features
        for i, f in enumerate(rows):
            for name, value in f.items():
                j = index.get(name)
                if j is not None:
                    x[i, j] = value
        return x

    @cached_property
    def _names(self) -> list[str]:
        return sorted(self.features, key=self.features.__getitem__)


def _probabilities(zi: float, zk: float) -> list[float]:
    p_item = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, zi))))
    p_next = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, zk))))
    return [1.0 - p_item, p_item * (1.0 - p_next), p_item * p_next]


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


# The item head's trees: many small ones learning slowly, each leaf holding at least 40
# candidates, and no early stopping (which would hold out a random part of the data): the
# same data gives the same trees. Held out by family, these settings beat larger, faster
# trees (item F1 0.827 against 0.823 for 300 trees of 15 leaves at 0.08): a layout family
# not seen in training moves fewer of its borderline candidates across the threshold.
TREE_PARAMS = {
    "max_iter": 500,
    "learning_rate": 0.03,
    "max_leaf_nodes": 8,
    "min_samples_leaf": 40,
    "l2_regularization": 2.0,
    "early_stopping": False,
    "random_state": 0,
}


def fit_model(
    rows: list[dict[str, float]],
    labels: list[str],
    c: float = 0.1,
    c_kind: float = 0.5,
    trees: bool = True,
) -> ExtractionModel:
    """Fit both heads on feature dicts and their classes; deterministic for the same data.
    `trees=False` gives a weights-only item head (small data, tests)."""
    from sklearn.feature_extraction import DictVectorizer

    vectoriser = DictVectorizer(sort=True)
    x = vectoriser.fit_transform(rows)
    is_item = np.array([label != "none" for label in labels])
    positives = np.flatnonzero(is_item)
    is_next = np.array([labels[i] == "next_step" for i in positives])
    x_kind = vectoriser.transform([kind_features(rows[i]) for i in positives])
    kind_coef, kind_b = _binary(x_kind, is_next, c_kind)
    names = vectoriser.get_feature_names_out().tolist()
    grown = _trees(x, is_item) if trees and len(set(is_item.tolist())) == 2 else None
    if grown is None:
        item_coef, item_b = _binary(x, is_item, c)
    else:
        item_coef, item_b = np.zeros(len(names)), 0.0
    return ExtractionModel(
        {n: j for j, n in enumerate(names)},
        np.round(item_coef, _DECIMALS),
        round(item_b, _DECIMALS),
        np.round(kind_coef, _DECIMALS),
        round(kind_b, _DECIMALS),
        trees=grown,
    )


def _trees(x: Any, y: np.ndarray) -> Trees:
    """Boost trees on `x` (sparse) for `y` and keep their nodes as plain arrays."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(**TREE_PARAMS)  # type: ignore[arg-type]
    clf.fit(x.toarray(), y)
    # scikit-learn keeps the fitted trees in `_predictors` (one list per boosting round) and
    # the starting log-odds in `_baseline_prediction`; tests check the copy predicts the same.
    nodes = [round_[0].nodes for round_ in clf._predictors]
    offsets = np.cumsum([0] + [len(n) for n in nodes[:-1]])
    feature, threshold, left, right, value = [], [], [], [], []
    for start, tree in zip(offsets.tolist(), nodes, strict=True):
        leaf = tree["is_leaf"].astype(bool)
        feature.extend(np.where(leaf, -1, tree["feature_idx"]).tolist())
        threshold.extend(np.where(leaf, 0.0, tree["num_threshold"]).tolist())
        left.extend(np.where(leaf, 0, tree["left"] + start).tolist())
        right.extend(np.where(leaf, 0, tree["right"] + start).tolist())
        value.extend(_node_means(tree).tolist())
    depth = max(int(tree["depth"].max()) for tree in nodes)
    return Trees(
        baseline=round(float(np.ravel(clf._baseline_prediction)[0]), _DECIMALS),
        feature=np.array(feature, dtype=np.int64),
        threshold=np.array(threshold, dtype=float),
        left=np.array(left, dtype=np.int64),
        right=np.array(right, dtype=np.int64),
        value=np.round(np.array(value, dtype=float), _DECIMALS),
        roots=offsets.astype(np.int64),
        depth=depth,
    )


def _node_means(tree: np.ndarray) -> np.ndarray:
    """A leaf's output, and at an inner node the count-weighted mean of its children's."""
    value = tree["value"].astype(float).copy()
    for node in np.argsort(-tree["depth"], kind="stable").tolist():  # deepest first
        if not tree["is_leaf"][node]:
            left, right = int(tree["left"][node]), int(tree["right"][node])
            n_left, n_right = float(tree["count"][left]), float(tree["count"][right])
            value[node] = (value[left] * n_left + value[right] * n_right) / (n_left + n_right)
    return value


def model_json(model: ExtractionModel) -> str:
    names = sorted(model.features, key=model.features.__getitem__)
    data = {
        "format_version": FORMAT_VERSION,
        "classes": list(CLASSES),
        "heads": ["item", "next_step_vs_priority"],
        # With trees the item head is `trees` and the first weight of each feature is 0.
        "item_head": "trees" if model.trees is not None else "weights",
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
    if model.trees is not None:
        data["trees"] = _trees_json(model.trees)
    return json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"


def _trees_json(trees: Trees) -> dict[str, Any]:
    """Nodes as [feature, threshold, left, right, value]; a leaf is [-1, 0, 0, 0, value]."""
    nodes = zip(
        trees.feature.tolist(),
        trees.threshold.tolist(),
        trees.left.tolist(),
        trees.right.tolist(),
        trees.value.tolist(),
        strict=True,
    )
    return {
        "baseline": trees.baseline,
        "depth": trees.depth,
        "roots": trees.roots.tolist(),
        "nodes": [list(node) for node in nodes],
    }


def _trees_of(data: dict[str, Any], n_features: int) -> Trees:
    """The trees of a model file, checked: columns, children and numbers must be valid."""
    nodes = np.array(data["nodes"], dtype=float).reshape(-1, 5)
    feature = nodes[:, 0].astype(np.int64)
    left, right = nodes[:, 2].astype(np.int64), nodes[:, 3].astype(np.int64)
    roots = np.array(data["roots"], dtype=np.int64)
    n = len(nodes)
    valid = (
        np.isfinite(nodes).all()
        and math.isfinite(float(data["baseline"]))
        and bool(((feature >= -1) & (feature < n_features)).all())
        and bool(((left >= 0) & (left < n) & (right >= 0) & (right < n)).all())
        and bool(((roots >= 0) & (roots < n)).all())
        and int(data["depth"]) >= 0
    )
    if not valid:
        raise ValueError("invalid trees")
    return Trees(
        baseline=float(data["baseline"]),
        feature=feature,
        threshold=nodes[:, 1].copy(),
        left=left,
        right=right,
        value=nodes[:, 4].copy(),
        roots=roots,
        depth=int(data["depth"]),
    )


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
    trees = None
    if "trees" in data:
        try:
            trees = _trees_of(data["trees"], len(names))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(
                path, f"holds invalid trees ({exc})", "Run `pipeline train`."
            ) from None
    return ExtractionModel(
        {n: j for j, n in enumerate(names)},
        weights[:, 0],
        intercept[0],
        weights[:, 1],
        intercept[1],
        digest[:12],
        trees,
    )
