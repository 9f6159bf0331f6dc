"""The run folder as a contract: what `pipeline run` writes and every reader may rely on.

A run folder (`pipeline run --out DIR`) holds:

- `documents/<name>.json`: one result per input document (the cache of later runs);
- `generations/<id>/`: the aggregate files of one run, written together (`items.jsonl`,
  `items.csv`, `priorities.sqlite`, `items.parquet`, `item_labels.parquet`,
  `items.schema.json`, `metadata.json`, `schema.json`, `manifest.json`);
- `current`: a symbolic link to the generation that is complete and current; it is switched
  with one atomic rename, so the aggregates a reader sees always come from one run;
- `items.jsonl`, `items.csv`, `priorities.sqlite`, …, `manifest.json`: links to
  `current/<name>`, the names people and dashboards open;
- `.pipeline-run.lock`: the lock a run holds while it writes.

This module owns that layout: the manifest and input-record models, loading a run and its
previous runs, the lock, and publishing a new generation. `batch` (which writes runs),
`report`, `review` and `corrections` (which read and rewrite them) use only what is here.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Literal

from pydantic import BaseModel, Field

from pipeline import __version__
from pipeline.errors import PipelineError, UsageError
from pipeline.fileio import crash_point, path_text, remove_temp_files, write_text_atomic
from pipeline.models import SCHEMA_VERSION, DocumentResult

Status = Literal["processed", "unchanged", "skipped", "failed", "removed", "pruned"]
STATUSES: tuple[Status, ...] = ("processed", "unchanged", "skipped", "failed", "removed", "pruned")
RESULT_DIR = "documents"
LOCK_FILE = ".pipeline-run.lock"
GENERATIONS = "generations"
CURRENT = "current"
MANIFEST = "manifest.json"
DATABASE = "priorities.sqlite"
# The aggregate files of a run, in one generation; the manifest is written last.
AGGREGATES = (
    "items.jsonl",
    "items.csv",
    DATABASE,
    "items.parquet",
    "item_labels.parquet",
    "items.schema.json",
    "metadata.json",
    "schema.json",
)
RUN_FILES = (*AGGREGATES, MANIFEST)
_LOADED = ("processed", "unchanged", "removed")


class InputRecord(BaseModel):
    path: str
    status: Status
    key: str | None = Field(
        default=None,
        description="Identity of the input across runs: its input folder, resolved, joined "
        "with its path below that folder (the same however the folder was named).",
    )
    sha256: str | None = None
    output: str | None = None
    items: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = Field(default_factory=dict)
    error: str | None = None
    reason: str | None = None
    hint: str | None = None

    def identity(self) -> str:
        """`key`, or for a record written before keys existed, its path made absolute."""
        if self.key:
            return self.key
        path = Path(self.path)
        with contextlib.suppress(OSError, RuntimeError):
            return path_text(path.parent.resolve() / path.name)
        return self.path


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
    generation: str | None = Field(
        default=None, description="The generation folder that holds this run's aggregates."
    )
    csv_bom: bool = Field(
        default=False, description="items.csv starts with a UTF-8 byte-order mark (--csv-bom)."
    )


# ----------------------------------------------------------------------------- errors


class RunNotFoundError(PipelineError):
    """A folder that holds no run outputs."""

    code = "not_a_run"
    hint = "Give the --out folder of `pipeline run` (it holds documents/ and manifest.json)."


class CannotWriteError(PipelineError):
    """An output could not be written (disk full, read-only folder, no permission)."""

    code = "cannot_write"
    hint = "Free some space or choose a folder you can write to (--out); nothing was lost."

    @property
    def message(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


def cannot_write(exc: BaseException, fallback: str | Path) -> CannotWriteError:
    """The `CannotWriteError` for an `OSError` or SQLite error met while writing outputs."""
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else fallback
        reason = exc.strerror or str(exc) or type(exc).__name__
    else:
        where, reason = fallback, str(exc) or type(exc).__name__
    return CannotWriteError(os.fsdecode(where) if isinstance(where, bytes) else where, reason)


class RunStopped(Exception):
    """A run stopped by a signal; `kept` documents finished and are kept for the next run."""

    def __init__(self, signum: int, kept: int) -> None:
        self.signum, self.kept = signum, kept
        super().__init__(f"stopped: {kept} documents kept; run again to finish")


# ----------------------------------------------------------------------------- reading


def load_manifest(out_dir: Path) -> Manifest | None:
    """The manifest of the current generation, or None when there is none (or it is broken)."""
    try:
        return Manifest.model_validate_json((Path(out_dir) / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def previous_runs(out_dir: Path) -> list[dict]:
    """The `runs` table of the current database: every earlier run's summary, oldest first."""
    db = Path(out_dir) / DATABASE
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


@dataclass
class Run:
    """A run's outputs: its manifest (if any) and its results in input order."""

    dir: Path
    manifest: Manifest | None
    results: list[tuple[str, DocumentResult]] = field(default_factory=list)

    def source_path(self, result: DocumentResult) -> Path | None:
        """The file `result` was made from, when it is still there with the same bytes: the
        path the result names, else the paths the manifest recorded for the same content."""
        hints: list[str] = []
        if self.manifest is not None:
            for record in self.manifest.inputs:
                if record.sha256 == result.document.id:
                    hints.extend(p for p in (record.path, record.key) if p)
        for candidate in (result.document.source, *hints):
            path = Path(candidate)
            try:
                if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == (
                    result.document.id
                ):
                    return path
            except OSError:
                continue
        return None


def load_run(run_dir: str | Path) -> Run:
    """Read a run folder written by `run_batch`: the manifest and every document result."""
    run_dir = Path(run_dir)
    docs = run_dir / RESULT_DIR
    if not docs.is_dir() and not (run_dir / MANIFEST).is_file():
        raise RunNotFoundError(run_dir, f"has no {RESULT_DIR}/ folder of results")
    manifest = None
    if (run_dir / MANIFEST).is_file():
        try:
            manifest = Manifest.model_validate_json((run_dir / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            path = run_dir / MANIFEST
            raise RunNotFoundError(path, f"is not a run manifest ({exc})") from exc
    if manifest is not None:
        outputs = [r.output for r in manifest.inputs if r.output and r.status in _LOADED]
    else:
        outputs = [f"{RESULT_DIR}/{p.name}" for p in sorted(docs.glob("*.json"))]
    run = Run(run_dir, manifest)
    for output in dict.fromkeys(outputs):
        path = run_dir / output
        if not path.is_file():
            continue
        try:
            run.results.append(
                (output, DocumentResult.model_validate_json(path.read_text("utf-8")))
            )
        except (OSError, ValueError) as exc:
            raise RunNotFoundError(path, f"is not a document result ({exc})") from exc
    return run


# ----------------------------------------------------------------------------- the lock


def claim_output(out_dir: Path) -> IO[bytes]:
    """Lock `out_dir` for this process, then clear what a killed run left behind.

    The lock is a POSIX record lock (`lockf`) on `.pipeline-run.lock`: the kernel releases it
    when this process ends, however it ends (even SIGKILL), and forked workers do not
    inherit it. Holding it, every `.<name>.*.tmp` of the run's own files is a leftover of a
    run that died between writing a temporary file and renaming it, never a file still
    being written, so it is safe to delete; so is a generation that was never completed.
    An output folder of the older layout (aggregate files in the folder itself) is moved
    into a first generation here, without changing what a reader sees at any moment.
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
    for name in (*RUN_FILES, CURRENT):
        remove_temp_files(out_dir, name)
    remove_temp_files(out_dir / RESULT_DIR)
    _adopt_old_layout(out_dir)
    current = current_generation(out_dir)
    for gen in _generations(out_dir):
        if gen != current and not (gen / MANIFEST).is_file():
            shutil.rmtree(gen, ignore_errors=True)
    return fh


# ----------------------------------------------------------------------------- generations


def current_generation(out_dir: Path) -> Path | None:
    """The folder `current` points to, or None."""
    link = Path(out_dir) / CURRENT
    if not link.is_symlink():
        return None
    target = link.parent / os.readlink(link)
    return target if target.is_dir() else None


def _generations(out_dir: Path) -> list[Path]:
    folder = Path(out_dir) / GENERATIONS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())


def new_generation(out_dir: Path) -> Path:
    """A new, empty generation folder (not visible to readers until `publish_generation`)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    gen = Path(out_dir) / GENERATIONS / f"{stamp}-{uuid.uuid4().hex[:8]}"
    gen.mkdir(parents=True)
    return gen


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _link_atomic(link: Path, target: str) -> None:
    """Make `link` a symbolic link to `target` with one rename (never absent meanwhile)."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    tmp = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.tmp")
    os.symlink(target, tmp)
    try:
        crash_point()
        os.replace(tmp, link)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    crash_point()


def publish_generation(out_dir: Path, gen: Path) -> None:
    """Make the complete generation `gen` the current one, in one atomic step.

    Its files are flushed first; then `current` is switched by a rename, so a reader, or a
    crash at any moment, sees either every aggregate of the old generation or every one of
    the new. The folder's `items.jsonl`, … links point into `current/` and never change
    once made. The generation that was current stays one run longer (a reader may be in
    it); older ones are deleted.
    """
    out_dir = Path(out_dir)
    _fsync_dir(gen)
    previous = current_generation(out_dir)
    # The links are made first: before the first switch they lead nowhere (no file), so the
    # first generation too appears all at once.
    for name in RUN_FILES:
        _link_atomic(out_dir / name, f"{CURRENT}/{name}")
    _link_atomic(out_dir / CURRENT, f"{GENERATIONS}/{gen.name}")
    _fsync_dir(out_dir)
    keep = {gen.resolve(), previous.resolve() if previous else None}
    for old in _generations(out_dir):
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)


def carry_over(out_dir: Path, gen: Path, names: tuple[str, ...]) -> None:
    """Put the current generation's `names` into `gen` unchanged (hard links when the file
    system allows, else copies); files are never changed in place, so sharing is safe."""
    current = current_generation(out_dir)
    for name in names:
        source = (current / name) if current else Path(out_dir) / name
        try:
            os.link(source, gen / name)
        except OSError:
            shutil.copy2(source, gen / name)


def copy_database(out_dir: Path, gen: Path) -> Path:
    """A private copy of the current database in `gen`, to be changed before publishing."""
    target = gen / DATABASE
    shutil.copyfile(Path(out_dir) / DATABASE, target)
    return target


def _adopt_old_layout(out_dir: Path) -> None:
    """Aggregates written as plain files in `out_dir` (before generations) become the first
    generation: hard links to them are gathered in a generation, `current` is pointed at it,
    then each plain file is replaced by its link; the content a reader sees never changes."""
    plain = [n for n in RUN_FILES if (out_dir / n).is_file() and not (out_dir / n).is_symlink()]
    if not plain:
        return
    if current_generation(out_dir) is None:
        gen = new_generation(out_dir)
        for name in plain:
            try:
                os.link(out_dir / name, gen / name)
            except OSError:
                shutil.copy2(out_dir / name, gen / name)
        _fsync_dir(gen)
        _link_atomic(out_dir / CURRENT, f"{GENERATIONS}/{gen.name}")
    for name in plain:
        _link_atomic(out_dir / name, f"{CURRENT}/{name}")


def save_manifest(gen: Path, manifest: Manifest) -> None:
    """Write the manifest into its generation (the last file a generation gets)."""
    manifest.generation = gen.name
    write_text_atomic(gen / MANIFEST, manifest.model_dump_json(indent=2))


def write_generation(
    out_dir: Path, fill: Callable[[Path], Manifest], error_path: Path | None = None
) -> Manifest:
    """Build a new generation with `fill(gen)` (which writes its aggregates and returns the
    manifest), write the manifest, publish it. An `OSError` or SQLite error becomes a
    `CannotWriteError`; the half-built generation is removed and the current one stays."""
    out_dir = Path(out_dir)
    gen: Path | None = None
    try:
        gen = new_generation(out_dir)
        manifest = fill(gen)
        save_manifest(gen, manifest)
        publish_generation(out_dir, gen)
        return manifest
    except (OSError, sqlite3.Error) as exc:
        if gen is not None and current_generation(out_dir) != gen:
            shutil.rmtree(gen, ignore_errors=True)
        raise cannot_write(exc, error_path or out_dir) from None
    except BaseException:
        if gen is not None and current_generation(out_dir) != gen:
            shutil.rmtree(gen, ignore_errors=True)
        raise
