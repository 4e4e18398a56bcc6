"""``aligner align``: two documents in, a translation memory out."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

import typer

from ..errors import AlignerError
from ..read.limits import DEFAULT_MAX_CHARS
from ._common import (
    DEBUG, VERBOSE, KEEP_BOILERPLATE, KEEP_COPIES, KEEP_IDENTICAL, KEEP_WRONG_LANGUAGE, MAX_INPUT_HELP, NO_FORMULA_GUARD, ONE_PASS_HELP, PRECISION_HELP, err, excluded_summary, out, primary, progress_bar,
    selection, setup_logging, user_errors,
)


def align(
    src_file: Path = typer.Argument(..., help="Source (Indonesian) document: text (UTF-8), .md, .html, .docx or .pdf."),
    tgt_file: Path = typer.Argument(..., help="Target (English) document: text (UTF-8), .md, .html, .docx or .pdf."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file: .tmx, .csv, .tsv, .xlsx, .parquet or .beads."),
    src_lang: str = typer.Option("id", help="Source language, any code (id, in, de, fr_CH): splitting rules, flags, TMX code (id → id-ID)."),
    tgt_lang: str = typer.Option("en", help="Target language, any code (en, en-GB, fr): splitting rules, flags, TMX code (en → en-US)."),
    segmented: bool = typer.Option(False, "--segmented", help="Inputs are one sentence per line: nothing is split."),
    model: Optional[str] = typer.Option(None, help="sentence-transformers model name or folder (default: bundled multilingual-e5-small)."),
    max_align: int = typer.Option(5, min=1, max=8, help="Most sentences on one side of a bead."),
    one_pass: bool = typer.Option(False, "--one-pass", help=ONE_PASS_HELP),
    min_score: Optional[float] = typer.Option(None, min=0.0, max=1.0, help="Pairs scoring below this stay out of the TMX and are marked in CSV."),
    min_band: Optional[str] = typer.Option(None, help="good or check: only pairs in this band or better go in the output; with a .tmx output every bead also goes to a review sheet (<output stem>.review.xlsx unless --review)."),
    review: Optional[Path] = typer.Option(None, help="Also write the review sheet (.xlsx: every bead, keep column) here."),
    max_seg_chars: Optional[int] = typer.Option(None, min=1, help="Pairs with a side longer than this many characters stay out of the TMX (over 2000 they are flagged long-segment)."),
    device: Optional[str] = typer.Option(None, help="cpu or cuda (default: cpu)."),
    encoding: Optional[str] = typer.Option(None, help="Input encoding when not UTF-8 (e.g. cp1252)."),
    input_format: Optional[str] = typer.Option(None, "--input-format", help="text, markdown, html, docx or pdf (default: from each file's extension; others are text)."),
    verbose: bool = VERBOSE,
    debug: bool = DEBUG,
    keep_identical: bool = KEEP_IDENTICAL,
    keep_copies: bool = KEEP_COPIES,
    keep_wrong_language: bool = KEEP_WRONG_LANGUAGE,
    keep_boilerplate: bool = KEEP_BOILERPLATE,
    no_formula_guard: bool = NO_FORMULA_GUARD,
    src_encoding: Optional[str] = typer.Option(None, "--src-encoding", help="Encoding of the source file only (overrides --encoding)."),
    tgt_encoding: Optional[str] = typer.Option(None, "--tgt-encoding", help="Encoding of the target file only (overrides --encoding)."),
    max_input_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-input-chars", min=0, help=MAX_INPUT_HELP),
    precision: Optional[str] = typer.Option(None, help=PRECISION_HELP),
    threads: Optional[int] = typer.Option(None, min=1, help="Encoder threads (default: the cores this process may use, honouring cgroup limits and OMP_NUM_THREADS)."),
    anchors: Optional[Path] = typer.Option(None, "--anchors", help="Beads to keep unchanged (.beads lines such as [0, 1]:[0], 0-based; a score suffix is ignored): the text between them aligns on its own."),
) -> None:
    """Align two documents and write the result (format from OUTPUT's extension)."""
    setup_logging(verbose)
    with user_errors(debug):
        from ..align.aligner import AlignConfig
        from ..align.refine import RefineConfig
        from ..api import align_files
        from .. import api
        from ..export import ExportOptions, supported_suffixes, write_alignment
        from ..export.outpath import check_outputs

        if output.suffix.lower() not in supported_suffixes():
            raise AlignerError(f"{output}: unknown output format; use one of {', '.join(supported_suffixes())}")
        options = ExportOptions(src_lang=src_lang, tgt_lang=tgt_lang, min_score=min_score, min_band=min_band,
                                max_seg_chars=max_seg_chars,
                                **selection(keep_identical, keep_copies, keep_wrong_language, keep_boilerplate,
                                            no_formula_guard))
        review_path = review_output(output, min_band, review)
        pinned = read_anchors(anchors) if anchors is not None else []
        check_outputs([output] + ([review_path] if review_path else []), [src_file, tgt_file])
        from .. import api
        from .ticker import AlignProgress, Ticker, TrackedEmbedder

        steps = AlignProgress()
        embedder = TrackedEmbedder(
            lambda: api.load_embedder(model, device=device, precision=precision, num_threads=threads), steps, precision)
        with progress_bar() as progress, Ticker(steps.status):
            task = progress.add_task("encoding sentences", total=None)
            result = align_files(
                src_file, tgt_file, encoding=encoding, src_encoding=src_encoding, tgt_encoding=tgt_encoding,
                max_input_chars=max_input_chars, input_format=input_format, src_lang=primary(src_lang), tgt_lang=primary(tgt_lang),
                segmented=segmented, model=embedder, device=device, max_align=max_align,
                config=AlignConfig(refine=RefineConfig(enabled=not one_pass)),
                progress=lambda k: progress.update(task, advance=k), anchors=pinned,
            )
        stats = write_alignment(result, output, options)
        if review_path is not None:
            review_stats = write_alignment(result, review_path, dataclasses.replace(options, min_band=None))
            cut = f", {review_stats.cells_truncated} texts cut to Excel's 32767 characters" if review_stats.cells_truncated else ""
            err.print(f"review sheet: {review_path} ({review_stats.rows_written} rows{cut})", highlight=False, soft_wrap=True)
        if output.suffix.lower() == ".tmx":
            report_unaligned(result, primary(src_lang), primary(tgt_lang))
        report_non_prose(result, primary(src_lang), primary(tgt_lang))
        mean = result.mean_score()
        out.print(
            f"{output}: {stats.pairs_written} pairs written"
            + (" (the TMX has no unit)" if not stats.pairs_written and output.suffix.lower() == ".tmx" else "")
            + excluded_summary(stats.excluded())
            + (f", {stats.below_min_score} below --min-score" if stats.below_min_score else "")
            + (f", {stats.below_min_band} below --min-band" if stats.below_min_band else "")
            + (f", {stats.too_long} over --max-seg-chars" if stats.too_long else "")
            + (f", {stats.duplicates_merged} duplicates merged" if stats.duplicates_merged else "")
            + f", unaligned {len(result.unaligned_src)} {primary(src_lang)} / {len(result.unaligned_tgt)} {primary(tgt_lang)}"
            + (f", mean score {mean:.3f}" if mean is not None else "")
            + (f", {stats.control_chars_removed} control characters removed" if stats.control_chars_removed else "")
            + (f", {stats.formulas_guarded} formula-like texts prefixed with '" if stats.formulas_guarded else ""),
            highlight=False, soft_wrap=True,
        )


def read_anchors(path: Path) -> list:
    """The beads of a ``.beads`` file, as anchors; a missing or malformed file is a one-line error."""
    from ..evaluate import parse_beads

    if not path.is_file():
        raise AlignerError(f"--anchors {path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AlignerError(f"--anchors {path}: cannot be read as UTF-8 text ({type(exc).__name__})") from None
    try:
        return parse_beads(text)
    except AlignerError as exc:
        raise AlignerError(f"--anchors {path}: {exc}") from None


def review_output(output: Path, min_band: Optional[str], review: Optional[Path]) -> Optional[Path]:
    """Where the review sheet goes: ``--review``, else ``<stem>.review.xlsx`` beside a TMX with ``--min-band``."""
    if review is not None:
        if review.suffix.lower() != ".xlsx":
            raise AlignerError(f"{review}: the review sheet must be a .xlsx file")
        return review
    if min_band is not None and output.suffix.lower() == ".tmx":
        return output.with_name(output.stem + ".review.xlsx")
    return None


def report_unaligned(result, src_code: str, tgt_code: str, limit: int = 8) -> None:
    """List sentences left out of a TMX for having no counterpart (CSV output lists them all)."""
    for code, sentences, indexes in ((src_code, result.src_sentences, result.unaligned_src),
                                     (tgt_code, result.tgt_sentences, result.unaligned_tgt)):
        if not indexes:
            continue
        shown = " | ".join(_clip(sentences[i].text) for i in indexes[:limit])
        more = f" | … {len(indexes) - limit} more (write .csv for all)" if len(indexes) > limit else ""
        err.print(f"unaligned {code} ({len(indexes)}): {shown}{more}", highlight=False, markup=False, soft_wrap=True)


def report_non_prose(result, src_code: str, tgt_code: str) -> None:
    """Say which Markdown blocks (code, raw HTML) were kept out of the alignment, per side."""
    sides = []
    for code, counts in ((src_code, result.meta.get("src_non_prose")), (tgt_code, result.meta.get("tgt_non_prose"))):
        if counts:
            sides.append(f"{code} " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    if sides:
        err.print(f"not prose, kept out of the alignment (blocks): {' / '.join(sides)}", highlight=False,
                  markup=False, soft_wrap=True)


def _clip(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
