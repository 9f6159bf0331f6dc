"""Fuzzing the parsers with mutated real files: only the project's own errors may escape.

Seeds are a few real files: PDFs and decks from ../shared/wild (skipped when that folder is
absent) and the sample documents in corpus/docs. Each example applies one to four mutations
(bit flips, truncation, splices from another seed, inserted junk or tokens the formats care
about, deletions); for Office files half the examples mutate one XML part inside the zip and
re-pack it, so the mutation reaches the XML parsers instead of stopping at the zip's CRC.

Every example is parsed in a long-lived worker process with an address-space limit and a
time bound, so a hang or a memory blow-up fails the test instead of stalling it. Hypothesis
runs derandomized (the same examples on every run) with a modest number of examples.
"""

from __future__ import annotations

import io
import multiprocessing
import resource
import tempfile
import traceback
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CORPUS = ROOT / "corpus" / "docs"

SEEDS = {
    "pdf": [
        SHARED / "wild" / "pdf" / "hello_structure.pdf",
        SHARED / "wild" / "pdf" / "issue-140-example.pdf",
        SHARED / "wild" / "pdf" / "malformed-from-issue-932.pdf",
        CORPUS / "national_workshop_report.pdf",
    ],
    "pptx": [
        SHARED / "wild" / "pptx" / "txt-text.pptx",
        SHARED / "wild" / "pptx" / "shp-freeform.pptx",
        CORPUS / "pathfinder_update_2021.pptx",
    ],
    "docx": [CORPUS / "gcg_meeting_minutes.docx"],
    "text": [CORPUS / "regional_note.md"],
}
EXAMPLES_PER_FORMAT = 120
TIME_LIMIT_S = 20
MEMORY_LIMIT = 3 << 30  # bytes of address space for the worker

TOKENS = {
    "pdf": [
        b"9999999999",
        b"-1",
        b"0 0 R",
        b"<<",
        b">>",
        b"/Count 2147483647",
        b"/Length 0",
        b" obj ",
        b"endstream",
        b"(",
        b"[",
        b"/Filter /FlateDecode",
        b"q",
        b"/X0 Do",
        b"xref",
    ],
    "xml": [
        b"<!DOCTYPE r [<!ENTITY a 'b'>]>",
        b"&a;",
        b"<",
        b">",
        b"]]>",
        b"\x00",
        b"\xff\xfe",
        b'r:id="rId999"',
        b'val="-2147483648"',
        b"<a:t>",
        b"</p:sp>",
    ],
    "text": [b"\x00", b"\xff\xfe", b"\r", b"# ", b"- ", b"| a | b |\n|---|", b"**", b"\t" * 50],
}


# --------------------------------------------------------------------------- the worker


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def parse_outcome(data: bytes, suffix: str) -> str:
    """'ok', 'error: <PipelineError subclass>' or 'crash: <traceback>' (run in the worker)."""
    from pipeline.errors import PipelineError
    from pipeline.parse import parse_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzzed{suffix}"
        path.write_bytes(data)
        try:
            parse_file(path)
        except PipelineError as exc:
            return f"error: {type(exc).__name__}"
        except BaseException:  # anything else is a finding
            return "crash: " + traceback.format_exc(limit=-6)
    return "ok"


class Worker:
    """One forked process, reused across examples; replaced after a timeout."""

    def __init__(self) -> None:
        self.ctx = multiprocessing.get_context("fork")
        self.pool = self._new()

    def _new(self):
        return self.ctx.Pool(1, initializer=_limit_memory, maxtasksperchild=50)

    def parse(self, data: bytes, suffix: str) -> str:
        job = self.pool.apply_async(parse_outcome, (data, suffix))
        try:
            return job.get(timeout=TIME_LIMIT_S)
        except multiprocessing.TimeoutError:
            self.pool.terminate()
            self.pool.join()
            self.pool = self._new()
            return f"timeout: no result within {TIME_LIMIT_S} s"

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


@pytest.fixture(scope="module")
def worker():
    w = Worker()
    yield w
    w.close()


# --------------------------------------------------------------------------- mutations


def mutate(draw, data: bytes, tokens: list[bytes], seeds: list[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "truncate", "splice", "insert", "token", "delete"]))
        pos = draw(st.integers(0, len(out)))
        if op == "flip" and out:
            pos = min(pos, len(out) - 1)
            out[pos] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del out[pos:]
        elif op == "splice":
            other = draw(st.sampled_from(seeds))
            start = draw(st.integers(0, len(other)))
            piece = other[start : start + draw(st.integers(1, 4096))]
            if draw(st.booleans()):
                out[pos : pos + len(piece)] = piece  # overwrite
            else:
                out[pos:pos] = piece
        elif op == "insert":
            out[pos:pos] = draw(st.binary(min_size=1, max_size=64))
        elif op == "token":
            token = draw(st.sampled_from(tokens))
            if draw(st.booleans()):
                out[pos : pos + len(token)] = token
            else:
                out[pos:pos] = token
        else:
            del out[pos : pos + draw(st.integers(1, 256))]
    return bytes(out)


def mutate_part(draw, package: bytes, seeds: list[bytes]) -> bytes:
    """Mutate one XML part of an Office package and zip it up again."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    xml_parts = sorted(name for name in parts if name.endswith((".xml", ".rels")))
    name = draw(st.sampled_from(xml_parts))
    parts[name] = mutate(draw, parts[name], TOKENS["xml"], [parts[n] for n in xml_parts])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, data in parts.items():
            zf.writestr(part, data)
    return buffer.getvalue()


def available(fmt: str) -> list[Path]:
    return [path for path in SEEDS[fmt] if path.is_file()]


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize("fmt", list(SEEDS))
@settings(
    max_examples=EXAMPLES_PER_FORMAT,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_mutated_files_raise_only_pipeline_errors(worker: Worker, fmt: str, data) -> None:
    paths = available(fmt)
    if not paths:
        pytest.skip(f"no seed files for {fmt}")
    seeds = [path.read_bytes() for path in paths]
    index = data.draw(st.integers(0, len(seeds) - 1), label="seed")
    seed, suffix = seeds[index], paths[index].suffix
    if fmt in ("pptx", "docx") and data.draw(st.booleans(), label="inside the zip"):
        fuzzed = mutate_part(data.draw, seed, seeds)
    else:
        tokens = TOKENS["pdf"] if fmt == "pdf" else TOKENS["xml" if fmt != "text" else "text"]
        fuzzed = mutate(data.draw, seed, tokens, seeds)
    outcome = worker.parse(fuzzed, suffix)
    assert outcome == "ok" or outcome.startswith("error: "), (paths[index].name, outcome)
