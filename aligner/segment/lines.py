"""Pre-segmented input: one sentence per line, nothing split, merged or dropped."""
from __future__ import annotations

from aligner.read.base import line_spans, strip_span
from aligner.segment.base import Sentence, number_sentences


def segment_lines(text: str) -> list[Sentence]:
    """Make line ``i`` of ``text`` sentence ``i``: blank lines stay (empty text), paragraph is 0.

    Line breaks are those of ``str.splitlines`` (a final one adds no empty line); offsets exclude
    the line's surrounding whitespace (a blank line gets an empty span at its start).
    """
    triples = []
    for line_start, line_end in line_spans(text):
        start, end = strip_span(text, line_start, line_end)
        if start == end:
            start = end = line_start
        triples.append((start, end, 0))
    return number_sentences(triples, text)
