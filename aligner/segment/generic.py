"""The fallback splitter for a language neither our lists nor pysbd know: cut at sentence punctuation.

A cut is made after ``.``, ``!``, ``?`` or ``…`` (plus closing quotes and brackets) followed by
whitespace, and after CJK ``。！？`` without it; then the post-rules of
:func:`aligner.segment.multilingual.refine_cuts` undo cuts before a lower-case word, after a title,
a single-letter initial or a dotted abbreviation (``J. Smith``, ``z.B. Berlin``).
"""
from __future__ import annotations

from .multilingual import CANDIDATE_END, refine_cuts, working_copy
from .punkt import _pieces


class GenericSplitter:
    """A ``Splitter`` with no language knowledge beyond punctuation; ``lang`` is the primary code."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __repr__(self) -> str:
        return f"GenericSplitter({self.lang!r})"

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return the ``(start, end)`` spans of the sentences of one paragraph."""
        if not text or text.isspace():
            return []
        work = working_copy(text)
        cuts = [m.end() for m in CANDIDATE_END.finditer(work) if m.end() < len(work)]
        return _pieces(text, refine_cuts(work, cuts, initials=True))
