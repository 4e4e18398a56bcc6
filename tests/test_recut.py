"""Re-cut sentences (aligner/align/recut.py): neighbouring pairs joined into one many-to-many bead in a
document whose translator re-cuts sentences often, and what the rule leaves alone: constructed cases."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aligner.align.aligner import Side
from aligner.align.recut import RecutRule, join_recut_pairs, recut_windows, recuts_often, split_unfounded
from aligner.align.refine import AttachRule, RefineConfig, attach_fragments

DEV = Path(__file__).resolve().parents[2] / "shared" / "bench" / "de-fr-textberg-dev" / "dev"


def _sides(src_len, tgt_len, tgt_texts=None):
    src = Side.from_embeddings(np.zeros((len(src_len), 2)), lengths=np.array(src_len, float))
    tgt = Side.from_embeddings(np.zeros((len(tgt_len), 2)), lengths=np.array(tgt_len, float))
    if tgt_texts is not None:
        tgt = Side(tgt.embeddings, tgt.lengths, tgt.paragraphs, tgt.flags, tuple(tgt_texts))
    return src, tgt


# Pairs (0|0), (1|1), (2|2), (3|3). The translator moved half of source 1 into target 0 (150 and 50
# characters where the sources have 100): pairs (0|0) and (1|1) are lopsided in opposite ways, their
# union is balanced. The other pairs are balanced 1-1 pairs.
SPANS = [(0, 1, 0, 1), (1, 2, 1, 2), (2, 3, 2, 3), (3, 4, 3, 4)]
RECUT = _sides([100, 100, 100, 100], [150, 50, 100, 100])
COS = {
    (0, 1, 0, 1): 0.90, (1, 2, 1, 2): 0.86, (0, 2, 0, 2): 0.905,  # the two pairs, their union
    (0, 1, 1, 2): 0.82, (1, 2, 0, 1): 0.85,  # crossing: source 1 shares content with target 0
    (2, 3, 2, 3): 0.93, (3, 4, 3, 4): 0.93, (2, 4, 2, 4): 0.93, (2, 3, 3, 4): 0.80, (3, 4, 2, 3): 0.80,
    (1, 3, 1, 3): 0.88, (1, 2, 2, 3): 0.80, (2, 3, 1, 2): 0.80,
}


def _cosine(table):
    return lambda *bead: table.get(bead)


def test_two_lopsided_pairs_whose_union_is_balanced_become_one_two_two_bead():
    joined = join_recut_pairs(SPANS, _cosine(COS), *RECUT, RecutRule())
    assert joined == [(0, 2, 0, 2), (2, 3, 2, 3), (3, 4, 3, 4)]


def test_balanced_pairs_stay_apart_whatever_their_texts_say():
    # The same cosines with every target as long as its source: nothing to even out, two 1-1 pairs.
    balanced = _sides([100, 100, 100, 100], [100, 100, 100, 100])
    assert join_recut_pairs(SPANS, _cosine(COS), *balanced, RecutRule()) == SPANS


def test_no_join_without_crossing_content_or_with_a_worse_union():
    side_by_side = {**COS, (0, 1, 1, 2): 0.78, (1, 2, 0, 1): 0.79}  # crossings 0.07 below the weaker pair
    assert join_recut_pairs(SPANS, _cosine(side_by_side), *RECUT, RecutRule()) == SPANS
    diluted = {**COS, (0, 2, 0, 2): 0.88}  # the union 0.02 below the better pair
    assert join_recut_pairs(SPANS, _cosine(diluted), *RECUT, RecutRule()) == SPANS
    unencoded = {k: v for k, v in COS.items() if k != (0, 2, 0, 2)}  # the union's windows were not encoded
    assert join_recut_pairs(SPANS, _cosine(unencoded), *RECUT, RecutRule()) == SPANS


def test_three_pairs_re_cut_together_become_one_three_three_bead():
    # Sources of 100; targets 140, 40, 120: (1|1) is far too short and each neighbouring union evens
    # it out; the three together are one 3-3 bead.
    spans = [(0, 1, 0, 1), (1, 2, 1, 2), (2, 3, 2, 3)]
    sides = _sides([100, 100, 100], [140, 40, 120])
    cos = {
        (0, 1, 0, 1): 0.90, (1, 2, 1, 2): 0.88, (2, 3, 2, 3): 0.87,
        (0, 2, 0, 2): 0.905, (1, 3, 1, 3): 0.90, (0, 3, 0, 3): 0.91,
        (0, 1, 1, 2): 0.85, (1, 2, 0, 1): 0.86, (1, 2, 2, 3): 0.85, (2, 3, 1, 2): 0.86,
    }
    assert join_recut_pairs(spans, _cosine(cos), *sides, RecutRule()) == [(0, 3, 0, 3)]
    # A 3-3 bead is the largest: with at most two sentences a side, one pair of pairs joins.
    assert len(join_recut_pairs(spans, _cosine(cos), *sides, RecutRule(max_side=2))) == 2


def test_a_two_two_bead_of_two_translations_side_by_side_splits_into_its_pairs():
    spans = [(0, 2, 0, 2), (2, 3, 2, 3)]
    balanced = _sides([100, 100, 100], [100, 100, 100])
    cos = {(0, 2, 0, 2): 0.90, (0, 1, 0, 1): 0.91, (1, 2, 1, 2): 0.85, (2, 3, 2, 3): 0.9}
    assert split_unfounded(spans, _cosine(cos), *balanced, RecutRule()) == [(0, 1, 0, 1), (1, 2, 1, 2), (2, 3, 2, 3)]
    # Parts lopsided in opposite ways (the re-cut the 2-2 bead stands for): it stays whole.
    lopsided = _sides([100, 100, 100], [150, 50, 100])
    assert split_unfounded(spans, _cosine(cos), *lopsided, RecutRule()) == spans
    # Balanced parts, but the bead's texts clearly more alike than either part's: it stays whole.
    closer = {**cos, (0, 2, 0, 2): 0.94}
    assert split_unfounded(spans, _cosine(closer), *balanced, RecutRule()) == spans
    # Parts whose windows were not encoded: nothing to compare with, it stays whole.
    assert split_unfounded(spans, _cosine({(0, 2, 0, 2): 0.9}), *balanced, RecutRule()) == spans


def test_the_rule_runs_only_where_the_translator_re_cuts_often():
    dense = [(k, k + 1, k, k + 1) for k in range(95)] + [(95 + 2 * k, 97 + 2 * k, 95 + k, 96 + k) for k in range(5)]
    assert not recuts_often(dense, RecutRule())  # 5 merges in 100 pairs: a 1-1 translation
    natural = [(k, k + 1, k, k + 1) for k in range(67)] + [(67 + 2 * k, 69 + 2 * k, 67 + k, 68 + k) for k in range(33)]
    assert recuts_often(natural, RecutRule())  # a third of the pairs are not 1-1
    short = [(k, k + 1, k, k + 1) for k in range(7)] + [(7 + 2 * k, 9 + 2 * k, 7 + k, 8 + k) for k in range(4)]
    assert not recuts_often(short, RecutRule())  # 4 of 11: too few pairs to tell


def test_windows_are_requested_around_candidate_pairs_only():
    src_req, tgt_req = recut_windows(SPANS, *RECUT, RecutRule(), RefineConfig().max_window_chars)
    # Around the union of pairs 0 and 1 (sentences 0-1, one more on each side: 0-2), windows of 2 and 3.
    assert src_req == [(2, 2), (2, 3), (3, 3)] and tgt_req == [(2, 2), (2, 3), (3, 3)]
    balanced = _sides([100, 100, 100, 100], [100, 100, 100, 100])
    assert recut_windows(SPANS, *balanced, RecutRule(), RefineConfig().max_window_chars) == ([], [])


def test_in_a_re_cut_document_a_lopsided_pair_takes_the_piece_split_off_it():
    # Pair (1|1) has a target a third as long as its source; target 2 alone carries the rest.
    spans = [(0, 1, 0, 1), (1, 2, 1, 2), (2, 2, 2, 3), (2, 3, 3, 4)]
    sides = _sides([100, 150, 100], [100, 50, 100, 100])
    cos = {(1, 2, 1, 2): 0.89, (1, 2, 1, 3): 0.865, (2, 3, 3, 4): 0.92, (2, 3, 2, 4): 0.85}
    plain = AttachRule(min_gain=0.005, loose_gain=-0.01)
    assert attach_fragments(spans, _cosine(cos), *sides, plain) == spans  # a 0.025 fall: too much
    recut = AttachRule(min_gain=RecutRule().attach_gain, loose_gain=-0.01, length_slope=RecutRule().attach_length_slope)
    assert attach_fragments(spans, _cosine(cos), *sides, recut) == [(0, 1, 0, 1), (1, 2, 1, 3), (2, 3, 3, 4)]
    # A whole sentence with no counterpart makes the pair lopsided instead: it stays alone.
    deletion = _sides([100, 100, 100], [100, 100, 100, 100])
    assert attach_fragments(spans, _cosine(cos), *deletion, recut) == spans


def test_page_debris_never_joins_a_pair():
    spans = [(0, 1, 0, 1), (1, 1, 1, 2), (1, 2, 2, 3)]
    cos = {(0, 1, 0, 1): 0.90, (0, 1, 0, 2): 0.93, (1, 2, 2, 3): 0.90, (1, 2, 1, 3): 0.93}
    rule = AttachRule(min_gain=0.005, loose_gain=None)
    words = _sides([100, 100], [100, 20, 100], ["Un.", "la fin .", "Deux."])
    assert attach_fragments(spans, _cosine(cos), *words, rule) == [(0, 1, 0, 2), (1, 2, 2, 3)]
    debris = _sides([100, 100], [100, 20, 100], ["Un.", "..... - _-", "Deux."])
    assert attach_fragments(spans, _cosine(cos), *debris, rule) == spans


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/bench/de-fr-textberg-dev not available")
def test_textberg_dev_document_keeps_the_translators_re_cut_beads(e5):
    from aligner.api import align
    from aligner.evaluate import read_beads, score

    src = (DEV / "src.txt").read_text(encoding="utf-8").rstrip("\n")
    tgt = (DEV / "tgt.txt").read_text(encoding="utf-8").rstrip("\n")
    gold = [(tuple(a), tuple(b)) for a, b in read_beads(DEV / "gold.txt")]
    result = align(src, tgt, segmented=True, model=e5, src_lang="de", tgt_lang="fr")
    beads = [(tuple(b.src), tuple(b.tgt)) for b in result.beads]
    many = {b for b in gold if len(b[0]) >= 2 and len(b[1]) >= 2}
    assert len(many & set(beads)) >= 16  # of the 29 many-to-many gold beads (before the rule: 9, now 18)
    assert score(gold, beads)["strict_f1"] >= 0.91
