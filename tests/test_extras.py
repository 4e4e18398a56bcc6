"""Optional dependencies (the [dask], [parquet] and [notebook] extras): a missing one is a one-line
error naming the extra to install, and nothing is written."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aligner
from aligner.batch import BatchOptions, run_batch
from aligner.embed.hashing import HashingEmbedder
from aligner.batch.engines import ENGINES
from aligner.cli import app
from aligner.export.registry import EXPORTERS
from aligner.extras import MissingExtra, require
from aligner.registry import Registry

ID_TEXT = "Pemerintah Kota Bandung membangun 40 rumah baru.\n"
EN_TEXT = "The Bandung city government built 40 new houses.\n"


def hide(monkeypatch, *modules: str) -> None:
    """Make ``import module`` fail as it does when the package is not installed."""
    for name in list(sys.modules):
        if any(name == m or name.startswith(m + ".") for m in modules):
            monkeypatch.delitem(sys.modules, name)
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def test_require_names_the_extra(monkeypatch) -> None:
    hide(monkeypatch, "matplotlib")
    with pytest.raises(MissingExtra) as info:
        require("matplotlib", "plotting")
    assert str(info.value) == "plotting needs matplotlib, which is not installed: pip install 'aligner[notebook]'"


def test_missing_dask_is_one_line_naming_the_extra(tmp_path: Path, monkeypatch) -> None:
    hide(monkeypatch, "distributed", "dask")
    monkeypatch.delitem(sys.modules, "aligner.batch.engines.dask", raising=False)  # imported again, and fails
    monkeypatch.delitem(ENGINES._loaded, "dask", raising=False)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.id.txt").write_text(ID_TEXT, encoding="utf-8")
    (tmp_path / "in" / "a.en.txt").write_text(EN_TEXT, encoding="utf-8")
    with pytest.raises(MissingExtra, match=r"^the dask engine needs distributed, which is not installed: "
                                           r"pip install 'aligner\[dask\]'$"):
        run_batch(tmp_path / "in", tmp_path / "out", BatchOptions(loader=HashingEmbedder, workers=1, engine="dask"))
    res = CliRunner().invoke(app, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "cli"), "--engine", "dask",
                                   "--embedder-factory", "aligner.embed.hashing:HashingEmbedder"])
    assert res.exit_code == 1 and res.output.strip().splitlines() == [
        "error: the dask engine needs distributed, which is not installed: pip install 'aligner[dask]'"]
    assert not (tmp_path / "cli" / "corpus.tmx").exists()


def test_missing_pyarrow_is_one_line_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    hide(monkeypatch, "pyarrow")
    result = aligner.align(ID_TEXT, EN_TEXT, model=HashingEmbedder())
    with pytest.raises(MissingExtra, match=r"pip install 'aligner\[parquet\]'$"):
        aligner.write_alignment(result, tmp_path / "a.parquet")
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(aligner.AlignerError, match=r"^unknown engine 'ray'; use one of dask, local$"):
        ENGINES.get("ray")
    assert EXPORTERS.names() == [".beads", ".csv", ".parquet", ".tmx", ".tsv", ".xlsx"]


def test_a_missing_module_that_is_no_extra_is_not_hidden() -> None:
    broken = Registry("thing", {"x": "aligner_no_such_module:x"})
    with pytest.raises(ModuleNotFoundError):
        broken.get("x")


def test_pyproject_declares_the_extras_and_test_installs_them() -> None:
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    required = {d.split("[")[0].split(">")[0].split("=")[0].lower() for d in project["dependencies"]}
    extras = project["optional-dependencies"]
    assert {"dask", "pyarrow", "matplotlib"}.isdisjoint(required) and "lxml" in required
    assert extras["dask"] == ["dask[distributed]>=2024.1"] and extras["parquet"] == ["pyarrow>=14"]
    assert any(d.startswith("matplotlib") for d in extras["notebook"])
    assert "aligner[dask,parquet,notebook]" in extras["test"]
    assert set(EXTRAS_USED) <= set(extras)


EXTRAS_USED = sorted(set(__import__("aligner.extras", fromlist=["EXTRAS"]).EXTRAS.values()))
