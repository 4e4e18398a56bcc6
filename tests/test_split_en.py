"""English sentence splitting: real news-like paragraphs, each with its exact sentences."""
from __future__ import annotations

import pytest

from aligner.segment import PunktSplitter, get_splitter


from split_cases import mid_and_final, split


@pytest.fixture(scope="module")
def splitter() -> PunktSplitter:
    return PunktSplitter("en")


CASES = [
    pytest.param(
        "In addition, Pemdaprov West Java cooperates with PT. Telkomsel launches the Digital "
        "Village Patriot Program. The target of the program is that all villages are digital.",
        [
            "In addition, Pemdaprov West Java cooperates with PT. Telkomsel launches the Digital "
            "Village Patriot Program.",
            "The target of the program is that all villages are digital.",
        ],
        id="PT",
    ),
    pytest.param(
        "Mr. Smith met Mrs. Jones and Dr. A. Brown in Washington. They discussed the budget.",
        ["Mr. Smith met Mrs. Jones and Dr. A. Brown in Washington.", "They discussed the budget."],
        id="titles-and-initial",
    ),
    pytest.param(
        "Gov. Ridwan Kamil and Prof. Ir. Rina Susanti, M.Si. opened the forum. It ran for two days.",
        [
            "Gov. Ridwan Kamil and Prof. Ir. Rina Susanti, M.Si. opened the forum.",
            "It ran for two days.",
        ],
        id="Indonesian-titles-in-English",
    ),
    pytest.param(
        "The speaker was Budi Santoso, S.H. He is an expert in constitutional law.",
        ["The speaker was Budi Santoso, S.H.", "He is an expert in constitutional law."],
        id="degree-final",
    ),
    pytest.param(
        "Apple Inc. reported higher sales. The company said demand was strong.",
        ["Apple Inc. reported higher sales.", "The company said demand was strong."],
        id="Inc-mid",
    ),
    pytest.param(
        "He works for Acme Corp. The firm makes tools in St. Louis and Salt Lake City.",
        ["He works for Acme Corp.", "The firm makes tools in St. Louis and Salt Lake City."],
        id="Corp-final-St",
    ),
    pytest.param(
        "The U.S. economy grew 3.0 percent last year. The U.K. economy did not.",
        ["The U.S. economy grew 3.0 percent last year.", "The U.K. economy did not."],
        id="U.S.-U.K.-mid",
    ),
    pytest.param(
        "She moved to the U.S. in 2019. He stayed in the U.S. The move was hard for both.",
        ["She moved to the U.S. in 2019.", "He stayed in the U.S.", "The move was hard for both."],
        id="U.S.-final",
    ),
    *mid_and_final("etc", "The market sells apples, pears, etc.", "and other fruit from local farmers.",
                   "Farmers deliver them every morning."),
    pytest.param(
        "The meeting was held on Jan. 5 at 10 a.m. on Main St. in Bandung, i.e. in West Java.",
        ["The meeting was held on Jan. 5 at 10 a.m. on Main St. in Bandung, i.e. in West Java."],
        id="dates-times-e.g.",
    ),
    pytest.param(
        "See Fig. 3 and No. 5 for details. Participation is approx. 85.3 percent.",
        ["See Fig. 3 and No. 5 for details.", "Participation is approx. 85.3 percent."],
        id="Fig-No-approx",
    ),
    pytest.param(
        "Transactions reached 1,308.65 billion rupiah, written Rp1.308,65 in Indonesia. "
        "Bureaucracy 3.0 is the new model.",
        [
            "Transactions reached 1,308.65 billion rupiah, written Rp1.308,65 in Indonesia.",
            "Bureaucracy 3.0 is the new model.",
        ],
        id="numbers",
    ),
    pytest.param(
        "Cooperation with GOJEK and GO-PAY is one of the implementation of Bureaucracy 3.0. "
        "In other words, the development of West Java can be done through cooperation.",
        [
            "Cooperation with GOJEK and GO-PAY is one of the implementation of Bureaucracy 3.0.",
            "In other words, the development of West Java can be done through cooperation.",
        ],
        id="3.0-final",
    ),
    pytest.param(
        "He paused for a moment... then continued his speech. Everyone waited...",
        ["He paused for a moment... then continued his speech.", "Everyone waited..."],
        id="ellipsis-mid-and-end",
    ),
    pytest.param(
        "He paused for a moment... Then he continued his speech.",
        ["He paused for a moment...", "Then he continued his speech."],
        id="ellipsis-final",
    ),
    pytest.param(
        '"Go!" he said. "Now?" she asked.',
        ['"Go!" he said.', '"Now?" she asked.'],
        id="exclamation-question-in-quotes",
    ),
    pytest.param(
        "“When will it start?” a resident asked. “Next month!” she replied.",
        ["“When will it start?” a resident asked.", "“Next month!” she replied."],
        id="curly-quotes",
    ),
    pytest.param(
        '"Our hope is that all of these agreements can be carried out well," said Atalia. '
        '"We are very enthusiastic." Then she left the hall.',
        [
            '"Our hope is that all of these agreements can be carried out well," said Atalia.',
            '"We are very enthusiastic."',
            "Then she left the hall.",
        ],
        id="closing-quote-after-period",
    ),
    pytest.param(
        "The agreement runs\u00a0for three years.\u00a0It is reviewed\u202fevery year.",
        ["The agreement runs\u00a0for three years.", "It is reviewed\u202fevery year."],
        id="non-breaking-spaces",
    ),
    pytest.param(
        "BANDUNG CITY- West Java Provincial Government (Pemdaprov) cooperates with GOJEK and "
        "GO-PAY to raise the potential of the digital economy in West Java. The aim of the "
        "collaboration is to strengthen the informal sector.",
        [
            "BANDUNG CITY- West Java Provincial Government (Pemdaprov) cooperates with GOJEK and "
            "GO-PAY to raise the potential of the digital economy in West Java.",
            "The aim of the collaboration is to strengthen the informal sector.",
        ],
        id="dateline-dash",
    ),
    pytest.param(
        "Digitalization also touches public services and trade involving the community.(arm)",
        [
            "Digitalization also touches public services and trade involving the community.",
            "(arm)",
        ],
        id="byline",
    ),
    pytest.param(
        "The program was evaluated every year. (ant)",
        ["The program was evaluated every year.", "(ant)"],
        id="byline-spaced-at-end",
    ),
    pytest.param(
        "Visit www.jabarprov.go.id or write to humas@jabarprov.go.id. Thank you.",
        ["Visit www.jabarprov.go.id or write to humas@jabarprov.go.id.", "Thank you."],
        id="url-email",
    ),
    pytest.param(
        "John F. Kennedy was president. He was born in Brookline.",
        ["John F. Kennedy was president.", "He was born in Brookline."],
        id="initial-mid",
    ),
    pytest.param(
        "Collaborating with GOJEK in Development, Evidence of West Java Provincial Government "
        "Implementing Bureaucracy 3.0",
        [
            "Collaborating with GOJEK in Development, Evidence of West Java Provincial Government "
            "Implementing Bureaucracy 3.0"
        ],
        id="heading-without-period",
    ),
    pytest.param(
        "Did the program work? Of course! The results are visible this year.",
        ["Did the program work?", "Of course!", "The results are visible this year."],
        id="question-exclamation",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_english(splitter: PunktSplitter, text: str, expected: list[str]) -> None:
    assert split(splitter, text) == expected


@pytest.mark.parametrize("code", ["en", "EN", "en-US", "en_GB", "eng", "english"])
def test_get_splitter_english_variants(code: str) -> None:
    assert get_splitter(code).lang == "en"


def test_punkt_splitter_rejects_unknown_language() -> None:
    with pytest.raises(ValueError):
        PunktSplitter("fr")
