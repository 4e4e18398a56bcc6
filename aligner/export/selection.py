"""Which aligned pairs go into a translation memory: the one place that decides, and says why not.

A pair stays out of the TMX (but keeps its row, with the reason as ``status``, in CSV/TSV and the
review sheet) when its sides are identical, near-copies of each other, mostly in the wrong
language, both boilerplate, or when it fails the user's ``--min-score``/``--min-band``/
``--max-seg-chars``. Each content reason has a ``keep_*`` switch in :class:`ExportOptions`.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from ..flags.base import BOILERPLATE, WRONG_LANGUAGE

if TYPE_CHECKING:  # pragma: no cover
    from ..segment.base import Sentence
    from .base import ExportOptions

#: Status of a pair that goes into the TMX.
ALIGNED = "aligned"
#: Statuses of pairs kept out of the TMX, in the order they are tested (the first that applies wins).
IDENTICAL = "identical"
NEAR_COPY = "near_copy"
WRONG_LANGUAGE_STATUS = "wrong_language"
BOILERPLATE_STATUS = "boilerplate"
BELOW_MIN_SCORE = "below_min_score"
BELOW_MIN_BAND = "below_min_band"
TOO_LONG = "too_long"

#: The content reasons (policy exclusions with a ``--keep-*`` option), as written in the status column.
POLICY_STATUSES = (IDENTICAL, NEAR_COPY, WRONG_LANGUAGE_STATUS, BOILERPLATE_STATUS)
#: Every reason a pair can be kept out of the TMX.
EXCLUDED_STATUSES = POLICY_STATUSES + (BELOW_MIN_SCORE, BELOW_MIN_BAND, TOO_LONG)

NEAR_COPY_RATIO = 0.99
"""Character-level similarity (rapidfuzz Indel ratio of the normalised texts) from which two sides
are near-copies. Measured on real translations (``benchmarks/po_pages_eval.py --similarity``): the
most similar real translation pairs of the phpMyAdmin Indonesian PO file reach 0.987 (a long
configuration line with "and" → "dan"), short ones such as "Lithuanian" → "Lithuania" 0.947; so
below this only exact copies after normalisation are caught in segments under ~100 characters."""

WRONG_LANGUAGE_SHARE = 0.5
"""A side is in the wrong language when more than this share of its characters is in sentences
flagged ``wrong-language`` (a mixed paragraph counts when most of it is in the other language)."""

BOILERPLATE_SHARE = 0.5
"""A side is boilerplate when more than this share of its characters is in boilerplate-flagged sentences."""

_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=4096)
def normalise_for_copy(text: str) -> str:
    """Text as compared for copies: NFKC, case-folded, numbers removed, punctuation and symbols as spaces."""
    text = _DIGITS.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


MIN_CONTAINED_WORDS = 3
"""A side of at least this many words found word for word inside the other side makes a partial
copy (an English sentence on the Indonesian page paired with the English original and more). On
the PO dev set no real translation is caught; on ../shared/bench one gold pair of 5,361 (a
bibliographic reference in de-fr)."""


def is_near_copy(src_text: str, tgt_text: str, threshold: float = NEAR_COPY_RATIO) -> bool:
    """True when both sides are the same text after :func:`normalise_for_copy`, nearly so (ratio ≥
    ``threshold``), or one side (``MIN_CONTAINED_WORDS`` words or more) is a part of the other."""
    a, b = normalise_for_copy(src_text), normalise_for_copy(tgt_text)
    if a == b:
        return True
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    if short.count(" ") + 1 >= MIN_CONTAINED_WORDS and f" {short} " in f" {long} ":
        return True
    from rapidfuzz.fuzz import ratio

    return ratio(a, b) / 100.0 >= threshold


def is_identical(src_text: str, tgt_text: str) -> bool:
    """True when both sides are the same non-empty text (surrounding spaces aside): the ``identical`` flag."""
    return bool(src_text.strip()) and src_text.strip() == tgt_text.strip()


def flagged_share(sentences: Sequence["Sentence"], flag: str) -> float:
    """Share of the characters of ``sentences`` that are in sentences carrying ``flag`` (0 when empty)."""
    total = sum(len(s.text) for s in sentences)
    if not total:
        return 0.0
    return sum(len(s.text) for s in sentences if flag in s.flags) / total


def exclusion(
    src: Sequence["Sentence"],
    tgt: Sequence["Sentence"],
    src_text: str,
    tgt_text: str,
    score: float,
    options: "ExportOptions",
) -> str:
    """The status of one pair bead: :data:`ALIGNED` if it goes into the TMX, else why not.

    ``src``/``tgt`` are the bead's sentences, ``*_text`` their joined texts; the first reason that
    applies wins, content reasons (identical, near-copy, wrong language, boilerplate) before the
    user's score, band and length limits.
    """
    same = src_text.strip() == tgt_text.strip()  # both empty too: ``iter_rows(texts=False)`` builds no text
    if same and not options.keep_identical:
        return IDENTICAL
    if not same and not options.keep_copies and is_near_copy(src_text, tgt_text):  # kept identical: not a copy
        return NEAR_COPY
    if not options.keep_wrong_language and (
        flagged_share(src, WRONG_LANGUAGE) > WRONG_LANGUAGE_SHARE
        or flagged_share(tgt, WRONG_LANGUAGE) > WRONG_LANGUAGE_SHARE
    ):
        return WRONG_LANGUAGE_STATUS
    if not options.keep_boilerplate and (
        flagged_share(src, BOILERPLATE) > BOILERPLATE_SHARE and flagged_share(tgt, BOILERPLATE) > BOILERPLATE_SHARE
    ):
        return BOILERPLATE_STATUS
    if options.min_score is not None and not (score >= options.min_score):
        return BELOW_MIN_SCORE
    if options.min_band is not None:
        from ..bands import at_least

        if not at_least(score, options.min_band):
            return BELOW_MIN_BAND
    if options.max_seg_chars is not None and max(len(src_text), len(tgt_text)) > options.max_seg_chars:
        return TOO_LONG
    return ALIGNED
