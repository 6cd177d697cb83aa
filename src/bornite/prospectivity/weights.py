"""Weights of evidence: weights tables, generalisation, posterior probability, CI test.

Weights of evidence (Bonham-Carter, 1994) compares the proportion of known deposits on an
evidence pattern with the proportion of the study area that the pattern covers. bornite
follows ArcSDM's *Calculate Weights* and *Calculate Response* tools (Raines, Sawatzky and
Bonham-Carter; GTK) and Geoscience Australia's R port of them (Ford, MPM-WofE), and
reproduces Geoscience Australia's published Cloncurry IOCG tables to every printed digit
(see ``docs/prospectivity-wofe.md``).

Conventions
-----------
* An evidence layer is a 2-D :class:`xarray.DataArray` with dims ``("northing", "easting")``,
  ``attrs["cell_size"] = (x, y)`` in metres (the CRS must be projected), NaN for cells
  outside the study area, or a plain NumPy array of class values (then pass
  ``cell_size`` or ``cell_area_km2``). Integer layers may mark the outside with
  ``attrs["nodata"]``. Every distinct value is a class (integer codes, or the distinct
  values of a continuous layer).
* Deposits are a same-shaped array of counts per cell (or a boolean mask). Every deposit
  counts, also when several fall in one cell, as in ArcSDM (its point statistics count
  training points, not cells) and in Geoscience Australia's port; pass ``one_per_cell=True``
  to count occupied cells instead (ArcSDM expects training sites thinned to one per unit
  cell beforehand).
* Areas are ``cells x cell area`` in km2 and, divided by the unit cell area, in *unit
  cells*: the weights are computed from areas in unit cells and point counts.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr
from scipy import stats

from bornite.errors import BorniteWarning, ValidationError

__all__ = [
    "WEIGHTS_COLUMNS",
    "ConditionalIndependenceResult",
    "WeightsSpec",
    "class_frequencies",
    "conditional_independence_test",
    "generalise_weights",
    "posterior_probability",
    "weights_from_counts",
    "weights_of_evidence",
    "weights_raster",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
WeightsType = Literal["ascending", "descending", "categorical", "unique"]
Generalisation = Literal["max_contrast", "max_studentized_contrast", "manual", "none"]
Convention = Literal["ga", "arcsdm"]

#: Columns of a weights table, in order.
WEIGHTS_COLUMNS = (
    "class",
    "class_cells",
    "class_area_km2",
    "class_points",
    "area_km2",
    "area_units",
    "points",
    "wplus",
    "s_wplus",
    "wminus",
    "s_wminus",
    "contrast",
    "s_contrast",
    "stud_contrast",
    "gen_class",
    "weight",
    "w_std",
)

#: Generalised class of cells that are not in the pattern / in the pattern (ArcSDM codes).
_OUTSIDE, _INSIDE = 1, 2
#: Generalised class when no row reaches the confidence (Geoscience Australia's code).
_NO_CONFIDENCE = 999
#: Cells per block when layers are read in row blocks (bounds memory for 1e8-cell grids).
_BLOCK_CELLS = 2_000_000
#: Largest integer class range counted with ``bincount`` instead of ``unique``.
_BINCOUNT_RANGE = 2_000_000


@dataclass(frozen=True)
class WeightsSpec:
    """How a weights table is calculated and generalised, validated on construction.

    Parameters
    ----------
    weights_type : {"ascending", "descending", "categorical", "unique"}
        ``ascending``: cumulative from the smallest class up (low values favourable, e.g.
        distance to a structure); ``descending``: cumulative from the largest class down;
        ``categorical``: each class against the rest; ``unique``: per-class weights without
        generalisation (ArcSDM's *Unique*).
    unit_area_km2 : float
        Area of the unit cell in km2 (> 0). Areas in unit cells are ``area_km2 /
        unit_area_km2``.
    confidence : float
        Studentized contrast a generalisation needs (ArcSDM's *Confidence level of
        contrast*; 2 is about 98 % one-tailed).
    generalisation : {"max_contrast", "max_studentized_contrast", "manual", "none"}
        How ascending/descending tables become a binary pattern: the row of maximum
        contrast, of maximum studentized contrast, or the class ``threshold_class``.
        Categorical tables use ``manual`` with ``pattern_classes`` for a binary pattern;
        otherwise each class keeps its own weight (see ``convention``).
    threshold_class : float, optional
        The last class of the pattern with ``generalisation="manual"`` (ascending or
        descending).
    pattern_classes : sequence of float, optional
        The classes forming the pattern with ``generalisation="manual"`` (categorical).
    missing_value : float, optional
        The class that means *missing data* inside the study area (ArcSDM's missing data
        value): it gets zero weights, is left out of totals and cumulative sums, and keeps
        ``gen_class = missing_value``. Cells outside the study area are NaN instead.
    convention : {"ga", "arcsdm"}
        Edge rules that differ between the two reference implementations:

        * the area removed from the pattern when it holds all deposits (``b = s + db - ds -
          k``): ``k = 0.99`` (GA) or ``0.01`` (ArcSDM);
        * a pattern smaller than its deposit count: ``b = db + 1`` (GA) or zero weights
          (ArcSDM);
        * the total of deposits ``ds``: every deposit given (GA, ``nrow(deposits)``) or
          only those on classified cells (ArcSDM);
        * maximum contrast over all rows once any row is confident (GA) or over confident
          rows only (ArcSDM);
        * categorical generalisation: every class keeps its W+ (GA), or classes with
          ``|stud_contrast| < confidence`` are pooled into one class ``99`` (+100s) with
          pooled weights (ArcSDM);
        * class areas: ``(cells * (dx/1000)) * (dx/1000)`` (GA, R's arithmetic, x
          resolution only) or ``cells * dx * dy / 1e6`` (ArcSDM).
    one_per_cell : bool
        Count occupied cells instead of deposits.
    """

    weights_type: WeightsType = "ascending"
    unit_area_km2: float = 1.0
    confidence: float = 2.0
    generalisation: Generalisation = "max_contrast"
    threshold_class: float | None = None
    pattern_classes: tuple[float, ...] | None = None
    missing_value: float | None = None
    convention: Convention = "ga"
    one_per_cell: bool = False

    def __post_init__(self) -> None:
        types = ("ascending", "descending", "categorical", "unique")
        if self.weights_type not in types:
            msg = f"weights_type must be one of {types}, got {self.weights_type!r}"
            raise ValidationError(msg)
        if not (math.isfinite(self.unit_area_km2) and self.unit_area_km2 > 0):
            msg = f"unit_area_km2 must be a positive number of km2, got {self.unit_area_km2!r}"
            raise ValidationError(msg)
        if not math.isfinite(self.confidence):
            msg = f"confidence must be a finite studentized contrast, got {self.confidence!r}"
            raise ValidationError(msg)
        methods = ("max_contrast", "max_studentized_contrast", "manual", "none")
        if self.generalisation not in methods:
            msg = f"generalisation must be one of {methods}, got {self.generalisation!r}"
            raise ValidationError(msg)
        if self.convention not in ("ga", "arcsdm"):
            msg = f"convention must be 'ga' or 'arcsdm', got {self.convention!r}"
            raise ValidationError(msg)
        if self.pattern_classes is not None:
            object.__setattr__(self, "pattern_classes", tuple(self.pattern_classes))
        if self.generalisation == "manual":
            cumulative = self.weights_type in ("ascending", "descending")
            if cumulative and self.threshold_class is None:
                msg = (
                    f"generalisation='manual' of a {self.weights_type} table needs "
                    "threshold_class (the last class of the pattern)"
                )
                raise ValidationError(msg)
            if not cumulative and not self.pattern_classes:
                msg = (
                    f"generalisation='manual' of a {self.weights_type} table needs "
                    "pattern_classes (the classes forming the pattern)"
                )
                raise ValidationError(msg)


@dataclass(frozen=True)
class ConditionalIndependenceResult:
    """Agterberg-Cheng conditional independence test of a posterior probability map.

    Attributes
    ----------
    n_deposits : int
        Observed number of training deposits ``n``.
    expected_deposits : float
        ``T``, the sum of posterior probabilities over the study area in unit cells.
    std_expected : float
        Standard deviation of ``T``.
    ratio : float
        ``n / T``; below about 0.85 suggests conditional dependence (Bonham-Carter 1994).
    z : float
        ``(T - n) / std(T)``.
    probability : float
        One-tailed probability (0-1) that the model is *not* conditionally independent,
        ``Phi(z)``; above 0.95 rejects conditional independence.
    overall_ci : float
        ArcSDM's "overall CI" in percent, ``100 (1 - |2 Phi(z) - 1|)``.
    """

    n_deposits: int
    expected_deposits: float
    std_expected: float
    ratio: float
    z: float
    probability: float
    overall_ci: float = field(default=0.0)

    def to_dict(self) -> dict[str, float]:
        """The result as a plain dictionary (for JSON)."""
        return {
            "n_deposits": self.n_deposits,
            "expected_deposits": self.expected_deposits,
            "std_expected": self.std_expected,
            "ratio": self.ratio,
            "z": self.z,
            "probability": self.probability,
            "overall_ci": self.overall_ci,
        }


# ----------------------------------------------------------------------------- grids


def _grid_values(layer: Any, name: str) -> Any:
    """The 2-D values of a layer (NumPy, dask or lazily loaded), without loading them."""
    data = layer.data if isinstance(layer, xr.DataArray) else layer
    if not hasattr(data, "shape") or not hasattr(data, "dtype"):
        data = np.asarray(data)
    if len(data.shape) != 2:
        msg = f"{name} must be a 2-D grid (northing, easting), got shape {tuple(data.shape)}"
        raise ValidationError(msg)
    return data


def _nodata(layer: Any) -> float | None:
    if isinstance(layer, xr.DataArray):
        value = layer.attrs.get("nodata")
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            return float(value)
    return None


def _row_blocks(shape: tuple[int, ...], block_cells: int = _BLOCK_CELLS) -> Iterator[slice]:
    rows = max(1, block_cells // max(1, shape[1]))
    for start in range(0, shape[0], rows):
        yield slice(start, min(start + rows, shape[0]))


def _cell_size(layer: Any, cell_size: tuple[float, float] | None) -> tuple[float, float] | None:
    if cell_size is not None:
        return (float(cell_size[0]), float(cell_size[1]))
    if isinstance(layer, xr.DataArray):
        size = layer.attrs.get("cell_size")
        if size is not None:
            return (abs(float(size[0])), abs(float(size[1])))
        if "easting" in layer.coords and "northing" in layer.coords and min(layer.shape) > 1:
            dx = float(abs(layer["easting"][1] - layer["easting"][0]))
            dy = float(abs(layer["northing"][1] - layer["northing"][0]))
            return (dx, dy)
    return None


def _class_areas(
    cells: npt.NDArray[np.int64],
    cell_size: tuple[float, float] | None,
    cell_area_km2: float | None,
    convention: Convention,
) -> FloatArray:
    counts = cells.astype(np.float64)
    if cell_area_km2 is not None:
        return counts * float(cell_area_km2)
    if cell_size is None:
        msg = (
            "the cell size of the evidence layer is unknown; pass a DataArray with "
            "attrs['cell_size'] = (x, y) in metres, or cell_size= / cell_area_km2="
        )
        raise ValidationError(msg)
    dx, dy = cell_size
    if convention == "ga":
        side = dx / 1000.0
        return (counts * side) * side
    return counts * (dx * dy) / 1_000_000.0


# ----------------------------------------------------------------------------- counting


def class_frequencies(
    evidence: Any,
    deposits: Any,
    *,
    one_per_cell: bool = False,
) -> pd.DataFrame:
    """Cells and deposits per class of an evidence layer, read in row blocks.

    Parameters
    ----------
    evidence : xarray.DataArray or array_like, 2-D
        Class values; NaN (or ``attrs["nodata"]`` of an integer DataArray) marks cells
        outside the study area. Dask-backed arrays are read block by block.
    deposits : array_like, 2-D
        Deposits per cell (non-negative integers) or a boolean mask, same shape.
    one_per_cell : bool
        Count occupied cells instead of deposits.

    Returns
    -------
    pandas.DataFrame
        ``class`` (ascending), ``cells``, ``points`` and ``occupied_cells`` (cells holding
        at least one deposit); ``attrs`` holds
        ``points_total`` (all deposits given) and ``points_outside`` (deposits on NaN or
        nodata cells, not counted in any class).

    Notes
    -----
    Integer layers with a class range below two million are counted with
    :func:`numpy.bincount`, others with :func:`numpy.unique` per block and merged, so a
    continuous layer with many distinct values costs a sort per block, not a pass per
    class.

    Examples
    --------
    >>> import numpy as np
    >>> table = class_frequencies(np.array([[1, 1, 2], [2, 3, np.nan]]),
    ...                           np.array([[1, 0, 0], [2, 0, 1]]))
    >>> table[["class", "cells", "points"]].to_dict("list")
    {'class': [1.0, 2.0, 3.0], 'cells': [2, 2, 1], 'points': [1, 2, 0]}
    >>> table.attrs["points_outside"]
    1
    """
    values = _grid_values(evidence, "evidence")
    counts = _grid_values(deposits, "deposits")
    if tuple(values.shape) != tuple(counts.shape):
        msg = (
            f"deposits grid has shape {tuple(counts.shape)} but the evidence layer has "
            f"{tuple(values.shape)}; rasterise the deposits on the evidence grid "
            "(bornite.io.vector.points_to_cells)"
        )
        raise ValidationError(msg)
    nodata = _nodata(evidence)
    is_int = np.issubdtype(values.dtype, np.integer)
    offset = 0
    span = 0
    if is_int:
        low, high = _int_range(values, nodata)
        offset, span = low, high - low + 1
    use_bincount = is_int and 0 < span <= _BINCOUNT_RANGE
    cell_bins = np.zeros(span if use_bincount else 0, dtype=np.int64)
    uniques: list[np.ndarray] = []
    ucounts: list[np.ndarray] = []
    point_values: list[np.ndarray] = []
    point_weights: list[np.ndarray] = []
    point_cells: list[np.ndarray] = []
    points_total = 0
    points_outside = 0
    for rows in _row_blocks(tuple(values.shape)):
        block = np.asarray(values[rows]).ravel()
        dep = np.asarray(counts[rows]).ravel()
        if dep.dtype == np.bool_:
            dep = dep.astype(np.int64)
        valid = _valid_mask(block, nodata)
        hit = np.flatnonzero(dep)
        if hit.size:
            raw = dep[hit]
            if raw.dtype.kind == "f" and not np.all(np.isfinite(raw) & (raw == np.round(raw))):
                msg = (
                    "deposits grid holds NaN or fractional counts; expected whole numbers of "
                    "deposits per cell (0 where none) or a boolean mask"
                )
                raise ValidationError(msg)
            k = raw.astype(np.int64)
            if np.any(k < 0):
                msg = "deposits grid holds negative counts; expected counts >= 0 or a mask"
                raise ValidationError(msg)
            if one_per_cell:
                k = np.ones_like(k)
            points_total += int(k.sum())
            inside = valid[hit] if valid is not None else np.ones(hit.size, dtype=bool)
            points_outside += int(k[~inside].sum())
            point_values.append(block[hit[inside]])
            point_weights.append(k[inside])
            point_cells.append(np.ones(int(inside.sum()), dtype=np.int64))
        kept = block if valid is None else block[valid]
        if use_bincount:
            cell_bins += np.bincount(kept.astype(np.int64) - offset, minlength=span)
        elif kept.size:
            u, c = np.unique(kept, return_counts=True)
            uniques.append(u)
            ucounts.append(c)
    if use_bincount:
        present = np.flatnonzero(cell_bins)
        classes: np.ndarray = (present + offset).astype(np.float64)
        cells = cell_bins[present]
    elif uniques:
        merged, inverse = np.unique(np.concatenate(uniques), return_inverse=True)
        cells = np.bincount(inverse, weights=np.concatenate(ucounts)).astype(np.int64)
        classes = merged.astype(np.float64)
    else:
        classes = np.empty(0)
        cells = np.empty(0, dtype=np.int64)
    points = np.zeros(classes.size, dtype=np.int64)
    occupied = np.zeros(classes.size, dtype=np.int64)
    if point_values:
        pv = np.concatenate(point_values).astype(np.float64)
        where = np.searchsorted(classes, pv)
        np.add.at(points, where, np.concatenate(point_weights))
        np.add.at(occupied, where, np.concatenate(point_cells))
    table = pd.DataFrame(
        {"class": classes, "cells": cells, "points": points, "occupied_cells": occupied}
    )
    table.attrs.update(points_total=points_total, points_outside=points_outside)
    return table


def _int_range(values: Any, nodata: float | None) -> tuple[int, int]:
    low, high = None, None
    for rows in _row_blocks(tuple(values.shape)):
        block = np.asarray(values[rows]).ravel()
        if nodata is not None:
            block = block[block != nodata]
        if block.size == 0:
            continue
        b_low, b_high = int(block.min()), int(block.max())
        low = b_low if low is None else min(low, b_low)
        high = b_high if high is None else max(high, b_high)
    if low is None or high is None:
        return 0, -1
    return low, high


def _valid_mask(block: np.ndarray, nodata: float | None) -> np.ndarray | None:
    if np.issubdtype(block.dtype, np.floating):
        valid = ~np.isnan(block)
        if nodata is not None:
            valid &= block != nodata
        return None if valid.all() else valid
    if nodata is not None:
        valid = block != nodata
        return None if valid.all() else valid
    return None


# ----------------------------------------------------------------------------- weights


def _weights_stats(
    db_in: FloatArray, ds: float, b_in: FloatArray, s: float, convention: Convention
) -> tuple[FloatArray, ...]:
    """W+, s(W+), W-, s(W-), C, s(C), C/s(C) of patterns with ``db`` deposits on ``b`` units.

    Operations are ordered as in ArcSDM and the GA port so that results agree bit for bit.
    """
    n = db_in.size
    out = [np.zeros(n) for _ in range(7)]
    ds_f = float(ds)
    s_f = float(s)
    trim = 0.99 if convention == "ga" else 0.01
    for i in range(n):
        db = float(db_in[i])
        b = float(b_in[i])
        if db > ds_f:
            msg = (
                f"a pattern holds {db:g} deposits but the study area only {ds_f:g}; "
                "check the deposit counts"
            )
            raise ValidationError(msg)
        if db == 0:
            continue
        if db == ds_f:
            db = db - 0.99
        if (s_f - b) <= (ds_f - db):
            b = s_f + db - ds_f - trim
        if (b - db) <= 0.0:
            if convention == "arcsdm":
                continue
            b = db + 1
        pbd = db / ds_f
        pbdb = (b - db) / (s_f - ds_f)
        wp = math.log(pbd / pbdb)
        vp = (1.0 / db) + (1.0 / (b - db))
        pbbd = (ds_f - db) / ds_f
        pbbdb = (s_f - b - ds_f + db) / (s_f - ds_f)
        wm = math.log(pbbd / pbbdb)
        vm = (1.0 / (ds_f - db)) + (1.0 / (s_f - b - ds_f + db))
        c = wp - wm
        sc = math.sqrt(vp + vm)
        values = (wp, math.sqrt(vp), wm, math.sqrt(vm), c, sc, c / sc)
        for column, value in zip(out, values, strict=True):
            column[i] = value
    return tuple(out)


def weights_from_counts(
    frequencies: pd.DataFrame,
    spec: WeightsSpec | None = None,
    *,
    cell_size: tuple[float, float] | None = None,
    cell_area_km2: float | None = None,
    n_deposits: int | None = None,
) -> pd.DataFrame:
    """The weights table of a class frequency table (see :func:`class_frequencies`).

    Parameters
    ----------
    frequencies : pandas.DataFrame
        ``class``, ``cells``, ``points`` (one row per class, any order).
    spec : WeightsSpec, optional
        How to calculate and generalise (default: ascending, unit area 1 km2).
    cell_size : (float, float), optional
        Cell size ``(x, y)`` in metres, or ``cell_area_km2`` directly.
    n_deposits : int, optional
        Total deposits ``ds``; by default ``frequencies.attrs["points_total"]`` (GA) or the
        points on classified cells (ArcSDM).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WEIGHTS_COLUMNS`. For ascending and descending tables ``area_km2``,
        ``area_units`` and ``points`` are cumulative (``class_*`` are per class). ``attrs``
        holds the specification, ``n_deposits``, ``total_area_km2``, ``total_area_units``
        and ``prior`` (deposits per unit cell).

    Notes
    -----
    With ``b`` the pattern area and ``s`` the study area in unit cells, ``db`` the deposits
    on the pattern and ``ds`` all deposits:

    .. math::

        W^+ = \\ln\\frac{db/ds}{(b-db)/(s-ds)}, \\quad
        W^- = \\ln\\frac{(ds-db)/ds}{(s-b-ds+db)/(s-ds)},

        s^2(W^+) = \\frac{1}{db} + \\frac{1}{b-db}, \\quad
        s^2(W^-) = \\frac{1}{ds-db} + \\frac{1}{s-b-ds+db},

    contrast ``C = W+ - W-``, ``s(C) = sqrt(s2(W+) + s2(W-))`` and the studentized contrast
    ``C / s(C)``. A pattern without deposits gets zero weights. A pattern with every
    deposit uses ``db = ds - 0.99``, and when ``s - b <= ds - db`` the pattern area is
    reduced to ``s + db - ds - 0.99`` (GA; ArcSDM: ``- 0.01``) so that W- stays finite.
    """
    spec = spec or WeightsSpec()
    missing = {"class", "cells", "points"} - set(frequencies.columns)
    if missing:
        msg = f"frequency table lacks columns {sorted(missing)}; use class_frequencies()"
        raise ValidationError(msg)
    if frequencies.empty or int(frequencies["cells"].sum()) == 0:
        msg = (
            "the evidence layer has no classified cells (every cell is nodata); check its "
            "nodata value and that it covers the study area"
        )
        raise ValidationError(msg)
    descending = spec.weights_type == "descending"
    freq = frequencies.sort_values("class", ascending=not descending, kind="stable")
    classes = freq["class"].to_numpy(dtype=np.float64)
    cells = freq["cells"].to_numpy(dtype=np.int64)
    class_points = freq["points"].to_numpy(dtype=np.int64)
    class_area = _class_areas(cells, cell_size, cell_area_km2, spec.convention)
    is_missing = (
        classes == spec.missing_value
        if spec.missing_value is not None
        else np.zeros(classes.size, dtype=bool)
    )
    use_area = np.where(is_missing, 0.0, class_area)
    use_points = np.where(is_missing, 0, class_points)
    cumulative = spec.weights_type in ("ascending", "descending")
    if cumulative:
        area_km2 = np.cumsum(use_area)
        points = np.cumsum(use_points)
        total_area = float(area_km2[-1]) if area_km2.size else 0.0
        area_km2 = np.where(is_missing, class_area, area_km2)
        points = np.where(is_missing, class_points, points)
    else:
        area_km2 = class_area.copy()
        points = class_points.copy()
        total_area = math.fsum(use_area.tolist())
    area_units = area_km2 / spec.unit_area_km2
    total_units = total_area / spec.unit_area_km2
    if n_deposits is not None:
        ds = int(n_deposits)
    elif spec.convention == "ga":
        ds = int(frequencies.attrs.get("points_total", int(use_points.sum())))
    else:
        ds = int(use_points.sum())
    if ds <= 0:
        msg = (
            "no deposits fall on the classified cells of the evidence layer; check that the "
            "deposits and the evidence layer share a grid and CRS"
        )
        raise ValidationError(msg)
    if total_units <= ds:
        msg = (
            f"the study area holds {total_units:g} unit cells but {ds} deposits; the unit "
            f"cell ({spec.unit_area_km2:g} km2) is too large for the study area"
        )
        raise ValidationError(msg)
    stats_cols = _weights_stats(
        points.astype(np.float64), ds, area_units, total_units, spec.convention
    )
    table = pd.DataFrame(
        {
            "class": classes,
            "class_cells": cells,
            "class_area_km2": class_area,
            "class_points": class_points,
            "area_km2": area_km2,
            "area_units": area_units,
            "points": points,
        }
    )
    for name, column in zip(WEIGHTS_COLUMNS[7:14], stats_cols, strict=True):
        table[name] = np.where(is_missing, 0.0, column)
    table.attrs.update(
        weights_type=spec.weights_type,
        unit_area_km2=spec.unit_area_km2,
        convention=spec.convention,
        confidence=spec.confidence,
        missing_value=spec.missing_value,
        n_deposits=ds,
        total_area_km2=total_area,
        total_area_units=total_units,
        prior=ds / total_units,
    )
    return generalise_weights(table, spec, cell_size=cell_size, cell_area_km2=cell_area_km2)


def generalise_weights(
    table: pd.DataFrame,
    spec: WeightsSpec,
    *,
    cell_size: tuple[float, float] | None = None,
    cell_area_km2: float | None = None,
) -> pd.DataFrame:
    """Fill ``gen_class``, ``weight`` and ``w_std`` of a weights table.

    Ascending and descending tables become binary: rows up to the chosen row are the
    pattern (``gen_class`` 2, its W+ and s(W+)), the rest its complement (``gen_class`` 1,
    its W- and s(W-)). Categorical tables keep one weight per class (GA), or pool the
    classes that are not confident (ArcSDM), or, with ``generalisation="manual"``, become
    the binary pattern ``pattern_classes``. Unique tables keep their classes with zero
    weights (as ArcSDM). When no row reaches ``spec.confidence`` the classes get
    ``gen_class`` 999 and zero weights, with a :class:`~bornite.errors.BorniteWarning`.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with the three columns set; ``attrs["pattern_row"]`` is the
        chosen row (cumulative tables).
    """
    out = table.copy()
    out.attrs = dict(table.attrs)
    n = len(out)
    classes = out["class"].to_numpy(dtype=np.float64)
    is_missing = (
        classes == spec.missing_value if spec.missing_value is not None else np.zeros(n, dtype=bool)
    )
    studc = out["stud_contrast"].to_numpy()
    contrast = out["contrast"].to_numpy()
    gen = np.full(n, float(_NO_CONFIDENCE))
    weight = np.zeros(n)
    w_std = np.zeros(n)
    usable = ~is_missing
    confident = usable & (studc >= spec.confidence)
    if spec.weights_type == "unique" or spec.generalisation == "none":
        gen = classes.copy()
    elif spec.weights_type in ("ascending", "descending"):
        row = _pattern_row(out, spec, usable, confident, contrast, studc)
        if row is not None:
            inside = np.arange(n) <= row
            gen = np.where(inside, float(_INSIDE), float(_OUTSIDE))
            picked = out.iloc[row]
            wplus, wminus = float(picked["wplus"]), float(picked["wminus"])
            s_wplus, s_wminus = float(picked["s_wplus"]), float(picked["s_wminus"])
            weight = np.where(inside, wplus, wminus)
            w_std = np.where(inside, s_wplus, s_wminus)
            out.attrs["pattern_row"] = int(row)
            out.attrs["threshold_class"] = float(classes[row])
    elif spec.generalisation == "manual":
        assert spec.pattern_classes is not None  # checked by WeightsSpec
        inside = np.isin(classes, np.asarray(spec.pattern_classes, dtype=np.float64))
        unknown = set(spec.pattern_classes) - set(classes.tolist())
        if unknown:
            msg = f"pattern_classes {sorted(unknown)} are not classes of the evidence layer"
            raise ValidationError(msg)
        pooled = _pooled_weights(out, inside & usable, spec, cell_size, cell_area_km2)
        gen = np.where(inside, float(_INSIDE), float(_OUTSIDE))
        weight = np.where(inside, pooled[0], pooled[2])
        w_std = np.where(inside, pooled[1], pooled[3])
    elif confident.any() or (
        spec.convention == "arcsdm" and np.any(usable & (np.abs(studc) >= spec.confidence))
    ):
        gen = classes.copy()
        weight = out["wplus"].to_numpy().copy()
        w_std = out["s_wplus"].to_numpy().copy()
        if spec.convention == "arcsdm":
            outside = usable & (np.abs(studc) < spec.confidence)
            if outside.any():
                code = 99.0
                for value in classes[outside]:
                    if value >= code:
                        code += 100.0
                if np.any(classes[~outside] == code):
                    msg = (
                        f"the pooled class code {code:g} is also an evidence class; "
                        "recode the evidence layer"
                    )
                    raise ValidationError(msg)
                pooled = _pooled_weights(out, outside, spec, cell_size, cell_area_km2)
                gen = np.where(outside, code, gen)
                weight = np.where(outside, pooled[0], weight)
                w_std = np.where(outside, pooled[1], w_std)
    if not (spec.weights_type == "unique" or spec.generalisation == "none") and np.all(
        gen[usable] == _NO_CONFIDENCE
    ):
        warnings.warn(
            f"no class of the {spec.weights_type} weights table reaches a studentized "
            f"contrast of {spec.confidence:g}; the table is not generalised (gen_class 999, "
            "zero weights). Lower confidence= or choose generalisation='manual'",
            BorniteWarning,
            stacklevel=2,
        )
    gen = np.where(is_missing, classes, gen)
    out["gen_class"] = gen
    out["weight"] = np.where(is_missing, 0.0, weight)
    out["w_std"] = np.where(is_missing, 0.0, w_std)
    out.attrs.update(generalisation=spec.generalisation)
    return out


def _pattern_row(
    table: pd.DataFrame,
    spec: WeightsSpec,
    usable: np.ndarray,
    confident: np.ndarray,
    contrast: np.ndarray,
    studc: np.ndarray,
) -> int | None:
    if spec.generalisation == "manual":
        classes = table["class"].to_numpy(dtype=np.float64)
        rows = np.flatnonzero(classes == float(spec.threshold_class))  # type: ignore[arg-type]
        if rows.size == 0:
            msg = (
                f"threshold_class {spec.threshold_class!r} is not a class of the evidence "
                f"layer (classes {classes.min():g} .. {classes.max():g})"
            )
            raise ValidationError(msg)
        return int(rows[0])
    if not confident.any():
        return None
    if spec.generalisation == "max_studentized_contrast":
        return int(np.argmax(np.where(usable, studc, -np.inf)))
    if spec.convention == "ga":
        return int(np.argmax(np.where(usable, contrast, -np.inf)))
    return int(np.argmax(np.where(confident, contrast, -np.inf)))


def _pooled_weights(
    table: pd.DataFrame,
    rows: np.ndarray,
    spec: WeightsSpec,
    cell_size: tuple[float, float] | None,
    cell_area_km2: float | None,
) -> tuple[float, float, float, float]:
    area = math.fsum(table.loc[rows, "class_area_km2"].tolist()) / spec.unit_area_km2
    points = float(table.loc[rows, "class_points"].sum())
    if points == 0 and spec.convention == "arcsdm":
        points = 0.01
    ds = float(table.attrs["n_deposits"])
    s = float(table.attrs["total_area_units"])
    result = _weights_stats(np.array([points]), ds, np.array([area]), s, spec.convention)
    return (
        float(result[0][0]),
        float(result[1][0]),
        float(result[2][0]),
        float(result[3][0]),
    )


def weights_of_evidence(
    evidence: Any,
    deposits: Any,
    *,
    weights_type: WeightsType = "ascending",
    unit_area_km2: float = 1.0,
    confidence: float = 2.0,
    generalisation: Generalisation = "max_contrast",
    threshold_class: float | None = None,
    pattern_classes: Sequence[float] | None = None,
    missing_value: float | None = None,
    convention: Convention = "ga",
    one_per_cell: bool = False,
    cell_size: tuple[float, float] | None = None,
    cell_area_km2: float | None = None,
    n_deposits: int | None = None,
) -> pd.DataFrame:
    """Weights-of-evidence table of one evidence layer (ArcSDM *Calculate Weights*).

    Parameters
    ----------
    evidence : xarray.DataArray or array_like, 2-D
        Class values (see the module conventions); NaN outside the study area.
    deposits : array_like, 2-D
        Deposits per cell or a boolean mask on the same grid.
    weights_type, unit_area_km2, confidence, generalisation, threshold_class, \
pattern_classes, missing_value, convention, one_per_cell
        See :class:`WeightsSpec`.
    cell_size : (float, float), optional
        Cell size in metres when ``evidence`` is a plain array (or to override
        ``attrs["cell_size"]``); or give ``cell_area_km2``.
    n_deposits : int, optional
        Total deposits ``ds`` (default: see :class:`WeightsSpec`, ``convention``).

    Returns
    -------
    pandas.DataFrame
        The weights table, columns :data:`WEIGHTS_COLUMNS` (see :func:`weights_from_counts`).

    Raises
    ------
    bornite.errors.ValidationError
        Mismatched grids, no deposits on the study area, a unit cell too large, or an
        invalid specification.

    Examples
    --------
    >>> import numpy as np
    >>> distance = np.repeat(np.arange(1.0, 11.0), 100).reshape(20, 50)
    >>> deposits = np.zeros((20, 50), dtype=int)
    >>> deposits[0, :8] = 1          # eight deposits in class 1 ...
    >>> deposits[2, :2] = 1          # ... and two in class 2
    >>> table = weights_of_evidence(distance, deposits, cell_area_km2=1.0)
    >>> table[["class", "points", "contrast"]].head(2).round(3).to_dict("list")
    {'class': [1.0, 2.0], 'points': [8, 10], 'contrast': [3.665, 3.64]}
    >>> table.attrs["threshold_class"], table["gen_class"].tolist()[:3]
    (1.0, [2.0, 1.0, 1.0])
    """
    spec = WeightsSpec(
        weights_type=weights_type,
        unit_area_km2=unit_area_km2,
        confidence=confidence,
        generalisation=generalisation,
        threshold_class=threshold_class,
        pattern_classes=tuple(pattern_classes) if pattern_classes is not None else None,
        missing_value=missing_value,
        convention=convention,
        one_per_cell=one_per_cell,
    )
    freq = class_frequencies(evidence, deposits, one_per_cell=spec.one_per_cell)
    if freq.attrs["points_outside"]:
        logger.info(
            "%d deposits fall on cells outside the study area (NaN or nodata)",
            freq.attrs["points_outside"],
        )
    size = _cell_size(evidence, cell_size)
    return weights_from_counts(
        freq, spec, cell_size=size, cell_area_km2=cell_area_km2, n_deposits=n_deposits
    )


# ----------------------------------------------------------------------------- response


def _class_index(block: np.ndarray, classes: pd.Index) -> npt.NDArray[np.intp]:
    """Row of each cell's class in ``classes``; ``len(classes)`` when absent or NaN.

    A hash look-up (pandas) rather than a binary search: with unsorted cell values a
    binary search mispredicts a branch at almost every step and is several times slower.
    """
    where = np.asarray(
        classes.get_indexer(np.asarray(block, dtype=np.float64).ravel()),  # type: ignore[arg-type]
        dtype=np.intp,
    )
    where[where < 0] = len(classes)
    return where.reshape(block.shape)


def _lookup(block: np.ndarray, classes: FloatArray, values: FloatArray, fill: float) -> FloatArray:
    extended = np.append(values, fill)
    return extended[_class_index(block, pd.Index(classes))]


def weights_raster(evidence: Any, table: pd.DataFrame, column: str = "weight") -> xr.DataArray:
    """Map a column of a weights table (``weight``, ``w_std``, ``gen_class``, ...) onto the grid.

    Cells whose class is not in the table, and NaN cells, are NaN.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> table = pd.DataFrame({"class": [1.0, 2.0], "weight": [0.5, -0.25]})
    >>> weights_raster(np.array([[1, 2], [2, 3]]), table).values.tolist()
    [[0.5, -0.25], [-0.25, nan]]
    """
    values = _grid_values(evidence, "evidence")
    order = table["class"].to_numpy(dtype=np.float64).argsort(kind="stable")
    classes = table["class"].to_numpy(dtype=np.float64)[order]
    mapped = table[column].to_numpy(dtype=np.float64)[order]
    out = np.empty(tuple(values.shape), dtype=np.float64)
    nodata = _nodata(evidence)
    for rows in _row_blocks(tuple(values.shape)):
        block = np.asarray(values[rows]).astype(np.float64)
        if nodata is not None:
            block[block == nodata] = np.nan
        out[rows] = _lookup(block, classes, mapped, np.nan)
    return _like(evidence, out, column)


def _like(template: Any, data: np.ndarray, name: str) -> xr.DataArray:
    if isinstance(template, xr.DataArray):
        attrs = {k: v for k, v in template.attrs.items() if k in ("crs", "cell_size", "transform")}
        return xr.DataArray(
            data, coords=template.coords, dims=template.dims, name=name, attrs=attrs
        )
    return xr.DataArray(data, dims=("northing", "easting"), name=name)


def posterior_probability(
    layers: Sequence[tuple[Any, pd.DataFrame]],
    *,
    prior: float | None = None,
    n_deposits: int | None = None,
    missing_data_variance: bool = False,
    confidence: bool = True,
    dtype: npt.DTypeLike = np.float32,
) -> xr.Dataset:
    """Posterior probability of a deposit per unit cell from generalised weights.

    Parameters
    ----------
    layers : sequence of (evidence, weights table)
        Evidence layers on one grid and their generalised tables (``class``, ``weight``,
        ``w_std``, ``gen_class``; attrs from :func:`weights_of_evidence`).
    prior : float, optional
        Prior probability (deposits per unit cell); by default ``n_deposits /
        total_area_units`` of the first table (ArcSDM and GA).
    n_deposits : int, optional
        Training deposits for the variance term ``1/n``; by default from the first table.
    missing_data_variance : bool
        Add ArcSDM's variance due to missing evidence (cells of a layer's
        ``missing_value`` class) to ``posterior_std`` and report it.
    confidence : bool
        Also return ``confidence = posterior / posterior_std``.
    dtype : numpy dtype
        Floating type of the outputs (computation is in float64).

    Returns
    -------
    xarray.Dataset
        ``posterior``, ``posterior_std``, optionally ``confidence`` and
        ``missing_data_variance``; NaN where any layer is NaN or its class has no weight.

    Notes
    -----
    ``logit P = ln(prior / (1 - prior)) + sum_j W_j`` and ``P = e^logit / (1 + e^logit)``;
    the variance from the weights is ``Var(P) = P^2 (1/n + sum_j s^2(W_j))``
    (Bonham-Carter 1994, eq. 9.39). The missing-data variance of layer ``j`` in a cell where
    ``j`` is missing is ``sum_c (P_c - P)^2 A_c / A_j``, ``P_c`` the posterior had the cell
    been in generalised class ``c`` of area ``A_c`` and ``A_j`` the area where ``j`` is known.

    Examples
    --------
    >>> import numpy as np
    >>> geology = np.repeat([[1.0, 2.0]], 500, axis=0)   # two units, 500 km2 each
    >>> deposits = np.zeros((500, 2), dtype=int)
    >>> deposits[:12, 0] = 1                               # 12 deposits in unit 1 ...
    >>> deposits[:2, 1] = 1                                # ... and 2 in unit 2
    >>> table = weights_of_evidence(geology, deposits, weights_type="categorical",
    ...                             cell_area_km2=1.0)
    >>> post = posterior_probability([(geology, table)])
    >>> post["posterior"].values[0].astype(float).round(4).tolist()  # 12/500 and 2/500
    [0.024, 0.004]
    """
    if not layers:
        msg = "posterior_probability needs at least one (evidence, weights table) pair"
        raise ValidationError(msg)
    first_values = _grid_values(layers[0][0], "evidence 1")
    shape = tuple(first_values.shape)
    prepared = []
    for j, (layer, table) in enumerate(layers, start=1):
        values = _grid_values(layer, f"evidence {j}")
        if tuple(values.shape) != shape:
            msg = (
                f"evidence {j} has shape {tuple(values.shape)} but evidence 1 has {shape}; "
                "align the layers first (bornite.io.raster.align)"
            )
            raise ValidationError(msg)
        needed = {"class", "weight", "w_std", "gen_class"} - set(table.columns)
        if needed:
            msg = f"weights table {j} lacks {sorted(needed)}; use weights_of_evidence()"
            raise ValidationError(msg)
        order = table["class"].to_numpy(dtype=np.float64).argsort(kind="stable")
        missing_value = table.attrs.get("missing_value")
        prepared.append(
            (
                values,
                _nodata(layer),
                pd.Index(table["class"].to_numpy(dtype=np.float64)[order]),
                np.append(table["weight"].to_numpy(dtype=np.float64)[order], np.nan),
                np.append(table["w_std"].to_numpy(dtype=np.float64)[order], np.nan),
                missing_value,
                _generalised_classes(table, missing_value),
            )
        )
    attrs0 = layers[0][1].attrs
    if prior is None:
        if "n_deposits" not in attrs0 or "total_area_units" not in attrs0:
            msg = "pass prior= (the weights table carries no n_deposits/total_area_units)"
            raise ValidationError(msg)
        prior = float(attrs0["n_deposits"]) / float(attrs0["total_area_units"])
    if not 0 < prior < 1:
        msg = f"prior probability must lie in (0, 1), got {prior!r}; check the unit cell area"
        raise ValidationError(msg)
    n_dep = int(n_deposits if n_deposits is not None else attrs0.get("n_deposits", 0))
    if n_dep <= 0:
        msg = "pass n_deposits= (the number of training deposits, > 0)"
        raise ValidationError(msg)
    prior_logit = math.log(prior / (1 - prior))
    post = np.empty(shape, dtype=dtype)
    std = np.empty(shape, dtype=dtype)
    conf = np.empty(shape, dtype=dtype) if confidence else None
    mdv = np.empty(shape, dtype=dtype) if missing_data_variance else None
    for rows in _row_blocks(shape):
        logit: FloatArray | None = None
        var: FloatArray | None = None
        md_masks = []
        for values, nodata, classes, weight, w_std, missing_value, _ in prepared:
            block = np.asarray(values[rows])
            if nodata is not None:
                block = np.where(block == nodata, np.nan, block.astype(np.float64))
            index = _class_index(block, classes)
            w = weight[index]
            sd = w_std[index]
            logit = prior_logit + w if logit is None else logit + w
            var = 1.0 / n_dep + sd * sd if var is None else var + sd * sd
            if mdv is not None:
                md_masks.append(
                    block == missing_value
                    if missing_value is not None
                    else np.zeros(block.shape, dtype=bool)
                )
        assert logit is not None
        assert var is not None
        odds = np.exp(logit)
        p = odds / (1.0 + odds)
        total_var = (p * p) * var
        if mdv is not None:
            extra = np.zeros_like(p)
            for mask, item in zip(md_masks, prepared, strict=True):
                if mask.any():
                    extra[mask] += _md_variance(p[mask], item[6])
            mdv[rows] = extra
            total_var = total_var + extra
        s = np.sqrt(total_var)
        post[rows] = p
        std[rows] = s
        if conf is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                conf[rows] = p / s
    template = layers[0][0]
    data = {
        "posterior": _like(template, post, "posterior"),
        "posterior_std": _like(template, std, "posterior_std"),
    }
    if conf is not None:
        data["confidence"] = _like(template, conf, "confidence")
    if mdv is not None:
        data["missing_data_variance"] = _like(template, mdv, "missing_data_variance")
    result = xr.Dataset(data)
    result.attrs.update(prior=prior, prior_logit=prior_logit, n_deposits=n_dep)
    return result


def _generalised_classes(table: pd.DataFrame, missing_value: Any) -> list[tuple[float, float]]:
    """(weight, area share) of each generalised class where the layer is known."""
    rows = table
    if missing_value is not None:
        rows = table[table["class"] != missing_value]
    area = rows.groupby("gen_class")["class_area_km2"].sum()
    weight = rows.groupby("gen_class")["weight"].first()
    total = float(area.sum())
    if total <= 0:
        return []
    return [(float(weight[g]), float(area[g]) / total) for g in area.index]


def _md_variance(p: FloatArray, classes: list[tuple[float, float]]) -> FloatArray:
    odds = p / (1.0 - p)
    out = np.zeros_like(p)
    for weight, share in classes:
        if weight == 0.0:
            continue
        updated = odds * math.exp(weight)
        pc = updated / (1.0 + updated)
        out += (pc - p) ** 2 * share
    return out


# ----------------------------------------------------------------------------- CI test


def conditional_independence_test(
    posterior: Any,
    posterior_std: Any,
    n_deposits: int,
    *,
    cell_area_km2: float,
    unit_area_km2: float = 1.0,
) -> ConditionalIndependenceResult:
    """Agterberg and Cheng's (2002) conditional independence test, as ArcSDM computes it.

    Parameters
    ----------
    posterior, posterior_std : array_like or xarray.DataArray
        Posterior probability per unit cell and its standard deviation (NaN outside).
    n_deposits : int
        Training deposits ``n``.
    cell_area_km2 : float
        Area of one raster cell; each cell is ``cell_area_km2 / unit_area_km2`` unit cells.
    unit_area_km2 : float
        Unit cell area used for the weights.

    Returns
    -------
    ConditionalIndependenceResult

    Notes
    -----
    ``T = sum_cells P * a`` with ``a`` the cell area in unit cells. Cells with the same
    posterior standard deviation form one unique condition ``k`` (they share every
    generalised class), whose contributions are fully correlated:
    ``Var(T) = sum_k (s_k N_k a)^2`` over the ``N_k`` cells of condition ``k``. The test
    statistic is ``z = (T - n) / sqrt(Var T)`` and ``Phi(z)`` is the probability that the
    model is not conditionally independent (one-tailed). ArcSDM approximates ``Phi`` with
    Abramowitz and Stegun 26.2.17; bornite uses the exact normal distribution.

    Examples
    --------
    >>> import numpy as np
    >>> posterior = np.full((10, 10), 0.02)          # 100 unit cells, 2 % each
    >>> r = conditional_independence_test(posterior, posterior / 2, 2, cell_area_km2=1.0)
    >>> round(r.expected_deposits, 6), round(r.ratio, 6), round(r.std_expected, 6)
    (2.0, 1.0, 1.0)
    """
    if n_deposits <= 0:
        msg = f"n_deposits must be positive, got {n_deposits}"
        raise ValidationError(msg)
    if not (cell_area_km2 > 0 and unit_area_km2 > 0):
        msg = "cell_area_km2 and unit_area_km2 must be positive areas in km2"
        raise ValidationError(msg)
    factor = cell_area_km2 / unit_area_km2
    p = np.asarray(posterior.data if isinstance(posterior, xr.DataArray) else posterior)
    sd = np.asarray(
        posterior_std.data if isinstance(posterior_std, xr.DataArray) else posterior_std
    )
    if p.shape != sd.shape:
        msg = f"posterior {p.shape} and posterior_std {sd.shape} grids differ in shape"
        raise ValidationError(msg)
    keep = ~(np.isnan(p) | np.isnan(sd))
    p64 = p[keep].astype(np.float64)
    t = float(p64.sum()) * factor
    values, counts = np.unique(sd[keep].astype(np.float64), return_counts=True)
    std_t = math.sqrt(float(np.sum((values * counts * factor) ** 2)))
    z = (t - n_deposits) / std_t if std_t > 0 else math.inf
    prob = float(stats.norm.cdf(z))
    overall = 100.0 * (1.0 - abs(2.0 * prob - 1.0))
    return ConditionalIndependenceResult(
        n_deposits=int(n_deposits),
        expected_deposits=t,
        std_expected=std_t,
        ratio=n_deposits / t if t > 0 else math.inf,
        z=z,
        probability=prob,
        overall_ci=overall,
    )
