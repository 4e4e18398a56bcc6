"""Reading and splitting speed on large and hostile inputs: one table row per case, seconds and µs/char.

Usage:  python benchmarks/input_speed.py [--repeat 1]

The tests check what these inputs become (nothing lost, segments capped, refusals with one line);
this script measures how long they take, which a test cannot judge on a shared machine. Each row
is the best of ``--repeat`` runs; the first row (the bundled sample 500 times over, ordinary prose)
is the baseline: the ``x base`` column is each case's µs/char over the baseline's, so the linear
cases stay near 1 whatever the machine's load. A quadratic regression shows as a large ratio
(pysbd's list rule once took 27 s on the 27,000-character German case). The ``was`` column is the
wall-clock limit the test used to assert.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import aligner  # noqa: E402
from aligner.embed.hashing import HashingEmbedder  # noqa: E402
from aligner.errors import InputError  # noqa: E402
from aligner.read import read_document, read_text  # noqa: E402
from aligner.read.limits import DEFAULT_MAX_CHARS  # noqa: E402
from aligner.segment import get_splitter, segment_text  # noqa: E402
from test_hostile import EN_TEXT, huge_line  # noqa: E402
from test_hostile_limits import docx_bytes  # noqa: E402

SAMPLE = ROOT / "data" / "jabar-gojek-2019.id.txt"


def refused(read: Callable[[], object]) -> None:
    try:
        read()
    except InputError:
        return
    raise AssertionError("the input was not refused")


def cases(folder: Path) -> list[tuple[str, int, Callable[[], object], str]]:
    """(name, characters handled, what to time, the test's old limit)."""
    sample = "\n".join([read_text(SAMPLE)] * 500)
    line = huge_line(5_000_000)
    words = ["rumah", "jalan", "besar", "kota", "air", "makan"]
    lines = folder / "words.id.txt"
    lines.write_text("\n".join(words[k % 6] for k in range(100_000)) + "\n", encoding="utf-8")
    line_file, en_file = folder / "huge.id.txt", folder / "a.en.txt"
    line_file.write_text(line + "\n", encoding="utf-8")
    en_file.write_text(EN_TEXT, encoding="utf-8")
    bomb = folder / "bomb.docx"
    bomb.write_bytes(docx_bytes(1_000_000))
    sparse = folder / "sparse.txt"
    with open(sparse, "wb") as fh:
        fh.truncate(50 * DEFAULT_MAX_CHARS)
    german = {
        "de: '1. 2. 3. ' x 3000": "1. 2. 3. " * 3000,
        "de: quoted sentences x 800": "Er sagte „Ja.“ Dann (vgl. S. 3) ging er! " * 800,
        "de: 'x' x 30000": "x" * 30000,
    }
    rows = [
        ("id: sample x 500 (baseline)", len(sample), lambda: segment_text(sample, get_splitter("id")), "10 s"),
        ("id: 5 MB line, no punctuation", len(line), lambda: segment_text(line, get_splitter("id")), "120 s"),
        ("id: 100,000 one-word lines, read + split", lines.stat().st_size,
         lambda: aligner.split(aligner.read_text(lines), "id"), "180 s"),
    ]
    rows += [(name, len(text), (lambda t=text: get_splitter("de").spans(t)), "10 s") for name, text in german.items()]
    rows += [
        ("id: 5 MB line aligned (hashing embedder)", len(line),
         lambda: aligner.align_files(line_file, en_file, model=HashingEmbedder()), "300 s"),
        ("DOCX zip bomb refused (1,000,000 paragraphs)", bomb.stat().st_size,
         lambda: refused(lambda: read_document(bomb)), "10 s"),
        ("500 MB sparse text refused by its size", 0, lambda: refused(lambda: read_document(sparse)), "1 s"),
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the best is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for name, chars, work, limit in cases(Path(folder)):
            best = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                work()
                best = min(best, time.perf_counter() - started)
            rows.append((name, chars, best, limit))
    base = rows[0][2] / rows[0][1]
    print(f"| case | chars | seconds | µs/char | x base | was |\n|---|---:|---:|---:|---:|---:|")
    for name, chars, seconds, limit in rows:
        per_char = f"{seconds / chars * 1e6:.2f}" if chars else "-"
        ratio = f"{seconds / chars / base:.1f}" if chars else "-"
        print(f"| {name} | {chars:,} | {seconds:.3f} | {per_char} | {ratio} | {limit} |")


if __name__ == "__main__":
    main()
