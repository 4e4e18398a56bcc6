"""Beads: the unit of an alignment."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bead:
    """Consecutive source and target sentence indexes aligned together, with a confidence.

    One side may be empty (a 1-0 or 0-1 bead: a sentence with no counterpart). ``score`` is in
    [0, 1]: for a pair, how sure we are the two sides translate each other; for an unaligned
    sentence, how sure we are it has no counterpart.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float

    @property
    def kind(self) -> str:
        """Bead type such as ``"1-1"``, ``"2-1"`` or ``"0-1"``."""
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_pair(self) -> bool:
        """True when both sides are non-empty."""
        return bool(self.src) and bool(self.tgt)
