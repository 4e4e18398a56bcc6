"""Output-path checks, made before any work: a writable folder, a regular file (or nothing) at the
path, and never one of the inputs (compared by inode, so symlinks and hard links are seen through)."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable, Union

from ..errors import ExportError

PathLike = Union[str, "os.PathLike[str]"]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def same_file(a: PathLike, b: PathLike) -> bool:
    """True when ``a`` and ``b`` name the same file (same inode, or the same resolved path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


def check_output(path: PathLike, inputs: Iterable[PathLike] = (), what: str = "output") -> Path:
    """Raise ExportError (one line) unless ``path`` can be written safely; returns it, ``~`` expanded.

    Refused: a path that is one of ``inputs``; a symbolic link, folder, device, pipe or socket at
    the path (only a regular file is replaced); a missing, non-folder or unwritable parent folder.
    """
    target = Path(path).expanduser()
    for source in inputs:
        if same_file(target, source):
            raise ExportError(f"cannot write {target}: it is the input {source}; choose another {what} path")
    try:
        st = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {(exc.strerror or str(exc)).lower()}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise ExportError(f"cannot write {target}: it is a symbolic link (refusing to replace it)")
        if not stat.S_ISREG(st.st_mode):
            raise ExportError(f"cannot write {target}: it is {_kind(st.st_mode)}, not a regular file")
    folder = target.parent
    if not folder.exists():
        raise ExportError(f"cannot write {target}: folder {folder} does not exist")
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {target}: folder {folder} is not writable")
    return target


def check_outputs(paths: Iterable[PathLike], inputs: Iterable[PathLike] = ()) -> None:
    """:func:`check_output` for each of ``paths``, which must also differ from each other."""
    inputs = list(inputs)
    seen: list[Path] = []
    for path in paths:
        target = check_output(path, inputs)
        for other in seen:
            if same_file(target, other):
                raise ExportError(f"cannot write {target} twice: two outputs name the same file")
        seen.append(target)
