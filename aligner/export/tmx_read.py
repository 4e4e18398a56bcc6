"""Reading a TMX back into a DataFrame: ours (with ``x-aligner-*`` props) or any CAT tool's."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Union

import pandas as pd

from ..errors import InputError
from .tmx import PROP_PREFIX
from .tmx_entities import entity_problems

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Columns always present, in this order; props follow (``x-aligner-`` stripped, others as written).
BASE_COLUMNS = ["src_text", "tgt_text", "score", "bead", "src_lang", "tgt_lang", "tuid"]


def _seg_text(seg) -> str:
    """Text of a ``<seg>`` (or a ``<hi>``/``<sub>`` in it): inline codes (``<bpt>``, ``<ph>``...) dropped
    with their native code but their tail kept, ``<hi>``/``<sub>`` read the same way at any depth; a
    line-break placeholder (``<ph type="lb">``, as CAT tools write one) is read as a newline, so the
    words on either side stay apart."""
    parts = [seg.text or ""]
    for child in seg:
        if child.tag in ("hi", "sub"):
            parts.append(_seg_text(child))
        elif child.tag in ("ph", "it") and (child.get("type") or "").lower() == "lb":
            parts.append("\n")
        parts.append(child.tail or "")
    return "".join(parts)


def _lang(tuv) -> str:
    return tuv.get(XML_LANG) or tuv.get("lang") or ""


def read_tmx(path: Union[str, os.PathLike]) -> pd.DataFrame:
    """One row per ``<tu>``: ``src_text``, ``tgt_text`` (header ``srclang`` side first), ``score``
    (float, NaN when absent), ``bead``, language codes, ``tuid`` and one column per prop type."""
    from lxml import etree

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not well-formed XML ({exc})") from None
    entities = entity_problems(tree)
    if entities:
        raise InputError(f"{path}: {entities[0]}" + (f" (and {len(entities) - 1} more entity problems)" if len(entities) > 1 else ""))
    root = tree.getroot()
    header = root.find("header")
    srclang = (header.get("srclang") if header is not None else "") or ""
    rows = []
    for tu in root.iter("tu"):
        tuvs = tu.findall("tuv")
        if not tuvs:
            continue
        src = next((t for t in tuvs if _lang(t).lower() == srclang.lower()), tuvs[0])
        others = [t for t in tuvs if t is not src]
        tgt = others[0] if others else None
        row = {
            "src_text": _seg_text(src.find("seg")) if src.find("seg") is not None else "",
            "tgt_text": _seg_text(tgt.find("seg")) if tgt is not None and tgt.find("seg") is not None else "",
            "src_lang": _lang(src),
            "tgt_lang": _lang(tgt) if tgt is not None else "",
            "tuid": tu.get("tuid") or "",
        }
        for prop in tu.findall("prop"):
            kind = prop.get("type") or ""
            name = kind[len(PROP_PREFIX):] if kind.startswith(PROP_PREFIX) else kind
            row[name.replace("-", "_")] = prop.text or ""
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in BASE_COLUMNS:
        if col not in frame.columns:
            frame[col] = pd.Series([""] * len(frame), dtype=object)
    frame["score"] = pd.to_numeric(frame["score"].replace("", float("nan")), errors="coerce").astype(float)
    extra = [c for c in frame.columns if c not in BASE_COLUMNS]
    return frame[BASE_COLUMNS + extra].reset_index(drop=True)
