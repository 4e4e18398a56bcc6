"""vecalign's cost and DP (Thompson & Koehn 2019), re-implemented for documents of benchmark size.

Cost of an a-b bead: ``2ab (1 - cos) / (norm_x + norm_y)``, where a window's norm is 1 minus its
mean cosine to a random sample of the other side's windows; bead types are all a-b with a + b ≤ 4;
the deletion penalty is the 20th percentile of random 1-1 costs. Documents here are short enough for
vecalign's exact DP (it only downsamples above 300 sentences), so no recursion is needed.
"""
from __future__ import annotations

import numpy as np

BeadList = list[tuple[tuple[int, ...], tuple[int, ...]]]


def _norms(vecs: np.ndarray, other: np.ndarray, rng: np.random.Generator, samples: int = 100) -> np.ndarray:
    sizes, m, dim = other.shape
    per = int(np.ceil(samples / sizes))
    sample = np.concatenate([other[k, rng.integers(0, m, per)] for k in range(sizes)])
    return 1.0 - (vecs @ sample.T).mean(axis=-1)


def align(src_vecs: np.ndarray, tgt_vecs: np.ndarray, max_size: int = 4, del_frac: float = 0.2, seed: int = 0) -> BeadList:
    """Minimum-cost monotonic alignment of two documents given overlap embeddings ``(k, n, d)``."""
    n, m = src_vecs.shape[1], tgt_vecs.shape[1]
    if n == 0 or m == 0:
        return [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]
    rng = np.random.default_rng(seed)
    norm_s, norm_t = _norms(src_vecs, tgt_vecs, rng), _norms(tgt_vecs, src_vecs, rng)
    cost11 = 2.0 * (1.0 - src_vecs[0] @ tgt_vecs[0].T) / (1e-6 + norm_s[0][:, None] + norm_t[0][None, :])
    del_pen = float(np.quantile(cost11.ravel(), del_frac))
    types = [(a, b) for a in range(1, max_size) for b in range(1, max_size) if a + b <= max_size]
    D = np.full((n + 1, m + 1), np.inf)
    back = np.zeros((n + 1, m + 1, 2), dtype=np.int64)
    D[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, arg = np.inf, (0, 0)
            if i > 0 and D[i - 1, j] + del_pen < best:
                best, arg = D[i - 1, j] + del_pen, (1, 0)
            if j > 0 and D[i, j - 1] + del_pen < best:
                best, arg = D[i, j - 1] + del_pen, (0, 1)
            for a, b in types:
                if a <= i and b <= j:
                    cos = float(src_vecs[a - 1, i - 1] @ tgt_vecs[b - 1, j - 1])
                    c = 2.0 * a * b * (1.0 - cos) / (1e-6 + norm_s[a - 1, i - 1] + norm_t[b - 1, j - 1])
                    if D[i - a, j - b] + c < best:
                        best, arg = D[i - a, j - b] + c, (a, b)
            D[i, j], back[i, j] = best, arg
    beads, i, j = [], n, m
    while i > 0 or j > 0:
        a, b = back[i, j]
        beads.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    return beads[::-1]
