"""Batch runs: find documents, process each in its own worker, write every output.

- Discovery: files named and every file under folders named, recognised by content later.
- Incremental: a document's result in `documents/` is its cache; when its `document.id`
  (sha256 of the bytes), pipeline version and model version match the input, the document is
  `unchanged` and not processed again. The cache lives in the outputs themselves, so a run
  that was interrupted loses nothing it had finished.
- Isolation: each document runs in a forked worker process with a time limit and a memory
  limit; a timeout, a crash or a `PipelineError` is recorded and the batch goes on. With
  `executor="dask"` the documents run as tasks on a Dask cluster instead
  (`pipeline/executors.py`); their results come back here and are written the same way.
- Determinism: results are collected in input order whatever the number of jobs, so a
  parallel run writes the same files as a serial one.
"""

from __future__ import annotations

import contextlib
import ctypes
import fnmatch
import hashlib
import json
import multiprocessing
import os
import resource
import signal
import sqlite3
import sys
import time
import traceback
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from pipeline import __version__
from pipeline.config import Settings
from pipeline.errors import MEMORY_HINT, PipelineError, UnsupportedFormatError
from pipeline.fileio import path_text, write_text_atomic
from pipeline.groups import Groups, apply_groups, assign_groups
from pipeline.model_files import current_model_version
from pipeline.models import DocumentResult
from pipeline.runs import (
    AGGREGATES,
    DATABASE,
    LOCK_FILE,
    RESULT_DIR,
    RUN_FILES,
    STATUSES,
    InputRecord,
    Manifest,
    RunStopped,
    Status,
    cannot_write,
    carry_over,
    claim_output,
    copy_database,
    load_manifest,
    previous_runs,
    write_generation,
)

__all__ = [
    "LOCK_FILE",
    "RESULT_DIR",
    "RUN_FILES",
    "BatchOptions",
    "InputRecord",
    "Manifest",
    "SignalStop",
    "Status",
    "discover",
    "output_name",
    "run_batch",
    "run_local_jobs",
    "warm_up_workers",
]

WORKER_DOCUMENTS = 50  # documents a worker takes before it is replaced (bounds its memory)
_PR_SET_PDEATHSIG = 1
_PARENT_CHECK = 1.0  # seconds between a waiting worker's checks that its parent is alive


class SignalStop(BaseException):
    """Raised in the parent by the CLI's SIGTERM handler; `run_batch` ends as for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signum)


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
    include: list[str] = Field(
        default_factory=list, description="Globs: only files under folders matching one."
    )
    exclude: list[str] = Field(
        default_factory=list, description="Globs: files under folders matching one are left out."
    )
    follow_symlinks: bool = Field(
        default=False, description="Also read links (under folders) to files outside them."
    )
    executor: Literal["local", "dask"] = Field(
        default="local",
        description="Where documents are processed: local worker processes or a Dask cluster "
        "(pipeline/executors.py).",
    )
    scheduler: str | None = Field(
        default=None, description="Address of the Dask scheduler, e.g. tcp://10.0.0.5:8786."
    )
    dask_inputs: Literal["bytes", "shared"] = Field(
        default="bytes",
        description="Send each input's bytes to the Dask workers, or let them read it from "
        "its absolute path (a folder every worker sees at the same path).",
    )
    csv_bom: bool = Field(
        default=False,
        description="Start items.csv with a UTF-8 byte-order mark, so Excel opens it as UTF-8.",
    )


@dataclass
class Found:
    """A file found among the inputs: its input root, path, identity and, when it is not to
    be read, why."""

    root: Path
    path: Path
    key: str
    skip: str | None = None


@dataclass
class Job:
    """One document of a batch: its place in the input order, its path, its output name."""

    index: int
    path: Path
    output: str


def _matches(rel: Path, patterns: Sequence[str]) -> bool:
    text = rel.as_posix()
    return any(fnmatch.fnmatchcase(text, p) or fnmatch.fnmatchcase(rel.name, p) for p in patterns)


def _inside(path: Path, folder: Path | None) -> bool:
    return folder is not None and (path == folder or path.is_relative_to(folder))


def discover(
    inputs: Iterable[Path],
    out_dir: Path | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
) -> list[Found]:
    """Every input file, once: files named directly, and the files under folders named.

    Under a folder, hidden files and folders (`.name`), the output folder `out_dir`, files
    not matching an `include` glob or matching an `exclude` glob (on the path below the
    folder or on the name) are left out; a symbolic link to a file outside the folder is
    listed as skipped unless `follow_symlinks`. A file's `key` is its input folder, resolved,
    joined with its path below it: `/abs/in`, `in` and `./in/` give the same keys.
    """
    out_resolved = out_dir.resolve() if out_dir is not None else None
    found: list[Found] = []
    seen: set[str] = set()

    def add(entry: Found) -> None:
        if entry.key not in seen:
            seen.add(entry.key)
            found.append(entry)

    for root in inputs:
        root = Path(root)
        if root.is_dir():
            real_root = root.resolve()
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root)
                if any(p.startswith(".") for p in rel.parts) or not path.is_file():
                    continue
                if include and not _matches(rel, include):
                    continue
                if exclude and _matches(rel, exclude):
                    continue
                if _inside(real_root / rel, out_resolved):
                    continue
                key = path_text(real_root / rel)
                real = path.resolve()
                if _inside(real, out_resolved):
                    continue
                skip = None
                if not follow_symlinks and not real.is_relative_to(real_root):
                    skip = "it is a symbolic link to a file outside the input folder"
                add(Found(root, path, key, skip))
        else:
            add(Found(root.parent, root, path_text(root.parent.resolve() / root.name)))
    return found


def _safe_part(part: str) -> str:
    """Letters and digits of any script, `.`, `_` and `-` kept (NFC); everything else `_`."""
    part = unicodedata.normalize("NFC", part)
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in part)


def output_name(root: Path, path: Path) -> str:
    """A stable, safe file name for a document's result, derived from its path.

    `reports/2021/deck.pptx` -> `2021__deck.pptx.<hash>.json`; `Côte d'Ivoire.pdf` ->
    `Côte_d_Ivoire.pdf.<hash>.json`. Letters and digits (of any script), `.`, `_` and `-`
    survive; path separators, spaces, punctuation, control and shell characters become `_`,
    so no name can leave the output folder, and none starts with `.` or `-` (hidden, or
    read as an option by shell tools). A short hash of the full path keeps two inputs with
    the same relative name apart; the name stays under 255 bytes.
    """
    rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    safe = "__".join(_safe_part(part) for part in rel.parts).strip("._-") or "document"
    safe = safe[:150]
    while len(safe.encode("utf-8")) > 200:
        safe = safe[:-1]
    digest = hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:8]
    return f"{safe}.{digest}.json"


def model_version() -> str | None:
    """Version of the classification model the results depend on, if one is installed."""
    return current_model_version()


def _cached(out_dir: Path, job: Job, sha: str, versions: tuple[str, str | None]) -> int | None:
    """The item count of the document's cached result when it is current, else None."""
    path = out_dir / RESULT_DIR / job.output
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if (
        data.get("document", {}).get("id") == sha
        and (data.get("pipeline_version"), data.get("model_version")) == versions
    ):
        return len(data.get("items") or [])
    return None


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this worker when the process that forked it ends, however it ends
    (PR_SET_PDEATHSIG), and end now if that happened before the request took effect."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _worker(settings: Settings, memory_mb: int, conn: Connection, parent: int) -> None:
    """Child process: process the documents it is sent, one at a time, until told to stop.

    Each answer is ('ok', json, timings) or ('error', record). A worker lives for several
    documents so that the cost of starting one (its first touches of the shared models) is
    paid once, not per document; the parent kills it on a timeout and replaces it. It ends
    with its parent: by the kernel's parent-death signal, and by checking while it waits.
    Ctrl-C reaches the whole process group; the parent alone decides what it means.
    """
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from pipeline.process import process_file

    try:
        while True:
            while not conn.poll(_PARENT_CHECK):
                if os.getppid() != parent:
                    os._exit(1)
            path = conn.recv()
            if path is None:
                break
            conn.send(process_one(process_file, path, settings, memory_mb))
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def _near_memory_limit(memory_mb: int) -> bool:
    """True when this process's peak address space came within 10% of `memory_mb`."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024 >= 0.9 * memory_mb * 1024 * 1024
    except (OSError, ValueError):
        pass
    return False


def _memory_record(path: Path, memory_mb: int) -> dict[str, str]:
    return {
        "error": "limit_exceeded",
        "file": path_text(path),
        "reason": f"memory limit of {memory_mb} MB exceeded; raise --memory-limit",
        "hint": MEMORY_HINT,
    }


def process_one(
    process_file: Callable[..., DocumentResult], path: Path, settings: Settings, memory_mb: int
) -> tuple:
    """Process one document where a worker runs it (local process or Dask worker): the
    result as JSON with its timings, or an error record; never raises."""
    timings: dict[str, float] = {}
    try:
        result = process_file(path, settings, timings)
        return ("ok", result.model_dump_json(), timings)
    except PipelineError as exc:
        return ("error", {**exc.to_record(), "skip": isinstance(exc, UnsupportedFormatError)})
    except MemoryError:
        return ("error", _memory_record(path, memory_mb))
    except Exception as exc:  # a bug of ours: record it with its place, never lose the batch
        if isinstance(exc, SystemError) and _near_memory_limit(memory_mb):
            # A C extension that could not allocate often returns NULL without MemoryError.
            return ("error", _memory_record(path, memory_mb))
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


def limit_record(path: Path, what: str) -> dict[str, str]:
    """The error record of a document stopped by its time or memory limit."""
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


def warm_up_workers() -> None:
    """Load the shared vocabularies and models once, before workers fork and share them."""
    from pipeline.process import warm_up

    warm_up()


@dataclass
class _Slot:
    """A live worker process and the job it is on (None when idle)."""

    proc: multiprocessing.process.BaseProcess
    conn: Connection
    job: Job | None = None
    deadline: float = 0.0
    done: int = 0


def run_local_jobs(
    jobs: list[Job],
    options: BatchOptions,
    on_done: Callable[[Job, tuple], None],
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
            args=(options.settings, options.memory_limit_mb, child, os.getpid()),
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
                        limit_record(job.path, _death(slot.proc.exitcode, options)),
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
                        limit_record(job.path, f"it took longer than {options.timeout:g} s"),
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

    `progress(record, manifest, total)` is called as each document finishes. When no input
    file is found, nothing is written and the manifest returned has no inputs. An output
    that cannot be written raises `CannotWriteError`; Ctrl-C (or `SignalStop` from a signal
    handler) raises `RunStopped`; in both cases the previous aggregate outputs are kept.
    """
    options = options or BatchOptions()
    out_dir = Path(out_dir)
    started = time.perf_counter()
    manifest = Manifest(
        run_id=uuid.uuid4().hex,
        started=datetime.now(UTC).isoformat(),
        model_version=model_version(),
    )
    found = discover(inputs, out_dir, options.include, options.exclude, options.follow_symlinks)
    if not found:
        manifest.counts = {status: 0 for status in (*STATUSES, "items")}
        manifest.timings = {"total": round(time.perf_counter() - started, 3)}
        return manifest
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock = claim_output(out_dir)
    except OSError as exc:
        raise cannot_write(exc, out_dir) from None
    kept: set[int] = set()
    try:
        return _run(found, out_dir, options, progress, manifest, started, kept)
    except (KeyboardInterrupt, SignalStop) as exc:
        signum = exc.signum if isinstance(exc, SignalStop) else signal.SIGINT
        raise RunStopped(signum, len(kept)) from None
    except (OSError, sqlite3.Error) as exc:
        raise cannot_write(exc, out_dir) from None
    finally:
        lock.close()


def _run(
    found: list[Found],
    out_dir: Path,
    options: BatchOptions,
    progress: Callable[[InputRecord, Manifest, int], None] | None,
    manifest: Manifest,
    started: float,
    kept: set[int],
) -> Manifest:
    from pipeline import emit

    versions = (__version__, manifest.model_version)
    previous = load_manifest(out_dir)
    known_failures = _known_failures(previous, versions) if not options.force else {}
    total = len(found)
    records: list[InputRecord] = []
    jobs: list[Job] = []
    for index, entry in enumerate(found):
        name = output_name(entry.root, entry.path)
        record = InputRecord(
            path=path_text(entry.path),
            key=entry.key,
            status="processed",
            output=f"{RESULT_DIR}/{name}",
        )
        records.append(record)
        if entry.skip:
            record.status, record.output = "skipped", None
            record.error, record.reason = "symlink_outside", entry.skip
            record.hint = "Use --follow-symlinks to read it."
            _report(progress, record, manifest, total)
            continue
        record.sha256 = _sha256(entry.path)
        job = Job(index, entry.path, name)
        failure = known_failures.get((entry.key, record.sha256))
        cached = None
        if failure is None and not options.force and record.sha256:
            cached = _cached(out_dir, job, record.sha256, versions)
        if failure is not None:
            records[index] = record = failure.model_copy(
                update={"seconds": 0.0, "path": record.path, "key": entry.key}
            )
            _report(progress, record, manifest, total)
        elif cached is not None:
            record.status, record.items = "unchanged", cached
            kept.add(index)
            _report(progress, record, manifest, total)
        else:
            jobs.append(job)

    def done(job: Job, message: tuple) -> None:
        record = records[job.index]
        if message[0] == "ok":
            result = DocumentResult.model_validate_json(message[1])
            write_text_atomic(out_dir / RESULT_DIR / job.output, result.model_dump_json(indent=2))
            kept.add(job.index)
            record.items = len(result.items)
            record.timings = {k: round(v, 4) for k, v in message[2].items()}
            record.seconds = round(sum(message[2].values()), 3)
        else:
            info = message[1]
            record.status = "skipped" if info.get("skip") else "failed"
            record.output = None
            record.error, record.reason, record.hint = info["error"], info["reason"], info["hint"]
        _report(progress, record, manifest, total)

    if jobs:
        from pipeline.executors import executor_for

        executor_for(options).run(jobs, options, done)
    manifest.inputs = records
    obsolete = _account_removed(previous, manifest, options.prune)
    manifest.corrections_sha256 = _sha256(options.corrections) if options.corrections else None
    manifest.csv_bom = options.csv_bom
    if not jobs and _nothing_changed(out_dir, previous, manifest):
        assert previous is not None
        result = _finish_unchanged(out_dir, previous, manifest, started)
    else:

        def fill(gen: Path) -> Manifest:
            manifest.generation = gen.name
            runs = [*previous_runs(out_dir), manifest.model_dump(exclude={"inputs"})]
            # Two passes over the results (one at a time, memory stays flat): the groups of
            # renditions need every document of the run, then each result is written.
            sources: list[str] = []
            groups = assign_groups(
                _collect_sources(_stream_results(out_dir, manifest, options.corrections), sources)
            )
            results = _stream_results(out_dir, manifest, options.corrections, groups)
            manifest.counts["items"] = emit.write_outputs(
                gen, results, runs[-50:], csv_bom=options.csv_bom
            )
            manifest.counts["rejected"] = _rejected(options.corrections, sources)
            _count(manifest)
            emit.write_schema(gen / "schema.json")
            for stage in ("parse", "segment", "extract", "classify"):
                manifest.timings[stage] = round(
                    sum(r.timings.get(stage, 0.0) for r in manifest.inputs), 3
                )
            manifest.timings["total"] = round(time.perf_counter() - started, 3)
            # The run's row was written before its counts were known: complete it.
            emit.record_run(gen / DATABASE, manifest.model_dump(exclude={"inputs"}))
            return manifest

        result = write_generation(out_dir, fill)
    # Pruned results are deleted once the manifest that no longer names them is current.
    for output in obsolete:
        (out_dir / output).unlink(missing_ok=True)
    return result


def _count(manifest: Manifest) -> None:
    manifest.finished = datetime.now(UTC).isoformat()
    for status in STATUSES:
        manifest.counts[status] = sum(r.status == status for r in manifest.inputs)


def _report(progress, record: InputRecord, manifest: Manifest, total: int) -> None:
    if progress:
        progress(record, manifest, total)


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
    if previous.csv_bom != manifest.csv_bom:
        return False

    def outcome(records: list[InputRecord]) -> set[tuple[str, str | None, str | None, str]]:
        done = {"processed": "ok", "unchanged": "ok"}
        return {(r.identity(), r.sha256, r.output, done.get(r.status, r.status)) for r in records}

    return outcome(previous.inputs) == outcome(manifest.inputs)


def _finish_unchanged(
    out_dir: Path, previous: Manifest, manifest: Manifest, started: float
) -> Manifest:
    """Nothing changed: a new generation shares the aggregate files of the current one, with
    this run added to the database's `runs`, and this run's manifest."""
    from pipeline import emit

    counts = {r.identity(): r.items for r in previous.inputs}
    for record in manifest.inputs:
        record.items = counts.get(record.identity(), record.items)

    def fill(gen: Path) -> Manifest:
        manifest.generation = gen.name
        carry_over(out_dir, gen, tuple(name for name in AGGREGATES if name != DATABASE))
        database = copy_database(out_dir, gen)
        _count(manifest)
        manifest.counts["items"] = previous.counts.get("items", 0)
        manifest.counts["rejected"] = previous.counts.get("rejected", 0)
        manifest.timings = {"total": round(time.perf_counter() - started, 3)}
        emit.record_run(database, manifest.model_dump(exclude={"inputs"}))
        return manifest

    return write_generation(out_dir, fill)


def _known_failures(
    previous: Manifest | None, versions: tuple[str, str | None]
) -> dict[tuple[str, str | None], InputRecord]:
    """Files that failed or were skipped last time with the same bytes and versions: they
    would fail again, so their record is reused. A limit (time, memory) is retried, since
    the limits may have been raised; `--force` retries everything; a skipped link is looked
    at again (`--follow-symlinks` may be given now)."""
    if previous is None or (previous.pipeline_version, previous.model_version) != versions:
        return {}
    return {
        (r.identity(), r.sha256): r
        for r in previous.inputs
        if r.status in ("failed", "skipped")
        and r.sha256
        and r.error not in ("limit_exceeded", "symlink_outside")
    }


def _account_removed(previous: Manifest | None, manifest: Manifest, prune: bool) -> list[str]:
    """Inputs of the previous run that are gone now: report them as `removed`, or with
    `prune` as `pruned`; return the result files to delete (those no live input uses)."""
    if previous is None:
        return []
    current = {r.identity() for r in manifest.inputs}
    live = {r.output for r in manifest.inputs if r.output}
    obsolete: list[str] = []
    for old in previous.inputs:
        if old.identity() in current:
            if old.output and old.output not in live and old.status != "pruned":
                obsolete.append(old.output)  # the same input, its result now named otherwise
            continue
        if not old.output or old.status in ("pruned", "failed", "skipped"):
            continue
        if prune:
            if old.output not in live:
                obsolete.append(old.output)
            manifest.inputs.append(
                InputRecord(path=old.path, key=old.key, status="pruned", sha256=old.sha256)
            )
        else:
            manifest.inputs.append(old.model_copy(update={"status": "removed"}))
            current.add(old.identity())
    return obsolete


def _collect_sources(
    results: Iterable[DocumentResult], sources: list[str]
) -> Iterator[DocumentResult]:
    for result in results:
        sources.append(result.document.source)
        yield result


def _rejected(corrections_path: Path | None, sources: list[str]) -> int:
    """Stored "not an item" corrections for the run's documents (those items are dropped)."""
    if corrections_path is None:
        return 0
    from pipeline.corrections import load_corrections, rejected_count

    return rejected_count(load_corrections(corrections_path), sources)


def _stream_results(
    out_dir: Path, manifest: Manifest, corrections_path: Path | None, groups: Groups | None = None
) -> Iterator[DocumentResult]:
    """The results of the run in input order, read one at a time (memory stays flat), with
    stored corrections applied and, when given, the run's `groups` of renditions (both
    written back to the document's result when they change it); each record's item count is
    updated on the way. A result file is read once."""
    index = None
    if corrections_path is not None:
        from pipeline.corrections import CorrectionIndex, apply_corrections, load_corrections

        index = CorrectionIndex(load_corrections(corrections_path))
    read: set[str] = set()
    for record in manifest.inputs:
        if not record.output or record.status not in ("processed", "unchanged", "removed"):
            continue
        if record.output in read:
            continue
        read.add(record.output)
        path = out_dir / record.output
        try:
            result = DocumentResult.model_validate_json(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        fixed = result
        if index is not None:
            fixed = apply_corrections(fixed, index)
        if groups is not None:
            fixed = apply_groups(fixed, groups)
        if fixed != result:
            write_text_atomic(path, fixed.model_dump_json(indent=2))
            result = fixed
        if record.status in ("processed", "unchanged"):
            record.items = len(result.items)
        yield result
