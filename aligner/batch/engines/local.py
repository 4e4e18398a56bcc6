"""The local engine: a pool of worker processes, each loading the embedder once (initializer)."""
from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Callable, Optional

from ...embed.base import Embedder
from ..discover import DocPair
from ...segment.lean_nltk import import_nltk_lean
from ..job import DocOutcome, JobSettings, run_chunk
from ..lifeline import die_with_parent
from ..store import PartStore
from . import EngineWork, OnDone

log = logging.getLogger(__name__)


class _WorkerState:
    """What a worker process keeps between chunks: set once by :func:`_init_worker`."""

    embedder: Optional[Embedder] = None
    settings: Optional[JobSettings] = None
    store: Optional[PartStore] = None


def _init_worker(loader: Callable[[], Embedder], settings: JobSettings, outdir: Path, parent: int) -> None:
    die_with_parent(parent)
    import_nltk_lean()  # this process is ours: Punkt without scipy and scikit-learn
    _WorkerState.embedder = loader()
    _WorkerState.settings = settings
    _WorkerState.store = PartStore(outdir)


def _run_in_worker(chunk: list[DocPair]) -> list[DocOutcome]:
    return run_chunk(chunk, _WorkerState.settings, _WorkerState.embedder, _WorkerState.store)


def run_local(work: EngineWork, on_done: OnDone) -> None:
    """Run every chunk; ``work.workers <= 1`` runs in this process, else in that many spawned
    processes (spawn: safe with torch's thread pools) that die with this one, even on SIGKILL
    (:mod:`aligner.batch.lifeline`). ``work.loader`` must be picklable."""
    chunks, loader, workers = work.chunks, work.loader, work.workers
    if not chunks:
        return
    if workers <= 1 or len(chunks) == 1:
        embedder, store = loader(), PartStore(work.outdir)
        for chunk in chunks:
            on_done(run_chunk(chunk, work.settings, embedder, store))
        return
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)), mp_context=ctx,
        initializer=_init_worker, initargs=(loader, work.settings, Path(work.outdir), os.getpid()),
    )
    try:
        pending: set[Future] = {pool.submit(_run_in_worker, chunk) for chunk in chunks}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                on_done(fut.result())
    except BaseException:  # SIGTERM, Ctrl-C, a failed chunk: do not wait for running chunks
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
