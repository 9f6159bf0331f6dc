#!/usr/bin/env python3
"""Benchmark `pipeline run` against pdfplumber and python-pptx baselines; print Markdown.

    .venv/bin/python bench/run_bench.py                       # sizes 10,100,1000 (~25 min)
    .venv/bin/python bench/run_bench.py --quick               # smoke run, about a minute
    .venv/bin/python bench/run_bench.py --sizes 10,100 --seed 87 --workdir /tmp/a87-bench

For every size N it generates (or reuses, see `generate.py`) a corpus of N files (decks as
PPTX and PDF, reports as PDF and DOCX; from `--short-from` files on, short documents of 1-5
pages) and measures on the same files:

- `pipeline run` as a subprocess: cold (empty output folder) and warm (every document
  unchanged) with `--jobs 1` and `--jobs 2`, and a cold `--jobs 1` run on the PDFs alone;
- the per-stage split from the run's manifest.json (parse, segment, extract, classify per
  document, summed), and the emit stage timed separately (`measure.py emit`; the manifest
  has no timing for it);
- baselines in one process each, one file after the other: pdfplumber `extract_text()` on
  every PDF page, python-pptx walking every shape's text of every slide (and python-docx
  reading every paragraph and cell, for reference).

Wall time and CPU time (user + system, the process and all its children) are both kept: on
a busy machine the CPU time moves less. Peak RSS comes from two sources: `os.wait4()`'s
`ru_maxrss`, the peak of the largest single process in the tree (the parent or any forked
worker, each counted with the pages it shares); and polling /proc/<pid>/status of the parent
and every descendant every 20 ms (parent VmHWM; the largest sum of VmRSS over the tree at
one instant, which counts shared copy-on-write pages once per process).

Results go to stdout as Markdown tables and to WORKDIR/results.json and WORKDIR/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

STAGES = ("parse", "segment", "extract", "classify")


# --------------------------------------------------------------------------- processes


class TreeSampler(threading.Thread):
    """Polls /proc for a process and its descendants: peak VmHWM per pid, peak tree RSS."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.root = pid
        self.interval = interval
        self.hwm: dict[int, int] = {}  # kB
        self.max_tree_rss = 0  # kB
        self.max_procs = 0
        self.seen: set[int] = set()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def sample(self) -> None:
        total = procs = 0
        for pid in self._tree():
            rss, hwm = _status(pid)
            if hwm is None:
                continue
            procs += 1
            total += rss or 0
            self.seen.add(pid)
            self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
        self.max_tree_rss = max(self.max_tree_rss, total)
        self.max_procs = max(self.max_procs, procs)

    def _tree(self) -> list[int]:
        out, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            todo += [int(c) for c in children]
        return out


def _status(pid: int) -> tuple[int | None, int | None]:
    """(VmRSS, VmHWM) in kB, or (None, None) for a process that is gone or a zombie."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None, None
    rss = hwm = None
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return rss, hwm


@dataclass
class Proc:
    """One measured subprocess."""

    cmd: list[str]
    returncode: int = 0
    wall: float = 0.0
    cpu: float = 0.0  # user + system of the process and its reaped children
    max_rss_mb: float = 0.0  # largest single process (wait4 ru_maxrss)
    parent_hwm_mb: float = 0.0  # the root process's own peak (polled)
    tree_rss_mb: float = 0.0  # largest sum of RSS over the tree at one instant (polled)
    procs: int = 0  # processes seen by the poller
    max_procs: int = 0  # most alive at once
    stdout: str = ""
    stderr: str = ""


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Proc:
    """Run `cmd`, wait with `os.wait4` for its rusage, poll /proc while it runs."""
    out, err = (Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{s}" for s in "oe")
    with out.open("w+") as fo, err.open("w+") as fe:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        result = Proc(
            cmd=cmd,
            returncode=proc.returncode,
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            max_rss_mb=usage.ru_maxrss / 1024,
            parent_hwm_mb=sampler.hwm.get(proc.pid, 0) / 1024,
            tree_rss_mb=sampler.max_tree_rss / 1024,
            procs=len(sampler.seen),
            max_procs=sampler.max_procs,
            stdout=fo.read(),
            stderr=fe.read()[-4000:],
        )
    out.unlink(missing_ok=True)
    err.unlink(missing_ok=True)
    return result


def pipeline_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("pipeline")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline"]


# --------------------------------------------------------------------------- one size


@dataclass
class Run:
    """One `pipeline run` and what its manifest says."""

    label: str
    jobs: int
    cold: bool
    proc: Proc
    counts: dict[str, int] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    stages_by_format: dict[str, dict[str, float]] = field(default_factory=dict)
    total_internal: float = 0.0  # manifest timings.total (the parent's run_batch)
    load: float = 0.0  # 1-minute load average when the run started
    per_file: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class SizeResult:
    docs: int
    short: bool
    files_by_format: dict[str, int]
    pages_by_format: dict[str, int]
    planted_items: int
    generate_seconds: float
    folder: str = ""
    runs: dict[str, Run] = field(default_factory=dict)
    baselines: dict[str, dict] = field(default_factory=dict)
    emit: dict = field(default_factory=dict)
    sample: dict[str, dict[str, float]] = field(default_factory=dict)  # one-process timings

    @property
    def pages(self) -> int:
        return sum(self.pages_by_format.values())


def ensure_corpus(workdir: Path, docs: int, seed: int, short: bool, regenerate: bool) -> tuple:
    folder = workdir / f"corpus-{docs}{'-short' if short else ''}-s{seed}"
    listing_path = folder.with_suffix(".json")
    if folder.exists() and listing_path.exists() and not regenerate:
        listing = json.loads(listing_path.read_text("utf-8"))
        if listing.get("generator_version") == generate.GENERATOR_VERSION:
            return folder, listing, 0.0
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    listing = generate.generate(folder, docs, seed, short)
    return folder, listing, time.perf_counter() - start


def pipeline_run(label: str, inputs: list[Path], out: Path, jobs: int, cold: bool) -> Run:
    if cold:
        shutil.rmtree(out, ignore_errors=True)
    cmd = [*pipeline_cmd(), "run", *map(str, inputs), "--out", str(out), "--jobs", str(jobs)]
    load = os.getloadavg()[0]
    proc = measure([*cmd, "-q"])
    if proc.returncode not in (0, 2):
        raise SystemExit(f"{label}: pipeline run failed ({proc.returncode}):\n{proc.stderr}")
    run = Run(label, jobs, cold, proc, load=load)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    run.counts = manifest["counts"]
    run.total_internal = manifest["timings"].get("total", 0.0)
    for record in manifest["inputs"]:
        run.per_file[record["path"]] = record.get("timings", {})
        fmt = Path(record["path"]).suffix.lstrip(".")
        per = run.stages_by_format.setdefault(fmt, dict.fromkeys(STAGES, 0.0))
        for stage in STAGES:
            value = record.get("timings", {}).get(stage, 0.0)
            per[stage] += value
            run.stages[stage] = run.stages.get(stage, 0.0) + value
    return run


def helper(*args: str) -> tuple[dict, Proc]:
    proc = measure([sys.executable, str(HERE / "measure.py"), *args])
    if proc.returncode != 0:
        raise SystemExit(f"measure.py {args[0]} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc


def bench_size(args, docs: int, log) -> SizeResult:
    short = docs >= args.short_from
    folder, listing, gen_s = ensure_corpus(args.workdir, docs, args.seed, short, args.regenerate)
    files = listing["files"]
    by_fmt: dict[str, list[dict]] = {}
    for f in files:
        by_fmt.setdefault(f["format"], []).append(f)
    res = SizeResult(
        docs=len(files),
        short=short,
        files_by_format={k: len(v) for k, v in by_fmt.items()},
        pages_by_format={k: sum(f["pages"] for f in v) for k, v in by_fmt.items()},
        planted_items=sum(sum(f["planted"].values()) for f in files),
        generate_seconds=gen_s,
        folder=str(folder),
    )
    how = f"generated in {gen_s:.0f} s" if gen_s else "reused"
    log(f"[{docs}] corpus {folder} ({res.docs} files, {res.pages} pages, {how})")
    lists = args.workdir / "lists"
    lists.mkdir(exist_ok=True)
    for fmt in ("pdf", "pptx", "docx"):
        listing_file = lists / f"{docs}-{fmt}.txt"
        listing_file.write_text("".join(f"{folder / f['path']}\n" for f in by_fmt.get(fmt, [])))
        if by_fmt.get(fmt):
            data, proc = helper(f"baseline-{fmt}", str(listing_file))
            data["wall"], data["cpu"], data["max_rss_mb"] = proc.wall, proc.cpu, proc.max_rss_mb
            res.baselines[fmt] = data
            log(f"[{docs}] baseline {fmt}: {data['seconds']:.1f} s in-loop, {proc.wall:.1f} s wall")
    outs = args.workdir / "out"
    pdf_inputs = [folder / "decks/pdf", folder / "reports/pdf"]
    plan = [
        ("cold_j1", [folder], outs / f"{docs}-j1", 1, True),
        ("warm_j1", [folder], outs / f"{docs}-j1", 1, False),
        ("cold_j2", [folder], outs / f"{docs}-j2", 2, True),
        ("warm_j2", [folder], outs / f"{docs}-j2", 2, False),
        ("pdf_cold_j1", pdf_inputs, outs / f"{docs}-pdf-j1", 1, True),
    ]
    for label, inputs, out, jobs, cold in plan:
        run = pipeline_run(label, inputs, out, jobs, cold)
        res.runs[label] = run
        log(
            f"[{docs}] {label}: {run.proc.wall:.1f} s wall, {run.proc.cpu:.1f} s CPU, "
            f"peak {run.proc.max_rss_mb:.0f} MB, {run.counts.get('items', 0)} items"
        )
    res.emit, _ = helper("emit", str(outs / f"{docs}-j1"))
    sample = lists / f"{docs}-sample.txt"
    sample.write_text("".join(f"{folder / f['path']}\n" for f in files[:: max(1, docs // 20) | 1]))
    res.sample = helper("stages", str(sample))[0]["files"]
    log(f"[{docs}] one-process stage timings of {len(res.sample)} sampled files")
    return res


# --------------------------------------------------------------------------- reporting


def _rate(n: float, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("nan")


def machine() -> dict:
    mem_kb = 0
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": model,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def git_state() -> str:
    """The commit measured, and the pipeline files changed since it (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "pipeline"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return "unknown"
    changed = [line[3:] for line in dirty if line.strip()]
    return f"{head}" + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("a87-pipeline", "pdfplumber", "pdfminer.six", "python-pptx", "python-docx"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def run_profiles(args, results: list[SizeResult], log) -> dict:
    """Fixed costs of a run, a cProfile of parsing the first corpus's PDFs and the same
    parsing taken apart, and a cProfile of the warm re-run of the largest corpus."""
    profiles: dict[str, dict] = {}
    profiles["overhead"], _ = helper("overhead")
    log("profile: fixed costs measured")
    first, big = results[0], results[-1]
    pdfs = args.workdir / "lists" / f"{first.docs}-pdf.txt"
    if first.files_by_format.get("pdf"):
        profiles["pdf"], _ = helper("profile", str(pdfs), "--top", "22")
        profiles["pdf"]["docs"] = first.docs
        log(f"profile: PDFs of the {first.docs}-file corpus")
        profiles["pdf_split"], _ = helper("pdf-split", str(pdfs))
        profiles["pdf_split"]["docs"] = first.docs
        log("profile: PDF parsing taken apart")
    out = args.workdir / "out" / f"{big.docs}-j1"
    profiles["warm"], _ = helper("profile-batch", str(out), big.folder, "--top", "22")
    profiles["warm"]["docs"] = big.docs
    log(f"profile: warm re-run of {big.docs} files")
    return profiles


def _profile_rows(text: str) -> str:
    """The table of a pstats printout, without its preamble."""
    lines = text.splitlines()
    for k, line in enumerate(lines):
        if line.lstrip().startswith("ncalls"):
            return "\n".join(lines[k:]).rstrip()
    return text.rstrip()


def markdown_profiles(profiles: dict) -> list[str]:
    lines = ["### Profiles", ""]
    o = profiles.get("overhead")
    if o:
        lines += [
            "Fixed costs (`measure.py overhead`, a fresh process, ms): "
            + ", ".join(f"{k} {1000 * v:.0f}" for k, v in o.items())
            + ". `version_check` is paid by every `pipeline run`, even when nothing changed; "
            "the parser imports and `rule_matcher` are paid again by every forked worker, "
            "i.e. once per document, because `process.warm_up()` does not load them.",
            "",
        ]
    p = profiles.get("pdf")
    if p:
        lines += [
            f"cProfile of `process_file` over the {p['files']} PDFs of the {p['docs']}-file "
            f"corpus, one warm process ({p['seconds']:.1f} s under the profiler; stage "
            "seconds " + ", ".join(f"{k} {v:.2f}" for k, v in p["timings"].items()) + "), "
            "sorted by own time:",
            "",
            "```",
            _profile_rows(p["profile"]),
            "```",
            "",
        ]
    split = profiles.get("pdf_split")
    if split:
        lines += [
            f"PDF parsing taken apart (`measure.py pdf-split`, the {split['pages']} pages of "
            f"the {split['docs']}-file corpus, each pass over every page, s): "
            + ", ".join(f"{k} {v:.2f}" for k, v in split["seconds"].items())
            + ". `objects` is pdfplumber's `Page.objects`, which `page_to_record` reads; "
            "`layout_walk` reads the same characters from pdfminer's layout without "
            "pdfplumber's per-object dicts.",
            "",
        ]
    w = profiles.get("warm")
    if w:
        lines += [
            f"cProfile of the warm re-run of the {w['docs']}-file corpus (`run_batch`, "
            f"{w['seconds']:.2f} s under the profiler), sorted by cumulative time:",
            "",
            "```",
            _profile_rows(w["profile"]),
            "```",
            "",
        ]
    return lines


def markdown(results: list[SizeResult], meta: dict, classify: dict | None, profiles: dict) -> str:
    lines: list[str] = []
    add = lines.append
    m = meta["machine"]
    add(
        f"Run {meta['date']}: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, "
        f"Python {m['python']}; load average {meta['load_before']} before, "
        f"{meta['load_after']} after; `{meta['command']}` ({meta['seconds'] / 60:.1f} min); "
        f"code: {meta['git']}; " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + "."
    )
    add("")
    add("### Whole pipeline (`pipeline run`)")
    add("")
    add(
        "| docs | run | wall s | CPU s | docs/s | pages/s | items/s | peak RSS largest "
        "process MB | parent peak MB | tree RSS MB | cores used | load |"
    )
    add("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        for label, run in r.runs.items():
            pages = r.pages_by_format.get("pdf", 0) if label.startswith("pdf") else r.pages
            docs = r.files_by_format.get("pdf", 0) if label.startswith("pdf") else r.docs
            items = run.counts.get("items", 0)
            p = run.proc
            add(
                f"| {r.docs} | {label} | {p.wall:.2f} | {p.cpu:.1f} | {_rate(docs, p.wall):.2f} | "
                f"{_rate(pages, p.wall):.1f} | {_rate(items, p.wall):.0f} | {p.max_rss_mb:.0f} | "
                f"{p.parent_hwm_mb:.0f} | {p.tree_rss_mb:.0f} | {_rate(p.cpu, p.wall):.2f} | "
                f"{run.load:.1f} |"
            )
    add("")
    add("### Per-stage split (cold, `--jobs 1`; seconds summed over documents)")
    add("")
    add("| docs | format | files | pages | parse | segment | extract | classify | s/page | items |")
    add("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        run = r.runs["cold_j1"]
        for fmt, st in sorted(run.stages_by_format.items()):
            total = sum(st.values())
            pages = r.pages_by_format.get(fmt, 0)
            add(
                f"| {r.docs} | {fmt} | {r.files_by_format.get(fmt, 0)} | {pages} | "
                f"{st['parse']:.2f} | {st['segment']:.2f} | {st['extract']:.2f} | "
                f"{st['classify']:.2f} | {_rate(total, pages):.3f} | |"
            )
        stages = sum(run.stages.values())
        emit = r.emit.get("seconds", 0.0)
        other = run.proc.wall - stages - emit
        add(
            f"| {r.docs} | **all** | {r.docs} | {r.pages} | {run.stages['parse']:.2f} | "
            f"{run.stages['segment']:.2f} | {run.stages['extract']:.2f} | "
            f"{run.stages['classify']:.2f} | {_rate(stages, r.pages):.3f} | "
            f"{run.counts.get('items', 0)} (planted {r.planted_items}) |"
        )
        add(
            f"| {r.docs} | emit | | | | | | | | {emit:.2f} s (documents/*.json "
            f"{r.emit.get('results_validate_write', 0):.2f}, reload "
            f"{r.emit.get('results_reload', 0):.2f}, jsonl+csv+sqlite "
            f"{r.emit.get('jsonl+csv+sqlite', 0):.2f}; all results "
            f"held in memory: {r.emit.get('results_rss_mb', 0):.0f} MB); "
            f"rest of the wall time (start-up, forks, hashing, IPC): {other:.2f} s |"
        )
    add("")
    add("### Per-document cost of a forked worker")
    add("")
    add(
        "The same sampled files timed twice: by the batch (one forked worker per document, "
        "manifest.json of the cold `--jobs 1` run) and in one steady process (`measure.py "
        "stages`: `warm_up()` as the batch parent does, then one untimed document of each "
        "format). The difference is what each document pays for starting in a fresh worker."
    )
    add("")
    add(
        "| docs | format | sampled | worker s/doc | one process s/doc | parse overhead ms/doc | "
        "classify overhead ms/doc | total overhead ms/doc |"
    )
    add("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        for fmt, row in sorted(_overhead_rows(r).items()):
            add(
                f"| {r.docs} | {fmt} | {row['n']} | {row['worker']:.3f} | {row['alone']:.3f} | "
                f"{1000 * row['parse']:.0f} | {1000 * row['classify']:.0f} | "
                f"{1000 * (row['worker'] - row['alone']):.0f} |"
            )
    add("")
    add("### Baselines (one process, files one after the other) and ratios")
    add("")
    add(
        "Throughput ratio pipeline/baseline = baseline time / pipeline time on the same pages "
        "(≥ 1 means the pipeline is as fast). *End-to-end*: wall time of the whole process "
        "(start-up, imports, model loading, workers and outputs included for the pipeline). "
        "*Work only*: the baseline's loop against the pipeline's summed stage timings."
    )
    add("")
    add(
        "| docs | format | pages | baseline | baseline s (loop / wall) | baseline pages/s | "
        "pipeline s (stages / wall) | ratio work only | ratio end-to-end |"
    )
    add("|---:|---|---:|---|---:|---:|---:|---:|---:|")
    names = {
        "pdf": "pdfplumber `extract_text()`",
        "pptx": "python-pptx shape walk",
        "docx": "python-docx paragraphs+cells",
    }
    for r in results:
        for fmt, b in r.baselines.items():
            work = sum(r.runs["cold_j1"].stages_by_format.get(fmt, {}).values())
            run = r.runs.get(f"{fmt}_cold_j1")
            pages = r.pages_by_format.get(fmt, 0)
            wall = f"{run.proc.wall:.2f}" if run else "–"
            e2e = f"{b['wall'] / run.proc.wall:.2f}" if run else "–"
            add(
                f"| {r.docs} | {fmt} | {pages} | {names[fmt]} | {b['seconds']:.2f} / "
                f"{b['wall']:.2f} | {_rate(pages, b['seconds']):.1f} | {work:.2f} / {wall} | "
                f"{_rate(b['seconds'], work):.2f} | {e2e} |"
            )
    add("")
    add("### Scaling")
    add("")
    add(
        "| docs | pages | items | cold j1 s | ms/page j1 | cold j2 s | j2 speed-up | "
        "warm j1 s | warm ms/doc | peak RSS j1 MB | peak RSS j2 MB | parent peak j2 MB |"
    )
    add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        c1, c2, w1 = r.runs["cold_j1"], r.runs["cold_j2"], r.runs["warm_j1"]
        add(
            f"| {r.docs}{' (short)' if r.short else ''} | {r.pages} | "
            f"{c1.counts.get('items', 0)} | {c1.proc.wall:.1f} | "
            f"{1000 * c1.proc.wall / r.pages:.1f} | {c2.proc.wall:.1f} | "
            f"{c1.proc.wall / c2.proc.wall:.2f}× | {w1.proc.wall:.2f} | "
            f"{1000 * w1.proc.wall / r.docs:.2f} | {c1.proc.max_rss_mb:.0f} | "
            f"{c2.proc.max_rss_mb:.0f} | {c2.proc.parent_hwm_mb:.0f} |"
        )
    add("")
    add("### Targets")
    add("")
    add("| target | measured | status |")
    add("|---|---|---|")
    for row in targets(results, classify):
        add(f"| {row[0]} | {row[1]} | {row[2]} |")
    add("")
    if profiles:
        lines += markdown_profiles(profiles)
    return "\n".join(lines) + "\n"


def _overhead_rows(r: SizeResult) -> dict[str, dict[str, float]]:
    worker = r.runs["cold_j1"].per_file
    rows: dict[str, dict[str, float]] = {}
    for path, alone in r.sample.items():
        if path not in worker:
            continue
        row = rows.setdefault(
            Path(path).suffix.lstrip("."),
            {"n": 0, "worker": 0.0, "alone": 0.0, "parse": 0.0, "classify": 0.0},
        )
        row["n"] += 1
        row["worker"] += sum(worker[path].values())
        row["alone"] += sum(alone.values())
        for stage in ("parse", "classify"):
            row[stage] += worker[path].get(stage, 0.0) - alone.get(stage, 0.0)
    for row in rows.values():
        for key in ("worker", "alone", "parse", "classify"):
            row[key] /= row["n"]
    return rows


def _verdict(value: float, limit: float, higher_is_better: bool) -> str:
    ok = value >= limit if higher_is_better else value < limit
    if ok:
        return "met"
    if higher_is_better:
        return f"**missed** by {100 * (limit - value) / limit:.0f}% ({value:.2f} vs {limit:g})"
    return f"**missed** by {100 * (value - limit) / limit:.0f}% ({value:.2f} vs {limit:g})"


def targets(results: list[SizeResult], classify: dict | None) -> list[tuple[str, str, str]]:
    rows = []
    by_docs = {r.docs: r for r in results}
    for r in results:
        b = r.baselines.get("pdf")
        if b and "pdf_cold_j1" in r.runs:
            ratio = b["wall"] / r.runs["pdf_cold_j1"].proc.wall
            rows.append(
                (
                    f"PDF cold throughput ≥ 0.7× pdfplumber `extract_text()`, --jobs 1 "
                    f"({r.docs} docs, end-to-end)",
                    f"{ratio:.2f}×",
                    _verdict(ratio, 0.7, True),
                )
            )
    mid = by_docs.get(100) or (results[len(results) // 2] if results else None)
    if mid:
        speedup = mid.runs["cold_j1"].proc.wall / mid.runs["cold_j2"].proc.wall
        j2 = mid.runs["cold_j2"].proc
        rows.append(
            (
                f"--jobs 2 ≥ 1.7× --jobs 1 ({mid.docs} docs)",
                f"{speedup:.2f}× (--jobs 2 kept {j2.cpu / j2.wall:.2f} cores busy)",
                _verdict(speedup, 1.7, True),
            )
        )
    big = max(results, key=lambda r: r.docs) if results else None
    if big:
        warm = big.runs["warm_j1"].proc.wall
        rows.append(
            (
                f"warm re-run of {big.docs} unchanged documents < 2 s",
                f"{warm:.2f} s",
                _verdict(warm, 2.0, False),
            )
        )
        rss = big.runs["cold_j2"].proc.max_rss_mb
        rows.append(
            (
                f"peak RSS < 400 MB with --jobs 2 ({big.docs} docs, largest process)",
                f"{rss:.0f} MB",
                _verdict(rss, 400, False),
            )
        )
        parents = ", ".join(
            f"{r.docs}: {r.runs['cold_j2'].proc.parent_hwm_mb:.0f}" for r in results
        )
        small = min(results, key=lambda r: r.docs)
        growth = big.runs["cold_j2"].proc.parent_hwm_mb - small.runs["cold_j2"].proc.parent_hwm_mb
        rows.append(
            (
                "memory does not grow with the number of documents (parent peak MB, --jobs 2)",
                parents,
                "met"
                if growth < 50
                else f"**missed**: +{growth:.0f} MB from {small.docs} to {big.docs} documents",
            )
        )
    if classify:
        rows.append(
            (
                f"classification of {classify['items']:,} items < 10 s on one core "
                "(`bench/bench_classify.py`)",
                f"{classify['seconds']:.2f} s",
                _verdict(classify["seconds"], 10.0 * classify["items"] / 10_000, False),
            )
        )
    return rows


def run_classify(items: int) -> dict | None:
    proc = measure([sys.executable, str(HERE / "bench_classify.py"), "--items", str(items)])
    for line in proc.stdout.splitlines():
        if line.startswith("classified"):
            words = line.split()
            return {
                "items": int(words[1]),
                "seconds": float(words[4]),
                "line": line.strip(),
                "max_rss_mb": proc.max_rss_mb,
            }
    print(f"bench_classify.py gave no result:\n{proc.stdout}\n{proc.stderr}", file=sys.stderr)
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,100,1000", help="corpus sizes in files [10,100,1000]")
    ap.add_argument("--seed", type=int, default=87)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/a87-bench"))
    ap.add_argument(
        "--short-from",
        type=int,
        default=1000,
        help="corpora of this many files or more hold short documents (1-5 pages) [1000]",
    )
    ap.add_argument("--classify-items", type=int, default=10_000)
    ap.add_argument("--no-classify", action="store_true", help="skip bench_classify.py")
    ap.add_argument("--regenerate", action="store_true", help="do not reuse generated corpora")
    ap.add_argument("--no-profile", action="store_true", help="skip the cProfile section")
    ap.add_argument("--quick", action="store_true", help="smoke run: 8 short files, 1,000 items")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.short_from, args.classify_items = "8", 1, 1000
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": versions(),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "command": " ".join(["bench/run_bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "git": git_state(),
    }
    results = [bench_size(args, n, log) for n in sizes]
    classify = None
    if not args.no_classify:
        classify = run_classify(args.classify_items)
        if classify:
            log(classify["line"])
    profiles = {} if args.no_profile else run_profiles(args, results, log)
    if git_state() != meta["git"]:  # the code changed while the benchmark ran
        meta["git"] += f" at the start; {git_state()} at the end"
    meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    meta["seconds"] = time.perf_counter() - started
    text = markdown(results, meta, classify, profiles)
    print(text)
    (args.workdir / "results.md").write_text(text, "utf-8")
    data = {
        "meta": meta,
        "classify": classify,
        "profiles": profiles,
        "sizes": [asdict(r) for r in results],
    }
    (args.workdir / "results.json").write_text(json.dumps(data, indent=1, default=str), "utf-8")
    log(f"results in {args.workdir / 'results.md'} and results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
