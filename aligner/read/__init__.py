"""Reading documents (text, Markdown, HTML, DOCX, PDF): decoded text from files, and its paragraphs (one per non-blank line)."""
from __future__ import annotations

from aligner.read.base import Reader, line_spans, paragraphs
from aligner.read.dispatch import format_of, input_formats, read_document
from aligner.read.text import TextReader, read_text

__all__ = ["Reader", "TextReader", "format_of", "input_formats", "line_spans", "paragraphs", "read_document", "read_text"]
