"""Shared fixtures: the bundled sample, the vendored TMX DTD, and ../shared (skipped when absent)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
#: The TMX 1.4 DTD, vendored (tests/data/README.md): DTD validation never skips.
TMX_DTD = TEST_DATA / "tmx14.dtd"


@pytest.fixture(scope="session")
def sample_paths() -> tuple[Path, Path]:
    return DATA / "jabar-gojek-2019.id.txt", DATA / "jabar-gojek-2019.en.txt"


@pytest.fixture(scope="session")
def tmx_dtd() -> Path:
    return TMX_DTD


@pytest.fixture(scope="session")
def e5():
    """The default embedder, loaded once for the whole test session."""
    from aligner.embed import load_embedder

    return load_embedder()
