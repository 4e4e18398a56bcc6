"""Importing NLTK's Punkt without what ``import nltk`` drags in with it.

``nltk/__init__`` imports every NLTK subpackage, and two of them import scipy.stats and
scikit-learn when they are installed (sentence-transformers installs both): about a second of
every process's start, for a sentence splitter that needs neither. A process the aligner owns (the
CLI, a local batch worker) imports NLTK with both hidden; in that process NLTK's Fisher exact test
and its scikit-learn classifier wrapper are unavailable, and nothing of ours uses them. In other
processes (a notebook, a Dask worker someone else runs) NLTK is imported as usual, on first use.
"""
from __future__ import annotations

import sys

HIDDEN = ("scipy", "sklearn")


def import_nltk_lean() -> None:
    """Import ``nltk.tokenize.punkt`` with scipy and scikit-learn hidden from NLTK (they still import
    normally afterwards); nothing to do when NLTK is already imported."""
    if "nltk" in sys.modules:
        return
    hidden = [name for name in HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # "import scipy" now raises ImportError
    try:
        import nltk.tokenize.punkt  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
