"""Word documents (.docx): body paragraphs and table cells in document order, one paragraph per line.

Headers, footers, footnotes and comments are left out; a table cell's paragraphs each become a
line, row by row (a merged cell once); line breaks and tabs inside a paragraph become spaces.
"""
from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

from aligner.errors import InputError
from aligner.read.limits import ReadLimits
from aligner.read.text import read_binary

if TYPE_CHECKING:
    from docx.table import Table

log = logging.getLogger(__name__)


def _table_paragraphs(table: Table) -> Iterator[str]:
    """Texts of a table's paragraphs, row by row, each merged cell once, nested tables included."""
    seen: dict[int, object] = {}  # id → the cell's XML element, kept alive so that ids stay unique
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen[id(cell._tc)] = cell._tc
            yield from _block_texts(cell)


def _block_texts(container) -> Iterator[str]:
    """Texts of the paragraphs of a document body or table cell, tables expanded, in order."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_paragraphs(block)
        else:
            yield block.text


def read_docx(path: str | os.PathLike[str], encoding: Optional[str] = None,
              limits: Optional[ReadLimits] = None) -> str:
    """Read a .docx file and return its text, one paragraph (or table-cell paragraph) per line.

    Before parsing, the archive's uncompressed size and body paragraph count are checked against
    ``limits`` (a zip bomb is refused in a fraction of a second, without expanding it). ``encoding``
    is ignored: the format declares its own."""
    p = Path(path)
    limits = limits or ReadLimits()
    data = read_binary(p, limits)
    limits.check_docx(p, io.BytesIO(data))
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        doctype = document.element.getroottree().docinfo.doctype
        texts = [] if doctype else list(_block_texts(document))
    except Exception as exc:  # noqa: BLE001 - zipfile, lxml and python-docx raise many kinds
        raise InputError(f"{p}: not a valid DOCX file ({type(exc).__name__})") from None
    if doctype:  # entities are never expanded, so the text around them would be lost without a word
        raise InputError(f"{p}: the document declares a DTD (entities), which Word never writes; refused "
                         "(the text around its entities would be lost)")
    lines = [" ".join(t.split()) for t in texts]
    lines = [line for line in lines if line]
    if not lines:
        raise InputError(f"{p}: the document has no text")
    limits.check_chars(p, sum(len(line) + 1 for line in lines))
    log.debug("read %s: %d paragraphs", p, len(lines))
    return "\n".join(lines) + "\n"
