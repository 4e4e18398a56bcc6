"""Lines in the wrong language (an Indonesian menu line on an English page), judged with py3langid.

Only Indonesian and English are told apart (py3langid's bundled model restricted to them), and only
lines long enough to be reliable: at least ``MIN_WORDS`` words with letters (``MIN_LOWER_WORDS`` of
them lower-case) and a probability of at least ``MIN_PROBABILITY`` for the other language. Names,
numbers and short lines are never flagged.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Optional

from .base import Flagger

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
MIN_WORDS = 4
MIN_LOWER_WORDS = 3
"""Words starting in lower case a line needs to be judged: names and title-case menus are not."""
MIN_PROBABILITY = 0.995
SAMPLE_CHARS = 100_000
"""At most this many characters of a whole document are used to guess its language."""

@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """py3langid's bundled model with normalised probabilities, restricted to id/en (loaded once)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def primary_language(lang: str) -> Optional[str]:
    """``id``/``en`` for codes such as ``id-ID``, ``in``, ``eng``; None for other languages."""
    from ..segment.segmenter import rules_language

    return rules_language(lang) if lang else None


def classify(text: str) -> tuple[str, float]:
    """Return ``(language, probability)`` of ``text``, language ``id`` or ``en``."""
    lang, prob = _identifier().classify(text)
    return str(lang), float(prob)


def _enough_words(text: str) -> bool:
    """At least ``MIN_WORDS`` words, ``MIN_LOWER_WORDS`` of them lower-case (so not a list of names)."""
    words = text.split()
    if len(words) < MIN_WORDS:  # the common quick answer
        return False
    wordy = [w for w in words if sum(ch.isalpha() for ch in w) >= 2]
    return len(wordy) >= MIN_WORDS and sum(1 for w in wordy if w[0].islower()) >= MIN_LOWER_WORDS


def _wrong(text: str, want: str) -> bool:
    if not _enough_words(text):
        return False
    lang, prob = classify(text)
    return lang != want and prob >= MIN_PROBABILITY


def is_wrong_language(text: str, expected: str) -> bool:
    """True if ``text`` is long enough to judge and clearly in the other of id/en than ``expected``."""
    want = primary_language(expected)
    return want is not None and _wrong(text, want)


def wrong_language_flagger(expected: str) -> Optional[Flagger]:
    """A flagger for lines not in ``expected`` (``id``/``en``), or None for other languages."""
    want = primary_language(expected)
    if want is None:
        log.debug("no wrong-language flags for %r (only id/en are told apart)", expected)
        return None
    return lambda text: _wrong(text, want)


def document_language(text: str) -> tuple[str, float]:
    """Guess the language (``id``/``en``) of a whole document from up to ``SAMPLE_CHARS`` characters."""
    if len(text) > SAMPLE_CHARS:
        step = len(text) // 10
        text = " ".join(text[k : k + SAMPLE_CHARS // 10] for k in range(0, len(text), step)[:10])
    return classify(text)


def warn_if_same_language(src_text: str, tgt_text: str, src_lang: str, tgt_lang: str, min_probability: float = 0.9) -> bool:
    """Log a warning (and return True) when both documents look like the same one of id/en."""
    want_src, want_tgt = primary_language(src_lang), primary_language(tgt_lang)
    if want_src is None or want_tgt is None or want_src == want_tgt:
        return False
    (src, p_src), (tgt, p_tgt) = document_language(src_text), document_language(tgt_text)
    if src != tgt or min(p_src, p_tgt) < min_probability:
        return False
    name = {"id": "Indonesian", "en": "English"}[src]
    log.warning("both documents look %s (%s), but %s → %s was asked for; check the files and --src-lang/--tgt-lang",
                name, src, src_lang, tgt_lang)
    return True
