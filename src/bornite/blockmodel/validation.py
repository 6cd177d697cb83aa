"""Validation of block estimates against the samples: global means, swath plots, and the
declustering cells they are weighted with."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from bornite.blockmodel.grid import DIMS, BlockGrid
from bornite.errors import ValidationError

__all__ = [
    "DECLUSTERING_FACTORS",
    "CompositeCheck",
    "check_against_composites",
    "declustering_cells",
    "global_mean_check",
    "swath",
]


def global_mean_check(
    model: xr.Dataset,
    variable: str,
    values: npt.ArrayLike,
    *,
    weights: npt.ArrayLike | None = None,
) -> dict[str, float]:
    """Compare the mean of the block estimates with the (declustered) mean of the samples.

    The first check of any estimate: over the estimated volume, the mean of equal-volume
    blocks should be close to the declustered sample mean (within a few per cent); a larger
    gap points at a bias from clustered drilling, extrapolation or a poor search.

    Parameters
    ----------
    model : xarray.Dataset
        Block model with ``variable`` (unestimated blocks NaN).
    variable : str
        Estimated variable.
    values : array_like
        Sample values (composites inside the same domain).
    weights : array_like, optional
        Declustering weights of the samples (default equal).

    Returns
    -------
    dict
        ``blocks``, ``block_mean``, ``samples``, ``sample_mean`` (weighted),
        ``naive_sample_mean`` and ``relative_difference`` (``block_mean / sample_mean - 1``).

    Examples
    --------
    >>> from bornite.blockmodel.grid import BlockGrid
    >>> m = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), (2, 1, 1)).dataset(g=[1.0, 3.0])
    >>> check = global_mean_check(m, "g", [1.0, 1.0, 5.0], weights=[0.5, 0.5, 1.0])
    >>> check["block_mean"], check["sample_mean"], round(check["relative_difference"], 4)
    (2.0, 3.0, -0.3333)
    """
    if variable not in model:
        msg = f"block model has no variable {variable!r}"
        raise ValidationError(msg)
    v = np.asarray(values, dtype=float)
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != v.shape:
        msg = f"weights have shape {w.shape}; values have {v.shape}"
        raise ValidationError(msg)
    keep = np.isfinite(v) & np.isfinite(w)
    blocks = model[variable].values
    blocks = blocks[np.isfinite(blocks)]
    if blocks.size == 0 or not keep.any() or w[keep].sum() <= 0:
        msg = "the global-mean check needs estimated blocks and samples with positive weights"
        raise ValidationError(msg)
    block_mean = float(blocks.mean())
    sample_mean = float(np.average(v[keep], weights=w[keep]))
    return {
        "blocks": float(blocks.size),
        "block_mean": block_mean,
        "samples": float(keep.sum()),
        "sample_mean": sample_mean,
        "naive_sample_mean": float(v[keep].mean()),
        "relative_difference": block_mean / sample_mean - 1.0 if sample_mean else float("nan"),
    }


def swath(
    model: xr.Dataset,
    variable: str,
    samples: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    axis: str = "easting",
    width: float | None = None,
    weights: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Mean of the block estimates and of the samples in slices along one axis.

    Parameters
    ----------
    model : xarray.Dataset
        Block model with ``variable``.
    variable : str
        Estimated variable.
    samples : array_like, shape (n, 3)
        Sample coordinates (easting, northing, elevation).
    values : array_like, shape (n,)
        Sample values (composites) in the variable's unit.
    axis : {"easting", "northing", "elevation"}
        Direction of the swath.
    width : float, optional
        Slice width (default: the block size along ``axis``).
    weights : array_like, optional
        Declustering weights of the samples.

    Returns
    -------
    pandas.DataFrame
        ``start``, ``end``, ``centre``, ``blocks``, ``estimate_mean``, ``samples``,
        ``sample_mean`` per slice; a good estimate follows the sample trend, smoother.

    Examples
    --------
    >>> from bornite.blockmodel.grid import BlockGrid
    >>> m = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), (2, 1, 1)).dataset(g=[1.0, 3.0])
    >>> swath(m, "g", [[5, 5, 5], [15, 5, 5]], [1.2, 2.8])[["estimate_mean", "sample_mean"]]
       estimate_mean  sample_mean
    0            1.0          1.2
    1            3.0          2.8
    """
    if axis not in DIMS:
        msg = f"axis must be one of {', '.join(DIMS)}, got {axis!r}"
        raise ValidationError(msg)
    if variable not in model:
        msg = f"block model has no variable {variable!r}"
        raise ValidationError(msg)
    k = DIMS.index(axis)
    size = float(model.attrs.get("block_size", [np.nan] * 3)[k])
    width = float(width or size)
    if not np.isfinite(width) or width <= 0:
        msg = "give a positive swath width"
        raise ValidationError(msg)
    xyz = np.asarray(samples, dtype=float).reshape(-1, 3)
    v = np.asarray(values, dtype=float)
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float)
    centres = model[axis].values
    start = float(centres.min() - size / 2) if np.isfinite(size) else float(centres.min())
    edges = np.arange(start, float(centres.max()) + width, width)
    if edges.size < 2:
        edges = np.array([start, start + width])
    block_bin = np.digitize(centres, edges) - 1
    estimates = model[variable].transpose(axis, ...).values.reshape(len(centres), -1)
    sample_bin = np.digitize(xyz[:, k], edges) - 1
    rows = []
    for b in range(len(edges) - 1):
        block_values = estimates[block_bin == b].ravel()
        block_values = block_values[np.isfinite(block_values)]
        in_slice = (sample_bin == b) & np.isfinite(v)
        rows.append(
            {
                "start": edges[b],
                "end": edges[b + 1],
                "centre": (edges[b] + edges[b + 1]) / 2,
                "blocks": int(block_values.size),
                "estimate_mean": float(block_values.mean()) if block_values.size else np.nan,
                "samples": int(in_slice.sum()),
                "sample_mean": float(np.average(v[in_slice], weights=w[in_slice]))
                if in_slice.any()
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


#: Declustering cell sizes tried by default, as multiples of the block's easting size.
DECLUSTERING_FACTORS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0)


def declustering_cells(
    block_size: tuple[float, float, float], factors: tuple[float, ...] = DECLUSTERING_FACTORS
) -> tuple[float, ...]:
    """Cell sizes for cell declustering of the composites of a block model.

    Cells from one block to a few blocks wide (``factors`` times the easting size): smaller
    cells decluster nothing, much larger ones average away the drilling pattern that
    declustering corrects (Deutsch and Journel 1998, section VI.2.3).

    Examples
    --------
    >>> declustering_cells((25.0, 25.0, 10.0))
    (25.0, 37.5, 50.0, 75.0, 100.0, 150.0)
    """
    if not block_size[0] > 0:
        msg = f"block size must be > 0 m, got {block_size}"
        raise ValidationError(msg)
    return tuple(float(block_size[0]) * f for f in factors)


@dataclass(frozen=True)
class CompositeCheck:
    """An estimate checked against its composites (see :func:`check_against_composites`).

    Attributes
    ----------
    in_model : numpy.ndarray of bool
        Composites inside an estimated block (the ones checked).
    global_mean : dict
        :func:`global_mean_check` of the blocks against the declustered composites.
    swaths : dict of str to pandas.DataFrame
        :func:`swath` along each axis.
    """

    in_model: npt.NDArray[np.bool_]
    global_mean: dict[str, float]
    swaths: dict[str, pd.DataFrame]


def check_against_composites(
    model: xr.Dataset,
    variable: str,
    samples: npt.ArrayLike,
    values: npt.ArrayLike,
    weights: npt.ArrayLike,
) -> CompositeCheck:
    """Global mean and swaths of an estimate against the declustered composites inside it.

    Only composites whose centre lies in an estimated block count: a composite outside the
    estimated volume (another domain, beyond the search) says nothing about the estimate.

    Raises
    ------
    ValidationError
        When no composite lies inside an estimated block.
    """
    xyz = np.asarray(samples, dtype=float).reshape(-1, 3)
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    grid = BlockGrid.from_dataset(model)
    index = grid.index(xyz)
    inside = (index >= 0).all(axis=1)
    estimated = np.isfinite(model[variable].values)
    in_model = np.zeros(len(xyz), dtype=bool)
    in_model[inside] = estimated[tuple(index[inside].T)]
    if not in_model.any():
        msg = "no composite lies inside an estimated block; check the grid and the domain"
        raise ValidationError(msg)
    mean = global_mean_check(model, variable, v[in_model], weights=w[in_model])
    swaths = {
        axis: swath(model, variable, xyz[in_model], v[in_model], axis=axis, weights=w[in_model])
        for axis in DIMS
    }
    return CompositeCheck(in_model, mean, swaths)
