"""The package version, in one place: read by ``pyproject.toml`` (setuptools dynamic version) and by
every module that records it, without importing the whole package (no ``aligner`` ↔ ``aligner.export`` cycle)."""

__version__ = "0.1.0"
