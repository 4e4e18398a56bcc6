"""Sentence alignment from embeddings: band selection, banded DP, confidences."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from .band import band_around, block_sums, full_band
from .base import Bead
from .confidence import Calibration
from .dp import banded_dp, pair_types
from .refine import (
    Encode, RefineConfig, attach_fragments, near_merges, second_pass_params, unsettled, window_requests, window_texts,
)
from .scoring import PairScorer, ScoringParams
from .windows import WindowOverrides

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlignConfig:
    """How to align: bead sizes, gain weights, calibration and the size of the search band."""

    max_align: int = 4
    """Most sentences on one side of a bead."""
    max_bead: int = 6
    """Most sentences in one bead, both sides together: 2-2, 2-3, 3-2 and 3-3 beads need 4 to 6.
    Beads with two or more sentences on both sides are the second pass's (see ``RefineConfig``)."""
    params: ScoringParams = field(default_factory=ScoringParams)
    calibration: Calibration = field(default_factory=Calibration)
    full_dp_cells: int = 300_000
    """Documents up to this many grid cells get the exact full DP; larger ones a coarse pass + band."""
    coarse_factor: int = 8
    """Sentences per block in the coarse pass; the coarse pass recurses until its grid is small."""
    band_radius: int = 24
    """Minimum half-width of the fine band around the coarse path, in sentences."""
    refine: RefineConfig = field(default_factory=RefineConfig)
    """The second pass over uncertain stretches (needs the texts and an ``encode`` function)."""


def align_embeddings(
    src_emb: np.ndarray,
    tgt_emb: np.ndarray,
    src_len: Optional[np.ndarray] = None,
    tgt_len: Optional[np.ndarray] = None,
    src_par: Optional[np.ndarray] = None,
    tgt_par: Optional[np.ndarray] = None,
    config: AlignConfig = AlignConfig(),
    src_flag: Optional[np.ndarray] = None,
    tgt_flag: Optional[np.ndarray] = None,
    src_text: Optional[Sequence[str]] = None,
    tgt_text: Optional[Sequence[str]] = None,
    encode: Optional[Encode] = None,
) -> list[Bead]:
    """Align two documents given unit sentence embeddings; every sentence ends in exactly one bead.

    ``*_len`` are character lengths (default 1 each), ``*_par`` paragraph numbers (default 0),
    ``*_flag`` marks sentences (boilerplate) that should rather stay unaligned (default none),
    ``*_text`` the sentences themselves. With the texts and ``encode`` (the embedder's encode),
    uncertain stretches get a second pass that encodes multi-sentence windows as text
    (``config.refine``); without them the first pass, on summed sentence vectors, is the answer.
    """
    return first_pass(
        src_emb, tgt_emb, src_len, tgt_len, src_par, tgt_par, config, src_flag, tgt_flag, src_text, tgt_text,
        second_pass=encode is not None,
    ).complete(encode)


@dataclass
class FirstPass:
    """A first-pass alignment, and the window texts its second pass wants encoded.

    Split from ``align_embeddings`` so that a batch can encode the windows of many documents in
    one encoder call: ``plan.finish(encode(plan.texts))``.
    """

    beads: list[Bead]
    """The first pass's answer (final when ``texts`` is empty)."""
    texts: list[str]
    """Window texts to encode for the second pass: source windows, then target windows."""
    _finish: Optional[Callable[[np.ndarray], list[Bead]]] = field(default=None, repr=False)

    def finish(self, vectors: np.ndarray) -> list[Bead]:
        """The second pass, given one unit vector per ``texts`` entry."""
        if self._finish is None or not self.texts:
            return self.beads
        if len(vectors) != len(self.texts):
            raise ValueError(f"expected {len(self.texts)} window vectors, got {len(vectors)}")
        return self._finish(vectors)

    def complete(self, encode: Optional[Encode]) -> list[Bead]:
        """The final beads: the second pass with ``encode``'s vectors for ``texts``, when there are any."""
        if not self.texts or encode is None:
            return self.beads
        return self.finish(np.asarray(encode(self.texts), dtype=np.float32))


def first_pass(
    src_emb: np.ndarray,
    tgt_emb: np.ndarray,
    src_len: Optional[np.ndarray] = None,
    tgt_len: Optional[np.ndarray] = None,
    src_par: Optional[np.ndarray] = None,
    tgt_par: Optional[np.ndarray] = None,
    config: AlignConfig = AlignConfig(),
    src_flag: Optional[np.ndarray] = None,
    tgt_flag: Optional[np.ndarray] = None,
    src_text: Optional[Sequence[str]] = None,
    tgt_text: Optional[Sequence[str]] = None,
    second_pass: bool = True,
) -> FirstPass:
    """Align on summed window vectors and plan the second pass (arguments as ``align_embeddings``).

    The plan has window texts only when ``second_pass`` and ``config.refine`` allow it, the
    texts are given and some stretch is unsettled.
    """
    n, m = len(src_emb), len(tgt_emb)
    src_len = np.ones(n) if src_len is None else np.asarray(src_len, dtype=float)
    tgt_len = np.ones(m) if tgt_len is None else np.asarray(tgt_len, dtype=float)
    src_par = np.zeros(n, dtype=np.int64) if src_par is None else np.asarray(src_par)
    tgt_par = np.zeros(m, dtype=np.int64) if tgt_par is None else np.asarray(tgt_par)
    if n == 0 or m == 0:
        return FirstPass([Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)], [])
    types = pair_types(config.max_align, min(config.max_bead, 4))
    src_flag = np.zeros(n, bool) if src_flag is None else np.asarray(src_flag, bool)
    tgt_flag = np.zeros(m, bool) if tgt_flag is None else np.asarray(tgt_flag, bool)
    scorer = PairScorer(
        src_emb, tgt_emb, src_len, tgt_len, src_par, tgt_par, types, config.params, src_flag, tgt_flag, src_text, tgt_text
    )
    lo, hi = _band(src_emb, tgt_emb, src_len, tgt_len, src_par, tgt_par, config)
    best_src = np.full(n, -np.inf)
    best_tgt = np.full(m, -np.inf)
    spans = _dp_pass(scorer, lo, hi, src_flag, tgt_flag, best_src, best_tgt)
    beads = _scored_beads(spans, scorer, config.calibration, best_src, best_tgt, src_flag, tgt_flag)
    refine = config.refine
    if not (second_pass and refine.enabled and src_text is not None and tgt_text is not None):
        return FirstPass(beads, [])
    src_mask, tgt_mask = unsettled(beads, n, m, refine.confidence, refine.reach, src_flag, tgt_flag)
    size = min(scorer.max_size, refine.max_text_size)
    src_req = window_requests(src_mask, size, np.array([len(t) for t in src_text]), refine.max_window_chars)
    tgt_req = window_requests(tgt_mask, size, np.array([len(t) for t in tgt_text]), refine.max_window_chars)
    if not src_req and not tgt_req:
        return FirstPass(beads, [])

    def finish(vectors: np.ndarray) -> list[Bead]:
        log.debug("second pass: %d source and %d target windows encoded as text", len(src_req), len(tgt_req))
        text_scorer = scorer.with_text_windows(
            WindowOverrides(scorer.src_win.shape[:2], src_req, vectors[: len(src_req)]),
            WindowOverrides(scorer.tgt_win.shape[:2], tgt_req, vectors[len(src_req) :]),
            refine.text_weight,
            second_pass_params(beads, src_flag, tgt_flag, refine),
            pair_types(config.max_align, config.max_bead),
        )
        if refine.many_near_merges:
            text_scorer.many_allowed = near_merges(beads, n, m, scorer.max_size)
        lo2, hi2 = band_around(spans, 1, n, m, refine.band_radius)
        spans2 = _dp_pass(text_scorer, np.maximum(lo2, lo), np.minimum(hi2, hi), src_flag, tgt_flag)
        if refine.attach_gain is not None:
            spans2 = attach_fragments(spans2, text_scorer.text_cosine, src_flag, tgt_flag,
                                      config.max_align, config.max_bead, refine.attach_gain)
        return _scored_beads(spans2, text_scorer, config.calibration, best_src, best_tgt, src_flag, tgt_flag)

    return FirstPass(beads, window_texts(src_text, src_req) + window_texts(tgt_text, tgt_req), finish)


def _dp_pass(
    scorer: PairScorer,
    lo: np.ndarray,
    hi: np.ndarray,
    src_flag: np.ndarray,
    tgt_flag: np.ndarray,
    best_src: Optional[np.ndarray] = None,
    best_tgt: Optional[np.ndarray] = None,
) -> list[tuple[int, int, int, int]]:
    """One banded DP plus gap filling; records each sentence's best 1-1 similarity into ``best_*``."""

    def row_gains(i: int, jlo: int, jhi: int) -> np.ndarray:
        sim = scorer.similarity(i, jlo, jhi)
        gains = scorer.row_gains(i, jlo, jhi, sim)
        if best_src is not None and best_tgt is not None:
            one_one = sim[0]
            valid = ~np.isnan(one_one)
            if valid.any():
                best_src[i - 1] = max(best_src[i - 1], np.nanmax(one_one))
                js = np.arange(jlo, jhi + 1)[valid] - 1
                np.maximum.at(best_tgt, js, one_one[valid])
        return gains

    p = scorer.params
    skip_src = np.where(src_flag, p.flag_skip_gain, p.skip_gain)
    skip_tgt = np.where(tgt_flag, p.flag_skip_gain, p.skip_gain)
    spans = banded_dp(lo, hi, scorer.types, row_gains, skip_src, skip_tgt)
    return fill_gaps(spans, scorer, src_flag, tgt_flag, p.gap_threshold)


def _scored_beads(
    spans: list[tuple[int, int, int, int]],
    scorer: PairScorer,
    cal: Calibration,
    best_src: np.ndarray,
    best_tgt: np.ndarray,
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
            score = float(cal.unaligned(best_src[i0], scorer.scale, src_flag[i0]))
        else:
            score = float(cal.unaligned(best_tgt[j0], scorer.scale, tgt_flag[j0]))
        beads.append(Bead(src, tgt, round(score, 6)))
    return beads


def _band(src_emb, tgt_emb, src_len, tgt_len, src_par, tgt_par, config: AlignConfig):
    """Full grid for small inputs; otherwise a corridor around the alignment of sentence blocks.

    Blocks have a fixed size and the block alignment is itself banded recursively, so the corridor
    keeps a constant width and time and memory stay linear in document length.
    """
    n, m = len(src_emb), len(tgt_emb)
    if (n + 1) * (m + 1) <= config.full_dp_cells:
        return full_band(n, m)
    factor = max(2, config.coarse_factor)
    log.debug("coarse pass: %dx%d sentences in blocks of %d", n, m, factor)

    def blocks(emb, length, par):
        sums = block_sums(emb.astype(np.float64), factor)
        sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        return sums.astype(np.float32), block_sums(length, factor), par[::factor]

    cs, cl, cp = blocks(src_emb, src_len, src_par)
    ts, tl, tp = blocks(tgt_emb, tgt_len, tgt_par)
    # Blocks only need a path, not a judgement of what is translated: never skip for free, and
    # no absolute floor (long blocks all look alike in absolute cosine).
    coarse_params = ScoringParams(
        threshold=0.0, min_scale=1e-6, skip_gain=-0.3, length_weight=0.0,
        paragraph_bonus=0.0, paragraph_cross_penalty=0.0,
    )
    coarse_config = AlignConfig(
        max_align=2, params=coarse_params, full_dp_cells=config.full_dp_cells,
        coarse_factor=config.coarse_factor, band_radius=config.band_radius,
    )
    coarse = align_embeddings(cs, ts, cl, tl, cp, tp, coarse_config)
    rects = _bead_rects(coarse)
    radius = max(config.band_radius, 2 * factor)
    return band_around(rects, factor, n, m, radius)


def _bead_rects(beads: list[Bead]) -> list[tuple[int, int, int, int]]:
    """Convert beads to ``(i0, i1, j0, j1)`` spans, giving empty sides their position."""
    rects, i, j = [], 0, 0
    for b in beads:
        i1, j1 = i + len(b.src), j + len(b.tgt)
        rects.append((i, i1, j, j1))
        i, j = i1, j1
    return rects


def fill_gaps(
    spans: list[tuple[int, int, int, int]],
    scorer: PairScorer,
    src_flag: np.ndarray,
    tgt_flag: np.ndarray,
    threshold: float,
) -> list[tuple[int, int, int, int]]:
    """Pair the lone source and lone target sentence of a gap between two pairs.

    When the DP leaves exactly one unflagged sentence unaligned on each side between the same two
    pairs (or a document edge), position alone says they are likely translations of each other,
    so a looser similarity (``threshold``) suffices. Loose translations ("Gaun itu sementara" /
    "The dress is contemporary") are otherwise lost to 1-0 + 0-1.
    """
    out: list[tuple[int, int, int, int]] = []
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
        if (len(src) == 1 and len(tgt) == 1 and not src_flag[src[0]] and not tgt_flag[tgt[0]]
                and scorer.bead_similarity(src[0], src[0] + 1, tgt[0], tgt[0] + 1) >= threshold):
            out.append((src[0], src[0] + 1, tgt[0], tgt[0] + 1))
        else:
            out.extend(run)
        k = run_end
    return out


def _is_skip(span: tuple[int, int, int, int]) -> bool:
    i0, i1, j0, j1 = span
    return i1 == i0 or j1 == j0
