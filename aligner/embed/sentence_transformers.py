"""Embedding backend: any sentence-transformers model, loaded strictly from local files."""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Union

import numpy as np

from aligner.embed.base import ProgressCallback
from aligner.embed.device import resolve_device, resolve_precision
from aligner.embed.threads import apply_torch_threads, resolve_threads
from aligner.errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 32  # best of 16/32/64 for e5-small on the 2-core reference machine
_OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


@contextlib.contextmanager
def offline_hub() -> Iterator[None]:
    """Forbid Hugging Face hub access (and loading progress bars) while loading a model.

    The environment variables are restored afterwards; note that libraries imported for the
    first time inside this block may keep the offline setting for the life of the process,
    which is what aligner wants anyway: it never downloads anything.
    """
    saved = {k: os.environ.get(k) for k in _OFFLINE_ENV}
    os.environ.update(_OFFLINE_ENV)
    bars_were_on = None
    try:
        try:
            from transformers.utils import logging as hf_logging

            bars_were_on = hf_logging.is_progress_bar_enabled()
            hf_logging.disable_progress_bar()
        except Exception:  # pragma: no cover - very old/new transformers
            hf_logging = None
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if bars_were_on:
            hf_logging.enable_progress_bar()


def _looks_like_path(ref: str) -> bool:
    return ref.startswith(("/", "./", "../", "~", "\\")) or (len(ref) > 1 and ref[1] == ":") or ref.endswith(("/", "\\"))


def load_sentence_transformer(model: Union[str, Path], device: str = "cpu"):
    """Load a ``SentenceTransformer`` from a local folder or the local Hugging Face cache.

    Never touches the network.  Raises :class:`ModelError` with a one-line message when the
    model is not available locally or cannot be loaded.
    """
    ref = str(model)
    path = Path(ref).expanduser()
    is_name = False
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"embedding model path {ref!r} is a file, not a model folder")
        target = str(path)
    elif isinstance(model, Path) or _looks_like_path(ref):
        raise ModelError(f"embedding model folder {ref!r} does not exist")
    else:
        target, is_name = ref, True
    try:
        with offline_hub():
            from sentence_transformers import SentenceTransformer

            return SentenceTransformer(target, device=device, local_files_only=True)
    except ImportError as exc:
        raise ModelError(f"cannot load embedding models: {exc}") from exc
    except Exception as exc:  # sentence-transformers/transformers raise many types here
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if is_name and isinstance(exc, (OSError, ValueError)):  # not in the local cache / bad id
            raise ModelError(
                f"embedding model {ref!r} is not installed locally and aligner does not download "
                "models (no network); pass a local sentence-transformers folder or use the bundled "
                "multilingual-e5-small"
            ) from exc
        raise ModelError(f"cannot load the embedding model {target}: {reason}") from exc


def _embedding_dim(st_model) -> int:
    for attr in ("get_embedding_dimension", "get_sentence_embedding_dimension"):
        fn = getattr(st_model, attr, None)
        if fn is not None:
            try:
                dim = fn()
            except Exception:
                dim = None
            if dim:
                return int(dim)
    probe = st_model.encode(["dimension probe"], convert_to_numpy=True, show_progress_bar=False)
    return int(np.asarray(probe).shape[-1])


class SentenceTransformerEmbedder:
    """An :class:`~aligner.embed.base.Embedder` backed by a sentence-transformers model.

    Args:
        model: a local model folder, or a model name already in the local Hugging Face cache.
        name: the reported model name (default: ``str(model)``).
        prefix: prepended to every (stripped) sentence, e.g. ``"passage: "`` for e5.
        device: ``"cpu"`` (default), ``"cuda"``/``"cuda:N"`` or ``"mps"``; an unavailable device
            raises :class:`ModelError`.
        batch_size: sentences per forward pass.
        max_seq_length: token limit (default: the model's own; never above it).  Longer inputs
            are truncated, with one logged warning per :meth:`encode` call.
        precision: ``"auto"`` (bf16 on CPUs with native bf16 support, else fp32), ``"fp32"``
            or ``"bf16"`` (torch autocast: matmuls in bf16, reductions in fp32).
        num_threads: torch's threads (process wide); default: the cores this process may use
            (:func:`aligner.embed.threads.available_cores`).

    Empty (or whitespace-only) sentences are encoded like any other text (the model sees just
    the prefix and its special tokens), so they get a valid, if uninformative, unit vector.
    """

    def __init__(
        self,
        model: Union[str, Path],
        *,
        name: Optional[str] = None,
        prefix: str = "",
        device: Optional[str] = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_seq_length: Optional[int] = None,
        precision: str = "auto",
        num_threads: Optional[int] = None,
    ) -> None:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ModelError(f"batch_size must be a positive integer, got {batch_size!r}")
        if max_seq_length is not None and (not isinstance(max_seq_length, int) or max_seq_length < 2):
            raise ModelError(f"max_seq_length must be an integer >= 2, got {max_seq_length!r}")
        self.device = resolve_device(device)
        self.precision = resolve_precision(precision, self.device)
        if self.precision == "int8":
            raise ModelError("precision int8 is the bundled e5 model's ONNX build (load_embedder); use fp32 or bf16 here")
        self.prefix = prefix or ""
        self.batch_size = batch_size
        self.name = name or str(model)
        self.num_threads: Optional[int] = None
        if self.device == "cpu":
            self.num_threads = resolve_threads(num_threads)
            apply_torch_threads(self.num_threads)
        self._model = load_sentence_transformer(model, self.device)
        limit = self._model_limit()
        if max_seq_length is not None:
            if limit is not None and max_seq_length > limit:
                log.warning("max_seq_length %d exceeds the model's limit of %d; using %d", max_seq_length, limit, limit)
                max_seq_length = limit
            self._model.max_seq_length = max_seq_length
        self.max_seq_length: Optional[int] = self._model.max_seq_length or limit
        self.dim = _embedding_dim(self._model)
        log.debug("loaded %s on %s (%s, max %s tokens, dim %d)", self.name, self.device, self.precision, self.max_seq_length, self.dim)

    def _model_limit(self) -> Optional[int]:
        """The most tokens the model can take (its position table), if known."""
        limits = []
        current = getattr(self._model, "max_seq_length", None)
        if current:
            limits.append(int(current))
        try:
            auto = self._model[0].auto_model.config
            pos = getattr(auto, "max_position_embeddings", None)
            if pos and getattr(auto, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
                pos -= 2  # RoBERTa-style position ids start at padding_idx + 1
            if pos:
                limits.append(int(pos))
        except Exception:
            pass
        return max(limits) if limits else None

    @property
    def tokenizer(self):
        return getattr(self._model, "tokenizer", None)

    def token_lengths(self, texts: Sequence[str]) -> np.ndarray:
        """Untruncated token counts (special tokens included) of already-prefixed ``texts``."""
        tok = self.tokenizer
        if tok is not None:
            try:
                enc = tok(
                    list(texts),
                    add_special_tokens=True,
                    truncation=False,
                    padding=False,
                    return_attention_mask=False,
                    return_token_type_ids=False,
                    verbose=False,
                )
                return np.fromiter((len(ids) for ids in enc["input_ids"]), dtype=np.int64, count=len(texts))
            except Exception:  # pragma: no cover - exotic tokenizers
                pass
        return np.fromiter((len(t.split()) + 2 for t in texts), dtype=np.int64, count=len(texts))

    def _precision_context(self):
        if self.precision != "bf16":
            return contextlib.nullcontext()
        import torch

        return torch.autocast(device_type=self.device.split(":")[0], dtype=torch.bfloat16)

    def encode(self, sentences: Sequence[str], progress: Optional[ProgressCallback] = None) -> np.ndarray:
        """Return an ``(len(sentences), dim)`` float32 array of unit-length rows."""
        if isinstance(sentences, str):
            raise TypeError("encode() takes a sequence of sentences, not a single string")
        texts: List[str] = [self.prefix + ("" if s is None else str(s)).strip() for s in sentences]
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        lengths = self.token_lengths(texts)
        if self.max_seq_length:
            too_long = int(np.count_nonzero(lengths > self.max_seq_length))
            if too_long:
                log.warning(
                    "%d of %d sentences are longer than %d tokens and were truncated for embedding",
                    too_long,
                    n,
                    self.max_seq_length,
                )
        # longest first (as sentence-transformers does): batches of similar length pad little,
        # and a batch too big for memory shows up at once
        order = np.argsort(-lengths, kind="stable")
        with self._precision_context():
            for start in range(0, n, self.batch_size):
                idx = order[start : start + self.batch_size]
                emb = self._model.encode(
                    [texts[i] for i in idx],
                    batch_size=len(idx),
                    convert_to_numpy=True,
                    normalize_embeddings=False,
                    show_progress_bar=False,
                )
                out[idx] = np.asarray(emb, dtype=np.float32)
                if progress is not None:
                    progress(len(idx))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, np.maximum(norms, 1e-12), out=out)
        return out

    def __repr__(self) -> str:
        return (
            f"SentenceTransformerEmbedder(name={self.name!r}, dim={self.dim}, device={self.device!r}, "
            f"precision={self.precision!r}, prefix={self.prefix!r})"
        )
