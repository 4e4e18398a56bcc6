"""The run signature: what made an output, in one short line (modelled on sacrebleu's signatures).

``version:0.1.0|model:multilingual-e5-small|precision:fp32|settings:3f2a9c1b7d04`` names the aligner
version, the embedding model, its numeric precision and a short hash of every alignment setting
(``dataclasses.asdict`` of the :class:`~aligner.align.aligner.AlignConfig`, nested settings
included, so a new setting is covered without listing it here). TMX headers, the XLSX info sheet,
the batch report and the batch resume key carry it: two outputs with one signature were made alike.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Optional

from ._version import __version__

HASH_CHARS = 12
"""Hex digits of the settings hash: 48 bits, ample to tell configurations apart."""


def _plain(value: Any) -> Any:
    """``value`` with every mapping key a string (settings may be keyed by bead shapes such as ``(1, 2)``)."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else repr(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def settings_text(config: Any) -> str:
    """Every setting of ``config`` (a dataclass, nested ones included) as canonical JSON."""
    values = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else config
    return json.dumps(_plain(values), sort_keys=True, default=repr, separators=(",", ":"))


def settings_hash(config: Any) -> str:
    """A short, stable hash of every setting of ``config`` (see :func:`settings_text`)."""
    return hashlib.sha256(settings_text(config).encode("utf-8")).hexdigest()[:HASH_CHARS]


@dataclass(frozen=True)
class Signature:
    """How an alignment was made: aligner version, model, precision and settings hash."""

    model: str
    precision: str
    settings: str
    version: str = __version__

    def __str__(self) -> str:
        return f"version:{self.version}|model:{self.model or '-'}|precision:{self.precision or '-'}|settings:{self.settings}"


def run_signature(config: Any, model: str = "", precision: Optional[str] = None) -> Signature:
    """The signature of a run aligning with ``config`` (an ``AlignConfig``), ``model`` and ``precision``."""
    return Signature(model=model or "", precision=precision or "", settings=settings_hash(config), version=__version__)


def embedder_signature(config: Any, embedder: Any, precision: Optional[str] = None) -> Signature:
    """The signature of a run with a loaded ``embedder``: its ``name`` and ``precision`` when it has them
    (else ``precision``, what was asked for)."""
    return run_signature(config, getattr(embedder, "name", "") or "",
                         getattr(embedder, "precision", None) or precision)
