"""Size limits on inputs, checked while reading so that a huge file or a zip bomb is refused early.

One knob, ``max_chars`` (``--max-input-chars``), sets them all: the characters of a decoded text or
HTML page, and, scaled from it, the uncompressed size (all parts; XML parts) and paragraph count
of a DOCX and the page count of a PDF. ``0`` turns the limits off.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from aligner.errors import InputError

DEFAULT_MAX_CHARS = 6_000_000
"""Default most characters per input document: a 5 MiB text passes, some 65,000 sentences a side.
The aligner needs about 12 KB per sentence (``benchmarks/hostile_scale.py``), so that is under
2 GB besides the model; 50 MB would need over 12 GB."""

BYTES_PER_CHAR = 4
"""A text file larger than ``max_chars`` times this cannot decode to fewer characters (UTF-32)."""
DOCX_BYTES_PER_CHAR = 50
"""Uncompressed bytes of all DOCX parts (images included) allowed per character of the limit; also
the most bytes a DOCX or PDF file may have per character."""
DOCX_XML_BYTES_PER_CHAR = 10
"""Uncompressed bytes of the XML parts of a DOCX (what gets parsed) allowed per character."""
DOCX_CHARS_PER_PARAGRAPH = 50
PDF_CHARS_PER_PAGE = 5_000

_PARAGRAPH_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?p[\s>/]")  # <w:p>, any prefix, or none
_OVERLAP = 40
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ReadLimits:
    """The limits of one read; build them with :meth:`from_chars`."""

    max_chars: int = DEFAULT_MAX_CHARS

    @classmethod
    def from_chars(cls, max_chars: int | None) -> "ReadLimits":
        """Limits for ``max_chars`` characters (None: the default, 0: no limit)."""
        return cls(DEFAULT_MAX_CHARS if max_chars is None else max(0, int(max_chars)))

    @property
    def enabled(self) -> bool:
        return self.max_chars > 0

    @property
    def max_file_bytes(self) -> int:
        return self.max_chars * BYTES_PER_CHAR

    @property
    def docx_max_bytes(self) -> int:
        return self.max_chars * DOCX_BYTES_PER_CHAR

    @property
    def docx_max_xml_bytes(self) -> int:
        return self.max_chars * DOCX_XML_BYTES_PER_CHAR

    @property
    def docx_max_paragraphs(self) -> int:
        return max(1, self.max_chars // DOCX_CHARS_PER_PARAGRAPH)

    @property
    def pdf_max_pages(self) -> int:
        return max(1, self.max_chars // PDF_CHARS_PER_PAGE)

    def refuse(self, path: Path, what: str) -> InputError:
        """The one-line error for an input over a limit, naming the option that raises it."""
        return InputError(f"{path}: {what}; refused to protect memory and time "
                          f"(raise the limit with --max-input-chars, now {self.max_chars:,}; 0 = no limit)")

    def check_file_size(self, path: Path, size: int, per_char: int = BYTES_PER_CHAR) -> None:
        """Refuse a file that is too big to hold at most ``max_chars`` characters."""
        if self.enabled and size > self.max_chars * per_char:
            raise self.refuse(path, f"file of {size:,} bytes is over the input limit")

    def check_chars(self, path: Path, n: int, what: str = "text") -> None:
        """Refuse a decoded text of ``n`` characters over ``max_chars``."""
        if self.enabled and n > self.max_chars:
            raise self.refuse(path, f"{what} of {n:,} characters is over the input limit")

    def _check_members(self, path: Path, archive: zipfile.ZipFile, kind: str) -> None:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > self.docx_max_bytes:
            raise self.refuse(path, f"{kind} expands to {total:,} bytes, over the limit of {self.docx_max_bytes:,}")
        xml = sum(info.file_size for info in infos if info.filename.lower().endswith((".xml", ".rels")))
        if xml > self.docx_max_xml_bytes:
            raise self.refuse(path, f"{kind}'s XML expands to {xml:,} bytes, over the limit of {self.docx_max_xml_bytes:,}")

    def check_archive(self, path: Path, data: BinaryIO, kind: str) -> None:
        """Refuse an Office file (zip) whose parts expand beyond the DOCX size limits (e.g. a review .xlsx)."""
        if not self.enabled:
            return
        try:
            with zipfile.ZipFile(data) as archive:
                self._check_members(path, archive, kind)
        except (zipfile.BadZipFile, OSError, ValueError):
            return  # not a zip at all: its reader reports it

    def check_docx(self, path: Path, data: BinaryIO) -> None:
        """Refuse a DOCX whose parts expand beyond the limit or whose body has too many paragraphs.

        Declared sizes are what ``zipfile`` enforces when extracting (a member that expands beyond
        its declared size fails its check), so summing them is safe; the paragraph tags of
        ``word/document.xml`` are counted while streaming it, never holding it whole.
        """
        if not self.enabled:
            return
        try:
            archive = zipfile.ZipFile(data)
        except (zipfile.BadZipFile, OSError, ValueError):
            return  # not a zip at all: the DOCX reader reports it
        with archive:
            self._check_members(path, archive, "DOCX")
            try:
                member = archive.open("word/document.xml")
            except (KeyError, zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError):
                return
            count, tail = 0, b""
            try:
                with member:
                    while True:
                        chunk = member.read(_CHUNK)
                        block = tail + chunk
                        cut = len(block) - _OVERLAP if chunk else len(block)  # a tag may straddle chunks
                        count += sum(1 for m in _PARAGRAPH_TAG.finditer(block) if m.start() < cut)
                        tail = block[max(cut, 0):]
                        if count > self.docx_max_paragraphs:
                            raise self.refuse(path, f"DOCX has over {self.docx_max_paragraphs:,} paragraphs")
                        if not chunk:
                            break
            except (zipfile.BadZipFile, OSError, EOFError):
                return  # damaged: the DOCX reader reports it

    def check_pages(self, path: Path, pages: int) -> None:
        """Refuse a PDF with more pages than the limit allows."""
        if self.enabled and pages > self.pdf_max_pages:
            raise self.refuse(path, f"PDF of {pages:,} pages is over the limit of {self.pdf_max_pages:,} pages")
