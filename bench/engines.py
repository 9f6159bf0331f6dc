"""PDF engines side by side on the same files, one process, one job: ratios.

    .venv/bin/python bench/engines.py FILE.pdf ...   (or a folder)

Times, on every page of every file: pdfplumber `extract_text()` (the baseline), pypdfium2's
raw text extraction (`get_textpage().get_text_range()`), and `process_file` end to end
(parse, segment, extract, classify) with each engine; prints seconds and ratios.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def _files(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for a in args:
        p = Path(a)
        out += sorted(p.rglob("*.pdf")) if p.is_dir() else [p]
    return out


def extract_text(files: list[Path]) -> float:
    import pdfplumber

    t = time.perf_counter()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
    return time.perf_counter() - t


def pdfium_raw(files: list[Path]) -> float:
    import pypdfium2 as pdfium

    t = time.perf_counter()
    for f in files:
        pdf = pdfium.PdfDocument(f)
        for page in pdf:
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        pdf.close()
    return time.perf_counter() - t


def pipeline(files: list[Path], engine: str) -> tuple[float, dict[str, float]]:
    from pipeline.process import process_file, warm_up

    warm_up()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    for f in files:
        process_file(f, {"pdf_engine": engine}, timings)
    return time.perf_counter() - t, timings


def main() -> None:
    files = _files(sys.argv[1:])
    base = extract_text(files)
    raw = pdfium_raw(files)
    print(f"{len(files)} files")
    print(f"pdfplumber extract_text(): {base:.2f} s")
    print(f"pypdfium2 raw text:        {raw:.2f} s  ({base / raw:.1f}x extract_text)")
    for engine in ("pdfium", "pdfplumber"):
        total, stages = pipeline(files, engine)
        split = ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
        print(
            f"pipeline --pdf-engine {engine}: {total:.2f} s ({split}); "
            f"{base / total:.2f}x extract_text, {raw / total:.2f}x pypdfium2 raw"
        )


if __name__ == "__main__":
    main()
