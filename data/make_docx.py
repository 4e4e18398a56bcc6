"""Build the DOCX sample pair from the text sample: a heading, the article's paragraphs and a small table.

    .venv/bin/python data/make_docx.py      # writes data/jabar-gojek-2019.{id,en}.docx
"""
from __future__ import annotations

from pathlib import Path

import docx

HERE = Path(__file__).resolve().parent

# The article of each text sample: (title line, first body line, last body line), by index among non-blank lines.
ARTICLE = {"id": (1, 3, 12), "en": (4, 5, 14)}
TABLE = {
    "id": [("Mitra", "Program"), ("GOJEK dan GO-PAY", "Pemberdayaan perempuan dan UMKM"),
           ("Bukalapak", "Pembayaran pajak kendaraan bermotor"), ("PT. Telkomsel", "Program Patriot Desa Digital")],
    "en": [("Partner", "Programme"), ("GOJEK and GO-PAY", "Empowerment of women and MSMEs"),
           ("Bukalapak", "Motor vehicle tax payments"), ("PT. Telkomsel", "Digital Village Patriot Program")],
}
CAPTION = {"id": "Kerja sama Pemdaprov Jawa Barat", "en": "West Java Provincial Government partnerships"}


def build(lang: str) -> Path:
    """Write ``jabar-gojek-2019.<lang>.docx`` and return its path."""
    lines = [line.strip() for line in (HERE / f"jabar-gojek-2019.{lang}.txt").read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    title, first, last = ARTICLE[lang]
    document = docx.Document()
    document.core_properties.title = lines[title]
    document.core_properties.author = "aligner sample"
    document.add_heading(lines[title], level=1)
    body = lines[first : last + 1]
    for paragraph in body[:5]:
        document.add_paragraph(paragraph)
    document.add_paragraph(CAPTION[lang], style="Caption")
    rows = TABLE[lang]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    for paragraph in body[5:]:
        document.add_paragraph(paragraph)
    out = HERE / f"jabar-gojek-2019.{lang}.docx"
    document.save(out)
    return out


if __name__ == "__main__":
    for code in ("id", "en"):
        print(build(code))
