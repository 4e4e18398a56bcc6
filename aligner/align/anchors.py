"""Tokens that survive translation: numbers, dates, URLs, acronyms and names.

Indonesian writes ``85,3`` and ``1.308,65`` where English writes ``85.3`` and ``1,308.65``; dates
come as ``25/5/2019`` or ``5/25/2019``. Each token is normalised to a canonical form (ambiguous
ones to every reading), hashed into a fixed-size binary vector per sentence, and windows are
compared with dot products, so anchor evidence is as cheap as the embedding similarity.
"""
from __future__ import annotations

import re
import zlib
from typing import Iterable, Sequence

import numpy as np

DIM = 256
"""Hash buckets per anchor kind."""

_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?!\d)")
_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)")
_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|id|org|net|go\.id|co\.id|ac\.id)\b", re.I)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*\b")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{3,}\b")


def number_forms(token: str) -> set[str]:
    """Canonical readings of a numeral in either convention: ``"1.308,65"`` and ``"1,308.65"`` → ``{"1308.65"}``."""
    token = token.strip(".,")
    if not token:
        return set()
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        decimal = "." if token.rfind(".") > token.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        return {_canon(token.replace(thousands, "").replace(decimal, "."))}
    if not dots and not commas:
        return {_canon(token)}
    sep = "." if dots else ","
    groups = token.split(sep)
    if len(groups) > 2:  # 1.234.567: thousands
        return {_canon("".join(groups))} if all(len(g) == 3 for g in groups[1:]) else set()
    whole, frac = groups
    if len(frac) == 3:  # 1.308 / 1,308: thousands in one convention, decimals in the other
        return {_canon(whole + frac), _canon(f"{whole}.{frac}")}
    return {_canon(f"{whole}.{frac}")}


def _canon(number: str) -> str:
    if "." in number:
        number = number.rstrip("0").rstrip(".") or "0"
    return number.lstrip("0") or "0"


def date_forms(day_or_month: str, month_or_day: str, year: str) -> set[str]:
    """``25/5/2019`` and ``5/25/2019`` → ``{"2019-05-25"}``; ambiguous dates give both readings."""
    a, b, y = int(day_or_month), int(month_or_day), int(year)
    y = y + 2000 if y < 100 else y
    out = set()
    for d, m in ((a, b), (b, a)):
        if 1 <= d <= 31 and 1 <= m <= 12:
            out.add(f"{y:04d}-{m:02d}-{d:02d}")
    return out


def extract(text: str) -> tuple[set[str], set[str]]:
    """(numbers and dates, other anchors: URLs, acronyms, names) of one sentence."""
    numbers: set[str] = set()
    for match in _DATE.finditer(text):
        numbers |= {"date:" + d for d in date_forms(*match.groups())}
    rest = _DATE.sub(" ", text)
    for match in _NUMBER.finditer(rest):
        numbers |= {"num:" + n for n in number_forms(match.group())}
    others = {"url:" + u.lower().rstrip(".,)") for u in _URL.findall(text)}
    plain = _URL.sub(" ", text)
    others |= {"acr:" + a for a in _ACRONYM.findall(plain) if len(a) >= 2}
    others |= {"name:" + n.lower() for n in _NAME.findall(plain)}
    return numbers, others


def _hash(tokens: Iterable[str]) -> np.ndarray:
    vec = np.zeros(DIM, np.float32)
    for t in tokens:
        vec[zlib.crc32(t.encode("utf-8")) % DIM] = 1.0
    return vec


def anchor_matrices(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Binary hashed matrices ``(n, DIM)`` of numbers and of other anchors, one row per sentence."""
    numbers = np.zeros((len(texts), DIM), np.float32)
    others = np.zeros((len(texts), DIM), np.float32)
    for i, text in enumerate(texts):
        nums, rest = extract(text)
        numbers[i], others[i] = _hash(nums), _hash(rest)
    return numbers, others


def window_sets(matrix: np.ndarray, max_size: int) -> np.ndarray:
    """``W[k-1, e]``: binary union of rows ``[e-k, e)`` (zero where the window is invalid)."""
    n, dim = matrix.shape
    prefix = np.zeros((n + 1, dim), np.float32)
    np.cumsum(matrix, axis=0, out=prefix[1:])
    out = np.zeros((max_size, n + 1, dim), np.float32)
    for k in range(1, min(max_size, n) + 1):
        out[k - 1, k:] = np.minimum(prefix[k:] - prefix[:-k], 1.0)
    return out
