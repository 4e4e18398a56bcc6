"""The review loop: a reviewed ``.xlsx`` sheet (see :mod:`aligner.export.xlsx`) back to a TMX.

Rows may be edited, merged, deleted or added; only rows whose ``keep`` is yes (``yes``, ``y``,
``ya``, ``true``, ``1``, ``x``; any case) and whose two texts are non-empty become ``<tu>``\\ s.
Identical pairs are merged with an ``x-aligner-count`` prop, as in a direct export. A formula cell
(a sheet written by an older version, or typed by a reviewer) is read as its text, never evaluated,
and counted in :attr:`ReviewStats.formulas`.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

import pandas as pd

from .errors import InputError
from .export.atomic import atomic_file
from .export.base import ExportOptions, sanitise
from .export.duplicates import merge_duplicates
from .export.outpath import check_output
from .export.xlsx import COLUMNS, INFO_SHEET, REVIEW_SHEET
from .read.limits import DOCX_BYTES_PER_CHAR, ReadLimits

log = logging.getLogger(__name__)

YES = frozenset({"yes", "y", "ya", "true", "1", "x", "ja", "oui"})
NO = frozenset({"no", "n", "tidak", "false", "0"})
"""An explicit "not a translation" in the keep column (blank: undecided; the sheet keeps only YES)."""
_PROPS = ("score", "band", "bead", "doc", "flags")


@dataclass
class ReviewStats:
    """What an import read and wrote."""

    rows: int = 0
    kept: int = 0
    empty_skipped: int = 0
    duplicates_merged: int = 0
    written: int = 0
    formulas: int = 0
    """Formula cells of the texts read as their formula text (e.g. ``=1+1 adalah dua``)."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


MAX_REVIEW_COLUMNS = 64
"""Columns of the review sheet read (it has about ten): cells further right are not review data."""


def read_review(path: Union[str, os.PathLike], stats: Optional[ReviewStats] = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The ``review`` sheet as a DataFrame of strings (columns by header name) and the ``info`` sheet.

    Formula cells are read as their formula text (counted in ``stats.formulas``), never as a cached value."""
    from openpyxl import load_workbook

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    limits = ReadLimits()
    limits.check_file_size(path, path.stat().st_size, DOCX_BYTES_PER_CHAR)
    with open(path, "rb") as fh:
        limits.check_archive(path, fh, "XLSX")  # a zip bomb is refused before openpyxl expands it
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - zipfile, lxml and openpyxl raise many kinds
        raise InputError(f"{path}: not a readable .xlsx workbook ({_one_line(exc)})") from None
    formulas = 0
    try:
        sheet = book[REVIEW_SHEET] if REVIEW_SHEET in book.sheetnames else book.worksheets[0]
        sheet.reset_dimensions()  # a forged <dimension> (XFD1048576) must not make openpyxl pad every row
        rows = []
        for cells in sheet.iter_rows(max_col=MAX_REVIEW_COLUMNS):
            values = tuple(getattr(c, "value", None) for c in cells)
            if values.count(None) == len(values):
                continue  # an empty row (openpyxl fills the gaps between stored rows with them)
            formulas += sum(1 for c in cells if getattr(c, "data_type", None) == "f")
            rows.append(values)
        info = {}
        if INFO_SHEET in book.sheetnames:
            info = {_cell(r[0]): _cell(r[1]) for r in book[INFO_SHEET].iter_rows(values_only=True) if r and len(r) > 1}
    except Exception as exc:  # noqa: BLE001 - a damaged sheet fails while it is read
        raise InputError(f"{path}: not a readable .xlsx workbook ({_one_line(exc)})") from None
    finally:
        book.close()
    if stats is not None:
        stats.formulas += formulas
    if not rows:
        raise InputError(f"{path}: the review sheet is empty")
    header = [_cell(h).lower() for h in rows[0]]
    missing = [c for c in ("keep", "src_text", "tgt_text") if c not in header]
    if missing:
        raise InputError(f"{path}: review sheet lacks the column(s) {', '.join(missing)}")
    data = [[_cell(v) for v in r] + [""] * (len(header) - len(r)) for r in rows[1:]]
    frame = pd.DataFrame([r[: len(header)] for r in data], columns=header, dtype=str)
    frame = frame[[c for c in header if c]]
    return frame, info


def review_units(frame: pd.DataFrame, stats: Optional[ReviewStats] = None) -> list[tuple[str, str, dict[str, str]]]:
    """``(src, tgt, props)`` for the kept rows with both sides non-empty, duplicates merged."""
    stats = stats if stats is not None else ReviewStats()
    kept: list[tuple[str, str, dict[str, str]]] = []
    for _, row in frame.iterrows():
        stats.rows += 1
        if row.get("keep", "").strip().lower() not in YES:
            continue
        stats.kept += 1
        src = " ".join(sanitise(row.get("src_text", ""))[0].split())
        tgt = " ".join(sanitise(row.get("tgt_text", ""))[0].split())
        if not src or not tgt:
            stats.empty_skipped += 1
            continue
        props = {name: row.get(name, "") for name in _PROPS if name in frame.columns}
        props["reviewed"] = "yes"
        kept.append((src, tgt, props))
    units = merge_duplicates(kept, key=lambda unit: unit[:2])
    stats.duplicates_merged += len(kept) - len(units)
    for (_, _, props), count in units:
        if count > 1:
            props["count"] = str(count)
    return [unit for unit, _ in units]


def review_to_tmx(
    review_path: Union[str, os.PathLike],
    output: Union[str, os.PathLike],
    src_lang: Optional[str] = None,
    tgt_lang: Optional[str] = None,
) -> ReviewStats:
    """Write the kept rows of a reviewed sheet to a TMX at ``output`` (atomically).

    Language codes default to those the sheet was written with (its ``info`` sheet), else id/en;
    the model and run signature of the sheet go in the TMX header.
    """
    from .export.tmx import write_units

    check_output(output, [review_path])  # before the (possibly long) read
    stats = ReviewStats()
    frame, info = read_review(review_path, stats)
    options = ExportOptions(src_lang=src_lang or info.get("src_lang") or "id",
                            tgt_lang=tgt_lang or info.get("tgt_lang") or "en",
                            signature=info.get("signature") or None)
    units = review_units(frame, stats)
    target = check_output(output, [review_path])
    with atomic_file(target) as stream:
        stats.written = write_units(stream, units, options, model=info.get("model", ""))
    log.info("%s: %d of %d rows kept, %d written to %s", review_path, stats.kept, stats.rows, stats.written, target)
    return stats


__all__ = ["COLUMNS", "ReviewStats", "read_review", "review_to_tmx", "review_units"]
