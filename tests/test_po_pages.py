"""The PO development-set builder (benchmarks/po_pages.py) and its scoring (po_pages_eval.py) on a tiny PO file."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import polib
import pytest

from aligner.align.base import Bead
from aligner.api import split
from aligner.export import ExportOptions
from aligner.result import AlignmentResult

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import po_pages  # noqa: E402
import po_pages_eval  # noqa: E402


def tiny_po() -> str:
    po = polib.POFile()
    po.metadata = {"Language": "id", "Content-Type": "text/plain; charset=UTF-8"}

    def add(msgid, msgstr, line, path="../docs/setup.rst", fuzzy=False, more=()):
        entry = polib.POEntry(msgid=msgid, msgstr=msgstr, occurrences=[(path, str(line)), *more])
        if fuzzy:
            entry.flags.append("fuzzy")
        po.append(entry)

    add("Installation", "Instalasi", 4)
    add("Read :ref:`the FAQ <faq>` and run ``make``.", "Baca :ref:`FAQ <faq>` lalu jalankan ``make``.", 8)
    add("Debian and Ubuntu", "", 12)  # untranslated: the site shows the English text
    add("Use the package of your distribution.", "Gunakan paket distribusi lama.", 14, fuzzy=True)
    add("phpMyAdmin", "phpMyAdmin", 2, more=[("../docs/intro.rst", "1")])  # copied, used in two files
    add("Introduction", "Pendahuluan", 3, path="../docs/intro.rst")
    return str(po)


def test_builder_lays_out_pages_as_the_site_shows_them(tmp_path: Path) -> None:
    summary = po_pages.build(tiny_po(), tmp_path, page_size=3, max_pages_per_file=None)
    pages = tmp_path / "pages"
    assert sorted(p.name for p in pages.iterdir()) == [
        "intro.en.txt", "intro.id.txt", "setup-01.en.txt", "setup-01.id.txt", "setup-02.en.txt", "setup-02.id.txt"]
    assert (pages / "setup-01.id.txt").read_text().splitlines() == [
        "phpMyAdmin", "Instalasi", "Baca FAQ lalu jalankan make."]
    assert (pages / "setup-01.en.txt").read_text().splitlines() == [
        "phpMyAdmin", "Installation", "Read the FAQ and run make."]
    # untranslated and fuzzy entries: the English msgid on the Indonesian page
    assert (pages / "setup-02.id.txt").read_text().splitlines() == [
        "Debian and Ubuntu", "Use the package of your distribution."]
    assert (pages / "intro.id.txt").read_text().splitlines() == ["phpMyAdmin", "Pendahuluan"]
    with open(tmp_path / "gold.csv", encoding="utf-8", newline="") as fh:
        gold = [(r["page"], r["paragraph"], r["kind"]) for r in csv.DictReader(fh)]
    assert gold == [("intro", "0", "copied"), ("intro", "1", "translated"),
                    ("setup-01", "0", "copied"), ("setup-01", "1", "translated"), ("setup-01", "2", "translated"),
                    ("setup-02", "0", "untranslated"), ("setup-02", "1", "fuzzy")]
    assert summary["counts"] == {"copied": 2, "translated": 3, "untranslated": 1, "fuzzy": 1, "pages": 3}


def gold_alignment(built: Path, name: str, extra: list[Bead] = ()) -> AlignmentResult:
    """Each paragraph's sentences paired with the same paragraph's (what a perfect aligner gives)."""
    src = split((built / "pages" / f"{name}.id.txt").read_text(), "id")
    tgt = split((built / "pages" / f"{name}.en.txt").read_text(), "en")
    beads = []
    for p in sorted({s.paragraph for s in src}):
        beads.append(Bead(tuple(s.index for s in src if s.paragraph == p),
                          tuple(t.index for t in tgt if t.paragraph == p), 0.95))
    return AlignmentResult(src, tgt, [*beads, *extra])


def test_scoring_counts_untranslated_and_copied_units_before_and_not_after(tmp_path: Path) -> None:
    po_pages.build(tiny_po(), tmp_path, page_size=3, max_pages_per_file=None)
    gold = po_pages.read_gold(tmp_path)
    results = {name: gold_alignment(tmp_path, name) for name in gold}
    before = po_pages_eval.judge(results, gold, ExportOptions(**po_pages_eval.KEEP_ALL))
    after = po_pages_eval.judge(results, gold, ExportOptions())
    # before: 7 units; "phpMyAdmin" twice copied, the untranslated and the fuzzy paragraph
    assert (before.units, before.correct, before.copied, before.untranslated, before.wrong) == (7, 3, 2, 2, 0)
    assert before.pages_affected == 3 and before.found == before.translated_paragraphs == 3
    assert (after.units, after.correct, after.copied, after.untranslated) == (3, 3, 0, 0)
    assert after.pages_affected == 0 and after.found == 3
    assert after.excluded == {"identical": 4}


def test_a_unit_across_two_paragraphs_is_misaligned(tmp_path: Path) -> None:
    po_pages.build(tiny_po(), tmp_path, page_size=3, max_pages_per_file=None)
    gold = po_pages.read_gold(tmp_path)
    src = split((tmp_path / "pages" / "setup-01.id.txt").read_text(), "id")
    tgt = split((tmp_path / "pages" / "setup-01.en.txt").read_text(), "en")
    crossed = AlignmentResult(src, tgt, [Bead((0,), (0,), 0.9), Bead((1,), (2,), 0.9), Bead((2,), (1,), 0.9)])
    tally = po_pages_eval.judge({"setup-01": crossed}, {"setup-01": gold["setup-01"]}, ExportOptions())
    assert (tally.units, tally.correct, tally.wrong, tally.found) == (2, 0, 2, 0)


@pytest.mark.parametrize("text,shown", [
    (":config:option:`$cfg['Servers']`", "$cfg['Servers']"),
    ("See `the wiki <https://wiki.example/>`_ now.", "See the wiki now."),
    ("**Bold** and *it*", "Bold and it"),
    ("a\\_b", "a_b"),
])
def test_render_reduces_rest_markup_to_its_text(text: str, shown: str) -> None:
    assert po_pages.render(text) == shown


def test_merged_duplicate_units_count_once_and_find_every_paragraph(tmp_path: Path) -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Type: string", msgstr="Tipe: untai", occurrences=[("a.rst", "1"), ("a.rst", "9")]))
    po.append(polib.POEntry(msgid="Default value", msgstr="Nilai bawaan", occurrences=[("a.rst", "5")]))
    po.append(polib.POEntry(msgid="String", msgstr="string", occurrences=[("a.rst", "7")]))  # case only: copied
    po_pages.build(str(po), tmp_path, page_size=10)
    gold = po_pages.read_gold(tmp_path)
    assert [r["kind"] for r in gold["a"]] == ["translated", "translated", "copied", "translated"]
    tally = po_pages_eval.judge({"a": gold_alignment(tmp_path, "a")}, gold, ExportOptions())
    assert (tally.units, tally.correct, tally.found, tally.translated_paragraphs) == (2, 2, 3, 3)
