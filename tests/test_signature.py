"""The run signature: version, model, precision and a hash of every setting, in every output that says how it was made."""
from __future__ import annotations

import csv
import dataclasses
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook

import aligner
from aligner.align.aligner import AlignConfig
from aligner.batch import BatchOptions, run_batch
from aligner.embed.hashing import HashingEmbedder
from aligner.batch.store import PARTS_DIR
from aligner.signature import run_signature, settings_hash

DATE = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
ID_TEXT = "Pemerintah Kota Bandung membangun 40 rumah baru.\nHarga beras naik 200 rupiah sejak 2020.\n"
EN_TEXT = "The Bandung city government built 40 new houses.\nThe price of rice has risen by 200 rupiah since 2020.\n"


def one_change_each(config):
    """Copies of ``config`` (a dataclass) with exactly one leaf setting changed, nested dataclasses included."""
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            changed = [dataclasses.replace(config, **{f.name: inner}) for inner in one_change_each(value)]
        elif isinstance(value, bool):
            changed = [dataclasses.replace(config, **{f.name: not value})]
        elif isinstance(value, (int, float)):
            changed = [dataclasses.replace(config, **{f.name: value * 2 + 1})]
        elif isinstance(value, str):
            changed = [dataclasses.replace(config, **{f.name: value + "x"})]
        else:
            changed = []
        yield from changed


def second_pass(config) -> object:
    refine = getattr(config, "refine", None)
    return getattr(refine, "enabled", None)


NAME = HashingEmbedder().name


def test_signature_names_version_model_precision_and_settings() -> None:
    text = str(run_signature(AlignConfig(), "multilingual-e5-small", "fp32"))
    assert text == f"version:{aligner.__version__}|model:multilingual-e5-small|precision:fp32|settings:{settings_hash(AlignConfig())}"
    assert len(settings_hash(AlignConfig())) == 12 and settings_hash(AlignConfig()) == settings_hash(AlignConfig())


def test_every_setting_changes_the_hash() -> None:
    base = settings_hash(AlignConfig())
    variants = list(one_change_each(AlignConfig()))
    assert len(variants) >= 10  # the nested scoring, calibration and refine settings are walked too
    hashes = [settings_hash(v) for v in variants]
    assert base not in hashes and len(set(hashes)) == len(hashes)


def test_tmx_header_and_xlsx_info_carry_the_signature(tmp_path: Path) -> None:
    result = aligner.align(ID_TEXT, EN_TEXT, model=HashingEmbedder())
    expected = str(run_signature(AlignConfig(), NAME))
    assert result.meta["signature"] == expected
    aligner.write_alignment(result, tmp_path / "a.tmx")
    header = etree.parse(str(tmp_path / "a.tmx")).getroot().find("header")
    assert {p.get("type"): p.text for p in header.iter("prop")}["x-aligner-signature"] == expected
    aligner.write_alignment(result, tmp_path / "a.xlsx")
    info = dict(load_workbook(tmp_path / "a.xlsx")["info"].iter_rows(values_only=True))
    assert info["signature"] == expected


def test_csv_stays_a_plain_table(tmp_path: Path) -> None:
    result = aligner.align(ID_TEXT, EN_TEXT, model=HashingEmbedder())
    aligner.write_alignment(result, tmp_path / "a.csv")
    rows = list(csv.reader(open(tmp_path / "a.csv", encoding="utf-8", newline="")))
    assert rows[0] == ["id", "en", "score", "bead", "src_idx", "tgt_idx", "status"] and len(rows) == 3
    assert "signature" not in (tmp_path / "a.csv").read_text(encoding="utf-8")


def _corpus(folder: Path) -> None:
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.id.txt").write_text(ID_TEXT, encoding="utf-8")
        (folder / f"{name}.en.txt").write_text(EN_TEXT, encoding="utf-8")


def _signatures(outdir: Path) -> set[str]:
    with open(outdir / "report.csv", encoding="utf-8", newline="") as fh:
        return {row["signature"] for row in csv.DictReader(fh)}


def test_batch_parts_made_with_other_settings_are_recomputed_not_merged(tmp_path: Path) -> None:
    _corpus(tmp_path / "in")
    out = tmp_path / "out"
    first = run_batch(tmp_path / "in", out, BatchOptions(loader=HashingEmbedder, workers=1, creation_date=DATE))
    assert first.skipped == 0 and _signatures(out) == {str(run_signature(AlignConfig(), NAME))}
    again = run_batch(tmp_path / "in", out, BatchOptions(loader=HashingEmbedder, workers=1, creation_date=DATE))
    assert again.skipped == 2  # same settings: resumed
    # A setting the old key left out (only max_align and the second-pass switch were in it).
    config = next(v for v in one_change_each(AlignConfig())
                  if v.max_align == AlignConfig().max_align and second_pass(v) == second_pass(AlignConfig()))
    changed = run_batch(tmp_path / "in", out, BatchOptions(loader=HashingEmbedder, workers=1, creation_date=DATE,
                                                           config=config))
    assert changed.skipped == 0 and changed.merged.documents == 2
    assert _signatures(out) == {str(run_signature(config, NAME))}
    assert len(list((out / PARTS_DIR).glob("*-*.*.json"))) == 2  # the stale parts were pruned
    tmx = etree.parse(str(out / "corpus.tmx")).getroot().find("header")
    assert {p.get("type"): p.text for p in tmx.iter("prop")}["x-aligner-signature"] == str(run_signature(config, NAME))


def test_batch_parts_of_another_aligner_version_are_recomputed(tmp_path: Path, monkeypatch) -> None:
    import aligner.signature

    _corpus(tmp_path / "in")
    out = tmp_path / "out"
    run_batch(tmp_path / "in", out, BatchOptions(loader=HashingEmbedder, workers=1, creation_date=DATE))
    monkeypatch.setattr(aligner.signature, "__version__", "99.0")
    upgraded = run_batch(tmp_path / "in", out, BatchOptions(loader=HashingEmbedder, workers=1, creation_date=DATE))
    assert upgraded.skipped == 0
    assert all(s.startswith("version:99.0|") for s in _signatures(out))


def test_parquet_keeps_the_signature_in_its_metadata(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    _corpus(tmp_path / "in")
    run_batch(tmp_path / "in", tmp_path / "out", BatchOptions(loader=HashingEmbedder, workers=1, creation_date=DATE,
                                                              output_file=Path("c.parquet")))
    meta = pq.read_schema(tmp_path / "out" / "c.parquet").metadata
    assert meta[b"aligner.signature"].decode() == str(run_signature(AlignConfig(), NAME))
    assert (meta[b"aligner.src_lang"], meta[b"aligner.tgt_lang"]) == (b"id-ID", b"en-US")


def test_batch_settings_over_the_config_only_where_given() -> None:
    config = AlignConfig(max_align=2)
    assert BatchOptions(config=config).align_config() == config
    assert BatchOptions(config=config, max_align=3).align_config().max_align == 3
    assert second_pass(BatchOptions(second_pass=False).align_config()) is False
    assert BatchOptions().align_config() == AlignConfig()


def test_cli_signature_precision_is_the_models_else_the_one_asked_for() -> None:
    from aligner.cli.ticker import AlignProgress, TrackedEmbedder

    class Bf16(HashingEmbedder):
        precision = "bf16"

    assert TrackedEmbedder(HashingEmbedder, AlignProgress(), "int8").precision == "int8"  # e.g. the ONNX int8 encoder
    assert TrackedEmbedder(Bf16, AlignProgress(), "auto").precision == "bf16"  # what auto resolved to


def test_review_import_keeps_the_sheets_signature(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from aligner.review import review_to_tmx

    result = aligner.align(ID_TEXT, EN_TEXT, model=HashingEmbedder())
    aligner.write_alignment(result, tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    for row in book["review"].iter_rows(min_row=2):
        row[0].value = "yes"
    book.save(tmp_path / "r.xlsx")
    review_to_tmx(tmp_path / "r.xlsx", tmp_path / "r.tmx")
    header = etree.parse(str(tmp_path / "r.tmx")).getroot().find("header")
    props = {p.get("type"): p.text for p in header.iter("prop")}
    assert props["x-aligner-signature"] == result.meta["signature"] and props["x-aligner-model"] == NAME
