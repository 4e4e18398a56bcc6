"""Accuracy on ../shared/bench: ours vs NLTK's Gale–Church, measured in the same run.

Every set is aligned ``--segmented`` (one sentence per line, as the gold is). Prints strict and lax
precision/recall/F1 (vecalign's definitions), recall of 1-1 and n-m gold beads, F1 over unaligned
sentences, and seconds per set; ``--halves`` adds the figures on each half (fit/test) of every set.

    python benchmarks/accuracy.py [--sets id-en-pud-hard ...] [--halves] [--model NAME]
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict

from _bench_data import BenchDoc, bench_available, load_sets

from aligner.api import align
from aligner.embed import load_embedder
from aligner.evaluate import BeadPair, score


def gale_church(doc: BenchDoc) -> list[BeadPair]:
    """NLTK's Gale–Church on character lengths, links grouped into beads; unlinked lines are 1-0/0-1."""
    from nltk.translate.gale_church import align_blocks

    links = align_blocks([max(len(s), 1) for s in doc.src], [max(len(t), 1) for t in doc.tgt])
    beads: list[tuple[list[int], list[int]]] = []
    for i, j in sorted(links):
        if beads and (i in beads[-1][0] or j in beads[-1][1]):
            if i not in beads[-1][0]:
                beads[-1][0].append(i)
            if j not in beads[-1][1]:
                beads[-1][1].append(j)
        else:
            beads.append(([i], [j]))
    linked_src = {i for i, _ in links}
    linked_tgt = {j for _, j in links}
    beads += [([i], []) for i in range(len(doc.src)) if i not in linked_src]
    beads += [([], [j]) for j in range(len(doc.tgt)) if j not in linked_tgt]
    beads.sort(key=lambda b: (min(b[0]) if b[0] else -1, min(b[1]) if b[1] else -1))
    return [(tuple(s), tuple(t)) for s, t in beads]


def ours(embedder):
    def run(doc: BenchDoc) -> list[BeadPair]:
        result = align("\n".join(doc.src), "\n".join(doc.tgt), segmented=True, model=embedder)
        return [(b.src, b.tgt) for b in result.beads]

    return run


COLUMNS = ["strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1", "recall_1-1", "recall_n-m", "unaligned_f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", help="only these sets")
    parser.add_argument("--halves", action="store_true", help="also report the fit and test halves")
    parser.add_argument("--model", default=None, help="embedding model (default: bundled e5-small)")
    args = parser.parse_args()
    if not bench_available():
        print("accuracy: ../shared/bench not found; skipping")
        return
    embedder = load_embedder(args.model)
    systems = {"ours": ours(embedder), "galechurch": gale_church}
    header = f"{'set':18s} {'system':11s} {'part':5s} " + " ".join(f"{c.replace('recall_', 'r'):>9s}" for c in COLUMNS) + f" {'seconds':>8s}"
    print(header)
    print("-" * len(header))
    for set_name, docs in load_sets(args.sets).items():
        for system, fn in systems.items():
            start = time.perf_counter()
            preds = [fn(d) for d in docs]
            seconds = time.perf_counter() - start
            parts = {"all": list(range(len(docs)))}
            if args.halves:
                parts["fit"] = [k for k, d in enumerate(docs) if d.half == "fit"]
                parts["test"] = [k for k, d in enumerate(docs) if d.half == "test"]
            for part, idx in parts.items():
                fig = defaultdict(lambda: float("nan"), score([docs[k].gold for k in idx], [preds[k] for k in idx]))
                cells = " ".join(f"{fig[c]:9.3f}" for c in COLUMNS)
                print(f"{set_name:18s} {system:11s} {part:5s} {cells} {seconds if part == 'all' else float('nan'):8.1f}", flush=True)


if __name__ == "__main__":
    main()
