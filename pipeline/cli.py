"""Command line: a thin layer over the library.

Each command parses its options, calls one library function and prints the result. A
`PipelineError` (a bad file, a bad setting) is printed as one line without a traceback.
Exit codes: 0 success, 1 usage error, 2 a file could not be processed or an output could
not be written, 130/143 stopped by Ctrl-C/SIGTERM.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.config import Settings
from pipeline.errors import PipelineError

EXIT_USAGE = 1
EXIT_FAILED = 2
EXIT_SIGNAL = 128  # + the signal's number: 130 for Ctrl-C (SIGINT), 143 for SIGTERM


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
def cli() -> None:
    """Extract priorities and next steps from Alliance 8.7 reports and slide decks."""


def _pdf_engine_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--pdf-engine",
        type=click.Choice(["pdfium", "pdfplumber"]),
        default=None,
        help="PDF reader to try first (default: pdfium); a PDF it cannot open or finds "
        "empty is tried with the other.",
    )(func)


def _executor_options(func):  # type: ignore[no-untyped-def]
    """`pipeline run`'s choice of executor: local worker processes or a Dask cluster."""
    func = click.option(
        "--dask-inputs",
        type=click.Choice(["bytes", "shared"]),
        default="bytes",
        show_default=True,
        help="With --executor dask: send each file's bytes to the workers, or let them read "
        "it from its absolute path (inputs on a folder every worker sees at the same path).",
    )(func)
    func = click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler to run on, e.g. tcp://10.0.0.5:8786 (implies --executor dask).",
    )(func)
    return click.option(
        "--executor",
        type=click.Choice(["local", "dask"]),
        default=None,
        help="Where documents are processed: local worker processes (default) or the Dask "
        "cluster of --scheduler (needs the 'dask' extra; see README).",
    )(func)


def _executor_settings(executor: str | None, scheduler: str | None, dask_inputs: str) -> dict:
    executor = executor or ("dask" if scheduler else "local")
    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS.")
    if executor == "local" and scheduler:
        raise click.UsageError("--scheduler is for --executor dask.")
    return {"executor": executor, "scheduler": scheduler, "dask_inputs": dask_inputs}


def _with_pdf_engine(settings: Settings | None, pdf_engine: str | None) -> Settings:
    settings = settings or Settings()
    return settings.model_copy(update={"pdf_engine": pdf_engine}) if pdf_engine else settings


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_pdf_engine_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: the document model; text: a readable outline.",
)
def parse(file: Path, fmt: str, pdf_engine: str | None) -> None:
    """Parse FILE (PDF, PPTX, DOCX, HTML, e-mail, text, Markdown) and print its document model.

    Example: pipeline parse report.pdf --format text
    """
    from pipeline.outline import document_outline
    from pipeline.parse import parse_file

    doc = parse_file(file, _with_pdf_engine(None, pdf_engine))
    click.echo(doc.model_dump_json(indent=2) if fmt == "json" else document_outline(doc))


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_pdf_engine_option
@click.option(
    "--explain",
    is_flag=True,
    help="Print every candidate with its verdict, probabilities and evidence instead.",
)
def extract(file: Path, explain: bool, pdf_engine: str | None) -> None:
    """Extract the priorities and next steps of FILE and print the result as one JSON object.

    Example: pipeline extract deck.pptx > deck.json; pipeline extract --explain deck.pptx
    """
    if explain:
        from pipeline.explain import explain_file

        click.echo(explain_file(file))
        return
    from pipeline.process import process_file

    click.echo(process_file(file, _with_pdf_engine(None, pdf_engine)).model_dump_json(indent=2))


@cli.command()
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of gold *.json files (format in GOLD.md); with --links, default corpus/gold.",
)
@click.option(
    "--links",
    "links_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Score the tracker's links instead: pairwise P/R/F1 on a gold linking file "
    "(corpus/links.json) over a range of thresholds.",
)
@click.option(
    "--pred",
    "pred_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of saved results (e.g. a run's output); default: extract the sources now.",
)
@click.option(
    "--renditions/--no-renditions",
    default=False,
    help="Also score the source's other formats beside it (deck.pptx -> deck.pdf, deck.md).",
)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write scores as JSON.")
@click.option("--quiet-errors", is_flag=True, help="Do not list missed and spurious items.")
@click.option(
    "--cv",
    type=click.Choice(["family"]),
    help="Cross-validate the extraction model on the gold folder: train on every layout "
    "family but one, score the one left out, for each family.",
)
def evaluate(
    gold_dir: Path | None,
    links_file: Path | None,
    pred_dir: Path | None,
    renditions: bool,
    json_out: Path | None,
    quiet_errors: bool,
    cv: str | None,
) -> None:
    """Score extracted items against gold files: P/R/F1 per kind, country accuracy, label F1.

    Example: pipeline evaluate --gold ../shared/seeds/gold --renditions --json scores.json;
    pipeline evaluate --gold corpus/gold --cv family; pipeline evaluate --links corpus/links.json
    """
    if links_file is not None:
        _evaluate_links(links_file, gold_dir or Path("corpus/gold"), json_out)
        return
    if gold_dir is None:
        raise click.UsageError("Missing option '--gold' (or give --links FILE).")
    from pipeline.evaluate import evaluate as run_evaluation
    from pipeline.evaluate import format_report
    from pipeline.fileio import write_text_atomic

    if cv:
        from pipeline.extract_train import cross_validate_folder, cv_json, format_cv

        folds = cross_validate_folder(gold_dir, progress=lambda m: click.echo(m, err=True))
        click.echo(format_cv(folds))
        if json_out:
            write_text_atomic(json_out, cv_json(folds))
        return
    report = run_evaluation(gold_dir, pred_dir, renditions=renditions)
    click.echo(format_report(report, show_errors=not quiet_errors))
    if json_out:
        write_text_atomic(json_out, report.model_dump_json(indent=2))


def _settings(values: tuple[str, ...]) -> Settings:
    """`--limit NAME=VALUE` options as validated `Settings` (a bad one is a usage error)."""
    fields: dict[str, str] = {}
    for value in values:
        name, sep, number = value.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in Settings.model_fields:
            names = ", ".join(Settings.model_fields)
            raise click.BadParameter(f"{value!r}: expected NAME=VALUE, NAME one of {names}")
        fields[name] = number.strip()
    try:
        return Settings.resolve(fields)
    except ValueError as exc:  # pydantic's ValidationError
        raise click.BadParameter(" ".join(str(exc).split())) from None


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("outputs"),
    show_default=True,
    help="Output folder.",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes [default: cores].")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120,
    show_default=True,
    help="Seconds allowed per document.",
)
@click.option(
    "--memory-limit",
    type=click.IntRange(min=64),
    default=2048,
    show_default=True,
    help="Memory per worker, in MB.",
)
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=VALUE",
    callback=lambda ctx, param, values: _settings(values),
    help="Change a parsing limit, e.g. --limit max_pages=5000 (repeatable; see README).",
)
@click.option("--force", is_flag=True, help="Reprocess every document, changed or not.")
@click.option(
    "--corrections",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("corpus/corrections.jsonl"),
    show_default=True,
    help="Analysts' corrections to apply to the outputs (when the file exists).",
)
@click.option("--prune", is_flag=True, help="Remove results of inputs that are gone.")
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Only files under folders whose path (below the folder) or name matches, "
    "e.g. --include '*.pdf' (repeatable).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out files under folders whose path or name matches, e.g. --exclude 'drafts/*' "
    "(repeatable).",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Read symbolic links to files outside the input folders (skipped by default).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and failures.")
@click.option("--verbose", "-v", is_flag=True, help="Also print unchanged and skipped files.")
@click.option(
    "--csv-bom",
    is_flag=True,
    help="Start items.csv with a UTF-8 byte-order mark so Excel shows accented names right.",
)
@_executor_options
@_pdf_engine_option
def run(
    inputs: tuple[Path, ...],
    out_dir: Path,
    jobs: int | None,
    timeout: float,
    memory_limit: int,
    limits: Settings,
    force: bool,
    corrections: Path,
    prune: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    follow_symlinks: bool,
    quiet: bool,
    verbose: bool,
    csv_bom: bool,
    pdf_engine: str | None,
    executor: str | None,
    scheduler: str | None,
    dask_inputs: str,
) -> None:
    """Process every document in INPUTS (files or folders, searched recursively) into --out.

    Writes documents/<name>.json, items.jsonl, items.csv, priorities.sqlite,
    items.parquet, item_labels.parquet, schema.json, items.schema.json, metadata.json and
    manifest.json. Unchanged documents are not processed again. Files that are not
    documents are listed as skipped; a file that cannot be read is recorded as failed with
    the reason and the batch goes on. Exit code 0 when every file succeeded, 2 when any
    failed, 1 for usage errors.

    Example: pipeline run reports/ --out outputs --jobs 2; on a Dask cluster:
    pipeline run reports/ --out outputs --executor dask --scheduler tcp://10.0.0.5:8786
    """
    import signal

    from pipeline.batch import BatchOptions, SignalStop, run_batch
    from pipeline.progress import Progress

    options = BatchOptions(
        timeout=timeout,
        memory_limit_mb=memory_limit,
        settings=_with_pdf_engine(limits, pdf_engine),
        force=force,
        prune=prune,
        corrections=corrections if corrections.is_file() else None,
        include=list(include),
        exclude=list(exclude),
        follow_symlinks=follow_symlinks,
        csv_bom=csv_bom,
        **({"jobs": jobs} if jobs else {}),
        **_executor_settings(executor, scheduler, dask_inputs),
    )
    progress = Progress(quiet=quiet, verbose=verbose)

    def stop(signum: int, frame: object) -> None:
        raise SignalStop(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        manifest = run_batch(inputs, out_dir, options, progress.update)
    finally:
        signal.signal(signal.SIGTERM, previous)
        progress.close()
    if not manifest.inputs:
        click.echo(
            f"warning: no input files found in {', '.join(map(str, inputs))}; nothing written.",
            err=True,
        )
        return
    counts = manifest.counts
    click.echo(
        f"{counts['processed']} processed, {counts['unchanged']} unchanged, "
        f"{counts['skipped']} skipped, {counts['failed']} failed"
        + (f", {counts['removed']} removed" if counts["removed"] else "")
        + (f", {counts['pruned']} pruned" if counts["pruned"] else "")
        + f"; {counts['items']} items in {manifest.timings['total']:.1f} s -> {out_dir}"
    )
    if counts["failed"]:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.option(
    "--training",
    "training_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("corpus/training"),
    show_default=True,
    help="Folder of labelled items (*.jsonl).",
)
@click.option(
    "--corrections",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("corpus/corrections.jsonl"),
    show_default=True,
    help="Analysts' corrections to learn from (used when the file exists).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("models"),
    show_default=True,
    help="Where to write the model and its model card.",
)
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True)
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("corpus/gold"),
    show_default=True,
    help="Gold files whose documents train the extraction model.",
)
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the documents that corrections refer to (for the extraction model); "
    "default: the gold files' documents only.",
)
@click.option(
    "--only",
    type=click.Choice(["classifier", "extractor"]),
    help="Train only one of the two models [default: both].",
)
@click.option("--no-cv", is_flag=True, help="Skip the extractor's leave-one-family-out scores.")
def train(
    training_dir: Path,
    corrections: Path,
    out_dir: Path,
    folds: int,
    gold_dir: Path,
    docs_dir: Path | None,
    only: str | None,
    no_cv: bool,
) -> None:
    """Train the theme/action classifier and the extraction model; print their
    cross-validated scores (per label; per layout family left out).

    Deterministic: the same data gives the same models. Example: pipeline train
    """
    from pipeline.classify.train import format_report, load_training, train_model
    from pipeline.extract_train import format_card, gold_label_rows, load_sources, train_and_save

    corrections_file = corrections if corrections.is_file() else None
    progress = lambda m: click.echo(m, err=True)  # noqa: E731
    # The gold documents, parsed once: the extractor learns from them, the classifier from
    # their items, and the extractor's cross-validation refits both without each family.
    sources = load_sources(gold_dir, progress)
    if only != "extractor":
        report = train_model(
            training_dir, corrections_file, out_dir, folds=folds, gold_rows=gold_label_rows(sources)
        )
        click.echo(format_report(report))
    if only != "classifier":
        card = train_and_save(
            gold_dir,
            out_dir,
            corrections_file,
            docs_dir,
            cv=not no_cv,
            progress=progress,
            sources=sources,
            label_rows=load_training(training_dir),
        )
        click.echo(format_card(card))


@cli.command()
def taxonomy() -> None:
    """Print the theme and action taxonomies (ids, labels, descriptions, keywords).

    Example: pipeline taxonomy | less
    """
    from pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    for name in ("themes", "actions"):
        click.echo(f"{name.upper()} (taxonomy version {tax.version})")
        for label in getattr(tax, name):
            click.echo(f"  {label.id:22} {label.label}: {label.description}")
            click.echo(f"  {'':22} keywords: {', '.join(label.keywords[:12])}, …")
        click.echo("")


@cli.command()
@click.option(
    "--rows",
    is_flag=True,
    help="Print the schema of an items.jsonl row (items.schema.json) instead.",
)
def schema(rows: bool) -> None:
    """Print the JSON Schema of a document result (what `extract` prints and `run` writes).

    Example: pipeline schema > schema.json; pipeline schema --rows > items.schema.json
    """
    import json

    from pipeline.emit import result_schema, row_schema

    click.echo(json.dumps(row_schema() if rows else result_schema(), indent=2, ensure_ascii=False))


def _evaluate_links(links_file: Path, gold_dir: Path, json_out: Path | None) -> None:
    """`evaluate --links`: pairwise link scores over thresholds, the installed one marked."""
    import json

    from pipeline.fileio import write_text_atomic
    from pipeline.track import THRESHOLD, evaluate_links, format_link_scores

    thresholds = sorted({round(0.30 + 0.025 * k, 3) for k in range(17)} | {THRESHOLD})
    scores, gold, hard = evaluate_links(links_file, gold_dir, thresholds)
    click.echo(format_link_scores(scores, gold, hard, THRESHOLD))
    chosen = next(s for s in scores if abs(s.threshold - THRESHOLD) < 1e-9)
    click.echo(
        f"installed threshold {THRESHOLD}: precision {chosen.precision:.2f}, "
        f"recall {chosen.recall:.2f}, F1 {chosen.f1:.2f}"
    )
    if json_out:
        rows = [
            {
                "threshold": s.threshold,
                "precision": s.precision,
                "recall": s.recall,
                "f1": s.f1,
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "hard_negatives_linked": s.hard_negatives_linked,
            }
            for s in scores
        ]
        data = {"links": str(links_file), "gold_pairs": gold, "hard_negatives": hard}
        data |= {"installed_threshold": THRESHOLD, "scores": rows}
        write_text_atomic(json_out, json.dumps(data, indent=2))


@cli.command()
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 2.0),
    help="Similarity needed to link two items [default: the one chosen on corpus/links.json].",
)
@click.option("--no-write", is_flag=True, help="Print the summary only; write nothing.")
def track(out_dir: Path, threshold: float | None, no_write: bool) -> None:
    """Follow priorities and next steps across the dated documents of a run folder.

    Links items of different documents that are the same priority or step (same country or
    both global, similar wording and labels), reads later progress reports, and writes
    OUT_DIR/threads.jsonl and the tables threads and thread_items of priorities.sqlite.

    Example: pipeline run corpus/docs --out outputs && pipeline track outputs
    """
    from pipeline.track import THRESHOLD, summary, track_run

    records = track_run(out_dir, threshold or THRESHOLD, write=not no_write)
    click.echo(summary(records))
    if not no_write:
        click.echo(f"-> {out_dir / 'threads.jsonl'}, {out_dir / 'priorities.sqlite'}")


@cli.command()
@click.argument("old_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("new_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Print the differences as text or as JSON.",
)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Also write JSON here.")
def diff(old_dir: Path, new_dir: Path, fmt: str, json_out: Path | None) -> None:
    """List the items added, removed and changed (kind, country, labels, text) from the run
    in OLD_DIR to the run in NEW_DIR.

    Example: pipeline diff outputs outputs-new --json changes.json
    """
    from pipeline.diff import diff_json, diff_runs, format_diff
    from pipeline.fileio import write_text_atomic

    result = diff_runs(old_dir, new_dir)
    click.echo(diff_json(result) if fmt == "json" else format_diff(result))
    if json_out:
        write_text_atomic(json_out, diff_json(result))


from pipeline.review_cli import report_command, review  # noqa: E402

cli.add_command(report_command)
cli.add_command(review)


class _NeverRaised(Exception):
    """Stands for an exception class whose module was never imported (so never raised)."""


def _if_loaded(module: str, name: str) -> type[BaseException]:
    """`module.name` if `module` has been imported, else `_NeverRaised`: an exception of a
    module nobody imported cannot have been raised, so `main` need not import `pipeline.runs`
    (sqlite3, uuid, ...) or `sqlite3` for the commands that never use them. The `except`
    clauses call this only when an exception reaches them."""
    loaded = sys.modules.get(module)
    return getattr(loaded, name) if loaded is not None else _NeverRaised


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and map errors to exit codes without tracebacks."""
    import signal

    from pipeline.errors import UsageError

    try:
        cli.main(args=argv, prog_name="pipeline", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_SIGNAL + signal.SIGINT)
    except click.UsageError as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except _if_loaded("pipeline.runs", "RunStopped") as exc:
        click.echo(f"\n{exc}", err=True)
        sys.exit(EXIT_SIGNAL + exc.signum)
    except KeyboardInterrupt:
        click.echo("\nstopped.", err=True)
        sys.exit(EXIT_SIGNAL + signal.SIGINT)
    except _if_loaded("pipeline.runs", "CannotWriteError") as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)
    except UsageError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(EXIT_USAGE)
    except PipelineError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(EXIT_FAILED)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:  # an operating fault outside a run: no traceback either
        where = f"{exc.filename}: " if exc.filename is not None else ""
        click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
        sys.exit(EXIT_FAILED)
    except _if_loaded("sqlite3", "Error") as exc:
        click.echo(f"Error: database: {exc}", err=True)
        sys.exit(EXIT_FAILED)
