"""What every reader shares: line spans, the split of text into paragraphs, quieting parsers' loggers."""
from __future__ import annotations

import contextlib
import logging
import re
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # imported lazily below: aligner.segment imports this package
    from aligner.segment.base import Paragraph

# The line boundaries of str.splitlines(): CRLF, LF, CR and the rarer Unicode separators.
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def line_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of every line of ``text``, line break excluded (as str.splitlines).

    A final line break does not start an extra empty line; an empty text has no lines.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in LINE_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``text[start:end]`` to exclude surrounding whitespace (NBSP too); may become empty."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str) -> list[Paragraph]:
    """Split ``text`` into paragraphs: every non-blank line is one paragraph.

    Blank lines only separate; offsets point into ``text`` and exclude surrounding whitespace.
    """
    from aligner.segment.base import Paragraph

    result: list[Paragraph] = []
    for line_start, line_end in line_spans(text):
        start, end = strip_span(text, line_start, line_end)
        if start < end:
            result.append(Paragraph(index=len(result), start=start, end=end))
    return result


@contextlib.contextmanager
def quiet_logger(name: str) -> Iterator[None]:
    """Hide a parsing library's own warnings about damaged input: we report problems as InputError."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
