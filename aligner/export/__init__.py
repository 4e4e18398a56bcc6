"""Exporters: TMX 1.4b, CSV/TSV and vecalign ``.beads``, chosen by the output file's extension."""
from __future__ import annotations

from .base import EXPORTERS, ExportOptions, ExportStats, Exporter, supported_suffixes, write_alignment
from .langcodes import to_lang_code

# Importing the format modules registers their exporters in EXPORTERS.
from . import beads, delimited, tmx, xlsx  # noqa: E402,F401  isort: skip

__all__ = [
    "EXPORTERS",
    "ExportOptions",
    "ExportStats",
    "Exporter",
    "supported_suffixes",
    "to_lang_code",
    "write_alignment",
]
