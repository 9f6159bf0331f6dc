"""Tests of pipeline.evaluate: matching, scoring, file lookup and the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED

from pipeline.evaluate import (
    PRF,
    EvaluationReport,
    dice,
    evaluate,
    format_report,
    match_items,
    normalise,
    score_document,
)
from pipeline.models import DocumentInfo, DocumentResult, Item, Provenance

SEED_GOLD = SHARED / "seeds" / "gold"

# 20 tokens each; B shares 17 with A -> Dice 34/40 = 0.85; C shares 16 -> 32/40 = 0.80.
WORDS = [f"w{i}" for i in range(20)]
TEXT_A = " ".join(WORDS)
TEXT_B = " ".join([*WORDS[:17], "x1", "x2", "x3"])
TEXT_C = " ".join([*WORDS[:16], "x1", "x2", "x3", "x4"])


def it(
    text: str,
    kind: str = "priority",
    country: str | None = None,
    themes: list[str] | None = None,
    actions: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "text": text,
        "country": country,
        "themes": themes or [],
        "actions": actions or [],
    }


def model_item(text: str, kind: str = "priority", country: str | None = None) -> Item:
    prov = Provenance(document_id="d", source="s", page=1, block_ids=["p1-b1"], source_text=text)
    return Item(id=text[:8], kind=kind, text=text, country=country, provenance=prov)  # type: ignore[arg-type]


def result(source: str, items: list[Item]) -> DocumentResult:
    info = DocumentInfo(id="d", source=source, format="text", page_count=1)
    return DocumentResult(pipeline_version="test", document=info, items=items)


def write_gold(folder: Path, name: str, source: str, items: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"source": source, "items": items}), encoding="utf-8")
    return path


def write_pred(path: Path, source: str, items: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"document": {"source": source}, "items": items}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- text similarity


def test_normalise() -> None:
    assert normalise("  Next-Steps:  ILO's ﬁrst  plan (2019–2020);") == [
        "next",
        "steps",
        "ilo",
        "s",
        "first",
        "plan",
        "2019",
        "2020",
    ]
    assert normalise("Étape_1 — Côte d'Ivoire") == ["étape", "1", "côte", "d", "ivoire"]
    assert normalise("•  ;") == []


def test_dice_multisets() -> None:
    assert dice(["a", "a", "b"], ["a", "b", "b"]) == pytest.approx(2 * 2 / 6)
    assert dice(["a"], ["b"]) == 0.0
    assert dice([], []) == 1.0
    assert dice(normalise(TEXT_A), normalise(TEXT_B)) == pytest.approx(0.85)
    assert dice(normalise(TEXT_A), normalise(TEXT_C)) == pytest.approx(0.80)


def test_threshold_boundary() -> None:
    assert match_items([it(TEXT_A)], [it(TEXT_B)]) == [(0, 0, pytest.approx(0.85))]
    assert match_items([it(TEXT_A)], [it(TEXT_C)]) == []
    assert match_items([it(TEXT_A)], [it(TEXT_C)], threshold=0.8) == [(0, 0, pytest.approx(0.8))]


# ---------------------------------------------------------------------------- matching


def test_one_to_one_greedy() -> None:
    gold = [it(TEXT_A)]
    pred = [it(TEXT_B), it(TEXT_A)]
    assert match_items(gold, pred) == [(0, 1, 1.0)]
    score = score_document(gold, pred)
    assert (score.items.tp, score.items.fp, score.items.fn) == (1, 1, 0)
    assert [r.index for r in score.spurious] == [0]


def test_greedy_most_similar_first_and_ties() -> None:
    # gold 0 ~ pred 0 (0.85) and pred 1 (1.0); gold 1 == pred 1 (1.0) too.
    gold = [it(TEXT_A), it(TEXT_A)]
    pred = [it(TEXT_B), it(TEXT_A)]
    # Tie at 1.0 between (0,1) and (1,1): lower gold index wins, gold 1 takes the 0.85 pair.
    assert match_items(gold, pred) == [(0, 1, 1.0), (1, 0, pytest.approx(0.85))]
    # Identical duplicates pair up in order.
    assert match_items([it("a b"), it("a b")], [it("a b"), it("a b")]) == [
        (0, 0, 1.0),
        (1, 1, 1.0),
    ]


def test_kind_must_match() -> None:
    gold = [it("Develop a national action plan", kind="priority")]
    pred = [it("Develop a national action plan", kind="next_step")]
    assert match_items(gold, pred) == []
    score = score_document(gold, pred)
    assert score.by_kind["priority"].model_dump(include={"tp", "fp", "fn"}) == {
        "tp": 0,
        "fp": 0,
        "fn": 1,
    }
    assert (score.by_kind["next_step"].tp, score.by_kind["next_step"].fp) == (0, 1)
    assert score.items.f1 == 0.0


def test_accepts_item_models() -> None:
    gold = [it("Ratify Protocol 29", country="NPL")]
    pred = [model_item("Ratify Protocol 29", country="NPL")]
    score = score_document(gold, pred)
    assert score.matched == 1
    assert score.country_accuracy == 1.0


# ---------------------------------------------------------------------------- scoring


def test_item_prf_per_kind() -> None:
    gold = [it("a b c"), it("d e f"), it("g h i", kind="next_step")]
    pred = [it("a b c"), it("x y z"), it("g h i", kind="next_step"), it("q r", kind="next_step")]
    s = score_document(gold, pred)
    assert (s.items.tp, s.items.fp, s.items.fn) == (2, 2, 1)
    assert s.items.precision == 0.5
    assert s.items.recall == pytest.approx(2 / 3)
    assert s.items.f1 == pytest.approx(4 / 7)
    assert (s.by_kind["priority"].tp, s.by_kind["priority"].fp, s.by_kind["priority"].fn) == (
        1,
        1,
        1,
    )
    assert s.by_kind["next_step"].precision == 0.5
    assert s.by_kind["next_step"].recall == 1.0
    assert [(r.index, r.text) for r in s.missed] == [(1, "d e f")]
    assert [(r.index, r.kind) for r in s.spurious] == [(1, "priority"), (3, "next_step")]


def test_country_null_counts_as_value() -> None:
    gold = [it("a", country=None), it("b", country="NPL"), it("c", country=None)]
    pred = [it("a", country=None), it("b", country=None), it("c", country="MDG")]
    s = score_document(gold, pred)
    assert (s.matched, s.country_correct) == (3, 1)
    assert s.country_accuracy == pytest.approx(1 / 3)
    assert [(d.gold_index, d.gold_country, d.pred_country) for d in s.disagreements] == [
        (1, "NPL", None),
        (2, None, "MDG"),
    ]


def test_theme_and_action_micro_counts() -> None:
    gold = [
        it("a", themes=["child_labour", "forced_labour"], actions=["awareness"]),
        it("b", themes=[], actions=["coordination", "monitoring"]),
        it("c", themes=["migration"]),  # unmatched: its labels are not counted
    ]
    pred = [
        it("a", themes=["child_labour"], actions=["awareness", "resources"]),
        it("b", themes=["migration"], actions=["coordination", "monitoring"]),
    ]
    s = score_document(gold, pred)
    assert (s.themes.tp, s.themes.fp, s.themes.fn) == (1, 1, 1)
    assert (s.actions.tp, s.actions.fp, s.actions.fn) == (3, 1, 0)
    assert s.actions.precision == 0.75
    assert s.actions.recall == 1.0
    assert s.actions.f1 == pytest.approx(6 / 7)
    d0, d1 = s.disagreements
    assert (d0.themes_missing, d0.themes_extra) == (["forced_labour"], [])
    assert (d0.actions_missing, d0.actions_extra) == ([], ["resources"])
    assert (d1.themes_missing, d1.themes_extra, d1.actions_extra) == ([], ["migration"], [])


def test_empty_conventions() -> None:
    s = score_document([], [])
    assert (s.items.precision, s.items.recall, s.items.f1) == (1.0, 1.0, 1.0)
    assert (s.country_accuracy, s.themes.f1, s.actions.f1) == (1.0, 1.0, 1.0)
    spurious_only = score_document([], [it("a")])
    p = spurious_only.items
    assert (p.precision, p.recall, p.f1) == (0.0, 0.0, 0.0)
    missed_only = score_document([it("a")], []).items
    assert (missed_only.precision, missed_only.recall, missed_only.f1) == (0.0, 0.0, 0.0)
    assert PRF(tp=1) + PRF(fp=2, fn=3) == PRF(tp=1, fp=2, fn=3)


def test_no_disagreement_when_labels_agree() -> None:
    gold = [it("Develop the national plan", country="NPL", themes=["child_labour"])]
    pred = [it("Develop the national plan", country="NPL", themes=["child_labour"])]
    assert score_document(gold, pred).disagreements == []


# ---------------------------------------------------------------------------- evaluate


def test_overall_sums_counts_across_documents(tmp_path: Path) -> None:
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    (tmp_path / "one.txt").write_text("x")
    (tmp_path / "two.txt").write_text("x")
    write_gold(gold_dir, "one.json", "../one.txt", [it("a", themes=["migration"])])
    gold_two = [it(t) for t in ("b", "c", "d", "e")]
    write_gold(gold_dir, "two.json", "../two.txt", gold_two)
    write_pred(pred_dir / "one.txt.json", "one.txt", [it("a", themes=["migration"])])
    write_pred(pred_dir / "two.txt.json", "two.txt", [it("b"), it("zz")])

    report = evaluate(gold_dir, pred_dir)
    assert [d.gold_file for d in report.documents] == ["one.json", "two.json"]
    one, two = report.documents
    assert one.items.f1 == 1.0
    assert two.items.f1 == pytest.approx(2 / 6)
    o = report.overall
    assert (o.items.tp, o.items.fp, o.items.fn) == (2, 1, 3)
    # micro average: 2·2 / (2·2 + 1 + 3) = 0.5, not the mean of the F1s (0.667)
    assert o.items.f1 == 0.5
    assert o.by_kind["priority"].f1 == 0.5
    assert (o.matched, o.country_correct) == (2, 2)
    assert (o.themes.tp, o.themes.fp, o.themes.fn) == (1, 0, 0)
    assert report.skipped == []
    assert report.missing_predictions == []


@pytest.mark.parametrize(
    "relpath",
    ["documents/deck.pptx.json", "deck.pptx.json", "deck.json", "whatever/run-42.json"],
)
def test_prediction_lookup(tmp_path: Path, relpath: str) -> None:
    (tmp_path / "deck.pptx").write_text("x")
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    write_gold(gold_dir, "deck.json", "../deck.pptx", [it("a b c")])
    pred_path = write_pred(pred_dir / relpath, "/somewhere/else/deck.pptx", [it("a b c")])
    report = evaluate(gold_dir, pred_dir)
    (doc,) = report.documents
    assert doc.status == "scored"
    assert doc.prediction == str(pred_path)
    assert doc.items.f1 == 1.0


def test_stem_lookup_rejects_other_format(tmp_path: Path) -> None:
    (tmp_path / "deck.pptx").write_text("x")
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    write_gold(gold_dir, "deck.json", "../deck.pptx", [it("a b c")])
    write_pred(pred_dir / "deck.json", "deck.pdf", [it("a b c")])  # the PDF's predictions
    (doc,) = evaluate(gold_dir, pred_dir).documents
    assert doc.status == "missing_prediction"


def test_missing_prediction_counts_as_nothing_predicted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    pred_dir.mkdir()
    write_gold(gold_dir, "a.json", "../a.txt", [it("a"), it("b")])
    report = evaluate(gold_dir, pred_dir)
    (doc,) = report.documents
    assert doc.status == "missing_prediction"
    assert (doc.items.tp, doc.items.fp, doc.items.fn) == (0, 0, 2)
    assert report.missing_predictions == [str(tmp_path / "a.txt")]
    assert report.overall.items.recall == 0.0
    assert "No predictions" in format_report(report)


def test_missing_source_is_skipped(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    write_gold(gold_dir, "gone.json", "../gone.pdf", [it("a")])
    (gold_dir / "notes.json").write_text('{"hello": 1}')
    calls: list[Path] = []

    def extract(path: Path) -> DocumentResult:
        calls.append(path)
        return result(str(path), [])

    report = evaluate(gold_dir, extract=extract)
    assert calls == []
    assert report.documents == []
    assert [(s.gold_file, s.reason) for s in report.skipped] == [
        ("gone.json", "source file not found"),
        ("notes.json", "not a gold file (needs 'source' and a list of 'items')"),
    ]
    assert report.overall.items.f1 == 1.0
    # with predictions: skipped only when there is no prediction either
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    assert [s.gold_file for s in evaluate(gold_dir, pred_dir).skipped] == [
        "gone.json",
        "notes.json",
    ]
    write_pred(pred_dir / "gone.pdf.json", "gone.pdf", [it("a")])
    (doc,) = evaluate(gold_dir, pred_dir).documents
    assert doc.items.f1 == 1.0


def test_extract_callable_and_errors(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("x")
    (tmp_path / "bad.txt").write_text("x")
    gold_dir = tmp_path / "gold"
    write_gold(gold_dir, "bad.json", "../bad.txt", [it("b")])
    write_gold(gold_dir, "ok.json", "../ok.txt", [it("Ratify C182", country="NPL")])

    def extract(path: Path) -> DocumentResult:
        if path.name == "bad.txt":
            raise ValueError("cannot parse")
        return result(str(path), [model_item("Ratify C182", country="MDG")])

    report = evaluate(gold_dir, extract=extract)
    bad, ok = report.documents
    assert (bad.status, bad.note) == ("extract_error", "ValueError: cannot parse")
    assert bad.items.fn == 1
    assert ok.items.f1 == 1.0
    assert ok.country_accuracy == 0.0
    assert report.extract_errors == [str(tmp_path / "bad.txt")]


def test_sources_folder_override(tmp_path: Path) -> None:
    gold_dir, src_dir = tmp_path / "gold", tmp_path / "src"
    src_dir.mkdir()
    (src_dir / "a.txt").write_text("x")
    write_gold(gold_dir, "a.json", "../a.txt", [it("a")])
    report = evaluate(gold_dir, extract=lambda p: result(str(p), []), sources=src_dir)
    (doc,) = report.documents
    assert doc.source == str(src_dir / "a.txt")


def test_json_round_trip_and_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    write_gold(gold_dir, "a.json", "../a.txt", [it(TEXT_A, themes=["migration"]), it("lost")])
    write_pred(pred_dir / "a.txt.json", "a.txt", [it(TEXT_B, country="NPL"), it("noise")])
    report = evaluate(gold_dir, pred_dir)
    dumped = report.model_dump_json()
    data = json.loads(dumped)
    assert data["overall"]["items"] == {
        "tp": 1,
        "fp": 1,
        "fn": 1,
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
    }
    assert data["overall"]["country_accuracy"] == 0.0
    assert EvaluationReport.model_validate_json(dumped) == report

    text = format_report(report)
    assert "OVERALL" in text
    assert "- [priority|-] lost" in text
    assert "+ [priority|-] noise" in text
    assert "country: gold -, pred NPL" in text
    assert "themes: missing migration; extra -" in text
    assert "lost" not in format_report(report, show_errors=False)


# ---------------------------------------------------------------------------- seed gold


@pytest.mark.skipif(not SEED_GOLD.is_dir(), reason="shared seeds not available")
def test_seed_deck_gold_against_itself(tmp_path: Path) -> None:
    gold = json.loads((SEED_GOLD / "deck.json").read_text(encoding="utf-8"))
    score = score_document(gold["items"], gold["items"])
    assert score.matched == len(gold["items"]) > 0
    for prf in (score.items, *score.by_kind.values(), score.themes, score.actions):
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    assert score.country_accuracy == 1.0
    assert score.disagreements == score.missed == score.spurious == []

    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    gold_dir.mkdir()
    pred_dir.mkdir()
    shutil.copy(SEED_GOLD / "deck.json", gold_dir / "deck.json")
    shutil.copy(SEED_GOLD / "deck.json", pred_dir / "deck.pptx.json")
    report = evaluate(gold_dir, pred_dir, sources=SEED_GOLD.parent)
    (doc,) = report.documents
    assert doc.status == "scored"
    assert report.overall.items.f1 == 1.0
    assert report.overall.country_accuracy == 1.0
