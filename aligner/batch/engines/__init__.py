"""Engines run :func:`aligner.batch.job.run_chunk` over chunks somewhere: local processes or Dask.

An engine is a function ``(work, on_done, **options)`` that runs every chunk of ``work`` (an
:class:`EngineWork`) and calls ``on_done(outcomes)`` in the calling process as each chunk finishes. Each worker calls
``loader()`` once and keeps the embedder; a new engine (Ray, Spark) is a small adapter.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ...embed.base import Embedder
from ...registry import Registry
from ..discover import DocPair
from ..job import DocOutcome, JobSettings

OnDone = Callable[[Sequence[DocOutcome]], None]


@dataclass(frozen=True)
class EngineWork:
    """What an engine runs: the chunks of documents, their settings, how a worker loads its embedder,
    where the parts go and how many workers to use."""

    chunks: Sequence[list[DocPair]]
    settings: JobSettings
    loader: Callable[[], Embedder]
    outdir: Path
    workers: int


ENGINES: Registry = Registry("engine", {
    "local": "aligner.batch.engines.local:run_local",
    "dask": "aligner.batch.engines.dask:run_dask",  # the [dask] extra
})
"""Engine name → its run function, imported on first use (a missing Dask names the extra to install)."""

__all__ = ["ENGINES", "EngineWork", "OnDone"]
