"""Hostile cell contents: formulas and DDE payloads stay text in XLSX, CSV, TSV and report.csv,
and every text survives the review sheet → ``review-import`` round trip (or is reported)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

import aligner
from aligner.align.base import Bead
from aligner.batch import BatchOptions, run_batch
from aligner.embed.hashing import HashingEmbedder
from aligner.cli import app
from aligner.export import ExportOptions, write_alignment
from aligner.export.base import sanitise
from aligner.export.cells import EXCEL_CELL_LIMIT, guard_formula, unguard_formula
from aligner.result import AlignmentResult
from aligner.review import review_to_tmx
from aligner.segment.base import Sentence, normalise_space
from test_hostile import fake_model, write  # noqa: F401 - fixture

runner = CliRunner()

PAYLOADS = [
    '=HYPERLINK("http://x","klik")',
    "=cmd|' /C calc'!A0",
    "=1+1 adalah dua",
    "+62 812 555 0100 adalah nomornya",
    "-5 derajat di puncak",
    "@SUM(A1:A2)",
]
GOOD_TGT = "The price of rice rose five percent in Jakarta."


def one_pair(src_texts: list[str], tgt_texts: list[str]) -> AlignmentResult:
    """One good 1-1 bead per text pair."""
    src = [Sentence(i, t, 0, len(t), i) for i, t in enumerate(src_texts)]
    tgt = [Sentence(i, t, 0, len(t), i) for i, t in enumerate(tgt_texts)]
    return AlignmentResult(src, tgt, [Bead((i,), (i,), 0.99) for i in range(len(src))])


def test_review_sheet_cells_are_strings_and_come_back_unchanged(tmp_path: Path) -> None:
    sheet = tmp_path / "r.xlsx"
    targets = [f"{GOOD_TGT} ({k})" for k in range(len(PAYLOADS))]
    write_alignment(one_pair(PAYLOADS, targets), sheet, ExportOptions(doc_id="=HYPERLINK(\"http://x\")"))
    review = load_workbook(sheet)["review"]
    header = [c.value for c in review[1]]
    cells = [row[header.index("src_text")] for row in review.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * len(PAYLOADS)
    assert [c.value for c in cells] == PAYLOADS
    assert all(row[header.index("doc")].data_type == "s" for row in review.iter_rows(min_row=2))
    stats = review_to_tmx(sheet, tmp_path / "o.tmx")
    assert stats.written == len(PAYLOADS) and stats.formulas == 0
    assert aligner.read_tmx(tmp_path / "o.tmx").src_text.tolist() == PAYLOADS


def test_review_import_reads_formula_cells_as_their_text_and_says_so(tmp_path: Path) -> None:
    """A sheet written before the fix (or typed by a reviewer) holds live formulas: their text is kept."""
    book = Workbook()
    sheet = book.active
    sheet.title = "review"
    sheet.append(["keep", "src_text", "tgt_text"])
    sheet.append(["yes", "=1+1 adalah dua", "=1+1 is two"])
    sheet.append(["yes", "Harga beras naik.", "Rice prices rose."])
    assert sheet["B2"].data_type == "f"
    book.save(tmp_path / "old.xlsx")
    res = runner.invoke(app, ["review-import", str(tmp_path / "old.xlsx"), "-o", str(tmp_path / "o.tmx")])
    assert res.exit_code == 0, res.output
    assert "2 pairs written" in res.output and "2 formula cells read as text" in res.output
    frame = aligner.read_tmx(tmp_path / "o.tmx")
    assert frame.src_text.tolist() == ["=1+1 adalah dua", "Harga beras naik."]


def test_review_import_parse_error_is_one_line(tmp_path: Path) -> None:
    """A zip that is no workbook, and a workbook whose sheet XML is broken."""
    import zipfile

    broken = tmp_path / "broken.xlsx"
    write_alignment(one_pair(["Harga naik."], ["Prices rose."]), tmp_path / "good.xlsx")
    with zipfile.ZipFile(tmp_path / "good.xlsx") as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2] + b"<\n\n<<&broken\n"
            dst.writestr(item, data)
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as dst:
        dst.writestr("hello.txt", "line one\nline two\n")
    for bad in (broken, other):
        res = runner.invoke(app, ["review-import", str(bad), "-o", str(tmp_path / "x.tmx")])
        assert res.exit_code == 1, res.output
        assert len(res.output.strip().splitlines()) == 1 and res.output.startswith("error:"), res.output
        assert "Traceback" not in res.output and not (tmp_path / "x.tmx").exists()


def test_text_longer_than_an_excel_cell_is_cut_reported_and_not_kept(tmp_path: Path) -> None:
    long = ("kata " * 8000).strip()
    stats = write_alignment(one_pair([long, "Harga naik."], [GOOD_TGT, "Prices rose."]), tmp_path / "r.xlsx")
    assert stats.cells_truncated == 1
    rows = list(load_workbook(tmp_path / "r.xlsx")["review"].iter_rows(values_only=True))
    assert len(rows[1][4]) == EXCEL_CELL_LIMIT and rows[1][0] == "no" and "cut-for-excel" in rows[1][7]


texts = st.tuples(st.sampled_from(["", "=", "+", "-", "@", "\t", "\r", "'", "'=", "=cmd|' /C calc'!A0 ", "_x0041_"]),
                  st.text(max_size=80)).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
@example(text="=1+1 adalah dua")
@example(text='=HYPERLINK("http://x","klik")')
@example(text="a\x00b")
def test_any_text_round_trips_through_the_review_sheet_or_is_reported(tmp_path_factory, text: str) -> None:
    sentence = normalise_space(text)
    assume(sentence)
    folder = tmp_path_factory.mktemp("rt")
    stats = write_alignment(one_pair([sentence], [GOOD_TGT]), folder / "r.xlsx")
    assert stats.rows_written == 1
    book = load_workbook(folder / "r.xlsx")
    sheet = book["review"]
    sheet["A2"].value = "yes"  # the reviewer keeps it (e.g. a blank keep for an "identical" pair)
    book.save(folder / "r.xlsx")
    review = review_to_tmx(folder / "r.xlsx", folder / "o.tmx")
    expected = " ".join(sanitise(sentence)[0].split())
    if stats.control_chars_removed:  # reported as sanitised: the TMX gets the cleaned text
        assert sanitise(sentence)[1] == stats.control_chars_removed
    else:
        assert expected == sentence
    if expected:
        assert review.written == 1 and review.formulas == 0
        assert aligner.read_tmx(folder / "o.tmx").src_text.tolist() == [expected]
    else:
        assert review.written == 0 and review.empty_skipped == 1


@settings(max_examples=200, deadline=None)
@given(text=texts, delimiter=st.sampled_from([",", "\t"]))
def test_any_text_in_csv_and_tsv_is_guarded_and_recoverable(text: str, delimiter: str) -> None:
    from aligner.export import EXPORTERS

    sentence = normalise_space(text)
    assume(sentence and not sanitise(sentence)[1])
    result = one_pair([sentence], [GOOD_TGT])
    exporter = EXPORTERS[".csv" if delimiter == "," else ".tsv"]
    for guard in (True, False):
        stream = io.StringIO(newline="")
        stats = exporter.write(result, stream, ExportOptions(formula_guard=guard))
        rows = list(csv.reader(io.StringIO(stream.getvalue(), newline=""), delimiter=delimiter))
        written = rows[1][0]
        if guard:
            assert written == guard_formula(sentence) and unguard_formula(written) == sentence
            assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert written.startswith("'") == sentence.startswith(("=", "+", "-", "@", "\t", "\r", "'"))
            assert stats.formulas_guarded == (written != sentence)
        else:
            assert written == sentence and stats.formulas_guarded == 0


def test_align_csv_guards_formulas_unless_told_not_to(tmp_path: Path, fake_model) -> None:
    src = write(tmp_path, "a.id.txt", "=1+1 adalah dua.\n@SUM(A1:A2) naik lima persen.\n")
    tgt = write(tmp_path, "a.en.txt", "=1+1 is two.\n@SUM(A1:A2) rose five percent.\n")
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["align", str(src), str(tgt), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(open(out, encoding="utf-8", newline="")))
    assert [r[0] for r in rows[1:]] == ["'=1+1 adalah dua.", "'@SUM(A1:A2) naik lima persen."]
    assert "4 formula-like texts prefixed" in res.output
    res = runner.invoke(app, ["align", str(src), str(tgt), "-o", str(out), "--no-formula-guard"])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(open(out, encoding="utf-8", newline="")))
    assert [r[0] for r in rows[1:]] == ["=1+1 adalah dua.", "@SUM(A1:A2) naik lima persen."]


@pytest.mark.parametrize("guard", [True, False])
def test_batch_corpus_csv_and_report_escape_doc_ids_and_texts(tmp_path: Path, guard: bool) -> None:
    manifest = tmp_path / "m.csv"
    write(tmp_path, "a.id.txt", "-5 derajat di Bandung pagi ini.\nHarga beras naik.\n")
    write(tmp_path, "a.en.txt", "-5 degrees in Bandung this morning.\nRice prices rose.\n")
    with open(manifest, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["src", "tgt", "doc_id"], ["a.id.txt", "a.en.txt", '=HYPERLINK("http://x","y")'],
                                  ["missing.id.txt", "missing.en.txt", "@evil"]])
    out = tmp_path / "out"
    run_batch(manifest, out, BatchOptions(loader=HashingEmbedder, workers=1, output_file=Path("c.csv"),
                                          export=ExportOptions(formula_guard=guard)))
    prefix = "'" if guard else ""
    report = list(csv.DictReader(open(out / "report.csv", encoding="utf-8", newline="")))
    assert sorted(r["doc_id"] for r in report) == sorted([prefix + '=HYPERLINK("http://x","y")', prefix + "@evil"])
    corpus = list(csv.DictReader(open(out / "c.csv", encoding="utf-8", newline="")))
    assert {r["doc_id"] for r in corpus} == {prefix + '=HYPERLINK("http://x","y")'}
    assert prefix + "-5 derajat di Bandung pagi ini." in {r["id"] for r in corpus}


def test_review_import_refuses_a_zip_bomb_sheet(tmp_path: Path) -> None:
    import zipfile

    from aligner.read.limits import DEFAULT_MAX_CHARS, DOCX_XML_BYTES_PER_CHAR

    bomb = tmp_path / "bomb.xlsx"
    write_alignment(one_pair(["Harga naik."], ["Prices rose."]), tmp_path / "good.xlsx")
    with zipfile.ZipFile(tmp_path / "good.xlsx") as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
        dst.writestr("xl/padding.xml", b" " * (DEFAULT_MAX_CHARS * DOCX_XML_BYTES_PER_CHAR + 1))
    assert bomb.stat().st_size < 1_000_000
    res = runner.invoke(app, ["review-import", str(bomb), "-o", str(tmp_path / "x.tmx")])
    assert res.exit_code == 1 and "XLSX's XML expands to" in " ".join(res.output.split()), res.output
    assert len(res.output.strip().splitlines()) == 1 and not (tmp_path / "x.tmx").exists()
