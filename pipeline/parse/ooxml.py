"""What the PowerPoint and Word parsers share: both formats are OOXML zip packages.

`check_package` looks at the zip's directory before python-pptx / python-docx inflate
anything, so that a zip bomb or a package without its main part fails with our own error
instead of exhausting memory or surfacing a library traceback. The rest are small helpers
for package metadata, list numbers and symbol-font bullets.

XML safety: a part that declares a DTD (`<!DOCTYPE ...>`) is refused before python-pptx or
python-docx parse anything. The Open Packaging Conventions forbid DTDs in package parts and
tell readers to treat one as an error (ECMA-376 Part 2, rule M1.18); Office never writes
one, and a DTD is what external entities (XXE) and entity expansion ("billion laughs") need.
Behind that check, python-pptx (1.0) and python-docx (1.2) parse every part with
`lxml.etree.XMLParser(resolve_entities=False)`, lxml does not fetch DTDs or network
resources by default and libxml2 caps entity amplification. The parts read here use a
parser with the same settings.
"""

from __future__ import annotations

import io
import logging
import posixpath
import struct
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree

from pipeline.config import Settings
from pipeline.errors import CorruptFileError, EncryptedFileError, ResourceLimitError
from pipeline.models import DocumentMetadata

log = logging.getLogger(__name__)

MAX_ENTRIES = 10_000
"""Most zip entries a package may list; real decks and reports have a few hundred."""

RATIO_MIN_BYTES = 1 << 20
"""Parts smaller than this may inflate at any ratio: small XML parts compress 50-200x."""

_SNIFF_BYTES = 512
_PROLOG_CHUNK = 1 << 16
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")

_CORE_PROPERTIES_RT = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)
_OFFICE_DOCUMENT_RT = "/officeDocument"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_EOCD = b"PK\x05\x06"

# Titles that authoring tools fill in by default; they say nothing about the document.
_GENERIC_TITLES = frozenset(
    {"powerpoint presentation", "presentation", "document", "word document", "untitled", "slide 1"}
)


def check_package(path: Path, data: bytes, settings: Settings, main_part: str) -> None:
    """Refuse a package that is not a readable zip, would inflate too far or lacks its main part.

    Only the zip directory and `_rels/.rels` are read: the declared sizes bound what zipfile
    will ever inflate (it stops at `file_size` and then fails the CRC check), so checking
    them is enough to stop a zip bomb before python-pptx / python-docx open it.
    """
    entries = _declared_entry_count(data)
    if entries is not None and entries > MAX_ENTRIES:
        raise ResourceLimitError(
            path, f"the package lists {entries:,} files, over the limit of {MAX_ENTRIES:,}"
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise CorruptFileError(path, f"the Office package is not a readable zip ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ResourceLimitError(
                path, f"the package lists {len(infos):,} files, over the limit of {MAX_ENTRIES:,}"
            )
        _check_sizes(path, infos, settings)
        if any(info.flag_bits & 0x1 for info in infos):
            raise EncryptedFileError(path, "the Office package's parts are encrypted")
        names = {info.filename for info in infos}
        if "_rels/.rels" not in names:
            raise CorruptFileError(
                path, "the Office package has no _rels/.rels (the list of its parts)"
            )
        main = _main_part_name(zf) or main_part
        if main not in names:
            raise CorruptFileError(path, f"the Office package has no {main} (its main part)")
        _refuse_dtds(path, zf, infos)


def parse_part_xml(blob: bytes) -> Any:
    """Parse a part's XML with the safe parser (no DTD, entities or network)."""
    return etree.fromstring(blob, _SAFE_PARSER)


def _refuse_dtds(path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a package with a DTD in any XML part (OPC rule M1.18; see the module doc).

    SVG pictures are skipped: they may carry a DOCTYPE legitimately and neither library
    parses them. Only the prolog of each XML part is read, up to its root element.
    """
    for info in infos:
        if info.is_dir() or info.filename.lower().endswith(".svg"):
            continue
        if _declares_dtd(zf, info):
            raise CorruptFileError(
                path,
                f"the part {info.filename} declares a DTD (<!DOCTYPE>), which Office files "
                "never contain (ECMA-376 Part 2, rule M1.18): the file may have been crafted "
                "to make XML readers load local files or expand entities without end",
                "Open and re-save the file in Office, or ask the sender for a clean copy.",
            )


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    parser = etree.XMLPullParser(
        events=("start",), resolve_entities=False, load_dtd=False, no_network=True
    )
    doctype_text, tail = False, b""
    try:
        with zf.open(info) as fh:
            chunk = fh.read(_SNIFF_BYTES)
            if not _looks_like_xml(chunk):
                return False
            while chunk:
                window, tail = tail + chunk, (tail + chunk)[-32:]
                doctype_text = doctype_text or any(
                    "<!DOCTYPE" in window.decode(encoding, "ignore") for encoding in _ENCODINGS
                )
                parser.feed(chunk)
                for _, element in parser.read_events():  # the root element: the prolog is over
                    doc = element.getroottree().docinfo
                    return bool(doc.doctype) or doc.internalDTD is not None
                chunk = fh.read(_PROLOG_CHUNK)
    except etree.XMLSyntaxError:
        return doctype_text  # libxml2 stops at some DTDs by itself (entity amplification)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError):
        return False  # damaged: python-pptx / python-docx will say so in their own words
    return False


def _looks_like_xml(head: bytes) -> bool:
    """UTF-8 or UTF-16 text starting with `<` (OPC allows only these two encodings)."""
    if head.startswith(_BOMS[1:]) or head[:2] in (b"<\x00", b"\x00<"):
        return True
    return head.removeprefix(_BOMS[0]).lstrip(b" \t\r\n").startswith(b"<")


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], settings: Settings) -> None:
    total = sum(info.file_size for info in infos)
    if total > settings.max_unzipped_bytes:
        raise ResourceLimitError(
            path,
            f"the package would inflate to {total:,} bytes, over the limit of "
            f"{settings.max_unzipped_bytes:,} (max_unzipped_bytes)",
        )
    for info in infos:
        if info.file_size < RATIO_MIN_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > settings.max_zip_ratio:
            raise ResourceLimitError(
                path,
                f"the part {info.filename} inflates {ratio:,.0f} times ({info.file_size:,} bytes),"
                f" over the limit of {settings.max_zip_ratio:g} (max_zip_ratio)",
            )


def _declared_entry_count(data: bytes) -> int | None:
    """Entry count from the end-of-central-directory record, read before zipfile builds its
    directory (which costs memory per entry). None when absent or a ZIP64 marker."""
    pos = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if pos < 0 or pos + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, pos + 10)
    return None if count == 0xFFFF else count


def _main_part_name(zf: zipfile.ZipFile) -> str | None:
    """Target of the package's officeDocument relationship, or None when it cannot be read."""
    try:
        root = etree.fromstring(zf.read("_rels/.rels"), _SAFE_PARSER)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, NotImplementedError, OSError):
        return None  # python-pptx / python-docx will report the damage in their own words
    for rel in root:
        target = rel.get("Target") if isinstance(rel.tag, str) else None
        if target and str(rel.get("Type", "")).endswith(_OFFICE_DOCUMENT_RT):
            return posixpath.normpath(unquote(target).lstrip("/"))
    return None


def core_metadata(package: Any) -> tuple[str | None, DocumentMetadata]:
    """Title and metadata from the package's core properties (docProps/core.xml).

    `package` is a python-pptx or python-docx package. Both libraries invent default
    properties ("PowerPoint Presentation", today's date) when the part is missing, so the
    part is looked up by relationship first and a missing one gives empty metadata.
    """
    try:
        part = package.part_related_by(_CORE_PROPERTIES_RT)
        # python-docx wraps the part in a CoreProperties object; python-pptx's part is one.
        props = getattr(part, "core_properties", part)
    except Exception as exc:  # missing or unreadable part: metadata is optional
        log.debug("no core properties: %s", exc)
        return None, DocumentMetadata()
    title = _prop(props, "title")
    if isinstance(title, str):
        title = " ".join(title.split()) or None
    if title and title.lower() in _GENERIC_TITLES:
        title = None
    author = _prop(props, "author")
    author = " ".join(author.split()) if isinstance(author, str) else ""
    return title, DocumentMetadata(
        author=author or None,
        created=_iso(_prop(props, "created")),
        modified=_iso(_prop(props, "modified")),
    )


def _prop(props: Any, name: str) -> Any:
    try:
        return getattr(props, name)
    except Exception:  # a malformed value in core.xml must not sink the document
        return None


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def format_number(n: int, fmt: str) -> str:
    """`n` in a list-numbering format: decimal, lowerRoman, upperLetter, ...

    Names follow Word's `w:numFmt`; PowerPoint's auto-number schemes are mapped onto them.
    Unknown formats fall back to decimal.
    """
    if fmt in ("lowerRoman", "upperRoman"):
        text = to_roman(n)
        return text.lower() if fmt == "lowerRoman" else text
    if fmt in ("lowerLetter", "upperLetter"):
        text = to_letters(n)
        return text.upper() if fmt == "upperLetter" else text
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    return str(n)


def to_roman(n: int) -> str:
    """Upper-case Roman numeral; non-positive numbers stay decimal."""
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, n = divmod(n, value)
        out.append(sym * count)
    return "".join(out)


def to_letters(n: int) -> str:
    """a, b, ... z, aa, bb, ...: Office repeats the letter past z."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


# Bullet characters of the Symbol and Wingdings fonts, as typed (or as private-use code
# points F0xx) -> the Unicode glyph they draw.
_SYMBOL_FONT_BULLETS = {"\u00b7": "•", "o": "o", "§": "▪", "-": "-"}
_WINGDINGS_BULLETS = {
    "§": "▪",
    "ü": "✓",
    "Ø": "➢",
    "v": "❖",
    "q": "❑",
    "n": "■",
    "l": "●",
    "Ÿ": "•",
    "à": "→",
    "è": "➔",
    "ð": "⇨",
    "o": "□",
    "ß": "←",
}


def bullet_glyph(char: str, font: str | None = None) -> str:
    """The glyph a bullet character draws, mapping symbol-font code points to Unicode."""
    if not char:
        return char
    if len(char) == 1 and 0xF000 <= ord(char) <= 0xF0FF:
        char = chr(ord(char) - 0xF000)
        font = font or "Symbol"
    family = (font or "").lower()
    if "wingdings" in family:
        return _WINGDINGS_BULLETS.get(char, "•")
    if "symbol" in family:
        return _SYMBOL_FONT_BULLETS.get(char, "•")
    return char
