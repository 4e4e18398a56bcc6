"""``aligner edit --from``: a previous alignment of the same texts back to beads.

A CSV/TSV written by ``aligner align`` names its sentences (``src_idx``/``tgt_idx``), and so does
our TMX (``x-aligner-src-idx`` props); another tool's TMX only has texts, found again as runs of
consecutive sentences, in document order; a reviewed XLSX sheet
has both, and its ``keep`` column becomes decisions: yes → confirmed, no → "not a translation"
(the row's sentences are rejected), blank → undecided. A row whose indexes do not match its texts
is looked up by text; rows that cannot be placed (edited texts, crossing or overlapping another
row) are counted and left out, and every sentence no row took is unaligned.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from ..errors import InputError
from ..export.cells import unguard_formula
from .edits import AUTO, CONFIRMED, REJECTED, EditBead, EditState, new_state, singletons

MAX_RUN = 8
"""Most sentences of one side a row's text is looked for as (the aligner's widest bead side)."""
SUFFIXES = (".tmx", ".csv", ".tsv", ".xlsx")


@dataclass(frozen=True)
class Row:
    """One row of a previous alignment: texts, indexes when known, score, decision."""

    src_text: str
    tgt_text: str
    src_idx: Optional[tuple[int, ...]] = None
    tgt_idx: Optional[tuple[int, ...]] = None
    score: Optional[float] = None
    status: str = AUTO


@dataclass
class ImportReport:
    """How many rows were read and placed, and the decisions taken over."""

    rows: int = 0
    placed: int = 0
    not_placed: int = 0
    confirmed: int = 0
    rejected: int = 0

    def summary(self, path: Path) -> str:
        return (f"{path}: {self.placed} of {self.rows} rows placed on the sentences"
                + (f" ({self.not_placed} could not be: texts edited, or crossing another row)" if self.not_placed else "")
                + f", {self.confirmed} confirmed, {self.rejected} not a translation")


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def _indexes(value: str) -> Optional[tuple[int, ...]]:
    try:
        return tuple(int(v) for v in str(value).split())
    except ValueError:
        return None


def _score(value) -> Optional[float]:
    try:
        score = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(score) else score


def read_rows(path: Path) -> list[Row]:
    """The rows of a previous ``.tmx``, ``.csv``/``.tsv`` or review ``.xlsx``; InputError for anything else."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: --from takes a .tmx, .csv, .tsv or .xlsx written by aligner")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if suffix == ".tmx":
        from ..export.tmx_read import read_tmx

        frame = read_tmx(path)
        return [Row(r["src_text"], r["tgt_text"], _indexes(r.get("src_idx", "x")), _indexes(r.get("tgt_idx", "x")),
                    _score(r["score"])) for r in frame.to_dict("records")]
    if suffix == ".xlsx":
        from ..review import NO, YES, read_review

        frame, _ = read_review(path)
        rows = []
        for r in frame.to_dict("records"):
            keep = r.get("keep", "").strip().lower()
            status = CONFIRMED if keep in YES else REJECTED if keep in NO else AUTO
            rows.append(Row(r.get("src_text", ""), r.get("tgt_text", ""), _indexes(r.get("src_idx", "")),
                            _indexes(r.get("tgt_idx", "")), _score(r.get("score")), status))
        return rows
    import pandas as pd

    try:
        frame = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable table ({exc})") from None
    if not {"src_idx", "tgt_idx"} <= set(frame.columns) or len(frame.columns) < 2:
        raise InputError(f"{path}: not a table written by aligner align (no src_idx/tgt_idx columns)")
    src_col, tgt_col = frame.columns[0], frame.columns[1]
    return [Row(unguard_formula(r[src_col]), unguard_formula(r[tgt_col]), _indexes(r["src_idx"]), _indexes(r["tgt_idx"]),
                _score(r.get("score"))) for r in frame.to_dict("records")]


class _Runs:
    """Runs of 1..MAX_RUN consecutive sentences of one side, by their joined text."""

    def __init__(self, sentences: list) -> None:
        self.texts = [_norm(s.text) for s in sentences]
        self.starts: dict[str, list[int]] = defaultdict(list)
        for i in range(len(self.texts)):
            for k in range(1, min(MAX_RUN, len(self.texts) - i) + 1):
                self.starts[" ".join(self.texts[i:i + k])].append(i)

    def text(self, indexes: tuple[int, ...]) -> Optional[str]:
        if any(not 0 <= i < len(self.texts) for i in indexes):
            return None
        return " ".join(self.texts[i] for i in indexes)

    def find(self, text: str, after: int) -> Optional[tuple[int, ...]]:
        """The first run with this text starting at or after ``after``."""
        text = _norm(text)
        if not text:
            return ()
        k = None
        for start in self.starts.get(text, ()):
            if start >= after:
                k = start
                break
        if k is None:
            return None
        n = 1
        while " ".join(self.texts[k:k + n]) != text:
            n += 1
        return tuple(range(k, k + n))


def place(rows: Iterable[Row], src_sentences: list, tgt_sentences: list, report: ImportReport) -> EditState:
    """The beads the rows make over these sentences (in document order); every sentence no row took is unaligned."""
    src_runs, tgt_runs = _Runs(src_sentences), _Runs(tgt_sentences)
    beads: list[EditBead] = []
    taken_src: set[int] = set()
    taken_tgt: set[int] = set()
    next_src = next_tgt = 0
    for row in rows:
        report.rows += 1
        src, tgt = row.src_idx, row.tgt_idx
        by_index = (src is not None and tgt is not None and (src or tgt)
                    and src_runs.text(src) == _norm(row.src_text) and tgt_runs.text(tgt) == _norm(row.tgt_text))
        if not by_index:
            src, tgt = src_runs.find(row.src_text, next_src), tgt_runs.find(row.tgt_text, next_tgt)
        if src is None or tgt is None or not (src or tgt) or taken_src.intersection(src) or taken_tgt.intersection(tgt):
            report.not_placed += 1
            continue
        if src and tgt and (src[0] < next_src or tgt[0] < next_tgt):
            report.not_placed += 1  # would cross a pair placed before
            continue
        report.placed += 1
        taken_src.update(src)
        taken_tgt.update(tgt)
        if row.status == REJECTED:
            report.rejected += 1
            beads += singletons(src, tgt, REJECTED)
        else:
            report.confirmed += row.status == CONFIRMED
            beads.append(EditBead(src, tgt, row.score, row.status))
        if src and tgt:
            next_src, next_tgt = src[-1] + 1, tgt[-1] + 1
    rest = singletons([i for i in range(len(src_sentences)) if i not in taken_src],
                      [j for j in range(len(tgt_sentences)) if j not in taken_tgt])
    return new_state(len(src_sentences), len(tgt_sentences), beads + rest)


def import_previous(path: Path, src_sentences: list, tgt_sentences: list) -> tuple[EditState, ImportReport]:
    """Beads from a previous alignment file of these texts, and what the import did."""
    report = ImportReport()
    state = place(read_rows(path), src_sentences, tgt_sentences, report)
    return state, report
