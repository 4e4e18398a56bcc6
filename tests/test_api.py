"""The public Python API on real text with the default (bundled e5) embedder."""
from __future__ import annotations

import aligner
from aligner.read import read_text


def test_align_returns_a_frame_with_one_row_per_bead(e5, sample_paths):
    src_text, tgt_text = (read_text(p) for p in sample_paths)
    result = aligner.align(src_text, tgt_text, model=e5)
    frame = result.to_frame()
    assert len(frame) == len(result.beads)
    assert {"src_text", "tgt_text", "score", "bead", "src_idx", "tgt_idx", "src_par", "tgt_par",
            "src_start", "src_end", "tgt_start", "tgt_end"} <= set(frame.columns)
    # every sentence of both sides appears exactly once, in order
    assert [i for idx in frame["src_idx"] for i in idx] == list(range(len(result.src_sentences)))
    assert [j for idx in frame["tgt_idx"] for j in idx] == list(range(len(result.tgt_sentences)))
    assert frame["score"].between(0, 1).all()
    # offsets point back into the original text
    for row in frame.itertuples():
        if row.src_idx:
            assert " ".join(src_text[row.src_start : row.src_end].split()) == row.src_text
        if row.tgt_idx:
            assert " ".join(tgt_text[row.tgt_start : row.tgt_end].split()) == row.tgt_text
    # unaligned sentences are rows too, and flagged chrome is among them
    unaligned = frame[frame["bead"] == "0-1"]
    assert "Comments powered by Disqus" in set(unaligned["tgt_text"])
    assert "boilerplate" in set(unaligned["tgt_flags"])


def test_translation_pairs_score_above_unrelated_documents(e5):
    src = ("Pemerintah provinsi meluncurkan program digital untuk desa. "
           "Program itu melatih warga menggunakan internet. "
           "Gubernur berharap semua desa terhubung pada tahun 2025.")
    tgt = ("The provincial government launched a digital program for villages. "
           "The program trains residents to use the internet. "
           "The governor hopes all villages will be connected by 2025.")
    unrelated = ("The football match ended in a draw after heavy rain. "
                 "Fans waited for hours at the stadium gates. "
                 "The coach praised the young goalkeeper.")
    good = aligner.align(src, tgt, model=e5)
    bad = aligner.align(src, unrelated, model=e5)
    assert [b.kind for b in good.beads] == ["1-1", "1-1", "1-1"]
    assert min(b.score for b in good.pairs) > 0.5
    assert max((b.score for b in bad.pairs), default=0.0) < 0.5


def test_empty_other_side_leaves_everything_unaligned(e5):
    result = aligner.align("Satu kalimat saja.", "", model=e5)
    assert [b.kind for b in result.beads] == ["1-0"]
    assert result.unaligned_src == [0]
