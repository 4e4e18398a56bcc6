"""The aligner: ``Aligner(config).align(src, tgt, encode)``, two ``Side``s in, beads out.

The first pass (``first_pass``) aligns on summed sentence vectors in the band ``coarse_band``
gives; the second (``second_pass``) re-scores its uncertain stretches with windows encoded as
text. ``plan`` stops between the two, so that a batch can encode the windows of many documents
in one encoder call.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Optional

import numpy as np

from .base import Bead
from .close_calls import CloseCalls, find_close_calls, new_trace
from .config import AlignConfig
from .first_pass import FirstAlignment, first_pass, rescored
from .refine import Encode
from .scoring import DocumentReference
from .second_pass import SecondPassTrace, WindowPlan, plan_windows
from .second_pass import second_pass as run_second_pass
from .side import Side

__all__ = ["AlignConfig", "Aligner", "FirstPass", "Side"]


@dataclass
class FirstPass:
    """A first-pass alignment, and the window texts its second pass wants encoded.

    ``plan.finish(encode(plan.texts))`` is the second pass, for callers that encode the windows of
    many documents at once; ``plan.complete(encode)`` does both.
    """

    beads: list[Bead]
    """The first pass's answer (final when ``texts`` is empty)."""
    texts: list[str]
    """Window texts to encode for the second pass: source windows, then target windows."""
    sides: Optional[tuple[Side, Side]] = field(default=None, repr=False)
    """The two documents aligned (None when one is empty)."""
    windows: Optional[WindowPlan] = field(default=None, repr=False)
    """Which windows ``texts`` are."""
    _finish: Optional[Callable[..., list[Bead]]] = field(default=None, repr=False)
    _close: Optional[Callable[..., CloseCalls]] = field(default=None, repr=False)
    _trace: Optional[Callable[[], SecondPassTrace]] = field(default=None, repr=False)
    _first: Optional[FirstAlignment] = field(default=None, repr=False)

    def finish(self, vectors: np.ndarray) -> list[Bead]:
        """The second pass, given one unit vector per ``texts`` entry."""
        if self._finish is None or not self.texts:
            return self.beads
        if len(vectors) != len(self.texts):
            raise ValueError(f"expected {len(self.texts)} window vectors, got {len(vectors)}")
        return self._finish(vectors)

    def complete(self, encode: Optional[Encode]) -> list[Bead]:
        """The final beads: the second pass with ``encode``'s vectors for ``texts``, when there are any."""
        if not self.texts or encode is None:
            return self.beads
        return self.finish(np.asarray(encode(self.texts), dtype=np.float32))

    def finish_with_close_calls(self, vectors: np.ndarray) -> tuple[list[Bead], Optional[CloseCalls]]:
        """``finish``, and the close calls of its answer (:mod:`aligner.align.close_calls`) from
        the same run; None when there was nothing to decide (an empty side)."""
        if self._close is None:
            return self.finish(vectors), None
        if self._finish is None or not self.texts:
            return self.beads, self._close(self.beads)
        if len(vectors) != len(self.texts):
            raise ValueError(f"expected {len(self.texts)} window vectors, got {len(vectors)}")
        trace = self._trace()
        beads = self._finish(vectors, trace)
        return beads, self._close(beads, trace)


class Aligner:
    """Aligns two documents given as ``Side``s; every sentence ends in exactly one bead."""

    def __init__(self, config: AlignConfig = AlignConfig()) -> None:
        self.config = config

    def plan(
        self, src: Side, tgt: Side, second_pass: bool = True, *, reference: Optional[DocumentReference] = None
    ) -> FirstPass:
        """The first pass, and the window texts of its second pass when ``second_pass`` and
        ``config.refine`` allow one, both sides have texts and some stretch is unsettled.
        ``reference``: the sides are a stretch of a larger document (``scoring.document_reference``)."""
        if len(src) == 0 or len(tgt) == 0:
            return FirstPass([Bead((i,), (), 1.0) for i in range(len(src))]
                             + [Bead((), (j,), 1.0) for j in range(len(tgt))], [])
        first = first_pass(src, tgt, self.config, reference)
        return self._second(first, plan_windows(first, src, tgt, self.config) if second_pass else None, src, tgt)

    def rescore(self, plan: FirstPass, src: Side, tgt: Side) -> FirstPass:
        """``plan`` (of this aligner) for other vectors of the same sentences: its first pass's band,
        path and windows kept, its second pass's similarities from ``src``/``tgt``'s vectors (without
        a second pass, the first pass again)."""
        if plan._first is None or plan.windows is None:
            return self.plan(src, tgt)
        return self._second(rescored(plan._first, src, tgt, self.config), plan.windows, src, tgt)

    def _second(self, first: FirstAlignment, windows: Optional[WindowPlan], src: Side, tgt: Side) -> FirstPass:
        close = partial(find_close_calls, first, windows, src, tgt, self.config)
        if windows is None:
            return FirstPass(first.beads, [], (src, tgt), None, None, close, None, first)
        finish = partial(run_second_pass, first, windows, src, tgt, self.config)
        return FirstPass(first.beads, windows.texts(src, tgt), (src, tgt), windows, finish, close,
                         partial(new_trace, self.config), first)

    def align(self, src: Side, tgt: Side, encode: Optional[Encode] = None) -> list[Bead]:
        """Both passes; without ``encode`` (the embedder's encode) only the first, on summed vectors."""
        return self.plan(src, tgt, second_pass=encode is not None).complete(encode)

