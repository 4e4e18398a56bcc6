"""``aligner srx``: our sentence-splitting rules for CAT tools (SRX 2.0 or OmegaT's segmentation.conf)."""
from __future__ import annotations

from pathlib import Path

import typer

from ..errors import AlignerError
from ._common import DEBUG, out, user_errors


def srx(
    output: Path = typer.Option(..., "-o", "--output", help="rules.srx (SRX 2.0) or segmentation.conf (OmegaT 3.x project rules)."),
    debug: bool = DEBUG,
) -> None:
    """Write our Indonesian and English segmentation rules so CAT tools split sentences like we do."""
    with user_errors(debug):
        from ..export.atomic import atomic_file
        from ..export.outpath import check_output
        from ..export.srx import omegat_segmentation_conf, srx_document

        if output.suffix.lower() == ".conf":
            text = omegat_segmentation_conf()
        elif output.suffix.lower() in (".srx", ".xml"):
            text = srx_document()
        else:
            raise AlignerError(f"{output}: use a .srx file (SRX 2.0) or a .conf file (OmegaT segmentation.conf)")
        check_output(output)  # a regular file or nothing there; no link, pipe or device replaced
        try:
            with atomic_file(output) as stream:
                stream.write(text)
        except OSError as exc:
            raise AlignerError(f"cannot write {output}: {exc.strerror or exc}") from None
        out.print(f"{output}: segmentation rules for id, en", highlight=False)
