"""Threads: the cores a process may use (affinity, cgroup quota, OMP_NUM_THREADS), passed to
torch and ONNX Runtime; batch workers x threads within the cores."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

try:
    import aligner  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aligner.batch.runner import BatchOptions, workers_and_threads
from aligner.embed import threads as th
from aligner.errors import ModelError


def _cgroup(tmp_path: Path, v2: str | None = None, v1: tuple[str, str] | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    if v2 is not None:
        (tmp_path / "cpu.max").write_text(v2 + "\n")
    if v1 is not None:
        (tmp_path / "cpu").mkdir()
        (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(v1[0] + "\n")
        (tmp_path / "cpu" / "cpu.cfs_period_us").write_text(v1[1] + "\n")
    return tmp_path


def test_cgroup_quota_v2_and_v1(tmp_path):
    assert th.cgroup_quota_cores(_cgroup(tmp_path / "a", v2="200000 100000")) == 2
    assert th.cgroup_quota_cores(_cgroup(tmp_path / "b", v2="150000 100000")) == 1  # 1.5 cores: one thread
    assert th.cgroup_quota_cores(_cgroup(tmp_path / "c", v2="50000 100000")) == 1
    assert th.cgroup_quota_cores(_cgroup(tmp_path / "d", v2="max 100000")) is None
    assert th.cgroup_quota_cores(_cgroup(tmp_path / "e", v1=("300000", "100000"))) == 3
    assert th.cgroup_quota_cores(_cgroup(tmp_path / "f", v1=("-1", "100000"))) is None
    assert th.cgroup_quota_cores(tmp_path / "none") is None


@pytest.fixture
def four_cores(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)


def test_available_cores_is_the_tightest_limit(four_cores, monkeypatch, tmp_path):
    no_quota = _cgroup(tmp_path / "free", v2="max 100000")
    assert th.available_cores(no_quota) == 4
    assert th.available_cores(_cgroup(tmp_path / "q", v2="300000 100000")) == 3
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert th.available_cores(no_quota) == 2
    assert th.available_cores(_cgroup(tmp_path / "q1", v2="100000 100000")) == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "junk")
    assert th.available_cores(no_quota) == 4


def test_resolve_threads_default_and_explicit(four_cores, monkeypatch, tmp_path):
    monkeypatch.setattr(th, "CGROUP_ROOT", _cgroup(tmp_path, v2="max 100000"))
    assert th.resolve_threads(None) == 4
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert th.resolve_threads(None) == 3
    assert th.resolve_threads(2) == 2
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ModelError):
            th.resolve_threads(bad)


def test_torch_gets_the_thread_count():
    import torch

    before = torch.get_num_threads()
    try:
        th.apply_torch_threads(1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_sentence_transformer_embedder_sets_torch_threads(monkeypatch):
    import torch

    import aligner.embed.sentence_transformers as backend

    class FakeST:
        max_seq_length = 128
        tokenizer = None

        def get_embedding_dimension(self):
            return 4

        def __getitem__(self, i):
            raise IndexError(i)

    monkeypatch.setattr(backend, "load_sentence_transformer", lambda model, device: FakeST())
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        emb = backend.SentenceTransformerEmbedder("fake", precision="fp32")  # default: OMP_NUM_THREADS
        assert emb.num_threads == 1 and torch.get_num_threads() == 1
        emb = backend.SentenceTransformerEmbedder("fake", precision="fp32", num_threads=2)
        assert emb.num_threads == 2 and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_onnx_session_options_follow_threads():
    from aligner.embed.onnx_runtime import session_options

    so = session_options(3)
    assert so.intra_op_num_threads == 3 and so.inter_op_num_threads == 1
    assert so.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_split_cores_never_oversubscribes(caplog):
    assert th.split_cores(4) == (4, 1)
    assert th.split_cores(4, threads=2) == (2, 2)
    assert th.split_cores(4, threads=8) == (1, 4)
    assert th.split_cores(4, workers=2) == (2, 2)
    assert th.split_cores(4, workers=3) == (3, 1)
    assert th.split_cores(2, workers=2, threads=2) == (2, 1)
    assert "exceed 2 cores" in caplog.text
    assert th.split_cores(2, workers=5) == (2, 1)
    assert "5 workers on 2 cores" in caplog.text
    for cores in range(1, 9):
        for w in (None, 1, 2, 3, 8):
            for t in (None, 1, 2, 5):
                workers, threads = th.split_cores(cores, w, t)
                assert workers * threads <= cores, (cores, w, t)


def test_batch_divides_the_cores_among_workers(monkeypatch):
    import aligner.batch.runner as runner

    monkeypatch.setattr(runner, "available_cpus", lambda: 4)
    assert workers_and_threads(BatchOptions()) == (4, 1)
    assert workers_and_threads(BatchOptions(threads=2)) == (2, 2)
    assert workers_and_threads(BatchOptions(workers=2)) == (2, 2)
    assert workers_and_threads(BatchOptions(workers=2, threads=4)) == (2, 2)
    assert workers_and_threads(BatchOptions(device="cuda", threads=3)) == (1, 3)  # one GPU worker


def test_batch_loader_gets_threads_and_precision(monkeypatch, tmp_path):
    """run_batch hands each worker's loader its share of the cores and the precision."""
    import aligner.batch.runner as runner

    monkeypatch.setattr(runner, "available_cpus", lambda: 2)
    seen = {}

    def fake_engine(work, on_done, **extra):
        loader = work.loader
        seen.update(threads=loader.num_threads, precision=loader.precision, workers=work.workers, spec=loader.spec)

    monkeypatch.setattr(runner, "_engine", lambda name: fake_engine)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.id.txt").write_text("Satu.\n", encoding="utf-8")
    (src / "a.en.txt").write_text("One.\n", encoding="utf-8")
    runner.run_batch(src, tmp_path / "out", BatchOptions(workers=1, precision="int8"))
    assert seen == {"threads": 2, "precision": "int8", "workers": 1, "spec": "model=default,precision=int8"}
