"""Shared fixtures: paths to the bundled sample and to ../shared (skipped when absent)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def sample_paths() -> tuple[Path, Path]:
    return DATA / "jabar-gojek-2019.id.txt", DATA / "jabar-gojek-2019.en.txt"


@pytest.fixture(scope="session")
def tmx_dtd() -> Path:
    path = SHARED / "spec" / "tmx14.dtd"
    if not path.is_file():
        pytest.skip("../shared/spec/tmx14.dtd not available")
    return path


@pytest.fixture(scope="session")
def e5():
    """The default embedder, loaded once for the whole test session."""
    from aligner.embed import load_embedder

    return load_embedder()
