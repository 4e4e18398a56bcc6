"""Close calls: the sentences whose beads a slightly different encoder could change.

An int8 encoder's vectors differ from fp32's by a cosine of about 0.9996. That moves a decision
only where another path through the DP is nearly as good as the best one, or where a bead's
confidence is low enough to sit near a rule's threshold. ``close_calls`` finds those sentences, so
that they and the windows over them can be encoded again by the exact encoder
(:mod:`aligner.align.recheck`); everywhere else the approximate vectors decide the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

import numpy as np

from .base import Bead
from .config import AlignConfig
from .first_pass import FirstAlignment
from .near import NearMisses, Span
from .second_pass import SecondPassTrace, WindowPlan
from .side import Side
from .slack import window_slack


@dataclass(frozen=True)
class CloseCalls:
    """Per sentence of each side, True when it takes part in a close call."""

    src: np.ndarray
    tgt: np.ndarray

    @classmethod
    def none(cls, n: int, m: int) -> "CloseCalls":
        return cls(np.zeros(n, bool), np.zeros(m, bool))

    def __or__(self, other: "CloseCalls") -> "CloseCalls":
        return CloseCalls(self.src | other.src, self.tgt | other.tgt)

    @property
    def count(self) -> int:
        """Sentences of both sides in some close call."""
        return int(self.src.sum() + self.tgt.sum())


def find_close_calls(
    first: FirstAlignment,
    windows: Optional[WindowPlan],
    src: Side,
    tgt: Side,
    config: AlignConfig,
    beads: Sequence[Bead],
    trace: Optional[SecondPassTrace] = None,
) -> CloseCalls:
    """The close calls of an alignment, as ``config.close_calls`` defines them: the low-confidence
    ``beads`` of the answer, and the near-ties of the DP that decided it with the near misses of
    the rules after it: the second pass's (``trace``, what its run left) when it ran, else the
    first pass's DP. Where the second pass ran, the first pass only guides it (a corridor of
    ``refine.band_radius`` sentences around its path, and which windows to encode, a choice the
    approximate run widens: ``recheck.widened``); checking its near-ties too re-encoded a fifth
    more on ../shared/bench and changed no bead."""
    settings = config.close_calls
    found = low_confidence(beads, len(src), len(tgt), settings.low_score, settings.reach)
    if trace is not None:
        found |= near_ties(*window_slack(trace.scorer, trace.band, trace.dp.skip_gains(src.flags),
                                         trace.dp.skip_gains(tgt.flags), trace.record), settings.margin)
        found |= covering(trace.near.spans, len(src), len(tgt))
    elif windows is None:  # no second pass: the first pass's DP decided
        found |= near_ties(*window_slack(first.scorer, first.band, config.dp.skip_gains(src.flags),
                                         config.dp.skip_gains(tgt.flags)), settings.margin)
    return found


def new_trace(config: AlignConfig) -> SecondPassTrace:
    """An empty trace for a second pass, noting its rules' near misses within ``close_calls.rule_margin``."""
    return SecondPassTrace(NearMisses(config.close_calls.rule_margin))


def covering(spans: Iterable[Span], n: int, m: int) -> CloseCalls:
    """The sentences of ``spans``."""
    found = CloseCalls.none(n, m)
    for i0, i1, j0, j1 in spans:
        found.src[i0:i1] = True
        found.tgt[j0:j1] = True
    return found


def near_ties(src_slack: np.ndarray, tgt_slack: np.ndarray, margin: float) -> CloseCalls:
    """The sentences of every window a bead off the best path uses within ``margin`` of its gain
    (``slack.window_slack``'s arrays: row ``a - 1`` holds the windows of ``a`` sentences by end)."""
    return CloseCalls(_covered(src_slack, margin), _covered(tgt_slack, margin))


def _covered(slack: np.ndarray, margin: float) -> np.ndarray:
    """Sentences ``[e - a, e)`` of each window ``(a, e)`` whose slack is in ``(0, margin)``."""
    n = slack.shape[1] - 1
    edges = np.zeros(n + 1, np.int64)
    for row in range(slack.shape[0]):
        ends = np.nonzero((slack[row] > 1e-9) & (slack[row] < margin))[0]
        np.add.at(edges, np.maximum(ends - row - 1, 0), 1)
        np.add.at(edges, ends, -1)
    return np.cumsum(edges[:n]) > 0


def low_confidence(beads: Sequence[Bead], n: int, m: int, low_score: float, reach: int) -> CloseCalls:
    """The sentences of beads below ``low_score``, and ``reach`` neighbours on each side of them."""
    return CloseCalls(_around((b.src for b in beads if b.score < low_score), n, reach),
                      _around((b.tgt for b in beads if b.score < low_score), m, reach))


def _around(groups: Iterable[tuple[int, ...]], size: int, reach: int) -> np.ndarray:
    mask = np.zeros(size, bool)
    for group in groups:
        if group:
            mask[max(0, group[0] - reach) : group[-1] + reach + 1] = True
    return mask
