"""The public Python API: ``align`` texts or files and get an ``AlignmentResult``."""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np

from .align.aligner import AlignConfig, Aligner, FirstPass, Side
from .align.pinned import Anchor, align_pinned, check_anchors
from .align.recheck import align_rechecked
from .align.refine import Encode
from .align.scoring import DocumentReference
from .embed import load_embedder
from .embed.base import Embedder, ProgressCallback
from .flags import default_flaggers, flag_sentences
from .flags.language import warn_if_same_language
from .read import read_document
from .read.markdown import map_offsets, non_prose_counts
from .result import AlignmentResult
from .segment import get_splitter, segment_lines, segment_text
from .segment.base import Sentence
from .signature import embedder_signature

log = logging.getLogger(__name__)

ModelSpec = Union[str, Embedder, None]


def split(text: str, lang: str, segmented: bool = False, other_lang: Optional[str] = None) -> list[Sentence]:
    """Split a document into sentences (or take its lines as they are when ``segmented``), flagged.

    ``other_lang``, the other document's language, is what wrong-language flags look for
    (default: the other of id/en; none for another language without it).
    """
    sentences = segment_lines(text) if segmented else segment_text(text, get_splitter(lang))
    sentences = map_offsets(text, sentences)  # Markdown: offsets into the original file
    return flag_sentences(sentences, default_flaggers(lang, other_lang))


def resolve_embedder(model: ModelSpec = None, device: Optional[str] = None) -> Embedder:
    """``model`` itself when it is a loaded ``Embedder``, else the model it names loaded (None: the bundled one)."""
    return model if model is not None and not isinstance(model, str) else load_embedder(model, device=device)


def split_pair(
    src_text: str, tgt_text: str, src_lang: str, tgt_lang: str, segmented: bool = False
) -> tuple[list[Sentence], list[Sentence]]:
    """Both documents split and flagged against each other, warning when they look like one language."""
    warn_if_same_language(src_text, tgt_text, src_lang, tgt_lang)
    return split(src_text, src_lang, segmented, tgt_lang), split(tgt_text, tgt_lang, segmented, src_lang)


def align(    src_text: str,
    tgt_text: str,
    *,
    src_lang: str = "id",
    tgt_lang: str = "en",
    segmented: bool = False,
    model: ModelSpec = None,
    device: Optional[str] = None,
    max_align: Optional[int] = None,
    config: Optional[AlignConfig] = None,
    progress: Optional[ProgressCallback] = None,
    anchors: Sequence[Anchor] = (),
) -> AlignmentResult:
    """Split, embed and align two documents; every sentence of both ends in exactly one bead.

    ``model`` is a loaded ``Embedder``, a sentence-transformers name or folder, or None for the
    bundled multilingual-e5-small. Pass a loaded embedder when aligning many documents.
    ``max_align`` (most sentences on one side of a bead, default 5) overrides ``config``'s.
    ``anchors`` are beads the result keeps unchanged (see ``aligner.align.pinned``).
    """
    embedder = resolve_embedder(model, device)
    src, tgt = split_pair(src_text, tgt_text, src_lang, tgt_lang, segmented)
    config = config or AlignConfig()
    if max_align is not None:
        config = dataclasses.replace(config, max_align=max_align)
    beads = align_sentences(src, tgt, embedder, config, progress, anchors=anchors)
    return AlignmentResult(src, tgt, beads, src_lang, tgt_lang, model=getattr(embedder, "name", ""),
                           meta={"signature": str(embedder_signature(config, embedder))})


def align_sentences(
    src: list[Sentence],
    tgt: list[Sentence],
    embedder: Embedder,
    config: AlignConfig = AlignConfig(),
    progress: Optional[ProgressCallback] = None,
    *,
    anchors: Sequence[Anchor] = (),
):
    """Embed already split sentences (both sides in one encoder pass) and align them, keeping ``anchors``.

    An embedder with an ``exact_encode`` (int8, :class:`~aligner.embed.checked.CheckedEmbedder`)
    has its close calls encoded again by it (:mod:`aligner.align.recheck`); with ``anchors``,
    that encoder does all the encoding."""
    check_anchors(anchors, len(src), len(tgt))  # before the encoder's work
    encode, exact = embedder.encode, getattr(embedder, "exact_encode", None)
    if anchors and exact is not None:  # anchored stretches have no recheck: encode them exactly
        encode, exact = exact, None
    texts = [s.text for s in src] + [s.text for s in tgt]
    emb = encode(texts, progress=progress) if texts else np.zeros((0, embedder.dim), np.float32)
    return align_embedded(src, tgt, emb[: len(src)], emb[len(src) :], config, encode=encode, anchors=anchors,
                          exact=exact)


def align_embedded(
    src: list[Sentence],
    tgt: list[Sentence],
    src_emb: np.ndarray,
    tgt_emb: np.ndarray,
    config: AlignConfig = AlignConfig(),
    encode: Optional[Encode] = None,
    *,
    anchors: Sequence[Anchor] = (),
    exact: Optional[Encode] = None,
):
    """Align split sentences whose embeddings are already computed (e.g. many documents at once).

    ``encode`` (the embedder's ``encode``) enables the second pass, which encodes the
    multi-sentence windows of uncertain stretches as text; without it only the first pass runs.
    ``anchors``: beads kept unchanged; the stretches between them align alone (``aligner.align.pinned``).
    ``exact``: the encoder the embeddings approximate (fp32 for int8); the close calls are decided
    again on its vectors (``aligner.align.recheck``; with ``encode``, without ``anchors``).
    """
    if anchors:
        return align_pinned(src, tgt, src_emb, tgt_emb, anchors, config, encode)
    sides = Side.from_sentences(src, src_emb), Side.from_sentences(tgt, tgt_emb)
    if exact is not None and encode is not None:
        return align_rechecked(*sides, config, encode, exact)
    return Aligner(config).align(*sides, encode)


def plan_embedded(
    src: list[Sentence],
    tgt: list[Sentence],
    src_emb: np.ndarray,
    tgt_emb: np.ndarray,
    config: AlignConfig = AlignConfig(),
    second_pass: bool = True,
    reference: Optional[DocumentReference] = None,
) -> FirstPass:
    """The first pass over split, embedded sentences and the window texts its second pass needs
    (``plan.finish(embedder.encode(plan.texts))``), for callers that encode many documents at once.
    ``reference``: the sentences are a stretch of a larger document, scored against its statistics."""
    return Aligner(config).plan(
        Side.from_sentences(src, src_emb), Side.from_sentences(tgt, tgt_emb), second_pass=second_pass,
        reference=reference,
    )


def align_files(
    src_path: Union[str, Path],
    tgt_path: Union[str, Path],
    *,
    encoding: Optional[str] = None,
    input_format: Optional[str] = None,
    src_encoding: Optional[str] = None,
    tgt_encoding: Optional[str] = None,
    max_input_chars: Optional[int] = None,
    **kwargs,
) -> AlignmentResult:
    """Read two documents (text, HTML, DOCX or PDF by extension, or ``input_format``) and ``align`` them.

    Text is UTF-8 unless ``encoding`` (both files) or ``src_encoding``/``tgt_encoding`` (one side)
    say otherwise (see ``aligner.read.read_document``). An input over ``max_input_chars``
    characters (default 6 million; 0: no limit) is refused before any alignment work.
    """
    src_text = read_document(src_path, input_format, src_encoding or encoding, max_input_chars)
    tgt_text = read_document(tgt_path, input_format, tgt_encoding or encoding, max_input_chars)
    result = align(src_text, tgt_text, **kwargs)
    result.meta.update(src_path=str(src_path), tgt_path=str(tgt_path),
                       src_non_prose=non_prose_counts(src_text), tgt_non_prose=non_prose_counts(tgt_text))
    return result


def similarity_matrix(result: AlignmentResult, model: ModelSpec = None, device: Optional[str] = None) -> np.ndarray:
    """Cosine similarity of every source sentence of ``result`` with every target sentence (for plots).

    ``model`` should be the embedder the alignment used (a loaded ``Embedder`` avoids loading it again).
    """
    embedder = resolve_embedder(model, device)
    src = [s.text for s in result.src_sentences]
    tgt = [t.text for t in result.tgt_sentences]
    if not src or not tgt:
        return np.zeros((len(src), len(tgt)), np.float32)
    emb = embedder.encode(src + tgt)
    return emb[: len(src)] @ emb[len(src) :].T
