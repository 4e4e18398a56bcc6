"""The DP aligner on constructed embeddings: merges, deletions, insertions, long documents."""
from __future__ import annotations

import numpy as np
import pytest

from aligner.align.aligner import AlignConfig, Aligner, Side
from aligner.align.base import Bead
from aligner.align.dp import DPParams, pair_types


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def sentences(n: int, seed: int = 0, dim: int = 64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    # A shared component makes unrelated sentences look alike, as real embeddings do (e5: ~0.77).
    common = rng.normal(size=dim)
    return unit(rng.normal(size=(n, dim)) + 1.2 * unit(common) * np.sqrt(dim))


def translate(src: np.ndarray, seed: int = 1, noise: float = 0.25) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return unit(src + noise * rng.normal(size=src.shape) / np.sqrt(src.shape[1]))


def align_sides(src: Side | np.ndarray, tgt: Side | np.ndarray, config: AlignConfig = AlignConfig(),
                encode=None) -> list[Bead]:
    """``Aligner(config).align``; a bare array is a side with embeddings only."""
    def side(x):
        return x if isinstance(x, Side) else Side.from_embeddings(x)

    return Aligner(config).align(side(src), side(tgt), encode)


def pairs(beads):
    return [(b.src, b.tgt) for b in beads]


def check_cover(beads, n, m):
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    assert src == list(range(n)) and tgt == list(range(m))
    assert all(0.0 <= b.score <= 1.0 for b in beads)


def test_side_from_sentences_keeps_lengths_paragraphs_and_steering_flags():
    from aligner.segment.base import Sentence

    sents = [Sentence(0, "Satu dua.", 0, 9, 0), Sentence(1, "Bagikan |", 10, 19, 0, frozenset({"boilerplate"})),
             Sentence(2, "Tiga.", 21, 26, 1, frozenset({"other-mark"}))]
    side = Side.from_sentences(sents, sentences(3))
    assert side.lengths.tolist() == [9.0, 9.0, 5.0]
    assert side.paragraphs.tolist() == [0, 0, 1]
    assert side.flags.tolist() == [False, True, False]  # only boilerplate / wrong-language steer the DP
    assert side.texts == ("Satu dua.", "Bagikan |", "Tiga.")
    with pytest.raises(ValueError):
        side.flags[0] = True  # a Side is built once and never changed
    with pytest.raises(ValueError, match="3 sentences but 2 embeddings"):
        Side.from_sentences(sents, sentences(2))


def test_identity_is_all_one_to_one():
    src = sentences(25)
    beads = align_sides(src, translate(src))
    check_cover(beads, 25, 25)
    assert pairs(beads) == [((i,), (i,)) for i in range(25)]
    assert min(b.score for b in beads) > 0.9


def test_deleted_source_sentence_is_left_unaligned():
    src = sentences(20)
    tgt = translate(np.delete(src, 7, axis=0))
    beads = align_sides(src, tgt)
    check_cover(beads, 20, 19)
    assert ((7,), ()) in pairs(beads)
    assert ((8,), (7,)) in pairs(beads) and ((6,), (6,)) in pairs(beads)


def test_inserted_target_sentence_is_left_unaligned():
    src = sentences(20)
    extra = sentences(1, seed=99)
    tgt = np.concatenate([translate(src[:12]), extra, translate(src[12:], seed=3)])
    beads = align_sides(src, tgt)
    check_cover(beads, 20, 21)
    assert ((), (12,)) in pairs(beads)
    assert ((12,), (13,)) in pairs(beads)


def test_merged_sentences_make_two_to_one_and_one_to_two_beads():
    src = sentences(20)
    tgt_rows = [src[i] for i in range(5)] + [unit(src[5] + src[6])] + [src[i] for i in range(7, 20)]
    tgt = translate(np.array(tgt_rows))
    beads = align_sides(src, tgt)
    check_cover(beads, 20, 19)
    assert ((5, 6), (5,)) in pairs(beads)
    # and the other direction: one source sentence split into three target sentences
    src2 = np.concatenate([src[:3], unit(src[3] + src[4] + src[5])[None], src[6:]])
    beads2 = align_sides(translate(src2, seed=5), translate(src, seed=6))
    assert ((3,), (3, 4, 5)) in pairs(beads2)


def test_max_align_limits_bead_size():
    src = sentences(12)
    tgt = translate(np.array([unit(src[0] + src[1] + src[2])] + list(src[3:])))
    beads = align_sides(src, tgt, AlignConfig(max_align=2))
    check_cover(beads, 12, 10)
    assert max(max(len(b.src), len(b.tgt)) for b in beads) <= 2
    assert pair_types(2) == [(1, 1), (1, 2), (2, 1), (2, 2)]


def test_empty_side_gives_only_unaligned_beads():
    src = sentences(4)
    beads = align_sides(src, np.zeros((0, src.shape[1]), np.float32))
    assert pairs(beads) == [((i,), ()) for i in range(4)]
    assert align_sides(np.zeros((0, 8), np.float32), np.zeros((0, 8), np.float32)) == []


def test_paragraph_boundaries_discourage_merging_across_paragraphs():
    src = sentences(10)
    # target 4 is "half of source 4 and half of source 5"; paragraphs break between 4 and 5
    tgt = translate(np.array(list(src[:4]) + [unit(src[4] + 0.8 * src[5])] + list(src[6:])))
    par_src = np.array([0] * 5 + [1] * 5)
    par_tgt = np.array([0] * 5 + [1] * 4)
    beads = align_sides(Side.from_embeddings(src, paragraphs=par_src), Side.from_embeddings(tgt, paragraphs=par_tgt))
    assert ((4, 5), (4,)) not in pairs(beads)
    assert ((4,), (4,)) in pairs(beads)


@pytest.mark.parametrize("n", [1500])
def test_band_matches_full_dp_on_a_long_document(n):
    src = sentences(n, seed=4)
    keep = np.ones(n, bool)
    keep[::37] = False  # deletions every 37 sentences make the path drift off the diagonal
    tgt = translate(src[keep], seed=8)
    banded = align_sides(src, tgt, AlignConfig(full_dp_cells=10_000))
    full = align_sides(src, tgt, AlignConfig(full_dp_cells=10**8))
    check_cover(banded, n, int(keep.sum()))
    assert pairs(banded) == pairs(full)
    assert sum(1 for b in banded if not b.tgt) == n - keep.sum()


def test_lone_sentences_of_a_gap_are_paired_when_loosely_similar():
    src = sentences(16, seed=11)
    tgt = translate(src, seed=12)
    # a loose translation: half the source sentence, half something else
    tgt[7] = unit(src[7] + sentences(1, seed=13)[0])  # relative similarity ~0.2: below the DP threshold (0.3)
    beads = align_sides(src, tgt)
    assert ((7,), (7,)) in pairs(beads)
    no_fill = AlignConfig(dp=DPParams(gap_threshold=float("inf")))
    assert ((7,), ()) in pairs(align_sides(src, tgt, no_fill))
    # but a truly unrelated pair in the gap stays unaligned
    tgt[7] = sentences(1, seed=14)[0]
    beads = align_sides(src, tgt)
    assert ((7,), ()) in pairs(beads) and ((), (7,)) in pairs(beads)
