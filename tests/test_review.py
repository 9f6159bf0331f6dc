"""Analyst review: export a workbook, apply corrections, see them in the next run, learn them."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from test_report import make_run, sample_results

from pipeline.batch import BatchOptions, run_batch
from pipeline.corrections import (
    GLOBAL,
    Correction,
    CorrectionsError,
    apply_corrections,
    apply_corrections_to_results,
    corrections_as_training_items,
    load_corrections,
    merge_corrections,
    rewrite_run,
    save_corrections,
    text_hash,
    write_training_rows,
)
from pipeline.models import DocumentResult
from pipeline.review import (
    GLOBAL_CHOICE,
    LISTS_SHEET,
    SHEET,
    ReviewInputError,
    apply_review,
    export_csv,
    export_workbook,
)
from pipeline.review_cli import review

PERU = """# Peru – national workshop

## Priorities for action

- Strengthen labour inspection in the mining sector by 2023
- Ratify the Protocol of 2014 to the Forced Labour Convention
- Launch a campaign against child labour in agriculture

## Next steps

- Validate the national roadmap with the social partners
- Share the meeting photos on the intranet
"""

KENYA = """# Kenya follow-up

## Next steps

- Publish the child labour survey before June 2022
- Convene the national steering committee
- Train labour inspectors on trafficking indicators
"""

MINING = "Strengthen labour inspection in the mining sector by 2023"
STEERING = "Convene the national steering committee"
WORKSHOP = "Share the meeting photos on the intranet"
CAMPAIGN = "Launch a campaign against child labour in agriculture"
ROADMAP = "Validate the national roadmap with the social partners"


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "peru.md").write_text(PERU, encoding="utf-8")
    (folder / "kenya.md").write_text(KENYA, encoding="utf-8")
    return folder


def _run(src: Path, out: Path, corrections: Path | None = None) -> None:
    """A batch run; with `corrections`, through run_batch if it takes them, else afterwards."""
    wired = "corrections" in BatchOptions.model_fields
    extra = {"corrections": corrections} if wired and corrections else {}
    run_batch([src], out, BatchOptions(jobs=1, timeout=60, **extra))
    if corrections and not wired:
        rewrite_run(out, corrections)


class Sheet:
    """Cells of the review workbook addressed by item text and column name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wb = load_workbook(path)
        self.ws = self.wb[SHEET]
        self.col = {c.value: c.column for c in self.ws[1]}
        self.row = {
            self.ws.cell(r, self.col["text"]).value: r for r in range(2, self.ws.max_row + 1)
        }

    def cell(self, text: str, column: str):
        return self.ws.cell(self.row[text], self.col[column])

    def set(self, text: str, column: str, value: str | None) -> None:
        self.cell(text, column).value = value

    def set_labels(self, text: str, taxonomy: str, labels: list[str]) -> None:
        """Set every `taxonomy:` column of the row: yes for `labels`, blank for the others."""
        for key in self.col:
            if key.startswith(f"{taxonomy}:"):
                self.set(text, key, "yes" if key.split(":", 1)[1] in labels else None)

    def save(self, path: Path) -> Path:
        self.wb.save(path)
        return path


def _items(out: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in (out / "items.jsonl").read_text("utf-8").splitlines()]
    return {r["text"]: r for r in rows}


def _documents(out: Path) -> dict[str, dict]:
    found = {}
    for path in (out / "documents").glob("*.json"):
        for item in DocumentResult.model_validate_json(path.read_text("utf-8")).items:
            found[item.text] = item
    return found


@pytest.fixture
def corrected(tmp_path: Path) -> dict[str, Path]:
    """A run, its workbook corrected on five rows, and the corrections applied."""
    src = _corpus(tmp_path / "docs")
    first = tmp_path / "run1"
    _run(src, first)
    book = tmp_path / "review.xlsx"
    assert export_workbook(first, book) == 8
    sheet = Sheet(book)
    assert {MINING, STEERING, WORKSHOP, CAMPAIGN, ROADMAP} <= set(sheet.row), sheet.row
    sheet.set_labels(MINING, "theme", ["forced_labour"])  # a theme
    sheet.set(STEERING, "country", "Tanzania (TZA)")  # a country
    sheet.set(WORKSHOP, "not_an_item", "yes")  # not an item
    sheet.set(CAMPAIGN, "kind", "next_step")  # a kind
    sheet.set(ROADMAP, "confirm", "yes")  # right as it is
    sheet.set(ROADMAP, "note", "checked against the minutes")
    edited = sheet.save(tmp_path / "review-done.xlsx")
    store = tmp_path / "corrections.jsonl"
    report = apply_review(edited, store, reviewer="alice", date="2024-05-02")
    assert (report.rows, len(report.corrections), report.dropped) == (8, 5, 1)
    return {"src": src, "first": first, "store": store, "tmp": tmp_path}


def test_workbook_lists_items_with_dropdowns_and_hidden_keys(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run")
    book = tmp_path / "review.xlsx"
    assert export_workbook(run, book) == 6
    sheet = Sheet(book)
    ws = sheet.ws
    # Least confident first: no labels (0.0), then the weak label (0.35); reviewed last.
    order = [ws.cell(r, sheet.col["text"]).value for r in range(2, ws.max_row + 1)]
    assert order[:2] == ["Hold a validation workshop", "Map trafficking routes"]
    assert order[-1] == "Support migrant domestic workers"
    assert sheet.cell("Map trafficking routes", "needs_review").value.startswith("weak label")
    assert sheet.cell("Map trafficking routes", "theme:human_trafficking").value == "yes"
    assert sheet.cell("Map trafficking routes", "country").value == "Nepal (NPL)"
    assert sheet.cell("Map trafficking routes", "page").value == "slide 3"
    assert "Human trafficking 0.35" in sheet.cell("Map trafficking routes", "labels").value
    # Drop-down lists on every editable column; the countries come from a hidden sheet.
    rules = {str(dv.sqref).split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation}
    letter = {key: ws.cell(1, c).column_letter for key, c in sheet.col.items()}
    assert rules[letter["kind"]].formula1 == '"priority,next_step"'
    assert rules[letter["country"]].formula1.startswith(f"{LISTS_SHEET}!$A$1")
    assert rules[letter["theme:child_labour"]].formula1 == '"yes,no"'
    assert rules[letter["action:monitoring"]].showErrorMessage
    lists = sheet.wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    choices = [c.value for c in lists["A"]]
    assert choices[0] == GLOBAL_CHOICE and "Madagascar (MDG)" in choices
    for key in ("item_id", "text_hash", "item"):
        assert ws.column_dimensions[letter[key]].hidden
    assert "one value" in sheet.wb["How to review"]["A7"].value  # why one column per label
    assert ws.cell(1, sheet.col["theme:child_labour"]).comment.text.startswith("Theme:")


def test_formula_text_is_neutralised(tmp_path: Path) -> None:
    results = sample_results()
    results[0].items[0].text = '=HYPERLINK("http://x","click")'
    results[0].items[1].text = "@SUM(A1)\x07 and -1+2"
    book = tmp_path / "review.xlsx"
    export_workbook(make_run(tmp_path / "run", results), book)
    ws = load_workbook(book)[SHEET]
    texts = [c for c in ws["C"][1:] if c.value.startswith("'")]
    assert {c.value for c in texts} == {'\'=HYPERLINK("http://x","click")', "'@SUM(A1)  and -1+2"}
    assert all(c.data_type == "s" for c in texts)


def test_corrections_show_in_the_next_run(corrected: dict[str, Path]) -> None:
    stored = {c.text: c for c in load_corrections(corrected["store"])}
    assert stored[MINING].themes == ["forced_labour"] and stored[MINING].fields == ["themes"]
    assert stored[STEERING].country == "TZA"
    assert stored[WORKSHOP].not_an_item
    assert stored[CAMPAIGN].kind == "next_step"
    assert stored[ROADMAP].fields == [] and stored[ROADMAP].note == "checked against the minutes"
    assert all(c.reviewer == "alice" and c.date == "2024-05-02" for c in stored.values())

    # The next run, on an edited Peru file: every Peru item id changes (the file's hash is
    # part of it), so the corrections find their items by text.
    src = corrected["src"]
    (src / "peru.md").write_text(
        PERU.replace(
            "## Priorities for action\n\n", "## Priorities for action\n\n- Map bonded labour\n"
        ),
        encoding="utf-8",
    )
    second = corrected["tmp"] / "run2"
    _run(src, second, corrected["store"])

    docs = _documents(second)
    assert WORKSHOP not in docs and "Map bonded labour" in docs
    mining = docs[MINING]
    assert mining.id != stored[MINING].item_id
    assert mining.themes == ["forced_labour"]
    assert mining.theme_scores[0].score == 1.0
    assert mining.theme_scores[0].evidence[-1] == "review: alice, 2024-05-02"
    assert mining.review.model_dump(exclude_none=True) == {
        "reviewer": "alice",
        "date": "2024-05-02",
        "fields": ["themes"],
    }
    assert (docs[STEERING].country, docs[STEERING].country_name) == ("TZA", "Tanzania")
    assert docs[STEERING].review.fields == ["country"]
    assert docs[CAMPAIGN].kind == "next_step"
    assert docs[ROADMAP].review.fields == [] and docs[ROADMAP].review.reviewer == "alice"
    assert docs["Map bonded labour"].review is None

    rows = _items(second)
    assert WORKSHOP not in rows
    assert rows[MINING]["themes"] == ["forced_labour"]
    assert rows[STEERING]["country"] == "TZA"
    assert rows[CAMPAIGN]["kind"] == "next_step"
    with (second / "items.csv").open(encoding="utf-8") as fh:
        csv_rows = {r["text"]: r for r in csv.DictReader(fh)}
    assert csv_rows[MINING]["themes"] == "forced_labour" and WORKSHOP not in csv_rows
    con = sqlite3.connect(second / "priorities.sqlite")
    try:
        assert con.execute("SELECT country FROM items WHERE text = ?", (STEERING,)).fetchone() == (
            "TZA",
        )
        assert con.execute("SELECT count(*) FROM items WHERE text = ?", (WORKSHOP,)).fetchone() == (
            0,
        )
    finally:
        con.close()
    manifest = json.loads((second / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["items"] == 8  # 8 + 1 new - 1 not an item


def test_corrections_become_training_rows_and_teach_the_model(
    corrected: dict[str, Path],
) -> None:
    corrections = load_corrections(corrected["store"])
    rows = {r["text"]: r for r in corrections_as_training_items(corrections, corrected["first"])}
    assert set(rows) == {MINING, STEERING, CAMPAIGN, ROADMAP}  # not the non-item
    assert rows[MINING]["themes"] == ["forced_labour"]
    assert rows[MINING]["section"] == ["Peru – national workshop", "Priorities for action"]
    assert rows[STEERING]["country"] == "TZA" and rows[CAMPAIGN]["kind"] == "next_step"
    assert set(rows[MINING]) >= {"text", "kind", "country", "context", "themes", "actions"}
    # Without the run, the text and context kept in the corrections are enough.
    assert corrections_as_training_items(corrections)[0]["text"] in rows
    write_training_rows(corrected["tmp"] / "rows.jsonl", rows.values())
    assert len((corrected["tmp"] / "rows.jsonl").read_text("utf-8").splitlines()) == 4

    train = pytest.importorskip("pipeline.classify.train")
    from pipeline.classify import classify_items, load_classifier

    subset = corrected["tmp"] / "training"
    subset.mkdir()
    for name, n in (("africa", 60), ("asia_pacific", 60), ("americas", 40)):
        lines = (train.DEFAULT_TRAINING_DIR / f"{name}.jsonl").read_text("utf-8").splitlines()
        (subset / f"{name}.jsonl").write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
    items = list(_documents(corrected["first"]).values())
    before = corrected["tmp"] / "model-before"
    train.train_model(subset, None, before, folds=3)
    labelled = {i.text: i for i in classify_items(items, load_classifier(before))}
    assert "forced_labour" not in labelled[MINING].themes  # the mistake the analyst fixed
    after = corrected["tmp"] / "model-after"  # as `pipeline train --corrections STORE` does
    report = train.train_model(subset, corrected["store"], after, folds=3)
    assert report.corrections_items == 4
    labelled = {i.text: i for i in classify_items(items, load_classifier(after))}
    assert "forced_labour" in labelled[MINING].themes


def test_apply_corrections_by_id_by_text_and_idempotent() -> None:
    result = sample_results()[0]
    item = result.items[2]
    fix = Correction(
        item_id="f" * 16,  # the id moved
        text_hash=text_hash("  MAP trafficking   routes "),
        source="other/folder/deck.pptx",
        themes=["human_trafficking", "migration"],
        country=GLOBAL,
        reviewer="bob",
        date="2024-06-01",
    )
    once = apply_corrections(result, [fix])
    fixed = once.items[2]
    assert fixed.id == item.id and fixed.themes == ["human_trafficking", "migration"]
    assert fixed.country is None and fixed.country_name is None
    assert [s.score for s in fixed.theme_scores] == [1.0, 1.0]
    assert fixed.theme_scores[0].evidence == [
        "phrase: human trafficking",
        "review: bob, 2024-06-01",
    ]
    assert apply_corrections(once, [fix]) == once
    # Another file with the same text is not touched; nor is a text that occurs twice.
    other = result.model_copy(deep=True)
    other.document.source = "reports/another.pptx"
    assert apply_corrections(other, [fix]) == other
    twice = result.model_copy(deep=True)
    twice.items[0].text = item.text
    assert apply_corrections(twice, [fix]).items[2].review is None
    dropped = fix.model_copy(update={"not_an_item": True, "item_id": item.id})
    assert len(apply_corrections(result, [dropped]).items) == len(result.items) - 1


def test_corrections_file_round_trip_merge_and_errors(tmp_path: Path) -> None:
    store = tmp_path / "c.jsonl"
    first = Correction(
        item_id="a" * 16, text_hash="1" * 16, country="NPL", reviewer="a", date="2024-01-01"
    )
    later = Correction(
        item_id="a" * 16, text_hash="1" * 16, themes=["migration"], reviewer="b", date="2024-02-01"
    )
    merged = merge_corrections([first], [later])
    assert len(merged) == 1
    assert (merged[0].country, merged[0].themes, merged[0].reviewer) == ("NPL", ["migration"], "b")
    save_corrections(store, merged)
    assert load_corrections(store) == merged
    assert apply_corrections_to_results(sample_results(), tmp_path / "absent.jsonl") == (
        sample_results()
    )
    store.write_text(store.read_text() + '{"item_id": "b", "reviewer": "x"}\n', encoding="utf-8")
    with pytest.raises(CorrectionsError, match="line 2: text_hash"):
        load_corrections(store)
    with pytest.raises(ValueError, match="unknown themes"):
        Correction(item_id="a", text_hash="b", themes=["slavery"], reviewer="x", date="d")


def test_bad_cells_are_all_named_and_nothing_is_applied(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run")
    book = tmp_path / "review.xlsx"
    export_workbook(run, book)
    sheet = Sheet(book)
    sheet.set("Map trafficking routes", "country", "Atlantis")
    sheet.set("Hold a validation workshop", "theme:migration", "maybe")
    sheet.set("Support migrant domestic workers", "kind", "action")
    sheet.set("Support migrant domestic workers", "item_id", "abc")
    edited = sheet.save(tmp_path / "bad.xlsx")
    store = tmp_path / "corrections.jsonl"
    store.write_text("", encoding="utf-8")
    with pytest.raises(ReviewInputError) as err:
        apply_review(edited, store, reviewer="alice")
    message = err.value.message
    row = sheet.row
    letter = {k: sheet.ws.cell(1, c).column_letter for k, c in sheet.col.items()}
    assert len(err.value.problems) == 4
    assert (
        f"row {row['Map trafficking routes']}, column country ({letter['country']}): "
        "unknown country 'Atlantis'" in message
    )
    assert f"row {row['Hold a validation workshop']}, column theme:migration" in message
    assert "'maybe' is not yes or no" in message
    assert "'action' is not priority or next_step" in message
    assert "column item_id" in message and "Nothing was applied" in message
    assert store.read_text() == ""


def test_csv_with_an_unknown_theme_column_is_refused(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run")
    sheet_csv = tmp_path / "review.csv"
    export_csv(run, sheet_csv)
    text = sheet_csv.read_text("utf-8").replace("theme:modern_slavery", "theme:slavery", 1)
    sheet_csv.write_text(text, encoding="utf-8")
    store = tmp_path / "corrections.jsonl"
    with pytest.raises(ReviewInputError, match=r"row 1, column K: unknown theme 'slavery'"):
        apply_review(sheet_csv, store, reviewer="alice")
    assert not store.exists()


def test_csv_round_trip_with_semicolons(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run")
    exported = tmp_path / "review.csv"
    export_csv(run, exported)
    with exported.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["text"] == "Hold a validation workshop"
    rows[0]["theme:migration"] = "yes"
    rows[0]["country"] = "MDG"
    rows[1]["country"] = "Kenya"
    edited = tmp_path / "edited.csv"  # as a spreadsheet in a ';' locale saves it
    with edited.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    store = tmp_path / "corrections.jsonl"
    report = apply_review(edited, store, reviewer="alice", date="2024-05-02")
    fixes = {c.text: c for c in report.corrections}
    assert set(fixes) == {"Hold a validation workshop", "Map trafficking routes"}
    assert fixes["Hold a validation workshop"].themes == ["migration"]
    assert fixes["Hold a validation workshop"].country is None  # MDG already
    assert fixes["Map trafficking routes"].country == "KEN"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("junk.xlsx", b"not a workbook at all", "is not an Excel workbook"),
        ("cut.xlsx", b"PK\x03\x04" + b"\x00" * 40, "is not a readable Excel workbook"),
        ("latin1.csv", "país;ñ\n".encode("latin-1"), "neither an .xlsx workbook nor UTF-8 CSV"),
        ("short.csv", b"item_id,kind\nabc,priority\n", "row 1: missing columns text_hash"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    store = tmp_path / "corrections.jsonl"
    with pytest.raises(ReviewInputError, match=expected):
        apply_review(path, store, reviewer="alice")
    assert not store.exists()


def test_review_commands(tmp_path: Path) -> None:
    from pipeline import corrections, review_cli

    assert review_cli.DEFAULT_CORRECTIONS == corrections.DEFAULT_CORRECTIONS
    run = make_run(tmp_path / "run")
    runner = CliRunner()
    result = runner.invoke(review, ["export", str(run), "--csv", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    assert (run / "review.xlsx").is_file() and "6 items written" in result.output
    sheet = Sheet(run / "review.xlsx")
    sheet.set("Map trafficking routes", "not_an_item", "yes")
    edited = sheet.save(tmp_path / "done.xlsx")
    store = tmp_path / "c.jsonl"
    args = ["apply", str(edited), "--corrections", str(store), "--reviewer", "alice"]
    result = runner.invoke(review, [*args, "--date", "2024-05-02", "--run", str(run)])
    assert result.exit_code == 0, result.output
    assert "1 corrections from 6 rows (1 marked not an item)" in result.output
    assert "1 corrections applied; 5 items now" in result.output
    assert "Map trafficking routes" not in (run / "items.jsonl").read_text("utf-8")
    result = runner.invoke(review, [*args, "--date", "May 2"])
    assert result.exit_code != 0 and "is not a date" in str(result.exception)


def _grouped_results() -> list[DocumentResult]:
    """The sample deck and its PDF export: the same items (a little differently printed),
    sharing `group_id`, the deck's items canonical."""
    deck, note = sample_results()
    copies = []
    for n, item in enumerate(deck.items):
        group = f"g{n}"
        deck.items[n] = item.model_copy(update={"group_id": group, "canonical": True})
        copies.append(
            item.model_copy(
                update={
                    "id": f"{0xF00 + n:016x}",
                    "text": item.text + ".",
                    "group_id": group,
                    "canonical": False,
                    "provenance": item.provenance.model_copy(update={"source": "reports/deck.pdf"}),
                }
            )
        )
    pdf = DocumentResult(
        pipeline_version="0.1.0",
        document=deck.document.model_copy(update={"source": "reports/deck.pdf", "format": "pdf"}),
        items=copies,
    )
    return [deck, pdf, note]


def test_a_document_group_is_one_row_and_its_correction_reaches_every_rendition(
    tmp_path: Path,
) -> None:
    results = _grouped_results()
    run = make_run(tmp_path / "run", results)
    exported = tmp_path / "review.csv"
    assert export_csv(run, exported) == 6  # 5 groups of two renditions + the note's item
    with exported.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["text"] for r in rows}) == 6
    row = next(r for r in rows if r["text"] == "Map trafficking routes")
    assert row["source"] == "deck.pptx (also in: deck.pdf)"
    assert json.loads(row["renditions"])[0]["item_id"] == f"{0xF02:016x}"
    row["theme:forced_labour"] = "yes"
    edited = tmp_path / "edited.csv"
    with edited.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    store = tmp_path / "corrections.jsonl"
    report = apply_review(edited, store, reviewer="alice", date="2024-05-02")
    assert {(c.item_id, c.source, c.text_hash) for c in report.corrections} == {
        (f"{3:016x}", "deck.pptx", text_hash("Map trafficking routes")),
        (f"{0xF02:016x}", "deck.pdf", text_hash("Map trafficking routes.")),
    }
    stored = load_corrections(store)
    assert len(stored) == 2
    for result in results[:2]:  # both renditions' items are corrected
        [item] = [i for i in apply_corrections(result, stored).items if i.group_id == "g2"]
        assert set(item.themes) == {"human_trafficking", "forced_labour"}
        assert item.review is not None and item.review.reviewer == "alice"

    # The workbook has the same one row per group, and an altered hidden cell is refused.
    book = tmp_path / "review.xlsx"
    assert export_workbook(run, book) == 6
    rows[0]["renditions"] = '[{"item_id": "zz"}]' if rows[0]["renditions"] else "nonsense"
    with edited.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ReviewInputError, match="renditions"):
        apply_review(edited, tmp_path / "other.jsonl", reviewer="bob", date="2024-05-03")
