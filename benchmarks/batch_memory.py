"""Batch memory: peak RSS of a long `run_batch` at 1,000 / 2,500 / 5,000 documents (flat = good).

Usage:  python benchmarks/batch_memory.py [--docs 5000] [--workers 1]

Runs in this process (``--workers 1``: reading, splitting, encoding, aligning and part writing
all happen here, so its RSS is the whole pipeline's) with the model-free hashing embedder, on
generated documents of 4-12 sentence pairs, then merges everything into one TMX. Prints the
peak RSS (ru_maxrss) and current RSS at each checkpoint and after the merge.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from aligner.batch import BatchOptions, run_batch  # noqa: E402
from aligner.embed.hashing import HashingEmbedder  # noqa: E402
from test_batch import make_doc  # noqa: E402

CHECKPOINTS = (1000, 2500, 5000)


def rss_mib() -> tuple[float, float]:
    """(peak, current) resident set size in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open("/proc/self/statm") as fh:
        current = int(fh.read().split()[1]) * resource.getpagesize() / 2**20
    return peak, current


class Checkpoints:
    """A BatchProgress that samples memory as documents finish."""

    def __init__(self, marks: tuple[int, ...]) -> None:
        self.marks, self.done, self.rows, self.t0 = list(marks), 0, [], time.perf_counter()

    def start(self, total_docs: int, done_docs: int) -> None:
        self.done = done_docs

    def advance(self, docs: int, sentences: int) -> None:
        self.done += docs
        while self.marks and self.done >= self.marks[0]:
            self.rows.append((f"{self.marks.pop(0):,} documents aligned", *rss_mib(), time.perf_counter() - self.t0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="aligner-mem-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        rng = random.Random(0)
        for d in range(args.docs):
            src, tgt = make_doc(rng, rng.randint(4, 12))
            (folder / f"doc{d:05d}.id.txt").write_text(src, encoding="utf-8")
            (folder / f"doc{d:05d}.en.txt").write_text(tgt, encoding="utf-8")
        progress = Checkpoints(tuple(c for c in CHECKPOINTS if c <= args.docs))
        start = ("before the run", *rss_mib(), 0.0)
        summary = run_batch(folder, Path(tmp) / "out", BatchOptions(loader=HashingEmbedder, workers=args.workers), progress)
        rows = [start, *progress.rows, ("after merging the corpus TMX", *rss_mib(), time.perf_counter() - progress.t0)]
        size = (Path(tmp) / "out" / "corpus.tmx").stat().st_size / 2**20
    print(f"{args.docs} documents, {summary.merged.sentences} sentences, {summary.merged.pairs_written} pairs, "
          f"corpus.tmx {size:.1f} MiB, workers {args.workers}")
    print(f"{'checkpoint':<32} {'peak RSS MiB':>12} {'RSS MiB':>8} {'seconds':>8}")
    for what, peak, cur, secs in rows:
        print(f"{what:<32} {peak:>12.1f} {cur:>8.1f} {secs:>8.1f}")


if __name__ == "__main__":
    main()
