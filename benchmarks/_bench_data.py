"""Shared helpers for the benchmark scripts: locating ../shared/bench and loading its documents."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT))

from aligner.evaluate import BeadPair, read_beads  # noqa: E402


@dataclass
class BenchDoc:
    """One benchmark document: one segment per line on each side, and its gold beads."""

    set_name: str
    name: str
    src: list[str]
    tgt: list[str]
    gold: list[BeadPair]

    @property
    def half(self) -> str:
        """``fit`` or ``test``: alternate documents (sorted by name) form the two halves."""
        return self._half

    _half: str = "fit"


def bench_available() -> bool:
    """True when ../shared/bench is present next to the project."""
    return BENCH.is_dir()


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def load_sets(names: list[str] | None = None) -> dict[str, list[BenchDoc]]:
    """Every set under ../shared/bench (or those named), documents sorted, halves assigned."""
    sets = {}
    for set_dir in sorted(p for p in BENCH.iterdir() if p.is_dir()):
        if names and set_dir.name not in names:
            continue
        docs = []
        for k, doc in enumerate(sorted(p for p in set_dir.iterdir() if (p / "gold.txt").is_file())):
            d = BenchDoc(set_dir.name, doc.name, _lines(doc / "src.txt"), _lines(doc / "tgt.txt"), read_beads(doc / "gold.txt"))
            d._half = "fit" if k % 2 == 0 else "test"
            docs.append(d)
        sets[set_dir.name] = docs
    return sets
