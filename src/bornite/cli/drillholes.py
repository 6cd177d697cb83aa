"""``bornite drillholes``: read and check drill-hole tables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bornite.cli._common import (
    DbOption,
    JsonOption,
    LinkOption,
    OverwriteOption,
    check_db,
    console,
    emit,
    err_console,
    handle_errors,
)

__all__ = ["drillholes_app"]

drillholes_app = typer.Typer(help="Drill-hole databases.", no_args_is_help=True)


class Units(StrEnum):
    """Length units of the files."""

    m = "m"
    ft = "ft"


class DipSign(StrEnum):
    """Sign convention of dips in the survey file."""

    auto = "auto"
    down_negative = "down-negative"
    down_positive = "down-positive"


@drillholes_app.command("validate")
@handle_errors
def validate_command(
    collar: Annotated[Path, typer.Argument(help="Collar table (CSV or Excel).")],
    survey: Annotated[Path, typer.Argument(help="Survey table.")],
    assay: Annotated[Path, typer.Argument(help="Assay (interval) table.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Column mapping (TOML or JSON).")
    ] = None,
    units: Annotated[Units, typer.Option("--units", help="Length units of the files.")] = Units.m,
    dip: Annotated[
        DipSign, typer.Option("--dip", help="Dip sign in the survey (auto: detected).")
    ] = DipSign.auto,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write every problem to this CSV file.")
    ] = None,
    allow_problems: Annotated[
        bool, typer.Option("--allow-problems", help="Exit 0 even when problems are found.")
    ] = False,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Report every problem in a drill-hole database.

    Exits with status 1 when a problem is found (gaps are notices and do not count), unless
    --allow-problems is given; depths and lengths are quoted in the files' units.
    """
    check_db(db, link)
    from bornite.workflows import run_validation  # noqa: PLC0415 (fast start-up)

    positive_down = {"auto": None, "down-negative": False, "down-positive": True}[dip.value]
    record = run_validation(
        collar,
        survey,
        assay,
        mapping=mapping,
        units=units.value,
        dip_positive_down=positive_down,
        csv=csv,
        overwrite=overwrite,
    )
    shown = ["kinds", "problems"] if record.results["problems"] else []
    emit(record, json=json, db=db, link=link, tables=shown)
    if csv is not None and not json:
        console.print(f"wrote every problem to {csv}")
    problems = int(record.figure("problems").value or 0)
    if problems and not allow_problems:
        hint = "" if csv is not None else ", --csv FILE to write them all"
        err_console.print(
            f"error: {problems:,} problem(s) in the drill-hole tables; correct them, or pass "
            f"--allow-problems to accept them{hint}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=1)
