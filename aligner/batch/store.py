"""Per-document result files under ``OUTDIR/.parts``: atomic writes, "done" detection, (de)serialising."""
from __future__ import annotations

import contextlib
import hashlib
import json
import re
from pathlib import Path
from typing import Iterable, Optional

from ..align.base import Bead
from ..export.atomic import atomic_file, is_stale_temp
from ..result import AlignmentResult
from ..segment.base import Sentence

PARTS_DIR = ".parts"
OK_SUFFIX = ".json"
FAILED_SUFFIX = ".failed.json"
RUN_INFO = "run.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _digest(text: str, n: int = 10) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


class PartStore:
    """One JSON file per finished document, named by its id and by the key of its inputs.

    The key (aligner version + settings + content hashes of the inputs) is part of the file name,
    so a part made with other settings or from changed inputs is simply not found: "done" is one
    ``stat``; :meth:`prune` removes such stale parts after a run.
    Failed documents get a ``.failed.json`` part (reported, retried on the next run).
    """

    def __init__(self, outdir: Path) -> None:
        self.root = Path(outdir) / PARTS_DIR

    def create(self) -> None:
        """Make the parts folder (and the output folder) if missing."""
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, doc_id: str, key: str, failed: bool = False) -> Path:
        """Where the part of ``doc_id`` computed under ``key`` lives."""
        safe = _UNSAFE.sub("_", doc_id)[:60]
        suffix = FAILED_SUFFIX if failed else OK_SUFFIX
        return self.root / f"{safe}-{_digest(doc_id)}.{_digest(key)}{suffix}"

    def is_done(self, doc_id: str, key: str) -> bool:
        """True when ``doc_id`` was aligned successfully under ``key``."""
        return self.path(doc_id, key).is_file()

    def write(self, record: dict, key: str) -> Path:
        """Store one document's record atomically (a failed record when it has an ``error``)."""
        failed = bool(record.get("error"))
        target = self.path(record["doc_id"], key, failed)
        with atomic_file(target) as fh:
            json.dump(record, fh, ensure_ascii=False, separators=(",", ":"))
        if not failed:
            with contextlib.suppress(OSError):
                self.path(record["doc_id"], key, failed=True).unlink()
        return target

    def read(self, doc_id: str, key: str) -> Optional[dict]:
        """The stored record of ``doc_id`` (success preferred), or None when there is none."""
        for failed in (False, True):
            p = self.path(doc_id, key, failed)
            try:
                with open(p, encoding="utf-8") as fh:
                    return json.load(fh)
            except FileNotFoundError:
                continue
        return None

    def prune(self, keep: "Iterable[tuple[str, str]]") -> int:
        """Delete every part that is not one of ``keep`` (``(doc_id, key)``: the current documents under
        their current keys), and temporary files of killed writes; returns how many files went."""
        wanted = {self.path(d, k, failed).name for d, k in keep for failed in (False, True)}
        removed = 0
        for path in self.root.iterdir():
            stale_part = path.name.endswith(OK_SUFFIX) and path.name != RUN_INFO and path.name not in wanted
            if (stale_part or is_stale_temp(path)) and path.is_file():
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
        return removed

    def run_info(self, defaults: dict) -> dict:
        """``run.json`` of this output folder, created from ``defaults`` on the first run."""
        path = self.root / RUN_INFO
        try:
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
        except (FileNotFoundError, ValueError):
            with atomic_file(path) as fh:
                json.dump(defaults, fh, indent=1)
            return defaults


def _sentences_out(sentences: list[Sentence]) -> list[list]:
    return [[s.index, s.text, s.start, s.end, s.paragraph, sorted(s.flags)] for s in sentences]


def _sentences_in(rows: list[list]) -> list[Sentence]:
    return [Sentence(i, t, a, b, p, frozenset(f)) for i, t, a, b, p, f in rows]


def result_record(doc_id: str, result: AlignmentResult, extra: Optional[dict] = None) -> dict:
    """A JSON-ready record of one document's alignment."""
    return {
        "doc_id": doc_id,
        "error": None,
        "model": result.model,
        "signature": result.meta.get("signature", ""),
        "src_lang": result.src_lang,
        "tgt_lang": result.tgt_lang,
        "src": _sentences_out(result.src_sentences),
        "tgt": _sentences_out(result.tgt_sentences),
        "beads": [[list(b.src), list(b.tgt), b.score] for b in result.beads],
        **(extra or {}),
    }


def error_record(doc_id: str, error: str, extra: Optional[dict] = None) -> dict:
    """A record for a document that could not be aligned."""
    return {"doc_id": doc_id, "error": error, **(extra or {})}


def record_result(record: dict) -> AlignmentResult:
    """Rebuild the :class:`AlignmentResult` of a successful record."""
    return AlignmentResult(
        _sentences_in(record["src"]),
        _sentences_in(record["tgt"]),
        [Bead(tuple(s), tuple(t), score) for s, t, score in record["beads"]],
        record["src_lang"],
        record["tgt_lang"],
        model=record["model"],
        meta={"doc_id": record["doc_id"], "signature": record.get("signature", "")},
    )

