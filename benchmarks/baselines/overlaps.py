"""Window embeddings the way bertalign and vecalign make them: each window encoded as its own text."""
from __future__ import annotations

import numpy as np


def overlap_texts(lines: list[str], size: int) -> list[str]:
    """Windows of ``size`` consecutive lines joined by a space, one per end position (front-padded)."""
    return [" ".join(lines[max(0, e - size + 1) : e + 1]) for e in range(len(lines))]


def encode_overlaps(embedder, lines: list[str], max_size: int) -> np.ndarray:
    """``V[k-1, e]``: embedding of the window of ``k`` lines ending at line ``e`` (inclusive)."""
    texts = [t for k in range(1, max_size + 1) for t in overlap_texts(lines, k)]
    vecs = embedder.encode(texts) if texts else np.zeros((0, embedder.dim), np.float32)
    return vecs.reshape(max_size, len(lines), -1)


def overlap_lengths(lines: list[str], max_size: int) -> np.ndarray:
    """``L[k-1, e]``: UTF-8 byte length of the window of ``k`` lines ending at line ``e``."""
    return np.array([[len(t.encode("utf-8")) for t in overlap_texts(lines, k)] for k in range(1, max_size + 1)],
                    dtype=float).reshape(max_size, len(lines))
