"""Classification: rules, the trained model's storage and safety, training, and seed scores."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED

from pipeline.classify import (
    classify_items,
    explain_items,
    load_classifier,
    model_evidence,
    read_classifier,
)
from pipeline.classify.model import CARD_FILE, MODEL_FILE, Classifier, ModelCard
from pipeline.classify.rules import rule_matcher, stem, stems
from pipeline.classify.train import (
    DEFAULT_TRAINING_DIR,
    fit_classifier,
    load_training,
    train_model,
)
from pipeline.errors import ModelError
from pipeline.models import Item, Provenance

SEEDS = SHARED / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")


def _item(text: str, context: list[str] | None = None, section: list[str] | None = None) -> Item:
    prov = Provenance(document_id="t", source="t", page=1, block_ids=["b1"], source_text=text)
    return Item(
        id=text[:20],
        kind="priority",
        text=text,
        context=context or [],
        section=section or [],
        provenance=prov,
    )


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small training set (every 4th line), so a training run takes seconds."""
    rows = [row.model_dump() for row in load_training(DEFAULT_TRAINING_DIR)][::4]
    folder = tmp_path_factory.mktemp("training")
    lines = (json.dumps(r, ensure_ascii=False) for r in rows)
    (folder / "small.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


@pytest.fixture(scope="module")
def small_model(small_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model")
    train_model(small_dir, None, out, folds=3)
    return out


# ----------------------------------------------------------------------------- rules


def test_stems_meet_their_seeds() -> None:
    assert stem("labourers") == stem("labour") == stem("laborers")
    assert stem("trafficked") == stem("trafficking") == stem("traffickers")
    assert stem("mobilising") == stem("mobilization") == stem("mobilise")
    assert stem("coordinated") == stem("coordination")
    assert stem("police") != stem("policy") and stem("policies") == stem("policy")
    assert stems("Children's rights") == ["child", "right"]


def test_phrase_signals_follow_gold_conventions() -> None:
    m = rule_matcher()

    def actions(text: str) -> set[str]:
        return set(m.text_signals(text).phrase["actions"])

    assert actions("Develop a communication strategy for the Alliance") == {"awareness"}
    assert "resources" in actions("Draft a resource mobilization strategy")
    assert "awareness" not in actions("Draft a resource mobilization strategy")
    assert {"capacity_building", "enforcement"} <= actions(
        "Strengthen the capacity of labour inspectors"
    )
    assert actions("Improve the quality of vocational skills training") == {"education_skills"}
    assert "victim_support" not in actions("Strengthen social protection")
    assert "victim_support" in actions("Ensure protection and assistance of victims")
    assert "capacity_building" not in actions(
        "Finalize the plan with the technical support of the OSCE"
    )
    themes = m.text_signals("Labourers trafficked to the Gulf").phrase["themes"]
    assert "human_trafficking" in themes


def test_headers_give_themes_and_only_label_names_give_actions() -> None:
    m = rule_matcher()
    sig = m.header_signals(["Child Labour"])
    assert sig.context["themes"] == {"child_labour": ["context: Child Labour"]}
    assert set(m.header_signals(["Laws and policy:"]).context["actions"]) == {"legal_policy"}
    assert m.header_signals(["5. Action plan for the first year"]).context["actions"] == {}
    assert m.header_signals(["Follow-up actions"]).context["actions"] == {}
    assert m.header_signals(["MADAGASCAR - Pathfinder country"]).context["themes"] == {}


# ----------------------------------------------------------------------------- committed model


def test_context_signal_gives_theme_with_evidence() -> None:
    [item] = classify_items([_item("Engage in advocacy", context=["Child Labour"])])
    assert "child_labour" in item.themes
    assert "awareness" in item.actions
    [score] = [s for s in item.theme_scores if s.label == "child_labour"]
    assert "column or label: Child Labour" in score.evidence
    [heading] = classify_items([_item("Engage in advocacy", section=["2. Child Labour"])])
    [score] = [s for s in heading.theme_scores if s.label == "child_labour"]
    assert "heading: Child Labour" in score.evidence


def test_parent_lead_in_gives_its_theme() -> None:
    lead = _item("Reduce child labour and forced labour, through", section=["Goals"])
    lead.provenance.source_text = "Reduce child labour and forced labour, through:"
    items = classify_items([lead, _item("Increased global awareness", section=["Goals"])])
    assert {"child_labour", "forced_labour"} <= set(items[1].themes)
    assert any(
        e.startswith('lead-in above: "Reduce child labour')
        for s in items[1].theme_scores
        for e in s.evidence
    )


def test_every_assigned_label_has_score_above_threshold_and_evidence() -> None:
    classifier = load_classifier()
    rows = load_training(DEFAULT_TRAINING_DIR)[::7]
    items = classify_items(
        [_item(r.text, [r.context] if isinstance(r.context, str) else []) for r in rows]
    )
    assigned = 0
    for item in items:
        assert [s.label for s in item.theme_scores] == item.themes
        assert [s.label for s in item.action_scores] == item.actions
        for name, scores in (("themes", item.theme_scores), ("actions", item.action_scores)):
            for s in scores:
                assigned += 1
                assert s.score >= classifier.threshold(f"{name}:{s.label}")
                assert s.evidence and all(e.strip() for e in s.evidence)
    assert assigned > len(items)
    explained = explain_items(items[:3], classifier)
    assert all(row["score"] >= 0.05 or row["evidence"] for rows in explained for row in rows)


def test_committed_model_card_describes_the_model() -> None:
    card = load_classifier().card
    assert isinstance(card, ModelCard)
    assert card.labels[0] == "themes:child_labour" and len(card.per_label) == len(card.labels)
    assert len(card.training_data_sha256) == 64 and card.metrics["cv_micro"]
    models = Path(__file__).resolve().parents[1] / "models"
    assert sum(p.stat().st_size for p in models.iterdir() if p.is_file()) < 5 * 1024 * 1024


# ----------------------------------------------------------------------------- storage


def test_round_trip_gives_identical_predictions(small_model: Path, small_dir: Path) -> None:
    rows = load_training(small_dir)
    classifier, _ = fit_classifier(rows, folds=3)
    loaded = read_classifier(small_model)
    items = [_item(r.text, [r.context] if isinstance(r.context, str) else []) for r in rows]
    a = classify_items(items, classifier)
    b = classify_items(items, loaded)
    assert [i.model_dump() for i in a] == [i.model_dump() for i in b]
    again = Classifier.from_bytes(loaded.to_bytes())
    assert again.to_bytes() == (small_model / MODEL_FILE).read_bytes()


def test_training_is_deterministic(small_dir: Path, small_model: Path, tmp_path: Path) -> None:
    report = train_model(small_dir, None, tmp_path, folds=3)
    assert (tmp_path / MODEL_FILE).read_bytes() == (small_model / MODEL_FILE).read_bytes()
    first = json.loads((small_model / CARD_FILE).read_text())
    assert report.data_sha256 == first["training_data_sha256"]
    assert report.model_sha256 == first["model_sha256"]
    assert {m.label for m in report.per_label} == set(first["labels"])


def test_corrections_replace_training_lines(small_dir: Path, tmp_path: Path) -> None:
    from pipeline.classify.train import load_corrections, merge_corrections

    rows = load_training(small_dir)
    fixed = rows[0].model_copy(update={"actions": ["monitoring"]})
    path = tmp_path / "corrections.jsonl"
    path.write_text(json.dumps(fixed.model_dump()) + "\n", "utf-8")
    merged = merge_corrections(rows, load_corrections(path))
    assert len(merged) == len(rows) and merged[0].actions == ["monitoring"]


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for name in (MODEL_FILE, CARD_FILE):
        (dst / name).write_bytes((src / name).read_bytes())
    return dst


def _rewrite_card(folder: Path, **changes: object) -> None:
    card = json.loads((folder / CARD_FILE).read_text())
    card.update(changes)
    (folder / CARD_FILE).write_text(json.dumps(card))


def test_changed_bytes_are_refused(small_model: Path, tmp_path: Path) -> None:
    folder = _copy(small_model, tmp_path / "m")
    data = bytearray((folder / MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match its model card"):
        read_classifier(folder)
    # Even with a matching hash in the card, damaged bytes are refused, not half-loaded.
    import hashlib

    _rewrite_card(folder, model_sha256=hashlib.sha256(bytes(data)).hexdigest())
    with pytest.raises(ModelError):
        read_classifier(folder)


@pytest.mark.parametrize("attack", ["object_array", "extra_entry"])
def test_untrusted_content_is_refused(small_model: Path, tmp_path: Path, attack: str) -> None:
    import hashlib

    folder = _copy(small_model, tmp_path / attack)
    src = zipfile.ZipFile(io.BytesIO((folder / MODEL_FILE).read_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if attack == "object_array" and info.filename == "thresholds.npy":
                payload = io.BytesIO()
                np.save(payload, np.array([print, "x"], dtype=object), allow_pickle=True)
                data = payload.getvalue()
            out.writestr(info.filename, data)
        if attack == "extra_entry":
            out.writestr("payload.pkl", b"\x80\x04K\x01.")
    data = buf.getvalue()
    (folder / MODEL_FILE).write_bytes(data)
    _rewrite_card(folder, model_sha256=hashlib.sha256(data).hexdigest())
    with pytest.raises(ModelError) as err:
        read_classifier(folder)
    assert "Retrain" in err.value.message


def test_other_taxonomy_or_library_is_refused_with_retrain_hint(
    small_model: Path, tmp_path: Path
) -> None:
    folder = _copy(small_model, tmp_path / "tax")
    _rewrite_card(folder, taxonomy_fingerprint="0123456789abcdef")
    with pytest.raises(ModelError, match="another taxonomy") as err:
        read_classifier(folder)
    assert "Retrain" in err.value.message and "pipeline train" in err.value.message

    folder = _copy(small_model, tmp_path / "lib")
    card = json.loads((folder / CARD_FILE).read_text())
    _rewrite_card(folder, library_versions={**card["library_versions"], "scikit-learn": "0.24.2"})
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2") as err:
        read_classifier(folder)
    assert "Retrain" in err.value.message


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no trained classifier"):
        read_classifier(tmp_path)


# ----------------------------------------------------------------------------- seeds


@needs_seeds
def test_seed_gold_label_scores() -> None:
    """Themes and actions on the seeds' gold (development set, never trained on)."""
    from pipeline.evaluate import evaluate
    from pipeline.process import process_file

    classifier = load_classifier()

    def extract(path: Path):
        result = process_file(path)
        return result.model_copy(update={"items": classify_items(result.items, classifier)})

    report = evaluate(SEEDS / "gold", extract=extract, renditions=True)
    assert report.overall.matched >= 150
    assert report.overall.themes.f1 >= 0.92, report.overall.themes
    assert report.overall.actions.f1 >= 0.85, report.overall.actions


def test_review_store_corrections_are_training_rows(tmp_path: Path) -> None:
    from pipeline.classify.train import load_corrections
    from pipeline.corrections import Correction, ItemState, save_corrections, text_hash

    text = "Set up a referral pathway for children found in mines"
    fix = Correction(
        item_id="a" * 16,
        text_hash=text_hash(text),
        text=text,
        context=["Child labour:"],
        themes=["child_labour"],
        reviewer="analyst",
        date="2024-05-02",
        before=ItemState(kind="priority", themes=[], actions=["victim_support"]),
    )
    path = tmp_path / "corrections.jsonl"
    save_corrections(path, [fix])
    [row] = load_corrections(path)
    assert (row.text, row.themes, row.actions) == (text, ["child_labour"], ["victim_support"])
    assert row.headers() == ["Child labour:"]


# ----------------------------------------------------------------------------- evidence in words

CORPUS_DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"
# Internal names an analyst cannot check: feature ids (ctx_child), label ids (child_labour),
# signal tags (context:, parent:), the model's marker ("|| context:"), a bare "prior".
INTERNAL = re.compile(r"ctx_|\b[a-z]+_[a-z_]+\b|^(context|parent):|\|\||\bprior\b")


@pytest.mark.parametrize("name", ["pathfinder_update_2021.pptx", "national_workshop_report.pdf"])
def test_evidence_on_a_real_document_is_in_words(name: str) -> None:
    from pipeline.process import process_file

    result = process_file(CORPUS_DOCS / name)
    evidence = [
        e
        for item in result.items
        for s in item.theme_scores + item.action_scores
        for e in s.evidence
    ]
    assert evidence
    bad = [e for e in evidence if INTERNAL.search(e)]
    assert not bad, bad[:5]
    kinds = {e.split(":", 1)[0] for e in evidence}
    assert kinds <= {"heading", "column or label", "lead-in above", "phrase", "model"}, kinds
    models = [e for e in evidence if e.startswith("model: ")]
    assert models and all("(words of the" in e or "as a whole" in e for e in models)
    # A header word that pushed the model is named as a word of the heading, not ctx_child.
    assert any("(words of the heading or column)" in e for e in models) or name.endswith(".pdf")
    for item in result.items:
        for s in item.theme_scores + item.action_scores:
            for e in s.evidence:
                if e.startswith("phrase: "):
                    assert e[len('phrase: "') : -1].casefold() in item.text.casefold()


def test_model_evidence_wording() -> None:
    assert model_evidence(["inspectors", "labour"], []) == (
        'model: "inspectors", "labour" (words of the item)'
    )
    assert model_evidence(["train"], ["child labour"]) == (
        'model: "train" (words of the item); "child labour" (words of the heading or column)'
    )
    assert "ctx_" not in model_evidence([], [])
