"""Turn bead similarities into confidences in [0, 1].

Two small logistic models, fitted on the fit half of ../shared/bench (the beads our DP chose,
labelled by the gold, plus beads forced between unrelated documents) and checked on the other half:

- a pair: relative similarity, the document's translation level (log) and the bead size. The
  level makes a bead between two unrelated documents score low even when it is the best the DP
  found; the weight on similarity is kept positive so scores rank pairs within a document.
- an unaligned sentence: its best relative 1-1 similarity, the level, and its boilerplate flag.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


@dataclass(frozen=True)
class Calibration:
    """Logistic weights of both models (see the module docstring)."""

    pair_rel: float = 1.0
    pair_scale: float = 5.399
    pair_size: float = -3.64
    pair_bias: float = 24.636
    skip_rel: float = -1.522
    skip_scale: float = 6.018
    skip_flag: float = 3.31
    skip_bias: float = 15.702

    def pair(self, rel: np.ndarray | float, scale: float, size: np.ndarray | int = 2) -> np.ndarray:
        """Confidence that a bead of ``size`` sentences with relative similarity ``rel`` is a correct pair."""
        z = (self.pair_rel * np.asarray(rel, dtype=float) + self.pair_scale * np.log(max(scale, 1e-6))
             + self.pair_size * np.asarray(size, dtype=float) + self.pair_bias)
        return _sigmoid(z)

    def unaligned(self, best_rel: np.ndarray | float, scale: float, flagged: np.ndarray | bool = False) -> np.ndarray:
        """Confidence that a sentence whose best 1-1 match has relative similarity ``best_rel`` has no counterpart."""
        z = (self.skip_rel * np.asarray(best_rel, dtype=float) + self.skip_scale * np.log(max(scale, 1e-6))
             + self.skip_flag * np.asarray(flagged, dtype=float) + self.skip_bias)
        return _sigmoid(z)
