"""The HTML report: self-contained, escaped, with a heatmap that links to its items."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.batch import InputRecord, Manifest
from pipeline.fileio import write_text_atomic
from pipeline.models import (
    Deadline,
    DocumentInfo,
    DocumentResult,
    Item,
    LabelScore,
    Provenance,
    Review,
)
from pipeline.report import (
    RunNotFoundError,
    build_report,
    item_confidence,
    item_flags,
    load_run,
    report_data,
    write_report,
)
from pipeline.review_cli import report_command

HOSTILE = "<script>alert(1)</script> end child labour"
HOSTILE_SECTION = '"><img src=x onerror=alert(1)>'
HOSTILE_NAME = "<b onmouseover=alert(2)>note.md"


def _item(
    n: int,
    text: str,
    country: str | None,
    themes: dict[str, float],
    actions: dict[str, float],
    kind: str = "priority",
    **extra,
) -> Item:
    names = {"NPL": "Nepal", "MDG": "Madagascar"}
    return Item(
        id=f"{n:016x}",
        kind=kind,
        text=text,
        country=country,
        country_name=names.get(country or ""),
        themes=list(themes),
        actions=list(actions),
        theme_scores=[
            LabelScore(label=k, score=v, evidence=[f"phrase: {k.replace('_', ' ')}"])
            for k, v in themes.items()
        ],
        action_scores=[
            LabelScore(label=k, score=v, evidence=["model: plan, develop"])
            for k, v in actions.items()
        ],
        provenance=Provenance(
            document_id="d" * 64,
            source="x",
            page=n,
            block_ids=[f"p{n}-b1"],
            source_text=text,
        ),
        **extra,
    )


def sample_results() -> list[DocumentResult]:
    """Two documents: Nepal and Madagascar items, a global item with hostile text."""
    deck = [
        _item(
            1,
            "Strengthen labour inspection on child labour in brick kilns",
            "NPL",
            {"child_labour": 0.91},
            {"enforcement": 0.82},
            deadline=Deadline(text="by 2025", date="2025"),
            actors=["Ministry of Labour", "ILO"],
            section=["NEPAL"],
            context=["Child labour:"],
        ),
        _item(
            2,
            "Adopt the national master plan on child labour and bonded labour",
            "NPL",
            {"child_labour": 0.88, "forced_labour": 0.7},
            {"legal_policy": 0.9},
            kind="next_step",
        ),
        _item(3, "Map trafficking routes", "NPL", {"human_trafficking": 0.35}, {}),
        _item(4, "Hold a validation workshop", "MDG", {}, {}, kind="next_step"),
        _item(
            5,
            "Support migrant domestic workers",
            "MDG",
            {"migration": 0.95},
            {"social_protection": 0.6},
            review=Review(reviewer="alice", date="2024-05-02", fields=["themes"]),
        ),
    ]
    note = [
        _item(
            6,
            HOSTILE,
            None,
            {"child_labour": 0.8},
            {"awareness": 0.77},
            section=[HOSTILE_SECTION],
        ),
    ]

    def result(source: str, fmt: str, items: list[Item]) -> DocumentResult:
        return DocumentResult(
            pipeline_version="0.1.0",
            document=DocumentInfo(id="d" * 64, source=source, format=fmt, page_count=9),
            items=items,
        )

    return [
        result("reports/deck.pptx", "pptx", deck),
        result(f"reports/{HOSTILE_NAME}", "markdown", note),
    ]


def make_run(folder: Path, results: list[DocumentResult] | None = None) -> Path:
    """A run folder as `run_batch` writes it: documents/*.json and manifest.json."""
    results = sample_results() if results is None else results
    records = []
    for n, result in enumerate(results):
        output = f"documents/doc{n}.json"
        write_text_atomic(folder / output, result.model_dump_json(indent=2))
        records.append(
            InputRecord(
                path=result.document.source,
                status="processed",
                output=output,
                items=len(result.items),
            )
        )
    records.append(
        InputRecord(path="reports/broken.pdf", status="failed", reason="the pdf is damaged")
    )
    manifest = Manifest(
        run_id="0123456789abcdef",
        started="2024-05-01T10:00:00+00:00",
        finished="2024-05-01T10:01:00+00:00",
        inputs=records,
        counts={"items": sum(len(r.items) for r in results)},
    )
    write_text_atomic(folder / "manifest.json", manifest.model_dump_json(indent=2))
    return folder


def embedded_data(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S
    )
    assert match, "no embedded data"
    return json.loads(match.group(1))


def test_confidence_and_flags() -> None:
    items = {i.id: i for r in sample_results() for i in r.items}
    strong, weak, none, reviewed = (items[f"{n:016x}"] for n in (1, 3, 4, 5))
    assert item_confidence(strong) == 0.82 and item_flags(strong) == []
    assert item_flags(weak) == ["weak label: Human trafficking 0.35"]
    assert item_confidence(none) == 0.0 and item_flags(none) == ["no labels"]
    assert item_confidence(reviewed) == 1.0 and item_flags(reviewed) == []


def test_report_is_self_contained_and_locked_down(tmp_path: Path) -> None:
    page = build_report(load_run(make_run(tmp_path)))
    markup = re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)
    # No request can leave the page: no external scripts, styles, images, fonts or frames.
    assert not re.search(r"<(link|iframe|img|object|embed)\b", markup)
    assert not re.search(r"\b(src|srcset)=", markup)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", markup))
    assert urls <= {"http://www.w3.org/2000/svg"}
    # The CSP allows exactly the page's own script and style, by hash, and nothing else.
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src &#x27;none&#x27;" in csp
    script = re.findall(r"<script>(.*?)</script>", page, re.S)
    style = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(script) == 1 and len(style) == 1
    for body in (script[0], style[0]):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"sha256-{digest}" in csp
    assert "innerHTML" not in script[0] and "insertAdjacentHTML" not in script[0]


def test_document_text_is_never_markup(tmp_path: Path) -> None:
    page = build_report(load_run(make_run(tmp_path)))
    assert "<script>alert(1)" not in page
    assert "<img" not in page
    assert "<b onmouseover" not in page and "&lt;b onmouseover=alert(2)&gt;note.md" in page
    data = embedded_data(page)  # the JSON parses back to the exact text
    texts = {i["text"] for i in data["items"]}
    assert HOSTILE in texts
    assert [HOSTILE_SECTION] in [i["section"] for i in data["items"]]


def test_heatmap_cells_count_and_link_to_their_items(tmp_path: Path) -> None:
    page = build_report(load_run(make_run(tmp_path)))
    cells = {
        (m.group(2), m.group(3)): (m.group(1), int(m.group(4)))
        for m in re.finditer(
            r'<a href="([^"]+)" class="cell" data-country="([^"]+)" data-theme="([^"]+)" '
            r'data-count="(\d+)">',
            page,
        )
    }
    assert cells[("NPL", "child_labour")] == ("#country=NPL&amp;theme=child_labour", 2)
    assert cells[("NPL", "forced_labour")][1] == 1
    assert cells[("MDG", "none")][1] == 1  # the item with no theme
    assert cells[("none", "child_labour")][1] == 1  # global items
    assert ("MDG", "child_labour") not in cells  # empty cells are not links
    data = embedded_data(page)
    npl_child = [
        i for i in data["items"] if i["country"] == "NPL" and "child_labour" in i["themes"]
    ]
    assert len(npl_child) == 2
    assert 'href="#action=enforcement"' in page


def test_report_data_carries_provenance_scores_and_review(tmp_path: Path) -> None:
    data = report_data(load_run(make_run(tmp_path)))
    first = data["items"][0]
    assert first["deadline"] == "by 2025" and first["actors"] == ["Ministry of Labour", "ILO"]
    assert first["themeScores"] == [
        {"label": "child_labour", "score": 0.91, "evidence": ["phrase: child labour"]}
    ]
    assert data["documents"][first["doc"]]["unit"] == "slide"
    assert data["documents"][1]["unit"] == "page"
    reviewed = [i for i in data["items"] if i["review"]]
    assert reviewed[0]["review"]["reviewer"] == "alice"


def test_report_command_writes_the_file(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run")
    out = tmp_path / "share" / "report.html"
    result = CliRunner().invoke(report_command, [str(run), "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and str(out) in result.output
    assert write_report(run) == run / "report.html"
    assert "Documents of the run" in out.read_text("utf-8")
    assert "the pdf is damaged" in out.read_text("utf-8")


def test_report_of_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(RunNotFoundError, match="no documents/"):
        load_run(tmp_path)


def test_empty_run_still_renders(tmp_path: Path) -> None:
    page = build_report(load_run(make_run(tmp_path, [])))
    assert "No items in this run" in page
    assert embedded_data(page)["items"] == []


# ----------------------------------------------------------------------------- groups, sources

CORPUS_DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"


def test_each_document_group_is_shown_and_counted_once(tmp_path: Path) -> None:
    deck, note = sample_results()
    copies = []
    for n, item in enumerate(deck.items):
        deck.items[n] = item.model_copy(update={"group_id": f"g{n}", "canonical": n != 0})
        copies.append(
            item.model_copy(
                update={"id": f"{0xF00 + n:016x}", "group_id": f"g{n}", "canonical": n == 0}
            )
        )
    pdf = DocumentResult(
        pipeline_version="0.1.0",
        document=DocumentInfo(id="e" * 64, source="reports/deck.pdf", format="pdf", page_count=9),
        items=copies,
    )
    page = build_report(load_run(make_run(tmp_path, [deck, pdf, note])))
    data = embedded_data(page)
    assert len(data["items"]) == 6  # 5 groups and the note's item, not 11
    by_text = {i["text"]: i for i in data["items"]}
    first = by_text["Strengthen labour inspection on child labour in brick kilns"]
    assert data["documents"][first["doc"]]["name"] == "deck.pdf"  # the canonical one
    assert [data["documents"][a["doc"]]["name"] for a in first["also"]] == ["deck.pptx"]
    second = by_text["Adopt the national master plan on child labour and bonded labour"]
    assert [a["id"] for a in second["also"]] == [f"{0xF01:016x}"]
    cell = re.search(r'data-country="NPL" data-theme="child_labour" data-count="(\d+)"', page)
    assert cell and cell.group(1) == "2"
    assert '<span class="n">6</span><span class="l">Items</span>' in page


def test_pdf_items_link_to_their_page_image_with_the_box(tmp_path: Path) -> None:
    from pipeline.process import process_file

    source = tmp_path / "in" / "national_workshop_report.pdf"
    source.parent.mkdir()
    source.write_bytes((CORPUS_DOCS / source.name).read_bytes())
    result = process_file(source)
    assert all(i.provenance.bbox is not None for i in result.items)
    run = make_run(tmp_path / "run", [result])
    page = build_report(load_run(run))
    data = embedded_data(page)
    item = data["items"][0]
    assert item["src"] == f"{result.document.id[:16]}-{item['page']}"
    left, top, right, bottom = item["box"]
    assert 0 <= left < right <= 100 and 0 <= top < bottom <= 100
    stored = re.search(
        rf'<script type="application/json" id="src-{item["src"]}">(.*?)</script>', page, re.S
    )
    record = json.loads(stored.group(1))
    assert record["image"].startswith("data:image/jpeg;base64,")
    jpeg = base64.b64decode(record["image"].split(",", 1)[1])
    assert jpeg[:2] == b"\xff\xd8" and len(jpeg) < 200_000
    # One image per page, however many items it holds.
    pages = {i["page"] for i in data["items"]}
    assert len(re.findall(r'id="src-[0-9a-f]{16}-\d+"', page)) == len(pages)

    # With --assets the images are files beside the report, referenced by relative path.
    out = tmp_path / "share" / "report.html"
    result_cli = CliRunner().invoke(report_command, [str(run), "--html", str(out), "--assets"])
    assert result_cli.exit_code == 0, result_cli.output
    text = out.read_text("utf-8")
    assert "data:image/jpeg" not in text
    files = sorted((out.parent / "report_assets").glob("*.jpg"))
    assert len(files) == len(pages) and f"report_assets/{files[0].name}" in text


def test_slides_and_moved_sources_show_text(tmp_path: Path) -> None:
    from pipeline.process import process_file

    source = tmp_path / "in" / "pathfinder_update_2021.pptx"
    source.parent.mkdir()
    source.write_bytes((CORPUS_DOCS / source.name).read_bytes())
    result = process_file(source)
    run = make_run(tmp_path / "run", [result])
    page = build_report(load_run(run))
    item = embedded_data(page)["items"][5]
    stored = re.search(
        rf'<script type="application/json" id="src-{item["src"]}">(.*?)</script>', page, re.S
    )
    blocks = json.loads(stored.group(1))["blocks"]
    assert set(item["blocks"]) <= {b["id"] for b in blocks}
    source.unlink()  # gone: the item's own paragraph is shown instead, and the report says so
    data = report_data(load_run(run), None)
    assert data["items"][5]["src"] is None and data["items"][5]["sourceText"]
    page = build_report(load_run(run))
    assert "is not where it was processed" in page


def test_threads_are_embedded_when_tracked(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    assert embedded_data(build_report(load_run(run)))["threads"] is None
    step = {
        "status": "new",
        "date": "2021-03-03",
        "document_id": "d" * 64,
        "source": "reports/deck.pptx",
        "item_id": f"{2:016x}",
        "kind": "next_step",
        "text": "Adopt the plan",
        "follow_up": {"status": "open"},
    }
    record = {
        "thread_id": "t1",
        "country": "NPL",
        "body": "NPL",
        "kind": "next_step",
        "text": "Adopt the plan",
        "status": "new",
        "first_date": "2021-03-03",
        "last_date": "2021-03-03",
        "items": 1,
        "steps": [step],
    }
    (run / "threads.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    [thread] = embedded_data(build_report(load_run(run)))["threads"]
    assert thread["country"] == "NPL" and thread["steps"][0]["followUp"]["status"] == "open"
