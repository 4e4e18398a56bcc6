"""Indonesian sentence splitting: real news-like paragraphs, each with its exact sentences."""
from __future__ import annotations

import pytest

from aligner.segment import PunktSplitter, get_splitter


from split_cases import mid_and_final, split


@pytest.fixture(scope="module")
def splitter() -> PunktSplitter:
    return PunktSplitter("id")


CASES = [
    pytest.param(
        "Selain itu, Pemdaprov Jawa Barat berkerjasama dengan PT. Telkomsel meluncurkan Program "
        "Patriot Desa Digital. Target dari program tersebut adalah seluruh desa di Jawa Barat.",
        [
            "Selain itu, Pemdaprov Jawa Barat berkerjasama dengan PT. Telkomsel meluncurkan "
            "Program Patriot Desa Digital.",
            "Target dari program tersebut adalah seluruh desa di Jawa Barat.",
        ],
        id="PT",
    ),
    pytest.param(
        "Laba PT Telkom Indonesia (Persero) Tbk. naik 5 persen. Sementara itu, saham PT Unilever "
        "Indonesia Tbk. Sementara itu turun.",
        [
            "Laba PT Telkom Indonesia (Persero) Tbk. naik 5 persen.",
            "Sementara itu, saham PT Unilever Indonesia Tbk.",
            "Sementara itu turun.",
        ],
        id="Tbk-mid-and-final",
    ),
    pytest.param(
        "Kantor Dinas Kominfo berada di Jl. Tamansari No. 55, Bandung. Kantor itu buka pukul 08.00.",
        [
            "Kantor Dinas Kominfo berada di Jl. Tamansari No. 55, Bandung.",
            "Kantor itu buka pukul 08.00.",
        ],
        id="Jl-No",
    ),
    pytest.param(
        "Ia tinggal di Jln. Dalem Kaum Gg. Mesjid No. 5. Rumahnya dekat alun-alun.",
        ["Ia tinggal di Jln. Dalem Kaum Gg. Mesjid No. 5.", "Rumahnya dekat alun-alun."],
        id="Jln-Gg-number-final",
    ),
    pytest.param(
        "Pasien diperiksa oleh dr. Rina Marlina, Sp.A. dan Dr. Budi Santoso. Keduanya bertugas di "
        "RSUD Al Ihsan.",
        [
            "Pasien diperiksa oleh dr. Rina Marlina, Sp.A. dan Dr. Budi Santoso.",
            "Keduanya bertugas di RSUD Al Ihsan.",
        ],
        id="dr-Dr",
    ),
    pytest.param(
        "Gubernur Jawa Barat H. Ridwan Kamil dan Hj. Atalia Praratya hadir di Gedung Sate. "
        "Acara dibuka pukul 09.00 WIB.",
        [
            "Gubernur Jawa Barat H. Ridwan Kamil dan Hj. Atalia Praratya hadir di Gedung Sate.",
            "Acara dibuka pukul 09.00 WIB.",
        ],
        id="H-Hj",
    ),
    pytest.param(
        "Acara itu dihadiri Dr. H. Ahmad Heryawan, S.H., M.Si. dan Drs. Budi Setiawan, M.M. "
        "Mereka memberikan sambutan.",
        [
            "Acara itu dihadiri Dr. H. Ahmad Heryawan, S.H., M.Si. dan Drs. Budi Setiawan, M.M.",
            "Mereka memberikan sambutan.",
        ],
        id="degrees-mid-and-final",
    ),
    pytest.param(
        "Pembicara kedua adalah Budi Santoso, S.H. Ia merupakan pakar hukum tata negara.",
        ["Pembicara kedua adalah Budi Santoso, S.H.", "Ia merupakan pakar hukum tata negara."],
        id="S.H.-final",
    ),
    pytest.param(
        "Penelitian itu dipimpin Prof. Ir. Rina Susanti, M.Si. dari Institut Teknologi Bandung.",
        ["Penelitian itu dipimpin Prof. Ir. Rina Susanti, M.Si. dari Institut Teknologi Bandung."],
        id="Prof-Ir-M.Si",
    ),
    pytest.param(
        "Kepala Balai, Ir. Dedi Supriadi, S.Hut. Dalam sambutannya, ia memuji warga. Bendahara "
        "Rina, A.Md. mencatat semua pengeluaran dari S.M.A. Negeri 3 Bandung.",
        [
            "Kepala Balai, Ir. Dedi Supriadi, S.Hut.",
            "Dalam sambutannya, ia memuji warga.",
            "Bendahara Rina, A.Md. mencatat semua pengeluaran dari S.M.A. Negeri 3 Bandung.",
        ],
        id="unlisted-dotted-abbreviations",
    ),
    pytest.param(
        "Sekretaris Daerah Drs. Iwa Karniwa, M.Si. dan Dra. Euis Hartini, S.Pd. membuka acara.",
        ["Sekretaris Daerah Drs. Iwa Karniwa, M.Si. dan Dra. Euis Hartini, S.Pd. membuka acara."],
        id="Drs-Dra-S.Pd",
    ),
    pytest.param(
        "Lokasinya di Desa Cibiru, Kec. Cileunyi, Kab. Bandung. Hubungi Telp. (022) 4232448 "
        "atau Kel. Cibiru Wetan.",
        [
            "Lokasinya di Desa Cibiru, Kec. Cileunyi, Kab. Bandung.",
            "Hubungi Telp. (022) 4232448 atau Kel. Cibiru Wetan.",
        ],
        id="Kec-Kab-Telp",
    ),
    *mid_and_final("dll", "Pasar itu menjual sayur, buah, daging, dll.", "yang dipasok petani lokal.",
                   "Pemerintah juga menyediakan gudang."),
    *mid_and_final("dsb", "Kegiatan meliputi pelatihan, pendampingan, pemasaran, dsb.", "bagi pelaku UMKM.",
                   "Semua kegiatan itu gratis."),
    pytest.param(
        "Data dikumpulkan per hari, per minggu, dst. sesuai kebutuhan dinas.",
        ["Data dikumpulkan per hari, per minggu, dst. sesuai kebutuhan dinas."],
        id="dst-mid",
    ),
    pytest.param(
        "Tahapan itu diulang setiap tahun, dst. “Program ini berjalan lancar,” katanya.",
        ["Tahapan itu diulang setiap tahun, dst.", "“Program ini berjalan lancar,” katanya."],
        id="dst-final-before-quote",
    ),
    pytest.param(
        "Surat itu ditandatangani a.n. Gubernur Jawa Barat oleh Sekda. Tembusannya dikirim u.p. "
        "Kepala Dinas Pendidikan.",
        [
            "Surat itu ditandatangani a.n. Gubernur Jawa Barat oleh Sekda.",
            "Tembusannya dikirim u.p. Kepala Dinas Pendidikan.",
        ],
        id="a.n-u.p",
    ),
    pytest.param(
        "Menurut Rina S. Dewi, program itu berhasil. Rina S. mengatakan hal yang sama.",
        ["Menurut Rina S. Dewi, program itu berhasil.", "Rina S. mengatakan hal yang sama."],
        id="initials",
    ),
    pytest.param(
        "Pertumbuhan ekonomi Jawa Barat mencapai 5,3 persen dan tingkat partisipasi 85,3 persen. "
        "Nilai transaksi mencapai Rp1.308,65 miliar atau 1,308.65 dalam notasi Inggris.",
        [
            "Pertumbuhan ekonomi Jawa Barat mencapai 5,3 persen dan tingkat partisipasi 85,3 persen.",
            "Nilai transaksi mencapai Rp1.308,65 miliar atau 1,308.65 dalam notasi Inggris.",
        ],
        id="numbers",
    ),
    pytest.param(
        "Kerjasama dengan GOJEK merupakan implementasi Birokrasi 3.0. Dengan kata lain, "
        "pembangunan dapat dilakukan bersama. Dana sebesar Rp. 1.308.650 disalurkan.",
        [
            "Kerjasama dengan GOJEK merupakan implementasi Birokrasi 3.0.",
            "Dengan kata lain, pembangunan dapat dilakukan bersama.",
            "Dana sebesar Rp. 1.308.650 disalurkan.",
        ],
        id="3.0-final-Rp",
    ),
    pytest.param(
        "Ia terdiam sejenak... lalu melanjutkan pidatonya. Semua hadirin menunggu...",
        ["Ia terdiam sejenak... lalu melanjutkan pidatonya.", "Semua hadirin menunggu..."],
        id="ellipsis-mid-and-end",
    ),
    pytest.param(
        "Ia terdiam sejenak… Kemudian ia melanjutkan pidatonya.",
        ["Ia terdiam sejenak…", "Kemudian ia melanjutkan pidatonya."],
        id="unicode-ellipsis-final",
    ),
    pytest.param(
        "“Kapan program ini dimulai?” tanya seorang warga. “Bulan depan!” jawab Atalia.",
        ["“Kapan program ini dimulai?” tanya seorang warga.", "“Bulan depan!” jawab Atalia."],
        id="question-in-curly-quotes",
    ),
    pytest.param(
        '"Kapan?" tanya dia. "Sekarang," jawabnya.',
        ['"Kapan?" tanya dia.', '"Sekarang," jawabnya.'],
        id="question-in-straight-quotes",
    ),
    pytest.param(
        "“Kami sangat antusias,” lanjutnya. “Program ini bermanfaat bagi masyarakat.” Lalu ia "
        "meninggalkan Gedung Sate.",
        [
            "“Kami sangat antusias,” lanjutnya.",
            "“Program ini bermanfaat bagi masyarakat.”",
            "Lalu ia meninggalkan Gedung Sate.",
        ],
        id="closing-quote-after-period",
    ),
    pytest.param(
        "Kerjasama itu berlaku\u00a0tiga tahun.\u00a0Evaluasi dilakukan\u202fsetiap tahun.",
        ["Kerjasama itu berlaku\u00a0tiga tahun.", "Evaluasi dilakukan\u202fsetiap tahun."],
        id="non-breaking-spaces",
    ),
    pytest.param(
        "KOTA BANDUNG—Pemerintah Daerah Provinsi (Pemdaprov) Jawa Barat menggandeng GOJEK dan "
        "GO-PAY guna mencuatkan potensi ekonomi digital di Jawa Barat. Tujuan dari kerjasama "
        "tersebut adalah penguatan para pelaku sektor informal.",
        [
            "KOTA BANDUNG—Pemerintah Daerah Provinsi (Pemdaprov) Jawa Barat menggandeng GOJEK dan "
            "GO-PAY guna mencuatkan potensi ekonomi digital di Jawa Barat.",
            "Tujuan dari kerjasama tersebut adalah penguatan para pelaku sektor informal.",
        ],
        id="dateline-em-dash",
    ),
    pytest.param(
        "Digitalisasi tak hanya menyoal akses internet, tetapi juga menyentuh pelayanan publik "
        "dan perdagangan yang melibatkan masyarakat.(arm)",
        [
            "Digitalisasi tak hanya menyoal akses internet, tetapi juga menyentuh pelayanan publik "
            "dan perdagangan yang melibatkan masyarakat.",
            "(arm)",
        ],
        id="byline-glued-at-end",
    ),
    pytest.param(
        "Program itu berjalan baik.(ant) Berita selengkapnya menyusul.",
        ["Program itu berjalan baik.", "(ant)", "Berita selengkapnya menyusul."],
        id="byline-glued-mid",
    ),
    pytest.param(
        "Program itu dievaluasi setiap tahun. (rls)",
        ["Program itu dievaluasi setiap tahun.", "(rls)"],
        id="byline-spaced-at-end",
    ),
    pytest.param(
        "Program itu dievaluasi setiap tahun.(*)",
        ["Program itu dievaluasi setiap tahun.", "(*)"],
        id="byline-star",
    ),
    pytest.param(
        "“Kami siap mendukung,” kata Kepala Dinas.(arm/hms)",
        ["“Kami siap mendukung,” kata Kepala Dinas.", "(arm/hms)"],
        id="byline-two-codes",
    ),
    pytest.param(
        "Acara itu digelar di Aula Barat Gedung Sate, Sabtu (25/5/2019). Acara dimulai pagi hari.",
        [
            "Acara itu digelar di Aula Barat Gedung Sate, Sabtu (25/5/2019).",
            "Acara dimulai pagi hari.",
        ],
        id="date-in-parentheses-is-no-byline",
    ),
    pytest.param(
        "Informasi lengkap tersedia di www.jabarprov.go.id atau melalui humas@jabarprov.go.id. "
        "Silakan hubungi kami.",
        [
            "Informasi lengkap tersedia di www.jabarprov.go.id atau melalui humas@jabarprov.go.id.",
            "Silakan hubungi kami.",
        ],
        id="url-email",
    ),
    pytest.param(
        "Gandeng GOJEK dalam Pembangunan, Bukti Pemdaprov Jawa Barat Terapkan Birokrasi 3.0",
        ["Gandeng GOJEK dalam Pembangunan, Bukti Pemdaprov Jawa Barat Terapkan Birokrasi 3.0"],
        id="heading-without-period",
    ),
    pytest.param(
        "Sebelumnya, Pemdaprov Jawa Barat menjalin kerjasama dengan Bukalapak tentang Peningkatan "
        "Pelayanan Publik melalui Pemanfaatan Pasar Daring (Marketplace Online). Kerjasama tersebut "
        "bertujuan untuk mempercepat proses pelayanan publik oleh pemerintah. Salah satunya "
        "pembayaran pajak kendaraan bermotor di Bukajabar.",
        [
            "Sebelumnya, Pemdaprov Jawa Barat menjalin kerjasama dengan Bukalapak tentang "
            "Peningkatan Pelayanan Publik melalui Pemanfaatan Pasar Daring (Marketplace Online).",
            "Kerjasama tersebut bertujuan untuk mempercepat proses pelayanan publik oleh pemerintah.",
            "Salah satunya pembayaran pajak kendaraan bermotor di Bukajabar.",
        ],
        id="three-plain-sentences",
    ),
    pytest.param(
        "Apakah program ini berhasil? Tentu saja! Hasilnya terlihat tahun ini.",
        ["Apakah program ini berhasil?", "Tentu saja!", "Hasilnya terlihat tahun ini."],
        id="question-exclamation",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_indonesian(splitter: PunktSplitter, text: str, expected: list[str]) -> None:
    assert split(splitter, text) == expected


@pytest.mark.parametrize("code", ["id", "ID", "id-ID", "ind", "in"])
def test_get_splitter_indonesian_variants(code: str) -> None:
    assert get_splitter(code).lang == "id"


def test_empty_and_blank_paragraphs(splitter: PunktSplitter) -> None:
    assert splitter.spans("") == []
    assert splitter.spans(" \u00a0\t ") == []


def test_surrounding_whitespace_excluded(splitter: PunktSplitter) -> None:
    text = "  Ia datang.  Lalu ia pergi.  "
    assert split(splitter, text) == ["Ia datang.", "Lalu ia pergi."]
