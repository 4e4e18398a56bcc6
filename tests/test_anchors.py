"""Number, date, URL and acronym normalisation for translation anchors."""
from __future__ import annotations

import numpy as np
import pytest

from aligner.align.anchors import anchor_matrices, date_forms, extract, number_forms, window_sets


@pytest.mark.parametrize(
    "indonesian, english",
    [("85,3", "85.3"), ("1.308,65", "1,308.65"), ("Rp1.308,65", "1,308.65"), ("3,0", "3.0"),
     ("1.234.567", "1,234,567"), ("2019", "2019"), ("0,50", "0.5")],
)
def test_numbers_in_both_conventions_meet(indonesian, english):
    id_nums, _ = extract(f"Nilainya {indonesian} persen.")
    en_nums, _ = extract(f"The value is {english} percent.")
    assert id_nums & en_nums


def test_ambiguous_thousands_keep_both_readings():
    assert number_forms("1.308") == {"1308", "1.308"}
    assert number_forms("1,308") == {"1308", "1.308"}
    assert number_forms("85,3") == {"85.3"}


def test_different_numbers_do_not_meet():
    assert not (extract("Harga naik 85,3 persen.")[0] & extract("Prices rose 58.3 percent.")[0])


def test_dates_in_day_month_and_month_day_order():
    assert date_forms("25", "5", "2019") == {"2019-05-25"}
    assert date_forms("5", "25", "2019") == {"2019-05-25"}
    assert date_forms("3", "4", "19") == {"2019-04-03", "2019-03-04"}
    id_nums, _ = extract("Sabtu (25/5/2019).")
    en_nums, _ = extract("on Saturday ( 5/25/2019).")
    assert "date:2019-05-25" in id_nums & en_nums


def test_acronyms_and_urls_are_kept_verbatim():
    _, id_other = extract("GOJEK dan GO-PAY mendukung UMKM, lihat www.jabarprov.go.id.")
    _, en_other = extract("GOJEK and GO-PAY support MSME, see www.jabarprov.go.id.")
    shared = id_other & en_other
    assert {"acr:GOJEK", "acr:GO-PAY", "url:www.jabarprov.go.id"} <= shared
    assert "acr:UMKM" in id_other and "acr:UMKM" not in en_other  # UMKM/MSME is a translation, not an anchor


def test_window_sets_are_binary_unions():
    nums, _ = anchor_matrices(["Ada 5 orang.", "Ada 5 dan 7 orang.", "Tanpa angka."])
    win = window_sets(nums, 2)
    assert win.max() == 1.0
    assert win[1, 2].sum() == nums[0:2].max(axis=0).sum()
    assert np.all(win[1, 1] == 0)  # a 2-sentence window cannot end after the first sentence
