"""Writing files so that a crash never leaves a half-written one: temp file, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def path_text(path: str | Path) -> str:
    """`path` as text that any UTF-8 output can hold.

    A file name that is not valid UTF-8 (Latin-1 names from old archives, say) reaches
    Python with lone surrogates (`'r\\udce9sum\\udce9.md'`), which JSON, CSV and SQLite
    writers refuse; its undecodable bytes become U+FFFD instead. Other names are unchanged.
    """
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def remove_temp_files(folder: str | Path, name: str = "*") -> list[Path]:
    """Delete the temporary files `write_bytes_atomic` leaves when killed before its rename
    (`.<name>.<random>.tmp`, and SQLite's `-journal` beside one); return what was deleted.

    Only call this while no other process can be writing to `folder` (see `batch.py`).
    """
    folder = Path(folder)
    removed = []
    for pattern in (f".{name}.*.tmp", f".{name}.*.tmp-journal"):
        for path in folder.glob(pattern):
            if path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    return sorted(removed)
