"""How near the best path each window's beads come: the max-marginals of the banded DP.

The best path through a bead ending at ``(i, j)`` is the best path to its start, the bead, and the
best path from ``(i, j)`` to the end; the latter is the forward DP of the reversed documents. A
window whose beads all lie far below the best path cannot change the alignment unless its text
moves the gain by that much, so the second pass need not encode it.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from .dp import DPRecord, best_scores
from .path import Band
from .scoring import PairScorer


def window_slack(
    scorer: PairScorer, band: Band, skip_src: np.ndarray, skip_tgt: np.ndarray, record: Optional[DPRecord] = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per window, the best path's gain minus that of the best path through a pair bead using it:
    ``(max_size, n + 1)`` for the source, ``(max_size, m + 1)`` for the target (inf: no such bead).
    Gap filling and fragment attachment, which follow the DP, are not modelled. ``record``: the
    gains and forward scores of a DP run with the same arguments, spared here."""
    lo, hi = band
    n, m = len(lo) - 1, int(hi[-1])
    types = scorer.types
    if record is not None and record.forward is not None:
        gains, fwd = record.gains, record.forward
    else:
        gains = [None] + [scorer.row_gains(i, int(lo[i]), int(hi[i])) for i in range(1, n + 1)]
        fwd, _ = best_scores(lo, hi, types, lambda i, jlo, jhi: gains[i], skip_src, skip_tgt)
    rlo, rhi = m - hi[::-1], m - lo[::-1]
    a_of = np.array([a for a, _ in types], dtype=np.int64)
    b_of = np.array([b for _, b in types], dtype=np.int64)
    by_size = [(a, np.nonzero(a_of == a)[0]) for a in np.unique(a_of)]
    lo_int = np.asarray(lo, dtype=np.int64)

    def reversed_gains(ip: int, jlo: int, jhi: int) -> np.ndarray:
        """Row ``ip`` of the reversed documents: the bead ending at reversed ``(ip, jp)`` is the one
        starting at ``(n - ip, m - jp)``, i.e. ending at row ``n - ip + a``, column ``m - jp + b``."""
        out = np.full((len(types), jhi - jlo + 1), -np.inf)
        jp = np.arange(jlo, jhi + 1)
        for a, ts in by_size:  # the types of one source size read one earlier row
            r = n - ip + a
            if r > n:
                continue
            row = gains[r]
            idx = (m - lo_int[r] + b_of[ts])[:, None] - jp
            ok = (idx >= 0) & (idx < row.shape[1])
            out[ts] = np.where(ok, row[ts[:, None], np.where(ok, idx, 0)], -np.inf)
        return out

    bwd, _ = best_scores(rlo, rhi, types, reversed_gains, skip_src[::-1], skip_tgt[::-1])
    best = fwd[n][m - int(lo[n])]
    src = np.full((scorer.max_size, n + 1), np.inf)
    tgt = np.full((scorer.max_size, m + 1), np.inf)
    widths = np.asarray(hi, dtype=np.int64) - lo_int + 1
    starts = np.concatenate([[0], np.cumsum(widths + 1)])  # forward rows end to end, -inf after each
    flat_fwd = np.full(int(starts[-1]), -np.inf)
    for r in range(n + 1):
        flat_fwd[starts[r] : starts[r] + widths[r]] = fwd[r]
    for first in range(1, n + 1, _BLOCK):  # rows [first, last): every bead ending there, type by type
        last = min(n + 1, first + _BLOCK)
        row_widths = widths[first:last]
        row_starts = np.concatenate([[0], np.cumsum(row_widths)[:-1]])  # of each row among the block's cells
        rows = np.repeat(np.arange(first, last), row_widths)
        cols = lo_int[rows] + np.arange(len(rows)) - np.repeat(row_starts, row_widths)
        back = np.concatenate([bwd[n - i][::-1] for i in range(first, last)])  # bwd row n - i runs from column hi[i] down
        block_gains = np.concatenate([gains[i] for i in range(first, last)], axis=1)
        for t, (a, b) in enumerate(types):
            prev = rows - a
            k = cols - b - lo_int[np.maximum(prev, 0)]
            ok = (prev >= 0) & (k >= 0) & (k < widths[np.maximum(prev, 0)])
            through = flat_fwd[np.where(ok, starts[np.maximum(prev, 0)] + k, -1)] + block_gains[t] + back
            slack = np.where(np.isfinite(through), best - through, np.inf)
            src[a - 1, first:last] = np.minimum(src[a - 1, first:last], np.minimum.reduceat(slack, row_starts))
            np.minimum.at(tgt[b - 1], cols, slack)
    return src, tgt


_BLOCK = 256
"""Rows whose beads are weighed together: big enough for numpy to pay, small enough for a long
document's gains not to be copied whole."""
