"""The fp32 CPU model: the converted e5 folder exported to ONNX and fused, not quantised.

ONNX Runtime's fused BERT kernels compute the same vectors as torch (cosine >= 0.9999999 on the
bench sentences), faster on an AVX2 CPU (``benchmarks/speed.py``: 1.3-1.5x on the encoder, 1.8x
end to end), so on CPUs without native bf16 the fp32 precision runs here. Built once beside the fp32 folder
(``<fp32 folder>-onnx-fp32-v<N>``) with the int8 build's machinery: a marker written last
records the sha256 of ``model.onnx`` and its data file, and a folder whose files do not match is rebuilt
(:mod:`aligner.embed.onnx_build`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from aligner.embed.onnx_build import (
    FUSION, MODEL_FILE, OPSET, Builder, ensure_onnx_build, export_fused, externalize, quiet,
)

FP32_ONNX_VERSION = 2  # 2: weights in model.onnx.data
MARKER_FILE = "aligner-onnx-fp32.json"
CONFIG = {"fusion": FUSION, "opset": OPSET, "weights": "fp32", "external_data": True}


def fp32_onnx_folder(fp32_folder: Path) -> Path:
    """Where the fp32 ONNX model built from ``fp32_folder`` lives (whether or not it exists yet)."""
    fp32_folder = Path(fp32_folder)
    return fp32_folder.with_name(f"{fp32_folder.name}-onnx-fp32-v{FP32_ONNX_VERSION}")


def ensure_fp32_onnx_model(fp32_folder: Path, *, build: Optional[Builder] = None) -> Path:
    """The folder of the fp32 ONNX model of ``fp32_folder``, built when missing or altered;
    :class:`~aligner.embed.onnx_build.OnnxUnavailable` (one line) when it cannot be built here."""
    return ensure_onnx_build(fp32_folder, fp32_onnx_folder(fp32_folder), build, default=build_fp32_onnx,
                             what="fp32 ONNX", marker_file=MARKER_FILE, version=FP32_ONNX_VERSION, config=CONFIG)


def build_fp32_onnx(fp32_folder: Path, out: Path) -> None:
    """Export and fuse the BERT of ``fp32_folder`` (mean pooling included) into ``out/model.onnx``
    (weights in ``out/model.onnx.data``)."""
    with quiet():
        export_fused(fp32_folder, Path(out) / MODEL_FILE)
        externalize(Path(out) / MODEL_FILE)
