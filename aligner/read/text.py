"""Plain-text documents: bytes on disk to a decoded ``str``, with one-line errors for bad input.

Decisions (the offsets of every later stage refer to the string returned here):

* The text is returned exactly as decoded; only a leading byte-order mark is removed.
  Line endings are NOT normalised: CRLF, LF, CR and mixed endings are kept, and the
  paragraph and line splitters understand all of them.
* Without ``encoding``: a UTF-8, UTF-16 or UTF-32 byte-order mark selects that encoding;
  otherwise the file must be UTF-8, and anything else is an error that names ``--encoding``.
* A file is binary (an error) if it contains any NUL byte (no BOM, no ``encoding``), or if
  more than 5% of its decoded characters are control characters other than tab, line
  breaks and form feed. A stray NUL is not tolerated: it is invalid in the XML of a TMX file.
"""
from __future__ import annotations

import codecs
import logging
import os
import stat
import unicodedata
from pathlib import Path

from aligner.errors import InputError
from aligner.read.limits import BYTES_PER_CHAR, DOCX_BYTES_PER_CHAR, ReadLimits

log = logging.getLogger(__name__)

# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x85")
_MAX_CONTROL_SHARE = 0.05


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _control_share(text: str) -> float:
    controls = sum(
        1 for ch in text if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    return controls / len(text) if text else 0.0


def read_binary(path: Path, limits: ReadLimits) -> bytes:
    """The bytes of a binary document (DOCX, PDF), size-checked against ``limits``; InputError when empty."""
    data = _read_bytes(path, limits, DOCX_BYTES_PER_CHAR)
    if not data:
        raise InputError(f"{path}: file is empty")
    return data


def _read_bytes(path: Path, limits: ReadLimits | None = None, per_char: int = BYTES_PER_CHAR) -> bytes:
    """The bytes of ``path``: a regular file (size-checked first) or a pipe (``<(cmd)``, a FIFO: read
    up to the limit and no further); devices and sockets are refused (``/dev/zero`` never ends)."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    try:
        mode = path.stat().st_mode
        if stat.S_ISREG(mode):
            if limits is not None:
                limits.check_file_size(path, path.stat().st_size, per_char)
            return path.read_bytes()
        if not stat.S_ISFIFO(mode):
            raise InputError(f"{path}: is a device or socket, not a file")
        cap = limits.max_chars * per_char if limits is not None and limits.enabled else None
        with open(path, "rb") as stream:
            data = stream.read() if cap is None else stream.read(cap + 1)
        if cap is not None:
            limits.check_file_size(path, len(data), per_char)
        return data
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"{path}: unknown encoding {encoding!r}") from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: cannot be decoded as {encoding} "
                f"(byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from None
        return text[1:] if text.startswith("\ufeff") else text

    bom = _bom_encoding(data)
    if bom is not None:
        try:
            return data.decode(bom)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: starts with a {bom.replace('-sig', '').upper()} byte-order mark "
                f"but is not valid {bom.replace('-sig', '').upper()} (offset {exc.start})"
            ) from None

    if b"\x00" in data:
        raise InputError(
            f"{path}: looks like a binary file (contains NUL bytes); if it is UTF-16/32 text "
            "without a byte-order mark, pass --encoding (e.g. --encoding utf-16-le)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "pass its encoding with --encoding (e.g. --encoding cp1252)"
        ) from None


def read_text(path: str | os.PathLike[str], encoding: str | None = None, limits: ReadLimits | None = None) -> str:
    """Read a plain-text file and return its decoded text (BOM removed, line endings kept).

    ``encoding`` overrides detection (e.g. ``"cp1252"``); problems raise ``InputError``, and so
    does a text over ``limits`` (default :data:`aligner.read.limits.DEFAULT_MAX_CHARS` characters).
    """
    p = Path(path)
    limits = limits or ReadLimits()
    data = _read_bytes(p, limits)
    if not data:
        raise InputError(f"{p}: file is empty")
    text = _decode(p, data, encoding)
    limits.check_chars(p, len(text))
    if not text.strip():
        raise InputError(f"{p}: file is empty (whitespace only)")
    if "\x00" in text or _control_share(text) > _MAX_CONTROL_SHARE:
        raise InputError(f"{p}: looks like a binary file, not text")
    log.debug("read %s: %d characters", p, len(text))
    return text
