"""The corpus output: every document's part streamed, in document order, into one file + report."""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Sequence, TextIO

from ..errors import AlignerError
from ..export.base import ExportOptions
from ..export.registry import CORPUS_SUFFIXES, EXPORTERS
from ..result import AlignmentResult
from .discover import DocPair
from .report import ReportWriter, doc_row, unmatched_row
from ..export.atomic import atomic_file
from .store import PartStore, record_result

log = logging.getLogger(__name__)



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
    suffix = f".{fmt.lower().lstrip('.')}" if fmt else path.suffix.lower()
    if suffix not in CORPUS_SUFFIXES:
        names = [s.lstrip(".") for s in CORPUS_SUFFIXES]
        raise AlignerError(f"{path.name}: unknown corpus format; use --format {', '.join(names[:-1])} or {names[-1]}")
    return suffix.lstrip(".")


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


def merge(pairs: Sequence[DocPair], keys: Sequence[str], store: PartStore, output: Path, fmt: str,
          options: ExportOptions, report_path: Path, unmatched: Sequence[Path] = ()) -> MergeStats:
    """Write the corpus file (``fmt``, through its exporter's ``write_corpus``) and the report CSV
    atomically from the stored parts."""
    stats = MergeStats()
    exporter = EXPORTERS.get(f".{fmt}")
    with contextlib.ExitStack() as stack:
        report_fh = stack.enter_context(atomic_file(report_path))
        report = ReportWriter(report_fh, options.formula_guard)
        docs = _documents(pairs, keys, store, report, stats, options)
        fh = stack.enter_context(atomic_file(output, binary=exporter.binary))
        export = exporter.write_corpus(docs, fh, options)
        for path in unmatched:
            report.writerow(unmatched_row(path))
    stats.pairs_written = export.pairs_written
    stats.excluded = export.excluded()
    stats.unaligned_src, stats.unaligned_tgt = export.unaligned_src, export.unaligned_tgt
    return stats
