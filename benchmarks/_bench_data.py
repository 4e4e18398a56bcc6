"""Shared helpers for the benchmark scripts: locating ../shared/bench and loading its documents.

Each document's languages come from the set itself: ``src_lang``/``tgt_lang`` of the document's
``meta.json`` (the id-en sets), else the ``--src-lang X --tgt-lang Y`` its set's README gives (the
de-fr Text+Berg document); a set that says neither is an error, never a silent id/en.
"""
from __future__ import annotations

import json
import re
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
    langs: tuple[str, str]
    """Source and target language codes, as the set declares them (pass to ``align``)."""

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


_README_LANGS = re.compile(r"--src-lang\s+(\S+?)`?\s+--tgt-lang\s+(\S+?)[`\s)]")


def readme_languages(set_dir: Path) -> tuple[str, str] | None:
    """``(src, tgt)`` from the first ``--src-lang X --tgt-lang Y`` in the set's README.md, if any."""
    readme = set_dir / "README.md"
    if not readme.is_file():
        return None
    match = _README_LANGS.search(readme.read_text(encoding="utf-8") + "\n")
    return (match.group(1), match.group(2)) if match else None


def doc_languages(doc_dir: Path) -> tuple[str, str]:
    """A document's ``(src, tgt)`` languages: its meta.json, else its set's README; ValueError if neither says."""
    meta = doc_dir / "meta.json"
    if meta.is_file():
        data = json.loads(meta.read_text(encoding="utf-8"))
        if data.get("src_lang") and data.get("tgt_lang"):
            return str(data["src_lang"]), str(data["tgt_lang"])
    langs = readme_languages(doc_dir.parent)
    if langs is None:
        raise ValueError(f"{doc_dir}: no src_lang/tgt_lang in meta.json and no --src-lang/--tgt-lang in "
                         f"{doc_dir.parent / 'README.md'}")
    return langs


def load_sets(names: list[str] | None = None) -> dict[str, list[BenchDoc]]:
    """Every set under ../shared/bench (or those named), documents sorted, halves and languages assigned."""
    sets = {}
    for set_dir in sorted(p for p in BENCH.iterdir() if p.is_dir()):
        if names and set_dir.name not in names:
            continue
        docs = []
        for k, doc in enumerate(sorted(p for p in set_dir.iterdir() if (p / "gold.txt").is_file())):
            d = BenchDoc(set_dir.name, doc.name, _lines(doc / "src.txt"), _lines(doc / "tgt.txt"), read_beads(doc / "gold.txt"),
                         doc_languages(doc))
            d._half = "fit" if k % 2 == 0 else "test"
            docs.append(d)
        sets[set_dir.name] = docs
    return sets
