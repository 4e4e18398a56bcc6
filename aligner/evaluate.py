"""Alignment quality: vecalign's strict and lax precision/recall/F1, plus per-bead-type figures.

Strict: a predicted bead counts only if it equals a gold bead. Lax: a predicted bead counts if
it links at least one source sentence to a target sentence the gold links it to. Precision is
taken over all predicted beads (1-0/0-1 included); recall over gold pairs (1-0/0-1 excluded),
the way vecalign's ``score.py`` defines them.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from .errors import InputError

BeadPair = tuple[tuple[int, ...], tuple[int, ...]]

_BEAD_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*(?::\s*\S+)?\s*$")


def parse_beads(text: str) -> list[BeadPair]:
    """Parse vecalign-format lines ``[0, 1]:[0]`` (an optional ``:score`` suffix is ignored)."""
    beads = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _BEAD_LINE.match(line)
        if not match:
            raise InputError(f"line {n} is not a bead such as [0, 1]:[2]: {line.strip()[:60]!r}")
        src, tgt = (tuple(int(x) for x in g.replace(",", " ").split()) for g in match.groups())
        beads.append((src, tgt))
    return beads


def read_beads(path: str | Path) -> list[BeadPair]:
    """Read a ``.beads``/``gold.txt`` file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a UTF-8 beads file (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return parse_beads(text)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


@dataclass
class Counts:
    """Raw counts behind the figures, summable over documents."""

    strict_tp_p: int = 0
    strict_fp: int = 0
    lax_tp_p: int = 0
    lax_fp: int = 0
    strict_tp_r: int = 0
    strict_fn: int = 0
    lax_tp_r: int = 0
    lax_fn: int = 0
    by_type: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    """gold bead type class → [found exactly, total in gold]."""
    unaligned: list = field(default_factory=lambda: [0, 0, 0])
    """[true positives, predicted, gold] over sentences left unaligned."""

    def __iadd__(self, other: "Counts") -> "Counts":
        for name in ("strict_tp_p", "strict_fp", "lax_tp_p", "lax_fp",
                     "strict_tp_r", "strict_fn", "lax_tp_r", "lax_fn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, (hit, total) in other.by_type.items():
            self.by_type[key][0] += hit
            self.by_type[key][1] += total
        self.unaligned = [a + b for a, b in zip(self.unaligned, other.unaligned)]
        return self


def _bead_class(bead: BeadPair) -> str:
    src, tgt = bead
    if not src or not tgt:
        return "1-0/0-1"
    return "1-1" if len(src) == 1 and len(tgt) == 1 else "n-m"


def _match(gold: Iterable[BeadPair], test: Iterable[BeadPair]) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of ``test`` beads against ``gold``."""
    gold_set = {(tuple(s), tuple(t)) for s, t in gold if s or t}
    links = defaultdict(set)
    for s, t in gold_set:
        for i in s:
            links[i].update(t)
    strict_hit = strict_miss = lax_hit = lax_miss = 0
    for s, t in {(tuple(s), tuple(t)) for s, t in test if s or t}:
        if (s, t) in gold_set:
            strict_hit += 1
            lax_hit += 1
            continue
        strict_miss += 1
        linked = set().union(*(links[i] for i in s)) if s else set()
        if linked & set(t):
            lax_hit += 1
        else:
            lax_miss += 1
    return strict_hit, strict_miss, lax_hit, lax_miss


def count(gold: Sequence[BeadPair], test: Sequence[BeadPair]) -> Counts:
    """Counts for one document."""
    c = Counts()
    c.strict_tp_p, c.strict_fp, c.lax_tp_p, c.lax_fp = _match(gold, test)
    gold_pairs = [b for b in gold if b[0] and b[1]]
    test_pairs = [b for b in test if b[0] and b[1]]
    c.strict_tp_r, c.strict_fn, c.lax_tp_r, c.lax_fn = _match(test_pairs, gold_pairs)
    test_set = {(tuple(s), tuple(t)) for s, t in test}
    for bead in gold:
        entry = c.by_type[_bead_class(bead)]
        entry[0] += (tuple(bead[0]), tuple(bead[1])) in test_set
        entry[1] += 1
    gold_un = {("s", i) for s, t in gold if not t for i in s} | {("t", j) for s, t in gold if not s for j in t}
    test_un = {("s", i) for s, t in test if not t for i in s} | {("t", j) for s, t in test if not s for j in t}
    c.unaligned = [len(gold_un & test_un), len(test_un), len(gold_un)]
    return c


def _prf(tp_p: int, fp: int, tp_r: int, fn: int) -> tuple[float, float, float]:
    p = tp_p / (tp_p + fp) if tp_p + fp else 0.0
    r = tp_r / (tp_r + fn) if tp_r + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def figures(c: Counts) -> dict[str, float]:
    """Strict/lax P/R/F1, recall per gold bead class, and precision and F1 over unaligned sentences."""
    sp, sr, sf = _prf(c.strict_tp_p, c.strict_fp, c.strict_tp_r, c.strict_fn)
    lp, lr, lf = _prf(c.lax_tp_p, c.lax_fp, c.lax_tp_r, c.lax_fn)
    out = {"strict_p": sp, "strict_r": sr, "strict_f1": sf, "lax_p": lp, "lax_r": lr, "lax_f1": lf}
    for key, (hit, total) in sorted(c.by_type.items()):
        out[f"recall_{key}"] = hit / total if total else float("nan")
    tp, pred, gold = c.unaligned
    if gold or pred:
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        out["unaligned_f1"] = 2 * p * r / (p + r) if p + r else 0.0
        out["unaligned_p"] = p if pred else float("nan")
    return out


def score(gold: Sequence[BeadPair] | Sequence[Sequence[BeadPair]],
          test: Sequence[BeadPair] | Sequence[Sequence[BeadPair]]) -> dict[str, float]:
    """Score one document (two bead lists) or many (two lists of bead lists), pooling counts."""
    if gold and isinstance(gold[0], list):
        total = Counts()
        for g, t in zip(gold, test, strict=True):
            total += count(g, t)
        return figures(total)
    return figures(count(gold, test))  # type: ignore[arg-type]


def _bead_files(root: Path) -> dict[str, Path]:
    """Bead files under a folder keyed by document: ``doc/gold.txt`` → ``doc``, ``doc.beads`` → ``doc``."""
    files = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in (".txt", ".beads"):
            continue
        rel = path.relative_to(root)
        if path.name in ("gold.txt", "pred.txt", "pred.beads", "test.txt"):
            key = rel.parent.as_posix()
        elif path.name.endswith(("src.txt", "tgt.txt")) or ".raw." in path.name:
            continue
        else:
            key = rel.with_suffix("").as_posix()
        files[key] = path
    return files


def evaluate_paths(gold: str | Path, pred: str | Path) -> dict[str, float]:
    """Score one predicted beads file against one gold file, or every document of two folders."""
    gold, pred = Path(gold), Path(pred)
    for path in (gold, pred):
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
    if gold.is_file() and pred.is_file():
        return score(read_beads(gold), read_beads(pred))
    if gold.is_dir() and pred.is_dir():
        g, p = _bead_files(gold), _bead_files(pred)
        missing = sorted(set(g) - set(p))
        if missing:
            raise InputError(f"{pred}: no prediction for {len(missing)} gold document(s), e.g. {missing[0]}")
        if not g:
            raise InputError(f"{gold}: no bead files found")
        keys = sorted(g)
        return score([read_beads(g[k]) for k in keys], [read_beads(p[k]) for k in keys])
    raise InputError("GOLD and PRED must both be files or both be folders")
