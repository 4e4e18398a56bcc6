"""Segmenting a whole document: paragraphs, then sentences within each paragraph."""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from aligner.lang import language_name, primary_language
from aligner.read.base import paragraphs
from aligner.segment.base import Sentence, Splitter, number_sentences
from aligner.segment.generic import GenericSplitter
from aligner.segment.multilingual import PysbdSplitter, pysbd_languages
from aligner.segment.punkt import LANGUAGES, PunktSplitter

log = logging.getLogger(__name__)

MAX_SEGMENT_CHARS = 2000
"""Longer segments (no sentence end in sight: tables, lists, run-on text) are cut at whitespace."""

_SPACE_RUN = re.compile(r"\s+")


def rules_language(lang: str) -> str | None:
    """The language of our own Punkt rules for a code (``id``, ``in``, ``en-US``, ``English``...), or None.

    Raises :class:`aligner.lang.LanguageError` for a code that names no language.
    """
    code = primary_language(lang)
    return code if code in LANGUAGES else None


def get_splitter(lang: str) -> Splitter:
    """Return the sentence splitter for ``lang``: our Punkt rules for Indonesian and English, pysbd for
    the languages it knows (German, French, Spanish, Russian, Japanese...), else a generic punctuation
    rule with a logged warning. Raises :class:`aligner.lang.LanguageError` for an invalid code.
    """
    code = primary_language(lang)
    if code in LANGUAGES:
        return _punkt_splitter(code)
    if code in pysbd_languages():
        return PysbdSplitter(code)
    _warn_generic(code)
    return GenericSplitter(code)


@lru_cache(maxsize=None)
def _punkt_splitter(code: str) -> PunktSplitter:
    """One Punkt splitter per language and process: building one (word lists, Punkt parameters) takes
    about 7 ms, a batch asks for one per document, and splitting never changes it."""
    return PunktSplitter(code)


@lru_cache(maxsize=64)
def _warn_generic(code: str) -> None:
    """Warn (once per language and process, not once per document) that the generic rule splits ``code``."""
    log.warning("no sentence-splitting rules for %s (%s); splitting at sentence punctuation before a capital",
                language_name(code), code)


def segment_text(text: str, splitter: Splitter) -> list[Sentence]:
    """Split ``text`` into sentences: each paragraph (non-blank line) separately, never across.

    Sentence offsets are offsets into ``text``; sentences are numbered from 0 in document order.
    """
    triples: list[tuple[int, int, int]] = []
    cut = 0
    for para in paragraphs(text):
        body = text[para.start : para.end]
        for start, end in splitter.spans(body):
            pieces = cap_length(body, start, end)
            cut += len(pieces) > 1
            triples.extend((para.start + s, para.start + e, para.index) for s, e in pieces)
    if cut:
        log.warning("%d segment(s) longer than %d characters without a sentence end were cut at whitespace",
                    cut, MAX_SEGMENT_CHARS)
    return number_sentences(triples, text)


def cap_length(text: str, start: int, end: int, limit: int = MAX_SEGMENT_CHARS) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into spans of at most ``limit`` characters, at the last whitespace if any.

    Spans are stripped and keep every non-whitespace character; linear in the span's length.
    """
    spans: list[tuple[int, int]] = []
    while end - start > limit:
        last = None
        for last in _SPACE_RUN.finditer(text, start + 1, start + limit + 1):
            pass
        if last is not None:
            spans.append((start, last.start()))
            start = last.end()
        else:  # no whitespace at all: a hard cut
            spans.append((start, start + limit))
            start += limit
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))
    return spans
