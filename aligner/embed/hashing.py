"""A deterministic, model-free embedder (hashed character trigrams) for tests and dry runs."""
from __future__ import annotations

import zlib
from typing import Optional, Sequence

import numpy as np

from aligner.embed.base import ProgressCallback


class HashingEmbedder:
    """Bag of hashed lower-cased character trigrams, L2-normalised: no model, no torch.

    Translations share names, numbers and cognates, so it aligns easy parallel text well
    enough to exercise the pipeline; use it to test batch runs, not to build corpora.
    """

    def __init__(self, dim: int = 256, name: str = "hashing-trigrams") -> None:
        self.dim = dim
        self.name = name

    def _row(self, text: str) -> np.ndarray:
        row = np.zeros(self.dim, dtype=np.float32)
        padded = f"  {text.lower()}  "
        for k in range(len(padded) - 2):
            row[zlib.crc32(padded[k : k + 3].encode("utf-8")) % self.dim] += 1.0
        return row

    def encode(self, sentences: Sequence[str], progress: Optional[ProgressCallback] = None) -> np.ndarray:
        """Return ``(len(sentences), dim)`` unit float32 rows."""
        out = np.stack([self._row(str(s)) for s in sentences]) if len(sentences) else np.zeros((0, self.dim), np.float32)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        if progress is not None and len(sentences):
            progress(len(sentences))
        return out
