"""Turn normalised similarities into confidences in [0, 1]."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Calibration:
    """Logistic map from normalised similarity to the probability that a pair is a translation."""

    centre: float = 0.5
    scale: float = 0.1

    def pair(self, similarity: np.ndarray | float) -> np.ndarray:
        """Confidence that a bead with this normalised similarity is a correct pair."""
        return 1.0 / (1.0 + np.exp(-(np.asarray(similarity, dtype=float) - self.centre) / self.scale))

    def unaligned(self, best_similarity: np.ndarray | float) -> np.ndarray:
        """Confidence that a sentence whose best match scores ``best_similarity`` has no counterpart."""
        return 1.0 - self.pair(best_similarity)
