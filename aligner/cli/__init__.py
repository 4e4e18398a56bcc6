"""Command line: a thin layer over the library. One module per command, registered here."""
from __future__ import annotations

import typer

from .._version import __version__
from ._common import out
from .align import align
from .batch import batch
from .edit import edit
from .evaluate import evaluate
from .review import review_import
from .srx import srx
from .tmx_check import tmx_check

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Indonesian–English sentence aligner.")


def _version(value: bool) -> None:
    if value:
        out.print(f"aligner {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Align Indonesian and English documents sentence by sentence into translation memories."""


app.command()(align)
app.command()(batch)
app.command()(edit)
app.command()(evaluate)
app.command("review-import")(review_import)
app.command()(srx)
app.command("tmx-check")(tmx_check)


def main() -> None:
    """Console-script entry point. The process is the CLI's own, so NLTK comes without scipy and
    scikit-learn (:mod:`aligner.segment.lean_nltk`: a second less of start-up)."""
    from ..segment.lean_nltk import import_nltk_lean

    import_nltk_lean()
    app()
