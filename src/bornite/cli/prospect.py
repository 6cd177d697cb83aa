"""``bornite prospect``: Regional prospectivity."""

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
    progress_bar,
)

__all__ = ["prospect_app"]

prospect_app = typer.Typer(help="Regional prospectivity.", no_args_is_help=True)


class WeightsTypeChoice(StrEnum):
    """How classes are accumulated into patterns."""

    ascending = "ascending"
    descending = "descending"
    categorical = "categorical"
    unique = "unique"


class ConventionChoice(StrEnum):
    """Edge rules of the reference implementation to follow."""

    ga = "ga"
    arcsdm = "arcsdm"


@prospect_app.command("wofe")
@handle_errors
def wofe_command(
    evidence: Annotated[
        Path, typer.Option("--evidence", help="Evidence raster (GeoTIFF; classes or values).")
    ],
    deposits: Annotated[
        Path, typer.Option("--deposits", help="Deposit points (shapefile, GeoPackage, GeoJSON).")
    ],
    unit_area: Annotated[
        float, typer.Option("--unit-area", min=0.0, help="Unit cell area in km2.")
    ] = 1.0,
    weights_type: Annotated[
        WeightsTypeChoice, typer.Option("--type", help="Weights type.")
    ] = WeightsTypeChoice.ascending,
    confidence: Annotated[
        float, typer.Option("--confidence", help="Studentized contrast for generalisation.")
    ] = 2.0,
    missing_value: Annotated[
        float | None, typer.Option("--missing-value", help="Class meaning missing data.")
    ] = None,
    convention: Annotated[
        ConventionChoice, typer.Option("--convention", help="Edge rules: GA or ArcSDM.")
    ] = ConventionChoice.ga,
    layer: Annotated[
        str | None, typer.Option("--layer", help="Layer of a multi-layer deposit file.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Weights of evidence of one evidence layer (ArcSDM / GA Calculate Weights).

    With --json, prints the table as a list of records (one per class) with keys class,
    area_km2, area_units, points, wplus, s_wplus, wminus, s_wminus, contrast, s_contrast,
    stud_contrast, gen_class, weight and w_std.
    """
    from bornite.workflows.prospect_wofe import (  # noqa: PLC0415 (fast start-up)
        wofe_from_files,
        wofe_records,
    )

    table = wofe_from_files(
        evidence,
        deposits,
        weights_type=weights_type.value,
        unit_area_km2=unit_area,
        confidence=confidence,
        missing_value=missing_value,
        convention=convention.value,
        layer=layer,
    )
    if json:
        print_json(wofe_records(table)["classes"])
        return
    attrs = table.attrs
    console.print(
        f"{evidence.name}: {len(table)} classes, {attrs['n_deposits']} deposits on "
        f"{attrs['total_area_km2']:.2f} km2 ({attrs['total_area_units']:.2f} unit cells), "
        f"prior {attrs['prior']:.6g}"
    )
    headers = {
        "class": "class",
        "area_km2": "km2",
        "points": "pts",
        "wplus": "W+",
        "s_wplus": "s(W+)",
        "wminus": "W-",
        "s_wminus": "s(W-)",
        "contrast": "C",
        "s_contrast": "s(C)",
        "stud_contrast": "C/s(C)",
        "gen_class": "gen",
        "weight": "weight",
    }
    shown = Table(*headers.values(), title=f"{weights_type.value} weights", title_justify="left")
    for row in table[list(headers)].itertuples(index=False):
        cells = []
        for name, value in zip(headers, row, strict=True):
            if name == "points":
                cells.append(str(int(value)))
            elif name in ("class", "gen_class"):
                cells.append(f"{value:g}")
            elif name == "area_km2":
                cells.append(f"{value:.2f}")
            else:
                cells.append(f"{value:.3f}")
        shown.add_row(*cells)
    console.print(shown)
    if "threshold_class" in attrs:
        console.print(f"generalised pattern: classes up to {attrs['threshold_class']:g}")


@prospect_app.command("run")
@handle_errors
def run_command(
    run_file: Annotated[Path, typer.Argument(help="Prospectivity run file (TOML).")],
    out: OutOption,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
) -> None:
    """Evidence layers and deposits -> prospectivity map, spatial CV, targets, report."""
    from bornite.workflows.prospect import run_prospect_to_dir  # noqa: PLC0415

    with progress_bar("mapping", enabled=not json) as progress:
        record, paths = run_prospect_to_dir(run_file, out, overwrite=overwrite, progress=progress)
    if json:
        print_json(record)
        return
    console.print(
        f"[bold]{record['name']}[/]: {record['method'].replace('_', ' ')} on "
        f"{len(record['layers'])} layers, {record['deposits']} known deposits"
    )
    for scheme, auc in record["cross_validation"].items():
        console.print(
            f"cross-validated AUC ({scheme}): {auc['auc']:.3f} "
            f"[{auc['lower']:.3f}, {auc['upper']:.3f}]"
        )
    permissive = record["permissive"]
    console.print(
        f"permissive tract: {permissive['area_km2']:,.0f} km2 "
        f"({100 * permissive['area_fraction']:.1f} % of the area) holds "
        f"{100 * permissive['capture']:.0f} % of the known deposits"
    )
    table = Table("rank", "km2", "mean p", "max p", "deposits", title="top targets")
    for row in record["targets"][:10]:
        table.add_row(
            str(row["rank"]),
            f"{row['area_km2']:,.1f}",
            f"{row['mean_probability']:.3f}",
            f"{row['max_probability']:.3f}",
            str(row["n_deposits"]),
        )
    console.print(table)
    console.print(f"wrote {len(paths)} files to {out}")
