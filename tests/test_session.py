"""AlignmentSession: sentences encoded once, re-alignment around anchors without any encoder call."""
from __future__ import annotations

import pytest

import aligner
from aligner import AlignerError, AlignmentSession
from aligner.embed.hashing import HashingEmbedder


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting its encode calls (independently of the session's own count)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def encode(self, sentences, progress=None):
        self.calls += 1
        return super().encode(sentences, progress)


@pytest.fixture
def texts(sample_paths):
    return tuple(p.read_text(encoding="utf-8") for p in sample_paths)


def sides(result):
    return [(b.src, b.tgt) for b in result.beads]


def triples(result):
    return [(b.src, b.tgt, b.score) for b in result.beads]


def test_first_align_is_the_ordinary_alignment(texts):
    session = AlignmentSession.from_texts(*texts, model=HashingEmbedder())
    assert (len(session.src_sentences), len(session.tgt_sentences)) == (20, 23)
    assert (session.src_lang, session.tgt_lang) == ("id", "en")
    result = session.align()
    assert triples(result) == triples(aligner.align(*texts, model=HashingEmbedder()))
    assert result.model == "hashing-trigrams" and result.src_sentences is session.src_sentences


def test_realign_makes_no_encoder_call(texts):
    embedder = CountingEmbedder()
    session = AlignmentSession.from_texts(*texts, model=embedder)
    assert session.encoder_calls == embedder.calls == 1  # the sentences, both sides in one call
    first = session.align()
    assert session.encoder_calls == embedder.calls == 2  # the second pass's windows
    again = session.align()
    anchored = session.align([((4,), (7,)), ((6,), ()), ((), (12,))])
    session.align([((11, 12), (13,))])
    assert session.encoder_calls == embedder.calls == 2
    # every window of an unanchored re-align is cached: the very same answer, scores included
    assert triples(again) == triples(first)
    assert {((4,), (7,)), ((6,), ()), ((), (12,))} <= set(sides(anchored))


def test_realign_keeps_anchors_and_aligns_like_the_library(texts):
    session = AlignmentSession.from_texts(*texts, model=HashingEmbedder())
    session.align()
    anchors = [((4,), (7,)), ((11, 12), (13,)), ((19,), ())]
    result = session.align(anchors)
    src = [i for b in result.beads for i in b.src]
    tgt = [j for b in result.beads for j in b.tgt]
    assert src == list(range(20)) and tgt == list(range(23))
    assert [b.score for b in result.beads if (b.src, b.tgt) in anchors] == [1.0, 1.0, 1.0]
    # the same beads as aligning afresh with those anchors (that encodes every window it needs)
    assert sides(result) == sides(aligner.align(*texts, model=HashingEmbedder(), anchors=anchors))


def test_invalid_anchors_raise_aligner_error(texts):
    session = AlignmentSession.from_texts(*texts, model=HashingEmbedder())
    with pytest.raises(AlignerError, match=r"anchors \[3\]:\[8\] and \[5\]:\[6\] cross"):
        session.align([((3,), (8,)), ((5,), (6,))])
    with pytest.raises(AlignerError, match="source index 25 is out of range"):
        session.align([((25,), ())])
    with pytest.raises(AlignerError, match="anchors must be a list"):
        session.align(7)
    assert session.encoder_calls == 1  # refused before any work


def test_segmented_session_and_empty_side():
    session = AlignmentSession.from_texts("Satu.\nDua.\n", "", segmented=True, model=HashingEmbedder())
    result = session.align([((1,), ())])
    assert sides(result) == [((0,), ()), ((1,), ())]
    assert session.encoder_calls == 1


def test_one_more_anchor_redoes_only_the_stretch_it_splits(texts, monkeypatch):
    anchors = [((4,), (7,)), ((11, 12), (13,))]
    more = anchors + [((16,), (18,))]
    fresh = AlignmentSession.from_texts(*texts, model=HashingEmbedder())
    fresh.align()
    expected = triples(fresh.align(more))

    session = AlignmentSession.from_texts(*texts, model=HashingEmbedder())
    session.align()
    session.align(anchors)
    planned = []
    real_plan = aligner.api.plan_embedded

    def counting_plan(src, tgt, *args, **kwargs):
        planned.append((len(src), len(tgt)))
        return real_plan(src, tgt, *args, **kwargs)

    monkeypatch.setattr(aligner.api, "plan_embedded", counting_plan)
    assert triples(session.align(more)) == expected
    assert planned == [(3, 4), (3, 4)]  # 13-15 / 14-17 and 17-19 / 19-22, around the new anchor


def test_embeddings_of_an_earlier_session_spare_the_sentence_encoding(texts):
    first = AlignmentSession.from_texts(*texts, model=HashingEmbedder())
    embedder = CountingEmbedder()
    again = AlignmentSession(first.src_sentences, first.tgt_sentences, embedder,
                             embeddings=(first.src_emb, first.tgt_emb))
    assert embedder.calls == again.encoder_calls == 0
    assert triples(again.align()) == triples(first.align())
    assert embedder.calls == again.encoder_calls == 1  # the windows only
    with pytest.raises(ValueError, match="do not match"):
        AlignmentSession(first.src_sentences[:3], first.tgt_sentences, embedder, embeddings=(first.src_emb, first.tgt_emb))
