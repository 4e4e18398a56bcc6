"""The command line end to end: the real sample, output formats, and bad input."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from typer.testing import CliRunner

from aligner.cli import app

runner = CliRunner()

CHROME = [
    "Home - Official Website", "Official Website of West Java", "Main Menu", "polling", "Share |",
    "Comments powered by Disqus", "Sabtu, 25 Mei 2019", "Mitrapolisi.co.id", "(arm)",
]


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def sample_tmx(tmp_path_factory, sample_paths):
    out = tmp_path_factory.mktemp("cli") / "sample.tmx"
    res = run("align", *sample_paths, "-o", out)
    assert res.exit_code == 0, res.output
    return out, res.output


def test_sample_pairs_every_article_sentence_and_no_chrome(sample_tmx, tmx_dtd):
    out, output = sample_tmx
    tree = etree.parse(str(out))
    assert etree.DTD(str(tmx_dtd)).validate(tree), "TMX does not validate against tmx14.dtd"
    tus = tree.findall(".//tu")
    pairs = [tuple(seg.text for seg in tu.findall(".//seg")) for tu in tus]
    # 17 article sentences (title included) on each side, each with its translation
    assert len(pairs) == 17
    joined = " ".join(s for p in pairs for s in p)
    for chrome in CHROME:
        assert chrome not in joined, chrome
    by_src = dict(pairs)
    telkomsel = next(s for s in by_src if "PT. Telkomsel" in s)
    assert by_src[telkomsel].startswith("In addition, Pemdaprov West Java cooperates with PT. Telkomsel")
    assert by_src[next(s for s in by_src if s.startswith("Salah satunya"))] == "One of them is motor vehicle tax payments in Bukajabar."
    assert "17 pairs written" in output and "unaligned 3 id / 6 en" in output


def test_csv_output_lists_unaligned_sentences(tmp_path, sample_paths):
    out = tmp_path / "sample.csv"
    res = run("align", *sample_paths, "-o", out)
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns[:2]) == ["id", "en"]
    unaligned = frame[frame["status"] == "unaligned"]
    assert set(unaligned["en"]) >= {"Share |", "Comments powered by Disqus", "• Main Menu"}
    assert set(unaligned["id"]) >= {"Mitrapolisi.co.id", "(arm)", "Sabtu, 25 Mei 2019"}
    assert (frame["status"] == "aligned").sum() == 17


def test_beads_output_covers_every_sentence(tmp_path, sample_paths):
    out = tmp_path / "sample.beads"
    res = run("align", *sample_paths, "-o", out)
    assert res.exit_code == 0, res.output
    lines = out.read_text().splitlines()
    src = [int(x) for line in lines for x in line.split(":")[0].strip("[]").split(",") if x.strip()]
    tgt = [int(x) for line in lines for x in line.split(":")[1].strip("[]").split(",") if x.strip()]
    assert src == list(range(20)) and tgt == list(range(23))


def test_segmented_keeps_lines_one_to_one(tmp_path):
    src = tmp_path / "a.id.txt"
    tgt = tmp_path / "a.en.txt"
    src.write_text("Saya makan nasi. Dia minum teh.\nHarga beras naik 5%.\n\nPresiden membuka rapat.\n", encoding="utf-8")
    tgt.write_text("I eat rice. He drinks tea.\nThe price of rice rose 5%.\n\nThe president opened the meeting.\n", encoding="utf-8")
    out = tmp_path / "a.beads"
    res = run("align", src, tgt, "-o", out, "--segmented")
    assert res.exit_code == 0, res.output
    beads = out.read_text().splitlines()
    # the blank line is a sentence on each side: the two blanks pair up, and no line is split or merged
    assert [b.rsplit(":", 1)[0] for b in beads] == ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]"]
    assert "3 pairs written" in res.output and "1 identical" in res.output  # the blank pair stays out of the TM


def test_min_score_keeps_low_pairs_out_of_the_tmx(tmp_path, sample_paths):
    out = tmp_path / "strict.tmx"
    res = run("align", *sample_paths, "-o", out, "--min-score", "0.999")
    assert res.exit_code == 0, res.output
    assert "below --min-score" in res.output
    assert len(etree.parse(str(out)).findall(".//tu")) < 17


def test_any_sentence_transformers_model_by_name(tmp_path, sample_paths):
    out = tmp_path / "minilm.csv"
    res = run("align", *sample_paths, "-o", out, "--model", "sentence-transformers/all-MiniLM-L6-v2")
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    # every sentence of both sides once, in order, and the pairs the English model can see are found
    assert [int(i) for idx in frame["src_idx"] for i in idx.split()] == list(range(20))
    assert [int(j) for idx in frame["tgt_idx"] for j in idx.split()] == list(range(23))
    pairs = dict(zip(frame["id"], frame["en"]))
    assert pairs["Salah satunya pembayaran pajak kendaraan bermotor di Bukajabar."] == (
        "One of them is motor vehicle tax payments in Bukajabar.")
    assert pairs[next(s for s in pairs if "PT. Telkomsel" in s)].startswith("In addition, Pemdaprov West Java")
    assert (frame["status"] == "aligned").sum() >= 12 and "pairs written" in res.output


@pytest.mark.parametrize(
    "case, expected",
    [
        ("missing", "not found"),
        ("directory", "directory"),
        ("empty", "empty"),
        ("whitespace", "empty"),
        ("binary", "binary"),
        ("cp1252", "--encoding"),
    ],
)
def test_bad_input_gives_one_line_error_and_no_output(tmp_path, sample_paths, case, expected):
    bad = tmp_path / f"{case}.txt"
    if case == "directory":
        bad.mkdir()
    elif case == "empty":
        bad.write_bytes(b"")
    elif case == "whitespace":
        bad.write_bytes(b"  \n\t\n \xc2\xa0\n")
    elif case == "binary":
        bad.write_bytes(bytes(range(256)) * 8)
    elif case == "cp1252":
        bad.write_bytes("Harga naik \u201c10%\u201d menurut caf\u00e9.".encode("cp1252"))
    out = tmp_path / "out.tmx"
    res = run("align", bad, sample_paths[1], "-o", out)
    assert res.exit_code == 1
    message = res.output.strip()
    assert len(message.splitlines()) == 1 and message.startswith("error:"), message
    assert expected in message.lower()
    assert "Traceback" not in res.output
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_unknown_format_and_missing_output_folder(tmp_path, sample_paths):
    res = run("align", *sample_paths, "-o", tmp_path / "out.docx")
    assert res.exit_code == 1 and "unknown output format" in res.output
    res = run("align", *sample_paths, "-o", tmp_path / "nope" / "out.tmx")
    assert res.exit_code == 1 and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "nope").exists()


def test_real_process_exit_code_and_stderr(tmp_path, sample_paths):
    proc = subprocess.run(
        [sys.executable, "-m", "aligner", "align", str(tmp_path / "missing.txt"), str(sample_paths[1]), "-o", str(tmp_path / "x.tmx")],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("error:") and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr and not (tmp_path / "x.tmx").exists()
