"""The small article the export tests write: six sentences a side in 1-1, 2-1, 1-0, 0-1, 1-1 and 1-2 beads."""
from __future__ import annotations

from aligner.align.base import Bead
from aligner.result import AlignmentResult
from aligner.segment.base import Sentence

SRC = [
    "Pemerintah Indonesia mengumumkan kebijakan baru pada hari Senin.",
    "Kebijakan itu mulai berlaku bulan depan.",
    "Menurut menteri, langkah ini akan mengurangi kemacetan.",
    "Catatan redaksi: artikel ini telah diperbarui.",
    "Warga Jakarta menyambut baik keputusan tersebut.",
    "Namun, sebagian pedagang khawatir kehilangan pelanggan.",
]
TGT = [
    "The Indonesian government announced a new policy on Monday.",
    "The policy takes effect next month and, according to the minister, will reduce congestion.",
    "Photo: Reuters.",
    "Jakarta residents welcomed the decision.",
    "However, some traders are worried.",
    "They fear losing customers.",
]
BEADS = [
    Bead((0,), (0,), 0.91),
    Bead((1, 2), (1,), 0.78),
    Bead((3,), (), 0.40),
    Bead((), (2,), 0.35),
    Bead((4,), (3,), 0.88),
    Bead((5,), (4, 5), 0.42),
]


def sentences(texts: list[str]) -> list[Sentence]:
    """One paragraph of sentences, offsets as if joined by single spaces."""
    out, pos = [], 0
    for i, text in enumerate(texts):
        out.append(Sentence(index=i, text=text, start=pos, end=pos + len(text), paragraph=0))
        pos += len(text) + 1
    return out


def make_result(src=SRC, tgt=TGT, beads=BEADS) -> AlignmentResult:
    return AlignmentResult(
        src_sentences=sentences(list(src)), tgt_sentences=sentences(list(tgt)), beads=list(beads), model="test-model"
    )
