"""Finding document pairs: a folder matched by file name, or a CSV/TSV manifest."""
from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import InputError

log = logging.getLogger(__name__)

MANIFEST_SUFFIXES = (".csv", ".tsv")
_SRC_COLUMNS = ("src", "source", "src_path", "source_path", "src_file")
_TGT_COLUMNS = ("tgt", "target", "tgt_path", "target_path", "tgt_file")
_ID_COLUMNS = ("doc_id", "id", "doc", "document", "name")


@dataclass(frozen=True)
class DocPair:
    """One document in two languages; ``doc_id`` names it in every output."""

    doc_id: str
    src: Path
    tgt: Path


@dataclass
class Discovery:
    """The pairs found (sorted by ``doc_id``) and every file that found no partner."""

    pairs: list[DocPair]
    unmatched: list[Path] = field(default_factory=list)


def discover(
    source: Path, src_lang: str = "id", tgt_lang: str = "en", exclude: Optional[Path] = None,
    allow_outside: bool = False,
) -> Discovery:
    """Pairs from ``source``: a folder (see :func:`discover_folder`) or a manifest file (see
    :func:`read_manifest` for ``allow_outside``)."""
    source = Path(source)
    if source.is_dir():
        return discover_folder(source, src_lang, tgt_lang, exclude)
    if source.is_file():
        return read_manifest(source, allow_outside)
    raise InputError(f"{source}: no such folder or manifest file")


def _visible_files(folder: Path, exclude: Optional[Path]) -> list[Path]:
    skip = exclude.resolve() if exclude is not None else None
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if skip is not None and (path.resolve() == skip or skip in path.resolve().parents):
            continue
        files.append(path)
    return files


def _pair_key(folder: Path, path: Path, src_lang: str, tgt_lang: str) -> Optional[tuple[str, str]]:
    """``(doc_id, lang)`` when ``path`` follows ``name.LANG.txt`` or ``LANG/name.txt``."""
    rel = path.relative_to(folder)
    parts = rel.parts
    if parts[0] in (src_lang, tgt_lang) and len(parts) > 1 and path.suffix == ".txt":
        return Path(*parts[1:]).with_suffix("").as_posix(), parts[0]
    name = path.name
    for lang in (src_lang, tgt_lang):
        end = f".{lang}.txt"
        if name.endswith(end) and len(name) > len(end):
            return rel.with_name(name[: -len(end)]).as_posix(), lang
    return None


def discover_folder(
    folder: Path, src_lang: str = "id", tgt_lang: str = "en", exclude: Optional[Path] = None
) -> Discovery:
    """Pairs ``name.id.txt``/``name.en.txt`` (any depth) and ``id/name.txt``/``en/name.txt``.

    The document id is the name relative to the folder (``news/a`` for ``news/a.id.txt``).
    Hidden files and ``exclude`` (the output folder) are ignored; every other file that is not
    half of a pair is returned in ``unmatched``.
    """
    sides: dict[str, dict[str, Path]] = {}
    unmatched: list[Path] = []
    for path in _visible_files(folder, exclude):
        key = _pair_key(folder, path, src_lang, tgt_lang)
        if key is None:
            unmatched.append(path)
            continue
        doc_id, lang = key
        slot = sides.setdefault(doc_id, {})
        if lang in slot:  # the same id from both naming schemes: keep the first, report the other
            unmatched.append(path)
        else:
            slot[lang] = path
    pairs = []
    for doc_id in sorted(sides):
        slot = sides[doc_id]
        if src_lang in slot and tgt_lang in slot:
            pairs.append(DocPair(doc_id, slot[src_lang], slot[tgt_lang]))
        else:
            unmatched.extend(slot.values())
    return Discovery(pairs, sorted(unmatched))


def _column(header: list[str], names: tuple[str, ...]) -> Optional[int]:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _default_id(src: Path) -> str:
    name = src.name
    for suffix in (".txt",):
        name = name[: -len(suffix)] if name.endswith(suffix) else name
    stem, dot, _lang = name.rpartition(".")
    return stem if dot and len(_lang) <= 3 else name


def read_manifest(path: Path, allow_outside: bool = False) -> Discovery:
    """Pairs from a CSV/TSV manifest: columns ``src``, ``tgt`` and optionally ``doc_id``.

    A header row naming the columns (``src``/``source``, ``tgt``/``target``,
    ``doc_id``/``id``/``name``) is optional; without one the columns are src, tgt[, doc_id].
    Relative paths are taken from the manifest's folder, and every path must lie inside that folder
    (links resolved) unless ``allow_outside``: a manifest that came with a corpus must not read
    ``~/.ssh`` or ``/etc`` into the TMX. Missing files are not checked here: those documents fail
    (and are reported) when aligned.
    """
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = [r for r in csv.reader(fh, delimiter=delimiter) if any(c.strip() for c in r)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read manifest ({exc})") from exc
    if not rows:
        raise InputError(f"{path}: manifest is empty")
    src_col, tgt_col, id_col = _column(rows[0], _SRC_COLUMNS), _column(rows[0], _TGT_COLUMNS), _column(rows[0], _ID_COLUMNS)
    skipped = 0
    if src_col is not None and tgt_col is not None:
        rows, skipped = rows[1:], 1
    else:
        src_col, tgt_col, id_col = 0, 1, 2
    base = path.parent
    inside = base.resolve()
    pairs, seen = [], set()
    for number, row in enumerate(rows, start=1 + skipped):
        if len(row) <= max(src_col, tgt_col):
            raise InputError(f"{path}: row {number} has no {'target' if len(row) > src_col else 'source'} path")
        src, tgt = base / row[src_col].strip(), base / row[tgt_col].strip()
        for given in () if allow_outside else (src, tgt):
            if not given.resolve().is_relative_to(inside):
                raise InputError(f"{path}: row {number}: {given} lies outside the manifest's folder {base}; refused "
                                 "(--allow-outside reads files anywhere)")
        doc_id = row[id_col].strip() if id_col is not None and id_col < len(row) and row[id_col].strip() else _default_id(src)
        if doc_id in seen:
            raise InputError(f"{path}: document id {doc_id!r} appears twice")
        seen.add(doc_id)
        pairs.append(DocPair(doc_id, src, tgt))
    return Discovery(sorted(pairs, key=lambda p: p.doc_id), [])
