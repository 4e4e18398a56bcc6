"""Segmenting documents: offsets, paragraphs, pre-segmented lines, the real sample, properties."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.read import read_text
from aligner.segment import (
    PunktSplitter,
    Sentence,
    get_splitter,
    load_language_data,
    normalise_space,
    segment_lines,
    segment_text,
)

DATA = Path(__file__).resolve().parents[1] / "data"
#: The real pair, bundled (the same files as ../shared/samples/jabar-gojek-2019/{id,en}.txt).
SAMPLE = {lang: DATA / f"jabar-gojek-2019.{lang}.txt" for lang in ("id", "en")}

LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
SPLITTERS = {lang: PunktSplitter(lang) for lang in ("id", "en")}


def non_space(text: str) -> str:
    return "".join(text.split())


def check_sentences(text: str, sentences: list[Sentence]) -> None:
    """Offsets map back, are ordered and disjoint, and nothing is lost or duplicated."""
    previous_end = 0
    for i, s in enumerate(sentences):
        assert s.index == i
        assert previous_end <= s.start < s.end <= len(text)
        assert normalise_space(text[s.start : s.end]) == s.text
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        previous_end = s.end
    assert "".join(non_space(s.text) for s in sentences) == non_space(text)


# --- segment_text -----------------------------------------------------------------------

DOC = (
    "Sabtu, 25 Mei 2019\r\n"
    "\r\n"
    "Gandeng GOJEK dalam Pembangunan\r\n"
    "KOTA BANDUNG—Pemdaprov Jawa Barat\u00a0menggandeng GOJEK. Tujuannya jelas.\n"
    "\n"
    "   \n"
    "  Menurut Chairil, program itu berjalan. Dia\n"
    "senang.(arm)\n"
)


def test_segment_text_offsets_and_paragraphs() -> None:
    sentences = segment_text(DOC, get_splitter("id"))
    check_sentences(DOC, sentences)
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("Sabtu, 25 Mei 2019", 0),
        ("Gandeng GOJEK dalam Pembangunan", 1),
        ("KOTA BANDUNG—Pemdaprov Jawa Barat menggandeng GOJEK.", 2),
        ("Tujuannya jelas.", 2),
        ("Menurut Chairil, program itu berjalan.", 3),
        ("Dia", 3),  # a line is a paragraph: never joined with the next line
        ("senang.", 4),
        ("(arm)", 4),
    ]
    nbsp = sentences[2]
    assert DOC[nbsp.start : nbsp.end] == "KOTA BANDUNG—Pemdaprov Jawa Barat\u00a0menggandeng GOJEK."


def test_paragraphs_never_joined() -> None:
    text = "Ini judul tanpa titik\nIni kalimat pertama\nyang terpotong baris. Ini kalimat kedua."
    sentences = segment_text(text, get_splitter("id"))
    for s in sentences:
        assert not LINE_BREAKS.search(text[s.start : s.end])
    assert [s.text for s in sentences] == [
        "Ini judul tanpa titik",
        "Ini kalimat pertama",
        "yang terpotong baris.",
        "Ini kalimat kedua.",
    ]
    assert [s.paragraph for s in sentences] == [0, 1, 2, 2]


def test_segment_text_empty() -> None:
    assert segment_text("", get_splitter("en")) == []
    assert segment_text("\n\n  \n", get_splitter("en")) == []


def test_list_items_without_punctuation() -> None:
    text = "Program unggulan:\n- Sekoper Cinta\n- Patriot Desa Digital\n- Birokrasi 3.0\n"
    assert [s.text for s in segment_text(text, get_splitter("id"))] == [
        "Program unggulan:",
        "- Sekoper Cinta",
        "- Patriot Desa Digital",
        "- Birokrasi 3.0",
    ]


# --- segment_lines ----------------------------------------------------------------------


def test_segment_lines_one_to_one_with_blank_lines() -> None:
    text = "Kalimat satu. Masih satu.\n\n  Kalimat tiga \r\nKalimat empat\n"
    sentences = segment_lines(text)
    assert [s.text for s in sentences] == [
        "Kalimat satu. Masih satu.",
        "",
        "Kalimat tiga",
        "Kalimat empat",
    ]
    assert [s.index for s in sentences] == [0, 1, 2, 3]
    assert all(s.paragraph == 0 for s in sentences)
    for s in sentences:
        assert normalise_space(text[s.start : s.end]) == s.text
    assert sentences[1].start == sentences[1].end == text.index("\n") + 1


def test_segment_lines_trailing_newline_and_blank_end() -> None:
    assert len(segment_lines("a\nb\n")) == 2
    assert len(segment_lines("a\nb")) == 2
    assert [s.text for s in segment_lines("a\nb\n\n")] == ["a", "b", ""]
    assert [s.text for s in segment_lines("\na")] == ["", "a"]
    assert segment_lines("") == []


def test_segment_lines_matches_line_numbers() -> None:
    lines = ["First line.", "", "   ", "Fourth. Still fourth.", "\u00a0Fifth\u00a0"]
    text = "\r\n".join(lines) + "\r\n"
    sentences = segment_lines(text)
    assert len(sentences) == len(lines) == len(text.splitlines())
    assert [s.text for s in sentences] == [normalise_space(line) for line in lines]


# --- the real sample --------------------------------------------------------------------


def segment_sample(lang: str) -> list[Sentence]:
    """The bundled sample's sentences in ``lang``, their offsets checked against the file's text."""
    text = read_text(SAMPLE[lang])
    sentences = segment_text(text, get_splitter(lang))
    check_sentences(text, sentences)
    return sentences


def test_real_sample_indonesian() -> None:
    sentences = segment_sample("id")
    texts = [s.text for s in sentences]
    assert len(sentences) == 20
    assert texts[:3] == [
        "Sabtu, 25 Mei 2019",
        "Gandeng GOJEK dalam Pembangunan, Bukti Pemdaprov Jawa Barat Terapkan Birokrasi 3.0",
        "Mitrapolisi.co.id",
    ]
    assert texts[3].startswith("KOTA BANDUNG—Pemerintah Daerah Provinsi (Pemdaprov)")
    assert (
        "Selain itu, Pemdaprov Jawa Barat berkerjasama dengan PT. Telkomsel meluncurkan "
        "Program Patriot Desa Digital." in texts
    )
    assert "Kerjasama dengan GOJEK dan GO-PAY merupakan salah satu implementasi Birokrasi 3.0 " \
        "atau dynamic government." in texts
    assert texts[-2].endswith("yang melibatkan masyarakat.")
    assert texts[-1] == "(arm)"
    assert sentences[-1].paragraph == sentences[-2].paragraph


def test_real_sample_english() -> None:
    texts = [s.text for s in segment_sample("en")]
    assert len(texts) == 23
    assert texts[2] == "• Main Menu"
    assert texts[5].startswith("BANDUNG CITY- West Java Provincial Government (Pemdaprov)")
    assert (
        "In addition, Pemdaprov West Java cooperates with PT. Telkomsel launches the Digital "
        "Village Patriot Program." in texts
    )
    assert any(t.endswith("on Saturday ( 5/25/2019).") for t in texts)
    assert texts[-1] == "Comments powered by Disqus"


def test_ten_thousand_sentences_split_like_the_sample() -> None:
    """The sample 500 times over splits into its sentences 500 times (the speed: benchmarks/split_speed.py)."""
    one = segment_sample("id")
    sentences = segment_text("\n".join([read_text(SAMPLE["id"])] * 500), get_splitter("id"))
    assert len(sentences) == 20 * 500
    assert [s.text for s in sentences] == [s.text for s in one] * 500
    assert sentences[-1].paragraph == 500 * (one[-1].paragraph + 1) - 1


# --- properties -------------------------------------------------------------------------

PIECES = [
    " ", "  ", "\n", "\r\n", "\n\n", "\t", "\u00a0", "\u202f", ".", "...", "…", ",", "?", "!",
    '"', "'", "“", "”", "‘", "’", "(", ")", "-", "—", "/", "@", "*", "0", "3.0", "1.308,65",
    "85,3", "a", "Z", "kata", "Ia", "The", "dll.", "etc.", "Dr.", "PT.", "S.H.", "No.", "U.S.",
    "(arm)", "(ant/rls)", "www.jabarprov.go.id", "Rina S.", "x",
]
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.text(max_size=60),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, lang=st.sampled_from(["id", "en"]))
def test_spans_property(text: str, lang: str) -> None:
    spans = SPLITTERS[lang].spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
    assert "".join(non_space(text[s:e]) for s, e in spans) == non_space(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, lang=st.sampled_from(["id", "en"]))
def test_segment_text_property(text: str, lang: str) -> None:
    sentences = segment_text(text, SPLITTERS[lang])
    check_sentences(text, sentences)
    for s in sentences:
        assert not LINE_BREAKS.search(text[s.start : s.end])


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_segment_lines_property(text: str) -> None:
    sentences = segment_lines(text)
    assert len(sentences) == len(text.splitlines())
    assert [s.text for s in sentences] == [normalise_space(line) for line in text.splitlines()]
    for s in sentences:
        assert normalise_space(text[s.start : s.end]) == s.text


# --- the curated data -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_language_data_well_formed(lang: str) -> None:
    data = load_language_data(lang)
    assert data.titles <= data.abbrevs and data.finals <= data.abbrevs
    assert {"dll", "dsb", "dst"} <= data.finals if lang == "id" else "etc" in data.finals
    for entry in data.abbrevs | data.starters:
        assert entry == entry.lower() and entry.strip() == entry and " " not in entry
        assert not entry.endswith(".") and "#" not in entry
    assert not data.starters & data.abbrevs


def test_ortho_flags_match_nltk() -> None:
    from nltk.tokenize import punkt as nltk_punkt

    from aligner.segment import punkt

    assert punkt._ORTHO_BEG_UC == nltk_punkt._ORTHO_BEG_UC
    assert punkt._ORTHO_MID_LC == nltk_punkt._ORTHO_MID_LC
