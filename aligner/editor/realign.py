"""Aligning the texts under review, with the reviewer's decisions pinned as anchors.

The sentences are split at once (cheap: the page shows them); the encoder runs only when an
alignment is asked for, through one :class:`aligner.AlignmentSession` per server, so that
"re-align unconfirmed" after the first alignment encodes nothing again.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from ..align.pinned import Anchor


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
        from ..api import split_pair

        return split_pair(self.src_text, self.tgt_text, self.src_lang, self.tgt_lang, self.segmented)


class Realigner:
    """Runs (constrained) alignments of :class:`Texts`' sentences; the session is made on first use,
    over the sentences the editor shows (:meth:`use`), with the embedder ``model()`` returns (loaded
    only then)."""

    def __init__(self, texts: Texts, *, model: Callable[[], Any], config: Any = None) -> None:
        self.texts = texts
        self._model, self._config = model, config
        self._sentences: Optional[tuple[list, list]] = None
        self._session = None
        self._lock = threading.Lock()

    def use(self, src_sentences: Sequence, tgt_sentences: Sequence) -> None:
        """Align these (already split) sentences; without a call, the texts are split on first use."""
        if self._session is None:
            self._sentences = (list(src_sentences), list(tgt_sentences))

    @property
    def session(self):
        """The :class:`aligner.AlignmentSession` (sentences encoded once)."""
        if self._session is None:
            from ..session import AlignmentSession

            src, tgt = self._sentences if self._sentences is not None else self.texts.split()
            self._session = AlignmentSession(src, tgt, self._model(), src_lang=self.texts.src_lang,
                                             tgt_lang=self.texts.tgt_lang, config=self._config)
        return self._session

    def provenance(self) -> dict:
        """``model`` and ``signature`` of the alignments made here (empty before the first one: a
        resumed project that was not re-aligned does not load the model for a header)."""
        if self._session is None:
            return {}
        return {"model": getattr(self._session.embedder, "name", "") or "", "signature": self._session.signature}

    def align(self, anchors: Sequence[Anchor] = ()) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
        """``(src, tgt, score)`` beads of the alignment that keeps every anchor unchanged."""
        with self._lock:
            result = self.session.align(anchors=list(anchors))
        return [(tuple(b.src), tuple(b.tgt), float(b.score)) for b in result.beads]

