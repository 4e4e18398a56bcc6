"""Hostile sources, round three: devices and pipes as inputs, a DOCX with a DTD, Markdown nested past
the parser, a sparse review sheet, and manifests naming files outside their folder."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.batch import BatchOptions, run_batch
from aligner.cli import app
from aligner.embed.hashing import HashingEmbedder
from aligner.errors import InputError
from aligner.read import read_document
from aligner.read.limits import ReadLimits
from aligner.read.markdown import MAX_NESTING, markdown_prose
from aligner.read.text import read_text
from test_hostile import EN_TEXT, ID_TEXT, write

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_a_device_is_refused_in_one_line_instead_of_read_forever(tmp_path):
    import resource

    def two_gigabytes() -> None:  # were /dev/zero read, it would end here instead of in all the memory
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    res = subprocess.run([sys.executable, "-m", "aligner", "align", "/dev/zero", str(write(tmp_path, "a.en.txt", EN_TEXT)),
                          "-o", str(tmp_path / "out.tmx")], capture_output=True, text=True, timeout=120,
                         preexec_fn=two_gigabytes, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 1, res.stderr
    assert res.stderr.strip() == "error: /dev/zero: is a device or socket, not a file"
    assert not (tmp_path / "out.tmx").exists()


def _fifo_with_writer(tmp_path: Path, data: bytes) -> Path:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            with open(fifo, "wb") as stream:
                stream.write(data)
        except BrokenPipeError:  # the reader stopped at the limit
            pass

    threading.Thread(target=feed, daemon=True).start()
    return fifo


def test_a_pipe_is_read_like_a_file_and_only_up_to_the_limit(tmp_path):
    assert read_text(_fifo_with_writer(tmp_path, ID_TEXT.encode())) == ID_TEXT  # `aligner align <(curl ...)`
    (tmp_path / "pipe.txt").unlink()
    endless = _fifo_with_writer(tmp_path, b"kata " * 200_000)
    with pytest.raises(InputError, match="over the input limit"):
        read_text(endless, limits=ReadLimits.from_chars(1000))


def _docx_with(tmp_path: Path, edit) -> Path:
    source = ROOT / "data" / "jabar-gojek-2019.id.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, edit(data) if item.filename == "word/document.xml" else data)
    return write(tmp_path, "doc.docx", out.getvalue())


def test_a_docx_declaring_entities_is_refused_instead_of_losing_the_text_around_them(tmp_path):
    def with_entity(xml: bytes) -> bytes:
        head, rest = xml.split(b"?>", 1)
        rest = rest.replace(b"<w:t>", b"<w:t>&co; ", 1)
        return head + b'?><!DOCTYPE w:document [<!ENTITY co "PT Gojek">]>' + rest

    plain = read_document(ROOT / "data" / "jabar-gojek-2019.id.docx")
    assert "Gandeng GOJEK" in plain  # the heading the entity sits in front of
    with pytest.raises(InputError, match=r"doc\.docx: the document declares a DTD \(entities\)"):
        read_document(_docx_with(tmp_path, with_entity))


def test_markdown_nested_past_the_parser_is_refused_and_deep_but_readable_nesting_is_read():
    deep = "Para satu.\n\n" + ">" * (MAX_NESTING - 3) + " Kalimat di kutipan.\n\nPara akhir.\n"
    assert str(markdown_prose(deep)) == "Para satu.\nKalimat di kutipan.\nPara akhir."
    hidden = "Para satu.\n\n" + ">" * 150 + " Kalimat tersembunyi.\n\nPara akhir.\n"
    with pytest.raises(InputError, match="nest over 98 levels deep"):
        markdown_prose(hidden, "nest.md")


def test_a_sparse_review_sheet_with_a_far_away_cell_reads_in_bounded_time(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "review"
    sheet.append(["keep", "src_text", "tgt_text"])
    sheet.append(["yes", "Halo.", "Hello."])
    sheet["XFD1048576"] = "x"  # the sheet's <dimension> now says 1,048,576 rows x 16,384 columns
    book.save(tmp_path / "sparse.xlsx")
    assert (tmp_path / "sparse.xlsx").stat().st_size < 10_000
    code = ("from aligner.review import read_review; f, _ = read_review(%r); "
            "print(f[['keep', 'src_text', 'tgt_text']].values.tolist())" % str(tmp_path / "sparse.xlsx"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[['yes', 'Halo.', 'Hello.']]"


@pytest.fixture
def outside(tmp_path):
    corpus, elsewhere = tmp_path / "corpus", tmp_path / "elsewhere"
    corpus.mkdir(), elsewhere.mkdir()
    write(corpus, "a.id.txt", ID_TEXT), write(corpus, "a.en.txt", EN_TEXT)
    secret = write(elsewhere, "secret.txt", "Kata sandi rahasia.\n")
    return corpus, secret


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
def test_a_manifest_naming_files_outside_its_folder_is_refused(outside, tmp_path, how):
    corpus, secret = outside
    if how == "symlink":
        (corpus / "link.txt").symlink_to(secret)
    named = {"absolute": str(secret), "dotdot": "../elsewhere/secret.txt", "symlink": "link.txt"}[how]
    manifest = write(corpus, "manifest.csv", f"src,tgt,doc_id\na.id.txt,a.en.txt,a\n{named},a.en.txt,b\n")
    res = runner.invoke(app, ["batch", str(manifest), "-o", str(tmp_path / "out")])
    assert res.exit_code == 1, res.output
    assert res.output.strip().startswith("error:") and len(res.output.strip().splitlines()) == 1
    assert "row 3" in res.output and "outside the manifest's folder" in " ".join(res.output.split())
    assert not (tmp_path / "out" / "corpus.tmx").exists()


def test_allow_outside_reads_a_manifest_that_names_files_anywhere(outside, tmp_path):
    corpus, secret = outside
    manifest = write(corpus, "manifest.csv", f"src,tgt,doc_id\n{secret},a.en.txt,b\n")
    options = BatchOptions(loader=HashingEmbedder, workers=1, allow_outside=True)
    summary = run_batch(manifest, tmp_path / "out", options)
    assert summary.documents == 1 and summary.failed_now == 0
