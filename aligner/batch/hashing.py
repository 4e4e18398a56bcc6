"""Re-export: the hashing test embedder lives in :mod:`aligner.embed.hashing`."""
from aligner.embed.hashing import HashingEmbedder

__all__ = ["HashingEmbedder"]
