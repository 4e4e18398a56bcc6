"""Wrong-language lines: flagged only when long enough and clear, shown in outputs, steering the aligner."""
from __future__ import annotations

import logging

import numpy as np
import pytest

import aligner
from aligner.flags import WRONG_LANGUAGE, default_flaggers, document_language, is_wrong_language
from aligner.flags.language import warn_if_same_language
from aligner.read import read_text


def test_indonesian_menu_line_on_the_english_page(sample_paths):
    sentences = aligner.split(read_text(sample_paths[1]), "en")
    flagged = [s.text for s in sentences if WRONG_LANGUAGE in s.flags]
    assert flagged == ["• Tidak ada polling untuk saat ini."]


def test_no_article_sentence_is_flagged(sample_paths):
    for path, lang in zip(sample_paths, ("id", "en")):
        flagged = [s.text for s in aligner.split(read_text(path), lang) if WRONG_LANGUAGE in s.flags]
        assert flagged == ([] if lang == "id" else ["• Tidak ada polling untuk saat ini."])


@pytest.mark.parametrize(
    "text",
    ["Muhammad Chairil", "Atalia Praratya Kamil, S.IP.", "GOJEK GO-PAY 2019", "25/5/2019 10.00 WIB 1.308,65",
     "Tidak ada.", "Home - Official Website", "Bandung Jakarta Bogor Bekasi", ""],
)
def test_names_numbers_and_short_lines_are_never_flagged(text):
    assert not is_wrong_language(text, "en") and not is_wrong_language(text, "id")


def test_clear_lines_in_the_other_language():
    assert is_wrong_language("Tidak ada polling untuk saat ini.", "en")
    assert is_wrong_language("Tidak ada polling untuk saat ini.", "en-US")
    assert is_wrong_language("The people welcomed the decision of the government.", "id")
    assert not is_wrong_language("The people welcomed the decision of the government.", "en")


def test_without_a_declared_pair_only_indonesian_and_english_are_judged():
    assert set(default_flaggers("ms")) == {"boilerplate"}
    assert set(default_flaggers("in")) == {"boilerplate", WRONG_LANGUAGE}
    assert set(default_flaggers("id")) == {"boilerplate", WRONG_LANGUAGE}
    assert not is_wrong_language("The people welcomed the decision of the government.", "fr")


def test_wrong_language_steers_the_aligner_and_shows_in_the_frame(monkeypatch):
    seen = {}
    real = aligner.api.Aligner.plan

    def spy(self, src, tgt, **kwargs):
        seen["src_flag"], seen["tgt_flag"] = src.flags, tgt.flags
        return real(self, src, tgt, **kwargs)

    class Unit:
        name, dim = "unit", 4

        def encode(self, sentences, progress=None):
            return np.tile(np.eye(4, dtype=np.float32)[0], (len(sentences), 1))

    monkeypatch.setattr(aligner.api.Aligner, "plan", spy)
    src = "Presiden membuka rapat di Jakarta.\nRakyat menyambut baik keputusan pemerintah itu.\n"
    tgt = "The president opened the meeting in Jakarta.\nRakyat menyambut baik keputusan pemerintah itu.\n"
    result = aligner.align(src, tgt, model=Unit())
    assert list(seen["src_flag"]) == [False, False] and list(seen["tgt_flag"]) == [False, True]
    frame = result.to_frame()
    assert frame.tgt_flags.str.contains(WRONG_LANGUAGE).sum() == 1


def test_document_language_and_same_language_warning(sample_paths, caplog):
    id_text, en_text = (read_text(p) for p in sample_paths)
    assert document_language(id_text)[0] == "id" and document_language(en_text)[0] == "en"
    assert document_language(id_text * 200)[0] == "id"  # long documents are sampled
    with caplog.at_level(logging.WARNING):
        assert not warn_if_same_language(id_text, en_text, "id", "en")
        assert warn_if_same_language(en_text, en_text, "id", "en")
        assert not warn_if_same_language(en_text, en_text, "en", "en")
    assert caplog.text.count("both documents look English") == 1
