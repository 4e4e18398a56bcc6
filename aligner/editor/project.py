"""The project file ``OUT.align.json``: what the reviewer did, saved atomically at every edit.

It holds the SHA-256 of both decoded texts and the splitting settings (a project only reopens on
the same texts), the sentences as they were split (so that reopening needs no splitting), the beads with their statuses and scores, the undo history and a revision
number. Each write says which revision it was based on: the last write wins, but a write based on
an older revision than the file's is reported as a conflict so that the page can say so (no edit
is lost silently), and a server that finds the file newer than its copy (another server on the same
project) reloads it before applying an edit.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional

from ..errors import AlignerError
from ..export.atomic import atomic_file
from ..segment.base import Sentence
from .edits import Change, EditBead, EditState, new_state

FORMAT = "aligner-edit"
VERSION = 1
HISTORY_LIMIT = 1000
"""Undo steps kept in the file (the oldest are dropped)."""


class ProjectError(AlignerError):
    """A project file that cannot be used (unreadable, or made for other texts)."""


def text_sha256(text: str) -> str:
    """Hex SHA-256 of a decoded document text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def project_path(output: Path) -> Path:
    """``out.tmx`` → ``out.align.json`` (beside the output)."""
    return output.with_name(output.stem + ".align.json")


@dataclass(frozen=True)
class Identity:
    """What a project was made for: the texts' hashes, sentence counts and splitting settings."""

    src_sha256: str
    tgt_sha256: str
    n_src: Optional[int] = None
    n_tgt: Optional[int] = None
    """Sentence counts (None: not split yet, not compared)."""
    settings: dict = field(default_factory=dict)

    def mismatch(self, other: "Identity") -> Optional[str]:
        """Why ``other`` (the texts opened now) is not what this project was made for, or None."""
        if self.src_sha256 != other.src_sha256:
            return "the source text changed"
        if self.tgt_sha256 != other.tgt_sha256:
            return "the target text changed"
        changed = sorted(k for k in set(self.settings) | set(other.settings) if self.settings.get(k) != other.settings.get(k))
        if changed:
            return f"it was made with other settings ({', '.join(changed)})"
        if None not in (self.n_src, other.n_src) and (self.n_src, self.n_tgt) != (other.n_src, other.n_tgt):
            return "the texts split into other sentences"
        return None


@dataclass(frozen=True)
class Project:
    """A project as saved: identity, state, revision and the sentences of both sides."""

    identity: Identity
    state: EditState
    revision: int = 0
    src_sentences: tuple = ()
    tgt_sentences: tuple = ()
    provenance: dict = field(default_factory=dict)
    """``model`` and ``signature`` of the last alignment made for the project (empty: none known),
    so that a resumed project's export names them without loading the model."""


def _bead_json(b: EditBead) -> list:
    return [list(b.src), list(b.tgt), None if b.score is None else round(float(b.score), 4), b.status]


def _bead(row: list) -> EditBead:
    src, tgt, score, status = row
    return EditBead(tuple(int(i) for i in src), tuple(int(j) for j in tgt), None if score is None else float(score), str(status))


def _sentence_json(s: Sentence) -> list:
    return [s.text, s.start, s.end, s.paragraph, sorted(s.flags)]


def _sentences(rows: list) -> tuple:
    return tuple(Sentence(k, str(text), int(start), int(end), int(par), frozenset(flags))
                 for k, (text, start, end, par, flags) in enumerate(rows))


def to_json(project: Project) -> dict:
    """The project as the JSON object written to disk."""
    ident = project.identity
    return {
        "format": FORMAT, "version": VERSION, "revision": project.revision,
        "src": {"sha256": ident.src_sha256, "sentences": ident.n_src,
                "split": [_sentence_json(x) for x in project.src_sentences]},
        "tgt": {"sha256": ident.tgt_sha256, "sentences": ident.n_tgt,
                "split": [_sentence_json(x) for x in project.tgt_sentences]},
        "settings": ident.settings,
        "beads": [_bead_json(b) for b in project.state.beads],
        "history": [{"action": c.action, "at": c.at, "old": [_bead_json(b) for b in c.old],
                     "new": [_bead_json(b) for b in c.new]} for c in project.state.history[-HISTORY_LIMIT:]],
        **({"provenance": dict(project.provenance)} if project.provenance else {}),
    }


def from_json(data: dict) -> Project:
    """A project from its JSON object; ProjectError when it is not one."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProjectError("not an aligner project file")
    if data.get("version") != VERSION:
        raise ProjectError(f"project file version {data.get('version')!r} is not supported (this aligner reads {VERSION})")
    try:
        ident = Identity(str(data["src"]["sha256"]), str(data["tgt"]["sha256"]), int(data["src"]["sentences"]),
                         int(data["tgt"]["sentences"]), dict(data.get("settings") or {}))
        state = new_state(ident.n_src, ident.n_tgt, [_bead(r) for r in data["beads"]])
        history = tuple(Change(str(c["action"]), int(c["at"]), tuple(_bead(r) for r in c["old"]),
                               tuple(_bead(r) for r in c["new"])) for c in data.get("history", []))
        src, tgt = _sentences(data["src"].get("split", [])), _sentences(data["tgt"].get("split", []))
        if (src or tgt) and (len(src), len(tgt)) != (ident.n_src, ident.n_tgt):
            raise ValueError("sentence lists do not match the counts")
        provenance = data.get("provenance") or {}
        if not isinstance(provenance, dict):
            raise ValueError("provenance is not an object")
        provenance = {k: str(provenance[k]) for k in ("model", "signature") if provenance.get(k)}
        return Project(ident, replace(state, history=history), int(data.get("revision", 0)), src, tgt, provenance)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProjectError(f"damaged project file ({type(exc).__name__}: {exc})") from None


def read_project(path: Path) -> Project:
    """Read a project file; ProjectError (one line, with the path) when it is unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectError(f"{path}: cannot read the project file ({exc})") from None
    try:
        return from_json(data)
    except AlignerError as exc:
        raise ProjectError(f"{path}: {exc}") from None


def write_project(path: Path, project: Project) -> None:
    """Replace the project file atomically (a killed write leaves the previous version)."""
    with atomic_file(path) as stream:
        json.dump(to_json(project), stream, ensure_ascii=False, separators=(",", ":"))


def open_project(path: Path, identity: Identity, make: Callable[[], Project], fresh: bool = False) -> tuple[Project, bool]:
    """The project at ``path`` for these texts, and whether it was resumed. Without a file (or with
    ``fresh``, which keeps the old file as ``.bak``) a new one is made by ``make()`` and written.
    A file for other texts or settings: ProjectError offering ``--fresh``."""
    path = Path(path)
    if path.exists() and not fresh:
        project = read_project(path)
        why = project.identity.mismatch(identity)
        if why:
            raise ProjectError(f"{path} does not belong to these texts: {why}; rerun with --fresh to start afresh"
                               " (the old project is kept as .bak)")
        return project, True
    if path.exists():
        os.replace(path, path.with_name(path.name + ".bak"))
    project = make()
    write_project(path, project)
    return project, False


@dataclass
class Outcome:
    """What :meth:`ProjectStore.update` did: the saved project, and whether the edit was based on an
    older revision than the one it was applied to (another tab or process wrote in between)."""

    project: Project
    conflict: bool
    based_on: int


class ProjectStore:
    """The open project, shared by the server's threads: every update is applied to the newest
    version (reloaded from disk if another process wrote it) and saved before it returns."""

    def __init__(self, path: Path, project: Project) -> None:
        self.path = Path(path)
        self._project = project
        self._lock = threading.Lock()
        self._seen = self._stat()

    def _stat(self) -> Optional[tuple[int, int]]:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    @property
    def project(self) -> Project:
        with self._lock:
            return self._refresh()

    def _refresh(self) -> Project:
        stat = self._stat()
        if stat is None or stat == self._seen:
            return self._project
        try:
            on_disk = read_project(self.path)
        except ProjectError:
            return self._project  # gone or being replaced: our copy is the newest we know
        if on_disk.revision > self._project.revision and not on_disk.identity.mismatch(self._project.identity):
            self._project = on_disk
        self._seen = stat
        return self._project

    def update(self, based_on: int, edit: Callable[[EditState], EditState],
               provenance: Optional[dict] = None) -> Outcome:
        """Apply ``edit`` to the newest state and save it as the next revision (with ``provenance``,
        that of the alignment the edit brings, when given)."""
        with self._lock:
            current = self._refresh()
            state = edit(current.state)
            if state is current.state:
                return Outcome(current, conflict=based_on != current.revision, based_on=based_on)
            project = replace(current, state=state, revision=current.revision + 1,
                              provenance=current.provenance if provenance is None else provenance)
            write_project(self.path, project)
            self._project, self._seen = project, self._stat()
            return Outcome(project, conflict=based_on != current.revision, based_on=based_on)
