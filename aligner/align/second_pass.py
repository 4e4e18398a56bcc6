"""Second pass: the uncertain stretches again, with their multi-sentence windows encoded as text.

``plan_windows`` picks the windows worth encoding (see ``refine``), and of those only the ones a
bead near the best path uses (``slack``); ``second_pass`` blends their text similarity into the
first pass's scorer, allows the bigger beads, and runs the DP again in a corridor around the
first path.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .band import band_around
from .base import Bead
from .config import AlignConfig
from .dp import DPParams, DPRecord, pair_types
from .first_pass import FirstAlignment
from .near import NearMisses
from .path import Band, best_path, scored_beads
from .recut import join_recut_pairs, may_recut, recut_windows, recuts_often, split_unfounded
from .refine import (
    AttachRule, attach_fragments, merge_neighbourhood, near_merges, pair_lone_neighbours, second_pass_dp,
    text_window_requests, unsettled, window_texts,
)
from .scoring import PairScorer
from .side import Side
from .slack import window_slack
from .windows import WindowOverrides

log = logging.getLogger(__name__)

Requests = list[tuple[int, int]]
"""Windows as ``(size, end)``: sentences ``[end - size, end)``."""


@dataclass(frozen=True)
class WindowPlan:
    """The windows of each side whose text the second pass wants encoded: ``src``/``tgt`` for its DP
    and its rules, ``src_rules``/``tgt_rules`` for the rules after the DP only (see ``recut``)."""

    src: Requests
    tgt: Requests
    src_rules: Requests = ()
    tgt_rules: Requests = ()

    def texts(self, src: Side, tgt: Side) -> list[str]:
        """Their texts: source windows, target windows, then the rules' source and target windows."""
        return (window_texts(src.texts, self.src) + window_texts(tgt.texts, self.tgt)
                + window_texts(src.texts, self.src_rules) + window_texts(tgt.texts, self.tgt_rules))

    def sides(self) -> list[tuple[bool, int, int]]:
        """``(is_source, size, end)`` of each window, in ``texts`` order."""
        return ([(True, a, e) for a, e in self.src] + [(False, b, e) for b, e in self.tgt]
                + [(True, a, e) for a, e in self.src_rules] + [(False, b, e) for b, e in self.tgt_rules])


@dataclass
class SecondPassTrace:
    """What a second pass leaves for finding its close calls: its rules' near misses (``near``), and its
    DP's scorer, band, settings and computed gains and scores (``record``)."""

    near: NearMisses
    record: DPRecord = field(default_factory=DPRecord)
    scorer: Optional[PairScorer] = None
    band: Optional[Band] = None
    dp: Optional[DPParams] = None


def plan_windows(first: FirstAlignment, src: Side, tgt: Side, config: AlignConfig) -> Optional[WindowPlan]:
    """The windows in or near the first pass's unsettled beads that a bead within
    ``refine.window_slack`` of the best second-pass path (on summed vectors) uses; None when
    there are none (or no texts)."""
    refine = config.refine
    if not refine.enabled or src.texts is None or tgt.texts is None:
        return None
    beads, n, m = first.beads, len(src), len(tgt)
    masks = unsettled(beads, n, m, refine.confidence, refine.reach, src.flags, tgt.flags)
    size = min(first.scorer.max_size, refine.max_text_size)
    near = merge_neighbourhood(beads, n, m)
    src_req, tgt_req = (
        text_window_requests(mask, close, size, side.text_lengths, refine.max_window_chars, refine.wide_window)
        for mask, close, side in zip(masks, near, (src, tgt))
    )
    if refine.window_slack is not None and (src_req or tgt_req):
        dp = second_pass_dp(first.beads, src.flags, tgt.flags, refine)
        summed = _second_scorer(first, config, dp, _overrides(first.scorer.src_win), _overrides(first.scorer.tgt_win))
        src_slack, tgt_slack = window_slack(summed, _second_band(first, n, m, refine.band_radius),
                                            dp.skip_gains(src.flags), dp.skip_gains(tgt.flags))
        total = len(src_req) + len(tgt_req)
        src_req = [(a, e) for a, e in src_req if src_slack[a - 1, e] <= refine.window_slack]
        tgt_req = [(b, e) for b, e in tgt_req if tgt_slack[b - 1, e] <= refine.window_slack]
        log.debug("second pass: %d of %d windows near the best path", len(src_req) + len(tgt_req), total)
    src_cut, tgt_cut = [], []
    if refine.recut is not None and may_recut(first.spans, refine.recut):
        src_cut, tgt_cut = recut_windows(first.spans, src, tgt, refine.recut, refine.max_window_chars)
        src_cut = sorted(set(src_cut) - set(src_req))
        tgt_cut = sorted(set(tgt_cut) - set(tgt_req))
    if not (src_req or tgt_req or src_cut or tgt_cut):
        return None
    return WindowPlan(src_req, tgt_req, src_cut, tgt_cut)


def second_pass(
    first: FirstAlignment, windows: WindowPlan, src: Side, tgt: Side, config: AlignConfig, vectors: np.ndarray,
    trace: Optional[SecondPassTrace] = None,
) -> list[Bead]:
    """The final beads, given one unit vector per window text (``vectors``, in ``windows.texts`` order);
    ``trace`` collects what finding the close calls needs."""
    refine, n, m = config.refine, len(src), len(tgt)
    log.debug("second pass: %d source and %d target windows encoded as text (and %d for its rules only)",
              len(windows.src), len(windows.tgt), len(windows.src_rules) + len(windows.tgt_rules))
    scorer = first.scorer
    dp = second_pass_dp(first.beads, src.flags, tgt.flags, refine)
    ns, nt = len(windows.src), len(windows.tgt)
    text_scorer = _second_scorer(
        first, config, dp,
        _overrides(scorer.src_win, windows.src, vectors[:ns]),
        _overrides(scorer.tgt_win, windows.tgt, vectors[ns : ns + nt]),
    )
    text_cosine = window_cosine(windows, vectors, src, tgt)
    band = _second_band(first, n, m, refine.band_radius)
    near, record = (trace.near, trace.record) if trace is not None else (None, None)
    if trace is not None:
        trace.scorer, trace.band, trace.dp = text_scorer, band, dp
    spans = best_path(text_scorer, band, src.flags, tgt.flags, dp, near=near, record=record)
    if refine.attach_gain is not None:
        rule = AttachRule(config.max_align, config.max_bead, refine.attach_gain, refine.attach_loose_gain)
        spans = attach_fragments(spans, text_cosine, src, tgt, rule, near)
    if refine.unmerge_margin is not None:
        spans = pair_lone_neighbours(spans, src, tgt, refine.unmerge_margin, near)
    if refine.recut is not None:
        spans = _recut(spans, text_cosine, src, tgt, config, near)
    return scored_beads(spans, text_scorer, config.calibration, first.best, src.flags, tgt.flags)


def _recut(spans, text_cosine, src: Side, tgt: Side, config: AlignConfig, near: Optional[NearMisses]):
    """Many-to-many beads that no re-cut founds split; in a document that re-cuts often, re-cut pairs
    joined and lone sentences attached again, more readily (see :mod:`aligner.align.recut`)."""
    refine, rule = config.refine, config.refine.recut
    spans = split_unfounded(spans, text_cosine, src, tgt, rule, near)
    if not recuts_often(spans, rule):
        return spans
    spans = join_recut_pairs(spans, text_cosine, src, tgt, rule, near)
    if refine.attach_gain is None:
        return spans
    attach = AttachRule(config.max_align, config.max_bead, rule.attach_gain, refine.attach_loose_gain,
                        rule.attach_length_slope)
    return attach_fragments(spans, text_cosine, src, tgt, attach, near)


def window_cosine(windows: WindowPlan, vectors: np.ndarray, src: Side, tgt: Side):
    """``text_cosine(i0, i1, j0, j1)``: the cosine of a bead's two windows as encoded text, from every
    window of ``windows`` (a single sentence is its own text); None where a window was not encoded."""
    src_at: dict[tuple[int, int], int] = {}
    tgt_at: dict[tuple[int, int], int] = {}
    for row, (is_src, size, end) in enumerate(windows.sides()):
        (src_at if is_src else tgt_at)[size, end] = row

    def vector(at: dict, emb: np.ndarray, start: int, end: int) -> Optional[np.ndarray]:
        if end - start == 1:
            return emb[start]
        row = at.get((end - start, end))
        return None if row is None else vectors[row]

    def text_cosine(i0: int, i1: int, j0: int, j1: int) -> Optional[float]:
        if i1 <= i0 or j1 <= j0:
            return None
        u, v = vector(src_at, src.embeddings, i0, i1), vector(tgt_at, tgt.embeddings, j0, j1)
        return None if u is None or v is None else float(u @ v)

    return text_cosine


def _overrides(windows: np.ndarray, requests: Requests = (), vectors: Optional[np.ndarray] = None) -> WindowOverrides:
    """The text vectors of ``requests`` over a side's summed ``windows`` (none: all stay summed)."""
    if vectors is None:
        vectors = np.zeros((0, windows.shape[2]), np.float32)
    return WindowOverrides(windows.shape[:2], list(requests), vectors)


def _second_scorer(
    first: FirstAlignment, config: AlignConfig, dp: DPParams, src: WindowOverrides, tgt: WindowOverrides
) -> PairScorer:
    """The first pass's scorer with the second pass's weights, bead types and text windows."""
    refine, scorer = config.refine, first.scorer
    n, m = scorer.src_win.shape[1] - 1, scorer.tgt_win.shape[1] - 1
    return scorer.with_text_windows(
        src, tgt, refine.text_weight,
        params=refine.params,
        dp=dp,
        types=pair_types(config.max_align, config.max_bead),
        many_allowed=near_merges(first.beads, n, m, scorer.max_size) if refine.many_near_merges else None,
    )


def _second_band(first: FirstAlignment, n: int, m: int, radius: int) -> Band:
    """A corridor of ``radius`` sentences around the first path, inside the first pass's band."""
    lo, hi = first.band
    lo2, hi2 = band_around(first.spans, 1, n, m, radius)
    return np.maximum(lo2, lo), np.minimum(hi2, hi)
