"""Reading documents: decoded text from files, and its paragraphs (one per non-blank line)."""
from __future__ import annotations

from aligner.read.base import Reader, line_spans, paragraphs
from aligner.read.text import TextReader, read_text

__all__ = ["Reader", "TextReader", "line_spans", "paragraphs", "read_text"]
