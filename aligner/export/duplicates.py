"""Identical translation units merged into one, counted: the one place TMX export and review import do it."""
from __future__ import annotations

from typing import Callable, Hashable, Iterable, TypeVar

T = TypeVar("T")


def merge_duplicates(items: Iterable[T], key: Callable[[T], Hashable], merge: bool = True) -> list[tuple[T, int]]:
    """``(first item, count)`` per distinct ``key(item)``, in order of first appearance; with
    ``merge=False`` every item stays, counted once."""
    if not merge:
        return [(item, 1) for item in items]
    units: dict[Hashable, list] = {}
    for item in items:
        k = key(item)
        if k in units:
            units[k][1] += 1
        else:
            units[k] = [item, 1]
    return [(item, count) for item, count in units.values()]
