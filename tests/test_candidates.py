"""Candidates, their features, the extraction model and its leave-one-family-out evaluation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.candidates import sections_to_candidates
from pipeline.countries import find_countries
from pipeline.errors import ModelError
from pipeline.explain import explain_file
from pipeline.extract import decide, decisions_to_items, describe_feature
from pipeline.extract_model import fit_model, load_model, save_model
from pipeline.features import candidate_features
from pipeline.parse import parse_file
from pipeline.segment import document_to_sections

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def _candidates(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    return doc, sections_to_candidates(doc, document_to_sections(doc))


def _item_texts(tmp_path: Path, name: str, text: str) -> list[str]:
    """The texts of the items the installed model takes from `text` saved as `name`."""
    from pipeline.process import process_file

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [i.text for i in process_file(path).items]


def test_inline_lists_and_commitments_become_one_candidate_per_action(tmp_path: Path) -> None:
    _, cands = _candidates(
        tmp_path,
        "mail.txt",
        "Dear colleagues,\n\n"
        "The plan covers: a hotline for victims, training for judges and a joint data system.\n"
        "The Ministry undertakes to review the contract of domestic workers, and it commits to "
        "extend social insurance to domestic workers.\n",
    )
    by_unit = {}
    for c in cands:
        by_unit.setdefault(c.unit, []).append(c.item.text)
    assert by_unit["inline"] == [
        "a hotline for victims",
        "training for judges",
        "a joint data system",
    ]
    assert by_unit["commitment"] == [
        "review the contract of domestic workers",
        "extend social insurance to domestic workers",
    ]
    inline = next(c for c in cands if c.unit == "inline")
    assert inline.lead_in == "The plan covers:" and inline.group_size == 3


def test_a_list_parted_by_semicolons_keeps_the_commas_and_ands_inside_its_elements(
    tmp_path: Path,
) -> None:
    _, cands = _candidates(
        tmp_path,
        "minutes.txt",
        "Decisions\n\n"
        "The Committee agreed that the roadmap should rest on three priorities: ending the use "
        "of children in winter and spring horse races; eliminating child labour and debt "
        "bondage in gold mining; and keeping herder children in school.\n",
    )
    assert [c.item.text for c in cands if c.unit == "inline"] == [
        "ending the use of children in winter and spring horse races",
        "eliminating child labour and debt bondage in gold mining",
        "keeping herder children in school",
    ]


def test_two_phrases_joined_by_and_alone_split_only_when_each_opens_a_phrase(
    tmp_path: Path,
) -> None:
    _, cands = _candidates(
        tmp_path,
        "note.txt",
        "Summary\n\n"
        "For the sector the main priority is the creation of a traceability system for the "
        "cotton and textile value chain.\n\n"
        "For the coming year its priorities are the adoption of the decree on hazardous work "
        "and the training of labour inspectors.\n",
    )
    texts = [c.item.text for c in cands]
    assert not any(t.endswith("for the cotton") for t in texts)
    inline = [c.item.text for c in cands if c.unit == "inline"]
    assert inline == [
        "the adoption of the decree on hazardous work",
        "the training of labour inspectors",
    ]


def test_narrative_sentences_give_one_candidate_per_action(tmp_path: Path) -> None:
    """Actions written in prose: a repeated preposition ('on A and on B'), a second action
    joined by ', and' or 'puis', a second clause in which someone will act after ';' or
    ', et', a bullet of several acting sentences, a commitment verb with an adverb before
    its 'a'; and the look-alikes that stay whole."""
    _, cands = _candidates(
        tmp_path,
        "speech.md",
        "# Statement\n\n"
        "The Government will concentrate on preventing child labour in small garment workshops "
        "and on applying the revised law on overseas recruitment.\n\n"
        "La Mauritanie entend donner la priorité à l'application de la loi de 2015, à la "
        "réinsertion des victimes et à la formation des juges.\n\n"
        "The Ministry will issue guidelines to local governments on child labour free zones, "
        "and convene the steering committee every quarter.\n\n"
        "Nous allons affecter quarante inspecteurs aux régions minières, puis lancer un "
        "recensement des enfants qui travaillent.\n\n"
        "Nos comprometemos, además, a incorporar cláusulas de debida diligencia y a facilitar "
        "la regularización de los trabajadores migrantes.\n\n"
        "Members met in May, and adopted the plan of the working group.\n\n"
        "Focus on training and on awareness raising.\n\n"
        "Each group will name a focal point in order to share information and to make the "
        "coordination of the Alliance easier.\n\n"
        "The Secretariat will prepare a funding note before the round table; the Working Group "
        "will propose three common indicators.\n\n"
        "Dans le même temps, le projet de loi sera transmis au Parlement en avril, et un "
        "accord-cadre sera signé avec les exportateurs.\n\n"
        "The meeting took place in May; the Ministry will present the results in June.\n\n"
        "## Follow-up\n\n"
        "- The Chair summed up. The Secretariat will publish the two roadmaps. Members will be "
        "consulted in January on the guidance.\n"
        "- Develop a national action plan. It will be validated in 2025.\n",
    )
    texts = [c.item.text for c in cands]
    for expected in (
        "preventing child labour in small garment workshops",
        "applying the revised law on overseas recruitment",
        "l'application de la loi de 2015",
        "la réinsertion des victimes",
        "la formation des juges",
        "The Ministry will issue guidelines to local governments on child labour free zones",
        "convene the steering committee every quarter.",
        "Nous allons affecter quarante inspecteurs aux régions minières",
        "lancer un recensement des enfants qui travaillent.",
        "incorporar cláusulas de debida diligencia",
        "facilitar la regularización de los trabajadores migrantes",
        "The Secretariat will publish the two roadmaps.",
        "Members will be consulted in January on the guidance.",
        "The Secretariat will prepare a funding note before the round table",
        "the Working Group will propose three common indicators.",
        "Dans le même temps, le projet de loi sera transmis au Parlement en avril",
        "un accord-cadre sera signé avec les exportateurs.",
        # look-alikes that stay one candidate
        "The meeting took place in May; the Ministry will present the results in June.",
        "Members met in May, and adopted the plan of the working group.",
        "Focus on training and on awareness raising.",
        "Each group will name a focal point in order to share information and to make the "
        "coordination of the Alliance easier.",
        "Develop a national action plan. It will be validated in 2025.",
    ):
        assert expected in texts, expected


def test_glued_cell_paragraphs_split_at_an_action_verb_but_not_after_a_function_word() -> None:
    from pipeline.candidates import split_glued_actions

    assert split_glued_actions("Adopt the national plan Train 80 inspectors in the north") == [
        "Adopt the national plan",
        "Train 80 inspectors in the north",
    ]
    whole = "Propose terms of reference for a Monitoring Working Group"
    assert split_glued_actions(whole) == [whole]
    assert split_glued_actions("Elaborar los términos de referencia de la Evaluación final") == [
        "Elaborar los términos de referencia de la Evaluación final"
    ]


def test_context_of_list_items_and_table_cells(tmp_path: Path) -> None:
    _, cands = _candidates(
        tmp_path,
        "plan.md",
        "# Work plan\n\nThe committee will concentrate on the results below:\n\n"
        "- Child labour:\n  - Adopt the hazardous work list\n  - Train inspectors\n\n"
        "| Activity | Lead | Status |\n|---|---|---|\n| Map brick kilns | Ministry | Done |\n",
    )
    adopt = next(c for c in cands if c.item.text == "Adopt the hazardous work list")
    assert adopt.lead_in == "The committee will concentrate on the results below:"
    assert adopt.parent == "Child labour:" and adopt.section.heading_path == ["Work plan"]
    kiln = next(c for c in cands if c.item.text == "Map brick kilns")
    assert kiln.column == "Activity" and kiln.row_cells == ["Ministry", "Done"]
    features = candidate_features(kiln)
    assert features["rowcells:progress"] == 1.0 and features["unit=table_cell"] == 1.0
    assert candidate_features(adopt)["lead:plan"] == 1.0


def test_plain_text_pipe_tables_give_one_cell_block_per_paragraph(tmp_path: Path) -> None:
    doc, _ = _candidates(
        tmp_path,
        "roadmap.txt",
        "Activities\n\nAction | Lead | By when\n"
        "Train 50 inspectors / Publish the list | Ministry | 2025\n"
        "Open a shelter | NGO | 2026\n",
    )
    cells = [b for b in doc.blocks if b.table and not b.table.is_header and b.table.col == 0]
    assert [b.text for b in cells] == ["Train 50 inspectors", "Publish the list", "Open a shelter"]
    assert {b.table.header for b in cells if b.table} == {"Action"}


def test_model_round_trip_is_exact_and_refuses_a_changed_file(tmp_path: Path) -> None:
    rows = [{"opens_verb": 1.0, "lead:next": 1.0}, {"past": 1.0}, {"lead:plan": 1.0}] * 5
    labels = ["next_step", "none", "priority"] * 5
    model = fit_model(rows, labels, c=1.0, trees=False)
    save_model(model, tmp_path, {"note": "test"})
    loaded = load_model(tmp_path)
    assert loaded is not None
    for row in rows[:3]:
        assert loaded.predict_proba(row).tolist() == pytest.approx(model.predict_proba(row))
    assert (
        loaded.predict_proba(rows[0]).argmax() == 2 and loaded.predict_proba(rows[1]).argmax() == 0
    )
    # The same data gives the same bytes.
    first = (tmp_path / "extractor.json").read_bytes()
    save_model(fit_model(rows, labels, c=1.0, trees=False), tmp_path, {"note": "test"})
    assert (tmp_path / "extractor.json").read_bytes() == first
    data = json.loads(first)
    data["intercept"][0] += 1.0
    (tmp_path / "extractor.json").write_text(json.dumps(data), encoding="utf-8")
    load_model.cache_clear()
    with pytest.raises(ModelError, match="does not match its card"):
        load_model(tmp_path)
    load_model.cache_clear()


def _tree_data() -> tuple[list[dict[str, float]], list[str]]:
    """Being an item needs two features together, or a long text: weights alone cannot say."""
    import random

    rng = random.Random(7)
    rows, labels = [], []
    for _ in range(1500):
        row = {
            k: 1.0 for k in ("opens_verb", "lead:plan", "lead:next", "past") if rng.random() < 0.5
        }
        row["bias_len"] = rng.random()
        item = ("opens_verb" in row and "lead:plan" in row) or row["bias_len"] > 0.85
        rows.append(row)
        labels.append(("next_step" if "lead:next" in row else "priority") if item else "none")
    return rows, labels


def test_tree_head_predicts_as_scikit_learn_and_survives_the_json_round_trip(
    tmp_path: Path,
) -> None:
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    from pipeline.extract_model import TREE_PARAMS

    rows, labels = _tree_data()
    model = fit_model(rows, labels)
    assert model.trees is not None and not model.item_coef.any()
    x = DictVectorizer(sort=True).fit_transform(rows).toarray()
    y = np.array([label != "none" for label in labels])
    reference = HistGradientBoostingClassifier(**TREE_PARAMS).fit(x, y).predict_proba(x)[:, 1]
    batch = np.array([1.0 - p[0] for p in model.proba_rows(rows)])
    single = np.array([1.0 - model.proba_row(r)[0] for r in rows])
    assert np.abs(batch - reference).max() < 1e-3 and np.abs(single - batch).max() < 1e-12
    save_model(model, tmp_path, {"note": "test"})
    loaded = load_model(tmp_path)
    assert loaded is not None and loaded.trees is not None
    saved = np.array(loaded.proba_rows(rows[:50]))
    assert np.abs(saved - np.array(model.proba_rows(rows[:50]))).max() < 1e-9
    # The explanation names the features the candidate has that moved it most.
    item = next(r for r in rows if "opens_verb" in r and "lead:plan" in r and r["bias_len"] < 0.5)
    kinds = ["priority", "next_step"] * 10
    batch_reasons = loaded.contributions_rows(rows[:20], kinds)
    for row, kind, reasons in zip(rows[:20], kinds, batch_reasons, strict=True):
        single = loaded.contributions(row, kind)
        assert [n for n, _ in reasons] == [n for n, _ in single]
        assert [v for _, v in reasons] == pytest.approx([v for _, v in single])
    top = dict(loaded.contributions(item, "priority")[:3])
    assert top.get("opens_verb", 0) > 0 and top.get("lead:plan", 0) > 0
    load_model.cache_clear()


def test_a_model_file_with_broken_trees_is_refused(tmp_path: Path) -> None:
    import hashlib

    rows, labels = _tree_data()
    save_model(fit_model(rows, labels), tmp_path, {"note": "test"})
    path, card_path = tmp_path / "extractor.json", tmp_path / "extractor_card.json"
    data = json.loads(path.read_text("utf-8"))
    data["trees"]["nodes"][0][2] = 10**9  # a child that does not exist
    text = json.dumps(data)
    path.write_text(text, encoding="utf-8")
    card = json.loads(card_path.read_text("utf-8"))
    card["model_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    card_path.write_text(json.dumps(card), encoding="utf-8")
    load_model.cache_clear()
    with pytest.raises(ModelError, match="invalid trees"):
        load_model(tmp_path)
    load_model.cache_clear()


def test_siblings_are_decided_together_and_items_carry_evidence(tmp_path: Path) -> None:
    _, cands = _candidates(
        tmp_path,
        "note.md",
        "# Next steps\n\n- Draft the terms of reference\n- Convene the committee in May\n"
        "- Publish the roadmap online\n",
    )
    model = load_model()
    assert model is not None
    decisions = decide(cands, model)
    kinds = {d.candidate.item.text: d.kind for d in decisions}
    assert set(kinds.values()) == {"next_step"}
    items = decisions_to_items(decisions)
    assert items and all(i.extraction and i.extraction.reasons for i in items)
    assert not any("=" in r.split(" (")[0] for i in items for r in i.extraction.reasons)


def test_the_model_names_the_kind_when_it_is_sure_and_a_far_cue_says_otherwise() -> None:
    """A cue far above ('the following commitments') votes priority for a table of
    actions, but the heading right above it says next steps: the rule keeps the
    candidate an item, the model, sure of the kind, names it."""
    from pipeline.extract import RULE_KIND_VETO

    path = CORPUS / "docs/st2_zmb_letter_pathfinder_confirmation.docx"
    doc = parse_file(path)
    cands = sections_to_candidates(doc, document_to_sections(doc))
    model = load_model()
    assert model is not None
    decisions = {d.candidate.item.text: d for d in decide(cands, model)}
    action = decisions[
        "Designate a Pathfinder focal point in each of the ten provincial labour offices"
    ]
    assert action.candidate.rule_kind == "priority"
    p = action.probabilities
    assert p["next_step"] >= RULE_KIND_VETO * (p["priority"] + p["next_step"])
    assert action.kind == "next_step"


def test_feature_names_read_as_words() -> None:
    assert describe_feature("lead:next") == "lead-in speaks of next steps or follow-up"
    assert describe_feature("h_cue=stop") == "heading is a 'stop' cue"
    assert describe_feature("opens_verb") == "opens with an action verb"
    assert describe_feature("doc:question_headings") == "the document's headings are questions"
    assert describe_feature("doc:title:question").startswith("the document's title speaks of ")
    assert "title:" not in describe_feature("doc:title:preparatory")


def test_explain_lists_rejected_candidates_with_reasons() -> None:
    text = explain_file(CORPUS / "docs" / "regional_note.md")
    assert "[not an item]" in text and "[PRIORITY]" in text and "[NEXT_STEP]" in text
    assert "lead-in:" in text and "    - " in text


def test_french_and_spanish_country_names_and_the_word_reunion() -> None:
    assert [m.code for m in find_countries("Cameroun, Bénin et Panamá")] == ["CMR", "BEN", "PAN"]
    assert find_countries("la réunion du Groupe de coordination") == []


def test_a_regional_heading_after_a_country_gives_no_country(tmp_path: Path) -> None:
    _, cands = _candidates(
        tmp_path,
        "gcg.md",
        "# Meeting report\n\n## Zambia\n\nNext steps:\n\n- Validate the roadmap\n\n"
        "## Southern Africa: regional follow-up\n\n- Hold a regional meeting on migration\n",
    )
    by_text = {c.item.text: c.item.country for c in cands}
    assert by_text["Validate the roadmap"] == "ZMB"
    assert by_text["Hold a regional meeting on migration"] is None


def _mini_corpus(tmp_path: Path, stems: list[str]) -> Path:
    gold, docs = tmp_path / "gold", tmp_path / "docs"
    gold.mkdir()
    docs.mkdir()
    for stem in stems:
        shutil.copy(CORPUS / "gold" / f"{stem}.json", gold)
        for path in (CORPUS / "docs").glob(f"{stem}.*"):
            shutil.copy(path, docs)
    return gold


def test_leave_one_family_out_never_trains_on_the_family_it_scores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.extract_train as et

    gold = _mini_corpus(tmp_path, ["regional_note", "gcg_meeting_minutes", "faq_pathfinder_en"])
    seen: list[set[str]] = []
    real_fit = et.fit_on

    def spy(sources, *args, **kwargs):
        seen.append({s.family for s in sources})
        return real_fit(sources, *args, **kwargs)

    labelled: list[set[str]] = []  # the families whose gold items the classifier learns from
    real_rows = et.gold_label_rows

    def spy_rows(sources):
        labelled.append({s.family for s in sources})
        return real_rows(sources)

    monkeypatch.setattr(et, "fit_on", spy)
    monkeypatch.setattr(et, "gold_label_rows", spy_rows)
    folds = et.cross_validate_folder(gold)
    assert [f.family for f in folds] == ["brief", "faq", "gcg_report"]
    for fold, families, labels in zip(folds, seen, labelled, strict=True):
        assert fold.family not in families and families
        assert fold.family not in labels and labels == families
    table = et.format_cv(folds)
    assert "brief" in table and "ALL (micro)" in table


def test_the_installed_model_was_trained_on_the_corpus_as_it_is() -> None:
    """Change a corpus document or gold file, and this fails until `pipeline train` is run."""
    from pipeline.extract_train import data_hash, load_sources

    card = json.loads((ROOT / "models" / "extractor_card.json").read_text("utf-8"))
    assert card["data_sha256"] == data_hash(load_sources(CORPUS / "gold"))
    assert set(card["cv_leave_one_family_out"]) == set(card["families"])
    assert len(card["families"]) >= 12


def test_a_document_that_never_names_the_field_gives_no_items(tmp_path: Path) -> None:
    text = "# Next steps\n\n- Submit the form before April\n- Attach the schedule of income\n"
    path = tmp_path / "tax.md"
    path.write_text(text, encoding="utf-8")
    from pipeline.process import process_file

    assert process_file(path).items == []
    path.write_text(text + "- Train labour inspectors on child labour\n", encoding="utf-8")
    assert len(process_file(path).items) == 3


def test_an_faq_pages_generic_steps_are_not_items(tmp_path: Path) -> None:
    """An FAQ explains how anyone joins and what a roadmap holds; those steps and contents
    are nobody's priorities, though they sit under questions as a questionnaire's answers
    do (written for this test, unlike the corpus's FAQ pages)."""
    from pipeline.process import process_file

    path = tmp_path / "faq.md"
    path.write_text(
        "# Questions and answers on joining the Alliance as a Pathfinder Country\n\n"
        "## How does a government take part?\n\n"
        "1. The ministry in charge sends a short letter to the Secretariat.\n"
        "2. The government names a focal point and a national coordination body.\n"
        "3. A national planning workshop agrees on a roadmap.\n\n"
        "## What goes into a roadmap?\n\n"
        "- the national priorities for each form of exploitation\n"
        "- the main actions and the institutions leading them\n"
        "- a timetable and an indicative budget\n",
        encoding="utf-8",
    )
    assert process_file(path).items == []


WILD = ROOT.parent / "shared" / "wild"


@pytest.mark.slow
@pytest.mark.skipif(not WILD.is_dir(), reason="../shared/wild is absent")
def test_unrelated_real_files_give_at_most_one_item_per_hundred_files() -> None:
    from pipeline.errors import PipelineError
    from pipeline.process import process_file

    files = sorted(
        p
        for p in WILD.rglob("*")
        if p.is_file() and p.suffix.lower() in {".pdf", ".pptx", ".docx", ".txt", ".md"}
    )
    items = 0
    for path in files:
        try:
            items += len(process_file(path).items)
        except PipelineError:
            continue
    assert len(files) > 100
    assert items <= len(files) / 100, items


def test_corrections_teach_the_extractor_negatives_and_positives(tmp_path: Path) -> None:
    """'Not an item' turns a gold positive into a negative; a kind set on a line the gold
    leaves out (an item the analyst added) turns it into a positive; for a document outside
    the training set, the corrected candidates become extra training rows."""
    from pipeline.corrections import Correction, save_corrections, text_hash
    from pipeline.extract_train import correction_rows, load_sources

    gold = _mini_corpus(tmp_path, ["regional_note"])
    sources = load_sources(gold)
    note = sources[0]
    positive = next(c for c, lab in zip(note.candidates, note.labels, strict=True) if lab != "none")
    negative = next(
        c
        for c, lab in zip(note.candidates, note.labels, strict=True)
        if lab == "none" and c.unit in ("list_item", "sentence", "paragraph")
    )
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "memo.md").write_text(
        "# Follow-up\n\n- Convene the child labour committee in May\n", encoding="utf-8"
    )

    def correction(text: str, source: str, **fields) -> Correction:
        return Correction(
            item_id="x" * 16,
            text_hash=text_hash(text),
            source=source,
            text=text,
            reviewer="analyst",
            date="2026-12-01",
            **fields,
        )

    path = tmp_path / "corrections.jsonl"
    save_corrections(
        path,
        [
            correction(positive.item.text, "regional_note.md", not_an_item=True),
            correction(negative.item.text, "regional_note.md", kind="next_step"),
            correction("Convene the child labour committee in May", "memo.md", kind="next_step"),
        ],
    )
    feats, labels = correction_rows(path, sources, outside)
    assert note.labels[note.candidates.index(positive)] == "none"
    assert note.labels[note.candidates.index(negative)] == "next_step"
    assert labels == ["next_step"] and feats[0]["unit=list_item"] == 1.0


def test_retraining_the_extractor_makes_earlier_results_stale(tmp_path: Path) -> None:
    """The version a run caches results under changes when either model is trained on other
    data, and not when only the stored floats differ (another machine, same training)."""
    from pipeline.model_files import current_model_version

    for name in ("model_card.json", "extractor_card.json"):
        shutil.copy(ROOT / "models" / name, tmp_path / name)
    before = current_model_version(tmp_path)
    card_path = tmp_path / "extractor_card.json"
    card = json.loads(card_path.read_text("utf-8"))
    card["model_sha256"] = "0" * 64
    card_path.write_text(json.dumps(card), encoding="utf-8")
    assert before and current_model_version(tmp_path) == before
    card["data_sha256"] = "1" * 64
    card_path.write_text(json.dumps(card), encoding="utf-8")
    assert current_model_version(tmp_path) not in (None, before)


def test_a_work_plan_row_marked_done_gives_no_item(tmp_path: Path) -> None:
    texts = _item_texts(
        tmp_path,
        "plan.md",
        "# Child labour roadmap: work plan 2025\n\n"
        "| Activity | Lead | Status |\n|---|---|---|\n"
        "| Adopt the hazardous work list | Ministry | Done |\n"
        "| Train 80 labour inspectors | Ministry | Planned |\n",
    )
    assert "Train 80 labour inspectors" in texts
    assert "Adopt the hazardous work list" not in texts


def test_a_line_that_reports_itself_done_is_no_item() -> None:
    from pipeline.extract import _said_done

    assert _said_done("The guidance note was completed and sent to all Pathfinder Countries.")
    assert _said_done("Les termes de référence ont été adoptés par procédure écrite.")
    assert _said_done("Work on the communication plan is under way.")
    assert not _said_done("The report will be completed and sent by June.")
    assert not _said_done(
        "Ensure the functioning of the committee, which has been constituted by the Ministry"
    )
    # a milestone written as a headline: a few words and a participle
    assert _said_done("Roadmap endorsed by the National Steering Committee")
    assert _said_done("National workshop held in Kathmandu")
    assert _said_done("Atelier national tenu à Niamey en mars 2024")
    assert _said_done("Taller nacional realizado en Lima con 90 participantes")
    # ... but not an action whose object is a participle's
    assert not _said_done("Transmettre la version validée au Secrétariat de l'Alliance 8.7")
    assert not _said_done("Hold the national workshop in Kathmandu")


def test_a_memo_that_names_only_its_own_country_is_that_countrys(tmp_path: Path) -> None:
    from pipeline.segment import document_country

    path = tmp_path / "memo.md"
    path.write_text(
        "# Note to the Minister of Labour\n\nFrom: the national focal point\n\n"
        "Benin joined the Alliance in 2022. A mission went to Benin in September.\n\n"
        "## Action points\n\n- The focal point will convene the child labour committee in "
        "Benin in November\n",
        encoding="utf-8",
    )
    mention = document_country(parse_file(path))
    assert mention is not None and mention.code == "BEN"


def test_a_title_that_names_a_concept_note_or_terms_of_reference_flags_the_document(
    tmp_path: Path,
) -> None:
    """A concept note, terms of reference or invitation announces work; its objectives and
    tasks are not priorities. Only that genre comes from the title: a title naming a workshop
    or a meeting says nothing about whether its report holds items."""
    from pipeline.candidates import document_flags

    for name, title, flagged in [
        ("cn.md", "Termes de référence", True),
        ("cn2.md", "Concept Note: webinar on fair recruitment", True),
        ("rep.md", "Report of the National Validation Workshop", False),
        ("inf.md", "Informe del Taller Nacional", False),
    ]:
        path = tmp_path / name
        path.write_text(f"# {title}\n\nSome text.\n\n- one\n", "utf-8")
        assert ("title:preparatory" in document_flags(parse_file(path))) is flagged, title


def test_an_action_group_tables_row_gives_its_action_the_country_its_lead_names(
    tmp_path: Path,
) -> None:
    """In a global section, the lead cell 'Point focal du Niger' makes the row's action
    Niger's; a row whose other cells name no country stays the group's (null)."""
    from pipeline.extract import sections_to_items

    path = tmp_path / "releve.md"
    path.write_text(
        "# Groupe d'action sur les migrations – relevé de décisions de l'appel du 3 juin 2025\n\n"
        "## Suites à donner\n\n"
        "| N° | Suite | Responsable | Échéance |\n|---|---|---|---|\n"
        "| 1 | Diffuser aux membres le plan de la note sur les frais de recrutement des "
        "travailleurs migrants | OIT | 30 juin 2025 |\n"
        "| 2 | Transmettre au groupe le projet de décret sur les agences privées d'emploi | "
        "Point focal du Niger | 15 juin 2025 |\n",
        encoding="utf-8",
    )
    doc = parse_file(path)
    items = {i.text: i for i in sections_to_items(doc, document_to_sections(doc))}
    assert (
        items["Transmettre au groupe le projet de décret sur les agences privées d'emploi"].country
        == "NER"
    )
    assert (
        items[
            "Diffuser aux membres le plan de la note sur les frais de recrutement des travailleurs "
            "migrants"
        ].country
        is None
    )


def test_a_questionnaires_question_is_never_an_item(tmp_path: Path) -> None:
    """Numbered questions set as list items (as a Word questionnaire numbers them) ask; the
    answers under them are the items."""
    from pipeline.extract import sections_to_items

    path = tmp_path / "questionnaire.md"
    path.write_text(
        "# Pathfinder Country self-assessment\n\n## Part B. Priorities and planned action\n\n"
        "1. What are the priority areas your Government intends to pursue over the next two "
        "years? Please list them in order of importance.\n\n"
        "- Reduce child labour among refugee children in agriculture and urban workshops\n"
        "- Extend the protection of the Labour Law to agricultural and domestic workers\n\n"
        "2. What concrete steps are planned in the next twelve months?\n\n"
        "- Issue the by-law on working conditions in agriculture\n"
        "- Recruit and train 50 additional labour inspectors\n",
        encoding="utf-8",
    )
    doc = parse_file(path)
    texts = [i.text for i in sections_to_items(doc, document_to_sections(doc))]
    assert "Issue the by-law on working conditions in agriculture" in texts
    assert not [t for t in texts if "?" in t]


def test_a_forms_values_are_siblings_within_their_field_only() -> None:
    """A pledge form (field label | value, no column header): the steps under 'Pasos de
    implementación' are siblings of one another, not of the entity's name, its e-mail or
    the timeline in the same column, so their evidence is not averaged with those."""
    doc = parse_file(CORPUS / "docs" / "bol_formulario_compromiso_es.docx")
    cells = [
        c
        for c in sections_to_candidates(doc, document_to_sections(doc))
        if c.unit == "table_cell" and c.row_header
    ]
    steps = [c for c in cells if c.row_header == "Pasos de implementación"]
    timeline = [c for c in cells if c.row_header == "Cronograma"]
    assert len(steps) == 4 and len(timeline) == 3
    assert {c.group for c in steps} == {steps[0].group}
    assert steps[0].group_size == 4
    assert steps[0].group not in {c.group for c in cells if c not in steps}


def test_a_pledge_title_set_as_a_heading_is_a_candidate_without_its_label(
    tmp_path: Path,
) -> None:
    """GOLD.md: a pledge's title that states what will be done is a priority. Set as a
    heading, it is a candidate of its own ('Pledge:' left out); headings that name a part
    ('Implementation steps', 'Expected impact') are not."""
    _, cands = _candidates(
        tmp_path,
        "pledge.md",
        "# Ghana – Ministry of Employment\n\n"
        "## Pledge: Put an end to child labour in artisanal gold mining by 2030\n\n"
        "The Ministry commits to inspecting every licensed site each year.\n\n"
        "## Implementation steps\n\n"
        "- Map all artisanal mining sites\n"
        "- Train 200 inspectors\n\n"
        "## Expected impact\n\n"
        "Fewer children in mining.\n",
    )
    headings = [c for c in cands if c.unit == "heading"]
    assert [(c.item.text, c.lead_in) for c in headings] == [
        ("Put an end to child labour in artisanal gold mining by 2030", "Pledge")
    ]


def test_a_sentence_announcing_the_list_below_is_not_an_item(tmp_path: Path) -> None:
    """'... will carry out the following actions, grouped by area.' leads into the list (or
    the sub-lists under labels) that follows; the actions are the items, the lead-in is not.
    A time ('at the following meeting') is not such an announcement."""
    texts = _item_texts(
        tmp_path,
        "pledge.md",
        "# Compromiso del Ministerio de Trabajo\n\n"
        "## Sobre la implementación\n\n"
        "Para cumplir con este compromiso, el Ministerio llevará a cabo las siguientes "
        "acciones, agrupadas por línea de trabajo.\n\n"
        "**Inspección:**\n\n"
        "- Capacitar a 150 inspectores en la identificación del trabajo forzoso\n"
        "- Instalar dos equipos itinerantes de inspección en las zonas mineras\n\n"
        "## Next steps\n\n"
        "- Report on progress to the Global Coordinating Group at the following meeting\n",
    )
    assert not any("siguientes" in t for t in texts)
    assert "Capacitar a 150 inspectores en la identificación del trabajo forzoso" in texts
    assert "Report on progress to the Global Coordinating Group at the following meeting" in texts


def test_row_names_and_a_table_of_contents_are_not_candidates(tmp_path: Path) -> None:
    """Under 'Our priorities', the 'Priority area' column names each row ('Child labour'):
    context, not an item; the lines of a table of contents (title, dot leader, page) are
    not candidates at all."""
    text = (
        "# Report of the national workshop\n\n"
        "## Table of contents\n\n"
        "- Background . . . . . . . . . . 3\n"
        "- Strengthen the labour inspectorate . . . . . . . . . . 4\n"
        "- Train the judges on the new law . . . . . . . . . .\n\n"  # its page number apart
        "## Our priorities\n\n"
        "| Priority area | Short term (2025) |\n"
        "|---|---|\n"
        "| Child labour | Roll out the child labour monitoring system to all regions |\n"
        "| Labour migration | Update pre-departure orientation on forced labour risks |\n"
    )
    texts = _item_texts(tmp_path, "report.md", text)
    assert "Roll out the child labour monitoring system to all regions" in texts
    assert "Child labour" not in texts and "Labour migration" not in texts
    _, found = _candidates(tmp_path, "report.md", text)
    cands = [c.item.text for c in found]
    assert not any("Background" in t or "inspectorate" in t or "judges" in t for t in cands)


def test_the_sessions_of_a_programme_table_are_not_items(tmp_path: Path) -> None:
    """An agenda's table ('Horaire | Session / activité | Intervenants') lists sessions, not
    next steps, though 'activité' names an action column elsewhere."""
    texts = _item_texts(
        tmp_path,
        "programme.md",
        "# Atelier national de planification – Programme\n\n"
        "## Jour 1\n\n"
        "| Horaire | Session / activité | Intervenants |\n"
        "|---|---|---|\n"
        "| 09:00 – 09:45 | Cérémonie d'ouverture | Ministre du Travail |\n"
        "| 10:15 – 11:00 | Session 1 : Présenter le processus des pays pionniers | Secrétariat |\n"
        "| 11:00 – 12:30 | Travaux de groupe sur les priorités par axe | Facilitateurs |\n",
    )
    assert texts == []


def test_a_questions_answer_is_read_as_prose(tmp_path: Path) -> None:
    """An answer cell of a questionnaire table: its inline label leads into the actions after
    it, each sentence is its own candidate, and a cell's paragraph ending with a colon leads
    into the cell's paragraphs under it."""
    _, cands = _candidates(
        tmp_path,
        "survey.txt",
        "Self-assessment of the Pathfinder Country\n\n"
        "Question | Answer of the country\n"
        "Has the country adopted a roadmap? | In progress. The draft came out of the "
        "national workshop of November.\n"
        "What comes next? | Next steps: validate the roadmap with the national committee in "
        "April; present it to the Global Coordinating Group before June.\n"
        "What are the national priorities? | The workshop retained the following: / "
        "Strengthen labour inspection in agriculture / Extend the cash transfer programme\n",
    )
    by_text = {c.item.text: c for c in cands}
    validate = by_text["validate the roadmap with the national committee in April"]
    present = by_text["present it to the Global Coordinating Group before June"]
    assert validate.lead_in == present.lead_in == "Next steps:"
    assert validate.row_header == "What comes next?"
    assert "The draft came out of the national workshop of November." in by_text
    inspection = by_text["Strengthen labour inspection in agriculture"]
    assert inspection.lead_in == "The workshop retained the following:"
    assert inspection.unit == "table_cell"
    assert inspection.row_cells == []  # the question it answers is no status of its row


def test_people_listed_after_a_preposition_are_no_list_of_actions(tmp_path: Path) -> None:
    _, cands = _candidates(
        tmp_path,
        "speech.txt",
        "In the first quarter we will hold a national validation workshop with the trade "
        "unions, the employers' organisations and the civil society groups.\n\n"
        "The plenary retained a hotline for victims, a training plan for judges and a joint "
        "data system.\n",
    )
    units = {c.item.text: c.unit for c in cands}
    assert "the employers' organisations" not in units
    assert units["a training plan for judges"] == "inline"


def test_a_paragraphs_sentences_are_decided_each_on_its_own(tmp_path: Path) -> None:
    """The items of one list are alike and are decided together; the sentences of a speech's
    paragraph are not (a commitment among thanks and figures keeps its own probability)."""
    _, cands = _candidates(
        tmp_path,
        "speech.txt",
        "Statement of the delegation\n\n"
        "Thank you, Chair. Our country joined the Alliance in 2019. Child labour fell by a "
        "third in five years. We will train 600 labour inspectors on forced labour by 2026. "
        "We are proud of these results.\n\n"
        "Next steps:\n\n- Draft the terms of reference\n- Convene the committee in May\n",
    )
    model = load_model()
    assert model is not None
    decisions = decide(cands, model)
    own = [model.proba_row(candidate_features(c)) for c in cands]
    train = next(n for n, c in enumerate(cands) if c.item.text.startswith("We will train"))
    assert cands[train].unit == "sentence"
    assert decisions[train].probabilities["none"] == round(own[train][0], 3)
    listed = [n for n, c in enumerate(cands) if c.unit == "list_item"]
    assert len(listed) == 2
    blended = [decisions[n].probabilities["none"] for n in listed]
    assert blended != [round(own[n][0], 3) for n in listed]


def test_the_classifier_learns_from_gold_items_with_the_headers_a_run_gives_them(
    tmp_path: Path,
) -> None:
    import pipeline.extract_train as et

    gold = _mini_corpus(tmp_path, ["regional_note"])
    sources = et.load_sources(gold)
    rows = et.gold_label_rows(sources)
    first = sources[0]
    assert len(rows) == len(first.gold_items) - len(first.unreachable)  # one rendition only
    by_text = {g["text"]: g for g in first.gold_items}
    for row in rows:
        assert row.themes == (by_text[row.text].get("themes") or [])
        assert row.actions == (by_text[row.text].get("actions") or [])
    assert any(row.headers() for row in rows)  # what the item sits under, as in a run


def test_the_opening_lines_say_roadmap_or_work_plan(tmp_path: Path) -> None:
    """A strategic roadmap's table of activities holds its priorities, an operational work
    plan's the year's next steps: the title, a subtitle or a letterhead's document line
    (within the first lines) says which the document is."""
    from pipeline.candidates import document_flags

    for name, opening, flags in [
        (
            "a.md",
            "RÉPUBLIQUE DU NIGER\n\nMinistère du Travail\n\nFEUILLE DE ROUTE NATIONALE",
            ["opening:roadmap"],
        ),
        (
            "b.md",
            "# Roadmap towards Target 8.7\n\nAnnual work plan 2025",
            ["opening:workplan", "opening:roadmap"],
        ),
        ("c.md", "# Plan de trabajo 2025", ["opening:workplan"]),
        ("d.md", "# Report of the GCG meeting", []),
    ]:
        path = tmp_path / name
        path.write_text(f"{opening}\n\nSome text.\n\n- one\n", "utf-8")
        found = [f for f in document_flags(parse_file(path)) if f.startswith("opening:")]
        assert sorted(found) == sorted(flags), name


def test_a_table_of_activities_below_a_list_of_priorities_is_marked(tmp_path: Path) -> None:
    """A roadmap that lists its priorities, then a matrix of activities, makes the
    activities the steps that carry them out; a matrix that is all the roadmap states is
    not marked, nor is another country's table."""
    from pipeline.segment import document_to_sections

    table = "| Activity | Lead |\n|---|---|\n| Review the labour code | Ministry |\n"
    listed = (
        "# Roadmap of Kenya\n\n## Strategic priorities\n\n"
        "- End child labour in tea\n- Protect migrant workers\n- Build a data system\n\n"
        "## Work plan 2025\n\n" + table + "\n## Uganda\n\n" + table
    )
    alone = "# Roadmap of Kenya\n\n## Activities\n\n" + table
    for name, text, marked in [("listed.md", listed, [True, False]), ("alone.md", alone, [False])]:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        doc = parse_file(path)
        cells = [
            c
            for c in sections_to_candidates(doc, document_to_sections(doc))
            if c.text == "Review the labour code"
        ]
        assert [c.after_priority_list for c in cells] == marked, name


def test_a_table_of_contents_line_under_a_cue_is_no_candidate_of_the_rules_either(
    tmp_path: Path,
) -> None:
    """The cue rules read the lines under 'Next steps' as items; a contents line there (its
    page number set apart) is neither the candidates' nor the rules'."""
    text = (
        "# Workshop report\n\n## Next steps\n\n"
        "- Adopt the national plan on child labour . . . . . . . .\n"
        "- Train labour inspectors on forced labour\n"
    )
    _, found = _candidates(tmp_path, "report.md", text)
    texts = [c.item.text for c in found]
    assert "Train labour inspectors on forced labour" in texts
    assert not any("national plan" in t for t in texts), texts


def test_a_timelines_date_is_its_lines_label_and_deadline(tmp_path: Path) -> None:
    """A date set before a line ('Q2 2025: ...'), alone above it (as a lead-in or a heading),
    or in the first cell of its table row is the timeline's date: a feature, and the
    deadline, not part of the text."""
    _, cands = _candidates(
        tmp_path,
        "pledge.md",
        "# Engagement national\n\n## Calendrier\n\n"
        "| Échéance | Jalon |\n|---|---|\n"
        "| Juin 2025 | adoption du décret révisé par le Conseil des ministres |\n\n"
        "## Timeline\n\n- Q2 2025: Sign the partnership agreement with the Education Service\n\n"
        "Q3 2025\n\nExtend the declarations to 50 more municipalities.\n",
    )
    dated = {c.text: (c.date_label, c.column_deadline) for c in cands if c.date_label}
    assert dated == {
        "adoption du décret révisé par le Conseil des ministres": ("Juin 2025", "Juin 2025"),
        "Sign the partnership agreement with the Education Service": ("Q2 2025", "Q2 2025"),
        "Extend the declarations to 50 more municipalities.": ("Q3 2025", "Q3 2025"),
    }
    assert all("date_label" in candidate_features(c) for c in cands if c.date_label)
