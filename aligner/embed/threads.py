"""How many threads one process should compute with: the cores it is given, never more.

Two aligner processes that each start torch (or ONNX Runtime) with every core of the machine
fight over them and run several times slower than half speed; so the default is the cores this
process may really use: its CPU affinity, capped by a cgroup CPU quota (containers, systemd
slices) and by ``OMP_NUM_THREADS`` when that is set.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Optional

from aligner.errors import ModelError

log = logging.getLogger(__name__)

CGROUP_ROOT = Path("/sys/fs/cgroup")


def affinity_cores() -> int:
    """CPUs in this process's affinity mask (``os.cpu_count()`` where that is not available)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def cgroup_quota_cores(root: Optional[Path] = None) -> Optional[int]:
    """Whole cores allowed by the cgroup CPU quota (v2 ``cpu.max``, else v1 ``cpu.cfs_quota_us``),
    at least 1; None when there is no quota or no cgroup file."""
    root = CGROUP_ROOT if root is None else root
    try:
        fields = (root / "cpu.max").read_text(encoding="ascii").split()
    except OSError:
        fields = []
    if len(fields) == 2 and fields[0] != "max":
        return _cores(fields[0], fields[1])
    if fields:
        return None  # cgroup v2 without a quota
    try:
        q = (root / "cpu" / "cpu.cfs_quota_us").read_text(encoding="ascii").strip()
        p = (root / "cpu" / "cpu.cfs_period_us").read_text(encoding="ascii").strip()
    except OSError:
        return None
    return _cores(q, p)


def _cores(quota: str, period: str) -> Optional[int]:
    try:
        q, p = int(quota), int(period)
    except ValueError:
        return None
    if q <= 0 or p <= 0:  # v1 writes -1 for "no quota"
        return None
    return max(1, q // p)  # a fraction of a core more is not worth a thread that gets throttled


def omp_threads() -> Optional[int]:
    """``OMP_NUM_THREADS`` as a positive integer (its first entry), else None."""
    raw = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def available_cores(root: Optional[Path] = None) -> int:
    """The cores this process may use: affinity, capped by the cgroup quota and OMP_NUM_THREADS."""
    limits = [affinity_cores(), cgroup_quota_cores(root), omp_threads()]
    return min(n for n in limits if n is not None)


def resolve_threads(threads: Optional[int] = None) -> int:
    """``threads`` when given (a positive integer), else :func:`available_cores`."""
    if threads is None:
        return available_cores()
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ModelError(f"threads must be a positive integer, got {threads!r}")
    return threads


def apply_torch_threads(threads: int) -> None:
    """Make torch compute with ``threads`` threads (process wide); inter-op stays at 1 where it
    can still be set, since one encoder call is one graph."""
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    try:
        if torch.get_num_interop_threads() != 1:
            torch.set_num_interop_threads(1)
    except RuntimeError:  # already set, or parallel work has started: harmless
        pass


def split_cores(cores: int, workers: Optional[int] = None, threads: Optional[int] = None) -> tuple[int, int]:
    """(workers, threads per worker) for ``cores`` cores with workers × threads <= cores.

    Neither given: one single-threaded worker per core.  One given: the other fills the cores.
    Both given and too many: threads shrink first, then workers (a one-line warning says so).
    """
    cores = max(1, int(cores))
    if workers is None:
        threads = min(threads or 1, cores)
        return max(1, cores // threads), threads
    workers = max(1, int(workers))
    if workers > cores:
        log.warning("%d workers on %d cores: using %d workers of 1 thread", workers, cores, cores)
        return cores, 1
    fit = max(1, cores // workers)
    if threads is not None and threads > fit:
        log.warning("%d workers x %d threads exceed %d cores: using %d threads per worker", workers, threads, cores, fit)
    return workers, min(threads or fit, fit)
