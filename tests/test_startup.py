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
out = io.StringIO()
if args and args[0] == "import":
    for name in args[1:]:
        __import__(name)
else:
    from pipeline.cli import main
    with contextlib.redirect_stdout(out):
        try:
            main(args)
        except SystemExit:
            pass
loaded = sorted(h for h in heavy if h in sys.modules)
print(json.dumps({{"loaded": loaded, "stdout": out.getvalue()}}))
"""


def _run(*args: str) -> tuple[set[str], str]:
    """The heavy libraries a fresh process has loaded after `args`, and what it printed."""
    code = SCRIPT.format(heavy=HEAVY, args=list(args))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return set(report["loaded"]), report["stdout"]


def _loaded(*args: str) -> set[str]:
    return _run(*args)[0]


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


def test_a_text_file_with_an_item_is_classified_without_scikit_learn(tmp_path: Path) -> None:
    """The classifier is applied with NumPy alone (`classify.model.Tfidf`): no scikit-learn
    (~0.5-0.9 s to import) and no SciPy when a document has items."""
    note = tmp_path / "note.txt"
    note.write_text(
        "Next steps: adopt the national action plan on child labour by 2026.\n", encoding="utf-8"
    )
    loaded, out = _run("extract", str(note))
    items = json.loads(out)["items"]
    assert items and items[0]["themes"] and items[0]["theme_scores"]
    assert loaded <= {"spacy"}


def test_shared_english_pipeline_is_spacy_blank() -> None:
    """`nlp.blank_english()` builds `English()` directly: the same tokenizer and vocabulary as
    `spacy.blank("en")`, without `blank`'s validation of a full config."""
    import spacy

    from pipeline.nlp import blank_english, pipeline_on_shared_tokenizer

    # A fresh build: the shared one may have met new strings in earlier tests.
    ours, blank = blank_english.__wrapped__(), spacy.blank("en")
    assert type(ours) is type(blank)
    assert ours.tokenizer.to_bytes() == blank.tokenizer.to_bytes()
    assert ours.vocab.lex_attr_getters.keys() == blank.vocab.lex_attr_getters.keys()
    text = "Nepal's 2nd plan (2025-2030): end child labour, e.g. in brick kilns — U.S.-funded."
    assert [t.text for t in ours.make_doc(text)] == [t.text for t in blank.make_doc(text)]
    other, shared = pipeline_on_shared_tokenizer(), blank_english()
    assert other.tokenizer is shared.tokenizer and other.vocab is shared.vocab
