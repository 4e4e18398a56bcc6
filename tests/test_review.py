"""Review loop: bands, the .xlsx review sheet, and review-import back to a TMX."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import aligner
from aligner.align.base import Bead
from aligner.bands import CHECK, GOOD, band
from aligner.cli import app
from aligner.cli.align import review_output
from aligner.export import ExportOptions, write_alignment
from aligner.result import AlignmentResult
from aligner.review import review_to_tmx
from aligner.segment.base import Sentence

SRC = ["Harga beras naik.", "Pemerintah diam.", "Menu utama", "Warga protes.", "OK", "Harga beras naik."]
TGT = ["Rice prices rose.", "The government was silent.", "Residents protested.", "OK", "Rice prices rose.", "Share"]


def sentences(texts, flags=None):
    flags = flags or {}
    return [Sentence(i, t, 0, len(t), i, frozenset(flags.get(i, ()))) for i, t in enumerate(texts)]


def make_result() -> AlignmentResult:
    beads = [Bead((0,), (0,), 0.97), Bead((1,), (1,), 0.7), Bead((2,), (), 0.9), Bead((3,), (2,), 0.3),
             Bead((4,), (3,), 0.99), Bead((5,), (4,), 0.95), Bead((), (5,), 0.8)]
    return AlignmentResult(sentences(SRC, {2: ["boilerplate"]}), sentences(TGT, {5: ["wrong-language"]}), beads)


def test_band_thresholds() -> None:
    assert (GOOD, CHECK) == (0.9, 0.5)
    scores = [1.0, GOOD, GOOD - 1e-9, CHECK, CHECK - 1e-9, 0.0, float("nan"), None]
    assert [band(s) for s in scores] == ["good", "good", "check", "check", "bad", "bad", "bad", "bad"]
    frame = make_result().to_frame()
    # the band is the score's, for unaligned beads too (1-0 at 0.9, 0-1 at 0.8); the review sheet says "unaligned"
    assert list(frame.band) == ["good", "check", "good", "bad", "good", "good", "check"]


def test_sheet_layout(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    stats = write_alignment(make_result(), path, ExportOptions(doc_id="d1"))
    assert stats.rows_written == 7
    sheet = load_workbook(path)["review"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:6] == ["keep", "band", "score", "bead", "src_text", "tgt_text"]
    col = {name: k for k, name in enumerate(header)}
    body = rows[1:]
    assert [r[col["keep"]] for r in body] == ["yes", None, "no", "no", "no", "yes", "no"]
    assert body[4][col["flags"]] == "identical"  # "OK" = "OK": kept out of the TMX, pre-set to no
    assert body[4][col["status"]] == "identical" and body[0][col["status"]] == "aligned"
    assert body[2][col["flags"]] == "boilerplate" and body[6][col["flags"]] == "wrong-language"
    assert body[2][col["band"]] == "unaligned" and body[2][col["tgt_text"]] is None  # an empty cell, not ""
    assert body[0][col["doc"]] == "d1"
    fills = [sheet.cell(r, col["band"] + 1).fill.start_color.rgb for r in (2, 3, 5)]
    assert fills == ["FFC6EFCE", "FFFFEB9C", "FFFFC7CE"]


def test_round_trip(tmp_path: Path) -> None:
    sheet_path = tmp_path / "doc.review.xlsx"
    write_alignment(make_result(), sheet_path, ExportOptions(src_lang="id", tgt_lang="en-GB"))
    book = load_workbook(sheet_path)
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    keep, src, tgt = (header.index(n) + 1 for n in ("keep", "src_text", "tgt_text"))
    sheet.cell(3, tgt).value = "The government kept silent."  # edit the 'check' pair and keep it
    sheet.cell(3, keep).value = "Yes"
    sheet.cell(5, src).value = "Warga protes keras."  # keep a bad pair after fixing it... but
    sheet.cell(5, keep).value = "no"  # ...then change one's mind
    sheet.cell(6, keep).value = "y"  # the identical pair: kept on purpose
    sheet.cell(4, keep).value = "yes"  # kept, but the target side is empty: skipped
    sheet.delete_rows(2)  # delete the first (good) pair; its duplicate (row 7) stays
    book.save(sheet_path)

    out = tmp_path / "out.tmx"
    stats = review_to_tmx(sheet_path, out)
    assert (stats.written, stats.empty_skipped) == (3, 1)
    frame = aligner.read_tmx(out)
    assert list(zip(frame.src_text, frame.tgt_text)) == [
        ("Pemerintah diam.", "The government kept silent."), ("OK", "OK"), ("Harga beras naik.", "Rice prices rose.")]
    assert set(frame.src_lang) == {"id-ID"} and set(frame.tgt_lang) == {"en-GB"}
    assert set(frame.reviewed) == {"yes"} and frame.band[0] == "check"


def test_review_import_cli(tmp_path: Path) -> None:
    sheet_path = tmp_path / "r.xlsx"
    write_alignment(make_result(), sheet_path)
    runner = CliRunner()
    res = runner.invoke(app, ["review-import", str(sheet_path), "-o", str(tmp_path / "o.tmx")])
    assert res.exit_code == 0, res.output
    assert "1 pairs written" in res.output  # two kept rows, one pair after merging duplicates
    assert aligner.read_tmx(tmp_path / "o.tmx")["count"].tolist() == ["2"]
    res = runner.invoke(app, ["review-import", str(tmp_path / "missing.xlsx"), "-o", str(tmp_path / "x.tmx")])
    assert res.exit_code == 1 and "Traceback" not in res.output and not (tmp_path / "x.tmx").exists()
    (tmp_path / "bad.xlsx").write_text("not a workbook")
    res = runner.invoke(app, ["review-import", str(tmp_path / "bad.xlsx"), "-o", str(tmp_path / "x.tmx")])
    assert res.exit_code == 1 and not (tmp_path / "x.tmx").exists()


def test_min_band_and_review_path(tmp_path: Path) -> None:
    out = tmp_path / "doc.tmx"
    stats = write_alignment(make_result(), out, ExportOptions(min_band="good"))
    assert stats.below_min_band == 2 and stats.duplicates_merged == 1
    assert set(aligner.read_tmx(out).band) == {"good"}
    assert review_output(out, "good", None) == tmp_path / "doc.review.xlsx"
    assert review_output(out, None, None) is None
    assert review_output(out, None, tmp_path / "x.xlsx") == tmp_path / "x.xlsx"
    with pytest.raises(aligner.AlignerError):
        review_output(out, None, tmp_path / "x.csv")
    with pytest.raises(aligner.AlignerError):
        ExportOptions(min_band="great")
