"""Checking a TMX file before handing it to a CAT tool: structure, languages, segments."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Union

from .base import _XML_ILLEGAL
from .tmx_entities import entity_problems

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LANG_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
_HEADER_REQUIRED = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")
MAX_SHOWN = 50


def check_tmx(path: Union[str, os.PathLike]) -> list[str]:
    """Problems found in the TMX at ``path`` (empty list: fine), one human-readable line each.

    Checked: well-formed XML with no illegal characters; ``<tmx version>``, a ``<header>`` with
    its required attributes and a ``<body>``; language tags that look like BCP-47; every ``<tu>``
    with at least two ``<tuv>``\\ s in different languages, one in the header's ``srclang``
    (unless ``*all*``); every ``<seg>`` present and non-empty; no entity declared in the DOCTYPE or
    used in the text (they are never expanded).
    """
    from lxml import etree

    path = Path(path)
    if not path.is_file():
        return [f"{path}: no such file"]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None  # lxml decodes other declared encodings
    if text is not None:
        for m in _XML_ILLEGAL.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            return [f"line {line}: illegal XML character U+{ord(m.group()):04X} (CAT tools reject the whole file)"]
    try:
        root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    problems: list[str] = entity_problems(root.getroottree())
    if root.tag != "tmx":
        return problems + [f"root element is <{root.tag}>, not <tmx>"]
    if root.get("version") not in ("1.4", "1.4b", "1.3", "1.2", "1.1"):
        problems.append(f"<tmx> version is {root.get('version')!r}, expected '1.4'")
    header, body = root.find("header"), root.find("body")
    srclang = ""
    if header is None:
        problems.append("no <header>")
    else:
        for attr in _HEADER_REQUIRED:
            if not header.get(attr):
                problems.append(f"<header> lacks the {attr} attribute")
        srclang = header.get("srclang") or ""
        if srclang and srclang != "*all*" and not _LANG_TAG.match(srclang):
            problems.append(f"<header> srclang {srclang!r} is not a language tag")
    if body is None:
        problems.append("no <body>")
        return problems
    tus = body.findall("tu")
    if not tus:
        problems.append("<body> has no <tu>")
    for n, tu in enumerate(tus, start=1):
        where = f"tu {n}" + (f" (tuid {tu.get('tuid')})" if tu.get("tuid") else "") + f", line {tu.sourceline}"
        tuvs = tu.findall("tuv")
        langs = [t.get(XML_LANG) or t.get("lang") or "" for t in tuvs]
        if len(tuvs) < 2:
            problems.append(f"{where}: {len(tuvs)} <tuv>, need two")
        for lang in langs:
            if not lang:
                problems.append(f"{where}: <tuv> without xml:lang")
            elif not _LANG_TAG.match(lang):
                problems.append(f"{where}: {lang!r} is not a language tag")
        if len({lang.lower() for lang in langs}) < len(langs):
            problems.append(f"{where}: two <tuv>s in the same language {langs}")
        if srclang and srclang != "*all*" and langs and srclang.lower() not in {lang.lower() for lang in langs}:
            problems.append(f"{where}: no <tuv> in the header's srclang {srclang!r} (has {', '.join(langs)})")
        for tuv, lang in zip(tuvs, langs):
            seg = tuv.find("seg")
            if seg is None:
                problems.append(f"{where}: <tuv xml:lang={lang!r}> has no <seg>")
            elif not "".join(seg.itertext()).strip():
                problems.append(f"{where}: empty {lang} segment")
    if len(problems) > MAX_SHOWN:
        problems = problems[:MAX_SHOWN] + [f"... and {len(problems) - MAX_SHOWN} more problems"]
    return problems
