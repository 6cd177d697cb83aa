"""Top cutting (capping) of high grades and cell declustering of clustered samples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.core.validation import require_columns
from bornite.errors import ValidationError

__all__ = ["DeclusteringResult", "TopCutReport", "cell_declustering", "top_cut"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TopCutReport:
    """What a top cut changed.

    Attributes
    ----------
    column : str
        Grade column cut.
    threshold : float
        Top-cut value; grades above it were set to it.
    percentile : float or None
        Percentile the threshold came from, if any.
    n_cut : int
        Number of samples cut.
    metal_before, metal_after : float
        Sum of grade x length (grade units x m) before and after.
    metal_removed : float
        ``metal_before - metal_after``.
    fraction_removed : float
        ``metal_removed / metal_before`` (0 when there is no metal).
    """

    column: str
    threshold: float
    percentile: float | None
    n_cut: int
    metal_before: float
    metal_after: float
    metal_removed: float
    fraction_removed: float


def top_cut(
    table: pd.DataFrame,
    column: str,
    *,
    value: float | None = None,
    percentile: float | None = None,
    length: str | None = "length",
) -> tuple[pd.DataFrame, TopCutReport]:
    """Cap the grades of ``column`` at a value or at a percentile of the data.

    Parameters
    ----------
    table : pandas.DataFrame
        Samples or composites.
    column : str
        Grade column to cut.
    value : float, optional
        Top-cut value. Give exactly one of ``value`` and ``percentile``.
    percentile : float, optional
        Percentile (0-100) of the non-missing grades used as top cut.
    length : str or None
        Column of sample lengths used to weigh metal (``to - from`` when absent and the table
        has ``from``/``to``); ``None`` gives every sample weight 1.

    Returns
    -------
    capped : pandas.DataFrame
        Copy of ``table`` with ``column`` capped.
    report : TopCutReport
        Threshold, samples cut and metal removed.

    Notes
    -----
    :math:`g' = \\min(g, t)`; metal removed :math:`= \\sum_i \\ell_i \\max(g_i - t, 0)`.
    The percentile is unweighted (numpy's linear interpolation).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cu_pct": [0.5, 1.0, 8.0], "length": [2.0, 2.0, 1.0]})
    >>> capped, report = top_cut(t, "cu_pct", value=3.0)
    >>> capped["cu_pct"].tolist(), report.n_cut, report.metal_removed
    ([0.5, 1.0, 3.0], 1, 5.0)
    """
    if (value is None) == (percentile is None):
        msg = "give exactly one of value= (a grade) or percentile= (0-100) for the top cut"
        raise ValidationError(msg)
    require_columns(table, [column], name="top_cut table")
    grades = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    if length is not None and length in table.columns:
        weights = table[length].to_numpy(dtype=float)
    elif length is not None and {"from", "to"} <= set(table.columns):
        weights = (table["to"] - table["from"]).to_numpy(dtype=float)
    else:
        weights = np.ones(len(table))
    present = np.isfinite(grades)
    if percentile is not None:
        if not 0 <= percentile <= 100:
            msg = f"percentile must be within 0-100, got {percentile}"
            raise ValidationError(msg)
        if not present.any():
            msg = f"column {column!r} has no numeric grade to take a percentile of"
            raise ValidationError(msg)
        threshold = float(np.percentile(grades[present], percentile))
    else:
        threshold = float(value)  # type: ignore[arg-type]
    capped_values = np.where(present, np.minimum(grades, threshold), np.nan)
    before = float(np.nansum(grades * weights))
    after = float(np.nansum(capped_values * weights))
    n_cut = int((present & (grades > threshold)).sum())
    capped = table.copy()
    capped[column] = capped_values
    removed = before - after
    report = TopCutReport(
        column=column,
        threshold=threshold,
        percentile=percentile,
        n_cut=n_cut,
        metal_before=before,
        metal_after=after,
        metal_removed=removed,
        fraction_removed=removed / before if before else 0.0,
    )
    return capped, report


@dataclass(frozen=True, eq=False)
class DeclusteringResult:
    """Cell-declustering weights and the search over cell sizes.

    Attributes
    ----------
    weights : pandas.Series
        Weight of each sample at the chosen cell size, mean 1, indexed like the input.
    summary : pandas.DataFrame
        ``cell_size, mean`` (declustered mean for each tried size).
    cell_size : float
        Chosen cell size.
    mean : float
        Declustered mean at the chosen size.
    naive_mean : float
        Equal-weight mean.
    """

    weights: pd.Series
    summary: pd.DataFrame
    cell_size: float
    mean: float
    naive_mean: float


def _cell_weights(
    coords: FloatArray, size: float, anisotropy: FloatArray, n_offsets: int
) -> FloatArray:
    cell = size * anisotropy
    lower = coords.min(axis=0)
    weights = np.zeros(len(coords))
    for k in range(n_offsets):
        origin = lower - cell * (k / n_offsets)
        index = np.floor((coords - origin) / cell).astype(np.int64)
        _, inverse, counts = np.unique(index, axis=0, return_inverse=True, return_counts=True)
        occupied = len(counts)
        w = 1.0 / counts[inverse.ravel()]
        weights += w * len(coords) / occupied
    return weights / n_offsets


def cell_declustering(
    samples: pd.DataFrame,
    column: str,
    cell_sizes: Sequence[float] | npt.ArrayLike,
    *,
    coordinates: Sequence[str] = ("easting", "northing", "elevation"),
    anisotropy: Sequence[float] | None = None,
    n_offsets: int = 4,
    objective: str = "minimum",
) -> DeclusteringResult:
    """Cell declustering with a search over cell sizes.

    Parameters
    ----------
    samples : pandas.DataFrame
        Sample coordinates and values (e.g. desurveyed composites).
    column : str
        Variable whose declustered mean guides the choice of cell size.
    cell_sizes : sequence of float
        Cell sizes (m) to try, along the first coordinate.
    coordinates : sequence of str
        Coordinate columns (2 or 3).
    anisotropy : sequence of float, optional
        Cell size of each coordinate relative to the first (default all 1).
    n_offsets : int
        Number of grid-origin offsets averaged per size (removes origin dependence).
    objective : {"minimum", "maximum"}
        Pick the size that minimises the declustered mean (high grades drilled more densely,
        the usual case) or maximises it.

    Returns
    -------
    DeclusteringResult

    Notes
    -----
    For one grid, a sample in a cell holding :math:`n_c` samples gets weight
    :math:`w = n / (n_c\\, C)` with :math:`C` occupied cells and :math:`n` samples, so the
    weights average 1; weights are averaged over ``n_offsets`` origins shifted by
    :math:`k/n_{\\text{off}}` of a cell. The declustered mean is
    :math:`\\sum w_i z_i / \\sum w_i` (Deutsch & Journel, GSLIB ``declus``).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"easting": [0.0, 1.0, 2.0, 50.0], "northing": [0.0, 0.0, 0.0, 50.0],
    ...                   "cu_pct": [2.0, 2.0, 2.0, 0.4]})
    >>> r = cell_declustering(s, "cu_pct", [10.0, 100.0], coordinates=("easting", "northing"),
    ...                       n_offsets=1)
    >>> r.naive_mean, r.cell_size, r.mean
    (1.6, 10.0, 1.2)
    """
    if objective not in ("minimum", "maximum"):
        msg = f"objective={objective!r}; use 'minimum' or 'maximum'"
        raise ValidationError(msg)
    require_columns(samples, [*coordinates, column], name="declustering samples")
    coords = samples[list(coordinates)].to_numpy(dtype=float)
    values = pd.to_numeric(samples[column], errors="coerce").to_numpy(dtype=float)
    keep = np.isfinite(values) & np.isfinite(coords).all(axis=1)
    if not keep.any():
        msg = f"no sample has finite coordinates and a numeric {column!r}"
        raise ValidationError(msg)
    sizes = np.atleast_1d(np.asarray(cell_sizes, dtype=float))
    if (sizes <= 0).any() or not np.isfinite(sizes).all():
        msg = "cell sizes must be positive numbers of metres"
        raise ValidationError(msg)
    ratios = np.ones(len(coordinates)) if anisotropy is None else np.asarray(anisotropy, float)
    if n_offsets < 1:
        msg = "n_offsets must be >= 1"
        raise ValidationError(msg)
    xyz, z = coords[keep], values[keep]
    all_weights = [_cell_weights(xyz, s, ratios, n_offsets) for s in sizes]
    means = np.array([np.sum(w * z) / np.sum(w) for w in all_weights])
    best = int(np.argmin(means) if objective == "minimum" else np.argmax(means))
    weights = pd.Series(np.nan, index=samples.index, name="weight")
    weights[keep] = all_weights[best]
    return DeclusteringResult(
        weights=weights,
        summary=pd.DataFrame({"cell_size": sizes, "mean": means}),
        cell_size=float(sizes[best]),
        mean=float(means[best]),
        naive_mean=float(np.mean(z)),
    )
