"""Re-cut sentences: two neighbouring pairs that are one many-to-many bead (2-2, 2-3, 3-2, 3-3).

A translator who moves a clause over a sentence boundary leaves two pairs whose lengths are lopsided
in opposite ways (one target too long for its source, the next too short) while their union is
balanced; the union's texts are about as alike as the better pair's, and each source sentence shares
content with the other pair's target. Summed vectors cannot see this and the DP's bead prior keeps
two 1-1 pairs, so this rule joins them afterwards, on the texts and lengths of both.

It runs only in a document whose translator re-cuts sentences often: one where many pairs are not
1-1 (on ../shared/bench, the natural de-fr document: 0.33 after the second pass's DP; the id-en sets
at most 0.19, their merges made by a script or a rare verse joined). Where nearly every pair is 1-1,
lopsided neighbours are loose translations side by side, and joining them would be wrong (on the
Bible the same tests would join 21 pairs of correct 1-1 beads, on the news sets 3).

The other way round, in every document, a many-to-many bead of the DP whose parts are neither
lopsided nor clearly less alike than the whole is split into them (``split_unfounded``). The
thresholds were chosen on the de-fr development document (29 many-to-many beads), where they sit on
a plateau.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from .length_ratio import length_mismatch
from .near import NearMisses, Span
from .side import Side

TextCosine = Callable[[int, int, int, int], Optional[float]]
"""Cosine of a bead's two windows as encoded text, or None where a window was not encoded."""


@dataclass(frozen=True)
class RecutRule:
    """When two neighbouring pairs become one many-to-many bead (see :func:`join_recut_pairs`)."""

    plan_share: float = 0.15
    """The second pass encodes the rule's windows where at least this share of the first pass's
    pairs is not 1-1 ..."""
    min_share: float = 0.2
    """... and the rule runs where, after its DP, the lower bound (one-sided 95 %, Wilson's) of the
    share of pairs that are not 1-1 is at least this: a long natural document, not a short one with
    a few merges by chance."""
    max_side: int = 3
    """Most sentences on one side of the joined bead."""
    min_length_gain: float = 0.45
    """The pairs' length mismatches (``|log(target / (ratio * source))|``) minus twice the union's, at least."""
    min_text_gain: float = -0.015
    """The union's text cosine minus the better pair's, at least."""
    min_crossing: float = -0.06
    """The better crossing cosine (one pair's source with the other's target) minus the weaker pair's, at least."""
    attach_gain: float = 0.0
    """Then lone sentences join a neighbouring pair again (``refine.attach_fragments``): where the
    pair's texts stay at least as alike with it (the second pass's own rule asks for a gain) ..."""
    attach_length_slope: float = 0.1
    """... or where the cosine falls by less than the loose allowance plus this much per unit the
    join evens out the pair's length mismatch: in such a document a sentence left alone next to a
    pair is more often a piece the translator split off than a deletion."""
    split_text_gain: float = 0.02
    """A many-to-many bead of the DP whose parts are not lopsided (below ``min_length_gain``) splits
    into its best two pairs unless its texts are at least this much more alike than the better part's."""


def _shares(spans: Sequence[Span]) -> tuple[int, int]:
    """The pairs of ``spans`` that are not 1-1, and all pairs."""
    sizes = [i1 - i0 + j1 - j0 for i0, i1, j0, j1 in spans if i1 > i0 and j1 > j0]
    return sum(1 for size in sizes if size > 2), len(sizes)


def may_recut(spans: Sequence[Span], rule: RecutRule) -> bool:
    """Whether the first pass's ``spans`` make the rule's windows worth encoding (``rule.plan_share``)."""
    many, n = _shares(spans)
    return n > 0 and many >= rule.plan_share * n


def recuts_often(spans: Sequence[Span], rule: RecutRule) -> bool:
    """Whether the pairs of ``spans`` that are not 1-1 are, with 95 % confidence (Wilson's lower bound),
    at least ``rule.min_share`` of all pairs."""
    many, n = _shares(spans)
    if not n:
        return False
    p, z = many / n, 1.645
    lower = (p + z * z / (2 * n) - z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)
    return bool(lower >= rule.min_share)


def _joinable(a: Span, b: Span, src: Side, tgt: Side, max_side: int) -> Optional[Span]:
    """The union of two neighbouring pairs when it is a many-to-many bead within ``max_side`` inside
    one paragraph on each side; else None."""
    if a[1] == a[0] or a[3] == a[2] or b[1] == b[0] or b[3] == b[2] or a[1] != b[0] or a[3] != b[2]:
        return None
    union = (a[0], b[1], a[2], b[3])
    na, nb = union[1] - union[0], union[3] - union[2]
    if not (2 <= na <= max_side and 2 <= nb <= max_side):
        return None
    if src.paragraphs[union[0]] != src.paragraphs[union[1] - 1] or tgt.paragraphs[union[2]] != tgt.paragraphs[union[3] - 1]:
        return None
    return union


def _candidates(spans: Sequence[Span], src: Side, tgt: Side, rule: RecutRule) -> list[tuple[int, Span]]:
    """``(k, union)`` for each neighbouring ``spans[k]``, ``spans[k + 1]`` whose union is joinable and
    evens out their lengths by ``rule.min_length_gain``."""
    mismatch = length_mismatch(spans, src.lengths, tgt.lengths)
    out = []
    for k in range(len(spans) - 1):
        a, b = spans[k], spans[k + 1]
        union = _joinable(a, b, src, tgt, rule.max_side)
        if union is None:
            continue
        if mismatch(*a) + mismatch(*b) - 2 * mismatch(*union) >= rule.min_length_gain:
            out.append((k, union))
    return out


def recut_windows(
    spans: Sequence[Span], src: Side, tgt: Side, rule: RecutRule, max_chars: int
) -> tuple[list, list]:
    """The windows ``(size, end)`` per side that judging the candidate pairs of ``spans`` (the first
    pass's) may need encoded: those of 2 to ``rule.max_side`` sentences within one sentence of a
    candidate's union (the second pass may cut a little differently, and a joined bead may take
    its neighbour), up to ``max_chars`` characters (the second pass's ``max_window_chars``)."""
    src_req, tgt_req = set(), set()
    for _, (i0, i1, j0, j1) in _candidates(spans, src, tgt, rule):
        for req, lo, hi, side in ((src_req, i0, i1, src), (tgt_req, j0, j1, tgt)):
            lo, hi = max(lo - 1, 0), min(hi + 1, len(side))
            for size in range(2, rule.max_side + 1):
                for end in range(lo + size, hi + 1):
                    if _chars(side.lengths, end - size, end) <= max_chars:
                        req.add((size, end))
    return sorted(src_req), sorted(tgt_req)


def join_recut_pairs(
    spans: list[Span], text_cosine: TextCosine, src: Side, tgt: Side, rule: RecutRule,
    near: Optional[NearMisses] = None, rounds: int = 2,
) -> list[Span]:
    """Join neighbouring pairs into one bead where the translator re-cut the sentences: lengths evened
    out (``min_length_gain``), the union's texts about as alike as the better pair's
    (``min_text_gain``) and content crossing between the pairs (``min_crossing``). The joins with the
    largest text gain go first; a pair joins once per round, and a joined bead may take a neighbour
    in the next (a 3-3 bead). ``near`` notes the comparisons close to a threshold."""
    for _ in range(rounds):
        joined = _join_once(spans, text_cosine, src, tgt, rule, near)
        if len(joined) == len(spans):
            break
        spans = joined
    return spans


def _join_once(
    spans: list[Span], text_cosine: TextCosine, src: Side, tgt: Side, rule: RecutRule, near: Optional[NearMisses]
) -> list[Span]:
    judged = []
    for k, union in _candidates(spans, src, tgt, rule):
        a, b = spans[k], spans[k + 1]
        cos = [text_cosine(*a), text_cosine(*b), text_cosine(*union),
               text_cosine(a[0], a[1], b[2], b[3]), text_cosine(b[0], b[1], a[2], a[3])]
        if any(c is None for c in cos):
            continue
        ca, cb, cu, cross_ab, cross_ba = cos
        text_gain, crossing = cu - max(ca, cb), max(cross_ab, cross_ba) - min(ca, cb)
        if near is not None:
            near.note(text_gain, rule.min_text_gain, a, b)
            near.note(crossing, rule.min_crossing, a, b)
        if text_gain >= rule.min_text_gain and crossing >= rule.min_crossing:
            judged.append((text_gain, k, union))
    passed = {k for _, k, _ in judged}
    taken: set[int] = set()
    joined: dict[int, Span] = {}
    for k in sorted(passed):  # two joins in a row: the three pairs are one bead, if it fits
        if k + 1 in passed and k not in taken and k + 2 not in taken:
            triple = _three(spans[k], spans[k + 2], spans[k : k + 3], text_cosine, rule)
            if triple is not None:
                taken.update((k, k + 1, k + 2))
                joined[k] = triple
    for _, k, union in sorted(judged, key=lambda t: -t[0]):
        if k in taken or k + 1 in taken:
            continue
        taken.update((k, k + 1))
        joined[k] = union
    out = []
    for k, span in enumerate(spans):
        if k in joined:
            out.append(joined[k])
        elif k not in taken:
            out.append(span)
    return out


def split_unfounded(
    spans: list[Span], text_cosine: TextCosine, src: Side, tgt: Side, rule: RecutRule,
    near: Optional[NearMisses] = None,
) -> list[Span]:
    """Split each many-to-many bead (up to ``rule.max_side`` a side) that the evidence of a re-cut does
    not found: its best two pairs (the split with the largest summed cosine) are not lopsided in
    opposite ways (``min_length_gain``) and its texts are not clearly more alike than the better
    pair's (``split_text_gain``). Two translations side by side make such a bead; a re-cut does not."""
    mismatch = length_mismatch(spans, src.lengths, tgt.lengths)
    out: list[Span] = []
    for span in spans:
        i0, i1, j0, j1 = span
        if not (2 <= i1 - i0 <= rule.max_side and 2 <= j1 - j0 <= rule.max_side):
            out.append(span)
            continue
        union = text_cosine(*span)
        best = None
        for i in range(i0 + 1, i1):
            for j in range(j0 + 1, j1):
                a, b = (i0, i, j0, j), (i, i1, j, j1)
                ca, cb = text_cosine(*a), text_cosine(*b)
                if ca is not None and cb is not None and (best is None or ca + cb > best[0]):
                    best = (ca + cb, a, b, max(ca, cb))
        if union is None or best is None:
            out.append(span)
            continue
        _, a, b, better = best
        evened = mismatch(*a) + mismatch(*b) - 2 * mismatch(*span)
        if near is not None:
            near.note(union - better, rule.split_text_gain, span, a, b)
        if evened < rule.min_length_gain and union - better < rule.split_text_gain:
            out += [a, b]
        else:
            out.append(span)
    return out


def _three(first: Span, last: Span, parts: Sequence[Span], text_cosine: TextCosine, rule: RecutRule) -> Optional[Span]:
    """The union of three neighbouring pairs when it fits ``rule.max_side`` and its texts are about
    as alike as the best part's (``rule.min_text_gain``); else None."""
    union = (first[0], last[1], first[2], last[3])
    if union[1] - union[0] > rule.max_side or union[3] - union[2] > rule.max_side:
        return None
    cos = [text_cosine(*union)] + [text_cosine(*p) for p in parts]
    if any(c is None for c in cos) or cos[0] - max(cos[1:]) < rule.min_text_gain:
        return None
    return union


def _chars(lengths: np.ndarray, start: int, end: int) -> float:
    """Characters of sentences ``[start, end)`` joined by spaces."""
    return float(np.sum(lengths[start:end])) + (end - start - 1)
