"""Classification: themes and action types for each item, with scores and evidence.

A hybrid an analyst can check. For every label three signals are combined into one score in
[0, 1] (see `model.fuse`):

1. context: the heading, sub-list label, table column or parent lead-in the item sits under
   names the label ("heading: Child Labour", "column or label: Child labour",
   'lead-in above: "Achieve … through:"');
2. phrase: a taxonomy keyword occurs in the item's words ('phrase: "labour inspectors"');
3. model: a TF-IDF + logistic regression model trained on `corpus/training`
   ('model: "inspectors", "labour" (words of the item)' — the words of the item, or of the
   heading it sits under, that pushed its score most; internal feature names never appear).

A label is assigned when its score reaches the label's threshold, tuned on held-out folds
of the training data. Usage::

    from pipeline.classify import classify_items
    items = classify_items(items)          # uses the committed model in models/
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.classify.model import (
    CONTEXT_MARK,
    Classifier,
    ModelCard,
    label_keys,
    load_classifier,
    read_classifier,
    save_classifier,
)
from pipeline.classify.rules import NAMES, Signals, item_headers, rule_matcher
from pipeline.model_files import current_model_version
from pipeline.models import Item, LabelScore
from pipeline.textnorm import squash_space

__all__ = [
    "Classifier",
    "ModelCard",
    "TrainReport",
    "classify_items",
    "current_model_version",
    "explain_items",
    "item_signals",
    "label_keys",
    "load_classifier",
    "model_evidence",
    "model_text",
    "read_classifier",
    "rule_evidence",
    "save_classifier",
    "train_model",
]


def model_text(text: str, headers: Sequence[str]) -> str:
    """The text model's input: the item, then the headers it sits under."""
    headers = [h for h in headers if h]
    return f"{text}{CONTEXT_MARK}{'; '.join(headers)}" if headers else text


def item_signals(text: str, headers: Sequence[str], parents: Sequence[str] = ()) -> Signals:
    """Rule evidence for one item: its own phrases, its headers and any parent lead-in."""
    matcher = rule_matcher()
    signals = matcher.text_signals(text)
    matcher.header_signals(headers, signals, source="context")
    matcher.header_signals(parents, signals, source="parent")
    return signals


def rule_evidence(
    signals: Sequence[Signals], labels: Sequence[str]
) -> tuple[list[dict[str, list[str]]], np.ndarray]:
    """Per item the keywords matched for each label ('themes:child_labour' -> [...]), and the
    0/1 matrix (items x labels) of labels named by a header the item sits under."""
    keywords: list[dict[str, list[str]]] = []
    context = np.zeros((len(signals), len(labels)))
    keys = [key.split(":", 1) for key in labels]
    for i, sig in enumerate(signals):
        found = {}
        for j, (name, label) in enumerate(keys):
            if label in sig.keywords[name]:
                found[labels[j]] = sig.keywords[name][label]
            context[i, j] = label in sig.context[name]
        keywords.append(found)
    return keywords, context


def _parents(items: Sequence[Item]) -> list[list[str]]:
    """Lead-ins that head the items after them ("Achieve ... child labour ..., through:").

    An item whose printed block ends with ':' is a parent of the items that follow it in the
    same section and under the same context, until another lead-in or a new section.
    """
    out: list[list[str]] = []
    parent: tuple[tuple[str, ...], tuple[str, ...], str] | None = None
    for item in items:
        where = (tuple(item.section), tuple(item.context))
        if parent is not None and (parent[0], parent[1]) != where:
            parent = None
        out.append([parent[2]] if parent is not None else [])
        if item.provenance.source_text.rstrip().endswith(":"):
            parent = (*where, item.text)
    return out


def _header_key(text: str) -> str:
    return squash_space(text).rstrip(":").strip().casefold()


def _where(tag: str, heading: str | None) -> str:
    """A rule signal's tag ('context: Child Labour', 'parent: Achieve …') in an analyst's
    words: the heading, the column or list label, or the lead-in it sat under."""
    source, _, header = tag.partition(": ")
    if source == "parent":
        return f'lead-in above: "{header}"'
    if heading is not None and _header_key(header) in heading:
        return f"heading: {header}"
    return f"column or label: {header}"


def _evidence(signals: Signals, name: str, label: str, heading: str | None = None) -> list[str]:
    """Evidence in words: where the item sat ('heading: Child labour') and the phrases of
    the item that name the label ('phrase: "labour inspectors"')."""
    found = [_where(tag, heading) for tag in signals.context[name].get(label, [])]
    found += [f'phrase: "{p}"' for p in signals.phrase[name].get(label, [])]
    return found


def model_evidence(own: Sequence[str], header: Sequence[str]) -> str:
    """'model: "inspectors", "labour" (words of the item); "child labour" (words of the
    heading or column)': the words that pushed the text model's score."""
    parts = []
    if own:
        parts.append(", ".join(f'"{w}"' for w in own) + " (words of the item)")
    if header:
        parts.append(", ".join(f'"{w}"' for w in header) + " (words of the heading or column)")
    if not parts:
        return "model: the item's wording as a whole (no single word stands out)"
    return "model: " + "; ".join(parts)


def _heading(section: Sequence[str]) -> str:
    """The item's own heading as a matching key (numbering and ':' dropped), or ''."""
    if not section:
        return ""
    from pipeline.classify.rules import NUMBERING_RE

    return _header_key(NUMBERING_RE.sub("", section[-1]))


class _Scored:
    """Every label's score and signals for a batch of items."""

    def __init__(self, items: Sequence[Item], classifier: Classifier) -> None:
        labels = classifier.labels
        parents = _parents(items)
        headers = [item_headers(it.context, it.section) for it in items]
        self.signals = [
            item_signals(it.text, hdr, par)
            for it, hdr, par in zip(items, headers, parents, strict=True)
        ]
        texts = [model_text(it.text, hdr) for it, hdr in zip(items, headers, strict=True)]
        self.texts = texts
        self.headings = [_heading(it.section) for it in items]
        self.decision, self.X = classifier.model.decision_function(texts)
        keywords, self.context = rule_evidence(self.signals, labels)
        self.phrase = classifier.phrase_strength(keywords)
        self.scores = classifier.scores(self.decision, self.phrase, self.context)
        self.model_p = classifier.model_probability(self.decision)


def explain_items(items: list[Item], classifier: Classifier | None = None) -> list[list[dict]]:
    """For review: per item, every label with a signal or a score >= 0.05, with the model's
    probability, the phrase reliability, the context flag, the fused score and threshold."""
    classifier = classifier or load_classifier()
    if not items:
        return []
    sc = _Scored(items, classifier)
    out = []
    for i in range(len(items)):
        rows = []
        for j, key in enumerate(classifier.labels):
            name, label = key.split(":", 1)
            evidence = _evidence(sc.signals[i], name, label, sc.headings[i])
            if sc.scores[i, j] < 0.05 and not evidence:
                continue
            own, header = classifier.model.evidence_terms(sc.X[i], j, sc.texts[i])
            rows.append(
                {
                    "label": key,
                    "score": round(float(sc.scores[i, j]), 4),
                    "threshold": float(classifier.thresholds[j]),
                    "model": round(float(sc.model_p[i, j]), 4),
                    "phrase": round(float(sc.phrase[i, j]), 4),
                    "context": bool(sc.context[i, j]),
                    "evidence": evidence,
                    "model_terms": [*own, *(f"{w} (heading)" for w in header)],
                }
            )
        out.append(rows)
    return out


def classify_items(items: list[Item], classifier: Classifier | None = None) -> list[Item]:
    """Copies of `items` with themes, actions and their scores and evidence filled in."""
    if not items:
        return []
    classifier = classifier or load_classifier()
    sc = _Scored(items, classifier)
    out = []
    for i, item in enumerate(items):
        found: dict[str, list[LabelScore]] = {n: [] for n in NAMES}
        for j, key in enumerate(classifier.labels):
            score = round(float(sc.scores[i, j]), 4)
            if score < classifier.thresholds[j]:
                continue
            name, label = key.split(":", 1)
            evidence = _evidence(sc.signals[i], name, label, sc.headings[i])
            if sc.model_p[i, j] >= 0.5 or not evidence:
                own, header = classifier.model.evidence_terms(sc.X[i], j, sc.texts[i])
                evidence.append(model_evidence(own, header))
            found[name].append(LabelScore(label=label, score=score, evidence=evidence))
        out.append(
            item.model_copy(
                update={
                    "themes": [s.label for s in found["themes"]],
                    "actions": [s.label for s in found["actions"]],
                    "theme_scores": found["themes"],
                    "action_scores": found["actions"],
                }
            )
        )
    return out


def __getattr__(name: str):  # train.py imports sklearn model selection; load it on demand
    if name in ("TrainReport", "train_model"):
        from pipeline.classify import train

        return getattr(train, name)
    raise AttributeError(name)
