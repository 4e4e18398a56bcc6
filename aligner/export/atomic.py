"""Atomic file writes: a temporary sibling, fsynced, renamed over the target only on success.

Every writer of the project goes through here, so a failed or killed write never leaves a partial
output (nor a temporary file) and an existing file stays as it was.
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Any, Iterator, Union

PathLike = Union[str, "os.PathLike[str]"]


@contextlib.contextmanager
def atomic_file(path: PathLike, binary: bool = False) -> Iterator[IO[Any]]:
    """Yield a stream (UTF-8 text with untranslated newlines, or binary) that replaces ``path`` on success."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb" if binary else "w", encoding=None if binary else "utf-8",
                  newline=None if binary else "") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())


@contextlib.contextmanager
def atomic_path(path: PathLike) -> Iterator[Path]:
    """Like :func:`atomic_file` for writers that want a path of their own (e.g. pyarrow)."""
    target = Path(path)
    mode = new_file_mode(target)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False) as tmp:
        pass
    try:
        yield Path(tmp.name)
        os.chmod(tmp.name, mode)
        os.replace(tmp.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp.name)
        raise
    fsync_folder(target.parent)


def new_file_mode(target: Path) -> int:
    """Mode for the written file: the existing target's, else what ``open()`` would give."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def fsync_folder(folder: Path) -> None:
    """Best effort: make the rename durable (not supported everywhere, e.g. Windows)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
