"""Import structure: no cycles between a package's base module and its implementations."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    """Modules a file imports, relative imports resolved within ``aligner``, function-level ones included."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_flag_base_imports_no_flagger() -> None:
    assert not {"aligner.flags.language", "aligner.flags.boilerplate"} & _imports(ROOT / "aligner/flags/base.py")


def test_version_is_read_without_the_package() -> None:
    for path in (ROOT / "aligner").rglob("*.py"):
        if path.name != "__init__.py" or path.parent.name != "aligner":
            assert "aligner.__version__" not in _imports(path), path  # from .._version import __version__

