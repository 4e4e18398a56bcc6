"""A whole batch run: discover pairs, skip finished ones, run the engine, merge, report."""
from __future__ import annotations

import dataclasses
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional, Protocol, Sequence

from ..align.aligner import AlignConfig
from ..embed.base import Embedder
from ..embed.threads import available_cores, split_cores
from ..errors import AlignerError
from ..export.base import ExportOptions
from ..lang import file_code
from ..export.outpath import check_outputs
from .discover import discover
from .engines import ENGINES, EngineWork
from .job import DocOutcome, JobSettings, doc_key, plan_chunks
from .merge import MergeStats, format_for, merge
from .model import ModelLoader
from .store import PartStore

log = logging.getLogger(__name__)

DEFAULT_OUTPUT = "corpus.tmx"
REPORT_NAME = "report.csv"


class BatchProgress(Protocol):
    """Receives progress in the calling process."""

    def start(self, total_docs: int, done_docs: int) -> None:
        """Called once: documents in the run and how many were already finished."""

    def advance(self, docs: int, sentences: int) -> None:
        """Called as each chunk finishes."""


@dataclass
class BatchOptions:
    """How to run a batch. ``loader`` (any picklable zero-argument callable returning an
    embedder) overrides ``model``/``device``/``factory``; ``workers`` None means one per CPU
    (one in all for a GPU device). ``config``: every alignment setting (default ``AlignConfig()``),
    with ``max_align`` and ``second_pass`` applied over it when given. ``export``: what goes in the corpus
    (min score, the ``keep_*`` switches, formula guard); its languages and date are the batch's."""

    output_file: Optional[Path] = None
    fmt: Optional[str] = None
    src_lang: str = "id"
    tgt_lang: str = "en"
    segmented: bool = False
    encoding: Optional[str] = None
    max_align: Optional[int] = None
    """Most sentences on one side of a bead (None: ``config``'s, 5 by default)."""
    second_pass: Optional[bool] = None
    """The second pass on or off (None: ``config``'s, on by default)."""
    config: Optional[AlignConfig] = None
    export: ExportOptions = field(default_factory=ExportOptions)
    model: Optional[str] = None
    device: Optional[str] = None
    factory: Optional[str] = None
    loader: Optional[Callable[[], Embedder]] = None
    workers: Optional[int] = None
    engine: str = "local"
    scheduler: Optional[str] = None
    creation_date: Optional[datetime] = None
    dashboard: bool = False
    """Dask LocalCluster: serve its HTTP dashboard on 127.0.0.1 (off by default)."""
    max_input_chars: Optional[int] = None
    """Documents longer than this many characters fail (reported) before any work; None: 6 million, 0: no limit."""
    threads: Optional[int] = None
    precision: Optional[str] = None
    allow_outside: bool = False
    """A manifest may name files outside its own folder (refused by default)."""

    def align_config(self) -> AlignConfig:
        """``config`` with this batch's ``max_align`` and second-pass switch, where given."""
        config = self.config or AlignConfig()
        if self.max_align is not None:
            config = dataclasses.replace(config, max_align=self.max_align)
        if self.second_pass is not None:
            config = dataclasses.replace(config, refine=dataclasses.replace(config.refine, enabled=self.second_pass))
        return config


@dataclass
class BatchSummary:
    """What a run did; ``merged`` describes the corpus file."""

    output: Path
    report: Path
    documents: int
    skipped: int
    failed_now: int
    sentences_now: int
    seconds: float
    workers: int
    engine: str
    device: str
    merged: MergeStats
    unmatched: list[Path] = field(default_factory=list)

    @property
    def sentences_per_second(self) -> float:
        """Sentences aligned in this run per second of wall time."""
        return self.sentences_now / self.seconds if self.seconds > 0 else 0.0


def available_cpus() -> int:
    """Cores this process may use (affinity, cgroup quota, OMP_NUM_THREADS)."""
    return available_cores()


def workers_and_threads(options: BatchOptions) -> tuple[int, Optional[int]]:
    """Worker processes and threads per worker: on this machine's CPUs workers x threads never
    exceeds its cores; a GPU or a remote Dask cluster keeps what was asked."""
    if (options.device and not options.device.startswith("cpu")) or options.scheduler:
        return max(1, options.workers or default_workers(options.device)), options.threads
    return split_cores(available_cpus(), options.workers, options.threads)


def default_workers(device: Optional[str]) -> int:
    """One worker per CPU, or one for a GPU (it is shared by the whole run)."""
    return 1 if device and not device.startswith("cpu") else available_cpus()


def creation_date(options: BatchOptions, store: PartStore) -> datetime:
    """The TMX date: given, else ``SOURCE_DATE_EPOCH``, else the first run's start (kept in run.json)."""
    if options.creation_date is not None:
        return options.creation_date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    info = store.run_info({"created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")})
    return datetime.strptime(info["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def loader_spec(loader: Callable[[], Embedder]) -> str:
    """A stable name for a loader (part of every document's key): its ``spec``, else its import path."""
    spec = getattr(loader, "spec", None)
    if spec:
        return str(spec)
    name = getattr(loader, "__qualname__", None)
    return f"{loader.__module__}:{name}" if name else repr(loader)


def output_path(outdir: Path, name: Optional[Path]) -> Path:
    """The corpus file inside ``outdir``: ``name`` must stay inside it (no absolute path, no ``..``)."""
    if name is None:
        return outdir / DEFAULT_OUTPUT
    name = Path(name)
    inside = (outdir / name).resolve()
    if name.is_absolute() or ".." in name.parts or not inside.is_relative_to(outdir.resolve()) or inside == outdir.resolve():
        raise AlignerError(f"--output-file {name}: must be a file name inside the output folder {outdir}")
    return outdir / name


def _engine(name: str):
    """The run function of engine ``name`` (:data:`aligner.batch.engines.ENGINES`)."""
    return ENGINES.get(name)


def run_batch(source: Path, outdir: Path, options: Optional[BatchOptions] = None,
              progress: Optional[BatchProgress] = None) -> BatchSummary:
    """Align every document pair of ``source`` (folder or manifest) into ``outdir``.

    Finished documents (parts under ``outdir/.parts`` made by the same aligner version with the
    same settings from files with the same content) are skipped, so an interrupted run resumes;
    the corpus file and ``report.csv`` are rebuilt from all parts at the end, and parts that no
    longer match a document of the run are deleted.
    """
    options = options or BatchOptions()
    outdir = Path(outdir)
    output = output_path(outdir, options.output_file)
    fmt = format_for(output, options.fmt)
    if options.fmt and output.suffix.lower() != f".{fmt}" and options.output_file is None:
        output = output.with_suffix(f".{fmt}")
    run_engine = _engine(options.engine)
    found = discover(Path(source), file_code(options.src_lang), file_code(options.tgt_lang), exclude=outdir,
                     allow_outside=options.allow_outside)
    if found.unmatched:
        shown = ", ".join(str(p) for p in found.unmatched[:5])
        more = f" and {len(found.unmatched) - 5} more" if len(found.unmatched) > 5 else ""
        log.warning("%d files have no partner (listed in the report): %s%s", len(found.unmatched), shown, more)
    if not found.pairs:
        raise AlignerError(f"{source}: no document pairs found")
    outdir.mkdir(parents=True, exist_ok=True)
    check_outputs([output, outdir / REPORT_NAME],
                  [Path(source), *(p for pair in found.pairs for p in (pair.src, pair.tgt))])
    workers, threads = workers_and_threads(options)
    loader = options.loader or ModelLoader(options.model, options.device, threads, options.factory, options.precision)
    spec = loader_spec(loader)
    settings = JobSettings(spec, options.src_lang, options.tgt_lang, options.segmented, options.encoding,
                           config=options.align_config(), max_input_chars=options.max_input_chars)
    store = PartStore(outdir)
    store.create()
    date = creation_date(options, store)
    keys = [doc_key(p, settings) for p in found.pairs]
    todo = [p for p, k in zip(found.pairs, keys) if not store.is_done(p.doc_id, k)]
    skipped = len(found.pairs) - len(todo)
    if skipped:
        log.info("%d of %d documents already aligned; resuming", skipped, len(found.pairs))
    if progress is not None:
        progress.start(len(found.pairs), skipped)
    counts = {"sentences": 0, "failed": 0}

    def on_done(outcomes: Sequence[DocOutcome]) -> None:
        n = sum(o.sentences for o in outcomes if not o.error)
        counts["sentences"] += n
        counts["failed"] += sum(1 for o in outcomes if o.error)
        for o in outcomes:
            if o.error:
                log.warning("%s: %s", o.doc_id, o.error)
        if progress is not None:
            progress.advance(len(outcomes), n)

    started = time.perf_counter()
    extra = {"scheduler": options.scheduler, "dashboard": options.dashboard} if options.engine == "dask" else {}
    run_engine(EngineWork(plan_chunks(todo, workers), settings, loader, outdir, workers), on_done, **extra)
    seconds = time.perf_counter() - started
    export_options = dataclasses.replace(options.export, src_lang=options.src_lang, tgt_lang=options.tgt_lang,
                                         creation_date=date)
    report = outdir / REPORT_NAME
    merged = merge(found.pairs, keys, store, output, fmt, export_options, report, found.unmatched)
    pruned = store.prune((p.doc_id, k) for p, k in zip(found.pairs, keys))
    if pruned:
        log.info("removed %d stale parts (older settings, inputs or documents) from %s", pruned, store.root)
    return BatchSummary(output, report, len(found.pairs), skipped, counts["failed"], counts["sentences"],
                        seconds, workers, options.engine, options.device or "cpu", merged, found.unmatched)
