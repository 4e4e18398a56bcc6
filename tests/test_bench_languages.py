"""Benchmark documents carry their set's languages (meta.json or the set's README), never a silent id/en."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import _bench_data  # noqa: E402


def make_doc(folder: Path, meta: dict | None = None, readme: str | None = None) -> Path:
    doc = folder / "doc"
    doc.mkdir(parents=True)
    if meta is not None:
        (doc / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    if readme is not None:
        (folder / "README.md").write_text(readme, encoding="utf-8")
    return doc


def test_languages_from_meta_json(tmp_path: Path) -> None:
    doc = make_doc(tmp_path / "set", {"src_lang": "id", "tgt_lang": "en"}, "Use it with `--src-lang de --tgt-lang fr`.")
    assert _bench_data.doc_languages(doc) == ("id", "en")


def test_languages_from_the_set_readme(tmp_path: Path) -> None:
    doc = make_doc(tmp_path / "set", {"id": "x"}, "A set.\nUse it with `--src-lang de --tgt-lang fr` (no id/en rules).\n")
    assert _bench_data.doc_languages(doc) == ("de", "fr")


def test_a_set_without_languages_is_an_error(tmp_path: Path) -> None:
    doc = make_doc(tmp_path / "set", None, "No languages here.")
    with pytest.raises(ValueError, match="src_lang"):
        _bench_data.doc_languages(doc)


@pytest.mark.skipif(not _bench_data.bench_available(), reason="../shared/bench not available")
def test_shared_sets_have_their_languages() -> None:
    sets = _bench_data.load_sets()
    assert {d.langs for d in sets["de-fr-textberg-dev"]} == {("de", "fr")}
    for name in ("id-en-bible", "id-en-pud", "id-en-pud-hard", "id-en-nusax", "id-en-nusax-hard"):
        assert {d.langs for d in sets[name]} == {("id", "en")}, name
