"""Language codes: any code a user types (``id``, ``in``, ``ind``, ``id-ID``, ``de``, ``fr_CH``, ``deu``,
``fre``, ``German``) to one primary language and one translation-memory tag, through ``langcodes``.

Splitting, flags, TMX/CSV/XLSX/Parquet export, batch file names and SRX all ask this module (and no
other), so they agree on what a code means:

* the primary language is the BCP-47 language subtag after ``langcodes`` normalisation: old and
  three-letter codes become the two-letter one (``in``/``ind`` → ``id``, ``deu``/``ger`` → ``de``,
  ``fre`` → ``fr``, ``iw`` → ``he``);
* the tag written in a TMX (``srclang``, ``xml:lang``) is the normalised tag with BCP-47 casing
  (``fr_ch`` → ``fr-CH``, ``zh-hant-tw`` → ``zh-Hant-TW``). A bare ``id`` or ``en`` gets the region CAT
  tools expect (``id-ID``, ``en-US``, as before); a bare code of any other language stays bare
  (``de``, ``fr``): a region would be a guess about the user's locale (``pt`` is Portugal or Brazil,
  ``ar`` a dozen countries), a bare tag is valid TMX, and ``--src-lang de-CH`` says it when wanted.

A code that is not a language tag, or names no language (``xx``, ``und``, ``zxx``), raises
:class:`LanguageError`, which the CLI shows as one line.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .errors import AlignerError

DEFAULT_REGIONS: dict[str, str] = {"id": "id-ID", "en": "en-US"}
"""Bare codes CAT tools expect with a region (OmegaT and Trados match on ``id-ID``, ``en-US``)."""

_NAMES = {"bahasa": "id"}
"""Language names ``langcodes.find`` does not know but our users type."""

_DEPRECATED = {"id": ("in",), "he": ("iw",), "yi": ("ji",), "jv": ("jw",)}
"""Withdrawn ISO 639-1 codes still found in old files and tools (``in`` for Indonesian)."""

_NOT_A_LANGUAGE = {"und", "mul", "zxx", "mis"}
_EXPECTED = "expected a language code such as 'id', 'en-GB', 'de' or 'fr-CH'"


class LanguageError(AlignerError):
    """A language code that is not a language tag or names no language."""


@dataclass(frozen=True)
class Language:
    """A user's language code, normalised: ``code`` is the primary language, ``tag`` the TMX tag."""

    code: str
    tag: str

    @property
    def name(self) -> str:
        """The English name of the primary language (``German``), for messages."""
        import langcodes

        return langcodes.Language.get(self.code).display_name()


def _standard(text: str) -> str:
    """The ``langcodes``-normalised tag of ``text`` (a code, or a one-word language name)."""
    import langcodes

    try:
        return langcodes.standardize_tag(text)
    except (langcodes.tag_parser.LanguageTagError, ValueError):
        pass
    word = text.lower()
    if word in _NAMES:
        return _NAMES[word]
    if len(text) >= 4 and text.isalpha():  # "English", "Indonesian", "Deutsch"
        try:
            return str(langcodes.find(text))
        except LookupError:
            pass
    raise LanguageError(f"invalid language code {text!r}: {_EXPECTED}")


@lru_cache(maxsize=256)
def parse_language(code: str) -> Language:
    """Normalise a user's language code; :class:`LanguageError` when it names no language."""
    import langcodes

    if not isinstance(code, str) or not code.strip():
        raise LanguageError(f"invalid language code {code!r}: {_EXPECTED}")
    text = code.strip().replace("_", "-")
    tag = _standard(text)
    lang = langcodes.Language.get(tag)
    primary = lang.language
    if not primary or not primary.isalpha() or primary in _NOT_A_LANGUAGE or not langcodes.tag_is_valid(tag):
        raise LanguageError(f"unknown language code {code.strip()!r}: {_EXPECTED}")
    if tag == primary:
        tag = DEFAULT_REGIONS.get(primary, primary)
    return Language(primary, tag)


def primary_language(code: str) -> str:
    """The primary language of a code: ``in``, ``ind``, ``id-ID`` → ``id``; ``deu``, ``de-CH`` → ``de``."""
    return parse_language(code).code


def tmx_tag(code: str) -> str:
    """The tag to write in a TMX: ``in`` → ``id-ID``, ``en`` → ``en-US``, ``fr_CH`` → ``fr-CH``, ``deu`` → ``de``."""
    return parse_language(code).tag


def language_name(code: str) -> str:
    """The English name of a code's primary language: ``fr-CH`` → ``French``."""
    return parse_language(code).name


def file_code(code: str) -> str:
    """A code as file names carry it: the first subtag as typed, lower-cased (``fr-CH`` → ``fr``,
    ``in`` → ``in``), after checking that it names a language."""
    parse_language(code)
    return code.strip().replace("_", "-").split("-", 1)[0].lower()


def code_aliases(primary: str) -> tuple[str, ...]:
    """Codes that mean ``primary`` in files and tools: ``id`` → ``("id", "in", "ind")``."""
    import langcodes

    lang = langcodes.Language.get(primary)
    codes = [primary, *_DEPRECATED.get(primary, ())]
    for variant in ("T", "B"):
        try:
            codes.append(lang.to_alpha3(variant=variant))
        except LookupError:
            pass
    return tuple(dict.fromkeys(codes))
