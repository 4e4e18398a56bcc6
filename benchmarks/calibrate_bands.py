"""Calibrate the confidence bands (``aligner.bands``) on ../shared/bench.

Aligns every bench document with the default aligner (``--segmented``, as the gold is), marks each
predicted pair correct when it equals a gold bead, and prints per threshold and per set the
coverage (share of predicted pairs at or above it) and precision (share of those that are
correct), then the same for the current ``GOOD``/``CHECK`` thresholds.

    python benchmarks/calibrate_bands.py [--sets ...] [--cache /tmp/aligner-bands.pkl] [--model NAME]

The alignments are cached (pickle of predicted beads per document) so that re-runs only score.
"""
from __future__ import annotations

import argparse
import pickle
from pathlib import Path

from _bench_data import bench_available, load_sets

from aligner.api import align
from aligner.bands import CHECK, GOOD, band

THRESHOLDS = [0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995]


def predictions(sets, cache: Path, model: str | None) -> dict[str, list[list[tuple[tuple, tuple, float]]]]:
    """Predicted beads ``(src, tgt, score)`` per set and document, from ``cache`` when present."""
    cached = pickle.loads(cache.read_bytes()) if cache.is_file() else {}
    missing = [name for name in sets if name not in cached]
    if missing:
        from aligner.embed import load_embedder

        embedder = load_embedder(model)
        for name in missing:
            cached[name] = [
                [(b.src, b.tgt, b.score) for b in align("\n".join(d.src), "\n".join(d.tgt), segmented=True, model=embedder,
                                                                 src_lang=d.langs[0], tgt_lang=d.langs[1]).beads]
                for d in sets[name]
            ]
            cache.write_bytes(pickle.dumps(cached))
    return {name: cached[name] for name in sets}


def labelled_pairs(docs, preds) -> list[tuple[float, bool]]:
    """``(score, correct)`` for every predicted pair (both sides non-empty) of a set."""
    out = []
    for doc, beads in zip(docs, preds):
        gold = {(tuple(s), tuple(t)) for s, t in doc.gold}
        out += [(score, (src, tgt) in gold) for src, tgt, score in beads if src and tgt]
    return out


def row(label: str, pairs: list[tuple[float, bool]], keep) -> str:
    kept = [ok for score, ok in pairs if keep(score)]
    cov = len(kept) / len(pairs) if pairs else float("nan")
    prec = sum(kept) / len(kept) if kept else float("nan")
    return f"{cov:6.3f} {prec:6.3f} {len(kept):5d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", help="only these sets")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/aligner-bands.pkl"))
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    if not bench_available():
        print("calibrate_bands: ../shared/bench not found; skipping")
        return
    sets = load_sets(args.sets)
    preds = predictions(sets, args.cache, args.model)
    labelled = {name: labelled_pairs(sets[name], preds[name]) for name in sets}
    labelled["ALL"] = [p for name in sets for p in labelled[name]]
    names = list(labelled)
    print("coverage / precision / pairs of predicted pairs with score >= threshold (strict: pair equals a gold bead)")
    print(f"{'threshold':>9s} " + " ".join(f"{n[6:] or n:>20s}" for n in names))
    for t in THRESHOLDS:
        print(f"{t:9.2f} " + " ".join(f"{row(n, labelled[n], lambda s, t=t: s >= t):>20s}" for n in names))
    print()
    print(f"bands: good >= {GOOD}, check >= {CHECK}, bad below")
    for b in ("good", "check", "bad"):
        print(f"{b:>9s} " + " ".join(f"{row(n, labelled[n], lambda s, b=b: band(s) == b):>20s}" for n in names))


if __name__ == "__main__":
    main()
