"""Markdown input: prose paragraphs only, code and HTML kept out, offsets into the original file."""
from __future__ import annotations

import pickle
import re
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from typer.testing import CliRunner

from aligner.api import split
from aligner.cli import app
from aligner.read import format_of, read_document
from aligner.read.markdown import CODE, COMMENT, FRONT_MATTER, HTML, MarkdownText, markdown_prose

DATA = Path(__file__).resolve().parents[1] / "data"

PAGE = """\
---
title: "Panduan *singkat*"
tags: [a, b]
---
<!-- komentar penerjemah: jangan diterjemahkan -->
# Memasang `aligner` dengan *pip*

Jalankan perintah berikut. Lihat [panduan lengkap](https://example.org/docs "Judul") untuk detail &amp; contoh.

```bash
pip install aligner
aligner --help
```

| Opsi | Arti |
|:-----|-----:|
| `--verbose` | Tampilkan log. |
| [Bantuan](help.md) | Buka halaman bantuan. |

- Langkah pertama.
  - Sub-langkah dengan `kode` di dalamnya.
    1. Butir bersarang ketiga.
- Langkah kedua \\*penting\\*.

`aligner align a.txt b.txt -o out.tmx`

Paragraf terakhir
dengan dua baris.

    kode terindentasi
    baris kedua

<div class="note">
  Blok HTML mentah.
</div>
"""

PROSE = [
    "Memasang aligner dengan pip",
    "Jalankan perintah berikut. Lihat panduan lengkap untuk detail & contoh.",
    "Opsi", "Arti", "Tampilkan log.", "Bantuan", "Buka halaman bantuan.",  # the cell `--verbose` is only code
    "Langkah pertama.", "Sub-langkah dengan kode di dalamnya.", "Butir bersarang ketiga.",
    "Langkah kedua *penting*.",
    "Paragraf terakhir dengan dua baris.",
]


def test_prose_is_headings_paragraphs_cells_and_list_items() -> None:
    text = markdown_prose(PAGE)
    assert str(text).split("\n") == PROSE
    for gone in ("title", "komentar", "pip install", "aligner --help", "https://", "help.md", "kode terindentasi",
                 "Blok HTML", "<div", "Judul", "|", "---", "a.txt"):
        assert gone not in str(text), gone


def test_code_html_front_matter_and_comments_are_kept_out_and_located() -> None:
    text = markdown_prose(PAGE)
    blocks = [(b.kind, PAGE[b.start : b.end]) for b in text.non_prose]
    kinds = [k for k, _ in blocks]
    assert kinds == [FRONT_MATTER, COMMENT, CODE, CODE, CODE, CODE, HTML]
    assert blocks[0][1].startswith("---\ntitle:") and blocks[1][1].startswith("<!-- komentar")
    assert "pip install aligner\naligner --help" in blocks[2][1] and blocks[2][1].startswith("```bash")
    assert blocks[3][1] == "--verbose"  # a table cell that is only inline code
    assert blocks[4][1] == "aligner align a.txt b.txt -o out.tmx"  # a paragraph that is only code
    assert blocks[5][1] == "    kode terindentasi\n    baris kedua"
    assert blocks[6][1].startswith('<div class="note">') and blocks[6][1].endswith("</div>")
    assert text.counts() == {CODE: 4, HTML: 1}


def test_sentence_offsets_point_into_the_original_file() -> None:
    text = markdown_prose(PAGE)
    sentences = split(text, "id")
    assert [s.text for s in sentences][:3] == ["Memasang aligner dengan pip", "Jalankan perintah berikut.",
                                               "Lihat panduan lengkap untuk detail & contoh."]
    for s in sentences:
        written = PAGE[s.start : s.end]
        assert written[0] == s.text[0] and written[-1] == s.text[-1], (s.text, written)
        # every word of the sentence appears, in order, in what was written there
        pos = 0
        for word in re.findall(r"\w+", s.text):
            pos = written.find(word, pos)
            assert pos >= 0, (word, s.text, written)
    by_text = {s.text: PAGE[s.start : s.end] for s in sentences}
    assert by_text["Lihat panduan lengkap untuk detail & contoh."] == \
        'Lihat [panduan lengkap](https://example.org/docs "Judul") untuk detail &amp; contoh.'
    assert by_text["Paragraf terakhir dengan dua baris."] == "Paragraf terakhir\ndengan dua baris."
    assert by_text["Langkah kedua *penting*."] == "Langkah kedua \\*penting\\*."


def test_every_line_is_prose_non_prose_or_markup() -> None:
    text = markdown_prose(PAGE)
    spans = [(s.start, s.end) for s in split(text, "id")] + [(b.start, b.end) for b in text.non_prose]
    pos = 0
    for line in PAGE.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\n"))
        pos += len(line)
        if not line.strip() or set(line.strip()) <= set("|-: "):
            continue  # blank lines and the table's delimiter row
        assert any(a < end and start < b for a, b in spans), line


def test_md_files_and_input_format_read_as_markdown(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    assert format_of("x.md") == format_of("x.MARKDOWN") == format_of("x", "markdown") == format_of("x", "md") == "markdown"
    assert read_document(path) == PAGE  # .txt: plain text, as written
    read = read_document(path, "markdown")
    assert isinstance(read, MarkdownText) and str(read).split("\n") == PROSE
    assert read.original == PAGE
    again = pickle.loads(pickle.dumps(read))  # batch workers pickle what they read
    assert again.origin == read.origin and again.non_prose == read.non_prose and str(again) == str(read)


def test_markdown_with_no_prose_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "code.md"
    path.write_text("```\nprint(1)\n```\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["align", str(path), str(path), "-o", str(tmp_path / "o.tmx")])
    assert res.exit_code == 1 and "no prose" in res.output
    assert not (tmp_path / "o.tmx").exists()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("md")
    runner = CliRunner()
    src, tgt = DATA / "sambara-pajak.id.md", DATA / "sambara-pajak.en.md"
    res = runner.invoke(app, ["align", str(src), str(tgt), "-o", str(out / "p.tmx")])
    assert res.exit_code == 0, res.output
    res_csv = runner.invoke(app, ["align", str(src), str(tgt), "-o", str(out / "p.csv")])
    assert res_csv.exit_code == 0, res_csv.output
    return out, res.output


def test_markdown_sample_pair_gives_a_clean_tmx(sample_run) -> None:
    out, output = sample_run
    pairs = [tuple(seg.text for seg in tu.iter("seg")) for tu in etree.parse(str(out / "p.tmx")).iter("tu")]
    joined = " ".join(s for p in pairs for s in p)
    for gone in ("curl", "https://", "**", "](", "Butuh bantuan", "Need help", "title:", "Terjemahan diperbarui"):
        assert gone not in joined, gone
    by_src = dict(pairs)
    assert by_src["Unduh Sambara dari Google Play dan buka aplikasinya."] == \
        "Download Sambara from Google Play and open the app."
    assert by_src["Simpan kode bayar."] == "Keep the payment code."
    # the (older) English paragraph left on the Indonesian page, the copyright lines, "Bank BJB" = "Bank BJB"
    assert not any(src.startswith("The response") for src in by_src)
    assert "Bank BJB" not in by_src and not any("©" in src for src in by_src)
    assert "not prose, kept out of the alignment (blocks): id 1 code, 1 html / en 1 code, 1 html" in output
    assert "33 pairs written, kept out of the TM: 1 identical, unaligned 5 id / 5 en" in output


def test_markdown_sample_csv_has_every_sentence_once_with_reasons(sample_run) -> None:
    out, _ = sample_run
    frame = pd.read_csv(out / "p.csv", dtype=str, keep_default_na=False)
    src_idx = sorted(int(i) for cell in frame.src_idx for i in cell.split())
    tgt_idx = sorted(int(j) for cell in frame.tgt_idx for j in cell.split())
    n_src = len(split(read_document(DATA / "sambara-pajak.id.md"), "id"))
    n_tgt = len(split(read_document(DATA / "sambara-pajak.en.md"), "en"))
    assert src_idx == list(range(n_src)) and tgt_idx == list(range(n_tgt))
    status = dict(zip(frame.id, frame.status))
    assert status["Bank BJB"] == "identical"
    # the older English paragraph on the Indonesian page is flagged wrong-language and left unpaired
    assert status["The response is a JSON object with the amount and the due date."] == "unaligned"
    assert status["Requests are limited to sixty per minute."] == "unaligned"


def test_crlf_and_form_feeds_keep_offsets_right() -> None:
    page = "# Judul\r\n\r\nParagraf satu.\x0c Masih satu.\r\n\r\n```\r\nkode\r\n```\r\n- Butir *dua*.\r\n"
    text = markdown_prose(page)
    sentences = split(text, "id")
    assert [page[s.start : s.end] for s in sentences] == ["Judul", "Paragraf satu.", "Masih satu.", "Butir *dua*."]
    assert [s.text for s in sentences] == ["Judul", "Paragraf satu.", "Masih satu.", "Butir dua."]
    assert [page[b.start : b.end] for b in text.non_prose] == ["```\r\nkode\r\n```"]


def test_markdown_input_has_the_same_size_limit_as_text(tmp_path: Path) -> None:
    from aligner.errors import InputError
    from aligner.read.limits import ReadLimits

    path = tmp_path / "big.md"
    path.write_text("# Judul\n\n" + "Kalimat panjang sekali. " * 200, encoding="utf-8")
    with pytest.raises(InputError, match="over the input limit"):
        read_document(path, max_chars=1000)
    assert "Kalimat" in read_document(path, max_chars=100_000)
