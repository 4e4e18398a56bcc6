"""Segmenting a whole document: paragraphs, then sentences within each paragraph."""
from __future__ import annotations

import logging

from aligner.read.base import paragraphs
from aligner.segment.base import Sentence, Splitter, number_sentences
from aligner.segment.punkt import LANGUAGES, PunktSplitter

log = logging.getLogger(__name__)

_ALIASES = {
    "id": "id",
    "in": "id",  # the old ISO 639 code for Indonesian
    "ind": "id",
    "indonesian": "id",
    "bahasa": "id",
    "en": "en",
    "eng": "en",
    "english": "en",
}


def rules_language(lang: str) -> str | None:
    """Map a language code (``id``, ``en-US``, ``ind``, ``English``...) to our rules, or None."""
    code = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return _ALIASES.get(code)


def get_splitter(lang: str) -> Splitter:
    """Return the sentence splitter for ``lang`` (``id`` or ``en``, regional variants allowed).

    Other languages get the English rules (its ``lang`` is then ``"en"``) and a logged warning.
    """
    rules = rules_language(lang)
    if rules is None:
        log.warning(
            "no sentence-splitting rules for language %r; using the English rules "
            "(available: %s)", lang, ", ".join(LANGUAGES),
        )
        rules = "en"
    return PunktSplitter(rules)


def segment_text(text: str, splitter: Splitter) -> list[Sentence]:
    """Split ``text`` into sentences: each paragraph (non-blank line) separately, never across.

    Sentence offsets are offsets into ``text``; sentences are numbered from 0 in document order.
    """
    triples: list[tuple[int, int, int]] = []
    for para in paragraphs(text):
        body = text[para.start : para.end]
        for start, end in splitter.spans(body):
            triples.append((para.start + start, para.start + end, para.index))
    return number_sentences(triples, text)
