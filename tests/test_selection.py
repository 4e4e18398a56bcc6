"""The TM selection policy: which pairs go into the TMX, and why the others stay out (CSV, TSV, review sheet)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from openpyxl import load_workbook

import aligner
from aligner.align.base import Bead
from aligner.export import ExportOptions, write_alignment
from aligner.export.selection import NEAR_COPY_RATIO, is_near_copy, normalise_for_copy
from aligner.flags import is_boilerplate
from aligner.result import AlignmentResult
from aligner.segment.base import Sentence

BP, WL = "boilerplate", "wrong-language"

# (source sentences, target sentences, flags per sentence) of one bead each, and the expected status.
CASES = [
    (["Harga beras naik tajam minggu ini."], ["Rice prices rose sharply this week."], "aligned"),
    (["Jakarta"], ["Jakarta"], "identical"),
    (["phpMyAdmin 4.9.1 — Catatan rilis"], ["phpMyAdmin 5.0.2: catatan Rilis!"], "near_copy"),
    ([("The configuration file is stored in your home folder.", WL)],
     ["The configuration file is kept in your home folder."], "wrong_language"),
    # a mixed side: mostly English (by characters) -> wrong language
    (["Catatan.", ("Please restart the server after changing this setting in the file.", WL)],
     ["Note: please restart the server after changing this setting."], "wrong_language"),
    # a mixed side: mostly Indonesian -> a real translation
    (["Mulai ulang server setelah mengubah pengaturan ini di berkas konfigurasi utama.", ("See the FAQ here.", WL)],
     ["Restart the server after changing this setting in the main configuration file. See the FAQ."], "aligned"),
    ([("© 2019 Pemprov Jabar.", BP)], [("© 2019 West Java Province.", BP)], "boilerplate"),
    # boilerplate on one side only is not a boilerplate pair
    ([("Bagikan", BP)], ["Share this article with your friends and family"], "aligned"),
]


def sentences(side: list) -> list[Sentence]:
    out = []
    for k, item in enumerate(side):
        text, flag = (item, None) if isinstance(item, str) else item
        out.append(Sentence(k, text, 0, len(text), k, frozenset({flag}) if flag else frozenset()))
    return out


def make_result() -> AlignmentResult:
    src: list[Sentence] = []
    tgt: list[Sentence] = []
    beads = []
    for s_side, t_side, _ in CASES:
        s0, t0 = len(src), len(tgt)
        src += [dataclasses.replace(s, index=s0 + s.index) for s in sentences(s_side)]
        tgt += [dataclasses.replace(t, index=t0 + t.index) for t in sentences(t_side)]
        beads.append(Bead(tuple(range(s0, len(src))), tuple(range(t0, len(tgt))), 0.95))
    src.append(Sentence(len(src), "Kalimat tanpa pasangan.", 0, 23, 99))
    beads.append(Bead((len(src) - 1,), (), 0.3))
    return AlignmentResult(src, tgt, beads)


EXPECTED = [case[2] for case in CASES] + ["unaligned"]


def tmx_pairs(path: Path) -> list[tuple[str, str]]:
    tree = etree.parse(str(path))
    return [tuple(seg.text for seg in tu.iter("seg")) for tu in tree.iter("tu")]


def joined(side: list) -> str:
    return " ".join(item if isinstance(item, str) else item[0] for item in side)


def test_only_real_translations_go_into_the_tmx(tmp_path: Path) -> None:
    path = tmp_path / "a.tmx"
    stats = write_alignment(make_result(), path)
    expected = [(joined(s), joined(t)) for s, t, status in CASES if status == "aligned"]
    assert tmx_pairs(path) == expected
    assert stats.pairs_written == 3
    assert stats.excluded() == {"identical": 1, "near_copy": 1, "wrong_language": 2, "boilerplate": 1}


@pytest.mark.parametrize("suffix,sep", [(".csv", ","), (".tsv", "\t")])
def test_every_bead_stays_in_the_table_with_its_reason(tmp_path: Path, suffix: str, sep: str) -> None:
    path = tmp_path / f"a{suffix}"
    write_alignment(make_result(), path)
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    assert list(frame.status) == EXPECTED
    assert list(frame.id[:-1]) == [joined(s) for s, _, _ in CASES]
    # nothing lost: every sentence of both sides in exactly one row
    src_idx = [int(i) for cell in frame.src_idx for i in cell.split()]
    tgt_idx = [int(j) for cell in frame.tgt_idx for j in cell.split()]
    result = make_result()
    assert sorted(src_idx) == list(range(len(result.src_sentences)))
    assert sorted(tgt_idx) == list(range(len(result.tgt_sentences)))


def test_review_sheet_presets_keep_no_for_excluded_pairs(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    write_alignment(make_result(), path)
    rows = list(load_workbook(path)["review"].iter_rows(values_only=True))
    col = {name: k for k, name in enumerate(rows[0])}
    body = rows[1:]
    assert [r[col["status"]] for r in body] == EXPECTED
    keep = {r[col["status"]]: r[col["keep"]] for r in body}
    assert keep == {"aligned": "yes", "identical": "no", "near_copy": "no", "wrong_language": "no",
                    "boilerplate": "no", "unaligned": "no"}


@pytest.mark.parametrize("option,status", [("keep_identical", "identical"), ("keep_copies", "near_copy"),
                                           ("keep_wrong_language", "wrong_language"),
                                           ("keep_boilerplate", "boilerplate")])
def test_each_keep_option_brings_its_kind_back(tmp_path: Path, option: str, status: str) -> None:
    path = tmp_path / "a.tmx"
    stats = write_alignment(make_result(), path, ExportOptions(**{option: True}))
    wanted = {"aligned", status}
    assert tmx_pairs(path) == [(joined(s), joined(t)) for s, t, st in CASES if st in wanted]
    assert status not in stats.excluded()
    frame = aligner.read_tmx(path)
    if status == "identical":
        assert "identical" in frame["flags"].tolist()


def test_policy_reasons_come_before_score_limits(tmp_path: Path) -> None:
    result = make_result()
    stats = write_alignment(result, tmp_path / "a.csv", ExportOptions(min_score=0.99))
    frame = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    assert list(frame.status) == [s if s != "aligned" else "below_min_score" for s in EXPECTED]
    assert stats.below_min_score == 3 and stats.pairs_written == 0


def test_near_copy_normalises_case_space_punctuation_numbers() -> None:
    assert normalise_for_copy("  Versi 4.5.1 — RILIS,  baru! ") == "versi rilis baru"
    assert is_near_copy("Step 1: open the file.", "step 2 — Open the FILE")
    assert is_near_copy("12.000", "12,000")  # nothing but numbers on either side
    long_en = "The configuration storage is a set of tables in a database that phpMyAdmin uses for bookmarks"
    assert is_near_copy(long_en + " and its colour.", long_en + " and its color.")  # one letter more
    # a partial copy: the English sentence left on the Indonesian page, paired with the original and more
    assert is_near_copy("Use emerge to install it.", "Use emerge to install it. Then restart the web server.")
    assert not is_near_copy("Use emerge.", "Use emerge. Then restart.")  # two words: too short to tell
    # real translations that look alike stay translations (the most similar ones of the PO dev set)
    for src, tgt in [("Lithuania", "Lithuanian"), ("Bookmark", "Bookmarks"), ("Azerbaijan", "Azerbaijani"),
                     ("Debian dan Ubuntu", "Debian and Ubuntu"), ("Impor", "Import"),
                     (":term:`SQL` parser dan pretty-printer", ":term:`SQL` parser and pretty-printer")]:
        assert not is_near_copy(src, tgt), (src, tgt)
    assert NEAR_COPY_RATIO > 0.987


def test_copyright_lines_are_boilerplate() -> None:
    assert is_boilerplate("© 2019 Pemprov Jabar.") and is_boilerplate("© 2019 West Java Province.")
    assert is_boilerplate("(c) 2020 Kompas") and is_boilerplate("Copyright 2021 Detik")
    assert not is_boilerplate("Copyrighted works are protected by the law of the Republic of Indonesia.")


# -- the command line: summary counts, empty TMX, batch -------------------------------------------

def test_summary_names_each_reason_with_its_count() -> None:
    from aligner.cli._common import excluded_summary

    assert excluded_summary({"identical": 3, "near_copy": 1, "wrong_language": 2, "boilerplate": 1}) == \
        ", kept out of the TM: 3 identical, 1 near-copies, 2 wrong-language, 1 boilerplate"
    assert excluded_summary({"below_min_score": 2}) == "" and excluded_summary({}) == ""


def test_boilerplate_only_page_gives_a_valid_tmx_with_no_unit(tmp_path: Path, tmx_dtd: Path) -> None:
    from typer.testing import CliRunner

    from aligner.cli import app

    src, tgt = tmp_path / "p.id.txt", tmp_path / "p.en.txt"
    src.write_text("© 2019 Pemprov Jabar.\n", encoding="utf-8")
    tgt.write_text("© 2019 West Java Province.\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["align", str(src), str(tgt), "-o", str(tmp_path / "p.tmx")])
    assert res.exit_code == 0, res.output
    assert "p.tmx: 0 pairs written (the TMX has no unit)" in res.output
    tree = etree.parse(str(tmp_path / "p.tmx"))
    assert etree.DTD(str(tmx_dtd)).validate(tree) and list(tree.iter("tu")) == []
    res = runner.invoke(app, ["align", str(src), str(tgt), "-o", str(tmp_path / "p.csv")])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(tmp_path / "p.csv", dtype=str, keep_default_na=False)
    # both copyright lines are in the table; the aligner leaves flagged boilerplate unpaired
    assert set(frame.id) - {""} == {"© 2019 Pemprov Jabar."} and set(frame.en) - {""} == {"© 2019 West Java Province."}
    assert "aligned" not in set(frame.status)


def test_batch_keeps_identical_pairs_out_unless_asked(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from aligner.cli import app

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.id.txt").write_text("Pemerintah Kota Bandung membangun rumah baru.\nJakarta\n", encoding="utf-8")
    (corpus / "a.en.txt").write_text("The Bandung city government built new houses.\nJakarta\n", encoding="utf-8")
    runner = CliRunner()
    factory = ["--embedder-factory", "aligner.embed.hashing:HashingEmbedder", "--workers", "1"]
    res = runner.invoke(app, ["batch", str(corpus), "-o", str(tmp_path / "out"), *factory])
    assert res.exit_code == 0, res.output
    assert "1 pairs from 1 documents, kept out of the TM: 1 identical" in res.output
    assert "<seg>Jakarta</seg>" not in (tmp_path / "out" / "corpus.tmx").read_text(encoding="utf-8")
    report = pd.read_csv(tmp_path / "out" / "report.csv", dtype=str, keep_default_na=False)
    assert report.kept_out.tolist() == ["identical=1"]
    res = runner.invoke(app, ["batch", str(corpus), "-o", str(tmp_path / "kept"), *factory, "--keep-identical"])
    assert res.exit_code == 0, res.output
    assert "2 pairs from 1 documents" in res.output and "kept out" not in res.output
    assert (tmp_path / "kept" / "corpus.tmx").read_text(encoding="utf-8").count("<seg>Jakarta</seg>") == 2
