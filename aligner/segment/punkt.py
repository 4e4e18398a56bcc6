"""Sentence splitting with NLTK Punkt, driven by our curated word lists (no model download).

Punkt (``nltk.tokenize.punkt``) is given ``PunktParameters`` filled from the plain-text lists
in ``aligner/segment/data/`` instead of a trained pickle:

* ``{lang}.abbrev.txt``: abbreviations (lower-case, no final period, inner periods kept:
  ``s.h``, ``m.si``, ``u.s``). After one, Punkt splits only if the next word is a capitalised
  sentence starter.
* ``{lang}.starters.txt``: frequent sentence starters (``ia``, ``namun``; ``the``, ``he``).
* ``{lang}.titles.txt``: abbreviations that never end a sentence (``PT.``, ``Jl.``, ``Dr.``,
  ``Mr.``): a split right after one is always undone.
* ``{lang}.final.txt``: abbreviations that often end a sentence (``dll.``, ``dsb.``, ``dst.``,
  ``etc.``): they split when whitespace and a capitalised word follow, never before a
  lower-case word.

Punkt runs on a same-length working copy of the paragraph in which every Unicode space
(NBSP, U+202F, ...) is a plain space and curly quotes/guillemets are straight quotes, so its
offsets are the paragraph's offsets. Its cut points then go through a few post-rules:

* a split after ``?``/``!`` (optionally followed by closing quotes), or after ``.`` followed by
  a closing quote, is undone when the next word is lower-case: ``“Kapan?” tanya dia.``;
* a split after an unlisted dotted abbreviation (``S.Hut.``, ``A.Md.``, ``S.M.A.``) is undone
  unless the next word is a capitalised sentence starter, as for listed abbreviations;
* an ellipsis (``...`` or ``…``) followed by whitespace and a capitalised word ends a sentence;
* a short code in parentheses right after sentence-final punctuation -- a news-agency or
  author byline such as ``(arm)``, ``(ant)``, ``(rls)``, ``(*)``, ``(arm/hms)`` -- becomes its
  own segment when it is glued to the punctuation (``masyarakat.(arm)``) or ends the
  paragraph (``masyarakat. (arm)``), so the aligner can leave it unaligned.

Spans are built by cutting the paragraph at the final cut points and stripping whitespace, so
the non-whitespace characters of all spans are exactly those of the paragraph.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nltk is imported on first use: "import nltk" alone takes about a second
    from nltk.tokenize.punkt import PunktSentenceTokenizer

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")

# Punkt's orthographic-context flags (nltk.tokenize.punkt._ORTHO_BEG_UC / _ORTHO_MID_LC):
# "seen capitalised at a sentence start" and "seen lower-case mid-sentence".
_ORTHO_BEG_UC = 1 << 1
_ORTHO_MID_LC = 1 << 5


def _working_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x3001):  # every Unicode whitespace character is below U+3001
        if chr(code).isspace() and chr(code) != "\n":
            table[code] = " "
    for ch in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033":
        table[ord(ch)] = '"'
    for ch in "\u2018\u2019\u201a\u201b\u2039\u203a\u2032":
        table[ord(ch)] = "'"
    return table


_WORK_TABLE = _working_table()

_CLOSERS = "\"')]}"
_OPENERS = "\"'([{"
# After "?"/"!" (or "." plus a closing quote) a lower-case word continues the sentence.
_CONTINUES_AFTER = re.compile(r"""(?:[?!][?!.]*[\"')\]}]*|\.+[\"')\]}]+)$""")
_ELLIPSIS_THEN_WORD = re.compile(
    r"""(?<=\S)\s?(?<!\.)(?:\.{3,}|\u2026)[\"')\]}]*\s+(?=[\"'(\[]*(\w))"""
)
# A byline / agency code: (arm), (ant), (rls), (*), (arm/hms), (ant, rls).
_BYLINE = re.compile(r"\((?:[^\W\d_]{1,6}|\*{1,3})(?:\s?[/,]\s?(?:[^\W\d_]{1,6}|\*{1,3}))*\)")
_SENTENCE_END = ".!?\u2026"
_LAST_TOKEN = re.compile(r"\S+$")
_BLANK_REST = re.compile(r"\s*\Z")
_NEXT_WORD = re.compile(r"[\"'(\[{]*[\w-]+|\S")
_DOTTED_ABBREV = re.compile(r"[^\W\d_]{1,2}\.(?:[^\W\d_]{1,4}\.)+")
_WINDOW = 80  # characters before a cut that the post-rules look at


@dataclass(frozen=True)
class LanguageData:
    """The curated lists of one language, as loaded from ``aligner/segment/data``."""

    abbrevs: frozenset[str]
    titles: frozenset[str]
    finals: frozenset[str]
    starters: frozenset[str]


def _read_list(lang: str, kind: str) -> frozenset[str]:
    """Entries of ``data/{lang}.{kind}.txt``: lower-cased, comments and final periods removed."""
    path = resources.files("aligner.segment").joinpath("data", f"{lang}.{kind}.txt")
    entries = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower().rstrip(".")
        if entry:
            entries.add(entry)
    return frozenset(entries)


@lru_cache(maxsize=None)
def load_language_data(lang: str) -> LanguageData:
    """Load (once) the abbreviation, title, final-abbreviation and starter lists of ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"no sentence-splitting rules for language {lang!r}")
    titles = _read_list(lang, "titles")
    finals = _read_list(lang, "final")
    return LanguageData(
        abbrevs=_read_list(lang, "abbrev") | titles | finals,
        titles=titles,
        finals=finals,
        starters=_read_list(lang, "starters"),
    )


class PunktSplitter:
    """The ``Splitter`` for Indonesian (``"id"``) or English (``"en"``), built on NLTK Punkt."""

    def __init__(self, lang: str) -> None:
        from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

        data = load_language_data(lang)
        self.lang = lang
        self._data = data
        params = PunktParameters()
        params.abbrev_types = set(data.abbrevs)
        params.sent_starters = set(data.starters)
        for word in data.starters:
            params.add_ortho_context(word, _ORTHO_BEG_UC | _ORTHO_MID_LC)
        self._punkt: PunktSentenceTokenizer = PunktSentenceTokenizer(params)
        finals = "|".join(sorted((re.escape(a) for a in data.finals), key=len, reverse=True))
        self._final_then_word = re.compile(
            rf"""(?<![\w.])(?:{finals})\.[\"')\]}}]*\s+(?=[\"'(\[]*(\w))""", re.IGNORECASE
        )

    def __repr__(self) -> str:
        return f"PunktSplitter({self.lang!r})"

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return the ``(start, end)`` spans of the sentences of one paragraph."""
        if not text or text.isspace():
            return []
        work = text.translate(_WORK_TABLE)
        cuts = {start for start, _ in self._punkt.span_tokenize(work)}
        cuts = self._undo_cuts(work, sorted(c for c in cuts if 0 < c < len(work)))
        cuts.update(self._extra_cuts(work))
        return _pieces(text, cuts)

    def _undo_cuts(self, work: str, cuts: list[int]) -> set[int]:
        """Drop Punkt's cuts after title abbreviations and before lower-case continuations."""
        kept: set[int] = set()
        previous = 0
        for cut in cuts:
            before = work[max(previous, cut - _WINDOW) : cut].rstrip()
            following = _NEXT_WORD.search(work, cut)
            if before and following and self._joins(before, following.group()):
                continue
            kept.add(cut)
            previous = cut
        return kept

    def _joins(self, before: str, following: str) -> bool:
        """True if the cut between ``before`` and the segment starting ``following`` is wrong."""
        if following[0].islower() and _CONTINUES_AFTER.search(before):
            return True
        match = _LAST_TOKEN.search(before)
        if match is None:
            return False
        token = match.group().lstrip(_OPENERS)
        if not token.endswith(".") or len(token) < 2:
            return False
        stem = token[:-1].lower()
        titles = self._data.titles
        if stem in titles or stem.rsplit("-", 1)[-1] in titles:
            return True
        # An unlisted dotted abbreviation (S.Hut., A.Md., S.M.A.) acts like a listed one: it
        # ends the sentence only before a capitalised sentence starter.
        if _DOTTED_ABBREV.fullmatch(token):
            word = following.lstrip(_OPENERS)
            return not (word[:1].isupper() and word.lower() in self._data.starters)
        return False

    def _extra_cuts(self, work: str) -> set[int]:
        """Cuts Punkt does not make: after final abbreviations/ellipses, around bylines."""
        extra: set[int] = set()
        for pattern in (self._final_then_word, _ELLIPSIS_THEN_WORD):
            for m in pattern.finditer(work):
                if m.group(1).isupper():
                    extra.add(m.end())
        for m in _BYLINE.finditer(work):
            before = work[max(0, m.start() - _WINDOW) : m.start()]
            spaced = before[-1:].isspace()
            end_of_sentence = before.rstrip().rstrip(_CLOSERS)
            if not end_of_sentence or end_of_sentence[-1] not in _SENTENCE_END:
                continue
            rest_blank = _BLANK_REST.match(work, m.end()) is not None
            if spaced and not rest_blank:
                continue  # "... selesai. (a) butir pertama": not a byline
            extra.add(m.start())
            if not rest_blank:
                extra.add(m.end())
        return extra


def _pieces(text: str, cuts: set[int]) -> list[tuple[int, int]]:
    """Cut ``text`` at ``cuts`` and strip each piece; empty pieces are dropped."""
    spans: list[tuple[int, int]] = []
    previous = 0
    for cut in sorted(c for c in cuts if 0 < c < len(text)) + [len(text)]:
        start, end = previous, cut
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
        previous = cut
    return spans
