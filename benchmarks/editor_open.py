"""How fast ``aligner edit`` opens a 2,000 + 2,000-sentence pair whose alignment exists (target: < 2 s).

What is timed is the editor, not the model: the project file is made first (untimed) from an
alignment with the deterministic hashing embedder, so opening resumes it (texts read, split and
hashed, project read, server started) and the encoder never runs. Rows:

* ``command to URL``: ``aligner edit ... --no-browser`` as a new process until it prints its URL;
* ``command to page data``: the same plus fetching the page, its script and style and ``api/state``
  (every sentence and bead) and parsing it;
* ``page rendered`` (when chromium and chromedriver are installed): from the browser asking for the
  URL to the page having built every row (the browser's own start is not counted), and
  ``command to page rendered``, from the command's start to that moment;
* ``python -m aligner --version``: the interpreter and import cost every command pays, as a baseline
  (timings on a shared machine are noisy: compare the rows with it).

Run: ``flock /tmp/aligner-cpu.lock python benchmarks/editor_open.py [--sentences 2000] [--repeat 3]``
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS_ID = "rumah jalan kota desa pemerintah program warga sekolah pasar data digital layanan pajak kerja".split()
WORDS_EN = "house road city village government program citizen school market data digital service tax work".split()


def make_texts(n: int, folder: Path) -> tuple[Path, Path]:
    """Two documents of ``n`` sentences each (paragraphs of five), translations word for word."""
    rng = random.Random(15)
    src_pars, tgt_pars, src_sent, tgt_sent = [], [], [], []
    for k in range(n):
        picks = [rng.randrange(len(WORDS_ID)) for _ in range(rng.randint(6, 14))]
        src_sent.append(f"Kalimat {k} tentang " + " ".join(WORDS_ID[p] for p in picks) + ".")
        tgt_sent.append(f"Sentence {k} about " + " ".join(WORDS_EN[p] for p in picks) + ".")
        if len(src_sent) == 5:
            src_pars.append(" ".join(src_sent))
            tgt_pars.append(" ".join(tgt_sent))
            src_sent, tgt_sent = [], []
    src, tgt = folder / "long.id.txt", folder / "long.en.txt"
    src.write_text("\n\n".join(src_pars + [" ".join(src_sent)]).strip() + "\n", encoding="utf-8")
    tgt.write_text("\n\n".join(tgt_pars + [" ".join(tgt_sent)]).strip() + "\n", encoding="utf-8")
    return src, tgt


def make_project(src: Path, tgt: Path, out: Path) -> int:
    """The project file, from an alignment with the hashing embedder (untimed); returns the bead count."""
    from aligner.embed.hashing import HashingEmbedder
    from aligner.editor.open import EditorInputs, open_workspace
    from aligner.export import ExportOptions

    inputs = EditorInputs(src, tgt, out, src.read_text(encoding="utf-8"), tgt.read_text(encoding="utf-8"),
                          model=HashingEmbedder())
    workspace, _ = open_workspace(inputs, ExportOptions())
    return len(workspace.store.project.state.beads)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def open_once(src: Path, tgt: Path, out: Path, driver=None) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "COLUMNS": "300"}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "aligner", "edit", str(src), str(tgt), "-o", str(out), "--no-browser"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in proc.stdout:
            found = re.search(r"http://127\.0\.0\.1:\d+/[\w-]+/", line)
            if found:
                url = found.group(0)
                break
        if url is None:
            raise SystemExit(f"aligner edit printed no URL: {proc.stderr.read()}")
        times = {"command to URL": time.perf_counter() - start}
        for part in ("", "static/editor.js", "static/editor.css"):
            fetch(url + part)
        state = json.loads(fetch(url + "api/state"))
        times["command to page data"] = time.perf_counter() - start
        assert len(state["src"]) >= 2000 or len(state["src"]) == len(state["tgt"])
        if driver is not None:
            from selenium.webdriver.common.by import By
            from selenium.webdriver.support.ui import WebDriverWait

            t = time.perf_counter()
            driver.get(url)
            WebDriverWait(driver, 60).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
            times["page rendered (browser)"] = time.perf_counter() - t
            times["command to page rendered"] = time.perf_counter() - start
            rows = driver.execute_script("return document.querySelectorAll('.row.bead').length")
            assert rows == len(state["beads"]), (rows, len(state["beads"]))
        return times
    finally:
        proc.terminate()
        proc.wait(20)


def browser():
    chromium = shutil.which("chromium")
    if chromium is None or not Path("/usr/bin/chromedriver").is_file():
        return None
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                f"--user-data-dir={tempfile.mkdtemp(prefix='editor-bench-')}"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src, tgt = make_texts(args.sentences, folder)
        out = folder / "long.tmx"
        beads = make_project(src, tgt, out)
        driver = browser()
        runs = []
        baseline = []
        try:
            for _ in range(args.repeat):
                t = time.perf_counter()
                subprocess.run([sys.executable, "-m", "aligner", "--version"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                               check=True, capture_output=True)
                baseline.append(time.perf_counter() - t)
                runs.append(open_once(src, tgt, out, driver))
        finally:
            if driver is not None:
                driver.quit()
    print(f"aligner edit on {args.sentences} + {args.sentences} sentences, {beads} beads, project file present"
          f" (median of {args.repeat}; target < 2 s to page data)")
    print(f"{'step':<30} {'median s':>9} {'max s':>7} {'× baseline':>10}")
    base = statistics.median(baseline)
    for name in runs[0]:
        values = [r[name] for r in runs]
        print(f"{name:<30} {statistics.median(values):>9.2f} {max(values):>7.2f} {statistics.median(values) / base:>10.1f}")
    print(f"{'python -m aligner --version':<30} {base:>9.2f} {max(baseline):>7.2f} {1.0:>10.1f}")
    if driver is None:
        print("(no chromium/chromedriver: the browser row is missing)")


if __name__ == "__main__":
    main()
