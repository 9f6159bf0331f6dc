"""Plain-text parsing at scale: `python bench/bench_text.py [MB]` writes a text file of that
many megabytes (default 50) of headings, paragraphs, bullets and ' | ' tables and times
`parse_file` on it, and prints the process's peak RSS. Parsing is linear in the number of
lines (issue #12): 50 MB takes well under 60 s (figures in bench/README.md)."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from pipeline.parse import parse_file

UNIT = """Kenya follow-up
The committee met in June and agreed on the following points for the year.

• Publish the child labour survey before June 2022
Action | Responsible | Deadline
Train inspectors | Ministry of Labour | 2023
Review the list of hazardous work | ILO / Ministry | 2024

Next steps • Convene the steering committee • Adopt the national plan
Short heading line

"""


def main(megabytes: float = 50.0) -> None:
    size = int(megabytes * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text(UNIT * (size // len(UNIT.encode("utf-8"))), "utf-8")
        start = time.perf_counter()
        doc = parse_file(path, {"max_file_bytes": size * 2})
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"{megabytes:g} MB: {len(doc.blocks)} blocks in {seconds:.1f} s, peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 50.0)
