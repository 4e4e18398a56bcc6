"""Command line: a thin layer over the library (argument parsing, progress, one-line errors)."""
from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import __version__
from .errors import AlignerError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Indonesian–English sentence aligner.")
err = Console(stderr=True)
out = Console()
log = logging.getLogger("aligner")


@contextlib.contextmanager
def _user_errors(debug: bool = False) -> Iterator[None]:
    """Show AlignerError (and anything unexpected) as one line on stderr with a non-zero exit."""
    try:
        yield
    except typer.Exit:
        raise
    except AlignerError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:
        err.print("[bold red]interrupted[/]")
        raise typer.Exit(130)
    except Exception as exc:  # noqa: BLE001 - the CLI promises no tracebacks
        if debug:
            raise
        msg = str(exc).splitlines()[0] if str(exc) else ""
        err.print(f"[bold red]error:[/] unexpected {type(exc).__name__}: {msg} (rerun with --debug for details)",
                  soft_wrap=True, highlight=False)
        raise typer.Exit(2)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False, show_time=False)],
        force=True,
    )


def _version(value: bool) -> None:
    if value:
        out.print(f"aligner {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Align Indonesian and English documents sentence by sentence into translation memories."""


@app.command()
def align(
    src_file: Path = typer.Argument(..., help="Source (Indonesian) document, UTF-8 text."),
    tgt_file: Path = typer.Argument(..., help="Target (English) document, UTF-8 text."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file: .tmx, .csv, .tsv or .beads."),
    src_lang: str = typer.Option("id", help="Source language (splitting rules; TMX code id → id-ID)."),
    tgt_lang: str = typer.Option("en", help="Target language (splitting rules; TMX code en → en-US)."),
    segmented: bool = typer.Option(False, "--segmented", help="Inputs are one sentence per line: nothing is split."),
    model: Optional[str] = typer.Option(None, help="sentence-transformers model name or folder (default: bundled multilingual-e5-small)."),
    max_align: int = typer.Option(4, min=1, max=8, help="Most sentences on one side of a bead."),
    min_score: Optional[float] = typer.Option(None, min=0.0, max=1.0, help="Pairs scoring below this stay out of the TMX and are marked in CSV."),
    device: Optional[str] = typer.Option(None, help="cpu or cuda (default: cpu)."),
    encoding: Optional[str] = typer.Option(None, help="Input encoding when not UTF-8 (e.g. cp1252)."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Log what happens."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of unexpected errors."),
) -> None:
    """Align two documents and write the result (format from OUTPUT's extension)."""
    _setup_logging(verbose)
    with _user_errors(debug):
        from .api import align_files
        from .export import ExportOptions, supported_suffixes, write_alignment

        if output.suffix.lower() not in supported_suffixes():
            raise AlignerError(f"{output}: unknown output format; use one of {', '.join(supported_suffixes())}")
        options = ExportOptions(src_lang=src_lang, tgt_lang=tgt_lang, min_score=min_score)
        with _progress() as progress:
            task = progress.add_task("encoding sentences", total=None)
            result = align_files(
                src_file, tgt_file, encoding=encoding, src_lang=_primary(src_lang), tgt_lang=_primary(tgt_lang),
                segmented=segmented, model=model, device=device, max_align=max_align,
                progress=lambda k: progress.update(task, advance=k),
            )
        stats = write_alignment(result, output, options)
        if output.suffix.lower() == ".tmx":
            _report_unaligned(result, _primary(src_lang), _primary(tgt_lang))
        mean = result.mean_score()
        out.print(
            f"{output}: {stats.pairs_written} pairs written"
            + (f", {stats.below_min_score} below --min-score" if stats.below_min_score else "")
            + f", unaligned {len(result.unaligned_src)} {_primary(src_lang)} / {len(result.unaligned_tgt)} {_primary(tgt_lang)}"
            + (f", mean score {mean:.3f}" if mean is not None else "")
            + (f", {stats.control_chars_removed} control characters removed" if stats.control_chars_removed else ""),
            highlight=False, soft_wrap=True,
        )


@app.command()
def evaluate(
    gold: Path = typer.Argument(..., help="Gold beads file, or a folder of them."),
    pred: Path = typer.Argument(..., help="Predicted beads file, or a folder with the same layout."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of unexpected errors."),
) -> None:
    """Score predicted beads against gold: strict and lax precision/recall/F1 (vecalign's definitions)."""
    with _user_errors(debug):
        from .evaluate import evaluate_paths

        figures = evaluate_paths(gold, pred)
        for key, value in figures.items():
            out.print(f"{key:>16s}  {value:.4f}", highlight=False)


def _report_unaligned(result, src_code: str, tgt_code: str, limit: int = 8) -> None:
    """List sentences left out of a TMX for having no counterpart (CSV output lists them all)."""
    for code, sentences, indexes in ((src_code, result.src_sentences, result.unaligned_src),
                                     (tgt_code, result.tgt_sentences, result.unaligned_tgt)):
        if not indexes:
            continue
        shown = " | ".join(_clip(sentences[i].text) for i in indexes[:limit])
        more = f" | … {len(indexes) - limit} more (write .csv for all)" if len(indexes) > limit else ""
        err.print(f"unaligned {code} ({len(indexes)}): {shown}{more}", highlight=False, markup=False, soft_wrap=True)


def _clip(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _primary(lang: str) -> str:
    """Primary language subtag: ``id-ID`` → ``id``."""
    return lang.replace("_", "-").split("-")[0].lower()


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal,
    )


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
