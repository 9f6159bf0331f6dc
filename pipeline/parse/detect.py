"""Recognise a file's format from its bytes, not its name."""

from __future__ import annotations

import codecs
import io
import json
import re
import zipfile
import zlib
from pathlib import Path

from pipeline.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    UnsupportedFormatError,
)
from pipeline.models import Format

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_ERRORS = (zipfile.BadZipFile, ValueError, EOFError, OSError, zlib.error, NotImplementedError)
_MARKDOWN_HINTS = ("\n#", "\n|", "**", "\n- ", "\n* ", "<p>")


def detect_format(path: Path, data: bytes) -> Format:
    """Return the format of `data` (the bytes of `path`) or raise a specific error."""
    if not data.strip():
        raise EmptyFileError(path, "the file is empty")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _detect_ooxml(path, data)
    if data.startswith(_OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise EncryptedFileError(path, "the Office file is password-protected")
        raise UnsupportedFormatError(
            path,
            "this is a legacy binary Office file (.doc/.ppt/.xls)",
            "Save it as .docx or .pptx and run again.",
        )
    text = _as_text(data)
    if text is None:
        raise UnsupportedFormatError(path, "the file is neither a PDF, an Office file nor text")
    if _is_json(text):
        raise UnsupportedFormatError(path, "this is a JSON data file, not a document")
    if looks_like_html(path, text):
        return "html"
    return "markdown" if _looks_like_markdown(path, text) else "text"


def _detect_ooxml(path: Path, data: bytes) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names:
                raise UnsupportedFormatError(path, "the file is a zip archive, not an Office file")
            # Only the start: the part is not yet checked against the zip-bomb limits.
            with zf.open("[Content_Types].xml") as part:
                content_types = part.read(200_000)
    except RuntimeError:  # zipfile: "File is encrypted, password required"
        raise EncryptedFileError(path, "the Office package's parts are encrypted") from None
    except _ZIP_ERRORS as exc:
        # A damaged directory makes zipfile raise more than BadZipFile (a negative seek, say).
        raise CorruptFileError(path, f"the Office package is not a readable zip ({exc})") from None
    if b"presentationml" in content_types:
        return "pptx"
    if b"wordprocessingml" in content_types:
        return "docx"
    raise UnsupportedFormatError(
        path, "the Office package is neither a presentation nor a document"
    )


# Byte-order marks of the UTF-16 and UTF-32 encodings (UTF-32 first: its LE mark starts
# with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _as_text(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if "\x00" in text[:8192] else text
    if b"\x00" in data[:8192]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _is_json(text: str) -> bool:
    """JSON or JSON Lines (gold files, training data) are data, not documents."""
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
        return True
    except ValueError:
        pass
    lines = [line for line in stripped.splitlines()[:50] if line.strip()]
    try:
        return all(isinstance(json.loads(line), dict) for line in lines)
    except ValueError:
        return False


_TAG_SOUP_RE = re.compile(
    r"<\s*(?:!doctype\s+html|html|body|head|h[1-6]|p|div|ul|ol|li|table)\b", re.I
)


def looks_like_html(path: Path, text: str) -> bool:
    """A page of HTML: a doctype or `<html>` at its start, `<html>` and `<body>` near it, or
    an `.html`/`.htm` name and block tags."""
    head = text[:2000].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    if "<html" in head and "<body" in text[:20_000].lower():
        return True
    return path.suffix.lower() in {".html", ".htm", ".xhtml"} and bool(
        _TAG_SOUP_RE.search(text[:20_000])
    )


def _looks_like_markdown(path: Path, text: str) -> bool:
    if path.suffix.lower() in {".md", ".markdown"}:
        return True
    sample = "\n" + text[:20_000]
    return sum(hint in sample for hint in _MARKDOWN_HINTS) >= 2


def decode_text(data: bytes) -> str:
    """Decode a text file's bytes: UTF-16 or UTF-32 with a byte-order mark, UTF-8 with or
    without one, else Windows-1252."""
    return _as_text(data) or ""
