"""Engines run :func:`aligner.batch.job.run_chunk` over chunks somewhere: local processes or Dask.

An engine is a function ``(chunks, settings, loader, outdir, workers, on_done, **options)`` that
calls ``on_done(outcomes)`` in the calling process as each chunk finishes. Each worker calls
``loader()`` once and keeps the embedder; a new engine (Ray, Spark) is a small adapter.
"""
from __future__ import annotations

from typing import Callable, Sequence

from ...registry import Registry
from ..job import DocOutcome

OnDone = Callable[[Sequence[DocOutcome]], None]

ENGINES: Registry = Registry("engine", {
    "local": "aligner.batch.engines.local:run_local",
    "dask": "aligner.batch.engines.dask:run_dask",  # the [dask] extra
})
"""Engine name → its run function, imported on first use (a missing Dask names the extra to install)."""

__all__ = ["ENGINES", "OnDone"]
