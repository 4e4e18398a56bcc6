"""The second pass: which windows it encodes as text, how it blends them in, and what it fixes."""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from aligner.align.aligner import AlignConfig, Side
from aligner.align.base import Bead
from aligner.align.dp import pair_types
from aligner.align.refine import RefineConfig, second_pass_dp, unsettled, window_requests, window_texts
from aligner.align.scoring import PairScorer, ScoringParams
from aligner.align.windows import WindowOverrides
from test_align import align_sides, sentences, translate, unit

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"


def test_window_requests_stay_inside_the_mask_and_under_the_length_cap():
    mask = np.array([False, True, True, True, False])
    lengths = np.full(5, 10)
    assert window_requests(mask, 4, lengths, 10_000) == [(2, 3), (2, 4), (3, 4)]
    # "xxxxxxxxxx xxxxxxxxxx" is 21 characters: two-sentence windows fit in 21, three do not.
    assert window_requests(mask, 4, lengths, 21) == [(2, 3), (2, 4)]
    assert window_requests(mask, 4, lengths, 20) == []
    assert window_requests(np.zeros(5, bool), 4, lengths, 10_000) == []


def test_window_texts_join_the_window_sentences_with_a_space():
    texts = ["Satu.", "Dua.", "Tiga.", "Empat."]
    assert window_texts(texts, [(2, 2), (3, 4)]) == ["Satu. Dua.", "Dua. Tiga. Empat."]


def test_window_overrides_swap_in_only_the_replaced_windows():
    base = np.arange(3 * 5 * 2, dtype=np.float32).reshape(3, 5, 2)
    over = WindowOverrides((3, 5), [(2, 3), (3, 4)], np.array([[-1.0, -2.0], [-3.0, -4.0]]))
    assert over.any(3) and over.any(slice(2, 5)) and not over.any(2) and not over.any(slice(0, 3))
    col = over.take(base, 3)
    assert col[1].tolist() == [-1.0, -2.0] and col[0].tolist() == base[0, 3].tolist()
    block = over.take(base, slice(2, 5))
    assert block.shape == (3, 3, 2) and block[2, 2].tolist() == [-3.0, -4.0]
    assert (block[0] == base[0, 2:5]).all() and base.min() >= 0  # the base is not modified
    scores = over.baselines(np.zeros((3, 5)), lambda v: v.sum(axis=1))
    assert scores[1, 3] == -3.0 and scores[2, 4] == -7.0 and np.count_nonzero(scores) == 2


def test_unsettled_marks_merges_skips_and_doubtful_pairs_with_their_neighbours():
    beads = [
        Bead((0,), (0,), 0.99),
        Bead((1,), (1,), 0.99),
        Bead((2,), (2, 3), 0.99),  # a merge: never settled
        Bead((3,), (4,), 0.99),
        Bead((4,), (5,), 0.99),
        Bead((5,), (), 0.99),  # a skip
        Bead((6,), (6,), 0.99),
        Bead((7,), (7,), 0.99),
        Bead((8,), (8,), 0.40),  # a doubtful pair
        Bead((9,), (9,), 0.99),
    ]
    src, tgt = unsettled(beads, 10, 10, confidence=0.9, reach=1)
    assert np.flatnonzero(src).tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert np.flatnonzero(tgt).tolist() == [1, 2, 3, 4, 7, 8, 9]
    src0, tgt0 = unsettled(beads, 10, 10, confidence=0.9, reach=0)
    assert np.flatnonzero(src0).tolist() == [2, 5, 8]
    assert np.flatnonzero(tgt0).tolist() == [2, 3, 8]
    # Boilerplate left unaligned is settled: the flag, not the similarity, decided it.
    flags = np.zeros(10, bool)
    flags[5] = True
    src_f, _ = unsettled(beads, 10, 10, confidence=0.9, reach=0, src_flag=flags, tgt_flag=np.zeros(10, bool))
    assert np.flatnonzero(src_f).tolist() == [2, 8]


def test_dense_documents_make_skipping_costly_in_the_second_pass():
    config = RefineConfig()
    n = 100
    no_flags = np.zeros(n, bool)
    dense = [Bead((i,), (i,), 0.99) for i in range(n - 1)] + [Bead((n - 1,), (), 0.5), Bead((), (n - 1,), 0.5)]
    dp = second_pass_dp(dense, no_flags, no_flags, config)
    assert dp.skip_gain == config.dense_skip_gain < 0
    assert dp.flag_skip_gain == config.dp.flag_skip_gain
    sparse = [Bead((i,), (i,), 0.99) for i in range(90)] + [Bead((i,), (), 0.5) for i in range(90, 100)] + [
        Bead((), (j,), 0.5) for j in range(90, 100)
    ]
    assert second_pass_dp(sparse, no_flags, no_flags, config).skip_gain == config.dp.skip_gain
    # Boilerplate left out on purpose does not make a document look sparse.
    flags = np.zeros(n, bool)
    flags[90:] = True
    assert second_pass_dp(sparse, flags, flags, config).skip_gain == config.dense_skip_gain


def small_scorer() -> tuple[PairScorer, np.ndarray, np.ndarray]:
    src = unit(np.array([[1.0, 0.0, 0.2], [0.0, 1.0, 0.2], [0.6, 0.8, 0.1]]))
    tgt = unit(np.array([[0.9, 0.1, 0.2], [0.1, 0.9, 0.3], [0.7, 0.7, 0.0]]))
    scorer = PairScorer(Side.from_embeddings(src), Side.from_embeddings(tgt), types=pair_types(2),
                        params=ScoringParams(min_scale=1e-6))
    return scorer, src, tgt


def test_blended_similarity_is_the_weighted_mean_of_both_windows_hand_computed():
    scorer, src, tgt = small_scorer()
    text_vec = unit(np.array([0.2, 0.9, 0.4]))  # "the text of target sentences 0-1", encoded
    none = WindowOverrides(scorer.src_win.shape[:2], [], np.zeros((0, 3)))
    blended = scorer.with_text_windows(none, WindowOverrides(scorer.tgt_win.shape[:2], [(2, 2)], text_vec[None, :]), 0.6)
    # Bead src[0:1] x tgt[0:2] (a 1-2): cosine minus half the two windows' mean cosines to the other side.
    summed = unit(tgt[0] + tgt[1])
    src_mean, tgt_mean = src.mean(axis=0), tgt.mean(axis=0)
    rel_sum = src[0] @ summed - 0.5 * (src[0] @ tgt_mean + summed @ src_mean)
    rel_text = src[0] @ text_vec - 0.5 * (src[0] @ tgt_mean + text_vec @ src_mean)
    assert scorer.bead_similarity(0, 1, 0, 2) == pytest.approx(rel_sum / scorer.scale, rel=1e-5)
    assert blended.bead_similarity(0, 1, 0, 2) == pytest.approx((0.4 * rel_sum + 0.6 * rel_text) / scorer.scale, rel=1e-5)
    # The DP's row similarities agree with the bead similarity, and 1-1 beads are untouched.
    row = blended.similarity(1, 0, 3)
    assert row[pair_types(2).index((1, 2)), 2] == pytest.approx(blended.bead_similarity(0, 1, 0, 2), rel=1e-5)
    assert np.allclose(row[0], scorer.similarity(1, 0, 3)[0], equal_nan=True)
    # The original scorer is unchanged.
    assert scorer.bead_similarity(0, 1, 0, 2) == pytest.approx(rel_sum / scorer.scale, rel=1e-5)


def test_text_weight_zero_or_identical_windows_change_nothing():
    scorer, _, _ = small_scorer()
    requests = [(2, 2), (2, 3)]

    def same_as_sums(win):
        return WindowOverrides(win.shape[:2], requests, np.stack([win[size - 1, end] for size, end in requests]))

    def random_windows(win):
        return WindowOverrides(win.shape[:2], requests, unit(np.random.default_rng(5).normal(size=(2, 3))))

    same = scorer.with_text_windows(same_as_sums(scorer.src_win), same_as_sums(scorer.tgt_win), 0.6)
    other = scorer.with_text_windows(random_windows(scorer.src_win), random_windows(scorer.tgt_win), 0.0)
    moved = scorer.with_text_windows(random_windows(scorer.src_win), random_windows(scorer.tgt_win), 0.6)
    for i in range(1, 4):
        expected = scorer.similarity(i, 0, 3)
        assert np.allclose(same.similarity(i, 0, 3), expected, equal_nan=True)
        assert np.allclose(other.similarity(i, 0, 3), expected, equal_nan=True)
    assert not np.allclose(moved.similarity(3, 0, 3), scorer.similarity(3, 0, 3), equal_nan=True)


class RecordingEncoder:
    """Encodes a window text as the normalised sum of its sentences' vectors, and records the calls."""

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self.lookup = dict(zip(texts, vectors))
        self.calls: list[list[str]] = []

    def __call__(self, texts):
        self.calls.append(list(texts))
        return unit(np.stack([sum(self.lookup[t] for t in text.split(" ")) for text in texts]))


def deletion_case():
    """30 source sentences, the 13th missing from the target; texts "s0".. / "t0".. and their encoder."""
    src = sentences(30)
    tgt = translate(np.delete(src, 12, axis=0))
    src_text = [f"s{i}" for i in range(30)]
    tgt_text = [f"t{j}" for j in range(29)]
    return src, tgt, src_text, tgt_text, RecordingEncoder(src_text + tgt_text, np.concatenate([src, tgt]))


def test_confident_one_to_one_documents_encode_nothing_more():
    src = sentences(30)
    texts = [f"s{i}" for i in range(30)]
    encoder = RecordingEncoder(texts + [f"t{i}" for i in range(30)], np.concatenate([src, translate(src)]))
    tgt = Side.from_embeddings(translate(src), texts=[f"t{i}" for i in range(30)])
    beads = align_sides(Side.from_embeddings(src, texts=texts), tgt, encode=encoder)
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(30)]
    assert encoder.calls == []


def test_second_pass_encodes_only_windows_near_a_deletion():
    src, tgt, src_text, tgt_text, encoder = deletion_case()
    sides = Side.from_embeddings(src, texts=src_text), Side.from_embeddings(tgt, texts=tgt_text)
    beads = align_sides(*sides, encode=encoder)
    assert ((12,), ()) in [(b.src, b.tgt) for b in beads]
    assert len(encoder.calls) == 1
    windows = encoder.calls[0]
    assert windows and all(2 <= len(w.split(" ")) <= 4 for w in windows)
    used = {int(word[1:]) for w in windows for word in w.split(" ") if word.startswith("s")}
    assert used and min(used) >= 10 and max(used) <= 14
    # Without texts or an encoder, or with the second pass off, the first pass is the answer.
    first = align_sides(src, tgt)
    off = align_sides(*sides, AlignConfig(refine=RefineConfig(enabled=False)), encode=encoder)
    assert [(b.src, b.tgt) for b in off] == [(b.src, b.tgt) for b in first]
    assert len(encoder.calls) == 1


def read_bench_doc(name: str) -> tuple[str, str, list]:
    from aligner.evaluate import read_beads

    folder = BENCH / "id-en-bible" / name
    return (folder / "src.txt").read_text("utf-8"), (folder / "tgt.txt").read_text("utf-8"), read_beads(folder / "gold.txt")


@pytest.mark.skipif(not (BENCH / "id-en-bible").is_dir(), reason="../shared/bench not available")
def test_second_pass_fixes_merges_of_loosely_translated_verses(e5):
    """Bible chapters (a meaning-based Indonesian translation) where summed windows glue a verse onto
    its neighbour: encoding the windows as text fixes most of them."""
    from aligner import align
    from aligner.evaluate import score

    gold, first, second = [], [], []
    for name in ["DEU-006_tsi-web", "GAL-005_tsi-web", "RUT-001_tsi-web"]:
        src, tgt, beads = read_bench_doc(name)
        gold.append(beads)
        off = AlignConfig(refine=RefineConfig(enabled=False))
        first.append([(b.src, b.tgt) for b in align(src, tgt, segmented=True, model=e5, config=off).beads])
        second.append([(b.src, b.tgt) for b in align(src, tgt, segmented=True, model=e5).beads])
    before, after = score(gold, first)["strict_f1"], score(gold, second)["strict_f1"]
    assert after >= 0.93
    assert after >= before + 0.05


class CountingEmbedder:
    """Words hashed to random vectors, summed; counts ``encode`` calls."""

    name, dim = "counting", 32

    def __init__(self) -> None:
        self.table = np.random.default_rng(0).standard_normal((4096, self.dim)).astype(np.float32)
        self.calls = 0

    def encode(self, sentences, progress=None) -> np.ndarray:
        self.calls += 1
        out = np.stack([sum(self.table[zlib.crc32(w.encode()) % 4096] for w in s.split()) for s in sentences])
        return unit(out + 1e-6)


def test_cli_one_pass_skips_the_second_encoder_call(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from aligner.cli import app

    model = CountingEmbedder()
    monkeypatch.setattr("aligner.api.load_embedder", lambda *args, **kwargs: model)
    words = ["rumah", "jalan", "besar", "kota", "air", "makan", "pagi", "malam", "hujan", "pasar"]
    lines = [" ".join(words[(k + i) % 10] for i in range(4)) + f" nomor{k}." for k in range(12)]
    src = tmp_path / "a.id.txt"
    tgt = tmp_path / "a.en.txt"
    src.write_text("\n".join(lines), "utf-8")
    tgt.write_text("\n".join(lines[:6] + lines[7:]), "utf-8")
    runner = CliRunner()
    for extra, calls in (([], 2), (["--one-pass"], 1)):
        model.calls = 0
        out = tmp_path / f"out{len(extra)}.csv"
        res = runner.invoke(app, ["align", str(src), str(tgt), "-o", str(out), "--segmented", *extra])
        assert res.exit_code == 0, res.output
        assert model.calls == calls
        assert "nomor6." in out.read_text("utf-8")  # the deleted line is reported, not dropped


def test_second_pass_works_with_k_nearest_neighbour_baselines():
    """The second pass keeps the first pass's baseline kind (here k-NN) instead of refusing it."""
    src, tgt, src_text, tgt_text, encoder = deletion_case()
    config = AlignConfig(params=ScoringParams(neighbours=4))
    beads = align_sides(Side.from_embeddings(src, texts=src_text), Side.from_embeddings(tgt, texts=tgt_text), config,
                        encode=encoder)
    assert len(encoder.calls) == 1
    assert ((12,), ()) in [(b.src, b.tgt) for b in beads]


def test_wide_text_windows_only_near_first_pass_merges():
    from aligner.align.refine import text_window_requests

    mask = np.ones(8, bool)
    near = np.zeros(8, bool)
    near[4:8] = True
    lengths = np.full(8, 10)
    got = text_window_requests(mask, near, 4, lengths, 10_000, wide=4)
    assert [r for r in got if r[0] < 4] == [r for r in window_requests(mask, 3, lengths, 10_000)]
    assert [r for r in got if r[0] == 4] == [(4, 8)]  # sentences 4-7: the only 4-window inside ``near``
    assert text_window_requests(mask, near, 3, lengths, 10_000, wide=4) == window_requests(mask, 3, lengths, 10_000)


def test_window_slack_is_the_gap_to_the_best_path_through_each_window_brute_force():
    from itertools import product

    from aligner.align.slack import window_slack

    rng = np.random.default_rng(0)
    n, m = 6, 5
    types = pair_types(3, 5)
    table = {i: rng.normal(size=(len(types), m + 1)) for i in range(1, n + 1)}

    class Scorer:  # gains from a table; -inf where a bead would start before the documents
        max_size = 3

        def __init__(self):
            self.types = types

        def row_gains(self, i, jlo, jhi):
            ok = np.array([[a <= i and j >= b for j in range(jlo, jhi + 1)] for a, b in types])
            return np.where(ok, table[i][:, jlo : jhi + 1], -np.inf)

    skip_src, skip_tgt = rng.normal(size=n) - 1.0, rng.normal(size=m) - 1.0
    src, tgt = window_slack(Scorer(), (np.zeros(n + 1, int), np.full(n + 1, m)), skip_src, skip_tgt)

    def paths(i, j):  # every monotonic path to (i, j): (gain, pair beads as (a, b, i, j))
        if i == j == 0:
            yield 0.0, ()
            return
        if i:
            for g, p in paths(i - 1, j):
                yield g + skip_src[i - 1], p
        if j:
            for g, p in paths(i, j - 1):
                yield g + skip_tgt[j - 1], p
        for t, (a, b) in enumerate(types):
            if a <= i and b <= j:
                for g, p in paths(i - a, j - b):
                    yield g + table[i][t, j], p + ((a, b, i, j),)

    every = list(paths(n, m))
    best = max(g for g, _ in every)
    want_src, want_tgt = np.full((3, n + 1), np.inf), np.full((3, m + 1), np.inf)
    for g, p in every:
        for a, b, i, j in p:
            want_src[a - 1, i] = min(want_src[a - 1, i], best - g)
            want_tgt[b - 1, j] = min(want_tgt[b - 1, j], best - g)
    assert np.isfinite(src).any() and np.allclose(src, want_src) and np.allclose(tgt, want_tgt)
    assert min(src[a - 1, i] for a, i in product(range(1, 4), range(n + 1))) == pytest.approx(0.0, abs=1e-9)


def test_second_pass_encodes_only_windows_near_the_best_path_with_the_same_beads():
    src, tgt, src_text, tgt_text, encoder = deletion_case()
    sides = Side.from_embeddings(src, texts=src_text), Side.from_embeddings(tgt, texts=tgt_text)
    every = align_sides(*sides, AlignConfig(refine=RefineConfig(window_slack=None)), encode=encoder)
    near = align_sides(*sides, encode=encoder)
    assert [(b.src, b.tgt, b.score) for b in near] == [(b.src, b.tgt, b.score) for b in every]
    all_windows, near_windows = encoder.calls
    assert set(near_windows) < set(all_windows)
