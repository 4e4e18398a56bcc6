"""The banded DP's forward scores and back-pointers, cell by cell, and the slack's row blocks."""
from __future__ import annotations

import numpy as np
import pytest

from aligner.align import slack
from aligner.align.dp import banded_dp, best_scores, pair_types


def _problem(rng: np.random.Generator, n: int, m: int, radius: int, types):
    """A random band around the diagonal and gains on a grid of quarters (exact sums, so ties are real)."""
    centre = np.round(np.arange(n + 1) * m / n).astype(int)
    lo = np.maximum.accumulate(np.maximum(centre - radius, 0))
    hi = np.maximum.accumulate(np.minimum(centre + radius, m))
    lo[0], hi[-1] = 0, m
    table = {i: rng.integers(-8, 8, size=(len(types), int(hi[i] - lo[i]) + 1)) / 4.0 for i in range(1, n + 1)}
    for g in table.values():
        g[rng.random(g.shape) < 0.2] = -np.inf
    skip_src, skip_tgt = rng.integers(-4, 1, size=n) / 4.0, rng.integers(-4, 1, size=m) / 4.0
    return lo, hi, table, skip_src, skip_tgt


def _reference(lo, hi, types, table, skip_src, skip_tgt):
    """The DP cell by cell: the first bead type (1-0 first) with a strictly better total wins, then 0-1 beads."""
    all_types = [(1, 0)] + list(types)
    D, BP = {}, {}
    for i in range(len(lo)):
        for j in range(int(lo[i]), int(hi[i]) + 1):
            best, code = (0.0 if i == j == 0 else -np.inf), -1
            for t, (a, b) in enumerate(all_types):
                if i == 0 or (i - a, j - b) not in D:
                    continue
                gain = skip_src[i - 1] if t == 0 else table[i][t - 1, j - int(lo[i])]
                if D[i - a, j - b] + gain > best:
                    best, code = D[i - a, j - b] + gain, t
            if (i, j - 1) in D and D[i, j - 1] + skip_tgt[j - 1] > best:
                best, code = D[i, j - 1] + skip_tgt[j - 1], len(all_types)
            D[i, j], BP[i, j] = best, code
    return D, BP


@pytest.mark.parametrize("seed", range(6))
def test_best_scores_match_the_cell_by_cell_dp(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(8, 25)), int(rng.integers(8, 25))
    types = pair_types(int(rng.integers(2, 5)))
    lo, hi, table, skip_src, skip_tgt = _problem(rng, n, m, int(rng.integers(1, 5)), types)
    D, BP = best_scores(lo, hi, types, lambda i, jlo, jhi: table[i], skip_src, skip_tgt)
    want_d, want_bp = _reference(lo, hi, types, table, skip_src, skip_tgt)
    for i in range(n + 1):
        js = range(int(lo[i]), int(hi[i]) + 1)
        assert list(D[i]) == [want_d[i, j] for j in js]
        assert list(BP[i]) == [want_bp[i, j] if np.isfinite(want_d[i, j]) else -1 for j in js]


def test_slack_is_the_same_whatever_the_row_blocks(monkeypatch):
    rng = np.random.default_rng(7)
    n, m = 30, 27
    types = pair_types(3, 5)
    lo, hi, table, skip_src, skip_tgt = _problem(rng, n, m, 3, types)
    if not np.isfinite(best_scores(lo, hi, types, lambda i, jlo, jhi: table[i], skip_src, skip_tgt)[0][n][-1]):
        pytest.fail("the test band must reach the end")

    class Scorer:
        max_size = 3

        def __init__(self):
            self.types = types

        def row_gains(self, i, jlo, jhi):
            return table[i]

    whole = slack.window_slack(Scorer(), (lo, hi), skip_src, skip_tgt)
    monkeypatch.setattr(slack, "_BLOCK", 4)
    blocks = slack.window_slack(Scorer(), (lo, hi), skip_src, skip_tgt)
    assert all(np.array_equal(a, b) for a, b in zip(whole, blocks))
    assert np.isfinite(whole[0]).sum() > n // 2  # most 1-sentence windows are on some pair bead
    path = banded_dp(lo, hi, types, lambda i, jlo, jhi: table[i], skip_src, skip_tgt)
    for i0, i1, j0, j1 in path:  # the best path's own pair beads have no slack
        if i1 > i0 and j1 > j0:
            assert whole[0][i1 - i0 - 1, i1] == 0.0
