"""Runaway inputs: time and peak RSS of `aligner align` on one long line, many one-word lines and huge texts.

    python benchmarks/hostile_scale.py [--embedder hashing|e5] [--cases line-1MB,words-10k,...] [--unlimited]

Each case writes a parallel source/target pair (the target the same shape and size as the source)
and aligns it to CSV in a fresh subprocess, whose own peak RSS is read from ``os.wait4``. The
default embedder is the model-free hashing embedder (``aligner.embed.hashing.HashingEmbedder``), so that
reading, splitting, flagging, the DP and the second pass are measured rather than the encoder;
``--embedder e5`` uses the bundled model (hours on the big cases). The 10 MB text is above the
default ``--max-input-chars`` and is aligned with the limit off, to measure growth; the 50 MB text
is expected to be refused by the default limit before any work (``--unlimited`` aligns it anyway:
it needs well over 10 GB of memory). Time per sentence is compared within each
shape (largest size against smallest): linear cost gives a ratio near 1, "within 2x" is the goal.
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

ID_WORDS = ["pemerintah", "daerah", "provinsi", "jawa", "barat", "menggandeng", "warga", "kota", "harga", "beras",
            "naik", "pasar", "sekolah", "rumah", "jalan", "baru", "tahun", "kasus", "rakyat", "menyambut"]
EN_WORDS = ["government", "region", "province", "java", "west", "partners", "citizens", "city", "price", "rice",
            "rose", "market", "school", "house", "road", "new", "year", "cases", "people", "welcomed"]

CASES = {  # name: (shape, size, --max-input-chars: None = the default, 0 = no limit)
    "line-1MB": ("line", 1_000_000, None),
    "line-5MB": ("line", 5_000_000, None),
    "words-10k": ("words", 10_000, None),
    "words-100k": ("words", 100_000, None),
    "text-1MB": ("text", 1_000_000, None),
    "text-5MB": ("text", 5_000_000, None),  # under the default limit (6 million characters)
    "text-10MB": ("text", 10_000_000, 0),  # over the default limit: aligned with the limit off, to measure growth
    "text-50MB": ("text", 50_000_000, None),  # refused by the default limit (--unlimited: aligned)
}


def _words(rng: random.Random, count: int) -> tuple[list[str], list[str]]:
    """Parallel word lists; every 7th word is a number both sides share (something to align on)."""
    src, tgt = [], []
    for k in range(count):
        if k % 7 == 6:
            token = str(rng.randint(10, 99999))
            src.append(token)
            tgt.append(token)
        else:
            w = rng.randrange(len(ID_WORDS))
            src.append(ID_WORDS[w])
            tgt.append(EN_WORDS[w])
    return src, tgt


def make_pair(shape: str, size: int, folder: Path) -> tuple[Path, Path]:
    """Write the source and target documents of one case; returns their paths."""
    rng = random.Random(size)
    if shape == "line":  # one line of ``size`` characters, no punctuation at all
        src, tgt = _words(rng, size // 7)
        texts = [" ".join(src)[:size], " ".join(tgt)[:size]]
    elif shape == "words":  # ``size`` lines of one word each
        src, tgt = _words(rng, size)
        texts = ["\n".join(src), "\n".join(tgt)]
    else:  # ``size`` characters of ordinary prose: sentences of 6-20 words, 3-5 sentences a paragraph
        parts: list[list[str]] = [[], []]
        written = 0
        while True:
            paragraph = [[], []]
            for _ in range(rng.randint(3, 5)):
                src, tgt = _words(rng, rng.randint(6, 20))
                paragraph[0].append(" ".join(src).capitalize() + ".")
                paragraph[1].append(" ".join(tgt).capitalize() + ".")
            lines = [" ".join(paragraph[side]) for side in (0, 1)]
            if written + len(lines[0]) + 1 > size:
                break
            for side in (0, 1):
                parts[side].append(lines[side])
            written += len(lines[0]) + 1
        texts = ["\n".join(p) for p in parts]
    paths = folder / f"{shape}-{size}.id.txt", folder / f"{shape}-{size}.en.txt"
    for path, text in zip(paths, texts):
        path.write_text(text + "\n", encoding="utf-8")
    return paths


def child(src: str, tgt: str, out: str, embedder: str, max_chars: int) -> None:
    """Run in the subprocess: align and write CSV, print the sentence counts (or the refusal)."""
    sys.path.insert(0, str(ROOT))
    from aligner.api import align_files
    from aligner.errors import AlignerError
    from aligner.export import write_alignment

    if embedder == "hashing":
        from aligner.embed.hashing import HashingEmbedder

        model = HashingEmbedder()
    else:
        from aligner.embed import load_embedder

        model = load_embedder()
    from aligner.api import split

    split("Pemanasan.", "id"), split("Warm-up.", "en")  # load the splitters and flaggers outside the timing
    start = time.perf_counter()
    try:
        result = align_files(src, tgt, model=model, max_input_chars=max_chars)
    except AlignerError as exc:
        print(f"TIME {time.perf_counter() - start}")
        print(f"REFUSED {exc}")
        return
    write_alignment(result, out)
    print(f"TIME {time.perf_counter() - start}")
    print(f"SENTENCES {len(result.src_sentences)} {len(result.tgt_sentences)} {len(result.beads)}")


def run_case(name: str, folder: Path, embedder: str, unlimited: bool) -> dict:
    shape, size, limit = CASES[name]
    src, tgt = make_pair(shape, size, folder)
    max_chars = 0 if unlimited else (-1 if limit is None else limit)
    cmd = [sys.executable, __file__, "--child", str(src), str(tgt), str(folder / f"{name}.csv"), embedder, str(max_chars)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    row = {"case": name, "shape": shape, "seconds": seconds, "rss_mib": usage.ru_maxrss / 1024,
           "sentences": 0, "outcome": f"exit {proc.returncode}", "limit": "off" if max_chars == 0 else "default"}
    for line in stdout.splitlines():
        if line.startswith("TIME"):
            row["seconds"] = float(line.split()[1])  # read + align + write, without the imports
        elif line.startswith("SENTENCES"):
            n_src, n_tgt, _ = (int(x) for x in line.split()[1:])
            row.update(sentences=n_src + n_tgt, outcome="aligned" + (" (limit off)" if max_chars == 0 else ""))
        elif line.startswith("REFUSED"):
            row["outcome"] = "refused: " + line.split("over the input limit")[0].split(": ", 1)[-1] + "over the limit"
    for path in (src, tgt, folder / f"{name}.csv"):
        path.unlink(missing_ok=True)
    return row


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        src, tgt, out, embedder, max_chars = sys.argv[2:7]
        child(src, tgt, out, embedder, None if int(max_chars) < 0 else int(max_chars))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedder", choices=["hashing", "e5"], default="hashing")
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated, from: " + ", ".join(CASES))
    ap.add_argument("--unlimited", action="store_true", help="--max-input-chars 0: align the 50 MB text too")
    args = ap.parse_args()
    names = [c for c in args.cases.split(",") if c]
    print(f"embedder: {args.embedder}; each case in its own subprocess; seconds: read + align + write CSV; "
          f"peak RSS of that process (os.wait4); "
          f"{os.cpu_count()} CPUs, shared: compare ratios, not absolute times")
    print(f"{'case':<12} {'sentences':>10} {'seconds':>9} {'ms/sentence':>12} {'peak RSS MiB':>13}  outcome")
    rows = []
    with tempfile.TemporaryDirectory(prefix="aligner-hostile-") as tmp:
        for name in names:
            row = run_case(name, Path(tmp), args.embedder, args.unlimited)
            rows.append(row)
            per = f"{1000 * row['seconds'] / row['sentences']:.3f}" if row["sentences"] else "-"
            print(f"{row['case']:<12} {row['sentences']:>10,} {row['seconds']:>9.1f} {per:>12} {row['rss_mib']:>13.0f}  "
                  f"{row['outcome']}", flush=True)
    print("time per sentence, largest aligned size / smallest, per shape (goal: within 2x):")
    for shape in ("line", "words", "text"):
        done = [r for r in rows if r["shape"] == shape and r["sentences"]]
        if len(done) >= 2:
            small, large = done[0], done[-1]
            ratio = (large["seconds"] / large["sentences"]) / (small["seconds"] / small["sentences"])
            print(f"  {shape:<6} {large['case']} / {small['case']}: {ratio:.2f}x "
                  f"({'ok' if ratio <= 2 else 'NOT within 2x'})")


if __name__ == "__main__":
    main()
