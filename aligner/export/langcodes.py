"""Language tags for translation memories: short codes in, BCP-47 region tags out."""
from __future__ import annotations

import re

from ..errors import ExportError

# Bare language codes CAT tools expect with a region (OmegaT and Trados match on "id-ID", "en-US").
DEFAULT_REGIONS: dict[str, str] = {"id": "id-ID", "en": "en-US"}

_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")


def _canonical_case(tag: str) -> str:
    """BCP-47 recommended casing: ``zh-hant-tw`` → ``zh-Hant-TW``; private-use parts stay lower."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    singleton_seen = False
    for part in parts[1:]:
        if len(part) == 1:
            singleton_seen = True
        if singleton_seen:
            out.append(part.lower())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


def to_lang_code(code: str) -> str:
    """Return the language tag to write in a translation memory.

    ``"id"`` → ``"id-ID"``, ``"en"`` → ``"en-US"``; any other code passes through with ``_``
    turned into ``-`` and BCP-47 casing (``"pt_br"`` → ``"pt-BR"``). A value that does not look
    like a language tag raises :class:`ExportError`.
    """
    if not isinstance(code, str):
        raise ExportError(f"language code must be a string, got {code!r}")
    tag = code.strip().replace("_", "-")
    if not _TAG.match(tag):
        raise ExportError(
            f"invalid language code {code!r}: expected a BCP-47 tag such as 'id', 'id-ID' or 'en-GB'"
        )
    tag = _canonical_case(tag)
    return DEFAULT_REGIONS.get(tag, tag)


def short_code(tag: str) -> str:
    """The primary language subtag, lower-cased: ``"id-ID"`` → ``"id"``."""
    return tag.replace("_", "-").split("-", 1)[0].lower()
