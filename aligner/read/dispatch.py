"""Choosing a reader by file extension (or an explicit format): every reader returns one paragraph per line."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Callable, Optional

from aligner.errors import InputError
from aligner.read.limits import ReadLimits
from aligner.registry import Registry

log = logging.getLogger(__name__)

ReadFunction = Callable[[Path, Optional[str], ReadLimits], str]
"""``(path, encoding, limits) -> text``: decoded text with one paragraph per line (binary formats
such as DOCX and PDF take ``encoding`` and ignore it)."""


READERS: Registry = Registry("input format", {
    "text": "aligner.read.text:read_text",
    "markdown": "aligner.read.markdown:read_markdown",
    "html": "aligner.read.html:read_html",
    "docx": "aligner.read.docx:read_docx",
    "pdf": "aligner.read.pdf:read_pdf",
}, error=InputError)
"""Format name → its :data:`ReadFunction`, imported on first use (readers load their libraries lazily)."""

SUFFIXES: dict[str, str] = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
"""File extension → format name; any other extension is read as text."""

_FORMAT_ALIASES = {"txt": "text", "md": "markdown", "htm": "html", "xhtml": "html"}


def input_formats() -> list[str]:
    """The format names ``read_document`` accepts as ``input_format``."""
    return sorted(READERS)


def format_of(path: str | os.PathLike[str], input_format: Optional[str] = None) -> str:
    """The format to read ``path`` as: ``input_format`` if given, else from the extension (default text)."""
    if input_format:
        name = input_format.strip().lower().lstrip(".")
        name = _FORMAT_ALIASES.get(name, name)
        if name not in READERS:
            raise InputError(f"unknown input format {input_format!r}; use one of {', '.join(input_formats())}")
        return name
    return SUFFIXES.get(Path(path).suffix.lower(), "text")


def read_document(
    path: str | os.PathLike[str], input_format: Optional[str] = None, encoding: Optional[str] = None,
    max_chars: Optional[int] = None,
) -> str:
    """Read ``path`` (text, Markdown, HTML, DOCX or PDF) into decoded text, one paragraph per line.

    Offsets of later stages refer to the returned text (Markdown: mapped back onto the file by
    ``aligner.read.markdown.map_offsets``); problems raise ``InputError`` (one line),
    and so does an input over ``max_chars`` characters (see :mod:`aligner.read.limits`; None: the
    default of 6 million, 0: no limit).
    """
    fmt = format_of(path, input_format)
    log.debug("reading %s as %s", path, fmt)
    return READERS.get(fmt)(Path(path), encoding, ReadLimits.from_chars(max_chars))
