"""Embedding backend: any sentence-transformers model, loaded strictly from local files."""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Iterator, Optional, Sequence, Union

import numpy as np

from aligner.embed.base import ProgressCallback
from aligner.embed.batching import PROGRESS_BATCHES, clean_texts, encode_in_chunks, warn_truncated
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
        prompt_name: one of the model's own prompts (e.g. ``"passage"`` for e5), put before every
            (stripped) sentence by sentence-transformers.
        prefix: a literal prompt instead (e.g. ``"passage: "``); it wins over ``prompt_name``.
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
    the prompt and its special tokens), so they get a valid, if uninformative, unit vector.
    """

    def __init__(
        self,
        model: Union[str, Path],
        *,
        name: Optional[str] = None,
        prompt_name: Optional[str] = None,
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
        self.batch_size = batch_size
        self.name = name or str(model)
        self.num_threads: Optional[int] = None
        if self.device == "cpu":
            self.num_threads = resolve_threads(num_threads)
            apply_torch_threads(self.num_threads)
        self._model = load_sentence_transformer(model, self.device)
        self._prompt, self.prefix = self._resolve_prompt(prompt_name, prefix)
        limit = self._model_limit()
        if max_seq_length is not None:
            if limit is not None and max_seq_length > limit:
                log.warning("max_seq_length %d exceeds the model's limit of %d; using %d", max_seq_length, limit, limit)
                max_seq_length = limit
            self._model.max_seq_length = max_seq_length
        self.max_seq_length: Optional[int] = self._model.max_seq_length or limit
        self.dim = _embedding_dim(self._model)
        log.debug("loaded %s on %s (%s, max %s tokens, dim %d)", self.name, self.device, self.precision, self.max_seq_length, self.dim)

    def _resolve_prompt(self, prompt_name: Optional[str], prefix: str) -> tuple[dict, str]:
        """The prompt keyword for ``SentenceTransformer.encode`` and the text it puts before every sentence."""
        if prefix:
            return {"prompt": prefix}, prefix
        if prompt_name is None:
            return {}, ""
        prompts = getattr(self._model, "prompts", None) or {}
        if prompt_name not in prompts:
            known = ", ".join(sorted(prompts)) or "none"
            raise ModelError(f"the model {self.name} has no prompt {prompt_name!r} (it has: {known})")
        return {"prompt_name": prompt_name}, prompts[prompt_name]

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

    def _count_truncated(self, texts: Sequence[str]) -> int:
        """How many ``texts`` (prompt included) exceed ``max_seq_length`` tokens.

        A token covers at least one character (one byte for byte-level models), so only texts
        of about ``max_seq_length`` UTF-8 bytes or more are tokenised; normalisers that expand
        characters (ligatures) can make a shorter text exceed it uncounted.
        """
        tok, limit = self.tokenizer, self.max_seq_length
        if tok is None or not limit:
            return 0
        slack = len(self.prefix.encode("utf-8")) + 3  # + the special tokens and a leading metaspace
        long = [self.prefix + t for t in texts if len(t.encode("utf-8")) + slack > limit]
        if not long:
            return 0
        try:
            ids = tok(long, add_special_tokens=True, truncation=False, padding=False, verbose=False)["input_ids"]
        except Exception:  # pragma: no cover - exotic tokenizers
            return 0
        return sum(1 for row in ids if len(row) > limit)

    def _precision_context(self):
        if self.precision != "bf16":
            return contextlib.nullcontext()
        import torch

        return torch.autocast(device_type=self.device.split(":")[0], dtype=torch.bfloat16)

    def _encode_chunk(self, texts: Sequence[str]) -> np.ndarray:
        return self._model.encode(list(texts), **self._prompt, batch_size=self.batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)

    def encode(self, sentences: Sequence[str], progress: Optional[ProgressCallback] = None) -> np.ndarray:
        """Return an ``(len(sentences), dim)`` float32 array of unit-length rows."""
        texts = clean_texts(sentences)
        warn_truncated(self._count_truncated(texts), len(texts), self.max_seq_length)
        with self._precision_context():
            return encode_in_chunks(texts, self._encode_chunk, dim=self.dim,
                                    chunk_size=self.batch_size * PROGRESS_BATCHES, progress=progress)

    def __repr__(self) -> str:
        return (
            f"SentenceTransformerEmbedder(name={self.name!r}, dim={self.dim}, device={self.device!r}, "
            f"precision={self.precision!r}, prefix={self.prefix!r})"
        )
