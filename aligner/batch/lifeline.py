"""Worker processes that die with their parent, even when the parent is killed with SIGKILL.

On Linux the kernel does it (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); everywhere a daemon thread
also watches the parent's pid and ends the worker when it changes (the worker was re-parented).
Without this a killed batch leaves its workers running (about 1 GB each), writing parts that race
with the next run.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5


def _set_pdeathsig() -> bool:
    """Ask the Linux kernel to SIGKILL this process when its parent dies; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    event = threading.Event()
    while not event.wait(WATCH_SECONDS):
        if os.getppid() != parent:
            os._exit(1)  # the batch that started us is gone: stop at once, write nothing more


def die_with_parent(parent: int) -> None:
    """Make this (worker) process end when process ``parent`` ends; call first thing in the worker."""
    _set_pdeathsig()
    if os.getppid() != parent:  # the parent died before the kernel could be told
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="aligner-parent-watch", daemon=True).start()
