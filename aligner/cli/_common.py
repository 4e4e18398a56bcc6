"""What every command shares: consoles, one-line errors, logging and progress bars."""
from __future__ import annotations

import contextlib
import logging
from typing import Iterator

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..errors import AlignerError
from ..export.atomic import exit_on_sigterm

err = Console(stderr=True)
out = Console()


@contextlib.contextmanager
def user_errors(debug: bool = False) -> Iterator[None]:
    """Show AlignerError (and anything unexpected) as one line on stderr with a non-zero exit;
    SIGTERM ends the command cleanly (exit 143, temporary files removed, outputs untouched)."""
    try:
        with exit_on_sigterm():
            yield
    except typer.Exit:
        raise
    except AlignerError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:
        err.print("[bold red]interrupted[/]")
        raise typer.Exit(130)
    except Exception as exc:  # noqa: BLE001 - the CLI promises no tracebacks
        if debug:
            raise
        msg = str(exc).splitlines()[0] if str(exc) else ""
        err.print(f"[bold red]error:[/] unexpected {type(exc).__name__}: {escape(msg)} (rerun with --debug for details)",
                  soft_wrap=True, highlight=False)
        raise typer.Exit(2)


def setup_logging(verbose: bool) -> None:
    """Library logs go to stderr through rich; WARNING unless --verbose."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False, show_time=False)],
        force=True,
    )


def progress_bar() -> Progress:
    """A transient rich progress bar on stderr (disabled when stderr is not a terminal)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal,
    )


PRECISION_HELP = (
    "auto, int8, fp32 or bf16. auto: bf16 on CPUs with native bf16, else fp32. int8: the bundled model"
    " quantised on ONNX Runtime (built once into the cache), with its close calls encoded again in fp32:"
    " fp32's beads on our benchmarks, faster on clean text, about as fast on natural or long messy text."
)

ONE_PASS_HELP = (
    "Skip the second pass that re-encodes uncertain multi-sentence stretches as text: faster on messy"
    " documents, a little less accurate on merged or loosely translated sentences."
)


def primary(lang: str) -> str:
    """Primary language: ``id-ID``, ``in`` → ``id``; ``deu`` → ``de`` (LanguageError for a bad code)."""
    from ..lang import primary_language

    return primary_language(lang)


KEEP_HELP = {
    "identical": "Also put pairs whose two sides are the same text in the TMX (kept out by default).",
    "copies": "Also put near-copies in the TMX (same text after normalising case, spaces, punctuation, numbers).",
    "wrong_language": "Also put pairs with a side mostly in the wrong language in the TMX.",
    "boilerplate": "Also put pairs of two boilerplate lines (menus, copyright, bylines) in the TMX.",
}

VERBOSE = typer.Option(False, "-v", "--verbose", help="Log what happens.")
DEBUG = typer.Option(False, "--debug", help="Show tracebacks of unexpected errors.")
"""``-v`` and ``--debug``, declared once for every command."""

KEEP_IDENTICAL = typer.Option(False, "--keep-identical", help=KEEP_HELP["identical"])
KEEP_COPIES = typer.Option(False, "--keep-copies", help=KEEP_HELP["copies"])
KEEP_WRONG_LANGUAGE = typer.Option(False, "--keep-wrong-language", help=KEEP_HELP["wrong_language"])
KEEP_BOILERPLATE = typer.Option(False, "--keep-boilerplate", help=KEEP_HELP["boilerplate"])
"""The TM selection switches, declared once for ``align`` and ``batch``."""


def selection(keep_identical: bool, keep_copies: bool, keep_wrong_language: bool, keep_boilerplate: bool,
              no_formula_guard: bool) -> dict:
    """The :class:`~aligner.export.ExportOptions` keywords of the selection switches and ``--no-formula-guard``."""
    return {"keep_identical": keep_identical, "keep_copies": keep_copies, "keep_wrong_language": keep_wrong_language,
            "keep_boilerplate": keep_boilerplate, "formula_guard": not no_formula_guard}


_EXCLUDED_NAMES = {
    "identical": "identical", "near_copy": "near-copies", "wrong_language": "wrong-language", "boilerplate": "boilerplate",
}


def excluded_summary(counts: dict[str, int]) -> str:
    """``", kept out of the TM: 3 identical, 1 near-copies"`` for the policy reasons with pairs, else ``""``."""
    parts = [f"{counts[k]} {name}" for k, name in _EXCLUDED_NAMES.items() if counts.get(k)]
    return f", kept out of the TM: {', '.join(parts)}" if parts else ""


FORMULA_GUARD_HELP = (
    "Write CSV/TSV texts starting with = + - @ (or a tab/CR) as they are, without the leading ' that"
    " stops spreadsheets running them as formulas (for pandas and other non-spreadsheet readers)."
)

NO_FORMULA_GUARD = typer.Option(False, "--no-formula-guard", help=FORMULA_GUARD_HELP)

MAX_INPUT_HELP = (
    "Refuse an input document longer than this many characters before any work (0: no limit); it also"
    " scales the DOCX (uncompressed size, paragraphs) and PDF (pages) limits."
)
