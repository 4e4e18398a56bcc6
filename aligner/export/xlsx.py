"""Excel review sheet (``.xlsx``): one row per bead, coloured by confidence band, with a ``keep`` column.

Sheet ``review`` has the columns :data:`COLUMNS`; reviewers edit texts, delete or merge rows and
set ``keep`` to ``yes``/``no``; ``aligner review-import`` (:mod:`aligner.review`) turns the sheet
back into a TMX. Sheet ``info`` holds the language codes, document id and model. Every text cell
is typed as a string, so a sentence such as ``=HYPERLINK(...)`` stays text, never a formula.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from ..bands import band
from .cells import EXCEL_CELL_LIMIT
from .base import ALIGNED, LONG_SEGMENT, POLICY_STATUSES, ExportOptions, ExportStats, format_indexes, iter_rows
from .tmx import pair_flags

if TYPE_CHECKING:  # pragma: no cover
    from ..result import AlignmentResult

#: Columns of the ``review`` sheet, in order.
COLUMNS = ("keep", "band", "score", "bead", "src_text", "tgt_text", "doc", "flags", "status", "src_idx", "tgt_idx")
#: Cell fills (ARGB hex) of the ``band`` column and of the row's score cell.
FILLS = {"good": "FFC6EFCE", "check": "FFFFEB9C", "bad": "FFFFC7CE", "unaligned": "FFD9D9D9"}
WIDTHS = {"keep": 7, "band": 10, "score": 7, "bead": 6, "src_text": 60, "tgt_text": 60, "doc": 14, "flags": 22,
          "status": 15, "src_idx": 9, "tgt_idx": 9}
REVIEW_SHEET = "review"
TRUNCATED_FLAG = "cut-for-excel"
"""Flag of a row whose text was cut to Excel's cell limit (kept out of the TMX unless set back to yes)."""
INFO_SHEET = "info"


def default_keep(status: str, band_name: str, flags: str) -> str:
    """``yes`` for a good pair that would go in the TMX, blank for pairs worth a look, ``no`` otherwise
    (unaligned sentences, bad pairs, and pairs the selection policy keeps out: identical, copies, ...)."""
    if status == "unaligned" or status in POLICY_STATUSES:
        return "no"
    if band_name == "bad":
        return "no"
    if band_name == "good" and status == ALIGNED and not {"identical", "long-segment"} & set(flags.split(",")):
        return "yes"
    return ""


def as_text(cells) -> None:
    """Type every string cell of a row as text: openpyxl would store ``=...`` as a live formula."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"


class XlsxExporter:
    """The review workbook (openpyxl): every bead, unaligned sentences included."""

    name = "xlsx"
    suffixes: tuple[str, ...] = (".xlsx",)
    binary = True

    def write(self, result: "AlignmentResult", stream: BinaryIO, options: ExportOptions) -> ExportStats:
        """Write the workbook for ``result`` to the binary ``stream``."""
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        stats = ExportStats(format=self.name)
        book = Workbook()
        sheet = book.active
        sheet.title = REVIEW_SHEET
        sheet.append(list(COLUMNS))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        wrap = Alignment(wrap_text=True, vertical="top")
        col = {name: k + 1 for k, name in enumerate(COLUMNS)}
        for row in iter_rows(result, options, stats):
            bead = row.bead
            band_name = band(bead.score) if bead.is_pair else "unaligned"
            flags = pair_flags(result, row)
            keep_value = default_keep(row.status, band_name, flags)
            texts = {}
            for name, text in (("src_text", row.src_text), ("tgt_text", row.tgt_text)):
                if len(text) > EXCEL_CELL_LIMIT:
                    stats.cells_truncated += 1
                    text, keep_value = text[:EXCEL_CELL_LIMIT], "no"
                    flags = ",".join(f for f in (flags, TRUNCATED_FLAG) if f)
                texts[name] = text
            values = {
                "keep": keep_value,
                "band": band_name,
                "score": round(float(bead.score), 3),
                "bead": bead.kind,
                "src_text": texts["src_text"],
                "tgt_text": texts["tgt_text"],
                "doc": options.doc_id or "",
                "flags": flags,
                "status": row.status,
                "src_idx": format_indexes(bead.src),
                "tgt_idx": format_indexes(bead.tgt),
            }
            sheet.append([values[c] for c in COLUMNS])
            r = sheet.max_row
            as_text(sheet[r])
            fill = PatternFill("solid", start_color=FILLS[band_name], end_color=FILLS[band_name])
            sheet.cell(r, col["band"]).fill = fill
            sheet.cell(r, col["keep"]).fill = fill
            for name in ("src_text", "tgt_text"):
                sheet.cell(r, col[name]).alignment = wrap
            stats.rows_written += 1
        for name, width in WIDTHS.items():
            sheet.column_dimensions[get_column_letter(col[name])].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        keep = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
        keep.add(f"A2:A{max(sheet.max_row, 2) + 1000}")
        sheet.add_data_validation(keep)
        info = book.create_sheet(INFO_SHEET)
        for key, value in (("src_lang", options.src_lang), ("tgt_lang", options.tgt_lang),
                           ("doc", options.doc_id or ""), ("model", result.model or ""),
                           ("tool", f"{options.tool_name} {options.tool_version}"),
                           ("signature", options.signature or ""),
                           ("long_segment_chars", str(LONG_SEGMENT))):
            info.append([key, value])
            as_text(info[info.max_row])
        book.save(stream)
        return stats


XLSX = XlsxExporter()
