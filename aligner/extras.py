"""Optional dependencies: which ``pip install 'aligner[extra]'`` brings a missing module, as one line."""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import AlignerError

EXTRAS: dict[str, str] = {"dask": "dask", "distributed": "dask", "pyarrow": "parquet", "matplotlib": "notebook"}
"""Top-level module → the extra of ``pyproject.toml`` that installs it."""


class MissingExtra(AlignerError):
    """An optional dependency is not installed; the message names the extra to install."""


def missing_extra(exc: ImportError, feature: str) -> MissingExtra | None:
    """The one-line error for ``exc`` when it is a missing optional module, else None."""
    module = (getattr(exc, "name", None) or "").split(".")[0]
    extra = EXTRAS.get(module)
    if extra is None:
        return None
    return MissingExtra(f"{feature} needs {module}, which is not installed: pip install 'aligner[{extra}]'")


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` for ``feature`` (e.g. ``"Parquet output"``); :class:`MissingExtra` when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        error = missing_extra(exc, feature)
        if error is None:
            raise
        raise error from None
