"""PDF files: text extracted with pypdf, visual lines re-joined into paragraphs, one per line.

A line ends its paragraph when it is blank, when it is clearly shorter than the document's full
lines (the last line of a paragraph, a heading), or at the end of a page when it ends a sentence.
A word hyphenated at a line end (``pemba-`` / ``ngunan``) is joined again, a reduplication
(``cita-`` / ``cita``) keeps its hyphen. PDF stores glyphs by
position, not reading order, so columns, headers and footnotes may come out of order: a warning
says so.
"""
from __future__ import annotations

import io
import logging
import os
import re
import statistics
from pathlib import Path
from typing import Optional

from aligner.errors import InputError
from aligner.read.base import quiet_logger
from aligner.read.limits import ReadLimits
from aligner.read.text import read_binary

log = logging.getLogger(__name__)

SHORT_LINE = 0.75
"""A line shorter than this share of the document's typical full line ends a paragraph."""

_HYPHENATED = re.compile(r"[^\W\d_]-$")
_SENTENCE_END = re.compile(r"""[.!?:;…]["'”’)\]]*$""")


def _full_width(lines: list[str]) -> float:
    """The length of a typical full line: the upper quartile of line lengths."""
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 4:
        return float(max(lengths, default=0))
    return statistics.quantiles(lengths, n=4)[2]


def _reduplicated(before: str, after: str) -> bool:
    """True for an Indonesian reduplication cut at its hyphen (``cita-`` / ``cita``): keep the hyphen."""
    stem = before.rsplit(" ", 1)[-1][:-1].lower()
    return bool(stem) and after.lower().startswith(stem)


def join_lines(pages: list[list[str]]) -> list[str]:
    """Re-join the visual lines of ``pages`` into paragraphs (hyphenation undone)."""
    width = _full_width([line for page in pages for line in page])
    paragraphs: list[str] = []
    current = ""
    for page in pages:
        for k, line in enumerate(page):
            if not line:
                if current:
                    paragraphs.append(current)
                current = ""
                continue
            if current and _HYPHENATED.search(current) and line[:1].islower():
                current = (current if _reduplicated(current, line) else current[:-1]) + line
            else:
                current = f"{current} {line}" if current else line
            last_on_page = k == len(page) - 1
            if len(line) < SHORT_LINE * width or (last_on_page and _SENTENCE_END.search(line)):
                paragraphs.append(current)
                current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def read_pdf(path: str | os.PathLike[str], encoding: Optional[str] = None,
             limits: Optional[ReadLimits] = None) -> str:
    """Read a PDF file and return its text, one re-joined paragraph per line; warns that order may differ.

    Pages and extracted characters are checked against ``limits`` as the pages are read. ``encoding``
    is ignored: the format declares its own."""
    p = Path(path)
    limits = limits or ReadLimits()
    data = read_binary(p, limits)
    try:
        import pypdf

        with quiet_logger("pypdf"):
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise InputError(f"{p}: the PDF is encrypted with a password")
            limits.check_pages(p, len(reader.pages))
            raw_pages, chars = [], 0
            for page in reader.pages:
                raw_pages.append(page.extract_text() or "")
                chars += len(raw_pages[-1])
                limits.check_chars(p, chars, "extracted text")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on damaged files
        raise InputError(f"{p}: not a valid PDF file ({type(exc).__name__})") from None
    pages = [[" ".join(line.split()) for line in text.splitlines()] for text in raw_pages]
    paragraphs = join_lines(pages)
    if not paragraphs:
        raise InputError(f"{p}: no extractable text in this PDF (a scanned image? run OCR first)")
    log.warning("%s: PDF layout may reorder text (columns, headers, footnotes); check the alignment", p)
    return "\n".join(paragraphs) + "\n"
