"""The public Python API on real text: the default (bundled e5) embedder, and a deterministic one for exact values."""
from __future__ import annotations

import numpy as np

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


# --- similarity_matrix --------------------------------------------------------------------------

#: Four translations from the bundled sample (data/jabar-gojek-2019.*.txt), one sentence each.
SAMPLE_PAIRS = [
    ("Kerjasama dengan GOJEK dan GO-PAY merupakan salah satu implementasi Birokrasi 3.0 atau dynamic government.",
     "Cooperation with GOJEK and GO-PAY is one of the implementation of Bureaucracy 3.0 or dynamic government."),
    ("Salah satunya pembayaran pajak kendaraan bermotor di Bukajabar.",
     "One of them is motor vehicle tax payments in Bukajabar."),
    ("Selain itu, Pemdaprov Jawa Barat berkerjasama dengan PT. Telkomsel meluncurkan Program Patriot Desa Digital.",
     "In addition, Pemdaprov West Java cooperates with PT. Telkomsel launches the Digital Village Patriot Program."),
    ("Target dari program tersebut adalah seluruh desa di Jawa Barat mampu melakukan aktivitas digital atau "
     "digitalisasi desa.",
     "The target of the program is that all villages in West Java are able to carry out digital activities or "
     "digitalization of villages."),
]
#: The English side in another order: row i's translation is column ORDER.index(i).
ORDER = [2, 0, 3, 1]


class CountingEmbedder:
    """The deterministic hashing embedder, counting its encode calls and the texts it was given."""

    def __init__(self) -> None:
        from aligner.embed.hashing import HashingEmbedder

        self.inner = HashingEmbedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.calls: list[list[str]] = []

    def encode(self, sentences, progress=None):
        self.calls.append(list(sentences))
        return self.inner.encode(sentences, progress=progress)


def shuffled_result(embedder) -> aligner.AlignmentResult:
    src = "\n".join(s for s, _ in SAMPLE_PAIRS)
    tgt = "\n".join(SAMPLE_PAIRS[k][1] for k in ORDER)
    return aligner.align(src, tgt, segmented=True, model=embedder)


def test_similarity_matrix_is_every_sentence_cosine_from_one_encoder_call(monkeypatch):
    embedder = CountingEmbedder()
    result = shuffled_result(embedder)

    def no_loading(*args, **kwargs):
        raise AssertionError("a loaded embedder was given: nothing should be loaded")

    monkeypatch.setattr("aligner.api.load_embedder", no_loading)
    embedder.calls.clear()
    matrix = aligner.similarity_matrix(result, model=embedder)
    src, tgt = [s.text for s in result.src_sentences], [t.text for t in result.tgt_sentences]
    assert embedder.calls == [src + tgt]  # both sides in one call, sources first
    assert matrix.shape == (4, 4) and matrix.dtype == np.float32
    one = [embedder.inner.encode([text])[0] for text in src + tgt]  # each sentence encoded alone
    expected = np.array([[float(one[i] @ one[4 + j]) for j in range(4)] for i in range(4)])
    np.testing.assert_allclose(matrix, expected, atol=1e-6)
    # each sentence is most similar to its translation, whichever way one reads the matrix
    assert matrix.argmax(axis=1).tolist() == [ORDER.index(i) for i in range(4)]
    assert matrix.argmax(axis=0).tolist() == ORDER
    assert float(matrix.max()) <= 1 + 1e-6 and float(matrix.min()) >= -1 - 1e-6


def test_similarity_matrix_with_an_empty_side_encodes_nothing():
    embedder = CountingEmbedder()
    result = aligner.align("Satu kalimat saja.\nDua kalimat.", "", segmented=True, model=embedder)
    embedder.calls.clear()
    matrix = aligner.similarity_matrix(result, model=embedder)
    assert matrix.shape == (2, 0) and embedder.calls == []


def test_similarity_matrix_with_the_default_model_ranks_translations_first(e5):
    matrix = aligner.similarity_matrix(shuffled_result(e5), model=e5)
    translation = matrix[range(4), [ORDER.index(i) for i in range(4)]]
    assert matrix.argmax(axis=1).tolist() == [ORDER.index(i) for i in range(4)]
    assert float(translation.min()) > 0.8 and float(np.median(matrix)) < float(translation.min())
