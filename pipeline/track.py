"""Following priorities and next steps across documents and meetings.

`track_run(OUT)` reads a run folder (`pipeline run --out OUT`), orders its documents by
their date (`pipeline/dates.py`), links the items of different documents that are the same
priority or step into **threads**, reads the progress passages of later documents, and
writes `OUT/threads.jsonl` and the SQLite tables `threads` and `thread_items` of
`OUT/priorities.sqlite`.

Linking, in the documents' date order:

* Renditions of one document (the same file stem in another format, or items that are
  nearly all the same) form one **document group**; the group's fullest rendition stands for
  it and a thread never holds two items of one group.
* An item may join a thread of the same country (or both global) whose items are like it:
  the similarity is TF-IDF cosine on word 1–2-grams and character 3–5-grams (half each),
  plus a bonus for shared themes and actions and a penalty when both have actions and none
  is shared (`similarity`). Pairs at or above the threshold are assigned best first, one
  item per thread per document group. The threshold was chosen on `corpus/links.json`
  (`pipeline evaluate --links`).

Status of each step of a thread: `new` (its first item), `restated` (a later item),
`progress_reported` (a later document states it as done or under way: the sentences with
'completed', 'adopted', 'under way', 'se publicó', 'en cours' … that extraction does not
take as items, read again from the source file), and a last `not_mentioned_since` step when
the country or body has later documents that do not mention it (not after a report that it
was done). A next step's **follow-up** is the first later document of the same country or
body that reports it done or under way, or restates it; otherwise it is `open`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import PipelineError
from pipeline.evaluate import dice, normalise
from pipeline.fileio import write_text_atomic
from pipeline.models import DocumentResult, Item

if TYPE_CHECKING:
    from pipeline.runs import Run

# Chosen on corpus/links.json (`pipeline evaluate --links corpus/links.json`): the middle of
# the widest range of thresholds with the best pairwise F1 (see README).
THRESHOLD = 0.50
THEME_BONUS = 0.05
ACTION_BONUS = 0.05
ACTION_PENALTY = 0.10
PROGRESS_THRESHOLD = 0.40
THREADS_FILE = "threads.jsonl"
DATABASE = "priorities.sqlite"
_STATUSES = ("new", "restated", "progress_reported", "not_mentioned_since")
_FAR_FUTURE = "9999"

THREADS_SCHEMA = """
DROP TABLE IF EXISTS thread_items;
DROP TABLE IF EXISTS threads;
CREATE TABLE threads (
    thread_id TEXT PRIMARY KEY,
    country TEXT,
    body TEXT,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    progress TEXT,
    first_date TEXT,
    last_date TEXT,
    items INTEGER NOT NULL,
    follow_up TEXT
);
CREATE TABLE thread_items (
    thread_id TEXT NOT NULL REFERENCES threads(thread_id),
    position INTEGER NOT NULL,
    status TEXT NOT NULL,
    progress TEXT,
    item_id TEXT,
    document_id TEXT,
    source TEXT,
    date TEXT,
    kind TEXT,
    text TEXT,
    similarity REAL,
    follow_up_status TEXT,
    follow_up_document_id TEXT,
    follow_up_date TEXT,
    PRIMARY KEY (thread_id, position)
);
CREATE INDEX thread_items_item ON thread_items(item_id);
CREATE INDEX threads_country ON threads(country);
"""


# ----------------------------------------------------------------------------- records


@dataclass
class TrackItem:
    """One item as the tracker sees it."""

    item_id: str
    kind: str
    text: str
    country: str | None
    themes: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()
    group: int = 0

    @classmethod
    def of(cls, item: Item, group: int) -> TrackItem:
        """An extracted (or gold, classified) item of document group `group`."""
        return cls(
            item.id,
            item.kind,
            item.text,
            item.country,
            frozenset(item.themes),
            frozenset(item.actions),
            group,
        )


@dataclass
class Passage:
    """A sentence of a later document that reports an action done or under way."""

    text: str
    state: str  # "done" | "under_way"
    country: str | None
    group: int = 0


@dataclass
class DocGroup:
    """One document (its renditions together) with its date, items and progress passages."""

    index: int
    document_id: str
    source: str
    date: str | None
    title: str | None
    renditions: list[str] = field(default_factory=list)
    items: list[TrackItem] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    body: str | None = None

    @property
    def order(self) -> tuple[str, str]:
        return (self.date or _FAR_FUTURE, self.source)


@dataclass
class Thread:
    thread_id: str
    country: str | None
    members: list[tuple[TrackItem, float]] = field(default_factory=list)
    progress: list[tuple[Passage, float]] = field(default_factory=list)


# ----------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Vocab:
    bodies: tuple[tuple[str, re.Pattern[str]], ...]
    done: re.Pattern[str]
    ongoing: re.Pattern[str]


def _phrases(words: Iterable[str]) -> re.Pattern[str]:
    parts = sorted({w.lower() for w in words}, key=len, reverse=True)
    alt = "|".join(r"\s+".join(map(re.escape, p.split())) for p in parts)
    return re.compile(rf"(?<!\w)(?:{alt})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    text = resources.files("pipeline.vocab").joinpath("tracking.json").read_text("utf-8")
    v: dict[str, Any] = json.loads(text)
    return _Vocab(
        bodies=tuple((name, _phrases(words)) for name, words in v["bodies"].items()),
        done=_phrases(v["progress_done"]),
        ongoing=_phrases(v["progress_ongoing"]),
    )


def progress_state(text: str) -> str | None:
    """'done', 'under_way' or None: what a sentence says of an action."""
    v = _vocab()
    if v.ongoing.search(text):
        return "under_way"
    if v.done.search(text):
        return "done"
    return None


def body_of(title: str | None) -> str | None:
    """The global body a title names ('GCG'), unless it also names a country."""
    if not title:
        return None
    from pipeline.countries import single_country

    if single_country(title):
        return None
    for name, pattern in _vocab().bodies:
        if pattern.search(title):
            return name
    return None


# ----------------------------------------------------------------------------- similarity


class Similarity:
    """Pairwise similarity of item texts (TF-IDF on word and character n-grams) and labels."""

    def __init__(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        corpus = [" ".join(normalise(t)) for t in texts] or [""]
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self.words.fit(corpus)
        self.chars.fit(corpus)

    def text_matrix(self, a: Sequence[str], b: Sequence[str]) -> Any:
        """Cosine similarity of every text of `a` with every text of `b` (half words, half
        characters)."""
        na = [" ".join(normalise(t)) for t in a]
        nb = [" ".join(normalise(t)) for t in b]
        words = (self.words.transform(na) @ self.words.transform(nb).T).toarray()
        chars = (self.chars.transform(na) @ self.chars.transform(nb).T).toarray()
        return 0.5 * words + 0.5 * chars


def label_adjustment(a: TrackItem, b: TrackItem) -> float:
    """Bonus for shared themes and actions; penalty when both have actions and share none."""
    score = 0.0
    if a.themes and b.themes:
        score += THEME_BONUS * len(a.themes & b.themes) / len(a.themes | b.themes)
    if a.actions and b.actions:
        shared = len(a.actions & b.actions) / len(a.actions | b.actions)
        score += ACTION_BONUS * shared if shared else -ACTION_PENALTY
    return score


def similarity_matrix(sim: Similarity, a: list[TrackItem], b: list[TrackItem]) -> Any:
    """Item similarity: text cosine plus the label adjustment."""
    if not a or not b:
        import numpy as np

        return np.zeros((len(a), len(b)))
    m = sim.text_matrix([x.text for x in a], [y.text for y in b])
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            m[i, j] += label_adjustment(x, y)
    return m


# ----------------------------------------------------------------------------- linking


def _thread_id(item: TrackItem) -> str:
    return hashlib.sha256(f"thread|{item.item_id}".encode()).hexdigest()[:16]


def link_items(
    groups: list[DocGroup], threshold: float = THRESHOLD, sim: Similarity | None = None
) -> list[Thread]:
    """Threads over the items of `groups` (taken in date order): see the module docstring."""
    ordered = sorted(groups, key=lambda g: g.order)
    all_items = [i for g in ordered for i in g.items]
    sim = sim or Similarity(
        [i.text for i in all_items] + [p.text for g in groups for p in g.passages]
    )
    threads: list[Thread] = []
    for group in ordered:
        items = group.items
        members = [(t, m) for t in threads for m, _ in t.members]
        if members and items:
            matrix = similarity_matrix(sim, items, [m for _, m in members])
            best: dict[tuple[int, int], float] = {}
            index = {id(t): k for k, t in enumerate(threads)}
            for i, item in enumerate(items):
                for j, (thread, _member) in enumerate(members):
                    if thread.country != item.country:
                        continue
                    key = (i, index[id(thread)])
                    best[key] = max(best.get(key, -1.0), float(matrix[i, j]))
            pairs = sorted(
                ((s, i, k) for (i, k), s in best.items() if s >= threshold), reverse=True
            )
        else:
            pairs = []
        taken_items: set[int] = set()
        taken_threads: set[int] = set()
        for score, i, k in pairs:
            if i in taken_items or k in taken_threads:
                continue
            taken_items.add(i)
            taken_threads.add(k)
            threads[k].members.append((items[i], round(score, 4)))
        for i, item in enumerate(items):
            if i not in taken_items:
                threads.append(Thread(_thread_id(item), item.country, [(item, 1.0)]))
    return threads


def thread_pairs(threads: Iterable[Thread]) -> set[frozenset[str]]:
    """Every pair of item ids that share a thread."""
    out: set[frozenset[str]] = set()
    for t in threads:
        ids = [m.item_id for m, _ in t.members]
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                out.add(frozenset((ids[a], ids[b])))
    return out


# ----------------------------------------------------------------------------- reading a run


def _stem(source: str) -> str:
    name = Path(source).name
    return name.rsplit(".", 1)[0] if "." in name else name


def _near_identical(a: list[str], b: list[str]) -> bool:
    """Two item lists that are nearly the same document (90% of items in common)."""
    if not a or not b:
        return False
    sa, sb = {" ".join(normalise(t)) for t in a}, {" ".join(normalise(t)) for t in b}
    common = len(sa & sb)
    if common / max(len(sa), len(sb)) >= 0.9:
        return True
    joined_a, joined_b = normalise(" ".join(sorted(sa))), normalise(" ".join(sorted(sb)))
    return dice(joined_a, joined_b) >= 0.95


def group_results(results: list[DocumentResult]) -> list[list[DocumentResult]]:
    """Renditions together: the same file stem (in the same folder), or near-identical items."""
    groups: list[list[DocumentResult]] = []
    for result in results:
        stem = (str(Path(result.document.source).parent), _stem(result.document.source))
        texts = [i.text for i in result.items]
        for group in groups:
            first = group[0]
            if (str(Path(first.document.source).parent), _stem(first.document.source)) == stem:
                group.append(result)
                break
            if _near_identical([i.text for i in first.items], texts):
                group.append(result)
                break
        else:
            groups.append([result])
    return groups


def _source_document(run: Run, result: DocumentResult) -> Any:
    """The parsed source of a result when its file is still there with the same bytes."""
    from pipeline.parse import parse_file

    path = run.source_path(result)
    if path is None:
        return None
    try:
        return parse_file(path)
    except (OSError, PipelineError):
        return None


def _passages(doc: Any, result: DocumentResult) -> list[Passage]:
    """Sentences of the source that report an action done or under way and are not items."""
    from pipeline.itemtext import split_sentences
    from pipeline.segment import document_to_sections

    item_texts = [normalise(i.text) for i in result.items]
    out: list[Passage] = []
    for section in document_to_sections(doc):
        for block in section.blocks:
            for sentence in split_sentences(block.text):
                state = progress_state(sentence)
                if state is None or len(normalise(sentence)) < 4:
                    continue
                tokens = normalise(sentence)
                if any(dice(tokens, t) >= 0.85 for t in item_texts):
                    continue
                out.append(Passage(sentence, state, section.country))
    return out


def _reported_item(text: str) -> str | None:
    """An extracted 'item' that reads as a report of something done ('The plan was adopted
    in May.'): its state, so that it counts as progress rather than a restatement."""
    from pipeline.itemtext import opens_with_action

    if opens_with_action(text):
        return None
    return progress_state(text)


def load_groups(run_dir: str | Path, read_sources: bool = True) -> list[DocGroup]:
    """The run's documents as document groups with dates, items and progress passages."""
    from pipeline.countries import single_country
    from pipeline.dates import document_date
    from pipeline.runs import load_run

    run = load_run(run_dir)
    results = [r for _, r in run.results]
    groups: list[DocGroup] = []
    for index, members in enumerate(group_results(results)):
        main = max(members, key=lambda r: (len(r.items), -len(r.document.source)))
        info = main.document
        date = info.date or next((m.document.date for m in members if m.document.date), None)
        group = DocGroup(
            index=index,
            document_id=info.id,
            source=info.source,
            date=date,
            title=info.title,
            renditions=[m.document.source for m in members if m is not main],
        )
        doc = None
        if read_sources:
            for candidate in [main, *[m for m in members if m is not main]]:
                doc = _source_document(run, candidate)
                if doc is not None:
                    break
        if doc is not None and group.date is None:
            found = document_date(doc)
            group.date = found.date if found else None
        for item in main.items:
            state = _reported_item(item.text)
            if state is not None:
                group.passages.append(Passage(item.text, state, item.country, index))
                continue
            group.items.append(TrackItem.of(item, index))
        if doc is not None:
            for passage in _passages(doc, main):
                passage.group = index
                group.passages.append(passage)
        title = info.title or (doc.title if doc is not None else None)
        group.countries = {i.country for i in group.items if i.country}
        named = single_country(title) if title else None
        if named:
            group.countries.add(named.code)
        group.body = body_of(title)
        groups.append(group)
    return groups


# ----------------------------------------------------------------------------- statuses


def _attach_progress(
    threads: list[Thread], groups: list[DocGroup], sim: Similarity, threshold: float
) -> None:
    order = {g.index: g.order for g in groups}
    for group in groups:
        if not group.passages:
            continue
        texts = [p.text for p in group.passages]
        for thread in threads:
            first = order[thread.members[0][0].group]
            if first >= group.order:
                continue
            mine = [(k, p) for k, p in enumerate(group.passages) if p.country == thread.country]
            if not mine:
                continue
            matrix = sim.text_matrix(
                [texts[k] for k, _ in mine], [m.text for m, _ in thread.members]
            )
            best_k, best = None, threshold
            for row, (k, _passage) in enumerate(mine):
                score = float(matrix[row].max())
                if score >= best:
                    best_k, best = k, score
            if best_k is not None:
                thread.progress.append((group.passages[best_k], round(best, 4)))


def _body(thread: Thread, by_index: dict[int, DocGroup]) -> str | None:
    if thread.country:
        return thread.country
    return by_index[thread.members[0][0].group].body


def _speaks_for(group: DocGroup, body: str | None) -> bool:
    if body is None:
        return False
    if len(body) == 3 and body.isupper() and body not in {b for b, _ in _vocab().bodies}:
        return body in group.countries
    return group.body == body


def _step_record(group: DocGroup, **fields: Any) -> dict[str, Any]:
    return {
        "date": group.date,
        "document_id": group.document_id,
        "source": group.source,
        "renditions": group.renditions,
        **fields,
    }


def thread_records(threads: list[Thread], groups: list[DocGroup]) -> list[dict[str, Any]]:
    """Threads as JSON-ready records, each step with its status (see the module docstring)."""
    by_index = {g.index: g for g in groups}
    ordered_groups = sorted(groups, key=lambda g: g.order)
    records = []
    for thread in threads:
        body = _body(thread, by_index)
        events: list[tuple[tuple[str, str], int, dict[str, Any]]] = []
        for n, (item, score) in enumerate(thread.members):
            g = by_index[item.group]
            events.append(
                (
                    g.order,
                    0,
                    _step_record(
                        g,
                        status="new" if n == 0 else "restated",
                        progress=None,
                        item_id=item.item_id,
                        kind=item.kind,
                        text=item.text,
                        similarity=None if n == 0 else score,
                    ),
                )
            )
        for passage, score in thread.progress:
            g = by_index[passage.group]
            events.append(
                (
                    g.order,
                    1,
                    _step_record(
                        g,
                        status="progress_reported",
                        progress=passage.state,
                        item_id=None,
                        kind=None,
                        text=passage.text,
                        similarity=score,
                    ),
                )
            )
        events.sort(key=lambda e: (e[0], e[1]))
        steps = [e[2] for e in events]
        last_order = events[-1][0]
        closed = any(s["progress"] == "done" for s in steps)
        mentioned = {s["document_id"] for s in steps}
        later = [
            g
            for g in ordered_groups
            if g.date
            and g.order > last_order
            and _speaks_for(g, body)
            and g.document_id not in mentioned
        ]
        if later and not closed:
            steps.append(
                {
                    "status": "not_mentioned_since",
                    "date": later[-1].date,
                    "documents": [
                        {"document_id": g.document_id, "source": g.source, "date": g.date}
                        for g in later
                    ],
                }
            )
        for k, step in enumerate(steps):
            if step.get("kind") == "next_step":
                step["follow_up"] = _follow_up(steps, k, by_index, body)
        first = thread.members[0][0]
        dates = [s["date"] for s in steps if s.get("date") and s["status"] != "not_mentioned_since"]
        last = steps[-1]
        records.append(
            {
                "thread_id": thread.thread_id,
                "country": thread.country,
                "body": body,
                "kind": first.kind,
                "text": first.text,
                "themes": sorted(set().union(*(m.themes for m, _ in thread.members))),
                "actions": sorted(set().union(*(m.actions for m, _ in thread.members))),
                "status": last["status"],
                "progress": last.get("progress"),
                "first_date": min(dates) if dates else None,
                "last_date": max(dates) if dates else None,
                "items": len(thread.members),
                "steps": steps,
            }
        )
    records.sort(key=lambda r: (r["first_date"] or _FAR_FUTURE, r["country"] or "", r["text"]))
    return records


def _follow_up(
    steps: list[dict[str, Any]], k: int, by_index: dict[int, DocGroup], body: str | None
) -> dict[str, Any]:
    """The first later document that reports step `k` done or under way, or restates it."""
    own = steps[k]
    rank = {"done": 0, "under_way": 1, "restated": 2}
    later = [
        s
        for s in steps[k + 1 :]
        if s["status"] in ("restated", "progress_reported")
        and s["document_id"] != own["document_id"]
        and (s.get("date") or _FAR_FUTURE, s["source"])
        > (own.get("date") or _FAR_FUTURE, own["source"])
    ]
    if not later:
        return {"status": "open"}
    first_doc = later[0]["document_id"]
    options = [s for s in later if s["document_id"] == first_doc]
    best = min(options, key=lambda s: rank[s["progress"] or "restated"])
    return {
        "status": best["progress"] or "restated",
        "document_id": best["document_id"],
        "source": best["source"],
        "date": best["date"],
        "text": best["text"],
    }


def track_groups(
    groups: list[DocGroup],
    threshold: float = THRESHOLD,
    progress_threshold: float = PROGRESS_THRESHOLD,
) -> list[dict[str, Any]]:
    """Thread records for document groups (linking, progress and statuses)."""
    texts = [i.text for g in groups for i in g.items] + [p.text for g in groups for p in g.passages]
    sim = Similarity(texts)
    threads = link_items(groups, threshold, sim)
    _attach_progress(threads, groups, sim, progress_threshold)
    return thread_records(threads, groups)


# ----------------------------------------------------------------------------- writing


def write_threads(run_dir: str | Path, records: list[dict[str, Any]]) -> None:
    """`threads.jsonl` (atomically) and the `threads`/`thread_items` tables (one transaction)."""
    run_dir = Path(run_dir)
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    write_text_atomic(run_dir / THREADS_FILE, lines)
    db = (run_dir / DATABASE).resolve()
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            for statement in THREADS_SCHEMA.split(";"):
                if statement.strip():
                    con.execute(statement)
            for r in records:
                follow = [s.get("follow_up") for s in r["steps"] if s.get("follow_up")]
                con.execute(
                    "INSERT INTO threads VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        r["thread_id"],
                        r["country"],
                        r["body"],
                        r["kind"],
                        r["text"],
                        r["status"],
                        r["progress"],
                        r["first_date"],
                        r["last_date"],
                        r["items"],
                        follow[0]["status"] if follow else None,
                    ),
                )
                for pos, s in enumerate(r["steps"]):
                    f = s.get("follow_up") or {}
                    con.execute(
                        "INSERT INTO thread_items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            r["thread_id"],
                            pos,
                            s["status"],
                            s.get("progress"),
                            s.get("item_id"),
                            s.get("document_id"),
                            s.get("source"),
                            s.get("date"),
                            s.get("kind"),
                            s.get("text"),
                            s.get("similarity"),
                            f.get("status"),
                            f.get("document_id"),
                            f.get("date"),
                        ),
                    )
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.close()


def track_run(
    run_dir: str | Path,
    threshold: float = THRESHOLD,
    write: bool = True,
    read_sources: bool = True,
) -> list[dict[str, Any]]:
    """Track the items of a run folder; write threads.jsonl and the SQLite tables into it."""
    records = track_groups(load_groups(run_dir, read_sources), threshold)
    if write:
        from pipeline.runs import claim_output

        lock = claim_output(Path(run_dir))
        try:
            write_threads(run_dir, records)
        finally:
            lock.close()
    return records


def summary(records: list[dict[str, Any]]) -> str:
    """A few lines: threads by status, next steps by follow-up, the open next steps."""
    from collections import Counter

    statuses = Counter(r["status"] for r in records)
    follow = Counter(
        s["follow_up"]["status"] for r in records for s in r["steps"] if s.get("follow_up")
    )
    lines = [
        f"{len(records)} threads ({sum(r['items'] > 1 for r in records)} across documents): "
        + ", ".join(f"{statuses[s]} {s}" for s in _STATUSES if statuses[s]),
        "next steps: " + (", ".join(f"{n} {s}" for s, n in sorted(follow.items())) or "none"),
    ]
    for r in records:
        for s in r["steps"]:
            if s.get("follow_up", {}).get("status") == "open":
                who = r["country"] or r["body"] or "global"
                lines.append(f"  open [{who}] {s.get('date') or '?'} {s['text'][:90]}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- evaluation


class LinksFileError(PipelineError):
    """A gold linking file that cannot be used."""

    code = "bad_links_file"
    hint = (
        "Give a JSON file with `documents`, `same` (pairs of {doc, item} references) and "
        "optionally `different`, as corpus/links.json."
    )


@dataclass
class LinkScore:
    threshold: float
    tp: int
    fp: int
    fn: int
    hard_negatives_linked: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _load_links(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise LinksFileError(path, "no such links file")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise LinksFileError(path, f"is not readable JSON ({exc})") from None
    if not isinstance(data, dict) or not data.get("same") or not data.get("documents"):
        raise LinksFileError(path, "holds no documents or no `same` pairs to score against")
    return data


def _ref_id(path: Path, ref: Any, items: dict[str, list[dict[str, Any]]]) -> str:
    """'doc#index' of a reference {doc, item} or {doc, text}; the text must match if given."""
    if not isinstance(ref, dict) or "doc" not in ref:
        raise LinksFileError(path, f"bad item reference {ref!r}")
    doc = ref["doc"]
    if doc not in items:
        raise LinksFileError(path, f"reference to {doc!r}, which is not in `documents`")
    index = ref.get("item")
    if index is None:
        matches = [k for k, it in enumerate(items[doc]) if it["text"] == ref.get("text")]
        if len(matches) != 1:
            raise LinksFileError(path, f"no single item of {doc} has the text {ref.get('text')!r}")
        index = matches[0]
    if not 0 <= index < len(items[doc]):
        raise LinksFileError(path, f"{doc} has no item {index}")
    if "text" in ref and items[doc][index]["text"] != ref["text"]:
        raise LinksFileError(path, f"item {index} of {doc} is not {ref['text']!r}")
    return f"{doc}#{index}"


def _gold_groups(
    path: Path, gold_dir: Path, data: dict[str, Any]
) -> tuple[list[DocGroup], dict[str, list[dict[str, Any]]]]:
    """One document group per gold file, its items labelled by the installed classifier and
    dated from its source (the first rendition that parses)."""
    from pipeline.classify import classify_items
    from pipeline.dates import document_date
    from pipeline.models import Item, Provenance
    from pipeline.parse import parse_file

    groups: list[DocGroup] = []
    items: dict[str, list[dict[str, Any]]] = {}
    for index, doc in enumerate(data["documents"]):
        gold_path = gold_dir / f"{doc}.json"
        try:
            gold = json.loads(gold_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise LinksFileError(path, f"cannot read the gold file {gold_path} ({exc})") from None
        items[doc] = gold["items"]
        sources = [gold["source"], *gold.get("renditions", [])]
        date = None
        for source in sources:
            try:
                found = document_date(parse_file(gold_dir / source))
            except (OSError, PipelineError):
                continue
            date = found.date if found else None
            break
        records = [
            Item(
                id=f"{doc}#{k}",
                kind=it["kind"],
                text=it["text"],
                country=it.get("country"),
                provenance=Provenance(
                    document_id=doc, source=gold["source"], page=1, block_ids=[], source_text=""
                ),
            )
            for k, it in enumerate(gold["items"])
        ]
        group = DocGroup(index, doc, gold["source"], date, None)
        for item in classify_items(records):
            group.items.append(TrackItem.of(item, index))
        groups.append(group)
    return groups, items


def _closure(pairs: Iterable[tuple[str, str]]) -> set[frozenset[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    clusters: dict[str, list[str]] = {}
    for x in parent:
        clusters.setdefault(find(x), []).append(x)
    out: set[frozenset[str]] = set()
    for members in clusters.values():
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                out.add(frozenset((members[i], members[j])))
    return out


def evaluate_links(
    links_file: str | Path,
    gold_dir: str | Path = "corpus/gold",
    thresholds: Sequence[float] | None = None,
) -> tuple[list[LinkScore], int, int]:
    """Pairwise precision/recall of the tracker's links on a gold linking set, for each
    threshold; also the number of gold pairs and of hard negatives."""
    path = Path(links_file)
    data = _load_links(path)
    groups, items = _gold_groups(path, Path(gold_dir), data)
    gold = _closure((_ref_id(path, a, items), _ref_id(path, b, items)) for a, b in data["same"])
    hard = {
        frozenset((_ref_id(path, a, items), _ref_id(path, b, items)))
        for a, b in data.get("different", [])
    }
    if hard & gold:
        raise LinksFileError(path, "a pair is listed both as `same` and as `different`")
    texts = [i.text for g in groups for i in g.items]
    sim = Similarity(texts)
    scores = []
    for threshold in thresholds or [THRESHOLD]:
        pred = thread_pairs(link_items(groups, threshold, sim))
        scores.append(
            LinkScore(
                round(threshold, 3),
                len(pred & gold),
                len(pred - gold),
                len(gold - pred),
                len(pred & hard),
            )
        )
    return scores, len(gold), len(hard)


def format_link_scores(scores: list[LinkScore], gold: int, hard: int, chosen: float) -> str:
    lines = [
        f"gold pairs {gold} (after transitive closure), hard negatives {hard}",
        "threshold   precision  recall   F1     tp  fp  fn  hard negatives linked",
    ]
    for s in scores:
        mark = "  <- installed" if abs(s.threshold - chosen) < 1e-9 else ""
        lines.append(
            f"{s.threshold:9.3f}   {s.precision:9.2f}  {s.recall:6.2f}  {s.f1:5.2f}  "
            f"{s.tp:3d} {s.fp:3d} {s.fn:3d}  {s.hard_negatives_linked:3d}{mark}"
        )
    return "\n".join(lines)
