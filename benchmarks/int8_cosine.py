"""How far the int8 encoder's vectors are from fp32's: cosine on every line of ../shared/bench.

Usage:  python benchmarks/int8_cosine.py [--sets id-en-pud ...]

Encodes each set's src.txt and tgt.txt lines with the default model in fp32 (ONNX Runtime: torch's vectors) and in int8
(ONNX Runtime, :mod:`aligner.embed.onnx_int8`) and prints, per set and over all, the mean, the
1st percentile and the minimum cosine between the two vectors of each line.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT))

from aligner.embed import load_embedder  # noqa: E402


def bench_lines(sets: list[str] | None) -> dict[str, list[str]]:
    """Non-empty src/tgt lines of every document, by set."""
    out: dict[str, list[str]] = {}
    for folder in sorted(p for p in BENCH.iterdir() if p.is_dir()) if BENCH.is_dir() else []:
        if sets and folder.name not in sets:
            continue
        lines = [line.strip() for side in ("src.txt", "tgt.txt") for f in sorted(folder.glob(f"*/{side}"))
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        if lines:
            out[folder.name] = lines
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="*")
    args = ap.parse_args()
    by_set = bench_lines(args.sets)
    if not by_set:
        print("int8_cosine: ../shared/bench not found; skipping")
        return
    fp32, int8 = load_embedder(precision="fp32"), load_embedder(precision="int8", recheck=False)  # the bare int8 vectors
    if getattr(int8, "precision", "") != "int8":
        sys.exit("int8_cosine: the int8 encoder is not available here")
    print(f"| {'set':<20} | {'lines':>6} | {'mean cos':>8} | {'1st pct':>8} | {'min cos':>8} |")
    print(f"|{'-' * 22}|{'-' * 7}:|{'-' * 9}:|{'-' * 9}:|{'-' * 9}:|")
    every = []
    for name, lines in by_set.items():
        cos = (fp32.encode(lines) * int8.encode(lines)).sum(axis=1)
        every.append(cos)
        print(f"| {name:<20} | {len(lines):>6} | {cos.mean():8.5f} | {np.percentile(cos, 1):8.5f} | {cos.min():8.5f} |", flush=True)
    cos = np.concatenate(every)
    print(f"| {'all':<20} | {len(cos):>6} | {cos.mean():8.5f} | {np.percentile(cos, 1):8.5f} | {cos.min():8.5f} |")


if __name__ == "__main__":
    main()
