"""The per-document report: one CSV row per document (and per unmatched file).

Text fields (document ids, paths, error messages) get the spreadsheet formula guard of
:mod:`aligner.export.cells`: a document id such as ``=HYPERLINK(...)`` is written as ``'=HYPERLINK(...)``.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Optional, TextIO

from ..result import AlignmentResult
from .discover import DocPair
from .job import flag_counts
from ..export.base import ExportOptions, ExportStats, iter_rows
from ..export.cells import FormulaGuard

REPORT_COLUMNS = [
    "doc_id", "status", "src_path", "tgt_path", "src_sentences", "tgt_sentences", "pairs",
    "unaligned_src", "unaligned_tgt", "mean_score", "src_flags", "tgt_flags", "error",
    "kept_out", "signature",
]
OK, FAILED, UNMATCHED = "ok", "failed", "unmatched"


def _flags_text(counts: dict[str, int]) -> str:
    return ";".join(f"{k}={v}" for k, v in counts.items())


def kept_out(result: AlignmentResult, options: ExportOptions) -> str:
    """Pairs of ``result`` kept out of the TMX, by reason: ``identical=2;near_copy=1`` (empty when none)."""
    stats = ExportStats()
    for _ in iter_rows(result, options, stats):
        pass
    return _flags_text(stats.excluded())


def doc_row(pair: DocPair, result: Optional[AlignmentResult], error: Optional[str],
            options: Optional[ExportOptions] = None) -> dict:
    """The report row of one document (``result`` None when it failed with ``error``); with
    ``options``, ``kept_out`` counts the pairs the TM selection keeps out of the TMX, by reason."""
    row = {c: "" for c in REPORT_COLUMNS}
    row.update(doc_id=pair.doc_id, src_path=str(pair.src), tgt_path=str(pair.tgt))
    if result is None:
        row.update(status=FAILED, error=error or "not aligned")
        return row
    mean = result.mean_score()
    row.update(
        status=OK,
        src_sentences=len(result.src_sentences),
        tgt_sentences=len(result.tgt_sentences),
        pairs=len(result.pairs),
        unaligned_src=len(result.unaligned_src),
        unaligned_tgt=len(result.unaligned_tgt),
        mean_score="" if mean is None else f"{mean:.3f}",
        src_flags=_flags_text(flag_counts(result.src_sentences)),
        tgt_flags=_flags_text(flag_counts(result.tgt_sentences)),
        kept_out=kept_out(result, options) if options is not None else "",
        signature=result.meta.get("signature", ""),
    )
    return row


def unmatched_row(path: Path) -> dict:
    """The report row of a file that found no partner."""
    row = {c: "" for c in REPORT_COLUMNS}
    row.update(status=UNMATCHED, src_path=str(path), error="no matching file in the other language")
    return row


class ReportWriter:
    """Writes report rows to an open text stream, text fields formula-guarded (unless ``guard`` is off)."""

    def __init__(self, stream: TextIO, guard: bool = True) -> None:
        self.guard = FormulaGuard(guard)
        self.writer = csv.DictWriter(stream, REPORT_COLUMNS, lineterminator="\n")
        self.writer.writeheader()

    def writerow(self, row: dict) -> None:
        """Write one row (as :func:`doc_row` or :func:`unmatched_row` make them)."""
        self.writer.writerow({k: self.guard(v) if isinstance(v, str) else v for k, v in row.items()})

