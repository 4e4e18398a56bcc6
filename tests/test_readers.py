"""Readers for HTML, DOCX and PDF, the dispatcher, and the HTML/DOCX samples aligned end to end."""
from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import docx
import pytest
from lxml import etree
from typer.testing import CliRunner

import aligner
from aligner.cli import app
from aligner.errors import InputError
from aligner.read import format_of, input_formats, paragraphs, read_document
from aligner.read.pdf import join_lines, read_pdf

DATA = Path(__file__).resolve().parents[1] / "data"
HTML = (DATA / "jabar-gojek-2019.id.html", DATA / "jabar-gojek-2019.en.html")
DOCX = (DATA / "jabar-gojek-2019.id.docx", DATA / "jabar-gojek-2019.en.docx")
CHROME = [
    "Main Menu", "Official Website of West Java Province", "polling", "Share |", "Comments powered by Disqus",
    "Sabtu, 25 Mei 2019", "Mitrapolisi.co.id", "(arm)", "Baca juga", "cookie", "Berita Terkait", "Related News",
    "Privacy Policy", "Pedoman Media Siber", "Copyright", "Hak cipta",
]


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal PDF whose pages hold the given text lines (Helvetica, 11 pt)."""
    objects: list = ["<< /Type /Catalog /Pages 2 0 R >>", None,
                     "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        ops = ["BT /F1 11 Tf 14 TL 56 780 Td"]
        ops += ["(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*" for line in lines]
        stream = "\n".join(ops + ["ET"]).encode("cp1252")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(len(objects))
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + (obj if isinstance(obj, bytes) else obj.encode("latin-1")) + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- dispatch -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, fmt",
    [("a.txt", "text"), ("a.MD", "markdown"), ("a.html", "html"), ("a.HTM", "html"), ("a.docx", "docx"),
     ("a.pdf", "pdf"), ("a.srt", "text"), ("noext", "text")],
)
def test_format_from_extension(name, fmt):
    assert format_of(name) == fmt


def test_explicit_format_and_aliases():
    assert format_of("page.txt", "HTML") == "html"
    assert format_of("a.bin", "md") == "markdown" and format_of("a", ".htm") == "html"
    assert input_formats() == ["docx", "html", "markdown", "pdf", "text"]
    with pytest.raises(InputError, match="unknown input format 'rtf'"):
        format_of("a.rtf", "rtf")


def test_explicit_format_overrides_extension(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(HTML[1].read_bytes())
    text = read_document(page, input_format="html")
    assert text.startswith("Collaborating with GOJEK") and "<p>" not in text


# --- HTML -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", HTML, ids=["id", "en"])
def test_html_main_text_with_headline_one_paragraph_per_line(path):
    text = read_document(path)
    lines = text.splitlines()
    assert lines[0].startswith(("Gandeng GOJEK", "Collaborating with GOJEK"))  # the headline is kept
    assert len(paragraphs(text)) == len(lines)
    assert any(line.startswith(("KOTA BANDUNG", "BANDUNG CITY")) for line in lines)
    for gone in ("Main Menu", "cookie", "Berita Terkait", "Related News", "Privacy Policy", "Hak cipta", "Tidak ada polling"):
        assert gone not in text, gone


def test_html_leftover_chrome_is_flagged_not_deleted():
    src = aligner.split(read_document(HTML[0]), "id")
    flagged = {s.text for s in src if "boilerplate" in s.flags}
    assert "Sabtu, 25 Mei 2019" in flagged
    assert any(t.startswith("Baca juga:") for t in flagged)
    tgt = aligner.split(read_document(HTML[1]), "en")
    assert "Comments powered by Disqus" in {s.text for s in tgt if "boilerplate" in s.flags}


def test_html_declared_charset_and_encoding_option(tmp_path):
    markup = ("<html><head><meta charset='windows-1252'><title>Caf\u00e9</title></head><body><article>"
              "<h1>Harga \u201ckopi\u201d naik</h1><p>Harga kopi di kaf\u00e9 naik sepuluh persen menurut pemilik "
              "kaf\u00e9 itu pada hari Senin.</p></article></body></html>")
    declared = tmp_path / "declared.html"
    declared.write_bytes(markup.encode("cp1252"))
    assert "Harga \u201ckopi\u201d naik" in read_document(declared)
    undeclared = tmp_path / "undeclared.html"
    undeclared.write_bytes(markup.replace("<meta charset='windows-1252'>", "").encode("cp1252"))
    with pytest.raises(InputError, match="--encoding"):
        read_document(undeclared)
    assert "kaf\u00e9 itu" in read_document(undeclared, encoding="cp1252")


def test_html_without_main_text_is_an_error(tmp_path):
    page = tmp_path / "nav.html"
    page.write_text("<html><head><title></title></head><body><script>var a = 1;</script></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="no main text"):
        read_document(page)


# --- DOCX -------------------------------------------------------------------------------------


def test_docx_sample_heading_paragraphs_and_table_in_body_order():
    lines = read_document(DOCX[1]).splitlines()
    assert lines[0].startswith("Collaborating with GOJEK")
    table = lines.index("Partner")
    assert lines[table : table + 4] == ["Partner", "Programme", "GOJEK and GO-PAY", "Empowerment of women and MSMEs"]
    assert lines[table - 2].startswith("The Chairperson") and lines[-1].startswith("In addition")


def test_docx_merged_cells_once_line_breaks_joined(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Baris pertama")
    paragraph.add_run().add_break()
    paragraph.add_run("baris kedua\tdengan tab.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Judul gabungan"
    table.cell(1, 0).text = "Kiri"
    table.cell(1, 1).text = "Kanan"
    document.add_paragraph("")
    document.add_paragraph("Penutup.")
    path = tmp_path / "merged.docx"
    document.save(path)
    assert read_document(path) == "Baris pertama baris kedua dengan tab.\nJudul gabungan\nKiri\nKanan\nPenutup.\n"


def test_docx_without_text_or_not_a_docx(tmp_path):
    empty = tmp_path / "empty.docx"
    docx.Document().save(empty)
    with pytest.raises(InputError, match="no text"):
        read_document(empty)
    zipped = tmp_path / "other.docx"
    import zipfile

    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(InputError, match="not a valid DOCX"):
        read_document(zipped)


# --- PDF --------------------------------------------------------------------------------------

PARAS = [
    "Gandeng GOJEK dalam Pembangunan",
    "KOTA BANDUNG, Pemerintah Daerah Provinsi Jawa Barat menggandeng GOJEK dan GO-PAY guna mencuatkan "
    "potensi ekonomi digital di Jawa Barat. Tujuan dari kerjasama tersebut adalah penguatan para pelaku "
    "sektor informal dan usaha kecil melalui inovasi teknologi.",
    "Menurut Chairil, GOJEK berpotensi untuk mendukung program unggulan Provinsi Jawa Barat yaitu Sekolah "
    "Perempuan Capai Impian dan Cita-cita yang diluncurkan oleh Gubernur Jawa Barat pada Desember 2018.",
]


def test_pdf_lines_rejoined_hyphenation_undone(tmp_path, caplog):
    lines = [line for p in PARAS for line in textwrap.wrap(p, 72)]
    k = next(i for i, line in enumerate(lines) if line.endswith("sektor informal dan"))
    lines[k], lines[k + 1] = lines[k][: -len("mal dan")] + "-", "mal dan " + lines[k + 1]  # "infor-" / "mal"
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf_bytes([lines[:4], lines[4:]]))  # the second paragraph runs across the page break
    with caplog.at_level(logging.WARNING):
        text = read_document(path)
    assert text.splitlines() == PARAS
    assert "may reorder text" in caplog.text


def test_join_lines_rules():
    full = "x" * 60
    assert join_lines([[full, "end."], ["Next", full + " cita-", "cita lagi."]]) == [
        f"{full} end.", "Next", f"{full} cita-cita lagi."]
    assert join_lines([["Satu baris", "", "Dua baris"]]) == ["Satu baris", "Dua baris"]
    assert join_lines([[f"{full} pemba-", "ngunan jalan."]]) == [f"{full} pembangunan jalan."]


def test_pdf_without_text_or_damaged(tmp_path):
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(pdf_bytes([[]]))
    with pytest.raises(InputError, match="no extractable text"):
        read_pdf(blank)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(pdf_bytes([["Satu kalimat."]])[:60])
    with pytest.raises(InputError, match="PDF"):
        read_pdf(damaged)


# --- the samples, end to end --------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_tmx(tmp_path_factory, e5):
    out = tmp_path_factory.mktemp("html") / "x.tmx"
    patch = pytest.MonkeyPatch()
    patch.setattr("aligner.api.load_embedder", lambda *args, **kwargs: e5)  # the session's model, loaded once
    try:
        res = CliRunner().invoke(app, ["align", str(HTML[0]), str(HTML[1]), "-o", str(out)])
    finally:
        patch.undo()
    assert res.exit_code == 0, res.output
    return out, res.output


def test_html_sample_pairs_every_article_sentence_and_no_chrome(html_tmx, tmx_dtd):
    out, output = html_tmx
    tree = etree.parse(str(out))
    assert etree.DTD(str(tmx_dtd)).validate(tree)
    pairs = [tuple(seg.text for seg in tu.findall(".//seg")) for tu in tree.findall(".//tu")]
    assert len(pairs) == 17  # headline + 16 article sentences, as for the text sample
    joined = " ".join(s for p in pairs for s in p)
    for chrome in CHROME:
        assert chrome not in joined, chrome
    by_src = dict(pairs)
    assert by_src[next(s for s in by_src if s.startswith("Salah satunya"))] == "One of them is motor vehicle tax payments in Bukajabar."
    assert "17 pairs written" in output


def test_docx_sample_aligns(e5):
    result = aligner.align_files(*DOCX, model=e5)
    frame = result.to_frame()
    pairs = frame[frame.bead.str.match(r"^[1-9]-[1-9]$")]
    assert len(pairs) >= 17 + 7  # article sentences, the caption and the table cells
    row = pairs[pairs.tgt_text == "Motor vehicle tax payments"]
    assert list(row.src_text) == ["Pembayaran pajak kendaraan bermotor"]
