"""Start-up: the heavy libraries are imported only by the commands and formats that use them.

No timing here (speed is measured in bench/): which modules a fresh process has loaded after
a command is what keeps `pipeline --help` and the other light commands fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "spacy",
    "sklearn",
    "scipy",
    "pdfminer",
    "pdfplumber",
    "pypdfium2",
    "pptx",
    "docx",
    "openpyxl",
    "pyarrow",
    "distributed",
)

SCRIPT = """
import contextlib, io, json, sys
heavy = {heavy!r}
args = {args!r}
if args and args[0] == "import":
    for name in args[1:]:
        __import__(name)
else:
    from pipeline.cli import main
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            main(args)
        except SystemExit:
            pass
print(json.dumps(sorted(h for h in heavy if h in sys.modules)))
"""


def _loaded(*args: str) -> set[str]:
    code = SCRIPT.format(heavy=HEAVY, args=list(args))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("run", "--help"),
        ("extract", "--help"),
        ("schema",),
        ("import", "pipeline.cli", "pipeline.process", "pipeline.batch", "pipeline.executors"),
    ],
)
def test_light_commands_import_no_heavy_library(args: tuple[str, ...]) -> None:
    assert _loaded(*args) == set()


def test_a_text_file_needs_only_spacy(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Nepal workshop report\n", encoding="utf-8")
    assert _loaded("parse", str(note)) == set()
    assert _loaded("extract", str(note)) <= {"spacy"}
