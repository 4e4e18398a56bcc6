"""Read limits: huge texts, HTML pages, DOCX zip bombs and PDFs with too many pages are refused with
one line before any heavy work, and ``--max-input-chars`` raises (or, at 0, removes) the limits."""
from __future__ import annotations

import io
import resource
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.cli import app
from aligner.errors import InputError
from aligner.read import read_document
from aligner.read.limits import DEFAULT_MAX_CHARS, ReadLimits
from test_hostile import EN_TEXT, ID_TEXT, fake_model, write  # noqa: F401 - fixture
from test_readers import pdf_bytes

runner = CliRunner()

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def docx_bytes(paragraphs: int, text: str = "a", prefix: str = "w") -> bytes:
    """A minimal .docx whose body repeats a one-run paragraph ``paragraphs`` times (a zip bomb when large)."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    para = f"<{prefix}:p><{prefix}:r><{prefix}:t>{text}</{prefix}:t></{prefix}:r></{prefix}:p>".encode()
    body = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{prefix}:document xmlns:{prefix}="{ns}">'
            f"<{prefix}:body>").encode() + para * paragraphs + f"</{prefix}:body></{prefix}:document>".encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", body)
    return buffer.getvalue()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def assert_refused(res, expected: str) -> None:
    assert res.exit_code == 1, res.output
    message = " ".join(res.output.split())
    assert len(res.output.strip().splitlines()) == 1 and message.startswith("error:"), res.output
    assert expected in message and "--max-input-chars" in message, message


@pytest.mark.parametrize("prefix", ["w", "x"])
def test_docx_zip_bomb_is_refused_quickly_without_expanding(tmp_path, prefix):
    bomb = write(tmp_path, "bomb.docx", docx_bytes(1_000_000, prefix=prefix))
    assert bomb.stat().st_size < 300_000  # a small file...
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="paragraphs") as info:
        read_document(bomb)  # how long: benchmarks/input_speed.py
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) < 200 * 1024  # KiB: < 200 MB more
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("part, size, message", [
    ("word/media/zeros.bin", 60_000_000, "DOCX expands to 60,000"),  # all parts: 50 bytes per character
    ("word/styles.xml", 12_000_000, "DOCX's XML expands to 12,000"),  # XML parts: 10 bytes per character
])
def test_docx_expanding_beyond_the_size_limit_is_refused(tmp_path, part, size, message):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr(part, b" " * size)  # megabytes of blanks in a few KB
    path = write(tmp_path, "big.docx", buffer.getvalue())
    assert path.stat().st_size < 200_000
    with pytest.raises(InputError, match=message):
        read_document(path, max_chars=1_000_000)


def test_docx_limit_scales_with_max_input_chars(tmp_path, fake_model):
    path = write(tmp_path, "a.docx", docx_bytes(300, "Harga beras naik."))
    tgt = write(tmp_path, "a.en.txt", EN_TEXT)
    with pytest.raises(InputError, match="over 60 paragraphs"):
        read_document(path, max_chars=3000)
    assert read_document(path).count("\n") == 300  # the default limit allows it
    assert_refused(run("align", path, tgt, "-o", tmp_path / "o.csv", "--max-input-chars", "3000"), "paragraphs")
    res = run("align", path, tgt, "-o", tmp_path / "o.csv", "--max-input-chars", "100000")
    assert res.exit_code == 0, res.output


def test_text_over_the_limit_is_refused_before_the_model_loads(tmp_path, monkeypatch):
    def load(*args, **kwargs):
        raise AssertionError("the model was loaded before the input size was checked")

    monkeypatch.setattr("aligner.api.load_embedder", load)
    src = write(tmp_path, "a.id.txt", ID_TEXT * 10)
    tgt = write(tmp_path, "a.en.txt", EN_TEXT)
    assert_refused(run("align", src, tgt, "-o", tmp_path / "o.csv", "--max-input-chars", "200"), "over the input limit")
    assert not (tmp_path / "o.csv").exists()


def test_text_limit_counts_characters_not_bytes_and_zero_is_no_limit(tmp_path):
    path = write(tmp_path, "a.txt", "é" * 300)  # 600 bytes, 300 characters
    assert len(read_document(path, max_chars=300)) == 300
    with pytest.raises(InputError, match="text of 300 characters"):
        read_document(path, max_chars=299)
    assert len(read_document(path, max_chars=0)) == 300


def test_huge_file_is_refused_by_its_size_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "sparse.txt"
    with open(path, "wb") as fh:
        fh.truncate(50 * DEFAULT_MAX_CHARS)  # 500 MB, sparse: reading it would take time and memory

    def read_bytes(self):
        raise AssertionError(f"{self} was read before its size was checked")

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(Path, "open", read_bytes)
    with pytest.raises(InputError, match="bytes is over the input limit"):
        read_document(path)  # how long: benchmarks/input_speed.py


def test_fifty_megabyte_text_is_refused_by_the_default_limit(tmp_path):
    path = write(tmp_path, "big.txt", ("Harga beras naik lima persen. " * 1_700_000).encode())
    assert path.stat().st_size > 50_000_000
    with pytest.raises(InputError, match="over the input limit"):
        read_document(path)


def test_html_markup_over_the_limit_is_refused(tmp_path):
    page = "<html><body>" + "<p>Harga beras naik.</p>" * 100 + "</body></html>"
    path = write(tmp_path, "a.html", page)
    with pytest.raises(InputError, match="HTML page of"):
        read_document(path, max_chars=1000)
    assert "Harga beras naik." in read_document(path)


def test_pdf_with_too_many_pages_is_refused(tmp_path):
    path = write(tmp_path, "a.pdf", pdf_bytes([["Harga beras naik."]] * 30))
    with pytest.raises(InputError, match="PDF of 30 pages"):
        read_document(path, max_chars=100_000)  # 20 pages allowed
    assert "Harga beras naik." in read_document(path)


def test_limits_scale_from_one_knob():
    limits = ReadLimits.from_chars(1_000_000)
    assert (limits.docx_max_paragraphs, limits.pdf_max_pages) == (20_000, 200)
    assert (limits.docx_max_bytes, limits.docx_max_xml_bytes) == (50_000_000, 10_000_000)
    assert ReadLimits.from_chars(None).max_chars == DEFAULT_MAX_CHARS and not ReadLimits.from_chars(0).enabled
