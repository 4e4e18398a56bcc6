"""An alignment session: sentences split and encoded once, re-aligned around anchors without the encoder.

The editor keeps one session per document pair: ``align()`` with no anchors first, then again
with the beads the reviewer confirmed as anchors. The first ``align()`` runs both passes and keeps
every window vector of the second pass by its text; later calls serve windows from that cache and
make no encoder call (a window the first call did not encode keeps its first-pass vector).
"""
from __future__ import annotations

import dataclasses

import logging
import threading
from typing import Optional, Sequence

import numpy as np

from .align.aligner import AlignConfig
from .align.pinned import Anchor, check_anchors, plan_pinned
from .embed.base import Embedder
from .result import AlignmentResult
from .signature import embedder_signature
from .segment.base import Sentence

log = logging.getLogger(__name__)

__all__ = ["Anchor", "AlignmentSession"]


class AlignmentSession:
    """Two split documents, their sentence embeddings and a cache of window vectors.

    ``encoder_calls`` counts the calls this session made to the embedder's ``encode``: one for
    the sentences, one for the first ``align()``'s windows (when it has any), none afterwards.
    An embedder with an exact encoder (int8's fp32, :class:`~aligner.embed.checked.CheckedEmbedder`)
    is used through that one: re-alignments around anchors have no close-call recheck, so the
    session's vectors are exact throughout.
    """

    def __init__(
        self,
        src_sentences: list[Sentence],
        tgt_sentences: list[Sentence],
        embedder: Embedder,
        *,
        src_lang: str = "id",
        tgt_lang: str = "en",
        config: Optional[AlignConfig] = None,
        embeddings: Optional[tuple[np.ndarray, np.ndarray]] = None,
    ) -> None:
        """``embeddings``: the sentences' vectors from an earlier session (``src_emb``, ``tgt_emb``),
        e.g. kept beside a project file; they spare the sentence encoding."""
        self.src_sentences = list(src_sentences)
        self.tgt_sentences = list(tgt_sentences)
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.config = config or AlignConfig()
        self.embedder = embedder
        self.encoder_calls = 0
        self._windows: Optional[dict[str, np.ndarray]] = None  # None until the first align()
        self._solved: dict = {}  # final beads of the last align()'s stretches, by their bounds
        self._lock = threading.Lock()  # one align() at a time (an editor's server may have several requests)
        if embeddings is not None:
            self._src_emb, self._tgt_emb = (np.asarray(e, dtype=np.float32) for e in embeddings)
            if (len(self._src_emb), len(self._tgt_emb)) != (len(self.src_sentences), len(self.tgt_sentences)):
                raise ValueError("embeddings do not match the sentences")
            return
        texts = [s.text for s in self.src_sentences] + [s.text for s in self.tgt_sentences]
        emb = self._encode(texts) if texts else np.zeros((0, embedder.dim), np.float32)
        self._src_emb = emb[: len(self.src_sentences)]
        self._tgt_emb = emb[len(self.src_sentences) :]

    @classmethod
    def from_texts(
        cls,
        src_text: str,
        tgt_text: str,
        *,
        src_lang: str = "id",
        tgt_lang: str = "en",
        segmented: bool = False,
        model=None,
        device: Optional[str] = None,
        config: Optional[AlignConfig] = None,
    ) -> "AlignmentSession":
        """Split both documents (as ``aligner.align`` does) and encode their sentences once.

        ``model``: a loaded ``Embedder``, a model name or folder, or None for the bundled default.
        """
        from .api import resolve_embedder, split_pair

        embedder = resolve_embedder(model, device)
        src, tgt = split_pair(src_text, tgt_text, src_lang, tgt_lang, segmented)
        return cls(src, tgt, embedder, src_lang=src_lang, tgt_lang=tgt_lang, config=config)

    @property
    def src_emb(self):
        """Sentence embeddings of the source side, ``(len(src_sentences), dim)``."""
        return self._src_emb

    @property
    def tgt_emb(self):
        """Sentence embeddings of the target side, ``(len(tgt_sentences), dim)``."""
        return self._tgt_emb

    @property
    def signature(self) -> str:
        """The run signature of this session's alignments (settings, model, precision, version)."""
        signature = embedder_signature(self.config, self.embedder)
        if getattr(self.embedder, "exact_encode", None) is not None:
            signature = dataclasses.replace(signature, precision="fp32")
        return str(signature)

    def align(self, anchors: Sequence[Anchor] = ()) -> AlignmentResult:
        """Align, keeping every anchor as a bead; the stretches between anchors align as they would alone.

        Invalid anchors raise ``aligner.AlignerError``. Only the first call encodes (the second
        pass's windows); later ones reuse those vectors.
        """
        anchors = self.check(anchors)
        with self._lock:
            beads = self._align(anchors)
        result = AlignmentResult(self.src_sentences, self.tgt_sentences, beads, self.src_lang, self.tgt_lang,
                                 model=getattr(self.embedder, "name", ""), meta={"signature": self.signature})
        result.meta["anchors"] = len(anchors)
        return result

    def _align(self, anchors: list[Anchor]):
        config = self.config
        if self._windows is not None and config.refine.window_slack is not None:
            # Re-aligning: window vectors come from the cache, so pruning the windows to encode saves
            # nothing and would cost two more DP runs per stretch.
            config = dataclasses.replace(config, refine=dataclasses.replace(config.refine, window_slack=None))
        plan = plan_pinned(self.src_sentences, self.tgt_sentences, self._src_emb, self._tgt_emb, anchors,
                           config, second_pass=True, solved=self._solved)
        dim = self._src_emb.shape[1]
        if self._windows is None:
            vectors = np.asarray(self._encode(plan.texts), dtype=np.float32) if plan.texts else np.zeros((0, dim))
            self._windows = dict(zip(plan.texts, vectors))
        else:
            missing = np.full(dim, np.nan, np.float32)
            vectors = np.array([self._windows.get(t, missing) for t in plan.texts], np.float32).reshape(-1, dim)
            log.debug("re-align: %d of %d windows from the cache, %d stretches reused",
                      sum(t in self._windows for t in plan.texts), len(plan.texts), sum(p.done is not None for p in plan.pieces))
        beads = plan.finish(vectors)
        self._solved = plan.solved  # the stretches of this call: the next one (one more anchor) redoes few
        return beads

    def check(self, anchors: Sequence[Anchor]) -> list[Anchor]:
        """``anchors`` as tuples of ints, or ``AlignerError`` saying what is wrong with them."""
        return check_anchors(anchors, len(self.src_sentences), len(self.tgt_sentences))

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.encoder_calls += 1
        return (getattr(self.embedder, "exact_encode", None) or self.embedder.encode)(texts)
