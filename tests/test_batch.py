"""Batch runs: outputs validated against their schemas, incremental re-runs, isolation."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from conftest import SHARED

from pipeline import emit, process
from pipeline.batch import BatchOptions, Manifest, output_name, run_batch
from pipeline.cli import main

DECK = """# Peru – national workshop

## Priorities for action

- Strengthen labour inspection in the mining sector by 2023
- Ratify the Protocol of 2014 to the Forced Labour Convention

## Next steps

- Validate the national roadmap with the social partners
"""

NOTE = """Kenya follow-up

Follow-up actions:
• Publish the child labour survey before June 2022
• Convene the national steering committee
"""


def _inputs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "peru.md").write_text(DECK, encoding="utf-8")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "kenya.txt").write_text(NOTE, encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n")
    (folder / "data.json").write_text('{"not": "a document"}', encoding="utf-8")
    (folder / "empty.docx").write_bytes(b"")
    return folder


def _options(**kw) -> BatchOptions:
    return BatchOptions(jobs=kw.pop("jobs", 1), timeout=kw.pop("timeout", 60), **kw)


def _manifest(out: Path) -> Manifest:
    return Manifest.model_validate_json((out / "manifest.json").read_text("utf-8"))


def test_run_accounts_for_every_file_and_validates_outputs(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    manifest = run_batch([src], out, _options())
    status = {Path(r.path).name: r.status for r in manifest.inputs}
    assert status == {
        "peru.md": "processed",
        "kenya.txt": "processed",
        "broken.pdf": "failed",
        "data.json": "skipped",
        "empty.docx": "failed",
    }
    failed = {Path(r.path).name: r for r in manifest.inputs if r.status == "failed"}
    assert failed["empty.docx"].error == "empty_file"
    assert "broken.pdf" in failed["broken.pdf"].path and failed["broken.pdf"].hint

    schema = json.loads((out / "schema.json").read_text("utf-8"))
    assert schema["schema_version"] == emit.SCHEMA_VERSION
    docs = sorted((out / "documents").glob("*.json"))
    assert len(docs) == 2
    n_items = 0
    for path in docs:
        data = json.loads(path.read_text("utf-8"))
        jsonschema.validate(data, schema)
        assert data["schema_version"] == emit.SCHEMA_VERSION
        n_items += len(data["items"])
    assert n_items == 5 == manifest.counts["items"]

    rows = [json.loads(line) for line in (out / "items.jsonl").read_text("utf-8").splitlines()]
    with (out / "items.csv").open(encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert len(rows) == len(csv_rows) == n_items
    assert {r["country"] for r in rows} == {"PER", "KEN"}
    assert rows[0]["kind"] == "priority" and rows[-1]["kind"] == "next_step"

    con = sqlite3.connect(out / "priorities.sqlite")
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {
            "documents",
            "items",
            "item_labels",
            "runs",
            "labels",
            "countries",
            "_metadata",
        }
        indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"items_country", "items_kind", "item_labels_label"} <= indexes
        assert con.execute("SELECT count(*) FROM items").fetchone()[0] == n_items
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        pk = [r[1] for r in con.execute("PRAGMA table_info(items)") if r[5]]
        assert pk == ["item_id"]
    finally:
        con.close()


def test_second_run_reprocesses_nothing_and_force_redoes(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([src], out, _options())
    first = (out / "items.jsonl").read_bytes()
    again = run_batch([src], out, _options())
    assert again.counts["processed"] == 0 and again.counts["unchanged"] == 2
    assert (out / "items.jsonl").read_bytes() == first
    (src / "peru.md").write_text(DECK + "- Publish annual statistics\n", encoding="utf-8")
    changed = run_batch([src], out, _options())
    assert changed.counts["processed"] == 1 and changed.counts["unchanged"] == 1
    forced = run_batch([src], out, _options(force=True))
    assert forced.counts["processed"] == 2


def test_removed_inputs_are_reported_and_pruned(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([src], out, _options())
    (src / "sub" / "kenya.txt").unlink()
    kept = run_batch([src], out, _options())
    assert kept.counts["removed"] == 1
    assert "KEN" in (out / "items.jsonl").read_text("utf-8")
    pruned = run_batch([src], out, _options(prune=True))
    assert pruned.counts["pruned"] == 1
    assert "KEN" not in (out / "items.jsonl").read_text("utf-8")
    assert len(list((out / "documents").glob("*.json"))) == 1


def test_parallel_run_writes_the_same_files_as_a_serial_one(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    for n in range(6):
        (src / f"copy{n}.md").write_text(DECK.replace("Peru", f"Peru {n}"), encoding="utf-8")
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    run_batch([src], serial, _options(jobs=1))
    run_batch([src], parallel, _options(jobs=2))
    for name in ("items.jsonl", "items.csv"):
        assert (serial / name).read_bytes() == (parallel / name).read_bytes()
    for doc in (serial / "documents").iterdir():
        assert doc.read_bytes() == (parallel / "documents" / doc.name).read_bytes()


def test_a_hanging_document_is_stopped_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = process.process_file

    def slow(path, settings=None, timings=None):
        if Path(path).name == "peru.md":
            time.sleep(30)
        return real(path, settings, timings)

    # Workers are forked, so they inherit the patched function.
    monkeypatch.setattr(process, "process_file", slow)
    src = _inputs(tmp_path / "in")
    manifest = run_batch([src], tmp_path / "out", _options(timeout=2))
    records = {Path(r.path).name: r for r in manifest.inputs}
    assert records["peru.md"].status == "failed"
    assert records["peru.md"].error == "limit_exceeded"
    assert "longer than 2 s" in (records["peru.md"].reason or "")
    assert records["kenya.txt"].status == "processed"


def test_output_names_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for name in ("../../etc/passwd", "/abs/path.pdf", "weird name;rm -rf *.pdf", "..."):
        out = output_name(root, root / name)
        assert "/" not in out and not out.startswith(".") and out.endswith(".json")


def test_killed_run_then_rerun_gives_the_same_outputs(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    for n in range(12):
        (src / f"copy{n}.md").write_text(DECK.replace("Peru", f"Peru {n}"), encoding="utf-8")
    reference = tmp_path / "reference"
    run_batch([src], reference, _options())
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "run", str(src), "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "documents").glob("*.json"))) < 3:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for leftover in out.rglob("*.json"):
        json.loads(leftover.read_text("utf-8"))  # every file written is complete
    run_batch([src], out, _options())
    assert (out / "items.jsonl").read_bytes() == (reference / "items.jsonl").read_bytes()
    assert sorted(p.name for p in (out / "documents").iterdir()) == sorted(
        p.name for p in (reference / "documents").iterdir()
    )


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _inputs(tmp_path / "in")
    with pytest.raises(SystemExit) as failed:
        main(["run", str(src), "--out", str(tmp_path / "out"), "--jobs", "1", "-q"])
    assert failed.value.code == 2
    assert "empty.docx" in capsys.readouterr().err
    (src / "broken.pdf").unlink()
    (src / "empty.docx").unlink()
    main(["run", str(src), "--out", str(tmp_path / "out2"), "-q"])  # no SystemExit: code 0
    with pytest.raises(SystemExit) as usage:
        main(["run", str(tmp_path / "missing")])
    assert usage.value.code == 1


@pytest.mark.skipif(not (SHARED / "wild").is_dir(), reason="../shared/wild is absent")
def test_run_over_seeds_and_wild_files_accounts_for_everything(tmp_path: Path) -> None:
    inputs = [SHARED / "seeds", SHARED / "wild"]
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "run", *map(str, inputs), "--out", str(out)]
    start = time.perf_counter()
    cold = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    cold_seconds = time.perf_counter() - start
    assert cold.returncode == 2, cold.stderr[-2000:]  # some wild files are meant to fail
    assert "Traceback" not in cold.stderr + cold.stdout
    manifest = _manifest(out)
    files = [p for root in inputs for p in root.rglob("*") if p.is_file()]
    assert {r.path for r in manifest.inputs} == {str(p) for p in files}
    for record in manifest.inputs:
        assert record.status in {"processed", "skipped", "failed"}
        if record.status == "failed":
            assert record.error != "internal", record
            assert record.reason and record.hint, record
    by_name = {Path(r.path).name: r for r in manifest.inputs}
    assert by_name["password-example.pdf"].error == "encrypted"
    # The batch gives what a single extraction gives (the deck's gold has 83 items).
    from pipeline.process import process_file

    deck = by_name["deck.pptx"]
    assert deck.items == len(process_file(deck.path).items) and 78 <= deck.items <= 90

    items_before = (out / "items.jsonl").read_bytes()
    start = time.perf_counter()
    warm = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    warm_seconds = time.perf_counter() - start
    again = _manifest(out)
    assert again.counts["processed"] == 0
    assert again.counts["unchanged"] == manifest.counts["processed"]
    assert (out / "items.jsonl").read_bytes() == items_before
    print(
        f"cold {cold_seconds:.1f} s, warm {warm_seconds:.1f} s: {cold_seconds / warm_seconds:.0f}x"
    )
    assert warm.returncode == 2
