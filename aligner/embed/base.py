"""The embedding interface: sentences in, L2-normalised float32 vectors out."""
from __future__ import annotations

from typing import Callable, Optional, Protocol, Sequence

import numpy as np

ProgressCallback = Callable[[int], None]
"""Called with the number of sentences just encoded (for progress bars)."""


class Embedder(Protocol):
    """Encodes sentences into a shared multilingual vector space."""

    name: str
    dim: int

    def encode(
        self, sentences: Sequence[str], progress: Optional[ProgressCallback] = None
    ) -> np.ndarray:
        """Return an ``(len(sentences), dim)`` float32 array of unit-length rows."""
        ...
