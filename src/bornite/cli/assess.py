"""``bornite assess``: undiscovered-resource assessment (USGS three-part method)."""

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
    SeedOption,
    TrialsOption,
    check_db,
    emit,
    handle_errors,
    progress_bar,
)

__all__ = ["assess_app"]

assess_app = typer.Typer(
    help="Undiscovered copper by the USGS three-part method.", no_args_is_help=True
)

MethodOption = Annotated[
    str,
    typer.Option(
        "--method",
        "-m",
        help="Estimator of the pmf: negbinomial (MapMark4), mark3, singer-menzie, poisson.",
    ),
]


@assess_app.command("pmf")
@handle_errors
def pmf_command(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ELICITATION.csv | N90 N50 N10 [N05 N01]",
            help="An elicitation CSV (Name, Weight, N90, N50, N10 [, N05, N01]), or with "
            "--counts a single estimate.",
            show_default=False,
        ),
    ] = None,
    method: MethodOption = "negbinomial",
    counts: Annotated[
        bool,
        typer.Option("--counts", help="Read N90 N50 N10 [N05 N01] from the arguments."),
    ] = False,
    json: JsonOption = False,
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Fit the pmf of the number of undiscovered deposits and print it.

    Examples: bornite assess pmf estimates.csv --method negbinomial --json;
    bornite assess pmf --counts 1 2 4 --method mark3
    """
    check_db(db, link)
    values = inputs or []
    if counts:
        try:
            numbers: list[int] | None = [int(v) for v in values]
        except ValueError:
            raise typer.BadParameter(
                f"--counts takes whole numbers N90 N50 N10 [N05 N01], got {' '.join(values)}"
            ) from None
        elicitation = None
    else:
        if len(values) != 1:
            raise typer.BadParameter("give one ELICITATION.csv, or --counts N90 N50 N10 [N05 N01]")
        numbers, elicitation = None, Path(values[0])
    from bornite.workflows import run_pmf  # noqa: PLC0415 (keeps start-up fast)

    record = run_pmf(method, elicitation, numbers)
    emit(record, json=json, db=db, link=link)


@assess_app.command("run")
@handle_errors
def run_command(
    tract: Annotated[Path, typer.Argument(help="Tract run file (TOML).")],
    out: OutOption,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Simulate the undiscovered ore and metal of one tract and write its report."""
    check_db(db, link)
    from bornite.workflows import run_tract_to_dir  # noqa: PLC0415

    with progress_bar("simulating", enabled=not json) as progress:
        record = run_tract_to_dir(
            tract, out, trials=trials, seed=seed, overwrite=overwrite, progress=progress
        )
    emit(record, json=json, db=db, link=link)


@assess_app.command("aggregate")
@handle_errors
def aggregate_command(
    run_file: Annotated[Path, typer.Argument(help="Aggregation run file (TOML).")],
    out: OutOption,
    seed: SeedOption = None,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Combine several tracts' simulated totals with rank correlation between tracts."""
    check_db(db, link)
    from bornite.workflows import run_aggregation_to_dir  # noqa: PLC0415

    record = run_aggregation_to_dir(run_file, out, seed=seed, overwrite=overwrite)
    emit(record, json=json, db=db, link=link)


@assess_app.command("filter")
@handle_errors
def filter_command(
    run_file: Annotated[Path, typer.Argument(help="Economic-filter run file (TOML).")],
    out: OutOption,
    seed: SeedOption = None,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Apply the RAEF economic filter to simulated deposits: contained vs economic metal."""
    check_db(db, link)
    from bornite.workflows import run_filter_to_dir  # noqa: PLC0415

    record = run_filter_to_dir(run_file, out, seed=seed, overwrite=overwrite)
    emit(record, json=json, db=db, link=link)
