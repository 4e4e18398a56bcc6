"""``aligner batch``: a folder or manifest of document pairs in, one corpus file and a report out."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from ._common import (
    DEBUG, VERBOSE, KEEP_BOILERPLATE, KEEP_COPIES, KEEP_IDENTICAL, KEEP_WRONG_LANGUAGE, MAX_INPUT_HELP, NO_FORMULA_GUARD, ONE_PASS_HELP, PRECISION_HELP, err, excluded_summary, out, primary, selection,
    setup_logging, user_errors,
)


class _RateColumn(ProgressColumn):
    """Items per second of a task."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "–/s", style="progress.data.speed")


class RichBatchProgress:
    """Documents and sentences bars (with throughput) on stderr."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.docs = progress.add_task("documents", total=None)
        self.sentences = progress.add_task("sentences", total=None)

    def start(self, total_docs: int, done_docs: int) -> None:
        self.progress.update(self.docs, total=total_docs, completed=done_docs)
        if done_docs:
            self.progress.update(self.docs, description=f"documents ({done_docs} done before)")

    def advance(self, docs: int, sentences: int) -> None:
        self.progress.update(self.docs, advance=docs)
        self.progress.update(self.sentences, advance=sentences)


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal,
    )


def batch(
    source: Path = typer.Argument(..., help="Folder of pairs (name.id.txt/name.en.txt or id/name.txt/en/name.txt) or a CSV/TSV manifest (src, tgt[, doc_id])."),
    outdir: Path = typer.Option(..., "-o", "--outdir", help="Output folder: corpus file, report.csv and .parts/ (kept for resuming)."),
    output_file: Optional[Path] = typer.Option(None, "--output-file", help="Corpus file name inside OUTDIR (default corpus.tmx; .csv, .tsv, .parquet by extension)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="tmx, csv, tsv or parquet (default: from --output-file, else tmx)."),
    src_lang: str = typer.Option("id", help="Source language (file names, splitting rules, TMX code)."),
    tgt_lang: str = typer.Option("en", help="Target language."),
    segmented: bool = typer.Option(False, "--segmented", help="Inputs are one sentence per line: nothing is split."),
    model: Optional[str] = typer.Option(None, help="sentence-transformers model name or folder (default: bundled multilingual-e5-small)."),
    embedder_factory: Optional[str] = typer.Option(None, "--embedder-factory", help="module:callable returning an embedder (instead of --model)."),
    max_align: int = typer.Option(5, min=1, max=8, help="Most sentences on one side of a bead."),
    one_pass: bool = typer.Option(False, "--one-pass", help=ONE_PASS_HELP),
    min_score: Optional[float] = typer.Option(None, min=0.0, max=1.0, help="Pairs scoring below this stay out of the TMX."),
    device: Optional[str] = typer.Option(None, help="cpu or cuda (default: cpu); passed to every worker's embedder."),
    encoding: Optional[str] = typer.Option(None, help="Input encoding when not UTF-8."),
    workers: Optional[int] = typer.Option(None, min=1, help="Worker processes (default: one per CPU; 1 with --device cuda)."),
    engine: str = typer.Option("local", help="local (process pool) or dask."),
    scheduler: Optional[str] = typer.Option(None, help="Dask scheduler address (default: start a LocalCluster)."),
    verbose: bool = VERBOSE,
    debug: bool = DEBUG,
    keep_identical: bool = KEEP_IDENTICAL,
    keep_copies: bool = KEEP_COPIES,
    keep_wrong_language: bool = KEEP_WRONG_LANGUAGE,
    keep_boilerplate: bool = KEEP_BOILERPLATE,
    no_formula_guard: bool = NO_FORMULA_GUARD,
    dashboard: bool = typer.Option(False, "--dashboard", help="With --engine dask and no --scheduler: serve the Dask dashboard on 127.0.0.1 (off by default)."),
    max_input_chars: Optional[int] = typer.Option(None, "--max-input-chars", min=0, help=MAX_INPUT_HELP + " Default 6,000,000."),
    precision: Optional[str] = typer.Option(None, help=PRECISION_HELP),
    threads: Optional[int] = typer.Option(None, min=1, help="Encoder threads per worker (default: the cores divided among the workers; workers x threads never exceeds the cores)."),
    allow_outside: bool = typer.Option(False, "--allow-outside", help="A manifest may name files outside its own folder (refused by default: a manifest that came with a corpus could read any file into the TMX)."),
) -> None:
    """Align many document pairs into one corpus; re-running resumes where a run stopped."""
    setup_logging(verbose)
    with user_errors(debug):
        from ..batch import BatchOptions, run_batch
        from ..errors import AlignerError
        from ..export import ExportOptions

        if scheduler and engine != "dask":
            raise AlignerError("--scheduler needs --engine dask")
        primary(src_lang), primary(tgt_lang)  # a bad code: one line, before any output
        outdir.mkdir(parents=True, exist_ok=True)
        options = BatchOptions(
            output_file=output_file, fmt=fmt, src_lang=src_lang, tgt_lang=tgt_lang,
            segmented=segmented, encoding=encoding, max_align=max_align, second_pass=not one_pass, model=model,
            device=device, factory=embedder_factory, workers=workers, engine=engine, scheduler=scheduler,
            export=ExportOptions(src_lang=src_lang, tgt_lang=tgt_lang, min_score=min_score,
                                 **selection(keep_identical, keep_copies, keep_wrong_language, keep_boilerplate,
                                             no_formula_guard)),
            max_input_chars=max_input_chars,
            dashboard=dashboard,
            threads=threads, precision=precision, allow_outside=allow_outside,
        )
        from .ticker import BatchCounts, Ticker

        with _progress() as progress:
            counts = BatchCounts(RichBatchProgress(progress))
            with Ticker(counts.status):
                summary = run_batch(source, outdir, options, counts)
        m = summary.merged
        out.print(
            f"{summary.output}: {m.pairs_written} pairs from {m.documents} documents"
            + excluded_summary(m.excluded)
            + (f", {m.failed} failed" if m.failed else "")
            + (f", {len(summary.unmatched)} unmatched files" if summary.unmatched else "")
            + f", unaligned {m.unaligned_src} {primary(src_lang)} / {m.unaligned_tgt} {primary(tgt_lang)}"
            + (f", mean score {m.mean_score:.3f}" if m.mean_score is not None else "")
            + f"; {summary.documents - summary.skipped} aligned now ({summary.skipped} resumed)"
            + f", {summary.sentences_now} sentences in {summary.seconds:.1f}s ({summary.sentences_per_second:.0f}/s)"
            + f", {summary.workers} {summary.engine} workers on {summary.device}; report {summary.report}",
            highlight=False, soft_wrap=True,
        )
