"""Line flags: marks on sentences (web boilerplate, ...) that make the aligner prefer to leave them unaligned."""
from __future__ import annotations

from .base import BOILERPLATE, flag_sentences
from .boilerplate import is_boilerplate

__all__ = ["BOILERPLATE", "flag_sentences", "is_boilerplate"]
