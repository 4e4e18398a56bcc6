"""Model folders built once into the user cache: a file lock, a temporary sibling, one rename.

A builder writes the whole folder (a marker file last) into a fresh temporary directory beside
the final one, which is then renamed into place.  A file lock (``filelock``; released by the
OS when its holder dies) makes concurrent processes wait for the first build instead of
repeating it, and means any temporary folder found while holding the lock was left by a killed
build and can go.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Optional, Type

from filelock import FileLock, Timeout

from aligner.errors import ModelError
from aligner.umask import current_umask

log = logging.getLogger(__name__)

CACHE_ENV = "ALIGNER_CACHE_DIR"
LOCK_TIMEOUT_SECONDS = 1800.0
"""How long to wait for another process's build (the int8 build takes about a minute)."""


def cache_root(cache_dir: Optional[Path] = None) -> Path:
    """``cache_dir``, else ``$ALIGNER_CACHE_DIR``, else the platform's user cache dir."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("aligner"))


def read_marker(folder: Path, name: str) -> Optional[dict]:
    """The JSON marker ``name`` of ``folder``, or None when it is missing or unreadable."""
    try:
        marker = json.loads((Path(folder) / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def write_marker(folder: Path, name: str, marker: dict) -> None:
    """Write the marker that proves ``folder`` complete (call it last)."""
    (Path(folder) / name).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def lock_path(final: Path) -> Path:
    """The lock file guarding the build of ``final`` (beside it, kept between builds)."""
    return final.with_name(f"{final.name}.lock")


def build_once(
    final: Path,
    *,
    is_valid: Callable[[Path], bool],
    build: Callable[[Path], None],
    error: Type[ModelError] = ModelError,
) -> Path:
    """Return ``final`` once ``is_valid(final)``, building it with ``build(tmp_folder)`` if needed.

    Concurrent callers (threads or processes) wait on the lock and find the folder built.  An
    invalid folder already at ``final`` is replaced.  OSErrors become ``error`` (one line);
    anything ``build`` raises propagates, leaving no temporary folder behind.
    """
    final = Path(final)
    if is_valid(final):
        return final
    parent = final.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(lock_path(final)), timeout=LOCK_TIMEOUT_SECONDS):
            if is_valid(final):  # built by another process while this one waited
                return final
            _sweep_leftovers(final)
            tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=parent))
            try:
                build(tmp)
                os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp made it private; give it normal permissions
                if final.exists():
                    log.info("replacing the incomplete or outdated model folder %s", final)
                    trash = final.with_name(f".{final.name}.old-{os.getpid()}")
                    os.rename(final, trash)
                    shutil.rmtree(trash, ignore_errors=True)
                os.rename(tmp, final)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
    except Timeout as exc:
        raise error(f"timed out waiting for another process to build {final}") from exc
    except OSError as exc:
        raise error(f"cannot write the model folder {final}: {exc.strerror or exc}") from exc
    if not is_valid(final):
        raise error(f"the model folder {final} is incomplete after building it")
    return final


def _sweep_leftovers(final: Path) -> None:
    """Delete the temporary folders of killed builds (only called while holding the lock)."""
    for p in final.parent.glob(f".{final.name}.*"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
