"""tools/render_corpus.py: specs become documents and gold files that agree."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT


def _load_renderer():
    spec = importlib.util.spec_from_file_location(
        "render_corpus", ROOT / "tools" / "render_corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["render_corpus"] = module
    spec.loader.exec_module(module)
    return module


rc = _load_renderer()

LONG = (
    "Strengthen the labour inspectorate in the cocoa and gold mining districts so that "
    "inspectors can detect child labour and forced labour and refer every case found"
)


def doc_spec(**style) -> dict:
    """A document spec with every non-slide block type and a few items in each."""
    return {
        "id": "tiny_brief",
        "family": "brief",
        "lang": "en",
        "formats": ["md", "txt", "docx", "pdf", "pptx"],
        "country": "GHA",
        "title": "Ghana: a tiny brief",
        "subtitle": "Test document",
        "header": "Alliance 8.7",
        "footer": "Alliance 8.7 | Tests",
        "style": style,
        "blocks": [
            {
                "email": {
                    "from": "a@example.org",
                    "to": "b@example.org",
                    "date": "1 May 2023",
                    "subject": "Follow-up",
                }
            },
            {"h1": "Priorities"},
            {
                "p": [
                    "The plan covers: ",
                    {
                        "P": "a hotline for victims",
                        "t": ["human_trafficking"],
                        "a": ["victim_support"],
                    },
                    " and ",
                    {"P": "training for judges", "a": ["capacity_building"]},
                    ".",
                ]
            },
            {"p": "Next steps:", "bold": True},
            {
                "ul": [
                    {
                        "P": LONG,
                        "t": ["child_labour", "forced_labour"],
                        "a": ["enforcement", "capacity_building"],
                    },
                    {
                        "text": "Data:",
                        "sub": [
                            {"P": "Run a national child labour survey", "a": ["data_research"]},
                            {
                                "P": "Publish a forced labour dashboard",
                                "c": None,
                                "sub": [{"N": "Hire a data officer", "a": ["resources"]}],
                            },
                        ],
                    },
                    "Lessons learnt are not items",
                ]
            },
            {"h2": "Numbered"},
            {
                "ol": [
                    {"N": "Adopt the national action plan", "a": ["legal_policy"]},
                    {
                        "N": "Validate the roadmap with social partners",
                        "a": ["coordination"],
                        "sub": [{"N": "Share the draft with unions"}],
                    },
                ]
            },
            {"pagebreak": True},
            {"h3": "Table"},
            {
                "table": {
                    "header": ["Theme", "Actions"],
                    "rows": [
                        [
                            "Child labour",
                            [
                                {"P": "Extend school feeding", "a": ["education_skills"]},
                                {"P": "Expand cash transfers", "a": ["social_protection"]},
                            ],
                        ],
                        ["Trafficking", ["Lead: ", {"N": "Set up a referral desk", "c": "TGO"}]],
                    ],
                }
            },
            {
                "boxes": [
                    {
                        "title": "Pillar 1",
                        "blocks": [
                            {"ul": [{"P": "Raise awareness in schools", "a": ["awareness"]}]}
                        ],
                    },
                    {
                        "title": "Pillar 2",
                        "blocks": [{"p": [{"P": "Track progress yearly", "a": ["monitoring"]}]}],
                    },
                ]
            },
            {
                "sidebar": [
                    {"h3": "Key facts"},
                    {"p": "Ghana joined in 2019."},
                    {"ul": [{"N": "Publish the annual report", "c": None}]},
                ]
            },
            {
                "p": "Body text that flows beside the sidebar, long enough to wrap a few times "
                "when the sidebar takes a third of the page width on the right side."
            },
            {"p": "End of document.", "italic": True},
        ],
    }


def deck_spec(**style) -> dict:
    return {
        "id": "tiny_deck",
        "family": "slide_deck",
        "lang": "fr",
        "formats": ["pptx", "pdf", "docx", "md", "txt"],
        "country": None,
        "title": "Mise à jour",
        "footer": "Alliance 8.7 | Deck",
        "style": style,
        "blocks": [
            {
                "slide": {
                    "title": "Côte d'Ivoire",
                    "notes": "Notes de l'orateur",
                    "blocks": [
                        {"p": "Priorités :"},
                        {
                            "ul": [
                                {
                                    "P": "Réviser la liste des travaux dangereux",
                                    "c": "CIV",
                                    "t": ["child_labour"],
                                    "a": ["legal_policy"],
                                    "sub": [{"N": "Consulter les partenaires", "c": "CIV"}],
                                }
                            ]
                        },
                        {"ol": [{"N": "Tenir l'atelier de validation", "c": "CIV"}]},
                    ],
                }
            },
            {
                "slide": {
                    "title": "Tableau",
                    "blocks": [
                        {
                            "table": {
                                "header": None,
                                "rows": [
                                    [
                                        "Ghana",
                                        [
                                            {"P": "Former les inspecteurs", "c": "GHA"},
                                            {"P": "Créer une base de données", "c": "GHA"},
                                        ],
                                    ]
                                ],
                            }
                        },
                        {
                            "boxes": [
                                {"title": "Boîte", "blocks": [{"p": [{"N": "Envoyer le rapport"}]}]}
                            ]
                        },
                    ],
                }
            },
        ],
    }


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_texts(pdf) -> list[str]:
    """Page texts, plus the text of every framed cell (boxes and sidebars sit side by side)."""
    out = []
    for page in pdf.pages:
        out.append(page.extract_text() or "")
        for table in page.find_tables():
            for cell in table.cells:
                out.append(page.crop(cell).extract_text() or "")
        for rect in page.rects:
            if rect["width"] > 20 and rect["height"] > 10:
                box = (rect["x0"], rect["top"], rect["x1"], rect["bottom"])
                out.append(page.crop(box).extract_text() or "")
    return out


def spec_item_texts(spec: dict) -> list[str]:
    return [it["text"] for it in rc.gold_items(spec)]


def check_renders(spec: dict, tmp_path: Path) -> dict[str, bytes]:
    import pdfplumber
    from docx import Document
    from pptx import Presentation

    report = rc.check_spec(spec, "test")
    assert report.errors == []
    docs, gold = tmp_path / "docs", tmp_path / "gold"
    rc.render_spec(spec, docs, gold)
    sid = spec["id"]
    files = {ext: (docs / f"{sid}.{ext}").read_bytes() for ext in spec["formats"]}
    assert set(files) == set(spec["formats"])

    g = json.loads((gold / f"{sid}.json").read_text("utf-8"))
    assert g["source"] == f"../docs/{sid}.{spec['formats'][0]}"
    assert g["renditions"] == [f"../docs/{sid}.{e}" for e in spec["formats"][1:]]
    assert g["family"] == spec["family"] and g["lang"] == spec["lang"]
    texts = [it["text"] for it in g["items"]]
    assert texts == spec_item_texts(spec)

    for ext in ("md", "txt"):
        body = norm(files[ext].decode("utf-8"))
        for t in texts:
            assert t in body, (ext, t)
    d = Document(str(docs / f"{sid}.docx"))
    parts = [p.text for p in d.paragraphs]

    def cells(tables):
        for t in tables:
            for row in t.rows:
                for c in row.cells:
                    yield from (p.text for p in c.paragraphs)
                    yield from cells(c.tables)

    parts += list(cells(d.tables))
    docx_text = norm(" ".join(parts))
    for t in texts:
        assert t in docx_text, ("docx", t)
    prs = Presentation(str(docs / f"{sid}.pptx"))
    chunks = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                chunks += [p.text for p in shape.text_frame.paragraphs]
            if shape.has_table:
                for row in shape.table.rows:
                    for c in row.cells:
                        chunks += [p.text for p in c.text_frame.paragraphs]
    pptx_text = norm(" ".join(chunks))
    for t in texts:
        assert t in pptx_text, ("pptx", t)
    with pdfplumber.open(str(docs / f"{sid}.pdf")) as pdf:
        pdf_text = squash(" ".join(pdf_texts(pdf)))
    for t in texts:
        assert squash(t) in pdf_text, ("pdf", t)

    # a second render gives byte-identical files
    again = tmp_path / "again"
    rc.render_spec(spec, again / "docs", again / "gold")
    for ext, data in files.items():
        assert (again / "docs" / f"{sid}.{ext}").read_bytes() == data, ext
    assert (again / "gold" / f"{sid}.json").read_bytes() == (gold / f"{sid}.json").read_bytes()
    return files


def test_gold_items_in_reading_order():
    items = rc.gold_items(doc_spec())
    assert [it["text"] for it in items][:6] == [
        "a hotline for victims",
        "training for judges",
        LONG,
        "Run a national child labour survey",
        "Publish a forced labour dashboard",
        "Hire a data officer",
    ]
    by_text = {it["text"]: it for it in items}
    assert by_text["Publish a forced labour dashboard"]["country"] is None
    assert by_text["Set up a referral desk"]["country"] == "TGO"
    assert by_text["Hire a data officer"] == {
        "kind": "next_step",
        "text": "Hire a data officer",
        "country": "GHA",
        "themes": [],
        "actions": ["resources"],
    }
    assert by_text["Extend school feeding"]["kind"] == "priority"
    assert "Lessons learnt are not items" not in by_text


def test_document_spec_renders_every_format(tmp_path):
    files = check_renders(doc_spec(), tmp_path)
    md = files["md"].decode()
    assert "| Theme | Actions |" in md and "<br>" in md and "> " in md
    assert "  - Run a national child labour survey" in md
    txt = files["txt"].decode()
    assert "From: a@example.org\nTo: b@example.org" in txt
    assert "• " + LONG in txt


@pytest.mark.parametrize(
    "style",
    [
        {"bullet": "dash", "numbers": "glued"},
        {"bullet": "arrow", "bullet_line": "own"},
        {"bullet": "zapf", "hanging_wrap": True},
        {"bullet": "wingdings", "columns": 2},
        {"bullet": "check"},
    ],
)
def test_pdf_style_options(tmp_path, style):
    check_renders(doc_spec(**style), tmp_path)


def test_pdf_glyphs_and_glued_numbers(tmp_path):
    import pdfplumber

    def pdf_text(**style) -> str:
        spec = doc_spec(**style)
        spec["formats"] = ["pdf", "md"]
        out = tmp_path / "_".join(map(str, style.values()))
        rc.render_spec(spec, out, out)
        with pdfplumber.open(str(out / "tiny_brief.pdf")) as pdf:
            return "\n".join(p.extract_text() or "" for p in pdf.pages)

    assert "1.Adopt the national action plan" in pdf_text(numbers="glued")
    zapf = pdf_text(bullet="zapf")
    assert re.search(r"^n Strengthen", zapf, re.M) and re.search(r"^l Run a national", zapf, re.M)
    assert re.search(r"^l Strengthen", pdf_text(bullet="wingdings"), re.M)
    assert re.search(r"^4 Strengthen", pdf_text(bullet="check"), re.M)
    own = pdf_text(bullet_line="own")
    assert re.search(r"^•\n\s*Strengthen", own, re.M)


@pytest.mark.parametrize("size", ["16:9", "4:3"])
def test_deck_spec_renders_every_format(tmp_path, size):
    from pptx import Presentation
    from pptx.util import Emu

    files = check_renders(deck_spec(slide_size=size), tmp_path)
    prs = Presentation(str(tmp_path / "docs" / "tiny_deck.pptx"))
    assert round(Emu(prs.slide_width).inches / Emu(prs.slide_height).inches, 2) == (
        1.78 if size == "16:9" else 1.33
    )
    slides = list(prs.slides)
    assert len(slides) == 3
    assert slides[1].notes_slide.notes_text_frame.text == "Notes de l'orateur"
    xml = slides[1].shapes[1]._element.xml if len(slides[1].shapes) > 1 else ""
    assert any("a:buChar" in s._element.xml for s in slides[1].shapes), xml
    assert any(s.has_table for s in slides[2].shapes)
    import pdfplumber

    with pdfplumber.open(str(tmp_path / "docs" / "tiny_deck.pdf")) as pdf:
        assert len(pdf.pages) == 3
        w, h = pdf.pages[1].width, pdf.pages[1].height
        assert (round(w), round(h)) == ((960, 540) if size == "16:9" else (720, 540))
    assert files["md"].decode().count("## ") >= 2


def test_pptx_of_a_document_spec_has_a_slide_per_h1(tmp_path):
    from pptx import Presentation

    spec = doc_spec()
    rc.render_spec(spec, tmp_path, tmp_path)
    prs = Presentation(str(tmp_path / "tiny_brief.pptx"))
    assert len(prs.slides) == 2


def test_check_reports_spec_problems():
    spec = doc_spec()
    spec["formats"] = ["md", "rtf"]
    spec["colour"] = "blue"
    spec["blocks"] += [
        {"ul": [{"P": "x", "N": "y"}, {"c": "GHA"}]},
        {"p": [{"P": "Bad labels", "t": ["slavery"], "a": ["policy"], "c": "gh"}]},
        {"quote": "nope"},
    ]
    msgs = "\n".join(rc.check_spec(spec, "s.json").errors)
    assert "s.json: $.colour: unknown key" in msgs
    assert "$.formats[1]: unknown format 'rtf'" in msgs
    assert "$.blocks[14].ul[0]: item has both 'P' and 'N'" in msgs
    assert "$.blocks[14].ul[1]: entry object needs 'P', 'N' or 'text'" in msgs
    assert "$.blocks[15].p[0].t[0]: unknown theme id 'slavery'" in msgs
    assert "$.blocks[15].p[0].a[0]: unknown action id 'policy'" in msgs
    assert "$.blocks[15].p[0].c: country must be 3 upper-case letters" in msgs
    assert "$.blocks[16]: unknown block type 'quote'" in msgs
    one = doc_spec()
    one["formats"] = ["md"]
    assert any("at least two formats" in m for m in rc.check_spec(one, "s").errors)


def test_cli_renders_good_specs_and_reports_bad_ones(tmp_path, capsys):
    specs = tmp_path / "specs" / "brief"
    specs.mkdir(parents=True)
    good = doc_spec()
    good["formats"] = ["md", "txt"]
    (specs / "tiny_brief.json").write_text(json.dumps(good), "utf-8")
    bad = dict(good, id="bad_brief", formats=["md"])
    (specs / "bad_brief.json").write_text(json.dumps(bad), "utf-8")
    (specs / "README.json").write_text("not json", "utf-8")
    args = [
        "--specs",
        str(tmp_path / "specs"),
        "--docs",
        str(tmp_path / "d"),
        "--gold",
        str(tmp_path / "g"),
    ]
    assert rc.main(args) == 1
    err = capsys.readouterr().err
    assert "bad_brief.json: $.formats: at least two formats" in err
    assert (tmp_path / "d" / "tiny_brief.md").exists()
    assert (tmp_path / "g" / "tiny_brief.json").exists()
    assert not (tmp_path / "d" / "bad_brief.md").exists()
    assert rc.main([*args, "--check", "tiny_brief"]) == 0
