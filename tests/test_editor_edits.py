"""The editor's actions: pure functions over beads; every sentence stays in exactly one bead."""
from __future__ import annotations

import itertools

import pytest

from aligner.editor import edits
from aligner.editor.edits import AUTO, CONFIRMED, LINKED, REJECTED, BeadRef, EditBead, EditError


def state():
    # src 0..4, tgt 0..4: (0)-(0), (1,2)-(1), (3)-(), ()-(2), (4)-(3,4)
    return edits.new_state(5, 5, [
        EditBead((4,), (3, 4), 0.7), EditBead((0,), (0,), 0.95), EditBead((1, 2), (1,), 0.4),
        EditBead((3,), (), 0.9), EditBead((), (2,), 0.9),
    ])


def covered(s) -> tuple[list[int], list[int]]:
    return sorted(i for b in s.beads for i in b.src), sorted(j for b in s.beads for j in b.tgt)


def test_new_state_puts_beads_in_document_order():
    assert [(b.src, b.tgt) for b in state().beads] == [
        ((0,), (0,)), ((1, 2), (1,)), ((3,), ()), ((), (2,)), ((4,), (3, 4))]


@pytest.mark.parametrize("beads, message", [
    ([EditBead((0,), (0,)), EditBead((1,), ())], "target 1 is in no bead"),
    ([EditBead((0, 1), (0,)), EditBead((1,), (1,))], "source sentence 1 is in two beads"),
    ([EditBead((0,), (1,)), EditBead((1,), (0,))], "cross"),
    ([EditBead((0, 2), (0,)), EditBead((1,), (1,))], "not consecutive"),
    ([EditBead((0,), (0,)), EditBead((1,), (1,)), EditBead((), ())], "at least one sentence"),
    ([EditBead((0,), (0,)), EditBead((1,), (1, 2))], "target sentence 2 does not exist"),
])
def test_invalid_bead_lists_are_refused(beads, message):
    with pytest.raises(EditError, match=message):
        edits.new_state(2, 2, beads)


def test_confirm_keeps_the_bead_and_marks_it():
    s = edits.confirm(state(), BeadRef((1, 2), (1,)))
    assert s.beads[1] == EditBead((1, 2), (1,), 0.4, CONFIRMED)
    assert [b.status for k, b in enumerate(s.beads) if k != 1] == [AUTO] * 4


def test_unlink_makes_unaligned_sentences():
    s = edits.unlink(state(), BeadRef((4,), (3, 4)))
    assert [(b.src, b.tgt, b.status) for b in s.beads[2:]] == [
        ((3,), (), AUTO), ((4,), (), AUTO), ((), (2,), AUTO), ((), (3,), AUTO), ((), (4,), AUTO)]
    assert covered(s) == ([0, 1, 2, 3, 4], [0, 1, 2, 3, 4])


def test_link_joins_selected_sentences_and_frees_the_rest():
    # src 3 (unaligned) with tgt 2 (unaligned) and tgt 3 (taken from the 1-2 bead (4)-(3,4))
    s = edits.link(state(), [3], [2, 3])
    pairs = {(b.src, b.tgt): b.status for b in s.beads}
    assert pairs[((3,), (2, 3))] == LINKED
    assert pairs[((4,), ())] == AUTO and pairs[((), (4,))] == AUTO
    assert covered(s) == ([0, 1, 2, 3, 4], [0, 1, 2, 3, 4])


def test_link_spans_the_selection_and_refuses_crossings():
    s = edits.link(state(), [0, 2], [0])  # src 1 is between: taken too
    assert s.beads[0] == EditBead((0, 1, 2), (0,), None, LINKED)
    with pytest.raises(EditError, match="cross"):
        edits.link(state(), [0], [3])  # would cross (1,2)-(1)
    with pytest.raises(EditError, match="both sides"):
        edits.link(state(), [0, 1], [])
    with pytest.raises(EditError, match="both sides"):
        edits.link(state(), [], [2])


def test_split_cuts_before_the_given_sentences_or_after_the_first():
    s = edits.split(state(), BeadRef((4,), (3, 4)))
    assert [(b.src, b.tgt) for b in s.beads[-2:]] == [((4,), (3,)), ((), (4,))]
    s = edits.split(state(), BeadRef((4,), (3, 4)), src_at=4, tgt_at=4)
    assert [(b.src, b.tgt) for b in s.beads[-2:]] == [((), (3,)), ((4,), (4,))]
    with pytest.raises(EditError, match="cannot be split"):
        edits.split(state(), BeadRef((0,), (0,)))


def test_not_a_translation_rejects_each_sentence():
    s = edits.not_translation(state(), BeadRef((1, 2), (1,)))
    assert [(b.src, b.tgt) for b in s.beads if b.status == REJECTED] == [((1,), ()), ((2,), ()), ((), (1,))]
    assert edits.anchors(s) == [((1,), ()), ((2,), ()), ((), (1,))]


def test_undo_walks_back_every_action_in_turn():
    s0 = state()
    steps = [
        lambda s: edits.confirm(s, BeadRef((0,), (0,))),
        lambda s: edits.unlink(s, BeadRef((4,), (3, 4))),
        lambda s: edits.link(s, [4], [4]),
        lambda s: edits.not_translation(s, BeadRef((1, 2), (1,))),
        lambda s: edits.split(s, BeadRef((4,), (4,)), tgt_at=4),
    ]
    seen = [s0]
    for step in steps:
        seen.append(step(seen[-1]))
    s = seen[-1]
    for previous in reversed(seen[:-1]):
        s = edits.undo(s)
        assert s.beads == previous.beads
    with pytest.raises(EditError, match="nothing to undo"):
        edits.undo(s)


def test_an_edit_names_its_bead_so_a_stale_reference_fails():
    s = edits.unlink(state(), BeadRef((1, 2), (1,)))
    with pytest.raises(EditError, match="no bead with source \\[1, 2\\]"):
        edits.confirm(s, BeadRef((1, 2), (1,)))


def test_realigned_keeps_decisions_and_takes_the_rest():
    s = edits.confirm(state(), BeadRef((4,), (3, 4)))
    s = edits.not_translation(s, BeadRef((3,), ()))
    new = edits.realigned(s, [((0,), (0,), 0.99), ((1,), (1,), 0.8), ((2,), (2,), 0.6), ((3,), (), 0.5),
                              ((4,), (3, 4), 0.1)])
    by = {(b.src, b.tgt): b for b in new.beads}
    assert by[((4,), (3, 4))] == EditBead((4,), (3, 4), 0.7, CONFIRMED)
    assert by[((3,), ())].status == REJECTED
    assert by[((2,), (2,))] == EditBead((2,), (2,), 0.6, AUTO)
    assert edits.undo(new).beads == s.beads
    with pytest.raises(EditError, match="lost a confirmed bead"):
        edits.realigned(s, [((0,), (0,), 1), ((1, 2), (1,), 1), ((3,), (2,), 1), ((4,), (3, 4), 1)])


def test_any_sequence_of_actions_keeps_every_sentence_in_one_bead():
    s = state()
    for k in itertools.count():
        if k > 40:
            break
        b = s.beads[k % len(s.beads)]
        action = k % 5
        try:
            if action == 0:
                s = edits.unlink(s, b.ref)
            elif action == 1:
                s = edits.link(s, list(b.src) or [min(4, k % 5)], list(b.tgt) or [min(4, (k + 1) % 5)])
            elif action == 2:
                s = edits.split(s, b.ref)
            elif action == 3:
                s = edits.not_translation(s, b.ref)
            else:
                s = edits.undo(s)
        except EditError:
            pass
        assert covered(s) == ([0, 1, 2, 3, 4], [0, 1, 2, 3, 4])
        assert edits.normalise(5, 5, s.beads) == s.beads
