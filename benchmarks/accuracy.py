"""Accuracy on ../shared/bench: ours vs Gale–Church, bertalign and vecalign, measured in the same run.

Every set is aligned ``--segmented`` (one sentence per line, as the gold is), with the set's own
languages (``BenchDoc.langs``: meta.json or the set's README, e.g. de/fr for Text+Berg). Baselines: NLTK's
Gale–Church, and re-implementations of bertalign's two-pass algorithm and of vecalign's cost and
DP (``benchmarks/baselines/``), both run with our embedder on windows embedded as concatenated
text, as they do. Prints strict and lax precision/recall/F1 (vecalign's definitions), recall of
1-1 and n-m gold beads, F1 over unaligned sentences, the area under the precision–coverage curve
of our confidences (``auc_pc``), and seconds per set (for the two embedding baselines: their
window encoding plus their DP). ``--halves`` adds each half (fit/test) of every set.

    python benchmarks/accuracy.py [--sets id-en-pud-hard ...] [--halves] [--model NAME] [--no-baselines]
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict

from _bench_data import BenchDoc, bench_available, load_sets

import numpy as np
from baselines import bertalign_like, vecalign_like
from baselines.overlaps import encode_overlaps, overlap_lengths

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


def ours(embedder, confidences: dict):
    def run(doc: BenchDoc) -> list[BeadPair]:
        src_lang, tgt_lang = doc.langs
        result = align("\n".join(doc.src), "\n".join(doc.tgt), segmented=True, model=embedder,
                       src_lang=src_lang, tgt_lang=tgt_lang)
        confidences[doc.name] = {(b.src, b.tgt): b.score for b in result.beads if b.is_pair}
        return [(b.src, b.tgt) for b in result.beads]

    return run


def overlap_baselines(embedder, max_size: int = 4):
    """bertalign and vecalign re-implementations sharing one encoding of every window per document.

    The encoding happens inside bertalign's run (so its wall time includes it); vecalign reuses it
    and is charged the same encoding seconds through ``charged``.
    """
    cache: dict = {}
    charged = [0.0]

    def encoded(doc: BenchDoc):
        key = (doc.set_name, doc.name)
        if key not in cache:
            start = time.perf_counter()
            sv, tv = encode_overlaps(embedder, doc.src, max_size), encode_overlaps(embedder, doc.tgt, max_size)
            cache[key] = (sv, tv, time.perf_counter() - start)
        return cache[key]

    def bert(doc: BenchDoc) -> list[BeadPair]:
        sv, tv, _ = encoded(doc)
        return bertalign_like.align(sv, tv, overlap_lengths(doc.src, max_size), overlap_lengths(doc.tgt, max_size))

    def vec(doc: BenchDoc) -> list[BeadPair]:
        sv, tv, seconds = encoded(doc)
        charged[0] += seconds
        return vecalign_like.align(sv, tv)

    return {"bertalign": bert, "vecalign": vec}, charged


def precision_coverage_auc(scored: list[tuple[float, bool]]) -> float:
    """Area under precision vs coverage when pairs are kept from the most confident down."""
    if not scored:
        return float("nan")
    correct = np.array([c for _, c in sorted(scored, key=lambda x: -x[0])], dtype=float)
    return float(np.mean(np.cumsum(correct) / np.arange(1, len(correct) + 1)))


COLUMNS = ["strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1", "recall_1-1", "recall_n-m", "unaligned_p",
           "unaligned_f1", "auc_pc"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", help="only these sets")
    parser.add_argument("--halves", action="store_true", help="also report the fit and test halves")
    parser.add_argument("--model", default=None, help="embedding model (default: bundled e5-small)")
    parser.add_argument("--no-baselines", action="store_true", help="skip the bertalign/vecalign re-implementations")
    parser.add_argument("--precision", default=None, help="encoder precision (e.g. fp32; default: the embedder's auto)")
    args = parser.parse_args()
    if not bench_available():
        print("accuracy: ../shared/bench not found; skipping")
        return
    embedder = load_embedder(args.model, precision=args.precision)
    confidences: dict = {}
    systems = {"ours": ours(embedder, confidences), "galechurch": gale_church}
    timer = [0.0]
    if not args.no_baselines:
        extra, timer = overlap_baselines(embedder)
        systems.update(extra)
    header = f"{'set':18s} {'system':11s} {'part':5s} " + " ".join(
        f"{c.replace('recall_', 'r').replace('unaligned_', 'un_'):>9s}" for c in COLUMNS) + f" {'seconds':>8s}"
    print(header)
    print("-" * len(header))
    for set_name, docs in load_sets(args.sets).items():
        for system, fn in systems.items():
            timer[0] = 0.0
            start = time.perf_counter()
            preds = [fn(d) for d in docs]
            seconds = time.perf_counter() - start
            seconds += timer[0]  # vecalign: the window encoding it reused from bertalign's run
            parts = {"all": list(range(len(docs)))}
            if args.halves:
                parts["fit"] = [k for k, d in enumerate(docs) if d.half == "fit"]
                parts["test"] = [k for k, d in enumerate(docs) if d.half == "test"]
            for part, idx in parts.items():
                fig = defaultdict(lambda: float("nan"), score([docs[k].gold for k in idx], [preds[k] for k in idx]))
                if system == "ours":
                    fig["auc_pc"] = precision_coverage_auc([
                        (conf, bead in set(docs[k].gold)) for k in idx for bead, conf in confidences[docs[k].name].items()
                    ])
                cells = " ".join(f"{fig[c]:9.3f}" for c in COLUMNS)
                print(f"{set_name:18s} {system:11s} {part:5s} {cells} {seconds if part == 'all' else float('nan'):8.1f}", flush=True)


if __name__ == "__main__":
    main()
