"""Close calls of an approximate (int8-like) encoder rechecked with the exact one: the exact encoder's beads."""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

import aligner
from aligner import AlignmentSession
from aligner.align.close_calls import CloseCalls, covering, low_confidence, near_ties
from aligner.align.config import AlignConfig
from aligner.align.gaps import fill_gaps
from aligner.align.near import NearMisses
from aligner.align.recheck import widened
from aligner.align.base import Bead
from aligner.embed.checked import CheckedEmbedder
from aligner.embed.hashing import HashingEmbedder

DATA = Path(__file__).resolve().parents[1] / "data"


class NoisyEmbedder:
    """The hashing embedder's vectors moved by a fixed pseudo-random amount per text, as a
    quantised model moves fp32's (``scale`` 0.03: mean cosine 0.9995 to the exact vectors)."""

    def __init__(self, exact: HashingEmbedder, scale: float) -> None:
        self.exact, self.scale = exact, scale
        self.name, self.dim, self.precision = exact.name, exact.dim, "int8"

    def encode(self, sentences, progress=None) -> np.ndarray:
        vectors = self.exact.encode(sentences, progress)
        for k, text in enumerate(sentences):
            noise = np.random.default_rng(zlib.crc32(text.encode("utf-8"))).standard_normal(self.dim)
            vectors[k] += self.scale * noise / np.sqrt(self.dim)
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


class CountingExact(HashingEmbedder):
    """The exact encoder, counting the texts it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.texts = 0

    def encode(self, sentences, progress=None):
        self.texts += len(sentences)
        return super().encode(sentences, progress)


def checked(scale: float = 0.03) -> tuple[CheckedEmbedder, CountingExact]:
    exact = CountingExact()
    return CheckedEmbedder(NoisyEmbedder(HashingEmbedder(), scale), lambda: exact), exact


@pytest.fixture(scope="module")
def markdown_pair() -> tuple[str, str]:
    """The bundled Markdown sample: a merge the noisy vectors undo (target 11-12 for source 14)."""
    return (DATA / "sambara-pajak.id.md").read_text(encoding="utf-8"), (DATA / "sambara-pajak.en.md").read_text(encoding="utf-8")


def sides(result) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in result.beads]


# ------------------------------------------------------------------ what a close call is


def test_near_ties_are_the_sentences_of_windows_just_off_the_best_path():
    slack = np.full((2, 6), np.inf)  # windows of 1 and 2 sentences, by end, over 5 sentences
    slack[0, 1] = 0.0  # on the best path: not a close call
    slack[0, 3] = 0.01  # sentence 2
    slack[1, 5] = 0.015  # sentences 3-4
    slack[0, 2] = 0.5  # far off
    found = near_ties(slack, np.full((1, 3), np.inf), margin=0.02)
    assert found.src.tolist() == [False, False, True, True, True]
    assert not found.tgt.any() and found.count == 3


def test_low_confidence_beads_are_close_calls_with_their_neighbours():
    beads = [Bead((0,), (0,), 0.99), Bead((1, 2), (1,), 0.2), Bead((3,), (), 0.1), Bead((4,), (2,), 0.95)]
    found = low_confidence(beads, 6, 4, low_score=0.3, reach=1)
    assert found.src.tolist() == [True, True, True, True, True, False]
    assert found.tgt.tolist() == [True, True, True, False]
    assert (found | CloseCalls.none(6, 4)).count == found.count == 8


def test_rules_note_the_comparisons_that_came_close_to_their_threshold():
    near = NearMisses(tolerance=0.01)
    near.note(0.305, 0.3, (0, 1, 0, 1))
    near.note(0.32, 0.3, (1, 2, 1, 2))
    assert near.spans == [(0, 1, 0, 1)]
    assert covering(near.spans, 2, 3).src.tolist() == [True, False]

    class Scorer:  # gap filling asks for the lone pair's similarity
        def bead_similarity(self, i0, i1, j0, j1):
            return 0.405

    spans = [(0, 1, 0, 1), (1, 2, 1, 1), (2, 2, 1, 2), (2, 3, 2, 3)]
    flags = np.zeros(3, bool)
    gaps = NearMisses(tolerance=0.01)
    assert fill_gaps(spans, Scorer(), flags, flags, 0.4, gaps) == [(0, 1, 0, 1), (1, 2, 1, 2), (2, 3, 2, 3)]
    assert gaps.spans == [(1, 2, 1, 2)]
    far = NearMisses(tolerance=0.001)
    fill_gaps(spans, Scorer(), flags, flags, 0.4, far)
    assert far.spans == []


def test_the_approximate_run_re_scores_a_little_more_than_the_exact_one():
    config = AlignConfig()
    wide = widened(config)
    margin = config.close_calls.selection_margin
    assert wide.refine.confidence == pytest.approx(config.refine.confidence + margin)
    assert wide.refine.window_slack == pytest.approx(config.refine.window_slack + margin)
    assert wide.max_align == config.max_align and wide.close_calls == config.close_calls


# ------------------------------------------------------------------ the beads


@pytest.mark.parametrize("scale", [0.02, 0.03, 0.05])
def test_rechecked_noisy_vectors_give_the_exact_encoders_beads(markdown_pair, scale):
    exact_result = aligner.align(*markdown_pair, model=HashingEmbedder())
    noisy = aligner.align(*markdown_pair, model=NoisyEmbedder(HashingEmbedder(), scale))
    assert sides(noisy) != sides(exact_result)  # the noise alone changes beads here
    model, exact = checked(scale)
    result = aligner.align(*markdown_pair, model=model)
    assert sides(result) == sides(exact_result)
    scores = np.array([b.score for b in result.beads]) - [b.score for b in exact_result.beads]
    assert np.abs(scores).max() < 0.01  # confidences from the vectors each sentence ended with
    sentences = len(result.src_sentences) + len(result.tgt_sentences)
    assert 0 < exact.texts < sentences / 2  # a few sentences and windows, not the document again


def test_an_alignment_without_close_calls_never_loads_the_exact_encoder():
    lines = [f"Kalimat nomor {k} menyebut angka {k * 37} dan kota Bandung." for k in range(12)]
    english = [f"Sentence number {k} mentions the figure {k * 37} and the city of Bandung." for k in range(12)]

    def refuse():
        raise AssertionError("the exact encoder was loaded")

    model = CheckedEmbedder(NoisyEmbedder(HashingEmbedder(), 0.03), refuse)
    result = aligner.align("\n".join(lines), "\n".join(english), segmented=True, model=model)
    assert sides(result) == [((k,), (k,)) for k in range(12)]
    assert result.meta["signature"].split("|")[2] == "precision:int8+fp32"


def test_anchored_alignments_and_sessions_encode_with_the_exact_encoder(markdown_pair):
    exact_result = aligner.align(*markdown_pair, model=HashingEmbedder())
    anchor = (exact_result.beads[0].src, exact_result.beads[0].tgt)
    model, exact = checked()
    anchored = aligner.align(*markdown_pair, model=model, anchors=[anchor])
    assert sides(anchored) == sides(aligner.align(*markdown_pair, model=HashingEmbedder(), anchors=[anchor]))
    assert exact.texts >= len(anchored.src_sentences) + len(anchored.tgt_sentences)

    model, exact = checked()
    session = AlignmentSession.from_texts(*markdown_pair, model=model)
    assert sides(session.align()) == sides(exact_result)
    assert "precision:fp32" in session.signature


def test_batch_rechecks_like_a_single_alignment(tmp_path, markdown_pair):
    from aligner.batch.discover import discover
    from aligner.batch.job import JobSettings, doc_key, run_chunk
    from aligner.batch.store import PartStore

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "pajak.id.txt").write_text(markdown_pair[0], encoding="utf-8")
    (tmp_path / "in" / "pajak.en.txt").write_text(markdown_pair[1], encoding="utf-8")
    pairs = discover(tmp_path / "in", "id", "en").pairs
    store = PartStore(tmp_path / "out")
    store.create()
    settings = JobSettings()
    model, exact = checked()
    assert [o.error for o in run_chunk(pairs, settings, model, store)] == [None]
    record = store.read(pairs[0].doc_id, doc_key(pairs[0], settings))
    single = aligner.align_files(pairs[0].src, pairs[0].tgt, model=checked()[0])
    assert record["beads"] == [[list(b.src), list(b.tgt), b.score] for b in single.beads]
    exact_beads = aligner.align_files(pairs[0].src, pairs[0].tgt, model=HashingEmbedder()).beads
    assert [(tuple(s), tuple(t)) for s, t, _ in record["beads"]] == [(b.src, b.tgt) for b in exact_beads]
    assert exact.texts > 0


def test_the_close_calls_come_from_the_same_run_as_the_answer(markdown_pair):
    from aligner.api import split_pair
    from aligner.align.aligner import Aligner
    from aligner.align.side import Side

    src, tgt = split_pair(*markdown_pair, "id", "en")
    noisy = NoisyEmbedder(HashingEmbedder(), 0.03)
    vectors = noisy.encode([s.text for s in src + tgt])
    sides_ = Side.from_sentences(src, vectors[: len(src)]), Side.from_sentences(tgt, vectors[len(src):])
    plan = Aligner().plan(*sides_)
    windows = noisy.encode(plan.texts)
    beads, close = plan.finish_with_close_calls(windows)
    assert beads == plan.finish(windows)
    assert 0 < close.count < len(src) + len(tgt)
    again = Aligner().rescore(plan, *sides_)  # the same vectors: the same plan and answer
    assert again.texts == plan.texts and again.finish(windows) == beads


def test_an_empty_side_aligns_with_the_checked_embedder_as_with_the_exact_one():
    model, exact = checked()
    english = "The province collected the tax. Payment is online."
    for src, tgt in (("", english), (english, "")):
        result = aligner.align(src, tgt, model=model)
        assert sides(result) == sides(aligner.align(src, tgt, model=HashingEmbedder()))
        assert len(result.beads) == 2
    assert exact.texts == 0
