"""The flaggers every alignment runs: boilerplate, and wrong-language lines when the pair is known."""
from __future__ import annotations

from typing import Optional

from .base import BOILERPLATE, WRONG_LANGUAGE, Flagger
from .boilerplate import is_boilerplate
from .language import wrong_language_flagger


def default_flaggers(lang: Optional[str] = None, other: Optional[str] = None) -> dict[str, Flagger]:
    """Boilerplate, plus lines in ``other`` (the other document's language) on a page in ``lang``
    when py3langid knows both; without ``other``, id and en are each other's other."""
    flaggers: dict[str, Flagger] = {BOILERPLATE: is_boilerplate}
    language = wrong_language_flagger(lang, other) if lang else None
    if language is not None:
        flaggers[WRONG_LANGUAGE] = language
    return flaggers
