"""``bornite prospect``: Regional prospectivity."""

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
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Weights of evidence of one evidence layer (ArcSDM / GA Calculate Weights).

    With --json, prints the run record; its results hold the summary and one record per
    class (keys class, area_km2, area_units, points, wplus, s_wplus, wminus, s_wminus,
    contrast, s_contrast, stud_contrast, gen_class, weight and w_std).
    """
    check_db(db, link)
    from bornite.workflows import run_wofe  # noqa: PLC0415 (fast start-up)

    record = run_wofe(
        evidence,
        deposits,
        weights_type=weights_type.value,
        unit_area_km2=unit_area,
        confidence=confidence,
        missing_value=missing_value,
        convention=convention.value,
        layer=layer,
    )
    emit(record, json=json, db=db, link=link)


@prospect_app.command("run")
@handle_errors
def run_command(
    run_file: Annotated[Path, typer.Argument(help="Prospectivity run file (TOML).")],
    out: OutOption,
    overwrite: OverwriteOption = False,
    json: JsonOption = False,
    db: DbOption = None,
    link: LinkOption = None,
) -> None:
    """Evidence layers and deposits -> prospectivity map, spatial CV, targets, report."""
    check_db(db, link)
    from bornite.workflows.prospect import run_prospect_to_dir  # noqa: PLC0415

    with progress_bar("mapping", enabled=not json) as progress:
        record = run_prospect_to_dir(run_file, out, overwrite=overwrite, progress=progress)
    emit(record, json=json, db=db, link=link)
