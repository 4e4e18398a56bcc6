"""CSV/TSV and vecalign .beads export, plus format selection by extension."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from aligner.align.base import Bead
from aligner.errors import ExportError
from aligner.export import EXPORTERS, ExportOptions, supported_suffixes, write_alignment
from aligner.result import AlignmentResult

import export_sample as sample
from export_sample import SRC, TGT

#: The sample's beads, the last score rounding to "0.420" in the files.
BEADS = [*sample.BEADS[:-1], Bead((5,), (4, 5), 0.4199)]
HEADER = ["id", "en", "score", "bead", "src_idx", "tgt_idx", "status"]


def make_result(src=SRC, tgt=TGT, beads=BEADS) -> AlignmentResult:
    return sample.make_result(src, tgt, beads)


def read_frame(path: Path, sep: str = ",") -> pd.DataFrame:
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8")


# --- CSV / TSV ------------------------------------------------------------------------------


def test_csv_header_and_rows(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    stats = write_alignment(make_result(), target)
    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    assert raw.startswith(b"id,en,score,bead,src_idx,tgt_idx,status\r\n")
    with open(target, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HEADER
    assert rows[1:] == [
        [SRC[0], TGT[0], "0.910", "1-1", "0", "0", "aligned"],
        [SRC[1] + " " + SRC[2], TGT[1], "0.780", "2-1", "1 2", "1", "aligned"],
        [SRC[3], "", "0.400", "1-0", "3", "", "unaligned"],
        ["", TGT[2], "0.350", "0-1", "", "2", "unaligned"],
        [SRC[4], TGT[3], "0.880", "1-1", "4", "3", "aligned"],
        [SRC[5], TGT[4] + " " + TGT[5], "0.420", "1-2", "5", "4 5", "aligned"],
    ]
    assert stats.rows_written == 6
    assert stats.pairs_written == 4
    assert (stats.unaligned_src, stats.unaligned_tgt) == (1, 1)
    assert stats.format == "csv"


def test_header_uses_short_codes_from_options(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_alignment(make_result(), target, ExportOptions(src_lang="ms-MY", tgt_lang="en-GB"))
    assert list(read_frame(target).columns) == ["ms", "en", *HEADER[2:]]
    write_alignment(make_result(), target, ExportOptions(src_lang="en-US", tgt_lang="en-GB"))
    assert list(read_frame(target).columns) == ["en-US", "en-GB", *HEADER[2:]]


def test_unaligned_rows_have_empty_other_side(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_alignment(make_result(), target)
    frame = read_frame(target)
    unaligned = frame[frame["status"] == "unaligned"]
    assert list(unaligned["id"]) == [SRC[3], ""]
    assert list(unaligned["en"]) == ["", TGT[2]]
    assert list(unaligned["src_idx"]) == ["3", ""]
    assert list(unaligned["tgt_idx"]) == ["", "2"]
    # every sentence of both sides appears in exactly one row
    src_ids = [int(i) for cell in frame["src_idx"] for i in cell.split()]
    tgt_ids = [int(j) for cell in frame["tgt_idx"] for j in cell.split()]
    assert src_ids == list(range(len(SRC)))
    assert tgt_ids == list(range(len(TGT)))


TRICKY_SRC = [
    'Ia berkata, "Kami siap."',
    "Harga: Rp10.000, Rp20.000; dan seterusnya.",
    "Baris pertama\nbaris kedua",
    "“Kutipan melengkung” dan ‘tunggal’.",
    "NA",
    "=SUM(A1:A2)",
    "Tab\tdi tengah.",
    'Dua ""tanda"" kutip\r\nWindows.',
    "  spasi di tepi  ",
    "#bukan komentar",
]
TRICKY_TGT = [
    'He said, "We are ready."',
    "Price: Rp10,000, Rp20,000; and so on.",
    "First line\nsecond line",
    "“Curly quotes” and ‘single’.",
    "null",
    "-1",
    "Tab\tin the middle.",
    'Two ""quote"" marks\r\nWindows.',
    "  spaces at the edges  ",
    "# not a comment",
]


@pytest.mark.parametrize("suffix, sep", [(".csv", ","), (".tsv", "\t")])
def test_pandas_round_trip_of_tricky_texts(tmp_path: Path, suffix: str, sep: str) -> None:
    beads = [Bead((i,), (i,), 0.5) for i in range(len(TRICKY_SRC))]
    target = tmp_path / f"tricky{suffix}"
    stats = write_alignment(make_result(TRICKY_SRC, TRICKY_TGT, beads), target, ExportOptions(formula_guard=False))
    frame = read_frame(target, sep)
    assert list(frame.columns) == HEADER
    assert list(frame["id"]) == TRICKY_SRC
    assert list(frame["en"]) == TRICKY_TGT
    # with the default formula guard the spreadsheet-formula-like texts get a leading apostrophe
    write_alignment(make_result(TRICKY_SRC, TRICKY_TGT, beads), target)
    guarded = read_frame(target, sep)
    assert list(guarded["id"]) == ["'=SUM(A1:A2)" if t == "=SUM(A1:A2)" else t for t in TRICKY_SRC]
    assert list(guarded["en"]) == ["'-1" if t == "-1" else t for t in TRICKY_TGT]
    assert list(frame["bead"]) == ["1-1"] * len(beads)
    assert stats.format == suffix[1:]
    assert stats.rows_written == len(beads)


def test_tsv_is_tab_separated(tmp_path: Path) -> None:
    target = tmp_path / "out.tsv"
    write_alignment(make_result(), target)
    lines = target.read_bytes().decode("utf-8").split("\r\n")
    assert lines[0] == "\t".join(HEADER)
    assert lines[1] == "\t".join([SRC[0], TGT[0], "0.910", "1-1", "0", "0", "aligned"])
    assert lines[3] == "\t".join([SRC[3], "", "0.400", "1-0", "3", "", "unaligned"])


def test_min_score_marks_rows_without_removing_them(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    stats = write_alignment(make_result(), target, ExportOptions(min_score=0.8))
    frame = read_frame(target)
    assert len(frame) == len(BEADS)
    assert list(frame["status"]) == [
        "aligned",
        "below_min_score",
        "unaligned",
        "unaligned",
        "aligned",
        "below_min_score",
    ]
    assert stats.below_min_score == 2
    assert stats.pairs_written == 2


def test_csv_control_characters_removed(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    stats = write_alignment(
        make_result(["Harga\x00 naik\x1f."], ["Prices\x0b rose."], [Bead((0,), (0,), 0.9)]), target
    )
    frame = read_frame(target)
    assert list(frame["id"]) == ["Harga naik."]
    assert list(frame["en"]) == ["Prices rose."]
    assert stats.control_chars_removed == 3


def test_csv_pair_with_empty_side_is_not_aligned(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    stats = write_alignment(make_result(["\x00"], ["Hello."], [Bead((0,), (0,), 0.9)]), target)
    frame = read_frame(target)
    assert list(frame["status"]) == ["unaligned"]
    assert stats.empty_skipped == 1 and stats.pairs_written == 0


# --- .beads ---------------------------------------------------------------------------------


def test_beads_lines_exact(tmp_path: Path) -> None:
    target = tmp_path / "out.beads"
    stats = write_alignment(make_result(), target, ExportOptions(min_score=0.9))
    assert target.read_text(encoding="utf-8") == (
        "[0]:[0]:0.910\n"
        "[1, 2]:[1]:0.780\n"
        "[3]:[]:0.400\n"
        "[]:[2]:0.350\n"
        "[4]:[3]:0.880\n"
        "[5]:[4, 5]:0.420\n"
    )
    assert stats.rows_written == 6
    assert stats.below_min_score == 3  # min_score only shows in the stats
    assert stats.control_chars_removed == 0


def test_beads_cover_every_sentence_once(tmp_path: Path) -> None:
    target = tmp_path / "out.beads"
    write_alignment(make_result(), target)
    pattern = re.compile(r"^\[([0-9, ]*)\]:\[([0-9, ]*)\]:(\d+\.\d{3})$")
    src_seen: list[int] = []
    tgt_seen: list[int] = []
    for line in target.read_text(encoding="utf-8").splitlines():
        match = pattern.match(line)
        assert match, line
        src_seen += [int(x) for x in match.group(1).split(",") if x.strip()]
        tgt_seen += [int(x) for x in match.group(2).split(",") if x.strip()]
    assert sorted(src_seen) == src_seen == list(range(len(SRC)))
    assert sorted(tgt_seen) == tgt_seen == list(range(len(TGT)))


# --- format selection -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.txt", "out", "out.xml", "out.tmx.bak"])
def test_unknown_extension(tmp_path: Path, name: str) -> None:
    with pytest.raises(ExportError) as info:
        write_alignment(make_result(), tmp_path / name)
    message = str(info.value)
    for suffix in (".tmx", ".csv", ".tsv", ".beads"):
        assert suffix in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, fmt, start", [
    ("OUT.CSV", "csv", "id,en,score,bead"), ("Out.Tsv", "tsv", "id\ten\tscore\tbead"),
    ("x.BEADS", "beads", "[0]:[0]:0.910\n"), ("y.Tmx", "tmx", '<?xml version="1.0" encoding="UTF-8"?>'),
])
def test_extension_is_case_insensitive(tmp_path: Path, name: str, fmt: str, start: str) -> None:
    stats = write_alignment(make_result(), tmp_path / name)
    assert (stats.path, stats.format) == (tmp_path / name, fmt)
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)


def test_registry() -> None:
    assert supported_suffixes() == [".beads", ".csv", ".parquet", ".tmx", ".tsv", ".xlsx"]
    for suffix in supported_suffixes():  # every entry loads, and is the exporter of its suffix
        assert suffix in EXPORTERS[suffix].suffixes


def test_listing_the_formats_imports_no_exporter() -> None:
    import subprocess
    import sys

    code = ("import sys, aligner.export as e; e.supported_suffixes(); "
            "print(sorted(m for m in ('aligner.export.xlsx', 'aligner.export.parquet') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_index_out_of_range_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(ExportError, match="source sentence 7"):
        write_alignment(make_result(beads=[Bead((7,), (0,), 0.5)]), target)
    assert list(tmp_path.iterdir()) == []


def test_min_score_must_be_a_number() -> None:
    with pytest.raises(ExportError):
        ExportOptions(min_score=float("nan"))
    with pytest.raises(ExportError):
        ExportOptions(min_score="high")  # type: ignore[arg-type]
