"""The corpus output: every document's part streamed, in document order, into one file + report."""
from __future__ import annotations

import contextlib
import dataclasses
import csv
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Sequence, TextIO

from ..errors import AlignerError
from ..export.base import ExportOptions, ExportStats, format_indexes, format_score, iter_rows
from ..export.cells import FormulaGuard
from ..export.delimited import header as delimited_header
from ..export.tmx import write_tmx_corpus
from ..result import AlignmentResult
from .discover import DocPair
from .report import ReportWriter, doc_row, unmatched_row
from ..export.atomic import atomic_file, atomic_path
from .store import PartStore, record_result

log = logging.getLogger(__name__)

FORMATS = {".tmx": "tmx", ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet"}
_PARQUET_ROWS = 50_000


@dataclass
class MergeStats:
    """What the corpus file holds."""

    documents: int = 0
    failed: int = 0
    pairs_written: int = 0
    unaligned_src: int = 0
    unaligned_tgt: int = 0
    score_sum: float = 0.0
    scored_pairs: int = 0
    sentences: int = 0
    excluded: dict = field(default_factory=dict)
    """Pairs the TM selection policy kept out, by status (``identical``, ``near_copy``, ...)."""

    @property
    def mean_score(self) -> Optional[float]:
        """Mean confidence over every aligned pair of the corpus."""
        return self.score_sum / self.scored_pairs if self.scored_pairs else None


def format_for(path: Path, fmt: Optional[str] = None) -> str:
    """``tmx``, ``csv``, ``tsv`` or ``parquet``: ``fmt`` when given, else from the suffix."""
    name = (fmt or FORMATS.get(path.suffix.lower(), "")).lower()
    if name not in FORMATS.values():
        raise AlignerError(f"{path.name}: unknown corpus format; use --format tmx, csv, tsv or parquet")
    return name


def _documents(pairs: Sequence[DocPair], keys: Sequence[str], store: PartStore, report: "ReportWriter",
               stats: MergeStats, options: Optional[ExportOptions] = None) -> Iterator[tuple[AlignmentResult, str]]:
    """Successful documents in order; writes every document's report row on the way."""
    for pair, key in zip(pairs, keys):
        record = store.read(pair.doc_id, key)
        if record is None or record.get("error"):
            error = record["error"] if record else "not aligned (the run stopped before it)"
            report.writerow(doc_row(pair, None, error))
            stats.failed += 1
            continue
        result = record_result(record)
        report.writerow(doc_row(pair, result, None, options))
        stats.documents += 1
        stats.sentences += len(result.src_sentences) + len(result.tgt_sentences)
        for bead in result.pairs:
            stats.score_sum += bead.score
            stats.scored_pairs += 1
        yield result, pair.doc_id


def _write_delimited(docs: Iterator[tuple[AlignmentResult, str]], fh: TextIO, options: ExportOptions,
                     delimiter: str) -> ExportStats:
    stats = ExportStats(format="csv" if delimiter == "," else "tsv")
    guard = FormulaGuard(options.formula_guard)
    writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([guard(h) for h in ("doc_id", *delimited_header(options))])
    for result, doc_id in docs:
        for row in iter_rows(result, options, stats):
            b = row.bead
            writer.writerow([guard(doc_id), guard(row.src_text), guard(row.tgt_text), format_score(b.score), b.kind,
                             format_indexes(b.src), format_indexes(b.tgt), row.status])
            stats.rows_written += 1
    stats.formulas_guarded = guard.guarded
    return stats


def _write_parquet(docs: Iterator[tuple[AlignmentResult, str]], path: Path, options: ExportOptions) -> ExportStats:
    import pyarrow as pa
    import pyarrow.parquet as pq

    stats = ExportStats(format="parquet")
    cols = ["doc_id", "src_text", "tgt_text", "score", "bead", "src_idx", "tgt_idx", "status"]
    schema = pa.schema([(c, pa.float64() if c == "score" else pa.string()) for c in cols])
    buffer: dict[str, list] = {c: [] for c in cols}

    def flush(writer) -> None:
        if buffer["doc_id"]:
            writer.write_table(pa.table(buffer, schema=schema))
            for values in buffer.values():
                values.clear()

    with pq.ParquetWriter(path, schema) as writer:
        for result, doc_id in docs:
            for row in iter_rows(result, options, stats):
                b = row.bead
                for c, v in zip(cols, (doc_id, row.src_text, row.tgt_text, b.score, b.kind,
                                       format_indexes(b.src), format_indexes(b.tgt), row.status)):
                    buffer[c].append(v)
                stats.rows_written += 1
            if len(buffer["doc_id"]) >= _PARQUET_ROWS:
                flush(writer)
        flush(writer)
    return stats


def _made_by(pairs: Sequence[DocPair], keys: Sequence[str], store: PartStore) -> tuple[str, str]:
    """The model name and run signature of the first successful part (every part shares the key's settings)."""
    for pair, key in zip(pairs, keys):
        record = store.read(pair.doc_id, key)
        if record and not record.get("error"):
            return record.get("model", ""), record.get("signature", "")
    return "", ""


def merge(pairs: Sequence[DocPair], keys: Sequence[str], store: PartStore, output: Path, fmt: str,
          options: ExportOptions, report_path: Path, unmatched: Sequence[Path] = ()) -> MergeStats:
    """Write the corpus file (``fmt``) and the report CSV atomically from the stored parts."""
    stats = MergeStats()
    with contextlib.ExitStack() as stack:
        report_fh = stack.enter_context(atomic_file(report_path))
        report = ReportWriter(report_fh, options.formula_guard)
        docs = _documents(pairs, keys, store, report, stats, options)
        if fmt == "parquet":
            export = _write_parquet(docs, stack.enter_context(atomic_path(output)), options)
        else:
            fh = stack.enter_context(atomic_file(output))
            if fmt == "tmx":
                model, signature = _made_by(pairs, keys, store)
                export = write_tmx_corpus(docs, fh, dataclasses.replace(options, signature=signature or None),
                                          model=model)
            else:
                export = _write_delimited(docs, fh, options, "," if fmt == "csv" else "\t")
        for path in unmatched:
            report.writerow(unmatched_row(path))
    stats.pairs_written = export.pairs_written
    stats.excluded = export.excluded()
    stats.unaligned_src, stats.unaligned_tgt = export.unaligned_src, export.unaligned_tgt
    return stats
