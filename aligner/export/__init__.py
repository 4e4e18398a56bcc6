"""Exporters: TMX 1.4b, CSV/TSV, XLSX review sheets, Parquet and vecalign ``.beads``, chosen by the
output file's extension from :data:`aligner.export.registry.EXPORTERS`."""
from __future__ import annotations

from .base import CorpusExporter, ExportOptions, ExportStats, Exporter, supported_suffixes, write_alignment
from .registry import CORPUS_SUFFIXES, EXPORTERS
from ..lang import tmx_tag as to_lang_code  # the tag a TM carries: in → id-ID

__all__ = [
    "CORPUS_SUFFIXES",
    "CorpusExporter",
    "EXPORTERS",
    "ExportOptions",
    "ExportStats",
    "Exporter",
    "supported_suffixes",
    "to_lang_code",
    "write_alignment",
]
