"""Import a round of documents written outside this project into `corpus/`.

A round is a folder with `docs/` and `gold/` (GOLD.md's format plus `family`, `lang` and
`renditions`), written by people who never saw the pipeline's code, with generators of their
own (other PDF producers, other Word and PowerPoint layouts). Each document is copied under
a round prefix ('f4_kenya_workshop.pdf'), its gold file's paths follow, and a family name
outside the corpus's list is mapped onto it ('pledge_form' -> 'pledge').

    python tools/import_round.py ../rounds/round4/batch1 --prefix f4_
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAMILY_MAP = {
    "pledge_form": "pledge",
    "pledge_compilation": "pledge",
    "work_plan": "roadmap",
    "workplan": "roadmap",
}


def import_round(src: Path, prefix: str, corpus: Path, force: bool = False) -> list[Path]:
    """Copy every gold file of `src/gold` and the documents it names into `corpus`."""
    families = {p.name for p in (corpus / "specs").iterdir() if p.is_dir()}
    written = []
    for gold_path in sorted((src / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        family = FAMILY_MAP.get(gold.get("family", ""), gold.get("family", ""))
        if family not in families:
            raise SystemExit(f"{gold_path}: family {gold.get('family')!r} is not a corpus family")
        names = [gold["source"], *gold.get("renditions", [])]
        sources = [(gold_path.parent / name).resolve() for name in names]
        targets = [corpus / "docs" / f"{prefix}{path.name}" for path in sources]
        out = corpus / "gold" / f"{prefix}{gold_path.name}"
        for path in [*targets, out]:
            if path.exists() and not force:
                raise SystemExit(f"{path} exists; pass --force to replace it")
        for source, target in zip(sources, targets, strict=True):
            shutil.copyfile(source, target)
        gold["source"] = f"../docs/{targets[0].name}"
        if len(targets) > 1:
            gold["renditions"] = [f"../docs/{t.name}" for t in targets[1:]]
        gold["family"] = family
        out.write_text(json.dumps(gold, ensure_ascii=False, indent=2) + "\n", "utf-8")
        written.extend([*targets, out])
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="Folder with docs/ and gold/.")
    parser.add_argument("--prefix", required=True, help="Round prefix of the file names.")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--force", action="store_true", help="Replace files already there.")
    args = parser.parse_args(argv)
    written = import_round(args.src, args.prefix, args.corpus, args.force)
    print(f"{len(written)} files written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
