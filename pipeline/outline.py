"""A readable outline of a parsed document, for people checking what the parser saw."""

from __future__ import annotations

from pipeline.models import Block, BlockKind, Document


def _block_line(block: Block) -> str:
    indent = "  " * (block.level + 1)
    if block.kind == BlockKind.title:
        return f"  # {block.text}"
    if block.kind == BlockKind.heading:
        return f"  {'#' * (block.heading_level or 2)} {block.text}"
    if block.kind == BlockKind.list_item:
        return f"{indent}{block.marker or '•'} {block.text}"
    if block.kind == BlockKind.table_cell and block.table:
        ref = block.table
        where = f"{ref.table_id} r{ref.row}c{ref.col}"
        header = "header" if ref.is_header else (ref.header or "")
        return f"  [{where} | {header}] {block.text}"
    if block.kind == BlockKind.notes:
        return f"  (notes) {block.text}"
    return f"  {block.text}"


def document_outline(doc: Document) -> str:
    """Render `doc` as indented text: a rule per page or slide, one line per block."""
    unit = "slide" if doc.format == "pptx" else "page"
    lines = [
        f"{doc.source}  ({doc.format}, {doc.page_count} {unit}s, sha256 {doc.id[:12]})",
        f"Title: {doc.title or '-'}",
    ]
    meta = doc.metadata
    if meta.author or meta.created or meta.modified:
        lines.append(f"Author: {meta.author or '-'}  created {meta.created or '-'}")
    page = None
    for block in doc.blocks:
        if block.page != page:
            page = block.page
            lines.append(f"── {unit} {page} " + "─" * 40)
        lines.append(_block_line(block))
    return "\n".join(lines)
