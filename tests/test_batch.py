"""Batch alignment: discovery, per-document parts, corpus outputs, failures, resume after SIGKILL."""
from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from aligner.batch import BatchOptions, discover, run_batch
from aligner.embed.hashing import HashingEmbedder
from aligner.batch.store import PARTS_DIR

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATE = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
TOWNS = ["Bandung", "Bogor", "Depok", "Bekasi", "Cirebon", "Garut", "Sukabumi", "Tasikmalaya"]


def _pair(rng: random.Random) -> tuple[str, str]:
    town, n, year = rng.choice(TOWNS), rng.randint(2, 900), rng.randint(2000, 2024)
    return rng.choice([
        (f"Pemerintah Kota {town} membangun {n} rumah baru pada tahun {year}.",
         f"The {town} city government built {n} new houses in {year}."),
        (f"Sebanyak {n} warga {town} mengikuti vaksinasi pada {year}.",
         f"A total of {n} residents of {town} took part in the vaccination in {year}."),
        (f"Harga beras di pasar {town} naik {n} rupiah sejak {year}.",
         f"The price of rice in the {town} market has risen by {n} rupiah since {year}."),
    ])


def make_doc(rng: random.Random, sentences: int) -> tuple[str, str]:
    """Parallel texts with the same paragraphs (1-3 sentences each) on both sides."""
    src, tgt = [], []
    k = 0
    while k < sentences:
        size = rng.randint(1, 3)
        pairs = [_pair(rng) for _ in range(size)]
        src.append(" ".join(p[0] for p in pairs))
        tgt.append(" ".join(p[1] for p in pairs))
        k += size
    return "\n".join(src) + "\n", "\n".join(tgt) + "\n"


def make_corpus(folder: Path, n: int, seed: int = 0, sizes: tuple[int, int] = (4, 12)) -> list[str]:
    """``n`` pairs ``docNN.id.txt``/``docNN.en.txt``; returns the doc ids."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for d in range(n):
        src, tgt = make_doc(rng, rng.randint(*sizes))
        (folder / f"doc{d:02d}.id.txt").write_text(src, encoding="utf-8")
        (folder / f"doc{d:02d}.en.txt").write_text(tgt, encoding="utf-8")
        ids.append(f"doc{d:02d}")
    return ids


def read_report(outdir: Path) -> dict[str, dict]:
    with open(outdir / "report.csv", encoding="utf-8", newline="") as fh:
        return {r["doc_id"] or r["src_path"]: r for r in csv.DictReader(fh)}


def fake_options(**kw) -> BatchOptions:
    kw.setdefault("loader", HashingEmbedder)
    kw.setdefault("workers", 1)
    kw.setdefault("creation_date", DATE)
    return BatchOptions(**kw)


class SlowHashingEmbedder(HashingEmbedder):
    """The hashing embedder, slowed down so that a run can be killed half way."""

    def encode(self, sentences, progress=None):
        time.sleep(0.25)
        return super().encode(sentences, progress)


# -- discovery ---------------------------------------------------------------------------------


def test_folder_pairs_by_name_and_by_language_folder_unmatched_listed(tmp_path):
    for rel in ("a.id.txt", "a.en.txt", "news/b.id.txt", "news/b.en.txt", "id/c.txt", "en/c.txt",
                "id/sub/d.txt", "en/sub/d.txt", "lonely.id.txt", "en/orphan.txt", "notes.md", ".hidden.id.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x\n", encoding="utf-8")
    found = discover(tmp_path)
    assert [p.doc_id for p in found.pairs] == ["a", "c", "news/b", "sub/d"]
    assert found.pairs[1].src == tmp_path / "id/c.txt" and found.pairs[1].tgt == tmp_path / "en/c.txt"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in found.unmatched) == ["en/orphan.txt", "lonely.id.txt", "notes.md"]


def test_manifest_csv_and_tsv(tmp_path):
    make_corpus(tmp_path / "c", 2)
    (tmp_path / "m.csv").write_text("doc_id,src,tgt\nfirst,c/doc00.id.txt,c/doc00.en.txt\n,c/doc01.id.txt,c/doc01.en.txt\n")
    found = discover(tmp_path / "m.csv")
    assert [(p.doc_id, p.src) for p in found.pairs] == [("doc01", tmp_path / "c/doc01.id.txt"), ("first", tmp_path / "c/doc00.id.txt")]
    (tmp_path / "m.tsv").write_text("c/doc00.id.txt\tc/doc00.en.txt\tx\n")
    assert [p.doc_id for p in discover(tmp_path / "m.tsv").pairs] == ["x"]


# -- runs --------------------------------------------------------------------------------------


def test_corpus_tmx_has_each_document_as_a_single_export_would(tmp_path):
    import aligner
    from aligner.export import ExportOptions, write_alignment

    ids = make_corpus(tmp_path / "in", 4)
    summary = run_batch(tmp_path / "in", tmp_path / "out", fake_options())
    corpus = (tmp_path / "out" / "corpus.tmx").read_text(encoding="utf-8")
    body = corpus.split("<body>\n", 1)[1]
    embedder = HashingEmbedder()
    expected = ""
    for doc_id in ids:
        result = aligner.align_files(tmp_path / "in" / f"{doc_id}.id.txt", tmp_path / "in" / f"{doc_id}.en.txt", model=embedder)
        write_alignment(result, tmp_path / "one.tmx", ExportOptions(doc_id=doc_id, creation_date=DATE))
        expected += (tmp_path / "one.tmx").read_text(encoding="utf-8").split("<body>\n", 1)[1].rsplit("  </body>", 1)[0]
    assert body == expected + "  </body>\n</tmx>\n"
    assert 'creationdate="20240102T030405Z"' in corpus and "x-aligner-model\">hashing-trigrams<" in corpus
    assert summary.merged.documents == 4 and summary.merged.pairs_written == corpus.count("<tu ")
    report = read_report(tmp_path / "out")
    assert {r["status"] for r in report.values()} == {"ok"} and int(report["doc00"]["pairs"]) > 0


def test_bad_documents_are_reported_and_do_not_stop_the_run(tmp_path):
    make_corpus(tmp_path / "in", 2)
    (tmp_path / "in" / "empty.id.txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "empty.en.txt").write_text("Hello.\n", encoding="utf-8")
    (tmp_path / "in" / "latin1.id.txt").write_bytes("Caf\xe9 itu buka.\n".encode("latin-1"))
    (tmp_path / "in" / "latin1.en.txt").write_text("The caf\u00e9 is open.\n", encoding="utf-8")
    (tmp_path / "in" / "solo.en.txt").write_text("Alone.\n", encoding="utf-8")
    summary = run_batch(tmp_path / "in", tmp_path / "out", fake_options())
    report = read_report(tmp_path / "out")
    assert report["empty"]["status"] == "failed" and "empty" in report["empty"]["error"]
    assert report["latin1"]["status"] == "failed" and report["latin1"]["error"]
    assert report[str(tmp_path / "in" / "solo.en.txt")]["status"] == "unmatched"
    assert report["doc00"]["status"] == "ok" and summary.merged.documents == 2 and summary.merged.failed == 2
    # a missing file named by a manifest fails that document only
    (tmp_path / "m.csv").write_text("src,tgt\nin/doc00.id.txt,in/doc00.en.txt\nin/nope.id.txt,in/nope.en.txt\n")
    run_batch(tmp_path / "m.csv", tmp_path / "out2", fake_options())
    report = read_report(tmp_path / "out2")
    assert report["nope"]["status"] == "failed" and "not found" in report["nope"]["error"]
    assert report["doc00"]["status"] == "ok"


@pytest.mark.parametrize("name", ["corpus.csv", "corpus.tsv", "corpus.parquet"])
def test_table_formats_carry_the_document_id(tmp_path, name):
    import pandas as pd

    import aligner

    ids = make_corpus(tmp_path / "in", 3)
    run_batch(tmp_path / "in", tmp_path / "out", fake_options(output_file=Path(name)))
    path = tmp_path / "out" / name
    if name.endswith(".parquet"):
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, sep="," if name.endswith("csv") else "\t", dtype=str, keep_default_na=False)
    single = tmp_path / ("one" + Path(name).suffix)
    aligner.write_alignment(aligner.align_files(tmp_path / "in" / "doc01.id.txt", tmp_path / "in" / "doc01.en.txt",
                                                model=HashingEmbedder()), single)
    one = pd.read_parquet(single) if name.endswith(".parquet") else \
        pd.read_csv(single, sep="," if name.endswith("csv") else "\t", dtype=str, keep_default_na=False)
    # the corpus table is the single-document table of each document, doc_id first
    assert list(frame.columns) == ["doc_id", *one.columns] == ["doc_id", "id", "en", "score", "bead", "src_idx", "tgt_idx", "status"]
    assert sorted(frame.doc_id.unique()) == ids
    assert frame[frame.doc_id == "doc01"].drop(columns="doc_id").reset_index(drop=True).equals(one)
    assert "aligned" in set(frame.status) and set(frame.status) <= {"aligned", "unaligned", "below_min_score"}


def test_rerun_skips_finished_documents_and_redoes_changed_ones(tmp_path):
    make_corpus(tmp_path / "in", 3)
    first = run_batch(tmp_path / "in", tmp_path / "out", fake_options())
    before = (tmp_path / "out" / "corpus.tmx").read_bytes()
    again = run_batch(tmp_path / "in", tmp_path / "out", fake_options())
    assert (first.skipped, again.skipped, again.sentences_now) == (0, 3, 0)
    assert (tmp_path / "out" / "corpus.tmx").read_bytes() == before
    src, tgt = make_doc(random.Random(99), 5)
    (tmp_path / "in" / "doc01.id.txt").write_text(src, encoding="utf-8")
    (tmp_path / "in" / "doc01.en.txt").write_text(tgt, encoding="utf-8")
    changed = run_batch(tmp_path / "in", tmp_path / "out", fake_options())
    assert changed.skipped == 2 and (tmp_path / "out" / "corpus.tmx").read_bytes() != before


def test_process_pool_loads_the_model_once_per_worker_and_matches_in_process(tmp_path):
    make_corpus(tmp_path / "in", 8)
    run_batch(tmp_path / "in", tmp_path / "one", fake_options())
    pooled = run_batch(tmp_path / "in", tmp_path / "two", fake_options(workers=2))
    assert pooled.workers == 2
    assert (tmp_path / "one" / "corpus.tmx").read_bytes() == (tmp_path / "two" / "corpus.tmx").read_bytes()
    assert (tmp_path / "one" / "report.csv").read_text().replace("/one/", "/x/") == \
        (tmp_path / "two" / "report.csv").read_text().replace("/two/", "/x/")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "aligner", "batch", *args]


def _env() -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), env.get("PYTHONPATH", "")])
    return env


def test_resume_after_sigkill_gives_the_uninterrupted_output(tmp_path):
    make_corpus(tmp_path / "in", 16, seed=3)
    factory = ["--embedder-factory", "test_batch:SlowHashingEmbedder", "--workers", "1"]
    run_batch(tmp_path / "in", tmp_path / "full", BatchOptions(
        factory="test_batch:SlowHashingEmbedder", workers=1,
        creation_date=datetime.fromtimestamp(1700000000, timezone.utc)))
    proc = subprocess.Popen(_cli(str(tmp_path / "in"), "-o", str(tmp_path / "cut"), *factory), env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = tmp_path / "cut" / PARTS_DIR
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(parts.glob("*.json"))) < 3:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_at_kill = len([p for p in parts.glob("doc*.json")])
    assert 0 < done_at_kill < 16, "the run was not caught part way"
    assert not (tmp_path / "cut" / "corpus.tmx").exists()
    resumed = subprocess.run(_cli(str(tmp_path / "in"), "-o", str(tmp_path / "cut"), *factory), env=_env(),
                             check=True, capture_output=True, text=True, timeout=120)
    assert f"({done_at_kill} resumed)" in resumed.stdout
    for name in ("corpus.tmx", "report.csv"):
        full = (tmp_path / "full" / name).read_bytes()
        assert (tmp_path / "cut" / name).read_bytes() == full.replace(b"/full/", b"/cut/")


def test_cli_summary_line_and_device_reaches_the_embedder(tmp_path):
    make_corpus(tmp_path / "in", 2)
    (tmp_path / "in" / "extra.id.txt").write_text("Sendiri.\n", encoding="utf-8")
    done = subprocess.run(_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--format", "csv",
                               "--embedder-factory", "aligner.embed.hashing:HashingEmbedder", "--workers", "1"),
                          env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "corpus.csv" in done.stdout and "from 2 documents" in done.stdout and "1 unmatched files" in done.stdout
    assert "extra.id.txt" in "".join(done.stderr.split()) and (tmp_path / "out" / "corpus.csv").is_file()
    gpu = subprocess.run(_cli(str(tmp_path / "in"), "-o", str(tmp_path / "gpu"), "--device", "cuda"),
                         env=_env(), capture_output=True, text=True, timeout=300)
    assert gpu.returncode == 1 and "cuda" in gpu.stderr.lower() and "Traceback" not in gpu.stderr


def test_real_model_end_to_end_matches_single_document_alignment(tmp_path, e5, sample_paths):
    import aligner
    from aligner.export import ExportOptions, write_alignment

    src, tgt = sample_paths
    folder = tmp_path / "in"
    make_corpus(folder, 2, sizes=(4, 6))
    (folder / "id").mkdir()
    (folder / "en").mkdir()
    (folder / "id" / "jabar.txt").write_bytes(src.read_bytes())
    (folder / "en" / "jabar.txt").write_bytes(tgt.read_bytes())
    run_batch(folder, tmp_path / "out", fake_options(loader=lambda: e5))
    corpus = (tmp_path / "out" / "corpus.tmx").read_text(encoding="utf-8")
    single = aligner.align_files(src, tgt, model=e5)
    write_alignment(single, tmp_path / "one.tmx", ExportOptions(doc_id="jabar", creation_date=DATE))
    units = (tmp_path / "one.tmx").read_text(encoding="utf-8").split("<body>\n", 1)[1].rsplit("  </body>", 1)[0]
    assert units and units in corpus
    assert "multilingual-e5-small" in corpus
    report = read_report(tmp_path / "out")
    assert report["jabar"]["status"] == "ok" and int(report["jabar"]["unaligned_en"] if "unaligned_en" in report["jabar"] else report["jabar"]["unaligned_tgt"]) > 0


def test_a_chunk_encodes_every_documents_second_pass_windows_in_one_call(tmp_path):
    import aligner
    from aligner.batch.job import JobSettings, doc_key, run_chunk
    from aligner.batch.store import PartStore

    ids = make_corpus(tmp_path / "in", 4, sizes=(8, 12))
    for doc_id in ids:  # the English side lost its second paragraph: unsettled stretches to re-score
        path = tmp_path / "in" / f"{doc_id}.en.txt"
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    calls = []

    class Counting(HashingEmbedder):
        def encode(self, sentences, progress=None):
            calls.append(len(sentences))
            return super().encode(sentences, progress)

    pairs = discover(tmp_path / "in", "id", "en").pairs
    store = PartStore(tmp_path / "out")
    store.create()
    settings = JobSettings()
    outcomes = run_chunk(pairs, settings, Counting(), store)
    assert [o.error for o in outcomes] == [None] * 4
    assert len(calls) == 2 and calls[1] > 0  # all sentences, then all documents' windows
    for pair in pairs:
        record = store.read(pair.doc_id, doc_key(pair, settings))
        single = aligner.align_files(pair.src, pair.tgt, model=HashingEmbedder())
        assert record["beads"] == [[list(b.src), list(b.tgt), b.score] for b in single.beads]


def test_src_lang_in_finds_in_files_and_writes_id_id(tmp_path):
    from lxml import etree

    make_corpus(tmp_path / "c", 2)
    for path in (tmp_path / "c").glob("*.id.txt"):
        path.rename(path.with_name(path.name.replace(".id.", ".in.")))
    run_batch(tmp_path / "c", tmp_path / "out", fake_options(src_lang="in"))
    root = etree.parse(str(tmp_path / "out" / "corpus.tmx")).getroot()
    assert root.find("header").get("srclang") == "id-ID"
    assert {t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in root.iter("tuv")} == {"id-ID", "en-US"}
    assert set(read_report(tmp_path / "out")) == {"doc00", "doc01"}


def test_chunks_cover_every_document_in_order_and_shrink_towards_the_end(tmp_path):
    from aligner.batch.discover import DocPair
    from aligner.batch.job import plan_chunks

    pairs = []
    for k in range(120):  # 6 KB per document
        src, tgt = tmp_path / f"d{k}.id.txt", tmp_path / f"d{k}.en.txt"
        src.write_text("a" * 3000)
        tgt.write_text("b" * 3000)
        pairs.append(DocPair(f"d{k}", src, tgt))
    chunks = plan_chunks(pairs, workers=2)
    assert [p for chunk in chunks for p in chunk] == pairs
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[0] == 16  # 96 KB, the cap: a quarter of the 720 KB would be 30 documents
    assert sizes == sorted(sizes, reverse=True)  # guided: each a quarter of what is left
    assert sizes[-3:] == [1, 1, 1]  # the 8 KB floor: one document each at the end
    assert plan_chunks(pairs[:1], workers=4) == [pairs[:1]]
