"""Outputs for analysts and dashboards: renditions grouped, review state in every output,
strict schemas, the SQLite reference tables and view, Parquet, CSV for Excel, the README's
Python example."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SEEDS

from pipeline import emit
from pipeline.batch import BatchOptions, run_batch
from pipeline.cli import main
from pipeline.corrections import Correction, save_corrections, text_hash
from pipeline.groups import assign_groups
from pipeline.models import (
    SCHEMA_VERSION,
    DocumentInfo,
    DocumentResult,
    Item,
    Provenance,
)
from pipeline.taxonomy import load_taxonomy

DOCS = ROOT / "corpus" / "docs"
DATA = Path(__file__).resolve().parent / "data"

NOTE = """# Kenya follow-up

## Next steps

- Publish the child labour survey before June 2026
- Convene the national steering committee on forced labour
- Train labour inspectors in Mombasa on trafficking cases
"""


def _options(**kw) -> BatchOptions:
    return BatchOptions(jobs=kw.pop("jobs", 2), timeout=120, **kw)


def _rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "items.jsonl").read_text("utf-8").splitlines()]


def _copy(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(DOCS / name, folder / name)
    return folder


# --------------------------------------------------------------------------- 1. renditions

DECKS = {
    "pathfinder_update_2021": ("pathfinder_update_2021.pptx", "pathfinder_update_2021.pdf"),
    "rwa_pathfinder_workshop_deck": (
        "rwa_pathfinder_workshop_deck.pptx",
        "rwa_pathfinder_workshop_deck.pdf",
        "rwa_pathfinder_workshop_deck.md",
    ),
}


def _check_groups(rows: list[dict]) -> None:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["group_id"] is not None:
            groups[row["group_id"]].append(row)
        else:
            assert row["canonical"] is True  # an item without counterparts counts once
    for members in groups.values():
        # the same item across renditions: one canonical copy, from the richest format
        assert len({Path(r["source"]).stem for r in members}) == 1
        assert len({r["document_id"] for r in members}) == len(members) >= 2
        canonical = [r for r in members if r["canonical"]]
        assert len(canonical) == 1
        assert canonical[0]["source"].endswith(".pptx")
        assert len({r["kind"] for r in members}) == 1
    for stem, names in DECKS.items():
        deck = [r for r in rows if Path(r["source"]).name == names[0]]
        assert deck and all(r["canonical"] for r in deck)
        # each deck item appears once as canonical: its copies in the PDF / Markdown are not
        for name in names[1:]:
            copies = [r for r in rows if Path(r["source"]).name == name]
            grouped = [r for r in copies if r["group_id"] is not None]
            assert not [r for r in grouped if r["canonical"]]
            assert len(grouped) >= 0.85 * len(deck), (stem, name)
        linked = {r["group_id"] for r in deck if r["group_id"]}
        assert len(linked) >= 0.9 * len(deck)
    # the other document has no rendition: nothing grouped
    assert all(r["group_id"] is None for r in rows if r["source"].endswith("regional_note.md"))


def test_renditions_of_a_deck_give_each_item_once_as_canonical(tmp_path: Path) -> None:
    names = [n for group in DECKS.values() for n in group] + ["regional_note.md"]
    src = _copy(tmp_path / "in", *names)
    out = tmp_path / "out"
    run_batch([src], out, _options())
    rows = _rows(out)
    _check_groups(rows)
    con = sqlite3.connect(out / "priorities.sqlite")
    try:
        docs = dict(con.execute("SELECT source, group_id FROM documents").fetchall())
        sql_rows = con.execute("SELECT item_id, group_id, canonical FROM items").fetchall()
    finally:
        con.close()
    by_stem = defaultdict(set)
    for source, group in docs.items():
        by_stem[Path(source).stem].add(group)
    assert all(len(g) == 1 and None not in g for s, g in by_stem.items() if s in DECKS)
    assert by_stem["regional_note"] == {None}
    assert {(r["item_id"], r["group_id"], int(r["canonical"])) for r in rows} == set(sql_rows)
    # the per-document JSON carries them too
    for path in (out / "documents").glob("*.json"):
        result = DocumentResult.model_validate_json(path.read_text("utf-8"))
        by_id = {r["item_id"]: r for r in rows}
        for item in result.items:
            assert (item.group_id, item.canonical) == (
                by_id[item.id]["group_id"],
                by_id[item.id]["canonical"],
            )


def test_groups_are_recomputed_from_cached_results_on_each_run(tmp_path: Path) -> None:
    src = _copy(tmp_path / "in", "pathfinder_update_2021.pdf")
    out = tmp_path / "out"
    run_batch([src], out, _options())
    assert all(r["group_id"] is None and r["canonical"] for r in _rows(out))
    # the deck arrives: the PDF's result is cached, yet its items join the deck's groups
    _copy(src, "pathfinder_update_2021.pptx")
    manifest = run_batch([src], out, _options())
    status = {Path(r.path).name: r.status for r in manifest.inputs}
    assert status == {
        "pathfinder_update_2021.pdf": "unchanged",
        "pathfinder_update_2021.pptx": "processed",
    }
    rows = _rows(out)
    pdf = [r for r in rows if r["source"].endswith(".pdf")]
    assert pdf and all(r["group_id"] and not r["canonical"] for r in pdf)
    # the deck goes away: the PDF's items are canonical again
    (src / "pathfinder_update_2021.pptx").unlink()
    run_batch([src], out, _options(prune=True))
    assert all(r["group_id"] is None and r["canonical"] for r in _rows(out))


def _result(doc_id: str, source: str, fmt: str, texts: list[str]) -> DocumentResult:
    items = [
        Item(
            id=f"{doc_id[:4]}{n:012d}",
            kind="priority",
            text=text,
            provenance=Provenance(
                document_id=doc_id, source=source, page=1, block_ids=[], source_text=text
            ),
        )
        for n, text in enumerate(texts)
    ]
    info = DocumentInfo(id=doc_id, source=source, format=fmt, page_count=1)
    return DocumentResult(pipeline_version="test", document=info, items=items)


SHARED_ITEM = "Adopt the national action plan against child labour and forced labour"


def test_items_repeated_across_different_documents_are_not_merged() -> None:
    a = _result(
        "a" * 64,
        "in/kenya_workshop.md",
        "markdown",
        [
            SHARED_ITEM,
            "Train labour inspectors in the tea sector",
            "Publish the child labour survey",
            "Set up a hotline for victims of trafficking",
        ],
    )
    b = _result(
        "b" * 64,
        "in/uganda_workshop.pdf",
        "pdf",
        [
            SHARED_ITEM,
            "Review the penalties for recruitment fraud",
            "Open a shelter for child victims in the north",
            "Ratify the Protocol of 2014 to the Forced Labour Convention",
        ],
    )
    # same stem, different documents: the name alone does not group them
    c = _result(
        "c" * 64,
        "other/kenya_workshop.docx",
        "docx",
        [SHARED_ITEM, "Map the worst forms of child labour in mining", "Fund the secretariat"],
    )
    groups = assign_groups([a, b, c])
    assert set(groups.documents.values()) == {None}
    assert all(groups.item(i.id) == (None, True) for r in (a, b, c) for i in r.items)


def test_a_rendition_with_small_differences_is_grouped_by_content() -> None:
    texts = [
        SHARED_ITEM,
        "Train labour inspectors in the tea sector by 2025",
        "Publish the child labour survey",
        "Set up a hotline for victims of trafficking",
        "Convene the steering committee every quarter",
    ]
    md = _result("a" * 64, "in/notes.md", "markdown", texts)
    # a PDF export under another name, with a hyphenation slip and one extra line
    pdf_texts = [t.replace("action plan", "ac tion plan") for t in texts] + ["Page 2 of 4"]
    pdf = _result("b" * 64, "in/export-final.pdf", "pdf", pdf_texts)
    groups = assign_groups([md, pdf])
    assert groups.documents[md.document.id] == groups.documents[pdf.document.id] is not None
    for m, p in zip(md.items, pdf.items, strict=False):
        assert groups.item(p.id)[0] == groups.item(m.id)[0] is not None
        assert groups.item(p.id)[1] is True  # the PDF is richer than Markdown
        assert groups.item(m.id)[1] is False
    assert groups.item(pdf.items[-1].id) == (None, True)


# --------------------------------------------------------------------------- 2. review state


def test_review_state_is_in_jsonl_csv_sqlite_and_parquet(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "kenya.md").write_text(NOTE, "utf-8")
    out = tmp_path / "out"
    run_batch([src], out, _options(jobs=1))
    rows = _rows(out)
    assert len(rows) == 3 and {r["review_status"] for r in rows} == {"machine"}

    def correction(row: dict, **kw) -> Correction:
        return Correction(
            item_id=row["item_id"],
            text_hash=text_hash(row["text"]),
            source="kenya.md",
            text=row["text"],
            reviewer="ana",
            date="2024-05-02",
            **kw,
        )

    store = tmp_path / "corrections.jsonl"
    save_corrections(
        store,
        [
            correction(rows[0], country="UGA", note="The survey is Uganda's"),
            correction(rows[1]),  # confirmed as it is
            correction(rows[2], not_an_item=True, note="a heading"),
        ],
    )
    manifest = run_batch([src], out, _options(jobs=1, corrections=store))
    assert manifest.counts["rejected"] == 1 and manifest.counts["items"] == 2
    expected = {
        rows[0]["item_id"]: ("corrected", "ana", "2024-05-02", "The survey is Uganda's"),
        rows[1]["item_id"]: ("reviewed", "ana", "2024-05-02", None),
    }
    fields = ("review_status", "reviewer", "review_date", "review_note")
    assert {r["item_id"]: tuple(r[f] for f in fields) for r in _rows(out)} == expected
    with (out / "items.csv").open(encoding="utf-8", newline="") as fh:
        got = {r["item_id"]: tuple(r[f] or None for f in fields) for r in csv.DictReader(fh)}
    assert got == expected
    con = sqlite3.connect(out / "priorities.sqlite")
    try:
        got = {
            r[0]: tuple(r[1:])
            for r in con.execute(f"SELECT item_id, {', '.join(fields)} FROM items")
        }
    finally:
        con.close()
    assert got == expected
    table = pq.read_table(out / "items.parquet").to_pylist()
    got = {
        r["item_id"]: (r["review_status"], r["reviewer"], str(r["review_date"]), r["review_note"])
        for r in table
    }
    assert got == expected
    # the per-document JSON says it too
    (doc,) = (out / "documents").glob("*.json")
    result = DocumentResult.model_validate_json(doc.read_text("utf-8"))
    assert [i.review_status for i in result.items] == ["corrected", "reviewed"]
    assert result.items[0].review is not None and result.items[0].review.note


def test_results_written_before_review_status_derive_it() -> None:
    data = {
        "id": "x",
        "kind": "priority",
        "text": "t",
        "provenance": {"document_id": "d", "source": "s", "page": 1, "block_ids": []}
        | {"source_text": "t"},
        "review": {"reviewer": "ana", "date": "2024-01-01", "fields": ["kind"]},
    }
    assert Item.model_validate(data).review_status == "corrected"
    data["review"]["fields"] = []
    assert Item.model_validate(data).review_status == "reviewed"
    del data["review"]
    assert Item.model_validate(data).review_status == "machine"


# --------------------------------------------------------------------------- 3. schemas


def test_emitted_schemas_match_the_committed_copies() -> None:
    """A schema change must be deliberate. If this fails, bump SCHEMA_VERSION in
    pipeline/models.py as README.md § "Schema versions" says (new optional field: minor;
    removed/renamed field or changed meaning: major), then update the copies with
        .venv/bin/pipeline schema > tests/data/schema.json
        .venv/bin/pipeline schema --rows > tests/data/items.schema.json
    """
    how = (
        "the emitted schema changed: bump SCHEMA_VERSION (README rules) and run "
        "`.venv/bin/pipeline schema > tests/data/schema.json` and "
        "`.venv/bin/pipeline schema --rows > tests/data/items.schema.json`"
    )
    for committed, emitted in (
        (DATA / "schema.json", emit.result_schema()),
        (DATA / "items.schema.json", emit.row_schema()),
    ):
        saved = json.loads(committed.read_text("utf-8"))
        if saved != emitted and saved.get("schema_version") == SCHEMA_VERSION:
            pytest.fail(f"{how}; the version is still {SCHEMA_VERSION}")
        assert saved == emitted, how


def _objects(node, path="#"):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _objects(value, f"{path}/{n}")


def test_schemas_are_strict(tmp_path: Path) -> None:
    tax = load_taxonomy()
    for schema in (emit.result_schema(), emit.row_schema()):
        jsonschema.Draft202012Validator.check_schema(schema)
        objects = list(_objects(schema))
        assert objects and all(o.get("additionalProperties") is False for _, o in objects)
    result, rows = emit.result_schema(), emit.row_schema()
    item = result["$defs"]["Item"]["properties"]
    assert item["themes"]["items"]["enum"] == tax.ids("themes")
    assert item["actions"]["items"]["enum"] == tax.ids("actions")
    assert item["kind"]["enum"] == ["priority", "next_step"]
    assert item["review_status"]["enum"] == ["machine", "reviewed", "corrected", "rejected"]
    assert rows["properties"]["review_status"]["enum"] == item["review_status"]["enum"]
    assert rows["properties"]["theme_scores"]["propertyNames"]["enum"] == tax.ids("themes")
    assert set(rows["required"]) == set(emit.ROW_FIELDS) == set(emit.CSV_FIELDS)

    src = tmp_path / "in"
    src.mkdir()
    (src / "kenya.md").write_text(NOTE, "utf-8")
    out = tmp_path / "out"
    run_batch([src], out, _options(jobs=1))
    assert json.loads((out / "items.schema.json").read_text("utf-8")) == rows
    (doc,) = (out / "documents").glob("*.json")
    data = json.loads(doc.read_text("utf-8"))
    jsonschema.validate(data, result)
    for row in _rows(out):
        jsonschema.validate(row, rows)
        assert set(row) == set(emit.ROW_FIELDS)
    bad_cases = [
        ("country", "Kenya"),
        ("themes", ["not_a_theme"]),
        ("unknown_field", 1),
        ("review_status", "approved"),
    ]
    for key, value in bad_cases:
        broken = json.loads(json.dumps(data))
        broken["items"][0][key] = value
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, result)
        row = {**_rows(out)[0], key: value}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(row, rows)


def test_deadline_has_one_documented_shape(tmp_path: Path) -> None:
    """Nested JSON: an object {text, date, relation}; every flat row: three columns."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "kenya.md").write_text(NOTE, "utf-8")
    out = tmp_path / "out"
    run_batch([src], out, _options(jobs=1))
    (doc,) = (out / "documents").glob("*.json")
    item = json.loads(doc.read_text("utf-8"))["items"][0]
    assert set(item["deadline"]) == {"text", "date", "relation"}
    flat = (item["deadline"]["text"], item["deadline"]["date"], item["deadline"]["relation"])
    cols = ("deadline_text", "deadline_date", "deadline_relation")
    row = _rows(out)[0]
    assert "deadline" not in row and tuple(row[c] for c in cols) == flat
    with (out / "items.csv").open(encoding="utf-8", newline="") as fh:
        first_csv = next(csv.DictReader(fh))
    assert tuple(first_csv[c] for c in cols) == flat
    con = sqlite3.connect(out / "priorities.sqlite")
    try:
        assert con.execute(f"SELECT {', '.join(cols)} FROM items LIMIT 1").fetchone() == flat
    finally:
        con.close()
    first = pq.read_table(out / "items.parquet").to_pylist()[0]
    assert tuple(first[c] for c in cols) == flat


# --------------------------------------------------------------------------- 4. SQLite


def test_sqlite_is_ready_for_dashboards(tmp_path: Path) -> None:
    src = _copy(tmp_path / "in", "regional_note.md")
    out = tmp_path / "out"
    run_batch([src], out, _options(jobs=1))
    con = sqlite3.connect(out / "priorities.sqlite")
    try:
        tax = load_taxonomy()
        labels = con.execute("SELECT taxonomy, id, name, description FROM labels").fetchall()
        assert len(labels) == len(tax.themes) + len(tax.actions)
        assert ("theme", "child_labour") in {(t, i) for t, i, _, _ in labels}
        assert all(name and description for _, _, name, description in labels)
        assert con.execute("SELECT name FROM countries WHERE code = 'KEN'").fetchone() == ("Kenya",)
        assert con.execute("SELECT count(*) FROM countries").fetchone()[0] >= 249
        # every label and country an item uses is in the reference tables
        assert not con.execute(
            "SELECT 1 FROM item_labels l LEFT JOIN labels b ON b.taxonomy = l.taxonomy "
            "AND b.id = l.label WHERE b.id IS NULL"
        ).fetchall()
        assert not con.execute(
            "SELECT 1 FROM items i LEFT JOIN countries c ON c.code = i.country "
            "WHERE i.country IS NOT NULL AND c.code IS NULL"
        ).fetchall()
        view = con.execute(
            "SELECT country, theme, items FROM items_by_country_theme "
            "WHERE country = 'KEN' AND theme = 'child_labour'"
        ).fetchone()
        direct = con.execute(
            "SELECT count(*) FROM items JOIN item_labels USING (item_id) WHERE country = 'KEN' "
            "AND taxonomy = 'theme' AND label = 'child_labour' AND canonical = 1"
        ).fetchone()[0]
        assert view == ("KEN", "child_labour", direct) and direct > 0
        # descriptions of every table, view and column
        described = defaultdict(set)
        for table, column in con.execute("SELECT table_name, column_name FROM _metadata"):
            described[table].add(column)
        names = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")
        ]
        for name in names:
            columns = {r[1] for r in con.execute(f"PRAGMA table_info({name})")}
            assert described[name] == {None, *columns}, name
        indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {
            "items_country",
            "items_kind",
            "items_document",
            "item_labels_label",
            "items_group",
        } <= indexes
        plan = con.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM items WHERE country = 'KEN'"
        ).fetchall()
        assert any("items_country" in str(step) for step in plan)
    finally:
        con.close()
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    tables = meta["databases"]["priorities"]["tables"]
    assert set(tables) == set(names)
    assert tables["items"]["columns"]["canonical"]


# --------------------------------------------------------------------------- 5. Parquet


def test_parquet_equals_the_sqlite_rows(tmp_path: Path) -> None:
    src = _copy(tmp_path / "in", "regional_note.md", "pathfinder_update_2021.pptx")
    (src / "kenya.md").write_text(NOTE, "utf-8")
    out = tmp_path / "out"
    manifest = run_batch([src], out, _options())
    items = pq.read_table(out / "items.parquet")
    labels = pq.read_table(out / "item_labels.parquet")
    assert str(items.schema.field("actors").type) == "list<element: string>"
    assert str(items.schema.field("canonical").type) == "bool"
    assert str(items.schema.field("review_date").type) == "date32[day]"

    def as_sqlite(row: dict, json_columns: set[str]) -> tuple:
        out = []
        for key, value in row.items():
            if key in json_columns:
                value = json.dumps(value, ensure_ascii=False)
            elif isinstance(value, bool):
                value = int(value)
            elif key == "review_date" and value is not None:
                value = value.isoformat()
            out.append(value)
        return tuple(out)

    con = sqlite3.connect(out / "priorities.sqlite")
    try:
        for table, columns_json in (
            (items, {"actors", "block_ids", "section"}),
            (labels, {"evidence"}),
        ):
            name = "items" if table is items else "item_labels"
            sql_columns = [r[1] for r in con.execute(f"PRAGMA table_info({name})")]
            assert table.column_names == sql_columns
            sql = con.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
            assert [as_sqlite(r, columns_json) for r in table.to_pylist()] == sql
    finally:
        con.close()
    assert items.num_rows == manifest.counts["items"] > 0
    # written in the same generation as the other aggregates
    current = (out / "current").resolve()
    assert (out / "items.parquet").resolve().parent == current
    assert (out / "item_labels.parquet").resolve().parent == current
    assert manifest.generation == current.name


# --------------------------------------------------------------------------- 6. CSV for Excel


def test_csv_bom_option(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "côte.md").write_text(
        "# Côte d'Ivoire – atelier\n\n## Prochaines étapes\n\n"
        "- Élaborer le plan d'action national contre le travail des enfants\n",
        "utf-8",
    )
    out = tmp_path / "out"
    main(["run", str(src), "--out", str(out), "--jobs", "1", "-q"])
    plain = (out / "items.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf")
    main(["run", str(src), "--out", str(out), "--jobs", "1", "-q", "--csv-bom"])
    data = (out / "items.csv").read_bytes()
    assert data == b"\xef\xbb\xbf" + plain
    with (out / "items.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and rows[0]["item_id"] and "Côte" in rows[0]["source"] + rows[0]["country_name"]
    # and back without the option
    main(["run", str(src), "--out", str(out), "--jobs", "1", "-q"])
    assert (out / "items.csv").read_bytes() == plain


# --------------------------------------------------------------------------- 7. README


def test_readme_python_api_example_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "README.md § Python API has no ```python block"
    (tmp_path / "example.py").write_text(code.group(1), "utf-8")
    done = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "next_step KEN" in done.stdout
    assert (tmp_path / "out" / "items.parquet").is_file()
    assert "make run" in readme and ".venv/bin/pipeline" in readme


def test_a_seeds_run_counts_each_deck_item_once(tmp_path: Path) -> None:
    """The seed deck arrives as PPTX, PDF and Markdown: each item is canonical once."""
    seeds = SEEDS
    if not seeds.is_dir():
        import pytest

        pytest.skip("../shared/seeds is absent")
    src = tmp_path / "in"
    src.mkdir()
    for name in ("deck.pptx", "deck.pdf", "deck.md"):
        shutil.copy(seeds / name, src / name)
    out = tmp_path / "out"
    run_batch([src], out, _options())
    rows = [json.loads(line) for line in (out / "items.jsonl").read_text("utf-8").splitlines()]
    per_file = defaultdict(int)
    for row in rows:
        per_file[Path(row["source"]).name] += 1
    # Every item the three renditions share is one group with one canonical item, the
    # PPTX's; an item only one rendition gives (a borderline line the Markdown takes and the
    # deck does not) has no group and stays canonical, and there are few such.
    groups = defaultdict(list)
    for row in rows:
        if row["group_id"]:
            groups[row["group_id"]].append(row)
    assert len(groups) >= per_file["deck.pptx"] - 2
    for members in groups.values():
        canonical = [r for r in members if r["canonical"]]
        assert len(canonical) == 1 and Path(canonical[0]["source"]).name == "deck.pptx"
    alone = [r for r in rows if not r["group_id"]]
    assert all(r["canonical"] for r in alone) and len(alone) <= 3
