"""Every command is documented in the README and has help text with an example."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from pipeline.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            found += _commands(command, full + " ")
        else:
            found.append((full, command))
    return found


COMMANDS = _commands(cli)


def test_all_expected_commands_exist() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"parse", "extract", "evaluate", "run", "schema", "train", "taxonomy"} <= names
    assert {"report", "review export", "review apply"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_is_documented_with_an_example(name: str, command: click.Command) -> None:
    assert f"pipeline {name}" in README, f"README does not document `pipeline {name}`"
    assert command.help and "Example: pipeline" in command.help
