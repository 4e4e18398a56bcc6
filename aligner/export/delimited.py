"""CSV and TSV export: one row per bead, unaligned sentences included.

Files are UTF-8 without a BOM, RFC 4180 style (``\\r\\n`` line ends, fields quoted when needed).
Read them back with ``pandas.read_csv(path, sep=..., dtype=str, keep_default_na=False)`` to keep
texts such as ``NA`` as written. A text starting with ``= + - @``, a tab or CR is written with a
leading ``'`` so that spreadsheets do not run it as a formula (``ExportOptions.formula_guard``).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from .cells import FormulaGuard
from .base import ExportOptions, ExportStats, format_indexes, format_score, iter_rows, register
from .langcodes import short_code

if TYPE_CHECKING:  # pragma: no cover
    from ..result import AlignmentResult

#: Columns after the two text columns (which are headed by the short language codes).
META_COLUMNS = ("score", "bead", "src_idx", "tgt_idx", "status")


def header(options: ExportOptions) -> list[str]:
    """Header row: short source and target codes (``id``, ``en``), then :data:`META_COLUMNS`.

    When both short codes are equal (``en-US`` → ``en-GB``) the full tags are used instead.
    """
    src, tgt = short_code(options.src_lang), short_code(options.tgt_lang)
    if src == tgt:
        src, tgt = options.src_lang, options.tgt_lang
    if src == tgt:
        src, tgt = f"{src}_src", f"{tgt}_tgt"
    return [src, tgt, *META_COLUMNS]


@dataclass(frozen=True)
class DelimitedExporter:
    """Comma- or tab-separated table of every bead in document order.

    ``status`` is ``aligned`` (in the TMX), ``unaligned`` (1-0/0-1 bead, or a pair with an empty
    side) or why the pair stays out of a TMX (``identical``, ``near_copy``, ``wrong_language``,
    ``boilerplate``, ``below_min_score``, ``below_min_band``, ``too_long``; see ``selection``). Index columns hold 0-based
    sentence indexes separated by spaces, empty for the missing side.
    """

    name: str
    delimiter: str
    suffixes: tuple[str, ...]

    def write(self, result: "AlignmentResult", stream: TextIO, options: ExportOptions) -> ExportStats:
        """Write the table for ``result`` to ``stream`` (opened with ``newline=""``)."""
        stats = ExportStats(format=self.name)
        writer = csv.writer(stream, delimiter=self.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        guard = FormulaGuard(options.formula_guard)
        writer.writerow([guard(h) for h in header(options)])
        for row in iter_rows(result, options, stats):
            bead = row.bead
            writer.writerow(
                [
                    guard(row.src_text),
                    guard(row.tgt_text),
                    format_score(bead.score),
                    bead.kind,
                    format_indexes(bead.src),
                    format_indexes(bead.tgt),
                    row.status,
                ]
            )
            stats.rows_written += 1
        stats.formulas_guarded = guard.guarded
        return stats


register(DelimitedExporter(name="csv", delimiter=",", suffixes=(".csv",)))
register(DelimitedExporter(name="tsv", delimiter="\t", suffixes=(".tsv",)))
