"""One pass of the aligner: the banded DP over a scorer's gains, gap filling, and scored beads."""
from __future__ import annotations

from typing import Optional

import numpy as np

from .base import Bead
from .confidence import Calibration
from .dp import DPParams, DPRecord, banded_dp
from .gaps import Span, fill_gaps
from .near import NearMisses
from .scoring import PairScorer

Band = tuple[np.ndarray, np.ndarray]
"""``(lo, hi)``: the target range ``[lo[i], hi[i]]`` the DP visits in each row ``i``."""


class BestMatches:
    """Each sentence's best relative 1-1 similarity seen by the DP: how sure an unaligned one is alone."""

    def __init__(self, n: int, m: int) -> None:
        self.src = np.full(n, -np.inf)
        self.tgt = np.full(m, -np.inf)

    def record(self, i: int, jlo: int, jhi: int, one_one: np.ndarray) -> None:
        """Note the 1-1 similarities of source sentence ``i - 1`` with targets ``jlo - 1 ... jhi - 1``."""
        valid = ~np.isnan(one_one)
        if valid.any():
            self.src[i - 1] = max(self.src[i - 1], np.nanmax(one_one))
            js = np.arange(jlo, jhi + 1)[valid] - 1
            np.maximum.at(self.tgt, js, one_one[valid])


def best_path(
    scorer: PairScorer,
    band: Band,
    src_flag: np.ndarray,
    tgt_flag: np.ndarray,
    dp: DPParams,
    best: Optional[BestMatches] = None,
    near: Optional[NearMisses] = None,
    record: Optional[DPRecord] = None,
) -> list[Span]:
    """One banded DP plus gap filling; records each sentence's best 1-1 similarity into ``best``,
    gap filling's near misses into ``near`` and the DP's gains and scores into ``record``."""

    def row_gains(i: int, jlo: int, jhi: int) -> np.ndarray:
        sim = scorer.similarity(i, jlo, jhi)
        if best is not None:
            best.record(i, jlo, jhi, sim[0])
        return scorer.row_gains(i, jlo, jhi, sim)

    lo, hi = band
    spans = banded_dp(lo, hi, scorer.types, row_gains, dp.skip_gains(src_flag), dp.skip_gains(tgt_flag), record)
    return fill_gaps(spans, scorer, src_flag, tgt_flag, dp.gap_threshold, near)


def scored_beads(
    spans: list[Span],
    scorer: PairScorer,
    cal: Calibration,
    best: BestMatches,
    src_flag: np.ndarray,
    tgt_flag: np.ndarray,
) -> list[Bead]:
    """Beads with calibrated confidences: of the pair for pairs, of "no match" for lone sentences."""
    beads = []
    for i0, i1, j0, j1 in spans:
        src, tgt = tuple(range(i0, i1)), tuple(range(j0, j1))
        if src and tgt:
            score = float(cal.pair(scorer.bead_similarity(i0, i1, j0, j1), scorer.scale, len(src) + len(tgt)))
        elif src:
            score = float(cal.unaligned(best.src[i0], scorer.scale, src_flag[i0]))
        else:
            score = float(cal.unaligned(best.tgt[j0], scorer.scale, tgt_flag[j0]))
        beads.append(Bead(src, tgt, round(score, 6)))
    return beads
