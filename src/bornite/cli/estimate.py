"""``bornite estimate``: a classified, kriged block model and resource table from drill holes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bornite.cli._common import (
    JsonOption,
    OutOption,
    OverwriteOption,
    console,
    handle_errors,
    print_json,
    progress_bar,
)

__all__ = ["estimate_command"]


@handle_errors
def estimate_command(
    run_file: Annotated[Path, typer.Argument(help="Estimation run file (TOML).")],
    out: OutOption,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
) -> None:
    """Drill holes -> composites -> variogram -> block kriging -> classes -> resource table."""
    from bornite.workflows.estimate import run_estimate_to_dir  # noqa: PLC0415

    with progress_bar("kriging blocks", enabled=not json) as progress:
        record, paths = run_estimate_to_dir(run_file, out, overwrite=overwrite, progress=progress)
    if json:
        print_json(record)
        return
    table = Table(
        "class",
        "cutoff",
        "tonnes (Mt)",
        "grade",
        "metal (kt)",
        title=f"resource by class ({record['grade']})",
        title_justify="left",
    )
    for row in record["resource"]:
        table.add_row(
            row["class"],
            f"{row['cutoff']:g}",
            f"{row['tonnes'] / 1e6:,.1f}",
            f"{row['grade']:.3f}",
            f"{row['metal_t'] / 1e3:,.1f}",
        )
    console.print(table)
    console.print(
        f"{record['estimated_blocks']:,} blocks estimated from "
        f"{record['composites']:,} composites; wrote {len(paths)} files to {out}"
    )
