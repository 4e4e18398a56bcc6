"""How a worker gets its embedder: a picklable loader, called once per worker process."""
from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Optional

from ..embed.base import Embedder
from ..errors import ModelError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelLoader:
    """Loads the embedder in a worker: ``model`` for :func:`aligner.embed.load_embedder`, or
    ``factory`` (``"module:callable"``, a zero-argument callable returning any object with
    ``name``, ``dim`` and ``encode``) instead. ``num_threads``: the encoder's threads per worker;
    ``precision``: auto, int8, fp32 or bf16 (None: auto)."""

    model: Optional[str] = None
    device: Optional[str] = None
    num_threads: Optional[int] = None
    factory: Optional[str] = None
    precision: Optional[str] = None

    def __call__(self) -> Embedder:
        if self.factory:
            return load_factory(self.factory)()
        from ..embed import load_embedder

        opts = {"num_threads": self.num_threads} if self.num_threads else {}
        if self.precision:
            opts["precision"] = self.precision
        return load_embedder(self.model, device=self.device, **opts)

    @property
    def spec(self) -> str:
        """What identifies the embeddings this loader gives (part of every document's key)."""
        if self.factory:
            return f"factory={self.factory}"
        return f"model={self.model or 'default'}" + (f",precision={self.precision}" if self.precision else "")


def load_factory(spec: str):
    """Import ``"package.module:callable"``; ModelError (one line) when it cannot be found."""
    module, _, attr = spec.partition(":")
    if not module or not attr:
        raise ModelError(f"embedder factory {spec!r} must look like 'package.module:callable'")
    try:
        obj = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ModelError(f"cannot import embedder factory {spec!r}: {exc}") from exc
    if not callable(obj):
        raise ModelError(f"embedder factory {spec!r} is not callable")
    return obj
