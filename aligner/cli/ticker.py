"""Progress for logs: when stderr is not a terminal (a job, a pipe, nohup), a plain line on stderr
every :data:`INTERVAL` seconds at most, saying what runs, how far it got and when it should end.

Rich's bars are off then, and a long run would otherwise be silent for hours.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Callable, Optional, Sequence

import numpy as np

from ._common import err

INTERVAL = 20.0
"""Seconds between two progress lines (``ALIGNER_PROGRESS_SECONDS`` overrides it)."""


def interval() -> float:
    """The progress interval in seconds (environment override for tests and impatient users)."""
    try:
        return max(0.05, float(os.environ.get("ALIGNER_PROGRESS_SECONDS", INTERVAL)))
    except ValueError:
        return INTERVAL


def duration(seconds: float) -> str:
    """``95`` → ``1m35s``; ``4000`` → ``1h06m``."""
    seconds = int(round(max(0.0, seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def eta(done: int, total: Optional[int], elapsed: float) -> str:
    """``, ETA 3m05s`` from the rate so far (empty when unknown)."""
    if not total or done <= 0 or done >= total or elapsed <= 0:
        return ""
    return f", ETA {duration((total - done) * elapsed / done)}"


class Ticker:
    """A daemon thread printing ``progress: <status()>`` every ``every`` seconds; ``enabled`` False: silent."""

    def __init__(self, status: Callable[[], str], enabled: Optional[bool] = None, every: Optional[float] = None) -> None:
        self.status = status
        self.enabled = (not err.is_terminal) if enabled is None else enabled
        self.every = interval() if every is None else every
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def __enter__(self) -> "Ticker":
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="aligner-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                line = self.status()
            except Exception:  # noqa: BLE001 - a progress line must never break the run
                continue
            err.print(f"progress: {line}", highlight=False, markup=False, soft_wrap=True)


class AlignProgress:
    """What ``aligner align`` is doing, for :class:`Ticker`: loading, encoding (with ETA), aligning."""

    def __init__(self) -> None:
        self.phase = "reading and splitting the documents"
        self.done = 0
        self.total: Optional[int] = None
        self.encoded = 0
        self.phase_started = time.monotonic()

    def begin(self, phase: str, total: Optional[int] = None) -> None:
        self.phase, self.total, self.done, self.phase_started = phase, total, 0, time.monotonic()

    def advance(self, k: int) -> None:
        self.done += k
        self.encoded += k

    def status(self) -> str:
        elapsed = time.monotonic() - self.phase_started
        if self.total:
            return (f"{self.phase} {self.done:,}/{self.total:,} ({100 * self.done // self.total}%), "
                    f"{duration(elapsed)} in this step{eta(self.done, self.total, elapsed)}")
        return f"{self.phase}, {duration(elapsed)} in this step ({self.encoded:,} sentences encoded so far)"


class TrackedEmbedder:
    """An embedder loaded on first use (after reading, so that bad input fails before the model
    loads) that reports what it encodes to an :class:`AlignProgress`."""

    def __init__(self, load: Callable[[], object], progress: AlignProgress, precision: Optional[str] = None) -> None:
        self._load = load
        self._inner = None
        self.progress = progress
        self._precision = precision

    def _model(self):
        if self._inner is None:
            self.progress.begin("loading the model")
            self._inner = self._load()
        return self._inner

    @property
    def name(self) -> str:
        return getattr(self._model(), "name", "")

    @property
    def dim(self) -> int:
        return self._model().dim

    @property
    def precision(self) -> str:
        """The loaded model's precision (for the run signature); the one asked for when the model does not say."""
        return getattr(self._model(), "precision", None) or self._precision or ""

    def encode(self, sentences: Sequence[str], progress: Optional[Callable[[int], None]] = None) -> np.ndarray:
        model = self._model()
        first = self.progress.encoded == 0
        self.progress.begin("encoding sentences" if first else "second pass: encoding windows", len(sentences))

        def report(k: int) -> None:
            self.progress.advance(k)
            if progress is not None:
                progress(k)

        try:
            return model.encode(sentences, progress=report)
        finally:
            self.progress.begin("aligning (first pass)" if first else "aligning (second pass)")

    @property
    def exact_encode(self) -> Optional[Callable]:
        """The loaded model's exact encoder for close calls (int8: fp32), reported as such; None without one."""
        exact = getattr(self._model(), "exact_encode", None)
        if exact is None:
            return None

        def encode(sentences: Sequence[str], progress: Optional[Callable[[int], None]] = None) -> np.ndarray:
            self.progress.begin("encoding in fp32 (close calls)", len(sentences))
            try:
                return exact(sentences, progress=lambda k: self.progress.advance(k))
            finally:
                self.progress.begin("aligning (rechecked)")

        return encode


class BatchCounts:
    """A ``BatchProgress`` that counts documents and sentences for :class:`Ticker` lines, and passes
    every call on to ``inner`` (the rich bars)."""

    def __init__(self, inner=None) -> None:
        self.inner = inner
        self.total = 0
        self.before = 0
        self.docs = 0
        self.sentences = 0
        self.started = time.monotonic()

    def start(self, total_docs: int, done_docs: int) -> None:
        self.total, self.before, self.started = total_docs, done_docs, time.monotonic()
        if self.inner is not None:
            self.inner.start(total_docs, done_docs)

    def advance(self, docs: int, sentences: int) -> None:
        self.docs += docs
        self.sentences += sentences
        if self.inner is not None:
            self.inner.advance(docs, sentences)

    def status(self) -> str:
        elapsed = time.monotonic() - self.started
        todo = self.total - self.before
        done = f"documents {self.before + self.docs:,}/{self.total:,}" if self.total else "discovering documents"
        resumed = f" ({self.before:,} resumed)" if self.before else ""
        return (f"{done}{resumed}, {self.sentences:,} sentences aligned, {duration(elapsed)} elapsed"
                f"{eta(self.docs, todo, elapsed)}")
