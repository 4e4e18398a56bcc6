"""Near misses: the decisions of a threshold rule that a slightly different vector could reverse.

The rules that follow the DP (gap filling, fragment attachment, un-merging) compare a cosine with
a threshold. Given a ``NearMisses``, they note the beads of every comparison that came out
within ``tolerance`` of it, so that an approximate encoder's close calls can be checked with the
exact one (:mod:`aligner.align.close_calls`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

Span = tuple[int, int, int, int]
"""A bead as ``(i0, i1, j0, j1)``: source sentences ``[i0, i1)`` with target sentences ``[j0, j1)``."""


@dataclass
class NearMisses:
    """The beads (as spans) of the comparisons that fell within ``tolerance`` of their threshold."""

    tolerance: float
    spans: list[Span] = field(default_factory=list)

    def note(self, value: float, threshold: float, *spans: Span) -> None:
        """Keep ``spans`` when ``value`` is within ``tolerance`` of ``threshold``."""
        if abs(value - threshold) < self.tolerance:
            self.spans.extend(spans)
