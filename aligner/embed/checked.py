"""An approximate encoder paired with the exact one it stands for.

The int8 model's vectors are within a cosine of about 0.9996 of fp32's: the same beads except on
close calls. ``CheckedEmbedder`` encodes with the int8 model and offers ``exact_encode`` (fp32,
loaded on first use, so a run without close calls never loads it); the aligner encodes its close
calls again with it (:mod:`aligner.align.recheck`).
"""
from __future__ import annotations

import logging
from typing import Callable, Optional, Sequence

import numpy as np

from aligner.embed.base import Embedder, ProgressCallback

log = logging.getLogger(__name__)


class CheckedEmbedder:
    """``fast``'s vectors from ``encode``, and ``exact_encode`` from the embedder ``load_exact`` loads."""

    def __init__(self, fast: Embedder, load_exact: Callable[[], Embedder]) -> None:
        self.fast = fast
        self._load_exact = load_exact
        self._exact: Optional[Embedder] = None

    @property
    def name(self) -> str:
        return self.fast.name

    @property
    def dim(self) -> int:
        return self.fast.dim

    @property
    def precision(self) -> str:
        """``int8+fp32``: int8 vectors, fp32 ones for the close calls (part of the run signature)."""
        return f"{getattr(self.fast, 'precision', '')}+fp32"

    def encode(self, sentences: Sequence[str], progress: Optional[ProgressCallback] = None) -> np.ndarray:
        return self.fast.encode(sentences, progress=progress)

    def exact_encode(self, sentences: Sequence[str], progress: Optional[ProgressCallback] = None) -> np.ndarray:
        """The exact encoder's vectors of ``sentences`` (loading it the first time)."""
        if self._exact is None:
            log.debug("loading the exact encoder for %d close-call texts", len(sentences))
            self._exact = self._load_exact()
        return self._exact.encode(sentences, progress=progress)

    def __getattr__(self, name: str):  # batch_size, num_threads ...: the fast encoder's
        if name.startswith("_") or name == "fast":
            raise AttributeError(name)
        return getattr(self.fast, name)

    def __repr__(self) -> str:
        return f"CheckedEmbedder({self.fast!r}, exact={'loaded' if self._exact is not None else 'on first use'})"
