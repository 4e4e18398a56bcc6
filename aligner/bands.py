"""Confidence bands: ``good`` / ``check`` / ``bad`` from a bead's score.

Thresholds are calibrated on ../shared/bench with ``benchmarks/calibrate_bands.py`` (strict: a
pair is correct when it equals a gold bead). ``good`` (>= 0.9): 99.5% correct over the bench,
99.7-100% on bible/nusax/pud; on nusax-hard 97.9% at any threshold, because its errors are
confident 1-1 pairs that are half of a gold 2-1/1-2 bead (an aligner issue no cut-off removes).
"""
from __future__ import annotations

import math

#: Pairs scoring at or above this are ``good``: safe to use without review.
GOOD = 0.9
#: Pairs scoring at or above this (and under :data:`GOOD`) are ``check``: worth a look.
CHECK = 0.5

BANDS = ("good", "check", "bad")


def band(score: float) -> str:
    """``"good"``, ``"check"`` or ``"bad"`` for a confidence in [0, 1] (NaN is ``bad``)."""
    if score is None or math.isnan(score):
        return "bad"
    if score >= GOOD:
        return "good"
    if score >= CHECK:
        return "check"
    return "bad"


def band_rank(name: str) -> int:
    """0 for ``good``, 1 for ``check``, 2 for ``bad``; ValueError for anything else."""
    try:
        return BANDS.index(name)
    except ValueError:
        raise ValueError(f"unknown band {name!r}; use one of {', '.join(BANDS)}") from None


def at_least(score: float, minimum: str) -> bool:
    """True when ``score``'s band is ``minimum`` or better (``good`` > ``check`` > ``bad``)."""
    return band_rank(band(score)) <= band_rank(minimum)
