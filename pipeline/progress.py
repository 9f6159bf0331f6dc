"""Progress of a batch: a live line on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time

import click

from pipeline.runs import InputRecord, Manifest


class Progress:
    """Called once per finished document; draws a bar on a TTY, else logs one line each."""

    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.tty = sys.stderr.isatty()
        self.start = time.monotonic()
        self.done = self.items = self.errors = 0
        self.drawn = False

    def update(self, record: InputRecord, manifest: Manifest, total: int) -> None:
        self.done += 1
        self.items += record.items
        self.errors += record.status == "failed"
        if record.status == "failed" or (not self.quiet and self._worth_a_line(record)):
            self._line(self._describe(record))
        if self.tty and not self.quiet:
            self._bar(total)

    def _worth_a_line(self, record: InputRecord) -> bool:
        return record.status == "processed" or self.verbose or not self.tty

    @staticmethod
    def _describe(record: InputRecord) -> str:
        if record.status == "processed":
            return f"{record.status:9} {record.path}: {record.items} items"
        if record.status == "unchanged":
            return f"{record.status:9} {record.path}: {record.items} items (cached)"
        return f"{record.status:9} {record.path}: {record.reason}. {record.hint or ''}".rstrip()

    def _line(self, text: str) -> None:
        if self.tty and self.drawn:
            click.echo("\r\033[K", nl=False, err=True)
        click.echo(text, err=True)

    def _bar(self, total: int) -> None:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = self.done / elapsed
        eta = (total - self.done) / rate if rate else 0
        width = 24
        filled = int(width * self.done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        click.echo(
            f"\r\033[K[{bar}] {self.done}/{total} docs, {self.items} items, {self.errors} errors,"
            f" {rate:.1f} docs/s, ETA {eta:.0f} s",
            nl=False,
            err=True,
        )
        self.drawn = True

    def close(self) -> None:
        if self.tty and self.drawn:
            click.echo("", err=True)
