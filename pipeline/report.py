"""`pipeline report`: one self-contained HTML file for analysts to read a run.

The file needs no server and no network (it works from a shared drive): the run's items are
embedded as JSON in a `<script type="application/json">` element and rendered by the inline
script with `textContent` only, so document text can never become markup. The charts (a
country x theme heatmap whose cells link to their items, items per action type) are inline
SVG built here with every string escaped. A Content-Security-Policy allows only the page's
own script and style (by hash) and no network access at all.

Sections: totals; items that need review (low confidence) first; the charts; filters by
country, theme, action, kind, words and confidence (kept in the URL's `#` part, so a heatmap
cell is a plain link); the items per country with deadline, actors, labels with scores and
evidence, and source file with page or slide; recurring priorities per country and the open
next steps (from `threads.jsonl`, written by `pipeline track`); the run's documents.

Document groups: renditions of one document (deck.pptx and its PDF export) give the same
items; items that share `group_id` are shown once (the `canonical` one), with the other
renditions listed ("also in: deck.pdf, deck.md"). Totals, heatmap and charts count groups.

The source of each item: for a PDF, an image of its page (rendered here with pypdfium2 at a
low resolution) with the item's box marked; for a slide deck or other text, the page's or
slide's text with the item's block marked. Each page is embedded once, as a JSON string in a
`<script type="application/json">` element that the page's script reads only when the item is
opened, so a report of thousands of items loads as fast as one without images. With
`assets=True` the images are written to `report_assets/` beside the report instead.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pipeline.fileio import write_text_atomic
from pipeline.models import DocumentResult, Item
from pipeline.runs import Run, RunNotFoundError, load_run
from pipeline.taxonomy import load_taxonomy

__all__ = ["Run", "RunNotFoundError", "load_run", "write_report"]

LOW_CONFIDENCE = 0.5
"""A label scored below this flags its item for review."""
NONE_KEY = "none"
"""Filter value for items with no country (global) or no theme."""


# ----------------------------------------------------------------------------- confidence


def _assigned_scores(item: Item) -> list[tuple[str, float]]:
    scores = {s.label: s.score for s in item.theme_scores + item.action_scores}
    return [(label, scores.get(label, 1.0)) for label in item.themes + item.actions]


def item_confidence(item: Item) -> float:
    """The lowest score among the item's labels; 0 when it has none, 1 once reviewed."""
    if item.review is not None:
        return 1.0
    scores = [s for _, s in _assigned_scores(item)]
    return round(min(scores), 4) if scores else 0.0


def item_flags(item: Item) -> list[str]:
    """Why an item needs review ('no labels', 'weak label: Monitoring 0.31'); [] if it does not."""
    if item.review is not None:
        return []
    assigned = _assigned_scores(item)
    if not assigned:
        return ["no labels"]
    tax = load_taxonomy()
    names = {t.id: t.label for t in [*tax.themes, *tax.actions]}
    return [
        f"weak label: {names.get(label, label)} {score:.2f}"
        for label, score in assigned
        if score < LOW_CONFIDENCE
    ]


def review_order(item: Item) -> tuple[bool, float]:
    """Sort key that puts the items most in need of review first."""
    return (item.review is not None, item_confidence(item))


# ----------------------------------------------------------------------------- data


def _unit(result: DocumentResult) -> str:
    return "slide" if result.document.format == "pptx" else "page"


def _scores(scores: list[Any]) -> list[dict[str, Any]]:
    return [{"label": s.label, "score": round(s.score, 4), "evidence": s.evidence} for s in scores]


def group_key(item: Item) -> str:
    """The item's document group (the same item in every rendition); its own id if none."""
    return getattr(item, "group_id", None) or item.id


def is_canonical(item: Item) -> bool:
    """Whether the item stands for its group (True when the run does not say)."""
    value = getattr(item, "canonical", None)
    return True if value is None else bool(value)


Member = tuple[int, DocumentResult, Item]
"""(index of the result in the run, the result, the item)."""


def item_groups(results: list[DocumentResult]) -> list[tuple[Member, list[Member]]]:
    """Each document group once: (the member that stands for it, the other renditions), in
    the order of the first item of each group. The canonical item stands for its group; a
    group without one is shown by its first item."""
    groups: dict[str, list[Member]] = {}
    for index, result in enumerate(results):
        for item in result.items:
            groups.setdefault(group_key(item), []).append((index, result, item))
    out = []
    for members in groups.values():
        main = next((m for m in members if is_canonical(m[2])), members[0])
        out.append((main, [m for m in members if m is not main]))
    return out


@dataclass
class Sources:
    """Pages of the run's sources, embedded once each: key 'doc-page' -> JSON-able record
    ({"image": uri, "w": points, "h": points} for PDF pages, {"blocks": [...]} for slides
    and text pages), plus the asset files to write beside the report."""

    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)


PAGE_WIDTH_PX = 680
"""Width the PDF pages are rendered at: readable, about 40-80 KB a page as JPEG."""
JPEG_QUALITY = 55
MAX_EMBEDDED_PAGES = 600
"""Beyond this many page images the report points to `--assets` instead of growing."""
ASSETS_DIR = "report_assets"


def _page_key(result: DocumentResult, page: int) -> str:
    """A page's key: the same file's page is embedded once, whatever its name."""
    return f"{result.document.id[:16]}-{page}"


def _render_pdf_pages(path: Path, pages: set[int]) -> dict[int, tuple[bytes, float, float]]:
    """JPEG bytes and page size in points of each wanted page (missing on any error)."""
    import pypdfium2 as pdfium

    out: dict[int, tuple[bytes, float, float]] = {}
    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception:
        return out
    try:
        for number in sorted(pages):
            if not 1 <= number <= len(pdf):
                continue
            try:
                page = pdf[number - 1]
                width, height = page.get_size()
                scale = max(0.3, min(2.0, PAGE_WIDTH_PX / max(width, 1.0)))
                image = page.render(scale=scale).to_pil().convert("RGB")
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
                out[number] = (buffer.getvalue(), float(width), float(height))
                page.close()
            except Exception:
                continue
    finally:
        pdf.close()
    return out


def _page_blocks(path: Path, pages: set[int]) -> dict[int, list[dict[str, Any]]]:
    """The text blocks of each wanted page or slide, from the parsed source."""
    from pipeline.errors import PipelineError
    from pipeline.parse import parse_file

    try:
        doc = parse_file(path)
    except (PipelineError, OSError, ValueError):
        return {}
    out: dict[int, list[dict[str, Any]]] = {}
    for block in doc.blocks:
        if block.page in pages:
            out.setdefault(block.page, []).append(
                {
                    "id": block.id,
                    "kind": str(block.kind),
                    "text": block.text,
                    "level": block.level,
                }
            )
    return out


def collect_sources(run: Run, wanted: dict[int, set[int]], assets: bool = False) -> Sources:
    """Render or read the pages `wanted` ({result index: pages}) of the run's sources."""
    sources = Sources()
    images = 0
    done: set[str] = set()
    for index, (_, result) in enumerate(run.results):
        pages = wanted.get(index)
        if not pages or result.document.id in done:
            continue
        done.add(result.document.id)
        path = run.source_path(result)
        if path is None:
            sources.notes[index] = (
                f"{result.document.source} is not where it was processed (or has changed): "
                "only the item's own paragraph is shown."
            )
            continue
        if result.document.format == "pdf":
            if not assets and images + len(pages) > MAX_EMBEDDED_PAGES:
                sources.notes[index] = (
                    f"more than {MAX_EMBEDDED_PAGES} page images: build the report with "
                    "`pipeline report RUN_DIR --assets` to see this document's pages."
                )
                continue
            for number, (jpeg, width, height) in _render_pdf_pages(path, pages).items():
                images += 1
                key = _page_key(result, number)
                if assets:
                    name = f"{ASSETS_DIR}/{result.document.id[:12]}-p{number}.jpg"
                    sources.assets[name] = jpeg
                    uri = name
                else:
                    uri = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
                sources.pages[key] = {"image": uri, "w": round(width, 2), "h": round(height, 2)}
        else:
            for number, blocks in _page_blocks(path, pages).items():
                sources.pages[_page_key(result, number)] = {"blocks": blocks}
    return sources


def _box(item: Item, size: dict[str, Any] | None) -> list[float] | None:
    """The item's box as percentages of its page [left, top, right, bottom]."""
    bbox = getattr(item.provenance, "bbox", None)
    if bbox is None or not size or not size.get("w") or not size.get("h"):
        return None
    w, h = size["w"], size["h"]

    def pct(v: float, total: float) -> float:
        return round(max(0.0, min(100.0, 100 * v / total)), 2)

    return [pct(bbox.x0, w), pct(bbox.top, h), pct(bbox.x1, w), pct(bbox.bottom, h)]


def report_data(
    run: Run, sources: Sources | None = None, threads: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Everything the page's script needs, as plain JSON-able data."""
    tax = load_taxonomy()
    results = [result for _, result in run.results]
    docs, items = [], []
    for index, result in enumerate(results):
        doc = result.document
        docs.append(
            {
                "name": Path(doc.source).name,
                "source": doc.source,
                "format": doc.format,
                "unit": _unit(result),
                "title": doc.title,
                "date": getattr(doc, "date", None),
                "items": len(result.items),
                "note": sources.notes.get(index) if sources else None,
            }
        )
    for (index, result, item), others in item_groups(results):
        key = _page_key(result, item.provenance.page)
        page = sources.pages.get(key) if sources else None
        entry = {
            "id": item.id,
            "doc": index,
            "kind": item.kind,
            "text": item.text,
            "country": item.country,
            "countryName": item.country_name or item.country,
            "themes": item.themes,
            "actions": item.actions,
            "themeScores": _scores(item.theme_scores),
            "actionScores": _scores(item.action_scores),
            "deadline": item.deadline.text if item.deadline else None,
            "deadlineDate": item.deadline.date if item.deadline else None,
            "actors": item.actors,
            "page": item.provenance.page,
            "section": item.section,
            "context": item.context,
            "cue": item.cue,
            "confidence": item_confidence(item),
            "flags": item_flags(item),
            "review": item.review.model_dump() if item.review else None,
            "status": getattr(item, "review_status", None),
            "also": [{"doc": i, "page": it.provenance.page, "id": it.id} for i, _, it in others],
            "blocks": item.provenance.block_ids,
            "src": key if page else None,
            "box": _box(item, page) if page and "image" in page else None,
        }
        if not page:
            entry["sourceText"] = item.provenance.source_text
            entry["span"] = list(item.provenance.span) if item.provenance.span else None
        items.append(entry)
    return {
        "themes": [{"id": t.id, "label": t.label} for t in tax.themes],
        "actions": [{"id": a.id, "label": a.label} for a in tax.actions],
        "documents": docs,
        "items": items,
        "lowConfidence": LOW_CONFIDENCE,
        "threads": threads,
    }


# ----------------------------------------------------------------------------- threads

THREADS_FILE = "threads.jsonl"


def load_threads(run_dir: Path) -> list[dict[str, Any]] | None:
    """The thread records of `pipeline track` (trimmed for the page), or None when the run
    folder has no threads.jsonl."""
    path = run_dir / THREADS_FILE
    if not path.is_file():
        return None
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except ValueError:
            continue
        steps = []
        for step in r.get("steps", []):
            follow = step.get("follow_up") or None
            steps.append(
                {
                    "status": step.get("status"),
                    "progress": step.get("progress"),
                    "date": step.get("date"),
                    "document": step.get("document_id"),
                    "source": step.get("source"),
                    "text": step.get("text"),
                    "item": step.get("item_id"),
                    "kind": step.get("kind"),
                    "documents": [
                        {
                            "document": d.get("document_id"),
                            "source": d.get("source"),
                            "date": d.get("date"),
                        }
                        for d in step.get("documents", [])
                    ],
                    "followUp": {
                        "status": follow.get("status"),
                        "date": follow.get("date"),
                        "source": follow.get("source"),
                        "text": follow.get("text"),
                    }
                    if follow
                    else None,
                }
            )
        out.append(
            {
                "id": r.get("thread_id"),
                "country": r.get("country"),
                "body": r.get("body"),
                "kind": r.get("kind"),
                "text": r.get("text"),
                "status": r.get("status"),
                "progress": r.get("progress"),
                "first": r.get("first_date"),
                "last": r.get("last_date"),
                "items": r.get("items", 0),
                "steps": steps,
            }
        )
    return out


def _json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element: <, > and & as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# ----------------------------------------------------------------------------- SVG charts

_E = html.escape


def _shade(count: int, top: int) -> tuple[str, str]:
    """Fill and text colour of a heatmap cell: white to deep teal by share of the maximum."""
    if count == 0:
        return "#f3f5f7", "#9aa5b1"
    t = 0.18 + 0.82 * (count / top) ** 0.7
    low, high = (224, 242, 241), (0, 95, 115)
    rgb = tuple(round(a + (b - a) * t) for a, b in zip(low, high, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb), "#ffffff" if t > 0.55 else "#12343b"


def _countries(items: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(key, name, count) per country, most items first; global items last."""
    counts = Counter(i["country"] or NONE_KEY for i in items)
    names = {i["country"]: i["countryName"] for i in items if i["country"]}
    rows = [(c, names.get(c, c), n) for c, n in counts.items() if c != NONE_KEY]
    rows.sort(key=lambda r: (-r[2], r[1]))
    if counts.get(NONE_KEY):
        rows.append((NONE_KEY, "Global / regional", counts[NONE_KEY]))
    return rows


def _wrap(text: str, width: int, most: int = 3) -> list[str]:
    """Greedy word wrap into at most `most` lines (the last one shortened with '…')."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])]
    return [line if len(line) <= width + 2 else line[:width] + "…" for line in lines]


def _hash_link(**params: str) -> str:
    """An escaped `href` that sets the page's filters: '#country=NPL&amp;theme=child_labour'."""
    return _E("#" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items()))


def heatmap_svg(data: dict[str, Any]) -> str:
    """Country x theme matrix; each non-empty cell links to its items."""
    items = data["items"]
    themes = [*data["themes"], {"id": NONE_KEY, "label": "No theme"}]
    countries = _countries(items)
    counts: Counter[tuple[str, str]] = Counter()
    for i in items:
        for theme in i["themes"] or [NONE_KEY]:
            counts[(i["country"] or NONE_KEY, theme)] += 1
    top = max(counts.values(), default=1)
    cw, ch, left, head = 80, 30, 190, 64
    width, height = left + cw * len(themes) + 56, head + ch * max(len(countries), 1) + 8
    out = [
        f'<svg class="heatmap" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>Items per country and theme</title>",
    ]
    for j, theme in enumerate(themes):
        lines = _wrap(theme["label"], 13)
        x, y0 = left + j * cw + cw / 2, head - 10 - 14 * (len(lines) - 1)
        spans = "".join(
            f'<tspan x="{x}" y="{y0 + 14 * n}">{_E(line)}</tspan>' for n, line in enumerate(lines)
        )
        out.append(f'<text class="col-label" text-anchor="middle">{spans}</text>')
    out.append(
        f'<text class="col-label total-label" x="{left + cw * len(themes) + 28}" '
        f'y="{head - 10}" text-anchor="middle">All</text>'
    )
    if not countries:
        out.append(f'<text class="empty" x="{left}" y="{head + 20}">No items in this run</text>')
    for r, (code, name, total) in enumerate(countries):
        y = head + r * ch
        label = name if len(name) <= 26 else name[:25] + "…"
        out.append(
            f'<a href="{_hash_link(country=code)}" class="row-link">'
            f"<title>{_E(name)}: {total} items</title>"
            f'<text class="row-label" x="{left - 10}" y="{y + ch / 2 + 4}" text-anchor="end">'
            f"{_E(label)}</text></a>"
        )
        for j, theme in enumerate(themes):
            n = counts.get((code, theme["id"]), 0)
            fill, ink = _shade(n, top)
            x = left + j * cw
            cell = (
                f'<rect x="{x + 1}" y="{y + 1}" width="{cw - 2}" height="{ch - 2}" rx="3" '
                f'fill="{fill}"/>'
            )
            text = (
                f'<text x="{x + cw / 2}" y="{y + ch / 2 + 4}" text-anchor="middle" '
                f'fill="{ink}" class="count">{n if n else "·"}</text>'
            )
            if n:
                tip = f"{name} × {theme['label']}: {n} item{'s' if n != 1 else ''}"
                out.append(
                    f'<a href="{_hash_link(country=code, theme=theme["id"])}" class="cell" '
                    f'data-country="{_E(code)}" data-theme="{_E(theme["id"])}" data-count="{n}">'
                    f"<title>{_E(tip)}</title>{cell}{text}</a>"
                )
            else:
                out.append(cell + text)
        out.append(
            f'<text class="row-total" x="{left + cw * len(themes) + 28}" y="{y + ch / 2 + 4}" '
            f'text-anchor="middle">{total}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def actions_svg(data: dict[str, Any]) -> str:
    """Horizontal bars: items per action type; each bar links to its items."""
    counts = Counter(a for i in data["items"] for a in i["actions"])
    actions = [*data["actions"]]
    none = sum(1 for i in data["items"] if not i["actions"])
    rows = [(a["id"], a["label"], counts.get(a["id"], 0)) for a in actions]
    rows.sort(key=lambda r: -r[2])
    rows.append((NONE_KEY, "No action type", none))
    top = max((n for *_, n in rows), default=1) or 1
    left, bar_w, rh = 230, 300, 24
    width, height = left + bar_w + 50, rh * len(rows) + 10
    out = [
        f'<svg class="bars" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>Items per action type</title>",
    ]
    for r, (key, label, n) in enumerate(rows):
        y = r * rh + 4
        w = max(bar_w * n / top, 2 if n else 0)
        cls = "bar bar-none" if key == NONE_KEY else "bar"
        out.append(
            f'<a href="{_hash_link(action=key)}" class="bar-link" data-action="{_E(key)}">'
            f"<title>{_E(label)}: {n} items</title>"
            f'<text class="row-label" x="{left - 10}" y="{y + rh / 2 + 3}" text-anchor="end">'
            f"{_E(label)}</text>"
            f'<rect class="{cls}" x="{left}" y="{y + 3}" width="{w:.1f}" height="{rh - 8}" rx="2"/>'
            f'<text class="bar-value" x="{left + w + 6:.1f}" y="{y + rh / 2 + 3}">{n}</text></a>'
        )
    out.append("</svg>")
    return "".join(out)


# ----------------------------------------------------------------------------- page


def _totals(run: Run, data: dict[str, Any]) -> str:
    items = data["items"]
    kinds = Counter(i["kind"] for i in items)
    cards = [
        ("Items", len(items), ""),
        ("Priorities", kinds.get("priority", 0), ""),
        ("Next steps", kinds.get("next_step", 0), ""),
        ("Countries", len({i["country"] for i in items if i["country"]}), ""),
        ("Documents", len(run.results), ""),
        ("Shown once (renditions)", sum(1 for i in items if i["also"]), ""),
        ("Need review", sum(1 for i in items if i["flags"]), "warn"),
        ("Reviewed", sum(1 for i in items if i["review"]), "ok"),
    ]
    return "".join(
        f'<div class="total {cls}"><span class="n">{n}</span>'
        f'<span class="l">{_E(label)}</span></div>'
        for label, n, cls in cards
    )


def _sources(run: Run) -> str:
    rows = []
    records = run.manifest.inputs if run.manifest else []
    loaded = {output: result for output, result in run.results}
    if not records:
        for _, result in run.results:
            rows.append((result.document.source, "processed", str(len(result.items)), ""))
    for record in records:
        result = loaded.get(record.output or "")
        count = result.document.page_count if result else 0
        pages = f"{count} {_unit(result)}{'s' if count != 1 else ''}" if result else ""
        note = record.reason or pages
        rows.append((record.path, record.status, str(record.items), note))
    body = "".join(
        f'<tr class="status-{_E(status)}"><td class="path">{_E(path)}</td>'
        f"<td>{_E(status)}</td><td class=num>{_E(n)}</td><td>{_E(note)}</td></tr>"
        for path, status, n, note in rows
    )
    return (
        "<table class=sources><thead><tr><th>File</th><th>Status</th><th class=num>Items</th>"
        f"<th>Notes</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _run_line(run: Run) -> str:
    m = run.manifest
    if m is None:
        return f"Run folder {run.dir}"
    when = (m.finished or m.started)[:16].replace("T", " ")
    model = f", model {m.model_version}" if m.model_version else ", no classification model"
    return f"Run {m.run_id[:8]} finished {when} UTC · pipeline {m.pipeline_version}{model}"


def _template(name: str) -> str:
    return resources.files("pipeline").joinpath("templates", name).read_text("utf-8")


def _csp_hash(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def _fill(template: str, values: dict[str, str]) -> str:
    """Replace every `{{ name }}` in one pass, so inserted text is never scanned again."""

    def sub(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return re.sub(r"\{\{ (\w+) \}\}", sub, template)


def _wanted_pages(run: Run) -> dict[int, set[int]]:
    results = [r for _, r in run.results]
    wanted: dict[int, set[int]] = {}
    for (index, _, item), _others in item_groups(results):
        wanted.setdefault(index, set()).add(item.provenance.page)
    return wanted


def _page_elements(sources: Sources) -> str:
    """One inert JSON element per page: read by the script only when an item is opened."""
    return "".join(
        f'<script type="application/json" id="src-{_E(key)}">{_json_for_script(page)}</script>'
        for key, page in sources.pages.items()
    )


def build_report(
    run: Run,
    title: str = "Alliance 8.7 priorities and next steps",
    assets: bool = False,
    sources: Sources | None = None,
) -> str:
    """The report page as one HTML string."""
    if sources is None:
        sources = collect_sources(run, _wanted_pages(run), assets=assets)
    data = report_data(run, sources, load_threads(run.dir))
    css, script = _template("report.css"), _template("report.js")
    images = "img-src data: 'self' file:" if sources.assets else "img-src data:"
    csp = (
        f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(css)}; "
        f"{images}; base-uri 'none'; form-action 'none'"
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return _fill(
        _template("report.html"),
        {
            "csp": _E(csp),
            "title": _E(title),
            "run": _E(_run_line(run)),
            "generated": _E(generated),
            "totals": _totals(run, data),
            "heatmap": heatmap_svg(data),
            "actions": actions_svg(data),
            "sources": _sources(run),
            "css": css,
            "script": script,
            "data": _json_for_script(data),
            "pages": _page_elements(sources),
        },
    )


def write_report(
    run_dir: str | Path, html_path: str | Path | None = None, assets: bool = False
) -> Path:
    """Build the report of the run in `run_dir`; write it to `html_path` (default
    `run_dir/report.html`) and return that path. With `assets`, the page images are written
    to `report_assets/` beside it instead of inside it."""
    from pipeline.fileio import write_bytes_atomic

    run = load_run(run_dir)
    path = Path(html_path) if html_path else run.dir / "report.html"
    sources = collect_sources(run, _wanted_pages(run), assets=assets)
    for name, content in sources.assets.items():
        write_bytes_atomic(path.parent / name, content)
    write_text_atomic(path, build_report(run, assets=assets, sources=sources))
    return path
