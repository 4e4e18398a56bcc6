"""Local batch workers die with their parent: SIGKILL the batch, and its worker processes are gone in seconds."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from test_batch import _env, make_corpus

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _alive(pids: list[int]) -> list[int]:
    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.NoSuchProcess:
            pass
    return out


def test_sigkill_of_a_local_batch_takes_its_workers_down(tmp_path):
    make_corpus(tmp_path / "in", 160, seed=4)  # long enough that the run cannot end before the kill
    cmd = [sys.executable, "-m", "aligner", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
           "--embedder-factory", "test_batch:SlowHashingEmbedder", "--workers", "2"]
    env = _env()
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):  # Dask tests leave these at 1
        env.pop(key, None)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        parts = tmp_path / "out" / ".parts"
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while time.monotonic() < deadline and (len(workers) < 2 or not list(parts.glob("doc*.json"))):
            workers = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
            time.sleep(0.05)
        assert len(_alive(workers)) >= 2, "the pool's workers should be running"
        assert proc.poll() is None, "the batch should still be running when it is killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = _alive(workers)
        assert not left, f"workers {left} outlived the killed batch"
    finally:
        for pid in _alive([proc.pid]):
            os.kill(pid, signal.SIGKILL)
