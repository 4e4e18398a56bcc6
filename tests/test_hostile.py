"""Hostile input through the command line: every failure is one line on stderr, a non-zero exit, no output.

Most tests replace the embedding model by a tiny hashing embedder (``aligner.api.load_embedder`` is
patched), so that they test reading, splitting, aligning and writing rather than the encoder.
"""
from __future__ import annotations

import codecs
import logging
import os
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

import aligner
from aligner.cli import app
from aligner.segment import get_splitter, segment_text
from aligner.segment.segmenter import MAX_SEGMENT_CHARS, cap_length

runner = CliRunner()

ID_TEXT = "Presiden membuka rapat di Jakarta. Harga beras naik lima persen.\nRakyat menyambut baik keputusan itu.\n"
EN_TEXT = "The president opened the meeting in Jakarta. The price of rice rose five percent.\nThe people welcomed the decision.\n"


class HashEmbedder:
    """A tiny deterministic embedder: the normalised sum of one random vector per word."""

    name = "hash-test"
    dim = 32

    def __init__(self) -> None:
        self.table = np.random.default_rng(0).standard_normal((4096, self.dim)).astype(np.float32)
        self.longest = 0

    def encode(self, sentences, progress=None) -> np.ndarray:
        out = np.zeros((len(sentences), self.dim), np.float32)
        for i, s in enumerate(sentences):
            self.longest = max(self.longest, len(s))
            ids = [zlib.crc32(w.lower().encode()) % 4096 for w in s.split()] or [0]
            out[i] = self.table[ids].sum(axis=0)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        if progress is not None:
            progress(len(sentences))
        return out


@pytest.fixture
def fake_model(monkeypatch) -> HashEmbedder:
    """Make the CLI (through ``aligner.api.load_embedder``) use the hashing embedder."""
    model = HashEmbedder()
    monkeypatch.setattr("aligner.api.load_embedder", lambda *args, **kwargs: model)
    return model


def run(*args) -> object:
    return runner.invoke(app, [str(a) for a in args])


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def assert_failed_cleanly(res, out: Path, expected: str) -> None:
    assert res.exit_code != 0, res.output
    message = res.output.strip()
    assert len(message.splitlines()) == 1 and message.startswith("error:"), message
    assert expected in message.lower(), message
    assert "Traceback" not in res.output
    assert not out.exists() and not list(out.parent.glob(".*.tmp"))


# --- input files that cannot be used -------------------------------------------------------

BAD_INPUTS = {
    "missing": (None, "not found"),
    "directory": (None, "directory"),
    "empty.txt": (b"", "empty"),
    "whitespace.txt": (b" \n\t\r\n \xc2\xa0\n", "empty"),
    "binary.txt": (bytes(range(256)) * 8, "binary"),
    "nul.txt": (b"Satu kalimat.\x00 Dua kalimat.\n", "binary"),
    "latin1.txt": ("Harga naik \u201c10%\u201d menurut caf\u00e9.".encode("cp1252"), "--encoding"),
    "corrupt.docx": (b"PK\x03\x04 this is not really a zip archive", "not a valid docx"),
    "corrupt.pdf": (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "pdf"),
    "image.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
    "empty.html": (b"<html><head><title></title></head><body></body></html>", "no main text"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_one_line_error_no_output(tmp_path, fake_model, name):
    data, expected = BAD_INPUTS[name]
    bad = tmp_path / name
    if name == "directory":
        bad.mkdir()
    elif data is not None:
        bad.write_bytes(data)
    good = write(tmp_path, "good.en.txt", EN_TEXT)
    out = tmp_path / "out.tmx"
    assert_failed_cleanly(run("align", bad, good, "-o", out), out, expected)


def test_unknown_input_format_is_an_error(tmp_path, fake_model):
    src, tgt = write(tmp_path, "a.id.txt", ID_TEXT), write(tmp_path, "a.en.txt", EN_TEXT)
    out = tmp_path / "out.tmx"
    assert_failed_cleanly(run("align", src, tgt, "-o", out, "--input-format", "rtf"), out, "unknown input format")


def test_cp1252_with_encoding_option_works(tmp_path, fake_model):
    src = write(tmp_path, "a.id.txt", "Harga naik \u201c10%\u201d menurut caf\u00e9 itu.\n".encode("cp1252"))
    tgt = write(tmp_path, "a.en.txt", "Prices rose \u201c10%\u201d according to the caf\u00e9.\n".encode("cp1252"))
    out = tmp_path / "out.csv"
    res = run("align", src, tgt, "-o", out, "--encoding", "cp1252")
    assert res.exit_code == 0, res.output
    assert "\u201c10%\u201d" in out.read_text(encoding="utf-8")


def test_utf16_with_bom_is_decoded_and_aligned(tmp_path, sample_paths, e5, monkeypatch):
    monkeypatch.setattr("aligner.api.load_embedder", lambda *args, **kwargs: e5)
    src = write(tmp_path, "s.id.txt", codecs.BOM_UTF16_LE + sample_paths[0].read_text(encoding="utf-8").encode("utf-16-le"))
    tgt = write(tmp_path, "s.en.txt", sample_paths[1].read_text(encoding="utf-8").encode("utf-16"))
    out = tmp_path / "out.tmx"
    res = run("align", src, tgt, "-o", out)
    assert res.exit_code == 0, res.output
    assert "17 pairs written" in res.output
    assert len(etree.parse(str(out)).findall(".//tu")) == 17


def test_mixed_line_endings(tmp_path, fake_model):
    src = write(tmp_path, "a.id.txt", "Presiden membuka rapat.\r\nHarga beras naik.\rRakyat senang.\nSelesai.")
    tgt = write(tmp_path, "a.en.txt", "The president opened the meeting.\nRice prices rose.\r\nThe people are happy.\rDone.\r\n")
    out = tmp_path / "out.beads"
    res = run("align", src, tgt, "-o", out)
    assert res.exit_code == 0, res.output
    result = aligner.align_files(src, tgt, model=fake_model)
    assert [s.paragraph for s in result.src_sentences] == [0, 1, 2, 3]
    assert [s.paragraph for s in result.tgt_sentences] == [0, 1, 2, 3]
    assert not any("\r" in s.text for s in result.src_sentences + result.tgt_sentences)


def test_control_characters_removed_before_export_and_counted(tmp_path, fake_model):
    src = write(tmp_path, "a.id.txt", "Presiden\x07 membuka rapat.\x1b Harga beras naik.\n")
    tgt = write(tmp_path, "a.en.txt", "The president\x08 opened the meeting. Rice prices rose.\n")
    out = tmp_path / "out.csv"  # every sentence is written, aligned or not
    res = run("align", src, tgt, "-o", out)
    assert res.exit_code == 0, res.output
    assert "3 control characters removed" in res.output
    written = out.read_text(encoding="utf-8")
    assert not any(ch in written for ch in "\x07\x1b\x08")
    assert "Presiden membuka rapat." in written


def test_both_files_in_the_same_language_warns(tmp_path, fake_model):
    src = write(tmp_path, "a.id.txt", ID_TEXT * 3)
    tgt = write(tmp_path, "b.id.txt", ID_TEXT * 3)
    out = tmp_path / "out.tmx"
    res = run("align", src, tgt, "-o", out)
    assert res.exit_code == 0, res.output
    assert "both documents look Indonesian" in " ".join(res.output.split())


# --- output paths -------------------------------------------------------------------------


def test_output_in_missing_folder_or_below_a_file(tmp_path, fake_model):
    src, tgt = write(tmp_path, "a.id.txt", ID_TEXT), write(tmp_path, "a.en.txt", EN_TEXT)
    for out in (tmp_path / "missing" / "out.tmx", tmp_path / "a.id.txt" / "out.tmx"):
        res = run("align", src, tgt, "-o", out)
        assert res.exit_code == 1 and len(res.output.strip().splitlines()) == 1, res.output
        assert res.output.startswith("error:") and "Traceback" not in res.output
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_output_in_read_only_folder(tmp_path, fake_model):
    src, tgt = write(tmp_path, "a.id.txt", ID_TEXT), write(tmp_path, "a.en.txt", EN_TEXT)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        out = locked / "out.tmx"
        res = run("align", src, tgt, "-o", out)
        assert res.exit_code == 1 and len(res.output.strip().splitlines()) == 1, res.output
        assert not list(locked.iterdir())
    finally:
        locked.chmod(0o755)


# --- sizes ----------------------------------------------------------------------------------


def huge_line(size: int) -> str:
    words = ["pemerintah", "daerah", "provinsi", "jawa", "barat", "menggandeng", "gojek", "dan", "warga"]
    rng = np.random.default_rng(1)
    text = " ".join(words[k] for k in rng.integers(0, len(words), size // 6))
    return text[:size].rstrip()


def test_five_megabyte_line_without_punctuation(tmp_path, fake_model):
    text = huge_line(5_000_000)
    src = write(tmp_path, "huge.id.txt", text + "\n")
    tgt = write(tmp_path, "a.en.txt", EN_TEXT)
    out = tmp_path / "out.csv"
    res = run("align", src, tgt, "-o", out)  # how long: benchmarks/input_speed.py
    assert res.exit_code == 0, res.output
    assert "cut at whitespace" in " ".join(res.output.split())
    assert 0 < fake_model.longest <= MAX_SEGMENT_CHARS


def test_five_megabyte_line_splits_linearly_and_loses_nothing():
    text = huge_line(5_000_000)
    sentences = segment_text(text, get_splitter("id"))  # how long: benchmarks/input_speed.py
    assert len(sentences) >= len(text) // MAX_SEGMENT_CHARS
    assert max(s.end - s.start for s in sentences) <= MAX_SEGMENT_CHARS
    assert "".join(text[s.start : s.end].replace(" ", "") for s in sentences) == text.replace(" ", "")


def test_hundred_thousand_one_word_lines_are_read_and_split_linearly(tmp_path):
    words = ["rumah", "jalan", "besar", "kota", "air", "makan"]
    path = write(tmp_path, "words.id.txt", "\n".join(words[k % 6] for k in range(100_000)) + "\n")
    sentences = aligner.split(aligner.read_text(path), "id")  # how long: benchmarks/input_speed.py
    assert len(sentences) == 100_000 and [s.paragraph for s in sentences[:3]] == [0, 1, 2]
    assert [s.text for s in sentences[:7]] == words + words[:1]


def test_many_one_word_lines_align_through_the_cli(tmp_path, fake_model):
    words = ["rumah", "jalan", "besar", "kota", "air", "makan", "pagi", "malam"]
    lines = [words[(k * 7) % 8] + str(k) for k in range(3000)]
    src = write(tmp_path, "many.id.txt", "\n".join(lines))
    tgt = write(tmp_path, "many.en.txt", "\n".join(lines[:1500] + lines[1501:]))
    out = tmp_path / "out.beads"
    res = run("align", src, tgt, "-o", out)
    assert res.exit_code == 0, res.output
    assert "unaligned" in res.output and len(out.read_text().splitlines()) >= 2999


def test_extremely_long_sentence_is_truncated_for_the_encoder(e5, caplog):
    long_sentence = " ".join(str(k % 10) for k in range(950)) + "."  # about 1,900 characters, > 512 tokens
    with caplog.at_level(logging.WARNING):
        emb = e5.encode([long_sentence, "Pendek."])
    assert emb.shape == (2, e5.dim) and np.isfinite(emb).all()
    assert "truncated" in caplog.text


# --- properties -------------------------------------------------------------------------------

pieces = st.lists(st.sampled_from(["a", "kata", " ", "  ", "\u00a0", "\t", "xyz", "."]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=pieces, limit=st.integers(min_value=1, max_value=12))
def test_cap_length_keeps_every_character_in_order(text: str, limit: int) -> None:
    stripped_start = len(text) - len(text.lstrip())
    stripped_end = len(text.rstrip())
    spans = cap_length(text, stripped_start, stripped_end, limit) if stripped_start < stripped_end else []
    previous = 0
    for start, end in spans:
        assert previous <= start < end <= len(text) and end - start <= limit
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous = end
    assert "".join("".join(text[s:e].split()) for s, e in spans) == "".join(text.split())
