"""Device and precision choices for the torch embedding backend."""
from __future__ import annotations

import functools
import logging
from typing import FrozenSet, Optional

from aligner.errors import ModelError

log = logging.getLogger(__name__)

PRECISIONS = ("auto", "int8", "fp32", "bf16")

# CPU flags that mean native bf16 matmul support (AVX512-BF16 on Cooper Lake/Zen 4+, AMX on
# Sapphire Rapids+).  Without them torch emulates bf16 and is slower than fp32.
_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


@functools.lru_cache(maxsize=1)
def cpu_flags() -> FrozenSet[str]:
    """The CPU feature flags from /proc/cpuinfo (empty where that file does not exist)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags") or line.startswith("Features"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bf16 arithmetic (``avx512_bf16`` or ``amx_bf16``)."""
    return bool(cpu_flags() & _BF16_FLAGS)


def resolve_device(device: Optional[str]) -> str:
    """Validate ``device`` (``None``/"cpu" default, "cuda", "cuda:N", "mps") against what exists."""
    if device is None or device == "" or device == "cpu":
        return "cpu"
    dev = str(device).strip().lower()
    if dev == "auto":
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    if dev == "cuda" or dev.startswith("cuda:"):
        import torch

        if not torch.cuda.is_available():
            raise ModelError(f"device {device!r} was requested but no CUDA GPU is available (use --device cpu)")
        if ":" in dev:
            try:
                index = int(dev.split(":", 1)[1])
            except ValueError:
                raise ModelError(f"bad device {device!r} (expected cuda or cuda:N)") from None
            if not 0 <= index < torch.cuda.device_count():
                raise ModelError(f"device {device!r} does not exist ({torch.cuda.device_count()} GPU(s) found)")
        return dev
    if dev == "mps":
        import torch

        if not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
            raise ModelError("device 'mps' was requested but Apple MPS is not available")
        return dev
    raise ModelError(f"unknown device {device!r} (expected cpu, cuda, cuda:N or mps)")


def resolve_precision(precision: Optional[str], device: str) -> str:
    """Map ``auto``/``int8``/``fp32``/``bf16`` to the precision to use: ``"int8"``, ``"fp32"`` or ``"bf16"``.

    ``auto`` picks bf16 on a CPU with native bf16 (autocast ran 2.2-2.4x fp32 with cosine
    >= 0.99999 on an avx512_bf16 CPU) and fp32 everywhere else (on a CPU, the bundled model's fp32
    runs on ONNX Runtime: torch's vectors, faster). ``int8`` (:mod:`aligner.embed.onnx_int8`) runs
    1.8-2.7x torch fp32 bare, mean cosine 0.9996 to fp32, and with its close calls rechecked in fp32
    (:mod:`aligner.align.recheck`) gives fp32's beads on ../shared/bench; but the recheck costs as
    much as int8 saves on natural and long messy documents (it pays on clean ones), so auto does
    not choose it. Whether int8 can run (the bundled model, ONNX Runtime) is the caller's check.
    """
    p = (precision or "auto").lower()
    if p not in PRECISIONS:
        raise ModelError(f"unknown precision {precision!r} (expected auto, int8, fp32 or bf16)")
    if p == "fp32":
        return "fp32"
    if p == "int8":
        if device != "cpu":
            raise ModelError(f"precision int8 runs on the CPU only, not {device} (use --precision fp32 or bf16)")
        return "int8"
    if device == "cpu":
        supported = cpu_supports_bf16()
        if p == "bf16":
            if not supported:
                log.warning("this CPU has no native bf16 support (avx512_bf16/amx_bf16); bf16 will be slow")
            return "bf16"
        return "bf16" if supported else "fp32"
    if p == "bf16":
        if device.startswith("cuda"):
            import torch

            if not torch.cuda.is_bf16_supported():
                raise ModelError(f"precision bf16 is not supported on {device}")
        return "bf16"
    return "fp32"
