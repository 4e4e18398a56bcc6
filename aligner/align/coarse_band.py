"""The DP's search band: the full grid for small documents, else a corridor around a coarse path.

The coarse path aligns blocks of ``coarse_factor`` sentences (normalised sums of their vectors);
the block alignment is itself banded recursively, so the corridor keeps a constant width and time
and memory stay linear in document length.
"""
from __future__ import annotations

import logging
from typing import Callable

import numpy as np

from .band import band_around, block_sums, full_band
from .config import AlignConfig
from .dp import DPParams
from .gaps import Span
from .path import Band
from .scoring import ScoringParams
from .side import Side

log = logging.getLogger(__name__)

AlignBlocks = Callable[[Side, Side, AlignConfig], list[Span]]
"""Aligns two sides without a second pass and returns the spans (the first pass, injected)."""

# Blocks only need a path, not a judgement of what is translated: never skip for free, and
# no absolute floor (long blocks all look alike in absolute cosine).
COARSE_PARAMS = ScoringParams(
    threshold=0.0, min_scale=1e-6, length_weight=0.0, paragraph_bonus=0.0, paragraph_cross_penalty=0.0,
)
COARSE_DP = DPParams(skip_gain=-0.3)


def search_band(src: Side, tgt: Side, config: AlignConfig, align_blocks: AlignBlocks) -> Band:
    """Full grid for small inputs; otherwise a corridor around the alignment of sentence blocks."""
    n, m = len(src), len(tgt)
    if (n + 1) * (m + 1) <= config.full_dp_cells:
        return full_band(n, m)
    factor = max(2, config.coarse_factor)
    log.debug("coarse pass: %dx%d sentences in blocks of %d", n, m, factor)
    coarse_config = AlignConfig(
        max_align=2, params=COARSE_PARAMS, dp=COARSE_DP, full_dp_cells=config.full_dp_cells,
        coarse_factor=config.coarse_factor, band_radius=config.band_radius,
    )
    spans = align_blocks(blocks(src, factor), blocks(tgt, factor), coarse_config)
    radius = max(config.band_radius, 2 * factor)
    return band_around(spans, factor, n, m, radius)


def blocks(side: Side, factor: int) -> Side:
    """A side whose sentences are blocks of ``factor`` sentences (the last may be shorter)."""
    sums = block_sums(side.embeddings.astype(np.float64), factor)
    sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return Side.from_embeddings(
        sums.astype(np.float32), lengths=block_sums(side.lengths, factor), paragraphs=side.paragraphs[::factor]
    )
