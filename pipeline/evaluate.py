"""Score extracted items against gold annotations (see GOLD.md, "Scoring").

Texts are compared as token multisets: `normalise` (NFKC, lower case, every run of characters
that are not letters or digits is a separator) then `dice`. A predicted item matches a gold
item of the same kind whose Dice similarity is at least 0.85; matching is one-to-one, most
similar pairs first (`match_items`).

Every score keeps its raw counts, and totals over documents sum the counts (micro average);
F1 scores are never averaged.

Conventions for empty denominators: a ratio whose denominator is zero is 1.0 when there was
nothing to find and nothing was predicted (tp = fp = fn = 0), else 0.0. So:

- precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2·tp / (2·tp + fp + fn);
- a document with no gold items and no predictions (an agenda) scores 1.0 everywhere;
- a document with no gold items but some predictions scores 0.0 precision, recall and F1;
- country accuracy = correct / matched, and theme and action scores count only matched pairs:
  with no matched pair they are 1.0 (nothing to judge). Read them together with item recall.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from pydantic import BaseModel, Field, computed_field

from pipeline.errors import UsageError
from pipeline.textnorm import fold, words

if TYPE_CHECKING:
    from pipeline.models import DocumentResult, Item

KINDS: tuple[str, ...] = ("priority", "next_step")
THRESHOLD = 0.85
_EPS = 1e-9


# ---------------------------------------------------------------------------- text similarity


def normalise(text: str) -> list[str]:
    """NFKC, lower case, split on every run of characters that are not letters or digits
    (GOLD.md, "Scoring"); accents are kept, as GOLD.md says nothing of removing them."""
    return words(fold(text, accents=True))


def dice(a_tokens: Sequence[str], b_tokens: Sequence[str]) -> float:
    """Dice coefficient of two token multisets: 2·|A∩B| / (|A|+|B|); 1.0 if both are empty."""
    total = len(a_tokens) + len(b_tokens)
    if total == 0:
        return 1.0
    common = sum((Counter(a_tokens) & Counter(b_tokens)).values())
    return 2 * common / total


# ---------------------------------------------------------------------------- result models


def _ratio(num: int, den: int, empty: float) -> float:
    return num / den if den else empty


class PRF(BaseModel):
    """Precision, recall and F1 from raw counts; 1.0 when tp = fp = fn = 0 (see module doc)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def _empty(self) -> float:
        return 1.0 if self.tp == self.fp == self.fn == 0 else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp, self._empty())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn, self._empty())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn, 1.0)

    def __add__(self, other: PRF) -> PRF:
        return PRF(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)


class ScoreSummary(BaseModel):
    """Item and label scores with their raw counts; summing summaries micro-averages them."""

    items: PRF = Field(default_factory=PRF, description="All kinds together.")
    by_kind: dict[str, PRF] = Field(
        default_factory=lambda: {k: PRF() for k in KINDS}, description="Per item kind."
    )
    matched: int = Field(default=0, description="Matched (gold, prediction) pairs.")
    country_correct: int = Field(default=0, description="Matched pairs with the same country.")
    themes: PRF = Field(default_factory=PRF, description="Theme labels on matched pairs.")
    actions: PRF = Field(default_factory=PRF, description="Action labels on matched pairs.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def country_accuracy(self) -> float:
        return _ratio(self.country_correct, self.matched, 1.0)


class ItemRef(BaseModel):
    """A gold item that was missed or a prediction that matched nothing."""

    index: int
    kind: str
    text: str
    country: str | None = None


class MatchedPair(BaseModel):
    gold_index: int
    pred_index: int
    similarity: float


class Disagreement(BaseModel):
    """A matched pair whose country, themes or actions differ."""

    gold_index: int
    pred_index: int
    similarity: float
    kind: str
    gold_text: str
    pred_text: str
    gold_country: str | None = None
    pred_country: str | None = None
    themes_missing: list[str] = Field(default_factory=list, description="Gold, not predicted.")
    themes_extra: list[str] = Field(default_factory=list, description="Predicted, not gold.")
    actions_missing: list[str] = Field(default_factory=list)
    actions_extra: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def country_ok(self) -> bool:
        return self.gold_country == self.pred_country


DocumentStatus = Literal["scored", "missing_prediction", "extract_error"]


class DocumentScore(ScoreSummary):
    """The scores of one document, with the errors behind them."""

    gold_file: str = ""
    source: str = ""
    prediction: str | None = Field(
        default=None, description="Prediction file used, 'extract' when run live, or None."
    )
    status: DocumentStatus = "scored"
    note: str | None = Field(default=None, description="Why the prediction is missing/failed.")
    n_gold: int = 0
    n_pred: int = 0
    matches: list[MatchedPair] = Field(default_factory=list)
    missed: list[ItemRef] = Field(default_factory=list)
    spurious: list[ItemRef] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)


class SkippedDocument(BaseModel):
    gold_file: str
    source: str | None = None
    reason: str


class EvaluationReport(BaseModel):
    """Per-document scores and their micro-averaged total; write with `.model_dump_json()`."""

    gold_dir: str
    pred_dir: str | None = None
    mode: Literal["predictions", "extract"]
    threshold: float = THRESHOLD
    documents: list[DocumentScore] = Field(default_factory=list)
    skipped: list[SkippedDocument] = Field(default_factory=list)
    overall: ScoreSummary = Field(default_factory=ScoreSummary)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def missing_predictions(self) -> list[str]:
        return [d.source for d in self.documents if d.status == "missing_prediction"]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def extract_errors(self) -> list[str]:
        return [d.source for d in self.documents if d.status == "extract_error"]


# ---------------------------------------------------------------------------- matching & scoring


class _Rec(NamedTuple):
    kind: str
    text: str
    country: str | None
    themes: frozenset[str]
    actions: frozenset[str]


def _field(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _rec(item: Mapping[str, Any] | Item) -> _Rec:
    return _Rec(
        kind=str(_field(item, "kind", "")),
        text=str(_field(item, "text", "") or ""),
        country=_field(item, "country"),
        themes=frozenset(_field(item, "themes") or ()),
        actions=frozenset(_field(item, "actions") or ()),
    )


def match_items(
    gold: Sequence[Mapping[str, Any] | Item],
    pred: Sequence[Mapping[str, Any] | Item],
    threshold: float = THRESHOLD,
) -> list[tuple[int, int, float]]:
    """One-to-one matches `(gold_index, pred_index, similarity)`, in gold order.

    Candidates are pairs of the same kind with similarity >= threshold; they are taken greedily,
    most similar first (ties: lower gold index, then lower prediction index).
    """
    g_recs, p_recs = [_rec(g) for g in gold], [_rec(p) for p in pred]
    g_tok, p_tok = [normalise(g.text) for g in g_recs], [normalise(p.text) for p in p_recs]
    candidates: list[tuple[float, int, int]] = []
    for gi, g in enumerate(g_recs):
        for pi, p in enumerate(p_recs):
            if g.kind != p.kind:
                continue
            sim = dice(g_tok[gi], p_tok[pi])
            if sim >= threshold - _EPS:
                candidates.append((-sim, gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for neg_sim, gi, pi in candidates:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi, -neg_sim))
    return sorted(out)


def _label_counts(gold: frozenset[str], pred: frozenset[str]) -> PRF:
    return PRF(tp=len(gold & pred), fp=len(pred - gold), fn=len(gold - pred))


def score_document(
    gold_items: Sequence[Mapping[str, Any] | Item],
    pred_items: Sequence[Mapping[str, Any] | Item],
    threshold: float = THRESHOLD,
    **info: Any,
) -> DocumentScore:
    """Score one document's predictions; `info` sets DocumentScore fields such as `source`."""
    gold, pred = [_rec(g) for g in gold_items], [_rec(p) for p in pred_items]
    matches = match_items(gold_items, pred_items, threshold)
    kinds = list(KINDS) + sorted({r.kind for r in gold + pred} - set(KINDS))
    by_kind = {k: PRF() for k in kinds}
    for r in gold:
        by_kind[r.kind].fn += 1
    for r in pred:
        by_kind[r.kind].fp += 1

    themes, actions, correct = PRF(), PRF(), 0
    disagreements = []
    for gi, pi, sim in matches:
        g, p = gold[gi], pred[pi]
        counts = by_kind[g.kind]
        counts.tp, counts.fp, counts.fn = counts.tp + 1, counts.fp - 1, counts.fn - 1
        correct += g.country == p.country
        themes += _label_counts(g.themes, p.themes)
        actions += _label_counts(g.actions, p.actions)
        if g.country != p.country or g.themes != p.themes or g.actions != p.actions:
            disagreements.append(
                Disagreement(
                    gold_index=gi,
                    pred_index=pi,
                    similarity=sim,
                    kind=g.kind,
                    gold_text=g.text,
                    pred_text=p.text,
                    gold_country=g.country,
                    pred_country=p.country,
                    themes_missing=sorted(g.themes - p.themes),
                    themes_extra=sorted(p.themes - g.themes),
                    actions_missing=sorted(g.actions - p.actions),
                    actions_extra=sorted(p.actions - g.actions),
                )
            )

    matched_g = {gi for gi, _, _ in matches}
    matched_p = {pi for _, pi, _ in matches}
    return DocumentScore(
        items=sum(by_kind.values(), PRF()),
        by_kind=by_kind,
        matched=len(matches),
        country_correct=correct,
        themes=themes,
        actions=actions,
        n_gold=len(gold),
        n_pred=len(pred),
        matches=[MatchedPair(gold_index=g, pred_index=p, similarity=s) for g, p, s in matches],
        missed=[_ref(i, r) for i, r in enumerate(gold) if i not in matched_g],
        spurious=[_ref(i, r) for i, r in enumerate(pred) if i not in matched_p],
        disagreements=disagreements,
        **info,
    )


def _ref(index: int, r: _Rec) -> ItemRef:
    return ItemRef(index=index, kind=r.kind, text=r.text, country=r.country)


def combine(scores: Iterable[ScoreSummary]) -> ScoreSummary:
    """Sum the counts of several scores (micro average)."""
    total = ScoreSummary()
    for s in scores:
        for kind, prf in s.by_kind.items():
            total.by_kind[kind] = total.by_kind.get(kind, PRF()) + prf
        total.items += s.items
        total.matched += s.matched
        total.country_correct += s.country_correct
        total.themes += s.themes
        total.actions += s.actions
    return total


# ---------------------------------------------------------------------------- files


def _basename(path: str) -> str:
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def _pred_source(data: Any) -> str | None:
    """The source path a prediction file names (`document.source` or `source`), if any."""
    if not isinstance(data, dict):
        return None
    doc = data.get("document")
    src = doc.get("source") if isinstance(doc, dict) else data.get("source")
    return src if isinstance(src, str) else None


def _pred_items(data: Any) -> list[dict[str, Any]] | None:
    """Items of a DocumentResult-like or gold-like JSON (or a bare list); None if neither."""
    items = data.get("items") if isinstance(data, dict) else data
    if isinstance(items, list) and all(isinstance(i, dict) for i in items):
        return items
    return None


class _PredIndex:
    """Finds the prediction JSON for a source file in a prediction folder."""

    def __init__(self, pred_dir: Path) -> None:
        self.pred_dir = pred_dir
        self._by_source: dict[str, Path] | None = None

    def _scan(self) -> dict[str, Path]:
        if self._by_source is None:
            self._by_source = {}
            for path in sorted(self.pred_dir.rglob("*.json")):
                data = _load_json(path)
                src = _pred_source(data)
                if src and _pred_items(data) is not None:
                    self._by_source.setdefault(_basename(src), path)
        return self._by_source

    def find(self, source_name: str) -> Path | None:
        stem = Path(source_name).stem
        for path in (
            self.pred_dir / "documents" / f"{source_name}.json",
            self.pred_dir / f"{source_name}.json",
        ):
            if path.is_file():
                return path
        by_stem = self.pred_dir / f"{stem}.json"
        if by_stem.is_file():
            src = _pred_source(_load_json(by_stem))
            # deck.json may hold the predictions of deck.pdf rather than deck.pptx
            if src is None or _basename(src) == source_name:
                return by_stem
        return self._scan().get(source_name)


RENDITION_SUFFIXES = (".pdf", ".pptx", ".docx", ".html", ".htm", ".md", ".markdown", ".txt")


def _renditions(source: Path) -> list[Path]:
    """Files beside `source` with the same stem in another supported format."""
    return [
        source.with_suffix(suffix)
        for suffix in RENDITION_SUFFIXES
        if suffix != source.suffix.lower() and source.with_suffix(suffix).is_file()
    ]


def _resolve_source(gold_path: Path, source: str, sources: Path | None) -> Path:
    """The source file: `sources/<name>` if that exists, else relative to the gold folder."""
    if sources is not None:
        candidate = sources / _basename(source)
        if candidate.exists():
            return candidate
    return Path(os.path.normpath(gold_path.parent / source))


def _predictions(
    source_path: Path,
    index: _PredIndex | None,
    extract: Callable[[Path], DocumentResult] | None,
) -> tuple[Sequence[Mapping[str, Any] | Item] | None, dict[str, Any]]:
    """The predicted items for one source and DocumentScore fields; None + reason to skip it."""
    name = source_path.name
    if index is not None:
        pred_path = index.find(name)
        if pred_path is None and not source_path.exists():
            return None, {"reason": "source file not found and no prediction for it"}
        items = _pred_items(_load_json(pred_path)) if pred_path is not None else None
        if items is not None:
            return items, {"prediction": str(pred_path)}
        note = (
            f"no prediction for {name} in {index.pred_dir}"
            if pred_path is None
            else f"{pred_path} is not a prediction file (no 'items' list)"
        )
        return [], {"status": "missing_prediction", "note": note}
    if not source_path.exists():
        return None, {"reason": "source file not found"}
    assert extract is not None
    try:
        return extract(source_path).items, {"prediction": "extract"}
    except Exception as exc:  # one failing document must not stop the evaluation
        note = f"{type(exc).__name__}: {exc}"
        return [], {"prediction": "extract", "status": "extract_error", "note": note}


def evaluate(
    gold_dir: Path,
    pred_dir: Path | None = None,
    extract: Callable[[Path], DocumentResult] | None = None,
    sources: Path | None = None,
    threshold: float = THRESHOLD,
    renditions: bool = False,
) -> EvaluationReport:
    """Score every gold file `gold_dir/*.json` against saved predictions or a live extraction.

    With `pred_dir`, each source's prediction is looked up there (`documents/<name>.json`,
    `<name>.json`, `<stem>.json`, or any JSON whose `document.source` has the same file name);
    a missing prediction scores as no items and is reported. Without it, `extract(source)` is
    called (default: `pipeline.process.process_file`, imported lazily); an exception is recorded
    and scores as no items. `sources` is an optional folder searched first for the source files
    (by file name) before the path relative to the gold file.

    Skipped, and listed with the reason: JSON files that are not gold files, and documents whose
    source file does not exist (unless `pred_dir` holds a prediction for it).

    With `renditions`, the same gold also scores the source's other renditions: files beside
    it with the same stem in another supported format (deck.pptx -> deck.pdf, deck.md).
    """
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise UsageError(gold_dir, "gold folder not found", "Pass the folder of gold *.json files.")
    if not any(gold_dir.glob("*.json")):
        raise UsageError(
            gold_dir, "holds no gold files (*.json)", "Pass the folder of gold *.json files."
        )
    index = _PredIndex(Path(pred_dir)) if pred_dir is not None else None
    if index is None and extract is None:
        from pipeline.process import process_file

        extract = process_file

    report = EvaluationReport(
        gold_dir=str(gold_dir),
        pred_dir=str(pred_dir) if pred_dir is not None else None,
        mode="predictions" if index is not None else "extract",
        threshold=threshold,
    )
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = _load_json(gold_path)
        gold_items = _pred_items(gold)
        if (
            gold_items is None
            or not isinstance(gold, dict)
            or not isinstance(gold.get("source"), str)
        ):
            reason = "not a gold file (needs 'source' and a list of 'items')"
            report.skipped.append(SkippedDocument(gold_file=gold_path.name, reason=reason))
            continue
        source_path = _resolve_source(gold_path, gold["source"], sources)
        paths = [source_path, *(_renditions(source_path) if renditions else [])]
        for path in paths:
            pred_items, info = _predictions(path, index, extract)
            if pred_items is None:
                report.skipped.append(
                    SkippedDocument(
                        gold_file=gold_path.name, source=str(path), reason=info["reason"]
                    )
                )
                continue
            info.update(gold_file=gold_path.name, source=str(path))
            report.documents.append(score_document(gold_items, pred_items, threshold, **info))

    report.overall = combine(report.documents)
    return report


# ---------------------------------------------------------------------------- text report


def _prf(p: PRF) -> str:
    return f"{p.precision:.2f}/{p.recall:.2f}/{p.f1:.2f}"


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_report(report: EvaluationReport, show_errors: bool = True) -> str:
    """A readable table of the scores, then (optionally) each document's errors."""
    kinds = list(KINDS) + sorted(set(report.overall.by_kind) - set(KINDS))
    head = ["source", "gold", "pred"]
    head += [f"{k} P/R/F1" for k in kinds] + ["items P/R/F1", "country", "themeF1", "actionF1"]
    rows = []

    def row(name: str, s: ScoreSummary, n_gold: int | str, n_pred: int | str) -> list[str]:
        cells = [name, str(n_gold), str(n_pred)]
        cells += [_prf(s.by_kind.get(k, PRF())) for k in kinds]
        cells += [
            _prf(s.items),
            f"{s.country_accuracy:.2f}",
            f"{s.themes.f1:.2f}",
            f"{s.actions.f1:.2f}",
        ]
        return cells

    for d in report.documents:
        flag = {"scored": "", "missing_prediction": " (no pred)", "extract_error": " (error)"}
        name = Path(d.source).name if d.source else d.gold_file
        rows.append(row(name + flag[d.status], d, d.n_gold, d.n_pred))
    o = report.overall
    total = row(
        "OVERALL",
        o,
        sum(d.n_gold for d in report.documents),
        sum(d.n_pred for d in report.documents),
    )
    widths = [max(len(r[i]) for r in [head, *rows, total]) for i in range(len(head))]

    def fmt(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join([first] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)])

    rule = "-" * len(fmt(head))
    source = f"predictions in {report.pred_dir}" if report.pred_dir else "live extraction"
    lines = [f"Evaluation of {report.gold_dir} ({source}, Dice >= {report.threshold})", ""]
    lines += [fmt(head), rule, *(fmt(r) for r in rows), rule, fmt(total)]
    lines.append(
        f"overall: items tp/fp/fn {o.items.tp}/{o.items.fp}/{o.items.fn}; "
        f"country {o.country_correct}/{o.matched}; "
        f"themes tp/fp/fn {o.themes.tp}/{o.themes.fp}/{o.themes.fn}; "
        f"actions tp/fp/fn {o.actions.tp}/{o.actions.fp}/{o.actions.fn}"
    )
    if report.skipped:
        lines += ["", "Skipped:"]
        lines += [f"  {s.gold_file}: {s.reason} ({s.source or '-'})" for s in report.skipped]
    problems = [d for d in report.documents if d.status != "scored"]
    if problems:
        lines += ["", "No predictions:"]
        lines += [f"  {d.gold_file}: {d.note}" for d in problems]

    if show_errors:
        for d in report.documents:
            lines += _document_errors(d)
    return "\n".join(lines) + "\n"


def _document_errors(d: DocumentScore) -> list[str]:
    """The missed, spurious and mislabelled items of one document, one line each."""
    if not (d.missed or d.spurious or d.disagreements):
        return []
    lines = ["", f"== {d.gold_file} ({d.source})"]
    for title, mark, refs in (("missed", "-", d.missed), ("spurious", "+", d.spurious)):
        if refs:
            lines.append(f"  {title} ({len(refs)}):")
            lines += [f"    {mark} [{r.kind}|{r.country or '-'}] {_short(r.text)}" for r in refs]
    if d.disagreements:
        lines.append(f"  label disagreements ({len(d.disagreements)}):")
    for x in d.disagreements:
        lines.append(f"    ~ [{x.kind}] {_short(x.gold_text)}")
        if x.similarity < 1.0:
            lines.append(f"      predicted text ({x.similarity:.2f}): {_short(x.pred_text)}")
        if not x.country_ok:
            lines.append(
                f"      country: gold {x.gold_country or '-'}, pred {x.pred_country or '-'}"
            )
        for label, miss, extra in (
            ("themes", x.themes_missing, x.themes_extra),
            ("actions", x.actions_missing, x.actions_extra),
        ):
            if miss or extra:
                missing, added = ", ".join(miss) or "-", ", ".join(extra) or "-"
                lines.append(f"      {label}: missing {missing}; extra {added}")
    return lines
