"""``bornite demo``: the main job on the bundled, illustrative example."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bornite.cli._common import (
    JsonOption,
    OverwriteOption,
    console,
    handle_errors,
    print_json,
    progress_bar,
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
        summary = run_demo(out, trials=trials, overwrite=overwrite, progress=progress)
    if json:
        print_json(summary)
        return
    console.print(
        "[bold]bornite demo[/] -- illustrative copper resources: a synthetic deposit, "
        "made-up tracts, a synthetic grade-tonnage model"
    )
    deposit = summary["deposit"]
    resource = Table(
        "cutoff",
        "tonnes (Mt)",
        "grade",
        "metal (kt)",
        "truth metal (kt)",
        title=(
            f"{deposit['name']}: kriged from {deposit['composites']:,} composites in "
            f"{deposit['holes']} holes ({deposit['grade']}, all classes)"
        ),
        title_justify="left",
    )
    for row in deposit["total"]:
        truth = row.get("truth_metal_t")
        resource.add_row(
            f"{row['cutoff']:g}",
            f"{row['tonnes'] / 1e6:,.1f}",
            f"{row['grade']:.3f}",
            f"{row['metal_t'] / 1e3:,.1f}",
            "-" if truth is None else f"{truth / 1e3:,.1f}",
        )
    console.print(resource)
    pit = summary["pit"]
    ultimate = pit["ultimate_pit"]
    console.print(
        f"pit shells ({pit['engine']}): reporting shell {pit['selected_shell']}; ultimate pit "
        f"{ultimate['blocks']:,} blocks, value {ultimate['value_usd'] / 1e6:,.0f} M USD "
        "(undiscounted)"
    )
    region = summary["region"]
    blocks = region["cross_validation"].get("blocks")
    permissive = region["permissive"]
    if blocks is not None:
        console.print(
            f"{region['name']}: spatial-block CV AUC {blocks['auc']:.3f} "
            f"[{blocks['lower']:.3f}, {blocks['upper']:.3f}]"
        )
    console.print(
        f"permissive tract: {permissive['area_km2']:,.0f} km2 "
        f"({100 * permissive['capture']:.0f} % of the known deposits, out of fold) -> the "
        "north tract's area for the deposit-density model"
    )
    table = Table(
        "tract",
        "E[N]",
        "P90",
        "P50",
        "P10",
        "mean",
        "economic mean",
        title="undiscovered copper, Mt (P90: 90 % chance of at least this much)",
        title_justify="left",
    )
    rows = [
        (t["folder"], t["expected_deposits"], t["cu_t"], t.get("economic_cu_t_mean"))
        for t in summary["tracts"]
    ]
    aggregate = summary["aggregate"]
    rows.append(
        (
            "all (rank-correlated)",
            aggregate["expected_deposits"],
            aggregate["cu_t"],
            aggregate.get("economic_cu_t_mean"),
        )
    )
    for name, expected, cu, economic in rows:
        table.add_row(
            name,
            f"{expected:.1f}",
            *(f"{cu[q] / 1e6:.1f}" for q in ("q10", "q50", "q90", "mean")),
            "-" if economic is None else f"{economic / 1e6:.1f}",
        )
    console.print(table)
    console.print(f"report: {summary['report']}\nsummary: {summary['summary']}")
