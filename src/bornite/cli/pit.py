"""``bornite pit``: Ultimate pit and nested shells."""

from __future__ import annotations

from enum import StrEnum
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
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Solve the ultimate pit (UPIT) of a MineLib instance exactly."""
    check_db(db, link)
    from bornite.workflows.pit import solve_minelib  # noqa: PLC0415 (fast start-up)

    record = solve_minelib(prefix, engine=engine.value)
    emit(record, json=json, db=db, link=link)


@pit_app.command("shells")
@handle_errors
def shells_command(
    run_file: Annotated[Path, typer.Argument(help="Pit run file (TOML, see docs/pit.md).")],
    out: OutOption,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Nested pit shells on a bornite block model, the reporting shell and its resource."""
    check_db(db, link)
    from bornite.workflows.pit import run_pit_to_dir  # noqa: PLC0415 (fast start-up)

    record = run_pit_to_dir(run_file, out, overwrite=overwrite)
    emit(record, json=json, db=db, link=link)
