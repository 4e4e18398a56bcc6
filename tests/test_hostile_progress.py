"""Progress lines on stderr when it is not a terminal: at least one per interval, with counts and an ETA."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest
from typer.testing import CliRunner

from aligner.cli import app
from aligner.cli.ticker import AlignProgress, BatchCounts, duration, eta
from test_batch import _env, make_corpus
from test_hostile import HashEmbedder, write

runner = CliRunner()


class SlowEmbedder(HashEmbedder):
    """Encodes in batches of 8 sentences, 0.1 s each, reporting progress per batch."""

    def encode(self, sentences, progress=None):
        out = []
        for k in range(0, len(sentences), 8):
            time.sleep(0.1)
            out.append(super().encode(sentences[k : k + 8], progress))
        return np.concatenate(out) if out else super().encode([], None)


def test_align_prints_progress_lines_with_counts_and_eta_when_stderr_is_not_a_terminal(tmp_path, monkeypatch):
    model = SlowEmbedder()
    monkeypatch.setattr("aligner.api.load_embedder", lambda *a, **k: model)
    monkeypatch.setenv("ALIGNER_PROGRESS_SECONDS", "0.2")
    lines = [f"Kalimat nomor {k} tentang kota." for k in range(120)]
    src = write(tmp_path, "a.id.txt", "\n".join(lines))
    tgt = write(tmp_path, "a.en.txt", "\n".join(f"Sentence number {k} about the city." for k in range(120)))
    res = runner.invoke(app, ["align", str(src), str(tgt), "-o", str(tmp_path / "o.csv")])
    assert res.exit_code == 0, res.output
    progress = [line for line in res.output.splitlines() if line.startswith("progress:")]
    assert len(progress) >= 5, res.output  # 240 sentences in 30 batches: about 3 s of encoding
    encoding = [line for line in progress if "encoding sentences" in line]
    assert encoding and any("/240 (" in line and "ETA" in line for line in encoding), progress


def test_batch_prints_progress_lines_when_stderr_is_not_a_terminal(tmp_path):
    make_corpus(tmp_path / "in", 12, seed=11)
    env = dict(_env(), ALIGNER_PROGRESS_SECONDS="0.3")
    done = subprocess.run([sys.executable, "-m", "aligner", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                           "--embedder-factory", "test_batch:SlowHashingEmbedder", "--workers", "1"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    progress = [line for line in done.stderr.splitlines() if line.startswith("progress:")]
    assert len(progress) >= 2, done.stderr
    assert any("documents" in line and "/12" in line for line in progress), progress


def test_status_texts():
    assert (duration(5), duration(95), duration(4000)) == ("5s", "1m35s", "1h06m")
    assert eta(25, 100, 10.0) == ", ETA 30s" and eta(0, 100, 1.0) == "" and eta(5, None, 1.0) == ""
    steps = AlignProgress()
    steps.begin("encoding sentences", 200)
    steps.advance(50)
    assert steps.status().startswith("encoding sentences 50/200 (25%)") and "ETA" in steps.status()
    counts = BatchCounts()
    counts.start(10, 4)
    counts.advance(2, 40)
    assert counts.status().startswith("documents 6/10 (4 resumed), 40 sentences aligned")
