"""First pass: the DP over summed sentence vectors (a window is the normalised sum of its sentences)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional

from .base import Bead
from .coarse_band import search_band
from .config import AlignConfig
from .dp import pair_types
from .gaps import Span
from .path import Band, BestMatches, best_path, scored_beads
from .scoring import DocumentReference, PairScorer
from .side import Side

FIRST_PASS_MAX_BEAD = 4
"""The first pass keeps to beads of up to four sentences: on summed vectors many-to-many beads
look as good as their 1-1 halves; the bigger ones are the second pass's."""


@dataclass(frozen=True, eq=False)
class FirstAlignment:
    """The first pass's beads, and what the second pass builds on: its scorer, band and path."""

    scorer: PairScorer
    band: Band
    spans: list[Span]
    best: BestMatches
    beads: list[Bead]


def first_pass(
    src: Side, tgt: Side, config: AlignConfig, reference: Optional[DocumentReference] = None
) -> FirstAlignment:
    """Align two non-empty sides on summed window vectors, in the band ``search_band`` gives;
    ``reference``: the sides are a stretch of a larger document, scored against its statistics."""
    types = pair_types(config.max_align, min(config.max_bead, FIRST_PASS_MAX_BEAD))
    scorer = PairScorer(src, tgt, types=types, params=config.params, dp=config.dp, reference=reference)
    band = search_band(src, tgt, config, _block_spans)
    best = BestMatches(len(src), len(tgt))
    spans = best_path(scorer, band, src.flags, tgt.flags, config.dp, best)
    beads = scored_beads(spans, scorer, config.calibration, best, src.flags, tgt.flags)
    return FirstAlignment(scorer, band, spans, best, beads)


def rescored(first: FirstAlignment, src: Side, tgt: Side, config: AlignConfig) -> FirstAlignment:
    """``first`` (of a whole document: no ``reference``) with its scorer rebuilt over ``src``/``tgt``,
    other vectors of the same sentences: the same band, path and beads, the new vectors'
    similarities for the second pass that follows."""
    scorer = PairScorer(src, tgt, types=first.scorer.types, params=config.params, dp=config.dp)
    return dataclasses.replace(first, scorer=scorer)


def _block_spans(src: Side, tgt: Side, config: AlignConfig) -> list[Span]:
    """The coarse pass: the first pass's path over blocks of sentences."""
    return first_pass(src, tgt, config).spans
