"""Second pass: the uncertain stretches again, with their multi-sentence windows encoded as text.

``plan_windows`` picks the windows worth encoding (see ``refine``); ``second_pass`` blends their
text similarity into the first pass's scorer, allows the bigger beads, and runs the DP again in a
corridor around the first path.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .band import band_around
from .base import Bead
from .config import AlignConfig
from .dp import pair_types
from .first_pass import FirstAlignment
from .path import best_path, scored_beads
from .refine import (
    RefineConfig, attach_fragments, merge_neighbourhood, near_merges, second_pass_dp, text_window_requests, unsettled,
    window_texts,
)
from .side import Side
from .windows import WindowOverrides

log = logging.getLogger(__name__)

Requests = list[tuple[int, int]]
"""Windows as ``(size, end)``: sentences ``[end - size, end)``."""


@dataclass(frozen=True)
class WindowPlan:
    """The windows of each side whose text the second pass wants encoded."""

    src: Requests
    tgt: Requests

    def texts(self, src: Side, tgt: Side) -> list[str]:
        """Their texts: source windows, then target windows."""
        return window_texts(src.texts, self.src) + window_texts(tgt.texts, self.tgt)


def plan_windows(first: FirstAlignment, src: Side, tgt: Side, refine: RefineConfig) -> Optional[WindowPlan]:
    """The windows in or near the first pass's unsettled beads, or None when there are none (or no texts)."""
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
    if not src_req and not tgt_req:
        return None
    return WindowPlan(src_req, tgt_req)


def second_pass(
    first: FirstAlignment, windows: WindowPlan, src: Side, tgt: Side, config: AlignConfig, vectors: np.ndarray
) -> list[Bead]:
    """The final beads, given one unit vector per window text (``vectors``, in ``windows.texts`` order)."""
    refine, n, m, scorer = config.refine, len(src), len(tgt), first.scorer
    log.debug("second pass: %d source and %d target windows encoded as text", len(windows.src), len(windows.tgt))
    dp = second_pass_dp(first.beads, src.flags, tgt.flags, refine)
    text_scorer = scorer.with_text_windows(
        WindowOverrides(scorer.src_win.shape[:2], windows.src, vectors[: len(windows.src)]),
        WindowOverrides(scorer.tgt_win.shape[:2], windows.tgt, vectors[len(windows.src) :]),
        refine.text_weight,
        params=refine.params,
        dp=dp,
        types=pair_types(config.max_align, config.max_bead),
        many_allowed=near_merges(first.beads, n, m, scorer.max_size) if refine.many_near_merges else None,
    )
    lo, hi = first.band
    lo2, hi2 = band_around(first.spans, 1, n, m, refine.band_radius)
    spans = best_path(text_scorer, (np.maximum(lo2, lo), np.minimum(hi2, hi)), src.flags, tgt.flags, dp)
    if refine.attach_gain is not None:
        spans = attach_fragments(spans, text_scorer.text_cosine, src.flags, tgt.flags,
                                 config.max_align, config.max_bead, refine.attach_gain)
    return scored_beads(spans, text_scorer, config.calibration, first.best, src.flags, tgt.flags)
