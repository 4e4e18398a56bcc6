"""Outputs of the small commands go through the one atomic writer (temporary sibling, fsync, rename)."""
from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import aligner.export.atomic as atomic
from aligner.cli import app


def test_srx_is_written_through_atomic_file_with_fsync(tmp_path: Path, monkeypatch) -> None:
    synced: list[int] = []
    real = atomic.os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    out = tmp_path / "rules.srx"
    res = CliRunner().invoke(app, ["srx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("<?xml") and synced  # file (and folder) fsynced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.srx"]  # no temporary file left


def test_srx_write_failure_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "segmentation.conf"
    out.write_text("old", encoding="utf-8")

    def fail(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", fail)
    res = CliRunner().invoke(app, ["srx", "-o", str(out)])
    assert res.exit_code == 1 and "no space left on device" in res.output.lower()
    assert out.read_text(encoding="utf-8") == "old" and sorted(p.name for p in tmp_path.iterdir()) == [out.name]
