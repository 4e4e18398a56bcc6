"""The Dask engine: the same chunk function on Dask workers, each loading the embedder once.

A worker plugin carries the loader to every worker and keeps the embedder it loads on first
use. Without a scheduler address a ``LocalCluster`` (processes, one thread each) is started; it
listens on 127.0.0.1 only, and its HTTP dashboard (unauthenticated) is off unless asked for, and
then also on 127.0.0.1.
The output folder must be reachable by the workers (shared storage for a remote cluster).
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Callable, Optional

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from ...embed.base import Embedder
from ..discover import DocPair
from ..job import DocOutcome, JobSettings, run_chunk
from ..store import PartStore
from . import EngineWork, OnDone

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


class EmbedderPlugin(WorkerPlugin):
    """Worker plugin: loads the embedder once per worker (lazily, under a lock)."""

    def __init__(self, loader: Callable[[], Embedder]) -> None:
        self.loader = loader
        self.name = "aligner-embedder-" + hashlib.sha1(repr(loader).encode()).hexdigest()[:10]
        self._embedder: Optional[Embedder] = None
        self._lock: Optional[threading.Lock] = None

    def __getstate__(self) -> dict:
        return {"loader": self.loader, "name": self.name}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["loader"])

    def setup(self, worker=None) -> None:
        self._lock = threading.Lock()

    def teardown(self, worker=None) -> None:
        self._embedder = None

    def embedder(self) -> Embedder:
        with self._lock or threading.Lock():
            if self._embedder is None:
                self._embedder = self.loader()
            return self._embedder


def dask_chunk(chunk: list[DocPair], settings: JobSettings, outdir: str, plugin_name: str) -> list[DocOutcome]:
    """The task run on a worker: the plugin's embedder + :func:`run_chunk`."""
    embedder = get_worker().plugins[plugin_name].embedder()
    return run_chunk(chunk, settings, embedder, PartStore(Path(outdir)))


def run_dask(work: EngineWork, on_done: OnDone, scheduler: Optional[str] = None, dashboard: bool = False) -> None:
    """Run every chunk on a Dask cluster (``scheduler`` address, or a new LocalCluster of
    ``work.workers`` processes on loopback, with a dashboard on ``127.0.0.1`` when ``dashboard``)."""
    if not work.chunks:
        return
    plugin = EmbedderPlugin(work.loader)
    cluster = None
    environ = dict(os.environ)  # a LocalCluster's nannies set OMP_NUM_THREADS=1 etc. in this process
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, work.workers), threads_per_worker=1, processes=True, host=LOOPBACK,
                               dashboard_address=f"{LOOPBACK}:0" if dashboard else None,
                               worker_dashboard_address=None)
        client = Client(cluster)
        if dashboard:
            log.warning("Dask dashboard (this machine only): %s", cluster.dashboard_link)
    try:
        client.register_plugin(plugin, name=plugin.name)
        futures = client.map(dask_chunk, list(work.chunks), settings=work.settings, outdir=str(work.outdir),
                             plugin_name=plugin.name, pure=False)
        for fut in as_completed(futures):
            on_done(fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        for key in set(os.environ) - set(environ):
            del os.environ[key]
        os.environ.update(environ)

