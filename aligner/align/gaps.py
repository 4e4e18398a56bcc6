"""Gap filling: pair the lone sentences the DP left between two pairs when position vouches for them."""
from __future__ import annotations

from typing import Optional

import numpy as np

from .near import NearMisses, Span
from .scoring import PairScorer

__all__ = ["Span", "fill_gaps"]


def fill_gaps(
    spans: list[Span],
    scorer: PairScorer,
    src_flag: np.ndarray,
    tgt_flag: np.ndarray,
    threshold: float,
    near: Optional[NearMisses] = None,
) -> list[Span]:
    """Pair the lone source and lone target sentence of a gap between two pairs.

    When the DP leaves exactly one unflagged sentence unaligned on each side between the same two
    pairs (or a document edge), position alone says they are likely translations of each other,
    so a looser similarity (``threshold``) suffices. Loose translations ("Gaun itu sementara" /
    "The dress is contemporary") are otherwise lost to 1-0 + 0-1. ``near`` notes the gaps whose
    similarity came close to ``threshold``.
    """
    out: list[Span] = []
    k = 0
    while k < len(spans):
        run_end = k
        while run_end < len(spans) and _is_skip(spans[run_end]):
            run_end += 1
        if run_end == k:
            out.append(spans[k])
            k += 1
            continue
        run = spans[k:run_end]
        src = [i for i0, i1, _, _ in run for i in range(i0, i1)]
        tgt = [j for _, _, j0, j1 in run for j in range(j0, j1)]
        pair = (src[0], src[0] + 1, tgt[0], tgt[0] + 1) if len(src) == 1 and len(tgt) == 1 else None
        similarity = None
        if pair is not None and not src_flag[src[0]] and not tgt_flag[tgt[0]]:
            similarity = scorer.bead_similarity(*pair)
            if near is not None:
                near.note(similarity, threshold, pair)
        if similarity is not None and similarity >= threshold:
            out.append(pair)
        else:
            out.extend(run)
        k = run_end
    return out


def _is_skip(span: Span) -> bool:
    i0, i1, j0, j1 = span
    return i1 == i0 or j1 == j0
