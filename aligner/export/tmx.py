"""TMX 1.4b export: one ``<tu>`` per aligned pair, streamed to the output."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, TextIO
from xml.sax.saxutils import escape, quoteattr

from .base import ALIGNED, ExportOptions, ExportStats, Row, format_indexes, format_score, iter_rows, register, sanitise

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


def _header(result: "AlignmentResult", options: ExportOptions) -> str:
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
    if result.model:
        props += _prop("model", result.model, "    ")
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


def _tu_xml(row: Row, number: int, options: ExportOptions) -> str:
    """The XML of one translation unit."""
    tuid = f"{options.doc_id}:{number}" if options.doc_id else str(number)
    bead = row.bead
    parts = [f"    <tu tuid={_attr(tuid)}>\n"]
    parts.append(_prop("score", format_score(bead.score), "      "))
    parts.append(_prop("bead", bead.kind, "      "))
    parts.append(_prop("src-idx", format_indexes(bead.src), "      "))
    parts.append(_prop("tgt-idx", format_indexes(bead.tgt), "      "))
    if options.doc_id:
        parts.append(_prop("doc", options.doc_id, "      "))
    parts.append(f"      <tuv xml:lang={_attr(options.src_lang)}><seg>{_text(row.src_text)}</seg></tuv>\n")
    parts.append(f"      <tuv xml:lang={_attr(options.tgt_lang)}><seg>{_text(row.tgt_text)}</seg></tuv>\n")
    parts.append("    </tu>\n")
    return "".join(parts)


class TmxExporter:
    """TMX 1.4b for OmegaT, Trados, memoQ and Okapi: aligned pairs only.

    1-0/0-1 beads, pairs under ``min_score`` and pairs with an empty side are left out (and
    counted). Props: ``x-aligner-score``, ``x-aligner-bead``, ``x-aligner-src-idx``,
    ``x-aligner-tgt-idx`` (0-based sentence indexes) and ``x-aligner-doc`` with a doc id.
    """

    name = "tmx"
    suffixes: tuple[str, ...] = (".tmx",)

    def write(self, result: "AlignmentResult", stream: TextIO, options: ExportOptions) -> ExportStats:
        """Stream the TMX document for ``result`` to ``stream``."""
        stats = ExportStats(format=self.name)
        stream.write(_header(result, options))
        for row in iter_rows(result, options, stats):
            if row.status != ALIGNED:
                continue
            stats.rows_written += 1
            stream.write(_tu_xml(row, stats.rows_written, options))
        stream.write("  </body>\n</tmx>\n")
        return stats


register(TmxExporter())
