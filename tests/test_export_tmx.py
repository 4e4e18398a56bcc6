"""TMX export: DTD validity, translate-toolkit round-trip, sanitising, atomic writes."""
from __future__ import annotations

import dataclasses
import os
import re
import stat
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import aligner
from aligner.align.base import Bead
from aligner.errors import AlignerError, ExportError
from aligner.export import ExportOptions, ExportStats, to_lang_code, write_alignment
from aligner.export import tmx as tmx_module
from export_sample import BEADS, SRC, TGT, make_result

DTD_PATH = Path(__file__).resolve().parent / "data" / "tmx14.dtd"  # vendored: tests/data/README.md
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DTD = etree.DTD(str(DTD_PATH))
OMEGAT_RESERVED = {"x-context", "x-prev", "x-next", "x-note", "x-id", "x-path", "x-file", "x-auto", "x-penalty"}


def xml_legal(text: str) -> str:
    """Independent re-statement of the XML 1.0 Char production."""
    return "".join(
        c
        for c in text
        if c in "\t\n\r"
        or 0x20 <= ord(c) <= 0xD7FF
        or 0xE000 <= ord(c) <= 0xFFFD
        or 0x10000 <= ord(c) <= 0x10FFFF
    )


def parse(path: Path) -> etree._ElementTree:
    return etree.parse(str(path))


def tus(tree) -> list:
    return tree.getroot().findall("body/tu")


def seg_texts(tu) -> list[str]:
    return [tuv.find("seg").text or "" for tuv in tu.findall("tuv")]


def props(tu) -> dict[str, str]:
    return {p.get("type"): p.text for p in tu.findall("prop")}


def assert_valid(path: Path) -> None:
    assert DTD.validate(parse(path)), DTD.error_log.filter_from_errors()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "memory.tmx"


def test_validates_against_tmx14_dtd(out: Path) -> None:
    write_alignment(make_result(), out, ExportOptions(doc_id="berita-01"))
    assert_valid(out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    assert parse(out).getroot().get("version") == "1.4"


def test_translate_toolkit_reads_pairs_in_order(out: Path) -> None:
    from translate.storage.tmx import tmxfile

    result = make_result()
    stats = write_alignment(result, out)
    with open(out, "rb") as fh:
        store = tmxfile(fh)
    units = [u for u in store.units if u.source or u.target]
    expected = [(result.src_text(b), result.tgt_text(b)) for b in result.beads if b.is_pair]
    assert [(u.source, u.target) for u in units] == expected
    assert stats.pairs_written == len(expected) == 4
    assert stats.rows_written == 4
    assert stats.path == out
    assert stats.format == "tmx"


def test_header_attributes(out: Path) -> None:
    write_alignment(make_result(), out)
    root = parse(out).getroot()
    header = root.find("header")
    assert header.get("creationtool") == "aligner"
    assert header.get("creationtoolversion") == aligner.__version__
    assert header.get("segtype") == "sentence"
    assert header.get("o-tmf") == "aligner"
    assert header.get("adminlang") == "en-US"
    assert header.get("datatype") == "plaintext"
    assert re.fullmatch(r"\d{8}T\d{6}Z", header.get("creationdate"))
    assert header.get("srclang") == "id-ID"
    for tu in tus(parse(out)):
        assert tu.findall("tuv")[0].get(XML_LANG) == header.get("srclang")


def test_creationdate_is_utc(out: Path) -> None:
    from datetime import timedelta

    when = datetime(2024, 3, 5, 14, 7, 9, tzinfo=timezone(timedelta(hours=7)))  # WIB
    write_alignment(make_result(), out, ExportOptions(creation_date=when))
    assert parse(out).getroot().find("header").get("creationdate") == "20240305T070709Z"


def test_default_languages_come_from_result(out: Path) -> None:
    result = make_result()
    result.src_lang, result.tgt_lang = "id", "en"
    write_alignment(result, out)
    tree = parse(out)
    for tu in tus(tree):
        assert [t.get(XML_LANG) for t in tu.findall("tuv")] == ["id-ID", "en-US"]


def test_custom_language_codes_everywhere(out: Path) -> None:
    opts = ExportOptions(src_lang="jv_id", tgt_lang="en-gb")
    assert (opts.src_lang, opts.tgt_lang) == ("jv-ID", "en-GB")
    write_alignment(make_result(), out, opts)
    assert_valid(out)
    tree = parse(out)
    assert tree.getroot().find("header").get("srclang") == "jv-ID"
    all_tus = tus(tree)
    assert all_tus
    for tu in all_tus:
        assert [t.get(XML_LANG) for t in tu.findall("tuv")] == ["jv-ID", "en-GB"]


@pytest.mark.parametrize(
    "code, expected",
    [("id", "id-ID"), ("en", "en-US"), ("ID", "id-ID"), ("en-GB", "en-GB"), ("pt_br", "pt-BR"),
     ("zh-hant-tw", "zh-Hant-TW"), ("ms", "ms"), (" id-ID ", "id-ID")],
)
def test_to_lang_code(code: str, expected: str) -> None:
    assert to_lang_code(code) == expected


@pytest.mark.parametrize("code", ["", "e", "english language", "id--ID", "id-", "123", "i\u00f1"])
def test_invalid_language_code(code: str) -> None:
    with pytest.raises(ExportError):
        ExportOptions(src_lang=code)


def test_unaligned_and_empty_sides_never_become_tus(out: Path) -> None:
    src = ["Selamat pagi.", "", "\x00\x0b", "Terima kasih.", "Hanya di sumber."]
    tgt = ["Good morning.", "Empty source side.", "Control-only source side.", "Thank you.", "Only in target."]
    beads = [
        Bead((0,), (0,), 0.9),
        Bead((1,), (1,), 0.9),
        Bead((2,), (2,), 0.9),
        Bead((3,), (3,), 0.9),
        Bead((4,), (), 0.5),
        Bead((), (4,), 0.5),
    ]
    stats = write_alignment(make_result(src, tgt, beads), out)
    assert_valid(out)
    all_tus = tus(parse(out))
    assert [seg_texts(tu) for tu in all_tus] == [["Selamat pagi.", "Good morning."], ["Terima kasih.", "Thank you."]]
    for tu in all_tus:
        assert all(s.strip() for s in seg_texts(tu))
        assert len(tu.findall("tuv")) == 2
    assert stats.empty_skipped == 2
    assert stats.control_chars_removed == 2
    assert (stats.unaligned_src, stats.unaligned_tgt) == (1, 1)
    assert stats.pairs_written == 2


def test_one_zero_beads_stay_out(out: Path) -> None:
    stats = write_alignment(make_result(), out)
    texts = [t for tu in tus(parse(out)) for t in seg_texts(tu)]
    assert SRC[3] not in " ".join(texts)
    assert TGT[2] not in " ".join(texts)
    assert (stats.unaligned_src, stats.unaligned_tgt) == (1, 1)


def test_merged_sentences_joined_by_one_space(out: Path) -> None:
    write_alignment(make_result(), out)
    by_bead = {props(tu)["x-aligner-bead"]: seg_texts(tu) for tu in tus(parse(out))}
    assert by_bead["2-1"][0] == SRC[1] + " " + SRC[2]
    assert by_bead["1-2"][1] == TGT[4] + " " + TGT[5]
    tu = [t for t in tus(parse(out)) if props(t)["x-aligner-bead"] == "2-1"][0]
    assert props(tu)["x-aligner-src-idx"] == "1 2"
    assert props(tu)["x-aligner-tgt-idx"] == "1"


def test_control_characters_removed_and_counted(out: Path) -> None:
    src = ["Harga\x00 naik\x0b lagi\x1f.", "Tab\tdan baris\nbaru\r tetap\ufffe."]
    tgt = ["Prices\ufffe rose again.", "Tabs\tand new\nlines stay."]
    beads = [Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.8)]
    stats = write_alignment(make_result(src, tgt, beads), out)
    assert stats.control_chars_removed == 5
    assert_valid(out)
    got = [seg_texts(tu) for tu in tus(parse(out))]
    assert got == [
        ["Harga naik lagi.", "Prices rose again."],
        ["Tab\tdan baris\nbaru\r tetap.", "Tabs\tand new\nlines stay."],
    ]


def test_min_score_keeps_low_beads_out(out: Path) -> None:
    stats = write_alignment(make_result(), out, ExportOptions(min_score=0.5))
    scores = [float(props(tu)["x-aligner-score"]) for tu in tus(parse(out))]
    assert scores == [0.91, 0.78, 0.88]
    assert stats.below_min_score == 1
    assert stats.pairs_written == 3
    # a pair exactly at the threshold is kept
    stats = write_alignment(make_result(), out, ExportOptions(min_score=0.42))
    assert stats.below_min_score == 0 and stats.pairs_written == 4


def test_props_and_tuids(out: Path) -> None:
    write_alignment(make_result(), out, ExportOptions(doc_id="berita-01"))
    tree = parse(out)
    types = [p.get("type") for p in tree.getroot().iter("prop")]
    assert types
    assert all(t.startswith("x-aligner-") for t in types)
    assert not OMEGAT_RESERVED & set(types)
    all_tus = tus(tree)
    assert [tu.get("tuid") for tu in all_tus] == ["berita-01:1", "berita-01:2", "berita-01:3", "berita-01:4"]
    first = props(all_tus[0])
    assert first == {
        "x-aligner-score": "0.910",
        "x-aligner-band": "good",
        "x-aligner-bead": "1-1",
        "x-aligner-src-idx": "0",
        "x-aligner-tgt-idx": "0",
        "x-aligner-doc": "berita-01",
    }
    write_alignment(make_result(), out)
    assert [tu.get("tuid") for tu in tus(parse(out))] == ["1", "2", "3", "4"]


def test_xml_special_characters_escaped(out: Path) -> None:
    src = ['Ia berkata "5 < 7 & 8 > 3" — \'benar\' ]]>', "Baris\r\nWindows."]
    tgt = ['He said "5 < 7 & 8 > 3" — \'true\' ]]>', "Windows\r\nline."]
    write_alignment(make_result(src, tgt, [Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.9)]), out)
    assert_valid(out)
    assert [seg_texts(tu) for tu in tus(parse(out))] == [[src[0], tgt[0]], [src[1], tgt[1]]]


def test_extension_case_insensitive(tmp_path: Path) -> None:
    target = tmp_path / "MEMORY.TMX"
    write_alignment(make_result(), target)
    assert len(tus(parse(target))) == 4


# --- atomic writing and folder errors -------------------------------------------------------


def _fail_on_second_tu(monkeypatch, exc: BaseException) -> None:
    real = tmx_module._tu_xml
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(tmx_module, "_tu_xml", flaky)


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    _fail_on_second_tu(monkeypatch, RuntimeError("boom"))
    target = tmp_path / "out.tmx"
    with pytest.raises(RuntimeError, match="boom"):
        write_alignment(make_result(), target)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_existing_target(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.tmx"
    target.write_text("old content", encoding="utf-8")
    _fail_on_second_tu(monkeypatch, OSError(28, "No space left on device"))
    with pytest.raises(ExportError, match="no space left"):
        write_alignment(make_result(), target)
    assert target.read_text(encoding="utf-8") == "old content"
    assert list(tmp_path.iterdir()) == [target]


def test_overwrite_replaces_existing_target_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.tmx"
    target.write_text("old content", encoding="utf-8")
    os.chmod(target, 0o640)
    write_alignment(make_result(), target)
    assert len(tus(parse(target))) == 4
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert list(tmp_path.iterdir()) == [target]


def test_new_file_respects_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.tmx"
        write_alignment(make_result(), target)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.tmx"
    with pytest.raises(ExportError) as info:
        write_alignment(make_result(), target)
    message = str(info.value)
    assert "\n" not in message
    assert str(target) in message
    assert not (tmp_path / "no").exists()
    assert isinstance(info.value, AlignerError)


def test_target_is_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "out.tmx"
    target.mkdir()
    with pytest.raises(ExportError, match="folder"):
        write_alignment(make_result(), target)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write to read-only folders")
def test_read_only_folder_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        with pytest.raises(ExportError) as info:
            write_alignment(make_result(), folder / "out.tmx")
        assert str(folder / "out.tmx") in str(info.value)
        assert list(folder.iterdir()) == []
    finally:
        os.chmod(folder, 0o755)


def test_permission_denied_is_an_error(tmp_path: Path, monkeypatch) -> None:
    """Same path as a read-only folder, simulated so that it also runs as root."""

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", denied)
    target = tmp_path / "out.tmx"
    with pytest.raises(ExportError) as info:
        write_alignment(make_result(), target)
    assert str(target) in str(info.value)
    assert "permission denied" in str(info.value)
    assert "\n" not in str(info.value)
    assert not target.exists()


def nonzero_counters(stats: ExportStats) -> dict[str, int]:
    return {k: v for k, v in dataclasses.asdict(stats).items() if isinstance(v, int) and v}


def test_stats_count_what_the_file_holds(out: Path) -> None:
    stats = write_alignment(make_result(), out)
    assert (stats.path, stats.format) == (out, "tmx")
    assert nonzero_counters(stats) == {"pairs_written": 4, "rows_written": 4, "unaligned_src": 1, "unaligned_tgt": 1}
    assert stats.rows_written == len(tus(parse(out)))
    assert stats.excluded() == {}
    # a copied pair: written nowhere, counted once, and reported among the exclusions
    src, tgt = SRC + ["Jakarta"], TGT + ["Jakarta"]
    stats = write_alignment(make_result(src, tgt, BEADS + [Bead((6,), (6,), 0.9)]), out)
    assert nonzero_counters(stats) == {
        "pairs_written": 4, "rows_written": 4, "unaligned_src": 1, "unaligned_tgt": 1, "identical": 1,
    }
    assert stats.excluded() == {"identical": 1}
    assert stats.rows_written == len(tus(parse(out)))


def test_pairs_written_counts_the_tus_after_merging_duplicates(out: Path) -> None:
    src, tgt = SRC + [SRC[0]], TGT + [TGT[0]]
    stats = write_alignment(make_result(src, tgt, BEADS + [Bead((6,), (6,), 0.9)]), out)
    assert stats.duplicates_merged == 1 and stats.rows_written == len(tus(parse(out))) == 4
    assert stats.pairs_written == 4


def test_large_alignment_streams(tmp_path: Path) -> None:
    n = 5000
    src = [f"Kalimat nomor {i} dalam dokumen ini." for i in range(n)]
    tgt = [f"Sentence number {i} in this document." for i in range(n)]
    beads = [Bead((i,), (i,), 0.9) for i in range(n)]
    target = tmp_path / "big.tmx"
    stats = write_alignment(make_result(src, tgt, beads), target)
    assert stats.pairs_written == n
    last = tus(parse(target))[-1]
    assert seg_texts(last) == [src[-1], tgt[-1]]
    assert last.get("tuid") == str(n)


# --- property: any text round-trips or is reported as sanitised -----------------------------

TRICKY = ["\x00", "\x0b", "\x1f", "\x7f", "\x85", "\ufffe", "\uffff", "\ud800", "\udfff", "\r", "\n", "\t",
          "&", "<", ">", '"', "'", "]]>", "\u2028", "\U0001F600", " "]
TEXTS = st.lists(
    st.one_of(st.characters(codec=None, exclude_categories=()), st.sampled_from(TRICKY), st.text(max_size=4)),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(src_text=TEXTS, tgt_text=TEXTS)
def test_any_text_round_trips_or_is_reported(src_text: str, tgt_text: str) -> None:
    result = make_result([src_text], [tgt_text], [Bead((0,), (0,), 0.5)])
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "prop.tmx"
        # escaping is under test, not the TM selection: random texts are often copies of each other
        stats = write_alignment(result, target, ExportOptions(keep_identical=True, keep_copies=True))
        tree = parse(target)
        assert DTD.validate(tree)
    clean_src, clean_tgt = xml_legal(src_text), xml_legal(tgt_text)
    removed = len(src_text) - len(clean_src) + len(tgt_text) - len(clean_tgt)
    assert stats.control_chars_removed == removed
    if removed == 0:
        assert (clean_src, clean_tgt) == (src_text, tgt_text)
    written = tus(tree)
    if clean_src.strip() and clean_tgt.strip():
        assert len(written) == 1 and stats.empty_skipped == 0
        assert seg_texts(written[0]) == [clean_src, clean_tgt]
    else:
        assert written == [] and stats.empty_skipped == 1
