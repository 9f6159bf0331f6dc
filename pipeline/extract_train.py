"""Train the extraction model on `corpus/` gold and measure it on layout families it never saw.

Every gold file (`corpus/gold/*.json`, format `shared/GOLD.md` plus `family`) names a source
and its renditions; each is parsed, cut into candidates, and each candidate is labelled with
the kind of the gold item its text matches (Dice >= 0.85, one to one, as `evaluate` scores),
or 'none'. Analysts' corrections add to this: an item marked "not an item" is a negative, an
item they added is a positive.

`cross_validate` leaves one layout family out at a time: it trains on every other family,
extracts and classifies the documents of the family left out, and scores them against their
gold, so the figures say how the extractor does on a kind of document it was not built on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.candidates import Candidate, sections_to_candidates
from pipeline.cues import normalise
from pipeline.errors import PipelineError, UsageError
from pipeline.evaluate import RENDITION_SUFFIXES, ScoreSummary, combine, match_items, score_document
from pipeline.extract import decide, decisions_to_items
from pipeline.extract_model import ExtractionModel, fit_model, save_model
from pipeline.features import candidate_features
from pipeline.models import Document
from pipeline.parse import parse_file
from pipeline.segment import document_to_sections

DEFAULT_GOLD_DIR = Path(__file__).resolve().parents[1] / "corpus" / "gold"
C_VALUE = 0.1
C_KIND = 0.1


@dataclass
class LabelledSource:
    """One parsed source file of the corpus, its candidates and their gold classes."""

    gold_file: str
    family: str
    lang: str
    path: Path
    doc: Document
    gold_items: list[dict[str, Any]]
    candidates: list[Candidate]
    features: list[dict[str, float]]
    labels: list[str]
    unreachable: list[str]  # gold items no candidate matches
    matches: list[tuple[int, int]]  # (gold item, candidate) pairs that match, one to one


def _sources(gold_path: Path, gold: dict[str, Any]) -> list[Path]:
    first = (gold_path.parent / gold["source"]).resolve()
    listed = [(gold_path.parent / r).resolve() for r in gold.get("renditions", [])]
    beside = [
        first.with_suffix(s)
        for s in RENDITION_SUFFIXES
        if first.with_suffix(s).is_file() and first.with_suffix(s) != first
    ]
    return list(dict.fromkeys([first, *listed, *beside]))


def label_candidates(
    candidates: list[Candidate], gold_items: list[dict[str, Any]]
) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """The class of each candidate, the gold texts no candidate reaches, and the (gold item,
    candidate) pairs that match."""
    probe = [{"kind": "x", "text": c.item.text} for c in candidates]
    gold = [{"kind": "x", "text": g["text"]} for g in gold_items]
    labels = ["none"] * len(candidates)
    matched: set[int] = set()
    by_key: dict[tuple[str, str], str] = {}
    pairs = [(gi, pi) for gi, pi, _ in match_items(gold, probe)]
    for gi, pi in pairs:
        labels[pi] = gold_items[gi]["kind"]
        matched.add(gi)
        by_key[(candidates[pi].block.id, normalise(candidates[pi].item.text))] = labels[pi]
    for n, c in enumerate(candidates):  # the same words met twice share the label
        labels[n] = by_key.get((c.block.id, normalise(c.item.text)), labels[n])
    unreachable = [g["text"] for i, g in enumerate(gold_items) if i not in matched]
    return labels, unreachable, pairs


def load_sources(
    gold_dir: Path = DEFAULT_GOLD_DIR, progress: Callable[[str], None] | None = None
) -> list[LabelledSource]:
    """Parse and label every source of every gold file in `gold_dir`."""
    gold_dir = Path(gold_dir)
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise UsageError(gold_dir, "no gold files found", "Pass the folder of gold *.json files.")
    out = []
    for gold_path in files:
        gold = json.loads(gold_path.read_text("utf-8"))
        if not isinstance(gold, dict) or "source" not in gold or "items" not in gold:
            continue
        for path in _sources(gold_path, gold):
            if not path.is_file():
                continue
            if progress:
                progress(path.name)
            try:
                doc = parse_file(path)
            except PipelineError as exc:
                if progress:
                    progress(f"{path.name}: skipped ({exc})")
                continue
            candidates = sections_to_candidates(doc, document_to_sections(doc))
            labels, unreachable, matches = label_candidates(candidates, gold["items"])
            out.append(
                LabelledSource(
                    gold_file=gold_path.name,
                    family=gold.get("family") or gold_path.stem,
                    lang=gold.get("lang", "en"),
                    path=path,
                    doc=doc,
                    gold_items=gold["items"],
                    candidates=candidates,
                    features=[candidate_features(c) for c in candidates],
                    labels=labels,
                    unreachable=unreachable,
                    matches=matches,
                )
            )
    return out


def correction_rows(
    corrections_file: Path | None,
    sources: list[LabelledSource],
    docs_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[dict[str, float]], list[str]]:
    """Training rows from analysts' corrections.

    A correction is found again as the candidate of its document whose text matches it: in
    the training documents (the correction's label then replaces the gold one) or in
    `docs_dir` (by file name). "Not an item" makes it a negative; a kind set by the analyst,
    including on an item they added, makes it a positive of that kind.
    """
    if corrections_file is None:
        return [], []
    from pipeline.corrections import load_corrections, source_name

    by_source: dict[str, list[Any]] = {}
    for c in load_corrections(corrections_file):
        if c.not_an_item or c.kind:
            by_source.setdefault(source_name(c.source), []).append(c)
    known = {s.path.name: s for s in sources}
    feats: list[dict[str, float]] = []
    labels: list[str] = []
    for name, corrections in sorted(by_source.items()):
        source = known.get(name)
        if source is not None:
            candidates, features = source.candidates, source.features
        elif docs_dir is not None and (Path(docs_dir) / name).is_file():
            try:
                doc = parse_file(Path(docs_dir) / name)
            except PipelineError as exc:
                if progress:
                    progress(f"corrections for {name}: skipped ({exc})")
                continue
            candidates = sections_to_candidates(doc, document_to_sections(doc))
            features = [candidate_features(c) for c in candidates]
        else:
            if progress:
                progress(f"corrections for {name}: document not found, not learnt")
            continue
        probe = [{"kind": "x", "text": c.item.text} for c in candidates]
        wanted = [{"kind": "x", "text": c.text} for c in corrections]
        for ci, pi, _ in match_items(wanted, probe):
            label = "none" if corrections[ci].not_an_item else str(corrections[ci].kind)
            if source is not None:
                source.labels[pi] = label
            else:
                feats.append(features[pi])
                labels.append(label)
    return feats, labels


def fit_on(
    sources: list[LabelledSource],
    extra: tuple[list[dict[str, float]], list[str]] | None = None,
    c: float = C_VALUE,
) -> ExtractionModel:
    feats = [f for s in sources for f in s.features]
    labels = [lab for s in sources for lab in s.labels]
    if extra:
        feats += extra[0]
        labels += extra[1]
    return fit_model(feats, labels, c, C_KIND)


def extract_items(
    source: LabelledSource, model: ExtractionModel | None, classifier: Any = None
) -> list[Any]:
    """Items of a labelled source with `model`, classified as a run would classify them (by
    `classifier`, the installed one when None)."""
    from pipeline.classify import classify_items

    return classify_items(decisions_to_items(decide(source.candidates, model)), classifier)


def gold_label_rows(sources: list[LabelledSource]) -> list[Any]:
    """The classifier's training rows from gold items: each gold item's text, kind, country,
    themes and actions with the headers of the candidate that reaches it (what a run's item
    sits under). One rendition per gold file; items no candidate reaches are left out."""
    from pipeline.classify.train import TrainRow

    rows, seen = [], set()
    for s in sources:
        if s.gold_file in seen:
            continue
        seen.add(s.gold_file)
        for gi, pi in s.matches:  # matched once, when the source was labelled
            item, where = s.gold_items[gi], s.candidates[pi].item
            rows.append(
                TrainRow(
                    text=item["text"],
                    kind=item.get("kind"),
                    country=item.get("country"),
                    context=list(where.context),
                    section=list(where.section),
                    themes=item.get("themes") or [],
                    actions=item.get("actions") or [],
                )
            )
    return rows


# Folds of the classifier's own cross-validation when it is refitted for each family left
# out (its thresholds and calibration come from them): fewer than a full training's five.
CV_CLASSIFIER_FOLDS = 3


@dataclass
class FamilyScore:
    family: str
    documents: int
    score: ScoreSummary
    # The lowest item F1 between two renditions of one document (deck.pptx against deck.pdf),
    # None when no document of the family has two renditions.
    rendition_f1: float | None = None


def cross_validate(
    sources: list[LabelledSource],
    c: float = C_VALUE,
    progress: Callable[[str], None] | None = None,
    label_rows: list[Any] | None = None,
) -> list[FamilyScore]:
    """Leave one family out: train on the others, score the family left out.

    With `label_rows` (the classifier's own training rows), the classifier is refitted for
    each family too, on those rows and the gold items of the other families, so that its
    theme and action scores are as unseen as the extractor's; without, the installed one
    labels the items."""
    from pipeline.classify.train import fit_classifier

    families = sorted({s.family for s in sources})
    out = []
    for family in families:
        held = [s for s in sources if s.family == family]
        rest = [s for s in sources if s.family != family]
        if progress:
            progress(f"family {family}: train on {len(rest)} sources, score {len(held)}")
        model = fit_on(rest, c=c)
        classifier = None
        if label_rows is not None:
            rows = label_rows + gold_label_rows(rest)
            classifier, _ = fit_classifier(rows, folds=CV_CLASSIFIER_FOLDS)
        items = {s.path: extract_items(s, model, classifier) for s in held}
        scores = [score_document(s.gold_items, items[s.path], source=s.path.name) for s in held]
        out.append(
            FamilyScore(family, len(held), combine(scores), rendition_agreement(held, items))
        )
    return out


def rendition_agreement(
    sources: list[LabelledSource], items: dict[Path, list[Any]]
) -> float | None:
    """The lowest item F1 between a document's first rendition and each other one."""
    by_gold: dict[str, list[LabelledSource]] = {}
    for s in sources:
        by_gold.setdefault(s.gold_file, []).append(s)
    worst = None
    for renditions in by_gold.values():
        first = renditions[0]
        for other in renditions[1:]:
            f1 = score_document(items[first.path], items[other.path]).items.f1
            worst = f1 if worst is None else min(worst, f1)
    return worst


def data_hash(sources: list[LabelledSource]) -> str:
    digest = hashlib.sha256()
    for s in sorted(sources, key=lambda s: s.path.name):
        digest.update(s.path.name.encode())
        digest.update(s.doc.id.encode())
        digest.update(json.dumps(s.gold_items, sort_keys=True).encode())
    return digest.hexdigest()


def summary_dict(score: ScoreSummary) -> dict[str, float]:
    return {
        "item_f1": round(score.items.f1, 4),
        "item_precision": round(score.items.precision, 4),
        "item_recall": round(score.items.recall, 4),
        "priority_f1": round(score.by_kind.get("priority", score.items).f1, 4)
        if "priority" in score.by_kind
        else 0.0,
        "next_step_f1": round(score.by_kind["next_step"].f1, 4)
        if "next_step" in score.by_kind
        else 0.0,
        "country": round(score.country_accuracy, 4),
        "gold_items": score.items.tp + score.items.fn,
        "spurious": score.items.fp,
        "themes_f1": round(score.themes.f1, 4),
        "actions_f1": round(score.actions.f1, 4),
    }


def cross_validate_folder(
    gold_dir: Path,
    progress: Callable[[str], None] | None = None,
    training_dir: Path | None = None,
) -> list[FamilyScore]:
    """`cross_validate` on the gold files of `gold_dir`, the classifier refitted for each
    family from `training_dir` (default: corpus/training) and the other families' gold."""
    from pipeline.classify.train import DEFAULT_TRAINING_DIR, load_training

    rows = load_training(training_dir or DEFAULT_TRAINING_DIR)
    return cross_validate(load_sources(gold_dir, progress), progress=progress, label_rows=rows)


def format_cv(folds: list[FamilyScore]) -> str:
    """The leave-one-family-out scores as a table, one family a line, then all together."""
    head = f"{'family left out':20} {'docs':>4}  {'item P/R/F1':>15}  {'next F1':>7}  "
    head += f"{'country':>7}  {'themes':>6}  {'actions':>7}"
    lines = ["Leave one layout family out (train on the others, score the family)", "", head]

    def row(name: str, docs: int | str, s: ScoreSummary) -> str:
        d = summary_dict(s)
        prf = f"{d['item_precision']:.2f}/{d['item_recall']:.2f}/{d['item_f1']:.2f}"
        if not d["gold_items"]:  # a family of negatives: what counts is what it wrongly gives
            return f"{name:20} {docs:>4}  {'no items; ' + str(d['spurious']) + ' taken':>15}"
        return (
            f"{name:20} {docs:>4}  {prf:>15}  {d['next_step_f1']:>7.2f}  {d['country']:>7.2f}  "
            f"{d['themes_f1']:>6.2f}  {d['actions_f1']:>7.2f}"
        )

    lines += [row(f.family, f.documents, f.score) for f in folds]
    lines.append(
        row("ALL (micro)", sum(f.documents for f in folds), combine(f.score for f in folds))
    )
    agreement = [f"{f.family} {f.rendition_f1:.2f}" for f in folds if f.rendition_f1 is not None]
    lines += ["", "Agreement between renditions of one document (lowest item F1 per family):"]
    lines.append(", ".join(agreement) or "no document with two renditions")
    return "\n".join(lines)


def cv_json(folds: list[FamilyScore]) -> str:
    data = {
        "families": {
            f.family: {
                "documents": f.documents,
                **summary_dict(f.score),
                "rendition_f1_min": None if f.rendition_f1 is None else round(f.rendition_f1, 4),
            }
            for f in folds
        },
        "overall": summary_dict(combine(f.score for f in folds)),
    }
    return json.dumps(data, indent=2)


def format_card(card: dict[str, Any]) -> str:
    lines = [
        f"extraction model {card['model_version']}: {card['features']} features, "
        f"{card['training_candidates']} candidates from {card['training_sources']} sources "
        f"({card['training_items']} gold items, {card['unreachable_gold_items']} out of reach), "
        f"{card['corrections_rows']} corrections",
    ]
    if "cv_overall" in card:
        d = card["cv_overall"]
        lines.append(
            f"leave-one-family-out: item F1 {d['item_f1']:.3f}, next-step F1 "
            f"{d['next_step_f1']:.3f}, country {d['country']:.3f}, themes {d['themes_f1']:.3f}, "
            f"actions {d['actions_f1']:.3f}"
        )
    return "\n".join(lines)


def train_and_save(
    gold_dir: Path,
    out_dir: Path,
    corrections_file: Path | None = None,
    docs_dir: Path | None = None,
    cv: bool = True,
    progress: Callable[[str], None] | None = None,
    sources: list[LabelledSource] | None = None,
    label_rows: list[Any] | None = None,
) -> dict[str, Any]:
    """Train on all of `gold_dir` (plus corrections), write the model and its card.
    `sources`: `gold_dir` already loaded; `label_rows`: see `cross_validate`."""
    sources = load_sources(gold_dir, progress) if sources is None else sources
    extra = correction_rows(corrections_file, sources, docs_dir, progress)
    card: dict[str, Any] = {
        "training_sources": len(sources),
        "training_candidates": sum(len(s.candidates) for s in sources),
        "training_items": sum(len(s.gold_items) for s in sources),
        "corrections_rows": len(extra[0]),
        "families": sorted({s.family for s in sources}),
        "data_sha256": data_hash(sources),
        "c": C_VALUE,
        "c_kind": C_KIND,
        "unreachable_gold_items": sum(len(s.unreachable) for s in sources),
    }
    if cv:
        folds = cross_validate(sources, progress=progress, label_rows=label_rows)
        card["cv_leave_one_family_out"] = json.loads(cv_json(folds))["families"]
        card["cv_overall"] = summary_dict(combine(f.score for f in folds))
    model = fit_on(sources, extra)
    card["features"] = len(model.features)
    card["model_version"] = save_model(model, out_dir, card)
    return card
