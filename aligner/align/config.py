"""How to align: ``AlignConfig`` gathers the settings of every stage of the aligner."""
from __future__ import annotations

from dataclasses import dataclass, field

from .confidence import Calibration
from .dp import DPParams
from .refine import RefineConfig
from .scoring import ScoringParams


@dataclass(frozen=True)
class CloseCallConfig:
    """What counts as a close call (:mod:`aligner.align.close_calls`). Chosen on ../shared/bench, where
    int8 with these rechecked gives fp32's beads (see :mod:`aligner.align.recheck`)."""

    margin: float = 0.02
    """A bead on a path within this much DP gain of the best path (but not on it) is a close call.
    Twice what ../shared/bench needs (0.01 gives fp32's beads too), for a safety margin."""
    rule_margin: float = 0.01
    """A rule after the DP (gap filling, attaching a fragment, un-merging) whose cosine came this close
    to its threshold is a close call."""
    selection_margin: float = 0.02
    """With an approximate encoder, the second pass also re-scores the first pass's pairs up to this
    much above ``refine.confidence`` and encodes the windows up to this much above
    ``refine.window_slack``: what it re-scores then includes what the exact encoder's run would,
    wherever a pair or window sits near either cut."""
    low_score: float = 0.3
    """A bead of the answer with a confidence below this is a close call ..."""
    reach: int = 1
    """... together with this many sentences on either side of it."""


@dataclass(frozen=True)
class AlignConfig:
    """How to align: bead sizes, gain weights, calibration and the size of the search band."""

    max_align: int = 5
    """Most sentences on one side of a bead (translators do split one long sentence into five)."""
    max_bead: int = 6
    """Most sentences in one bead, both sides together: 2-2, 2-3, 3-2 and 3-3 beads need 4 to 6.
    Beads with two or more sentences on both sides are the second pass's (see ``RefineConfig``)."""
    params: ScoringParams = field(default_factory=ScoringParams)
    """Gain weights of the first pass's pair beads."""
    dp: DPParams = field(default_factory=DPParams)
    """Skip gains and gap filling of the first pass."""
    calibration: Calibration = field(default_factory=Calibration)
    full_dp_cells: int = 300_000
    """Documents up to this many grid cells get the exact full DP; larger ones a coarse pass + band."""
    coarse_factor: int = 8
    """Sentences per block in the coarse pass; the coarse pass recurses until its grid is small."""
    band_radius: int = 24
    """Minimum half-width of the fine band around the coarse path, in sentences."""
    refine: RefineConfig = field(default_factory=RefineConfig)
    """The second pass over uncertain stretches (needs the texts and an ``encode`` function)."""
    close_calls: CloseCallConfig = field(default_factory=CloseCallConfig)
    """Which decisions an approximate (int8) encoder's vectors are checked on with the exact ones."""
