"""`pipeline run --executor dask`: the same outputs as a local run, on a Dask LocalCluster of
two worker processes started here on the loopback interface (skipped without Dask)."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from pipeline import executors
from pipeline.batch import BatchOptions, Manifest, run_batch
from pipeline.cli import main

distributed = pytest.importorskip("distributed")

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
DOCS = (
    "ben_note_points_action_fr.pdf",
    "pan_presentacion_pais_pionero.pptx",
    "gtm_perfil_pais_2023.docx",
    "gcg10_meeting_report.md",
    "secretariat_gcg_followup_memo.txt",
)
RECORD_FIELDS = ("path", "key", "status", "output", "sha256", "items", "error", "reason", "hint")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    ) as local:
        yield local


def _inputs(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in DOCS:
        shutil.copyfile(CORPUS / name, folder / name)
    (folder / "sub").mkdir()
    (folder / "sub" / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n")
    (folder / "data.json").write_text('{"not": "a document"}', encoding="utf-8")
    return folder


def _dask(cluster, **kw) -> BatchOptions:
    return BatchOptions(
        executor="dask", scheduler=cluster.scheduler_address, timeout=kw.pop("timeout", 120), **kw
    )


def _records(out: Path) -> list[dict]:
    manifest = Manifest.model_validate_json((out / "manifest.json").read_text("utf-8"))
    return [{f: getattr(r, f) for f in RECORD_FIELDS} for r in manifest.inputs]


def _rows(out: Path, table: str) -> list[tuple]:
    with sqlite3.connect(out / "priorities.sqlite") as db:
        return sorted(db.execute(f"SELECT * FROM {table}").fetchall())


def _same_outputs(a: Path, b: Path) -> None:
    for name in ("items.jsonl", "items.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    names = sorted(p.name for p in (a / "documents").iterdir())
    assert names == sorted(p.name for p in (b / "documents").iterdir())
    for name in names:
        assert (a / "documents" / name).read_bytes() == (b / "documents" / name).read_bytes()
    assert _records(a) == _records(b)
    assert _rows(a, "items") == _rows(b, "items")
    assert _rows(a, "item_labels") == _rows(b, "item_labels")


@pytest.mark.parametrize("dask_inputs", ["bytes", "shared"])
def test_a_dask_run_writes_what_a_local_run_writes(
    tmp_path: Path, cluster, dask_inputs: str
) -> None:
    src = _inputs(tmp_path / "in")
    local, dask = tmp_path / "local", tmp_path / "dask"
    expected = run_batch([src], local, BatchOptions(jobs=2))
    manifest = run_batch([src], dask, _dask(cluster, dask_inputs=dask_inputs))
    assert manifest.counts == expected.counts
    assert manifest.counts["processed"] == len(DOCS)
    assert manifest.counts["items"] > 0
    _same_outputs(local, dask)
    # The failing document is recorded the same way, with its error, reason and hint.
    broken = next(r for r in manifest.inputs if r.path.endswith("broken.pdf"))
    assert (broken.status, broken.error) == ("failed", "corrupt")
    assert broken.reason and broken.hint
    skipped = next(r for r in manifest.inputs if r.path.endswith("data.json"))
    assert skipped.status == "skipped"


def test_a_dask_rerun_is_incremental(tmp_path: Path, cluster) -> None:
    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([src], out, _dask(cluster))
    again = run_batch([src], out, _dask(cluster))
    assert again.counts["processed"] == 0
    assert again.counts["unchanged"] == len(DOCS)
    memo = src / "secretariat_gcg_followup_memo.txt"
    memo.write_text(memo.read_text("utf-8") + "\nNext steps:\n- Convene the task force.\n", "utf-8")
    changed = run_batch([src], out, _dask(cluster))
    assert changed.counts["processed"] == 1
    assert changed.counts["unchanged"] == len(DOCS) - 1
    local = tmp_path / "local"
    run_batch([src], local, BatchOptions(jobs=1))
    assert (out / "items.jsonl").read_bytes() == (local / "items.jsonl").read_bytes()


def test_a_dask_task_over_the_time_limit_is_recorded_and_the_batch_goes_on(
    tmp_path: Path, cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = executors._dask_task
    # A lambda is sent to the workers by value, so they run this stand-in.
    monkeypatch.setattr(
        executors,
        "_dask_task",
        lambda label, source, settings, mb: (
            (time.sleep(600) if label.endswith("gcg10_meeting_report.md") else None)
            or real(label, source, settings, mb)
        ),
    )
    src = _inputs(tmp_path / "in")
    manifest = run_batch([src], tmp_path / "out", _dask(cluster, timeout=3))
    records = {Path(r.path).name: r for r in manifest.inputs}
    hung = records["gcg10_meeting_report.md"]
    assert (hung.status, hung.error) == ("failed", "limit_exceeded")
    assert "longer than 3 s" in hung.reason
    assert records["pan_presentacion_pais_pionero.pptx"].status == "processed"
    assert manifest.counts["processed"] == len(DOCS) - 1


def test_the_dask_options_are_checked(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    for args in (["--executor", "dask"], ["--executor", "local", "--scheduler", "tcp://x:1"]):
        with pytest.raises(SystemExit) as stop:
            main(["run", str(src), "--out", str(tmp_path / "out"), "-q", *args])
        assert stop.value.code == 1
    assert not (tmp_path / "out").exists()
