"""The engine-agnostic unit of work: read, split, flag, encode and align a chunk of documents.

:func:`run_chunk` is all an engine calls (in any process that has an embedder): it encodes the
sentences of every document of the chunk in one ``encode`` call (the embedder sorts them by
length, so short documents share well-filled batches), runs each document's first pass, encodes
all their second-pass windows in one more call, finishes each alignment and writes its part
atomically. Nothing here knows about process pools or Dask.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

from ..align.aligner import AlignConfig, FirstPass
from ..align.recheck import recheck, widened
from ..api import plan_embedded, split
from ..embed.base import Embedder
from ..errors import AlignerError
from ..read import read_document
from ..result import AlignmentResult
from ..segment.base import Sentence
from ..signature import embedder_signature, run_signature
from .discover import DocPair
from .store import PartStore, error_record, result_record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSettings:
    """Everything that decides a document's alignment (and so its part's key): reading and
    splitting settings, the embedder's spec and every alignment setting (``config``)."""

    model_spec: str = "model=default"
    src_lang: str = "id"
    tgt_lang: str = "en"
    segmented: bool = False
    encoding: Optional[str] = None
    config: AlignConfig = field(default_factory=AlignConfig)
    max_input_chars: Optional[int] = None

    def fingerprint(self) -> str:
        """A stable text naming these settings, the aligner version and a hash of every alignment setting."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "config"}
        signature = run_signature(self.config, self.model_spec)
        return json.dumps({**values, "signature": str(signature)}, sort_keys=True)


@dataclass(frozen=True)
class DocOutcome:
    """What a worker sends back per document (the result itself is in its part)."""

    doc_id: str
    sentences: int
    error: Optional[str] = None


def content_hash(path: os.PathLike) -> str:
    """SHA-256 of a file's bytes (``missing`` when it cannot be read): what a document's key depends on."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    except OSError:
        return "missing"
    return digest.hexdigest()


def doc_key(pair: DocPair, settings: JobSettings) -> str:
    """The key of a document's part: the settings (with the run signature: aligner version and every
    alignment setting) and the content of both files.

    Paths, sizes and times play no part: a moved folder or an absolute path resumes, while an edit
    that keeps the size and restores the time is noticed."""
    raw = f"{settings.fingerprint()}|{content_hash(pair.src)}|{content_hash(pair.tgt)}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass
class _Prepared:
    pair: DocPair
    src: list[Sentence]
    tgt: list[Sentence]


def prepare(pair: DocPair, settings: JobSettings) -> _Prepared:
    """Read and split both sides; AlignerError when a side is unusable or has no sentence."""
    src = split(read_document(pair.src, encoding=settings.encoding, max_chars=settings.max_input_chars),
                settings.src_lang, settings.segmented, settings.tgt_lang)
    tgt = split(read_document(pair.tgt, encoding=settings.encoding, max_chars=settings.max_input_chars),
                settings.tgt_lang, settings.segmented, settings.src_lang)
    for side, sentences in ((settings.src_lang, src), (settings.tgt_lang, tgt)):
        if not sentences:
            raise AlignerError(f"the {side} side has no sentences")
    return _Prepared(pair, src, tgt)


def _error_text(exc: BaseException) -> str:
    msg = (str(exc).splitlines() or [""])[0]
    return msg if isinstance(exc, AlignerError) else f"{type(exc).__name__}: {msg}"


def _encode(groups: list[list[str]], embedder: Embedder) -> list[Optional[np.ndarray]]:
    """One encoder call over every text of ``groups``; per group when that call fails (None for
    a group the encoder cannot take)."""
    texts = [t for g in groups for t in g]
    if not texts:
        return [np.zeros((0, 0), np.float32) for _ in groups]
    try:
        emb = embedder.encode(texts)
    except Exception as exc:  # isolate the document that breaks the encoder
        log.warning("encoding %d documents at once failed (%s); encoding them one by one", len(groups), exc)
        out: list[Optional[np.ndarray]] = []
        for g in groups:
            try:
                out.append(embedder.encode(g) if g else np.zeros((0, 0), np.float32))
            except Exception:
                out.append(None)
        return out
    out, start = [], 0
    for g in groups:
        out.append(emb[start : start + len(g)])
        start += len(g)
    return out


def flag_counts(sentences: Sequence[Sentence]) -> dict[str, int]:
    """How many sentences carry each flag."""
    return dict(sorted(Counter(f for s in sentences for f in s.flags).items()))


def run_chunk(pairs: Sequence[DocPair], settings: JobSettings, embedder: Embedder, store: PartStore) -> list[DocOutcome]:
    """Align every document of ``pairs`` and store each result (or its error); never raises
    for a bad document. Returns one :class:`DocOutcome` per pair, in order."""
    config = settings.config
    signature = str(embedder_signature(config, embedder))
    outcomes: dict[str, DocOutcome] = {}

    def fail(pair: DocPair, sentences: int, exc: BaseException) -> None:
        error = _error_text(exc)
        store.write(error_record(pair.doc_id, error), doc_key(pair, settings))
        outcomes[pair.doc_id] = DocOutcome(pair.doc_id, sentences, error)

    ready: list[_Prepared] = []
    for pair in pairs:
        try:
            ready.append(prepare(pair, settings))
        except Exception as exc:  # noqa: BLE001 - reported per document, the run goes on
            fail(pair, 0, exc)
    embeddings = _encode([[s.text for s in (*d.src, *d.tgt)] for d in ready], embedder)
    exact = getattr(embedder, "exact_encode", None)  # int8: its close calls again in fp32
    plan_config = widened(config) if exact is not None else config

    # First pass for every document, then one encoder call for all their second-pass windows.
    plans: list[tuple[_Prepared, FirstPass]] = []
    for doc, emb in zip(ready, embeddings):
        try:
            if emb is None:
                raise AlignerError("the embedder failed on this document")
            plans.append((doc, plan_embedded(doc.src, doc.tgt, emb[: len(doc.src)], emb[len(doc.src) :], plan_config)))
        except Exception as exc:  # noqa: BLE001
            fail(doc.pair, len(doc.src) + len(doc.tgt), exc)
    windows = _encode([plan.texts for _, plan in plans], embedder)
    for (doc, plan), vecs in zip(plans, windows):
        try:
            if vecs is None:
                raise AlignerError("the embedder failed on this document's second pass")
            if exact is not None:  # one document at a time: few have many close calls
                beads = recheck(plan, vecs, plan_config, embedder.encode, exact)
            else:
                beads = plan.finish(vecs)
            result = AlignmentResult(doc.src, doc.tgt, beads, settings.src_lang, settings.tgt_lang,
                                     model=getattr(embedder, "name", ""), meta={"signature": signature})
            store.write(result_record(doc.pair.doc_id, result), doc_key(doc.pair, settings))
            outcomes[doc.pair.doc_id] = DocOutcome(doc.pair.doc_id, len(doc.src) + len(doc.tgt))
        except Exception as exc:  # noqa: BLE001
            fail(doc.pair, len(doc.src) + len(doc.tgt), exc)
    return [outcomes[p.doc_id] for p in pairs]


def plan_chunks(pairs: Sequence[DocPair], workers: int, max_bytes: int = 96_000, max_docs: int = 64,
                min_bytes: int = 8_000) -> list[list[DocPair]]:
    """Consecutive chunks of at most ``max_bytes`` of input text (at least one document each), each
    about ``1 / (2 * workers)`` of the text still to come, so they shrink towards the end (guided
    scheduling): the last chunks are small, and no worker idles long while another finishes a big one.
    ``min_bytes`` keeps the smallest worth an encoder call of their own."""
    sizes = [_size(p.src) + _size(p.tgt) for p in pairs]
    remaining = sum(sizes)
    chunks: list[list[DocPair]] = []
    current: list[DocPair] = []
    used = 0
    budget = _budget(remaining, workers, min_bytes, max_bytes)
    for pair, size in zip(pairs, sizes):
        if current and (used + size > budget or len(current) >= max_docs):
            chunks.append(current)
            remaining -= used
            current, used = [], 0
            budget = _budget(remaining, workers, min_bytes, max_bytes)
        current.append(pair)
        used += size
    if current:
        chunks.append(current)
    return chunks


def _budget(remaining: int, workers: int, min_bytes: int, max_bytes: int) -> int:
    return max(1, min(max_bytes, max(min_bytes, remaining // max(1, 2 * workers))))


def _size(path: os.PathLike) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
