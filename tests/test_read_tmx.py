"""read_tmx on a CAT tool's TMX with inline markup: codes dropped, text, tails and entities kept, nothing lost."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

import aligner

DTD = etree.DTD(str(Path(__file__).resolve().parent / "data" / "tmx14.dtd"))

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n'
    '<header creationtool="a CAT tool" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en-US" '
    'srclang="id-ID" datatype="html"/>\n<body>\n'
)


def tmx(tmp_path: Path, *units: tuple[str, str, str]) -> Path:
    """A TMX 1.4 file (checked against the DTD) with one ``<tu tuid=...>`` per (tuid, Indonesian seg, English seg)."""
    body = "".join(
        f'<tu tuid="{tuid}"><prop type="x-origin">{tuid}-prop</prop>'
        f'<tuv xml:lang="id-ID"><seg>{src}</seg></tuv><tuv xml:lang="en-US"><seg>{tgt}</seg></tuv></tu>\n'
        for tuid, src, tgt in units
    )
    path = tmp_path / "cat.tmx"
    path.write_text(HEADER + body + "</body>\n</tmx>\n", encoding="utf-8")
    assert DTD.validate(etree.parse(str(path))), DTD.error_log.filter_from_errors()
    return path


#: (tuid, Indonesian <seg> content, English <seg> content, what read_tmx gives for each side)
FLAT = [
    ("bpt-ept",
     'Klik <bpt i="1" x="1">&lt;b&gt;</bpt>Simpan<ept i="1">&lt;/b&gt;</ept> sekarang.',
     'Click <bpt i="1" x="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> now.',
     ("Klik Simpan sekarang.", "Click Save now.")),
    ("ph",
     '<ph x="2">&lt;img src="jabar.png"/&gt;</ph>Logo Jawa Barat.',
     '<ph x="2">&lt;img src="jabar.png"/&gt;</ph>The West Java logo.',
     ("Logo Jawa Barat.", "The West Java logo.")),
    ("it",
     'Baca <it pos="begin" x="3">&lt;i&gt;</it>Pikiran Rakyat hari ini.',
     'Read <it pos="begin" x="3">&lt;i&gt;</it>Pikiran Rakyat today.',
     ("Baca Pikiran Rakyat hari ini.", "Read Pikiran Rakyat today.")),
    ("ut",
     'Harga <ut>{\\b}</ut>naik<ut>{\\b0}</ut> lagi.',
     'Prices <ut>{\\b}</ut>rose<ut>{\\b0}</ut> again.',
     ("Harga naik lagi.", "Prices rose again.")),
    ("hi",
     'Ini <hi type="term">Birokrasi 3.0</hi> di Jawa Barat.',
     'This is <hi type="term">Bureaucracy 3.0</hi> in <hi type="place">West <hi type="b">Java</hi></hi>.',
     ("Ini Birokrasi 3.0 di Jawa Barat.", "This is Bureaucracy 3.0 in West Java.")),
    ("entities",
     "Harga &amp; biaya &lt;5%&gt; &#x2013; &quot;naik&quot; &apos;lagi&apos;<!-- a translator's note --> &#233;.",
     'Price &amp; cost &lt;5%&gt; &#8211; "up" \'again\' &#xE9;.',
     ('Harga & biaya <5%> \u2013 "naik" \'lagi\' \u00e9.', 'Price & cost <5%> \u2013 "up" \'again\' \u00e9.')),
]


def test_inline_codes_are_dropped_and_their_text_and_tails_kept(tmp_path: Path) -> None:
    frame = aligner.read_tmx(tmx(tmp_path, *[(tuid, src, tgt) for tuid, src, tgt, _ in FLAT]))
    assert list(frame.tuid) == [tuid for tuid, *_ in FLAT]
    assert list(zip(frame.src_text, frame.tgt_text)) == [expected for *_, expected in FLAT]
    assert set(frame.src_lang) == {"id-ID"} and set(frame.tgt_lang) == {"en-US"}
    assert list(frame["x_origin"]) == [f"{tuid}-prop" for tuid, *_ in FLAT]  # another tool's prop, "_" for "-"


def test_inline_markup_loses_no_text(tmp_path: Path) -> None:
    """Every character outside the native codes comes back, in order: the seg's text minus its codes' text."""
    frame = aligner.read_tmx(tmx(tmp_path, *[(tuid, src, tgt) for tuid, src, tgt, _ in FLAT]))
    segs = etree.parse(str(tmp_path / "cat.tmx")).getroot().iter("seg")
    codes = ("bpt", "ept", "ph", "it", "ut")
    for seg, text in zip(segs, [t for pair in zip(frame.src_text, frame.tgt_text) for t in pair]):
        everything = "".join(seg.itertext())
        in_codes = "".join("".join(code.itertext()) for code in seg.iter(*codes))
        assert len(text) == len(everything) - len(in_codes) and all(word in everything for word in text.split())


def test_codes_nested_in_hi_are_dropped(tmp_path: Path) -> None:
    path = tmx(tmp_path, (
        "nested",
        'Ini <hi type="b">sangat <hi type="i">penting</hi> <ph x="4">&lt;img src="x.png"/&gt;</ph>sekali</hi>.',
        'This is <hi type="b">very <bpt i="5">&lt;u&gt;</bpt>important<ept i="5">&lt;/u&gt;</ept></hi>.',
    ))
    frame = aligner.read_tmx(path)
    assert (frame.src_text[0], frame.tgt_text[0]) == ("Ini sangat penting sekali.", "This is very important.")


def test_a_line_break_placeholder_keeps_the_words_apart(tmp_path: Path) -> None:
    frame = aligner.read_tmx(tmx(tmp_path, (
        "lb",
        'Jalan Diponegoro No. 22<ph type="lb">&lt;br/&gt;</ph>Bandung',
        'Jalan Diponegoro No. 22<ph type="lb"/>Bandung, West Java',
    )))
    assert (frame.src_text[0], frame.tgt_text[0]) == ("Jalan Diponegoro No. 22\nBandung",
                                                      "Jalan Diponegoro No. 22\nBandung, West Java")
