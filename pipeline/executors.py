"""Where `pipeline run` processes its documents: local worker processes or a Dask cluster.

An executor is given the jobs (documents to process, in input order) and calls
`on_done(job, message)` as each one finishes, with the message `batch.process_one` builds:
`("ok", result_json, timings)` or `("error", record)`. Everything else stays in the process
that runs `pipeline run`: the cache check before, and after each message the document's
result file, the manifest record and the progress line, then the aggregate outputs. So a run
writes the same files, with the same incremental behaviour, whichever executor processed the
documents.

- `LocalExecutor` (the default): `batch.run_local_jobs`, forked worker processes on this machine,
  each document with the time limit (`--timeout`) and the memory limit (`--memory-limit`,
  the worker's address space).
- `DaskExecutor` (`pipeline run --executor dask --scheduler tcp://host:8786`): one Dask task
  per document on a Dask distributed cluster. The input is sent to the workers as bytes
  (`--dask-inputs bytes`, the default: the workers need not see the client's files) or read
  by the worker from its absolute path (`--dask-inputs shared`: every worker must see the
  inputs at the same path). The workers need this package, at the same pipeline and model
  versions as the client (checked before the first task). Limits, as far as Dask allows:
  at most as many tasks are submitted as the cluster has worker threads, so a task starts
  when it is submitted, and a task not finished `--timeout` seconds later is recorded as
  `limit_exceeded` like a local timeout; it is cancelled and the worker running it restarted
  (a Python thread cannot be stopped; a worker started without a nanny is left running it).
  Memory is bounded by the Dask workers' own memory limit (`dask worker --memory-limit 2GB
  --nthreads 1`): a worker past it is restarted by its nanny, and a document whose task
  keeps killing workers (`KilledWorker`) is recorded as `limit_exceeded` with a memory
  reason; a `MemoryError` inside a task is recorded as in a local run. `--memory-limit` does
  not apply to Dask workers (one worker process runs many documents, possibly in several
  threads, so no address-space limit can be set per document).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.errors import PipelineError, UsageError

if TYPE_CHECKING:
    from pipeline.batch import BatchOptions, Job
    from pipeline.config import Settings

__all__ = ["DaskExecutor", "Executor", "LocalExecutor", "executor_for"]

OnDone = Callable[["Job", tuple], None]

CONNECT_TIMEOUT = 30.0  # seconds to reach the scheduler
WORKER_WAIT = 60.0  # seconds to wait for a first worker to join the cluster
RESTART_TIMEOUT = 60.0  # seconds allowed to restart a worker stuck on a timed-out task


class Executor(Protocol):
    """Runs the jobs of a batch and reports each one's outcome through `on_done`."""

    def run(self, jobs: list[Job], options: BatchOptions, on_done: OnDone) -> None: ...


class LocalExecutor:
    """Forked worker processes on this machine (`batch.run_local_jobs`), after `warm_up()` in
    the parent so that every worker inherits the loaded vocabularies and models."""

    def run(self, jobs: list[Job], options: BatchOptions, on_done: OnDone) -> None:
        from pipeline import batch

        batch.warm_up_workers()
        batch.run_local_jobs(jobs, options, on_done)


def executor_for(options: BatchOptions) -> Executor:
    """The executor `options` ask for (`executor`, `scheduler`, `dask_inputs`)."""
    if options.executor == "dask":
        if not options.scheduler:
            raise UsageError(None, "--executor dask needs --scheduler ADDRESS")
        return DaskExecutor(options.scheduler, options.dask_inputs)
    return LocalExecutor()


# --- Dask ------------------------------------------------------------------------------


def _dask_task(
    label: str, source: bytes | str, settings: Settings, memory_mb: int
) -> tuple[Any, ...]:
    """On a Dask worker: process one document; returns the message a local worker sends.

    `label` is the input's path as the client knows it (the result's `source` and the file
    named in errors); `source` is the file's bytes or the absolute path to read them from.
    """
    from pipeline.batch import process_one
    from pipeline.fileio import path_text
    from pipeline.parse import read_input
    from pipeline.process import process_file

    def run(path: Path, run_settings: Settings, timings: dict[str, float]) -> Any:
        if isinstance(source, bytes):
            data = source
        else:
            try:
                data = read_input(Path(source), run_settings)
            except PipelineError as exc:
                exc.path = path_text(path)  # name the input as the client does
                raise
        return process_file(path, run_settings, timings, data=data)

    return process_one(run, Path(label), settings, memory_mb)


def _prepare_worker() -> tuple[str, str | None]:
    """On each Dask worker before the first task: load the shared vocabularies and models
    once (as `warm_up` does before a local run forks), and say which versions it runs."""
    from pipeline import __version__
    from pipeline.model_files import current_model_version
    from pipeline.process import warm_up

    warm_up()
    return __version__, current_model_version()


class DaskExecutor:
    """One Dask task per document on the cluster whose scheduler is at `scheduler`."""

    def __init__(self, scheduler: str, inputs: str = "bytes") -> None:
        if inputs not in ("bytes", "shared"):
            raise UsageError(None, f"--dask-inputs must be bytes or shared, not {inputs!r}")
        self.scheduler = scheduler
        self.inputs = inputs

    def _connect(self) -> Any:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError(
                None,
                "--executor dask needs Dask: pip install 'a87-pipeline[dask]' "
                "(dask[distributed]) on this machine and on the workers",
            ) from None
        try:
            return Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(
                None, f"cannot reach the Dask scheduler at {self.scheduler} ({exc})"
            ) from None

    def _check_workers(self, client: Any) -> None:
        from pipeline import __version__
        from pipeline.model_files import current_model_version

        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError:
            raise UsageError(None, f"the Dask cluster at {self.scheduler} has no workers") from None
        try:
            versions = client.run(_prepare_worker)
        except Exception as exc:  # a worker that cannot import or unpickle the pipeline
            raise UsageError(
                None,
                "the Dask workers cannot run the pipeline; install a87-pipeline "
                f"{__version__} on them ({type(exc).__name__}: {str(exc)[:200]})",
            ) from None
        wanted = (__version__, current_model_version())
        wrong = {w: v for w, v in versions.items() if tuple(v) != wanted}
        if wrong:
            worker, (pipeline_version, model) = next(iter(wrong.items()))
            raise UsageError(
                None,
                f"the Dask worker {worker} runs pipeline {pipeline_version} with model "
                f"{model}, this run needs pipeline {wanted[0]} with model {wanted[1]}; "
                "install the same version on every worker",
            )

    def run(self, jobs: list[Job], options: BatchOptions, on_done: OnDone) -> None:
        client = self._connect()
        try:
            self._check_workers(client)
            self._run(client, jobs, options, on_done)
        finally:
            client.close()

    def _submit(self, client: Any, job: Job, options: BatchOptions) -> Any:
        """Send one document to the cluster: its future (raises `PipelineError` when the
        client cannot read the bytes to send)."""
        from pipeline.parse import read_input

        if self.inputs == "bytes":
            data = read_input(job.path, options.settings)
            source: Any = client.scatter(data, hash=False)
        else:
            source = os.fspath(job.path.absolute())
        return client.submit(
            _dask_task,
            os.fspath(job.path),
            source,
            options.settings,
            options.memory_limit_mb,
            pure=False,
            retries=0,
        )

    def _run(self, client: Any, jobs: list[Job], options: BatchOptions, on_done: OnDone) -> None:
        from distributed import wait

        from pipeline.batch import limit_record

        pending = list(reversed(jobs))  # popped from the end: input order
        running: dict[Any, tuple[Job, float]] = {}
        try:
            while pending or running:
                capacity = max(1, sum(client.nthreads().values()))
                while pending and len(running) < capacity:
                    job = pending.pop()
                    try:
                        future = self._submit(client, job, options)
                    except PipelineError as exc:  # the client could not read the file
                        on_done(job, ("error", {**exc.to_record(), "skip": False}))
                        continue
                    running[future] = (job, time.monotonic() + options.timeout)
                if not running:
                    continue
                deadline = min(d for _, d in running.values())
                with contextlib.suppress(TimeoutError):
                    wait(
                        list(running),
                        timeout=max(0.01, deadline - time.monotonic()),
                        return_when="FIRST_COMPLETED",
                    )
                for future in [f for f in running if f.done()]:
                    job, _ = running.pop(future)
                    on_done(job, _message(future, job, options))
                now = time.monotonic()
                for future in [f for f, (_, d) in running.items() if now >= d]:
                    job, _ = running.pop(future)
                    _stop(client, future)
                    on_done(
                        job,
                        (
                            "error",
                            limit_record(job.path, f"it took longer than {options.timeout:g} s"),
                        ),
                    )
        finally:
            if running:
                client.cancel(list(running), force=True)


def _message(future: Any, job: Job, options: BatchOptions) -> tuple[Any, ...]:
    """The message of a finished future: the task's own, or a record of why it has none."""
    from pipeline.batch import limit_record
    from pipeline.fileio import path_text

    if future.status == "finished":
        return future.result()
    try:
        exc = future.exception()
    except Exception as raised:  # cancelled futures raise instead of returning the error
        exc = raised
    if type(exc).__name__ == "KilledWorker":
        return (
            "error",
            limit_record(
                job.path,
                "the Dask workers running it died, most likely at their memory limit",
            ),
        )
    return (
        "error",
        {
            "error": "internal",
            "file": path_text(job.path),
            "reason": f"the Dask task failed ({type(exc).__name__}: {str(exc)[:200]})",
            "hint": "Check the Dask workers' logs, then run again; the other documents are kept.",
        },
    )


def _stop(client: Any, future: Any) -> None:
    """Cancel a timed-out task and restart the worker running it, which a Python thread
    stuck in the task would otherwise keep busy (only workers with a nanny restart)."""
    key = future.key
    try:
        workers = [w for w, keys in client.processing().items() if key in keys]
    except Exception:
        workers = []
    client.cancel([future], force=True)
    if workers:
        # Without a nanny, or with the worker gone already, there is nothing more to do.
        with contextlib.suppress(Exception):
            client.restart_workers(workers, timeout=RESTART_TIMEOUT, raise_for_error=False)
