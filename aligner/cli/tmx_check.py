"""``aligner tmx-check``: validate a TMX before a CAT tool rejects it."""
from __future__ import annotations

from pathlib import Path

import typer

from ._common import DEBUG, out, user_errors


def tmx_check(
    tmx: Path = typer.Argument(..., help="TMX file to check."),
    debug: bool = DEBUG,
) -> None:
    """Check structure, language codes and segments; list the problems (exit 1 when any)."""
    with user_errors(debug):
        from ..export.tmx_check import check_tmx

        problems = check_tmx(tmx)
        for line in problems:
            out.print(f"{tmx}: {line}", highlight=False, markup=False, soft_wrap=True)
        if problems:
            raise typer.Exit(1)
        out.print(f"{tmx}: ok", highlight=False)
