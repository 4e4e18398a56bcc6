"""Lines in the wrong language (an Indonesian menu line on an English page), judged with py3langid.

A document's lines are told apart from the other document's language only: py3langid's bundled model
restricted to the declared pair (``id``/``en`` by default, ``de``/``fr`` for ``--src-lang de --tgt-lang
fr``). A line is flagged when it is long enough to be reliable -- at least ``MIN_WORDS`` words with
letters, ``MIN_LOWER_WORDS`` of them lower-case (or in a script without case) -- and the model gives
the other language a probability of at least ``MIN_PROBABILITY``. Names, numbers and short lines are
never flagged. A line in a third language is judged only as closer to one of the two (an English line
in a German–French pair is flagged on the page whose language it resembles less, if clearly), and a
language py3langid does not know gets no wrong-language flags at all.
"""
from __future__ import annotations

import copy
import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Optional

from ..lang import LanguageError, language_name, primary_language
from .base import Flagger

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
"""The default pair: a document declared ``id`` or ``en`` is told apart from the other of the two."""
MIN_WORDS = 4
MIN_LOWER_WORDS = 3
"""Words starting in lower case a line needs to be judged: names and title-case menus are not."""
MIN_PROBABILITY = 0.995
SAMPLE_CHARS = 100_000
"""At most this many characters of a whole document are used to guess its language."""

Pair = tuple[str, str]


@lru_cache(maxsize=1)
def _full_identifier() -> LanguageIdentifier:
    """py3langid's bundled model with normalised probabilities, all languages (loaded once)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=8)
def _identifier(pair: Pair) -> LanguageIdentifier:
    """The bundled model restricted to ``pair`` (py3langid codes, sorted): a copy per pair."""
    identifier = copy.copy(_full_identifier())
    identifier.set_languages(list(pair))
    return identifier


@lru_cache(maxsize=1)
def _langid_codes() -> dict[str, str]:
    """Primary language (as :mod:`aligner.lang` normalises it) → py3langid's code (``fil`` → ``tl``)."""
    codes = {}
    for code in _full_identifier().nb_classes:
        try:
            codes.setdefault(primary_language(code), code)
        except LanguageError:  # "zxx" (no linguistic content) is a class, not a language
            continue
    return codes


def langid_code(lang: str) -> Optional[str]:
    """py3langid's code for a language code (``in``, ``deu``, ``fr-CH``), or None if it does not know it."""
    return _langid_codes().get(primary_language(lang))


def language_pair(lang: str, other: Optional[str] = None) -> Optional[Pair]:
    """``(lang, other)`` as py3langid codes when both are known and differ, else None.

    Without ``other``, ``id`` and ``en`` are paired with each other (the product's default pair).
    """
    want = langid_code(lang)
    if other is None:
        other = {"id": "en", "en": "id"}.get(want or "")
        if other is None:
            return None
    against = langid_code(other)
    if want is None or against is None or want == against:
        return None
    return want, against


@lru_cache(maxsize=64)
def _unjudged(pair: tuple[str, ...]) -> None:
    """Log (once per pair and process) that a pair gets no language judgement."""
    log.debug("no wrong-language flags or same-language check for %s: py3langid does not know both, or they "
              "are one language", " / ".join(pair))


def _note_unjudged(lang: str, other: Optional[str]) -> None:
    _unjudged(tuple(sorted({lang, other or "(no other language)"})))


def classify(text: str, pair: Pair = LANGUAGES) -> tuple[str, float]:
    """Return ``(language, probability)`` of ``text``, language one of ``pair`` (py3langid codes)."""
    lang, prob = _identifier(tuple(sorted(pair))).classify(text)
    return str(lang), float(prob)


def _lower(word: str) -> bool:
    first = word[0]
    return first.islower() or (first.isalpha() and first.lower() == first.upper())  # caseless script


def _enough_words(text: str) -> bool:
    """At least ``MIN_WORDS`` words, ``MIN_LOWER_WORDS`` of them lower-case (so not a list of names)."""
    words = text.split()
    if len(words) < MIN_WORDS:  # the common quick answer
        return False
    wordy = [w for w in words if sum(ch.isalpha() for ch in w) >= 2]
    return len(wordy) >= MIN_WORDS and sum(1 for w in wordy if _lower(w)) >= MIN_LOWER_WORDS


def _wrong(text: str, pair: Pair) -> bool:
    if not _enough_words(text):
        return False
    lang, prob = classify(text, pair)
    return lang != pair[0] and prob >= MIN_PROBABILITY


def is_wrong_language(text: str, expected: str, other: Optional[str] = None) -> bool:
    """True if ``text`` is long enough to judge and clearly in ``other`` rather than ``expected``
    (``other`` defaults to the other of id/en)."""
    pair = language_pair(expected, other)
    return pair is not None and _wrong(text, pair)


def wrong_language_flagger(expected: str, other: Optional[str] = None) -> Optional[Flagger]:
    """A flagger for lines in ``other`` on a page in ``expected``; None when py3langid cannot tell them apart."""
    pair = language_pair(expected, other)
    if pair is None:
        _note_unjudged(expected, other)
        return None
    return lambda text: _wrong(text, pair)


def document_language(text: str, pair: Pair = LANGUAGES) -> tuple[str, float]:
    """Guess which of ``pair`` a whole document is in, from up to ``SAMPLE_CHARS`` characters."""
    if len(text) > SAMPLE_CHARS:
        step = len(text) // 10
        text = " ".join(text[k : k + SAMPLE_CHARS // 10] for k in range(0, len(text), step)[:10])
    return classify(text, pair)


def warn_if_same_language(src_text: str, tgt_text: str, src_lang: str, tgt_lang: str, min_probability: float = 0.9) -> bool:
    """Log a warning (and return True) when both documents look like the same one of the declared pair."""
    pair = language_pair(src_lang, tgt_lang)
    if pair is None:
        _note_unjudged(src_lang, tgt_lang)
        return False
    (src, p_src), (tgt, p_tgt) = document_language(src_text, pair), document_language(tgt_text, pair)
    if src != tgt or min(p_src, p_tgt) < min_probability:
        return False
    log.warning("both documents look %s (%s), but %s → %s was asked for; check the files and --src-lang/--tgt-lang",
                language_name(src), src, src_lang, tgt_lang)
    return True
