"""Monotonic banded dynamic programming over bead types.

The DP maximises the summed gain of beads. Row ``i`` holds cells ``(i, j)`` for ``j`` in
``[lo[i], hi[i]]``: "``i`` source and ``j`` target sentences consumed". Memory and time are
proportional to the band's area, so a narrow band keeps long documents linear.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

RowGains = Callable[[int, int, int], np.ndarray]
"""``row_gains(i, jlo, jhi)`` → array ``(len(pair_types), jhi - jlo + 1)``: gain of a pair bead
of each type ending at ``(i, j)``; ``-inf`` where the bead is impossible."""

NEG = -np.inf


@dataclass(frozen=True)
class DPParams:
    """What the DP gains by leaving sentences unaligned, and when gap filling pairs them anyway."""

    skip_gain: float = 0.0
    """Gain of leaving one sentence unaligned."""
    flag_skip_gain: float = 0.3
    """Gain of leaving a flagged sentence unaligned (instead of ``skip_gain``)."""
    gap_threshold: float = 0.0
    """Relative similarity enough to pair the lone sentences of a gap between two pairs."""

    def skip_gains(self, flags: np.ndarray) -> np.ndarray:
        """Per sentence, the gain of leaving it unaligned."""
        return np.where(flags, self.flag_skip_gain, self.skip_gain)


def pair_types(max_align: int, max_bead: int = 6) -> list[tuple[int, int]]:
    """Bead types with sentences on both sides: 1-1, then 1-k and k-1 up to ``max_align``, then the
    many-to-many types (2-2, 2-3, 3-2, 3-3 ...) with at most ``max_align`` on a side and ``max_bead`` in all."""
    types = [(1, 1)]
    for k in range(2, max_align + 1):
        types += [(1, k), (k, 1)]
    for total in range(4, max_bead + 1):
        for a in range(2, total - 1):
            b = total - a
            if 2 <= b and a <= max_align and b <= max_align and (a, b) not in types:
                types.append((a, b))
    return types


@dataclass
class DPRecord:
    """What a DP run computed, kept for ``slack.window_slack``: the row gains (index ``i``: row ``i``,
    ``None`` first) and the forward best scores (``best_scores``'s first result)."""

    gains: list = field(default_factory=lambda: [None])
    forward: Optional[list] = None


def banded_dp(
    lo: np.ndarray,
    hi: np.ndarray,
    types: Sequence[tuple[int, int]],
    row_gains: RowGains,
    skip_src: np.ndarray,
    skip_tgt: np.ndarray,
    record: Optional[DPRecord] = None,
) -> list[tuple[int, int, int, int]]:
    """Best monotonic path from ``(0, 0)`` to ``(n, m)``; returns beads as ``(i0, i1, j0, j1)`` spans.

    ``types`` are the pair bead types; 1-0 and 0-1 beads are always allowed, with per-sentence
    gains ``skip_src`` (length n) and ``skip_tgt`` (length m). ``lo``/``hi`` (length n + 1,
    non-decreasing, ``lo[0] == 0``, ``hi[n] == m``) bound each row's target range. ``record``
    keeps the row gains and forward scores.
    """
    n, m = len(lo) - 1, int(hi[-1])
    if record is not None:  # keep every row's gains, in order
        inner = row_gains

        def row_gains(i: int, jlo: int, jhi: int) -> np.ndarray:
            gains = inner(i, jlo, jhi)
            record.gains.append(gains)
            return gains

    D, BP = best_scores(lo, hi, types, row_gains, skip_src, skip_tgt)
    if record is not None:
        record.forward = D
    if not np.isfinite(D[n][m - int(lo[n])]):
        raise RuntimeError("alignment band does not reach the end of both documents")
    return _trace(BP, lo, [(1, 0)] + list(types), n, m, len(types) + 1)


def best_scores(lo, hi, types, row_gains, skip_src, skip_tgt) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per row ``i``, the best total gain of a path from ``(0, 0)`` to each cell ``(i, j)`` of the band
    (``-inf`` where none reaches), and its back-pointers (arguments as ``banded_dp``).

    Each row is one gather over every bead type at once (a ``(types, width)`` array read from the
    earlier rows, kept end to end in one buffer with a ``-inf`` cell after each), then ``argmax``: the
    first type reaching the best gain wins, the 1-0 bead first, as a loop over types keeping the
    strictly better one would choose."""
    n = len(lo) - 1
    lo_int = np.asarray(lo, dtype=np.int64)
    widths = np.asarray(hi, dtype=np.int64) - lo_int + 1
    offsets = np.concatenate([[0], np.cumsum(widths + 1)])
    buffer = np.full(int(offsets[-1]), NEG)  # row r at offsets[r] : offsets[r] + widths[r], then -inf
    skip_cum = np.concatenate([[0.0], np.cumsum(skip_tgt, dtype=np.float64)])
    all_types = [(1, 0)] + list(types)
    a_of = np.array([a for a, _ in all_types], dtype=np.int64)
    b_of = np.array([b for _, b in all_types], dtype=np.int64)
    vertical = len(all_types)  # back-pointer code of a 0-1 bead
    columns = np.arange(int(widths.max()))
    D: list[np.ndarray] = []
    BP: list[np.ndarray] = []
    for i in range(n + 1):
        jlo, width = int(lo_int[i]), int(widths[i])
        if i == 0:
            best = np.full(width, NEG)
            bp = np.full(width, -1, dtype=np.int8)
            if jlo == 0:
                best[0] = 0.0
        else:
            gains = row_gains(i, jlo, int(hi[i]))
            t = np.nonzero(a_of <= i)[0] if i < a_of.max() else slice(None)
            rows = i - a_of[t]
            k = (jlo - b_of[t] - lo_int[rows])[:, None] + columns[:width]  # column in the earlier row
            k = np.where((k >= 0) & (k < widths[rows][:, None]), k, widths[rows][:, None])
            cand = buffer[offsets[rows][:, None] + k]
            cand[0] += skip_src[i - 1]
            cand[1:] += gains if isinstance(t, slice) else gains[t[1:] - 1]
            choice = cand.argmax(axis=0)
            best = cand[choice, columns[:width]]
            codes = choice if isinstance(t, slice) else t[choice]
            bp = np.where(best > NEG, codes, -1).astype(np.int8)
        # 0-1 beads inside the row: best[j] = max_k (best[k] + sum skip_tgt[k:j]).
        c = skip_cum[jlo : jlo + width]
        scanned = np.maximum.accumulate(best - c) + c
        from_left = scanned > best + 1e-12
        if from_left.any():
            best = np.where(from_left, scanned, best)
            bp[from_left] = vertical
        row = buffer[offsets[i] : offsets[i] + width]
        row[:] = best
        D.append(row)
        BP.append(bp)
    return D, BP


def _trace(BP, lo, all_types, n, m, vertical) -> list[tuple[int, int, int, int]]:
    """Follow back-pointers from ``(n, m)`` to ``(0, 0)``."""
    beads = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(BP[i][j - int(lo[i])])
        a, b = (0, 1) if t == vertical else all_types[t]
        beads.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    beads.reverse()
    return beads
