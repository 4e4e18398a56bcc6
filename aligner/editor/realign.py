"""Aligning the texts under review, with the reviewer's decisions pinned as anchors.

The sentences are split at once (cheap: the page shows them); the encoder runs only when an
alignment is asked for, through one :class:`aligner.AlignmentSession` per server, so that
"re-align unconfirmed" after the first alignment encodes nothing again.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..errors import AlignerError

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
            from ..session import AlignmentSession

            t = self.texts
            self._session = AlignmentSession.from_texts(t.src_text, t.tgt_text, src_lang=t.src_lang, tgt_lang=t.tgt_lang,
                                                        segmented=t.segmented, model=self._model(), config=self._config)
            if [s.text for s in self._session.src_sentences] != [s.text for s in t.split()[0]]:
                raise AlignerError("the session split the texts differently from the editor")  # pragma: no cover
        return self._session

    def align(self, anchors: Sequence[Anchor] = ()) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
        """``(src, tgt, score)`` beads of the alignment that keeps every anchor unchanged."""
        with self._lock:
            result = self.session.align(anchors=list(anchors))
        return [(tuple(b.src), tuple(b.tgt), float(b.score)) for b in result.beads]

