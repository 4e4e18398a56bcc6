"""The alignment result: sentences of both sides plus beads, viewable as a DataFrame."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pandas as pd

from .align.base import Bead
from .bands import band
from .segment.base import Sentence

FRAME_COLUMNS = [
    "src_text",
    "tgt_text",
    "score",
    "bead",
    "src_idx",
    "tgt_idx",
    "src_par",
    "tgt_par",
    "src_start",
    "src_end",
    "tgt_start",
    "tgt_end",
    "src_flags",
    "tgt_flags",
    "band",
]


@dataclass
class AlignmentResult:
    """Everything an alignment produced; ``beads`` cover every sentence of both sides exactly once."""

    src_sentences: list[Sentence]
    tgt_sentences: list[Sentence]
    beads: list[Bead]
    src_lang: str = "id"
    tgt_lang: str = "en"
    model: str = ""
    meta: dict = field(default_factory=dict)

    def src_text(self, bead: Bead) -> str:
        """Source side of a bead: its sentences joined by one space."""
        return " ".join(self.src_sentences[i].text for i in bead.src)

    def tgt_text(self, bead: Bead) -> str:
        """Target side of a bead: its sentences joined by one space."""
        return " ".join(self.tgt_sentences[j].text for j in bead.tgt)

    @property
    def pairs(self) -> list[Bead]:
        """Beads with sentences on both sides."""
        return [b for b in self.beads if b.is_pair]

    @property
    def unaligned_src(self) -> list[int]:
        """Source sentence indexes left without a counterpart."""
        return [i for b in self.beads if not b.tgt for i in b.src]

    @property
    def unaligned_tgt(self) -> list[int]:
        """Target sentence indexes left without a counterpart."""
        return [j for b in self.beads if not b.src for j in b.tgt]

    def mean_score(self) -> Optional[float]:
        """Mean confidence over the aligned pairs, or None when there are none."""
        pairs = self.pairs
        return sum(b.score for b in pairs) / len(pairs) if pairs else None

    def to_frame(self) -> pd.DataFrame:
        """One row per bead, unaligned sentences included, in document order.

        Index columns hold lists of sentence indexes (empty on the missing side); paragraph and
        offset columns describe the bead's span on each side (``<NA>`` when that side is empty);
        ``band`` is ``good``/``check``/``bad`` from the score (``aligner.bands``).
        """
        rows = []
        for b in self.beads:
            src = [self.src_sentences[i] for i in b.src]
            tgt = [self.tgt_sentences[j] for j in b.tgt]
            rows.append(
                {
                    "src_text": " ".join(s.text for s in src),
                    "tgt_text": " ".join(s.text for s in tgt),
                    "score": b.score,
                    "bead": b.kind,
                    "src_idx": list(b.src),
                    "tgt_idx": list(b.tgt),
                    "src_par": src[0].paragraph if src else None,
                    "tgt_par": tgt[0].paragraph if tgt else None,
                    "src_start": src[0].start if src else None,
                    "src_end": src[-1].end if src else None,
                    "tgt_start": tgt[0].start if tgt else None,
                    "tgt_end": tgt[-1].end if tgt else None,
                    "src_flags": ",".join(sorted(set().union(*(s.flags for s in src)))) if src else "",
                    "tgt_flags": ",".join(sorted(set().union(*(t.flags for t in tgt)))) if tgt else "",
                    "band": band(b.score),
                }
            )
        frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
        for col in FRAME_COLUMNS[6:12]:
            frame[col] = frame[col].astype("Int64")
        frame["score"] = frame["score"].astype(float)
        return frame
