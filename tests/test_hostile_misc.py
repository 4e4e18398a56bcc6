"""Lesser hostile-input defects: per-side encodings, stale temporary files and SIGTERM, the batch
resume key and part pruning, entities in TMX files, and ``<meta charset=utf-16>`` pages."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aligner
from aligner.batch import BatchOptions, run_batch
from aligner.embed.hashing import HashingEmbedder
from aligner.batch.store import PARTS_DIR
from aligner.cli import app
from aligner.errors import InputError
from aligner.export.atomic import atomic_file, exit_on_sigterm
from aligner.export.tmx_check import check_tmx
from aligner.read import read_document
from test_batch import DATE, _env, make_corpus
from test_hostile import EN_TEXT, ID_TEXT, fake_model, write  # noqa: F401 - fixture

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


# --- encodings --------------------------------------------------------------------------------


def test_src_and_tgt_encodings_apply_to_one_side_each(tmp_path, fake_model):
    src = write(tmp_path, "a.id.txt", "Harga naik \u201c10%\u201d di kafe itu.\n".encode("utf-16-le"))
    tgt = write(tmp_path, "a.en.txt", "Prices rose \u201c10%\u201d at the caf\u00e9.\n".encode("cp1252"))
    out = tmp_path / "o.csv"
    res = run("align", src, tgt, "-o", out, "--src-encoding", "utf-16-le", "--tgt-encoding", "cp1252")
    assert res.exit_code == 0, res.output
    written = out.read_text(encoding="utf-8")
    assert "Harga naik \u201c10%\u201d di kafe itu." in written and "at the caf\u00e9." in written
    # --encoding names both; a side option overrides it for its side only
    utf8 = write(tmp_path, "b.en.txt", "Prices rose at the caf\u00e9.\n")
    res = run("align", src, utf8, "-o", out, "--encoding", "utf-16-le", "--tgt-encoding", "utf-8")
    assert res.exit_code == 0, res.output
    assert "at the caf\u00e9." in out.read_text(encoding="utf-8")


# --- temporary files and SIGTERM -----------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_files_of_killed_runs_are_removed_by_the_next_write(tmp_path, fake_model):
    src, tgt = write(tmp_path, "a.id.txt", ID_TEXT), write(tmp_path, "a.en.txt", EN_TEXT)
    dead = tmp_path / f".out.csv.{_dead_pid()}-abcd1234.tmp"
    old = tmp_path / ".out.csv.k2j4h5g6.tmp"  # an older version's name, two hours old
    live = tmp_path / f".out.csv.{os.getppid()}-zzzz9999.tmp"  # a running writer's: kept
    other = tmp_path / f".notes.txt.{_dead_pid()}-abcd1234.tmp"  # another file's: not ours to judge
    for path in (dead, old, live, other):
        path.write_text("partial")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    res = run("align", src, tgt, "-o", tmp_path / "out.csv")
    assert res.exit_code == 0, res.output
    assert not dead.exists() and not old.exists() and live.exists() and other.exists()


def test_sigterm_inside_an_atomic_write_removes_its_temporary_file(tmp_path):
    target = write(tmp_path, "out.csv", "previous")
    with pytest.raises(SystemExit) as info:
        with exit_on_sigterm():
            with atomic_file(target) as fh:
                fh.write("half")
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)  # the handler raises before this ends
    assert info.value.code == 143
    assert target.read_text() == "previous" and [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_sigterm_of_a_batch_exits_cleanly_and_leaves_no_temporary_files(tmp_path):
    make_corpus(tmp_path / "in", 16, seed=8)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "aligner", "batch", str(tmp_path / "in"), "-o", str(out),
           "--embedder-factory", "test_batch:SlowHashingEmbedder", "--workers", "1"]
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / PARTS_DIR).glob("doc*.json"))) < 2:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr
    assert not list(out.rglob("*.tmp")) and not (out / "corpus.tmx").exists()


# --- batch resume key and pruning ---------------------------------------------------------------


def _parts(out: Path) -> set[str]:
    return {p.name for p in (out / PARTS_DIR).glob("*.json") if p.name != "run.json"}


def test_resume_key_is_the_content_not_the_path_or_time(tmp_path, monkeypatch):
    make_corpus(tmp_path / "in", 4, seed=9)
    options = BatchOptions(loader=HashingEmbedder, workers=1, creation_date=DATE)
    monkeypatch.chdir(tmp_path)
    first = run_batch(Path("in"), Path("out"), options)  # relative paths
    assert first.skipped == 0
    again = run_batch(tmp_path / "in", tmp_path / "out", options)  # absolute paths: everything resumes
    assert again.skipped == 4
    doc = tmp_path / "in" / "doc01.id.txt"
    text, st = doc.read_text(encoding="utf-8"), doc.stat()
    edited = text.replace("rumah", "RUMAH") if "rumah" in text else text.replace("a", "A", 1)
    assert edited != text and len(edited.encode()) == len(text.encode())
    doc.write_text(edited, encoding="utf-8")
    os.utime(doc, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same time: only the content differs
    before = _parts(tmp_path / "out")
    third = run_batch(tmp_path / "in", tmp_path / "out", options)
    assert third.skipped == 3
    after = _parts(tmp_path / "out")
    assert len(after) == 4 and len(before - after) == 1, "the edited document's old part is pruned"


def test_parts_of_documents_no_longer_in_the_run_are_pruned(tmp_path):
    make_corpus(tmp_path / "in", 4, seed=10)
    options = BatchOptions(loader=HashingEmbedder, workers=1, creation_date=DATE)
    run_batch(tmp_path / "in", tmp_path / "out", options)
    stale_tmp = tmp_path / "out" / PARTS_DIR / f".doc00-x.json.{_dead_pid()}-abcd1234.tmp"
    stale_tmp.write_text("{")
    for name in ("doc03.id.txt", "doc03.en.txt"):
        (tmp_path / "in" / name).unlink()
    run_batch(tmp_path / "in", tmp_path / "out", options)
    assert len(_parts(tmp_path / "out")) == 3 and not any("doc03" in n for n in _parts(tmp_path / "out"))
    assert not stale_tmp.exists()
    run_batch(tmp_path / "in", tmp_path / "out", BatchOptions(loader=HashingEmbedder, workers=1,
                                                              creation_date=DATE, max_align=2))
    assert len(_parts(tmp_path / "out")) == 3, "parts made with other settings are pruned"


# --- entities in TMX -----------------------------------------------------------------------------

ENTITY_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY co "Acme Corp"> ]>
<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x"
adminlang="en-US" srclang="id-ID" datatype="plaintext"/><body>
<tu><tuv xml:lang="id-ID"><seg>Halo &co; dan &xxe;.</seg></tuv><tuv xml:lang="en-US"><seg>Hello &co;.</seg></tuv></tu>
</body></tmx>
"""


def test_tmx_check_reports_entity_declarations_and_uses(tmp_path):
    path = write(tmp_path, "e.tmx", ENTITY_TMX)
    problems = check_tmx(path)
    assert any("external entity 'xxe'" in p and "file:///etc/passwd" in p for p in problems), problems
    assert any("entity 'co'" in p for p in problems) and any("&co;, &xxe;" in p for p in problems)
    res = run("tmx-check", path)
    assert res.exit_code == 1 and "ok" not in res.output.split()


def test_read_tmx_refuses_entities_instead_of_dropping_their_text(tmp_path):
    path = write(tmp_path, "e.tmx", ENTITY_TMX)
    with pytest.raises(InputError, match="entity") as info:
        aligner.read_tmx(path)
    assert "\n" not in str(info.value)


def test_our_own_tmx_has_no_entity_problem(tmp_path):
    result = aligner.align("Harga beras naik.", "Rice prices rose.", model=HashingEmbedder())
    aligner.write_alignment(result, tmp_path / "o.tmx")
    assert check_tmx(tmp_path / "o.tmx") == []


# --- HTML charset sniffing ------------------------------------------------------------------------


@pytest.mark.parametrize("declared", ["utf-16", "UTF-16LE", "utf-32"])
def test_meta_charset_utf16_on_an_ascii_page_is_read_as_utf8_like_browsers(tmp_path, declared):
    page = (f'<html><head><meta charset="{declared}"><title>Berita</title></head><body>'
            "<article><p>Presiden membuka rapat di Jakarta pada hari Senin.</p>"
            "<p>Harga beras naik lima persen menurut caf\u00e9 itu.</p></article></body></html>")
    path = write(tmp_path, "a.html", page.encode("utf-8"))
    text = read_document(path)
    assert "Presiden membuka rapat di Jakarta" in text and "caf\u00e9" in text


def test_meta_charset_latin1_means_windows_1252(tmp_path):
    page = ('<html><head><meta charset="iso-8859-1"></head><body><article>'
            "<p>Harga naik \u201c10%\u201d menurut laporan resmi pemerintah daerah.</p></article></body></html>")
    path = write(tmp_path, "a.html", page.encode("cp1252"))
    assert "\u201c10%\u201d" in read_document(path)
