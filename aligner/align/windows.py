"""Window embeddings for multi-sentence beads, built from sentence embeddings.

A window of k consecutive sentences is embedded as the normalised sum of its sentence vectors, so
encoding stays one pass over the sentences instead of one pass per window size.
"""
from __future__ import annotations

import numpy as np


def window_embeddings(emb: np.ndarray, max_size: int) -> np.ndarray:
    """Return ``W`` of shape ``(max_size, n + 1, d)``: ``W[k-1, e]`` embeds sentences ``[e-k, e)``.

    Rows whose window would start before 0 are zero.
    """
    n, d = emb.shape
    prefix = np.zeros((n + 1, d), dtype=np.float64)
    np.cumsum(emb, axis=0, out=prefix[1:])
    out = np.zeros((max_size, n + 1, d), dtype=np.float32)
    for k in range(1, max_size + 1):
        if k > n:
            break
        sums = prefix[k:] - prefix[:-k]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        out[k - 1, k:] = sums / np.maximum(norms, 1e-12)
    return out


def window_lengths(lengths: np.ndarray, max_size: int) -> np.ndarray:
    """Return ``L`` of shape ``(max_size, n + 1)``: ``L[k-1, e]`` sums lengths of ``[e-k, e)`` (0 if invalid)."""
    n = len(lengths)
    prefix = np.zeros(n + 1, dtype=np.float64)
    np.cumsum(lengths, out=prefix[1:])
    out = np.zeros((max_size, n + 1), dtype=np.float64)
    for k in range(1, min(max_size, n) + 1):
        out[k - 1, k:] = prefix[k:] - prefix[:-k]
    return out


def window_crosses(paragraphs: np.ndarray, max_size: int) -> np.ndarray:
    """Return ``X`` of shape ``(max_size, n + 1)``: True where window ``[e-k, e)`` spans two paragraphs."""
    n = len(paragraphs)
    out = np.zeros((max_size, n + 1), dtype=bool)
    for k in range(2, min(max_size, n) + 1):
        out[k - 1, k:] = paragraphs[k - 1 :] != paragraphs[: n - k + 1]
    return out


def window_any(flags: np.ndarray, max_size: int) -> np.ndarray:
    """Return ``F`` of shape ``(max_size, n + 1)``: True where window ``[e-k, e)`` holds a flagged sentence."""
    counts = window_lengths(np.asarray(flags, dtype=float), max_size)
    return counts > 0


class WindowOverrides:
    """Replacement vectors for a few windows (e.g. their text encoded); the others keep the base ones.

    Only the replaced vectors are stored, with an index of shape ``(max_size, n + 1)`` (-1 where a
    window is not replaced), so a long document does not need a second dense window array.
    """

    def __init__(self, shape: tuple[int, int], requests: list[tuple[int, int]], vectors: np.ndarray) -> None:
        self.index = np.full(shape, -1, dtype=np.int64)
        for row, (size, end) in enumerate(requests):
            self.index[size - 1, end] = row
        self.vectors = np.asarray(vectors, dtype=np.float32)

    def any(self, cols) -> bool:
        """Whether any window ending in ``cols`` (an index or a slice) is replaced."""
        return bool((self.index[:, cols] >= 0).any())

    def take(self, base: np.ndarray, cols) -> np.ndarray:
        """``base[:, cols]`` (base: ``(max_size, n + 1, d)``) with the replaced windows swapped in."""
        out = base[:, cols].copy()
        idx = self.index[:, cols]
        replaced = idx >= 0
        if replaced.any():
            out[replaced] = self.vectors[idx[replaced]]
        return out

    def baselines(self, base: np.ndarray, score) -> np.ndarray:
        """``base`` (``(max_size, n + 1)`` baselines) with ``score(vectors)`` at the replaced windows."""
        out = base.copy()
        replaced = self.index >= 0
        if replaced.any():
            out[replaced] = score(self.vectors)[self.index[replaced]]
        return out
