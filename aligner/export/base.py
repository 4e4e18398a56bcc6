"""Exporter interface, shared helpers and the atomic ``write_alignment`` entry point.

Each output format lives in its own module (``tmx``, ``delimited``, ``beads``, ``xlsx``, ``parquet``)
and is listed under its file suffixes in :mod:`aligner.export.registry`; :func:`write_alignment` picks
one by the output path's extension and writes atomically (temporary file in the same folder, fsync,
``os.replace``).
"""
from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Iterable, Iterator, Optional, Protocol, Union

from .._version import __version__
from ..errors import ExportError
from .atomic import atomic_file
from ..lang import LanguageError, tmx_tag
from .selection import (
    ALIGNED,
    BELOW_MIN_BAND,
    BELOW_MIN_SCORE,
    BOILERPLATE_STATUS,
    EXCLUDED_STATUSES,
    IDENTICAL,
    NEAR_COPY,
    POLICY_STATUSES,
    TOO_LONG,
    WRONG_LANGUAGE_STATUS,
    exclusion,
)
from .outpath import check_output

if TYPE_CHECKING:  # pragma: no cover
    from ..align.base import Bead
    from ..result import AlignmentResult

logger = logging.getLogger(__name__)

#: Row status values (CSV ``status`` column); why a pair stays out of the TMX is decided in ``selection``.
UNALIGNED = "unaligned"

#: Segments longer than this (characters, per side) are flagged ``long-segment``.
LONG_SEGMENT = 2000

# Characters XML 1.0 cannot carry (Char production): C0 controls other than TAB/LF/CR,
# lone surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class ExportOptions:
    """What to write besides the alignment itself.

    Language codes are normalised with :func:`aligner.lang.tmx_tag` (``"id"`` → ``"id-ID"``,
    ``"en"`` → ``"en-US"``). ``min_score``: pairs scoring below it are left out of the TMX and
    marked ``below_min_score`` in CSV/TSV. ``doc_id``: optional document id, added to TMX
    ``tuid``\\ s and as an ``x-aligner-doc`` prop. ``creation_date``: TMX header date (UTC now when
    None; a naive datetime is taken as UTC).
    """

    src_lang: str = "id-ID"
    tgt_lang: str = "en-US"
    min_score: Optional[float] = None
    tool_name: str = "aligner"
    tool_version: str = __version__
    doc_id: Optional[str] = None
    creation_date: Optional[datetime] = None
    min_band: Optional[str] = None
    """``good``/``check``/``bad``: pairs in a worse band (see ``aligner.bands``) stay out of the TMX."""
    max_seg_chars: Optional[int] = None
    """Pairs with a side longer than this many characters stay out of the TMX."""
    merge_duplicates: bool = True
    """TMX: identical pairs become one ``<tu>`` with an ``x-aligner-count`` prop."""
    keep_identical: bool = False
    """Pairs whose two sides are the same text go in the TMX too (status ``identical`` otherwise)."""
    keep_copies: bool = False
    """Near-copies (same text after normalising case, spaces, punctuation, numbers) go in the TMX too."""
    keep_wrong_language: bool = False
    """Pairs with a side mostly in the wrong language go in the TMX too."""
    keep_boilerplate: bool = False
    """Pairs whose two sides are both boilerplate (menus, copyright lines) go in the TMX too."""
    formula_guard: bool = True
    """CSV/TSV: put ``'`` before a text starting with ``= + - @``, tab or CR (see ``aligner.export.cells``)."""
    signature: Optional[str] = None
    """The run signature (:mod:`aligner.signature`) for the TMX header and XLSX info sheet; None: the
    result's own (``result.meta["signature"]``, set by :func:`aligner.align`), if any."""

    def __post_init__(self) -> None:
        if self.min_band is not None:
            from ..bands import band_rank

            try:
                band_rank(self.min_band)
            except ValueError as exc:
                raise ExportError(str(exc)) from None
        try:
            self.src_lang, self.tgt_lang = tmx_tag(self.src_lang), tmx_tag(self.tgt_lang)
        except LanguageError as exc:
            raise ExportError(str(exc)) from None
        if self.min_score is not None:
            try:
                value = float(self.min_score)
            except (TypeError, ValueError):
                raise ExportError(f"min score must be a number, got {self.min_score!r}") from None
            if math.isnan(value):
                raise ExportError("min score must be a number, got NaN")
            self.min_score = value
        if self.doc_id is not None:
            self.doc_id = str(self.doc_id)


@dataclass
class ExportStats:
    """What an export wrote and what it left out.

    ``pairs_written``: beads with both sides present, non-empty and at or above ``min_score``
    (the ``<tu>``\\ s of a TMX; rows with status ``aligned`` in CSV). ``below_min_score``: pairs
    under ``min_score``. ``unaligned_src``/``unaligned_tgt``: sentences in 1-0/0-1 beads.
    ``empty_skipped``: pairs with a side that is empty (after sanitising), never written as a
    ``<tu>``. ``control_chars_removed``: XML-illegal characters dropped from texts.
    ``rows_written``: records in the file (``<tu>``\\ s, CSV data rows, bead lines).
    ``identical``/``near_copy``/``wrong_language``/``boilerplate``: pairs the TM selection policy
    (:mod:`aligner.export.selection`) kept out, one counter per status.
    """

    def excluded(self) -> dict[str, int]:
        """Pairs kept out of the TMX by each reason (status → count), reasons with none left out."""
        counts = {status: getattr(self, status) for status in EXCLUDED_STATUSES}
        return {status: n for status, n in counts.items() if n}

    pairs_written: int = 0
    below_min_score: int = 0
    unaligned_src: int = 0
    unaligned_tgt: int = 0
    control_chars_removed: int = 0
    empty_skipped: int = 0
    rows_written: int = 0
    below_min_band: int = 0
    too_long: int = 0
    duplicates_merged: int = 0
    identical: int = 0
    near_copy: int = 0
    wrong_language: int = 0
    boilerplate: int = 0
    formulas_guarded: int = 0
    """CSV/TSV fields given a leading ``'`` so that spreadsheets do not run them as formulas."""
    cells_truncated: int = 0
    """XLSX cells cut to Excel's limit of 32,767 characters (their rows are set to keep = no)."""
    path: Optional[Path] = None
    format: str = ""


Documents = Iterable[tuple["AlignmentResult", str]]
"""A stream of ``(result, doc_id)``: the documents of a corpus, consumed one at a time."""


def peek(documents: Documents) -> tuple[Optional["AlignmentResult"], Documents]:
    """The first document's result (None for no document) and all the documents, none consumed."""
    docs = iter(documents)
    first = next(docs, None)
    return (None, iter(())) if first is None else (first[0], itertools.chain([first], docs))


def corpus_signature(first: Optional["AlignmentResult"], options: ExportOptions) -> Optional[str]:
    """The run signature of a corpus: ``options``' own, else the first document's (parts share their settings)."""
    return options.signature or (first.meta.get("signature") if first is not None else None) or None


class Exporter(Protocol):
    """One output format: writes an alignment to an open stream (text, or binary when ``binary``)."""

    name: str
    suffixes: tuple[str, ...]
    binary: bool

    def write(self, result: "AlignmentResult", stream: IO, options: ExportOptions) -> ExportStats:
        """Write ``result`` to ``stream`` (text streams opened with ``newline=""``) and return what was written."""
        ...


class CorpusExporter(Exporter, Protocol):
    """An exporter that also writes a stream of documents into one file, each unit with its ``doc_id``."""

    def write_corpus(self, documents: Documents, stream: IO, options: ExportOptions) -> ExportStats:
        """Write every document of ``documents`` to ``stream``, in order."""
        ...


def supported_suffixes() -> list[str]:
    """Sorted list of the file extensions an alignment can be written to."""
    from .registry import EXPORTERS

    return EXPORTERS.names()


def exporter_for(path: Union[str, os.PathLike]) -> Exporter:
    """The exporter for ``path``'s extension (case-insensitive); ExportError when unknown."""
    from .registry import EXPORTERS

    suffix = Path(path).suffix.lower()
    if suffix not in EXPORTERS:
        shown = suffix or "no extension"
        raise ExportError(
            f"cannot write {os.fspath(path)}: unsupported output format ({shown}); "
            f"use one of {', '.join(supported_suffixes())}"
        )
    return EXPORTERS.get(suffix)


def sanitise(text: str) -> tuple[str, int]:
    """Remove characters XML 1.0 cannot carry; return the clean text and how many were removed."""
    return _XML_ILLEGAL.subn("", text)


@dataclass
class Row:
    """One bead ready to write: texts (sanitised, sentences joined by one space) and status."""

    bead: "Bead"
    src_text: str
    tgt_text: str
    status: str
    removed: int = 0


def _side_text(sentences: list, indexes: tuple[int, ...], side: str, clean: bool) -> tuple[str, int]:
    parts: list[str] = []
    removed = 0
    for i in indexes:
        if not 0 <= i < len(sentences):
            raise ExportError(
                f"alignment refers to {side} sentence {i} but there are only {len(sentences)}"
            )
        text = sentences[i].text
        if clean:
            text, n = sanitise(text)
            removed += n
        if text:
            parts.append(text)
    return " ".join(parts), removed


def iter_rows(
    result: "AlignmentResult", options: ExportOptions, stats: ExportStats, texts: bool = True
) -> Iterator[Row]:
    """Yield one :class:`Row` per bead in document order, updating the counters of ``stats``.

    Status: ``unaligned`` for 1-0/0-1 beads and for pairs with a side empty after sanitising
    (counted in ``empty_skipped``), else what :func:`aligner.export.selection.exclusion` says
    (``aligned`` or the reason the pair stays out of the TMX, counted under that name). With ``texts=False`` no text is built (only indexes are checked).
    """
    for bead in result.beads:
        src, n_src = _side_text(result.src_sentences, bead.src, "source", texts)
        tgt, n_tgt = _side_text(result.tgt_sentences, bead.tgt, "target", texts)
        removed = n_src + n_tgt
        stats.control_chars_removed += removed
        if not bead.is_pair:
            stats.unaligned_src += len(bead.src)
            stats.unaligned_tgt += len(bead.tgt)
            status = UNALIGNED
        elif texts and (not src.strip() or not tgt.strip()):
            stats.empty_skipped += 1
            status = UNALIGNED
        else:
            status = exclusion([result.src_sentences[i] for i in bead.src], [result.tgt_sentences[j] for j in bead.tgt],
                               src, tgt, bead.score, options)
            if status == ALIGNED:
                stats.pairs_written += 1
            else:
                setattr(stats, status, getattr(stats, status) + 1)
        yield Row(bead=bead, src_text=src, tgt_text=tgt, status=status, removed=removed)


def format_score(score: float) -> str:
    """Score with three decimals, as written in every format."""
    return f"{score:.3f}"


def format_indexes(indexes: tuple[int, ...]) -> str:
    """Sentence indexes separated by single spaces (empty string for an empty side)."""
    return " ".join(str(i) for i in indexes)


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def write_alignment(
    result: "AlignmentResult",
    path: Union[str, os.PathLike],
    options: Optional[ExportOptions] = None,
) -> ExportStats:
    """Write ``result`` to ``path`` in the format its extension names (``.tmx``, ``.csv``,
    ``.tsv``, ``.beads``; case-insensitive).

    The file is replaced atomically: nothing is left at ``path`` (nor any temporary file) when
    writing fails, and an existing file stays as it was. A missing or unwritable output folder, or
    anything but a regular file at ``path`` (a symlink, device, pipe), raises :class:`ExportError`
    (folders are never created). Without ``options`` the language
    codes come from ``result.src_lang``/``result.tgt_lang``.
    """
    target = Path(path).expanduser()
    exporter = exporter_for(target)
    if options is None:
        options = ExportOptions(src_lang=result.src_lang or "id", tgt_lang=result.tgt_lang or "en")
    if options.signature is None and result.meta.get("signature"):
        options = dataclasses.replace(options, signature=str(result.meta["signature"]))
    check_output(target)
    try:
        with atomic_file(target, binary=exporter.binary) as stream:
            stats = exporter.write(result, stream, options)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {_reason(exc)}") from exc

    stats.path = target
    stats.format = stats.format or exporter.name
    logger.info(
        "wrote %s (%s): %d rows, %d aligned pairs, %d below min score, "
        "%d/%d unaligned source/target sentences",
        target,
        stats.format,
        stats.rows_written,
        stats.pairs_written,
        stats.below_min_score,
        stats.unaligned_src,
        stats.unaligned_tgt,
    )
    if stats.control_chars_removed:
        logger.warning(
            "%s: removed %d control/illegal characters from sentence texts",
            target,
            stats.control_chars_removed,
        )
    if stats.empty_skipped:
        logger.warning("%s: %d pairs had an empty side and were not written as aligned", target, stats.empty_skipped)
    return stats
