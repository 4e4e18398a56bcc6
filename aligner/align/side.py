"""One document as the aligner sees it: sentence vectors and what is known about each sentence."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence

import numpy as np

if TYPE_CHECKING:
    from ..segment.base import Sentence


def _frozen(values: np.ndarray) -> np.ndarray:
    view = values.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False)
class Side:
    """The source or the target document: per sentence its unit embedding, character length,
    paragraph number, steering flag (boilerplate, wrong language: rather left unaligned) and text.

    Built once (``from_sentences`` / ``from_embeddings``) and passed whole, so that the two
    documents' arrays cannot be mixed up. ``texts`` is None when only vectors are known; the
    second pass, which encodes window texts, then has nothing to do.
    """

    embeddings: np.ndarray
    """``(n, d)`` unit vectors."""
    lengths: np.ndarray
    """``(n,)`` character lengths (float)."""
    paragraphs: np.ndarray
    """``(n,)`` paragraph numbers (int64)."""
    flags: np.ndarray
    """``(n,)`` True for sentences that should rather stay unaligned."""
    texts: Optional[tuple[str, ...]] = None

    @classmethod
    def from_embeddings(
        cls,
        embeddings: np.ndarray,
        *,
        lengths: Optional[np.ndarray] = None,
        paragraphs: Optional[np.ndarray] = None,
        flags: Optional[np.ndarray] = None,
        texts: Optional[Sequence[str]] = None,
    ) -> "Side":
        """A side from arrays; missing ones default to length 1, paragraph 0, no flag."""
        n = len(embeddings)
        return cls(
            _frozen(np.asarray(embeddings)),
            _frozen(np.ones(n) if lengths is None else np.asarray(lengths, dtype=float)),
            _frozen(np.zeros(n, dtype=np.int64) if paragraphs is None else np.asarray(paragraphs)),
            _frozen(np.zeros(n, bool) if flags is None else np.asarray(flags, bool)),
            None if texts is None else tuple(texts),
        )

    @classmethod
    def from_sentences(cls, sentences: Sequence["Sentence"], embeddings: np.ndarray) -> "Side":
        """A side from split, flagged sentences and their embeddings (one row each)."""
        from ..flags.base import STEERING_FLAGS

        if len(sentences) != len(embeddings):
            raise ValueError(f"{len(sentences)} sentences but {len(embeddings)} embeddings")
        return cls.from_embeddings(
            embeddings,
            lengths=np.array([len(s.text) for s in sentences], dtype=float),
            paragraphs=np.array([s.paragraph for s in sentences], dtype=np.int64),
            flags=np.array([bool(s.flags & STEERING_FLAGS) for s in sentences], dtype=bool),
            texts=[s.text for s in sentences],
        )

    def __len__(self) -> int:
        return len(self.embeddings)

    def with_rows(self, rows: np.ndarray, vectors: np.ndarray) -> "Side":
        """This side with the embeddings of sentences ``rows`` replaced by ``vectors``."""
        embeddings = np.array(self.embeddings)
        embeddings[rows] = vectors
        return dataclasses.replace(self, embeddings=_frozen(embeddings))

    @property
    def text_lengths(self) -> np.ndarray:
        """Characters of each sentence's text (what a window's text will be made of)."""
        if self.texts is None:
            raise ValueError("this side has no texts")
        return np.array([len(t) for t in self.texts])
