"""Speed on this CPU, in one run: fp32 vs int8 encoders, `aligner align` end to end, `aligner batch`,
and two processes side by side; ratios are against baselines measured in the same run.

Usage:  python benchmarks/speed.py [--docs 200] [--concurrent 2] [--workers N] [--extra]

Rows (the 2,000 sentences are the src+tgt lines of ../shared/bench/id-en-pud, or templated ones):

* bare fp32 (torch, as sentence-transformers runs it: the baseline), fp32 on ONNX Runtime (what
  fp32 runs on by default on a CPU) and int8 encoders: the default model in this process
  (`load_embedder(precision=..., backend=...)`, threads: the cores available), one `encode` call on
  the 2,000 sentences after a warm-up; model load not counted.
* `aligner align --segmented` end to end, fp32 and int8: a subprocess aligning those 1,000+1,000
  lines, start-up and model load included.
* `aligner batch --precision int8` on --docs generated documents (20-60 sentence pairs each,
  from the same pairs), end to end as a subprocess; compared with the bare int8 encoder.
* --concurrent N: N `aligner align --segmented --precision int8` processes started together,
  each with its default threads; each one's throughput against 1/N of the single process's.
* --extra: also the batch's one-time start-up, `--one-pass`, one `aligner align` process per
  document, and encoding every 1..4 window vs our single pass over sentences.

Run it alone (under `flock /tmp/aligner-cpu.lock` where the CPU is shared).
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


TORCH_E2E = """
import sys
from aligner import align_files, write_alignment
from aligner.embed import load_embedder
result = align_files(sys.argv[1], sys.argv[2], segmented=True, model=load_embedder(precision="fp32", backend="torch"))
write_alignment(result, sys.argv[3])
"""
"""`aligner align --segmented` with fp32 on torch (sentence-transformers), as a process: the API call
the command makes, with the embedder loaded on torch (the command has no switch for it)."""


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


def run(cmd: list[str]) -> float:
    """Wall seconds of a subprocess; its stderr and a non-zero exit end the benchmark."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"speed: {' '.join(cmd[:3])} failed:\n{done.stderr.strip()[-2000:]}")
    return time.perf_counter() - t0


def side_by_side(cmds: list[list[str]]) -> list[float]:
    """Start every command at once; each one's wall seconds."""
    t0 = time.perf_counter()
    procs = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for c in cmds]
    ends = [0.0] * len(procs)
    while not all(ends):
        for k, p in enumerate(procs):
            if not ends[k] and p.poll() is not None:
                ends[k] = time.perf_counter() - t0
                if p.returncode:
                    sys.exit(f"speed: concurrent run failed:\n{p.stderr.read().strip()[-2000:]}")
        time.sleep(0.02)
    return ends


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200, help="generated documents for the batch row")
    ap.add_argument("--sentences", type=int, default=2000, help="sentences (half per side) for the encoder and align rows")
    ap.add_argument("--concurrent", type=int, default=2, help="processes side by side (0: skip the row)")
    ap.add_argument("--workers", type=int, default=None, help="batch workers (default: the batch's own)")
    ap.add_argument("--extra", action="store_true", help="also start-up, --one-pass, per-document processes, window encoding")
    ap.add_argument("--sample", type=int, default=10, help="--extra: documents aligned one `aligner align` process each")
    ap.add_argument("--window-docs", type=int, default=10)
    args = ap.parse_args()

    from aligner.embed import load_embedder
    from aligner.embed.device import cpu_flags
    from aligner.embed.threads import available_cores

    pool, origin = sentence_pairs()
    pairs = pool[: args.sentences // 2]
    texts = [s for s, _ in pairs] + [t for _, t in pairs]
    n = len(texts)
    flags = sorted(cpu_flags() & {"avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16"})
    print(f"sentences: {n} ({origin}); cores available: {available_cores()} of {os.cpu_count()}; CPU flags: {' '.join(flags)}")

    rows: list[tuple[str, int, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="aligner-speed-") as tmp:
        tmp = Path(tmp)
        src, tgt = tmp / "src.txt", tmp / "tgt.txt"
        src.write_text("\n".join(s for s, _ in pairs) + "\n", encoding="utf-8")
        tgt.write_text("\n".join(t for _, t in pairs) + "\n", encoding="utf-8")

        bare: dict[str, float] = {}
        for name, opts in (("torch", {"precision": "fp32", "backend": "torch"}), ("fp32", {"precision": "fp32"}),
                           ("int8", {"precision": "int8"})):
            embedder = load_embedder(**opts)  # ONNX builds: made once into the cache on first use
            embedder.encode(texts[:64])  # warm-up
            _, bare[name] = timed(embedder.encode, texts)
            del embedder
        e2e = {p: run([ALIGNER, "align", str(src), str(tgt), "-o", str(tmp / f"{p}.tmx"), "--segmented", "--precision", p])
               for p in ("fp32", "int8")}
        e2e["torch"] = run([sys.executable, "-c", TORCH_E2E, str(src), str(tgt), str(tmp / "torch.tmx")])
        rows += [
            ("bare encoder fp32, torch (1 process, model load not counted)", n, bare["torch"], "baseline"),
            ("bare encoder fp32, ONNX Runtime (the CPU default)", n, bare["fp32"], f"{bare['torch'] / bare['fp32']:.2f}x bare torch"),
            ("bare encoder int8", n, bare["int8"],
             f"{bare['torch'] / bare['int8']:.2f}x bare torch, {bare['fp32'] / bare['int8']:.2f}x bare ONNX fp32"),
            ("the same alignment with fp32 on torch (the former path), end to end", n, e2e["torch"],
             f"{bare['torch'] / e2e['torch']:.0%} of bare torch"),
            ("aligner align --segmented fp32, end to end", n, e2e["fp32"],
             f"{bare['torch'] / e2e['fp32']:.0%} of bare torch, {bare['fp32'] / e2e['fp32']:.0%} of bare ONNX fp32"),
            ("aligner align --segmented int8, end to end", n, e2e["int8"],
             f"{e2e['torch'] / e2e['int8']:.2f}x torch fp32 end to end (target >= 1.8x), {e2e['fp32'] / e2e['int8']:.2f}x ONNX fp32"),
        ]
        if args.concurrent > 1:
            k = args.concurrent
            cmds = [[ALIGNER, "align", str(src), str(tgt), "-o", str(tmp / f"c{i}.tmx"), "--segmented", "--precision", "int8"]
                    for i in range(k)]
            ends = side_by_side(cmds)
            for i, s in enumerate(ends):
                rows.append((f"--concurrent {k}: process {i + 1} of {k} side by side, int8", n, s,
                             f"{(n / s) / (n / e2e['int8'] / k):.2f}x 1/{k} of one int8 process (target >= 0.8x)"))

        corpus = tmp / "corpus"
        corpus.mkdir()
        ids = write_corpus(corpus, args.docs)
        docs = split_docs(corpus, ids)
        n_batch = sum(len(a) + len(b) for a, b in docs)
        cmd = [ALIGNER, "batch", str(corpus), "-o", str(tmp / "out"), "--precision", "int8"]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        batch_s = run(cmd)
        bare_rate = n / bare["int8"]
        rows.append((f"aligner batch --precision int8, {args.docs} docs, end to end", n_batch, batch_s,
                     f"{(n_batch / batch_s) / bare_rate:.0%} of bare int8 (target >= 80%)"))

        if args.extra:
            one_pass_s = run(cmd[:4] + [str(tmp / "out-one-pass"), "--one-pass"] + cmd[5:])
            rows.append(("aligner batch --one-pass, end to end", n_batch, one_pass_s,
                         f"second pass costs {batch_s / one_pass_s - 1:.0%} here"))
            one = tmp / "one"
            one.mkdir()
            for side in ("id", "en"):
                (one / f"{ids[0]}.{side}.txt").write_text((corpus / f"{ids[0]}.{side}.txt").read_text(encoding="utf-8"), encoding="utf-8")
            startup_s = run([ALIGNER, "batch", str(one), "-o", str(tmp / "out-one")] + cmd[5:])
            rows.append(("aligner batch without its one-time start-up", n_batch, batch_s - startup_s,
                         f"{(n_batch / (batch_s - startup_s)) / bare_rate:.0%} of bare int8 (start-up {startup_s:.1f}s)"))
            sample = ids[: args.sample]
            per_doc = [run([ALIGNER, "align", str(corpus / f"{i}.id.txt"), str(corpus / f"{i}.en.txt"), "-o", str(tmp / f"{i}.tmx"),
                            "--precision", "int8"]) for i in sample]
            per_doc_total = sum(per_doc) / len(per_doc) * args.docs
            rows.append((f"aligner align, 1 process/doc (mean of {len(sample)} x {args.docs})", n_batch, per_doc_total,
                         f"batch is {per_doc_total / batch_s:.1f}x faster"))
            embedder = load_embedder(precision="int8")
            wdocs = docs[: args.window_docs]
            sent_w = [s for a, b in wdocs for s in (*a, *b)]
            win_w = [w for a, b in wdocs for side in (a, b) for w in windows(side)]
            _, ours_s = timed(embedder.encode, sent_w)
            _, win_s = timed(embedder.encode, win_w)
            rows.append((f"encode sentences once ({len(wdocs)} docs)", len(sent_w), ours_s, "ours: sums (text only where unsure)"))
            rows.append((f"encode every 1..4 window ({len(win_w)} texts)", len(sent_w), win_s, f"{win_s / ours_s:.1f}x our encoding time"))

    print(f"{'what':<62} {'sentences':>9} {'seconds':>8} {'sent/s':>7}  note")
    for what, count, secs, note in rows:
        print(f"{what:<62} {count:>9} {secs:>8.1f} {count / secs:>7.0f}  {note}")


if __name__ == "__main__":
    main()
