"""Spreadsheet-safe cells: text that Excel, LibreOffice or Sheets would run as a formula is defused.

CSV/TSV: a field starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP's list),
or with an apostrophe itself (so that the guard can be undone without doubt), gets a leading
apostrophe, which spreadsheets hide and read as "text"; pandas users can turn it off
(``formula_guard=False`` / ``--no-formula-guard``). XLSX cells are typed as strings instead, so the
text is kept exactly; Excel cannot hold more than :data:`EXCEL_CELL_LIMIT` characters in a cell.
"""
from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a cell as a formula (or a DDE command)."""

GUARD = "'"
"""What is put in front of such a field."""

EXCEL_CELL_LIMIT = 32767
"""The most characters an Excel cell holds; longer texts are cut (and reported) by the XLSX writer."""


def needs_guard(text: str) -> bool:
    """True when a spreadsheet would take ``text`` for a formula (or hide its leading apostrophe)."""
    return text.startswith(FORMULA_TRIGGERS) or text.startswith(GUARD)


def guard_formula(text: str) -> str:
    """``text`` with a leading apostrophe when it would start a formula, unchanged otherwise."""
    return GUARD + text if needs_guard(text) else text


def unguard_formula(text: str) -> str:
    """The inverse of :func:`guard_formula` for fields this tool wrote with the guard on."""
    return text[1:] if text.startswith(GUARD) else text


class FormulaGuard:
    """Applies the guard (when ``enabled``) to text fields and counts the fields it changed."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.guarded = 0

    def __call__(self, text: str) -> str:
        if self.enabled and needs_guard(text):
            self.guarded += 1
            return GUARD + text
        return text
