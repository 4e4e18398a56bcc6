"""Batch speed: `aligner batch` vs one `aligner align` process per document, and summed sentence
embeddings vs encoding every window (bertalign/vecalign style); all measured in one run.

Usage:  python benchmarks/speed.py [--docs 200] [--sample 10] [--window-docs 10] [--workers N]

Documents (20-60 sentence pairs, 1-4 sentences per paragraph) are generated from the 1-1 pairs
of ../shared/bench/id-en-pud and id-en-nusax when present, else from templated sentences, and
written to a temporary folder. Rows:

* bare encoder: the default model encoding every sentence of the batch in one call (this
  process, torch's default threads): the physical limit of the pipeline.
* batch: `aligner batch` end to end (read, split, flag, encode, align, write parts, merge TMX),
  as a subprocess, worker start-up and model loads included; and the same without the one-time
  start-up (a one-document batch's time), the like-for-like comparison with the bare encoder;
  and `aligner batch --one-pass`, to show what the second pass (text windows where unsure) costs.
* per-document processes: `aligner align` on --sample documents, timed and extrapolated.
* window encoding: for --window-docs documents, every window of 1..4 consecutive sentences
  encoded as its own text (what bertalign/vecalign do), vs our single pass over sentences.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT))

from aligner.api import split  # noqa: E402
from aligner.read import read_text  # noqa: E402

ALIGNER = str(Path(sys.executable).with_name("aligner"))


def sentence_pairs() -> tuple[list[tuple[str, str]], str]:
    """1-1 sentence pairs from the bench sets, or templated ones."""
    pairs: list[tuple[str, str]] = []
    for set_name in ("id-en-pud",):  # one sentence per line (nusax lines hold several)
        folder = BENCH / set_name
        if not folder.is_dir():
            continue
        for doc in sorted(folder.iterdir()):
            if not (doc / "src.txt").is_file():
                continue
            src = (doc / "src.txt").read_text(encoding="utf-8").splitlines()
            tgt = (doc / "tgt.txt").read_text(encoding="utf-8").splitlines()
            gold = (doc / "gold.txt").read_text(encoding="utf-8").splitlines()
            if len(src) == len(tgt) == len(gold) and all(g == f"[{i}]:[{i}]" for i, g in enumerate(gold)):
                pairs += [(s.strip(), t.strip()) for s, t in zip(src, tgt) if s.strip() and t.strip()]
    if pairs:
        return pairs, f"{len(pairs)} 1-1 pairs of ../shared/bench/id-en-pud"
    rng = random.Random(1)
    towns = ["Bandung", "Bogor", "Depok", "Bekasi", "Cirebon", "Garut", "Sukabumi"]
    for k in range(600):
        town, n, year = rng.choice(towns), rng.randint(2, 900), rng.randint(2000, 2024)
        pairs.append((f"Pemerintah Kota {town} membangun {n} rumah baru untuk warga pada tahun {year}.",
                      f"The {town} city government built {n} new houses for residents in {year}."))
    return pairs, "600 templated pairs (../shared/bench absent)"


def write_corpus(folder: Path, docs: int, seed: int = 0) -> list[str]:
    """``docs`` pairs ``docNNN.id.txt``/``docNNN.en.txt`` of 20-60 sentences; returns their ids."""
    pool, _ = sentence_pairs()
    rng = random.Random(seed)
    ids = []
    for d in range(docs):
        chosen = rng.sample(pool, min(len(pool), rng.randint(20, 60)))
        src_lines, tgt_lines, k = [], [], 0
        while k < len(chosen):
            size = rng.randint(1, 4)
            src_lines.append(" ".join(s for s, _ in chosen[k : k + size]))
            tgt_lines.append(" ".join(t for _, t in chosen[k : k + size]))
            k += size
        doc_id = f"doc{d:04d}"
        (folder / f"{doc_id}.id.txt").write_text("\n".join(src_lines) + "\n", encoding="utf-8")
        (folder / f"{doc_id}.en.txt").write_text("\n".join(tgt_lines) + "\n", encoding="utf-8")
        ids.append(doc_id)
    return ids


def split_docs(folder: Path, ids: list[str]) -> list[tuple[list[str], list[str]]]:
    out = []
    for i in ids:
        src = [s.text for s in split(read_text(folder / f"{i}.id.txt"), "id")]
        tgt = [s.text for s in split(read_text(folder / f"{i}.en.txt"), "en")]
        out.append((src, tgt))
    return out


def windows(sentences: list[str], max_size: int = 4) -> list[str]:
    return [" ".join(sentences[i : i + k]) for k in range(1, max_size + 1) for i in range(len(sentences) - k + 1)]


def timed(fn, *args):
    t0 = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--sample", type=int, default=10, help="documents aligned one `aligner align` process each")
    ap.add_argument("--window-docs", type=int, default=10)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--bare-sentences", type=int, default=0, help="time the bare encoder on this many sentences (0: all)")
    args = ap.parse_args()

    from aligner.embed import load_embedder

    with tempfile.TemporaryDirectory(prefix="aligner-speed-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        corpus.mkdir()
        ids = write_corpus(corpus, args.docs)
        docs = split_docs(corpus, ids)
        texts = [s for src, tgt in docs for s in (*src, *tgt)]
        n_sent = len(texts)
        print(f"corpus: {args.docs} documents, {n_sent} sentences ({sentence_pairs()[1]}); cpus: {os.cpu_count()}")

        embedder, load_s = timed(load_embedder)
        embedder.encode(texts[:64])  # warm-up
        bare_texts = random.Random(2).sample(texts, args.bare_sentences) if 0 < args.bare_sentences < n_sent else texts
        _, bare_part_s = timed(embedder.encode, bare_texts)
        bare_s = bare_part_s * n_sent / len(bare_texts)

        cmd = [ALIGNER, "batch", str(corpus), "-o", str(tmp / "out")]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        done, batch_s = timed(lambda: subprocess.run(cmd, check=True, capture_output=True, text=True))
        summary = done.stdout.strip()
        one_pass_cmd = cmd[:4] + [str(tmp / "out-one-pass"), "--one-pass"] + cmd[5:]
        _, one_pass_s = timed(lambda: subprocess.run(one_pass_cmd, check=True, capture_output=True, text=True))
        # One-time start-up (process, imports, worker spawn, model load per worker), measured on a
        # one-document corpus, so the batch's throughput compares like for like with the bare
        # encoder row, whose model load is not counted either.
        one = tmp / "one"
        one.mkdir()
        for side in ("id", "en"):
            (one / f"{ids[0]}.{side}.txt").write_text((corpus / f"{ids[0]}.{side}.txt").read_text(encoding="utf-8"), encoding="utf-8")
        startup_cmd = [ALIGNER, "batch", str(one), "-o", str(tmp / "out-one")] + cmd[5:]
        _, startup_s = timed(lambda: subprocess.run(startup_cmd, check=True, capture_output=True, text=True))

        sample = ids[: args.sample]
        proc_s = []
        for i in sample:
            _, s = timed(lambda: subprocess.run([ALIGNER, "align", str(corpus / f"{i}.id.txt"), str(corpus / f"{i}.en.txt"),
                                                 "-o", str(tmp / f"{i}.tmx")], check=True, capture_output=True))
            proc_s.append(s)
        sample_sent = sum(len(a) + len(b) for a, b in docs[: args.sample])
        per_doc_s = sum(proc_s) / len(proc_s)
        per_doc_total = per_doc_s * args.docs

        wdocs = docs[: args.window_docs]
        sent_w = [s for src, tgt in wdocs for s in (*src, *tgt)]
        win_w = [w for src, tgt in wdocs for side in (src, tgt) for w in windows(side)]
        _, ours_enc_s = timed(embedder.encode, sent_w)
        _, win_enc_s = timed(embedder.encode, win_w)

    rows = [
        (f"bare encoder (1 process, one call on {len(bare_texts)} of them)", n_sent, bare_s, "physical limit"),
        (f"aligner batch end to end ({args.workers or 'default'} workers)", n_sent, batch_s,
         f"{(n_sent / batch_s) / (n_sent / bare_s):.0%} of bare encoder, start-up included"),
        ("aligner batch without its one-time start-up", n_sent, batch_s - startup_s,
         f"{(n_sent / (batch_s - startup_s)) / (n_sent / bare_s):.0%} of bare encoder (start-up {startup_s:.1f}s)"),
        ("aligner batch --one-pass (no second pass), end to end", n_sent, one_pass_s,
         f"second pass costs {batch_s / one_pass_s - 1:.0%} here"),
        (f"aligner align, 1 process/doc (mean of {len(sample)} docs x {args.docs})", n_sent, per_doc_total,
         f"batch is {per_doc_total / batch_s:.1f}x faster"),
        (f"encode sentences once ({len(wdocs)} docs)", len(sent_w), ours_enc_s, "ours: sums (text only where unsure)"),
        (f"encode every 1..4 window ({len(win_w)} texts)", len(sent_w), win_enc_s,
         f"{win_enc_s / ours_enc_s:.1f}x our encoding time"),
    ]
    print(f"model load {load_s:.1f}s (not in the rows); per-document process: {per_doc_s:.1f}s "
          f"({sample_sent} sentences in the sample)")
    print(f"{'what':<62} {'sentences':>9} {'seconds':>8} {'sent/s':>7}  note")
    for what, n, s, note in rows:
        print(f"{what:<62} {n:>9} {s:>8.1f} {n / s:>7.0f}  {note}")
    print(f"batch summary: {summary}")


if __name__ == "__main__":
    main()
