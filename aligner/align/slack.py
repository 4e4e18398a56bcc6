"""How near the best path each window's beads come: the max-marginals of the banded DP.

The best path through a bead ending at ``(i, j)`` is the best path to its start, the bead, and the
best path from ``(i, j)`` to the end; the latter is the forward DP of the reversed documents. A
window whose beads all lie far below the best path cannot change the alignment unless its text
moves the gain by that much, so the second pass need not encode it.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from .dp import DPRecord, at_range, best_scores
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

    def reversed_gains(ip: int, jlo: int, jhi: int) -> np.ndarray:
        out = np.full((len(types), jhi - jlo + 1), -np.inf)
        jp = np.arange(jlo, jhi + 1)
        for t, (a, b) in enumerate(types):
            r = n - ip + a
            if r > n:
                continue
            idx = m - jp + b - int(lo[r])
            ok = (idx >= 0) & (idx < gains[r].shape[1])
            out[t, ok] = gains[r][t, idx[ok]]
        return out

    bwd, _ = best_scores(rlo, rhi, types, reversed_gains, skip_src[::-1], skip_tgt[::-1])
    best = fwd[n][m - int(lo[n])]
    src = np.full((scorer.max_size, n + 1), np.inf)
    tgt = np.full((scorer.max_size, m + 1), np.inf)
    for i in range(1, n + 1):
        js = np.arange(int(lo[i]), int(hi[i]) + 1)
        back = bwd[n - i][(m - js) - int(rlo[n - i])]
        for t, (a, b) in enumerate(types):
            if a > i:
                continue
            through = at_range(fwd[i - a], int(lo[i - a]), js[0] - b, np.empty(len(js))) + gains[i][t] + back
            slack = np.where(np.isfinite(through), best - through, np.inf)
            src[a - 1, i] = min(src[a - 1, i], slack.min())
            row = tgt[b - 1, js[0] : js[-1] + 1]
            np.minimum(row, slack, out=row)
    return src, tgt
