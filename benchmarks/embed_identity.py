"""Do two builds of the e5 model folder (or two versions of the embedder) give the same output?

Usage:
  python benchmarks/embed_identity.py dump --cache-dir DIR --out a.npz [--n 300] [--precision fp32]
  python benchmarks/embed_identity.py compare a.npz b.npz

``dump`` loads the bundled e5 model from the cache root ``DIR`` (building it there if absent),
tokenises every line of ../shared/bench (src.txt and tgt.txt of every document, with the
``"passage: "`` prefix, through the folder's ``tokenizer.json``) and embeds ``--n`` of them (every
k-th line, so all sets and lengths are represented) with ``load_embedder(...).encode``.
``compare`` prints how many lines tokenise differently and the largest |difference| of the vectors.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT.parent / "shared" / "bench"


def bench_lines() -> list[str]:
    """Every line of every bench document, in a fixed order."""
    lines: list[str] = []
    for doc in sorted(p for p in BENCH.glob("*/*") if p.is_dir()):
        for side in ("src.txt", "tgt.txt"):
            if (doc / side).is_file():
                lines += (doc / side).read_text(encoding="utf-8").splitlines()
    return lines


def dump(cache_dir: Path, out: Path, n: int, precision: str) -> None:
    from tokenizers import Tokenizer

    from aligner.embed import ensure_e5_model, load_embedder

    lines = bench_lines()
    if not lines:
        sys.exit(f"error: no bench data under {BENCH}")
    folder = ensure_e5_model(cache_dir)
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    ids = [e.ids for e in tok.encode_batch(["passage: " + s.strip() for s in lines])]
    step = max(1, len(lines) // n)
    sample = lines[::step][:n]
    vectors = load_embedder(cache_dir=cache_dir, precision=precision).encode(sample)
    flat = np.concatenate([np.asarray(r, dtype=np.int64) for r in ids])
    np.savez(out, lengths=np.array([len(r) for r in ids]), ids=flat, vectors=vectors, n_lines=len(lines))
    print(f"{len(lines)} lines tokenised, {len(sample)} embedded ({precision}) from {folder} -> {out}")


def compare(a: Path, b: Path) -> None:
    x, y = np.load(a), np.load(b)
    if int(x["n_lines"]) != int(y["n_lines"]):
        sys.exit("error: the dumps cover different lines")
    xs = np.split(x["ids"], np.cumsum(x["lengths"])[:-1])
    ys = np.split(y["ids"], np.cumsum(y["lengths"])[:-1])
    differ = sum(1 for p, q in zip(xs, ys) if not np.array_equal(p, q))
    diff = np.abs(x["vectors"] - y["vectors"])
    print(f"token ids: {differ} of {len(xs)} lines differ")
    print(f"vectors: {len(diff)} rows, max |diff| {diff.max():.3g}, rows bitwise equal "
          f"{int((diff.max(axis=1) == 0).sum())}, min cosine {(x['vectors'] * y['vectors']).sum(1).min():.9f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--cache-dir", type=Path, required=True)
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--n", type=int, default=300)
    d.add_argument("--precision", default="fp32")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.cache_dir, args.out, args.n, args.precision)
    else:
        compare(args.a, args.b)


if __name__ == "__main__":
    main()
