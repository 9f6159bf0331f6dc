#!/usr/bin/env python3
"""Render the corpus document specs into documents and gold files.

Each spec `corpus/specs/<family>/<id>.json` (format: corpus/specs/README.md) becomes one
rendition per listed format, `corpus/docs/<id>.<md|txt|docx|pdf|pptx>`, and one gold file
`corpus/gold/<id>.json` (format: ../shared/GOLD.md plus `family`, `lang`, `renditions`).
The items are written once, inside the spec, so a document and its gold cannot disagree.

Run from the repository root:

    .venv/bin/python tools/render_corpus.py              # every spec
    .venv/bin/python tools/render_corpus.py ID ...       # only these spec ids
    .venv/bin/python tools/render_corpus.py --check      # validate the specs, write nothing

Output is deterministic: the same spec gives byte-identical files (fixed zip timestamps and
core properties in docx/pptx, reportlab's invariant mode for pdf). Files are written
atomically. Only the files of rendered specs are written; nothing is ever deleted.
The exit status is 1 when any spec is invalid or fails to render.
"""

from __future__ import annotations

import argparse
import functools
import io
import itertools
import json
import math
import os
import re
import sys
import tempfile
import traceback
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pipeline.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "corpus" / "specs"
DOCS = ROOT / "corpus" / "docs"
GOLD = ROOT / "corpus" / "gold"
FIXED_TIME = datetime(2022, 1, 15, 9, 0, 0)
AUTHOR = "Alliance 8.7"

FORMATS = ("md", "txt", "docx", "pdf", "pptx")
FAMILIES = (
    "country_profile",
    "workshop_report",
    "gcg_report",
    "slide_deck",
    "roadmap",
    "pledge",
    "email_memo",
    "brief",
    "action_group",
    "agenda",
    "event_news",
    "faq",
    "minutes",
    "progress_report",
    "questionnaire",
    "statement",
    "concept_note",
)
LANGS = ("en", "fr", "es")
TOP_KEYS = {
    "id",
    "family",
    "lang",
    "formats",
    "country",
    "title",
    "subtitle",
    "header",
    "footer",
    "style",
    "blocks",
}
REQUIRED_KEYS = ("id", "family", "lang", "formats", "title", "blocks")
STYLE_VALUES: dict[str, tuple] = {
    "bullet": ("dot", "dash", "zapf", "wingdings", "arrow", "check"),
    "numbers": ("glued", "spaced"),
    "bullet_line": ("own", "same"),
    "hanging_wrap": (True, False),
    "columns": (1, 2),
    "slide_size": ("16:9", "4:3"),
}
BLOCK_TYPES = (
    "h1",
    "h2",
    "h3",
    "p",
    "ul",
    "ol",
    "table",
    "boxes",
    "sidebar",
    "slide",
    "pagebreak",
    "email",
)
EMAIL_KEYS = ("from", "to", "cc", "date", "subject")
EMAIL_LABELS = {"from": "From", "to": "To", "cc": "Cc", "date": "Date", "subject": "Subject"}
COUNTRY_RE = re.compile(r"^[A-Z]{3}$")


# --------------------------------------------------------------------------
# text, segments, items
# --------------------------------------------------------------------------


def is_item(obj: Any) -> bool:
    return isinstance(obj, dict) and ("P" in obj or "N" in obj)


def item_text(item: dict) -> str:
    return item["P"] if "P" in item else item["N"]


def segments(text: Any) -> list:
    """A TEXT as a list of segments (strings and items)."""
    if text is None:
        return []
    if isinstance(text, str | dict):
        return [text]
    return list(text)


def plain(text: Any) -> str:
    return "".join(s if isinstance(s, str) else item_text(s) for s in segments(text))


def entry_parts(entry: Any) -> tuple[Any, list]:
    """(TEXT, sub entries) of a list entry: a TEXT, an item, or {"text": ..., "sub": [...]}."""
    if is_item(entry):
        return [entry], list(entry.get("sub") or [])
    if isinstance(entry, dict):
        return entry.get("text", ""), list(entry.get("sub") or [])
    return entry, []


def cell_paragraphs(cell: Any) -> list:
    """A table CELL as a list of TEXT paragraphs.

    A cell is a TEXT or a list of TEXT paragraphs. A list is read as paragraphs when it holds a
    list, or two neighbours of the same kind (two items, two strings): segments of one TEXT are
    joined without a separator, so neighbours of the same kind are never meant as one text.
    Otherwise (strings and items alternating, e.g. ["Kenya: ", item]) it is one TEXT.
    """
    if not isinstance(cell, list):
        return [cell]
    if any(isinstance(c, list) for c in cell):
        return list(cell)
    if any(isinstance(a, str) == isinstance(b, str) for a, b in itertools.pairwise(cell)):
        return list(cell)
    return [cell]


def has_slides(spec: dict) -> bool:
    return any("slide" in b for b in spec.get("blocks", []) if isinstance(b, dict))


def cover_slide(spec: dict) -> dict | None:
    """The first slide when it is the deck's title slide (same title as the spec), else None."""
    blocks = spec.get("blocks") or []
    if not blocks or "slide" not in blocks[0]:
        return None
    slide = blocks[0]["slide"]
    same = " ".join(plain(slide.get("title")).split()) == " ".join(plain(spec["title"]).split())
    return slide if same and not list(text_items(slide.get("title"))) else None


def body_blocks(spec: dict) -> list:
    """The blocks as rendered: a cover slide gives its blocks to the title page."""
    cover = cover_slide(spec)
    blocks = list(spec.get("blocks") or [])
    return list(cover.get("blocks") or []) + blocks[1:] if cover else blocks


def shown_subtitle(spec: dict) -> Any:
    """The subtitle, left out when a cover slide stands in for it (unless it holds items)."""
    sub = spec.get("subtitle")
    if sub and cover_slide(spec) and not list(text_items(sub)):
        return None
    return sub


def style_of(spec: dict) -> dict:
    return spec.get("style") or {}


# --------------------------------------------------------------------------
# gold
# --------------------------------------------------------------------------


def text_items(text: Any) -> Iterator[dict]:
    for seg in segments(text):
        if is_item(seg):
            yield seg


def entries_items(entries: list) -> Iterator[dict]:
    for entry in entries:
        text, sub = entry_parts(entry)
        yield from text_items(text)
        yield from entries_items(sub)


def blocks_items(blocks: list) -> Iterator[dict]:
    for block in blocks:
        yield from block_items(block)


def block_items(block: dict) -> Iterator[dict]:
    if any(k in block for k in ("h1", "h2", "h3", "p")):
        key = next(k for k in ("h1", "h2", "h3", "p") if k in block)
        yield from text_items(block[key])
    elif "ul" in block or "ol" in block:
        yield from entries_items(block.get("ul", block.get("ol")) or [])
    elif "table" in block:
        table = block["table"]
        for cell in table.get("header") or []:
            yield from text_items(cell)
        for row in table.get("rows") or []:
            for cell in row:
                for para in cell_paragraphs(cell):
                    yield from text_items(para)
    elif "boxes" in block:
        for box in block["boxes"]:
            yield from text_items(box.get("title"))
            yield from blocks_items(box.get("blocks") or [])
    elif "sidebar" in block:
        yield from blocks_items(block["sidebar"])
    elif "slide" in block:
        yield from text_items(block["slide"].get("title"))
        yield from blocks_items(block["slide"].get("blocks") or [])


def gold_items(spec: dict) -> list[dict]:
    """The gold items of a spec in reading order."""
    items = [*text_items(spec.get("title")), *text_items(spec.get("subtitle"))]
    items += list(blocks_items(spec.get("blocks") or []))
    out = []
    for it in items:
        out.append(
            {
                "kind": "priority" if "P" in it else "next_step",
                "text": item_text(it),
                "country": it["c"] if "c" in it else spec.get("country"),
                "themes": list(it.get("t") or []),
                "actions": list(it.get("a") or []),
            }
        )
    return out


def gold_json(spec: dict) -> str:
    sid, formats = spec["id"], spec["formats"]
    data = {
        "source": f"../docs/{sid}.{formats[0]}",
        "family": spec["family"],
        "lang": spec["lang"],
        "renditions": [f"../docs/{sid}.{ext}" for ext in formats[1:]],
        "items": gold_items(spec),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------


@dataclass
class Report:
    where: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, path: str, msg: str) -> None:
        self.errors.append(f"{self.where}: {path}: {msg}")

    def warn(self, path: str, msg: str) -> None:
        self.warnings.append(f"{self.where}: {path}: warning: {msg}")


class Checker:
    def __init__(self, spec: Any, report: Report):
        tax = load_taxonomy()
        self.themes = set(tax.ids("themes"))
        self.actions = set(tax.ids("actions"))
        self.spec = spec
        self.r = report

    def run(self, stem: str | None = None, folder: str | None = None) -> None:
        spec, r = self.spec, self.r
        if not isinstance(spec, dict):
            r.error("$", "a spec must be a JSON object")
            return
        for key in spec:
            if key not in TOP_KEYS:
                r.error(f"$.{key}", f"unknown key {key!r}")
        for key in REQUIRED_KEYS:
            if key not in spec:
                r.error(f"$.{key}", "missing required key")
        sid = spec.get("id")
        if "id" in spec and (not isinstance(sid, str) or not re.fullmatch(r"[a-z0-9_]+", sid)):
            r.error("$.id", f"id must be lower-case letters, digits and '_': {sid!r}")
        elif stem is not None and sid != stem:
            r.error("$.id", f"id {sid!r} differs from the file name {stem!r}")
        fam = spec.get("family")
        if "family" in spec and fam not in FAMILIES:
            r.error("$.family", f"unknown family {fam!r}")
        elif folder is not None and fam != folder and folder != SPECS.name:
            r.warn("$.family", f"family {fam!r} differs from the folder {folder!r}")
        if "lang" in spec and spec["lang"] not in LANGS:
            r.error("$.lang", f"lang must be one of {', '.join(LANGS)}: {spec['lang']!r}")
        self.check_formats(spec.get("formats"))
        if "country" in spec:
            self.check_country("$.country", spec["country"])
        if "title" in spec:
            self.check_text("$.title", spec["title"], nonempty=True)
        if "subtitle" in spec:
            self.check_text("$.subtitle", spec["subtitle"])
        for key in ("header", "footer"):
            if key in spec and not isinstance(spec[key], str):
                r.error(f"$.{key}", "must be a string")
        self.check_style(spec.get("style"))
        blocks = spec.get("blocks")
        if "blocks" in spec:
            if not isinstance(blocks, list):
                r.error("$.blocks", "must be a list of blocks")
            else:
                self.check_blocks("$.blocks", blocks, top=True)
        negative = fam in ("agenda", "event_news", "faq", "concept_note")  # may hold no item
        if isinstance(blocks, list) and not negative and not any(True for _ in self.safe_items()):
            r.warn("$", "the spec has no items")
        self.check_duplicates()

    def safe_items(self) -> Iterator[dict]:
        if self.r.errors:
            return iter(())
        return iter(gold_items(self.spec))

    def check_duplicates(self) -> None:
        seen: set[tuple[str, str]] = set()
        for it in self.safe_items():
            key = (it["kind"], it["text"])
            if key in seen:
                self.r.warn("$", f"the {it['kind']} {it['text']!r} is listed twice")
            seen.add(key)

    def check_formats(self, formats: Any) -> None:
        r = self.r
        if formats is None:
            return
        if not isinstance(formats, list):
            r.error("$.formats", "must be a list")
            return
        for k, f in enumerate(formats):
            if f not in FORMATS:
                r.error(f"$.formats[{k}]", f"unknown format {f!r} (one of {', '.join(FORMATS)})")
        if len(set(map(str, formats))) != len(formats):
            r.error("$.formats", "a format is listed twice")
        if len(set(map(str, formats))) < 2:
            r.error("$.formats", "at least two formats are needed")

    def check_style(self, style: Any) -> None:
        if style is None:
            return
        if not isinstance(style, dict):
            self.r.error("$.style", "must be an object")
            return
        for key, value in style.items():
            if key not in STYLE_VALUES:
                self.r.error(f"$.style.{key}", f"unknown style option {key!r}")
            elif value not in STYLE_VALUES[key] or isinstance(value, bool) != isinstance(
                STYLE_VALUES[key][0], bool
            ):
                allowed = ", ".join(json.dumps(v) for v in STYLE_VALUES[key])
                self.r.error(f"$.style.{key}", f"bad value {value!r} (one of {allowed})")

    def check_country(self, path: str, value: Any) -> None:
        if value is not None and not (isinstance(value, str) and COUNTRY_RE.match(value)):
            self.r.error(path, f"country must be 3 upper-case letters or null: {value!r}")

    def check_item(self, path: str, item: dict, allow_sub: bool) -> None:
        r = self.r
        if "P" in item and "N" in item:
            r.error(path, "item has both 'P' and 'N'")
        allowed = {"P", "N", "c", "t", "a"} | ({"sub"} if allow_sub else set())
        for key in item:
            if key not in allowed:
                hint = " ('sub' is only allowed on list entries)" if key == "sub" else ""
                r.error(f"{path}.{key}", f"unknown item key {key!r}{hint}")
        kind = "P" if "P" in item else "N"
        text = item[kind]
        if not isinstance(text, str) or not text.strip():
            r.error(f"{path}.{kind}", "item text must be a non-empty string")
        else:
            if text != text.strip() or "  " in text or "\n" in text:
                r.error(f"{path}.{kind}", f"item text has stray whitespace: {text!r}")
            if re.search(r"([;,]|\band)$", text.strip()):
                r.warn(f"{path}.{kind}", f"item text ends with ';', ',' or 'and': {text!r}")
            if re.match(r"^([•\-–*▪●■►➢✓]|\d+[.)])\s", text):
                r.warn(f"{path}.{kind}", f"item text starts with a bullet or number: {text!r}")
        if "c" in item:
            self.check_country(f"{path}.c", item["c"])
        for key, ids, name in (("t", self.themes, "theme"), ("a", self.actions, "action")):
            if key not in item:
                continue
            values = item[key]
            if not isinstance(values, list):
                r.error(f"{path}.{key}", f"{name}s must be a list of ids")
                continue
            for k, v in enumerate(values):
                if v not in ids:
                    r.error(f"{path}.{key}[{k}]", f"unknown {name} id {v!r}")
            if len(set(map(str, values))) != len(values):
                r.warn(f"{path}.{key}", f"a {name} is listed twice")
        if allow_sub and "sub" in item:
            self.check_entries(f"{path}.sub", item["sub"])

    def check_text(self, path: str, text: Any, nonempty: bool = False, items: bool = True) -> None:
        r = self.r
        if isinstance(text, str):
            if nonempty and not text.strip():
                r.error(path, "empty text")
            return
        if isinstance(text, dict):
            if is_item(text) and items:
                self.check_item(path, text, allow_sub=False)
            else:
                r.error(path, "text must be a string or a list of segments (strings and items)")
            return
        if not isinstance(text, list) or (nonempty and not text):
            r.error(path, "text must be a string or a list of segments (strings and items)")
            return
        for k, seg in enumerate(text):
            sp = f"{path}[{k}]"
            if isinstance(seg, str):
                continue
            if isinstance(seg, dict) and ("P" in seg or "N" in seg):
                if not items:
                    r.error(sp, "items are not allowed here")
                else:
                    self.check_item(sp, seg, allow_sub=False)
            elif isinstance(seg, dict):
                r.error(sp, f"segment object is not an item (needs 'P' or 'N'): keys {list(seg)}")
            else:
                r.error(sp, f"segment must be a string or an item, not {type(seg).__name__}")
        # an item glued to the words around it is almost always a typo
        for k in range(len(text) - 1):
            a, b = text[k], text[k + 1]
            if isinstance(a, str) and is_item(b) and a and not re.search(r"[\s(\"'“«—–-]$", a):
                r.warn(f"{path}[{k}]", f"text {a!r} is glued to the item after it")
            if is_item(a) and isinstance(b, str) and b and re.match(r"[^\W\d]", b):
                r.warn(f"{path}[{k + 1}]", f"text {b!r} is glued to the item before it")

    def check_entries(self, path: str, entries: Any) -> None:
        r = self.r
        if not isinstance(entries, list) or not entries:
            r.error(path, "a list needs a non-empty list of entries")
            return
        for k, entry in enumerate(entries):
            ep = f"{path}[{k}]"
            if isinstance(entry, dict) and ("P" in entry or "N" in entry):
                self.check_item(ep, entry, allow_sub=True)
            elif isinstance(entry, dict):
                if "text" not in entry:
                    r.error(ep, "entry object needs 'P', 'N' or 'text'")
                for key in entry:
                    if key not in ("text", "sub"):
                        r.error(f"{ep}.{key}", f"unknown entry key {key!r}")
                if "text" in entry:
                    self.check_text(f"{ep}.text", entry["text"], nonempty=True)
                if "sub" in entry:
                    self.check_entries(f"{ep}.sub", entry["sub"])
            else:
                self.check_text(ep, entry, nonempty=True)

    def check_blocks(self, path: str, blocks: Any, top: bool = False, in_slide: bool = False):
        if not isinstance(blocks, list):
            self.r.error(path, "must be a list of blocks")
            return
        for k, block in enumerate(blocks):
            self.check_block(f"{path}[{k}]", block, top, in_slide)

    def check_block(self, path: str, block: Any, top: bool, in_slide: bool) -> None:
        r = self.r
        if not isinstance(block, dict):
            r.error(path, "a block must be an object")
            return
        types = [k for k in block if k in BLOCK_TYPES]
        if len(types) != 1:
            unknown = [k for k in block if k not in BLOCK_TYPES]
            if not types and unknown:
                r.error(path, f"unknown block type {unknown[0]!r}")
            else:
                r.error(path, f"a block needs exactly one type key, found {types or 'none'}")
            return
        kind = types[0]
        extra = {"bold", "italic"} if kind == "p" else set()
        for key in block:
            if key != kind and key not in extra:
                r.error(f"{path}.{key}", f"unknown key {key!r} in a {kind} block")
        value = block[kind]
        bp = f"{path}.{kind}"
        if kind in ("h1", "h2", "h3", "p"):
            self.check_text(bp, value, nonempty=True)
            for flag in extra:
                if flag in block and not isinstance(block[flag], bool):
                    r.error(f"{path}.{flag}", "must be true or false")
        elif kind in ("ul", "ol"):
            self.check_entries(bp, value)
        elif kind == "table":
            self.check_table(bp, value)
        elif kind == "boxes":
            if not isinstance(value, list) or not value:
                r.error(bp, "boxes need a non-empty list of boxes")
                return
            for k, box in enumerate(value):
                xp = f"{bp}[{k}]"
                if not isinstance(box, dict):
                    r.error(xp, "a box must be an object")
                    continue
                for key in box:
                    if key not in ("title", "blocks"):
                        r.error(f"{xp}.{key}", f"unknown box key {key!r}")
                if "title" in box:
                    self.check_text(f"{xp}.title", box["title"])
                self.check_blocks(f"{xp}.blocks", box.get("blocks", []), in_slide=in_slide)
        elif kind == "sidebar":
            if not isinstance(value, list) or not value:
                r.error(bp, "a sidebar needs a non-empty list of blocks")
                return
            self.check_blocks(bp, value, in_slide=in_slide)
        elif kind == "slide":
            if not top:
                r.error(bp, "slides are only allowed at the top level of blocks")
            if not isinstance(value, dict):
                r.error(bp, "a slide must be an object")
                return
            for key in value:
                if key not in ("title", "blocks", "notes"):
                    r.error(f"{bp}.{key}", f"unknown slide key {key!r}")
            if "title" in value:
                self.check_text(f"{bp}.title", value["title"])
            self.check_blocks(f"{bp}.blocks", value.get("blocks", []), in_slide=True)
            if "notes" in value and not isinstance(value["notes"], str):
                r.error(f"{bp}.notes", "notes must be a string (items are not allowed in notes)")
        elif kind == "pagebreak":
            if value is not True:
                r.error(bp, "must be true")
            if not top:
                r.warn(bp, "a page break inside a box, sidebar or slide is ignored")
        elif kind == "email":
            if not isinstance(value, dict) or not value:
                r.error(bp, "email needs an object with from/to/cc/date/subject")
                return
            for key, v in value.items():
                if key not in EMAIL_KEYS:
                    r.error(f"{bp}.{key}", f"unknown email header {key!r}")
                elif not isinstance(v, str):
                    r.error(f"{bp}.{key}", "must be a string")

    def check_table(self, path: str, table: Any) -> None:
        r = self.r
        if not isinstance(table, dict):
            r.error(path, "a table must be an object with 'header' and 'rows'")
            return
        for key in table:
            if key not in ("header", "rows"):
                r.error(f"{path}.{key}", f"unknown table key {key!r}")
        header, rows = table.get("header"), table.get("rows")
        ncols = None
        if header is not None:
            if not isinstance(header, list) or not header:
                r.error(f"{path}.header", "header must be a non-empty list of cells or null")
            else:
                ncols = len(header)
                for k, cell in enumerate(header):
                    self.check_text(f"{path}.header[{k}]", cell)
        if not isinstance(rows, list) or not rows:
            r.error(f"{path}.rows", "rows must be a non-empty list of rows")
            return
        for i, row in enumerate(rows):
            rp = f"{path}.rows[{i}]"
            if not isinstance(row, list) or not row:
                r.error(rp, "a row must be a non-empty list of cells")
                continue
            if ncols is None:
                ncols = len(row)
            elif len(row) != ncols:
                r.error(rp, f"row has {len(row)} cells, expected {ncols}")
            for j, cell in enumerate(row):
                cp = f"{rp}[{j}]"
                paras = cell_paragraphs(cell)
                if len(paras) == 1:
                    self.check_text(cp, paras[0])
                else:
                    for k, para in enumerate(paras):
                        self.check_text(f"{cp}[{k}]", para)


def check_spec(spec: Any, where: str, path: Path | None = None) -> Report:
    report = Report(where)
    stem = path.stem if path else None
    folder = path.parent.name if path else None
    Checker(spec, report).run(stem, folder)
    if not report.errors:
        for k, (kind, text) in enumerate(all_texts(spec)):
            bad = sorted({ch for ch in text if not encodable_pdf(ch)})
            if bad and "pdf" in spec.get("formats", []):
                report.warn(
                    "$", f"{kind} text #{k} has characters the pdf fonts cannot show: {bad}"
                )
    return report


def encodable_pdf(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def all_texts(spec: dict) -> Iterator[tuple[str, str]]:
    for it in gold_items(spec):
        yield it["kind"], it["text"]


# --------------------------------------------------------------------------
# writing files
# --------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def fixed_zip(data: bytes) -> bytes:
    """Rewrite an OOXML package with fixed entry timestamps (byte-stable output)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------


def md_text(text: Any, bold: bool = False, italic: bool = False, table: bool = False) -> str:
    s = plain(text)
    if table:
        s = s.replace("|", "\\|")
    core = s.strip()
    if not core:
        return s
    lead, trail = s[: len(s) - len(s.lstrip())], s[len(s.rstrip()) :]
    if italic:
        core = f"*{core}*"
    if bold:
        core = f"**{core}**"
    return lead + core + trail


def md_entries(entries: list, ordered: bool, level: int) -> list[str]:
    lines = []
    for n, entry in enumerate(entries, start=1):
        text, sub = entry_parts(entry)
        mark = f"{n}. " if ordered else "- "
        lines.append("  " * level + mark + md_text(text))
        lines += md_entries(sub, ordered, level + 1)
    return lines


def md_blocks(blocks: list) -> list[str]:
    out: list[str] = []
    for block in blocks:
        out += md_block(block)
    return out


def md_block(block: dict) -> list[str]:
    if "h1" in block:
        return ["## " + md_text(block["h1"])]
    if "h2" in block:
        return ["### " + md_text(block["h2"])]
    if "h3" in block:
        return ["#### " + md_text(block["h3"])]
    if "p" in block:
        return [md_text(block["p"], block.get("bold", False), block.get("italic", False))]
    if "ul" in block or "ol" in block:
        return ["\n".join(md_entries(block.get("ul", block.get("ol")), "ol" in block, 0))]
    if "table" in block:
        table = block["table"]
        rows = table["rows"]
        ncols = max(len(r) for r in rows)
        header = table.get("header")

        def cell(c: Any) -> str:
            return "<br>".join(md_text(p, table=True) for p in cell_paragraphs(c))

        head = [cell(c) for c in header] if header else [""] * ncols
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
        return ["\n".join(lines)]
    if "boxes" in block:
        out = []
        for box in block["boxes"]:
            if box.get("title") is not None:
                out.append(md_text(box["title"], bold=True))
            out += md_blocks(box.get("blocks") or [])
        return out
    if "sidebar" in block:
        inner = "\n\n".join(md_blocks(block["sidebar"]))
        return ["\n".join(("> " + line).rstrip() for line in inner.split("\n"))]
    if "slide" in block:
        slide = block["slide"]
        out = ["## " + md_text(slide.get("title"))] if slide.get("title") else []
        return out + md_blocks(slide.get("blocks") or [])
    if "email" in block:
        em = block["email"]
        lines = [f"**{EMAIL_LABELS[k]}:** {em[k]}" for k in EMAIL_KEYS if k in em]
        return ["  \n".join(lines)]
    return []  # pagebreak


def render_md(spec: dict) -> bytes:
    out = ["# " + md_text(spec["title"])]
    if shown_subtitle(spec):
        out.append(md_text(shown_subtitle(spec), italic=True))
    out += md_blocks(body_blocks(spec))
    return ("\n\n".join(out) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# plain text
# --------------------------------------------------------------------------


def txt_entries(entries: list, ordered: bool, level: int) -> list[str]:
    lines = []
    for n, entry in enumerate(entries, start=1):
        text, sub = entry_parts(entry)
        mark = f"{n}. " if ordered else "• " if level == 0 else "- "
        lines.append("    " * level + mark + plain(text))
        lines += txt_entries(sub, ordered, level + 1)
    return lines


def txt_blocks(blocks: list) -> list[str]:
    out: list[str] = []
    for block in blocks:
        out += txt_block(block)
    return out


def txt_block(block: dict) -> list[str]:
    for key in ("h1", "h2", "h3", "p"):
        if key in block:
            return [plain(block[key])]
    if "ul" in block or "ol" in block:
        return ["\n".join(txt_entries(block.get("ul", block.get("ol")), "ol" in block, 0))]
    if "table" in block:
        table = block["table"]

        def cell(c: Any) -> str:
            return " / ".join(plain(p) for p in cell_paragraphs(c))

        lines = [" | ".join(cell(c) for c in table["header"])] if table.get("header") else []
        lines += [" | ".join(cell(c) for c in row) for row in table["rows"]]
        return ["\n".join(lines)]
    if "boxes" in block:
        out = []
        for box in block["boxes"]:
            if box.get("title") is not None:
                out.append(plain(box["title"]))
            out += txt_blocks(box.get("blocks") or [])
        return out
    if "sidebar" in block:
        return txt_blocks(block["sidebar"])
    if "slide" in block:
        slide = block["slide"]
        out = [plain(slide["title"])] if slide.get("title") else []
        return out + txt_blocks(slide.get("blocks") or [])
    if "email" in block:
        em = block["email"]
        return ["\n".join(f"{EMAIL_LABELS[k]}: {em[k]}" for k in EMAIL_KEYS if k in em)]
    return []


def render_txt(spec: dict) -> bytes:
    blocks = body_blocks(spec)
    out: list[str] = []
    # an e-mail starts with its headers, before the subject-like title
    lead = 0
    while lead < len(blocks) and "email" in blocks[lead]:
        out += txt_block(blocks[lead])
        lead += 1
    subjects = {" ".join(b["email"].get("subject", "").split()) for b in blocks[:lead]}
    title = plain(spec["title"])
    if " ".join(title.split()) not in subjects or list(text_items(spec["title"])):
        out.append(title)  # an e-mail shows its subject once, in the headers
    if shown_subtitle(spec):
        out.append(plain(shown_subtitle(spec)))
    out += txt_blocks(blocks[lead:])
    return ("\n\n".join(out) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# docx
# --------------------------------------------------------------------------


class DocxRenderer:
    def __init__(self, spec: dict):
        from docx import Document
        from docx.shared import Cm, Pt

        self.spec = spec
        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
        sec.left_margin = sec.right_margin = Cm(2.4)
        sec.top_margin, sec.bottom_margin = Cm(2.5), Cm(2.2)
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        normal.paragraph_format.space_after = Pt(6)

    # -- helpers
    def runs(self, par, text: Any, bold: bool = False, italic: bool = False) -> None:
        s = plain(text)
        if s:
            run = par.add_run(s)
            if bold:
                run.bold = True
            if italic:
                run.italic = True

    def shade(self, cell, fill: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        tcPr = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        tcPr.append(shd)

    def new_num(self, style_name: str) -> int:
        """A new numbering instance of a list style, restarting at 1."""
        numbering = self.doc.part.numbering_part.numbering_definitions._numbering
        style_num = self.doc.styles[style_name].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    def add_par(self, container, style: str | None = None):
        return container.add_paragraph(style=style) if style else container.add_paragraph()

    # -- blocks
    def blocks(self, container, blocks: list, top: bool = False) -> None:
        for block in blocks:
            self.block(container, block, top)

    def block(self, c, block: dict, top: bool) -> None:
        from docx.enum.text import WD_BREAK
        from docx.shared import Pt

        for level, key in enumerate(("h1", "h2", "h3"), start=1):
            if key in block:
                self.runs(self.add_par(c, f"Heading {level}"), block[key])
                return
        if "p" in block:
            self.runs(self.add_par(c), block["p"], block.get("bold", False), block.get("italic"))
        elif "ul" in block or "ol" in block:
            self.entries(c, block.get("ul", block.get("ol")), "ol" in block, 0)
        elif "table" in block:
            self.table(c, block["table"])
        elif "boxes" in block:
            boxes = block["boxes"]
            t = c.add_table(rows=1, cols=len(boxes))
            t.style = self.doc.styles["Table Grid"]
            for cell, box in zip(t.rows[0].cells, boxes, strict=True):
                first = cell.paragraphs[0]
                if box.get("title") is not None:
                    self.runs(first, box["title"], bold=True)
                    self.blocks(cell, box.get("blocks") or [])
                else:
                    self.blocks(cell, box.get("blocks") or [])
                    self.drop_first_empty(cell)
            self.add_par(c)
        elif "sidebar" in block:
            t = c.add_table(rows=1, cols=1)
            t.style = self.doc.styles["Table Grid"]
            cell = t.rows[0].cells[0]
            self.shade(cell, "E8EEF5")
            self.blocks(cell, block["sidebar"])
            self.drop_first_empty(cell)
            self.add_par(c)
        elif "slide" in block:
            slide = block["slide"]
            if slide.get("title"):
                self.runs(self.add_par(c, "Heading 1"), slide["title"])
            self.blocks(c, slide.get("blocks") or [])
        elif "pagebreak" in block:
            if top:
                self.add_par(c).add_run().add_break(WD_BREAK.PAGE)
        elif "email" in block:
            em = block["email"]
            for k in EMAIL_KEYS:
                if k in em:
                    par = self.add_par(c)
                    par.paragraph_format.space_after = Pt(0)
                    r = par.add_run(f"{EMAIL_LABELS[k]}: ")
                    r.bold = True
                    r.font.size = Pt(9)
                    r = par.add_run(em[k])
                    r.font.size = Pt(9)
            self.add_par(c)

    def drop_first_empty(self, cell) -> None:
        first = cell.paragraphs[0]
        if len(cell.paragraphs) > 1 and not first.text and not first.runs:
            first._p.getparent().remove(first._p)

    def entries(self, c, entries: list, ordered: bool, level: int) -> None:
        base = "List Number" if ordered else "List Bullet"
        style = base if level == 0 else f"{base} {min(level + 1, 3)}"
        num_id = self.new_num(style) if ordered else None
        for entry in entries:
            text, sub = entry_parts(entry)
            par = self.add_par(c, style)
            if num_id is not None:
                numPr = par._p.get_or_add_pPr().get_or_add_numPr()
                numPr.get_or_add_ilvl().val = 0
                numPr.get_or_add_numId().val = num_id
            self.runs(par, text)
            if sub:
                self.entries(c, sub, ordered, level + 1)

    def table(self, c, table: dict) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        header, rows = table.get("header"), table["rows"]
        ncols = max(len(r) for r in rows)
        t = c.add_table(rows=0, cols=ncols)
        t.style = self.doc.styles["Table Grid"]
        all_rows = ([header] if header else []) + rows
        for i, row in enumerate(all_rows):
            cells = t.add_row().cells
            is_head = header is not None and i == 0
            if is_head:
                trPr = t.rows[i]._tr.get_or_add_trPr()
                el = OxmlElement("w:tblHeader")
                el.set(qn("w:val"), "true")
                trPr.append(el)
            for cell, content in zip(cells, row, strict=False):
                paras = cell_paragraphs(content)
                for k, para in enumerate(paras):
                    p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
                    self.runs(p, para, bold=is_head)
                if is_head:
                    self.shade(cell, "D9E2F3")
        self.add_par(c)

    def header_footer(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        spec, sec = self.spec, self.doc.sections[0]
        if spec.get("header"):
            hp = sec.header.paragraphs[0]
            hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            r = hp.add_run(spec["header"])
            r.font.size = Pt(9)
        if spec.get("footer"):
            fp = sec.footer.paragraphs[0]
            fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = fp.add_run(spec["footer"] + "  ")
            r.font.size = Pt(9)
            r = fp.add_run()
            r.font.size = Pt(9)
            for kind, text in (("begin", None), (None, " PAGE "), ("separate", None)):
                if kind:
                    fc = OxmlElement("w:fldChar")
                    fc.set(qn("w:fldCharType"), kind)
                    r._r.append(fc)
                else:
                    it = OxmlElement("w:instrText")
                    it.set(qn("xml:space"), "preserve")
                    it.text = text
                    r._r.append(it)
            t = OxmlElement("w:t")
            t.text = "1"
            r._r.append(t)
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), "end")
            r._r.append(fc)

    def render(self) -> bytes:
        spec, doc = self.spec, self.doc
        self.runs(doc.add_paragraph(style="Title"), spec["title"])
        if shown_subtitle(spec):
            self.runs(doc.add_paragraph(style="Subtitle"), shown_subtitle(spec))
        self.blocks(doc, body_blocks(spec), top=True)
        self.header_footer()
        cp = doc.core_properties
        cp.title = plain(spec["title"])
        cp.author = cp.last_modified_by = AUTHOR
        cp.subject = cp.keywords = cp.comments = cp.category = ""
        cp.language = spec["lang"]
        cp.created = cp.modified = cp.last_printed = FIXED_TIME
        cp.revision = 1
        buf = io.BytesIO()
        doc.save(buf)
        return fixed_zip(buf.getvalue())


def render_docx(spec: dict) -> bytes:
    return DocxRenderer(spec).render()


# --------------------------------------------------------------------------
# pptx
# --------------------------------------------------------------------------

PPTX_SIZES = {"16:9": (13.333, 7.5), "4:3": (10.0, 7.5)}


def slide_plan(spec: dict) -> list[dict]:
    """The slides of a deck: a title slide, then one per slide block (or per h1 section)."""
    blocks = body_blocks(spec)
    cover = cover_slide(spec) or {}
    slides = [
        {
            "title": spec["title"],
            "subtitle": shown_subtitle(spec),
            "blocks": [],
            "notes": cover.get("notes"),
            "cover": 1,
        }
    ]
    if has_slides(spec):
        for block in blocks:
            if "slide" in block:
                s = block["slide"]
                slides.append(
                    {
                        "title": s.get("title"),
                        "blocks": list(s.get("blocks") or []),
                        "notes": s.get("notes"),
                    }
                )
            elif "pagebreak" not in block:
                slides[-1]["blocks"].append(block)
    else:
        for block in blocks:
            if "h1" in block:
                slides.append({"title": block["h1"], "blocks": []})
            elif "pagebreak" not in block:
                slides[-1]["blocks"].append(block)
    return slides


def est_lines(text: str, width_pt: float, size: float) -> int:
    per_line = max(8, int(width_pt / (size * 0.5)))
    return max(1, math.ceil(len(text) / per_line))


class PptxRenderer:
    def __init__(self, spec: dict):
        from pptx import Presentation
        from pptx.util import Inches

        self.spec = spec
        self.prs = Presentation()
        w, h = PPTX_SIZES[style_of(spec).get("slide_size", "16:9")]
        self.prs.slide_width, self.prs.slide_height = Inches(w), Inches(h)
        self.W, self.H = self.prs.slide_width, self.prs.slide_height
        self.M = Inches(0.6)
        self.BODY_W = self.W - 2 * self.M

    # -- paragraph formatting
    def set_bullet(self, p, kind: str | None, level: int = 0) -> None:
        from lxml import etree
        from pptx.oxml.ns import qn
        from pptx.util import Emu, Inches

        pPr = p._p.get_or_add_pPr()
        for tag in ("a:buNone", "a:buAutoNum", "a:buChar", "a:buFont"):
            for el in pPr.findall(qn(tag)):
                pPr.remove(el)
        if kind is None:
            pPr.set("marL", str(Emu(Inches(0.3 * level))))
            pPr.set("indent", "0")
            etree.SubElement(pPr, qn("a:buNone"))
            return
        p.level = min(level, 8)
        pPr.set("marL", str(Emu(Inches(0.35 + 0.4 * level))))
        pPr.set("indent", str(-Emu(Inches(0.3))))
        if kind == "number":
            el = etree.SubElement(pPr, qn("a:buAutoNum"))
            el.set("type", "arabicPeriod")
        else:
            bf = etree.SubElement(pPr, qn("a:buFont"))
            bf.set("typeface", "Arial")
            bu = etree.SubElement(pPr, qn("a:buChar"))
            bu.set("char", "•" if level == 0 else "–")

    def run(self, p, text: str, size: float, bold: bool = False, italic: bool = False, color=None):
        from pptx.dml.color import RGBColor
        from pptx.util import Pt

        if not text:
            return
        r = p.add_run()
        r.text = text
        f = r.font
        f.size, f.bold, f.italic = Pt(size), bold, italic
        f.color.rgb = color or RGBColor(0x22, 0x22, 0x22)

    def textbox(self, slide, left, top, width, height, name: str | None = None):
        from pptx.enum.text import MSO_AUTO_SIZE

        box = slide.shapes.add_textbox(left, top, width, height)
        if name:
            box.name = name
        tf = box.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        return tf

    # -- text paragraphs of flowing blocks: (text, bullet kind, level, bold, italic, size factor)
    def para_specs(self, blocks: list) -> list[tuple]:
        out: list[tuple] = []
        for block in blocks:
            for key, factor in (("h1", 1.15), ("h2", 1.1), ("h3", 1.0)):
                if key in block:
                    out.append((block[key], None, 0, True, False, factor))
            if "p" in block:
                out.append(
                    (block["p"], None, 0, block.get("bold", False), block.get("italic", False), 1)
                )
            elif "ul" in block or "ol" in block:
                self.entry_specs(out, block.get("ul", block.get("ol")), "ol" in block, 0)
            elif "email" in block:
                em = block["email"]
                for k in EMAIL_KEYS:
                    if k in em:
                        out.append((f"{EMAIL_LABELS[k]}: {em[k]}", None, 0, False, False, 0.8))
            elif "table" in block:  # a table inside a box: rows as paragraphs
                t = block["table"]
                for row in ([t["header"]] if t.get("header") else []) + t["rows"]:
                    for cell in row:
                        for para in cell_paragraphs(cell):
                            out.append((para, None, 0, False, False, 1))
            elif "boxes" in block:
                for box in block["boxes"]:
                    if box.get("title") is not None:
                        out.append((box["title"], None, 0, True, False, 1))
                    out += self.para_specs(box.get("blocks") or [])
            elif "sidebar" in block:
                out += self.para_specs(block["sidebar"])
        return out

    def entry_specs(self, out: list, entries: list, ordered: bool, level: int) -> None:
        for entry in entries:
            text, sub = entry_parts(entry)
            out.append((text, "number" if ordered else "bullet", level, False, False, 1))
            self.entry_specs(out, sub, ordered, level + 1)

    def fill(self, tf, specs: list[tuple], size: float, first_title=None, color=None) -> None:
        from pptx.util import Pt

        first = True
        if first_title is not None:
            p = tf.paragraphs[0]
            self.set_bullet(p, None)
            self.run(p, plain(first_title), size * 1.05, bold=True, color=color)
            p.space_after = Pt(4)
            first = False
        for text, kind, level, bold, italic, factor in specs:
            p = tf.paragraphs[0] if first else tf.add_paragraph()
            first = False
            self.set_bullet(p, kind, level)
            p.space_after = Pt(4)
            self.run(p, plain(text), size * factor, bold, italic, color)

    def specs_height(self, specs: list[tuple], width, size: float, extra_lines: int = 0) -> int:
        from pptx.util import Emu, Pt

        width_pt = Emu(width).pt - 20
        lines = extra_lines
        for text, _kind, level, _b, _i, factor in specs:
            lines += est_lines(plain(text), width_pt - 29 * level, size * factor)
        return int(Pt(lines * size * 1.2 + len(specs) * 4 + 14))

    # -- layout: groups of flowing text, tables, rows of boxes
    def groups(self, blocks: list) -> list[tuple[str, Any]]:
        groups: list[tuple[str, Any]] = []
        for block in blocks:
            if "table" in block:
                groups.append(("table", block["table"]))
            elif "boxes" in block:
                groups.append(("boxes", block["boxes"]))
            elif "sidebar" in block:
                groups.append(("boxes", [{"title": None, "blocks": block["sidebar"]}]))
            elif groups and groups[-1][0] == "text":
                groups[-1][1].append(block)
            else:
                groups.append(("text", [block]))
        return groups

    def group_height(self, kind: str, value: Any, size: float) -> int:
        from pptx.util import Emu, Pt

        if kind == "text":
            return self.specs_height(self.para_specs(value), self.BODY_W, size)
        if kind == "table":
            rows = ([value["header"]] if value.get("header") else []) + value["rows"]
            ncols = max(len(r) for r in rows)
            col_pt = Emu(self.BODY_W).pt / ncols - 14
            total = 0.0
            for row in rows:
                lines = max(
                    sum(est_lines(plain(p), col_pt, size) for p in cell_paragraphs(c)) for c in row
                )
                total += lines * size * 1.2 + 10
            return int(Pt(total + 6))
        n = len(value)
        width = int((self.BODY_W - self.M * 0.3 * (n - 1)) / n)
        return max(
            self.specs_height(
                self.para_specs(b.get("blocks") or []), width, size, 1 if b.get("title") else 0
            )
            for b in value
        )

    def place(self, slide, blocks: list, top, bottom) -> None:
        from pptx.util import Emu, Pt

        groups = self.groups(blocks)
        size = 10.0
        for candidate in (20, 18, 16, 14, 12, 11, 10):
            total = sum(self.group_height(k, v, candidate) for k, v in groups)
            total += Pt(8) * max(0, len(groups) - 1)
            if top + total <= bottom:
                size = candidate
                break
        y = top
        for n, (kind, value) in enumerate(groups):
            h = self.group_height(kind, value, size)
            if kind == "text":
                tf = self.textbox(slide, self.M, Emu(y), self.BODY_W, Emu(h), f"Body {n + 1}")
                self.fill(tf, self.para_specs(value), size)
            elif kind == "table":
                self.add_table(slide, value, Emu(y), Emu(h), size)
            else:
                self.add_boxes(slide, value, Emu(y), Emu(h), size)
            y += h + Pt(8)

    def add_table(self, slide, table: dict, top, height, size: float) -> None:
        from pptx.util import Pt

        header = table.get("header")
        rows = ([header] if header else []) + table["rows"]
        ncols = max(len(r) for r in rows)
        gf = slide.shapes.add_table(len(rows), ncols, self.M, top, self.BODY_W, height)
        gf.name = "Table"
        tbl = gf.table
        tbl.first_row = header is not None
        for i, row in enumerate(rows):
            for j, content in enumerate(row):
                tf = tbl.cell(i, j).text_frame
                tf.word_wrap = True
                for k, para in enumerate(cell_paragraphs(content)):
                    p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
                    p.space_after = Pt(2)
                    is_head = header is not None and i == 0
                    from pptx.dml.color import RGBColor

                    color = RGBColor(0xFF, 0xFF, 0xFF) if is_head else None
                    self.run(p, plain(para), size * 0.9, bold=is_head, color=color)

    def add_boxes(self, slide, boxes: list, top, height, size: float) -> None:
        from pptx.dml.color import RGBColor
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.enum.text import MSO_ANCHOR
        from pptx.util import Emu

        n = len(boxes)
        gap = int(self.M * 0.3)
        width = int((self.BODY_W - gap * (n - 1)) / n)
        for k, box in enumerate(boxes):
            left = Emu(self.M + k * (width + gap))
            shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, Emu(width), height)
            shape.name = f"Box {k + 1}"
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor(0xEE, 0xF4, 0xF1)
            shape.line.color.rgb = RGBColor(0x0B, 0x4F, 0x3C)
            tf = shape.text_frame
            tf.word_wrap = True
            tf.vertical_anchor = MSO_ANCHOR.TOP
            self.fill(tf, self.para_specs(box.get("blocks") or []), size, box.get("title"))

    def footer(self, slide, number: int) -> None:
        from pptx.dml.color import RGBColor
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Inches

        grey = RGBColor(0x6B, 0x6B, 0x6B)
        if self.spec.get("footer"):
            tf = self.textbox(
                slide, self.M, self.H - Inches(0.5), Inches(6), Inches(0.35), "Footer"
            )
            self.run(tf.paragraphs[0], self.spec["footer"], 10, color=grey)
        tf = self.textbox(
            slide,
            self.W - Inches(1.3),
            self.H - Inches(0.5),
            Inches(0.7),
            Inches(0.35),
            "Slide Number",
        )
        tf.paragraphs[0].alignment = PP_ALIGN.RIGHT
        self.run(tf.paragraphs[0], str(number), 11, bold=True, color=grey)

    def set_title(self, slide, text: Any, size: float) -> None:
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
        from pptx.util import Inches

        t = slide.shapes.title
        t.left, t.top, t.width, t.height = self.M, Inches(0.3), self.BODY_W, Inches(1.0)
        tf = t.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        p = tf.paragraphs[0]
        p.alignment = PP_ALIGN.LEFT
        self.run(p, plain(text), size, bold=True, color=RGBColor(0x0B, 0x4F, 0x3C))

    def render(self) -> bytes:
        from pptx.dml.color import RGBColor
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Inches

        prs, spec = self.prs, self.spec
        for number, plan in enumerate(slide_plan(spec), start=1):
            if plan.get("cover"):
                slide = prs.slides.add_slide(prs.slide_layouts[0])
                t = slide.shapes.title
                t.left, t.top, t.width, t.height = self.M, Inches(1.6), self.BODY_W, Inches(1.5)
                p = t.text_frame.paragraphs[0]
                p.alignment = PP_ALIGN.LEFT
                self.run(p, plain(plan["title"]), 36, bold=True, color=RGBColor(0x0B, 0x4F, 0x3C))
                sub = next(ph for ph in slide.placeholders if ph.placeholder_format.idx == 1)
                # subtitle lines: the subtitle, then the cover's plain paragraphs
                lines = [(plan["subtitle"], False, False)] if plan.get("subtitle") else []
                rest = plan["blocks"]
                while rest and "p" in rest[0] and len(lines) < 6:
                    lines.append((rest[0]["p"], rest[0].get("bold", False), rest[0].get("italic")))
                    rest = rest[1:]
                if lines:
                    sub.left, sub.top = self.M, Inches(3.2)
                    sub.width, sub.height = self.BODY_W, Inches(0.5 * len(lines) + 0.3)
                    for k, (text, bold, italic) in enumerate(lines):
                        p = (
                            sub.text_frame.paragraphs[0]
                            if k == 0
                            else sub.text_frame.add_paragraph()
                        )
                        p.alignment = PP_ALIGN.LEFT
                        self.run(p, plain(text), 20 if k == 0 else 18, bool(bold), bool(italic))
                else:
                    sub._element.getparent().remove(sub._element)
                if rest:
                    top = Inches(3.2 + 0.5 * len(lines) + 0.5)
                    self.place(slide, rest, top, self.H - Inches(0.7))
            else:
                slide = prs.slides.add_slide(prs.slide_layouts[5])
                if plan.get("title"):
                    self.set_title(slide, plan["title"], 28)
                else:
                    ph = slide.shapes.title
                    ph._element.getparent().remove(ph._element)
                self.place(slide, plan["blocks"], Inches(1.45), self.H - Inches(0.65))
                self.footer(slide, number)
            if plan.get("notes"):
                slide.notes_slide.notes_text_frame.text = plan["notes"]
        cp = prs.core_properties
        cp.title = plain(spec["title"])
        cp.author = cp.last_modified_by = AUTHOR
        cp.subject = cp.keywords = cp.comments = cp.category = ""
        cp.language = spec["lang"]
        cp.created = cp.modified = cp.last_printed = FIXED_TIME
        cp.revision = 1
        buf = io.BytesIO()
        prs.save(buf)
        return fixed_zip(buf.getvalue())


def render_pptx(spec: dict) -> bytes:
    return PptxRenderer(spec).render()


# --------------------------------------------------------------------------
# pdf
# --------------------------------------------------------------------------

# bullet glyphs: (level-0 glyph, deeper glyph, font). "•" is drawn in Bitstream Vera (shipped
# with reportlab): Helvetica's WinAnsi code for it (127) extracts as "(cid:127)", while the
# embedded Vera subset maps it back to U+2022. Symbol-font glyphs are drawn in
# ZapfDingbats so text extraction yields a letter, as Wingdings/Zapf bullets do in real files:
# "■" -> 'n', "●" -> 'l', "✔" -> '4', "➢" -> an unmapped code.
PDF_BULLETS = {
    "dot": ("•", "–", "Vera"),
    "dash": ("–", "–", "Helvetica"),
    "arrow": ("➢", "➢", "ZapfDingbats"),
    "zapf": ("■", "●", "ZapfDingbats"),
    "wingdings": ("●", "■", "ZapfDingbats"),
    "check": ("✔", "✔", "ZapfDingbats"),
}


def pdf_markup(text: Any, bold: bool = False, italic: bool = False) -> str:
    s = escape(plain(text))
    if italic:
        s = f"<i>{s}</i>"
    if bold:
        s = f"<b>{s}</b>"
    return s


def column_widths(rows: list, ncols: int, width: float) -> list[float]:
    """Column widths in proportion to the longest text of each column, within bounds."""
    weights = [8.0] * ncols
    for row in rows:
        for j, cell in enumerate(row):
            longest = max((len(plain(p)) for p in cell_paragraphs(cell)), default=0)
            weights[j] = max(weights[j], min(float(longest), 60.0))
    total = sum(weights)
    return [width * w / total for w in weights]


@functools.cache
def register_vera() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))


@functools.cache
def side_table_class() -> type:
    """A reportlab Table that ImageAndFlowables can float beside the text, like an image."""
    from reportlab.platypus import Table

    class SideTable(Table):
        def _restrictSize(self, aW, aH):
            return self._width, self._height

        def _unRestrictSize(self):
            pass

    return SideTable


class PdfRenderer:
    def __init__(self, spec: dict):
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        self.spec = spec
        self.style = style_of(spec)
        self.slides = has_slides(spec)
        self.split_in_row = 0
        self.colors = colors
        self.blue = colors.HexColor("#1F4E79")
        self.light = colors.HexColor("#E8EEF5")
        scale = 1.7 if self.slides else 1.0
        fs = 10.5 * scale
        base = ParagraphStyle(
            "base", fontName="Helvetica", fontSize=fs, leading=fs * 1.35, spaceAfter=6 * scale
        )
        self.base = base
        self.cell = ParagraphStyle(
            "cell", parent=base, fontSize=fs * 0.9, leading=fs * 1.15, spaceAfter=2
        )
        self.title = ParagraphStyle(
            "title",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=20 * scale * (1.2 if self.slides else 1),
            leading=26 * scale * (1.2 if self.slides else 1),
            textColor=self.blue,
            spaceAfter=8,
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=base, fontSize=12.5 * scale, leading=16 * scale, spaceAfter=12
        )
        self.slide_title = ParagraphStyle(
            "slide_title", parent=self.title, fontSize=28, leading=34, spaceAfter=14
        )
        self.heads = [
            ParagraphStyle(
                f"h{n}",
                parent=base,
                fontName="Helvetica-Bold",
                fontSize=size * scale,
                leading=size * scale * 1.3,
                textColor=self.blue if n < 3 else colors.black,
                spaceBefore=(10 - 2 * n) * scale,
                spaceAfter=4,
                keepWithNext=1,
            )
            for n, size in ((1, 15), (2, 12.5), (3, 11))
        ]
        self.small = ParagraphStyle(
            "small", parent=base, fontSize=fs * 0.85, leading=fs * 1.1, spaceAfter=1
        )

    # -- inline and simple blocks
    def para(self, text: Any, style, bold: bool = False, italic: bool = False):
        from reportlab.platypus import Paragraph

        return Paragraph(pdf_markup(text, bold, italic), style)

    def list_flowables(self, entries: list, ordered: bool, level: int, cell: bool) -> list:
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Paragraph

        st = self.style
        parent = self.cell if cell else self.base
        hang = 30 if st.get("hanging_wrap") else 13
        step = 14 if cell else 18
        bullet_indent = (2 if cell else 6) + step * level
        glyph0, glyph1, font = PDF_BULLETS[st.get("bullet", "dot")]
        glyph = glyph0 if level == 0 else glyph1
        item_style = ParagraphStyle(
            f"li{level}{ordered}{cell}",
            parent=parent,
            leftIndent=bullet_indent + hang,
            bulletIndent=bullet_indent,
            bulletFontName="Helvetica" if ordered else font,
            bulletFontSize=parent.fontSize * (0.8 if font == "ZapfDingbats" and not ordered else 1),
            spaceAfter=parent.spaceAfter * 0.6,
        )
        out = []
        for n, entry in enumerate(entries, start=1):
            text, sub = entry_parts(entry)
            markup = pdf_markup(text)
            mark = f"{n}." if ordered else glyph
            if ordered and st.get("numbers") == "glued":
                glued = ParagraphStyle("glued", parent=item_style, leftIndent=bullet_indent)
                out.append(Paragraph(f"{n}.{markup}", glued))
            elif st.get("bullet_line") == "own":
                own = ParagraphStyle(
                    "own",
                    parent=item_style,
                    leftIndent=bullet_indent,
                    fontName=item_style.bulletFontName,
                    keepWithNext=1,
                    spaceAfter=0,
                )
                out.append(Paragraph(escape(mark), own))
                out.append(Paragraph(markup, item_style))
            else:
                out.append(Paragraph(markup, item_style, bulletText=mark))
            if sub:
                out += self.list_flowables(sub, ordered, level + 1, cell)
        return out

    def table_flowable(self, table: dict, width: float):
        from reportlab.platypus import Table, TableStyle

        header, rows = table.get("header"), table["rows"]
        all_rows = ([header] if header else []) + rows
        ncols = max(len(r) for r in all_rows)
        data = []
        for i, row in enumerate(all_rows):
            is_head = header is not None and i == 0
            cells = []
            for content in row:
                cells.append(
                    [self.para(p, self.cell, bold=is_head) for p in cell_paragraphs(content)]
                )
            cells += [""] * (ncols - len(cells))
            data.append(cells)
        cmds = [
            ("GRID", (0, 0), (-1, -1), 0.5, self.colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if header:
            cmds.append(("BACKGROUND", (0, 0), (-1, 0), self.light))
        t = Table(
            data,
            colWidths=column_widths(all_rows, ncols, width),
            repeatRows=1 if header else 0,
            splitInRow=self.split_in_row,
            spaceBefore=4,
            spaceAfter=8,
        )
        t.setStyle(TableStyle(cmds))
        return t

    def boxes_flowable(self, boxes: list, width: float):
        from reportlab.platypus import Table, TableStyle

        n = len(boxes)
        col = width / n
        cells = []
        for box in boxes:
            content = []
            if box.get("title") is not None:
                content.append(self.para(box["title"], self.cell, bold=True))
            content += self.flowables(box.get("blocks") or [], col - 10, cell=True)
            cells.append(content)
        t = Table(
            [cells], colWidths=[col] * n, splitInRow=self.split_in_row, spaceBefore=6, spaceAfter=10
        )
        t.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, self.blue),
                    ("INNERGRID", (0, 0), (-1, -1), 0.8, self.blue),
                    ("BACKGROUND", (0, 0), (-1, -1), self.light),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        return t

    def sidebar_flowable(self, blocks: list, width: float):
        from reportlab.platypus import TableStyle

        t = side_table_class()(
            [[self.flowables(blocks, width - 10, cell=True)]],
            colWidths=[width],
            splitInRow=self.split_in_row,
            hAlign="RIGHT",
        )
        t.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, self.blue),
                    ("BACKGROUND", (0, 0), (-1, -1), self.light),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    def flowables(self, blocks: list, width: float, cell: bool = False, top=False) -> list:
        from reportlab.platypus import ImageAndFlowables, PageBreak

        out: list = []
        k = 0
        while k < len(blocks):
            block = blocks[k]
            k += 1
            if "sidebar" in block:
                side_w = width * 0.34 if not cell else width
                side = self.sidebar_flowable(block["sidebar"], side_w)
                if cell:
                    out.append(side)
                    continue
                # the body blocks that follow, up to a page break, flow beside the box
                j = k
                while j < len(blocks) and not any(
                    key in blocks[j] for key in ("pagebreak", "sidebar", "slide")
                ):
                    j += 1
                beside = self.flowables(blocks[k:j], width - side_w - 12)
                k = j
                if beside:
                    out.append(
                        ImageAndFlowables(side, beside, imageSide="right", imageLeftPadding=12)
                    )
                else:
                    out.append(side)
                continue
            if "pagebreak" in block:
                if top:
                    out.append(PageBreak())
                continue
            out += self.block_flowables(block, width, cell)
        return out

    def block_flowables(self, block: dict, width: float, cell: bool) -> list:
        for n, key in enumerate(("h1", "h2", "h3")):
            if key in block:
                style = self.heads[n] if not cell else self.heads[min(n + 1, 2)]
                return [self.para(block[key], style)]
        if "p" in block:
            style = self.cell if cell else self.base
            return [self.para(block["p"], style, block.get("bold", False), block.get("italic"))]
        if "ul" in block or "ol" in block:
            return self.list_flowables(block.get("ul", block.get("ol")), "ol" in block, 0, cell)
        if "table" in block:
            return [self.table_flowable(block["table"], width)]
        if "boxes" in block:
            return [self.boxes_flowable(block["boxes"], width)]
        if "email" in block:
            em = block["email"]
            out = [
                self.para_raw(f"<b>{EMAIL_LABELS[k]}:</b> {escape(em[k])}", self.small)
                for k in EMAIL_KEYS
                if k in em
            ]
            if out:
                out[-1].style = self.small.clone("small_last", spaceAfter=10)
            return out
        return []

    def para_raw(self, markup: str, style):
        from reportlab.platypus import Paragraph

        return Paragraph(markup, style)

    # -- page decoration
    def decorate(self, canv, doc) -> None:
        spec = self.spec
        w, h = doc.pagesize
        canv.saveState()
        canv.setFont("Helvetica", 8.5 if not self.slides else 10)
        canv.setFillColor(self.colors.HexColor("#555555"))
        lm = doc.leftMargin
        if spec.get("header") and not self.slides:
            canv.drawString(lm, h - 1.3 * 28.35, spec["header"])
        if self.slides:
            if doc.page > 1:
                if spec.get("footer"):
                    canv.drawString(lm, 18, spec["footer"])
                canv.setFont("Helvetica-Bold", 11)
                canv.drawRightString(w - lm, 18, str(doc.page))
        elif spec.get("footer"):
            size = 8.5
            room = w - lm - doc.rightMargin - 50
            while size > 5 and canv.stringWidth(spec["footer"], "Helvetica", size) > room:
                size -= 0.5
            canv.setFont("Helvetica", size)
            canv.drawString(lm, 1.1 * 28.35, spec["footer"])
            canv.setFont("Helvetica", 8.5)
            canv.drawRightString(w - doc.rightMargin, 1.1 * 28.35, f"Page {doc.page}")
        canv.restoreState()

    def render(self) -> bytes:
        """Table rows stay whole when they fit on a page; else they may split inside."""
        from reportlab.platypus.doctemplate import LayoutError

        try:
            return self.build(split_in_row=0)
        except LayoutError:
            return self.build(split_in_row=1)

    def build(self, split_in_row: int) -> bytes:
        from reportlab import rl_config
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import cm
        from reportlab.platypus import (
            BaseDocTemplate,
            Frame,
            FrameBreak,
            NextPageTemplate,
            PageBreak,
            PageTemplate,
            Spacer,
        )

        rl_config.invariant = 1
        register_vera()
        self.split_in_row = split_in_row
        spec = self.spec
        if self.slides:
            size = (960, 540) if self.style.get("slide_size", "16:9") == "16:9" else (720, 540)
            lm = rm = 40
            tm, bm = 30, 40
        else:
            size = A4
            lm = rm = 2.2 * cm
            tm, bm = 2.4 * cm, 2.2 * cm
        buf = io.BytesIO()
        doc = BaseDocTemplate(
            buf,
            pagesize=size,
            leftMargin=lm,
            rightMargin=rm,
            topMargin=tm,
            bottomMargin=bm,
            title=plain(spec["title"]),
            author=AUTHOR,
            subject=spec["family"],
            creator="render_corpus",
            invariant=1,
        )
        fw, fh = size[0] - lm - rm, size[1] - tm - bm
        head = [self.para(spec["title"], self.title)]
        if shown_subtitle(spec):
            head.append(self.para(shown_subtitle(spec), self.subtitle))
        story: list = []
        if self.style.get("columns") == 2 and not self.slides:
            # page 1: the title across the page, two columns below; then two columns
            gap = 0.8 * cm
            cw = (fw - gap) / 2
            th = sum(f.wrap(fw - 12, fh)[1] + f.getSpaceAfter() for f in head) + 18
            first = [
                Frame(lm, bm + fh - th, fw, th, id="head"),
                Frame(lm, bm, cw, fh - th, id="left1"),
                Frame(lm + cw + gap, bm, cw, fh - th, id="right1"),
            ]
            later = [
                Frame(lm, bm, cw, fh, id="left"),
                Frame(lm + cw + gap, bm, cw, fh, id="right"),
            ]
            doc.addPageTemplates(
                [
                    PageTemplate(id="first", frames=first, onPage=self.decorate),
                    PageTemplate(id="page", frames=later, onPage=self.decorate),
                ]
            )
            story += [NextPageTemplate("page"), *head, FrameBreak()]
            width = cw
        else:
            frame = Frame(lm, bm, fw, fh, id="body")
            doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self.decorate)])
            if self.slides:
                story.append(Spacer(1, 120))
            story += head
            width = fw
        width -= 12  # frame padding
        if self.slides:
            for block in body_blocks(spec):
                if "slide" in block:
                    s = block["slide"]
                    story.append(PageBreak())
                    if s.get("title"):
                        story.append(self.para(s["title"], self.slide_title))
                    story += self.flowables(s.get("blocks") or [], width)
                else:
                    story += self.flowables([block], width)
        else:
            story += self.flowables(body_blocks(spec), width, top=True)
        doc.build(story)
        return buf.getvalue()


def render_pdf(spec: dict) -> bytes:
    return PdfRenderer(spec).render()


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------

RENDERERS = {
    "md": render_md,
    "txt": render_txt,
    "docx": render_docx,
    "pdf": render_pdf,
    "pptx": render_pptx,
}


def render_spec(spec: dict, docs_dir: Path = DOCS, gold_dir: Path = GOLD) -> list[Path]:
    """Write every rendition of a (valid) spec, then its gold file; returns the paths."""
    outputs = {ext: RENDERERS[ext](spec) for ext in spec["formats"]}
    paths = []
    for ext, data in outputs.items():
        path = docs_dir / f"{spec['id']}.{ext}"
        write_atomic(path, data)
        paths.append(path)
    gold = gold_dir / f"{spec['id']}.json"
    write_atomic(gold, gold_json(spec).encode("utf-8"))
    paths.append(gold)
    return paths


def spec_files(specs_dir: Path = SPECS) -> list[Path]:
    return sorted(p for p in specs_dir.rglob("*.json") if p.stem.lower() != "readme")


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def load_spec(path: Path) -> tuple[Any, Report]:
    report = Report(display(path))
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.error("$", f"cannot read the spec: {exc}")
        return None, report
    full = check_spec(spec, display(path), path)
    return spec, full


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ids", nargs="*", metavar="ID", help="spec ids to render (default: all)")
    ap.add_argument("--check", action="store_true", help="validate the specs only")
    ap.add_argument("--specs", type=Path, default=SPECS, help="folder of the specs")
    ap.add_argument("--docs", type=Path, default=DOCS, help="output folder of the documents")
    ap.add_argument("--gold", type=Path, default=GOLD, help="output folder of the gold files")
    ap.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    args = ap.parse_args(argv)

    files = spec_files(args.specs)
    loaded = [(path, *load_spec(path)) for path in files]
    failed = 0
    # ids must be unique in the corpus
    by_id: dict[str, list[Path]] = {}
    for path, spec, _ in loaded:
        if isinstance(spec, dict) and isinstance(spec.get("id"), str):
            by_id.setdefault(spec["id"], []).append(path)
    for path, _spec, report in loaded:
        for sid, paths in by_id.items():
            if path in paths and len(paths) > 1:
                others = ", ".join(display(p) for p in paths if p != path)
                report.error("$.id", f"id {sid!r} is also used by {others}")
    if args.ids:
        wanted = set(args.ids)
        known = set(by_id) | {p.stem for p in files}
        for sid in sorted(wanted - known):
            print(f"error: no spec with id {sid!r} under {display(args.specs)}", file=sys.stderr)
            failed += 1
        loaded = [
            x
            for x in loaded
            if x[0].stem in wanted or (isinstance(x[1], dict) and x[1].get("id") in wanted)
        ]

    n_ok = 0
    for path, spec, report in loaded:
        for msg in report.warnings:
            print(msg, file=sys.stderr)
        if report.errors:
            for msg in report.errors:
                print(msg, file=sys.stderr)
            failed += 1
            continue
        if args.check:
            n_ok += 1
            continue
        try:
            outs = render_spec(spec, args.docs, args.gold)
        except Exception as exc:  # one bad spec must not stop the others
            failed += 1
            print(f"{display(path)}: render failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            traceback.print_exc(limit=4, file=sys.stderr)
            continue
        n_ok += 1
        if not args.quiet:
            items = gold_items(spec)
            n_p = sum(it["kind"] == "priority" for it in items)
            names = " ".join(p.name for p in outs[:-1])
            print(f"{spec['id']}: {names}  priority {n_p} next_step {len(items) - n_p}")
    verb = "valid" if args.check else "rendered"
    print(f"{n_ok} spec(s) {verb}, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
