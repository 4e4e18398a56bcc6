"""Helpers shared by the per-language splitting tables (test_split_en.py, test_split_id.py)."""
from __future__ import annotations

import pytest

from aligner.segment import PunktSplitter


def split(splitter: PunktSplitter, text: str) -> list[str]:
    """The sentences ``splitter`` cuts ``text`` into, as the exact substrings."""
    return [text[s:e] for s, e in splitter.spans(text)]


def mid_and_final(name: str, head: str, continuation: str, next_sentence: str) -> list:
    """Two cases for a final abbreviation ending ``head`` (``dll.``, ``etc.``): before a lower-case
    ``continuation`` the sentence goes on; before a capitalised ``next_sentence`` it ends there."""
    return [
        pytest.param(f"{head} {continuation}", [f"{head} {continuation}"], id=f"{name}-mid"),
        pytest.param(f"{head} {next_sentence}", [head, next_sentence], id=f"{name}-final"),
    ]
