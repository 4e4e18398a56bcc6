"""Atomic file writes: a temporary sibling, fsynced, renamed over the target only on success.

Every writer of the project goes through here, so a failed or killed write never leaves a partial
output and an existing file stays as it was. A temporary file is named ``.<name>.<pid>-<random>.tmp``:
one left by a process killed with SIGKILL (its pid is gone) is removed by the next write of the
same file (and by the batch's part pruning); SIGTERM is turned into a clean exit by the CLI
(:func:`exit_on_sigterm`), which removes the temporary file at once.
"""
from __future__ import annotations

import contextlib
import glob
import os
import re
import signal
import stat
import tempfile
import time
from pathlib import Path
from typing import IO, Any, Iterator, Union

from aligner.umask import current_umask

PathLike = Union[str, "os.PathLike[str]"]

TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?:(?P<pid>\d+)-)?[A-Za-z0-9_]{6,12}\.tmp$")
OLD_TEMP_SECONDS = 3600
"""A temporary file without a pid in its name (older versions) is stale after this long."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: someone else's live process
        return True
    return True


def is_stale_temp(path: Path) -> bool:
    """True for a temporary file of an atomic write whose writer is gone (killed, crashed)."""
    match = _TEMP_NAME.match(path.name)
    if match is None:
        return False
    if match.group("pid"):
        pid = int(match.group("pid"))
        return pid != os.getpid() and not _pid_alive(pid)
    try:
        return time.time() - path.stat().st_mtime > OLD_TEMP_SECONDS
    except OSError:
        return False


def remove_stale_temps(target: Path) -> int:
    """Remove stale temporary files of earlier writes of ``target``; returns how many."""
    removed = 0
    with contextlib.suppress(OSError):
        for path in target.parent.glob(f".{glob.escape(target.name)}.*{TEMP_SUFFIX}"):
            match = _TEMP_NAME.match(path.name)
            if match is not None and match.group("name") == target.name and is_stale_temp(path):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
    return removed


@contextlib.contextmanager
def exit_on_sigterm(code: int = 143) -> Iterator[None]:
    """Within the block SIGTERM raises ``SystemExit(code)``, so that ``finally`` blocks and atomic writes
    clean up (temporary files removed, outputs untouched) instead of the process vanishing."""
    def handler(signum, frame):
        raise SystemExit(code)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    remove_stale_temps(target)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.{os.getpid()}-", suffix=TEMP_SUFFIX,
                                     delete=False) as tmp:
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
        return 0o666 & ~current_umask()


def fsync_folder(folder: Path) -> None:
    """Best effort: make the rename durable (not supported everywhere, e.g. Windows)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
