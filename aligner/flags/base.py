"""Flagging sentences: each flagger names sentences it recognises; flags are added, nothing is removed."""
from __future__ import annotations

import dataclasses
from typing import Callable, Sequence

from ..segment.base import Sentence

BOILERPLATE = "boilerplate"
WRONG_LANGUAGE = "wrong-language"
STEERING_FLAGS = frozenset({BOILERPLATE, WRONG_LANGUAGE})
"""Flags that make the aligner prefer to leave a sentence unaligned."""

Flagger = Callable[[str], bool]
"""A predicate over a sentence's text."""


def default_flaggers(lang: str | None = None, other: str | None = None) -> dict[str, Flagger]:
    """Boilerplate, plus lines in ``other`` (the other document's language) on a page in ``lang``
    when py3langid knows both; without ``other``, id and en are each other's other."""
    from .boilerplate import is_boilerplate
    from .language import wrong_language_flagger

    flaggers: dict[str, Flagger] = {BOILERPLATE: is_boilerplate}
    language = wrong_language_flagger(lang, other) if lang else None
    if language is not None:
        flaggers[WRONG_LANGUAGE] = language
    return flaggers


def flag_sentences(sentences: Sequence[Sentence], flaggers: dict[str, Flagger] | None = None) -> list[Sentence]:
    """Return the sentences with ``flags`` set by each flagger (default: boilerplate)."""
    if flaggers is None:
        from .boilerplate import is_boilerplate

        flaggers = {BOILERPLATE: is_boilerplate}
    out = []
    for s in sentences:
        hits = frozenset(name for name, test in flaggers.items() if test(s.text))
        out.append(dataclasses.replace(s, flags=s.flags | hits) if hits else s)
    return out
