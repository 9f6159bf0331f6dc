"""`pipeline review`: a workbook for analysts to correct a run, and reading it back.

Export writes one row per item, the items most in need of review first (no labels, or the
lowest label score); the same item in several renditions of one document (deck.pptx and its
PDF export, `Item.group_id`) is one row, whose correction is stored for each rendition's
item. A row has the item's text, source, labels, scores and evidence, and columns
to correct: `kind`, `country`, `not_an_item`, `confirm`, `note`, and one column per theme
(`theme:<id>`) and per action type (`action:<id>`) holding `yes` or blank.

One column per label, not one cell of several ids: a list validation can hold one value per
cell, so a yes/no drop-down per label lets Excel itself refuse typos, lets analysts filter on a
label, and needs no ids typed by hand. Every editable column has a drop-down list (kinds, the
country list, yes/no); the header cells carry notes saying what each column is for. Text
cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with '.
Hidden columns hold the item's id, its text hash, its labels as exported and its renditions; apply
compares the row with them, so only what the analyst changed becomes a correction.

Apply reads the workbook (or the same columns saved as CSV), checks every cell first, and
either stores all the corrections (merged into the corrections file, written atomically) or
none, with one error naming every bad cell by row and column.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.corrections import (
    DEFAULT_CORRECTIONS,
    GLOBAL,
    Correction,
    ItemState,
    load_corrections,
    merge_corrections,
    save_corrections,
    source_name,
    text_hash,
)
from pipeline.errors import PipelineError
from pipeline.fileio import write_bytes_atomic, write_text_atomic
from pipeline.models import DocumentResult, Item
from pipeline.report import (
    LOW_CONFIDENCE,
    item_confidence,
    item_flags,
    item_groups,
    review_order,
)
from pipeline.runs import load_run
from pipeline.taxonomy import load_taxonomy

SHEET = "Items"
LISTS_SHEET = "Lists"
GLOBAL_CHOICE = "Global (no country)"
KINDS = ("priority", "next_step")
YES = {"yes", "y", "true", "1", "x", "✓"}
NO = {"no", "n", "false", "0", ""}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CODE_RE = re.compile(r"\(([A-Za-z]{3})\)\s*$")
MAX_CELL = 32_000


class ReviewInputError(PipelineError):
    """A corrected workbook or CSV with cells that cannot be applied."""

    code = "review_input"
    hint = (
        "Nothing was applied. Correct the cells named (use the drop-down values) and apply "
        "the file again."
    )

    def __init__(self, path: str | Path, problems: list[str]) -> None:
        self.problems = problems
        many = len(problems) > 1
        reason = (
            f"{len(problems)} cells cannot be applied:\n  " + "\n  ".join(problems)
            if many
            else problems[0]
        )
        super().__init__(path, reason)


# ----------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    key: str
    width: float
    note: str
    editable: bool = False
    hidden: bool = False


def columns() -> list[Column]:
    """The workbook's columns, in order."""
    tax = load_taxonomy()
    yes_no = (
        "yes = the item has this label; blank or no = it does not. One column per label, "
        "because a drop-down cell holds a single value."
    )
    cols = [
        Column("rank", 6, "Review order: items most in need of review come first."),
        Column(
            "needs_review",
            22,
            f"Why the item may be wrong: no labels, or a label scored below {LOW_CONFIDENCE:.2f}.",
        ),
        Column("text", 60, "The item as printed in the source (read-only)."),
        Column("kind", 12, "priority or next_step. Change it if the kind is wrong.", True),
        Column(
            "country",
            24,
            f"The country the item belongs to, from the list, or '{GLOBAL_CHOICE}' for items "
            "of the Alliance, a global body or a regional meeting (a blank cell means the same).",
            True,
        ),
        Column("not_an_item", 9, "yes = this is not a priority or next step: drop it.", True),
        Column(
            "confirm",
            9,
            "yes = you checked the row and it is right as it is (teaches the model too).",
            True,
        ),
    ]
    cols += [
        Column(f"theme:{t.id}", 5.5, f"Theme: {t.label}. {t.description} {yes_no}", True)
        for t in tax.themes
    ]
    cols += [
        Column(f"action:{a.id}", 5.5, f"Action type: {a.label}. {a.description} {yes_no}", True)
        for a in tax.actions
    ]
    cols += [
        Column("note", 30, "Optional comment, kept with the correction.", True),
        Column("labels", 40, "The labels as exported, with the model's scores (0 to 1)."),
        Column("evidence", 50, "Why the model chose each label."),
        Column("confidence", 11, "Lowest score among the item's labels (0 = no labels)."),
        Column("source", 28, "The file the item comes from."),
        Column("page", 7, "Page, or slide for PowerPoint files."),
        Column("section", 40, "Headings and sub-list labels the item sits under."),
        Column("reviewed", 22, "Earlier review applied to this item."),
        Column("item_id", 18, "Do not edit: the item's stable id.", hidden=True),
        Column(
            "text_hash", 18, "Do not edit: finds the item again if its id changes.", hidden=True
        ),
        Column("item", 20, "Do not edit: the item as exported (JSON).", hidden=True),
        Column(
            "renditions",
            20,
            "Do not edit: the same item in the document's other renditions (JSON); a "
            "correction of the row is stored for each of them.",
            hidden=True,
        ),
    ]
    return cols


# ----------------------------------------------------------------------------- export


def _safe(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula; drop characters xlsx refuses."""
    if not isinstance(value, str):
        return value
    value = _CONTROL_RE.sub(" ", value)[:MAX_CELL]
    return "'" + value if value.startswith(_FORMULA_START) else value


def country_choices() -> list[str]:
    """The country list of the drop-down: 'Global (no country)', then 'Name (ABC)' by name."""
    import pycountry

    from pipeline.countries import country_name

    names = sorted(
        (f"{country_name(c.alpha_3)} ({c.alpha_3})" for c in pycountry.countries),
        key=str.casefold,
    )
    return [GLOBAL_CHOICE, *names]


def _country_cell(code: str | None) -> str:
    from pipeline.countries import country_name

    if not code:
        return GLOBAL_CHOICE
    name = country_name(code)
    return f"{name} ({code})" if name else code


def _label_names() -> dict[str, str]:
    tax = load_taxonomy()
    return {t.id: t.label for t in [*tax.themes, *tax.actions]}


def _state(item: Item) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "country": item.country,
        "themes": item.themes,
        "actions": item.actions,
    }


def _rendition(result: DocumentResult, item: Item) -> dict[str, Any]:
    return {
        "item_id": item.id,
        "text_hash": text_hash(item.text),
        "source": result.document.source,
        "text": item.text,
        "context": item.context,
        "section": item.section,
    }


def _row(
    rank: int,
    result: DocumentResult,
    item: Item,
    others: list[tuple[DocumentResult, Item]] | None = None,
) -> dict[str, Any]:
    others = others or []
    names = _label_names()
    scores = {s.label: s for s in [*item.theme_scores, *item.action_scores]}
    labels, evidence = [], []
    for label in [*item.themes, *item.actions]:
        s = scores.get(label)
        labels.append(f"{names.get(label, label)} {s.score:.2f}" if s else names.get(label, label))
        if s and s.evidence:
            evidence.append(f"{names.get(label, label)}: {'; '.join(s.evidence)}")
    unit = "slide" if result.document.format == "pptx" else "page"
    row: dict[str, Any] = {
        "rank": rank,
        "needs_review": "; ".join(item_flags(item)),
        "text": item.text,
        "kind": item.kind,
        "country": _country_cell(item.country),
        "not_an_item": None,
        "confirm": None,
        "note": None,
        "labels": "; ".join(labels),
        "evidence": " | ".join(evidence),
        "confidence": item_confidence(item),
        "source": source_name(result.document.source)
        + (
            " (also in: " + ", ".join(source_name(r.document.source) for r, _ in others) + ")"
            if others
            else ""
        ),
        "page": f"{unit} {item.provenance.page}",
        "section": " > ".join([*item.section, *item.context]),
        "reviewed": f"{item.review.reviewer}, {item.review.date}" if item.review else None,
        "item_id": item.id,
        "text_hash": text_hash(item.text),
        "item": json.dumps(
            {
                **_state(item),
                "source": result.document.source,
                "text": item.text,
                "context": item.context,
                "section": item.section,
            },
            ensure_ascii=False,
        ),
        "renditions": json.dumps([_rendition(r, it) for r, it in others], ensure_ascii=False)
        if others
        else None,
    }
    for label in load_taxonomy().ids("themes"):
        row[f"theme:{label}"] = "yes" if label in item.themes else None
    for label in load_taxonomy().ids("actions"):
        row[f"action:{label}"] = "yes" if label in item.actions else None
    return row


def review_rows(run_dir: str | Path) -> list[dict[str, Any]]:
    """One row per item of the run, the items most in need of review first.

    Renditions of one document (deck.pptx and its PDF export) hold the same items: each
    document group (`Item.group_id`) is one row, for its canonical item, listing the other
    renditions; a correction of the row is stored for every one of them."""
    run = load_run(run_dir)
    results = [result for _, result in run.results]
    position = {id(item): p for result in results for p, item in enumerate(result.items)}
    entries = [
        (review_order(item), d, position[id(item)], result, item, others)
        for (d, result, item), others in item_groups(results)
    ]
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    return [
        _row(n, result, item, [(r, it) for _, r, it in others])
        for n, (*_, result, item, others) in enumerate(entries, start=1)
    ]


def export_workbook(run_dir: str | Path, xlsx_path: str | Path) -> int:
    """Write the review workbook of the run in `run_dir`; returns the number of item rows."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = review_rows(run_dir)
    cols = columns()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    head_edit = PatternFill("solid", fgColor="00677A")
    head_info = PatternFill("solid", fgColor="E4E9EF")
    edit_fill = PatternFill("solid", fgColor="F3FAFB")
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j, value=col.key)
        cell.font = Font(bold=True, color="FFFFFF" if col.editable else "1D2733")
        cell.fill = head_edit if col.editable else head_info
        narrow = col.key.startswith(("theme:", "action:"))
        cell.alignment = Alignment(
            text_rotation=90 if narrow else 0, vertical="bottom", wrap_text=not narrow
        )
        cell.comment = Comment(col.note, "pipeline", width=320, height=110)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = col.width
        ws.column_dimensions[letter].hidden = col.hidden
    ws.row_dimensions[1].height = 150
    for i, row in enumerate(rows, start=2):
        for j, col in enumerate(cols, start=1):
            cell = ws.cell(row=i, column=j, value=_safe(row.get(col.key)))
            if col.key in ("text", "labels", "evidence", "section", "needs_review", "note"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
            if col.editable and not col.hidden:
                cell.fill = edit_fill
        ws.cell(row=i, column=_index(cols, "confidence")).number_format = "0.00"
    last = max(len(rows) + 1, 2)

    lists = wb.create_sheet(LISTS_SHEET)
    choices = country_choices()
    for n, value in enumerate(choices, start=1):
        lists.cell(row=n, column=1, value=value)
    lists.sheet_state = "hidden"

    def validate(key: str, formula: str, prompt: str) -> DataValidation:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.showErrorMessage = True
        dv.showInputMessage = True
        dv.errorTitle = "Not in the list"
        dv.error = f"Choose a value from the drop-down list ({prompt})."
        dv.promptTitle = key
        dv.prompt = prompt
        letter = get_column_letter(_index(cols, key))
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)
        return dv

    validate("kind", '"priority,next_step"', "priority or next_step")
    validate("country", f"{LISTS_SHEET}!$A$1:$A${len(choices)}", "a country or Global")
    for col in cols:
        if col.key in ("not_an_item", "confirm") or col.key.startswith(("theme:", "action:")):
            validate(col.key, '"yes,no"', "yes or no")
    first = get_column_letter(_index(cols, "theme:" + load_taxonomy().ids("themes")[0]))
    final = get_column_letter(_index(cols, "action:" + load_taxonomy().ids("actions")[-1]))
    ws.conditional_formatting.add(
        f"{first}2:{final}{last}",
        CellIsRule(
            operator="equal", formula=['"yes"'], fill=PatternFill("solid", bgColor="9FD6DC")
        ),
    )
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{last}"
    _instructions(wb.create_sheet("How to review"), len(rows))
    wb.active = 0

    buffer = io.BytesIO()
    wb.save(buffer)
    write_bytes_atomic(xlsx_path, buffer.getvalue())
    return len(rows)


def export_csv(run_dir: str | Path, csv_path: str | Path) -> int:
    """The same columns as the workbook, as CSV (no drop-downs); returns the row count."""
    rows = review_rows(run_dir)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c.key for c in columns()], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe(v) if v is not None else "" for k, v in row.items()})
    write_text_atomic(csv_path, buffer.getvalue())
    return len(rows)


def _index(cols: list[Column], key: str) -> int:
    return next(j for j, c in enumerate(cols, start=1) if c.key == key)


def _instructions(ws: Any, count: int) -> None:
    from openpyxl.styles import Alignment, Font

    lines = [
        ("How to review these items", True),
        (f"The sheet '{SHEET}' lists {count} items, those most in need of review first.", False),
        ("Correct only what is wrong; rows you do not change are ignored.", False),
        ("kind: priority or next_step.", False),
        (
            f"country: choose from the list; '{GLOBAL_CHOICE}' for Alliance or regional items.",
            False,
        ),
        ("theme:… and action:… columns: yes if the item has the label, blank or no if not.", False),
        ("  One column per label because a drop-down cell holds one value; hover a header", False),
        ("  for the label's definition.", False),
        ("not_an_item: yes drops the item from every later run.", False),
        ("confirm: yes records that the row is right as it is.", False),
        ("note: an optional comment kept with the correction.", False),
        ("Do not edit the hidden columns item_id, text_hash and item, nor add rows.", False),
        ("", False),
        ("Then run:  pipeline review apply THIS_FILE.xlsx --reviewer YOUR_NAME", True),
        (
            "Every cell is checked first; if one is wrong nothing is applied and the error names",
            False,
        ),
        ("its row and column. Saving the sheet as CSV (same columns) works too.", False),
    ]
    ws.column_dimensions["A"].width = 100
    for n, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=n, column=1, value=text)
        cell.font = Font(bold=bold, size=13 if n == 1 else 11)
        cell.alignment = Alignment(wrap_text=True)


# ----------------------------------------------------------------------------- apply


@dataclass
class ApplyReport:
    """What `apply_review` did."""

    rows: int = 0
    corrections: list[Correction] = field(default_factory=list)
    stored: int = 0
    path: Path | None = None

    @property
    def dropped(self) -> int:
        return sum(c.not_an_item for c in self.corrections)


def _read_table(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and (spreadsheet row number, values) of an .xlsx or .csv file."""
    if not path.is_file():
        raise ReviewInputError(path, ["file not found"])
    head = path.read_bytes()[:4]
    if head.startswith(b"PK"):
        return _read_xlsx(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ReviewInputError(path, ["is not an Excel workbook (.xlsx): it may be damaged"])
    return _read_csv(path)


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReviewInputError(path, [f"is not a readable Excel workbook ({exc})"]) from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
        body = [(n, list(values)) for n, values in enumerate(rows, start=2)]
    finally:
        wb.close()
    return header, body


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = f"is neither an .xlsx workbook nor UTF-8 CSV ({exc})"
        raise ReviewInputError(path, [problem]) from exc
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    return header, [(n, values) for n, values in enumerate(reader, start=2)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _country_index() -> dict[str, str]:
    import pycountry

    from pipeline.countries import country_name

    index: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (country_name(c.alpha_3), c.name, getattr(c, "official_name", None)):
            if name:
                index.setdefault(name.casefold(), c.alpha_3)
        index[c.alpha_3.casefold()] = c.alpha_3
    return index


class _Cells:
    """Reads the cells of one row, collecting every problem with its row and column."""

    def __init__(self, header: list[str], problems: list[str]) -> None:
        from openpyxl.utils import get_column_letter

        self.at = {key: j for j, key in enumerate(header) if key}
        self.letter = {key: get_column_letter(j + 1) for key, j in self.at.items()}
        self.problems = problems
        self.row = 0
        self.values: list[Any] = []

    def start(self, row: int, values: list[Any]) -> None:
        self.row, self.values = row, values

    def raw(self, key: str) -> str:
        j = self.at[key]
        return _text(self.values[j]) if j < len(self.values) else ""

    def bad(self, key: str, message: str) -> None:
        self.problems.append(f"row {self.row}, column {key} ({self.letter[key]}): {message}")

    def yes(self, key: str) -> bool | None:
        value = self.raw(key).casefold()
        if value in YES:
            return True
        if value in NO:
            return False
        self.bad(key, f"{self.raw(key)!r} is not yes or no")
        return None


def _parse_country(value: str, index: dict[str, str]) -> str | None:
    """'Madagascar (MDG)', 'MDG', 'Madagascar' -> 'MDG'; 'Global…' -> GLOBAL; else None."""
    if value.casefold().startswith("global"):
        return GLOBAL
    match = _CODE_RE.search(value)
    if match and match.group(1).casefold() in index:
        return index[match.group(1).casefold()]
    return index.get(value.casefold())


def _required() -> list[str]:
    return [
        "item_id",
        "text_hash",
        "item",
        "kind",
        "country",
        "not_an_item",
        *(f"theme:{t}" for t in load_taxonomy().ids("themes")),
        *(f"action:{a}" for a in load_taxonomy().ids("actions")),
    ]


def read_corrections(path: str | Path, reviewer: str, date: str) -> tuple[int, list[Correction]]:
    """Check every cell of a corrected workbook or CSV; (rows read, corrections) or raise
    `ReviewInputError` listing every bad cell."""
    path = Path(path)
    header, body = _read_table(path)
    problems: list[str] = []
    missing = [key for key in _required() if key not in header]
    tax = load_taxonomy()
    known = {f"theme:{t}" for t in tax.ids("themes")} | {f"action:{a}" for a in tax.ids("actions")}
    from openpyxl.utils import get_column_letter

    for j, key in enumerate(header):
        if key.startswith(("theme:", "action:")) and key not in known:
            name = "theme" if key.startswith("theme:") else "action"
            problems.append(
                f"row 1, column {get_column_letter(j + 1)}: unknown {name} {key.split(':', 1)[1]!r}"
                f" (known: {', '.join(tax.ids(name + 's'))})"
            )
    if missing:
        problems.append(
            f"row 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            "(export a fresh workbook with `pipeline review export`)"
        )
    if problems:
        raise ReviewInputError(path, problems)

    cells = _Cells(header, problems)
    countries = _country_index()
    seen: dict[str, int] = {}
    out: list[Correction] = []
    rows = 0
    for row, values in body:
        if not any(_text(v) for v in values):
            continue
        rows += 1
        cells.start(row, values)
        renditions = _renditions(cells, seen)
        correction = _row_correction(cells, countries, seen, reviewer, date)
        if correction is not None:
            out.append(correction)
            out.extend(_for_rendition(correction, r) for r in renditions)
    if problems:
        raise ReviewInputError(path, problems)
    return rows, out


def _renditions(cells: _Cells, seen: dict[str, int]) -> list[dict[str, Any]]:
    """The other renditions' items of a row (hidden column `renditions`), checked."""
    if "renditions" not in cells.at or not cells.raw("renditions"):
        return []
    try:
        members = json.loads(cells.raw("renditions"))
        assert isinstance(members, list) and all(isinstance(m, dict) for m in members)
        for m in members:
            assert re.fullmatch(r"[0-9a-f]{16}", str(m.get("item_id", "")))
            assert re.fullmatch(r"[0-9a-f]{16}", str(m.get("text_hash", "")))
    except (ValueError, AssertionError):
        cells.bad("renditions", "altered list of renditions (do not edit hidden columns)")
        return []
    out = []
    for m in members:
        if m["item_id"] in seen:
            cells.bad("renditions", f"the same item as row {seen[m['item_id']]}")
            continue
        seen[m["item_id"]] = cells.row
        out.append(m)
    return out


def _for_rendition(correction: Correction, member: dict[str, Any]) -> Correction:
    """The row's correction, stored for the same item in another rendition of the document
    (corrections are matched by item id, or by text hash within one file)."""
    return correction.model_copy(
        update={
            "item_id": member["item_id"],
            "text_hash": member["text_hash"],
            "source": source_name(member.get("source")),
            "text": member.get("text") or correction.text,
            "context": list(member.get("context") or []),
            "section": list(member.get("section") or []),
        }
    )


def _row_correction(
    cells: _Cells, countries: dict[str, str], seen: dict[str, int], reviewer: str, date: str
) -> Correction | None:
    tax = load_taxonomy()
    start = len(cells.problems)
    item_id = cells.raw("item_id")
    if not re.fullmatch(r"[0-9a-f]{16}", item_id):
        cells.bad("item_id", "missing or altered item id (rows cannot be added by hand)")
    elif item_id in seen:
        cells.bad("item_id", f"the same item as row {seen[item_id]}")
    else:
        seen[item_id] = cells.row
    hashed = cells.raw("text_hash")
    if not re.fullmatch(r"[0-9a-f]{16}", hashed):
        cells.bad("text_hash", "missing or altered text hash")
    try:
        before = json.loads(cells.raw("item"))
        state = ItemState.model_validate(before)
    except (ValueError, ValidationError):
        cells.bad("item", "missing or altered item record (do not edit hidden columns)")
        before, state = {}, None
    kind = cells.raw("kind").casefold().replace(" ", "_")
    if kind not in KINDS:
        cells.bad("kind", f"{cells.raw('kind')!r} is not priority or next_step")
    country_text = cells.raw("country")
    if state is not None and country_text == _country_cell(state.country):
        country: str | None = state.country or GLOBAL  # unchanged, even if not in the list
    else:
        country = _parse_country(country_text, countries) if country_text else GLOBAL
    if country is None:
        cells.bad("country", f"unknown country {country_text!r} (choose from the list)")
    not_an_item = cells.yes("not_an_item")
    confirm = cells.yes("confirm") if "confirm" in cells.at else False
    labels = {
        name: [label for label in tax.ids(name) if cells.yes(f"{name[:-1]}:{label}")]
        for name in ("themes", "actions")
    }
    note = cells.raw("note") if "note" in cells.at else ""
    if len(cells.problems) > start or state is None:
        return None

    changes: dict[str, Any] = {}
    if kind != state.kind:
        changes["kind"] = kind
    if (None if country == GLOBAL else country) != state.country:
        changes["country"] = country
    for name in ("themes", "actions"):
        if set(labels[name]) != set(getattr(state, name)):
            changes[name] = labels[name]
    if not (changes or not_an_item or confirm or note):
        return None
    return Correction(
        item_id=item_id,
        text_hash=hashed,
        source=source_name(before.get("source")),
        text=before.get("text", ""),
        context=before.get("context", []),
        section=before.get("section", []),
        not_an_item=bool(not_an_item),
        note=note.removeprefix("'") or None,
        reviewer=reviewer,
        date=date,
        before=state,
        **changes,
    )


def apply_review(
    path: str | Path,
    corrections_path: str | Path = DEFAULT_CORRECTIONS,
    reviewer: str | None = None,
    date: str | None = None,
) -> ApplyReport:
    """Read a corrected workbook or CSV and merge its corrections into `corrections_path`.

    Every cell is checked before anything is written; the corrections file is replaced
    atomically, so it holds either all of the file's corrections or none of them.
    """
    reviewer = reviewer or _default_reviewer()
    date = date or Date.today().isoformat()
    rows, new = read_corrections(path, reviewer, date)
    old = load_corrections(corrections_path)
    merged = merge_corrections(old, new)
    if new:
        save_corrections(corrections_path, merged)
    return ApplyReport(rows=rows, corrections=new, stored=len(merged), path=Path(corrections_path))


def _default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"
