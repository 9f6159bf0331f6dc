"""`pipeline diff`: items added, removed and changed between two run folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.batch import BatchOptions, run_batch
from pipeline.cli import main
from pipeline.diff import diff_runs, format_diff

DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    base = tmp_path_factory.mktemp("diff")
    inputs = base / "in"
    inputs.mkdir()
    for name in ("gcg10_meeting_report.md", "gtm_perfil_pais_2023.md"):
        shutil.copy(DOCS / name, inputs / name)
    old = base / "old"
    run_batch([inputs], old, BatchOptions(jobs=1))
    new = base / "new"
    shutil.copytree(old, new, symlinks=True)
    # The new run: one item relabelled, one reworded, one dropped, one added.
    path = next(p for p in (new / "documents").glob("gcg10*.json"))
    data = json.loads(path.read_text("utf-8"))
    items = data["items"]
    items[0]["country"] = "GTM"
    items[0]["themes"] = [*items[0]["themes"], "migration"]
    items[1]["text"] = items[1]["text"] + " and its partners"
    items[1]["id"] = "0" * 16
    dropped = items.pop(2)
    extra = dict(items[-1], id="f" * 16, text="Hold a webinar on due diligence for members")
    items.append(extra)
    path.write_text(json.dumps(data), "utf-8")
    return old, new, dropped["text"]


def test_diff_lists_added_removed_changed(runs: tuple[Path, Path, str]) -> None:
    old, new, dropped = runs
    diff = diff_runs(old, new)
    assert [e.text for e in diff.removed] == [dropped]
    assert [e.text for e in diff.added] == ["Hold a webinar on due diligence for members"]
    changed = {tuple(c.field for c in ch.changes) for ch in diff.changed}
    assert changed == {("country", "themes"), ("text",)}
    assert diff.unchanged > 0
    text = format_diff(diff)
    assert "1 added, 1 removed, 2 changed" in text
    assert "country: - -> GTM" in text and "+ [" in text and "- [" in text


def test_same_run_has_no_differences(runs: tuple[Path, Path, str]) -> None:
    diff = diff_runs(runs[0], runs[0])
    assert diff.empty and diff.unchanged > 0


def test_cli_diff_text_and_json(
    runs: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new, _ = runs
    out = tmp_path / "changes.json"
    main(["diff", str(old), str(new), "--json", str(out)])
    assert "1 added, 1 removed, 2 changed" in capsys.readouterr().out
    data = json.loads(out.read_text("utf-8"))
    assert len(data["added"]) == 1 and len(data["removed"]) == 1 and len(data["changed"]) == 2
    main(["diff", str(old), str(new), "--format", "json"])
    assert json.loads(capsys.readouterr().out)["changed"]


def test_diff_of_a_folder_that_is_no_run(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["diff", str(tmp_path), str(tmp_path)])
    assert exc.value.code == 2
