"""TMX quality on real, partly translated documentation pages (``po_pages.py``), before vs after the TM selection.

Aligns every page pair once with the default model and writes two TMX files per page: "before"
(every pair, as a TMX was written before the selection policy: all ``keep_*`` options on) and
"after" (the defaults). Each ``<tu>`` is read back and judged against the PO pairing: correct when
all its sentences come from one paragraph pair and that entry is a real translation; untranslated
when its Indonesian side comes from an untranslated or fuzzy entry (English shown on the
Indonesian page); copied when the entry's msgstr is its msgid. Recall: share of translated
paragraphs with at least one correct unit (and share of their Indonesian sentences in correct units).

    python benchmarks/po_pages.py GIT_DIR -o /tmp/po_pages
    flock /tmp/aligner-cpu.lock python benchmarks/po_pages_eval.py /tmp/po_pages [--bench ../shared/bench]

``--bench`` also shows how many gold pairs of each ``../shared/bench`` set (real translations) the
policy would keep out, and the most similar real translations (what the near-copy ratio must spare).
"""
from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from po_pages import COPIED, FUZZY, TRANSLATED, UNTRANSLATED, read_gold

KEEP_ALL = dict(keep_identical=True, keep_copies=True, keep_wrong_language=True, keep_boilerplate=True)


@dataclass
class Tally:
    """Unit and paragraph counts of one TMX variant over the whole set."""

    units: int = 0
    correct: int = 0
    untranslated: int = 0
    copied: int = 0
    wrong: int = 0
    found: int = 0
    translated_paragraphs: int = 0
    covered_sentences: int = 0
    translated_sentences: int = 0
    pages_affected: int = 0
    pages: int = 0
    excluded: dict = field(default_factory=dict)

    def row(self, name: str) -> str:
        bad = self.untranslated + self.copied
        return (f"| {name} | {self.units} | {self.correct / max(self.units, 1):.4f} | {self.untranslated} | {self.copied}"
                f" | {self.wrong} | {self.found / max(self.translated_paragraphs, 1):.4f}"
                f" | {self.covered_sentences / max(self.translated_sentences, 1):.4f}"
                f" | {self.pages_affected}/{self.pages} | {bad / max(self.units, 1):.1%} |")


def align_pages(built: Path, cache: Optional[Path]) -> dict:
    """page name → AlignmentResult (cached in ``cache`` when given: the alignment is the slow part)."""
    if cache is not None and cache.is_file():
        return pickle.loads(cache.read_bytes())
    import aligner

    model = aligner.load_embedder()
    results = {}
    started = time.perf_counter()
    for src in sorted((built / "pages").glob("*.id.txt")):
        name = src.name[: -len(".id.txt")]
        results[name] = aligner.align_files(src, src.with_name(f"{name}.en.txt"), model=model)
    print(f"aligned {len(results)} pages in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    if cache is not None:
        cache.write_bytes(pickle.dumps(results))
    return results


def judge(results: dict, gold: dict, options) -> Tally:
    """Write each page's TMX with ``options``, read it back and count against the gold pairing.

    A ``<tu>`` that merged duplicate pairs (``x-aligner-count``) is one unit, judged by its first
    bead; the paragraphs of all the beads it stands for count as found.
    """
    import aligner
    from aligner.export import write_alignment
    from aligner.export.base import ALIGNED, ExportStats, iter_rows

    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        for name, result in sorted(results.items()):
            kinds = [row["kind"] for row in gold[name]]
            path = Path(tmp) / f"{name}.tmx"
            stats = write_alignment(result, path, options)
            for reason, n in stats.excluded().items():
                tally.excluded[reason] = tally.excluded.get(reason, 0) + n
            beads_of: dict[tuple[str, str], list] = {}
            for row in iter_rows(result, options, ExportStats()):
                if row.status == ALIGNED:
                    beads_of.setdefault((row.src_text, row.tgt_text), []).append(row.bead)
            frame = aligner.read_tmx(path)
            found: set[int] = set()
            covered: set[int] = set()
            bad_page = False
            for src_text, tgt_text in zip(frame["src_text"], frame["tgt_text"]):
                tally.units += 1
                verdicts = [_verdict(result, kinds, bead) for bead in beads_of[(src_text, tgt_text)]]
                first = verdicts[0][0]
                if first == "correct":
                    tally.correct += 1
                elif first == UNTRANSLATED:
                    tally.untranslated += 1
                elif first == COPIED:
                    tally.copied += 1
                else:
                    tally.wrong += 1
                bad_page |= first in (UNTRANSLATED, COPIED)
                for verdict, bead in verdicts:
                    if verdict == "correct":
                        found |= {result.src_sentences[i].paragraph for i in bead.src}
                        covered |= set(bead.src)
            translated = {p for p, k in enumerate(kinds) if k == TRANSLATED}
            tally.translated_paragraphs += len(translated)
            tally.found += len(found & translated)
            tally.translated_sentences += sum(1 for x in result.src_sentences if x.paragraph in translated)
            tally.covered_sentences += len(covered)
            tally.pages += 1
            tally.pages_affected += bad_page
    return tally


def _verdict(result, kinds: list[str], bead) -> tuple[str, object]:
    """``correct``, ``untranslated`` (English on the Indonesian side), ``copied`` or ``wrong`` for one bead."""
    src_pars = {result.src_sentences[i].paragraph for i in bead.src}
    tgt_pars = {result.tgt_sentences[j].paragraph for j in bead.tgt}
    src_kinds = {kinds[p] for p in src_pars}
    if src_kinds & {UNTRANSLATED, FUZZY}:
        return UNTRANSLATED, bead
    if COPIED in src_kinds:
        return COPIED, bead
    if len(src_pars) == 1 and src_pars == tgt_pars and kinds[next(iter(src_pars))] == TRANSLATED:
        return "correct", bead
    return "wrong", bead


def similarity_report(gold: dict) -> None:
    """The most similar real translations (gold ``translated`` pairs) and how many the policy calls copies."""
    from rapidfuzz.fuzz import ratio

    from aligner.export.selection import NEAR_COPY_RATIO, is_near_copy, normalise_for_copy

    pairs = {(r["id"], r["en"]) for rows in gold.values() for r in rows if r["kind"] == TRANSLATED}
    scored = sorted(((ratio(normalise_for_copy(a), normalise_for_copy(b)) / 100, a, b) for a, b in pairs), reverse=True)
    caught = sum(is_near_copy(a, b) for a, b in pairs)
    print(f"\nreal translations of the dev set: {len(pairs)} distinct pairs, {caught} taken for near-copies "
          f"(equal after normalising, ratio >= {NEAR_COPY_RATIO}, or one side part of the other); most similar:")
    for r, a, b in scored[:5]:
        print(f"  {r:.3f}  {a[:60]!r} / {b[:60]!r}")


def bench_report(bench: Path) -> None:
    """Gold pairs of each ../shared/bench set that the selection policy would keep out, by reason."""
    from aligner.align.base import Bead
    from aligner.evaluate import read_beads
    from aligner.export import ExportOptions
    from aligner.export.base import ExportStats, iter_rows
    from aligner.flags import default_flaggers, flag_sentences
    from aligner.result import AlignmentResult
    from aligner.segment import segment_lines

    print("\n| bench set | gold pairs | kept out | by reason |\n|---|---|---|---|")
    for dataset in sorted(p for p in bench.iterdir() if p.is_dir()):
        docs = sorted(p for p in dataset.glob("*/*") if (p / "gold.txt").is_file()) or \
            sorted(p for p in dataset.glob("*") if (p / "gold.txt").is_file())
        if not docs:
            continue
        lang_src, lang_tgt = (dataset.name.split("-") + ["", ""])[:2]
        stats = ExportStats()
        for doc in docs:
            src = flag_sentences(segment_lines(doc.joinpath("src.txt").read_text(encoding="utf-8")), default_flaggers(lang_src))
            tgt = flag_sentences(segment_lines(doc.joinpath("tgt.txt").read_text(encoding="utf-8")), default_flaggers(lang_tgt))
            beads = [Bead(s, t, 0.95) for s, t in read_beads(doc / "gold.txt") if s and t]
            for _ in iter_rows(AlignmentResult(src, tgt, beads), ExportOptions(), stats):
                pass
        total = stats.pairs_written + sum(stats.excluded().values()) + stats.empty_skipped
        reasons = ", ".join(f"{k} {v}" for k, v in stats.excluded().items()) or "-"
        print(f"| {dataset.name} | {total} | {sum(stats.excluded().values())} | {reasons} |")


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("built", type=Path, help="output folder of po_pages.py")
    parser.add_argument("--cache", type=Path, help="pickle of the alignments (reused when present)")
    parser.add_argument("--bench", type=Path, help="also report on ../shared/bench gold pairs")
    args = parser.parse_args(argv)
    from aligner.export import ExportOptions

    gold = read_gold(args.built)
    results = align_pages(args.built, args.cache)
    before = judge(results, gold, ExportOptions(**KEEP_ALL))
    after = judge(results, gold, ExportOptions())
    print("| TMX | units | unit precision | untranslated units | copied units | misaligned units | paragraph recall"
          " | sentence coverage | pages with untranslated/copied units | units untranslated/copied |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(before.row("before (every pair: --keep-*)"))
    print(after.row("after (default selection)"))
    print("kept out by the policy:", ", ".join(f"{k} {v}" for k, v in sorted(after.excluded.items())) or "none")
    similarity_report(gold)
    if args.bench:
        bench_report(args.bench)


if __name__ == "__main__":
    main()
