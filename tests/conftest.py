"""Paths every test module shares: the project root and the shared material beside it.

`../shared` (GOLD.md, seeds/, wild/) is not part of the repository; tests that read it skip
when it is absent. Test modules import these names: `from conftest import ROOT, SEEDS`.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
WILD = SHARED / "wild"
