"""``aligner evaluate``: strict and lax precision/recall/F1 of predicted beads against gold."""
from __future__ import annotations

from pathlib import Path

import typer

from ._common import DEBUG, out, user_errors


def evaluate(
    gold: Path = typer.Argument(..., help="Gold beads file, or a folder of them."),
    pred: Path = typer.Argument(..., help="Predicted beads file, or a folder with the same layout."),
    debug: bool = DEBUG,
) -> None:
    """Score predicted beads against gold: strict and lax precision/recall/F1 (vecalign's definitions)."""
    with user_errors(debug):
        from ..evaluate import evaluate_paths

        figures = evaluate_paths(gold, pred)
        for key, value in figures.items():
            out.print(f"{key:>16s}  {value:.4f}", highlight=False)
