"""Batch runs: find documents, process each in its own worker, write every output.

- Discovery: files named and every file under folders named, recognised by content later.
- Incremental: a document's result in `documents/` is its cache; when its `document.id`
  (sha256 of the bytes), pipeline version and model version match the input, the document is
  `unchanged` and not processed again. The cache lives in the outputs themselves, so a run
  that was interrupted loses nothing it had finished.
- Isolation: each document runs in a forked worker process with a time limit and a memory
  limit; a timeout, a crash or a `PipelineError` is recorded and the batch goes on.
- Determinism: results are collected in input order whatever the number of jobs, so a
  parallel run writes the same files as a serial one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import multiprocessing
import os
import resource
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, Literal

from pydantic import BaseModel, Field

from pipeline import __version__
from pipeline.config import Settings
from pipeline.errors import PipelineError, UnsupportedFormatError, UsageError
from pipeline.fileio import path_text, remove_temp_files, write_text_atomic
from pipeline.model_files import current_model_version
from pipeline.models import SCHEMA_VERSION, DocumentResult

Status = Literal["processed", "unchanged", "skipped", "failed", "removed", "pruned"]
RESULT_DIR = "documents"
WORKER_DOCUMENTS = 50  # documents a worker takes before it is replaced (bounds its memory)
LOCK_FILE = ".pipeline-run.lock"
# The files a run writes in the output folder (temporary copies of them are `.<name>.*.tmp`).
RUN_FILES = ("items.jsonl", "items.csv", "schema.json", "priorities.sqlite", "manifest.json")


class BatchOptions(BaseModel):
    """How a batch runs; the CLI fills it from its options."""

    jobs: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    timeout: float = Field(default=120.0, gt=0, description="Seconds per document.")
    memory_limit_mb: int = Field(default=2048, ge=64, description="Address space per worker.")
    force: bool = False
    prune: bool = False
    corrections: Path | None = Field(
        default=None, description="Analysts' corrections (JSONL) applied to every output."
    )
    settings: Settings = Field(default_factory=Settings)


class InputRecord(BaseModel):
    path: str
    status: Status
    sha256: str | None = None
    output: str | None = None
    items: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = Field(default_factory=dict)
    error: str | None = None
    reason: str | None = None
    hint: str | None = None


class Manifest(BaseModel):
    run_id: str
    started: str
    finished: str | None = None
    pipeline_version: str = __version__
    schema_version: str = SCHEMA_VERSION
    model_version: str | None = None
    inputs: list[InputRecord] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)
    corrections_sha256: str | None = None


@dataclass
class _Job:
    index: int
    path: Path
    output: str


def discover(inputs: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(root, file) pairs: files named directly, and every non-hidden file under folders."""
    found: list[tuple[Path, Path]] = []
    for root in inputs:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root).parts
                if path.is_file() and not any(p.startswith(".") for p in rel):
                    found.append((root, path))
        else:
            found.append((root.parent, root))
    return found


def output_name(root: Path, path: Path) -> str:
    """A stable, safe file name for a document's result, derived from its path.

    `reports/2021/deck.pptx` -> `2021__deck.pptx.json`. Only letters, digits, `.`, `_`
    and `-` survive, so no name can leave the output folder, and none starts with `.` or
    `-` (hidden, or read as an option by shell tools); a short hash of the full path keeps
    two inputs with the same relative name apart.
    """
    rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    safe = (
        "__".join(
            "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in part)
            for part in rel.parts
        ).strip("._-")
        or "document"
    )
    digest = hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:8]
    return f"{safe[:150]}.{digest}.json"


def model_version() -> str | None:
    """Version of the classification model the results depend on, if one is installed."""
    return current_model_version()


def _cached(out_dir: Path, job: _Job, sha: str, versions: tuple[str, str | None]) -> bool:
    path = out_dir / RESULT_DIR / job.output
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return (
        data.get("document", {}).get("id") == sha
        and (data.get("pipeline_version"), data.get("model_version")) == versions
    )


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _worker(settings: Settings, memory_mb: int, conn: Connection) -> None:
    """Child process: process the documents it is sent, one at a time, until told to stop.

    Each answer is ('ok', json, timings) or ('error', record). A worker lives for several
    documents so that the cost of starting one (its first touches of the shared models) is
    paid once, not per document; the parent kills it on a timeout and replaces it.
    """
    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from pipeline.process import process_file

    try:
        while (path := conn.recv()) is not None:
            conn.send(_process_one(process_file, path, settings, memory_mb))
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def _process_one(
    process_file: Callable[..., DocumentResult], path: Path, settings: Settings, memory_mb: int
) -> tuple:
    timings: dict[str, float] = {}
    try:
        result = process_file(path, settings, timings)
        return ("ok", result.model_dump_json(), timings)
    except PipelineError as exc:
        return ("error", {**exc.to_record(), "skip": isinstance(exc, UnsupportedFormatError)})
    except MemoryError:
        return ("error", _limit_record(path, f"it needed more than {memory_mb} MB of memory"))
    except Exception as exc:  # a bug of ours: record it with its place, never lose the batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return (
            "error",
            {
                "error": "internal",
                "file": path_text(path),
                "reason": f"internal error {type(exc).__name__}: {exc} "
                f"({Path(where.filename).name}:{where.lineno})",
                "hint": "Please report this file to the pipeline's maintainers.",
            },
        )


def _limit_record(path: Path, what: str) -> dict[str, str]:
    return {
        "error": "limit_exceeded",
        "file": str(path),
        "reason": f"processing was stopped: {what}",
        "hint": "Split the file, or raise the limit (--timeout, --memory-limit) if it is trusted.",
    }


def _death(code: int | None, options: BatchOptions) -> str:
    """Why a worker ended without a result: killed by a signal or exited (exit code)."""
    if code is not None and code < 0:
        # Python aborts (SIGABRT) when it cannot even raise MemoryError; the kernel's OOM
        # killer sends SIGKILL: both usually mean the memory limit was reached.
        return (
            f"the worker died (signal {-code}), most likely at its memory limit of "
            f"{options.memory_limit_mb} MB"
        )
    return f"the worker died (exit {code})"


def _warm_up() -> None:
    """Load the shared vocabularies and models once, before workers fork and share them."""
    from pipeline.process import warm_up

    warm_up()


@dataclass
class _Slot:
    """A live worker process and the job it is on (None when idle)."""

    proc: multiprocessing.process.BaseProcess
    conn: Connection
    job: _Job | None = None
    deadline: float = 0.0
    done: int = 0


def _run_jobs(
    jobs: list[_Job],
    options: BatchOptions,
    on_done: Callable[[_Job, tuple], None],
) -> None:
    """Run the jobs on at most `options.jobs` forked workers, each job with a time limit.

    A worker that times out is killed and replaced; one that dies is recorded and replaced;
    each is retired after `WORKER_DOCUMENTS` documents so that its memory cannot build up.
    """
    ctx = multiprocessing.get_context("fork")
    pending = list(jobs)
    slots: list[_Slot] = []

    def spawn() -> _Slot:
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(
            target=_worker,
            args=(options.settings, options.memory_limit_mb, child),
            daemon=True,
        )
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def retire(slot: _Slot, kill: bool) -> None:
        if kill:
            slot.proc.kill()
        else:
            with contextlib.suppress(OSError):
                slot.conn.send(None)
        slot.proc.join(5)
        if slot.proc.is_alive():
            slot.proc.kill()
            slot.proc.join(5)
        slot.conn.close()
        slots.remove(slot)

    try:
        while pending or any(s.job for s in slots):
            while pending and (len(slots) < options.jobs or any(s.job is None for s in slots)):
                slot = next((s for s in slots if s.job is None), None) or spawn()
                if slot not in slots:
                    slots.append(slot)
                slot.job = pending.pop(0)
                slot.deadline = time.monotonic() + options.timeout
                slot.conn.send(slot.job.path)
            busy = [s for s in slots if s.job is not None]
            deadline = min(s.deadline for s in busy)
            ready = wait([s.conn for s in busy], timeout=max(0.0, deadline - time.monotonic()))
            for slot in [s for s in busy if s.conn in ready]:
                job = slot.job
                assert job is not None
                try:
                    message = slot.conn.recv()
                except (EOFError, OSError):
                    slot.proc.join(5)
                    message = (
                        "error",
                        _limit_record(job.path, _death(slot.proc.exitcode, options)),
                    )
                    slot.job = None
                    retire(slot, kill=True)
                    on_done(job, message)
                    continue
                slot.job, slot.done = None, slot.done + 1
                if slot.done >= WORKER_DOCUMENTS:
                    retire(slot, kill=False)
                on_done(job, message)
            now = time.monotonic()
            for slot in [s for s in slots if s.job is not None and now >= s.deadline]:
                job = slot.job
                assert job is not None
                retire(slot, kill=True)
                on_done(
                    job,
                    (
                        "error",
                        _limit_record(job.path, f"it took longer than {options.timeout:g} s"),
                    ),
                )
    finally:
        for slot in list(slots):
            retire(slot, kill=slot.job is not None)


def run_batch(
    inputs: Iterable[Path],
    out_dir: Path,
    options: BatchOptions | None = None,
    progress: Callable[[InputRecord, Manifest, int], None] | None = None,
) -> Manifest:
    """Process every document under `inputs` into `out_dir` and write all outputs.

    `progress(record, manifest, total)` is called as each document finishes.
    """
    from pipeline import emit

    options = options or BatchOptions()
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = _claim_output(out_dir)
    manifest = Manifest(
        run_id=uuid.uuid4().hex,
        started=datetime.now(UTC).isoformat(),
        model_version=model_version(),
    )
    versions = (__version__, manifest.model_version)
    found = discover(inputs)
    previous = _previous_manifest(out_dir)
    known_failures = _known_failures(previous, versions) if not options.force else {}
    records = [InputRecord(path=path_text(p), status="processed") for _, p in found]
    jobs: list[_Job] = []
    for index, (root, path) in enumerate(found):
        record = records[index]
        record.output = f"{RESULT_DIR}/{output_name(root, path)}"
        record.sha256 = _sha256(path)
        job = _Job(index, path, output_name(root, path))
        failure = known_failures.get((path_text(path), record.sha256))
        if failure is not None:
            records[index] = record = failure.model_copy(update={"seconds": 0.0})
            _report(progress, record, manifest, len(found))
        elif not options.force and record.sha256 and _cached(out_dir, job, record.sha256, versions):
            record.status = "unchanged"
            _report(progress, record, manifest, len(found))
        else:
            jobs.append(job)

    def done(job: _Job, message: tuple) -> None:
        record = records[job.index]
        if message[0] == "ok":
            result = DocumentResult.model_validate_json(message[1])
            emit_result = out_dir / RESULT_DIR / job.output
            write_text_atomic(emit_result, result.model_dump_json(indent=2))
            record.items = len(result.items)
            record.timings = {k: round(v, 4) for k, v in message[2].items()}
            record.seconds = round(sum(message[2].values()), 3)
        else:
            info = message[1]
            record.status = "skipped" if info.get("skip") else "failed"
            record.output = None
            record.error, record.reason, record.hint = info["error"], info["reason"], info["hint"]
        _report(progress, record, manifest, len(found))

    if jobs:
        _warm_up()
        _run_jobs(jobs, options, done)
    manifest.inputs = records
    _account_removed(out_dir, previous, manifest, options.prune)
    manifest.corrections_sha256 = _sha256(options.corrections) if options.corrections else None
    if not jobs and _nothing_changed(out_dir, previous, manifest):
        return _finish_unchanged(out_dir, previous, manifest, started, lock)
    runs = [*_previous_runs(out_dir), manifest.model_dump(exclude={"inputs"})]
    results = _stream_results(out_dir, manifest, options.corrections)
    manifest.counts["items"] = emit.write_outputs(out_dir, results, runs[-50:])
    manifest.finished = datetime.now(UTC).isoformat()
    for status in ("processed", "unchanged", "skipped", "failed", "removed", "pruned"):
        manifest.counts[status] = sum(r.status == status for r in manifest.inputs)
    emit.write_schema(out_dir / "schema.json")
    for stage in ("parse", "segment", "extract", "classify"):
        manifest.timings[stage] = round(sum(r.timings.get(stage, 0.0) for r in manifest.inputs), 3)
    manifest.timings["total"] = round(time.perf_counter() - started, 3)
    # The run's row was written before its counts were known: complete it.
    emit.record_run(out_dir / "priorities.sqlite", manifest.model_dump(exclude={"inputs"}))
    write_text_atomic(out_dir / "manifest.json", manifest.model_dump_json(indent=2))
    lock.close()
    return manifest


def _claim_output(out_dir: Path) -> IO[bytes]:
    """Lock `out_dir` for this run, then delete temporary files left by a killed run.

    The lock is a POSIX record lock (`lockf`) on `.pipeline-run.lock`: the kernel releases it
    when this process ends, however it ends (even SIGKILL), and forked workers do not
    inherit it. Holding it, every `.<name>.*.tmp` of the run's own files is a leftover of a
    run that died between writing a temporary file and renaming it, never a file still
    being written, so it is safe to delete.
    """
    fh = (out_dir / LOCK_FILE).open("ab")
    try:
        fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise UsageError(
            out_dir,
            "another `pipeline run` is writing to this output folder",
            "Wait for it to finish, or choose another folder with --out.",
        ) from None
    for name in RUN_FILES:
        remove_temp_files(out_dir, name)
    remove_temp_files(out_dir / RESULT_DIR)
    return fh


def _report(progress, record: InputRecord, manifest: Manifest, total: int) -> None:
    if progress:
        progress(record, manifest, total)


AGGREGATES = ("items.jsonl", "items.csv", "schema.json", "priorities.sqlite")


def _nothing_changed(out_dir: Path, previous: Manifest | None, manifest: Manifest) -> bool:
    """True when this run would rewrite every aggregate output with the same content: the
    same inputs with the same bytes and outcomes, versions and corrections as last time."""
    if previous is None or any(not (out_dir / name).is_file() for name in AGGREGATES):
        return False
    same_versions = (previous.pipeline_version, previous.model_version) == (
        manifest.pipeline_version,
        manifest.model_version,
    )
    if not same_versions or previous.corrections_sha256 != manifest.corrections_sha256:
        return False

    def outcome(records: list[InputRecord]) -> set[tuple[str, str | None, str]]:
        done = {"processed": "ok", "unchanged": "ok"}
        return {(r.path, r.sha256, done.get(r.status, r.status)) for r in records}

    return outcome(previous.inputs) == outcome(manifest.inputs)


def _finish_unchanged(
    out_dir: Path, previous: Manifest, manifest: Manifest, started: float, lock: IO[bytes]
) -> Manifest:
    """Nothing changed: keep the aggregate outputs, record the run, write the manifest."""
    from pipeline import emit

    counts = {r.path: r.items for r in previous.inputs}
    for record in manifest.inputs:
        record.items = counts.get(record.path, record.items)
    manifest.finished = datetime.now(UTC).isoformat()
    for status in ("processed", "unchanged", "skipped", "failed", "removed", "pruned"):
        manifest.counts[status] = sum(r.status == status for r in manifest.inputs)
    manifest.counts["items"] = previous.counts.get("items", 0)
    emit.record_run(out_dir / "priorities.sqlite", manifest.model_dump(exclude={"inputs"}))
    manifest.timings = {"total": round(time.perf_counter() - started, 3)}
    write_text_atomic(out_dir / "manifest.json", manifest.model_dump_json(indent=2))
    lock.close()
    return manifest


def _previous_manifest(out_dir: Path) -> Manifest | None:
    try:
        return Manifest.model_validate_json((out_dir / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _known_failures(
    previous: Manifest | None, versions: tuple[str, str | None]
) -> dict[tuple[str, str | None], InputRecord]:
    """Files that failed or were skipped last time with the same bytes and versions: they
    would fail again, so their record is reused. A limit (time, memory) is retried, since
    the limits may have been raised; `--force` retries everything."""
    if previous is None or (previous.pipeline_version, previous.model_version) != versions:
        return {}
    return {
        (r.path, r.sha256): r
        for r in previous.inputs
        if r.status in ("failed", "skipped") and r.sha256 and r.error != "limit_exceeded"
    }


def _account_removed(
    out_dir: Path, previous: Manifest | None, manifest: Manifest, prune: bool
) -> None:
    """Inputs of the previous run that are gone now: report them, and with `prune` delete."""
    if previous is None:
        return
    current = {r.path for r in manifest.inputs}
    for old in previous.inputs:
        if old.path in current or not old.output or old.status in ("pruned", "failed", "skipped"):
            continue
        if prune:
            (out_dir / old.output).unlink(missing_ok=True)
            manifest.inputs.append(InputRecord(path=old.path, status="pruned", sha256=old.sha256))
        else:
            manifest.inputs.append(old.model_copy(update={"status": "removed"}))


def _stream_results(
    out_dir: Path, manifest: Manifest, corrections_path: Path | None
) -> Iterator[DocumentResult]:
    """The results of the run in input order, read one at a time (memory stays flat), with
    stored corrections applied (and written back to the document's result when they change
    it); each record's item count is updated on the way."""
    index = None
    if corrections_path is not None:
        from pipeline.corrections import CorrectionIndex, apply_corrections, load_corrections

        index = CorrectionIndex(load_corrections(corrections_path))
    for record in manifest.inputs:
        if not record.output or record.status not in ("processed", "unchanged", "removed"):
            continue
        path = out_dir / record.output
        try:
            result = DocumentResult.model_validate_json(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if index is not None:
            fixed = apply_corrections(result, index)
            if fixed != result:
                write_text_atomic(path, fixed.model_dump_json(indent=2))
                result = fixed
        if record.status in ("processed", "unchanged"):
            record.items = len(result.items)
        yield result


def _previous_runs(out_dir: Path) -> list[dict]:
    import sqlite3

    db = out_dir / "priorities.sqlite"
    if not db.exists():
        return []
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT manifest FROM runs ORDER BY started").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return []
    return [json.loads(r[0]) for r in rows]
