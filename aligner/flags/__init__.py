"""Line flags: marks on sentences (web boilerplate, wrong-language lines) that make the aligner prefer to leave them unaligned."""
from __future__ import annotations

from .base import BOILERPLATE, STEERING_FLAGS, WRONG_LANGUAGE, flag_sentences
from .boilerplate import is_boilerplate
from .defaults import default_flaggers
from .language import document_language, is_wrong_language

__all__ = [
    "BOILERPLATE", "STEERING_FLAGS", "WRONG_LANGUAGE", "default_flaggers", "document_language",
    "flag_sentences", "is_boilerplate", "is_wrong_language",
]
