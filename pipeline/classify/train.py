"""`pipeline train`: fit the classifier on labelled items and write it to `models/`.

Data: `corpus/training/*.jsonl`, one item a line,
`{"text", "kind", "country", "context", "themes", "actions"}`, plus an optional corrections
file from analysts: the same JSONL lines (as `pipeline.corrections.write_training_rows`
writes them, with `context` and `section` lists), the review store itself
(`corpus/corrections.jsonl`), or a result `{"items": [...]}`. A correction replaces a training
line with the same text and headers, otherwise it is added. The seeds' gold is the
development set: never put it here.

Procedure, deterministic for the same data (fixed fold seed, deterministic solvers, model zip
written with fixed timestamps: same data, same bytes):

1. K-fold cross-validation of the text model gives out-of-fold decision values.
2. Per label: Platt scaling of those values, the reliability of phrase and context evidence
   (and of each keyword), and the threshold that maximises F1 on the out-of-fold fused scores
   (ties: nearest 0.5).
3. The reported per-label precision/recall/F1 come from a second pass over the same folds in
   which calibration, reliabilities and thresholds are fitted without the fold they score.
4. The text model is refitted on all data and saved with its model card.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError
from sklearn.model_selection import KFold

from pipeline.classify import item_signals, model_text, rule_evidence
from pipeline.classify.model import (
    DEFAULT_DIR,
    Classifier,
    LabelMetrics,
    ModelCard,
    TextModel,
    fit_platt,
    label_keys,
    library_versions,
    save_classifier,
)
from pipeline.classify.rules import item_headers, normalise_key
from pipeline.errors import UsageError
from pipeline.taxonomy import load_taxonomy

DEFAULT_TRAINING_DIR = Path(__file__).resolve().parents[2] / "corpus" / "training"
_GRID = np.round(np.arange(0.20, 0.801, 0.01), 2)
_PRIOR, _WEIGHT = 0.9, 2.0


class TrainRow(BaseModel):
    """One labelled item for training."""

    text: str
    kind: str | None = None
    country: str | None = None
    context: str | list[str] | None = None
    section: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)

    def headers(self) -> list[str]:
        context = self.context if isinstance(self.context, list) else [self.context or ""]
        return [h for h in item_headers([c for c in context if c], self.section) if h]


class PRFCounts(BaseModel):
    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0

    @classmethod
    def of(cls, tp: int, fp: int, fn: int) -> PRFCounts:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 4) if b else (1.0 if tp == fp == fn == 0 else 0.0)

        return cls(
            tp=tp,
            fp=fp,
            fn=fn,
            precision=ratio(tp, tp + fp),
            recall=ratio(tp, tp + fn),
            f1=ratio(2 * tp, 2 * tp + fp + fn),
        )


class TrainReport(BaseModel):
    """What `pipeline train` reports: cross-validated scores, thresholds, data hash."""

    training_items: int
    corrections_items: int
    gold_items: int = 0
    data_sha256: str
    folds: int
    seed: int
    per_label: list[LabelMetrics]
    micro: dict[str, PRFCounts] = Field(description="Fused classifier, per taxonomy (CV).")
    model_only: dict[str, PRFCounts] = Field(description="Text model alone at 0.5 (CV).")
    rules_only: dict[str, PRFCounts] = Field(description="Phrase or context evidence alone.")
    thresholds: dict[str, float]
    model_dir: str | None = None
    model_sha256: str | None = None


# ----------------------------------------------------------------------------- data


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise UsageError(path, f"line {n} is not JSON ({exc.msg})") from exc
    return rows


def _validate(raw: list[dict[str, Any]], path: Path) -> list[TrainRow]:
    tax = load_taxonomy()
    known = {"themes": set(tax.ids("themes")), "actions": set(tax.ids("actions"))}
    rows = []
    for n, record in enumerate(raw, start=1):
        try:
            row = TrainRow.model_validate(record)
        except ValidationError as exc:
            reason = f"item {n} is not a training item ({exc.errors()[0]['msg']})"
            raise UsageError(path, reason) from exc
        for name in ("themes", "actions"):
            unknown = set(getattr(row, name)) - known[name]
            if unknown:
                raise UsageError(
                    path,
                    f"item {n} has unknown {name} {sorted(unknown)}",
                    "Use the ids of `pipeline taxonomy`.",
                )
        rows.append(row)
    return rows


def load_training(training_dir: Path) -> list[TrainRow]:
    training_dir = Path(training_dir)
    files = sorted(training_dir.glob("*.jsonl"))
    if not files:
        raise UsageError(training_dir, "no training files (*.jsonl)")
    return [row for f in files for row in _validate(_read_jsonl(f), f)]


def load_corrections(path: Path) -> list[TrainRow]:
    """Analysts' corrections: training JSONL lines or a result file with an `items` list."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(path, "corrections file not found")
    if path.suffix == ".jsonl":
        raw = _read_jsonl(path)
        if raw and "item_id" in raw[0] and "reviewer" in raw[0]:
            # The review store itself (`pipeline.corrections`): rows from what it kept.
            from pipeline.corrections import corrections_as_training_items
            from pipeline.corrections import load_corrections as load_store

            raw = corrections_as_training_items(load_store(path))
        return _validate(raw, path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(path, f"not JSON ({exc.msg})") from exc
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise UsageError(path, "expected a list of items or an object with 'items'")
    return _validate(items, path)


def merge_corrections(rows: list[TrainRow], corrections: list[TrainRow]) -> list[TrainRow]:
    """Corrections replace rows with the same text and headers; the others are added."""

    def key(row: TrainRow) -> tuple[str, str]:
        return normalise_key(row.text), normalise_key(" ".join(row.headers()))

    index = {key(r): i for i, r in enumerate(rows)}
    merged = list(rows)
    for row in corrections:
        k = key(row)
        if k in index:
            merged[index[k]] = row
        else:
            index[k] = len(merged)
            merged.append(row)
    return merged


def data_hash(rows: list[TrainRow]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        record = {"text": row.text, "headers": row.headers(), "themes": sorted(row.themes)}
        record["actions"] = sorted(row.actions)
        digest.update(json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _targets(rows: list[TrainRow], labels: list[str]) -> np.ndarray:
    Y = np.zeros((len(rows), len(labels)), dtype=np.int64)
    index = {key: j for j, key in enumerate(labels)}
    for i, row in enumerate(rows):
        for label in row.themes:
            Y[i, index[f"themes:{label}"]] = 1
        for label in row.actions:
            Y[i, index[f"actions:{label}"]] = 1
    return Y


# ----------------------------------------------------------------------------- fitting


def _best_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    pos = int(y.sum())
    for t in _GRID:
        pred = scores >= t
        tp = int((pred & (y == 1)).sum())
        f1 = 2 * tp / (pred.sum() + pos) if (pred.sum() + pos) else 1.0
        if f1 > best_f1 + 1e-12 or (abs(f1 - best_f1) <= 1e-12 and abs(t - 0.5) < abs(best - 0.5)):
            best, best_f1 = float(t), f1
    return best


def fit_reliability(
    keywords: list[dict[str, list[str]]], context: np.ndarray, Y: np.ndarray, labels: list[str]
) -> tuple[np.ndarray, dict[str, dict[str, float]]]:
    """How often each kind of rule evidence was right, smoothed towards a prior.

    Per label: phrase reliability (share of items with a phrase for the label that carry it;
    Beta prior 0.9, weight 2) and context reliability (the same for headers). Per keyword:
    its own share, smoothed towards the label's phrase reliability (weight 2).
    """
    n_labels = len(labels)
    reliability = np.zeros((n_labels, 2))
    keyword_rel: dict[str, dict[str, float]] = {}
    for j, key in enumerate(labels):
        hits = [(i, found[key]) for i, found in enumerate(keywords) if key in found]
        right = sum(int(Y[i, j]) for i, _ in hits)
        prior = (right + _PRIOR * _WEIGHT) / (len(hits) + _WEIGHT)
        in_context = context[:, j] > 0
        c_right = int(Y[in_context, j].sum())
        reliability[j] = [prior, (c_right + _PRIOR * _WEIGHT) / (int(in_context.sum()) + _WEIGHT)]
        counts: dict[str, list[int]] = {}
        for i, kws in hits:
            for kw in set(kws):
                c = counts.setdefault(kw, [0, 0])
                c[0] += 1
                c[1] += int(Y[i, j])
        keyword_rel[key] = {
            kw: round((r + prior * _WEIGHT) / (n + _WEIGHT), 4)
            for kw, (n, r) in sorted(counts.items())
        }
    return reliability, keyword_rel


def _fit_parts(
    D: np.ndarray,
    keywords: list[dict[str, list[str]]],
    context: np.ndarray,
    Y: np.ndarray,
    labels: list[str],
    model: TextModel | None,
) -> Classifier:
    """Calibration, reliabilities and thresholds from out-of-fold decision values."""
    calibration = np.array([fit_platt(D[:, j], Y[:, j]) for j in range(Y.shape[1])])
    reliability, keyword_rel = fit_reliability(keywords, context, Y, labels)
    clf = Classifier(
        labels, model, calibration, reliability, keyword_rel, np.full(len(labels), 0.5)
    )  # type: ignore[arg-type]
    scores = clf.scores(D, clf.phrase_strength(keywords), context)
    clf.thresholds = np.array([_best_threshold(scores[:, j], Y[:, j]) for j in range(Y.shape[1])])
    return clf


def _counts(pred: np.ndarray, Y: np.ndarray, cols: list[int]) -> PRFCounts:
    p, y = pred[:, cols].astype(bool), Y[:, cols].astype(bool)
    return PRFCounts.of(int((p & y).sum()), int((p & ~y).sum()), int((~p & y).sum()))


def _by_taxonomy(pred: np.ndarray, Y: np.ndarray, labels: list[str]) -> dict[str, PRFCounts]:
    return {
        name: _counts(pred, Y, [j for j, k in enumerate(labels) if k.startswith(name + ":")])
        for name in ("themes", "actions")
    }


def fit_classifier(
    rows: list[TrainRow], folds: int = 5, seed: int = 0, C: float = 4.0, min_df: int = 2
) -> tuple[Classifier, dict[str, Any]]:
    """Cross-validate, fit fusion and thresholds, refit on all rows. Returns the classifier
    and the cross-validation results."""
    labels = label_keys()
    Y = _targets(rows, labels)
    headers = [row.headers() for row in rows]
    texts = [model_text(row.text, h) for row, h in zip(rows, headers, strict=True)]
    signals = [item_signals(r.text, h) for r, h in zip(rows, headers, strict=True)]
    keywords, Cx = rule_evidence(signals, labels)

    splits = list(KFold(n_splits=folds, shuffle=True, random_state=seed).split(texts))
    D = np.zeros(Y.shape)
    for train_idx, test_idx in splits:
        fold_model = TextModel(C=C, min_df=min_df, seed=seed)
        fold_model.fit([texts[i] for i in train_idx], Y[train_idx])
        D[test_idx] = fold_model.decision_function([texts[i] for i in test_idx])[0]

    # Honest scores: calibration, reliabilities and thresholds fitted without the fold
    # they are scored on.
    pred = np.zeros(Y.shape, dtype=bool)
    for train_idx, test_idx in splits:
        part = _fit_parts(
            D[train_idx],
            [keywords[i] for i in train_idx],
            Cx[train_idx],
            Y[train_idx],
            labels,
            None,
        )
        test_kw = [keywords[i] for i in test_idx]
        scores = part.scores(D[test_idx], part.phrase_strength(test_kw), Cx[test_idx])
        pred[test_idx] = scores >= part.thresholds

    model = TextModel(C=C, min_df=min_df, seed=seed).fit(texts, Y)
    classifier = _fit_parts(D, keywords, Cx, Y, labels, model)
    thresholds = classifier.thresholds

    per_label = []
    for j, key in enumerate(labels):
        c = _counts(pred, Y, [j])
        per_label.append(
            LabelMetrics(
                label=key,
                support=int(Y[:, j].sum()),
                precision=c.precision,
                recall=c.recall,
                f1=c.f1,
                threshold=float(thresholds[j]),
            )
        )
    model_pred = classifier.model_probability(D) >= 0.5
    rules_pred = (classifier.phrase_strength(keywords) + Cx) > 0
    results = {
        "labels": labels,
        "per_label": per_label,
        "micro": _by_taxonomy(pred, Y, labels),
        "model_only": _by_taxonomy(model_pred, Y, labels),
        "rules_only": _by_taxonomy(rules_pred, Y, labels),
        "thresholds": {k: float(t) for k, t in zip(labels, thresholds, strict=True)},
    }
    return classifier, results


def train_model(
    training_dir: Path | None = None,
    corrections: Path | None = None,
    out_dir: Path | None = DEFAULT_DIR,
    folds: int = 5,
    seed: int = 0,
    gold_rows: list[TrainRow] | None = None,
) -> TrainReport:
    """Train on `training_dir` (+ `gold_rows`, the corpus' gold items as
    `pipeline.extract_train.gold_label_rows` gives them, + corrections), report CV scores,
    write `out_dir` (if given)."""
    rows = load_training(Path(training_dir) if training_dir else DEFAULT_TRAINING_DIR)
    rows += gold_rows or []
    fixes = load_corrections(corrections) if corrections else []
    rows = merge_corrections(rows, fixes)
    if len(rows) < folds * 2:
        raise UsageError(training_dir, f"{len(rows)} training items are too few for {folds} folds")
    classifier, cv = fit_classifier(rows, folds=folds, seed=seed)
    digest = data_hash(rows)
    report = TrainReport(
        training_items=len(rows),
        corrections_items=len(fixes),
        gold_items=len(gold_rows or []),
        data_sha256=digest,
        folds=folds,
        seed=seed,
        per_label=cv["per_label"],
        micro=cv["micro"],
        model_only=cv["model_only"],
        rules_only=cv["rules_only"],
        thresholds=cv["thresholds"],
    )
    if out_dir is not None:
        tax = load_taxonomy()
        card = ModelCard(
            model_sha256="",
            created=_created(),
            labels=cv["labels"],
            taxonomy_version=tax.version,
            taxonomy_fingerprint=tax.fingerprint(),
            training_data_sha256=digest,
            training_items=len(rows),
            corrections_items=len(fixes),
            gold_items=len(gold_rows or []),
            library_versions=library_versions(),
            settings={"C": classifier.model.C, "min_df": classifier.model.min_df, "seed": seed},
            cv_folds=folds,
            metrics={
                "cv_micro": {k: v.model_dump() for k, v in cv["micro"].items()},
                "cv_model_only": {k: v.model_dump() for k, v in cv["model_only"].items()},
                "rules_only": {k: v.model_dump() for k, v in cv["rules_only"].items()},
            },
            per_label=cv["per_label"],
        )
        card = save_classifier(classifier, Path(out_dir), card)
        report.model_dir = str(out_dir)
        report.model_sha256 = card.model_sha256
    return report


def _created() -> str:
    """Training time, or SOURCE_DATE_EPOCH when set (reproducible model cards)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_report(report: TrainReport) -> str:
    """A plain-text table of the cross-validated scores."""
    lines = [
        f"Trained on {report.training_items} items ({report.gold_items} from corpus gold, "
        f"{report.corrections_items} corrections), "
        f"{report.folds}-fold CV, data sha256 {report.data_sha256[:12]}",
        f"{'label':34} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} {'thr':>5}",
    ]
    for m in report.per_label:
        lines.append(
            f"{m.label:34} {m.support:4d} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f} "
            f"{m.threshold:5.2f}"
        )
    for title, scores in (
        ("fused (CV)", report.micro),
        ("model only", report.model_only),
        ("rules only", report.rules_only),
    ):
        parts = [
            f"{name} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}"
            for name, s in scores.items()
        ]
        lines.append(f"{title:12} " + " | ".join(parts))
    if report.model_dir:
        lines.append(f"Model written to {report.model_dir} (sha256 {report.model_sha256[:12]})")
    return "\n".join(lines)
