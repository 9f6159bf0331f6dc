#!/usr/bin/env python3
"""Issue #13 figures in one run, on the same files: PDF throughput against pdfplumber and
pypdfium2, where the time goes, `--jobs 2` against `--jobs 1`, a Dask LocalCluster against
`--jobs 2`, peak memory from 10 to 1,000 documents, and the warm re-run of 1,000 documents.

    .venv/bin/python bench/scale.py                          # ~12 min on 2 cores
    .venv/bin/python bench/scale.py --corpus 20 --big 100    # smaller, ~4 min
    .venv/bin/python bench/scale.py --skip-dask              # without the 'dask' extra

Inputs (generated once into WORKDIR, reused while `generate.GENERATOR_VERSION` holds):

- a 200-page text report (`generate.make_report` + `write_report_pdf`, reportlab);
- the generated corpus of `--corpus` documents (decks as PPTX and PDF, reports as PDF and
  DOCX, full length) and short corpora of 10 and `--big` documents (1-5 pages each).

Measured (each in a process of its own, one after the other):

1. PDF throughput, one job, on the 200-page report and on the corpus PDFs: pdfplumber
   `extract_text()` on every page, pypdfium2's raw text (`get_text_range()`), and the
   pipeline: in-process `process_file` after `warm_up()` (the work alone) and the CLI
   `pipeline run --jobs 1 --force` (start-up, warm-up, worker, every output file). Ratios are
   baseline seconds / pipeline seconds (> 1: the pipeline is faster).
2. cProfile of `run_batch` on the 200-page report with the documents processed in the
   profiled process (what the one `--jobs 1` worker does, plus the parent's writing): the
   top functions by cumulative time, and those of `pipeline/extract.py`, `candidates.py`
   and `features.py`.
3. `pipeline run --jobs 1` and `--jobs 2` on the corpus (cold).
4. `pipeline run --executor dask` on a `distributed.LocalCluster` of 2 worker processes (1
   thread each) on the loopback interface, cold, twice (the first run also starts the
   workers' pipelines: imports, vocabularies, models).
5. Peak memory of cold `--jobs 2` runs of 10, `--corpus` and `--big` documents: the largest
   single process (`wait4` ru_maxrss), the parent's own peak and the largest sum over the
   process tree (polled every 20 ms).
6. Warm re-run (nothing changed) of the `--big` documents, twice.

Results: Markdown on stdout, WORKDIR/scale.json and WORKDIR/scale.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run_bench import ensure_corpus, machine, measure, pipeline_cmd  # noqa: E402

OWNED = ("pipeline/extract.py", "pipeline/candidates.py", "pipeline/features.py")


# --------------------------------------------------------------------------- in-process parts


def _files(listing: str) -> list[Path]:
    return [Path(line) for line in Path(listing).read_text("utf-8").splitlines() if line.strip()]


def part_plumber(files: list[Path]) -> dict:
    import pdfplumber

    pages = 0
    t = time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return {"seconds": time.perf_counter() - t, "pages": pages}


def part_pdfium(files: list[Path]) -> dict:
    import pypdfium2 as pdfium

    pages = 0
    t = time.perf_counter()
    for path in files:
        pdf = pdfium.PdfDocument(path)
        for page in pdf:
            text = page.get_textpage()
            text.get_text_range()
            text.close()
            page.close()
            pages += 1
        pdf.close()
    return {"seconds": time.perf_counter() - t, "pages": pages}


def part_pipeline(files: list[Path]) -> dict:
    from pipeline.process import process_file, warm_up

    warm_up()
    timings: dict[str, float] = {}
    items = 0
    t = time.perf_counter()
    for path in files:
        items += len(process_file(path, None, timings).items)
    return {"seconds": time.perf_counter() - t, "items": items, "stages": timings}


def _inline_executor() -> None:
    """Make `run_batch` process its documents in this process (so cProfile sees them)."""
    from pipeline import batch, executors
    from pipeline.process import process_file

    class Inline:
        def run(self, jobs, options, on_done) -> None:  # type: ignore[no-untyped-def]
            batch.warm_up_workers()
            for job in jobs:
                message = batch.process_one(
                    process_file, job.path, options.settings, options.memory_limit_mb
                )
                on_done(job, message)

    executors.executor_for = lambda options: Inline()


def part_profile(files: list[Path], top: int = 30) -> dict:
    import tempfile

    from pipeline.batch import BatchOptions, run_batch

    _inline_executor()
    with tempfile.TemporaryDirectory() as out:
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        run_batch(files, Path(out), BatchOptions(jobs=1, force=True))
        prof.disable()
        seconds = time.perf_counter() - t
    stats = pstats.Stats(prof)
    rows = []
    for (filename, line, name), (_, nc, tt, ct, _) in stats.stats.items():  # type: ignore
        rel = filename.replace(str(ROOT) + "/", "")
        rows.append(
            {"function": f"{rel}:{line}({name})", "calls": nc, "tottime": tt, "cumtime": ct}
        )
    rows.sort(key=lambda r: -r["cumtime"])
    owned = [r for r in rows if r["function"].startswith(OWNED)]
    owned_by_own = sorted(owned, key=lambda r: -r["tottime"])
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(15)
    return {
        "seconds": seconds,
        "top_cumulative": rows[:top],
        "owned_cumulative": owned[:15],
        "owned_tottime": owned_by_own[:15],
        "tottime_text": buf.getvalue(),
    }


PARTS = {"plumber": part_plumber, "pdfium": part_pdfium, "pipeline": part_pipeline}


# --------------------------------------------------------------------------- orchestration


def helper(part: str, listing: Path) -> tuple[dict, float]:
    proc = measure([sys.executable, str(Path(__file__).resolve()), f"_{part}", str(listing)])
    if proc.returncode != 0:
        raise SystemExit(f"{part} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.wall


def run_cli(inputs: list[Path], out: Path, *extra: str, cold: bool = True) -> dict:
    if cold:
        shutil.rmtree(out, ignore_errors=True)
    cmd = [*pipeline_cmd(), "run", *map(str, inputs), "--out", str(out), "-q", *extra]
    load = os.getloadavg()[0]
    proc = measure(cmd)
    if proc.returncode not in (0, 2):
        raise SystemExit(f"pipeline run failed ({proc.returncode}):\n{proc.stderr}")
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return {
        "wall": proc.wall,
        "cpu": proc.cpu,
        "max_rss_mb": proc.max_rss_mb,
        "parent_hwm_mb": proc.parent_hwm_mb,
        "tree_rss_mb": proc.tree_rss_mb,
        "max_procs": proc.max_procs,
        "counts": manifest["counts"],
        "load": load,
    }


def report_200(workdir: Path, log) -> Path:
    """A text report of at least 200 pages (`make_report` aims at a page count; the
    target is raised until the rendered PDF has 200 pages)."""
    path = workdir / f"report-200-v{generate.GENERATOR_VERSION}.pdf"
    if path.exists():
        return path
    t = time.perf_counter()
    target, pages = 200, 0
    while pages < 200:
        rng = random.Random("87:report-200")
        report = generate.make_report(generate.Text(rng, generate.COUNTRIES[0]), target)
        pages = generate.write_report_pdf(report, path)
        target = target * 200 // max(pages, 1) + 2
    log(f"200-page report: {pages} pages generated in {time.perf_counter() - t:.0f} s")
    return path


def pdf_throughput(name: str, files: list[Path], workdir: Path, log) -> dict:
    listing = workdir / f"{name}-pdfs.txt"
    listing.write_text("".join(f"{f}\n" for f in files), "utf-8")
    plumber, plumber_wall = helper("plumber", listing)
    pdfium, _ = helper("pdfium", listing)
    pipe, _ = helper("pipeline", listing)
    cli = run_cli(files, workdir / "out" / f"{name}-j1", "--jobs", "1")
    out = {
        "files": len(files),
        "pages": plumber["pages"],
        "plumber": plumber["seconds"],
        "plumber_process_wall": plumber_wall,
        "pdfium_raw": pdfium["seconds"],
        "pipeline": pipe["seconds"],
        "pipeline_stages": pipe["stages"],
        "pipeline_items": pipe["items"],
        "cli_wall": cli["wall"],
        "cli": cli,
    }
    log(
        f"{name}: {out['pages']} pages; extract_text {out['plumber']:.2f} s, pdfium raw "
        f"{out['pdfium_raw']:.2f} s, pipeline {out['pipeline']:.2f} s in-process, "
        f"CLI {out['cli_wall']:.2f} s"
    )
    return out


def dask_runs(corpus: Path, workdir: Path, log) -> dict:
    try:
        from distributed import LocalCluster
    except ImportError:
        log("dask: not installed (pip install -e '.[dask]'); skipped")
        return {}
    runs = []
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    ) as cluster:
        for attempt in range(2):
            run = run_cli(
                [corpus],
                workdir / "out" / "corpus-dask",
                "--executor",
                "dask",
                "--scheduler",
                cluster.scheduler_address,
            )
            runs.append(run)
            log(f"dask LocalCluster run {attempt + 1}: {run['wall']:.1f} s")
    return {"first": runs[0], "second": runs[1]}


def bench(args) -> dict:
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    started = time.perf_counter()
    report = report_200(workdir, log)
    corpus, _, gen = ensure_corpus(workdir, args.corpus, args.seed, False, False)
    log(f"corpus of {args.corpus}: {corpus} (generated in {gen:.0f} s; 0 when reused)")
    small, _, gen = ensure_corpus(workdir, 10, args.seed, True, False)
    big, _, gen = ensure_corpus(workdir, args.big, args.seed, True, False)
    log(f"short corpora of 10 and {args.big} ready ({gen:.0f} s)")
    res: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine()}
    res["args"] = {"corpus": args.corpus, "big": args.big, "seed": args.seed}
    corpus_pdfs = sorted((corpus / "decks/pdf").glob("*.pdf")) + sorted(
        (corpus / "reports/pdf").glob("*.pdf")
    )
    res["pdf"] = {
        "report_200": pdf_throughput("report200", [report], workdir, log),
        "corpus": pdf_throughput("corpus", corpus_pdfs, workdir, log),
    }
    listing_file = workdir / "report200-pdfs.txt"
    proc = measure([sys.executable, str(Path(__file__).resolve()), "_profile", str(listing_file)])
    if proc.returncode != 0:
        raise SystemExit(f"profile failed:\n{proc.stderr}")
    res["profile"] = json.loads(proc.stdout.strip().splitlines()[-1])
    log(f"profile of run_batch on the 200-page report: {res['profile']['seconds']:.1f} s")
    out = workdir / "out"
    res["jobs"] = {
        "j1": run_cli([corpus], out / "corpus-j1", "--jobs", "1"),
        "j2": run_cli([corpus], out / "corpus-j2", "--jobs", "2"),
    }
    walls = [res["jobs"][j]["wall"] for j in ("j1", "j2")]
    log(f"corpus --jobs 1 {walls[0]:.1f} s, --jobs 2 {walls[1]:.1f} s")
    res["dask"] = {} if args.skip_dask else dask_runs(corpus, workdir, log)
    res["memory"] = {
        "10": run_cli([small], out / "small-j2", "--jobs", "2"),
        str(args.corpus): res["jobs"]["j2"],
        str(args.big): run_cli([big], out / "big-j2", "--jobs", "2"),
    }
    log(f"{args.big} short documents --jobs 2: {res['memory'][str(args.big)]['wall']:.1f} s")
    res["warm"] = [run_cli([big], out / "big-j2", "--jobs", "2", cold=False) for _ in range(2)]
    log("warm re-runs: " + ", ".join(f"{w['wall']:.2f} s" for w in res["warm"]))
    res["total_seconds"] = time.perf_counter() - started
    return res


# --------------------------------------------------------------------------- report


def _ratio(base: float, ours: float) -> str:
    return f"{base / ours:.2f}×" if ours > 0 else "n/a"


def markdown(res: dict) -> str:
    m = res["machine"]
    lines = [
        f"Run {res['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, "
        f"Python {m['python']}; {res['total_seconds'] / 60:.1f} min in all.",
        "",
        "**PDF throughput, one job** (seconds; ratio = baseline / pipeline, > 1 means the "
        "pipeline is faster):",
        "",
        "| files | pages | `extract_text()` | pdfium raw | pipeline in-process | CLI `--jobs 1` "
        "| vs `extract_text()` (in-process / CLI) | vs pdfium raw |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in (("report_200", "200-page report"), ("corpus", "corpus PDFs")):
        p = res["pdf"][name]
        lines.append(
            f"| {label} ({p['files']}) | {p['pages']} | {p['plumber']:.2f} | "
            f"{p['pdfium_raw']:.2f} | {p['pipeline']:.2f} | {p['cli_wall']:.2f} | "
            f"{_ratio(p['plumber'], p['pipeline'])} / "
            f"{_ratio(p['plumber_process_wall'], p['cli_wall'])} | "
            f"{_ratio(p['pdfium_raw'], p['pipeline'])} |"
        )
    lines.append("")
    for name in ("report_200", "corpus"):
        st = res["pdf"][name]["pipeline_stages"]
        total = sum(st.values()) or 1
        lines.append(
            f"Stages ({name}): "
            + ", ".join(f"{k} {v:.2f} s ({100 * v / total:.0f}%)" for k, v in st.items())
        )
    prof = res["profile"]
    lines += [
        "",
        f"**cProfile of `run_batch` on the 200-page report** ({prof['seconds']:.1f} s under "
        "the profiler), top by cumulative time:",
        "",
        "| function | calls | own s | cumulative s |",
        "|---|---:|---:|---:|",
    ]
    for r in prof["top_cumulative"][:25]:
        lines.append(
            f"| `{r['function']}` | {r['calls']} | {r['tottime']:.2f} | {r['cumtime']:.2f} |"
        )
    lines += [
        "",
        "Functions of `extract.py`, `candidates.py`, `features.py` by own time:",
        "",
        "| function | calls | own s | cumulative s |",
        "|---|---:|---:|---:|",
    ]
    for r in prof["owned_tottime"][:12]:
        lines.append(
            f"| `{r['function']}` | {r['calls']} | {r['tottime']:.2f} | {r['cumtime']:.2f} |"
        )
    j1, j2 = res["jobs"]["j1"], res["jobs"]["j2"]
    lines += [
        "",
        f"**Scaling** on the corpus ({j1['counts'].get('processed', 0)} documents, cold): "
        f"`--jobs 1` {j1['wall']:.1f} s ({j1['cpu']:.1f} s CPU), `--jobs 2` {j2['wall']:.1f} s "
        f"({j2['cpu']:.1f} s CPU): {j1['wall'] / j2['wall']:.2f}× (load at start "
        f"{j1['load']:.1f} / {j2['load']:.1f}).",
    ]
    d = res.get("dask")
    if d:
        lines.append(
            f"Dask LocalCluster, 2 workers × 1 thread: first run {d['first']['wall']:.1f} s, "
            f"second {d['second']['wall']:.1f} s: {d['second']['wall'] / j2['wall']:.2f}× the "
            f"time of `--jobs 2` (first run {d['first']['wall'] / j2['wall']:.2f}×)."
        )
    lines += [
        "",
        "**Memory**, cold `--jobs 2` (MB):",
        "",
        "| documents | items | wall s | largest process | parent peak | tree sum |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in res["memory"].items():
        lines.append(
            f"| {n} | {r['counts'].get('items', 0)} | {r['wall']:.1f} | {r['max_rss_mb']:.0f} "
            f"| {r['parent_hwm_mb']:.0f} | {r['tree_rss_mb']:.0f} |"
        )
    lines += [
        "",
        f"**Warm re-run** of {res['args']['big']} unchanged documents: "
        + ", ".join(f"{w['wall']:.2f} s" for w in res["warm"])
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0].startswith("_"):
        part = argv[0][1:]
        files = _files(argv[1])
        result = part_profile(files) if part == "profile" else PARTS[part](files)
        print(json.dumps(result))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/a87-scale"))
    ap.add_argument("--corpus", type=int, default=40, help="documents of the full-size corpus")
    ap.add_argument("--big", type=int, default=1000, help="short documents of the large corpus")
    ap.add_argument("--seed", type=int, default=87)
    ap.add_argument("--skip-dask", action="store_true")
    args = ap.parse_args(argv)
    res = bench(args)
    (args.workdir / "scale.json").write_text(json.dumps(res, indent=1), "utf-8")
    text = markdown(res)
    (args.workdir / "scale.md").write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
