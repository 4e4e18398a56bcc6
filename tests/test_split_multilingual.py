"""Splitting languages without our own lists: pysbd (German, French...) and the generic fallback."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from aligner.lang import LanguageError
from aligner.segment import PunktSplitter, get_splitter, segment_text
from aligner.segment.generic import GenericSplitter
from aligner.segment.multilingual import PysbdSplitter

DEV = Path(__file__).resolve().parents[2] / "shared" / "bench" / "de-fr-textberg-dev" / "dev"


def split(lang: str, text: str) -> list[str]:
    return [text[s:e] for s, e in get_splitter(lang).spans(text)]


GERMAN = (
    "Dr. Müller kam am 3. Mai in Zermatt an. Er brachte z. B. Seile, Haken und Steigeisen mit. "
    "Prof. Weber und Hr. Meier warteten (vgl. S. 12) schon im Hotel. Wer hätte das gedacht? "
    "Am nächsten Morgen stiegen alle zur Hütte auf."
)
FRENCH = (
    "M. Dupont est arrivé hier soir à Zermatt. Il a apporté des cordes, p. ex. deux de 40 m. "
    "Le Dr. Leroy et Mme Martin l'attendaient à l'hôtel. « Enfin ! » s'écria-t-elle. "
    "Le lendemain, ils montèrent à la cabane."
)


def test_german_paragraph_splits_into_its_sentences() -> None:
    assert split("de", GERMAN) == [
        "Dr. Müller kam am 3. Mai in Zermatt an.",
        "Er brachte z. B. Seile, Haken und Steigeisen mit.",
        "Prof. Weber und Hr. Meier warteten (vgl. S. 12) schon im Hotel.",
        "Wer hätte das gedacht?",
        "Am nächsten Morgen stiegen alle zur Hütte auf.",
    ]


def test_french_paragraph_splits_into_its_sentences() -> None:
    assert split("fr", FRENCH) == [
        "M. Dupont est arrivé hier soir à Zermatt.",
        "Il a apporté des cordes, p. ex. deux de 40 m.",
        "Le Dr. Leroy et Mme Martin l'attendaient à l'hôtel.",
        "« Enfin ! » s'écria-t-elle.",
        "Le lendemain, ils montèrent à la cabane.",
    ]


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # pysbd alone cuts before inline list numbers and after titles it does not know
        ("de", "Wir brauchen 1. Seile 2. Haken und 3. Zelte. Dann gehen wir.",
         ["Wir brauchen 1. Seile 2. Haken und 3. Zelte.", "Dann gehen wir."]),
        ("de", "Hr. Meier kam mit Fr. Huber. Sie blieben.", ["Hr. Meier kam mit Fr. Huber.", "Sie blieben."]),
        ("fr", "Voir p. 5 et la note. Merci.", ["Voir p. 5 et la note.", "Merci."]),
        ("fr", "MM. Dubois et Durand sont là. Le St. Gothard aussi.",
         ["MM. Dubois et Durand sont là.", "Le St. Gothard aussi."]),
        ("nl", "Dhr. Jansen en Mevr. de Vries kwamen. Het was mei.",
         ["Dhr. Jansen en Mevr. de Vries kwamen.", "Het was mei."]),
        ("ja", "今日は晴れです。明日は雨でしょう！", ["今日は晴れです。", "明日は雨でしょう！"]),
        ("el", "Τι κάνεις; Είμαι καλά.", ["Τι κάνεις;", "Είμαι καλά."]),  # the Greek question mark
        ("hi", "मैं घर जा रहा हूँ। तुम कहाँ हो?", ["मैं घर जा रहा हूँ।", "तुम कहाँ हो?"]),
    ],
)
def test_post_rules_over_pysbd(lang: str, text: str, expected: list[str]) -> None:
    assert split(lang, text) == expected


def test_splitter_choice_per_language() -> None:
    assert isinstance(get_splitter("id"), PunktSplitter) and get_splitter("in").lang == "id"
    assert isinstance(get_splitter("en-GB"), PunktSplitter) and get_splitter("eng").lang == "en"
    for code, lang in (("de", "de"), ("deu", "de"), ("de-CH", "de"), ("fr_CH", "fr"), ("fre", "fr"), ("German", "de")):
        splitter = get_splitter(code)
        assert isinstance(splitter, PysbdSplitter) and splitter.lang == lang, code


def test_offsets_map_into_the_original_text() -> None:
    text = "Er sagte:\u00a0„Komm!“  Dann ging er.\tDr.\u202fMeier blieb."
    splitter = get_splitter("de")
    spans = splitter.spans(text)
    assert [text[s:e] for s, e in spans] == ["Er sagte:\u00a0„Komm!“", "Dann ging er.", "Dr.\u202fMeier blieb."]
    sentences = segment_text("Titel\n\n" + text + "\n", splitter)
    assert [(s.paragraph, s.text) for s in sentences] == [
        (0, "Titel"), (1, "Er sagte: „Komm!“"), (1, "Dann ging er."), (1, "Dr. Meier blieb.")]
    doc = "Titel\n\n" + text + "\n"
    assert all(doc[s.start : s.end].split() == s.text.split() for s in sentences)


@pytest.mark.parametrize("text", ["1. 2. 3. " * 3000, "Er sagte „Ja.“ Dann (vgl. S. 3) ging er! " * 800, "x" * 30000])
def test_long_paragraphs_keep_every_character_in_linear_time(text: str) -> None:
    # pysbd's list rule is quadratic: 27,000 characters of "1. 2. 3." took 27 s in one call; how long
    # these take now: benchmarks/input_speed.py
    spans = get_splitter("de").spans(text)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")
    if "Dann" in text:  # windows never cut inside a sentence
        assert {text[s:e] for s, e in spans} == {"Er sagte „Ja.“", "Dann (vgl. S. 3) ging er!"}


def test_unknown_language_gets_the_generic_rule_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    from aligner.segment import segmenter

    segmenter._warn_generic.cache_clear()  # once per language and process
    with caplog.at_level(logging.WARNING, logger="aligner.segment"):
        splitter = get_splitter("sv")
        assert isinstance(get_splitter("sv-FI"), GenericSplitter)  # a second document: no second warning
    assert isinstance(splitter, GenericSplitter) and splitter.lang == "sv"
    assert len(caplog.records) == 1 and "Swedish" in caplog.text and "\n" not in caplog.records[0].getMessage()
    text = "Dr. Svensson kom hem. Han åt t.ex. fisk. J. Berg var där. Sedan gick de till stan."
    assert [text[s:e] for s, e in splitter.spans(text)] == [
        "Dr. Svensson kom hem.", "Han åt t.ex. fisk.", "J. Berg var där.", "Sedan gick de till stan."]


def test_invalid_language_code_is_an_error() -> None:
    with pytest.raises(LanguageError, match="'xx'"):
        get_splitter("xx")


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/bench/de-fr-textberg-dev not available")
@pytest.mark.parametrize("lang, name, min_recall", [("de", "src.txt", 0.90), ("fr", "tgt.txt", 0.90)])
def test_textberg_dev_sentences_recovered(lang: str, name: str, min_recall: float) -> None:
    """The dev document's lines joined into one paragraph: our cuts fall on its line ends."""
    import re

    lines = [re.sub(r" ([.,;:!?)»])", r"\1", line.strip()).replace("' ", "'")
             for line in (DEV / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    text = " ".join(lines)
    ends, position = set(), 0
    for line in lines[:-1]:
        position += len(line) + 1
        if re.search(r"[.!?][\"»)]*$", line):
            ends.add(position)
    cuts = {s for s, _ in get_splitter(lang).spans(text)} - {0}
    assert len(cuts & ends) / len(ends) >= min_recall
    line_starts = {0} | {sum(len(x) + 1 for x in lines[:k]) for k in range(1, len(lines))}
    assert len(cuts & line_starts) / len(cuts) >= 0.85
