"""Segments and the splitter interface: text in, sentence spans (character offsets) out."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence


@dataclass(frozen=True)
class Paragraph:
    """A block of the decoded document text, ``text[start:end]``, numbered from 0."""

    index: int
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence: display text plus its place in the original (decoded) document.

    ``text`` is whitespace-normalised (NBSP and inner line breaks become single spaces, ends
    stripped); ``start``/``end`` are character offsets into the decoded document, so that
    ``document[start:end]`` is the sentence as it was written.
    """

    index: int
    text: str
    start: int
    end: int
    paragraph: int
    flags: frozenset = frozenset()
    """Marks such as ``"boilerplate"`` (see ``aligner.flags``); they steer the aligner, nothing is dropped."""


class Splitter(Protocol):
    """Splits one paragraph into sentences."""

    lang: str

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return ``(start, end)`` spans of the sentences of ``text`` (a single paragraph).

        Spans are in order, do not overlap, exclude surrounding whitespace and cover every
        non-whitespace character of ``text``.
        """
        ...


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (NBSP, tabs, line breaks included) to one space and strip."""
    return " ".join(text.split())


def number_sentences(spans: Sequence[tuple[int, int, int]], document: str) -> list[Sentence]:
    """Build Sentences from ``(start, end, paragraph)`` triples over ``document``."""
    return [
        Sentence(index=i, text=normalise_space(document[s:e]), start=s, end=e, paragraph=p)
        for i, (s, e, p) in enumerate(spans)
    ]
