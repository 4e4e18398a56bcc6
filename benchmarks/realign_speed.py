"""Re-alignment speed of an AlignmentSession on a 2,000 + 2,000-sentence pair (target: under 1 s with 100 anchors).

The pair is real bench documents put end to end (../shared/bench id-en sets, gold known), or, when
../shared is absent, the bundled sample repeated. The embedder is the default model (bundled
multilingual-e5-small, precision ``auto``: bf16 where the CPU has it, else fp32; the table says
which). Times are wall-clock on a shared machine: compare them with the baseline of the same run
(an anchored alignment that encodes its windows, as ``aligner.align(..., anchors=...)`` does).

    flock /tmp/aligner-cpu.lock python benchmarks/realign_speed.py [--sentences 2000] [--anchors 100] [--precision fp32]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _bench_data import bench_available, load_sets

from aligner import AlignmentSession
from aligner.api import align_embedded, split
from aligner.embed import load_embedder
from aligner.evaluate import score

DATA = Path(__file__).resolve().parents[1] / "data"


def build(n: int) -> tuple[list[str], list[str], list]:
    """About ``n`` sentences per side, one per line, and the gold beads of the pair."""
    docs = []
    if bench_available():
        for set_docs in load_sets(["id-en-bible", "id-en-pud", "id-en-nusax"]).values():
            docs += [(d.src, d.tgt, d.gold) for d in set_docs]
    if not docs:
        sample = [(DATA / f"jabar-gojek-2019.{lang}.txt").read_text(encoding="utf-8") for lang in ("id", "en")]
        src = [s.text for s in split(sample[0], "id")]
        tgt = [s.text for s in split(sample[1], "en")]
        docs = [(src, tgt, None)]
    src, tgt, gold = [], [], []
    while len(src) < n or len(tgt) < n:
        for s, t, g in docs:
            if len(src) >= n and len(tgt) >= n:
                break
            if g is not None and gold is not None:
                gold += [(tuple(i + len(src) for i in a), tuple(j + len(tgt) for j in b)) for a, b in g]
            else:
                gold = None
            src += s
            tgt += t
    return src, tgt, gold


def spaced_anchors(gold: list | None, result, k: int) -> list:
    """``k`` pair beads spread evenly over the document: gold ones when known, else the first alignment's."""
    pool = [b for b in gold if b[0] and b[1]] if gold else [(b.src, b.tgt) for b in result.beads if b.is_pair]
    step = max(1, len(pool) // k)
    return pool[step // 2 :: step][:k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--anchors", type=int, default=100)
    parser.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16", "int8"],
                        help="the embedder's precision (auto: bf16 where the CPU has it, else fp32)")
    args = parser.parse_args()
    src, tgt, gold = build(args.sentences)
    embedder = load_embedder(precision=args.precision)
    precision = getattr(embedder, "precision", "fp32")
    rows = []

    t = time.perf_counter()
    session = AlignmentSession.from_texts("\n".join(src), "\n".join(tgt), segmented=True, model=embedder)
    rows.append(("session creation (split + encode sentences)", time.perf_counter() - t, session.encoder_calls))

    t = time.perf_counter()
    first = session.align()
    rows.append(("first align (both passes, windows encoded)", time.perf_counter() - t, session.encoder_calls))
    anchors = spaced_anchors(gold, first, args.anchors)

    calls = session.encoder_calls
    t = time.perf_counter()
    again = session.align()
    rows.append(("re-align, nothing changed", time.perf_counter() - t, session.encoder_calls - calls))

    t = time.perf_counter()
    anchored = session.align(anchors)
    realign = time.perf_counter() - t
    rows.append((f"re-align, {len(anchors)} anchors", realign, session.encoder_calls - calls))

    extra = spaced_anchors(gold, first, 2 * args.anchors)
    one_more = sorted(set(anchors) | {next(a for a in extra if a not in set(anchors))})
    t = time.perf_counter()
    session.align(one_more)
    rows.append((f"re-align, {len(one_more)} anchors (one more confirmed)", time.perf_counter() - t,
                 session.encoder_calls - calls))

    counting = _Counting(embedder)
    t = time.perf_counter()
    baseline = align_embedded(session.src_sentences, session.tgt_sentences, session.src_emb, session.tgt_emb,
                              session.config, encode=counting.encode, anchors=anchors)
    rows.append((f"baseline: align_embedded, {len(anchors)} anchors (encodes)", time.perf_counter() - t,
                 counting.calls))

    print(f"{len(session.src_sentences)} + {len(session.tgt_sentences)} sentences, {embedder.name} ({precision}), "
          f"{'bench documents' if gold else 'bundled sample repeated'}")
    print(f"{'step':<52} {'seconds':>8} {'encoder calls':>14}")
    for name, seconds, n_calls in rows:
        print(f"{name:<52} {seconds:8.3f} {n_calls:14d}")
    print(f"re-align with anchors / baseline: {realign / rows[-1][1]:.2f}")
    same = [(b.src, b.tgt) for b in anchored.beads] == [(b.src, b.tgt) for b in baseline]
    print(f"anchored re-align beads equal the baseline's: {same}; unanchored re-align equals the first: "
          f"{[(b.src, b.tgt, b.score) for b in again.beads] == [(b.src, b.tgt, b.score) for b in first.beads]}")
    if gold:
        for name, beads in (("first align", [(b.src, b.tgt) for b in first.beads]),
                            (f"re-align, {len(anchors)} gold anchors (counted too)", [(b.src, b.tgt) for b in anchored.beads]),
                            ("baseline, same anchors", [(b.src, b.tgt) for b in baseline])):
            print(f"{name}: strict F1 {score(gold, beads)['strict_f1']:.4f}")
    print(f"target: re-align with {args.anchors} anchors under 1 s: {'met' if realign < 1.0 else 'NOT met'} ({realign:.3f} s)")
    return 0


class _Counting:
    def __init__(self, embedder) -> None:
        self.embedder, self.calls = embedder, 0

    def encode(self, texts):
        self.calls += 1
        return self.embedder.encode(texts)


if __name__ == "__main__":
    sys.exit(main())
