"""The process's umask, read without changing it: what a file created here would lose from its mode."""
from __future__ import annotations

import os


def current_umask() -> int:
    """The umask, from /proc where it is shown (changing it, even for a moment, races other threads
    creating files), else set and restored."""
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
