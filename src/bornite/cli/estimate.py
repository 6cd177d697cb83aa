"""``bornite estimate``: a classified, kriged block model and resource table from drill holes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bornite.cli._common import (
    DbOption,
    JsonOption,
    LinkOption,
    OutOption,
    OverwriteOption,
    check_db,
    emit,
    handle_errors,
    progress_bar,
)

__all__ = ["estimate_command"]


@handle_errors
def estimate_command(
    run_file: Annotated[Path, typer.Argument(help="Estimation run file (TOML).")],
    out: OutOption,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Drill holes -> composites -> variogram -> block kriging -> classes -> resource table."""
    check_db(db, link)
    from bornite.workflows.estimate import run_estimate_to_dir  # noqa: PLC0415

    with progress_bar("kriging blocks", enabled=not json) as progress:
        record = run_estimate_to_dir(run_file, out, overwrite=overwrite, progress=progress)
    emit(record, json=json, db=db, link=link)
