"""``aligner edit``: review and fix an alignment in the browser (a local server on 127.0.0.1 with a token).

Reading, splitting, model and export options are the align command's own (same names, same help):
their declarations are taken from :func:`aligner.cli.align.align`'s signature, not copied.
"""
from __future__ import annotations

import inspect
import webbrowser
from pathlib import Path
from typing import Optional

import typer

from ._common import err, out, primary, setup_logging, user_errors
from .align import align as _align_command

_SAME = inspect.signature(_align_command).parameters


def _same(name: str):
    """The align command's declaration of option ``name``."""
    return _SAME[name].default


def edit(
    src_file: Path = _same("src_file"),
    tgt_file: Path = _same("tgt_file"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Where exports go (.tmx, .csv or .xlsx; the other formats beside it, same stem); the project file is <stem>.align.json beside it. Default: SRC with .tmx."),
    previous: Optional[Path] = typer.Option(None, "--from", help="Start from a previous alignment of these texts: a .tmx or .csv written by aligner align, or a reviewed .xlsx sheet (keep yes/no become confirmations and rejections)."),
    fresh: bool = typer.Option(False, "--fresh", help="Start afresh even if a project file exists (the old one is kept as .bak)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser; only print the URL."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0: a free one)."),
    src_lang: str = _same("src_lang"),
    tgt_lang: str = _same("tgt_lang"),
    segmented: bool = _same("segmented"),
    model: Optional[str] = _same("model"),
    max_align: int = _same("max_align"),
    one_pass: bool = _same("one_pass"),
    min_score: Optional[float] = _same("min_score"),
    min_band: Optional[str] = _same("min_band"),
    max_seg_chars: Optional[int] = _same("max_seg_chars"),
    device: Optional[str] = _same("device"),
    encoding: Optional[str] = _same("encoding"),
    input_format: Optional[str] = _same("input_format"),
    verbose: bool = _same("verbose"),
    debug: bool = _same("debug"),
    keep_identical: bool = _same("keep_identical"),
    keep_copies: bool = _same("keep_copies"),
    keep_wrong_language: bool = _same("keep_wrong_language"),
    keep_boilerplate: bool = _same("keep_boilerplate"),
    no_formula_guard: bool = _same("no_formula_guard"),
    src_encoding: Optional[str] = _same("src_encoding"),
    tgt_encoding: Optional[str] = _same("tgt_encoding"),
    max_input_chars: int = _same("max_input_chars"),
    precision: Optional[str] = _same("precision"),
    threads: Optional[int] = _same("threads"),
) -> None:
    """Review and fix an alignment in the browser; every edit is saved at once to the project file."""
    setup_logging(verbose)
    with user_errors(debug):
        from ..align.aligner import AlignConfig
        from ..align.refine import RefineConfig
        from ..errors import AlignerError
        from ..export import ExportOptions
        from ..read import read_document
        from ..editor.open import EditorInputs, open_workspace
        from ..editor.server import EditorServer

        output = output if output is not None else src_file.with_suffix(".tmx")
        if output.suffix.lower() not in (".tmx", ".csv", ".xlsx"):
            raise AlignerError(f"{output}: the editor exports .tmx, .csv or .xlsx")
        options = ExportOptions(src_lang=src_lang, tgt_lang=tgt_lang, min_score=min_score, min_band=min_band,
                                max_seg_chars=max_seg_chars, keep_identical=keep_identical, keep_copies=keep_copies,
                                keep_wrong_language=keep_wrong_language, keep_boilerplate=keep_boilerplate,
                                formula_guard=not no_formula_guard)
        inputs = EditorInputs(
            src_path=src_file, tgt_path=tgt_file, output=output,
            src_text=read_document(src_file, input_format, src_encoding or encoding, max_input_chars),
            tgt_text=read_document(tgt_file, input_format, tgt_encoding or encoding, max_input_chars),
            src_lang=primary(src_lang), tgt_lang=primary(tgt_lang), segmented=segmented, previous=previous, fresh=fresh,
            model=model, device=device, precision=precision, threads=threads,
            config=AlignConfig(max_align=max_align, refine=RefineConfig(enabled=not one_pass)),
        )
        workspace, opened = open_workspace(inputs, options)
        err.print(opened, highlight=False, markup=False, soft_wrap=True)
        server = EditorServer(workspace, port=port)
        out.print(f"aligner edit: {server.url}", highlight=False, soft_wrap=True)
        out.print("every edit is saved at once to " + str(workspace.store.path) + "; Ctrl-C stops the server",
                  highlight=False, soft_wrap=True)
        if not no_browser:
            webbrowser.open(server.url)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            err.print("editor stopped; the project is saved", highlight=False)
