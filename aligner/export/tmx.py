"""TMX 1.4b export: one ``<tu>`` per aligned pair, streamed to the output."""
from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable, TextIO
from xml.sax.saxutils import escape, quoteattr

from ..bands import band
from .base import (
    ALIGNED,
    LONG_SEGMENT,
    ExportOptions,
    ExportStats,
    Row,
    format_indexes,
    format_score,
    Documents,
    corpus_signature,
    iter_rows,
    peek,
    sanitise,
)
from .duplicates import merge_duplicates
from .selection import IDENTICAL, is_identical

if TYPE_CHECKING:  # pragma: no cover
    from ..result import AlignmentResult

logger = logging.getLogger(__name__)

#: Prefix of every prop type we write; OmegaT's reserved types (x-context, x-prev, x-next,
#: x-note, ...) are never used.
PROP_PREFIX = "x-aligner-"
ADMIN_LANG = "en-US"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"

# A literal CR in element content would come back as LF from any XML parser.
_TEXT_ENTITIES = {"\r": "&#13;"}


def _text(value: str) -> str:
    return escape(value, _TEXT_ENTITIES)


def _attr(value: object) -> str:
    return quoteattr(sanitise(str(value))[0])


def _prop(kind: str, value: str, indent: str) -> str:
    return f"{indent}<prop type={_attr(PROP_PREFIX + kind)}>{_text(sanitise(value)[0])}</prop>\n"


def tmx_date(when: datetime | None = None) -> str:
    """TMX date ``YYYYMMDDThhmmssZ`` in UTC (now when ``when`` is None; naive means UTC)."""
    when = when or datetime.now(timezone.utc)
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime(DATE_FORMAT)


def _header(model: str, options: ExportOptions) -> str:
    """The XML declaration, ``<header>`` (with model, signature and doc props when known) and ``<body>``."""
    attrs = {
        "creationtool": options.tool_name,
        "creationtoolversion": options.tool_version,
        "segtype": "sentence",
        "o-tmf": "aligner",
        "adminlang": ADMIN_LANG,
        "srclang": options.src_lang,
        "datatype": "plaintext",
        "creationdate": tmx_date(options.creation_date),
    }
    attr_text = " ".join(f"{k}={_attr(v)}" for k, v in attrs.items())
    props = ""
    if model:
        props += _prop("model", model, "    ")
    if options.signature:
        props += _prop("signature", options.signature, "    ")
    if options.doc_id:
        props += _prop("doc", options.doc_id, "    ")
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        '<tmx version="1.4">\n'
    )
    if props:
        return f"{head}  <header {attr_text}>\n{props}  </header>\n  <body>\n"
    return f"{head}  <header {attr_text}/>\n  <body>\n"


def _tu_xml(row: Row, number: int, options: ExportOptions, result: "AlignmentResult | None" = None,
            count: int = 1) -> str:
    """The XML of the translation unit of one aligned row (``count`` > 1: merged duplicates)."""
    tuid = f"{options.doc_id}:{number}" if options.doc_id else str(number)
    return unit_xml(row.src_text, row.tgt_text, _props(row, options, result, count), tuid, options)


def unit_xml(src_text: str, tgt_text: str, props: dict[str, str], tuid: str, options: ExportOptions) -> str:
    """The XML of one translation unit; ``props`` keys get the ``x-aligner-`` prefix."""
    parts = [f"    <tu tuid={_attr(tuid)}>\n"]
    parts += [_prop(kind, value, "      ") for kind, value in props.items() if value != ""]
    parts.append(f"      <tuv xml:lang={_attr(options.src_lang)}><seg>{_text(sanitise(src_text)[0])}</seg></tuv>\n")
    parts.append(f"      <tuv xml:lang={_attr(options.tgt_lang)}><seg>{_text(sanitise(tgt_text)[0])}</seg></tuv>\n")
    parts.append("    </tu>\n")
    return "".join(parts)


def pair_flags(result: "AlignmentResult", row: Row) -> str:
    """Sentence flags of both sides plus ``long-segment``/``identical``, comma-separated."""
    flags: set[str] = set()
    for i in row.bead.src:
        flags |= set(result.src_sentences[i].flags)
    for j in row.bead.tgt:
        flags |= set(result.tgt_sentences[j].flags)
    if max(len(row.src_text), len(row.tgt_text)) > LONG_SEGMENT:
        flags.add("long-segment")
    if is_identical(row.src_text, row.tgt_text):
        flags.add(IDENTICAL)
    return ",".join(sorted(flags))


def _props(row: Row, options: ExportOptions, result: "AlignmentResult | None" = None, count: int = 1) -> dict[str, str]:
    bead = row.bead
    props = {
        "score": format_score(bead.score),
        "band": band(bead.score),
        "bead": bead.kind,
        "src-idx": format_indexes(bead.src),
        "tgt-idx": format_indexes(bead.tgt),
        "flags": pair_flags(result, row) if result is not None else "",
    }
    if options.doc_id:
        props["doc"] = options.doc_id
    if count > 1:
        props["count"] = str(count)
    return props


def write_units(stream: TextIO, units: Iterable[tuple[str, str, dict[str, str]]], options: ExportOptions,
                model: str = "") -> int:
    """Write a whole TMX of ``(src_text, tgt_text, props)`` units; returns how many were written."""
    stream.write(_header(model, options))
    count = 0
    for count, (src, tgt, props) in enumerate(units, start=1):
        tuid = f"{options.doc_id}:{count}" if options.doc_id else str(count)
        stream.write(unit_xml(src, tgt, props, tuid, options))
    stream.write("  </body>\n</tmx>\n")
    return count


class TmxExporter:
    """TMX 1.4b for OmegaT, Trados, memoQ and Okapi: aligned pairs only.

    1-0/0-1 beads, pairs with an empty side and every pair :mod:`aligner.export.selection` keeps
    out (identical, near-copies, wrong language, boilerplate, under ``min_score``/``min_band``,
    over ``max_seg_chars``) are left out and counted. A TMX with no unit is still a valid TMX. Props:
    ``x-aligner-score``, ``x-aligner-band`` (``aligner.bands``), ``x-aligner-bead``,
    ``x-aligner-src-idx``, ``x-aligner-tgt-idx`` (0-based sentence indexes), ``x-aligner-flags``
    (sentence flags, ``long-segment``, ``identical``; only when any), ``x-aligner-doc`` with a doc
    id, and ``x-aligner-count`` when identical pairs were merged into one ``<tu>``. The header
    names the model and the run signature (``x-aligner-signature``).
    """

    name = "tmx"
    suffixes: tuple[str, ...] = (".tmx",)
    binary = False

    def write(self, result: "AlignmentResult", stream: TextIO, options: ExportOptions) -> ExportStats:
        """Stream the TMX document for ``result`` to ``stream``."""
        stats = ExportStats(format=self.name)
        stream.write(_header(result.model, options))
        self._write_units(result, stream, options, stats)
        stream.write("  </body>\n</tmx>\n")
        return stats

    def write_corpus(self, documents: Documents, stream: TextIO, options: ExportOptions) -> ExportStats:
        """Stream many documents into one TMX: each ``(result, doc_id)`` adds its ``<tu>``\\ s with
        ``tuid`` ``doc_id:n`` and an ``x-aligner-doc`` prop, as a single-document export with
        ``doc_id`` would. The header names the first document's model (and signature, unless
        ``options`` has one); the documents are consumed one at a time."""
        stats = ExportStats(format=self.name)
        first, documents = peek(documents)
        header_options = dataclasses.replace(options, doc_id=None, signature=corpus_signature(first, options))
        stream.write(_header(first.model if first is not None else "", header_options))
        for result, doc_id in documents:
            self._write_units(result, stream, dataclasses.replace(options, doc_id=doc_id), stats)
        stream.write("  </body>\n</tmx>\n")
        return stats

    @staticmethod
    def _write_units(result: "AlignmentResult", stream: TextIO, options: ExportOptions, stats: ExportStats) -> None:
        """The ``<tu>``\\ s of one document, duplicates merged within it, numbered from 1."""
        units = _units(result, options, stats)
        for number, (row, count) in enumerate(units, start=1):
            stream.write(_tu_xml(row, number, options, result, count))
        stats.rows_written += len(units)


TMX = TmxExporter()


def _units(result: "AlignmentResult", options: ExportOptions, stats: ExportStats) -> list[tuple[Row, int]]:
    """The aligned rows that become ``<tu>``s, in document order, with duplicate pairs merged and counted."""
    aligned = [row for row in iter_rows(result, options, stats) if row.status == ALIGNED]
    units = merge_duplicates(aligned, key=lambda row: (row.src_text, row.tgt_text), merge=options.merge_duplicates)
    merged = len(aligned) - len(units)
    stats.duplicates_merged += merged
    stats.pairs_written -= merged  # the <tu>s the file holds, as documented
    return units
