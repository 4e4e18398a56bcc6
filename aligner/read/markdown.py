"""Markdown documents (``.md``, ``.markdown``): the prose, one paragraph per line, parsed with markdown-it-py.

Headings, paragraphs, list items (nested too) and table cells each become one paragraph; link and
emphasis text is kept, link targets, images and inline HTML tags are dropped; inline code stays
in its sentence as text (it is part of what the sentence says). Front matter and HTML comments are
dropped. Code blocks (fenced and indented), raw HTML blocks and paragraphs that are only code are
kept out of the text to align: they are listed in :attr:`MarkdownText.non_prose` and reported,
never paired as prose.

The returned :class:`MarkdownText` is a ``str`` (the prose) that also knows where each of its
characters was in the file, so that sentence offsets are mapped back onto the original file
(:func:`map_offsets`, applied by ``aligner.api.split``).
"""
from __future__ import annotations

import dataclasses
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from aligner.read.text import read_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from aligner.read.limits import ReadLimits
    from aligner.segment.base import Sentence

log = logging.getLogger(__name__)

_MD_LINE_BREAK = re.compile(r"\r\n|\r|\n")

CODE, HTML, FRONT_MATTER, COMMENT = "code", "html", "front-matter", "comment"
REPORTED = (CODE, HTML)
"""Kinds of non-prose kept out of the alignment and reported; front matter and comments are just dropped."""


@dataclass(frozen=True)
class NonProse:
    """A block of the file that is not aligned: ``original[start:end]`` is what was written."""

    kind: str
    start: int
    end: int


class MarkdownText(str):
    """The prose of a Markdown file, one paragraph per line, with the file offset of every character.

    ``origin[k]`` is the offset in ``original`` (the decoded file) of character ``k`` of the prose;
    ``non_prose`` lists the blocks left out.
    """

    origin: list[int]
    original: str
    non_prose: list[NonProse]

    def __new__(cls, text: str, origin: Sequence[int], original: str, non_prose: Sequence[NonProse]) -> "MarkdownText":
        obj = super().__new__(cls, text)
        obj.origin = list(origin)
        obj.original = original
        obj.non_prose = list(non_prose)
        return obj

    def __reduce__(self):
        return (MarkdownText, (str(self), self.origin, self.original, self.non_prose))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The file span ``(start, end)`` of prose characters ``[start, end)`` (a non-empty span)."""
        return self.origin[start], self.origin[end - 1] + 1

    def counts(self) -> dict[str, int]:
        """How many blocks of each reported non-prose kind were kept out (``{"code": 2, "html": 1}``)."""
        out: dict[str, int] = {}
        for block in self.non_prose:
            if block.kind in REPORTED:
                out[block.kind] = out.get(block.kind, 0) + 1
        return out


@lru_cache(maxsize=1)
def _parser() -> "MarkdownIt":
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return (MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
            .use(front_matter_plugin))


MAX_NESTING = 100
"""Block nesting markdown-it follows (quotes in lists in quotes ...); it drops what lies deeper, so a
file that reaches it is refused rather than read in part."""


def _lines(source: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line as markdown-it counts them (CRLF, CR or LF; not form feeds, U+2028, ...)."""
    spans, pos = [], 0
    for m in _MD_LINE_BREAK.finditer(source):
        spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(source):
        spans.append((pos, len(source)))
    return spans


class _Builder:
    """Collects prose characters with their file offsets, one paragraph per line."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = _lines(source) or [(0, 0)]
        self.chars: list[str] = []
        self.origin: list[int] = []
        self.non_prose: list[NonProse] = []
        self.cursor = 0

    def line_range(self, token_map: Sequence[int]) -> tuple[int, int]:
        first, last = token_map[0], max(token_map[1] - 1, token_map[0])
        last = min(last, len(self.lines) - 1)
        return self.lines[min(first, last)][0], self.lines[last][1]

    def block(self, kind: str, token_map: Optional[Sequence[int]]) -> None:
        if token_map is None:
            return
        start, end = self.line_range(token_map)
        self.non_prose.append(NonProse(kind, start, end))
        self.cursor = max(self.cursor, end)

    def _locate(self, text: str, end: int) -> list[int]:
        """File offsets of the characters of ``text`` from the cursor on, searching no further than ``end``."""
        src = self.source
        pos = src.find(text, self.cursor, end) if text else -1
        if pos >= 0:
            self.cursor = pos + len(text)
            return list(range(pos, pos + len(text)))
        offsets = []
        for ch in text:  # escapes, entities, soft breaks: character by character
            hit = -1
            if ch.isspace():
                k = self.cursor
                while k < end and not src[k].isspace():
                    k += 1
                hit = k if k < end else -1
            else:
                hit = src.find(ch, self.cursor, end)
            if hit >= 0:
                offsets.append(hit)
                self.cursor = hit + 1
            else:
                offsets.append(min(self.cursor, len(src) - 1) if src else 0)
        return offsets

    def inline(self, token: "Token", region_map: Sequence[int]) -> None:
        """One inline token (a heading, paragraph or table cell) as one prose line, or as code."""
        start, end = self.line_range(region_map)
        self.cursor = max(self.cursor, start)
        chars: list[str] = []
        origin: list[int] = []
        prose = False
        for child in token.children or []:  # an image's alt text is in its own children: not shown
            kind = child.type
            if kind in ("text", "code_inline"):
                text = child.content
                if kind == "text" and any(ch.isalnum() for ch in text):
                    prose = True
            elif kind in ("softbreak", "hardbreak"):
                text = " "
            else:
                continue
            offsets = self._locate(text, end)
            chars.extend(text)
            origin.extend(offsets)
        while chars and chars[-1].isspace():
            chars.pop()
            origin.pop()
        if not chars:
            return
        if not prose:  # only inline code (and punctuation): a command line, not a sentence
            self.non_prose.append(NonProse(CODE, origin[0], origin[-1] + 1))
            return
        if self.chars:
            self.chars.append("\n")
            self.origin.append(self.origin[-1] + 1)
        self.chars.extend(chars)
        self.origin.extend(origin)


def markdown_prose(source: str, name: str = "Markdown") -> MarkdownText:
    """The prose of Markdown ``source`` with its offsets and the blocks left out (see the module doc);
    InputError (naming ``name``) when its blocks nest deeper than markdown-it follows."""
    from aligner.errors import InputError

    builder = _Builder(source)
    last_map: Sequence[int] = (0, 1)
    tokens = _parser().parse(source)
    if any(t.level >= MAX_NESTING - 1 for t in tokens):
        raise InputError(f"{name}: blocks nest over {MAX_NESTING - 2} levels deep (quotes or lists); the parser "
                         "stops there and would drop the text inside, so the file is refused")
    for token in tokens:
        if token.map is not None and token.type != "inline":
            last_map = token.map
        if token.type == "front_matter":
            builder.block(FRONT_MATTER, token.map)
        elif token.type in ("fence", "code_block"):
            builder.block(CODE, token.map)
        elif token.type == "html_block":
            builder.block(COMMENT if token.content.lstrip().startswith("<!--") else HTML, token.map)
        elif token.type == "inline":
            builder.inline(token, token.map or last_map)
    text = "".join(builder.chars)
    return MarkdownText(text, builder.origin, source, builder.non_prose)


def read_markdown(
    path: str | os.PathLike[str], encoding: Optional[str] = None, limits: Optional[ReadLimits] = None
) -> MarkdownText:
    """Read a Markdown file (decoded, and size-limited, as ``read_text`` does) and return its prose
    (:class:`MarkdownText`)."""
    from aligner.errors import InputError

    source = read_text(Path(path), encoding, limits)
    prose = markdown_prose(source, str(path))
    counts = prose.counts()
    if counts:
        log.info("%s: kept out of the alignment: %s", path, ", ".join(f"{n} {k}" for k, n in counts.items()))
    if not prose.strip():
        raise InputError(f"{path}: no prose to align (only code, HTML or front matter)")
    return prose


def map_offsets(text: str, sentences: "list[Sentence]") -> "list[Sentence]":
    """Sentences with offsets into the original file when ``text`` is a :class:`MarkdownText`; else unchanged."""
    if not isinstance(text, MarkdownText):
        return sentences
    out = []
    for s in sentences:
        if s.end > s.start:
            start, end = text.span(s.start, s.end)
        else:
            start = end = text.origin[s.start] if s.start < len(text.origin) else len(text.original)
        out.append(dataclasses.replace(s, start=start, end=end))
    return out


def non_prose_counts(text: str) -> dict[str, int]:
    """Blocks kept out of the alignment by kind for a :class:`MarkdownText`; ``{}`` for any other text."""
    return text.counts() if isinstance(text, MarkdownText) else {}
