"""Opening a review: the texts, the project file (resumed, or made from ``--from`` or a first
alignment) and the workspace the server serves."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from ..errors import AlignerError
from ..export.outpath import check_outputs
from .edits import EditBead, new_state
from .project import Identity, Project, ProjectStore, open_project, project_path, text_sha256
from .realign import Realigner, Texts
from .workspace import Workspace


@dataclass
class EditorInputs:
    """What ``aligner edit`` was given: the decoded texts and how to split, align and resume them."""

    src_path: Path
    tgt_path: Path
    output: Path
    src_text: str
    tgt_text: str
    src_lang: str = "id"
    tgt_lang: str = "en"
    segmented: bool = False
    previous: Optional[Path] = None
    fresh: bool = False
    model: Any = None
    """A model name or folder, or a loaded embedder (tests)."""
    device: Optional[str] = None
    precision: Optional[str] = None
    threads: Optional[int] = None
    config: Any = None

    @property
    def given(self) -> list[Path]:
        """The files the user gave (texts and ``--from``): no output of the editor may replace one."""
        return [self.src_path, self.tgt_path, *([self.previous] if self.previous is not None else [])]

    def embedder(self) -> Callable[[], Any]:
        """Loads the embedder when first called (a resumed project needs none until a re-alignment)."""
        if self.model is not None and not isinstance(self.model, (str, Path)):
            return lambda: self.model

        def load():
            from ..embed import load_embedder

            return load_embedder(self.model, device=self.device, precision=self.precision, num_threads=self.threads)
        return load


def open_workspace(inputs: EditorInputs, export_options: Any) -> tuple[Workspace, str]:
    """The workspace for these inputs and a line saying how it was opened (resumed, imported, aligned).
    A resumed project brings its sentences: neither splitting nor the model runs."""
    texts = Texts(inputs.src_text, inputs.tgt_text, inputs.src_lang, inputs.tgt_lang, inputs.segmented)
    realigner = Realigner(texts, model=inputs.embedder(), config=inputs.config)
    settings = {"src_lang": inputs.src_lang, "tgt_lang": inputs.tgt_lang, "segmented": inputs.segmented}
    hashes = (text_sha256(inputs.src_text), text_sha256(inputs.tgt_text))
    path = project_path(inputs.output)
    check_outputs([inputs.output, path], inputs.given)  # the project file is written at once
    if inputs.previous is not None and path.exists() and not inputs.fresh:
        raise AlignerError(f"{path} exists: resume it without --from, or add --fresh to start again from {inputs.previous}")
    how = []

    def make() -> Project:
        src, tgt = texts.split()
        if not src or not tgt:
            raise AlignerError(f"{inputs.src_path if not src else inputs.tgt_path}: no sentence to align")
        realigner.use(src, tgt)
        if inputs.previous is not None:
            from .importers import import_previous

            state, report = import_previous(inputs.previous, src, tgt)
            how.append(report.summary(inputs.previous))
        else:
            beads = realigner.align()
            how.append(f"aligned {len(src)} + {len(tgt)} sentences")
            state = new_state(len(src), len(tgt), [EditBead(s, t, score) for s, t, score in beads])
        return Project(Identity(*hashes, len(src), len(tgt), settings), state, 0, tuple(src), tuple(tgt),
                       realigner.provenance())

    project, resumed = open_project(path, Identity(*hashes, settings=settings), make, fresh=inputs.fresh)
    src, tgt = list(project.src_sentences), list(project.tgt_sentences)
    if not src:  # a project file without its sentences: split again, and check they are the same
        src, tgt = texts.split()
        if (len(src), len(tgt)) != (project.identity.n_src, project.identity.n_tgt):
            raise AlignerError(f"{path}: the texts split into other sentences; rerun with --fresh to start afresh")
    realigner.use(src, tgt)
    opened = (f"resumed {path} (revision {project.revision})" if resumed else f"{path}: new project, " + "; ".join(how))
    workspace = Workspace(ProjectStore(path, project), src, tgt, realigner, inputs.output, export_options,
                          inputs=inputs.given, title=f"{inputs.src_path.name} ↔ {inputs.tgt_path.name}")
    return workspace, opened
