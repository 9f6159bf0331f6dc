"""pipeline/emit/ on a small hand-made result: flat rows, the CSV's formula guard, the
JSONL rows against their schema, the SQLite and Parquet rows, duplicate item ids, and the
registry of writers that drives them."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from pipeline import emit
from pipeline.models import (
    SCHEMA_VERSION,
    Deadline,
    DocumentInfo,
    DocumentResult,
    Item,
    LabelScore,
    Provenance,
    Review,
)

DOC_ID = "a" * 64


def _item(n: int, text: str, **fields) -> Item:
    provenance = Provenance(
        document_id=DOC_ID,
        source="reports/kenya.pdf",
        page=fields.pop("page", 2),
        block_ids=[f"p2-b{n}"],
        span=(0, len(text)),
        source_text=text,
    )
    kind = fields.pop("kind", "priority")
    return Item(id=f"item-{n}", kind=kind, text=text, provenance=provenance, **fields)


def _result(items: list[Item], doc_id: str = DOC_ID, source: str = "reports/kenya.pdf"):
    return DocumentResult(
        pipeline_version="0.1.0",
        model_version="m1",
        document=DocumentInfo(
            id=doc_id, source=source, format="pdf", page_count=3, title="Kenya roadmap"
        ),
        items=items,
    )


@pytest.fixture
def result() -> DocumentResult:
    full = _item(
        1,
        "Adopt the national action plan on child labour",
        country="KEN",
        country_name="Kenya",
        themes=["child_labour"],
        actions=["legal_policy"],
        theme_scores=[LabelScore(label="child_labour", score=0.91234, evidence=["child labour"])],
        action_scores=[LabelScore(label="legal_policy", score=0.5, evidence=["adopt"])],
        deadline=Deadline(text="before June 2025", date="2025-06", relation="before"),
        actors=["Ministry of Labour", "ILO"],
        section=["Kenya", "Priorities"],
        cue="priorities",
        group_id="g1",
        review=Review(reviewer="ana", date="2024-05-02", fields=["themes"], note="checked"),
    )
    formula = _item(
        2,
        '=HYPERLINK("http://evil","x")',
        kind="next_step",
        actors=["-ministry", "+partners"],
        section=["@Next steps"],
        canonical=False,
    )
    return _result([full, formula])


def test_item_row_is_flat_and_has_the_row_fields(result: DocumentResult) -> None:
    row = emit.item_row(result, result.items[0])
    assert list(row) == emit.ROW_FIELDS
    assert row["item_id"] == "item-1"
    assert (row["document_id"], row["source"]) == (DOC_ID, "reports/kenya.pdf")
    assert (row["country"], row["country_name"]) == ("KEN", "Kenya")
    assert row["theme_scores"] == {"child_labour": 0.9123}  # rounded to 4 places
    assert row["action_scores"] == {"legal_policy": 0.5}
    assert (row["deadline_text"], row["deadline_date"], row["deadline_relation"]) == (
        "before June 2025",
        "2025-06",
        "before",
    )
    assert row["page"] == 2
    assert row["section"] == ["Kenya", "Priorities"]
    assert row["review_status"] == "corrected"  # derived from the review's fields
    assert (row["reviewer"], row["review_date"], row["review_note"]) == (
        "ana",
        "2024-05-02",
        "checked",
    )
    bare = emit.item_row(result, result.items[1])
    assert bare["deadline_text"] is bare["deadline_date"] is bare["deadline_relation"] is None
    assert (bare["review_status"], bare["reviewer"]) == ("machine", None)
    assert bare["canonical"] is False


def test_sqlite_item_columns(result: DocumentResult) -> None:
    values = emit.sqlite_item(7, result, result.items[0])
    assert len(values) == 21
    assert values[:4] == ("item-1", DOC_ID, 7, "priority")
    assert json.loads(values[10]) == ["Ministry of Labour", "ILO"]
    assert json.loads(values[12]) == ["p2-b1"]
    assert json.loads(values[13]) == ["Kenya", "Priorities"]
    assert values[16] == 1  # canonical as an integer


def _write(tmp_path: Path, results: list[DocumentResult], **kwargs) -> tuple[Path, int]:
    run = {
        "run_id": "r1",
        "started": "2024-05-02T10:00:00Z",
        "pipeline_version": "0.1.0",
        "schema_version": SCHEMA_VERSION,
    }
    out = tmp_path / "out"
    count = emit.write_outputs(out, iter(results), [run], **kwargs)
    return out, count


def test_jsonl_rows_validate_against_the_row_schema(tmp_path: Path, result: DocumentResult) -> None:
    out, count = _write(tmp_path, [result])
    assert count == 2
    rows = [json.loads(line) for line in (out / "items.jsonl").read_text("utf-8").splitlines()]
    assert [r["item_id"] for r in rows] == ["item-1", "item-2"]
    schema = json.loads((out / emit.ROW_SCHEMA_FILE).read_text("utf-8"))
    assert schema == emit.row_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for row in rows:
        validator.validate(row)
    # The schema is strict: unknown fields, label ids and countries outside the lists fail.
    bad = [
        {**rows[0], "extra": 1},
        {**rows[0], "themes": ["not_a_theme"]},
        {**rows[0], "country": "Kenya"},
        {**rows[0], "theme_scores": {"child_labour": 1.5}},
        {k: v for k, v in rows[0].items() if k != "review_status"},
    ]
    for row in bad:
        assert not validator.is_valid(row), row


def test_csv_neutralises_formula_prefixes(tmp_path: Path, result: DocumentResult) -> None:
    out, _ = _write(tmp_path, [result])
    with (out / "items.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == emit.CSV_FIELDS
    first, second = rows
    assert first["text"] == "Adopt the national action plan on child labour"
    assert first["themes"] == "child_labour"
    assert first["theme_scores"] == "child_labour:0.91"
    assert first["actors"] == "Ministry of Labour; ILO"
    assert first["section"] == "Kenya > Priorities"
    assert (first["canonical"], first["country"]) == ("true", "KEN")
    assert second["text"] == '\'=HYPERLINK("http://evil","x")'
    assert second["actors"] == "'-ministry; +partners"
    assert second["section"] == "'@Next steps"
    assert (second["canonical"], second["country"], second["deadline_date"]) == ("false", "", "")
    assert not (out / "items.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_csv_bom(tmp_path: Path, result: DocumentResult) -> None:
    out, _ = _write(tmp_path, [result], csv_bom=True)
    assert (out / "items.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_sqlite_and_parquet_hold_the_same_items(tmp_path: Path, result: DocumentResult) -> None:
    import pyarrow.parquet as pq

    out, _ = _write(tmp_path, [result])
    con = sqlite3.connect(out / "priorities.sqlite")
    try:
        items = con.execute(
            "SELECT item_id, position, text, canonical FROM items ORDER BY position"
        ).fetchall()
        labels = con.execute("SELECT item_id, taxonomy, label, score FROM item_labels").fetchall()
        runs = con.execute("SELECT run_id FROM runs").fetchall()
        docs = con.execute("SELECT document_id, title FROM documents").fetchall()
    finally:
        con.close()
    assert items == [
        ("item-1", 0, "Adopt the national action plan on child labour", 1),
        ("item-2", 1, '=HYPERLINK("http://evil","x")', 0),  # SQLite keeps the text as is
    ]
    assert sorted(labels) == [
        ("item-1", "action", "legal_policy", 0.5),
        ("item-1", "theme", "child_labour", 0.91234),
    ]
    assert runs == [("r1",)]
    assert docs == [(DOC_ID, "Kenya roadmap")]
    table = pq.read_table(out / "items.parquet").to_pylist()
    assert [r["item_id"] for r in table] == ["item-1", "item-2"]
    assert str(table[0]["review_date"]) == "2024-05-02"


def test_an_item_id_met_twice_is_written_once(tmp_path: Path, result: DocumentResult) -> None:
    twin = _result(result.items, doc_id="b" * 64, source="copy/kenya.pdf")
    out, count = _write(tmp_path, [result, twin])
    assert count == 2
    lines = (out / "items.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(x)["source"] for x in lines] == ["reports/kenya.pdf"] * 2


def test_write_outputs_leaves_nothing_behind_on_failure(
    tmp_path: Path, result: DocumentResult
) -> None:
    def broken():
        yield result
        raise RuntimeError("reader failed")

    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        emit.write_outputs(out, broken(), [])
    assert list(out.iterdir()) == []


# ----------------------------------------------------------------------------- the registry

DEFAULT_FILES = [
    "items.jsonl",
    "items.csv",
    "priorities.sqlite",
    "items.parquet",
    "item_labels.parquet",
    "items.schema.json",
    "metadata.json",
]


class ToyWriter(emit.Writer):
    """A format in a few lines: the item ids, one per line, and how many runs."""

    files = ("toy.txt",)
    fail_at: str | None = None

    def open(self, temps: dict[str, Path]) -> None:
        super().open(temps)
        self.fh = temps["toy.txt"].open("w", encoding="utf-8")
        self.fh.write("half-written\n")  # on disk before the end: must never reach toy.txt

    def add(self, result: DocumentResult, items: list[Item]) -> None:
        if self.fail_at == "add" and result.document.source == "second.pdf":
            raise RuntimeError("toy writer failed")
        self.fh.write("".join(f"{item.id}\n" for item in items))

    def finish(self, runs: list[dict]) -> None:
        if self.fail_at == "finish":
            raise RuntimeError("toy writer failed")
        self.fh.write(f"runs: {len(runs)}\n")
        self.fh.close()

    def abort(self) -> None:
        if hasattr(self, "fh"):
            self.fh.close()


def test_the_registry_lists_every_format_in_rename_order() -> None:
    assert [name for cls in emit.WRITERS for name in cls.files] == DEFAULT_FILES
    assert all(issubclass(cls, emit.Writer) for cls in emit.WRITERS)


def test_a_writer_added_to_the_registry_writes_its_file_atomically(
    tmp_path: Path, result: DocumentResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    # At each crash point, which final files exist: files appear one rename at a time, in
    # registry order, and only after every writer has finished.
    seen: list[list[str]] = []
    monkeypatch.setattr(
        emit, "crash_point", lambda: seen.append(sorted(p.name for p in out.glob("[!.]*")))
    )
    writers = (*emit.WRITERS, ToyWriter)
    count = emit.write_outputs(out, iter([result]), [], writers=writers)
    assert count == 2
    assert (out / "toy.txt").read_text("utf-8") == "half-written\nitem-1\nitem-2\nruns: 0\n"
    names = [*DEFAULT_FILES, "toy.txt"]
    assert seen == [sorted(names[:n]) for n in range(len(names) + 1)]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # no temporary file left
    # The other formats are unchanged by the extra writer.
    reference, _ = _write(tmp_path / "reference", [result])
    for name in ("items.jsonl", "items.csv", "items.schema.json", "metadata.json"):
        assert (out / name).read_bytes() == (reference / name).read_bytes()


@pytest.mark.parametrize("fail_at", ["add", "finish"])
def test_a_failing_writer_leaves_no_half_written_file_of_any_writer(
    tmp_path: Path, result: DocumentResult, fail_at: str
) -> None:
    out, _ = _write(tmp_path, [result])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    second = _result([_item(3, "Ratify the convention")], doc_id="c" * 64, source="second.pdf")

    class Failing(ToyWriter):
        pass

    Failing.fail_at = fail_at
    with pytest.raises(RuntimeError, match="toy writer failed"):
        emit.write_outputs(out, iter([result, second]), [], writers=(*emit.WRITERS, Failing))
    # The previous outputs are all there, unchanged; no toy.txt, no temporary file.
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_two_writers_may_not_own_the_same_file(tmp_path: Path, result: DocumentResult) -> None:
    with pytest.raises(ValueError, match="same file"):
        emit.write_outputs(tmp_path, iter([result]), [], writers=(ToyWriter, ToyWriter))
    assert list(tmp_path.iterdir()) == []
