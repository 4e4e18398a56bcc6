"""The open review: the project store, the sentences, re-alignment and export, as JSON-ready calls.

The server's routes are thin wrappers over :class:`Workspace`; tests can drive it directly.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..bands import CHECK, GOOD, band
from ..errors import AlignerError
from . import edits
from .edits import BeadRef, EditBead, EditError, EditState
from .project import ProjectStore
from .realign import Realigner

EXPORT_FORMATS = ("tmx", "csv", "xlsx")
CERTAIN = 1.0
"""Export score of a confirmed or linked pair: the reviewer's word is certain (Trados counts them 100)."""


def display_band(bead: EditBead) -> str:
    """``unaligned`` for a bead with an empty side, ``manual`` for a pair the reviewer linked (no
    score), else the score's band (good / check / bad)."""
    if not bead.is_pair:
        return "unaligned"
    if bead.score is None:
        return "manual"
    return band(bead.score)


def bead_json(bead: EditBead) -> dict:
    return {"src": list(bead.src), "tgt": list(bead.tgt), "score": bead.score, "status": bead.status,
            "band": display_band(bead)}


def _sentence_json(sentence) -> dict:
    return {"text": sentence.text, "par": sentence.paragraph, "flags": sorted(sentence.flags)}


def _ints(values: Any, what: str) -> list[int]:
    if not isinstance(values, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise EditError(f"{what} must be a list of sentence numbers")
    return values


def _ref(payload: dict) -> BeadRef:
    bead = payload.get("bead")
    if not isinstance(bead, dict):
        raise EditError("the action names no bead")
    return BeadRef(tuple(_ints(bead.get("src"), "bead.src")), tuple(_ints(bead.get("tgt"), "bead.tgt")))


def _optional_int(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


ACTIONS: dict[str, Callable[[EditState, dict], EditState]] = {
    "confirm": lambda s, p: edits.confirm(s, _ref(p)),
    "unlink": lambda s, p: edits.unlink(s, _ref(p)),
    "not-translation": lambda s, p: edits.not_translation(s, _ref(p)),
    "split": lambda s, p: edits.split(s, _ref(p), _optional_int(p.get("src_at")), _optional_int(p.get("tgt_at"))),
    "link": lambda s, p: edits.link(s, _ints(p.get("src", []), "src"), _ints(p.get("tgt", []), "tgt")),
    "undo": lambda s, p: edits.undo(s),
}
"""Page actions by name: each takes the state and the request's JSON."""


@dataclass
class Workspace:
    """Everything one ``aligner edit`` serves."""

    store: ProjectStore
    src_sentences: list
    tgt_sentences: list
    realigner: Realigner
    output: Path
    export_options: Any
    """The :class:`aligner.ExportOptions` the align command would build from the same options."""
    inputs: Sequence[Path] = ()
    title: str = ""

    def state(self) -> dict:
        """What the page loads: sentences of both sides, beads, revision, bands and export formats."""
        project = self.store.project
        return {
            "title": self.title,
            "src_lang": self.realigner.texts.src_lang, "tgt_lang": self.realigner.texts.tgt_lang,
            "src": [_sentence_json(s) for s in self.src_sentences],
            "tgt": [_sentence_json(s) for s in self.tgt_sentences],
            "bands": {"good": GOOD, "check": CHECK},
            "exports": {fmt: str(self.export_path(fmt)) for fmt in EXPORT_FORMATS},
            **self._beads(project),
        }

    def _beads(self, project, **extra) -> dict:
        return {"revision": project.revision, "beads": [bead_json(b) for b in project.state.beads],
                "can_undo": bool(project.state.history), **extra}

    def revision(self) -> dict:
        return {"revision": self.store.project.revision}

    def edit(self, action: str, payload: dict, based_on: int) -> dict:
        """Apply a page action; the new beads, and ``conflict`` when the page had not seen the latest revision."""
        if action not in ACTIONS:
            raise EditError(f"unknown action {action!r}")
        outcome = self.store.update(based_on, lambda state: ACTIONS[action](state, payload))
        return self._beads(outcome.project, conflict=outcome.conflict)

    def realign(self, based_on: int) -> dict:
        """Re-align every undecided bead, pinning the confirmed, linked and rejected ones."""
        pinned = edits.anchors(self.store.project.state)
        beads = self.realigner.align(pinned)

        def apply(state: EditState) -> EditState:
            if edits.anchors(state) != pinned:
                raise EditError("the project changed during re-alignment; re-align again")
            return edits.realigned(state, beads)

        outcome = self.store.update(based_on, apply, provenance=self.realigner.provenance())
        return self._beads(outcome.project, conflict=outcome.conflict)

    def export_path(self, fmt: str) -> Path:
        return self.output if self.output.suffix.lower() == f".{fmt}" else self.output.with_suffix(f".{fmt}")

    def result(self):
        """The reviewed alignment as an :class:`aligner.AlignmentResult`: confirmed and linked pairs
        score :data:`CERTAIN`, rejected sentences are unaligned."""
        from ..align.base import Bead
        from ..result import AlignmentResult

        beads = []
        for b in self.store.project.state.beads:
            certain = b.is_pair and b.status in (edits.CONFIRMED, edits.LINKED)
            beads.append(Bead(b.src, b.tgt, CERTAIN if certain else (b.score if b.score is not None else 0.0)))
        texts = self.realigner.texts
        made = self.realigner.provenance() or self.store.project.provenance
        meta = {"reviewed": True, **({"signature": made["signature"]} if made.get("signature") else {})}
        return AlignmentResult(self.src_sentences, self.tgt_sentences, beads, texts.src_lang, texts.tgt_lang,
                               model=made.get("model", ""), meta=meta)

    def export(self, fmt: str) -> dict:
        """Write the reviewed alignment as TMX, CSV or XLSX beside the output (the align command's selection rules)."""
        from ..export import write_alignment
        from ..export.outpath import check_outputs

        if fmt not in EXPORT_FORMATS:
            raise AlignerError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
        target = self.export_path(fmt)
        check_outputs([target], list(self.inputs) + [self.store.path])
        options = self.export_options
        if fmt == "xlsx":
            options = dataclasses.replace(options, min_band=None)  # the review sheet has every bead, as with --review
        stats = write_alignment(self.result(), target, options)
        return {"path": str(target), "format": fmt, "rows": stats.rows_written, "pairs": stats.pairs_written}
