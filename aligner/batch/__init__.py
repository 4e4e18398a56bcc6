"""Batch alignment of many document pairs: resumable, one model per worker, local or Dask.

``run_batch(folder_or_manifest, outdir, BatchOptions(...))`` → one corpus file (TMX, CSV, TSV or
Parquet) with the document id on every unit, plus ``report.csv``. See :mod:`aligner.batch.job`
for the unit of work engines run.
"""
from __future__ import annotations

from .discover import DocPair, Discovery, discover
from .job import JobSettings, run_chunk
from .model import ModelLoader
from .runner import BatchOptions, BatchProgress, BatchSummary, run_batch

__all__ = [
    "BatchOptions",
    "BatchProgress",
    "BatchSummary",
    "DocPair",
    "Discovery",
    "JobSettings",
    "ModelLoader",
    "discover",
    "run_batch",
    "run_chunk",
]
