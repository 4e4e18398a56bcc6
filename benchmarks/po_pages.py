"""Build Indonesian/English documentation page pairs, with their gold pairing, from a PO translation.

The development set of the TM selection policy (``po_pages_eval.py``): real human Indonesian
translations of software documentation, laid out the way a Sphinx/Weblate site shows them. Each
page is one source file's entries in file order (large files cut into pages of ``--page-size``
paragraphs), one paragraph per line; the Indonesian page shows ``msgstr`` where the entry is
translated and the English ``msgid`` where it is untranslated or fuzzy, as the site does.

Source used for the numbers in the README and the closing note (not committed: fetched data):
repository ``phpmyadmin/localized_docs``, file ``po/id.po`` at commit
``eb0f41c7ab74277f07b15ebae30e5610d43b2a83`` (2025-03-24; 1,147 translated, 155 fuzzy, 1,421
untranslated entries). Licence: the phpMyAdmin documentation, GPL-2.0-or-later.

    python benchmarks/po_pages.py GIT_DIR --commit COMMIT -o /tmp/po_pages
    python benchmarks/po_pages.py --po file.po -o /tmp/po_pages     # a PO file on disk

Output: ``pages/NAME.id.txt`` + ``pages/NAME.en.txt`` per page, ``gold.csv`` (page, paragraph,
kind = translated / copied / untranslated / fuzzy, id, en) and ``source.json``.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

DEFAULT_COMMIT = "eb0f41c7ab74277f07b15ebae30e5610d43b2a83"
DEFAULT_PO = "po/id.po"

TRANSLATED, COPIED, UNTRANSLATED, FUZZY = "translated", "copied", "untranslated", "fuzzy"
GOLD_COLUMNS = ("page", "paragraph", "kind", "id", "en")

# reStructuredText inline markup as the rendered page shows it.
_ROLE_WITH_TARGET = re.compile(r":[\w:.-]+:`([^`<]*?)\s*<[^`>]*>`")
_ROLE = re.compile(r":[\w:.-]+:`([^`]*)`")
_LINK = re.compile(r"`([^`<]*?)\s*<[^`>]*>`__?")
_LITERAL = re.compile(r"``(.+?)``")
_EMPHASIS = re.compile(r"(\*\*|\*)(\S(?:.*?\S)?)\1")
_TRAILING_REF = re.compile(r"`([^`]+)`_")


def render(text: str) -> str:
    """One paragraph as the site shows it: reST roles, links and literals reduced to their text, one line."""
    text = _ROLE_WITH_TARGET.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _ROLE.sub(r"\1", text)
    text = _LITERAL.sub(r"\1", text)
    text = _TRAILING_REF.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("\\_", "_").replace("\\*", "*")
    return " ".join(text.split())


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a page pair: what each page shows and what kind of entry it comes from."""

    kind: str
    id: str
    en: str


def entry_kind(entry) -> str:
    """``fuzzy``, ``untranslated``, ``copied`` (the page shows msgid's text: the same rendered
    text up to letter case and spacing, as ``String`` for ``string``) or ``translated``."""
    if "fuzzy" in entry.flags:
        return FUZZY
    if not entry.msgstr.strip():
        return UNTRANSLATED
    if render(entry.msgstr).casefold() == render(entry.msgid).casefold():
        return COPIED
    return TRANSLATED


def paragraphs_by_file(po) -> dict[str, list[Paragraph]]:
    """Every occurrence of every entry, per source file in line order (an entry used twice shows twice)."""
    placed: dict[str, list[tuple[int, int, Paragraph]]] = defaultdict(list)
    for n, entry in enumerate(e for e in po if not e.obsolete and e.msgid):
        kind = entry_kind(entry)
        en = render(entry.msgid)
        shown = render(entry.msgstr) if kind in (TRANSLATED, COPIED) else en
        if not en or not shown:
            continue
        for path, line in entry.occurrences or [("unknown", "0")]:
            placed[path].append((int(line) if str(line).isdigit() else 0, n, Paragraph(kind, shown, en)))
    return {path: [p for _, _, p in sorted(items, key=lambda t: (t[0], t[1]))] for path, items in placed.items()}


def pages(po, page_size: int = 40, max_pages_per_file: Optional[int] = 3) -> Iterable[tuple[str, list[Paragraph]]]:
    """``(name, paragraphs)`` per page: each source file cut into pages of at most ``page_size`` paragraphs."""
    for path, paras in sorted(paragraphs_by_file(po).items()):
        stem = re.sub(r"[^\w-]+", "-", Path(path).stem).strip("-") or "page"
        chunks = [paras[k : k + page_size] for k in range(0, len(paras), page_size)]
        for k, chunk in enumerate(chunks[:max_pages_per_file] if max_pages_per_file else chunks):
            yield (stem if len(chunks) == 1 else f"{stem}-{k + 1:02d}"), chunk


def load_po(po_text: str):
    """Parse PO text with polib."""
    import polib

    return polib.pofile(po_text)


def git_show(git_dir: Path, commit: str, path: str) -> str:
    """``git show COMMIT:PATH`` of a bare repository, decoded as UTF-8."""
    return subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout.decode("utf-8")


def build(po_text: str, outdir: Path, page_size: int = 40, max_pages_per_file: Optional[int] = 3,
          source: Optional[dict] = None) -> dict:
    """Write the page pairs, ``gold.csv`` and ``source.json`` under ``outdir``; returns the counts."""
    po = load_po(po_text)
    page_dir = outdir / "pages"
    page_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = defaultdict(int)
    with open(outdir / "gold.csv", "w", encoding="utf-8", newline="") as fh:
        gold = csv.writer(fh)
        gold.writerow(GOLD_COLUMNS)
        for name, paras in pages(po, page_size, max_pages_per_file):
            (page_dir / f"{name}.id.txt").write_text("".join(p.id + "\n" for p in paras), encoding="utf-8")
            (page_dir / f"{name}.en.txt").write_text("".join(p.en + "\n" for p in paras), encoding="utf-8")
            for k, p in enumerate(paras):
                gold.writerow([name, k, p.kind, p.id, p.en])
                counts[p.kind] += 1
            counts["pages"] += 1
    summary = {"source": source or {}, "page_size": page_size, "max_pages_per_file": max_pages_per_file,
               "counts": dict(counts)}
    (outdir / "source.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def read_gold(outdir: Path) -> dict[str, list[dict]]:
    """``gold.csv`` of a built set: page name → its paragraphs' rows in order."""
    rows: dict[str, list[dict]] = defaultdict(list)
    with open(outdir / "gold.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows[row["page"]].append(row)
    return dict(rows)


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("git_dir", nargs="?", type=Path, help="bare git dir of the fetched repository")
    parser.add_argument("--commit", default=DEFAULT_COMMIT)
    parser.add_argument("--path", default=DEFAULT_PO, help="PO file inside the repository")
    parser.add_argument("--po", type=Path, help="a PO file on disk instead of a repository")
    parser.add_argument("-o", "--outdir", type=Path, required=True)
    parser.add_argument("--page-size", type=int, default=40)
    parser.add_argument("--max-pages-per-file", type=int, default=3, help="0: all")
    args = parser.parse_args(argv)
    if args.po:
        text, source = args.po.read_text(encoding="utf-8"), {"po": str(args.po)}
    elif args.git_dir:
        text = git_show(args.git_dir, args.commit, args.path)
        source = {"repository": "phpmyadmin/localized_docs", "git_dir": str(args.git_dir), "commit": args.commit,
                  "path": args.path}
    else:
        parser.error("give the repository's git dir or --po FILE")
    summary = build(text, args.outdir, args.page_size, args.max_pages_per_file or None, source)
    print(json.dumps(summary["counts"]))


if __name__ == "__main__":
    main()
