"""Ranked exploration targets: connected regions of a thresholded prospectivity map.

:func:`extract_targets` keeps the cells at or above a threshold, groups them into connected
regions (:func:`scipy.ndimage.label`), describes each region (area, mean and maximum
probability, centroid, known deposits inside) and ranks them. It returns a table and a label
raster whose cell values are the target ids; turning the raster into polygons (GeoPackage) is
the job of :mod:`bornite.io`. :func:`permissive_tract` outlines the most prospective area
that holds a share of the known deposits, whose area feeds a deposit-density estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr
from scipy import ndimage

from bornite.errors import ValidationError
from bornite.prospectivity.curves import success_rate_curve
from bornite.prospectivity.grid import grid_of, masked_values

__all__ = ["TARGET_COLUMNS", "PermissiveTract", "extract_targets", "permissive_tract"]

#: Columns of the target table, in order.
TARGET_COLUMNS: tuple[str, ...] = (
    "target_id",
    "rank",
    "n_cells",
    "area_km2",
    "mean_probability",
    "max_probability",
    "centroid_easting",
    "centroid_northing",
    "n_deposits",
    "deposits",
)


def extract_targets(
    prospectivity: xr.DataArray,
    *,
    threshold: float | None = None,
    top_fraction: float | None = None,
    deposits: pd.DataFrame | None = None,
    min_cells: int = 1,
    connectivity: Literal[4, 8] = 8,
    rank_by: Literal["max_probability", "mean_probability", "area", "sum_probability"] = (
        "max_probability"
    ),
) -> tuple[pd.DataFrame, xr.DataArray]:
    """Threshold a prospectivity map into ranked target regions.

    Parameters
    ----------
    prospectivity : DataArray
        Prospectivity layer (NaN cells never belong to a target).
    threshold : float, optional
        Cells with values ``>= threshold`` form targets.
    top_fraction : float, optional
        Instead of ``threshold``: keep the most prospective fraction of the valid area (in
        (0, 1]; e.g. 0.05 for the top 5 %). Exactly one of the two must be given.
    deposits : DataFrame, optional
        Known deposits (``easting``, ``northing``, or grid ``row``, ``col``; ``name`` if
        present) to count per target.
    min_cells : int
        Regions smaller than this are dropped (speckle).
    connectivity : {4, 8}
        Cells touching by edges only (4) or also by corners (8).
    rank_by : str
        Ranking criterion, descending; ties are broken by the sum of probabilities, then area.

    Returns
    -------
    (DataFrame, DataArray)
        The table (:data:`TARGET_COLUMNS`; ``target_id`` equals ``rank``; area in km^2
        assumes metre coordinates; ``deposits`` lists the names, ``;``-separated) and the
        label raster (target id, 0 outside targets, NaN on nodata cells).

    Examples
    --------
    >>> from bornite.prospectivity.grid import RasterGrid
    >>> grid = RasterGrid((0.0, 400.0), (100.0, 100.0), (4, 4))
    >>> p = grid.layer([[0.9, 0.8, 0.1, 0.1], [0.7, 0.1, 0.1, 0.1],
    ...                 [0.1, 0.1, 0.1, 0.6], [0.1, 0.1, 0.6, 0.6]])
    >>> table, labels = extract_targets(p, threshold=0.5)
    >>> table[["target_id", "n_cells", "max_probability"]].values.tolist()
    [[1.0, 3.0, 0.9], [2.0, 3.0, 0.6]]
    >>> int(labels.values[3, 3])
    2
    """
    grid = grid_of(prospectivity)
    values = np.asarray(masked_values(prospectivity), dtype=float)
    valid = np.isfinite(values)
    if (threshold is None) == (top_fraction is None):
        msg = "extract_targets needs exactly one of threshold= or top_fraction="
        raise ValidationError(msg)
    if top_fraction is not None:
        if not 0 < top_fraction <= 1:
            msg = f"top_fraction must lie in (0, 1]; got {top_fraction}"
            raise ValidationError(msg)
        if not valid.any():
            msg = "the prospectivity map has no finite cell"
            raise ValidationError(msg)
        threshold = float(np.quantile(values[valid], 1.0 - top_fraction, method="higher"))
    if connectivity not in (4, 8):
        msg = f"connectivity must be 4 or 8; got {connectivity!r}"
        raise ValidationError(msg)
    if int(min_cells) < 1:
        msg = f"min_cells must be >= 1; got {min_cells}"
        raise ValidationError(msg)
    criteria = ("max_probability", "mean_probability", "area", "sum_probability")
    if rank_by not in criteria:
        msg = f"rank_by must be one of {criteria}; got {rank_by!r}"
        raise ValidationError(msg)
    structure = ndimage.generate_binary_structure(2, 1 if connectivity == 4 else 2)
    mask = valid & (np.where(valid, values, -np.inf) >= float(threshold))  # type: ignore[arg-type]
    labels, n = ndimage.label(mask, structure=structure)
    ids = np.arange(1, n + 1)
    n_cells = np.bincount(labels.ravel(), minlength=n + 1)[1:].astype(float)
    filled = np.where(mask, values, 0.0)
    sums = np.asarray(ndimage.sum_labels(filled, labels, ids), dtype=float) if n else np.zeros(0)
    maxima = np.asarray(ndimage.maximum(filled, labels, ids), dtype=float) if n else np.zeros(0)
    rows, cols = np.indices(grid.shape)
    mean_row = np.asarray(ndimage.mean(rows, labels, ids), dtype=float) if n else np.zeros(0)
    mean_col = np.asarray(ndimage.mean(cols, labels, ids), dtype=float) if n else np.zeros(0)
    cx, cy = grid.cell_size
    table = pd.DataFrame(
        {
            "label": ids,
            "n_cells": n_cells,
            "area_km2": n_cells * grid.cell_area / 1e6,
            "mean_probability": sums / np.maximum(n_cells, 1),
            "max_probability": maxima,
            "sum_probability": sums,
            "centroid_easting": grid.origin[0] + (mean_col + 0.5) * cx,
            "centroid_northing": grid.origin[1] - (mean_row + 0.5) * cy,
        }
    )
    table = table[table["n_cells"] >= int(min_cells)]
    key = {"area": "n_cells"}.get(rank_by, rank_by)
    table = table.sort_values(
        [key, "sum_probability", "n_cells", "label"],
        ascending=[False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    table["target_id"] = table["rank"]
    names: list[list[str]] = [[] for _ in range(len(table))]
    if deposits is not None:
        if {"easting", "northing"} <= set(deposits.columns):
            r, c = grid.cell_index(deposits["easting"], deposits["northing"])
        elif {"row", "col"} <= set(deposits.columns):
            r = deposits["row"].to_numpy(dtype=np.int64)
            c = deposits["col"].to_numpy(dtype=np.int64)
            off = (r < 0) | (r >= grid.shape[0]) | (c < 0) | (c >= grid.shape[1])
            r, c = np.where(off, -1, r), np.where(off, -1, c)
        else:
            msg = (
                "deposits: expected columns easting and northing (or row and col); got "
                f"{list(deposits.columns)}"
            )
            raise ValidationError(msg)
        hit = np.where(r >= 0, labels[np.maximum(r, 0), np.maximum(c, 0)], 0)
        position = {int(lab): i for i, lab in enumerate(table["label"])}
        labels_of = (
            deposits["name"].astype(str).tolist()
            if "name" in deposits.columns
            else [str(i) for i in deposits.index]
        )
        for lab, dep in zip(hit, labels_of, strict=True):
            if int(lab) in position:
                names[position[int(lab)]].append(dep)
    table["n_deposits"] = [len(v) for v in names]
    table["deposits"] = [";".join(v) for v in names]
    relabel = np.zeros(n + 1)
    relabel[table["label"].to_numpy(dtype=np.int64)] = table["target_id"].to_numpy(dtype=float)
    raster = np.where(valid, relabel[labels], np.nan)
    out = grid.layer(
        raster,
        name="target_id",
        attrs={"kind": "categorical", "threshold": float(threshold)},  # type: ignore[arg-type]
    )
    result = table[list(TARGET_COLUMNS)].astype(
        {"target_id": np.int64, "rank": np.int64, "n_cells": np.int64, "n_deposits": np.int64}
    )
    return result, out


@dataclass(frozen=True)
class PermissiveTract:
    """The most prospective area that holds a given share of the known deposits.

    Attributes
    ----------
    capture : float
        Share of the known deposits the tract is to hold (0-1).
    threshold : float
        Cells scoring at least this form the tract.
    area_fraction, area_km2, total_area_km2 : float
        The tract's share of the scored area, its area and the scored area.
    basis : str
        ``"out-of-fold"`` (the share of area needed, read from cross-validated scores) or
        ``"in-sample"`` (read from the map's own success-rate curve).
    known_deposits : int
        Known deposits inside the tract on the map.
    """

    capture: float
    threshold: float
    area_fraction: float
    area_km2: float
    total_area_km2: float
    basis: str
    known_deposits: int

    def to_dict(self) -> dict[str, float | int | str]:
        """Plain values, as stored in run records."""
        return {
            "capture": self.capture,
            "threshold": self.threshold,
            "area_fraction": self.area_fraction,
            "area_km2": self.area_km2,
            "total_area_km2": self.total_area_km2,
            "basis": self.basis,
            "known_deposits": self.known_deposits,
        }


def permissive_tract(
    prospectivity: xr.DataArray,
    deposits: npt.ArrayLike,
    capture: float,
    *,
    out_of_fold: pd.DataFrame | None = None,
) -> PermissiveTract:
    """The smallest most-prospective area expected to hold ``capture`` of the deposits.

    A classifier scores its own training deposits too well (a forest nearly memorises them),
    so with ``out_of_fold`` scores (presence-background cross-validation) the share of the
    area is read from them: deposits and background cells were scored by the same fold
    models, background cells are a uniform sample of the area, so the share of background
    scoring at least the deposits' ``1 - capture`` quantile is the share of the area the
    tract needs; the map's own threshold for that share then outlines it. Without them
    (weights of evidence, with a few weights per layer) the map's success-rate curve is used.

    Parameters
    ----------
    prospectivity : xarray.DataArray
        The map (NaN outside the study area).
    deposits : array_like
        Known deposits per cell of the map.
    capture : float
        Share of the deposits, in (0, 1].
    out_of_fold : pandas.DataFrame, optional
        ``presence`` and ``score`` of cross-validated predictions.
    """
    if not 0 < capture <= 1:
        msg = f"capture must be in (0, 1], got {capture}"
        raise ValidationError(msg)
    grid = grid_of(prospectivity)
    values = masked_values(prospectivity)
    valid = np.isfinite(values)
    total_km2 = float(valid.sum()) * grid.cell_area / 1e6
    counts = np.asarray(deposits)
    if out_of_fold is not None:
        presence = out_of_fold["presence"].to_numpy() == 1
        score = out_of_fold["score"].to_numpy(dtype=float)
        cut = float(np.quantile(score[presence], 1.0 - capture, method="lower"))
        fraction = float((score[~presence] >= cut).mean())
        threshold = float(np.quantile(values[valid], 1.0 - fraction, method="higher"))
        basis = "out-of-fold"
    else:
        curve = success_rate_curve(values, counts)
        first = curve[curve["deposit_fraction"] >= capture - 1e-12].iloc[0]
        threshold = float(first["threshold"])
        fraction = float(first["area_fraction"])
        basis = "in-sample"
    inside = np.nan_to_num(values, nan=-np.inf) >= threshold
    return PermissiveTract(
        capture=float(capture),
        threshold=threshold,
        area_fraction=fraction,
        area_km2=fraction * total_km2,
        total_area_km2=total_km2,
        basis=basis,
        known_deposits=int(counts[inside].sum()),
    )
