"""Turn bead similarities into confidences in [0, 1].

A logistic model over the bead's relative similarity, its absolute normalised similarity, the
document's translation level and the bead size. It was fitted on the fit half of ../shared/bench
(pairs the DP chose, labelled by the gold, plus pairs forced between unrelated documents), so a
bead from two unrelated documents scores low even when it is the best the DP could find.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Calibration:
    """Logistic weights: logit = w_rel*rel + w_abs*rel*scale + w_scale*log(scale) + w_size*size + bias."""

    w_rel: float = 1.157
    w_abs: float = 4.176
    w_scale: float = 3.608
    w_size: float = -3.580
    bias: float = 18.452

    def pair(self, rel: np.ndarray | float, scale: float, size: np.ndarray | int = 2) -> np.ndarray:
        """Confidence that a bead of ``size`` sentences with relative similarity ``rel`` is correct."""
        rel = np.asarray(rel, dtype=float)
        logit = (
            self.w_rel * rel + self.w_abs * rel * scale + self.w_scale * np.log(max(scale, 1e-6))
            + self.w_size * np.asarray(size, dtype=float) + self.bias
        )
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))

    def unaligned(self, best_rel: np.ndarray | float, scale: float) -> np.ndarray:
        """Confidence that a sentence whose best 1-1 match has relative similarity ``best_rel`` has none."""
        return 1.0 - self.pair(best_rel, scale, 2)
