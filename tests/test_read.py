"""Reading plain-text files: encodings, line endings and one-line errors for bad input."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from aligner.errors import AlignerError, InputError
from aligner.read import paragraphs, read_text
from aligner.segment.base import Paragraph

TEXT = "Sabtu, 25 Mei 2019\n\nKOTA BANDUNG—Pemerintah Daerah Provinsi Jawa Barat.\n"


def write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8(tmp_path: Path) -> None:
    assert read_text(write(tmp_path, TEXT.encode("utf-8"))) == TEXT


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    assert read_text(write(tmp_path, codecs.BOM_UTF8 + TEXT.encode("utf-8"))) == TEXT


def test_str_path_accepted(tmp_path: Path) -> None:
    assert read_text(str(write(tmp_path, TEXT.encode("utf-8")))) == TEXT


def test_crlf_kept(tmp_path: Path) -> None:
    crlf = TEXT.replace("\n", "\r\n")
    text = read_text(write(tmp_path, crlf.encode("utf-8")))
    assert text == crlf
    paras = paragraphs(text)
    assert [text[p.start : p.end] for p in paras] == [
        "Sabtu, 25 Mei 2019",
        "KOTA BANDUNG—Pemerintah Daerah Provinsi Jawa Barat.",
    ]


def test_mixed_line_endings(tmp_path: Path) -> None:
    mixed = "Satu.\r\nDua.\nTiga.\rEmpat.\r\n\r\nLima."
    text = read_text(write(tmp_path, mixed.encode("utf-8")))
    assert text == mixed
    assert [text[p.start : p.end] for p in paragraphs(text)] == [
        "Satu.", "Dua.", "Tiga.", "Empat.", "Lima."
    ]


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (b"", "utf-16"),  # Python's utf-16 codec writes a BOM itself
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (b"", "utf-32"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_utf16_utf32_with_bom(tmp_path: Path, bom: bytes, codec: str) -> None:
    assert read_text(write(tmp_path, bom + TEXT.encode(codec))) == TEXT


def test_utf16_without_bom_needs_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT.encode("utf-16-le"))
    with pytest.raises(InputError, match="--encoding"):
        read_text(path)
    assert read_text(path, encoding="utf-16-le") == TEXT


def test_cp1252_error_names_encoding_option(tmp_path: Path) -> None:
    text = "Café “Kopi” di Bandung – Rp 5.000\n"
    path = write(tmp_path, text.encode("cp1252"))
    with pytest.raises(InputError) as info:
        read_text(path)
    message = str(info.value)
    assert "--encoding" in message
    assert str(path) in message
    assert "UTF-8" in message
    assert "\n" not in message
    assert read_text(path, encoding="cp1252") == text


def test_latin1(tmp_path: Path) -> None:
    path = write(tmp_path, "Señor Müller.\n".encode("latin-1"))
    assert read_text(path, encoding="latin-1") == "Señor Müller.\n"


def test_explicit_utf8_strips_bom(tmp_path: Path) -> None:
    path = write(tmp_path, codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert read_text(path, encoding="utf-8") == TEXT


def test_unknown_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT.encode("utf-8"))
    with pytest.raises(InputError, match="unknown encoding"):
        read_text(path, encoding="no-such-codec")


def test_wrong_explicit_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "Café".encode("cp1252"))
    with pytest.raises(InputError, match="utf-8"):
        read_text(path, encoding="utf-8")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError, match="not found") as info:
        read_text(path)
    assert str(path) in str(info.value)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        read_text(tmp_path)


def test_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        read_text(write(tmp_path, b""))


def test_bom_only_is_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        read_text(write(tmp_path, codecs.BOM_UTF8))


def test_whitespace_only(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="whitespace"):
        read_text(write(tmp_path, " \n\r\n\t \u00a0\n".encode("utf-8")))


def test_binary_with_nul_bytes(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    with pytest.raises(InputError, match="binary"):
        read_text(write(tmp_path, data, "image.txt"))


def test_stray_nul_is_binary(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="binary"):
        read_text(write(tmp_path, b"Satu kalimat.\x00 Dua kalimat.\n"))


def test_binary_control_characters(tmp_path: Path) -> None:
    data = bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 19, 20]) * 10 + b"abc"
    with pytest.raises(InputError, match="binary"):
        read_text(write(tmp_path, data))


def test_binary_even_with_explicit_encoding(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="binary"):
        read_text(write(tmp_path, bytes(range(256)) * 4), encoding="latin-1")


def test_reading_errors_are_caught_as_aligner_errors(tmp_path: Path) -> None:
    """What the CLI and library callers catch: ``except AlignerError`` gets every reading failure, one line each."""
    missing, binary = tmp_path / "missing.txt", write(tmp_path, bytes(range(256)) * 4, "blob.txt")
    for path, reason in ((missing, "file not found"), (binary, "binary"), (tmp_path, "directory")):
        with pytest.raises(AlignerError) as info:
            read_text(path)
        message = str(info.value)
        assert type(info.value) is InputError and str(path) in message and reason in message and "\n" not in message


# --- paragraphs -------------------------------------------------------------------------


def test_paragraphs_each_line_and_blank_lines() -> None:
    text = "  Judul\n\nBaris satu. Kalimat dua.\nBaris dua\n \t\n\u00a0\nAkhir.  \n"
    paras = paragraphs(text)
    assert [text[p.start : p.end] for p in paras] == [
        "Judul",
        "Baris satu. Kalimat dua.",
        "Baris dua",
        "Akhir.",
    ]
    assert [p.index for p in paras] == [0, 1, 2, 3]
    assert paras[0] == Paragraph(index=0, start=2, end=7)


def test_paragraphs_empty() -> None:
    assert paragraphs("") == []
    assert paragraphs("\n \n\r\n") == []
