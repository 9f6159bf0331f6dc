#!/usr/bin/env python3
"""In-process measurements that `run_bench.py` starts in a process of their own.

    .venv/bin/python bench/measure.py baseline-pdf  FILES.txt   # pdfplumber extract_text()
    .venv/bin/python bench/measure.py baseline-pptx FILES.txt   # python-pptx: every shape's text
    .venv/bin/python bench/measure.py baseline-docx FILES.txt   # python-docx: paragraphs, tables
    .venv/bin/python bench/measure.py emit OUT_DIR              # pipeline.emit on a run's results
    .venv/bin/python bench/measure.py profile FILES.txt [--top 25] [--sort tottime]
    .venv/bin/python bench/measure.py profile-batch OUT_DIR INPUT...   # a (warm) batch, cProfile
    .venv/bin/python bench/measure.py overhead                  # fixed costs of a batch worker
    .venv/bin/python bench/measure.py stages FILES.txt          # stage timings, one warm process
    .venv/bin/python bench/measure.py pdf-split FILES.txt       # where PDF parsing spends its time

`FILES.txt` holds one path a line. Each command prints one JSON object on stdout; times are
`time.perf_counter()` seconds of the work alone (`import_seconds` apart), one process, one
thread, the files read one after the other, exactly like `pipeline run --jobs 1` does.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path


def _files(listing: Path) -> list[Path]:
    return [Path(line) for line in listing.read_text("utf-8").splitlines() if line.strip()]


def baseline_pdf(files: list[Path]) -> dict:
    """pdfplumber's own text extraction: `extract_text()` on every page of every file."""
    t0 = time.perf_counter()
    import pdfplumber

    t1 = time.perf_counter()
    pages = chars = 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                chars += len(page.extract_text() or "")
                pages += 1
                page.close()  # as the pipeline does: drop the page's cached objects
    return {
        "files": len(files),
        "pages": pages,
        "chars": chars,
        "seconds": time.perf_counter() - t1,
        "import_seconds": t1 - t0,
    }


def _shape_texts(shapes) -> list[str]:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out: list[str] = []
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            out += _shape_texts(shape.shapes)
        elif shape.has_text_frame:
            out.append(shape.text_frame.text)
        elif getattr(shape, "has_table", False) and shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def baseline_pptx(files: list[Path]) -> dict:
    """python-pptx walking every shape (groups, tables) of every slide, and the notes."""
    t0 = time.perf_counter()
    from pptx import Presentation

    t1 = time.perf_counter()
    slides = chars = 0
    for path in files:
        prs = Presentation(str(path))
        for slide in prs.slides:
            slides += 1
            texts = _shape_texts(slide.shapes)
            if slide.has_notes_slide:
                texts.append(slide.notes_slide.notes_text_frame.text)
            chars += sum(len(t) for t in texts)
    return {
        "files": len(files),
        "pages": slides,
        "chars": chars,
        "seconds": time.perf_counter() - t1,
        "import_seconds": t1 - t0,
    }


def baseline_docx(files: list[Path]) -> dict:
    """python-docx: every body paragraph, every table cell, the section headers/footers."""
    t0 = time.perf_counter()
    from docx import Document

    t1 = time.perf_counter()
    chars = 0
    for path in files:
        doc = Document(str(path))
        texts = [p.text for p in doc.paragraphs]
        texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
        for sec in doc.sections:
            texts += [p.text for p in sec.header.paragraphs + sec.footer.paragraphs]
        chars += sum(len(t) for t in texts)
    return {
        "files": len(files),
        "pages": None,
        "chars": chars,
        "seconds": time.perf_counter() - t1,
        "import_seconds": t1 - t0,
    }


def emit(out_dir: Path) -> dict:
    """Time the emit stage on a finished run's results, as `run_batch` does it after the
    workers: validate each worker's JSON and write documents/*.json, then items.jsonl,
    items.csv and priorities.sqlite. The manifest has no timing for this stage."""
    from pipeline import emit as em
    from pipeline.fileio import write_text_atomic
    from pipeline.models import DocumentResult

    texts = [p.read_text("utf-8") for p in sorted((out_dir / "documents").glob("*.json"))]
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp)
        (target / "documents").mkdir()
        t = {"documents": len(texts)}
        rss0 = _rss_mb()
        start = time.perf_counter()
        results = [DocumentResult.model_validate_json(text) for text in texts]
        t["results_rss_mb"] = _rss_mb() - rss0
        for k, result in enumerate(results):
            write_text_atomic(target / "documents" / f"{k}.json", result.model_dump_json(indent=2))
        t["results_validate_write"] = time.perf_counter() - start
        mark = time.perf_counter()
        reloaded = [
            DocumentResult.model_validate_json(p.read_text("utf-8"))
            for p in sorted((target / "documents").glob("*.json"))
        ]
        t["results_reload"] = time.perf_counter() - mark
        mark = time.perf_counter()
        # items.jsonl, items.csv and the SQLite database are written in one pass.
        t["items"] = em.write_outputs(target, reloaded, [])
        t["jsonl+csv+sqlite"] = time.perf_counter() - mark
        t["seconds"] = time.perf_counter() - start
    return t


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _profile_text(prof: cProfile.Profile, top: int, sort: str) -> str:
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.strip_dirs().sort_stats(sort).print_stats(top)
    return buf.getvalue()


def profile(files: list[Path], top: int, sort: str) -> dict:
    """cProfile of `process_file` over the files (after the warm-up the batch does too)."""
    from pipeline.process import process_file, warm_up

    warm_up()
    timings: dict[str, float] = {}
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    items = sum(len(process_file(path, None, timings).items) for path in files)
    prof.disable()
    return {
        "files": len(files),
        "items": items,
        "seconds": time.perf_counter() - start,
        "timings": timings,
        "profile": _profile_text(prof, top, sort),
    }


def profile_batch(out_dir: Path, inputs: list[Path], top: int, sort: str) -> dict:
    """cProfile of one `run_batch` in this process (the parent's share: hashing, cache
    checks, loading results, emit; forked workers are not profiled)."""
    from pipeline.batch import BatchOptions, run_batch

    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    manifest = run_batch(inputs, out_dir, BatchOptions(jobs=1))
    prof.disable()
    return {
        "seconds": time.perf_counter() - start,
        "counts": manifest.counts,
        "profile": _profile_text(prof, top, sort),
    }


def stages(files: list[Path]) -> dict:
    """Per-file stage timings of `process_file` in one warm process (after `warm_up()` and
    one untimed document of each format), to compare with the same files' timings from
    forked workers (manifest.json)."""
    from pipeline.process import process_file, warm_up

    warm_up()
    firsts = {path.suffix: path for path in reversed(files)}
    for path in firsts.values():  # steady state: parsers imported, lazy caches filled
        process_file(path)
    out = {}
    for path in files:
        timings: dict[str, float] = {}
        process_file(path, None, timings)
        out[str(path)] = timings
    return {"files": out}


def pdf_split(files: list[Path]) -> dict:
    """PDF parsing taken apart, each pass over every page of every file:

    - `extract_text`: the baseline, pdfplumber `Page.extract_text()`;
    - `objects`: pdfplumber `Page.objects` alone (pdfminer's layout, then one dict of
      resolved attributes per character, line and rectangle), which the pipeline reads;
    - `layout_walk`: pdfminer's layout alone (`Page.layout`), copying from each `LTChar`
      the fields `layout.Char` holds: what reading the characters costs without the dicts;
    - `page_to_record`, `page_to_layout`, `layouts_to_blocks`: the pipeline's own steps
      (`page_to_record` includes `Page.objects`).
    """
    import pdfplumber
    from pdfminer.layout import LTChar, LTContainer

    from pipeline.config import Settings
    from pipeline.parse import layout
    from pipeline.parse import pdf as ppdf

    settings = Settings()
    t = dict.fromkeys(
        ("extract_text", "objects", "layout_walk", "page_to_record", "page_to_layout"), 0.0
    )
    t["layouts_to_blocks"] = 0.0
    pages = 0

    def walk(container, out: list) -> None:
        for obj in container:
            if isinstance(obj, LTChar):
                out.append(obj)
            elif isinstance(obj, LTContainer):
                walk(obj, out)

    def each_page(path: Path, fn) -> float:
        start = time.perf_counter()
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                fn(page)
                page.close()
        return time.perf_counter() - start

    def copy_chars(page) -> list[tuple]:
        chars: list = []
        walk(page.layout, chars)
        h = page.height
        return [(c.get_text(), c.x0, c.x1, h - c.y1, h - c.y0, c.fontname, c.size) for c in chars]

    for path in files:
        t["extract_text"] += each_page(path, lambda p: p.extract_text())
        t["objects"] += each_page(path, lambda p: p.objects)
        t["layout_walk"] += each_page(path, copy_chars)
        layouts = []
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                pages += 1
                a = time.perf_counter()
                record, _ = ppdf.page_to_record(path, page, settings)
                b = time.perf_counter()
                layouts.append(layout.page_to_layout(record))
                c = time.perf_counter()
                page.close()
                t["page_to_record"] += b - a
                t["page_to_layout"] += c - b
        a = time.perf_counter()
        layout.layouts_to_blocks(layouts)
        t["layouts_to_blocks"] += time.perf_counter() - a
    return {"files": len(files), "pages": pages, "seconds": t}


def overhead() -> dict:
    """Fixed costs paid by `pipeline run`, measured in a fresh process, in this order:

    - `version_check`: `batch.model_version()`, which every run calls first, even when all
      documents are unchanged;
    - `warm_up`: `process.warm_up()`, which the parent runs once before forking;
    - then what a forked worker still loads on its first document, because `warm_up` leaves
      it out and the worker exits after one document: the parser modules (imported lazily by
      `parse._parser_for`) and the classifier's spaCy rule matcher (`rules.rule_matcher`);
    - `fork`: forking the warmed-up process and reaping the child (no work in it).
    """
    out: dict[str, float] = {}
    start = time.perf_counter()
    from pipeline.batch import model_version

    model_version()
    out["version_check"] = time.perf_counter() - start
    mark = time.perf_counter()
    from pipeline.process import warm_up

    warm_up()
    out["warm_up"] = time.perf_counter() - mark
    for module in ("pdf", "pptx", "docx"):
        mark = time.perf_counter()
        __import__(f"pipeline.parse.{module}")
        out[f"import_parse_{module}"] = time.perf_counter() - mark
    from pipeline.classify.rules import rule_matcher

    mark = time.perf_counter()
    rule_matcher()
    out["rule_matcher"] = time.perf_counter() - mark
    import os

    mark = time.perf_counter()
    for _ in range(10):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    out["fork"] = (time.perf_counter() - mark) / 10
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("baseline-pdf", "baseline-pptx", "baseline-docx"):
        sub.add_parser(name).add_argument("files", type=Path)
    sub.add_parser("emit").add_argument("out_dir", type=Path)
    p = sub.add_parser("profile")
    p.add_argument("files", type=Path)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--sort", default="tottime")
    p = sub.add_parser("profile-batch")
    p.add_argument("out_dir", type=Path)
    p.add_argument("inputs", type=Path, nargs="+")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--sort", default="cumulative")
    sub.add_parser("overhead")
    sub.add_parser("stages").add_argument("files", type=Path)
    sub.add_parser("pdf-split").add_argument("files", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "baseline-pdf":
        result = baseline_pdf(_files(args.files))
    elif args.cmd == "baseline-pptx":
        result = baseline_pptx(_files(args.files))
    elif args.cmd == "baseline-docx":
        result = baseline_docx(_files(args.files))
    elif args.cmd == "emit":
        result = emit(args.out_dir)
    elif args.cmd == "profile":
        result = profile(_files(args.files), args.top, args.sort)
    elif args.cmd == "overhead":
        result = overhead()
    elif args.cmd == "stages":
        result = stages(_files(args.files))
    elif args.cmd == "pdf-split":
        result = pdf_split(_files(args.files))
    else:
        result = profile_batch(args.out_dir, args.inputs, args.top, args.sort)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
