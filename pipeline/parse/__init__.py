"""Parse a file of any supported format into one `Document`.

Each format module exposes `parse(path, data, settings) -> Parsed`; this module detects the
format from the bytes, calls the right one, and numbers the blocks (`p3-b7`, `s2-b4`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.config import Settings
from pipeline.errors import (
    MEMORY_HINT,
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    ImageOnlyError,
    PipelineError,
    ResourceLimitError,
)
from pipeline.fileio import path_text
from pipeline.models import Block, BlockKind, Document, Format
from pipeline.parse.common import BOLD_HEADING_LEVEL, Parsed, asks, nest_sub_lists, opens_box
from pipeline.parse.detect import detect_format
from pipeline.textnorm import fold

Parser = Callable[[Path, bytes, Settings], Parsed]


def _parser_for(fmt: Format) -> Parser:
    # Imported lazily: pdfplumber and python-pptx cost time to import and each run needs few.
    if fmt == "pdf":
        return parse_pdf
    if fmt == "pptx":
        from pipeline.parse import pptx

        return pptx.parse
    if fmt == "docx":
        from pipeline.parse import docx

        return docx.parse
    if fmt == "html":
        from pipeline.parse import html

        return html.parse
    from pipeline.parse import text

    return text.parse


PDF_ENGINES = ("pdfium", "pdfplumber")
# Which error to report when both PDF engines fail: the most specific one.
_PDF_ERROR_RANK = {EncryptedFileError: 3, ImageOnlyError: 2, EmptyFileError: 1, CorruptFileError: 0}


def _pdf_engine(name: str) -> Parser:
    if name == "pdfium":
        from pipeline.parse import pdfium

        return pdfium.parse
    from pipeline.parse import pdf

    return pdf.parse


def parse_pdf(path: Path, data: bytes, settings: Settings) -> Parsed:
    """Parse a PDF with `settings.pdf_engine`, then with the other engine when the first
    cannot open the file or finds no text (broken, encrypted in a way it does not support,
    empty, images only). Limits are not retried. When both fail, the most specific error is
    raised, its hint naming both engines and what each said."""
    first = settings.pdf_engine
    order = (first, *(e for e in PDF_ENGINES if e != first))
    failures: list[tuple[str, PipelineError | None]] = []
    for engine in order:
        try:
            return _pdf_engine(engine)(path, data, settings)
        except (ResourceLimitError, RecursionError, MemoryError):
            raise
        except (CorruptFileError, EmptyFileError, EncryptedFileError, ImageOnlyError) as exc:
            failures.append((engine, exc))
        except PipelineError:
            raise
        except Exception as exc:
            if type(exc).__name__ == "Unsafe":  # pdfium must not read this file
                failures.append((engine, None))
                continue
            failures.append(
                (engine, CorruptFileError(path, f"the {engine} reader failed ({_brief(exc)})"))
            )
    return _raise_pdf_failure(path, failures)


def _brief(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _raise_pdf_failure(path: Path, failures: list[tuple[str, PipelineError | None]]) -> Parsed:
    errors = [(engine, exc) for engine, exc in failures if exc is not None]
    # The most specific error; between equals, the one of the engine tried last.
    _, chosen = max(reversed(errors), key=lambda item: _PDF_ERROR_RANK.get(type(item[1]), 0))
    tried = "; ".join(f"{name}: {exc.reason}" for name, exc in errors)
    skipped = [name for name, exc in failures if exc is None]
    if skipped:
        tried += "; " + ", ".join(skipped) + ": not tried (the file is unsafe for it)"
    hint = f"{chosen.hint} Both PDF readers were tried ({tried})."
    raise type(chosen)(path, chosen.reason, hint)


def read_input(path: Path, settings: Settings) -> bytes:
    """Read a file's bytes within the size limit, as a `PipelineError` on failure."""
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise ResourceLimitError(
                path, f"the file is {size:,} bytes, over the limit of {settings.max_file_bytes:,}"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise PipelineError(path, "no such file") from None
    except IsADirectoryError:
        raise PipelineError(path, "this is a folder, not a file") from None
    except PermissionError:
        raise PipelineError(path, "the file cannot be read (permission denied)") from None


def check_size(path: Path, data: bytes, settings: Settings) -> bytes:
    """`data` when it is within the file size limit, else the same error `read_input` gives."""
    if len(data) > settings.max_file_bytes:
        raise ResourceLimitError(
            path, f"the file is {len(data):,} bytes, over the limit of {settings.max_file_bytes:,}"
        )
    return data


def parse_file(
    path: str | Path, settings: Settings | dict | None = None, data: bytes | None = None
) -> Document:
    """Parse `path` into a `Document`, raising only `PipelineError` subclasses.

    `data`, when given, is the file's bytes already read (a Dask worker that was sent them);
    `path` then only names the document (its `source` and the file in error messages).
    """
    path = Path(path)
    settings = Settings.resolve(settings)
    data = read_input(path, settings) if data is None else check_size(path, data, settings)
    try:
        fmt = detect_format(path, data)
    except PipelineError:
        raise
    except Exception as exc:  # a reader used to sniff the format failed on damaged bytes
        raise CorruptFileError(
            path, f"the file's format cannot be recognised ({type(exc).__name__}: {exc})"
        ) from exc
    try:
        parsed = _parser_for(fmt)(path, data, settings)
    except PipelineError:
        raise
    except RecursionError:
        raise ResourceLimitError(path, "the file's structure is nested too deeply") from None
    except MemoryError:
        raise ResourceLimitError(
            path, "reading the file needs more memory than is available", MEMORY_HINT
        ) from None
    except Exception as exc:  # third-party readers raise anything on malformed input
        raise CorruptFileError(
            path, f"the {fmt} reader failed ({type(exc).__name__}: {str(exc)[:200]})"
        ) from exc
    return Document(
        id=hashlib.sha256(data).hexdigest(),
        source=path_text(path),
        format=fmt,
        page_count=parsed.page_count,
        title=parsed.title,
        metadata=parsed.metadata,
        blocks=number_blocks(
            sub_lists(
                question_headings(titled_cells(form_tables(drop_repeated_furniture(parsed))))
            ),
            prefix="s" if fmt == "pptx" else "p",
        ),
    )


def sub_lists(parsed: Parsed) -> Parsed:
    """Runs of list items numbered in another style under an item ending with ':' are its
    sub-list (`nest_sub_lists`), in every format."""
    blocks = nest_sub_lists(parsed.blocks)
    if blocks == parsed.blocks:
        return parsed
    return Parsed(blocks, parsed.page_count, parsed.title, parsed.metadata)


def drop_repeated_furniture(parsed: Parsed) -> Parsed:
    """Drop short lines repeated on many pages (footers and headers typed into text boxes).

    A line counts as furniture when the same text stands on at least 3 pages and on at
    least 40% of them; titles and headings are kept (a deck may repeat a slide title), and so
    is a line that opens a box holding more text on most of its pages: the "Priorities" and
    "Next steps" titles of the two boxes on every country slide, where a footer stands alone.
    """
    if parsed.page_count < 3:
        return parsed
    pages_by_text: dict[str, set[int]] = {}
    titles_box: dict[str, int] = {}
    for n, block in enumerate(parsed.blocks):
        if (
            block.kind in (BlockKind.title, BlockKind.heading)
            or block.table is not None  # a table's cells are content, however often repeated
            or len(block.text.split()) > 15
        ):
            continue
        key = block.text.strip().lower()
        pages_by_text.setdefault(key, set()).add(block.page)
        if opens_box(parsed.blocks, n):
            titles_box[key] = titles_box.get(key, 0) + 1
    threshold = max(3, 0.4 * parsed.page_count)
    furniture = {
        text
        for text, pages in pages_by_text.items()
        if len(pages) >= threshold and titles_box.get(text, 0) * 2 < len(pages)
    }
    if not furniture:
        return parsed
    kept = [
        b for b in parsed.blocks if b.table is not None or b.text.strip().lower() not in furniture
    ]
    return Parsed(kept, parsed.page_count, parsed.title, parsed.metadata)


_FORM_LABEL_WORDS = 8  # a form's field label is short ...
_FORM_VALUE_RATIO = 2.0  # ... and its values are, on average, at least twice as long


@lru_cache(maxsize=1)
def _column_words() -> frozenset[str]:
    """Words that name a table column ('Action', 'Lead', 'Deadline'; vocab/cues.json)."""
    data = json.loads(resources.files("pipeline.vocab").joinpath("cues.json").read_text("utf-8"))
    words: set[str] = set()
    for value in data["table"].values():
        lists = value.values() if isinstance(value, dict) else [value]
        for entries in lists:
            if isinstance(entries, list):
                words.update(fold(e, accents=True).strip() for e in entries if isinstance(e, str))
    return frozenset(words)


def _table_grids(parsed: Parsed) -> dict[str, dict[tuple[int, int], list[Block]]]:
    """Each table's cells by (row, column), each cell's blocks in reading order."""
    grids: dict[str, dict[tuple[int, int], list[Block]]] = {}
    for block in parsed.blocks:
        if block.table is not None:
            ref = block.table
            grids.setdefault(ref.table_id, {}).setdefault((ref.row, ref.col), []).append(block)
    return grids


def form_tables(parsed: Parsed) -> Parsed:
    """A two-column table of short field labels and longer values ('País | México',
    'Planned activities | ...') is a form: its first row is a field like the others, not a
    header naming the columns. Readers take a first row for a header; here every cell of
    such a table loses the header role, so the Word, PDF and Markdown renditions of a form
    read alike (each value keeps its label as its row's first cell)."""
    forms = {
        table
        for table, grid in _table_grids(parsed).items()
        if _is_form({key: [b.text for b in cell] for key, cell in grid.items()})
    }
    if not forms:
        return parsed
    blocks = []
    for block in parsed.blocks:
        if block.table is not None and block.table.table_id in forms:
            ref = block.table.model_copy(update={"is_header": False, "header": None})
            block = block.model_copy(update={"table": ref})
        blocks.append(block)
    return Parsed(blocks, parsed.page_count, parsed.title, parsed.metadata)


_TITLE_CHARS = 100  # a box title: 'Axe 2 — Protection', 'Pillar B: Prosecution'


def titled_cells(parsed: Parsed) -> Parsed:
    """Boxes side by side that each open with a short bold title over plain paragraphs: a
    one-row table whose cells all read that way (a slide's pillar boxes exported to PDF, a
    Word table laid out as columns). Each title becomes its column's header cell (row 0)
    and the paragraphs under it the row below, as the same boxes are headings over their
    items in the slide deck, so the titles are context, not items."""
    cells = _table_grids(parsed)
    titled = {table for table, grid in cells.items() if _titled_row(grid)}
    if not titled:
        return parsed
    blocks = []
    for block in parsed.blocks:
        ref = block.table
        if ref is not None and ref.table_id in titled:
            title = cells[ref.table_id][(ref.row, ref.col)][0]
            if block is title:
                ref = ref.model_copy(update={"is_header": True, "header": None})
            else:
                ref = ref.model_copy(update={"row": 1, "header": title.text})
            block = block.model_copy(update={"table": ref})
        blocks.append(block)
    return Parsed(blocks, parsed.page_count, parsed.title, parsed.metadata)


def _titled_row(grid: dict[tuple[int, int], list[Block]]) -> bool:
    if len(grid) < 2 or any(row for row, _ in grid):
        return False
    for blocks in grid.values():
        title, rest = blocks[0], blocks[1:]
        if not rest or not title.bold or len(title.text) > _TITLE_CHARS:
            return False
        if all(b.bold for b in rest):
            return False
    return True


_QUESTION_WORDS = 40  # a questionnaire's question, with its instruction


def question_headings(parsed: Parsed) -> Parsed:
    """A list item that asks ('4. What are the priority areas ...? Please list them.') and
    is followed by something that does not ask is a questionnaire's question: it heads its
    answer as a sub-heading, as the plain-text rendition's standalone question does. Word
    numbers its questions as a list; without this its answers sat under the previous
    heading, and a question was judged as an item."""
    blocks = parsed.blocks
    changed = False
    out = []
    for n, block in enumerate(blocks):
        following = blocks[n + 1] if n + 1 < len(blocks) else None
        if (
            block.kind == BlockKind.list_item
            and block.table is None
            and asks(block.text)
            and len(block.text.split()) <= _QUESTION_WORDS
            and following is not None
            and not asks(following.text)
        ):
            block = block.model_copy(
                update={"kind": BlockKind.heading, "heading_level": BOLD_HEADING_LEVEL}
            )
            changed = True
        out.append(block)
    return Parsed(out, parsed.page_count, parsed.title, parsed.metadata) if changed else parsed


def _is_form(grid: dict[tuple[int, int], list[str]]) -> bool:
    if {col for _, col in grid} != {0, 1} or len({row for row, _ in grid}) < 3:
        return False
    labels = [len(" ".join(texts).split()) for (_, col), texts in grid.items() if col == 0]
    values = [len(" ".join(texts).split()) for (_, col), texts in grid.items() if col == 1]
    first = " ".join(grid.get((min(r for r, _ in grid), 0), []))
    return (
        max(labels) <= _FORM_LABEL_WORDS
        and sum(values) / len(values) >= _FORM_VALUE_RATIO * max(1.0, sum(labels) / len(labels))
        and fold(first, accents=True).strip(" :*") not in _column_words()
    )


def number_blocks(parsed: Parsed, prefix: str) -> list:
    """Give each block an id stable within the document: `<prefix><page>-b<n>`.

    The blocks are the parser's own, fresh for this document, so each gets its id in place: a
    `model_copy` per block used to take half of the time of parsing a large text file (and
    doubled its memory while both lists lived). A block object listed twice is copied, so
    every entry still gets an id of its own.
    """
    counters: dict[int, int] = {}
    seen: set[int] = set()
    out = []
    for block in parsed.blocks:
        page = block.page
        n = counters[page] = counters.get(page, 0) + 1
        if id(block) in seen:
            block = block.model_copy()
        seen.add(id(block))
        block.id = f"{prefix}{page}-b{n}"
        out.append(block)
    return out
