"""What every embedder backend does around its model: clean the texts, encode them in chunks
(one progress report per chunk), warn once about truncated texts, return unit float32 rows."""
from __future__ import annotations

import logging
from typing import Callable, Optional, Sequence, TypeVar

import numpy as np

from aligner.embed.base import ProgressCallback

log = logging.getLogger(__name__)

PROGRESS_BATCHES = 8
"""Batches per encoder call, i.e. per progress report (a few seconds of work on two cores)."""

T = TypeVar("T")


def clean_texts(sentences: Sequence[str]) -> list[str]:
    """The sentences as stripped strings (``None`` -> ``""``); a bare string is refused."""
    if isinstance(sentences, str):
        raise TypeError("encode() takes a sequence of sentences, not a single string")
    return [("" if s is None else str(s)).strip() for s in sentences]


def encode_in_chunks(
    items: Sequence[T],
    encode_chunk: Callable[[Sequence[T]], np.ndarray],
    *,
    dim: int,
    chunk_size: int,
    progress: Optional[ProgressCallback] = None,
) -> np.ndarray:
    """``encode_chunk`` over consecutive chunks of ``items``, stacked as ``(len(items), dim)`` float32."""
    out = np.zeros((len(items), dim), dtype=np.float32)
    for start in range(0, len(items), chunk_size):
        chunk = items[start : start + chunk_size]
        out[start : start + len(chunk)] = encode_chunk(chunk)
        if progress is not None:
            progress(len(chunk))
    return out


def warn_truncated(count: int, total: int, limit: Optional[int]) -> None:
    """One warning line when ``count`` of ``total`` texts exceed the ``limit`` tokens."""
    if count:
        log.warning("%d of %d sentences are longer than %d tokens and were truncated for embedding", count, total, limit)


def unit_rows(x: np.ndarray) -> np.ndarray:
    """``x`` (float32) with every row scaled to length 1 (all-zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
