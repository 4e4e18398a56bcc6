"""``aligner review-import``: a reviewed .xlsx sheet back to a TMX."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import AlignerError
from ._common import DEBUG, VERBOSE, out, setup_logging, user_errors


def review_import(
    review: Path = typer.Argument(..., help="Review sheet (.xlsx) written by 'aligner align -o X.xlsx' or --min-band."),
    output: Path = typer.Option(..., "-o", "--output", help="TMX to write."),
    src_lang: Optional[str] = typer.Option(None, help="Source language code (default: the sheet's)."),
    tgt_lang: Optional[str] = typer.Option(None, help="Target language code (default: the sheet's)."),
    verbose: bool = VERBOSE,
    debug: bool = DEBUG,
) -> None:
    """Turn the rows marked keep = yes (both texts non-empty) into a TMX."""
    setup_logging(verbose)
    with user_errors(debug):
        from ..review import review_to_tmx

        if output.suffix.lower() != ".tmx":
            raise AlignerError(f"{output}: the output must be a .tmx file")
        stats = review_to_tmx(review, output, src_lang=src_lang, tgt_lang=tgt_lang)
        out.print(
            f"{output}: {stats.written} pairs written from {stats.kept} kept of {stats.rows} rows"
            + (f", {stats.empty_skipped} kept rows with an empty side skipped" if stats.empty_skipped else "")
            + (f", {stats.duplicates_merged} duplicates merged" if stats.duplicates_merged else "")
            + (f", {stats.formulas} formula cells read as text" if stats.formulas else ""),
            highlight=False, soft_wrap=True,
        )
