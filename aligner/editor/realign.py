"""Aligning the texts under review, with the reviewer's decisions pinned as anchors.

The sentences are split at once (cheap: the page shows them); the encoder runs only when an
alignment is asked for, through one :class:`aligner.AlignmentSession` per server, so that
"re-align unconfirmed" after the first alignment encodes nothing again.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Sequence

Anchor = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class Texts:
    """The two decoded documents and how to split and align them."""

    src_text: str
    tgt_text: str
    src_lang: str = "id"
    tgt_lang: str = "en"
    segmented: bool = False

    def split(self):
        """Source and target sentences, as the aligner splits them."""
        from ..api import split

        return (split(self.src_text, self.src_lang, self.segmented, self.tgt_lang),
                split(self.tgt_text, self.tgt_lang, self.segmented, self.src_lang))


class Realigner:
    """Runs (constrained) alignments of :class:`Texts`; the session is made on first use, with the
    embedder ``model()`` returns (loaded only then)."""

    def __init__(self, texts: Texts, *, model: Callable[[], Any], config: Any = None) -> None:
        self.texts = texts
        self._model, self._config = model, config
        self._session = None
        self._lock = threading.Lock()

    @property
    def session(self):
        """The :class:`aligner.AlignmentSession` (sentences split and encoded once)."""
        if self._session is None:
            try:
                from ..session import AlignmentSession
            except ImportError:  # until aligner.AlignmentSession lands (issue 15, library side)
                AlignmentSession = GapSession
            t = self.texts
            self._session = AlignmentSession.from_texts(t.src_text, t.tgt_text, src_lang=t.src_lang, tgt_lang=t.tgt_lang,
                                                        segmented=t.segmented, model=self._model(), config=self._config)
        return self._session

    def align(self, anchors: Sequence[Anchor] = ()) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
        """``(src, tgt, score)`` beads of the alignment that keeps every anchor unchanged."""
        with self._lock:
            result = self.session.align(anchors=list(anchors))
        return [(tuple(b.src), tuple(b.tgt), float(b.score)) for b in result.beads]


class GapSession:
    """Stand-in for :class:`aligner.AlignmentSession` with its interface: the stretches between
    anchors are aligned one by one from embeddings computed once (no cached second-pass windows)."""

    def __init__(self, src, tgt, embedder, config, src_lang: str, tgt_lang: str) -> None:
        import numpy as np

        self.src_sentences, self.tgt_sentences = src, tgt
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self._embedder, self._config = embedder, config
        emb = embedder.encode([s.text for s in src] + [s.text for s in tgt]) if src or tgt else np.zeros((0, 1))
        self._src_emb, self._tgt_emb = emb[: len(src)], emb[len(src):]
        self.encoder_calls = 1

    @classmethod
    def from_texts(cls, src_text: str, tgt_text: str, *, src_lang="id", tgt_lang="en", segmented=False,
                   model=None, device=None, config=None) -> "GapSession":
        from ..align.aligner import AlignConfig
        from ..embed import load_embedder

        embedder = model if model is not None and not isinstance(model, str) else load_embedder(model, device=device)
        src, tgt = Texts(src_text, tgt_text, src_lang, tgt_lang, segmented).split()
        return cls(src, tgt, embedder, config or AlignConfig(), src_lang, tgt_lang)

    def align(self, anchors: Sequence[Anchor] = ()):
        """Pairs among the anchors cut the documents into stretches; a stretch is aligned without
        its pinned unaligned sentences."""
        from ..align.base import Bead
        from ..result import AlignmentResult

        pinned_src = {a[0][0] for a in anchors if a[0] and not a[1]}
        pinned_tgt = {a[1][0] for a in anchors if a[1] and not a[0]}
        pairs = sorted((tuple(s), tuple(t)) for s, t in anchors if s and t)
        beads = [Bead((i,), (), 1.0) for i in sorted(pinned_src)] + [Bead((), (j,), 1.0) for j in sorted(pinned_tgt)]
        i = j = 0
        for src, tgt in pairs + [((len(self.src_sentences),), (len(self.tgt_sentences),))]:
            beads += self._stretch([k for k in range(i, src[0]) if k not in pinned_src],
                                   [k for k in range(j, tgt[0]) if k not in pinned_tgt])
            beads.append(Bead(src, tgt, 1.0))
            i, j = src[-1] + 1, tgt[-1] + 1
        beads.pop()  # the end marker
        beads.sort(key=lambda b: (b.src[0] if b.src else -1, b.tgt[0] if b.tgt else -1))
        return AlignmentResult(self.src_sentences, self.tgt_sentences, beads, self.src_lang, self.tgt_lang,
                               model=getattr(self._embedder, "name", ""))

    def _stretch(self, src: list[int], tgt: list[int]) -> list:
        from ..align.base import Bead
        from ..api import align_embedded

        if not src or not tgt:
            return [Bead((i,), (), 0.0) for i in src] + [Bead((), (j,), 0.0) for j in tgt]
        sub = align_embedded([self.src_sentences[i] for i in src], [self.tgt_sentences[j] for j in tgt],
                             self._src_emb[src], self._tgt_emb[tgt], self._config)
        out = []
        for b in sub:
            s, t = tuple(src[i] for i in b.src), tuple(tgt[j] for j in b.tgt)
            if _consecutive(s) and _consecutive(t):
                out.append(Bead(s, t, b.score))
            else:  # around a pinned sentence: no bead may straddle it
                out += [Bead((i,), (), 0.0) for i in s] + [Bead((), (j,), 0.0) for j in t]
        return out


def _consecutive(indexes: tuple[int, ...]) -> bool:
    return not indexes or indexes[-1] - indexes[0] == len(indexes) - 1
