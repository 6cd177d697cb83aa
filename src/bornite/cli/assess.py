"""``bornite assess``: undiscovered-resource assessment (USGS three-part method)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bornite.cli._common import (
    JsonOption,
    OutOption,
    OverwriteOption,
    SeedOption,
    TrialsOption,
    console,
    handle_errors,
    print_json,
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


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def _summary_table(title: str, summary: dict[str, dict[str, float]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in (
        "quantity",
        "q10",
        "q50",
        "q90",
        "mean",
        "analytic mean",
        "sd",
        "analytic sd",
        "P(0)",
    ):
        table.add_column(column, justify="right" if column != "quantity" else "left")
    for quantity, row in summary.items():
        table.add_row(
            quantity,
            f"{row['q10']:.3g}",
            f"{row['q50']:.3g}",
            f"{row['q90']:.3g}",
            f"{row['mean']:.3g}",
            _number(row.get("analytic_mean")),
            _number(row.get("sd")),
            _number(row.get("analytic_sd")),
            f"{row['p0']:.3f}",
        )
    return table


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
) -> None:
    """Fit the pmf of the number of undiscovered deposits and print it.

    Examples: bornite assess pmf estimates.csv --method negbinomial --json;
    bornite assess pmf --counts 1 2 4 --method mark3
    """
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
    from bornite.workflows import pmf_from_cli  # noqa: PLC0415 (keeps start-up fast)

    pmf = pmf_from_cli(method, elicitation, numbers)
    data = pmf.to_dict()
    if json:
        print_json(data)
        return
    console.print(
        f"[bold]{data['method']}[/] pmf: {data['support_min']}..{data['support_max']} deposits, "
        f"mean {data['mean']:.4g}, variance {data['variance']:.4g}, mode {data['mode']}, "
        f"entropy {data['entropy']:.4g}"
    )
    table = Table("n", "P(N = n)", "P(N >= n)")
    frame = pmf.to_frame()
    for row in frame.itertuples(index=False):
        table.add_row(str(row.n_deposits), f"{row.probability:.5f}", f"{row.exceedance:.5f}")
    console.print(table)


@assess_app.command("run")
@handle_errors
def run_command(
    tract: Annotated[Path, typer.Argument(help="Tract run file (TOML).")],
    out: OutOption,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
) -> None:
    """Simulate the undiscovered ore and metal of one tract and write its report."""
    from bornite.workflows import run_tract_to_dir  # noqa: PLC0415

    with progress_bar("simulating", enabled=not json) as progress:
        summary, paths = run_tract_to_dir(
            tract, out, trials=trials, seed=seed, overwrite=overwrite, progress=progress
        )
    if json:
        print_json(summary)
        return
    quantities = {k: v for k, v in summary.items() if k.endswith("_t")}
    console.print(
        _summary_table(f"{summary['tract']['name']}: undiscovered totals (t)", quantities)
    )
    economic = summary.get("economic", {})
    for quantity, row in economic.items():
        if quantity.endswith("_economic_t"):
            metal = quantity.removesuffix("_economic_t")
            console.print(
                f"economic filter (RAEF): mean {metal} recoverable from economic deposits "
                f"{row['mean']:.3g} t ({row.get('fraction', float('nan')):.0%} of contained)"
            )
    console.print(f"wrote {len(paths)} files to {out} (open {out / 'report.html'})")


@assess_app.command("aggregate")
@handle_errors
def aggregate_command(
    run_file: Annotated[Path, typer.Argument(help="Aggregation run file (TOML).")],
    out: OutOption,
    seed: SeedOption = None,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
) -> None:
    """Combine several tracts' simulated totals with rank correlation between tracts."""
    from bornite.workflows import run_aggregation_to_dir  # noqa: PLC0415

    summary, paths = run_aggregation_to_dir(run_file, out, seed=seed, overwrite=overwrite)
    if json:
        print_json(summary)
        return
    quantities = {k: v for k, v in summary.items() if k.endswith("_t")}
    console.print(_summary_table(f"{summary['name']}: aggregated totals (t)", quantities))
    console.print(f"wrote {len(paths)} files to {out}")


@assess_app.command("filter")
@handle_errors
def filter_command(
    run_file: Annotated[Path, typer.Argument(help="Economic-filter run file (TOML).")],
    out: OutOption,
    seed: SeedOption = None,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
) -> None:
    """Apply the RAEF economic filter to simulated deposits: contained vs economic metal."""
    from bornite.workflows import run_filter_to_dir  # noqa: PLC0415

    summary, paths = run_filter_to_dir(run_file, out, seed=seed, overwrite=overwrite)
    if json:
        print_json(summary)
        return
    table = Table(title="contained vs economic (t, median of trials)", title_justify="left")
    for column in ("quantity", "q50", "mean", "P(0)"):
        table.add_column(column)
    for quantity, row in summary["totals"].items():
        table.add_row(quantity, f"{row['q50']:.3g}", f"{row['mean']:.3g}", f"{row['p0']:.3f}")
    console.print(table)
    console.print(
        f"economic deposits: {summary['fraction_economic']:.1%} of {summary['n_deposits']}; "
        f"wrote {len(paths)} files to {out}"
    )
