"""Hostile output paths: an input named as the output, links, devices, pipes, missing folders and
``--output-file`` outside OUTDIR are refused with one line before any work, and nothing is touched."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.batch import BatchOptions, run_batch
from aligner.embed.hashing import HashingEmbedder
from aligner.cli import app
from aligner.errors import AlignerError, ExportError
from aligner.export import write_alignment
from aligner.export.outpath import check_output
from test_hostile import EN_TEXT, ID_TEXT, HashEmbedder, write

runner = CliRunner()


@pytest.fixture
def no_model(monkeypatch):
    """A model loader that fails the test: output checks must come before the model is loaded."""
    def load(*args, **kwargs):
        raise AssertionError("the model was loaded before the output path was checked")

    monkeypatch.setattr("aligner.api.load_embedder", load)


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def assert_refused(res, expected: str) -> None:
    assert res.exit_code == 1, res.output
    message = res.output.strip()
    assert len(message.splitlines()) == 1 and message.startswith("error:"), message
    assert expected in " ".join(message.split()), message


@pytest.fixture
def docs(tmp_path):
    return write(tmp_path, "a.id.txt", ID_TEXT), write(tmp_path, "a.en.txt", EN_TEXT)


@pytest.mark.parametrize("alias", ["same", "relative", "symlink", "hardlink"])
@pytest.mark.parametrize("option", ["-o", "--review"])
def test_output_or_review_naming_an_input_is_refused_and_the_input_kept(tmp_path, no_model, monkeypatch,
                                                                        alias, option):
    suffix = ".csv" if option == "-o" else ".xlsx"
    src = write(tmp_path, "in" + suffix, ID_TEXT)  # `aligner align in.csv en.txt -o in.csv`
    tgt = write(tmp_path, "en.txt", EN_TEXT)
    if alias == "same":
        out = src
    elif alias == "relative":
        monkeypatch.chdir(tmp_path)
        (tmp_path / "sub").mkdir()
        out = Path("sub/../in" + suffix)
    elif alias == "symlink":
        out = tmp_path / ("link" + suffix)
        out.symlink_to(src)
    else:
        out = tmp_path / ("hard" + suffix)
        os.link(src, out)
    args = ("-o", out) if option == "-o" else ("-o", tmp_path / "x.tmx", "--review", out)
    res = run("align", src, tgt, *args)
    assert_refused(res, "it is the input")
    assert src.read_bytes() == ID_TEXT.encode() and not (tmp_path / "x.tmx").exists()


def test_review_equal_to_output_is_refused(tmp_path, docs, no_model):
    res = run("align", *docs, "-o", tmp_path / "a.xlsx", "--review", tmp_path / "a.xlsx")
    assert_refused(res, "two outputs name the same file")


def test_symlink_at_output_path_is_refused_and_kept(tmp_path, docs, no_model):
    elsewhere = write(tmp_path, "precious.txt", "keep me")
    link = tmp_path / "out.csv"
    link.symlink_to(elsewhere)
    assert_refused(run("align", *docs, "-o", link), "symbolic link")
    assert link.is_symlink() and elsewhere.read_text() == "keep me"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_fifo_and_device_at_output_path_are_refused(tmp_path, docs, no_model):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    assert_refused(run("align", *docs, "-o", fifo), "named pipe")
    assert fifo.exists() and not fifo.is_file()
    with pytest.raises(ExportError, match="device"):
        check_output("/dev/null")
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    assert_refused(run("align", *docs, "-o", folder), "a folder")


def test_missing_output_folder_is_refused_before_the_model_loads(tmp_path, docs, no_model):
    assert_refused(run("align", *docs, "-o", tmp_path / "nope" / "out.tmx"), "does not exist")
    assert_refused(run("align", *docs, "-o", tmp_path / "a.id.txt" / "out.tmx"), "is not a folder")


def test_write_alignment_refuses_a_symlink(tmp_path):
    import aligner

    result = aligner.align("Harga naik.", "Prices rose.", model=HashEmbedder())
    target = write(tmp_path, "t.txt", "keep")
    (tmp_path / "o.tmx").symlink_to(target)
    with pytest.raises(ExportError, match="symbolic link"):
        write_alignment(result, tmp_path / "o.tmx")
    assert target.read_text() == "keep"


def test_review_import_output_naming_the_sheet_is_refused(tmp_path):
    import aligner

    sheet = tmp_path / "r.xlsx"
    write_alignment(aligner.align("Harga naik.", "Prices rose.", model=HashEmbedder()), sheet)
    before = sheet.read_bytes()
    os.link(sheet, tmp_path / "r.tmx")
    assert_refused(run("review-import", sheet, "-o", tmp_path / "r.tmx"), "it is the input")
    assert sheet.read_bytes() == before


@pytest.mark.parametrize("name", ["../x.csv", "sub/../../x.csv", "/tmp/x.csv", "."])
def test_batch_output_file_must_stay_inside_outdir(tmp_path, name):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a.id.txt", ID_TEXT)
    write(folder, "a.en.txt", EN_TEXT)
    res = run("batch", folder, "-o", tmp_path / "out", "--output-file", name,
              "--embedder-factory", "aligner.embed.hashing:HashingEmbedder", "--workers", "1")
    assert_refused(res, "must be a file name inside the output folder")
    assert not (tmp_path / "x.csv").exists()


def test_batch_output_naming_an_input_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    src = write(out, "c.csv", "Harga beras naik.\n")
    write(tmp_path, "a.en.txt", EN_TEXT)
    manifest = tmp_path / "m.csv"
    with open(manifest, "w", newline="") as fh:
        csv.writer(fh).writerows([["src", "tgt"], ["out/c.csv", "a.en.txt"]])
    with pytest.raises(AlignerError, match="it is the input"):
        run_batch(manifest, out, BatchOptions(loader=HashingEmbedder, workers=1, output_file=Path("c.csv")))
    assert src.read_text() == "Harga beras naik.\n"


@pytest.mark.parametrize("case", ["from-is-output", "project-file-is-an-input"])
def test_the_editor_never_writes_over_what_it_was_given(tmp_path, docs, case, monkeypatch):
    monkeypatch.setattr("aligner.embed.load_embedder", lambda *a, **k: pytest.fail("the model was loaded"))
    monkeypatch.setattr("aligner.editor.server.EditorServer.serve_forever", lambda self: pytest.fail("the editor started"))
    src, tgt = docs
    if case == "from-is-output":
        previous = write(tmp_path, "a.tmx", "<tmx/>")
        res = run("edit", src, tgt, "-o", previous, "--from", previous, "--no-browser")
        kept = {previous: previous.read_bytes()}
    else:
        given = write(tmp_path, "out.align.json", EN_TEXT)  # an input named like the output's project file
        res = run("edit", src, given, "-o", tmp_path / "out.tmx", "--no-browser", "--fresh")
        kept = {given: EN_TEXT.encode()}
    assert_refused(res, "it is the input")
    assert all(path.read_bytes() == data for path, data in kept.items())
    assert not (tmp_path / "out.align.json.bak").exists()
