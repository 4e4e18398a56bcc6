"""One registry style for every pluggable part (exporters, readers, batch engines).

A :class:`Registry` is an explicit table, written where the parts are listed, from a name to
``"module:attribute"``; the module is imported the first time its entry is used, so listing an
engine costs nothing and a missing optional dependency (Dask, pyarrow) is a one-line error naming
the extra to install. Nothing registers itself by being imported.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Generic, Iterator, Mapping, TypeVar

from .errors import AlignerError
from .extras import missing_extra

T = TypeVar("T")


@dataclass(frozen=True)
class Registry(Generic[T]):
    """Name → ``"module:attribute"``, loaded on first use. ``kind`` names the parts in messages."""

    kind: str
    entries: Mapping[str, str]
    error: type = AlignerError
    _loaded: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self.entries)

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def get(self, name: str) -> T:
        """The part registered as ``name``; ``error`` (one line) for an unknown name or a missing extra."""
        if name not in self.entries:
            raise self.error(f"unknown {self.kind} {name!r}; use one of {', '.join(self.names())}")
        if name not in self._loaded:
            module, _, attribute = self.entries[name].partition(":")
            try:
                loaded: Any = importlib.import_module(module)
            except ImportError as exc:
                error = missing_extra(exc, f"the {name} {self.kind}")
                if error is None:
                    raise
                raise error from None
            for part in attribute.split("."):
                loaded = getattr(loaded, part)
            self._loaded[name] = loaded
        return self._loaded[name]
