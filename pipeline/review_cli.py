"""Click commands for analyst review: `pipeline report` and `pipeline review export|apply`.

Registered in `pipeline.cli` with `cli.add_command(report_command)` and
`cli.add_command(review)`.
"""

from __future__ import annotations

from pathlib import Path

import click

# `pipeline.corrections.DEFAULT_CORRECTIONS`, not imported here to keep the CLI quick to start.
DEFAULT_CORRECTIONS = Path(__file__).resolve().parents[1] / "corpus" / "corrections.jsonl"


@click.command("report")
@click.argument("run_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the report [default: RUN_DIR/report.html].",
)
@click.option(
    "--assets",
    is_flag=True,
    help="Write the page images to report_assets/ beside the report instead of inside it.",
)
def report_command(run_dir: Path, html_path: Path | None, assets: bool) -> None:
    """Build one self-contained HTML report of the run in RUN_DIR (a `run --out` folder).

    Totals, a country x theme heatmap whose cells link to their items, low-confidence items
    first, and every priority and next step by country (each document group once) with its
    deadline, actors, labels, scores, evidence and its place in the source: the PDF page with
    the item framed, or the slide's text with the item marked. With `pipeline track` run
    first, recurring priorities per country and the open next steps. Filters work offline;
    no server, no network.

    Example: pipeline report outputs --html outputs/report.html
    """
    from pipeline.report import write_report

    path = write_report(run_dir, html_path, assets=assets)
    click.echo(f"Report written to {path}")


@click.group("review")
def review() -> None:
    """Export a run for analysts to correct, and store their corrections."""


@review.command("export")
@click.argument("run_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Workbook to write [default: RUN_DIR/review.xlsx].",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the same columns as CSV (no drop-down lists).",
)
def review_export(run_dir: Path, xlsx_path: Path | None, csv_path: Path | None) -> None:
    """Write a workbook with one row per item of RUN_DIR, least confident first.

    Analysts correct kind, country, themes and actions with drop-down lists, or mark an
    item as not an item, then run `pipeline review apply`.

    Example: pipeline review export outputs --xlsx review.xlsx
    """
    from pipeline.review import export_csv, export_workbook

    path = xlsx_path or run_dir / "review.xlsx"
    count = export_workbook(run_dir, path)
    click.echo(f"{count} items written to {path}")
    if csv_path:
        export_csv(run_dir, csv_path)
        click.echo(f"{count} items written to {csv_path}")


@review.command("apply")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--corrections",
    "corrections_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_CORRECTIONS,
    show_default="corpus/corrections.jsonl",
    help="Corrections file to add to.",
)
@click.option("--reviewer", help="Name recorded with the corrections [default: your login].")
@click.option("--date", "review_date", help="Review date, YYYY-MM-DD [default: today].")
@click.option(
    "--run",
    "run_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Also update this run's outputs now, without reprocessing.",
)
def review_apply(
    file: Path,
    corrections_path: Path,
    reviewer: str | None,
    review_date: str | None,
    run_dir: Path | None,
) -> None:
    """Check a corrected workbook (or CSV with the same columns) and store its corrections.

    Every cell is checked first: an unknown label or country names its row and column and
    nothing is stored. Corrections are applied by every later `pipeline run` and learnt by
    `pipeline train`.

    Example: pipeline review apply review.xlsx --reviewer "A. Analyst"
    """
    from datetime import date

    from pipeline.corrections import rewrite_run
    from pipeline.errors import UsageError
    from pipeline.review import apply_review

    if review_date is not None:
        try:
            review_date = date.fromisoformat(review_date).isoformat()
        except ValueError:
            raise UsageError(None, f"--date {review_date!r} is not a date (YYYY-MM-DD)") from None
    report = apply_review(file, corrections_path, reviewer, review_date)
    fixes = report.corrections
    if not fixes:
        click.echo(f"No changes in the {report.rows} rows of {file}; nothing stored.")
    else:
        click.echo(
            f"{len(fixes)} corrections from {report.rows} rows "
            f"({report.dropped} marked not an item) stored in {report.path} "
            f"({report.stored} in all)."
        )
    if run_dir is not None:
        matched, items = rewrite_run(run_dir, corrections_path)
        click.echo(f"{run_dir}: {matched} corrections applied; {items} items now.")
