"""Search bands for the DP: the full grid for small documents, or a corridor around a coarse path.

The coarse path comes from aligning block-averaged embeddings (blocks of ``factor`` sentences);
the fine DP then only visits cells within ``radius`` sentences of it, so time and memory grow
linearly with document length.
"""
from __future__ import annotations

import numpy as np


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Every cell of the ``(n + 1) x (m + 1)`` grid."""
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)


def block_sums(values: np.ndarray, factor: int) -> np.ndarray:
    """Sum consecutive blocks of ``factor`` rows (the last block may be shorter)."""
    n = len(values)
    starts = np.arange(0, n, factor)
    return np.add.reduceat(values, starts, axis=0) if n else values[:0]


def band_around(
    coarse_beads: list[tuple[int, int, int, int]], factor: int, n: int, m: int, radius: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fine band covering every coarse bead's rectangle, widened by ``radius`` sentences."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for i0, i1, j0, j1 in coarse_beads:
        r0, r1 = max(i0 * factor - radius, 0), min(i1 * factor + radius, n)
        c0, c1 = max(j0 * factor - radius, 0), min(j1 * factor + radius, m)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], c0)
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], c1)
    lo[0], hi[n] = 0, m
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    return lo, hi
