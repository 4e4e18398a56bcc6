"""Every bench document's gold alignment as a TMX: DTD-valid and read back unchanged by translate-toolkit."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lxml import etree

import aligner
from aligner.align.base import Bead
from aligner.evaluate import read_beads
from aligner.export import ExportOptions, write_alignment
from aligner.export.tmx_check import check_tmx
from aligner.lang import tmx_tag
from aligner.result import AlignmentResult
from aligner.segment import segment_lines

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from _bench_data import doc_languages  # noqa: E402

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
DOCS = sorted(p for p in BENCH.glob("*/*") if (p / "gold.txt").is_file()) if BENCH.is_dir() else []


def gold_result(doc: Path) -> AlignmentResult:
    src = segment_lines(doc.joinpath("src.txt").read_text(encoding="utf-8"))
    tgt = segment_lines(doc.joinpath("tgt.txt").read_text(encoding="utf-8"))
    beads = [Bead(s, t, 0.95 if s and t else 0.5) for s, t in read_beads(doc / "gold.txt")]
    return AlignmentResult(src, tgt, beads)


@pytest.mark.skipif(not DOCS, reason="../shared/bench not available")
def test_bench_tmx_valid_and_round_trips(tmp_path: Path, tmx_dtd: Path) -> None:
    from translate.storage.tmx import tmxfile

    dtd = etree.DTD(str(tmx_dtd))
    for doc in DOCS:
        result = gold_result(doc)
        path = tmp_path / f"{doc.parent.name}-{doc.name}.tmx"
        src_lang, tgt_lang = doc_languages(doc)  # de-fr-textberg-dev is German–French
        write_alignment(result, path, ExportOptions(src_lang=src_lang, tgt_lang=tgt_lang, doc_id=doc.name,
                                                    merge_duplicates=False))
        tree = etree.parse(str(path))
        assert tree.getroot().find("header").get("srclang") == tmx_tag(src_lang), doc
        assert dtd.validate(tree), (doc, dtd.error_log.filter_from_errors()[:3])
        assert check_tmx(path) == [], doc
        expected = [(result.src_text(b), result.tgt_text(b)) for b in result.pairs]
        store = tmxfile(path.read_bytes())
        assert [(u.source, u.target) for u in store.units] == expected, doc
        assert list(zip(aligner.read_tmx(path).src_text, aligner.read_tmx(path).tgt_text)) == expected


def test_sample_tmx_valid(tmp_path: Path, tmx_dtd: Path, sample_paths) -> None:
    from aligner.api import split

    texts = [aligner.read_text(p) for p in sample_paths]
    src, tgt = split(texts[0], "id"), split(texts[1], "en")
    n = min(len(src), len(tgt))
    result = AlignmentResult(src, tgt, [Bead((k,), (k,), 0.9) for k in range(n)]
                             + [Bead((k,), (), 0.5) for k in range(n, len(src))]
                             + [Bead((), (k,), 0.5) for k in range(n, len(tgt))])
    path = tmp_path / "sample.tmx"
    write_alignment(result, path)
    assert etree.DTD(str(tmx_dtd)).validate(etree.parse(str(path)))
    assert check_tmx(path) == []
