"""Many-to-many beads (2-2, 2-3, 3-2, 3-3) and flagged list items: constructed cases."""
from __future__ import annotations

import numpy as np

from aligner.align.aligner import AlignConfig, Side
from aligner.align.base import Bead
from aligner.align.dp import banded_dp, pair_types
from aligner.align.band import full_band
from aligner.align.refine import near_merges
from test_align import align_sides, unit


def test_pair_types_reach_five_sentences_and_three_three():
    types = pair_types(4, 6)
    for t in [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1), (2, 2), (2, 3), (3, 2), (3, 3)]:
        assert t in types
    assert (1, 5) not in types and (4, 3) not in types  # at most 4 on a side, 6 in all
    assert pair_types(4, 5) == [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1), (2, 2), (2, 3), (3, 2)]
    assert pair_types(4, 4) == [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1), (2, 2)]


def _path_with(bead: tuple[int, int], before: int = 3, after: int = 2):
    """A DP whose gains make ``bead`` (a-b) the right answer between runs of 1-1 pairs."""
    a, b = bead
    n, m = before + a + after, before + b + after
    types = pair_types(4, 6)
    target = types.index(bead)

    def row_gains(i, jlo, jhi):
        js = np.arange(jlo, jhi + 1)
        gains = np.full((len(types), len(js)), -5.0)
        on_diag = (js - i) == 0 if i <= before else (js - i) == (b - a)
        if i <= before or i > before + a:
            gains[0] = np.where(on_diag, 1.0, -5.0)
        if i == before + a:
            gains[target] = np.where(js == before + b, 3.0, -5.0)
        return gains

    lo, hi = full_band(n, m)
    return banded_dp(lo, hi, types, row_gains, np.zeros(n), np.zeros(m)), n, m


def test_dp_finds_two_three_three_two_and_three_three_beads():
    for a, b in [(2, 3), (3, 2), (3, 3), (2, 2)]:
        spans, n, m = _path_with((a, b))
        assert (3, 3 + a, 3, 3 + b) in spans, (a, b, spans)
        assert spans[0] == (0, 1, 0, 1) and spans[-1] == (n - 1, n, m - 1, m)


class WordEncoder:
    """Texts are space-separated concept words; a text's vector is the normalised sum of its words'."""

    def __init__(self, dim: int = 256) -> None:
        self.rng = np.random.default_rng(7)
        self.common = self.rng.normal(size=dim)
        self.table: dict[str, np.ndarray] = {}
        self.dim = dim

    def vec(self, word: str) -> np.ndarray:
        if word not in self.table:
            self.table[word] = self.rng.normal(size=self.dim)
        return self.table[word]

    def encode(self, texts) -> np.ndarray:
        return unit(np.stack([sum(self.vec(w) for w in t.split()) + 0.8 * self.common for t in texts]))


def _document(middle_src: list[str], middle_tgt: list[str]):
    """Ten clean 1-1 pairs, the constructed middle, ten more clean pairs; texts and embeddings."""
    head = [" ".join(f"h{k}w{x}" for x in range(6)) for k in range(10)]
    tail = [" ".join(f"t{k}w{x}" for x in range(6)) for k in range(10)]
    src_text, tgt_text = head + middle_src + tail, head + middle_tgt + tail
    enc = WordEncoder()
    return src_text, tgt_text, enc.encode(src_text), enc.encode(tgt_text), enc


def _words(prefix: str, n: int = 5) -> str:
    return " ".join(f"{prefix}{x}" for x in range(n))


def test_second_pass_finds_a_two_two_bead_where_content_crosses():
    # Source "A d" / "B C"; the translator put "B C d" first and "A" last: no monotonic pair of
    # 1-1 beads covers it, the 2-2 does (the first pass can only drop a sentence on each side).
    a, b, c, d = _words("a", 6), _words("b", 6), _words("c", 6), _words("d", 2)
    src_text, tgt_text, src, tgt, enc = _document([f"{a} {d}", f"{b} {c}"], [f"{b} {c} {d}", a])
    sides = Side.from_embeddings(src, texts=src_text), Side.from_embeddings(tgt, texts=tgt_text)
    first = align_sides(*sides)
    assert ((10, 11), (10, 11)) not in [(x.src, x.tgt) for x in first]
    beads = align_sides(*sides, encode=enc.encode)
    assert [(x.src, x.tgt) for x in beads if 10 in x.src] == [((10, 11), (10, 11))]
    # Without many-to-many beads the second pass cannot find it either.
    narrow = align_sides(*sides, AlignConfig(max_bead=3), encode=enc.encode)
    assert ((10, 11), (10, 11)) not in [(x.src, x.tgt) for x in narrow]


def test_second_pass_finds_a_two_three_bead():
    # Source "A e" / "B C D"; target "B" / "C D e" / "A": reordered across three target sentences.
    a, b, c, d, e = _words("a", 6), _words("b", 6), _words("c", 6), _words("d", 6), _words("e", 2)
    src_text, tgt_text, src, tgt, enc = _document([f"{a} {e}", f"{b} {c} {d}"], [b, f"{c} {d} {e}", a])
    beads = align_sides(Side.from_embeddings(src, texts=src_text), Side.from_embeddings(tgt, texts=tgt_text),
                        encode=enc.encode)
    assert [(x.src, x.tgt) for x in beads if 10 in x.src] == [((10, 11), (10, 11, 12))]


def test_one_long_sentence_translated_as_five_is_one_bead_by_default():
    # One source sentence of five clauses; the translator wrote one target sentence per clause.
    clauses = [_words(f"k{x}", 5) for x in range(5)]
    src_text, tgt_text, src, tgt, enc = _document([" ".join(clauses)], clauses)
    sides = Side.from_embeddings(src, texts=src_text), Side.from_embeddings(tgt, texts=tgt_text)
    beads = align_sides(*sides, encode=enc.encode)
    assert [(x.src, x.tgt) for x in beads if 10 in x.src] == [((10,), (10, 11, 12, 13, 14))]
    assert AlignConfig().max_align == 5
    four = [(x.src, x.tgt) for x in align_sides(*sides, AlignConfig(max_align=4), encode=enc.encode)]
    assert ((10,), (10, 11, 12, 13, 14)) not in four  # four on a side leave a clause out


def test_crossing_test_penalises_only_side_by_side_many_to_many_beads():
    from aligner.align.scoring import PairScorer, ScoringParams

    rng = np.random.default_rng(5)
    base = unit(rng.normal(size=(6, 64)) + 1.5)
    a, b, c, d = base[0], base[1], base[2], base[3]
    src = np.stack([base[4], a, b, base[5]])
    side_by_side = np.stack([base[4], a, b, base[5]])  # target 1 = source 1, target 2 = source 2
    crossing = np.stack([base[4], b, a, base[5]])  # the translator swapped the two sentences
    types = pair_types(2, 4)
    two_two = types.index((2, 2))

    def gain(tgt, weight):
        params = ScoringParams(many_penalty=0.0, crossing_weight=weight)
        scorer = PairScorer(Side.from_embeddings(src), Side.from_embeddings(tgt), types=types, params=params)
        return scorer.row_gains(3, 3, 3)[two_two, 0]

    assert gain(side_by_side, 4.0) < gain(side_by_side, 0.0) - 1.0
    assert gain(crossing, 4.0) == gain(crossing, 0.0)


def test_near_merges_marks_windows_around_non_one_to_one_beads():
    beads = [Bead((0,), (0,), 1.0), Bead((1,), (1, 2), 1.0), Bead((2,), (3,), 1.0), Bead((3,), (4,), 1.0),
             Bead((4,), (5,), 1.0), Bead((), (6,), 1.0), Bead((5,), (7,), 1.0)]
    src, tgt = near_merges(beads, 6, 8, 2)
    # Source sentences 0-2 are around the 1-2 bead; windows ending after them touch them.
    assert np.flatnonzero(src[0]).tolist() == [1, 2, 3]
    assert np.flatnonzero(tgt[0]).tolist() == [1, 2, 3, 4, 6, 7, 8]
    assert src[1, 4] and not src[1, 5] and not src[0, 6]


def test_the_same_flagged_line_on_both_sides_is_paired():
    # "2. 1953 :" list items look like dates (boilerplate flag), but face each other: one item.
    rng = np.random.default_rng(3)
    src = unit(rng.normal(size=(8, 32)) + 2.0)
    tgt = unit(src + 0.1 * rng.normal(size=src.shape))
    src_text = [f"sentence {k}" for k in range(8)]
    tgt_text = [f"phrase {k}" for k in range(8)]
    src_text[4] = tgt_text[4] = "2. 1953 :"
    flags = np.zeros(8, bool)
    flags[4] = True
    beads = align_sides(Side.from_embeddings(src, flags=flags, texts=src_text),
                        Side.from_embeddings(tgt, flags=flags, texts=tgt_text))
    assert ((4,), (4,)) in [(b.src, b.tgt) for b in beads]
    # Different flagged lines facing each other ("Share |" / "Bagikan") stay unaligned.
    tgt_text[4] = "Bagikan |"
    beads = align_sides(Side.from_embeddings(src, flags=flags, texts=src_text),
                        Side.from_embeddings(tgt, flags=flags, texts=tgt_text))
    assert ((4,), ()) in [(b.src, b.tgt) for b in beads] and ((), (4,)) in [(b.src, b.tgt) for b in beads]


def _sides(src_len, tgt_len, tgt_flags=None):
    return (Side.from_embeddings(np.zeros((len(src_len), 2)), lengths=np.array(src_len, float)),
            Side.from_embeddings(np.zeros((len(tgt_len), 2)), lengths=np.array(tgt_len, float), flags=tgt_flags))


def test_attach_fragments_joins_a_lone_sentence_that_completes_its_neighbour():
    from aligner.align.refine import AttachRule, attach_fragments

    # Pairs (0|0), (1|1); target 2 alone; pair (2|3). Target 2 completes pair (1|1) (+0.02), not (2|3).
    spans = [(0, 1, 0, 1), (1, 2, 1, 2), (2, 2, 2, 3), (2, 3, 3, 4)]
    cos = {(1, 2, 1, 2): 0.88, (1, 2, 1, 3): 0.90, (2, 3, 3, 4): 0.90, (2, 3, 2, 4): 0.89}
    src, tgt = _sides([100, 100, 100], [100, 100, 100, 100])  # every sentence of full length
    rule = AttachRule(max_align=4, max_bead=6, min_gain=0.005, loose_gain=None)

    def text_cosine(*bead):
        return cos.get(bead)

    assert attach_fragments(spans, text_cosine, src, tgt, rule) == [(0, 1, 0, 1), (1, 2, 1, 3), (2, 3, 3, 4)]
    # A deleted sentence dilutes both neighbours: it stays alone.
    cos[(1, 2, 1, 3)] = 0.86
    assert attach_fragments(spans, text_cosine, src, tgt, rule) == spans
    # Windows that were not encoded (None) and flagged lines are never attached.
    cos[(1, 2, 1, 3)] = 0.95
    _, flagged = _sides([100, 100, 100], [100, 100, 100, 100], np.array([False, False, True, False]))
    assert attach_fragments(spans, text_cosine, src, flagged, rule) == spans
    assert attach_fragments(spans, lambda *b: None, src, tgt, rule) == spans
    # Size limits hold: with at most one sentence a side, nothing can grow.
    assert attach_fragments(spans, text_cosine, src, tgt, AttachRule(max_align=1, loose_gain=None)) == spans


def test_attach_fragments_length_ratio_tells_a_split_sentence_from_a_deletion():
    from aligner.align.refine import AttachRule, attach_fragments

    # Target 2 alone between pairs (1|1) and (2|3); joining (1|1) costs 0.01 of cosine either way.
    spans = [(0, 1, 0, 1), (1, 2, 1, 2), (2, 2, 2, 3), (2, 3, 3, 4)]
    cos = {(1, 2, 1, 2): 0.88, (1, 2, 1, 3): 0.87, (2, 3, 3, 4): 0.90, (2, 3, 2, 4): 0.85}
    rule = AttachRule(max_align=4, max_bead=6, min_gain=0.005, loose_gain=-0.03)

    def text_cosine(*bead):
        return cos.get(bead)

    # The translator split source 1 into targets 1 and 2 (half length each): joining evens the ratio out.
    split = _sides([100, 100, 100], [100, 50, 50, 100])
    assert attach_fragments(spans, text_cosine, *split, rule) == [(0, 1, 0, 1), (1, 2, 1, 3), (2, 3, 3, 4)]
    # Target 2 is a whole sentence with no counterpart: joining would make (1|1) twice too long.
    deletion = _sides([100, 100, 100], [100, 100, 100, 100])
    assert attach_fragments(spans, text_cosine, *deletion, rule) == spans
    # A larger fall in cosine is a deletion whatever the lengths say.
    cos[(1, 2, 1, 3)] = 0.84
    assert attach_fragments(spans, text_cosine, *split, rule) == spans


def test_default_attach_rule_keeps_a_deletion_that_evens_the_length_ratio_out():
    from aligner.align.refine import AttachRule, RefineConfig, attach_fragments

    # Target 2 alone after pair (1|1); the lengths say it could complete the pair either way.
    spans = [(0, 1, 0, 1), (1, 2, 1, 2), (2, 2, 2, 3), (2, 3, 3, 4)]
    split = _sides([100, 100, 100], [100, 50, 50, 100])
    rule = AttachRule(min_gain=RefineConfig().attach_gain, loose_gain=RefineConfig().attach_loose_gain)
    # A fragment the translator merged barely moves the pair's cosine: it joins.
    cos = {(1, 2, 1, 2): 0.880, (1, 2, 1, 3): 0.877, (2, 3, 3, 4): 0.90, (2, 3, 2, 4): 0.85}
    assert attach_fragments(spans, lambda *b: cos.get(b), *split, rule) == [(0, 1, 0, 1), (1, 2, 1, 3), (2, 3, 3, 4)]
    # A deleted sentence next to the pair costs it the typical 0.018 of cosine: it stays alone.
    cos[(1, 2, 1, 3)] = 0.862
    assert attach_fragments(spans, lambda *b: cos.get(b), *split, rule) == spans


def _unit_rows(*rows):
    m = np.array(rows, dtype=float)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_a_lone_sentence_takes_back_its_counterpart_from_a_neighbours_merge():
    from aligner.align.refine import pair_lone_neighbours

    # Source 0 was paired with targets 0+1 and source 1 left alone, though target 1 translates source 1
    # about as well as target 0 translates source 0: two 1-1 pairs, not a merge and a lone sentence.
    src = Side.from_embeddings(_unit_rows([1, 0, 0, 0.1], [0, 1, 0, 0.1]))
    tgt = Side.from_embeddings(_unit_rows([1, 0.1, 0, 0.1], [0.1, 1, 0, 0.1]))
    spans = [(0, 1, 0, 2), (1, 2, 2, 2)]
    assert pair_lone_neighbours(spans, src, tgt, margin=0.05) == [(0, 1, 0, 1), (1, 2, 1, 2)]
    # The same on the other side (a 2-1 bead and a lone target sentence before it).
    assert pair_lone_neighbours([(0, 0, 0, 1), (0, 2, 1, 2)], tgt, src, margin=0.05) == [(0, 1, 0, 1), (1, 2, 1, 2)]


def test_a_real_merge_keeps_its_sentence_and_the_lone_one_stays_alone():
    from aligner.align.refine import pair_lone_neighbours

    # Target 1 completes source 0 (the merge is much more alike than target 1 and source 1 are):
    # source 1 is a deletion, and the merge stays.
    src = Side.from_embeddings(_unit_rows([1, 1, 0, 0], [0, 0, 1, 0.3]))
    tgt = Side.from_embeddings(_unit_rows([1, 0, 0, 0], [0, 1, 0, 0.2]))
    spans = [(0, 1, 0, 2), (1, 2, 2, 2)]
    assert pair_lone_neighbours(spans, src, tgt, margin=0.05) == spans
    # A flagged lone sentence (boilerplate, wrong language) is never paired this way.
    src = Side.from_embeddings(_unit_rows([1, 0, 0, 0.1], [0, 1, 0, 0.1]), flags=np.array([False, True]))
    tgt = Side.from_embeddings(_unit_rows([1, 0.1, 0, 0.1], [0.1, 1, 0, 0.1]))
    assert pair_lone_neighbours(spans, src, tgt, margin=0.05) == spans
