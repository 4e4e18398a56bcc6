"""A 10,000-sentence-per-side document pair: end-to-end time and peak memory (target: under 2 GB).

The pair is built from real bench sentence pairs (or generated ones when ../shared is absent), with
~3% of sentences deleted on each side and boilerplate lines inserted, so the gold is known and the
accuracy of the banded DP on a long document is reported too.

    python benchmarks/long_document.py [--sentences 10000] [--one-pass] [--precision int8] [--backend torch]

``--backend torch --precision fp32 --one-pass`` is the former path (fp32 on sentence-transformers, one
pass): the baseline to measure in the same run of the machine.

With int8 the close calls are rechecked in fp32 as ``aligner align`` does (the fp32 model's load
is then part of "align").
"""
from __future__ import annotations

import argparse
import random
import resource
import time

from _bench_data import bench_available, load_sets

from aligner.align.aligner import AlignConfig
from aligner.align.refine import RefineConfig
from aligner.api import align_embedded, split
from aligner.embed import load_embedder
from aligner.evaluate import score


def sentence_pairs() -> list[tuple[str, str]]:
    """1-1 sentence pairs: from the bench sets when present, else generated."""
    if bench_available():
        pairs = []
        for docs in load_sets(["id-en-pud", "id-en-nusax", "id-en-bible"]).values():
            for d in docs:
                pairs += [(d.src[s[0]], d.tgt[t[0]]) for s, t in d.gold if len(s) == 1 and len(t) == 1]
        return pairs
    cities = ["Bandung", "Bekasi", "Bogor", "Depok", "Cirebon", "Garut", "Tasikmalaya", "Sukabumi"]
    return [
        (f"Pada tahun {2000 + k % 25}, Kota {cities[k % 8]} mencatat {k * 7 % 1000} kasus baru dan {k % 13} sekolah baru.",
         f"In {2000 + k % 25}, {cities[k % 8]} City recorded {k * 7 % 1000} new cases and {k % 13} new schools.")
        for k in range(3000)
    ]


BOILERPLATE = ["Share |", "Comments powered by Disqus", "Baca juga: berita lainnya", "ADVERTISEMENT", "Dibaca: 1.245 kali"]


def build(n: int, seed: int = 7):
    rng = random.Random(seed)
    pool = sentence_pairs()
    src, tgt, gold = [], [], []
    while len(src) < n:
        s, t = rng.choice(pool)
        r = rng.random()
        if r < 0.03:
            gold.append(((len(src),), ()))
            src.append(s)
        elif r < 0.06:
            gold.append(((), (len(tgt),)))
            tgt.append(t)
        elif r < 0.07:
            gold.append(((len(src),), ()))
            src.append(rng.choice(BOILERPLATE))
        else:
            gold.append(((len(src),), (len(tgt),)))
            src.append(s)
            tgt.append(t)
    return src, tgt, gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=10_000)
    parser.add_argument("--one-pass", action="store_true", help="without the second pass (as aligner align --one-pass)")
    parser.add_argument("--precision", default=None, help="encoder precision (int8, fp32, bf16; default: the embedder's auto)")
    parser.add_argument("--backend", default=None, help="torch: fp32 on sentence-transformers, not ONNX Runtime")
    args = parser.parse_args()
    src, tgt, gold = build(args.sentences)
    t0 = time.perf_counter()
    embedder = load_embedder(precision=args.precision, backend=args.backend)  # None: the embedder's auto
    t1 = time.perf_counter()
    src_s, tgt_s = split("\n".join(src), "id", segmented=True), split("\n".join(tgt), "en", segmented=True)
    emb = embedder.encode([s.text for s in src_s] + [s.text for s in tgt_s])
    t2 = time.perf_counter()
    windows = []

    def encode_windows(texts):  # the second pass's encoder calls, counted
        windows.append(len(texts))
        return embedder.encode(texts)

    exact_texts = []
    exact_encode = getattr(embedder, "exact_encode", None)  # int8: its close calls again in fp32

    def encode_exactly(texts):
        exact_texts.append(len(texts))
        return exact_encode(texts)

    config = AlignConfig(refine=RefineConfig(enabled=not args.one_pass))
    beads = align_embedded(src_s, tgt_s, emb[: len(src_s)], emb[len(src_s):], config, encode=encode_windows,
                           exact=encode_exactly if exact_encode is not None else None)
    t3 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fig = score(gold, [(b.src, b.tgt) for b in beads])
    print(f"{'sentences (src/tgt)':28s} {len(src)}/{len(tgt)}")
    print(f"{'encoder':28s} {embedder!r}")
    print(f"{'model load (s)':28s} {t1 - t0:.1f}")
    print(f"{'encode (s)':28s} {t2 - t1:.1f}  ({(len(src) + len(tgt)) / (t2 - t1):.0f} sentences/s)")
    rechecked = f"; close calls: {sum(exact_texts)} sentences and windows encoded again in fp32" if exact_encode else ""
    print(f"{'align (s)':28s} {t3 - t2:.1f}  (second pass encoded {sum(windows)} windows as text{rechecked})")
    print(f"{'total (s)':28s} {t3 - t0:.1f}")
    print(f"{'peak memory (MB)':28s} {peak_mb:.0f}  ({'under' if peak_mb < 2048 else 'OVER'} the 2 GB target)")
    print(f"{'strict F1 / lax F1':28s} {fig['strict_f1']:.3f} / {fig['lax_f1']:.3f}")


if __name__ == "__main__":
    main()
