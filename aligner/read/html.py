"""HTML pages: the main text (headline kept) extracted offline with trafilatura, one paragraph per line.

Trafilatura drops most page chrome (menus, footers, cookie banners, related-article lists); what it
keeps by mistake ("Share |", "Baca juga: ...", datelines) is flagged later by ``aligner.flags``.
"""
from __future__ import annotations

import codecs
import logging
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from aligner.errors import InputError
from aligner.read.base import quiet_logger
from aligner.read.limits import ReadLimits
from aligner.read.text import _decode, _read_bytes

if TYPE_CHECKING:
    from configparser import ConfigParser

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[^\S\n]+")

# What browsers do with some declared charsets (WHATWG Encoding / HTML prescan): a <meta> cannot
# declare UTF-16/32 (it could not have been read if it were), so it means UTF-8; Latin-1 and ASCII
# labels mean windows-1252.
_AS_BROWSERS = {
    "utf-16": "utf-8", "utf-16-le": "utf-8", "utf-16-be": "utf-8",
    "utf-32": "utf-8", "utf-32-le": "utf-8", "utf-32-be": "utf-8",
    "latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252",
}


@lru_cache(maxsize=1)
def _config() -> ConfigParser:
    """Trafilatura settings: no signal-based timeout (works in any thread), keep short pages."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    return config


def _declared_charset(data: bytes) -> Optional[str]:
    """The ``<meta charset>`` of the page's head, if any and known to Python."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _AS_BROWSERS.get(codec, codec)


def decode_html(path: Path, data: bytes, encoding: Optional[str] = None) -> str:
    """Decode an HTML file: ``encoding``, else a BOM, else its ``<meta charset>``, else UTF-8."""
    declared = None if encoding else _declared_charset(data)
    if declared and declared != "utf-8" and not data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode(declared)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: is not valid {declared} as its <meta charset> says (offset {exc.start}); "
                             "pass its encoding with --encoding") from None
    return _decode(path, data, encoding)


def html_to_text(markup: str, source: str = "<html>") -> str:
    """Extract the main text of an HTML page: headline first, then one paragraph per line."""
    import trafilatura

    try:
        with quiet_logger("trafilatura"), quiet_logger("htmldate"), quiet_logger("courlan"):
            doc = trafilatura.bare_extraction(
                markup, with_metadata=True, include_comments=False, include_tables=True,
                include_images=False, include_links=False, deduplicate=False, config=_config(),
            )
    except Exception as exc:  # noqa: BLE001 - lxml/trafilatura raise many kinds on broken markup
        raise InputError(f"{source}: cannot be parsed as HTML ({type(exc).__name__})") from None
    body = (getattr(doc, "text", None) or "") if doc is not None else ""
    lines = [_SPACES.sub(" ", line).strip() for line in body.splitlines()]
    lines = [line for line in lines if line]
    title = " ".join((getattr(doc, "title", None) or "").split()) if doc is not None else ""
    if title and not any(line == title for line in lines[:3]):
        lines.insert(0, title)
    return "\n".join(lines) + ("\n" if lines else "")


def read_html(path: str | os.PathLike[str], encoding: Optional[str] = None, limits: Optional[ReadLimits] = None) -> str:
    """Read an HTML file and return its main text (see ``html_to_text``); ``InputError`` if unusable.

    The page's markup counts against ``limits`` (its characters, before extraction)."""
    p = Path(path)
    limits = limits or ReadLimits()
    data = _read_bytes(p, limits)
    if not data.strip():
        raise InputError(f"{p}: file is empty")
    markup = decode_html(p, data, encoding)
    limits.check_chars(p, len(markup), "HTML page")
    if "\x00" in markup:
        raise InputError(f"{p}: looks like a binary file, not HTML")
    text = html_to_text(markup, str(p))
    if not text.strip():
        raise InputError(f"{p}: no main text found in this HTML page")
    log.debug("read %s: %d characters of main text", p, len(text))
    return text
