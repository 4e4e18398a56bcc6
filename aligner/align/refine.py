"""Second pass: re-score the uncertain stretches with windows encoded as text.

The first pass embeds a multi-sentence window as the sum of its sentence vectors, which is cheap
but flatters merges: a loosely translated sentence glued to a good neighbour still looks like a
match (meaning-based translations such as a Bible paraphrase move content between verses). The
second pass encodes the concatenated text of the windows that lie in uncertain stretches only
(merges, skips, low-confidence pairs and their neighbours), blends that similarity with the summed
one, and runs the DP again in a corridor around the first path. Confident 1-1 stretches, most of
a clean document, cost nothing extra.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from .base import Bead
from .dp import DPParams
from .length_ratio import length_mismatch
from .near import NearMisses
from .recut import RecutRule
from .scoring import ScoringParams
from .side import Side
from .windows import window_any

Encode = Callable[[Sequence[str]], np.ndarray]
"""Encodes texts into unit vectors, e.g. ``Embedder.encode``."""


def _refine_params() -> ScoringParams:
    return ScoringParams(
        type_penalty={(1, 1): 0.0, (1, 2): 0.25, (2, 1): 0.25}, many_penalty=0.6, crossing_weight=4.0,
    )


@dataclass(frozen=True)
class RefineConfig:
    """When and how the second pass re-scores windows with their encoded text."""

    enabled: bool = True
    confidence: float = 0.9
    """1-1 pairs of the first pass at or above this confidence count as settled."""
    reach: int = 1
    """Sentences on each side of an unsettled bead that are re-scored too."""
    text_weight: float = 0.6
    """Share of the encoded-text similarity in a window's blended similarity."""
    band_radius: int = 8
    """Half-width, in sentences, of the corridor around the first path searched again."""
    max_text_size: int = 5
    """Windows of more sentences keep their summed vector (a 1-5 bead needs 5; windows of ``wide_window``
    or more are encoded only near the first pass's merges, so the big ones cost little)."""
    wide_window: int = 4
    """Windows of this many sentences or more are encoded only near the first pass's merges."""
    max_window_chars: int = 1000
    """Longer windows keep their summed vector: the encoder would truncate their text (512 tokens),
    and long inputs make its attention memory grow with the square of their length."""
    window_slack: Optional[float] = 1.0
    """Of those windows, only the ones a bead uses on some path within this much DP gain of the best
    second-pass path on summed vectors are encoded: a window whose every bead lies further off would
    need its text to move the path by more than text does (on ../shared/bench 0.5 already changes
    beads, 1.0 none). None: encode them all."""
    params: ScoringParams = field(default_factory=_refine_params)
    """Gain weights of the second pass."""
    dp: DPParams = field(default_factory=DPParams)
    """Skip gains and gap filling of the second pass (``dense_skip_gain`` may replace the skip gain)."""
    dense_unaligned: float = 0.03
    """A document whose first pass left fewer unflagged sentences than this share unaligned is
    a dense translation (every sentence has its counterpart) ..."""
    dense_skip_gain: float = -0.1
    """... and in the second pass leaving a sentence unaligned gains this (a small cost) there."""
    attach_gain: Optional[float] = 0.005
    """A sentence left alone next to a pair joins it when the pair's encoded texts grow at least this
    much more alike with it (cosine): a fragment a translator merged, not a deletion (which dilutes);
    None: no joining."""
    attach_loose_gain: Optional[float] = -0.01
    """It joins as well when the cosine falls by less than this while the pair's length ratio moves
    closer to the document's (see ``AttachRule``). A fragment the translator merged barely moves the
    cosine (dev document: median -0.003); a deleted sentence next to a pair moves it more (median
    -0.018 on benchmarks/long_document.py, whose deletions -0.03 joined: strict F1 0.997 -> 0.991)."""
    unmerge_margin: Optional[float] = 0.05
    """A 1-2 (2-1) bead next to a lone sentence on its single side becomes two 1-1 pairs with that
    sentence when the merge's cosine is less than this above the weaker of the two pairs' (see
    ``pair_lone_neighbours``); None: never."""
    many_near_merges: bool = True
    """Many-to-many beads (2-2, 2-3, 3-3 ...) only where the first pass merged or left a sentence
    unaligned: a stretch of confident 1-1 pairs is not re-cut into bigger beads."""
    recut: Optional[RecutRule] = field(default_factory=RecutRule)
    """When two neighbouring pairs of a document whose translator often re-cuts sentences become one
    many-to-many bead (see :mod:`aligner.align.recut`); None: never."""


def second_pass_dp(
    beads: Sequence[Bead], src_flag: np.ndarray, tgt_flag: np.ndarray, config: RefineConfig
) -> DPParams:
    """The second pass's DP settings, with skipping made costly in a dense translation.

    Where the first pass paired nearly everything, a lone sentence is more likely a loose
    translation that a neighbour's merge swallowed than a real omission.
    """
    n_sent = len(src_flag) + len(tgt_flag)
    lone = sum(1 for b in beads if not (b.src and b.tgt) and not _flagged_skip(b, src_flag, tgt_flag))
    if n_sent and lone < config.dense_unaligned * n_sent:
        return dataclasses.replace(config.dp, skip_gain=config.dense_skip_gain)
    return config.dp


def _flagged_skip(bead: Bead, src_flag: np.ndarray, tgt_flag: np.ndarray) -> bool:
    """Whether ``bead`` leaves a flagged (boilerplate, wrong-language) sentence unaligned."""
    if bead.src and bead.tgt:
        return False
    return bool(src_flag[list(bead.src)].any() or tgt_flag[list(bead.tgt)].any())


@dataclass(frozen=True)
class AttachRule:
    """When a lone sentence joins the neighbouring pair (see ``attach_fragments``)."""

    max_align: int = 5
    max_bead: int = 6
    min_gain: float = 0.005
    """Joins when the pair's encoded texts grow at least this much more alike with it (cosine)."""
    loose_gain: Optional[float] = -0.01
    """... or when they stay nearly as alike (cosine falls by less than this) while the pair's
    length ratio moves closer to the document's; None: cosine alone decides."""
    length_slope: float = 0.0
    """... by less than ``loose_gain`` plus this much per unit the length mismatch falls: a pair
    whose target is half as long as its source needs the missing sentence more."""


def attach_fragments(
    spans: list[tuple[int, int, int, int]],
    text_cosine: Callable[[int, int, int, int], Optional[float]],
    src: Side,
    tgt: Side,
    rule: AttachRule = AttachRule(),
    near: Optional[NearMisses] = None,
) -> list[tuple[int, int, int, int]]:
    """Join each lone unflagged sentence to the neighbouring pair whose translation it completes.

    ``text_cosine(i0, i1, j0, j1)`` is the cosine of a bead's windows as text (None: not encoded).
    A fragment joins the side of the pair it sits on, before or after it (the larger cosine gain
    wins), when the cosine grows by ``rule.min_gain``, or barely falls while the pair's length
    ratio gets closer to the document's: a sentence a translator split off carries the missing
    length, a deleted one makes the pair lopsided. Bead size limits hold. ``near`` notes the
    joins whose gain came close to a threshold, or to the other neighbour's.
    """
    out = list(spans)
    off_ratio = length_mismatch(out, src.lengths, tgt.lengths)
    k = 0
    while k < len(out):
        i0, i1, j0, j1 = out[k]
        lone_src = i1 - i0 == 1 and j1 == j0 and not src.flags[i0] and _has_words(src, i0)
        lone_tgt = j1 - j0 == 1 and i1 == i0 and not tgt.flags[j0] and _has_words(tgt, j0)
        if not (lone_src or lone_tgt):
            k += 1
            continue
        best = None
        for nb in (k - 1, k + 1):
            if not 0 <= nb < len(out):
                continue
            a0, a1, b0, b1 = out[nb]
            if a1 == a0 or b1 == b0:
                continue
            grown = (min(a0, i0), max(a1, i1), b0, b1) if lone_src else (a0, a1, min(b0, j0), max(b1, j1))
            na, nb_ = grown[1] - grown[0], grown[3] - grown[2]
            if max(na, nb_) > rule.max_align or na + nb_ > rule.max_bead:
                continue
            before, after = text_cosine(a0, a1, b0, b1), text_cosine(*grown)
            if before is None or after is None:
                continue
            gain = after - before
            evened = off_ratio(a0, a1, b0, b1) - off_ratio(*grown)
            evens = rule.loose_gain is not None and evened >= 0
            loose = rule.loose_gain - rule.length_slope * evened if evens else rule.min_gain
            if near is not None:
                near.note(gain, loose, out[k], out[nb])
            if gain < rule.min_gain and not (evens and gain >= loose):
                continue
            if near is not None and best is not None:
                near.note(gain, best[0], out[k], out[nb], out[best[1]])
            if best is None or gain > best[0]:
                best = (gain, nb, grown)
        if best is None:
            k += 1
            continue
        _, nb, grown = best
        out[min(k, nb)] = grown
        del out[max(k, nb)]
        k = min(k, nb) + 1
    return out


_WORD_OR_NUMBER = re.compile(r"[^\W_]{2,}")


def _has_words(side: Side, k: int) -> bool:
    """Whether sentence ``k`` holds a word or a number of two characters or more: a line of dots,
    dashes and stray letters (scanned page debris, "....." or "- _-") completes no sentence."""
    return side.texts is None or bool(_WORD_OR_NUMBER.search(side.texts[k]))


def pair_lone_neighbours(
    spans: list[tuple[int, int, int, int]], src: Side, tgt: Side, margin: float, near: Optional[NearMisses] = None
) -> list[tuple[int, int, int, int]]:
    """Split a 1-2 (or 2-1) bead into two 1-1 pairs when a lone sentence sits next to its single side
    and each of the two pairs is about as alike (sentence cosine, within ``margin``) as the merge:
    one sentence would otherwise lose its counterpart to a neighbour's merge. A merge a translator
    really made is clearly more alike than its parts taken one by one. ``near`` notes the
    comparisons that came close to ``margin``."""
    out = list(spans)
    k = 0
    while k < len(out):
        i0, i1, j0, j1 = out[k]
        one_two = i1 - i0 == 1 and j1 - j0 == 2
        two_one = i1 - i0 == 2 and j1 - j0 == 1
        for nb in (k - 1, k + 1) if (one_two or two_one) else ():
            if not 0 <= nb < len(out):
                continue
            a0, a1, b0, b1 = out[nb]
            lone = (a1 - a0 == 1 and b1 == b0) if one_two else (b1 - b0 == 1 and a1 == a0)
            if not lone or (src.flags[a0] if one_two else tgt.flags[b0]):
                continue
            if one_two:
                merged = _cos(src.embeddings[i0], tgt.embeddings[j0:j1].sum(0))
                first, second = (a0, i0) if nb < k else (i0, a0)
                pairs = [(first, first + 1, j0, j0 + 1), (second, second + 1, j0 + 1, j1)]
            else:
                merged = _cos(tgt.embeddings[j0], src.embeddings[i0:i1].sum(0))
                first, second = (b0, j0) if nb < k else (j0, b0)
                pairs = [(i0, i0 + 1, first, first + 1), (i0 + 1, i1, second, second + 1)]
            weaker = min(_cos(src.embeddings[p[0]], tgt.embeddings[p[2]]) for p in pairs)
            if near is not None:
                near.note(merged - weaker, margin, out[k], out[nb])
            if merged - weaker < margin:
                lo = min(k, nb)
                out[lo : lo + 2] = pairs
                k = lo + 2
                break
        else:
            k += 1
    return out


def _cos(u: np.ndarray, v: np.ndarray) -> float:
    return float(u @ v) / max(float(np.linalg.norm(u)) * float(np.linalg.norm(v)), 1e-12)


def merge_neighbourhood(beads: Sequence[Bead], n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the source/target sentences in, or next to, a first-pass bead that is not 1-1
    (a merge or a sentence left unaligned)."""
    src = np.zeros(n, dtype=bool)
    tgt = np.zeros(m, dtype=bool)
    for b in beads:
        if len(b.src) == 1 and len(b.tgt) == 1:
            continue
        for i in b.src:
            src[max(0, i - 1) : i + 2] = True
        for j in b.tgt:
            tgt[max(0, j - 1) : j + 2] = True
    return src, tgt


def near_merges(beads: Sequence[Bead], n: int, m: int, max_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Window masks ``(max_size, n + 1)`` / ``(max_size, m + 1)`` of the windows holding a sentence of
    :func:`merge_neighbourhood`."""
    src, tgt = merge_neighbourhood(beads, n, m)
    return window_any(src, max_size), window_any(tgt, max_size)


def unsettled(
    beads: Sequence[Bead],
    n: int,
    m: int,
    confidence: float,
    reach: int,
    src_flag: Optional[np.ndarray] = None,
    tgt_flag: Optional[np.ndarray] = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the source/target sentences in or within ``reach`` of an unsettled bead.

    Settled are 1-1 pairs with at least ``confidence`` and flagged (boilerplate, wrong-language)
    sentences left unaligned; merges, other unaligned sentences and doubtful pairs are not.
    """
    src_flag = np.zeros(n, bool) if src_flag is None else src_flag
    tgt_flag = np.zeros(m, bool) if tgt_flag is None else tgt_flag
    src = np.zeros(n, dtype=bool)
    tgt = np.zeros(m, dtype=bool)
    for b in beads:
        if len(b.src) == 1 and len(b.tgt) == 1 and b.score >= confidence:
            continue
        if _flagged_skip(b, src_flag, tgt_flag):
            continue
        for i in b.src:
            src[max(0, i - reach) : i + reach + 1] = True
        for j in b.tgt:
            tgt[max(0, j - reach) : j + reach + 1] = True
    return src, tgt


def window_requests(mask: np.ndarray, max_size: int, lengths: np.ndarray, max_chars: int) -> list[tuple[int, int]]:
    """``(size, end)`` of every window of 2..``max_size`` sentences ``[end - size, end)`` inside
    ``mask`` whose text (sentence ``lengths`` plus joining spaces) is at most ``max_chars`` long."""
    n = len(mask)
    run = np.zeros(n + 1, dtype=np.int64)  # run[e]: masked sentences ending just before e
    for e in range(1, n + 1):
        run[e] = run[e - 1] + 1 if mask[e - 1] else 0
    chars = np.concatenate([[0.0], np.cumsum(np.asarray(lengths, dtype=float) + 1.0)])
    return [
        (size, e)
        for size in range(2, max_size + 1)
        for e in range(size, n + 1)
        if run[e] >= size and chars[e] - chars[e - size] - 1.0 <= max_chars
    ]


def text_window_requests(
    mask: np.ndarray, near: np.ndarray, max_size: int, lengths: np.ndarray, max_chars: int, wide: int
) -> list[tuple[int, int]]:
    """``window_requests`` inside ``mask`` up to ``wide - 1`` sentences, and windows of ``wide`` or more
    sentences only where they also lie in ``near`` (the first pass's merges): long windows serve the
    big beads, which only form there."""
    short = window_requests(mask, min(max_size, wide - 1), lengths, max_chars)
    if max_size < wide:
        return short
    return short + [r for r in window_requests(mask & near, max_size, lengths, max_chars) if r[0] >= wide]


def window_texts(texts: Sequence[str], requests: Sequence[tuple[int, int]]) -> list[str]:
    """The text of each requested window: its sentences joined by a space."""
    return [" ".join(texts[e - size : e]) for size, e in requests]
