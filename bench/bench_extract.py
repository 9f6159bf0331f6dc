"""CPU seconds of the extraction stage against the whole of `process_file` (issue #13).

    .venv/bin/python bench/bench_extract.py FILE_OR_FOLDER ...   # e.g. corpus/docs/*.pdf

One warm process (`warm_up()` first, as a batch worker), the files one after the other.
CPU time (`time.process_time`), not wall time: it moves less when other work shares the
cores. Prints per file and in total: process_file CPU, the extract stage's CPU
(`sections_to_items`) and its share. Add `--profile N` for the N functions with the most own
time in the extract stage (cProfile; the profiler slows Python-heavy code more than C).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path


def _files(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        out += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()

    import pipeline.process as process

    process.warm_up()
    profiler = cProfile.Profile() if args.profile else None
    spent = {"extract": 0.0}
    real = process.sections_to_items

    def timed(*a, **k):
        if profiler:
            profiler.enable()
        start = time.process_time()
        try:
            return real(*a, **k)
        finally:
            spent["extract"] += time.process_time() - start
            if profiler:
                profiler.disable()

    process.sections_to_items = timed  # type: ignore[assignment]
    total = 0.0
    for path in _files(args.paths):
        before, start = spent["extract"], time.process_time()
        items = len(process.process_file(path).items)
        cpu = time.process_time() - start
        total += cpu
        extract = spent["extract"] - before
        print(f"{path.name:50s} {cpu:7.2f} s  extract {extract:6.2f} s  {items:5d} items")
    share = 100 * spent["extract"] / total if total else 0.0
    print(f"{'total':50s} {total:7.2f} s  extract {spent['extract']:6.2f} s ({share:.0f}%)")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
