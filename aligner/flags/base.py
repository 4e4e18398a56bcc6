"""Flagging sentences: each flagger names sentences it recognises; flags are added, nothing is removed.

This module defines the flag names and applies flaggers; the flaggers themselves (boilerplate,
wrong language) and the default set live in their own modules and import this one, never the reverse.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Mapping, Sequence

from ..segment.base import Sentence

BOILERPLATE = "boilerplate"
WRONG_LANGUAGE = "wrong-language"
STEERING_FLAGS = frozenset({BOILERPLATE, WRONG_LANGUAGE})
"""Flags that make the aligner prefer to leave a sentence unaligned."""

Flagger = Callable[[str], bool]
"""A predicate over a sentence's text."""


def flag_sentences(sentences: Sequence[Sentence], flaggers: Mapping[str, Flagger]) -> list[Sentence]:
    """Return the sentences with ``flags`` set by each flagger (name → predicate over the text)."""
    out = []
    for s in sentences:
        hits = frozenset(name for name, test in flaggers.items() if test(s.text))
        out.append(dataclasses.replace(s, flags=s.flags | hits) if hits else s)
    return out
