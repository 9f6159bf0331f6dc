"""explain_file: every candidate of a file with the verdict and the evidence behind it.

What `pipeline extract --explain` prints, so an analyst can see why a line was taken, and why
another was not.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.candidates import sections_to_candidates
from pipeline.extract import decide
from pipeline.extract_model import load_model
from pipeline.parse import parse_file
from pipeline.segment import document_to_sections


def explain_file(path: str | Path) -> str:
    """One paragraph per candidate: verdict, probabilities, where it sits, strongest evidence."""
    doc = parse_file(path)
    candidates = sections_to_candidates(doc, document_to_sections(doc))
    lines = []
    for d in decide(candidates, load_model(), explain_all=True):
        c = d.candidate
        verdict = d.kind.upper() if d.kind else "not an item"
        probs = " ".join(f"{k}={v:.2f}" for k, v in d.probabilities.items())
        lines.append(f"[{verdict}] {c.item.text}")
        lines.append(f"    {c.unit}, page {c.block.page}, block {c.block.id}; {probs}")
        where = " > ".join(c.section.heading_path) or "(no heading)"
        lines.append(f"    under: {where}")
        if c.lead_in:
            lines.append(f"    lead-in: {c.lead_in[:100]}")
        for reason in d.reasons:
            lines.append(f"    - {reason}")
    return "\n".join(lines)
