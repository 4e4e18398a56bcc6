"""Embedding backend on ONNX Runtime: the int8 model of :mod:`aligner.embed.onnx_int8` or the fp32 one
of :mod:`aligner.embed.onnx_fp32`.

Tokenises with the folder's ``tokenizer.json`` (the ``tokenizers`` library), runs the graph
(BERT plus mean pooling) and L2-normalises; torch is not imported at run time.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

from aligner.embed.base import ProgressCallback
from aligner.embed.batching import PROGRESS_BATCHES, clean_texts, encode_in_chunks, unit_rows, warn_truncated
from aligner.embed.onnx_build import MODEL_FILE
from aligner.errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 32


def session_options(threads: int):
    """ONNX Runtime options for one process computing with ``threads`` threads: sequential
    graph, worker threads that sleep instead of spinning when idle, so processes sharing cores do
    not steal each other's time, and no memory arena (it kept the largest batch's activations,
    about 400 MB after long windows, with no measurable speed gain)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = int(threads)
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.enable_cpu_mem_arena = False
    so.log_severity_level = 3
    return so


class OnnxEmbedder:
    """An :class:`~aligner.embed.base.Embedder` over an ONNX folder (``model.onnx`` +
    ``tokenizer.json``), on CPU with ``num_threads`` threads. ``tokenizer``: one already loaded
    from an identical ``tokenizer.json`` (int8 and fp32 builds of one model share theirs: loading
    it takes about half a second)."""

    device = "cpu"

    def __init__(
        self,
        folder: Path,
        *,
        name: str,
        prefix: str = "",
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_seq_length: Optional[int] = None,
        num_threads: int = 1,
        precision: str = "int8",
        tokenizer=None,
    ) -> None:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ModelError(f"batch_size must be a positive integer, got {batch_size!r}")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.name = name
        self.precision = precision
        """What the folder computes in: ``int8`` or ``fp32`` (part of the run signature)."""
        self.prefix = prefix or ""
        self.batch_size = batch_size
        self.num_threads = int(num_threads)
        limit = _model_limit(folder)
        if max_seq_length is not None:
            if not isinstance(max_seq_length, int) or max_seq_length < 2:
                raise ModelError(f"max_seq_length must be an integer >= 2, got {max_seq_length!r}")
            if max_seq_length > limit:
                log.warning("max_seq_length %d exceeds the model's limit of %d; using %d", max_seq_length, limit, limit)
            limit = min(limit, max_seq_length)
        self.max_seq_length: int = limit
        try:
            self.tokenizer = tokenizer if tokenizer is not None else Tokenizer.from_file(str(folder / "tokenizer.json"))
            self._session = ort.InferenceSession(str(folder / MODEL_FILE), session_options(self.num_threads),
                                                 providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelError(f"cannot load the {precision} ONNX model in {folder}: {reason}") from exc
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self._pad_id = self.tokenizer.token_to_id("<pad>")
        if self._pad_id is None:
            self._pad_id = 0
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def _run(self, ids_rows: Sequence[List[int]]) -> np.ndarray:
        width = max(len(r) for r in ids_rows)
        ids = np.full((len(ids_rows), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(ids_rows), width), dtype=np.int64)
        for k, row in enumerate(ids_rows):
            ids[k, : len(row)] = row
            mask[k, : len(row)] = 1
        return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    def _encode_chunk(self, rows: Sequence[List[int]]) -> np.ndarray:
        """Unit vectors of token-id rows, run longest first in batches (similar lengths pad little)."""
        out = np.zeros((len(rows), self.dim), dtype=np.float32)
        order = np.argsort(-np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows)), kind="stable")
        for start in range(0, len(rows), self.batch_size):
            idx = order[start : start + self.batch_size]
            out[idx] = self._run([rows[i] for i in idx])
        return unit_rows(out)

    def encode(self, sentences: Sequence[str], progress: Optional[ProgressCallback] = None) -> np.ndarray:
        """Return an ``(len(sentences), dim)`` float32 array of unit-length rows."""
        texts = [self.prefix + t for t in clean_texts(sentences)]
        rows = [e.ids for e in self.tokenizer.encode_batch(texts)]
        limit = self.max_seq_length
        warn_truncated(sum(1 for r in rows if len(r) > limit), len(rows), limit)
        rows = [r if len(r) <= limit else r[: limit - 1] + r[-1:] for r in rows]  # keep </s>
        return encode_in_chunks(rows, self._encode_chunk, dim=self.dim,
                                chunk_size=self.batch_size * PROGRESS_BATCHES, progress=progress)

    def __repr__(self) -> str:
        return f"OnnxEmbedder(name={self.name!r}, dim={self.dim}, precision={self.precision!r}, threads={self.num_threads}, prefix={self.prefix!r})"


def _model_limit(folder: Path) -> int:
    """The most tokens the model takes: sentence_bert_config's max_seq_length, else the config's
    position table, else 512."""
    for name, key in (("sentence_bert_config.json", "max_seq_length"), ("config.json", "max_position_embeddings")):
        try:
            value = json.loads((folder / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError):
            continue
        if value:
            return int(value)
    return 512
