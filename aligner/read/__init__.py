"""Reading documents (text, Markdown, HTML, DOCX, PDF): decoded text from files, and its paragraphs (one per non-blank line)."""
from __future__ import annotations

from aligner.read.base import line_spans, paragraphs
from aligner.read.dispatch import format_of, input_formats, read_document
from aligner.read.text import read_text

__all__ = ["format_of", "input_formats", "line_spans", "paragraphs", "read_document", "read_text"]
