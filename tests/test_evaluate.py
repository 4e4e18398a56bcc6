"""The scorer against hand-computed cases (vecalign's strict and lax definitions)."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from aligner.cli import app
from aligner.errors import InputError
from aligner.evaluate import parse_beads, score

GOLD = "[0]:[0]\n[1]:[1, 2]\n[2]:[]\n[]:[3]\n[3]:[4]\n"
PRED = "[0]:[0]:0.9\n[1]:[1]:0.8\n[]:[2]:0.5\n[2]:[]:0.7\n[3]:[3, 4]:0.6\n"


def test_parse_beads_reads_vecalign_format_with_and_without_scores():
    assert parse_beads(GOLD)[1] == ((1,), (1, 2))
    assert parse_beads(PRED)[2] == ((), (2,))
    with pytest.raises(InputError):
        parse_beads("0-1\n")


def test_hand_computed_strict_and_lax_figures():
    fig = score(parse_beads(GOLD), parse_beads(PRED))
    # precision over 5 predicted beads: strict hits [0]:[0] and [2]:[]; lax adds [1]:[1] and [3]:[3,4]
    assert fig["strict_p"] == pytest.approx(2 / 5)
    assert fig["lax_p"] == pytest.approx(4 / 5)
    # recall over the 3 gold pairs (deletions excluded): strict finds one, lax all three
    assert fig["strict_r"] == pytest.approx(1 / 3)
    assert fig["lax_r"] == pytest.approx(1.0)
    assert fig["strict_f1"] == pytest.approx(2 * 0.4 * (1 / 3) / (0.4 + 1 / 3))
    assert fig["lax_f1"] == pytest.approx(2 * 0.8 / 1.8)
    assert fig["recall_1-1"] == pytest.approx(0.5)
    assert fig["recall_n-m"] == pytest.approx(0.0)
    assert fig["recall_1-0/0-1"] == pytest.approx(0.5)
    assert fig["unaligned_f1"] == pytest.approx(0.5)


def test_perfect_prediction_scores_one_and_documents_pool():
    gold = parse_beads(GOLD)
    assert score(gold, gold)["strict_f1"] == 1.0
    pooled = score([gold, parse_beads(GOLD)], [gold, parse_beads(PRED)])
    assert pooled["strict_p"] == pytest.approx((5 + 2) / 10)


def test_cli_evaluate_files_and_folders(tmp_path):
    (tmp_path / "g" / "doc1").mkdir(parents=True)
    (tmp_path / "p").mkdir()
    (tmp_path / "g" / "doc1" / "gold.txt").write_text(GOLD)
    (tmp_path / "p" / "doc1.beads").write_text(PRED)
    runner = CliRunner()
    res = runner.invoke(app, ["evaluate", str(tmp_path / "g" / "doc1" / "gold.txt"), str(tmp_path / "p" / "doc1.beads")])
    assert res.exit_code == 0, res.output
    assert "strict_f1" in res.output and "0.3636" in res.output
    res = runner.invoke(app, ["evaluate", str(tmp_path / "g"), str(tmp_path / "p")])
    assert res.exit_code == 0 and "0.8889" in res.output
    res = runner.invoke(app, ["evaluate", str(tmp_path / "g"), str(tmp_path / "missing")])
    assert res.exit_code == 1 and "no such file" in res.output


def test_a_beads_file_that_is_not_utf8_is_a_one_line_error_naming_it(tmp_path):
    (tmp_path / "bad.beads").write_bytes(b"\x00\xff\xfe garbage\n")
    (tmp_path / "ok.beads").write_text("[0]:[0]\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["evaluate", str(tmp_path / "bad.beads"), str(tmp_path / "ok.beads")])
    assert res.exit_code == 1 and len(res.output.strip().splitlines()) == 1, res.output
    assert "bad.beads: not a UTF-8 beads file (byte 0xff at offset 1)" in " ".join(res.output.split())
    (tmp_path / "bad.beads").write_text("[0]:[0]\nnot a bead\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["evaluate", str(tmp_path / "bad.beads"), str(tmp_path / "ok.beads")])
    assert res.exit_code == 1 and "bad.beads: line 2 is not a bead" in " ".join(res.output.split()), res.output
