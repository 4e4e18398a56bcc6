"""bertalign's two-pass algorithm (Liu & Zhu 2022), re-implemented from its published description.

Pass 1: each source sentence's top-3 target neighbours (inner product); a 1-1/1-0/0-1 DP inside a
wide diagonal window keeps the path that collects the most neighbour similarity. Pass 2: a DP over
all a-b beads with a + b ≤ 5 (plus 1-0/0-1 at a fixed score of -0.1) inside a window of 5
sentences around that path; a bead scores its windows' cosine minus the mean cosine to the
neighbouring sentences (margin), times the length penalty log2(1 + min/max) of the windows' byte
lengths after scaling by the documents' length ratio.
"""
from __future__ import annotations

import numpy as np

BeadList = list[tuple[tuple[int, ...], tuple[int, ...]]]


def _first_pass(s1: np.ndarray, t1: np.ndarray, top_k: int = 3) -> list[tuple[int, int]]:
    """Cells (i, j) — sentences consumed — of the best 1-1 path over top-k neighbours."""
    n, m = len(s1), len(t1)
    sims = s1 @ t1.T
    k = min(top_k, m)
    top = np.argsort(-sims, axis=1)[:, :k]
    bonus = np.zeros((n, m))
    for i in range(n):
        bonus[i, top[i]] = sims[i, top[i]]
    win = max(250, int(max(n, m) * 0.06))
    D = np.full((n + 1, m + 1), -np.inf)
    back = np.zeros((n + 1, m + 1), dtype=np.int8)
    D[0, 0] = 0.0
    for i in range(n + 1):
        centre = int(m / n * i)
        for j in range(max(0, centre - win), min(m, centre + win) + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i > 0 and j > 0:
                options.append((D[i - 1, j - 1] + bonus[i - 1, j - 1], 0))
            if i > 0:
                options.append((D[i - 1, j], 1))
            if j > 0:
                options.append((D[i, j - 1], 2))
            D[i, j], back[i, j] = max(options)
    path, i, j = [], n, m
    while i > 0 or j > 0:
        t = back[i, j]
        if t == 0:
            path.append((i, j))
            i, j = i - 1, j - 1
        elif t == 1:
            i -= 1
        else:
            j -= 1
    return path[::-1]


def _search_band(path: list[tuple[int, int]], n: int, m: int, w: int) -> list[tuple[int, int]]:
    """Target range per row: a rectangle of half-width ``w`` around each stretch of the first path."""
    if not path or path[-1] != (n, m):
        if path and path[-1][0] == n:
            path = path[:-1]
        path = path + [(n, m)]
    band, prev_i, prev_j = [], 0, 0
    for i, j in path:
        lo, hi = max(0, prev_j - w), min(m, j + w)
        band += [(lo, hi)] * (i - prev_i)
        prev_i, prev_j = i, j
    return [band[0] if band else (0, m)] + band


def align(src_vecs: np.ndarray, tgt_vecs: np.ndarray, src_lens: np.ndarray, tgt_lens: np.ndarray,
          max_align: int = 5, win: int = 5, skip: float = -0.1) -> BeadList:
    """Two-pass alignment given overlap embeddings ``(k, n, d)`` and byte lengths ``(k, n)``."""
    n, m = src_vecs.shape[1], tgt_vecs.shape[1]
    if n == 0 or m == 0:
        return [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]
    band = _search_band(_first_pass(src_vecs[0], tgt_vecs[0]), n, m, win)
    ratio = src_lens[0].sum() / max(tgt_lens[0].sum(), 1)
    sizes = src_vecs.shape[0]
    types = [(1, 0), (0, 1)] + [(a, b) for a in range(1, max_align) for b in range(1, max_align)
                                if a + b <= max_align and a <= sizes and b <= sizes]

    def neighbour(vec, other, size, end):
        """Mean cosine of ``vec`` to the sentences just before and just after a window."""
        left, right = end - size, end + 1
        sims = [float(vec @ other[0, k]) for k in (left, right) if 0 <= k < other.shape[1]]
        return sum(sims) / len(sims) if sims else 0.0

    D = {(0, 0): 0.0}
    back = {}
    for i in range(n + 1):
        lo, hi = band[i]
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            best, arg = -np.inf, None
            for a, b in types:
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0 or (pi, pj) not in D:
                    continue
                if a == 0 or b == 0:
                    score = skip
                else:
                    sv, tv = src_vecs[a - 1, i - 1], tgt_vecs[b - 1, j - 1]
                    score = float(sv @ tv)
                    score -= 0.5 * (neighbour(sv, tgt_vecs, b, j - 1) + neighbour(tv, src_vecs, a, i - 1))
                    sl, tl = src_lens[a - 1, i - 1], tgt_lens[b - 1, j - 1] * ratio
                    score *= np.log2(1 + min(sl, tl) / max(sl, tl, 1e-9))
                if D[(pi, pj)] + score > best:
                    best, arg = D[(pi, pj)] + score, (a, b)
            if arg is not None:
                D[(i, j)], back[(i, j)] = best, arg
    beads, i, j = [], n, m
    while i > 0 or j > 0:
        a, b = back[(i, j)]
        beads.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    return beads[::-1]
