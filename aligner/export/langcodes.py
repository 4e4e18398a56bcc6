"""Language tags for translation memories, from :mod:`aligner.lang` (raising ExportError for bad codes)."""
from __future__ import annotations

from ..errors import ExportError
from ..lang import DEFAULT_REGIONS, LanguageError, primary_language, tmx_tag

__all__ = ["DEFAULT_REGIONS", "short_code", "to_lang_code"]


def to_lang_code(code: str) -> str:
    """Return the language tag to write in a translation memory (see :func:`aligner.lang.tmx_tag`).

    ``"id"``/``"in"``/``"ind"`` → ``"id-ID"``, ``"en"`` → ``"en-US"``; any other code is normalised
    with BCP-47 casing and stays as specific as given (``"pt_br"`` → ``"pt-BR"``, ``"deu"`` → ``"de"``).
    A value that names no language raises :class:`ExportError`.
    """
    if not isinstance(code, str):
        raise ExportError(f"language code must be a string, got {code!r}")
    try:
        return tmx_tag(code)
    except LanguageError as exc:
        raise ExportError(str(exc)) from None


def short_code(tag: str) -> str:
    """The primary language, lower-cased: ``"id-ID"`` → ``"id"``, ``"in"`` → ``"id"``."""
    try:
        return primary_language(tag)
    except LanguageError as exc:
        raise ExportError(str(exc)) from None
