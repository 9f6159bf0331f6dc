"""The run folder as a contract: input identity, workers, operating faults, file modes,
discovery, generations, and the small promises of `pipeline run` (issue #12)."""

from __future__ import annotations

import ast
import contextlib
import csv
import errno
import hashlib
import json
import mmap
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline import emit, fileio, process, runs
from pipeline.batch import BatchOptions, output_name, run_batch
from pipeline.cli import main
from pipeline.progress import Progress
from pipeline.runs import CannotWriteError, Manifest

DOC = """# Peru – national workshop

## Next steps

- Validate the national roadmap with the social partners by 2023
- Convene the national steering committee
"""

NOTE = """# Kenya follow-up

## Next steps

- Publish the child labour survey before June 2022
- Train labour inspectors on forced labour
"""


def _folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "peru.md").write_text(DOC, "utf-8")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "kenya.md").write_text(NOTE, "utf-8")
    return folder


def _options(**kw) -> BatchOptions:
    return BatchOptions(jobs=kw.pop("jobs", 1), timeout=kw.pop("timeout", 60), **kw)


def _rows(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "items.jsonl").read_text("utf-8").splitlines()]


def _sqlite_items(out: Path) -> int:
    con = sqlite3.connect(f"file:{out / 'priorities.sqlite'}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM items").fetchone()[0]
    finally:
        con.close()


def _csv_rows(out: Path) -> int:
    with (out / "items.csv").open(encoding="utf-8", newline="") as fh:
        return len(list(csv.DictReader(fh)))


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# --------------------------------------------------------------------------- 1. identity


def test_a_folder_named_absolutely_or_relatively_is_the_same_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    first = run_batch([src.resolve()], out, _options())
    rows = len(_rows(out))
    assert first.counts["processed"] == 2 and rows > 0
    monkeypatch.chdir(tmp_path)
    for name, prune in (("in", False), ("./in/", True), (str(src.resolve()), True)):
        again = run_batch([Path(name)], Path("out"), _options(prune=prune))
        assert again.counts["unchanged"] == 2, name
        assert again.counts["removed"] == again.counts["pruned"] == 0, name
        assert len(_rows(out)) == _csv_rows(out) == _sqlite_items(out) == rows, name
        assert len(list((out / "documents").glob("*.json"))) == 2, name
    assert {r.key for r in again.inputs} == {
        str(src.resolve() / "peru.md"),
        str(src.resolve() / "sub" / "kenya.md"),
    }


def test_identical_files_at_two_paths_give_the_same_rows_everywhere(tmp_path: Path) -> None:
    src = _folder(tmp_path / "in")
    (src / "copy-of-peru.md").write_text(DOC, "utf-8")
    out = tmp_path / "out"
    manifest = run_batch([src], out, _options())
    assert manifest.counts["processed"] == 3
    assert len(_rows(out)) == _csv_rows(out) == _sqlite_items(out) == manifest.counts["items"]


# --------------------------------------------------------------------------- 2. workers

SLOW_RUN = """
import sys, time
import pipeline.process as p
real = p.process_file
def slow(path, settings=None, timings=None):
    if "slow" in str(path):
        open(str(path) + ".started", "w").close()
        time.sleep(600)
    return real(path, settings, timings)
p.process_file = slow
from pipeline.cli import main
main(sys.argv[1:])
"""


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] not in ("Z", "X")  # a zombie has ended


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_the_run_is_killed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(4):
        (src / f"slow{n}.md").write_text(DOC.replace("Peru", f"Peru {n}"), "utf-8")
    cmd = [sys.executable, "-c", SLOW_RUN, "run", str(src), "--out", str(tmp_path / "out")]
    proc = subprocess.Popen(
        [*cmd, "--jobs", "2"], env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        workers: set[int] = set()
        for _ in range(1200):  # up to ~60 s for the models to load and two workers to start
            workers = _children(proc.pid)
            if len(workers) >= 2 or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the workers did not start"
    finally:
        proc.kill()
        proc.wait()
    for _ in range(200):  # up to ~10 s: the kernel's parent-death signal is immediate
        if not any(_alive(pid) for pid in workers):
            break
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "workers outlived their parent"


# --------------------------------------------------------------------------- 3. faults


def test_an_output_folder_that_cannot_be_made_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _folder(tmp_path / "in")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["run", str(src), "--out", str(blocker / "out"), "--jobs", "1", "-q"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"cannot write {blocker / 'out'}: ") and "\n" not in err
    assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([src], out, _options())
    before = (out / "items.jsonl").read_bytes()
    (src / "peru.md").write_text(DOC + "- Adopt the plan\n", "utf-8")
    for folder in (out, out / "documents"):
        folder.chmod(0o555)
    try:
        with pytest.raises(SystemExit) as stopped:
            main(["run", str(src), "--out", str(out), "--jobs", "1", "-q"])
    finally:
        for folder in (out, out / "documents"):
            folder.chmod(0o755)
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("cannot write ") and "Permission denied" in err
    assert (out / "items.jsonl").read_bytes() == before


def test_a_full_disk_keeps_the_previous_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([src], out, _options())
    before = {n: (out / n).read_bytes() for n in runs.RUN_FILES}
    (src / "peru.md").write_text(DOC + "- Adopt the plan\n", "utf-8")
    real_replace = os.replace

    def full(source, target, *args, **kwargs):
        if str(target).endswith((".json", ".jsonl", ".csv", ".sqlite")):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(SystemExit) as stopped:
        main(["run", str(src), "--out", str(out), "--jobs", "1", "-q"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("cannot write ") and err.endswith(": No space left on device")
    monkeypatch.setattr(os, "replace", real_replace)
    assert {n: (out / n).read_bytes() for n in runs.RUN_FILES} == before


def test_a_full_database_keeps_the_previous_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([src], out, _options())
    before = {n: (out / n).read_bytes() for n in runs.RUN_FILES}
    (src / "peru.md").write_text(DOC + "- Adopt the plan\n", "utf-8")

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(emit.sqlite, "fill_documents", full)
    with pytest.raises(CannotWriteError) as failed:
        run_batch([src], out, _options())
    assert failed.value.message == f"cannot write {out}: database or disk is full"
    assert {n: (out / n).read_bytes() for n in runs.RUN_FILES} == before
    assert [p.name for p in (out / runs.GENERATIONS).iterdir()] == [
        runs.current_generation(out).name
    ]


def _stop_run_with(sig: int, tmp_path: Path) -> tuple[subprocess.CompletedProcess, Path, dict]:
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([src], out, _options())
    before = {n: (out / n).read_bytes() for n in runs.RUN_FILES}
    (src / "peru.md").write_text(DOC + "- Adopt the plan\n", "utf-8")
    (src / "slow.md").write_text(NOTE, "utf-8")
    cmd = [sys.executable, "-c", SLOW_RUN, "run", str(src), "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen(
        cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peru = out / "documents" / output_name(src, src / "peru.md")
    sha = hashlib.sha256((src / "peru.md").read_bytes()).hexdigest()
    started = src / "slow.md.started"
    for _ in range(1200):  # until peru.md is redone and slow.md has begun, up to ~60 s
        if (sha in peru.read_text("utf-8") and started.exists()) or proc.poll() is not None:
            break
        time.sleep(0.05)
    time.sleep(1.0)  # the parent records peru.md's result just after the worker moves on
    started.unlink(missing_ok=True)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr), out, before


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_with_one_line(tmp_path: Path, sig: int, code: int) -> None:
    done, out, before = _stop_run_with(sig, tmp_path)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "stopped: 2 documents kept; run again to finish"
    )
    assert {n: (out / n).read_bytes() for n in runs.RUN_FILES} == before
    again = run_batch([out.parent / "in"], out, _options())
    assert again.counts["processed"] == 1 and again.counts["unchanged"] == 2


# --------------------------------------------------------------------------- 4. modes


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_outputs_get_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        fileio.write_text_atomic(tmp_path / "a.json", "{}")
        assert (tmp_path / "a.json").stat().st_mode & 0o777 == mode
        run_batch([_folder(tmp_path / "in")], tmp_path / "out", _options())
    finally:
        os.umask(old)
    for name in (
        *runs.RUN_FILES,
        "documents/" + output_name(tmp_path / "in", tmp_path / "in/peru.md"),
    ):
        assert (tmp_path / "out" / name).stat().st_mode & 0o777 == mode, name


# --------------------------------------------------------------------------- 5. inputs


def test_the_output_folder_inside_the_input_is_never_an_input(tmp_path: Path) -> None:
    src = _folder(tmp_path / "in")
    out = src / "results"
    run_batch([src], out, _options())
    again = run_batch([src], out, _options())
    assert sorted(Path(r.path).name for r in again.inputs) == ["kenya.md", "peru.md"]
    (src / ".hidden.md").write_text(DOC, "utf-8")
    (src / ".git").mkdir()
    (src / ".git" / "notes.md").write_text(DOC, "utf-8")
    assert len(run_batch([src], out, _options()).inputs) == 2


def test_include_and_exclude_globs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _folder(tmp_path / "in")
    (src / "notes.txt").write_text(NOTE, "utf-8")
    only_md = run_batch([src], tmp_path / "a", _options(include=["*.md"], exclude=["sub/*"]))
    assert [Path(r.path).name for r in only_md.inputs] == ["peru.md"]
    monkeypatch.chdir(tmp_path)
    main(["run", "in", "--out", "b", "--jobs", "1", "-q", "--exclude", "*.md"])
    manifest = Manifest.model_validate_json((tmp_path / "b" / "manifest.json").read_text())
    assert [Path(r.path).name for r in manifest.inputs] == ["notes.txt"]
    main(["run", "in", "--out", "c", "-q", "--include", "sub/*", "--include", "*.txt"])
    manifest = Manifest.model_validate_json((tmp_path / "c" / "manifest.json").read_text())
    assert sorted(Path(r.path).name for r in manifest.inputs) == ["kenya.md", "notes.txt"]


def test_links_to_files_outside_the_input_are_not_followed_by_default(tmp_path: Path) -> None:
    src = _folder(tmp_path / "in")
    secret = tmp_path / "elsewhere" / "secret.md"
    secret.parent.mkdir()
    secret.write_text(NOTE.replace("survey", "secret plan survey"), "utf-8")
    (src / "link.md").symlink_to(secret)
    (src / "inside.md").symlink_to(src / "peru.md")  # a link inside the tree is read
    manifest = run_batch([src], tmp_path / "out", _options())
    records = {Path(r.path).name: r for r in manifest.inputs}
    assert records["link.md"].status == "skipped" and records["link.md"].error == "symlink_outside"
    assert records["inside.md"].status == "processed"
    assert "secret plan" not in (tmp_path / "out" / "items.jsonl").read_text("utf-8")
    followed = run_batch([src], tmp_path / "out", _options(follow_symlinks=True))
    assert {Path(r.path).name: r for r in followed.inputs}["link.md"].status == "processed"
    assert "secret plan" in (tmp_path / "out" / "items.jsonl").read_text("utf-8")


def test_non_ascii_names_keep_their_letters() -> None:
    root = Path("/srv/in")
    assert output_name(root, root / "Côte d'Ivoire.md").startswith("Côte_d_Ivoire.md.")
    assert output_name(root, root / "报告" / "Niñez.pdf").startswith("报告__Niñez.pdf.")
    nfd = output_name(root, root / "Co\u0302te.md")  # macOS spells names decomposed
    assert nfd.startswith("Côte.md.")
    for odd in ("a\nb.md", "a\x01b\x7f", "a/b\\c.md", "a:b*c?.md", 'a"<b>|.md'):
        name = output_name(root, root / odd)
        assert all(c.isalnum() or c in "._-" for c in name), name
    long = output_name(root, root / ("報" * 300))
    assert len(long.encode("utf-8")) <= 255


# --------------------------------------------------------------------------- 6. generations


def _consistent(out: Path) -> None:
    """Every aggregate visible in `out` comes from the generation its manifest names."""
    if not (out / "manifest.json").exists():
        assert not any((out / n).exists() for n in runs.AGGREGATES)
        return
    manifest = Manifest.model_validate_json((out / "manifest.json").read_text("utf-8"))
    assert manifest.generation == runs.current_generation(out).name
    rows = _rows(out)
    assert len(rows) == _csv_rows(out) == _sqlite_items(out) == manifest.counts["items"]
    con = sqlite3.connect(f"file:{out / 'priorities.sqlite'}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {r[0] for r in con.execute("SELECT run_id FROM runs")}
    finally:
        con.close()
    assert manifest.run_id in ids
    assert json.loads((out / "schema.json").read_text("utf-8"))["schema_version"]


def _crash_at(n: int, src: Path, out: Path) -> None:
    os.environ[fileio.CRASH_ENV] = str(n)
    fileio.reset_crash_points()
    run_batch([src], out, _options())
    os._exit(0)


def _run_until_done(src: Path, out: Path, changed: list[str], limit: int = 400) -> int:
    """Run with a kill at write step 1, 2, 3, … until a run gets through; check the outputs
    after each kill. Returns how many kills there were."""
    ctx = multiprocessing.get_context("fork")
    for n in range(1, limit):
        child = ctx.Process(target=_crash_at, args=(n, src, out))
        child.start()
        child.join(120)
        _consistent(out)
        if changed and (out / "items.jsonl").exists():
            text = (out / "items.jsonl").read_text("utf-8")
            assert all(c in text for c in changed) or not any(c in text for c in changed)
        if child.exitcode == 0:
            return n - 1
        assert child.exitcode == -signal.SIGKILL, child.exitcode
    raise AssertionError("the run never finished")


def test_a_kill_at_any_write_step_leaves_one_generation(tmp_path: Path) -> None:
    src = _folder(tmp_path / "in")
    (src / "third.md").write_text(NOTE.replace("Kenya", "Chile"), "utf-8")
    out = tmp_path / "out"
    kills = _run_until_done(src, out, [])
    assert kills >= 10  # each document, each aggregate and the switch were a kill point
    reference = tmp_path / "reference"
    run_batch([src], reference, _options())
    assert (out / "items.jsonl").read_bytes() == (reference / "items.jsonl").read_bytes()
    # Two documents change: a kill anywhere shows all their new rows or none.
    for name in ("sub/kenya.md", "third.md"):
        path = src / name
        path.write_text(path.read_text("utf-8") + "- Adopt the generation plan\n", "utf-8")
    _run_until_done(src, out, ["Adopt the generation plan"])
    assert _rows(out) and sum("generation plan" in r["text"] for r in _rows(out)) == 2
    assert len(list((out / runs.GENERATIONS).iterdir())) <= 2
    assert not list(out.rglob(".*.tmp*"))


def test_an_old_output_folder_becomes_a_generation(tmp_path: Path) -> None:
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([src], out, _options())
    for name in runs.RUN_FILES:  # the layout before generations: plain files
        data = (out / name).read_bytes()
        (out / name).unlink()
        (out / name).write_bytes(data)
    (out / "current").unlink()
    again = run_batch([src], out, _options())
    assert again.counts["unchanged"] == 2
    assert all((out / n).is_symlink() for n in runs.RUN_FILES)
    _consistent(out)


# --------------------------------------------------------------------------- 8. smaller


def test_a_run_refused_for_the_lock_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, time\n"
            f"fh = open({str(out / runs.LOCK_FILE)!r}, 'ab')\n"
            "fcntl.lockf(fh, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(SystemExit) as refused:
            main(["run", str(src), "--out", str(out), "--jobs", "1"])
    finally:
        holder.kill()
        holder.wait()
    assert refused.value.code == 1
    assert "another `pipeline run`" in capsys.readouterr().err


def test_evaluate_with_an_empty_gold_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["evaluate", "--gold", str(tmp_path)])
    assert refused.value.code == 1
    assert "holds no gold files" in capsys.readouterr().err


def test_an_empty_folder_warns_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "empty"
    src.mkdir()
    main(["run", str(src), "--out", str(tmp_path / "out")])  # exit 0
    assert f"no input files found in {src}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_unchanged_lines_give_the_cached_item_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _folder(tmp_path / "in")
    run_batch([src], tmp_path / "out", _options())
    result = tmp_path / "out" / "documents" / output_name(src, src / "sub" / "kenya.md")
    count = len(json.loads(result.read_text("utf-8"))["items"])
    assert count > 0
    progress = Progress(verbose=True)
    run_batch([src], tmp_path / "out", _options(), progress.update)
    err = capsys.readouterr().err
    assert f"kenya.md: {count} items (cached)" in err


def test_a_memory_limit_is_reported_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = process.process_file

    def greedy(path, settings=None, timings=None):
        if Path(path).name == "peru.md":
            held = []
            with contextlib.suppress(OSError, MemoryError):
                while True:  # address space only: mappings that are never touched
                    held.append(mmap.mmap(-1, 64 << 20))
            raise SystemError("<built-in method> returned NULL without setting an exception")
        return real(path, settings, timings)

    monkeypatch.setattr(process, "process_file", greedy)  # workers are forked: they inherit it
    manifest = run_batch([_folder(tmp_path / "in")], tmp_path / "out", _options())
    record = {Path(r.path).name: r for r in manifest.inputs}["peru.md"]
    assert record.status == "failed" and record.error == "limit_exceeded"
    assert record.reason == "memory limit of 2048 MB exceeded; raise --memory-limit"


# --------------------------------------------------------------------------- 9. imports


def test_the_import_graph_of_the_pipeline_has_no_cycle() -> None:
    """Module-level imports between pipeline modules form no cycle (data flows one way;
    imports inside functions, kept for start-up time, do not count)."""
    modules = {}
    for path in (ROOT / "pipeline").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = graph.setdefault(name, set())
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    edges.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name.startswith("pipeline"))
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(name: str, stack: list[str]) -> None:
        state[name] = 1
        stack.append(name)
        for other in sorted(graph.get(name, ())):
            if other not in modules or other == name:
                continue
            if state.get(other) == 1:
                cycles.append([*stack[stack.index(other) :], other])
            elif other not in state:
                visit(other, stack)
        stack.pop()
        state[name] = 2

    for name in sorted(modules):
        if name not in state:
            visit(name, [])
    assert not cycles


def test_no_module_defines_a_top_level_name_twice() -> None:
    """A second `def` of a name replaces the first at import, silently: once a helper for
    future stems took the name of the action-verb test and every caller got the new one."""
    problems = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        seen: set[str] = set()
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name in seen:
                    problems.append(f"{path.name}: {node.name}")
                seen.add(node.name)
    assert not problems


def test_no_module_imports_another_modules_private_names() -> None:
    """No pipeline module imports or reaches a private name of another (`from pipeline.x
    import _y`, `x._y`), and the modules that read run folders meet the batch only in
    `pipeline.runs`."""
    problems = []
    readers = {"report.py", "review.py", "corrections.py", "progress.py", "review_cli.py"}
    modules = {p.stem for p in (ROOT / "pipeline").rglob("*.py")}
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
                and node.value.id != path.stem
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                problems.append(f"{path.name}: {node.value.id}.{node.attr}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline"):
                private = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
                if private:
                    problems.append(f"{path.name}: {node.module} {private}")
                if path.name in readers and node.module == "pipeline.batch":
                    problems.append(f"{path.name} imports pipeline.batch")
    assert not problems
