"""Plain-text parsing at scale: `python bench/bench_text.py [MB] [md]` writes a text file (a
Markdown one with `md`) of that many megabytes (default 50) of headings, paragraphs, bullets
and ' | ' tables, times `parse_file` on it, and prints the process's peak RSS and peak address
space (what a worker's `--memory-limit`, an address-space limit, bounds). Parsing is linear in
the number of lines, and 50 MB parses in well under 60 s within the default 2 GB limit (issue
#12): `prlimit --as=2147483648 python bench/bench_text.py 50` (figures in bench/README.md)."""

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


def main(megabytes: float = 50.0, suffix: str = "txt") -> None:
    size = int(megabytes * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"big.{suffix}"
        path.write_text(UNIT * (size // len(UNIT.encode("utf-8"))), "utf-8")
        start = time.perf_counter()
        doc = parse_file(path, {"max_file_bytes": size * 2})
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"{megabytes:g} MB .{suffix}: {len(doc.blocks)} blocks in {seconds:.1f} s, "
        f"peak RSS {peak_mb:.0f} MB{_peak_address_space()}"
    )


def _peak_address_space() -> str:
    """', peak address space N MB' (VmPeak, Linux), or '' where /proc does not say."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return ""
    for line in status.splitlines():
        if line.startswith("VmPeak:"):
            return f", peak address space {int(line.split()[1]) / 1024:.0f} MB"
    return ""


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 50.0, *sys.argv[2:3])
