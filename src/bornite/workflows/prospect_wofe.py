"""Weights-of-evidence workflow: an evidence raster and a deposit file to a weights table."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from bornite.io import points_to_cells, read_points, read_raster
from bornite.prospectivity import WEIGHTS_COLUMNS, weights_of_evidence
from bornite.workflows._run import Headline, RecordTable, RunRecord, input_files

__all__ = ["WOFE_TABLE_COLUMNS", "run_wofe", "wofe_from_files", "wofe_records"]

logger = logging.getLogger(__name__)

#: Columns of the weights table the CLI prints (and their order): the weights table without
#: the per-class (non-cumulative) counts.
WOFE_TABLE_COLUMNS = tuple(c for c in WEIGHTS_COLUMNS if not c.startswith("class_"))


def wofe_from_files(
    evidence: str | Path,
    deposits: str | Path,
    *,
    weights_type: str = "ascending",
    unit_area_km2: float = 1.0,
    confidence: float = 2.0,
    missing_value: float | None = None,
    convention: str = "ga",
    layer: str | None = None,
) -> pd.DataFrame:
    """Read an evidence raster and deposit points, and compute the weights table.

    Parameters
    ----------
    evidence : path
        Integer (class) or continuous raster; nodata is outside the study area.
    deposits : path
        Point file (shapefile, GeoPackage, GeoJSON) in the raster's CRS; points outside
        the raster are refused.
    weights_type, unit_area_km2, confidence, missing_value, convention
        See :class:`bornite.prospectivity.weights.WeightsSpec`.
    layer : str, optional
        Layer of a multi-layer deposit file.

    Returns
    -------
    pandas.DataFrame
        The weights table (:data:`bornite.prospectivity.weights.WEIGHTS_COLUMNS`), with
        ``attrs`` from :func:`~bornite.prospectivity.weights.weights_of_evidence` plus
        ``evidence``, ``deposits`` and ``shared_cells``.
    """
    grid = read_raster(evidence)
    points = read_points(deposits, layer=layer)
    counts = points_to_cells(points, grid)
    table = weights_of_evidence(
        grid,
        counts,
        weights_type=weights_type,  # type: ignore[arg-type]
        unit_area_km2=unit_area_km2,
        confidence=confidence,
        missing_value=missing_value,
        convention=convention,  # type: ignore[arg-type]
    )
    table.attrs.update(
        evidence=str(evidence), deposits=str(deposits), shared_cells=counts.attrs["shared_cells"]
    )
    logger.info("weights of %s: %d classes", evidence, len(table))
    return table


def wofe_records(table: pd.DataFrame) -> dict[str, Any]:
    """The table as JSON-ready data: the summary and one record per class."""
    keep = [c for c in WOFE_TABLE_COLUMNS if c in table.columns]
    attrs = table.attrs
    summary = {
        key: attrs.get(key)
        for key in (
            "evidence",
            "deposits",
            "weights_type",
            "unit_area_km2",
            "convention",
            "confidence",
            "n_deposits",
            "total_area_km2",
            "total_area_units",
            "prior",
            "threshold_class",
            "shared_cells",
        )
        if key in attrs
    }
    return {"summary": summary, "classes": table[keep].to_dict("records")}


def run_wofe(
    evidence: str | Path,
    deposits: str | Path,
    *,
    weights_type: str = "ascending",
    unit_area_km2: float = 1.0,
    confidence: float = 2.0,
    missing_value: float | None = None,
    convention: str = "ga",
    layer: str | None = None,
) -> RunRecord:
    """``bornite prospect wofe``: :func:`wofe_from_files` as a run record; the results hold
    the summary and one record per class (:func:`wofe_records`)."""
    table = wofe_from_files(
        evidence,
        deposits,
        weights_type=weights_type,
        unit_area_km2=unit_area_km2,
        confidence=confidence,
        missing_value=missing_value,
        convention=convention,
        layer=layer,
    )
    attrs = table.attrs
    headline = [
        Headline("n_deposits", "deposits on the evidence", int(attrs["n_deposits"]), "count"),
        Headline("total_area_km2", "study area", float(attrs["total_area_km2"]), "km2"),
        Headline("total_area_units", "unit cells", float(attrs["total_area_units"])),
        Headline("prior", "prior probability per unit cell", float(attrs["prior"])),
    ]
    if "threshold_class" in attrs:
        headline.append(
            Headline(
                "threshold_class", "generalised pattern: classes up to", attrs["threshold_class"]
            )
        )
    # the printed table leaves out area in unit cells and the weight's sd (in the files)
    columns = [
        c for c in WOFE_TABLE_COLUMNS if c in table.columns and c not in ("area_units", "w_std")
    ]
    return RunRecord(
        kind="wofe",
        name=Path(evidence).stem,
        inputs=input_files({"evidence": Path(evidence), "deposits": Path(deposits)}),
        parameters={
            "weights_type": weights_type,
            "unit_area_km2": unit_area_km2,
            "confidence": confidence,
            "missing_value": missing_value,
            "convention": convention,
            "layer": layer,
        },
        headline=tuple(headline),
        tables={
            "weights": RecordTable.from_frame(
                f"{weights_type} weights (in-sample: fitted to these deposits)",
                table[columns],
                units={"class": "", "gen_class": "", "points": "count"},
                basis="in-sample",
                shown=100,
            )
        },
        results=wofe_records(table),
    )
