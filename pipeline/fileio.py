"""Writing files so that a crash never leaves a half-written one: temp file, then rename."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

CRASH_ENV = "PIPELINE_CRASH_AT"
_crash = {"count": 0}


def path_text(path: str | Path) -> str:
    """`path` as text that any UTF-8 output can hold.

    A file name that is not valid UTF-8 (Latin-1 names from old archives, say) reaches
    Python with lone surrogates (`'r\\udce9sum\\udce9.md'`), which JSON, CSV and SQLite
    writers refuse; its undecodable bytes become U+FFFD instead. Other names are unchanged.
    """
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def crash_point() -> None:
    """A place where the writers may be killed, for the crash-safety tests.

    With `PIPELINE_CRASH_AT=N` in the environment the process kills itself (SIGKILL) at the
    N-th crash point it reaches; without it this does nothing. Every write step (before and
    after each rename, between the aggregate files, around the generation switch) is one.
    """
    at = os.environ.get(CRASH_ENV)
    if not at:
        return
    _crash["count"] += 1
    if _crash["count"] == int(at):
        os.kill(os.getpid(), signal.SIGKILL)


def reset_crash_points() -> None:
    """Count crash points from zero again (a forked test process inherits its parent's count)."""
    _crash["count"] = 0


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def public_mode() -> int:
    """The mode a plain `open(path, "w")` would give a new file: 0o666 less the umask."""
    return 0o666 & ~current_umask()


def make_temp(path: Path) -> Path:
    """An empty temporary file `.<name>.<random>.tmp` beside `path`, with the mode a new file
    gets from the umask (`mkstemp` alone gives 0600, which other readers could not open)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, public_mode())
    finally:
        os.close(fd)
    return Path(tmp)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), public_mode())
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        crash_point()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    crash_point()


def write_text_atomic(path: str | Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def remove_temp_files(folder: str | Path, name: str = "*") -> list[Path]:
    """Delete the temporary files `write_bytes_atomic` leaves when killed before its rename
    (`.<name>.<random>.tmp`, and SQLite's `-journal` beside one); return what was deleted.

    Only call this while no other process can be writing to `folder` (see `runs.py`).
    """
    folder = Path(folder)
    removed = []
    for pattern in (f".{name}.*.tmp", f".{name}.*.tmp-journal"):
        for path in folder.glob(pattern):
            if path.is_symlink() or path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    return sorted(removed)
