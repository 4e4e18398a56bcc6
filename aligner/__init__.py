"""aligner: Indonesian–English sentence alignment with multilingual embeddings.

    >>> import aligner
    >>> result = aligner.align(id_text, en_text)      # AlignmentResult
    >>> result.to_frame()                             # one row per bead, unaligned sentences included
    >>> aligner.write_alignment(result, "out.tmx")    # .tmx, .csv, .tsv or .beads
"""
from __future__ import annotations

from ._version import __version__  # noqa: E402

from .api import align, align_files, align_sentences, similarity_matrix, split  # noqa: E402
from .align.aligner import AlignConfig  # noqa: E402
from .embed import load_embedder  # noqa: E402
from .errors import AlignerError  # noqa: E402
from .export import ExportOptions, write_alignment  # noqa: E402
from .export.tmx_read import read_tmx  # noqa: E402
from .bands import band  # noqa: E402
from .read import read_document, read_text  # noqa: E402
from .result import AlignmentResult  # noqa: E402
from .session import Anchor, AlignmentSession  # noqa: E402

__all__ = [
    "AlignConfig",
    "AlignerError",
    "AlignmentResult",
    "AlignmentSession",
    "Anchor",
    "ExportOptions",
    "__version__",
    "align",
    "align_files",
    "align_sentences",
    "band",
    "load_embedder",
    "read_document",
    "read_text",
    "read_tmx",
    "similarity_matrix",
    "split",
    "write_alignment",
]
