"""``bornite inventory``: roll-ups of the stored deposits, statements and assessments."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from bornite.cli._common import JsonOption, console, handle_errors, print_json, show_record
from bornite.cli.db import DbUrlOption

__all__ = ["inventory_app"]

inventory_app = typer.Typer(
    help="Totals by belt, region, country, type, status or category; additions; McKelvey boxes.",
    no_args_is_help=True,
)


class By(StrEnum):
    """What to group by."""

    belt = "belt"
    region = "region"
    country = "country"
    type = "type"
    status = "status"
    category = "category"
    deposit = "deposit"


class Basis(StrEnum):
    """What counts (see ``docs/inventory.md``)."""

    identified = "identified"
    resources = "resources"
    reserves = "reserves"


class Scheme(StrEnum):
    """Category names."""

    crirsco = "crirsco"
    gbt17766 = "gbt17766"


CommodityOption = Annotated[
    str, typer.Option("--commodity", help="The metal summed: cu sums cu_t.")
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Roll up as of this date (YYYY-MM-DD)."),
]
_RULE = (
    "counted: the latest report of each deposit and kind (resource, reserve) effective by the "
    "date; reserves only where the resources exclude them"
)


def _print(record: object, json: bool) -> None:
    from bornite.workflows import RunRecord  # noqa: PLC0415

    assert isinstance(record, RunRecord)
    if json:
        print_json(record.results["rows"])
        return
    show_record(record)


@inventory_app.command("rollup")
@handle_errors
def rollup_command(
    by: Annotated[By, typer.Option("--by", help="Group by this.")] = By.belt,
    db: DbUrlOption = None,
    commodity: CommodityOption = "cu",
    as_of: AsOfOption = None,
    basis: Annotated[Basis, typer.Option("--basis", help="What counts.")] = Basis.identified,
    scheme: Annotated[
        Scheme, typer.Option("--scheme", help="Category names (with --by category).")
    ] = Scheme.crirsco,
    json: JsonOption = False,
) -> None:
    """Ore and contained metal by group with shares of the total, and a total row.

    --json prints one object per row: group, deposits, ore_t, metal_t, share.
    """
    from bornite.workflows import rollup_record  # noqa: PLC0415 (fast start-up)

    record = rollup_record(
        by.value, db, commodity=commodity, as_of=as_of, basis=basis.value, scheme=scheme.value
    )
    _print(record, json)
    if not json:
        console.print(f"[dim]{_RULE}[/]")


@inventory_app.command("additions")
@handle_errors
def additions_command(
    since: Annotated[str, typer.Option("--since", metavar="DATE", help="Start (YYYY-MM-DD).")],
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="DATE", help="End (default: the latest statements)."),
    ] = None,
    by: Annotated[
        By | None, typer.Option("--by", help="Group by this (default: per deposit).")
    ] = None,
    db: DbUrlOption = None,
    commodity: CommodityOption = "cu",
    json: JsonOption = False,
) -> None:
    """New deposits and the growth of known ones between two dates.

    --json prints one object per row: group, new_deposits, new_metal_t, grown_deposits,
    growth_t, net_change_t.
    """
    from bornite.workflows import additions_record  # noqa: PLC0415

    record = additions_record(since, until, db, by=by.value if by else None, commodity=commodity)
    _print(record, json)


@inventory_app.command("mckelvey")
@handle_errors
def mckelvey_command(
    by: Annotated[By, typer.Option("--by", help="belt or region.")] = By.belt,
    db: DbUrlOption = None,
    commodity: CommodityOption = "cu",
    as_of: AsOfOption = None,
    json: JsonOption = False,
) -> None:
    """Identified metal by category beside undiscovered metal from stored assessments.

    Undiscovered quantiles are computed from the per-trial totals of each group's tracts
    (quantiles do not add); q90 is the 90th percentile.
    """
    from bornite.workflows import mckelvey_record  # noqa: PLC0415

    record = mckelvey_record(by.value, db, commodity=commodity, as_of=as_of)
    _print(record, json)
    if not json:
        console.print(f"[dim]{record.results['note']}[/]")
