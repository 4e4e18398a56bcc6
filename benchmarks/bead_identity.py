"""Dump every bead (indexes and scores) the aligner gives on ../shared/bench, or compare two dumps.

A refactor of the alignment core must not change a single bead: run this before the change with
``--out OLD.json`` and after it with ``--compare OLD.json``. Every set is aligned ``--segmented``
with its own languages (``BenchDoc.langs``), the default model in fp32 and both passes, as
``benchmarks/accuracy.py`` does. ``--cache DIR`` keeps every sentence and window vector on disk,
keyed by the sha256 of the text (and the model), so repeated runs skip the encoder and both runs
see bit-identical vectors. A ``long`` set (all id-en-pud-hard documents in one) exercises the
coarse band, which the bench documents are too short to reach.

    python benchmarks/bead_identity.py --out beads.json [--cache /tmp/bead-cache] [--sets ...]
    python benchmarks/bead_identity.py --compare beads.json [--out new.json] [--cache /tmp/bead-cache]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

from _bench_data import BenchDoc, bench_available, load_sets

import numpy as np

from aligner.api import align
from aligner.embed import load_embedder
from aligner.evaluate import score

LONG_SET = "long"
"""All documents of this set concatenated into one, so that the coarse band runs."""
LONG_FROM = "id-en-pud-hard"


class CachedEmbedder:
    """An embedder whose vectors are kept in ``folder``, keyed by sha256 of model and text.

    Each encode call that misses writes one shard (``.npz``: keys and vectors); all shards are read
    at start. Texts missing from the cache are encoded in one call, in their order, deduplicated.
    """

    def __init__(self, inner, folder: Optional[Path]) -> None:
        self.inner, self.folder = inner, folder
        self.name, self.dim = getattr(inner, "name", ""), inner.dim
        self.store: dict[str, np.ndarray] = {}
        self.hits = self.misses = 0
        self.calls: list[int] = []
        """Texts per encode call (an alignment makes one for its sentences, then one for its windows)."""
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            for shard in sorted(folder.glob("*.npz")):
                with np.load(shard) as data:
                    self.store.update(zip(data["keys"].tolist(), data["vectors"]))

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0fp32\0{text}".encode("utf-8")).hexdigest()

    def encode(self, sentences: Sequence[str], progress=None) -> np.ndarray:
        self.calls.append(len(sentences))
        keys = [self._key(t) for t in sentences]
        missing: dict[str, str] = {}
        for k, t in zip(keys, sentences):
            if k not in self.store and k not in missing:
                missing[k] = t
        self.misses += len(missing)
        self.hits += len(keys) - len(missing)
        if missing:
            vectors = np.asarray(self.inner.encode(list(missing.values())), dtype=np.float32)
            self.store.update(zip(missing, vectors))
            if self.folder is not None:
                digest = hashlib.sha256("\0".join(missing).encode()).hexdigest()[:24]
                tmp = self.folder / f".{digest}.tmp.npz"
                np.savez(tmp, keys=np.array(list(missing)), vectors=vectors)
                tmp.rename(self.folder / f"{digest}.npz")
        if progress is not None:
            progress(len(sentences))
        if not keys:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self.store[k] for k in keys]).astype(np.float32)


def long_document(docs: list[BenchDoc]) -> BenchDoc:
    """The documents of one set as a single document (gold unused here)."""
    return BenchDoc(LONG_SET, LONG_SET, [s for d in docs for s in d.src], [t for d in docs for t in d.tgt], [],
                    docs[0].langs)


def dump(embedder: CachedEmbedder, sets: Optional[list[str]]) -> dict:
    """``{set: {doc: [[src, tgt, score], ...]}}`` over the bench sets (and the long document).

    Prints per set on stderr: seconds, window texts the second pass encoded per sentence, and
    strict F1 against the gold (not for the long document).
    """
    loaded = load_sets(sets)
    if sets is None or LONG_SET in sets:
        source = load_sets([LONG_FROM]).get(LONG_FROM)
        if source:
            loaded[LONG_SET] = [long_document(source)]
    out: dict = {}
    for set_name, docs in loaded.items():
        start = time.perf_counter()
        out[set_name] = {}
        windows = sentences = 0
        for doc in docs:
            src_lang, tgt_lang = doc.langs
            embedder.calls.clear()
            result = align("\n".join(doc.src), "\n".join(doc.tgt), segmented=True, model=embedder,
                           src_lang=src_lang, tgt_lang=tgt_lang)
            out[set_name][doc.name] = [[list(b.src), list(b.tgt), b.score] for b in result.beads]
            windows += sum(embedder.calls[1:])
            sentences += len(doc.src) + len(doc.tgt)
        gold = [d.gold for d in docs if d.gold]
        f1 = score(gold, [[(tuple(s), tuple(t)) for s, t, _ in out[set_name][d.name]] for d in docs if d.gold])[
            "strict_f1"] if gold else float("nan")
        print(f"{set_name:20s} {len(docs):4d} docs {time.perf_counter() - start:7.1f} s  "
              f"windows/sentence {windows / max(sentences, 1):.3f}  strict_f1 {f1:.4f}", file=sys.stderr, flush=True)
    return out


def compare(old: dict, new: dict, tol: float = 1e-6) -> int:
    """Print beads / beads differing / scores differing per set; return the total number of differences."""
    print(f"{'set':20s} {'docs':>5s} {'beads':>7s} {'beads differing':>16s} {'scores differing':>17s}")
    total = 0
    for set_name in sorted(set(old) | set(new)):
        o, n = old.get(set_name, {}), new.get(set_name, {})
        beads = differing = scores = 0
        for doc in sorted(set(o) | set(n)):
            ob = {(tuple(s), tuple(t)): sc for s, t, sc in o.get(doc, [])}
            nb = {(tuple(s), tuple(t)): sc for s, t, sc in n.get(doc, [])}
            beads += len(nb)
            differing += len(set(ob) ^ set(nb))
            scores += sum(1 for k in set(ob) & set(nb) if abs(ob[k] - nb[k]) > tol)
        docs = f"{len(n)}" if set(o) == set(n) else f"{len(n)}/{len(o)}"
        print(f"{set_name:20s} {docs:>5s} {beads:7d} {differing:16d} {scores:17d}")
        total += differing + scores + len(set(o) ^ set(n))
    print(f"total differences: {total}")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the beads of this run here (JSON)")
    parser.add_argument("--compare", type=Path, help="compare this run with an earlier dump")
    parser.add_argument("--cache", type=Path, help="folder of cached sentence/window vectors (default: none)")
    parser.add_argument("--sets", nargs="*", help=f"only these sets ('{LONG_SET}': the long document)")
    args = parser.parse_args()
    if not bench_available():
        print("bead_identity: ../shared/bench not found; skipping")
        return 0
    if args.out is None and args.compare is None:
        parser.error("give --out, --compare or both")
    embedder = CachedEmbedder(load_embedder(None, precision="fp32"), args.cache)
    beads = dump(embedder, args.sets)
    print(f"encoder: {embedder.misses} texts encoded, {embedder.hits} from the cache", file=sys.stderr)
    if args.out is not None:
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_text(json.dumps(beads), encoding="utf-8")
        tmp.replace(args.out)
    if args.compare is not None:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        if args.sets:
            old = {k: v for k, v in old.items() if k in args.sets}
        return 1 if compare(old, beads) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
