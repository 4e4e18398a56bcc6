"""Sentence splitting for languages without our own lists, with pysbd (pure Python, rule-based, offline).

pysbd (``pysbd.Segmenter(language=..., clean=False)``) knows German, French, Spanish, Italian, Dutch,
Russian, Polish, Danish, Greek, Slovak, Bulgarian, Armenian, Kazakh, Persian, Arabic, Urdu, Hindi,
Marathi, Burmese, Amharic, Chinese and Japanese. It returns sentence strings; their cut points are
mapped back onto the paragraph by counting non-whitespace characters (pysbd keeps every one of them
with ``clean=False``), so spans stay offsets into the original text, and pysbd can be given the text
with every run of whitespace made one space (it misses sentence ends followed by two spaces).

pysbd's cuts then go through :func:`refine_cuts`, the few post-rules our id/en splitter also has in
some form: no cut where the text before does not end a sentence (pysbd cuts before inline list
numbers: ``am 23. Mai`` → ``am | 23. Mai``), before a lower-case word (``p. | ex. des``), after a title
(``Le Dr. | Leroy``, ``Hr. | Meier``: ``data/multi.titles.txt``) or before a number after a short
abbreviation (``Voir p. | 5``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .punkt import _pieces

SENTENCE_END = ";\u037e.!?\u2026\u203c\u2047\u2048\u2049\u3002\uff01\uff1f\uff0e\u061f\u06d4\u0964\u0965\u104b\u0589\u1362"
"""Sentence-final punctuation: Latin ``.!?…``, Greek ``;``, CJK ``。！？``, Arabic ``؟``, Urdu ``۔``, Devanagari ``।``, ..."""
CLOSERS = "\"')]}\u00bb\u00ab\u201c\u201d\u201e\u2018\u2019\u203a\u2039\u300d\u300f\uff09"
"""What may follow a sentence end: quotes (all directions: German ``„…“``, ``»…«``), brackets."""
OPENERS = "\"'([{\u00ab\u00bb\u201c\u201d\u201e\u2018\u2019\u2039\u203a\u300c\u300e\uff08\u00bf\u00a1"

CHUNK_CHARS = 1000
"""pysbd sees a long paragraph through windows of at most this many characters: some of its rules are
quadratic (one paragraph of 3,000 list numbers ``1. 2. 3.`` takes half a minute)."""
_MARGIN = 100
"""A cut of a window counts only with this many characters of the window after it (else it is redone)."""

_CLOSE = "[" + re.escape(CLOSERS) + "]*"
CANDIDATE_END = re.compile(
    rf"(?:[.!?\u2026\u203c\u061f\u06d4\u0964\u0965]+{_CLOSE}(?=\s)|[\u3002\uff01\uff1f]+{_CLOSE})"
)
"""A place that may end a sentence: sentence punctuation and closers before whitespace (CJK: without it)."""
_SPACES = {code: " " for code in range(0x3001) if chr(code).isspace()}
_LAST_TOKEN = re.compile(r"\S+$")
_NEXT_WORD = re.compile(r"\S+")
_WINDOW = 80


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    """Abbreviations that stand before a name in many languages (``Dr``, ``Mme``, ``Hr``), as written."""
    path = resources.files("aligner.segment").joinpath("data", "multi.titles.txt")
    entries = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().rstrip(".")
        if entry:
            entries.add(entry)
    return frozenset(entries)


def working_copy(text: str) -> str:
    """``text`` with every Unicode space (NBSP, U+202F, line breaks) a plain space: same length."""
    return text.translate(_SPACES)


def cuts_from_pieces(text: str, pieces: list[str]) -> list[int]:
    """Cut points in ``text`` after each piece but the last, found by counting non-whitespace characters."""
    ends = [i + 1 for i, ch in enumerate(text) if not ch.isspace()]
    cuts, seen = [], 0
    for piece in pieces[:-1]:
        seen += sum(1 for ch in piece if not ch.isspace())
        if 0 < seen < len(ends):
            cuts.append(ends[seen - 1])
    return sorted(set(cuts))


def _ends_sentence(before: str) -> bool:
    stripped = before.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def joins(before: str, following: str, initials: bool = False) -> bool:
    """True when a cut between ``before`` and the text starting with the word ``following`` is wrong.

    ``initials``: also keep a single letter or a dotted abbreviation (``J.``, ``z.B.``) with what follows.
    """
    if not _ends_sentence(before):
        return True
    word = following.lstrip(OPENERS)
    if word[:1].islower():
        return True
    match = _LAST_TOKEN.search(before)
    token = match.group().lstrip(OPENERS) if match else ""
    if not token.endswith("."):
        return False
    stem = token[:-1]
    if stem in titles():
        return True
    if word[:1].isdigit() and stem.isalpha() and len(stem) <= 3:
        return True  # "p. 5", "S. 12", "Nr. 7", "env. 7315"
    if initials and (len(stem) == 1 and stem.isalpha() or re.fullmatch(r"(?:\w{1,3}\.)+\w{1,3}", stem)):
        return True
    return False


def refine_cuts(work: str, cuts: list[int], initials: bool = False) -> set[int]:
    """Drop the cuts :func:`joins` calls wrong; ``work`` is the paragraph's working copy."""
    kept: set[int] = set()
    previous = 0
    for cut in sorted(cuts):
        before = work[max(previous, cut - _WINDOW) : cut].rstrip()
        following = _NEXT_WORD.search(work, cut)
        if not before or following is None or joins(before, following.group(), initials):
            continue
        kept.add(cut)
        previous = cut
    return kept


class PysbdSplitter:
    """The ``Splitter`` for a language pysbd knows (``lang`` is pysbd's code: ``de``, ``fr``, ``ja``)."""

    def __init__(self, lang: str) -> None:
        import pysbd

        self.lang = lang
        self._segmenter = pysbd.Segmenter(language=lang, clean=False)

    def __repr__(self) -> str:
        return f"PysbdSplitter({self.lang!r})"

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return the ``(start, end)`` spans of the sentences of one paragraph."""
        if not text or text.isspace():
            return []
        work = working_copy(text)
        return _pieces(text, refine_cuts(work, self._windowed_cuts(work)))

    def _windowed_cuts(self, work: str) -> list[int]:
        """pysbd's cuts over windows of at most ``CHUNK_CHARS``: each window starts at the last cut of
        the one before that had at least ``_MARGIN`` characters after it (no cut in a whole window:
        the next starts at a space, with no cut there)."""
        cuts: list[int] = []
        start = 0
        while True:
            end = min(len(work), start + CHUNK_CHARS)
            piece = work[start:end]
            # pysbd sees single spaces (it misses "„Komm!“  Dann" with two); cuts are mapped back
            # by counting non-whitespace characters
            sentences = self._segmenter.segment(" ".join(piece.split()))
            found = [start + c for c in cuts_from_pieces(piece, sentences)]
            if end == len(work):
                return cuts + found
            settled = [c for c in found if c <= end - _MARGIN]
            if settled:
                cuts += settled
                start = settled[-1]
            elif found:
                cuts.append(found[0])
                start = found[0]
            else:
                space = work.rfind(" ", start + CHUNK_CHARS // 2, end)
                start = space if space > start else end


@lru_cache(maxsize=1)
def pysbd_languages() -> frozenset[str]:
    """The language codes pysbd has rules for."""
    from pysbd.languages import LANGUAGE_CODES

    return frozenset(LANGUAGE_CODES)
