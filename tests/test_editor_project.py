"""The editor's project file (atomic, resumable, hash-checked, revisions) and ``--from`` importers."""
from __future__ import annotations

import json
import os

import pytest

from aligner import ExportOptions, write_alignment
from aligner.embed.hashing import HashingEmbedder
from aligner.editor import edits
from aligner.editor.edits import CONFIRMED, LINKED, REJECTED, BeadRef, EditBead
from aligner.editor.importers import ImportReport, import_previous, place, read_rows, Row
from aligner.editor.open import EditorInputs, open_workspace
from aligner.editor.project import (Identity, Project, ProjectError, ProjectStore, open_project, project_path,
                                    read_project, text_sha256, write_project)

IDENT = Identity(text_sha256("a"), text_sha256("b"), 3, 3, {"src_lang": "id", "tgt_lang": "en", "segmented": False})


def three() -> edits.EditState:
    return edits.new_state(3, 3, [EditBead((i,), (i,), 0.5 + i / 10) for i in range(3)])


def new() -> Project:
    return Project(IDENT, three())


def test_project_round_trips_with_history(tmp_path):
    state = edits.link(edits.confirm(three(), BeadRef((0,), (0,))), [1, 2], [1])
    path = tmp_path / "out.align.json"
    write_project(path, Project(IDENT, state, 7))
    back = read_project(path)
    assert back.identity == IDENT and back.revision == 7
    assert back.state.beads == state.beads
    assert edits.undo(edits.undo(back.state)).beads == three().beads
    assert [p.name for p in tmp_path.iterdir()] == ["out.align.json"]  # no temporary file left


def test_project_path_is_beside_the_output(tmp_path):
    assert project_path(tmp_path / "corpus.tmx") == tmp_path / "corpus.align.json"


def test_reopening_resumes_and_other_texts_are_refused_with_a_way_out(tmp_path):
    path = tmp_path / "p.align.json"
    made = []
    project, resumed = open_project(path, IDENT, lambda: made.append(1) or Project(IDENT, three()))
    assert not resumed and made == [1]
    store = ProjectStore(path, project)
    store.update(0, lambda s: edits.confirm(s, BeadRef((1,), (1,))))
    again, resumed = open_project(path, IDENT, lambda: pytest.fail("must not re-align a resumed project"))
    assert resumed and again.revision == 1 and again.state.beads[1].status == CONFIRMED
    other = Identity(text_sha256("a changed"), IDENT.tgt_sha256, 3, 3, IDENT.settings)
    with pytest.raises(ProjectError, match=r"source text changed; rerun with --fresh") as info:
        open_project(path, other, new)
    assert "\n" not in str(info.value)
    with pytest.raises(ProjectError, match="other settings \\(segmented\\)"):
        open_project(path, Identity(IDENT.src_sha256, IDENT.tgt_sha256, 3, 3, {**IDENT.settings, "segmented": True}), new)
    fresh, resumed = open_project(path, other, new, fresh=True)
    assert not resumed and fresh.revision == 0
    assert read_project(path.with_name("p.align.json.bak")).revision == 1  # the old project is kept


def test_damaged_project_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "p.align.json"
    path.write_text('{"format": "aligner-edit", "version": 1, "beads": [[[0], [0], 0.5, "auto"]]}', encoding="utf-8")
    with pytest.raises(ProjectError, match="damaged project file"):
        read_project(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ProjectError, match="cannot read the project file"):
        open_project(path, IDENT, new)


def test_concurrent_writers_last_write_wins_and_the_stale_one_is_told(tmp_path):
    path = tmp_path / "p.align.json"
    project, _ = open_project(path, IDENT, new)
    tab_a, tab_b = ProjectStore(path, project), ProjectStore(path, project)  # e.g. two servers on one file
    first = tab_a.update(0, lambda s: edits.confirm(s, BeadRef((0,), (0,))))
    assert not first.conflict and first.project.revision == 1
    second = tab_b.update(0, lambda s: edits.confirm(s, BeadRef((2,), (2,))))  # based on revision 0
    assert second.conflict and second.project.revision == 2
    statuses = [b.status for b in read_project(path).state.beads]
    assert statuses == [CONFIRMED, "auto", CONFIRMED]  # tab A's edit was not lost: B applied on top of it
    assert tab_a.project.revision == 2  # A sees B's write
    with pytest.raises(edits.EditError):
        tab_a.update(2, lambda s: edits.confirm(s, BeadRef((0, 1), (0,))))
    assert read_project(path).revision == 2  # a failed edit writes nothing


def test_a_write_killed_midway_leaves_the_previous_project(tmp_path, monkeypatch):
    path = tmp_path / "p.align.json"
    project, _ = open_project(path, IDENT, new)
    store = ProjectStore(path, project)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", boom)
    with pytest.raises(OSError):
        store.update(0, lambda s: edits.confirm(s, BeadRef((0,), (0,))))
    monkeypatch.undo()
    assert read_project(path).revision == 0
    assert sorted(os.listdir(tmp_path)) == ["p.align.json"]


# --- --from: previous alignments back to beads --------------------------------------------------------------

@pytest.fixture(scope="module")
def aligned(sample_paths, tmp_path_factory):
    """The sample aligned with the hashing embedder, written as CSV, TMX and review XLSX."""
    from aligner.api import align

    src, tgt = (p.read_text(encoding="utf-8") for p in sample_paths)
    result = align(src, tgt, model=HashingEmbedder())
    folder = tmp_path_factory.mktemp("prev")
    for suffix in (".csv", ".tmx", ".xlsx"):
        write_alignment(result, folder / f"prev{suffix}", ExportOptions())
    return result, folder


def test_csv_maps_back_to_the_same_beads(aligned):
    result, folder = aligned
    state, report = import_previous(folder / "prev.csv", result.src_sentences, result.tgt_sentences)
    assert [(b.src, b.tgt) for b in state.beads] == [(b.src, b.tgt) for b in edits.normalise(
        len(result.src_sentences), len(result.tgt_sentences), [EditBead(b.src, b.tgt) for b in result.beads])]
    assert [b.score for b in state.beads if b.is_pair] == [round(b.score, 3) for b in result.beads if b.is_pair]
    assert report.rows == len(result.beads) and report.placed == report.rows and report.not_placed == 0
    assert {b.status for b in state.beads} == {"auto"}


@pytest.mark.parametrize("foreign", [False, True], ids=["ours", "another-tools"])
def test_tmx_maps_pairs_back_by_indexes_or_text(aligned, tmp_path, foreign):
    from lxml import etree

    result, folder = aligned
    path = folder / "prev.tmx"
    if foreign:  # no x-aligner props: found by text alone
        tree = etree.parse(str(path))
        for prop in tree.iter("prop"):
            prop.getparent().remove(prop)
        path = tmp_path / "foreign.tmx"
        tree.write(str(path), encoding="utf-8", xml_declaration=True)
        assert b"x-aligner-src-idx" not in path.read_bytes()
    state, report = import_previous(path, result.src_sentences, result.tgt_sentences)
    written = {(b.src, b.tgt) for b in result.beads if b.is_pair}
    placed = {(b.src, b.tgt) for b in state.beads if b.is_pair}
    assert report.placed == report.rows > 10
    assert placed <= written and len(placed) == report.rows  # every TU found on its own sentences


def test_review_sheet_keep_column_becomes_decisions(aligned, tmp_path):
    from openpyxl import load_workbook

    result, folder = aligned
    book = load_workbook(folder / "prev.xlsx")
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in ("keep", "src_idx", "tgt_idx", "src_text")}
    pairs = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, col["src_idx"]).value and sheet.cell(r, col["tgt_idx"]).value]
    yes_row, no_row, edited_row = pairs[0], pairs[1], pairs[2]
    sheet.cell(yes_row, col["keep"]).value = "yes"
    sheet.cell(no_row, col["keep"]).value = "no"
    sheet.cell(edited_row, col["src_text"]).value = "a text the reviewer rewrote"
    for r in range(2, sheet.max_row + 1):
        if r not in (yes_row, no_row):
            sheet.cell(r, col["keep"]).value = ""
    book.save(tmp_path / "reviewed.xlsx")
    state, report = import_previous(tmp_path / "reviewed.xlsx", result.src_sentences, result.tgt_sentences)
    idx = lambda r, name: tuple(int(v) for v in str(sheet.cell(r, col[name]).value).split())
    by = {(b.src, b.tgt): b.status for b in state.beads}
    assert by[(idx(yes_row, "src_idx"), idx(yes_row, "tgt_idx"))] == CONFIRMED
    assert all(by[((i,), ())] == REJECTED for i in idx(no_row, "src_idx"))
    assert all(by[((), (j,))] == REJECTED for j in idx(no_row, "tgt_idx"))
    assert (idx(edited_row, "src_idx"), idx(edited_row, "tgt_idx")) not in by  # its text no longer matches
    assert (report.confirmed, report.rejected, report.not_placed) == (1, 1, 1)


def test_rows_that_cross_or_overlap_are_left_out_and_counted(aligned):
    result, _ = aligned
    s0, s1 = result.src_sentences[5].text, result.src_sentences[6].text
    t0, t1 = result.tgt_sentences[7].text, result.tgt_sentences[8].text
    report = ImportReport()
    state = place([Row(s1, t0), Row(s0, t1), Row(s1, t1)], result.src_sentences, result.tgt_sentences, report)
    assert (report.placed, report.not_placed) == (1, 2)
    assert ((6,), (7,)) in {(b.src, b.tgt) for b in state.beads}


def test_from_refuses_other_files(tmp_path):
    (tmp_path / "x.txt").write_text("hi", encoding="utf-8")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(Exception, match="--from takes"):
        read_rows(tmp_path / "x.txt")
    with pytest.raises(Exception, match="no src_idx/tgt_idx"):
        read_rows(tmp_path / "x.csv")


def test_open_workspace_from_previous_needs_no_model(aligned, sample_paths, tmp_path):
    result, folder = aligned
    src, tgt = sample_paths
    inputs = EditorInputs(src, tgt, tmp_path / "out.tmx", src.read_text(encoding="utf-8"), tgt.read_text(encoding="utf-8"),
                          previous=folder / "prev.csv", model=str(tmp_path / "no-such-model"))  # loading it would fail
    workspace, opened = open_workspace(inputs, ExportOptions())
    assert "placed on the sentences" in opened and (tmp_path / "out.align.json").is_file()
    state = workspace.state()
    assert len(state["src"]) == len(result.src_sentences) and state["revision"] == 0
    with pytest.raises(Exception, match="resume it without --from"):
        open_workspace(inputs, ExportOptions())


def test_resuming_needs_neither_splitting_nor_the_model(aligned, sample_paths, tmp_path, monkeypatch):
    from aligner.editor.realign import Texts

    result, folder = aligned
    src, tgt = sample_paths
    inputs = EditorInputs(src, tgt, tmp_path / "out.tmx", src.read_text(encoding="utf-8"), tgt.read_text(encoding="utf-8"),
                          previous=folder / "prev.csv", model=str(tmp_path / "no-such-model"))
    first, _ = open_workspace(inputs, ExportOptions())
    monkeypatch.setattr(Texts, "split", lambda self: pytest.fail("a resumed project must not split the texts again"))
    inputs.previous = None
    again, opened = open_workspace(inputs, ExportOptions())
    assert opened.startswith("resumed") and again.src_sentences == first.src_sentences == result.src_sentences
    assert again.tgt_sentences == result.tgt_sentences


def test_the_review_loop_joins_up_editor_xlsx_back_to_the_editor(aligned, sample_paths, tmp_path):
    result, folder = aligned
    src, tgt = sample_paths
    inputs = EditorInputs(src, tgt, tmp_path / "out.tmx", src.read_text(encoding="utf-8"), tgt.read_text(encoding="utf-8"),
                          previous=folder / "prev.csv", model=HashingEmbedder())
    workspace, _ = open_workspace(inputs, ExportOptions())
    pairs = [b for b in workspace.store.project.state.beads if b.is_pair]
    kept, dropped = pairs[0], pairs[1]
    workspace.edit("confirm", {"bead": {"src": list(kept.src), "tgt": list(kept.tgt)}}, 0)
    workspace.edit("not-translation", {"bead": {"src": list(dropped.src), "tgt": list(dropped.tgt)}}, 1)
    assert workspace.export("xlsx")["path"] == str(tmp_path / "out.xlsx")
    state, report = import_previous(tmp_path / "out.xlsx", result.src_sentences, result.tgt_sentences)
    by = {(b.src, b.tgt): b.status for b in state.beads}
    assert by[(kept.src, kept.tgt)] == CONFIRMED
    assert [by[((i,), ())] for i in dropped.src] + [by[((), (j,))] for j in dropped.tgt] == [REJECTED] * (len(dropped.src) + len(dropped.tgt))
    assert report.not_placed == 0


def test_a_resumed_project_exports_the_model_and_signature_of_its_alignment(sample_paths, tmp_path):
    src, tgt = sample_paths
    inputs = EditorInputs(src, tgt, tmp_path / "out.tmx", src.read_text(encoding="utf-8"), tgt.read_text(encoding="utf-8"),
                          model=HashingEmbedder())
    first, _ = open_workspace(inputs, ExportOptions())
    saved = json.loads((tmp_path / "out.align.json").read_text(encoding="utf-8"))["provenance"]
    assert saved["model"] == "hashing-trigrams" and "hashing-trigrams" in saved["signature"]
    inputs.model = str(tmp_path / "no-such-model")  # resuming must not load it, and the export still names the aligner's
    again, opened = open_workspace(inputs, ExportOptions())
    assert opened.startswith("resumed")
    again.export("tmx")
    header = (tmp_path / "out.tmx").read_text(encoding="utf-8").split("<body>")[0]
    assert '<prop type="x-aligner-model">hashing-trigrams</prop>' in header
    assert f'<prop type="x-aligner-signature">{saved["signature"]}</prop>' in header


def test_an_export_never_replaces_the_alignment_it_started_from(aligned, sample_paths, tmp_path):
    _result, folder = aligned
    src, tgt = sample_paths
    previous = tmp_path / "prev.csv"
    previous.write_bytes((folder / "prev.csv").read_bytes())
    before = previous.read_bytes()
    inputs = EditorInputs(src, tgt, tmp_path / "prev.tmx", src.read_text(encoding="utf-8"), tgt.read_text(encoding="utf-8"),
                          previous=previous, model=HashingEmbedder())
    workspace, _ = open_workspace(inputs, ExportOptions())
    with pytest.raises(Exception, match="it is the input"):
        workspace.export("csv")  # prev.tmx -> prev.csv is the --from file
    assert previous.read_bytes() == before
