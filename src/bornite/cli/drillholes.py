"""``bornite drillholes``: read and check drill-hole tables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bornite.cli._common import JsonOption, console, handle_errors, print_json

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
    json: JsonOption = False,
) -> None:
    """Report every problem in a drill-hole database (exit 0 when the tables load)."""
    from bornite.workflows.drillholes import validate_files  # noqa: PLC0415 (fast start-up)

    positive_down = {"auto": None, "down-negative": False, "down-positive": True}[dip.value]
    report = validate_files(
        collar, survey, assay, mapping=mapping, units=units.value, dip_positive_down=positive_down
    )
    if json:
        print_json(report.to_dict())
        return
    console.print(f"{report.holes} holes, {report.intervals} intervals")
    if report.problems.empty:
        console.print("no problems found")
        return
    counts = Table("kind", "problems", title="problems by kind", title_justify="left")
    for kind, n in report.counts().items():
        counts.add_row(str(kind), str(n))
    console.print(counts)
    first = Table("hole", "table", "row", "message", title="first 20", title_justify="left")
    for row in report.problems.head(20).itertuples(index=False):
        first.add_row(str(row.hole), str(row.table), str(row.row), str(row.message))
    console.print(first)
