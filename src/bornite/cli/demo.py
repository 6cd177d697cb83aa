"""``bornite demo``: the main job on the bundled, illustrative example."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bornite.cli._common import (
    JsonOption,
    OverwriteOption,
    console,
    handle_errors,
    print_json,
    progress_bar,
    show_record,
)

__all__ = ["demo_command"]


@handle_errors
def demo_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("demo-out"),
    trials: Annotated[int, typer.Option("--trials", min=1000, help="Trials per tract.")] = 20_000,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
) -> None:
    """Run the illustrative demo (deposit, pit, region, tracts) and write DIR/report.html."""
    from bornite.workflows import run_demo  # noqa: PLC0415 (keeps start-up fast)

    with progress_bar("demo", enabled=not json) as progress:
        record = run_demo(out, trials=trials, overwrite=overwrite, progress=progress)
    if json:
        print_json(record)
        return
    show_record(record)
    console.print(
        "stages: " + ", ".join(str(child.folder) for child in record.children if child.folder)
    )
    database = Path(str(record.folder)) / "bornite.sqlite"
    console.print(
        f"inventory: bornite inventory mckelvey --db {database} "
        f"(or rollup --by category --db {database})"
    )
    console.print(f"dashboard: bornite serve --db {database}", soft_wrap=True)
