"""vecalign-style ``.beads`` export: ``[0, 1]:[0]:0.873``, one bead per line, every sentence."""
from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from ..align.base import Bead
from .base import ExportOptions, ExportStats, format_score, iter_rows

if TYPE_CHECKING:  # pragma: no cover
    from ..result import AlignmentResult


def bead_line(bead: Bead) -> str:
    """``[src indexes]:[tgt indexes]:score`` with 0-based indexes and three decimals."""
    src = ", ".join(str(i) for i in bead.src)
    tgt = ", ".join(str(j) for j in bead.tgt)
    return f"[{src}]:[{tgt}]:{format_score(bead.score)}"


class BeadsExporter:
    """Every bead in document order, 1-0/0-1 included; ``min_score`` only affects the stats."""

    name = "beads"
    suffixes: tuple[str, ...] = (".beads",)
    binary = False

    def write(self, result: "AlignmentResult", stream: TextIO, options: ExportOptions) -> ExportStats:
        """Write one line per bead of ``result`` to ``stream``."""
        stats = ExportStats(format=self.name)
        for row in iter_rows(result, options, stats, texts=False):
            stream.write(bead_line(row.bead) + "\n")
            stats.rows_written += 1
        return stats


BEADS = BeadsExporter()
