"""Following priorities over time: threads over a run of the dated corpus documents."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.batch import BatchOptions, run_batch
from pipeline.cli import main
from pipeline.track import TrackItem, body_of, label_adjustment, progress_state, track_run

DOCS = ROOT / "corpus" / "docs"
# Guatemala followed over three dated documents, the GCG over three meetings; the 2021
# workshop comes in two renditions, which must count as one document.
FILES = [
    "gtm_taller_nacional_2021.md",
    "gtm_taller_nacional_2021.pdf",
    "gtm_perfil_pais_2023.md",
    "gtm_informe_gcg_2025.txt",
    "gcg08_meeting_report.md",
    "gcg09_summary_record.txt",
    "gcg10_meeting_report.md",
]


@pytest.fixture(scope="module")
def tracked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    base = tmp_path_factory.mktemp("track")
    inputs = base / "in"
    inputs.mkdir()
    for name in FILES:
        shutil.copy(DOCS / name, inputs / name)
    out = base / "out"
    manifest = run_batch([inputs], out, BatchOptions(jobs=1))
    assert manifest.counts["failed"] == 0
    return out, track_run(out)


def _thread(records: list[dict], start: str) -> dict:
    found = [r for r in records if r["steps"][0].get("text", "").startswith(start)]
    assert len(found) == 1, [r["text"] for r in records]
    return found[0]


def _step(records: list[dict], start: str) -> dict:
    for r in records:
        for s in r["steps"]:
            if (s.get("text") or "").startswith(start) and s.get("item_id"):
                return s
    raise AssertionError(start)


def test_documents_are_dated_and_ordered(tracked: tuple[Path, list[dict]]) -> None:
    out, records = tracked
    dates = {}
    for path in (out / "documents").glob("*.json"):
        info = json.loads(path.read_text("utf-8"))["document"]
        dates[Path(info["source"]).name] = info["date"]
        assert info["date_evidence"]
    assert dates["gtm_taller_nacional_2021.md"] == "2021-03-03"
    assert dates["gtm_taller_nacional_2021.pdf"] == "2021-03-03"
    assert dates["gtm_perfil_pais_2023.md"] == "2023-11-15"
    assert dates["gtm_informe_gcg_2025.txt"] == "2025-05-19"
    assert dates["gcg08_meeting_report.md"] == "2020-06-16"
    assert dates["gcg09_summary_record.txt"] == "2020-12-01"
    assert dates["gcg10_meeting_report.md"] == "2021-05-12"
    for r in records:
        steps = [s for s in r["steps"] if s["status"] != "not_mentioned_since"]
        assert [s["date"] for s in steps] == sorted(s["date"] for s in steps)


def test_a_priority_restated_over_three_documents(tracked: tuple[Path, list[dict]]) -> None:
    thread = _thread(tracked[1], "Fortalecer la inspección del trabajo")
    assert thread["country"] == "GTM"
    assert [s["status"] for s in thread["steps"]] == ["new", "restated", "restated"]
    assert [s["date"][:4] for s in thread["steps"]] == ["2021", "2023", "2025"]
    assert thread["status"] == "restated"


def test_never_two_items_of_one_document_group(tracked: tuple[Path, list[dict]]) -> None:
    for r in tracked[1]:
        docs = [s["document_id"] for s in r["steps"] if s.get("item_id")]
        assert len(docs) == len(set(docs))
        sources = [Path(s["source"]).stem for s in r["steps"] if s.get("item_id")]
        assert len(sources) == len(set(sources))


def test_not_mentioned_since(tracked: tuple[Path, list[dict]]) -> None:
    thread = _thread(tracked[1], "Regular las agencias privadas de reclutamiento")
    assert thread["status"] == "not_mentioned_since"
    later = thread["steps"][-1]["documents"]
    assert {d["date"] for d in later} == {"2023-11-15", "2025-05-19"}


def test_progress_reported_from_passages_that_are_not_items(
    tracked: tuple[Path, list[dict]],
) -> None:
    thread = _thread(tracked[1], "Aprobar la hoja de ruta nacional")
    assert thread["status"] == "progress_reported" and thread["progress"] == "done"
    report = thread["steps"][-1]
    assert report["item_id"] is None and "fue aprobada" in report["text"]
    registry = _thread(tracked[1], "Crear un registro nacional de víctimas")
    states = [s["progress"] for s in registry["steps"] if s["status"] == "progress_reported"]
    assert states == ["under_way", "done"]


def test_next_step_follow_up(tracked: tuple[Path, list[dict]]) -> None:
    records = tracked[1]
    mesa = _step(records, "Instalar la mesa técnica")["follow_up"]
    assert mesa["status"] == "done" and mesa["date"] == "2023-11-15"
    note = _step(records, "Draft a short guidance note")["follow_up"]
    assert note["status"] == "done" and note["date"] == "2020-12-01"
    survey = _step(records, "Circulate a survey to members")["follow_up"]
    assert survey["status"] == "restated" and survey["date"] == "2020-12-01"
    assert _step(records, "Update the list of Pathfinder Country focal points")["follow_up"] == {
        "status": "open"
    }
    assert _step(records, "Organise a donor round table")["follow_up"]["status"] == "open"
    focal = _thread(records, "Update the list of Pathfinder Country focal points")
    assert focal["body"] == "GCG" and focal["status"] == "not_mentioned_since"


def test_outputs_written(tracked: tuple[Path, list[dict]]) -> None:
    out, records = tracked
    lines = (out / "threads.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == len(records)
    assert {json.loads(line)["thread_id"] for line in lines} == {r["thread_id"] for r in records}
    con = sqlite3.connect(out / "priorities.sqlite")
    try:
        assert con.execute("SELECT count(*) FROM threads").fetchone()[0] == len(records)
        steps = sum(len(r["steps"]) for r in records)
        assert con.execute("SELECT count(*) FROM thread_items").fetchone()[0] == steps
        assert con.execute("SELECT count(*) FROM items").fetchone()[0] > 0  # run tables kept
    finally:
        con.close()


def test_track_again_gives_the_same_threads(tracked: tuple[Path, list[dict]]) -> None:
    out, records = tracked
    assert track_run(out, write=False) == records


def test_cli_track(tracked: tuple[Path, list[dict]], capsys: pytest.CaptureFixture[str]) -> None:
    main(["track", str(tracked[0]), "--no-write"])
    text = capsys.readouterr().out
    assert "threads" in text and "open [GCG]" in text


def test_small_parts() -> None:
    assert progress_state("The note was completed in September.") == "done"
    assert progress_state("El registro está en proceso de diseño.") == "under_way"
    assert progress_state("Adopt the plan.") is None
    assert body_of("Report of the Tenth Meeting of the Alliance 8.7 Global Coordinating Group")
    assert body_of("Guatemala: informe ante el Grupo de Coordinación Mundial") is None
    a = TrackItem(
        "a", "priority", "x", None, frozenset({"child_labour"}), frozenset({"monitoring"})
    )
    b = TrackItem("b", "priority", "x", None, frozenset({"child_labour"}), frozenset({"awareness"}))
    assert label_adjustment(a, b) < 0 < label_adjustment(a, a)


def test_evaluate_links_prints_scores(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "evaluate",
            "--links",
            str(ROOT / "corpus" / "links.json"),
            "--gold",
            str(ROOT / "corpus" / "gold"),
        ]
    )
    text = capsys.readouterr().out
    assert "precision" in text and "installed threshold" in text
    f1 = float(text.rsplit("F1", 1)[1].split()[0])
    assert f1 >= 0.85


@pytest.mark.parametrize("content", [None, "", "{}", '{"documents": ["x"], "same": []}'])
def test_evaluate_links_refuses_missing_or_empty_file(
    tmp_path: Path, content: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "links.json"
    if content is not None:
        path.write_text(content, "utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "--links", str(path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "links.json" in err and (
        "no such links file" in err or "no documents" in err or "not readable JSON" in err
    )
