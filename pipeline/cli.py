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
