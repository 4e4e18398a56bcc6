"""CSV and TSV export: one row per bead, unaligned sentences included.

Files are UTF-8 without a BOM, RFC 4180 style (``\\r\\n`` line ends, fields quoted when needed).
Read them back with ``pandas.read_csv(path, sep=..., dtype=str, keep_default_na=False)`` to keep
texts such as ``NA`` as written. A text starting with ``= + - @``, a tab or CR is written with a
leading ``'`` so that spreadsheets do not run it as a formula (``ExportOptions.formula_guard``).

The run signature (:mod:`aligner.signature`) is not written in the file: a comment line or a constant
column would break ``pandas.read_csv`` and the fixed columns spreadsheets and scripts rely on, and a
sidecar file would be a second output to keep in step. A batch's ``report.csv`` carries it per
document, Parquet in its metadata, TMX and XLSX in their headers.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Iterator, TextIO

from .cells import FormulaGuard
from .base import Documents, ExportOptions, ExportStats, format_indexes, format_score, iter_rows
from ..lang import primary_language

if TYPE_CHECKING:  # pragma: no cover
    from ..result import AlignmentResult

#: Columns after the two text columns (which are headed by the short language codes).
META_COLUMNS = ("score", "bead", "src_idx", "tgt_idx", "status")


def header(options: ExportOptions) -> list[str]:
    """Header row: short source and target codes (``id``, ``en``), then :data:`META_COLUMNS`.

    When both short codes are equal (``en-US`` → ``en-GB``) the full tags are used instead.
    """
    src, tgt = primary_language(options.src_lang), primary_language(options.tgt_lang)
    if src == tgt:
        src, tgt = options.src_lang, options.tgt_lang
    if src == tgt:
        src, tgt = f"{src}_src", f"{tgt}_tgt"
    return [src, tgt, *META_COLUMNS]


DOC_COLUMN = "doc_id"
"""First column of a corpus table (batch): the document each row comes from."""


def table_header(options: ExportOptions, corpus: bool = False) -> list[str]:
    """The columns of a table export: :func:`header`, after :data:`DOC_COLUMN` for a corpus."""
    return [DOC_COLUMN, *header(options)] if corpus else header(options)


def table_rows(documents: Documents, options: ExportOptions, stats: ExportStats,
               corpus: bool = False) -> Iterator[list]:
    """One list of values per bead of every document, in :func:`table_header`'s order (score a float)."""
    for result, doc_id in documents:
        for row in iter_rows(result, options, stats):
            bead = row.bead
            values = [row.src_text, row.tgt_text, bead.score, bead.kind, format_indexes(bead.src),
                      format_indexes(bead.tgt), row.status]
            stats.rows_written += 1
            yield [doc_id, *values] if corpus else values


class TableExporter:
    """What the table formats share: one document is written as a corpus of one, without ``doc_id``."""

    def write(self, result: "AlignmentResult", stream: IO, options: ExportOptions) -> ExportStats:
        """Write the table of ``result`` to ``stream`` (text streams opened with ``newline=""``)."""
        return self._write([(result, options.doc_id or "")], stream, options, corpus=False)

    def write_corpus(self, documents: Documents, stream: IO, options: ExportOptions) -> ExportStats:
        """Write one table of every document, ``doc_id`` first on each row."""
        return self._write(documents, stream, options, corpus=True)

    def _write(self, documents: Documents, stream: IO, options: ExportOptions, corpus: bool) -> ExportStats:
        raise NotImplementedError


@dataclass(frozen=True)
class DelimitedExporter(TableExporter):
    """Comma- or tab-separated table of every bead in document order.

    ``status`` is ``aligned`` (in the TMX), ``unaligned`` (1-0/0-1 bead, or a pair with an empty
    side) or why the pair stays out of a TMX (``identical``, ``near_copy``, ``wrong_language``,
    ``boilerplate``, ``below_min_score``, ``below_min_band``, ``too_long``; see ``selection``). Index columns hold 0-based
    sentence indexes separated by spaces, empty for the missing side. A corpus has a ``doc_id``
    column first, then the same columns.
    """

    name: str
    delimiter: str
    suffixes: tuple[str, ...]
    binary: bool = False

    def _write(self, documents: Documents, stream: TextIO, options: ExportOptions, corpus: bool) -> ExportStats:
        stats = ExportStats(format=self.name)
        writer = csv.writer(stream, delimiter=self.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        guard = FormulaGuard(options.formula_guard)
        writer.writerow([guard(h) for h in table_header(options, corpus)])
        text_columns = (0, 1, 2) if corpus else (0, 1)
        score_column = 3 if corpus else 2
        for values in table_rows(documents, options, stats, corpus):
            values[score_column] = format_score(values[score_column])
            writer.writerow([guard(v) if k in text_columns else v for k, v in enumerate(values)])
        stats.formulas_guarded = guard.guarded
        return stats


CSV = DelimitedExporter(name="csv", delimiter=",", suffixes=(".csv",))
TSV = DelimitedExporter(name="tsv", delimiter="\t", suffixes=(".tsv",))
