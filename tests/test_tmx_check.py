"""tmx-check, read_tmx (ours and translate-toolkit's), duplicates, long and identical segments."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import aligner
from aligner.align.base import Bead
from aligner.cli import app
from aligner.export import ExportOptions, write_alignment
from aligner.export.tmx_check import check_tmx
from aligner.result import AlignmentResult
from aligner.segment.base import Sentence

LONG = "kata " * 450  # 2,250 characters


def sentences(texts):
    return [Sentence(i, t, 0, len(t), 0) for i, t in enumerate(texts)]


def make_result() -> AlignmentResult:
    src = ["Satu.", "Dua.", "Satu.", LONG.strip(), "Jakarta", "Tiga\x0b."]
    tgt = ["One.", "Two.", "One.", "word " * 400, "Jakarta", "Three."]
    return AlignmentResult(sentences(src), sentences(tgt), [Bead((k,), (k,), 0.95) for k in range(6)])


@pytest.fixture()
def ours(tmp_path: Path) -> Path:
    path = tmp_path / "ours.tmx"
    write_alignment(make_result(), path, ExportOptions(src_lang="id", tgt_lang="en-GB", doc_id="d"))
    return path


def test_our_tmx_is_clean_and_reads_back(ours: Path) -> None:
    assert check_tmx(ours) == []
    frame = aligner.read_tmx(ours)
    assert list(frame.columns[:4]) == ["src_text", "tgt_text", "score", "bead"]
    assert list(frame.src_text) == ["Satu.", "Dua.", LONG.strip(), "Jakarta", "Tiga."]
    assert frame["count"].fillna("").tolist() == ["2", "", "", "", ""]
    assert frame.score.tolist() == [0.95] * 5 and set(frame.band) == {"good"}
    assert frame["flags"].fillna("").tolist() == ["", "", "long-segment", "identical", ""]
    assert set(frame.src_lang) == {"id-ID"} and set(frame.tgt_lang) == {"en-GB"}
    assert set(frame.doc) == {"d"}


def test_max_seg_chars(tmp_path: Path) -> None:
    path = tmp_path / "short.tmx"
    stats = write_alignment(make_result(), path, ExportOptions(max_seg_chars=2000))
    assert stats.too_long == 1
    assert LONG.strip() not in aligner.read_tmx(path).src_text.tolist()


def test_lang_codes_flow_everywhere(tmp_path: Path) -> None:
    from lxml import etree

    path = tmp_path / "l.tmx"
    # "in" is the withdrawn ISO 639 code for Indonesian: CAT tools match on the current one.
    write_alignment(make_result(), path, ExportOptions(src_lang="in", tgt_lang="en_au"))
    root = etree.parse(str(path)).getroot()
    assert root.find("header").get("srclang") == "id-ID"
    langs = {t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in root.iter("tuv")}
    assert langs == {"id-ID", "en-AU"}
    assert check_tmx(path) == []


def test_reads_translate_toolkit_tmx(tmp_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage="id-ID", targetlanguage="en-US")
    for src, tgt in (("Halo dunia.", "Hello world."), ("Apa kabar?", "How are you?")):
        store.addtranslation(src, "id-ID", tgt, "en-US")
    path = tmp_path / "tt.tmx"
    path.write_bytes(bytes(store))
    assert check_tmx(path) == []
    frame = aligner.read_tmx(path)
    assert list(zip(frame.src_text, frame.tgt_text)) == [("Halo dunia.", "Hello world."), ("Apa kabar?", "How are you?")]
    assert frame.score.isna().all()


BROKEN = {
    "illegal": ("<seg>a\x01b</seg>", "illegal XML character U+0001"),
    "empty": ("<seg> </seg>", "empty en-US segment"),
    "lang": ('<seg>x</seg></tuv><tuv xml:lang="en US"><seg>y</seg>', "is not a language tag"),
}


def tmx_text(tgt_tuv: str, srclang: str = "id-ID") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
            f'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en-US" srclang="{srclang}" '
            f'datatype="plaintext"/><body><tu><tuv xml:lang="id-ID"><seg>Satu.</seg></tuv>'
            f'<tuv xml:lang="en-US">{tgt_tuv}</tuv></tu></body></tmx>\n')


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_problems_found(tmp_path: Path, name: str) -> None:
    tuv, expected = BROKEN[name]
    path = tmp_path / f"{name}.tmx"
    path.write_text(tmx_text(tuv), encoding="utf-8")
    problems = check_tmx(path)
    assert any(expected in p for p in problems), problems


def test_header_srclang_mismatch_and_structure(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    path.write_text(tmx_text("<seg>One.</seg>", srclang="ms-MY"), encoding="utf-8")
    assert any("srclang 'ms-MY'" in p for p in check_tmx(path))
    path.write_text("<tmx version='1.4'><body/></tmx>", encoding="utf-8")
    problems = check_tmx(path)
    assert "no <header>" in problems and "<body> has no <tu>" in problems
    path.write_text("<tmx><unclosed>", encoding="utf-8")
    assert check_tmx(path)[0].startswith("not well-formed XML")


def test_cli_tmx_check(tmp_path: Path, ours: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["tmx-check", str(ours)])
    assert res.exit_code == 0 and "ok" in res.output
    bad = tmp_path / "bad.tmx"
    bad.write_text(tmx_text("<seg></seg>"), encoding="utf-8")
    res = runner.invoke(app, ["tmx-check", str(bad)])
    assert res.exit_code == 1 and "empty en-US segment" in res.output
    res = runner.invoke(app, ["tmx-check", str(tmp_path / "none.tmx")])
    assert res.exit_code == 1 and "no such file" in res.output
