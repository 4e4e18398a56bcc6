"""The Dask engine: the same chunk function on a LocalCluster gives the local engine's output."""
from __future__ import annotations

import os
from pathlib import Path

import distributed  # a dependency (dask[distributed]): the engine is tested wherever the tests run
import pytest

from aligner.batch import BatchOptions, HashingEmbedder, run_batch
from test_batch import DATE, make_corpus


class CountingLoader:
    """Loads the hashing embedder and records which process loaded it (one line per load)."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.spec = "counting-hashing"

    def __call__(self) -> HashingEmbedder:
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return HashingEmbedder()


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as c:
        yield c


def test_dask_engine_output_equals_local_engine(tmp_path, cluster):
    make_corpus(tmp_path / "in", 10, seed=5)
    (tmp_path / "in" / "broken.id.txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "broken.en.txt").write_text("Hello.\n", encoding="utf-8")
    loads = tmp_path / "loads.txt"
    local = run_batch(tmp_path / "in", tmp_path / "local",
                      BatchOptions(loader=CountingLoader(loads), workers=1, creation_date=DATE))
    loads.unlink()
    dask = run_batch(tmp_path / "in", tmp_path / "dask",
                     BatchOptions(loader=CountingLoader(loads), workers=2, engine="dask",
                                  scheduler=cluster.scheduler_address, creation_date=DATE))
    assert dask.engine == "dask" and dask.merged.documents == local.merged.documents == 10
    assert dask.merged.failed == 1
    assert (tmp_path / "dask" / "corpus.tmx").read_bytes() == (tmp_path / "local" / "corpus.tmx").read_bytes()
    report = lambda d: (tmp_path / d / "report.csv").read_text().replace(f"/{d}/", "/x/")  # noqa: E731
    assert report("dask") == report("local")
    pids = loads.read_text().split()
    assert 1 <= len(pids) <= 2 and len(set(pids)) == len(pids), "each worker loads the model once"


@pytest.fixture(autouse=True)
def _restore_environ():
    """Dask clusters made directly by these tests set OMP_NUM_THREADS=1 etc. in the test process;
    later tests that start a batch would inherit one core."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_dask_engine_starts_its_own_local_cluster(tmp_path):
    make_corpus(tmp_path / "in", 3, seed=6)
    run_batch(tmp_path / "in", tmp_path / "local", BatchOptions(loader=HashingEmbedder, workers=1, creation_date=DATE))
    run_batch(tmp_path / "in", tmp_path / "dask",
              BatchOptions(loader=HashingEmbedder, workers=1, engine="dask", creation_date=DATE))
    assert (tmp_path / "dask" / "corpus.tmx").read_bytes() == (tmp_path / "local" / "corpus.tmx").read_bytes()


class ListeningSockets:
    """A BatchProgress that records, while the cluster runs, every listening socket of this process tree."""

    def __init__(self) -> None:
        self.addresses: set[tuple[str, int]] = set()

    def start(self, total_docs: int, done_docs: int) -> None:
        pass

    def advance(self, docs: int, sentences: int) -> None:
        import psutil

        me = psutil.Process()
        for proc in [me, *me.children(recursive=True)]:
            for conn in proc.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN:
                    self.addresses.add((conn.laddr.ip, conn.laddr.port))


@pytest.mark.parametrize("dashboard", [False, True])
def test_local_cluster_listens_on_loopback_only(tmp_path, dashboard):
    make_corpus(tmp_path / "in", 3, seed=7)
    sockets = ListeningSockets()
    run_batch(tmp_path / "in", tmp_path / "dask",
              BatchOptions(loader=HashingEmbedder, workers=1, engine="dask", creation_date=DATE, dashboard=dashboard),
              sockets)
    assert sockets.addresses, "the cluster should have been listening"
    assert {ip for ip, _ in sockets.addresses} <= {"127.0.0.1", "::1"}, sockets.addresses
    # scheduler + worker + nanny (3 ports), plus the dashboard only when asked for
    assert len(sockets.addresses) >= 3
    if not dashboard:
        import psutil  # noqa: F401 - the dashboard's HTTP port is absent: no listener answers HTTP
        from urllib.request import urlopen

        for ip, port in sockets.addresses:
            try:
                urlopen(f"http://{ip}:{port}/status", timeout=1).read()
            except Exception:  # noqa: BLE001 - only the dashboard speaks HTTP
                continue
            pytest.fail(f"an HTTP dashboard answered on {ip}:{port}")


def test_dask_engine_leaves_the_callers_environment_as_it_was(tmp_path, monkeypatch):
    # The nannies of a LocalCluster set OMP_NUM_THREADS=1 (and MKL_...) in the calling process;
    # left there, a later local batch of the same process would see one core.
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    before = dict(os.environ)
    test_dask_engine_starts_its_own_local_cluster(tmp_path)
    assert dict(os.environ) == before
