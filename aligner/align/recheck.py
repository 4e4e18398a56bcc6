"""Align on approximate (int8) vectors, then recheck the close calls with exact (fp32) ones.

Round one aligns on the approximate vectors, with the second pass's cuts (which pairs it
re-scores, which windows it encodes) moved a little (``widened``), so that it re-scores at least
what the exact encoder's run would. The sentences of its close calls
(:mod:`aligner.align.close_calls`) are encoded again by the exact encoder and round two aligns on
the mixed vectors: its second-pass windows over a rechecked sentence are encoded exactly too, the
others reuse round one's vectors. Where nothing is close, round one's answer stands. On
../shared/bench int8 so gives exactly fp32's beads on five sets of six (and three better beads on
the sixth), encoding again 0.1-5 % of what fp32 encodes on the id-en news sets, 13 % on the Bible
and 35 % on the natural de-fr dev document.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Optional

import numpy as np

from .aligner import Aligner, FirstPass
from .base import Bead
from .close_calls import CloseCalls
from .config import AlignConfig
from .refine import Encode
from .side import Side

log = logging.getLogger(__name__)


def align_rechecked(src: Side, tgt: Side, config: AlignConfig, encode: Encode, exact: Encode) -> list[Bead]:
    """Both passes with ``encode`` (the approximate encoder), then :func:`recheck` with ``exact``."""
    config = widened(config)  # the caller's cuts, moved (the exact encoder's run keeps them)
    plan = Aligner(config).plan(src, tgt)
    vectors = _encode(encode, plan.texts)
    beads, close = plan.finish_with_close_calls(vectors)
    return _round_two(plan, close, beads, dict(zip(plan.texts, vectors)), config, encode, exact)


def recheck(
    plan: FirstPass, vectors: np.ndarray, config: AlignConfig, encode: Encode, exact: Encode
) -> list[Bead]:
    """``plan``'s answer with ``vectors`` for its window texts, with its close calls decided again
    on ``exact``'s vectors; ``config``: what ``plan`` was made with (``widened``)."""
    beads, close = plan.finish_with_close_calls(vectors)
    return _round_two(plan, close, beads, dict(zip(plan.texts, vectors)), config, encode, exact)


def _round_two(
    plan: FirstPass, close: Optional[CloseCalls], beads: list[Bead], known: dict, config: AlignConfig,
    encode: Encode, exact: Encode,
) -> list[Bead]:
    """``plan``'s second pass again, with ``exact``'s vectors for the ``close`` sentences (``known``:
    round one's window vectors by text); ``beads`` when nothing was close."""
    if close is None or not close.count or plan.sides is None:  # None: a side was empty
        return beads
    src, tgt = plan.sides
    if src.texts is None or tgt.texts is None:
        return beads
    rows_src, rows_tgt = np.nonzero(close.src)[0], np.nonzero(close.tgt)[0]
    log.debug("recheck: %d of %d sentences encoded again exactly", close.count, len(src) + len(tgt))
    fresh = _encode(exact, [src.texts[i] for i in rows_src] + [tgt.texts[j] for j in rows_tgt])
    again = Aligner(config).rescore(plan, src.with_rows(rows_src, fresh[: len(rows_src)]),
                                     tgt.with_rows(rows_tgt, fresh[len(rows_src) :]))
    if not again.texts:
        return again.beads
    return again.finish(_window_vectors(again, close, known, encode, exact))


def _window_vectors(plan: FirstPass, close: CloseCalls, known: dict, encode: Encode, exact: Encode) -> np.ndarray:
    """Vectors of ``plan``'s window texts: exact for a window over a rechecked sentence, else round
    one's vector of the same text (``known``) or ``encode``'s."""
    windows = plan.windows
    over = [bool((close.src if is_src else close.tgt)[end - size : end].any()) for is_src, size, end in windows.sides()]
    exact_at = [k for k, o in enumerate(over) if o]
    fast_at = [k for k, o in enumerate(over) if not o and plan.texts[k] not in known]
    parts = {}
    for positions, encoder in ((exact_at, exact), (fast_at, encode)):
        if positions:
            parts.update(zip(positions, _encode(encoder, [plan.texts[k] for k in positions])))
    return np.stack([parts[k] if k in parts else known[plan.texts[k]] for k in range(len(plan.texts))])


def _encode(encoder: Encode, texts: list[str]) -> np.ndarray:
    return np.asarray(encoder(texts), dtype=np.float32) if texts else np.zeros((0, 0), np.float32)


def widened(config: AlignConfig) -> AlignConfig:
    """``config`` for the approximate encoder's run: the second pass's two cuts moved by
    ``close_calls.selection_margin``, so that it re-scores at least what the exact encoder's run would."""
    margin, refine = config.close_calls.selection_margin, config.refine
    if not margin:
        return config
    slack = None if refine.window_slack is None else refine.window_slack + margin
    return dataclasses.replace(config, refine=dataclasses.replace(
        refine, confidence=refine.confidence + margin, window_slack=slack))
