"""``bornite pit``: Ultimate pit and nested shells."""

from __future__ import annotations

from enum import StrEnum
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
)

__all__ = ["pit_app"]

pit_app = typer.Typer(help="Ultimate pit and nested shells.", no_args_is_help=True)


class Engine(StrEnum):
    """Exact max-closure engines."""

    auto = "auto"
    pymineflow = "pymineflow"
    ortools = "ortools"
    scipy = "scipy"


EngineOption = Annotated[
    Engine, typer.Option("--engine", help="Max-closure engine (auto: fastest installed).")
]


@pit_app.command("minelib")
@handle_errors
def minelib_command(
    prefix: Annotated[
        Path,
        typer.Argument(help="Instance path without suffix: PREFIX.blocks, .prec and .upit."),
    ],
    engine: EngineOption = Engine.auto,
    json: JsonOption = False,
) -> None:
    """Solve the ultimate pit (UPIT) of a MineLib instance exactly."""
    from bornite.workflows.pit import solve_minelib  # noqa: PLC0415 (fast start-up)

    result = solve_minelib(prefix, engine=engine.value)
    if json:
        print_json(result)
        return
    console.print(f"instance       {result['name']}")
    console.print(f"objective      {result['objective']:,.6f}")
    console.print(f"blocks_in_pit  {result['blocks_in_pit']:,} of {result['blocks']:,}")
    console.print(f"seconds        {result['seconds']:.3f} ({result['engine']})")


@pit_app.command("shells")
@handle_errors
def shells_command(
    run_file: Annotated[Path, typer.Argument(help="Pit run file (TOML, see docs/pit.md).")],
    out: OutOption,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
) -> None:
    """Nested pit shells on a bornite block model, the reporting shell and its resource."""
    from bornite.workflows.pit import run_pit_to_dir  # noqa: PLC0415 (fast start-up)

    record, paths = run_pit_to_dir(run_file, out, overwrite=overwrite)
    if json:
        print_json(
            {
                k: record[k]
                for k in ("name", "selected_shell", "shells", "resource", "engine", "seconds")
            }
            | {"outputs": [str(p) for p in paths]}
        )
        return
    shells = Table(
        "shell",
        "factor",
        "ore Mt",
        "grade",
        "metal t",
        "waste Mt",
        "value M USD",
        title="pit by pit",
        title_justify="left",
    )
    for row in record["shells"]:
        marker = " *" if row["shell"] == record["selected_shell"] else ""
        shells.add_row(
            f"{row['shell']}{marker}",
            f"{row['revenue_factor']:g}",
            f"{row['ore_t'] / 1e6:,.2f}",
            f"{row['grade']:.3g}" if row["grade"] == row["grade"] else "-",
            f"{row['metal_t']:,.0f}",
            f"{row['waste_t'] / 1e6:,.2f}",
            f"{row['value_usd'] / 1e6:,.1f}",
        )
    console.print(shells)
    resource = Table(
        "class",
        "ore Mt",
        "grade",
        "metal t",
        title=f"resource in shell {record['selected_shell']}",
        title_justify="left",
    )
    for row in record["resource"]:
        resource.add_row(
            str(row["class"]),
            f"{row['ore_t'] / 1e6:,.2f}",
            f"{row['grade']:.3g}" if row["grade"] == row["grade"] else "-",
            f"{row['metal_t']:,.0f}",
        )
    console.print(resource)
    console.print(f"wrote {len(paths)} outputs to {out}")
