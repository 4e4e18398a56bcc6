"""Segmentation: documents to numbered sentences with offsets (Punkt rules for id/en, or lines)."""
from __future__ import annotations

from aligner.segment.base import Paragraph, Sentence, Splitter, normalise_space, number_sentences
from aligner.segment.lines import segment_lines
from aligner.segment.punkt import LANGUAGES, PunktSplitter, load_language_data
from aligner.segment.segmenter import get_splitter, rules_language, segment_text

__all__ = [
    "LANGUAGES",
    "Paragraph",
    "PunktSplitter",
    "Sentence",
    "Splitter",
    "get_splitter",
    "load_language_data",
    "normalise_space",
    "number_sentences",
    "rules_language",
    "segment_lines",
    "segment_text",
]
