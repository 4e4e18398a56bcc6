"""Any language pair: codes, wrong-language flags, the same-language warning and TMX codes for de/fr."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

import aligner
from aligner.batch import BatchOptions, run_batch
from aligner.embed.hashing import HashingEmbedder
from aligner.cli import app
from aligner.export import ExportOptions, write_alignment
from aligner.flags import WRONG_LANGUAGE, default_flaggers, is_wrong_language
from aligner.flags.language import warn_if_same_language
from aligner.lang import LanguageError, code_aliases, parse_language, primary_language, tmx_tag

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

GERMAN = """Die Expedition von 1956

Am 23. Mai erreichten Jürg Marmet und Ernst Schmied den Gipfel des Mount Everest. Dr. Eggler leitete die Expedition, z. B. die Planung der Lager.
Der Aufstieg dauerte drei Wochen, und das Wetter war meistens gut.
Nous remercions tous les membres de l'expédition pour leur aide précieuse.
The expedition reached the summit on the third day of the climb.
Am nächsten Tag erreichten Dölf Reist und Hansruedi von Gunten ebenfalls den Gipfel.
Danach kehrten alle Teilnehmer gesund nach Kathmandu zurück.
"""
FRENCH = """L'expédition de 1956

Le 23 mai, Jürg Marmet et Ernst Schmied atteignirent le sommet de l'Everest. M. Eggler dirigeait l'expédition, p. ex. la préparation des camps.
La montée dura trois semaines, et le temps fut presque toujours beau.
The expedition reached the summit on the third day of the climb.
Le lendemain, Dölf Reist et Hansruedi von Gunten atteignirent également le sommet.
Ensuite, tous les participants rentrèrent sains et saufs à Katmandou.
"""
ENGLISH_LINE = "The expedition reached the summit on the third day of the climb."
FRENCH_LINE = "Nous remercions tous les membres de l'expédition pour leur aide précieuse."


# -- codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, primary, tag",
    [("id", "id", "id-ID"), ("in", "id", "id-ID"), ("ind", "id", "id-ID"), ("id-ID", "id", "id-ID"),
     ("in_ID", "id", "id-ID"), ("en", "en", "en-US"), ("eng", "en", "en-US"), ("en_gb", "en", "en-GB"),
     ("de", "de", "de"), ("deu", "de", "de"), ("ger", "de", "de"), ("de-CH", "de", "de-CH"),
     ("fr_CH", "fr", "fr-CH"), ("fre", "fr", "fr"), ("fra", "fr", "fr"), ("German", "de", "de"),
     ("zh-hant-tw", "zh", "zh-Hant-TW"), ("iw", "he", "he")],
)
def test_codes_normalise_to_a_primary_language_and_a_tmx_tag(code: str, primary: str, tag: str) -> None:
    assert (primary_language(code), tmx_tag(code)) == (primary, tag)
    assert parse_language(code).code == primary


@pytest.mark.parametrize("code", ["", "  ", "e", "xx", "und", "zxx", "x-private", "id--ID", "english language", "123"])
def test_invalid_codes_are_one_line_errors(code: str) -> None:
    with pytest.raises(LanguageError) as info:
        parse_language(code)
    assert "\n" not in str(info.value) and "language code" in str(info.value)


def test_code_aliases_cover_old_and_three_letter_codes() -> None:
    assert code_aliases("id") == ("id", "in", "ind")
    assert code_aliases("de") == ("de", "deu", "ger")


# -- flags -------------------------------------------------------------------------------------


def flagged(text: str, lang: str, other: str) -> list[str]:
    return [s.text for s in aligner.split(text, lang, other_lang=other) if WRONG_LANGUAGE in s.flags]


def test_french_line_on_the_german_page_is_flagged() -> None:
    assert flagged(GERMAN, "de", "fr") == [FRENCH_LINE]
    assert flagged(FRENCH, "fr", "de") == []
    assert is_wrong_language(FRENCH_LINE, "de", "fr") and not is_wrong_language(FRENCH_LINE, "fr", "de")
    assert is_wrong_language("Der Aufstieg dauerte drei Wochen, und das Wetter war gut.", "fr-CH", "deu")


def test_english_line_in_a_german_french_pair_is_not_flagged() -> None:
    """The pair model is not sure of a third language (English: ~0.5 to 0.95 for de or fr), so no flag."""
    assert not is_wrong_language(ENGLISH_LINE, "de", "fr") and not is_wrong_language(ENGLISH_LINE, "fr", "de")
    assert ENGLISH_LINE not in flagged(GERMAN, "de", "fr") + flagged(FRENCH, "fr", "de")


def test_flaggers_need_a_pair_py3langid_knows(caplog: pytest.LogCaptureFixture) -> None:
    assert set(default_flaggers("de", "fr")) == {"boilerplate", WRONG_LANGUAGE}
    assert set(default_flaggers("de")) == {"boilerplate"}  # no pair declared
    assert set(default_flaggers("de", "de-CH")) == {"boilerplate"}  # one language
    from aligner.flags import language

    language._unjudged.cache_clear()  # it logs once per pair and process
    with caplog.at_level(logging.DEBUG, logger="aligner.flags"):
        assert set(default_flaggers("haw", "en")) == {"boilerplate"}  # py3langid has no Hawaiian
        result = aligner.align("He mele no ka ʻāina.\n", "A song for the land.\n", src_lang="haw", tgt_lang="en",
                               model=HashingEmbedder())
    assert len([r for r in caplog.records if "no wrong-language flags" in r.getMessage()]) == 1
    assert "en / haw" in caplog.text and not any(s.flags for s in result.src_sentences + result.tgt_sentences)
    assert not is_wrong_language(FRENCH_LINE, "haw", "fr")


def test_same_language_warning_for_a_german_french_pair(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert warn_if_same_language(GERMAN, GERMAN, "de", "fr")
        assert not warn_if_same_language(GERMAN, FRENCH, "de", "fr")
        assert not warn_if_same_language(GERMAN, GERMAN, "de", "de-CH")
    assert caplog.text.count("both documents look German (de), but de → fr was asked for") == 1


def test_align_warns_on_two_german_documents_declared_de_fr(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        result = aligner.align(GERMAN, GERMAN, src_lang="de", tgt_lang="fr", model=HashingEmbedder())
    assert "both documents look German" in caplog.text
    assert result.src_lang == "de" and result.tgt_lang == "fr"


def test_align_splits_and_flags_with_the_declared_pair() -> None:
    result = aligner.align(GERMAN, FRENCH, src_lang="de", tgt_lang="fr", model=HashingEmbedder())
    src = [s.text for s in result.src_sentences]
    assert src[:3] == ["Die Expedition von 1956",
                       "Am 23. Mai erreichten Jürg Marmet und Ernst Schmied den Gipfel des Mount Everest.",
                       "Dr. Eggler leitete die Expedition, z. B. die Planung der Lager."]
    assert [t.text for t in result.tgt_sentences][2] == "M. Eggler dirigeait l'expédition, p. ex. la préparation des camps."
    assert [s.text for s in result.src_sentences if WRONG_LANGUAGE in s.flags] == [FRENCH_LINE]


# -- TMX codes ---------------------------------------------------------------------------------


def tmx_langs(path: Path) -> tuple[str, set[str]]:
    root = etree.parse(str(path)).getroot()
    return root.find("header").get("srclang"), {t.get(XML_LANG) for t in root.iter("tuv")}


@pytest.fixture()
def fast_cli(monkeypatch):
    """The CLI with the hashing embedder instead of the real model (only codes are checked here)."""
    monkeypatch.setattr(aligner.api, "load_embedder", lambda *a, **k: HashingEmbedder())
    return CliRunner()


@pytest.mark.parametrize("src_lang, tgt_lang, srclang, tuv_langs",
                         [("de", "fr", "de", {"de", "fr"}), ("deu", "fr_CH", "de", {"de", "fr-CH"})])
def test_cli_align_german_french_writes_their_codes(tmp_path, fast_cli, src_lang, tgt_lang, srclang, tuv_langs) -> None:
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "fr.txt").write_text(FRENCH, encoding="utf-8")
    out = tmp_path / "x.tmx"
    res = fast_cli.invoke(app, ["align", str(tmp_path / "de.txt"), str(tmp_path / "fr.txt"),
                                "--src-lang", src_lang, "--tgt-lang", tgt_lang, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert tmx_langs(out) == (srclang, tuv_langs)
    assert "unaligned" in res.output and " de / " in res.output and res.output.rstrip().count(" fr") >= 1


def test_cli_src_lang_in_writes_id_id(tmp_path, fast_cli, sample_paths) -> None:
    out = tmp_path / "in.tmx"
    res = fast_cli.invoke(app, ["align", *map(str, sample_paths), "--src-lang", "in", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert tmx_langs(out) == ("id-ID", {"id-ID", "en-US"})


def test_cli_bad_language_code_is_one_line_and_writes_nothing(tmp_path, fast_cli, sample_paths) -> None:
    out = tmp_path / "bad.tmx"
    res = fast_cli.invoke(app, ["align", *map(str, sample_paths), "--src-lang", "xx", "-o", str(out)])
    assert res.exit_code == 1
    message = res.output.strip()
    assert len(message.splitlines()) == 1 and message.startswith("error:") and "'xx'" in message
    assert not out.exists()


def test_xlsx_info_sheet_has_the_tags(tmp_path) -> None:
    import pandas as pd

    result = aligner.align(GERMAN, FRENCH, src_lang="de", tgt_lang="fr", model=HashingEmbedder())
    path = tmp_path / "r.xlsx"
    write_alignment(result, path, ExportOptions(src_lang="de-CH", tgt_lang="fre"))
    info = pd.read_excel(path, sheet_name="info", header=None, dtype=str)
    values = dict(zip(info[0], info[1]))
    assert (values["src_lang"], values["tgt_lang"]) == ("de-CH", "fr")


def test_batch_corpus_tmx_has_the_pair_codes(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "doc.de.txt").write_text(GERMAN, encoding="utf-8")
    (folder / "doc.fr.txt").write_text(FRENCH, encoding="utf-8")
    options = BatchOptions(src_lang="de", tgt_lang="fr-CH", loader=HashingEmbedder, workers=1)
    summary = run_batch(folder, tmp_path / "out", options)
    assert summary.documents == 1 and summary.failed_now == 0
    assert tmx_langs(summary.output) == ("de", {"de", "fr-CH"})
