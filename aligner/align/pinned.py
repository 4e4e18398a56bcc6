"""Anchored alignment: pinned beads ("anchors") split a document into stretches aligned alone.

An anchor is a bead the result must contain unchanged, e.g. one a reviewer confirmed:
``((source indexes), (target indexes))``, consecutive indexes, one side possibly empty (a
sentence pinned as having no counterpart). Two-sided anchors cut both documents; the stretch
between two of them is sliced out (sentences and embeddings) and aligned by the ordinary
machinery (``aligner.api.plan_embedded``) as if it were a document of its own, so every stretch
gets its own coarse band and no bead can cross an anchor; its similarities are measured against
the whole document's baselines and scale (``scoring.document_reference``), not those of its few
sentences.
A one-sided anchor cuts one side only; the other side is cut where the first-pass alignment of
its stretch (without the one-sided anchors) crosses that sentence. Anchor beads keep score 1.0:
a confirmed link is certain (as Trados counts confirmed links 100).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional, Sequence

import numpy as np

from ..errors import AlignerError
from .base import Bead
from .scoring import document_reference

if TYPE_CHECKING:  # pragma: no cover
    from ..segment.base import Sentence
    from .aligner import AlignConfig, FirstPass

Anchor = tuple[tuple[int, ...], tuple[int, ...]]
"""``(source indexes, target indexes)``: consecutive, ascending, one side may be empty."""

ANCHOR_SCORE = 1.0
"""Score of an anchor bead in the result: the link is confirmed."""

Encode = Callable[[Sequence[str]], np.ndarray]


def anchor_text(anchor) -> str:
    """An anchor written the way ``.beads`` files write beads, ``[0, 1]:[2]``, for messages."""
    try:
        src, tgt = anchor
        return f"[{', '.join(str(i) for i in src)}]:[{', '.join(str(j) for j in tgt)}]"
    except (TypeError, ValueError):
        return repr(anchor)[:60]


def check_anchors(anchors: Sequence[Anchor], n: int, m: int) -> list[Anchor]:
    """Anchors as tuples of ints; ``AlignerError`` (one line) for invalid ones.

    Invalid: not two sequences of integers, both sides empty, an index out of range (``n``
    source and ``m`` target sentences), indexes not consecutive and ascending, a sentence in two
    anchors (overlap, duplicates included), two-sided anchors whose order differs between the
    sides (crossing).
    """
    try:
        items = list(anchors)
    except TypeError:
        raise AlignerError("anchors must be a list of (source indexes, target indexes) pairs") from None
    out: list[Anchor] = []
    src_owner: dict[int, Anchor] = {}
    tgt_owner: dict[int, Anchor] = {}
    for raw in items:
        anchor = _as_anchor(raw)
        src, tgt = anchor
        what = f"anchor {anchor_text(anchor)}"
        if not src and not tgt:
            raise AlignerError(f"{what}: both sides are empty")
        for side, idx, size in (("source", src, n), ("target", tgt, m)):
            for k in idx:
                if not 0 <= k < size:
                    raise AlignerError(f"{what}: {side} index {k} is out of range (the {side} has {size} sentences)")
            if idx and list(idx) != list(range(idx[0], idx[0] + len(idx))):
                raise AlignerError(f"{what}: {side} indexes must be consecutive and ascending")
        for side, idx, owner in (("source", src, src_owner), ("target", tgt, tgt_owner)):
            for k in idx:
                if k in owner:
                    other = owner[k]
                    if other == anchor:
                        raise AlignerError(f"{what} is given twice")
                    raise AlignerError(f"{what} overlaps anchor {anchor_text(other)} ({side} sentence {k})")
                owner[k] = anchor
        out.append(anchor)
    pairs = sorted((a for a in out if a[0] and a[1]), key=lambda a: a[0][0])
    for before, after in zip(pairs, pairs[1:]):
        if after[1][0] < before[1][0]:
            raise AlignerError(f"anchors {anchor_text(before)} and {anchor_text(after)} cross: "
                               "their order differs between source and target")
    return out


def _as_anchor(raw) -> Anchor:
    try:
        src, tgt = raw
        sides = tuple(tuple(_as_index(k) for k in side) for side in (src, tgt))
    except (TypeError, ValueError):
        raise AlignerError(f"anchor {anchor_text(raw)}: expected (source indexes, target indexes)") from None
    return sides  # type: ignore[return-value]


def _as_index(k) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise ValueError(k)
    return int(k)


@dataclass
class _Piece:
    """A stretch ``[i0, i1) x [j0, j1)`` of the document: an anchor, or a plan aligned alone."""

    i0: int
    i1: int
    j0: int
    j1: int
    anchor: Optional[Anchor] = None
    plan: Optional["FirstPass"] = None
    done: Optional[list[Bead]] = None
    """The stretch's final beads (relative to ``i0, j0``), when an earlier plan solved it."""

    @property
    def key(self) -> tuple[int, int, int, int]:
        return self.i0, self.i1, self.j0, self.j1


@dataclass
class PinnedPlan:
    """First passes of the stretches between anchors, and their second pass in one batch.

    Mirrors ``FirstPass``: ``texts`` (each window text once, all stretches together) and
    ``finish(vectors)``; a NaN row in ``vectors`` means "not encoded": that window keeps its
    first-pass vector (the normalised sum of its sentence vectors), so it scores as in the first pass.
    ``solved`` holds, once finished, every stretch's final beads and the placement paths used,
    for ``plan_pinned(..., solved=)`` to reuse.
    """

    pieces: list[_Piece]
    src_emb: np.ndarray
    tgt_emb: np.ndarray
    src_text: list[str]
    tgt_text: list[str]
    solved: dict = field(default_factory=dict)
    texts: list[str] = field(init=False)

    def __post_init__(self) -> None:
        seen: dict[str, int] = {}
        for piece in self.pieces:
            for text in piece.plan.texts if piece.plan is not None and piece.done is None else ():
                seen.setdefault(text, len(seen))
        self.texts = list(seen)
        self._row = seen

    @property
    def beads(self) -> list[Bead]:
        """The first-pass answer, anchors included (final when ``texts`` is empty)."""
        return self._assemble(lambda piece: piece.done if piece.done is not None else piece.plan.beads)

    def finish(self, vectors: np.ndarray) -> list[Bead]:
        """The second pass of every stretch, given one unit vector (or a NaN row) per ``texts`` entry."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(vectors) != len(self.texts):
            raise ValueError(f"expected {len(self.texts)} window vectors, got {len(vectors)}")

        def second(piece: _Piece) -> list[Bead]:
            if piece.done is not None:
                beads = piece.done
            elif not piece.plan.texts:
                beads = piece.plan.beads
            else:
                rows = vectors[[self._row[t] for t in piece.plan.texts]]
                for r in np.flatnonzero(np.isnan(rows).any(axis=1)):
                    rows[r] = self._first_pass_vector(piece, piece.plan.texts[r])
                beads = piece.plan.finish(rows)
            self.solved[piece.key] = beads
            return beads

        return self._assemble(second)

    def complete(self, encode: Optional[Encode]) -> list[Bead]:
        """The final beads: all stretches' windows encoded in one ``encode`` call, when there are any."""
        if self.texts and encode is None:
            return self.beads
        return self.finish(np.asarray(encode(self.texts), dtype=np.float32) if self.texts
                           else np.zeros((0, self.src_emb.shape[1]), np.float32))

    def _assemble(self, beads_of: Callable[[_Piece], list[Bead]]) -> list[Bead]:
        out: list[Bead] = []
        for piece in self.pieces:
            if piece.anchor is not None:
                out.append(Bead(piece.anchor[0], piece.anchor[1], ANCHOR_SCORE))
                continue
            for b in beads_of(piece):
                out.append(Bead(tuple(piece.i0 + i for i in b.src), tuple(piece.j0 + j for j in b.tgt), b.score))
        return out

    def _first_pass_vector(self, piece: _Piece, text: str) -> np.ndarray:
        """The summed-vector embedding of the window whose text is ``text`` in ``piece``'s stretch."""
        sides = ((self.src_text, self.src_emb, piece.i0, piece.i1), (self.tgt_text, self.tgt_emb, piece.j0, piece.j1))
        for texts, emb, lo, hi in sides:
            for s in range(lo, hi):
                if not text.startswith(texts[s]):
                    continue
                e, joined = s + 1, texts[s]
                while len(joined) < len(text) and e < hi:
                    joined += " " + texts[e]
                    e += 1
                if joined == text:
                    vec = emb[s:e].astype(np.float64).sum(axis=0)
                    return (vec / max(float(np.linalg.norm(vec)), 1e-12)).astype(np.float32)
        raise ValueError(f"window not found in its stretch: {text[:60]!r}")


def plan_pinned(
    src: list["Sentence"],
    tgt: list["Sentence"],
    src_emb: np.ndarray,
    tgt_emb: np.ndarray,
    anchors: Sequence[Anchor],
    config: "AlignConfig",
    second_pass: bool = True,
    solved: Optional[dict] = None,
) -> PinnedPlan:
    """Check ``anchors`` and plan the alignment of every stretch between them (see the module doc).

    ``solved`` (an earlier plan's ``solved``, over the same sentences, embeddings, config and
    window vectors) spares the stretches it already holds: re-aligning with one more anchor
    redoes only the stretch that anchor splits.
    """
    from ..api import plan_embedded  # aligner.api calls into this module: import on use

    n, m = len(src), len(tgt)
    anchors = check_anchors(anchors, n, m)
    solved = solved or {}
    used: dict = {}

    # every stretch is scored against the whole document's means and scale, not its own few sentences'
    reference = (document_reference(np.asarray(src_emb), np.asarray(tgt_emb), config.params)
                 if anchors and n and m and config.params.neighbours <= 0 else None)

    def plan(i0: int, i1: int, j0: int, j1: int, second: bool) -> "FirstPass":
        return plan_embedded(src[i0:i1], tgt[j0:j1], src_emb[i0:i1], tgt_emb[j0:j1], config, second_pass=second,
                             reference=reference)

    rects: list[_Piece] = []
    two_sided = sorted((a for a in anchors if a[0] and a[1]), key=lambda a: a[0][0])
    bounds = [(0, 0)] + [(a[0][0], a[1][0]) for a in two_sided] + [(n, m)]
    ends = [(0, 0)] + [(a[0][-1] + 1, a[1][-1] + 1) for a in two_sided]
    for k, (i0, j0) in enumerate(ends):
        i1, j1 = bounds[k + 1]
        lone_src = sorted(a[0] for a in anchors if not a[1] and i0 <= a[0][0] < i1)
        lone_tgt = sorted(a[1] for a in anchors if not a[0] and j0 <= a[1][0] < j1)
        if lone_src or lone_tgt:
            key = ("path", i0, i1, j0, j1)
            path = solved[key] if key in solved else plan(i0, i1, j0, j1, False).beads
            used[key] = path
            rects.extend(_lone_rects(lone_src, lone_tgt, path, i0, j0))
        if k < len(two_sided):
            a = two_sided[k]
            rects.append(_Piece(a[0][0], a[0][-1] + 1, a[1][0], a[1][-1] + 1, anchor=a))
    pieces: list[_Piece] = []
    i, j = 0, 0
    for rect in rects + [_Piece(n, n, m, m)]:
        if rect.i0 > i or rect.j0 > j:
            done = solved.get((i, rect.i0, j, rect.j0))
            pieces.append(_Piece(i, rect.i0, j, rect.j0, done=done,
                                 plan=None if done is not None else plan(i, rect.i0, j, rect.j0, second_pass)))
        if rect.anchor is not None:
            pieces.append(rect)
        i, j = rect.i1, rect.j1
    return PinnedPlan(pieces, np.asarray(src_emb), np.asarray(tgt_emb), [s.text for s in src],
                      [s.text for s in tgt], used)


def _lone_rects(lone_src: list[tuple[int, ...]], lone_tgt: list[tuple[int, ...]], path: list[Bead],
                i0: int, j0: int) -> list[_Piece]:
    """Place one-sided anchors (their sorted source / target indexes) on the other side.

    ``path`` is the first-pass alignment of the stretch starting at ``(i0, j0)``: a source
    anchor is placed at the target position the path has reached when it gets to the anchor's
    first sentence (and vice versa). Merging both lists in that order keeps the result monotone.
    """
    corners = [(0, 0)]
    for b in path:
        corners.append((corners[-1][0] + len(b.src), corners[-1][1] + len(b.tgt)))
    ci = np.array([c[0] for c in corners])
    cj = np.array([c[1] for c in corners])

    def tgt_at(i: int) -> int:  # the path's target position at its last corner up to source i
        return j0 + int(cj[ci <= i - i0].max())

    def src_at(j: int) -> int:
        return i0 + int(ci[cj <= j - j0].max())

    out: list[_Piece] = []
    pi, pj = i0, j0
    a, b = 0, 0
    while a < len(lone_src) or b < len(lone_tgt):
        if b == len(lone_tgt) or (a < len(lone_src) and tgt_at(lone_src[a][0]) <= lone_tgt[b][0]):
            idx = lone_src[a]
            j = max(tgt_at(idx[0]), pj)
            out.append(_Piece(idx[0], idx[-1] + 1, j, j, anchor=(idx, ())))
            a += 1
        else:
            idx = lone_tgt[b]
            i = max(src_at(idx[0]), pi)
            out.append(_Piece(i, i, idx[0], idx[-1] + 1, anchor=((), idx)))
            b += 1
        pi, pj = out[-1].i1, out[-1].j1
    return out


def align_pinned(src: list["Sentence"], tgt: list["Sentence"], src_emb: np.ndarray, tgt_emb: np.ndarray,
                 anchors: Sequence[Anchor], config: "AlignConfig", encode: Optional[Encode] = None) -> list[Bead]:
    """Align with ``anchors`` kept unchanged; every sentence ends in exactly one bead.

    With ``encode``, the second pass of all stretches encodes its windows in one call.
    """
    return plan_pinned(src, tgt, src_emb, tgt_emb, anchors, config, second_pass=encode is not None).complete(encode)
