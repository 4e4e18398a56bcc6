"""How far a bead's length ratio is from its document's: the evidence of a split or re-cut sentence."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .near import Span


def length_mismatch(
    spans: Sequence[Span], src_len: np.ndarray, tgt_len: np.ndarray
) -> Callable[[int, int, int, int], float]:
    """How far a bead's character-length ratio is from the document's (over the pairs of ``spans``),
    as ``|log(target / (ratio * source))|`` with one character of smoothing."""
    pairs = [(i0, i1, j0, j1) for i0, i1, j0, j1 in spans if i1 > i0 and j1 > j0]
    src_total = sum(float(src_len[i0:i1].sum()) for i0, i1, _, _ in pairs)
    tgt_total = sum(float(tgt_len[j0:j1].sum()) for _, _, j0, j1 in pairs)
    ratio = tgt_total / max(src_total, 1.0)

    def mismatch(i0: int, i1: int, j0: int, j1: int) -> float:
        return abs(float(np.log((tgt_len[j0:j1].sum() + 1) / (ratio * src_len[i0:i1].sum() + 1))))

    return mismatch
