"""NLTK's Punkt, imported by the CLI without the scipy and scikit-learn that ``import nltk`` pulls in."""
from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from aligner.segment.lean_nltk import import_nltk_lean
import_nltk_lean()
assert "nltk.tokenize.punkt" in sys.modules
assert "scipy" not in sys.modules and "sklearn" not in sys.modules, sorted(m for m in sys.modules if m.startswith(("scipy", "sklearn")))
from aligner.api import split
assert [s.text for s in split("Pak Budi tinggal di Jl. Merdeka. Ia guru.", "id")] == ["Pak Budi tinggal di Jl. Merdeka.", "Ia guru."]
import scipy.stats, sklearn  # still importable afterwards
print("ok")
"""


def test_punkt_comes_without_scipy_and_sklearn_and_they_still_import():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
