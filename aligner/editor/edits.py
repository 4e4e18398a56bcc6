"""The editor's actions as pure functions over an :class:`EditState`: each returns a new state.

Every sentence of both sides stays in exactly one bead, and beads stay in document order on both
sides (:func:`normalise` checks it). A bead is named by its sentences (:class:`BeadRef`), not by
its position, so that an action sent by a page that has not seen the latest edit either finds the
very bead it meant or fails with :class:`EditError` (never edits a neighbour).

Statuses: ``auto`` (the aligner's), ``confirmed`` (the reviewer says yes), ``linked`` (made by the
reviewer with :func:`link`), ``rejected`` (a sentence marked "not a translation": it has no
counterpart). Confirmed, linked and rejected beads are the reviewer's decisions: re-alignment pins
them (:func:`anchors`) and export counts confirmed and linked pairs as certain.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Optional, Sequence

from ..errors import AlignerError

AUTO = "auto"
CONFIRMED = "confirmed"
LINKED = "linked"
REJECTED = "rejected"
STATUSES = (AUTO, CONFIRMED, LINKED, REJECTED)
DECIDED = frozenset({CONFIRMED, LINKED, REJECTED})
"""Statuses set by the reviewer: kept by re-alignment."""


class EditError(AlignerError):
    """An action that cannot be applied (unknown bead, crossing link, nothing to undo)."""


@dataclass(frozen=True)
class EditBead:
    """Consecutive source and target sentence indexes (one side may be empty), the aligner's score
    (None for a bead the reviewer made) and its status."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: Optional[float] = None
    status: str = AUTO

    @property
    def is_pair(self) -> bool:
        return bool(self.src) and bool(self.tgt)

    @property
    def ref(self) -> "BeadRef":
        return BeadRef(self.src, self.tgt)


@dataclass(frozen=True)
class BeadRef:
    """A bead named by its sentence indexes."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]


@dataclass(frozen=True)
class Change:
    """One undoable step: ``beads[at:at + len(new)]`` were ``old`` before ``action``."""

    action: str
    at: int
    old: tuple[EditBead, ...]
    new: tuple[EditBead, ...]


@dataclass(frozen=True)
class EditState:
    """The beads of an alignment under review plus the history that :func:`undo` walks back."""

    n_src: int
    n_tgt: int
    beads: tuple[EditBead, ...]
    history: tuple[Change, ...] = field(default=())

    def find(self, ref: BeadRef) -> int:
        """Position of the bead with exactly these sentences; EditError when there is none."""
        for k, bead in enumerate(self.beads):
            if bead.src == tuple(ref.src) and bead.tgt == tuple(ref.tgt):
                return k
        raise EditError(f"no bead with source {list(ref.src)} and target {list(ref.tgt)} (the alignment changed)")


def new_state(n_src: int, n_tgt: int, beads: Iterable[EditBead]) -> EditState:
    """A state without history over ``beads`` (checked and put in document order)."""
    return EditState(n_src, n_tgt, normalise(n_src, n_tgt, beads))


def singletons(src: Iterable[int], tgt: Iterable[int], status: str = AUTO) -> list[EditBead]:
    """One 1-0 bead per source and one 0-1 bead per target sentence."""
    return [EditBead((i,), (), None, status) for i in src] + [EditBead((), (j,), None, status) for j in tgt]


def normalise(n_src: int, n_tgt: int, beads: Iterable[EditBead]) -> tuple[EditBead, ...]:
    """``beads`` in document order; EditError unless they cover every sentence once, each side of a
    bead is consecutive, and no two pairs cross. Unaligned sentences come before the pair that
    follows them (source side first)."""
    by_src: dict[int, EditBead] = {}
    by_tgt: dict[int, EditBead] = {}
    for bead in beads:
        if not bead.src and not bead.tgt:
            raise EditError("a bead needs at least one sentence")
        if bead.status not in STATUSES:
            raise EditError(f"unknown bead status {bead.status!r}")
        for side, indexes, seen, n in (("source", bead.src, by_src, n_src), ("target", bead.tgt, by_tgt, n_tgt)):
            if indexes and list(indexes) != list(range(indexes[0], indexes[0] + len(indexes))):
                raise EditError(f"{side} sentences {list(indexes)} of a bead are not consecutive")
            for i in indexes:
                if not 0 <= i < n:
                    raise EditError(f"{side} sentence {i} does not exist (there are {n})")
                if i in seen:
                    raise EditError(f"{side} sentence {i} is in two beads")
                seen[i] = bead
    missing = [f"source {i}" for i in range(n_src) if i not in by_src] + [f"target {j}" for j in range(n_tgt) if j not in by_tgt]
    if missing:
        raise EditError(f"{missing[0]} is in no bead" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    ordered: list[EditBead] = []
    i = j = 0
    while i < n_src or j < n_tgt:
        if i < n_src and not by_src[i].tgt:
            ordered.append(by_src[i])
            i += len(by_src[i].src)
        elif j < n_tgt and not by_tgt[j].src:
            ordered.append(by_tgt[j])
            j += len(by_tgt[j].tgt)
        elif i < n_src and j < n_tgt and by_src[i] is by_tgt[j]:
            bead = by_src[i]
            ordered.append(bead)
            i += len(bead.src)
            j += len(bead.tgt)
        else:
            raise EditError("beads cross each other (a link must keep both documents in order)")
    return tuple(ordered)


def _apply(state: EditState, action: str, beads: Iterable[EditBead]) -> EditState:
    """The new state over ``beads``, with the change from the old beads recorded for undo."""
    new = normalise(state.n_src, state.n_tgt, beads)
    old = state.beads
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    if start == end_old and start == end_new:
        return state
    change = Change(action, start, old[start:end_old], new[start:end_new])
    return replace(state, beads=new, history=state.history + (change,))


def _others(state: EditState, k: int) -> list[EditBead]:
    return [b for n, b in enumerate(state.beads) if n != k]


def confirm(state: EditState, ref: BeadRef) -> EditState:
    """The reviewer says yes: the bead (a pair, or a sentence without counterpart) is kept as it is."""
    k = state.find(ref)
    return _apply(state, "confirm", _others(state, k) + [replace(state.beads[k], status=CONFIRMED)])


def unlink(state: EditState, ref: BeadRef) -> EditState:
    """Break a bead into unaligned sentences, undecided (re-alignment may pair them again); on an
    unaligned sentence it takes back a confirmation or a "not a translation"."""
    k = state.find(ref)
    bead = state.beads[k]
    return _apply(state, "unlink", _others(state, k) + singletons(bead.src, bead.tgt))


def not_translation(state: EditState, ref: BeadRef) -> EditState:
    """Mark the bead's sentences as having no counterpart: each becomes a rejected unaligned sentence."""
    k = state.find(ref)
    bead = state.beads[k]
    return _apply(state, "not-translation", _others(state, k) + singletons(bead.src, bead.tgt, REJECTED))


def link(state: EditState, src: Sequence[int], tgt: Sequence[int]) -> EditState:
    """Join the selected sentences into one bead (the span from the first to the last selected on
    each side); the other sentences of the beads it breaks become unaligned. EditError when the new
    bead would cross another pair or when a side has no sentence selected."""
    if not src and not tgt:
        raise EditError("select sentences to link")
    span_src = tuple(range(min(src), max(src) + 1)) if src else ()
    span_tgt = tuple(range(min(tgt), max(tgt) + 1)) if tgt else ()
    if not span_src or not span_tgt:
        raise EditError("select sentences on both sides to link them (or mark them as not a translation)")
    taken_src, taken_tgt = set(span_src), set(span_tgt)
    kept: list[EditBead] = []
    for bead in state.beads:
        if taken_src.intersection(bead.src) or taken_tgt.intersection(bead.tgt):
            kept += singletons([i for i in bead.src if i not in taken_src], [j for j in bead.tgt if j not in taken_tgt])
        else:
            kept.append(bead)
    return _apply(state, "link", kept + [EditBead(span_src, span_tgt, None, LINKED)])


def split(state: EditState, ref: BeadRef, src_at: Optional[int] = None, tgt_at: Optional[int] = None) -> EditState:
    """Cut a bead in two before source sentence ``src_at`` and target sentence ``tgt_at`` (default:
    after the first sentence of each side with more than one); both parts stay undecided."""
    k = state.find(ref)
    bead = state.beads[k]
    cut_src = _cut(bead.src, src_at)
    cut_tgt = _cut(bead.tgt, tgt_at)
    first = EditBead(bead.src[:cut_src], bead.tgt[:cut_tgt], None, AUTO)
    second = EditBead(bead.src[cut_src:], bead.tgt[cut_tgt:], None, AUTO)
    if not (first.src or first.tgt) or not (second.src or second.tgt):
        raise EditError("a bead of one sentence per side cannot be split; unlink it instead")
    return _apply(state, "split", _others(state, k) + [first, second])


def _cut(indexes: tuple[int, ...], at: Optional[int]) -> int:
    if at is None:
        return 1 if len(indexes) > 1 else len(indexes)
    if at not in indexes:
        raise EditError(f"sentence {at} is not in the bead being split")
    return indexes.index(at)


def undo(state: EditState) -> EditState:
    """Take back the last change (any action, re-alignment included); EditError when there is none."""
    if not state.history:
        raise EditError("nothing to undo")
    change = state.history[-1]
    beads = state.beads
    if beads[change.at:change.at + len(change.new)] != change.new:
        raise EditError("the history does not match the beads (the project file was edited by hand?)")
    restored = beads[:change.at] + change.old + beads[change.at + len(change.new):]
    return replace(state, beads=normalise(state.n_src, state.n_tgt, restored), history=state.history[:-1])


def anchors(state: EditState) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The reviewer's decisions as anchors for constrained alignment: confirmed and linked beads as
    they are, rejected sentences pinned without counterpart."""
    return [(b.src, b.tgt) for b in state.beads if b.status in DECIDED]


def realigned(state: EditState, beads: Iterable[tuple[Sequence[int], Sequence[int], float]]) -> EditState:
    """The state after a re-alignment that returned ``beads`` (``(src, tgt, score)``): decided beads
    keep their status and score, every other bead is the aligner's. EditError if a decided bead was lost."""
    decided = {(b.src, b.tgt): b for b in state.beads if b.status in DECIDED}
    new = []
    for src, tgt, score in beads:
        key = (tuple(src), tuple(tgt))
        new.append(decided.pop(key) if key in decided else EditBead(key[0], key[1], float(score), AUTO))
    if decided:
        raise EditError("re-alignment lost a confirmed bead; nothing was changed")
    return _apply(state, "realign", new)
