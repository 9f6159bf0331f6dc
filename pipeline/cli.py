"""Command line: a thin layer over the library.

Each command parses its options, calls one library function and prints the result. A
`PipelineError` (a bad file, a bad setting) is printed as one line without a traceback.
Exit codes: 0 success, 1 usage error, 2 a file could not be processed.
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
def cli() -> None:
    """Extract priorities and next steps from Alliance 8.7 reports and slide decks."""


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: the document model; text: a readable outline.",
)
def parse(file: Path, fmt: str) -> None:
    """Parse FILE (PDF, PPTX, DOCX, text, Markdown) and print its document model.

    Example: pipeline parse report.pdf --format text
    """
    from pipeline.outline import document_outline
    from pipeline.parse import parse_file

    doc = parse_file(file)
    click.echo(doc.model_dump_json(indent=2) if fmt == "json" else document_outline(doc))


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--explain",
    is_flag=True,
    help="Print every candidate with its verdict, probabilities and evidence instead.",
)
def extract(file: Path, explain: bool) -> None:
    """Extract the priorities and next steps of FILE and print the result as one JSON object.

    Example: pipeline extract deck.pptx > deck.json; pipeline extract --explain deck.pptx
    """
    if explain:
        from pipeline.explain import explain_file

        click.echo(explain_file(file))
        return
    from pipeline.process import process_file

    click.echo(process_file(file).model_dump_json(indent=2))


@cli.command()
@click.option(
    "--gold",
    "gold_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of gold *.json files (format in GOLD.md).",
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
    gold_dir: Path,
    pred_dir: Path | None,
    renditions: bool,
    json_out: Path | None,
    quiet_errors: bool,
    cv: str | None,
) -> None:
    """Score extracted items against gold files: P/R/F1 per kind, country accuracy, label F1.

    Example: pipeline evaluate --gold ../shared/seeds/gold --renditions --json scores.json;
    pipeline evaluate --gold corpus/gold --cv family
    """
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
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and failures.")
@click.option("--verbose", "-v", is_flag=True, help="Also print unchanged and skipped files.")
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
    quiet: bool,
    verbose: bool,
) -> None:
    """Process every document in INPUTS (files or folders, searched recursively) into --out.

    Writes documents/<name>.json, items.jsonl, items.csv, priorities.sqlite, schema.json
    and manifest.json. Unchanged documents are not processed again. Files that are not
    documents are listed as skipped; a file that cannot be read is recorded as failed with
    the reason and the batch goes on. Exit code 0 when every file succeeded, 2 when any
    failed, 1 for usage errors.

    Example: pipeline run reports/ --out outputs --jobs 2
    """
    from pipeline.batch import BatchOptions, run_batch
    from pipeline.progress import Progress

    options = BatchOptions(
        timeout=timeout,
        memory_limit_mb=memory_limit,
        settings=limits,
        force=force,
        prune=prune,
        corrections=corrections if corrections.is_file() else None,
        **({"jobs": jobs} if jobs else {}),
    )
    progress = Progress(quiet=quiet, verbose=verbose)
    manifest = run_batch(inputs, out_dir, options, progress.update)
    progress.close()
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
    corrections_file = corrections if corrections.is_file() else None
    if only != "extractor":
        from pipeline.classify.train import format_report, train_model

        click.echo(format_report(train_model(training_dir, corrections_file, out_dir, folds=folds)))
    if only != "classifier":
        from pipeline.extract_train import format_card, train_and_save

        card = train_and_save(
            gold_dir,
            out_dir,
            corrections_file,
            docs_dir,
            cv=not no_cv,
            progress=lambda m: click.echo(m, err=True),
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
def schema() -> None:
    """Print the JSON Schema of a document result (what `extract` prints and `run` writes).

    Example: pipeline schema > schema.json
    """
    import json

    from pipeline.emit import result_schema

    click.echo(json.dumps(result_schema(), indent=2, ensure_ascii=False))


from pipeline.review_cli import report_command, review  # noqa: E402

cli.add_command(report_command)
cli.add_command(review)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and map errors to exit codes without tracebacks."""
    try:
        cli.main(args=argv, prog_name="pipeline", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except PipelineError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(EXIT_FAILED)
    except BrokenPipeError:
        sys.exit(0)
