"""Every output format, by file suffix: the one table exporters are chosen from (no import side effects).

Each entry is an :class:`~aligner.export.base.Exporter` instance, imported on first use (XLSX needs
openpyxl, Parquet the ``[parquet]`` extra). :data:`CORPUS_SUFFIXES` are the formats whose exporter
also writes a stream of documents (``write_corpus``): what ``aligner batch`` can produce.
"""
from __future__ import annotations

from ..errors import ExportError
from ..registry import Registry

EXPORTERS: Registry = Registry("output format", {
    ".tmx": "aligner.export.tmx:TMX",
    ".csv": "aligner.export.delimited:CSV",
    ".tsv": "aligner.export.delimited:TSV",
    ".beads": "aligner.export.beads:BEADS",
    ".xlsx": "aligner.export.xlsx:XLSX",
    ".parquet": "aligner.export.parquet:PARQUET",
}, error=ExportError)

CORPUS_SUFFIXES = (".tmx", ".csv", ".tsv", ".parquet")
"""Formats of a batch corpus: their exporters have ``write_corpus`` (one ``doc_id`` per document)."""
